/* server.c - the server (see server.h): libmicrohttpd and its threads, serving from the page cache, the
 * reply and its error page, and the start and stop of every background service.
 *
 * libmicrohttpd calls the access handler several times per request: first when the headers are in,
 * then once per chunk of body, then a last time with no data. We check limits on the first call, collect
 * the body on the middle ones and answer on the last. A response is queued on the first call only to
 * refuse a request on its headers (limits, framing, and the route's session, role, upload token or API
 * key: check_before_body): libmicrohttpd then reads none of the body and closes the connection after
 * the reply, which is right for a refusal and would kill keep-alive for anything else.
 *
 * Its connection timeout only counts idle time, so a client that drips a byte at a time keeps its
 * connection forever; the total and per-IP connection limits are what keeps such clients from starving
 * others. The per-IP limit is counted here (clientaddr.c) rather than by libmicrohttpd, so that the
 * reverse proxies named in trusted_proxies, which carry many readers each, are exempt from it. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "accesslog.h"
#include "app.h"
#include "cache.h"
#include "cache_keys.h"
#include "clientaddr.h"
#include "datefmt.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "pages.h"
#include "oidc_client.h"
#include "routes.h"
#include "scheduler.h"
#include "session.h"
#include "util.h"
#include "views.h"
#include "mailq.h"
#include "push.h"
#include "newsletter.h"
#include "webhook.h"
#include "wires.h"

/* The page cache's part of one request (see cache.h). */
struct cache_state {
	int bypass;   /* a reader with a session or visitor cookie: never served from or stored in the cache */
	int filling;  /* this request renders the page for the cache (cache_fill_end when done) */
	uint64_t gen; /* the purge generation when the render began */
};

enum { WORK_NONE, WORK_QUEUED, WORK_DONE };

struct http_ctx {
	struct arena arena;
	const char *target;
	int calls;
	int error;               /* status decided before the handler runs, 0 = none */
	const char *error_msg;
	struct buf body;
	size_t discarded; /* body bytes thrown away after a refusal */
	size_t body_limit; /* max_body_bytes, or the upload limit on upload routes */
	uint64_t start_us; /* when the request's headers were in (monotonic), for the latency histogram */
	int status;        /* what was answered (set when the reply is queued), for metrics and the log */
	int64_t bytes;     /* body bytes of that reply */
	int route_id;      /* the route that answered (req.route_id, or the cached page's) */
	int state;                 /* WORK_QUEUED while a writer thread runs the handler, then WORK_DONE */
	struct http_request *req;  /* the request and its reply, in the arena, once made (request_new): on
				      the first call when it announces a body, else on the last */
	struct http_response *res;
	int decoded;               /* request_decode ran: its result is decode_rc */
	int decode_rc;
	struct cache_state cs;
	struct MHD_Connection *con;
	struct http_ctx *next; /* the writer queue */
	char client[CLIENTADDR_LEN]; /* the client's address (client_address), "" until first needed */
	char target_buf[];  /* the target's copy (kept out of the arena, which a cache hit never needs) */
};

/* body_limit_for: how many body bytes a request to target may send: routes that take uploads get the
 * media limit plus room for the form around the file; everything else max_body_bytes. */
static size_t body_limit_for(const struct app *app, const char *target)
{
	size_t plain = (size_t)app->cfg.max_body_bytes;
	if (target && routes_takes_upload(target)) {
		size_t up = (size_t)app->cfg.max_upload_bytes + 65536;
		return up > plain ? up : plain;
	}
	return plain;
}

/* too_large_message: the sentence for a 413: uploads name their limit and say the form is kept. */
static const char *too_large_message(struct http_ctx *c, const struct app *app)
{
	if (c->body_limit > (size_t)app->cfg.max_body_bytes)
		return arena_printf(&c->arena,
				    "The image is larger than the upload limit of %.1f MB. Go back: the form still "
				    "holds what you typed; choose a smaller image.",
				    app->cfg.max_upload_bytes / 1048576.0);
	return "The request's body is larger than this server accepts.";
}

/* now_us: a monotonic clock in microseconds. */
static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* uri_logger: libmicrohttpd's first look at a request; its return value becomes the request context,
 * so this is where the raw target (with the query, before any unescaping) is kept. */
static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *con)
{
	(void)con;
	struct app *app = cls;
	size_t len = strlen(uri);
	int too_long = len > (size_t)app->cfg.max_url_bytes;
	struct http_ctx *c = xcalloc(1, sizeof *c + (too_long ? 1 : len + 1));
	c->start_us = now_us();
	if (too_long) {
		c->error = 414;
		c->error_msg = "The address of this request is too long for the server to read.";
		c->target = "/";
	} else {
		memcpy(c->target_buf, uri, len + 1);
		c->target = c->target_buf;
	}
	return c;
}

/* on_completed: libmicrohttpd's end of a request (answered or not): frees its context, the reply's body
 * if it was never sent, and the request body. */
static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)con, (void)toe;
	struct http_ctx *c = *con_cls;
	if (!c)
		return;
	if (c->res) { /* a reply never sent: the client went away (even half-closed) while a writer ran the handler */
		buf_free(&c->res->body);
		http_stream_drop(c->res);
	}
	arena_free(&c->arena);
	buf_free(&c->body);
	free(c);
	*con_cls = NULL;
}

/* What one pass over a request's headers finds: their size, how often each framing header occurs and
 * whether a value holds a control character (a bare CR, NUL or the like). */
struct header_scan {
	size_t bytes;
	int content_length, transfer_encoding, host;
	int control; /* a control character in a value, or white space or one in a name */
};

/* scan_header: libmicrohttpd's callback for each request header: adds it to the struct header_scan at cls.
 * Always MHD_YES (go on). */
static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct header_scan *h = cls;
	h->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
	h->content_length += strcasecmp(key, "Content-Length") == 0;
	h->transfer_encoding += strcasecmp(key, "Transfer-Encoding") == 0;
	h->host += strcasecmp(key, "Host") == 0;
	for (const unsigned char *p = (const unsigned char *)(value ? value : ""); *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			h->control = 1;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			h->control = 1; /* "Transfer-Encoding : chunked" must not slip past as another header */
	return MHD_YES;
}

/* framing_problem: why a request's headers make its length ambiguous (the stuff of request smuggling
 * between a proxy and us), or NULL. The rule is to refuse rather than guess: one Content-Length, one
 * Host, at most one Transfer-Encoding and only "chunked", never both, no control characters. */
