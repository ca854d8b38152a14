/* page_oidc.c - sign-in with the news group's OpenID Connect provider (authorization code flow with PKCE,
 * OpenID Connect Core 1.0 section 3.1): the log-in page's button, the start (a sign-in row with state,
 * nonce and code_verifier kept in the store, the state also in a short-lived cookie; a redirect to the
 * provider) and the callback (state checked and the row taken once, code exchanged, ID token verified,
 * the account found by its verified e-mail, never created). Every refusal is shown on the log-in page,
 * counted by the log-in throttle and audited. The pure checks are in oidc.c, the requests in oidc_client.c. */
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "buf.h"
#include "catalog.h"
#include "db.h"
#include "log.h"
#include "mfa.h"
#include "oidc.h"
#include "oidc_client.h"
#include "pages.h"
#include "render.h"
#include "tmpl.h"
#include "user.h"
#include "util.h"

#define OIDC_FLOW_AGE 600               /* seconds a sign-in may take at the provider */
#define OIDC_COOKIE "bs_oidc"           /* holds the sign-in's state in the browser that started it */
#define OIDC_COOKIE_PATH "/admin/login/oidc"
#define OIDC_CALLBACK "/admin/login/oidc/callback"
/* the throttle's account for sign-ins with the provider (no login can be this: auth_login_valid) */
#define OIDC_THROTTLE_LOGIN "(oidc)"

/* the refusals' sentences that several steps give */
static const char *const msg_state = N_("This sign-in could not be matched to one started in this browser: it has "
					"expired, was used already, or was not started here. Please sign in again.");
static const char *const msg_unreachable = N_("The identity provider could not be reached or gave an unusable "
					      "answer. Try again later, or log in with your password.");
static const char *const msg_token = N_("The identity provider's answer could not be verified, so you were not "
					"signed in. Please try again.");

void oidc_login_view(struct http_request *req, struct view *v)
{
	const char *label = req->app->cfg.oidc_label;
	enum catalog_lang lang = render_newsroom_lang(req);
	view_text(v, "oidc_label",
		  !oidc_enabled(req->app) ? ""
		  : *label		  ? arena_printf(req->arena, catalog_tr(lang, "Sign in with %s"), label)
					  : catalog_tr(lang, "Sign in with your organisation's account"));
}

/* provider_said: the sentence for the provider's error code (an RFC 6749 error code) in the newsroom's
 * language, in the arena. */
static const char *provider_said(struct http_request *req, const char *code)
{
	enum catalog_lang lang = render_newsroom_lang(req);
	return arena_printf(req->arena,
			    catalog_tr(lang, "The identity provider did not sign you in (it answered \"%s\"). Please try again."),
			    code);
}

/* A sign-in refused: what the person reads (a catalogue string, or a sentence already in their
 * language), what the audit log and the server's log say, the status, and who was trying when known
 * (the account, else the e-mail the provider gave; NULL: unknown). */
struct refusal {
	const char *message, *reason;
	int status;
	int64_t user_id;
	const char *who;
};

/* refuse: fills r (nobody known yet) and returns 1 (what the steps below return for a refusal). */
static int refuse(struct refusal *r, const char *message, const char *reason, int status, int64_t user_id)
{
	*r = (struct refusal){message, reason, status, user_id, NULL};
	return 1;
}

/* refused: answers refusal r on the log-in page (with next kept), after counting it as a failed log-in
 * from this address (the throttle) and recording it in the audit log. Returns the status. */
static int refused(struct http_request *req, struct http_response *res, const char *next, const struct refusal *r)
{
	struct login_keys k;
	login_keys_for(req, OIDC_THROTTLE_LOGIN, &k);
	login_failure_add(req, &k);
	log_info("failed sign-in with the identity provider from %s: %s", req->client_ip, r->reason);
	audit_record_as(req, r->user_id, r->who ? r->who : "", "login.oidc.failed",
			r->user_id ? audit_target(req->arena, "user", r->user_id) : NULL, r->reason);
	return login_form(req, res, "", next, NULL, r->message, r->status);
}

/* throttled: when the log-in throttle refuses this address's sign-ins with the provider, answers the
 * log-in page (429, Retry-After), writes the refusal to the audit log (as a throttled password log-in is)
 * and returns its status; else 0. */
static int throttled(struct http_request *req, struct http_response *res, const char *next)
{
	struct login_keys k;
	login_keys_for(req, OIDC_THROTTLE_LOGIN, &k);
	if (!login_throttled(req, res, &k))
		return 0;
	audit_record_as(req, 0, OIDC_THROTTLE_LOGIN, "login.oidc.failed", NULL, "throttled"); /* as password's */
	return login_form(req, res, "", next, NULL, N_("Too many failed log-ins. Wait a few minutes before trying again."),
			  429);
}

