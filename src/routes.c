/* routes.c - the route table and dispatch (see routes.h). Read this table to know every public URL. */
#include "routes.h"

#include <string.h>

#include "app.h"
#include "cache_keys.h"
#include "catalog.h"
#include "escape.h"
#include "pages.h"
#include "uri.h"
#include "session.h"
#include "util.h"
#include "webhook.h"

#define PUB (ROUTE_PUBLIC | ROUTE_CACHE)
#define NOCACHE ROUTE_PUBLIC /* public, but kept out of the page cache */

#define G HTTP_GET
#define P HTTP_POST
#define KEEP ROUTE_KEEPS_INPUT
/* a list's two feeds: PATH/rss.xml and PATH/atom.xml, one handler (it tells them apart by the path) */
#define FEEDS(path, handler) \
	{G, path "/rss.xml", handler, PUB, PERM_PUBLIC}, {G, path "/atom.xml", handler, PUB, PERM_PUBLIC}

static const struct route table[] = {
	/* the reader's site */
	{G, "/", root_page, PUB, PERM_PUBLIC},
	{G, "/static/{file}", static_page, PUB, PERM_PUBLIC},
	{G, "/media/{file}", media_page, NOCACHE, PERM_PUBLIC}, /* images: long browser lifetimes instead */
	{G, "/media/{year}/{month}/{file}", media_page, NOCACHE, PERM_PUBLIC},
	{G, "/robots.txt", robots_page, PUB, PERM_PUBLIC},
	{G, "/sw.js", sw_page, NOCACHE, PERM_PUBLIC}, /* Web Push's service worker: scope "/" */
	{G, "/sitemap.xml", sitemap_index_page, PUB, PERM_PUBLIC},
	{G, "/sitemaps/{file}", sitemap_page, PUB, PERM_PUBLIC},
	/* operations: probes and Prometheus (never cached, never views) */
	{G, "/healthz", healthz_page, 0, PERM_PUBLIC},
	{G, "/readyz", readyz_page, 0, PERM_PUBLIC},
	{G, "/metrics", metrics_page, 0, PERM_PUBLIC},
	/* the newsroom */
	{G, "/admin", admin_redirect_page, 0, PERM_PUBLIC},
	{G | P, "/admin/login", login_page, 0, PERM_PUBLIC},
	{G, "/admin/login/oidc", oidc_start_page, ROUTE_WRITER, PERM_PUBLIC},          /* waits on the provider */
	{G, "/admin/login/oidc/callback", oidc_callback_page, ROUTE_WRITER, PERM_PUBLIC},
	/* passkeys (issue 20): log-in with one (JSON; the log-in page's token in X-CSRF-Token), the account's */
	{P, "/admin/login/passkey/options", passkey_login_options_page, 0, PERM_PUBLIC},
	{P, "/admin/login/passkey", passkey_login_page, 0, PERM_PUBLIC},
	{G, "/admin/account/passkeys", passkeys_page, 0, PERM_LOGIN},
	{P, "/admin/account/passkeys/options", passkey_create_options_page, 0, PERM_LOGIN},
	{P, "/admin/account/passkeys/add", passkey_add_page, 0, PERM_LOGIN},
	{P, "/admin/account/passkeys/{id}/rename", passkey_rename_page, 0, PERM_LOGIN},
	{P, "/admin/account/passkeys/{id}/remove", passkey_remove_page, 0, PERM_LOGIN},
	/* the log-in's steps after the password: the waiting log-in's cookie (mfa.h) stands in for a session */
	{G | P, "/admin/login/second-factor", login_second_factor_page, 0, PERM_PUBLIC},
	{G | P, "/admin/login/enrol", login_enrol_page, 0, PERM_PUBLIC},
	{P, "/admin/logout", logout_page, 0, PERM_LOGIN},
	{G, "/admin/", dashboard_page, 0, PERM_LOGIN},
	{G | P, "/admin/password", password_page, KEEP, PERM_LOGIN},
	{G | P, "/admin/language", language_page, 0, PERM_LOGIN},
	{G, "/admin/account", account_page, 0, PERM_LOGIN},
	{G | P, "/admin/account/totp", account_totp_page, 0, PERM_LOGIN},
	{P, "/admin/account/totp/disable", account_totp_disable_page, 0, PERM_LOGIN},
	{P, "/admin/account/recovery", account_recovery_page, 0, PERM_LOGIN},
	{G | P, "/admin/users", users_page, KEEP, PERM_ADMIN},
	{P, "/admin/users/{id}/disable", user_disable_page, 0, PERM_ADMIN},
	{P, "/admin/users/{id}/email", user_email_page, KEEP, PERM_ADMIN},
	{P, "/admin/users/{id}/sign-out", user_sign_out_page, 0, PERM_ADMIN},
	{G, "/admin/account/sessions", account_sessions_page, 0, PERM_LOGIN},
	{P, "/admin/account/sessions/end-others", account_sessions_end_others_page, 0, PERM_LOGIN},
	{P, "/admin/account/sessions/{id}/end", account_session_end_page, 0, PERM_LOGIN},
	{G | P, "/admin/settings", settings_page, KEEP, PERM_ADMIN},
	{G | P, "/admin/webhooks", webhooks_page, KEEP, PERM_ADMIN},
	{G, "/admin/webhooks/{id}", webhook_log_page, 0, PERM_ADMIN},
	{P, "/admin/webhooks/{id}/active", webhook_active_page, 0, PERM_ADMIN},
	{P, "/admin/webhooks/{id}/delete", webhook_delete_page, 0, PERM_ADMIN},
	{G, "/admin/audit", audit_page, 0, PERM_ADMIN},
	{G | P, "/admin/push", push_admin_page, KEEP, PERM_PUBLISH}, /* alerts to readers' devices */
	{G | P, "/admin/push/new", push_admin_page, KEEP, PERM_PUBLISH},
	/* newsletters (issue 22): the desk; sending checks PERM_PUBLISH in the handler */
	{G, "/admin/newsletters", newsletters_page, 0, PERM_WRITE},
	{P, "/admin/newsletters/digest", newsletter_digest_page, 0, PERM_PUBLISH},
	{G | P, "/admin/newsletters/new", newsletter_new_page, KEEP, PERM_WRITE},
	{G | P, "/admin/newsletters/senders", newsletter_senders_page, KEEP, PERM_PUBLISH},
	{G | P, "/admin/newsletters/{id}", newsletter_edit_page, KEEP, PERM_WRITE},
	{G, "/admin/newsletters/{id}/preview", newsletter_preview_page, 0, PERM_WRITE},
	{G, "/admin/audit.jsonl", audit_page, 0, PERM_ADMIN},
	/* the Wires desk (issue 23): reporters read and use items; publishers keep the sources */
	{G, "/admin/wires", wires_desk_page, 0, PERM_WRITE},
	{G | P, "/admin/wires/sources", wire_sources_page, KEEP, PERM_PUBLISH},
	{P, "/admin/wires/sources/{id}/poll", wire_source_poll_page, 0, PERM_PUBLISH},
	{G, "/admin/wires/{id}", wire_item_page, 0, PERM_WRITE},
	{P, "/admin/wires/{id}/use", wire_use_page, 0, PERM_WRITE},
	{G | P, "/admin/articles/new", article_edit_page, KEEP, PERM_WRITE},
	{G | P, "/admin/articles/{id}", article_edit_page, KEEP, PERM_WRITE},
	{P, "/admin/articles/{id}/status", article_status_page, 0, PERM_WRITE},
	{P, "/admin/articles/{id}/autosave", article_autosave_page, 0, PERM_WRITE}, /* {id} or "new" */
	{G, "/admin/articles/{id}/history", article_history_page, 0, PERM_WRITE},
	{P, "/admin/articles/{id}/restore", article_restore_page, 0, PERM_WRITE},
	{P, "/admin/articles/{id}/corrections", article_correction_page, 0, PERM_PUBLISH},
	{P, "/admin/articles/{id}/translate", article_translate_page, 0, PERM_WRITE},
	{P, "/admin/articles/{id}/up-to-date", article_uptodate_page, 0, PERM_WRITE},
	{G, "/admin/translations", translations_page, 0, PERM_WRITE},
	/* live coverage (issue 21): the desk and its entries */
	{G | P, "/admin/articles/{id}/live", live_desk_page, KEEP, PERM_WRITE},
	{P, "/admin/articles/{id}/live/entries", live_entry_post_page, KEEP, PERM_WRITE},
	{G | P, "/admin/live-entries/{id}", live_entry_edit_page, KEEP, PERM_WRITE},
	{P, "/admin/live-entries/{id}/withdraw", live_entry_withdraw_page, 0, PERM_PUBLISH},
	{P, "/admin/live-entries/{id}/publish", live_entry_publish_page, 0, PERM_WRITE},
	{P, "/admin/live-entries/{id}/translate", live_entry_translate_page, 0, PERM_WRITE},
	{P, "/admin/preview", preview_page, 0, PERM_WRITE},
	{G, "/admin/search", admin_search_page, 0, PERM_WRITE},
	{G | P, "/admin/glossary", glossary_page, KEEP, PERM_WRITE},
	{G | P, "/admin/breaking", breaking_page, KEEP, PERM_PUBLISH},
	{P, "/admin/breaking/{edition}/end", breaking_end_page, 0, PERM_PUBLISH},
	{P, "/admin/glossary/{id}/delete", glossary_delete_page, 0, PERM_PUBLISH},
	{G | P, "/admin/media", media_library_page, ROUTE_UPLOAD, PERM_WRITE},
	{P, "/admin/media/{id}/focal", media_focal_page, 0, PERM_WRITE},
	{G, "/admin/pick/articles", pick_articles_page, 0, PERM_WRITE},
	{G, "/admin/pick/media", pick_media_page, 0, PERM_WRITE},
	{P, "/admin/articles/{id}/comments", article_comments_page, 0, PERM_PUBLISH},
	{G | P, "/admin/comments", comments_queue_page, 0, PERM_MODERATE},
	{G | P, "/admin/api-keys", api_keys_page, KEEP, PERM_ADMIN},
	{P, "/admin/api-keys/{id}/revoke", api_key_revoke_page, 0, PERM_ADMIN},
	{G, "/admin/comments/log", comments_log_page, 0, PERM_MODERATE},
	{G | P, "/admin/comments/{id}", comment_edit_page, KEEP, PERM_MODERATE},
	{P, "/admin/comments/{id}/ban", comment_ban_page, 0, PERM_MODERATE},
	/* the public content API (errors are JSON under /api/, see page_error) */
	{G, "/api/v1/articles", api_articles_page, PUB, PERM_PUBLIC},
	{G, "/api/v1/articles/{id}", api_article_page, PUB, PERM_PUBLIC},
	{G, "/api/v1/articles/{id}/entries", api_live_entries_page, PUB, PERM_PUBLIC}, /* a live blog's */
	{G, "/api/v1/sections", api_sections_page, PUB, PERM_PUBLIC},
	{G, "/api/v1/tags", api_tags_page, PUB, PERM_PUBLIC},
	/* the admin API: a bearer API key (api_admin_gate, before the body) instead of a session and CSRF token */
	{P, "/api/v1/admin/articles", api_admin_create_page, ROUTE_PUBLIC | ROUTE_API_KEY, PERM_PUBLIC},
	{G | HTTP_PUT, "/api/v1/admin/articles/{id}", api_admin_article_page, ROUTE_PUBLIC | ROUTE_API_KEY, PERM_PUBLIC},
	{P, "/api/v1/admin/articles/{id}/{action}", api_admin_action_page, ROUTE_PUBLIC | ROUTE_API_KEY, PERM_PUBLIC},
	/* agencies pushing wire items: the source's bearer token (wires_push_gate, before the body) */
	{P, "/api/wires/{id}", wire_push_page, ROUTE_PUBLIC | ROUTE_WIRE_PUSH, PERM_PUBLIC},
	/* visitors' comments: the signed form token stands in for a CSRF token */
	{P, "/comments/{id}", comment_post_page, ROUTE_PUBLIC, PERM_PUBLIC},
	/* readers' push subscriptions: likewise (the page's signed token in X-Push-Token), JSON, same origin */
	{P, "/push/subscribe", push_subscribe_page, ROUTE_PUBLIC, PERM_PUBLIC},
	{P, "/push/unsubscribe", push_unsubscribe_page, ROUTE_PUBLIC, PERM_PUBLIC},
	/* newsletters (issue 22): the sign-up (the form's signed token stands in for a CSRF token) and the
	 * signed links of the mails (the token in the path is the authority: no cookie, no CSRF token) */
	{P, "/newsletter/subscribe", nl_subscribe_page, ROUTE_PUBLIC, PERM_PUBLIC},
	{G | P, "/newsletter/confirm/{token}", nl_confirm_page, ROUTE_PUBLIC, PERM_PUBLIC},
	{G | P, "/newsletter/preferences/{token}", nl_preferences_page, ROUTE_PUBLIC, PERM_PUBLIC},
	{G | P, "/newsletter/unsubscribe/{token}", nl_unsubscribe_page, ROUTE_PUBLIC, PERM_PUBLIC},
	{G | P, "/newsletter/data/{token}", nl_data_page, ROUTE_PUBLIC, PERM_PUBLIC},
	{G, "/newsletter/o/{file}", nl_open_page, ROUTE_PUBLIC, PERM_PUBLIC}, /* open count (off unless turned on) */
	{G, "/newsletter/c/{token}", nl_click_page, ROUTE_PUBLIC, PERM_PUBLIC}, /* click count: 302 to the story */
	{P, "/api/v1/newsletter/subscribe", api_nl_subscribe_page, ROUTE_PUBLIC, PERM_PUBLIC},
	{G, "/{edition}/newsletters", newsletter_lists_page, PUB, PERM_PUBLIC},
	/* the mail relay's bounce and complaint reports: signed with mail_webhook_secret instead of a CSRF token */
	{P, "/newsletter/bounces", mail_bounces_page, ROUTE_PUBLIC, PERM_PUBLIC},
	/* editions (keep last: "/{edition}" matches any one-segment path) */
	{G, "/{edition}", edition_redirect_page, PUB, PERM_PUBLIC},
	{G, "/{edition}/", front_page, PUB, PERM_PUBLIC},
	{G, "/{edition}/search", search_page, NOCACHE, PERM_PUBLIC}, /* every query differs */
	{G, "/{edition}/section/{slug}", section_page, PUB, PERM_PUBLIC},
	{G, "/{edition}/tag/{slug}", tag_page, PUB, PERM_PUBLIC},
	{G, "/{edition}/author/{slug}", author_page, PUB, PERM_PUBLIC},
	/* feeds (before the article pattern, which five-segment feed paths would match too) */
	FEEDS("/{edition}", edition_feed_page),
	FEEDS("/{edition}/section/{slug}", section_feed_page),
	FEEDS("/{edition}/tag/{slug}", tag_feed_page),
	FEEDS("/{edition}/author/{slug}", author_feed_page),
	/* a live blog's poll document and entries (before the article pattern, as the feeds) */
	{G, "/{edition}/{year}/{month}/{day}/{slug}/live.json", liveblog_json_page, PUB, PERM_PUBLIC},
	{G, "/{edition}/{year}/{month}/{day}/{slug}/entry/{id}", liveblog_entry_page, PUB, PERM_PUBLIC},
	FEEDS("/{edition}/{year}/{month}/{day}/{slug}", live_feed_page), /* a live blog's entries */
	{G, "/{edition}/{year}/{month}/{day}/{slug}", article_page, PUB, PERM_PUBLIC},
};

