/* db_sqlite_search.c - full-text search in the SQLite backend: the "broadsheet" FTS5 tokenizer (textnorm
 * folding, Arabic and English stemming, original byte offsets so highlight() and snippet() show the stored
 * text) registered on every connection, and the search reads over the articles_fts table (an
 * external-content FTS5 table over articles.headline, standfirst and body_text, the body's plain text
 * (blocks_text), that triggers keep in step with every article write, in the same transaction; see
 * migrations 5, 8 and 15 in db_schema.c). */
#include "db_sqlite_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blocks.h"
#include "search.h"

/* ---- the tokenizer ---- */

struct fts_call {
	void *ctx;
	int (*xToken)(void *ctx, int tflags, const char *tok, int ntok, int start, int end);
};

/* fts_token: search_tokens callback that hands one token to FTS5; a non-zero FTS5 answer stops. */
static int fts_token(const char *tok, size_t len, size_t start, size_t end, int colocated, void *ctx)
{
	struct fts_call *fc = ctx;
	if (len == 0 || len > 1000)
		return SQLITE_OK; /* FTS5 refuses nothing, but a 1000-byte "word" is not worth indexing */
	return fc->xToken(fc->ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, tok, (int)len, (int)start, (int)end);
}

/* fts_create: xCreate: the tokenizer has no state and no arguments; the handle is a static byte. */
static int fts_create(void *unused, const char **argv, int argc, Fts5Tokenizer **out)
{
	static char handle;
	(void)unused;
	(void)argv;
	(void)argc;
	*out = (Fts5Tokenizer *)&handle;
	return SQLITE_OK;
}

/* fts_delete: xDelete: nothing to free. */
static void fts_delete(Fts5Tokenizer *t)
{
	(void)t;
}

/* fts_tokenize: xTokenize: documents get stems plus colocated unstemmed forms, queries stems, prefix
 * queries the folded word only. Returns SQLITE_OK or the error xToken returned. */
static int fts_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int ntext,
			int (*xToken)(void *, int, const char *, int, int, int))
{
	(void)t;
	enum search_mode mode = SEARCH_DOCUMENT;
	if (flags & FTS5_TOKENIZE_QUERY)
		mode = (flags & FTS5_TOKENIZE_PREFIX) ? SEARCH_PREFIX : SEARCH_QUERY;
	struct fts_call fc = {ctx, xToken};
	if (!text || ntext <= 0)
		return SQLITE_OK;
	return search_tokens(text, (size_t)ntext, mode, fts_token, &fc);
}

/* terms_fn: the SQL function bs_terms(text, ...): the normalised, stemmed words of each argument
 * (search_terms()), the non-empty ones joined by single spaces: the articles.terms column (migration 8)
 * that another engine indexes to match what the tokenizer matches. NULL arguments count as empty. */
static void terms_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < argc; i++) {
		const char *s = (const char *)sqlite3_value_text(argv[i]);
		if (!s)
			continue;
		size_t before = b.len;
		if (b.len)
			buf_putc(&b, ' ');
		size_t mark = b.len;
		search_terms(&b, s, (size_t)sqlite3_value_bytes(argv[i]));
		if (b.len == mark) { /* nothing from this field: drop the separator */
			b.len = before;
			if (b.data)
				b.data[before] = '\0';
		}
	}
	sqlite3_result_text(cx, b.data ? b.data : "", (int)b.len, SQLITE_TRANSIENT);
	buf_free(&b);
}

/* body_text_fn: the SQL function bs_body_text(body_md): blocks_text() of the body, the plain text search
 * indexes (articles.body_text; the store writes it with every article write, migration 15 fills it with
 * this for the rows there were). NULL gives ''; an out-of-memory error when blocks_text fails. */
static void body_text_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *md = (const char *)sqlite3_value_text(argv[0]);
	char *t = blocks_text(md ? md : "", md ? (size_t)sqlite3_value_bytes(argv[0]) : 0);
	if (!t) {
		sqlite3_result_error_nomem(cx);
		return;
	}
	sqlite3_result_text(cx, t, -1, free);
}

