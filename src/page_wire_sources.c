/* page_wire_sources.c - where the wires come from (issue 23): the sources page (publishers and
 * administrators add, edit and disable feeds, folders and push endpoints; each shows its last poll, its
 * failures with the last error and its next poll, backed off after errors), "poll now", and the push
 * endpoint agencies POST items to (a bearer token shown once at creation, kept as a keyed hash; the headers
 * are checked before the body is read). */
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "pages.h"
#include "render.h"
#include "tmpl.h"
#include "util.h"
#include "wires.h"

#define SOURCE_NAME_MAX 100
#define SOURCE_URL_MAX 2000
#define SOURCE_CREDIT_MAX 100
#define TOKEN_PREFIX "bsw_"

/* The kinds of source, stored keyword and label. */
static const char *const kinds[][2] = {
	{"feed", N_("RSS or Atom feed (polled)")}, {"folder", N_("Folder (files dropped on the server)")},
	{"push", N_("Push (the agency sends items to this site)")}};

/* token_hash: the keyed hash the store keeps of push token tok, into out (AUTH_TOKEN_HEX bytes). */
static void token_hash(const struct app *app, const char *tok, char *out)
{
	auth_keyed_hash(app->secret, "wire push token", tok, strlen(tok), out);
}

/* A source form as typed. */
struct src_form {
	int64_t id;
	const char *name, *kind, *url, *credit, *lang, *interval;
	int active;
	const char *invalid, *why;
};

/* source_row: appends source s to the page's rows. */
static void source_row(struct http_request *req, struct view *v, const struct db_wire_source *s)
{
	struct arena *a = req->arena;
	enum catalog_lang lang = render_newsroom_lang(req);
	struct view *r = view_add(v, "rows");
	view_text(r, "id", arena_printf(a, "%lld", (long long)s->id));
	view_text(r, "name", s->name);
	const char *label = s->kind;
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		if (strcmp(kinds[i][0], s->kind) == 0)
			label = catalog_tr(lang, kinds[i][1]);
	view_text(r, "kind_label", label);
	view_text(r, "url", s->url);
	view_text(r, "credit", s->credit);
	view_text(r, "lang", s->lang);
	view_bool(r, "active", s->active);
	view_text(r, "items", arena_printf(a, "%lld", (long long)s->items));
	view_text(r, "last_ok", s->last_ok_at ? arena_printf(a, "%s UTC", render_time_input(a, s->last_ok_at)) : "");
	view_text(r, "failures", s->failures ? arena_printf(a, "%d", s->failures) : "");
	view_text(r, "last_error", s->last_error);
	view_text(r, "next_poll", s->active && s->next_poll_at ? arena_printf(a, "%s UTC", render_time_input(a, s->next_poll_at)) : "");
	view_bool(r, "pollable", strcmp(s->kind, "push") != 0);
	view_text(r, "push_url", strcmp(s->kind, "push") == 0 ? arena_printf(a, "/api/wires/%lld", (long long)s->id) : "");
	view_text(r, "folder", strcmp(s->kind, "folder") == 0 ? wires_folder(a, req->app, s->id, "incoming") : "");
}

/* sources_show: the page: every source, the form f, notice/error (catalogue strings), the new token once. */
static int sources_show(struct http_request *req, struct http_response *res, const struct src_form *f,
			const char *notice, const char *error, const char *token, int64_t token_id, int status)
{
	struct arena *a = req->arena;
	enum catalog_lang lang = render_newsroom_lang(req);
	struct view *v = render_admin_frame(req, RENDER_WIRE_SOURCES, N_("Wire sources"), notice, error);
	struct db_wire_source *rows = NULL;
	size_t n = 0;
	if (db_wire_source_list(req->app->db, a, &rows, &n) != DB_OK)
		return 500;
	view_list_empty(v, "rows");
	for (size_t i = 0; i < n; i++)
		source_row(req, v, &rows[i]);
	view_bool(v, "has_rows", n > 0);
	view_text(v, "token", token ? token : "");
	view_text(v, "token_url", token ? arena_printf(a, "/api/wires/%lld", (long long)token_id) : "");
	view_bool(v, "editing", f->id > 0);
	view_text(v, "form_id", f->id ? arena_printf(a, "%lld", (long long)f->id) : "");
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
		struct view *o = view_add(v, "kinds");
		view_text(o, "value", kinds[i][0]);
		view_text(o, "label", catalog_tr(lang, kinds[i][1]));
		view_bool(o, "selected", strcmp(f->kind, kinds[i][0]) == 0);
	}
	static const char *const langs[][2] = {{"", N_("As each item says")}, {"en", N_("English")}, {"ar", N_("Arabic")}};
	for (size_t i = 0; i < ARRAY_LEN(langs); i++) {
		struct view *o = view_add(v, "f_langs");
		view_text(o, "value", langs[i][0]);
		view_text(o, "label", catalog_tr(lang, langs[i][1]));
		view_bool(o, "selected", strcmp(f->lang, langs[i][0]) == 0);
	}
	view_text(v, "name", f->name);
	view_text(v, "url", f->url);
	view_text(v, "credit", f->credit);
	view_text(v, "interval", f->interval);
	view_bool(v, "active", f->active);
	view_text(v, "field_error", f->why ? catalog_tr(lang, f->why) : "");
	view_text(v, "invalid", f->invalid ? f->invalid : "");
	return render_reply(req, res, RENDER_WIRE_SOURCES, v, status);
}

