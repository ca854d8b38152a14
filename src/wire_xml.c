/* wire_xml.c - the XML wire formats (see wire.h): IPTC NewsML-G2 (a newsItem, or a newsMessage's itemSet)
 * and RSS 2.0 / Atom 1.0 feeds, read with libxml2. Safety: network access off; no entity substitution, no
 * DTD loading or attribute defaults; a DOCTYPE stops the parser the moment it is seen (a SAX hook), before
 * its internal subset is read, so no entity is ever declared, let alone expanded (billion laughs, XXE). */
#include "wire_int.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "escape.h"
#include "xmlwalk.h"

#define NS_G2 "http://iptc.org/std/nar/2006-10-01/"
#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC "http://purl.org/dc/elements/1.1/"

/* The parse's state the SAX hook sees. */
struct guard {
	int doctype;
};

/* on_doctype: libxml2's internalSubset callback, called as soon as "<!DOCTYPE name ..." is read and before
 * "[...]": notes it and stops the parser. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	(void)name, (void)ext, (void)sys;
	xmlParserCtxtPtr pc = ctx;
	struct guard *g = pc->_private;
	g->doctype = 1;
	xmlStopParser(pc);
}

/* parse_xml: xml[0..len) as a tree, or NULL with a sentence in err (too large, a DOCTYPE, not well-formed,
 * not UTF-8 nor its declared encoding). The caller xmlFreeDoc()s the tree. */
static xmlDocPtr parse_xml(const char *xml, size_t len, char *err, size_t errlen)
{
	if (len > WIRE_MAX_INPUT) {
		wire_err(err, errlen, "The document is too large (%zu bytes; at most %u).", len, WIRE_MAX_INPUT);
		return NULL;
	}
	xmlParserCtxtPtr pc = xmlNewParserCtxt();
	if (!pc) {
		wire_err(err, errlen, "Out of memory reading the document.");
		return NULL;
	}
	struct guard g = {0};
	pc->_private = &g;
	pc->sax->internalSubset = on_doctype;
	/* never XML_PARSE_NOENT, XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR or XML_PARSE_HUGE; nor XML_PARSE_NOBLANKS,
	 * which drops the space between two inline elements of an XHTML body ("<b>a</b> <i>b</i>") */
	xmlDocPtr doc = xmlCtxtReadMemory(pc, xml, (int)len, NULL, NULL,
					  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (g.doctype || (doc && (doc->intSubset || doc->extSubset))) {
		wire_err(err, errlen, "The document has a DOCTYPE: DTDs and entities are refused.");
		xmlFreeDoc(doc);
		doc = NULL;
	} else if (!doc || !pc->wellFormed) {
		const xmlError *e = xmlCtxtGetLastError(pc);
		char msg[160] = "";
		if (e && e->message)
			snprintf(msg, sizeof msg, "%s", e->message);
		for (char *p = msg; *p; p++) /* one line, printable */
			if ((unsigned char)*p < ' ' || (unsigned char)*p >= 0x7f)
				*p = ' ';
		size_t n = strlen(msg);
		while (n && msg[n - 1] == ' ')
			msg[--n] = '\0';
		wire_err(err, errlen, "The document is not well-formed XML (line %d: %s).", e ? e->line : 0,
			 *msg ? msg : "unreadable");
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(pc);
	return doc;
}

/* is: 1 when n is an element named name in namespace ns (NULL: no namespace). */
static int is(const xmlNode *n, const char *ns, const char *name)
{
	if (!n || n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name) != 0)
		return 0;
	if (!ns)
		return n->ns == NULL;
	return n->ns && n->ns->href && strcmp((const char *)n->ns->href, ns) == 0;
}

/* child: the first child element of n named name in ns, or NULL. */
static const xmlNode *child(const xmlNode *n, const char *ns, const char *name)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is(c, ns, name))
			return c;
	return NULL;
}

/* text: the text content of n in the arena (NULL for NULL). */
static const char *text(struct arena *a, const xmlNode *n)
{
	if (!n)
		return NULL;
	xmlChar *t = xmlNodeGetContent(n);
	const char *r = t ? arena_strdup(a, (const char *)t) : NULL;
	xmlFree(t);
	return r;
}

