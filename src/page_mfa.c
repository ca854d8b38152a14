/* page_mfa.c - the log-in's steps after the password (issue 20): the second factor (a code from the
 * authenticator app or a recovery code; a passkey option is added by its own helper in the template's
 * {{#passkeys}} place) and the enrolment an account whose role requires a second factor goes through
 * before its first session. Both work on the waiting log-in of the bs_mfa cookie (mfa.h); they are in the
 * browser's language, as the log-in form is. */
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
#include "passkey.h"
#include "render.h"
#include "tmpl.h"
#include "totp.h"
#include "util.h"

/* The refusal of a waiting log-in that is gone or expired. */
#define EXPIRED_TEXT N_("Your log-in has expired or was already completed. Please log in again.")

/* factor_show: the second-factor page for the waiting log-in p (NULL: gone or expired, the page then only
 * says so and links to the log-in) with error, answered with status. */
static int factor_show(struct http_request *req, struct http_response *res, const struct db_mfa_pending *p,
		       const char *hash, const char *error, int status)
{
	struct view *v = render_admin_frame(req, RENDER_SECOND_FACTOR, N_("Two-factor log-in"), NULL, error);
	view_bool(v, "expired", p == NULL);
	enum catalog_lang lang = render_newsroom_lang(req);
	view_text(v, "intro", p ? arena_printf(req->arena, catalog_tr(lang, "Logging in as %s. Enter the 6-digit code your "
								    "authenticator app shows."),
					       p->user.login)
				: "");
	view_text(v, "form_token", p ? mfa_form_token(req, hash) : "");
	int passkeys = p ? passkey_user_has(req, p->user.id) : 0;
	if (passkeys < 0)
		return 500;
	view_bool(v, "passkeys", passkeys > 0); /* "Use a passkey", with a challenge for this account */
	view_text(v, "passkey_options", passkeys > 0 ? passkey_request_options(req, &p->user) : "");
	return render_reply(req, res, RENDER_SECOND_FACTOR, v, status);
}

/* factor_audit: an audit entry for the account of the waiting log-in p (the log-in being tried: no
 * session yet), target "user:ID". */
static void factor_audit(struct http_request *req, const struct db_mfa_pending *p, const char *action, const char *detail)
{
	audit_record_as(req, p->user.id, p->user.login, action, audit_target(req->arena, "user", p->user.id), detail);
}

/* pending_refused: the answer to a waiting log-in that cannot go on (st not MFA_PENDING_OK): 500 on a store
 * error; for a GET with none, 303 to the log-in form; else the expired page (401), the expired one deleted
 * (and audited). */
static int pending_refused(struct http_request *req, struct http_response *res, enum mfa_pending_state st,
			   const struct db_mfa_pending *p, const char *hash)
{
	if (st == MFA_PENDING_ERROR)
		return 500;
	if (st == MFA_PENDING_NONE && req->method != HTTP_POST) {
		http_set_header(res, "Location", "/admin/login");
		return 303;
	}
	if (st == MFA_PENDING_EXPIRED) {
		factor_audit(req, p, "login.second_factor.failed", p->user.disabled ? "account disabled" : "expired");
		db_mfa_pending_delete(req->app->db, hash);
	}
	return factor_show(req, res, NULL, NULL, EXPIRED_TEXT, 401);
}

/* factor_check: checks the POSTed second factor of p: a passkey's answer (passkey_assertion) when there is
 * one, else the recovery field when filled, else the code. Sets *what to what was refused ("passkey
 * refused", "wrong code", "replayed code", "wrong recovery code") for the log. */
