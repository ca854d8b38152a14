/* db_sqlite_api.c - the SQLite backend's queries for the public JSON API (see db.h): one article query
 * whose filters are all optional, with keyset (cursor) pagination, and the tag list. */
#include "db_sqlite_int.h"

static const char sql_api[] =
	"SELECT " ART_COLS ART_FROM "WHERE a.status = 'published' AND (?1 IS NULL OR a.edition = ?1) "
	"AND (?2 IS NULL OR s.slug = ?2) "
	"AND (?3 IS NULL OR EXISTS (SELECT 1 FROM article_tags t JOIN tags g ON g.id = t.tag_id "
	"                          WHERE t.article_id = a.id AND g.slug = ?3)) "
	"AND (?4 IS NULL OR EXISTS (SELECT 1 FROM article_authors w JOIN authors u ON u.id = w.author_id "
	"                          WHERE w.article_id = a.id AND u.slug = ?4)) "
	"AND (?5 IS NULL OR a.published_at >= ?5) AND (?6 IS NULL OR a.published_at < ?6) "
	"AND (?7 IS NULL OR a.published_at < ?7 OR (a.published_at = ?7 AND a.id < ?8)) "
	"ORDER BY a.published_at DESC, a.id DESC LIMIT ?9";

int sqa_articles_api(struct db *db, struct arena *a, const struct db_api_query *q, struct db_article **out, size_t *n)
{
	sqlite3_stmt *st = sq_prepare(db, sql_api);
	if (!st)
		return DB_ERROR;
	bind_text(st, 1, q->edition);
	bind_text(st, 2, q->section);
	bind_text(st, 3, q->tag);
	bind_text(st, 4, q->author);
	bind_id(st, 5, q->since);
	bind_id(st, 6, q->until);
	bind_id(st, 7, q->before_time);
	sqlite3_bind_int64(st, 8, q->before_id);
	sqlite3_bind_int64(st, 9, q->limit > 0 ? q->limit : 20);
	SQ_MANY(db, st, a, struct db_article, out, n, read_article(a, st, row, 0));
}

static const char sql_tags[] = "SELECT g.id, g.edition, g.slug, g.name FROM tags g WHERE (?1 IS NULL OR g.edition = ?1) "
			       "AND EXISTS (SELECT 1 FROM article_tags t JOIN articles a ON a.id = t.article_id "
			       "            WHERE t.tag_id = g.id AND a.status = 'published') "
			       "ORDER BY g.edition, g.name LIMIT 5000";

int sqa_tags_list(struct db *db, struct arena *a, const char *edition, struct db_tag **out, size_t *n)
{
	sqlite3_stmt *st = sq_prepare(db, sql_tags);
	if (!st)
		return DB_ERROR;
	bind_text(st, 1, edition);
	SQ_MANY(db, st, a, struct db_tag, out, n,
		(row->id = sqlite3_column_int64(st, 0), row->edition = col_text_nn(a, st, 1), row->slug = col_text_nn(a, st, 2),
		 row->name = col_text_nn(a, st, 3)));
}
