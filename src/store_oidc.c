/* store_oidc.c - the sign-ins under way with the OpenID Connect provider (see db.h), written once for both
 * engines (db_stmt.h). */
#include "db_stmt.h"

static const char sql_oidc_purge[] = "DELETE FROM oidc_logins WHERE created_at < ?1";
static const char sql_oidc_insert[] = "INSERT INTO oidc_logins(state_hash, nonce, verifier, next_path, created_at) "
				      "VALUES(?1, ?2, ?3, ?4, ?5)";
static const char sql_oidc_take[] = "DELETE FROM oidc_logins WHERE state_hash = ?1 "
				    "RETURNING state_hash, nonce, verifier, next_path, created_at";

#define L struct db_oidc_login
static const struct dbs_col oidc_login_cols[] = {DBS_C_TEXT_NN(L, state_hash), DBS_C_TEXT_NN(L, nonce),
						 DBS_C_TEXT_NN(L, verifier), DBS_C_TEXT_NN(L, next_path),
						 DBS_C_I64(L, created_at)};
static const struct dbs_map oidc_login_map = DBS_MAP(L, oidc_login_cols, NULL);
#undef L

int db_oidc_login_insert(struct db *db, const struct db_oidc_login *l, int64_t purge_before)
{
	if (dbs_run(db, sql_oidc_purge, DBS_ARGS(DBS_INT(purge_before))) != DB_OK)
		return DB_ERROR;
	return dbs_run(db, sql_oidc_insert,
		       DBS_ARGS(DBS_TEXT(l->state_hash), DBS_TEXT(l->nonce), DBS_TEXT(l->verifier), DBS_TEXT(l->next_path),
				DBS_INT(l->created_at)));
}

int db_oidc_login_take(struct db *db, struct arena *a, const char *state_hash, struct db_oidc_login *out)
{
	return dbs_one(db, a, sql_oidc_take, DBS_ARGS(DBS_TEXT(state_hash)), &oidc_login_map, out);
}
