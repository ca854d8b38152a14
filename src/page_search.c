/* page_search.c - the reader's search page, /{edition}/search?q=QUERY[&page=N]: the query is parsed by
 * search.c into quoted FTS5 terms (words AND-ed, "phrases", prefix*), the store ranks published articles
 * of the edition by relevance and recency, and each hit shows a snippet of its original text with the
 * matches in <mark>. Every query, however odd, gets a results or no-results page. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "datefmt.h"
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
#define SEARCH_RECENT_DAYS 365           /* default of the search_recent_days setting (0: no recent window) */
#define ADMIN_SEARCH_LIMIT 50            /* newsroom search: results shown */

/* setting_days: the whole number of days in setting name when it is within lo..36500, else def. */
static int64_t setting_days(struct http_request *req, const char *name, int64_t lo, int64_t def)
{
	const char *s = NULL;
	int64_t days = def;
	if (db_setting_get(req->app->db, req->arena, name, &s) == DB_OK && s) {
		int64_t d;
		if (util_parse_i64(s, &d) == 0 && d >= lo && d <= 36500)
			days = d;
	}
	return days;
}

/* half_life: the recency half-life in seconds, from the search_half_life_days setting (1..36500 days)
 * or SEARCH_HALF_LIFE_DAYS. */
static int64_t half_life(struct http_request *req)
{
	return setting_days(req, "search_half_life_days", 1, SEARCH_HALF_LIFE_DAYS) * 86400;
}

/* struct filters: the reader's filters as typed ("" when absent) and as bounds for the store. */
struct filters {
	const char *section, *from, *to; /* as typed, for the form and the links */
	int archive;                     /* archive=1: no recent window */
	int64_t since, until;            /* 0 = no bound */
};

/* search_href: the search page address for query q (may be ""), the filters and page (1 = none), in the
 * arena. archive overrides f->archive (the "whole archive" link). */
static const char *search_href(struct arena *a, const char *ed, const char *q, const struct filters *f, int archive,
			       int64_t page)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "/%s/search?q=", ed);
	buf_url(&b, q, strlen(q));
	if (*f->section) {
		buf_lit(&b, "&section=");
		buf_url(&b, f->section, strlen(f->section));
	}
	if (*f->from) {
		buf_lit(&b, "&from=");
		buf_url(&b, f->from, strlen(f->from));
	}
	if (*f->to) {
		buf_lit(&b, "&to=");
		buf_url(&b, f->to, strlen(f->to));
	}
	if (archive)
		buf_lit(&b, "&archive=1");
	if (page > 1)
		buf_printf(&b, "&page=%lld", (long long)page);
	const char *r = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return r;
}

/* parse_day: reads "YYYY-MM-DD" (exactly; a real date from 1970 on) as UTC midnight into *out. Returns 0,
 * or -1 (*out untouched). */
static int parse_day(const char *s, int64_t *out)
{
	if (strlen(s) != 10)
		return -1;
	char full[20];
	snprintf(full, sizeof full, "%s 00:00", s);
	return datefmt_parse(full, out);
}

/* read_filters: reads section, from, to and archive into *f, checking the section against the edition's
 * sections (put into *secs, *nsecs for the form). Returns 0, 400 with res->error_message set for a bad
 * value, or 500 when the store fails. */
