/* metrics.c - request counters, latency histogram and the /metrics allow-list (see metrics.h). */
#include "metrics.h"

#include <arpa/inet.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define METRICS_SHARDS 8
#define NSLOTS (METRICS_MAX_ROUTES + 1) /* slot 0: no route */
#define NCLASSES 5                      /* 1xx .. 5xx */

const uint64_t metrics_bucket_le_us[METRICS_NBUCKETS] = {
	1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000,
	UINT64_MAX,
};

/* One shard: every counter a thread bumps, padded so that two shards never share a cache line. */
struct metrics_shard {
	struct {
		atomic_ullong status[NCLASSES];
		atomic_ullong bucket[METRICS_NBUCKETS]; /* not cumulative: summed when rendered */
		atomic_ullong sum_us;
	} route[NSLOTS];
	atomic_ullong cache[METRICS_CACHE_NEVENTS];
	char pad[64];
};

static struct metrics_shard shards[METRICS_SHARDS];
static atomic_ullong legacy_counts[2]; /* old addresses looked up: not found, found (requests that would 404) */
static atomic_uint next_shard;
static _Thread_local int my_shard = -1;

/* shard: this thread's shard, chosen round-robin on first use. */
static struct metrics_shard *shard(void)
{
	if (my_shard < 0)
		my_shard = (int)(atomic_fetch_add_explicit(&next_shard, 1, memory_order_relaxed) % METRICS_SHARDS);
	return &shards[my_shard];
}

int metrics_bucket(uint64_t us)
{
	int i = 0;
	while (i < METRICS_NBUCKETS - 1 && us > metrics_bucket_le_us[i])
		i++;
	return i;
}

void metrics_observe(int route_id, int status, uint64_t us)
{
	if (route_id < 0 || route_id > METRICS_MAX_ROUTES)
		route_id = 0;
	int cls = status / 100 - 1;
	if (cls < 0 || cls >= NCLASSES)
		cls = NCLASSES - 1;
	struct metrics_shard *s = shard();
	atomic_fetch_add_explicit(&s->route[route_id].status[cls], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->route[route_id].bucket[metrics_bucket(us)], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->route[route_id].sum_us, us, memory_order_relaxed);
}

void metrics_cache_event(enum metrics_cache_event ev)
{
	if ((int)ev >= 0 && ev < METRICS_CACHE_NEVENTS)
		atomic_fetch_add_explicit(&shard()->cache[ev], 1, memory_order_relaxed);
}

void metrics_legacy(int found)
{
	atomic_fetch_add_explicit(&legacy_counts[found != 0], 1, memory_order_relaxed);
}

void metrics_reset(void)
{
	atomic_store(&legacy_counts[0], 0);
	atomic_store(&legacy_counts[1], 0);
	for (int k = 0; k < METRICS_SHARDS; k++) {
		for (int r = 0; r < NSLOTS; r++) {
			for (int c = 0; c < NCLASSES; c++)
				atomic_store(&shards[k].route[r].status[c], 0);
			for (int b = 0; b < METRICS_NBUCKETS; b++)
				atomic_store(&shards[k].route[r].bucket[b], 0);
			atomic_store(&shards[k].route[r].sum_us, 0);
		}
		for (int e = 0; e < METRICS_CACHE_NEVENTS; e++)
			atomic_store(&shards[k].cache[e], 0);
	}
}

/* label: appends a label value escaped as the exposition format wants (backslash, quote, newline). */
static void label(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			buf_putc(b, '\\'), buf_putc(b, *s);
		else if (*s == '\n')
			buf_lit(b, "\\n");
		else
			buf_putc(b, *s);
	}
}

/* seconds: appends microseconds as seconds, without trailing zeros ("0.0025", "1"). */
static void seconds(struct buf *b, uint64_t us)
{
	char frac[8];
	snprintf(frac, sizeof frac, "%06llu", (unsigned long long)(us % 1000000));
	int n = 6;
	while (n > 0 && frac[n - 1] == '0')
		n--;
	buf_printf(b, "%llu", (unsigned long long)(us / 1000000));
	if (n)
		buf_printf(b, ".%.*s", n, frac);
}

/* gauge: appends a HELP/TYPE header and one unlabelled sample, unless v < 0 (unknown). */
static void gauge(struct buf *b, const char *name, const char *help, int64_t v, const char *type)
{
	if (v < 0)
		return;
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %lld\n", name, help, name, type, name, (long long)v);
}

/* The route table's patterns (metrics_name_routes): set once before the server starts its threads. */
static const char *route_names_set[METRICS_MAX_ROUTES];
static size_t nroute_names_set;

void metrics_name_routes(const char *const *names, size_t n)
{
	if (n > METRICS_MAX_ROUTES)
		n = METRICS_MAX_ROUTES;
	for (size_t i = 0; i < n; i++)
		route_names_set[i] = names[i];
	nroute_names_set = n;
}