static enum mfa_check factor_check(struct http_request *req, struct http_response *res,
				   const struct db_mfa_pending *p, const char **what)
{
	const char *assertion = http_form(req, "passkey_assertion"), *err = NULL;
	if (assertion && *assertion) {
		*what = "passkey refused";
		int ok = passkey_verify_assertion(req, res, &p->user, assertion, &err);
		return ok < 0 ? MFA_CHECK_ERROR : ok ? MFA_CHECK_OK : MFA_CHECK_WRONG;
	}
	const char *recovery = http_form(req, "recovery");
	if (recovery && *recovery) {
		*what = "wrong recovery code";
		enum mfa_check c = mfa_recovery_check(req, p->user.id, recovery);
		if (c == MFA_CHECK_OK) {
			factor_audit(req, p, "mfa.recovery.used", NULL);
			log_info("recovery code used by %s", p->user.login);
		}
		return c;
	}
	enum mfa_check c = mfa_totp_check(req, p->user.id, http_form(req, "code"));
	*what = c == MFA_CHECK_REPLAYED ? "replayed code" : "wrong code";
	return c;
}

/* WEBPAGE: GET POST /admin/login/second-factor
 * Parameters: POST form: token (the page's form token, bound to the waiting log-in), code (from the
 *   authenticator app) or recovery (a recovery code)
 * Permission: anyone with a waiting log-in (the bs_mfa cookie a right password set); a POST must come from
 *   this site's own page (same origin, fresh token)
 * Shows the second-factor form; a POST checks the throttles (as log-ins), then the code (once only, within
 *   a step of now) or recovery code (once only), and starts the session (303 to where the log-in was
 *   going). Refusals: 401 wrong, replayed, or an expired log-in; 403 forged; 429 throttled. GET without a
 *   waiting log-in: 303 to /admin/login. */
int login_second_factor_page(struct http_request *req, struct http_response *res)
{
	http_set_header(res, "Cache-Control", "no-store");
	struct db_mfa_pending p;
	char hash[AUTH_TOKEN_HEX];
	enum mfa_pending_state st = mfa_pending_load(req, "verify", &p, hash);
	if (st != MFA_PENDING_OK)
		return pending_refused(req, res, st, &p, hash);
	if (req->method != HTTP_POST)
		return factor_show(req, res, &p, hash, NULL, 200);
	if (!mfa_form_token_ok(req, hash)) {
		factor_audit(req, &p, "login.second_factor.failed", "forged or stale form");
		return factor_show(req, res, &p, hash,
				   N_("This form is out of date or was not sent by this site. Please try again."), 403);
	}
	struct login_keys k;
	login_keys_for(req, p.user.login, &k);
	if (login_throttled(req, res, &k)) {
		factor_audit(req, &p, "login.second_factor.failed", "throttled");
		return factor_show(req, res, &p, hash, N_("Too many failed attempts. Wait a few minutes before trying again."),
				   429);
	}
	const char *what = NULL;
	enum mfa_check c = factor_check(req, res, &p, &what);
	if (c == MFA_CHECK_ERROR)
		return 500;
	if (c != MFA_CHECK_OK) {
		login_failure_add(req, &k);
		factor_audit(req, &p, "login.second_factor.failed", what);
		log_info("failed second factor for '%s' from %s: %s", p.user.login, req->client_ip, what);
		return factor_show(req, res, &p, hash,
				   c == MFA_CHECK_REPLAYED
					   ? N_("That code has been used already. Wait for the next code and enter it.")
				   : strcmp(what, "passkey refused") == 0
					   ? N_("Your passkey was not accepted. Try it again, or enter a code.")
				   : strcmp(what, "wrong recovery code") == 0
					   ? N_("That recovery code is not right or has been used already.")
					   : N_("That code is not right. Check that your phone's clock is right, then enter "
						"the code your app shows now."),
				   401);
	}
	const char *assertion = http_form(req, "passkey_assertion");
	int gone, passkey = assertion && *assertion, recovery = !passkey && http_form(req, "recovery") && *http_form(req, "recovery");
	if (mfa_pending_finish(req, res, &p, hash, passkey ? "passkey" : recovery ? "recovery" : "totp", &gone) < 0)
		return 500;
	if (gone) {
		factor_audit(req, &p, "login.second_factor.failed", "already completed");
		return factor_show(req, res, NULL, NULL, EXPIRED_TEXT, 401);
	}
	factor_audit(req, &p, "login.second_factor.ok", passkey ? "passkey" : recovery ? "recovery code" : "authenticator code");
	http_set_header(res, "Location", p.next);
	return 303;
}

