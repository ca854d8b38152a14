/* store_feeds.c - the store's reads for feeds and sitemaps (see db.h), written once for both engines on
 * the statement interface (db_stmt.h): the latest articles with their bodies, the time of the
 * newsroom's last change, and the cheap listings sitemaps are made of. Everything is read live, so an
 * unpublished article drops out of every feed and sitemap at once. */
#include "db_stmt.h"

/* ?1 edition, ?2 filter id (section, tag or author; NULL for the edition), ?3 limit */
#define FEED_SELECT "SELECT " ART_COLS ", NULL, a.body_html" ART_FROM
#define FEED_ORDER " ORDER BY a.published_at DESC, a.id DESC LIMIT ?3"

static const char sql_feed_edition[] =
	FEED_SELECT "WHERE a.edition = ?1 AND a.status = 'published' AND CAST(?2 AS BIGINT) IS NULL" FEED_ORDER;
static const char sql_feed_section[] =
	FEED_SELECT "WHERE a.edition = ?1 AND a.status = 'published' AND a.section_id = ?2" FEED_ORDER;
static const char sql_feed_tag[] = FEED_SELECT "JOIN article_tags t ON t.article_id = a.id "
					       "WHERE a.edition = ?1 AND a.status = 'published' AND t.tag_id = ?2" FEED_ORDER;
static const char sql_feed_author[] =
	FEED_SELECT "JOIN article_authors w ON w.article_id = a.id "
		    "WHERE a.edition = ?1 AND a.status = 'published' AND w.author_id = ?2" FEED_ORDER;

int db_articles_feed(struct db *db, struct arena *a, const struct db_article_query *q, struct db_article **out,
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
	struct db_stmt *st = dbs_prepare(db, sql);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, q->edition);
	dbs_bind_id(db, st, 2, filter);
	dbs_bind_int64(db, st, 3, q->limit > 0 ? q->limit : 30);
	DBS_MANY(db, st, a, struct db_article, out, n, dbs_read_article(db, a, st, row, 1));
}

/* The newest event by id: events are only ever appended, stamped with the clock of the moment. */
static const char sql_last_change[] = "SELECT coalesce((SELECT at FROM article_events ORDER BY id DESC LIMIT 1), 0)";

int db_last_change_at(struct db *db, int64_t *at)
{
	struct db_stmt *st = dbs_prepare(db, sql_last_change);
	if (!st)
		return DB_ERROR;
	DBS_ONE(db, st, *at = dbs_int64(db, st, 0));
}

/* "edition IN editions" lets SQLite use the articles_latest index (edition, status, published_at). */
#define PUBLISHED_BOTH "a.edition IN (SELECT code FROM editions) AND a.status = 'published' "
/* an article's last change: SQLite's two-argument max() is PostgreSQL's greatest() */
#define LASTMOD_SQ "max(a.published_at, coalesce(a.updated_at, a.published_at))"
#define LASTMOD_PG "greatest(a.published_at, coalesce(a.updated_at, a.published_at))"

/* the year and month of publication in UTC, then the count and newest change of each month */
static const char sql_months_sqlite[] =
	"SELECT CAST(strftime('%Y', a.published_at, 'unixepoch') AS INTEGER) AS y, "
	"CAST(strftime('%m', a.published_at, 'unixepoch') AS INTEGER) AS m, count(*), max(" LASTMOD_SQ ") "
	"FROM articles a WHERE " PUBLISHED_BOTH "AND a.published_at IS NOT NULL GROUP BY y, m ORDER BY y DESC, m DESC";
static const char sql_months_pg[] =
	"SELECT extract(year FROM to_timestamp(a.published_at) AT TIME ZONE 'UTC')::int AS y, "
	"extract(month FROM to_timestamp(a.published_at) AT TIME ZONE 'UTC')::int AS m, count(*), max(" LASTMOD_PG ") "
	"FROM articles a WHERE " PUBLISHED_BOTH "AND a.published_at IS NOT NULL GROUP BY y, m ORDER BY y DESC, m DESC";

