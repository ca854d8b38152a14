/* test_diff.c - line and word diffs: shapes of simple edits, reconstruction of both texts, minimality
 * against a dynamic-programming LCS, UTF-8 and Arabic words, the size and work limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diff.h"

/* ---- helpers ---- */

/* expect_ops: the ops are exactly the given (kind, text) pairs. */
struct want {
	enum diff_kind kind;
	const char *text;
};

static void expect_ops(const struct diff_op *ops, size_t n, const struct want *want, size_t nwant)
{
	if (n != nwant) {
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "  op %zu: %d \"%.*s\"\n", i, (int)ops[i].kind, (int)ops[i].len, ops[i].text);
	}
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(ops[i].kind, want[i].kind);
		assert_int_equal(ops[i].len, strlen(want[i].text));
		assert_memory_equal(ops[i].text, want[i].text, ops[i].len);
	}
}

/* rebuild: the text made of every op except those of kind skip, joined by sep (when not 0). */
static char *rebuild(struct arena *a, const struct diff_op *ops, size_t n, enum diff_kind skip, char sep)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += ops[i].len + 1;
	char *s = arena_alloc(a, len + 1), *p = s;
	int first = 1;
	for (size_t i = 0; i < n; i++) {
		if (ops[i].kind == skip)
			continue;
		if (sep && !first)
			*p++ = sep;
		first = 0;
		memcpy(p, ops[i].text, ops[i].len);
		p += ops[i].len;
	}
	*p = '\0';
	return s;
}

/* check_lines: diff_lines succeeds and the ops give back both texts. Returns the op count. */
static size_t check_lines(struct arena *a, const char *old_text, const char *new_text, struct diff_op **ops)
{
	size_t n = 99;
	assert_int_equal(diff_lines(a, old_text, new_text, ops, &n), 0);
	assert_non_null(*ops);
	assert_string_equal(rebuild(a, *ops, n, DIFF_ADD, '\n'), old_text ? old_text : "");
	assert_string_equal(rebuild(a, *ops, n, DIFF_DEL, '\n'), new_text ? new_text : "");
	return n;
}

/* utf8_ok: s[0..n) is well-formed UTF-8 (structure only: lead byte and continuation count). */
static int utf8_ok(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t len = u[i] < 0x80 ? 1 : u[i] >= 0xF0 ? 4 : u[i] >= 0xE0 ? 3 : u[i] >= 0xC2 ? 2 : 0;
		if (len == 0 || i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++)
			if ((u[i + k] & 0xC0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

/* check_words: diff_words succeeds, the ops give back both texts, none is empty, no two neighbours
 * have the same kind, and (for UTF-8 input) every op is whole characters. Returns the op count. */
static size_t check_words(struct arena *a, const char *old_text, const char *new_text, struct diff_op **ops)
{
	size_t n = 99;
	assert_int_equal(diff_words(a, old_text, new_text, ops, &n), 0);
	assert_non_null(*ops);
	assert_string_equal(rebuild(a, *ops, n, DIFF_ADD, 0), old_text ? old_text : "");
	assert_string_equal(rebuild(a, *ops, n, DIFF_DEL, 0), new_text ? new_text : "");
	for (size_t i = 0; i < n; i++) {
		assert_true((*ops)[i].len > 0);
		assert_true(utf8_ok((*ops)[i].text, (*ops)[i].len));
		if (i > 0)
			assert_int_not_equal((*ops)[i].kind, (*ops)[i - 1].kind);
	}
	return n;
}

/* lcs_lines: the length of a longest common subsequence of the lines of x and y (O(NM) DP), split the
 * way diff.h documents ("" has no lines). */
static size_t split_test_lines(const char *s, const char **lines, size_t *lens)
{
	if (!*s)
		return 0;
	size_t k = 0;
	for (;;) {
		const char *nl = strchr(s, '\n');
		lines[k] = s;
		lens[k++] = nl ? (size_t)(nl - s) : strlen(s);
		if (!nl)
			return k;
		s = nl + 1;
	}
}

static size_t lcs_lines(const char *x, const char *y)
{
	size_t cap = strlen(x) + strlen(y) + 2;
	const char **xl = malloc(cap * sizeof *xl), **yl = malloc(cap * sizeof *yl);
	size_t *xn = malloc(cap * sizeof *xn), *yn = malloc(cap * sizeof *yn);
	size_t n = split_test_lines(x, xl, xn), m = split_test_lines(y, yl, yn);
	size_t *dp = calloc((n + 1) * (m + 1), sizeof *dp);
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			size_t *cell = &dp[i * (m + 1) + j];
			if (xn[i - 1] == yn[j - 1] && memcmp(xl[i - 1], yl[j - 1], xn[i - 1]) == 0)
				*cell = dp[(i - 1) * (m + 1) + j - 1] + 1;
			else {
				size_t up = dp[(i - 1) * (m + 1) + j], left = dp[i * (m + 1) + j - 1];
				*cell = up > left ? up : left;
			}
		}
	}
	size_t r = dp[n * (m + 1) + m];
	free(dp);
	free(xl);
	free(yl);
	free(xn);
	free(yn);
	return r;
}

/* ---- shapes of simple edits ---- */

static void test_identical(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct diff_op *ops;
	const char *text = "First line\nSecond line\n\nFourth";
	size_t n = check_lines(&a, text, text, &ops);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ops[i].kind, DIFF_SAME);
	/* the ops point into the arena's copy, not into the caller's string */
	assert_true(ops[0].text != text);

	n = check_words(&a, "The minister said", "The minister said", &ops);
	expect_ops(ops, n, (struct want[]){{DIFF_SAME, "The minister said"}}, 1);

	/* NULL is "", and "" has no lines or words */
	assert_int_equal(check_lines(&a, NULL, NULL, &ops), 0);
	assert_int_equal(check_lines(&a, "", NULL, &ops), 0);
	assert_int_equal(check_words(&a, NULL, "", &ops), 0);
	arena_free(&a);
}

