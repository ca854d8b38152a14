/* test_clientaddr.c - unit tests for src/clientaddr.c: the client behind trusted proxies (X-Forwarded-For
 * read right to left: spaces, several header lines, IPv6 and ports, garbage, a chain of trusted proxies only,
 * too many entries, an untrusted peer's header ignored), socket addresses as keys, and the table of
 * connections per address (limit, counting down, forgetting, many addresses, threads). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cmocka.h>

#include "clientaddr.h"

/* client: the client clientaddr_forwarded finds for peer and the header lines (NULL-terminated), with
 * trusted_proxies = list. Returns a static buffer. */
static const char *client_of(const char *list, const char *peer, const char *const *lines)
{
	static char out[CLIENTADDR_LEN];
	struct metrics_net nets[8];
	char bad[64];
	int n = metrics_allow_parse(list, nets, 8, bad, sizeof bad);
	assert_true(n >= 0);
	size_t nlines = 0;
	while (lines && lines[nlines])
		nlines++;
	memset(out, 'x', sizeof out);
	clientaddr_forwarded(nets, (size_t)n, peer, lines, nlines, out);
	return out;
}

#define LINES(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_untrusted_peer_header_ignored(void **state)
{
	(void)state;
	/* a direct client writes what it likes: never read */
	assert_string_equal(client_of("127.0.0.1", "203.0.113.9", LINES("127.0.0.1")), "203.0.113.9");
	assert_string_equal(client_of("10.0.0.0/8", "192.0.2.1", LINES("198.51.100.2, 10.0.0.1")), "192.0.2.1");
	/* no trusted proxies at all (the default): the peer, always */
	assert_string_equal(client_of("", "127.0.0.1", LINES("198.51.100.2")), "127.0.0.1");
	/* a trusted peer without the header is the client */
	assert_string_equal(client_of("127.0.0.1", "127.0.0.1", NULL), "127.0.0.1");
	/* a peer that is not IP (a UNIX socket) */
	assert_string_equal(client_of("127.0.0.1", "unknown", LINES("198.51.100.2")), "unknown");
}

static void test_rightmost_untrusted(void **state)
{
	(void)state;
	/* nginx appends its own peer: the reader sent "203.0.113.5" through nginx on 127.0.0.1 */
	assert_string_equal(client_of("127.0.0.1", "127.0.0.1", LINES("203.0.113.5, 127.0.0.1")), "203.0.113.5");
	/* what the reader wrote left of its own address is never reached */
	assert_string_equal(client_of("127.0.0.1", "127.0.0.1", LINES("127.0.0.1, 1.2.3.4, 198.51.100.7")),
			    "198.51.100.7");
	/* a chain of proxies in a network: skipped right to left */
	assert_string_equal(client_of("10.0.0.0/8 ::1", "::1", LINES("192.0.2.44, 10.1.1.1, 10.2.2.2")), "192.0.2.44");
	/* spaces and tabs around entries, empty entries */
	assert_string_equal(client_of("127.0.0.1", "127.0.0.1", LINES("  192.0.2.8 ,\t,, 127.0.0.1\t ")), "192.0.2.8");
	assert_string_equal(client_of("127.0.0.1", "127.0.0.1", LINES("192.0.2.8,127.0.0.1,")), "192.0.2.8");
	/* IPv4-mapped IPv6 peer counts as its IPv4 address */
	assert_string_equal(client_of("127.0.0.1", "::ffff:127.0.0.1", LINES("192.0.2.9")), "192.0.2.9");
}

static void test_several_lines(void **state)
{
	(void)state;
	/* header lines are one list in the order received: the last line is the right end */
	assert_string_equal(client_of("127.0.0.1", "127.0.0.1", LINES("192.0.2.1", "198.51.100.2, 127.0.0.1")),
			    "198.51.100.2");
	assert_string_equal(client_of("127.0.0.1", "127.0.0.1", LINES("192.0.2.1", "127.0.0.1")), "192.0.2.1");
	assert_string_equal(client_of("127.0.0.1", "127.0.0.1", LINES("192.0.2.1", "", " , ")), "192.0.2.1");
}

