/* page_translations.c - the translation desk (issue 19): "Translate" makes a paired draft in the other
 * edition; the editor of a translation shows its source beside it, paragraph by paragraph, and warns
 * when the source changed substantively since the translation was last saved (with the source's diff
 * since then, and "Mark as up to date"); a correction on one side is flagged on the other; the board
 * (/admin/translations) lists today's stories still missing their translation, the translations out of
 * date and the flagged corrections. Visibility is the editor's (editor_may_see): what a person may not
 * open is answered as a number that does not exist and left off the board. */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "article.h"
#include "auth.h"
#include "blocks.h"
#include "cache_keys.h"
#include "catalog.h"
#include "db.h"
#include "diff.h"
#include "log.h"
#include "pages.h"
#include "render.h"
#include "textnorm.h"
#include "util.h"

#define BOARD_LIMIT 200 /* rows of each board list (a day's stories, the translations behind) */

/* other_edition: the edition a translation of an article of edition goes to. */
static const char *other_edition(const char *edition)
{
	return strcmp(edition, "ar") == 0 ? "en" : "ar";
}

/* edition_dir: the writing direction of an edition's text. */
static const char *edition_dir(const char *edition)
{
	return strcmp(edition, "ar") == 0 ? "rtl" : "ltr";
}

/* plain_body: the plain text of Markdown md (blocks_text: paragraphs separated by blank lines), in the
 * arena ("" when it cannot be made). */
static const char *plain_body(struct arena *a, const char *md)
{
	char *t = blocks_text(md ? md : "", md ? strlen(md) : 0);
	const char *out = arena_strdup(a, t ? t : "");
	free(t);
	return out;
}

/* add_word: textnorm_words callback: appends the word and a separator to the buf ctx. */
static void add_word(const char *w, size_t len, void *ctx)
{
	buf_append(ctx, w, len);
	buf_putc(ctx, '\n');
}

/* same_words: 1 when texts x and y have the same words in the same order after the shared normaliser
 * (textnorm: white space, punctuation, case, tashkeel and Arabic letter variants do not count), else 0. */
static int same_words(const char *x, const char *y)
{
	struct buf bx = BUF_INIT, by = BUF_INIT;
	textnorm_words(x, strlen(x), add_word, &bx);
	textnorm_words(y, strlen(y), add_word, &by);
	int same = bx.len == by.len && (bx.len == 0 || memcmp(bx.data, by.data, bx.len) == 0);
	buf_free(&bx);
	buf_free(&by);
	return same;
}

/* next_para: the next paragraph of a plain body (paragraphs separated by blank lines) at *p into *start
 * and *len, trimmed of spaces and line ends; *p moves past it. Returns 0 at the end of the text. */
static int next_para(const char **p, const char **start, size_t *len)
{
	while (**p == '\n' || **p == ' ')
		(*p)++;
	if (!**p)
		return 0;
	const char *end = strstr(*p, "\n\n");
	size_t n = end ? (size_t)(end - *p) : strlen(*p);
	*start = *p;
	*p += n;
	while (n && ((*start)[n - 1] == ' ' || (*start)[n - 1] == '\n'))
		n--;
	*len = n;
	return 1;
}

/* desk_text: a text as the desk compares and diffs it: the headline, the standfirst, then the body's
 * plain text one paragraph a line (arena). */
static const char *desk_text(struct arena *a, const char *headline, const char *standfirst, const char *body_md)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s\n%s\n", headline, standfirst ? standfirst : "");
	const char *p = plain_body(a, body_md), *para;
	size_t n;
	while (next_para(&p, &para, &n)) {
		for (size_t i = 0; i < n; i++)
			buf_putc(&b, para[i] == '\n' ? ' ' : para[i]);
		buf_putc(&b, '\n');
	}
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* What the desk knows of a translation's source (source_load). */
struct source_state {
	struct db_article src;       /* the source now (with its body) */
	struct db_article_source ln; /* the link: the source's version the translation is up to date with */
	struct db_revision then;     /* the source at that version, when has_then */
	int has_then;
	int behind; /* the source changed substantively since */
};

