/* page_push.c - Web Push pages: the service worker at /sw.js, readers' subscribe and unsubscribe calls
 * (JSON from the opt-in button of push_optin.html / static/push.js), the opt-in's frame fields, and the
 * newsroom's alerts page (/admin/push: send an alert, the counts of each). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "breaking.h"
#include "catalog.h"
#include "db.h"
#include "embedded.h"
#include "http.h"
#include "live.h"
#include "oidc.h"
#include "pages.h"
#include "push.h"
#include "render.h"
#include "util.h"
#include "webpush.h"

#define PUSH_TOKEN_AGE (2 * 86400) /* seconds a reader page's subscribe token is good for */
#define PUSH_RATE_WINDOW 3600      /* push_subscribe_rate counts this many seconds back */
#define PUSH_ALERTS_SHOWN 50

void push_frame(struct http_request *req, struct view *v)
{
	const struct app *app = req->app;
	view_text(v, "push_key", oidc_b64url_encode(req->arena, app->vapid_pub, sizeof app->vapid_pub));
	/* a static export has no server to subscribe to: no token, and push.js keeps the button hidden */
	view_text(v, "push_token", req->static_copy ? "" : auth_form_token(req->arena, app->secret, "push", util_now()));
}

/* WEBPAGE: GET /sw.js
 * Parameters: none
 * Permission: anyone (public; kept out of the page cache: browsers check it for updates)
 * The service worker (static/sw.js) at the site's root, so its scope is the whole site: it shows each
 * alert once (tag = the alert, an id already shown is ignored) and opens its link on click. */
int sw_page(struct http_request *req, struct http_response *res)
{
	(void)req;
	const struct embedded_file *f = embedded_find("static/sw.js");
	if (!f)
		return 404;
	buf_append(&res->body, f->data, f->len);
	res->content_type = "text/javascript; charset=utf-8";
	http_set_header(res, "Service-Worker-Allowed", "/");
	http_set_header(res, "Cache-Control", "no-cache");
	return 200;
}

/* reader_error: a JSON refusal {"error": why} in the language of the edition the reader subscribes from
 * (lang: "ar" or anything else for English), no-store. Returns status. */
static int reader_error(struct http_request *req, struct http_response *res, int status, const char *lang,
			const char *why)
{
	enum catalog_lang l = lang && strcmp(lang, "ar") == 0 ? CATALOG_AR : CATALOG_EN;
	(void)req;
	http_set_header(res, "Cache-Control", "no-store");
	return page_json_reply(res, json_pack("{s:s}", "error", catalog_tr(l, why)), status);
}

/* reader_forged: why a subscribe or unsubscribe call is refused before its body is read (static), or
 * NULL: it must come from this site's own page (Origin = base_url), as JSON, with the signed token the
 * page carries (X-Push-Token: auth_form_token for "push", at most PUSH_TOKEN_AGE old), as the visitors'
 * comment form is protected: the pages are cached, so there is no session CSRF token to carry. *status
 * gets the refusal's status. */
static const char *reader_forged(struct http_request *req, int *status)
{
	const char *origin = http_header(req, "Origin");
	const char *type = http_header(req, "Content-Type");
	*status = 403;
	if (!origin || strcmp(origin, req->app->cfg.base_url) != 0)
		return N_("This request did not come from this site's pages.");
	if (!type || strncmp(type, "application/json", 16) != 0 || (type[16] && type[16] != ';')) {
		*status = 415;
		return N_("Send the subscription as JSON (Content-Type: application/json).");
	}
	if (!auth_form_token_check(req->app->secret, "push", http_header(req, "X-Push-Token"), util_now(), PUSH_TOKEN_AGE))
		return N_("This page is out of date: reload it and turn alerts on again.");
	return NULL;
}

/* read_subscription: the start both subscription POSTs share: refuses a forged or stale page (reader_forged)
 * and parses the JSON body into sub (the keys required when full). Returns 0, or the status of the
 * refusal it has already written. */
static int read_subscription(struct http_request *req, struct http_response *res, int full, struct webpush_sub *sub)
{
	int status;
	const char *forged = reader_forged(req, &status);
	if (forged)
		return reader_error(req, res, status, NULL, forged);
	const struct config *cfg = &req->app->cfg;
	const char *why = webpush_sub_parse(req->arena, req->body ? req->body : "", req->body_len, cfg->push_hosts,
					    cfg->push_allow_http, full, sub);
	return why ? reader_error(req, res, 400, sub->edition, why) : 0;
}

/* WEBPAGE: POST /push/subscribe
 * Parameters: JSON body {"endpoint", "keys": {"p256dh", "auth"}, "edition"} (a PushSubscription's JSON
 *   plus the edition); headers Origin (this site), Content-Type application/json, X-Push-Token (the
 *   reader page's signed token)
 * Permission: anyone, from this site's reader pages (same origin, signed token); push_subscribe_rate per
 *   address per hour
 * Stores the subscription (the same endpoint again updates it); refusals are JSON {"error"} with 400
 *   (malformed, foreign push service, keys), 403 (forged or stale page), 415, 429 (Retry-After). */
