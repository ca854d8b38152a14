/* htmlmd.c - HTML to the stored form (see htmlmd.h). libxml2's HTML parser (network off, errors silent,
 * encoding forced to UTF-8) builds a tree; the walk below writes CommonMark + GFM with typed blocks.
 *
 * Shape of the walk: conv_blocks() writes the block-level children of a node as blocks separated by a blank
 * line, gathering runs of inline content into a paragraph (conv_inline()). Containers (blockquote, li) are
 * converted into a buffer of their own and then prefixed ("> ", the list marker's indentation). Typed blocks
 * (image, gallery, embed, pullquote) are never nested: they are queued and written after the top-level block
 * they were found in. Text is backslash-escaped so that nothing in it can become formatting or markup.
 * Bounds: HTMLMD_MAX_INPUT bytes in; elements deeper than MAX_DEPTH give their text only; containers deeper
 * than MAX_NEST are flattened; output over MAX_OUTPUT stops the walk (what follows is counted dropped). */
#include "htmlmd.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "blocks.h"
#include "buf.h"
#include "embed.h"
#include "escape.h"
#include "xmlwalk.h"

#define MAX_DEPTH 256          /* element nesting walked as structure; deeper content is text only */
#define MAX_NEST 16            /* nested quotes and lists kept as such */
#define MAX_OUTPUT (24u << 20) /* bytes of stored form one conversion writes */
#define MAX_COLS 64            /* columns of a table kept as a table */

/* What can be dropped, counted by kind. */
enum drop {
	D_SCRIPT, D_STYLE, D_NOSCRIPT, D_FORM, D_CONTROL, D_OBJECT, D_SVG, D_MATH, D_FRAME, D_MEDIA, D_IMAGE,
	D_EMBED, D_STYLE_ATTR, D_HANDLER, D_LINK, D_TOO_BIG, D_COUNT
};
static const char *const drop_names[D_COUNT] = {
    "script", "style", "noscript", "form", "form control", "object/embed", "svg", "math", "frame",
    "audio/video", "image", "embed (not https)", "style attribute", "event handler attribute",
    "link (unsafe address)", "content over the size limit"};

struct conv {
	htmlmd_image_fn img;
	void *ctx;
	int drops[D_COUNT];
	struct buf deferred; /* typed blocks waiting for the end of the top-level block */
	size_t written;      /* bytes written so far, all buffers */
	int full;            /* the output bound was reached */
	int nest;            /* containers open (blockquote, list item) */
};

/* Inline context: where a paragraph's text goes and what it may hold. */
struct inl {
	struct buf *b;
	int pending_space; /* whitespace seen, not yet written */
	int line_start;    /* nothing written on the current line */
	int in_link;       /* inside <a>: links inside are text */
	int one_line;      /* headings and table cells: breaks become spaces */
};

/* name_is: 1 when node is an element named name (lower case; libxml2's HTML parser lowers names). */
static int name_is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* in_list: 1 when s is one of the names in the NULL-terminated list. */
static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* attr: the value of n's attribute name (libxml2 memory: the caller xmlFree()s it), or NULL. */
static char *attr(const xmlNode *n, const char *name)
{
	return (char *)xmlGetProp(n, (const xmlChar *)name);
}

/* has_class: 1 when n's class attribute holds the class word cls. */
static int has_class(const xmlNode *n, const char *cls)
{
	if (!n || n->type != XML_ELEMENT_NODE)
		return 0;
	char *c = attr(n, "class");
	int found = 0;
	size_t len = strlen(cls);
	for (const char *p = c; p && *p && !found;) {
		p += strspn(p, " \t\r\n\f");
		size_t w = strcspn(p, " \t\r\n\f");
		found = w == len && memcmp(p, cls, len) == 0;
		p += w;
	}
	xmlFree(c);
	return found;
}

/* drop_kind: the drop counter of an element dropped with all its content, or -1 when it is kept. */
static int drop_kind(const char *name)
{
	static const struct {
		const char *name;
		enum drop d;
	} t[] = {{"script", D_SCRIPT},   {"style", D_STYLE},     {"noscript", D_NOSCRIPT}, {"form", D_FORM},
		 {"input", D_CONTROL},   {"button", D_CONTROL},  {"select", D_CONTROL},    {"textarea", D_CONTROL},
		 {"object", D_OBJECT},   {"applet", D_OBJECT},     {"svg", D_SVG},
		 {"math", D_MATH},       {"frame", D_FRAME},     {"frameset", D_FRAME},    {"video", D_MEDIA},
		 {"audio", D_MEDIA},     {"canvas", D_MEDIA},    {"template", D_SCRIPT},   {"link", D_STYLE}};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(name, t[i].name) == 0)
			return (int)t[i].d;
	return -1;
}

/* silent: elements left out without counting (the document's head, metadata, WordPress's noise). */
static int silent(const char *name)
{
	static const char *const s[] = {"head", "title", "meta", "base", "param", "area", "map", NULL};
	return in_list(name, s);
}

/* transparent: void elements libxml2 2.9's HTML parser does not know are void, so it nests what follows
 * inside them: the element itself is left out (an embed counted), its children are converted in place. */
static int transparent(struct conv *c, const xmlNode *n)
{
	static const char *const s[] = {"embed", "source", "track", "wbr", "keygen", NULL};
	if (n->type != XML_ELEMENT_NODE || !in_list((const char *)n->name, s))
		return 0;
	if (c && name_is(n, "embed"))
		c->drops[D_OBJECT]++;
	return 1;
}

/* is_inline: phrasing elements, written inside a paragraph. Every other element is a block. */
static int is_inline(const xmlNode *n)
{
	static const char *const s[] = {"a", "abbr", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del",
					"dfn", "em", "font", "i", "img", "ins", "kbd", "label", "mark", "q", "s",
					"samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u",
					"var", "iframe", "nobr", "acronym", NULL};
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE || n->type == XML_ENTITY_REF_NODE)
		return 1;
	return n->type == XML_ELEMENT_NODE && in_list((const char *)n->name, s);
}

/* count_attrs: counts the style and on* attributes of n (they are never written anyway). */
static void count_attrs(struct conv *c, const xmlNode *n)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		const char *an = (const char *)a->name;
		if (strcasecmp(an, "style") == 0)
			c->drops[D_STYLE_ATTR]++;
		else if ((an[0] == 'o' || an[0] == 'O') && (an[1] == 'n' || an[1] == 'N') && an[2])
			c->drops[D_HANDLER]++;
	}
}

