/* wp_shortcode.c - WordPress's shortcodes and block-editor comments made into the plain HTML htmlmd reads
 * (wp_preprocess, see wp_import.h). The one meeting point with the converter is the HTML shape: a
 * <figure> with <img> and <figcaption>, a gallery as <figure class="wp-block-gallery"> of figures, a pull
 * quote as <blockquote class="wp-block-pullquote">, an embed as <figure class="wp-block-embed"> holding a link. Pure. */
#include "wp_import.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "escape.h"

/* find_in: the first occurrence of needle in [p, end), or NULL. */
static const char *find_in(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	for (; p && p + n <= end; p++)
		if (memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

/* attr_value: the value of name="…" (or '…') in the shortcode attributes [p, end) into the arena, or NULL. */
static const char *attr_value(struct arena *a, const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);
	for (const char *q = p; q + n + 2 < end; q++) {
		if (memcmp(q, name, n) == 0 && q[n] == '=' && (q == p || q[-1] == ' ')) {
			char quote = q[n + 1];
			const char *v = q + n + 2;
			if (quote != '"' && quote != '\'')
				return arena_strndup(a, q + n + 1, strcspn(q + n + 1, " ]"));
			const char *close = memchr(v, quote, (size_t)(end - v));
			return close ? arena_strndup(a, v, (size_t)(close - v)) : NULL;
		}
	}
	return NULL;
}

/* put_figure: one image as <figure><img src alt><figcaption>caption</figcaption></figure> into b. */
static void put_figure(struct buf *b, const char *url, const char *alt, const char *caption)
{
	buf_printf(b, "<figure><img src=\"");
	buf_attr(b, url, strlen(url));
	buf_printf(b, "\" alt=\"");
	buf_attr(b, alt ? alt : "", alt ? strlen(alt) : 0);
	buf_printf(b, "\">");
	if (caption && *caption) {
		buf_printf(b, "<figcaption>");
		buf_html(b, caption, strlen(caption));
		buf_printf(b, "</figcaption>");
	}
	buf_printf(b, "</figure>");
}

/* gallery: [gallery ids="1,2,3" …] as a gallery figure of the attachments look knows. */
static void gallery(struct buf *b, struct arena *a, const char *attrs, const char *end, wp_att_lookup_fn look,
		    void *ctx)
{
	const char *ids = attr_value(a, attrs, end, "ids");
	buf_printf(b, "<figure class=\"wp-block-gallery\">");
	for (const char *p = ids; p && *p;) {
		char *next;
		long long id = strtoll(p, &next, 10);
		const struct wp_attachment_ref *r = next != p && look ? look(ctx, id) : NULL;
		if (r && r->url)
			put_figure(b, r->url, r->alt, r->caption);
		p = next != p ? next : p + 1;
		while (*p == ',' || *p == ' ')
			p++;
	}
	buf_printf(b, "</figure>");
}

/* caption: [caption …]<img …> Caption text[/caption] (inner is [p, end)) as a figure: the markup up to the
 * last '>' is the image (perhaps in a link), the text after it the caption. */
static void caption(struct buf *b, const char *p, const char *end)
{
	const char *gt = NULL;
	for (const char *q = p; q < end; q++)
		if (*q == '>')
			gt = q;
	buf_printf(b, "<figure>");
	if (gt)
		buf_append(b, p, (size_t)(gt + 1 - p));
	const char *t = gt ? gt + 1 : p;
	while (t < end && *t == ' ')
		t++;
	if (t < end) {
		buf_printf(b, "<figcaption>");
		buf_append(b, t, (size_t)(end - t));
		buf_printf(b, "</figcaption>");
	}
	buf_printf(b, "</figure>");
}

/* embed_link: an embed of url (trimmed [p, end)) as a figure holding a link. */
static void embed_link(struct buf *b, const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\r' || end[-1] == '\t'))
		end--;
	buf_printf(b, "<figure class=\"wp-block-embed\"><a href=\"");
	buf_attr(b, p, (size_t)(end - p));
	buf_printf(b, "\">");
	buf_html(b, p, (size_t)(end - p));
	buf_printf(b, "</a></figure>");
}

/* shortcode: the shortcode at p ('[') into b; returns where the input goes on, or NULL when p is not one
 * this knows (the caller copies the '[' as text). */
static const char *shortcode(struct buf *b, struct arena *a, const char *p, const char *end, wp_att_lookup_fn look,
			     void *ctx)
{
	const char *close = memchr(p, ']', (size_t)(end - p));
	if (!close)
		return NULL;
	if (strncmp(p, "[gallery", 8) == 0 && (p[8] == ' ' || p[8] == ']')) {
		gallery(b, a, p + 8, close, look, ctx);
		return close + 1;
	}
	static const char *const paired[] = {"caption", "wp_caption", "embed"};
	for (size_t k = 0; k < sizeof paired / sizeof paired[0]; k++) {
		size_t n = strlen(paired[k]);
		if (strncmp(p + 1, paired[k], n) != 0 || (p[n + 1] != ' ' && p[n + 1] != ']'))
			continue;
		const char *endtag = find_in(close + 1, end, arena_printf(a, "[/%s]", paired[k]));
		if (!endtag)
			return NULL;
		if (k < 2)
			caption(b, close + 1, endtag);
		else
			embed_link(b, close + 1, endtag);
		return endtag + n + 3;
	}
	return NULL;
}

/* block_region: a block-editor block named name (its comment at p) turned into b: pull quotes become a
 * blockquote with class wp-block-pullquote, embeds a figure with the link; returns where the input goes on,
 * or NULL when p is not such a block. */
static const char *block_region(struct buf *b, const char *p, const char *end)
{
	int pull = strncmp(p, "<!-- wp:pullquote", 17) == 0, emb = strncmp(p, "<!-- wp:embed", 13) == 0;
	if (!pull && !emb)
		return NULL;
	const char *open_end = find_in(p, end, "-->");
	const char *close = open_end ? find_in(open_end, end, pull ? "<!-- /wp:pullquote" : "<!-- /wp:embed") : NULL;
	const char *close_end = close ? find_in(close, end, "-->") : NULL;
	if (!close_end)
		return NULL;
	const char *in = open_end + 3;
	if (pull) {
		const char *bq = find_in(in, close, "<blockquote"), *bq_gt = bq ? memchr(bq, '>', (size_t)(close - bq)) : NULL;
		const char *bq_end = bq_gt ? find_in(bq_gt, close, "</blockquote>") : NULL;
		if (!bq_end)
			return NULL;
		buf_printf(b, "<blockquote class=\"wp-block-pullquote\">");
		buf_append(b, bq_gt + 1, (size_t)(bq_end - bq_gt - 1));
		buf_printf(b, "</blockquote>");
	} else {
		const char *w = find_in(in, close, "wp-block-embed__wrapper");
		const char *gt = w ? memchr(w, '>', (size_t)(close - w)) : NULL;
		const char *div = gt ? find_in(gt, close, "</div>") : NULL;
		if (!div)
			return NULL;
		embed_link(b, gt + 1, div);
	}
	return close_end + 3;
}

/* is_block_start: whether a paragraph chunk starting at p already is block HTML (no <p> around it). */
static int is_block_start(const char *p)
{
	static const char *const tags[] = {"<p", "<figure", "<h1", "<h2", "<h3", "<h4", "<h5", "<h6", "<ul", "<ol",
					   "<blockquote", "<table", "<div", "<pre", "<hr", "<script", "<style", "<iframe"};
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
		if (strncmp(p, tags[i], strlen(tags[i])) == 0)
			return 1;
	return 0;
}

/* autop: classic posts' paragraphs (text separated by blank lines) wrapped in <p>, as WordPress's wpautop
 * shows them; chunks that are block markup already are kept as they are. */
static const char *autop(struct arena *a, const char *s)
{
	struct buf b = BUF_INIT;
	while (*s) {
		while (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		const char *e = strstr(s, "\n\n");
		const char *e2 = strstr(s, "\r\n\r\n");
		if (e2 && (!e || e2 < e))
			e = e2;
		size_t n = e ? (size_t)(e - s) : strlen(s);
		int wrap = !is_block_start(s);
		buf_printf(&b, wrap ? "<p>%.*s</p>\n" : "%.*s\n", (int)n, s);
		s += n;
	}
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

const char *wp_preprocess(struct arena *a, const char *html, wp_att_lookup_fn look, void *ctx)
{
	struct buf b = BUF_INIT;
	const char *p = html, *end = html + strlen(html);
	int blocks = strstr(html, "<!-- wp:") != NULL;
	while (p < end) {
		const char *next = NULL;
		if (*p == '[')
			next = shortcode(&b, a, p, end, look, ctx);
		else if (p[0] == '<' && strncmp(p, "<!-- wp:", 8) == 0)
			next = block_region(&b, p, end);
		if (!next && (strncmp(p, "<!-- wp:", 8) == 0 || strncmp(p, "<!-- /wp:", 9) == 0)) {
			const char *c = find_in(p, end, "-->"); /* the block's own comment: nothing to show */
			next = c ? c + 3 : end;
		}
		if (next) {
			p = next;
		} else {
			buf_putc(&b, *p);
			p++;
		}
	}
	const char *out = blocks ? arena_strdup(a, buf_cstr(&b)) : autop(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}
