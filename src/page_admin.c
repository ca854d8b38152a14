/* page_admin.c - newsroom pages: log-in and log-out, the article dashboard, password change, users
 * and site settings. Forms keep what was typed when they are refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "audit.h"
#include "cache_keys.h"
#include "auth.h"
#include "datefmt.h"
#include "db.h"
#include "log.h"
#include "mfa.h"
#include "pages.h"
#include "render.h"
#include "session.h"
#include "uri.h"
#include "user.h"
#include "util.h"
#include "views.h"

#define LOGIN_TOKEN_AGE (2 * 3600)

/* field: a form field as text (http_form_text: bidi controls removed), trimmed as every newsroom field
 * is (util_trim), in the arena ("" when absent). */
static const char *field(struct http_request *req, const char *name)
{
	return util_trim(req->arena, http_form_text(req, name));
}

/* login_safe_next: where to go after a log-in (pages.h). */
const char *login_safe_next(const char *next)
{
	if (uri_local_path_under(next, "/admin/") && strncmp(next, "/admin/login", 12) != 0)
		return next;
	return "/admin/";
}

/* WEBPAGE: GET /admin
 * Parameters: none
 * Permission: anyone
 * Redirects (301) to /admin/. */
int admin_redirect_page(struct http_request *req, struct http_response *res)
{
	(void)req;
	http_set_header(res, "Location", "/admin/");
	return 301;
}

/* login_purpose: what the log-in form's token is signed for: the word "login" and the browser's
 * pre-session value, so a token works only with the cookie it was shown with. In the arena. */
static const char *login_purpose(struct http_request *req, const char *prelogin)
{
	return arena_printf(req->arena, "login %s", prelogin);
}

/* login_form: (pages.h) the log-in page with what was typed (never the password), a token bound to
 * the browser's pre-session cookie (set now if it has none), the identity provider's button when one is
 * configured, and notice or error. Returns the status to answer. */
int login_form(struct http_request *req, struct http_response *res, const char *login, const char *next,
	       const char *notice, const char *error, int status)
{
	const char *pre = session_prelogin_ensure(req, res);
	struct view *v = render_admin_frame(req, RENDER_LOGIN, N_("Log in"), notice, error);
	view_text(v, "login_token", auth_form_token(req->arena, req->app->secret, login_purpose(req, pre), util_now()));
	view_text(v, "next", login_safe_next(next));
	view_text(v, "login", login);
	oidc_login_view(req, v);
	return render_reply(req, res, RENDER_LOGIN, v, status);
}

/* login_forged: why a log-in POST is not from this site's own log-in page, or NULL (pages.h). */
const char *login_forged(struct http_request *req)
{
	if (!session_same_origin(req))
		return N_("This log-in was sent from another site, so it was refused. Log in with the form below.");
	const char *pre = session_prelogin(req);
	if (!pre)
		return N_("Your browser did not send this site's log-in cookie. Allow cookies for this site and log in "
			  "again with the form below.");
	const char *token = http_form(req, "token");
	if (!token)
		token = http_header(req, "X-CSRF-Token"); /* a script's request (passkeys) */
	if (!auth_form_token_check(req->app->secret, login_purpose(req, pre), token, util_now(), LOGIN_TOKEN_AGE))
		return N_("This log-in form is out of date or was not sent by this site. Please try again.");
	return NULL;
}

/* login_keys_for: the throttle's keys for login from the request's address (pages.h). */
void login_keys_for(struct http_request *req, const char *login, struct login_keys *k)
{
	snprintf(k->address, sizeof k->address, "ip:%s", req->client_ip);
	snprintf(k->pair, sizeof k->pair, "pair:%s|%.80s", req->client_ip, login);
	snprintf(k->account, sizeof k->account, "login:%.80s", login);
}

/* login_failure_add: counts a failed log-in under the three keys (pages.h). */
void login_failure_add(struct http_request *req, const struct login_keys *k)
{
	int64_t now = util_now();
	db_login_failure_add(req->app->db, k->address, now);
	db_login_failure_add(req->app->db, k->pair, now);
	db_login_failure_add(req->app->db, k->account, now);
}