/* put: appends s[0..n) to b, counting it against the output bound. */
static void put(struct conv *c, struct buf *b, const char *s, size_t n)
{
	if (c->written + n > MAX_OUTPUT) {
		c->full = 1;
		return;
	}
	c->written += n;
	buf_append(b, s, n);
}

/* ---- text ---- */

/* seq_len: the length of the well-formed UTF-8 sequence at p[0..n), or 0 when the bytes there are not one
 * (libxml2 passes some invalid input bytes through). */
static size_t seq_len(const unsigned char *p, size_t n)
{
	size_t l;
	return utf8_decode(p, n, &l) < 0 ? 0 : l;
}

/* put_utf8: appends the well-formed UTF-8 of s[0..n) to b, leaving invalid bytes out. */
static void put_utf8(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		const unsigned char *run = p;
		size_t l;
		while (p < end && (l = seq_len(p, (size_t)(end - p))) > 0)
			p += l;
		buf_append(b, run, (size_t)(p - run));
		if (p < end)
			p++;
	}
}

/* is_space_at: the length of the whitespace at s[0..n) (ASCII whitespace or U+00A0), else 0. */
static size_t is_space_at(const unsigned char *s, size_t n)
{
	if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f')
		return 1;
	if (n >= 2 && s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	return 0;
}

/* inl_space: writes the pending space (if any) before new content. */
static void inl_space(struct conv *c, struct inl *in)
{
	if (in->pending_space && !in->line_start && in->b->len)
		put(c, in->b, " ", 1);
	in->pending_space = 0;
}

/* inl_text: appends text s[0..n) (UTF-8 from libxml2) escaped for Markdown: whitespace collapsed,
 * control characters removed, every character that could start formatting backslash-escaped. */
static void inl_text(struct conv *c, struct inl *in, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end && !c->full) {
		size_t sp = is_space_at(p, (size_t)(end - p));
		if (sp) {
			in->pending_space = 1;
			p += sp;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			p++;
			continue;
		}
		inl_space(c, in);
		in->line_start = 0;
		unsigned char ch = *p;
		if (strchr("\\`*_[]<>#|~", ch) && ch) {
			char e[2] = {'\\', (char)ch};
			put(c, in->b, e, 2);
			p++;
		} else if (ch == '&' && p + 1 < end && (p[1] == '#' || ((p[1] | 0x20) >= 'a' && (p[1] | 0x20) <= 'z'))) {
			put(c, in->b, "\\&", 2);
			p++;
		} else if ((ch == ':' && in->b->len && ((in->b->data[in->b->len - 1] | 0x20) >= 'a' &&
							 (in->b->data[in->b->len - 1] | 0x20) <= 'z')) ||
			   (ch == '.' && in->b->len >= 3 && strncasecmp(in->b->data + in->b->len - 3, "www", 3) == 0)) {
			/* "https://" and "www." in text would be GFM autolinks, which read on over the escapes and
			 * backticks that follow (a code span's fence): with the colon after a word, and the dot after
			 * "www", escaped, they stay text */
			char e[2] = {'\\', (char)ch};
			put(c, in->b, e, 2);
			p++;
		} else {
			size_t l = seq_len(p, (size_t)(end - p));
			if (l)
				put(c, in->b, (const char *)p, l);
			p += l ? l : 1;
		}
	}
}

/* plain_walk: appends the text of the subtree under n to b, whitespace as written, skipping dropped
 * elements and the subtree skip. Iterative (no recursion, whatever the depth). */
static void plain_walk(const xmlNode *n, const xmlNode *skip, struct buf *b, size_t max)
{
	const xmlNode *top = n, *cur = n->children;
	while (cur && cur != top) {
		int descend = 0;
		if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
			if (cur->content && b->len < max)
				put_utf8(b, (const char *)cur->content, strlen((const char *)cur->content));
		} else if (cur->type == XML_ELEMENT_NODE && cur != skip && drop_kind((const char *)cur->name) < 0 &&
			   !silent((const char *)cur->name)) {
			if (name_is(cur, "br") || name_is(cur, "p") || name_is(cur, "div") || name_is(cur, "li"))
				buf_putc(b, ' ');
			descend = cur->children != NULL;
		}
		if (descend) {
			cur = cur->children;
			continue;
		}
		cur = xmlwalk_after(cur, top);
		if (cur == top)
			break;
	}
}

/* value: the plain text of the subtree under n (skipping skip) as one typed-block value: whitespace collapsed,
 * control characters out, at most BLOCKS_MAX_VALUE characters; NULL when empty. Arena string. */
static const char *value_of(struct arena *a, const char *s)
{
	struct buf o = BUF_INIT;
	size_t chars = 0;
	int space = 0;
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	while (*p && chars < BLOCKS_MAX_VALUE) {
		size_t sp = is_space_at(p, (size_t)(end - p));
		if (sp) {
			space = 1;
			p += sp;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			p++;
			continue;
		}
		if (space && o.len) {
			buf_putc(&o, ' ');
			chars++;
		}
		space = 0;
		size_t l = seq_len(p, (size_t)(end - p));
		if (!l) {
			p++;
			continue;
		}
		buf_append(&o, p, l);
		p += l;
		chars++;
	}
	const char *r = o.len && utf8_valid(o.data, o.len) ? arena_strndup(a, o.data, o.len) : NULL;
	buf_free(&o);
	return r;
}

/* text_value: value_of the text under n, skipping skip. */
static const char *text_value(struct arena *a, const xmlNode *n, const xmlNode *skip)
{
	if (!n)
		return NULL;
	struct buf b = BUF_INIT;
	plain_walk(n, skip, &b, 64 * 1024);
	const char *v = value_of(a, buf_cstr(&b));
	buf_free(&b);
	return v;
}

/* ---- typed blocks ---- */

/* tb_key: writes "key: value\n" into b when value is not NULL. */
static void tb_key(struct conv *c, struct buf *b, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	put(c, b, key, strlen(key));
	put(c, b, ": ", 2);
	put(c, b, value, strlen(value));
	put(c, b, "\n", 1);
}

/* tb_begin: starts a typed block named name in the deferred queue; returns the queue. */
static struct buf *tb_begin(struct conv *c, const char *name)
{
	struct buf *b = &c->deferred;
	if (b->len)
		put(c, b, "\n\n", 2);
	put(c, b, "```", 3);
	put(c, b, name, strlen(name));
	put(c, b, "\n", 1);
	return b;
}

