/* page_subscribe.c - the newsletters' reader pages (issue 22): signing up (the form every reader page
 * carries, the /{edition}/newsletters page and the API), double opt-in by a signed link, the preferences,
 * the one-click unsubscribe (RFC 8058) and the subscriber's own data. A sign-up answers the same "check your
 * inbox" whether the address was known or not (no address enumeration) and sends a confirmation mail only
 * within nl_confirm_per_day per address and nl_confirm_per_net_hour per network. Links are signed
 * (newsletter_link.h): the token in the path is the authority, so these POSTs carry no CSRF token; a link
 * that does not check out changes nothing and gets a 404 page. */
#include "newsletter.h"

#include <string.h>

#include <jansson.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "comment.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "mail.h"
#include "mailq.h"
#include "newsletter_link.h"
#include "newsletter_track.h"
#include "pages.h"
#include "render.h"
#include "route.h"
#include "util.h"

#define NL_LISTS_MAX 64 /* lists one sign-up may name (two fixed lists and the sections) */

/* One sentence in both languages; tr picks the one of lang. */
struct nl_text {
	const char *en, *ar;
};
static const char *tr(const char *lang, struct nl_text t) { return strcmp(lang, "ar") == 0 ? t.ar : t.en; }

static const struct nl_text
	T_INBOX_TITLE = {"Check your inbox", "تفقّد بريدك"},
	T_INBOX = {"If this address can receive our newsletters, a mail with a confirmation link is on its way to it. "
		   "Open the link to start receiving them. Nothing is sent until you confirm.",
		   "إن كان هذا العنوان يستطيع تلقّي نشراتنا فرسالة فيها رابط التأكيد في طريقها إليه. افتح الرابط لتبدأ "
		   "بتلقّيها. لن يُرسل شيء قبل أن تؤكّد."},
	T_BAD_TOKEN = {"This form is out of date or was not sent from this site's pages. Send it again now: what you "
		       "typed is kept below.",
		       "هذا النموذج قديم أو لم يُرسل من صفحات هذا الموقع. أرسله مجدداً الآن: ما كتبته محفوظ أدناه."},
	T_NO_LIST = {"Choose at least one newsletter.", "اختر نشرة واحدة على الأقل."},
	T_BAD_LIST = {"One of the chosen newsletters does not exist.", "إحدى النشرات المختارة غير موجودة."},
	T_ADDR_EMPTY = {"Type your email address.", "اكتب عنوان بريدك الإلكتروني."},
	T_ADDR_LONG = {"This email address is too long: at most 254 characters, 64 before the @.",
		       "عنوان البريد هذا طويل جداً: 254 حرفاً على الأكثر، منها 64 قبل @."},
	T_ADDR_CONTROL = {"This email address holds a line break or another control character: type it on one line.",
			  "يحتوي عنوان البريد هذا على فاصل أسطر أو رمز تحكم آخر: اكتبه في سطر واحد."},
	T_ADDR_SYNTAX = {"This is not an email address: it should look like name@example.com.",
			 "هذا ليس عنوان بريد إلكتروني: يجب أن يكون مثل name@example.com."},
	T_ADDR_DOMAIN = {"The part after the @ is not a valid domain name.", "الجزء الذي بعد @ ليس اسم نطاق صالحاً."},
	T_ADDR_UTF8 = {"Addresses with non-Latin letters before the @ cannot be delivered yet: use another address.",
		       "لا يمكن بعد التسليم إلى عناوين فيها حروف غير لاتينية قبل @: استخدم عنواناً آخر."},
	T_LINK_TITLE = {"This link does not work", "هذا الرابط لا يعمل"},
	T_LINK = {"This newsletter link is not valid: it may be incomplete, out of date (confirmation links work for "
		  "48 hours) or replaced by a newer one. Nothing was changed. You can sign up again from any page.",
		  "رابط النشرة هذا غير صالح: ربما نُسخ ناقصاً أو انتهت مدته (تعمل روابط التأكيد 48 ساعة) أو حلّ محله "
		  "رابط أحدث. لم يتغير شيء. يمكنك الاشتراك مجدداً من أي صفحة."},
	T_CONFIRM_TITLE = {"Confirm your subscription", "أكّد اشتراكك"},
	T_CONFIRM = {"Press the button to start receiving the newsletters you chose.",
		     "اضغط الزر لتبدأ بتلقّي النشرات التي اخترتها."},
	T_CONFIRM_BUTTON = {"Confirm my subscription", "أكّد اشتراكي"},
	T_CONFIRMED_TITLE = {"You are subscribed", "اشتراكك مفعّل"},
	T_CONFIRMED = {"Thank you: your subscription is confirmed.", "شكراً لك: تأكّد اشتراكك."},
	T_PREFS_LINK = {"Choose your newsletters", "اختر نشراتك"},
	T_PREFS_TITLE = {"Your newsletters", "نشراتك"},
	T_SAVED = {"Your choice is saved.", "حُفظ اختيارك."},
	T_SAVE = {"Save my choice", "احفظ اختياري"},
	T_UNSUB_ALL = {"Unsubscribe from everything", "ألغِ الاشتراك في كل شيء"},
	T_UNSUB_TITLE = {"Unsubscribe", "إلغاء الاشتراك"},
	T_UNSUB_ASK = {"Press the button to stop receiving every newsletter at this address.",
		       "اضغط الزر لإيقاف كل النشرات عن هذا العنوان."},
	T_UNSUB_BUTTON = {"Unsubscribe", "ألغِ الاشتراك"},
	T_UNSUBBED_TITLE = {"You are unsubscribed", "أُلغي اشتراكك"},
	T_UNSUBBED = {"No more newsletters will be sent to this address.", "لن تُرسل نشرات أخرى إلى هذا العنوان."},
	T_DATA_HEADING = {"Your data", "بياناتك"},
	T_DATA_GET = {"Download everything held about you (JSON)", "نزّل كل ما نحتفظ به عنك (JSON)"},
	T_DATA_DELETE = {"Delete everything held about me", "احذف كل ما تحتفظون به عني"},
	T_DELETED_TITLE = {"Deleted", "حُذفت بياناتك"},
	T_DELETED = {"Your address, your subscriptions and the record of mails sent to you are deleted.",
		     "حُذف عنوانك واشتراكاتك وسجل الرسائل المرسلة إليك."},
	T_EDITION_EN = {"English edition", "الطبعة الإنجليزية"}, T_EDITION_AR = {"Arabic edition", "الطبعة العربية"},
	T_DIGEST = {"Daily digest", "الموجز اليومي"}, T_BREAKING = {"Breaking news alerts", "تنبيهات الأخبار العاجلة"},
	T_NEWSLETTERS = {"Newsletters", "النشرات البريدية"},
	T_TRACK_ON = {"This site counts when its newsletters are opened and their story links followed: each mail "
		      "carries a tiny image and its story links pass through this site. Only the first open and the "
		      "first click of each mail are kept, with their times (in your data below); deleting your data "
		      "deletes them.",
		      "يحصي هذا الموقع فتح نشراته والنقر على روابط أخبارها: في كل رسالة صورة صغيرة جداً وتمرّ روابط "
		      "الأخبار عبر هذا الموقع. لا يُحفظ إلا أول فتح وأول نقرة لكل رسالة مع وقتيهما (في بياناتك أدناه)؛ "
		      "وحذف بياناتك يحذفهما."},
	T_TRACK_OFF = {"This site does not count when its newsletters are opened or their links followed: the mails "
		       "carry no tracking image and their links go straight to the stories.",
		       "لا يحصي هذا الموقع فتح نشراته ولا النقر على روابطها: لا صورة تتبّع في الرسائل وروابطها تذهب "
		       "مباشرة إلى الأخبار."},
	T_NEWSLETTERS_INTRO = {"Our newsletters by e-mail: the daily digest, breaking news alerts and one per section. "
			       "Free; every mail has a link to change your choice or unsubscribe.",
			       "نشراتنا بالبريد الإلكتروني: الموجز اليومي وتنبيهات الأخبار العاجلة ونشرة لكل قسم. "
			       "مجانية؛ في كل رسالة رابط لتغيير اختيارك أو إلغاء الاشتراك."};

