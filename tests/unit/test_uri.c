/* test_uri.c - unit tests for request path and query decoding (src/uri.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "uri.h"

static int setup(void **state)
{
	static struct arena a;
	a.head = NULL;
	*state = &a;
	return 0;
}

static int teardown(void **state)
{
	arena_free(*state);
	return 0;
}

/* decode: uri_decode of a whole C string; returns the code and stores the result in *out. */
static int decode(struct arena *a, const char *s, int plus_space, char **out)
{
	*out = NULL;
	return uri_decode(a, s, strlen(s), plus_space, out);
}

static void test_decode_basic(void **state)
{
	struct arena *a = *state;
	char *out;
	assert_int_equal(decode(a, "%41", 0, &out), URI_OK);
	assert_string_equal(out, "A");
	assert_int_equal(decode(a, "a%2fb%2Fc", 0, &out), URI_OK);
	assert_string_equal(out, "a/b/c");
	assert_int_equal(decode(a, "plain-text_~.", 0, &out), URI_OK);
	assert_string_equal(out, "plain-text_~.");
	assert_int_equal(decode(a, "", 0, &out), URI_OK);
	assert_string_equal(out, "");
	assert_int_equal(decode(a, "%25%32%30", 0, &out), URI_OK); /* decoded once only */
	assert_string_equal(out, "%20");
	/* only the given length is read */
	assert_int_equal(uri_decode(a, "abc%41", 3, 0, &out), URI_OK);
	assert_string_equal(out, "abc");
}

static void test_decode_plus(void **state)
{
	struct arena *a = *state;
	char *out;
	assert_int_equal(decode(a, "a+b%20c", 0, &out), URI_OK);
	assert_string_equal(out, "a+b c");
	assert_int_equal(decode(a, "a+b%20c", 1, &out), URI_OK);
	assert_string_equal(out, "a b c");
	assert_int_equal(decode(a, "%2B", 1, &out), URI_OK); /* an encoded plus stays a plus */
	assert_string_equal(out, "+");
}

static void test_decode_errors(void **state)
{
	struct arena *a = *state;
	char *out;
	assert_int_equal(decode(a, "%4", 0, &out), URI_BAD_ESCAPE);
	assert_null(out);
	assert_int_equal(decode(a, "%", 0, &out), URI_BAD_ESCAPE);
	assert_int_equal(decode(a, "abc%", 0, &out), URI_BAD_ESCAPE);
	assert_int_equal(decode(a, "%zz", 0, &out), URI_BAD_ESCAPE);
	assert_int_equal(decode(a, "%4g", 0, &out), URI_BAD_ESCAPE);
	assert_int_equal(decode(a, "%g4", 0, &out), URI_BAD_ESCAPE);
	assert_int_equal(decode(a, "% 41", 0, &out), URI_BAD_ESCAPE);
	assert_int_equal(decode(a, "%00", 0, &out), URI_NUL);
	assert_null(out);
	assert_int_equal(decode(a, "a%00b", 1, &out), URI_NUL);
	assert_int_equal(decode(a, "%ff", 0, &out), URI_BAD_UTF8);
	assert_null(out);
	assert_int_equal(decode(a, "%C0%AF", 0, &out), URI_BAD_UTF8); /* overlong '/' */
	assert_int_equal(decode(a, "%ED%A0%80", 0, &out), URI_BAD_UTF8); /* surrogate */
	assert_int_equal(decode(a, "%D8", 0, &out), URI_BAD_UTF8);     /* truncated */
	assert_int_equal(decode(a, "raw\xff", 0, &out), URI_BAD_UTF8); /* unencoded bad byte */
	/* every code has a sentence */
	assert_non_null(strstr(uri_strerror(URI_BAD_ESCAPE), "percent"));
	assert_non_null(strstr(uri_strerror(URI_BAD_UTF8), "UTF-8"));
	assert_non_null(strstr(uri_strerror(URI_NUL), "NUL"));
	assert_non_null(strstr(uri_strerror(URI_TOO_MANY), "too many"));
	assert_non_null(uri_strerror(12345));
}

static void test_decode_arabic(void **state)
{
	struct arena *a = *state;
	char *out;
	assert_int_equal(decode(a, "%D8%A7%D9%84%D8%B1%D8%A6%D9%8A%D8%B3", 0, &out), URI_OK);
	assert_string_equal(out, "الرئيس");
	assert_int_equal(decode(a, "%d8%ac-%D8%AC", 0, &out), URI_OK); /* lower- and upper-case hex */
	assert_string_equal(out, "ج-ج");
	assert_int_equal(decode(a, "خبر", 0, &out), URI_OK); /* unencoded UTF-8 is accepted as is */
	assert_string_equal(out, "خبر");
	assert_int_equal(decode(a, "%F0%9F%93%B0", 0, &out), URI_OK);
	assert_string_equal(out, "\xF0\x9F\x93\xB0");
}

