/* test_media.c - image ingest: type sniffing, decoding, renditions, atomic storage, srcset. Every test
 * image is generated here with libvips; nothing binary is committed. */
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

/* assert_metadata_free: the stored rendition rel (loaded as r) carries no ICC profile, no XMP, no
 * rotation, and none of the camera text the test images hold (looked for in the raw bytes). */
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
	free(bytes);
}

/* check_ingest: ingests an image and checks everything media_ingest promises about the result. */
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
	/* the original is stored byte for byte */
	char path[512];
	snprintf(path, sizeof path, "%s/%s", media_dir, m.path);
	size_t got_len = 0;
	char *stored = util_read_file(path, &got_len);
	assert_non_null(stored);
	assert_int_equal(got_len, len);
	assert_memory_equal(stored, data, len);
	free(stored);
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
	assert_string_equal(media_strerror(MEDIA_ETOOBIG, 20 * MB, buf, sizeof buf), "The image is larger than 20 MB.");
	assert_string_equal(media_strerror(MEDIA_ETOOBIG, 3 * MB / 2, buf, sizeof buf),
	                    "The image is larger than 1.5 MB.");
	assert_string_equal(media_strerror(MEDIA_ETOOBIG, 512 * 1024, buf, sizeof buf),
	                    "The image is larger than 512 KB.");
	assert_string_equal(media_strerror(MEDIA_ETYPE, 0, buf, sizeof buf),
	                    "This file is not a JPEG, PNG or WebP image.");
	for (int c = 0; c >= -7; c--) {
		media_strerror(c, MB, buf, sizeof buf);
		assert_true(strlen(buf) > 10);
		assert_int_equal(buf[strlen(buf) - 1], '.');
	}
	char tiny[8];
	assert_int_equal(strlen(media_strerror(MEDIA_ETYPE, 0, tiny, sizeof tiny)), 7); /* truncated, terminated */
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
	};
	return cmocka_run_group_tests_name("media", tests, setup, teardown);
}