static const char *framing_problem(const struct header_scan *h, const char *cl, const char *te)
{
	if (h->content_length > 1)
		return "The request gives Content-Length more than once.";
	if (h->transfer_encoding > 1)
		return "The request gives Transfer-Encoding more than once.";
	if (h->host > 1)
		return "The request names more than one Host.";
	if (h->control)
		return "A request header's name or value holds white space or a control character where none may be.";
	if (cl && te)
		return "The request gives both a Content-Length and a Transfer-Encoding.";
	if (te && strcasecmp(te, "chunked") != 0)
		return "The request's Transfer-Encoding is not supported (only chunked is).";
	return NULL;
}

/* etag_of: a strong validator from the body bytes (FNV-1a 64), in the arena. */
static const char *etag_of(struct arena *a, const char *data, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)data[i];
		h *= 1099511628211ULL;
	}
	return arena_printf(a, "\"%016llx-%zx\"", (unsigned long long)h, len);
}

/* http_date: t as an HTTP date (IMF-fixdate), in the arena. */
static const char *http_date(struct arena *a, int64_t t)
{
	struct buf b = BUF_INIT;
	datefmt_http(&b, t);
	const char *s = arena_strndup(a, buf_cstr(&b), b.len);
	buf_free(&b);
	return s;
}

/* not_modified_since: whether an If-Modified-Since value (NULL = none) shows the client has the version
 * last modified at t (t > 0; RFC 9110 section 13.1.3: only consulted when there is no If-None-Match, and
 * a date that does not parse, or lies in the future, is ignored). */
static int not_modified_since(const char *ims, int64_t t)
{
	int64_t since;
	if (t <= 0 || !ims || datefmt_parse_http(ims, &since) < 0 || since > util_now())
		return 0;
	return t <= since;
}

/* default_header: sets a header unless the handler already chose a value for it. */
static void default_header(struct http_response *res, const char *name, const char *value)
{
	for (size_t i = 0; i < res->nheaders; i++)
		if (strcasecmp(res->headers[i].name, name) == 0)
			return;
	http_set_header(res, name, value);
}

/* add_security_headers: the headers every reply carries unless its handler chose otherwise. HSTS only
 * when the site is https by its configured base_url: the scheme is configuration, never read from a
 * request header (X-Forwarded-Proto is not trusted, so a client cannot switch it on or off). */
static void add_security_headers(struct http_response *res, int https)
{
	if (https)
		default_header(res, "Strict-Transport-Security", "max-age=31536000");
	default_header(res, "Content-Security-Policy", HTTP_CSP_DEFAULT);
	default_header(res, "X-Content-Type-Options", "nosniff");
	default_header(res, "Referrer-Policy", "strict-origin-when-cross-origin");
	default_header(res, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
	default_header(res, "X-Frame-Options", "DENY");
}


#define PUBLIC_CACHE_CONTROL "public, max-age=0, s-maxage=60, stale-while-revalidate=30"

static const char *const encoding_names[CACHE_NENC] = {NULL, "gzip", "br"};

/* native_free: frees a response prepared for a cache entry (libmicrohttpd keeps it alive until the
 * connections sending it are done). */
static void native_free(void *r)
{
	MHD_destroy_response(r);
}

/* libmicrohttpd 0.9's own allocations for a response object and for one header's record (the header's
 * name and value are two more allocations of their lengths): to count prepared responses in the cache */
#define MHD_RESPONSE_HEAP 256
#define MHD_HEADER_HEAP 56

/* add_header: adds a header to r, adding what libmicrohttpd allocates for it to *bytes (bytes may be NULL). */
static void add_header(struct MHD_Response *r, const char *name, const char *value, size_t *bytes)
{
	if (MHD_add_response_header(r, name, value) == MHD_YES && bytes)
		*bytes += cache_heap_bytes(MHD_HEADER_HEAP) + cache_heap_bytes(strlen(name) + 1) +
			  cache_heap_bytes(strlen(value) + 1);
}

/* entry_response: a response for e's variant enc: a 200 sending its body (which holds a body reference
 * on e until libmicrohttpd is done with it) or an empty 304, with the stored headers, validators, Vary,
 * Content-Encoding, Surrogate-Key and X-Cache: xcache. Adds the heap it takes to *bytes (may be NULL).
 * NULL when libmicrohttpd cannot make one. */
static struct MHD_Response *entry_response(struct cache_entry *e, enum cache_encoding enc, int not_modified,
					   const char *xcache, size_t *bytes)
{
	struct cache_body *b = &e->body[enc];
	struct MHD_Response *r;
	if (not_modified) {
		r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	} else {
		cache_entry_body_ref(e);
		r = MHD_create_response_from_buffer_with_free_callback_cls(b->len, b->data, cache_entry_body_unref, e);
		if (!r)
			cache_entry_body_unref(e);
	}
	if (!r)
		return NULL;
	if (bytes)
		*bytes += cache_heap_bytes(MHD_RESPONSE_HEAP);
	if (!not_modified)
		add_header(r, "Content-Type", e->content_type, bytes);
	for (size_t i = 0; i < e->nheaders; i++)
		add_header(r, e->headers[i].name, e->headers[i].value, bytes);
	add_header(r, "ETag", b->etag, bytes);
	if (e->last_modified > 0) {
		struct buf d = BUF_INIT;
		datefmt_http(&d, e->last_modified);
		add_header(r, "Last-Modified", buf_cstr(&d), bytes);
		buf_free(&d);
	}
	add_header(r, "Vary", "Accept-Encoding", bytes);
	if (encoding_names[enc])
		add_header(r, "Content-Encoding", encoding_names[enc], bytes);
	if (e->surrogate_key[0])
		add_header(r, "Surrogate-Key", e->surrogate_key, bytes);
	add_header(r, "X-Cache", xcache, bytes);
	return r;
}

/* make_native: cache_native's maker: e's prepared hit response number i (encoding i / 2; a 304 when i is
 * odd), its heap added to *bytes. NULL when libmicrohttpd cannot make it. */
static void *make_native(struct cache_entry *e, int i, size_t *bytes)
{
	return entry_response(e, (enum cache_encoding)(i / 2), i % 2, "hit", bytes);
}

/* serve_entry: answers from e (hit: its prepared responses; miss: a fresh one saying so), choosing the
 * encoding from Accept-Encoding and answering 304 to a matching If-None-Match or If-Modified-Since.
 * Counts a hit to a GET (view set) as a view through cache_on_hit. Releases the caller's reference on e. */
static enum MHD_Result serve_entry(struct MHD_Connection *con, struct http_ctx *c, struct cache *cache,
				   struct cache_entry *e, int hit, int view)
{
	unsigned avail = 1u << CACHE_IDENTITY;
	for (int i = 1; i < CACHE_NENC; i++)
		if (e->body[i].data)
			avail |= 1u << i;
	const char *ae = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Accept-Encoding");
	enum cache_encoding enc = cache_pick_encoding(ae, avail);
	const char *inm = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "If-None-Match");
	const char *ims = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "If-Modified-Since");
	int nm = inm ? cache_etag_matches(inm, e->body[enc].etag) : not_modified_since(ims, e->last_modified);
	struct MHD_Response *r = hit ? cache_native(cache, e, (int)enc * 2 + nm, make_native) : NULL;
	int own = !r;
	if (own)
		r = entry_response(e, enc, nm, hit ? "hit" : "miss", NULL);
	enum MHD_Result ok = r ? MHD_queue_response(con, nm ? 304 : 200, r) : MHD_NO;
	if (ok == MHD_YES) {
		c->status = nm ? 304 : 200;
		c->bytes = nm ? 0 : (int64_t)e->body[enc].len;
		c->route_id = e->route_id;
	}
	if (own && r)
		MHD_destroy_response(r);
	if (hit && view && cache_on_hit)
		cache_on_hit(e->article_id, MHD_lookup_connection_value(con, MHD_HEADER_KIND, "User-Agent"));
	cache_entry_release(e);
	return ok;
}

