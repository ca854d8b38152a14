/* wp_pure.c - the WordPress import's pure parts (see wp_import.h): PHP-serialized values, status and date
 * mapping, slugs and upload paths. The shortcode preprocessing is in wp_shortcode.c. No I/O, no store. */
#include "wp_import.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "article.h"
#include "buf.h"
#include "uri.h"

/* The PHP reader's cursor. */
struct php_in {
	struct arena *a;
	const char *p, *end;
	int depth;
};

/* php_num: reads digits (with an optional '-') up to the terminator term into *v. Returns 0 or -1. */
static int php_num(struct php_in *in, char term, int64_t *v)
{
	int neg = 0;
	int64_t n = 0;
	int digits = 0;
	if (in->p < in->end && *in->p == '-') {
		neg = 1;
		in->p++;
	}
	while (in->p < in->end && *in->p >= '0' && *in->p <= '9') {
		if (n > (INT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (*in->p++ - '0');
		digits++;
	}
	if (!digits || in->p >= in->end || *in->p != term)
		return -1;
	in->p++;
	*v = neg ? -n : n;
	return 0;
}

static int php_value(struct php_in *in, struct wp_php *out);

/* php_string: s:LEN:"BYTES"; after the "s:". Returns 0 or -1. */
static int php_string(struct php_in *in, struct wp_php *out)
{
	int64_t len;
	if (php_num(in, ':', &len) < 0 || len < 0 || in->end - in->p < len + 3 || in->p[0] != '"' ||
	    in->p[len + 1] != '"' || in->p[len + 2] != ';')
		return -1;
	out->kind = WP_PHP_STRING;
	out->s = arena_strndup(in->a, in->p + 1, (size_t)len);
	in->p += len + 3;
	return 0;
}

/* php_array: a:N:{key;value...} after the "a:". Returns 0 or -1. */
static int php_array(struct php_in *in, struct wp_php *out)
{
	int64_t n;
	if (php_num(in, ':', &n) < 0 || n < 0 || n > (in->end - in->p) / 4 || in->p >= in->end || *in->p != '{' ||
	    ++in->depth > 16)
		return -1;
	in->p++;
	out->kind = WP_PHP_ARRAY;
	out->n = (size_t)n;
	out->keys = arena_alloc(in->a, (out->n ? out->n : 1) * sizeof *out->keys);
	out->vals = arena_alloc(in->a, (out->n ? out->n : 1) * sizeof *out->vals);
	for (size_t i = 0; i < out->n; i++) {
		if (php_value(in, &out->keys[i]) < 0 ||
		    (out->keys[i].kind != WP_PHP_INT && out->keys[i].kind != WP_PHP_STRING) ||
		    php_value(in, &out->vals[i]) < 0)
			return -1;
		if (out->keys[i].kind == WP_PHP_INT)
			out->keys[i].s = arena_printf(in->a, "%lld", (long long)out->keys[i].i);
	}
	if (in->p >= in->end || *in->p != '}')
		return -1;
	in->p++;
	in->depth--;
	return 0;
}

/* php_value: one value at the cursor into *out. Returns 0 or -1. */
static int php_value(struct php_in *in, struct wp_php *out)
{
	memset(out, 0, sizeof *out);
	if (in->end - in->p < 2)
		return -1;
	char t = in->p[0];
	if (t == 'N' && in->p[1] == ';') {
		in->p += 2;
		out->kind = WP_PHP_NULL;
		return 0;
	}
	if (in->p[1] != ':')
		return -1;
	in->p += 2;
	switch (t) {
	case 'b':
	case 'i':
		out->kind = t == 'b' ? WP_PHP_BOOL : WP_PHP_INT;
		return php_num(in, ';', &out->i);
	case 'd': {
		const char *semi = memchr(in->p, ';', (size_t)(in->end - in->p));
		if (!semi)
			return -1;
		out->kind = WP_PHP_DOUBLE;
		out->s = arena_strndup(in->a, in->p, (size_t)(semi - in->p));
		in->p = semi + 1;
		return 0;
	}
	case 's':
		return php_string(in, out);
	case 'a':
		return php_array(in, out);
	default:
		return -1; /* objects (O:, C:), references (r:, R:) and the rest */
	}
}

struct wp_php *wp_php_parse(struct arena *a, const char *text, size_t len)
{
	struct php_in in = {.a = a, .p = text, .end = text + len};
	struct wp_php *v = arena_alloc(a, sizeof *v);
	if (!text || php_value(&in, v) < 0)
		return NULL;
	while (in.p < in.end && (*in.p == ' ' || *in.p == '\n' || *in.p == '\r' || *in.p == '\t'))
		in.p++;
	return in.p == in.end ? v : NULL;
}

const struct wp_php *wp_php_get(const struct wp_php *v, const char *key)
{
	if (!v || v->kind != WP_PHP_ARRAY)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (v->keys[i].s && strcmp(v->keys[i].s, key) == 0)
			return &v->vals[i];
	return NULL;
}

const char *wp_status_map(const char *s, const char **why)
{
	static const char *const map[][2] = {{"publish", "published"}, {"future", "scheduled"}, {"draft", "draft"},
					     {"pending", "review"}};
	*why = NULL;
	for (size_t i = 0; s && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(s, map[i][0]) == 0)
			return map[i][1];
	if (s && strcmp(s, "private") == 0)
		*why = "private (visible only to logged-in WordPress editors)";
	else if (s && strcmp(s, "trash") == 0)
		*why = "in the trash";
	else if (s && strcmp(s, "auto-draft") == 0)
		*why = "an automatic draft WordPress never showed";
	else
		*why = "an unknown status";
	return NULL;
}

int wp_date_parse(const char *s, int64_t *t)
{
	int y, mo, d, h, mi, se;
	char extra;
	if (!s || sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &extra) != 6 || y < 1970 ||
	    mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 || h < 0 || mi < 0 || se < 0)
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = se};
	*t = (int64_t)timegm(&tm);
	return 0;
}

