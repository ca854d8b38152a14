/* mfa.c - two-factor log-in: the step after a first factor, waiting log-ins, TOTP enrolment and checks,
 * recovery codes, the per-role requirement (see mfa.h). */
#include "mfa.h"

#include <sodium.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "buf.h"
#include "catalog.h"
#include "log.h"
#include "pages.h"
#include "passkey.h"
#include "render.h"
#include "session.h"
#include "totp.h"
#include "util.h"

/* pending_start: makes a waiting log-in of kind for u (method, next), sets its cookie on res and
 * redirects to its step. Returns 303, or 500 on a store failure. */
static int pending_start(struct http_request *req, struct http_response *res, const struct db_user *u, const char *kind,
			 const char *method, const char *next)
{
	char token[AUTH_TOKEN_HEX], hash[AUTH_TOKEN_HEX];
	auth_random_hex(token);
	auth_token_hash(token, hash);
	int enrol = strcmp(kind, "enrol") == 0;
	int64_t now = util_now(), life = enrol ? MFA_ENROL_SECONDS : MFA_PENDING_SECONDS;
	if (db_mfa_pending_insert(req->app->db, hash, u->id, kind, method, next, now, now + life) != DB_OK)
		return 500;
	/* scoped to the log-in's own steps: no newsroom page ever sees it */
	http_set_header(res, "Set-Cookie",
			arena_printf(req->arena, "%s=%s; Path=/admin/login; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
				     MFA_COOKIE, token, (long long)life, req->app->https ? "; Secure" : ""));
	http_set_header(res, "Location", enrol ? "/admin/login/enrol" : "/admin/login/second-factor");
	return 303;
}

/* session_for: starts u's session, its log-in proven by method (session_start_method's word: "password",
 * "totp", "recovery" ...): clears the failed log-ins of this address on the account (the log-in is
 * complete), sets the session cookie and writes login.ok to the audit log (detail: the method, none for a
 * password alone). 0, or -1 on a store failure. */
static int session_for(struct http_request *req, struct http_response *res, const struct db_user *u,
		       const char *method)
{
	struct login_keys k;
	login_keys_for(req, u->login, &k);
	db_login_failures_clear(req->app->db, k.pair);
	if (session_start_method(req, res, u, method) < 0)
		return -1;
	audit_record_as(req, u->id, u->login, "login.ok", audit_target(req->arena, "user", u->id),
			strcmp(method, "password") == 0 ? NULL : method);
	return 0;
}

int mfa_login_continue(struct http_request *req, struct http_response *res, const struct db_user *u,
		       const char *method, const char *next)
{
	if (strcmp(method, "passkey") != 0) { /* a passkey is a second factor on its own */
		struct db_totp t;
		int rc = db_totp_get(req->app->db, req->arena, u->id, &t);
		if (rc == DB_ERROR)
			return 500;
		int passkeys = passkey_user_has(req, u->id); /* a registered passkey is a second factor too */
		if (passkeys < 0)
			return 500;
		if ((rc == DB_OK && t.confirmed) || passkeys)
			return pending_start(req, res, u, "verify", method, next);
		int required = mfa_role_required(req, u->role);
		if (required < 0)
			return 500;
		if (required)
			return pending_start(req, res, u, "enrol", method, next);
	}
	if (session_for(req, res, u, method) < 0)
		return 500;
	http_set_header(res, "Location", next);
	return 303;
}

/* roles_each: calls fn(word, len, ctx) for each role name in the comma- or space-separated list v until fn
 * returns non-zero; returns that value, or 0. */
static int roles_each(const char *v, int (*fn)(const char *word, size_t len, const void *ctx), const void *ctx)
{
	while (v && *v) {
		v += strspn(v, ", \t");
		size_t len = strcspn(v, ", \t");
		if (len) {
			int r = fn(v, len, ctx);
			if (r)
				return r;
		}
		v += len;
	}
	return 0;
}

