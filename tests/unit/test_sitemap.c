/* test_sitemap.c - unit tests for the sitemap writers and file names (src/sitemap.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "datefmt.h"
#include "sitemap.h"

static void assert_has(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("missing: %s\nin:\n%s", needle, hay);
}

static void test_urlset(void **state)
{
	(void)state;
	struct sitemap_url urls[] = {
		{.loc = "https://news.example/en/2026/01/23/a?x=1&y=2", .lastmod = datefmt_from_civil(2026, 1, 23, 5, 1, 0)},
		{.loc = "https://news.example/en/"},
	};
	struct buf b = BUF_INIT;
	sitemap_urlset(&b, urls, 2, 0);
	const char *s = buf_cstr(&b);
	assert_string_equal(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			       "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
			       "<url><loc>https://news.example/en/2026/01/23/a?x=1&amp;y=2</loc>"
			       "<lastmod>2026-01-23T05:01:00Z</lastmod></url>\n"
			       "<url><loc>https://news.example/en/</loc></url>\n"
			       "</urlset>\n");
	buf_free(&b);
}

static void test_news(void **state)
{
	(void)state;
	int64_t t = datefmt_from_civil(2026, 11, 25, 9, 30, 0);
	struct sitemap_url u = {.loc = "https://news.example/ar/2026/11/25/%D8%A7",
				.lastmod = t,
				.news_name = "سجل المشرق & co",
				.news_lang = "ar",
				.news_title = "عنوان <مهم>",
				.news_date = t};
	struct buf b = BUF_INIT;
	sitemap_urlset(&b, &u, 1, 1);
	const char *s = buf_cstr(&b);
	assert_has(s, "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
		      "xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">");
	assert_has(s, "<url><loc>https://news.example/ar/2026/11/25/%D8%A7</loc><lastmod>2026-11-25T09:30:00Z</lastmod>\n"
		      "<news:news>");
	assert_has(s, "<news:news><news:publication><news:name>سجل المشرق &amp; co</news:name>"
		      "<news:language>ar</news:language></news:publication>\n"
		      "<news:publication_date>2026-11-25T09:30:00Z</news:publication_date>\n"
		      "<news:title>عنوان &lt;مهم&gt;</news:title></news:news>\n</url>");
	buf_free(&b);
}

static void test_index(void **state)
{
	(void)state;
	struct sitemap_ref refs[] = {{"https://news.example/sitemaps/pages.xml", datefmt_from_civil(2026, 1, 2, 3, 4, 5)},
				     {"https://news.example/sitemaps/news.xml", 0}};
	struct buf b = BUF_INIT;
	sitemap_index(&b, refs, 2);
	assert_string_equal(buf_cstr(&b), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
					  "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
					  "<sitemap><loc>https://news.example/sitemaps/pages.xml</loc>"
					  "<lastmod>2026-01-02T03:04:05Z</lastmod></sitemap>\n"
					  "<sitemap><loc>https://news.example/sitemaps/news.xml</loc></sitemap>\n"
					  "</sitemapindex>\n");
	buf_free(&b);
}

static void test_robots(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	sitemap_robots(&b, "https://news.example");
	const char *s = buf_cstr(&b);
	assert_has(s, "User-agent: *\nDisallow: /admin/\nAllow: /\n");
	assert_has(s, "\nSitemap: https://news.example/sitemap.xml\nSitemap: https://news.example/sitemaps/news.xml\n");
	buf_reset(&b);
	/* a configured address cannot add lines */
	sitemap_robots(&b, "https://x.example\nDisallow: /");
	assert_has(buf_cstr(&b), "Sitemap: https://x.exampleDisallow://sitemap.xml\n");
	buf_free(&b);
}

static void check_name(const char *file, int ok, enum sitemap_kind kind, int year, int month, int part)
{
	struct sitemap_name n = {.kind = SITEMAP_PAGES, .year = -1, .month = -1, .part = -1};
	int rc = sitemap_parse_name(file, &n);
	if (!ok) {
		if (rc != -1)
			fail_msg("%s should be refused", file);
		assert_int_equal(n.part, -1); /* untouched */
		return;
	}
	if (rc != 0)
		fail_msg("%s should be accepted", file);
	assert_int_equal(n.kind, kind);
	assert_int_equal(n.year, year);
	assert_int_equal(n.month, month);
	assert_int_equal(n.part, part);
}

static void test_names(void **state)
{
	(void)state;
	check_name("pages.xml", 1, SITEMAP_PAGES, 0, 0, 0);
	check_name("news.xml", 1, SITEMAP_NEWS, 0, 0, 1);
	check_name("news-2.xml", 1, SITEMAP_NEWS, 0, 0, 2);
	check_name("news-120.xml", 1, SITEMAP_NEWS, 0, 0, 120);
	check_name("2026-01.xml", 1, SITEMAP_MONTH, 2026, 1, 0);
	check_name("2026-12-1.xml", 1, SITEMAP_MONTH, 2026, 12, 1);
	check_name("1999-07-37.xml", 1, SITEMAP_MONTH, 1999, 7, 37);
	const char *bad[] = {"",
			     "news-1.xml",
			     "news-0.xml",
			     "news-02.xml",
			     "news-.xml",
			     "news.XML",
			     "news-2.xml.gz",
			     "2026-13.xml",
			     "2026-00.xml",
			     "1969-12.xml",
			     "2026-1.xml",
			     "2026-01-0.xml",
			     "2026-01-01.xml",
			     "2026-01-.xml",
			     "2026-01-1234567.xml",
			     "2026-01",
			     "2026_01.xml",
			     "٢٠٢٦-01.xml",
			     "pages.xml/",
			     "sitemap.xml",
			     NULL};
	for (int i = 0; bad[i]; i++)
		check_name(bad[i], 0, 0, 0, 0, 0);
}

static void test_parts(void **state)
{
	(void)state;
	assert_int_equal(sitemap_parts(0, 50000), 1);
	assert_int_equal(sitemap_parts(1, 50000), 1);
	assert_int_equal(sitemap_parts(50000, 50000), 1);
	assert_int_equal(sitemap_parts(50001, 50000), 2);
	assert_int_equal(sitemap_parts(100000, 50000), 2);
	assert_int_equal(sitemap_parts(100001, 50000), 3);
	assert_int_equal(sitemap_parts(11, 5), 3);
	assert_int_equal(sitemap_parts(3, 0), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urlset), cmocka_unit_test(test_news),  cmocka_unit_test(test_index),
		cmocka_unit_test(test_robots), cmocka_unit_test(test_names), cmocka_unit_test(test_parts),
	};
	return cmocka_run_group_tests_name("sitemap", tests, NULL, NULL);
}
