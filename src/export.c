/* export.c - the static export (see export.h).
 *
 * Worker threads take targets from one queue, render each through routes_render into their own arena,
 * compare the bytes' BLAKE2b hash with the manifest of the previous run and write only what changed,
 * each file to a temporary name first and renamed into place, so nginx never serves half a file. The
 * links of every rendered page go back into the queue (each file once). The export ends when the queue
 * is empty and no worker is busy; then files whose URLs were not seen are removed and the new manifest
 * replaces the old one. */
#include "export.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "buf.h"
#include "compress.h"
#include "db.h"
#include "embedded.h"
#include "http.h"
#include "log.h"
#include "progress.h"
#include "render.h"
#include "routes.h"
#include "uri.h"
#include "util.h"

#define HASH_BYTES 16
#define HASH_HEX (2 * HASH_BYTES + 1)
#define MAX_REPORTED 20 /* broken links and failures named on stderr */

/* A set of strings with an optional value, open addressing (keys and values owned by the set). */
struct strset {
	char **keys;
	char **vals;
	size_t cap, n;
};

struct exporter {
	struct app *app;
	const struct export_options *o;
	char *outdir; /* without a trailing '/' */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char **queue; /* targets to render; [head, len) are pending */
	size_t head, len, cap;
	int busy; /* workers rendering a target */
	struct strset seen;  /* targets queued once */
	struct strset files; /* files of this run -> their hash */
	struct strset old;   /* the previous run's manifest: file -> hash */
	struct export_stats st;
	long tmp_counter;
	long reported;
};

/* set_hash: FNV-1a of s, for the table position. */
static size_t set_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

/* set_slot: the slot of key in s, or of the empty slot where it would go. */
static size_t set_slot(const struct strset *s, const char *key)
{
	size_t i = set_hash(key) & (s->cap - 1);
	while (s->keys[i] && strcmp(s->keys[i], key) != 0)
		i = (i + 1) & (s->cap - 1);
	return i;
}

/* set_get: whether key is in s; *val (when given) gets its value (may be NULL). */
static int set_get(const struct strset *s, const char *key, const char **val)
{
	if (!s->cap)
		return 0;
	size_t i = set_slot(s, key);
	if (!s->keys[i])
		return 0;
	if (val)
		*val = s->vals[i];
	return 1;
}

/* set_put: adds key (copied) with val (copied, may be NULL) unless present. Returns 1 when added, 0 when
 * it was there already (its value then stays). Aborts when out of memory. */
static int set_put(struct strset *s, const char *key, const char *val)
{
	if (2 * (s->n + 1) > s->cap) {
		struct strset g = {xcalloc(s->cap ? 2 * s->cap : 1024, sizeof(char *)), NULL, s->cap ? 2 * s->cap : 1024, 0};
		g.vals = xcalloc(g.cap, sizeof(char *));
		for (size_t i = 0; i < s->cap; i++) {
			if (s->keys[i]) {
				size_t j = set_slot(&g, s->keys[i]);
				g.keys[j] = s->keys[i];
				g.vals[j] = s->vals[i];
				g.n++;
			}
		}
		free(s->keys);
		free(s->vals);
		*s = g;
	}
	size_t i = set_slot(s, key);
	if (s->keys[i])
		return 0;
	s->keys[i] = xstrdup(key);
	s->vals[i] = val ? xstrdup(val) : NULL;
	s->n++;
	return 1;
}

/* set_free: frees the set, its keys and values. */
static void set_free(struct strset *s)
{
	for (size_t i = 0; i < s->cap; i++) {
		free(s->keys[i]);
		free(s->vals[i]);
	}
	free(s->keys);
	free(s->vals);
	memset(s, 0, sizeof *s);
}

/* page_query: whether query is "page=N" with N a whole number from 2 up (no leading zero); *n gets N's
 * digits and *nlen their count. */
static int page_query(const char *query, const char **n, size_t *nlen)
{
	if (strncmp(query, "page=", 5) != 0)
		return 0;
	const char *d = query + 5;
	size_t k = strspn(d, "0123456789");
	if (k == 0 || k > 9 || d[k] || d[0] == '0' || (k == 1 && d[0] == '1'))
		return 0;
	*n = d;
	*nlen = k;
	return 1;
}