static void test_insertion(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct diff_op *ops;
	size_t n = check_lines(&a, "alpha\ngamma", "alpha\nbeta\ngamma", &ops);
	expect_ops(ops, n, (struct want[]){{DIFF_SAME, "alpha"}, {DIFF_ADD, "beta"}, {DIFF_SAME, "gamma"}}, 3);

	n = check_lines(&a, NULL, "one\ntwo", &ops);
	expect_ops(ops, n, (struct want[]){{DIFF_ADD, "one"}, {DIFF_ADD, "two"}}, 2);

	n = check_lines(&a, "a\nb", "a\nb\nc\nd", &ops);
	expect_ops(ops, n, (struct want[]){{DIFF_SAME, "a"}, {DIFF_SAME, "b"}, {DIFF_ADD, "c"}, {DIFF_ADD, "d"}}, 4);

	n = check_words(&a, "the plan is ready", "the new plan is ready", &ops);
	expect_ops(ops, n, (struct want[]){{DIFF_SAME, "the "}, {DIFF_ADD, "new "}, {DIFF_SAME, "plan is ready"}}, 3);
	arena_free(&a);
}

static void test_deletion(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct diff_op *ops;
	size_t n = check_lines(&a, "alpha\nbeta\ngamma", "alpha\ngamma", &ops);
	expect_ops(ops, n, (struct want[]){{DIFF_SAME, "alpha"}, {DIFF_DEL, "beta"}, {DIFF_SAME, "gamma"}}, 3);

	n = check_lines(&a, "x\ny", "", &ops);
	expect_ops(ops, n, (struct want[]){{DIFF_DEL, "x"}, {DIFF_DEL, "y"}}, 2);

	/* a dropped final newline is a change: "a\n" is the lines "a" and "" */
	n = check_lines(&a, "a\n", "a", &ops);
	expect_ops(ops, n, (struct want[]){{DIFF_SAME, "a"}, {DIFF_DEL, ""}}, 2);

	n = check_words(&a, "said on Monday that", "said that", &ops);
	expect_ops(ops, n, (struct want[]){{DIFF_SAME, "said "}, {DIFF_DEL, "on Monday "}, {DIFF_SAME, "that"}}, 3);
	arena_free(&a);
}

static void test_changed_middle(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct diff_op *ops;
	size_t n = check_lines(&a, "head\nold middle\ntail", "head\nnew middle\ntail", &ops);
	expect_ops(ops, n,
	           (struct want[]){{DIFF_SAME, "head"}, {DIFF_DEL, "old middle"}, {DIFF_ADD, "new middle"},
	                           {DIFF_SAME, "tail"}},
	           4);

	/* deletions come before additions within one changed stretch */
	n = check_lines(&a, "a\nb\nc\nd", "a\nX\nY\nZ\nd", &ops);
	expect_ops(ops, n,
	           (struct want[]){{DIFF_SAME, "a"}, {DIFF_DEL, "b"}, {DIFF_DEL, "c"}, {DIFF_ADD, "X"}, {DIFF_ADD, "Y"},
	                           {DIFF_ADD, "Z"}, {DIFF_SAME, "d"}},
	           7);

	/* the classic Myers example: ABCABBA -> CBABAC has an LCS of 4 */
	n = check_lines(&a, "A\nB\nC\nA\nB\nB\nA", "C\nB\nA\nB\nA\nC", &ops);
	size_t same = 0;
	for (size_t i = 0; i < n; i++)
		same += ops[i].kind == DIFF_SAME;
	assert_int_equal(same, 4);
	assert_int_equal(n, 4 + 3 + 2);

	/* whitespace changes are changes of their own token */
	n = check_words(&a, "a b", "a  b", &ops);
	expect_ops(ops, n, (struct want[]){{DIFF_SAME, "a"}, {DIFF_DEL, " "}, {DIFF_ADD, "  "}, {DIFF_SAME, "b"}}, 4);
	arena_free(&a);
}

