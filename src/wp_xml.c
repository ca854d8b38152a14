/* wp_xml.c - reading a WXR file for the WordPress import (see wp_int.h): libxml2's xmlTextReader, streaming
 * (one <item> expanded at a time, freed as the reader moves on), with the network off and no DTD loaded,
 * no entity substituted and no huge-document mode; a document with a DOCTYPE is refused before anything is
 * read from it (entity declarations are how billion-laughs and external-entity attacks begin, and
 * WordPress's exporter never writes one). */
#include "wp_int.h"

#include <libxml/xmlreader.h>
#include <sodium.h>
#include <string.h>

#include "util.h"

/* What the error handler saw first. */
struct xml_err {
	char msg[300];
	int line, code, seen;
};

/* on_error: libxml2's structured error handler: keeps the first error (message, line, code). */
static void on_error(void *ctx, const xmlError *e)
{
	struct xml_err *x = ctx;
	if (x->seen || !e || e->level < XML_ERR_ERROR)
		return;
	x->seen = 1;
	x->line = e->line;
	x->code = e->code;
	snprintf(x->msg, sizeof x->msg, "%s", e->message ? e->message : "malformed XML");
	x->msg[strcspn(x->msg, "\n")] = '\0';
}

/* ns_of: which WXR namespace node n is in: 'w' (wp), 'c' (content), 'e' (excerpt), 'd' (dc) or 0. */
static char ns_of(xmlNodePtr n)
{
	const char *h = n->ns && n->ns->href ? (const char *)n->ns->href : "";
	if (strncmp(h, "http://wordpress.org/export/", 28) == 0)
		return strstr(h, "/excerpt/") ? 'e' : 'w';
	if (strcmp(h, "http://purl.org/rss/1.0/modules/content/") == 0)
		return 'c';
	if (strcmp(h, "http://purl.org/dc/elements/1.1/") == 0)
		return 'd';
	return 0;
}

/* is: whether n is the element ns:name. */
static int is(xmlNodePtr n, char ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && ns_of(n) == ns && strcmp((const char *)n->name, name) == 0;
}

/* text: the text of n (CDATA included), trimmed of surrounding white space, in the arena ("" when none). */
static const char *text(struct arena *a, xmlNodePtr n)
{
	xmlChar *c = xmlNodeGetContent(n);
	if (!c)
		return "";
	const char *s = (const char *)c;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	while (len && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')) {
		s++;
		len--;
	}
	char *out = arena_strndup(a, s, len);
	xmlFree(c);
	return out;
}

/* num: n's text as a whole number (0 when it is not one). */
static int64_t num(struct arena *a, xmlNodePtr n)
{
	int64_t v = 0;
	return util_parse_i64(text(a, n), &v) == 0 ? v : 0;
}

/* comment: a <wp:comment> into *c. */
static void comment(struct arena *a, xmlNodePtr n, struct wp_comment *c)
{
	memset(c, 0, sizeof *c);
	c->author = c->email = c->date_gmt = c->content = c->approved = c->type = "";
	for (xmlNodePtr k = n->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE || ns_of(k) != 'w')
			continue;
		const char *nm = (const char *)k->name;
		if (strcmp(nm, "comment_id") == 0)
			c->id = num(a, k);
		else if (strcmp(nm, "comment_parent") == 0)
			c->parent = num(a, k);
		else if (strcmp(nm, "comment_author") == 0)
			c->author = text(a, k);
		else if (strcmp(nm, "comment_author_email") == 0)
			c->email = text(a, k);
		else if (strcmp(nm, "comment_date_gmt") == 0)
			c->date_gmt = text(a, k);
		else if (strcmp(nm, "comment_content") == 0)
			c->content = text(a, k);
		else if (strcmp(nm, "comment_approved") == 0)
			c->approved = text(a, k);
		else if (strcmp(nm, "comment_type") == 0)
			c->type = text(a, k);
	}
}

