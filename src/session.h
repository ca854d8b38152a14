/* session.h - newsroom log-in sessions over HTTP: the bs_session cookie (HttpOnly, SameSite=Lax,
 * Secure on https sites) holds a random token; the store keeps only its hash. */
#ifndef BROADSHEET_SESSION_H
#define BROADSHEET_SESSION_H

#include "db.h"
#include "http.h"

#define SESSION_COOKIE "bs_session"
/* The pre-session cookie: set with the log-in form, which signs its token for this value (log-in CSRF). */
#define SESSION_PRELOGIN_COOKIE "bs_prelogin"

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

/* session_prelogin: the pre-session value the request sent (64 hex digits, in the request), or NULL when
 * it sent none or a malformed one. */
const char *session_prelogin(struct http_request *req);

/* session_prelogin_ensure: the request's pre-session value, or, when it has none, a new random one set on
 * res as the bs_prelogin cookie (Path=/admin/login, HttpOnly, SameSite=Strict, Secure on https sites; it
 * lasts as long as the browser session). The result is in the request's arena. */
const char *session_prelogin_ensure(struct http_request *req, struct http_response *res);

/* session_same_origin: whether a POST was sent from this site's own pages (login CSRF). The site's own
 * origin is base_url's, or base_url's scheme with the request's Host (so a site reached by another name
 * of the same server still works). Returns 1 when the Origin header names it; when there is no Origin,
 * when the Referer names it; when there is neither, 1 (the caller's token binding decides). Else 0
 * (another origin, "null", or a header that cannot be read). */
int session_same_origin(struct http_request *req);

/* session_own_origins: the site's own origins for req, as session_same_origin takes them: base_url's, and
 * base_url's scheme with the request's Host when that differs ("http://localhost:8080"); each from
 * uri_origin (lower case, no default port), in the request's arena. Returns how many (0 to 2). */
size_t session_own_origins(struct http_request *req, const char *origins[2]);

#endif