/* storable: whether a reply to an anonymous GET of a ROUTE_CACHE route may be kept: a 200 that sets no
 * cookie and does not ask to stay out of caches. */
static int storable(const struct http_request *req, const struct http_response *res)
{
	if (!(req->route_flags & ROUTE_CACHE) || res->status != 200 || res->no_etag ||
	    !(req->method == HTTP_GET || req->method == HTTP_HEAD))
		return 0;
	for (size_t i = 0; i < res->nheaders; i++) {
		if (strcasecmp(res->headers[i].name, "Set-Cookie") == 0)
			return 0;
		if (strcasecmp(res->headers[i].name, "Cache-Control") == 0 &&
		    (strstr(res->headers[i].value, "no-store") || strstr(res->headers[i].value, "private")))
			return 0;
	}
	return 1;
}

/* store_and_serve: makes a cache entry of res (its hit responses are made by the first hits that need
 * them), inserts it unless a purge happened since the render began, and answers this request from it. */
static enum MHD_Result store_and_serve(struct MHD_Connection *con, struct http_ctx *c, struct http_request *req,
				       struct http_response *res, const struct cache_state *cs)
{
	struct cache_header *hs = arena_alloc(req->arena, (res->nheaders ? res->nheaders : 1) * sizeof *hs);
	size_t nh = 0;
	for (size_t i = 0; i < res->nheaders; i++)
		hs[nh++] = (struct cache_header){(char *)res->headers[i].name, (char *)res->headers[i].value};
	struct cache_page p = {.key = req->target, .content_type = res->content_type, .body = res->body.data,
			       .len = res->body.len, .headers = hs, .nheaders = nh, .deps = req->deps,
			       .ndeps = req->ndeps, .last_modified = res->last_modified,
			       .article_id = res->view_article_id, .route_id = req->route_id,
			       .serve_until = req->cache_until};
	struct cache_entry *e = cache_entry_new(&p);
	e->native_free = native_free; /* the hit responses are made when first asked for (cache_native) */
	cache_insert(req->app->cache, e, cs->gen);
	return serve_entry(con, c, req->app->cache, e, 0, 0);
}

/* count_cached_view: cache_on_hit: a page served from the cache is a view of the article it shows. */
static void count_cached_view(int64_t article_id, const char *user_agent)
{
	if (article_id > 0)
		views_record(article_id, user_agent);
}

/* purge_most_read: views_on_rank_change: drops the cached pages that show the edition's Most read list
 * (they depend on cache_key_mostread, see render_most_read). */
static void purge_most_read(const char *edition, void *arg)
{
	cache_purge_most_read(arg, edition);
}

/* A streamed reply (struct http_stream) as libmicrohttpd reads it: the part made last and how much of it
 * was sent. */
struct stream_reply {
	struct http_stream s;
	struct buf part;
	size_t sent;
	int ended; /* next returned 0: part is the last */
};

/* stream_read: libmicrohttpd's content reader for a streamed reply: copies what is left of the current
 * part into out (at most max bytes), asking the stream for the next part when it is used up. Returns the
 * bytes copied, or libmicrohttpd's end of stream, or its end with an error (the connection is closed). */
static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	struct stream_reply *r = cls;
	while (r->sent == r->part.len) {
		if (r->ended)
			return MHD_CONTENT_READER_END_OF_STREAM;
		buf_reset(&r->part);
		r->sent = 0;
		int rc = r->s.next(r->s.ctx, &r->part);
		if (rc < 0)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		r->ended = rc == 0;
	}
	size_t n = r->part.len - r->sent < max ? r->part.len - r->sent : max;
	memcpy(out, r->part.data + r->sent, n);
	r->sent += n;
	return (ssize_t)n;
}

/* stream_free: libmicrohttpd's end of a streamed reply (sent or not): releases the stream and its part. */
static void stream_free(void *cls)
{
	struct stream_reply *r = cls;
	if (r->s.done)
		r->s.done(r->s.ctx);
	buf_free(&r->part);
	free(r);
}

/* reply_stream: queues res (a 200 to a GET with a stream) as a response libmicrohttpd reads part by part
 * (chunked; its length is not known in advance), taking the stream from res. */
static enum MHD_Result reply_stream(struct MHD_Connection *con, struct http_ctx *c, struct http_response *res)
{
	struct stream_reply *r = xcalloc(1, sizeof *r);
	r->s = res->stream;
	res->stream = (struct http_stream){0};
	struct MHD_Response *m = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read, r, stream_free);
	if (!m) {
		stream_free(r);
		return MHD_NO;
	}
	MHD_add_response_header(m, "Content-Type", res->content_type);
	for (size_t i = 0; i < res->nheaders; i++)
		MHD_add_response_header(m, res->headers[i].name, res->headers[i].value);
	enum MHD_Result ok = MHD_queue_response(con, 200, m);
	MHD_destroy_response(m);
	if (ok == MHD_YES) {
		c->status = 200;
		c->bytes = 0; /* (not known when the request is logged) */
	}
	return ok;
}

