/* page_comments.c - visitor comments: the form and thread under each article, receiving a comment (the
 * defences are small named checks run in order from comment_checks[]: signed token with a minimum fill
 * time, honeypot, validation, bans, rate limits per address and network, link limit, blocklist,
 * duplicates; then comment_accept applies the moderation mode), and the newsroom's
 * moderation queue, editing, bans, log and per-article settings. A refused comment is shown back in the
 * form with an honest reason; nothing is stored unless the whole comment is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "cache_keys.h"
#include "auth.h"
#include "comment.h"
#include "datefmt.h"
#include "db.h"
#include "escape.h"
#include "log.h"
#include "pages.h"
#include "render.h"
#include "textnorm.h"
#include "uri.h"
#include "util.h"

#define RATE_WINDOW 600 /* seconds the per-address and per-network limits count over */
#define DUP_WINDOW (7 * 86400)
#define QUEUE_PAGE 50

/* The site's comment settings (admin settings page), with defaults. */
struct comment_settings {
	const char *mode;  /* pre, trusted, post */
	const char *order; /* oldest, newest */
	const char *blocklist;
	int64_t trusted_after, close_days, min_fill, token_hours, rate_ip, rate_net, max_links;
};

/* setting_int: an integer setting within [lo, hi], else fallback. */
static int64_t setting_int(struct db *db, struct arena *a, const char *key, int64_t fallback, int64_t lo, int64_t hi)
{
	const char *v = NULL;
	int64_t n;
	if (db_setting_get(db, a, key, &v) != DB_OK || !v || util_parse_i64(v, &n) < 0 || n < lo || n > hi)
		return fallback;
	return n;
}

/* setting_text: a text setting, else fallback. */
static const char *setting_text(struct db *db, struct arena *a, const char *key, const char *fallback)
{
	const char *v = NULL;
	if (db_setting_get(db, a, key, &v) != DB_OK || !v || !*v)
		return fallback;
	return v;
}

/* settings_load: the comment settings (defaults for anything unset or out of range). */
static void settings_load(struct db *db, struct arena *a, struct comment_settings *cs)
{
	cs->mode = setting_text(db, a, "comments.mode", "pre");
	if (strcmp(cs->mode, "trusted") != 0 && strcmp(cs->mode, "post") != 0)
		cs->mode = "pre";
	cs->order = setting_text(db, a, "comments.order", "oldest");
	cs->blocklist = setting_text(db, a, "comments.blocklist", "");
	cs->trusted_after = setting_int(db, a, "comments.trusted_after", 2, 1, 1000);
	cs->close_days = setting_int(db, a, "comments.close_days", 14, 0, 36500);
	cs->min_fill = setting_int(db, a, "comments.min_fill_seconds", 3, 0, 3600);
	cs->token_hours = setting_int(db, a, "comments.token_hours", 24, 1, 24 * 30);
	cs->rate_ip = setting_int(db, a, "comments.rate_ip", 5, 1, 100000);
	cs->rate_net = setting_int(db, a, "comments.rate_net", 20, 1, 100000);
	cs->max_links = setting_int(db, a, "comments.max_links", 2, 0, 100);
}

/* comments_open: whether visitors may comment on art now. */
static int comments_open(const struct db_article *art, const struct comment_settings *cs, int64_t now)
{
	if (strcmp(art->status, "published") != 0 || art->comments_closed)
		return 0;
	return cs->close_days == 0 || now < art->published_at + cs->close_days * 86400;
}

/* L: the edition's version of a sentence. */
static const char *L(const char *edition, const char *en, const char *ar)
{
	return strcmp(edition, "ar") == 0 ? ar : en;
}

/* visitor_hash: the keyed hash of the request's visitor cookie, or NULL when it has none. */
static const char *visitor_hash(struct http_request *req)
{
	const char *token = http_cookie(req, VISITOR_COOKIE);
	if (!token || strlen(token) != AUTH_TOKEN_HEX - 1)
		return NULL;
	char *h = arena_alloc(req->arena, AUTH_TOKEN_HEX);
	auth_keyed_hash(req->app->secret, "visitor", token, strlen(token), h);
	return h;
}

/* fill_comment: one comment's view (its replies are added by the caller). */
static void fill_comment(struct http_request *req, struct view *c, const struct db_comment *cm, const char *ed)
{
	struct arena *a = req->arena;
	struct buf b = BUF_INIT;
	comment_body_html(&b, cm->body);
	view_text(c, "id", arena_printf(a, "%lld", (long long)cm->id));
	view_text(c, "name", cm->name);
	view_html(c, "body", arena_strdup(a, buf_cstr(&b)));
	buf_free(&b);
	view_text(c, "stamp", render_stamp(a, cm->created_at, ed));
	view_text(c, "iso", render_iso(a, cm->created_at));
	view_bool(c, "pending", cm->mine);
	view_bool(c, "edited", cm->edited_at != 0);
}

