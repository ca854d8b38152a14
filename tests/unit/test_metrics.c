/* test_metrics.c - unit tests for src/metrics.c: the /metrics allow-list (addresses and CIDR networks,
 * IPv4, IPv6 and IPv4-mapped IPv6), the latency buckets' edges, counters summed across threads, and the
 * exposition text (cumulative buckets, +Inf equal to _count, label escaping). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include <cmocka.h>

#include "buf.h"
#include "metrics.h"

/* allowed: whether ip is in the list (which must parse). */
static int allowed(const char *list, const char *ip)
{
	struct metrics_net nets[8];
	char bad[64];
	int n = metrics_allow_parse(list, nets, 8, bad, sizeof bad);
	assert_true(n >= 0);
	return metrics_allowed(nets, (size_t)n, ip);
}

static void test_cidr_v4(void **state)
{
	(void)state;
	assert_true(allowed("127.0.0.1 ::1", "127.0.0.1"));
	assert_false(allowed("127.0.0.1 ::1", "127.0.0.2"));
	assert_true(allowed("10.0.0.0/8", "10.255.3.4"));
	assert_false(allowed("10.0.0.0/8", "11.0.0.1"));
	assert_true(allowed("192.168.1.128/25", "192.168.1.200"));
	assert_false(allowed("192.168.1.128/25", "192.168.1.127"));
	assert_true(allowed("172.16.0.0/12", "172.31.255.255"));
	assert_false(allowed("172.16.0.0/12", "172.32.0.0"));
	assert_true(allowed("0.0.0.0/0", "8.8.8.8"));
	assert_true(allowed("10.1.2.3/32", "10.1.2.3"));
	assert_false(allowed("10.1.2.3/32", "10.1.2.4"));
	/* an IPv4 client on an IPv6 socket */
	assert_true(allowed("127.0.0.0/8", "::ffff:127.0.0.9"));
	assert_false(allowed("", "127.0.0.1"));
}

static void test_cidr_v6(void **state)
{
	(void)state;
	assert_true(allowed("::1", "::1"));
	assert_false(allowed("::1", "::2"));
	assert_true(allowed("fd00::/8", "fd12:3456::1"));
	assert_false(allowed("fd00::/8", "fe80::1"));
	assert_true(allowed("2001:db8::/33", "2001:db8:7fff::1"));
	assert_false(allowed("2001:db8::/33", "2001:db8:8000::1"));
	/* an IPv6 network does not let IPv4 in by accident, nor the reverse */
	assert_false(allowed("fd00::/8", "10.0.0.1"));
	assert_false(allowed("10.0.0.0/8", "fd00::1"));
	/* garbage is never allowed */
	assert_false(allowed("0.0.0.0/0", "unknown"));
	assert_false(allowed("0.0.0.0/0", "10.0.0.0/8"));
}

static void test_allow_parse_refuses(void **state)
{
	(void)state;
	struct metrics_net nets[2], one;
	char bad[64];
	assert_int_equal(metrics_allow_parse("  127.0.0.1\t::1  ", nets, 2, bad, sizeof bad), 2);
	assert_int_equal(metrics_allow_parse("127.0.0.1 localhost", nets, 2, bad, sizeof bad), -1);
	assert_string_equal(bad, "localhost");
	assert_int_equal(metrics_allow_parse("10.0.0.0/33", nets, 2, bad, sizeof bad), -1);
	assert_string_equal(bad, "10.0.0.0/33");
	assert_int_equal(metrics_allow_parse("1.1.1.1 2.2.2.2 3.3.3.3", nets, 2, bad, sizeof bad), -1);
	assert_int_equal(metrics_net_parse("::/129", &one), -1);
	assert_int_equal(metrics_net_parse("10.0.0.0/", &one), -1);
	assert_int_equal(metrics_net_parse("10.0.0.0/8x", &one), -1);
	assert_int_equal(metrics_net_parse("/8", &one), -1);
	assert_int_equal(metrics_net_parse("::/0", &one), 0);
	assert_int_equal(one.bits, 0);
	assert_int_equal(metrics_net_parse("10.0.0.0/8", &one), 0);
	assert_int_equal(one.bits, 96 + 8);
}

static void test_buckets(void **state)
{
	(void)state;
	assert_int_equal(metrics_bucket(0), 0);
	assert_int_equal(metrics_bucket(1000), 0);  /* le is inclusive */
	assert_int_equal(metrics_bucket(1001), 1);
	assert_int_equal(metrics_bucket(2500), 1);
	assert_int_equal(metrics_bucket(2501), 2);
	assert_int_equal(metrics_bucket(10000000), METRICS_NBUCKETS - 2);
	assert_int_equal(metrics_bucket(10000001), METRICS_NBUCKETS - 1);
	assert_int_equal(metrics_bucket(UINT64_MAX), METRICS_NBUCKETS - 1);
	for (int i = 1; i < METRICS_NBUCKETS; i++)
		assert_true(metrics_bucket_le_us[i] > metrics_bucket_le_us[i - 1]);
}

