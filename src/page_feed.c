/* page_feed.c - the RSS and Atom feeds of each edition, section, tag and author: the latest FEED_ITEMS
 * published articles with their bodies, read live through db_* and written by feed.c. Validators: the
 * ETag of the body (http.c) and Last-Modified, the newest of the articles' publication and update times
 * and the newsroom's last change (so that unpublishing or a quiet edit is not answered with a 304). */
#include <string.h>
#include <sys/stat.h>

#include "app.h"
#include "cache_keys.h"
#include "db.h"
#include "feed.h"
#include "pages.h"
#include "render.h"
#include "util.h"

enum feed_kind { KIND_EDITION, KIND_SECTION, KIND_TAG, KIND_AUTHOR };

/* What a feed follows, once its route is resolved. */
struct feed_subject {
	const char *edition;
	const char *name;      /* NULL for the edition */
	const char *about;     /* the channel description */
	const char *page_path; /* root-relative, escaped: "/en/" or "/en/section/world" */
	const char *feed_base; /* where its feeds live: "/en" or "/en/section/world" */
	struct db_article_query q;
};

/* format_of: RSS or Atom by the last segment of the path (the routes only allow these two). */
static enum feed_format format_of(const char *path)
{
	size_t n = strlen(path);
	return n >= 9 && strcmp(path + n - 9, "/atom.xml") == 0 ? FEED_ATOM : FEED_RSS;
}

/* resolve: fills s for kind from the route: the edition, and the section, tag or author by slug.
 * Returns 0, or the HTTP status to answer (404 for an unknown edition or slug, 500 on a store error). */
static int resolve(struct http_request *req, enum feed_kind kind, struct feed_subject *s)
{
	struct arena *a = req->arena;
	struct db *db = req->app->db;
	char ed[8], slug[256];
	memset(s, 0, sizeof *s);
	if (route_param(&req->route, "edition", ed, sizeof ed) < 0 || !(s->edition = render_edition(ed)))
		return 404;
	int ar = strcmp(s->edition, "ar") == 0;
	s->q.edition = s->edition;
	s->q.limit = FEED_ITEMS;
	if (kind == KIND_EDITION) {
		s->about = render_setting(req, "description", s->edition, render_feed_title(req, s->edition, NULL));
		s->page_path = ar ? "/ar/" : "/en/";
		s->feed_base = ar ? "/ar" : "/en";
		return 0;
	}
	if (route_param(&req->route, "slug", slug, sizeof slug) < 0)
		return 404;
	int rc;
	const char *label, *dir;
	s->about = NULL;
	if (kind == KIND_SECTION) {
		struct db_section sec;
		label = ar ? "القسم" : "Section", dir = "section";
		if ((rc = db_section_get(db, a, s->edition, slug, &sec)) == DB_OK)
			s->name = sec.name, s->q.section_id = sec.id;
	} else if (kind == KIND_TAG) {
		struct db_tag t;
		label = ar ? "الوسم" : "Tag", dir = "tag";
		if ((rc = db_tag_get(db, a, s->edition, slug, &t)) == DB_OK)
			s->name = t.name, s->q.tag_id = t.id;
	} else {
		struct db_author au;
		label = ar ? "الكاتب" : "Author", dir = "author";
		if ((rc = db_author_get(db, a, s->edition, slug, &au)) == DB_OK) {
			s->name = au.name, s->q.author_id = au.id;
			s->about = au.bio && *au.bio ? au.bio : NULL;
		}
	}
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? 404 : 500;
	if (!s->about)
		s->about = arena_printf(a, "%s: %s", label, s->name);
	s->page_path = render_href(a, s->edition, dir, slug);
	s->feed_base = s->page_path;
	return 0;
}

/* file_size: the size of media file `rel` in bytes, 0 when it cannot be read. */
static int64_t file_size(struct http_request *req, const char *rel)
{
	struct stat sb;
	const char *path = arena_printf(req->arena, "%s/%s", req->app->media_dir, rel);
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) ? (int64_t)sb.st_size : 0;
}

/* fill_item: the feed item for art (bylines, section and tags, lead image). Returns DB_OK or DB_ERROR. */
static int fill_item(struct http_request *req, const struct db_article *art, struct feed_item *it)
{
	struct arena *a = req->arena;
	struct db *db = req->app->db;
	const char *base = req->app->cfg.base_url;
	memset(it, 0, sizeof *it);
	cache_depend(req, cache_key_article(art->id));
	/* an imported article keeps the id its old feeds gave it, so readers' apps do not show it again */
	it->guid = art->guid && *art->guid ? art->guid : feed_guid(a, base, art->created_at, art->id);
	it->title = art->headline;
	it->link = arena_printf(a, "%s%s", base, render_article_href(a, art));
	it->summary = art->standfirst;
	it->content_html = art->body_html;
	it->published = art->published_at;
	it->updated = art->updated_at;

	struct db_author *authors;
	size_t nauthors;
	struct db_tag *tags;
	size_t ntags;
	if (db_article_authors(db, a, art->id, &authors, &nauthors) != DB_OK ||
	    db_article_tags(db, a, art->id, &tags, &ntags) != DB_OK)
		return DB_ERROR;
	struct feed_person *people = arena_alloc(a, (nauthors ? nauthors : 1) * sizeof *people);
	for (size_t i = 0; i < nauthors; i++) {
		people[i].name = authors[i].name;
		people[i].uri = arena_printf(a, "%s%s", base, render_href(a, art->edition, "author", authors[i].slug));
	}
	it->authors = people;
	it->nauthors = nauthors;
	struct feed_category *cats = arena_alloc(a, (ntags + 1) * sizeof *cats);
	cats[0].term = art->section_name;
	cats[0].scheme = arena_printf(a, "%s/%s/section/", base, art->edition);
	for (size_t i = 0; i < ntags; i++) {
		cats[i + 1].term = tags[i].name;
		cats[i + 1].scheme = arena_printf(a, "%s/%s/tag/", base, art->edition);
	}
	it->categories = cats;
	it->ncategories = ntags + 1;

	int w = 0, h = 0;
	const char *file = render_image_file(a, art, &w, &h);
	if (file) {
		it->image_url = arena_printf(a, "%s/media/%s", base, file);
		it->image_type = feed_image_type(file);
		it->image_length = file_size(req, file);
		it->image_width = w;
		it->image_height = h;
		it->image_alt = art->image_alt;
		it->image_credit = art->lead_credit;
	}
	return DB_OK;
}

