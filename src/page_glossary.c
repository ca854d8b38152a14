/* page_glossary.c - the glossary (issue 19): the newsroom page that lists, searches, adds, edits and
 * deletes entries (editors and administrators keep it, reporters read it), and the panel of the article
 * editor that lists the glossary names a story and its translation mention and warns of variants used
 * where the edition's agreed spelling is expected (glossary.c does the matching; a warning never refuses
 * a save). The panel is computed again on every showing of the editor (after a save too: the redirect's
 * GET), so it always reads the text and glossary as they are now. */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "blocks.h"
#include "catalog.h"
#include "db.h"
#include "escape.h"
#include "glossary.h"
#include "http.h"
#include "log.h"
#include "pages.h"
#include "render.h"
#include "tmpl.h"
#include "util.h"

#define GLOSSARY_NAME_MAX 200     /* bytes of a name */
#define GLOSSARY_VARIANTS_MAX 2000 /* bytes of the variants as typed */
#define GLOSSARY_NVARIANTS_MAX 30
#define GLOSSARY_NOTE_MAX 1000
#define GLOSSARY_SHOWN 500  /* entries the page lists */
#define GLOSSARY_CHECKED 5000 /* entries the editor reads a story against */

/* The kinds of entry, stored keyword and label (a catalogue string). */
static const char *const kinds[][2] = {
	{"person", N_("Person")}, {"place", N_("Place")}, {"organisation", N_("Organisation")}, {"title", N_("Title")}};

/* kind_label: the label of stored kind in lang (the keyword itself when unknown). */
static const char *kind_label(enum catalog_lang lang, const char *kind)
{
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		if (strcmp(kinds[i][0], kind) == 0)
			return catalog_tr(lang, kinds[i][1]);
	return kind;
}

/* entry_view: appends entry g to the list `list` of v (names, kind, note and variants). */
static void entry_view(struct http_request *req, struct view *v, const char *list, const struct db_glossary *g)
{
	struct arena *a = req->arena;
	struct view *r = view_add(v, list);
	view_text(r, "id", arena_printf(a, "%lld", (long long)g->id));
	view_text(r, "name_en", g->name_en);
	view_text(r, "name_ar", g->name_ar);
	view_text(r, "kind_label", kind_label(render_newsroom_lang(req), g->kind));
	view_text(r, "note", g->note);
	const char **vars;
	size_t nv = glossary_variants(a, g->variants, &vars);
	view_list_empty(r, "variants");
	for (size_t i = 0; i < nv; i++)
		view_text(view_add(r, "variants"), "text", vars[i]);
}

/* A form as shown: the entry's fields (as typed, or as stored), which field is at fault and why. */
struct gl_form {
	int64_t id;
	const char *kind, *name_en, *name_ar, *variants, *note;
	const char *invalid, *field_error;
};

/* gl_show: the glossary page: the entries matching the GET's q, and (for editors) the form f, with
 * notice, error (catalogue strings) and status. Returns status, or 500 when the store cannot be read. */
static int gl_show(struct http_request *req, struct http_response *res, const struct gl_form *f, const char *notice,
		   const char *error, int status)
{
	struct arena *a = req->arena;
	enum catalog_lang lang = render_newsroom_lang(req);
	struct view *v = render_admin_frame(req, RENDER_GLOSSARY, N_("Glossary"), notice, error);
	const char *q = req->method == HTTP_POST ? NULL : http_param(req, "q");
	struct db_glossary *rows = NULL;
	size_t n = 0;
	if (req->session && db_glossary_list(req->app->db, a, q, GLOSSARY_SHOWN, &rows, &n) != DB_OK)
		return 500;
	view_text(v, "q", q ? q : "");
	view_bool(v, "searched", q && *glossary_key(a, q));
	view_bool(v, "has_entries", n > 0);
	view_list_empty(v, "entries");
	for (size_t i = 0; i < n; i++)
		entry_view(req, v, "entries", &rows[i]);
	view_bool(v, "can_edit", req->session && auth_role_allows(req->session->user.role, PERM_PUBLISH));
	view_bool(v, "editing", f->id > 0);
	view_text(v, "form_id", f->id > 0 ? arena_printf(a, "%lld", (long long)f->id) : "");
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
		struct view *o = view_add(v, "kinds");
		view_text(o, "value", kinds[i][0]);
		view_text(o, "label", catalog_tr(lang, kinds[i][1]));
		view_bool(o, "selected", f->kind && strcmp(f->kind, kinds[i][0]) == 0);
	}
	view_text(v, "name_en", f->name_en);
	view_text(v, "name_ar", f->name_ar);
	view_text(v, "variants", f->variants);
	view_text(v, "note", f->note);
	view_text(v, "field_error", f->field_error ? catalog_tr(lang, f->field_error) : "");
	const char *fields[] = {"kind", "name_en", "name_ar", "variants", "note"};
	for (size_t i = 0; i < ARRAY_LEN(fields); i++)
		view_bool(v, arena_printf(a, "invalid_%s", fields[i]), f->invalid && strcmp(f->invalid, fields[i]) == 0);
	return render_reply(req, res, RENDER_GLOSSARY, v, status);
}

