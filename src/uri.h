/* uri.h - decoding what arrives in a request line: the path and the query string. Pure functions.
 * A decoded value is always valid UTF-8 without NUL bytes; anything else is refused, so no later code
 * sees a string that could be cut short or misread. */
#ifndef BROADSHEET_URI_H
#define BROADSHEET_URI_H
#include <stddef.h>

#include "arena.h"

struct uri_param {
	const char *name, *value; /* decoded, in the arena */
};

enum { URI_OK = 0, URI_BAD_ESCAPE = -1, URI_BAD_UTF8 = -2, URI_NUL = -3, URI_TOO_MANY = -4 };

/* uri_decode: percent-decodes s[0..n) into a new arena string; plus_space turns '+' into ' '
 * (form encoding). Returns URI_OK with *out set, or a negative URI_* code. */
int uri_decode(struct arena *a, const char *s, size_t n, int plus_space, char **out);

/* uri_split: splits a raw request target "/path?query" into its decoded path (*path) and the raw
 * query (*query, "" when absent), both in the arena. Returns URI_OK or a negative URI_* code. */
int uri_split(struct arena *a, const char *target, char **path, const char **query);

/* uri_parse_query: decodes "a=1&b=2" into at most max params. Returns the count, or a negative
 * URI_* code (URI_TOO_MANY when there are more than max). */
int uri_parse_query(struct arena *a, const char *query, struct uri_param *params, size_t max);

/* uri_strerror: a reader-facing sentence for a URI_* code. */
const char *uri_strerror(int code);

#endif
