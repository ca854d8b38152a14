/* store_users.c - the store's newsroom accounts, sessions and failed log-ins (see db.h), written once for
 * both engines (db_stmt.h). */
#include "db_stmt.h"

static const char sql_failures_clear[] = "DELETE FROM login_failures WHERE key = ?1";
static const char sql_failures_count[] = "SELECT count(*), coalesce(min(at), 0) FROM login_failures WHERE key = ?1 AND at >= ?2";
static const char sql_failures_purge[] = "DELETE FROM login_failures WHERE at < ?1";
static const char sql_failure_add[] = "INSERT INTO login_failures(key, at) VALUES(?1, ?2)";
static const char sql_sessions_delete_user[] = "DELETE FROM sessions WHERE user_id = ?1";
static const char sql_session_delete[] = "DELETE FROM sessions WHERE token_hash = ?1";
/* the session settings come with the session: one statement per newsroom request */
static const char sql_session_get[] = "SELECT u.id, u.login, u.display_name, u.role, u.disabled, u.created_at, u.lang, s.csrf, s.expires_at, "
			  "s.id, s.created_at, s.last_seen, s.user_agent, s.address, s.method, "
			  "(SELECT value FROM settings WHERE key = 'session.lifetime_minutes'), "
			  "(SELECT value FROM settings WHERE key = 'session.idle_minutes') "
			  "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1";
static const char sql_session_insert[] = "INSERT INTO sessions(token_hash, user_id, csrf, created_at, expires_at, id, last_seen, "
			  "user_agent, address, method) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?4, ?7, ?8, ?9)";
static const char sql_session_touch[] = "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1 AND last_seen <= ?3";
static const char sql_sessions_of_user[] = "SELECT id, created_at, last_seen, expires_at, user_agent, address, method, token_hash "
			  "FROM sessions WHERE user_id = ?1 ORDER BY last_seen DESC, created_at DESC, id";
static const char sql_session_delete_id[] = "DELETE FROM sessions WHERE user_id = ?1 AND id = ?2";
static const char sql_sessions_purge[] = "DELETE FROM sessions WHERE expires_at <= ?1 OR created_at <= ?2 OR last_seen <= ?3";
static const char sql_sessions_delete_others[] = "DELETE FROM sessions WHERE user_id = ?1 AND token_hash <> ?2";
static const char sql_users_list[] = "SELECT id, login, display_name, role, disabled, created_at, lang FROM users ORDER BY login";
static const char sql_user_by_login[] = "SELECT id, login, display_name, role, disabled, created_at, lang, pw_hash FROM users WHERE login = ?1";
static const char sql_user_insert[] = "INSERT INTO users(login, display_name, role, pw_hash, disabled, created_at, lang) "
			  "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id";
static const char sql_user_set_lang[] = "UPDATE users SET lang = ?2 WHERE id = ?1";
static const char sql_user_set_disabled[] = "UPDATE users SET disabled = ?2 WHERE id = ?1";
static const char sql_user_set_password[] = "UPDATE users SET pw_hash = ?2 WHERE id = ?1";

/* The user columns id, login, display_name, role, disabled, created_at, lang, then (user_pw_map) pw_hash. */
#define U struct db_user
#define USER_COLS DBS_C_I64(U, id), DBS_C_TEXT_NN(U, login), DBS_C_TEXT_NN(U, display_name), DBS_C_TEXT_NN(U, role), \
		  DBS_C_INT(U, disabled), DBS_C_I64(U, created_at), DBS_C_TEXT_NN(U, lang)
static const struct dbs_col user_cols[] = {USER_COLS};
static const struct dbs_col user_pw_cols[] = {USER_COLS, DBS_C_TEXT_NN(U, pw_hash)};
static const struct dbs_map user_map = DBS_MAP(U, user_cols, NULL);
static const struct dbs_map user_pw_map = DBS_MAP(U, user_pw_cols, NULL);
#undef U
#undef USER_COLS

/* session_map: a session's user (the user columns), csrf, expires_at, the session's own columns, then
 * the two session settings (sql_session_get); session_row_map: a session alone (sql_sessions_of_user). */
#define S struct db_session
#define SESSION_COLS DBS_C_I64(S, id), DBS_C_I64(S, created_at), DBS_C_I64(S, last_seen)
#define SESSION_TEXTS DBS_C_TEXT_NN(S, user_agent), DBS_C_TEXT_NN(S, address), DBS_C_TEXT_NN(S, method)
static const struct dbs_col session_cols[] = {
	DBS_C_I64(S, user.id), DBS_C_TEXT_NN(S, user.login), DBS_C_TEXT_NN(S, user.display_name),
	DBS_C_TEXT_NN(S, user.role), DBS_C_INT(S, user.disabled), DBS_C_I64(S, user.created_at),
	DBS_C_TEXT_NN(S, user.lang), DBS_C_TEXT_NN(S, csrf), DBS_C_I64(S, expires_at), SESSION_COLS, SESSION_TEXTS,
	DBS_C_TEXT(S, lifetime_setting), DBS_C_TEXT(S, idle_setting)};
static const struct dbs_map session_map = DBS_MAP(S, session_cols, NULL);
static const struct dbs_col session_row_cols[] = {SESSION_COLS, DBS_C_I64(S, expires_at), SESSION_TEXTS,
						  DBS_C_TEXT_NN(S, token_hash)};
static const struct dbs_map session_row_map = DBS_MAP(S, session_row_cols, NULL);
#undef S
#undef SESSION_COLS
#undef SESSION_TEXTS