/* ---- reconstruction ---- */

static void test_reconstruct_cases(void **state)
{
	(void)state;
	static const char *cases[][2] = {
		{"", ""},
		{"", "\n"},
		{"\n\n", "\n"},
		{"a", "b"},
		{"a\nb\nc\n", "c\nb\na\n"},
		{"same\nsame\nsame", "same\nother\nsame\nsame\nsame"},
		{"one two  three\tfour", "two three four five"},
		{"line with trailing space \n", "line with trailing space\n"},
		{"Breaking: markets fall\nMore to follow", "Update: markets rally\nMore to follow\nBy our staff"},
		{"قال الوزير\nإن الخطة جاهزة", "قال الوزير\nإن الخطة ستنفذ\nغدا"},
		{"\xC2\xA0x\xC2\xA0", "x\xE3\x80\x80y"},
		{NULL, "only new"},
		{"only old", NULL},
	};
	struct arena a = ARENA_INIT;
	struct diff_op *ops;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		check_lines(&a, cases[i][0], cases[i][1], &ops);
		check_words(&a, cases[i][0], cases[i][1], &ops);
		check_lines(&a, cases[i][1], cases[i][0], &ops);
		check_words(&a, cases[i][1], cases[i][0], &ops);
	}
	arena_free(&a);
}

static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13; /* xorshift64 */
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32);
}

/* random_text: up to max pieces drawn from a small alphabet (so lines and words repeat), including
 * Arabic, accented and 4-byte characters and Unicode spaces. */
static void random_text(char *dst, size_t max)
{
	static const char *pieces[] = {"a", "b", "c", "\n", "\n", " ", "  ", "\t", "é", "قال", "ب", "😀",
	                               "\xC2\xA0", "\xE2\x80\x89", "x\n", "a b"};
	size_t count = rng() % (max + 1);
	dst[0] = '\0';
	for (size_t i = 0; i < count; i++)
		strcat(dst, pieces[rng() % (sizeof pieces / sizeof pieces[0])]);
}

/* mutate: a copy of src with a few random piece-level edits (kept on character boundaries). */
static void mutate(char *dst, const char *src)
{
	static const char *ins[] = {"z", "\n", " ", "جاهزة", "a\nb"};
	size_t len = strlen(src), o = 0;
	for (size_t i = 0; i <= len; i++) {
		int at_boundary = i == len || ((unsigned char)src[i] & 0xC0) != 0x80;
		if (at_boundary && rng() % 8 == 0) {
			const char *s = ins[rng() % (sizeof ins / sizeof ins[0])];
			memcpy(dst + o, s, strlen(s));
			o += strlen(s);
		}
		if (i == len)
			break;
		if (at_boundary && rng() % 10 == 0) { /* drop this character */
			i++;
			while (i < len && ((unsigned char)src[i] & 0xC0) == 0x80)
				i++;
			i--;
			continue;
		}
		dst[o++] = src[i];
	}
	dst[o] = '\0';
}

static void test_random_property(void **state)
{
	(void)state;
	rng_state = 0x5eed2024u;
	char *x = malloc(4096), *y = malloc(8192);
	struct arena a = ARENA_INIT;
	for (int iter = 0; iter < 200; iter++) {
		random_text(x, 60);
		if (iter % 2)
			mutate(y, x);
		else
			random_text(y, 60);
		struct diff_op *ops;
		size_t n = check_lines(&a, x, y, &ops);
		/* minimal: as many SAME lines as a longest common subsequence has */
		size_t same = 0;
		for (size_t i = 0; i < n; i++)
			same += ops[i].kind == DIFF_SAME;
		assert_int_equal(same, lcs_lines(x, y));
		check_words(&a, x, y, &ops);
		check_words(&a, y, x, &ops);
		arena_free(&a);
	}
	free(x);
	free(y);
}

/* ---- words in Arabic and other scripts ---- */

