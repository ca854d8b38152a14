/* page_passkey_login.c - passkeys at log-in (issue 20): the ceremonies' shared parts (passkey.h: the
 * relying party, challenges, the assertion check with the log-in throttle and the audit log), log-in with
 * a passkey on its own from the log-in page (two JSON endpoints passkeys.js calls), and the second factor
 * for the log-in flow's page (passkey_verify_assertion). */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "catalog.h"
#include "log.h"
#include "pages.h"
#include "passkey.h"
#include "render.h"
#include "session.h"
#include "util.h"

/* The login a failed passkey log-in is counted under when its passkey is unknown (no login can be this:
 * auth_login_valid allows no parentheses). */
#define PASSKEY_UNKNOWN "(passkey)"
/* Byte limits of an assertion's parts, decoded (clientDataJSON is checked against 4096 again). */
#define PASSKEY_CLIENT_DATA_MAX 4096
#define PASSKEY_AUTHDATA_MAX 4096
#define PASSKEY_SIG_MAX 1024
#define PASSKEY_KEY_MAX 2048 /* a stored COSE_Key: an RSA-4096 key is about 530 bytes */

/* rp_id: the relying party id for req: the host (no port) of the origin the newsroom was reached at (the
 * request's Host, else base_url's: the last of session_own_origins), in the arena; "" when there is none. */
static const char *rp_id(struct http_request *req)
{
	const char *own[2];
	size_t n = session_own_origins(req, own);
	if (n == 0)
		return "";
	const char *host = strstr(own[n - 1], "://");
	host = host ? host + 3 : own[n - 1];
	size_t len = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":");
	return arena_strndup(req->arena, host, len);
}

void passkey_expect(struct http_request *req, const char *challenge, int require_uv, struct webauthn_expect *ex)
{
	const char **origins = arena_alloc(req->arena, 2 * sizeof *origins);
	size_t n = session_own_origins(req, origins);
	*ex = (struct webauthn_expect){.rp_id = rp_id(req), .challenge = challenge, .origins = origins, .norigins = n,
				       .require_uv = require_uv};
}

/* b64u_arena: p[0..n) as base64url in the arena. */
static const char *b64u_arena(struct arena *a, const uint8_t *p, size_t n)
{
	size_t cap = n / 3 * 4 + 5;
	return webauthn_b64u_encode(p, n, arena_alloc(a, cap), cap);
}

const char *passkey_user_handle(struct http_request *req, int64_t user_id)
{
	char id[24], hex[AUTH_TOKEN_HEX];
	snprintf(id, sizeof id, "%lld", (long long)user_id);
	auth_keyed_hash(req->app->secret, "passkey-user", id, strlen(id), hex);
	uint8_t raw[32];
	size_t n = 0;
	sodium_hex2bin(raw, sizeof raw, hex, 64, NULL, &n, NULL);
	return b64u_arena(req->arena, raw, n);
}

const char *passkey_challenge_new(struct http_request *req, const char *purpose, int64_t user_id, const char *binding)
{
	uint8_t raw[WEBAUTHN_CHALLENGE_BYTES];
	randombytes_buf(raw, sizeof raw);
	const char *challenge = b64u_arena(req->arena, raw, sizeof raw);
	char hash[AUTH_TOKEN_HEX];
	auth_token_hash(challenge, hash);
	int64_t now = util_now();
	if (db_passkey_challenge_put(req->app->db, hash, purpose, user_id, binding, now + PASSKEY_CHALLENGE_AGE, now) !=
	    DB_OK)
		return NULL;
	return challenge;
}

int passkey_challenge_take(struct http_request *req, const char *challenge, const char *purpose, int64_t *user_id,
			   const char **binding)
{
	char hash[AUTH_TOKEN_HEX];
	auth_token_hash(challenge, hash);
	int rc = db_passkey_challenge_take(req->app->db, req->arena, hash, purpose, util_now(), user_id, binding);
	return rc == DB_ERROR ? -1 : rc;
}

const char *passkey_prelogin_binding(struct http_request *req)
{
	const char *pre = session_prelogin(req);
	if (!pre)
		return "";
	char hash[AUTH_TOKEN_HEX];
	auth_token_hash(pre, hash);
	return arena_strdup(req->arena, hash);
}

/* credential_list: the account's passkeys as [{"type": "public-key", "id": ...}] (allowCredentials,
 * excludeCredentials), or NULL on a store error. The caller owns the reference. */