void nl_frame(struct http_request *req, struct view *v)
{
	view_bool(v, "nl_form", !req->static_copy);
	view_text(v, "nl_token",
		  req->static_copy ? "" : auth_form_token(req->arena, req->app->secret, "newsletter", util_now()));
}

/* addr_problem: the sentence in lang for mail_addr_normalise's refusal rc. */
static const char *addr_problem(const char *lang, int rc)
{
	switch (rc) {
	case MAIL_ADDR_EMPTY: return tr(lang, T_ADDR_EMPTY);
	case MAIL_ADDR_LONG: return tr(lang, T_ADDR_LONG);
	case MAIL_ADDR_CONTROL: return tr(lang, T_ADDR_CONTROL);
	case MAIL_ADDR_DOMAIN: return tr(lang, T_ADDR_DOMAIN);
	case MAIL_ADDR_UTF8: return tr(lang, T_ADDR_UTF8);
	default: return tr(lang, T_ADDR_SYNTAX);
	}
}

/* page_view: the newsletter page's view for edition (frame and every field empty), titled title. */
static struct view *page_view(struct http_request *req, const char *edition, const char *title)
{
	struct view *v = render_frame(req, RENDER_NEWSLETTER, edition, title, NULL);
	static const char *const texts[] = {"heading", "message", "error", "form_token", "email", "button", "action",
					    "save_label", "unsub_label", "data_heading", "data_href", "data_label",
					    "delete_label", "link_href", "link_label", "tracking_note"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		view_text(v, texts[i], "");
	view_text(v, "heading", title);
	view_bool(v, "signup", 0);
	view_bool(v, "prefs", 0);
	view_bool(v, "has_links", 0);
	view_list_empty(v, "lists");
	view_list_empty(v, "editions");
	return v;
}

/* reply: renders v, never cached and never sending its address (a signed link) to another site. */
static int reply(struct http_request *req, struct http_response *res, struct view *v, int status)
{
	http_set_header(res, "Cache-Control", "no-store");
	http_set_header(res, "Referrer-Policy", "no-referrer");
	return render_reply(req, res, RENDER_NEWSLETTER, v, status);
}

/* add_lists: the lists of edition as checkbox items of list `name` of v (values prefixed with prefix, ""
 * or "en:"), checked when in chosen[0..n) (values without prefix compared with edition). */
static void add_lists(struct http_request *req, struct view *v, const char *edition, const char *prefix,
		      const char *lang, const struct db_nl_subscription *chosen, size_t n)
{
	struct db_section *secs = NULL;
	size_t ns = 0;
	if (db_sections_list(req->app->db, req->arena, edition, &secs, &ns) != DB_OK)
		ns = 0;
	for (size_t i = 0; i < ns + 2; i++) {
		const char *list = i == 0 ? "digest" : i == 1 ? "breaking"
							: arena_printf(req->arena, "section/%s", secs[i - 2].slug);
		const char *label = i == 0 ? tr(lang, T_DIGEST) : i == 1 ? tr(lang, T_BREAKING) : secs[i - 2].name;
		struct view *item = view_add(v, "lists");
		view_text(item, "value", arena_printf(req->arena, "%s%s", prefix, list));
		view_text(item, "label", label);
		int on = 0;
		for (size_t k = 0; k < n && !on; k++)
			on = strcmp(chosen[k].edition, edition) == 0 && strcmp(chosen[k].list, list) == 0;
		view_bool(item, "checked", on);
	}
}

/* list_ok: whether list names a list of edition: digest, breaking or section/<a section's slug>. */
static int list_ok(struct http_request *req, const char *edition, const char *list)
{
	if (strcmp(list, "digest") == 0 || strcmp(list, "breaking") == 0)
		return 1;
	if (strncmp(list, "section/", 8) != 0)
		return 0;
	struct db_section *secs;
	size_t n;
	if (db_sections_list(req->app->db, req->arena, edition, &secs, &n) != DB_OK)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(secs[i].slug, list + 8) == 0)
			return 1;
	return 0;
}

