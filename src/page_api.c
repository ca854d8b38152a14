/* page_api.c - the public, read-only content API under /api/v1/ (documented in docs/api.md): articles
 * with filters and cursor pagination, one article with its body, sections and tags. JSON is built with
 * jansson; errors have one shape, {"error": {"code": "...", "message": "..."}}, for every status. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cache_keys.h"
#include "datefmt.h"
#include "db.h"
#include "pages.h"
#include "render.h"
#include "util.h"

#define API_DEFAULT_LIMIT 20
#define API_MAX_LIMIT 100

int page_json_reply(struct http_response *res, json_t *doc, int status)
{
	char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	if (!text)
		return 500;
	buf_reset(&res->body);
	buf_append(&res->body, text, strlen(text));
	buf_putc(&res->body, '\n');
	free(text);
	res->content_type = "application/json; charset=utf-8";
	return status;
}

/* api_send: writes doc (taking its reference) as the public API's JSON reply with status (CORS open; an
 * error is not cached). */
static int api_send(struct http_response *res, json_t *doc, int status)
{
	status = page_json_reply(res, doc, status);
	http_set_header(res, "Access-Control-Allow-Origin", "*");
	if (status != 200) /* a 200 gets the page cache's public policy (http.c) */
		http_set_header(res, "Cache-Control", "no-store");
	return status;
}

int api_error(struct http_response *res, int status, const char *code, const char *message)
{
	return api_send(res, json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message), status);
}

int api_error_field(struct http_response *res, int status, const char *code, const char *message,
		    const char *field)
{
	if (!field)
		return api_error(res, status, code, message);
	return api_send(res, json_pack("{s:{s:s, s:s, s:s}}", "error", "code", code, "message", message, "field", field),
			status);
}

/* iso: RFC 3339 of t in the arena, or NULL for 0. */
static const char *iso(struct arena *a, int64_t t)
{
	return t ? render_iso(a, t) : NULL;
}

