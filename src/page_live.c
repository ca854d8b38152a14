/* page_live.c - the newsroom's live desk (issue 21): start and end an article's live coverage, post
 * entries with the writing desk's editor (the same stored form as article bodies, rendered with
 * render_body_html), mark key events, pin one entry, edit or correct an entry (a compare-and-set on its
 * version: a stale edit answers 409 with the current text and what was typed), withdraw one with a note,
 * and send one to the other edition's live blog as a draft translation (listed on /admin/translations).
 * Reporters (PERM_WRITE) post, edit, correct and translate; editors (PERM_PUBLISH) also start, end, pin
 * and withdraw. Every change is one transaction with its webhook event; the page cache purges "live:<id>"
 * (CACHE_LIVE), starting and ending also the article (CACHE_ARTICLE_EDITED); each action and refusal is
 * audited. The store is store_live.c. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "cache_keys.h"
#include "catalog.h"
#include "db.h"
#include "log.h"
#include "page_editor.h"
#include "pages.h"
#include "render.h"
#include "tmpl.h"
#include "util.h"
#include "webhook.h"

#define LIVE_BODY_MAX (256 * 1024) /* bytes of an entry's Markdown: as an article body (page_editor.c) */
#define LIVE_KEY_EVENT_MAX 120     /* characters of a key-event label */
#define LIVE_NOTE_MAX 1000         /* characters of a correction or withdrawal note */
#define LIVE_DESK_SHOWN 100        /* entries the desk lists */
#define LIVE_DRAFTS_SHOWN 50       /* draft translations the board lists */

/* What the entry form holds: as typed (or as stored), and which field is at fault and why. */
struct live_form {
	const char *body, *key_event, *note;
	const char *invalid, *field_error;
};

/* dir_of: the writing direction of an edition's text. */
static const char *dir_of(const char *edition)
{
	return edition && strcmp(edition, "ar") == 0 ? "rtl" : "ltr";
}

/* i64s: v as decimal text in the arena. */
static const char *i64s(struct arena *a, int64_t v)
{
	return arena_printf(a, "%lld", (long long)v);
}

/* live_article: the article numbered id, when it exists and the user may see it (editor_may_see: other
 * people's unpublished work is answered as a number that does not exist). 0, 404 or 500. */
static int live_article(struct http_request *req, struct http_response *res, int64_t id, struct db_article *art)
{
	int rc = id ? db_article_get_id(req->app->db, req->arena, id, art) : DB_NOTFOUND;
	if (rc == DB_OK && !editor_may_see(req, art))
		rc = DB_NOTFOUND;
	if (rc == DB_NOTFOUND) {
		res->error_message = N_("There is no article with that number.");
		return 404;
	}
	return rc == DB_OK ? 0 : 500;
}

/* live_entry_load: entry id (path parameter "id") with its article (visible to the user). 0, 404, 500. */
static int live_entry_load(struct http_request *req, struct http_response *res, struct db_live_entry *e,
			   struct db_article *art)
{
	int64_t id = route_param_id(&req->route, "id");
	int rc = id ? db_live_entry_get(req->app->db, req->arena, id, e) : DB_NOTFOUND;
	if (rc == DB_NOTFOUND) {
		res->error_message = N_("There is no live entry with that number.");
		return 404;
	}
	if (rc != DB_OK)
		return 500;
	int st = live_article(req, res, e->article_id, art);
	if (st == 404)
		res->error_message = N_("There is no live entry with that number.");
	return st;
}

/* state_label: an entry's state in the newsroom's language. */
static const char *state_label(struct http_request *req, const char *state)
{
	enum catalog_lang lang = render_newsroom_lang(req);
	if (strcmp(state, "draft") == 0)
		return catalog_tr(lang, "translation draft");
	if (strcmp(state, "withdrawn") == 0)
		return catalog_tr(lang, "withdrawn");
	return catalog_tr(lang, "posted"); /* its own word: the articles' "published" is feminine in Arabic */
}

/* live_entry_json: the entry as the webhook events carry it (JSON text in the arena; NULL when out of
 * memory): id, article_id, times (RFC 3339), version, byline, key_event, state, note, html. */
static const char *live_entry_json(struct arena *a, const struct db_live_entry *e)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "article_id", json_integer(e->article_id));
	json_object_set_new(o, "created_at", json_string(render_iso(a, e->created_at)));
	json_object_set_new(o, "updated_at", json_string(render_iso(a, e->updated_at)));
	json_object_set_new(o, "corrected_at", e->corrected_at ? json_string(render_iso(a, e->corrected_at)) : json_null());
	json_object_set_new(o, "version", json_integer(e->version));
	json_object_set_new(o, "byline", json_string(e->byline ? e->byline : ""));
	json_object_set_new(o, "key_event", json_string(e->key_event ? e->key_event : ""));
	json_object_set_new(o, "state", json_string(e->state ? e->state : "published"));
	json_object_set_new(o, "note", json_string(e->note ? e->note : ""));
	json_object_set_new(o, "html", json_string(strcmp(e->state, "withdrawn") == 0 ? "" : e->body_html));
	char *text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	const char *copy = text ? arena_strdup(a, text) : NULL;
	free(text);
	return copy;
}