/* item_field: one child k of an item into it (the lists are counted by the caller first). */
static void item_field(struct arena *a, xmlNodePtr k, struct wp_item *it)
{
	static const struct {
		char ns;
		const char *name;
		size_t off;
	} fields[] = {
		{0, "title", offsetof(struct wp_item, title)}, {0, "link", offsetof(struct wp_item, link)},
		{0, "guid", offsetof(struct wp_item, guid)}, {'d', "creator", offsetof(struct wp_item, creator)},
		{'c', "encoded", offsetof(struct wp_item, content)}, {'e', "encoded", offsetof(struct wp_item, excerpt)},
		{'w', "post_date_gmt", offsetof(struct wp_item, date_gmt)},
		{'w', "post_modified_gmt", offsetof(struct wp_item, modified_gmt)},
		{'w', "post_name", offsetof(struct wp_item, post_name)}, {'w', "status", offsetof(struct wp_item, status)},
		{'w', "post_type", offsetof(struct wp_item, type)},
		{'w', "attachment_url", offsetof(struct wp_item, attachment_url)},
	};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (is(k, fields[i].ns, fields[i].name)) {
			*(const char **)((char *)it + fields[i].off) = text(a, k);
			return;
		}
	if (is(k, 'w', "post_id"))
		it->id = num(a, k);
	else if (is(k, 'w', "post_parent"))
		it->parent = num(a, k);
	else if (is(k, 'w', "is_sticky"))
		it->sticky = num(a, k) != 0;
	else if (is(k, 0, "category")) {
		xmlChar *d = xmlGetProp(k, (const xmlChar *)"domain"), *nn = xmlGetProp(k, (const xmlChar *)"nicename");
		it->cats[it->ncats++] = (struct wp_catref){arena_strdup(a, d ? (const char *)d : ""),
							   arena_strdup(a, nn ? (const char *)nn : ""), text(a, k)};
		xmlFree(d);
		xmlFree(nn);
	} else if (is(k, 'w', "postmeta")) {
		struct wp_meta *m = &it->meta[it->nmeta++];
		m->key = m->value = "";
		for (xmlNodePtr c = k->children; c; c = c->next) {
			if (is(c, 'w', "meta_key"))
				m->key = text(a, c);
			else if (is(c, 'w', "meta_value"))
				m->value = text(a, c);
		}
	} else if (is(k, 'w', "comment")) {
		comment(a, k, &it->comments[it->ncomments++]);
	}
}

/* checksum: a digest of n's XML without its comments (they are imported one by one, each once: a new comment
 * is not a change of the post) and of the edition asked (which changes what it becomes), as hex. */
static const char *checksum(struct arena *a, xmlNodePtr n, const char *edition)
{
	unsigned char h[16];
	char hex[33];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	for (xmlNodePtr k = n->children; k; k = k->next) {
		if (is(k, 'w', "comment"))
			continue;
		xmlBufferPtr b = xmlBufferCreate();
		if (b && xmlNodeDump(b, n->doc, k, 0, 0) >= 0)
			crypto_generichash_update(&st, xmlBufferContent(b), (unsigned long long)xmlBufferLength(b));
		xmlBufferFree(b);
	}
	crypto_generichash_update(&st, (const unsigned char *)(edition ? edition : ""), edition ? strlen(edition) : 0);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	return arena_strdup(a, hex);
}

/* item_read: an expanded <item> n into *it (arena). */
static void item_read(struct wp_run *r, struct arena *a, xmlNodePtr n, struct wp_item *it)
{
	memset(it, 0, sizeof *it);
	it->title = it->link = it->guid = it->creator = it->content = it->excerpt = it->date_gmt = it->modified_gmt =
		it->post_name = it->status = it->type = it->attachment_url = "";
	size_t ncat = 0, nmeta = 0, ncom = 0;
	for (xmlNodePtr k = n->children; k; k = k->next) {
		ncat += is(k, 0, "category");
		nmeta += is(k, 'w', "postmeta");
		ncom += is(k, 'w', "comment");
	}
	it->cats = arena_alloc(a, (ncat + 1) * sizeof *it->cats);
	it->meta = arena_alloc(a, (nmeta + 1) * sizeof *it->meta);
	it->comments = arena_alloc(a, (ncom + 1) * sizeof *it->comments);
	for (xmlNodePtr k = n->children; k; k = k->next)
		item_field(a, k, it);
	it->checksum = checksum(a, n, r->o->edition);
	it->line = (int)xmlGetLineNo(n);
}

const char *wp_meta_get(const struct wp_item *it, const char *key)
{
	for (size_t i = 0; i < it->nmeta; i++)
		if (strcmp(it->meta[i].key, key) == 0)
			return it->meta[i].value;
	return NULL;
}

