/* test_search.c - the search pipeline below SQLite (src/search.c): every case of
 * tests/fixtures/search-cases.tsv (a copy of the shared list) decided at the tokenizer level the way FTS5
 * decides it (all terms present; phrases on consecutive positions; prefixes on unstemmed query words
 * against any token, colocated ones included), original offsets, query parsing into quoted MATCH
 * expressions whatever the input, and snippet escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "search.h"

#define MAXTOK 256

/* A tokenised text: each position has its token and, maybe, a colocated unstemmed form. */
struct toks {
	size_t n;
	char tok[MAXTOK][2][64];
	size_t start[MAXTOK], end[MAXTOK];
};

/* collect: search_tokens callback filling a struct toks. */
static int collect(const char *tok, size_t len, size_t start, size_t end, int colocated, void *ctx)
{
	struct toks *t = ctx;
	if (len >= 64)
		len = 63;
	if (colocated) {
		assert_true(t->n > 0);
		memcpy(t->tok[t->n - 1][1], tok, len);
		t->tok[t->n - 1][1][len] = '\0';
		return 0;
	}
	assert_true(t->n < MAXTOK);
	memcpy(t->tok[t->n][0], tok, len);
	t->tok[t->n][0][len] = '\0';
	t->tok[t->n][1][0] = '\0';
	t->start[t->n] = start;
	t->end[t->n] = end;
	t->n++;
	return 0;
}

/* tokenize: the tokens of s in mode (t is reset first). */
static void tokenize(struct toks *t, const char *s, enum search_mode mode)
{
	memset(t, 0, sizeof *t);
	search_tokens(s, strlen(s), mode, collect, t);
}

/* at: 1 when document position i holds token q (prefix: a token starting with q). */
static int at(const struct toks *d, size_t i, const char *q, int prefix)
{
	for (int k = 0; k < 2; k++) {
		const char *t = d->tok[i][k];
		if (!*t)
			continue;
		if (prefix ? strncmp(t, q, strlen(q)) == 0 : strcmp(t, q) == 0)
			return 1;
	}
	return 0;
}

/* term_matches: 1 when the parsed term occurs in the document tokens. */
static int term_matches(const struct toks *d, const struct search_term *term)
{
	struct toks q = {0}, one;
	for (size_t w = 0; w < term->nwords; w++) {
		tokenize(&one, term->words[w], term->prefix ? SEARCH_PREFIX : SEARCH_QUERY);
		for (size_t k = 0; k < one.n; k++)
			memcpy(q.tok[q.n++][0], one.tok[k][0], 64);
	}
	if (q.n == 0)
		return 0;
	for (size_t i = 0; i + q.n <= d->n; i++) {
		size_t k = 0;
		while (k < q.n && at(d, i + k, q.tok[k][0], term->prefix && k == q.n - 1))
			k++;
		if (k == q.n)
			return 1;
	}
	return 0;
}

/* query_matches: 1 when every term of query is in document (AND), as FTS5 would answer. */
static int query_matches(const char *query, const char *document)
{
	struct arena arena_ = {0}, *a = &arena_;
	struct search_query sq;
	search_parse(a, query, strlen(query), &sq);
	static struct toks d;
	tokenize(&d, document, SEARCH_DOCUMENT);
	int ok = sq.nterms > 0;
	for (size_t i = 0; ok && i < sq.nterms; i++)
		ok = term_matches(&d, &sq.terms[i]);
	arena_free(a);
	return ok;
}

static void test_cases_file(void **state)
{
	(void)state;
	FILE *f = fopen("tests/fixtures/search-cases.tsv", "r");
	assert_non_null(f);
	char line[4096];
	int cases = 0, failed = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char *query = strtok(line, "\t"), *doc = strtok(NULL, "\t"), *expect = strtok(NULL, "\t"),
		     *why = strtok(NULL, "\t");
		assert_non_null(expect);
		int want = strcmp(expect, "match") == 0;
		int got = query_matches(query, doc);
		cases++;
		if (got != want) {
			failed++;
			print_error("case %d: %s in %s: got %s, want %s (%s)\n", cases, query, doc,
				    got ? "match" : "nomatch", expect, why ? why : "");
		}
	}
	fclose(f);
	assert_int_equal(cases, 17);
	assert_int_equal(failed, 0);
}

