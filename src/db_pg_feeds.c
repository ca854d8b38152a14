/* db_pg_feeds.c - the PostgreSQL backend's reads for feeds and sitemaps: the latest articles with their
 * bodies, the time of the newsroom's last change, and the cheap listings sitemaps are made of (see db.h).
 * Everything is read live, so an unpublished article drops out of every feed and sitemap at once. */
#include "db_pg_int.h"

/* $1 edition, $2 filter id (section, tag or author; NULL for the edition), $3 limit */
#define FEED_SELECT "SELECT " ART_COLS ", NULL, a.body_html" ART_FROM
#define FEED_ORDER " ORDER BY a.published_at DESC, a.id DESC LIMIT $3"

static const char sql_feed_edition[] =
	FEED_SELECT "WHERE a.edition = $1 AND a.status = 'published' AND $2::bigint IS NULL" FEED_ORDER;
static const char sql_feed_section[] =
	FEED_SELECT "WHERE a.edition = $1 AND a.status = 'published' AND a.section_id = $2" FEED_ORDER;
static const char sql_feed_tag[] = FEED_SELECT "JOIN article_tags t ON t.article_id = a.id "
					       "WHERE a.edition = $1 AND a.status = 'published' AND t.tag_id = $2" FEED_ORDER;
static const char sql_feed_author[] =
	FEED_SELECT "JOIN article_authors w ON w.article_id = a.id "
		    "WHERE a.edition = $1 AND a.status = 'published' AND w.author_id = $2" FEED_ORDER;

/* pgf_articles_feed: the newest published articles matching q (edition, or one of section, tag and
 * author), with body_html; arena copies. DB_OK or DB_ERROR. */
int pgf_articles_feed(struct db *db, struct arena *a, const struct db_article_query *q, struct db_article **out,
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
	struct pg_stmt *st = pg_prepare(db, sql);
	if (!st)
		return DB_ERROR;
	pg_bind_text(st, 1, q->edition);
	pg_bind_id(st, 2, filter);
	pgs_bind_int64(st, 3, q->limit > 0 ? q->limit : 30);
	PG_MANY(db, st, a, struct db_article, out, n, pg_read_article(a, st, row, 1));
}

/* The newest event by id: events are only ever appended, stamped with the clock of the moment. */
static const char sql_last_change[] = "SELECT coalesce((SELECT at FROM article_events ORDER BY id DESC LIMIT 1), 0)";

/* pgf_last_change_at: *at = the time of the latest article event, 0 when none. DB_OK or DB_ERROR. */
int pgf_last_change_at(struct db *db, int64_t *at)
{
	struct pg_stmt *st = pg_prepare(db, sql_last_change);
	if (!st)
		return DB_ERROR;
	PG_ONE(db, st, *at = pgs_int64(st, 0));
}

/* both editions, as on SQLite (where "edition IN editions" lets it use the articles_latest index) */
#define PUBLISHED_BOTH "a.edition IN (SELECT code FROM editions) AND a.status = 'published' "
#define LASTMOD "greatest(a.published_at, coalesce(a.updated_at, a.published_at))"

static const char sql_months[] =
	"SELECT extract(year FROM to_timestamp(a.published_at) AT TIME ZONE 'UTC')::int AS y, "
	"extract(month FROM to_timestamp(a.published_at) AT TIME ZONE 'UTC')::int AS m, count(*), max(" LASTMOD ") "
	"FROM articles a WHERE " PUBLISHED_BOTH "AND a.published_at IS NOT NULL GROUP BY y, m ORDER BY y DESC, m DESC";

/* pgf_sitemap_months: the months with published articles, newest first (arena array). DB_OK or DB_ERROR. */
int pgf_sitemap_months(struct db *db, struct arena *a, struct db_sitemap_month **out, size_t *n)
{
	struct pg_stmt *st = pg_prepare(db, sql_months);
	if (!st)
		return DB_ERROR;
	PG_MANY(db, st, a, struct db_sitemap_month, out, n,
		(row->year = pgs_int(st, 0), row->month = pgs_int(st, 1),
		 row->count = pgs_int64(st, 2), row->lastmod = pgs_int64(st, 3)));
}

/* $1 from, $2 to, $3 limit, $4 offset */
#define ENTRY_SELECT                                                                                          \
	"SELECT a.id, a.edition, a.slug, a.headline, a.published_at, " LASTMOD " FROM articles a WHERE "       \
	PUBLISHED_BOTH "AND a.published_at >= $1 AND a.published_at < $2 "
static const char sql_entries_oldest[] = ENTRY_SELECT "ORDER BY a.published_at, a.id LIMIT $3 OFFSET $4";
static const char sql_entries_newest[] = ENTRY_SELECT "ORDER BY a.published_at DESC, a.id DESC LIMIT $3 OFFSET $4";

/* pgf_sitemap_entries: the published articles q selects (arena array). DB_OK or DB_ERROR. */
int pgf_sitemap_entries(struct db *db, struct arena *a, const struct db_sitemap_query *q, struct db_sitemap_entry **out,
			size_t *n)
{
	struct pg_stmt *st = pg_prepare(db, q->newest_first ? sql_entries_newest : sql_entries_oldest);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, q->from);
	pgs_bind_int64(st, 2, q->to);
	pgs_bind_int64(st, 3, q->limit > 0 ? q->limit : 1000);
	pgs_bind_int64(st, 4, q->offset > 0 ? q->offset : 0);
	PG_MANY(db, st, a, struct db_sitemap_entry, out, n,
		(row->id = pgs_int64(st, 0), row->edition = pg_col_text_nn(a, st, 1),
		 row->slug = pg_col_text_nn(a, st, 2), row->headline = pg_col_text_nn(a, st, 3),
		 row->published_at = pgs_int64(st, 4), row->updated_at = pgs_int64(st, 5)));
}

static const char sql_count[] = "SELECT count(*) FROM articles a WHERE " PUBLISHED_BOTH
				"AND a.published_at >= $1 AND a.published_at < $2";

/* pgf_sitemap_count: *count = published articles with published_at in [from, to). DB_OK or DB_ERROR. */
int pgf_sitemap_count(struct db *db, int64_t from, int64_t to, int64_t *count)
{
	struct pg_stmt *st = pg_prepare(db, sql_count);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, from);
	pgs_bind_int64(st, 2, to);
	PG_ONE(db, st, *count = pgs_int64(st, 0));
}

static const char sql_sections[] =
	"SELECT s.id, s.edition, s.slug, s.name, s.position, coalesce((SELECT max(" LASTMOD ") FROM articles a "
	"WHERE a.section_id = s.id AND a.status = 'published'), 0) FROM sections s WHERE s.edition = $1 "
	"ORDER BY s.position, s.id";

/* pgf_sitemap_sections: the edition's sections in menu order with their newest change (arena array).
 * DB_OK or DB_ERROR. */
int pgf_sitemap_sections(struct db *db, struct arena *a, const char *edition, struct db_section_stamp **out, size_t *n)
{
	struct pg_stmt *st = pg_prepare(db, sql_sections);
	if (!st)
		return DB_ERROR;
	pg_bind_text(st, 1, edition);
	PG_MANY(db, st, a, struct db_section_stamp, out, n,
		(row->section.id = pgs_int64(st, 0), row->section.edition = pg_col_text_nn(a, st, 1),
		 row->section.slug = pg_col_text_nn(a, st, 2), row->section.name = pg_col_text_nn(a, st, 3),
		 row->section.position = pgs_int(st, 4), row->lastmod = pgs_int64(st, 5)));
}