/* login_throttled: whether the attempt is refused by the throttle (pages.h). */
int login_throttled(struct http_request *req, struct http_response *res, const struct login_keys *k)
{
	struct app *app = req->app;
	int64_t now = util_now(), since = now - app->cfg.login_window;
	struct auth_failures f = {0};
	int64_t oldest[3] = {0};
	if (db_login_failures_count(app->db, k->address, since, &f.address, &oldest[0]) != DB_OK ||
	    db_login_failures_count(app->db, k->pair, since, &f.pair, &oldest[1]) != DB_OK)
		return 0;
	/* the account's count matters only to an address that has failed on it */
	if (f.pair > 0 && db_login_failures_count(app->db, k->account, since, &f.account, &oldest[2]) != DB_OK)
		return 0;
	enum auth_throttle t = auth_login_throttle(&f, app->cfg.login_max_failures);
	if (t == AUTH_THROTTLE_NONE)
		return 0;
	int64_t first = oldest[t == AUTH_THROTTLE_ADDRESS ? 0 : t == AUTH_THROTTLE_PAIR ? 1 : 2];
	int64_t wait = first + app->cfg.login_window - now;
	http_set_header(res, "Retry-After", arena_printf(req->arena, "%lld", (long long)(wait > 1 ? wait : 1)));
	return 1;
}

/* WEBPAGE: GET POST /admin/login
 * Parameters: GET: next (a local /admin/ path to return to), expired (set after a session ran out); POST
 *   form: login, password, next, token (the log-in form's token, bound to the pre-session cookie)
 * Permission: anyone; a POST must come from this site's own form (same origin, pre-session cookie, fresh
 *   token)
 * Shows the log-in form; a POST checks the throttles per address, pair and account, then the password, and
 *   starts a session (303 to next), or, when the account has or needs a second factor, sends it to that step
 *   (mfa_login_continue: 303 to /admin/login/second-factor or /admin/login/enrol). Refusals keep the login
 *   typed: 401 wrong, 403 forged, 429 throttled. */
int login_page(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	http_set_header(res, "Cache-Control", "no-store"); /* it may set the pre-session cookie */
	if (req->method != HTTP_POST) {
		const char *expired = http_param(req, "expired");
		return login_form(req, res, "", http_param(req, "next"),
				  expired ? N_("Your session has expired. Please log in again.") : NULL, NULL, 200);
	}
	const char *login = field(req, "login"), *next = field(req, "next");
	const char *password = http_form(req, "password");
	const char *forged = login_forged(req);
	if (forged) {
		audit_record_as(req, 0, login, "login.forged", NULL, forged);
		return login_form(req, res, login, next, NULL, forged, 403);
	}
	struct login_keys keys;
	login_keys_for(req, login, &keys);
	if (login_throttled(req, res, &keys)) {
		audit_record_as(req, 0, login, "login.throttled", NULL, NULL);
		return login_form(req, res, login, next, NULL,
				  N_("Too many failed log-ins. Wait a few minutes before trying again."), 429);
	}
	struct db_user u;
	int rc = db_user_get_by_login(app->db, req->arena, login, &u);
	if (rc == DB_ERROR)
		return 500;
	int ok = rc == DB_OK && !u.disabled && password && auth_verify_password(u.pw_hash, password);
	if (rc != DB_OK || u.disabled)
		auth_verify_dummy(password); /* the same time for unknown and disabled accounts */
	if (!ok) {
		login_failure_add(req, &keys);
		log_info("failed log-in for '%s' from %s", login, req->client_ip);
		audit_record_as(req, rc == DB_OK ? u.id : 0, login, "login.failed", rc == DB_OK ? audit_target(req->arena, "user", u.id) : NULL,
				rc != DB_OK ? "no such account" : u.disabled ? "account disabled" : "wrong password");
		return login_form(req, res, login, next, NULL, N_("That login and password do not match an active account."),
				  401);
	}
	/* the session, or the second factor first (its success clears this pair's failures) */
	return mfa_login_continue(req, res, &u, "password", login_safe_next(next));
}

/* WEBPAGE: POST /admin/logout
 * Parameters: form: csrf
 * Permission: any newsroom account (PERM_LOGIN); a POST carries the session's CSRF token (csrf field),
 *   checked by the route table
 * Ends the session and redirects (303) to the log-in page. */
int logout_page(struct http_request *req, struct http_response *res)
{
	audit_record(req, "logout", audit_target(req->arena, "user", req->session->user.id), NULL);
	session_end(req, res);
	http_set_header(res, "Location", "/admin/login");
	return 303;
}

static const struct {
	const char *status, *label;
} statuses[] = {{"review", N_("In review")},   {"draft", N_("Drafts")},        {"scheduled", N_("Scheduled")},
		{"published", N_("Published")}, {"unpublished", N_("Unpublished")}};

/* Chart geometry, in SVG user units: one bar per hour, a left margin for the scale, room below for
 * the hour labels. */
#define CHART_LEFT 44
#define CHART_TOP 12
#define CHART_PLOT_H 160
#define CHART_BAR_STEP 14
#define CHART_BAR_W 10