/* A sign-up as the form or the API gave it. */
struct signup {
	const char *edition, *typed, *email; /* email: normalised, once checked */
	const char *lists[NL_LISTS_MAX];
	size_t nlists;
};

/* signup_check: checks s (edition already valid): the address (normalised into s->email) and the lists.
 * NULL, or the reason in the edition's language. */
static const char *signup_check(struct http_request *req, struct signup *s)
{
	int rc = mail_addr_normalise(req->arena, s->typed ? s->typed : "", &s->email);
	if (rc != MAIL_ADDR_OK)
		return addr_problem(s->edition, rc);
	if (s->nlists == 0)
		return tr(s->edition, T_NO_LIST);
	for (size_t i = 0; i < s->nlists; i++)
		if (!list_ok(req, s->edition, s->lists[i]))
			return tr(s->edition, T_BAD_LIST);
	return NULL;
}

/* net_hash: the keyed hash of the client's network (/24, /64) in the arena, or "" when unknown. */
static const char *net_hash(struct http_request *req)
{
	char net[COMMENT_NET_KEY_MAX];
	if (comment_net_key(req->client_ip, net, sizeof net) < 0)
		return "";
	char *h = arena_alloc(req->arena, AUTH_TOKEN_HEX);
	auth_keyed_hash(req->app->secret, "newsletter-net", net, strlen(net), h);
	return h;
}

