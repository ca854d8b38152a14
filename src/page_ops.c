/* page_ops.c - the operations endpoints: liveness and readiness probes and the Prometheus metrics (see
 * pages.h). None is cached or counted as a view; all answer plain text with Cache-Control: no-store. */
#include <string.h>

#include "app.h"
#include "cache.h"
#include "db.h"
#include "metrics.h"
#include "pages.h"
#include "scheduler.h"
#include "views.h"

/* plain: sets res up for a plain-text probe answer that no cache may keep. */
static void plain(struct http_response *res, const char *content_type)
{
	res->content_type = content_type;
	res->no_etag = 1;
	http_set_header(res, "Cache-Control", "no-store");
}

/* WEBPAGE: GET /healthz
 * Parameters: none
 * Permission: anyone (never cached)
 * Liveness: 200 "ok" without touching the store. */
int healthz_page(struct http_request *req, struct http_response *res)
{
	(void)req;
	plain(res, "text/plain; charset=utf-8");
	buf_lit(&res->body, "ok\n");
	return 200;
}

/* WEBPAGE: GET /readyz
 * Parameters: none
 * Permission: anyone (never cached)
 * Readiness: 200 when the store answers db_ping, else 503 with Retry-After. */
int readyz_page(struct http_request *req, struct http_response *res)
{
	plain(res, "text/plain; charset=utf-8");
	if (db_ping(req->app->db) != DB_OK) {
		db_trouble(req->app->db); /* this answer says it already: no storage sentence over it */
		buf_lit(&res->body, "not ready: the database does not answer\n");
		http_set_header(res, "Retry-After", "5");
		return 503;
	}
	buf_lit(&res->body, "ready\n");
	return 200;
}

/* WEBPAGE: GET /metrics
 * Parameters: none
 * Permission: clients whose address is in the metrics_allow setting; 404 for everyone else
 * Prometheus text: requests by route and status, cache and store gauges. */
int metrics_page(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct metrics_net nets[CONFIG_METRICS_NETS];
	char bad[64];
	int n = metrics_allow_parse(app->cfg.metrics_allow, nets, CONFIG_METRICS_NETS, bad, sizeof bad);
	if (n <= 0 || !metrics_allowed(nets, (size_t)n, req->client_ip)) {
		res->error_message = NULL; /* the same 404 as an unknown address: nothing to see here */
		return 404;
	}
	size_t nroutes;
	const char *const *names = metrics_route_names(&nroutes); /* the route table's, named by the server */
	struct metrics_gauges g = {.cache_entries = -1, .cache_bytes = -1, .cache_max_bytes = -1};
	if (app->cache) {
		size_t entries, bytes;
		cache_stats(app->cache, &entries, &bytes);
		g.cache_entries = (int64_t)entries;
		g.cache_bytes = (int64_t)bytes;
		g.cache_max_bytes = (int64_t)app->cfg.cache_mb << 20;
	}
	struct db_stats ds = {-1, -1, -1, -1};
	db_stats(app->db, &ds); /* whatever it could tell; the rest stays -1 (left out) */
	g.db_connections = ds.connections;
	g.db_connections_busy = ds.connections_busy;
	g.db_size_bytes = ds.size_bytes;
	g.webhook_queue = ds.webhook_pending;
	g.db_engine = app->db->ops->name;
	views_stats(&g.views_flushes, &g.views_flush_failures, &g.views_flushed);
	uint64_t sent, received, failed;
	cache_broadcast_stats(&sent, &received, &failed);
	g.purges_sent = (int64_t)sent;
	g.purges_received = (int64_t)received;
	g.purges_failed = (int64_t)failed;
	scheduler_stats(&g.planner_checks, &g.planner_remade);
	metrics_render(&res->body, names, nroutes, &g);
	plain(res, "text/plain; version=0.0.4; charset=utf-8");
	return 200;
}
