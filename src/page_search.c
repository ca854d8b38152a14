/* page_search.c - the reader's search page, /{edition}/search?q=QUERY[&page=N]: the query is parsed by
 * search.c into quoted FTS5 terms (words AND-ed, "phrases", prefix*), the store ranks published articles
 * of the edition by relevance and recency, and each hit shows a snippet of its original text with the
 * matches in <mark>. Every query, however odd, gets a results or no-results page. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "db.h"
#include "escape.h"
#include "pages.h"
#include "render.h"
#include "search.h"
#include "util.h"

#define SEARCH_PAGE_SIZE 10
#define SEARCH_MAX_PAGE 1000
#define SEARCH_MAX_QUERY 1000            /* bytes of the query that are read; the rest is ignored */
#define SEARCH_HALF_LIFE_DAYS 30         /* default of the search_half_life_days setting */

/* half_life: the recency half-life in seconds, from the search_half_life_days setting (1..36500 days)
 * or SEARCH_HALF_LIFE_DAYS. */
static int64_t half_life(struct http_request *req)
{
	const char *s = NULL;
	int64_t days = SEARCH_HALF_LIFE_DAYS;
	if (db_setting_get(req->app->db, req->arena, "search_half_life_days", &s) == DB_OK && s) {
		int64_t d;
		if (util_parse_i64(s, &d) == 0 && d >= 1 && d <= 36500)
			days = d;
	}
	return days * 86400;
}

/* search_href: the search page address for query q (may be "") and page (1 = none), in the arena. */
static const char *search_href(struct arena *a, const char *ed, const char *q, int64_t page)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "/%s/search?q=", ed);
	buf_url(&b, q, strlen(q));
	if (page > 1)
		buf_printf(&b, "&page=%lld", (long long)page);
	const char *r = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return r;
}

/* clip_query: the first SEARCH_MAX_QUERY bytes of q (cut at a character boundary), in the arena. */
static const char *clip_query(struct arena *a, const char *q)
{
	size_t n = strlen(q);
	if (n <= SEARCH_MAX_QUERY)
		return q;
	n = SEARCH_MAX_QUERY;
	while (n > 0 && ((unsigned char)q[n] & 0xC0) == 0x80)
		n--;
	return arena_strndup(a, q, n);
}

int search_page(struct http_request *req, struct http_response *res)
{
	char edbuf[8];
	const char *ed = route_param(&req->route, "edition", edbuf, sizeof edbuf) < 0 ? NULL : render_edition(edbuf);
	if (!ed)
		return 404;
	struct arena *a = req->arena;
	int ar = strcmp(ed, "ar") == 0;
	int64_t page = 1;
	const char *p = http_param(req, "page");
	if (p) {
		int ok = *p != '\0';
		for (const char *c = p; *c; c++)
			ok &= *c >= '0' && *c <= '9';
		if (!ok || util_parse_i64(p, &page) < 0 || page < 1 || page > SEARCH_MAX_PAGE) {
			res->error_message = ar ? "أرقام الصفحات أعداد صحيحة تبدأ من 1، مثل page=2."
						: "Page numbers are whole numbers from 1 up, such as ?page=2.";
			return 400;
		}
	}
	const char *raw = http_param(req, "q");
	const char *q = clip_query(a, raw ? raw : "");
	struct search_query sq;
	search_parse(a, q, strlen(q), &sq);
	const char *match = search_match_expr(a, &sq);

	int64_t total = 0;
	struct db_search_hit *hits = NULL;
	size_t n = 0;
	struct db_search_query dq = {.edition = ed, .match = match, .now = util_now(), .half_life = half_life(req),
				     .offset = (page - 1) * SEARCH_PAGE_SIZE, .limit = SEARCH_PAGE_SIZE};
	if (match) {
		if (db_search_count(req->app->db, &dq, &total) != DB_OK ||
		    db_search(req->app->db, a, &dq, &hits, &n) != DB_OK)
			return 500;
	}
	int64_t pages = total == 0 ? 1 : (total + SEARCH_PAGE_SIZE - 1) / SEARCH_PAGE_SIZE;

	const char *heading = *q ? arena_printf(a, ar ? "البحث: %s" : "Search: %s", q) : (ar ? "البحث" : "Search");
	struct view *v = render_frame(req, RENDER_SEARCH, ed, heading, NULL);
	view_text(v, "search_q", q);
	view_text(v, "heading", heading);
	view_bool(v, "has_summary", match != NULL && total > 0);
	view_text(v, "summary", ar ? arena_printf(a, "عدد النتائج: %lld", (long long)total)
				   : arena_printf(a, "%lld result%s", (long long)total, total == 1 ? "" : "s"));
	view_list_empty(v, "results");
	for (size_t i = 0; i < n; i++) {
		const struct db_article *art = &hits[i].art;
		struct view *r = view_add(v, "results");
		view_text(r, "headline", art->headline);
		view_text(r, "href", render_article_href(a, art));
		view_text(r, "section_name", art->section_name);
		view_text(r, "section_href", render_href(a, ed, "section", art->section_slug));
		struct buf sn = BUF_INIT;
		search_snippet_html(&sn, hits[i].snippet, strlen(hits[i].snippet));
		view_html(r, "snippet", arena_strndup(a, sn.data ? sn.data : "", sn.len));
		buf_free(&sn);
		view_text(r, "stamp", render_stamp(a, art->published_at, ed));
		view_text(r, "iso", render_iso(a, art->published_at));
	}
	view_bool(v, "no_results", match != NULL && n == 0);
	view_bool(v, "empty_query", match == NULL);
	view_bool(v, "pagination", pages > 1);
	view_bool(v, "has_prev", page > 1);
	view_text(v, "prev_href", search_href(a, ed, q, page - 1));
	view_bool(v, "has_next", page < pages);
	view_text(v, "next_href", search_href(a, ed, q, page + 1));
	view_text(v, "page_label", arena_printf(a, "%lld / %lld", (long long)page, (long long)pages));
	if (render_page(req->app->render, RENDER_SEARCH, v, &res->body) < 0) {
		buf_reset(&res->body);
		return 500;
	}
	return 200;
}