/* signup_store: records the checked sign-up s and queues a confirmation mail within the rate limits.
 * Pending (or returning) addresses get s's lists; a confirmed address keeps its own (its mail carries
 * its preferences link instead). 0, or -1 on a store error. */
static int signup_store(struct http_request *req, struct signup *s)
{
	struct app *app = req->app;
	struct db *db = app->db;
	int64_t now = util_now(), id = 0, near = 0;
	int created = 0, allowed = 0;
	if (db_nl_subscribe(db, s->email, s->edition, now, &id, &created) != DB_OK)
		return -1;
	struct db_nl_subscriber sub;
	if (db_nl_subscriber(db, req->arena, id, &sub) != DB_OK)
		return -1;
	if (strcmp(sub.state, "confirmed") != 0) {
		if (db_begin(db) != DB_OK)
			return -1;
		if (db_nl_set_lists(db, id, s->edition, s->lists, s->nlists, now) != DB_OK || db_commit(db) != DB_OK) {
			db_rollback(db);
			return -1;
		}
	}
	const char *net = net_hash(req);
	if (*net && db_nl_net_recent(db, net, now - 3600, &near) != DB_OK)
		return -1;
	if (near >= app->cfg.nl_confirm_per_net_hour) {
		log_info("newsletter: sign-up from a network over its hourly limit: no mail sent");
		return 0;
	}
	if (db_nl_confirm_allow(db, id, net, now, now - 86400, app->cfg.nl_confirm_per_day, &allowed) != DB_OK)
		return -1;
	if (!allowed) {
		log_info("newsletter: subscriber %lld over its daily limit of confirmation mails: none sent", (long long)id);
		return 0;
	}
	return mailq_enqueue_confirm(app, id, s->email) == DB_OK ? 0 : -1;
}

/* form_lists: the form's "list" fields into s (at most NL_LISTS_MAX; more make the sign-up refused). */
static void form_lists(struct http_request *req, struct signup *s)
{
	for (size_t i = 0; i < req->nform; i++)
		if (strcmp(req->form[i].name, "list") == 0) {
			if (s->nlists == NL_LISTS_MAX) {
				s->lists[0] = "";
				return;
			}
			s->lists[s->nlists++] = req->form[i].value;
		}
}

/* signup_page: the newsletters page of edition: the lists and the sign-up form (s: as sent, with error),
 * with status. */
static int signup_page(struct http_request *req, struct http_response *res, const char *edition,
		       const struct signup *s, const char *error, int status)
{
	struct view *v = page_view(req, edition, tr(edition, T_NEWSLETTERS));
	view_text(v, "message", tr(edition, T_NEWSLETTERS_INTRO));
	view_bool(v, "signup", 1);
	view_text(v, "form_token", auth_form_token(req->arena, req->app->secret, "newsletter", util_now()));
	view_text(v, "error", error ? error : "");
	view_text(v, "email", s && s->typed ? s->typed : "");
	struct db_nl_subscription chosen[NL_LISTS_MAX];
	size_t n = 0;
	for (; s && n < s->nlists; n++)
		chosen[n] = (struct db_nl_subscription){.edition = edition, .list = s->lists[n]};
	if (!s)
		chosen[n++] = (struct db_nl_subscription){.edition = edition, .list = "digest"};
	add_lists(req, v, edition, "", edition, chosen, n);
	if (!error)
		return render_reply(req, res, RENDER_NEWSLETTER, v, status); /* the cached page */
	return reply(req, res, v, status);
}

