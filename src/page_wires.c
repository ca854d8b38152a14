/* page_wires.c - the Wires desk (issue 23): agency items newest first, searched in both languages (the
 * folded search column, as the glossary folds), filtered by source, language and time, paged; one item shown
 * safely (its HTML turned into the writing desk's form by htmlmd, then rendered by blocks_html: never the
 * agency's HTML itself) with its embargo and status; and "Use", which makes a draft from it in the item's
 * language's edition (headline, standfirst from the summary, body, dateline, the agency credited as the
 * byline and in a credit line at the end of the body) and remembers the item version it was made from, so a
 * later version flags the draft in the editor and an embargo holds its publication (page_workflow.c). */
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "buf.h"
#include "catalog.h"
#include "datefmt.h"
#include "db.h"
#include "escape.h"
#include "htmlmd.h"
#include "http.h"
#include "log.h"
#include "pages.h"
#include "render.h"
#include "tmpl.h"
#include "util.h"
#include "wires.h"

#define WIRES_PAGE 50 /* items a page of the desk lists */
#define WIRES_Q_MAX 200

/* when_label: a time in the newsroom's form and UTC ("2026-12-06 15:00:00 UTC · <the edition's stamp>"). */
static const char *when_label(struct arena *a, int64_t t, const char *edition)
{
	if (!t)
		return "";
	return arena_printf(a, "%s UTC · %s", render_time_input(a, t), render_stamp(a, t, edition));
}

/* item_edition: the edition an item's draft goes to: its language when the site has it, else English. */
static const char *item_edition(const struct db_wire_item *it)
{
	return strcmp(it->lang, "ar") == 0 ? "ar" : "en";
}

/* item_view: appends item it to the list `list` of v (the fields the desk and the item page share). */
static struct view *item_view(struct http_request *req, struct view *v, const char *list, const struct db_wire_item *it)
{
	struct arena *a = req->arena;
	enum catalog_lang lang = render_newsroom_lang(req);
	struct view *r = list ? view_add(v, list) : v;
	const char *ed = item_edition(it);
	view_text(r, "item_id", arena_printf(a, "%lld", (long long)it->id));
	view_text(r, "item_headline", *it->headline ? it->headline : it->guid);
	view_text(r, "item_lang", *it->lang ? it->lang : "und");
	view_text(r, "item_dir", strcmp(ed, "ar") == 0 ? "rtl" : "ltr");
	view_text(r, "item_source", it->source_name);
	view_text(r, "item_credit", it->credit);
	view_text(r, "item_summary", it->summary);
	view_text(r, "item_version", arena_printf(a, "%lld", (long long)it->version));
	view_text(r, "item_received", when_label(a, it->received_at, lang == CATALOG_AR ? "ar" : "en"));
	view_text(r, "item_received_iso", render_iso(a, it->received_at));
	view_bool(r, "item_canceled", strcmp(it->pubstatus, "canceled") == 0);
	view_bool(r, "item_withheld", strcmp(it->pubstatus, "withheld") == 0);
	int embargoed = it->embargoed > util_now();
	view_bool(r, "item_embargoed", embargoed);
	view_text(r, "item_embargo", embargoed ? arena_printf(a, catalog_tr(lang, "Embargoed until %s"),
							      when_label(a, it->embargoed, lang == CATALOG_AR ? "ar" : "en"))
					       : "");
	view_bool(r, "item_used", it->uses > 0);
	view_bool(r, "item_updated", it->version > 1);
	return r;
}

/* A desk query as typed, and its meaning for the store. */
struct desk_query {
	const char *q, *source, *lang, *when, *from, *to;
	int64_t page;
	struct db_wire_query wq;
	const char *error;
};

/* parse_day: "YYYY-MM-DD" (that day's first second, or with end the next day's) into *t; "" is 0. 0 or -1. */
static int parse_day(struct arena *a, const char *s, int end, int64_t *t)
{
	*t = 0;
	if (!*s)
		return 0;
	if (strlen(s) != 10 || datefmt_parse(arena_printf(a, "%s 00:00", s), t) < 0)
		return -1;
	*t += end ? 86400 : 0;
	return 0;
}

