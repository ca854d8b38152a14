/* test_jsonld.c - structured data: the documents' shapes, and that hostile text cannot leave a
 * <script type="application/ld+json"> block (the HTTP test's demo content holds no '<', so this is where
 * the escaping is proved). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "jsonld.h"

static void test_script_safe(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	const char *evil = "</script><script>alert(1)</script><!-- & \" ' \u2028";
	struct jsonld_person who = {evil, NULL};
	const char *kw[] = {evil};
	struct jsonld_correction fix = {evil, "2026-11-26T01:00:00Z"};
	struct jsonld_article in = {.headline = evil, .description = evil, .url = "https://x.test/a?b=1&c=2",
				    .authors = &who, .nauthors = 1, .publisher = evil, .site_url = "https://x.test/",
				    .keywords = kw, .nkeywords = 1, .corrections = &fix, .ncorrections = 1};
	const char *text = jsonld_script_text(&a, jsonld_news_article(&in));
	assert_non_null(text);
	assert_null(strchr(text, '<'));
	assert_null(strchr(text, '>'));
	assert_null(strchr(text, '&'));
	/* and it still means the same */
	json_error_t je;
	json_t *back = json_loads(text, 0, &je);
	assert_non_null(back);
	assert_string_equal(json_string_value(json_object_get(back, "headline")), evil);
	assert_string_equal(json_string_value(json_object_get(back, "url")), "https://x.test/a?b=1&c=2");
	json_t *author = json_array_get(json_object_get(back, "author"), 0);
	assert_string_equal(json_string_value(json_object_get(author, "name")), evil);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(back, "correction"), 0), "text")),
			    evil);
	json_decref(back);
	assert_null(jsonld_script_text(&a, NULL));
	arena_free(&a);
}

static void test_shapes(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct jsonld_article in = {.headline = "H", .publisher = "P", .site_url = "https://x.test/"};
	json_t *d = jsonld_news_article(&in);
	assert_string_equal(json_string_value(json_object_get(d, "@type")), "NewsArticle");
	assert_true(json_is_true(json_object_get(d, "isAccessibleForFree")));
	assert_null(json_object_get(d, "image")); /* empty values are left out */
	assert_null(json_object_get(d, "correction"));
	assert_int_equal(json_array_size(json_object_get(d, "author")), 0);
	json_decref(d);
	/* an image with its size is an ImageObject (the 1200x630 social crop); without, a list of its URL */
	in.image_url = "https://x.test/media/2026/11/ab-social-f5000-5000.jpg";
	in.image_width = 1200;
	in.image_height = 630;
	d = jsonld_news_article(&in);
	json_t *img = json_array_get(json_object_get(d, "image"), 0);
	assert_string_equal(json_string_value(json_object_get(img, "@type")), "ImageObject");
	assert_string_equal(json_string_value(json_object_get(img, "url")), in.image_url);
	assert_int_equal(json_integer_value(json_object_get(img, "width")), 1200);
	assert_int_equal(json_integer_value(json_object_get(img, "height")), 630);
	json_decref(d);
	in.image_width = in.image_height = 0;
	d = jsonld_news_article(&in);
	assert_string_equal(json_string_value(json_array_get(json_object_get(d, "image"), 0)), in.image_url);
	json_decref(d);
	json_t *w = jsonld_website("S", "https://x.test/en/", "en", NULL, "https://x.test/en/search?q={search_term_string}");
	json_t *act = json_object_get(w, "potentialAction");
	assert_string_equal(json_string_value(json_object_get(act, "@type")), "SearchAction");
	assert_string_equal(json_string_value(json_object_get(act, "query-input")), "required name=search_term_string");
	json_decref(w);
	w = jsonld_website("S", "https://x.test/en/", "en", NULL, NULL);
	assert_null(json_object_get(w, "potentialAction"));
	json_decref(w);
	json_t *c = jsonld_collection("Politics", "https://x.test/en/section/politics", "en", "S", "https://x.test/en/");
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "isPartOf"), "@type")), "WebSite");
	json_decref(c);
	arena_free(&a);
}

