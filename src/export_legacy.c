/* export_legacy.c - the static export's nginx maps of the old site's addresses (issue 23: "old links keep
 * working" on the static copy; see export.h and docs/operations.md "Moving from WordPress: old links").
 *
 * nginx's $uri is the request path percent-decoded and normalised (slashes merged, "." and ".." resolved),
 * so each address is keyed by its decoded bytes (legacy_urls holds legacy_path_norm's spelling: decoding
 * it gives one key), which every percent-encoding of it (upper- or lower-case hex, raw UTF-8, mixed)
 * reaches; with and without its trailing slash. WordPress's plain permalinks ("/?p=12") are keyed in a
 * second map by the six query parameters, which nginx gives decoded of nothing ($arg_p is raw), as
 * legacy_path_norm keeps them. nginx compares map strings ignoring ASCII case, so keys equal but for case
 * are written once (the first in path order). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "export.h"
#include "pages.h"
#include "util.h"

/* the query parameters of the second map's key, in its order */
static const char *const wp_params[] = {"p", "page_id", "attachment_id", "cat", "tag", "author"};

struct map_entry {
	int query;            /* 1: the query map */
	const char *key, *to; /* arena strings */
	size_t order;         /* position in path order, to keep the first of keys equal but for case */
};

/* nginx_safe: whether s can stand in double quotes in nginx's configuration as it is: no control byte,
 * quote or backslash, and (a value) no '$' that nginx would read as a variable. */
static int nginx_safe(const char *s, int value)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || (value && c == '$'))
			return 0;
	}
	return 1;
}

/* own_prefix: whether path is under /admin, /api, /static or /media, which the server never looks up
 * (legacy_looked_up). */
static int own_prefix(const char *path)
{
	static const char *const own[] = {"/admin", "/api", "/static", "/media"};
	for (size_t i = 0; i < ARRAY_LEN(own); i++) {
		size_t n = strlen(own[i]);
		if (strncmp(path, own[i], n) == 0 && (path[n] == '\0' || path[n] == '/'))
			return 1;
	}
	return 0;
}