/* split_credit: splits a caption into caption and credit at a trailing "Photo: ...", "Credit: ..." (or
 * Arabic "تصوير"/"صورة:"), possibly in parentheses. *caption and *credit are set (either may become NULL). */
static void split_credit(struct arena *a, const char *text, const char **caption, const char **credit)
{
	static const char *const labels[] = {"photo:", "photos:", "photograph:", "photo by", "credit:", "image:",
					     "picture:", "تصوير", "صورة:", "الصورة:", NULL};
	*caption = text;
	*credit = NULL;
	if (!text)
		return;
	const char *best = NULL;
	for (const char *p = text; *p; p++) {
		if (p != text && p[-1] != ' ' && p[-1] != '(' && p[-1] != '|' && p[-1] != '/')
			continue;
		for (const char *const *l = labels; *l; l++)
			if (strncasecmp(p, *l, strlen(*l)) == 0)
				best = p;
	}
	if (!best)
		return;
	size_t n = strlen(best);
	int paren = best > text && best[-1] == '(' && n && best[n - 1] == ')';
	*credit = value_of(a, arena_strndup(a, best, paren ? n - 1 : n));
	const char *end = paren ? best - 1 : best;
	while (end > text && strchr(" -|/\xe2\x80\x94(", end[-1]))
		end--;
	/* a dash "—" is three bytes: strip a trailing one left whole */
	if (end - text >= 3 && memcmp(end - 3, "\xe2\x80\x94", 3) == 0)
		end -= 3;
	while (end > text && end[-1] == ' ')
		end--;
	*caption = end > text ? arena_strndup(a, text, (size_t)(end - text)) : NULL;
}

/* figcaption_parts: caption and credit of a figcaption (or WordPress's caption dd): a <cite> or an element
 * with class credit / wp-caption-credit / photo-credit is the credit, else a trailing "Photo: ...". */
static void figcaption_parts(struct arena *a, const xmlNode *cap, const char **caption, const char **credit)
{
	*caption = *credit = NULL;
	if (!cap)
		return;
	const xmlNode *cr = NULL, *top = cap, *cur = cap->children;
	while (cur && cur != top && !cr) { /* find the credit element (iterative, any depth) */
		if (name_is(cur, "cite") || has_class(cur, "credit") || has_class(cur, "wp-caption-credit") ||
		    has_class(cur, "photo-credit")) {
			cr = cur;
			break;
		}
		if (cur->type == XML_ELEMENT_NODE && cur->children) {
			cur = cur->children;
			continue;
		}
		cur = xmlwalk_after(cur, top);
	}
	if (cr) {
		*caption = text_value(a, cap, cr);
		*credit = text_value(a, cr, NULL);
	} else
		split_credit(a, text_value(a, cap, NULL), caption, credit);
}

/* img_src: the address an <img> shows: src, or a lazy loader's data-src when src is a placeholder (caller
 * xmlFree()s). */
static char *img_src(const xmlNode *img)
{
	char *src = attr(img, "src");
	if (!src || !*src || strncasecmp(src, "data:", 5) == 0) {
		char *lazy = attr(img, "data-src");
		if (!lazy)
			lazy = attr(img, "data-lazy-src");
		if (lazy) {
			xmlFree(src);
			src = lazy;
		}
	}
	return src;
}

/* img_media: asks the caller's library for img with its caption and credit. Returns the media id, or 0
 * (counted dropped). *alt is set to the img's alt (arena). */
static int64_t img_media(struct conv *c, struct arena *a, const xmlNode *img, const char *caption,
			 const char *credit, const char **alt)
{
	char *src = img_src(img), *al = attr(img, "alt");
	*alt = al ? value_of(a, al) : NULL;
	int64_t id = 0;
	if (c->img && src) {
		const char *s = value_of(a, src);
		if (s)
			id = c->img(c->ctx, s, *alt, caption, credit);
	}
	xmlFree(src);
	xmlFree(al);
	if (id <= 0) {
		c->drops[D_IMAGE]++;
		return 0;
	}
	return id;
}

/* put_image: an image block for img, with the caption and credit of the figure around it (or NULL). */
static void put_image(struct conv *c, const xmlNode *img, const xmlNode *cap)
{
	struct arena a = ARENA_INIT;
	const char *caption, *credit, *alt;
	figcaption_parts(&a, cap, &caption, &credit);
	int64_t id = img_media(c, &a, img, caption, credit, &alt);
	if (id > 0) {
		struct buf *b = tb_begin(c, "image");
		char num[32];
		snprintf(num, sizeof num, "%lld", (long long)id);
		tb_key(c, b, "media", num);
		tb_key(c, b, "alt", alt);
		tb_key(c, b, "caption", caption);
		tb_key(c, b, "credit", credit);
		put(c, b, "```", 3);
	}
	arena_free(&a);
}

/* find_elem: the first element named name under n (document order, iterative), or NULL. */
static const xmlNode *find_elem(const xmlNode *n, const char *name)
{
	const xmlNode *top = n, *cur = n->children;
	while (cur && cur != top) {
		if (name_is(cur, name))
			return cur;
		if (cur->type == XML_ELEMENT_NODE && cur->children) {
			cur = cur->children;
			continue;
		}
		cur = xmlwalk_after(cur, top);
	}
	return NULL;
}

/* count_elems: the number of elements named name under n (iterative). */
static size_t count_elems(const xmlNode *n, const char *name)
{
	size_t k = 0;
	const xmlNode *top = n, *cur = n->children;
	while (cur && cur != top) {
		k += name_is(cur, name);
		if (cur->type == XML_ELEMENT_NODE && cur->children) {
			cur = cur->children;
			continue;
		}
		cur = xmlwalk_after(cur, top);
	}
	return k;
}

/* item_caption: the caption of one gallery image: the figcaption (or caption dd) of the nearest ancestor
 * below the gallery root holding one, or NULL. */
static const xmlNode *item_caption(const xmlNode *img, const xmlNode *root)
{
	for (const xmlNode *p = img->parent; p && p != root; p = p->parent) {
		const xmlNode *f = NULL;
		if (name_is(p, "dt"))
			continue;
		for (const xmlNode *ch = p->children; ch && !f; ch = ch->next)
			if (name_is(ch, "figcaption") || (name_is(ch, "dd") && (has_class(ch, "wp-caption-text") ||
									       has_class(ch, "gallery-caption"))))
				f = ch;
		if (f)
			return f;
	}
	return NULL;
}

/* gallery_title: the gallery's own caption: a figcaption child of root (class blocks-gallery-caption or
 * any), or NULL. */
