/* page_sitemap.c - /robots.txt, the sitemap index /sitemap.xml and the sitemaps under /sitemaps/: one
 * per month of publication (split past SITEMAP_MAX_URLS), the Google News sitemap of the last 48 hours
 * (split past SITEMAP_NEWS_MAX_URLS) and the front and section pages. Read live through db_*, so an
 * unpublished article leaves them at once; written by sitemap.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cache_keys.h"
#include "datefmt.h"
#include "db.h"
#include "pages.h"
#include "render.h"
#include "sitemap.h"
#include "util.h"

#define XML_TYPE "application/xml; charset=utf-8"

/* split_size: URLs per file: max, or the smaller number in BROADSHEET_SITEMAP_SPLIT. That variable
 * exists for the tests, which cannot publish 50,000 articles to see a month split; sites leave it unset. */
static int64_t split_size(int64_t max)
{
	const char *env = getenv("BROADSHEET_SITEMAP_SPLIT");
	int64_t v;
	if (env && util_parse_i64(env, &v) == 0 && v >= 1 && v < max)
		return v;
	return max;
}

/* article_loc: the absolute URL of a sitemap entry's article, in the arena. */
static const char *article_loc(struct http_request *req, const struct db_sitemap_entry *e)
{
	struct db_article art = {.edition = e->edition, .slug = e->slug, .published_at = e->published_at};
	return arena_printf(req->arena, "%s%s", req->app->cfg.base_url, render_article_href(req->arena, &art));
}

/* WEBPAGE: GET /robots.txt
 * Parameters: none
 * Permission: anyone (public, cached)
 * robots.txt: everything allowed but /admin/, and the sitemap index and news sitemap under base_url. */
int robots_page(struct http_request *req, struct http_response *res)
{
	sitemap_robots(&res->body, req->app->cfg.base_url);
	res->content_type = "text/plain; charset=utf-8";
	return 200;
}

/* WEBPAGE: GET /sitemap.xml
 * Parameters: none
 * Permission: anyone (public, cached)
 * The sitemap index: the pages sitemap, the news sitemap while it has articles, and one sitemap per month
 *   (split into parts when a month is over the size limit). */
int sitemap_index_page(struct http_request *req, struct http_response *res)
{
	cache_depend(req, cache_key_sitemap());
	struct arena *a = req->arena;
	struct db *db = req->app->db;
	const char *base = req->app->cfg.base_url;
	struct db_sitemap_month *months;
	size_t nmonths;
	int64_t news = 0, now = util_now();
	if (db_sitemap_months(db, a, &months, &nmonths) != DB_OK ||
	    db_sitemap_count(db, now - SITEMAP_NEWS_WINDOW, INT64_MAX, &news) != DB_OK)
		return 500;
	int64_t split = split_size(SITEMAP_MAX_URLS), news_split = split_size(SITEMAP_NEWS_MAX_URLS);
	int64_t news_parts = news ? sitemap_parts(news, news_split) : 0;
	size_t cap = 1 + (size_t)news_parts, len = 0;
	for (size_t i = 0; i < nmonths; i++)
		cap += (size_t)sitemap_parts(months[i].count, split);
	struct sitemap_ref *refs = arena_alloc(a, cap * sizeof *refs);
	int64_t newest = 0;
	for (size_t i = 0; i < nmonths; i++)
		newest = months[i].lastmod > newest ? months[i].lastmod : newest;
	refs[len++] = (struct sitemap_ref){arena_printf(a, "%s/sitemaps/pages.xml", base), newest};
	/* the news sitemap is named only while it has articles: an empty <urlset> is not a valid sitemap */
	for (int64_t p = 1; p <= news_parts; p++)
		refs[len++] = (struct sitemap_ref){
			p == 1 ? arena_printf(a, "%s/sitemaps/news.xml", base)
			       : arena_printf(a, "%s/sitemaps/news-%lld.xml", base, (long long)p),
			0};
	for (size_t i = 0; i < nmonths; i++) {
		int64_t parts = sitemap_parts(months[i].count, split);
		for (int64_t p = 1; p <= parts; p++) {
			const char *loc = parts == 1 ? arena_printf(a, "%s/sitemaps/%04d-%02d.xml", base, months[i].year,
								    months[i].month)
						     : arena_printf(a, "%s/sitemaps/%04d-%02d-%lld.xml", base, months[i].year,
								    months[i].month, (long long)p);
			refs[len++] = (struct sitemap_ref){loc, months[i].lastmod};
		}
	}
	sitemap_index(&res->body, refs, len);
	res->content_type = XML_TYPE;
	return 200;
}

