/* blocks.c - the article body: Markdown with typed blocks (see blocks.h and docs/blocks.md). */
#include "blocks.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "article.h"
#include "buf.h"
#include "catalog.h"
#include "embed.h"
#include "escape.h"

enum tb_type { TB_NONE, TB_IMAGE, TB_GALLERY, TB_EMBED, TB_PULLQUOTE };

static const char *const tb_names[] = {"", "image", "gallery", "embed", "pullquote"};

/* the keys each typed block allows (docs/blocks.md) */
static const char *const tb_keys[][6] = {
    {NULL},
    {"media", "alt", "caption", "credit", NULL},
    {"title", "media", "alt", "caption", "credit", NULL},
    {"url", "title", NULL},
    {"text", "by", NULL},
};

/* tb_item: one image of an image block or a gallery (strings in the arena, NULL when not given) */
struct tb_item {
	int64_t media;
	int line;
	const char *alt, *caption, *credit;
};

/* tb: a parsed typed block */
struct tb {
	enum tb_type type;
	int line; /* of the opening fence */
	const char *title, *url, *text, *by;
	struct tb_item *items;
	size_t nitems;
};

/* Where a refusal is written, and in which language (blocks_validate's lang). */
struct blocks_why {
	char *buf;
	size_t len;
	enum catalog_lang lang;
};

/* fail: formats a refusal (fmt: a catalogue string, translated into why's language) into why's buffer
 * (nowhere when why is NULL: the caller needs no reason) and returns BLOCKS_INVALID. */
__attribute__((format(printf, 2, 3))) static int fail(struct blocks_why *why, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (why && why->len)
		vsnprintf(why->buf, why->len, catalog_tr(why->lang, fmt), ap);
	va_end(ap);
	return BLOCKS_INVALID;
}

/* tb_kind: the typed block a code block is (TB_NONE for an ordinary one). */
static enum tb_type tb_kind(cmark_node *n)
{
	if (cmark_node_get_type(n) != CMARK_NODE_CODE_BLOCK || !cmark_node_get_fence_info(n))
		return TB_NONE;
	const char *info = cmark_node_get_fence_info(n);
	while (*info == ' ' || *info == '\t')
		info++;
	size_t len = strlen(info);
	while (len && (info[len - 1] == ' ' || info[len - 1] == '\t'))
		len--;
	for (int t = TB_IMAGE; t <= TB_PULLQUOTE; t++)
		if (strlen(tb_names[t]) == len && memcmp(info, tb_names[t], len) == 0)
			return (enum tb_type)t;
	return TB_NONE;
}

/* node_line: the source line of n, or of its nearest ancestor that knows one (1 when none does). */
static int node_line(cmark_node *n)
{
	for (; n; n = cmark_node_parent(n))
		if (cmark_node_get_start_line(n) > 0)
			return cmark_node_get_start_line(n);
	return 1;
}

/* parse_media: a media id (1..2^53) from s. Returns it, or 0 when s is not one. */
static int64_t parse_media(const char *s)
{
	int64_t v = 0;
	if (!*s || strlen(s) > 15)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* tb_set: stores one key's value (already checked against the block's keys) into b. Returns 0, or
 * BLOCKS_INVALID with why set. */
static int tb_set(struct arena *a, struct tb *b, const char *key, const char *val, int line, struct blocks_why *why)
{
	const char *name = tb_names[b->type];
	struct tb_item *it = b->nitems ? &b->items[b->nitems - 1] : NULL;
	const char **slot = NULL;
	if (strcmp(key, "media") == 0) {
		if (b->type == TB_IMAGE && b->nitems)
			return fail(why, N_("Line %d: an image block names one image: \"media\" is given twice."), line);
		if (b->nitems >= BLOCKS_MAX_ITEMS)
			return fail(why, N_("Line %d: a gallery holds at most %d images."), line, BLOCKS_MAX_ITEMS);
		int64_t id = parse_media(val);
		if (!id)
			return fail(why, N_("Line %d: \"media\" in the %s block must be the number of an image in the media library."),
				    line, name);
		if (!b->items)
			b->items = arena_alloc(a, sizeof *b->items * (b->type == TB_IMAGE ? 1 : BLOCKS_MAX_ITEMS));
		it = &b->items[b->nitems++];
		it->media = id;
		it->line = line;
		return BLOCKS_OK;
	}
	if (!strcmp(key, "alt") || !strcmp(key, "caption") || !strcmp(key, "credit")) {
		if (!it && b->type == TB_GALLERY)
			return fail(why, N_("Line %d: in a gallery, \"%s\" belongs to an image: write \"media\" first."), line, key);
		if (!it) { /* an image block may give its texts before its media line */
			b->items = arena_alloc(a, sizeof *b->items);
			it = &b->items[0];
		}
		slot = !strcmp(key, "alt") ? &it->alt : !strcmp(key, "caption") ? &it->caption : &it->credit;
	} else if (!strcmp(key, "title")) {
		if (b->type == TB_GALLERY && b->nitems)
			return fail(why, N_("Line %d: a gallery's \"title\" comes before its first image."), line);
		slot = &b->title;
	} else
		slot = !strcmp(key, "url") ? &b->url : !strcmp(key, "text") ? &b->text : &b->by;
	if (*slot)
		return fail(why, N_("Line %d: \"%s\" is given twice in the %s block."), line, key, name);
	*slot = arena_strdup(a, val);
	return BLOCKS_OK;
}

