/* page_passkeys.c - the account's passkeys (issue 20): /admin/account/passkeys lists them, renames and
 * removes them (removal re-checks the password); adding one is a ceremony static/passkeys.js runs over two
 * JSON endpoints: the options (after the password is re-checked, so a borrowed session cannot plant a
 * passkey), then the authenticator's answer, checked by webauthn_registration_check and stored. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "catalog.h"
#include "pages.h"
#include "passkey.h"
#include "render.h"
#include "textnorm.h"
#include "util.h"

#define PASSKEY_ATTESTATION_MAX 8192 /* bytes of an attestation object, decoded */
#define PASSKEY_PAGE "/admin/account/passkeys"

/* A refused rename, shown again: the passkey and the name as typed. */
struct passkey_typed {
	int64_t id;
	const char *name;
};

/* passkeys_view: the page with the account's passkeys (typed: a refused rename's row keeps what was typed
 * and is marked), notice and error, answered with status. Returns status, or 500 on a store error. */
static int passkeys_view(struct http_request *req, struct http_response *res, const char *notice, const char *error,
			 int status, const struct passkey_typed *typed)
{
	struct db_passkey *keys;
	size_t n;
	if (db_passkeys_list(req->app->db, req->arena, req->session->user.id, &keys, &n) != DB_OK)
		return 500;
	struct view *v = render_admin_frame(req, RENDER_PASSKEYS, N_("Passkeys"), notice, error);
	for (size_t i = 0; i < n; i++) {
		struct view *r = view_add(v, "passkeys");
		int mine = typed && typed->id == keys[i].id;
		view_text(r, "id", arena_printf(req->arena, "%lld", (long long)keys[i].id));
		view_text(r, "name", keys[i].name);
		view_text(r, "name_typed", mine ? typed->name : keys[i].name);
		view_bool(r, "invalid", mine);
		view_text(r, "created", render_time_input(req->arena, keys[i].created_at));
		view_bool(r, "used", keys[i].last_used_at > 0);
		view_text(r, "last_used", render_time_input(req->arena, keys[i].last_used_at));
	}
	view_bool(v, "has_passkeys", n > 0);
	view_bool(v, "can_add", n < PASSKEY_MAX);
	http_set_header(res, "Cache-Control", "no-store");
	return render_reply(req, res, RENDER_PASSKEYS, v, status);
}

/* WEBPAGE: GET /admin/account/passkeys
 * Parameters: notice (added, renamed, removed: what the last action did)
 * Permission: any newsroom account (PERM_LOGIN), for its own passkeys
 * Lists the account's passkeys (name, added, last used) with a rename and a remove form each, and the form
 *   passkeys.js runs to add one (the page says when JavaScript or WebAuthn is missing). */
int passkeys_page(struct http_request *req, struct http_response *res)
{
	static const char *const notices[][2] = {
		{"added", N_("The passkey was added. Next time, choose \"Sign in with a passkey\" on the log-in page.")},
		{"renamed", N_("The passkey was renamed.")},
		{"removed", N_("The passkey was removed: it no longer opens this account.")}};
	const char *which = http_param(req, "notice"), *notice = NULL;
	for (size_t i = 0; which && i < ARRAY_LEN(notices); i++)
		if (strcmp(which, notices[i][0]) == 0)
			notice = notices[i][1];
	return passkeys_view(req, res, notice, NULL, 200, NULL);
}

/* reauth: checks password against the session's account, under the log-in throttle of that account and
 * address (pages.h): a borrowed session guesses the password no faster than the log-in page allows. A
 * wrong password is counted. Returns 0, or the refusal's status with *why: 401 wrong, 429 throttled
 * (Retry-After set), 500 store error. */
static int reauth(struct http_request *req, struct http_response *res, const char *password, const char **why)
{
	struct login_keys keys;
	login_keys_for(req, req->session->user.login, &keys);
	if (login_throttled(req, res, &keys)) {
		*why = N_("Too many failed log-ins. Wait a few minutes before trying again.");
		return 429;
	}
	struct db_user u;
	if (db_user_get_by_login(req->app->db, req->arena, req->session->user.login, &u) != DB_OK)
		return 500;
	if (!password || !auth_verify_password(u.pw_hash, password)) {
		login_failure_add(req, &keys);
		*why = N_("That is not your password.");
		return 401;
	}
	return 0;
}

