/* db_pg_search.c - full-text search in the PostgreSQL backend. Every article write stores
 * articles.terms: search_terms() of the headline, standfirst and body (the shared normaliser and
 * stemmers of search.c, the code the SQLite tokenizer runs), indexed by a GIN index on
 * to_tsvector('simple', terms); 'simple' only lower-cases and splits, so the lexemes are our stems.
 * A query is the parsed query (search_parse) written as a tsquery text: each term's tokens joined by
 * <-> (a phrase, as FTS5 reads a quoted string), terms by &, a prefix term's last token with :* and
 * never stemmed (SEARCH_PREFIX), the tokens quoted so nothing the reader typed becomes tsquery syntax;
 * it is bound as a parameter to to_tsquery('simple', $1). Rank: ts_rank_cd times the recency factor the
 * SQLite backend uses. Snippets are cut in C from the stored text (search_tsq.c), marked like FTS5's
 * snippet(). */
#include <stdlib.h>

#include "db_pg_int.h"
#include "search.h"
#include "search_tsq.h"

/* ---- the reads ---- */

#define SEARCH_FROM                                                                                          \
	" FROM articles a JOIN sections s ON s.id = a.section_id "                                              \
	"LEFT JOIN media m ON m.id = a.lead_media_id LEFT JOIN users u ON u.id = a.owner_id "                  \
	"WHERE to_tsvector('simple', a.terms) @@ to_tsquery('simple', $1) "                                    \
	"AND ($2::text IS NULL OR a.edition = $2) AND ($7::int <> 0 OR a.status = 'published') "               \
	"AND ($8::text IS NULL OR s.slug = $8) "                                                              \
	"AND ($9::bigint = 0 OR coalesce(a.published_at, a.created_at) >= $9) "                               \
	"AND ($10::bigint = 0 OR coalesce(a.published_at, a.created_at) < $10) "                              \
	"AND ($11::bigint = 0 OR a.owner_id = $11) "

/* $1 tsquery text, $2 edition (NULL: both), $3 limit, $4 offset, $5 half-life (seconds), $6 now,
 * $7 every status, $8 section slug (NULL: all), $9 since, $10 until (0: no bound), $11 owner (0: anyone).
 * Rank: ts_rank_cd (higher is better) times the SQLite backend's recency factor 1 + H / (H + age). */
static const char sql_search[] =
	"SELECT " ART_COLS ", a.headline, a.standfirst, a.body_md, a.owner_id, coalesce(u.login, '')"
	SEARCH_FROM
	"ORDER BY ts_rank_cd(to_tsvector('simple', a.terms), to_tsquery('simple', $1)) * "
	"(1.0 + $5::float8 / ($5::float8 + greatest(0, $6::bigint - coalesce(a.published_at, a.created_at)))) DESC, "
	"a.id DESC LIMIT $3 OFFSET $4";
static const char sql_search_count[] =
	"SELECT count(*)" SEARCH_FROM "AND $3::bigint IS NOT NULL AND $4::bigint IS NOT NULL "
	"AND $5::bigint IS NOT NULL AND $6::bigint IS NOT NULL";

/* bind_search: binds the parameters both search statements share (see sql_search). */
static void bind_search(struct pg_stmt *st, const char *tsq, const struct db_search_query *q)
{
	pg_bind_text(st, 1, tsq);
	pg_bind_text(st, 2, q->edition);
	pgs_bind_int64(st, 3, q->limit);
	pgs_bind_int64(st, 4, q->offset);
	pgs_bind_int64(st, 5, q->half_life > 0 ? q->half_life : 1);
	pgs_bind_int64(st, 6, q->now);
	pgs_bind_int64(st, 7, q->all_statuses != 0);
	pg_bind_text(st, 8, q->section);
	pgs_bind_int64(st, 9, q->since);
	pgs_bind_int64(st, 10, q->until);
	pgs_bind_int64(st, 11, q->owner_id);
}

/* read_hit: the current row of sql_search, with its snippet cut from the stored text. */
static void read_hit(struct arena *a, struct pg_stmt *st, const struct db_search_query *q, struct db_search_hit *row)
{
	pg_read_article(a, st, &row->art, 0);
	const char *cols[3];
	for (int i = 0; i < 3; i++)
		cols[i] = pgs_text(st, ART_NCOLS + i) ? pgs_text(st, ART_NCOLS + i) : "";
	row->snippet = search_snippet(a, q->parsed, cols);
	row->art.owner_id = pgs_int64(st, ART_NCOLS + 3);
	row->art.owner_login = pg_col_text_nn(a, st, ART_NCOLS + 4);
}

int pgq_search(struct db *db, struct arena *a, const struct db_search_query *q, struct db_search_hit **out,
	       size_t *n)
{
	const char *tsq = search_tsquery(a, q->parsed);
	if (!tsq) {
		*out = NULL;
		*n = 0;
		return DB_OK;
	}
	struct pg_stmt *st = pg_prepare(db, sql_search);
	if (!st)
		return DB_ERROR;
	bind_search(st, tsq, q);
	PG_MANY(db, st, a, struct db_search_hit, out, n, read_hit(a, st, q, row));
}

int pgq_search_count(struct db *db, const struct db_search_query *q, int64_t *total)
{
	struct arena scratch = ARENA_INIT, *a = &scratch;
	const char *tsq = search_tsquery(a, q->parsed);
	if (!tsq) {
		arena_free(a);
		*total = 0;
		return DB_OK;
	}
	struct pg_stmt *st = pg_prepare(db, sql_search_count);
	if (!st) {
		arena_free(a);
		return DB_ERROR;
	}
	bind_search(st, tsq, q);
	int rc = pgs_step(st), r = DB_OK;
	if (rc == PGS_ROW)
		*total = pgs_int64(st, 0);
	else {
		pg_log(db, "search count");
		r = DB_ERROR;
	}
	pg_done(st);
	arena_free(a);
	return r;
}