/* live_event: queues webhook event for the blog article_id with entry id's row as it is now (0: none),
 * inside the caller's transaction. DB_OK or DB_ERROR. */
static int live_event(struct http_request *req, int64_t article_id, const char *event, int64_t entry_id)
{
	struct db_live_entry e;
	const char *json = NULL;
	if (entry_id) {
		if (db_live_entry_get(req->app->db, req->arena, entry_id, &e) != DB_OK ||
		    !(json = live_entry_json(req->arena, &e)))
			return DB_ERROR;
	}
	return webhook_live(req, article_id, event, json);
}

/* form_read: the entry form as typed (never NULL fields). */
static void form_read(struct http_request *req, struct live_form *f)
{
	memset(f, 0, sizeof *f);
	const char *s;
	f->body = (s = http_form(req, "body")) ? s : "";
	f->key_event = util_trim(req->arena, (s = http_form_text(req, "key_event")) ? s : "");
	f->note = util_trim(req->arena, (s = http_form_text(req, "note")) ? s : "");
}

/* form_problem: why f cannot be stored (a sentence in the newsroom's language, f->invalid set to the
 * field), or NULL. */
static const char *form_problem(struct http_request *req, struct live_form *f)
{
	enum catalog_lang lang = render_newsroom_lang(req);
	const char *why = NULL;
	f->invalid = "body";
	if (!*util_trim(req->arena, f->body))
		why = catalog_tr(lang, "The entry cannot be empty.");
	else if (strlen(f->body) > LIVE_BODY_MAX)
		why = arena_printf(req->arena, catalog_tr(lang, "The entry is too long: %zu KB, and at most %d KB are allowed."),
				   (strlen(f->body) + 1023) / 1024, LIVE_BODY_MAX / 1024);
	else
		why = render_body_check(req->app->db, req->arena, f->body, lang);
	if (!why) {
		f->invalid = "key_event";
		why = page_too_long(req, catalog_tr(lang, "The key event label"), f->key_event, LIVE_KEY_EVENT_MAX);
	}
	if (!why) {
		f->invalid = "note";
		why = page_too_long(req, catalog_tr(lang, "The note"), f->note, LIVE_NOTE_MAX);
	}
	if (!why)
		f->invalid = NULL;
	f->field_error = why;
	return why;
}

/* form_view: the form's fields into v. */
static void form_view(struct view *v, const struct live_form *f)
{
	view_text(v, "body", f->body);
	view_text(v, "key_event", f->key_event);
	view_text(v, "field_error", f->field_error ? f->field_error : "");
	view_bool(v, "invalid_body", f->invalid && strcmp(f->invalid, "body") == 0);
	view_bool(v, "invalid_key_event", f->invalid && strcmp(f->invalid, "key_event") == 0);
}

/* article_view: the article's number, headline, language and direction into v. */
static void article_view(struct http_request *req, struct view *v, const struct db_article *art)
{
	view_text(v, "id", i64s(req->arena, art->id));
	view_text(v, "headline", art->headline);
	view_text(v, "art_lang", art->edition);
	view_text(v, "art_dir", dir_of(art->edition));
}

/* entry_row: entry e as an item of v's "entries" list. */
static void entry_row(struct http_request *req, struct view *v, const struct db_live_entry *e, int64_t pinned)
{
	struct arena *a = req->arena;
	struct view *r = view_add(v, "entries");
	view_text(r, "entry_id", i64s(a, e->id));
	view_text(r, "iso", render_iso(a, e->created_at));
	view_text(r, "when", render_stamp(a, e->created_at, catalog_code(render_newsroom_lang(req))));
	view_text(r, "byline", e->byline);
	view_text(r, "state_label", state_label(req, e->state));
	view_bool(r, "pinned", pinned && e->id == pinned);
	view_text(r, "key_event", e->key_event);
	view_bool(r, "withdrawn", strcmp(e->state, "withdrawn") == 0);
	view_bool(r, "draft", strcmp(e->state, "draft") == 0);
	view_bool(r, "published", strcmp(e->state, "published") == 0);
	view_html(r, "html", e->body_html);
	view_text(r, "note", e->note);
}

