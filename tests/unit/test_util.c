/* test_util.c - integer parsing, atomic file writes, directory creation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "util.h"

static void test_parse_i64(void **state)
{
	(void)state;
	int64_t v = 7;
	assert_int_equal(util_parse_i64("42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(util_parse_i64("-17", &v), 0);
	assert_int_equal(v, -17);
	assert_int_equal(util_parse_i64("9223372036854775807", &v), 0);
	assert_int_equal(v, INT64_MAX);
	v = 7;
	const char *bad[] = {"", " 1", "+1", "1 ", "1x", "x1", "-", "--1", "99999999999999999999", "1.5", NULL};
	for (int i = 0; bad[i]; i++) {
		assert_int_equal(util_parse_i64(bad[i], &v), -1);
		assert_int_equal(v, 7); /* untouched on error */
	}
	assert_int_equal(util_parse_i64(NULL, &v), -1);
}

static void test_all_digits(void **state)
{
	(void)state;
	assert_true(util_all_digits("2018", 4));
	assert_true(util_all_digits("", 0));
	assert_false(util_all_digits("2018", 2));
	assert_false(util_all_digits("20a8", 4));
	assert_false(util_all_digits("٢٠١٨", 4)); /* Arabic-Indic digits are not ASCII digits */
	assert_false(util_all_digits(NULL, 0));
}

static void test_files(void **state)
{
	(void)state;
	char dir[] = "/tmp/bs-util-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char nested[128], file[256];
	snprintf(nested, sizeof nested, "%s/a/b/c", dir);
	assert_int_equal(util_mkdir_p(nested), 0);
	assert_int_equal(util_mkdir_p(nested), 0); /* exists: fine */
	struct stat st;
	assert_int_equal(stat(nested, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	snprintf(file, sizeof file, "%s/f.txt", nested);
	assert_int_equal(util_write_file_atomic(file, "hello\n", 6, 0600), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(util_write_file_atomic(file, "bye", 3, 0600), 0); /* replaces */
	size_t len = 0;
	char *text = util_read_file(file, &len);
	assert_non_null(text);
	assert_int_equal(len, 3);
	assert_string_equal(text, "bye");
	free(text);
	/* a large file read in several chunks */
	size_t big = 100000;
	char *data = malloc(big);
	memset(data, 'x', big);
	assert_int_equal(util_write_file_atomic(file, data, big, 0644), 0);
	text = util_read_file(file, &len);
	assert_int_equal(len, big);
	assert_memory_equal(text, data, big);
	free(text);
	free(data);
	assert_null(util_read_file("/nonexistent/file", NULL));
	/* writing into a missing directory fails and leaves no temp file */
	char missing[300];
	snprintf(missing, sizeof missing, "%s/nope/f", dir);
	assert_int_equal(util_write_file_atomic(missing, "x", 1, 0644), -1);
	unlink(file);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* util_too_long: NULL at the limit, a sentence naming the count and the limit past it, in characters. */
static void test_too_long(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	assert_null(util_too_long(&a, "The headline", "", 0));
	assert_null(util_too_long(&a, "The headline", "abc", 3));
	assert_null(util_too_long(&a, "The headline", "عنوان", 5)); /* 10 bytes, 5 characters */
	assert_null(util_too_long(&a, "The caption", "😀😀😀", 3));
	assert_null(util_too_long(&a, "The note", "a\r\nb", 3));
	assert_string_equal(util_too_long(&a, "The headline", "abcd", 3),
			    "The headline is too long: 4 characters, and at most 3 are allowed.");
	assert_string_equal(util_too_long(&a, "The caption", "😀😀😀😀", 3),
			    "The caption is too long: 4 characters, and at most 3 are allowed.");
	/* util_chars_over, which page_too_long words in the newsroom's language: the count past the limit */
	assert_int_equal(util_chars_over("abc", 3), 0);
	assert_int_equal(util_chars_over("عنوان", 5), 0);
	assert_int_equal(util_chars_over("عنوانا", 5), 6);
	assert_int_equal(util_chars_over("a\r\nb", 3), 0); /* CR LF: one character */
	assert_int_equal(util_chars_over("a\r\nbc", 3), 4);
	assert_int_equal(util_chars_over("😀😀😀😀", 3), 4);
	arena_free(&a);
}

/* util_trim: spaces, tabs, CRs and LFs go at both ends (a field pasted with a line end before it, as the
 * newsroom's log-in and settings once kept); inner ones and no-break spaces and RLM stay; NULL is "". */
static void test_trim(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	assert_string_equal(util_trim(&a, NULL), "");
	assert_string_equal(util_trim(&a, ""), "");
	assert_string_equal(util_trim(&a, " \t\r\n "), "");
	assert_string_equal(util_trim(&a, "alice"), "alice");
	assert_string_equal(util_trim(&a, "\r\n\t alice \t\r\n"), "alice");
	assert_string_equal(util_trim(&a, "\nSite name"), "Site name");
	assert_string_equal(util_trim(&a, " two  words\tand\nlines "), "two  words\tand\nlines");
	assert_string_equal(util_trim(&a, "\xc2\xa0kept\xc2\xa0"), "\xc2\xa0kept\xc2\xa0"); /* U+00A0 */
	assert_string_equal(util_trim(&a, "\xe2\x80\x8f\xd8\xb9 "), "\xe2\x80\x8f\xd8\xb9");  /* RLM kept */
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_i64), cmocka_unit_test(test_all_digits),
		cmocka_unit_test(test_files),     cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_trim),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