/* form_posted: the form as typed (never NULL fields). */
static void form_posted(struct http_request *req, struct src_form *f)
{
	const char *s;
	memset(f, 0, sizeof *f);
	if ((s = http_form(req, "id")) && *s && (util_parse_i64(s, &f->id) < 0 || f->id < 0))
		f->id = 0;
	f->name = (s = http_form_text(req, "name")) ? s : "";
	f->kind = (s = http_form(req, "kind")) ? s : "";
	f->url = (s = http_form_text(req, "url")) ? s : "";
	f->credit = (s = http_form_text(req, "credit")) ? s : "";
	f->lang = (s = http_form(req, "lang")) ? s : "";
	f->interval = (s = http_form(req, "interval")) ? s : "";
	f->active = http_form(req, "active") != NULL;
}

/* form_problem: why f cannot be stored (a catalogue string, f->invalid the field), NULL when it can;
 * *interval the poll interval in seconds. */
static const char *form_problem(struct src_form *f, int64_t *interval)
{
	int known = 0, feed = strcmp(f->kind, "feed") == 0;
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		known |= strcmp(f->kind, kinds[i][0]) == 0;
	*interval = 600;
	int bad_interval = *f->interval && (util_parse_i64(f->interval, interval) < 0 || *interval < 10 || *interval > 86400);
	struct {
		int bad;
		const char *field, *why;
	} checks[] = {
		{!*f->name || strlen(f->name) > SOURCE_NAME_MAX, "name", N_("Give the source a name of at most 100 bytes.")},
		{!known, "kind", N_("Choose a feed, a folder or a push endpoint.")},
		{feed && strncmp(f->url, "https://", 8) != 0 && strncmp(f->url, "http://", 7) != 0, "url",
		 N_("A feed needs its address, starting with https:// or http://.")},
		{strlen(f->url) > SOURCE_URL_MAX || strpbrk(f->url, " \t\r\n"), "url",
		 N_("The address is too long or has spaces in it.")},
		{strlen(f->credit) > SOURCE_CREDIT_MAX, "credit", N_("The credit is too long: at most 100 bytes.")},
		{*f->lang && strcmp(f->lang, "en") != 0 && strcmp(f->lang, "ar") != 0, "lang", N_("Choose English or Arabic.")},
		{bad_interval, "interval", N_("The poll interval is a number of seconds from 10 to 86400.")},
	};
	for (size_t i = 0; i < ARRAY_LEN(checks); i++)
		if (checks[i].bad) {
			f->invalid = checks[i].field;
			return f->why = checks[i].why;
		}
	return NULL;
}

/* source_save: stores the posted source f (a new push source gets its token, shown once). */
static int source_save(struct http_request *req, struct http_response *res, struct src_form *f)
{
	int64_t interval, id = 0;
	const char *why = form_problem(f, &interval);
	if (why) {
		audit_record(req, "wire.refused", audit_target(req->arena, "wiresource", f->id), why);
		return sources_show(req, res, f, NULL, why, NULL, 0, 400);
	}
	char tok[AUTH_TOKEN_HEX + 8] = "", hash[AUTH_TOKEN_HEX] = "";
	if (!f->id && strcmp(f->kind, "push") == 0) {
		char hex[AUTH_TOKEN_HEX];
		auth_random_hex(hex);
		snprintf(tok, sizeof tok, TOKEN_PREFIX "%s", hex);
		token_hash(req->app, tok, hash);
	}
	struct db_wire_source s = {.id = f->id, .name = f->name, .kind = f->kind, .url = f->url, .token_hash = hash,
				   .credit = f->credit, .lang = f->lang, .active = f->id ? f->active : 1,
				   .poll_interval = interval, .created_at = util_now()};
	int rc = db_wire_source_put(req->app->db, &s, &id);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? 404 : 500;
	audit_record(req, f->id ? "wire.source_saved" : "wire.source_added", audit_target(req->arena, "wiresource", id),
		     arena_printf(req->arena, "%s (%s)", f->name, f->kind));
	wires_wake(req->app);
	struct src_form empty = {.name = "", .kind = "feed", .url = "", .credit = "", .lang = "", .interval = "600", .active = 1};
	if (*tok)
		return sources_show(req, res, &empty, N_("Push source added. Give the agency this token now: it is not shown again."),
				    NULL, tok, id, 201);
	http_set_header(res, "Location", "/admin/wires/sources?done=saved");
	return 303;
}

