/* session.c - log-in sessions (see session.h). */
#include "session.h"

#include <string.h>

#include "app.h"
#include "auth.h"
#include "uagent.h"
#include "uri.h"
#include "util.h"

/* minutes_setting: a stored minutes setting as seconds, or 0 when unset or out of range. */
static int64_t minutes_setting(const char *v)
{
	int64_t n;
	if (!v || !*v || util_parse_i64(v, &n) < 0 || n < SESSION_MINUTES_MIN || n > SESSION_MINUTES_MAX)
		return 0;
	return n * 60;
}

void session_limits_of(const char *lifetime_setting, const char *idle_setting, int64_t config_lifetime,
		       struct session_limits *out)
{
	int64_t lifetime = minutes_setting(lifetime_setting);
	out->lifetime = lifetime ? lifetime : config_lifetime;
	out->idle = minutes_setting(idle_setting);
}

int session_alive(const struct db_session *s, const struct session_limits *l, int64_t now)
{
	if (now >= s->expires_at || now >= s->created_at + l->lifetime)
		return 0;
	return !l->idle || now < s->last_seen + l->idle;
}

int session_purge(struct db *db, int64_t config_lifetime, int64_t now, int64_t *deleted)
{
	struct arena a = ARENA_INIT;
	const char *lifetime = NULL, *idle = NULL;
	int rc = DB_ERROR;
	*deleted = 0;
	if (db_setting_get(db, &a, "session.lifetime_minutes", &lifetime) != DB_ERROR &&
	    db_setting_get(db, &a, "session.idle_minutes", &idle) != DB_ERROR) {
		struct session_limits l;
		session_limits_of(lifetime, idle, config_lifetime, &l);
		rc = db_sessions_purge(db, now, now - l.lifetime, l.idle ? now - l.idle : 0, deleted);
	}
	arena_free(&a);
	return rc == DB_OK ? 0 : -1;
}

void session_current_limits(const struct http_request *req, struct session_limits *out)
{
	session_limits_of(req->session->lifetime_setting, req->session->idle_setting, req->app->cfg.session_lifetime,
			  out);
}

enum session_state session_load(struct http_request *req)
{
	const char *token = http_cookie(req, SESSION_COOKIE);
	if (!token || !*token)
		return SESSION_NONE;
	if (strlen(token) != AUTH_TOKEN_HEX - 1)
		return SESSION_EXPIRED;
	char hash[AUTH_TOKEN_HEX];
	auth_token_hash(token, hash);
	struct db_session *s = arena_alloc(req->arena, sizeof *s);
	int rc = db_session_get(req->app->db, req->arena, hash, s);
	if (rc == DB_ERROR)
		return SESSION_ERROR;
	if (rc != DB_OK || s->user.disabled)
		return SESSION_EXPIRED;
	struct session_limits l;
	int64_t now = util_now();
	session_limits_of(s->lifetime_setting, s->idle_setting, req->app->cfg.session_lifetime, &l);
	if (!session_alive(s, &l, now)) {
		db_session_delete(req->app->db, hash); /* (a failure leaves a dead row: it is refused again) */
		return SESSION_EXPIRED;
	}
	/* (a failed write, such as on a full disk, is logged and the request goes on: reading must still work) */
	if (now - s->last_seen >= SESSION_TOUCH_EVERY)
		db_session_touch(req->app->db, hash, now, SESSION_TOUCH_EVERY);
	s->token_hash = arena_strdup(req->arena, hash);
	req->session = s;
	return SESSION_OK;
}

static const char *cookie_value(struct http_request *req, const char *token, int64_t max_age)
{
	return arena_printf(req->arena, "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Lax%s", SESSION_COOKIE, token,
			    (long long)max_age, req->app->https ? "; Secure" : "");
}

/* public_id: a session's public number from random hex (auth_random_hex): its first 13 digits (52 bits)
 * plus one, so 1 to 2^52, which JavaScript and both engines hold exactly. */
static int64_t public_id(const char *hex)
{
	int64_t id = 0;
	for (int i = 0; i < 13; i++)
		id = id * 16 + (hex[i] <= '9' ? hex[i] - '0' : hex[i] - 'a' + 10);
	return id + 1;
}