static void test_ipv6_and_ports(void **state)
{
	(void)state;
	const char *p = "127.0.0.1";
	/* written canonically, so one address is one rate-limit key */
	assert_string_equal(client_of(p, p, LINES("2001:DB8:0:0::7")), "2001:db8::7");
	assert_string_equal(client_of(p, p, LINES("[2001:db8::7]")), "2001:db8::7");
	assert_string_equal(client_of(p, p, LINES("[2001:db8::7]:443")), "2001:db8::7");
	assert_string_equal(client_of(p, p, LINES("192.0.2.3:51234")), "192.0.2.3");
	assert_string_equal(client_of(p, p, LINES("::ffff:192.0.2.4")), "192.0.2.4");
	/* a trusted IPv6 proxy network */
	assert_string_equal(client_of("fd00::/8", "fd00::1", LINES("2001:db8::1, fd12::5")), "2001:db8::1");
	/* malformed ports and brackets are garbage */
	assert_string_equal(client_of(p, p, LINES("203.0.113.1, 192.0.2.3:99999")), "127.0.0.1");
	assert_string_equal(client_of(p, p, LINES("203.0.113.1, [2001:db8::7")), "127.0.0.1");
	assert_string_equal(client_of(p, p, LINES("203.0.113.1, [2001:db8::7]x")), "127.0.0.1");
	assert_string_equal(client_of(p, p, LINES("203.0.113.1, [192.0.2.3]")), "127.0.0.1");
	assert_string_equal(client_of(p, p, LINES("203.0.113.1, 192.0.2.3:")), "127.0.0.1");
	assert_string_equal(client_of(p, p, LINES("203.0.113.1, fe80::1%eth0")), "127.0.0.1");
}

static void test_garbage_stops_the_walk(void **state)
{
	(void)state;
	const char *p = "127.0.0.1";
	/* the last good candidate: the peer when the right-most entry is garbage ... */
	assert_string_equal(client_of(p, p, LINES("192.0.2.1, unknown")), "127.0.0.1");
	assert_string_equal(client_of(p, p, LINES("192.0.2.1, 192.0.2.256")), "127.0.0.1");
	assert_string_equal(client_of(p, p, LINES("192.0.2.1, 1.2.3.4 5.6.7.8")), "127.0.0.1");
	assert_string_equal(client_of(p, p, LINES("192.0.2.1, <script>")), "127.0.0.1");
	assert_string_equal(client_of(p, p, LINES("192.0.2.1, 010.0.0.1")), "127.0.0.1");
	/* ... or the trusted entry it stopped after (never an entry left of the garbage) */
	assert_string_equal(client_of("127.0.0.0/8", p, LINES("192.0.2.1, _hidden, 127.0.0.5")), "127.0.0.5");
	/* an entry longer than any address */
	char lng[300];
	memset(lng, '1', sizeof lng - 1);
	lng[sizeof lng - 1] = '\0';
	assert_string_equal(client_of(p, p, LINES("192.0.2.1", lng)), "127.0.0.1");
	/* garbage left of the client is never looked at */
	assert_string_equal(client_of(p, p, LINES("garbage, 192.0.2.1")), "192.0.2.1");
}

static void test_all_trusted_and_too_many(void **state)
{
	(void)state;
	/* only trusted proxies: the left-most of them (nginx's realip gives the same) */
	assert_string_equal(client_of("10.0.0.0/8 127.0.0.1", "127.0.0.1", LINES("10.0.0.3, 10.0.0.2, 10.0.0.1")),
			    "10.0.0.3");
	/* more than CLIENTADDR_MAX_HOPS trusted entries: the walk stops at the last one it looked at */
	char line[1024] = "192.0.2.77";
	for (int i = CLIENTADDR_MAX_HOPS; i >= 1; i--)
		snprintf(line + strlen(line), sizeof line - strlen(line), ", 10.0.0.%d", i);
	assert_string_equal(client_of("10.0.0.0/8 127.0.0.1", "127.0.0.1", LINES(line)), "10.0.0.16");
	/* CLIENTADDR_MAX_HOPS - 1 trusted ones: the client is still reached */
	char fewer[1024] = "192.0.2.77";
	for (int i = CLIENTADDR_MAX_HOPS - 1; i >= 1; i--)
		snprintf(fewer + strlen(fewer), sizeof fewer - strlen(fewer), ", 10.0.0.%d", i);
	assert_string_equal(client_of("10.0.0.0/8 127.0.0.1", "127.0.0.1", LINES(fewer)), "192.0.2.77");
}

static void test_sockaddr_keys(void **state)
{
	(void)state;
	unsigned char key[16], key2[16];
	char text[CLIENTADDR_LEN];
	struct sockaddr_in in = {.sin_family = AF_INET};
	inet_pton(AF_INET, "192.0.2.10", &in.sin_addr);
	assert_int_equal(clientaddr_of((struct sockaddr *)&in, key, text), 0);
	assert_string_equal(text, "192.0.2.10");
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
	inet_pton(AF_INET6, "::ffff:192.0.2.10", &in6.sin6_addr);
	assert_int_equal(clientaddr_of((struct sockaddr *)&in6, key2, text), 0);
	assert_memory_equal(key, key2, 16); /* the same address over IPv4 and as IPv4-mapped IPv6: one key */
	inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr);
	assert_int_equal(clientaddr_of((struct sockaddr *)&in6, key2, text), 0);
	assert_string_equal(text, "2001:db8::1");
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	assert_int_equal(clientaddr_of((struct sockaddr *)&un, key2, text), -1);
	assert_string_equal(text, "unknown");
	assert_int_equal(clientaddr_of(NULL, key2, text), -1);
}

