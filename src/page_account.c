/* page_account.c - the account's own page (issue 20): who it is, links to its password, language,
 * passkeys and sessions, and its two-factor log-in: TOTP enrolment with a QR code, turning it off, new
 * recovery codes. The log-in's own second-factor steps are in page_mfa.c; the logic in mfa.c. */
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "mfa.h"
#include "pages.h"
#include "render.h"
#include "tmpl.h"
#include "totp.h"
#include "util.h"

/* user_target: "user:ID" for u, the audit log's target of a change to an account, in the arena. */
static const char *user_target(struct http_request *req, const struct db_user *u)
{
	return audit_target(req->arena, "user", u->id);
}

/* refusal_detail: the audit log's detail of a confirmation refused with status (confirm_check). */
static const char *refusal_detail(int status)
{
	return status == 429 ? "throttled" : status == 500 ? "store failure" : "wrong password or code";
}

/* account_show: the account page with its two-factor state, notice and error (catalogue strings), with
 * status. Returns status, or 500 when the store fails. */
static int account_show(struct http_request *req, struct http_response *res, const char *notice, const char *error,
			int status)
{
	const struct db_user *u = &req->session->user;
	struct view *v = render_admin_frame(req, RENDER_ACCOUNT, N_("Your account"), notice, error);
	enum catalog_lang lang = render_newsroom_lang(req);
	struct db_totp t;
	int rc = db_totp_get(req->app->db, req->arena, u->id, &t);
	int required = mfa_role_required(req, u->role);
	int64_t left = 0;
	if (rc == DB_ERROR || required < 0 || db_recovery_codes_left(req->app->db, u->id, &left) != DB_OK)
		return 500;
	int on = rc == DB_OK && t.confirmed;
	view_text(v, "login", u->login);
	view_text(v, "display_name", u->display_name);
	view_text(v, "role", catalog_tr(lang, u->role)); /* the role names are catalogue strings (render.c) */
	view_bool(v, "totp_on", on);
	view_bool(v, "required", required);
	view_text(v, "codes_left",
		  arena_printf(req->arena,
			       left == 1 ? catalog_tr(lang, "%lld recovery code is left.")
					 : catalog_tr(lang, "%lld recovery codes are left."),
			       (long long)left));
	return render_reply(req, res, RENDER_ACCOUNT, v, status);
}

/* WEBPAGE: GET /admin/account
 * Parameters: done ("on": two-factor log-in was turned on; "off": turned off)
 * Permission: any newsroom account (PERM_LOGIN), its own
 * The account's own page: login, name and role; links to its password, newsroom language, passkeys and
 *   sessions; its two-factor log-in (set up, turn off, new recovery codes) and whether its role requires it. */
int account_page(struct http_request *req, struct http_response *res)
{
	const char *done = http_param(req, "done");
	const char *notice = !done			? NULL
			     : strcmp(done, "on") == 0	? N_("Two-factor log-in is on.")
			     : strcmp(done, "off") == 0 ? N_("Two-factor log-in is off.")
							: NULL;
	return account_show(req, res, notice, NULL, 200);
}

/* enrol_show: the enrolment page for the session's account (its unconfirmed secret, made now if it has
 * none) with error, answered with status; 303 to the account page when two-factor log-in is on already.
 * Returns the status, or 500 on a store failure. */
static int enrol_show(struct http_request *req, struct http_response *res, const char *error, int status)
{
	const struct db_user *u = &req->session->user;
	char secret[TOTP_SECRET_B32];
	int rc = mfa_enrol_begin(req, u->id, secret);
	if (rc < 0)
		return 500;
	if (rc > 0) {
		http_set_header(res, "Location", "/admin/account");
		return 303;
	}
	struct view *v = render_admin_frame(req, RENDER_MFA_ENROL, N_("Set up two-factor log-in"), NULL, error);
	view_text(v, "action", "/admin/account/totp");
	view_bool(v, "in_login", 0);
	view_text(v, "form_token", "");
	view_text(v, "cancel_href", "/admin/account");
	if (mfa_enrol_view(req, v, u->login, secret) < 0)
		return 500;
	return render_reply(req, res, RENDER_MFA_ENROL, v, status);
}

/* codes_show: the recovery codes page (v's "codes" filled) with its link onwards, answered 200. */
static int codes_show(struct http_request *req, struct http_response *res, struct view *v, const char *next)
{
	view_text(v, "continue_href", next);
	return render_reply(req, res, RENDER_MFA_RECOVERY, v, 200);
}

/* WEBPAGE: GET POST /admin/account/totp
 * Parameters: POST form: csrf, code (the first code the authenticator app shows)
 * Permission: any newsroom account (PERM_LOGIN), its own; a POST carries the session's CSRF token, checked by
 *   the route table
 * GET shows the enrolment: the QR code of the account's new secret (kept until confirmed, so a reload shows
 *   the same), the secret as text for typing, a field for the first code. A POST with a right code turns
 *   two-factor log-in on and shows the ten recovery codes, once (200); a wrong one shows the page again (400).
 *   303 to the account page when it is on already. */
