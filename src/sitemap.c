/* sitemap.c - sitemap, sitemap index, news sitemap and robots.txt writers, and the sitemap file names
 * (see sitemap.h). Markup comes from string literals; every value goes through buf_xml (BUF_XML_IN). */
#include "sitemap.h"

#include <string.h>

#include "datefmt.h"
#include "escape.h"

/* loc_lastmod: <loc>loc</loc>, then <lastmod>RFC 3339</lastmod> when lastmod > 0 (a sitemap's url or
 * an index's sitemap). */
static void loc_lastmod(struct buf *b, const char *loc, int64_t lastmod)
{
	BUF_XML_IN(b, "<loc>", loc, "</loc>");
	if (lastmod > 0) {
		buf_lit(b, "<lastmod>");
		datefmt_iso(b, lastmod);
		buf_lit(b, "</lastmod>");
	}
}

void sitemap_urlset(struct buf *b, const struct sitemap_url *urls, size_t n, int news)
{
	buf_lit(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"");
	if (news)
		buf_lit(b, " xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\"");
	buf_lit(b, ">\n");
	for (size_t i = 0; i < n; i++) {
		const struct sitemap_url *u = &urls[i];
		buf_lit(b, "<url>");
		loc_lastmod(b, u->loc, u->lastmod);
		if (news && u->news_name) {
			BUF_XML_IN(b, "\n<news:news><news:publication><news:name>", u->news_name, "</news:name>");
			BUF_XML_IN(b, "<news:language>", u->news_lang, "</news:language></news:publication>\n");
			buf_lit(b, "<news:publication_date>");
			datefmt_iso(b, u->news_date);
			BUF_XML_IN(b, "</news:publication_date>\n<news:title>", u->news_title, "</news:title></news:news>\n");
		}
		buf_lit(b, "</url>\n");
	}
	buf_lit(b, "</urlset>\n");
}

void sitemap_index(struct buf *b, const struct sitemap_ref *refs, size_t n)
{
	buf_lit(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (size_t i = 0; i < n; i++) {
		buf_lit(b, "<sitemap>");
		loc_lastmod(b, refs[i].loc, refs[i].lastmod);
		buf_lit(b, "</sitemap>\n");
	}
	buf_lit(b, "</sitemapindex>\n");
}

/* url_bytes: appends the bytes of s that may appear in a URL as sent (printable ASCII but space), so a
 * configured address cannot start a new line of robots.txt. */
static void url_bytes(struct buf *b, const char *s)
{
	for (; *s; s++)
		if (*s > ' ' && *s < 0x7f)
			buf_putc(b, *s);
}

void sitemap_robots(struct buf *b, const char *base_url)
{
	buf_lit(b, "# The newsroom is private; everything readers see may be crawled.\n"
		   "User-agent: *\nDisallow: /admin/\nAllow: /\n\nSitemap: ");
	url_bytes(b, base_url);
	buf_lit(b, "/sitemap.xml\nSitemap: ");
	url_bytes(b, base_url);
	buf_lit(b, "/sitemaps/news.xml\n");
}

/* take_part: a part number at *s: 1 to 999999 without leading zeros, then ".xml" and the end. */
static int take_part(const char *s, int *part)
{
	int v = 0, n = 0;
	if (*s < '1' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9' && n < 6) {
		v = v * 10 + (*s++ - '0');
		n++;
	}
	if (strcmp(s, ".xml") != 0)
		return -1;
	*part = v;
	return 0;
}

int sitemap_parse_name(const char *file, struct sitemap_name *out)
{
	struct sitemap_name r = {0};
	if (strcmp(file, "pages.xml") == 0) {
		r.kind = SITEMAP_PAGES;
	} else if (strcmp(file, "news.xml") == 0) {
		r.kind = SITEMAP_NEWS;
		r.part = 1;
	} else if (strncmp(file, "news-", 5) == 0) {
		r.kind = SITEMAP_NEWS;
		if (take_part(file + 5, &r.part) < 0 || r.part < 2)
			return -1;
	} else {
		const char *s = file;
		for (int i = 0; i < 7; i++) {
			if (i == 4 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
				return -1;
		}
		r.kind = SITEMAP_MONTH;
		r.year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		r.month = (s[5] - '0') * 10 + (s[6] - '0');
		if (r.year < 1970 || r.month < 1 || r.month > 12)
			return -1;
		s += 7;
		if (*s == '-') {
			if (take_part(s + 1, &r.part) < 0)
				return -1;
		} else if (strcmp(s, ".xml") != 0) {
			return -1;
		}
	}
	*out = r;
	return 0;
}

int64_t sitemap_parts(int64_t count, int64_t per_file)
{
	if (per_file < 1)
		per_file = 1;
	return count <= per_file ? 1 : (count + per_file - 1) / per_file;
}
