/* page_liveblog.c - what readers see of a live blog (issue 21): the coverage on the article page (status,
 * key events, pinned entry, the newest entries and paging back), each entry's own page, and live.json,
 * the document the poll script reads. Every one of them depends on live:<id> in the page cache, so a new
 * entry purges exactly these. An entry's HTML is live_entry_html's everywhere (live.h). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "cache_keys.h"
#include "db.h"
#include "jsonld.h"
#include "live.h"
#include "pages.h"
#include "render.h"
#include "util.h"

#define LIVE_PAGE_ENTRIES 20 /* entries on a page and in live.json */
#define LIVE_KEY_EVENTS 20   /* key events listed at the top */
#define LIVE_TITLE_CHARS 110 /* an entry's headline in JSON-LD (Google's limit) and on its own page */

/* entry_href: the path of entry id's own page under the article's address base. */
static const char *entry_href(struct arena *a, const char *base, int64_t id)
{
	return arena_printf(a, "%s/entry/%lld", base, (long long)id);
}

/* live_status: the status line's fields on v (the badge "Live" or "Coverage ended", with times), the
 * strings of the live templates, and where the poll script reads (live_poll). */
static void live_status(struct http_request *req, struct view *v, const struct db_live_blog *b, const char *ed,
			const char *base)
{
	struct arena *a = req->arena;
	static const struct {
		const char *field;
		enum live_text k;
	} words[] = {{"lt_live", LIVE_T_LIVE},       {"lt_ended", LIVE_T_ENDED},   {"lt_started", LIVE_T_STARTED},
		     {"lt_key_events", LIVE_T_KEY_EVENTS}, {"lt_updates", LIVE_T_UPDATES}, {"lt_older", LIVE_T_OLDER},
		     {"lt_newest", LIVE_T_NEWEST},   {"lt_none", LIVE_T_NONE},     {"lt_pinned", LIVE_T_PINNED},
		     {"lt_back", LIVE_T_BACK}};
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		view_text(v, words[i].field, live_text(ed, words[i].k));
	view_bool(v, "live", 1);
	view_bool(v, "live_ongoing", b->ended_at == 0);
	view_text(v, "live_state", b->ended_at ? "ended" : "live");
	view_text(v, "live_poll", arena_printf(a, "%s/live.json", base));
	view_text(v, "live_started_iso", render_iso(a, b->started_at));
	view_text(v, "live_started_stamp", render_stamp(a, b->started_at, ed));
	view_text(v, "live_ended_iso", b->ended_at ? render_iso(a, b->ended_at) : "");
	view_text(v, "live_ended_stamp", b->ended_at ? render_stamp(a, b->ended_at, ed) : "");
	view_text(v, "live_blog_href", base);
}

/* before_param: the ?before= of a live page: 0 when absent, -1 when it is no positive whole number. */
static int64_t before_param(struct http_request *req)
{
	const char *p = http_param(req, "before");
	int64_t n;
	if (!p)
		return 0;
	if (!*p || strspn(p, "0123456789") != strlen(p) || util_parse_i64(p, &n) < 0 || n < 1)
		return -1;
	return n;
}

/* live_updates: the entries shown, as JSON-LD liveBlogUpdate items (withdrawn ones left out); url is the
 * live page's canonical address. */
static struct jsonld_live *live_updates(struct http_request *req, const struct db_live_blog *b, const char *url,
					const struct db_live_entry *es, size_t n, const char *ed)
{
	struct arena *a = req->arena;
	struct jsonld_live *jl = arena_alloc(a, sizeof *jl);
	struct jsonld_live_update *ups = arena_alloc(a, (n ? n : 1) * sizeof *ups);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(es[i].state, "published") != 0)
			continue;
		ups[k++] = (struct jsonld_live_update){
			.headline = live_entry_title(a, &es[i], LIVE_TITLE_CHARS, live_text(ed, LIVE_T_WITHDRAWN)),
			.url = arena_printf(a, "%s#entry-%lld", url, (long long)es[i].id),
			.date_published = render_iso(a, es[i].created_at),
			.date_modified = render_iso(a, es[i].updated_at > es[i].created_at ? es[i].updated_at : es[i].created_at),
			.body = live_entry_text(a, &es[i]), .author = es[i].byline};
	}
	*jl = (struct jsonld_live){.coverage_start = render_iso(a, b->started_at),
				   .coverage_end = b->ended_at ? render_iso(a, b->ended_at) : NULL,
				   .date_modified = render_iso(a, b->updated_at), .updates = ups, .nupdates = k};
	return jl;
}

/* live_key_events: the key events list on v; an entry shown on this page is linked by its anchor, any
 * other by its own page. 0, or 500 on a store error. */