int account_totp_page(struct http_request *req, struct http_response *res)
{
	if (req->method != HTTP_POST)
		return enrol_show(req, res, NULL, 200);
	const struct db_user *u = &req->session->user;
	struct view *v = render_admin_frame(req, RENDER_MFA_RECOVERY, N_("Your recovery codes"), N_("Two-factor log-in is on."), NULL);
	switch (mfa_enrol_confirm(req, u->id, http_form(req, "code"), v)) {
	case MFA_CHECK_OK:
		audit_record(req, "mfa.totp.enabled", user_target(req, u), "from the account page");
		log_info("two-factor log-in turned on by %s", u->login);
		return codes_show(req, res, v, "/admin/account?done=on");
	case MFA_CHECK_NONE:
		http_set_header(res, "Location", "/admin/account");
		return 303;
	case MFA_CHECK_ERROR:
		return 500;
	default:
		audit_record(req, "mfa.totp.enable_refused", user_target(req, u), "wrong first code");
		return enrol_show(req, res,
				  N_("That code is not right. Check that your phone's clock is right, then enter the code "
				     "your app shows now."),
				  400);
	}
}

/* confirm_check: checks the account's own password or a current code (form field "confirm") before a
 * change to its second factor, throttled as log-ins are (a wrong one counts as a failed log-in). Returns
 * 0 when it is right; else the status (400 wrong, 429 throttled, 500 store) with *why the refusal (N_;
 * NULL for 500). */
static int confirm_check(struct http_request *req, struct http_response *res, const char **why)
{
	const struct db_user *u = &req->session->user;
	const char *typed = http_form(req, "confirm");
	struct login_keys k;
	*why = NULL;
	login_keys_for(req, u->login, &k);
	if (login_throttled(req, res, &k)) {
		*why = N_("Too many failed attempts. Wait a few minutes before trying again.");
		return 429;
	}
	enum mfa_check c = typed && *typed ? mfa_totp_check(req, u->id, typed) : MFA_CHECK_WRONG;
	if (c == MFA_CHECK_ERROR)
		return 500;
	if (c == MFA_CHECK_OK)
		return 0;
	struct db_user full;
	if (c != MFA_CHECK_REPLAYED && typed && *typed) { /* not a code: perhaps the password */
		int rc = db_user_get_by_login(req->app->db, req->arena, u->login, &full);
		if (rc == DB_ERROR)
			return 500;
		if (rc == DB_OK && auth_verify_password(full.pw_hash, typed))
			return 0;
	}
	login_failure_add(req, &k);
	*why = c == MFA_CHECK_REPLAYED ? N_("That code has been used already. Wait for the next code and enter it.")
				       : N_("That is neither your password nor a current code from your app.");
	return 400;
}

/* WEBPAGE: POST /admin/account/totp/disable
 * Parameters: form: csrf, confirm (the account's password or a current code)
 * Permission: any newsroom account (PERM_LOGIN), its own; the session's CSRF token, checked by the route table
 * Turns two-factor log-in off (secret and recovery codes removed) and redirects (303) to the account page.
 *   Refused with the page (400) when the confirmation is wrong or the role requires a second factor; 429
 *   when throttled. */
int account_totp_disable_page(struct http_request *req, struct http_response *res)
{
	const struct db_user *u = &req->session->user;
	int required = mfa_role_required(req, u->role);
	if (required < 0)
		return 500;
	if (required) {
		audit_record(req, "mfa.totp.disable_refused", user_target(req, u), "the role requires a second factor");
		return account_show(req, res, NULL, N_("Your role requires two-factor log-in, so it cannot be turned off."), 400);
	}
	const char *why;
	int status = confirm_check(req, res, &why);
	if (status) {
		audit_record(req, "mfa.totp.disable_refused", user_target(req, u), refusal_detail(status));
		return status == 500 ? 500 : account_show(req, res, NULL, why, status);
	}
	if (mfa_disable(req, u->id) < 0)
		return 500;
	audit_record(req, "mfa.totp.disabled", user_target(req, u), NULL);
	log_info("two-factor log-in turned off by %s", u->login);
	http_set_header(res, "Location", "/admin/account?done=off");
	return 303;
}

/* WEBPAGE: POST /admin/account/recovery
 * Parameters: form: csrf, confirm (the account's password or a current code)
 * Permission: any newsroom account (PERM_LOGIN), its own; the session's CSRF token, checked by the route table
 * Replaces the account's recovery codes by ten new ones and shows them, once (200). Refused with the account
 *   page (400) when two-factor log-in is off or the confirmation is wrong; 429 when throttled. */
int account_recovery_page(struct http_request *req, struct http_response *res)
{
	const struct db_user *u = &req->session->user;
	struct db_totp t;
	int rc = db_totp_get(req->app->db, req->arena, u->id, &t);
	if (rc == DB_ERROR)
		return 500;
	if (rc != DB_OK || !t.confirmed)
		return account_show(req, res, NULL, N_("Recovery codes come with two-factor log-in: set it up first."), 400);
	const char *why;
	int status = confirm_check(req, res, &why);
	if (status) {
		audit_record(req, "mfa.recovery.regenerate_refused", user_target(req, u), refusal_detail(status));
		return status == 500 ? 500 : account_show(req, res, NULL, why, status);
	}
	struct view *v = render_admin_frame(req, RENDER_MFA_RECOVERY, N_("Your recovery codes"),
					    N_("New recovery codes made: the old ones no longer work."), NULL);
	if (mfa_recovery_new(req, u->id, v) < 0)
		return 500;
	audit_record(req, "mfa.recovery.regenerated", user_target(req, u), NULL);
	log_info("new recovery codes made by %s", u->login);
	return codes_show(req, res, v, "/admin/account");
}
