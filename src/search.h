/* search.h - the search pipeline shared by the SQLite FTS5 tokenizer, the search page and the tests:
 * words are split and folded by textnorm, then stemmed by stem.c; queries are parsed into terms (words,
 * "phrases", prefix*) and written out as an FTS5 MATCH expression in which every token is a quoted
 * string, so no user input can become FTS5 syntax. Pure; thread-safe (stemming locks libstemmer). */
#ifndef BROADSHEET_SEARCH_H
#define BROADSHEET_SEARCH_H
#include <stddef.h>

#include "arena.h"
#include "buf.h"

/* How search_tokens treats words. */
enum search_mode {
	SEARCH_DOCUMENT, /* index: the stem, plus the unstemmed folded word at the same position when it differs */
	SEARCH_QUERY,    /* a query word: the stem only */
	SEARCH_PREFIX,   /* a prefix query (word*): the folded word only, never stemmed */
};

/* search_tokens: splits text[0..n) into tokens and calls fn(tok, len, start, end, colocated, ctx) for each:
 * start..end are the ORIGINAL byte offsets of the word; colocated is 1 for the extra unstemmed form that
 * shares the previous token's position (SEARCH_DOCUMENT only). fn may stop early by returning non-zero,
 * which search_tokens returns; else 0. tok is a temporary. Allocates only temporaries. */
int search_tokens(const char *text, size_t n, enum search_mode mode,
		  int (*fn)(const char *tok, size_t len, size_t start, size_t end, int colocated, void *ctx), void *ctx);

/* search_terms: appends the normalised and stemmed tokens of text[0..n) to out, separated by single
 * spaces (stems only: what a PostgreSQL backend would index with to_tsvector('simple', ...)). */
void search_terms(struct buf *out, const char *text, size_t n);

#define SEARCH_MAX_TERMS 16
#define SEARCH_MAX_WORDS 8 /* words kept in one phrase */

/* One term of a parsed query: a word, a word* prefix or a "phrase" of words, all in folded form. */
struct search_term {
	int prefix;  /* the (single) word is a prefix: word* */
	int phrase;  /* written in quotes (or a word with inner punctuation): words must be consecutive */
	size_t nwords;
	const char *words[SEARCH_MAX_WORDS];
};

/* Reader and newsroom searches rank and count only the newest SEARCH_CANDIDATES matches (by publication
 * time), so a word found in most of a million articles costs the same as a rarer one. */
#define SEARCH_CANDIDATES 1000

struct search_query {
	size_t nterms;
	struct search_term terms[SEARCH_MAX_TERMS];
	int truncated; /* terms (or words of a phrase) beyond the limits were dropped */
};

/* search_parse: parses the user's query q[0..n) (any bytes; invalid UTF-8 is dropped by folding) into
 * terms, all AND-ed: "..." is a phrase (an unbalanced quote runs to the end), word* a prefix, every other
 * run of words a term. Words are folded (textnorm) but not stemmed. Strings live in the arena. A query
 * with no words gives nterms = 0. */
void search_parse(struct arena *a, const char *q, size_t n, struct search_query *out);

/* search_match_expr: the FTS5 MATCH expression for a parsed query, in the arena: each term a quoted
 * string ("word", "word" *, "w1 w2"), joined by spaces (AND). NULL when the query has no terms. */
const char *search_match_expr(struct arena *a, const struct search_query *q);

/* The markers FTS5's snippet() puts around highlighted tokens (private-use code points U+E000, U+E001,
 * which the stored text never needs), and the snippet's ellipsis. */
#define SEARCH_MARK_OPEN "\xEE\x80\x80"
#define SEARCH_MARK_CLOSE "\xEE\x80\x81"

/* search_snippet_html: appends snippet[0..n) to out as HTML: everything escaped (buf_html), then the
 * markers turned into <mark> and </mark> (an unclosed mark is closed at the end). Markdown emphasis and
 * heading signs (* _ # `) are dropped so the snippet reads as text. */
void search_snippet_html(struct buf *out, const char *snippet, size_t n);

#endif