/* blog_view: the blog's state (b NULL: not a live blog) and its entries into v. 0, or -1 (store error). */
static int blog_view(struct http_request *req, struct view *v, const struct db_article *art, const struct db_live_blog *b)
{
	struct arena *a = req->arena;
	const char *code = catalog_code(render_newsroom_lang(req));
	int64_t count = 0;
	struct db_live_entry *rows = NULL;
	size_t n = 0;
	if (b && (db_live_count(req->app->db, art->id, &count) != DB_OK ||
		  db_live_desk_entries(req->app->db, a, art->id, LIVE_DESK_SHOWN, &rows, &n) != DB_OK))
		return -1;
	view_bool(v, "has_blog", b != NULL);
	view_bool(v, "is_live", b && !b->ended_at);
	view_bool(v, "ended", b && b->ended_at);
	view_text(v, "started_iso", b ? render_iso(a, b->started_at) : "");
	view_text(v, "started_when", b ? render_stamp(a, b->started_at, code) : "");
	view_text(v, "ended_iso", b && b->ended_at ? render_iso(a, b->ended_at) : "");
	view_text(v, "ended_when", b && b->ended_at ? render_stamp(a, b->ended_at, code) : "");
	view_text(v, "count", i64s(a, count));
	view_bool(v, "has_entries", n > 0);
	view_list_empty(v, "entries");
	for (size_t i = 0; i < n; i++)
		entry_row(req, v, &rows[i], b->pinned_entry_id);
	return 0;
}

/* desk_show: the live desk of art with the entry form f (NULL: empty), notice and error (catalogue strings
 * or sentences already translated) and status. Returns status, or 500 on a store error. */
static int desk_show(struct http_request *req, struct http_response *res, const struct db_article *art,
		     const struct live_form *f, const char *notice, const char *error, int status)
{
	struct live_form empty = {.body = "", .key_event = "", .note = ""};
	struct view *v = render_admin_frame(req, RENDER_LIVE_DESK, N_("Live coverage"), notice, error);
	struct db_live_blog b;
	int rc = db_live_get(req->app->db, art->id, &b);
	if (rc == DB_ERROR)
		return 500;
	article_view(req, v, art);
	view_text(v, "public_href", strcmp(art->status, "published") == 0 ? render_article_href(req->arena, art) : "");
	view_bool(v, "can_publish", editor_can_publish(req));
	form_view(v, f ? f : &empty);
	/* the entry form while live, and after a refused post (its text kept even when the blog has ended) */
	view_bool(v, "show_form", (rc == DB_OK && !b.ended_at) || f);
	if (blog_view(req, v, art, rc == DB_OK ? &b : NULL) < 0 || editor_media_options(req, v, NULL) < 0)
		return 500;
	return render_reply(req, res, RENDER_LIVE_DESK, v, status);
}

/* refuse: audits the refusal of action on target (why: the reason) and shows the desk of art with it. */
static int refuse(struct http_request *req, struct http_response *res, const struct db_article *art,
		  const struct live_form *f, const char *action, const char *target, const char *why, int status)
{
	audit_record(req, "live.refused", target, arena_printf(req->arena, "%s: %s", action, why));
	return desk_show(req, res, art, f, NULL, why, status);
}

/* blog_change: runs one change of the blog art (start, end, pin, unpin) with its webhook event (NULL:
 * none) in one transaction. DB_OK, or the store's refusal (rolled back). */
static int blog_change(struct http_request *req, const struct db_article *art, const char *what, int64_t entry,
		       const char *event)
{
	struct db *db = req->app->db;
	int64_t now = util_now();
	if (db_begin(db) != DB_OK)
		return DB_ERROR;
	int rc = strcmp(what, "start") == 0 ? db_live_start(db, art->id, now)
		 : strcmp(what, "end") == 0 ? db_live_end(db, art->id, now)
					    : db_live_pin(db, art->id, strcmp(what, "pin") == 0 ? entry : 0, now);
	if (rc == DB_OK && event)
		rc = live_event(req, art->id, event, 0);
	if (rc != DB_OK || (rc = db_commit(db)) != DB_OK) {
		db_rollback(db);
		return rc;
	}
	return DB_OK;
}

