/* sitemap.h - sitemaps (sitemaps.org 0.9), Google News sitemaps and robots.txt. Pure: the caller gathers
 * the absolute URLs and times; these write the documents, every value through buf_xml.
 *
 * The files a site serves: /sitemap.xml, the index, names one sitemap per month of publication,
 * /sitemaps/YYYY-MM.xml (or YYYY-MM-1.xml, YYYY-MM-2.xml ... when the month has more than
 * SITEMAP_MAX_URLS articles), the news sitemap /sitemaps/news.xml (news-2.xml ... past
 * SITEMAP_NEWS_MAX_URLS) and /sitemaps/pages.xml (front and section pages). */
#ifndef BROADSHEET_SITEMAP_H
#define BROADSHEET_SITEMAP_H
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define SITEMAP_MAX_URLS 50000           /* URLs per sitemap file (the protocol's limit) */
#define SITEMAP_NEWS_MAX_URLS 1000       /* URLs per news sitemap file (Google News' limit) */
#define SITEMAP_NEWS_WINDOW (48 * 3600)  /* a news sitemap lists what was published this long ago or less */

struct sitemap_url {
	const char *loc; /* absolute URL */
	int64_t lastmod; /* 0 = no <lastmod> */
	/* Google News fields, written when news_name is not NULL */
	const char *news_name, *news_lang, *news_title;
	int64_t news_date;
};

struct sitemap_ref {
	const char *loc; /* absolute URL of a sitemap */
	int64_t lastmod; /* 0 = no <lastmod> */
};

/* sitemap_urlset: appends a <urlset> of n URLs to b; news adds the news namespace. Never fails. */
void sitemap_urlset(struct buf *b, const struct sitemap_url *urls, size_t n, int news);

/* sitemap_index: appends a <sitemapindex> of n sitemaps to b. Never fails. */
void sitemap_index(struct buf *b, const struct sitemap_ref *refs, size_t n);

/* sitemap_robots: appends robots.txt: everything allowed but /admin/, then a "Sitemap:" line for the
 * index and for the news sitemap at base_url (bytes of base_url that cannot be in a URL are dropped). */
void sitemap_robots(struct buf *b, const char *base_url);

enum sitemap_kind { SITEMAP_MONTH, SITEMAP_NEWS, SITEMAP_PAGES };

struct sitemap_name {
	enum sitemap_kind kind;
	int year, month; /* SITEMAP_MONTH */
	int part;        /* months: 0 = "YYYY-MM.xml", N = "YYYY-MM-N.xml" (N >= 1); news: 1 = "news.xml",
			    N = "news-N.xml" (N >= 2); pages: 0 */
};

/* sitemap_parse_name: reads a file name under /sitemaps/. Returns 0, or -1 for anything that is not one
 * of the names above exactly (leading zeros in a part number, month 13, news-1.xml ...). */
int sitemap_parse_name(const char *file, struct sitemap_name *out);

/* sitemap_parts: how many files count URLs take at per_file each (at least 1). */
int64_t sitemap_parts(int64_t count, int64_t per_file);

#endif