/* desk_parse: the desk's query parameters into *dq; dq->error says why one is refused. */
static void desk_parse(struct http_request *req, struct desk_query *dq)
{
	struct arena *a = req->arena;
	const char *s;
	memset(dq, 0, sizeof *dq);
	dq->q = (s = http_param(req, "q")) ? s : "";
	dq->source = (s = http_param(req, "source")) ? s : "";
	dq->lang = (s = http_param(req, "lang")) ? s : "";
	dq->when = (s = http_param(req, "when")) ? s : "";
	dq->from = (s = http_param(req, "from")) ? s : "";
	dq->to = (s = http_param(req, "to")) ? s : "";
	dq->page = 1;
	if ((s = http_param(req, "page")) && (util_parse_i64(s, &dq->page) < 0 || dq->page < 1 || dq->page > 10000))
		dq->error = N_("The page number is not valid."), dq->page = 1;
	int64_t now = util_now();
	dq->wq.q = dq->q;
	if (strlen(dq->q) > WIRES_Q_MAX)
		dq->error = N_("The search is too long: at most 200 bytes."), dq->wq.q = "";
	if (*dq->source && (util_parse_i64(dq->source, &dq->wq.source_id) < 0 || dq->wq.source_id < 0))
		dq->error = N_("Choose a source from the list."), dq->wq.source_id = 0;
	if (*dq->lang && strcmp(dq->lang, "en") != 0 && strcmp(dq->lang, "ar") != 0)
		dq->error = N_("Choose English or Arabic."), dq->lang = "";
	dq->wq.lang = dq->lang;
	if (strcmp(dq->when, "today") == 0)
		dq->wq.since = now - now % 86400;
	else if (strcmp(dq->when, "24h") == 0)
		dq->wq.since = now - 86400;
	else if (strcmp(dq->when, "7d") == 0)
		dq->wq.since = now - 7 * 86400;
	else if (parse_day(a, dq->from, 0, &dq->wq.since) < 0 || parse_day(a, dq->to, 1, &dq->wq.until) < 0)
		dq->error = N_("Give the dates as YYYY-MM-DD (UTC).");
	dq->wq.limit = WIRES_PAGE + 1;
	dq->wq.offset = (dq->page - 1) * WIRES_PAGE;
}

/* page_href: the desk's address for page p of query dq. */
static const char *page_href(struct arena *a, const struct desk_query *dq, int64_t p)
{
	struct buf b = BUF_INIT;
	const char *names[] = {"q", "source", "lang", "when", "from", "to"};
	const char *values[] = {dq->q, dq->source, dq->lang, dq->when, dq->from, dq->to};
	buf_lit(&b, "/admin/wires?");
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		buf_printf(&b, "%s=", names[i]);
		buf_url(&b, values[i], strlen(values[i]));
		buf_putc(&b, '&');
	}
	buf_printf(&b, "page=%lld", (long long)p);
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* desk_filters: the filter form's choices (sources, languages, times) in v, the typed ones selected. */
static int desk_filters(struct http_request *req, struct view *v, const struct desk_query *dq)
{
	struct arena *a = req->arena;
	enum catalog_lang lang = render_newsroom_lang(req);
	struct db_wire_source *src = NULL;
	size_t ns = 0;
	if (db_wire_source_list(req->app->db, a, &src, &ns) != DB_OK)
		return -1;
	view_list_empty(v, "sources");
	for (size_t i = 0; i < ns; i++) {
		struct view *o = view_add(v, "sources");
		view_text(o, "value", arena_printf(a, "%lld", (long long)src[i].id));
		view_text(o, "label", src[i].name);
		view_bool(o, "selected", dq->wq.source_id == src[i].id);
	}
	static const char *const langs[][2] = {{"", N_("Both languages")}, {"en", N_("English")}, {"ar", N_("Arabic")}};
	for (size_t i = 0; i < ARRAY_LEN(langs); i++) {
		struct view *o = view_add(v, "langs");
		view_text(o, "value", langs[i][0]);
		view_text(o, "label", catalog_tr(lang, langs[i][1]));
		view_bool(o, "selected", strcmp(dq->lang, langs[i][0]) == 0);
	}
	static const char *const whens[][2] = {
		{"", N_("Any time")}, {"today", N_("Today")}, {"24h", N_("Last 24 hours")}, {"7d", N_("Last 7 days")}};
	for (size_t i = 0; i < ARRAY_LEN(whens); i++) {
		struct view *o = view_add(v, "whens");
		view_text(o, "value", whens[i][0]);
		view_text(o, "label", catalog_tr(lang, whens[i][1]));
		view_bool(o, "selected", strcmp(dq->when, whens[i][0]) == 0);
	}
	view_text(v, "q", dq->q);
	view_text(v, "from", dq->from);
	view_text(v, "to", dq->to);
	return 0;
}

