/* page_live_feed.c - a live blog's distribution (issue 21, /work/notes/live-spec.md): its entries as RSS
 * and Atom feeds at {base}/rss.xml and {base}/atom.xml (written by feed.c), the public API's entries of a
 * live blog (GET /api/v1/articles/{id}/entries, paging back with before=ID) and the "live" field of the
 * API's article object. Everything here depends on cache_key_live(id), so a new entry purges it and
 * nothing else. Entries come newest first from db_live_entries (published and withdrawn; a withdrawn entry
 * is given as its note only, never its withdrawn text). */
#include <string.h>

#include "app.h"
#include "cache_keys.h"
#include "db.h"
#include "feed.h"
#include "live.h"
#include "pages.h"
#include "render.h"
#include "util.h"

#define LIVE_FEED_TITLE_CHARS 80 /* an entry without a key event is titled by its first words, this many at most */
#define LIVE_API_DEFAULT 20
#define LIVE_API_MAX 100

/* live_resolve: the published live blog the route's {edition}/{year}/{month}/{day}/{slug} names, into
 * *art and *blog (article_from_path finds the article: an old slug or a wrong date answers 301 to the
 * same feed at the current address). Returns 0, or the status to return: 404 when it is not a live blog,
 * 500 on a store error. */
static int live_resolve(struct http_request *req, struct http_response *res, struct db_article *art,
			struct db_live_blog *blog)
{
	const char *last = strrchr(req->path, '/');
	int rc = article_from_path(req, res, last ? last : "", art);
	if (rc)
		return rc;
	cache_depend(req, cache_key_article(art->id)); /* the feed's title and link */
	cache_depend(req, cache_key_live(art->id));
	rc = db_live_get(req->app->db, art->id, blog);
	return rc == DB_OK ? 0 : rc == DB_NOTFOUND ? 404 : 500;
}

/* withdrawn: whether entry e was withdrawn (readers get its note only). */
static int withdrawn(const struct db_live_entry *e)
{
	return strcmp(e->state, "withdrawn") == 0;
}

/* entry_item: the feed item of entry e of the blog art: its own link and guid, its key event or first words
 * as title (live_entry_title), the entry's HTML as readers see it (live_entry_html: a withdrawn entry is
 * its note only) as content, its byline as author. */
static void entry_item(struct http_request *req, const struct db_article *art, const struct db_live_entry *e,
		       struct feed_item *it)
{
	struct arena *a = req->arena;
	const char *base = req->app->cfg.base_url;
	const char *href = arena_printf(a, "%s/entry/%lld", render_article_href(a, art), (long long)e->id);
	memset(it, 0, sizeof *it);
	it->guid = arena_printf(a, "%s/entry-%lld", feed_guid(a, base, art->created_at, art->id), (long long)e->id);
	it->link = arena_printf(a, "%s%s", base, href);
	it->title = live_entry_title(a, e, LIVE_FEED_TITLE_CHARS, live_text(art->edition, LIVE_T_WITHDRAWN));
	if (!*it->title)
		it->title = live_text(art->edition, LIVE_T_UPDATE);
	it->content_html = live_entry_html(a, e, art->edition, href, 0);
	it->summary = "";
	it->published = e->created_at;
	it->updated = e->updated_at;
	if (*e->byline) {
		struct feed_person *p = arena_alloc(a, sizeof *p);
		p->name = e->byline;
		p->uri = NULL;
		it->authors = p;
		it->nauthors = 1;
	}
}

/* WEBPAGE: GET /{edition}/{year}/{month}/{day}/{slug}/rss.xml
 * WEBPAGE: GET /{edition}/{year}/{month}/{day}/{slug}/atom.xml
 * Parameters: edition, year, month, day, slug (the live blog's address, in the path)
 * Permission: anyone (public, cached; depends on the blog's entries)
 * A live blog's newest FEED_ITEMS entries as RSS 2.0 or Atom, by the last path segment, each with its own
 *   link; 404 for an article that is not a live blog. */
