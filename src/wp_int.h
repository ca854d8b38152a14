/* wp_int.h - the WordPress import's internals shared by its files (wp_xml.c reads, wp_import.c drives,
 * wp_post.c, wp_media.c and wp_comments.c store, wp_report.c reports). Not for other modules. */
#ifndef BROADSHEET_WP_INT_H
#define BROADSHEET_WP_INT_H
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "wp_import.h"

struct app;

/* A <category domain=… nicename=…>name</category> of an item. */
struct wp_catref {
	const char *domain, *nicename, *name;
};
struct wp_meta {
	const char *key, *value;
};
struct wp_comment {
	int64_t id, parent;
	const char *author, *email, *date_gmt, *content, *approved, *type;
};

/* One <item> as read (arena strings, "" when absent). */
struct wp_item {
	int64_t id, parent;
	const char *title, *link, *guid, *creator, *content, *excerpt, *date_gmt, *modified_gmt, *post_name,
		*status, *type, *attachment_url;
	int sticky;
	struct wp_catref *cats;
	size_t ncats;
	struct wp_meta *meta;
	size_t nmeta;
	struct wp_comment *comments;
	size_t ncomments;
	const char *checksum; /* of the item's whole XML */
	int line;
};

/* The channel's lists (pass 1, before the items). */
struct wp_author {
	const char *login, *email, *display;
};
struct wp_cat {
	const char *nicename, *parent, *name; /* nicename and parent as the export writes them (percent-encoded) */
	int64_t term_id;
};
struct wp_term {
	const char *taxonomy, *slug, *name, *description;
	int64_t term_id;
};

/* An attachment remembered between the passes. */
struct wp_att {
	int64_t id, parent;
	const char *file, *rel, *link; /* uploads-relative path as given and without a size suffix; attachment page */
	const char *credit, *copyright, *checksum;
	struct wp_attachment_ref ref;
};

/* What the report counts per kind. */
struct wp_count {
	long imported, updated, unchanged, skipped;
};
struct wp_skip {
	const char *kind, *why;
	int64_t id;
};
#define WP_SKIPS_MAX 1000

/* One run's state. */
struct wp_run {
	struct app *app;
	const struct wp_options *o;
	struct arena a; /* whole run: channel lists, attachments table, report */
	const char *source, *lang_edition;
	struct wp_author *authors;
	size_t nauthors, cap_authors;
	struct wp_cat *cats;
	size_t ncats, cap_cats;
	struct wp_term *terms;
	size_t nterms, cap_terms;
	struct wp_att *atts;
	size_t natts, cap_atts;
	size_t *by_id, *by_rel, *by_parent; /* indexes of atts sorted (after pass 1) */
	const char **map_from, **map_to; /* --sections lines */
	size_t nmap;
	const char *cat_base, *tag_base; /* archive bases: "category", "tag" */
	struct wp_count posts, media, comments, terms_count;
	struct wp_skip *skips;
	size_t nskips;
	long skips_more;
	const char **dropped_what; /* per post, summaries */
	long dropped;
	long dropped_posts;
	long items_seen, items_total;
	long sticky_rank;
	long accounts_made;
	const char *stopped; /* where and why the file broke off, or NULL */
	int refused;         /* the file was refused before anything was written */
	int db_failed;
	int64_t now;
};

/* wp_xml.c: reading the file. */
typedef int (*wp_item_fn)(struct wp_run *r, struct arena *a, const struct wp_item *it);
/* wp_xml_pass: reads r->o->file once: pass 1 (channel) fills r's channel lists and counts items, calling fn
 * for every attachment; pass 2 calls fn for every other item. Each fn call gets a scratch arena. Returns
 * 0 when the file was read to its end, -1 when it stopped (r->stopped says where and why, r->refused when
 * nothing may be written). */
int wp_xml_pass(struct wp_run *r, int pass, wp_item_fn fn);
/* wp_meta: the item's postmeta value for key, or NULL. */
const char *wp_meta_get(const struct wp_item *it, const char *key);

/* wp_post.c: wp_post_import: item it (pass 2: a post, a page or another type, skipped) imported, updated or
 * left unchanged, with its comments. Returns 0 (skips included), or -1 on a database error. */
int wp_post_import(struct wp_run *r, struct arena *a, const struct wp_item *it);
/* wp_media.c: wp_attachment_import: attachment item it remembered in r's table (pass 1; nothing written).
 * Returns 0. */
int wp_attachment_import(struct wp_run *r, struct arena *a, const struct wp_item *it);
/* wp_attachments_store: the attachments remembered in pass 1 into the media library, in batches. 0 or -1. */
int wp_attachments_store(struct wp_run *r);
/* wp_att_by_id: the remembered attachment with WordPress id id, or NULL (after wp_attachments_store). */
const struct wp_att *wp_att_by_id(struct wp_run *r, int64_t id);
/* wp_media_for_src: htmlmd's image callback (ctx: the run): the media id an <img src> (any size variant
 * of an upload) was imported as, or 0. */
int64_t wp_media_for_src(void *ctx, const char *src, const char *alt, const char *caption, const char *credit);
/* wp_att_ref: wp_preprocess's attachment lookup (ctx: the run). */
const struct wp_attachment_ref *wp_att_ref(void *ctx, int64_t id);
/* wp_attachment_pages: the attachment pages (and ?attachment_id= forms) of post post_id's attachments now
 * point to its article. DB_OK or DB_ERROR. */
int wp_attachment_pages(struct wp_run *r, int64_t post_id, int64_t article_id);
/* wp_comments.c: wp_comments_import: item it's comments onto article_id (those not imported before).
 * Returns 0, or -1 on a database error. */
int wp_comments_import(struct wp_run *r, struct arena *a, const struct wp_item *it, int64_t article_id);
/* wp_account: with --accounts, a newsroom account (reporter, no password, the author's e-mail) for au unless
 * its login exists. 0 or -1 (database). */
int wp_account(struct wp_run *r, struct arena *a, const struct wp_author *au);
/* wp_report.c: wp_skip names a skipped item (kind, WordPress id, why; copied; at most WP_SKIPS_MAX kept, the
 * rest counted); wp_progress redraws the bar on a terminal's stderr; wp_report prints the report on out;
 * wp_report_json writes it as JSON to path (0, or -1 after printing why). */
void wp_skip(struct wp_run *r, const char *kind, int64_t id, const char *why);
void wp_progress(struct wp_run *r, int final);
void wp_report(struct wp_run *r, FILE *out);
int wp_report_json(struct wp_run *r, const char *path);
/* wp_legacy: records old address raw (a URL or path) for kind/target. DB_OK or DB_ERROR (a path that is not
 * one is skipped: DB_OK). */
int wp_legacy(struct wp_run *r, struct arena *a, const char *raw, const char *kind, int64_t target);
/* wp_legacy_first: wp_legacy unless the address is recorded already (a category or tag archive shared by
 * both editions keeps pointing where it first did). */
int wp_legacy_first(struct wp_run *r, struct arena *a, const char *raw, const char *kind, int64_t target);

#endif
