/* test_glossary.c - the glossary's pure matching (src/glossary.c): keys (case, tashkeel, tatweel, hamza
 * forms), variants as typed and as stored, mentions by any spelling, misspellings (a variant of the
 * edition's script where its agreed spelling is expected), whole words only, Arabic attached prefixes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "glossary.h"

/* The entries every case reads. */
static const struct db_glossary entries[] = {
	{.id = 1, .kind = "person", .name_en = "Mahmoud Abbas", .name_ar = "محمود عباس",
	 .variants = "Mahmud Abbas\nAbu Mazen\nمحمود عبّاس الرئيس\nأبو مازن"},
	{.id = 2, .kind = "place", .name_en = "Jerusalem", .name_ar = "القدس", .variants = "Al-Quds\nأورشليم"},
	{.id = 3, .kind = "organisation", .name_en = "United Nations", .name_ar = "الأمم المتحدة", .variants = "UN"},
	{.id = 4, .kind = "place", .name_en = "Gaza", .name_ar = "غزة", .variants = "Ghazza\nGazza"},
};
#define N (sizeof entries / sizeof entries[0])

/* check: glossary_check of text in lang; *mentioned gets the flags; returns the misspellings. */
static size_t check(struct arena *a, const char *text, const char *lang, unsigned char *mentioned,
		    struct glossary_miss **miss)
{
	memset(mentioned, 0, N);
	return glossary_check(a, entries, N, text, lang, mentioned, miss);
}

static void test_keys(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	assert_string_equal(glossary_key(&a, "  MAHMOUD   abbas "), "mahmoud abbas");
	assert_string_equal(glossary_key(&a, "Mahmoud-Abbas"), "mahmoud abbas");
	assert_string_equal(glossary_key(&a, "مَحْمُود عبّـــاس"), "محمود عباس");
	assert_string_equal(glossary_key(&a, "الأمم المتحدة"), glossary_key(&a, "الامم المتحده"));
	assert_string_equal(glossary_key(&a, "Ẓ"), glossary_key(&a, "Ẓ")); /* outside the folded blocks: as is */
	assert_string_equal(glossary_key(&a, " -- "), "");
	assert_string_equal(glossary_key(&a, NULL), "");
	arena_free(&a);
}

static void test_variants(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	size_t n = 0;
	assert_string_equal(glossary_variants_clean(&a, " Mahmud Abbas ;Abu Mazen\r\n\n  ; mahmud ABBAS\nأبو مازن", &n),
			    "Mahmud Abbas\nAbu Mazen\nأبو مازن");
	assert_int_equal(n, 3);
	assert_string_equal(glossary_variants_clean(&a, " ; \n", &n), "");
	assert_int_equal(n, 0);
	const char **v;
	assert_int_equal(glossary_variants(&a, "a\n\nb c", &v), 2);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[1], "b c");
	assert_int_equal(glossary_variants(&a, "", &v), 0);
	assert_true(glossary_arabic("x القدس"));
	assert_false(glossary_arabic("Al-Quds é"));
	arena_free(&a);
}

/* The agreed spelling is no misspelling; a variant of the edition's script is, named with the agreed one. */
static void test_agreed_and_variant(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	unsigned char m[N];
	struct glossary_miss *miss;
	assert_int_equal(check(&a, "Mahmoud Abbas met the press in Jerusalem.", "en", m, &miss), 0);
	assert_true(m[0] && m[1] && !m[2] && !m[3]);
	assert_int_equal(check(&a, "Mahmud Abbas spoke; later mahmud abbas left.", "en", m, &miss), 1);
	assert_int_equal(miss[0].entry, 0);
	assert_string_equal(miss[0].used, "Mahmud Abbas");
	assert_string_equal(miss[0].agreed, "Mahmoud Abbas");
	assert_true(m[0]);
	/* two variants of two entries, in entry order */
	assert_int_equal(check(&a, "In Gazza, Abu Mazen said", "en", m, &miss), 2);
	assert_string_equal(miss[0].used, "Abu Mazen");
	assert_string_equal(miss[1].used, "Gazza");
	assert_string_equal(miss[1].agreed, "Gaza");
	/* miss NULL: only the mentions */
	memset(m, 0, sizeof m);
	assert_int_equal(glossary_check(&a, entries, N, "Ghazza", "en", m, NULL), 1);
	assert_true(m[3]);
	arena_free(&a);
}

