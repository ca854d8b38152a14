/* media.h - image ingest for newsroom uploads. The real type is sniffed from the bytes (libmagic; only
 * JPEG, PNG and WebP), the image is fully decoded once (libvips) to prove it is whole, and a re-encoded
 * original plus resized renditions are written under the media directory. Thread-safe after media_init().
 *
 * Naming. The original is stored as  YYYY/MM/<32 hex>.<ext>  (ext: jpg, png or webp; random name, UTC
 * month of `now`), relative to the media directory. Its renditions sit next to it: for each width W of
 * media_widths[] strictly smaller than the original's width,  YYYY/MM/<32 hex>-W.webp  and
 * YYYY/MM/<32 hex>-W.jpg  (never upscaled; transparency is kept in WebP and flattened on white in JPEG).
 * So the rendition names follow from the stored path and width alone: see media_rendition_path() and
 * media_srcset().
 *
 * Crops. Around the image's focal point (fx, fy in ten-thousandths of the width and height, 0..10000;
 * 5000, 5000 is the centre and the default) four JPEG crops sit next to the original too:
 *  YYYY/MM/<32 hex>-<crop>-f<fx>-<fy>.jpg  for <crop> 16x9 (at most 1280x720), 4x3 (at most 1200x900),
 * 1x1 (at most 1080x1080) and social (exactly 1200x630, the og:image and the NewsArticle image; scaled up
 * from a smaller image). The focal point is in the name because /media/ files are cached as immutable:
 * a new focal point gives new files (media_make_crops) and the old ones are removed (media_remove_crops).
 * Each crop is the largest box of its aspect ratio inside the image, centred on the focal point as far
 * as the image's edges allow (media_focal_box), then scaled; see media_crop_path().
 *
 * No metadata is stored. Every file, the original included, is a re-encoding by libvips: EXIF
 * orientation applied, converted to sRGB, and without EXIF (GPS position, camera serial number, artist),
 * XMP, IPTC, ICC profile, comments or text chunks; the original keeps its format and full size (JPEG and
 * WebP at quality 90, PNG lossless). Bytes appended after the image (an HTML page, an archive) are not
 * kept either. The upload's own bytes are never written. Caption and credit are where a photo's
 * provenance belongs. */
#ifndef BROADSHEET_MEDIA_H
#define BROADSHEET_MEDIA_H
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "catalog.h"

#define MEDIA_MAX_SIDE 12000 /* largest accepted width or height, in pixels */
#define MEDIA_NWIDTHS 3
#define MEDIA_FOCAL_MAX 10000  /* a focal coordinate is 0..MEDIA_FOCAL_MAX (ten-thousandths) */
#define MEDIA_FOCAL_CENTRE 5000

/* The crops made around the focal point (see Crops). */
enum media_crop { MEDIA_CROP_16X9, MEDIA_CROP_4X3, MEDIA_CROP_1X1, MEDIA_CROP_SOCIAL, MEDIA_NCROPS };

struct media_crop_spec {
	const char *name; /* in the file name: "16x9", "4x3", "1x1", "social" */
	int aw, ah;       /* aspect ratio */
	int max_w, max_h; /* the largest output (exact output for an exact crop) */
	int exact;        /* 1: always max_w x max_h (scaled up when the image is smaller) */
};
extern const struct media_crop_spec media_crop_specs[MEDIA_NCROPS];

/* A rectangle inside an image, in pixels. */
struct media_box {
	int x, y, w, h;
};

/* The rendition widths, ascending: 320, 640, 1280. */
extern const int media_widths[MEDIA_NWIDTHS];

enum {
	MEDIA_OK = 0,
	MEDIA_ETOOBIG = -1,     /* more than max_bytes */
	MEDIA_ETYPE = -2,       /* not a JPEG, PNG or WebP by its content */
	MEDIA_EDECODE = -3,     /* claims to be one, but does not decode (truncated, corrupt) */
	MEDIA_EDIMENSIONS = -4, /* width or height outside 1..MEDIA_MAX_SIDE */
	MEDIA_ESTORE = -5,      /* writing to the media directory failed (logged) */
	MEDIA_EINTERNAL = -6,   /* not initialised, or encoding a rendition failed (logged) */
};

struct media_rendition {
	int width, height;
	char *webp; /* relative to the media directory, like media_info.path; owned (malloc) */
	char *jpg;
};

struct media_info {
	char *path;        /* the stored original, relative to the media directory: "2026/11/<hex>.jpg";
	                      owned (malloc) */
	const char *mime;  /* static: "image/jpeg", "image/png" or "image/webp" */
	const char *ext;   /* static: "jpg", "png" or "webp" */
	int width, height; /* as displayed: after the EXIF orientation is applied */
	int nrenditions;   /* how many media_widths[] are smaller than width (0..MEDIA_NWIDTHS) */
	struct media_rendition renditions[MEDIA_NWIDTHS]; /* ascending widths */
};

