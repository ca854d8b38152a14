/* test_legacy.c - unit tests for the old site's addresses in one spelling (src/legacy.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "legacy.h"

/* norm: raw's normal form, or NULL (copied into a static buffer so the arena can go). */
static const char *norm(const char *raw)
{
	static char out[LEGACY_PATH_MAX * 3 + 8];
	struct arena a = ARENA_INIT;
	const char *n = legacy_path_norm(&a, raw);
	if (n)
		snprintf(out, sizeof out, "%s", n);
	arena_free(&a);
	return n ? out : NULL;
}

/* An Arabic slug finds the same row however its bytes were spelt: raw UTF-8, upper- or lower-case hex. */
static void test_arabic_spellings(void **state)
{
	(void)state;
	const char *want = "/2018/01/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1";
	assert_string_equal(norm("/2018/01/أخبار/"), want);
	assert_string_equal(norm("/2018/01/%d8%a3%d8%ae%d8%a8%d8%a7%d8%b1/"), want);
	assert_string_equal(norm("/2018/01/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1"), want);
	assert_string_equal(norm("/2018/01/%D8%A3خبار//"), want);
	assert_string_equal(norm("http://old.example/2018/01/%d8%a3%d8%ae%d8%a8%d8%a7%d8%b1/#comments"), want);
}

/* Queries: only WordPress's plain permalinks are kept; others are dropped; the root stays "/". */
static void test_queries(void **state)
{
	(void)state;
	assert_string_equal(norm("/?p=123"), "/?p=123");
	assert_string_equal(norm("/?page_id=7"), "/?page_id=7");
	assert_string_equal(norm("/?cat=3"), "/?cat=3");
	assert_string_equal(norm("/news/?utm_source=x"), "/news");
	assert_string_equal(norm("/?p=12&x=1"), "/");
	assert_string_equal(norm("/"), "/");
	assert_string_equal(norm("https://old.example"), "/");
	assert_string_equal(norm("/a b"), "/a%20b");
	assert_string_equal(norm("/100%"), "/100%25");
}

/* Mixed-case hex in one address, encoded ASCII, and WordPress's "/index.php" spellings find the same row. */
static void test_more_spellings(void **state)
{
	(void)state;
	const char *want = "/2018/01/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1";
	assert_string_equal(norm("/2018/01/%D8%a3%d8%AE%D8%A8%d8%a7%D8%b1"), want);
	assert_string_equal(norm("/%32018/01/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/"), want);
	assert_string_equal(norm("/index.php/2018/01/أخبار/"), want);
	assert_string_equal(norm("/index.php?p=12"), "/?p=12");
	assert_string_equal(norm("/index.php"), "/");
	assert_string_equal(norm("/index.php/"), "/");
	assert_string_equal(norm("/index.phpx/a"), "/index.phpx/a");
	assert_string_equal(norm("/category/%D8%A3/?tag=x"), "/category/%D8%A3?tag=x");
	assert_string_equal(norm("/?attachment_id=9&"), "/");
}

/* What is not a path is refused. */
static void test_refused(void **state)
{
	(void)state;
	assert_null(norm(""));
	assert_null(norm("news/x"));
	assert_null(norm("/a/../etc/passwd"));
	assert_null(norm("/a/%2e%2e/b"));
	assert_null(norm("/a/%0d%0aSet-Cookie:x"));
	assert_null(norm("/a%00b"));
	assert_null(norm("/a%0Ab"));
	assert_null(norm("/a\r\nLocation: http://evil.example/"));
	assert_null(norm("/index.php/../x"));
	char longp[LEGACY_PATH_MAX + 10];
	memset(longp, 'a', sizeof longp - 1);
	longp[0] = '/';
	longp[sizeof longp - 1] = '\0';
	assert_null(norm(longp));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arabic_spellings),
		cmocka_unit_test(test_queries),
		cmocka_unit_test(test_more_spellings),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