/* A variant of the other script is a mention, not a misspelling; the other edition's agreed name too. */
static void test_other_script(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	unsigned char m[N];
	struct glossary_miss *miss;
	assert_int_equal(check(&a, "The sign read أبو مازن and القدس.", "en", m, &miss), 0);
	assert_true(m[0] && m[1]);
	assert_int_equal(check(&a, "قال Mahmud Abbas في Gazza", "ar", m, &miss), 0);
	assert_true(m[0] && m[3]);
	assert_int_equal(check(&a, "قال أبو مازن", "ar", m, &miss), 1);
	assert_string_equal(miss[0].used, "أبو مازن");
	assert_string_equal(miss[0].agreed, "محمود عباس");
	arena_free(&a);
}

/* Whole words only: no match inside a longer word, nor across a gap. */
static void test_word_boundaries(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	unsigned char m[N];
	struct glossary_miss *miss;
	assert_int_equal(check(&a, "The Abbasid caliphs; UNESCO; Gazzara; Gazans; Jerusalemite.", "en", m, &miss), 0);
	assert_true(!m[0] && !m[1] && !m[2] && !m[3]);
	assert_int_equal(check(&a, "Mahmud the elder Abbas", "en", m, &miss), 0);
	assert_false(m[0]);
	/* punctuation and line breaks separate words like spaces */
	assert_int_equal(check(&a, "(Mahmud\nAbbas)", "en", m, &miss), 1);
	assert_int_equal(check(&a, "the UN's envoy", "en", m, &miss), 1);
	assert_string_equal(miss[0].agreed, "United Nations");
	arena_free(&a);
}

/* English compares without case or accents. */
static void test_english_case(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	unsigned char m[N];
	struct glossary_miss *miss;
	assert_int_equal(check(&a, "MAHMUD ABBAS", "en", m, &miss), 1);
	assert_int_equal(check(&a, "MAHMOUD ABBAS and jerusalem", "en", m, &miss), 0);
	assert_true(m[0] && m[1]);
	assert_int_equal(check(&a, "Gázzá", "en", m, &miss), 1);
	arena_free(&a);
}

/* Arabic: tashkeel, tatweel and hamza forms fold; one attached prefix (و ف ب ك ل ال ...) and the
 * contraction لل of a name with ال are allowed; no other letters. */