/* prop: attribute name of n (no namespace) in the arena, or NULL. */
static const char *prop(struct arena *a, const xmlNode *n, const char *name)
{
	if (!n)
		return NULL;
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	const char *r = v ? arena_strdup(a, (const char *)v) : NULL;
	xmlFree(v);
	return r;
}

/* lang_of: n's xml:lang (or its nearest ancestor's), or NULL. */
static const char *lang_of(struct arena *a, const xmlNode *n)
{
	xmlChar *l = n ? xmlNodeGetLang(n) : NULL;
	const char *r = l ? arena_strdup(a, (const char *)l) : NULL;
	xmlFree(l);
	return r;
}

/* children_xml: the markup of n's children, serialized (the body of an XHTML or NITF body, an Atom xhtml
 * div), in the arena. */
static const char *children_xml(struct arena *a, const xmlNode *n)
{
	xmlBufferPtr xb = xmlBufferCreate();
	if (!xb)
		return "";
	for (xmlNode *c = n->children; c; c = c->next)
		xmlNodeDump(xb, n->doc, c, 0, 0);
	const char *r = wire_body(a, (const char *)xmlBufferContent(xb));
	xmlBufferFree(xb);
	return r;
}

/* add_item: room for one more item in *items (arena array of *n with capacity *cap); NULL when
 * WIRE_MAX_ITEMS is reached. */
static struct wire_item *add_item(struct arena *a, struct wire_item **items, size_t *n, size_t *cap)
{
	if (*n >= WIRE_MAX_ITEMS)
		return NULL;
	*items = arena_grow(a, *items, *n, cap, sizeof **items, 8);
	struct wire_item *it = &(*items)[(*n)++];
	wire_item_init(it);
	return it;
}

/* ---- NewsML-G2 ---- */

/* g2_name: the text of a concept's <name> child (the first, or the one in lang), else its @literal, else
 * the code after the scheme in its @qcode. */
static const char *g2_name(struct arena *a, const xmlNode *n)
{
	if (!n)
		return NULL;
	const xmlNode *name = child(n, NS_G2, "name");
	if (name)
		return text(a, name);
	const char *lit = prop(a, n, "literal");
	if (lit)
		return lit;
	const char *q = prop(a, n, "qcode");
	const char *colon = q ? strchr(q, ':') : NULL;
	return colon ? colon + 1 : q;
}

/* g2_subjects: the names of contentMeta's subject elements, comma-separated. */
static const char *g2_subjects(struct arena *a, const xmlNode *cm)
{
	struct buf b = BUF_INIT;
	for (const xmlNode *c = cm ? cm->children : NULL; c; c = c->next) {
		if (!is(c, NS_G2, "subject"))
			continue;
		const char *name = g2_name(a, c);
		wire_subject_add(&b, name);
	}
	const char *r = wire_clean(a, buf_cstr(&b), WIRE_MAX_SUBJECTS);
	buf_free(&b);
	return r;
}

/* g2_body: the item's body from contentSet: an inlineXML's XHTML <body> (or NITF's body.content) children,
 * or an inlineText as paragraphs. */
static const char *g2_body(struct arena *a, const xmlNode *cs)
{
	for (const xmlNode *c = cs ? cs->children : NULL; c; c = c->next) {
		if (is(c, NS_G2, "inlineXML")) {
			const xmlNode *top = c, *cur = c->children;
			while (cur && cur != top) { /* the first body or body.content, any namespace */
				if (cur->type == XML_ELEMENT_NODE &&
				    (!strcmp((const char *)cur->name, "body.content") ||
				     (!strcmp((const char *)cur->name, "body") && !child(cur, NULL, "body.content") &&
				      !(cur->children && cur->children->type == XML_ELEMENT_NODE &&
					!strcmp((const char *)cur->children->name, "body.head")))))
					return children_xml(a, cur);
				if (cur->type == XML_ELEMENT_NODE && cur->children) {
					cur = cur->children;
					continue;
				}
				cur = xmlwalk_after(cur, top);
			}
		} else if (is(c, NS_G2, "inlineText"))
			return wire_text_html(a, text(a, c));
	}
	return "";
}

