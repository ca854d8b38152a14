/* page_editor.c - the newsroom's article pages: the editor (write, preview, save with stale-version
 * detection), the workflow (submit, schedule, publish, unpublish), revision history with diffs and
 * restore, corrections, and the live Markdown preview. A refused form is shown again with everything the
 * person typed; nothing is written unless the whole save succeeds in one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "audit.h"
#include "cache_keys.h"
#include "catalog.h"
#include "article.h"
#include "auth.h"
#include "datefmt.h"
#include "db.h"
#include "diff.h"
#include "escape.h"
#include "uri.h"
#include "log.h"
#include "page_editor.h"
#include "pages.h"
#include "render.h"
#include "scheduler.h"
#include "util.h"
#include "webhook.h"

/* Limits of the text fields in characters (utf8_chars), as templates/editor.html's data-max-chars state
 * them; the body in bytes (a bound on storage, far beyond any article) and the slug in bytes (it is part
 * of the address, and article_slugify keeps at most 200 bytes). */
#define MAX_HEADLINE 300
#define MAX_STANDFIRST 1000
#define MAX_DATELINE 100
#define MAX_CREDIT 200
#define MAX_SLUG 200
#define MAX_BODY (256 * 1024)
#define MAX_SHORT 500
#define MAX_BYLINES 8
#define MAX_TAGS 20
#define MAX_RELATED_TEXT 4000 /* the related field: six headlines with their numbers, and room */


/* field: a form field as text (http_form_text: bidi controls removed) trimmed by util_trim (spaces and
 * line ends at either end), in the arena ("" when absent). */
const char *editor_field(struct http_request *req, const char *name)
{
	return util_trim(req->arena, http_form_text(req, name));
}

/* raw_field: a form field as typed (Markdown keeps its leading spaces) but for its bidi controls
 * (http_form_text), "" when absent. */
static const char *raw_field(struct http_request *req, const char *name)
{
	const char *v = http_form_text(req, name);
	return v ? v : "";
}

const char *editor_i64s(struct arena *a, int64_t v)
{
	return arena_printf(a, "%lld", (long long)v);
}

/* can_publish: whether the logged-in user may publish (0 without a session: a refused form). */
int editor_can_publish(const struct http_request *req)
{
	return req->session && auth_role_allows(req->session->user.role, PERM_PUBLISH);
}

/* may_edit: editors and admins edit anything; a reporter edits their own drafts and articles in review. */
int editor_may_edit(const struct http_request *req, const struct db_article *art)
{
	if (editor_can_publish(req))
		return 1;
	return req->session && art->owner_id == req->session->user.id &&
	       (strcmp(art->status, "draft") == 0 || strcmp(art->status, "review") == 0);
}

/* may_see: whether the user may learn an article's number, headline and status in the newsroom: what
 * they may edit, their own work in any status (its history is theirs to read), and what is published
 * (public anyway). Anything else (another writer's draft, an embargoed schedule, a story taken down) is
 * answered exactly as a number that does not exist. */
static int may_see(const struct http_request *req, const struct db_article *art)
{
	return editor_may_edit(req, art) || (req->session && art->owner_id == req->session->user.id) ||
	       strcmp(art->status, "published") == 0;
}

int editor_may_see(const struct http_request *req, const struct db_article *art)
{
	return may_see(req, art);
}

/* visible_article: article id into *out when it exists and the user may see it (may_see). Returns DB_OK,
 * DB_NOTFOUND (missing or hidden: the caller cannot tell which, nor can the user) or DB_ERROR. */
static int visible_article(struct http_request *req, int64_t id, struct db_article *out)
{
	int rc = db_article_get_id(req->app->db, req->arena, id, out);
	if (rc == DB_OK && !may_see(req, out))
		return DB_NOTFOUND;
	return rc;
}

/* join_names: the n names at first, first + stride, ... (a name field of an array of structs) joined with
 * sep, in the arena ("" for none; first is not read then). */
static const char *join_names(struct arena *a, const char *const *first, size_t stride, size_t n, const char *sep)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const char *name = *(const char *const *)(const void *)((const char *)first + i * stride);
		if (i)
			buf_append(&b, sep, strlen(sep));
		buf_append(&b, name, strlen(name));
	}
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* related_form_load: the related field of article id as the editor shows it, into *out (arena): one
 * line "#ID headline" per related story the user may see, in order; the others stay unnamed (and are kept
 * by a save: check_related). Returns 0, or -1 on a store error. */
static int related_form_load(struct http_request *req, int64_t id, const char **out)
{
	int64_t *ids;
	size_t n;
	if (db_related_ids(req->app->db, req->arena, id, &ids, &n) != DB_OK)
		return -1;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		struct db_article r;
		int rc = visible_article(req, ids[i], &r);
		if (rc == DB_ERROR) {
			buf_free(&b);
			return -1;
		}
		if (rc == DB_OK) {
			buf_printf(&b, "%s#%lld ", b.len ? "\n" : "", (long long)r.id);
			buf_append(&b, r.headline, strlen(r.headline));
		}
	}
	*out = arena_strdup(req->arena, buf_cstr(&b));
	buf_free(&b);
	return 0;
}

int article_form_load(struct http_request *req, const struct db_article *art, struct editor_form *f)
{
	struct arena *a = req->arena;
	struct db *db = req->app->db;
	memset(f, 0, sizeof *f);
	f->id = art->id;
	f->version = art->version;
	f->status = art->status;
	f->headline = art->headline;
	f->standfirst = art->standfirst;
	f->body = art->body_md;
	f->edition = art->edition;
	f->section = editor_i64s(a, art->section_id);
	f->slug = art->slug;
	f->dateline = art->dateline;
	f->media = editor_i64s(a, art->lead_media_id);
	f->caption = art->lead_caption;
	f->credit = art->lead_credit;
	f->at = render_time_input(a, art->scheduled_at);
	f->expires = render_time_input(a, art->expires_at);
	struct db_author *au;
	struct db_tag *tags;
	size_t n;
	if (db_article_authors(db, a, art->id, &au, &n) != DB_OK)
		return -1;
	f->bylines = join_names(a, &au[0].name, sizeof *au, n, "; ");
	if (db_article_tags(db, a, art->id, &tags, &n) != DB_OK)
		return -1;
	f->tags = join_names(a, &tags[0].name, sizeof *tags, n, ", ");
	struct db_article tr;
	int rc = db_article_translation_any(db, a, art, &tr);
	if (rc == DB_OK) /* read again with the owner and status may_see needs */
		rc = visible_article(req, tr.id, &tr);
	if (rc == DB_ERROR)
		return -1;
	/* a translation the user may not see stays unnamed; saving with the field empty keeps the pair */
	f->translation = rc == DB_OK ? editor_i64s(a, tr.id) : "";
	return related_form_load(req, art->id, &f->related);
}

