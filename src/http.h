/* http.h - the request and the response a handler sees, and their accessors and decoders (http.c).
 * A handler receives a decoded request and fills a response; it never touches the socket. The server
 * (server.h) reads requests off the network with libmicrohttpd, adds security headers, ETags,
 * Last-Modified and 304s, and turns error statuses into pages in the site's design (routes_finish). */
#ifndef BROADSHEET_HTTP_H
#define BROADSHEET_HTTP_H
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "multipart.h"
#include "route.h"
#include "uri.h"

struct app;
struct db_session;

enum http_method { HTTP_GET = 1, HTTP_HEAD = 2, HTTP_POST = 4, HTTP_PUT = 8, HTTP_DELETE = 16, HTTP_OTHER = 32 };

#define HTTP_MAX_PARAMS 32
#define HTTP_MAX_HEADERS 16
#define HTTP_MAX_FORM 256

struct http_request {
	enum http_method method;
	const char *method_name;
	const char *target; /* raw request target as received */
	char *path;         /* decoded, valid UTF-8, no NUL */
	const char *query;  /* raw query string, "" when none */
	struct uri_param params[HTTP_MAX_PARAMS];
	size_t nparams;
	const char *body;
	size_t body_len;
	const char *client_ip;
	struct uri_param *form; /* decoded form fields (urlencoded or the text parts of multipart) */
	size_t nform;
	struct multipart_part *files; /* file parts of a multipart/form-data body (data points into body) */
	size_t nfiles;
	struct route_params route;
	unsigned route_flags; /* the matched route's enum route_flags (0 before dispatch or when none) */
	int route_id;         /* 1 + the matched route's index in the route table; 0 before dispatch or none */
	struct db_session *session; /* the logged-in user, NULL for readers */
	int csrf_ok;                /* a POST carried this session's CSRF token */
	int gated;                  /* routes_check_headers made the route's header checks (before the body) */
	const char *refusal;        /* for ROUTE_KEEPS_INPUT handlers: why the write must be refused */
	/* render_newsroom_lang's answer, worked out once a request: 1 + the enum catalog_lang (0: not yet),
	 * and the session it was worked out for (asked again when req->session changes) */
	int newsroom_lang;
	const struct db_session *newsroom_lang_session;
	int webhook_queued;         /* the handler queued webhook deliveries: wake the delivery thread */
	const char **deps; /* cache keys the reply depends on (cache_depend), in the arena */
	size_t ndeps, deps_cap;
	int64_t cache_until; /* the reply may be served from the page cache until then (0: no bound; cache_serve_until) */
	struct http_cache_note {
		int kind; /* enum cache_change */
		int64_t id;
	} *notes; /* changes the handler made, purged after it returns (cache_note) */
	size_t nnotes, notes_cap;
	struct arena *arena;
	struct app *app;
	void *conn; /* the MHD connection, for header lookups; NULL when rendered in-process */
	int static_copy; /* rendered for a static export (routes_render): no per-visit form tokens */
	const char *actor; /* who acts when it is not the session's own person, for the audit log: the admin
			      API's key ("key:NAME"; audit.c); NULL otherwise */
};

/* A reply body made while it is sent, for an export too big to build in memory (the audit log's JSON
 * lines): the server calls next on the connection's thread after the handler returned, each call
 * appending the next part to out, until it returns 0 (the end) or -1 (a failure: the reply is cut short,
 * so a client sees a truncated body, never a wrong one). done frees ctx exactly once however the reply
 * ended (sent, cut short, never sent). Only a 200 to a GET is streamed; for anything else the server
 * calls done at once. */
struct http_stream {
	int (*next)(void *ctx, struct buf *out);
	void (*done)(void *ctx);
	void *ctx;
};

