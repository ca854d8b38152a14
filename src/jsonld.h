/* jsonld.h - schema.org structured data (JSON-LD) for the reader pages' heads: NewsArticle for
 * articles (LiveBlogPosting for live blogs), WebSite for front pages, CollectionPage for section, tag and author pages. Documents are
 * jansson values; jsonld_script_text turns one into text that is safe inside <script type=
 * "application/ld+json">. */
#ifndef BROADSHEET_JSONLD_H
#define BROADSHEET_JSONLD_H
#include <jansson.h>
#include <stddef.h>

#include "arena.h"

struct jsonld_person {
	const char *name, *url; /* url may be NULL */
};

struct jsonld_correction {
	const char *text, *date; /* date: RFC 3339 */
};

/* a gallery of the article (ImageGallery): image URLs absolute */
struct jsonld_image {
	const char *url, *caption, *credit, *alt;
};
struct jsonld_gallery {
	const char *name;
	const struct jsonld_image *images;
	size_t nimages;
};

/* Everything a NewsArticle says; strings may be NULL or "" (then left out), URLs absolute. */
struct jsonld_article {
	const char *headline, *description, *url;
	const char *date_published, *date_modified; /* RFC 3339 */
	const struct jsonld_person *authors;
	size_t nauthors;
	const char *publisher, *site_url, *logo_url;
	const char *image_url;
	int image_width, image_height; /* > 0: image is an ImageObject with its size, else a list of the URL */
	const char *language, *section;
	const char *const *keywords;
	size_t nkeywords;
	const struct jsonld_correction *corrections;
	size_t ncorrections;
	const struct jsonld_gallery *galleries; /* its galleries, as hasPart ImageGallery entries */
	size_t ngalleries;
};

/* jsonld_news_article: a NewsArticle document (caller owns the reference). Never NULL. */
json_t *jsonld_news_article(const struct jsonld_article *in);
/* A live blog's coverage (issue 21): its times and the entries a page shows, each a liveBlogUpdate. */
struct jsonld_live_update {
	const char *headline, *url;                 /* url: the entry's anchor on the live page */
	const char *date_published, *date_modified; /* RFC 3339 */
	const char *body, *author;                  /* plain text; author may be "" */
};
struct jsonld_live {
	const char *coverage_start, *coverage_end; /* RFC 3339; coverage_end NULL or "" while ongoing */
	const char *date_modified;                 /* the coverage's last change: replaces dateModified when set */
	const struct jsonld_live_update *updates;
	size_t nupdates;
};
/* jsonld_live_blog: turns article (a NewsArticle from jsonld_news_article) into Google's LiveBlogPosting:
 * the type, coverageStartTime, coverageEndTime once ended, and each update as a BlogPosting in
 * liveBlogUpdate carrying the article's publisher and image. Takes and returns article's reference
 * (NULL in gives NULL out). */
json_t *jsonld_live_blog(json_t *article, const struct jsonld_live *live);
/* jsonld_website: a WebSite document with the publisher and, when search_url is given (a URL template
 * containing {search_term_string}), a SearchAction (caller owns the reference). */
json_t *jsonld_website(const char *name, const char *url, const char *language, const char *logo_url,
		       const char *search_url);
/* jsonld_collection: a CollectionPage that is part of the site (caller owns the reference). */
json_t *jsonld_collection(const char *name, const char *url, const char *language, const char *site_name,
			  const char *site_url);

/* jsonld_script_text: doc as compact JSON with '<', '>' and '&' written as \u escapes, copied into the
 * arena; takes doc's reference (NULL in gives NULL out; NULL also when dumping fails). */
const char *jsonld_script_text(struct arena *a, json_t *doc);

#endif