static void test_arabic_words(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct diff_op *ops;
	size_t n = check_words(&a, "قال الوزير إن الخطة جاهزة", "قال الوزير إن الخطة ستنفذ", &ops);
	expect_ops(ops, n, (struct want[]){{DIFF_SAME, "قال الوزير إن الخطة "}, {DIFF_DEL, "جاهزة"}, {DIFF_ADD, "ستنفذ"}},
	           3);

	/* a changed word in the middle, an accented word, no-break and thin spaces as separators */
	n = check_words(&a, "قال الوزير إن الخطة جاهزة", "قال الرئيس إن الخطة جاهزة", &ops);
	expect_ops(ops, n,
	           (struct want[]){{DIFF_SAME, "قال "}, {DIFF_DEL, "الوزير"}, {DIFF_ADD, "الرئيس"},
	                           {DIFF_SAME, " إن الخطة جاهزة"}},
	           4);
	n = check_words(&a, "un café\xC2\xA0noir", "un thé\xC2\xA0noir", &ops);
	expect_ops(ops, n,
	           (struct want[]){{DIFF_SAME, "un "}, {DIFF_DEL, "café"}, {DIFF_ADD, "thé"}, {DIFF_SAME, "\xC2\xA0noir"}},
	           4);
	n = check_words(&a, "10\xE2\x80\x89km", "12\xE2\x80\x89km", &ops);
	expect_ops(ops, n, (struct want[]){{DIFF_DEL, "10"}, {DIFF_ADD, "12"}, {DIFF_SAME, "\xE2\x80\x89km"}}, 3);
	arena_free(&a);
}

/* ---- limits ---- */

/* numbered_lines: count lines "<prefix><i>", joined by '\n' (caller frees). */
static char *numbered_lines(const char *prefix, size_t count, size_t change_every)
{
	char *s = malloc(count * 24 + 1), *p = s;
	for (size_t i = 0; i < count; i++)
		p += sprintf(p, "%s%s%zu", i ? "\n" : "", change_every && i % change_every == 0 ? "new" : prefix, i);
	*p = '\0';
	return s;
}

static void test_too_large(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct diff_op *ops = (struct diff_op *)&a;
	size_t n = 7;

	/* too many lines on either side */
	char *big = numbered_lines("line", DIFF_MAX_ITEMS + 1, 0);
	assert_int_equal(diff_lines(&a, big, "x", &ops, &n), -1);
	assert_null(ops);
	assert_int_equal(n, 0);
	assert_int_equal(diff_lines(&a, "x", big, &ops, &n), -1);
	free(big);

	/* too many words */
	char *words = malloc(2 * (DIFF_MAX_ITEMS / 2 + 1) + 1);
	for (size_t i = 0; i < DIFF_MAX_ITEMS / 2 + 1; i++)
		memcpy(words + 2 * i, "w ", 2);
	words[2 * (DIFF_MAX_ITEMS / 2 + 1)] = '\0';
	assert_int_equal(diff_words(&a, words, "", &ops, &n), -1);
	assert_int_equal(diff_words(&a, "w", words, &ops, &n), -1);
	free(words);
	arena_free(&a);

	/* at the limit, and with scattered changes, it works */
	char *old_text = numbered_lines("line", DIFF_MAX_ITEMS, 0), *new_text = numbered_lines("line", DIFF_MAX_ITEMS, 97);
	n = check_lines(&a, old_text, old_text, &ops);
	assert_int_equal(n, DIFF_MAX_ITEMS);
	n = check_lines(&a, old_text, new_text, &ops);
	size_t changed = (DIFF_MAX_ITEMS + 96) / 97;
	assert_int_equal(n, DIFF_MAX_ITEMS + changed);
	arena_free(&a);
	free(new_text);

	/* every line different: the edit distance is far past the work budget */
	new_text = numbered_lines("other", DIFF_MAX_ITEMS, 0);
	assert_int_equal(diff_lines(&a, old_text, new_text, &ops, &n), -1);
	assert_null(ops);
	assert_int_equal(n, 0);
	/* ... but a small wholly different pair is fine */
	n = check_lines(&a, "a\nb\nc", "x\ny", &ops);
	expect_ops(ops, n,
	           (struct want[]){{DIFF_DEL, "a"}, {DIFF_DEL, "b"}, {DIFF_DEL, "c"}, {DIFF_ADD, "x"}, {DIFF_ADD, "y"}}, 5);
	arena_free(&a);
	free(old_text);
	free(new_text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_insertion),
		cmocka_unit_test(test_deletion),
		cmocka_unit_test(test_changed_middle),
		cmocka_unit_test(test_reconstruct_cases),
		cmocka_unit_test(test_random_property),
		cmocka_unit_test(test_arabic_words),
		cmocka_unit_test(test_too_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
