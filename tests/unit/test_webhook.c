/* test_webhook.c - the pure parts of webhook.c: signatures, backoff, URL checks, status events, body, and
 * the address rules that keep webhooks off loopback, link-local and private networks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "auth.h"
#include "config.h"
#include "metrics.h"
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

/* every reserved range, at its edges, in IPv4, IPv6 and the IPv6 forms that carry an IPv4 address */
static void test_addr_kind(void **state)
{
	(void)state;
	static const struct {
		const char *ip, *kind;
	} cases[] = {
		{"127.0.0.1", "loopback"},
		{"127.255.255.254", "loopback"},
		{"0.0.0.0", "unspecified"},
		{"0.1.2.3", "unspecified"},
		{"10.0.0.1", "private"},
		{"10.255.255.255", "private"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"192.168.1.1", "private"},
		{"169.254.169.254", "link-local"},
		{"100.64.0.1", "carrier-grade NAT"},
		{"100.127.255.255", "carrier-grade NAT"},
		{"192.0.0.8", "IETF protocol assignments"},
		{"198.18.0.1", "benchmarking"},
		{"198.19.255.255", "benchmarking"},
		{"224.0.0.1", "multicast"},
		{"239.255.255.250", "multicast"},
		{"240.0.0.1", "reserved"},
		{"255.255.255.255", "reserved"},
		{"::1", "loopback"},
		{"::", "unspecified"},
		{"fe80::1", "link-local"},
		{"febf:ffff::1", "link-local"},
		{"fec0::1", "site-local"},
		{"fc00::1", "unique local"},
		{"fd12:3456:789a::1", "unique local"},
		{"ff02::1", "multicast"},
		{"100::1", "discard-only"},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo tunnel"},
		{"64:ff9b:1::a00:1", "local-use NAT64"},
		/* IPv4-mapped: the IPv4 address decides */
		{"::ffff:127.0.0.1", "loopback"},
		{"::ffff:7f00:1", "loopback"},
		{"::ffff:10.1.2.3", "private"},
		{"::ffff:169.254.169.254", "link-local"},
		{"::ffff:0.0.0.0", "unspecified"},
		/* IPv4-compatible and IPv4-translated: refused whole */
		{"::127.0.0.1", "IPv4-compatible"},
		{"::8.8.8.8", "IPv4-compatible"},
		{"::ffff:0:127.0.0.1", "IPv4-translated"},
		/* NAT64 and 6to4 carry an IPv4 address: it decides */
		{"64:ff9b::127.0.0.1", "loopback"},
		{"64:ff9b::a9fe:a9fe", "link-local"},
		{"64:ff9b::10.0.0.1", "private"},
		{"2002:7f00:1::1", "loopback"},
		{"2002:c0a8:101::", "private"},
		{"not-an-ip", "not an address"},
		{"127.0.0.1/8", "not an address"},
		{"", "not an address"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = webhook_addr_kind(cases[i].ip);
		if (!got || strcmp(got, cases[i].kind) != 0)
			fail_msg("%s: want %s, got %s", cases[i].ip, cases[i].kind, got ? got : "public");
	}
	/* public, the edges of the private ranges, and the documentation ranges (nothing answers there) */
	static const char *const public[] = {
		"8.8.8.8", "1.1.1.1", "9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255",
		"192.169.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255", "128.0.0.0", "169.253.255.255",
		"169.255.0.0", "223.255.255.255", "198.17.255.255", "198.20.0.0", "192.0.1.1", "192.0.2.1",
		"198.51.100.7", "203.0.113.9", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
		"2606:4700:4700::1111", "2001:4860:4860::8888", "2001:db8::1", "fbff::1", "fe7f::1"};
	for (size_t i = 0; i < sizeof public / sizeof public[0]; i++)
		if (webhook_addr_kind(public[i]))
			fail_msg("%s: want public, got %s", public[i], webhook_addr_kind(public[i]));
}

/* webhook_allow_private names networks that are allowed; nothing else changes */
static void test_addr_refused(void **state)
{
	(void)state;
	struct metrics_net allow[CONFIG_METRICS_NETS];
	char bad[64];
	int n = metrics_allow_parse("127.0.0.1/32 10.1.2.0/24 fd00:1::/64", allow, CONFIG_METRICS_NETS, bad, sizeof bad);
	assert_int_equal(n, 3);
	assert_null(webhook_addr_refused("127.0.0.1", allow, (size_t)n));
	assert_null(webhook_addr_refused("::ffff:127.0.0.1", allow, (size_t)n)); /* the same address */
	assert_string_equal(webhook_addr_refused("127.0.0.2", allow, (size_t)n), "loopback");
	assert_string_equal(webhook_addr_refused("::1", allow, (size_t)n), "loopback");
	assert_null(webhook_addr_refused("10.1.2.200", allow, (size_t)n));
	assert_string_equal(webhook_addr_refused("10.1.3.1", allow, (size_t)n), "private");
	assert_null(webhook_addr_refused("fd00:1::5", allow, (size_t)n));
	assert_string_equal(webhook_addr_refused("fd00:2::5", allow, (size_t)n), "unique local");
	assert_null(webhook_addr_refused("8.8.8.8", allow, (size_t)n));
	assert_null(webhook_addr_refused("8.8.8.8", NULL, 0));
	assert_string_equal(webhook_addr_refused("127.0.0.1", NULL, 0), "loopback");
	assert_string_equal(webhook_addr_refused("junk", allow, (size_t)n), "not an address");
}

/* the form's check: the host as libcurl reads it (numeric IPv4 forms too), names through getaddrinfo
 * (localhost from /etc/hosts: no DNS is asked here) */
static void test_target_problem(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	static const char *const refused[] = {
		"http://127.0.0.1:8080/hook", "http://[::1]/", "http://169.254.169.254/latest/meta-data/",
		"http://10.0.0.1/", "http://[::ffff:127.0.0.1]/", "http://0x7f000001/", "http://2130706433/",
		"http://0177.0.0.1/", "http://127.1/", "http://0/", "http://[::]/", "http://[fe80::1]/",
		"https://192.168.1.1:8443/x", "http://localhost:9/", "http://LOCALHOST/", "http://[64:ff9b::7f00:1]/"};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		const char *why = webhook_target_problem(&a, refused[i], "", CATALOG_EN);
		if (!why || !strstr(why, "not a public address") || !strstr(why, "webhook_allow_private"))
			fail_msg("%s: want a refusal, got %s", refused[i], why ? why : "accepted");
	}
	assert_string_equal(webhook_target_problem(&a, "http://0x7f000001/", "", CATALOG_EN),
			    "The address 127.0.0.1 is not a public address (loopback). Webhooks may not reach loopback, "
			    "link-local or private networks unless the server's webhook_allow_private setting names them.");
	const char *name = webhook_target_problem(&a, "http://localhost:9/", "", CATALOG_EN);
	assert_non_null(strstr(name, "localhost resolves to 127.0.0.1, which is not a public address (loopback)"));
	assert_null(webhook_target_problem(&a, "http://127.0.0.1:8080/hook", "127.0.0.1", CATALOG_EN));
	assert_null(webhook_target_problem(&a, "http://localhost:8080/hook", "127.0.0.0/8", CATALOG_EN));
	assert_null(webhook_target_problem(&a, "http://[::1]/", "::1", CATALOG_EN));
	assert_non_null(webhook_target_problem(&a, "http://10.0.0.2/", "10.0.0.1", CATALOG_EN));
	assert_null(webhook_target_problem(&a, "http://192.0.2.7/", "", CATALOG_EN));
	assert_null(webhook_target_problem(&a, "https://[2001:db8::1]:8443/", "", CATALOG_EN));
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signature), cmocka_unit_test(test_retry_delay), cmocka_unit_test(test_url_problem),
		cmocka_unit_test(test_status_event), cmocka_unit_test(test_body), cmocka_unit_test(test_addr_kind),
		cmocka_unit_test(test_addr_refused), cmocka_unit_test(test_target_problem),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
