/* media.c - image ingest: libmagic sniffing, libvips decoding, the re-encoded original and renditions,
 * atomic storage, and the once-only pass that re-encodes uploads stored before metadata was removed
 * (see media.h). libvips is thread-safe once initialised; the one libmagic handle is not, so it is
 * shared under a mutex (sniffing reads only the first bytes, so the lock is held briefly). */
#include "media.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <vips/vips.h>

#include "log.h"
#include "util.h"

const int media_widths[MEDIA_NWIDTHS] = {320, 640, 1280};

const struct media_crop_spec media_crop_specs[MEDIA_NCROPS] = {
	[MEDIA_CROP_16X9] = {"16x9", 16, 9, 1280, 720, 0},
	[MEDIA_CROP_4X3] = {"4x3", 4, 3, 1200, 900, 0},
	[MEDIA_CROP_1X1] = {"1x1", 1, 1, 1080, 1080, 0},
	[MEDIA_CROP_SOCIAL] = {"social", 1200, 630, 1200, 630, 1},
};

#define MEDIA_SNIFF_BYTES 65536 /* libmagic sees only this much: signatures sit at the start */
#define MEDIA_WEBP_Q 80
#define MEDIA_JPEG_Q 82
#define MEDIA_FULL_Q 90 /* the full-size original, JPEG or WebP: re-encoded close to the upload's quality */
#define MEDIA_CLEAN_MARK ".metadata-removed"      /* in the media dir: the once-only pass has run */
#define MEDIA_CLEAN_LOCK ".metadata-removed.lock" /* held while it runs, so nodes sharing the dir wait */

struct media_type {
	const char *magic;  /* what libmagic says */
	const char *mime;   /* what we report */
	const char *ext;    /* stored extension */
	const char *loader; /* the nickname of the libvips loader that must agree */
};

static const struct media_type media_types[] = {
	{"image/jpeg", "image/jpeg", "jpg", "jpegload_buffer"},
	{"image/png", "image/png", "png", "pngload_buffer"},
	{"image/webp", "image/webp", "webp", "webpload_buffer"},
};

static int media_path_ok(const char *path, const char **dot);

static pthread_mutex_t media_magic_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t media_magic;
static int media_vips_up; /* VIPS_INIT succeeded and vips_shutdown has not run */
static guint media_log_handler;

/* media_one_line: logs "media: <what><sep><text>" at the given level as a single line: libvips messages
 * hold newlines (one per error it stacked up), which are turned into "; ". */
static void media_one_line(int error, const char *what, const char *text)
{
	char *line = g_strdup(text && *text ? text : "(no detail)");
	g_strstrip(line);
	GString *out = g_string_new(NULL);
	for (const char *p = line; *p; p++) {
		if (*p == '\n') {
			while (p[1] == '\n')
				p++;
			g_string_append(out, "; ");
		} else {
			g_string_append_c(out, *p);
		}
	}
	if (error)
		log_error("media: %s: %s", what, out->str);
	else
		log_info("media: %s: %s", what, out->str);
	g_string_free(out, TRUE);
	g_free(line);
}

/* media_vips_log: GLib log handler for the VIPS domain: one log_info line per libvips warning. */
static void media_vips_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer user)
{
	(void)domain;
	(void)level;
	(void)user;
	media_one_line(0, "libvips", message);
}

/* media_vips_error: logs what libvips reported (prefixed by what) and clears its error buffer. */
static void media_vips_error(const char *what)
{
	char *msg = vips_error_buffer_copy(); /* copies and clears, under libvips' lock */
	media_one_line(1, what, msg);
	g_free(msg);
}

int media_init(void)
{
	if (media_vips_up)
		return 0;
	if (VIPS_INIT("broadsheet") != 0) {
		log_error("media: libvips failed to start");
		return -1;
	}
	media_vips_up = 1;
	media_log_handler = g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE,
	                                      media_vips_log, NULL);
	/* Every upload is a new image: the operation cache would only hold memory (and references to
	 * buffers we free). And only the three decoders we accept may ever run on untrusted bytes. */
	vips_cache_set_max(0);
	vips_block_untrusted_set(TRUE);
	vips_operation_block_set("VipsForeignLoad", TRUE);
	vips_operation_block_set("VipsForeignLoadJpeg", FALSE);
	vips_operation_block_set("VipsForeignLoadPng", FALSE);
	vips_operation_block_set("VipsForeignLoadWebp", FALSE);

	pthread_mutex_lock(&media_magic_lock);
	media_magic = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_BUILTIN);
	int ok = media_magic && magic_load(media_magic, NULL) == 0;
	if (!ok) {
		log_error("media: libmagic failed to start: %s",
		          media_magic && magic_error(media_magic) ? magic_error(media_magic) : "out of memory");
		if (media_magic)
			magic_close(media_magic);
		media_magic = NULL;
	}
	pthread_mutex_unlock(&media_magic_lock);
	if (!ok) {
		media_shutdown();
		return -1;
	}
	return 0;
}

void media_shutdown(void)
{
	pthread_mutex_lock(&media_magic_lock);
	if (media_magic)
		magic_close(media_magic);
	media_magic = NULL;
	pthread_mutex_unlock(&media_magic_lock);
	if (media_vips_up) {
		vips_shutdown();
		if (media_log_handler)
			g_log_remove_handler("VIPS", media_log_handler);
		media_log_handler = 0;
		media_vips_up = 0;
	}
}

/* media_sniff: asks libmagic for the type of the leading bytes. Returns the accepted type, or NULL
 * when it is not one (or libmagic is not loaded). */
static const struct media_type *media_sniff(const void *data, size_t len)
{
	const struct media_type *found = NULL;
	size_t n = len < MEDIA_SNIFF_BYTES ? len : MEDIA_SNIFF_BYTES;
	pthread_mutex_lock(&media_magic_lock);
	const char *m = media_magic ? magic_buffer(media_magic, data, n) : NULL;
	for (size_t i = 0; m && i < ARRAY_LEN(media_types); i++)
		if (strcmp(m, media_types[i].magic) == 0)
			found = &media_types[i];
	pthread_mutex_unlock(&media_magic_lock);
	return found;
}

/* media_check: makes libvips agree on the type, checks the header dimensions, then decodes every pixel
 * once (streaming, so memory stays small) to refuse truncated or corrupt files. Stores the displayed
 * size (EXIF orientation applied) in *w, *h. Returns 0 or MEDIA_ETYPE, MEDIA_EDIMENSIONS, MEDIA_EDECODE. */