/* WEBPAGE: GET POST /admin/wires/sources
 * Parameters: GET edit (a source's id: its fields in the form), done (saved); POST form: csrf, id (empty: a
 *   new source), name, kind (feed, folder, push; fixed once made), url (feeds), credit, lang (en, ar or
 *   empty), interval (seconds between polls, 10 to 86400), active (on: polled or accepted)
 * Permission: publishers and administrators (PERM_PUBLISH); a POST carries the session's CSRF token
 * The wire sources and the form to add or edit one. A new push source's token is shown once (201). A
 * refusal answers 400 with the form as typed and the field named. */
int wire_sources_page(struct http_request *req, struct http_response *res)
{
	struct src_form f;
	int shown = page_form_status(req);
	if (shown == 403) {
		form_posted(req, &f);
		return sources_show(req, res, &f, NULL, req->refusal, NULL, 0, 403);
	}
	if (shown) {
		f = (struct src_form){.name = "", .kind = "feed", .url = "", .credit = "", .lang = "", .interval = "600", .active = 1};
		const char *edit = http_param(req, "edit");
		int64_t id = 0;
		if (edit && (util_parse_i64(edit, &id) < 0 || id <= 0))
			return 404;
		struct db_wire_source s;
		if (id) {
			int rc = db_wire_source_get(req->app->db, req->arena, id, &s);
			if (rc != DB_OK)
				return rc == DB_NOTFOUND ? 404 : 500;
			f = (struct src_form){.id = id, .name = s.name, .kind = s.kind, .url = s.url, .credit = s.credit,
					      .lang = s.lang, .active = s.active,
					      .interval = arena_printf(req->arena, "%lld", (long long)s.poll_interval)};
		}
		const char *done = http_param(req, "done");
		return sources_show(req, res, &f, done && strcmp(done, "saved") == 0 ? N_("Source saved.")
						  : done && strcmp(done, "polled") == 0 ? N_("Source polled: see its last poll and error below.")
											 : NULL,
				    NULL, NULL, 0, 200);
	}
	form_posted(req, &f);
	if (f.id) { /* the kind is fixed once made */
		struct db_wire_source s;
		int rc = db_wire_source_get(req->app->db, req->arena, f.id, &s);
		if (rc != DB_OK)
			return rc == DB_NOTFOUND ? 404 : 500;
		f.kind = s.kind;
	}
	return source_save(req, res, &f);
}

/* WEBPAGE: POST /admin/wires/sources/{id}/poll
 * Parameters: id (in the path); form: csrf
 * Permission: publishers and administrators (PERM_PUBLISH); the session's CSRF token, checked by the route table
 * Polls a feed or folder source now (its backoff is ignored; the outcome is recorded as a poll's) and
 * answers 303 back to the sources page. A push source has nothing to poll (409). */
int wire_source_poll_page(struct http_request *req, struct http_response *res)
{
	int64_t id = route_param_id(&req->route, "id");
	struct db_wire_source s;
	int rc = id ? db_wire_source_get(req->app->db, req->arena, id, &s) : DB_NOTFOUND;
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? 404 : 500;
	if (strcmp(s.kind, "push") == 0) {
		res->error_message = N_("A push source has nothing to poll: the agency sends its items.");
		return 409;
	}
	rc = wires_poll(req->app, &s);
	audit_record(req, "wire.polled", audit_target(req->arena, "wiresource", id), rc < 0 ? "failed" : "ok");
	http_set_header(res, "Location", "/admin/wires/sources?done=polled");
	return 303;
}

/* push_format: the format a push's Content-Type names, or -1. */
static int push_format(const char *ct)
{
	if (!ct)
		return -1;
	size_t n = strcspn(ct, "; ");
	if (n == 16 && strncasecmp(ct, "application/json", 16) == 0)
		return WIRES_NINJS;
	if ((n == 15 && strncasecmp(ct, "application/xml", 15) == 0) || (n == 8 && strncasecmp(ct, "text/xml", 8) == 0))
		return WIRES_NEWSML;
	return -1;
}

/* push_source: the push source the request's path names, checked against its bearer token: 0 with *s, or
 * the refusal's status (res filled as JSON). */
