/* test_wp.c - unit tests for the WordPress import's pure parts (src/wp_pure.c, src/wp_shortcode.c): the
 * PHP-serialized reader, status and date mapping, slugs and upload paths, shortcode and block preprocessing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "wp_import.h"

/* Polylang's translation group and WordPress's attachment metadata (nested, with byte-counted UTF-8). */
static void test_php_arrays(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	const char *pair = "a:2:{s:2:\"en\";i:4;s:2:\"ar\";i:6;}";
	struct wp_php *v = wp_php_parse(&a, pair, strlen(pair));
	assert_non_null(v);
	assert_int_equal(v->kind, WP_PHP_ARRAY);
	assert_int_equal(v->n, 2);
	assert_int_equal(wp_php_get(v, "en")->i, 4);
	assert_int_equal(wp_php_get(v, "ar")->i, 6);
	assert_null(wp_php_get(v, "fr"));
	const char *meta = "a:2:{s:5:\"width\";i:1200;s:10:\"image_meta\";a:2:{s:6:\"credit\";s:29:\"الجريدة القديمة\";"
			   "s:8:\"keywords\";a:0:{}}}";
	v = wp_php_parse(&a, meta, strlen(meta));
	assert_non_null(v);
	assert_int_equal(wp_php_get(v, "width")->i, 1200);
	assert_string_equal(wp_php_get(wp_php_get(v, "image_meta"), "credit")->s, "الجريدة القديمة");
	const char *mixed = "a:3:{i:0;b:1;i:1;d:0.5;i:2;N;}";
	v = wp_php_parse(&a, mixed, strlen(mixed));
	assert_non_null(v);
	assert_int_equal(wp_php_get(v, "0")->kind, WP_PHP_BOOL);
	assert_string_equal(wp_php_get(v, "1")->s, "0.5");
	assert_int_equal(wp_php_get(v, "2")->kind, WP_PHP_NULL);
	arena_free(&a);
}