/* g2_item: one newsItem into it. Returns 1 when it is a text item with a guid, 0 when it is skipped. */
static int g2_item(struct arena *a, const xmlNode *ni, struct wire_item *it)
{
	const xmlNode *im = child(ni, NS_G2, "itemMeta"), *cm = child(ni, NS_G2, "contentMeta");
	const char *cls = prop(a, child(im, NS_G2, "itemClass"), "qcode");
	if (cls && !strstr(cls, "text")) /* pictures, video, graphics: not copy */
		return 0;
	it->guid = wire_clean(a, prop(a, ni, "guid"), WIRE_MAX_GUID);
	if (!*it->guid)
		return 0;
	const char *v = prop(a, ni, "version");
	it->version = 1;
	if (v && *v >= '1' && *v <= '9' && strlen(v) < 16)
		it->version = strtoll(v, NULL, 10);
	it->pubstatus = wire_status(prop(a, child(im, NS_G2, "pubStatus"), "qcode"));
	if (!*it->pubstatus)
		it->pubstatus = "usable"; /* NewsML-G2's default */
	it->first_created = wire_date(text(a, child(im, NS_G2, "firstCreated")));
	it->version_created = wire_date(text(a, child(im, NS_G2, "versionCreated")));
	it->embargoed = wire_date(text(a, child(im, NS_G2, "embargoed")));
	if (!it->first_created)
		it->first_created = wire_date(text(a, child(cm, NS_G2, "contentCreated")));
	it->headline = wire_clean(a, text(a, child(cm, NS_G2, "headline")), WIRE_MAX_HEADLINE);
	const char *by = text(a, child(cm, NS_G2, "by"));
	if (!by)
		by = g2_name(a, child(cm, NS_G2, "creator"));
	it->byline = wire_clean(a, by, WIRE_MAX_BYLINE);
	it->located = wire_clean(a, g2_name(a, child(cm, NS_G2, "located")), WIRE_MAX_SHORT);
	const char *lang = prop(a, child(cm, NS_G2, "language"), "tag");
	it->lang = wire_lang(a, lang ? lang : lang_of(a, ni));
	it->subjects = g2_subjects(a, cm);
	const char *credit = text(a, child(cm, NS_G2, "creditline"));
	if (!credit)
		credit = g2_name(a, child(im, NS_G2, "provider"));
	if (!credit)
		credit = g2_name(a, child(child(ni, NS_G2, "rightsInfo"), NS_G2, "copyrightHolder"));
	it->credit = wire_clean(a, credit, WIRE_MAX_SHORT);
	const char *u = text(a, child(cm, NS_G2, "urgency"));
	it->urgency = u && u[0] >= '1' && u[0] <= '9' && !u[1] ? u[0] - '0' : 0;
	for (const xmlNode *c = cm ? cm->children : NULL; c && !*it->summary; c = c->next)
		if (is(c, NS_G2, "description"))
			it->summary = wire_clean(a, text(a, c), WIRE_MAX_SUMMARY);
	it->body_html = g2_body(a, child(ni, NS_G2, "contentSet"));
	return 1;
}

/* wire_parse_newsml: see wire.h. */
int wire_parse_newsml(struct arena *a, const char *xml, size_t len, struct wire_item **items, size_t *n,
		      size_t *skipped, char *err, size_t errlen)
{
	*items = NULL;
	*n = *skipped = 0;
	xmlDocPtr doc = parse_xml(xml, len, err, errlen);
	if (!doc)
		return -1;
	const xmlNode *root = xmlDocGetRootElement(doc), *set = NULL;
	if (is(root, NS_G2, "newsMessage"))
		set = child(root, NS_G2, "itemSet");
	else if (!is(root, NS_G2, "newsItem")) {
		xmlFreeDoc(doc);
		return wire_err(err, errlen, "The document is not NewsML-G2 (no newsItem or newsMessage in %s).", NS_G2);
	}
	size_t cap = 0;
	const xmlNode *first = set ? set->children : root;
	for (const xmlNode *c = first; c; c = set ? c->next : NULL) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!is(c, NS_G2, "newsItem")) { /* packageItem, conceptItem ... */
			(*skipped)++;
			continue;
		}
		struct wire_item tmp;
		wire_item_init(&tmp);
		if (!g2_item(a, c, &tmp)) {
			(*skipped)++;
			continue;
		}
		struct wire_item *it = add_item(a, items, n, &cap);
		if (!it)
			break;
		*it = tmp;
	}
	xmlFreeDoc(doc);
	return 0;
}