int live_feed_page(struct http_request *req, struct http_response *res)
{
	struct db_article art;
	struct db_live_blog blog;
	int status = live_resolve(req, res, &art, &blog);
	if (status) {
		res->error_message = NULL;
		return status;
	}
	struct arena *a = req->arena;
	struct db_live_entry *es;
	size_t n;
	if (db_live_entries(req->app->db, a, art.id, 0, FEED_ITEMS, &es, &n) != DB_OK)
		return 500;
	struct feed_item *items = arena_alloc(a, (n ? n : 1) * sizeof *items);
	for (size_t i = 0; i < n; i++)
		entry_item(req, &art, &es[i], &items[i]);
	size_t plen = strlen(req->path);
	enum feed_format fmt = plen >= 9 && strcmp(req->path + plen - 9, "/atom.xml") == 0 ? FEED_ATOM : FEED_RSS;
	const char *base = req->app->cfg.base_url;
	const char *href = render_article_href(a, &art);
	int64_t updated = blog.updated_at > art.updated_at ? blog.updated_at : art.updated_at;
	int64_t now = util_now();
	if (updated > now || updated <= 0)
		updated = now;
	struct feed f = {
		.title = render_feed_title(req, art.edition, art.headline),
		.description = *art.standfirst ? art.standfirst : art.headline,
		.lang = art.edition,
		.link = arena_printf(a, "%s%s", base, href),
		.self = arena_printf(a, "%s%s/%s", base, href, fmt == FEED_ATOM ? "atom.xml" : "rss.xml"),
		.base = arena_printf(a, "%s/", base),
		.author = render_site_name(req, art.edition),
		.generator_version = BROADSHEET_VERSION,
		.updated = updated,
		.items = items,
		.nitems = n,
	};
	f.id = f.self;
	feed_render(&res->body, fmt, &f);
	res->content_type = feed_content_type(fmt);
	res->last_modified = updated;
	return 200;
}

void live_feed_links(struct http_request *req, struct view *v, const struct db_article *art)
{
	render_feed_links(req, v, art->headline, render_article_href(req->arena, art));
}

json_t *api_live_entry_json(struct arena *a, const char *base_url, const struct db_article *art,
			const struct db_live_entry *e)
{
	int out = withdrawn(e);
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id, "article_id",
			      (json_int_t)e->article_id, "url",
			      arena_printf(a, "%s%s/entry/%lld", base_url, render_article_href(a, art), (long long)e->id),
			      "state", e->state, "created_at", render_iso(a, e->created_at), "updated_at",
			      render_iso(a, e->updated_at), "byline", e->byline, "key_event", out ? "" : e->key_event,
			      "body_html", out ? "" : e->body_html);
	if (!o)
		return NULL;
	json_object_set_new(o, "note", json_string(e->note));
	json_object_set_new(o, "corrected_at", e->corrected_at ? json_string(render_iso(a, e->corrected_at)) : json_null());
	return o;
}

int live_api_field(struct http_request *req, const struct db_article *art, json_t *o)
{
	struct db *db = req->app->db;
	struct arena *a = req->arena;
	cache_depend(req, cache_key_live(art->id));
	struct db_live_blog blog;
	int64_t count = 0;
	int rc = db_live_get(db, art->id, &blog);
	if (rc == DB_NOTFOUND)
		return 0;
	if (rc != DB_OK || db_live_count(db, art->id, &count) != DB_OK)
		return -1;
	json_object_set_new(o, "live",
			    json_pack("{s:s, s:s, s:o, s:I, s:s}", "state", blog.ended_at ? "ended" : "live", "started",
				      render_iso(a, blog.started_at), "ended",
				      blog.ended_at ? json_string(render_iso(a, blog.ended_at)) : json_null(), "count",
				      (json_int_t)count, "entries",
				      arena_printf(a, "%s/api/v1/articles/%lld/entries", req->app->cfg.base_url,
						   (long long)art->id)));
	return 0;
}

/* entries_params: reads ?before=ID&limit=N into *before (0 = the newest) and *limit. Returns 0, or the
 * status of the JSON error written into res (400: an unknown parameter or a value out of range). */