/* source_load: the source of translation tr into *s, when it has one the user may see and is still paired
 * with it (same translation group, other edition). Returns 1 with *s filled, 0 when there is none to
 * show, -1 on a store error. A source saved since whose earlier text is not kept counts as behind. */
static int source_load(struct http_request *req, const struct db_article *tr, struct source_state *s)
{
	struct db *db = req->app->db;
	struct arena *a = req->arena;
	memset(s, 0, sizeof *s);
	int rc = db_article_source_get(db, a, tr->id, &s->ln);
	if (rc == DB_NOTFOUND)
		return 0;
	if (rc == DB_OK)
		rc = db_article_get_id(db, a, s->ln.source_id, &s->src);
	if (rc == DB_NOTFOUND)
		return 0;
	if (rc != DB_OK)
		return -1;
	if (!editor_may_see(req, &s->src) || !s->src.translation_group || !tr->translation_group ||
	    strcmp(s->src.translation_group, tr->translation_group) != 0 || strcmp(s->src.edition, tr->edition) == 0)
		return 0;
	if (s->src.version == s->ln.source_version)
		return 1;
	rc = db_revision_get(db, a, s->src.id, s->ln.source_version, &s->then);
	if (rc == DB_ERROR)
		return -1;
	s->has_then = rc == DB_OK;
	s->behind = !s->has_then || !same_words(desk_text(a, s->then.headline, s->then.standfirst, s->then.body_md),
						desk_text(a, s->src.headline, s->src.standfirst, s->src.body_md));
	return 1;
}

/* source_diff: the source's changes since the translation's version, line by line, into v's list
 * "source_diff" (and source_diff_too_big when they are too many to show). */
static void source_diff(struct http_request *req, struct view *v, const struct source_state *s)
{
	struct arena *a = req->arena;
	static const char *const kinds[] = {[DIFF_SAME] = "same", [DIFF_DEL] = "removed", [DIFF_ADD] = "added"};
	struct diff_op *ops = NULL;
	size_t nops = 0;
	view_list_empty(v, "source_diff");
	int too_big = !s->has_then ||
		      diff_lines(a, desk_text(a, s->then.headline, s->then.standfirst, s->then.body_md),
				 desk_text(a, s->src.headline, s->src.standfirst, s->src.body_md), &ops, &nops) < 0;
	view_bool(v, "source_diff_too_big", too_big);
	for (size_t i = 0; i < nops; i++) {
		if (ops[i].kind == DIFF_SAME)
			continue; /* the warning shows what changed; the whole source is beside it */
		struct view *d = view_add(v, "source_diff");
		view_text(d, "kind", kinds[ops[i].kind]);
		const char *mark = ops[i].kind == DIFF_DEL ? N_("removed") : N_("added");
		view_text(d, "mark", catalog_tr(render_newsroom_lang(req), mark));
		view_textn(d, "text", ops[i].text, ops[i].len);
	}
}

/* source_pane: the source's text beside the editor, paragraph by paragraph in its own language and
 * direction, and the drift warning, into v. */
static void source_pane(struct http_request *req, struct view *v, const struct source_state *s)
{
	struct arena *a = req->arena;
	view_bool(v, "has_source", 1);
	view_text(v, "source_id", arena_printf(a, "%lld", (long long)s->src.id));
	view_text(v, "source_lang", s->src.edition);
	view_text(v, "source_dir", edition_dir(s->src.edition));
	view_text(v, "source_headline", s->src.headline);
	view_text(v, "source_standfirst", s->src.standfirst ? s->src.standfirst : "");
	view_text(v, "source_status", page_status_name(req, s->src.status));
	view_list_empty(v, "source_paras");
	const char *p = plain_body(a, s->src.body_md), *para;
	size_t n;
	while (next_para(&p, &para, &n))
		view_textn(view_add(v, "source_paras"), "text", para, n);
	view_bool(v, "source_behind", s->behind);
	view_text(v, "source_then", arena_printf(a, "%lld", (long long)s->ln.source_version));
	view_text(v, "source_now", arena_printf(a, "%lld", (long long)s->src.version));
	if (s->behind)
		source_diff(req, v, s);
	else
		view_list_empty(v, "source_diff");
}

/* correction_flag: the newest correction on art's translation made after art's last save (one the user
 * may see), into v. Returns 0, or -1 on a store error. */