/* tb_line: reads one "key: value" line (s[0..n), trimmed) of block b at source line `line`. Returns 0, or
 * BLOCKS_INVALID with why set. */
static int tb_line(struct arena *a, struct tb *b, const char *s, size_t n, int line, struct blocks_why *why)
{
	const char *name = tb_names[b->type];
	const char *colon = memchr(s, ':', n);
	size_t nk = colon ? (size_t)(colon - s) : 0;
	if (!colon || nk == 0 || nk > 20)
		return fail(why, N_("Line %d: write each line of the %s block as \"key: value\"."), line, name);
	char key[24];
	memcpy(key, s, nk);
	key[nk] = '\0';
	int known = 0;
	for (const char *const *k = tb_keys[b->type]; *k; k++)
		known |= strcmp(*k, key) == 0;
	if (!known) {
		char shown[24];
		for (size_t i = 0; i <= nk; i++)
			shown[i] = (key[i] >= 'a' && key[i] <= 'z') || key[i] == '\0' ? key[i] : '?';
		return fail(why, N_("Line %d: the %s block has no key \"%s\"."), line, name, shown);
	}
	const char *v = colon + 1, *end = s + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	if (!utf8_valid(v, (size_t)(end - v)))
		return fail(why, N_("Line %d: the value of \"%s\" is not valid UTF-8 text."), line, key);
	if (utf8_chars(v, (size_t)(end - v)) > BLOCKS_MAX_VALUE)
		return fail(why, N_("Line %d: \"%s\" is longer than %d characters."), line, key, BLOCKS_MAX_VALUE);
	return tb_set(a, b, key, arena_strndup(a, v, (size_t)(end - v)), line, why);
}

/* tb_required: checks the keys a block must have. Returns 0, or BLOCKS_INVALID with why set. */
static int tb_required(struct tb *b, struct blocks_why *why)
{
	int line = b->line;
	switch (b->type) {
	case TB_IMAGE:
		if (!b->nitems || !b->items[0].media)
			return fail(why, N_("Line %d: the image block needs \"media\": the number of an image in the media library."), line);
		break;
	case TB_GALLERY:
		if (!b->nitems)
			return fail(why, N_("Line %d: the gallery has no image: add a \"media\" line for each."), line);
		break;
	case TB_EMBED:
		if (!b->url || !*b->url)
			return fail(why, N_("Line %d: the embed block needs \"url\": the https address of the post or video."), line);
		{
			struct embed e;
			int k = embed_parse(b->url, &e);
			embed_free(&e);
			if (k == EMBED_BAD)
				return fail(why, N_("Line %d: an embed's \"url\" must be an https address (https://...) with a plain host name."),
					    line);
		}
		break;
	case TB_PULLQUOTE:
		if (!b->text || !*b->text)
			return fail(why, N_("Line %d: the pull quote needs \"text\"."), line);
		break;
	default:
		break;
	}
	return BLOCKS_OK;
}

/* tb_parse: reads typed block n into *b (strings in the arena). Returns BLOCKS_OK, or BLOCKS_INVALID
 * with why naming the line at fault. */
static int tb_parse(struct arena *a, cmark_node *n, struct tb *b, struct blocks_why *why)
{
	memset(b, 0, sizeof *b);
	b->type = tb_kind(n);
	b->line = node_line(n);
	const char *s = cmark_node_get_literal(n);
	int line = b->line + 1;
	for (; s && *s; line++) {
		size_t len = strcspn(s, "\n");
		const char *t = s, *e = s + len;
		s = *e ? e + 1 : e;
		while (t < e && (*t == ' ' || *t == '\t'))
			t++;
		while (e > t && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (t == e)
			continue;
		int rc = tb_line(a, b, t, (size_t)(e - t), line, why);
		if (rc)
			return rc;
	}
	return tb_required(b, why);
}

/* link_allowed: 1 when a link or image address is http(s), mailto or has no scheme (a path on this site
 * or a fragment); tabs and line breaks, which browsers drop from addresses, do not hide a scheme. */
static int link_allowed(const char *url)
{
	char scheme[16];
	size_t j = 0;
	for (const char *p = url; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == ':')
			break;
		if (c == '/' || c == '?' || c == '#')
			return 1;
		if (j + 1 >= sizeof scheme)
			return 0;
		scheme[j++] = (char)c;
	}
	if (!strchr(url, ':'))
		return 1;
	scheme[j] = '\0';
	return !strcasecmp(scheme, "http") || !strcasecmp(scheme, "https") || !strcasecmp(scheme, "mailto");
}

/* check_media: every image a typed block names must exist. Returns BLOCKS_OK, BLOCKS_INVALID or
 * BLOCKS_ERROR (why set). */
