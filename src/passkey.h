/* passkey.h - passkeys in the newsroom (issue 20): the WebAuthn ceremonies between the browser
 * (static/passkeys.js), the byte checks of webauthn.h and the store (db_passkey_*).
 *
 * Challenges: 32 random bytes, kept in the store by hash (passkey_challenges) for PASSKEY_CHALLENGE_AGE
 * seconds, bound to their purpose ("register": the session's account; "login": a passkey log-in, bound to
 * the browser's pre-session cookie; "second": a second factor after the password, bound to the account
 * and the pre-session cookie) and taken (deleted) by the first response that names them, whatever its
 * fate: a replayed response finds no challenge. The store, not a cookie, holds them, so several nodes
 * share them and "used" is one DELETE.
 *
 * The relying party id is the host the newsroom was reached at (the request's Host, else base_url's); the
 * origins accepted are the site's own (session_own_origins). A passkey log-in on its own asks for user
 * verification (a PIN or biometrics on the authenticator) and so stands for two factors; as a second
 * factor after the password, presence is enough.
 *
 * For the second-factor step after the password (the log-in flow's page): put passkey_request_options'
 * text on the page as the data-passkey-options attribute of a button with data-passkey-second, inside the
 * step's form, with an empty hidden input named passkey_assertion and the script /static/passkeys.js; the
 * script fills the input with the browser's answer and submits the form, whose handler gives that field to
 * passkey_verify_assertion. */
#ifndef BROADSHEET_PASSKEY_H
#define BROADSHEET_PASSKEY_H
#include <stdint.h>

#include "db.h"
#include "http.h"
#include "webauthn.h"

#define PASSKEY_CHALLENGE_AGE 300 /* seconds a ceremony may take */
#define PASSKEY_MAX 20            /* passkeys per account */
#define PASSKEY_NAME_MAX 60       /* characters of a passkey's name */

/* passkey_expect: what a response to req's ceremony must match: the relying party id, the challenge (as
 * issued), the site's origins, user verification when require_uv. Strings in the request's arena. */
void passkey_expect(struct http_request *req, const char *challenge, int require_uv, struct webauthn_expect *ex);

/* passkey_user_handle: the WebAuthn user handle of account user_id, base64url: a keyed hash of its id
 * (stable, and telling nothing about the account), in the arena. */
const char *passkey_user_handle(struct http_request *req, int64_t user_id);

/* passkey_challenge_new: a new challenge (base64url) kept for purpose, account user_id (0: none) and
 * binding ("" for none). In the arena; NULL on a store error. */
const char *passkey_challenge_new(struct http_request *req, const char *purpose, int64_t user_id, const char *binding);

/* passkey_challenge_take: takes the challenge a response names for purpose (see db_passkey_challenge_take):
 * 0 with *user_id and *binding set, DB_NOTFOUND (unknown, used, expired), or -1 on a store error. */
int passkey_challenge_take(struct http_request *req, const char *challenge, const char *purpose, int64_t *user_id,
			   const char **binding);

/* passkey_prelogin_binding: what a log-in challenge is bound to: a hash of the request's pre-session
 * cookie (session_prelogin), or "" when it sent none. In the arena. */
const char *passkey_prelogin_binding(struct http_request *req);

/* passkey_request_options: for a log-in step, a new challenge and the options for
 * navigator.credentials.get() as JSON text ({"publicKey": {...}}, bytes base64url; passkeys.js reads it).
 * user NULL: a passkey log-in on its own (purpose "login", any passkey of the site the authenticator holds,
 * user verification required); else the second factor of that account after its password (purpose
 * "second", its passkeys listed, presence enough). Both are bound to the pre-session cookie. In the arena;
 * NULL on a store error. */
const char *passkey_request_options(struct http_request *req, const struct db_user *user);

/* passkey_assertion: checks a log-in response json (passkeys.js's JSON of a PublicKeyCredential from
 * navigator.credentials.get()) for purpose "login" (user NULL) or "second" (user: the account that gave its
 * password): takes the challenge it names (bound as passkey_request_options bound it), finds its passkey
 * (of user, when given; of an enabled account), applies the log-in throttle of that account and address
 * (pages.h), verifies it (webauthn_assertion_check) and records the new signature counter. A refusal is
 * counted by the throttle and written to the audit log (login.passkey.failed), a success clears the
 * address's failures on the account and is written (login.passkey.ok). Returns 0 with *pk the passkey and
 * its account, or the HTTP status of the refusal (400 malformed, 401 refused, 429 throttled with
 * Retry-After on res, 500 store) with *why (an N_ sentence, English: translate with catalog_tr). */
int passkey_assertion(struct http_request *req, struct http_response *res, const struct db_user *user,
		      const char *json, struct db_passkey *pk, const char **why);

/* passkey_verify_assertion: the second factor for the log-in flow's page: passkey_assertion for purpose
 * "second" of user (who gave their password). Returns 1 when the passkey answered, 0 when refused (*err
 * says why, in the newsroom's language; Retry-After is set on res when throttled), -1 on a store error. */
int passkey_verify_assertion(struct http_request *req, struct http_response *res, const struct db_user *user,
			     const char *json, const char **err);

/* passkey_user_has: 1 when account user_id has a passkey (a second factor), 0 when not, -1 on a store error. */
int passkey_user_has(struct http_request *req, int64_t user_id);

#endif
