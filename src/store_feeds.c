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
	return dbs_list(db, a, sql, DBS_ARGS(DBS_TEXT(q->edition), DBS_ID(filter), DBS_INT(q->limit > 0 ? q->limit : 30)),
			&dbs_article_body_map, out, n);
}

/* The newest event by id: events are only ever appended, stamped with the clock of the moment. */
static const char sql_last_change[] = "SELECT coalesce((SELECT at FROM article_events ORDER BY id DESC LIMIT 1), 0)";

int db_last_change_at(struct db *db, int64_t *at)
{
	return dbs_one_int(db, sql_last_change, DBS_NO_ARGS, at);
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
	static const struct dbs_col cols[] = {
		DBS_C_INT(struct db_sitemap_month, year), DBS_C_INT(struct db_sitemap_month, month),
		DBS_C_I64(struct db_sitemap_month, count), DBS_C_I64(struct db_sitemap_month, lastmod)};
	static const struct dbs_map map = DBS_MAP(struct db_sitemap_month, cols, NULL);
	return dbs_list(db, a, DBS_SQL(db, sql_months_sqlite, sql_months_pg), DBS_NO_ARGS, &map, out, n);
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
#define E struct db_sitemap_entry
	static const struct dbs_col cols[] = {DBS_C_I64(E, id), DBS_C_TEXT_NN(E, edition), DBS_C_TEXT_NN(E, slug),
					      DBS_C_TEXT_NN(E, headline), DBS_C_I64(E, published_at), DBS_C_I64(E, updated_at)};
	static const struct dbs_map map = DBS_MAP(E, cols, NULL);
#undef E
	return dbs_list(db, a, sql,
			DBS_ARGS(DBS_INT(q->from), DBS_INT(q->to), DBS_INT(q->limit > 0 ? q->limit : 1000),
				 DBS_INT(q->offset > 0 ? q->offset : 0)),
			&map, out, n);
}

static const char sql_count[] = "SELECT count(*) FROM articles a WHERE " PUBLISHED_BOTH
				"AND a.published_at >= ?1 AND a.published_at < ?2";

int db_sitemap_count(struct db *db, int64_t from, int64_t to, int64_t *count)
{
	return dbs_one_int(db, sql_count, DBS_ARGS(DBS_INT(from), DBS_INT(to)), count);
}

#define SECTIONS(LASTMOD)                                                                                     \
	"SELECT s.id, s.edition, s.slug, s.name, s.position, coalesce((SELECT max(" LASTMOD ") FROM articles a " \
	"WHERE a.section_id = s.id AND a.status = 'published'), 0) FROM sections s WHERE s.edition = ?1 "     \
	"ORDER BY s.position, s.id"
static const char sql_sections_sqlite[] = SECTIONS(LASTMOD_SQ);
static const char sql_sections_pg[] = SECTIONS(LASTMOD_PG);

int db_sitemap_sections(struct db *db, struct arena *a, const char *edition, struct db_section_stamp **out, size_t *n)
{
#define S struct db_section_stamp
	static const struct dbs_col cols[] = {DBS_C_I64(S, section.id), DBS_C_TEXT_NN(S, section.edition),
					      DBS_C_TEXT_NN(S, section.slug), DBS_C_TEXT_NN(S, section.name),
					      DBS_C_INT(S, section.position), DBS_C_I64(S, lastmod)};
	static const struct dbs_map map = DBS_MAP(S, cols, NULL);
#undef S
	return dbs_list(db, a, DBS_SQL(db, sql_sections_sqlite, sql_sections_pg), DBS_ARGS(DBS_TEXT(edition)), &map, out, n);
}