static int media_check(const void *data, size_t len, const struct media_type *t, int *w, int *h)
{
	const char *loader = vips_foreign_find_load_buffer(data, len); /* a GType name */
	const char *nick = loader ? vips_nickname_find(g_type_from_name(loader)) : NULL;
	if (!nick || strcmp(nick, t->loader) != 0) {
		vips_error_clear();
		return MEDIA_ETYPE;
	}
	VipsImage *img = vips_image_new_from_buffer(data, len, "", "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
	                                            VIPS_FAIL_ON_TRUNCATED, NULL);
	if (!img) {
		vips_error_clear();
		return MEDIA_EDECODE;
	}
	int iw = vips_image_get_width(img), ih = vips_image_get_height(img);
	int rc = 0;
	double avg;
	if (iw < 1 || ih < 1 || iw > MEDIA_MAX_SIDE || ih > MEDIA_MAX_SIDE)
		rc = MEDIA_EDIMENSIONS;
	else if (vips_avg(img, &avg, NULL) != 0)
		rc = MEDIA_EDECODE;
	if (rc == 0) {
		int swap = vips_image_get_orientation_swap(img);
		*w = swap ? ih : iw;
		*h = swap ? iw : ih;
	}
	g_object_unref(img);
	if (rc)
		vips_error_clear();
	return rc;
}

/* One file to store: its path relative to the media directory (borrowed from the media_info) and its
 * bytes (g_malloc'd by a libvips saver when owned, else the caller's upload). */
struct media_file {
	const char *rel;
	void *data;
	size_t len;
	int owned;
};

/* media_bare: a copy of img (sharing its pixels) with every metadata item removed: EXIF, XMP, IPTC,
 * ICC, orientation. The savers' "strip" alone is not enough: libvips 8.14 webpsave ignores it for still
 * images (libvips issue #3340) and writes whatever metadata the image holds. Without fields it still adds
 * a small EXIF block of its own (orientation 1, resolution, pixel size): nothing from the upload.
 * Returns a new reference, or NULL (libvips error set). */
static VipsImage *media_bare(VipsImage *img)
{
	VipsImage *bare = NULL;
	if (vips_copy(img, &bare, NULL) != 0)
		return NULL;
	gchar **fields = vips_image_get_fields(bare);
	for (int i = 0; fields && fields[i]; i++)
		vips_image_remove(bare, fields[i]); /* built-in header fields are not removable: no-op */
	g_strfreev(fields);
	return bare;
}

