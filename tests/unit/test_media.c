/* test_media.c - image ingest: type sniffing, decoding, renditions, atomic storage, srcset; no camera
 * metadata (EXIF with GPS, artist and serial, XMP, ICC, comments) or appended bytes in any stored file;
 * the once-only pass over uploads stored before that. Every test image is generated here with libvips
 * (the camera EXIF is built by hand); nothing binary is committed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <vips/vips.h>

#include "arena.h"
#include "media.h"
#include "util.h"

#define MB ((size_t)1 << 20)

static char media_dir[64];

/* count_entries: how many files and directories lie below dir (recursively). */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		n++;
		char sub[512];
		snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			n += count_entries(sub);
	}
	closedir(d);
	return n;
}

#define SECRET_EXIF "SecretCamModel"
#define SECRET_XMP "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">SecretXmpText</x:xmpmeta>"

/* make_image: a w x h test image (a gradient; 4 bands = RGBA, 3 = RGB, 1 = grey) encoded by libvips as
 * suffix (".jpg", ".png", ".webp"), with an EXIF orientation when orientation > 1, and always with an
 * ICC profile, an EXIF Make and XMP text that renditions must not carry. Caller g_frees. */
static void *make_image(const char *suffix, int w, int h, int bands, int orientation, size_t *len)
{
	VipsImage *grey = NULL, *scaled = NULL, *u8 = NULL, *joined = NULL, *img = NULL;
	assert_int_equal(vips_grey(&grey, w, h, NULL), 0);
	assert_int_equal(vips_linear1(grey, &scaled, 255.0, 0.0, NULL), 0);
	assert_int_equal(vips_cast_uchar(scaled, &u8, NULL), 0);
	if (bands > 1) {
		VipsImage *in[4] = {u8, u8, u8, u8};
		assert_int_equal(vips_bandjoin(in, &joined, bands, NULL), 0);
		assert_int_equal(vips_copy(joined, &img, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), 0);
	} else {
		assert_int_equal(vips_copy(u8, &img, "interpretation", VIPS_INTERPRETATION_B_W, NULL), 0);
	}
	if (orientation > 1)
		vips_image_set_int(img, VIPS_META_ORIENTATION, orientation);
	vips_image_set_string(img, "exif-ifd0-Make", SECRET_EXIF);
	vips_image_set_blob_copy(img, VIPS_META_XMP_NAME, SECRET_XMP, strlen(SECRET_XMP));
	VipsImage *icc = NULL;
	if (bands >= 3) /* tag it with an sRGB profile */
		assert_int_equal(vips_icc_transform(img, &icc, "srgb", "input_profile", "srgb", "embedded", FALSE, NULL), 0);
	void *buf = NULL;
	assert_int_equal(vips_image_write_to_buffer(icc ? icc : img, suffix, &buf, len, NULL), 0);
	if (icc)
		g_object_unref(icc);
	/* the metadata really is in the test JPEGs (libvips' PNG and WebP savers may leave some out), so its
	 * absence from renditions means something */
	if (strcmp(suffix, ".jpg") == 0) {
		assert_non_null(memmem(buf, *len, "SecretXmp", 9));
		assert_non_null(memmem(buf, *len, "SecretCam", 9));
	}
	g_object_unref(grey);
	g_object_unref(scaled);
	g_object_unref(u8);
	if (joined)
		g_object_unref(joined);
	g_object_unref(img);
	return buf;
}

/* fixed_now: 2026-11-15 12:00:00 UTC. */
static int64_t fixed_now(void)
{
	struct tm tm = {.tm_year = 2026 - 1900, .tm_mon = 10, .tm_mday = 15, .tm_hour = 12};
	return (int64_t)timegm(&tm);
}

/* load_stored: opens a stored file (relative to media_dir) with libvips; caller unrefs. */
static VipsImage *load_stored(const char *rel)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", media_dir, rel);
	VipsImage *img = vips_image_new_from_file(path, NULL);
	if (!img)
		fail_msg("cannot load %s: %s", path, vips_error_buffer());
	return img;
}

/* stored_exists: 1 when the file rel exists under media_dir. */
static int stored_exists(const char *rel)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", media_dir, rel);
	return access(path, F_OK) == 0;
}

/* assert_metadata_free: the stored file rel (loaded as r) carries no ICC profile, no XMP, no rotation,
 * none of the camera text the test images hold, and no EXIF, XMP or ICC header at all (looked for in
 * the raw bytes). */
static void assert_metadata_free(const char *rel, VipsImage *r)
{
	assert_int_equal(vips_image_get_typeof(r, VIPS_META_ICC_NAME), 0);
	assert_int_equal(vips_image_get_typeof(r, VIPS_META_XMP_NAME), 0);
	int orientation = 1;
	if (vips_image_get_typeof(r, VIPS_META_ORIENTATION))
		assert_int_equal(vips_image_get_int(r, VIPS_META_ORIENTATION, &orientation), 0);
	assert_int_equal(orientation, 1);
	char path[512];
	snprintf(path, sizeof path, "%s/%s", media_dir, rel);
	size_t n = 0;
	char *bytes = util_read_file(path, &n);
	assert_non_null(bytes);
	assert_null(memmem(bytes, n, "SecretCam", 9));
	assert_null(memmem(bytes, n, "SecretXmp", 9));
	assert_null(memmem(bytes, n, "Exif\0\0", 6)); /* not even the EXIF block libvips makes of its own */
	assert_null(memmem(bytes, n, "ICC_PROFILE", 11));
	assert_null(memmem(bytes, n, "iCCP", 4));
	assert_null(memmem(bytes, n, "eXIf", 4));
	assert_null(memmem(bytes, n, "http://ns.adobe.com/xap/1.0/", 28));
	free(bytes);
}

/* check_ingest: ingests an image and checks everything media_ingest promises about the result: the
 * original re-encoded in its own format at its displayed size, renditions, and no metadata anywhere. */
