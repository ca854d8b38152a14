/* search_tsq.h - what a PostgreSQL backend needs from the search pipeline besides search_terms(): a
 * parsed query written as a tsquery, and snippets cut in C from the stored text (SQLite has FTS5's
 * snippet() for that). Pure; thread-safe. */
#ifndef BROADSHEET_SEARCH_TSQ_H
#define BROADSHEET_SEARCH_TSQ_H
#include "arena.h"
#include "search.h"

/* search_tsquery: the tsquery text for a parsed query, for to_tsquery('simple', $1), in the arena: each
 * term's tokens (stems, as search_terms() writes them; a prefix term's last word folded only, never
 * stemmed, then :*) joined by <-> (a phrase, as FTS5 reads a quoted string), terms joined by &, every
 * token quoted ('...', quotes and backslashes doubled) so no input becomes tsquery syntax. NULL when no
 * term gives a token (the query matches nothing). */
const char *search_tsquery(struct arena *a, const struct search_query *q);

/* search_snippet: like FTS5's snippet(-1, SEARCH_MARK_OPEN, SEARCH_MARK_CLOSE, '…', 24) over the three
 * columns cols (headline, standfirst, body): the 24-token window with the most distinct matched terms
 * (then the most matches) of the column where that window scores best (the earlier column on a tie),
 * as original text with each matched word between the markers and "…" where text was cut. A document
 * token matches when it equals a query token, or starts with a prefix term's token; the unstemmed form
 * of a word counts too. A phrase is marked only where its words follow each other, as one mark. ""
 * when no column has a token. In the arena. */
const char *search_snippet(struct arena *a, const struct search_query *q, const char *const cols[3]);

#endif
