/* db_sqlite_views.c - the SQLite backend's article view counts (see db.h): one row per article and
 * hour, added to by the views module's flush with a portable upsert. */
#include "db_sqlite_int.h"

/* the EXISTS guard skips an article deleted since the view was counted (its row would break the
 * foreign key and with it the whole flush) */
static const char sql_add[] =
	"INSERT INTO article_views(article_id, hour, views) SELECT ?1, ?2, ?3 "
	"WHERE EXISTS (SELECT 1 FROM articles WHERE id = ?1) "
	"ON CONFLICT(article_id, hour) DO UPDATE SET views = article_views.views + excluded.views";

/* sqv_views_add: adds views to (article_id, hour). DB_OK or DB_ERROR. */
int sqv_views_add(struct db *db, int64_t article_id, int64_t hour, int64_t views)
{
	sqlite3_stmt *st = sq_prepare(db, sql_add);
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	sqlite3_bind_int64(st, 2, hour);
	sqlite3_bind_int64(st, 3, views);
	return sq_step_done(db, st) == DB_OK ? DB_OK : DB_ERROR;
}

/* Only the window's rows are read, through the covering index on (hour, article_id, views): grouping by
 * +article_id (an expression) keeps SQLite from walking the whole table in primary-key order to save
 * the sort; joining articles afterwards costs one look-up per article read in the window. */
static const char sql_top[] =
	"SELECT t.article_id, t.total FROM (SELECT +article_id AS article_id, sum(views) AS total FROM article_views "
	"WHERE hour >= ?1 GROUP BY +article_id) t JOIN articles a ON a.id = t.article_id "
	"WHERE a.status = 'published' AND (?2 IS NULL OR a.edition = ?2) "
	"ORDER BY t.total DESC, a.published_at DESC, t.article_id DESC LIMIT ?3";

/* sqv_views_top: the most-viewed published articles since `since` (arena array). DB_OK or DB_ERROR. */
int sqv_views_top(struct db *db, struct arena *a, const char *edition, int64_t since, int64_t limit,
		  struct db_views_row **out, size_t *n)
{
	sqlite3_stmt *st = sq_prepare(db, sql_top);
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, since);
	bind_text(st, 2, edition);
	sqlite3_bind_int64(st, 3, limit);
	SQ_MANY(db, st, a, struct db_views_row, out, n,
		(row->article_id = sqlite3_column_int64(st, 0), row->hour = 0, row->views = sqlite3_column_int64(st, 1)));
}

static const char sql_hourly[] = "SELECT hour, sum(views) FROM article_views WHERE hour >= ?1 GROUP BY hour ORDER BY hour";

/* sqv_views_hourly: every article's views per hour since `since` (arena array). DB_OK or DB_ERROR. */
int sqv_views_hourly(struct db *db, struct arena *a, int64_t since, struct db_views_row **out, size_t *n)
{
	sqlite3_stmt *st = sq_prepare(db, sql_hourly);
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, since);
	SQ_MANY(db, st, a, struct db_views_row, out, n,
		(row->article_id = 0, row->hour = sqlite3_column_int64(st, 0), row->views = sqlite3_column_int64(st, 1)));
}