const struct route *routes_table(size_t *n)
{
	*n = ARRAY_LEN(table);
	return table;
}

/* csrf_token: the CSRF token a POST carries: the X-CSRF-Token header (scripts), else on ROUTE_UPLOAD
 * routes the query's csrf parameter (their form names it in its action, so it arrives before the file),
 * else the form's csrf field. NULL when there is none. */
static const char *csrf_token(const struct http_request *req, const struct route *r)
{
	const char *h = http_header(req, "X-CSRF-Token");
	if (h)
		return h;
	return (r->flags & ROUTE_UPLOAD) ? http_param(req, "csrf") : http_form(req, "csrf");
}

/* csrf_checked: whether req (a POST with a session) carries its session's CSRF token; sets req->csrf_ok. */
static int csrf_checked(struct http_request *req, const struct route *r)
{
	const char *csrf = csrf_token(req, r);
	req->csrf_ok = csrf && auth_equal(csrf, req->session->csrf);
	return req->csrf_ok;
}

/* authorize_headers: the checks of route r that need only the request's headers: its API key, or for a
 * route with a permission the session (loaded here), the role and, on ROUTE_UPLOAD routes, the CSRF
 * token. A ROUTE_KEEPS_INPUT form without a session gets req->refusal instead of a refusal (its handler
 * shows what was typed). Returns 0 when the request may go on, else the status (res filled). */