/* grow: room for one more element of size sz in *arr (count *n, capacity *cap), arena-backed. */
static void *grow(struct arena *a, void *arr, size_t *n, size_t *cap, size_t sz)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		void *fresh = arena_alloc(a, nc * sz);
		if (*n)
			memcpy(fresh, arr, *n * sz);
		arr = fresh;
		*cap = nc;
	}
	return arr;
}

/* channel_list: a channel-level wp:author, wp:category, wp:tag or wp:term into r's lists (pass 1). */
static void channel_list(struct wp_run *r, xmlNodePtr n)
{
	struct arena *a = &r->a;
	if (is(n, 'w', "author")) {
		r->authors = grow(a, r->authors, &r->nauthors, &r->cap_authors, sizeof *r->authors);
		struct wp_author *au = &r->authors[r->nauthors++];
		au->login = au->email = au->display = "";
		for (xmlNodePtr k = n->children; k; k = k->next) {
			if (is(k, 'w', "author_login"))
				au->login = text(a, k);
			else if (is(k, 'w', "author_email"))
				au->email = text(a, k);
			else if (is(k, 'w', "author_display_name"))
				au->display = text(a, k);
		}
	} else if (is(n, 'w', "category")) {
		r->cats = grow(a, r->cats, &r->ncats, &r->cap_cats, sizeof *r->cats);
		struct wp_cat *c = &r->cats[r->ncats++];
		c->nicename = c->parent = c->name = "";
		c->term_id = 0;
		for (xmlNodePtr k = n->children; k; k = k->next) {
			if (is(k, 'w', "category_nicename"))
				c->nicename = text(a, k);
			else if (is(k, 'w', "category_parent"))
				c->parent = text(a, k);
			else if (is(k, 'w', "cat_name"))
				c->name = text(a, k);
			else if (is(k, 'w', "term_id"))
				c->term_id = num(a, k);
		}
	} else if (is(n, 'w', "term")) {
		r->terms = grow(a, r->terms, &r->nterms, &r->cap_terms, sizeof *r->terms);
		struct wp_term *t = &r->terms[r->nterms++];
		t->taxonomy = t->slug = t->name = t->description = "";
		for (xmlNodePtr k = n->children; k; k = k->next) {
			if (is(k, 'w', "term_taxonomy"))
				t->taxonomy = text(a, k);
			else if (is(k, 'w', "term_slug"))
				t->slug = text(a, k);
			else if (is(k, 'w', "term_name"))
				t->name = text(a, k);
			else if (is(k, 'w', "term_description"))
				t->description = text(a, k);
		}
	}
}

/* channel_value: the channel's own <language> and <wp:base_site_url> (pass 1). */
static void channel_value(struct wp_run *r, xmlNodePtr n)
{
	if (is(n, 0, "language") && !r->lang_edition)
		r->lang_edition = strncmp(text(&r->a, n), "ar", 2) == 0 ? "ar" : "en";
	else if (is(n, 'w', "base_site_url") && !r->source)
		r->source = text(&r->a, n);
	else if (is(n, 0, "link") && !r->source)
		r->source = text(&r->a, n);
}

/* stop: records where and why reading stopped. Returns -1. */
static int stop(struct wp_run *r, int line, const char *why, int refuse)
{
	if (!r->stopped)
		r->stopped = line > 0 ? arena_printf(&r->a, "line %d: %s", line, why) : arena_strdup(&r->a, why);
	r->refused |= refuse;
	return -1;
}

/* element: the element the reader is on. Returns 1 when the reader already moved past it (2: to the end of
 * the document), 0 to read on, -1 to stop. */
static int element(struct wp_run *r, xmlTextReaderPtr rd, int pass, wp_item_fn fn)
{
	int d = xmlTextReaderDepth(rd);
	const char *name = (const char *)xmlTextReaderConstLocalName(rd);
	if (d == 0 && strcmp(name, "rss") != 0)
		return stop(r, xmlTextReaderGetParserLineNumber(rd), "not a WordPress export (WXR): the root is not <rss>", 1);
	if (d != 2)
		return 0;
	xmlNodePtr n = xmlTextReaderExpand(rd);
	if (!n)
		return -1; /* the error handler has it */
	if (strcmp(name, "item") == 0) {
		r->items_seen++;
		if (pass == 1)
			r->items_total++;
		struct arena a = ARENA_INIT;
		struct wp_item it;
		item_read(r, &a, n, &it);
		int is_att = strcmp(it.type, "attachment") == 0;
		int rc = (pass == 1) == is_att ? fn(r, &a, &it) : 0;
		arena_free(&a);
		if (rc < 0)
			return -1;
	} else if (pass == 1) {
		channel_list(r, n);
		channel_value(r, n);
	}
	int nx = xmlTextReaderNext(rd);
	return nx == 1 ? 1 : nx == 0 ? 2 : -1;
}

