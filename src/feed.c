/* feed.c - RSS 2.0 and Atom 1.0 writers (see feed.h). Markup comes from string literals; every value
 * goes through buf_xml. */
#include "feed.h"

#include <string.h>

#include "datefmt.h"
#include "escape.h"

/* xml: appends s (NULL = nothing) escaped for XML text or a quoted attribute value. */
static void xml(struct buf *b, const char *s)
{
	if (s)
		buf_xml(b, s, strlen(s));
}

/* TEXT_EL: <name>value</name> and a newline; name must be a string literal. */
#define TEXT_EL(b, name, value)                                                                               \
	do {                                                                                                  \
		buf_lit(b, "<" name ">");                                                                     \
		xml(b, value);                                                                                \
		buf_lit(b, "</" name ">\n");                                                                  \
	} while (0)

/* later: the item's last significant change (its update, or its publication when later). */
static int64_t later(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* rss_item: one <item>. */
static void rss_item(struct buf *b, const struct feed_item *it)
{
	buf_lit(b, "<item>\n");
	TEXT_EL(b, "title", it->title);
	TEXT_EL(b, "link", it->link);
	buf_lit(b, "<guid isPermaLink=\"false\">");
	xml(b, it->guid);
	buf_lit(b, "</guid>\n<pubDate>");
	datefmt_http(b, it->published);
	buf_lit(b, "</pubDate>\n");
	for (size_t i = 0; i < it->nauthors; i++)
		TEXT_EL(b, "dc:creator", it->authors[i].name);
	for (size_t i = 0; i < it->ncategories; i++) {
		buf_lit(b, "<category");
		if (it->categories[i].scheme) {
			buf_lit(b, " domain=\"");
			xml(b, it->categories[i].scheme);
			buf_lit(b, "\"");
		}
		buf_lit(b, ">");
		xml(b, it->categories[i].term);
		buf_lit(b, "</category>\n");
	}
	if (it->summary && *it->summary)
		TEXT_EL(b, "description", it->summary);
	TEXT_EL(b, "content:encoded", it->content_html);
	if (it->image_url) {
		buf_lit(b, "<enclosure url=\"");
		xml(b, it->image_url);
		buf_printf(b, "\" length=\"%lld\" type=\"", (long long)it->image_length);
		xml(b, it->image_type);
		buf_lit(b, "\"/>\n<media:content url=\"");
		xml(b, it->image_url);
		buf_lit(b, "\" type=\"");
		xml(b, it->image_type);
		buf_lit(b, "\" medium=\"image\"");
		if (it->image_length > 0)
			buf_printf(b, " fileSize=\"%lld\"", (long long)it->image_length);
		if (it->image_width > 0 && it->image_height > 0)
			buf_printf(b, " width=\"%d\" height=\"%d\"", it->image_width, it->image_height);
		buf_lit(b, ">\n");
		if (it->image_alt && *it->image_alt) {
			buf_lit(b, "<media:description type=\"plain\">");
			xml(b, it->image_alt);
			buf_lit(b, "</media:description>\n");
		}
		if (it->image_credit && *it->image_credit)
			TEXT_EL(b, "media:credit", it->image_credit);
		buf_lit(b, "</media:content>\n");
	}
	buf_lit(b, "</item>\n");
}

static void rss(struct buf *b, const struct feed *f)
{
	buf_lit(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" "
		   "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
		   "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:media=\"http://search.yahoo.com/mrss/\" xml:lang=\"");
	xml(b, f->lang);
	buf_lit(b, "\">\n<channel>\n");
	TEXT_EL(b, "title", f->title);
	TEXT_EL(b, "link", f->link);
	TEXT_EL(b, "description", f->description);
	TEXT_EL(b, "language", f->lang);
	buf_lit(b, "<lastBuildDate>");
	datefmt_http(b, f->updated);
	buf_lit(b, "</lastBuildDate>\n<generator>Broadsheet ");
	xml(b, f->generator_version);
	buf_lit(b, "</generator>\n<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"");
	xml(b, f->self);
	buf_lit(b, "\"/>\n");
	for (size_t i = 0; i < f->nitems; i++)
		rss_item(b, &f->items[i]);
	buf_lit(b, "</channel>\n</rss>\n");
}

/* atom_link: <link rel=REL type=TYPE href=HREF/>; rel and type are literals. */
#define ATOM_LINK(b, rel, type, href)                                                                         \
	do {                                                                                                  \
		buf_lit(b, "<link rel=\"" rel "\" type=\"" type "\" href=\"");                                \
		xml(b, href);                                                                                 \
		buf_lit(b, "\"/>\n");                                                                         \
	} while (0)

/* atom_date: <name>RFC 3339</name>; name is a literal. */
#define ATOM_DATE(b, name, t)                                                                                 \
	do {                                                                                                  \
		buf_lit(b, "<" name ">");                                                                     \
		datefmt_iso(b, t);                                                                            \
		buf_lit(b, "</" name ">\n");                                                                  \
	} while (0)

/* atom_entry: one <entry>. */
static void atom_entry(struct buf *b, const struct feed_item *it)
{
	buf_lit(b, "<entry>\n");
	TEXT_EL(b, "id", it->guid);
	buf_lit(b, "<title type=\"text\">");
	xml(b, it->title);
	buf_lit(b, "</title>\n");
	ATOM_LINK(b, "alternate", "text/html", it->link);
	ATOM_DATE(b, "published", it->published);
	ATOM_DATE(b, "updated", later(it->published, it->updated));
	for (size_t i = 0; i < it->nauthors; i++) {
		buf_lit(b, "<author>");
		TEXT_EL(b, "name", it->authors[i].name);
		if (it->authors[i].uri)
			TEXT_EL(b, "uri", it->authors[i].uri);
		buf_lit(b, "</author>\n");
	}
	for (size_t i = 0; i < it->ncategories; i++) {
		buf_lit(b, "<category term=\"");
		xml(b, it->categories[i].term);
		if (it->categories[i].scheme) {
			buf_lit(b, "\" scheme=\"");
			xml(b, it->categories[i].scheme);
		}
		buf_lit(b, "\"/>\n");
	}
	if (it->summary && *it->summary) {
		buf_lit(b, "<summary type=\"text\">");
		xml(b, it->summary);
		buf_lit(b, "</summary>\n");
	}
	buf_lit(b, "<content type=\"html\">");
	xml(b, it->content_html);
	buf_lit(b, "</content>\n");
	if (it->image_url) {
		buf_lit(b, "<link rel=\"enclosure\" type=\"");
		xml(b, it->image_type);
		buf_lit(b, "\"");
		if (it->image_length > 0)
			buf_printf(b, " length=\"%lld\"", (long long)it->image_length);
		if (it->image_alt && *it->image_alt) {
			buf_lit(b, " title=\"");
			xml(b, it->image_alt);
			buf_lit(b, "\"");
		}
		buf_lit(b, " href=\"");
		xml(b, it->image_url);
		buf_lit(b, "\"/>\n");
	}
	buf_lit(b, "</entry>\n");
}

static void atom(struct buf *b, const struct feed *f)
{
	buf_lit(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"");
	xml(b, f->lang);
	buf_lit(b, "\"");
	if (f->base) {
		buf_lit(b, " xml:base=\"");
		xml(b, f->base);
		buf_lit(b, "\"");
	}
	buf_lit(b, ">\n");
	TEXT_EL(b, "id", f->id);
	buf_lit(b, "<title type=\"text\">");
	xml(b, f->title);
	buf_lit(b, "</title>\n<subtitle type=\"text\">");
	xml(b, f->description);
	buf_lit(b, "</subtitle>\n");
	ATOM_LINK(b, "alternate", "text/html", f->link);
	ATOM_LINK(b, "self", "application/atom+xml", f->self);
	ATOM_DATE(b, "updated", f->updated);
	buf_lit(b, "<author>");
	TEXT_EL(b, "name", f->author);
	buf_lit(b, "</author>\n<generator version=\"");
	xml(b, f->generator_version);
	buf_lit(b, "\">Broadsheet</generator>\n");
	for (size_t i = 0; i < f->nitems; i++)
		atom_entry(b, &f->items[i]);
	buf_lit(b, "</feed>\n");
}

void feed_render(struct buf *b, enum feed_format fmt, const struct feed *f)
{
	if (fmt == FEED_ATOM)
		atom(b, f);
	else
		rss(b, f);
}

const char *feed_content_type(enum feed_format fmt)
{
	return fmt == FEED_ATOM ? "application/atom+xml; charset=utf-8" : "application/rss+xml; charset=utf-8";
}

const char *feed_guid(struct arena *a, const char *base_url, int64_t created_at, int64_t id)
{
	const char *h = base_url;
	if (strncmp(h, "https://", 8) == 0)
		h += 8;
	else if (strncmp(h, "http://", 7) == 0)
		h += 7;
	size_t n;
	if (*h == '[') /* an IPv6 literal: keep what is inside the brackets */
		n = strcspn(++h, "]/");
	else
		n = strcspn(h, ":/");
	char host[256];
	if (n >= sizeof host)
		n = sizeof host - 1;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		host[i] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ? c : '-';
	}
	host[n] = '\0';
	int y, m, d;
	datefmt_ymd(created_at, &y, &m, &d);
	return arena_printf(a, "tag:%s,%04d:article-%lld", n ? host : "localhost", y, (long long)id);
}

const char *feed_image_type(const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	static const struct {
		const char *ext, *type;
	} types[] = {{".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".png", "image/png"},
		     {".webp", "image/webp"}, {".svg", "image/svg+xml"},  {".gif", "image/gif"}};
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}
