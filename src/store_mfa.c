/* store_mfa.c - the store's two-factor log-in rows (see db.h): TOTP secrets, recovery codes and the log-ins
 * waiting for their second factor, written once for both engines (db_stmt.h). The checks that must hold
 * under concurrent requests (a code or recovery code used once, a waiting log-in completed once) are each
 * one conditional statement, so both engines decide them atomically. */
#include "db_stmt.h"

static const char sql_totp_get[] = "SELECT user_id, secret, confirmed, last_step, created_at, confirmed_at "
				   "FROM user_totp WHERE user_id = ?1";
static const char sql_totp_start[] = "INSERT INTO user_totp(user_id, secret, confirmed, last_step, created_at) "
				     "VALUES(?1, ?2, 0, 0, ?3) ON CONFLICT(user_id) DO UPDATE SET secret = excluded.secret, "
				     "created_at = excluded.created_at WHERE user_totp.confirmed = 0";
static const char sql_totp_confirm[] = "UPDATE user_totp SET confirmed = 1, last_step = ?2, confirmed_at = ?3 "
				       "WHERE user_id = ?1 AND confirmed = 0";
static const char sql_totp_use_step[] = "UPDATE user_totp SET last_step = ?2 "
					"WHERE user_id = ?1 AND confirmed = 1 AND last_step < ?2";
static const char sql_totp_delete[] = "DELETE FROM user_totp WHERE user_id = ?1";
static const char sql_recovery_clear[] = "DELETE FROM user_recovery_codes WHERE user_id = ?1";
static const char sql_recovery_add[] = "INSERT INTO user_recovery_codes(user_id, code_hash, created_at) VALUES(?1, ?2, ?3)";
static const char sql_recovery_use[] = "UPDATE user_recovery_codes SET used_at = ?3 "
				       "WHERE user_id = ?1 AND code_hash = ?2 AND used_at = 0";
static const char sql_recovery_left[] = "SELECT count(*) FROM user_recovery_codes WHERE user_id = ?1 AND used_at = 0";
static const char sql_pending_purge[] = "DELETE FROM mfa_pending WHERE expires_at < ?1";
static const char sql_pending_insert[] = "INSERT INTO mfa_pending(token_hash, user_id, kind, method, next, created_at, "
					 "expires_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_pending_get[] = "SELECT p.kind, p.method, p.next, p.created_at, p.expires_at, u.id, u.login, "
				      "u.display_name, u.role, u.disabled, u.created_at, u.lang "
				      "FROM mfa_pending p JOIN users u ON u.id = p.user_id WHERE p.token_hash = ?1";
static const char sql_pending_delete[] = "DELETE FROM mfa_pending WHERE token_hash = ?1";

#define T struct db_totp
static const struct dbs_col totp_cols[] = {DBS_C_I64(T, user_id),   DBS_C_TEXT_NN(T, secret),
					   DBS_C_INT(T, confirmed),  DBS_C_I64(T, last_step),
					   DBS_C_I64(T, created_at), DBS_C_I64(T, confirmed_at)};
static const struct dbs_map totp_map = DBS_MAP(T, totp_cols, NULL);
#undef T

#define P struct db_mfa_pending
static const struct dbs_col pending_cols[] = {
	DBS_C_TEXT_NN(P, kind),		 DBS_C_TEXT_NN(P, method),	  DBS_C_TEXT_NN(P, next),
	DBS_C_I64(P, created_at),	 DBS_C_I64(P, expires_at),	  DBS_C_I64(P, user.id),
	DBS_C_TEXT_NN(P, user.login),	 DBS_C_TEXT_NN(P, user.display_name), DBS_C_TEXT_NN(P, user.role),
	DBS_C_INT(P, user.disabled),	 DBS_C_I64(P, user.created_at),	  DBS_C_TEXT_NN(P, user.lang)};
static const struct dbs_map pending_map = DBS_MAP(P, pending_cols, NULL);
#undef P

int db_totp_get(struct db *db, struct arena *a, int64_t user_id, struct db_totp *out)
{
	return dbs_one(db, a, sql_totp_get, DBS_ARGS(DBS_INT(user_id)), &totp_map, out);
}

int db_totp_start(struct db *db, int64_t user_id, const char *sealed, int64_t at)
{
	/* DB_NOTFOUND: the upsert's WHERE kept a confirmed secret */
	return dbs_run_one(db, sql_totp_start, DBS_ARGS(DBS_INT(user_id), DBS_TEXT(sealed), DBS_INT(at)));
}

int db_totp_confirm(struct db *db, int64_t user_id, int64_t step, int64_t at)
{
	return dbs_run_one(db, sql_totp_confirm, DBS_ARGS(DBS_INT(user_id), DBS_INT(step), DBS_INT(at)));
}

int db_totp_use_step(struct db *db, int64_t user_id, int64_t step)
{
	return dbs_run_one(db, sql_totp_use_step, DBS_ARGS(DBS_INT(user_id), DBS_INT(step)));
}

int db_totp_delete(struct db *db, int64_t user_id)
{
	return dbs_run(db, sql_totp_delete, DBS_ARGS(DBS_INT(user_id)));
}

int db_recovery_codes_set(struct db *db, int64_t user_id, const char *const *hashes, size_t n, int64_t at)
{
	int rc = dbs_run(db, sql_recovery_clear, DBS_ARGS(DBS_INT(user_id)));
	for (size_t i = 0; rc == DB_OK && i < n; i++)
		rc = dbs_run(db, sql_recovery_add, DBS_ARGS(DBS_INT(user_id), DBS_TEXT(hashes[i]), DBS_INT(at)));
	return rc;
}

int db_recovery_code_use(struct db *db, int64_t user_id, const char *hash, int64_t at)
{
	return dbs_run_one(db, sql_recovery_use, DBS_ARGS(DBS_INT(user_id), DBS_TEXT(hash), DBS_INT(at)));
}

int db_recovery_codes_left(struct db *db, int64_t user_id, int64_t *left)
{
	return dbs_one_int(db, sql_recovery_left, DBS_ARGS(DBS_INT(user_id)), left);
}

int db_mfa_pending_insert(struct db *db, const char *token_hash, int64_t user_id, const char *kind, const char *method,
			  const char *next, int64_t at, int64_t expires_at)
{
	/* keep the table small: a day after expiry a waiting log-in is only noise */
	if (dbs_run(db, sql_pending_purge, DBS_ARGS(DBS_INT(at - 86400))) != DB_OK)
		return DB_ERROR;
	return dbs_run(db, sql_pending_insert,
		       DBS_ARGS(DBS_TEXT(token_hash), DBS_INT(user_id), DBS_TEXT(kind), DBS_TEXT(method), DBS_TEXT(next),
				DBS_INT(at), DBS_INT(expires_at)));
}

int db_mfa_pending_get(struct db *db, struct arena *a, const char *token_hash, struct db_mfa_pending *out)
{
	return dbs_one(db, a, sql_pending_get, DBS_ARGS(DBS_TEXT(token_hash)), &pending_map, out);
}

int db_mfa_pending_delete(struct db *db, const char *token_hash)
{
	return dbs_run_one(db, sql_pending_delete, DBS_ARGS(DBS_TEXT(token_hash)));
}