/* blog_action: the desk's POST: do = start, end, pin (entry) or unpin. Editors only. */
static int blog_action(struct http_request *req, struct http_response *res, const struct db_article *art)
{
	struct arena *a = req->arena;
	const char *what = http_form(req, "do"), *target = audit_target(a, "article", art->id);
	static const char *const whats[] = {"start", "end", "pin", "unpin"};
	static const char *const events[] = {"live.started", "live.ended", NULL, NULL};
	size_t k = 0;
	while (k < ARRAY_LEN(whats) && (!what || strcmp(what, whats[k]) != 0))
		k++;
	if (k == ARRAY_LEN(whats))
		return refuse(req, res, art, NULL, "live", target, N_("Unknown action."), 400);
	if (!editor_can_publish(req))
		return refuse(req, res, art, NULL, whats[k], target,
			      N_("Only editors and administrators start, end and pin live coverage."), 403);
	int64_t entry = 0;
	const char *es = http_form(req, "entry");
	if (k == 2 && (!es || util_parse_i64(es, &entry) != 0 || entry <= 0))
		return refuse(req, res, art, NULL, "pin", target, N_("There is no live entry with that number."), 404);
	int rc = blog_change(req, art, whats[k], entry, events[k]);
	if (rc == DB_ERROR)
		return 500;
	if (rc != DB_OK) {
		const char *why = k == 0 ? N_("This story is already live (or its coverage has ended).")
				  : k == 1 && rc == DB_CONFLICT ? N_("Coverage has ended already.")
				  : k == 2 ? N_("Only a published entry of this live blog can be pinned.")
					   : N_("This story is not live.");
		return refuse(req, res, art, NULL, whats[k], target, why, rc == DB_CONFLICT ? 409 : k == 2 ? 409 : 404);
	}
	static const char *const actions[] = {"live.started", "live.ended", "live.pinned", "live.unpinned"};
	audit_record(req, actions[k], k == 2 ? audit_target(a, "live-entry", entry) : target, NULL);
	cache_note(req, CACHE_LIVE, art->id);
	if (k < 2)
		cache_note(req, CACHE_ARTICLE_EDITED, art->id);
	log_info("live: %s on article %lld by %s", whats[k], (long long)art->id, req->session->user.login);
	http_set_header(res, "Location", arena_printf(a, "/admin/articles/%lld/live?done=%s", (long long)art->id, whats[k]));
	return 303;
}

/* done_notice: the notice for ?done= after a change (a catalogue string), or NULL. */
static const char *done_notice(struct http_request *req)
{
	static const char *const notices[][2] = {
		{"start", N_("Live coverage started.")},	 {"end", N_("Coverage ended: readers stop receiving updates.")},
		{"pin", N_("Entry pinned.")},			 {"unpin", N_("Entry unpinned.")},
		{"posted", N_("Entry posted.")},		 {"saved", N_("Live entry saved.")},
		{"withdrawn", N_("Entry withdrawn.")},		 {"published", N_("Translation published.")},
		{"translate", N_("Sent to translation: a draft waits in the other edition's live blog.")}};
	const char *done = http_param(req, "done");
	for (size_t i = 0; done && i < ARRAY_LEN(notices); i++)
		if (strcmp(done, notices[i][0]) == 0)
			return notices[i][1];
	return NULL;
}

/* WEBPAGE: GET POST /admin/articles/{id}/live
 * Parameters: id (in the path); GET done (the notice after a change: start, end, pin, unpin, posted,
 *   saved, withdrawn, published, translate); POST form: csrf, do (start, end, pin, unpin), entry (pin: the
 *   entry's number)
 * Permission: PERM_WRITE and editor_may_see of the article (else 404); the POST's actions are for editors
 *   and administrators (PERM_PUBLISH; a reporter's: 403); the CSRF token is checked by the route table
 * The live desk: the coverage's state with Start/End, the entry form (the writing desk's editor), the
 * entries newest first with edit/correct, pin, withdraw and send to translation. Starting an article that
 * is live or ended, ending an ended one, pinning an entry that is not a published entry of this blog:
 * 409 with the desk and the reason; success 303 back to the desk. */
int live_desk_page(struct http_request *req, struct http_response *res)
{
	struct db_article art;
	int st = live_article(req, res, route_param_id(&req->route, "id"), &art);
	if (st)
		return st;
	int shown = page_form_status(req);
	if (shown == 403)
		return desk_show(req, res, &art, NULL, NULL, req->refusal, 403);
	if (shown)
		return desk_show(req, res, &art, NULL, done_notice(req), NULL, 200);
	return blog_action(req, res, &art);
}

/* entry_store: appends the entry e in one transaction with its webhook event; *id gets its number. DB_OK,
 * DB_CONFLICT (the blog has ended), DB_NOTFOUND (not live) or DB_ERROR (rolled back). */
static int entry_store(struct http_request *req, const struct db_live_entry *e, const char *event, int64_t *id)
{
	struct db *db = req->app->db;
	if (db_begin(db) != DB_OK)
		return DB_ERROR;
	int rc = db_live_entry_add(db, e, id);
	if (rc == DB_OK && event)
		rc = live_event(req, e->article_id, event, *id);
	if (rc != DB_OK || (rc = db_commit(db)) != DB_OK) {
		db_rollback(db);
		return rc;
	}
	return DB_OK;
}