static int authorize_headers(struct http_request *req, struct http_response *res, const struct route *r)
{
	if (r->flags & ROUTE_API_KEY)
		return api_admin_gate(req, res);
	if (r->flags & ROUTE_WIRE_PUSH)
		return wires_push_gate(req, res);
	if (r->perm == PERM_PUBLIC)
		return 0;
	http_set_header(res, "Cache-Control", "no-store");
	enum session_state st = session_load(req);
	if (st == SESSION_ERROR)
		return 500;
	int post = req->method == HTTP_POST, upload = (r->flags & ROUTE_UPLOAD) != 0;
	if (!req->session) {
		if (!post) {
			struct buf b = BUF_INIT;
			buf_lit(&b, "/admin/login?next=");
			buf_url(&b, req->target, strlen(req->target));
			if (st == SESSION_EXPIRED)
				buf_lit(&b, "&expired=1");
			http_set_header(res, "Location", arena_strdup(req->arena, buf_cstr(&b)));
			buf_free(&b);
			return 303;
		}
		if ((r->flags & ROUTE_KEEPS_INPUT) && !upload) {
			req->refusal = N_("Your session has expired, so nothing was saved. Log in again in another tab, "
					  "then save this form again: everything you typed is kept below.");
			return 0;
		}
		res->error_message = upload ? N_("Your session has expired or you are not logged in, so the upload was not "
						 "read. Log in again in another tab, then go back and upload it again.")
					    : N_("Your session has expired or you are not logged in. Log in and try again.");
		return 403;
	}
	if (!auth_role_allows(req->session->user.role, r->perm)) {
		res->error_message = N_("Your role does not allow this.");
		return 403;
	}
	if (post && upload && !csrf_checked(req, r)) {
		res->error_message = N_("This upload's security token is missing or out of date, so it was not read. "
					"Go back, reload the page and upload again.");
		return 403;
	}
	return 0;
}

