/* feed.h - RSS 2.0 and Atom 1.0 documents. Pure: the caller gathers the values (absolute URLs, names,
 * times) into a struct feed; feed_render writes the XML, every value through buf_xml. Article bodies go
 * in as escaped text (<content:encoded>, Atom <content type="html">), never as raw markup. */
#ifndef BROADSHEET_FEED_H
#define BROADSHEET_FEED_H
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"

#define FEED_ITEMS 30 /* articles in every feed: the latest published */

enum feed_format { FEED_RSS, FEED_ATOM };

struct feed_person {
	const char *name;
	const char *uri; /* absolute URL of their page, or NULL */
};

struct feed_category {
	const char *term;   /* the name readers see: "World", "Climate" */
	const char *scheme; /* absolute URL naming the vocabulary ("https://site/en/tag/"), or NULL */
};

struct feed_item {
	const char *guid;         /* permanent: survives slug and headline changes (see feed_guid) */
	const char *title, *link; /* link: absolute URL of the article */
	const char *summary;      /* plain text (the standfirst); "" = none */
	const char *content_html; /* the article body, HTML */
	int64_t published, updated;
	const struct feed_person *authors;
	size_t nauthors;
	const struct feed_category *categories;
	size_t ncategories;
	/* the lead image; image_url NULL when there is none */
	const char *image_url, *image_type, *image_alt, *image_credit;
	int64_t image_length; /* bytes, 0 when unknown */
	int image_width, image_height;
};

struct feed {
	const char *id;                  /* Atom feed id: a permanent IRI */
	const char *title, *description; /* plain text */
	const char *lang;                /* "en", "ar" */
	const char *link;                /* absolute URL of the HTML page the feed follows */
	const char *self;                /* absolute URL of this feed */
	const char *base;                /* absolute URL the article bodies' relative links resolve against */
	const char *author;              /* the publisher, for Atom entries without a byline */
	const char *generator_version;
	int64_t updated; /* lastBuildDate / Atom updated */
	const struct feed_item *items;
	size_t nitems;
};

/* feed_render: appends the whole document for f in format fmt to b (UTF-8, with the XML declaration).
 * Never fails. */
void feed_render(struct buf *b, enum feed_format fmt, const struct feed *f);

/* feed_content_type: "application/rss+xml; charset=utf-8" or "application/atom+xml; charset=utf-8". */
const char *feed_content_type(enum feed_format fmt);

/* feed_guid: the permanent id of article `id` on the site at base_url, a tag URI (RFC 4151):
 * "tag:news.example.com,2026:article-42", the year being the article's creation year (created_at, UTC).
 * It names neither the slug nor the date of publication, so it survives both changing. The host is
 * base_url's, lower-cased, without port; characters a DNS name cannot hold become '-'. In the arena. */
const char *feed_guid(struct arena *a, const char *base_url, int64_t created_at, int64_t id);

/* feed_image_type: the MIME type of an image file by its extension ("image/jpeg" ...), or
 * "application/octet-stream". Static string. */
const char *feed_image_type(const char *path);

#endif
