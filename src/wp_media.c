/* wp_media.c - the WordPress import's attachments (see wp_int.h): remembered in pass 1, stored into the
 * media library between the passes (the file from --uploads DIR by its path after /wp-content/uploads/,
 * through media_ingest as an upload is: sniffed, decoded, re-encoded with renditions), and found again for
 * featured images, inline images (any size variant, "-300x200.jpg") and galleries. */
#include "wp_int.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db.h"
#include "media.h"
#include "util.h"

/* att_meta: alt, caption (the attachment's excerpt), credit and copyright (from the image metadata WordPress
 * copied out of the file) of attachment item it into t. */
static void att_meta(struct arena *a, const struct wp_item *it, struct wp_att *t)
{
	const char *alt = wp_meta_get(it, "_wp_attachment_image_alt");
	const char *md = wp_meta_get(it, "_wp_attachment_metadata");
	const struct wp_php *v = md ? wp_php_parse(a, md, strlen(md)) : NULL;
	const struct wp_php *im = wp_php_get(v, "image_meta");
	const struct wp_php *credit = wp_php_get(im, "credit"), *copy = wp_php_get(im, "copyright");
	t->ref.alt = alt ? alt : "";
	t->ref.caption = it->excerpt;
	t->credit = credit && credit->kind == WP_PHP_STRING ? credit->s : "";
	t->copyright = copy && copy->kind == WP_PHP_STRING ? copy->s : "";
}

int wp_attachment_import(struct wp_run *r, struct arena *a, const struct wp_item *it)
{
	if (r->natts == r->cap_atts) {
		size_t nc = r->cap_atts ? r->cap_atts * 2 : 64;
		struct wp_att *fresh = arena_alloc(&r->a, nc * sizeof *fresh);
		if (r->natts)
			memcpy(fresh, r->atts, r->natts * sizeof *fresh);
		r->atts = fresh;
		r->cap_atts = nc;
	}
	struct wp_att *t = &r->atts[r->natts++];
	memset(t, 0, sizeof *t);
	struct wp_att tmp;
	att_meta(a, it, &tmp);
	const char *file = wp_uploads_rel(a, it->attachment_url);
	if (!file)
		file = wp_meta_get(it, "_wp_attached_file");
	t->id = it->id;
	t->parent = it->parent;
	t->file = arena_strdup(&r->a, file ? file : "");
	t->rel = wp_strip_size(&r->a, t->file);
	t->link = arena_strdup(&r->a, it->link);
	t->checksum = arena_strdup(&r->a, it->checksum);
	t->credit = arena_strdup(&r->a, tmp.credit);
	t->copyright = arena_strdup(&r->a, tmp.copyright);
	t->ref.url = arena_strdup(&r->a, it->attachment_url);
	t->ref.alt = arena_strdup(&r->a, tmp.ref.alt);
	t->ref.caption = arena_strdup(&r->a, tmp.ref.caption);
	return 0;
}

/* The sort orders of the attachment table (qsort has no context: the run being sorted). */
static struct wp_run *sorting;
static int cmp_id(const void *x, const void *y)
{
	int64_t a = sorting->atts[*(const size_t *)x].id, b = sorting->atts[*(const size_t *)y].id;
	return a < b ? -1 : a > b;
}
static int cmp_parent(const void *x, const void *y)
{
	int64_t a = sorting->atts[*(const size_t *)x].parent, b = sorting->atts[*(const size_t *)y].parent;
	return a < b ? -1 : a > b;
}
static int cmp_rel(const void *x, const void *y)
{
	return strcmp(sorting->atts[*(const size_t *)x].rel, sorting->atts[*(const size_t *)y].rel);
}