/* form_from_post: the editor form as the person sent it. */
static void form_from_post(struct http_request *req, struct editor_form *f)
{
	memset(f, 0, sizeof *f);
	util_parse_i64(editor_field(req, "version"), &f->version);
	f->headline = editor_field(req, "headline");
	f->standfirst = editor_field(req, "standfirst");
	f->body = raw_field(req, "body");
	f->edition = editor_field(req, "edition");
	f->section = editor_field(req, "section");
	f->slug = editor_field(req, "slug");
	f->dateline = editor_field(req, "dateline");
	f->bylines = editor_field(req, "bylines");
	f->tags = editor_field(req, "tags");
	f->media = editor_field(req, "media");
	f->caption = editor_field(req, "caption");
	f->credit = editor_field(req, "credit");
	f->translation = editor_field(req, "translation");
	f->related = http_form_text(req, "related") ? editor_field(req, "related") : NULL;
	f->at = editor_field(req, "at");
	f->expires = editor_field(req, "expires");
	f->substantive = *editor_field(req, "substantive") != '\0';
}

/* add_action: one workflow button (label: a catalogue string, shown in lang). */
static void add_action(struct view *v, enum catalog_lang lang, const char *value, const char *label)
{
	struct view *o = view_add(v, "actions");
	view_text(o, "value", value);
	view_text(o, "label", catalog_tr(lang, label));
}

/* editor_marks: the editor's notes beside its fields: the headline and status of the translation the
 * form names (only when the user may see it: otherwise nothing, as for a number that does not exist), and
 * the field a refusal is about, marked, with the reason beside it (it is also at the top of the page). */
static void editor_marks(struct http_request *req, struct view *v, const struct editor_form *f, const char *error)
{
	static const char *const marked[][2] = {{"section", "invalid_section"}, {"media", "invalid_media"}, {"body", "invalid_body"},
						{"translation", "invalid_translation"}, {"related", "invalid_related"}, {"at", "invalid_at"},
						{"expires", "invalid_expires"}};
	for (size_t i = 0; i < ARRAY_LEN(marked); i++)
		view_bool(v, marked[i][1], error && f->invalid && strcmp(f->invalid, marked[i][0]) == 0);
	/* (error is a catalogue string or written in the newsroom's language already: see editor_show) */
	view_text(v, "field_error", error && f->invalid ? catalog_tr(render_newsroom_lang(req), error) : "");
	const char *tr_headline = "", *tr_status = "";
	int64_t tr_id;
	struct db_article tr;
	if (f->translation && util_parse_i64(f->translation, &tr_id) == 0 && visible_article(req, tr_id, &tr) == DB_OK) {
		tr_headline = tr.headline;
		tr_status = tr.status;
	}
	view_text(v, "translation_headline", tr_headline);
	view_text(v, "translation_status", tr_status);
}

/* load_article: the article named by the route, checked against the user's rights. Returns 0 with *art
 * filled, or the status to answer with (404, 403, 500). */
int editor_load_article(struct http_request *req, struct http_response *res, struct db_article *art)
{
	int64_t id = route_param_id(&req->route, "id");
	if (!id)
		return 404;
	int rc = db_article_get_id(req->app->db, req->arena, id, art);
	if (rc == DB_NOTFOUND) {
		res->error_message = N_("There is no article with that number.");
		return 404;
	}
	if (rc != DB_OK)
		return 500;
	if (!editor_may_edit(req, art)) {
		res->error_message = N_("Your role does not allow changing this article: reporters edit their own drafts.");
		return 403;
	}
	return 0;
}

/* ---- autosave: the editor's private unsaved copy (db_autosave_*) ---- */

/* The editor form's fields an unsaved copy keeps (templates/editor.html's main form, less its token),
 * with the names a refusal gives them (catalogue strings). */
static const struct {
	const char *name, *label;
} autosave_fields[] = {{"version", N_("version")},
		       {"headline", N_("headline")},
		       {"standfirst", N_("standfirst")},
		       {"body", N_("body")},
		       {"edition", N_("edition")},
		       {"section", N_("section")},
		       {"slug", N_("slug")},
		       {"dateline", N_("dateline")},
		       {"bylines", N_("bylines")},
		       {"tags", N_("tags")},
		       {"media", N_("lead image")},
		       {"caption", N_("caption")},
		       {"credit", N_("credit")},
		       {"translation", N_("translation")},
		       {"related", N_("related stories")},
		       {"substantive", N_("substantive update box")}};
/* A copy's fields other than the body are bounded in bytes: four times the longest field's characters
 * (MAX_STANDFIRST; a character is at most four bytes), so any text the form takes fits. */
#define AUTOSAVE_MAX_FIELD (4 * MAX_STANDFIRST)

/* An unsaved copy to offer on the editor page: when it was kept, and whether the article was saved
 * (by anyone) since the version the copy was made from. */
struct autosave_offer {
	int64_t saved_at;
	int stale;
};

/* autosave_href: the address the editor posts its unsaved copies to (article 0: a new article). */
static const char *autosave_href(struct arena *a, int64_t article_id)
{
	return article_id ? arena_printf(a, "/admin/articles/%lld/autosave", (long long)article_id)
			  : "/admin/articles/new/autosave";
}

/* autosave_encode: the posted editor form's kept fields as an urlencoded text, in the arena. Returns
 * NULL with *why set (a sentence for a 413, in the newsroom's language) when a field is over its bound. */