/* WEBPAGE: GET /{edition}/newsletters
 * Parameters: edition (en or ar, in the path).
 * Permission: anyone (public, cached).
 * The edition's newsletters (the daily digest, breaking news alerts, one per section) with the sign-up
 * form: the digest chosen by default. */
int newsletter_lists_page(struct http_request *req, struct http_response *res)
{
	char ed[8];
	const char *edition = route_param(&req->route, "edition", ed, sizeof ed) < 0 ? NULL : render_edition(ed);
	if (!edition)
		return 404;
	return signup_page(req, res, edition, NULL, NULL, 200);
}

/* inbox_page: the answer to every accepted sign-up, known address or not. */
static int inbox_page(struct http_request *req, struct http_response *res, const char *edition)
{
	struct view *v = page_view(req, edition, tr(edition, T_INBOX_TITLE));
	view_text(v, "message", tr(edition, T_INBOX));
	return reply(req, res, v, 200);
}

/* WEBPAGE: POST /newsletter/subscribe
 * Parameters: form: email, edition (en or ar: the language of the mails and pages), list (repeated:
 *   digest, breaking, section/<slug>), token (the form's signed token).
 * Permission: anyone (public; no session, no CSRF token: the signed form token stands in for it).
 * Signs an address up (pending) and queues a confirmation mail within the rate limits; answers "check
 * your inbox" in the edition's language whether or not the address was known. A bad address or no list:
 * 400 with the form keeping what was typed; an old or foreign token: 403, likewise. */
int nl_subscribe_page(struct http_request *req, struct http_response *res)
{
	const char *edition = render_edition(http_form(req, "edition"));
	if (!edition)
		edition = "en";
	struct signup s = {.edition = edition, .typed = http_form_text(req, "email")};
	form_lists(req, &s);
	if (!auth_form_token_check(req->app->secret, "newsletter", http_form(req, "token"), util_now(), NL_FORM_AGE))
		return signup_page(req, res, edition, &s, tr(edition, T_BAD_TOKEN), 403);
	const char *why = signup_check(req, &s);
	if (why)
		return signup_page(req, res, edition, &s, why, 400);
	if (signup_store(req, &s) < 0)
		return 500;
	return inbox_page(req, res, edition);
}

/* WEBPAGE: POST /api/v1/newsletter/subscribe
 * Parameters: JSON body {"email": "...", "edition": "en"|"ar", "lists": ["digest", ...]}.
 * Permission: anyone (public API; the rate limits of the form apply).
 * The form's sign-up for apps: 202 {"status": "check-inbox"} whether or not the address was known; 400
 * {"error": {"code", "message", "field"}} for a bad body, address or list. */
int api_nl_subscribe_page(struct http_request *req, struct http_response *res)
{
	json_error_t je;
	json_t *doc = json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, &je);
	json_t *lists = doc ? json_object_get(doc, "lists") : NULL;
	const char *edition = doc ? render_edition(json_string_value(json_object_get(doc, "edition"))) : NULL;
	const char *email = doc ? json_string_value(json_object_get(doc, "email")) : NULL;
	int status = 400;
	if (!doc || !json_is_object(doc))
		status = api_error(res, 400, "bad_json", "The body must be a JSON object.");
	else if (!edition)
		status = api_error_field(res, 400, "invalid", "edition is \"en\" or \"ar\".", "edition");
	else if (!email)
		status = api_error_field(res, 400, "invalid", "email is a string.", "email");
	else if (lists && (!json_is_array(lists) || json_array_size(lists) > NL_LISTS_MAX))
		status = api_error_field(res, 400, "invalid", "lists is an array of list names.", "lists");
	else {
		struct signup s = {.edition = edition, .typed = arena_strdup(req->arena, email)};
		for (size_t i = 0; lists && i < json_array_size(lists); i++) {
			const char *l = json_string_value(json_array_get(lists, i));
			s.lists[s.nlists++] = arena_strdup(req->arena, l ? l : "");
		}
		if (!lists)
			s.lists[s.nlists++] = "digest";
		const char *why = signup_check(req, &s);
		if (why)
			status = api_error_field(res, 400, "invalid", why, s.email ? "lists" : "email");
		else if (signup_store(req, &s) < 0)
			status = 500;
		else {
			http_set_header(res, "Cache-Control", "no-store");
			status = page_json_reply(res, json_pack("{s:s}", "status", "check-inbox"), 202);
		}
	}
	json_decref(doc);
	return status;
}