static const xmlNode *gallery_title(const xmlNode *root)
{
	for (const xmlNode *ch = root->children; ch; ch = ch->next)
		if (name_is(ch, "figcaption"))
			return ch;
	return NULL;
}

/* put_gallery: a gallery block of every image under root (split into several when over BLOCKS_MAX_ITEMS). */
static void put_gallery(struct conv *c, const xmlNode *root)
{
	struct arena a = ARENA_INIT;
	const xmlNode *tnode = gallery_title(root);
	const char *title = text_value(&a, tnode, NULL);
	struct buf *b = NULL;
	int items = 0;
	const xmlNode *top = root, *cur = root->children;
	while (cur && cur != top && !c->full) {
		if (cur == tnode)
			goto next;
		if (name_is(cur, "img")) {
			const char *caption, *credit, *alt;
			figcaption_parts(&a, item_caption(cur, root), &caption, &credit);
			int64_t id = img_media(c, &a, cur, caption, credit, &alt);
			if (id > 0) {
				if (b && items == BLOCKS_MAX_ITEMS) {
					put(c, b, "```", 3);
					b = NULL;
				}
				if (!b) {
					b = tb_begin(c, "gallery");
					tb_key(c, b, "title", title);
					items = 0;
				}
				char num[32];
				snprintf(num, sizeof num, "%lld", (long long)id);
				tb_key(c, b, "media", num);
				tb_key(c, b, "alt", alt);
				tb_key(c, b, "caption", caption);
				tb_key(c, b, "credit", credit);
				items++;
			}
		} else if (cur->type == XML_ELEMENT_NODE && cur->children && !name_is(cur, "figcaption") &&
			   drop_kind((const char *)cur->name) < 0) {
			cur = cur->children;
			continue;
		}
	next:
		cur = xmlwalk_after(cur, top);
	}
	if (b)
		put(c, b, "```", 3);
	arena_free(&a);
}

/* put_embed: an embed block for url (title may be NULL) when url is an https address embed.c accepts and,
 * when frame_only, a known provider's. Returns 1 when written, 0 when dropped (counted). */
static int put_embed(struct conv *c, const char *url, const char *title, int frame_only)
{
	struct arena a = ARENA_INIT;
	const char *u = url ? value_of(&a, url) : NULL;
	struct embed e;
	int k = u ? embed_parse(u, &e) : EMBED_BAD;
	if (u)
		embed_free(&e);
	int ok = k == EMBED_FRAME || (k == EMBED_LINK && !frame_only);
	if (ok) {
		struct buf *b = tb_begin(c, "embed");
		tb_key(c, b, "url", u);
		tb_key(c, b, "title", title);
		put(c, b, "```", 3);
	} else
		c->drops[frame_only ? D_FRAME : D_EMBED]++;
	arena_free(&a);
	return ok;
}

/* put_wp_embed: WordPress's figure.wp-block-embed: the URL is the text of its wrapper div (or a link or a
 * frame inside); the figcaption is the title. */
static void put_wp_embed(struct conv *c, const xmlNode *fig)
{
	struct arena a = ARENA_INIT;
	const char *url = NULL;
	for (const xmlNode *ch = fig->children; ch && !url; ch = ch->next)
		if (name_is(ch, "div"))
			url = text_value(&a, ch, NULL);
	const xmlNode *x;
	if ((!url || strncmp(url, "http", 4) != 0) && (x = find_elem(fig, "a"))) {
		char *h = attr(x, "href");
		url = h ? arena_strdup(&a, h) : url;
		xmlFree(h);
	}
	if ((!url || strncmp(url, "http", 4) != 0) && (x = find_elem(fig, "iframe"))) {
		char *h = attr(x, "src");
		url = h ? arena_strdup(&a, h) : url;
		xmlFree(h);
	}
	put_embed(c, url, text_value(&a, find_elem(fig, "figcaption"), NULL), 0);
	arena_free(&a);
}

/* put_pullquote: a pull quote: its text without the <cite>, the cite as "by". */
static void put_pullquote(struct conv *c, const xmlNode *q)
{
	struct arena a = ARENA_INIT;
	const xmlNode *cite = find_elem(q, "cite");
	const char *text = text_value(&a, q, cite), *by = text_value(&a, cite, NULL);
	if (text) {
		struct buf *b = tb_begin(c, "pullquote");
		tb_key(c, b, "text", text);
		tb_key(c, b, "by", by);
		put(c, b, "```", 3);
	}
	arena_free(&a);
}

/* ---- inline ---- */

static void conv_inline(struct conv *c, struct inl *in, const xmlNode *n, int depth);

/* inl_children: conv_inline of each child of n. */
static void inl_children(struct conv *c, struct inl *in, const xmlNode *n, int depth)
{
	for (const xmlNode *ch = n->children; ch && !c->full; ch = ch->next)
		conv_inline(c, in, ch, depth + 1);
}

/* inl_wrap: n's children between marker mk (emphasis, strikethrough); the marker pair is removed when
 * nothing was written between them. */
static void inl_wrap(struct conv *c, struct inl *in, const xmlNode *n, int depth, const char *mk)
{
	inl_space(c, in);
	size_t at = in->b->len, ml = strlen(mk);
	int was_start = in->line_start;
	put(c, in->b, mk, ml);
	in->line_start = 0;
	inl_children(c, in, n, depth);
	if (in->b->len == at + ml) {
		in->b->len = at;
		in->b->data[at] = '\0';
		in->line_start = was_start;
		return;
	}
	put(c, in->b, mk, ml); /* a pending space stays outside the marker */
}

