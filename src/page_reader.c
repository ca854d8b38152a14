/* page_reader.c - the reader's pages: front page, article, section, tag and author lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "blocks.h"
#include "cache_keys.h"
#include "datefmt.h"
#include "db.h"
#include "jsonld.h"
#include "pages.h"
#include "render.h"
#include "util.h"

#define LIST_PAGE_SIZE 10
#define MAX_PAGE 100000

/* route_edition: the edition named in the route, or NULL. */
static const char *route_edition(struct http_request *req)
{
	char ed[8];
	if (route_param(&req->route, "edition", ed, sizeof ed) < 0)
		return NULL;
	return render_edition(ed);
}

/* page_number: the ?page= parameter: 1 when absent, 0 when malformed. */
static int64_t page_number(struct http_request *req)
{
	const char *p = http_param(req, "page");
	if (!p)
		return 1;
	int64_t n;
	for (const char *c = p; *c; c++)
		if (*c < '0' || *c > '9')
			return 0;
	if (util_parse_i64(p, &n) < 0 || n < 1 || n > MAX_PAGE)
		return 0;
	return n;
}

/* absolute: base_url + path, in the arena. */
static const char *absolute(struct http_request *req, const char *path)
{
	return arena_printf(req->arena, "%s%s", req->app->cfg.base_url, path);
}

/* WEBPAGE: GET /{edition}/
 * Parameters: edition (en or ar, in the path)
 * Permission: anyone (public, cached)
 * The edition's front page: the top stories, each section's block, latest and most read. */
int front_page(struct http_request *req, struct http_response *res)
{
	const char *ed = route_edition(req);
	if (!ed)
		return 404;
	struct db *db = req->app->db;
	struct arena *a = req->arena;
	struct view *v = render_frame(req, RENDER_FRONT, ed, NULL, NULL);
	cache_depend(req, cache_key_front(ed)); /* which stories lead, and each section's block */
	const char *en = absolute(req, "/en/"), *ar = absolute(req, "/ar/");
	render_alternate(v, "en", en);
	render_alternate(v, "ar", ar);
	render_alternate(v, "x-default", en);
	const char *search = absolute(req, arena_printf(a, "/%s/search?q={search_term_string}", ed));
	render_jsonld(v, jsonld_script_text(a, jsonld_website(render_site_name(req, ed), strcmp(ed, "ar") == 0 ? ar : en, ed,
							      render_logo_url(req), search)));
	struct db_article_query q = {.edition = ed, .top_only = 1, .limit = 6};
	struct db_article *top = NULL;
	size_t ntop = 0;
	if (db_articles_list(db, a, &q, &top, &ntop) != DB_OK)
		return 500;
	view_list_empty(v, "top");
	for (size_t i = 0; i < ntop; i++) {
		struct view *s = view_add(v, "top");
		render_story(req, s, &top[i]);
		view_bool(s, "lead", i == 0);
	}
	view_list_empty(v, "blocks");
	struct db_section *secs;
	size_t nsecs;
	if (db_sections_list(db, a, ed, &secs, &nsecs) != DB_OK)
		return 500;
	for (size_t i = 0; i < nsecs; i++) {
		struct db_article_query sq = {.edition = ed, .section_id = secs[i].id, .limit = 4 + (int64_t)ntop};
		struct db_article *arts;
		size_t n;
		if (db_articles_list(db, a, &sq, &arts, &n) != DB_OK)
			return 500;
		struct view *block = NULL;
		int shown = 0;
		for (size_t k = 0; k < n && shown < 4; k++) {
			int is_top = 0;
			for (size_t t = 0; t < ntop; t++)
				is_top |= top[t].id == arts[k].id;
			if (is_top)
				continue;
			if (!block) {
				block = view_add(v, "blocks");
				view_text(block, "name", secs[i].name);
				view_text(block, "href", render_href(a, ed, "section", secs[i].slug));
			}
			render_story(req, view_add(block, "stories"), &arts[k]);
			shown++;
		}
	}
	if (render_most_read(req, v, ed) < 0)
		return 500;
	return render_reply(req, res, RENDER_FRONT, v, 200);
}