/* authorize_form: the check of route r that needs the body: the form's CSRF token of a POST with a
 * session (upload routes had theirs checked with the headers). A ROUTE_KEEPS_INPUT form gets
 * req->refusal instead of a refusal. Returns 0 or 403 (res filled). */
static int authorize_form(struct http_request *req, struct http_response *res, const struct route *r)
{
	if (r->perm == PERM_PUBLIC || !req->session || req->method != HTTP_POST || (r->flags & ROUTE_UPLOAD))
		return 0;
	if (csrf_checked(req, r))
		return 0;
	if (!(r->flags & ROUTE_KEEPS_INPUT)) {
		res->error_message = N_("This form's security token is missing or out of date. Go back, "
					"reload the page and try again.");
		return 403;
	}
	req->refusal = N_("This form's security token is missing or out of date, so nothing was saved. "
			  "Everything you typed is kept below: save again.");
	return 0;
}

/* route_find: the route for req's method and path, with req->route, route_flags and route_id set; NULL
 * when there is none, *allowed then holding the methods the path's patterns take (0: no pattern). */
static const struct route *route_find(struct http_request *req, unsigned *allowed)
{
	unsigned method = req->method == HTTP_HEAD ? HTTP_GET : (unsigned)req->method;
	*allowed = 0;
	for (size_t i = 0; i < ARRAY_LEN(table); i++) {
		struct route_params params;
		if (!route_match(table[i].pattern, req->path, &params))
			continue;
		if (table[i].methods & method) {
			req->route = params;
			req->route_flags = table[i].flags;
			req->route_id = (int)i + 1;
			return &table[i];
		}
		*allowed |= table[i].methods;
	}
	return NULL;
}