static int push_source(struct http_request *req, struct http_response *res, struct db_wire_source *s)
{
	int64_t id = route_param_id(&req->route, "id");
	const char *h = http_header(req, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0 || strlen(h + 7) > 200) {
		http_set_header(res, "WWW-Authenticate", "Bearer realm=\"broadsheet wires\"");
		return api_error(res, 401, "unauthorized", "Send the source's token as: Authorization: Bearer bsw_...");
	}
	int rc = id ? db_wire_source_get(req->app->db, req->arena, id, s) : DB_NOTFOUND;
	if (rc == DB_ERROR)
		return api_error(res, 500, "internal", "The source could not be read.");
	char hash[AUTH_TOKEN_HEX];
	token_hash(req->app, h + 7, hash);
	if (rc == DB_NOTFOUND || strcmp(s->kind, "push") != 0 || !*s->token_hash || !auth_equal(hash, s->token_hash)) {
		http_set_header(res, "WWW-Authenticate", "Bearer realm=\"broadsheet wires\", error=\"invalid_token\"");
		return api_error(res, 401, "unauthorized", "This token is not the push token of this wire source.");
	}
	if (!s->active)
		return api_error(res, 403, "source_disabled", "This wire source is disabled in the newsroom.");
	return 0;
}

int wires_push_gate(struct http_request *req, struct http_response *res)
{
	struct db_wire_source s;
	int st = push_source(req, res, &s);
	if (st)
		return st;
	if (push_format(http_header(req, "Content-Type")) < 0)
		return api_error(res, 415, "unsupported_media_type",
				 "Send ninjs as application/json, or NewsML-G2 as application/xml or text/xml.");
	const char *cl = http_header(req, "Content-Length");
	int64_t n = 0;
	if (cl && util_parse_i64(cl, &n) == 0 && (n > (int64_t)WIRE_MAX_INPUT || n > req->app->cfg.max_body_bytes))
		return api_error(res, 413, "too_large",
				 arena_printf(req->arena, "The item is larger than this endpoint accepts (%lld bytes at most).",
					      (long long)(req->app->cfg.max_body_bytes < (int)WIRE_MAX_INPUT ? req->app->cfg.max_body_bytes
												  : (int)WIRE_MAX_INPUT)));
	return 0;
}

/* push_reply: what a push did, as JSON: the items with their desk id, version and outcome, and the counts. */
static int push_reply(struct http_response *res, const struct wires_tally *t)
{
	static const char *const names[] = {"new", "updated", "ignored"};
	json_t *items = json_array();
	for (size_t i = 0; i < t->n; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)t->ids[i], "guid",
						       t->items[i].guid, "version", (json_int_t)t->items[i].version,
						       "outcome", names[t->outcomes[i]]));
	json_t *o = json_pack("{s:o, s:i, s:i, s:i, s:i}", "items", items, "new", t->added, "updated", t->updated,
			      "ignored", t->ignored, "skipped", t->skipped);
	http_set_header(res, "Cache-Control", "no-store");
	return page_json_reply(res, o, t->added || t->updated ? 202 : 200);
}

/* WEBPAGE: POST /api/wires/{id}
 * Parameters: id (the push source's id, in the path); body: one ninjs item (Content-Type application/json)
 *   or a NewsML-G2 newsItem or newsMessage (application/xml or text/xml)
 * Permission: the source's push token as Authorization: Bearer (wires_push_gate, before the body is read:
 *   401 without it or with another, 415 for another content type, 413 for a Content-Length over the limit)
 * Ingests the items: a new guid lands on the Wires desk, a higher version updates its entry (flagging drafts
 * made from it), the same or a lower version is ignored. 202 when something landed, 200 when nothing
 * changed, with what happened as JSON; 422 with the parser's reason when the document is refused. */
int wire_push_page(struct http_request *req, struct http_response *res)
{
	struct db_wire_source s;
	int st = push_source(req, res, &s); /* again: the gate ran before the body, this reads the row */
	if (st)
		return st;
	int fmt = push_format(http_header(req, "Content-Type"));
	if (fmt < 0)
		return api_error(res, 415, "unsupported_media_type", "Send ninjs as application/json, or NewsML-G2 as XML.");
	struct wires_tally t;
	char err[512] = "";
	if (wires_ingest_doc(req->app->db, req->arena, &s, (enum wires_format)fmt, req->body ? req->body : "",
			     req->body_len, util_now(), &t, err, sizeof err) < 0) {
		log_info("wires: push to source %lld refused: %s", (long long)s.id, err);
		return api_error(res, 422, "unprocessable", arena_printf(req->arena, "The item was not accepted: %s.", err));
	}
	log_info("wires: push to source %lld: %d new, %d updated, %d ignored", (long long)s.id, t.added, t.updated,
		 t.ignored);
	return push_reply(res, &t);
}