const char *const *metrics_route_names(size_t *n)
{
	*n = nroute_names_set;
	return route_names_set;
}

/* render_gauges: appends g's gauges and counters (those < 0 are unknown and left out) and the engine. */
static void render_gauges(struct buf *b, const struct metrics_gauges *g)
{
	gauge(b, "broadsheet_cache_entries", "Pages held in the page cache.", g->cache_entries, "gauge");
	gauge(b, "broadsheet_cache_bytes", "Bytes held in the page cache (all encodings).", g->cache_bytes, "gauge");
	gauge(b, "broadsheet_cache_max_bytes", "The page cache's bound (cache_mb).", g->cache_max_bytes, "gauge");
	gauge(b, "broadsheet_db_connections", "Database connections this node holds open.", g->db_connections, "gauge");
	gauge(b, "broadsheet_db_connections_busy", "Of those, connections in use now.", g->db_connections_busy, "gauge");
	gauge(b, "broadsheet_db_size_bytes", "Size of the database.", g->db_size_bytes, "gauge");
	gauge(b, "broadsheet_webhook_queue_depth", "Webhook deliveries waiting (pending).", g->webhook_queue, "gauge");
	gauge(b, "broadsheet_views_flushes_total", "Flushes of the view counters to the store.", g->views_flushes,
	      "counter");
	gauge(b, "broadsheet_views_flush_failures_total", "Flushes of the view counters that failed (counts kept).",
	      g->views_flush_failures, "counter");
	gauge(b, "broadsheet_views_flushed_total", "Article views written to the store.", g->views_flushed, "counter");
	gauge(b, "broadsheet_cache_purges_sent_total", "Page cache purges this node published to the other nodes.",
	      g->purges_sent, "counter");
	gauge(b, "broadsheet_cache_purges_received_total",
	      "Page cache purges received from other nodes (a reconnection of the listener counts as one).",
	      g->purges_received, "counter");
	gauge(b, "broadsheet_cache_purges_failed_total", "Page cache purges that could not be published.",
	      g->purges_failed, "counter");
	gauge(b, "broadsheet_planner_stats_checks_total",
	      "Looks at whether the query planner's statistics are stale (at start-up, then hourly).",
	      g->planner_checks, "counter");
	gauge(b, "broadsheet_planner_stats_remade_total", "Of those, looks that remade the statistics (ANALYZE).",
	      g->planner_remade, "counter");
	if (g->db_engine) {
		buf_lit(b, "# HELP broadsheet_db_info The storage engine.\n# TYPE broadsheet_db_info gauge\n"
			   "broadsheet_db_info{engine=\"");
		label(b, g->db_engine);
		buf_lit(b, "\"} 1\n");
	}
}