int routes_check_headers(struct http_request *req, struct http_response *res)
{
	unsigned allowed;
	const struct route *r = route_find(req, &allowed);
	if (!r)
		return 0; /* 404 and 405 are answered after the body, bounded by max_body_bytes */
	req->gated = 1;
	return authorize_headers(req, res, r);
}

/* route_flag_for: whether the route for target (a request target; its query is ignored) has flag. */
static int route_flag_for(const char *target, unsigned flag)
{
	char path[512];
	size_t n = strcspn(target, "?");
	if (n >= sizeof path)
		return 0;
	memcpy(path, target, n);
	path[n] = '\0';
	for (size_t i = 0; i < ARRAY_LEN(table); i++) {
		struct route_params params;
		if (route_match(table[i].pattern, path, &params))
			return (table[i].flags & flag) != 0;
	}
	return 0;
}

int routes_takes_upload(const char *target)
{
	return route_flag_for(target, ROUTE_UPLOAD);
}

int routes_cacheable(const char *target)
{
	return route_flag_for(target, ROUTE_CACHE);
}

int routes_on_writer(const char *target)
{
	return route_flag_for(target, ROUTE_WRITER);
}

int routes_dispatch(struct http_request *req, struct http_response *res)
{
	unsigned allowed;
	const struct route *r = route_find(req, &allowed);
	if (r && legacy_root_query(req))
		return legacy_page(req, res); /* "/?p=12": an old WordPress address, not the front page */
	if (r) {
		int status = req->gated ? 0 : authorize_headers(req, res, r);
		if (!status)
			status = authorize_form(req, res, r);
		if (status)
			return status;
		status = r->handler(req, res);
		if (req->webhook_queued)
			webhook_wake(req->app); /* after the handler's commit, so the thread sees the rows */
		cache_purge_noted(req);         /* likewise: the purge must follow the commit */
		/* a reader's address nothing answers may be the old site's (page_legacy.c) */
		if (status == 404 && r->perm == PERM_PUBLIC && legacy_looked_up(req))
			status = legacy_page(req, res);
		return status;
	}
	if (allowed) {
		struct buf b = BUF_INIT;
		static const struct {
			unsigned bit;
			const char *name;
		} names[] = {{HTTP_GET, "GET, HEAD"}, {HTTP_POST, "POST"}, {HTTP_PUT, "PUT"}, {HTTP_DELETE, "DELETE"}};
		for (size_t k = 0; k < ARRAY_LEN(names); k++) {
			if (allowed & names[k].bit) {
				if (b.len)
					buf_lit(&b, ", ");
				buf_append(&b, names[k].name, strlen(names[k].name));
			}
		}
		http_set_header(res, "Allow", arena_strdup(req->arena, buf_cstr(&b)));
		buf_free(&b);
		res->error_message = N_("This address does not accept that kind of request.");
		return 405;
	}
	res->error_message = NULL;
	return legacy_looked_up(req) ? legacy_page(req, res) : 404;
}