/* media_init: initialises libvips (once, before any thread calls media_ingest; it cannot be restarted
 * after media_shutdown), turns off its operation cache, blocks every libvips loader but JPEG, PNG and
 * WebP process-wide, routes libvips warnings to log_info, and loads the libmagic database.
 * Returns 0, or -1 (logged) when either library cannot start. */
int media_init(void);

/* media_shutdown: releases libmagic and shuts libvips down (so leak checkers see its caches freed).
 * Safe to call when media_init failed or was never called. */
void media_shutdown(void);

/* media_ingest: validates data[0..len): at most max_bytes, sniffed type JPEG/PNG/WebP (the decoder
 * libvips picks must agree), dimensions within 1..MEDIA_MAX_SIDE, decodes completely. Then stores the
 * renditions and the re-encoded original (last; see Naming: nothing of the upload's metadata is kept)
 * under media_dir (directories created as needed), each through a temp file, fsync and rename. now is
 * the UTC time that picks YYYY/MM.
 * Fills *out (free with media_info_free) and returns 0, or returns a negative MEDIA_E* code with *out
 * zeroed and no file left behind (an empty YYYY/MM directory may remain). Safe from many threads. */
int media_ingest(const char *media_dir, const void *data, size_t len, size_t max_bytes, int64_t now,
                 struct media_info *out);

/* media_clean_stored: the once-only pass for a media directory filled before uploads were stored
 * without metadata: re-encodes every original (YYYY/MM/<32 hex>.<jpg|png|webp>) in place as media_ingest
 * stores one today, and drops the metadata chunks of the WebP renditions (<32 hex>-W.webp); other files
 * are left alone. Runs once: on success it writes media_dir/.metadata-removed and later calls return at
 * once. While it runs it holds an exclusive flock on media_dir/.metadata-removed.lock, so nodes sharing
 * the directory wait and then find the pass done. A file that does not decode is logged by name and left
 * as it is. Call after media_init, before serving. Returns 0 when every upload is clean (or was already),
 * or -1 when a file could not be read or rewritten (each logged; the pass runs again at the next call). */
int media_clean_stored(const char *media_dir);

/* media_webp_strip: keeps only the image's own chunks (VP8X, "VP8 ", VP8L, ALPH, ANIM, ANMF) of the
 * RIFF WebP in data[0..*len), in place: EXIF, XMP, ICCP and any other chunk go, the ICC/EXIF/XMP flags
 * of VP8X are cleared, the RIFF size is fixed and *len becomes the new length. Pure. Returns 0, or -1
 * with data untouched when it is not a whole, well-formed WebP (RIFF size equal to *len - 8, every chunk
 * inside it). */
int media_webp_strip(unsigned char *data, size_t *len);

/* media_info_free: frees the paths in m and zeroes it (a zeroed struct is fine too). */
void media_info_free(struct media_info *m);

/* media_strerror: writes a sentence for a MEDIA_* code in lang (the newsroom's language; its format
 * translated through the catalogue) into buf[0..size) (max_bytes gives the limit MEDIA_ETOOBIG names, e.g.
 * "The image is larger than 20 MB.") and returns buf. */
const char *media_strerror(int code, size_t max_bytes, enum catalog_lang lang, char *buf, size_t size);

/* media_rendition_path: the path of the rendition of stored original `path` at width w in format
 * "webp" or "jpg": "2026/11/ab.png" -> "2026/11/ab-640.webp". Pure; allocates in the arena.
 * Returns NULL when the format is unknown or path is not a stored-media path (see media_srcset). */
char *media_rendition_path(struct arena *a, const char *path, int w, const char *format);

/* media_srcset: a srcset attribute value listing the renditions of `path` (an original `width` pixels
 * wide) in format "webp" or "jpg", each URL being prefix + rendition path:
 * "/media/2026/11/ab-320.webp 320w, /media/2026/11/ab-640.webp 640w". Only widths below `width` are
 * listed (the ones media_ingest wrote), so it is "" for an original 320 pixels wide or less; the
 * original itself is not listed (use it, or the largest rendition, as the <img> src). prefix is trusted
 * and copied as is; the result still goes through the attribute escaper. Pure; allocates in the arena.
 * Returns NULL when the format is unknown, width is outside 1..MEDIA_MAX_SIDE, or path holds anything
 * but [A-Za-z0-9._/-], a "..", a leading '/', or no extension in its last segment. */
char *media_srcset(struct arena *a, const char *prefix, const char *path, int width, const char *format);