int db_sitemap_months(struct db *db, struct arena *a, struct db_sitemap_month **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, DBS_SQL(db, sql_months_sqlite, sql_months_pg));
	if (!st)
		return DB_ERROR;
	DBS_MANY(db, st, a, struct db_sitemap_month, out, n,
		 (row->year = (int)dbs_int64(db, st, 0), row->month = (int)dbs_int64(db, st, 1),
		  row->count = dbs_int64(db, st, 2), row->lastmod = dbs_int64(db, st, 3)));
}

/* ?1 from, ?2 to, ?3 limit, ?4 offset */
#define ENTRY_SELECT(LASTMOD)                                                                                 \
	"SELECT a.id, a.edition, a.slug, a.headline, a.published_at, " LASTMOD " FROM articles a WHERE "       \
	PUBLISHED_BOTH "AND a.published_at >= ?1 AND a.published_at < ?2 "
#define ENTRY_OLDEST "ORDER BY a.published_at, a.id LIMIT ?3 OFFSET ?4"
#define ENTRY_NEWEST "ORDER BY a.published_at DESC, a.id DESC LIMIT ?3 OFFSET ?4"
static const char sql_entries_oldest_sqlite[] = ENTRY_SELECT(LASTMOD_SQ) ENTRY_OLDEST;
static const char sql_entries_newest_sqlite[] = ENTRY_SELECT(LASTMOD_SQ) ENTRY_NEWEST;
static const char sql_entries_oldest_pg[] = ENTRY_SELECT(LASTMOD_PG) ENTRY_OLDEST;
static const char sql_entries_newest_pg[] = ENTRY_SELECT(LASTMOD_PG) ENTRY_NEWEST;

int db_sitemap_entries(struct db *db, struct arena *a, const struct db_sitemap_query *q, struct db_sitemap_entry **out,
		       size_t *n)
{
	const char *sql = q->newest_first ? DBS_SQL(db, sql_entries_newest_sqlite, sql_entries_newest_pg)
					  : DBS_SQL(db, sql_entries_oldest_sqlite, sql_entries_oldest_pg);
	struct db_stmt *st = dbs_prepare(db, sql);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, q->from);
	dbs_bind_int64(db, st, 2, q->to);
	dbs_bind_int64(db, st, 3, q->limit > 0 ? q->limit : 1000);
	dbs_bind_int64(db, st, 4, q->offset > 0 ? q->offset : 0);
	DBS_MANY(db, st, a, struct db_sitemap_entry, out, n,
		 (row->id = dbs_int64(db, st, 0), row->edition = dbs_text_nn(db, a, st, 1),
		  row->slug = dbs_text_nn(db, a, st, 2), row->headline = dbs_text_nn(db, a, st, 3),
		  row->published_at = dbs_int64(db, st, 4), row->updated_at = dbs_int64(db, st, 5)));
}

static const char sql_count[] = "SELECT count(*) FROM articles a WHERE " PUBLISHED_BOTH
				"AND a.published_at >= ?1 AND a.published_at < ?2";

int db_sitemap_count(struct db *db, int64_t from, int64_t to, int64_t *count)
{
	struct db_stmt *st = dbs_prepare(db, sql_count);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, from);
	dbs_bind_int64(db, st, 2, to);
	DBS_ONE(db, st, *count = dbs_int64(db, st, 0));
}

#define SECTIONS(LASTMOD)                                                                                     \
	"SELECT s.id, s.edition, s.slug, s.name, s.position, coalesce((SELECT max(" LASTMOD ") FROM articles a " \
	"WHERE a.section_id = s.id AND a.status = 'published'), 0) FROM sections s WHERE s.edition = ?1 "     \
	"ORDER BY s.position, s.id"
static const char sql_sections_sqlite[] = SECTIONS(LASTMOD_SQ);
static const char sql_sections_pg[] = SECTIONS(LASTMOD_PG);

int db_sitemap_sections(struct db *db, struct arena *a, const char *edition, struct db_section_stamp **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, DBS_SQL(db, sql_sections_sqlite, sql_sections_pg));
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, edition);
	DBS_MANY(db, st, a, struct db_section_stamp, out, n,
		 (row->section.id = dbs_int64(db, st, 0), row->section.edition = dbs_text_nn(db, a, st, 1),
		  row->section.slug = dbs_text_nn(db, a, st, 2), row->section.name = dbs_text_nn(db, a, st, 3),
		  row->section.position = (int)dbs_int64(db, st, 4), row->lastmod = dbs_int64(db, st, 5)));
}