/* ---- the rank ---- */

struct rank_avg {
	double avgdl; /* tokens per row over the whole index */
};

/* rank_fn: the FTS5 auxiliary function bs_rank(articles_fts, idf, w0, w1, ...): bm25 exactly as FTS5's
 * own bm25() computes it (k1 = 1.2, b = 0.75, the weight of column c multiplies each hit in it, the
 * result negated: lower is better), except where each phrase's idf comes from. bm25() counts every row
 * of the index that matches each phrase (xQueryPhrase), on every search: for a very common word, a
 * phrase of two or a prefix that walks the whole doclist of a million articles (30 to 300 ms). Here idf
 * is a blob of one double per phrase, in the phrases' order, that the caller computed (search_idf); a
 * NULL or short blob means idf 1 for every phrase (which orders the rows of a one-phrase query exactly as
 * bm25() does: its idf is a positive constant factor there). More than 64 phrases (search_match_expr
 * writes at most SEARCH_MAX_TERMS) score 0. Sets an error result only on an FTS5 error. */
static void rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *cx, int nval,
		    sqlite3_value **val)
{
	const double k1 = 1.2, b = 0.75;
	int nphrase = api->xPhraseCount(fts);
	if (nphrase <= 0 || nphrase > 64) {
		sqlite3_result_double(cx, 0.0);
		return;
	}
	struct rank_avg *avg = api->xGetAuxdata(fts, 0);
	if (!avg) {
		sqlite3_int64 nrow = 0, ntok = 0;
		int rc = api->xRowCount(fts, &nrow);
		if (rc == SQLITE_OK)
			rc = api->xColumnTotalSize(fts, -1, &ntok);
		if (rc != SQLITE_OK) {
			sqlite3_result_error_code(cx, rc);
			return;
		}
		avg = sqlite3_malloc(sizeof *avg);
		if (!avg) {
			sqlite3_result_error_nomem(cx);
			return;
		}
		avg->avgdl = nrow > 0 && ntok > 0 ? (double)ntok / (double)nrow : 1.0;
		rc = api->xSetAuxdata(fts, avg, sqlite3_free);
		if (rc != SQLITE_OK) {
			sqlite3_result_error_code(cx, rc);
			return;
		}
	}
	const double *idf = NULL;
	if (nval > 0 && sqlite3_value_type(val[0]) == SQLITE_BLOB &&
	    (size_t)sqlite3_value_bytes(val[0]) >= (size_t)nphrase * sizeof(double))
		idf = sqlite3_value_blob(val[0]);
	double freq[64] = {0};
	int ninst = 0, rc = api->xInstCount(fts, &ninst);
	for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
		int ip, ic, io;
		rc = api->xInst(fts, i, &ip, &ic, &io);
		if (rc == SQLITE_OK && ip >= 0 && ip < nphrase)
			freq[ip] += ic + 1 < nval ? sqlite3_value_double(val[ic + 1]) : 1.0;
	}
	int ntok = 0;
	if (rc == SQLITE_OK)
		rc = api->xColumnSize(fts, -1, &ntok);
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(cx, rc);
		return;
	}
	double score = 0, d = (double)ntok;
	for (int i = 0; i < nphrase; i++) {
		double w;
		if (idf)
			memcpy(&w, (const char *)idf + (size_t)i * sizeof w, sizeof w); /* the blob may be unaligned */
		else
			w = 1.0;
		score += w * ((freq[i] * (k1 + 1.0)) / (freq[i] + k1 * (1.0 - b + b * d / avg->avgdl)));
	}
	sqlite3_result_double(cx, -score);
}