static int correction_flag(struct http_request *req, struct view *v, const struct db_article *art)
{
	struct arena *a = req->arena;
	struct db_correction_flag *flags;
	size_t n;
	if (db_correction_flags(req->app->db, a, art->id, 1, &flags, &n) != DB_OK)
		return -1;
	struct db_article other;
	int shown = n && db_article_get_id(req->app->db, a, flags[0].corrected_id, &other) == DB_OK &&
		    editor_may_see(req, &other);
	view_bool(v, "has_correction_flag", shown);
	view_text(v, "flag_id", shown ? arena_printf(a, "%lld", (long long)other.id) : "");
	view_text(v, "flag_headline", shown ? other.headline : "");
	view_text(v, "flag_lang", shown ? other.edition : "en");
	view_text(v, "flag_dir", shown ? edition_dir(other.edition) : "ltr");
	view_text(v, "flag_when", shown ? render_stamp(a, flags[0].corrected_at, catalog_code(render_newsroom_lang(req))) : "");
	view_text(v, "flag_iso", shown ? render_iso(a, flags[0].corrected_at) : "");
	return 0;
}

int translation_editor_view(struct http_request *req, struct view *v, const struct db_article *art)
{
	struct source_state s;
	int has = 0;
	struct db_article tr;
	int rc = art ? db_article_translation_any(req->app->db, req->arena, art, &tr) : DB_NOTFOUND;
	if (rc == DB_ERROR)
		return -1;
	view_bool(v, "can_translate", art && rc == DB_NOTFOUND);
	if (art && (has = source_load(req, art, &s)) < 0)
		return -1;
	if (has)
		source_pane(req, v, &s);
	else {
		view_bool(v, "has_source", 0);
		view_bool(v, "source_behind", 0);
		view_list_empty(v, "source_paras");
		view_list_empty(v, "source_diff");
	}
	if (art)
		return correction_flag(req, v, art);
	view_bool(v, "has_correction_flag", 0);
	return 0;
}

/* pick_section: the section of edition `to` with the slug of from's section, else that edition's first
 * (menu order), into *id. Returns DB_OK, DB_NOTFOUND (the edition has no section) or DB_ERROR. */
static int pick_section(struct http_request *req, const struct db_article *from, const char *to, int64_t *id)
{
	struct db_section *secs;
	size_t n;
	if (db_sections_list(req->app->db, req->arena, to, &secs, &n) != DB_OK)
		return DB_ERROR;
	if (!n)
		return DB_NOTFOUND;
	*id = secs[0].id;
	for (size_t i = 0; i < n; i++)
		if (from->section_slug && strcmp(secs[i].slug, from->section_slug) == 0)
			*id = secs[i].id;
	return DB_OK;
}

/* free_slug: the source's slug when edition `to` does not use it, else it with "-2", "-3" ... (arena).
 * NULL on a store error. */
static const char *free_slug(struct http_request *req, const char *slug, const char *to)
{
	for (int i = 1; i < 1000; i++) {
		const char *s = i == 1 ? slug : arena_printf(req->arena, "%.190s-%d", slug, i);
		int64_t owner;
		int rc = db_slug_owner(req->app->db, to, s, &owner);
		if (rc == DB_NOTFOUND)
			return s;
		if (rc != DB_OK)
			return NULL;
	}
	return NULL;
}

/* board_show: the board with a refusal (error, a catalogue string already translated) and, when
 * the source has a translation the user may see, a link to it; status is the answer's. */
static int board_show(struct http_request *req, struct http_response *res, const char *error,
		      const struct db_article *existing, int status);

/* translate_store: the new draft `draft` (translation of src) in one transaction: the article, its pair,
 * its source link, its first revision and the log line. The source is read again inside it, so a
 * translation made meanwhile by another request is not doubled (on SQLite the write lock orders them).
 * Returns DB_OK with *id set, or DB_CONFLICT (a translation appeared, or the slug was taken) / DB_ERROR
 * (rolled back). */