int article_from_path(struct http_request *req, struct http_response *res, const char *suffix, struct db_article *art)
{
	const char *ed = route_edition(req);
	char year[8], month[8], day[8], slug[512];
	if (!ed || route_param(&req->route, "year", year, sizeof year) < 0 ||
	    route_param(&req->route, "month", month, sizeof month) < 0 ||
	    route_param(&req->route, "day", day, sizeof day) < 0 || !util_all_digits(year, 4) || !util_all_digits(month, 2) ||
	    !util_all_digits(day, 2))
		return 404;
	if (route_param(&req->route, "slug", slug, sizeof slug) < 0)
		return 404;
	struct db *db = req->app->db;
	struct arena *a = req->arena;
	int rc = db_article_get(db, a, ed, slug, art);
	if (rc == DB_NOTFOUND) {
		/* a slug the newsroom changed: the old address keeps working */
		rc = db_article_by_old_slug(db, a, ed, slug, art);
		if (rc == DB_OK) {
			http_set_header(res, "Location", arena_printf(a, "%s%s", render_article_href(a, art), suffix));
			return 301;
		}
		if (rc == DB_ERROR)
			return 500;
		res->error_message = NULL;
		return 404;
	}
	if (rc != DB_OK)
		return 500;
	int y, m, d;
	datefmt_ymd(art->published_at, &y, &m, &d);
	if (atoi(year) != y || atoi(month) != m || atoi(day) != d) {
		/* right slug, wrong date in the address: send the reader to the canonical one */
		http_set_header(res, "Location", arena_printf(a, "%s%s", render_article_href(a, art), suffix));
		return 301;
	}
	return 0;
}

/* WEBPAGE: GET /{edition}/{year}/{month}/{day}/{slug}
 * Parameters: edition, year (4 digits), month, day (2 digits), slug (in the path); reply (the comment
 *   replied to), comment (held or published: the notice after sending one); before (a live blog's older
 *   updates: those numbered below it)
 * Permission: anyone (public, cached; a visitor with a pending comment is served uncached)
 * A published article with its comments and the comment form (a live blog: its coverage too, live.h); an
 *   old slug redirects (301) to the current address; 404 for anything not published. */
int article_page(struct http_request *req, struct http_response *res)
{
	struct db_article art;
	int rc = article_from_path(req, res, "", &art);
	return rc ? rc : article_render(req, res, &art, NULL);
}


/* article_meta: the article page's head: canonical address, Open Graph and Twitter tags, hreflang
 * alternates with its translation, and the NewsArticle JSON-LD (LiveBlogPosting with live's updates when
 * live is not NULL). */
static void article_meta(struct http_request *req, struct view *v, const struct db_article *art,
			 const struct db_author *authors, size_t nauthors, const struct db_tag *tags, size_t ntags,
			 const struct db_correction *cs, size_t nc, const struct db_article *tr,
			 const struct jsonld_live *live)
{
	struct arena *a = req->arena;
	const char *url = absolute(req, render_article_href(a, art));
	view_text(v, "canonical", url);
	view_text(v, "og_type", "article");
	view_text(v, "og_title", art->headline);
	view_text(v, "og_description", art->standfirst);
	/* the 1200x630 crop around the focal point when there is one, else the reader's image */
	int sw = 0, sh = 0;
	const char *social = render_image_social(a, req->app->media_dir, art, &sw, &sh);
	const char *src = social ? arena_printf(a, "/media/%s", social) : render_image_src(a, art);
	const char *image = src ? absolute(req, src) : NULL;
	if (image) {
		view_text(v, "og_image", image);
		view_text(v, "og_image_alt", art->image_alt);
	}
	if (social) {
		view_bool(v, "has_og_size", 1);
		view_text(v, "og_image_w", arena_printf(a, "%d", sw));
		view_text(v, "og_image_h", arena_printf(a, "%d", sh));
	}
	const char *published = render_iso(a, art->published_at);
	const char *modified = render_iso(a, art->updated_at > art->published_at ? art->updated_at : art->published_at);
	view_bool(v, "is_article_meta", 1);
	view_text(v, "meta_published", published);
	view_text(v, "meta_modified", modified);
	view_text(v, "meta_section", art->section_name);
	if (tr) {
		const char *other = absolute(req, render_article_href(a, tr));
		render_alternate(v, art->edition, url);
		render_alternate(v, tr->edition, other);
		render_alternate(v, "x-default", strcmp(art->edition, "en") == 0 ? url : other);
	}
	struct jsonld_person *people = arena_alloc(a, (nauthors ? nauthors : 1) * sizeof *people);
	for (size_t i = 0; i < nauthors; i++) {
		people[i].name = authors[i].name;
		people[i].url = absolute(req, render_href(a, art->edition, "author", authors[i].slug));
	}
	const char **keywords = arena_alloc(a, (ntags ? ntags : 1) * sizeof *keywords);
	for (size_t i = 0; i < ntags; i++)
		keywords[i] = tags[i].name;
	struct jsonld_correction *fixes = arena_alloc(a, (nc ? nc : 1) * sizeof *fixes);
	for (size_t i = 0; i < nc; i++) {
		fixes[i].text = cs[i].body;
		fixes[i].date = render_iso(a, cs[i].created_at);
	}
	const char *site_name = render_site_name(req, art->edition);
	struct jsonld_article in = {.headline = art->headline, .description = art->standfirst, .url = url,
				    .date_published = published, .date_modified = modified, .authors = people,
				    .nauthors = nauthors, .publisher = site_name,
				    .site_url = absolute(req, strcmp(art->edition, "ar") == 0 ? "/ar/" : "/en/"),
				    .logo_url = render_logo_url(req), .image_url = image,
				    .image_width = sw, .image_height = sh,
				    .language = art->edition, .section = art->section_name, .keywords = keywords,
				    .nkeywords = ntags, .corrections = fixes, .ncorrections = nc};
	struct blocks_gallery *gs;
	size_t ng = art->body_md ? render_body_galleries(req->app->db, a, art->body_md, &gs) : 0;
	struct jsonld_gallery *jg = arena_alloc(a, (ng ? ng : 1) * sizeof *jg);
	for (size_t i = 0; i < ng; i++) {
		struct jsonld_image *imgs = arena_alloc(a, gs[i].nimages * sizeof *imgs);
		for (size_t k = 0; k < gs[i].nimages; k++)
			imgs[k] = (struct jsonld_image){.url = absolute(req, gs[i].images[k].src), .caption = gs[i].images[k].caption,
							.credit = gs[i].images[k].credit, .alt = gs[i].images[k].alt};
		jg[i] = (struct jsonld_gallery){.name = gs[i].title, .images = imgs, .nimages = gs[i].nimages};
	}
	in.galleries = jg;
	in.ngalleries = ng;
	json_t *doc = jsonld_news_article(&in);
	render_jsonld(v, jsonld_script_text(a, live ? jsonld_live_blog(doc, live) : doc)); /* a live blog's (live.h) */
}