/* Wrong lengths, objects, references, trailing bytes and deep nesting are refused. */
static void test_php_refused(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	static const char *const bad[] = {
		"", "a:2:{s:2:\"en\";i:4;}", "s:5:\"abc\";", "O:8:\"stdClass\":0:{}", "a:1:{i:0;r:1;}",
		"i:4;junk", "a:1:{a:0:{};i:1;}", "s:-1:\"\";", "i:99999999999999999999;",
		"a:1:{i:0;a:1:{i:0;a:1:{i:0;a:1:{i:0;a:1:{i:0;a:1:{i:0;a:1:{i:0;a:1:{i:0;a:1:{i:0;a:1:{i:0;a:1:{i:0;a:1:{i:0;"
		"a:1:{i:0;a:1:{i:0;a:1:{i:0;a:1:{i:0;a:1:{i:0;i:1;}}}}}}}}}}}}}}}}}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_null(wp_php_parse(&a, bad[i], strlen(bad[i])));
	arena_free(&a);
}

/* publish/future/draft/pending land; private, trash and the rest are skipped with a reason. */
static void test_status_map(void **state)
{
	(void)state;
	const char *why;
	assert_string_equal(wp_status_map("publish", &why), "published");
	assert_string_equal(wp_status_map("future", &why), "scheduled");
	assert_string_equal(wp_status_map("draft", &why), "draft");
	assert_string_equal(wp_status_map("pending", &why), "review");
	assert_null(why);
	assert_null(wp_status_map("private", &why));
	assert_non_null(strstr(why, "private"));
	assert_null(wp_status_map("trash", &why));
	assert_non_null(strstr(why, "trash"));
	assert_null(wp_status_map("inherit", &why));
	assert_non_null(why);
}

/* GMT dates as UTC seconds; drafts' 0000-00-00 and malformed dates are none. */
static void test_dates(void **state)
{
	(void)state;
	int64_t t = 0;
	assert_int_equal(wp_date_parse("2024-03-31 22:30:00", &t), 0);
	assert_int_equal(t, 1711924200);
	assert_int_equal(wp_date_parse("0000-00-00 00:00:00", &t), -1);
	assert_int_equal(wp_date_parse("", &t), -1);
	assert_int_equal(wp_date_parse("2024-13-01 00:00:00", &t), -1);
	assert_int_equal(wp_date_parse("2024-03-31 22:30:00Z", &t), -1);
}

/* Slugs are decoded (Arabic stays Arabic), fall back to the title, then to wp-ID; upload paths and sizes. */
static void test_slugs_and_uploads(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	assert_string_equal(wp_slug(&a, "%d8%a3%d8%ae%d8%a8%d8%a7%d8%b1", "x", 1), "أخبار");
	assert_string_equal(wp_slug(&a, "", "Draft: Notes on the plan", 17), "draft-notes-on-the-plan");
	assert_string_equal(wp_slug(&a, "", "", 17), "wp-17");
	assert_string_equal(wp_uploads_rel(&a, "http://old.example/wp-content/uploads/2024/03/%D9%81.jpg?v=2"), "2024/03/ف.jpg");
	assert_null(wp_uploads_rel(&a, "http://old.example/images/a.jpg"));
	assert_string_equal(wp_strip_size(&a, "2024/04/market-1024x682.jpg"), "2024/04/market.jpg");
	assert_string_equal(wp_strip_size(&a, "2024/04/market.jpg"), "2024/04/market.jpg");
	assert_string_equal(wp_strip_size(&a, "2024/04/x1024.jpg"), "2024/04/x1024.jpg");
	assert_string_equal(wp_pct_decode(&a, "a%2Fb%zz%4"), "a/b%zz%4");
	arena_free(&a);
}

/* The attachments the shortcode tests know. */
static const struct wp_attachment_ref *look(void *ctx, int64_t id)
{
	(void)ctx;
	static const struct wp_attachment_ref refs[] = {
		{"http://old.example/wp-content/uploads/a.jpg", "Boats", "The harbour"},
		{"http://old.example/wp-content/uploads/b.jpg", "A \"quay\"", ""},
	};
	return id == 13 ? &refs[0] : id == 14 ? &refs[1] : NULL;
}

/* [caption], [gallery ids], [embed] and classic paragraphs become the HTML htmlmd reads. */
static void test_shortcodes(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	const char *in = "Intro line.\n\n[caption id=\"attachment_13\" width=\"300\"]<img src=\"http://old.example/wp-content/uploads/"
			 "a-300x210.jpg\" alt=\"Boats\" /> The harbour. Photo: archive[/caption]\n\n[gallery ids=\"13,14,99\" "
			 "columns=\"2\"]\n\n[embed]https://www.youtube.com/watch?v=x[/embed]";
	const char *out = wp_preprocess(&a, in, look, NULL);
	assert_non_null(strstr(out, "<p>Intro line.</p>"));
	assert_non_null(strstr(out, "<figure><img src=\"http://old.example/wp-content/uploads/a-300x210.jpg\" alt=\"Boats\" />"
				    "<figcaption>The harbour. Photo: archive</figcaption></figure>"));
	assert_non_null(strstr(out, "<figure class=\"wp-block-gallery\"><figure><img src=\"http://old.example/wp-content/uploads/a.jpg\" "
				    "alt=\"Boats\"><figcaption>The harbour</figcaption></figure><figure><img "
				    "src=\"http://old.example/wp-content/uploads/b.jpg\" alt=\"A &quot;quay&quot;\"></figure></figure>"));
	assert_non_null(strstr(out, "<figure class=\"wp-block-embed\"><a href=\"https://www.youtube.com/watch?v=x\">"));
	assert_null(strstr(out, "[caption"));
	assert_null(strstr(out, "<p><figure"));
	arena_free(&a);
}

/* Block-editor comments go; pull quotes and embeds take the agreed shape; an unknown shortcode stays text. */
static void test_blocks(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	const char *in = "<!-- wp:paragraph -->\n<p>One [unknown] two.</p>\n<!-- /wp:paragraph -->\n"
			 "<!-- wp:pullquote -->\n<figure class=\"wp-block-pullquote\"><blockquote><p>We rebuild.</p><cite>The mayor</cite>"
			 "</blockquote></figure>\n<!-- /wp:pullquote -->\n"
			 "<!-- wp:embed {\"url\":\"https://vimeo.com/1\"} -->\n<figure class=\"wp-block-embed\"><div class=\"wp-block-embed__wrapper\">\n"
			 "https://vimeo.com/1\n</div></figure>\n<!-- /wp:embed -->";
	const char *out = wp_preprocess(&a, in, look, NULL);
	assert_null(strstr(out, "<!--"));
	assert_non_null(strstr(out, "<p>One [unknown] two.</p>"));
	assert_non_null(strstr(out, "<blockquote class=\"wp-block-pullquote\"><p>We rebuild.</p><cite>The mayor</cite></blockquote>"));
	assert_non_null(strstr(out, "<figure class=\"wp-block-embed\"><a href=\"https://vimeo.com/1\">https://vimeo.com/1</a></figure>"));
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_php_arrays), cmocka_unit_test(test_php_refused), cmocka_unit_test(test_status_map),
		cmocka_unit_test(test_dates),      cmocka_unit_test(test_slugs_and_uploads), cmocka_unit_test(test_shortcodes),
		cmocka_unit_test(test_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