/* index_atts: the three sorted indexes of r's attachments. */
static void index_atts(struct wp_run *r)
{
	size_t n = r->natts ? r->natts : 1;
	r->by_id = arena_alloc(&r->a, n * sizeof *r->by_id);
	r->by_rel = arena_alloc(&r->a, n * sizeof *r->by_rel);
	r->by_parent = arena_alloc(&r->a, n * sizeof *r->by_parent);
	for (size_t i = 0; i < r->natts; i++)
		r->by_id[i] = r->by_rel[i] = r->by_parent[i] = i;
	sorting = r;
	qsort(r->by_id, r->natts, sizeof *r->by_id, cmp_id);
	qsort(r->by_rel, r->natts, sizeof *r->by_rel, cmp_rel);
	qsort(r->by_parent, r->natts, sizeof *r->by_parent, cmp_parent);
}

const struct wp_att *wp_att_by_id(struct wp_run *r, int64_t id)
{
	size_t lo = 0, hi = r->natts;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->atts[r->by_id[mid]].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->natts && r->atts[r->by_id[lo]].id == id ? &r->atts[r->by_id[lo]] : NULL;
}

/* att_by_rel: the attachment whose uploads path (without size suffix) is rel, or NULL. */
static const struct wp_att *att_by_rel(struct wp_run *r, const char *rel)
{
	size_t lo = 0, hi = r->natts;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(r->atts[r->by_rel[mid]].rel, rel) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->natts && strcmp(r->atts[r->by_rel[lo]].rel, rel) == 0 ? &r->atts[r->by_rel[lo]] : NULL;
}

const struct wp_attachment_ref *wp_att_ref(void *ctx, int64_t id)
{
	const struct wp_att *t = wp_att_by_id(ctx, id);
	return t ? &t->ref : NULL;
}

int64_t wp_media_for_src(void *ctx, const char *src, const char *alt, const char *caption, const char *credit)
{
	struct wp_run *r = ctx;
	(void)alt;
	(void)caption;
	(void)credit;
	struct arena a = ARENA_INIT;
	const char *rel = wp_uploads_rel(&a, src);
	const struct wp_att *t = rel ? att_by_rel(r, wp_strip_size(&a, rel)) : NULL;
	int64_t media = 0;
	const char *sum;
	if (t && db_import_map_get(r->app->db, &a, r->source, "attachment", t->id, &media, &sum) != DB_OK)
		media = 0;
	arena_free(&a);
	return media;
}

/* safe_file: the full path of uploads-relative file under the uploads folder, or NULL with *why when it is
 * refused (absolute, a ".." segment, a link out of the folder) or missing. */
static const char *safe_file(struct wp_run *r, struct arena *a, const char *file, const char **why)
{
	*why = NULL;
	if (!r->o->uploads)
		return *why = "not stored: no --uploads folder was given", NULL;
	if (!*file)
		return *why = "not stored: the export names no file", NULL;
	if (file[0] == '/' || strstr(arena_printf(a, "/%s/", file), "/../") || strchr(file, '\\'))
		return *why = arena_printf(a, "refused: the file path \"%s\" escapes the uploads folder", file), NULL;
	char root[PATH_MAX], full[PATH_MAX];
	if (!realpath(r->o->uploads, root))
		return *why = "not stored: the --uploads folder cannot be opened", NULL;
	if (!realpath(arena_printf(a, "%s/%s", root, file), full))
		return *why = arena_printf(a, "missing: %s is not in the uploads folder", file), NULL;
	size_t n = strlen(root);
	if (strncmp(full, root, n) != 0 || full[n] != '/')
		return *why = arena_printf(a, "refused: %s is a link out of the uploads folder", file), NULL;
	return arena_strdup(a, full);
}

/* att_ingest: attachment t's file into the media library (*media its new id). Returns 0, 1 (skipped and
 * reported) or -1 (database error). */
