/* live.c - what readers see of a live blog (see live.h). Pure: arguments in, arena text out. */
#include "live.h"

#include <string.h>

#include "buf.h"
#include "datefmt.h"
#include "escape.h"

/* {English, Arabic} for each live_text */
static const char *const texts[LIVE_T_N][2] = {
	[LIVE_T_LIVE] = {"Live", "مباشر"},
	[LIVE_T_ENDED] = {"Coverage ended", "انتهت التغطية"},
	[LIVE_T_STARTED] = {"Coverage started", "بدأت التغطية"},
	[LIVE_T_ENDED_AT] = {"Coverage ended", "انتهت التغطية"},
	[LIVE_T_KEY_EVENTS] = {"Key events", "أبرز الأحداث"},
	[LIVE_T_KEY_EVENT] = {"Key event", "حدث رئيسي"},
	[LIVE_T_PINNED] = {"Pinned", "مثبّت"},
	[LIVE_T_UPDATES] = {"Updates", "التحديثات"},
	[LIVE_T_OLDER] = {"Older updates", "تحديثات أقدم"},
	[LIVE_T_NEWEST] = {"Latest updates", "آخر التحديثات"},
	[LIVE_T_NONE] = {"No updates yet.", "لا توجد تحديثات بعد."},
	[LIVE_T_CORRECTION] = {"Correction:", "تصحيح:"},
	[LIVE_T_WITHDRAWN] = {"This update was withdrawn", "سُحب هذا التحديث"},
	[LIVE_T_LINK] = {"Link to this update", "رابط هذا التحديث"},
	[LIVE_T_BACK] = {"Back to the live coverage", "العودة إلى التغطية المباشرة"},
	[LIVE_T_UPDATE] = {"Update", "تحديث"},
	[LIVE_T_COUNT] = {"updates", "تحديثات"},
};

const char *live_text(const char *edition, enum live_text k)
{
	if ((int)k < 0 || k >= LIVE_T_N)
		return "";
	return texts[k][edition && strcmp(edition, "ar") == 0];
}

/* put_html / put_attr: s escaped for HTML text / an attribute value ("" for NULL). */
static void put_html(struct buf *b, const char *s)
{
	if (s)
		buf_html(b, s, strlen(s));
}
static void put_attr(struct buf *b, const char *s)
{
	if (s)
		buf_attr(b, s, strlen(s));
}

/* put_time: <time datetime="ISO" dir="DIR">stamp</time> for t in edition's stamp style. */
static void put_time(struct buf *b, int64_t t, const char *edition)
{
	struct buf s = BUF_INIT;
	datefmt_iso(&s, t);
	buf_lit(b, "<time datetime=\"");
	buf_append(b, s.data, s.len);
	buf_reset(&s);
	datefmt_stamp(&s, t, edition);
	if (edition && strcmp(edition, "ar") == 0)
		buf_lit(b, "\" dir=\"rtl\">");
	else
		buf_lit(b, "\" dir=\"ltr\">");
	buf_html(b, s.data, s.len);
	buf_lit(b, "</time>");
	buf_free(&s);
}

/* put_link: the entry's own link, as the time (meta line) or as the words "Link to this update". */
static void put_link(struct buf *b, const char *href, const char *edition)
{
	buf_lit(b, "<p class=\"live-entry-link\"><a href=\"");
	put_attr(b, href);
	buf_lit(b, "\">");
	put_html(b, live_text(edition, LIVE_T_LINK));
	buf_lit(b, "</a></p>\n");
}

