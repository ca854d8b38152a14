/* session.h - newsroom log-in sessions over HTTP: the bs_session cookie (HttpOnly, SameSite=Lax,
 * Secure on https sites) holds a random token; the store keeps only its hash. */
#ifndef BROADSHEET_SESSION_H
#define BROADSHEET_SESSION_H

#include "db.h"
#include "http.h"

#define SESSION_COOKIE "bs_session"

enum session_state { SESSION_NONE = 0, SESSION_OK = 1, SESSION_EXPIRED = 2, SESSION_ERROR = -1 };

/* session_load: finds the request's session and sets req->session when valid. Returns SESSION_OK,
 * SESSION_NONE (no cookie), SESSION_EXPIRED (cookie for an unknown, expired or disabled login) or
 * SESSION_ERROR (store failure). */
enum session_state session_load(struct http_request *req);

/* session_start: logs user in: new token and CSRF secret, stored, cookie set on res. Any session the
 * request already had is ended first (no fixation). Returns 0 or -1 (store failure). */
int session_start(struct http_request *req, struct http_response *res, const struct db_user *user);

/* session_end: deletes the request's session from the store and clears the cookie. */
void session_end(struct http_request *req, struct http_response *res);

#endif