/* WEBPAGE: GET /admin/wires
 * Parameters: q (words in either language, folded as the site's search folds them), source (a source's
 *   id), lang (en, ar), when (today, 24h, 7d), from and to (YYYY-MM-DD, UTC), page (1 ...)
 * Permission: reporters and up (PERM_WRITE)
 * The Wires desk: the agencies' items, newest received first, 50 a page. A malformed filter answers 400 with
 * the form as typed. */
int wires_desk_page(struct http_request *req, struct http_response *res)
{
	struct arena *a = req->arena;
	struct desk_query dq;
	desk_parse(req, &dq);
	struct view *v = render_admin_frame(req, RENDER_WIRES, N_("Wires"), NULL, dq.error);
	struct db_wire_item *items = NULL;
	size_t n = 0;
	if (desk_filters(req, v, &dq) < 0 || db_wire_items_list(req->app->db, a, &dq.wq, &items, &n) != DB_OK)
		return 500;
	int more = n > WIRES_PAGE;
	view_list_empty(v, "items");
	for (size_t i = 0; i < n && i < WIRES_PAGE; i++)
		item_view(req, v, "items", &items[i]);
	view_bool(v, "has_items", n > 0);
	view_bool(v, "filtered", *dq.q || dq.wq.source_id || *dq.lang || dq.wq.since || dq.wq.until);
	view_bool(v, "has_prev", dq.page > 1);
	view_bool(v, "has_next", more);
	view_text(v, "prev_href", page_href(a, &dq, dq.page - 1));
	view_text(v, "next_href", page_href(a, &dq, dq.page + 1));
	return render_reply(req, res, RENDER_WIRES, v, dq.error ? 400 : 200);
}

/* item_body_html: the item's body as the reader would see it: htmlmd into the stored form, then
 * render_body_html (blocks_html), never the agency's HTML itself. In the arena. */
static const char *item_body_html(struct http_request *req, const struct db_wire_item *it, const char **md)
{
	struct htmlmd_result r;
	*md = "";
	if (htmlmd_convert(req->arena, it->body_html, strlen(it->body_html), NULL, NULL, &r) < 0)
		return "";
	*md = r.md;
	return render_body_html(req->app->db, req->arena, r.md, item_edition(it));
}