/* reply: turns res into a libmicrohttpd response and queues it. Takes the body buffer (and a stream). */
static enum MHD_Result reply(struct MHD_Connection *con, struct http_ctx *c, struct http_request *req,
			     struct http_response *res, const struct cache_state *cs)
{
	routes_finish(req, res);
	add_security_headers(res, req->app->https);
	int public_page = (req->route_flags & ROUTE_CACHE) && res->status == 200 &&
			  (req->method == HTTP_GET || req->method == HTTP_HEAD);
	if (public_page) {
		default_header(res, "Cache-Control", cs->bypass ? "private, no-cache" : PUBLIC_CACHE_CONTROL);
		if (cs->filling && storable(req, res))
			return store_and_serve(con, c, req, res, cs);
		if (req->app->cache)
			http_set_header(res, "X-Cache", cs->bypass ? "bypass" : "miss");
		if (!cs->bypass && req->ndeps) {
			struct buf k = BUF_INIT;
			for (size_t i = 0; i < req->ndeps; i++) {
				if (i)
					buf_lit(&k, " ");
				buf_append(&k, req->deps[i], strlen(req->deps[i]));
			}
			http_set_header(res, "Surrogate-Key", arena_strdup(req->arena, buf_cstr(&k)));
			buf_free(&k);
		}
	}
	int status = res->status;
	if (res->stream.next && (status != 200 || req->method != HTTP_GET))
		http_stream_drop(res); /* (an error page, or a HEAD: nothing to stream) */
	if (res->stream.next)
		return reply_stream(con, c, res);
	if (status == 200 && (req->method == HTTP_GET || req->method == HTTP_HEAD) && !res->no_etag) {
		const char *etag = etag_of(req->arena, res->body.data ? res->body.data : "", res->body.len);
		http_set_header(res, "ETag", etag);
		const char *inm = http_header(req, "If-None-Match");
		if (res->last_modified > 0)
			http_set_header(res, "Last-Modified", http_date(req->arena, res->last_modified));
		if (inm ? cache_etag_matches(inm, etag) : not_modified_since(http_header(req, "If-Modified-Since"), res->last_modified)) {
			status = 304;
			buf_reset(&res->body);
		}
	}
	size_t len = 0;
	char *data = buf_steal(&res->body, &len);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(data);
		return MHD_NO;
	}
	if (status != 304)
		MHD_add_response_header(r, "Content-Type", res->content_type);
	for (size_t i = 0; i < res->nheaders; i++)
		MHD_add_response_header(r, res->headers[i].name, res->headers[i].value);
	enum MHD_Result ok = MHD_queue_response(con, (unsigned)status, r);
	MHD_destroy_response(r);
	if (ok == MHD_YES) {
		c->status = status;
		c->bytes = (int64_t)len;
	}
	return ok;
}

/* ---- the client's address and the per-address connection limit ----
 * Set up by server_run (peers_start) before the daemon starts and read-only while it runs (the table locks itself). */
static struct {
	struct metrics_net trusted[CONFIG_TRUSTED_NETS]; /* trusted_proxies */
	size_t ntrusted;
	struct clientaddr_table *conns; /* open connections per address; trusted proxies are not counted */
} peers;

/* The connection the accept policy (peer_admit) counted on this thread and the next connection-started
 * notice (peer_notify) has not claimed yet: libmicrohttpd calls both on the accepting thread, one after the
 * other, unless it drops the connection in between (out of memory, over the total limit), and then the
 * count is given back at this thread's next accept. */
static _Thread_local struct {
	int pending;
	unsigned char key[16];
} accepting;

static char counted; /* a connection's socket context when its address was counted */

/* peer_admit: libmicrohttpd's accept policy: counts a new connection against its address's limit.
 * Trusted proxies and non-IP peers are not counted. MHD_NO (the connection is closed at once) when
 * the address holds per_ip_connections already. */
static enum MHD_Result peer_admit(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	(void)cls, (void)addrlen;
	if (accepting.pending) { /* the last connection this thread admitted never started */
		clientaddr_give(peers.conns, accepting.key);
		accepting.pending = 0;
	}
	unsigned char key[16];
	char text[CLIENTADDR_LEN];
	if (clientaddr_of(addr, key, text) < 0 || metrics_allowed(peers.trusted, peers.ntrusted, text))
		return MHD_YES;
	if (!clientaddr_take(peers.conns, key))
		return MHD_NO;
	memcpy(accepting.key, key, sizeof key);
	accepting.pending = 1;
	return MHD_YES;
}

/* peer_notify: libmicrohttpd's connection notices: a started connection claims the count peer_admit
 * made for it (marking its socket context); a closed one that was counted gives it back. */
static void peer_notify(void *cls, struct MHD_Connection *con, void **socket_context,
			enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		*socket_context = accepting.pending ? (void *)&counted : NULL;
		accepting.pending = 0;
		return;
	}
	if (toe != MHD_CONNECTION_NOTIFY_CLOSED || *socket_context != &counted)
		return;
	*socket_context = NULL;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	unsigned char key[16];
	char text[CLIENTADDR_LEN];
	if (ci && clientaddr_of(ci->client_addr, key, text) == 0)
		clientaddr_give(peers.conns, key);
}

/* The last X-Forwarded-For header lines of a request, in the order received. */
struct xff_lines {
	const char *v[CLIENTADDR_MAX_HOPS];
	size_t n;
};

/* xff_header: libmicrohttpd's header iterator: keeps the last CLIENTADDR_MAX_HOPS X-Forwarded-For lines
 * (the right end of the list is what a trusted proxy wrote) in the struct xff_lines at cls. Always MHD_YES. */
static enum MHD_Result xff_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct xff_lines *x = cls;
	if (strcasecmp(key, "X-Forwarded-For") != 0)
		return MHD_YES;
	if (x->n == CLIENTADDR_MAX_HOPS) {
		memmove(x->v, x->v + 1, (CLIENTADDR_MAX_HOPS - 1) * sizeof x->v[0]);
		x->n--;
	}
	x->v[x->n++] = value ? value : "";
	return MHD_YES;
}

