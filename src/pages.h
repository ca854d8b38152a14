/* pages.h - the page handlers named in the route table. Each reads through db_*, fills a view and
 * renders a template; none writes to the socket or speaks SQL. */
#ifndef BROADSHEET_PAGES_H
#define BROADSHEET_PAGES_H

#include <stdint.h>

#include "db.h"
#include "http.h"
#include "tmpl.h"

/* The cookie that lets a commenting reader see their own pending comment (page_comments.c); the page
 * cache never serves or stores a request that carries it (server.c). */
#define VISITOR_COOKIE "bs_visitor"

int root_page(struct http_request *req, struct http_response *res);
int edition_redirect_page(struct http_request *req, struct http_response *res);
int front_page(struct http_request *req, struct http_response *res);
int article_page(struct http_request *req, struct http_response *res);
int section_page(struct http_request *req, struct http_response *res);
/* search_run_window: counts and fetches one page (dq->limit hits at dq->offset) of dq's matches, the last
 * `days` days first (dq->since set from dq->now; 0 = no window): when the window holds fewer than a page
 * of matches the whole archive is searched instead, so common words stay fast on big archives and rare
 * ones are still found. *recent_days: the window used (0: none). Hits live in arena a. Returns 0, or -1
 * when the store fails. Used by the search page and the search benchmark (page_search.c). */
int search_run_window(struct db *db, struct arena *a, struct db_search_query *dq, int64_t days, int64_t *total,
		      struct db_search_hit **hits, size_t *n, int64_t *recent_days);
/* search_page: /{edition}/search?q=QUERY[&page=N] (page_search.c). */
int search_page(struct http_request *req, struct http_response *res);
/* admin_search_page: /admin/search?q=QUERY: every status, both editions; reporters see their own articles
 * only (page_search.c). */
int admin_search_page(struct http_request *req, struct http_response *res);
int tag_page(struct http_request *req, struct http_response *res);
int author_page(struct http_request *req, struct http_response *res);
int static_page(struct http_request *req, struct http_response *res);
int media_page(struct http_request *req, struct http_response *res);

/* feeds (page_feed.c): RSS or Atom by the path's last segment; 404 for an unknown section, tag or author */
int edition_feed_page(struct http_request *req, struct http_response *res);
int section_feed_page(struct http_request *req, struct http_response *res);
int tag_feed_page(struct http_request *req, struct http_response *res);
int author_feed_page(struct http_request *req, struct http_response *res);
/* robots.txt, the sitemap index and the sitemaps under /sitemaps/ (page_sitemap.c) */
int robots_page(struct http_request *req, struct http_response *res);
int sitemap_index_page(struct http_request *req, struct http_response *res);
int sitemap_page(struct http_request *req, struct http_response *res);
/* operations (page_ops.c): /healthz (liveness: 200 "ok", no store access), /readyz (200 when db_ping
 * answers, else 503), /metrics (Prometheus text; 404 unless the client is in metrics_allow) */
int healthz_page(struct http_request *req, struct http_response *res);
int readyz_page(struct http_request *req, struct http_response *res);
int metrics_page(struct http_request *req, struct http_response *res);

/* What the editor form shows: either the stored article or what was just typed. All arena strings. */
struct editor_form {
	int64_t id, version;
	const char *status;
	const char *headline, *standfirst, *body, *edition, *section, *slug, *dateline, *bylines, *tags;
	const char *media, *caption, *credit, *translation, *at, *expires;
	int substantive;
	const char *action; /* where the form posts; NULL = from the article */
	const char *invalid; /* the field (form name) a refusal is about, marked on the page; NULL = none */
	const char *correction; /* a refused correction note as typed, shown again; NULL = none */
};

/* article_form_load: the editor form for a stored article (bylines, tags and translation looked up), in
 * the request's arena. Returns 0, or -1 on a store error. */
int article_form_load(struct http_request *req, const struct db_article *art, struct editor_form *f);
/* article_save_form: validates f and saves it as a new article (old NULL) or over old, in one transaction
 * with its revision, as the session's user. *id gets the article's id. Returns 0, or the HTTP status of
 * the refusal (400 invalid, 409 stale version or slug taken, 500 store error) with *why set and *field
 * naming the form field at fault (NULL when none is). A lead image must be in the media library; a
 * translation must be an article the user may see, in the other edition, not already paired in this one. */
int article_save_form(struct http_request *req, const struct db_article *old, const struct editor_form *f,
		      const char **why, const char **field, int64_t *id);
/* article_workflow: moves art to `to` (review, draft, publish, schedule, expiry, unpublish) as the session's
 * user, with the publication and take-down times as typed (UTC, may be NULL). A publication time given
 * to "publish" must be in the past and not before 1990: the article is published as of that time
 * (archive imports); schedule and take-down times are at most ten years ahead. Returns 0, or the HTTP
 * status of the refusal (400, 403, 409, 500) with *why set and *field naming the time at fault ("at",
 * "expires") or NULL. */
int article_workflow(struct http_request *req, const struct db_article *art, const char *to, const char *at_text,
		     const char *exp_text, const char **why, const char **field);

