/* store_users.c - the store's newsroom accounts, sessions and failed log-ins (see db.h), written once for
 * both engines (db_stmt.h). */
#include <string.h>

#include "db_stmt.h"

static const char sql_failures_clear[] = "DELETE FROM login_failures WHERE key = ?1";
static const char sql_failures_count[] = "SELECT count(*), coalesce(min(at), 0) FROM login_failures WHERE key = ?1 AND at >= ?2";
static const char sql_failures_purge[] = "DELETE FROM login_failures WHERE at < ?1";
static const char sql_failure_add[] = "INSERT INTO login_failures(key, at) VALUES(?1, ?2)";
static const char sql_sessions_delete_user[] = "DELETE FROM sessions WHERE user_id = ?1";
static const char sql_session_delete[] = "DELETE FROM sessions WHERE token_hash = ?1";
static const char sql_session_get[] = "SELECT u.id, u.login, u.display_name, u.role, u.disabled, u.created_at, s.csrf, s.expires_at "
			  "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1";
static const char sql_session_insert[] = "INSERT INTO sessions(token_hash, user_id, csrf, created_at, expires_at) VALUES(?1, ?2, ?3, ?4, ?5)";
static const char sql_users_list[] = "SELECT id, login, display_name, role, disabled, created_at FROM users ORDER BY login";
static const char sql_user_by_login[] = "SELECT id, login, display_name, role, disabled, created_at, pw_hash FROM users WHERE login = ?1";
static const char sql_user_insert[] = "INSERT INTO users(login, display_name, role, pw_hash, disabled, created_at) "
			  "VALUES(?1, ?2, ?3, ?4, ?5, ?6) RETURNING id";
static const char sql_user_set_disabled[] = "UPDATE users SET disabled = ?2 WHERE id = ?1";
static const char sql_user_set_password[] = "UPDATE users SET pw_hash = ?2 WHERE id = ?1";

static void read_user(struct db *db, struct arena *a, struct db_stmt *st, struct db_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = dbs_int64(db, st, 0);
	u->login = dbs_text_nn(db, a, st, 1);
	u->display_name = dbs_text_nn(db, a, st, 2);
	u->role = dbs_text_nn(db, a, st, 3);
	u->disabled = (int)dbs_int64(db, st, 4);
	u->created_at = dbs_int64(db, st, 5);
}

int db_user_insert(struct db *db, const struct db_user *u, int64_t *id)
{
	struct db_stmt *st = dbs_prepare(db, sql_user_insert);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, u->login);
	dbs_bind_text(db, st, 2, u->display_name ? u->display_name : "");
	dbs_bind_text(db, st, 3, u->role);
	dbs_bind_text(db, st, 4, u->pw_hash);
	dbs_bind_int64(db, st, 5, u->disabled);
	dbs_bind_int64(db, st, 6, u->created_at);
	return dbs_insert_id(db, st, id);
}

int db_user_get_by_login(struct db *db, struct arena *a, const char *login, struct db_user *out)
{
	struct db_stmt *st = dbs_prepare(db, sql_user_by_login);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, login);
	DBS_ONE(db, st, (read_user(db, a, st, out), out->pw_hash = dbs_text_nn(db, a, st, 6)));
}

int db_users_list(struct db *db, struct arena *a, struct db_user **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, sql_users_list);
	if (!st)
		return DB_ERROR;
	DBS_MANY(db, st, a, struct db_user, out, n, read_user(db, a, st, row));
}

int db_user_set_password(struct db *db, int64_t id, const char *pw_hash)
{
	struct db_stmt *st = dbs_prepare(db, sql_user_set_password);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, id);
	dbs_bind_text(db, st, 2, pw_hash);
	return dbs_exec(db, st);
}

int db_user_set_disabled(struct db *db, int64_t id, int disabled)
{
	struct db_stmt *st = dbs_prepare(db, sql_user_set_disabled);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, id);
	dbs_bind_int64(db, st, 2, disabled);
	return dbs_exec(db, st);
}

int db_session_insert(struct db *db, const char *token_hash, int64_t user_id, const char *csrf,
			     int64_t created_at, int64_t expires_at)
{
	struct db_stmt *st = dbs_prepare(db, sql_session_insert);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, token_hash);
	dbs_bind_int64(db, st, 2, user_id);
	dbs_bind_text(db, st, 3, csrf);
	dbs_bind_int64(db, st, 4, created_at);
	dbs_bind_int64(db, st, 5, expires_at);
	return dbs_exec(db, st);
}

int db_session_get(struct db *db, struct arena *a, const char *token_hash, struct db_session *out)
{
	struct db_stmt *st = dbs_prepare(db, sql_session_get);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, token_hash);
	DBS_ONE(db, st,
	       (read_user(db, a, st, &out->user), out->csrf = dbs_text_nn(db, a, st, 6),
		out->expires_at = dbs_int64(db, st, 7)));
}

/* by_text: runs sql (no rows) with its one text parameter. DB_OK or DB_ERROR. */
static int by_text(struct db *db, const char *sql, const char *text)
{
	struct db_stmt *st = dbs_prepare(db, sql);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, text);
	return dbs_exec(db, st);
}

int db_session_delete(struct db *db, const char *token_hash)
{
	return by_text(db, sql_session_delete, token_hash);
}

int db_sessions_delete_user(struct db *db, int64_t user_id)
{
	struct db_stmt *st = dbs_prepare(db, sql_sessions_delete_user);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, user_id);
	return dbs_exec(db, st);
}

int db_login_failure_add(struct db *db, const char *key, int64_t at)
{
	struct db_stmt *st = dbs_prepare(db, sql_failures_purge); /* keep the table small: a day is plenty */
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, at - 86400);
	if (dbs_exec(db, st) != DB_OK)
		return DB_ERROR;
	st = dbs_prepare(db, sql_failure_add);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, key);
	dbs_bind_int64(db, st, 2, at);
	return dbs_exec(db, st);
}

int db_login_failures_count(struct db *db, const char *key, int64_t since, int64_t *count, int64_t *oldest)
{
	struct db_stmt *st = dbs_prepare(db, sql_failures_count);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, key);
	dbs_bind_int64(db, st, 2, since);
	DBS_ONE(db, st, (*count = dbs_int64(db, st, 0), *oldest = dbs_int64(db, st, 1)));
}

int db_login_failures_clear(struct db *db, const char *key)
{
	return by_text(db, sql_failures_clear, key);
}

