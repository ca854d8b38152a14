/* session.c - log-in sessions (see session.h). */
#include "session.h"

#include <string.h>

#include "app.h"
#include "auth.h"
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
