/* search_tsq.c - tsquery text and C snippets for the PostgreSQL backend (see search_tsq.h). */
#include "search_tsq.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
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

const char *search_tsquery(struct arena *a, const struct search_query *q)
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
	int term[SNIPPET_MAX_LEX]; /* which query term the lexeme belongs to; a term's lexemes are consecutive */
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
	const char *form[2]; /* the stem and the unstemmed form (NULL when the same), in the arena */
	int hit;             /* index of the query term it belongs to + 1, 0 = none */
	int joined;          /* continues the phrase match of the token before: one mark for both */
};

struct doc {
	struct doc_tok *t;
	size_t n, cap;
	struct arena *a;
};

/* add_doc_token: search_tokens callback: records a document token with its forms. */
static int add_doc_token(const char *tok, size_t len, size_t start, size_t end, int colocated, void *ctx)
{
	struct doc *d = ctx;
	if (colocated) {
		if (d->n)
			d->t[d->n - 1].form[1] = arena_strndup(d->a, tok, len);
		return 0;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		d->t = xrealloc(d->t, d->cap * sizeof *d->t);
	}
	d->t[d->n++] = (struct doc_tok){start, end, {arena_strndup(d->a, tok, len), NULL}, 0, 0};
	return 0;
}

/* lexeme_matches: 1 when either form of document token t is lexeme i (or starts with it, for a prefix). */
static int lexeme_matches(const struct lexemes *lx, size_t i, const struct doc_tok *t)
{
	for (int f = 0; f < 2; f++) {
		const char *w = t->form[f];
		if (!w)
			continue;
		size_t len = strlen(w);
		if (lx->prefix[i] ? len >= lx->len[i] && memcmp(w, lx->s[i], lx->len[i]) == 0
				  : len == lx->len[i] && memcmp(w, lx->s[i], len) == 0)
			return 1;
	}
	return 0;
}

/* mark_hits: marks the document tokens each query term matches: a one-token term wherever it occurs,
 * a phrase only where all its tokens follow each other (those tokens are then joined into one mark). */
static void mark_hits(struct doc *d, const struct lexemes *lx)
{
	for (size_t i = 0; i < lx->n;) {
		size_t j = i;
		while (j < lx->n && lx->term[j] == lx->term[i])
			j++;
		size_t nlex = j - i;
		for (size_t k = 0; k + nlex <= d->n; k++) {
			size_t m = 0;
			while (m < nlex && lexeme_matches(lx, i + m, &d->t[k + m]))
				m++;
			if (m < nlex)
				continue;
			for (m = 0; m < nlex; m++) {
				d->t[k + m].hit = lx->term[i] + 1;
				d->t[k + m].joined = m > 0;
			}
		}
		i = j;
	}
}

/* best_window: the first token of the SNIPPET_TOKENS-token window with the most distinct matched terms
 * (then the most matches), moved so its matches sit in the middle; *score gets distinct * 1000 +
 * matches (-1 for a document without tokens). */
static size_t best_window(const struct doc *d, long *score)
{
	size_t best = 0;
	*score = -1;
	size_t last_start = d->n > SNIPPET_TOKENS ? d->n - SNIPPET_TOKENS : 0;
	for (size_t s = 0; s <= last_start; s++) {
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
	/* centre the matches of that window in it, as FTS5 does */
	size_t first = SIZE_MAX, last = 0;
	for (size_t k = best; k < d->n && k < best + SNIPPET_TOKENS; k++) {
		if (d->t[k].hit) {
			if (first == SIZE_MAX)
				first = k;
			last = k;
		}
	}
	if (first != SIZE_MAX) {
		size_t spare = SNIPPET_TOKENS - (last - first + 1);
		best = first > spare / 2 ? first - spare / 2 : 0;
		if (best > last_start)
			best = last_start;
	}
	return best;
}

const char *search_snippet(struct arena *a, const struct search_query *q, const char *const cols[3])
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
		struct doc d = {.a = a};
		search_tokens(cols[c], strlen(cols[c]), SEARCH_DOCUMENT, add_doc_token, &d);
		mark_hits(&d, &lx);
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
		const struct doc_tok *t = &best.t[k];
		int continues = t->joined && k > best_start; /* inside a phrase's mark */
		int goes_on = k + 1 < end_tok && best.t[k + 1].joined;
		buf_append(&b, text + pos, t->start - pos);
		if (t->hit && !continues)
			buf_lit(&b, SEARCH_MARK_OPEN);
		buf_append(&b, text + t->start, t->end - t->start);
		if (t->hit && !goes_on)
			buf_lit(&b, SEARCH_MARK_CLOSE);
		pos = t->end;
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