/* inl_code: a code span of n's text, in a backtick fence longer than any run inside. */
static void inl_code(struct conv *c, struct inl *in, const xmlNode *n)
{
	struct buf t = BUF_INIT;
	plain_walk(n, NULL, &t, 1u << 20);
	size_t run = 0, longest = 0;
	int nonspace = 0;
	for (size_t i = 0; i < t.len; i++) {
		unsigned char ch = (unsigned char)t.data[i];
		if (ch < 0x20 || ch == 0x7f)
			t.data[i] = ' ';
		nonspace |= t.data[i] != ' ';
		run = t.data[i] == '`' ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	if (nonspace) {
		inl_space(c, in);
		in->line_start = 0;
		for (size_t i = 0; i <= longest; i++)
			put(c, in->b, "`", 1);
		int pad = t.data[0] == '`' || t.data[t.len - 1] == '`' || t.data[0] == ' ';
		if (pad)
			put(c, in->b, " ", 1);
		for (size_t i = 0; i < t.len; i++) { /* in a table, a pipe ends the cell even in code */
			if (t.data[i] == '|' && in->one_line)
				put(c, in->b, "\\", 1);
			put(c, in->b, t.data + i, 1);
		}
		if (pad)
			put(c, in->b, " ", 1);
		for (size_t i = 0; i <= longest; i++)
			put(c, in->b, "`", 1);
	}
	buf_free(&t);
}

/* link_dest: href as a Markdown link destination when it is http(s) or mailto (spaces, brackets, quotes and
 * controls percent-encoded), else NULL. Arena string. */
static const char *link_dest(struct arena *a, const char *href)
{
	while (*href && (unsigned char)*href <= ' ')
		href++;
	if (strncasecmp(href, "http://", 7) && strncasecmp(href, "https://", 8) && strncasecmp(href, "mailto:", 7))
		return NULL;
	struct buf o = BUF_INIT;
	size_t n = strlen(href);
	while (n && (unsigned char)href[n - 1] <= ' ')
		n--;
	for (size_t i = 0; i < n && o.len < 4000; i++) {
		unsigned char ch = (unsigned char)href[i];
		if (ch <= ' ' || ch == 0x7f || strchr("<>()\\\"`", ch))
			buf_printf(&o, "%%%02X", ch);
		else
			buf_putc(&o, (char)ch);
	}
	const char *r = utf8_valid(o.data, o.len) ? arena_strndup(a, o.data, o.len) : NULL;
	buf_free(&o);
	return r;
}

/* inl_link: [text](dest); a link to another scheme keeps its text only (counted); an empty text writes
 * nothing. */
static void inl_link(struct conv *c, struct inl *in, const xmlNode *n, int depth)
{
	if (in->in_link) {
		inl_children(c, in, n, depth);
		return;
	}
	char *href = attr(n, "href");
	struct arena a = ARENA_INIT;
	const char *dest = href ? link_dest(&a, href) : NULL;
	if (href && !dest && *href && href[0] != '#' && href[0] != '/')
		c->drops[D_LINK]++;
	xmlFree(href);
	if (!dest) {
		inl_children(c, in, n, depth);
		arena_free(&a);
		return;
	}
	inl_space(c, in);
	size_t at = in->b->len;
	int was_start = in->line_start;
	put(c, in->b, "[", 1);
	in->line_start = 0;
	in->in_link = 1;
	inl_children(c, in, n, depth);
	in->in_link = 0;
	if (in->b->len == at + 1) {
		in->b->len = at;
		in->b->data[at] = '\0';
		in->line_start = was_start;
	} else {
		put(c, in->b, "](", 2);
		put(c, in->b, dest, strlen(dest));
		put(c, in->b, ")", 1);
	}
	arena_free(&a);
}

/* inl_iframe: a frame of a known provider becomes an embed block; any other is dropped (counted). */
static void inl_iframe(struct conv *c, const xmlNode *n)
{
	char *src = attr(n, "src"), *title = attr(n, "title");
	struct arena a = ARENA_INIT;
	put_embed(c, src, title ? value_of(&a, title) : NULL, 1);
	arena_free(&a);
	xmlFree(src);
	xmlFree(title);
}

/* conv_inline: writes node n (and its subtree) as inline Markdown into in. Block elements met inline are
 * written as their text between spaces; images, frames and figures go to the typed-block queue. */
static void conv_inline(struct conv *c, struct inl *in, const xmlNode *n, int depth)
{
	if (c->full)
		return;
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (n->content)
			inl_text(c, in, (const char *)n->content, strlen((const char *)n->content));
		return;
	}
	if (n->type != XML_ELEMENT_NODE)
		return;
	const char *name = (const char *)n->name;
	int dk = drop_kind(name);
	if (dk >= 0) {
		c->drops[dk]++;
		return;
	}
	if (silent(name))
		return;
	count_attrs(c, n);
	if (depth > MAX_DEPTH) {
		struct buf t = BUF_INIT;
		plain_walk(n, NULL, &t, MAX_OUTPUT);
		inl_text(c, in, t.data ? t.data : "", t.len);
		buf_free(&t);
		return;
	}
	if (transparent(c, n)) {
		inl_children(c, in, n, depth);
		return;
	}
	if (!strcmp(name, "strong") || !strcmp(name, "b"))
		inl_wrap(c, in, n, depth, "**");
	else if (!strcmp(name, "em") || !strcmp(name, "i"))
		inl_wrap(c, in, n, depth, "*");
	else if (!strcmp(name, "del") || !strcmp(name, "s") || !strcmp(name, "strike"))
		inl_wrap(c, in, n, depth, "~~");
	else if (!strcmp(name, "code") || !strcmp(name, "kbd") || !strcmp(name, "tt") || !strcmp(name, "samp"))
		inl_code(c, in, n);
	else if (!strcmp(name, "a"))
		inl_link(c, in, n, depth);
	else if (!strcmp(name, "br")) {
		if (in->one_line || in->line_start || !in->b->len)
			in->pending_space = 1;
		else {
			put(c, in->b, "\\\n", 2);
			in->line_start = 1;
			in->pending_space = 0;
		}
	} else if (!strcmp(name, "img"))
		put_image(c, n, NULL);
	else if (!strcmp(name, "iframe"))
		inl_iframe(c, n);
	else {
		int block = !is_inline(n);
		if (block)
			in->pending_space = 1;
		inl_children(c, in, n, depth);
		if (block)
			in->pending_space = 1;
	}
}

/* ---- blocks ---- */

struct para {
	struct buf b;
	struct inl in;
};

/* para_start: an empty paragraph buffer. */
static void para_start(struct para *p, int one_line)
{
	memset(p, 0, sizeof *p);
	p->in.b = &p->b;
	p->in.line_start = 1;
	p->in.one_line = one_line;
}

/* line_start_escape: escapes what would start a block at the start of each line of paragraph text s
 * ("- ", "+ ", "=", "1. ", "1) "): the result is appended to out. */
static void line_start_escape(struct conv *c, struct buf *out, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - s) + 1 : n;
		const char *l = s + i;
		size_t d = 0;
		while (i + d < e && l[d] >= '0' && l[d] <= '9')
			d++;
		if (l[0] == '-' || l[0] == '+' || l[0] == '=') {
			put(c, out, "\\", 1);
			put(c, out, l, e - i);
		} else if (d && d <= 9 && i + d < e && (l[d] == '.' || l[d] == ')')) {
			put(c, out, l, d);
			put(c, out, "\\", 1);
			put(c, out, l + d, e - i - d);
		} else
			put(c, out, l, e - i);
		i = e;
	}
}