static void test_split(void **state)
{
	struct arena *a = *state;
	char *path;
	const char *query;
	assert_int_equal(uri_split(a, "/en/section/world?page=2&x=y", &path, &query), URI_OK);
	assert_string_equal(path, "/en/section/world");
	assert_string_equal(query, "page=2&x=y");
	assert_int_equal(uri_split(a, "/en/", &path, &query), URI_OK);
	assert_string_equal(path, "/en/");
	assert_string_equal(query, "");
	assert_int_equal(uri_split(a, "/a#frag", &path, &query), URI_OK);
	assert_string_equal(path, "/a");
	assert_string_equal(query, "");
	assert_int_equal(uri_split(a, "/a?q=1#frag", &path, &query), URI_OK);
	assert_string_equal(path, "/a");
	assert_string_equal(query, "q=1");
	/* a '?' inside the fragment starts no query */
	assert_int_equal(uri_split(a, "/a#frag?q=1", &path, &query), URI_OK);
	assert_string_equal(path, "/a");
	assert_string_equal(query, "");
	assert_int_equal(uri_split(a, "/?", &path, &query), URI_OK);
	assert_string_equal(path, "/");
	assert_string_equal(query, "");
	/* the path is decoded (the query is left raw for uri_parse_query) */
	assert_int_equal(uri_split(a, "/ar/%D8%AC?q=%D8%AC+x", &path, &query), URI_OK);
	assert_string_equal(path, "/ar/ج");
	assert_string_equal(query, "q=%D8%AC+x");
	/* '+' in a path is a plus */
	assert_int_equal(uri_split(a, "/a+b", &path, &query), URI_OK);
	assert_string_equal(path, "/a+b");
	/* path errors are reported; a bad query is not the path's problem */
	assert_int_equal(uri_split(a, "/%zz?a=1", &path, &query), URI_BAD_ESCAPE);
	assert_int_equal(uri_split(a, "/%00", &path, &query), URI_NUL);
	assert_int_equal(uri_split(a, "/%ff", &path, &query), URI_BAD_UTF8);
	assert_int_equal(uri_split(a, "/ok?%zz", &path, &query), URI_OK);
	assert_string_equal(query, "%zz");
}

static void test_query(void **state)
{
	struct arena *a = *state;
	struct uri_param p[8];
	assert_int_equal(uri_parse_query(a, "a=1&b=two+words&c=%D8%AC", p, 8), 3);
	assert_string_equal(p[0].name, "a");
	assert_string_equal(p[0].value, "1");
	assert_string_equal(p[1].name, "b");
	assert_string_equal(p[1].value, "two words");
	assert_string_equal(p[2].name, "c");
	assert_string_equal(p[2].value, "ج");
	/* names are decoded too; '=' in a value is kept */
	assert_int_equal(uri_parse_query(a, "na%6De=x=y", p, 8), 1);
	assert_string_equal(p[0].name, "name");
	assert_string_equal(p[0].value, "x=y");
	/* a bare name has an empty value; an empty value is empty */
	assert_int_equal(uri_parse_query(a, "a&b=", p, 8), 2);
	assert_string_equal(p[0].name, "a");
	assert_string_equal(p[0].value, "");
	assert_string_equal(p[1].name, "b");
	assert_string_equal(p[1].value, "");
	/* empty pieces are skipped; ';' separates too */
	assert_int_equal(uri_parse_query(a, "&&", p, 8), 0);
	assert_int_equal(uri_parse_query(a, "", p, 8), 0);
	assert_int_equal(uri_parse_query(a, "&x=1&&y=2&", p, 8), 2);
	assert_string_equal(p[0].name, "x");
	assert_string_equal(p[1].name, "y");
	assert_string_equal(p[1].value, "2");
	assert_int_equal(uri_parse_query(a, "x=1;y=2", p, 8), 2);
	assert_string_equal(p[1].name, "y");
	/* "=v" has an empty name */
	assert_int_equal(uri_parse_query(a, "=v", p, 8), 1);
	assert_string_equal(p[0].name, "");
	assert_string_equal(p[0].value, "v");
}