/* item_show: the item page for item id, with notice (a catalogue string) and the existing draft offered. */
static int item_show(struct http_request *req, struct http_response *res, int64_t id, const char *notice,
		     int64_t existing, int status)
{
	struct arena *a = req->arena;
	struct db_wire_item it;
	int rc = db_wire_item_get(req->app->db, a, id, &it);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? 404 : 500;
	struct view *v = render_admin_frame(req, RENDER_WIRE_ITEM, N_("Wire item"), notice, NULL);
	item_view(req, v, NULL, &it);
	const char *md;
	view_html(v, "item_body", item_body_html(req, &it, &md));
	view_text(v, "item_byline", it.byline);
	view_text(v, "item_located", it.located);
	view_text(v, "item_subjects", it.subjects);
	view_text(v, "item_guid", it.guid);
	view_text(v, "item_link", strncmp(it.link, "https://", 8) == 0 || strncmp(it.link, "http://", 7) == 0 ? it.link : "");
	view_text(v, "item_urgency", it.urgency ? arena_printf(a, "%d", it.urgency) : "");
	enum catalog_lang lang = render_newsroom_lang(req);
	view_text(v, "item_created", when_label(a, it.version_created ? it.version_created : it.first_created,
						lang == CATALOG_AR ? "ar" : "en"));
	view_text(v, "item_updated_at", when_label(a, it.updated_at, lang == CATALOG_AR ? "ar" : "en"));
	int64_t draft = existing;
	if (!draft && it.uses && db_wire_use_of_item(req->app->db, id, &draft) == DB_ERROR)
		return 500;
	view_bool(v, "has_draft", draft > 0);
	view_text(v, "draft_id", arena_printf(a, "%lld", (long long)draft));
	view_bool(v, "offer", existing > 0);
	return render_reply(req, res, RENDER_WIRE_ITEM, v, status);
}

/* WEBPAGE: GET /admin/wires/{id}
 * Parameters: id (in the path); notice (used: a draft was made)
 * Permission: reporters and up (PERM_WRITE)
 * One wire item: its text rendered safely, its source, versions, status, embargo, and the "Use" button
 * (with a link to the draft already made from it, if any). 404 for an unknown id. */
int wire_item_page(struct http_request *req, struct http_response *res)
{
	int64_t id = route_param_id(&req->route, "id");
	if (!id)
		return 404;
	return item_show(req, res, id, NULL, 0, 200);
}

/* draft_form: the editor form of a draft made from it: its edition's first section, headline, standfirst
 * from the summary, body (htmlmd of its HTML, or its summary) ending with a credit line, dateline, and the
 * agency as the byline. NULL, or why it cannot be made (a catalogue string). */
static const char *draft_form(struct http_request *req, const struct db_wire_item *it, struct editor_form *f)
{
	struct arena *a = req->arena;
	memset(f, 0, sizeof *f);
	f->edition = item_edition(it);
	struct db_section *secs;
	size_t ns = 0;
	if (db_sections_list(req->app->db, a, f->edition, &secs, &ns) != DB_OK)
		return N_("The sections could not be read (database error).");
	if (!ns)
		return N_("The edition has no section yet: add one before using wire items.");
	f->section = arena_printf(a, "%lld", (long long)secs[0].id);
	const char *md;
	item_body_html(req, it, &md);
	const char *credit = *it->credit ? it->credit : it->source_name;
	f->headline = *it->headline ? it->headline : it->guid;
	f->standfirst = it->summary;
	f->body = arena_printf(a, "%s\n\n*%s*\n", *md ? md : it->summary, credit);
	f->dateline = it->located;
	f->bylines = credit;
	f->slug = f->tags = f->caption = f->credit = f->translation = "";
	f->media = "0";
	return NULL;
}

/* use_make: makes the draft of item it as the session's user and links it; *article gets its id. 0, or the
 * refusal's status with *why. */
static int use_make(struct http_request *req, const struct db_wire_item *it, int64_t *article, const char **why)
{
	struct editor_form f;
	const char *field;
	if ((*why = draft_form(req, it, &f)))
		return 409;
	int st = article_save_form(req, NULL, &f, why, &field, article);
	if (st && field && strcmp(field, "slug") == 0) { /* the headline's slug is taken: add the item's id */
		f.slug = arena_printf(req->arena, "%s wire %lld", f.headline, (long long)it->id);
		st = article_save_form(req, NULL, &f, why, &field, article);
	}
	if (st)
		return st;
	if (db_wire_use_put(req->app->db, *article, it->id, it->version, util_now()) != DB_OK) {
		*why = N_("The draft was made but could not be linked to the wire item (database error).");
		return 500;
	}
	return 0;
}