static int read_filters(struct http_request *req, struct http_response *res, const char *ed, int ar,
			struct filters *f, struct db_section **secs, size_t *nsecs)
{
	const char *sec = http_param(req, "section"), *from = http_param(req, "from"), *to = http_param(req, "to");
	const char *arch = http_param(req, "archive");
	f->section = sec ? sec : "";
	f->from = from ? from : "";
	f->to = to ? to : "";
	f->archive = arch && strcmp(arch, "1") == 0;
	f->since = f->until = 0;
	if (db_sections_list(req->app->db, req->arena, ed, secs, nsecs) != DB_OK)
		return 500;
	if (*f->section) {
		size_t i = 0;
		while (i < *nsecs && strcmp((*secs)[i].slug, f->section) != 0)
			i++;
		if (i == *nsecs) {
			res->error_message = ar ? "لا يوجد قسم بهذا الاسم في هذه الطبعة؛ اختر قسمًا من القائمة."
						: "There is no section by that name in this edition; choose one from the list.";
			return 400;
		}
	}
	int64_t t;
	if (*f->from) {
		if (parse_day(f->from, &t) < 0) {
			res->error_message = ar ? "تاريخ البداية (from) يُكتب سنة-شهر-يوم، مثل 2024-03-01."
						: "The start date (from) is written YYYY-MM-DD, such as 2024-03-01.";
			return 400;
		}
		f->since = t;
	}
	if (*f->to) {
		if (parse_day(f->to, &t) < 0) {
			res->error_message = ar ? "تاريخ النهاية (to) يُكتب سنة-شهر-يوم، مثل 2024-03-31."
						: "The end date (to) is written YYYY-MM-DD, such as 2024-03-31.";
			return 400;
		}
		f->until = t + 86400; /* the whole of that day */
	}
	if (f->since && f->until && f->since >= f->until) {
		res->error_message = ar ? "تاريخ البداية بعد تاريخ النهاية." : "The start date is after the end date.";
		return 400;
	}
	return 0;
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

int search_run_window(struct db *db, struct arena *a, struct db_search_query *dq, int64_t days, int64_t *total,
		      struct db_search_hit **hits, size_t *n, int64_t *recent_days)
{
	*recent_days = 0;
	if (days > 0) {
		dq->since = dq->now - days * 86400;
		if (db_search(db, a, dq, hits, n, total) != DB_OK)
			return -1;
		if (*total >= dq->limit) {
			*recent_days = days;
			return 0;
		}
		dq->since = 0; /* too few: widen to the whole archive */
	}
	return db_search(db, a, dq, hits, n, total) == DB_OK ? 0 : -1;
}

/* run_search: search_run_window with the site's search_recent_days (default SEARCH_RECENT_DAYS) when the
 * reader set no dates and did not ask for the whole archive; no window otherwise. Returns 0 or -1. */
static int run_search(struct http_request *req, struct db_search_query *dq, const struct filters *f, int64_t *total,
		      struct db_search_hit **hits, size_t *n, int64_t *recent_days)
{
	int64_t days = setting_days(req, "search_recent_days", 0, SEARCH_RECENT_DAYS);
	if (f->archive || f->since || f->until)
		days = 0;
	return search_run_window(req->app->db, req->arena, dq, days, total, hits, n, recent_days);
}

/* WEBPAGE: GET /{edition}/search
 * Parameters: edition (in the path); q, page (1 up), section (a slug), from and to (dates YYYY-MM-DD),
 *   archive (search the whole archive at once)
 * Permission: anyone (public; kept out of the page cache: every query differs)
 * The reader's search: matching published articles of the edition, best first, ten to a page; 400 for a bad
 *   page number or filter. */
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
	struct filters f;
	struct db_section *secs = NULL;
	size_t nsecs = 0;
	int frc = read_filters(req, res, ed, ar, &f, &secs, &nsecs);
	if (frc)
		return frc;
	const char *raw = http_param(req, "q");
	const char *q = clip_query(a, raw ? raw : "");
	struct search_query sq;
	search_parse(a, q, strlen(q), &sq);
	const char *match = search_match_expr(a, &sq);

	int64_t total = 0, recent_days = 0;
	struct db_search_hit *hits = NULL;
	size_t n = 0;
	struct db_search_query dq = {.edition = ed, .match = match, .parsed = &sq, .section = *f.section ? f.section : NULL,
				     .since = f.since, .until = f.until, .now = util_now(), .half_life = half_life(req),
				     .offset = (page - 1) * SEARCH_PAGE_SIZE, .limit = SEARCH_PAGE_SIZE,
				     .candidates = SEARCH_CANDIDATES};
	if (match && run_search(req, &dq, &f, &total, &hits, &n, &recent_days) < 0)
		return 500;
	int64_t pages = total == 0 ? 1 : (total + SEARCH_PAGE_SIZE - 1) / SEARCH_PAGE_SIZE;

	const char *heading = *q ? arena_printf(a, ar ? "البحث: %s" : "Search: %s", q) : (ar ? "البحث" : "Search");
	struct view *v = render_frame(req, RENDER_SEARCH, ed, heading, NULL);
	view_text(v, "search_q", q);
	view_text(v, "heading", heading);
	view_bool(v, "has_summary", match != NULL && total > 0);
	if (total >= SEARCH_CANDIDATES)
		view_text(v, "summary", ar ? arena_printf(a, "%d نتيجة أو أكثر، رُتّبت أحدثها", SEARCH_CANDIDATES)
					   : arena_printf(a, "%d or more results; the newest %d are ranked", SEARCH_CANDIDATES,
							  SEARCH_CANDIDATES));
	else
		view_text(v, "summary", ar ? arena_printf(a, "عدد النتائج: %lld", (long long)total)
					   : arena_printf(a, "%lld result%s", (long long)total, total == 1 ? "" : "s"));
	view_bool(v, "recent_only", recent_days > 0);
	view_text(v, "recent_note", ar ? arena_printf(a, "نتائج آخر %lld يومًا فقط.", (long long)recent_days)
				       : arena_printf(a, "Results from the last %lld days only.", (long long)recent_days));
	view_text(v, "archive_href", search_href(a, ed, q, &f, 1, 1));
	view_bool(v, "archive", f.archive);
	view_text(v, "from", f.from);
	view_text(v, "to", f.to);
	view_list_empty(v, "sections_opts");
	for (size_t i = 0; i < nsecs; i++) {
		struct view *o = view_add(v, "sections_opts");
		view_text(o, "slug", secs[i].slug);
		view_text(o, "name", secs[i].name);
		view_bool(o, "selected", strcmp(secs[i].slug, f.section) == 0);
	}
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
	view_text(v, "prev_href", search_href(a, ed, q, &f, f.archive, page - 1));
	view_bool(v, "has_next", page < pages);
	view_text(v, "next_href", search_href(a, ed, q, &f, f.archive, page + 1));
	view_text(v, "page_label", arena_printf(a, "%lld / %lld", (long long)page, (long long)pages));
	return render_reply(req, res, RENDER_SEARCH, v, 200);
}