static int check_media(const struct tb *b, blocks_media_fn media, void *ctx, struct blocks_why *why)
{
	for (size_t i = 0; media && i < b->nitems; i++) {
		struct blocks_image img = {0};
		int found = media(ctx, b->items[i].media, &img);
		if (found < 0)
		{
			fail(why, N_("The media library could not be read (database error)."));
			return BLOCKS_ERROR;
		}
		if (!found)
			return fail(why, N_("Line %d: there is no image %lld in the media library."), b->items[i].line,
				    (long long)b->items[i].media);
	}
	return BLOCKS_OK;
}

/* check_node: the rules for one node of the tree. Returns BLOCKS_OK, BLOCKS_INVALID or BLOCKS_ERROR. */
static int check_node(struct arena *a, cmark_node *n, blocks_media_fn media, void *ctx, struct blocks_why *why)
{
	cmark_node_type t = cmark_node_get_type(n);
	if (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE) {
		const char *lit = cmark_node_get_literal(n);
		char shown[41] = "";
		size_t k = 0;
		for (; lit && lit[k] && lit[k] != '\n' && k < 40; k++)
			shown[k] = lit[k];
		shown[k] = '\0';
		while (k > 0 && (shown[k - 1] & 0xC0) == 0x80) /* never cut a character */
			shown[--k] = '\0';
		if (k > 0 && (unsigned char)shown[k - 1] >= 0xC0)
			shown[--k] = '\0';
		return fail(why, N_("Line %d: HTML is not allowed in an article (%s): use the editor's formatting and blocks."),
			    node_line(n), shown);
	}
	if ((t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) && !link_allowed(cmark_node_get_url(n)))
		return fail(why, N_("Line %d: a %s address must start with https://, http:// or mailto:, or be a path on this site."),
			    node_line(n), catalog_tr(why->lang, t == CMARK_NODE_LINK ? N_("link") : N_("picture")));
	if (tb_kind(n) != TB_NONE) {
		struct tb b;
		int rc = tb_parse(a, n, &b, why);
		return rc ? rc : check_media(&b, media, ctx, why);
	}
	return BLOCKS_OK;
}

int blocks_validate(const char *md, size_t len, blocks_media_fn media, void *ctx, enum catalog_lang lang, char *err,
		    size_t errlen)
{
	struct blocks_why refusal = {.buf = err, .len = errlen, .lang = lang}, *why = &refusal;
	if (errlen)
		err[0] = '\0';
	cmark_parser *p;
	cmark_node *doc = article_parse(md, len, &p);
	if (!doc) {
		if (p)
			cmark_parser_free(p);
		fail(why, N_("The text could not be read (out of memory)."));
		return BLOCKS_ERROR;
	}
	struct arena a = ARENA_INIT;
	int rc = BLOCKS_OK;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while (rc == BLOCKS_OK && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
		if (ev == CMARK_EVENT_ENTER)
			rc = check_node(&a, cmark_iter_get_node(it), media, ctx, why);
	cmark_iter_free(it);
	arena_free(&a);
	cmark_node_free(doc);
	cmark_parser_free(p);
	return rc;
}

/* render state */
struct rs {
	struct buf out;
	struct arena a;
	cmark_parser *p;
	blocks_media_fn media;
	void *ctx;
	const char *edition;
	const char *base; /* an e-mail's rendering (blocks_mail_html): the site's address; NULL for a page */
};

/* abs_url: url made absolute for an e-mail (a path on the site prefixed with r->base), else url. */
static const char *abs_url(struct rs *r, const char *url)
{
	if (r->base && url && url[0] == '/' && url[1] != '/')
		return arena_printf(&r->a, "%s%s", r->base, url);
	return url;
}

/* lead_dir: the direction of a block from the first text in it: "rtl" after U+200F, "ltr" after U+200E,
 * else "auto". */
static const char *lead_dir(cmark_node *n)
{
	const char *dir = "auto";
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(c) != CMARK_NODE_TEXT)
			continue;
		const char *s = cmark_node_get_literal(c);
		if (s && strncmp(s, "\xE2\x80\x8F", 3) == 0)
			dir = "rtl";
		else if (s && strncmp(s, "\xE2\x80\x8E", 3) == 0)
			dir = "ltr";
		break;
	}
	cmark_iter_free(it);
	return dir;
}

/* dir_of: like lead_dir for a value of a typed block. */
static const char *dir_of(const char *s)
{
	return !strncmp(s, "\xE2\x80\x8F", 3) ? "rtl" : !strncmp(s, "\xE2\x80\x8E", 3) ? "ltr" : "auto";
}

/* cr: starts a new line in the output unless it is at the start of one. */
static void cr(struct rs *r)
{
	if (r->out.len && r->out.data[r->out.len - 1] != '\n')
		buf_putc(&r->out, '\n');
}

/* put_text: appends s (may be NULL) escaped for HTML. */
static void put_text(struct rs *r, const char *s)
{
	if (s)
		buf_html(&r->out, s, strlen(s));
}

