/* pages.h - the page handlers named in the route table. Each reads through db_*, fills a view and
 * renders a template; none writes to the socket or speaks SQL. */
#ifndef BROADSHEET_PAGES_H
#define BROADSHEET_PAGES_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"
#include "http.h"
#include "tmpl.h"

/* The cookie that lets a commenting reader see their own pending comment (page_comments.c); the page
 * cache never serves or stores a request that carries it (server.c). */
#define VISITOR_COOKIE "bs_visitor"

/* page_handler: the type of every page handler named in the route table (routes.c): it reads the request,
 * fills res (body, headers) and returns the HTTP status; it never writes to the socket. Each one's
 * definition starts with a WEBPAGE comment naming its URLs, parameters and permission
 * (scripts/check-webpage.sh checks). */
typedef int page_handler(struct http_request *req, struct http_response *res);

page_handler root_page, edition_redirect_page, front_page, article_page, section_page;
/* The old site's addresses (page_legacy.c, issue 23). legacy_looked_up: whether req may be an old address
 * (a GET or HEAD not under /admin, /api, /static or /media). legacy_root_query: whether req is "/" with
 * WordPress's plain-permalink query (?p=12: legacy_path_norm keeps it). legacy_page: answers req from
 * legacy_urls: 301 to the target's current address, or 404 (500 when the store fails); routes_dispatch calls
 * it in place of a 404 (and for the root's query). legacy_href: the current address of u's target (arena),
 * NULL when it is gone or (an article) not published. */
int legacy_looked_up(const struct http_request *req);
int legacy_root_query(const struct http_request *req);
page_handler legacy_page;
const char *legacy_href(struct arena *a, const struct db_legacy_url *u);
/* search_run_window: counts and fetches one page (dq->limit hits at dq->offset) of dq's matches, the last
 * `days` days first (dq->since set from dq->now; 0 = no window): when the window holds fewer than a page
 * of matches the whole archive is searched instead, so common words stay fast on big archives and rare
 * ones are still found. *recent_days: the window used (0: none). Hits live in arena a. Returns 0, or -1
 * when the store fails. Used by the search page and the search benchmark (page_search.c). */
int search_run_window(struct db *db, struct arena *a, struct db_search_query *dq, int64_t days, int64_t *total,
		      struct db_search_hit **hits, size_t *n, int64_t *recent_days);
/* search_page: /{edition}/search?q=QUERY[&page=N] (page_search.c). */
page_handler search_page;
/* admin_search_page: /admin/search?q=QUERY: every status, both editions; reporters see their own articles
 * only (page_search.c). */
page_handler admin_search_page;
page_handler tag_page, author_page, static_page, media_page;

/* feeds (page_feed.c): RSS or Atom by the path's last segment; 404 for an unknown section, tag or author */
page_handler edition_feed_page, section_feed_page, tag_feed_page, author_feed_page;
/* robots.txt, the sitemap index and the sitemaps under /sitemaps/ (page_sitemap.c) */
page_handler robots_page, sitemap_index_page, sitemap_page;
/* operations (page_ops.c): /healthz (liveness: 200 "ok", no store access), /readyz (200 when db_ping
 * answers, else 503), /metrics (Prometheus text; 404 unless the client is in metrics_allow) */
page_handler healthz_page, readyz_page, metrics_page;

