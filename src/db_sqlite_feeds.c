/* db_sqlite_feeds.c - the SQLite backend's reads for feeds and sitemaps: the latest articles with their
 * bodies, the time of the newsroom's last change, and the cheap listings sitemaps are made of (see db.h).
 * Everything is read live, so an unpublished article drops out of every feed and sitemap at once. */
#include "db_sqlite_int.h"

/* ?1 edition, ?2 filter id (section, tag or author; NULL for the edition), ?3 limit */
#define FEED_SELECT "SELECT " ART_COLS ", NULL, a.body_html" ART_FROM
#define FEED_ORDER " ORDER BY a.published_at DESC, a.id DESC LIMIT ?3"

static const char sql_feed_edition[] =
	FEED_SELECT "WHERE a.edition = ?1 AND a.status = 'published' AND ?2 IS NULL" FEED_ORDER;
static const char sql_feed_section[] =
	FEED_SELECT "WHERE a.edition = ?1 AND a.status = 'published' AND a.section_id = ?2" FEED_ORDER;
static const char sql_feed_tag[] = FEED_SELECT "JOIN article_tags t ON t.article_id = a.id "
					       "WHERE a.edition = ?1 AND a.status = 'published' AND t.tag_id = ?2" FEED_ORDER;
static const char sql_feed_author[] =
	FEED_SELECT "JOIN article_authors w ON w.article_id = a.id "
		    "WHERE a.edition = ?1 AND a.status = 'published' AND w.author_id = ?2" FEED_ORDER;

/* sqf_articles_feed: the newest published articles matching q (edition, or one of section, tag and
 * author), with body_html; arena copies. DB_OK or DB_ERROR. */
int sqf_articles_feed(struct db *db, struct arena *a, const struct db_article_query *q, struct db_article **out,
		      size_t *n)
{
	const char *sql = sql_feed_edition;
	int64_t filter = 0;
	if (q->section_id) {
		sql = sql_feed_section;
		filter = q->section_id;
	} else if (q->tag_id) {
		sql = sql_feed_tag;
		filter = q->tag_id;
	} else if (q->author_id) {
		sql = sql_feed_author;
		filter = q->author_id;
	}
	sqlite3_stmt *st = sq_prepare(db, sql);
	if (!st)
		return DB_ERROR;
	bind_text(st, 1, q->edition);
	bind_id(st, 2, filter);
	sqlite3_bind_int64(st, 3, q->limit > 0 ? q->limit : 30);
	SQ_MANY(db, st, a, struct db_article, out, n, read_article(a, st, row, 1));
}

/* The newest event by id: events are only ever appended, stamped with the clock of the moment. */
static const char sql_last_change[] = "SELECT coalesce((SELECT at FROM article_events ORDER BY id DESC LIMIT 1), 0)";

/* sqf_last_change_at: *at = the time of the latest article event, 0 when none. DB_OK or DB_ERROR. */
int sqf_last_change_at(struct db *db, int64_t *at)
{
	sqlite3_stmt *st = sq_prepare(db, sql_last_change);
	if (!st)
		return DB_ERROR;
	SQ_ONE(db, st, *at = sqlite3_column_int64(st, 0));
}

/* "edition IN editions" lets SQLite use the articles_latest index (edition, status, published_at). */
#define PUBLISHED_BOTH "a.edition IN (SELECT code FROM editions) AND a.status = 'published' "
#define LASTMOD "max(a.published_at, coalesce(a.updated_at, a.published_at))"

static const char sql_months[] =
	"SELECT CAST(strftime('%Y', a.published_at, 'unixepoch') AS INTEGER) AS y, "
	"CAST(strftime('%m', a.published_at, 'unixepoch') AS INTEGER) AS m, count(*), max(" LASTMOD ") "
	"FROM articles a WHERE " PUBLISHED_BOTH "AND a.published_at IS NOT NULL GROUP BY y, m ORDER BY y DESC, m DESC";