/* related_fill: the related stories the editor chose for art (published, this edition, in order), each
 * page a dependency of this one (its headline and image show here); none chosen: the section's latest
 * three. 0, or -1 on a store error. */
static int related_fill(struct http_request *req, struct view *v, const struct db_article *art)
{
	struct db *db = req->app->db;
	struct db_article *rel;
	size_t nrel;
	if (db_related_published(db, req->arena, art, &rel, &nrel) != DB_OK)
		return -1;
	for (size_t i = 0; i < nrel; i++)
		cache_depend(req, cache_key_article(rel[i].id));
	struct db_article_query rq = {.edition = art->edition, .section_id = art->section_id, .exclude_id = art->id,
				      .limit = 3};
	if (nrel == 0 && db_articles_list(db, req->arena, &rq, &rel, &nrel) != DB_OK)
		return -1;
	view_bool(v, "has_related", nrel > 0);
	view_list_empty(v, "related");
	for (size_t i = 0; i < nrel; i++)
		render_story(req, view_add(v, "related"), &rel[i]);
	return 0;
}

int article_render(struct http_request *req, struct http_response *res, const struct db_article *artp,
		   const struct comment_form *cf)
{
	struct db *db = req->app->db;
	struct arena *a = req->arena;
	struct db_article art = *artp;
	const char *ed = art.edition;
	int rc;
	res->view_article_id = art.id;
	cache_depend(req, cache_key_article(art.id));
	cache_depend(req, cache_key_comments(art.id));
	cache_depend(req, cache_key_section(art.section_id)); /* the related stories */
	struct view *v = render_frame(req, RENDER_ARTICLE, ed, art.headline, art.section_slug);
	view_text(v, "headline", art.headline);
	view_text(v, "standfirst", art.standfirst);
	/* rendered from the stored text on each (uncached) view, so a typed block's image deleted from the
	 * library since the save is left out; the page may frame exactly the embeds it shows */
	view_html(v, "body", art.body_md ? render_body_html(db, a, art.body_md, ed) : art.body_html);
	if (art.body_md)
		http_allow_frames(res, a, blocks_frame_hosts(a, art.body_md, strlen(art.body_md)));
	view_text(v, "dateline", art.dateline);
	view_text(v, "published_stamp", render_stamp(a, art.published_at, ed));
	view_text(v, "published_iso", render_iso(a, art.published_at));
	int updated = art.updated_at > art.published_at + 60;
	view_bool(v, "updated", updated);
	view_text(v, "updated_stamp", updated ? render_stamp(a, art.updated_at, ed) : "");
	view_text(v, "updated_iso", updated ? render_iso(a, art.updated_at) : "");
	view_text(v, "section_name", art.section_name);
	view_text(v, "section_href", render_href(a, ed, "section", art.section_slug));

	struct db_author *authors;
	size_t nauthors;
	if (db_article_authors(db, a, art.id, &authors, &nauthors) != DB_OK)
		return 500;
	view_bool(v, "has_authors", nauthors > 0);
	view_list_empty(v, "authors");
	for (size_t i = 0; i < nauthors; i++) {
		struct view *item = view_add(v, "authors");
		view_text(item, "name", authors[i].name);
		view_text(item, "href", render_href(a, ed, "author", authors[i].slug));
	}
	struct db_tag *tags;
	size_t ntags;
	if (db_article_tags(db, a, art.id, &tags, &ntags) != DB_OK)
		return 500;
	view_bool(v, "has_tags", ntags > 0);
	view_list_empty(v, "tags");
	for (size_t i = 0; i < ntags; i++) {
		struct view *item = view_add(v, "tags");
		view_text(item, "name", tags[i].name);
		view_text(item, "href", render_href(a, ed, "tag", tags[i].slug));
	}
	render_image(a, v, &art);
	view_text(v, "caption", art.lead_caption);
	view_text(v, "credit", art.lead_credit);

	if (related_fill(req, v, &art) < 0)
		return 500;

	struct db_article tr;
	rc = db_article_translation(db, a, &art, &tr);
	if (rc == DB_ERROR)
		return 500;
	int has_translation = rc == DB_OK;
	if (has_translation)
		cache_depend(req, cache_key_article(tr.id));
	view_bool(v, "translation", has_translation);
	if (has_translation) /* the masthead's language switch goes to this story in the other language */
		view_text(v, "other_href", render_article_href(a, &tr));
	view_text(v, "translation_href", rc == DB_OK ? render_article_href(a, &tr) : "");
	view_text(v, "translation_headline", rc == DB_OK ? tr.headline : "");
	struct db_correction *cs;
	size_t nc;
	if (db_corrections_list(db, a, art.id, &cs, &nc) != DB_OK)
		return 500;
	view_bool(v, "has_corrections", nc > 0);
	view_list_empty(v, "corrections");
	for (size_t i = 0; i < nc; i++) {
		struct view *c = view_add(v, "corrections");
		view_text(c, "stamp", render_stamp(a, cs[i].created_at, ed));
		view_text(c, "iso", render_iso(a, cs[i].created_at));
		view_text(c, "body", cs[i].body);
	}
	struct jsonld_live *live;
	if ((rc = liveblog_fill(req, res, v, &art, &live)) != 0)
		return rc;
	article_meta(req, v, &art, authors, nauthors, tags, ntags, cs, nc, has_translation ? &tr : NULL, live);
	if (live)
		live_feed_links(req, v, &art); /* the entries' RSS and Atom (page_live_feed.c) */
	if (comments_fill(req, v, &art, cf) < 0 || render_most_read(req, v, ed) < 0)
		return 500;
	rc = render_reply(req, res, RENDER_ARTICLE, v, 200);
	return rc == 200 && cf && cf->status ? cf->status : rc;
}

