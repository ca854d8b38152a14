/* store_nltrack.c - the newsletters' open and click counts (issue 22; see db.h "Newsletter open and click
 * counts"), written once for both engines (db_stmt.h). Columns opened_at and clicked_at of mail_queue. */
#include "db_stmt.h"

/* only an issue's row of a subscriber still known (a deleted one's row has subscriber_id NULL: never
 * counted again) */
static const char sql_open[] =
	"UPDATE mail_queue SET opened_at = ?2 WHERE id = ?1 AND opened_at IS NULL AND kind = 'issue' AND "
	"subscriber_id IS NOT NULL";
static const char sql_click[] =
	"UPDATE mail_queue SET clicked_at = ?2, opened_at = coalesce(opened_at, ?2) WHERE id = ?1 AND "
	"clicked_at IS NULL AND kind = 'issue' AND subscriber_id IS NOT NULL";

int db_nl_track(struct db *db, int64_t id, int click, int64_t now, int *counted)
{
	long changes = 0;
	*counted = 0;
	if (dbs_run_changes(db, click ? sql_click : sql_open, DBS_ARGS(DBS_INT(id), DBS_INT(now)), &changes) != DB_OK)
		return DB_ERROR;
	*counted = changes > 0;
	return DB_OK;
}

#define C struct db_nl_track_counts
static const struct dbs_col count_cols[] = {DBS_C_I64(C, opened), DBS_C_I64(C, clicked)};
static const struct dbs_map count_map = DBS_MAP(C, count_cols, NULL);
#undef C
static const char sql_counts[] =
	"SELECT count(opened_at), count(clicked_at) FROM mail_queue WHERE issue_id = ?1 AND kind = 'issue'";

int db_nl_track_counts(struct db *db, int64_t issue_id, struct db_nl_track_counts *out)
{
	struct arena a = ARENA_INIT;
	out->opened = out->clicked = 0;
	int rc = dbs_one(db, &a, sql_counts, DBS_ARGS(DBS_INT(issue_id)), &count_map, out);
	arena_free(&a);
	return rc == DB_ERROR ? DB_ERROR : DB_OK;
}