/* name_problem: why name (trimmed) cannot name a passkey (an N_ sentence or page_too_long's), or NULL. */
static const char *name_problem(struct http_request *req, const char *name)
{
	if (!*name)
		return N_("Give the passkey a name, such as the device it is on.");
	return page_too_long(req, catalog_tr(render_newsroom_lang(req), N_("The passkey's name")), name, PASSKEY_NAME_MAX);
}

/* json_fail: a JSON reply {"error": why in the newsroom's language} with status (no-store). */
static int json_fail(struct http_request *req, struct http_response *res, int status, const char *why)
{
	http_set_header(res, "Cache-Control", "no-store");
	return page_json_reply(res, json_pack("{s:s}", "error", catalog_tr(render_newsroom_lang(req), why)), status);
}

/* body_json: the request's body as a JSON object (a new reference), or NULL when it is not one. */
static json_t *body_json(struct http_request *req)
{
	json_t *j = json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* member_text: obj's string member name copied into the arena, NULL when absent or not a string. */
static const char *member_text(struct arena *a, json_t *obj, const char *name)
{
	const char *s = json_string_value(json_object_get(obj, name));
	return s ? arena_strdup(a, s) : NULL;
}

/* passkey_count: how many passkeys the session's account has into *n. 0, or -1 on a store error. */
static int passkey_count(struct http_request *req, size_t *n)
{
	struct db_passkey *keys;
	return db_passkeys_list(req->app->db, req->arena, req->session->user.id, &keys, n) == DB_OK ? 0 : -1;
}

/* creation_options: the options for navigator.credentials.create() for the session's account with
 * challenge: this site as relying party, the account's user handle and login, ES256, EdDSA and RS256, a
 * discoverable credential with user verification (a passkey on its own is two factors), no attestation,
 * the account's passkeys excluded. A new reference, NULL on a store error. */
static json_t *creation_options(struct http_request *req, const char *challenge)
{
	const struct db_user *u = &req->session->user;
	struct db_passkey *keys;
	size_t n;
	if (db_passkeys_list(req->app->db, req->arena, u->id, &keys, &n) != DB_OK)
		return NULL;
	json_t *exclude = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(exclude, json_pack("{s:s, s:s}", "type", "public-key", "id", keys[i].credential_id));
	struct webauthn_expect ex;
	passkey_expect(req, challenge, 1, &ex);
	return json_pack("{s:{s:{s:s, s:s}, s:{s:s, s:s, s:s}, s:s, s:[{s:s, s:i}, {s:s, s:i}, {s:s, s:i}], s:I, s:s, "
			 "s:{s:s, s:b, s:s}, s:o}}",
			 "publicKey", "rp", "id", ex.rp_id, "name", render_site_name(req, "en"), "user", "id",
			 passkey_user_handle(req, u->id), "name", u->login, "displayName",
			 *u->display_name ? u->display_name : u->login, "challenge", challenge, "pubKeyCredParams", "type",
			 "public-key", "alg", WEBAUTHN_ES256, "type", "public-key", "alg", WEBAUTHN_EDDSA, "type",
			 "public-key", "alg", WEBAUTHN_RS256, "timeout", (json_int_t)PASSKEY_CHALLENGE_AGE * 1000,
			 "attestation", "none", "authenticatorSelection", "residentKey", "required", "requireResidentKey", 1,
			 "userVerification", "required", "excludeCredentials", exclude);
}

/* WEBPAGE: POST /admin/account/passkeys/options
 * Parameters: header X-CSRF-Token; JSON body: {"password": the account's password}
 * Permission: any newsroom account (PERM_LOGIN); the session's CSRF token (checked by the route table)
 * Re-checks the password (under the log-in throttle), issues a registration challenge for the account
 *   and answers the options for navigator.credentials.create() ({"publicKey": ...}). Refusals are JSON
 *   errors: 400 malformed, 401 wrong password, 409 too many passkeys, 429 throttled. */
int passkey_create_options_page(struct http_request *req, struct http_response *res)
{
	json_t *body = body_json(req);
	const char *password = member_text(req->arena, body, "password"), *why = NULL;
	json_decref(body);
	if (!password)
		return json_fail(req, res, 400, N_("Type your password to add a passkey."));
	int st = reauth(req, res, password, &why);
	if (st)
		return st == 500 ? 500 : json_fail(req, res, st, why);
	size_t n;
	if (passkey_count(req, &n) < 0)
		return 500;
	if (n >= PASSKEY_MAX)
		return json_fail(req, res, 409, N_("This account has as many passkeys as it may have. Remove one to add another."));
	const char *challenge = passkey_challenge_new(req, "register", req->session->user.id, "");
	json_t *options = challenge ? creation_options(req, challenge) : NULL;
	if (!options)
		return 500;
	http_set_header(res, "Cache-Control", "no-store");
	return page_json_reply(res, options, 200);
}

/* A registration as passkeys.js sends it: the name typed and the browser's answer, decoded. */
struct registration {
	const char *name;
	uint8_t *client_data, *att;
	size_t client_data_len, att_len;
};

/* registration_parse: reads {"name", "credential": {"type": "public-key", "response": {"clientDataJSON",
 * "attestationObject"}}} (bytes base64url) from the request's body into r, the name with bidirectional
 * controls removed and trimmed. 0, or -1 when it is malformed. */
static int registration_parse(struct http_request *req, struct registration *r)
{
	json_t *body = body_json(req);
	json_t *cred = json_object_get(body, "credential"), *resp = json_object_get(cred, "response");
	const char *type = json_string_value(json_object_get(cred, "type"));
	const char *cd = json_string_value(json_object_get(resp, "clientDataJSON"));
	const char *att = json_string_value(json_object_get(resp, "attestationObject"));
	char *name = (char *)member_text(req->arena, body, "name");
	r->client_data = arena_alloc(req->arena, 4096);
	r->att = arena_alloc(req->arena, PASSKEY_ATTESTATION_MAX);
	int ok = name && type && strcmp(type, "public-key") == 0 &&
		 webauthn_b64u_decode(cd, r->client_data, 4096, &r->client_data_len) == 0 &&
		 webauthn_b64u_decode(att, r->att, PASSKEY_ATTESTATION_MAX, &r->att_len) == 0;
	json_decref(body);
	if (!ok)
		return -1;
	textnorm_strip_bidi(name);
	r->name = util_trim(req->arena, name);
	return 0;
}

/* registration_store: keeps the credential c named name for the session's account and writes it to the
 * audit log. Returns 0, or the refusal's status with *why (409 registered already or too many), 500. */
static int registration_store(struct http_request *req, const struct webauthn_new_cred *c, const char *name,
			      const char **why)
{
	size_t n;
	if (passkey_count(req, &n) < 0)
		return 500;
	if (n >= PASSKEY_MAX) {
		*why = N_("This account has as many passkeys as it may have. Remove one to add another.");
		return 409;
	}
	size_t idcap = c->id_len / 3 * 4 + 5, keycap = c->key_len / 3 * 4 + 5;
	struct db_passkey pk = {.user_id = req->session->user.id,
				.credential_id = webauthn_b64u_encode(c->id, c->id_len, arena_alloc(req->arena, idcap), idcap),
				.public_key = webauthn_b64u_encode(c->key, c->key_len, arena_alloc(req->arena, keycap), keycap),
				.name = name,
				.sign_count = c->sign_count,
				.created_at = util_now()};
	int64_t id = 0;
	int rc = db_passkey_insert(req->app->db, &pk, &id);
	if (rc == DB_CONFLICT) {
		*why = N_("This passkey is registered already.");
		return 409;
	}
	if (rc != DB_OK)
		return 500;
	audit_record(req, "passkey.added", audit_target(req->arena, "passkey", id),
		     arena_printf(req->arena, "%s (%s)", name,
				  c->alg == WEBAUTHN_ES256 ? "ES256" : c->alg == WEBAUTHN_EDDSA ? "EdDSA" : "RS256"));
	return 0;
}

/* WEBPAGE: POST /admin/account/passkeys/add
 * Parameters: header X-CSRF-Token; JSON body: {"name": what to call it, "credential": the browser's answer
 *   to the options (passkeys.js's JSON of a PublicKeyCredential from navigator.credentials.create())}
 * Permission: any newsroom account (PERM_LOGIN); the session's CSRF token (checked by the route table)
 * Takes the challenge the answer names (issued to this account by the options), checks the answer
 *   (webauthn_registration_check: origin, relying party, user verification, attestation "none", a usable
 *   ES256, EdDSA or RS256 key) and stores the passkey: {"next": the page with its notice}. Refusals are JSON
 *   errors: 400 malformed or refused, 409 registered already or too many. */
int passkey_add_page(struct http_request *req, struct http_response *res)
{
	struct registration r;
	if (registration_parse(req, &r) < 0)
		return json_fail(req, res, 400, N_("The browser's answer is malformed. Try again."));
	const char *why = name_problem(req, r.name);
	if (why)
		return json_fail(req, res, 400, why);
	struct webauthn_client_data cd;
	if (webauthn_client_data_parse(r.client_data, r.client_data_len, &cd, &why) < 0)
		return json_fail(req, res, 400, why);
	int64_t bound_user;
	const char *binding;
	int rc = passkey_challenge_take(req, cd.challenge, "register", &bound_user, &binding);
	if (rc < 0)
		return 500;
	if (rc == DB_NOTFOUND || bound_user != req->session->user.id)
		return json_fail(req, res, 400, N_("This passkey answer is out of date or was used already. Try again."));
	struct webauthn_expect ex;
	passkey_expect(req, cd.challenge, 1, &ex);
	struct webauthn_new_cred c;
	if (webauthn_registration_check(&ex, r.client_data, r.client_data_len, r.att, r.att_len, &c, &why) < 0)
		return json_fail(req, res, 400, why);
	int st = registration_store(req, &c, r.name, &why);
	if (st)
		return st == 500 ? 500 : json_fail(req, res, st, why);
	http_set_header(res, "Cache-Control", "no-store");
	return page_json_reply(res, json_pack("{s:s}", "next", PASSKEY_PAGE "?notice=added"), 200);
}

/* WEBPAGE: POST /admin/account/passkeys/{id}/rename
 * Parameters: id (the passkey); form: csrf, name
 * Permission: any newsroom account (PERM_LOGIN), for its own passkeys; the CSRF token (route table)
 * Renames the passkey (303 to the page with a notice); a name that is empty or too long is refused with
 *   400 and the page shows it again as typed; another account's or unknown passkey: 404. */
int passkey_rename_page(struct http_request *req, struct http_response *res)
{
	int64_t id = route_param_id(&req->route, "id");
	const char *name = util_trim(req->arena, http_form_text(req, "name"));
	const char *why = name_problem(req, name);
	struct passkey_typed typed = {id, name};
	if (why)
		return passkeys_view(req, res, NULL, why, 400, &typed);
	int rc = id ? db_passkey_rename(req->app->db, req->session->user.id, id, name) : DB_NOTFOUND;
	if (rc == DB_ERROR)
		return 500;
	if (rc == DB_NOTFOUND)
		return passkeys_view(req, res, NULL, N_("You have no such passkey."), 404, NULL);
	audit_record(req, "passkey.renamed", audit_target(req->arena, "passkey", id), name);
	http_set_header(res, "Location", PASSKEY_PAGE "?notice=renamed");
	return 303;
}

/* WEBPAGE: POST /admin/account/passkeys/{id}/remove
 * Parameters: id (the passkey); form: csrf, password (the account's, re-checked)
 * Permission: any newsroom account (PERM_LOGIN), for its own passkeys; the CSRF token (route table)
 * Removes the passkey after re-checking the password under the log-in throttle (303 to the page with a
 *   notice): it no longer logs anyone in. Refusals show the page again: 401 wrong password, 429
 *   throttled, 404 another account's or unknown passkey. */
int passkey_remove_page(struct http_request *req, struct http_response *res)
{
	int64_t id = route_param_id(&req->route, "id");
	const char *why = NULL;
	int st = reauth(req, res, http_form(req, "password"), &why);
	if (st)
		return st == 500 ? 500 : passkeys_view(req, res, NULL, why, st, NULL);
	int rc = id ? db_passkey_delete(req->app->db, req->session->user.id, id) : DB_NOTFOUND;
	if (rc == DB_ERROR)
		return 500;
	if (rc == DB_NOTFOUND)
		return passkeys_view(req, res, NULL, N_("You have no such passkey."), 404, NULL);
	audit_record(req, "passkey.removed", audit_target(req->arena, "passkey", id), NULL);
	http_set_header(res, "Location", PASSKEY_PAGE "?notice=removed");
	return 303;
}