/* para_trim: drops a trailing hard break and spaces from the paragraph's text. */
static void para_trim(struct para *p)
{
	while (p->b.len && (p->b.data[p->b.len - 1] == ' ' || p->b.data[p->b.len - 1] == '\n')) {
		if (p->b.data[p->b.len - 1] == '\n' && p->b.len >= 2 && p->b.data[p->b.len - 2] == '\\')
			p->b.len--;
		p->b.len--;
	}
	if (p->b.data)
		p->b.data[p->b.len] = '\0';
}

/* emit: appends block s[0..n) to dst after a blank line; at the top level, the queued typed blocks follow. */
static void emit(struct conv *c, struct buf *dst, const char *s, size_t n)
{
	if (n) {
		if (dst->len)
			put(c, dst, "\n\n", 2);
		put(c, dst, s, n);
	}
	if (!c->nest && c->deferred.len) {
		if (dst->len)
			put(c, dst, "\n\n", 2);
		put(c, dst, c->deferred.data, c->deferred.len);
		buf_reset(&c->deferred);
	}
}

/* para_flush: writes the gathered paragraph (if any) to dst as a block, prefixed by prefix, and starts a new one. */
static void para_flush(struct conv *c, struct para *p, struct buf *dst, const char *prefix)
{
	para_trim(p);
	struct buf o = BUF_INIT;
	if (p->b.len) {
		buf_append(&o, prefix, strlen(prefix));
		line_start_escape(c, &o, p->b.data, p->b.len);
	}
	emit(c, dst, o.data, o.len);
	buf_free(&o);
	buf_free(&p->b);
	para_start(p, p->in.one_line);
}

static void conv_blocks(struct conv *c, const xmlNode *parent, struct buf *dst, int depth);
static void conv_block(struct conv *c, const xmlNode *n, struct buf *dst, int depth);

/* prefix_lines: appends s to dst with first before the first line and rest before every other (a blank line
 * gets rest without its trailing spaces). */
static void prefix_lines(struct conv *c, struct buf *dst, const char *s, size_t n, const char *first, const char *rest)
{
	size_t i = 0;
	int line = 0;
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - s) : n;
		const char *pre = line++ ? rest : first;
		size_t pl = strlen(pre);
		if (e == i)
			while (pl && pre[pl - 1] == ' ')
				pl--;
		put(c, dst, pre, pl);
		put(c, dst, s + i, e - i);
		if (nl)
			put(c, dst, "\n", 1);
		i = nl ? e + 1 : n;
	}
}

/* conv_heading: "## text" (h1 becomes h2; h2-h6 kept). */
static void conv_heading(struct conv *c, const xmlNode *n, struct buf *dst, int depth, int level)
{
	struct para p;
	para_start(&p, 1);
	inl_children(c, &p.in, n, depth);
	para_trim(&p);
	if (p.b.len) {
		struct buf o = BUF_INIT;
		static const char *const marks[] = {"## ", "## ", "## ", "### ", "#### ", "##### ", "###### "};
		buf_append(&o, marks[level], strlen(marks[level]));
		buf_append(&o, p.b.data, p.b.len);
		emit(c, dst, o.data, o.len);
		buf_free(&o);
	} else
		emit(c, dst, NULL, 0);
	buf_free(&p.b);
}

/* conv_container: n's blocks in a buffer of their own, then prefixed (first line first, others rest). */
static void conv_container(struct conv *c, const xmlNode *n, struct buf *dst, int depth, const char *first,
			   const char *rest, int always)
{
	struct buf inner = BUF_INIT;
	c->nest++;
	conv_blocks(c, n, &inner, depth);
	c->nest--;
	struct buf o = BUF_INIT;
	if (inner.len)
		prefix_lines(c, &o, inner.data, inner.len, first, rest);
	else if (always) { /* an empty list item keeps its marker */
		size_t fl = strlen(first);
		while (fl && first[fl - 1] == ' ')
			fl--;
		buf_append(&o, first, fl);
	}
	emit(c, dst, o.data, o.len);
	buf_free(&o);
	buf_free(&inner);
}

/* conv_list: ul/ol as a Markdown list: items on their own lines ("- " or "N. "); other children (text
 * outside any li) as items too. Lists nested deeper than MAX_NEST are flattened into their blocks. */
static void conv_list(struct conv *c, const xmlNode *n, struct buf *dst, int depth, int ordered)
{
	if (c->nest >= MAX_NEST) {
		conv_blocks(c, n, dst, depth);
		return;
	}
	long num = 1;
	char *start = ordered ? attr(n, "start") : NULL;
	if (start) {
		num = strtol(start, NULL, 10);
		num = num < 0 || num > 99999999 ? 1 : num;
	}
	xmlFree(start);
	struct buf items = BUF_INIT;
	for (const xmlNode *ch = n->children; ch && !c->full; ch = ch->next) {
		if (ch->type == XML_TEXT_NODE && ch->content && !ch->content[strspn((const char *)ch->content, " \t\r\n")])
			continue;
		if (ch->type != XML_ELEMENT_NODE && ch->type != XML_TEXT_NODE)
			continue;
		char first[32], rest[32];
		if (ordered)
			snprintf(first, sizeof first, "%ld. ", num++);
		else
			snprintf(first, sizeof first, "- ");
		memset(rest, ' ', strlen(first));
		rest[strlen(first)] = '\0';
		struct buf item = BUF_INIT;
		if (name_is(ch, "li")) {
			count_attrs(c, ch);
			conv_container(c, ch, &item, depth + 1, first, rest, 1);
		} else if (name_is(ch, "ul") || name_is(ch, "ol")) {
			conv_block(c, ch, &item, depth + 1);
			if (item.len) { /* a list directly in a list: indent it under the previous item */
				struct buf o = BUF_INIT;
				prefix_lines(c, &o, item.data, item.len, rest, rest);
				buf_free(&item);
				item = o;
			}
		} else {
			c->nest++;
			struct buf inner = BUF_INIT;
			conv_block(c, ch, &inner, depth + 1);
			c->nest--;
			if (inner.len)
				prefix_lines(c, &item, inner.data, inner.len, first, rest);
			buf_free(&inner);
		}
		if (item.len) {
			if (items.len)
				put(c, &items, "\n", 1);
			put(c, &items, item.data, item.len);
		}
		buf_free(&item);
	}
	emit(c, dst, items.data, items.len);
	buf_free(&items);
}

