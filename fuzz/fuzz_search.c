/* fuzz_search.c - the search pipeline on a visitor's query and on indexed text: search_parse and
 * search_match_expr (every token must stay a quoted FTS5 string), search_tokens in its three modes (the
 * FTS5 tokenizer's work), search_terms, stem_word on each word, and search_snippet_html. */
#include "fuzz.h"

#include "arena.h"
#include "buf.h"
#include "escape.h"
#include "search.h"
#include "stem.h"

struct tok_ctx {
	size_t n;
	int colocated_ok;
};

/* on_token: tokens are non-empty and their original offsets lie inside the text. */
static int on_token(const char *tok, size_t len, size_t start, size_t end, int colocated, void *ctx)
{
	struct tok_ctx *c = ctx;
	FUZZ_ASSERT(tok != NULL && len > 0);
	FUZZ_ASSERT(start <= end && end <= c->n);
	FUZZ_ASSERT(!colocated || c->colocated_ok);
	struct buf b = BUF_INIT;
	stem_word(&b, tok, len);
	buf_free(&b);
	return 0;
}

/* check_expr: every character outside the quoted strings is a space or the '*' of a prefix, so no query
 * can become FTS5 syntax ("" inside a string is an escaped quote). */
static void check_expr(const char *e)
{
	int in = 0;
	for (const char *p = e; *p; p++) {
		if (*p == '"') {
			if (in && p[1] == '"') {
				p++;
				continue;
			}
			in = !in;
		} else if (!in) {
			FUZZ_ASSERT(*p == ' ' || *p == '*');
		}
	}
	FUZZ_ASSERT(!in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct arena a = ARENA_INIT;
	struct search_query q;
	search_parse(&a, s, size, &q);
	FUZZ_ASSERT(q.nterms <= SEARCH_MAX_TERMS);
	for (size_t i = 0; i < q.nterms; i++) {
		FUZZ_ASSERT(q.terms[i].nwords >= 1 && q.terms[i].nwords <= SEARCH_MAX_WORDS);
		for (size_t k = 0; k < q.terms[i].nwords; k++)
			FUZZ_ASSERT(utf8_valid(q.terms[i].words[k], strlen(q.terms[i].words[k])));
	}
	const char *expr = search_match_expr(&a, &q);
	FUZZ_ASSERT((expr == NULL) == (q.nterms == 0));
	if (expr)
		check_expr(expr);
	static const enum search_mode modes[] = {SEARCH_DOCUMENT, SEARCH_QUERY, SEARCH_PREFIX};
	for (size_t m = 0; m < 3; m++) {
		struct tok_ctx c = {.n = size, .colocated_ok = modes[m] == SEARCH_DOCUMENT};
		FUZZ_ASSERT(search_tokens(s, size, modes[m], on_token, &c) == 0);
	}
	struct buf b = BUF_INIT;
	search_terms(&b, s, size);
	buf_reset(&b);
	search_snippet_html(&b, s, size);
	buf_free(&b);
	arena_free(&a);
	return 0;
}