/* media_rd32le: the little-endian 32-bit number at p. */
static uint32_t media_rd32le(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int media_webp_strip(unsigned char *data, size_t *len)
{
	static const char keep[][5] = {"VP8X", "VP8 ", "VP8L", "ALPH", "ANIM", "ANMF"};
	size_t n = len ? *len : 0;
	if (!data || n < 20 || n > UINT32_MAX || memcmp(data, "RIFF", 4) != 0 || memcmp(data + 8, "WEBP", 4) != 0 ||
	    media_rd32le(data + 4) != n - 8)
		return -1;
	for (size_t p = 12; p < n;) { /* every chunk whole before anything moves */
		if (n - p < 8)
			return -1;
		size_t size = media_rd32le(data + p + 4), padded = size + (size & 1);
		if (padded > n - p - 8)
			return -1;
		p += 8 + padded;
	}
	size_t out = 12;
	for (size_t p = 12; p < n;) {
		size_t size = media_rd32le(data + p + 4), step = 8 + size + (size & 1);
		int kept = 0;
		for (size_t i = 0; i < ARRAY_LEN(keep) && !kept; i++)
			kept = memcmp(data + p, keep[i], 4) == 0;
		if (kept) {
			memmove(data + out, data + p, step);
			if (memcmp(data + out, "VP8X", 4) == 0 && size >= 1)
				data[out + 8] &= (unsigned char)~(0x20 | 0x08 | 0x04); /* ICC, EXIF, XMP flags */
			out += step;
		}
		p += step;
	}
	uint32_t riff = (uint32_t)(out - 8);
	for (int i = 0; i < 4; i++)
		data[4 + i] = (unsigned char)(riff >> (8 * i));
	*len = out;
	return 0;
}

/* media_save: encodes bare (an image without metadata fields: see media_bare) as ext, "jpg", "png" or
 * "webp", at quality q (JPEG and WebP) into f->data (g_malloc'd, f->owned set) with each saver's strip
 * on; a WebP also loses the EXIF chunk libvips adds of its own (media_webp_strip). JPEGs are
 * progressive with optimised Huffman tables. Returns 0 or MEDIA_EINTERNAL (logged; f->data NULL). */
static int media_save(VipsImage *bare, const char *ext, int q, struct media_file *f)
{
	void *buf = NULL;
	size_t len = 0;
	int r;
	if (strcmp(ext, "jpg") == 0)
		r = vips_jpegsave_buffer(bare, &buf, &len, "Q", q, "strip", TRUE, "optimize_coding", TRUE, "interlace", TRUE,
		                         NULL);
	else if (strcmp(ext, "png") == 0)
		r = vips_pngsave_buffer(bare, &buf, &len, "strip", TRUE, NULL);
	else
		r = vips_webpsave_buffer(bare, &buf, &len, "Q", q, "strip", TRUE, NULL);
	if (r != 0) {
		media_vips_error(strcmp(ext, "jpg") == 0 ? "encoding a JPEG" : strcmp(ext, "png") == 0 ? "encoding a PNG"
		                                                                                        : "encoding a WebP");
		return MEDIA_EINTERNAL;
	}
	if (strcmp(ext, "webp") == 0 && media_webp_strip(buf, &len) != 0) {
		log_error("media: libvips wrote a WebP that could not be read back");
		g_free(buf);
		return MEDIA_EINTERNAL;
	}
	f->data = buf;
	f->len = len;
	f->owned = 1;
	return 0;
}

/* media_encode: saves img (sRGB, rotated) without metadata as a WebP and a JPEG (alpha flattened on
 * white) into webp and jpg, whose data the caller g_frees. Returns 0 or MEDIA_EINTERNAL (logged). */
static int media_encode(VipsImage *img, struct media_file *webp, struct media_file *jpg)
{
	VipsImage *bare = media_bare(img), *flat = NULL;
	if (!bare) {
		media_vips_error("copying a rendition");
		return MEDIA_EINTERNAL;
	}
	int rc = media_save(bare, "webp", MEDIA_WEBP_Q, webp);
	if (rc == 0 && vips_image_hasalpha(bare)) {
		double white = vips_image_get_format(bare) == VIPS_FORMAT_USHORT ? 65535.0 : 255.0;
		VipsArrayDouble *bg = vips_array_double_new(&white, 1);
		int r = vips_flatten(bare, &flat, "background", bg, "max_alpha", white, NULL);
		vips_area_unref(VIPS_AREA(bg));
		if (r != 0) {
			media_vips_error("flattening a rendition");
			rc = MEDIA_EINTERNAL;
		}
	}
	if (rc == 0)
		rc = media_save(flat ? flat : bare, "jpg", MEDIA_JPEG_Q, jpg);
	if (flat)
		g_object_unref(flat);
	g_object_unref(bare);
	return rc;
}

/* media_full: the original as stored: the upload decoded again at its own size (its displayed width:
 * EXIF orientation applied, since no orientation tag is kept to do it), converted to sRGB, stripped of
 * every metadata item and encoded in its own format t (PNG lossless, JPEG and WebP at MEDIA_FULL_Q).
 * Bytes after the image's end (an appended HTML page or archive) are not decoded, so they are gone.
 * Fills f (data g_malloc'd; the caller sets f->rel). Returns 0 or MEDIA_EINTERNAL (logged). */
static int media_full(const void *data, size_t len, const struct media_type *t, int width, struct media_file *f)
{
	VipsImage *img = NULL;
	if (vips_thumbnail_buffer((void *)data, len, &img, width, "height", VIPS_MAX_COORD, "size", VIPS_SIZE_DOWN,
	                          "export_profile", "srgb", "option_string", "fail_on=truncated", NULL) != 0) {
		media_vips_error("decoding the original");
		return MEDIA_EINTERNAL;
	}
	VipsImage *bare = media_bare(img);
	g_object_unref(img);
	if (!bare) {
		media_vips_error("copying the original");
		return MEDIA_EINTERNAL;
	}
	int rc = media_save(bare, t->ext, MEDIA_FULL_Q, f);
	g_object_unref(bare);
	return rc;
}

/* media_render: builds out->nrenditions renditions in memory, largest first: the largest straight from
 * the upload (shrink-on-load, EXIF rotation, conversion to sRGB), each smaller one from the previous.
 * Fills out->renditions (paths base-W.webp / base-W.jpg, malloc'd) and appends two entries per
 * rendition to files[*nfiles..]. Returns 0 or MEDIA_EINTERNAL (logged). */
static int media_render(const void *data, size_t len, const char *base, struct media_info *out,
                        struct media_file *files, size_t *nfiles)
{
	VipsImage *prev = NULL;
	int rc = 0;
	for (int i = out->nrenditions - 1; i >= 0 && rc == 0; i--) {
		int w = media_widths[i];
		VipsImage *t = NULL;
		int r;
		if (!prev)
			r = vips_thumbnail_buffer((void *)data, len, &t, w, "height", VIPS_MAX_COORD, "size", VIPS_SIZE_DOWN,
			                          "export_profile", "srgb", "option_string", "fail_on=truncated", NULL);
		else
			r = vips_thumbnail_image(prev, &t, w, "height", VIPS_MAX_COORD, "size", VIPS_SIZE_DOWN, "no_rotate",
			                         TRUE, NULL);
		VipsImage *mem = r == 0 ? vips_image_copy_memory(t) : NULL;
		if (t)
			g_object_unref(t);
		if (!mem) {
			media_vips_error("resizing");
			rc = MEDIA_EINTERNAL;
			break;
		}
		struct media_rendition *rd = &out->renditions[i];
		rd->width = vips_image_get_width(mem);
		rd->height = vips_image_get_height(mem);
		size_t n = strlen(base) + 32;
		rd->webp = xmalloc(n);
		rd->jpg = xmalloc(n);
		snprintf(rd->webp, n, "%s-%d.webp", base, w);
		snprintf(rd->jpg, n, "%s-%d.jpg", base, w);
		struct media_file *fw = &files[(*nfiles)++], *fj = &files[(*nfiles)++];
		fw->rel = rd->webp;
		fj->rel = rd->jpg;
		rc = media_encode(mem, fw, fj);
		if (prev)
			g_object_unref(prev);
		prev = mem;
	}
	if (prev)
		g_object_unref(prev);
	return rc;
}

/* media_store: writes files[0..n) under media_dir (whose subdirectory sub is created first), each via
 * util_write_file_atomic, then syncs the directory. On failure removes what it wrote. Returns 0 or
 * MEDIA_ESTORE (logged). */
static int media_store(const char *media_dir, const char *sub, const struct media_file *files, size_t n)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof path, "%s/%s", media_dir, sub) >= (int)sizeof path || util_mkdir_p(path) != 0) {
		log_error("media: creating %s/%s: %s", media_dir, sub, strerror(errno));
		return MEDIA_ESTORE;
	}
	size_t done = 0;
	for (; done < n; done++) {
		if (snprintf(path, sizeof path, "%s/%s", media_dir, files[done].rel) >= (int)sizeof path) {
			errno = ENAMETOOLONG;
			break;
		}
		if (util_write_file_atomic(path, files[done].data, files[done].len, 0644) != 0)
			break;
	}
	if (done < n) {
		log_error("media: writing %s: %s", path, strerror(errno));
		while (done-- > 0) {
			snprintf(path, sizeof path, "%s/%s", media_dir, files[done].rel);
			unlink(path);
		}
		return MEDIA_ESTORE;
	}
	snprintf(path, sizeof path, "%s/%s", media_dir, sub);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) { /* make the renames durable; best effort */
		fsync(fd);
		close(fd);
	}
	return 0;
}

int media_focal_box(int w, int h, int aw, int ah, int fx, int fy, struct media_box *out)
{
	if (w < 1 || h < 1 || w > MEDIA_MAX_SIDE || h > MEDIA_MAX_SIDE || aw < 1 || ah < 1 || fx < 0 ||
	    fx > MEDIA_FOCAL_MAX || fy < 0 || fy > MEDIA_FOCAL_MAX)
		return -1;
	int64_t bw, bh;
	if ((int64_t)w * ah >= (int64_t)h * aw) { /* wider than the aspect: full height */
		bh = h;
		bw = ((int64_t)h * aw + ah / 2) / ah;
	} else {
		bw = w;
		bh = ((int64_t)w * ah + aw / 2) / aw;
	}
	if (bw < 1)
		bw = 1;
	if (bh < 1)
		bh = 1;
	if (bw > w)
		bw = w;
	if (bh > h)
		bh = h;
	/* the point in pixels, then the box centred on it and pushed back inside the image */
	int64_t cx = ((int64_t)fx * w + MEDIA_FOCAL_MAX / 2) / MEDIA_FOCAL_MAX;
	int64_t cy = ((int64_t)fy * h + MEDIA_FOCAL_MAX / 2) / MEDIA_FOCAL_MAX;
	int64_t x = cx - bw / 2, y = cy - bh / 2;
	if (x > w - bw)
		x = w - bw;
	if (y > h - bh)
		y = h - bh;
	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	*out = (struct media_box){(int)x, (int)y, (int)bw, (int)bh};
	return 0;
}