static int att_ingest(struct wp_run *r, struct arena *a, const struct wp_att *t, int64_t *media)
{
	const char *why;
	const char *path = safe_file(r, a, t->file, &why);
	size_t len = 0;
	char *data = path ? util_read_file(path, &len) : NULL;
	if (!data) {
		wp_skip(r, "attachment", t->id, why ? why : "the file cannot be read");
		return 1;
	}
	struct media_info m;
	size_t max = r->app->cfg.max_upload_bytes > 0 ? (size_t)r->app->cfg.max_upload_bytes : len;
	int rc = media_ingest(r->app->media_dir, data, len, max, r->now, &m);
	free(data);
	if (rc != MEDIA_OK) {
		char buf[200];
		wp_skip(r, "attachment", t->id,
			arena_printf(a, "not stored: %s", media_strerror(rc, max, CATALOG_EN, buf, sizeof buf)));
		return 1;
	}
	struct db_media row = {.path = m.path, .mime = m.mime, .alt = t->ref.alt, .width = m.width, .height = m.height,
			       .created_at = r->now, .caption = t->ref.caption, .credit = t->credit,
			       .copyright = t->copyright, .keywords = ""};
	rc = db_media_put(r->app->db, &row, media) == DB_OK ? 0 : -1;
	media_info_free(&m);
	return rc;
}

/* att_store: one attachment: new (ingested), changed (its alt, caption and credit rewritten) or unchanged;
 * its attachment page and ?attachment_id= address recorded as the media. Returns 0 or -1 (database). */
static int att_store(struct wp_run *r, struct arena *a, const struct wp_att *t)
{
	int64_t media = 0;
	const char *sum = NULL;
	int rc = db_import_map_get(r->app->db, a, r->source, "attachment", t->id, &media, &sum);
	if (rc == DB_ERROR)
		return -1;
	if (rc == DB_OK && strcmp(sum, t->checksum) == 0) {
		r->media.unchanged++;
		return 0;
	}
	if (rc == DB_OK) {
		struct db_media old;
		if (db_media_get(r->app->db, a, media, &old) != DB_OK)
			return -1;
		old.alt = t->ref.alt;
		old.caption = t->ref.caption;
		old.credit = t->credit;
		if (db_media_put(r->app->db, &old, &media) != DB_OK)
			return -1;
		r->media.updated++;
	} else {
		int got = att_ingest(r, a, t, &media);
		if (got)
			return got < 0 ? -1 : (r->media.skipped++, 0);
		r->media.imported++;
	}
	if (wp_legacy(r, a, t->link, "media", media) != DB_OK ||
	    wp_legacy(r, a, arena_printf(a, "/?attachment_id=%lld", (long long)t->id), "media", media) != DB_OK)
		return -1;
	return db_import_map_put(r->app->db, r->source, "attachment", t->id, media, t->checksum, r->now) == DB_OK ? 0 : -1;
}

int wp_attachments_store(struct wp_run *r)
{
	index_atts(r);
	int rc = 0;
	for (size_t i = 0; i < r->natts && rc == 0; i += (size_t)r->o->batch) {
		if (db_begin(r->app->db) != DB_OK)
			return r->db_failed = 1, -1;
		for (size_t k = i; k < r->natts && k < i + (size_t)r->o->batch && rc == 0; k++) {
			struct arena a = ARENA_INIT;
			rc = att_store(r, &a, &r->atts[k]);
			arena_free(&a);
		}
		if (rc == 0 && db_commit(r->app->db) != DB_OK)
			rc = -1;
		if (rc < 0) {
			db_rollback(r->app->db);
			r->db_failed = 1;
		}
	}
	return rc;
}

int wp_attachment_pages(struct wp_run *r, int64_t post_id, int64_t article_id)
{
	size_t lo = 0, hi = r->natts;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->atts[r->by_parent[mid]].parent < post_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	struct arena a = ARENA_INIT;
	int rc = DB_OK;
	for (; lo < r->natts && r->atts[r->by_parent[lo]].parent == post_id && rc == DB_OK; lo++) {
		const struct wp_att *t = &r->atts[r->by_parent[lo]];
		rc = wp_legacy(r, &a, t->link, "article", article_id);
		if (rc == DB_OK)
			rc = wp_legacy(r, &a, arena_printf(&a, "/?attachment_id=%lld", (long long)t->id), "article", article_id);
	}
	arena_free(&a);
	return rc;
}
