/* store_views.c - article view counts in the store (see db.h), written once for both engines on the
 * statement interface (db_stmt.h): one row per article and hour, added to by the views module's flush
 * with an upsert, so several nodes sharing one PostgreSQL database each add their own counts to the
 * same rows. */
#include "db_stmt.h"

/* the EXISTS guard skips an article deleted since the view was counted (its row would break the
 * foreign key and with it the whole flush) */
static const char sql_add[] =
	"INSERT INTO article_views(article_id, hour, views) SELECT CAST(?1 AS BIGINT), CAST(?2 AS BIGINT), "
	"CAST(?3 AS BIGINT) WHERE EXISTS (SELECT 1 FROM articles WHERE id = ?1) "
	"ON CONFLICT(article_id, hour) DO UPDATE SET views = article_views.views + excluded.views";

int db_views_add(struct db *db, int64_t article_id, int64_t hour, int64_t views)
{
	struct db_stmt *st = dbs_prepare(db, sql_add);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, article_id);
	dbs_bind_int64(db, st, 2, hour);
	dbs_bind_int64(db, st, 3, views);
	return dbs_exec(db, st) == DB_OK ? DB_OK : DB_ERROR;
}

/* Only the window's rows are read, through the covering index on (hour, article_id, views). On SQLite,
 * grouping by +article_id (an expression) keeps the planner from walking the whole table in primary-key
 * order to save the sort; joining articles afterwards costs one look-up per article read in the window.
 * Ties go to the newer article (NULLS LAST: SQLite's own order for a descending NULL, said for both). */
static const char sql_top_sqlite[] =
	"SELECT t.article_id, t.total FROM (SELECT +article_id AS article_id, sum(views) AS total FROM article_views "
	"WHERE hour >= ?1 GROUP BY +article_id) t JOIN articles a ON a.id = t.article_id "
	"WHERE a.status = 'published' AND (?2 IS NULL OR a.edition = ?2) "
	"ORDER BY t.total DESC, a.published_at DESC NULLS LAST, t.article_id DESC LIMIT ?3";
static const char sql_top_pg[] =
	"SELECT t.article_id, t.total FROM (SELECT article_id, sum(views) AS total FROM article_views "
	"WHERE hour >= ?1 GROUP BY article_id) t JOIN articles a ON a.id = t.article_id "
	"WHERE a.status = 'published' AND (CAST(?2 AS TEXT) IS NULL OR a.edition = ?2) "
	"ORDER BY t.total DESC, a.published_at DESC NULLS LAST, t.article_id DESC LIMIT ?3";

int db_views_top(struct db *db, struct arena *a, const char *edition, int64_t since, int64_t limit,
		 struct db_views_row **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, DBS_SQL(db, sql_top_sqlite, sql_top_pg));
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, since);
	dbs_bind_text(db, st, 2, edition);
	dbs_bind_int64(db, st, 3, limit);
	DBS_MANY(db, st, a, struct db_views_row, out, n,
		 (row->article_id = dbs_int64(db, st, 0), row->views = dbs_int64(db, st, 1)));
}

static const char sql_hourly[] =
	"SELECT hour, sum(views) FROM article_views WHERE hour >= ?1 GROUP BY hour ORDER BY hour";

int db_views_hourly(struct db *db, struct arena *a, int64_t since, struct db_views_row **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, sql_hourly);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, since);
	DBS_MANY(db, st, a, struct db_views_row, out, n,
		 (row->hour = dbs_int64(db, st, 0), row->views = dbs_int64(db, st, 1)));
}