static int translate_store(struct http_request *req, const struct db_article *src, const struct db_article *draft,
			   int64_t *id)
{
	struct db *db = req->app->db;
	int64_t now = util_now();
	struct db_article fresh, mate;
	if (db_begin(db) != DB_OK)
		return DB_ERROR;
	int rc = db_article_get_id(db, req->arena, src->id, &fresh);
	if (rc == DB_NOTFOUND)
		rc = DB_CONFLICT; /* deleted meanwhile */
	if (rc == DB_OK) {
		rc = db_article_translation_any(db, req->arena, &fresh, &mate);
		rc = rc == DB_OK ? DB_CONFLICT : rc == DB_NOTFOUND ? DB_OK : rc;
	}
	if (rc == DB_OK)
		rc = db_article_save(db, draft, id);
	if (rc == DB_OK)
		rc = db_article_set_translation(db, *id, src->id);
	if (rc == DB_OK)
		rc = db_article_source_set(db, *id, src->id, src->version);
	struct db_revision r = {.version = 1, .user_id = req->session->user.id, .created_at = now,
				.headline = draft->headline, .standfirst = draft->standfirst, .body_md = draft->body_md,
				.dateline = draft->dateline, .slug = draft->slug};
	if (rc == DB_OK)
		rc = db_revision_insert(db, *id, &r);
	if (rc == DB_OK)
		rc = db_event_insert(db, *id, req->session->user.id,
				     arena_printf(req->arena, "translation of article %lld created", (long long)src->id), now);
	if (rc != DB_OK || (rc = db_commit(db)) != DB_OK) {
		db_rollback(db);
		return rc;
	}
	cache_note(req, CACHE_ARTICLE_EDITED, src->id); /* its pair changed */
	return DB_OK;
}

/* WEBPAGE: POST /admin/articles/{id}/translate
 * Parameters: csrf; edition (optional: the edition to translate into, which must be the other one).
 * Permission: PERM_WRITE and editor_may_see of the source (another writer's unpublished work answers 404
 *   as a number that does not exist); the CSRF token is checked by the route table (403).
 * Makes a draft in the other edition owned by the user, paired with the source (same translation group)
 * and linked to it (source_id, source_version), its headline, standfirst and body the source's (the text
 * to translate over), its section the other edition's of the same slug (else its first), and redirects
 * (303) to its editor. A source that already has a translation answers 409 with the board and a link to
 * it; an edition that is not the other one 400. */
int article_translate_page(struct http_request *req, struct http_response *res)
{
	struct arena *a = req->arena;
	enum catalog_lang lang = render_newsroom_lang(req);
	struct db_article src, tr;
	int64_t id = route_param_id(&req->route, "id");
	int rc = id ? db_article_get_id(req->app->db, a, id, &src) : DB_NOTFOUND;
	if (rc == DB_ERROR)
		return 500;
	if (rc == DB_NOTFOUND || !editor_may_see(req, &src)) {
		res->error_message = catalog_tr(lang, "There is no article with that number to translate.");
		return 404;
	}
	const char *to = other_edition(src.edition), *asked = http_form(req, "edition");
	if (asked && *asked && strcmp(asked, to) != 0)
		return board_show(req, res, N_("A translation must be in the other edition."), NULL, 400);
	rc = db_article_translation_any(req->app->db, a, &src, &tr);
	if (rc == DB_OK) /* with its newsroom fields (owner, status) for editor_may_see */
		rc = db_article_get_id(req->app->db, a, tr.id, &tr);
	if (rc == DB_ERROR)
		return 500;
	if (rc == DB_OK)
		return board_show(req, res, N_("This article already has a translation: open it instead."),
				  editor_may_see(req, &tr) ? &tr : NULL, 409);
	struct db_article draft = src;
	draft.id = 0;
	draft.version = 0;
	draft.edition = to;
	draft.owner_id = req->session->user.id;
	draft.updated_at = util_now();
	rc = pick_section(req, &src, to, &draft.section_id);
	if (rc == DB_NOTFOUND)
		return board_show(req, res, N_("The other edition has no section to put the translation in."), NULL, 409);
	if (rc != DB_OK || !(draft.slug = free_slug(req, src.slug, to)))
		return 500;
	draft.body_html = render_body_html(req->app->db, a, src.body_md, to);
	int64_t new_id;
	rc = translate_store(req, &src, &draft, &new_id);
	if (rc == DB_CONFLICT) /* a translation or the slug appeared at that moment */
		return board_show(req, res, N_("The translation could not be made just now: try again."), NULL, 409);
	if (rc != DB_OK)
		return 500;
	log_info("article %lld translated into %s as article %lld by %s", (long long)src.id, to, (long long)new_id,
		 req->session->user.login);
	audit_record(req, "article.translated", audit_target(a, "article", new_id), audit_target(a, "translation of article", src.id));
	http_set_header(res, "Location", arena_printf(a, "/admin/articles/%lld?notice=translated", (long long)new_id));
	return 303;
}