static void test_query_limits_and_errors(void **state)
{
	struct arena *a = *state;
	struct uri_param p[3];
	assert_int_equal(uri_parse_query(a, "a=1&b=2&c=3", p, 3), 3);
	assert_int_equal(uri_parse_query(a, "a=1&b=2&c=3&d=4", p, 3), URI_TOO_MANY);
	/* empty pieces do not count towards the limit */
	assert_int_equal(uri_parse_query(a, "a=1&&b=2&&c=3&&", p, 3), 3);
	assert_int_equal(uri_parse_query(a, "a", p, 0), URI_TOO_MANY);
	assert_int_equal(uri_parse_query(a, "&", p, 0), 0);
	assert_int_equal(uri_parse_query(a, "a=%zz", p, 3), URI_BAD_ESCAPE);
	assert_int_equal(uri_parse_query(a, "%zz=1", p, 3), URI_BAD_ESCAPE);
	assert_int_equal(uri_parse_query(a, "a=%00", p, 3), URI_NUL);
	assert_int_equal(uri_parse_query(a, "a=%ff", p, 3), URI_BAD_UTF8);
	assert_int_equal(uri_parse_query(a, "%ff", p, 3), URI_BAD_UTF8);
}

/* uri_local_path: the redirect targets a request may choose (log-in next, moderation queue back). */
static void test_local_path(void **state)
{
	(void)state;
	static const char *const good[] = {"/", "/admin/", "/admin/articles/new?edition=ar", "/admin/comments?status=pending",
					   "/admin/search?q=http://x//y", "/admin/x#a//b", "/admin/\xd8\xa7", NULL};
	for (int i = 0; good[i]; i++)
		assert_true(uri_local_path(good[i]));
	static const char *const bad[] = {"",
					  "admin/",
					  "//evil.example/",
					  "///evil.example",
					  "/\\evil.example",
					  "/admin\\..",
					  "https://evil.example/admin/",
					  "javascript:alert(1)",
					  "/admin/\r\nSet-Cookie: x=1",
					  "/admin/\nx",
					  "/admin/\r",
					  "/admin/\tx",
					  "/admin/\x7f",
					  "/admin/\x01",
					  "/admin//evil",
					  " /admin/",
					  NULL};
	for (int i = 0; bad[i]; i++)
		assert_false(uri_local_path(bad[i]));
	assert_false(uri_local_path(NULL));
	assert_true(uri_local_path_under("/admin/comments?status=spam", "/admin/comments"));
	assert_false(uri_local_path_under("/admin/", "/admin/comments"));
	assert_false(uri_local_path_under("/admin/comments?status=x\r\nx: 1", "/admin/comments"));
	assert_false(uri_local_path_under(NULL, "/admin/"));
}

/* origin: uri_origin as a C string ("(null)" for NULL, so a failure shows what came back). */
static const char *origin(struct arena *a, const char *url)
{
	const char *o = uri_origin(a, url);
	return o ? o : "(null)";
}

static void test_origin(void **state)
{
	struct arena *a = *state;
	assert_string_equal(origin(a, "http://127.0.0.1:8080"), "http://127.0.0.1:8080");
	assert_string_equal(origin(a, "http://127.0.0.1:8080/admin/login?x=1"), "http://127.0.0.1:8080");
	assert_string_equal(origin(a, "HTTPS://News.Example.COM/"), "https://news.example.com");
	assert_string_equal(origin(a, "https://news.example.com:443/x"), "https://news.example.com");
	assert_string_equal(origin(a, "http://news.example.com:80"), "http://news.example.com");
	assert_string_equal(origin(a, "http://news.example.com:443"), "http://news.example.com:443");
	assert_string_equal(origin(a, "https://news.example.com:8443#f"), "https://news.example.com:8443");
	assert_string_equal(origin(a, "http://[::1]:8080/"), "http://[::1]:8080");
	assert_string_equal(origin(a, "http://[::1]"), "http://[::1]");
	static const char *const bad[] = {"null", "", "ftp://x", "http://", "http:///x", "http://user@host/", "http://a b/",
					  "http://host:/", "http://host:8o/", "http://host:123456/", "http://[::1/",
					  "http://[::1]x/", "//host/", "http://ho\\st/", NULL};
	for (int i = 0; bad[i]; i++)
		assert_string_equal(origin(a, bad[i]), "(null)");
	assert_null(uri_origin(a, NULL));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_decode_basic), T(test_decode_plus), T(test_decode_errors), T(test_decode_arabic),
		T(test_split),        T(test_query),       T(test_query_limits_and_errors),
		T(test_local_path),   T(test_origin),
	};
	return cmocka_run_group_tests_name("uri", tests, NULL, NULL);
}
