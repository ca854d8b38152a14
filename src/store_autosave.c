/* store_autosave.c - the newsroom editor's unsaved copies (autosave), written once for both engines
 * (db_stmt.h): one private copy per user and article (article 0: a new article not yet saved), holding
 * the editor form's fields as an urlencoded text and the time it was kept (see db.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_stmt.h"

static const char sql_autosave_put[] =
	"INSERT INTO autosaves(user_id, article_id, fields, saved_at) VALUES(?1, ?2, ?3, ?4) "
	"ON CONFLICT(user_id, article_id) DO UPDATE SET fields = excluded.fields, saved_at = excluded.saved_at";

int db_autosave_put(struct db *db, int64_t user_id, int64_t article_id, const char *fields, int64_t at)
{
	struct db_stmt *st = dbs_prepare(db, sql_autosave_put);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, user_id);
	dbs_bind_int64(db, st, 2, article_id);
	dbs_bind_text(db, st, 3, fields);
	dbs_bind_int64(db, st, 4, at);
	return dbs_exec(db, st);
}

static const char sql_autosave_get[] =
	"SELECT fields, saved_at FROM autosaves WHERE user_id = ?1 AND article_id = ?2";

int db_autosave_get(struct db *db, struct arena *a, int64_t user_id, int64_t article_id, struct db_autosave *out)
{
	static const struct dbs_col cols[] = {DBS_C_TEXT_NN(struct db_autosave, fields),
					      DBS_C_I64(struct db_autosave, saved_at)};
	static const struct dbs_map map = DBS_MAP(struct db_autosave, cols, NULL);
	memset(out, 0, sizeof *out);
	int rc = dbs_one(db, a, sql_autosave_get, DBS_ARGS(DBS_INT(user_id), DBS_INT(article_id)), &map, out);
	out->user_id = user_id;
	out->article_id = article_id;
	return rc;
}

static const char sql_autosave_delete[] = "DELETE FROM autosaves WHERE user_id = ?1 AND article_id = ?2";

int db_autosave_delete(struct db *db, int64_t user_id, int64_t article_id)
{
	struct db_stmt *st = dbs_prepare(db, sql_autosave_delete);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, user_id);
	dbs_bind_int64(db, st, 2, article_id);
	return dbs_exec(db, st);
}