/* put_attr: appends name="value" (value escaped), with a leading space. */
static void put_attr(struct rs *r, const char *name, const char *value)
{
	buf_printf(&r->out, " %s=\"", name);
	buf_attr(&r->out, value, strlen(value));
	buf_putc(&r->out, '"');
}

/* render_leaf: appends cmark-gfm's safe rendering of block n; a paragraph or heading gets its dir in its
 * opening tag. */
static void render_leaf(struct rs *r, cmark_node *n)
{
	char *html = cmark_render_html(n, ARTICLE_CMARK_OPTS, cmark_parser_get_syntax_extensions(r->p));
	if (!html)
		return;
	cmark_node_type t = cmark_node_get_type(n);
	const char *rest = html;
	if (t == CMARK_NODE_PARAGRAPH && strncmp(html, "<p>", 3) == 0) {
		buf_printf(&r->out, "<p dir=\"%s\">", lead_dir(n));
		rest = html + 3;
	} else if (t == CMARK_NODE_HEADING && html[0] == '<' && html[1] == 'h' && html[3] == '>') {
		buf_printf(&r->out, "<h%c dir=\"%s\">", html[2], lead_dir(n));
		rest = html + 4;
	}
	buf_append(&r->out, rest, strlen(rest));
	free(html);
}

/* put_figcaption: a figure's caption and credit, when either is given. */
static void put_figcaption(struct rs *r, const struct tb_item *it)
{
	if (!(it->caption && *it->caption) && !(it->credit && *it->credit))
		return;
	const char *lead = it->caption && *it->caption ? it->caption : it->credit;
	buf_printf(&r->out, "<figcaption dir=\"%s\">", dir_of(lead));
	if (it->caption && *it->caption)
		put_text(r, it->caption);
	if (it->credit && *it->credit) {
		buf_printf(&r->out, "%s<span class=\"credit\">", it->caption && *it->caption ? " " : "");
		put_text(r, it->credit);
		buf_printf(&r->out, "</span>");
	}
	buf_printf(&r->out, "</figcaption>");
}

/* put_figure: one image as a figure (nothing when the library no longer has it). Returns 1 when written. */
static int put_figure(struct rs *r, const struct tb_item *it, const char *cls)
{
	struct blocks_image img = {0};
	if (!r->media || r->media(r->ctx, it->media, &img) != 1 || !img.src)
		return 0;
	if (r->base) { /* an e-mail: an absolute address, one width, no srcset */
		buf_printf(&r->out, "<figure style=\"margin:16px 0;\"><img");
		put_attr(r, "src", abs_url(r, img.src));
		put_attr(r, "alt", it->alt ? it->alt : img.alt ? img.alt : "");
		buf_printf(&r->out, " style=\"display:block;width:100%%;max-width:552px;height:auto;border:0;\">");
		put_figcaption(r, it);
		buf_printf(&r->out, "</figure>");
		return 1;
	}
	buf_printf(&r->out, "<figure class=\"%s\"><img", cls);
	put_attr(r, "src", img.src);
	if (img.srcset && *img.srcset) {
		put_attr(r, "srcset", img.srcset);
		put_attr(r, "sizes", "(max-width: 900px) 100vw, 800px");
	}
	put_attr(r, "alt", it->alt ? it->alt : img.alt ? img.alt : "");
	if (img.width > 0 && img.height > 0)
		buf_printf(&r->out, " width=\"%d\" height=\"%d\"", img.width, img.height);
	buf_printf(&r->out, " loading=\"lazy\" decoding=\"async\">");
	put_figcaption(r, it);
	buf_printf(&r->out, "</figure>");
	return 1;
}

/* put_gallery: a gallery as a titled figure holding a focusable, horizontally scrolling track of figures
 * (CSS scroll snap; arrow keys scroll it once focused, no script needed). Images the library no longer
 * has are left out; nothing is written when none is left. */
static void put_gallery(struct rs *r, const struct tb *b)
{
	size_t start = r->out.len;
	int ar = r->edition && strcmp(r->edition, "ar") == 0, shown = 0;
	const char *label = b->title && *b->title ? b->title : ar ? "معرض صور" : "Gallery";
	buf_printf(&r->out, "<figure class=\"gallery\">");
	if (b->title && *b->title) {
		buf_printf(&r->out, "<figcaption class=\"gallery-title\" dir=\"%s\">", dir_of(b->title));
		put_text(r, b->title);
		buf_printf(&r->out, "</figcaption>");
	}
	buf_printf(&r->out, "<div class=\"gallery-track\" tabindex=\"0\" role=\"region\"");
	put_attr(r, "aria-label", label);
	buf_putc(&r->out, '>');
	for (size_t i = 0; i < b->nitems; i++)
		shown += put_figure(r, &b->items[i], "gallery-item");
	buf_printf(&r->out, "</div></figure>\n");
	if (!shown)
		r->out.len = start, r->out.data[start] = '\0';
}

/* put_embed: an embed as a card: the provider, the editor's title as a link to the post. For a known
 * provider the card carries the frame address in data-embed-src, which static/embed.js uses after a
 * click; without script (and in feeds) it stays a link. */
