/* uri.c - request path and query decoding (see uri.h). */
#include "uri.h"

#include <string.h>
#include <strings.h>

#include "escape.h"

/* uri_hexval: see uri.h. */
int uri_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int uri_decode(struct arena *a, const char *s, size_t n, int plus_space, char **out)
{
	char *d = arena_alloc(a, n + 1);
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			if (i + 2 >= n)
				return URI_BAD_ESCAPE;
			int hi = uri_hexval(s[i + 1]), lo = uri_hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return URI_BAD_ESCAPE;
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		if (c == '\0')
			return URI_NUL;
		d[j++] = c;
	}
	d[j] = '\0';
	if (!utf8_valid(d, j))
		return URI_BAD_UTF8;
	*out = d;
	return URI_OK;
}

int uri_split(struct arena *a, const char *target, char **path, const char **query)
{
	size_t tlen = strcspn(target, "#"); /* a fragment ends both the path and the query */
	const char *q = memchr(target, '?', tlen);
	size_t plen = q ? (size_t)(q - target) : tlen;
	int rc = uri_decode(a, target, plen, 0, path);
	if (rc != URI_OK)
		return rc;
	*query = q ? arena_strndup(a, q + 1, tlen - plen - 1) : "";
	return URI_OK;
}

int uri_parse_query(struct arena *a, const char *query, struct uri_param *params, size_t max)
{
	size_t n = 0;
	const char *p = query;
	while (*p) {
		size_t len = strcspn(p, "&;");
		if (len > 0) {
			if (n >= max)
				return URI_TOO_MANY;
			const char *eq = memchr(p, '=', len);
			size_t klen = eq ? (size_t)(eq - p) : len;
			char *k, *v;
			int rc = uri_decode(a, p, klen, 1, &k);
			if (rc != URI_OK)
				return rc;
			if (eq)
				rc = uri_decode(a, eq + 1, len - klen - 1, 1, &v);
			else
				v = arena_strdup(a, "");
			if (rc != URI_OK)
				return rc;
			params[n].name = k;
			params[n].value = v;
			n++;
		}
		p += len;
		if (*p)
			p++;
	}
	return (int)n;
}

const char *uri_strerror(int code)
{
	switch (code) {
	case URI_BAD_ESCAPE: return "The address contains a broken percent-escape (a % not followed by two hex digits).";
	case URI_BAD_UTF8: return "The address contains bytes that are not valid UTF-8 text.";
	case URI_NUL: return "The address contains a NUL byte, which no page address can hold.";
	case URI_TOO_MANY: return "The address has too many query parameters.";
	default: return "The address could not be read.";
	}
}

int uri_local_path(const char *s)
{
	if (!s || s[0] != '/' || s[1] == '/')
		return 0;
	int in_path = 1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			return 0;
		if (*p == '?' || *p == '#')
			in_path = 0;
		if (in_path && p[0] == '/' && p[1] == '/')
			return 0;
	}
	return 1;
}

int uri_local_path_under(const char *s, const char *prefix)
{
	return uri_local_path(s) && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* lower_copy: s[0..n) in lower case into the arena. */
static char *lower_copy(struct arena *a, const char *s, size_t n)
{
	char *d = arena_strndup(a, s, n);
	for (size_t i = 0; i < n; i++)
		if (d[i] >= 'A' && d[i] <= 'Z')
			d[i] = (char)(d[i] - 'A' + 'a');
	return d;
}

const char *uri_origin(struct arena *a, const char *url)
{
	if (!url)
		return NULL;
	const char *scheme = strncasecmp(url, "https://", 8) == 0  ? "https"
			     : strncasecmp(url, "http://", 7) == 0 ? "http"
								   : NULL;
	if (!scheme)
		return NULL;
	const char *host = url + strlen(scheme) + 3;
	size_t n = strcspn(host, "/?#");
	if (n == 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)host[i] <= 0x20 || host[i] == 0x7f || host[i] == '@' || host[i] == '\\')
			return NULL;
	/* the host ends at the port's ':' (an IPv6 literal is in brackets and has its own) */
	size_t hostlen;
	if (host[0] == '[') {
		const char *close = memchr(host, ']', n);
		if (!close)
			return NULL;
		hostlen = (size_t)(close - host) + 1;
		if (hostlen < n && host[hostlen] != ':')
			return NULL;
	} else {
		const char *colon = memchr(host, ':', n);
		hostlen = colon ? (size_t)(colon - host) : n;
	}
	if (hostlen == 0)
		return NULL;
	const char *port = hostlen < n ? host + hostlen + 1 : "";
	size_t portlen = hostlen < n ? n - hostlen - 1 : 0;
	if (hostlen < n && (portlen == 0 || portlen > 5 || strspn(port, "0123456789") < portlen))
		return NULL;
	int dflt = portlen == 0 || (strcmp(scheme, "http") == 0 && portlen == 2 && strncmp(port, "80", 2) == 0) ||
		   (strcmp(scheme, "https") == 0 && portlen == 3 && strncmp(port, "443", 3) == 0);
	const char *h = lower_copy(a, host, hostlen);
	return dflt ? arena_printf(a, "%s://%s", scheme, h) : arena_printf(a, "%s://%s:%.*s", scheme, h, (int)portlen, port);
}