static json_t *credential_list(struct http_request *req, int64_t user_id)
{
	struct db_passkey *keys;
	size_t n;
	if (db_passkeys_list(req->app->db, req->arena, user_id, &keys, &n) != DB_OK)
		return NULL;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s}", "type", "public-key", "id", keys[i].credential_id));
	return list;
}

const char *passkey_request_options(struct http_request *req, const struct db_user *user)
{
	const char *challenge = passkey_challenge_new(req, user ? "second" : "login", user ? user->id : 0,
						      passkey_prelogin_binding(req));
	json_t *allow = !challenge ? NULL : user ? credential_list(req, user->id) : json_array();
	if (!allow)
		return NULL;
	json_t *doc = json_pack("{s:{s:s, s:s, s:I, s:s, s:o}}", "publicKey", "challenge", challenge, "rpId", rp_id(req),
				"timeout", (json_int_t)PASSKEY_CHALLENGE_AGE * 1000, "userVerification",
				user ? "preferred" : "required", "allowCredentials", allow);
	char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	const char *out = text ? arena_strdup(req->arena, text) : NULL;
	free(text);
	return out;
}

/* An assertion as passkeys.js sends it, decoded (in the request's arena). */
struct assertion {
	const char *cred_id;     /* base64url, as the store keeps it (decoded and encoded again) */
	const char *user_handle; /* base64url, NULL when the authenticator sent none */
	uint8_t *client_data, *authdata, *sig;
	size_t client_data_len, authdata_len, sig_len;
};

/* b64u_member: decodes obj's string member name (base64url) into a new arena buffer of at most cap bytes:
 * 0 with *out and *n set, or -1 when it is missing, not base64url, empty or longer. */
static int b64u_member(struct arena *a, json_t *obj, const char *name, size_t cap, uint8_t **out, size_t *n)
{
	const char *s = json_string_value(json_object_get(obj, name));
	uint8_t *buf = arena_alloc(a, cap);
	if (!s || webauthn_b64u_decode(s, buf, cap, n) < 0 || *n == 0)
		return -1;
	*out = buf;
	return 0;
}

/* assertion_parse: reads passkeys.js's JSON of a PublicKeyCredential from navigator.credentials.get():
 * {"id", "type": "public-key", "response": {"clientDataJSON", "authenticatorData", "signature",
 * "userHandle" (or null)}}, bytes base64url. 0, or -1 when it is malformed. */
static int assertion_parse(struct arena *a, const char *json, struct assertion *as)
{
	memset(as, 0, sizeof *as);
	json_t *j = json ? json_loads(json, JSON_REJECT_DUPLICATES, NULL) : NULL;
	json_t *r = json_object_get(j, "response"), *uh = json_object_get(r, "userHandle");
	const char *type = json_string_value(json_object_get(j, "type"));
	uint8_t *id, *handle;
	size_t id_len, handle_len;
	int ok = json_is_object(r) && type && strcmp(type, "public-key") == 0 &&
		 b64u_member(a, j, "id", WEBAUTHN_CRED_ID_MAX, &id, &id_len) == 0 &&
		 b64u_member(a, r, "clientDataJSON", PASSKEY_CLIENT_DATA_MAX, &as->client_data, &as->client_data_len) == 0 &&
		 b64u_member(a, r, "authenticatorData", PASSKEY_AUTHDATA_MAX, &as->authdata, &as->authdata_len) == 0 &&
		 b64u_member(a, r, "signature", PASSKEY_SIG_MAX, &as->sig, &as->sig_len) == 0 &&
		 (!uh || json_is_null(uh) || b64u_member(a, r, "userHandle", 64, &handle, &handle_len) == 0);
	if (ok) {
		as->cred_id = b64u_arena(a, id, id_len);
		as->user_handle = uh && !json_is_null(uh) ? b64u_arena(a, handle, handle_len) : NULL;
	}
	json_decref(j);
	return ok ? 0 : -1;
}

/* refused: a passkey log-in refused for why: counted by the throttle under k (unless status is 429: a
 * throttled attempt is not counted, as with passwords), logged and written to the audit log for user_id
 * and login (0 and "" when no account is known). Returns status. */
static int refused(struct http_request *req, const struct login_keys *k, int64_t user_id, const char *login,
		   const char *why, int status)
{
	if (status != 429)
		login_failure_add(req, k);
	log_info("refused passkey log-in for '%s' from %s: %s", *login ? login : PASSKEY_UNKNOWN, req->client_ip, why);
	audit_record_as(req, user_id, login, "login.passkey.failed",
			user_id ? audit_target(req->arena, "user", user_id) : NULL, why);
	return status;
}