static void put_embed(struct rs *r, const struct tb *b)
{
	if (r->base) { /* an e-mail: a plain link (no frame, no script) */
		const char *title = b->title && *b->title ? b->title : b->url;
		buf_printf(&r->out, "<p dir=\"%s\"><a", dir_of(title));
		put_attr(r, "href", b->url);
		buf_putc(&r->out, '>');
		put_text(r, title);
		buf_printf(&r->out, "</a></p>\n");
		return;
	}
	struct embed e;
	int k = embed_parse(b->url, &e);
	if (k != EMBED_BAD) {
		buf_printf(&r->out, "<div class=\"embed%s\"", k == EMBED_FRAME ? "" : " embed-link");
		if (k == EMBED_FRAME) {
			put_attr(r, "data-embed-src", e.frame.data);
			put_attr(r, "data-embed-provider", e.provider);
		}
		buf_printf(&r->out, "><p class=\"embed-provider\">");
		put_text(r, e.provider);
		const char *title = b->title && *b->title ? b->title : b->url;
		buf_printf(&r->out, "</p><p class=\"embed-title\" dir=\"%s\"><a", dir_of(title));
		put_attr(r, "href", b->url);
		buf_printf(&r->out, " rel=\"noopener\">");
		put_text(r, title);
		buf_printf(&r->out, "</a></p></div>\n");
	}
	embed_free(&e);
}

/* render_typed: a typed block; one that does not parse renders as nothing. */
static void render_typed(struct rs *r, cmark_node *n)
{
	struct tb b;
	if (tb_parse(&r->a, n, &b, NULL) != BLOCKS_OK)
		return;
	if (b.type == TB_IMAGE) {
		if (put_figure(r, &b.items[0], "body-image"))
			buf_putc(&r->out, '\n');
	}
	else if (b.type == TB_GALLERY && !r->base) /* an e-mail has none (blocks_mail_validate) */
		put_gallery(r, &b);
	else if (b.type == TB_GALLERY)
		return;
	else if (b.type == TB_EMBED)
		put_embed(r, &b);
	else {
		buf_printf(&r->out, "<figure class=\"pullquote\"><blockquote dir=\"%s\"><p>", dir_of(b.text));
		put_text(r, b.text);
		buf_printf(&r->out, "</p></blockquote>");
		if (b.by && *b.by) {
			buf_printf(&r->out, "<figcaption dir=\"%s\">", dir_of(b.by));
			put_text(r, b.by);
			buf_printf(&r->out, "</figcaption>");
		}
		buf_printf(&r->out, "</figure>\n");
	}
}

/* in_tight_item: 1 when paragraph n sits in an item of a tight list (cmark-gfm then writes no <p>). */
static int in_tight_item(cmark_node *n)
{
	cmark_node *item = cmark_node_parent(n);
	cmark_node *list = item ? cmark_node_parent(item) : NULL;
	return list && cmark_node_get_type(list) == CMARK_NODE_LIST && cmark_node_get_list_tight(list);
}

/* render_event: one step of the walk over the tree; returns 1 when n's children are done already. */
static int render_event(struct rs *r, cmark_node *n, cmark_event_type ev)
{
	cmark_node_type t = cmark_node_get_type(n);
	int enter = ev == CMARK_EVENT_ENTER;
	switch (t) {
	case CMARK_NODE_DOCUMENT:
		return 0;
	case CMARK_NODE_BLOCK_QUOTE:
		cr(r);
		if (enter)
			buf_printf(&r->out, "<blockquote dir=\"%s\">\n", lead_dir(n));
		else
			buf_printf(&r->out, "</blockquote>\n");
		return 0;
	case CMARK_NODE_LIST: {
		int ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
		int start = cmark_node_get_list_start(n);
		cr(r);
		if (!enter)
			buf_printf(&r->out, "</%s>\n", ordered ? "ol" : "ul");
		else if (ordered && start != 1)
			buf_printf(&r->out, "<ol start=\"%d\">\n", start);
		else
			buf_printf(&r->out, "<%s>\n", ordered ? "ol" : "ul");
		return 0;
	}
	case CMARK_NODE_ITEM:
		if (enter) {
			cr(r);
			buf_printf(&r->out, "<li dir=\"%s\">", lead_dir(n));
		} else
			buf_printf(&r->out, "</li>\n");
		return 0;
	case CMARK_NODE_CODE_BLOCK:
		cr(r);
		if (tb_kind(n) != TB_NONE)
			render_typed(r, n);
		else
			render_leaf(r, n);
		return 1;
	default:
		if (!enter)
			return 1;
		if (!(t == CMARK_NODE_PARAGRAPH && in_tight_item(n)))
			cr(r);
		render_leaf(r, n);
		return 1;
	}
}

/* drop_unsafe_links: empties the address of every link and picture that validation would refuse (a body
 * saved before validation, or imported, may hold one; cmark-gfm's safe mode alone lets data:image/png
 * through). Owns nothing; cannot fail. */
static void drop_unsafe_links(cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) &&
		    !link_allowed(cmark_node_get_url(n)))
			cmark_node_set_url(n, "");
	}
	cmark_iter_free(it);
}