/* str_or_null: a JSON string, or null for NULL. */
static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* article_json: the API's article object (with the body when with_body). NULL on a store error. */
static json_t *article_json(struct http_request *req, const struct db_article *art, int with_body)
{
	struct arena *a = req->arena;
	struct db *db = req->app->db;
	const char *base = req->app->cfg.base_url;
	cache_depend(req, cache_key_article(art->id));
	cache_depend(req, cache_key_comments(art->id)); /* its comment_count */
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}}", "id", (json_int_t)art->id, "edition",
			      art->edition, "url", arena_printf(a, "%s%s", base, render_article_href(a, art)), "slug",
			      art->slug, "headline", art->headline, "standfirst", art->standfirst, "dateline", art->dateline,
			      "section", "slug", art->section_slug, "name", art->section_name);
	if (!o)
		return NULL;
	struct db_author *au;
	struct db_tag *tags;
	size_t nau, ntags;
	if (db_article_authors(db, a, art->id, &au, &nau) != DB_OK || db_article_tags(db, a, art->id, &tags, &ntags) != DB_OK) {
		json_decref(o);
		return NULL;
	}
	json_t *authors = json_array(), *tagv = json_array();
	for (size_t i = 0; i < nau; i++)
		json_array_append_new(authors, json_pack("{s:s, s:s}", "slug", au[i].slug, "name", au[i].name));
	for (size_t i = 0; i < ntags; i++)
		json_array_append_new(tagv, json_pack("{s:s, s:s}", "slug", tags[i].slug, "name", tags[i].name));
	json_object_set_new(o, "authors", authors);
	json_object_set_new(o, "tags", tagv);
	json_object_set_new(o, "published_at", str_or_null(iso(a, art->published_at)));
	/* the id the old site's feeds gave an imported article (its feeds here keep it), else null */
	json_object_set_new(o, "guid", art->guid && *art->guid ? json_string(art->guid) : json_null());
	int64_t updated = art->updated_at > art->published_at ? art->updated_at : art->published_at;
	json_object_set_new(o, "updated_at", str_or_null(iso(a, updated)));
	const char *src = render_image_src(a, art);
	if (src)
		json_object_set_new(o, "image",
				    json_pack("{s:s, s:s, s:i, s:i, s:s, s:s}", "url", arena_printf(a, "%s%s", base, src), "alt",
					      art->image_alt ? art->image_alt : "", "width", art->image_width, "height",
					      art->image_height, "caption", art->lead_caption ? art->lead_caption : "", "credit",
					      art->lead_credit ? art->lead_credit : ""));
	else
		json_object_set_new(o, "image", json_null());
	struct db_article tr;
	int rc = db_article_translation(db, a, art, &tr);
	if (rc == DB_ERROR) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "translation_id", rc == DB_OK ? json_integer(tr.id) : json_null());
	json_object_set_new(o, "comment_count", json_integer(art->comment_count));
	if (live_api_field(req, art, o) < 0) { /* a live blog's state and entry count (page_live_feed.c) */
		json_decref(o);
		return NULL;
	}
	if (with_body) {
		json_object_set_new(o, "body_html", json_string(art->body_html ? art->body_html : ""));
		struct db_correction *cs;
		size_t nc;
		if (db_corrections_list(db, a, art->id, &cs, &nc) != DB_OK) {
			json_decref(o);
			return NULL;
		}
		json_t *corr = json_array();
		for (size_t i = 0; i < nc; i++)
			json_array_append_new(corr, json_pack("{s:s, s:s}", "text", cs[i].body, "published_at",
							      iso(a, cs[i].created_at)));
		json_object_set_new(o, "corrections", corr);
		/* the related stories readers see (published, this edition, in the editor's order) */
		struct db_article *rel;
		size_t nrel;
		if (db_related_published(db, a, art, &rel, &nrel) != DB_OK) {
			json_decref(o);
			return NULL;
		}
		json_t *relv = json_array();
		for (size_t i = 0; i < nrel; i++) {
			cache_depend(req, cache_key_article(rel[i].id));
			json_array_append_new(relv, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)rel[i].id, "headline",
							      rel[i].headline, "url",
							      arena_printf(a, "%s%s", base, render_article_href(a, &rel[i]))));
		}
		json_object_set_new(o, "related", relv);
	}
	return o;
}

/* known_params: NULL when every query parameter is one of allowed (NULL-terminated), else the first
 * unknown one. */
static const char *unknown_param(const struct http_request *req, const char *const *allowed)
{
	for (size_t i = 0; i < req->nparams; i++) {
		int ok = 0;
		for (size_t k = 0; allowed[k] && !ok; k++)
			ok = strcmp(req->params[i].name, allowed[k]) == 0;
		if (!ok)
			return req->params[i].name;
	}
	return NULL;
}