struct http_response {
	int status;
	const char *content_type; /* NULL = text/html; charset=utf-8 */
	struct buf body;
	struct {
		const char *name, *value;
	} headers[HTTP_MAX_HEADERS];
	size_t nheaders;
	const char *error_message; /* reader-facing sentence for an error page */
	int no_etag;               /* set for replies that must not be revalidated */
	int64_t last_modified;     /* > 0: sent as Last-Modified on a 200 to GET/HEAD, and a request whose
				      If-Modified-Since is at or after it (and that sends no If-None-Match)
				      gets a 304 */
	int64_t view_article_id;   /* > 0: the article this page shows; after a 200 to a GET the HTTP layer
				      counts a view of it (views_record: bots and the newsroom's own
				      logged-in staff excepted; HEAD never counts), and a cached copy keeps
				      it so that cache hits count too (cache_on_hit) */
	struct http_stream stream; /* next set: the body is streamed after the handler returns (the body
				      buffer stays empty; no ETag, never cached) */
};

/* http_stream_drain: runs res's stream (if any) to its end into res->body and releases it: for callers
 * that need the whole body in memory (the in-process routes_render). Returns 0, or -1 when the stream
 * failed (the body then holds what came before). */
int http_stream_drain(struct http_response *res);
/* http_stream_drop: releases res's stream (if any) unread. */
void http_stream_drop(struct http_response *res);

/* http_header: a request header's value (case-insensitive name) or NULL (always NULL in-process). */
const char *http_header(const struct http_request *req, const char *name);
/* http_param: the decoded query parameter's first value, or NULL. */
const char *http_param(const struct http_request *req, const char *name);
/* http_form: the decoded form field's first value, or NULL. */
const char *http_form(const struct http_request *req, const char *name);
/* http_form_text: a form field a person typed as text (names, headlines, comments, captions, settings ...),
 * with the bidirectional override and isolate controls removed (textnorm_strip_bidi): the value itself, or
 * a copy in the request's arena when something was removed; NULL when absent. Every text field is read
 * through this; http_form is for tokens, choices, numbers and passwords (a password is compared as it was
 * typed). */
const char *http_form_text(const struct http_request *req, const char *name);
/* http_cookie: a request cookie's value, or NULL. */
const char *http_cookie(const struct http_request *req, const char *name);
/* http_set_header: adds a response header; name and value must outlive the reply (literals or arena). */
void http_set_header(struct http_response *res, const char *name, const char *value);
/* http_add_header: adds a response header even when one of that name is set already (a second Set-Cookie);
 * name and value as for http_set_header. */
void http_add_header(struct http_response *res, const char *name, const char *value);
/* HTTP_CSP_DEFAULT: the Content-Security-Policy every reply carries unless its handler chose otherwise
 * (server.c adds it; http_allow_frames extends it for a page with embeds). */
#define HTTP_CSP_DEFAULT                                                                                    \
	"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; " \
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
/* http_allow_frames: gives the reply the site's Content-Security-Policy plus "frame-src origins" (a
 * space-separated list of https origins, e.g. blocks_frame_hosts of the article shown: the embeds a reader
 * may open on that page, and nothing else); nothing changes when origins is NULL or "". */
void http_allow_frames(struct http_response *res, struct arena *a, const char *origins);
/* http_status_text: the reason phrase for a status code. */
const char *http_status_text(int status);

/* http_method_of: the enum http_method for a method name (HTTP_OTHER for any other). */
enum http_method http_method_of(const char *name);
/* http_decode_target: splits req->target into req->path (decoded), req->query and req->params, in
 * req->arena. Returns URI_OK, or the URI_* error (uri_strerror says why) with req->path "/" when the path
 * did not decode. */
int http_decode_target(struct http_request *req);
/* http_decode_form: decodes req's body (req->body, body_len) by its Content-Type: a urlencoded form into
 * req->form, a multipart one into req->form and req->files; any other body is left as it is. Returns 0, or
 * -1 with res set to a 400 that says why. */
int http_decode_form(struct http_request *req, struct http_response *res);

#endif
