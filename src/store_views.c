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
	return dbs_run(db, sql_add, DBS_ARGS(DBS_INT(article_id), DBS_INT(hour), DBS_INT(views))) == DB_OK ? DB_OK : DB_ERROR;
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
	static const struct dbs_col cols[] = {DBS_C_I64(struct db_views_row, article_id), DBS_C_I64(struct db_views_row, views)};
	static const struct dbs_map map = DBS_MAP(struct db_views_row, cols, NULL);
	return dbs_list(db, a, DBS_SQL(db, sql_top_sqlite, sql_top_pg),
			DBS_ARGS(DBS_INT(since), DBS_TEXT(edition), DBS_INT(limit)), &map, out, n);
}

static const char sql_hourly[] =
	"SELECT hour, sum(views) FROM article_views WHERE hour >= ?1 GROUP BY hour ORDER BY hour";

int db_views_hourly(struct db *db, struct arena *a, int64_t since, struct db_views_row **out, size_t *n)
{
	static const struct dbs_col cols[] = {DBS_C_I64(struct db_views_row, hour), DBS_C_I64(struct db_views_row, views)};
	static const struct dbs_map map = DBS_MAP(struct db_views_row, cols, NULL);
	return dbs_list(db, a, sql_hourly, DBS_ARGS(DBS_INT(since)), &map, out, n);
}
