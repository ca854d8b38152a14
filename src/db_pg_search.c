/* db_pg_search.c - full-text search in the PostgreSQL backend. Every article write stores
 * articles.body_text, the body's plain text (blocks_text: typed blocks give their captions, titles and
 * quotes, never their keys or media ids), and articles.terms: search_terms() of the headline, standfirst
 * and that text (the shared normaliser and
 * stemmers of search.c, the code the SQLite tokenizer runs); articles.tsv is to_tsvector('simple', terms),
 * a stored generated column with a GIN index (migration 8; 'simple' only lower-cases and splits, so the
 * lexemes are our stems).
 * A query is the parsed query (search_parse) written as a tsquery text: each term's tokens joined by
 * <-> (a phrase, as FTS5 reads a quoted string), terms by &, a prefix term's last token with :* and
 * never stemmed (SEARCH_PREFIX), the tokens quoted so nothing the reader typed becomes tsquery syntax;
 * it is bound as a parameter to to_tsquery('simple', $1). As on SQLite, only the newest q->candidates
 * matches (by coalesce(published_at, created_at), then id) are ranked and counted, in one statement; rank:
 * ts_rank_cd times the recency factor the SQLite backend uses. The page's rows are then read one by one
 * and their snippets cut in C from the stored text (search_tsq.c), marked like FTS5's snippet(), so only
 * the shown rows pay for a snippet. */
#include <stdlib.h>

#include "db_pg_int.h"
#include "db_stmt.h"
#include "search.h"
#include "search_tsq.h"

/* ---- the reads ---- */

#define SEARCH_FROM                                                                                          \
	" FROM articles a JOIN sections s ON s.id = a.section_id "                                              \
	"WHERE a.tsv @@ to_tsquery('simple', $1) "                                                             \
	"AND ($2::text IS NULL OR a.edition = $2) AND ($7::int <> 0 OR a.status = 'published') "               \
	"AND ($8::text IS NULL OR s.slug = $8) "                                                              \
	"AND ($9::bigint = 0 OR coalesce(a.published_at, a.created_at) >= $9) "                               \
	"AND ($10::bigint = 0 OR coalesce(a.published_at, a.created_at) < $10) "                              \
	"AND ($11::bigint = 0 OR a.owner_id = $11) "
/* the candidate order: newest first, as SQLite's search_key (time * 2^24 + id) orders them; the
 * articles_search_time index (migration 8) is in this order */
#define SEARCH_NEWEST "ORDER BY coalesce(a.published_at, a.created_at) DESC, a.id DESC LIMIT $12::bigint"

/* $1 tsquery text, $2 edition (NULL: both), $3 limit, $4 offset, $5 half-life (seconds), $6 now,
 * $7 every status, $8 section slug (NULL: all), $9 since, $10 until (0: no bound), $11 owner (0: anyone),
 * $12 candidates (NULL: all; LIMIT NULL is no limit).
 * Rank: ts_rank_cd (higher is better) times the SQLite backend's recency factor 1 + H / (H + age); ties
 * newest first. ts_rank_cd runs on the candidates only (above the LIMIT); n counts them, so a page's
 * first row carries the total. */
static const char sql_search_keys[] =
	"SELECT id, n FROM (SELECT id, t, ts_rank_cd(tsv, to_tsquery('simple', $1)) AS score, "
	"count(*) OVER () AS n FROM (SELECT a.id, a.tsv, coalesce(a.published_at, a.created_at) AS t"
	SEARCH_FROM SEARCH_NEWEST ") c) k "
	"ORDER BY score * (1.0 + $5::float8 / ($5::float8 + greatest(0, $6::bigint - t))) DESC, "
	"t DESC, id DESC LIMIT $3 OFFSET $4";
static const char sql_search_row[] =
	"SELECT " ART_COLS ", a.headline, a.standfirst, a.body_text, a.owner_id, coalesce(u.login, '')" ART_FROM
	"LEFT JOIN users u ON u.id = a.owner_id WHERE a.id = $1";
static const char sql_search_count[] =
	"SELECT count(*) FROM (SELECT 1" SEARCH_FROM "AND $3::bigint IS NOT NULL AND $4::bigint IS NOT NULL "
	"AND $5::bigint IS NOT NULL AND $6::bigint IS NOT NULL " SEARCH_NEWEST ") c";

/* bind_search: binds the parameters the search statements share (see sql_search_keys). */
static void bind_search(struct db *db, struct db_stmt *st, const char *tsq, const struct db_search_query *q)
{
	dbs_bind_search(db, st, q);
	dbs_bind_text(db, st, 1, tsq);
	dbs_bind_int64(db, st, 9, q->since);
	dbs_bind_int64(db, st, 10, q->until);
	if (q->candidates > 0)
		dbs_bind_int64(db, st, 12, q->candidates);
	else
		dbs_bind_null(db, st, 12);
}

struct key_row {
	int64_t id, total;
};

/* search_keys: the id of each result of q's page, best first, with the count of candidates (arena a).
 * DB_OK or DB_ERROR. */
static int search_keys(struct db *db, struct arena *a, const char *tsq, const struct db_search_query *q,
		       struct key_row **keys, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, sql_search_keys);
	if (!st)
		return DB_ERROR;
	bind_search(db, st, tsq, q);
	DBS_MANY(db, st, a, struct key_row, keys, n, (row->id = dbs_int64(db, st, 0), row->total = dbs_int64(db, st, 1)));
}

/* search_count: how many matches q has (at most q->candidates), for a page past the last result. */
static int search_count(struct db *db, const char *tsq, const struct db_search_query *q, int64_t *total)
{
	struct db_stmt *st = dbs_prepare(db, sql_search_count);
	if (!st)
		return DB_ERROR;
	bind_search(db, st, tsq, q);
	DBS_ONE(db, st, *total = dbs_int64(db, st, 0));
}