static int entries_params(struct http_request *req, struct http_response *res, int64_t *before, int64_t *limit)
{
	for (size_t i = 0; i < req->nparams; i++)
		if (strcmp(req->params[i].name, "before") != 0 && strcmp(req->params[i].name, "limit") != 0)
			return api_error(res, 400, "unknown_parameter",
					 arena_printf(req->arena, "Unknown parameter '%.60s'. Known: before, limit.",
						      req->params[i].name));
	const char *b = http_param(req, "before"), *l = http_param(req, "limit");
	*before = 0;
	*limit = LIVE_API_DEFAULT;
	if (b && (util_parse_i64(b, before) < 0 || *before < 1))
		return api_error(res, 400, "bad_before", "before must be an entry id (a whole number from 1), as next_before gives.");
	if (l && (util_parse_i64(l, limit) < 0 || *limit < 1 || *limit > LIVE_API_MAX))
		return api_error(res, 400, "bad_limit", "limit must be a whole number from 1 to 100.");
	return 0;
}

/* WEBPAGE: GET /api/v1/articles/{id}/entries
 * Parameters: id (the live blog's article, in the path); before (an entry id: entries older than it, as
 *   next_before gives), limit (1 to 100, default 20); any other is refused
 * Permission: anyone (public, cached; depends on the blog's entries)
 * A live blog's entries as JSON, newest first, a page at a time; 404 (JSON) for an article that is not a
 *   published live blog, 400 for a bad parameter. */
int api_live_entries_page(struct http_request *req, struct http_response *res)
{
	struct db *db = req->app->db;
	struct arena *a = req->arena;
	int64_t id = route_param_id(&req->route, "id"), before, limit;
	if (!id)
		return api_error(res, 404, "not_found", "There is no article with that id.");
	int status = entries_params(req, res, &before, &limit);
	if (status)
		return status;
	cache_depend(req, cache_key_article(id));
	cache_depend(req, cache_key_live(id));
	struct db_article art;
	struct db_live_blog blog;
	int rc = db_article_get_id(db, a, id, &art);
	if (rc == DB_ERROR)
		return api_error(res, 500, "internal", "The article could not be read.");
	if (rc == DB_NOTFOUND || strcmp(art.status, "published") != 0)
		return api_error(res, 404, "not_found", "There is no published article with that id.");
	if ((rc = db_live_get(db, id, &blog)) != DB_OK)
		return rc == DB_NOTFOUND ? api_error(res, 404, "not_live", "That article is not a live blog.")
					 : api_error(res, 500, "internal", "The live blog could not be read.");
	struct db_live_entry *es;
	size_t n;
	/* one more than asked tells whether there is an older page (the store caps a page at 100) */
	int64_t ask = limit < LIVE_API_MAX ? limit + 1 : LIVE_API_MAX;
	if (db_live_entries(db, a, id, before, ask, &es, &n) != DB_OK)
		return api_error(res, 500, "internal", "The entries could not be read.");
	size_t shown = n > (size_t)limit ? (size_t)limit : n;
	int more = n > (size_t)limit;
	if (!more && shown == LIVE_API_MAX && shown) { /* a full page of 100: is there an older one? */
		struct db_live_entry *x;
		size_t nx;
		if (db_live_entries(db, a, id, es[shown - 1].id, 1, &x, &nx) != DB_OK)
			return api_error(res, 500, "internal", "The entries could not be read.");
		more = nx > 0;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < shown; i++) {
		json_t *o = api_live_entry_json(a, req->app->cfg.base_url, &art, &es[i]);
		if (!o) {
			json_decref(list);
			return api_error(res, 500, "internal", "The entries could not be read.");
		}
		json_array_append_new(list, o);
	}
	json_t *next = more ? json_integer(es[shown - 1].id) : json_null();
	json_t *doc = json_pack("{s:I, s:s, s:o, s:o}", "article_id", (json_int_t)id, "state",
				blog.ended_at ? "ended" : "live", "entries", list, "next_before", next);
	status = page_json_reply(res, doc, 200);
	http_set_header(res, "Access-Control-Allow-Origin", "*");
	return status;
}