const char *export_target(struct arena *a, const char *link, size_t len, const char *base_url)
{
	struct buf b = BUF_INIT;
	/* HTML attribute values: the escaper writes '&' as "&amp;" (the only entity a link of ours holds) */
	for (size_t i = 0; i < len; i++) {
		if (link[i] == '&' && len - i >= 5 && memcmp(link + i, "&amp;", 5) == 0)
			i += 4;
		buf_append(&b, link + i, 1);
	}
	const char *s = buf_cstr(&b);
	size_t blen = base_url ? strlen(base_url) : 0;
	if (blen && strncmp(s, base_url, blen) == 0 && (s[blen] == '/' || s[blen] == '\0'))
		s = s[blen] ? s + blen : "/";
	size_t n = strcspn(s, "#");
	char *t = arena_strndup(a, s, n);
	buf_free(&b);
	if (t[0] != '/' || t[1] == '/')
		return NULL; /* relative, fragment-only, another host or scheme */
	if (strncmp(t, "/admin", 6) == 0 || strncmp(t, "/api/", 5) == 0 || strncmp(t, "/comments/", 10) == 0)
		return NULL;
	char *q = strchr(t, '?');
	if (q && (strncmp(t, "/static/", 8) == 0 || strncmp(t, "/media/", 7) == 0))
		*q = '\0';
	else if (q) {
		const char *digits;
		size_t nd;
		if (!page_query(q + 1, &digits, &nd))
			return NULL;
	}
	return t;
}

const char *export_file(struct arena *a, const char *target, int html)
{
	char *path;
	const char *query;
	if (uri_split(a, target, &path, &query) != URI_OK || path[0] != '/')
		return NULL;
	const char *digits = NULL;
	size_t nd = 0;
	if (*query && !page_query(query, &digits, &nd))
		return NULL;
	if (*query && !html)
		return NULL;
	/* every segment non-empty (but the last, for "/x/"), none hidden or a dot-dot */
	for (const char *p = path + 1; *p;) {
		size_t seg = strcspn(p, "/");
		if (seg == 0 || p[0] == '.')
			return NULL;
		p += seg;
		if (*p == '/')
			p++;
	}
	size_t plen = strlen(path);
	const char *rel = path + 1;
	const char *sfx = digits ? arena_printf(a, ".page-%.*s", (int)nd, digits) : "";
	if (path[plen - 1] == '/')
		return arena_printf(a, "%sindex%s.html", rel, sfx);
	if (html)
		return arena_printf(a, "%s%s.html", rel, sfx);
	return arena_strdup(a, rel);
}

/* attr_value: when s (at most end) starts an attribute value in double quotes, its length up to the
 * closing quote; else -1. */
static long attr_value(const char *s, const char *end)
{
	const char *q = memchr(s, '"', (size_t)(end - s));
	return q ? (long)(q - s) : -1;
}

void export_links(const char *body, size_t len, void (*fn)(void *ctx, const char *link, size_t len), void *ctx)
{
	static const struct {
		const char *open;
		char close;
		int srcset;
	} marks[] = {{" href=\"", '"', 0}, {" src=\"", '"', 0}, {" srcset=\"", '"', 1}, {"<loc>", '<', 0}};
	const char *end = body + len;
	for (const char *p = body; p < end; p++) {
		if (*p != ' ' && *p != '<')
			continue;
		for (size_t m = 0; m < ARRAY_LEN(marks); m++) {
			size_t ol = strlen(marks[m].open);
			if ((size_t)(end - p) < ol || memcmp(p, marks[m].open, ol) != 0)
				continue;
			const char *v = p + ol;
			long vl;
			if (marks[m].close == '"') {
				vl = attr_value(v, end);
			} else {
				const char *c = memchr(v, '<', (size_t)(end - v));
				vl = c ? (long)(c - v) : -1;
			}
			if (vl < 0)
				break;
			if (!marks[m].srcset) {
				fn(ctx, v, (size_t)vl);
			} else {
				/* "url 320w, url 640w": the first word of each comma-separated candidate */
				const char *c = v, *ve = v + vl;
				while (c < ve) {
					while (c < ve && (*c == ' ' || *c == ','))
						c++;
					const char *w = c;
					while (c < ve && *c != ' ' && *c != ',')
						c++;
					if (c > w)
						fn(ctx, w, (size_t)(c - w));
					while (c < ve && *c != ',')
						c++;
				}
			}
			p = v + vl - 1;
			break;
		}
	}
}

