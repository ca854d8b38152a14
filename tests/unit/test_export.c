/* test_export.c - unit tests for the static export's pure parts (src/export.c): which links belong to the
 * static site, the file each URL is written to, and finding the links of a page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "export.h"

/* target: export_target of a NUL-terminated link on https://news.example.com. */
static const char *target(struct arena *a, const char *link)
{
	return export_target(a, link, strlen(link), "https://news.example.com");
}

static void test_target(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	assert_string_equal(target(&a, "/en/"), "/en/");
	assert_string_equal(target(&a, "https://news.example.com/en/world#top"), "/en/world");
	assert_string_equal(target(&a, "https://news.example.com"), "/");
	assert_string_equal(target(&a, "/en/section/world?page=2"), "/en/section/world?page=2");
	assert_string_equal(target(&a, "/static/site.css?v=abc123"), "/static/site.css");
	assert_string_equal(target(&a, "/media/2026/11/x-320.webp?v=1&amp;y=2"), "/media/2026/11/x-320.webp");
	assert_null(target(&a, "/en/section/world?page=1"));  /* the list's first page is its plain address */
	assert_null(target(&a, "/en/section/world?page=02"));
	assert_null(target(&a, "/en/search?q=water&amp;page=2"));
	assert_null(target(&a, "/en/2026/11/25/story?reply=4"));
	assert_null(target(&a, "/admin/login?next=/admin/"));
	assert_null(target(&a, "/api/v1/articles"));
	assert_null(target(&a, "/comments/12"));
	assert_null(target(&a, "#main"));
	assert_null(target(&a, "//cdn.example.com/x.js"));
	assert_null(target(&a, "https://news.example.com.evil.test/en/"));
	assert_null(target(&a, "mailto:desk@example.com"));
	assert_null(target(&a, "story.html"));
	arena_free(&a);
}

static void test_file(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	assert_string_equal(export_file(&a, "/en/", 1), "en/index.html");
	assert_string_equal(export_file(&a, "/en/?page=3", 1), "en/index.page-3.html");
	assert_string_equal(export_file(&a, "/en/section/world", 1), "en/section/world.html");
	assert_string_equal(export_file(&a, "/en/section/world?page=12", 1), "en/section/world.page-12.html");
	assert_string_equal(export_file(&a, "/en/section/world/rss.xml", 0), "en/section/world/rss.xml");
	assert_string_equal(export_file(&a, "/ar/2026/11/25/%D9%85%D8%A7%D8%A1", 1), "ar/2026/11/25/\xd9\x85\xd8\xa7\xd8\xa1.html");
	assert_string_equal(export_file(&a, "/media/2026/11/a-640.webp", 0), "media/2026/11/a-640.webp");
	assert_null(export_file(&a, "/en/rss.xml?page=2", 0)); /* only pages take ?page */
	assert_null(export_file(&a, "/en/x?q=1", 1));
	assert_null(export_file(&a, "/en/../../etc/passwd", 1));
	assert_null(export_file(&a, "/en/%2e%2e/x", 1));
	assert_null(export_file(&a, "/.broadsheet-export", 0));
	assert_null(export_file(&a, "/en//x", 1));
	assert_null(export_file(&a, "/en/%00", 1));
	assert_null(export_file(&a, "relative", 1));
	arena_free(&a);
}

struct seen {
	char links[8][64];
	int n;
};

static void keep(void *ctx, const char *link, size_t len)
{
	struct seen *s = ctx;
	if (s->n < 8 && len < 64) {
		memcpy(s->links[s->n], link, len);
		s->links[s->n][len] = '\0';
	}
	s->n++;
}

static void test_links(void **state)
{
	(void)state;
	const char *html = "<a href=\"/en/\">x</a><img src=\"/media/a.jpg\" srcset=\"/media/a-320.webp 320w, "
			   "/media/a-640.webp 640w\" alt=\"\"><p data-href=\"/no\">href=\"/not-an-attribute\"</p>"
			   "<link rel=\"canonical\" href=\"https://x.test/en/\"><a href=\"/unterminated";
	struct seen s = {0};
	export_links(html, strlen(html), keep, &s);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.links[0], "/en/");
	assert_string_equal(s.links[1], "/media/a.jpg");
	assert_string_equal(s.links[2], "/media/a-320.webp");
	assert_string_equal(s.links[3], "/media/a-640.webp");
	assert_string_equal(s.links[4], "https://x.test/en/");

	const char *xml = "<sitemapindex><sitemap><loc>https://x.test/sitemaps/2026-11.xml</loc></sitemap>"
			  "<sitemap><loc>https://x.test/sitemaps/news.xml</loc></sitemap><loc>open";
	struct seen t = {0};
	export_links(xml, strlen(xml), keep, &t);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.links[1], "https://x.test/sitemaps/news.xml");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_links),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
