/* store_passkeys.c - the store's passkeys (WebAuthn credentials per account) and the challenges of the
 * ceremonies in progress (see db.h), written once for both engines (db_stmt.h). */
#include "db_stmt.h"

static const char sql_passkey_insert[] = "INSERT INTO passkeys(user_id, credential_id, public_key, name, sign_count, created_at) "
					 "VALUES(?1, ?2, ?3, ?4, ?5, ?6) RETURNING id";
static const char sql_passkeys_list[] = "SELECT id, user_id, credential_id, public_key, name, sign_count, created_at, "
					"coalesce(last_used_at, 0) FROM passkeys WHERE user_id = ?1 ORDER BY created_at, id";
static const char sql_passkey_by_credential[] =
	"SELECT p.id, p.user_id, p.credential_id, p.public_key, p.name, p.sign_count, p.created_at, "
	"coalesce(p.last_used_at, 0), u.id, u.login, u.display_name, u.role, u.disabled, u.created_at, u.lang "
	"FROM passkeys p JOIN users u ON u.id = p.user_id WHERE p.credential_id = ?1";
/* the counter only moves forward (or stays 0 for an authenticator that does not count) */
static const char sql_passkey_used[] = "UPDATE passkeys SET sign_count = ?2, last_used_at = ?3 "
				       "WHERE id = ?1 AND (sign_count < ?2 OR (sign_count = 0 AND ?2 = 0))";
static const char sql_passkey_rename[] = "UPDATE passkeys SET name = ?3 WHERE id = ?2 AND user_id = ?1";
static const char sql_passkey_delete[] = "DELETE FROM passkeys WHERE id = ?2 AND user_id = ?1";
static const char sql_challenges_purge[] = "DELETE FROM passkey_challenges WHERE expires_at <= ?1";
static const char sql_challenge_put[] = "INSERT INTO passkey_challenges(hash, purpose, user_id, binding, expires_at) "
					"VALUES(?1, ?2, ?3, ?4, ?5)";
static const char sql_challenge_take[] = "DELETE FROM passkey_challenges WHERE hash = ?1 AND purpose = ?2 AND expires_at > ?3 "
					 "RETURNING coalesce(user_id, 0), binding";

/* The passkey columns, then (passkey_user_map) its account's. */
#define P struct db_passkey
#define PASSKEY_COLS DBS_C_I64(P, id), DBS_C_I64(P, user_id), DBS_C_TEXT_NN(P, credential_id), \
		     DBS_C_TEXT_NN(P, public_key), DBS_C_TEXT_NN(P, name), DBS_C_I64(P, sign_count),  \
		     DBS_C_I64(P, created_at), DBS_C_I64(P, last_used_at)
static const struct dbs_col passkey_cols[] = {PASSKEY_COLS};
static const struct dbs_col passkey_user_cols[] = {
	PASSKEY_COLS,
	DBS_C_I64(P, user.id),
	DBS_C_TEXT_NN(P, user.login),
	DBS_C_TEXT_NN(P, user.display_name),
	DBS_C_TEXT_NN(P, user.role),
	DBS_C_INT(P, user.disabled),
	DBS_C_I64(P, user.created_at),
	DBS_C_TEXT_NN(P, user.lang),
};
static const struct dbs_map passkey_map = DBS_MAP(P, passkey_cols, NULL);
static const struct dbs_map passkey_user_map = DBS_MAP(P, passkey_user_cols, NULL);
#undef P
#undef PASSKEY_COLS

int db_passkey_insert(struct db *db, const struct db_passkey *p, int64_t *id)
{
	return dbs_insert(db, sql_passkey_insert,
			  DBS_ARGS(DBS_INT(p->user_id), DBS_TEXT(p->credential_id), DBS_TEXT(p->public_key),
				   DBS_TEXT(p->name), DBS_INT(p->sign_count), DBS_INT(p->created_at)),
			  id);
}

int db_passkeys_list(struct db *db, struct arena *a, int64_t user_id, struct db_passkey **out, size_t *n)
{
	return dbs_list(db, a, sql_passkeys_list, DBS_ARGS(DBS_INT(user_id)), &passkey_map, out, n);
}

int db_passkey_by_credential(struct db *db, struct arena *a, const char *credential_id, struct db_passkey *out)
{
	return dbs_one(db, a, sql_passkey_by_credential, DBS_ARGS(DBS_TEXT(credential_id)), &passkey_user_map, out);
}

int db_passkey_used(struct db *db, int64_t id, int64_t sign_count, int64_t at)
{
	return dbs_run_one(db, sql_passkey_used, DBS_ARGS(DBS_INT(id), DBS_INT(sign_count), DBS_INT(at)));
}

int db_passkey_rename(struct db *db, int64_t user_id, int64_t id, const char *name)
{
	return dbs_run_one(db, sql_passkey_rename, DBS_ARGS(DBS_INT(user_id), DBS_INT(id), DBS_TEXT(name)));
}

int db_passkey_delete(struct db *db, int64_t user_id, int64_t id)
{
	return dbs_run_one(db, sql_passkey_delete, DBS_ARGS(DBS_INT(user_id), DBS_INT(id)));
}

int db_passkey_challenge_put(struct db *db, const char *hash, const char *purpose, int64_t user_id, const char *binding,
			     int64_t expires_at, int64_t now)
{
	if (dbs_run(db, sql_challenges_purge, DBS_ARGS(DBS_INT(now))) != DB_OK)
		return DB_ERROR;
	return dbs_run(db, sql_challenge_put,
		       DBS_ARGS(DBS_TEXT(hash), DBS_TEXT(purpose), DBS_ID(user_id), DBS_TEXT(binding), DBS_INT(expires_at)));
}

/* What a taken challenge was bound to, for db_passkey_challenge_take. */
struct challenge_row {
	int64_t user_id;
	const char *binding;
};

int db_passkey_challenge_take(struct db *db, struct arena *a, const char *hash, const char *purpose, int64_t now,
			      int64_t *user_id, const char **binding)
{
	static const struct dbs_col cols[] = {DBS_C_I64(struct challenge_row, user_id),
					      DBS_C_TEXT_NN(struct challenge_row, binding)};
	static const struct dbs_map map = DBS_MAP(struct challenge_row, cols, NULL);
	struct challenge_row r;
	int rc = dbs_one(db, a, sql_challenge_take, DBS_ARGS(DBS_TEXT(hash), DBS_TEXT(purpose), DBS_INT(now)), &map, &r);
	if (rc == DB_OK) {
		*user_id = r.user_id;
		*binding = r.binding;
	}
	return rc;
}