void media_crop_size(enum media_crop c, const struct media_box *b, int *w, int *h)
{
	const struct media_crop_spec *sp = &media_crop_specs[c];
	if (sp->exact || b->w >= sp->max_w) {
		*w = sp->max_w;
		*h = sp->max_h;
		return;
	}
	*w = b->w;
	*h = (int)(((int64_t)b->w * sp->ah + sp->aw / 2) / sp->aw);
	if (*h < 1)
		*h = 1;
}

char *media_crop_path(struct arena *a, const char *path, enum media_crop c, int fx, int fy)
{
	const char *dot;
	if ((int)c < 0 || c >= MEDIA_NCROPS || fx < 0 || fx > MEDIA_FOCAL_MAX || fy < 0 || fy > MEDIA_FOCAL_MAX ||
	    !media_path_ok(path, &dot))
		return NULL;
	return arena_printf(a, "%.*s-%s-f%d-%d.jpg", (int)(dot - path), path, media_crop_specs[c].name, fx, fy);
}

/* media_crop_one: cuts crop c around (fx, fy) out of img (sRGB, any size), scales it to its output size,
 * flattens transparency on white and encodes it as a JPEG without metadata into f (data g_malloc'd).
 * Returns 0 or MEDIA_EINTERNAL (logged). */
static int media_crop_one(VipsImage *img, enum media_crop c, int fx, int fy, struct media_file *f)
{
	const struct media_crop_spec *sp = &media_crop_specs[c];
	struct media_box b;
	int ow, oh;
	if (media_focal_box(vips_image_get_width(img), vips_image_get_height(img), sp->aw, sp->ah, fx, fy, &b) != 0)
		return MEDIA_EINTERNAL;
	media_crop_size(c, &b, &ow, &oh);
	VipsImage *cut = NULL, *scaled = NULL, *flat = NULL;
	int rc = MEDIA_EINTERNAL;
	if (vips_extract_area(img, &cut, b.x, b.y, b.w, b.h, NULL) != 0 ||
	    vips_resize(cut, &scaled, (double)ow / b.w, "vscale", (double)oh / b.h, "kernel", VIPS_KERNEL_LANCZOS3,
	                NULL) != 0) {
		media_vips_error("cropping");
		goto out;
	}
	if (vips_image_hasalpha(scaled)) {
		double white = 255.0;
		VipsArrayDouble *bg = vips_array_double_new(&white, 1);
		int r = vips_flatten(scaled, &flat, "background", bg, NULL);
		vips_area_unref(VIPS_AREA(bg));
		if (r != 0) {
			media_vips_error("flattening a crop");
			goto out;
		}
	}
	VipsImage *bare = media_bare(flat ? flat : scaled);
	if (!bare) {
		media_vips_error("copying a crop");
		goto out;
	}
	rc = media_save(bare, "jpg", MEDIA_JPEG_Q, f);
	g_object_unref(bare);
out:
	if (flat)
		g_object_unref(flat);
	if (scaled)
		g_object_unref(scaled);
	if (cut)
		g_object_unref(cut);
	return rc;
}

/* media_crop_files: decodes orig[0..len) (a stored original: sRGB, rotated, no metadata) and encodes its
 * MEDIA_NCROPS crops around (fx, fy) into files[0..MEDIA_NCROPS), whose rel is names[i] (malloc'd, the
 * caller frees it, like each owned data). Returns 0, MEDIA_EDECODE or MEDIA_EINTERNAL (logged). */
static int media_crop_files(const void *orig, size_t len, const char *path, int fx, int fy,
                            struct media_file *files, char **names)
{
	VipsImage *img = vips_image_new_from_buffer(orig, len, "", "access", VIPS_ACCESS_RANDOM, NULL);
	VipsImage *srgb = NULL;
	if (!img || vips_colourspace(img, &srgb, VIPS_INTERPRETATION_sRGB, NULL) != 0) {
		media_vips_error("decoding an original for its crops");
		if (img)
			g_object_unref(img);
		return MEDIA_EDECODE;
	}
	g_object_unref(img);
	/* decode once: four crops read the pixels again */
	VipsImage *mem = vips_image_copy_memory(srgb);
	g_object_unref(srgb);
	if (!mem) {
		media_vips_error("decoding an original for its crops");
		return MEDIA_EDECODE;
	}
	struct arena ar = ARENA_INIT;
	int rc = 0;
	for (int c = 0; c < MEDIA_NCROPS && rc == 0; c++) {
		char *name = media_crop_path(&ar, path, (enum media_crop)c, fx, fy);
		if (!name) {
			rc = MEDIA_EINTERNAL;
			break;
		}
		names[c] = xstrdup(name);
		files[c].rel = names[c];
		rc = media_crop_one(mem, (enum media_crop)c, fx, fy, &files[c]);
	}
	arena_free(&ar);
	g_object_unref(mem);
	return rc;
}

int media_jpeg_from_rgb(const unsigned char *rgb, int w, int h, void **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (!media_vips_up || w < 1 || h < 1 || w > MEDIA_MAX_SIDE || h > MEDIA_MAX_SIDE)
		return MEDIA_EINTERNAL;
	VipsImage *img = vips_image_new_from_memory(rgb, (size_t)w * (size_t)h * 3, w, h, 3, VIPS_FORMAT_UCHAR);
	if (!img) {
		media_vips_error("wrapping pixels");
		return MEDIA_EINTERNAL;
	}
	struct media_file f = {0};
	int rc = media_save(img, "jpg", 88, &f);
	g_object_unref(img);
	if (rc == 0) {
		*out = xmalloc(f.len);
		memcpy(*out, f.data, f.len);
		*len = f.len;
		g_free(f.data);
	}
	return rc;
}

int media_make_crops(const char *media_dir, const char *path, int fx, int fy)
{
	const char *dot;
	if (!media_vips_up)
		return MEDIA_EINTERNAL;
	if (!media_path_ok(path, &dot) || strstr(path, ".svg") || fx < 0 || fx > MEDIA_FOCAL_MAX || fy < 0 ||
	    fy > MEDIA_FOCAL_MAX)
		return MEDIA_EDECODE;
	char full[PATH_MAX];
	if (snprintf(full, sizeof full, "%s/%s", media_dir, path) >= (int)sizeof full)
		return MEDIA_EDECODE;
	size_t len = 0;
	char *data = util_read_file(full, &len);
	if (!data) {
		log_error("media: reading %s: %s", full, strerror(errno));
		return MEDIA_EDECODE;
	}
	const struct media_type *t = media_sniff(data, len);
	struct media_file files[MEDIA_NCROPS];
	char *names[MEDIA_NCROPS] = {0};
	memset(files, 0, sizeof files);
	int rc = t ? media_crop_files(data, len, path, fx, fy, files, names) : MEDIA_EDECODE;
	if (rc == 0) {
		const char *slash = strrchr(path, '/');
		char sub[PATH_MAX];
		snprintf(sub, sizeof sub, "%.*s", slash ? (int)(slash - path) : 0, path);
		rc = media_store(media_dir, sub, files, MEDIA_NCROPS);
	}
	for (int i = 0; i < MEDIA_NCROPS; i++) {
		if (files[i].owned)
			g_free(files[i].data);
		free(names[i]);
	}
	free(data);
	return rc;
}