int sq_search_register(sqlite3 *h)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api || api->iVersion < 2)
		return -1;
	static fts5_tokenizer tok = {fts_create, fts_delete, fts_tokenize};
	if (api->xCreateTokenizer(api, "broadsheet", NULL, &tok, NULL) != SQLITE_OK)
		return -1;
	if (api->xCreateFunction(api, "bs_rank", NULL, rank_fn, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_create_function(h, "bs_terms", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				    terms_fn, NULL, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_create_function(h, "bs_body_text", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				    body_text_fn, NULL, NULL) != SQLITE_OK)
		return -1;
	return 0;
}

/* ---- the reads ---- */

/* The index is keyed by search_key = publication (or creation) time * 2^24 + low bits of the id (migration
 * 8), so date bounds are rowid ranges FTS5 seeks to, and ORDER BY rowid DESC walks matches newest first
 * and stops at the candidate limit instead of visiting every match of a common word. */
#define SEARCH_FROM                                                                                          \
	" FROM articles_fts JOIN articles a INDEXED BY articles_search_filter ON a.search_key = articles_fts.rowid " \
	"JOIN sections s ON s.id = a.section_id "                                                             \
	"WHERE articles_fts MATCH ?1 AND (?2 IS NULL OR a.edition = ?2) AND (?7 OR a.status = 'published') "   \
	"AND (?8 IS NULL OR s.slug = ?8) AND articles_fts.rowid >= ?9 AND articles_fts.rowid < ?10 "            \
	"AND (?11 = 0 OR a.owner_id = ?11) "

/* ?1 match, ?2 edition (NULL: both), ?3 limit, ?4 offset, ?5 half-life (seconds), ?6 now, ?7 every status,
 * ?8 section slug (NULL: all), ?9 and ?10 the search_key range [since, until) (the whole range for no
 * bound: always plain rowid comparisons, which FTS5 is handed as a range to seek to; written as
 * "?9 = 0 OR rowid >= ...", as before, the planner cannot hand them over, and a window with fewer than
 * the candidate limit of matches walked every older match to the first one of the archive), ?11 owner
 * (0: anyone), ?12 candidates
 * (-1: all).
 * ?13 the idf of each term (search_idf; bs_rank).
 * The join reads the filters from articles_search_filter (migration 11), an index that holds every column
 * the ranking pass needs, so the candidates' rows (bodies, in overflow pages) are never read.
 * Rank: bm25 (bs_rank) with the headline weighing 10, the standfirst 4 and the body 1 (negative: lower is better),
 * times a recency factor 1 + H / (H + age) that falls from 2 (published now) to 1.5 at one half-life and
 * towards 1 for old articles; so a fresh article needs only about half the text relevance of an old one.
 * Only the newest ?12 matches are ranked; the page's rows (keys) are then read with their snippets one by
 * one, so snippet() runs for the shown results only. */
static const char sql_search_keys[] =
	"SELECT k, n FROM (SELECT k, score, t, count(*) OVER () AS n FROM (SELECT articles_fts.rowid AS k, "
	"bs_rank(articles_fts, ?13, 10.0, 4.0, 1.0) AS score, coalesce(a.published_at, a.created_at) AS t" SEARCH_FROM
	"ORDER BY articles_fts.rowid DESC LIMIT ?12)) "
	"ORDER BY score * (1.0 + CAST(?5 AS REAL) / (?5 + max(0, ?6 - t))), k DESC LIMIT ?3 OFFSET ?4";
static const char sql_search_row[] =
	"SELECT " ART_COLS ", snippet(articles_fts, -1, '" SEARCH_MARK_OPEN "', '" SEARCH_MARK_CLOSE "', '…', 24), "
	"a.owner_id, coalesce(u.login, '') FROM articles_fts JOIN articles a ON a.search_key = articles_fts.rowid "
	"JOIN sections s ON s.id = a.section_id LEFT JOIN media m ON m.id = a.lead_media_id "
	"LEFT JOIN users u ON u.id = a.owner_id WHERE articles_fts MATCH ?1 AND articles_fts.rowid = ?2";
static const char sql_search_count[] =
	"SELECT count(*) FROM (SELECT 1" SEARCH_FROM "ORDER BY articles_fts.rowid DESC LIMIT ?12)";

/* bind_search: binds the parameters the search statements share (see sql_search_keys). */
static void bind_search(struct db *db, struct db_stmt *st, const struct db_search_query *q)
{
	dbs_bind_search(db, st, q);
	dbs_bind_text(db, st, 1, q->match);
	dbs_bind_int64(db, st, 9, q->since ? q->since * 16777216 : INT64_MIN);
	dbs_bind_int64(db, st, 10, q->until ? q->until * 16777216 : INT64_MAX);
	dbs_bind_int64(db, st, 12, q->candidates > 0 ? q->candidates : -1);
}

struct key_row {
	int64_t key, total;
};

/* The idf of a term is estimated from the newest SEARCH_IDF_SAMPLE articles of the index (all editions
 * and statuses, as bm25() counts them): counting a word's matches there is a rowid range of its doclist,
 * however common the word. On an archive no bigger than the sample it is bm25()'s idf exactly. */
#define SEARCH_IDF_SAMPLE 10000
static const char sql_idf_edge[] = "SELECT search_key FROM articles ORDER BY search_key DESC LIMIT 1 OFFSET ?1";
static const char sql_idf_rows[] = "SELECT count(*) FROM articles";
static const char sql_idf_hits[] = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?1 AND rowid >= ?2";

/* count_one: the first column of st's first row as an integer (none when there is no row), after
 * binding done by the caller; -1 (logged) on error. Finishes st. */
static int64_t count_one(struct db *db, struct db_stmt *st, int64_t none)
{
	int rc = dbs_step(db, st);
	int64_t v = none;
	if (rc == DBS_ROW)
		v = dbs_int64(db, st, 0);
	else if (rc != DBS_DONE) {
		dbs_fail(db, st);
		return -1;
	}
	dbs_done(db, st);
	return v;
}

/* search_idf: the idf of each term of q->parsed, in the order of the MATCH expression's phrases, as a
 * blob of doubles in arena a (*out, *bytes), with bm25()'s formula log((N - n + 0.5) / (n + 0.5)), at
 * least 1e-6, over the sample: N the sampled articles, n those matching the term. A query of one term
 * needs none (*out NULL: bs_rank uses 1, which ranks its rows as bm25() does), nor does one without its
 * parsed form. Returns DB_OK or DB_ERROR. */
static int search_idf(struct db *db, struct arena *a, const struct db_search_query *q, const double **out,
		      size_t *bytes)
{
	*out = NULL;
	*bytes = 0;
	if (!q->parsed || q->parsed->nterms < 2)
		return DB_OK;
	struct db_stmt *st = dbs_prepare(db, sql_idf_edge);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, SEARCH_IDF_SAMPLE - 1);
	int64_t edge = count_one(db, st, INT64_MIN), rows = SEARCH_IDF_SAMPLE;
	if (edge == -1)
		return DB_ERROR;
	if (edge == INT64_MIN) { /* a smaller archive: all of it */
		if (!(st = dbs_prepare(db, sql_idf_rows)) || (rows = count_one(db, st, 0)) < 0)
			return DB_ERROR;
	}
	double *idf = arena_alloc(a, q->parsed->nterms * sizeof *idf);
	for (size_t i = 0; i < q->parsed->nterms; i++) {
		struct search_query one;
		memset(&one, 0, sizeof one);
		one.nterms = 1;
		one.terms[0] = q->parsed->terms[i];
		const char *m = search_match_expr(a, &one);
		if (!m || !(st = dbs_prepare(db, sql_idf_hits)))
			return DB_ERROR;
		dbs_bind_text(db, st, 1, m);
		dbs_bind_int64(db, st, 2, edge);
		int64_t hits = count_one(db, st, 0);
		if (hits < 0)
			return DB_ERROR;
		idf[i] = log(((double)rows - (double)hits + 0.5) / ((double)hits + 0.5));
		if (idf[i] <= 0.0)
			idf[i] = 1e-6;
	}
	*out = idf;
	*bytes = q->parsed->nterms * sizeof *idf;
	return DB_OK;
}

