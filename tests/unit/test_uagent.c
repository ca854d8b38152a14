/* test_uagent.c - unit tests for the User-Agent summary and cleaning (src/uagent.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "uagent.h"

/* expect: ua summarises to browser and os (NULL: not told). */
static void expect(const char *ua, const char *browser, const char *os)
{
	const char *b, *o;
	uagent_summary(ua, &b, &o);
	if (browser)
		assert_non_null(b), assert_string_equal(b, browser);
	else
		assert_null(b);
	if (os)
		assert_non_null(o), assert_string_equal(o, os);
	else
		assert_null(o);
}

/* The browsers people use, as they name themselves (the more particular token wins). */
static void test_summary_browsers(void **state)
{
	(void)state;
	expect("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 "
	       "Safari/537.36",
	       "Chromium", "Linux");
	expect("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
	       "Chrome", "Linux");
	expect("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox", "Windows");
	expect("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
	       "Safari/537.36 Edg/120.0.0.0",
	       "Edge", "Windows");
	expect("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
	       "Version/17.1 Safari/605.1.15",
	       "Safari", "macOS");
	expect("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
	       "Version/17.1 Mobile/15E148 Safari/604.1",
	       "Safari", "iOS");
	expect("Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
	       "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
	       "Samsung Internet", "Android");
	expect("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile "
	       "Safari/537.36 OPR/79.0",
	       "Opera", "Android");
	expect("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
	       "Safari/537.36",
	       "Chrome", "ChromeOS");
}

/* Tools name no system; an unknown or missing agent names nothing. */
static void test_summary_tools_and_unknown(void **state)
{
	(void)state;
	expect("curl/8.5.0", "curl", NULL);
	expect("Wget/1.21.4", "Wget", NULL);
	expect("node", "Node.js", NULL);
	expect("python-requests/2.31", "Python", NULL);
	expect("SomethingNew/1.0 (FreeBSD amd64)", NULL, "FreeBSD");
	expect("nodejs-thing", NULL, NULL);
	expect("", NULL, NULL);
	expect(NULL, NULL, NULL);
}

/* Stored text: printable ASCII only, trimmed, bounded. */
static void test_clean(void **state)
{
	(void)state;
	char out[UAGENT_MAX];
	uagent_clean("  Mozilla/5.0 (X11)  ", out, sizeof out);
	assert_string_equal(out, "Mozilla/5.0 (X11)");
	uagent_clean("a\tb\r\nc\x7f\xd8\xa7<b>", out, sizeof out);
	assert_string_equal(out, "a?b?" "?c?" "?" "?<b>"); /* escaping is the page's business */
	uagent_clean(NULL, out, sizeof out);
	assert_string_equal(out, "");
	char big[2000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	uagent_clean(big, out, sizeof out);
	assert_int_equal(strlen(out), UAGENT_MAX - 1);
	char tiny[4];
	uagent_clean("abcdef", tiny, sizeof tiny);
	assert_string_equal(tiny, "abc");
	uagent_clean("ab   cdef", tiny, sizeof tiny);
	assert_string_equal(tiny, "ab"); /* cut, then trimmed */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary_browsers),
		cmocka_unit_test(test_summary_tools_and_unknown),
		cmocka_unit_test(test_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