/* enrol_login_show: the enrolment page of a waiting log-in p (its unconfirmed secret, made now when it
 * has none) with error, answered with status. Returns the status, or 500 on a store failure. */
static int enrol_login_show(struct http_request *req, struct http_response *res, const struct db_mfa_pending *p,
			    const char *hash, const char *error, int status)
{
	char secret[TOTP_SECRET_B32];
	int rc = mfa_enrol_begin(req, p->user.id, secret);
	if (rc < 0)
		return 500;
	if (rc > 0) { /* enrolled meanwhile (another tab): log in again, with the second factor */
		db_mfa_pending_delete(req->app->db, hash);
		http_set_header(res, "Location", "/admin/login");
		return 303;
	}
	struct view *v = render_admin_frame(req, RENDER_MFA_ENROL, N_("Set up two-factor log-in"),
					    N_("Your role requires two-factor log-in. Set it up now to log in."), error);
	view_text(v, "action", "/admin/login/enrol");
	view_bool(v, "in_login", 1);
	view_text(v, "form_token", mfa_form_token(req, hash));
	view_text(v, "cancel_href", "/admin/login");
	if (mfa_enrol_view(req, v, p->user.login, secret) < 0)
		return 500;
	return render_reply(req, res, RENDER_MFA_ENROL, v, status);
}

/* WEBPAGE: GET POST /admin/login/enrol
 * Parameters: POST form: token (the page's form token, bound to the waiting log-in), code (the first code
 *   the authenticator app shows)
 * Permission: anyone with a waiting enrolment (the bs_mfa cookie a right password set for an account whose
 *   role requires a second factor it lacks); a POST must come from this site's own page
 * Walks the account through TOTP enrolment before its first session: the QR code and secret, then a right
 *   first code turns two-factor log-in on, starts the session and shows the ten recovery codes once (200,
 *   a link on to where the log-in was going). 400 wrong code, 401 expired, 403 forged. */
int login_enrol_page(struct http_request *req, struct http_response *res)
{
	http_set_header(res, "Cache-Control", "no-store");
	struct db_mfa_pending p;
	char hash[AUTH_TOKEN_HEX];
	enum mfa_pending_state st = mfa_pending_load(req, "enrol", &p, hash);
	if (st != MFA_PENDING_OK)
		return pending_refused(req, res, st, &p, hash);
	if (req->method != HTTP_POST)
		return enrol_login_show(req, res, &p, hash, NULL, 200);
	if (!mfa_form_token_ok(req, hash)) {
		factor_audit(req, &p, "mfa.totp.enable_refused", "forged or stale form");
		return enrol_login_show(req, res, &p, hash,
					N_("This form is out of date or was not sent by this site. Please try again."), 403);
	}
	struct view *v = render_admin_frame(req, RENDER_MFA_RECOVERY, N_("Your recovery codes"), N_("Two-factor log-in is on."),
					    NULL);
	enum mfa_check c = mfa_enrol_confirm(req, p.user.id, http_form(req, "code"), v);
	if (c == MFA_CHECK_ERROR)
		return 500;
	if (c == MFA_CHECK_NONE)
		return enrol_login_show(req, res, &p, hash, NULL, 200); /* confirmed meanwhile: redirects */
	if (c != MFA_CHECK_OK) {
		factor_audit(req, &p, "mfa.totp.enable_refused", "wrong first code");
		return enrol_login_show(req, res, &p, hash,
					N_("That code is not right. Check that your phone's clock is right, then enter the "
					   "code your app shows now."),
					400);
	}
	factor_audit(req, &p, "mfa.totp.enabled", "at log-in: the role requires a second factor");
	log_info("two-factor log-in turned on by %s at log-in", p.user.login);
	int gone;
	if (mfa_pending_finish(req, res, &p, hash, "totp", &gone) < 0)
		return 500;
	if (gone)
		return factor_show(req, res, NULL, NULL, EXPIRED_TEXT, 401);
	view_text(v, "continue_href", p.next);
	return render_reply(req, res, RENDER_MFA_RECOVERY, v, 200);
}