/* absolute_links: every link and picture address that is a path on the site gets the site's address r->base
 * in front (an e-mail is read away from the site). */
static void absolute_links(struct rs *r, cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE))
			cmark_node_set_url(n, abs_url(r, cmark_node_get_url(n)));
	}
	cmark_iter_free(it);
}

char *blocks_html(const char *md, size_t len, blocks_media_fn media, void *ctx, const char *edition)
{
	return blocks_mail_html(md, len, media, ctx, edition, NULL);
}

char *blocks_mail_html(const char *md, size_t len, blocks_media_fn media, void *ctx, const char *edition,
		       const char *base)
{
	struct rs r = {.out = BUF_INIT, .a = ARENA_INIT, .media = media, .ctx = ctx, .edition = edition, .base = base};
	cmark_node *doc = article_parse(md, len, &r.p);
	if (!doc) {
		if (r.p)
			cmark_parser_free(r.p);
		return NULL;
	}
	drop_unsafe_links(doc);
	if (base)
		absolute_links(&r, doc);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (render_event(&r, n, ev) && ev == CMARK_EVENT_ENTER && cmark_node_first_child(n))
			cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
	}
	cmark_iter_free(it);
	arena_free(&r.a);
	cmark_node_free(doc);
	cmark_parser_free(r.p);
	buf_putc(&r.out, '\0');
	r.out.len--;
	return buf_steal(&r.out, NULL);
}

/* text_sep: ends a block in plain text with a blank line (once). */
static void text_sep(struct buf *b)
{
	if (b->len && b->data[b->len - 1] != '\n')
		buf_append(b, "\n\n", 2);
}

/* text_value: appends a typed block's value and a line break when it is given. */
static void text_value(struct buf *b, const char *s)
{
	if (s && *s) {
		buf_append(b, s, strlen(s));
		buf_putc(b, '\n');
	}
}

/* text_typed: the words of a typed block (values only). */
static void text_typed(struct arena *a, struct buf *out, cmark_node *n)
{
	struct tb b;
	if (tb_parse(a, n, &b, NULL) != BLOCKS_OK)
		return;
	text_sep(out);
	text_value(out, b.title);
	text_value(out, b.text);
	text_value(out, b.by);
	for (size_t i = 0; i < b.nitems; i++) {
		text_value(out, b.items[i].caption);
		text_value(out, b.items[i].credit);
		text_value(out, b.items[i].alt);
	}
	text_sep(out);
}

/* text_done: frees doc and p, and returns out's text without its trailing blank lines and spaces
 * (out's buffer, NUL-terminated, which the caller frees). */
static char *text_done(cmark_node *doc, cmark_parser *p, struct buf *out)
{
	cmark_node_free(doc);
	cmark_parser_free(p);
	while (out->len && (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == ' '))
		out->len--;
	buf_putc(out, '\0');
	out->len--;
	return buf_steal(out, NULL);
}

/* parse_body: md[0..len) parsed by article_parse into *doc with its parser *p. Returns 0, or -1 when it
 * could not be parsed (out of memory; nothing is left to free). */
static int parse_body(const char *md, size_t len, cmark_node **doc, cmark_parser **p)
{
	*doc = article_parse(md, len, p);
	if (*doc)
		return 0;
	if (*p)
		cmark_parser_free(*p);
	return -1;
}

char *blocks_text(const char *md, size_t len)
{
	cmark_parser *p;
	cmark_node *doc;
	if (parse_body(md, len, &doc, &p) != 0)
		return NULL;
	struct buf out = BUF_INIT;
	struct arena a = ARENA_INIT;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		const char *lit = cmark_node_get_literal(n);
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || (t == CMARK_NODE_CODE_BLOCK && tb_kind(n) == TB_NONE))
			buf_append(&out, lit ? lit : "", lit ? strlen(lit) : 0);
		else if (t == CMARK_NODE_CODE_BLOCK)
			text_typed(&a, &out, n);
		else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
			buf_putc(&out, ' ');
		else if ((t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK && ev == CMARK_EVENT_EXIT)
			text_sep(&out);
		else if ((t & CMARK_NODE_TYPE_MASK) != CMARK_NODE_TYPE_INLINE)
			buf_putc(&out, ' '); /* a table cell and the like: keep words apart */
	}
	cmark_iter_free(it);
	arena_free(&a);
	return text_done(doc, p, &out);
}

const char *blocks_frame_hosts(struct arena *a, const char *md, size_t len)
{
	cmark_parser *p;
	cmark_node *doc = article_parse(md, len, &p);
	struct buf out = BUF_INIT;
	if (doc) {
		cmark_iter *it = cmark_iter_new(doc);
		cmark_event_type ev;
		while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
			cmark_node *n = cmark_iter_get_node(it);
			struct tb b;
			if (ev != CMARK_EVENT_ENTER || tb_kind(n) != TB_EMBED || tb_parse(a, n, &b, NULL))
				continue;
			struct embed e;
			if (embed_parse(b.url, &e) == EMBED_FRAME) {
				const char *have = out.len ? strstr(out.data, e.frame_host) : NULL;
				size_t hl = strlen(e.frame_host);
				if (!(have && (have[hl] == ' ' || have[hl] == '\0'))) {
					if (out.len)
						buf_putc(&out, ' ');
					buf_append(&out, e.frame_host, hl);
				}
			}
			embed_free(&e);
		}
		cmark_iter_free(it);
		cmark_node_free(doc);
	}
	if (p)
		cmark_parser_free(p);
	const char *s = arena_strndup(a, out.data ? out.data : "", out.len);
	buf_free(&out);
	return s;
}