/* hour_label: "26 Nov 14:00" (lang "ar": "26 نوفمبر 14:00") for an hour (UTC seconds), in the arena. */
static const char *hour_label(struct arena *a, int64_t hour, const char *lang)
{
	time_t t = (time_t)hour;
	struct tm tm;
	gmtime_r(&t, &tm);
	return arena_printf(a, "%d %s %02d:00", tm.tm_mday, datefmt_month(tm.tm_mon + 1, lang), tm.tm_hour);
}

/* views_chart: fills the dashboard's views-per-hour chart (bars, scale, hour labels, the summary
 * sentence and the table of hours) for the VIEWS_WINDOW_HOURS hours up to now, from the store (views
 * not flushed yet are not in it). Returns 0, or -1 on a store error. */
static int views_chart(struct http_request *req, struct view *v)
{
	struct arena *a = req->arena;
	enum catalog_lang lang = render_newsroom_lang(req);
	const char *code = catalog_code(lang);
	int64_t last = util_now() / 3600 * 3600, first = last - (VIEWS_WINDOW_HOURS - 1) * 3600;
	struct db_views_row *rows;
	size_t nrows;
	if (db_views_hourly(req->app->db, a, first, &rows, &nrows) != DB_OK)
		return -1;
	int64_t counts[VIEWS_WINDOW_HOURS] = {0}, total = 0, max = 0;
	size_t busiest = 0;
	for (size_t i = 0; i < nrows; i++) {
		int64_t k = (rows[i].hour - first) / 3600;
		if (k >= 0 && k < VIEWS_WINDOW_HOURS)
			counts[k] += rows[i].views;
	}
	for (size_t k = 0; k < VIEWS_WINDOW_HOURS; k++) {
		total += counts[k];
		if (counts[k] > max) {
			max = counts[k];
			busiest = k;
		}
	}
	int64_t scale = views_nice_max(max), base = CHART_TOP + CHART_PLOT_H;
	int right = CHART_LEFT + VIEWS_WINDOW_HOURS * CHART_BAR_STEP;
	view_text(v, "chart_w", arena_printf(a, "%d", right + 8));
	view_text(v, "chart_h", arena_printf(a, "%lld", (long long)base + 24));
	view_text(v, "chart_base", arena_printf(a, "%lld", (long long)base));
	view_text(v, "chart_left", arena_printf(a, "%d", CHART_LEFT));
	view_text(v, "chart_right", arena_printf(a, "%d", right));
	view_text(v, "chart_top", arena_printf(a, "%d", CHART_TOP));
	view_text(v, "chart_title", catalog_tr(lang, "Article views per hour, last 48 hours (UTC)"));
	view_text(v, "chart_summary",
		  total ? arena_printf(a, catalog_tr(lang, "%lld views in the last 48 hours; the busiest hour was %s UTC with %lld views."),
				       (long long)total, hour_label(a, first + (int64_t)busiest * 3600, code), (long long)max)
			: catalog_tr(lang, "No article views in the last 48 hours."));
	view_list_empty(v, "bars");
	view_list_empty(v, "ticks");
	view_list_empty(v, "hours");
	for (size_t k = 0; k < VIEWS_WINDOW_HOURS; k++) {
		int64_t hour = first + (int64_t)k * 3600, h = counts[k] * CHART_PLOT_H / scale;
		int x = CHART_LEFT + (int)k * CHART_BAR_STEP + (CHART_BAR_STEP - CHART_BAR_W) / 2;
		struct view *bar = view_add(v, "bars");
		view_text(bar, "x", arena_printf(a, "%d", x));
		view_text(bar, "y", arena_printf(a, "%lld", (long long)(base - h)));
		view_text(bar, "w", arena_printf(a, "%d", CHART_BAR_W));
		view_text(bar, "h", arena_printf(a, "%lld", (long long)h));
		const char *label = hour_label(a, hour, code);
		view_text(bar, "label", arena_printf(a, counts[k] == 1 ? catalog_tr(lang, "%s UTC: %lld view")
								      : catalog_tr(lang, "%s UTC: %lld views"),
						     label, (long long)counts[k]));
		if (k % 12 == 0) { /* an hour label every 12 hours */
			struct view *t = view_add(v, "ticks");
			view_text(t, "x", arena_printf(a, "%d", x));
			view_text(t, "y", arena_printf(a, "%lld", (long long)base + 16));
			view_text(t, "anchor", "start");
			view_text(t, "text", label);
		}
		struct view *row = view_add(v, "hours");
		view_text(row, "hour", label);
		view_text(row, "iso", render_iso(a, hour));
		view_text(row, "views", arena_printf(a, "%lld", (long long)counts[k]));
	}
	for (int64_t s = 0; s <= 2; s++) { /* the scale: 0, half, top */
		struct view *t = view_add(v, "ticks");
		view_text(t, "x", arena_printf(a, "%d", CHART_LEFT - 6));
		view_text(t, "y", arena_printf(a, "%lld", (long long)(base - s * CHART_PLOT_H / 2 + 4)));
		view_text(t, "anchor", "end");
		view_text(t, "text", arena_printf(a, "%lld", (long long)(scale * s / 2)));
	}
	return 0;
}

