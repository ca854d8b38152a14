/* test_db_pg_notify.c - the pure parts of the cache purges between nodes (db_pg_notify.c): how a purge is
 * split into NOTIFY payloads under PostgreSQL's size limit, and how a payload received is read back
 * (a node's own payloads skipped, "*" = everything). No server needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db_pg_int.h"

#define MAXP 16 /* payloads a test collects */

struct sink {
	char *p[MAXP];
	size_t n;
	int fail_at; /* emit fails on this call (1-based); 0 = never */
};

/* collect: pg_notify_payloads' emit: keeps a copy of each payload. */
static int collect(void *arg, const char *payload)
{
	struct sink *s = arg;
	if (s->fail_at && (int)s->n + 1 == s->fail_at)
		return -1;
	assert_true(s->n < MAXP);
	s->p[s->n++] = strdup(payload);
	return 0;
}

static void sink_free(struct sink *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->p[i]);
}

struct got {
	int calls;
	size_t n;
	char keys[4096][24];
};

/* record: db_purge_fn for pg_notify_dispatch: appends the keys received (n 0 = everything). */
static void record(void *arg, const char *const *keys, size_t n)
{
	struct got *g = arg;
	g->calls++;
	if (n == 0) {
		snprintf(g->keys[g->n++], sizeof g->keys[0], "*");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		assert_true(g->n < 4096);
		snprintf(g->keys[g->n++], sizeof g->keys[0], "%s", keys[i]);
	}
}

static void test_small(void **state)
{
	(void)state;
	struct sink s = {0};
	const char *keys[] = {"article:12", "front:en", "", "has space", "settings"};
	assert_int_equal(pg_notify_payloads("n1", keys, 5, 7900, collect, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.p[0], "n1 article:12 front:en settings");
	sink_free(&s);

	struct sink all = {0};
	assert_int_equal(pg_notify_payloads("n1", NULL, 0, 7900, collect, &all), 0);
	assert_int_equal(all.n, 1);
	assert_string_equal(all.p[0], "n1 *");
	sink_free(&all);

	/* only unusable keys: nothing to send */
	struct sink none = {0};
	const char *bad[] = {"", "a b"};
	assert_int_equal(pg_notify_payloads("n1", bad, 2, 7900, collect, &none), 0);
	assert_int_equal(none.n, 0);
}

/* 3000 keys (about 36 KB) go out in several payloads, each within the limit, in order, none lost */
static void test_split_round_trip(void **state)
{
	(void)state;
	enum { N = 3000 };
	static char buf[N][24];
	const char *keys[N];
	for (int i = 0; i < N; i++) {
		snprintf(buf[i], sizeof buf[i], "article:%d", 100000 + i);
		keys[i] = buf[i];
	}
	struct sink s = {0};
	assert_int_equal(pg_notify_payloads("abcdef0123456789", keys, N, 7900, collect, &s), 0);
	assert_true(s.n >= 5);
	static struct got g;
	memset(&g, 0, sizeof g);
	for (size_t i = 0; i < s.n; i++) {
		assert_true(strlen(s.p[i]) <= 7900);
		assert_true(strncmp(s.p[i], "abcdef0123456789 ", 17) == 0);
		pg_notify_dispatch("ffff000011112222", s.p[i], record, &g); /* another node reads them */
	}
	assert_int_equal(g.calls, (int)s.n);
	assert_int_equal(g.n, N);
	for (int i = 0; i < N; i++)
		assert_string_equal(g.keys[i], keys[i]);
	sink_free(&s);
}

/* a key that cannot fit a payload of its own turns the purge into "everything"; emit failures stop it */
static void test_overlong_and_failure(void **state)
{
	(void)state;
	const char *keys[] = {"a:1", "this-key-is-far-too-long-for-the-limit", "b:2"};
	struct sink s = {0};
	assert_int_equal(pg_notify_payloads("n", keys, 3, 20, collect, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.p[0], "n *");
	sink_free(&s);

	const char *many[] = {"k:1", "k:2", "k:3", "k:4", "k:5", "k:6"};
	struct sink f = {.fail_at = 2};
	assert_int_equal(pg_notify_payloads("n", many, 6, 10, collect, &f), -1);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.p[0], "n k:1 k:2");
	sink_free(&f);
	/* a node id that leaves no room for a key is refused before anything is sent (a sink that never
	 * fails: the -1 is pg_notify_payloads' own) */
	struct sink t = {0};
	assert_int_equal(pg_notify_payloads("a-node-id-too-long", many, 6, 10, collect, &t), -1);
	assert_int_equal(t.n, 0);
}

static void test_dispatch(void **state)
{
	(void)state;
	static struct got g;
	memset(&g, 0, sizeof g);
	pg_notify_dispatch("me", "me article:1 front:en", record, &g);
	assert_int_equal(g.calls, 0); /* a node's own purge: already done locally */
	pg_notify_dispatch("me", "me *", record, &g);
	assert_int_equal(g.calls, 0);
	pg_notify_dispatch("me", "meow article:1", record, &g); /* a node whose id starts like ours */
	assert_int_equal(g.calls, 1);
	assert_string_equal(g.keys[0], "article:1");
	pg_notify_dispatch("me", "other *", record, &g);
	assert_int_equal(g.calls, 2);
	assert_string_equal(g.keys[1], "*");
	pg_notify_dispatch("me", "garbage", record, &g); /* no keys: ignored */
	pg_notify_dispatch("me", "other ", record, &g);
	assert_int_equal(g.calls, 2);
}

/* node ids are 16 hex digits and differ between processes (here: between calls) */
static void test_node_id(void **state)
{
	(void)state;
	char a[17], b[17];
	pg_notify_node_id(a, sizeof a);
	pg_notify_node_id(b, sizeof b);
	assert_int_equal(strlen(a), 16);
	assert_int_equal(strspn(a, "0123456789abcdef"), 16);
	assert_string_not_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_split_round_trip),
		cmocka_unit_test(test_overlong_and_failure),
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_node_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