int push_subscribe_page(struct http_request *req, struct http_response *res)
{
	struct webpush_sub sub;
	int refused = read_subscription(req, res, 1, &sub);
	if (refused)
		return refused;
	const struct config *cfg = &req->app->cfg;
	char hex[AUTH_TOKEN_HEX];
	const char *ip = req->client_ip ? req->client_ip : "";
	auth_keyed_hash(req->app->secret, "push-ip", ip, strlen(ip), hex);
	int64_t now = util_now(), count = 0, id = 0;
	if (db_push_recent(req->app->db, hex, now - PUSH_RATE_WINDOW, &count) != DB_OK)
		return 500;
	if (count >= cfg->push_subscribe_rate) {
		http_set_header(res, "Retry-After", "3600");
		return reader_error(req, res, 429, sub.edition,
				    N_("Too many devices have turned alerts on from your network in the last hour. Try again later."));
	}
	if (db_push_subscribe(req->app->db, sub.endpoint, sub.p256dh, sub.auth, sub.edition, hex, now, &id) != DB_OK)
		return 500;
	http_set_header(res, "Cache-Control", "no-store");
	return page_json_reply(res, json_pack("{s:b, s:s}", "subscribed", 1, "edition", sub.edition), 200);
}

/* WEBPAGE: POST /push/unsubscribe
 * Parameters: JSON body {"endpoint"}; headers as for /push/subscribe
 * Permission: anyone, from this site's reader pages (same origin, signed token)
 * Deletes the subscription (its waiting deliveries are dropped); 404 (JSON) when there is none. */
int push_unsubscribe_page(struct http_request *req, struct http_response *res)
{
	struct webpush_sub sub;
	int refused = read_subscription(req, res, 0, &sub);
	if (refused)
		return refused;
	int rc = db_push_unsubscribe(req->app->db, sub.endpoint, util_now());
	if (rc == DB_NOTFOUND)
		return reader_error(req, res, 404, sub.edition, N_("This device has no alerts turned on."));
	if (rc != DB_OK)
		return 500;
	http_set_header(res, "Cache-Control", "no-store");
	return page_json_reply(res, json_pack("{s:b}", "unsubscribed", 1), 200);
}

/* form_value: the field as typed (a POST), else the query's prefill, else fallback. */
static const char *form_value(struct http_request *req, const char *name, const char *fallback)
{
	const char *v = req->method == HTTP_POST ? http_form_text(req, name) : http_param(req, name);
	return v ? v : fallback;
}

/* The send form's fields before anything is typed. */
struct prefill {
	const char *edition, *title, *body, *url, *source;
};

/* prefill_article: the fields from ?article=ID (its headline, standfirst, address, edition and source
 * "article:ID"). 1 when the query named such an article, else 0 (f untouched). */
static int prefill_article(struct http_request *req, struct prefill *f)
{
	int64_t id;
	const char *p = http_param(req, "article");
	struct db_article art;
	if (!p || util_parse_i64(p, &id) < 0 || db_article_get_id(req->app->db, req->arena, id, &art) != DB_OK)
		return 0;
	*f = (struct prefill){art.edition, art.headline, art.standfirst ? art.standfirst : "",
			      render_article_href(req->arena, &art), audit_target(req->arena, "article", id)};
	return 1;
}

/* prefill_live_entry: the fields from ?live-entry=ID: its blog's headline, the entry's key event or first
 * words, the entry's own page, source "live-entry:ID". 1 when it named a published entry, else 0. */
static int prefill_live_entry(struct http_request *req, struct prefill *f)
{
	int64_t id;
	const char *p = http_param(req, "live-entry");
	struct db_live_entry e;
	struct db_article art;
	if (!p || util_parse_i64(p, &id) < 0 || db_live_entry_get(req->app->db, req->arena, id, &e) != DB_OK ||
	    strcmp(e.state, "published") != 0 || db_article_get_id(req->app->db, req->arena, e.article_id, &art) != DB_OK)
		return 0;
	*f = (struct prefill){art.edition, art.headline, live_entry_title(req->arena, &e, 120, ""),
			      arena_printf(req->arena, "%s/entry/%lld", render_article_href(req->arena, &art), (long long)id),
			      audit_target(req->arena, "live-entry", id)};
	return 1;
}

/* prefill_breaking: the fields from ?breaking=ID: the banner's label as title, its line as body, where it
 * links, source "breaking:ID". 1 when it named a banner, else 0. */
static int prefill_breaking(struct http_request *req, struct prefill *f)
{
	int64_t id;
	const char *p = http_param(req, "breaking");
	struct db_breaking b;
	if (!p || util_parse_i64(p, &id) < 0 || db_breaking_get(req->app->db, req->arena, id, &b) != DB_OK)
		return 0;
	*f = (struct prefill){b.edition, breaking_label(b.edition), b.text, breaking_href(req, &b),
			      audit_target(req->arena, "breaking", id)};
	return 1;
}

/* alerts_form: the alerts page: the send form (what was typed when status is not 200, else the
 * prefill), the subscriber counts and the recent alerts with their delivery counts. Returns status. */