/* What the editor form shows: either the stored article or what was just typed. All arena strings. */
struct editor_form {
	int64_t id, version;
	const char *status;
	const char *headline, *standfirst, *body, *edition, *section, *slug, *dateline, *bylines, *tags;
	const char *media, *caption, *credit, *translation, *at, *expires;
	const char *related; /* related stories, one a line ("#12 headline", "12" or an exact headline); NULL:
			      * not given, the stored list stays */
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

/* page_json_reply (page_api.c): writes doc (taking its reference; NULL = the document could not be
 * made) as a JSON body with its content type; returns status, or 500 when it cannot be written. The
 * caller adds its caching and CORS headers. */
int page_json_reply(struct http_response *res, json_t *doc, int status);

/* the newsroom (page_admin.c) */
page_handler admin_redirect_page, login_page, logout_page, dashboard_page;
page_handler password_page, users_page, user_disable_page, user_sign_out_page, settings_page;
/* a person's own sessions (page_sessions.c): the list, ending one, ending all the others */
page_handler account_sessions_page, account_session_end_page, account_sessions_end_others_page;
/* The log-in's checks, shared by every way of logging in (page_admin.c; passkeys: page_passkeys.c).
 * login_safe_next: next when it is a local /admin/ path (uri_local_path: no CR/LF, no "//", no backslash)
 * other than the log-in pages, else "/admin/". login_forged: why a log-in POST is refused as not sent from
 * this site's own log-in page (login CSRF): another origin, no pre-session cookie, or a token (the form's
 * token field, else the X-CSRF-Token header of a script's request) that is stale or was signed for
 * another cookie; NULL when it is the site's own page (a translatable N_ sentence otherwise). */
const char *login_safe_next(const char *next);
const char *login_forged(struct http_request *req);
/* The keys of the failed log-ins that bear on one attempt (login_failures.key). */
struct login_keys {
	char address[96], pair[192], account[96];
};
/* login_keys_for: the keys for login from the request's address. The address comes first in the pair
 * and has no '|', so no login can make one pair's key equal another's. login_failure_add: counts a failed
 * attempt under the three keys (store errors ignored: the throttle then counts fewer). login_throttled:
 * whether an attempt is refused by auth_login_throttle; if so sets Retry-After on res (when the oldest
 * failure counted by the limit that refused leaves the window) and returns 1. A store error counts as no
 * failures (the log-in itself then meets the error). */
void login_keys_for(struct http_request *req, const char *login, struct login_keys *k);
void login_failure_add(struct http_request *req, const struct login_keys *k);
int login_throttled(struct http_request *req, struct http_response *res, const struct login_keys *k);
/* login_form: the log-in page with what was typed (login; never the password), a token bound to the
 * browser's pre-session cookie (set now if it has none), and notice or error (N_ strings are translated);
 * answered with status (500 when it cannot be rendered). */
int login_form(struct http_request *req, struct http_response *res, const char *login, const char *next,
	       const char *notice, const char *error, int status);
/* the users page's e-mail form (page_admin.c), by which sign-in with the identity provider finds accounts */
page_handler user_email_page;
/* sign-in with the news group's OpenID Connect provider (page_oidc.c): start, and the provider's callback;
 * oidc_login_view: the log-in page's button for it (v's oidc_label: "Sign in with LABEL" in the newsroom's
 * language, "" when no provider is configured) */
page_handler oidc_start_page, oidc_callback_page;
struct view;
void oidc_login_view(struct http_request *req, struct view *v);
/* passkeys (page_passkeys.c, issue 20): the account's page with rename and remove, its JSON ceremony for
 * adding one, and log-in with a passkey on its own (JSON, from the log-in page) */
page_handler passkeys_page, passkey_rename_page, passkey_remove_page, passkey_create_options_page;
page_handler passkey_add_page, passkey_login_options_page, passkey_login_page;
/* the account's own page and its two-factor log-in (page_account.c), the log-in's second factor and
 * enrolment steps (page_mfa.c) */
page_handler account_page, account_totp_page, account_totp_disable_page, account_recovery_page;
page_handler login_second_factor_page, login_enrol_page;
/* the newsroom language, a person's own and the site's (page_lang.c) */
page_handler language_page;
/* page_webhooks.c (admins): endpoints, add form, enable/disable, delete, delivery log */
page_handler webhooks_page, webhook_active_page, webhook_delete_page, webhook_log_page;
/* the article editor (page_editor.c) and the media library (page_media.c) */
page_handler article_edit_page, article_status_page, article_history_page, article_restore_page;
page_handler article_correction_page, preview_page, article_autosave_page, media_library_page;
/* media_focal_page: POST /admin/media/{id}/focal (PERM_WRITE): stores the image's focal point (focal_x,
 * focal_y: fractions 0..1) and makes its crops again; a point outside the image is refused with 400 and
 * the library shown again with what was typed. */
page_handler media_focal_page;
/* the breaking-news banner (page_breaking.c): the page with its raise form, taking a banner down */
page_handler breaking_page, breaking_end_page;
/* the glossary (page_glossary.c): the page, deleting an entry, and the editor's panel */
page_handler glossary_page, glossary_delete_page;
/* editor_glossary: fills the editor's glossary panel (templates/glossary_panel.html) in v: the entries
 * mentioned in the form f's text or in art's translation pair (art NULL: a new article), and the variants
 * f uses where its edition's agreed spelling is expected. Returns 0, or -1 on a store error. */
int editor_glossary(struct http_request *req, struct view *v, const struct db_article *art,
		    const struct editor_form *f);
/* glossary_story_misses: the glossary's misspellings in a story (headline, standfirst, body Markdown) of
 * edition: *miss gets an arena array of them (glossary.h). Returns how many, or -1 on a store error. */
struct glossary_miss;
long glossary_story_misses(struct http_request *req, const char *headline, const char *standfirst, const char *body,
			   const char *edition, struct glossary_miss **miss);
/* editor_may_see: whether the session's user may learn art's number, headline and status (the editor's
 * rule: what they may edit, their own work, what is published); art needs the newsroom fields. */
int editor_may_see(const struct http_request *req, const struct db_article *art);
/* pick_articles_page: GET /admin/pick/articles?q=&edition= (PERM_WRITE): the editor's pickers' JSON list
 * of articles whose headline holds q (or numbered q), in one edition or both, only those the user may
 * see. pick_media_page: GET /admin/pick/media?q= (PERM_WRITE): images by alt text or caption. */
page_handler pick_articles_page, pick_media_page;
/* the live desk (page_live.c, issue 21): the desk (start, end, pin), posting an entry, editing or
 * correcting one, withdrawing, publishing a draft translation, sending one to translation */
page_handler live_desk_page, live_entry_post_page, live_entry_edit_page, live_entry_withdraw_page,
	live_entry_publish_page, live_entry_translate_page;
/* live_translation_drafts: the translation board's "Live entries to translate" (templates/live_drafts.html:
 * has_live_drafts, live_drafts) into v, the drafts whose blog the user may see. 0, or -1 (store error). */
struct view;
int live_translation_drafts(struct http_request *req, struct view *v);
/* the translation desk (page_translations.c, issue 19): Translate, Mark as up to date, the board */
page_handler article_translate_page, article_uptodate_page, translations_page;
/* translation_editor_view: the editor's translation desk parts for art (NULL: a new article) into v:
 * the Translate button (no translation yet), the source beside the editor with the drift warning and
 * the source's diff (a translation whose source the user may see), a correction flagged from the other
 * side. Returns 0, or -1 on a store error. */
int translation_editor_view(struct http_request *req, struct view *v, const struct db_article *art);

/* What a visitor typed into the comment form, shown back when it was refused. */
struct comment_form {
	const char *name, *email, *body; /* as typed */
	int64_t parent;                  /* the comment replied to, 0 = none */
	const char *error;               /* why it was refused (in the article's language) */
	int status;                      /* the refusal's HTTP status */
};

/* article_from_path (page_reader.c): the published article the route's {edition}/{year}/{month}/{day}/{slug}
 * name, into *art; 0 when found, else the status to return: 301 (Location: its current address followed by
 * suffix, for an old slug or a wrong date), 404, 500. */
int article_from_path(struct http_request *req, struct http_response *res, const char *suffix, struct db_article *art);
/* live coverage (page_liveblog.c, issue 21). liveblog_fill: a live blog's coverage on the article view v (status,
 * key events, pinned entry, the newest entries or, with ?before=, older ones) and *jl its JSON-LD updates
 * (NULL for an article that is not live: then only "live" is set, false). 0, or the status to return. */
struct jsonld_live;
int liveblog_fill(struct http_request *req, struct http_response *res, struct view *v, const struct db_article *art,
	      struct jsonld_live **jl);
int liveblog_entry_page(struct http_request *req, struct http_response *res);
int liveblog_json_page(struct http_request *req, struct http_response *res);
/* article_render: the article page for art (published); with cf, the comment form shows what was typed
 * and why it was refused, and the status is cf->status. Returns the HTTP status. */
int article_render(struct http_request *req, struct http_response *res, const struct db_article *art,
		   const struct comment_form *cf);

/* visitor comments (page_comments.c). comments_fill: the article view's thread and form; 0 or -1 (store). */
int comments_fill(struct http_request *req, struct view *v, const struct db_article *art, const struct comment_form *cf);
page_handler comment_post_page;
/* comments_queue_page: GET shows the moderation queue; POST applies a bulk action to the selected ones. */
page_handler comments_queue_page;
page_handler comment_edit_page, comment_ban_page, comments_log_page, article_comments_page;

/* The public content API (page_api.c). api_error: a JSON error {"error": {"code", "message"}} with status;
 * returns status. */
page_handler api_articles_page, api_article_page, api_sections_page, api_tags_page;
int api_error(struct http_response *res, int status, const char *code, const char *message);
/* api_error_field: api_error with "field": the request field at fault. */
int api_error_field(struct http_response *res, int status, const char *code, const char *message,
		    const char *field);
/* A live blog's distribution (page_live_feed.c): its entries' RSS and Atom feeds ({base}/rss.xml, atom.xml)
 * and the API's entries of a live blog (/api/v1/articles/{id}/entries). */
page_handler live_feed_page, api_live_entries_page;
/* live_feed_links: announces live blog art's entry feeds in v's head (<link rel="alternate">, as
 * render_feed_links does for lists). */
void live_feed_links(struct http_request *req, struct view *v, const struct db_article *art);
/* api_live_entry_json: entry e of live blog art as the API gives it (id, article_id, url, state, times,
 * byline, key_event, body_html, note, corrected_at; a withdrawn entry without its text), strings in a;
 * a new reference, NULL when out of memory. */
json_t *api_live_entry_json(struct arena *a, const char *base_url, const struct db_article *art,
			    const struct db_live_entry *e);
/* live_api_field: when art is a live blog, sets o's "live" ({state, started, ended, count, entries}) and
 * records the dependency on its entries. Returns 0 (also when it is not live), -1 on a store error. */
int live_api_field(struct http_request *req, const struct db_article *art, json_t *o);
/* The admin API (page_api_admin.c): bearer-key JSON endpoints, and the newsroom page for keys. */
page_handler api_admin_create_page, api_admin_article_page, api_admin_action_page;
/* api_admin_gate: the admin API routes' check (ROUTE_API_KEY), run by routes.c from the headers alone,
 * before the body is read and before the handler: the bearer key, for the scope the request needs (GET
 * "read"; POST and PUT "write"; an action its own, 404 for an unknown action). req->session then holds
 * the key's admin, on whom the handlers rely. Returns 0, or the status of the JSON error written into
 * res (401 no or unknown key, 403 expired, revoked, disabled or without the scope). */
int api_admin_gate(struct http_request *req, struct http_response *res);
page_handler api_keys_page;
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
page_handler api_key_revoke_page;
/* the audit log (page_audit.c) */
page_handler audit_page;

/* Web Push (page_push.c): the service worker, readers' subscriptions, the newsroom's alerts page */
page_handler sw_page, push_subscribe_page, push_unsubscribe_page, push_admin_page;
/* the newsletter desk (page_newsletter.c, issue 22) */
page_handler newsletters_page, newsletter_digest_page, newsletter_new_page, newsletter_edit_page, newsletter_preview_page;
/* page_newsletter_senders.c: each newsletter list's sender (issue 22) */
page_handler newsletter_senders_page;
/* page_mailq.c: the mail relay's bounce and complaint reports (issue 22) */
page_handler mail_bounces_page;
/* the Wires desk (page_wires.c, page_wire_sources.c; issue 23): the desk, an item, "Use", the sources, a
 * poll now, the push endpoint (its headers checked by wires_push_gate before the body is read) */
page_handler wires_desk_page, wire_item_page, wire_use_page, wire_sources_page, wire_source_poll_page, wire_push_page;
int wires_push_gate(struct http_request *req, struct http_response *res);
/* wires_editor_notice: the sentence the editor shows for article_id when it was made from a wire item that
 * has changed since (a newer version, withdrawn) or is under embargo, in the newsroom's language, with
 * *item_id the item; NULL when there is none. */
const char *wires_editor_notice(struct http_request *req, int64_t article_id, int64_t *item_id);
/* wires_embargo_refusal: why article_id cannot go live at `live` (the wire item it was made from is under
 * embargo until after then), in the newsroom's language; NULL when it may. */
const char *wires_embargo_refusal(struct http_request *req, int64_t article_id, int64_t live);

/* page_form_status: how a newsroom form page (GET shows the form, POST submits it) starts: 200 for a GET
 * (show the empty form), 403 for a POST refused before its handler ran (req->refusal: no live session or
 * a bad CSRF token; show the form with what was typed and req->refusal), 0 for a POST to handle (page_misc.c). */
int page_form_status(const struct http_request *req);

/* page_too_long: util_too_long in the newsroom's language (render_newsroom_lang): NULL when s has at most
 * max characters, else "<what> is too long: N characters, and at most MAX are allowed." translated, in
 * req's arena; what is already in the page's language (catalog_tr of an N_ name: "The caption"). */
const char *page_too_long(struct http_request *req, const char *what, const char *s, size_t max);

/* page_status_name: an article's status (draft, review, scheduled, published, unpublished) in the
 * newsroom's language (render_newsroom_lang); any other word as it is. */
const char *page_status_name(struct http_request *req, const char *status);

/* page_error: renders the error page for res->status (and res->error_message) into res: at a newsroom
 * address (/admin...) in the newsroom's frame and language (res->error_message translated when it is a
 * catalogue string), elsewhere in the readers' frame of the edition the path names (English otherwise).
 * Never fails: falls back to plain text if rendering does. */
void page_error(struct http_request *req, struct http_response *res);

/* The newsletters' reader pages (page_subscribe.c, issue 22). */
int newsletter_lists_page(struct http_request *req, struct http_response *res);
int nl_subscribe_page(struct http_request *req, struct http_response *res);
int api_nl_subscribe_page(struct http_request *req, struct http_response *res);
int nl_confirm_page(struct http_request *req, struct http_response *res);
int nl_preferences_page(struct http_request *req, struct http_response *res);
int nl_unsubscribe_page(struct http_request *req, struct http_response *res);
int nl_data_page(struct http_request *req, struct http_response *res);
/* page_nltrack.c: the newsletters' open and click counts */
int nl_open_page(struct http_request *req, struct http_response *res);
int nl_click_page(struct http_request *req, struct http_response *res);

#endif