/* feed_serve: answers a feed route of kind: resolves it, reads the articles, writes the document. */
static int feed_serve(struct http_request *req, struct http_response *res, enum feed_kind kind)
{
	struct feed_subject s;
	int status = resolve(req, kind, &s);
	if (status) {
		res->error_message = NULL;
		return status;
	}
	cache_depend(req, cache_key_feed(s.edition)); /* which articles each of the edition's feeds lists */
	struct arena *a = req->arena;
	struct db *db = req->app->db;
	enum feed_format fmt = format_of(req->path);
	struct db_article *arts;
	size_t n;
	int64_t changed = 0;
	if (db_articles_feed(db, a, &s.q, &arts, &n) != DB_OK || db_last_change_at(db, &changed) != DB_OK)
		return 500;
	struct feed_item *items = arena_alloc(a, (n ? n : 1) * sizeof *items);
	int64_t newest = changed;
	for (size_t i = 0; i < n; i++) {
		if (fill_item(req, &arts[i], &items[i]) != DB_OK)
			return 500;
		if (arts[i].published_at > newest)
			newest = arts[i].published_at;
		if (arts[i].updated_at > newest)
			newest = arts[i].updated_at;
	}
	int64_t now = util_now();
	if (newest > now) /* never claim a change in the future (a clock set back) */
		newest = now;

	const char *base = req->app->cfg.base_url;
	const char *site_name = render_setting(req, "site_name", s.edition, "Broadsheet");
	struct feed f = {
		.title = render_feed_title(req, s.edition, s.name),
		.description = s.about,
		.lang = s.edition,
		.link = arena_printf(a, "%s%s", base, s.page_path),
		.self = arena_printf(a, "%s%s/%s", base, s.feed_base, fmt == FEED_ATOM ? "atom.xml" : "rss.xml"),
		.base = arena_printf(a, "%s/", base),
		.author = site_name,
		.generator_version = BROADSHEET_VERSION,
		.updated = newest > 0 ? newest : now, /* an empty feed of a new site: now */
		.items = items,
		.nitems = n,
	};
	f.id = f.self;
	feed_render(&res->body, fmt, &f);
	res->content_type = feed_content_type(fmt);
	res->last_modified = newest;
	return 200;
}

/* WEBPAGE: GET /{edition}/rss.xml
 * WEBPAGE: GET /{edition}/atom.xml
 * Parameters: edition (in the path)
 * Permission: anyone (public, cached)
 * The edition's latest articles as RSS 2.0 or Atom, by the last path segment. */
int edition_feed_page(struct http_request *req, struct http_response *res)
{
	return feed_serve(req, res, KIND_EDITION);
}

/* WEBPAGE: GET /{edition}/section/{slug}/rss.xml
 * WEBPAGE: GET /{edition}/section/{slug}/atom.xml
 * Parameters: edition, slug (in the path)
 * Permission: anyone (public, cached)
 * A section's latest articles as RSS 2.0 or Atom; 404 for an unknown section. */
int section_feed_page(struct http_request *req, struct http_response *res)
{
	return feed_serve(req, res, KIND_SECTION);
}

/* WEBPAGE: GET /{edition}/tag/{slug}/rss.xml
 * WEBPAGE: GET /{edition}/tag/{slug}/atom.xml
 * Parameters: edition, slug (in the path)
 * Permission: anyone (public, cached)
 * A tag's latest articles as RSS 2.0 or Atom; 404 for an unknown tag. */
int tag_feed_page(struct http_request *req, struct http_response *res)
{
	return feed_serve(req, res, KIND_TAG);
}

/* WEBPAGE: GET /{edition}/author/{slug}/rss.xml
 * WEBPAGE: GET /{edition}/author/{slug}/atom.xml
 * Parameters: edition, slug (in the path)
 * Permission: anyone (public, cached)
 * An author's latest articles as RSS 2.0 or Atom; 404 for an unknown author. */
int author_feed_page(struct http_request *req, struct http_response *res)
{
	return feed_serve(req, res, KIND_AUTHOR);
}