/* form_posted: the form as the person typed it (never NULL fields). */
static void form_posted(struct http_request *req, struct gl_form *f)
{
	memset(f, 0, sizeof *f);
	const char *id = http_form(req, "id");
	int64_t v = 0;
	if (id && *id && util_parse_i64(id, &v) == 0 && v > 0)
		f->id = v;
	const char *s;
	f->kind = (s = http_form(req, "kind")) ? s : "";
	f->name_en = (s = http_form_text(req, "name_en")) ? s : "";
	f->name_ar = (s = http_form_text(req, "name_ar")) ? s : "";
	f->variants = (s = http_form_text(req, "variants")) ? s : "";
	f->note = (s = http_form_text(req, "note")) ? s : "";
}

/* form_problem: why f cannot be stored (a catalogue string), setting f->invalid to the field at fault;
 * NULL when it can. *variants gets the variants as stored. */
static const char *form_problem(struct http_request *req, struct gl_form *f, const char **variants)
{
	struct arena *a = req->arena;
	size_t nv = 0;
	*variants = glossary_variants_clean(a, f->variants, &nv);
	int known = 0;
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		known |= strcmp(f->kind, kinds[i][0]) == 0;
	struct {
		int bad;
		const char *field, *why;
	} checks[] = {
		{!known, "kind", N_("Choose the kind of name: person, place, organisation or title.")},
		{!*glossary_key(a, f->name_en), "name_en", N_("Give the English name.")},
		{strlen(f->name_en) > GLOSSARY_NAME_MAX, "name_en", N_("The English name is too long: at most 200 bytes.")},
		{!*glossary_key(a, f->name_ar), "name_ar", N_("Give the Arabic name.")},
		{strlen(f->name_ar) > GLOSSARY_NAME_MAX, "name_ar",
		 N_("The Arabic name is too long: at most 200 bytes (an Arabic letter takes two).")},
		{strlen(f->variants) > GLOSSARY_VARIANTS_MAX || nv > GLOSSARY_NVARIANTS_MAX, "variants",
		 N_("Too many variants: at most 30 spellings and 2000 bytes.")},
		{strlen(f->note) > GLOSSARY_NOTE_MAX, "note", N_("The note is too long: at most 1000 bytes.")},
	};
	for (size_t i = 0; i < ARRAY_LEN(checks); i++)
		if (checks[i].bad) {
			f->invalid = checks[i].field;
			return checks[i].why;
		}
	return NULL;
}

/* gl_refuse: the page again with f as typed, field at fault marked with why, and status. */
static int gl_refuse(struct http_request *req, struct http_response *res, struct gl_form *f, const char *field,
		     const char *why, int status)
{
	f->invalid = field;
	f->field_error = why;
	return gl_show(req, res, f, NULL, why, status);
}