static int alerts_form(struct http_request *req, struct http_response *res, const char *notice, const char *error,
		       int status)
{
	struct arena *a = req->arena;
	struct db *db = req->app->db;
	struct view *v = render_admin_frame(req, RENDER_PUSH, N_("Alerts to readers' devices"), notice, error);
	struct prefill f = {"en", "", "", "", ""};
	if (req->method != HTTP_POST && !prefill_article(req, &f) && !prefill_live_entry(req, &f))
		prefill_breaking(req, &f);
	const char *edition = f.edition, *title = f.title, *body = f.body, *url = f.url, *source = f.source;
	int keep = req->method != HTTP_POST || status != 200; /* after a send, an empty form */
	edition = keep ? form_value(req, "edition", edition) : "en";
	view_bool(v, "edition_en", strcmp(edition, "ar") != 0);
	view_bool(v, "edition_ar", strcmp(edition, "ar") == 0);
	view_text(v, "title", keep ? form_value(req, "title", title) : "");
	view_text(v, "body", keep ? form_value(req, "body", body) : "");
	view_text(v, "url", keep ? form_value(req, "url", url) : "");
	view_text(v, "source", keep ? form_value(req, "source", source) : "");
	int64_t en = 0, ar = 0;
	struct db_push_alert *alerts = NULL;
	size_t n = 0;
	if (db_push_subscribers(db, "en", &en) != DB_OK || db_push_subscribers(db, "ar", &ar) != DB_OK ||
	    db_push_alerts(db, a, PUSH_ALERTS_SHOWN, &alerts, &n) != DB_OK)
		return 500;
	view_text(v, "subs_en", arena_printf(a, "%lld", (long long)en));
	view_text(v, "subs_ar", arena_printf(a, "%lld", (long long)ar));
	view_bool(v, "has_alerts", n > 0);
	view_list_empty(v, "alerts");
	for (size_t i = 0; i < n; i++) {
		struct view *r = view_add(v, "alerts");
		view_text(r, "id", arena_printf(a, "%lld", (long long)alerts[i].id));
		view_text(r, "edition", alerts[i].edition);
		view_text(r, "title", alerts[i].title);
		view_text(r, "url", alerts[i].url);
		view_text(r, "source", alerts[i].source);
		view_text(r, "when", render_time_input(a, alerts[i].created_at));
		view_text(r, "iso", render_iso(a, alerts[i].created_at));
#define COUNT(f) view_text(r, #f, arena_printf(a, "%lld", (long long)alerts[i].f))
		COUNT(queued);
		COUNT(sent);
		COUNT(failed);
		COUNT(removed);
		COUNT(pending);
#undef COUNT
	}
	return render_reply(req, res, RENDER_PUSH, v, status);
}

/* WEBPAGE: GET POST /admin/push
 * WEBPAGE: GET POST /admin/push/new
 * Parameters: GET query (prefill): article (an article's id: its headline, standfirst and address),
 *   live-entry (a published live entry's id: its blog's headline, its key event or first words, its page),
 *   breaking (a banner's id: its label, line and link), or edition, title, body, url, source; POST form: edition (en, ar), title, body, url, source, csrf
 * Permission: publishers (PERM_PUBLISH); a POST carries the session's CSRF token (csrf field), checked by
 *   the route table
 * The alerts page: a form that sends an alert to every device subscribed in an edition (push_alert_send),
 *   and the recent alerts with their counts (queued, sent, failed, removed, pending); a refused alert keeps
 *   what was typed (400). Sending is audited (push.sent; a refusal push.refused). */
int push_admin_page(struct http_request *req, struct http_response *res)
{
	int shown = page_form_status(req);
	if (shown)
		return alerts_form(req, res, NULL, shown == 403 ? req->refusal : NULL, shown);
	const char *edition = http_form_text(req, "edition"), *title = http_form_text(req, "title");
	const char *body = http_form_text(req, "body"), *url = http_form_text(req, "url");
	const char *source = http_form_text(req, "source");
	const char *why = push_alert_problem(edition, title, body ? body : "", url);
	int64_t id = 0, uid = req->session ? req->session->user.id : 0;
	if (why) {
		audit_record(req, "push.refused", NULL, why);
		return alerts_form(req, res, NULL, why, 400);
	}
	if (source && strlen(source) > 64)
		source = NULL;
	if (push_alert_send(req->app, edition, title, body ? body : "", url, source, uid, &id) != 0)
		return 500;
	struct db_push_alert made;
	int64_t queued = db_push_alert(req->app->db, req->arena, id, &made) == DB_OK ? made.queued : 0;
	audit_record(req, "push.sent", audit_target(req->arena, "push-alert", id),
		     arena_printf(req->arena, "%s: %s (%lld devices)", edition, title, (long long)queued));
	enum catalog_lang lang = render_newsroom_lang(req);
	return alerts_form(req, res, arena_printf(req->arena, catalog_tr(lang, "Alert queued for %lld devices."), (long long)queued),
			   NULL, 200);
}