/* enqueue_locked: queues target unless it was queued before (caller holds mu). */
static void enqueue_locked(struct exporter *e, const char *target)
{
	if (!set_put(&e->seen, target, NULL))
		return;
	if (e->len == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 4096;
		e->queue = xrealloc(e->queue, e->cap * sizeof *e->queue);
	}
	e->queue[e->len++] = xstrdup(target);
}

struct found {
	struct exporter *e;
	struct arena *a;
	const char **targets;
	size_t n, cap;
};

/* collect_link: export_links callback: keeps the link's target (if any) in the worker's list. */
static void collect_link(void *ctx, const char *link, size_t len)
{
	struct found *f = ctx;
	const char *t = export_target(f->a, link, len, f->e->app->cfg.base_url);
	if (!t)
		return;
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 64;
		const char **g = arena_alloc(f->a, f->cap * sizeof *g);
		if (f->n)
			memcpy(g, f->targets, f->n * sizeof *g);
		f->targets = g;
	}
	f->targets[f->n++] = t;
}

/* write_atomic: writes data to OUTDIR/rel through a temporary file in the same directory (made when
 * missing) and a rename. No fsync: an interrupted export is run again. Returns 0 or -1 (errno set). */
static int write_atomic(struct exporter *e, const char *rel, const void *data, size_t len)
{
	char path[4096], tmp[4200];
	if (snprintf(path, sizeof path, "%s/%s", e->outdir, rel) >= (int)sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	pthread_mutex_lock(&e->mu);
	long k = ++e->tmp_counter;
	pthread_mutex_unlock(&e->mu);
	snprintf(tmp, sizeof tmp, "%s.tmp-%ld-%ld", path, (long)getpid(), k);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT) {
		char *slash = strrchr(path, '/');
		*slash = '\0';
		int rc = util_mkdir_p(path);
		*slash = '/';
		if (rc < 0)
			return -1;
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		return -1;
	if (util_write_all(fd, data, len) < 0) {
		int saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		int saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

/* file_size: the size of OUTDIR/rel, or -1 when it is missing. */
static long long file_size(const struct exporter *e, const char *rel)
{
	char path[4096];
	struct stat sb;
	if (snprintf(path, sizeof path, "%s/%s", e->outdir, rel) >= (int)sizeof path || stat(path, &sb) < 0)
		return -1;
	return (long long)sb.st_size;
}

/* report: names a problem ("what: target") on stderr (the first MAX_REPORTED only). */
static void report(struct exporter *e, const char *what, const char *target)
{
	pthread_mutex_lock(&e->mu);
	long n = ++e->reported;
	pthread_mutex_unlock(&e->mu);
	if (n <= MAX_REPORTED)
		fprintf(stderr, "%s%s: %s\n", e->o->progress == EXPORT_BAR ? "\r\033[K" : "", what, target);
	else if (n == MAX_REPORTED + 1)
		fprintf(stderr, "(more problems not shown)\n");
}

/* export_one: renders target and writes its file (and siblings) when the bytes changed; queues its links.
 * Counts the outcome in e->st. */
static void export_one(struct exporter *e, const char *target)
{
	struct arena a = ARENA_INIT;
	struct http_response res = {0};
	int status = routes_render(e->app, target, &a, &res);
	const char *kind = NULL; /* the outcome counted below */
	const char *rel = NULL, *hex = NULL;
	struct found f = {e, &a, NULL, 0, 0};
	/* the error pages, for nginx's error_page: each edition's "not found" page, in the site's design */
	int error_page = status == 404 && (strcmp(target, "/en/404") == 0 || strcmp(target, "/ar/404") == 0);
	if (status == 200 || error_page) {
		int html = strncmp(res.content_type, "text/html", 9) == 0;
		rel = export_file(&a, target, html);
		if (!rel) {
			kind = "failed";
			report(e, "no file name for", target);
		} else {
			unsigned char h[HASH_BYTES];
			char *hx = arena_alloc(&a, HASH_HEX);
			crypto_generichash(h, sizeof h, (const unsigned char *)(res.body.data ? res.body.data : ""),
					   res.body.len, NULL, 0);
			sodium_bin2hex(hx, HASH_HEX, h, sizeof h);
			hex = hx;
			int zip = e->o->compress && compress_worth(res.content_type);
			const char *was = NULL;
			pthread_mutex_lock(&e->mu);
			int known = set_get(&e->old, rel, &was);
			pthread_mutex_unlock(&e->mu);
			if (known && was && strcmp(was, hex) == 0 && file_size(e, rel) == (long long)res.body.len &&
			    (!zip || (file_size(e, arena_printf(&a, "%s.gz", rel)) >= 0 &&
				      file_size(e, arena_printf(&a, "%s.br", rel)) >= 0))) {
				kind = "unchanged";
			} else if (write_atomic(e, rel, res.body.data ? res.body.data : "", res.body.len) < 0) {
				kind = "failed";
				report(e, arena_printf(&a, "cannot write %s/%s (%s) for", e->outdir, rel, strerror(errno)),
				       target);
			} else {
				kind = "written";
				size_t zl = 0, bl = 0;
				/* level 9, quality 9 and a window fitted to the page: the smallest files, the same bytes every run */
				char *gz = zip ? compress_gzip(res.body.data, res.body.len, 9, 9, &zl) : NULL;
				char *br = zip ? compress_brotli(res.body.data, res.body.len, 9, 0, &bl) : NULL;
				if (zip && (!gz || !br || write_atomic(e, arena_printf(&a, "%s.gz", rel), gz, zl) < 0 ||
					    write_atomic(e, arena_printf(&a, "%s.br", rel), br, bl) < 0)) {
					kind = "failed";
					report(e, "cannot write the compressed copies for", target);
				}
				free(gz);
				free(br);
			}
		}
		if (html || strstr(res.content_type, "xml"))
			export_links(res.body.data ? res.body.data : "", res.body.len, collect_link, &f);
	} else if (status >= 300 && status < 400) {
		kind = "redirect";
	} else if (status == 404) {
		kind = "broken";
		report(e, "404 Not Found", target);
	} else {
		kind = "failed";
		report(e, arena_printf(&a, "%d %s", status, http_status_text(status)), target);
	}
	pthread_mutex_lock(&e->mu);
	if (strcmp(kind, "written") == 0 || strcmp(kind, "unchanged") == 0) {
		if (!set_put(&e->files, rel, hex)) {
			/* two targets spelled differently for one file: count it once */
		} else if (kind[0] == 'w') {
			e->st.written++;
		} else {
			e->st.unchanged++;
		}
	} else if (kind[0] == 'r') {
		e->st.redirects++;
	} else if (kind[0] == 'b') {
		e->st.broken++;
	} else {
		e->st.failed++;
	}
	for (size_t i = 0; i < f.n; i++)
		enqueue_locked(e, f.targets[i]);
	pthread_mutex_unlock(&e->mu);
	buf_free(&res.body);
	arena_free(&a);
}

/* worker: takes targets until the queue is empty and no other worker can add to it. */
static void *worker(void *arg)
{
	struct exporter *e = arg;
	pthread_mutex_lock(&e->mu);
	for (;;) {
		while (e->head == e->len && e->busy > 0)
			pthread_cond_wait(&e->cv, &e->mu);
		if (e->head == e->len)
			break;
		char *t = e->queue[e->head];
		e->queue[e->head++] = NULL;
		e->busy++;
		pthread_mutex_unlock(&e->mu);
		export_one(e, t);
		free(t);
		pthread_mutex_lock(&e->mu);
		e->busy--;
		pthread_cond_broadcast(&e->cv);
	}
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

/* media_served: whether /media/ serves a file of this name: an image type, and a name that needs no
 * escaping in a URL (leftover temporary files and the like are not seeded). */
static int media_served(const char *name)
{
	static const char *const exts[] = {".jpg", ".jpeg", ".png", ".webp", ".svg"};
	const char *dot = strrchr(name, '.');
	if (!dot || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(name))
		return 0;
	for (size_t i = 0; i < ARRAY_LEN(exts); i++)
		if (strcmp(dot, exts[i]) == 0)
			return 1;
	return 0;
}

/* seed_media: queues every image under the media directory (uploads and their renditions). */
static void seed_media(struct exporter *e, const char *dir, const char *prefix, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *path = NULL, *url = NULL;
		if (asprintf(&path, "%s/%s", dir, de->d_name) < 0 || asprintf(&url, "%s/%s", prefix, de->d_name) < 0) {
			free(path);
			fprintf(stderr, "broadsheet: out of memory\n");
			abort();
		}
		struct stat sb;
		int ok = stat(path, &sb) == 0;
		if (ok && S_ISDIR(sb.st_mode) && depth < 3)
			seed_media(e, path, url, depth + 1);
		else if (ok && S_ISREG(sb.st_mode) && media_served(de->d_name))
			enqueue_locked(e, url);
		free(path);
		free(url);
	}
	closedir(d);
}

/* seed_live: queues what each published live blog has beyond its page (issue 21): every entry's own page
 * (the page links only the newest), the entries' RSS and Atom feeds and the poll document live.json, so
 * that live.js keeps a static copy current each time the export runs again. Returns 0, or -1 on a store
 * error. */
static int seed_live(struct exporter *e)
{
	struct arena a = ARENA_INIT;
	struct db_article *arts;
	size_t n;
	int rc = db_live_blogs_published(e->app->db, &a, &arts, &n) == DB_OK ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const char *href = render_article_href(&a, &arts[i]);
		static const char *const files[] = {"/rss.xml", "/atom.xml", "/live.json"};
		for (size_t k = 0; k < ARRAY_LEN(files); k++)
			enqueue_locked(e, arena_printf(&a, "%s%s", href, files[k]));
		for (int64_t before = 0;;) {
			struct db_live_entry *es;
			size_t ne;
			if (db_live_entries(e->app->db, &a, arts[i].id, before, 100, &es, &ne) != DB_OK) {
				rc = -1;
				break;
			}
			for (size_t k = 0; k < ne; k++)
				enqueue_locked(e, arena_printf(&a, "%s/entry/%lld", href, (long long)es[k].id));
			if (ne < 100)
				break;
			before = es[ne - 1].id;
		}
	}
	arena_free(&a);
	return rc;
}

/* seed: queues the URLs the store and the build know: each edition's front page, feeds and search page,
 * sections, tags and authors with their feeds, every published article, robots.txt, the sitemap index,
 * the built-in static files and every media file. Returns 0, or -1 when the store cannot be read. */
static int seed(struct exporter *e)
{
	struct arena a = ARENA_INIT;
	struct db *db = e->app->db;
	static const char *const eds[] = {"en", "ar"};
	static const char *const feeds[] = {"", "/rss.xml", "/atom.xml"};
	int rc = 0;
	enqueue_locked(e, "/robots.txt");
	enqueue_locked(e, "/sitemap.xml");
	enqueue_locked(e, "/en/404"); /* written as en/404.html and ar/404.html (see export_one) */
	enqueue_locked(e, "/ar/404");
	for (const struct embedded_file *f = embedded_files; f->path; f++)
		if (strncmp(f->path, "static/", 7) == 0)
			enqueue_locked(e, arena_printf(&a, "/%s", f->path));
	for (size_t i = 0; i < ARRAY_LEN(eds) && rc == 0; i++) {
		const char *ed = eds[i];
		enqueue_locked(e, arena_printf(&a, "/%s/", ed));
		enqueue_locked(e, arena_printf(&a, "/%s/rss.xml", ed));
		enqueue_locked(e, arena_printf(&a, "/%s/atom.xml", ed));
		enqueue_locked(e, arena_printf(&a, "/%s/search", ed));
		struct db_section *secs;
		struct db_tag *tags;
		struct db_author *aus;
		size_t ns, nt, na;
		if (db_sections_list(db, &a, ed, &secs, &ns) != DB_OK || db_tags_list(db, &a, ed, &tags, &nt) != DB_OK ||
		    db_authors_list(db, &a, ed, &aus, &na) != DB_OK) {
			rc = -1;
			break;
		}
		for (size_t k = 0; k < ARRAY_LEN(feeds); k++) {
			for (size_t j = 0; j < ns; j++)
				enqueue_locked(e, arena_printf(&a, "%s%s", render_href(&a, ed, "section", secs[j].slug), feeds[k]));
			for (size_t j = 0; j < nt; j++)
				enqueue_locked(e, arena_printf(&a, "%s%s", render_href(&a, ed, "tag", tags[j].slug), feeds[k]));
			for (size_t j = 0; j < na; j++)
				enqueue_locked(e, arena_printf(&a, "%s%s", render_href(&a, ed, "author", aus[j].slug), feeds[k]));
		}
	}
	/* every published article, a slice at a time */
	for (int64_t off = 0; rc == 0;) {
		struct arena s = ARENA_INIT;
		struct db_sitemap_query q = {.from = INT64_MIN, .to = INT64_MAX, .offset = off, .limit = 5000};
		struct db_sitemap_entry *es;
		size_t n;
		if (db_sitemap_entries(db, &s, &q, &es, &n) != DB_OK) {
			rc = -1;
		} else {
			for (size_t i = 0; i < n; i++) {
				struct db_article art = {.edition = es[i].edition, .slug = es[i].slug,
							 .published_at = es[i].published_at};
				enqueue_locked(e, render_article_href(&s, &art));
			}
		}
		arena_free(&s);
		if (rc < 0 || n < 5000)
			break;
		off += (int64_t)n;
	}
	arena_free(&a);
	if (rc == 0)
		rc = seed_live(e);
	if (rc == 0)
		seed_media(e, e->app->media_dir, "/media", 0);
	return rc;
}

/* load_manifest: reads OUTDIR's manifest ("HASH FILE" lines) into e->old; a missing one is empty.
 * Returns 0, or -1 when it exists but cannot be read. */
static int load_manifest(struct exporter *e)
{
	char *path = NULL;
	if (asprintf(&path, "%s/%s", e->outdir, EXPORT_MANIFEST) < 0)
		abort();
	size_t len;
	char *text = util_read_file(path, &len);
	free(path);
	if (!text)
		return errno == ENOENT ? 0 : -1;
	for (char *line = text; line < text + len;) {
		char *nl = memchr(line, '\n', (size_t)(text + len - line));
		if (!nl)
			break;
		*nl = '\0';
		if (strlen(line) > HASH_HEX && line[HASH_HEX - 1] == ' ') {
			line[HASH_HEX - 1] = '\0';
			set_put(&e->old, line + HASH_HEX, line);
		}
		line = nl + 1;
	}
	free(text);
	return 0;
}

/* cmp_str: qsort comparison of two string pointers. */
static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* save_manifest: writes the files of this run (and, after failures, the old entries not seen, so that
 * they stay tracked) as the new manifest, sorted, atomically, unless the manifest on disk already says
 * exactly that. Returns 0 or -1 (errno set). */
static int save_manifest(struct exporter *e)
{
	if (e->st.failed) {
		for (size_t i = 0; i < e->old.cap; i++)
			if (e->old.keys[i])
				set_put(&e->files, e->old.keys[i], e->old.vals[i]);
	}
	char **keys = xmalloc((e->files.n ? e->files.n : 1) * sizeof *keys);
	size_t n = 0;
	for (size_t i = 0; i < e->files.cap; i++)
		if (e->files.keys[i])
			keys[n++] = e->files.keys[i];
	qsort(keys, n, sizeof *keys, cmp_str);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const char *h = NULL;
		set_get(&e->files, keys[i], &h);
		buf_append(&b, h ? h : "", h ? strlen(h) : 0);
		buf_putc(&b, ' ');
		buf_append(&b, keys[i], strlen(keys[i]));
		buf_putc(&b, '\n');
	}
	free(keys);
	/* unchanged: left alone, like the files */
	char *path = NULL;
	if (asprintf(&path, "%s/%s", e->outdir, EXPORT_MANIFEST) < 0)
		abort();
	size_t len = 0;
	char *was = util_read_file(path, &len);
	free(path);
	int same = was && len == b.len && memcmp(was, b.data ? b.data : "", len) == 0;
	free(was);
	int rc = same ? 0 : write_atomic(e, EXPORT_MANIFEST, b.data ? b.data : "", b.len);
	buf_free(&b);
	return rc;
}

/* remove_gone: deletes the files of the previous run whose URLs were not seen now (with their .gz and
 * .br siblings), and the directories that leaves empty. */
static void remove_gone(struct exporter *e)
{
	for (size_t i = 0; i < e->old.cap; i++) {
		const char *rel = e->old.keys[i];
		if (!rel || set_get(&e->files, rel, NULL) || rel[0] == '.' || strstr(rel, "/."))
			continue;
		static const char *const sfx[] = {"", ".gz", ".br"};
		char path[4200];
		int gone = 0;
		for (size_t k = 0; k < ARRAY_LEN(sfx); k++) {
			snprintf(path, sizeof path, "%s/%s%s", e->outdir, rel, sfx[k]);
			gone |= unlink(path) == 0 && k == 0;
		}
		e->st.removed += gone;
		/* then its directories, innermost first, while they are empty */
		snprintf(path, sizeof path, "%s/%s", e->outdir, rel);
		char *slash;
		while ((slash = strrchr(path, '/')) && (size_t)(slash - path) > strlen(e->outdir)) {
			*slash = '\0';
			if (rmdir(path) < 0)
				break;
		}
	}
}

/* write_legacy_map: writes OUTDIR/EXPORT_LEGACY_MAP (export_legacy_map), unless it holds that already.
 * Returns 0, or -1 (logged) when the store cannot be read or the file written. */
static int write_legacy_map(struct exporter *e)
{
	struct buf b = BUF_INIT;
	long n = 0;
	int rc = export_legacy_map(e->app->db, &b, &n);
	if (rc == 0) {
		char *path = NULL;
		if (asprintf(&path, "%s/%s", e->outdir, EXPORT_LEGACY_MAP) < 0)
			abort();
		size_t len = 0;
		char *was = util_read_file(path, &len);
		if (!(was && len == b.len && memcmp(was, buf_cstr(&b), len) == 0))
			rc = write_atomic(e, EXPORT_LEGACY_MAP, buf_cstr(&b), b.len);
		if (rc < 0)
			log_error("export: %s: %s", path, strerror(errno));
		else if (n)
			log_info("export: %ld old address(es) in %s", n, path);
		free(was);
		free(path);
	}
	buf_free(&b);
	return rc;
}

/* show_progress: one progress report on stderr: a bar redrawn in place, or a plain line. */
static void show_progress(struct exporter *e, int final)
{
	long done = e->st.written + e->st.unchanged + e->st.redirects + e->st.broken + e->st.failed;
	long known = (long)e->len;
	if (e->o->progress == EXPORT_BAR) {
		progress_bar(stderr, done, known, final, "%ld/%ld URLs (%ld written, %ld unchanged)", done, known,
			     e->st.written, e->st.unchanged);
	} else if (e->o->progress == EXPORT_LINES && !final) {
		fprintf(stderr, "export: %ld of %ld URLs known so far (%ld written, %ld unchanged)\n", done, known,
			e->st.written, e->st.unchanged);
	}
}

/* prepare_outdir: makes OUTDIR when missing and checks it is a writable directory. Returns 0, or -1
 * with the reason in err. */
static int prepare_outdir(const char *dir, char *err, size_t errlen)
{
	struct stat sb;
	if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a directory", dir);
		return -1;
	}
	if (util_mkdir_p(dir) < 0) {
		snprintf(err, errlen, "cannot create the output directory %s: %s", dir, strerror(errno));
		return -1;
	}
	/* a real write (access(2) says yes to root even on a read-only file system) */
	char probe[4200];
	snprintf(probe, sizeof probe, "%s/.broadsheet-probe-%ld", dir, (long)getpid());
	int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write in the output directory %s: %s", dir, strerror(errno));
		return -1;
	}
	close(fd);
	unlink(probe);
	return 0;
}