/* storage_trouble: turns a failed reply (5xx) into a 503 that says why when the store refused to write
 * (full, read-only, I/O error) or could not be reached, so that readers and editors see a sentence
 * rather than a bare 500. */
static void storage_trouble(struct http_request *req, struct http_response *res)
{
	const char *why = db_trouble(req->app->db);
	if (res->status < 500 || !why)
		return;
	res->status = 503;
	res->error_message = why;
	res->content_type = NULL;
	buf_reset(&res->body);
	/* a database that is restarting is back in seconds; full or read-only storage needs an operator */
	http_set_header(res, "Retry-After", why == db_trouble_unreachable ? "5" : "300");
}

void routes_run(struct http_request *req, struct http_response *res, route_handler fn)
{
	db_trouble(req->app->db); /* forget an earlier request's trouble */
	res->status = fn(req, res);
	storage_trouble(req, res);
}

void routes_bad_target(struct http_request *req, struct http_response *res, int rc)
{
	req->query = "";
	res->status = 400;
	res->error_message = uri_strerror(rc);
}

void routes_finish(struct http_request *req, struct http_response *res)
{
	if (res->status >= 400 && res->body.len == 0)
		page_error(req, res);
	if (!res->content_type)
		res->content_type = "text/html; charset=utf-8";
}

int routes_render(struct app *app, const char *target, struct arena *arena, struct http_response *res)
{
	struct http_request req = {0};
	req.arena = arena;
	req.app = app;
	req.method = HTTP_GET;
	req.method_name = "GET";
	req.target = arena_strdup(arena, target);
	req.client_ip = "127.0.0.1";
	req.static_copy = 1;
	int rc = http_decode_target(&req);
	if (rc != URI_OK)
		routes_bad_target(&req, res, rc);
	else
		routes_run(&req, res, routes_dispatch);
	if (http_stream_drain(res) < 0) { /* the whole body, in memory */
		buf_reset(&res->body);
		res->status = 500;
	}
	routes_finish(&req, res);
	return res->status;
}