static void check_ingest(const void *data, size_t len, const char *mime, const char *ext, int w, int h,
                         int want_renditions)
{
	struct media_info m;
	assert_int_equal(media_ingest(media_dir, data, len, 20 * MB, fixed_now(), &m), 0);
	assert_string_equal(m.mime, mime);
	assert_string_equal(m.ext, ext);
	assert_int_equal(m.width, w);
	assert_int_equal(m.height, h);
	/* 2026/11/<32 hex>.<ext> */
	assert_int_equal(strncmp(m.path, "2026/11/", 8), 0);
	assert_int_equal(strspn(m.path + 8, "0123456789abcdef"), 32);
	assert_int_equal(m.path[40], '.');
	assert_string_equal(m.path + 41, ext);
	/* the original is a re-encoding in the upload's format, at its displayed size, without metadata */
	char path[512];
	snprintf(path, sizeof path, "%s/%s", media_dir, m.path);
	size_t got_len = 0;
	char *stored = util_read_file(path, &got_len);
	assert_non_null(stored);
	assert_false(got_len == len && memcmp(stored, data, len) == 0);
	free(stored);
	VipsImage *o = load_stored(m.path);
	const char *loader = NULL;
	assert_int_equal(vips_image_get_string(o, "vips-loader", &loader), 0);
	assert_int_equal(strncmp(loader, ext[0] == 'j' ? "jpeg" : ext[0] == 'p' ? "png" : "webp", 3), 0);
	assert_int_equal(vips_image_get_width(o), w);
	assert_int_equal(vips_image_get_height(o), h);
	assert_metadata_free(m.path, o);
	g_object_unref(o);
	/* renditions: only widths below the original, both formats, exact widths, no metadata */
	assert_int_equal(m.nrenditions, want_renditions);
	struct arena a = ARENA_INIT;
	for (int i = 0; i < MEDIA_NWIDTHS; i++) {
		int rw = media_widths[i];
		const char *webp = media_rendition_path(&a, m.path, rw, "webp");
		const char *jpg = media_rendition_path(&a, m.path, rw, "jpg");
		if (i >= want_renditions) {
			assert_true(rw >= w);
			assert_false(stored_exists(webp));
			assert_false(stored_exists(jpg));
			continue;
		}
		assert_true(rw < w);
		assert_string_equal(m.renditions[i].webp, webp); /* the documented naming */
		assert_string_equal(m.renditions[i].jpg, jpg);
		assert_int_equal(m.renditions[i].width, rw);
		const char *files[2] = {webp, jpg};
		for (int f = 0; f < 2; f++) {
			VipsImage *r = load_stored(files[f]);
			assert_int_equal(vips_image_get_width(r), rw);
			assert_int_equal(vips_image_get_height(r), m.renditions[i].height);
			/* proportional height, within rounding */
			double want_h = (double)h * rw / w;
			assert_true(vips_image_get_height(r) >= (int)want_h - 1 && vips_image_get_height(r) <= (int)want_h + 1);
			assert_metadata_free(files[f], r);
			g_object_unref(r);
		}
	}
	arena_free(&a);
	media_info_free(&m);
	assert_null(m.path);
}


/* ---------------------------------------------------------------- camera metadata, built by hand */

#define ARTIST "Jane Q. Photographer"
#define SERIAL "SN-4C0012345678"
#define COMMENT "CommentSecret <script>alert(1)</script>"

/* The GPS latitude 33 deg 53' 45.12" as three big-endian rationals: the bytes a leak would show. */
static const unsigned char gps_lat[24] = {0, 0, 0, 33, 0, 0, 0, 1, 0, 0, 0, 53, 0, 0, 0, 1, 0, 0, 0x11, 0xa0, 0, 0, 0, 100};

struct tiff {
	unsigned char b[1024];
	size_t len;
};

/* put16/put32: big-endian numbers at t->b[at]. */
static void put16(struct tiff *t, size_t at, unsigned v)
{
	t->b[at] = (unsigned char)(v >> 8);
	t->b[at + 1] = (unsigned char)v;
}

static void put32(struct tiff *t, size_t at, uint32_t v)
{
	put16(t, at, v >> 16);
	put16(t, at + 2, v & 0xffff);
}

struct entry {
	unsigned tag, type, count;
	const void *data;
	size_t len; /* bytes of data */
};

/* put_ifd: writes an IFD of n entries at t->len (values over 4 bytes after it) and returns its offset. */
static size_t put_ifd(struct tiff *t, const struct entry *e, int n)
{
	size_t at = t->len, extra = at + 2 + 12 * (size_t)n + 4;
	put16(t, at, (unsigned)n);
	for (int i = 0; i < n; i++) {
		size_t p = at + 2 + 12 * (size_t)i;
		put16(t, p, e[i].tag);
		put16(t, p + 2, e[i].type);
		put32(t, p + 4, e[i].count);
		if (e[i].len <= 4) {
			memcpy(t->b + p + 8, e[i].data, e[i].len);
		} else {
			put32(t, p + 8, (uint32_t)(extra - 6)); /* offsets count from the TIFF header, after "Exif\0\0" */
			memcpy(t->b + extra, e[i].data, e[i].len);
			extra += (e[i].len + 1) & ~(size_t)1;
		}
	}
	put32(t, at + 2 + 12 * (size_t)n, 0);
	t->len = extra;
	return at - 6;
}

/* camera_exif: an APP1 EXIF payload as a camera writes it: "Exif\0\0", a big-endian TIFF header, IFD0
 * (Make, orientation, Artist, pointers), the Exif IFD (BodySerialNumber) and the GPS IFD (latitude and
 * longitude). The pointers are written once the sub-IFDs' places are known. */
static void camera_exif(struct tiff *t, int orientation)
{
	memset(t, 0, sizeof *t);
	memcpy(t->b, "Exif\0\0MM\0\x2a\0\0\0\x08", 14);
	t->len = 14;
	unsigned char orient[2] = {0, (unsigned char)orientation}, zero[4] = {0};
	const struct entry ifd0[] = {
		{0x010f, 2, 10, "SecretCam", 10},      {0x0112, 3, 1, orient, 2}, {0x013b, 2, sizeof ARTIST, ARTIST, sizeof ARTIST},
		{0x8769, 4, 1, zero, 4},               {0x8825, 4, 1, zero, 4},
	};
	size_t at0 = put_ifd(t, ifd0, 5) + 6;
	const struct entry exif[] = {{0xa431, 2, sizeof SERIAL, SERIAL, sizeof SERIAL}};
	size_t exif_at = put_ifd(t, exif, 1);
	static const unsigned char lon[24] = {0, 0, 0, 35, 0, 0, 0, 1, 0, 0, 0, 30, 0, 0, 0, 1, 0, 0, 0x04, 0xd2, 0, 0, 0, 100};
	const struct entry gps[] = {
		{0x0000, 1, 4, "\x02\x03\x00\x00", 4}, {0x0001, 2, 2, "N", 2}, {0x0002, 5, 3, gps_lat, 24},
		{0x0003, 2, 2, "E", 2},                {0x0004, 5, 3, lon, 24},
	};
	size_t gps_at = put_ifd(t, gps, 5);
	put32(t, at0 + 2 + 12 * 3 + 8, (uint32_t)exif_at);
	put32(t, at0 + 2 + 12 * 4 + 8, (uint32_t)gps_at);
}

/* with_segments: a copy of the JPEG jpg[0..*len) with, right after SOI, the camera's EXIF (orientation
 * as given), an XMP packet naming the place, and a comment holding HTML. Updates *len; caller frees. */
