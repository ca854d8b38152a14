/* page_misc.c - redirects, built-in static assets, media files, the error page, and how a newsroom form
 * page starts (page_form_status). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "embedded.h"
#include "log.h"
#include "pages.h"
#include "render.h"
#include "session.h"
#include "util.h"

/* WEBPAGE: GET /
 * Parameters: none
 * Permission: anyone (public, cached)
 * Redirects (302) to the default edition's front page (/en/ or /ar/, the default_edition setting). */
int root_page(struct http_request *req, struct http_response *res)
{
	const char *ed = "en";
	const char *v = NULL;
	if (db_setting_get(req->app->db, req->arena, "default_edition", &v) == DB_OK && render_edition(v))
		ed = render_edition(v);
	http_set_header(res, "Location", strcmp(ed, "ar") == 0 ? "/ar/" : "/en/");
	return 302;
}

/* WEBPAGE: GET /{edition}
 * Parameters: edition (en or ar, in the path)
 * Permission: anyone (public, cached)
 * Redirects (301) /en to /en/ and /ar to /ar/; 404 for any other one-segment path. */
int edition_redirect_page(struct http_request *req, struct http_response *res)
{
	char ed[8];
	if (route_param(&req->route, "edition", ed, sizeof ed) < 0 || !render_edition(ed))
		return 404;
	http_set_header(res, "Location", strcmp(ed, "ar") == 0 ? "/ar/" : "/en/");
	return 301;
}

/* content_type: the MIME type for a file name's extension (NULL when not served). */
static const char *content_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot)
		return NULL;
	static const struct {
		const char *ext, *type;
	} types[] = {{".css", "text/css; charset=utf-8"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
		     {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".webp", "image/webp"},
		     {".js", "text/javascript; charset=utf-8"}, {".txt", "text/plain; charset=utf-8"}};
	for (size_t i = 0; i < ARRAY_LEN(types); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

/* safe_name: a file name of [A-Za-z0-9._-] that does not start with a dot. */
static int safe_name(const char *s)
{
	if (!*s || *s == '.')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '.' ||
		      *s == '_' || *s == '-'))
			return 0;
	return 1;
}

/* WEBPAGE: GET /static/{file}
 * Parameters: file (a built-in asset's name: letters, digits, '.', '_', '-'); v (the file's content hash,
 *   as the pages name it: then cached for a year as immutable; another value is served but revalidated,
 *   so during a rolling upgrade a node never pins another release's file under this one's address)
 * Permission: anyone (public, cached)
 * Serves a built-in static asset (CSS, scripts, images) from the binary; 404 for an unknown name or type. */
int static_page(struct http_request *req, struct http_response *res)
{
	char name[128], path[160];
	if (route_param(&req->route, "file", name, sizeof name) < 0 || !safe_name(name))
		return 404;
	snprintf(path, sizeof path, "static/%s", name);
	const struct embedded_file *f = embedded_find(path);
	const char *type = content_type(name);
	if (!f || !type)
		return 404;
	buf_append(&res->body, f->data, f->len);
	res->content_type = type;
	const char *v = http_param(req, "v");
	char current[16];
	snprintf(current, sizeof current, "%08x", embedded_hash(f));
	http_set_header(res, "Cache-Control",
			!v ? "public, max-age=3600"
			: strcmp(v, current) == 0 ? "public, max-age=31536000, immutable"
						   : "public, no-cache");
	return 200;
}

/* WEBPAGE: GET /media/{file}
 * WEBPAGE: GET /media/{year}/{month}/{file}
 * Parameters: year (4 digits), month (2 digits), file (an image's name), in the path
 * Permission: anyone (public; kept out of the page cache: browsers keep images instead)
 * Serves an uploaded image's rendition from media_dir; 404 for anything else. */