/* WEBPAGE: POST /admin/wires/{id}/use
 * Parameters: id (in the path); form: csrf, again (1: make another draft although one exists)
 * Permission: reporters and up (PERM_WRITE); the session's CSRF token, checked by the route table
 * Makes a draft from the item in its language's edition and answers 303 to the editor. When a draft was
 * already made from it (and again is not 1) nothing is made: the item page offers that draft (409). A
 * withdrawn (canceled) item is refused (409). */
int wire_use_page(struct http_request *req, struct http_response *res)
{
	struct arena *a = req->arena;
	int64_t id = route_param_id(&req->route, "id"), existing = 0, article = 0;
	if (!id)
		return 404;
	struct db_wire_item it;
	int rc = db_wire_item_get(req->app->db, a, id, &it);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? 404 : 500;
	const char *target = audit_target(a, "wire", id), *again = http_form(req, "again");
	if (strcmp(it.pubstatus, "canceled") == 0) {
		audit_record(req, "wire.refused", target, "canceled by the agency");
		return item_show(req, res, id, N_("The agency has withdrawn this item: it cannot be used."), 0, 409);
	}
	rc = db_wire_use_of_item(req->app->db, id, &existing);
	if (rc == DB_ERROR)
		return 500;
	if (rc == DB_OK && !(again && strcmp(again, "1") == 0))
		return item_show(req, res, id, N_("A draft was already made from this item: open it, or make another."),
				 existing, 409);
	const char *why = NULL;
	int st = use_make(req, &it, &article, &why);
	if (st) {
		audit_record(req, "wire.refused", target, why);
		return item_show(req, res, id, why, 0, st);
	}
	log_info("wires: item %lld used for article %lld by %s", (long long)id, (long long)article,
		 req->session->user.login);
	audit_record(req, "wire.used", target, arena_printf(a, "article:%lld v%lld", (long long)article, (long long)it.version));
	http_set_header(res, "Location", arena_printf(a, "/admin/articles/%lld?notice=wire", (long long)article));
	return 303;
}

const char *wires_editor_notice(struct http_request *req, int64_t article_id, int64_t *item_id)
{
	struct arena *a = req->arena;
	struct db_wire_use u;
	if (!article_id || db_wire_use_of_article(req->app->db, a, article_id, &u) != DB_OK)
		return NULL;
	*item_id = u.item_id;
	enum catalog_lang lang = render_newsroom_lang(req);
	struct buf b = BUF_INIT;
	if (u.item_version > u.version)
		buf_printf(&b, catalog_tr(lang, "A newer version of the wire item exists (version %lld; this draft was made "
						"from version %lld)."),
			   (long long)u.item_version, (long long)u.version);
	if (strcmp(u.pubstatus, "canceled") == 0 || strcmp(u.pubstatus, "withheld") == 0)
		buf_printf(&b, "%s%s", b.len ? " " : "", catalog_tr(lang, "The agency has withdrawn or withheld the wire item."));
	if (u.embargoed > util_now())
		buf_printf(&b, "%s%s", b.len ? " " : "",
			   arena_printf(a, catalog_tr(lang, "Embargoed until %s: it cannot be published or scheduled before."),
					when_label(a, u.embargoed, lang == CATALOG_AR ? "ar" : "en")));
	const char *s = b.len ? arena_strdup(a, buf_cstr(&b)) : NULL;
	buf_free(&b);
	return s;
}

const char *wires_embargo_refusal(struct http_request *req, int64_t article_id, int64_t live)
{
	struct arena *a = req->arena;
	struct db_wire_use u;
	if (db_wire_use_of_article(req->app->db, a, article_id, &u) != DB_OK || u.embargoed <= live)
		return NULL;
	enum catalog_lang lang = render_newsroom_lang(req);
	return arena_printf(a, catalog_tr(lang, "The wire item this story was made from is embargoed until %s: publish or "
						"schedule it for that time or later."),
			    when_label(a, u.embargoed, lang == CATALOG_AR ? "ar" : "en"));
}