/* WEBPAGE: POST /admin/articles/{id}/live/entries
 * Parameters: id (in the path); form: csrf, body (Markdown, the writing desk's stored form, at most
 *   256 KB), key_event (a label, at most 120 characters; empty: not a key event)
 * Permission: PERM_WRITE and editor_may_see of the article (else 404); the CSRF token is checked by the
 *   route table (a refused POST shows the desk with what was typed, 403)
 * Appends an entry (two posted at once are two entries). An empty, over-long or invalid body or label:
 * 400 with the form as typed; a story that is not live: 409; coverage ended: 409 "Coverage has ended";
 * success 303 to the desk. */
int live_entry_post_page(struct http_request *req, struct http_response *res)
{
	struct db_article art;
	int st = live_article(req, res, route_param_id(&req->route, "id"), &art);
	if (st)
		return st;
	struct live_form f;
	form_read(req, &f);
	f.note = "";
	if (req->refusal)
		return desk_show(req, res, &art, &f, NULL, req->refusal, 403);
	const char *target = audit_target(req->arena, "article", art.id);
	if (form_problem(req, &f))
		return refuse(req, res, &art, &f, "live.entry.posted", target, f.field_error, 400);
	struct db_live_entry e = {.article_id = art.id, .author_id = req->session->user.id,
				  .byline = req->session->user.display_name, .created_at = util_now(), .body_md = f.body,
				  .body_html = render_body_html(req->app->db, req->arena, f.body, art.edition),
				  .key_event = f.key_event, .state = "published"};
	int64_t id = 0;
	int rc = entry_store(req, &e, "live.entry.created", &id);
	if (rc == DB_CONFLICT)
		return refuse(req, res, &art, &f, "live.entry.posted", target, N_("Coverage has ended: no more entries can be posted."), 409);
	if (rc == DB_NOTFOUND)
		return refuse(req, res, &art, &f, "live.entry.posted", target, N_("This story is not live: an editor starts its coverage first."), 409);
	if (rc != DB_OK)
		return 500;
	audit_record(req, "live.entry.posted", audit_target(req->arena, "live-entry", id), f.key_event);
	cache_note(req, CACHE_LIVE, art.id);
	http_set_header(res, "Location", arena_printf(req->arena, "/admin/articles/%lld/live?done=posted#entry-%lld",
						      (long long)art.id, (long long)id));
	return 303;
}

/* entry_show: the edit page of entry e (of art) with form f, the stored version as current (when stale),
 * error and status. Returns status, or 500 on a store error. */
static int entry_show(struct http_request *req, struct http_response *res, const struct db_article *art,
		      const struct db_live_entry *e, const struct live_form *f, int64_t version, int stale,
		      const char *error, int status)
{
	struct arena *a = req->arena;
	struct view *v = render_admin_frame(req, RENDER_LIVE_ENTRY, N_("Live entry"), NULL, error);
	article_view(req, v, art);
	form_view(v, f);
	view_text(v, "entry_id", i64s(a, e->id));
	view_bool(v, "draft", strcmp(e->state, "draft") == 0);
	view_text(v, "version", i64s(a, version));
	view_text(v, "state_label", state_label(req, e->state));
	view_text(v, "note", f->note);
	view_bool(v, "invalid_note", f->invalid && strcmp(f->invalid, "note") == 0);
	view_bool(v, "stale", stale);
	view_html(v, "current_html", e->body_html);
	view_text(v, "current_md", e->body_md);
	view_text(v, "current_key_event", e->key_event);
	view_text(v, "current_note", e->note);
	struct db_live_entry src;
	int rc = e->source_entry_id ? db_live_entry_get(req->app->db, a, e->source_entry_id, &src) : DB_NOTFOUND;
	if (rc == DB_ERROR)
		return 500;
	struct db_article sart;
	if (rc == DB_OK && db_article_get_id(req->app->db, a, src.article_id, &sart) != DB_OK)
		rc = DB_NOTFOUND;
	view_bool(v, "has_source", rc == DB_OK && strcmp(e->state, "draft") == 0);
	view_text(v, "source_lang", rc == DB_OK ? sart.edition : "en");
	view_text(v, "source_dir", rc == DB_OK ? dir_of(sart.edition) : "ltr");
	view_html(v, "source_html", rc == DB_OK ? src.body_html : "");
	if (editor_media_options(req, v, NULL) < 0)
		return 500;
	return render_reply(req, res, RENDER_LIVE_ENTRY, v, status);
}