static const char *autosave_encode(struct http_request *req, const char **why)
{
	struct buf b = BUF_INIT;
	*why = NULL;
	for (size_t i = 0; i < ARRAY_LEN(autosave_fields); i++) {
		const char *name = autosave_fields[i].name, *v = http_form(req, name);
		if (!v)
			continue;
		size_t n = strlen(v), max = strcmp(name, "body") == 0 ? MAX_BODY : AUTOSAVE_MAX_FIELD;
		if (n > max) {
			enum catalog_lang lang = render_newsroom_lang(req);
			*why = arena_printf(req->arena, catalog_tr(lang, "The unsaved copy was not kept: its %s is over %zu KB."),
					    catalog_tr(lang, autosave_fields[i].label), max / 1024);
			buf_free(&b);
			return NULL;
		}
		if (b.len)
			buf_lit(&b, "&");
		buf_append(&b, name, strlen(name));
		buf_lit(&b, "=");
		buf_url(&b, v, n);
	}
	const char *out = arena_strdup(req->arena, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* autosave_decode: the editor form held by an unsaved copy's text (as form_from_post reads a posted
 * form: req's own form is put back after). Returns 0, or -1 when the text does not decode. */
static int autosave_decode(struct http_request *req, const char *fields, struct editor_form *f)
{
	struct uri_param *params = arena_alloc(req->arena, ARRAY_LEN(autosave_fields) * sizeof *params);
	int n = uri_parse_query(req->arena, arena_strdup(req->arena, fields), params, ARRAY_LEN(autosave_fields));
	if (n < 0)
		return -1;
	struct uri_param *form = req->form;
	size_t nform = req->nform;
	req->form = params;
	req->nform = (size_t)n;
	form_from_post(req, f);
	req->form = form;
	req->nform = nform;
	return 0;
}

/* autosave_find: the user's unsaved copy of art (NULL: a new article) decoded into *copy, when there is
 * one that differs from what is stored (stored: the form as loaded). Returns 1 with *offer filled, 0
 * when there is nothing to offer, -1 on a store error. */
static int autosave_find(struct http_request *req, const struct db_article *art, const struct editor_form *stored,
			 struct editor_form *copy, struct autosave_offer *offer)
{
	struct db_autosave s;
	int rc = db_autosave_get(req->app->db, req->arena, req->session->user.id, art ? art->id : 0, &s);
	if (rc == DB_NOTFOUND)
		return 0;
	if (rc != DB_OK)
		return -1;
	if (autosave_decode(req, s.fields, copy) < 0)
		return 0;
	if (strcmp(copy->headline, stored->headline) == 0 && strcmp(copy->standfirst, stored->standfirst) == 0 &&
	    strcmp(copy->body, stored->body) == 0)
		return 0; /* nothing typed that is not saved (a copy kept just as a save went through) */
	offer->saved_at = s.saved_at;
	offer->stale = art && copy->version != art->version;
	return 1;
}

/* WEBPAGE: POST /admin/articles/{id}/autosave
 * WEBPAGE: POST /admin/articles/new/autosave
 * Parameters: the editor form's fields (autosave_fields; the body at most MAX_BODY bytes, the others
 * AUTOSAVE_MAX_FIELD) and csrf (or the X-CSRF-Token header); do=discard deletes the copy instead.
 * Permission: PERM_WRITE, checked with the session before the body is read (routes_check_headers); the
 * article must be one the user may edit (may_edit), else 404/403 as the editor answers; the CSRF token
 * after the body (403).
 * Keeps the user's private unsaved copy of the article's form (one per user and article; "new": the
 * article not yet saved), replacing the last. Answers 204; a field over its bound 413 with a sentence;
 * do=discard answers 303 back to the editor (the page's "discard" button works without JavaScript). */
int article_autosave_page(struct http_request *req, struct http_response *res)
{
	char id_text[24];
	int64_t id = 0;
	struct db_article art;
	if (route_param(&req->route, "id", id_text, sizeof id_text) < 0)
		return 404;
	if (strcmp(id_text, "new") != 0) {
		int st = editor_load_article(req, res, &art);
		if (st)
			return st;
		id = art.id;
	}
	http_set_header(res, "Cache-Control", "no-store");
	if (strcmp(editor_field(req, "do"), "discard") == 0) {
		if (db_autosave_delete(req->app->db, req->session->user.id, id) != DB_OK)
			return 500;
		http_set_header(res, "Location", id ? arena_printf(req->arena, "/admin/articles/%lld", (long long)id)
						    : "/admin/articles/new");
		return 303;
	}
	const char *why;
	const char *fields = autosave_encode(req, &why);
	if (!fields) {
		res->error_message = why;
		return 413;
	}
	if (db_autosave_put(req->app->db, req->session->user.id, id, fields, util_now()) != DB_OK)
		return 500;
	res->no_etag = 1;
	return 204;
}

/* editor_texts: the form's typed fields and where it posts to, into v. */
static void editor_texts(struct http_request *req, struct view *v, const struct db_article *art,
			 const struct editor_form *f)
{
	struct arena *a = req->arena;
	int is_new = art == NULL;
	view_text(v, "id", editor_i64s(a, art ? art->id : 0));
	view_bool(v, "is_new", is_new);
	view_text(v, "action", f->action	? f->action
			       : is_new ? "/admin/articles/new"
					: arena_printf(a, "/admin/articles/%lld", (long long)art->id));
	view_text(v, "autosave_action", autosave_href(a, art ? art->id : 0));
	view_text(v, "version", editor_i64s(a, f->version));
	view_text(v, "status", page_status_name(req, art ? art->status : "draft"));
	view_text(v, "headline", f->headline);
	view_text(v, "standfirst", f->standfirst);
	view_text(v, "body", f->body);
	view_text(v, "slug", f->slug);
	view_text(v, "dateline", f->dateline);
	view_text(v, "tags", f->tags);
	view_text(v, "bylines", f->bylines);
	view_text(v, "caption", f->caption);
	view_text(v, "credit", f->credit);
	view_text(v, "translation_id", f->translation);
	view_text(v, "related", f->related ? f->related : "");
	view_text(v, "schedule_at", f->at);
	view_text(v, "expires_at", f->expires);
	view_bool(v, "substantive", f->substantive);
	view_text(v, "correction", f->correction ? f->correction : "");
}

/* The editions with their names (catalogue strings). */
static const char *const editions[][2] = {{"en", N_("English")}, {"ar", N_("Arabic (العربية)")}};

/* editor_choices: the edition, section and lead image lists with f's choices selected, into v (the
 * images with their address and alt text for the writing desk), named in the newsroom's language.
 * Returns 0, or -1 on a store error. */
static int editor_choices(struct http_request *req, struct view *v, const struct editor_form *f)
{
	struct arena *a = req->arena;
	struct db *db = req->app->db;
	enum catalog_lang lang = render_newsroom_lang(req);
	for (size_t i = 0; i < ARRAY_LEN(editions); i++) {
		struct view *o = view_add(v, "editions");
		view_text(o, "value", editions[i][0]);
		view_text(o, "label", catalog_tr(lang, editions[i][1]));
		view_bool(o, "selected", f->edition && strcmp(f->edition, editions[i][0]) == 0);
	}
	view_list_empty(v, "sections");
	for (size_t e = 0; e < ARRAY_LEN(editions); e++) {
		struct db_section *secs;
		size_t n;
		if (db_sections_list(db, a, editions[e][0], &secs, &n) != DB_OK)
			return -1;
		for (size_t i = 0; i < n; i++) {
			struct view *o = view_add(v, "sections");
			const char *id = editor_i64s(a, secs[i].id);
			view_text(o, "value", id);
			view_text(o, "label", arena_printf(a, "%s: %s", catalog_tr(lang, editions[e][1]), secs[i].name));
			view_bool(o, "selected", f->section && strcmp(f->section, id) == 0);
		}
	}
	return editor_media_options(req, v, f->media);
}

/* editor_media_options: the media library as the "media" list of v (the lead image's options, which the
 * writing desk also reads for its image chooser), selected the one numbered `selected` (NULL or "0": none).
 * Returns 0, or -1 on a store error. */
int editor_media_options(struct http_request *req, struct view *v, const char *selected)
{
	struct arena *a = req->arena;
	enum catalog_lang lang = render_newsroom_lang(req);
	struct db_media *media = NULL;
	size_t nm = 0;
	if (req->session && db_media_list(req->app->db, a, &media, &nm) != DB_OK)
		return -1; /* (a refused form without a session lists no media) */
	struct view *none = view_add(v, "media");
	view_text(none, "value", "0");
	view_text(none, "label", catalog_tr(lang, "No image"));
	view_text(none, "src", "");
	view_text(none, "alt", "");
	view_text(none, "caption", "");
	view_text(none, "credit", "");
	view_bool(none, "selected", !selected || !*selected || strcmp(selected, "0") == 0);
	for (size_t i = 0; i < nm; i++) {
		struct view *o = view_add(v, "media");
		const char *id = editor_i64s(a, media[i].id);
		view_text(o, "value", id);
		view_text(o, "label", arena_printf(a, "#%lld %s", (long long)media[i].id, media[i].alt));
		view_text(o, "src", arena_printf(a, "/media/%s", media[i].path));
		view_text(o, "alt", media[i].alt);
		view_text(o, "caption", media[i].caption ? media[i].caption : "");
		view_text(o, "credit", media[i].credit ? media[i].credit : "");
		view_bool(o, "selected", selected && strcmp(selected, id) == 0);
	}
	return 0;
}

/* editor_workflow: the workflow buttons art's status and the user's role allow, and the comment
 * settings, into v (in the newsroom's language). */
static void editor_workflow(struct http_request *req, struct view *v, const struct db_article *art)
{
	struct arena *a = req->arena;
	enum catalog_lang lang = render_newsroom_lang(req);
	int pub = editor_can_publish(req);
	view_bool(v, "can_publish", pub);
	view_bool(v, "is_published", art && strcmp(art->status, "published") == 0);
	view_bool(v, "was_published", art && art->published_at != 0);
	view_text(v, "public_href", art && art->published_at ? render_article_href(a, art) : "");
	view_list_empty(v, "actions");
	if (art) {
		const char *st = art->status;
		int own = req->session && art->owner_id == req->session->user.id;
		if (strcmp(st, "draft") == 0 && (own || pub))
			add_action(v, lang, "review", N_("Submit for review"));
		if (strcmp(st, "review") == 0 && (own || pub))
			add_action(v, lang, "draft", N_("Back to draft"));
		if (pub) {
			if (strcmp(st, "published") != 0)
				add_action(v, lang, "publish", N_("Publish now"));
			if (strcmp(st, "published") != 0)
				add_action(v, lang, "schedule", N_("Schedule"));
			if (strcmp(st, "published") == 0)
				add_action(v, lang, "expiry", N_("Set take-down time"));
			if (strcmp(st, "published") == 0 || strcmp(st, "scheduled") == 0)
				add_action(v, lang, "unpublish", strcmp(st, "scheduled") == 0 ? N_("Cancel schedule") : N_("Unpublish"));
			if (strcmp(st, "unpublished") == 0)
				add_action(v, lang, "draft", N_("Back to draft"));
		}
	}
	static const char *const modes[][2] = {{"site", N_("The site's setting")},
					       {"pre", N_("Pre-moderation: approve before showing")},
					       {"trusted", N_("Trusted visitors' comments show at once")},
					       {"post", N_("Post-moderation: show at once, review after")}};
	for (size_t i = 0; i < ARRAY_LEN(modes); i++) {
		struct view *o = view_add(v, "comment_modes");
		view_text(o, "value", modes[i][0]);
		view_text(o, "label", catalog_tr(lang, modes[i][1]));
		const char *cur = art && art->comments_mode ? art->comments_mode : "site";
		view_bool(o, "selected", strcmp(cur, modes[i][0]) == 0);
	}
	view_bool(v, "comments_closed", art && art->comments_closed);
}

/* editor_corrections: art's published corrections (none for a new article), into v. Returns 0, or -1
 * on a store error. */
static int editor_corrections(struct http_request *req, struct view *v, const struct db_article *art)
{
	view_list_empty(v, "corrections");
	if (!art)
		return 0;
	struct db_correction *cs;
	size_t nc;
	if (db_corrections_list(req->app->db, req->arena, art->id, &cs, &nc) != DB_OK)
		return -1;
	for (size_t i = 0; i < nc; i++) {
		struct view *c = view_add(v, "corrections");
		view_text(c, "when", render_stamp(req->arena, cs[i].created_at, catalog_code(render_newsroom_lang(req))));
		view_text(c, "iso", render_iso(req->arena, cs[i].created_at));
		view_text(c, "body", cs[i].body);
	}
	return 0;
}

/* editor_show: renders the editor for f into res with status. art is the stored article (NULL for a new
 * one); preview is rendered Markdown to show (NULL = none); offer is the user's unsaved copy to offer
 * (NULL = none). Returns status, or 500 on a store error. */
int editor_show(struct http_request *req, struct http_response *res, const struct db_article *art,
		const struct editor_form *f, const char *notice, const char *error, const char *preview,
		const struct autosave_offer *offer, int status)
{
	struct view *v = render_admin_frame(req, RENDER_EDITOR, art ? N_("Edit article") : N_("New article"), notice, error);
	editor_texts(req, v, art, f);
	editor_marks(req, v, f, error);
	if (editor_choices(req, v, f) < 0)
		return 500;
	editor_workflow(req, v, art);
	if (editor_glossary(req, v, art, f) < 0)
		return 500;
	view_bool(v, "has_preview", preview != NULL);
	view_html(v, "preview", preview ? preview : "");
	if (editor_corrections(req, v, art) < 0 || translation_editor_view(req, v, art) < 0)
		return 500;
	int64_t wire_item = 0;
	const char *wire = art ? wires_editor_notice(req, art->id, &wire_item) : NULL; /* page_wires.c */
	view_text(v, "wire_notice", wire ? wire : "");
	view_text(v, "wire_href", arena_printf(req->arena, "/admin/wires/%lld", (long long)wire_item));
	view_bool(v, "has_autosave", offer != NULL);
	view_text(v, "autosave_when",
		  offer ? render_stamp(req->arena, offer->saved_at, catalog_code(render_newsroom_lang(req))) : "");
	view_text(v, "autosave_iso", offer ? render_iso(req->arena, offer->saved_at) : "");
	view_bool(v, "autosave_stale", offer && offer->stale);
	view_text(v, "restore_href", offer ? arena_printf(req->arena, "%s?autosave=restore",
							 art ? arena_printf(req->arena, "/admin/articles/%lld", (long long)art->id)
							     : "/admin/articles/new")
					   : "");
	return render_reply(req, res, RENDER_EDITOR, v, status);
}


/* markdown_html: the reader rendering of body md in the edition (render_body_html: the article body
 * with its typed blocks), in the arena ("" when rendering fails). */
const char *editor_markdown_html(struct http_request *req, const char *md, const char *edition)
{
	return render_body_html(req->app->db, req->arena, md, edition);
}

/* split_list: splits s on sep into trimmed, non-empty arena strings (at most max). Returns the count, or
 * -1 when there are more than max. */
static int split_list(struct arena *a, const char *s, char sep, const char **out, int max)
{
	int n = 0;
	while (*s) {
		const char *end = strchr(s, sep);
		size_t len = end ? (size_t)(end - s) : strlen(s);
		const char *p = s;
		size_t l = len;
		while (l && (*p == ' ' || *p == '\t'))
			p++, l--;
		while (l && (p[l - 1] == ' ' || p[l - 1] == '\t'))
			l--;
		if (l) {
			if (n == max)
				return -1;
			out[n++] = arena_strndup(a, p, l);
		}
		s += len + (end ? 1 : 0);
	}
	return n;
}

/* The checks of the editor form. Each returns NULL, or the reason the form is refused with *field set to
 * the form name of the field at fault (the page marks it; the API names it). */

/* check_texts: valid UTF-8, a headline, and every text within its bound (counted in characters; the slug
 * in bytes, as it is part of the address; the body in KB), a too-long one named with its count (in the
 * newsroom's language). */
static const char *check_texts(struct http_request *req, const struct editor_form *f, const char **field)
{
	struct arena *a = req->arena;
	enum catalog_lang lang = render_newsroom_lang(req);
	const struct {
		const char *name, *what, *text;
		size_t max;
	} texts[] = {
		{"headline", N_("The headline"), f->headline, MAX_HEADLINE},
		{"standfirst", N_("The standfirst"), f->standfirst, MAX_STANDFIRST},
		{"dateline", N_("The dateline"), f->dateline, MAX_DATELINE},
		{"bylines", N_("The bylines field"), f->bylines, MAX_SHORT},
		{"tags", N_("The tags field"), f->tags, MAX_SHORT},
		{"caption", N_("The caption"), f->caption, MAX_SHORT},
		{"credit", N_("The credit"), f->credit, MAX_CREDIT},
		{"body", N_("The body"), f->body, 0},
		{"slug", N_("The slug"), f->slug, 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
		*field = texts[i].name;
		if (!utf8_valid(texts[i].text, strlen(texts[i].text)))
			return N_("The form contains text that is not valid UTF-8.");
	}
	*field = "headline";
	if (!*f->headline)
		return N_("The headline cannot be empty.");
	for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
		*field = texts[i].name;
		const char *why =
			texts[i].max ? page_too_long(req, catalog_tr(lang, texts[i].what), texts[i].text, texts[i].max) : NULL;
		if (why)
			return why;
	}
	*field = "slug";
	if (strlen(f->slug) > MAX_SLUG)
		return arena_printf(a, catalog_tr(lang, "The slug is too long: %zu bytes in the address, and at most %d are allowed "
						       "(an Arabic letter takes two)."), strlen(f->slug), MAX_SLUG);
	*field = "body";
	if (strlen(f->body) > MAX_BODY)
		return arena_printf(a, catalog_tr(lang, "The body is too long: %zu KB, and at most %d KB are allowed."),
				    (strlen(f->body) + 1023) / 1024, MAX_BODY / 1024);
	*field = NULL;
	return NULL;
}

/* check_place: the edition, a section of that edition (*section_id) and a slug free in it (into slug,
 * cap bytes), for article id (0 = new). */
static const char *check_place(struct http_request *req, const struct editor_form *f, int64_t id,
			       int64_t *section_id, char *slug, size_t cap, const char **field)
{
	struct db *db = req->app->db;
	*field = "edition";
	if (strcmp(f->edition, "en") != 0 && strcmp(f->edition, "ar") != 0)
		return N_("Choose the English or the Arabic edition.");
	*field = "section";
	if (util_parse_i64(f->section, section_id) < 0)
		return N_("Choose a section.");
	struct db_section *secs;
	size_t ns;
	if (db_sections_list(db, req->arena, f->edition, &secs, &ns) != DB_OK)
		return N_("The sections could not be read (database error).");
	int found = 0;
	for (size_t i = 0; i < ns; i++)
		found |= secs[i].id == *section_id;
	if (!found)
		return N_("The section you chose is not in that edition.");
	*field = "slug";
	if (article_slugify(*f->slug ? f->slug : f->headline, slug, cap) == 0)
		return N_("The slug needs at least one letter or digit.");
	int64_t owner = 0;
	int rc = db_slug_owner(db, f->edition, slug, &owner);
	if (rc == DB_ERROR)
		return N_("The slug could not be checked (database error).");
	if (rc == DB_OK && owner != id)
		return arena_printf(req->arena,
				    catalog_tr(render_newsroom_lang(req),
					       "The slug \"%s\" is already used by article %lld in this edition; choose another."),
				    slug, (long long)owner);
	*field = NULL;
	return NULL;
}

/* check_names: splits the bylines and tags into their lists (each name needs a letter or digit). */
static const char *check_names(struct arena *a, const struct editor_form *f, const char **bylines, int *nbylines,
			       const char **tags, int *ntags, const char **field)
{
	char s[201];
	*field = "bylines";
	*nbylines = split_list(a, f->bylines, ';', bylines, MAX_BYLINES);
	if (*nbylines < 0)
		return N_("At most 8 bylines.");
	for (int i = 0; i < *nbylines; i++)
		if (article_slugify(bylines[i], s, sizeof s) == 0)
			return N_("Each byline needs at least one letter.");
	*field = "tags";
	*ntags = split_list(a, f->tags, ',', tags, MAX_TAGS);
	if (*ntags < 0)
		return N_("At most 20 tags.");
	for (int i = 0; i < *ntags; i++)
		if (article_slugify(tags[i], s, sizeof s) == 0)
			return N_("Each tag needs at least one letter or digit.");
	*field = NULL;
	return NULL;
}

/* check_media: the lead image (*media, 0 = none) must be in the media library: an id that is not would
 * break the store's reference and lose the typed text in a 500. */
static const char *check_media(struct http_request *req, const struct editor_form *f, int64_t *media,
			       const char **field)
{
	*media = 0;
	*field = "media";
	if (*f->media && (util_parse_i64(f->media, media) < 0 || *media < 0))
		return N_("Choose a lead image from the list.");
	if (*media == 0) {
		*field = NULL;
		return NULL;
	}
	struct db_media *list;
	size_t n;
	if (db_media_list(req->app->db, req->arena, &list, &n) != DB_OK)
		return N_("The media library could not be read (database error).");
	for (size_t i = 0; i < n; i++) {
		if (list[i].id == *media) {
			*field = NULL;
			return NULL;
		}
	}
	return N_("There is no image with that number in the media library: choose a lead image from the list.");
}

/* check_translation: the article the form names as the translation of article id (0 = new) into
 * *translation (0 = none given: the pair, if any, stays as it is). It must be one the user may see (any
 * other answers exactly like a number that does not exist), in the other edition, and without another
 * translation in this edition: a link never takes over someone else's pair. The refusal names the
 * article already paired only when the user may see it. */
static const char *check_translation(struct http_request *req, const struct editor_form *f, int64_t id,
				     int64_t *translation, const char **field)
{
	struct arena *a = req->arena;
	struct db_article tr, mate;
	*translation = 0;
	*field = "translation";
	if (!*f->translation) {
		*field = NULL;
		return NULL;
	}
	if (util_parse_i64(f->translation, translation) < 0 || *translation <= 0)
		return N_("The translation is given by its article number (a whole number).");
	int rc = visible_article(req, *translation, &tr);
	if (rc == DB_NOTFOUND)
		return N_("There is no article with the number given as the translation.");
	if (rc != DB_OK)
		return N_("The translation could not be checked (database error).");
	if (strcmp(tr.edition, f->edition) == 0)
		return N_("A translation must be in the other edition.");
	rc = db_article_translation_any(req->app->db, a, &tr, &mate);
	if (rc == DB_ERROR)
		return N_("The translation could not be checked (database error).");
	if (rc == DB_OK && mate.id != id) {
		enum catalog_lang lang = render_newsroom_lang(req);
		const char *then = editor_may_edit(req, &tr) ? catalog_tr(lang, "change the translation on its page")
						      : catalog_tr(lang, "ask an editor to change the translation on its page");
		if (may_see(req, &mate))
			return arena_printf(a,
					    catalog_tr(lang, "Article %lld already has a translation in this edition: article %lld, "
							     "\"%s\". To pair it with this one instead, save this article without a "
							     "translation, then %s."),
					    (long long)tr.id, (long long)mate.id, mate.headline, then);
		return arena_printf(a,
				    catalog_tr(lang, "Article %lld already has a translation in this edition. To pair it with "
						     "this one instead, save this article without a translation, then %s."),
				    (long long)tr.id, then);
	}
	*field = NULL;
	return NULL;
}

/* The related stories a save stores: set 0 leaves the stored list alone (the field was not sent). */
struct related_pick {
	int64_t ids[DB_RELATED_MAX];
	size_t n;
	int set;
};

/* related_line: the article one line of the related field names, into *out: "#12", "12" or "#12 any
 * text" by number, any other line by its exact headline (Latin case aside) in edition. Only an article
 * the user may see counts (any other answers like one that does not exist). Returns NULL, or the reason
 * the line is refused. */
static const char *related_line(struct http_request *req, const char *line, const char *edition, struct db_article *out)
{
	struct arena *a = req->arena;
	const char *p = line + (*line == '#');
	size_t digits = strspn(p, "0123456789");
	int64_t id = 0;
	if (digits && digits <= 18 && (p[digits] == '\0' || (*line == '#' && (p[digits] == ' ' || p[digits] == '\t')))) {
		util_parse_i64(arena_strndup(a, p, digits), &id);
		int rc = id > 0 ? visible_article(req, id, out) : DB_NOTFOUND;
		if (rc == DB_ERROR)
			return N_("The related stories could not be checked (database error).");
		if (rc == DB_NOTFOUND)
			return arena_printf(a,
					    catalog_tr(render_newsroom_lang(req),
						       "There is no article number %s to list as a related story."),
					    arena_strndup(a, p, digits));
		return NULL;
	}
	struct db_article *found;
	size_t n;
	if (db_pick_articles(req->app->db, a, line, edition, 100, &found, &n) != DB_OK)
		return N_("The related stories could not be checked (database error).");
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(found[i].headline, line) == 0 && may_see(req, &found[i])) {
			*out = found[i];
			return NULL;
		}
	}
	return arena_printf(a,
			    catalog_tr(render_newsroom_lang(req), "No article in this edition has the headline \"%s\": give a "
								  "related story by its number (#12) or its whole headline."),
			    line);
}

