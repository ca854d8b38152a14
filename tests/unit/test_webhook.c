/* test_webhook.c - the pure parts of webhook.c: signatures, backoff, URL checks, status events, body. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "auth.h"
#include "webhook.h"

/* signs "TIMESTAMP.BODY": a known answer computed with node:crypto (createHmac('sha256', 'key')
 * .update('The quick brown fox jumps over the lazy dog.')) */
static void test_signature(void **state)
{
	(void)state;
	char sig[WEBHOOK_SIG_LEN], again[WEBHOOK_SIG_LEN];
	webhook_signature("key", "The quick brown fox jumps over the lazy dog", "", 0, sig);
	assert_string_equal(sig, "sha256=e98139c39d76eb80d8db982552b44b251b94f312987f91ee72d12ef673caa813");
	webhook_signature("key", "The quick brown fox", " jumps over the lazy dog.", 25, again);
	assert_string_not_equal(sig, again); /* the dot sits between timestamp and body */
	webhook_signature("other", "The quick brown fox jumps over the lazy dog", "", 0, again);
	assert_string_not_equal(sig, again);
}

static void test_retry_delay(void **state)
{
	(void)state;
	assert_int_equal(webhook_retry_delay(10, 1), 10);
	assert_int_equal(webhook_retry_delay(10, 2), 20);
	assert_int_equal(webhook_retry_delay(10, 3), 40);
	assert_int_equal(webhook_retry_delay(10, 7), 640);
	assert_int_equal(webhook_retry_delay(10, 9), 2560);
	assert_int_equal(webhook_retry_delay(10, 40), 3600);
	assert_int_equal(webhook_retry_delay(1, 4), 8);
}

static void test_url_problem(void **state)
{
	(void)state;
	assert_null(webhook_url_problem("http://example.com/hook"));
	assert_null(webhook_url_problem("https://example.com:8443/a?b=c"));
	assert_null(webhook_url_problem("http://127.0.0.1:9/x"));
	assert_non_null(webhook_url_problem("ftp://example.com/"));
	assert_non_null(webhook_url_problem("javascript:alert(1)"));
	assert_non_null(webhook_url_problem("http://"));
	assert_non_null(webhook_url_problem("https:///x"));
	assert_non_null(webhook_url_problem("http://a b/"));
	assert_non_null(webhook_url_problem("example.com"));
	assert_non_null(webhook_url_problem(""));
}

static void test_status_event(void **state)
{
	(void)state;
	assert_string_equal(webhook_status_event("draft", "published"), "article.published");
	assert_string_equal(webhook_status_event("scheduled", "published"), "article.published");
	assert_string_equal(webhook_status_event("published", "unpublished"), "article.unpublished");
	assert_null(webhook_status_event("published", "published")); /* a take-down time set */
	assert_null(webhook_status_event("draft", "scheduled"));
	assert_null(webhook_status_event("scheduled", "draft"));
	assert_null(webhook_status_event("review", "draft"));
}

static void test_body(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct db_webhook_job job = {.id = 42, .event = "article.published", .created_at = 1767225600,
				     .payload = "{\"id\":7,\"edition\":\"en\",\"slug\":\"cranes\",\"headline\":\"H \\\"q\\\"\","
						"\"standfirst\":\"S\",\"published_at\":1767225600,\"updated_at\":null}"};
	const char *b = webhook_body(&a, "https://news.example.com", &job);
	assert_non_null(b);
	assert_string_equal(b, "{\"event\":\"article.published\",\"id\":\"42\",\"occurred_at\":\"2026-01-01T00:00:00Z\","
			       "\"article\":{\"id\":7,\"edition\":\"en\",\"url\":\"https://news.example.com/en/2026/01/01/cranes\","
			       "\"headline\":\"H \\\"q\\\"\",\"standfirst\":\"S\",\"published_at\":\"2026-01-01T00:00:00Z\","
			       "\"updated_at\":null}}");
	job.payload = "not json";
	assert_null(webhook_body(&a, "", &job));
	job.payload = "{\"id\":7}";
	assert_null(webhook_body(&a, "", &job));
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signature), cmocka_unit_test(test_retry_delay), cmocka_unit_test(test_url_problem),
		cmocka_unit_test(test_status_event), cmocka_unit_test(test_body),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