int export_site(struct app *app, const struct export_options *o, struct export_stats *st, char *err,
		size_t errlen)
{
	memset(st, 0, sizeof *st);
	if (prepare_outdir(o->outdir, err, errlen) < 0)
		return -1;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct exporter e = {.app = app, .o = o};
	e.outdir = xstrdup(o->outdir);
	for (size_t n = strlen(e.outdir); n > 1 && e.outdir[n - 1] == '/'; n--)
		e.outdir[n - 1] = '\0';
	pthread_mutex_init(&e.mu, NULL);
	pthread_cond_init(&e.cv, NULL);
	int rc = 0;
	/* every tag and author page is read: a site never served has no planner statistics, and without
	 * them each of those pages reads its whole edition (150 ms at 100,000 articles). A store that
	 * cannot be written keeps its old ones (logged) and is exported all the same. */
	int64_t made = -1;
	if (db_analyze(app->db, 0, &made) == DB_OK && made >= 0)
		log_info("export: query planner statistics made for %lld article(s)", (long long)made);
	if (load_manifest(&e) < 0) {
		snprintf(err, errlen, "cannot read %s/%s: %s", e.outdir, EXPORT_MANIFEST, strerror(errno));
		rc = -1;
	} else if (seed(&e) < 0) {
		snprintf(err, errlen, "the site's store could not be read (see the log above)");
		rc = -1;
	}
	if (rc == 0) {
		db_bulk_reads(app->db); /* for the workers' connections */
		int jobs = o->jobs < 1 ? 1 : o->jobs > 64 ? 64 : o->jobs;
		pthread_t th[64];
		int started = 0;
		for (int i = 0; i < jobs; i++)
			if (pthread_create(&th[started], NULL, worker, &e) == 0)
				started++;
		if (!started) {
			snprintf(err, errlen, "cannot start a worker thread");
			rc = -1;
		} else {
			/* workers broadcast after every URL: wake on a short timer and report every 0.2 s (bar)
			 * or 5 s (lines) */
			double every = o->progress == EXPORT_BAR ? 0.2 : 5.0, last = 0;
			pthread_mutex_lock(&e.mu);
			while (e.head < e.len || e.busy > 0) {
				struct timespec until, now;
				clock_gettime(CLOCK_REALTIME, &until);
				until.tv_nsec += 200000000L;
				if (until.tv_nsec >= 1000000000L) {
					until.tv_sec++;
					until.tv_nsec -= 1000000000L;
				}
				pthread_cond_timedwait(&e.cv, &e.mu, &until);
				clock_gettime(CLOCK_MONOTONIC, &now);
				double t = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
				if (t - last >= every) {
					show_progress(&e, 0);
					last = t;
				}
			}
			pthread_mutex_unlock(&e.mu);
			for (int i = 0; i < started; i++)
				pthread_join(th[i], NULL);
			show_progress(&e, 1);
			if (!e.st.failed)
				remove_gone(&e);
			if (write_legacy_map(&e) < 0) {
				snprintf(err, errlen, "cannot write %s/%s (see the log above)", e.outdir, EXPORT_LEGACY_MAP);
				rc = -1;
			}
			if (save_manifest(&e) < 0) {
				snprintf(err, errlen, "cannot write %s/%s: %s", e.outdir, EXPORT_MANIFEST, strerror(errno));
				rc = -1;
			} else if (e.st.failed) {
				rc = 1;
			}
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	e.st.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	*st = e.st;
	for (size_t i = e.head; i < e.len; i++)
		free(e.queue[i]);
	free(e.queue);
	set_free(&e.seen);
	set_free(&e.files);
	set_free(&e.old);
	pthread_cond_destroy(&e.cv);
	pthread_mutex_destroy(&e.mu);
	free(e.outdir);
	return rc;
}