/* cursor_encode: "TIME.ID" in URL-safe base64, in the arena. */
static const char *cursor_encode(struct arena *a, int64_t t, int64_t id)
{
	char raw[48];
	int n = snprintf(raw, sizeof raw, "%lld.%lld", (long long)t, (long long)id);
	size_t cap = sodium_base64_ENCODED_LEN((size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = arena_alloc(a, cap);
	sodium_bin2base64(out, cap, (const unsigned char *)raw, (size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

/* cursor_decode: reads a cursor made by cursor_encode. 0, or -1 when it is not one. */
static int cursor_decode(const char *s, int64_t *t, int64_t *id)
{
	unsigned char raw[48];
	size_t len;
	if (strlen(s) > 64 || sodium_base642bin(raw, sizeof raw - 1, s, strlen(s), NULL, &len, NULL,
						sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	raw[len] = '\0';
	char *dot = strchr((char *)raw, '.');
	if (!dot)
		return -1;
	*dot = '\0';
	if (util_parse_i64((char *)raw, t) < 0 || util_parse_i64(dot + 1, id) < 0 || *t <= 0 || *id <= 0)
		return -1;
	return 0;
}

/* slug_param: a filter given as a slug: NULL when absent; sets *bad when present but unusable. */
static const char *slug_param(const struct http_request *req, const char *name, int *bad)
{
	const char *v = http_param(req, name);
	if (v && (!*v || strlen(v) > 200))
		*bad = 1;
	return v;
}

/* WEBPAGE: GET /api/v1/articles
 * Parameters: edition (en, ar), section, tag, author (slugs), since, until (RFC 3339 UTC), cursor
 *   (next_cursor of the page before), limit (1 to 100); any other is refused
 * Permission: anyone (public, cached)
 * Published articles as JSON, newest first, a page at a time (docs/api.md); 400 with a JSON error for a bad
 *   parameter. */
int api_articles_page(struct http_request *req, struct http_response *res)
{
	cache_depend(req, cache_key_api_list());
	static const char *const allowed[] = {"edition", "section", "tag", "author", "since", "until", "cursor", "limit", NULL};
	const char *unknown = unknown_param(req, allowed);
	if (unknown)
		return api_error(res, 400, "unknown_parameter",
				 arena_printf(req->arena, "Unknown parameter '%.60s'. Known: edition, section, tag, author, "
							  "since, until, cursor, limit.", unknown));
	struct db_api_query q = {.limit = API_DEFAULT_LIMIT};
	int bad = 0;
	q.edition = http_param(req, "edition");
	if (q.edition && !render_edition(q.edition))
		return api_error(res, 400, "bad_edition", "The edition must be en or ar.");
	q.section = slug_param(req, "section", &bad);
	q.tag = slug_param(req, "tag", &bad);
	q.author = slug_param(req, "author", &bad);
	if (bad)
		return api_error(res, 400, "bad_filter", "A section, tag or author filter must be a slug of 1 to 200 bytes.");
	const char *since = http_param(req, "since"), *until = http_param(req, "until");
	if ((since && datefmt_parse(since, &q.since) < 0) || (until && datefmt_parse(until, &q.until) < 0))
		return api_error(res, 400, "bad_date", "Dates are UTC in RFC 3339, such as 2026-11-26T08:00:00Z.");
	if (since && until && q.since >= q.until)
		return api_error(res, 400, "bad_date", "since must be earlier than until.");
	const char *limit = http_param(req, "limit");
	if (limit && (util_parse_i64(limit, &q.limit) < 0 || q.limit < 1 || q.limit > API_MAX_LIMIT))
		return api_error(res, 400, "bad_limit", "limit must be a whole number from 1 to 100.");
	const char *cursor = http_param(req, "cursor");
	if (cursor && cursor_decode(cursor, &q.before_time, &q.before_id) < 0)
		return api_error(res, 400, "bad_cursor", "The cursor is not one this API gave out: use next_cursor as it is.");
	int64_t want = q.limit;
	q.limit = want + 1; /* one more tells whether there is a next page */
	struct db_article *arts;
	size_t n;
	if (db_articles_api(req->app->db, req->arena, &q, &arts, &n) != DB_OK)
		return api_error(res, 500, "internal", "The articles could not be read.");
	size_t shown = n > (size_t)want ? (size_t)want : n;
	json_t *list = json_array();
	for (size_t i = 0; i < shown; i++) {
		json_t *o = article_json(req, &arts[i], 0);
		if (!o) {
			json_decref(list);
			return api_error(res, 500, "internal", "The articles could not be read.");
		}
		json_array_append_new(list, o);
	}
	json_t *next = n > (size_t)want
			       ? json_string(cursor_encode(req->arena, arts[shown - 1].published_at, arts[shown - 1].id))
			       : json_null();
	return api_send(res, json_pack("{s:o, s:o}", "articles", list, "next_cursor", next), 200);
}

/* WEBPAGE: GET /api/v1/articles/{id}
 * Parameters: id (in the path); no query parameters
 * Permission: anyone (public, cached)
 * One published article as JSON with its body; 404 (JSON) for any other id. */
int api_article_page(struct http_request *req, struct http_response *res)
{
	cache_depend(req, cache_key_api_list());
	int64_t id = route_param_id(&req->route, "id");
	if (!id)
		return api_error(res, 404, "not_found", "There is no article with that id.");
	if (req->nparams)
		return api_error(res, 400, "unknown_parameter", "This address takes no parameters.");
	struct db_article art;
	int rc = db_article_get_id(req->app->db, req->arena, id, &art);
	if (rc == DB_ERROR)
		return api_error(res, 500, "internal", "The article could not be read.");
	if (rc == DB_NOTFOUND || strcmp(art.status, "published") != 0)
		return api_error(res, 404, "not_found", "There is no published article with that id.");
	json_t *o = article_json(req, &art, 1);
	if (!o)
		return api_error(res, 500, "internal", "The article could not be read.");
	return api_send(res, json_pack("{s:o}", "article", o), 200);
}

/* list_start: the start of the sections and tags lists: their cache dependency, and the ?edition filter
 * (the only parameter they take) into *ed (NULL: both editions). Returns 0, or the status of the JSON
 * error written into res (400 for another parameter or an edition other than en and ar). */
static int list_start(struct http_request *req, struct http_response *res, const char **ed)
{
	cache_depend(req, cache_key_api_list());
	static const char *const allowed[] = {"edition", NULL};
	if (unknown_param(req, allowed))
		return api_error(res, 400, "unknown_parameter", "The only parameter here is edition.");
	*ed = http_param(req, "edition");
	if (*ed && !render_edition(*ed))
		return api_error(res, 400, "bad_edition", "The edition must be en or ar.");
	return 0;
}

/* WEBPAGE: GET /api/v1/sections
 * Parameters: edition (en or ar; optional)
 * Permission: anyone (public, cached)
 * The sections of one or both editions as JSON. */
int api_sections_page(struct http_request *req, struct http_response *res)
{
	const char *ed = NULL;
	int status = list_start(req, res, &ed);
	if (status)
		return status;
	static const char *const eds[] = {"en", "ar"};
	json_t *list = json_array();
	for (size_t e = 0; e < 2; e++) {
		if (ed && strcmp(ed, eds[e]) != 0)
			continue;
		struct db_section *secs;
		size_t n;
		if (db_sections_list(req->app->db, req->arena, eds[e], &secs, &n) != DB_OK) {
			json_decref(list);
			return api_error(res, 500, "internal", "The sections could not be read.");
		}
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "edition", eds[e], "slug", secs[i].slug,
							      "name", secs[i].name, "url",
							      arena_printf(req->arena, "%s%s", req->app->cfg.base_url,
									   render_href(req->arena, eds[e], "section", secs[i].slug))));
	}
	return api_send(res, json_pack("{s:o}", "sections", list), 200);
}

/* WEBPAGE: GET /api/v1/tags
 * Parameters: edition (en or ar; optional)
 * Permission: anyone (public, cached)
 * The tags of one or both editions as JSON. */
int api_tags_page(struct http_request *req, struct http_response *res)
{
	const char *ed = NULL;
	int status = list_start(req, res, &ed);
	if (status)
		return status;
	struct db_tag *tags;
	size_t n;
	if (db_tags_list(req->app->db, req->arena, ed, &tags, &n) != DB_OK)
		return api_error(res, 500, "internal", "The tags could not be read.");
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "edition", tags[i].edition, "slug", tags[i].slug,
						      "name", tags[i].name, "url",
						      arena_printf(req->arena, "%s%s", req->app->cfg.base_url,
								   render_href(req->arena, tags[i].edition, "tag", tags[i].slug))));
	return api_send(res, json_pack("{s:o}", "tags", list), 200);
}
