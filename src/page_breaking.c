/* page_breaking.c - the newsroom's breaking-news page (issue 21; editors and admins): per edition, the
 * banner up with its expiry and "take down now", and a form to raise one (the line, the story or live blog
 * it links or an address of the site, the minutes until it comes down). The checks, the raising and the
 * taking down are breaking.c's; this file shows and answers the forms. */
#include <string.h>

#include "app.h"
#include "audit.h"
#include "breaking.h"
#include "catalog.h"
#include "db.h"
#include "pages.h"
#include "render.h"
#include "util.h"

static const char *const editions[] = {"en", "ar"};

/* edition_up: fills row r with edition's banner up (if any). Returns DB_OK or DB_ERROR. */
static int edition_up(struct http_request *req, struct view *r, const char *edition)
{
	struct arena *a = req->arena;
	struct db_breaking b;
	int rc = db_breaking_current(req->app->db, a, edition, util_now(), &b);
	view_bool(r, "up", rc == DB_OK);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? DB_OK : DB_ERROR;
	view_text(r, "text", b.text);
	const char *href = breaking_href(req, &b);
	view_bool(r, "has_link", href != NULL);
	view_text(r, "link_href", href ? href : "");
	view_text(r, "link_label", b.link_article_id ? arena_printf(a, "#%lld", (long long)b.link_article_id) : href);
	view_text(r, "until", render_time_input(a, b.expires_at));
	view_text(r, "iso", render_iso(a, b.expires_at));
	return DB_OK;
}

/* desk_form: the page, each edition with its banner up and its form; the form of the edition typed (the
 * POST's) keeps what was typed when status is not 200, with field (the one at fault) marked and error
 * under it. Returns the status. */
static int desk_form(struct http_request *req, struct http_response *res, const char *notice, const char *error,
		     const char *field, int status)
{
	struct arena *a = req->arena;
	struct view *v = render_admin_frame(req, RENDER_BREAKING, N_("Breaking news"), notice, status == 200 ? NULL : error);
	enum catalog_lang lang = render_newsroom_lang(req);
	const char *typed_ed = status != 200 ? http_form(req, "edition") : NULL;
	view_text(v, "max_minutes", arena_printf(a, "%d", BREAKING_MINUTES_MAX));
	view_list_empty(v, "editions");
	for (size_t i = 0; i < ARRAY_LEN(editions); i++) {
		const char *ed = editions[i];
		struct view *r = view_add(v, "editions");
		int ar = strcmp(ed, "ar") == 0;
		view_text(r, "code", ed);
		view_text(r, "name", ar ? catalog_tr(lang, "Arabic edition") : catalog_tr(lang, "English edition"));
		view_text(r, "dir", ar ? "rtl" : "ltr");
		if (edition_up(req, r, ed) != DB_OK)
			return 500;
		int typed = typed_ed && strcmp(typed_ed, ed) == 0;
		view_text(r, "f_text", typed ? http_form_text(req, "text") : "");
		view_text(r, "f_article", typed ? http_form_text(req, "article") : "");
		view_text(r, "f_url", typed ? http_form_text(req, "url") : "");
		view_text(r, "f_minutes", typed ? http_form_text(req, "minutes") : arena_printf(a, "%d", BREAKING_MINUTES_DEFAULT));
		view_bool(r, "bad_text", typed && field && strcmp(field, "text") == 0);
		view_bool(r, "bad_article", typed && field && strcmp(field, "article") == 0);
		view_bool(r, "bad_url", typed && field && strcmp(field, "url") == 0);
		view_bool(r, "bad_minutes", typed && field && strcmp(field, "minutes") == 0);
		view_text(r, "field_error", typed && field ? error : "");
	}
	return render_reply(req, res, RENDER_BREAKING, v, status);
}

/* WEBPAGE: GET POST /admin/breaking
 * Parameters: POST form: edition (en or ar), text (the line, plain, at most BREAKING_TEXT_MAX characters),
 *   article (the linked story's number) or url (an address of this site), minutes (1 to BREAKING_MINUTES_MAX,
 *   default BREAKING_MINUTES_DEFAULT), csrf
 * Permission: editor or admin (PERM_PUBLISH); a POST carries the session's CSRF token (csrf field),
 *   checked by the route table
 * Shows each edition's banner up and the form to raise one; a POST raises it in place of the one up
 *   (breaking_raise: audited, the edition's pages purged); a refused form keeps what was typed (400,
 *   audited as breaking.refused). */
int breaking_page(struct http_request *req, struct http_response *res)
{
	int shown = page_form_status(req);
	if (shown)
		return desk_form(req, res, NULL, shown == 403 ? req->refusal : NULL, NULL, shown);
	struct breaking_form f = {.edition = http_form(req, "edition"), .text = http_form_text(req, "text"),
				  .article = http_form_text(req, "article"), .url = http_form_text(req, "url"),
				  .minutes = http_form_text(req, "minutes")};
	struct db_breaking b;
	const char *field = NULL;
	const char *why = breaking_check(req, &f, &b, &field);
	if (why && !field)
		return 500;
	if (why) {
		audit_record(req, "breaking.refused", NULL, why);
		return desk_form(req, res, NULL, why, field, 400);
	}
	int64_t id;
	if (breaking_raise(req, &b, &id) != DB_OK)
		return 500;
	return desk_form(req, res, N_("The banner is up on every page of its edition."), NULL, NULL, 200);
}

/* WEBPAGE: POST /admin/breaking/{edition}/end
 * Parameters: edition (en or ar, in the path); form: csrf
 * Permission: editor or admin (PERM_PUBLISH); a POST carries the session's CSRF token (csrf field),
 *   checked by the route table
 * Takes the edition's banner down now (breaking_take_down: audited, the edition's pages purged); 404 for
 *   an unknown edition or when no banner is up. */
int breaking_end_page(struct http_request *req, struct http_response *res)
{
	char ed[8];
	if (route_param(&req->route, "edition", ed, sizeof ed) != 0 || (strcmp(ed, "en") != 0 && strcmp(ed, "ar") != 0))
		return 404;
	int64_t id;
	int rc = breaking_take_down(req, ed, &id);
	if (rc == DB_NOTFOUND)
		return desk_form(req, res, NULL, N_("No banner is up in that edition: nothing was taken down."), NULL, 404);
	if (rc != DB_OK)
		return 500;
	return desk_form(req, res, N_("The banner is down."), NULL, NULL, 200);
}