/* role_is: whether word[0..len) is the role ctx names. */
static int role_is(const char *word, size_t len, const void *ctx)
{
	const char *role = ctx;
	return strlen(role) == len && strncmp(word, role, len) == 0;
}

/* role_unknown: whether word[0..len) is not a role. */
static int role_unknown(const char *word, size_t len, const void *ctx)
{
	(void)ctx;
	static const char *const roles[] = {"admin", "editor", "reporter", "moderator"};
	for (size_t i = 0; i < ARRAY_LEN(roles); i++)
		if (role_is(word, len, roles[i]))
			return 0;
	return 1;
}

int mfa_role_required(struct http_request *req, const char *role)
{
	const char *v = NULL;
	int rc = db_setting_get(req->app->db, req->arena, MFA_SETTING, &v);
	if (rc == DB_ERROR)
		return -1;
	return rc == DB_OK && roles_each(v, role_is, role) ? 1 : 0;
}

const char *mfa_roles_problem(const char *v)
{
	return roles_each(v, role_unknown, NULL)
		       ? N_("Two-factor log-in can be required of the roles admin, editor, reporter and moderator: name "
			    "them separated by commas, or leave the setting empty.")
		       : NULL;
}

enum mfa_pending_state mfa_pending_load(struct http_request *req, const char *kind, struct db_mfa_pending *p,
					char *hash)
{
	const char *token = http_cookie(req, MFA_COOKIE);
	if (!token || strlen(token) != AUTH_TOKEN_HEX - 1 || strspn(token, "0123456789abcdef") != AUTH_TOKEN_HEX - 1)
		return MFA_PENDING_NONE;
	auth_token_hash(token, hash);
	int rc = db_mfa_pending_get(req->app->db, req->arena, hash, p);
	if (rc == DB_ERROR)
		return MFA_PENDING_ERROR;
	if (rc != DB_OK || strcmp(p->kind, kind) != 0)
		return MFA_PENDING_NONE;
	if (p->expires_at <= util_now() || p->user.disabled)
		return MFA_PENDING_EXPIRED;
	return MFA_PENDING_OK;
}

const char *mfa_form_token(struct http_request *req, const char *hash)
{
	return auth_form_token(req->arena, req->app->secret, arena_printf(req->arena, "mfa %s", hash), util_now());
}

int mfa_form_token_ok(struct http_request *req, const char *hash)
{
	return session_same_origin(req) &&
	       auth_form_token_check(req->app->secret, arena_printf(req->arena, "mfa %s", hash), http_form(req, "token"),
				     util_now(), MFA_ENROL_SECONDS);
}

int mfa_pending_finish(struct http_request *req, struct http_response *res, const struct db_mfa_pending *p,
		       const char *hash, const char *factor, int *gone)
{
	*gone = 0;
	int rc = db_mfa_pending_delete(req->app->db, hash);
	if (rc == DB_NOTFOUND) {
		*gone = 1; /* completed by a concurrent request: this one must not log in a second time */
		return 0;
	}
	if (rc != DB_OK)
		return -1;
	if (session_for(req, res, &p->user, factor) < 0)
		return -1;
	/* the waiting log-in's cookie goes with it (beside the session's own Set-Cookie) */
	http_add_header(res, "Set-Cookie",
			arena_printf(req->arena, "%s=; Path=/admin/login; Max-Age=0; HttpOnly; SameSite=Strict%s", MFA_COOKIE,
				     req->app->https ? "; Secure" : ""));
	return 0;
}

/* secret_key: the account's sealed secret opened and decoded into key (TOTP_SECRET_BYTES and more);
 * returns its length, or -1 (logged) when it does not open. */
static int secret_key(struct http_request *req, int64_t user_id, const char *sealed, unsigned char *key, size_t cap)
{
	char b32[TOTP_SECRET_B32];
	int n = -1;
	if (totp_open(req->app->secret, user_id, sealed, b32) == 0)
		n = totp_base32_decode(b32, key, cap);
	sodium_memzero(b32, sizeof b32);
	if (n <= 0) {
		log_error("mfa: the TOTP secret of account %lld does not open (site secret changed?)", (long long)user_id);
		return -1;
	}
	return n;
}

