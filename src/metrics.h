/* metrics.h - the counters behind /metrics (Prometheus text exposition format 0.0.4) and the address
 * allow-list that guards it.
 *
 * The hot path (metrics_observe, metrics_cache_event) only does relaxed atomic adds on a shard of its
 * own: each thread picks one of METRICS_SHARDS shards the first time it counts, so threads rarely share
 * a cache line. metrics_render sums the shards; a scrape sees each counter at some moment during the
 * scrape (counters only grow, so that is all Prometheus needs). Counters live for the process. */
#ifndef BROADSHEET_METRICS_H
#define BROADSHEET_METRICS_H
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define METRICS_MAX_ROUTES 192 /* route table entries the counters have room for (more: counted as none) */
#define METRICS_NBUCKETS 14   /* latency buckets, +Inf included */

/* The latency buckets' upper bounds in microseconds (the last, +Inf, is UINT64_MAX). */
extern const uint64_t metrics_bucket_le_us[METRICS_NBUCKETS];

/* metrics_bucket: the index of the first bucket whose bound is >= us (METRICS_NBUCKETS - 1 for +Inf). */
int metrics_bucket(uint64_t us);

/* metrics_observe: counts one answered request: route_id (1 + the route's index in the route table; 0
 * when no route matched or the request was refused before routing), its status and how long it took
 * (microseconds). Lock-free. */
void metrics_observe(int route_id, int status, uint64_t us);

enum metrics_cache_event { METRICS_CACHE_HIT, METRICS_CACHE_MISS, METRICS_CACHE_BYPASS, METRICS_CACHE_NEVENTS };

/* metrics_cache_event: counts a page cache lookup's outcome (hits are answered before routing). */
void metrics_cache_event(enum metrics_cache_event ev);

/* metrics_legacy: counts an old address looked up (page_legacy.c, issue 23): found (a 301) or not (a 404).
 * Lock-free. */
void metrics_legacy(int found);

/* What metrics_render prints besides the counters; a value < 0 is left out (unknown). */
struct metrics_gauges {
	int64_t cache_entries, cache_bytes, cache_max_bytes;
	int64_t db_connections, db_connections_busy, db_size_bytes;
	int64_t webhook_queue; /* deliveries pending */
	int64_t views_flushes, views_flush_failures, views_flushed; /* the view counters' flush thread */
	int64_t purges_sent, purges_received, purges_failed;         /* cache purges between nodes */
	int64_t planner_checks, planner_remade; /* the scheduler's looks at the planner's statistics (scheduler_stats) */
	const char *db_engine;                                       /* NULL: left out */
};

/* metrics_name_routes: remembers the route table's patterns (route_id i + 1 is names[i]; at most
 * METRICS_MAX_ROUTES; the strings must outlive the process: the table's literals), set by the server at
 * start so that the /metrics page need not know the route table. metrics_route_names: what was set
 * (*n = 0 before). */
void metrics_name_routes(const char *const *names, size_t n);
const char *const *metrics_route_names(size_t *n);

/* metrics_render: appends the whole exposition to b: per-route request counters by status class, the
 * latency histogram per route, the cache outcomes and g. route_names[i] is the pattern of route_id i + 1;
 * route_id 0 is labelled "none". Only routes that were requested appear. */
void metrics_render(struct buf *b, const char *const *route_names, size_t nroutes, const struct metrics_gauges *g);

/* metrics_reset: zeroes every counter (unit tests). */
void metrics_reset(void);

/* An allowed network: an address (IPv4 kept as IPv4-mapped IPv6) and how many leading bits must match. */
struct metrics_net {
	unsigned char addr[16];
	int bits;
};

/* metrics_net_parse: parses "IP" or "IP/BITS" (IPv4 or IPv6) into *out. Returns 0, or -1 when malformed
 * (bits out of range, host part not an address). */
int metrics_net_parse(const char *s, struct metrics_net *out);

/* metrics_allow_parse: parses a space-separated list of networks into nets (at most cap). Returns how many,
 * or -1 with the offending word copied into bad (badlen bytes) when one is malformed or there are too many. */
int metrics_allow_parse(const char *list, struct metrics_net *nets, size_t cap, char *bad, size_t badlen);

/* metrics_allowed: whether the address ip (text, as inet_ntop writes it; IPv4-mapped IPv6 counts as its
 * IPv4 address) lies in one of the n networks. 0 for text that is not an address. */
int metrics_allowed(const struct metrics_net *nets, size_t n, const char *ip);

#endif