/* link_subscriber: the subscriber a signed link of purpose in the path's token names, when it checks out
 * and its link_version is the subscriber's. 1 found, 0 not (the caller answers bad_link), -1 store error. */
static int link_subscriber(struct http_request *req, const char *purpose, struct db_nl_subscriber *out)
{
	int64_t id, version;
	char token[NL_LINK_LEN + 1];
	if (route_param(&req->route, "token", token, sizeof token) < 0 ||
	    nl_link_check(req->app->secret, purpose, token, util_now(), &id, &version) < 0)
		return 0;
	int rc = db_nl_subscriber(req->app->db, req->arena, id, out);
	if (rc == DB_ERROR)
		return -1;
	return rc == DB_OK && out->link_version == version;
}

/* bad_link: the 404 page for a link that does not check out, in the language the browser asks for first. */
static int bad_link(struct http_request *req, struct http_response *res)
{
	const char *al = http_header(req, "Accept-Language");
	const char *lang = al && strncmp(al, "ar", 2) == 0 ? "ar" : "en";
	struct view *v = page_view(req, lang, tr(lang, T_LINK_TITLE));
	view_text(v, "message", tr(lang, T_LINK));
	return reply(req, res, v, 404);
}

int nl_link_refused(struct http_request *req, struct http_response *res)
{
	return bad_link(req, res);
}

/* button_page: a page of sub's language with message and one button posting back to this address. */
static int button_page(struct http_request *req, struct http_response *res, const struct db_nl_subscriber *sub,
		       struct nl_text title, struct nl_text message, struct nl_text button)
{
	struct view *v = page_view(req, sub->lang, tr(sub->lang, title));
	view_text(v, "message", tr(sub->lang, message));
	view_text(v, "button", tr(sub->lang, button));
	view_text(v, "action", req->path);
	return reply(req, res, v, 200);
}

/* WEBPAGE: GET POST /newsletter/confirm/{token}
 * Parameters: token (a signed "confirm" link, 48 hours, in the path).
 * Permission: anyone holding the link (it came by mail to the address).
 * GET shows a button (mail scanners that open links confirm nothing); POST confirms the pending address
 * and links its preferences. 404 for a link that does not check out. */
int nl_confirm_page(struct http_request *req, struct http_response *res)
{
	struct db_nl_subscriber sub;
	int found = link_subscriber(req, "confirm", &sub);
	if (found < 0)
		return 500;
	if (!found || (strcmp(sub.state, "pending") != 0 && strcmp(sub.state, "confirmed") != 0))
		return bad_link(req, res);
	if (req->method != HTTP_POST && strcmp(sub.state, "pending") == 0)
		return button_page(req, res, &sub, T_CONFIRM_TITLE, T_CONFIRM, T_CONFIRM_BUTTON);
	if (req->method == HTTP_POST && db_nl_confirm(req->app->db, sub.id, util_now()) == DB_ERROR)
		return 500;
	struct view *v = page_view(req, sub.lang, tr(sub.lang, T_CONFIRMED_TITLE));
	view_text(v, "message", tr(sub.lang, T_CONFIRMED));
	view_bool(v, "has_links", 1);
	const char *t = nl_link_make(req->arena, req->app->secret, "prefs", sub.id, sub.link_version, 0);
	view_text(v, "link_href", arena_printf(req->arena, "/newsletter/preferences/%s", t));
	view_text(v, "link_label", tr(sub.lang, T_PREFS_LINK));
	return reply(req, res, v, 200);
}

/* prefs_save: the lists of the form (values "en:digest", "ar:section/x") become the subscriber's, both
 * editions in one transaction; no list left = unsubscribed. 0, 400 for a list that does not exist, 500. */