/* list_page: the shared body of the section, tag and author pages. q carries the filter. */
static int list_page(struct http_request *req, struct http_response *res, const char *ed, struct db_article_query *q,
		     const char *kind_label, const char *heading, const char *intro, const char *current_section,
		     const char *base_href)
{
	struct arena *a = req->arena;
	int64_t page = page_number(req);
	if (page == 0) {
		res->error_message = "Page numbers are whole numbers from 1 up, such as ?page=2.";
		return 400;
	}
	int64_t total = 0;
	if (db_articles_count(req->app->db, q, &total) != DB_OK)
		return 500;
	int64_t pages = total == 0 ? 1 : (total + LIST_PAGE_SIZE - 1) / LIST_PAGE_SIZE;
	if (page > pages) {
		res->error_message = "There is no page with that number in this list.";
		return 404;
	}
	q->offset = (page - 1) * LIST_PAGE_SIZE;
	q->limit = LIST_PAGE_SIZE;
	struct db_article *arts;
	size_t n;
	if (db_articles_list(req->app->db, a, q, &arts, &n) != DB_OK)
		return 500;
	const char *title = page > 1 ? arena_printf(a, "%s (%lld)", heading, (long long)page) : heading;
	struct view *v = render_frame(req, RENDER_LIST, ed, title, current_section);
	const char *canonical = absolute(req, page > 1 ? arena_printf(a, "%s?page=%lld", base_href, (long long)page) : base_href);
	view_text(v, "canonical", canonical);
	render_jsonld(v, jsonld_script_text(a, jsonld_collection(title, canonical, ed, render_site_name(req, ed),
								 absolute(req, strcmp(ed, "ar") == 0 ? "/ar/" : "/en/"))));
	/* the list's own feeds live under its address: /en/section/world/rss.xml */
	render_feed_links(req, v, render_feed_title(req, ed, heading), base_href);
	view_text(v, "kind", kind_label);
	view_text(v, "heading", heading);
	view_text(v, "intro", intro);
	view_list_empty(v, "stories");
	for (size_t i = 0; i < n; i++)
		render_story(req, view_add(v, "stories"), &arts[i]);
	view_bool(v, "pagination", pages > 1);
	view_bool(v, "has_prev", page > 1);
	view_text(v, "prev_href", page > 2 ? arena_printf(a, "%s?page=%lld", base_href, (long long)(page - 1)) : base_href);
	view_bool(v, "has_next", page < pages);
	view_text(v, "next_href", arena_printf(a, "%s?page=%lld", base_href, (long long)(page + 1)));
	view_text(v, "page_label", arena_printf(a, "%lld / %lld", (long long)page, (long long)pages));
	return render_reply(req, res, RENDER_LIST, v, 200);
}

