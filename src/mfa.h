/* mfa.h - two-factor log-in (issue 20): what happens after a first factor (a password ...), the log-in
 * waiting for its second factor, TOTP enrolment and codes, recovery codes, and the per-role requirement.
 *
 * A log-in whose account has a confirmed TOTP secret does not get a session after its password: it gets a
 * waiting log-in instead, a random token in the bs_mfa cookie (HttpOnly, SameSite=Strict, Path=/admin/login,
 * so it reaches nothing but the log-in's own steps) whose hash the store keeps with the account, the first
 * factor's method and where to go next, for MFA_PENDING_SECONDS. /admin/login/second-factor takes a code or
 * a recovery code; its success deletes the waiting log-in in one statement (a second completion with the
 * same cookie finds nothing) and starts the session. An account whose role requires a second factor
 * (the mfa_required_roles setting) and has none gets a waiting log-in of kind "enrol" instead, good only
 * for /admin/login/enrol: the newsroom stays closed to it until it has confirmed a TOTP secret.
 * Wrong codes count as failed log-ins (page_admin.c's throttling, per address, pair and account). */
#ifndef BROADSHEET_MFA_H
#define BROADSHEET_MFA_H
#include <stdint.h>

#include "db.h"
#include "http.h"
#include "tmpl.h"

#define MFA_COOKIE "bs_mfa"
#define MFA_PENDING_SECONDS 300 /* a waiting log-in's second factor: five minutes */
#define MFA_ENROL_SECONDS 900   /* enrolment takes longer: installing an app, scanning */
#define MFA_SETTING "mfa_required_roles"

/* mfa_login_continue: what follows a first factor that succeeded for account u (method "password", or
 * another first factor's name; "passkey" counts as both factors). Starts the session and redirects to next
 * when no second factor is needed (clearing the failed log-ins of this address on the account); else
 * makes a waiting log-in (cookie set on res) and redirects to /admin/login/second-factor, or to
 * /admin/login/enrol when the role requires a factor the account lacks. next must be a safe local path
 * (the caller checked it). Returns the status to answer (303), or 500 on a store failure. */
int mfa_login_continue(struct http_request *req, struct http_response *res, const struct db_user *u,
		       const char *method, const char *next);

/* mfa_role_required: 1 when the mfa_required_roles setting names role, 0 when not, -1 on a store error. */
int mfa_role_required(struct http_request *req, const char *role);
/* mfa_roles_problem: NULL when v is a valid mfa_required_roles value (empty, or role names separated by
 * commas and spaces), else a sentence (N_) saying what is wrong. */
const char *mfa_roles_problem(const char *v);

/* What a waiting log-in lookup found. */
enum mfa_pending_state { MFA_PENDING_OK, MFA_PENDING_NONE, MFA_PENDING_EXPIRED, MFA_PENDING_ERROR };
/* mfa_pending_load: the request's waiting log-in (bs_mfa cookie) of kind into *p and its token hash into
 * hash (AUTH_TOKEN_HEX bytes). MFA_PENDING_OK; MFA_PENDING_NONE (no cookie, an unknown token, or another
 * kind); MFA_PENDING_EXPIRED (known but past its time, or its account disabled: *p is filled); or
 * MFA_PENDING_ERROR (store). */
enum mfa_pending_state mfa_pending_load(struct http_request *req, const char *kind, struct db_mfa_pending *p,
					char *hash);
/* mfa_form_token: the token a waiting log-in's form carries (bound to its token hash); in the arena. */
const char *mfa_form_token(struct http_request *req, const char *hash);
/* mfa_form_token_ok: whether the POST is from this site's own form for the waiting log-in with hash
 * (same origin, and its token field is mfa_form_token's, at most MFA_ENROL_SECONDS old). */
int mfa_form_token_ok(struct http_request *req, const char *hash);
/* mfa_pending_finish: completes the waiting log-in with hash for p's account, its second factor being
 * factor ("totp" or "recovery": the session's method): deletes it (one statement: DB_NOTFOUND when a
 * concurrent request completed it first, answered as expired: 0 with *gone set), clears the failed
 * log-ins of this address on the account, starts the session and removes the waiting log-in's cookie. Returns 0,
 * or -1 on a store failure. */
int mfa_pending_finish(struct http_request *req, struct http_response *res, const struct db_mfa_pending *p,
		       const char *hash, const char *factor, int *gone);

/* What checking a second factor came to. */
enum mfa_check { MFA_CHECK_OK, MFA_CHECK_WRONG, MFA_CHECK_REPLAYED, MFA_CHECK_NONE, MFA_CHECK_ERROR };
/* mfa_totp_check: checks a TOTP code against the account's confirmed secret, and on success records its
 * time step so it is never accepted again (atomically: a concurrent use of the same code loses). Returns
 * MFA_CHECK_OK, _WRONG, _REPLAYED, _NONE (no confirmed secret) or _ERROR (store, or a secret that does not
 * open: logged). */
enum mfa_check mfa_totp_check(struct http_request *req, int64_t user_id, const char *code);
/* mfa_recovery_check: uses one of the account's recovery codes (typed as shown, any case, spaces and hyphens
 * ignored), once. MFA_CHECK_OK, _WRONG (unknown, used, or not a recovery code) or _ERROR. */
enum mfa_check mfa_recovery_check(struct http_request *req, int64_t user_id, const char *typed);

/* mfa_enrol_begin: the account's unconfirmed TOTP secret (made and stored now when it has none; an
 * unconfirmed one is kept, so a reload shows the same QR code) into secret (TOTP_SECRET_B32 bytes).
 * Returns 0, 1 when the account already has a confirmed secret, -1 on a store failure. */
int mfa_enrol_begin(struct http_request *req, int64_t user_id, char *secret);
/* mfa_enrol_view: fills an enrolment template's fields in v for login and secret: the QR code (qr, inline
 * SVG), the secret grouped by four for typing (secret), the otpauth:// address (uri). Returns 0, or -1 when
 * the QR code cannot be made. */
int mfa_enrol_view(struct http_request *req, struct view *v, const char *login, const char *secret);
/* mfa_enrol_confirm: checks the first code against the account's unconfirmed secret and on success
 * confirms it and makes ten recovery codes (one transaction), listed in v's "codes" for the person to keep.
 * Returns MFA_CHECK_OK, _WRONG, _NONE (no unconfirmed secret) or _ERROR. */
enum mfa_check mfa_enrol_confirm(struct http_request *req, int64_t user_id, const char *code, struct view *v);
/* mfa_recovery_new: replaces the account's recovery codes by ten new ones (one transaction), listed in v's
 * "codes". Returns 0, or -1 on a store failure. */
int mfa_recovery_new(struct http_request *req, int64_t user_id, struct view *v);
/* mfa_disable: removes the account's TOTP secret and recovery codes (one transaction). 0 or -1 (store). */
int mfa_disable(struct http_request *req, int64_t user_id);

#endif