/* client_address: the request's client as text into out (CLIENTADDR_LEN bytes): the TCP peer, or, when
 * the peer is a trusted proxy, the client its X-Forwarded-For names (clientaddr_forwarded); "unknown"
 * when the peer is not IP. */
static void client_address(struct MHD_Connection *con, char *out)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	unsigned char key[16];
	char peer[CLIENTADDR_LEN];
	clientaddr_of(ci ? ci->client_addr : NULL, key, peer);
	struct xff_lines x = {.n = 0};
	if (peers.ntrusted && metrics_allowed(peers.trusted, peers.ntrusted, peer))
		MHD_get_connection_values(con, MHD_HEADER_KIND, xff_header, &x);
	clientaddr_forwarded(peers.trusted, peers.ntrusted, peer, x.v, x.n, out);
}

/* peers_start: reads trusted_proxies (checked when the configuration was read) and makes the table of
 * connections per address. Never fails (returns 0: a service, see services[]). */
static int peers_start(struct app *app)
{
	char bad[64];
	int n = metrics_allow_parse(app->cfg.trusted_proxies, peers.trusted, CONFIG_TRUSTED_NETS, bad, sizeof bad);
	peers.ntrusted = n > 0 ? (size_t)n : 0;
	peers.conns = clientaddr_table_new((unsigned)app->cfg.per_ip_connections, (size_t)app->cfg.max_connections);
	return 0;
}

/* peers_stop: frees the table (after the daemon has stopped: every connection's notice is in). */
static void peers_stop(struct app *app)
{
	(void)app;
	clientaddr_table_free(peers.conns);
	peers.conns = NULL;
	peers.ntrusted = 0;
}

/* ctx_client: the client's address of the request c (client_address), worked out on first use. */
static const char *ctx_client(struct MHD_Connection *con, struct http_ctx *c)
{
	if (!c->client[0])
		client_address(con, c->client);
	return c->client;
}

/* request_done: a reply was queued (c->status, bytes, route_id set): counts it for /metrics and writes
 * its access log line. Hits, rendered pages and writes alike come through here. */
static void request_done(struct MHD_Connection *con, struct http_ctx *c, const char *method, const char *version)
{
	if (!c->status)
		return; /* nothing could be queued */
	metrics_observe(c->route_id, c->status, now_us() - c->start_us);
	if (!accesslog_enabled())
		return;
	struct accesslog_entry e = {
		.client_ip = ctx_client(con, c),
		.time = util_now(),
		.method = method,
		.target = c->target,
		.protocol = version,
		.status = c->status,
		.bytes = strcmp(method, "HEAD") == 0 ? 0 : c->bytes,
		.referer = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Referer"),
		.user_agent = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "User-Agent"),
	};
	accesslog_write(&e);
}

/* run_handler: dispatches a decoded request through the route table (routes_run). */
static void run_handler(struct http_request *req, struct http_response *res)
{
	routes_run(req, res, routes_dispatch);
}

/* finish: sends the reply of a handled request (cache fill, view count, metrics and access log) and frees
 * its body. version: the request's HTTP version, for the log. */
static enum MHD_Result finish(struct MHD_Connection *con, struct http_ctx *c, struct http_request *req,
			      struct http_response *res, const char *version)
{
	enum MHD_Result ok = reply(con, c, req, res, &c->cs);
	c->route_id = c->route_id ? c->route_id : req->route_id;
	request_done(con, c, req->method_name, version);
	if (c->cs.filling)
		cache_fill_end(req->app->cache, c->target);
	/* a reader's view of an article (a 304 to a revalidating browser is still a view) */
	if (res->view_article_id > 0 && res->status == 200 && req->method == HTTP_GET && !http_cookie(req, SESSION_COOKIE))
		views_record(res->view_article_id, http_header(req, "User-Agent"));
	buf_free(&res->body);
	return ok;
}

/* ---- writer threads ----
 * A write (POST, PUT, DELETE) waits for its commit to reach the disk (an fsync: about 10 ms on the VMs we
 * measured). Run on a libmicrohttpd thread it would stall every other connection that thread serves, so
 * readers would queue behind writers. Instead the connection is suspended, a writer thread runs the
 * handler, and the connection is resumed to send the reply: readers never wait for a disk. */

#define WORK_THREADS 4

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct http_ctx *head, *tail;
	int stop, started;
	pthread_t th[WORK_THREADS];
} work = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0, 0, {0}};

/* work_main: a writer thread: runs queued handlers until work_stop has been called and the queue is empty. */
static void *work_main(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&work.mu);
		while (!work.head && !work.stop)
			pthread_cond_wait(&work.cv, &work.mu);
		struct http_ctx *c = work.head;
		if (!c) {
			pthread_mutex_unlock(&work.mu);
			return NULL;
		}
		work.head = c->next;
		if (!work.head)
			work.tail = NULL;
		pthread_mutex_unlock(&work.mu);
		run_handler(c->req, c->res);
		c->state = WORK_DONE;
		MHD_resume_connection(c->con);
	}
}

/* work_queue: hands a decoded request to the writer threads, suspending its connection. Returns 1 when
 * queued, 0 when no writer thread runs (the caller runs the handler itself). */
static int work_queue(struct http_ctx *c, struct MHD_Connection *con, struct http_request *req,
		      struct http_response *res)
{
	if (!work.started)
		return 0;
	c->req = req;
	c->res = res;
	c->con = con;
	c->next = NULL;
	c->state = WORK_QUEUED;
	MHD_suspend_connection(con);
	pthread_mutex_lock(&work.mu);
	if (work.tail)
		work.tail->next = c;
	else
		work.head = c;
	work.tail = c;
	pthread_cond_signal(&work.cv);
	pthread_mutex_unlock(&work.mu);
	return 1;
}

/* work_start: starts the writer threads. Returns how many started (0: writes run on the I/O threads). */
static int work_start(void)
{
	work.stop = 0;
	for (int i = 0; i < WORK_THREADS; i++) {
		if (pthread_create(&work.th[i], NULL, work_main, NULL) != 0) {
			log_error("cannot start writer thread %d", i);
			break;
		}
		work.started++;
	}
	return work.started;
}

/* work_stop: lets the writer threads finish what is queued (so every suspended connection is resumed),
 * then joins them. */
static void work_stop(void)
{
	pthread_mutex_lock(&work.mu);
	work.stop = 1;
	pthread_cond_broadcast(&work.cv);
	pthread_mutex_unlock(&work.mu);
	for (int i = 0; i < work.started; i++)
		pthread_join(work.th[i], NULL);
	work.started = 0;
}