/* check_related: the related field's lines (at most DB_RELATED_MAX) into rel, in order: each an
 * article the user may see (related_line), in the article's edition (unless already listed: it may have
 * moved since), not the article itself, listed once. The stored stories the user may not see are kept
 * after them (a save never drops what it could not show), within the limit. f->related NULL: rel->set
 * 0, the list stays. Returns NULL, or the reason with *field "related". */
static const char *check_related(struct http_request *req, const struct editor_form *f, int64_t id,
				 struct related_pick *rel, const char **field)
{
	struct arena *a = req->arena;
	memset(rel, 0, sizeof *rel);
	*field = "related";
	if (!f->related) {
		*field = NULL;
		return NULL;
	}
	rel->set = 1;
	if (!utf8_valid(f->related, strlen(f->related)))
		return N_("The form contains text that is not valid UTF-8.");
	enum catalog_lang lang = render_newsroom_lang(req);
	const char *why = page_too_long(req, catalog_tr(lang, "The related stories field"), f->related, MAX_RELATED_TEXT);
	if (why)
		return why;
	char *text = arena_strdup(a, f->related);
	for (char *c = text; *c; c++)
		if (*c == '\r')
			*c = ' ';
	const char *lines[DB_RELATED_MAX];
	int nl = split_list(a, text, '\n', lines, DB_RELATED_MAX);
	if (nl < 0)
		return N_("At most 6 related stories: remove one.");
	int64_t *stored;
	size_t ns = 0;
	if (id && db_related_ids(req->app->db, a, id, &stored, &ns) != DB_OK)
		return N_("The related stories could not be checked (database error).");
	for (int i = 0; i < nl; i++) {
		struct db_article r;
		if ((why = related_line(req, lines[i], f->edition, &r)))
			return why;
		if (r.id == id)
			return N_("An article cannot be its own related story.");
		int kept = 0; /* one already listed may have moved edition since: readers do not see it; no refusal */
		for (size_t k = 0; k < ns; k++)
			kept |= stored[k] == r.id;
		if (strcmp(r.edition, f->edition) != 0 && !kept)
			return arena_printf(a,
					    catalog_tr(lang, "Article %lld is in the other edition: related stories are in this "
							     "article's edition."),
					    (long long)r.id);
		for (size_t k = 0; k < rel->n; k++)
			if (rel->ids[k] == r.id)
				return arena_printf(a, catalog_tr(lang, "Article %lld is listed twice among the related stories."),
						    (long long)r.id);
		rel->ids[rel->n++] = r.id;
	}
	for (size_t i = 0; i < ns; i++) {
		struct db_article r;
		int rc = visible_article(req, stored[i], &r);
		if (rc == DB_ERROR)
			return N_("The related stories could not be checked (database error).");
		if (rc == DB_OK)
			continue;
		if (rel->n == DB_RELATED_MAX)
			return N_("At most 6 related stories, counting those of this article you cannot see (they stay): remove one.");
		rel->ids[rel->n++] = stored[i];
	}
	*field = NULL;
	return NULL;
}

