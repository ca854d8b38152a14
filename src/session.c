/* session.c - log-in sessions (see session.h). */
#include "session.h"

#include <string.h>

#include "app.h"
#include "auth.h"
#include "uri.h"
#include "util.h"

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
	if (rc != DB_OK || s->expires_at <= util_now() || s->user.disabled)
		return SESSION_EXPIRED;
	req->session = s;
	return SESSION_OK;
}

static const char *cookie_value(struct http_request *req, const char *token, int max_age)
{
	return arena_printf(req->arena, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s", SESSION_COOKIE, token,
			    max_age, req->app->https ? "; Secure" : "");
}

int session_start(struct http_request *req, struct http_response *res, const struct db_user *user)
{
	const char *old = http_cookie(req, SESSION_COOKIE);
	if (old && strlen(old) == AUTH_TOKEN_HEX - 1) {
		char oldhash[AUTH_TOKEN_HEX];
		auth_token_hash(old, oldhash);
		db_session_delete(req->app->db, oldhash);
	}
	char token[AUTH_TOKEN_HEX], hash[AUTH_TOKEN_HEX], csrf[AUTH_TOKEN_HEX];
	auth_random_hex(token);
	auth_random_hex(csrf);
	auth_token_hash(token, hash);
	int64_t now = util_now();
	int lifetime = req->app->cfg.session_lifetime;
	if (db_session_insert(req->app->db, hash, user->id, csrf, now, now + lifetime) != DB_OK)
		return -1;
	http_set_header(res, "Set-Cookie", cookie_value(req, token, lifetime));
	return 0;
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

size_t session_own_origins(struct http_request *req, const char *origins[2])
{
	size_t n = 0;
	const char *base = uri_origin(req->arena, req->app->cfg.base_url);
	if (base)
		origins[n++] = base;
	const char *host = http_header(req, "Host");
	const char *by_host = host && *host ? uri_origin(req->arena, arena_printf(req->arena, "%s://%s",
										 req->app->https ? "https" : "http", host))
					    : NULL;
	if (by_host && (!base || strcmp(base, by_host) != 0))
		origins[n++] = by_host;
	return n;
}

/* own_origin: whether origin (from uri_origin, NULL when unreadable) is the site's own (see
 * session_same_origin). */
static int own_origin(struct http_request *req, const char *origin)
{
	const char *own[2];
	size_t n = origin ? session_own_origins(req, own) : 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(origin, own[i]) == 0)
			return 1;
	return 0;
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