static void test_offsets(void **state)
{
	(void)state;
	static struct toks t;
	const char *s = "قالَ الرَّئِيسُ, The ELECTIONS";
	tokenize(&t, s, SEARCH_DOCUMENT);
	assert_int_equal(t.n, 4);
	/* the original bytes, marks included */
	assert_int_equal(t.end[1] - t.start[1], strlen("الرَّئِيسُ"));
	assert_memory_equal(s + t.start[1], "الرَّئِيسُ", t.end[1] - t.start[1]);
	assert_string_equal(t.tok[1][0], "رءيس");
	assert_string_equal(t.tok[1][1], "الرءيس"); /* colocated unstemmed form */
	assert_string_equal(t.tok[3][0], "elect");
	assert_string_equal(t.tok[3][1], "elections");
	assert_memory_equal(s + t.start[3], "ELECTIONS", 9);
	tokenize(&t, "الاقتصاد", SEARCH_PREFIX);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.tok[0][0], "الاقتصاد"); /* prefix queries are not stemmed */
	tokenize(&t, "elections", SEARCH_QUERY);
	assert_string_equal(t.tok[0][0], "elect");
	assert_string_equal(t.tok[0][1], ""); /* queries have no colocated forms */
}

/* expr: the MATCH expression for q ("" when there is none). */
static void expr_eq(const char *q, size_t n, const char *want)
{
	struct arena arena_ = {0}, *a = &arena_;
	struct search_query sq;
	search_parse(a, q, n, &sq);
	const char *e = search_match_expr(a, &sq);
	if (strcmp(e ? e : "", want) != 0)
		fail_msg("expr(%s) = [%s], want [%s]", q, e ? e : "", want);
	arena_free(a);
}
#define EXPR(lit, want) expr_eq((lit), sizeof(lit) - 1, (want))

static void test_parse(void **state)
{
	(void)state;
	EXPR("", "");
	EXPR("   ", "");
	EXPR("!!! ... ،؟", "");
	EXPR("oil prices", "\"oil\" \"prices\"");
	EXPR("\"oil prices\" rise", "\"oil prices\" \"rise\"");
	EXPR("اقتص*", "\"اقتص\" *");
	EXPR("\"unbalanced quote", "\"unbalanced quote\"");
	EXPR("a\"b", "\"a\" \"b\"");
	/* FTS5 syntax is only text; words joined by punctuation are a phrase (as in covid-19) */
	EXPR("NEAR(oil gas)", "\"near oil\" \"gas\"");
	EXPR("covid-19", "\"covid 19\"");
	EXPR("title:oil ^start -minus (x OR y) AND z", "\"title oil\" \"start\" \"minus\" \"x\" \"or\" \"y\" \"and\" \"z\"");
	EXPR("\"\"", "");
	EXPR("*", "");
	EXPR("bad\xff\xfe utf8", "\"bad\" \"utf8\"");
	EXPR("الرَّئِيسُ", "\"الرءيس\"");
	/* long queries are cut to SEARCH_MAX_TERMS terms */
	struct arena arena_ = {0}, *a = &arena_;
	struct buf b = BUF_INIT;
	for (int i = 0; i < 200; i++)
		buf_printf(&b, "word%d ", i);
	struct search_query sq;
	search_parse(a, b.data, b.len, &sq);
	assert_int_equal(sq.nterms, SEARCH_MAX_TERMS);
	assert_true(sq.truncated);
	buf_free(&b);
	arena_free(a);
}

/* snippet_eq: asserts the HTML of a snippet with <, >, and markers. */
static void snippet_eq(const char *in, const char *want)
{
	struct buf b = BUF_INIT;
	search_snippet_html(&b, in, strlen(in));
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void test_snippet(void **state)
{
	(void)state;
	snippet_eq("a <b>" SEARCH_MARK_OPEN "oil" SEARCH_MARK_CLOSE " & gas", "a &lt;b&gt;<mark>oil</mark> &amp; gas");
	snippet_eq(SEARCH_MARK_OPEN "open", "<mark>open</mark>");
	snippet_eq("close" SEARCH_MARK_CLOSE " <script>", "close &lt;script&gt;");
	snippet_eq("**bold** # head", "bold  head");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases_file), cmocka_unit_test(test_offsets), cmocka_unit_test(test_parse),
		cmocka_unit_test(test_snippet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