/* gallery_of: the images of parsed gallery b that media finds, into g. Returns 1 when there is one. */
static int gallery_of(struct arena *a, const struct tb *b, blocks_media_fn media, void *ctx, struct blocks_gallery *g)
{
	g->title = b->title;
	g->images = arena_alloc(a, b->nitems * sizeof *g->images);
	g->nimages = 0;
	for (size_t i = 0; i < b->nitems; i++) {
		struct blocks_image img = {0};
		if (!media || media(ctx, b->items[i].media, &img) != 1 || !img.src)
			continue;
		const struct tb_item *it = &b->items[i];
		g->images[g->nimages++] = (struct blocks_gallery_image){
		    .src = img.src, .alt = it->alt ? it->alt : img.alt, .caption = it->caption, .credit = it->credit};
	}
	return g->nimages > 0;
}

size_t blocks_galleries(struct arena *a, const char *md, size_t len, blocks_media_fn media, void *ctx,
			struct blocks_gallery **out)
{
	cmark_parser *p;
	cmark_node *doc = article_parse(md, len, &p);
	size_t n = 0, cap = 0;
	*out = NULL;
	if (doc) {
		cmark_iter *it = cmark_iter_new(doc);
		cmark_event_type ev;
		while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
			cmark_node *node = cmark_iter_get_node(it);
			struct tb b;
			if (ev != CMARK_EVENT_ENTER || tb_kind(node) != TB_GALLERY || tb_parse(a, node, &b, NULL))
				continue;
			if (n == cap) { /* grow the arena array (old copies stay in the arena until it is freed) */
				struct blocks_gallery *bigger = arena_alloc(a, (cap = cap ? cap * 2 : 4) * sizeof *bigger);
				if (n)
					memcpy(bigger, *out, n * sizeof *bigger);
				*out = bigger;
			}
			n += (size_t)gallery_of(a, &b, media, ctx, &(*out)[n]);
		}
		cmark_iter_free(it);
		cmark_node_free(doc);
	}
	if (p)
		cmark_parser_free(p);
	if (!n)
		*out = NULL;
	return n;
}

/* ---- an introduction that goes into an e-mail (issue 22: newsletter issues) ---- */

/* inline_text: the words of inline node n's children (links as their text) onto b. */
static void inline_text(struct buf *b, cmark_node *n)
{
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
		cmark_node_type t = cmark_node_get_type(c);
		const char *lit = cmark_node_get_literal(c);
		if ((t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) && lit)
			buf_append(b, lit, strlen(lit));
		else if (t == CMARK_NODE_SOFTBREAK)
			buf_putc(b, ' ');
		else if (t == CMARK_NODE_LINEBREAK)
			buf_putc(b, '\n');
		else
			inline_text(b, c);
	}
}

/* mail_check_node: an e-mail's own rules for node n: no gallery, every picture with alt text (a typed
 * image's own, or the library's through media). BLOCKS_OK, BLOCKS_INVALID or BLOCKS_ERROR (why set). */
static int mail_check_node(struct arena *a, cmark_node *n, blocks_media_fn media, void *ctx, struct blocks_why *why)
{
	if (cmark_node_get_type(n) == CMARK_NODE_IMAGE) {
		struct buf alt = BUF_INIT;
		inline_text(&alt, n);
		int empty = alt.len == 0;
		buf_free(&alt);
		return empty ? fail(why, N_("Line %d: a picture in an e-mail needs alt text: write it between the brackets."),
				    node_line(n))
			     : BLOCKS_OK;
	}
	struct tb b;
	if (tb_kind(n) == TB_NONE || tb_parse(a, n, &b, why) != BLOCKS_OK)
		return BLOCKS_OK;
	if (b.type == TB_GALLERY)
		return fail(why, N_("Line %d: a gallery cannot go into an e-mail: use single images."), b.line);
	if (b.type != TB_IMAGE || (b.items[0].alt && *b.items[0].alt))
		return BLOCKS_OK;
	struct blocks_image img = {0};
	int found = media ? media(ctx, b.items[0].media, &img) : 0;
	if (found < 0) {
		fail(why, N_("The media library could not be read (database error)."));
		return BLOCKS_ERROR;
	}
	if (found && img.alt && *img.alt)
		return BLOCKS_OK;
	return fail(why, N_("Line %d: an image in an e-mail needs alt text: add an alt line to it."), b.line);
}

