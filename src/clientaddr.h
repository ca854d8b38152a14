/* clientaddr.h - who a request's client is, and how many connections each address holds.
 *
 * Behind a reverse proxy every TCP peer is the proxy. The operator lists the proxies in trusted_proxies;
 * when the peer is one of them, the client is the right-most address of X-Forwarded-For that is not itself
 * a trusted proxy (as nginx's realip module does with real_ip_recursive on). A header from any other peer
 * is never read: whoever connects directly can write anything there.
 *
 * The per-address connection limit (per_ip_connections) is counted here too, in a small locked table,
 * because libmicrohttpd's own limit cannot exempt the trusted proxies, which carry many readers at once. */
#ifndef BROADSHEET_CLIENTADDR_H
#define BROADSHEET_CLIENTADDR_H
#include <stddef.h>

#include "metrics.h"

#define CLIENTADDR_LEN 46       /* an address as text with its NUL (INET6_ADDRSTRLEN) */
#define CLIENTADDR_MAX_HOPS 16  /* X-Forwarded-For entries looked at, right to left */

/* clientaddr_forwarded: the client of a request whose TCP peer is peer (text, as inet_ntop writes it) and
 * whose X-Forwarded-For header lines are xff[0..nxff) in the order received (read as one comma-separated
 * list, spaces and tabs around entries ignored, empty entries skipped). When the peer is in trusted
 * (ntrusted networks), the list is walked from the right: each entry becomes the candidate, and the walk
 * ends at the first one that is not a trusted proxy. A malformed entry (not an IPv4 or IPv6 address,
 * optionally "[v6]", "[v6]:port" or "v4:port") ends the walk with the last good candidate, as does
 * reaching CLIENTADDR_MAX_HOPS entries; a list of trusted proxies only gives its left-most entry.
 * Writes the client (canonical text; an IPv4-mapped IPv6 entry as IPv4) into out (CLIENTADDR_LEN
 * bytes): the peer itself when it is not trusted or nothing in the header is usable. Owns nothing. */
void clientaddr_forwarded(const struct metrics_net *trusted, size_t ntrusted, const char *peer,
			  const char *const *xff, size_t nxff, char *out);

struct sockaddr;

/* clientaddr_of: the address of sa (AF_INET or AF_INET6) as a table key (16 bytes: IPv4 as IPv4-mapped
 * IPv6) and as text into text (CLIENTADDR_LEN bytes, as inet_ntop writes it). Returns 0, or -1 for any
 * other family (text then "unknown"). */
int clientaddr_of(const struct sockaddr *sa, unsigned char key[16], char *text);

/* A count of open connections per address (IPv6, IPv4 as IPv4-mapped), with a limit; thread-safe. */
struct clientaddr_table;

/* clientaddr_table_new: an empty table allowing limit connections per address, with about expected
 * addresses (sizes its hash). Aborts when out of memory. Free with clientaddr_table_free. */
struct clientaddr_table *clientaddr_table_new(unsigned limit, size_t expected);

/* clientaddr_take: counts one more connection for the address key (16 bytes). Returns 1, or 0 (nothing
 * counted) when the address already holds limit connections or no memory is left for a new address. */
int clientaddr_take(struct clientaddr_table *t, const unsigned char key[16]);

/* clientaddr_give: counts one connection of key (taken before) as closed; forgets the address at zero. */
void clientaddr_give(struct clientaddr_table *t, const unsigned char key[16]);

/* clientaddr_count: how many connections key holds now (for tests). */
unsigned clientaddr_count(struct clientaddr_table *t, const unsigned char key[16]);

/* clientaddr_table_free: frees t and every count in it (NULL is fine). */
void clientaddr_table_free(struct clientaddr_table *t);

#endif