/* key_of: the table key of an IPv4 address's text. */
static void key_of(const char *ip, unsigned char key[16])
{
	struct sockaddr_in in = {.sin_family = AF_INET};
	char text[CLIENTADDR_LEN];
	assert_int_equal(inet_pton(AF_INET, ip, &in.sin_addr), 1);
	assert_int_equal(clientaddr_of((struct sockaddr *)&in, key, text), 0);
}

static void test_table_limit(void **state)
{
	(void)state;
	struct clientaddr_table *t = clientaddr_table_new(3, 10);
	unsigned char a[16], b[16];
	key_of("192.0.2.1", a);
	key_of("192.0.2.2", b);
	for (int i = 0; i < 3; i++)
		assert_int_equal(clientaddr_take(t, a), 1);
	assert_int_equal(clientaddr_take(t, a), 0); /* the fourth is refused */
	assert_int_equal(clientaddr_count(t, a), 3);
	assert_int_equal(clientaddr_take(t, b), 1); /* another address has its own count */
	clientaddr_give(t, a);
	assert_int_equal(clientaddr_count(t, a), 2);
	assert_int_equal(clientaddr_take(t, a), 1); /* room again */
	for (int i = 0; i < 3; i++)
		clientaddr_give(t, a);
	assert_int_equal(clientaddr_count(t, a), 0); /* forgotten */
	clientaddr_give(t, a);                       /* an address not held: nothing happens */
	assert_int_equal(clientaddr_count(t, a), 0);
	assert_int_equal(clientaddr_count(t, b), 1);
	clientaddr_table_free(t); /* b is still held: freed with the table (the leak checker sees it) */
	clientaddr_table_free(NULL);
}

static void test_table_many_addresses(void **state)
{
	(void)state;
	struct clientaddr_table *t = clientaddr_table_new(2, 16); /* far more addresses than buckets */
	unsigned char k[16];
	char ip[32];
	for (int i = 0; i < 2000; i++) {
		snprintf(ip, sizeof ip, "10.%d.%d.1", i / 256, i % 256);
		key_of(ip, k);
		assert_int_equal(clientaddr_take(t, k), 1);
		assert_int_equal(clientaddr_take(t, k), 1);
		assert_int_equal(clientaddr_take(t, k), 0);
	}
	for (int i = 0; i < 2000; i += 2) {
		snprintf(ip, sizeof ip, "10.%d.%d.1", i / 256, i % 256);
		key_of(ip, k);
		clientaddr_give(t, k);
		clientaddr_give(t, k);
	}
	for (int i = 0; i < 2000; i++) {
		snprintf(ip, sizeof ip, "10.%d.%d.1", i / 256, i % 256);
		key_of(ip, k);
		assert_int_equal(clientaddr_count(t, k), i % 2 ? 2 : 0);
	}
	clientaddr_table_free(t);
}

struct churn {
	struct clientaddr_table *t;
	unsigned char key[16];
	int refused;
};

/* churn_main: takes and gives the shared address many times; counts refusals (there must be none). */
static void *churn_main(void *arg)
{
	struct churn *c = arg;
	for (int i = 0; i < 20000; i++) {
		if (!clientaddr_take(c->t, c->key)) {
			c->refused++;
			continue;
		}
		clientaddr_give(c->t, c->key);
	}
	return NULL;
}

static void test_table_threads(void **state)
{
	(void)state;
	/* 4 threads each hold at most one connection of one address at a time, with a limit of 4 */
	struct clientaddr_table *t = clientaddr_table_new(4, 4);
	struct churn c[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		c[i] = (struct churn){.t = t};
		key_of("192.0.2.50", c[i].key);
		assert_int_equal(pthread_create(&th[i], NULL, churn_main, &c[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(c[i].refused, 0);
	}
	assert_int_equal(clientaddr_count(t, c[0].key), 0);
	clientaddr_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_untrusted_peer_header_ignored),
		cmocka_unit_test(test_rightmost_untrusted),
		cmocka_unit_test(test_several_lines),
		cmocka_unit_test(test_ipv6_and_ports),
		cmocka_unit_test(test_garbage_stops_the_walk),
		cmocka_unit_test(test_all_trusted_and_too_many),
		cmocka_unit_test(test_sockaddr_keys),
		cmocka_unit_test(test_table_limit),
		cmocka_unit_test(test_table_many_addresses),
		cmocka_unit_test(test_table_threads),
	};
	return cmocka_run_group_tests_name("clientaddr", tests, NULL, NULL);
}
