/* render_media.c - pictures and bodies for the pages (see render.h): the lead image's files, srcsets and
 * social crop, and an article body rendered or checked through blocks.c with the media library behind it
 * (for readers, for mail, and the galleries structured data lists). */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blocks.h"
#include "db.h"
#include "media.h"
#include "util.h"

/* image_srcsets: the WebP and JPEG srcsets of art's lead image; both NULL unless it is an upload with
 * renditions (only uploads, with dated paths, see media.h, have them; demo SVGs scale by themselves). */
static void image_srcsets(struct arena *a, const struct db_article *art, const char **webp, const char **jpg)
{
	const char *path = art->image_path;
	int upload = path && strchr(path, '/') && !strstr(path, ".svg");
	*webp = upload ? media_srcset(a, "/media/", path, art->image_width, "webp") : NULL;
	*jpg = upload ? media_srcset(a, "/media/", path, art->image_width, "jpg") : NULL;
	if (!*webp || !**webp || !*jpg || !**jpg)
		*webp = *jpg = NULL;
}

const char *render_image_file(struct arena *a, const struct db_article *art, int *width, int *height)
{
	const char *webp, *jpg, *path = art->image_path;
	if (!path)
		return NULL;
	image_srcsets(a, art, &webp, &jpg);
	*width = art->image_width;
	*height = art->image_height;
	/* readers get the largest rendition: lighter than the full-size original (which, like every stored
	 * file, is a re-encoding without camera metadata: see media.h) */
	for (int i = MEDIA_NWIDTHS - 1; jpg && i >= 0; i--) {
		if (media_widths[i] < art->image_width) {
			*width = media_widths[i];
			*height = (int)(((int64_t)art->image_height * media_widths[i] + art->image_width / 2) / art->image_width);
			return media_rendition_path(a, path, media_widths[i], "jpg");
		}
	}
	return path;
}

void render_image(struct arena *a, struct view *v, const struct db_article *art)
{
	const char *path = art->image_path;
	view_bool(v, "image", path != NULL);
	view_text(v, "image_alt", art->image_alt);
	view_text(v, "image_w", arena_printf(a, "%d", art->image_width));
	view_text(v, "image_h", arena_printf(a, "%d", art->image_height));
	const char *webp, *jpg;
	image_srcsets(a, art, &webp, &jpg);
	view_bool(v, "has_srcset", jpg != NULL);
	view_text(v, "image_webp", webp ? webp : "");
	view_text(v, "image_jpg", jpg ? jpg : "");
	int w, h;
	const char *src = render_image_file(a, art, &w, &h);
	view_text(v, "image_src", src ? arena_printf(a, "/media/%s", src) : "");
}

/* body_media: the media library of one render or check, read once (blocks_media_fn's ctx) */
struct body_media {
	struct db *db;
	struct arena *a;
};

/* body_image: blocks_media_fn over the library: the image's largest rendition, its JPEG srcset and alt,
 * as the lead image gets them (render_image_file). One row read by id per image the body names (never
 * the whole library). 1 found, 0 no such image, -1 the store failed. */
static int body_image(void *ctx, int64_t id, struct blocks_image *out)
{
	struct body_media *m = ctx;
	struct db_media row;
	int rc = db_media_get(m->db, m->a, id, &row);
	if (rc == DB_NOTFOUND)
		return 0;
	if (rc != DB_OK)
		return -1;
	struct db_article art = {.image_path = row.path, .image_alt = row.alt, .image_width = row.width,
				 .image_height = row.height};
	const char *webp, *jpg;
	image_srcsets(m->a, &art, &webp, &jpg);
	out->src = render_image_src(m->a, &art);
	out->srcset = jpg;
	out->alt = art.image_alt;
	out->width = art.image_width;
	out->height = art.image_height;
	return 1;
}

const char *render_body_html(struct db *db, struct arena *a, const char *md, const char *edition)
{
	struct body_media m = {.db = db, .a = a};
	char *html = blocks_html(md, strlen(md), body_image, &m, edition);
	const char *out = html ? arena_strdup(a, html) : "";
	free(html);
	return out;
}

const char *render_mail_html(struct db *db, struct arena *a, const char *md, const char *edition, const char *base)
{
	struct body_media m = {.db = db, .a = a};
	char *html = blocks_mail_html(md, strlen(md), body_image, &m, edition, base);
	const char *out = html ? arena_strdup(a, html) : "";
	free(html);
	return out;
}

const char *render_mail_check(struct db *db, struct arena *a, const char *md, enum catalog_lang lang)
{
	struct body_media m = {.db = db, .a = a};
	char err[512];
	if (blocks_mail_validate(md, strlen(md), body_image, &m, lang, err, sizeof err) == BLOCKS_OK)
		return NULL;
	return arena_strdup(a, err);
}

size_t render_body_galleries(struct db *db, struct arena *a, const char *md, struct blocks_gallery **out)
{
	struct body_media m = {.db = db, .a = a};
	return blocks_galleries(a, md, strlen(md), body_image, &m, out);
}

const char *render_body_check(struct db *db, struct arena *a, const char *md, enum catalog_lang lang)
{
	struct body_media m = {.db = db, .a = a};
	char err[512];
	if (blocks_validate(md, strlen(md), body_image, &m, lang, err, sizeof err) == BLOCKS_OK)
		return NULL;
	return arena_strdup(a, err);
}

const char *render_image_src(struct arena *a, const struct db_article *art)
{
	int w, h;
	const char *src = render_image_file(a, art, &w, &h);
	return src ? arena_printf(a, "/media/%s", src) : NULL;
}

const char *render_image_social(struct arena *a, const char *media_dir, const struct db_article *art, int *width,
				int *height)
{
	const char *path = art->image_path;
	if (!path || !strchr(path, '/') || strstr(path, ".svg"))
		return NULL;
	char *crop = media_crop_path(a, path, MEDIA_CROP_SOCIAL, art->image_focal_x, art->image_focal_y);
	if (!crop || access(arena_printf(a, "%s/%s", media_dir, crop), F_OK) != 0)
		return NULL;
	*width = media_crop_specs[MEDIA_CROP_SOCIAL].max_w;
	*height = media_crop_specs[MEDIA_CROP_SOCIAL].max_h;
	return crop;
}
