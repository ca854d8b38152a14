/* db_stmt.c - the engine-neutral helpers of the statement interface (see db_stmt.h): reading text
 * into an arena, running a statement without rows, INSERT ... RETURNING id. */
#include "db_stmt.h"

const char *dbs_text(struct db *db, struct arena *a, struct db_stmt *st, int col)
{
	size_t len = 0;
	const char *s = db->drv->col_text(st, col, &len);
	return s ? arena_strndup(a, s, len) : NULL;
}

const char *dbs_text_nn(struct db *db, struct arena *a, struct db_stmt *st, int col)
{
	const char *s = dbs_text(db, a, st, col);
	return s ? s : "";
}

int dbs_fail(struct db *db, struct db_stmt *st)
{
	db->drv->log(db, st);
	db->drv->done(st);
	return DB_ERROR;
}

int dbs_exec(struct db *db, struct db_stmt *st)
{
	int rc = dbs_step(db, st);
	if (rc == DBS_CONFLICT) {
		dbs_done(db, st);
		return DB_CONFLICT;
	}
	if (rc != DBS_DONE && rc != DBS_ROW)
		return dbs_fail(db, st);
	dbs_done(db, st);
	return DB_OK;
}

int dbs_insert_id(struct db *db, struct db_stmt *st, int64_t *id)
{
	int rc = dbs_step(db, st);
	if (rc == DBS_CONFLICT) {
		dbs_done(db, st);
		return DB_CONFLICT;
	}
	if (rc != DBS_ROW)
		return dbs_fail(db, st);
	if (id)
		*id = dbs_int64(db, st, 0);
	/* the statement's end can still fail (a full store at commit of the implicit transaction) */
	while ((rc = dbs_step(db, st)) == DBS_ROW)
		;
	if (rc != DBS_DONE)
		return dbs_fail(db, st);
	dbs_done(db, st);
	return DB_OK;
}
