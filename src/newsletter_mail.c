/* newsletter_mail.c - see newsletter_mail.h. The HTML is valid HTML (vnu): presentation tables carry
 * role="presentation" and dir, and their layout is in inline styles rather than the obsolete align/width
 * attributes; the dark scheme is a prefers-color-scheme block that clients which honour it apply, and the
 * light colours are chosen to stay readable when a client inverts them itself. */
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "catalog.h"
#include "datefmt.h"
#include "escape.h"
#include "newsletter_mail.h"

#define S(x) ((x) ? (x) : "")

static const char nl_style[] =
	"<style>:root{color-scheme:light dark}"
	"@media (prefers-color-scheme: dark){.nl-page{background:#111111 !important}"
	".nl-card{background:#1c1c1c !important;color:#eeeeee !important}"
	".nl-card a{color:#9cc8ff !important}.nl-muted{color:#bbbbbb !important}}</style>";

/* put_html / put_attr: s escaped for element text / an attribute value onto b. */
static void put_html(struct buf *b, const char *s)
{
	buf_html(b, S(s), strlen(S(s)));
}

static void put_attr(struct buf *b, const char *s)
{
	buf_attr(b, S(s), strlen(S(s)));
}

/* html_head: the document up to the card's first row: language and direction, colour schemes, title,
 * the hidden preheader. */
static void html_head(struct buf *b, const struct nl_mail_input *in, int rtl)
{
	buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
		   rtl ? "ar" : "en", rtl ? "rtl" : "ltr");
	buf_printf(b, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		      "<meta name=\"color-scheme\" content=\"light dark\">\n"
		      "<meta name=\"supported-color-schemes\" content=\"light dark\">\n<title>");
	put_html(b, in->subject);
	buf_printf(b, "</title>\n%s\n</head>\n", nl_style);
	buf_printf(b, "<body class=\"nl-page\" style=\"margin:0;padding:0;background:#eeeeec;\">\n");
	buf_printf(b, "<div style=\"display:none;max-height:0;overflow:hidden;opacity:0;\">");
	put_html(b, in->preheader);
	buf_printf(b, "</div>\n");
	const char *align = rtl ? "right" : "left";
	buf_printf(b,
		   "<table role=\"presentation\" dir=\"%s\" style=\"width:100%%;border-collapse:collapse;background:#eeeeec;\">"
		   "<tr><td style=\"padding:16px 8px;\">\n"
		   "<table role=\"presentation\" class=\"nl-card\" dir=\"%s\" style=\"width:100%%;max-width:600px;margin:0 auto;"
		   "border-collapse:collapse;background:#ffffff;color:#1a1a1a;text-align:%s;font-family:%s;"
		   "font-size:16px;line-height:1.5;\">\n",
		   rtl ? "rtl" : "ltr", rtl ? "rtl" : "ltr", align,
		   rtl ? "Tahoma, 'Noto Naskh Arabic', Arial, sans-serif" : "Georgia, 'Times New Roman', serif");
}

/* html_masthead: the site's name linked to the edition, the date, the introduction. */
static void html_masthead(struct buf *b, const struct nl_mail_input *in, const char *date)
{
	buf_printf(b, "<tr><td style=\"padding:24px 24px 8px;border-bottom:3px solid #1a1a1a;\">"
		      "<a href=\"");
	put_attr(b, in->base_url);
	buf_printf(b, "/%s/\" style=\"color:#1a1a1a;text-decoration:none;font-size:26px;font-weight:bold;\">", in->edition);
	put_html(b, in->site_name);
	buf_printf(b, "</a><br><span class=\"nl-muted\" style=\"color:#555555;font-size:14px;\">");
	put_html(b, date);
	buf_printf(b, "</span></td></tr>\n");
	if (in->intro_html && *in->intro_html)
		buf_printf(b, "<tr><td style=\"padding:16px 24px 0;\">%s</td></tr>\n", in->intro_html);
}

/* html_story: one story's row: picture (linked), headline (linked), standfirst. */
static void html_story(struct buf *b, const struct nl_story *s)
{
	const char *href = s->track_url ? s->track_url : s->url;
	buf_printf(b, "<tr><td style=\"padding:20px 24px 4px;border-bottom:1px solid #dddddd;\">");
	if (s->image_url && *s->image_url) {
		buf_printf(b, "<a href=\"");
		put_attr(b, href);
		buf_printf(b, "\"><img src=\"");
		put_attr(b, s->image_url);
		buf_printf(b, "\" alt=\"");
		put_attr(b, s->image_alt && *s->image_alt ? s->image_alt : s->headline);
		buf_printf(b, "\" style=\"display:block;width:100%%;max-width:552px;height:auto;border:0;\"></a>");
	}
	buf_printf(b, "<h2 style=\"margin:12px 0 4px;font-size:21px;line-height:1.3;\"><a href=\"");
	put_attr(b, href);
	buf_printf(b, "\" style=\"color:#0b4f8a;text-decoration:none;\">");
	put_html(b, s->headline);
	buf_printf(b, "</a></h2>");
	if (s->standfirst && *s->standfirst) {
		buf_printf(b, "<p style=\"margin:0 0 12px;\">");
		put_html(b, s->standfirst);
		buf_printf(b, "</p>");
	}
	buf_printf(b, "</td></tr>\n");
}

/* html_footer: why the reader gets this, the preferences and unsubscribe links, the publisher; closes
 * the document. */