/* hexv: the value of hex digit c, or -1. */
static int hexv(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* decoded: path (a normal form, without query) with every %XX decoded, in the arena. */
static char *decoded(struct arena *a, const char *path)
{
	char *out = arena_strdup(a, path), *o = out;
	for (const char *s = path; *s; s++) {
		if (s[0] == '%' && hexv(s[1]) >= 0 && hexv(s[2]) >= 0) {
			*o++ = (char)(hexv(s[1]) * 16 + hexv(s[2]));
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

/* query_key: the second map's key for a normal path "/?NAME=VALUE": the six parameters' values joined by
 * '/', VALUE in NAME's place; NULL for any other path. In the arena. */
static const char *query_key(struct arena *a, const char *path)
{
	if (strncmp(path, "/?", 2) != 0)
		return NULL;
	const char *eq = strchr(path, '=');
	if (!eq)
		return NULL;
	struct buf b = BUF_INIT;
	int found = 0;
	for (size_t i = 0; i < ARRAY_LEN(wp_params); i++) {
		if (i)
			buf_putc(&b, '/');
		if ((size_t)(eq - path - 2) == strlen(wp_params[i]) && strncmp(path + 2, wp_params[i], strlen(wp_params[i])) == 0) {
			buf_append(&b, eq + 1, strlen(eq + 1));
			found = 1;
		}
	}
	const char *k = found ? arena_strdup(a, buf_cstr(&b)) : NULL;
	buf_free(&b);
	return k;
}

/* cmp_entry: qsort order: the query map last, then keys ignoring ASCII case, then path order. */
static int cmp_entry(const void *x, const void *y)
{
	const struct map_entry *p = x, *q = y;
	if (p->query != q->query)
		return p->query - q->query;
	int c = strcasecmp(p->key, q->key);
	return c ? c : (p->order > q->order) - (p->order < q->order);
}

/* add_entry: appends {query, key, to} to the growing array *v (*n entries, room for *cap; malloc'd). */
static void add_entry(struct map_entry **v, size_t *n, size_t *cap, int query, const char *key, const char *to)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 256;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	(*v)[*n] = (struct map_entry){query, key, to, *n};
	(*n)++;
}

/* collect: every old address whose target has an address now, as map entries (keys with and without the
 * trailing slash). Returns 0, or -1 when the store cannot be read. */
static int collect(struct db *db, struct arena *a, struct map_entry **v, size_t *n, size_t *cap)
{
	const char *after = "";
	for (;;) {
		struct db_legacy_url *us;
		size_t nu;
		if (db_legacy_list(db, a, after, 1000, &us, &nu) != DB_OK)
			return -1;
		for (size_t i = 0; i < nu; i++) {
			const char *to = legacy_href(a, &us[i]);
			if (!to || !nginx_safe(to, 1))
				continue;
			const char *qk = query_key(a, us[i].path);
			if (qk) {
				if (nginx_safe(qk, 0))
					add_entry(v, n, cap, 1, qk, to);
				continue;
			}
			if (strchr(us[i].path, '?') || strcmp(us[i].path, "/") == 0 || own_prefix(us[i].path))
				continue; /* another path's query, or the live server's own: as the server */
			const char *key = decoded(a, us[i].path);
			if (!nginx_safe(key, 0))
				continue;
			add_entry(v, n, cap, 0, key, to);
			add_entry(v, n, cap, 0, arena_printf(a, "%s/", key), to);
		}
		if (nu < 1000)
			return 0;
		after = us[nu - 1].path;
	}
}

/* export_legacy_map: see export.h. */
int export_legacy_map(struct db *db, struct buf *b, long *entries)
{
	struct arena a = ARENA_INIT;
	struct map_entry *v = NULL;
	size_t n = 0, cap = 0;
	*entries = 0;
	if (collect(db, &a, &v, &n, &cap) < 0) {
		free(v);
		arena_free(&a);
		return -1;
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_entry);
	size_t longest = 0;
	for (size_t i = 0; i < n; i++)
		if (strlen(v[i].key) > longest)
			longest = strlen(v[i].key);
	/* a bucket holds a pointer, the key's length and bytes (aligned) and an end marker: leave room */
	size_t bucket = 64;
	while (bucket < longest + 32)
		bucket *= 2;
	buf_printf(b, "# The old site's addresses (legacy_urls) and where they are now: written by `broadsheet export`.\n"
		      "# In nginx's http { }: include this file, with map_hash_bucket_size %zu; (its longest address) and\n"
		      "# map_hash_max_size %zu; then in the server { }:\n"
		      "#     if ($bs_legacy) { return 301 $bs_legacy; }\n"
		      "#     location = / { if ($bs_legacy_query) { return 301 $bs_legacy_query; } return 302 /en/; }\n"
		      "# See docs/operations.md, \"Moving from WordPress: old links\".\n",
		   bucket, n < 1024 ? (size_t)1024 : 2 * n);
	static const char *const heads[] = {
		"map $uri $bs_legacy {\n",
		"map \"$arg_p/$arg_page_id/$arg_attachment_id/$arg_cat/$arg_tag/$arg_author\" $bs_legacy_query {\n"};
	for (int q = 0; q < 2; q++) {
		buf_append(b, heads[q], strlen(heads[q]));
		buf_lit(b, "    default \"\";\n");
		for (size_t i = 0; i < n; i++) {
			if (v[i].query != q)
				continue;
			if (i && v[i - 1].query == q && strcasecmp(v[i].key, v[i - 1].key) == 0)
				continue; /* nginx would refuse the second: the first in path order stays */
			buf_printf(b, "    \"%s\" \"%s\";\n", v[i].key, v[i].to);
			(*entries)++;
		}
		buf_lit(b, "}\n");
	}
	free(v);
	arena_free(&a);
	return 0;
}