char *wp_pct_decode(struct arena *a, const char *text)
{
	size_t n = strlen(text);
	char *out = arena_alloc(a, n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		int h1, h2;
		if (text[i] == '%' && i + 2 < n && (h1 = uri_hexval(text[i + 1])) >= 0 &&
		    (h2 = uri_hexval(text[i + 2])) >= 0 && (h1 || h2)) {
			*o++ = (char)(h1 * 16 + h2);
			i += 2;
		} else {
			*o++ = text[i];
		}
	}
	*o = '\0';
	return out;
}

const char *wp_slug(struct arena *a, const char *wp, const char *title, int64_t wp_id)
{
	char slug[201];
	if (wp && *wp && article_slugify(wp_pct_decode(a, wp), slug, sizeof slug) > 0)
		return arena_strdup(a, slug);
	if (title && *title && article_slugify(title, slug, sizeof slug) > 0)
		return arena_strdup(a, slug);
	return arena_printf(a, "wp-%lld", (long long)wp_id);
}

const char *wp_uploads_rel(struct arena *a, const char *url)
{
	static const char mark[] = "/wp-content/uploads/";
	const char *p = url ? strstr(url, mark) : NULL;
	if (!p)
		return NULL;
	p += sizeof mark - 1;
	size_t n = strcspn(p, "?#");
	return n ? wp_pct_decode(a, arena_strndup(a, p, n)) : NULL;
}

const char *wp_strip_size(struct arena *a, const char *rel)
{
	const char *dot = strrchr(rel, '.'), *slash = strrchr(rel, '/');
	if (!dot || (slash && dot < slash))
		return rel;
	const char *p = dot; /* back over "-WIDTHxHEIGHT" */
	const char *q = p;
	while (q > rel && q[-1] >= '0' && q[-1] <= '9')
		q--;
	if (q == p || q == rel || q[-1] != 'x')
		return rel;
	p = q - 1;
	q = p;
	while (q > rel && q[-1] >= '0' && q[-1] <= '9')
		q--;
	if (q == p || q == rel || q[-1] != '-')
		return rel;
	return arena_printf(a, "%.*s%s", (int)(q - 1 - rel), rel, dot);
}