/* What an upload's own metadata says about it, for the editor to confirm: each field valid UTF-8 without
 * control characters, at most MEDIA_META_MAX bytes (cut at a character boundary), "" when absent. */
#define MEDIA_META_MAX 1000
struct media_meta {
	char caption[MEDIA_META_MAX + 1];   /* XMP dc:description, IPTC 2:120, EXIF ImageDescription */
	char credit[MEDIA_META_MAX + 1];    /* XMP photoshop:Credit or dc:creator, IPTC 2:110 or 2:80, EXIF Artist */
	char copyright[MEDIA_META_MAX + 1]; /* XMP dc:rights, IPTC 2:116, EXIF Copyright */
	char keywords[MEDIA_META_MAX + 1];  /* XMP dc:subject, IPTC 2:25: joined by ", " */
};

/* media_meta_read: fills *out from the caption, credit, copyright and keywords an image carries (its XMP
 * packet first, then IPTC, then EXIF), as libvips parsed them from data[0..len) (an upload that
 * media_ingest accepted; nothing else of the metadata is read: no GPS, serial numbers or times). Each
 * parse is bounded: XMP is scanned as text (no DTD, no entity but the five predefined and numeric
 * references, so an entity bomb is inert) within its first 256 KB; IPTC records are read within the block;
 * text that is not UTF-8 (or holds control characters) is ignored. Returns 0 (out zeroed when nothing was
 * found or the image does not decode). */
int media_meta_read(const void *data, size_t len, struct media_meta *out);

/* media_meta_xmp: the XMP part of media_meta_read over an XMP packet xmp[0..len) (pure; for tests and
 * fuzzing): fills the fields of out that are still empty. */
void media_meta_xmp(const char *xmp, size_t len, struct media_meta *out);

/* media_meta_iptc: the IPTC part over a Photoshop APP13 block (starting "Photoshop 3.0\0") or a bare IIM
 * record stream iptc[0..len) (pure): fills the fields of out that are still empty. */
void media_meta_iptc(const unsigned char *iptc, size_t len, struct media_meta *out);

/* media_focal_box: the largest box of aspect aw:ah inside a w x h image, centred on the focal point (fx,
 * fy in 0..MEDIA_FOCAL_MAX) as far as the edges allow (a point near an edge gives a box against that
 * edge). Pure. Returns 0 with *out filled, or -1 when a size is outside 1..MEDIA_MAX_SIDE, the aspect is
 * not positive or the point is outside 0..MEDIA_FOCAL_MAX. */
int media_focal_box(int w, int h, int aw, int ah, int fx, int fy, struct media_box *out);

/* media_crop_size: the output size of crop c cut as box b: the box scaled down to the crop's largest
 * size (never up), with the height made to the exact aspect; exactly max_w x max_h for an exact crop.
 * Pure. */
void media_crop_size(enum media_crop c, const struct media_box *b, int *w, int *h);

/* media_crop_path: the path of crop c of stored original `path` for focal point (fx, fy):
 * "2026/11/ab.png", MEDIA_CROP_SOCIAL, 5000, 2500 -> "2026/11/ab-social-f5000-2500.jpg". Pure; allocates
 * in the arena. Returns NULL for an unknown crop, a point outside 0..MEDIA_FOCAL_MAX or a path that is not
 * a stored-media path (see media_srcset). */
char *media_crop_path(struct arena *a, const char *path, enum media_crop c, int fx, int fy);

/* media_jpeg_from_rgb: encodes w x h pixels of 8-bit RGB (rows top to bottom, no padding; borrowed) as a
 * JPEG as media_ingest's encoder writes one (for pictures made by the program, such as the demo site's).
 * Sets *out (malloc'd: the caller frees it) and *len and returns 0, or MEDIA_EINTERNAL (logged; *out
 * NULL) when libvips is not started, the size is outside 1..MEDIA_MAX_SIDE or encoding fails. */
int media_jpeg_from_rgb(const unsigned char *rgb, int w, int h, void **out, size_t *len);

/* media_make_crops: (re)writes the MEDIA_NCROPS crops of the stored original media_dir/path for focal
 * point (fx, fy), each through a temp file and rename (see Crops). The original is a stored re-encoding
 * (no metadata), so the crops carry none either. Returns 0, MEDIA_EDECODE when the original cannot be
 * read or decoded (an SVG, a missing file: logged), or MEDIA_ESTORE / MEDIA_EINTERNAL (logged); on
 * failure no crop of that point is left behind. Safe from many threads. */
int media_make_crops(const char *media_dir, const char *path, int fx, int fy);

/* media_remove_crops: deletes the crops of media_dir/path for focal point (fx, fy) (missing ones are
 * fine). */
void media_remove_crops(const char *media_dir, const char *path, int fx, int fy);

#endif
