/* feed.c - RSS 2.0 and Atom 1.0 writers (see feed.h). Markup comes from string literals; every value
 * goes through buf_xml (BUF_XML_IN). */
#include "feed.h"

#include <string.h>

#include "datefmt.h"
#include "escape.h"

/* TEXT_EL: <name>value</name> and a newline; name must be a string literal. */
#define TEXT_EL(b, name, value) BUF_XML_IN(b, "<" name ">", value, "</" name ">\n")

/* DATE_EL: <name>t written by fmt (datefmt_http or datefmt_iso)</name> and a newline; name is a literal. */
#define DATE_EL(b, name, fmt, t)                                                                              \
	do {                                                                                                  \
		buf_lit(b, "<" name ">");                                                                     \
		fmt(b, t);                                                                                    \
		buf_lit(b, "</" name ">\n");                                                                  \
	} while (0)

/* later: the item's last significant change (its update, or its publication when later). */
static int64_t later(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* rss_image: the <enclosure> and <media:content> of an item's image. */
static void rss_image(struct buf *b, const struct feed_item *it)
{
	BUF_XML_IN(b, "<enclosure url=\"", it->image_url, "");
	buf_printf(b, "\" length=\"%lld\" type=\"", (long long)it->image_length);
	BUF_XML_IN(b, "", it->image_type, "\"/>\n<media:content url=\"");
	BUF_XML_IN(b, "", it->image_url, "\" type=\"");
	BUF_XML_IN(b, "", it->image_type, "\" medium=\"image\"");
	if (it->image_length > 0)
		buf_printf(b, " fileSize=\"%lld\"", (long long)it->image_length);
	if (it->image_width > 0 && it->image_height > 0)
		buf_printf(b, " width=\"%d\" height=\"%d\"", it->image_width, it->image_height);
	buf_lit(b, ">\n");
	if (it->image_alt && *it->image_alt)
		BUF_XML_IN(b, "<media:description type=\"plain\">", it->image_alt, "</media:description>\n");
	if (it->image_credit && *it->image_credit)
		TEXT_EL(b, "media:credit", it->image_credit);
	buf_lit(b, "</media:content>\n");
}

/* rss_item: one <item>. */
static void rss_item(struct buf *b, const struct feed_item *it)
{
	buf_lit(b, "<item>\n");
	TEXT_EL(b, "title", it->title);
	TEXT_EL(b, "link", it->link);
	BUF_XML_IN(b, "<guid isPermaLink=\"false\">", it->guid, "</guid>\n");
	DATE_EL(b, "pubDate", datefmt_http, it->published);
	for (size_t i = 0; i < it->nauthors; i++)
		TEXT_EL(b, "dc:creator", it->authors[i].name);
	for (size_t i = 0; i < it->ncategories; i++) {
		buf_lit(b, "<category");
		if (it->categories[i].scheme)
			BUF_XML_IN(b, " domain=\"", it->categories[i].scheme, "\"");
		BUF_XML_IN(b, ">", it->categories[i].term, "</category>\n");
	}
	if (it->summary && *it->summary)
		TEXT_EL(b, "description", it->summary);
	TEXT_EL(b, "content:encoded", it->content_html);
	if (it->image_url)
		rss_image(b, it);
	buf_lit(b, "</item>\n");
}

/* rss_head: an RSS 2.0 document up to its first <item>. */
static void rss_head(struct buf *b, const struct feed *f)
{
	BUF_XML_IN(b,
		   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" "
		   "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
		   "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:media=\"http://search.yahoo.com/mrss/\" xml:lang=\"",
		   f->lang, "\">\n<channel>\n");
	TEXT_EL(b, "title", f->title);
	TEXT_EL(b, "link", f->link);
	TEXT_EL(b, "description", f->description);
	TEXT_EL(b, "language", f->lang);
	DATE_EL(b, "lastBuildDate", datefmt_http, f->updated);
	BUF_XML_IN(b, "<generator>Broadsheet ", f->generator_version, "</generator>\n");
	BUF_XML_IN(b, "<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"", f->self, "\"/>\n");
}

/* ATOM_LINK: <link rel=REL type=TYPE href=HREF/>; rel and type are literals. */
#define ATOM_LINK(b, rel, type, href) BUF_XML_IN(b, "<link rel=\"" rel "\" type=\"" type "\" href=\"", href, "\"/>\n")

/* atom_entry: one <entry>. */
static void atom_entry(struct buf *b, const struct feed_item *it)
{
	buf_lit(b, "<entry>\n");
	TEXT_EL(b, "id", it->guid);
	BUF_XML_IN(b, "<title type=\"text\">", it->title, "</title>\n");
	ATOM_LINK(b, "alternate", "text/html", it->link);
	DATE_EL(b, "published", datefmt_iso, it->published);
	DATE_EL(b, "updated", datefmt_iso, later(it->published, it->updated));
	for (size_t i = 0; i < it->nauthors; i++) {
		BUF_XML_IN(b, "<author><name>", it->authors[i].name, "</name>\n");
		if (it->authors[i].uri)
			TEXT_EL(b, "uri", it->authors[i].uri);
		buf_lit(b, "</author>\n");
	}
	for (size_t i = 0; i < it->ncategories; i++) {
		BUF_XML_IN(b, "<category term=\"", it->categories[i].term, "");
		if (it->categories[i].scheme)
			BUF_XML_IN(b, "\" scheme=\"", it->categories[i].scheme, "");
		buf_lit(b, "\"/>\n");
	}
	if (it->summary && *it->summary)
		BUF_XML_IN(b, "<summary type=\"text\">", it->summary, "</summary>\n");
	BUF_XML_IN(b, "<content type=\"html\">", it->content_html, "</content>\n");
	if (it->image_url) {
		BUF_XML_IN(b, "<link rel=\"enclosure\" type=\"", it->image_type, "\"");
		if (it->image_length > 0)
			buf_printf(b, " length=\"%lld\"", (long long)it->image_length);
		if (it->image_alt && *it->image_alt)
			BUF_XML_IN(b, " title=\"", it->image_alt, "\"");
		BUF_XML_IN(b, " href=\"", it->image_url, "\"/>\n");
	}
	buf_lit(b, "</entry>\n");
}

/* atom_head: an Atom 1.0 document up to its first <entry>. */
static void atom_head(struct buf *b, const struct feed *f)
{
	BUF_XML_IN(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"",
		   f->lang, "\"");
	if (f->base)
		BUF_XML_IN(b, " xml:base=\"", f->base, "\"");
	buf_lit(b, ">\n");
	TEXT_EL(b, "id", f->id);
	BUF_XML_IN(b, "<title type=\"text\">", f->title, "</title>\n");
	BUF_XML_IN(b, "<subtitle type=\"text\">", f->description, "</subtitle>\n");
	ATOM_LINK(b, "alternate", "text/html", f->link);
	ATOM_LINK(b, "self", "application/atom+xml", f->self);
	DATE_EL(b, "updated", datefmt_iso, f->updated);
	BUF_XML_IN(b, "<author><name>", f->author, "</name>\n</author>\n");
	BUF_XML_IN(b, "<generator version=\"", f->generator_version, "\">Broadsheet</generator>\n");
}

void feed_render(struct buf *b, enum feed_format fmt, const struct feed *f)
{
	int atom = fmt == FEED_ATOM;
	(atom ? atom_head : rss_head)(b, f);
	for (size_t i = 0; i < f->nitems; i++)
		(atom ? atom_entry : rss_item)(b, &f->items[i]);
	if (atom)
		buf_lit(b, "</feed>\n");
	else
		buf_lit(b, "</channel>\n</rss>\n");
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