/* assertion_passkey: the stored passkey the assertion as names, for purpose "login" (any enabled account)
 * or user's; the throttle's keys become its account's. Returns 0 with *pk, or the refusal's status
 * (counted and audited: refused) with *why. */
static int assertion_passkey(struct http_request *req, struct http_response *res, const struct db_user *user,
			     const struct assertion *as, struct login_keys *keys, struct db_passkey *pk, const char **why)
{
	int rc = db_passkey_by_credential(req->app->db, req->arena, as->cred_id, pk);
	if (rc == DB_ERROR)
		return 500;
	const char *login = user ? user->login : "";
	int64_t uid = user ? user->id : 0;
	if (rc == DB_NOTFOUND || (user && pk->user_id != user->id)) {
		if (login_throttled(req, res, keys)) {
			*why = N_("Too many failed log-ins. Wait a few minutes before trying again.");
			return refused(req, keys, uid, login, *why, 429);
		}
		*why = N_("This passkey is not registered for a newsroom account here (it may have been removed).");
		return refused(req, keys, uid, login, *why, 401);
	}
	if (!user)
		login_keys_for(req, pk->user.login, keys);
	if (login_throttled(req, res, keys)) {
		*why = N_("Too many failed log-ins. Wait a few minutes before trying again.");
		return refused(req, keys, pk->user_id, pk->user.login, *why, 429);
	}
	if (pk->user.disabled) {
		*why = N_("This passkey belongs to an account that is disabled.");
		return refused(req, keys, pk->user_id, pk->user.login, *why, 401);
	}
	if (as->user_handle && strcmp(as->user_handle, passkey_user_handle(req, pk->user_id)) != 0) {
		*why = N_("The passkey's account does not match the account it is registered to.");
		return refused(req, keys, pk->user_id, pk->user.login, *why, 401);
	}
	return 0;
}

int passkey_assertion(struct http_request *req, struct http_response *res, const struct db_user *user,
		      const char *json, struct db_passkey *pk, const char **why)
{
	struct login_keys keys;
	login_keys_for(req, user ? user->login : PASSKEY_UNKNOWN, &keys);
	const char *login = user ? user->login : "";
	int64_t uid = user ? user->id : 0;
	struct assertion as;
	struct webauthn_client_data cd;
	*why = N_("The passkey's answer is malformed. Try again.");
	if (assertion_parse(req->arena, json, &as) < 0 ||
	    webauthn_client_data_parse(as.client_data, as.client_data_len, &cd, why) < 0)
		return refused(req, &keys, uid, login, *why, 400);
	/* the challenge is taken whatever comes next: each answers one response */
	int64_t bound_user;
	const char *binding;
	int rc = passkey_challenge_take(req, cd.challenge, user ? "second" : "login", &bound_user, &binding);
	if (rc < 0)
		return 500;
	if (rc == DB_NOTFOUND || bound_user != uid || strcmp(binding, passkey_prelogin_binding(req)) != 0) {
		*why = N_("This passkey answer is out of date or was used already. Try again.");
		return refused(req, &keys, uid, login, *why, 401);
	}
	int st = assertion_passkey(req, res, user, &as, &keys, pk, why);
	if (st)
		return st;
	uint8_t *key = arena_alloc(req->arena, PASSKEY_KEY_MAX);
	size_t key_len = 0;
	struct webauthn_expect ex;
	passkey_expect(req, cd.challenge, user == NULL, &ex);
	uint32_t count = 0;
	if (webauthn_b64u_decode(pk->public_key, key, PASSKEY_KEY_MAX, &key_len) < 0)
		*why = N_("The stored passkey is damaged: remove it and add it again.");
	if (key_len == 0 || webauthn_assertion_check(&ex, key, key_len, (uint32_t)pk->sign_count, as.client_data,
						     as.client_data_len, as.authdata, as.authdata_len, as.sig, as.sig_len,
						     &count, why) < 0)
		return refused(req, &keys, pk->user_id, pk->user.login, *why, 401);
	rc = db_passkey_used(req->app->db, pk->id, count, util_now());
	if (rc == DB_ERROR)
		return 500;
	if (rc == DB_NOTFOUND) { /* another log-in moved the counter meanwhile */
		*why = N_("The passkey's signature counter went backwards, so it may have been copied. Remove it and "
			  "add it again.");
		return refused(req, &keys, pk->user_id, pk->user.login, *why, 401);
	}
	db_login_failures_clear(req->app->db, keys.pair);
	audit_record_as(req, pk->user_id, pk->user.login, "login.passkey.ok",
			audit_target(req->arena, "user", pk->user_id),
			arena_printf(req->arena, "%s; passkey %lld", user ? "second factor" : "passkey on its own",
				     (long long)pk->id));
	return 0;
}