/* ---- RSS 2.0 and Atom 1.0 ---- */

/* rss_item: one RSS <item> into it (lang and credit from the channel). Returns 1, or 0 without an id. */
static int rss_item(struct arena *a, const xmlNode *item, const char *lang, const char *credit, struct wire_item *it)
{
	const char *guid = text(a, child(item, NULL, "guid")), *link = text(a, child(item, NULL, "link"));
	it->guid = wire_clean(a, guid && *guid ? guid : link, WIRE_MAX_GUID);
	if (!*it->guid)
		return 0;
	it->version = 1;
	it->link = wire_link(a, link);
	if (!*it->link && guid)
		it->link = wire_link(a, guid);
	it->headline = wire_html_text(a, text(a, child(item, NULL, "title")), WIRE_MAX_HEADLINE);
	const char *desc = text(a, child(item, NULL, "description"));
	const char *content = text(a, child(item, NS_CONTENT, "encoded"));
	it->summary = wire_html_text(a, desc, WIRE_MAX_SUMMARY);
	it->body_html = wire_body(a, content && *content ? content : desc);
	const char *by = text(a, child(item, NS_DC, "creator"));
	it->byline = wire_clean(a, by ? by : text(a, child(item, NULL, "author")), WIRE_MAX_BYLINE);
	it->first_created = it->version_created = wire_date(text(a, child(item, NULL, "pubDate")));
	if (!it->first_created)
		it->first_created = it->version_created = wire_date(text(a, child(item, NS_DC, "date")));
	struct buf b = BUF_INIT;
	for (const xmlNode *c = item->children; c; c = c->next)
		if (is(c, NULL, "category") || is(c, NS_DC, "subject")) {
			const char *t = wire_clean(a, text(a, c), WIRE_MAX_SHORT);
			if (*t && b.len < WIRE_MAX_SUBJECTS * 4) {
				if (b.len)
					buf_lit(&b, ", ");
				buf_append(&b, t, strlen(t));
			}
		}
	it->subjects = wire_clean(a, buf_cstr(&b), WIRE_MAX_SUBJECTS);
	buf_free(&b);
	const char *il = text(a, child(item, NS_DC, "language"));
	it->lang = wire_lang(a, il ? il : lang);
	it->credit = credit;
	it->pubstatus = "usable";
	return 1;
}

/* atom_text: an Atom text construct (title, summary, content) as plain text (type text, html or xhtml). */
static const char *atom_text(struct arena *a, const xmlNode *n, size_t max)
{
	if (!n)
		return "";
	const char *type = prop(a, n, "type");
	if (type && !strcmp(type, "xhtml"))
		return wire_clean(a, text(a, n), max);
	if (type && !strcmp(type, "html"))
		return wire_html_text(a, text(a, n), max);
	return wire_clean(a, text(a, n), max);
}

/* atom_content: an Atom content element as HTML: html as written, xhtml's div children serialized, text
 * as paragraphs; "" for out-of-line content (src) or other media types. */
static const char *atom_content(struct arena *a, const xmlNode *n)
{
	if (!n || prop(a, n, "src"))
		return "";
	const char *type = prop(a, n, "type");
	if (type && !strcmp(type, "html"))
		return wire_body(a, text(a, n));
	if (type && !strcmp(type, "xhtml")) {
		const xmlNode *div = child(n, "http://www.w3.org/1999/xhtml", "div");
		return div ? children_xml(a, div) : children_xml(a, n);
	}
	if (!type || !strcmp(type, "text"))
		return wire_text_html(a, text(a, n));
	return "";
}