static int prefs_save(struct http_request *req, const struct db_nl_subscriber *sub)
{
	static const char *const eds[] = {"en", "ar"};
	const char *chosen[2][NL_LISTS_MAX];
	size_t n[2] = {0, 0}, total = 0;
	for (size_t i = 0; i < req->nform; i++) {
		if (strcmp(req->form[i].name, "list") != 0)
			continue;
		const char *val = req->form[i].value;
		int e = strncmp(val, "ar:", 3) == 0 ? 1 : strncmp(val, "en:", 3) == 0 ? 0 : -1;
		if (e < 0 || n[e] == NL_LISTS_MAX || !list_ok(req, eds[e], val + 3))
			return 400;
		chosen[e][n[e]++] = val + 3;
		total++;
	}
	int64_t now = util_now();
	struct db *db = req->app->db;
	if (total == 0)
		return db_nl_unsubscribe(db, sub->id, NULL, NULL, now) == DB_ERROR ? 500 : 0;
	if (db_begin(db) != DB_OK)
		return 500;
	for (int e = 0; e < 2; e++)
		if (db_nl_set_lists(db, sub->id, eds[e], chosen[e], n[e], now) != DB_OK) {
			db_rollback(db);
			return 500;
		}
	return db_commit(db) == DB_OK ? 0 : 500;
}

/* WEBPAGE: GET POST /newsletter/preferences/{token}
 * Parameters: token (a signed "prefs" link, in the path); form: do (save or unsubscribe), list (repeated:
 *   "en:digest", "ar:section/<slug>" ...).
 * Permission: anyone holding the link (it came by mail to the address).
 * The subscriber's lists per edition, to change; unsubscribe from everything; the links to download or
 * delete their data. 404 for a link that does not check out, 400 for a list that does not exist. */
int nl_preferences_page(struct http_request *req, struct http_response *res)
{
	struct db_nl_subscriber sub;
	int found = link_subscriber(req, "prefs", &sub);
	if (found < 0)
		return 500;
	if (!found)
		return bad_link(req, res);
	const char *lang = sub.lang, *notice = NULL;
	if (req->method == HTTP_POST) {
		const char *what = http_form(req, "do");
		int rc = what && strcmp(what, "unsubscribe") == 0
				 ? (db_nl_unsubscribe(req->app->db, sub.id, NULL, NULL, util_now()) == DB_ERROR ? 500 : 0)
				 : prefs_save(req, &sub);
		if (rc == 400) {
			res->error_message = tr(lang, T_BAD_LIST);
			return 400;
		}
		if (rc)
			return rc;
		notice = what && strcmp(what, "unsubscribe") == 0 ? tr(lang, T_UNSUBBED) : tr(lang, T_SAVED);
	}
	struct db_nl_subscription *subs = NULL;
	size_t ns = 0;
	if (db_nl_lists(req->app->db, req->arena, sub.id, &subs, &ns) != DB_OK)
		return 500;
	struct view *v = page_view(req, lang, tr(lang, T_PREFS_TITLE));
	view_text(v, "message", notice ? notice : "");
	view_bool(v, "prefs", 1);
	view_text(v, "action", req->path);
	static const char *const eds[] = {"en", "ar"};
	for (int e = 0; e < 2; e++) {
		struct view *ed = view_add(v, "editions");
		view_text(ed, "name", tr(lang, e ? T_EDITION_AR : T_EDITION_EN));
		view_list_empty(ed, "lists");
		add_lists(req, ed, eds[e], arena_printf(req->arena, "%s:", eds[e]), lang, subs, ns);
	}
	view_text(v, "save_label", tr(lang, T_SAVE));
	view_text(v, "unsub_label", tr(lang, T_UNSUB_ALL));
	view_text(v, "data_heading", tr(lang, T_DATA_HEADING));
	const char *dt = nl_link_make(req->arena, req->app->secret, "data", sub.id, sub.link_version, 0);
	view_text(v, "data_href", arena_printf(req->arena, "/newsletter/data/%s", dt));
	view_text(v, "data_label", tr(lang, T_DATA_GET));
	view_text(v, "delete_label", tr(lang, T_DATA_DELETE));
	view_text(v, "tracking_note", tr(lang, nl_track_enabled(req->app, req->arena) ? T_TRACK_ON : T_TRACK_OFF));
	return reply(req, res, v, 200);
}