/* validate: checks the form; fills art (text fields, edition, section, slug, media) and the byline and
 * tag lists. Returns NULL, or the reason the form is refused with *field naming the field at fault. */
static const char *validate(struct http_request *req, const struct editor_form *f, int64_t id, struct db_article *art,
			    const char **bylines, int *nbylines, const char **tags, int *ntags, int64_t *translation,
			    struct related_pick *rel, const char **field)
{
	struct arena *a = req->arena;
	int64_t section_id = 0, media = 0;
	char slug[201];
	const char *why;
	if ((why = check_texts(req, f, field)) || (why = check_place(req, f, id, &section_id, slug, sizeof slug, field)) ||
	    (why = check_media(req, f, &media, field)) ||
	    (why = check_names(a, f, bylines, nbylines, tags, ntags, field)) ||
	    (why = check_translation(req, f, id, translation, field)) || (why = check_related(req, f, id, rel, field)))
		return why;
	if ((why = render_body_check(req->app->db, a, f->body, render_newsroom_lang(req)))) { /* docs/blocks.md: every save */
		*field = "body";
		return why;
	}
	memset(art, 0, sizeof *art);
	art->id = id;
	art->version = f->version;
	art->edition = f->edition;
	art->slug = arena_strdup(a, slug);
	art->headline = f->headline;
	art->standfirst = f->standfirst;
	art->body_md = f->body;
	art->body_html = editor_markdown_html(req, f->body, f->edition);
	art->dateline = f->dateline;
	art->section_id = section_id;
	art->lead_media_id = media;
	art->lead_caption = f->caption;
	art->lead_credit = f->credit;
	art->owner_id = req->session->user.id;
	return NULL;
}

