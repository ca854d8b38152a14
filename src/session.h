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

/* A session's last request is written at most once per this many seconds (so an idle timeout is
 * measured from up to a minute before the last request). */
#define SESSION_TOUCH_EVERY 60
/* The settings session.lifetime_minutes (from log-in) and session.idle_minutes (since the last request)
 * take a whole number of minutes in this range; empty is today's default: the configuration's
 * session_lifetime (12 hours unless changed), and no idle timeout. */
#define SESSION_MINUTES_MIN 5
#define SESSION_MINUTES_MAX (90 * 24 * 60)

/* How long sessions live, in seconds: lifetime from log-in; idle since the last request (0: no limit). */
struct session_limits {
	int64_t lifetime, idle;
};

/* session_limits_of: the limits the two settings as stored say (NULL or "": unset), config_lifetime (the
 * configuration's session_lifetime, seconds) standing in for an unset lifetime; a stored value out of
 * range (written around the settings page) counts as unset. Pure. */
void session_limits_of(const char *lifetime_setting, const char *idle_setting, int64_t config_lifetime,
		       struct session_limits *out);

/* session_alive: whether s is still alive at now under l: younger than its expiry at log-in and than the
 * lifetime, and seen within the idle timeout. Pure. */
int session_alive(const struct db_session *s, const struct session_limits *l, int64_t now);

/* session_purge: deletes every stored session that is over at now under the settings as stored (config_lifetime:
 * the configuration's session_lifetime), so the devices and addresses of ended log-ins are not kept
 * (the scheduler calls it hourly). *deleted gets how many. Returns 0, or -1 on a store error. */
int session_purge(struct db *db, int64_t config_lifetime, int64_t now, int64_t *deleted);

/* session_load: finds the request's session and sets req->session when valid, and notes the request as
 * its last (db_session_touch, at most once a minute). A session past its lifetime or idle timeout is
 * deleted. Returns SESSION_OK, SESSION_NONE (no cookie), SESSION_EXPIRED (cookie for an unknown, expired,
 * idle or disabled login) or SESSION_ERROR (store failure). */
enum session_state session_load(struct http_request *req);

/* session_current_limits: the limits in force for req, which has a loaded session (read with it). */
void session_current_limits(const struct http_request *req, struct session_limits *out);

/* session_start_method: logs user in: new token, CSRF secret and public id, stored with the request's
 * device (User-Agent, cleaned and bounded: uagent.h), client address and method (how the log-in was
 * proven: "password", "passkey", "oidc", "totp"); cookie set on res, lasting the session lifetime. Any
 * session the request already had is ended first (no fixation). Returns 0 or -1 (store failure). */
int session_start_method(struct http_request *req, struct http_response *res, const struct db_user *user,
			 const char *method);

/* session_start: session_start_method with the method "password". */
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

#endif
