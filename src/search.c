/* search.c - tokens, query parsing, MATCH expressions and snippets for search (see search.h). */
#include "search.h"

#include <string.h>

#include "escape.h"
#include "stem.h"
#include "textnorm.h"

struct tok_call {
	enum search_mode mode;
	int (*fn)(const char *tok, size_t len, size_t start, size_t end, int colocated, void *ctx);
	void *ctx;
	struct buf stem;
	int stop; /* fn's non-zero answer */
};

/* tok_word: textnorm_words_at callback: stems one folded word and reports its token(s). */
static void tok_word(size_t start, size_t end, const char *w, size_t len, void *ctx)
{
	struct tok_call *tc = ctx;
	if (tc->stop)
		return;
	if (tc->mode == SEARCH_PREFIX) {
		tc->stop = tc->fn(w, len, start, end, 0, tc->ctx);
		return;
	}
	buf_reset(&tc->stem);
	stem_word(&tc->stem, w, len);
	tc->stop = tc->fn(tc->stem.data ? tc->stem.data : "", tc->stem.len, start, end, 0, tc->ctx);
	if (!tc->stop && tc->mode == SEARCH_DOCUMENT && (tc->stem.len != len || memcmp(tc->stem.data, w, len) != 0))
		tc->stop = tc->fn(w, len, start, end, 1, tc->ctx);
}

int search_tokens(const char *text, size_t n, enum search_mode mode,
		  int (*fn)(const char *tok, size_t len, size_t start, size_t end, int colocated, void *ctx), void *ctx)
{
	struct tok_call tc = {mode, fn, ctx, BUF_INIT, 0};
	textnorm_words_at(text, n, tok_word, &tc);
	buf_free(&tc.stem);
	return tc.stop;
}

/* terms_tok: search_tokens callback for search_terms: appends stems, space-separated. */
static int terms_tok(const char *tok, size_t len, size_t start, size_t end, int colocated, void *ctx)
{
	(void)start;
	(void)end;
	struct buf *out = ctx;
	if (colocated)
		return 0;
	if (out->len)
		buf_putc(out, ' ');
	buf_append(out, tok, len);
	return 0;
}

void search_terms(struct buf *out, const char *text, size_t n)
{
	struct buf b = BUF_INIT;
	search_tokens(text, n, SEARCH_DOCUMENT, terms_tok, &b);
	buf_append(out, b.data ? b.data : "", b.len);
	buf_free(&b);
}

/* ---- queries ---- */

struct parse_ctx {
	struct arena *a;
	struct search_term t;
	int truncated;
};

/* parse_word: textnorm_words callback: adds a folded word to the term being built. */
static void parse_word(const char *w, size_t len, void *ctx)
{
	struct parse_ctx *pc = ctx;
	if (pc->t.nwords == SEARCH_MAX_WORDS) {
		pc->truncated = 1;
		return;
	}
	pc->t.words[pc->t.nwords++] = arena_strndup(pc->a, w, len);
}

/* add_term: parses the words of s[0..n) into one term of out (nothing when it has no words). */
static void add_term(struct arena *a, struct search_query *out, const char *s, size_t n, int quoted, int prefix)
{
	struct parse_ctx pc = {a, {0}, 0};
	textnorm_words(s, n, parse_word, &pc);
	out->truncated |= pc.truncated;
	if (pc.t.nwords == 0)
		return;
	if (out->nterms == SEARCH_MAX_TERMS) {
		out->truncated = 1;
		return;
	}
	pc.t.phrase = quoted || pc.t.nwords > 1;
	pc.t.prefix = prefix && pc.t.nwords == 1;
	out->terms[out->nterms++] = pc.t;
}

void search_parse(struct arena *a, const char *q, size_t n, struct search_query *out)
{
	memset(out, 0, sizeof *out);
	size_t i = 0;
	while (i < n) {
		char c = q[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			i++;
		} else if (c == '"') {
			size_t s = ++i;
			while (i < n && q[i] != '"')
				i++;
			add_term(a, out, q + s, i - s, 1, 0);
			if (i < n)
				i++; /* the closing quote */
		} else {
			size_t s = i;
			while (i < n && q[i] != '"' && q[i] != ' ' && q[i] != '\t' && q[i] != '\n' && q[i] != '\r' &&
			       q[i] != '\f' && q[i] != '\v')
				i++;
			add_term(a, out, q + s, i - s, 0, i > s && q[i - 1] == '*');
		}
	}
}

const char *search_match_expr(struct arena *a, const struct search_query *q)
{
	if (q->nterms == 0)
		return NULL;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < q->nterms; i++) {
		const struct search_term *t = &q->terms[i];
		if (i)
			buf_putc(&b, ' ');
		buf_putc(&b, '"');
		for (size_t k = 0; k < t->nwords; k++) {
			if (k)
				buf_putc(&b, ' ');
			/* folded words hold only word characters; doubling quotes keeps the string closed anyway */
			for (const char *p = t->words[k]; *p; p++) {
				if (*p == '"')
					buf_putc(&b, '"');
				buf_putc(&b, *p);
			}
		}
		buf_putc(&b, '"');
		if (t->prefix)
			buf_lit(&b, " *");
	}
	const char *r = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return r;
}

/* ---- snippets ---- */

void search_snippet_html(struct buf *out, const char *snippet, size_t n)
{
	static const char open_m[] = SEARCH_MARK_OPEN, close_m[] = SEARCH_MARK_CLOSE;
	struct buf esc = BUF_INIT, plain = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		if (snippet[i] != '*' && snippet[i] != '_' && snippet[i] != '#' && snippet[i] != '`')
			buf_putc(&plain, snippet[i]);
	buf_html(&esc, plain.data ? plain.data : "", plain.len);
	int open = 0;
	size_t i = 0;
	while (i < esc.len) {
		if (esc.len - i >= 3 && memcmp(esc.data + i, open_m, 3) == 0) {
			if (!open)
				buf_lit(out, "<mark>");
			open = 1;
			i += 3;
		} else if (esc.len - i >= 3 && memcmp(esc.data + i, close_m, 3) == 0) {
			if (open)
				buf_lit(out, "</mark>");
			open = 0;
			i += 3;
		} else {
			buf_putc(out, esc.data[i++]);
		}
	}
	if (open)
		buf_lit(out, "</mark>");
	buf_free(&esc);
	buf_free(&plain);
}