/* code_check: checks code against the account's secret when its state is the one wanted (confirmed 1: the
 * enrolled secret, whose used steps are refused again; 0: the one being enrolled). Returns MFA_CHECK_OK
 * with the answer in *r and the code's time step in *step, MFA_CHECK_NONE when the account has no secret
 * in that state, or MFA_CHECK_ERROR (store, or a secret that does not open). The key is wiped after. */
static enum mfa_check code_check(struct http_request *req, int64_t user_id, int confirmed, const char *code,
				 enum totp_result *r, int64_t *step)
{
	struct db_totp t;
	int rc = db_totp_get(req->app->db, req->arena, user_id, &t);
	if (rc == DB_ERROR)
		return MFA_CHECK_ERROR;
	if (rc != DB_OK || !t.confirmed != !confirmed)
		return MFA_CHECK_NONE;
	unsigned char key[64];
	int n = secret_key(req, user_id, t.secret, key, sizeof key);
	if (n < 0)
		return MFA_CHECK_ERROR;
	*r = totp_check(key, (size_t)n, code, util_now(), confirmed ? t.last_step : 0, step);
	sodium_memzero(key, sizeof key);
	return MFA_CHECK_OK;
}

enum mfa_check mfa_totp_check(struct http_request *req, int64_t user_id, const char *code)
{
	int64_t step = 0;
	enum totp_result r;
	enum mfa_check c = code_check(req, user_id, 1, code, &r, &step);
	if (c != MFA_CHECK_OK)
		return c;
	if (r == TOTP_WRONG)
		return MFA_CHECK_WRONG;
	if (r == TOTP_REPLAYED)
		return MFA_CHECK_REPLAYED;
	int rc = db_totp_use_step(req->app->db, user_id, step); /* one statement: a concurrent use of this code loses */
	return rc == DB_OK ? MFA_CHECK_OK : rc == DB_NOTFOUND ? MFA_CHECK_REPLAYED : MFA_CHECK_ERROR;
}

/* recovery_hash: the stored form of a normalised recovery code of the account: keyed with the site secret
 * (a dump alone cannot be tried offline) over the account's id and the code. Into out (AUTH_TOKEN_HEX). */
static void recovery_hash(struct http_request *req, int64_t user_id, const char *norm, char *out)
{
	char value[64];
	int n = snprintf(value, sizeof value, "%lld:%s", (long long)user_id, norm);
	auth_keyed_hash(req->app->secret, "recovery code", value, (size_t)n, out);
}

enum mfa_check mfa_recovery_check(struct http_request *req, int64_t user_id, const char *typed)
{
	char norm[TOTP_RECOVERY_LEN], hash[AUTH_TOKEN_HEX];
	if (totp_recovery_normalize(typed, norm) < 0)
		return MFA_CHECK_WRONG;
	recovery_hash(req, user_id, norm, hash);
	int rc = db_recovery_code_use(req->app->db, user_id, hash, util_now());
	return rc == DB_OK ? MFA_CHECK_OK : rc == DB_NOTFOUND ? MFA_CHECK_WRONG : MFA_CHECK_ERROR;
}

/* recovery_store: makes TOTP_RECOVERY_CODES new codes for the account, stores their hashes in place of the
 * old ones (inside the caller's transaction) and lists them in v's "codes". DB_OK or the store's status. */
static int recovery_store(struct http_request *req, int64_t user_id, struct view *v)
{
	const char *hashes[TOTP_RECOVERY_CODES];
	view_list_empty(v, "codes");
	for (size_t i = 0; i < TOTP_RECOVERY_CODES; i++) {
		char code[TOTP_RECOVERY_LEN + 1], norm[TOTP_RECOVERY_LEN], *hash = arena_alloc(req->arena, AUTH_TOKEN_HEX);
		totp_recovery_new(code);
		totp_recovery_normalize(code, norm);
		recovery_hash(req, user_id, norm, hash);
		hashes[i] = hash;
		view_text(view_add(v, "codes"), "code", arena_strdup(req->arena, code));
	}
	return db_recovery_codes_set(req->app->db, user_id, hashes, TOTP_RECOVERY_CODES, util_now());
}