/* views_of: the views of article id among rows (0 when absent). */
static int64_t views_of(const struct db_views_row *rows, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].article_id == id)
			return rows[i].views;
	return 0;
}

/* WEBPAGE: GET /admin/
 * Parameters: notice (set after a change: shows "Done.")
 * Permission: any newsroom account (PERM_LOGIN); reporters see only their own articles
 * The newsroom's dashboard: articles by status with their views, and the views-per-hour chart. */
int dashboard_page(struct http_request *req, struct http_response *res)
{
	struct arena *a = req->arena;
	struct view *v = render_admin_frame(req, RENDER_DASHBOARD, N_("Articles"), http_param(req, "notice") ? N_("Done.") : NULL,
					    NULL);
	view_list_empty(v, "groups");
	if (views_chart(req, v) < 0)
		return 500;
	/* each published article's views in the chart's window */
	struct db_views_row *views;
	size_t nviews;
	int64_t since = util_now() / 3600 * 3600 - (VIEWS_WINDOW_HOURS - 1) * 3600;
	if (db_views_top(req->app->db, a, NULL, since, 1000, &views, &nviews) != DB_OK)
		return 500;
	int reporter = strcmp(req->session->user.role, "reporter") == 0;
	enum catalog_lang lang = render_newsroom_lang(req);
	for (size_t i = 0; i < ARRAY_LEN(statuses); i++) {
		struct db_article *arts;
		size_t n;
		if (db_articles_by_status(req->app->db, a, statuses[i].status, 100, &arts, &n) != DB_OK)
			return 500;
		struct view *g = view_add(v, "groups");
		view_text(g, "status", statuses[i].status);
		view_text(g, "label", catalog_tr(lang, statuses[i].label));
		view_list_empty(g, "items");
		size_t shown = 0;
		for (size_t k = 0; k < n; k++) {
			if (reporter && arts[k].owner_id != req->session->user.id)
				continue; /* reporters see their own work */
			struct view *it = view_add(g, "items");
			view_text(it, "edit_href", arena_printf(a, "/admin/articles/%lld", (long long)arts[k].id));
			view_text(it, "headline", arts[k].headline);
			view_text(it, "edition", arts[k].edition);
			view_text(it, "section", arts[k].section_name);
			int64_t when = arts[k].scheduled_at ? arts[k].scheduled_at
				       : arts[k].published_at ? arts[k].published_at
							      : arts[k].updated_at;
			view_text(it, "when", render_stamp(a, when, catalog_code(lang)));
			view_text(it, "owner", arts[k].owner_login);
			int published = strcmp(statuses[i].status, "published") == 0;
			int64_t nv = published ? views_of(views, nviews, arts[k].id) : 0;
			view_bool(it, "has_views", published);
			view_text(it, "views", arena_printf(a, nv == 1 ? catalog_tr(lang, "%lld view in 48 h")
								       : catalog_tr(lang, "%lld views in 48 h"),
							    (long long)nv));
			shown++;
		}
		view_text(g, "count", arena_printf(a, "%zu", shown));
		view_bool(g, "has_items", shown > 0);
	}
	return render_reply(req, res, RENDER_DASHBOARD, v, 200);
}

/* WEBPAGE: GET POST /admin/password
 * Parameters: POST form: current, new (the passwords)
 * Permission: any newsroom account (PERM_LOGIN), for its own password; a POST carries the session's CSRF
 *   token (csrf field), checked by the route table
 * Changes the user's own password through user.c (user_password_set_id: every session of the user ends, this
 *   one starts afresh; 303 to the dashboard). 400 for a wrong current or a refused new password. */
int password_page(struct http_request *req, struct http_response *res)
{
	if (req->method != HTTP_POST)
		return render_reply(req, res, RENDER_PASSWORD,
				    render_admin_frame(req, RENDER_PASSWORD, N_("Password"), NULL, NULL), 200);
	const char *error = req->refusal;
	struct db_user u;
	const char *current = http_form(req, "current"), *fresh = http_form(req, "new");
	if (!error) {
		if (db_user_get_by_login(req->app->db, req->arena, req->session->user.login, &u) != DB_OK)
			return 500;
		if (!current || !auth_verify_password(u.pw_hash, current)) {
			error = N_("The current password is not right.");
			audit_record(req, "user.password_refused", audit_target(req->arena, "user", u.id), NULL);
		} else {
			/* every other session of this user ends; this one starts afresh */
			enum user_status st = user_password_set_id(req->app->db, u.id, fresh ? fresh : "", &error);
			if (st == USER_FAILED)
				return 500;
			if (st == USER_OK) {
				audit_record(req, "user.password_changed", audit_target(req->arena, "user", u.id), NULL);
				if (session_start(req, res, &u) < 0)
					return 500;
				http_set_header(res, "Location", "/admin/?notice=password");
				return 303;
			}
		}
	}
	return render_reply(req, res, RENDER_PASSWORD, render_admin_frame(req, RENDER_PASSWORD, N_("Password"), NULL, error),
			    req->refusal ? 403 : 400);
}

