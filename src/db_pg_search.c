/* db_pg_search.c - full-text search in the PostgreSQL backend. Every article write stores
 * articles.terms: search_terms() of the headline, standfirst and body (the shared normaliser and
 * stemmers of search.c, the code the SQLite tokenizer runs), indexed by a GIN index on
 * to_tsvector('simple', terms); 'simple' only lower-cases and splits, so the lexemes are our stems.
 * A query is the parsed query (search_parse) written as a tsquery text: each term's tokens joined by
 * <-> (a phrase, as FTS5 reads a quoted string), terms by &, a prefix term's last token with :* and
 * never stemmed (SEARCH_PREFIX), the tokens quoted so nothing the reader typed becomes tsquery syntax;
 * it is bound as a parameter to to_tsquery('simple', $1). Rank: ts_rank_cd times the recency factor the
 * SQLite backend uses. Snippets are cut here in C from the stored text, marked like FTS5's snippet(). */
#include <stdlib.h>

#include "db_pg_int.h"
#include "search.h"
#include "util.h"

/* ---- the query ---- */

struct tsq {
	struct buf *out;
	size_t ntok; /* tokens written for the current term */
};

/* put_lexeme: search_tokens callback: appends one token as a quoted tsquery lexeme. */
static int put_lexeme(const char *tok, size_t len, size_t start, size_t end, int colocated, void *ctx)
{
	struct tsq *t = ctx;
	(void)start;
	(void)end;
	if (colocated || len == 0 || len > 1000)
		return 0;
	if (t->ntok++)
		buf_lit(t->out, " <-> ");
	buf_putc(t->out, '\'');
	for (size_t i = 0; i < len; i++) {
		if (tok[i] == '\'' || tok[i] == '\\')
			buf_putc(t->out, tok[i]);
		buf_putc(t->out, tok[i]);
	}
	buf_putc(t->out, '\'');
	return 0;
}

/* pg_tsquery: the tsquery text for a parsed query, in the arena; NULL when no term gives a token. */
static const char *pg_tsquery(struct arena *a, const struct search_query *q)
{
	struct buf b = BUF_INIT;
	size_t nterms = 0;
	for (size_t i = 0; q && i < q->nterms; i++) {
		const struct search_term *term = &q->terms[i];
		struct buf one = BUF_INIT;
		struct tsq t = {&one, 0};
		for (size_t k = 0; k < term->nwords; k++) {
			enum search_mode mode = term->prefix && k + 1 == term->nwords ? SEARCH_PREFIX : SEARCH_QUERY;
			search_tokens(term->words[k], strlen(term->words[k]), mode, put_lexeme, &t);
		}
		if (t.ntok) {
			if (nterms++)
				buf_lit(&b, " & ");
			if (t.ntok > 1)
				buf_putc(&b, '(');
			buf_append(&b, one.data, one.len);
			if (t.ntok > 1)
				buf_putc(&b, ')');
			if (term->prefix)
				buf_lit(&b, ":*");
		}
		buf_free(&one);
	}
	const char *r = nterms ? arena_strndup(a, b.data, b.len) : NULL;
	buf_free(&b);
	return r;
}

/* ---- snippets ---- */

#define SNIPPET_TOKENS 24
#define SNIPPET_MAX_LEX 64

struct lexemes {
	size_t n;
	const char *s[SNIPPET_MAX_LEX];
	size_t len[SNIPPET_MAX_LEX];
	int prefix[SNIPPET_MAX_LEX];
	int term[SNIPPET_MAX_LEX]; /* which query term the lexeme belongs to */
	int cur_term, cur_prefix;
	struct arena *a;
};

/* add_lexeme: search_tokens callback collecting the query's tokens for highlighting. */
static int add_lexeme(const char *tok, size_t len, size_t start, size_t end, int colocated, void *ctx)
{
	struct lexemes *l = ctx;
	(void)start;
	(void)end;
	if (colocated || len == 0 || l->n == SNIPPET_MAX_LEX)
		return 0;
	l->s[l->n] = arena_strndup(l->a, tok, len);
	l->len[l->n] = len;
	l->prefix[l->n] = l->cur_prefix;
	l->term[l->n] = l->cur_term;
	l->n++;
	return 0;
}

struct doc_tok {
	size_t start, end;
	int hit; /* index of the query term it matches + 1, 0 = none */
};

struct doc {
	struct doc_tok *t;
	size_t n, cap;
	const struct lexemes *lx;
};

/* lexeme_hit: the query term (+1) a document token matches, 0 when none. */
static int lexeme_hit(const struct lexemes *lx, const char *tok, size_t len)
{
	for (size_t i = 0; i < lx->n; i++) {
		if (lx->prefix[i] ? len >= lx->len[i] && memcmp(tok, lx->s[i], lx->len[i]) == 0
				  : len == lx->len[i] && memcmp(tok, lx->s[i], len) == 0)
			return lx->term[i] + 1;
	}
	return 0;
}