int media_page(struct http_request *req, struct http_response *res)
{
	char name[160], year[8], month[8];
	if (route_param(&req->route, "file", name, sizeof name) < 0 || !safe_name(name))
		return 404;
	int dated = route_param(&req->route, "year", year, sizeof year) == 0;
	if (dated && (!util_all_digits(year, 4) || route_param(&req->route, "month", month, sizeof month) < 0 ||
		      !util_all_digits(month, 2)))
		return 404;
	const char *type = content_type(name);
	if (!type || strncmp(type, "image/", 6) != 0)
		return 404;
	char *path = dated ? arena_printf(req->arena, "%s/%s/%s/%s", req->app->media_dir, year, month, name)
			   : arena_printf(req->arena, "%s/%s", req->app->media_dir, name);
	size_t len;
	char *data = util_read_file(path, &len);
	if (!data) {
		if (errno != ENOENT)
			log_error("media %s: %s", path, strerror(errno));
		return 404;
	}
	buf_append(&res->body, data, len);
	free(data);
	res->content_type = type;
	/* uploads have random names that are never reused: cache them for a year */
	http_set_header(res, "Cache-Control", dated ? "public, max-age=31536000, immutable" : "public, max-age=86400");
	http_set_header(res, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
	return 200;
}

static const char *error_heading(int status, int ar)
{
	switch (status) {
	case 400: return ar ? "طلب غير صالح" : "Bad request";
	case 404: return ar ? "الصفحة غير موجودة" : "Page not found";
	case 405: return ar ? "طريقة الطلب غير مسموحة" : "Method not allowed";
	case 413: return ar ? "الطلب أكبر من المسموح" : "Request too large";
	case 414: return ar ? "العنوان أطول من المسموح" : "Address too long";
	case 431: return ar ? "ترويسات الطلب أكبر من المسموح" : "Request headers too large";
	default: return status >= 500 ? (ar ? "حدث خطأ في الخادم" : "Something went wrong on our side")
				      : (ar ? "تعذّر تنفيذ الطلب" : "The request could not be completed");
	}
}

static const char *error_default_message(int status, int ar)
{
	if (status == 404)
		return ar ? "لم نجد صفحة بهذا العنوان. ربما نُقلت أو لم تُنشر بعد."
			  : "We could not find a page at this address. It may have moved or not been published yet.";
	if (status >= 500)
		return ar ? "لم نتمكن من عرض هذه الصفحة الآن. حاول مرة أخرى بعد قليل."
			  : "We could not show this page just now. Please try again in a moment.";
	return ar ? "تعذّر تنفيذ هذا الطلب." : "This request could not be completed.";
}

/* api_code: the stable error code of an HTTP status for JSON errors. */
static const char *api_code(int status)
{
	switch (status) {
	case 400: return "bad_request";
	case 403: return "forbidden";
	case 404: return "not_found";
	case 405: return "method_not_allowed";
	case 413: return "too_large";
	case 414: return "uri_too_long";
	case 431: return "headers_too_large";
	default: return status >= 500 ? "internal" : "error";
	}
}

/* newsroom_error: the error page of a newsroom address (/admin/...) in the newsroom's frame and language
 * (render_newsroom_lang): the person's own when their session is known (looked up here when the request
 * was refused before its route looked, as at an unknown address, unless the status is a 5xx), the
 * browser's or the site's otherwise. The reason (res->error_message) is shown translated when it is a
 * catalogue string (N_ where it is written; a formatted one is written in the newsroom's language
 * already). Returns 0, or -1 when the page could not be rendered (the caller answers in plain text). */
static int newsroom_error(struct http_request *req, struct http_response *res)
{
	if (!req->session && res->status < 500) /* (a 5xx may be the store failing: not asked again) */
		session_load(req); /* (none, expired or a store failure: the browser's or the site's language) */
	enum catalog_lang lang = render_newsroom_lang(req);
	int ar = lang == CATALOG_AR;
	const char *heading = error_heading(res->status, ar);
	struct view *v = render_admin_frame(req, RENDER_ADMIN_ERROR, heading, NULL, NULL);
	view_text(v, "status", arena_printf(req->arena, "%d", res->status));
	view_text(v, "heading", heading);
	view_text(v, "message",
		  res->error_message ? catalog_tr(lang, res->error_message) : error_default_message(res->status, ar));
	return render_page_lang(req->app->render, RENDER_ADMIN_ERROR, lang, v, &res->body);
}

/* is_newsroom_path: whether path is the newsroom's (/admin or below). */
static int is_newsroom_path(const char *path)
{
	return path && strncmp(path, "/admin", 6) == 0 && (path[6] == '\0' || path[6] == '/');
}

void page_error(struct http_request *req, struct http_response *res)
{
	if (req->path && strncmp(req->path, "/api/", 5) == 0) {
		/* API clients get JSON errors of one shape, whatever refused the request */
		const char *msg = res->error_message ? res->error_message : error_default_message(res->status, 0);
		api_error(res, res->status, api_code(res->status), msg);
		return;
	}
	int ar = req->path && strncmp(req->path, "/ar/", 4) == 0;
	const char *ed = ar ? "ar" : "en";
	buf_reset(&res->body);
	res->content_type = NULL;
	if (req->app->render && is_newsroom_path(req->path)) {
		if (newsroom_error(req, res) == 0)
			return;
		buf_reset(&res->body);
	} else if (req->app->render) {
		struct view *v = render_frame(req, RENDER_ERROR, ed, error_heading(res->status, ar), NULL);
		view_text(v, "status", arena_printf(req->arena, "%d", res->status));
		view_text(v, "heading", error_heading(res->status, ar));
		/* specific reasons are written in English only so far; the general ones in both languages */
		view_text(v, "message", res->error_message ? res->error_message : error_default_message(res->status, ar));
		if (render_page(req->app->render, RENDER_ERROR, v, &res->body) == 0)
			return;
		buf_reset(&res->body);
	}
	res->content_type = "text/plain; charset=utf-8";
	buf_printf(&res->body, "%d %s\n", res->status, http_status_text(res->status));
}

int page_form_status(const struct http_request *req)
{
	if (req->method != HTTP_POST)
		return 200;
	return req->refusal ? 403 : 0;
}

const char *page_too_long(struct http_request *req, const char *what, const char *s, size_t max)
{
	size_t n = util_chars_over(s, max);
	if (!n)
		return NULL;
	enum catalog_lang lang = render_newsroom_lang(req);
	return arena_printf(req->arena, catalog_tr(lang, "%s is too long: %zu characters, and at most %zu are allowed."),
			    what, n, max);
}

const char *page_status_name(struct http_request *req, const char *status)
{
	static const char *const names[] = {N_("draft"), N_("review"), N_("scheduled"), N_("published"), N_("unpublished")};
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strcmp(names[i], status) == 0)
			return catalog_tr(render_newsroom_lang(req), names[i]);
	return status;
}