/* read_hit: the current row of sql_search_row, with its snippet cut from the stored text. */
static void read_hit(struct db *db, struct arena *a, struct db_stmt *st, const struct db_search_query *q,
		     struct db_search_hit *row)
{
	dbs_read_article(db, a, st, &row->art, 0);
	const char *cols[3];
	for (int i = 0; i < 3; i++) { /* read in place: only the snippet is kept */
		size_t len;
		const char *t = db->drv->col_text(st, ART_NCOLS + i, &len);
		cols[i] = t ? t : "";
	}
	row->snippet = search_snippet(a, q->parsed, cols);
	row->art.owner_id = dbs_int64(db, st, ART_NCOLS + 3);
	row->art.owner_login = dbs_text_nn(db, a, st, ART_NCOLS + 4);
}

int pg_search(struct db *db, struct arena *a, const struct db_search_query *q, struct db_search_hit **out,
	      size_t *n, int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	const char *tsq = search_tsquery(a, q->parsed);
	if (!tsq)
		return DB_OK;
	struct key_row *keys = NULL; /* set by search_keys; initialised for gcc -O2's maybe-uninitialized */
	size_t nkeys = 0;
	if (search_keys(db, a, tsq, q, &keys, &nkeys) != DB_OK)
		return DB_ERROR;
	if (nkeys)
		*total = keys[0].total;
	else if (q->offset > 0 && search_count(db, tsq, q, total) != DB_OK)
		return DB_ERROR;
	*out = arena_alloc(a, (nkeys ? nkeys : 1) * sizeof **out);
	for (size_t i = 0; i < nkeys; i++) {
		struct db_stmt *st = dbs_prepare(db, sql_search_row);
		if (!st)
			return DB_ERROR;
		dbs_bind_int64(db, st, 1, keys[i].id);
		int step = dbs_step(db, st);
		if (step == DBS_ROW) {
			struct db_search_hit *row = &(*out)[(*n)++];
			memset(row, 0, sizeof *row);
			read_hit(db, a, st, q, row);
		} else if (step != DBS_DONE) {
			return dbs_fail(db, st);
		}
		dbs_done(db, st);
	}
	return DB_OK;
}

static const char sql_fill_page[] =
	"SELECT id, headline, standfirst, body_md FROM articles WHERE body_text IS NULL AND id > $1 ORDER BY id LIMIT 200";
static const char sql_fill_row[] = "UPDATE articles SET body_text = $2, terms = $3 WHERE id = $1";

struct fill_row {
	int64_t id;
	const char *headline, *standfirst, *body_md;
};

/* fill_page: reads the next (at most 200) articles without body_text after id `after` into arena a. The
 * bound matters: the rows filled before stay in the partial index, dead only after the transaction ends,
 * so a scan from the start would pass all of them again on every page. DB_OK or DB_ERROR. */
static int fill_page(struct db *db, struct arena *a, int64_t after, struct fill_row **rows, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, sql_fill_page);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, after);
	DBS_MANY(db, st, a, struct fill_row, rows, n, {
		row->id = dbs_int64(db, st, 0);
		row->headline = dbs_text_nn(db, a, st, 1);
		row->standfirst = dbs_text_nn(db, a, st, 2);
		row->body_md = dbs_text_nn(db, a, st, 3);
	});
}

int pg_fill_body_text(struct db *db)
{
	int64_t after = 0;
	for (;;) {
		struct arena a = ARENA_INIT;
		struct fill_row *rows = NULL;
		size_t n = 0;
		int rc = fill_page(db, &a, after, &rows, &n);
		for (size_t i = 0; rc == DB_OK && i < n; i++) {
			char *text, *terms;
			rc = dbs_article_text(db, rows[i].headline, rows[i].standfirst, rows[i].body_md, &text, &terms);
			if (rc != DB_OK)
				break;
			rc = dbs_run_one(db, sql_fill_row, DBS_ARGS(DBS_INT(rows[i].id), DBS_TEXT(text), DBS_TEXT(terms)));
			free(text);
			free(terms);
			after = rows[i].id;
		}
		arena_free(&a);
		if (rc != DB_OK || n == 0)
			return rc;
	}
}

static const char sql_gin_flush[] = "SELECT gin_clean_pending_list('articles_tsv'::regclass)";

int pg_search_maintain(struct db *db, int64_t pages)
{
	if (pages > 0)
		return DB_OK; /* autovacuum empties the GIN pending list as it goes */
	struct db_stmt *st = dbs_prepare(db, sql_gin_flush);
	return st ? dbs_exec(db, st) : DB_ERROR;
}

static const char sql_count_articles[] = "SELECT count(*) FROM articles";

/* count_articles: *n = the number of articles. DB_OK or DB_ERROR (logged). */
static int count_articles(struct db *db, int64_t *n)
{
	struct db_stmt *st = dbs_prepare(db, sql_count_articles);
	if (!st)
		return DB_ERROR;
	DBS_ONE(db, st, *n = dbs_int64(db, st, 0));
}

int pg_analyze(struct db *db, int full, int64_t *articles)
{
	*articles = -1;
	if (!full)
		return DB_OK; /* autovacuum analyses tables as they change */
	int64_t n = 0;
	struct db_stmt *st;
	if (count_articles(db, &n) != DB_OK || !(st = dbs_prepare(db, "ANALYZE")) || dbs_exec(db, st) != DB_OK)
		return DB_ERROR;
	*articles = n;
	return DB_OK;
}