const char *live_entry_html(struct arena *a, const struct db_live_entry *e, const char *edition, const char *entry_href,
			    int pinned)
{
	struct buf b = BUF_INIT;
	int withdrawn = e->state && strcmp(e->state, "withdrawn") == 0;
	int key = !withdrawn && e->key_event && *e->key_event;
	buf_lit(&b, "<article");
	if (!pinned)
		buf_printf(&b, " id=\"entry-%lld\"", (long long)e->id);
	buf_lit(&b, " class=\"live-entry");
	if (pinned)
		buf_lit(&b, " live-entry-pinned");
	if (key)
		buf_lit(&b, " live-entry-key");
	if (withdrawn)
		buf_lit(&b, " live-entry-withdrawn");
	buf_printf(&b, "\" data-entry-id=\"%lld\" data-entry-version=\"%lld\">\n", (long long)e->id, (long long)e->version);
	buf_lit(&b, "<p class=\"live-entry-meta\">");
	if (pinned) {
		buf_lit(&b, "<strong class=\"live-pinned-label\">");
		put_html(&b, live_text(edition, LIVE_T_PINNED));
		buf_lit(&b, "</strong> · ");
	}
	buf_lit(&b, "<a class=\"live-entry-time\" href=\"");
	put_attr(&b, entry_href);
	buf_lit(&b, "\">");
	put_time(&b, e->created_at, edition);
	buf_lit(&b, "</a>");
	if (!withdrawn && e->byline && *e->byline) {
		buf_lit(&b, " · <span class=\"live-entry-byline\"><bdi>");
		put_html(&b, e->byline);
		buf_lit(&b, "</bdi></span>");
	}
	buf_lit(&b, "</p>\n");
	if (withdrawn) {
		buf_lit(&b, "<p class=\"live-withdrawn\"><strong>");
		put_html(&b, live_text(edition, LIVE_T_WITHDRAWN));
		buf_lit(&b, "</strong>");
		if (e->note && *e->note) {
			buf_lit(&b, " <span class=\"live-note\">");
			put_html(&b, e->note);
			buf_lit(&b, "</span>");
		}
		buf_lit(&b, "</p>\n");
	} else {
		if (key) {
			buf_lit(&b, "<p class=\"live-key-event\"><span class=\"live-key-label\">");
			put_html(&b, live_text(edition, LIVE_T_KEY_EVENT));
			buf_lit(&b, "</span> <strong>");
			put_html(&b, e->key_event);
			buf_lit(&b, "</strong></p>\n");
		}
		buf_lit(&b, "<div class=\"live-entry-body\">\n");
		if (e->body_html) /* the writing desk's sanitised rendering, trusted as the article body is */
			buf_append(&b, e->body_html, strlen(e->body_html));
		buf_lit(&b, "\n</div>\n");
		if (e->note && *e->note) {
			buf_lit(&b, "<p class=\"live-correction\"><strong>");
			put_html(&b, live_text(edition, LIVE_T_CORRECTION));
			buf_lit(&b, "</strong> ");
			put_html(&b, e->note);
			if (e->corrected_at > 0) {
				buf_lit(&b, " (");
				put_time(&b, e->corrected_at, edition);
				buf_lit(&b, ")");
			}
			buf_lit(&b, "</p>\n");
		}
	}
	put_link(&b, entry_href, edition);
	buf_lit(&b, "</article>\n");
	const char *out = arena_strndup(a, buf_cstr(&b), b.len);
	buf_free(&b);
	return out;
}

/* entity: the character an HTML entity at s stands for (the few cmark writes), its length in *len;
 * NULL when s is no entity it knows. */
static const char *entity(const char *s, size_t *len)
{
	static const char *const known[][2] = {{"&amp;", "&"}, {"&lt;", "<"},  {"&gt;", ">"},
					       {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		size_t n = strlen(known[i][0]);
		if (strncmp(s, known[i][0], n) == 0) {
			*len = n;
			return known[i][1];
		}
	}
	return NULL;
}

/* plain_text: html with tags dropped (a block's end and <br> become a space), entities decoded and
 * runs of white space collapsed to one space, trimmed; into b. */
static void plain_text(struct buf *b, const char *html)
{
	int space = 1; /* at the start, or after a space: leading and repeated spaces are dropped */
	for (const char *p = html ? html : ""; *p;) {
		const char *ch = p;
		size_t n = 1;
		if (*p == '<') {
			const char *end = strchr(p, '>');
			p = end ? end + 1 : p + strlen(p);
			ch = " ";
		} else if (*p == '&' && entity(p, &n)) {
			ch = entity(p, &n);
			p += n;
			n = strlen(ch);
		} else {
			p++;
		}
		if (*ch == ' ' || *ch == '\n' || *ch == '\t' || *ch == '\r') {
			if (!space)
				buf_putc(b, ' ');
			space = 1;
			continue;
		}
		buf_append(b, ch, n);
		space = 0;
	}
	while (b->len && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0';
}

const char *live_entry_text(struct arena *a, const struct db_live_entry *e)
{
	struct buf b = BUF_INIT;
	plain_text(&b, e->body_html);
	const char *out = arena_strndup(a, buf_cstr(&b), b.len);
	buf_free(&b);
	return out;
}

const char *live_entry_title(struct arena *a, const struct db_live_entry *e, size_t max_chars,
			     const char *withdrawn_text)
{
	if (e->state && strcmp(e->state, "withdrawn") == 0)
		return arena_strdup(a, withdrawn_text ? withdrawn_text : "");
	const char *src = e->key_event && *e->key_event ? e->key_event : live_entry_text(a, e);
	size_t len = strlen(src), cut = 0, chars = 0, last_space = 0;
	while (cut < len && chars < max_chars) {
		size_t step = 1;
		while (cut + step < len && ((unsigned char)src[cut + step] & 0xC0) == 0x80)
			step++; /* a UTF-8 character's continuation bytes */
		if (src[cut] == ' ')
			last_space = cut;
		cut += step;
		chars++;
	}
	if (cut >= len)
		return arena_strdup(a, src);
	if (last_space > 0)
		cut = last_space; /* end on a word */
	return arena_printf(a, "%.*s…", (int)cut, src);
}