static unsigned char *with_segments(const unsigned char *jpg, size_t *len, int orientation)
{
	static const char xmp[] = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
	                          "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
	                          "exif:GPSLatitude=\"33,53.752N\" exif:UserComment=\"SecretXmpText\"/></rdf:RDF></x:xmpmeta>";
	struct tiff t;
	camera_exif(&t, orientation);
	const struct {
		unsigned char marker;
		const void *data;
		size_t len;
	} segs[] = {{0xe1, t.b, t.len}, {0xe1, xmp, sizeof xmp - 1}, {0xfe, COMMENT, sizeof COMMENT - 1}};
	size_t total = *len;
	for (size_t i = 0; i < ARRAY_LEN(segs); i++)
		total += 4 + segs[i].len;
	unsigned char *out = malloc(total), *p = out;
	assert_non_null(out);
	memcpy(p, jpg, 2); /* SOI */
	p += 2;
	for (size_t i = 0; i < ARRAY_LEN(segs); i++) {
		*p++ = 0xff;
		*p++ = segs[i].marker;
		*p++ = (unsigned char)((segs[i].len + 2) >> 8);
		*p++ = (unsigned char)(segs[i].len + 2);
		memcpy(p, segs[i].data, segs[i].len);
		p += segs[i].len;
	}
	memcpy(p, jpg + 2, *len - 2);
	*len = total;
	return out;
}

/* camera_jpeg: a w x h JPEG as a camera writes it (see with_segments); libvips reads its GPS, artist and
 * serial back, so they are really there. Caller frees. */
static unsigned char *camera_jpeg(int w, int h, int orientation, size_t *len)
{
	void *plain = make_image(".jpg", w, h, 3, 0, len);
	unsigned char *jpg = with_segments(plain, len, orientation);
	g_free(plain);
	VipsImage *img = vips_image_new_from_buffer(jpg, *len, "", NULL);
	assert_non_null(img);
	const char *v = NULL;
	assert_int_equal(vips_image_get_string(img, "exif-ifd0-Artist", &v), 0);
	assert_non_null(strstr(v, ARTIST));
	assert_int_equal(vips_image_get_string(img, "exif-ifd2-BodySerialNumber", &v), 0);
	assert_non_null(strstr(v, SERIAL));
	assert_int_equal(vips_image_get_string(img, "exif-ifd3-GPSLatitude", &v), 0);
	assert_non_null(strstr(v, "33/1 53/1 4512/100"));
	assert_int_equal(vips_image_get_orientation(img), orientation);
	g_object_unref(img);
	return jpg;
}

/* assert_no_camera_data: the stored file rel holds none of camera_jpeg's metadata (and no HTML). */
static void assert_no_camera_data(const char *rel)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", media_dir, rel);
	size_t n = 0;
	char *b = util_read_file(path, &n);
	assert_non_null(b);
	static const char *const secrets[] = {ARTIST, SERIAL, "SecretCam", "SecretXmp", "CommentSecret", "<script",
	                                      "<html", "Exif\0\0", "http://ns.adobe.com/xap", "ICC_PROFILE", "iCCP",
	                                      "eXIf", "tEXt", "PK\x03\x04"};
	for (size_t i = 0; i < ARRAY_LEN(secrets); i++)
		if (memmem(b, n, secrets[i], i == 7 ? 6 : strlen(secrets[i])))
			fail_msg("%s holds %s", rel, secrets[i]);
	assert_null(memmem(b, n, gps_lat, sizeof gps_lat));
	free(b);
}

static int setup(void **state)
{
	(void)state;
	snprintf(media_dir, sizeof media_dir, "/tmp/bs-media-XXXXXX");
	if (!mkdtemp(media_dir))
		return -1;
	return media_init();
}