/* link_people: stores the bylines and tags of article id (authors and tags are found or created in the
 * edition). DB_OK or DB_ERROR. */
static int link_people(struct http_request *req, int64_t id, const char *edition, const char **bylines, int nb,
		       const char **tags, int nt)
{
	struct db *db = req->app->db;
	if (db_article_links_clear(db, id) != DB_OK)
		return DB_ERROR;
	for (int i = 0; i < nb; i++) {
		char slug[201];
		article_slugify(bylines[i], slug, sizeof slug);
		struct db_author au;
		int64_t aid;
		int rc = db_author_get(db, req->arena, edition, slug, &au);
		if (rc == DB_OK) {
			aid = au.id;
		} else {
			struct db_author n = {.edition = edition, .slug = slug, .name = bylines[i], .bio = ""};
			if (rc != DB_NOTFOUND || db_author_put(db, &n, &aid) != DB_OK)
				return DB_ERROR;
		}
		if (db_article_link_author(db, id, aid, i + 1) != DB_OK)
			return DB_ERROR;
	}
	for (int i = 0; i < nt; i++) {
		char slug[201];
		article_slugify(tags[i], slug, sizeof slug);
		struct db_tag t = {.edition = edition, .slug = slug, .name = tags[i]};
		int64_t tid;
		int rc = db_tag_get(db, req->arena, edition, slug, &t);
		if (rc == DB_OK) {
			tid = t.id;
		} else {
			struct db_tag n = {.edition = edition, .slug = slug, .name = tags[i]};
			if (rc != DB_NOTFOUND || db_tag_put(db, &n, &tid) != DB_OK)
				return DB_ERROR;
		}
		if (db_article_link_tag(db, id, tid) == DB_ERROR)
			return DB_ERROR;
	}
	return DB_OK;
}

