/* newsletter_confirm.c - the "confirm" mail of a newsletter sign-up (see newsletter.h): composed when the
 * queue sends it (mailq.h), in the language of the edition the person signed up from. */
#include "newsletter.h"

#include <string.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "escape.h"
#include "mail.h"
#include "mail_send.h"
#include "mailq.h"
#include "newsletter_mail.h"
#include "newsletter_link.h"
#include "util.h"

const char *nl_site_name(struct app *app, struct arena *a, const char *lang)
{
	const char *v = NULL;
	if (db_setting_get(app->db, a, arena_printf(a, "site_name.%s", lang), &v) == DB_OK && v && *v)
		return v;
	if (db_setting_get(app->db, a, "site_name", &v) == DB_OK && v && *v)
		return v;
	return "Broadsheet";
}

const char *nl_link_url(struct app *app, struct arena *a, const char *path, const char *purpose, int64_t id,
			int64_t link_version, int64_t expires)
{
	const char *t = nl_link_make(a, app->secret, purpose, id, link_version, expires);
	return arena_printf(a, "%s/newsletter/%s/%s", app->cfg.base_url, path, t);
}

/* esc: s escaped for HTML text and attributes (buf_html), copied into a. */
static const char *esc(struct arena *a, const char *s)
{
	struct buf b = BUF_INIT;
	buf_html(&b, s, strlen(s));
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* with_site: tmpl with its one "%s" replaced by site, in a (the sentences below are data, not formats). */
static const char *with_site(struct arena *a, const char *tmpl, const char *site)
{
	const char *at = strstr(tmpl, "%s");
	if (!at)
		return tmpl;
	return arena_printf(a, "%.*s%s%s", (int)(at - tmpl), tmpl, site, at + 2);
}

/* The mail's sentences in each language: [0] English, [1] Arabic. */
static const char *const subject_new[2] = {"Confirm your subscription to %s", "أكّد اشتراكك في %s"};
static const char *const subject_known[2] = {"Your subscription to %s", "اشتراكك في %s"};
static const char *const body_new[2] = {
	"Someone, probably you, asked to receive the newsletters of %s at this address. To confirm, open this link "
	"within 48 hours and press the button:",
	"طلب أحدهم، وعلى الأرجح أنت، تلقّي نشرات %s على هذا العنوان. للتأكيد افتح هذا الرابط خلال 48 ساعة واضغط الزر:"};
static const char *const body_known[2] = {
	"Someone, probably you, signed up again to the newsletters of %s with this address, which is already "
	"subscribed. Choose your newsletters here:",
	"سجّل أحدهم، وعلى الأرجح أنت، مجدداً في نشرات %s بهذا العنوان المشترك أصلاً. اختر نشراتك من هنا:"};
static const char *const body_ignore[2] = {
	"If it was not you, ignore this mail: nothing will be sent to you.",
	"إن لم تكن أنت فتجاهل هذه الرسالة: لن يُرسل إليك شيء."};
static const char *const button_new[2] = {"Confirm my subscription", "أكّد اشتراكي"};
static const char *const button_known[2] = {"My newsletters", "نشراتي"};

int nl_compose_confirm(struct app *app, struct arena *a, const struct db_mail_job *job, struct mail_message *out)
{
	struct db_nl_subscriber s;
	if (!job->subscriber_id || db_nl_subscriber(app->db, a, job->subscriber_id, &s) != DB_OK)
		return -1; /* deleted since */
	int known = strcmp(s.state, "confirmed") == 0;
	if (!known && strcmp(s.state, "pending") != 0)
		return -1; /* unsubscribed, bounced or complained since */
	int ar = strcmp(s.lang, "ar") == 0;
	const char *site = nl_site_name(app, a, s.lang);
	const char *link = known ? nl_link_url(app, a, "preferences", "prefs", s.id, s.link_version, 0)
				 : nl_link_url(app, a, "confirm", "confirm", s.id, s.link_version,
					       util_now() + NL_CONFIRM_TTL);
	const char *intro = with_site(a, known ? body_known[ar] : body_new[ar], site);
	const char *button = known ? button_known[ar] : button_new[ar];
	out->from_name = site;
	out->from_addr = mail_sender(&app->cfg, a);
	out->subject = with_site(a, known ? subject_known[ar] : subject_new[ar], site);
	out->lang = s.lang;
	out->text = arena_printf(a, "%s\n\n%s\n\n%s\n", intro, link, body_ignore[ar]);
	const char *dir = ar ? "rtl" : "ltr";
	out->html = arena_printf(
		a,
		"<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\"><head><meta charset=\"utf-8\">"
		"<meta name=\"color-scheme\" content=\"light dark\"><title>%s</title></head>\n"
		"<body style=\"margin:0;padding:16px;font-family:Arial,Tahoma,sans-serif;font-size:16px;line-height:1.6\">\n"
		"<div dir=\"%s\" style=\"max-width:560px;margin:0 auto;text-align:%s\">\n"
		"<p style=\"font-size:20px;font-weight:bold\">%s</p>\n<p>%s</p>\n"
		"<p><a href=\"%s\" style=\"display:inline-block;padding:10px 18px;background:#9b1c1c;color:#ffffff;"
		"text-decoration:none;border-radius:4px\">%s</a></p>\n"
		"<p style=\"font-size:13px;word-break:break-all\" dir=\"ltr\">%s</p>\n<p style=\"font-size:14px\">%s</p>\n"
		"</div>\n</body></html>\n",
		s.lang, dir, esc(a, out->subject), dir, ar ? "right" : "left", esc(a, site),
		esc(a, intro), esc(a, link), esc(a, button), esc(a, link),
		esc(a, body_ignore[ar]));
	return 0; /* a NULL from_addr: the sender puts the site's own */
}

int nl_start(struct app *app)
{
	(void)app;
	mailq_register("confirm", nl_compose_confirm);
	return 0;
}

void nl_stop(struct app *app)
{
	(void)app;
	newsletter_compose_shutdown(); /* the issue composer's cached shared parts */
}