/* entry_update: the compare-and-set edit of e in one transaction with its webhook event. DB_OK,
 * DB_CONFLICT (stale or withdrawn), DB_NOTFOUND or DB_ERROR (rolled back). */
static int entry_update(struct http_request *req, const struct db_live_entry *e)
{
	struct db *db = req->app->db;
	if (db_begin(db) != DB_OK)
		return DB_ERROR;
	int rc = db_live_entry_update(db, e, util_now());
	if (rc == DB_OK && strcmp(e->state, "draft") != 0)
		rc = live_event(req, e->article_id, "live.entry.updated", e->id);
	if (rc != DB_OK || (rc = db_commit(db)) != DB_OK) {
		db_rollback(db);
		return rc;
	}
	return DB_OK;
}

/* entry_save: the edit POST of entry cur (of art): checks, stores at the version typed, or answers 409
 * with the stored text beside what was typed. */
static int entry_save(struct http_request *req, struct http_response *res, const struct db_article *art,
		      const struct db_live_entry *cur)
{
	struct live_form f;
	form_read(req, &f);
	int64_t version = 0;
	const char *vs = http_form(req, "version"), *target = audit_target(req->arena, "live-entry", cur->id);
	if (!vs || util_parse_i64(vs, &version) != 0 || version <= 0)
		version = cur->version;
	if (req->refusal)
		return entry_show(req, res, art, cur, &f, version, 0, req->refusal, 403);
	if (strcmp(cur->state, "withdrawn") == 0) {
		audit_record(req, "live.refused", target, "live.entry.corrected: withdrawn");
		return entry_show(req, res, art, cur, &f, version, 0, N_("This entry has been withdrawn: it cannot be corrected."), 409);
	}
	if (form_problem(req, &f)) {
		audit_record(req, "live.refused", target, arena_printf(req->arena, "live.entry.corrected: %s", f.field_error));
		return entry_show(req, res, art, cur, &f, version, 0, f.field_error, 400);
	}
	struct db_live_entry e = *cur;
	e.version = version;
	e.body_md = f.body;
	e.body_html = render_body_html(req->app->db, req->arena, f.body, art->edition);
	e.key_event = f.key_event;
	e.note = strcmp(cur->state, "draft") == 0 ? "" : f.note;
	int rc = entry_update(req, &e);
	if (rc == DB_CONFLICT) { /* someone saved first (or withdrew it): show theirs, keep ours */
		struct db_live_entry now;
		if (db_live_entry_get(req->app->db, req->arena, cur->id, &now) != DB_OK)
			return 500;
		int withdrawn = strcmp(now.state, "withdrawn") == 0;
		audit_record(req, "live.refused", target, withdrawn ? "live.entry.corrected: withdrawn" : "live.entry.corrected: stale version");
		return entry_show(req, res, art, &now, &f, withdrawn ? version : now.version, !withdrawn,
				  withdrawn ? N_("This entry has been withdrawn: it cannot be corrected.")
					    : N_("Someone else saved this entry meanwhile: compare their version with yours, then save again."),
				  409);
	}
	if (rc == DB_NOTFOUND)
		return 404;
	if (rc != DB_OK)
		return 500;
	audit_record(req, *e.note ? "live.entry.corrected" : "live.entry.edited", target, *e.note ? e.note : NULL);
	if (strcmp(cur->state, "draft") != 0)
		cache_note(req, CACHE_LIVE, art->id);
	http_set_header(res, "Location", arena_printf(req->arena, "/admin/articles/%lld/live?done=saved#entry-%lld",
						      (long long)art->id, (long long)cur->id));
	return 303;
}

/* WEBPAGE: GET POST /admin/live-entries/{id}
 * Parameters: id (in the path); POST form: csrf, version (the entry's version the form was made from),
 *   body (Markdown, at most 256 KB), key_event (at most 120 characters), note (correction note shown to
 *   readers, at most 1000 characters; empty: a silent fix)
 * Permission: PERM_WRITE and editor_may_see of the entry's article (else 404); the CSRF token is checked
 *   by the route table (a refused POST shows the form with what was typed, 403)
 * One entry's edit form (a draft translation's shows the entry it translates). Saving is a compare-and-set
 * on version: a stale one answers 409 with the stored text shown and what was typed kept; a withdrawn
 * entry 409; bad input 400 with the form as typed; success 303 to the desk. */
int live_entry_edit_page(struct http_request *req, struct http_response *res)
{
	struct db_live_entry e;
	struct db_article art;
	int st = live_entry_load(req, res, &e, &art);
	if (st)
		return st;
	if (page_form_status(req) == 200) {
		struct live_form f = {.body = e.body_md, .key_event = e.key_event, .note = e.note};
		return entry_show(req, res, &art, &e, &f, e.version, 0, NULL, 200);
	}
	return entry_save(req, res, &art, &e);
}