/* role_label: a role's name (reporter, editor, moderator, admin) in lang; another text as it is. */
static const char *role_label(enum catalog_lang lang, const char *role)
{
	static const char *const names[] = {N_("reporter"), N_("editor"), N_("moderator"), N_("admin")};
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strcmp(role, names[i]) == 0)
			return catalog_tr(lang, names[i]);
	return role;
}

/* users_form: the users page: the accounts with their e-mail forms, and the add form (what was typed kept
 * unless status is 200; a refused e-mail keeps what was typed in its account's row) with notice or
 * error; answered with status. Returns status, or 500 on a store or template error. */
static int users_form(struct http_request *req, struct http_response *res, const char *notice, const char *error,
		      int status)
{
	struct view *v = render_admin_frame(req, RENDER_USERS, N_("Users"), notice, error);
	enum catalog_lang lang = render_newsroom_lang(req);
	struct db_user *users = NULL;
	size_t n = 0;
	if (req->session && db_users_list(req->app->db, req->arena, &users, &n) != DB_OK)
		return 500; /* (a refused form without a session lists nobody) */
	view_list_empty(v, "users");
	for (size_t i = 0; i < n; i++) {
		struct view *r = view_add(v, "users");
		view_text(r, "id", arena_printf(req->arena, "%lld", (long long)users[i].id));
		view_text(r, "login", users[i].login);
		view_text(r, "display_name", users[i].display_name);
		view_text(r, "role", role_label(lang, users[i].role));
		view_bool(r, "disabled", users[i].disabled);
		int typed = status != 200 && route_param_id(&req->route, "id") == users[i].id && http_form(req, "email");
		view_text(r, "email", typed ? field(req, "email") : users[i].email ? users[i].email : "");
	}
	const char *role = status == 200 ? "reporter" : field(req, "role");
	view_text(v, "new_login", status == 200 ? "" : field(req, "login"));
	view_text(v, "new_name", status == 200 ? "" : field(req, "display_name"));
	static const char *const roles[] = {"reporter", "editor", "moderator", "admin"};
	for (size_t i = 0; i < ARRAY_LEN(roles); i++) {
		struct view *o = view_add(v, "roles");
		view_text(o, "value", roles[i]);
		view_text(o, "label", role_label(lang, roles[i]));
		view_bool(o, "selected", strcmp(role, roles[i]) == 0);
	}
	return render_reply(req, res, RENDER_USERS, v, status);
}

/* WEBPAGE: GET POST /admin/users
 * Parameters: POST form: login, display_name, role, password
 * Permission: admin (PERM_ADMIN); a POST carries the session's CSRF token (csrf field), checked by the route
 *   table
 * Lists the accounts; a POST adds one through user.c (user_create); a refusal keeps what was typed (400). */
int users_page(struct http_request *req, struct http_response *res)
{
	int shown = page_form_status(req);
	if (shown)
		return users_form(req, res, NULL, shown == 403 ? req->refusal : NULL, shown);
	int64_t id;
	const char *login = field(req, "login");
	const char *why = user_create(req->app->db, login, field(req, "display_name"), field(req, "role"),
				       http_form(req, "password") ? http_form(req, "password") : "", &id);
	if (why)
		return users_form(req, res, NULL, why, 400);
	audit_record(req, "user.created", audit_target(req->arena, "user", id), arena_printf(req->arena, "%s (%s)", login, field(req, "role")));
	enum catalog_lang lang = render_newsroom_lang(req);
	return users_form(req, res, arena_printf(req->arena, catalog_tr(lang, "Added %s."), login), NULL, 200);
}

/* account_named: the login of the account with this id into *login (in the arena). Returns 200, 404 when
 * there is none, or 500 (store error). */
static int account_named(struct http_request *req, int64_t id, const char **login)
{
	struct db_user *users;
	size_t n;
	if (db_users_list(req->app->db, req->arena, &users, &n) != DB_OK)
		return 500;
	for (size_t i = 0; i < n; i++)
		if (users[i].id == id) {
			*login = users[i].login;
			return 200;
		}
	return 404;
}

