/* page_legacy.c - the old site's addresses (issue 23: "old links keep working"): a request no route
 * answers, or the root with WordPress's plain-permalink query (?p=, ?page_id=, ?attachment_id=, ?cat=,
 * ?tag=, ?author=), is looked up in legacy_urls in the one spelling legacy_path_norm gives, and answered
 * with a 301 to its target's address as it is now (routes_dispatch calls legacy_page; the static export's
 * nginx map is made from the same addresses, export.c). */
#include <string.h>

#include "app.h"
#include "legacy.h"
#include "metrics.h"
#include "pages.h"
#include "render.h"
#include "util.h"

/* under: whether path is prefix ("/admin") or below it. */
static int under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* legacy_looked_up: see pages.h. */
int legacy_looked_up(const struct http_request *req)
{
	if ((req->method != HTTP_GET && req->method != HTTP_HEAD) || !req->path)
		return 0;
	static const char *const never[] = {"/admin", "/api", "/static", "/media"};
	for (size_t i = 0; i < ARRAY_LEN(never); i++)
		if (under(req->path, never[i]))
			return 0;
	return 1;
}

/* legacy_root_query: see pages.h. */
int legacy_root_query(const struct http_request *req)
{
	if (!req->path || strcmp(req->path, "/") != 0 || !req->query || !*req->query ||
	    (req->method != HTTP_GET && req->method != HTTP_HEAD))
		return 0;
	const char *n = legacy_path_norm(req->arena, req->target);
	return n && strchr(n, '?') != NULL;
}

/* legacy_href: see pages.h. */
const char *legacy_href(struct arena *a, const struct db_legacy_url *u)
{
	if (strcmp(u->kind, "media") == 0)
		return u->media_path ? arena_printf(a, "/media/%s", u->media_path) : NULL;
	if (!u->edition || !u->slug)
		return NULL; /* the target is gone */
	if (strcmp(u->kind, "article") == 0) {
		if (!u->status || strcmp(u->status, "published") != 0)
			return NULL;
		struct db_article art = {.edition = u->edition, .slug = u->slug, .published_at = u->published_at};
		return render_article_href(a, &art);
	}
	if (strcmp(u->kind, "section") == 0 || strcmp(u->kind, "tag") == 0 || strcmp(u->kind, "author") == 0)
		return render_href(a, u->edition, u->kind, u->slug);
	return NULL;
}

/* WEBPAGE: GET any address no route answers (and GET / with ?p=, ?page_id=, ?attachment_id=, ?cat=, ?tag= or
 *   ?author=), not under /admin, /api, /static or /media
 * Parameters: the raw request target (path and query), normalised by legacy_path_norm
 * Permission: anyone (public; not cached: one indexed query, only for requests that would otherwise 404)
 * An old (imported) address: 301 to its target's current address (an article's as the reader site builds
 *   it, so a slug changed since the import is followed in one hop; a section, tag or author page; a media
 *   file), with Cache-Control for an hour; the usual 404 when the address is unknown, cannot be a path (a
 *   control character, "..", too long) or its target is unpublished or gone. */
int legacy_page(struct http_request *req, struct http_response *res)
{
	struct arena *a = req->arena;
	const char *path = legacy_path_norm(a, req->target);
	struct db_legacy_url u;
	int rc = path ? db_legacy_target(req->app->db, a, path, &u) : DB_NOTFOUND;
	if (rc == DB_ERROR)
		return 500;
	const char *to = rc == DB_OK ? legacy_href(a, &u) : NULL;
	if (!req->static_copy)
		metrics_legacy(to != NULL);
	if (!to)
		return 404; /* (a handler's own 404 page or reason, if it gave one, stays) */
	res->error_message = NULL;
	buf_reset(&res->body);
	res->content_type = NULL;
	http_set_header(res, "Location", to);
	/* an hour: browsers keep a 301 for good unless told, and the target's slug may still change */
	http_set_header(res, "Cache-Control", "public, max-age=3600");
	return 301;
}
