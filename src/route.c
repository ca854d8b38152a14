/* route.c - path pattern matching (see route.h). */
#include "route.h"

#include <string.h>

#include "util.h"

int route_match(const char *pattern, const char *path, struct route_params *params)
{
	params->n = 0;
	const char *p = pattern, *s = path;
	if (*p != '/' || *s != '/')
		return 0;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			if (!close || params->n >= ROUTE_MAX_PARAMS)
				return 0;
			size_t seglen = strcspn(s, "/");
			if (seglen == 0)
				return 0;
			params->p[params->n].name = p + 1;
			params->p[params->n].name_len = (size_t)(close - p - 1);
			params->p[params->n].value = s;
			params->p[params->n].value_len = seglen;
			params->n++;
			p = close + 1;
			s += seglen;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

int route_param(const struct route_params *params, const char *name, char *dst, size_t dstlen)
{
	size_t nlen = strlen(name);
	for (size_t i = 0; i < params->n; i++) {
		if (params->p[i].name_len == nlen && memcmp(params->p[i].name, name, nlen) == 0) {
			if (params->p[i].value_len >= dstlen)
				return -1;
			memcpy(dst, params->p[i].value, params->p[i].value_len);
			dst[params->p[i].value_len] = '\0';
			return 0;
		}
	}
	return -1;
}

int64_t route_param_id(const struct route_params *params, const char *name)
{
	char text[24];
	int64_t id;
	if (route_param(params, name, text, sizeof text) < 0 || util_parse_i64(text, &id) < 0 || id <= 0)
		return 0;
	return id;
}