/* WEBPAGE: POST /admin/articles/{id}/up-to-date
 * Parameters: csrf.
 * Permission: PERM_WRITE, and the user may edit the translation (editors; a reporter their own draft or
 *   article in review: else 403) and see its source; the CSRF token is checked by the route table.
 * Marks the translation up to date with its source's current version (no text changes) and redirects
 * (303) to its editor with notice=uptodate. An article without a source it may see answers 404. */
int article_uptodate_page(struct http_request *req, struct http_response *res)
{
	struct arena *a = req->arena;
	enum catalog_lang lang = render_newsroom_lang(req);
	struct db_article tr;
	int64_t id = route_param_id(&req->route, "id");
	int rc = id ? db_article_get_id(req->app->db, a, id, &tr) : DB_NOTFOUND;
	if (rc == DB_ERROR)
		return 500;
	if (rc == DB_NOTFOUND || !editor_may_see(req, &tr)) {
		res->error_message = catalog_tr(lang, "There is no translation with that number.");
		return 404;
	}
	int own = tr.owner_id == req->session->user.id &&
		  (strcmp(tr.status, "draft") == 0 || strcmp(tr.status, "review") == 0);
	if (!own && !auth_role_allows(req->session->user.role, PERM_PUBLISH)) {
		res->error_message = catalog_tr(lang, "Only an editor or the writer of this draft can mark it up to date.");
		return 403;
	}
	struct source_state s;
	int has = source_load(req, &tr, &s);
	if (has < 0)
		return 500;
	if (!has) {
		res->error_message = catalog_tr(lang, "This article is not a translation with a source you may see.");
		return 404;
	}
	if (db_article_source_set(req->app->db, tr.id, s.src.id, s.src.version) != DB_OK)
		return 500;
	audit_record(req, "article.uptodate", audit_target(a, "article", tr.id), arena_printf(a, "with article:%lld version %lld", (long long)s.src.id, (long long)s.src.version));
	http_set_header(res, "Location", arena_printf(a, "/admin/articles/%lld?notice=uptodate", (long long)tr.id));
	return 303;
}

/* board_article: an article row of the board (headline in its own language and direction, status,
 * editor link) as item `name` of list under v. */
static struct view *board_article(struct http_request *req, struct view *v, const char *name, const struct db_article *art)
{
	struct arena *a = req->arena;
	struct view *o = view_add(v, name);
	view_text(o, "id", arena_printf(a, "%lld", (long long)art->id));
	view_text(o, "headline", art->headline);
	view_text(o, "lang", art->edition);
	view_text(o, "dir", edition_dir(art->edition));
	view_text(o, "status", page_status_name(req, art->status));
	const char *ed = strcmp(art->edition, "ar") == 0 ? N_("Arabic") : N_("English");
	view_text(o, "edition_name", catalog_tr(render_newsroom_lang(req), ed));
	return o;
}

/* board_missing: today's (UTC) published or scheduled stories the user may see still missing their
 * translation, into v's list "missing". Returns 0, or -1 on a store error. */
static int board_missing(struct http_request *req, struct view *v)
{
	int64_t now = util_now(), day = now - now % 86400, *ids;
	size_t n, shown = 0;
	view_list_empty(v, "missing");
	if (db_untranslated_between(req->app->db, req->arena, day, day + 86400, BOARD_LIMIT, &ids, &n) != DB_OK)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct db_article art;
		int rc = db_article_get_id(req->app->db, req->arena, ids[i], &art);
		if (rc == DB_ERROR)
			return -1;
		if (rc == DB_OK && editor_may_see(req, &art)) {
			board_article(req, v, "missing", &art);
			shown++;
		}
	}
	view_bool(v, "has_missing", shown > 0);
	return 0;
}