/* line_value: the value of the exposition line that starts with prefix (exactly), or -1 when none. */
static long long line_value(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, prefix, n) == 0 && p[n] == ' ')
			return atoll(p + n + 1);
	return -1;
}

static void *observe_many(void *arg)
{
	(void)arg;
	for (int i = 0; i < 10000; i++)
		metrics_observe(1, 200, 3000); /* 3 ms: the 0.005 bucket */
	return NULL;
}

static void test_threads_and_render(void **state)
{
	(void)state;
	metrics_reset();
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, observe_many, NULL), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	metrics_observe(1, 404, 20000000); /* 20 s: only +Inf */
	metrics_observe(0, 414, 10);
	metrics_observe(2, 999, 10); /* a status out of range counts as 5xx, not out of bounds */
	metrics_cache_event(METRICS_CACHE_HIT);
	metrics_cache_event(METRICS_CACHE_HIT);
	metrics_cache_event(METRICS_CACHE_MISS);
	metrics_legacy(1);
	metrics_legacy(1);
	metrics_legacy(0);
	const char *names[] = {"/a/{x}", "/q\"uote\\"};
	struct metrics_gauges g = {.cache_entries = 3, .cache_bytes = -1, .cache_max_bytes = -1, .db_connections = 2,
				   .db_connections_busy = -1, .db_size_bytes = -1, .webhook_queue = 5,
				   .views_flushes = -1, .views_flush_failures = -1, .views_flushed = -1,
				   .purges_sent = -1, .purges_received = -1, .purges_failed = -1,
				   .planner_checks = 4, .planner_remade = -1, .db_engine = "sqlite"};
	struct buf b = BUF_INIT;
	metrics_render(&b, names, 2, &g);
	const char *text = buf_cstr(&b);
	assert_int_equal(line_value(text, "broadsheet_http_requests_total{route=\"/a/{x}\",status=\"2xx\"}"), 40000);
	assert_int_equal(line_value(text, "broadsheet_http_requests_total{route=\"/a/{x}\",status=\"4xx\"}"), 1);
	assert_int_equal(line_value(text, "broadsheet_http_requests_total{route=\"none\",status=\"4xx\"}"), 1);
	assert_int_equal(line_value(text, "broadsheet_http_requests_total{route=\"/q\\\"uote\\\\\",status=\"5xx\"}"), 1);
	/* cumulative buckets: nothing under 2.5 ms, all 40000 by 5 ms, the slow one only in +Inf */
	assert_int_equal(line_value(text, "broadsheet_http_request_duration_seconds_bucket{route=\"/a/{x}\",le=\"0.0025\"}"), 0);
	assert_int_equal(line_value(text, "broadsheet_http_request_duration_seconds_bucket{route=\"/a/{x}\",le=\"0.005\"}"), 40000);
	assert_int_equal(line_value(text, "broadsheet_http_request_duration_seconds_bucket{route=\"/a/{x}\",le=\"10\"}"), 40000);
	assert_int_equal(line_value(text, "broadsheet_http_request_duration_seconds_bucket{route=\"/a/{x}\",le=\"+Inf\"}"), 40001);
	assert_int_equal(line_value(text, "broadsheet_http_request_duration_seconds_count{route=\"/a/{x}\"}"), 40001);
	assert_non_null(strstr(text, "broadsheet_http_request_duration_seconds_sum{route=\"/a/{x}\"} 140\n")); /* 120 s + 20 s */
	assert_int_equal(line_value(text, "broadsheet_cache_requests_total{result=\"hit\"}"), 2);
	assert_int_equal(line_value(text, "broadsheet_cache_requests_total{result=\"miss\"}"), 1);
	assert_int_equal(line_value(text, "broadsheet_legacy_requests_total{result=\"redirect\"}"), 2);
	assert_int_equal(line_value(text, "broadsheet_legacy_requests_total{result=\"not_found\"}"), 1);
	assert_int_equal(line_value(text, "broadsheet_cache_entries"), 3);
	assert_int_equal(line_value(text, "broadsheet_webhook_queue_depth"), 5);
	assert_int_equal(line_value(text, "broadsheet_planner_stats_checks_total"), 4);
	assert_null(strstr(text, "broadsheet_planner_stats_remade_total"));
	assert_int_equal(line_value(text, "broadsheet_cache_bytes"), -1); /* unknown: left out */
	assert_null(strstr(text, "broadsheet_db_size_bytes"));
	assert_non_null(strstr(text, "# TYPE broadsheet_http_request_duration_seconds histogram\n"));
	/* every line is a comment or "name{labels} value" */
	for (const char *p = text; *p;) {
		const char *end = strchr(p, '\n');
		assert_non_null(end);
		if (*p != '#')
			assert_true(memchr(p, ' ', (size_t)(end - p)) != NULL);
		p = end + 1;
	}
	buf_free(&b);
	metrics_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cidr_v4),
		cmocka_unit_test(test_cidr_v6),
		cmocka_unit_test(test_allow_parse_refuses),
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_threads_and_render),
	};
	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