/* entry_write: runs one write of entry e (withdraw with note, or publish) with its webhook event, in one
 * transaction. DB_OK or the store's refusal (rolled back). */
static int entry_write(struct http_request *req, const struct db_live_entry *e, const char *note, const char *event)
{
	struct db *db = req->app->db;
	if (db_begin(db) != DB_OK)
		return DB_ERROR;
	int rc = note ? db_live_entry_withdraw(db, e->id, note, util_now()) : db_live_entry_publish(db, e->id, util_now());
	if (rc == DB_OK)
		rc = live_event(req, e->article_id, event, e->id);
	if (rc != DB_OK || (rc = db_commit(db)) != DB_OK) {
		db_rollback(db);
		return rc;
	}
	return DB_OK;
}

/* WEBPAGE: POST /admin/live-entries/{id}/withdraw
 * Parameters: id (in the path); form: csrf, note (shown to readers in the entry's place; 1 to 1000
 *   characters)
 * Permission: editors and administrators (PERM_PUBLISH), editor_may_see of the entry's article (else
 *   404); the CSRF token is checked by the route table
 * Withdraws a published entry (it is unpinned; readers see the note only). No note or an over-long one:
 * 400; already withdrawn or a draft: 409; success 303 to the desk. */
int live_entry_withdraw_page(struct http_request *req, struct http_response *res)
{
	struct db_live_entry e;
	struct db_article art;
	int st = live_entry_load(req, res, &e, &art);
	if (st)
		return st;
	enum catalog_lang lang = render_newsroom_lang(req);
	const char *target = audit_target(req->arena, "live-entry", e.id);
	const char *note = util_trim(req->arena, http_form_text(req, "note") ? http_form_text(req, "note") : "");
	const char *why = *note ? page_too_long(req, catalog_tr(lang, "The note"), note, LIVE_NOTE_MAX)
				: catalog_tr(lang, "Say why the entry is withdrawn: readers see this note in its place.");
	if (why)
		return refuse(req, res, &art, NULL, "live.entry.withdrawn", target, why, 400);
	if (strcmp(e.state, "published") != 0)
		return refuse(req, res, &art, NULL, "live.entry.withdrawn", target,
			      N_("Only a published entry can be withdrawn."), 409);
	int rc = entry_write(req, &e, note, "live.entry.withdrawn");
	if (rc == DB_CONFLICT)
		return refuse(req, res, &art, NULL, "live.entry.withdrawn", target, N_("Only a published entry can be withdrawn."), 409);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? 404 : 500;
	audit_record(req, "live.entry.withdrawn", target, note);
	cache_note(req, CACHE_LIVE, art.id);
	http_set_header(res, "Location", arena_printf(req->arena, "/admin/articles/%lld/live?done=withdrawn", (long long)art.id));
	return 303;
}

/* WEBPAGE: POST /admin/live-entries/{id}/publish
 * Parameters: id (in the path); form: csrf
 * Permission: PERM_WRITE and editor_may_see of the entry's article (else 404); the CSRF token is checked
 *   by the route table
 * A draft translation goes out in its live blog. Not a draft, or its coverage has ended: 409; success 303
 * to the desk. */
int live_entry_publish_page(struct http_request *req, struct http_response *res)
{
	struct db_live_entry e;
	struct db_article art;
	int st = live_entry_load(req, res, &e, &art);
	if (st)
		return st;
	const char *target = audit_target(req->arena, "live-entry", e.id);
	int rc = entry_write(req, &e, NULL, "live.entry.created");
	if (rc == DB_CONFLICT)
		return refuse(req, res, &art, NULL, "live.entry.published", target,
			      N_("Only a translation draft of a live blog whose coverage goes on can be published."), 409);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? 404 : 500;
	audit_record(req, "live.entry.published", target, NULL);
	cache_note(req, CACHE_LIVE, art.id);
	http_set_header(res, "Location", arena_printf(req->arena, "/admin/articles/%lld/live?done=published#entry-%lld",
						      (long long)art.id, (long long)e.id));
	return 303;
}

/* translate_target: the live blog paired with art in the other edition (its translation group), into
 * *mate. 0, or the refusal's status with *why (a catalogue string). */
static int translate_target(struct http_request *req, const struct db_article *art, struct db_article *mate,
			    const char **why)
{
	int rc = db_article_translation_any(req->app->db, req->arena, art, mate);
	if (rc == DB_ERROR)
		return 500;
	struct db_live_blog b;
	if (rc == DB_NOTFOUND) {
		*why = N_("This story has no translation in the other edition: pair it with one first.");
		return 409;
	}
	rc = db_live_get(req->app->db, mate->id, &b);
	if (rc == DB_ERROR)
		return 500;
	if (rc == DB_NOTFOUND || b.ended_at) {
		*why = rc == DB_NOTFOUND ? N_("The other edition's story is not live: start its coverage first.")
					 : N_("Coverage has ended in the other edition.");
		return 409;
	}
	return 0;
}