/* state_cookie: sets the sign-in's cookie to value for max_age seconds (0 with "": removes it), beside any
 * other cookie the reply sets (the session's, the log-in form's). */
static void state_cookie(struct http_request *req, struct http_response *res, const char *value, int max_age)
{
	http_add_header(res, "Set-Cookie",
			arena_printf(req->arena, "%s=%s; Path=%s; Max-Age=%d; HttpOnly; SameSite=Lax%s", OIDC_COOKIE, value,
				     OIDC_COOKIE_PATH, max_age, req->app->https ? "; Secure" : ""));
}

/* redirect_uri: this site's callback address, as registered at the provider (base_url + OIDC_CALLBACK). */
static const char *redirect_uri(struct http_request *req)
{
	return arena_printf(req->arena, "%s%s", req->app->cfg.base_url, OIDC_CALLBACK);
}

/* authorization_url: the provider's authorization endpoint with the request's parameters (code flow,
 * scope openid email, state, nonce, S256 challenge of verifier), in the arena. */
static const char *authorization_url(struct http_request *req, const struct oidc_provider *p, const char *state,
				     const char *nonce, const char *verifier)
{
	struct buf q = BUF_INIT;
	oidc_query_add(&q, "response_type", "code");
	oidc_query_add(&q, "client_id", req->app->cfg.oidc_client_id);
	oidc_query_add(&q, "redirect_uri", redirect_uri(req));
	oidc_query_add(&q, "scope", "openid email");
	oidc_query_add(&q, "state", state);
	oidc_query_add(&q, "nonce", nonce);
	oidc_query_add(&q, "code_challenge", oidc_pkce_challenge(req->arena, verifier));
	oidc_query_add(&q, "code_challenge_method", "S256");
	const char *url = arena_printf(req->arena, "%s%c%s", p->authorization_endpoint,
				       strchr(p->authorization_endpoint, '?') ? '&' : '?', buf_cstr(&q));
	buf_free(&q);
	return url;
}

/* WEBPAGE: GET /admin/login/oidc
 * Parameters: next (a local /admin/ path to return to after signing in)
 * Permission: anyone; 404 when no identity provider is configured (oidc_issuer)
 * Starts a sign-in with the identity provider: a sign-in row (hash of a random state, nonce, PKCE
 *   code_verifier, next) in the store, the state in the bs_oidc cookie (HttpOnly, SameSite=Lax, ten
 *   minutes), and a redirect (303) to the provider's authorization endpoint. The log-in throttle refuses
 *   (429); a provider that cannot be reached is refused on the log-in page (502, counted and audited). */
int oidc_start_page(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	if (!oidc_enabled(app))
		return 404;
	http_set_header(res, "Cache-Control", "no-store");
	const char *next = login_safe_next(http_param(req, "next"));
	int status = throttled(req, res, next);
	if (status)
		return status;
	struct oidc_provider p;
	struct refusal r;
	const char *why = oidc_client_provider(app, req->arena, &p);
	if (why) {
		refuse(&r, msg_unreachable, arena_printf(req->arena, "provider unreachable: %s", why), 502, 0);
		return refused(req, res, next, &r);
	}
	char state[AUTH_TOKEN_HEX], nonce[AUTH_TOKEN_HEX], verifier[OIDC_VERIFIER_LEN], hash[AUTH_TOKEN_HEX];
	auth_random_hex(state);
	auth_random_hex(nonce);
	oidc_pkce_verifier(verifier);
	auth_token_hash(state, hash);
	int64_t now = util_now();
	struct db_oidc_login l = {hash, nonce, verifier, next, now};
	if (db_oidc_login_insert(app->db, &l, now - OIDC_FLOW_AGE) != DB_OK)
		return 500;
	state_cookie(req, res, state, OIDC_FLOW_AGE);
	http_set_header(res, "Location", authorization_url(req, &p, state, nonce, verifier));
	return 303;
}

/* flow_take: the sign-in this callback ends, into *flow: the state the provider sent back must be the one
 * in this browser's cookie, and its row is taken from the store (once: a replayed callback finds none) and
 * no older than OIDC_FLOW_AGE. Returns 0, 1 with r filled (bad state), or -1 (store error). */