/* reader_open: the reader for r's file with the import's parser options and error handler. NULL (stopped
 * set) when the file cannot be opened. */
static xmlTextReaderPtr reader_open(struct wp_run *r, struct xml_err *err)
{
	const int opts = XML_PARSE_NONET | XML_PARSE_NOWARNING; /* never NOENT, DTDLOAD, DTDATTR or HUGE */
	xmlTextReaderPtr rd = r->o->data ? xmlReaderForMemory(r->o->data, (int)r->o->len, r->o->file, NULL, opts)
					 : xmlReaderForFile(r->o->file, NULL, opts);
	if (!rd) {
		stop(r, 0, arena_printf(&r->a, "cannot open %s", r->o->file), 1);
		return NULL;
	}
	xmlTextReaderSetStructuredErrorHandler(rd, (xmlStructuredErrorFunc)on_error, err);
	return rd;
}

/* has_doctype: whether the file's prologue (before its first element: the XML declaration, comments,
 * processing instructions) declares a DOCTYPE. Read before libxml2 sees the file, so a DTD's entity
 * declarations are never parsed at all. */
static int has_doctype(const struct wp_options *o)
{
	char buf[65536];
	size_t n;
	if (o->data) {
		n = o->len < sizeof buf - 1 ? o->len : sizeof buf - 1;
		memcpy(buf, o->data, n);
	} else {
		FILE *f = fopen(o->file, "rb");
		if (!f)
			return 0;
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	const char *p = buf;
	if (strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	for (;;) {
		p += strspn(p, " \t\r\n");
		const char *close = strncmp(p, "<?", 2) == 0 ? strstr(p, "?>") : strncmp(p, "<!--", 4) == 0 ? strstr(p, "-->") : NULL;
		if (!close)
			break;
		p = close + (p[1] == '?' ? 2 : 3);
	}
	return strncmp(p, "<!DOCTYPE", 9) == 0;
}

int wp_xml_pass(struct wp_run *r, int pass, wp_item_fn fn)
{
	struct xml_err err = {0};
	if (has_doctype(r->o))
		return stop(r, 0, "refused: the file declares a DOCTYPE (entity declarations are how entity-expansion and "
				  "external-entity attacks begin; WordPress's exporter writes none)", 1);
	xmlTextReaderPtr rd = reader_open(r, &err);
	if (!rd)
		return -1;
	r->items_seen = 0;
	int ret = xmlTextReaderRead(rd), rc = 0;
	while (ret == 1 && rc == 0) {
		int type = xmlTextReaderNodeType(rd);
		int moved = 0;
		if (type == XML_READER_TYPE_DOCUMENT_TYPE)
			rc = stop(r, xmlTextReaderGetParserLineNumber(rd),
				  "refused: the file declares a DOCTYPE (entity declarations are how entity-expansion and "
				  "external-entity attacks begin; WordPress's exporter writes none)", 1);
		else if (type == XML_READER_TYPE_ELEMENT && (moved = element(r, rd, pass, fn)) < 0)
			rc = -1;
		if (r->db_failed)
			rc = -1;
		else if (rc == 0)
			ret = moved == 1 ? 1 : moved == 2 ? 0 : xmlTextReaderRead(rd);
	}
	if (rc == 0 && ret < 0)
		rc = -1;
	if (rc < 0 && !r->stopped && !r->db_failed) {
		int enc = err.code == XML_ERR_INVALID_CHAR || err.code == XML_ERR_INVALID_ENCODING ||
			  err.code == XML_ERR_UNKNOWN_ENCODING || err.code == XML_ERR_UNSUPPORTED_ENCODING;
		stop(r, err.line, arena_printf(&r->a, "%s%s", enc ? "refused: not in the encoding it declares: " : "the XML broke off: ",
					       err.seen ? err.msg : "malformed XML"),
		     enc);
	}
	xmlFreeTextReader(rd);
	return rc;
}