/* other_account: the first steps of an admin's action on another account (the {id} in the path): 404 for
 * an unknown account; for the admin's own, the refusal written to the audit log as `refused` and the users
 * page with own_msg (400). Sets *id, *login and *target ("user:ID") and returns 0 when the action may go
 * on, else the status already answered. */
static int other_account(struct http_request *req, struct http_response *res, const char *refused,
			 const char *own_msg, int64_t *id, const char **login, const char **target)
{
	*id = route_param_id(&req->route, "id");
	int found = *id ? account_named(req, *id, login) : 404;
	if (found != 200)
		return found;
	*target = audit_target(req->arena, "user", *id);
	if (*id != req->session->user.id)
		return 0;
	audit_record(req, refused, *target, "own account");
	return users_form(req, res, NULL, own_msg, 400);
}

/* WEBPAGE: POST /admin/users/{id}/disable
 * Parameters: id (the account, in the path); form: csrf
 * Permission: admin (PERM_ADMIN); a POST carries the session's CSRF token (csrf field), checked by the route
 *   table
 * "Sign out everywhere and disable": disables the account and deletes all its sessions in one transaction
 *   through user.c (user_disable_id); 400 for the admin's own, 404 for an unknown account. */
int user_disable_page(struct http_request *req, struct http_response *res)
{
	int64_t id;
	const char *login = NULL, *target = NULL;
	int st = other_account(req, res, "user.disable_refused", N_("You cannot disable your own account."), &id, &login,
			       &target);
	if (st)
		return st;
	const char *why;
	if (user_disable_id(req->app->db, id, 1, &why) != USER_OK)
		return 500;
	const char *detail = arena_printf(req->arena, "%s, by admin", login);
	audit_record(req, "session.ended", target, arena_printf(req->arena, "by admin: every session of %s", login));
	audit_record(req, "user.signed_out_everywhere", target, detail);
	audit_record(req, "user.disabled", target, detail);
	log_info("users: %s signed out everywhere and disabled by %s", login, req->session->user.login);
	return users_form(req, res, N_("Account disabled; its sessions have ended."), NULL, 200);
}

/* WEBPAGE: POST /admin/users/{id}/email
 * Parameters: id (the account, in the path); form: email (empty: none), csrf
 * Permission: admin (PERM_ADMIN); a POST carries the session's CSRF token (csrf field), checked by the route
 *   table
 * Sets the account's e-mail address through user.c (user_email_set_id: the address a sign-in with the
 *   identity provider is matched by; unique, ASCII letters in lower case); a refusal (not an address, another
 *   account's) keeps what was typed in the account's row (400). */
int user_email_page(struct http_request *req, struct http_response *res)
{
	int64_t id = route_param_id(&req->route, "id");
	if (!id)
		return 404;
	if (req->refusal)
		return users_form(req, res, NULL, req->refusal, 403);
	const char *why;
	enum user_status st = user_email_set_id(req->app->db, id, field(req, "email"), &why);
	if (st == USER_FAILED)
		return 500;
	if (st == USER_REFUSED)
		return users_form(req, res, NULL, why, 400);
	const char *stored = NULL;
	user_email_check(req->arena, field(req, "email"), &stored);
	audit_record(req, "user.email", audit_target(req->arena, "user", id),
		     stored ? arena_printf(req->arena, "set to %s", stored) : "removed");
	return users_form(req, res, N_("E-mail address saved."), NULL, 200);
}

/* WEBPAGE: POST /admin/users/{id}/sign-out
 * Parameters: id (the account, in the path); form: csrf
 * Permission: admin (PERM_ADMIN); a POST carries the session's CSRF token (csrf field), checked by the route
 *   table
 * "Sign out everywhere": ends every session of the account through user.c (user_sign_out_id), leaving it
 *   able to log in again; 400 for the admin's own (their sessions page ends the others), 404 for an
 *   unknown account. */
int user_sign_out_page(struct http_request *req, struct http_response *res)
{
	int64_t id;
	const char *login = NULL, *target = NULL;
	int st = other_account(req, res, "user.sign_out_refused",
			       N_("You cannot sign yourself out everywhere here: end your other sessions on your "
				  "sessions page."),
			       &id, &login, &target);
	if (st)
		return st;
	const char *why;
	if (user_sign_out_id(req->app->db, id, &why) != USER_OK)
		return 500;
	audit_record(req, "session.ended", target, arena_printf(req->arena, "by admin: every session of %s", login));
	audit_record(req, "user.signed_out_everywhere", target, arena_printf(req->arena, "%s, by admin", login));
	log_info("users: %s signed out everywhere by %s", login, req->session->user.login);
	enum catalog_lang lang = render_newsroom_lang(req);
	return users_form(req, res, arena_printf(req->arena, catalog_tr(lang, "%s is signed out everywhere."), login),
			  NULL, 200);
}