/* conv_pre: a fenced code block of the text of n, fenced by more backticks than any run inside. */
static void conv_pre(struct conv *c, const xmlNode *n, struct buf *dst)
{
	struct buf t = BUF_INIT;
	plain_walk(n, NULL, &t, MAX_OUTPUT);
	size_t run = 0, longest = 2;
	size_t o = 0;
	for (size_t i = 0; i < t.len; i++) { /* controls out (tabs and newlines stay), CR LF as LF */
		unsigned char ch = (unsigned char)t.data[i];
		if ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f)
			continue;
		t.data[o++] = (char)ch;
		run = ch == '`' ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	t.len = o;
	size_t skip = t.len && t.data[0] == '\n'; /* the newline after <pre> is not content */
	while (t.len > skip && t.data[t.len - 1] == '\n')
		t.len--;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i <= longest; i++)
		buf_putc(&b, '`');
	buf_putc(&b, '\n');
	buf_append(&b, t.data ? t.data + skip : "", t.len - skip);
	buf_putc(&b, '\n');
	for (size_t i = 0; i <= longest; i++)
		buf_putc(&b, '`');
	if (t.len > skip)
		emit(c, dst, b.data, b.len);
	buf_free(&b);
	buf_free(&t);
}

/* table_rows: the rows of a table (tr children of the table or of its thead/tbody/tfoot) into rows[0..max).
 * Returns how many (up to max); sets *simple to 0 when a cell spans, holds a block structure, or a row has
 * more than MAX_COLS cells. */
static size_t table_rows(const xmlNode *t, const xmlNode **rows, size_t max, int *simple)
{
	size_t n = 0;
	for (const xmlNode *ch = t->children; ch; ch = ch->next) {
		const xmlNode *group = name_is(ch, "tr") ? NULL : ch;
		for (const xmlNode *r = group ? group->children : ch; r; r = group ? r->next : NULL) {
			if (!name_is(r, "tr"))
				continue;
			if (n == max) {
				*simple = 0;
				return n;
			}
			rows[n++] = r;
			size_t cells = 0;
			for (const xmlNode *cell = r->children; cell; cell = cell->next) {
				if (!name_is(cell, "td") && !name_is(cell, "th"))
					continue;
				cells++;
				char *cs = attr(cell, "colspan"), *rs = attr(cell, "rowspan");
				if ((cs && atoi(cs) > 1) || (rs && atoi(rs) > 1))
					*simple = 0;
				xmlFree(cs);
				xmlFree(rs);
				static const char *const blocks[] = {"table", "ul", "ol", "pre", "blockquote", "h1", "h2", "h3",
								     "h4", "h5", "h6", "p", "div", NULL};
				for (const char *const *bn = blocks; *bn; bn++)
					if (count_elems(cell, *bn) > (!strcmp(*bn, "p") || !strcmp(*bn, "div")))
						*simple = 0;
			}
			if (cells > MAX_COLS)
				*simple = 0;
		}
	}
	return n;
}

/* conv_table: a GFM table when the table is simple (the first row is the header), else its cells' text as
 * blocks. */
static void conv_table(struct conv *c, const xmlNode *t, struct buf *dst, int depth)
{
	enum { MAX_ROWS = 2000 };
	const xmlNode **rows = calloc(MAX_ROWS, sizeof *rows);
	int simple = 1;
	size_t nrows = rows ? table_rows(t, rows, MAX_ROWS, &simple) : 0;
	if (!simple || !nrows) {
		free(rows);
		conv_blocks(c, t, dst, depth);
		return;
	}
	size_t cols = 0;
	for (size_t r = 0; r < nrows; r++) {
		size_t k = 0;
		for (const xmlNode *cell = rows[r]->children; cell; cell = cell->next)
			k += name_is(cell, "td") || name_is(cell, "th");
		cols = k > cols ? k : cols;
	}
	struct buf o = BUF_INIT;
	for (size_t r = 0; r < nrows && cols; r++) {
		size_t k = 0;
		put(c, &o, "|", 1);
		for (const xmlNode *cell = rows[r]->children; cell; cell = cell->next) {
			if (!name_is(cell, "td") && !name_is(cell, "th"))
				continue;
			struct para p;
			para_start(&p, 1);
			inl_children(c, &p.in, cell, depth + 2);
			para_trim(&p);
			put(c, &o, " ", 1);
			put(c, &o, p.b.data ? p.b.data : "", p.b.len);
			put(c, &o, " |", 2);
			buf_free(&p.b);
			k++;
		}
		for (; k < cols; k++)
			put(c, &o, "  |", 3);
		put(c, &o, "\n", 1);
		if (r == 0) {
			put(c, &o, "|", 1);
			for (k = 0; k < cols; k++)
				put(c, &o, " --- |", 6);
			put(c, &o, "\n", 1);
		}
	}
	free(rows);
	if (o.len)
		o.data[--o.len] = '\0';
	emit(c, dst, o.data, o.len);
	buf_free(&o);
}

/* is_gallery: figure.wp-block-gallery, div.gallery / .tiled-gallery, or any figure holding several images. */
static int is_gallery(const xmlNode *n)
{
	return has_class(n, "wp-block-gallery") || has_class(n, "gallery") || has_class(n, "tiled-gallery") ||
	       (name_is(n, "figure") && count_elems(n, "img") > 1);
}

/* conv_figure: a figure (or WordPress's div.wp-caption): embed, pull quote, gallery, one image with its
 * caption, or (anything else) its blocks. */
static void conv_figure(struct conv *c, const xmlNode *n, struct buf *dst, int depth)
{
	if (has_class(n, "wp-block-embed")) {
		put_wp_embed(c, n);
		emit(c, dst, NULL, 0);
	} else if (has_class(n, "wp-block-pullquote")) {
		put_pullquote(c, n);
		emit(c, dst, NULL, 0);
	} else if (is_gallery(n)) {
		put_gallery(c, n);
		emit(c, dst, NULL, 0);
	} else if (count_elems(n, "img") == 1 && !find_elem(n, "table")) {
		const xmlNode *cap = find_elem(n, "figcaption");
		if (!cap) /* classic [caption] turned into HTML: div.wp-caption > img + p.wp-caption-text */
			for (const xmlNode *ch = n->children; ch && !cap; ch = ch->next)
				if (has_class(ch, "wp-caption-text"))
					cap = ch;
		put_image(c, find_elem(n, "img"), cap);
		emit(c, dst, NULL, 0);
	} else
		conv_blocks(c, n, dst, depth);
}