void media_remove_crops(const char *media_dir, const char *path, int fx, int fy)
{
	struct arena ar = ARENA_INIT;
	for (int c = 0; c < MEDIA_NCROPS; c++) {
		char *name = media_crop_path(&ar, path, (enum media_crop)c, fx, fy);
		if (name)
			unlink(arena_printf(&ar, "%s/%s", media_dir, name));
	}
	arena_free(&ar);
}

/* ---- metadata for the editor: caption, credit, copyright, keywords (media_meta_read) ---- */

#define MEDIA_XMP_MAX (256 * 1024) /* bytes of an XMP packet looked at */

/* meta_set: stores text[0..n) into field (MEDIA_META_MAX + 1 bytes) when the field is empty and the text,
 * trimmed of spaces, is non-empty valid UTF-8 without control characters; longer text is cut at a
 * character boundary. */
static void meta_set(char *field, const char *text, size_t n)
{
	if (*field)
		return;
	while (n && (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r'))
		text++, n--;
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\n' || text[n - 1] == '\r' ||
	             text[n - 1] == '\0'))
		n--;
	if (!n || !g_utf8_validate(text, (gssize)n, NULL))
		return;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\n' && text[i] != '\t')
			return;
	if (n > MEDIA_META_MAX) {
		n = MEDIA_META_MAX;
		while (n && ((unsigned char)text[n] & 0xC0) == 0x80) /* not inside a character */
			n--;
	}
	memcpy(field, text, n);
	field[n] = '\0';
	for (char *p = field; *p; p++) /* one line */
		if (*p == '\n' || *p == '\t')
			*p = ' ';
}

/* meta_append: adds text (UTF-8, already decoded) to a ", "-joined field while it fits. */
static void meta_append(char *field, const char *text)
{
	char one[MEDIA_META_MAX + 1] = "";
	meta_set(one, text, strlen(text));
	size_t have = strlen(field), add = strlen(one);
	if (!add || have + (have ? 2 : 0) + add > MEDIA_META_MAX)
		return;
	if (have)
		memcpy(field + have, ", ", 2), have += 2;
	memcpy(field + have, one, add + 1);
}

/* xmp_decode: the XML text s[0..n) with the five predefined entities and numeric character references
 * decoded (anything else, a custom entity included, is kept as typed: nothing is expanded), into a
 * g_malloc'd string. */
static char *xmp_decode(const char *s, size_t n)
{
	GString *o = g_string_sized_new(n);
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '&') {
			g_string_append_c(o, s[i]);
			continue;
		}
		static const struct { const char *name; char c; } ents[] = {
			{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
		int done = 0;
		for (size_t k = 0; k < ARRAY_LEN(ents) && !done; k++) {
			size_t el = strlen(ents[k].name);
			if (n - i >= el && memcmp(s + i, ents[k].name, el) == 0) {
				g_string_append_c(o, ents[k].c);
				i += el - 1;
				done = 1;
			}
		}
		if (!done && n - i > 3 && s[i + 1] == '#') {
			size_t j = i + 2;
			int hex = j < n && (s[j] == 'x' || s[j] == 'X');
			j += (size_t)hex;
			unsigned long cp = 0;
			size_t digits = 0;
			for (; j < n && digits < 7 && g_ascii_isxdigit(s[j]) && (hex || g_ascii_isdigit(s[j])); j++, digits++)
				cp = cp * (hex ? 16 : 10) + (unsigned long)g_ascii_xdigit_value(s[j]);
			if (digits && j < n && s[j] == ';' && cp >= 0x20 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF)) {
				g_string_append_unichar(o, (gunichar)cp);
				i = j;
				done = 1;
			}
		}
		if (!done)
			g_string_append_c(o, '&');
	}
	return g_string_free(o, FALSE);
}

/* xmp_find: the first occurrence of needle in hay[0..n), or NULL. */
static const char *xmp_find(const char *hay, size_t n, const char *needle)
{
	return memmem(hay, n, needle, strlen(needle));
}

/* xmp_items: calls meta_set (all = 0: the first item) or meta_append (all = 1: every item) on field with
 * the text of the rdf:li items inside the element named tag ("dc:description"), or with the element's own
 * text when it holds no rdf:li (photoshop:Credit). Bounded by the packet. */
static void xmp_items(const char *x, size_t n, const char *tag, int all, char *field)
{
	char open[64], close[64];
	snprintf(open, sizeof open, "<%s", tag);
	snprintf(close, sizeof close, "</%s>", tag);
	const char *start = xmp_find(x, n, open);
	if (!start)
		return;
	const char *gt = memchr(start, '>', (size_t)(x + n - start));
	if (!gt || gt[-1] == '/')
		return;
	const char *body = gt + 1, *end = xmp_find(body, (size_t)(x + n - body), close);
	if (!end)
		return;
	size_t blen = (size_t)(end - body);
	const char *li = xmp_find(body, blen, "<rdf:li");
	if (!li) {
		char *t = xmp_decode(body, blen);
		if (!memchr(t, '<', strlen(t)))
			meta_set(field, t, strlen(t));
		g_free(t);
		return;
	}
	for (int count = 0; li && count < 64; count++) {
		const char *lgt = memchr(li, '>', (size_t)(end - li));
		if (!lgt || lgt[-1] == '/')
			return;
		const char *lend = xmp_find(lgt + 1, (size_t)(end - lgt - 1), "</rdf:li>");
		if (!lend)
			return;
		char *t = xmp_decode(lgt + 1, (size_t)(lend - lgt - 1));
		if (all)
			meta_append(field, t);
		else
			meta_set(field, t, strlen(t));
		g_free(t);
		if (!all)
			return;
		li = xmp_find(lend, (size_t)(end - lend), "<rdf:li");
	}
}