/* gl_save: stores the posted entry f (new or an update); 303 to the page on success, else the refusal. */
static int gl_save(struct http_request *req, struct http_response *res, struct gl_form *f)
{
	const char *variants, *why = form_problem(req, f, &variants);
	if (why)
		return gl_refuse(req, res, f, f->invalid, why, 400);
	struct db_glossary g = {.id = f->id, .kind = f->kind, .name_en = f->name_en, .name_ar = f->name_ar,
				.variants = variants, .note = f->note, .created_by = req->session->user.id,
				.updated_at = util_now()};
	const char *clash = NULL;
	int64_t id = 0;
	int rc = db_glossary_put(req->app->db, &g, &id, &clash);
	if (rc == DB_CONFLICT) {
		int ar = clash && strcmp(clash, "name_ar") == 0;
		return gl_refuse(req, res, f, ar ? "name_ar" : "name_en",
				 ar ? N_("Another entry already has this Arabic name (compared without tashkeel or hamza "
					 "forms): edit that entry instead.")
				    : N_("Another entry already has this English name (compared without case or accents): "
					 "edit that entry instead."),
				 400);
	}
	if (rc == DB_NOTFOUND)
		return 404;
	if (rc != DB_OK)
		return 500;
	log_info("glossary: entry %lld (%s) saved by %s", (long long)id, f->name_en, req->session->user.login);
	audit_record(req, f->id ? "glossary.saved" : "glossary.added", audit_target(req->arena, "glossary", id), arena_printf(req->arena, "%s / %s", f->name_en, f->name_ar));
	http_set_header(res, "Location", f->id ? "/admin/glossary?done=saved" : "/admin/glossary?done=added");
	return 303;
}

/* WEBPAGE: GET POST /admin/glossary
 * Parameters: GET q (search: names, variants and notes, normalised), edit (an entry's id: its fields in
 *   the form), done (added, saved, deleted: the notice); POST form: csrf, id (empty: a new entry), kind
 *   (person, place, organisation, title), name_en, name_ar, variants (one a line or separated by ;), note
 * Permission: any account that writes (PERM_WRITE) reads it; editors and administrators (PERM_PUBLISH)
 *   add and edit (a reporter's POST: 403); a POST carries the session's CSRF token, checked by the route
 *   table
 * The glossary: its entries and the form. A refusal (unknown kind, empty or over-long field, a name
 * another entry has once normalised) answers 400 with the form as typed and the field named; success 303
 * back to the page. */
int glossary_page(struct http_request *req, struct http_response *res)
{
	struct gl_form f;
	int shown = page_form_status(req);
	if (shown == 403) {
		form_posted(req, &f);
		return gl_show(req, res, &f, NULL, req->refusal, 403);
	}
	if (shown) {
		memset(&f, 0, sizeof f);
		f.kind = "person";
		f.name_en = f.name_ar = f.variants = f.note = "";
		const char *edit = http_param(req, "edit");
		int64_t id = 0;
		if (edit && (util_parse_i64(edit, &id) != 0 || id <= 0))
			return 404;
		if (id) {
			struct db_glossary g;
			int rc = db_glossary_get(req->app->db, req->arena, id, &g);
			if (rc != DB_OK)
				return rc == DB_NOTFOUND ? 404 : 500;
			f = (struct gl_form){.id = g.id, .kind = g.kind, .name_en = g.name_en, .name_ar = g.name_ar,
					     .variants = g.variants, .note = g.note};
		}
		const char *done = http_param(req, "done");
		const char *notice = !done				? NULL
				     : strcmp(done, "added") == 0	? N_("Entry added to the glossary.")
				     : strcmp(done, "saved") == 0	? N_("Entry saved.")
				     : strcmp(done, "deleted") == 0 ? N_("Entry deleted from the glossary.")
									: NULL;
		return gl_show(req, res, &f, notice, NULL, 200);
	}
	form_posted(req, &f);
	if (!auth_role_allows(req->session->user.role, PERM_PUBLISH))
		return gl_show(req, res, &f, NULL, N_("Only editors and administrators keep the glossary."), 403);
	return gl_save(req, res, &f);
}

/* WEBPAGE: POST /admin/glossary/{id}/delete
 * Parameters: id (in the path); form: csrf
 * Permission: editors and administrators (PERM_PUBLISH); a POST carries the session's CSRF token (csrf
 *   field), checked by the route table
 * Deletes an entry; 404 for an unknown id; success 303 back to the glossary. */
int glossary_delete_page(struct http_request *req, struct http_response *res)
{
	int64_t id = route_param_id(&req->route, "id");
	if (!id)
		return 404;
	int rc = db_glossary_delete(req->app->db, id);
	if (rc == DB_NOTFOUND)
		return 404;
	if (rc != DB_OK)
		return 500;
	log_info("glossary: entry %lld deleted by %s", (long long)id, req->session->user.login);
	audit_record(req, "glossary.deleted", audit_target(req->arena, "glossary", id), NULL);
	http_set_header(res, "Location", "/admin/glossary?done=deleted");
	return 303;
}

