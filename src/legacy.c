/* legacy.c - the old site's addresses in one spelling (see legacy.h). */
#include "legacy.h"

#include <string.h>
#include <strings.h>

#include "uri.h"

/* keep_raw: whether byte c stays as it is in a normal path. */
static int keep_raw(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       strchr("-._~/!$&'()*+,;=:@", c) != NULL;
}

/* plain_query: whether q (after '?', up to its end) is one WordPress plain-permalink parameter with a
 * value of [A-Za-z0-9_-] ("p=12", "tag=news"). */
static int plain_query(const char *q, size_t len)
{
	static const char *const names[] = {"p=", "page_id=", "attachment_id=", "cat=", "tag=", "author="};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t nl = strlen(names[i]);
		if (len <= nl || strncmp(q, names[i], nl) != 0)
			continue;
		for (size_t j = nl; j < len; j++)
			if (!keep_raw((unsigned char)q[j]) || strchr("/&=", q[j]))
				return 0;
		return 1;
	}
	return 0;
}

/* legacy_path_norm: see legacy.h. */
const char *legacy_path_norm(struct arena *a, const char *raw)
{
	if (!raw)
		return NULL;
	if (strncasecmp(raw, "http://", 7) == 0 || strncasecmp(raw, "https://", 8) == 0) {
		raw = strchr(raw + (raw[4] == ':' ? 7 : 8), '/');
		if (!raw)
			raw = "/";
	}
	size_t plen = strcspn(raw, "?#");
	if (plen == 0 || raw[0] != '/' || plen > LEGACY_PATH_MAX)
		return NULL;
	const char *q = raw[plen] == '?' ? raw + plen + 1 : NULL;
	size_t qlen = q ? strcspn(q, "#") : 0;
	char *out = arena_alloc(a, plen * 3 + qlen + 3);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < plen; i++) {
		unsigned char c = (unsigned char)raw[i];
		if (c == '%' && i + 2 < plen && uri_hexval(raw[i + 1]) >= 0 && uri_hexval(raw[i + 2]) >= 0) {
			c = (unsigned char)(uri_hexval(raw[i + 1]) * 16 + uri_hexval(raw[i + 2]));
			i += 2;
		}
		if (c < 0x20 || c == 0x7f)
			return NULL;
		if (c == '/' && o > 0 && out[o - 1] == '/')
			continue;
		if (keep_raw(c)) {
			out[o++] = (char)c;
		} else {
			static const char hex[] = "0123456789ABCDEF";
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (o > 1 && out[o - 1] == '/')
		o--;
	out[o] = '\0';
	/* WordPress answers "/index.php/2018/x" and "/index.php?p=12" as "/2018/x" and "/?p=12" */
	if (strncmp(out, "/index.php", 10) == 0 && (out[10] == '\0' || out[10] == '/')) {
		memmove(out, out + 10, o - 9);
		o -= 10;
		if (o == 0) {
			out[o++] = '/';
			out[o] = '\0';
		}
	}
	if (strstr(out, "/../") || (o >= 3 && strcmp(out + o - 3, "/..") == 0) || o > LEGACY_PATH_MAX)
		return NULL;
	if (q && plain_query(q, qlen)) {
		out[o++] = '?';
		memcpy(out + o, q, qlen);
		o += qlen;
		out[o] = '\0';
	}
	return out;
}