void media_meta_xmp(const char *xmp, size_t len, struct media_meta *out)
{
	if (!xmp)
		return;
	size_t n = len < MEDIA_XMP_MAX ? len : MEDIA_XMP_MAX;
	xmp_items(xmp, n, "dc:description", 0, out->caption);
	xmp_items(xmp, n, "photoshop:Credit", 0, out->credit);
	xmp_items(xmp, n, "dc:creator", 0, out->credit);
	xmp_items(xmp, n, "dc:rights", 0, out->copyright);
	if (!*out->keywords)
		xmp_items(xmp, n, "dc:subject", 1, out->keywords);
}

void media_meta_iptc(const unsigned char *p, size_t len, struct media_meta *out)
{
	if (!p)
		return;
	/* a Photoshop block: find its IPTC resource (8BIM 0x0404) */
	if (len >= 14 && memcmp(p, "Photoshop 3.0", 14) == 0) {
		size_t i = 14;
		const unsigned char *iim = NULL;
		size_t iimlen = 0;
		while (i + 12 <= len && memcmp(p + i, "8BIM", 4) == 0) {
			unsigned id = (unsigned)p[i + 4] << 8 | p[i + 5];
			size_t name = (size_t)p[i + 6] + 1;
			name += name & 1;
			size_t at = i + 6 + name;
			if (at + 4 > len)
				return;
			size_t size = (size_t)p[at] << 24 | (size_t)p[at + 1] << 16 | (size_t)p[at + 2] << 8 | p[at + 3];
			at += 4;
			if (size > len - at)
				return;
			if (id == 0x0404) {
				iim = p + at;
				iimlen = size;
				break;
			}
			i = at + size + (size & 1);
		}
		if (!iim)
			return;
		p = iim;
		len = iimlen;
	}
	char kw[MEDIA_META_MAX + 1] = "";
	for (size_t i = 0; i + 5 <= len && p[i] == 0x1C;) {
		unsigned rec = p[i + 1], ds = p[i + 2];
		size_t n = (size_t)p[i + 3] << 8 | p[i + 4];
		if (n & 0x8000) /* extended lengths: not for text fields; stop, keeping what was read */
			break;
		i += 5;
		if (n > len - i) /* runs past the block: stop, keeping what was read */
			break;
		const char *t = (const char *)p + i;
		if (rec == 2 && ds == 120)
			meta_set(out->caption, t, n);
		else if (rec == 2 && (ds == 110 || ds == 80))
			meta_set(out->credit, t, n);
		else if (rec == 2 && ds == 116)
			meta_set(out->copyright, t, n);
		else if (rec == 2 && ds == 25 && n <= MEDIA_META_MAX) {
			char one[MEDIA_META_MAX + 1];
			memcpy(one, t, n);
			one[n] = '\0';
			meta_append(kw, one);
		}
		i += n;
	}
	if (!*out->keywords && *kw)
		memcpy(out->keywords, kw, strlen(kw) + 1);
}

/* meta_exif: the text of libvips' EXIF field name on img ("V (V, ASCII, n components, m bytes)": the
 * value is read back as the part both halves repeat) into field when empty. */
static void meta_exif(VipsImage *img, const char *name, char *field)
{
	const char *s = NULL;
	if (*field || vips_image_get_typeof(img, name) == 0 || vips_image_get_string(img, name, &s) != 0 || !s)
		return;
	size_t n = strlen(s);
	const char *a = NULL;
	for (const char *p = s; (p = strstr(p, ", ASCII, ")) != NULL; p++)
		a = p;
	if (!a)
		return;
	size_t p = (size_t)(a - s);
	if (p < 2 || (p - 2) % 2 != 0 || p > n)
		return;
	size_t v = (p - 2) / 2;
	if (memcmp(s + v, " (", 2) != 0 || memcmp(s, s + v + 2, v) != 0)
		return;
	meta_set(field, s, v);
}