int comments_fill(struct http_request *req, struct view *v, const struct db_article *art, const struct comment_form *cf)
{
	struct arena *a = req->arena;
	struct db *db = req->app->db;
	const char *ed = art->edition;
	struct comment_settings cs;
	settings_load(db, a, &cs);
	int64_t now = util_now();
	struct db_comment *list;
	size_t n;
	if (db_comments_for_article(db, a, art->id, visitor_hash(req), strcmp(cs.order, "newest") == 0, &list, &n) !=
	    DB_OK)
		return -1;
	/* a static copy cannot take comments: its form token would expire, and it changes every second */
	int open = comments_open(art, &cs, now) && !req->static_copy;
	view_list_empty(v, "comments");
	struct view *top = NULL;
	int64_t top_id = 0, shown = 0;
	const char *reply_name = "";
	int64_t reply_to = cf ? cf->parent : 0;
	const char *rp = http_param(req, "reply");
	if (!cf && rp && util_parse_i64(rp, &reply_to) < 0)
		reply_to = 0;
	for (size_t i = 0; i < n; i++) {
		if (list[i].parent_id == 0) {
			top = view_add(v, "comments");
			top_id = list[i].id;
			fill_comment(req, top, &list[i], ed);
			view_bool(top, "can_reply", open && !list[i].mine);
			view_list_empty(top, "replies");
			view_bool(top, "has_replies", 0);
			if (list[i].id == reply_to && !list[i].mine)
				reply_name = list[i].name;
			shown += !list[i].mine;
		} else if (top && list[i].parent_id == top_id) {
			fill_comment(req, view_add(top, "replies"), &list[i], ed);
			view_bool(top, "has_replies", 1);
			shown += !list[i].mine;
		}
	}
	if (!*reply_name)
		reply_to = 0;
	view_bool(v, "has_comments", n > 0);
	view_text(v, "comment_count", arena_printf(a, "%lld", (long long)shown));
	view_bool(v, "comments_open", open || (cf && cf->error));
	view_text(v, "article_id", arena_printf(a, "%lld", (long long)art->id));
	view_text(v, "comment_token", auth_form_token(a, req->app->secret, arena_printf(a, "comment:%lld", (long long)art->id), now));
	view_bool(v, "replying", reply_to != 0);
	view_text(v, "reply_to", arena_printf(a, "%lld", (long long)reply_to));
	view_text(v, "reply_name", reply_name);
	view_text(v, "self_href", render_article_href(a, art));
	view_text(v, "c_name", cf ? cf->name : "");
	view_text(v, "c_email", cf ? cf->email : "");
	view_text(v, "c_body", cf ? cf->body : "");
	view_text(v, "comment_error", cf ? cf->error : NULL);
	const char *notice = NULL, *q = http_param(req, "comment");
	if (!cf && q && strcmp(q, "held") == 0)
		notice = L(ed, "Thank you. Your comment is awaiting moderation: you can see it below, and other readers "
			       "will once a moderator approves it.",
			   "شكراً لك. تعليقك بانتظار المراجعة: يمكنك رؤيته أدناه، وسيراه القراء الآخرون بعد موافقة المشرف.");
	else if (!cf && q && strcmp(q, "published") == 0)
		notice = L(ed, "Thank you. Your comment is published.", "شكراً لك. نُشر تعليقك.");
	view_text(v, "comment_notice", notice);
	return 0;
}

/* blocked: whether the name or body contains a phrase of the blocklist (one per line), compared after
 * the shared Arabic/English normalisation. */
static int blocked(const char *blocklist, const char *name, const char *body)
{
	const char *p = blocklist;
	while (*p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && (p[len - 1] == '\r' || p[len - 1] == ' '))
			len--;
		if (len && (textnorm_contains_phrase(body, strlen(body), p, len) ||
			    textnorm_contains_phrase(name, strlen(name), p, len)))
			return 1;
		p += len;
		while (*p == '\r' || *p == ' ' || *p == '\n')
			p++;
	}
	return 0;
}

/* keyed: the keyed hash of value for purpose, in the arena; NULL for NULL or "". */
static const char *keyed(struct http_request *req, const char *purpose, const char *value)
{
	if (!value || !*value)
		return NULL;
	char *h = arena_alloc(req->arena, AUTH_TOKEN_HEX);
	auth_keyed_hash(req->app->secret, purpose, value, strlen(value), h);
	return h;
}

