/* db_pg_views.c - the PostgreSQL backend's article view counts (see db.h and db_sqlite_views.c): one row
 * per article and hour, added to by the views module's flush with an upsert, so several nodes sharing
 * one database each add their own counts to the same rows. */
#include "db_pg_int.h"

/* the EXISTS guard skips an article deleted since the view was counted (its row would break the
 * foreign key and with it the whole flush) */
static const char sql_add[] =
	"INSERT INTO article_views(article_id, hour, views) SELECT $1::bigint, $2::bigint, $3::bigint "
	"WHERE EXISTS (SELECT 1 FROM articles WHERE id = $1) "
	"ON CONFLICT (article_id, hour) DO UPDATE SET views = article_views.views + excluded.views";

/* pgv_views_add: adds views to (article_id, hour). DB_OK or DB_ERROR. */
int pgv_views_add(struct db *db, int64_t article_id, int64_t hour, int64_t views)
{
	struct pg_stmt *st = pg_prepare(db, sql_add);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, article_id);
	pgs_bind_int64(st, 2, hour);
	pgs_bind_int64(st, 3, views);
	return pg_step_done(db, st) == DB_OK ? DB_OK : DB_ERROR;
}

/* Only the window's rows are read (the index on hour, article_id, views covers them); ties go to the
 * newer article, as on SQLite (whose NULLs sort last in a descending order: NULLS LAST says so here). */
static const char sql_top[] =
	"SELECT t.article_id, t.total FROM (SELECT article_id, sum(views) AS total FROM article_views "
	"WHERE hour >= $1 GROUP BY article_id) t JOIN articles a ON a.id = t.article_id "
	"WHERE a.status = 'published' AND ($2::text IS NULL OR a.edition = $2) "
	"ORDER BY t.total DESC, a.published_at DESC NULLS LAST, t.article_id DESC LIMIT $3";

/* pgv_views_top: the most-viewed published articles since `since` (arena array). DB_OK or DB_ERROR. */
int pgv_views_top(struct db *db, struct arena *a, const char *edition, int64_t since, int64_t limit,
		  struct db_views_row **out, size_t *n)
{
	struct pg_stmt *st = pg_prepare(db, sql_top);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, since);
	pg_bind_text(st, 2, edition);
	pgs_bind_int64(st, 3, limit);
	PG_MANY(db, st, a, struct db_views_row, out, n,
		(row->article_id = pgs_int64(st, 0), row->hour = 0, row->views = pgs_int64(st, 1)));
}

static const char sql_hourly[] =
	"SELECT hour, sum(views) FROM article_views WHERE hour >= $1 GROUP BY hour ORDER BY hour";

/* pgv_views_hourly: every article's views per hour since `since` (arena array). DB_OK or DB_ERROR. */
int pgv_views_hourly(struct db *db, struct arena *a, int64_t since, struct db_views_row **out, size_t *n)
{
	struct pg_stmt *st = pg_prepare(db, sql_hourly);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, since);
	PG_MANY(db, st, a, struct db_views_row, out, n,
		(row->article_id = 0, row->hour = pgs_int64(st, 0), row->views = pgs_int64(st, 1)));
}