static int teardown(void **state)
{
	(void)state;
	media_shutdown();
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", media_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_jpeg(void **state)
{
	(void)state;
	size_t len;
	void *jpg = make_image(".jpg", 2000, 1500, 3, 0, &len);
	check_ingest(jpg, len, "image/jpeg", "jpg", 2000, 1500, 3);
	g_free(jpg);
	/* odd sizes still give exact rendition widths */
	jpg = make_image(".jpg", 1301, 977, 1, 0, &len);
	check_ingest(jpg, len, "image/jpeg", "jpg", 1301, 977, 3);
	g_free(jpg);
}

static void test_png(void **state)
{
	(void)state;
	size_t len;
	void *png = make_image(".png", 500, 400, 4, 0, &len);
	check_ingest(png, len, "image/png", "png", 500, 400, 1);
	g_free(png);
	/* transparency: kept in WebP, flattened in JPEG */
	struct media_info m;
	png = make_image(".png", 700, 100, 4, 0, &len);
	assert_int_equal(media_ingest(media_dir, png, len, 20 * MB, fixed_now(), &m), 0);
	assert_int_equal(m.nrenditions, 2);
	VipsImage *r = load_stored(m.renditions[0].webp);
	assert_true(vips_image_hasalpha(r));
	g_object_unref(r);
	r = load_stored(m.renditions[0].jpg);
	assert_int_equal(vips_image_get_bands(r), 3);
	g_object_unref(r);
	media_info_free(&m);
	g_free(png);
}

static void test_webp(void **state)
{
	(void)state;
	size_t len;
	void *webp = make_image(".webp", 1280, 300, 3, 0, &len); /* exactly 1280: no 1280 rendition */
	check_ingest(webp, len, "image/webp", "webp", 1280, 300, 2);
	g_free(webp);
	webp = make_image(".webp", 320, 200, 3, 0, &len); /* exactly 320: none */
	check_ingest(webp, len, "image/webp", "webp", 320, 200, 0);
	g_free(webp);
	webp = make_image(".png", 1, 1, 1, 0, &len); /* the smallest image there is */
	check_ingest(webp, len, "image/png", "png", 1, 1, 0);
	g_free(webp);
}

static void test_orientation(void **state)
{
	(void)state;
	/* stored 1000x700 with EXIF orientation 6 (rotate 90): displayed 700x1000 */
	size_t len;
	void *jpg = make_image(".jpg", 1000, 700, 3, 6, &len);
	check_ingest(jpg, len, "image/jpeg", "jpg", 700, 1000, 2);
	g_free(jpg);
}

/* refused: ingest must fail with want and leave media_dir exactly as it was. */
static void refused(const void *data, size_t len, size_t max, int want)
{
	int before = count_entries(media_dir);
	struct media_info m;
	memset(&m, 0x5a, sizeof m);
	assert_int_equal(media_ingest(media_dir, data, len, max, fixed_now(), &m), want);
	assert_null(m.path); /* zeroed */
	assert_int_equal(m.nrenditions, 0);
	media_info_free(&m);
	assert_int_equal(count_entries(media_dir), before);
}

static void test_refused(void **state)
{
	(void)state;
	/* a text file, whatever it is called */
	static const char text[] = "This is not a photograph, it is a press release.\n";
	refused(text, sizeof text - 1, 20 * MB, MEDIA_ETYPE);
	static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>";
	refused(svg, sizeof svg - 1, 20 * MB, MEDIA_ETYPE);
	static const char gif[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00"
	                          "\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
	refused(gif, sizeof gif - 1, 20 * MB, MEDIA_ETYPE);
	refused("", 0, 20 * MB, MEDIA_ETYPE);
	refused("\xff\xd8\xff", 3, 20 * MB, MEDIA_ETYPE); /* only a JPEG signature */

	/* a truncated JPEG: right signature and header, missing its second half */
	size_t len;
	void *jpg = make_image(".jpg", 800, 600, 3, 0, &len);
	refused(jpg, len / 2, 20 * MB, MEDIA_EDECODE);
	/* a broken frame header: the SOF marker's height and width set to 0, then to 12288 */
	unsigned char *bad = malloc(len);
	memcpy(bad, jpg, len);
	size_t sof = 0; /* offset of the SOF0/SOF2 marker */
	for (size_t i = 2; i + 9 < len && !sof; i++)
		if (bad[i] == 0xff && (bad[i + 1] == 0xc0 || bad[i + 1] == 0xc2))
			sof = i;
	assert_true(sof > 0);
	memset(bad + sof + 5, 0x00, 4);
	refused(bad, len, 20 * MB, MEDIA_EDECODE);
	static const unsigned char huge[4] = {0x30, 0x00, 0x30, 0x00};
	memcpy(bad + sof + 5, huge, 4);
	refused(bad, len, 20 * MB, MEDIA_EDIMENSIONS); /* refused from the header, before decoding */
	free(bad);

	/* too large: checked before anything else, and the sentence names the limit */
	refused(jpg, len, len - 1, MEDIA_ETOOBIG);
	g_free(jpg);

	void *png = make_image(".png", 800, 600, 3, 0, &len);
	refused(png, len - 30, 20 * MB, MEDIA_EDECODE); /* truncated PNG */
	g_free(png);
	void *webp = make_image(".webp", 800, 600, 3, 0, &len);
	refused(webp, len - 30, 20 * MB, MEDIA_EDECODE); /* truncated WebP */
	g_free(webp);

	/* dimensions beyond 12000 pixels (cheap as a grey PNG) */
	png = make_image(".png", MEDIA_MAX_SIDE + 1, 1, 1, 0, &len);
	refused(png, len, 20 * MB, MEDIA_EDIMENSIONS);
	g_free(png);
	png = make_image(".png", 1, MEDIA_MAX_SIDE + 1, 1, 0, &len);
	refused(png, len, 20 * MB, MEDIA_EDIMENSIONS);
	g_free(png);
	png = make_image(".png", MEDIA_MAX_SIDE, 2, 1, 0, &len);
	struct media_info ok;
	assert_int_equal(media_ingest(media_dir, png, len, 20 * MB, fixed_now(), &ok), 0);
	assert_int_equal(ok.width, MEDIA_MAX_SIDE);
	media_info_free(&ok);
	g_free(png);
}

static void test_store_failure(void **state)
{
	(void)state;
	/* the media directory is a regular file: nothing can be created below it */
	char file[128];
	snprintf(file, sizeof file, "%s/not-a-dir", media_dir);
	assert_int_equal(util_write_file_atomic(file, "x", 1, 0644), 0);
	size_t len;
	void *jpg = make_image(".jpg", 400, 300, 3, 0, &len);
	struct media_info m;
	assert_int_equal(media_ingest(file, jpg, len, 20 * MB, fixed_now(), &m), MEDIA_ESTORE);
	assert_null(m.path);
	g_free(jpg);
	unlink(file);
}

static void test_strerror(void **state)
{
	(void)state;
	char buf[128];
	assert_string_equal(media_strerror(MEDIA_ETOOBIG, 20 * MB, CATALOG_EN, buf, sizeof buf), "The image is larger than 20 MB.");
	assert_string_equal(media_strerror(MEDIA_ETOOBIG, 3 * MB / 2, CATALOG_EN, buf, sizeof buf),
	                    "The image is larger than 1.5 MB.");
	assert_string_equal(media_strerror(MEDIA_ETOOBIG, 512 * 1024, CATALOG_EN, buf, sizeof buf),
	                    "The image is larger than 512 KB.");
	assert_string_equal(media_strerror(MEDIA_ETYPE, 0, CATALOG_EN, buf, sizeof buf),
	                    "This file is not a JPEG, PNG or WebP image.");
	for (int c = 0; c >= -7; c--) {
		media_strerror(c, MB, CATALOG_EN, buf, sizeof buf);
		assert_true(strlen(buf) > 10);
		assert_int_equal(buf[strlen(buf) - 1], '.');
	}
	char tiny[8];
	assert_int_equal(strlen(media_strerror(MEDIA_ETYPE, 0, CATALOG_EN, tiny, sizeof tiny)), 7); /* truncated, terminated */
}

static void test_srcset(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	const char *p = "2026/11/0123456789abcdef0123456789abcdef.jpg";
	assert_string_equal(media_srcset(&a, "/media/", p, 4000, "webp"),
	                    "/media/2026/11/0123456789abcdef0123456789abcdef-320.webp 320w, "
	                    "/media/2026/11/0123456789abcdef0123456789abcdef-640.webp 640w, "
	                    "/media/2026/11/0123456789abcdef0123456789abcdef-1280.webp 1280w");
	assert_string_equal(media_srcset(&a, "/media/", "2026/11/ab.png", 1280, "jpg"),
	                    "/media/2026/11/ab-320.jpg 320w, /media/2026/11/ab-640.jpg 640w");
	assert_string_equal(media_srcset(&a, "/media/", "2026/11/ab.png", 321, "jpg"), "/media/2026/11/ab-320.jpg 320w");
	assert_string_equal(media_srcset(&a, "/media/", "2026/11/ab.png", 320, "jpg"), "");
	assert_string_equal(media_srcset(&a, NULL, "a.b.webp", 700, "jpg"), "a.b-320.jpg 320w, a.b-640.jpg 640w");
	assert_string_equal(media_rendition_path(&a, "2026/11/ab.png", 640, "webp"), "2026/11/ab-640.webp");
	/* refused */
	assert_null(media_srcset(&a, "/media/", p, 4000, "gif"));
	assert_null(media_srcset(&a, "/media/", p, 4000, NULL));
	assert_null(media_srcset(&a, "/media/", p, 0, "jpg"));
	assert_null(media_srcset(&a, "/media/", p, MEDIA_MAX_SIDE + 1, "jpg"));
	const char *bad[] = {"", "/abs/a.jpg", "../a.jpg", "a/../b.jpg", "noext", "dir.d/noext", "a.jpg.", "a b.jpg",
	                     "a,b.jpg", "2026/11/.jpg", "a\"b.jpg", NULL};
	for (int i = 0; bad[i]; i++) {
		if (media_srcset(&a, "/media/", bad[i], 1000, "jpg") || media_rendition_path(&a, bad[i], 320, "jpg"))
			fail_msg("accepted path: %s", bad[i]);
	}
	assert_null(media_srcset(&a, "/media/", NULL, 1000, "jpg"));
	arena_free(&a);
}

struct job {
	const void *data;
	size_t len;
	int rc;
	struct media_info m;
};

static void *ingest_thread(void *arg)
{
	struct job *j = arg;
	j->rc = media_ingest(media_dir, j->data, j->len, 20 * MB, fixed_now(), &j->m);
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	/* concurrent ingests (as from libmicrohttpd workers) of the same and of different images */
	size_t jl, pl, tl;
	void *jpg = make_image(".jpg", 900, 600, 3, 0, &jl);
	void *png = make_image(".png", 700, 500, 4, 0, &pl);
	static const char text[] = "plain text pretending to be a .jpg\n";
	tl = sizeof text - 1;
	enum { N = 12 };
	struct job jobs[N];
	pthread_t th[N];
	for (int i = 0; i < N; i++) {
		memset(&jobs[i], 0, sizeof jobs[i]);
		jobs[i].data = i % 3 == 0 ? jpg : i % 3 == 1 ? png : (const void *)text;
		jobs[i].len = i % 3 == 0 ? jl : i % 3 == 1 ? pl : tl;
		assert_int_equal(pthread_create(&th[i], NULL, ingest_thread, &jobs[i]), 0);
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	for (int i = 0; i < N; i++) {
		assert_int_equal(jobs[i].rc, i % 3 == 2 ? MEDIA_ETYPE : 0);
		for (int k = 0; k < i; k++)
			if (jobs[i].m.path && jobs[k].m.path)
				assert_string_not_equal(jobs[i].m.path, jobs[k].m.path);
	}
	for (int i = 0; i < N; i++)
		media_info_free(&jobs[i].m);
	g_free(jpg);
	g_free(png);
}


static void test_camera_metadata(void **state)
{
	(void)state;
	/* a 1000x700 photo turned by EXIF orientation 6: every stored file, the original's name included,
	 * is a re-encoding without the GPS position, artist, serial number, XMP or comment */
	size_t len;
	unsigned char *jpg = camera_jpeg(1000, 700, 6, &len);
	assert_non_null(memmem(jpg, len, gps_lat, sizeof gps_lat));
	struct media_info m;
	assert_int_equal(media_ingest(media_dir, jpg, len, 20 * MB, fixed_now(), &m), 0);
	assert_int_equal(m.width, 700);
	assert_int_equal(m.height, 1000);
	assert_int_equal(m.nrenditions, 2);
	assert_no_camera_data(m.path);
	for (int i = 0; i < m.nrenditions; i++) {
		assert_no_camera_data(m.renditions[i].webp);
		assert_no_camera_data(m.renditions[i].jpg);
	}
	VipsImage *o = load_stored(m.path);
	assert_int_equal(vips_image_get_width(o), 700); /* turned upright: no orientation tag is left */
	assert_int_equal(vips_image_get_height(o), 1000);
	assert_metadata_free(m.path, o);
	g_object_unref(o);
	media_info_free(&m);

	/* 320 px or less: no renditions, the original is what readers get; re-encoded all the same */
	free(jpg);
	jpg = camera_jpeg(200, 150, 1, &len);
	assert_int_equal(media_ingest(media_dir, jpg, len, 20 * MB, fixed_now(), &m), 0);
	assert_int_equal(m.nrenditions, 0);
	assert_no_camera_data(m.path);
	media_info_free(&m);
	free(jpg);
}

static void test_appended_bytes(void **state)
{
	(void)state;
	/* an HTML page after a PNG's IEND, a ZIP after a JPEG's EOI: stored without them */
	static const char html[] = "<html><body><script>alert(document.domain)</script></body></html>\n";
	static const char zip[] = "PK\x03\x04\x14\x00\x00\x00\x08\x00 a zip archive's local header";
	size_t plen, jlen;
	void *png = make_image(".png", 200, 100, 4, 0, &plen);
	void *jpg = make_image(".jpg", 500, 300, 3, 0, &jlen);
	unsigned char *p2 = malloc(plen + sizeof html), *j2 = malloc(jlen + sizeof zip);
	memcpy(p2, png, plen);
	memcpy(p2 + plen, html, sizeof html - 1);
	memcpy(j2, jpg, jlen);
	memcpy(j2 + jlen, zip, sizeof zip - 1);
	struct media_info m;
	assert_int_equal(media_ingest(media_dir, p2, plen + sizeof html - 1, 20 * MB, fixed_now(), &m), 0);
	assert_no_camera_data(m.path);
	char path[512];
	snprintf(path, sizeof path, "%s/%s", media_dir, m.path);
	size_t n;
	char *b = util_read_file(path, &n);
	assert_true(n > 12);
	assert_memory_equal(b + n - 12, "\0\0\0\0IEND\xae\x42\x60\x82", 12); /* the PNG ends at IEND */
	free(b);
	VipsImage *o = load_stored(m.path);
	assert_true(vips_image_hasalpha(o)); /* transparency kept in the PNG original */
	g_object_unref(o);
	media_info_free(&m);
	assert_int_equal(media_ingest(media_dir, j2, jlen + sizeof zip - 1, 20 * MB, fixed_now(), &m), 0);
	assert_no_camera_data(m.path);
	snprintf(path, sizeof path, "%s/%s", media_dir, m.path);
	b = util_read_file(path, &n);
	assert_memory_equal(b + n - 2, "\xff\xd9", 2); /* the JPEG ends at EOI */
	free(b);
	for (int i = 0; i < m.nrenditions; i++)
		assert_no_camera_data(m.renditions[i].webp);
	media_info_free(&m);
	free(p2);
	free(j2);
	g_free(png);
	g_free(jpg);
}

/* webp_chunk: 1 when the RIFF WebP data[0..len) has a chunk of this type. */
static int webp_chunk(const unsigned char *data, size_t len, const char *type)
{
	for (size_t p = 12; p + 8 <= len;) {
		if (memcmp(data + p, type, 4) == 0)
			return 1;
		size_t size = (size_t)data[p + 4] | (size_t)data[p + 5] << 8 | (size_t)data[p + 6] << 16 | (size_t)data[p + 7] << 24;
		p += 8 + size + (size & 1);
	}
	return 0;
}

static void test_webp_strip(void **state)
{
	(void)state;
	/* what libvips writes when asked to keep metadata: ICCP, EXIF and XMP chunks */
	size_t len;
	unsigned char *w = make_image(".webp", 300, 200, 4, 0, &len);
	assert_true(webp_chunk(w, len, "EXIF") && webp_chunk(w, len, "XMP ") && webp_chunk(w, len, "ICCP"));
	assert_non_null(memmem(w, len, "SecretCam", 9));
	unsigned char *copy = malloc(len);
	memcpy(copy, w, len);
	size_t n = len;
	assert_int_equal(media_webp_strip(copy, &n), 0);
	assert_true(n < len);
	assert_false(webp_chunk(copy, n, "EXIF") || webp_chunk(copy, n, "XMP ") || webp_chunk(copy, n, "ICCP"));
	assert_null(memmem(copy, n, "SecretCam", 9));
	assert_null(memmem(copy, n, "SecretXmp", 9));
	assert_true(webp_chunk(copy, n, "VP8X") && webp_chunk(copy, n, "ALPH"));
	assert_int_equal(copy[20] & (0x20 | 0x08 | 0x04), 0); /* VP8X flags: no ICC, EXIF, XMP */
	assert_int_equal(copy[20] & 0x10, 0x10);              /* alpha still announced */
	assert_int_equal((size_t)copy[4] | (size_t)copy[5] << 8 | (size_t)copy[6] << 16 | (size_t)copy[7] << 24, n - 8);
	VipsImage *img = vips_image_new_from_buffer(copy, n, "", "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
	assert_non_null(img);
	double avg;
	assert_int_equal(vips_avg(img, &avg, NULL), 0);
	assert_int_equal(vips_image_get_width(img), 300);
	assert_true(vips_image_hasalpha(img));
	assert_int_equal(vips_image_get_typeof(img, VIPS_META_EXIF_NAME), 0);
	g_object_unref(img);
	size_t again = n; /* a clean file stays as it is */
	assert_int_equal(media_webp_strip(copy, &again), 0);
	assert_int_equal(again, n);

	/* refused, untouched: not a WebP, a wrong RIFF size, a chunk running past the end, too short */
	memcpy(copy, w, len);
	n = len - 1;
	assert_int_equal(media_webp_strip(copy, &n), -1);
	assert_int_equal(n, len - 1);
	assert_memory_equal(copy, w, len);
	unsigned char *bad = malloc(len);
	memcpy(bad, w, len);
	bad[16] = 0xff; /* the first chunk's size: past the end */
	bad[17] = 0xff;
	n = len;
	assert_int_equal(media_webp_strip(bad, &n), -1);
	memcpy(bad, w, len);
	memcpy(bad + 8, "WEBQ", 4);
	assert_int_equal(media_webp_strip(bad, &n), -1);
	n = 19;
	assert_int_equal(media_webp_strip(bad, &n), -1);
	assert_int_equal(media_webp_strip(NULL, &n), -1);
	free(bad);
	free(copy);
	g_free(w);
}

/* plant: writes data[0..len) as media_dir/rel (directories made), as an older version stored uploads. */
static void plant(const char *rel, const void *data, size_t len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", media_dir, rel);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	assert_int_equal(util_mkdir_p(path), 0);
	*slash = '/';
	assert_int_equal(util_write_file_atomic(path, data, len, 0644), 0);
}

/* same_file: 1 when media_dir/rel holds exactly data[0..len). */
static int same_file(const char *rel, const void *data, size_t len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", media_dir, rel);
	size_t n;
	char *b = util_read_file(path, &n);
	int same = b && n == len && memcmp(b, data, len) == 0;
	free(b);
	return same;
}

static void test_clean_stored(void **state)
{
	(void)state;
	/* a media dir as an older version left it: originals byte for byte, WebP renditions with the EXIF
	 * chunk libvips added, other files of the site's own */
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf %s/*", media_dir);
	assert_int_equal(system(cmd), 0);
	size_t jl, wl, gl;
	unsigned char *jpg = camera_jpeg(480, 360, 8, &jl);
	unsigned char *webp = make_image(".webp", 320, 240, 3, 0, &wl);
	static const char garbage[] = "not an image at all, under an upload's name";
	static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
	const char *orig = "2025/03/0123456789abcdef0123456789abcdef.jpg";
	const char *rend = "2025/03/0123456789abcdef0123456789abcdef-320.webp";
	const char *broken = "2025/04/fedcba9876543210fedcba9876543210.png";
	const char *other = "2025/03/0123456789abcdef0123456789abcdef-notes.webp";
	plant(orig, jpg, jl);
	plant(rend, webp, wl);
	plant(broken, garbage, sizeof garbage - 1);
	plant(other, webp, wl);
	plant("logo.svg", svg, sizeof svg - 1);
	plant("1999/notamonth/0123456789abcdef0123456789abcdef.jpg", jpg, jl);
	gl = sizeof garbage - 1;

	assert_int_equal(media_clean_stored(media_dir), 0);
	assert_no_camera_data(orig);
	VipsImage *o = load_stored(orig);
	assert_int_equal(vips_image_get_width(o), 360); /* turned upright by orientation 8 */
	assert_int_equal(vips_image_get_height(o), 480);
	assert_metadata_free(orig, o);
	g_object_unref(o);
	VipsImage *r = load_stored(rend);
	assert_metadata_free(rend, r); /* the rendition lost its EXIF, XMP and ICC chunks */
	assert_int_equal(vips_image_get_width(r), 320);
	g_object_unref(r);
	assert_true(same_file(broken, garbage, gl)); /* does not decode: logged, left alone */
	assert_true(same_file(other, webp, wl));      /* not an upload's name */
	assert_true(same_file("logo.svg", svg, sizeof svg - 1));
	assert_true(same_file("1999/notamonth/0123456789abcdef0123456789abcdef.jpg", jpg, jl));
	assert_true(stored_exists(".metadata-removed"));

	/* once only: with the mark in place, nothing is read again */
	plant(orig, jpg, jl);
	assert_int_equal(media_clean_stored(media_dir), 0);
	assert_true(same_file(orig, jpg, jl));

	/* a file that cannot be read: -1, no mark, so the pass runs again at the next start */
	snprintf(cmd, sizeof cmd, "rm -rf %s/* %s/.metadata-removed", media_dir, media_dir);
	assert_int_equal(system(cmd), 0);
	char dir_as_file[512];
	snprintf(dir_as_file, sizeof dir_as_file, "%s/2025/05/00000000000000000000000000000000.png", media_dir);
	assert_int_equal(util_mkdir_p(dir_as_file), 0);
	plant(orig, jpg, jl);
	assert_int_equal(media_clean_stored(media_dir), -1);
	assert_false(stored_exists(".metadata-removed"));
	assert_no_camera_data(orig); /* the rest was still cleaned */
	assert_int_equal(rmdir(dir_as_file), 0);
	assert_int_equal(media_clean_stored(media_dir), 0);
	assert_true(stored_exists(".metadata-removed"));
	free(jpg);
	g_free(webp);
}

/* test_focal_box: the crop box is the largest of its aspect inside the image, centred on the focal point
 * and pushed back inside at the edges; bad arguments are refused. */
static void test_focal_box(void **state)
{
	(void)state;
	struct media_box b;
	/* a wide image, 16:9 centre: full height, centred */
	assert_int_equal(media_focal_box(2000, 1000, 16, 9, 5000, 5000, &b), 0);
	assert_int_equal(b.w, 1778);
	assert_int_equal(b.h, 1000);
	assert_int_equal(b.x, 111);
	assert_int_equal(b.y, 0);
	/* 1:1 around a point at the left tenth: against the left edge */
	assert_int_equal(media_focal_box(2000, 1000, 1, 1, 1000, 5000, &b), 0);
	assert_int_equal(b.x, 0);
	assert_int_equal(b.w, 1000);
	/* ... at 0.7: centred on x = 1400 */
	assert_int_equal(media_focal_box(2000, 1000, 1, 1, 7000, 5000, &b), 0);
	assert_int_equal(b.x, 900);
	/* ... at the right edge: against it */
	assert_int_equal(media_focal_box(2000, 1000, 1, 1, 10000, 0, &b), 0);
	assert_int_equal(b.x, 1000);
	assert_int_equal(b.x + b.w, 2000);
	/* a tall image: full width, the box moves down with the point */
	assert_int_equal(media_focal_box(600, 1800, 4, 3, 5000, 7000, &b), 0);
	assert_int_equal(b.w, 600);
	assert_int_equal(b.h, 450);
	assert_int_equal(b.y, 1260 - 225);
	assert_int_equal(media_focal_box(600, 1800, 4, 3, 5000, 9000, &b), 0);
	assert_int_equal(b.y, 1800 - 450); /* against the bottom edge */
	assert_int_equal(media_focal_box(600, 1800, 4, 3, 5000, 0, &b), 0);
	assert_int_equal(b.y, 0);
	/* the social aspect of an image already 1200x630: all of it */
	assert_int_equal(media_focal_box(1200, 630, 1200, 630, 3000, 3000, &b), 0);
	assert_int_equal(b.x, 0);
	assert_int_equal(b.y, 0);
	assert_int_equal(b.w, 1200);
	assert_int_equal(b.h, 630);
	/* every box lies inside the image for points all over it */
	for (int fx = 0; fx <= 10000; fx += 625)
		for (int fy = 0; fy <= 10000; fy += 625)
			for (int c = 0; c < MEDIA_NCROPS; c++) {
				const struct media_crop_spec *sp = &media_crop_specs[c];
				assert_int_equal(media_focal_box(333, 777, sp->aw, sp->ah, fx, fy, &b), 0);
				assert_true(b.x >= 0 && b.y >= 0 && b.w >= 1 && b.h >= 1);
				assert_true(b.x + b.w <= 333 && b.y + b.h <= 777);
			}
	/* refused: outside the image, bad sizes or aspect */
	assert_int_equal(media_focal_box(100, 100, 1, 1, 10001, 0, &b), -1);
	assert_int_equal(media_focal_box(100, 100, 1, 1, -1, 0, &b), -1);
	assert_int_equal(media_focal_box(100, 100, 1, 1, 0, 10001, &b), -1);
	assert_int_equal(media_focal_box(0, 100, 1, 1, 0, 0, &b), -1);
	assert_int_equal(media_focal_box(100, MEDIA_MAX_SIDE + 1, 1, 1, 0, 0, &b), -1);
	assert_int_equal(media_focal_box(100, 100, 0, 1, 0, 0, &b), -1);
	/* output sizes: scaled down to the largest, never up; the social crop always 1200x630 */
	int w, h;
	struct media_box big = {0, 0, 2400, 1350}, small = {0, 0, 800, 450}, tiny = {0, 0, 300, 158};
	media_crop_size(MEDIA_CROP_16X9, &big, &w, &h);
	assert_int_equal(w, 1280);
	assert_int_equal(h, 720);
	media_crop_size(MEDIA_CROP_16X9, &small, &w, &h);
	assert_int_equal(w, 800);
	assert_int_equal(h, 450);
	media_crop_size(MEDIA_CROP_SOCIAL, &tiny, &w, &h);
	assert_int_equal(w, 1200);
	assert_int_equal(h, 630);
	/* names */
	struct arena a = ARENA_INIT;
	assert_string_equal(media_crop_path(&a, "2026/11/ab.png", MEDIA_CROP_SOCIAL, 5000, 2500),
	                    "2026/11/ab-social-f5000-2500.jpg");
	assert_string_equal(media_crop_path(&a, "2026/11/ab.jpg", MEDIA_CROP_16X9, 0, 10000), "2026/11/ab-16x9-f0-10000.jpg");
	assert_null(media_crop_path(&a, "2026/11/ab.jpg", MEDIA_CROP_1X1, 10001, 0));
	assert_null(media_crop_path(&a, "../ab.jpg", MEDIA_CROP_1X1, 0, 0));
	assert_null(media_crop_path(&a, "2026/11/ab.jpg", MEDIA_NCROPS, 0, 0));
	arena_free(&a);
}

/* crop_mean: the mean value of the stored crop rel, checking its size and that it holds no metadata. */
static double crop_mean(const char *rel, int w, int h)
{
	VipsImage *r = load_stored(rel);
	assert_int_equal(vips_image_get_width(r), w);
	assert_int_equal(vips_image_get_height(r), h);
	assert_metadata_free(rel, r);
	double avg = 0;
	assert_int_equal(vips_avg(r, &avg, NULL), 0);
	g_object_unref(r);
	return avg;
}

/* test_crops: an upload gets its four crops around the centre (exact aspect, sizes, JPEG, no metadata);
 * a new focal point makes crops that show that part of the image (the test image darkens to the left),
 * and removing the old point's crops leaves the new ones. */
static void test_crops(void **state)
{
	(void)state;
	size_t len = 0;
	void *data = make_image(".jpg", 1600, 400, 3, 1, &len);
	struct media_info m;
	assert_int_equal(media_ingest(media_dir, data, len, 20 * MB, fixed_now(), &m), 0);
	struct arena a = ARENA_INIT;
	const int want[MEDIA_NCROPS][2] = {{711, 400}, {533, 400}, {400, 400}, {1200, 630}};
	for (int c = 0; c < MEDIA_NCROPS; c++) {
		const char *rel = media_crop_path(&a, m.path, (enum media_crop)c, 5000, 5000);
		assert_true(stored_exists(rel));
		crop_mean(rel, want[c][0], want[c][1]);
	}
	double centre = crop_mean(media_crop_path(&a, m.path, MEDIA_CROP_1X1, 5000, 5000), 400, 400);
	/* to the left: darker; to the right: lighter */
	assert_int_equal(media_make_crops(media_dir, m.path, 1000, 5000), 0);
	assert_int_equal(media_make_crops(media_dir, m.path, 9000, 5000), 0);
	double left = crop_mean(media_crop_path(&a, m.path, MEDIA_CROP_1X1, 1000, 5000), 400, 400);
	double right = crop_mean(media_crop_path(&a, m.path, MEDIA_CROP_1X1, 9000, 5000), 400, 400);
	assert_true(left < centre - 40);
	assert_true(right > centre + 40);
	media_remove_crops(media_dir, m.path, 1000, 5000);
	for (int c = 0; c < MEDIA_NCROPS; c++) {
		assert_false(stored_exists(media_crop_path(&a, m.path, (enum media_crop)c, 1000, 5000)));
		assert_true(stored_exists(media_crop_path(&a, m.path, (enum media_crop)c, 9000, 5000)));
	}
	/* refused: a point outside, a missing original, a path outside the media directory */
	assert_int_equal(media_make_crops(media_dir, m.path, 10001, 0), MEDIA_EDECODE);
	assert_int_equal(media_make_crops(media_dir, "2026/11/00000000000000000000000000000000.jpg", 0, 0), MEDIA_EDECODE);
	assert_int_equal(media_make_crops(media_dir, "../etc/passwd.jpg", 0, 0), MEDIA_EDECODE);
	arena_free(&a);
	media_info_free(&m);
	g_free(data);
}

/* test_meta: caption, credit, copyright and keywords from XMP (entities decoded, none expanded), IPTC
 * (Photoshop block or bare records, bounded) and EXIF as libvips parses it; bad text ignored, long text
 * cut at a character boundary. */
static void test_meta(void **state)
{
	(void)state;
	struct media_meta m;
	memset(&m, 0, sizeof m);
	static const char xmp[] =
		"<!DOCTYPE x [<!ENTITY a \"aaaa\">]><x:xmpmeta><rdf:RDF><rdf:Description>"
		"<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">Caption &amp; &#x627;&#1576; &a;</rdf:li></rdf:Alt>"
		"</dc:description><dc:creator><rdf:Seq><rdf:li>Creator</rdf:li></rdf:Seq></dc:creator>"
		"<photoshop:Credit>Credit line</photoshop:Credit><dc:rights><rdf:Alt><rdf:li>(c) R</rdf:li></rdf:Alt></dc:rights>"
		"<dc:subject><rdf:Bag><rdf:li>one</rdf:li><rdf:li>two &lt;3</rdf:li><rdf:li/></rdf:Bag></dc:subject>"
		"</rdf:Description></rdf:RDF></x:xmpmeta>";
	media_meta_xmp(xmp, sizeof xmp - 1, &m);
	assert_string_equal(m.caption, "Caption & \xd8\xa7\xd8\xa8 &a;"); /* the custom entity is not expanded */
	assert_string_equal(m.credit, "Credit line");
	assert_string_equal(m.copyright, "(c) R");
	assert_string_equal(m.keywords, "one, two <3");
	/* an unterminated element or a truncated packet: nothing, and no read past the end */
	memset(&m, 0, sizeof m);
	media_meta_xmp(xmp, 120, &m);
	assert_string_equal(m.caption, "");
	/* IPTC: a bare record stream; bad UTF-8 ignored; a record running past the end stops the read */
	static const unsigned char iim[] = {0x1c, 2, 120, 0, 3, 'C', 'a', 'p', 0x1c, 2, 80, 0, 2, 0xff, 0xfe,
	                                    0x1c, 2, 110, 0, 2, 'C', 'r', 0x1c, 2, 25, 0, 1, 'k', 0x1c, 2, 116, 0, 50, 'x'};
	memset(&m, 0, sizeof m);
	media_meta_iptc(iim, sizeof iim, &m);
	assert_string_equal(m.caption, "Cap");
	assert_string_equal(m.credit, "Cr");
	assert_string_equal(m.keywords, "k");
	assert_string_equal(m.copyright, "");
	/* a Photoshop block whose resource size runs past the end */
	static const unsigned char ps[] = {'P', 'h', 'o', 't', 'o', 's', 'h', 'o', 'p', ' ', '3', '.', '0', 0, '8', 'B', 'I', 'M',
	                                   4, 4, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0x1c, 2, 120, 0, 1, 'x'};
	memset(&m, 0, sizeof m);
	media_meta_iptc(ps, sizeof ps, &m);
	assert_string_equal(m.caption, "");
	/* long text is cut at a character boundary, under the limit */
	char *big = g_strnfill(3001, 'a');
	char *arabic = g_strconcat("<dc:description><rdf:Alt><rdf:li>", big, "\xd8\xa7\xd8\xa7</rdf:li></rdf:Alt></dc:description>", NULL);
	memset(&m, 0, sizeof m);
	media_meta_xmp(arabic, strlen(arabic), &m);
	assert_int_equal(strlen(m.caption), MEDIA_META_MAX);
	g_free(big);
	g_free(arabic);
	/* EXIF as libvips reads it from a JPEG: the description, artist and copyright */
	size_t len = 0;
	void *data = make_image(".jpg", 64, 48, 3, 1, &len);
	VipsImage *img = vips_image_new_from_buffer(data, len, "", NULL);
	VipsImage *copy = NULL;
	assert_int_equal(vips_copy(img, &copy, NULL), 0);
	vips_image_set_string(copy, "exif-ifd0-ImageDescription", "A harbour at dawn");
	vips_image_set_string(copy, "exif-ifd0-Artist", "Jane");
	void *out = NULL;
	size_t outlen = 0;
	assert_int_equal(vips_image_write_to_buffer(copy, ".jpg", &out, &outlen, NULL), 0);
	media_meta_read(out, outlen, &m);
	assert_string_equal(m.caption, "A harbour at dawn");
	assert_string_equal(m.credit, "Jane");
	media_meta_read("not an image", 12, &m);
	assert_string_equal(m.caption, "");
	g_free(out);
	g_object_unref(copy);
	g_object_unref(img);
	g_free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jpeg),
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_webp),
		cmocka_unit_test(test_orientation),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_store_failure),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_srcset),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_camera_metadata),
		cmocka_unit_test(test_appended_bytes),
		cmocka_unit_test(test_webp_strip),
		cmocka_unit_test(test_clean_stored),
		cmocka_unit_test(test_focal_box),
		cmocka_unit_test(test_crops),
		cmocka_unit_test(test_meta),
	};
	return cmocka_run_group_tests_name("media", tests, setup, teardown);
}