int passkey_verify_assertion(struct http_request *req, struct http_response *res, const struct db_user *user,
			     const char *json, const char **err)
{
	struct db_passkey pk;
	const char *why = NULL;
	int st = passkey_assertion(req, res, user, json, &pk, &why);
	enum catalog_lang lang = render_newsroom_lang(req);
	if (st == 500) {
		*err = catalog_tr(lang, N_("The passkey could not be checked because the store failed. Try again."));
		return -1;
	}
	*err = st ? catalog_tr(lang, why) : NULL;
	return st ? 0 : 1;
}

int passkey_user_has(struct http_request *req, int64_t user_id)
{
	struct db_passkey *keys;
	size_t n;
	if (db_passkeys_list(req->app->db, req->arena, user_id, &keys, &n) != DB_OK)
		return -1;
	return n > 0;
}

/* json_error: a JSON reply {"error": why in the newsroom's language} with status (no-store). */
static int json_error(struct http_request *req, struct http_response *res, int status, const char *why)
{
	http_set_header(res, "Cache-Control", "no-store");
	return page_json_reply(res, json_pack("{s:s}", "error", catalog_tr(render_newsroom_lang(req), why)), status);
}

/* WEBPAGE: POST /admin/login/passkey/options
 * Parameters: header X-CSRF-Token: the log-in page's token (bound to the pre-session cookie); no body
 * Permission: anyone; the request must come from this site's own log-in page (same origin, pre-session
 *   cookie, fresh token: login_forged)
 * Issues a challenge for a passkey log-in, bound to the pre-session cookie, and answers the options for
 *   navigator.credentials.get() as JSON ({"publicKey": ...}); 403 (JSON error) when forged. */
int passkey_login_options_page(struct http_request *req, struct http_response *res)
{
	const char *forged = login_forged(req);
	if (forged)
		return json_error(req, res, 403, forged);
	const char *options = passkey_request_options(req, NULL);
	if (!options)
		return 500;
	http_set_header(res, "Cache-Control", "no-store");
	buf_append(&res->body, options, strlen(options));
	res->content_type = "application/json; charset=utf-8";
	return 200;
}

/* WEBPAGE: POST /admin/login/passkey
 * Parameters: header X-CSRF-Token: the log-in page's token; JSON body: {"credential": the browser's answer
 *   to the options (passkeys.js's JSON of a PublicKeyCredential), "next": a local /admin/ path}
 * Permission: anyone; the request must come from this site's own log-in page (login_forged)
 * Log-in with a passkey on its own: checks the answer (passkey_assertion: challenge, passkey, throttle,
 *   signature with user verification, counter) and starts a session: {"next": where to go}. Refusals are
 *   JSON errors: 400 malformed, 401 refused, 403 forged, 429 throttled (Retry-After). */
int passkey_login_page(struct http_request *req, struct http_response *res)
{
	const char *forged = login_forged(req);
	if (forged)
		return json_error(req, res, 403, forged);
	json_t *body = json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, NULL);
	char *credential = json_is_object(json_object_get(body, "credential"))
				   ? json_dumps(json_object_get(body, "credential"), JSON_COMPACT)
				   : NULL;
	const char *next = login_safe_next(json_string_value(json_object_get(body, "next")));
	next = arena_strdup(req->arena, next);
	json_decref(body);
	const char *json = credential ? arena_strdup(req->arena, credential) : NULL;
	free(credential);
	struct db_passkey pk;
	const char *why = NULL;
	int st = passkey_assertion(req, res, NULL, json, &pk, &why);
	if (st)
		return st == 500 ? 500 : json_error(req, res, st, why);
	/* a passkey with user verification is two factors: the log-in is complete, no second step (what
	 * mfa_login_continue does for "passkey"; this reply is JSON, not its redirect) */
	if (session_start_method(req, res, &pk.user, "passkey") < 0)
		return 500;
	http_set_header(res, "Cache-Control", "no-store");
	return page_json_reply(res, json_pack("{s:s}", "next", next), 200);
}