/* The settings an admin edits: key, label (N_: translated where shown), text direction, and the accepted range for numbers (lo > hi:
 * free text; lo == hi == -1: a choice from `choices`; "textarea" for long text). */
static const struct {
	const char *key, *label, *dir;
	int64_t lo, hi;
	const char *choices; /* "a|b|c" */
	int textarea;
} setting_keys[] = {
	{"site_name.en", N_("Site name (English)"), "ltr", 1, 0, NULL, 0},
	{"site_name.ar", N_("Site name (Arabic)"), "rtl", 1, 0, NULL, 0},
	{"description.en", N_("Description (English)"), "ltr", 1, 0, NULL, 0},
	{"description.ar", N_("Description (Arabic)"), "rtl", 1, 0, NULL, 0},
	{"footer_developer.en", N_("Footer: maintained and developed by (English)"), "ltr", 1, 0, NULL, 0},
	{"footer_developer.ar", N_("Footer: maintained and developed by (Arabic)"), "rtl", 1, 0, NULL, 0},
	{"footer_publisher.en", N_("Footer: all rights reserved to (English)"), "ltr", 1, 0, NULL, 0},
	{"footer_publisher.ar", N_("Footer: all rights reserved to (Arabic)"), "rtl", 1, 0, NULL, 0},
	{"copyright_year", N_("Copyright year (empty: the current year)"), "ltr", 1900, 9999, NULL, 0},
	{"latest_count", N_("Latest-news length (1 to 50)"), "ltr", 1, 50, NULL, 0},
	{"comments.mode", N_("Comments: moderation (pre: approve first; trusted: visitors with enough approved comments publish at once; post: publish at once, review after)"), "ltr", -1, -1, "pre|trusted|post", 0},
	{"comments.trusted_after", N_("Comments: approved comments that make a visitor trusted (1 to 1000)"), "ltr", 1, 1000, NULL, 0},
	{"comments.close_days", N_("Comments: close this many days after publication (0: never)"), "ltr", 0, 36500, NULL, 0},
	{"comments.order", N_("Comments: order (oldest or newest first)"), "ltr", -1, -1, "oldest|newest", 0},
	{"comments.min_fill_seconds", N_("Comments: minimum seconds between showing and sending the form (0 to 3600)"), "ltr", 0, 3600, NULL, 0},
	{"comments.token_hours", N_("Comments: hours a form stays valid (1 to 720)"), "ltr", 1, 720, NULL, 0},
	{"comments.rate_ip", N_("Comments: at most this many per address in 10 minutes"), "ltr", 1, 100000, NULL, 0},
	{"comments.rate_net", N_("Comments: at most this many per network (/24, /64) in 10 minutes"), "ltr", 1, 100000, NULL, 0},
	{"comments.max_links", N_("Comments: most links in one comment (0 to 100)"), "ltr", 0, 100, NULL, 0},
	{"comments.ip_retention_days", N_("Comments: days to keep (hashed) addresses (1 to 3650)"), "ltr", 1, 3650, NULL, 0},
	{"audit.retention_days", N_("Audit log: days to keep entries (30 to 3650; older ones are deleted)"), "ltr", 30, 3650, NULL, 0},
	{"search_half_life_days", N_("Search: days after which an article's recency boost has halved (1 to 36500)"), "ltr", 1, 36500, NULL, 0},
	{"search_recent_days", N_("Search: look in this many recent days first, widening when they give too few results (0: whole archive)"), "ltr", 0, 36500, NULL, 0},
	{"session.lifetime_minutes", N_("Sessions: minutes a log-in lasts, from the log-in (5 to 129600; empty: the configuration's session_lifetime, 720 unless changed)"), "ltr", SESSION_MINUTES_MIN, SESSION_MINUTES_MAX, NULL, 0},
	{"session.idle_minutes", N_("Sessions: end a session after this many minutes without a request (5 to 129600; empty: never)"), "ltr", SESSION_MINUTES_MIN, SESSION_MINUTES_MAX, NULL, 0},
	{MFA_SETTING, N_("Two-factor log-in required for these roles (admin, editor, reporter, moderator; separated by commas; empty: none)"), "ltr", 1, 0, NULL, 0},
	{"newsletter.tracking", N_("Newsletters: count opens and clicks (1: on, a tiny image in each mail and story links through this site; 0 or empty: off, the default)"), "ltr", 0, 1, NULL, 0},
	{"comments.blocklist", N_("Comments: blocked words and phrases, one per line (matched ignoring case, diacritics, tatweel and letter variants)"), "auto", 1, 0, NULL, 1},
};

