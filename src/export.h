/* export.h - the static export: the whole public site written as files that nginx can serve
 * (`broadsheet export`, docs/operations.md#static-export).
 *
 * Pages are rendered in-process through the route table (routes_render), exactly as an anonymous reader
 * would get them, by a pool of worker threads. The URLs come from the store (editions, sections, tags,
 * authors, every published article, feeds, sitemaps), the media directory and the built-in static files,
 * and then from the links of every page rendered (pagination, sitemap parts, renditions), so a link in
 * an exported page always has its file. A manifest in OUTDIR (.broadsheet-export) keeps a hash of every
 * file: a re-run rewrites only files whose bytes changed and removes those whose URL is gone. */
#ifndef BROADSHEET_EXPORT_H
#define BROADSHEET_EXPORT_H
#include <stddef.h>

#include "arena.h"

struct app;

#define EXPORT_MANIFEST ".broadsheet-export"

enum export_progress { EXPORT_QUIET = 0, EXPORT_LINES = 1, EXPORT_BAR = 2 };

struct export_options {
	const char *outdir;
	int jobs;                      /* worker threads, 1 to 64 */
	int compress;                  /* also write .gz and .br siblings of text files */
	enum export_progress progress; /* on stderr */
};

struct export_stats {
	long written, unchanged, removed; /* URL files (their .gz/.br siblings go with them) */
	long redirects;                   /* linked URLs that answer 3xx: no file (see the nginx snippet) */
	long broken;                      /* linked or listed URLs that answer 404 */
	long failed;                      /* URLs that could not be rendered or written */
	double seconds;
};

/* export_site: exports app's public site into o->outdir (created when missing). Fills *st. Returns 0 when
 * every URL was rendered and written (broken links are reported on stderr but do not fail), -1 with a
 * reason in err when OUTDIR is unusable or the store cannot be read, or 1 when some URLs failed (then no
 * file is removed, and the manifest keeps the old entries). */
int export_site(struct app *app, const struct export_options *o, struct export_stats *st, char *err,
		size_t errlen);

/* export_target: the target to render for a link found in a page (raw attribute value, "&amp;" not yet
 * decoded) or NULL when it is not part of the static site: other hosts, fragments only, the newsroom,
 * the APIs, comment posts, and queries other than ?page=N (N >= 2). An absolute link on base_url is made
 * root-relative; the query of /static/ and /media/ links (cache busters) is dropped. In the arena. */
const char *export_target(struct arena *a, const char *link, size_t len, const char *base_url);

/* export_file: the file, relative to OUTDIR, that holds the reply to target ("/en/" -> "en/index.html",
 * "/en/section/world?page=2" -> "en/section/world.page-2.html", "/en/rss.xml" -> "en/rss.xml"). html:
 * the reply is an HTML page (so gets ".html" unless the path ends in '/'). NULL when the path does not
 * decode or has an empty, "." or ".."-prefixed segment, or a non-HTML reply has a query. In the arena. */
const char *export_file(struct arena *a, const char *target, int html);

/* export_links: calls fn(ctx, link, len) for every link in body: href, src and srcset values in HTML, and
 * <loc> elements in sitemaps. */
void export_links(const char *body, size_t len, void (*fn)(void *ctx, const char *link, size_t len), void *ctx);

/* The nginx maps of the old site's addresses, written beside the manifest (a dot file: the snippet's
 * `location ~ /\.` keeps it from readers) by every export (export_legacy.c). */
#define EXPORT_LEGACY_MAP ".broadsheet-legacy.map"

struct buf;
struct db;
/* export_legacy_map: appends to b two nginx maps (with a comment saying how to include them):
 * `map $uri $bs_legacy` from each old address (legacy_urls), percent-decoded as nginx's $uri is, with and
 * without its trailing slash, to its target's current address (legacy_href; an unpublished or gone
 * target is left out), and `map "$arg_p/.../$arg_author" $bs_legacy_query` from WordPress's plain
 * permalinks ("/?p=12" keyed "12/////"). Keys nginx could not hold (quotes, backslashes, control bytes)
 * are left out; keys equal but for ASCII case once. *entries: the lines written. Returns 0, or -1 when
 * the store cannot be read. */
int export_legacy_map(struct db *db, struct buf *b, long *entries);

#endif