/* board_pair: one row of the board's pair lists: the two sides (each a nested one-item list, "a" and
 * "b") as item of list `name`. */
static struct view *board_pair(struct http_request *req, struct view *v, const char *name, const struct db_article *x,
			       const struct db_article *y)
{
	struct view *row = view_add(v, name);
	board_article(req, row, "a", x);
	board_article(req, row, "b", y);
	view_text(row, "when", "");
	view_text(row, "iso", "");
	return row;
}

/* board_behind: the translations out of date (source_load's judgement) the user may see with their
 * source, into v's list "behind". Returns 0, or -1 on a store error. */
static int board_behind(struct http_request *req, struct view *v)
{
	struct db_article_source *rows;
	size_t n, shown = 0;
	view_list_empty(v, "behind");
	if (db_translations_behind(req->app->db, req->arena, BOARD_LIMIT, &rows, &n) != DB_OK)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct db_article tr;
		struct source_state s;
		int rc = db_article_get_id(req->app->db, req->arena, rows[i].id, &tr);
		if (rc == DB_ERROR)
			return -1;
		if (rc != DB_OK || !editor_may_see(req, &tr))
			continue;
		int has = source_load(req, &tr, &s);
		if (has < 0)
			return -1;
		if (has && s.behind) {
			board_pair(req, v, "behind", &s.src, &tr);
			shown++;
		}
	}
	view_bool(v, "has_behind", shown > 0);
	return 0;
}

/* board_flags: corrections on one side newer than the other side's last save (both sides visible to the
 * user), into v's list "flags". Returns 0, or -1 on a store error. */
static int board_flags(struct http_request *req, struct view *v)
{
	struct arena *a = req->arena;
	struct db_correction_flag *flags;
	size_t n, shown = 0;
	view_list_empty(v, "flags");
	if (db_correction_flags(req->app->db, a, 0, BOARD_LIMIT, &flags, &n) != DB_OK)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct db_article x, y;
		int rx = db_article_get_id(req->app->db, a, flags[i].corrected_id, &x);
		int ry = rx == DB_OK ? db_article_get_id(req->app->db, a, flags[i].other_id, &y) : rx;
		if (ry == DB_ERROR)
			return -1;
		if (ry != DB_OK || !editor_may_see(req, &x) || !editor_may_see(req, &y))
			continue;
		struct view *row = board_pair(req, v, "flags", &x, &y);
		view_text(row, "when", render_stamp(a, flags[i].corrected_at, catalog_code(render_newsroom_lang(req))));
		view_text(row, "iso", render_iso(a, flags[i].corrected_at));
		shown++;
	}
	view_bool(v, "has_flags", shown > 0);
	return 0;
}

static int board_show(struct http_request *req, struct http_response *res, const char *error,
		      const struct db_article *existing, int status)
{
	struct view *v = render_admin_frame(req, RENDER_TRANSLATIONS, N_("Translations"), NULL, error);
	view_bool(v, "has_existing", existing != NULL);
	view_text(v, "existing_id", existing ? arena_printf(req->arena, "%lld", (long long)existing->id) : "");
	view_text(v, "existing_headline", existing ? existing->headline : "");
	view_text(v, "existing_lang", existing ? existing->edition : "en");
	view_text(v, "existing_dir", existing ? edition_dir(existing->edition) : "ltr");
	if (board_missing(req, v) < 0 || board_behind(req, v) < 0 || board_flags(req, v) < 0 ||
	    live_translation_drafts(req, v) < 0)
		return 500;

	return render_reply(req, res, RENDER_TRANSLATIONS, v, status);
}

/* WEBPAGE: GET /admin/translations
 * Parameters: none.
 * Permission: PERM_WRITE; each list shows only articles the user may open (editor_may_see).
 * The translation board: today's (UTC) published or scheduled stories of either edition still missing
 * their translation, each with a Translate button; translations whose source changed substantively since
 * their last save, both sides' headlines and status, linked to the translation's editor; and pairs
 * where one side has a correction newer than the other side's last save. */
int translations_page(struct http_request *req, struct http_response *res)
{
	return board_show(req, res, NULL, NULL, 200);
}