int mfa_enrol_begin(struct http_request *req, int64_t user_id, char *secret)
{
	struct db_totp t;
	int rc = db_totp_get(req->app->db, req->arena, user_id, &t);
	if (rc == DB_ERROR)
		return -1;
	if (rc == DB_OK && t.confirmed)
		return 1;
	if (rc == DB_OK && totp_open(req->app->secret, user_id, t.secret, secret) == 0)
		return 0; /* the same secret as before: a reload shows the same QR code */
	char sealed[TOTP_SEALED_MAX];
	totp_secret_new(secret);
	if (totp_seal(req->app->secret, user_id, secret, sealed) < 0)
		return -1;
	rc = db_totp_start(req->app->db, user_id, sealed, util_now());
	return rc == DB_OK ? 0 : rc == DB_NOTFOUND ? 1 : -1;
}

int mfa_enrol_view(struct http_request *req, struct view *v, const char *login, const char *secret)
{
	struct buf uri = BUF_INIT, svg = BUF_INIT, grouped = BUF_INIT;
	totp_uri(&uri, render_setting(req, "site_name", "en", "Broadsheet"), login, secret);
	int rc = totp_qr_svg(&svg, buf_cstr(&uri));
	for (size_t i = 0; secret[i]; i++) { /* "ABCD EFGH ...": easier to type from the screen */
		if (i && i % 4 == 0)
			buf_putc(&grouped, ' ');
		buf_putc(&grouped, secret[i]);
	}
	view_text(v, "uri", arena_strdup(req->arena, buf_cstr(&uri)));
	view_html(v, "qr", arena_strdup(req->arena, buf_cstr(&svg))); /* numbers only: totp_qr_svg */
	view_text(v, "secret", arena_strdup(req->arena, buf_cstr(&grouped)));
	buf_free(&uri);
	buf_free(&svg);
	buf_free(&grouped);
	return rc;
}

enum mfa_check mfa_enrol_confirm(struct http_request *req, int64_t user_id, const char *code, struct view *v)
{
	struct db *db = req->app->db;
	int64_t step = 0;
	enum totp_result r;
	enum mfa_check c = code_check(req, user_id, 0, code, &r, &step);
	if (c != MFA_CHECK_OK)
		return c;
	if (r != TOTP_OK)
		return MFA_CHECK_WRONG;
	if (db_begin(db) != DB_OK)
		return MFA_CHECK_ERROR;
	int rc = db_totp_confirm(db, user_id, step, util_now());
	if (rc == DB_OK)
		rc = recovery_store(req, user_id, v);
	if (rc != DB_OK) {
		db_rollback(db);
		return rc == DB_NOTFOUND ? MFA_CHECK_NONE : MFA_CHECK_ERROR; /* NOTFOUND: confirmed meanwhile */
	}
	return db_commit(db) == DB_OK ? MFA_CHECK_OK : MFA_CHECK_ERROR;
}

int mfa_recovery_new(struct http_request *req, int64_t user_id, struct view *v)
{
	struct db *db = req->app->db;
	if (db_begin(db) != DB_OK)
		return -1;
	if (recovery_store(req, user_id, v) != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == DB_OK ? 0 : -1;
}

int mfa_disable(struct http_request *req, int64_t user_id)
{
	struct db *db = req->app->db;
	if (db_begin(db) != DB_OK)
		return -1;
	if (db_totp_delete(db, user_id) != DB_OK || db_recovery_codes_set(db, user_id, NULL, 0, util_now()) != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == DB_OK ? 0 : -1;
}