int blocks_mail_validate(const char *md, size_t len, blocks_media_fn media, void *ctx, enum catalog_lang lang,
			 char *err, size_t errlen)
{
	int rc = blocks_validate(md, len, media, ctx, lang, err, errlen);
	if (rc != BLOCKS_OK)
		return rc;
	struct blocks_why refusal = {.buf = err, .len = errlen, .lang = lang};
	cmark_parser *p;
	cmark_node *doc = article_parse(md, len, &p);
	if (!doc) {
		if (p)
			cmark_parser_free(p);
		return fail(&refusal, N_("The text could not be read (out of memory).")), BLOCKS_ERROR;
	}
	struct arena a = ARENA_INIT;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while (rc == BLOCKS_OK && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
		if (ev == CMARK_EVENT_ENTER)
			rc = mail_check_node(&a, cmark_iter_get_node(it), media, ctx, &refusal);
	cmark_iter_free(it);
	arena_free(&a);
	cmark_node_free(doc);
	cmark_parser_free(p);
	return rc;
}

/* mail_inline: inline node n's children as plain text onto b: a link as its words then <address>
 * (absolute: base before a path on the site), a picture as its alt text in brackets. */
static void mail_inline(struct buf *b, cmark_node *n, const char *base)
{
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
		cmark_node_type t = cmark_node_get_type(c);
		const char *url = cmark_node_get_url(c);
		if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) {
			buf_printf(b, "%s", t == CMARK_NODE_IMAGE ? "[" : "");
			mail_inline(b, c, base);
			if (t == CMARK_NODE_IMAGE)
				buf_putc(b, ']');
			else if (url && *url)
				buf_printf(b, " <%s%s>", url[0] == '/' && url[1] != '/' ? base : "", url);
		} else if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_SOFTBREAK ||
			   t == CMARK_NODE_LINEBREAK) {
			const char *lit = cmark_node_get_literal(c);
			if (t == CMARK_NODE_SOFTBREAK)
				buf_putc(b, ' ');
			else if (t == CMARK_NODE_LINEBREAK)
				buf_putc(b, '\n');
			else if (lit)
				buf_append(b, lit, strlen(lit));
		} else {
			mail_inline(b, c, base);
		}
	}
}

/* mail_typed: a typed block as plain text: an image's alt text and caption, an embed's title and address,
 * a pull quote with who said it (a gallery: nothing). */
static void mail_typed(struct arena *a, struct buf *b, cmark_node *n)
{
	struct tb t;
	if (tb_parse(a, n, &t, NULL) != BLOCKS_OK)
		return;
	if (t.type == TB_IMAGE && t.items[0].alt && *t.items[0].alt)
		buf_printf(b, "[%s]", t.items[0].alt);
	if (t.type == TB_IMAGE && t.items[0].caption && *t.items[0].caption)
		buf_printf(b, "%s%s", t.items[0].alt && *t.items[0].alt ? " " : "", t.items[0].caption);
	else if (t.type == TB_EMBED)
		buf_printf(b, "%s%s<%s>", t.title ? t.title : "", t.title && *t.title ? " " : "", t.url);
	else if (t.type == TB_PULLQUOTE)
		buf_printf(b, "\"%s\"%s%s", t.text, t.by && *t.by ? " - " : "", t.by && *t.by ? t.by : "");
}

/* mail_blocks: the blocks under n as plain text, one paragraph each (a list's items one a line, with their
 * marker). */
static void mail_blocks(struct arena *a, struct buf *b, cmark_node *n, const char *base)
{
	int ordered = cmark_node_get_type(n) == CMARK_NODE_LIST && cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
	int number = ordered ? cmark_node_get_list_start(n) : 0;
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
		cmark_node_type t = cmark_node_get_type(c);
		if (t == CMARK_NODE_ITEM) {
			if (b->len && b->data[b->len - 1] != '\n')
				buf_putc(b, '\n');
			if (ordered)
				buf_printf(b, "%d. ", number++);
			else
				buf_printf(b, "- ");
			mail_blocks(a, b, c, base);
			continue;
		}
		if (cmark_node_parent(c) && cmark_node_get_type(cmark_node_parent(c)) != CMARK_NODE_ITEM)
			text_sep(b);
		if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING)
			mail_inline(b, c, base);
		else if (t == CMARK_NODE_CODE_BLOCK && tb_kind(c) != TB_NONE)
			mail_typed(a, b, c);
		else if (t == CMARK_NODE_CODE_BLOCK && cmark_node_get_literal(c))
			buf_printf(b, "%s", cmark_node_get_literal(c));
		else if (t == CMARK_NODE_THEMATIC_BREAK)
			buf_printf(b, "----");
		else if (t != CMARK_NODE_HTML_BLOCK)
			mail_blocks(a, b, c, base);
	}
}

char *blocks_mail_text(const char *md, size_t len, const char *base)
{
	cmark_parser *p;
	cmark_node *doc;
	if (parse_body(md, len, &doc, &p) != 0)
		return NULL;
	struct buf out = BUF_INIT;
	struct arena a = ARENA_INIT;
	mail_blocks(&a, &out, doc, base ? base : "");
	arena_free(&a);
	return text_done(doc, p, &out);
}