static void html_footer(struct buf *b, const struct nl_mail_input *in, enum catalog_lang l)
{
	buf_printf(b, "<tr><td class=\"nl-muted\" style=\"padding:20px 24px;color:#555555;font-size:13px;\">");
	buf_printf(b, "<p style=\"margin:0 0 8px;\">");
	put_html(b, catalog_tr(l, "You receive this e-mail because you subscribed to it."));
	buf_printf(b, "</p>");
	if (in->prefs_url || in->unsub_url) {
		buf_printf(b, "<p style=\"margin:0 0 8px;\">");
		if (in->prefs_url) {
			buf_printf(b, "<a href=\"");
			put_attr(b, in->prefs_url);
			buf_printf(b, "\" style=\"color:#0b4f8a;\">");
			put_html(b, catalog_tr(l, "Your newsletter preferences"));
			buf_printf(b, "</a>%s", in->unsub_url ? " · " : "");
		}
		if (in->unsub_url) {
			buf_printf(b, "<a href=\"");
			put_attr(b, in->unsub_url);
			buf_printf(b, "\" style=\"color:#0b4f8a;\">");
			put_html(b, catalog_tr(l, "Unsubscribe"));
			buf_printf(b, "</a>");
		}
		buf_printf(b, "</p>");
	}
	buf_printf(b, "<p style=\"margin:0;\">© ");
	put_html(b, in->publisher);
	buf_printf(b, "</p>");
	if (in->open_url && *in->open_url) { /* the open count's image: empty alt, nothing to read out */
		buf_printf(b, "<img src=\"");
		put_attr(b, in->open_url);
		buf_printf(b, "\" alt=\"\" width=\"1\" height=\"1\" style=\"display:block;width:1px;height:1px;border:0;\">");
	}
	buf_printf(b, "</td></tr>\n</table>\n</td></tr></table>\n</body>\n</html>\n");
}

/* text_part: the plain-text part: the same content and links, one story a paragraph. */
static void text_part(struct buf *b, const struct nl_mail_input *in, const char *date, enum catalog_lang l)
{
	buf_printf(b, "%s\n%s\n\n%s\n\n", S(in->site_name), date, S(in->subject));
	if (in->intro_text && *in->intro_text)
		buf_printf(b, "%s\n\n", in->intro_text);
	for (size_t i = 0; i < in->n_stories; i++) {
		const struct nl_story *s = &in->stories[i];
		buf_printf(b, "%zu. %s\n", i + 1, S(s->headline));
		if (s->standfirst && *s->standfirst)
			buf_printf(b, "%s\n", s->standfirst);
		buf_printf(b, "%s\n\n", S(s->url));
	}
	buf_printf(b, "--\n%s\n", catalog_tr(l, "You receive this e-mail because you subscribed to it."));
	if (in->prefs_url)
		buf_printf(b, "%s: %s\n", catalog_tr(l, "Your newsletter preferences"), in->prefs_url);
	if (in->unsub_url)
		buf_printf(b, "%s: %s\n", catalog_tr(l, "Unsubscribe"), in->unsub_url);
	buf_printf(b, "© %s\n", S(in->publisher));
}

int newsletter_mail_build(struct arena *a, const struct nl_mail_input *in, struct mail_message *out)
{
	if (!in->subject || !*in->subject || !in->edition || (strcmp(in->edition, "en") && strcmp(in->edition, "ar")))
		return -1;
	int rtl = strcmp(in->edition, "ar") == 0;
	enum catalog_lang l = rtl ? CATALOG_AR : CATALOG_EN;
	struct buf d = BUF_INIT, h = BUF_INIT, t = BUF_INIT;
	datefmt_stamp(&d, in->date, in->edition);
	const char *date = arena_strndup(a, buf_cstr(&d), d.len);
	buf_free(&d);
	html_head(&h, in, rtl);
	html_masthead(&h, in, date);
	for (size_t i = 0; i < in->n_stories; i++)
		html_story(&h, &in->stories[i]);
	html_footer(&h, in, l);
	text_part(&t, in, date, l);
	out->subject = arena_strdup(a, in->subject);
	out->html = arena_strndup(a, buf_cstr(&h), h.len);
	out->text = arena_strndup(a, buf_cstr(&t), t.len);
	buf_free(&h);
	buf_free(&t);
	out->lang = in->edition;
	const char *host = S(in->base_url);
	const char *p = strstr(host, "://");
	host = p ? p + 3 : host;
	size_t hl = strcspn(host, ":/");
	out->list_id = in->list_name ? arena_printf(a, "%s <%s.%.*s>", in->list_name, in->edition, (int)hl, host) : NULL;
	out->unsubscribe_url = in->unsub_url;
	out->one_click = in->unsub_url != NULL;
	return 0;
}

const char *newsletter_list_name(struct arena *a, const char *list, const char *edition)
{
	enum catalog_lang l = edition && strcmp(edition, "ar") == 0 ? CATALOG_AR : CATALOG_EN;
	if (strcmp(S(list), "digest") == 0)
		return catalog_tr(l, "Daily digest");
	if (strcmp(S(list), "breaking") == 0)
		return catalog_tr(l, "Breaking news");
	if (strncmp(S(list), "section/", 8) == 0)
		return arena_printf(a, "%s: %s", catalog_tr(l, "Section"), list + 8);
	return S(list);
}