/* email_key: an email address as compared for bans and trust: trimmed and lower-cased. */
static const char *email_key(struct arena *a, const char *email)
{
	char *e = arena_strdup(a, email);
	for (char *p = e; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return e;
}

/* ---- receiving a comment: the defences, each a check run in order ---- */

/* One comment being received: what the checks read, and what earlier checks work out for later ones and
 * for storing it. All strings in the request's arena. */
struct incoming {
	struct http_request *req;
	struct http_response *res;
	struct db_article art;
	struct comment_settings cs;
	struct comment_form cf; /* as typed; cf.error and cf.status set by a refusal */
	int64_t now;
	const char *name, *email;                     /* trimmed (check_fields) */
	const char *ip_hash, *net_hash, *email_hash; /* keyed hashes (check_banned); NULL when absent */
	const char *dup_key;                          /* keyed hash of the folded body (check_duplicate) */
};

/* refusal: records why the comment is refused (in the article's language) and returns status. */
static int refusal(struct incoming *in, int status, const char *en, const char *ar)
{
	in->cf.status = status;
	in->cf.error = L(in->art.edition, en, ar);
	return status;
}

/* Each check returns 0 when the comment passes it, the refusal's status (refusal: 400, 403, 409, 429), or
 * 500 with no refusal recorded when the store fails. */
typedef int (*comment_check_fn)(struct incoming *in);

/* check_parent_number: the reply's "parent" field, when given, is a whole number (cf.parent). */
static int check_parent_number(struct incoming *in)
{
	const char *text = http_form(in->req, "parent");
	if (text && *text && (util_parse_i64(text, &in->cf.parent) < 0 || in->cf.parent < 0))
		return refusal(in, 400, "The reply is not attached to a valid comment.", "الرد غير مرتبط بتعليق صالح.");
	return 0;
}

/* check_open: the article takes comments now (not closed by hand or by age). */
static int check_open(struct incoming *in)
{
	if (!comments_open(&in->art, &in->cs, in->now))
		return refusal(in, 403, "Comments on this article are closed, so your comment was not sent. Your text is kept below.",
			       "التعليقات على هذا المقال مغلقة، لذلك لم يُرسل تعليقك. نصك محفوظ أدناه.");
	return 0;
}

/* check_token: the form's signed token is this article's and not older than the token_hours setting. */
static int check_token(struct incoming *in)
{
	const char *purpose = arena_printf(in->req->arena, "comment:%lld", (long long)in->art.id);
	if (!auth_form_token_check(in->req->app->secret, purpose, http_form(in->req, "token"), in->now,
				   in->cs.token_hours * 3600))
		return refusal(in, 403, "This form is out of date or was not sent from this page. Send it again now: your text is kept below.",
			       "هذا النموذج قديم أو لم يُرسل من هذه الصفحة. أرسله مجدداً الآن: نصك محفوظ أدناه.");
	return 0;
}

/* check_fill_time: the form was sent no sooner than min_fill seconds after it was shown (robots are faster). */
static int check_fill_time(struct incoming *in)
{
	if (in->now - auth_form_token_time(http_form(in->req, "token")) < in->cs.min_fill)
		return refusal(in, 400, "The form was sent faster than a person can type, as spam robots do. Wait a few seconds and send it again.",
			       "أُرسل النموذج أسرع مما يكتب الإنسان، كما تفعل برامج الرسائل المزعجة. انتظر بضع ثوانٍ ثم أرسله مجدداً.");
	return 0;
}

/* check_honeypot: the hidden "website" field, which people never see, is empty. */
static int check_honeypot(struct incoming *in)
{
	const char *trap = http_form(in->req, "website");
	if (trap && *trap)
		return refusal(in, 400, "Your comment could not be accepted: a field meant to stay empty was filled in (browsers that fill forms automatically can do this).",
			       "تعذّر قبول تعليقك: مُلئ حقل يجب أن يبقى فارغاً (قد تفعل ذلك المتصفحات التي تملأ النماذج تلقائياً).");
	return 0;
}

/* check_fields: name, email and body pass comment_check (lengths, links, blankness); sets the trimmed
 * name and email. */
static int check_fields(struct incoming *in)
{
	struct arena *a = in->req->arena;
	struct comment_limits lim = {.max_name_chars = 80, .max_body_chars = 5000, .max_links = (int)in->cs.max_links};
	const char *why = comment_check(a, in->cf.name, in->cf.email, in->cf.body, &lim, in->art.edition);
	if (why) {
		in->cf.status = 400;
		in->cf.error = why;
		return 400;
	}
	in->name = comment_trim(a, in->cf.name);
	in->email = comment_trim(a, in->cf.email);
	return 0;
}

/* check_parent: a reply answers an approved top-level comment of this article. */
static int check_parent(struct incoming *in)
{
	if (!in->cf.parent)
		return 0;
	struct db_comment parent;
	int rc = db_comment_get(in->req->app->db, in->req->arena, in->cf.parent, &parent);
	if (rc == DB_ERROR)
		return 500;
	if (rc == DB_NOTFOUND || parent.article_id != in->art.id || strcmp(parent.status, "approved") != 0)
		return refusal(in, 400, "The comment you are replying to is not on this article.", "التعليق الذي ترد عليه غير موجود في هذا المقال.");
	if (parent.parent_id != 0)
		return refusal(in, 400, "You can reply to a comment, but not to a reply.", "يمكنك الرد على تعليق، لكن ليس على رد.");
	return 0;
}

/* check_banned: neither the address nor the email is banned; sets the keyed hashes of address, network
 * and email. */
static int check_banned(struct incoming *in)
{
	struct http_request *req = in->req;
	struct db *db = req->app->db;
	in->ip_hash = keyed(req, "ip", req->client_ip);
	char net[64];
	in->net_hash = comment_net_key(req->client_ip, net, sizeof net) == 0 ? keyed(req, "net", net) : NULL;
	in->email_hash = keyed(req, "email", *in->email ? email_key(req->arena, in->email) : NULL);
	int found = 0;
	if (db_ban_exists(db, "ip", in->ip_hash, &found) != DB_OK ||
	    (!found && in->email_hash && db_ban_exists(db, "email", in->email_hash, &found) != DB_OK))
		return 500;
	if (found)
		return refusal(in, 403, "Comments from this address or email are not accepted on this site.",
			       "لا يقبل هذا الموقع التعليقات من هذا العنوان أو البريد الإلكتروني.");
	return 0;
}

/* check_rate: fewer than rate_ip comments from the address and rate_net from its network in the last
 * RATE_WINDOW seconds; a refusal says when to retry (Retry-After). */
static int check_rate(struct incoming *in)
{
	struct db *db = in->req->app->db;
	int64_t since = in->now - RATE_WINDOW, count = 0, net_count = 0;
	if (db_comments_recent(db, DB_RATE_IP, in->ip_hash, since, &count) != DB_OK)
		return 500;
	if (count < in->cs.rate_ip && in->net_hash &&
	    db_comments_recent(db, DB_RATE_NET, in->net_hash, since, &net_count) != DB_OK)
		return 500;
	if (count < in->cs.rate_ip && net_count < in->cs.rate_net)
		return 0;
	http_set_header(in->res, "Retry-After", arena_printf(in->req->arena, "%d", RATE_WINDOW));
	return refusal(in, 429, "Too many comments have come from your network in the last few minutes. Please wait ten minutes and send it again: your text is kept below.",
		       "وصلت تعليقات كثيرة من شبكتك في الدقائق الأخيرة. انتظر عشر دقائق ثم أرسل تعليقك مجدداً: نصك محفوظ أدناه.");
}

/* check_blocklist: neither the name nor the body holds a phrase of the site's blocklist. */
static int check_blocklist(struct incoming *in)
{
	if (blocked(in->cs.blocklist, in->name, in->cf.body))
		return refusal(in, 400, "Your comment contains a word or phrase this site does not publish. Please rephrase it.",
			       "يحتوي تعليقك على كلمة أو عبارة لا ينشرها هذا الموقع. يرجى إعادة صياغته.");
	return 0;
}

/* check_duplicate: the same body (as folded for comparison) was not sent on this article in the last
 * DUP_WINDOW seconds; sets dup_key. */
static int check_duplicate(struct incoming *in)
{
	struct buf norm = BUF_INIT;
	textnorm_fold(&norm, in->cf.body, strlen(in->cf.body));
	in->dup_key = keyed(in->req, "dup", buf_cstr(&norm));
	buf_free(&norm);
	int found = 0;
	if (db_comment_duplicate(in->req->app->db, in->art.id, in->dup_key, in->now - DUP_WINDOW, &found) != DB_OK)
		return 500;
	if (found)
		return refusal(in, 409, "This comment has already been sent on this article.", "أُرسل هذا التعليق من قبل على هذا المقال.");
	return 0;
}

/* The defences, in the order they run: the cheap checks of the form itself first, then the ones that ask
 * the store. The first that refuses decides the answer. */
static const comment_check_fn comment_checks[] = {
	check_parent_number, check_open,   check_token,     check_fill_time, check_honeypot,  check_fields,
	check_parent,        check_banned, check_rate,      check_blocklist, check_duplicate,
};

/* visitor_key: the keyed hash of the visitor's cookie, which lets them see their own pending comment and
 * earns trust; a visitor without one gets a new cookie (Set-Cookie on in->res). */
static const char *visitor_key(struct incoming *in)
{
	struct http_request *req = in->req;
	const char *vhash = visitor_hash(req);
	if (vhash)
		return vhash;
	char *t = arena_alloc(req->arena, AUTH_TOKEN_HEX);
	auth_random_hex(t);
	http_set_header(in->res, "Set-Cookie",
			arena_printf(req->arena, VISITOR_COOKIE "=%s; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax%s", t,
				     req->app->https ? "; Secure" : ""));
	return keyed(req, "visitor", t);
}

/* moderation_status: "approved" when the article's (else the site's) moderation mode publishes this
 * comment at once (post; trusted and the email or visitor has trusted_after approved comments), else
 * "pending". NULL on a store error. */
static const char *moderation_status(struct incoming *in, const char *mode, const char *vhash)
{
	if (strcmp(mode, "post") == 0)
		return "approved";
	if (strcmp(mode, "trusted") != 0)
		return "pending";
	int64_t approved = 0;
	if (db_comments_approved_count(in->req->app->db, in->email_hash, in->email_hash ? NULL : vhash, &approved) != DB_OK)
		return NULL;
	return approved >= in->cs.trusted_after ? "approved" : "pending";
}

/* comment_accept: stores the comment that passed every check, with its log entry, in one transaction, and
 * sends the visitor back to the article (303), where it shows as published or held. Returns the status. */
static int comment_accept(struct incoming *in)
{
	struct arena *a = in->req->arena;
	struct db *db = in->req->app->db;
	const char *vhash = visitor_key(in);
	const char *mode = in->art.comments_mode ? in->art.comments_mode : in->cs.mode;
	const char *status = moderation_status(in, mode, vhash);
	if (!status)
		return 500;
	int approved = strcmp(status, "approved") == 0;
	struct db_comment_new c = {.article_id = in->art.id, .parent_id = in->cf.parent, .name = in->name,
				   .body = in->cf.body, .status = status, .email_hash = in->email_hash,
				   .ip_hash = in->ip_hash, .net_hash = in->net_hash, .visitor_hash = vhash,
				   .dup_key = in->dup_key, .created_at = in->now};
	const char *logged = !approved			    ? "received, held for moderation"
			     : strcmp(mode, "post") == 0 ? "published (post-moderation)"
							 : "published (trusted visitor)";
	int64_t cid;
	if (db_begin(db) != DB_OK)
		return 500;
	if (db_comment_insert(db, &c, &cid) != DB_OK || db_comment_log_add(db, cid, 0, logged, in->now) != DB_OK ||
	    db_commit(db) != DB_OK) {
		db_rollback(db);
		return 500;
	}
	if (approved)
		cache_note(in->req, CACHE_COMMENT, cid);
	http_set_header(in->res, "Location",
			arena_printf(a, "%s?comment=%s#comment-%lld", render_article_href(a, &in->art),
				     approved ? "published" : "held", (long long)cid));
	http_set_header(in->res, "Cache-Control", "no-store");
	return 303;
}

/* WEBPAGE: POST /comments/{id}
 * Parameters: id (the article, in the path); form: name, email, body, parent (the comment replied to),
 *   token (the form's signed token), website (the honeypot, left empty).
 * Permission: anyone (public; no session, no CSRF token: the signed form token stands in for it).
 * Receives a visitor's comment on a published article: runs comment_checks in order and shows the article
 * again with the text kept and the reason on the first refusal, else stores it (comment_accept) and
 * redirects (303) to the article. 404 for an article that is not published. */
int comment_post_page(struct http_request *req, struct http_response *res)
{
	struct arena *a = req->arena;
	struct db *db = req->app->db;
	int64_t id = route_param_id(&req->route, "id");
	if (!id)
		return 404;
	struct incoming in = {.req = req, .res = res, .now = util_now()};
	int rc = db_article_get_id(db, a, id, &in.art);
	if (rc == DB_ERROR)
		return 500;
	if (rc == DB_NOTFOUND || strcmp(in.art.status, "published") != 0) {
		res->error_message = "There is no published article to comment on here.";
		return 404;
	}
	settings_load(db, a, &in.cs);
	const char *name = http_form_text(req, "name"), *email = http_form_text(req, "email"),
		   *body = http_form_text(req, "body");
	in.cf.name = name ? name : "";
	in.cf.email = email ? email : "";
	in.cf.body = body ? body : "";
	for (size_t i = 0; i < ARRAY_LEN(comment_checks); i++) {
		int status = comment_checks[i](&in);
		if (status && !in.cf.error)
			return status; /* the store failed */
		if (status) {
			http_set_header(res, "Cache-Control", "no-store");
			return article_render(req, res, &in.art, &in.cf);
		}
	}
	return comment_accept(&in);
}

/* ---- the newsroom's moderation pages ---- */

static const struct {
	const char *status, *label;
} tabs[] = {{"pending", N_("Pending")}, {"approved", N_("Approved")}, {"spam", N_("Spam")}, {"rejected", N_("Rejected")}};

static const char *valid_status(const char *s)
{
	for (size_t i = 0; s && i < ARRAY_LEN(tabs); i++)
		if (strcmp(s, tabs[i].status) == 0)
			return tabs[i].status;
	return NULL;
}

/* status_label: a comment's status as the newsroom in lang names it: the status itself in English (as
 * before), its tab's label translated otherwise. */
static const char *status_label(enum catalog_lang lang, const char *status)
{
	for (size_t i = 0; lang != CATALOG_EN && i < ARRAY_LEN(tabs); i++)
		if (strcmp(status, tabs[i].status) == 0)
			return catalog_tr(lang, tabs[i].label);
	return status;
}

/* queue_show: the moderation queue for ?status (pending by default), ?q and ?article. */
static int queue_show(struct http_request *req, struct http_response *res, const char *notice, const char *error,
		      int status_code)
{
	struct arena *a = req->arena;
	struct db *db = req->app->db;
	const char *status = valid_status(http_param(req, "status"));
	if (!status)
		status = "pending";
	const char *q = http_param(req, "q");
	int64_t article = 0, page = 1;
	const char *at = http_param(req, "article"), *pg = http_param(req, "page");
	if ((at && *at && (util_parse_i64(at, &article) < 0 || article < 0)) ||
	    (pg && (util_parse_i64(pg, &page) < 0 || page < 1 || page > 100000))) {
		res->error_message = "The filter is not valid: the article is a number, the page a positive number.";
		return 400;
	}
	const char *long_q = q ? util_too_long(a, "The filter text", q, 200) : NULL;
	if (long_q) { /* refused, never cut (a cut could split a character, which PostgreSQL refuses) */
		res->error_message = long_q;
		return 400;
	}
	struct db_comment_query cq = {.status = status, .article_id = article, .text = q, .offset = (page - 1) * QUEUE_PAGE,
				      .limit = QUEUE_PAGE + 1};
	struct db_comment *list;
	size_t n;
	if (db_comments_queue(db, a, &cq, &list, &n) != DB_OK)
		return 500;
	struct view *v = render_admin_frame(req, RENDER_COMMENTS, N_("Comments"), notice, error);
	enum catalog_lang lang = render_newsroom_lang(req);
	for (size_t i = 0; i < ARRAY_LEN(tabs); i++) {
		int64_t count = 0;
		if (db_comments_status_count(db, tabs[i].status, &count) != DB_OK)
			return 500;
		struct view *t = view_add(v, "tabs");
		view_text(t, "status", tabs[i].status);
		view_text(t, "label", catalog_tr(lang, tabs[i].label));
		view_text(t, "count", arena_printf(a, "%lld", (long long)count));
		view_bool(t, "current", strcmp(status, tabs[i].status) == 0);
	}
	view_text(v, "status", status);
	view_text(v, "q", q ? q : "");
	view_text(v, "article", article ? arena_printf(a, "%lld", (long long)article) : "");
	view_list_empty(v, "items");
	size_t shown = n > QUEUE_PAGE ? QUEUE_PAGE : n;
	for (size_t i = 0; i < shown; i++) {
		struct view *it = view_add(v, "items");
		struct buf b = BUF_INIT;
		comment_body_html(&b, list[i].body);
		view_text(it, "id", arena_printf(a, "%lld", (long long)list[i].id));
		view_text(it, "name", list[i].name);
		view_html(it, "body", arena_strdup(a, buf_cstr(&b)));
		buf_free(&b);
		view_text(it, "when", render_stamp(a, list[i].created_at, catalog_code(lang)));
		view_text(it, "headline", list[i].article_headline);
		struct db_article art = {.edition = list[i].article_edition, .slug = list[i].article_slug,
					 .published_at = list[i].article_published_at};
		view_text(it, "article_href", list[i].article_published_at ? render_article_href(a, &art) : "");
		view_bool(it, "is_reply", list[i].parent_id != 0);
		view_bool(it, "edited", list[i].edited_at != 0);
		view_text(it, "edited_by", list[i].edited_by);
		view_bool(it, "has_ip", list[i].ip_hash != NULL);
		view_bool(it, "has_email", list[i].email_hash != NULL);
	}
	view_bool(v, "has_items", shown > 0);
	view_bool(v, "has_next", n > QUEUE_PAGE);
	view_bool(v, "has_prev", page > 1);
	const char *base = arena_printf(a, "/admin/comments?status=%s", status);
	struct buf b = BUF_INIT;
	if (q && *q) {
		buf_lit(&b, "&q=");
		buf_url(&b, q, strlen(q));
	}
	if (article)
		buf_printf(&b, "&article=%lld", (long long)article);
	const char *filters = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	view_text(v, "next_href", arena_printf(a, "%s%s&page=%lld", base, filters, (long long)page + 1));
	view_text(v, "prev_href", arena_printf(a, "%s%s&page=%lld", base, filters, (long long)page - 1));
	return render_reply(req, res, RENDER_COMMENTS, v, status_code);
}

/* set_status_logged: moves one comment to status and logs it. DB_OK, DB_NOTFOUND or DB_ERROR. */
static int set_status_logged(struct http_request *req, int64_t id, const char *status, int64_t now)
{
	int rc = db_comment_set_status(req->app->db, id, status);
	if (rc != DB_OK)
		return rc;
	cache_note(req, CACHE_COMMENT, id);
	audit_record(req, arena_printf(req->arena, "comment.%s", status), audit_target(req->arena, "comment", id), NULL);
	return db_comment_log_add(req->app->db, id, req->session->user.id,
				  strcmp(status, "approved") == 0   ? N_("approved")
				  : strcmp(status, "spam") == 0     ? N_("marked as spam")
				  : strcmp(status, "rejected") == 0 ? N_("rejected")
								    : N_("returned to pending"),
				  now);
}

/* comments_bulk: the queue's bulk action (approve, reject, spam, pending) on the selected comments, in one
 * transaction. */
static int comments_bulk(struct http_request *req, struct http_response *res)
{
	struct db *db = req->app->db;
	const char *action = http_form(req, "action");
	const char *to = !action					? NULL
			 : strcmp(action, "approve") == 0	? "approved"
			 : strcmp(action, "reject") == 0	? "rejected"
			 : strcmp(action, "spam") == 0		? "spam"
			 : strcmp(action, "pending") == 0	? "pending"
								: NULL;
	if (!to)
		return queue_show(req, res, NULL, N_("Choose approve, reject, spam or pending."), 400);
	int64_t ids[QUEUE_PAGE];
	size_t nids = 0;
	for (size_t i = 0; i < req->nform; i++) {
		if (strcmp(req->form[i].name, "ids") != 0)
			continue;
		int64_t id;
		if (util_parse_i64(req->form[i].value, &id) < 0 || id <= 0)
			return queue_show(req, res, NULL, N_("A selected comment number is not valid."), 400);
		if (nids == ARRAY_LEN(ids))
			return queue_show(req, res, NULL, N_("Select at most 50 comments at a time."), 400);
		ids[nids++] = id;
	}
	if (nids == 0)
		return queue_show(req, res, NULL, N_("Select at least one comment first."), 400);
	int64_t now = util_now();
	if (db_begin(db) != DB_OK)
		return 500;
	for (size_t i = 0; i < nids; i++) {
		int rc = set_status_logged(req, ids[i], to, now);
		if (rc != DB_OK) {
			db_rollback(db);
			if (rc == DB_NOTFOUND)
				return queue_show(req, res, NULL, N_("One of the selected comments no longer exists; nothing was changed."), 404);
			return 500;
		}
	}
	if (db_commit(db) != DB_OK)
		return 500;
	const char *back = http_form(req, "back");
	http_set_header(res, "Location",
			uri_local_path_under(back, "/admin/comments")
				? arena_printf(req->arena, "%s%sdone=1", back, strchr(back, '?') ? "&" : "?")
				: "/admin/comments?done=1");
	return 303;
}

/* WEBPAGE: GET POST /admin/comments
 * Parameters: GET: status (pending, approved, spam, rejected), q, article (an id), page, done; POST form:
 *   action (approve, reject, spam, pending), ids (repeated), back (the queue's address to return to)
 * Permission: moderator, editor or admin (PERM_MODERATE); a POST carries the session's CSRF token (csrf
 *   field), checked by the route table
 * The moderation queue; a POST applies the action to the selected comments and returns (303) to the queue. */
int comments_queue_page(struct http_request *req, struct http_response *res)
{
	if (req->method == HTTP_POST)
		return comments_bulk(req, res);
	const char *done = http_param(req, "done");
	return queue_show(req, res, done && *done ? N_("Done.") : NULL, NULL, 200);
}


/* edit_show: the comment edit form for comment id with body in its textarea, error above it, answered
 * with status. cm is the stored comment, or NULL for a POST refused without a session: then nothing from
 * the store is shown (the template's meta line is left out), only what was typed. Every variable of the
 * template is set here, for both cases (one left unset made a refused save a 500). Returns status, or 500
 * when the template fails. */
static int edit_show(struct http_request *req, struct http_response *res, int64_t id, const struct db_comment *cm,
		     const char *body, const char *error, int status)
{
	struct arena *a = req->arena;
	struct view *v = render_admin_frame(req, RENDER_COMMENT_EDIT, N_("Edit comment"), NULL, error);
	view_text(v, "id", arena_printf(a, "%lld", (long long)id));
	view_text(v, "name", cm ? cm->name : "");
	view_text(v, "body", body ? body : "");
	view_text(v, "status", cm ? status_label(render_newsroom_lang(req), cm->status) : "");
	view_text(v, "when", cm ? render_stamp(a, cm->created_at, catalog_code(render_newsroom_lang(req))) : "");
	return render_reply(req, res, RENDER_COMMENT_EDIT, v, status);
}

/* WEBPAGE: GET POST /admin/comments/{id}
 * Parameters: id (in the path); POST form: body
 * Permission: moderator, editor or admin (PERM_MODERATE); a POST carries the session's CSRF token (csrf
 *   field), checked by the route table
 * Shows and saves a moderator's edit of a comment (logged); a refusal keeps the text typed (400; 403 without
 *   a live session); 404 for an unknown comment. */
int comment_edit_page(struct http_request *req, struct http_response *res)
{
	struct arena *a = req->arena;
	struct db *db = req->app->db;
	int64_t id = route_param_id(&req->route, "id");
	if (!req->session) /* a refused POST without a session: show what was typed, nothing from the store */
		return edit_show(req, res, id, NULL, http_form_text(req, "body"), req->refusal, 403);
	struct db_comment cm;
	int rc = id ? db_comment_get(db, a, id, &cm) : DB_NOTFOUND;
	if (rc == DB_ERROR)
		return 500;
	if (rc == DB_NOTFOUND) {
		res->error_message = "There is no comment with that number.";
		return 404;
	}
	if (req->method != HTTP_POST)
		return edit_show(req, res, id, &cm, cm.body, NULL, 200);
	const char *typed = http_form_text(req, "body");
	const char *body = typed ? typed : "";
	if (req->refusal)
		return edit_show(req, res, id, &cm, body, req->refusal, 403);
	struct comment_limits lim = {.max_name_chars = 80, .max_body_chars = 5000, .max_links = -1};
	const char *error = comment_check(a, cm.name, "", body, &lim, catalog_code(render_newsroom_lang(req)));
	if (error)
		return edit_show(req, res, id, &cm, body, error, 400);
	int64_t now = util_now();
	if (db_begin(db) != DB_OK)
		return 500;
	if (db_comment_edit(db, id, body, req->session->user.id, now) != DB_OK ||
	    db_comment_log_add(db, id, req->session->user.id, N_("edited"), now) != DB_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		return 500;
	}
	audit_record(req, "comment.edited", audit_target(a, "comment", id), NULL);
	cache_note(req, CACHE_COMMENT, id);
	http_set_header(res, "Location", arena_printf(a, "/admin/comments?status=%s&done=1", cm.status));
	return 303;
}

/* WEBPAGE: POST /admin/comments/{id}/ban
 * Parameters: id (in the path); form: csrf
 * Permission: moderator, editor or admin (PERM_MODERATE); a POST carries the session's CSRF token (csrf
 *   field), checked by the route table
 * Bans the comment's (hashed) address and email, marks it spam and logs it; 409 when nothing is left to ban. */
int comment_ban_page(struct http_request *req, struct http_response *res)
{
	struct db *db = req->app->db;
	int64_t id = route_param_id(&req->route, "id");
	struct db_comment cm;
	int rc = id ? db_comment_get(db, req->arena, id, &cm) : DB_NOTFOUND;
	if (rc == DB_ERROR)
		return 500;
	if (rc == DB_NOTFOUND) {
		res->error_message = "There is no comment with that number.";
		return 404;
	}
	if (!cm.ip_hash && !cm.email_hash)
		return queue_show(req, res, NULL,
				  N_("This comment's address has been purged and it gave no email: there is nothing left to ban."), 409);
	int64_t now = util_now();
	if (db_begin(db) != DB_OK)
		return 500;
	int64_t uid = req->session->user.id;
	if ((cm.ip_hash && db_ban_add(db, "ip", cm.ip_hash, uid, now) != DB_OK) ||
	    (cm.email_hash && db_ban_add(db, "email", cm.email_hash, uid, now) != DB_OK) ||
	    (strcmp(cm.status, "spam") != 0 && set_status_logged(req, id, "spam", now) != DB_OK) ||
	    db_comment_log_add(db, id, uid, cm.email_hash ? N_("banned the sender's address and email") : N_("banned the sender's address"), now) != DB_OK ||
	    db_commit(db) != DB_OK) {
		db_rollback(db);
		return 500;
	}
	audit_record(req, "comment.banned", audit_target(req->arena, "comment", id), cm.email_hash ? "address and email" : "address");
	http_set_header(res, "Location", "/admin/comments?done=1");
	return 303;
}

/* WEBPAGE: GET /admin/comments/log
 * Parameters: none
 * Permission: moderator, editor or admin (PERM_MODERATE)
 * The last 200 moderation actions, newest first. */
int comments_log_page(struct http_request *req, struct http_response *res)
{
	struct arena *a = req->arena;
	struct db_comment_log *log;
	size_t n;
	if (db_comment_log_list(req->app->db, a, 200, &log, &n) != DB_OK)
		return 500;
	struct view *v = render_admin_frame(req, RENDER_COMMENT_LOG, N_("Moderation log"), NULL, NULL);
	enum catalog_lang lang = render_newsroom_lang(req);
	view_list_empty(v, "entries");
	for (size_t i = 0; i < n; i++) {
		struct view *e = view_add(v, "entries");
		view_text(e, "when", render_stamp(a, log[i].at, catalog_code(lang)));
		view_text(e, "who", log[i].who);
		view_text(e, "action", catalog_tr(lang, log[i].action)); /* written in English (N_ where logged) */
		view_text(e, "comment", log[i].comment_id ? arena_printf(a, "%lld", (long long)log[i].comment_id) : "");
		view_text(e, "name", log[i].name);
	}
	view_bool(v, "has_entries", n > 0);
	return render_reply(req, res, RENDER_COMMENT_LOG, v, 200);
}

/* WEBPAGE: POST /admin/articles/{id}/comments
 * Parameters: id (in the path); form: mode (site, pre, trusted, post), closed (set: closed)
 * Permission: editor or admin (PERM_PUBLISH); a POST carries the session's CSRF token (csrf field), checked
 *   by the route table
 * Sets one article's comment moderation mode and whether its comments are closed; 400 for an unknown mode. */
int article_comments_page(struct http_request *req, struct http_response *res)
{
	int64_t id = route_param_id(&req->route, "id");
	if (!id)
		return 404;
	const char *mode = http_form(req, "mode");
	if (mode && strcmp(mode, "site") == 0)
		mode = NULL;
	if (mode && strcmp(mode, "pre") != 0 && strcmp(mode, "trusted") != 0 && strcmp(mode, "post") != 0) {
		res->error_message = "The comment mode must be the site's, pre, trusted or post.";
		return 400;
	}
	const char *closed = http_form(req, "closed");
	int rc = db_article_set_comments(req->app->db, id, mode, closed && *closed);
	if (rc == DB_NOTFOUND)
		return 404;
	if (rc != DB_OK)
		return 500;
	audit_record(req, "article.comments", audit_target(req->arena, "article", id), arena_printf(req->arena, "mode %s%s", mode ? mode : "site", closed && *closed ? ", closed" : ""));
	cache_note(req, CACHE_COMMENTS, id);
	http_set_header(res, "Location", arena_printf(req->arena, "/admin/articles/%lld?notice=comments", (long long)id));
	return 303;
}