/* WEBPAGE: GET POST /newsletter/unsubscribe/{token}
 * Parameters: token (a signed "unsub" link, in the path); the body of a one-click POST
 *   ("List-Unsubscribe=One-Click", RFC 8058) is not needed.
 * Permission: anyone holding the link: no cookie, no CSRF token (the signed token is the authority).
 * GET shows a button; POST unsubscribes the address from every list and answers 200 (what a mail client's
 * one-click unsubscribe expects). 404 for a link that does not check out. */
int nl_unsubscribe_page(struct http_request *req, struct http_response *res)
{
	struct db_nl_subscriber sub;
	int found = link_subscriber(req, "unsub", &sub);
	if (found < 0)
		return 500;
	if (!found)
		return bad_link(req, res);
	if (req->method != HTTP_POST)
		return button_page(req, res, &sub, T_UNSUB_TITLE, T_UNSUB_ASK, T_UNSUB_BUTTON);
	if (db_nl_unsubscribe(req->app->db, sub.id, NULL, NULL, util_now()) == DB_ERROR)
		return 500;
	struct view *v = page_view(req, sub.lang, tr(sub.lang, T_UNSUBBED_TITLE));
	view_text(v, "message", tr(sub.lang, T_UNSUBBED));
	return reply(req, res, v, 200);
}

/* data_json: everything held about sub as a JSON document (new reference), NULL on a store error. */
static json_t *data_json(struct http_request *req, const struct db_nl_subscriber *sub)
{
	struct db_nl_subscription *subs;
	struct db_nl_mail *mails;
	size_t ns, nm;
	if (db_nl_lists(req->app->db, req->arena, sub->id, &subs, &ns) != DB_OK ||
	    db_nl_mails(req->app->db, req->arena, sub->id, &mails, &nm) != DB_OK)
		return NULL;
	json_t *lists = json_array(), *sent = json_array();
	for (size_t i = 0; i < ns; i++)
		json_array_append_new(lists, json_pack("{s:s, s:s, s:I}", "edition", subs[i].edition, "list", subs[i].list,
						       "since", (json_int_t)subs[i].created_at));
	for (size_t i = 0; i < nm; i++)
		json_array_append_new(sent, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "kind", mails[i].kind, "state",
						      mails[i].state, "queued_at", (json_int_t)mails[i].created_at,
						      "sent_at", (json_int_t)mails[i].sent_at, "opened_at",
						      (json_int_t)mails[i].opened_at, "clicked_at",
						      (json_int_t)mails[i].clicked_at));
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:o, s:s}", "email", sub->email, "language",
			 sub->lang, "state", sub->state, "signed_up_at", (json_int_t)sub->created_at, "confirmed_at",
			 (json_int_t)sub->confirmed_at, "confirmation_mails_today", (json_int_t)sub->confirm_count,
			 "last_confirmation_mail_at", (json_int_t)sub->confirm_sent_at, "lists", lists, "mails", sent,
			 "network", "a keyed hash of the network signed up from, for rate limits: not readable");
}

/* WEBPAGE: GET POST /newsletter/data/{token}
 * Parameters: token (a signed "data" link from the preferences page, in the path).
 * Permission: anyone holding the link.
 * GET: everything held about the subscriber as a JSON download; POST: deletes it all (the address, the
 * lists, the address on the queue's rows: db_nl_delete) and says so. 404 for a link that does not check
 * out. */
int nl_data_page(struct http_request *req, struct http_response *res)
{
	struct db_nl_subscriber sub;
	int found = link_subscriber(req, "data", &sub);
	if (found < 0)
		return 500;
	if (!found)
		return bad_link(req, res);
	if (req->method == HTTP_POST) {
		if (db_nl_delete(req->app->db, sub.id) == DB_ERROR)
			return 500;
		struct view *v = page_view(req, sub.lang, tr(sub.lang, T_DELETED_TITLE));
		view_text(v, "message", tr(sub.lang, T_DELETED));
		return reply(req, res, v, 200);
	}
	json_t *doc = data_json(req, &sub);
	if (!doc)
		return 500;
	http_set_header(res, "Cache-Control", "no-store");
	http_set_header(res, "Referrer-Policy", "no-referrer");
	http_set_header(res, "Content-Disposition", "attachment; filename=\"newsletter-data.json\"");
	return page_json_reply(res, doc, 200);
}
