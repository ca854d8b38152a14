/* test_search_tsq.c - the PostgreSQL side of the search pipeline (src/search_tsq.c): parsed queries
 * written as tsquery text (stems, phrases, prefixes never stemmed, quoting that keeps input out of the
 * tsquery syntax) and snippets cut from the stored text like FTS5's snippet(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "arena.h"
#include "search.h"
#include "search_tsq.h"

/* tsq: the tsquery for the user's query text q ("(null)" when it has none). */
static const char *tsq(struct arena *a, const char *q)
{
	struct search_query sq;
	search_parse(a, q, strlen(q), &sq);
	const char *t = search_tsquery(a, &sq);
	return t ? t : "(null)";
}

static void test_tsquery(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	assert_string_equal(tsq(&a, "harvests"), "'harvest'");
	assert_string_equal(tsq(&a, "Clove  ZANZIBAR"), "'clove' & 'zanzibar'");
	assert_string_equal(tsq(&a, "\"clove harvests\""), "('clove' <-> 'harvest')");
	assert_string_equal(tsq(&a, "\"a b\" econ*"), "('a' <-> 'b') & 'econ':*");
	assert_string_equal(tsq(&a, "harvests*"), "'harvests':*"); /* a prefix is never stemmed */
	assert_string_equal(tsq(&a, "covid-19"), "('covid' <-> '19')"); /* inner punctuation: a phrase */
	/* the Arabic pipeline: tashkeel, alef forms and the article go, as in search_terms() */
	assert_string_equal(tsq(&a, "الرَّئِيسُ"), tsq(&a, "رئيس"));
	assert_string_equal(tsq(&a, "اقتص*"), "'اقتص':*");
	/* nothing the reader types becomes tsquery syntax */
	assert_string_equal(tsq(&a, "!!! & | <-> :*"), "(null)");
	assert_string_equal(tsq(&a, "o'brien"), "('o' <-> 'brien')");
	assert_string_equal(tsq(&a, "\"\""), "(null)");
	assert_string_equal(tsq(&a, ""), "(null)");
	arena_free(&a);
}

/* snip: the snippet of cols for the query q, markers shown as [ and ]. */
static const char *snip(struct arena *a, const char *q, const char *h, const char *s, const char *b)
{
	struct search_query sq;
	search_parse(a, q, strlen(q), &sq);
	const char *cols[3] = {h, s, b};
	const char *r = search_snippet(a, &sq, cols);
	struct buf out = BUF_INIT;
	for (const char *p = r; *p;) {
		if (strncmp(p, SEARCH_MARK_OPEN, 3) == 0) {
			buf_putc(&out, '[');
			p += 3;
		} else if (strncmp(p, SEARCH_MARK_CLOSE, 3) == 0) {
			buf_putc(&out, ']');
			p += 3;
		} else {
			buf_putc(&out, *p++);
		}
	}
	const char *copy = arena_strndup(a, out.data ? out.data : "", out.len);
	buf_free(&out);
	return copy;
}

static void test_snippet(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	/* the original text, with its tashkeel, is what gets marked */
	assert_string_equal(snip(&a, "الرئيس", "قالَ الرَّئِيسُ إنَّ الاقتصادَ يتحسّنُ", "", ""),
			    "قالَ [الرَّئِيسُ] إنَّ الاقتصادَ يتحسّنُ");
	/* stems and unstemmed forms match; a prefix matches the start of a word */
	assert_string_equal(snip(&a, "harvest", "", "", "The harvests came in, harvested by hand."),
			    "The [harvests] came in, [harvested] by hand.");
	assert_string_equal(snip(&a, "econ*", "Economy and economics", "", ""), "[Economy] and [economics]");
	/* a phrase: one mark, and only where its words follow each other */
	assert_string_equal(snip(&a, "\"central bank\"", "", "", "The central bank, not any bank, is central."),
			    "The [central bank], not any bank, is central.");
	/* the column whose window matches most terms wins; the headline on a tie */
	assert_string_equal(snip(&a, "clove harvest", "Clove prices", "", "The clove harvest is late."),
			    "The [clove] [harvest] is late.");
	assert_string_equal(snip(&a, "clove", "Clove prices", "", "The clove harvest is late."), "[Clove] prices");
	/* a long text: 24 tokens around the matches, cut with ellipses */
	const char *body = "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20 w21 w22 w23 w24 w25 "
			   "w26 w27 w28 w29 w30 zebra w32 w33 w34 w35 w36 w37 w38 w39 w40 w41 w42 w43 w44 w45 w46 w47 w48 "
			   "w49 w50";
	const char *s = snip(&a, "zebra", "", "", body);
	assert_true(strncmp(s, "…w20 ", strlen("…w20 ")) == 0);
	assert_non_null(strstr(s, " [zebra] "));
	assert_true(strlen(s) >= strlen("…") && strcmp(s + strlen(s) - strlen("w43…"), "w43…") == 0);
	/* no match anywhere (the query's words were filtered out): the text, unmarked */
	assert_string_equal(snip(&a, "absent", "Short headline", "", ""), "Short headline");
	assert_string_equal(snip(&a, "absent", "", "", ""), "");
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tsquery),
		cmocka_unit_test(test_snippet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