int media_meta_read(const void *data, size_t len, struct media_meta *out)
{
	memset(out, 0, sizeof *out);
	if (!media_vips_up || !data || !len)
		return 0;
	VipsImage *img = vips_image_new_from_buffer(data, len, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
	if (!img) {
		vips_error_clear();
		return 0;
	}
	const void *blob = NULL;
	size_t blen = 0;
	if (vips_image_get_typeof(img, VIPS_META_XMP_NAME) && vips_image_get_blob(img, VIPS_META_XMP_NAME, &blob, &blen) == 0)
		media_meta_xmp(blob, blen, out);
	if (vips_image_get_typeof(img, VIPS_META_IPTC_NAME) &&
	    vips_image_get_blob(img, VIPS_META_IPTC_NAME, &blob, &blen) == 0)
		media_meta_iptc(blob, blen, out);
	meta_exif(img, "exif-ifd0-ImageDescription", out->caption);
	meta_exif(img, "exif-ifd0-Artist", out->credit);
	meta_exif(img, "exif-ifd0-Copyright", out->copyright);
	g_object_unref(img);
	vips_error_clear();
	return 0;
}

/* media_random_hex: fills hex with 32 random lowercase hex digits and a NUL. Returns 0 or -1. */
static int media_random_hex(char hex[33])
{
	unsigned char r[16];
	size_t got = 0;
	while (got < sizeof r) {
		ssize_t k = getrandom(r + got, sizeof r - got, 0);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)k;
	}
	for (size_t i = 0; i < sizeof r; i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	return 0;
}

int media_ingest(const char *media_dir, const void *data, size_t len, size_t max_bytes, int64_t now,
                 struct media_info *out)
{
	memset(out, 0, sizeof *out);
	if (!media_vips_up)
		return MEDIA_EINTERNAL;
	if (len > max_bytes)
		return MEDIA_ETOOBIG;
	if (!data || len == 0)
		return MEDIA_ETYPE;
	const struct media_type *t = media_sniff(data, len);
	if (!t)
		return MEDIA_ETYPE;
	int rc = media_check(data, len, t, &out->width, &out->height);
	if (rc)
		return rc;

	char sub[32], hex[33], base[80];
	struct tm tm;
	time_t secs = (time_t)now;
	if (!gmtime_r(&secs, &tm) || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900 || media_random_hex(hex) != 0) {
		log_error("media: no time or no randomness for a file name");
		return MEDIA_EINTERNAL;
	}
	snprintf(sub, sizeof sub, "%04d/%02d", tm.tm_year + 1900, tm.tm_mon + 1);
	snprintf(base, sizeof base, "%s/%s", sub, hex);
	out->path = xmalloc(strlen(base) + 8);
	snprintf(out->path, strlen(base) + 8, "%s.%s", base, t->ext);
	out->mime = t->mime;
	out->ext = t->ext;
	for (int i = 0; i < MEDIA_NWIDTHS; i++)
		if (media_widths[i] < out->width)
			out->nrenditions = i + 1;

	struct media_file files[2 * MEDIA_NWIDTHS + MEDIA_NCROPS + 1], orig = {0};
	char *crop_names[MEDIA_NCROPS] = {0};
	size_t nfiles = 0;
	memset(files, 0, sizeof files);
	rc = media_render(data, len, base, out, files, &nfiles);
	/* the original goes last: once it exists, its renditions and crops do too. It is a re-encoding,
	 * never the upload's bytes: those hold the camera's metadata (GPS position, serial number ...). The
	 * crops around the centre are cut from that re-encoding, so they hold none either. */
	if (rc == 0) {
		orig.rel = out->path;
		rc = media_full(data, len, t, out->width, &orig);
	}
	if (rc == 0) {
		rc = media_crop_files(orig.data, orig.len, out->path, MEDIA_FOCAL_CENTRE, MEDIA_FOCAL_CENTRE,
		                      &files[nfiles], crop_names);
		nfiles += MEDIA_NCROPS;
	}
	if (rc == 0) {
		files[nfiles++] = orig;
		orig.owned = 0; /* now files[] owns its data */
		rc = media_store(media_dir, sub, files, nfiles);
	}
	for (size_t i = 0; i < nfiles; i++)
		if (files[i].owned)
			g_free(files[i].data);
	if (orig.owned)
		g_free(orig.data);
	for (int i = 0; i < MEDIA_NCROPS; i++)
		free(crop_names[i]);
	if (rc)
		media_info_free(out);
	return rc;
}

void media_info_free(struct media_info *m)
{
	free(m->path);
	for (int i = 0; i < MEDIA_NWIDTHS; i++) {
		free(m->renditions[i].webp);
		free(m->renditions[i].jpg);
	}
	memset(m, 0, sizeof *m);
}

const char *media_strerror(int code, size_t max_bytes, enum catalog_lang lang, char *buf, size_t size)
{
	if (!buf || size == 0)
		return "";
	switch (code) {
	case MEDIA_OK:
		snprintf(buf, size, catalog_tr(lang, "The image was saved."));
		break;
	case MEDIA_ETOOBIG:
		if (max_bytes >= 1048576 && max_bytes % 1048576 == 0)
			snprintf(buf, size, catalog_tr(lang, "The image is larger than %zu MB."), max_bytes / 1048576);
		else if (max_bytes >= 1048576)
			snprintf(buf, size, catalog_tr(lang, "The image is larger than %.1f MB."), (double)max_bytes / 1048576.0);
		else
			snprintf(buf, size, catalog_tr(lang, "The image is larger than %zu KB."), max_bytes / 1024);
		break;
	case MEDIA_ETYPE:
		snprintf(buf, size, catalog_tr(lang, "This file is not a JPEG, PNG or WebP image."));
		break;
	case MEDIA_EDECODE:
		snprintf(buf, size, catalog_tr(lang, "This image is damaged or incomplete and cannot be read."));
		break;
	case MEDIA_EDIMENSIONS:
		snprintf(buf, size, catalog_tr(lang, "The image must be between 1 and %d pixels wide and high."), MEDIA_MAX_SIDE);
		break;
	case MEDIA_ESTORE:
		snprintf(buf, size, catalog_tr(lang, "The image could not be saved. Please try again."));
		break;
	default:
		snprintf(buf, size, catalog_tr(lang, "The image could not be processed. Please try again."));
		break;
	}
	return buf;
}

/* media_path_ok: 1 when path is a stored-media path: only [A-Za-z0-9._/-], no "..", no leading '/',
 * and a '.' in its last segment after at least one character; else 0. Sets *dot to that last '.'. */
static int media_path_ok(const char *path, const char **dot)
{
	if (!path || !*path || path[0] == '/' || strstr(path, ".."))
		return 0;
	for (const char *p = path; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '/' || c == '-'))
			return 0;
	}
	const char *slash = strrchr(path, '/');
	const char *seg = slash ? slash + 1 : path;
	const char *d = strrchr(seg, '.');
	if (!d || d == seg || d[1] == '\0')
		return 0;
	*dot = d;
	return 1;
}

/* media_format_ok: 1 for "webp" or "jpg"; else 0. */
static int media_format_ok(const char *format)
{
	return format && (strcmp(format, "webp") == 0 || strcmp(format, "jpg") == 0);
}

char *media_rendition_path(struct arena *a, const char *path, int w, const char *format)
{
	const char *dot;
	if (!media_format_ok(format) || !media_path_ok(path, &dot))
		return NULL;
	return arena_printf(a, "%.*s-%d.%s", (int)(dot - path), path, w, format);
}

char *media_srcset(struct arena *a, const char *prefix, const char *path, int width, const char *format)
{
	const char *dot;
	if (!media_format_ok(format) || !media_path_ok(path, &dot) || width < 1 || width > MEDIA_MAX_SIDE)
		return NULL;
	if (!prefix)
		prefix = "";
	char *s = arena_strdup(a, "");
	for (int i = 0; i < MEDIA_NWIDTHS && media_widths[i] < width; i++)
		s = arena_printf(a, "%s%s%s%.*s-%d.%s %dw", s, i ? ", " : "", prefix, (int)(dot - path), path,
		                 media_widths[i], format, media_widths[i]);
	return s;
}

/* Tallies of the once-only pass (media_clean_stored). */
struct media_clean {
	int originals;  /* re-encoded */
	int renditions; /* WebP renditions whose metadata chunks were dropped */
	int unreadable; /* left as they are: they do not decode (logged by name) */
	int failed;     /* could not be read or written (logged by name) */
};

/* media_upload_kind: what a file name in a YYYY/MM directory is: 1 for an original
 * (<32 lowercase hex>.<jpg|png|webp>, whose extension starts at *ext), 2 for a WebP rendition
 * (<32 hex>-<width>.webp), 0 for anything else (left alone). */
static int media_upload_kind(const char *name, const char **ext)
{
	if (strspn(name, "0123456789abcdef") != 32)
		return 0;
	const char *p = name + 32;
	if (*p == '.' && (strcmp(p + 1, "jpg") == 0 || strcmp(p + 1, "png") == 0 || strcmp(p + 1, "webp") == 0)) {
		*ext = p + 1;
		return 1;
	}
	if (*p++ != '-')
		return 0;
	size_t digits = strspn(p, "0123456789");
	return digits >= 1 && digits <= 5 && strcmp(p + digits, ".webp") == 0 ? 2 : 0;
}

/* media_clean_original: re-encodes the stored original at path (extension ext) in place, as
 * media_ingest stores one today (media_full), through a temp file and rename. Counts the outcome in *c:
 * a file that does not decode as its type is left alone and logged by name; a read or write failure is
 * logged. */