/* The kinds of named list: a section's, a tag's, an author's articles. */
enum list_kind { LIST_SECTION, LIST_TAG, LIST_AUTHOR };

/* list_of: the section, tag or author page: looks up the path's {slug} in its {edition}, notes the cache
 * dependency on that list, and lists the published articles (list_page). Returns the status: 404 for an unknown
 * edition or slug, 500 on a store error. */
static int list_of(struct http_request *req, struct http_response *res, enum list_kind kind)
{
	const char *ed = route_edition(req);
	char slug[256];
	if (!ed || route_param(&req->route, "slug", slug, sizeof slug) < 0)
		return 404;
	struct db *db = req->app->db;
	struct arena *a = req->arena;
	int ar = strcmp(ed, "ar") == 0, rc;
	struct db_article_query q = {.edition = ed};
	const char *label, *name, *bio = "", *current = NULL, *path, *found;
	if (kind == LIST_SECTION) {
		struct db_section s;
		if ((rc = db_section_get(db, a, ed, slug, &s)) != DB_OK)
			return rc == DB_NOTFOUND ? 404 : 500;
		q.section_id = s.id;
		cache_depend(req, cache_key_section(s.id));
		label = ar ? "القسم" : "Section", name = s.name, current = s.slug, path = "section", found = s.slug;
	} else if (kind == LIST_TAG) {
		struct db_tag t;
		if ((rc = db_tag_get(db, a, ed, slug, &t)) != DB_OK)
			return rc == DB_NOTFOUND ? 404 : 500;
		q.tag_id = t.id;
		cache_depend(req, cache_key_tag(t.id));
		label = ar ? "الوسم" : "Tag", name = t.name, path = "tag", found = t.slug;
	} else {
		struct db_author au;
		if ((rc = db_author_get(db, a, ed, slug, &au)) != DB_OK)
			return rc == DB_NOTFOUND ? 404 : 500;
		q.author_id = au.id;
		cache_depend(req, cache_key_author(au.id));
		label = ar ? "الكاتب" : "Author", name = au.name, bio = au.bio, path = "author", found = au.slug;
	}
	return list_page(req, res, ed, &q, label, name, bio, current, render_href(a, ed, path, found));
}

/* WEBPAGE: GET /{edition}/section/{slug}
 * Parameters: edition, slug (in the path); page (1 up)
 * Permission: anyone (public, cached)
 * A section's published articles, newest first, a page at a time; 404 for an unknown section. */
int section_page(struct http_request *req, struct http_response *res)
{
	return list_of(req, res, LIST_SECTION);
}

/* WEBPAGE: GET /{edition}/tag/{slug}
 * Parameters: edition, slug (in the path); page (1 up)
 * Permission: anyone (public, cached)
 * A tag's published articles, newest first, a page at a time; 404 for an unknown tag. */
int tag_page(struct http_request *req, struct http_response *res)
{
	return list_of(req, res, LIST_TAG);
}

/* WEBPAGE: GET /{edition}/author/{slug}
 * Parameters: edition, slug (in the path); page (1 up)
 * Permission: anyone (public, cached)
 * An author's biography and published articles, newest first; 404 for an unknown author. */
int author_page(struct http_request *req, struct http_response *res)
{
	return list_of(req, res, LIST_AUTHOR);
}