/* sqf_sitemap_months: the months with published articles, newest first (arena array). DB_OK or DB_ERROR. */
int sqf_sitemap_months(struct db *db, struct arena *a, struct db_sitemap_month **out, size_t *n)
{
	sqlite3_stmt *st = sq_prepare(db, sql_months);
	if (!st)
		return DB_ERROR;
	SQ_MANY(db, st, a, struct db_sitemap_month, out, n,
		(row->year = sqlite3_column_int(st, 0), row->month = sqlite3_column_int(st, 1),
		 row->count = sqlite3_column_int64(st, 2), row->lastmod = sqlite3_column_int64(st, 3)));
}

/* ?1 from, ?2 to, ?3 limit, ?4 offset */
#define ENTRY_SELECT                                                                                          \
	"SELECT a.id, a.edition, a.slug, a.headline, a.published_at, " LASTMOD " FROM articles a WHERE "       \
	PUBLISHED_BOTH "AND a.published_at >= ?1 AND a.published_at < ?2 "
static const char sql_entries_oldest[] = ENTRY_SELECT "ORDER BY a.published_at, a.id LIMIT ?3 OFFSET ?4";
static const char sql_entries_newest[] = ENTRY_SELECT "ORDER BY a.published_at DESC, a.id DESC LIMIT ?3 OFFSET ?4";

/* sqf_sitemap_entries: the published articles q selects (arena array). DB_OK or DB_ERROR. */
int sqf_sitemap_entries(struct db *db, struct arena *a, const struct db_sitemap_query *q, struct db_sitemap_entry **out,
			size_t *n)
{
	sqlite3_stmt *st = sq_prepare(db, q->newest_first ? sql_entries_newest : sql_entries_oldest);
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, q->from);
	sqlite3_bind_int64(st, 2, q->to);
	sqlite3_bind_int64(st, 3, q->limit > 0 ? q->limit : 1000);
	sqlite3_bind_int64(st, 4, q->offset > 0 ? q->offset : 0);
	SQ_MANY(db, st, a, struct db_sitemap_entry, out, n,
		(row->id = sqlite3_column_int64(st, 0), row->edition = col_text_nn(a, st, 1),
		 row->slug = col_text_nn(a, st, 2), row->headline = col_text_nn(a, st, 3),
		 row->published_at = sqlite3_column_int64(st, 4), row->updated_at = sqlite3_column_int64(st, 5)));
}

static const char sql_count[] = "SELECT count(*) FROM articles a WHERE " PUBLISHED_BOTH
				"AND a.published_at >= ?1 AND a.published_at < ?2";

/* sqf_sitemap_count: *count = published articles with published_at in [from, to). DB_OK or DB_ERROR. */
int sqf_sitemap_count(struct db *db, int64_t from, int64_t to, int64_t *count)
{
	sqlite3_stmt *st = sq_prepare(db, sql_count);
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	SQ_ONE(db, st, *count = sqlite3_column_int64(st, 0));
}

static const char sql_sections[] =
	"SELECT s.id, s.edition, s.slug, s.name, s.position, coalesce((SELECT max(" LASTMOD ") FROM articles a "
	"WHERE a.section_id = s.id AND a.status = 'published'), 0) FROM sections s WHERE s.edition = ?1 "
	"ORDER BY s.position, s.id";

/* sqf_sitemap_sections: the edition's sections in menu order with their newest change (arena array).
 * DB_OK or DB_ERROR. */
int sqf_sitemap_sections(struct db *db, struct arena *a, const char *edition, struct db_section_stamp **out, size_t *n)
{
	sqlite3_stmt *st = sq_prepare(db, sql_sections);
	if (!st)
		return DB_ERROR;
	bind_text(st, 1, edition);
	SQ_MANY(db, st, a, struct db_section_stamp, out, n,
		(row->section.id = sqlite3_column_int64(st, 0), row->section.edition = col_text_nn(a, st, 1),
		 row->section.slug = col_text_nn(a, st, 2), row->section.name = col_text_nn(a, st, 3),
		 row->section.position = sqlite3_column_int(st, 4), row->lastmod = sqlite3_column_int64(st, 5)));
}