/* already_sent: whether the blog mate_id holds an entry translating source_id. 1, 0, or -1 (store error). */
static int already_sent(struct http_request *req, int64_t mate_id, int64_t source_id)
{
	struct db_live_entry *rows;
	size_t n;
	if (db_live_desk_entries(req->app->db, req->arena, mate_id, LIVE_DESK_SHOWN, &rows, &n) != DB_OK)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (rows[i].source_entry_id == source_id)
			return 1;
	return 0;
}

/* WEBPAGE: POST /admin/live-entries/{id}/translate
 * Parameters: id (in the path); form: csrf
 * Permission: PERM_WRITE and editor_may_see of the entry's article (else 404); the CSRF token is checked
 *   by the route table
 * Sends a published entry to translation: a draft entry in the live blog of the other edition paired with
 * this story (db_article_translation_any), its source set and its text copied, listed on
 * /admin/translations for the translator, who edits and publishes it. No paired story, the pair not live
 * or ended, the entry not published, or already sent: 409; success 303 to the desk. */
int live_entry_translate_page(struct http_request *req, struct http_response *res)
{
	struct db_live_entry e;
	struct db_article art, mate;
	int st = live_entry_load(req, res, &e, &art);
	if (st)
		return st;
	const char *target = audit_target(req->arena, "live-entry", e.id), *why = NULL;
	if (strcmp(e.state, "published") != 0)
		return refuse(req, res, &art, NULL, "live.entry.translate", target, N_("Only a published entry can be sent to translation."), 409);
	if ((st = translate_target(req, &art, &mate, &why)))
		return why ? refuse(req, res, &art, NULL, "live.entry.translate", target, why, st) : st;
	int sent = already_sent(req, mate.id, e.id);
	if (sent < 0)
		return 500;
	if (sent)
		return refuse(req, res, &art, NULL, "live.entry.translate", target, N_("This entry has already been sent to translation."), 409);
	struct db_live_entry d = {.article_id = mate.id, .author_id = e.author_id, .byline = e.byline, .created_at = util_now(),
				  .body_md = e.body_md, .body_html = render_body_html(req->app->db, req->arena, e.body_md, mate.edition),
				  .key_event = e.key_event, .state = "draft", .source_entry_id = e.id};
	int64_t id = 0;
	int rc = entry_store(req, &d, NULL, &id);
	if (rc == DB_CONFLICT || rc == DB_NOTFOUND)
		return refuse(req, res, &art, NULL, "live.entry.translate", target, N_("Coverage has ended in the other edition."), 409);
	if (rc != DB_OK)
		return 500;
	audit_record(req, "live.entry.translate", audit_target(req->arena, "live-entry", id),
		     arena_printf(req->arena, "translation of live entry %lld", (long long)e.id));
	http_set_header(res, "Location", arena_printf(req->arena, "/admin/articles/%lld/live?done=translate", (long long)art.id));
	return 303;
}

/* live_translation_drafts: the draft live entries waiting for their translator (see pages.h). */
int live_translation_drafts(struct http_request *req, struct view *v)
{
	struct arena *a = req->arena;
	enum catalog_lang lang = render_newsroom_lang(req);
	struct db_live_entry *rows;
	size_t n, shown = 0;
	view_list_empty(v, "live_drafts");
	if (db_live_drafts(req->app->db, a, LIVE_DRAFTS_SHOWN, &rows, &n) != DB_OK)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct db_article art;
		int rc = db_article_get_id(req->app->db, a, rows[i].article_id, &art);
		if (rc == DB_ERROR)
			return -1;
		if (rc != DB_OK || !editor_may_see(req, &art))
			continue;
		struct view *o = view_add(v, "live_drafts");
		view_text(o, "entry_id", i64s(a, rows[i].id));
		view_text(o, "lang", art.edition);
		view_text(o, "dir", dir_of(art.edition));
		view_text(o, "headline", art.headline);
		view_text(o, "edition_name", catalog_tr(lang, strcmp(art.edition, "ar") == 0 ? "Arabic" : "English"));
		view_text(o, "iso", render_iso(a, rows[i].created_at));
		view_text(o, "when", render_stamp(a, rows[i].created_at, catalog_code(lang)));
		shown++;
	}
	view_bool(v, "has_live_drafts", shown > 0);
	return 0;
}
