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
#include "db.h"
#include "escape.h"
#include "log.h"
#include "media.h"
#include "pages.h"
#include "render.h"
#include "util.h"

/* remove_files: deletes an ingested upload's files (when its row could not be stored). */
static void remove_files(const char *media_dir, const struct media_info *m)
{
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

/* media_show: renders the library with the upload form (alt as typed) into res with status. */
static int media_show(struct http_request *req, struct http_response *res, const char *alt, const char *notice,
		      const char *error, int status)
{
	struct arena *a = req->arena;
	struct db_media *items = NULL;
	size_t n = 0;
	if (db_media_list(req->app->db, a, &items, &n) != DB_OK)
		return 500;
	struct view *v = render_admin_frame(req, RENDER_MEDIA, "Media", notice, error);
	view_text(v, "alt", alt);
	view_text(v, "max_bytes", arena_printf(a, "%d", req->app->cfg.max_upload_bytes));
	view_text(v, "max_mb", arena_printf(a, "%.1f", req->app->cfg.max_upload_bytes / 1048576.0));
	view_text(v, "count", arena_printf(a, "%zu", n));
	view_bool(v, "has_items", n > 0);
	view_list_empty(v, "items");
	for (size_t i = 0; i < n; i++) {
		struct view *it = view_add(v, "items");
		const char *thumb = items[i].path;
		if (items[i].width > media_widths[0] && strcmp(items[i].mime, "image/svg+xml") != 0) {
			char *r = media_rendition_path(a, items[i].path, media_widths[0], "webp");
			if (r)
				thumb = r;
		}
		view_text(it, "id", arena_printf(a, "%lld", (long long)items[i].id));
		view_text(it, "thumb", arena_printf(a, "/media/%s", thumb));
		view_text(it, "alt", items[i].alt);
		view_text(it, "w", arena_printf(a, "%d", items[i].width));
		view_text(it, "h", arena_printf(a, "%d", items[i].height));
		view_text(it, "mime", items[i].mime);
	}
	return render_reply(req, res, RENDER_MEDIA, v, status);
}

int media_library_page(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	if (req->method != HTTP_POST) {
		const char *id = http_param(req, "uploaded");
		int64_t n;
		const char *notice = id && util_parse_i64(id, &n) == 0
					     ? arena_printf(req->arena, "Uploaded as image #%lld.", (long long)n)
					     : NULL;
		return media_show(req, res, "", notice, NULL, 200);
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
		return media_show(req, res, alt, NULL, "Choose an image file to upload.", 400);
	if (!*alt)
		return media_show(req, res, alt, NULL,
				  "Alt text is required: describe what the image shows for readers who cannot see it.",
				  400);
	const char *long_alt = util_too_long(req->arena, "The alt text", alt, 300);
	if (long_alt)
		return media_show(req, res, alt, NULL, long_alt, 400);
	struct media_info m;
	int rc = media_ingest(app->media_dir, file->data, file->len, (size_t)app->cfg.max_upload_bytes, util_now(), &m);
	if (rc != MEDIA_OK) {
		char why[200];
		media_strerror(rc, (size_t)app->cfg.max_upload_bytes, why, sizeof why);
		int status = rc == MEDIA_ETOOBIG ? 413 : rc == MEDIA_ESTORE || rc == MEDIA_EINTERNAL ? 500 : 400;
		if (status == 500)
			return 500;
		return media_show(req, res, alt, NULL, why, status);
	}
	struct db_media row = {.path = m.path, .mime = m.mime, .alt = alt, .width = m.width, .height = m.height,
			       .created_at = util_now()};
	int64_t id;
	if (db_media_put(app->db, &row, &id) != DB_OK) {
		remove_files(app->media_dir, &m);
		media_info_free(&m);
		return 500;
	}
	log_info("media #%lld uploaded by %s: %s (%dx%d)", (long long)id, req->session->user.login, m.path, m.width,
		 m.height);
	media_info_free(&m);
	http_set_header(res, "Location", arena_printf(req->arena, "/admin/media?uploaded=%lld", (long long)id));
	return 303;
}
