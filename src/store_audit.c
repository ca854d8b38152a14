/* store_audit.c - the audit log's rows (issue 20), written once for both engines (db_stmt.h; see db.h).
 * Rows are only appended (db_audit_add) and read (db_audit_list); the one delete is the retention purge. */
#include "db_stmt.h"

#define A struct db_audit
static const struct dbs_col audit_cols[] = {DBS_C_I64(A, id),		DBS_C_I64(A, at),	  DBS_C_I64(A, user_id),
					    DBS_C_TEXT_NN(A, login),	DBS_C_TEXT_NN(A, address), DBS_C_TEXT_NN(A, action),
					    DBS_C_TEXT_NN(A, target), DBS_C_TEXT_NN(A, detail)};
static const struct dbs_map audit_map = DBS_MAP(A, audit_cols, NULL);
#undef A

static const char sql_add[] = "INSERT INTO audit_log(at, user_id, login, address, action, target, detail) "
			      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/* or_empty: s, or "" for NULL. */
static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* db_audit_add: appends one row (see db.h). DB_OK or DB_ERROR. */
int db_audit_add(struct db *db, const struct db_audit *e)
{
	return dbs_run(db, sql_add,
		       DBS_ARGS(DBS_INT(e->at), DBS_ID(e->user_id), DBS_TEXT(or_empty(e->login)), DBS_TEXT(or_empty(e->address)),
				DBS_TEXT(or_empty(e->action)), DBS_TEXT(or_empty(e->target)), DBS_TEXT(or_empty(e->detail))));
}

/* Every filter is one condition that an empty or zero argument turns off; an action ending in '.' is a
 * prefix (the comparison of its first characters is the same spelling on both engines). */
static const char sql_list[] =
	"SELECT id, at, coalesce(user_id, 0), login, address, action, target, detail FROM audit_log "
	"WHERE (?1 = '' OR login = ?1) "
	"AND (?2 = '' OR action = ?2 OR (substr(?2, length(?2), 1) = '.' AND substr(action, 1, length(?2)) = ?2)) "
	"AND (?3 = 0 OR at >= ?3) AND (?4 = 0 OR at <= ?4) AND (?5 = 0 OR id < ?5) "
	"ORDER BY id DESC LIMIT ?6";

/* db_audit_list: the rows the filter selects, newest first (see db.h). DB_OK or DB_ERROR. */
int db_audit_list(struct db *db, struct arena *a, const struct db_audit_filter *f, struct db_audit **out, size_t *n)
{
	int64_t limit = f->limit > 0 ? f->limit : 100;
	return dbs_list(db, a, sql_list,
			DBS_ARGS(DBS_TEXT(or_empty(f->login)), DBS_TEXT(or_empty(f->action)), DBS_INT(f->since),
				 DBS_INT(f->until), DBS_INT(f->before_id), DBS_INT(limit)),
			&audit_map, out, n);
}

static const char sql_purge[] = "DELETE FROM audit_log WHERE at < ?1";

/* db_audit_purge: deletes the rows older than before (see db.h). DB_OK or DB_ERROR. */
int db_audit_purge(struct db *db, int64_t before, int *deleted)
{
	long changes = 0;
	int rc = dbs_run_changes(db, sql_purge, DBS_ARGS(DBS_INT(before)), &changes);
	if (deleted)
		*deleted = rc == DB_OK ? (int)changes : 0;
	return rc;
}