static int live_key_events(struct http_request *req, struct view *v, int64_t article_id, const char *base,
			   const struct db_live_entry *shown, size_t nshown, const char *ed)
{
	struct arena *a = req->arena;
	struct db_live_entry *keys;
	size_t nk;
	if (db_live_key_events(req->app->db, a, article_id, LIVE_KEY_EVENTS, &keys, &nk) != DB_OK)
		return 500;
	view_bool(v, "live_has_keys", nk > 0);
	view_list_empty(v, "live_keys");
	for (size_t i = 0; i < nk; i++) {
		int here = 0;
		for (size_t k = 0; k < nshown; k++)
			here |= shown[k].id == keys[i].id;
		struct view *item = view_add(v, "live_keys");
		view_text(item, "href", here ? arena_printf(a, "#entry-%lld", (long long)keys[i].id)
					     : entry_href(a, base, keys[i].id));
		view_text(item, "label", keys[i].key_event);
		view_text(item, "iso", render_iso(a, keys[i].created_at));
		view_text(item, "stamp", render_stamp(a, keys[i].created_at, ed));
	}
	return 0;
}

int liveblog_fill(struct http_request *req, struct http_response *res, struct view *v, const struct db_article *art,
	      struct jsonld_live **jl)
{
	struct db *db = req->app->db;
	struct arena *a = req->arena;
	struct db_live_blog b;
	*jl = NULL;
	int rc = db_live_get(db, art->id, &b);
	if (rc == DB_NOTFOUND) {
		view_bool(v, "live", 0);
		return 0;
	}
	if (rc != DB_OK)
		return 500;
	cache_depend(req, cache_key_live(art->id));
	int64_t before = before_param(req), count = 0;
	if (before < 0) {
		res->error_message = "Older updates are asked for by an update's number, such as ?before=120.";
		return 400;
	}
	const char *ed = art->edition, *base = render_article_href(a, art);
	struct db_live_entry *es;
	size_t n;
	if (db_live_entries(db, a, art->id, before, LIVE_PAGE_ENTRIES + 1, &es, &n) != DB_OK ||
	    db_live_count(db, art->id, &count) != DB_OK)
		return 500;
	if (before && n == 0) {
		res->error_message = "There are no updates before that one.";
		return 404;
	}
	if (before) /* a page of older updates: found by its link, never indexed; its canonical is the blog */
		http_set_header(res, "X-Robots-Tag", "noindex");
	int older = n > LIVE_PAGE_ENTRIES;
	if (older)
		n = LIVE_PAGE_ENTRIES;
	live_status(req, v, &b, ed, base);
	view_text(v, "live_count", arena_printf(a, "%lld", (long long)count));
	view_bool(v, "live_paged", before > 0);
	view_bool(v, "live_empty", n == 0);
	view_list_empty(v, "live_entries");
	for (size_t i = 0; i < n; i++)
		view_html(view_add(v, "live_entries"), "html", live_entry_html(a, &es[i], ed, entry_href(a, base, es[i].id), 0));
	view_bool(v, "live_has_older", older);
	view_text(v, "live_older_href", older ? arena_printf(a, "%s?before=%lld", base, (long long)es[n - 1].id) : "");
	/* the pinned entry leads the newest page */
	struct db_live_entry pin;
	int pinned = !before && b.pinned_entry_id &&
		     (rc = db_live_entry_get(db, a, b.pinned_entry_id, &pin)) == DB_OK && pin.article_id == art->id &&
		     strcmp(pin.state, "published") == 0;
	if (!pinned && !before && b.pinned_entry_id && rc == DB_ERROR)
		return 500;
	view_bool(v, "live_has_pinned", pinned);
	view_html(v, "live_pinned", pinned ? live_entry_html(a, &pin, ed, entry_href(a, base, pin.id), 1) : "");
	if ((rc = live_key_events(req, v, art->id, base, es, n, ed)) != 0)
		return rc;
	*jl = live_updates(req, &b, arena_printf(a, "%s%s", req->app->cfg.base_url, base), es, n, ed);
	return 0;
}

/* WEBPAGE: GET /{edition}/{year}/{month}/{day}/{slug}/entry/{id}
 * Parameters: the article's address as for the article page, id (the entry's number, in the path)
 * Permission: anyone (public, cached)
 * One entry of a live blog on a page of its own (its canonical address), with a link back to the blog;
 *   404 when the article is no live blog or the entry is not one of its published or withdrawn entries. */