/* request_new: makes c's request (method, target, client address, the connection for its headers) and
 * its empty reply in c's arena, as c->req and c->res. Returns c->req. */
static struct http_request *request_new(struct http_ctx *c, struct MHD_Connection *con, struct app *app,
					const char *method)
{
	struct http_request *req = arena_alloc(&c->arena, sizeof *req);
	c->res = arena_alloc(&c->arena, sizeof *c->res);
	req->arena = &c->arena;
	req->app = app;
	req->conn = con;
	req->method_name = method;
	req->method = http_method_of(method);
	req->target = c->target;
	req->client_ip = ctx_client(con, c);
	c->req = req;
	return req;
}

/* request_decode: splits c's target into req->path and query parameters (once: later calls return the
 * first result). Returns URI_OK or the URI_* error, req->path then "/" when it did not decode. */
static int request_decode(struct http_ctx *c, struct http_request *req)
{
	if (c->decoded)
		return c->decode_rc;
	int rc = http_decode_target(req);
	c->decoded = 1;
	c->decode_rc = rc;
	return rc;
}

/* check_before_body: the first call of a request that announces a body: the route's checks that need only
 * the headers (routes_check_headers: session, role, an upload's CSRF token, an API key). A refusal is
 * queued now, before any of the body is read: libmicrohttpd then never reads the body and closes the
 * connection after the reply (a next request could not be told from the unread body), and sends no
 * "100 Continue". Returns MHD_YES to go on and read the body, or the result of queueing the refusal. */
static enum MHD_Result check_before_body(struct MHD_Connection *con, struct http_ctx *c, struct app *app,
					 const char *method, const char *version)
{
	struct http_request *req = request_new(c, con, app, method);
	if (request_decode(c, req) != URI_OK)
		return MHD_YES; /* answered 400 once the body is in, as before */
	routes_run(req, c->res, routes_check_headers);
	if (!c->res->status)
		return MHD_YES;
	return finish(con, c, req, c->res, version);
}

/* check_limits: the first call's checks of the headers alone: their size (431), ambiguous framing and a
 * Content-Length that is not a number (400), a body over the route's limit by its Content-Length (413);
 * sets c->error and c->error_msg for a refusal, and c->body_limit. Returns whether the request announces
 * a body (a Transfer-Encoding, or a Content-Length above 0). */
static int check_limits(struct http_ctx *c, struct MHD_Connection *con, struct app *app)
{
	struct header_scan hs = {0};
	MHD_get_connection_values(con, MHD_HEADER_KIND, scan_header, &hs);
	if (!c->error && hs.bytes > (size_t)app->cfg.max_header_bytes) {
		c->error = 431;
		c->error_msg = "The request's headers are larger than this server accepts.";
	}
	const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Length");
	const char *te = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Transfer-Encoding");
	/* (only a request with a body needs the route's limit: GETs skip the route lookup) */
	c->body_limit = cl || te ? body_limit_for(app, c->target) : (size_t)app->cfg.max_body_bytes;
	const char *framing = c->error ? NULL : framing_problem(&hs, cl, te);
	int64_t n = 0;
	if (framing) {
		c->error = 400;
		c->error_msg = framing;
	} else if (!c->error && cl && (util_parse_i64(cl, &n) < 0 || n < 0)) {
		c->error = 400;
		c->error_msg = "The request's Content-Length is not a number.";
	} else if (!c->error && cl && (size_t)n > c->body_limit &&
		   !(c->body_limit > (size_t)app->cfg.max_body_bytes && (size_t)n <= 4 * c->body_limit)) {
		/* (an upload a little over its limit is read and dropped instead, so that the browser
		 * shows the answer rather than a reset connection) */
		c->error = 413;
		c->error_msg = too_large_message(c, app);
	}
	return te || (cl && n > 0);
}

/* collect_body: a middle call, with a chunk of body: appended to c->body within c->body_limit. libmicrohttpd
 * cannot queue a reply while a body is arriving, so a body that grows past the limit is discarded until
 * it ends (then answered 413); one that goes on far past it gets its connection closed (MHD_NO). */
static enum MHD_Result collect_body(struct http_ctx *c, struct app *app, const char *data, size_t *size)
{
	if (!c->error) {
		if (c->body.len + *size > c->body_limit) {
			c->error = 413;
			c->error_msg = too_large_message(c, app);
			buf_free(&c->body);
		} else {
			buf_append(&c->body, data, *size);
		}
	}
	c->discarded += c->error ? *size : 0;
	*size = 0;
	return c->discarded > 4 * c->body_limit ? MHD_NO : MHD_YES;
}

/* serve_cached: the last call of a GET or HEAD: answers an anonymous reader from the page cache when it
 * holds the page (returns 1, the queueing result in *ok); else returns 0 with cs saying whether this
 * request bypasses the cache or fills it. */
static int serve_cached(struct MHD_Connection *con, struct http_ctx *c, struct app *app, const char *method,
			const char *version, struct cache_state *cs, enum MHD_Result *ok)
{
	struct cache_entry *e = NULL;
	if (MHD_lookup_connection_value(con, MHD_COOKIE_KIND, SESSION_COOKIE) ||
	    MHD_lookup_connection_value(con, MHD_COOKIE_KIND, VISITOR_COOKIE)) {
		cs->bypass = 1;
		if (routes_cacheable(c->target))
			metrics_cache_event(METRICS_CACHE_BYPASS);
	} else if (cache_lookup(app->cache, c->target, &e) != CACHE_HIT && routes_cacheable(c->target)) {
		enum cache_result r = cache_fill_begin(app->cache, c->target, &e, &cs->gen);
		cs->filling = r == CACHE_FILL;
		if (r != CACHE_HIT) {
			metrics_cache_event(r == CACHE_FILL ? METRICS_CACHE_MISS : METRICS_CACHE_BYPASS);
			e = NULL;
		}
	}
	if (!e)
		return 0;
	metrics_cache_event(METRICS_CACHE_HIT);
	*ok = serve_entry(con, c, app->cache, e, 1, strcmp(method, "GET") == 0);
	request_done(con, c, method, version);
	return 1;
}

/* decode_body: the last call of a request that passed the limits and decoded: hands the body to req and
 * decodes its form (http_decode_form). Returns 0, or -1 with res a 400 that says why. */