/* save_revision: records the article's text as revision `version`. */
int editor_save_revision(struct http_request *req, int64_t id, int64_t version, const struct db_article *art)
{
	struct db_revision r = {.version = version,
				.user_id = req->session->user.id,
				.created_at = util_now(),
				.headline = art->headline,
				.standfirst = art->standfirst,
				.body_md = art->body_md,
				.dateline = art->dateline,
				.slug = art->slug};
	return db_revision_insert(req->app->db, id, &r);
}

/* store_article: the whole save in one transaction: text, bylines, tags, slug history, translation,
 * related stories, revision and log. Returns DB_OK (*id set), DB_CONFLICT (the stored version moved on) or DB_ERROR. */
static int store_article(struct http_request *req, const struct db_article *old, struct db_article *art,
			 const char **bylines, int nb, const char **tags, int nt, int64_t translation,
			 const struct related_pick *rel, int64_t *id)
{
	struct db *db = req->app->db;
	if (db_begin(db) != DB_OK)
		return DB_ERROR;
	int rc = DB_OK;
	if (old) {
		/* articles made outside the editor (demo, imports) have no revision yet: keep their text as one */
		struct db_revision first = {.version = old->version,
					    .created_at = old->updated_at ? old->updated_at : old->created_at,
					    .headline = old->headline,
					    .standfirst = old->standfirst,
					    .body_md = old->body_md,
					    .dateline = old->dateline,
					    .slug = old->slug};
		rc = db_revision_insert(db, old->id, &first);
		if (rc == DB_CONFLICT)
			rc = DB_OK; /* the usual case: it is there */
	}
	if (rc == DB_OK)
		rc = db_article_save(db, art, id);
	if (rc == DB_OK)
		rc = link_people(req, *id, art->edition, bylines, nb, tags, nt);
	if (rc == DB_OK && old && (strcmp(old->slug, art->slug) != 0 || strcmp(old->edition, art->edition) != 0))
		rc = db_slug_history_add(db, old->edition, old->slug, *id);
	if (rc == DB_OK && translation)
		rc = db_article_set_translation(db, *id, translation);
	if (rc == DB_OK && rel->set)
		rc = db_related_set(db, *id, rel->ids, rel->n);
	if (rc == DB_OK)
		rc = db_article_source_sync(db, *id); /* a translation is up to date with what its source is now */
	if (rc == DB_OK)
		rc = editor_save_revision(req, *id, old ? art->version + 1 : 1, art);
	if (rc == DB_OK && old)
		rc = webhook_article_saved(req, *id, old->status);
	if (rc == DB_OK)
		rc = db_event_insert(db, *id, req->session->user.id, old ? "saved" : "created", util_now());
	if (rc == DB_OK)
		audit_record(req, old ? "article.saved" : "article.created", audit_target(req->arena, "article", *id), art->headline);
	if (rc == DB_OK && translation && !(old && old->translation_group && *old->translation_group))
		audit_record(req, "article.paired", audit_target(req->arena, "article", *id), audit_target(req->arena, "with article", translation));
	if (rc != DB_OK) {
		db_rollback(db);
		return rc;
	}
	cache_note(req, CACHE_ARTICLE_EDITED, *id);
	return db_commit(db) == DB_OK ? DB_OK : DB_ERROR;
}

int article_save_form(struct http_request *req, const struct db_article *old, const struct editor_form *f,
		      const char **why, const char **field, int64_t *id)
{
	struct arena *a = req->arena;
	struct db *db = req->app->db;
	struct db_article art;
	const char *bylines[MAX_BYLINES], *tags[MAX_TAGS];
	int nb = 0, nt = 0;
	int64_t translation = 0;
	struct related_pick rel;
	*field = NULL;
	*why = validate(req, f, old ? old->id : 0, &art, bylines, &nb, tags, &nt, &translation, &rel, field);
	if (*why)
		return 400;
	if (old && old->version != f->version) {
		*why = arena_printf(a,
				    catalog_tr(render_newsroom_lang(req),
					       "Not saved: someone else saved this article (now version %lld) since you opened "
					       "version %lld. Your text is kept below; compare it with the History page, then save "
					       "again to replace their version."),
				    (long long)old->version, (long long)f->version);
		return 409;
	}
	int64_t now = util_now();
	/* the reader-visible "updated" stamp moves on a published story only when the editor says so */
	art.updated_at = (!old || !old->published_at || (f->substantive && editor_can_publish(req))) ? now : old->updated_at;
	if (old && old->published_at && !art.updated_at)
		art.updated_at = old->published_at;
	int rc = store_article(req, old, &art, bylines, nb, tags, nt, translation, &rel, id);
	if (rc == DB_CONFLICT) {
		struct db_article now_art;
		if (old && db_article_get_id(db, a, old->id, &now_art) == DB_OK && now_art.version != f->version)
			*why = N_("Not saved: someone else saved this article while you were editing. Your text is kept below; "
				  "save again to replace their version.");
		else {
			*why = N_("That slug was just taken by another article; choose another.");
			*field = "slug";
		}
		return 409;
	}
	if (rc != DB_OK)
		return 500;
	if (old && strcmp(old->status, "published") == 0)
		scheduler_wake(req->app); /* the public pages change */
	return 0;
}