/* month_sitemap: the articles published in one UTC month, or one part of them when split. */
static int month_sitemap(struct http_request *req, struct http_response *res, const struct sitemap_name *name)
{
	struct arena *a = req->arena;
	int64_t from = datefmt_from_civil(name->year, name->month, 1, 0, 0, 0);
	int64_t to = name->month == 12 ? datefmt_from_civil(name->year + 1, 1, 1, 0, 0, 0)
				       : datefmt_from_civil(name->year, name->month + 1, 1, 0, 0, 0);
	int64_t count = 0, split = split_size(SITEMAP_MAX_URLS);
	if (db_sitemap_count(req->app->db, from, to, &count) != DB_OK)
		return 500;
	int64_t parts = sitemap_parts(count, split);
	/* only the names the index gives exist: YYYY-MM.xml for a whole month, YYYY-MM-N.xml for a split one */
	if (count == 0 || (parts == 1) != (name->part == 0) || name->part > parts)
		return 404;
	struct db_sitemap_query q = {.from = from, .to = to, .offset = (name->part ? name->part - 1 : 0) * split,
				     .limit = split};
	struct db_sitemap_entry *es;
	size_t n;
	if (db_sitemap_entries(req->app->db, a, &q, &es, &n) != DB_OK)
		return 500;
	struct sitemap_url *urls = arena_alloc(a, (n ? n : 1) * sizeof *urls);
	for (size_t i = 0; i < n; i++)
		urls[i] = (struct sitemap_url){.loc = article_loc(req, &es[i]), .lastmod = es[i].updated_at};
	sitemap_urlset(&res->body, urls, n, 0);
	return 200;
}

/* news_sitemap: the articles published in the last SITEMAP_NEWS_WINDOW seconds, newest first, with the
 * Google News fields (publication name: each edition's site name). news.xml is always there, even
 * empty; news-N.xml only while there are that many. */
static int news_sitemap(struct http_request *req, struct http_response *res, int part)
{
	struct arena *a = req->arena;
	int64_t now = util_now(), split = split_size(SITEMAP_NEWS_MAX_URLS);
	struct db_sitemap_query q = {.from = now - SITEMAP_NEWS_WINDOW, .to = INT64_MAX, .newest_first = 1,
				     .offset = (int64_t)(part - 1) * split, .limit = split};
	struct db_sitemap_entry *es;
	size_t n;
	if (db_sitemap_entries(req->app->db, a, &q, &es, &n) != DB_OK)
		return 500;
	if (part > 1 && n == 0)
		return 404;
	const char *names[2] = {render_setting(req, "site_name", "en", "Broadsheet"),
				render_setting(req, "site_name", "ar", "Broadsheet")};
	struct sitemap_url *urls = arena_alloc(a, (n ? n : 1) * sizeof *urls);
	for (size_t i = 0; i < n; i++) {
		int ar = strcmp(es[i].edition, "ar") == 0;
		urls[i] = (struct sitemap_url){.loc = article_loc(req, &es[i]),
					       .lastmod = es[i].updated_at,
					       .news_name = names[ar],
					       .news_lang = ar ? "ar" : "en",
					       .news_title = es[i].headline,
					       .news_date = es[i].published_at};
	}
	sitemap_urlset(&res->body, urls, n, 1);
	return 200;
}

/* pages_sitemap: each edition's front page and section pages, dated by their newest article. */
static int pages_sitemap(struct http_request *req, struct http_response *res)
{
	struct arena *a = req->arena;
	const char *base = req->app->cfg.base_url;
	static const char *const editions[] = {"en", "ar"};
	struct db_section_stamp *secs[2];
	size_t nsecs[2];
	for (int e = 0; e < 2; e++)
		if (db_sitemap_sections(req->app->db, a, editions[e], &secs[e], &nsecs[e]) != DB_OK)
			return 500;
	struct sitemap_url *urls = arena_alloc(a, (2 + nsecs[0] + nsecs[1]) * sizeof *urls);
	size_t n = 0;
	for (int e = 0; e < 2; e++) {
		struct sitemap_url *front = &urls[n++];
		*front = (struct sitemap_url){.loc = arena_printf(a, "%s/%s/", base, editions[e])};
		for (size_t i = 0; i < nsecs[e]; i++) {
			const struct db_section_stamp *s = &secs[e][i];
			urls[n++] = (struct sitemap_url){
				.loc = arena_printf(a, "%s%s", base, render_href(a, editions[e], "section", s->section.slug)),
				.lastmod = s->lastmod};
			if (s->lastmod > front->lastmod)
				front->lastmod = s->lastmod;
		}
	}
	sitemap_urlset(&res->body, urls, n, 0);
	return 200;
}

/* WEBPAGE: GET /sitemaps/{file}
 * Parameters: file: pages.xml, news.xml (news-N.xml) or YYYY-MM.xml (YYYY-MM-N.xml)
 * Permission: anyone (public, cached)
 * One sitemap named in the index; 404 for a name that is not one. */
int sitemap_page(struct http_request *req, struct http_response *res)
{
	cache_depend(req, cache_key_sitemap());
	char file[64];
	struct sitemap_name name;
	if (route_param(&req->route, "file", file, sizeof file) < 0 || sitemap_parse_name(file, &name) < 0)
		return 404;
	int status;
	if (name.kind == SITEMAP_MONTH)
		status = month_sitemap(req, res, &name);
	else if (name.kind == SITEMAP_NEWS)
		status = news_sitemap(req, res, name.part);
	else
		status = pages_sitemap(req, res);
	if (status == 200)
		res->content_type = XML_TYPE;
	return status;
}
