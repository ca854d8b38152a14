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

/* uri_hexval: the value of the hex digit c (either case), or -1 when c is not one. */
int uri_hexval(int c);

/* uri_decode: percent-decodes s[0..n) into a new arena string; plus_space turns '+' into ' '
 * (form encoding). Returns URI_OK with *out set, or a negative URI_* code. */
int uri_decode(struct arena *a, const char *s, size_t n, int plus_space, char **out);

/* uri_split: splits a raw request target "/path?query" into its decoded path (*path) and the raw
 * query (*query, "" when absent), both in the arena. Returns URI_OK or a negative URI_* code. */
int uri_split(struct arena *a, const char *target, char **path, const char **query);

/* uri_parse_query: decodes "a=1&b=2" into at most max params. Returns the count, or a negative
 * URI_* code (URI_TOO_MANY when there are more than max). */
int uri_parse_query(struct arena *a, const char *query, struct uri_param *params, size_t max);

/* uri_local_path: the one check of a redirect target that came from a request (the log-in's next, the
 * moderation queue's back). 1 when s is a path on this site, safe as a Location value: it starts with a
 * single "/" (so it names no scheme and no host), its path part (before '?' or '#') has no "//", and it
 * has no backslash (browsers read it as "/") and no control character (CR or LF would end the header;
 * TAB and the others have no place in an address). Else 0, also for NULL. */
int uri_local_path(const char *s);

/* uri_local_path_under: 1 when uri_local_path(s) and s starts with prefix, else 0. */
int uri_local_path_under(const char *s, const char *prefix);

/* uri_origin: the origin of an absolute http(s) URL (an Origin or Referer header, base_url): "scheme://host"
 * plus ":port" unless it is the scheme's default, in lower case, in the arena. NULL when url does not
 * start with http:// or https:// and a host, or its authority has user information ('@'), a space or a
 * control character, or an unreadable port. */
const char *uri_origin(struct arena *a, const char *url);

/* uri_strerror: a reader-facing sentence for a URI_* code. */
const char *uri_strerror(int code);

#endif
