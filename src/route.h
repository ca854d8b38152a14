/* route.h - matching a decoded request path against route patterns.
 * A pattern is a path of literal segments and {name} placeholders, each matching one non-empty
 * segment: "/{edition}/section/{slug}". A pattern ending in "/" matches only paths ending in "/".
 * Pure functions; the table of routes itself is in routes.c. */
#ifndef BROADSHEET_ROUTE_H
#define BROADSHEET_ROUTE_H
#include <stddef.h>
#include <stdint.h>

#define ROUTE_MAX_PARAMS 8

struct route_params {
	size_t n;
	struct {
		const char *name; /* points into the pattern */
		size_t name_len;
		const char *value; /* points into the path */
		size_t value_len;
	} p[ROUTE_MAX_PARAMS];
};

/* route_match: 1 when path matches pattern (filling params), else 0. */
int route_match(const char *pattern, const char *path, struct route_params *params);

/* route_param: copies the named parameter into dst (NUL-terminated, at most dstlen-1 bytes).
 * Returns 0, or -1 when absent or too long. */
int route_param(const struct route_params *params, const char *name, char *dst, size_t dstlen);

/* route_param_id: the parameter as a positive whole number (a row id), or 0 when absent or malformed. */
int64_t route_param_id(const struct route_params *params, const char *name);

#endif