static void media_clean_original(const char *path, const char *ext, struct media_clean *c)
{
	size_t len = 0;
	char *data = util_read_file(path, &len);
	if (!data) {
		log_error("media: reading %s: %s", path, strerror(errno));
		c->failed++;
		return;
	}
	const struct media_type *t = media_sniff(data, len);
	int w = 0, h = 0;
	int rc = t && strcmp(t->ext, ext) == 0 ? media_check(data, len, t, &w, &h) : MEDIA_ETYPE;
	struct media_file f = {0};
	if (rc == 0)
		rc = media_full(data, len, t, w, &f);
	if (rc == MEDIA_ETYPE || rc == MEDIA_EDECODE || rc == MEDIA_EDIMENSIONS) {
		log_error("media: %s does not decode as a .%s image, so its metadata could not be removed: it is served "
		          "as it is; replace or delete it",
		          path, ext);
		c->unreadable++;
	} else if (rc != 0) {
		log_error("media: re-encoding %s failed (see above)", path);
		c->failed++;
	} else if (util_write_file_atomic(path, f.data, f.len, 0644) != 0) {
		log_error("media: writing %s: %s", path, strerror(errno));
		c->failed++;
	} else {
		c->originals++;
	}
	g_free(f.data);
	free(data);
}

/* media_clean_rendition: drops the metadata chunks of the stored WebP rendition at path (libvips 8.14
 * added an EXIF chunk of its own to every WebP) and rewrites it when that changed anything. Counts the
 * outcome in *c. */
static void media_clean_rendition(const char *path, struct media_clean *c)
{
	size_t len = 0, before;
	unsigned char *data = (unsigned char *)util_read_file(path, &len);
	if (!data) {
		log_error("media: reading %s: %s", path, strerror(errno));
		c->failed++;
		return;
	}
	before = len;
	if (media_webp_strip(data, &len) != 0) {
		log_error("media: %s is not a well-formed WebP: left as it is; replace or delete it", path);
		c->unreadable++;
	} else if (len != before && util_write_file_atomic(path, data, len, 0644) != 0) {
		log_error("media: writing %s: %s", path, strerror(errno));
		c->failed++;
	} else if (len != before) {
		c->renditions++;
	}
	free(data);
}

/* media_clean_opendir: opens the directory dir for the clean-up; on failure logs it, counts it in
 * c->failed and returns NULL. The caller closes what it returns. */
static DIR *media_clean_opendir(const char *dir, struct media_clean *c)
{
	DIR *d = opendir(dir);
	if (!d) {
		log_error("media: reading %s: %s", dir, strerror(errno));
		c->failed++;
	}
	return d;
}

/* media_clean_month: cleans every upload in the directory dir (a YYYY/MM directory). */
static void media_clean_month(const char *dir, struct media_clean *c)
{
	DIR *d = media_clean_opendir(dir, c);
	if (!d)
		return;
	struct dirent *e;
	char path[PATH_MAX];
	while ((e = readdir(d)) != NULL) {
		const char *ext = NULL;
		int kind = media_upload_kind(e->d_name, &ext);
		if (!kind || snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
			continue;
		int before = c->originals + c->renditions;
		if (kind == 1)
			media_clean_original(path, ext, c);
		else
			media_clean_rendition(path, c);
		int n = c->originals + c->renditions;
		if (n != before && n % 500 == 0)
			log_info("media: %d uploads re-encoded so far", n);
	}
	closedir(d);
}

/* media_is_dir: 1 when path is a directory (symbolic links followed), else 0. */
static int media_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* media_clean_walk: runs media_clean_month on every media_dir/YYYY/MM directory. */
static void media_clean_walk(const char *media_dir, struct media_clean *c)
{
	DIR *d = media_clean_opendir(media_dir, c);
	if (!d)
		return;
	struct dirent *y;
	char ypath[PATH_MAX], mpath[PATH_MAX];
	while ((y = readdir(d)) != NULL) {
		if (!util_all_digits(y->d_name, 4) ||
		    snprintf(ypath, sizeof ypath, "%s/%s", media_dir, y->d_name) >= (int)sizeof ypath || !media_is_dir(ypath))
			continue;
		DIR *yd = opendir(ypath);
		struct dirent *m;
		while (yd && (m = readdir(yd)) != NULL)
			if (util_all_digits(m->d_name, 2) &&
			    snprintf(mpath, sizeof mpath, "%s/%s", ypath, m->d_name) < (int)sizeof mpath && media_is_dir(mpath))
				media_clean_month(mpath, c);
		if (yd)
			closedir(yd);
	}
	closedir(d);
}

int media_clean_stored(const char *media_dir)
{
	char mark[PATH_MAX], lock[PATH_MAX];
	if (snprintf(mark, sizeof mark, "%s/%s", media_dir, MEDIA_CLEAN_MARK) >= (int)sizeof mark ||
	    snprintf(lock, sizeof lock, "%s/%s", media_dir, MEDIA_CLEAN_LOCK) >= (int)sizeof lock) {
		log_error("media: the media directory's path is too long: %s", media_dir);
		return -1;
	}
	if (!media_vips_up) {
		log_error("media: media_clean_stored before media_init");
		return -1;
	}
	if (access(mark, F_OK) == 0)
		return 0;
	/* nodes sharing the directory wait for the first one's pass instead of repeating it; without a lock
	 * (a read-only directory) the pass still runs: with nothing to rewrite it succeeds */
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	while (fd >= 0 && flock(fd, LOCK_EX) != 0 && errno == EINTR)
		;
	if (fd >= 0 && access(mark, F_OK) == 0) {
		close(fd);
		return 0;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct media_clean c = {0};
	media_clean_walk(media_dir, &c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (c.originals || c.renditions || c.unreadable || c.failed)
		log_info("media: uploads stored before metadata was removed: %d originals re-encoded, %d WebP renditions "
		         "cleaned, %d unreadable, %d failed in %.1f s",
		         c.originals, c.renditions, c.unreadable, c.failed, secs);
	if (c.failed == 0) {
		static const char note[] =
			"Broadsheet re-encoded the uploads below this directory without their metadata (EXIF, GPS, XMP, IPTC,\n"
			"ICC, comments). Uploads made since are stored that way. Delete this file to run the pass again at the\n"
			"next start (docs/operations.md, \"Image metadata\").\n";
		if (util_write_file_atomic(mark, note, sizeof note - 1, 0644) != 0)
			log_info("media: cannot write %s (%s): the pass runs again at the next start", mark, strerror(errno));
	}
	if (fd >= 0)
		close(fd); /* and so unlocked */
	return c.failed ? -1 : 0;
}