/* atom_entry: one Atom <entry> into it. Returns 1, or 0 without an id. */
static int atom_entry(struct arena *a, const xmlNode *e, const char *credit, struct wire_item *it)
{
	it->guid = wire_clean(a, text(a, child(e, NS_ATOM, "id")), WIRE_MAX_GUID);
	if (!*it->guid)
		return 0;
	it->version = 1;
	it->headline = atom_text(a, child(e, NS_ATOM, "title"), WIRE_MAX_HEADLINE);
	it->summary = atom_text(a, child(e, NS_ATOM, "summary"), WIRE_MAX_SUMMARY);
	const xmlNode *content = child(e, NS_ATOM, "content");
	it->body_html = atom_content(a, content);
	if (!*it->summary && content)
		it->summary = atom_text(a, content, WIRE_MAX_SUMMARY);
	const xmlNode *author = child(e, NS_ATOM, "author");
	if (!author && e->parent)
		author = child(e->parent, NS_ATOM, "author");
	it->byline = wire_clean(a, text(a, child(author, NS_ATOM, "name")), WIRE_MAX_BYLINE);
	it->version_created = wire_date(text(a, child(e, NS_ATOM, "updated")));
	it->first_created = wire_date(text(a, child(e, NS_ATOM, "published")));
	if (!it->first_created)
		it->first_created = it->version_created;
	struct buf b = BUF_INIT;
	for (const xmlNode *c = e->children; c; c = c->next) {
		if (is(c, NS_ATOM, "link")) {
			const char *rel = prop(a, c, "rel");
			if (!*it->link && (!rel || !strcmp(rel, "alternate")))
				it->link = wire_link(a, prop(a, c, "href"));
		} else if (is(c, NS_ATOM, "category")) {
			const char *label = prop(a, c, "label");
			const char *t = wire_clean(a, label ? label : prop(a, c, "term"), WIRE_MAX_SHORT);
			if (*t && b.len < WIRE_MAX_SUBJECTS * 4) {
				if (b.len)
					buf_lit(&b, ", ");
				buf_append(&b, t, strlen(t));
			}
		}
	}
	it->subjects = wire_clean(a, buf_cstr(&b), WIRE_MAX_SUBJECTS);
	buf_free(&b);
	it->lang = wire_lang(a, lang_of(a, content ? content : e));
	it->credit = credit;
	it->pubstatus = "usable";
	return 1;
}

/* wire_parse_feed: see wire.h. */
int wire_parse_feed(struct arena *a, const char *xml, size_t len, struct wire_item **items, size_t *n,
		    size_t *skipped, char *err, size_t errlen)
{
	*items = NULL;
	*n = *skipped = 0;
	xmlDocPtr doc = parse_xml(xml, len, err, errlen);
	if (!doc)
		return -1;
	const xmlNode *root = xmlDocGetRootElement(doc);
	size_t cap = 0;
	int rss = is(root, NULL, "rss"), atom = is(root, NS_ATOM, "feed");
	if (!rss && !atom) {
		xmlFreeDoc(doc);
		return wire_err(err, errlen, "The document is not an RSS 2.0 or Atom 1.0 feed.");
	}
	const xmlNode *channel = rss ? child(root, NULL, "channel") : root;
	const char *lang = rss ? text(a, child(channel, NULL, "language")) : NULL;
	if (!lang)
		lang = lang_of(a, channel);
	const char *credit = wire_clean(a, rss ? text(a, child(channel, NULL, "title"))
					       : atom_text(a, child(root, NS_ATOM, "title"), WIRE_MAX_SHORT),
					WIRE_MAX_SHORT);
	for (const xmlNode *c = channel ? channel->children : NULL; c; c = c->next) {
		if (!(rss ? is(c, NULL, "item") : is(c, NS_ATOM, "entry")))
			continue;
		struct wire_item tmp;
		wire_item_init(&tmp);
		if (!(rss ? rss_item(a, c, lang, credit, &tmp) : atom_entry(a, c, credit, &tmp))) {
			(*skipped)++;
			continue;
		}
		struct wire_item *it = add_item(a, items, n, &cap);
		if (!it)
			break;
		*it = tmp;
	}
	xmlFreeDoc(doc);
	return 0;
}