/* search_keys: the search_key of each result of q's page, best first, with the count of candidates, in
 * arena a. One pass over the (at most q->candidates) newest matches. Returns DB_OK or DB_ERROR. */
static int search_keys(struct db *db, struct arena *a, const struct db_search_query *q, struct key_row **keys,
		       size_t *n)
{
	const double *idf;
	size_t idf_bytes;
	if (search_idf(db, a, q, &idf, &idf_bytes) != DB_OK)
		return DB_ERROR;
	struct db_stmt *st = dbs_prepare(db, sql_search_keys);
	if (!st)
		return DB_ERROR;
	bind_search(db, st, q);
	if (idf) /* a blob: the one parameter the statement interface has no binding for */
		sqlite3_bind_blob((sqlite3_stmt *)st, 13, idf, (int)idf_bytes, SQLITE_STATIC);
	else
		dbs_bind_null(db, st, 13);
	DBS_MANY(db, st, a, struct key_row, keys, n, {
		row->key = dbs_int64(db, st, 0);
		row->total = dbs_int64(db, st, 1);
	});
}

/* search_count: how many matches q has (at most q->candidates), for a page past the last result. */
static int search_count(struct db *db, const struct db_search_query *q, int64_t *total)
{
	struct db_stmt *st = dbs_prepare(db, sql_search_count);
	if (!st)
		return DB_ERROR;
	bind_search(db, st, q);
	DBS_ONE(db, st, *total = dbs_int64(db, st, 0));
}