/* add_doc_token: search_tokens callback: records a document token (a colocated unstemmed form only
 * marks the token it shares a position with). */
static int add_doc_token(const char *tok, size_t len, size_t start, size_t end, int colocated, void *ctx)
{
	struct doc *d = ctx;
	int hit = lexeme_hit(d->lx, tok, len);
	if (colocated) {
		if (d->n && !d->t[d->n - 1].hit)
			d->t[d->n - 1].hit = hit;
		return 0;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		d->t = xrealloc(d->t, d->cap * sizeof *d->t);
	}
	d->t[d->n++] = (struct doc_tok){start, end, hit};
	return 0;
}

/* best_window: the first token of the SNIPPET_TOKENS-token window with the most distinct matched terms
 * (then the most matches); *score gets distinct * 1000 + matches. */
static size_t best_window(const struct doc *d, long *score)
{
	size_t best = 0;
	*score = -1;
	size_t last = d->n > SNIPPET_TOKENS ? d->n - SNIPPET_TOKENS : 0;
	for (size_t s = 0; s <= last; s++) {
		unsigned long seen = 0;
		long hits = 0;
		for (size_t k = s; k < d->n && k < s + SNIPPET_TOKENS; k++) {
			if (d->t[k].hit) {
				hits++;
				seen |= 1ul << ((d->t[k].hit - 1) % 64);
			}
		}
		long sc = (long)__builtin_popcountl(seen) * 1000 + hits;
		if (sc > *score) {
			*score = sc;
			best = s;
		}
	}
	return best;
}

/* pg_snippet: the snippet of an article like FTS5's snippet(-1, open, close, '…', 24): from the column
 * (headline, standfirst, body) whose best window matches most, that window of the original text with the
 * matched words between SEARCH_MARK_OPEN and SEARCH_MARK_CLOSE; in the arena. */
static const char *pg_snippet(struct arena *a, const struct search_query *q, const char *const cols[3])
{
	struct lexemes lx = {.a = a};
	for (size_t i = 0; q && i < q->nterms; i++) {
		const struct search_term *term = &q->terms[i];
		lx.cur_term = (int)i;
		for (size_t k = 0; k < term->nwords; k++) {
			lx.cur_prefix = term->prefix && k + 1 == term->nwords;
			search_tokens(term->words[k], strlen(term->words[k]), lx.cur_prefix ? SEARCH_PREFIX : SEARCH_QUERY,
				      add_lexeme, &lx);
		}
	}
	struct doc best = {0};
	size_t best_start = 0, best_col = 0;
	long best_score = -1;
	for (size_t c = 0; c < 3; c++) {
		struct doc d = {.lx = &lx};
		search_tokens(cols[c], strlen(cols[c]), SEARCH_DOCUMENT, add_doc_token, &d);
		long score;
		size_t start = best_window(&d, &score);
		if (d.n && score > best_score) {
			free(best.t);
			best = d;
			best_score = score;
			best_start = start;
			best_col = c;
		} else {
			free(d.t);
		}
	}
	if (!best.n)
		return "";
	const char *text = cols[best_col];
	size_t end_tok = best_start + SNIPPET_TOKENS < best.n ? best_start + SNIPPET_TOKENS : best.n;
	struct buf b = BUF_INIT;
	if (best_start > 0)
		buf_lit(&b, "…");
	size_t pos = best_start > 0 ? best.t[best_start].start : 0;
	for (size_t k = best_start; k < end_tok; k++) {
		buf_append(&b, text + pos, best.t[k].start - pos);
		if (best.t[k].hit)
			buf_lit(&b, SEARCH_MARK_OPEN);
		buf_append(&b, text + best.t[k].start, best.t[k].end - best.t[k].start);
		if (best.t[k].hit)
			buf_lit(&b, SEARCH_MARK_CLOSE);
		pos = best.t[k].end;
	}
	if (end_tok < best.n)
		buf_lit(&b, "…");
	else
		buf_append(&b, text + pos, strlen(text) - pos);
	free(best.t);
	const char *r = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

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
	row->snippet = pg_snippet(a, q->parsed, cols);
	row->art.owner_id = pgs_int64(st, ART_NCOLS + 3);
	row->art.owner_login = pg_col_text_nn(a, st, ART_NCOLS + 4);
}

int pgq_search(struct db *db, struct arena *a, const struct db_search_query *q, struct db_search_hit **out,
	       size_t *n)
{
	const char *tsq = pg_tsquery(a, q->parsed);
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
	const char *tsq = pg_tsquery(a, q->parsed);
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