/* setting_problem: NULL when v is acceptable for setting i, else a sentence in the newsroom's language
 * (in req's arena, or a static N_ string render_admin_frame translates). */
static const char *setting_problem(struct http_request *req, size_t i, const char *v)
{
	struct arena *a = req->arena;
	enum catalog_lang lang = render_newsroom_lang(req);
	const char *label = catalog_tr(lang, setting_keys[i].label);
	int64_t n;
	size_t max = setting_keys[i].textarea ? 20000 : 300; /* characters, as settings.html's data-max-chars */
	const char *long_value = page_too_long(req, arena_printf(a, catalog_tr(lang, "The setting \"%s\""), label), v, max);
	if (long_value)
		return long_value;
	if (setting_keys[i].choices) {
		size_t len = strlen(v);
		const char *c = setting_keys[i].choices;
		int ok = 0;
		while (*c && !ok) {
			size_t l = strcspn(c, "|");
			ok = len == l && strncmp(c, v, l) == 0;
			c += l + (c[l] == '|');
		}
		return ok || !*v ? NULL : arena_printf(a, catalog_tr(lang, "%s: choose one of %s."), label, setting_keys[i].choices);
	}
	if (strcmp(setting_keys[i].key, "latest_count") == 0 && (util_parse_i64(v, &n) < 0 || n < 1 || n > 50))
		return N_("The latest-news length must be a whole number from 1 to 50.");
	if (strcmp(setting_keys[i].key, "copyright_year") == 0 && *v && (util_parse_i64(v, &n) < 0 || n < 1900 || n > 9999))
		return N_("The copyright year must be a year such as 2026, or empty.");
	if (setting_keys[i].lo <= setting_keys[i].hi && *v &&
	    (util_parse_i64(v, &n) < 0 || n < setting_keys[i].lo || n > setting_keys[i].hi))
		return arena_printf(a, catalog_tr(lang, "%s: a whole number from %lld to %lld."), label,
				    (long long)setting_keys[i].lo, (long long)setting_keys[i].hi);
	if (strcmp(setting_keys[i].key, MFA_SETTING) == 0 && mfa_roles_problem(v))
		return mfa_roles_problem(v);
	if (strncmp(setting_keys[i].key, "site_name", 9) == 0 && !*v)
		return N_("A site name cannot be empty.");
	return NULL;
}

/* WEBPAGE: GET POST /admin/settings
 * Parameters: POST form: one field per setting_keys entry (site names, descriptions, footers, comment and
 *   search settings, the roles that require a second factor)
 * Permission: admin (PERM_ADMIN); a POST carries the session's CSRF token (csrf field), checked by the route
 *   table
 * Shows and saves the site settings in one transaction; a refusal names the setting and keeps every value
 *   typed (400). */
int settings_page(struct http_request *req, struct http_response *res)
{
	struct db *db = req->app->db;
	const char *error = NULL, *notice = NULL;
	int status = 200, post = req->method == HTTP_POST;
	if (post) {
		error = req->refusal;
		for (size_t i = 0; !error && i < ARRAY_LEN(setting_keys); i++)
			error = setting_problem(req, i, field(req, setting_keys[i].key));
		if (!error) {
			if (db_begin(db) != DB_OK)
				return 500;
			for (size_t i = 0; i < ARRAY_LEN(setting_keys); i++) {
				audit_setting(req, setting_keys[i].key, field(req, setting_keys[i].key));
				if (db_setting_set(db, setting_keys[i].key, field(req, setting_keys[i].key)) != DB_OK) {
					db_rollback(db);
					return 500;
				}
			}
			if (db_commit(db) != DB_OK)
				return 500;
			cache_note(req, CACHE_SETTINGS, 0);
			notice = N_("Settings saved.");
		} else {
			status = req->refusal ? 403 : 400;
		}
	}
	struct view *v = render_admin_frame(req, RENDER_SETTINGS, N_("Settings"), notice, error);
	enum catalog_lang lang = render_newsroom_lang(req);
	for (size_t i = 0; i < ARRAY_LEN(setting_keys); i++) {
		struct view *f = view_add(v, "fields");
		const char *value = "";
		if (post && error)
			value = field(req, setting_keys[i].key);
		else if (db_setting_get(db, req->arena, setting_keys[i].key, &value) == DB_ERROR)
			return 500;
		view_text(f, "id", arena_printf(req->arena, "%zu", i));
		view_text(f, "key", setting_keys[i].key);
		view_text(f, "label", catalog_tr(lang, setting_keys[i].label));
		view_text(f, "value", value);
		view_text(f, "dir", setting_keys[i].dir);
		view_bool(f, "textarea", setting_keys[i].textarea);
	}
	return render_reply(req, res, RENDER_SETTINGS, v, status);
}
