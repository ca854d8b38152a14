/* routes.h - the one route table: every URL the site answers, with its methods and handler. */
#ifndef BROADSHEET_ROUTES_H
#define BROADSHEET_ROUTES_H

#include "auth.h"
#include "http.h"

/* A handler fills res and returns the HTTP status. Error statuses with no body get the site's error
 * page (res->error_message is shown to the reader). */
typedef int (*route_handler)(struct http_request *req, struct http_response *res);

enum route_flags {
	ROUTE_PUBLIC = 1,      /* anonymous readers may use it */
	ROUTE_CACHE = 2,       /* anonymous GET replies are kept in the page cache (cache.h) and get a public
				  Cache-Control and Surrogate-Key */
	ROUTE_KEEPS_INPUT = 4, /* a form that must not lose what was typed: on a refused POST (expired
				  session, bad CSRF token) the handler still runs, with req->refusal set,
				  to show the form again; it must not write anything. Without a session its
				  body is still read (bounded by max_body_bytes) for that */
	ROUTE_UPLOAD = 8,      /* takes file uploads: its body may be max_upload_bytes (plus the form). Its
				  CSRF token comes with the headers (the query's csrf or X-CSRF-Token), and
				  every refusal is made before the body is read (ROUTE_KEEPS_INPUT has no
				  effect on it) */
	ROUTE_API_KEY = 16,    /* the admin API: a bearer API key (api_admin_gate) instead of a session and
				  CSRF token, checked from the headers before the body is read and before
				  the handler, which finds the key's admin in req->session */
	ROUTE_WRITER = 32,     /* a GET that waits on another server (sign-in with the identity provider): run on
				  a writer thread like a write, so that the readers an I/O thread serves never wait
				  for it (routes_on_writer) */
	ROUTE_WIRE_PUSH = 64,  /* an agency's push of wire items: the source's bearer token, content type and
				  size checked by wires_push_gate before the body is read (page_wire_sources.c) */
};

struct route {
	unsigned methods; /* enum http_method bits; GET implies HEAD */
	const char *pattern;
	route_handler handler;
	unsigned flags;
	enum auth_perm perm; /* PERM_PUBLIC, or what a logged-in user's role must grant */
};

/* routes_table: the table and its length. */
const struct route *routes_table(size_t *n);

/* routes_takes_upload: whether the route for path (a request target; its query is ignored) accepts
 * uploads (ROUTE_UPLOAD), so the HTTP layer can pick the body limit before reading the body. */
int routes_takes_upload(const char *target);

/* routes_cacheable: whether the route for target (its query is ignored) is a ROUTE_CACHE one, so the HTTP
 * layer knows before dispatch whether a miss should fill the page cache. */
int routes_cacheable(const char *target);
/* routes_on_writer: whether the route for target (its query is ignored) is a ROUTE_WRITER one. */
int routes_on_writer(const char *target);

/* routes_check_headers: what the HTTP layer calls when a request's headers are in and it announces a
 * body, before any of the body is read (req decoded: method, path, query; no form). Finds the route and
 * makes every check that needs only the headers: the API key (ROUTE_API_KEY), or for a route with a
 * permission the session, the role and (ROUTE_UPLOAD) the CSRF token. Returns 0 when the body may be read (no such
 * route, the checks passed, or a ROUTE_KEEPS_INPUT form without a session: req->refusal is then set), or
 * the status of the refusal to answer at once (res filled as routes_dispatch would). routes_dispatch then
 * does not repeat these checks on the same req. */
int routes_check_headers(struct http_request *req, struct http_response *res);

/* routes_dispatch: finds the route for req and runs it. Returns the status: the handler's, 404 when no
 * pattern matches, 405 (with Allow) when patterns match but not for this method. For routes with a
 * permission: no session -> 303 to the log-in page (GET) or 403; a role without the permission -> 403;
 * a POST without this session's CSRF token -> 403 (except ROUTE_KEEPS_INPUT routes, see above). The token
 * is the X-CSRF-Token header, else the form's csrf field (the query's csrf on ROUTE_UPLOAD routes).
 * ROUTE_API_KEY routes check their key instead (api_admin_gate). A GET or HEAD that would get a 404 (no
 * pattern, or a public handler's 404), and "/" with WordPress's ?p=-style query, is looked up among the
 * old site's addresses first (legacy_page: a 301 when found), except under /admin, /api, /static, /media. */
int routes_dispatch(struct http_request *req, struct http_response *res);

/* The one request pipeline, shared by the server (server.c) and the in-process renderer (routes_render):
 * decode the target (http_decode_target; routes_bad_target when it does not decode), run a route function
 * (routes_run), then fill in the error page (routes_finish). */

/* routes_run: runs fn (routes_dispatch, or routes_check_headers before the body) on a decoded request and
 * sets res->status from it; when the store could not write or be reached, a 5xx becomes a 503 that says
 * why (with Retry-After) so that readers and editors see a sentence rather than a bare 500. */
void routes_run(struct http_request *req, struct http_response *res, route_handler fn);
/* routes_bad_target: answers a target that did not decode (rc: the URI_* error of http_decode_target):
 * a 400 saying why; the query is dropped. */
void routes_bad_target(struct http_request *req, struct http_response *res, int rc);
/* routes_finish: completes a reply: an error status without a body gets the error page in the site's
 * design (JSON under /api/, page_error), and a reply without a content type is HTML. */
void routes_finish(struct http_request *req, struct http_response *res);

/* routes_render: renders in-process, without a socket, what the server answers an anonymous reader's GET of
 * target (a request target as a link gives it: "/en/section/world?page=2"), through the same table,
 * handlers and error pages. req->static_copy is set, so pages leave out per-visit form tokens (the comment
 * form). res must be zeroed; its body is the caller's to buf_free, its strings live in arena. Returns
 * the status (400 for a target that does not decode). */
int routes_render(struct app *app, const char *target, struct arena *arena, struct http_response *res);

#endif