/* a gallery is a hasPart ImageGallery of ImageObjects; an article without one has no hasPart */
static void test_gallery(void **state)
{
	(void)state;
	struct jsonld_image imgs[] = {{.url = "https://x.test/media/a.jpg", .caption = "One", .credit = "Photo: A", .alt = "alt"},
				      {.url = "https://x.test/media/b.jpg"}};
	struct jsonld_gallery g = {.name = "Flood", .images = imgs, .nimages = 2};
	struct jsonld_article in = {.headline = "H", .publisher = "P", .site_url = "https://x.test/", .galleries = &g,
				    .ngalleries = 1};
	json_t *d = jsonld_news_article(&in);
	json_t *part = json_array_get(json_object_get(d, "hasPart"), 0);
	assert_string_equal(json_string_value(json_object_get(part, "@type")), "ImageGallery");
	assert_string_equal(json_string_value(json_object_get(part, "name")), "Flood");
	json_t *media = json_object_get(part, "associatedMedia");
	assert_int_equal(json_array_size(media), 2);
	json_t *first = json_array_get(media, 0);
	assert_string_equal(json_string_value(json_object_get(first, "@type")), "ImageObject");
	assert_string_equal(json_string_value(json_object_get(first, "contentUrl")), "https://x.test/media/a.jpg");
	assert_string_equal(json_string_value(json_object_get(first, "caption")), "One");
	assert_string_equal(json_string_value(json_object_get(first, "creditText")), "Photo: A");
	assert_null(json_object_get(json_array_get(media, 1), "caption")); /* empty values are left out */
	json_decref(d);
	in.ngalleries = 0;
	d = jsonld_news_article(&in);
	assert_null(json_object_get(d, "hasPart"));
	json_decref(d);
}

/* a live blog: LiveBlogPosting with its coverage times and each entry as a BlogPosting update */
static void test_live_blog(void **state)
{
	(void)state;
	struct jsonld_article in = {.headline = "Floods", .publisher = "P", .site_url = "https://x.test/",
				    .url = "https://x.test/en/floods", .image_url = "https://x.test/i.jpg"};
	struct jsonld_live_update ups[2] = {
		{.headline = "Road reopened", .url = "https://x.test/en/floods#entry-9", .date_published = "2026-12-01T10:00:00Z",
		 .date_modified = "2026-12-01T10:05:00Z", .body = "The road is open.", .author = "Rana"},
		{.headline = "Rain", .url = "https://x.test/en/floods#entry-8", .date_published = "2026-12-01T09:00:00Z",
		 .date_modified = "2026-12-01T09:00:00Z", .body = "It rains.", .author = ""}};
	struct jsonld_live live = {.coverage_start = "2026-12-01T08:00:00Z", .updates = ups, .nupdates = 2};
	json_t *d = jsonld_live_blog(jsonld_news_article(&in), &live);
	assert_string_equal(json_string_value(json_object_get(d, "@type")), "LiveBlogPosting");
	assert_string_equal(json_string_value(json_object_get(d, "coverageStartTime")), "2026-12-01T08:00:00Z");
	assert_null(json_object_get(d, "coverageEndTime")); /* ongoing */
	json_t *u = json_object_get(d, "liveBlogUpdate");
	assert_int_equal(json_array_size(u), 2);
	json_t *first = json_array_get(u, 0);
	assert_string_equal(json_string_value(json_object_get(first, "@type")), "BlogPosting");
	assert_string_equal(json_string_value(json_object_get(first, "headline")), "Road reopened");
	assert_string_equal(json_string_value(json_object_get(first, "url")), "https://x.test/en/floods#entry-9");
	assert_string_equal(json_string_value(json_object_get(first, "datePublished")), "2026-12-01T10:00:00Z");
	assert_string_equal(json_string_value(json_object_get(first, "dateModified")), "2026-12-01T10:05:00Z");
	assert_string_equal(json_string_value(json_object_get(first, "articleBody")), "The road is open.");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(first, "author"), 0), "name")), "Rana");
	assert_string_equal(json_string_value(json_object_get(json_object_get(first, "publisher"), "name")), "P");
	assert_non_null(json_object_get(first, "image"));
	assert_int_equal(json_array_size(json_object_get(json_array_get(u, 1), "author")), 0);
	assert_null(json_object_get(d, "dateModified")); /* none given: none set */
	json_decref(d);
	live.coverage_end = "2026-12-01T18:00:00Z";
	live.date_modified = "2026-12-01T18:00:00Z";
	live.nupdates = 0;
	d = jsonld_live_blog(jsonld_news_article(&in), &live);
	assert_string_equal(json_string_value(json_object_get(d, "coverageEndTime")), "2026-12-01T18:00:00Z");
	assert_string_equal(json_string_value(json_object_get(d, "dateModified")), "2026-12-01T18:00:00Z");
	assert_int_equal(json_array_size(json_object_get(d, "liveBlogUpdate")), 0);
	json_decref(d);
	assert_null(jsonld_live_blog(NULL, &live));
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_script_safe), cmocka_unit_test(test_shapes),
					   cmocka_unit_test(test_gallery), cmocka_unit_test(test_live_blog)};
	return cmocka_run_group_tests_name("jsonld", tests, NULL, NULL);
}