/* conv_block: one block-level element n into dst. */
static void conv_block(struct conv *c, const xmlNode *n, struct buf *dst, int depth)
{
	const char *name = (const char *)n->name;
	int dk = drop_kind(name);
	if (dk >= 0) {
		c->drops[dk]++;
		return;
	}
	if (silent(name))
		return;
	count_attrs(c, n);
	if (depth > MAX_DEPTH) { /* too deep: its text, as one paragraph */
		struct para p;
		para_start(&p, 0);
		conv_inline(c, &p.in, n, depth);
		para_flush(c, &p, dst, "");
		buf_free(&p.b);
		return;
	}
	if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2])
		conv_heading(c, n, dst, depth, name[1] - '0');
	else if (!strcmp(name, "ul") || !strcmp(name, "ol"))
		conv_list(c, n, dst, depth, name[0] == 'o');
	else if (!strcmp(name, "blockquote")) {
		if (has_class(n, "wp-block-pullquote") || has_class(n, "pullquote")) {
			put_pullquote(c, n);
			emit(c, dst, NULL, 0);
		} else if (c->nest >= MAX_NEST)
			conv_blocks(c, n, dst, depth);
		else
			conv_container(c, n, dst, depth, "> ", "> ", 0);
	} else if (!strcmp(name, "pre"))
		conv_pre(c, n, dst);
	else if (!strcmp(name, "hr")) {
		emit(c, dst, "***", 3);
	} else if (!strcmp(name, "table"))
		conv_table(c, n, dst, depth);
	else if (!strcmp(name, "figure") || has_class(n, "wp-caption") || is_gallery(n))
		conv_figure(c, n, dst, depth);
	else
		conv_blocks(c, n, dst, depth);
}

/* loose_text: a text node directly in a block container: a blank line in it (classic WordPress posts
 * without <p>) ends the paragraph. */
static void loose_text(struct conv *c, struct para *p, const xmlNode *n, struct buf *dst)
{
	const char *s = (const char *)n->content;
	if (!s)
		return;
	while (*s && !c->full) {
		const char *brk = NULL;
		for (const char *q = strchr(s, '\n'); q && !brk; q = strchr(q + 1, '\n')) {
			const char *r = q + 1;
			while (*r == ' ' || *r == '\t' || *r == '\r')
				r++;
			if (*r == '\n')
				brk = q;
		}
		size_t len = brk ? (size_t)(brk - s) : strlen(s);
		inl_text(c, &p->in, s, len);
		if (!brk)
			break;
		para_flush(c, p, dst, "");
		s = brk + 1;
		while (*s == '\n' || *s == ' ' || *s == '\t' || *s == '\r')
			s++;
	}
}

/* blocks_loop: the children of parent into dst, inline runs gathered in p (transparent elements' children
 * in place). */
static void blocks_loop(struct conv *c, const xmlNode *parent, struct para *p, struct buf *dst, int depth)
{
	for (const xmlNode *ch = parent->children; ch && !c->full; ch = ch->next) {
		if (ch->type == XML_TEXT_NODE)
			loose_text(c, p, ch, dst);
		else if (depth < MAX_DEPTH && transparent(c, ch))
			blocks_loop(c, ch, p, dst, depth + 1);
		else if (is_inline(ch))
			conv_inline(c, &p->in, ch, depth + 1);
		else if (ch->type == XML_ELEMENT_NODE) {
			para_flush(c, p, dst, "");
			if (!strcmp((const char *)ch->name, "p") && depth < MAX_DEPTH) {
				count_attrs(c, ch);
				blocks_loop(c, ch, p, dst, depth + 1);
				para_flush(c, p, dst, "");
			} else
				conv_block(c, ch, dst, depth + 1);
		}
	}
}

/* conv_blocks: the children of parent as blocks into dst: runs of inline content become paragraphs. */
static void conv_blocks(struct conv *c, const xmlNode *parent, struct buf *dst, int depth)
{
	struct para p;
	para_start(&p, 0);
	blocks_loop(c, parent, &p, dst, depth);
	para_flush(c, &p, dst, "");
	buf_free(&p.b);
}

/* count_head: counts what the document's head held that is dropped (scripts, styles). */
static void count_head(struct conv *c, const xmlNode *head)
{
	for (const xmlNode *ch = head->children; ch; ch = ch->next) {
		if (ch->type != XML_ELEMENT_NODE)
			continue;
		int dk = drop_kind((const char *)ch->name);
		if (dk >= 0)
			c->drops[dk]++;
	}
}

/* dropped_summary: "script x2, style attribute x3" in the arena ("" when nothing); the total in *total. */
static const char *dropped_summary(struct arena *a, const struct conv *c, int *total)
{
	struct buf b = BUF_INIT;
	*total = 0;
	for (int i = 0; i < D_COUNT; i++) {
		if (!c->drops[i])
			continue;
		*total += c->drops[i];
		buf_printf(&b, "%s%s x%d", b.len ? ", " : "", drop_names[i], c->drops[i]);
	}
	const char *r = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return r;
}

/* htmlmd_convert: see htmlmd.h. */
int htmlmd_convert(struct arena *a, const char *html, size_t len, htmlmd_image_fn img, void *ctx,
		   struct htmlmd_result *out)
{
	out->md = "";
	out->dropped = 0;
	out->dropped_what = "";
	if (len > HTMLMD_MAX_INPUT || !html)
		return -1;
	if (len == 0)
		return 0;
	htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
					HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | XML_PARSE_HUGE);
	if (!doc)
		return -1;
	struct conv c = {.img = img, .ctx = ctx};
	struct buf md = BUF_INIT;
	const xmlNode *root = xmlDocGetRootElement(doc);
	for (const xmlNode *ch = root ? root->children : NULL; ch; ch = ch->next)
		if (name_is(ch, "head"))
			count_head(&c, ch);
	const xmlNode *body = NULL;
	for (const xmlNode *ch = root ? root->children : NULL; ch && !body; ch = ch->next)
		if (name_is(ch, "body"))
			body = ch;
	if (body)
		conv_blocks(&c, body, &md, 0);
	else if (root && !name_is(root, "head"))
		conv_blocks(&c, root, &md, 0);
	emit(&c, &md, NULL, 0);
	if (c.full)
		c.drops[D_TOO_BIG]++;
	xmlFreeDoc(doc);
	out->md = arena_strndup(a, md.data ? md.data : "", md.len);
	out->dropped_what = dropped_summary(a, &c, &out->dropped);
	buf_free(&md);
	buf_free(&c.deferred);
	return 0;
}