static int flow_take(struct http_request *req, struct db_oidc_login *flow, struct refusal *r)
{
	const char *state = http_param(req, "state"), *cookie = http_cookie(req, OIDC_COOKIE);
	if (!state || !*state)
		return refuse(r, msg_state, "bad state: none in the callback", 400, 0);
	if (!cookie || !*cookie)
		return refuse(r, msg_state, "bad state: no sign-in cookie in this browser", 400, 0);
	if (strlen(state) != AUTH_TOKEN_HEX - 1 || !auth_equal(state, cookie))
		return refuse(r, msg_state, "bad state: not the one this browser's sign-in sent", 400, 0);
	char hash[AUTH_TOKEN_HEX];
	auth_token_hash(state, hash);
	int rc = db_oidc_login_take(req->app->db, req->arena, hash, flow);
	if (rc == DB_NOTFOUND)
		return refuse(r, msg_state, "bad state: unknown, or used already (a replayed callback)", 400, 0);
	if (rc != DB_OK)
		return -1;
	if (flow->created_at < util_now() - OIDC_FLOW_AGE)
		return refuse(r, msg_state, "bad state: the sign-in took longer than ten minutes", 400, 0);
	return 0;
}

/* callback_code: the authorization code of the provider's answer, after its error (the provider refused:
 * 401) and its iss (RFC 9207: when sent, it must be the configured issuer). NULL with r filled when
 * refused. */
static const char *callback_code(struct http_request *req, struct refusal *r)
{
	const char *error = http_param(req, "error"), *iss = http_param(req, "iss"), *code = http_param(req, "code");
	if (error) {
		const char *shown = oidc_error_code(error) ? error : "?";
		refuse(r, provider_said(req, shown),
		       arena_printf(req->arena, "error response from the provider: %s", shown), 401, 0);
		return NULL;
	}
	if (iss && strcmp(iss, req->app->cfg.oidc_issuer) != 0) {
		refuse(r, msg_token, "bad issuer: the callback's iss is not the configured issuer", 401, 0);
		return NULL;
	}
	if (!code || !*code || strlen(code) > 4096) {
		refuse(r, msg_token, "no authorization code in the callback", 400, 0);
		return NULL;
	}
	return code;
}

/* userinfo_email: when the verified ID token c names no e-mail and the provider has a userinfo endpoint,
 * the e-mail (and whether it is verified) from there, for the same subject (oidc_userinfo_email). Returns
 * 0, or 1 with r filled (the endpoint failed). */
static int userinfo_email(struct http_request *req, const struct oidc_provider *p, const char *access_token,
			  struct oidc_claims *c, struct refusal *r)
{
	if (c->email || !p->userinfo_endpoint || !access_token)
		return 0;
	const char *text;
	size_t len;
	const char *why = oidc_client_userinfo(req->app, req->arena, p, access_token, &text, &len);
	if (!why)
		why = oidc_userinfo_email(req->arena, text, len, c);
	if (why)
		return refuse(r, msg_unreachable, arena_printf(req->arena, "provider unreachable: %s", why), 502, 0);
	return 0;
}

/* callback_claims: exchanges code (with flow's verifier) for an ID token, verifies it against the
 * provider's keys, the configuration and flow's nonce, into *c (with the e-mail from the userinfo
 * endpoint when the token has none). Returns 0, or 1 with r filled. */
static int callback_claims(struct http_request *req, const struct db_oidc_login *flow, const char *code,
			   struct oidc_claims *c, struct refusal *r)
{
	struct app *app = req->app;
	struct arena *a = req->arena;
	struct oidc_provider p;
	struct oidc_tokens t = {0};
	const char *why = oidc_client_provider(app, a, &p);
	if (!why && !oidc_client_exchange(app, a, &p, code, flow->verifier, redirect_uri(req), &t))
		why = t.why;
	if (t.provider_error)
		return refuse(r, provider_said(req, t.provider_error),
			      arena_printf(a, "error response from the provider: %s", why), 401, 0);
	if (why)
		return refuse(r, msg_unreachable, arena_printf(a, "provider unreachable: %s", why), 502, 0);
	struct oidc_jwks keys;
	why = oidc_client_keys(app, a, &p, oidc_token_kid(a, t.id_token), &keys);
	if (why)
		return refuse(r, msg_unreachable, arena_printf(a, "provider unreachable: %s", why), 502, 0);
	struct oidc_expect x = {app->cfg.oidc_issuer, app->cfg.oidc_client_id, flow->nonce, util_now()};
	enum oidc_verdict v = oidc_id_token_verify(a, t.id_token, &keys, &x, c);
	oidc_jwks_free(&keys);
	if (v != OIDC_OK)
		return refuse(r, msg_token, arena_printf(a, "ID token refused: %s", oidc_verdict_name(v)), 401, 0);
	return userinfo_email(req, &p, t.access_token, c, r);
}