int db_user_insert(struct db *db, const struct db_user *u, int64_t *id)
{
	return dbs_insert(db, sql_user_insert,
			  DBS_ARGS(DBS_TEXT(u->login), DBS_TEXT(dbs_or_empty(u->display_name)), DBS_TEXT(u->role),
				   DBS_TEXT(u->pw_hash), DBS_INT(u->disabled), DBS_INT(u->created_at),
				   DBS_TEXT(dbs_or_empty(u->lang))),
			  id);
}

int db_user_get_by_login(struct db *db, struct arena *a, const char *login, struct db_user *out)
{
	return dbs_one(db, a, sql_user_by_login, DBS_ARGS(DBS_TEXT(login)), &user_pw_map, out);
}

int db_users_list(struct db *db, struct arena *a, struct db_user **out, size_t *n)
{
	return dbs_list(db, a, sql_users_list, DBS_NO_ARGS, &user_map, out, n);
}

int db_user_set_password(struct db *db, int64_t id, const char *pw_hash)
{
	return dbs_run(db, sql_user_set_password, DBS_ARGS(DBS_INT(id), DBS_TEXT(pw_hash)));
}

int db_user_set_lang(struct db *db, int64_t id, const char *lang)
{
	return dbs_run_one(db, sql_user_set_lang, DBS_ARGS(DBS_INT(id), DBS_TEXT(lang)));
}

int db_user_set_disabled(struct db *db, int64_t id, int disabled)
{
	return dbs_run(db, sql_user_set_disabled, DBS_ARGS(DBS_INT(id), DBS_INT(disabled)));
}

int db_session_insert(struct db *db, const struct db_session *s)
{
	return dbs_run(db, sql_session_insert,
		       DBS_ARGS(DBS_TEXT(s->token_hash), DBS_INT(s->user.id), DBS_TEXT(s->csrf), DBS_INT(s->created_at),
				DBS_INT(s->expires_at), DBS_INT(s->id), DBS_TEXT(dbs_or_empty(s->user_agent)),
				DBS_TEXT(dbs_or_empty(s->address)), DBS_TEXT(dbs_or_empty(s->method))));
}

int db_session_get(struct db *db, struct arena *a, const char *token_hash, struct db_session *out)
{
	return dbs_one(db, a, sql_session_get, DBS_ARGS(DBS_TEXT(token_hash)), &session_map, out);
}

int db_session_delete(struct db *db, const char *token_hash)
{
	return dbs_run(db, sql_session_delete, DBS_ARGS(DBS_TEXT(token_hash)));
}

int db_sessions_delete_user(struct db *db, int64_t user_id)
{
	return dbs_run(db, sql_sessions_delete_user, DBS_ARGS(DBS_INT(user_id)));
}

int db_session_touch(struct db *db, const char *token_hash, int64_t now, int64_t every)
{
	return dbs_run(db, sql_session_touch, DBS_ARGS(DBS_TEXT(token_hash), DBS_INT(now), DBS_INT(now - every)));
}

int db_sessions_of_user(struct db *db, struct arena *a, int64_t user_id, struct db_session **out, size_t *n)
{
	return dbs_list(db, a, sql_sessions_of_user, DBS_ARGS(DBS_INT(user_id)), &session_row_map, out, n);
}

int db_session_delete_id(struct db *db, int64_t user_id, int64_t id)
{
	return dbs_run_one(db, sql_session_delete_id, DBS_ARGS(DBS_INT(user_id), DBS_INT(id)));
}

int db_sessions_delete_others(struct db *db, int64_t user_id, const char *keep_hash, int64_t *ended)
{
	long changes = 0;
	int rc = dbs_run_changes(db, sql_sessions_delete_others, DBS_ARGS(DBS_INT(user_id), DBS_TEXT(keep_hash)),
				 &changes);
	if (ended)
		*ended = rc == DB_OK ? changes : 0;
	return rc;
}

int db_login_failure_add(struct db *db, const char *key, int64_t at)
{
	/* keep the table small: a day is plenty */
	if (dbs_run(db, sql_failures_purge, DBS_ARGS(DBS_INT(at - 86400))) != DB_OK)
		return DB_ERROR;
	return dbs_run(db, sql_failure_add, DBS_ARGS(DBS_TEXT(key), DBS_INT(at)));
}

/* The count and oldest time of an account's failures, for db_login_failures_count. */
struct failures {
	int64_t count, oldest;
};

int db_login_failures_count(struct db *db, const char *key, int64_t since, int64_t *count, int64_t *oldest)
{
	static const struct dbs_col cols[] = {DBS_C_I64(struct failures, count), DBS_C_I64(struct failures, oldest)};
	static const struct dbs_map map = DBS_MAP(struct failures, cols, NULL);
	struct failures f;
	int rc = dbs_one(db, NULL, sql_failures_count, DBS_ARGS(DBS_TEXT(key), DBS_INT(since)), &map, &f);
	if (rc == DB_OK) {
		*count = f.count;
		*oldest = f.oldest;
	}
	return rc;
}

int db_login_failures_clear(struct db *db, const char *key)
{
	return dbs_run(db, sql_failures_clear, DBS_ARGS(DBS_TEXT(key)));
}

int db_sessions_purge(struct db *db, int64_t now, int64_t started_by, int64_t seen_by, int64_t *deleted)
{
	long changes = 0;
	int rc = dbs_run_changes(db, sql_sessions_purge, DBS_ARGS(DBS_INT(now), DBS_INT(started_by), DBS_INT(seen_by)),
				 &changes);
	if (deleted)
		*deleted = rc == DB_OK ? changes : 0;
	return rc;
}
