/* clientaddr.c - the client's address behind trusted proxies, and connections per address (see clientaddr.h). */
#include "clientaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* port_ok: whether s[0..n) is a port number (1 to 5 digits, at most 65535). */
static int port_ok(const char *s, size_t n)
{
	if (n == 0 || n > 5 || !util_all_digits(s, n))
		return 0;
	return atoi(s) <= 65535; /* s is NUL-terminated right after its digits by the caller */
}

/* entry_address: parses one X-Forwarded-For entry s[0..n) (trimmed): "v4", "v4:port", "v6", "[v6]" or
 * "[v6]:port". Writes its address as canonical text into out (CLIENTADDR_LEN bytes; IPv4-mapped IPv6 as
 * IPv4). Returns 0, or -1 when the entry is anything else. */
static int entry_address(const char *s, size_t n, char *out)
{
	char e[64];
	if (n == 0 || n >= sizeof e)
		return -1;
	memcpy(e, s, n);
	e[n] = '\0';
	const char *host = e;
	unsigned char a[16];
	if (e[0] == '[') {
		char *close = strchr(e, ']');
		if (!close || (close[1] && (close[1] != ':' || !port_ok(close + 2, strlen(close + 2)))))
			return -1;
		*close = '\0';
		host = e + 1;
		if (inet_pton(AF_INET6, host, a) != 1)
			return -1;
	} else if (inet_pton(AF_INET6, e, a) != 1) {
		char *colon = strchr(e, ':');
		if (colon) { /* "v4:port" (a bare IPv6 address has parsed above) */
			if (strchr(colon + 1, ':') || !port_ok(colon + 1, strlen(colon + 1)))
				return -1;
			*colon = '\0';
		}
		memcpy(a, v4mapped, sizeof v4mapped);
		if (inet_pton(AF_INET, e, a + 12) != 1)
			return -1;
	}
	if (memcmp(a, v4mapped, sizeof v4mapped) == 0)
		return inet_ntop(AF_INET, a + 12, out, CLIENTADDR_LEN) ? 0 : -1;
	return inet_ntop(AF_INET6, a, out, CLIENTADDR_LEN) ? 0 : -1;
}

void clientaddr_forwarded(const struct metrics_net *trusted, size_t ntrusted, const char *peer,
			  const char *const *xff, size_t nxff, char *out)
{
	snprintf(out, CLIENTADDR_LEN, "%s", peer ? peer : "unknown");
	if (ntrusted == 0 || !metrics_allowed(trusted, ntrusted, peer))
		return; /* never read the header from anyone else */
	int hops = 0;
	for (size_t h = nxff; h-- > 0;) {
		const char *v = xff[h] ? xff[h] : "";
		size_t end = strlen(v);
		for (;;) {
			while (end > 0 && (v[end - 1] == ' ' || v[end - 1] == '\t' || v[end - 1] == ','))
				end--; /* (empty entries are skipped) */
			if (end == 0)
				break;
			size_t start = end;
			while (start > 0 && v[start - 1] != ',')
				start--;
			size_t from = start;
			while (v[from] == ' ' || v[from] == '\t')
				from++;
			char addr[CLIENTADDR_LEN];
			if (hops++ == CLIENTADDR_MAX_HOPS || entry_address(v + from, end - from, addr) < 0)
				return; /* out holds the last good candidate */
			memcpy(out, addr, sizeof addr);
			if (!metrics_allowed(trusted, ntrusted, addr))
				return;
			end = start;
		}
	}
}

int clientaddr_of(const struct sockaddr *sa, unsigned char key[16], char *text)
{
	snprintf(text, CLIENTADDR_LEN, "unknown");
	if (sa && sa->sa_family == AF_INET) {
		const struct in_addr *in = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
		memcpy(key, v4mapped, sizeof v4mapped);
		memcpy(key + 12, in, 4);
		inet_ntop(AF_INET, in, text, CLIENTADDR_LEN);
		return 0;
	}
	if (sa && sa->sa_family == AF_INET6) {
		const struct in6_addr *in6 = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		memcpy(key, in6, 16);
		inet_ntop(AF_INET6, in6, text, CLIENTADDR_LEN);
		return 0;
	}
	return -1;
}

/* ---- connections per address ---- */

struct clientaddr_node {
	unsigned char key[16];
	unsigned count;
	struct clientaddr_node *next;
};

struct clientaddr_table {
	pthread_mutex_t mu;
	unsigned limit;
	size_t mask; /* buckets - 1 (a power of two) */
	struct clientaddr_node **buckets;
};

struct clientaddr_table *clientaddr_table_new(unsigned limit, size_t expected)
{
	struct clientaddr_table *t = xcalloc(1, sizeof *t);
	size_t n = 64;
	while (n < expected && n < ((size_t)1 << 16))
		n <<= 1;
	pthread_mutex_init(&t->mu, NULL);
	t->limit = limit;
	t->mask = n - 1;
	t->buckets = xcalloc(n, sizeof *t->buckets);
	return t;
}

/* slot: where key's node is or would be linked in t (t->mu held): FNV-1a of the 16 bytes picks the bucket. */
static struct clientaddr_node **slot(struct clientaddr_table *t, const unsigned char key[16])
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < 16; i++)
		h = (h ^ key[i]) * 16777619u;
	struct clientaddr_node **p = &t->buckets[h & t->mask];
	while (*p && memcmp((*p)->key, key, 16) != 0)
		p = &(*p)->next;
	return p;
}

int clientaddr_take(struct clientaddr_table *t, const unsigned char key[16])
{
	int ok = 0;
	pthread_mutex_lock(&t->mu);
	struct clientaddr_node **p = slot(t, key);
	if (!*p && t->limit > 0 && (*p = malloc(sizeof **p)) != NULL) {
		memcpy((*p)->key, key, 16);
		(*p)->count = 0;
		(*p)->next = NULL;
	}
	if (*p && (*p)->count < t->limit) {
		(*p)->count++;
		ok = 1;
	}
	pthread_mutex_unlock(&t->mu);
	return ok;
}

void clientaddr_give(struct clientaddr_table *t, const unsigned char key[16])
{
	pthread_mutex_lock(&t->mu);
	struct clientaddr_node **p = slot(t, key);
	struct clientaddr_node *node = *p;
	if (node && --node->count == 0) {
		*p = node->next;
		free(node);
	}
	pthread_mutex_unlock(&t->mu);
}

unsigned clientaddr_count(struct clientaddr_table *t, const unsigned char key[16])
{
	pthread_mutex_lock(&t->mu);
	struct clientaddr_node *node = *slot(t, key);
	unsigned n = node ? node->count : 0;
	pthread_mutex_unlock(&t->mu);
	return n;
}

void clientaddr_table_free(struct clientaddr_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i <= t->mask; i++) {
		for (struct clientaddr_node *n = t->buckets[i], *next; n; n = next) {
			next = n->next;
			free(n);
		}
	}
	free(t->buckets);
	pthread_mutex_destroy(&t->mu);
	free(t);
}