int liveblog_entry_page(struct http_request *req, struct http_response *res)
{
	struct arena *a = req->arena;
	int64_t id = route_param_id(&req->route, "id");
	struct db_article art;
	int rc = article_from_path(req, res, arena_printf(a, "/entry/%lld", (long long)id), &art);
	if (rc)
		return rc;
	struct db_live_blog b;
	struct db_live_entry e;
	if (!id || (rc = db_live_get(req->app->db, art.id, &b)) == DB_NOTFOUND ||
	    (rc = db_live_entry_get(req->app->db, a, id, &e)) == DB_NOTFOUND || e.article_id != art.id ||
	    strcmp(e.state, "draft") == 0) {
		res->error_message = "There is no such update in this live coverage.";
		return 404;
	}
	if (rc != DB_OK)
		return 500;
	cache_depend(req, cache_key_article(art.id));
	cache_depend(req, cache_key_live(art.id));
	const char *ed = art.edition, *base = render_article_href(a, &art), *href = entry_href(a, base, id);
	const char *title = live_entry_title(a, &e, LIVE_TITLE_CHARS, live_text(ed, LIVE_T_WITHDRAWN));
	if (!*title)
		title = live_text(ed, LIVE_T_UPDATE);
	struct view *v = render_frame(req, RENDER_LIVE_UPDATE, ed, arena_printf(a, "%s — %s", title, art.headline),
				      art.section_slug);
	view_text(v, "canonical", arena_printf(a, "%s%s", req->app->cfg.base_url, href));
	view_text(v, "og_type", "article");
	view_text(v, "og_title", title);
	view_text(v, "og_description", art.headline);
	live_status(req, v, &b, ed, base);
	view_text(v, "headline", art.headline);
	view_text(v, "entry_title", title);
	view_text(v, "section_name", art.section_name);
	view_text(v, "section_href", render_href(a, ed, "section", art.section_slug));
	view_html(v, "entry", live_entry_html(a, &e, ed, href, 0));
	return render_reply(req, res, RENDER_LIVE_UPDATE, v, 200);
}

/* live_json: the poll document of blog b (docs/live-spec.md): id, state, updated, count, pinned and the
 * newest entries with their HTML; NULL on a store error. */
static json_t *live_json(struct http_request *req, const struct db_article *art, const struct db_live_blog *b)
{
	struct arena *a = req->arena;
	struct db_live_entry *es;
	size_t n;
	int64_t count = 0;
	if (db_live_entries(req->app->db, a, art->id, 0, LIVE_PAGE_ENTRIES, &es, &n) != DB_OK ||
	    db_live_count(req->app->db, art->id, &count) != DB_OK)
		return NULL;
	const char *base = render_article_href(a, art);
	json_t *entries = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(entries,
				      json_pack("{s:I, s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)es[i].id, "at",
						(json_int_t)es[i].created_at, "updated", (json_int_t)es[i].updated_at, "state",
						es[i].state, "key_event",
						strcmp(es[i].state, "withdrawn") == 0 ? "" : es[i].key_event, "html",
						live_entry_html(a, &es[i], art->edition, entry_href(a, base, es[i].id), 0)));
	return json_pack("{s:I, s:s, s:I, s:I, s:I, s:o}", "id", (json_int_t)art->id, "state", b->ended_at ? "ended" : "live",
			 "updated", (json_int_t)b->updated_at, "count", (json_int_t)count, "pinned",
			 (json_int_t)b->pinned_entry_id, "entries", entries);
}

/* WEBPAGE: GET /{edition}/{year}/{month}/{day}/{slug}/live.json
 * Parameters: the article's address as for the article page
 * Permission: anyone (public, cached: what readers poll is served from the page cache)
 * The live blog's poll document: {"id","state":"live"|"ended","updated","count","pinned","entries":[{"id",
 *   "at","updated","state","key_event","html"}...]}, the newest 20 entries, newest first, each entry's html
 *   exactly as the page shows it; Last-Modified is the blog's last change. 404 when the article is no live
 *   blog. */
int liveblog_json_page(struct http_request *req, struct http_response *res)
{
	struct db_article art;
	int rc = article_from_path(req, res, "/live.json", &art);
	if (rc)
		return rc;
	struct db_live_blog b;
	rc = db_live_get(req->app->db, art.id, &b);
	if (rc == DB_NOTFOUND) {
		res->error_message = "This article is not live coverage.";
		return 404;
	}
	if (rc != DB_OK)
		return 500;
	cache_depend(req, cache_key_article(art.id)); /* its address is in every entry's link */
	cache_depend(req, cache_key_live(art.id));
	json_t *doc = live_json(req, &art, &b);
	if (!doc)
		return 500;
	res->last_modified = b.updated_at;
	return page_json_reply(res, doc, 200);
}