/* the newsroom (page_admin.c, page_editor.c) */
int admin_redirect_page(struct http_request *req, struct http_response *res);
int login_page(struct http_request *req, struct http_response *res);
int logout_page(struct http_request *req, struct http_response *res);
int dashboard_page(struct http_request *req, struct http_response *res);
int password_page(struct http_request *req, struct http_response *res);
int users_page(struct http_request *req, struct http_response *res);
int user_disable_page(struct http_request *req, struct http_response *res);
int settings_page(struct http_request *req, struct http_response *res);
/* page_webhooks.c (admins): endpoints, add form, enable/disable, delete, delivery log */
int webhooks_page(struct http_request *req, struct http_response *res);
int webhook_active_page(struct http_request *req, struct http_response *res);
int webhook_delete_page(struct http_request *req, struct http_response *res);
int webhook_log_page(struct http_request *req, struct http_response *res);
int article_edit_page(struct http_request *req, struct http_response *res);
int article_status_page(struct http_request *req, struct http_response *res);
int article_history_page(struct http_request *req, struct http_response *res);
int article_restore_page(struct http_request *req, struct http_response *res);
int article_correction_page(struct http_request *req, struct http_response *res);
int preview_page(struct http_request *req, struct http_response *res);
int media_library_page(struct http_request *req, struct http_response *res);

/* What a visitor typed into the comment form, shown back when it was refused. */
struct comment_form {
	const char *name, *email, *body; /* as typed */
	int64_t parent;                  /* the comment replied to, 0 = none */
	const char *error;               /* why it was refused (in the article's language) */
	int status;                      /* the refusal's HTTP status */
};

/* article_render: the article page for art (published); with cf, the comment form shows what was typed
 * and why it was refused, and the status is cf->status. Returns the HTTP status. */
int article_render(struct http_request *req, struct http_response *res, const struct db_article *art,
		   const struct comment_form *cf);

/* visitor comments (page_comments.c). comments_fill: the article view's thread and form; 0 or -1 (store). */
int comments_fill(struct http_request *req, struct view *v, const struct db_article *art, const struct comment_form *cf);
int comment_post_page(struct http_request *req, struct http_response *res);
/* comments_queue_page: GET shows the moderation queue; POST applies a bulk action to the selected ones. */
int comments_queue_page(struct http_request *req, struct http_response *res);
int comment_edit_page(struct http_request *req, struct http_response *res);
int comment_ban_page(struct http_request *req, struct http_response *res);
int comments_log_page(struct http_request *req, struct http_response *res);
int article_comments_page(struct http_request *req, struct http_response *res);

/* The public content API (page_api.c). api_error: a JSON error {"error": {"code", "message"}} with status;
 * returns status. */
int api_articles_page(struct http_request *req, struct http_response *res);
int api_article_page(struct http_request *req, struct http_response *res);
int api_sections_page(struct http_request *req, struct http_response *res);
int api_tags_page(struct http_request *req, struct http_response *res);
int api_error(struct http_response *res, int status, const char *code, const char *message);
/* api_error_field: api_error with "field": the request field at fault. */
int api_error_field(struct http_response *res, int status, const char *code, const char *message,
		    const char *field);
/* The admin API (page_api_admin.c): bearer-key JSON endpoints, and the newsroom page for keys. */
int api_admin_create_page(struct http_request *req, struct http_response *res);
int api_admin_article_page(struct http_request *req, struct http_response *res);
int api_admin_action_page(struct http_request *req, struct http_response *res);
/* api_admin_gate: the admin API routes' check (ROUTE_API_KEY), run by routes.c from the headers alone,
 * before the body is read and before the handler: the bearer key, for the scope the request needs (GET
 * "read"; POST and PUT "write"; an action its own, 404 for an unknown action). req->session then holds
 * the key's admin, on whom the handlers rely. Returns 0, or the status of the JSON error written into
 * res (401 no or unknown key, 403 expired, revoked, disabled or without the scope). */
int api_admin_gate(struct http_request *req, struct http_response *res);
int api_keys_page(struct http_request *req, struct http_response *res);
/* api_admin_article_parse: reads the admin API's article JSON body[0..len) into f (fields absent keep f's
 * values; strings copied into the arena a). A "section" slug is not looked up: *section_slug gets it (left
 * as it was when absent). Pure: no store, no request. Returns 0, or 400 with *code (the API's error code)
 * and *why (a sentence for the client, static or in a) set. */
int api_admin_article_parse(struct arena *a, const char *body, size_t len, struct editor_form *f,
			    const char **section_slug, const char **code, const char **why);
/* api_admin_times_parse: reads an action's JSON body[0..len) ({"at": ..., "expires_at": ...}, both
 * optional strings, copied into a) into *at and *expires (left as they were when absent). Pure. Returns 0,
 * or 400 with *code and *why set as api_admin_article_parse. */
int api_admin_times_parse(struct arena *a, const char *body, size_t len, const char **at, const char **expires,
			  const char **code, const char **why);
int api_key_revoke_page(struct http_request *req, struct http_response *res);

/* page_error: renders the error page for res->status (and res->error_message) into res, in the edition
 * the path names (English otherwise). Never fails: falls back to plain text if rendering does. */
void page_error(struct http_request *req, struct http_response *res);

#endif
