/* page_lang.c - the newsroom language a person chooses (issue 19): their own (users.lang) and, for
 * administrators, the site's default (the newsroom_lang setting). See catalog.h for how a page finds
 * its language (render_newsroom_lang). */
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "cache.h"
#include "catalog.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "pages.h"
#include "render.h"
#include "tmpl.h"

/* lang_show: the language page with the choices as stored, notice and error (catalogue strings), with
 * status. Returns the status, or 500 when the store cannot be read. */
static int lang_show(struct http_request *req, struct http_response *res, const char *notice, const char *error,
		     int status)
{
	struct view *v = render_admin_frame(req, RENDER_LANGUAGE, N_("Newsroom language"), notice, error);
	const char *mine = req->session->user.lang, *site = NULL;
	int rc = db_setting_get(req->app->db, req->arena, "newsroom_lang", &site);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return 500;
	view_bool(v, "choice_browser", !mine || !*mine);
	view_bool(v, "choice_en", mine && strcmp(mine, "en") == 0);
	view_bool(v, "choice_ar", mine && strcmp(mine, "ar") == 0);
	view_bool(v, "site_ar", site && strcmp(site, "ar") == 0);
	return render_reply(req, res, RENDER_LANGUAGE, v, status);
}

/* WEBPAGE: GET POST /admin/language
 * Parameters: GET saved (1: the person's choice was saved, 2: the site's); POST form: csrf, and lang ("",
 *   "en" or "ar": the person's own; "" follows the browser) or site_lang ("en" or "ar": the site's
 *   default, administrators only)
 * Permission: any newsroom account (PERM_LOGIN) for its own language; PERM_ADMIN for the site's; a POST
 *   carries the session's CSRF token, checked by the route table
 * Shows and saves the newsroom language. A value that is not a choice answers 400 with the page; a
 * non-administrator naming site_lang 403; success 303 back to the page (in the new language). */
int language_page(struct http_request *req, struct http_response *res)
{
	if (req->method != HTTP_POST) {
		const char *saved = http_param(req, "saved");
		const char *notice = saved && strcmp(saved, "1") == 0   ? N_("Your newsroom language is saved.")
				     : saved && strcmp(saved, "2") == 0 ? N_("The site's newsroom language is saved.")
									: NULL;
		return lang_show(req, res, notice, NULL, 200);
	}
	if (req->refusal)
		return lang_show(req, res, NULL, req->refusal, 403);
	const char *lang = http_form(req, "lang"), *site = http_form(req, "site_lang");
	enum catalog_lang parsed;
	if (site) {
		if (!auth_role_allows(req->session->user.role, PERM_ADMIN))
			return lang_show(req, res, NULL, N_("Only an administrator sets the site's newsroom language."), 403);
		if (strlen(site) != 2 || catalog_parse(site, &parsed) != 0)
			return lang_show(req, res, NULL, N_("Choose English, Arabic, or what your browser asks for."), 400);
		audit_setting(req, "newsroom_lang", catalog_code(parsed));
		if (db_setting_set(req->app->db, "newsroom_lang", catalog_code(parsed)) != DB_OK)
			return 500;
		log_info("the site's newsroom language set to %s by %s", catalog_code(parsed), req->session->user.login);
		http_set_header(res, "Location", "/admin/language?saved=2");
		return 303;
	}
	if (!lang || (*lang && (strlen(lang) != 2 || catalog_parse(lang, &parsed) != 0)))
		return lang_show(req, res, NULL, N_("Choose English, Arabic, or what your browser asks for."), 400);
	const char *code = *lang ? catalog_code(parsed) : "";
	if (db_user_set_lang(req->app->db, req->session->user.id, code) != DB_OK)
		return 500;
	audit_record(req, "user.language", audit_target(req->arena, "user", req->session->user.id), *code ? code : "browser");
	http_set_header(res, "Location", "/admin/language?saved=1");
	return 303;
}