int sq_search(struct db *db, struct arena *a, const struct db_search_query *q, struct db_search_hit **out,
	      size_t *n, int64_t *total)
{
	struct key_row *keys = NULL; /* set by search_keys; initialised for gcc -O2's maybe-uninitialized */
	size_t nkeys = 0;
	if (search_keys(db, a, q, &keys, &nkeys) != DB_OK)
		return DB_ERROR;
	*total = 0;
	if (nkeys)
		*total = keys[0].total;
	else if (q->offset > 0 && search_count(db, q, total) != DB_OK)
		return DB_ERROR;
	*out = arena_alloc(a, (nkeys ? nkeys : 1) * sizeof **out);
	*n = 0;
	for (size_t i = 0; i < nkeys; i++) {
		struct db_stmt *st = dbs_prepare(db, sql_search_row);
		if (!st)
			return DB_ERROR;
		dbs_bind_text(db, st, 1, q->match);
		dbs_bind_int64(db, st, 2, keys[i].key);
		int step = dbs_step(db, st);
		if (step == DBS_ROW) {
			struct db_search_hit *row = &(*out)[(*n)++];
			dbs_read_article(db, a, st, &row->art, 0);
			row->snippet = dbs_text_nn(db, a, st, ART_NCOLS);
			row->art.owner_id = dbs_int64(db, st, ART_NCOLS + 1);
			row->art.owner_login = dbs_text_nn(db, a, st, ART_NCOLS + 2);
		} else if (step != DBS_DONE) {
			return dbs_fail(db, st);
		}
		dbs_done(db, st);
	}
	return DB_OK;
}

static const char sql_merge[] = "INSERT INTO articles_fts(articles_fts, rank) VALUES ('merge', ?1)";
static const char sql_optimize[] = "INSERT INTO articles_fts(articles_fts) VALUES ('optimize')";

int sq_search_maintain(struct db *db, int64_t pages)
{
	struct db_stmt *st = dbs_prepare(db, pages > 0 ? sql_merge : sql_optimize);
	if (!st)
		return DB_ERROR;
	if (pages > 0)
		dbs_bind_int64(db, st, 1, pages > INT32_MAX ? INT32_MAX : pages);
	int rc = dbs_step(db, st);
	if (rc != DBS_DONE)
		return dbs_fail(db, st);
	dbs_done(db, st);
	return DB_OK;
}