/* story_text: a story's headline, standfirst and body's plain text, one text, in the arena. */
static const char *story_text(struct arena *a, const char *headline, const char *standfirst, const char *body)
{
	char *plain = body ? blocks_text(body, strlen(body)) : NULL;
	const char *t = arena_printf(a, "%s\n%s\n%s", headline ? headline : "", standfirst ? standfirst : "",
				     plain ? plain : "");
	free(plain);
	return t;
}

/* bdi_html: s escaped for HTML inside <bdi>, in the arena. */
static const char *bdi_html(struct arena *a, const char *s)
{
	struct buf b = BUF_INIT;
	buf_lit(&b, "<bdi>");
	buf_html(&b, s, strlen(s));
	buf_lit(&b, "</bdi>");
	const char *out = arena_strndup(a, buf_cstr(&b), b.len);
	buf_free(&b);
	return out;
}

/* pair_text: the text of art's translation pair when the user may see it, in the arena; "" when there
 * is none. NULL on a store error. */
static const char *pair_text(struct http_request *req, const struct db_article *art, const char **edition)
{
	struct db_article tr, full;
	int rc = art ? db_article_translation_any(req->app->db, req->arena, art, &tr) : DB_NOTFOUND;
	if (rc == DB_NOTFOUND || (rc == DB_OK && !editor_may_see(req, &tr)))
		return "";
	if (rc != DB_OK || db_article_get_id(req->app->db, req->arena, tr.id, &full) != DB_OK)
		return NULL;
	*edition = full.edition;
	return story_text(req->arena, full.headline, full.standfirst, full.body_md);
}

long glossary_story_misses(struct http_request *req, const char *headline, const char *standfirst, const char *body,
			   const char *edition, struct glossary_miss **miss)
{
	struct db_glossary *rows = NULL;
	size_t n = 0;
	*miss = NULL;
	if (db_glossary_list(req->app->db, req->arena, NULL, GLOSSARY_CHECKED, &rows, &n) != DB_OK)
		return -1;
	return (long)glossary_check(req->arena, rows, n, story_text(req->arena, headline, standfirst, body),
				    edition && strcmp(edition, "ar") == 0 ? "ar" : "en", NULL, miss);
}

int editor_glossary(struct http_request *req, struct view *v, const struct db_article *art,
		    const struct editor_form *f)
{
	struct arena *a = req->arena;
	struct db_glossary *rows = NULL;
	size_t n = 0;
	view_list_empty(v, "gl_misses");
	view_list_empty(v, "gl_entries");
	if (db_glossary_list(req->app->db, a, NULL, GLOSSARY_CHECKED, &rows, &n) != DB_OK)
		return -1;
	const char *pair_edition = "en", *pair = n ? pair_text(req, art, &pair_edition) : "";
	if (!pair)
		return -1;
	unsigned char *mentioned = arena_alloc(a, n ? n : 1);
	struct glossary_miss *miss = NULL;
	const char *edition = f->edition && strcmp(f->edition, "ar") == 0 ? "ar" : "en";
	size_t nmiss = glossary_check(a, rows, n, story_text(a, f->headline, f->standfirst, f->body), edition,
				      mentioned, &miss);
	glossary_check(a, rows, n, pair, pair_edition, mentioned, NULL);
	enum catalog_lang lang = render_newsroom_lang(req);
	size_t shown = 0;
	for (size_t i = 0; i < n; i++)
		if (mentioned[i]) {
			entry_view(req, v, "gl_entries", &rows[i]);
			shown++;
		}
	for (size_t i = 0; i < nmiss; i++)
		view_html(view_add(v, "gl_misses"), "sentence",
			  arena_printf(a, catalog_tr(lang, "«%s» is written «%s» in the glossary."),
				       bdi_html(a, miss[i].used), bdi_html(a, miss[i].agreed)));
	view_bool(v, "gl_show", shown > 0);
	view_bool(v, "gl_warn", nmiss > 0);
	return 0;
}
