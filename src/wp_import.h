/* wp_import.h - `broadsheet import wordpress`: a WordPress eXtended RSS file (WXR 1.1/1.2, as WordPress's
 * exporter writes it) into a site: posts and pages to articles, authors to bylines (and, asked, newsroom
 * accounts without a password), categories to sections, tags, attachments to the media library, comments,
 * Polylang's languages and translation pairs, and every old address into legacy_urls. Streamed with
 * libxml2's xmlTextReader (network, DTDs and entities off; a DOCTYPE is refused), one transaction per batch,
 * resumable and idempotent through import_map. The pure parts (PHP-serialized values, status and date
 * mapping, slugs, shortcodes) are declared here too so tests/unit/test_wp.c can reach them. */
#ifndef BROADSHEET_WP_IMPORT_H
#define BROADSHEET_WP_IMPORT_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"

struct app;

/* What the command was asked. */
struct wp_options {
	const char *file;     /* the WXR file (its name in the report when data is set) */
	const char *data;     /* or the WXR itself (len bytes), e.g. the demo's embedded one; NULL: read file */
	size_t len;
	const char *uploads;  /* wp-content/uploads copied from the old site, or NULL (attachments skipped) */
	const char *edition;  /* "en", "ar" or NULL (the channel's <language> and Polylang decide) */
	const char *sections; /* the mapping file ("wp-category-slug = section-slug" lines), or NULL */
	const char *report;   /* where the JSON report goes, or NULL */
	int accounts;         /* also create newsroom accounts (no password) for the authors */
	int batch;            /* items per transaction (default 100) */
	int quiet;            /* no progress bar */
};

/* wp_import_run: imports o->file (or o->data) into app's site, prints the report on out (NULL: not printed)
 * and as JSON to o->report.
 * Returns 0 (done, perhaps with skipped items), 65 (the file was refused before anything was written: a
 * DOCTYPE, not a WXR, a bad encoding), 66 (a file cannot be read), 70 (a database error or the file broke
 * off part-way: the committed batches stay and the report says where it stopped). */
int wp_import_run(struct app *app, const struct wp_options *o, FILE *out);

/* ---- pure parts (wp_pure.c) ---- */

/* A PHP-serialized value (serialize()'s text): the kinds the exporter writes. */
enum wp_php_kind { WP_PHP_NULL, WP_PHP_BOOL, WP_PHP_INT, WP_PHP_DOUBLE, WP_PHP_STRING, WP_PHP_ARRAY };
struct wp_php {
	enum wp_php_kind kind;
	int64_t i;                /* BOOL, INT */
	const char *s;            /* STRING (NUL-terminated copy), DOUBLE's text */
	size_t n;                 /* ARRAY: pairs */
	struct wp_php *keys, *vals; /* ARRAY: n keys and n values */
};
/* wp_php_parse: the value serialized in text[0..len) (nested at most 16 deep, strings counted in bytes as
 * PHP counts them) into the arena. Objects and references are refused. Returns the value, or NULL when the
 * text is not a whole serialized value. Pure. */
struct wp_php *wp_php_parse(struct arena *a, const char *text, size_t len);
/* wp_php_get: the value of an ARRAY v under the string (or integer-as-text) key, or NULL. */
const struct wp_php *wp_php_get(const struct wp_php *v, const char *key);

/* How one WordPress status lands: the article status ("published", "scheduled", "draft", "review"), or NULL
 * with *why the reason it is skipped (private, trash, auto-draft, inherit, unknown). */
const char *wp_status_map(const char *wp_status, const char **why);
/* wp_date_parse: "YYYY-MM-DD HH:MM:SS" (UTC, as wp:post_date_gmt) into *t. Returns 0, or -1 when absent,
 * malformed or WordPress's "0000-00-00 00:00:00" (drafts carry it). */
int wp_date_parse(const char *s, int64_t *t);
/* wp_pct_decode: text with %XX decoded (either hex case; a bad escape is kept as it is), in the arena. */
char *wp_pct_decode(struct arena *a, const char *text);
/* wp_slug: the Broadsheet slug of a WordPress slug (percent-decoded, then article_slugify: Arabic stays
 * Arabic), falling back to the title, then "wp-ID". Arena string. */
const char *wp_slug(struct arena *a, const char *wp_slug, const char *title, int64_t wp_id);
/* wp_uploads_rel: the path under wp-content/uploads of a URL (…/wp-content/uploads/2024/03/a.jpg ->
 * "2024/03/a.jpg", percent-decoded), or NULL when the URL is not an upload. */
const char *wp_uploads_rel(struct arena *a, const char *url);
/* wp_strip_size: rel without WordPress's size suffix ("a-300x200.jpg" -> "a.jpg"); rel itself when it has
 * none. */
const char *wp_strip_size(struct arena *a, const char *rel);

/* An attachment as the shortcodes need it (the caller's table). */
struct wp_attachment_ref {
	const char *url, *alt, *caption;
};
/* wp_att_lookup_fn: the attachment with WordPress id id, or NULL. */
typedef const struct wp_attachment_ref *(*wp_att_lookup_fn)(void *ctx, int64_t id);
/* wp_preprocess: WordPress's shortcodes and block-editor comments in html made into the HTML htmlmd
 * understands: [caption]…[/caption] a <figure> with <figcaption>, [gallery ids="…"] and <!-- wp:gallery --> a
 * <figure class="wp-block-gallery"> of figures (attachments through look), [embed]URL[/embed] and
 * wp:embed a <figure class="wp-block-embed"> with a link, wp:pullquote a blockquote
 * class="wp-block-pullquote"; block comments themselves removed, classic posts' blank-line paragraphs
 * made <p>. Arena string. Pure. */
const char *wp_preprocess(struct arena *a, const char *html, wp_att_lookup_fn look, void *ctx);

#endif