int session_start_method(struct http_request *req, struct http_response *res, const struct db_user *user,
			 const char *method)
{
	struct db *db = req->app->db;
	const char *old = http_cookie(req, SESSION_COOKIE);
	if (old && strlen(old) == AUTH_TOKEN_HEX - 1) {
		char oldhash[AUTH_TOKEN_HEX];
		auth_token_hash(old, oldhash);
		db_session_delete(db, oldhash);
	}
	const char *lifetime_setting = NULL;
	if (db_setting_get(db, req->arena, "session.lifetime_minutes", &lifetime_setting) == DB_ERROR)
		return -1;
	struct session_limits l;
	session_limits_of(lifetime_setting, NULL, req->app->cfg.session_lifetime, &l);
	char token[AUTH_TOKEN_HEX], hash[AUTH_TOKEN_HEX], csrf[AUTH_TOKEN_HEX], idhex[AUTH_TOKEN_HEX];
	char agent[UAGENT_MAX];
	auth_random_hex(token);
	auth_random_hex(csrf);
	auth_random_hex(idhex);
	auth_token_hash(token, hash);
	uagent_clean(http_header(req, "User-Agent"), agent, sizeof agent);
	int64_t now = util_now();
	struct db_session s = {.token_hash = hash, .user = *user, .csrf = csrf, .id = public_id(idhex),
			       .created_at = now, .expires_at = now + l.lifetime, .user_agent = agent,
			       .address = req->client_ip, .method = method};
	if (db_session_insert(db, &s) != DB_OK)
		return -1;
	http_set_header(res, "Set-Cookie", cookie_value(req, token, l.lifetime));
	return 0;
}

int session_start(struct http_request *req, struct http_response *res, const struct db_user *user)
{
	return session_start_method(req, res, user, "password");
}

void session_end(struct http_request *req, struct http_response *res)
{
	const char *token = http_cookie(req, SESSION_COOKIE);
	if (token && strlen(token) == AUTH_TOKEN_HEX - 1) {
		char hash[AUTH_TOKEN_HEX];
		auth_token_hash(token, hash);
		db_session_delete(req->app->db, hash);
	}
	req->session = NULL;
	http_set_header(res, "Set-Cookie", cookie_value(req, "", 0));
}

const char *session_prelogin(struct http_request *req)
{
	const char *v = http_cookie(req, SESSION_PRELOGIN_COOKIE);
	if (!v || strlen(v) != AUTH_TOKEN_HEX - 1 || strspn(v, "0123456789abcdef") != AUTH_TOKEN_HEX - 1)
		return NULL;
	return v;
}

const char *session_prelogin_ensure(struct http_request *req, struct http_response *res)
{
	const char *v = session_prelogin(req);
	if (v)
		return v;
	char token[AUTH_TOKEN_HEX];
	auth_random_hex(token);
	http_set_header(res, "Set-Cookie",
			arena_printf(req->arena, "%s=%s; Path=/admin/login; HttpOnly; SameSite=Strict%s",
				     SESSION_PRELOGIN_COOKIE, token, req->app->https ? "; Secure" : ""));
	return arena_strdup(req->arena, token);
}

/* own_origin: whether origin (from uri_origin, NULL when unreadable) is the site's own (see
 * session_same_origin). */
static int own_origin(struct http_request *req, const char *origin)
{
	if (!origin)
		return 0;
	const char *base = uri_origin(req->arena, req->app->cfg.base_url);
	if (base && strcmp(origin, base) == 0)
		return 1;
	const char *host = http_header(req, "Host");
	if (!host || !*host)
		return 0;
	const char *by_host =
		uri_origin(req->arena, arena_printf(req->arena, "%s://%s", req->app->https ? "https" : "http", host));
	return by_host && strcmp(origin, by_host) == 0;
}

int session_same_origin(struct http_request *req)
{
	const char *origin = http_header(req, "Origin");
	if (origin)
		return own_origin(req, uri_origin(req->arena, origin));
	const char *referer = http_header(req, "Referer");
	if (referer)
		return own_origin(req, uri_origin(req->arena, referer));
	return 1;
}