/* status_name: an article's status (draft, review, scheduled, published, unpublished) as the newsroom in
 * lang names it; another text as it is. */
static const char *status_name(enum catalog_lang lang, const char *status)
{
	static const char *const names[] = {N_("draft"), N_("review"), N_("scheduled"), N_("published"),
					    N_("unpublished")};
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strcmp(status, names[i]) == 0)
			return catalog_tr(lang, names[i]);
	return status;
}

/* WEBPAGE: GET /admin/search
 * Parameters: q (the words searched for)
 * Permission: reporter, editor or admin (PERM_WRITE); a reporter's search covers the reporter's own articles
 *   only
 * The newsroom's search: articles of every status and both editions matching q (the same MATCH builder as
 *   the reader's page), best first, at most ADMIN_SEARCH_LIMIT, each linking to its editor; a reporter's
 *   search covers the reporter's own articles only. Allocates in the request arena; returns 200, or 500 when
 *   the store or the template fails. */
int admin_search_page(struct http_request *req, struct http_response *res)
{
	struct arena *a = req->arena;
	const char *raw = http_param(req, "q");
	const char *q = clip_query(a, raw ? raw : "");
	struct search_query sq;
	search_parse(a, q, strlen(q), &sq);
	const char *match = search_match_expr(a, &sq);
	int reporter = strcmp(req->session->user.role, "reporter") == 0;
	int64_t total = 0;
	struct db_search_hit *hits = NULL;
	size_t n = 0;
	struct db_search_query dq = {.match = match, .parsed = &sq, .all_statuses = 1, .owner_id = reporter ? req->session->user.id : 0,
				     .now = util_now(), .half_life = half_life(req), .limit = ADMIN_SEARCH_LIMIT,
				     .candidates = SEARCH_CANDIDATES};
	if (match && db_search(req->app->db, a, &dq, &hits, &n, &total) != DB_OK)
		return 500;
	enum catalog_lang lang = render_newsroom_lang(req);
	struct view *v = render_admin_frame(req, RENDER_ADMIN_SEARCH,
					    *q ? arena_printf(a, catalog_tr(lang, "Search: %s"), q) : N_("Search"), NULL, NULL);
	view_text(v, "q", q);
	view_bool(v, "own_only", reporter);
	view_bool(v, "has_summary", match != NULL && total > 0);
	view_text(v, "summary",
		  (int64_t)n < total ? arena_printf(a, catalog_tr(lang, "%lld results; the best %zu are shown."), (long long)total, n)
		  : total == 1	     ? arena_printf(a, catalog_tr(lang, "%lld result"), (long long)total)
				     : arena_printf(a, catalog_tr(lang, "%lld results"), (long long)total));
	view_bool(v, "empty_query", match == NULL);
	view_bool(v, "no_results", match != NULL && n == 0);
	view_list_empty(v, "results");
	for (size_t i = 0; i < n; i++) {
		const struct db_article *art = &hits[i].art;
		struct view *r = view_add(v, "results");
		view_text(r, "edit_href", arena_printf(a, "/admin/articles/%lld", (long long)art->id));
		view_text(r, "headline", art->headline);
		view_text(r, "status", status_name(lang, art->status));
		view_text(r, "edition", art->edition);
		view_text(r, "section", art->section_name);
		view_text(r, "when", render_stamp(a, art->published_at ? art->published_at : art->updated_at, catalog_code(lang)));
		view_text(r, "owner", art->owner_login);
		struct buf sn = BUF_INIT;
		search_snippet_html(&sn, hits[i].snippet, strlen(hits[i].snippet));
		view_html(r, "snippet", arena_strndup(a, sn.data ? sn.data : "", sn.len));
		buf_free(&sn);
	}
	return render_reply(req, res, RENDER_ADMIN_SEARCH, v, 200);
}