void metrics_render(struct buf *b, const char *const *route_names, size_t nroutes, const struct metrics_gauges *g)
{
	static const char *const classes[NCLASSES] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
	if (nroutes > METRICS_MAX_ROUTES)
		nroutes = METRICS_MAX_ROUTES;
	struct {
		unsigned long long status[NCLASSES], bucket[METRICS_NBUCKETS], sum_us, count;
	} tot[NSLOTS];
	memset(tot, 0, sizeof tot);
	unsigned long long cache[METRICS_CACHE_NEVENTS] = {0};
	for (int k = 0; k < METRICS_SHARDS; k++) {
		for (size_t r = 0; r <= nroutes; r++) {
			for (int c = 0; c < NCLASSES; c++)
				tot[r].status[c] += atomic_load_explicit(&shards[k].route[r].status[c], memory_order_relaxed);
			for (int i = 0; i < METRICS_NBUCKETS; i++)
				tot[r].bucket[i] += atomic_load_explicit(&shards[k].route[r].bucket[i], memory_order_relaxed);
			tot[r].sum_us += atomic_load_explicit(&shards[k].route[r].sum_us, memory_order_relaxed);
		}
		for (int e = 0; e < METRICS_CACHE_NEVENTS; e++)
			cache[e] += atomic_load_explicit(&shards[k].cache[e], memory_order_relaxed);
	}
	for (size_t r = 0; r <= nroutes; r++)
		for (int i = 0; i < METRICS_NBUCKETS; i++)
			tot[r].count += tot[r].bucket[i];

	buf_lit(b, "# HELP broadsheet_http_requests_total Requests answered, by route pattern and status class.\n"
		   "# TYPE broadsheet_http_requests_total counter\n");
	for (size_t r = 0; r <= nroutes; r++) {
		for (int c = 0; c < NCLASSES; c++) {
			if (!tot[r].status[c])
				continue;
			buf_lit(b, "broadsheet_http_requests_total{route=\"");
			label(b, r ? route_names[r - 1] : "none");
			buf_printf(b, "\",status=\"%s\"} %llu\n", classes[c], tot[r].status[c]);
		}
	}
	buf_lit(b, "# HELP broadsheet_http_request_duration_seconds Time from a request's headers to its reply "
		   "being queued, by route pattern.\n"
		   "# TYPE broadsheet_http_request_duration_seconds histogram\n");
	for (size_t r = 0; r <= nroutes; r++) {
		if (!tot[r].count)
			continue;
		const char *name = r ? route_names[r - 1] : "none";
		unsigned long long cum = 0;
		for (int i = 0; i < METRICS_NBUCKETS; i++) {
			cum += tot[r].bucket[i];
			buf_lit(b, "broadsheet_http_request_duration_seconds_bucket{route=\"");
			label(b, name);
			buf_lit(b, "\",le=\"");
			if (i == METRICS_NBUCKETS - 1)
				buf_lit(b, "+Inf");
			else
				seconds(b, metrics_bucket_le_us[i]);
			buf_printf(b, "\"} %llu\n", cum);
		}
		buf_lit(b, "broadsheet_http_request_duration_seconds_sum{route=\"");
		label(b, name);
		buf_lit(b, "\"} ");
		seconds(b, tot[r].sum_us);
		buf_lit(b, "\nbroadsheet_http_request_duration_seconds_count{route=\"");
		label(b, name);
		buf_printf(b, "\"} %llu\n", tot[r].count);
	}
	buf_printf(b,
		   "# HELP broadsheet_cache_requests_total Page cache lookups of anonymous GET/HEAD requests, by "
		   "outcome.\n# TYPE broadsheet_cache_requests_total counter\n"
		   "broadsheet_cache_requests_total{result=\"hit\"} %llu\n"
		   "broadsheet_cache_requests_total{result=\"miss\"} %llu\n"
		   "broadsheet_cache_requests_total{result=\"bypass\"} %llu\n",
		   cache[METRICS_CACHE_HIT], cache[METRICS_CACHE_MISS], cache[METRICS_CACHE_BYPASS]);
	buf_printf(b,
		   "# HELP broadsheet_legacy_requests_total Requests that would be a 404 looked up among the old site's "
		   "addresses, by outcome.\n# TYPE broadsheet_legacy_requests_total counter\n"
		   "broadsheet_legacy_requests_total{result=\"redirect\"} %llu\n"
		   "broadsheet_legacy_requests_total{result=\"not_found\"} %llu\n",
		   atomic_load_explicit(&legacy_counts[1], memory_order_relaxed),
		   atomic_load_explicit(&legacy_counts[0], memory_order_relaxed));
	render_gauges(b, g);
}

int metrics_net_parse(const char *s, struct metrics_net *out)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t hl = slash ? (size_t)(slash - s) : strlen(s);
	if (hl == 0 || hl >= sizeof host)
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	memset(out, 0, sizeof *out);
	int max;
	struct in_addr v4;
	if (inet_pton(AF_INET, host, &v4) == 1) {
		out->addr[10] = out->addr[11] = 0xff;
		memcpy(out->addr + 12, &v4, 4);
		max = 32;
	} else if (inet_pton(AF_INET6, host, out->addr) == 1) {
		max = 128;
	} else {
		return -1;
	}
	int bits = max;
	if (slash) {
		const char *p = slash + 1;
		if (!*p || strlen(p) > 3)
			return -1;
		bits = 0;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return -1;
			bits = bits * 10 + (*p - '0');
		}
		if (bits > max)
			return -1;
	}
	out->bits = bits + (max == 32 ? 96 : 0);
	return 0;
}

int metrics_allow_parse(const char *list, struct metrics_net *nets, size_t cap, char *bad, size_t badlen)
{
	size_t n = 0;
	const char *p = list;
	for (;;) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		size_t len = strcspn(p, " \t");
		char word[64];
		snprintf(word, sizeof word, "%.*s", (int)(len < sizeof word ? len : sizeof word - 1), p);
		if (len >= sizeof word || n == cap || metrics_net_parse(word, &nets[n]) < 0) {
			snprintf(bad, badlen, "%s", n == cap ? "too many networks" : word);
			return -1;
		}
		n++;
		p += len;
	}
	return (int)n;
}

int metrics_allowed(const struct metrics_net *nets, size_t n, const char *ip)
{
	struct metrics_net a;
	if (!ip || strchr(ip, '/') || metrics_net_parse(ip, &a) < 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int bits = nets[i].bits, full = bits / 8, rest = bits % 8;
		if (memcmp(a.addr, nets[i].addr, (size_t)full) != 0)
			continue;
		if (rest && ((a.addr[full] ^ nets[i].addr[full]) & (0xff << (8 - rest)) & 0xff))
			continue;
		return 1;
	}
	return 0;
}