static void test_arabic(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	unsigned char m[N];
	struct glossary_miss *miss;
	assert_int_equal(check(&a, "قالَ مَحْمُودُ عبّـــاس", "ar", m, &miss), 0);
	assert_true(m[0]);
	assert_int_equal(check(&a, "وصل إلى القدس وغزه", "ar", m, &miss), 0);
	assert_true(m[1] && m[3]);
	const char *prefixed[] = {"والقدس", "بالقدس", "فالقدس", "للقدس", "وللقدس", "فللقدس", "كالقدس"};
	for (size_t i = 0; i < sizeof prefixed / sizeof prefixed[0]; i++) {
		check(&a, prefixed[i], "ar", m, &miss);
		if (!m[1])
			fail_msg("%s does not mention القدس", prefixed[i]);
	}
	check(&a, "لمحمود عباس", "ar", m, &miss);
	assert_true(m[0]);
	/* one prefix only: و and ل together are not in textnorm's list */
	check(&a, "ولمحمود عباس", "ar", m, &miss);
	assert_false(m[0]);
	/* the prefix attaches to the name, not to its later words: "سلمى الناصر" is a variant of "سلمى ناصر" */
	static const struct db_glossary salma[] = {
		{.id = 1, .kind = "person", .name_en = "Salma Nasser", .name_ar = "سلمى ناصر", .variants = "سلمى الناصر"}};
	struct glossary_miss *sm;
	assert_int_equal(glossary_check(&a, salma, 1, "قالت سلمى الناصر", "ar", NULL, &sm), 1);
	assert_string_equal(sm[0].used, "سلمى الناصر");
	assert_int_equal(glossary_check(&a, salma, 1, "قالت وسلمى ناصر", "ar", NULL, &sm), 0);
	check(&a, "محمود العباس", "ar", m, &miss);
	assert_false(m[0]);
	/* a variant with a prefix is still a misspelling */
	assert_int_equal(check(&a, "وأورشليم", "ar", m, &miss), 1);
	assert_string_equal(miss[0].used, "أورشليم");
	assert_string_equal(miss[0].agreed, "القدس");
	/* not a prefix: other letters in front, or the name inside a word */
	assert_int_equal(check(&a, "سالقدس مقدس غزةالعزة", "ar", m, &miss), 0);
	assert_true(!m[1] && !m[3]);
	/* الأمم/الامم, المتحدة/المتحده fold alike */
	check(&a, "في الامم المتحده", "ar", m, &miss);
	assert_true(m[2]);
	arena_free(&a);
}

/* A variant that is part of the agreed spelling is no misspelling where the agreed spelling stands, but
 * is where it stands alone. */
static void test_variant_inside_agreed(void **state)
{
	(void)state;
	static const struct db_glossary e[] = {
		{.id = 1, .kind = "person", .name_en = "Mahmoud Abbas", .name_ar = "محمود عباس", .variants = "Abbas\nعباس"}};
	struct arena a = ARENA_INIT;
	struct glossary_miss *miss;
	assert_int_equal(glossary_check(&a, e, 1, "Mahmoud Abbas said", "en", NULL, &miss), 0);
	assert_int_equal(glossary_check(&a, e, 1, "Mahmoud Abbas said; Abbas added", "en", NULL, &miss), 1);
	assert_int_equal(glossary_check(&a, e, 1, "قال محمود عباس", "ar", NULL, &miss), 0);
	assert_int_equal(glossary_check(&a, e, 1, "قال عباس", "ar", NULL, &miss), 1);
	assert_int_equal(glossary_check(&a, e, 1, NULL, "ar", NULL, &miss), 0);
	assert_int_equal(glossary_check(&a, e, 0, "Abbas", "en", NULL, &miss), 0);
	arena_free(&a);
}

/* A long text (the index of its words' tails is read, not every word): names found at its start and end,
 * short names (under four bytes: every word is read), and a name after لل. */
static void test_long_text(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	unsigned char m[N];
	struct glossary_miss *miss;
	char *text = arena_alloc(&a, 12000);
	strcpy(text, "Gazza ");
	for (int i = 0; i < 1500; i++)
		strcat(text, i % 2 ? "word " : "other ");
	strcat(text, "UN Al-Quds للقدس Mahmud Abbas");
	assert_int_equal(check(&a, text, "en", m, &miss), 4); /* Mahmud Abbas, Al-Quds, UN, Gazza */
	assert_string_equal(miss[0].used, "Mahmud Abbas");
	assert_string_equal(miss[1].used, "Al-Quds");
	assert_string_equal(miss[2].used, "UN");
	assert_string_equal(miss[3].used, "Gazza");
	assert_true(m[0] && m[1] && m[2] && m[3]);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),	      cmocka_unit_test(test_variants),
		cmocka_unit_test(test_agreed_and_variant), cmocka_unit_test(test_other_script),
		cmocka_unit_test(test_word_boundaries), cmocka_unit_test(test_english_case),
		cmocka_unit_test(test_arabic),	      cmocka_unit_test(test_variant_inside_agreed),
		cmocka_unit_test(test_long_text),
	};
	return cmocka_run_group_tests_name("glossary", tests, NULL, NULL);
}