static int decode_body(struct http_ctx *c, struct http_request *req, struct http_response *res)
{
	req->body = c->body.data;
	req->body_len = c->body.len;
	return http_decode_form(req, res);
}

/* on_request: libmicrohttpd's access handler, called on a request's headers (first call), on each chunk
 * of its body, and once more at its end (see the top of this file). */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	(void)url;
	struct app *app = cls;
	struct http_ctx *c = *con_cls;
	if (!c) {
		c = uri_logger(app, url, con);
		*con_cls = c;
	}
	c->calls++;
	if (c->state == WORK_DONE) /* resumed after a writer thread ran the handler */
		return finish(con, c, c->req, c->res, version);
	if (c->calls == 1) {
		int body = check_limits(c, con, app);
		if (!c->error)
			return body ? check_before_body(con, c, app, method, version) : MHD_YES;
		/* Refused on its headers alone: answer at once. Queueing on the first call makes
		 * libmicrohttpd close the connection afterwards, which is what we want here: the body
		 * (if any) is never read. */
	} else if (*upload_data_size) {
		return collect_body(c, app, upload_data, upload_data_size);
	}

	struct cache_state cs = {0};
	enum http_method m = http_method_of(method);
	enum MHD_Result ok;
	if (!c->error && app->cache && (m == HTTP_GET || m == HTTP_HEAD) && serve_cached(con, c, app, method, version, &cs, &ok))
		return ok;

	struct http_request *req = c->req ? c->req : request_new(c, con, app, method);
	struct http_response *res = c->res;
	if (c->error) {
		/* the path (when it decodes) picks the error page's language, or JSON under /api/ */
		if (c->error == 414 || request_decode(c, req) != URI_OK)
			req->path = arena_strdup(&c->arena, strncmp(c->target, "/api/", 5) == 0 ? "/api/" : "/");
		req->query = "";
		res->status = c->error;
		res->error_message = c->error_msg;
	} else {
		int rc = request_decode(c, req);
		if (rc != URI_OK) {
			routes_bad_target(req, res, rc);
		} else if (decode_body(c, req, res) == 0) {
			if (((req->method != HTTP_GET && req->method != HTTP_HEAD) || routes_on_writer(c->target)) &&
			    work_queue(c, con, req, res))
				return MHD_YES; /* a writer thread runs it; the reply follows its resume */
			run_handler(req, res);
		}
	}
	c->cs = cs;
	return finish(con, c, req, res, version);
}

/* ---- start and stop ----
 * Everything the server runs besides libmicrohttpd's own threads is a service in the table below, started
 * in its order and stopped in the reverse order by one path (services_stop), whether the server stops on
 * a signal or because a later service could not start (see services[] for the order and why). Each takes
 * the app; what the server itself keeps between start and stop is here (one server per process). */
static struct {
	sigset_t signals;     /* SIGTERM, SIGINT (stop) and SIGHUP (reopen the access log), blocked */
	struct MHD_Daemon *d; /* the daemon while it runs */
	unsigned threads;     /* libmicrohttpd's thread pool */
} srv;

/* signals_start: blocks the signals the main thread waits for (every thread started later inherits the
 * mask) and ignores SIGPIPE. Never fails. */
static int signals_start(struct app *app)
{
	(void)app;
	sigemptyset(&srv.signals);
	sigaddset(&srv.signals, SIGTERM);
	sigaddset(&srv.signals, SIGINT);
	sigaddset(&srv.signals, SIGHUP); /* reopens the access log (logrotate) */
	pthread_sigmask(SIG_BLOCK, &srv.signals, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* route_names_start: names the route table's patterns for /metrics (metrics_name_routes). Never fails. */
static int route_names_start(struct app *app)
{
	(void)app;
	size_t n;
	const struct route *table = routes_table(&n);
	const char *names[METRICS_MAX_ROUTES];
	if (n > METRICS_MAX_ROUTES)
		n = METRICS_MAX_ROUTES;
	for (size_t i = 0; i < n; i++)
		names[i] = table[i].pattern;
	metrics_name_routes(names, n);
	return 0;
}

/* route_names_stop: nothing to undo (the names are the table's literals). */
static void route_names_stop(struct app *app)
{
	(void)app;
}

/* signals_stop: unblocks them again. */
static void signals_stop(struct app *app)
{
	(void)app;
	pthread_sigmask(SIG_UNBLOCK, &srv.signals, NULL);
}

/* page_cache_start: makes the page cache (cache_mb > 0) and hooks views to it: cache hits count as views,
 * and a new Most read ranking purges the pages that show it. Never fails. */
static int page_cache_start(struct app *app)
{
	if (app->cfg.cache_mb > 0)
		app->cache = cache_new((size_t)app->cfg.cache_mb << 20, app->cfg.cache_ttl);
	/* Blocks of 128 KiB and more come from their own mappings, returned to the kernel when freed. By
	 * default glibc raises that threshold to the largest block freed so far (up to 32 MiB), after which
	 * the brotli encoder's tables (megabytes, made and dropped for every page stored) are carved out of
	 * the heaps that hold the cached pages and leave holes there: resident memory then outgrows the
	 * cache's bound (bench/memory.sh). Setting it explicitly turns that adjustment off. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	cache_on_hit = count_cached_view;
	views_on_rank_change(purge_most_read, app);
	return 0;
}

/* page_cache_stop: frees the page cache (after every service but the first two: nothing holds or purges
 * entries any more). */
static void page_cache_stop(struct app *app)
{
	cache_free(app->cache);
	app->cache = NULL;
}

/* access_log_start: opens the access log (a relative path is relative to the site, like the database).
 * Returns 0, or -1 (logged) when it cannot be opened. */
static int access_log_start(struct app *app)
{
	char logpath[sizeof app->cfg.access_log + 4096];
	const char *lp = app->cfg.access_log;
	if (*lp && *lp != '/' && strcmp(lp, "-") != 0) {
		snprintf(logpath, sizeof logpath, "%s/%s", app->site_dir, lp);
		lp = logpath;
	}
	return accesslog_open(lp);
}

/* access_log_stop: closes the access log (after the daemon: every request's line is in the last write). */
static void access_log_stop(struct app *app)
{
	(void)app;
	accesslog_close();
}

/* listen_address: fills ss from listen_addr and port, adding MHD_USE_IPv6 to *flags for an IPv6 one.
 * Returns 0, or -1 (logged) when listen_addr is not an IP address. */
static int listen_address(const struct app *app, struct sockaddr_storage *ss, unsigned *flags)
{
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, app->cfg.listen_addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)app->cfg.port);
	} else if (inet_pton(AF_INET6, app->cfg.listen_addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)app->cfg.port);
		*flags |= MHD_USE_IPv6;
	} else {
		log_error("listen address '%s' is not an IP address", app->cfg.listen_addr);
		return -1;
	}
	return 0;
}

