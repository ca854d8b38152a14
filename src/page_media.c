/* page_media.c - the newsroom's media library: upload (type sniffed, renditions made by media.c) and a
 * grid of every image to reuse as a lead image. A refused upload shows the form again with the alt text
 * kept; a stored upload has both its files and its row, or neither. An upload without a session, with a
 * role that may not write or without its CSRF token (in the form's action, read with the headers) is
 * refused by routes.c before its body is read, so the handler always has a session. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "audit.h"
#include "cache_keys.h"
#include "db.h"
#include "escape.h"
#include "log.h"
#include "media.h"
#include "pages.h"
#include "render.h"
#include "route.h"
#include "util.h"

/* remove_files: deletes an ingested upload's files (when its row could not be stored). */
static void remove_files(const char *media_dir, const struct media_info *m)
{
	media_remove_crops(media_dir, m->path, MEDIA_FOCAL_CENTRE, MEDIA_FOCAL_CENTRE);
	char path[4096];
	for (int i = 0; i < m->nrenditions; i++) {
		snprintf(path, sizeof path, "%s/%s", media_dir, m->renditions[i].webp);
		unlink(path);
		snprintf(path, sizeof path, "%s/%s", media_dir, m->renditions[i].jpg);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/%s", media_dir, m->path);
	unlink(path);
}

/* What was typed into one image's focal-point form that was refused: shown again beside that image. */
struct focal_typed {
	int64_t id; /* 0: none */
	const char *x, *y, *error;
	const char *caption, *credit, *copyright, *keywords; /* NULL: the stored value */
};

/* focal_text: a focal coordinate (0..MEDIA_FOCAL_MAX) as the form shows it, a fraction without trailing
 * zeros: 5000 -> "0.5", 10000 -> "1", 1234 -> "0.1234". Allocates in a. */
static const char *focal_text(struct arena *a, int v)
{
	char *s = arena_printf(a, "%.4f", v / (double)MEDIA_FOCAL_MAX);
	size_t n = strlen(s);
	while (n > 1 && s[n - 1] == '0')
		s[--n] = '\0';
	if (n > 1 && s[n - 1] == '.')
		s[--n] = '\0';
	return s;
}

/* is_raster: 1 for an uploaded JPEG, PNG or WebP (which has renditions and crops), 0 for an SVG. */
static int is_raster(const struct db_media *m)
{
	return strcmp(m->mime, "image/svg+xml") != 0 && strchr(m->path, '/') != NULL;
}

/* media_item: fills one image of the library's grid into it (typed: a refused focal form for it). */
static void media_item(struct arena *a, struct view *it, const struct db_media *m, const struct focal_typed *typed)
{
	const char *thumb = m->path;
	if (m->width > media_widths[0] && strcmp(m->mime, "image/svg+xml") != 0) {
		char *r = media_rendition_path(a, m->path, media_widths[0], "webp");
		if (r)
			thumb = r;
	}
	int mine = typed && typed->id == m->id;
	view_text(it, "id", arena_printf(a, "%lld", (long long)m->id));
	view_text(it, "thumb", arena_printf(a, "/media/%s", thumb));
	view_text(it, "alt", m->alt);
	view_text(it, "w", arena_printf(a, "%d", m->width));
	view_text(it, "h", arena_printf(a, "%d", m->height));
	view_text(it, "mime", m->mime);
	view_text(it, "fx", mine ? typed->x : focal_text(a, m->focal_x));
	view_text(it, "fy", mine ? typed->y : focal_text(a, m->focal_y));
	view_text(it, "caption", mine && typed->caption ? typed->caption : m->caption);
	view_text(it, "credit", mine && typed->credit ? typed->credit : m->credit);
	view_text(it, "copyright", mine && typed->copyright ? typed->copyright : m->copyright);
	view_text(it, "keywords", mine && typed->keywords ? typed->keywords : m->keywords);
	view_bool(it, "has_focal_error", mine && typed->error);
	view_text(it, "focal_error", mine && typed->error ? typed->error : "");
	const char *social = is_raster(m) ? media_crop_path(a, m->path, MEDIA_CROP_SOCIAL, m->focal_x, m->focal_y) : NULL;
	view_bool(it, "has_crops", social != NULL);
	view_text(it, "social", social ? arena_printf(a, "/media/%s", social) : "");
}

/* media_show: renders the library with the upload form (alt as typed) into res with status; typed (or
 * NULL) is a refused focal-point form shown again with what was typed. */
static int media_show(struct http_request *req, struct http_response *res, const char *alt, const char *notice,
		      const char *error, int status, const struct focal_typed *typed)
{
	struct arena *a = req->arena;
	struct db_media *items = NULL;
	size_t n = 0;
	if (db_media_list(req->app->db, a, &items, &n) != DB_OK)
		return 500;
	struct view *v = render_admin_frame(req, RENDER_MEDIA, N_("Media"), notice, error);
	view_text(v, "alt", alt);
	view_text(v, "max_bytes", arena_printf(a, "%d", req->app->cfg.max_upload_bytes));
	view_text(v, "max_mb", arena_printf(a, "%.1f", req->app->cfg.max_upload_bytes / 1048576.0));
	view_text(v, "count", arena_printf(a, "%zu", n));
	view_bool(v, "has_items", n > 0);
	view_list_empty(v, "items");
	for (size_t i = 0; i < n; i++)
		media_item(a, view_add(v, "items"), &items[i], typed);
	return render_reply(req, res, RENDER_MEDIA, v, status);
}

/* WEBPAGE: GET POST /admin/media
 * Parameters: GET: uploaded (the id just stored: its notice), focal (the id whose point was just set).
 *   POST: a multipart upload (file, alt) with the CSRF token in ?csrf= or X-CSRF-Token, refused on its
 *   headers before the body is read (session, token, Content-Length over max_upload_bytes: 413).
 * Permission: PERM_WRITE.
 * The media library: lists the images with their focal points and metadata fields; a POST ingests one
 * upload (media_ingest: sniffed, decoded, re-encoded without metadata; caption, credit, copyright and
 * keywords prefilled from its IPTC/XMP/EXIF) and redirects (303) back; a refused upload answers 4xx with
 * the library and a sentence. */
int media_library_page(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	enum catalog_lang lang = render_newsroom_lang(req);
	if (req->method != HTTP_POST) {
		const char *id = http_param(req, "uploaded");
		int64_t n;
		const char *notice = id && util_parse_i64(id, &n) == 0
					     ? arena_printf(req->arena, catalog_tr(lang, "Uploaded as image #%lld."), (long long)n)
					     : NULL;
		const char *fid = http_param(req, "focal");
		if (!notice && fid && util_parse_i64(fid, &n) == 0)
			notice = arena_printf(req->arena,
					      catalog_tr(lang, "The focal point of image #%lld is saved; its crops were made again."),
					      (long long)n);
		return media_show(req, res, "", notice, NULL, 200, NULL);
	}
	const char *alt = http_form_text(req, "alt");
	if (!alt)
		alt = "";
	while (*alt == ' ')
		alt++;
	const struct multipart_part *file = NULL;
	for (size_t i = 0; i < req->nfiles; i++)
		if (strcmp(req->files[i].name, "file") == 0)
			file = &req->files[i];
	if (!file || file->len == 0)
		return media_show(req, res, alt, NULL, N_("Choose an image file to upload."), 400, NULL);
	if (!*alt)
		return media_show(req, res, alt, NULL,
				  N_("Alt text is required: describe what the image shows for readers who cannot see it."),
				  400, NULL);
	const char *long_alt = page_too_long(req, catalog_tr(lang, "The alt text"), alt, 300);
	if (long_alt)
		return media_show(req, res, alt, NULL, long_alt, 400, NULL);
	struct media_info m;
	int rc = media_ingest(app->media_dir, file->data, file->len, (size_t)app->cfg.max_upload_bytes, util_now(), &m);
	if (rc != MEDIA_OK) {
		char why[200];
		media_strerror(rc, (size_t)app->cfg.max_upload_bytes, lang, why, sizeof why);
		int status = rc == MEDIA_ETOOBIG ? 413 : rc == MEDIA_ESTORE || rc == MEDIA_EINTERNAL ? 500 : 400;
		if (status == 500)
			return 500;
		return media_show(req, res, alt, NULL, why, status, NULL);
	}
	/* what the photo says about itself (caption, credit, copyright, keywords), for the editor to confirm in
	 * the library; read from the upload's bytes, which are not kept */
	struct media_meta *meta = arena_alloc(req->arena, sizeof *meta);
	media_meta_read(file->data, file->len, meta);
	struct db_media row = {.path = m.path, .mime = m.mime, .alt = alt, .width = m.width, .height = m.height,
			       .created_at = util_now(), .caption = meta->caption, .credit = meta->credit,
			       .copyright = meta->copyright, .keywords = meta->keywords};
	int64_t id;
	if (db_media_put(app->db, &row, &id) != DB_OK) {
		remove_files(app->media_dir, &m);
		media_info_free(&m);
		return 500;
	}
	log_info("media #%lld uploaded by %s: %s (%dx%d)", (long long)id, req->session->user.login, m.path, m.width,
		 m.height);
	audit_record(req, "media.uploaded", audit_target(req->arena, "media", id), alt);
	media_info_free(&m);
	http_set_header(res, "Location", arena_printf(req->arena, "/admin/media?uploaded=%lld", (long long)id));
	return 303;
}

/* focal_parse: reads a focal coordinate typed as a fraction from 0 to 1 ("0.35", "1", ".5") into *v in
 * ten-thousandths (rounded). Returns 0, or -1 when text is empty, too long, not a plain decimal number or
 * outside 0..1. */
static int focal_parse(const char *text, int *v)
{
	if (!text || !*text || strlen(text) > 16)
		return -1;
	for (const char *p = text; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return -1;
	char *end;
	double d = strtod(text, &end);
	if (*end || d < 0.0 || d > 1.0)
		return -1;
	*v = (int)(d * MEDIA_FOCAL_MAX + 0.5);
	return 0;
}

/* WEBPAGE: POST /admin/media/{id}/focal
 * Parameters: csrf; focal_x, focal_y (fractions 0..1 of the width and height); caption, credit,
 *   copyright, keywords (at most 1000 characters each).
 * Permission: PERM_WRITE.
 * Stores the image's focal point and metadata and cuts its crops again around the point; a value outside
 * the image or over its bound answers 400 with the library shown again and what was typed kept; success
 * redirects (303) to the library. */
int media_focal_page(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	char idtext[24];
	int64_t id;
	struct db_media m;
	if (route_param(&req->route, "id", idtext, sizeof idtext) < 0 || util_parse_i64(idtext, &id) != 0 || id < 1)
		return 404;
	int rc = db_media_get(app->db, req->arena, id, &m);
	if (rc == DB_NOTFOUND)
		return 404;
	if (rc != DB_OK)
		return 500;
	const char *tx = http_form_text(req, "focal_x"), *ty = http_form_text(req, "focal_y");
	struct focal_typed typed = {id, tx ? tx : "", ty ? ty : "", NULL, http_form_text(req, "caption"),
				    http_form_text(req, "credit"), http_form_text(req, "copyright"),
				    http_form_text(req, "keywords")};
	enum catalog_lang lang = render_newsroom_lang(req);
	static const char *const names[] = {N_("The caption"), N_("The credit"), N_("The copyright"), N_("The keywords")};
	const char *details[] = {typed.caption, typed.credit, typed.copyright, typed.keywords};
	for (int i = 0; i < 4; i++) {
		const char *too_long = details[i] ? page_too_long(req, catalog_tr(lang, names[i]), details[i], MEDIA_META_MAX)
						  : NULL;
		if (too_long) {
			typed.error = too_long;
			return media_show(req, res, "", NULL,
					  arena_printf(req->arena, catalog_tr(lang, "Image #%lld: %s"), (long long)id, too_long),
					  400, &typed);
		}
	}
	int fx, fy;
	if (focal_parse(typed.x, &fx) != 0 || focal_parse(typed.y, &fy) != 0) {
		typed.error = catalog_tr(lang, "The focal point must lie inside the image: give each coordinate as a number "
					       "from 0 to 1 (0 is the left or top edge, 1 the right or bottom edge), or click on "
					       "the image.");
		return media_show(req, res, "", NULL,
				  arena_printf(req->arena, catalog_tr(lang, "Image #%lld: %s"), (long long)id, typed.error),
				  400, &typed);
	}
	/* the new crops first (new names: the old files stay valid for pages cached with them), then the
	 * row, then the old crops go */
	if (is_raster(&m) && (fx != m.focal_x || fy != m.focal_y) && media_make_crops(app->media_dir, m.path, fx, fy) != 0)
		return 500;
	/* the details as confirmed (a field not sent keeps what is stored), in the same statement */
	const struct db_media confirmed = {.caption = typed.caption, .credit = typed.credit,
					   .copyright = typed.copyright, .keywords = typed.keywords};
	if (db_media_set_focal(app->db, id, fx, fy, &confirmed) != DB_OK) {
		if (is_raster(&m) && (fx != m.focal_x || fy != m.focal_y))
			media_remove_crops(app->media_dir, m.path, fx, fy);
		return 500;
	}
	if (is_raster(&m) && (fx != m.focal_x || fy != m.focal_y))
		media_remove_crops(app->media_dir, m.path, m.focal_x, m.focal_y);
	log_info("media #%lld focal point set to %d,%d by %s", (long long)id, fx, fy, req->session->user.login);
	audit_record(req, "media.focal", audit_target(req->arena, "media", id), arena_printf(req->arena, "focal point %.4f, %.4f", fx / 10000.0, fy / 10000.0));
	/* every page showing this image as a lead (its og:image, JSON-LD) names the old crop: there is no
	 * per-image cache key, and focal points change rarely, so the whole page cache is emptied as for a
	 * change of the site's settings (which every page depends on) */
	cache_note(req, CACHE_SETTINGS, 0);
	http_set_header(res, "Location", arena_printf(req->arena, "/admin/media?focal=%lld#media-%lld", (long long)id,
						      (long long)id));
	return 303;
}