/* editor_open: the editor as opened (a GET) for the stored form f (art NULL: a new article): with the
 * user's unsaved copy offered when there is one that differs, or restored in the fields when the query
 * asks (?autosave=restore; the copy keeps the version it was made from, so a save after someone else's
 * is refused with the 409 as any stale form). Returns the status (500 on a store error). */
static int editor_open(struct http_request *req, struct http_response *res, const struct db_article *art,
		       const struct editor_form *f, const char *notice)
{
	struct editor_form copy;
	struct autosave_offer offer;
	int found = autosave_find(req, art, f, &copy, &offer);
	if (found < 0)
		return 500;
	if (!found)
		return editor_show(req, res, art, f, notice, NULL, NULL, NULL, 200);
	const char *q = http_param(req, "autosave");
	if (q && strcmp(q, "restore") == 0) {
		copy.id = f->id;
		enum catalog_lang lang = render_newsroom_lang(req);
		const char *restored =
			arena_printf(req->arena, catalog_tr(lang, "The unsaved copy from %s is restored below: save to keep it."),
				     render_stamp(req->arena, offer.saved_at, catalog_code(lang)));
		return editor_show(req, res, art, &copy, restored, NULL, NULL, NULL, 200);
	}
	return editor_show(req, res, art, f, notice, NULL, NULL, &offer, 200);
}

/* WEBPAGE: GET POST /admin/articles/new
 * WEBPAGE: GET POST /admin/articles/{id}
 * Parameters: GET: notice (saved, status, correction, comments, restored: the sentence shown), edition
 * (a new article's), autosave=restore (the user's unsaved copy in the fields). POST: the editor form
 * (csrf, version, headline, standfirst, body, edition, section, slug, dateline, bylines, tags, media,
 * caption, credit, translation, related (one story a line: "#12 headline", "12" or a whole headline; at most
 * six), substantive) and do=save|preview.
 * Permission: PERM_WRITE; a reporter edits their own drafts and articles in review (may_edit: else 403).
 * A refused form (no session, stale token, invalid field, 409 for a save by someone else since the
 * form's version) is shown again with what was typed; a save redirects (303) to the editor. */
int article_edit_page(struct http_request *req, struct http_response *res)
{
	struct arena *a = req->arena;
	struct db *db = req->app->db;
	struct db_article stored, *old = NULL;
	struct editor_form f;
	if (!req->session) {
		/* a POST whose session expired: show exactly what was typed, nothing from the store */
		form_from_post(req, &f);
		f.action = req->path;
		return editor_show(req, res, NULL, &f, NULL, req->refusal, NULL, NULL, 403);
	}
	if (route_param_id(&req->route, "id") || strcmp(req->path, "/admin/articles/new") != 0) {
		int st = editor_load_article(req, res, &stored);
		if (st)
			return st;
		old = &stored;
	}
	if (req->method != HTTP_POST) {
		if (old) {
			if (article_form_load(req, old, &f) < 0)
				return 500;
		} else {
			memset(&f, 0, sizeof f);
			f.headline = f.standfirst = f.body = f.slug = f.dateline = f.tags = f.caption = f.credit = "";
			f.translation = f.at = f.expires = f.related = "";
			f.edition = render_edition(http_param(req, "edition")) ? http_param(req, "edition") : "en";
			f.bylines = req->session->user.display_name;
			f.media = "0";
			f.section = "";
		}
		const char *notice = NULL;
		const char *nq = http_param(req, "notice");
		if (nq && strcmp(nq, "saved") == 0)
			notice = N_("Saved.");
		else if (nq && strcmp(nq, "status") == 0)
			notice = arena_printf(a, catalog_tr(render_newsroom_lang(req), "The article is now %s."),
					      page_status_name(req, old ? old->status : "draft"));
		else if (nq && strcmp(nq, "correction") == 0)
			notice = N_("Correction published.");
		else if (nq && strcmp(nq, "comments") == 0)
			notice = N_("Comment settings saved.");
		else if (nq && strcmp(nq, "restored") == 0)
			notice = N_("The earlier version was restored as a new revision.");
		else if (nq && strcmp(nq, "translated") == 0)
			notice = N_("The translation is made: write over the source's text; the source is shown beside the form.");
		else if (nq && strcmp(nq, "uptodate") == 0)
			notice = N_("The translation is marked up to date with its source.");
		else if (nq && strcmp(nq, "wire") == 0)
			notice = N_("Draft made from the wire item: the agency is credited in the byline and at the end of the body.");
		return editor_open(req, res, old, &f, notice);
	}
	form_from_post(req, &f);
	if (old)
		f.id = old->id;
	if (req->refusal)
		return editor_show(req, res, old, &f, NULL, req->refusal, NULL, NULL, 403);
	if (strcmp(editor_field(req, "do"), "preview") == 0)
		return editor_show(req, res, old, &f, NULL, NULL, editor_markdown_html(req, f.body, f.edition), NULL, 200);

	const char *why;
	int64_t id = 0;
	int st = article_save_form(req, old, &f, &why, &f.invalid, &id);
	if (st == 409 && old) {
		struct db_article now_art;
		if (db_article_get_id(db, a, old->id, &now_art) == DB_OK)
			return editor_show(req, res, &now_art, &f, NULL, why, NULL, NULL, 409);
	}
	if (st == 500)
		return 500;
	if (st)
		return editor_show(req, res, old, &f, NULL, why, NULL, NULL, st);
	/* saved: the unsaved copy is no longer needed (a failure to delete it only leaves an offer behind) */
	if (db_autosave_delete(db, req->session->user.id, old ? old->id : 0) != DB_OK)
		log_error("autosave: the copy of article %lld was not deleted", (long long)id);
	http_set_header(res, "Location", arena_printf(a, "/admin/articles/%lld?notice=saved", (long long)id));
	return 303;
}

/* WEBPAGE: POST /admin/preview
 * Parameters: csrf (or X-CSRF-Token); body (Markdown, at most MAX_BODY bytes, else 413).
 * Permission: PERM_WRITE. Answers the body rendered as the article page would (raw HTML never
 * rendered), for the editor's live preview; not cached. */
int preview_page(struct http_request *req, struct http_response *res)
{
	const char *body = raw_field(req, "body");
	if (strlen(body) > MAX_BODY) {
		res->error_message = N_("The body is too long to preview (at most 256 KB).");
		return 413;
	}
	const char *html = editor_markdown_html(req, body, strcmp(editor_field(req, "edition"), "ar") == 0 ? "ar" : "en");
	buf_append(&res->body, html, strlen(html));
	res->no_etag = 1;
	http_set_header(res, "Cache-Control", "no-store");
	return 200;
}