/* daemon_start: starts the writer threads and libmicrohttpd's daemon on the configured address, and says
 * where it listens on stdout. Returns 0, or -1 (logged) when it cannot listen. */
static int daemon_start(struct app *app)
{
	struct sockaddr_storage ss;
	/* TURBO: accept4 and no per-connection fcntl calls, which the epoll thread pool does not need */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (listen_address(app, &ss, &flags) < 0)
		return -1;
	/* libmicrohttpd's per-connection memory: it holds the request's target and headers as read, a record
	 * per header line (about 100 lines fit in the slack beyond the limits' bytes) and the reply's
	 * headers. It zeroes all of it after every request of a keep-alive connection, so every byte here is
	 * paid on each cache hit: with 32 KiB of slack that memset was 16% of a hit's CPU (perf under wrk);
	 * 8 KiB took a hit from 8.0-8.8 to 6.4-7.6 microseconds of server CPU (bench/RESULTS.md). */
	size_t memory = (size_t)app->cfg.max_url_bytes + (size_t)app->cfg.max_header_bytes + 8192;
	if (work_start() == 0)
		log_error("no writer threads: writes run on the connection threads");
	/* the per-IP limit: peer_admit and peer_notify, not MHD_OPTION_PER_IP_CONNECTION_LIMIT */
	srv.d = MHD_start_daemon(
		flags, (uint16_t)app->cfg.port, peer_admit, NULL, on_request, app, MHD_OPTION_THREAD_POOL_SIZE, srv.threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)app->cfg.max_connections, MHD_OPTION_NOTIFY_CONNECTION,
		peer_notify, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)app->cfg.connection_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory,
		MHD_OPTION_URI_LOG_CALLBACK, uri_logger, app, MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_END);
	if (!srv.d) {
		log_error("cannot listen on %s:%d: %s", app->cfg.listen_addr, app->cfg.port, strerror(errno));
		work_stop();
		return -1;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv.d, MHD_DAEMON_INFO_BIND_PORT);
	int port = info ? info->port : app->cfg.port;
	const char *host = app->cfg.listen_addr;
	printf("broadsheet %s listening on http://%s%s%s:%d/ (%u threads)\n", BROADSHEET_VERSION,
	       strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", port, srv.threads);
	fflush(stdout);
	return 0;
}

/* daemon_stop: stops accepting, gives the requests in flight up to two seconds, lets the writer threads
 * finish what is queued (every suspended connection is resumed: before the daemon stops), then stops the
 * daemon. */
static void daemon_stop(struct app *app)
{
	(void)app;
	MHD_quiesce_daemon(srv.d); /* stop accepting; requests in flight go on */
	for (int i = 0; i < 40; i++) {
		const union MHD_DaemonInfo *ci = MHD_get_daemon_info(srv.d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!ci || ci->num_connections == 0)
			break;
		usleep(50000);
	}
	work_stop();
	MHD_stop_daemon(srv.d);
	srv.d = NULL;
}

/* The services, in the order they start; they stop in the reverse order. Why this order:
 * - the page cache outlives everything that holds or purges its entries (the daemon, the views flush);
 * - the access log outlives the daemon (every request's line is in its last write);
 * - the purge broadcast to other nodes outlives everything that purges (the daemon's writes, the
 *   scheduler, the views' last flush, which may rerank Most read) and needs the cache (its listener purges);
 * - the views flush outlives the daemon, so that every view recorded is in its last flush;
 * - the per-address table outlives the daemon (every connection's close has been counted);
 * - the scheduler and the webhook deliveries outlive the daemon: a request in flight wakes them
 *   (scheduler_wake, webhook_wake), so they must not go away under it; so does the push sender (push_wake);
 * - the sign-in provider's cache outlives the daemon: the sign-in pages read it. */
static const struct service {
	const char *name;
	int (*start)(struct app *app);
	void (*stop)(struct app *app);
} services[] = {
	{"signals", signals_start, signals_stop},
	{"route names", route_names_start, route_names_stop},
	{"page cache", page_cache_start, page_cache_stop},
	{"access log", access_log_start, access_log_stop},
	{"purge broadcast", cache_broadcast_start, cache_broadcast_stop},
	{"view counters", views_start, views_stop},
	{"per-address limit", peers_start, peers_stop},
	{"scheduler", scheduler_start, scheduler_stop},
	{"webhook deliveries", webhook_start, webhook_stop},
	{"push sender", push_start, push_stop},
	{"newsletter composers", nl_start, nl_stop},
	{"mail sender", mailq_start, mailq_stop},
	{"wire poller", wires_start, wires_stop},
	{"sign-in provider", oidc_client_start, oidc_client_stop},
	{"http daemon", daemon_start, daemon_stop},
};

/* services_stop: stops the first n services, last started first: the one cleanup path. */
static void services_stop(struct app *app, size_t n)
{
	while (n > 0)
		services[--n].stop(app);
}

/* services_start: starts every service in order. Returns 0, or -1 (logged) after stopping the ones
 * already started when one cannot start. */
static int services_start(struct app *app)
{
	for (size_t i = 0; i < ARRAY_LEN(services); i++) {
		if (services[i].start(app) < 0) {
			log_error("the server cannot start: %s failed", services[i].name);
			services_stop(app, i);
			return -1;
		}
	}
	return 0;
}

/* wait_for_stop: waits for SIGTERM or SIGINT (blocked by signals_start), reopening the access log on
 * each SIGHUP meanwhile. */
static void wait_for_stop(void)
{
	int sig = 0;
	while (sigwait(&srv.signals, &sig) == 0 && sig == SIGHUP) {
		log_info("received SIGHUP, reopening the access log");
		accesslog_reopen();
	}
	log_info("received %s, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
}

int server_run(struct app *app)
{
	srv.threads = (unsigned)app->cfg.threads;
	if (srv.threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		srv.threads = n > 0 ? (unsigned)n : 2;
	}
	if (services_start(app) < 0)
		return -1;
	wait_for_stop();
	services_stop(app, ARRAY_LEN(services));
	return 0;
}