/* callback_account: the account whose e-mail is the token's verified e-mail, into *u. Returns 0, 1 with r
 * filled (no e-mail, not verified, no such account, disabled), or -1 (store error). */
static int callback_account(struct http_request *req, const struct oidc_claims *c, struct db_user *u,
			    struct refusal *r)
{
	struct arena *a = req->arena;
	enum catalog_lang lang = render_newsroom_lang(req);
	if (!c->email || !*c->email)
		return refuse(r, N_("Your identity provider did not give an e-mail address, so no newsroom account could be found."),
			      arena_printf(a, "no e-mail in the ID token (sub %s)", c->sub), 403, 0);
	if (!c->email_verified) {
		refuse(r,
		       N_("Your identity provider has not verified your e-mail address, so it cannot be used to sign in. "
			  "Verify it with the provider, or log in with your password."),
		       arena_printf(a, "unverified e-mail %s", c->email), 403, 0);
		r->who = c->email;
		return 1;
	}
	const char *email = NULL;
	int rc = user_email_check(a, c->email, &email) ? DB_NOTFOUND : db_user_get_by_email(req->app->db, a, email, u);
	if (rc == DB_ERROR)
		return -1;
	if (rc == DB_OK && !u->disabled)
		return 0;
	refuse(r,
		      arena_printf(a, catalog_tr(lang, "No active newsroom account has the e-mail address %s. Ask an administrator to add it to your account."),
				   c->email),
		      arena_printf(a, rc == DB_OK ? "disabled account for e-mail %s" : "unknown e-mail %s", c->email), 403,
		      rc == DB_OK ? u->id : 0);
	r->who = rc == DB_OK ? u->login : c->email;
	return 1;
}

/* callback_answer: the callback's work after its checks of the configuration: throttle, state, code, ID
 * token, account, then the session (303 to next) or the refusal on the log-in page. Returns the status. */
static int callback_answer(struct http_request *req, struct http_response *res)
{
	int status = throttled(req, res, "/admin/");
	if (status)
		return status;
	struct db_oidc_login flow = {0};
	struct oidc_claims claims;
	struct db_user u;
	struct refusal r;
	int rc = flow_take(req, &flow, &r);
	const char *code = rc == 0 ? callback_code(req, &r) : NULL;
	if (rc == 0 && !code)
		rc = 1;
	if (rc == 0)
		rc = callback_claims(req, &flow, code, &claims, &r);
	if (rc == 0)
		rc = callback_account(req, &claims, &u, &r);
	const char *next = login_safe_next(flow.next_path);
	if (rc < 0)
		return 500;
	if (rc > 0)
		return refused(req, res, next, &r);
	struct login_keys k;
	login_keys_for(req, OIDC_THROTTLE_LOGIN, &k);
	db_login_failures_clear(req->app->db, k.pair);
	audit_record_as(req, u.id, u.login, "login.oidc.ok", audit_target(req->arena, "user", u.id),
			arena_printf(req->arena, "e-mail %s (sub %s)", u.email ? u.email : "", claims.sub));
	/* the provider is a first factor: an account with a second factor (or whose role requires one) goes on
	 * to that step; else the session starts (login.ok, method "oidc") */
	return mfa_login_continue(req, res, &u, "oidc", next);
}

/* WEBPAGE: GET /admin/login/oidc/callback
 * Parameters: state, code, iss (RFC 9207), or error (and error_description, not shown): the provider's
 *   answer
 * Permission: anyone; 404 when no identity provider is configured. The sign-in must have been started in
 *   this browser (its bs_oidc cookie holds the state) less than ten minutes ago, and each works once
 * Ends a sign-in with the identity provider: state, code exchange (with the PKCE verifier), ID token
 *   (signature, issuer, audience, expiry, nonce), then the account with the token's verified e-mail (never
 *   created; disabled ones refused) gets a session and a redirect (303) to next. Refusals are shown on
 *   the log-in page (400 state, 401 token or provider's refusal, 403 e-mail, 502 provider unreachable,
 *   429 throttled), counted by the log-in throttle and audited. */
int oidc_callback_page(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	if (!oidc_enabled(app))
		return 404;
	http_set_header(res, "Cache-Control", "no-store");
	int status = callback_answer(req, res);
	state_cookie(req, res, "", 0); /* its work is done, whatever happened */
	return status;
}
