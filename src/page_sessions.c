/* page_sessions.c - a person's own log-in sessions (issue 20): the list of the active ones (device,
 * address, started, last seen, how it began; the current one marked), ending one, and ending all the
 * others. Each person sees and ends only their own: another person's session answers as a missing one.
 * Which sessions are alive is session.c's rule (session_alive), the same one session_load enforces. */
#include <string.h>

#include "app.h"
#include "audit.h"
#include "catalog.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "pages.h"
#include "render.h"
#include "session.h"
#include "uagent.h"
#include "util.h"

/* The log-in methods a session can begin with (session_start_method) and their labels. */
static const char *const methods[][2] = {{"password", N_("Password")},
					  {"totp", N_("Password and authenticator code")},
					  {"recovery", N_("Password and recovery code")},
					  {"passkey", N_("Passkey")},
					  {"oidc", N_("Single sign-on")}};

/* method_label: the label of a stored method in lang (the word itself when unknown). */
static const char *method_label(enum catalog_lang lang, const char *method)
{
	for (size_t i = 0; i < ARRAY_LEN(methods); i++)
		if (strcmp(method, methods[i][0]) == 0)
			return catalog_tr(lang, methods[i][1]);
	return method;
}

/* device_label: "Chromium on Linux" for a stored User-Agent, in lang and the request's arena: the
 * browser, the system, both, or "Unknown device" (uagent_summary). */
static const char *device_label(struct http_request *req, enum catalog_lang lang, const char *agent)
{
	const char *browser, *os;
	uagent_summary(agent, &browser, &os);
	if (browser && os)
		return arena_printf(req->arena, catalog_tr(lang, "%s on %s"), browser, os);
	if (os)
		return arena_printf(req->arena, catalog_tr(lang, "A browser on %s"), os);
	return browser ? browser : catalog_tr(lang, "Unknown device");
}

/* session_row: appends session s (current: the request's own) to v's "sessions" list. */
static void session_row(struct http_request *req, struct view *v, const struct db_session *s, int current)
{
	struct arena *a = req->arena;
	enum catalog_lang lang = render_newsroom_lang(req);
	struct view *r = view_add(v, "sessions");
	view_text(r, "id", arena_printf(a, "%lld", (long long)s->id));
	view_text(r, "device", device_label(req, lang, s->user_agent));
	view_text(r, "agent", *s->user_agent ? s->user_agent : catalog_tr(lang, "No User-Agent was sent."));
	view_text(r, "address", *s->address ? s->address : "-");
	view_text(r, "started", render_stamp(a, s->created_at, catalog_code(lang)));
	view_text(r, "started_iso", render_iso(a, s->created_at));
	view_text(r, "seen", render_stamp(a, s->last_seen, catalog_code(lang)));
	view_text(r, "seen_iso", render_iso(a, s->last_seen));
	view_text(r, "method", method_label(lang, s->method));
	view_bool(r, "current", current);
}

/* WEBPAGE: GET /admin/account/sessions
 * Parameters: done (ended, others: the notice after a change)
 * Permission: any newsroom account (PERM_LOGIN), for its own sessions
 * Lists the person's active sessions, the most recently seen first, the current one marked, each with an
 *   End button, and "End all other sessions" when there are others. */
int account_sessions_page(struct http_request *req, struct http_response *res)
{
	const char *done = http_param(req, "done");
	const char *notice = !done				 ? NULL
			     : strcmp(done, "ended") == 0	 ? N_("The session has ended: that browser is logged out.")
			     : strcmp(done, "others") == 0 ? N_("Every other session has ended: only this browser is logged in.")
							 : NULL;
	struct view *v = render_admin_frame(req, RENDER_SESSIONS, N_("Your sessions"), notice, NULL);
	struct db_session *rows;
	size_t n;
	if (db_sessions_of_user(req->app->db, req->arena, req->session->user.id, &rows, &n) != DB_OK)
		return 500;
	struct session_limits l;
	session_current_limits(req, &l);
	int64_t now = util_now();
	size_t others = 0;
	view_list_empty(v, "sessions");
	for (size_t i = 0; i < n; i++) {
		int current = strcmp(rows[i].token_hash, req->session->token_hash) == 0;
		if (!current && !session_alive(&rows[i], &l, now))
			continue; /* over: deleted when next presented */
		session_row(req, v, &rows[i], current);
		others += !current;
	}
	view_bool(v, "has_others", others > 0);
	return render_reply(req, res, RENDER_SESSIONS, v, 200);
}

/* WEBPAGE: POST /admin/account/sessions/{id}/end
 * Parameters: id (the session's number, in the path); form: csrf
 * Permission: any newsroom account (PERM_LOGIN), for its own sessions; a POST carries the session's CSRF
 *   token (csrf field), checked by the route table
 * Ends one of the person's sessions: 303 back to the list, or, for the current one, the log-out (303 to
 *   the log-in page). 404 for a number that is not one of the person's sessions (missing or another
 *   person's: the same answer). */
int account_session_end_page(struct http_request *req, struct http_response *res)
{
	int64_t id = route_param_id(&req->route, "id");
	if (!id)
		return 404;
	int current = id == req->session->id;
	const char *target = audit_target(req->arena, "session", id);
	int rc = db_session_delete_id(req->app->db, req->session->user.id, id);
	if (rc == DB_NOTFOUND) {
		audit_record(req, "session.end_refused", target, "not one of this person's sessions");
		return 404;
	}
	if (rc != DB_OK)
		return 500;
	audit_record(req, "session.ended", target, current ? "by self: this session (log-out)" : "by self");
	log_info("sessions: %s ended session %lld%s", req->session->user.login, (long long)id,
		 current ? " (the current one)" : "");
	if (current) {
		session_end(req, res); /* its row is gone: this clears the cookie */
		http_set_header(res, "Location", "/admin/login");
		return 303;
	}
	http_set_header(res, "Location", "/admin/account/sessions?done=ended");
	return 303;
}

/* WEBPAGE: POST /admin/account/sessions/end-others
 * Parameters: form: csrf
 * Permission: any newsroom account (PERM_LOGIN), for its own sessions; a POST carries the session's CSRF
 *   token (csrf field), checked by the route table
 * Ends every session of the person but the current one; 303 back to the list. */
int account_sessions_end_others_page(struct http_request *req, struct http_response *res)
{
	int64_t ended = 0;
	if (db_sessions_delete_others(req->app->db, req->session->user.id, req->session->token_hash, &ended) != DB_OK)
		return 500;
	audit_record(req, "session.ended", audit_target(req->arena, "user", req->session->user.id),
		     arena_printf(req->arena, "by self: every other session (%lld)", (long long)ended));
	log_info("sessions: %s ended %lld other session(s)", req->session->user.login, (long long)ended);
	http_set_header(res, "Location", "/admin/account/sessions?done=others");
	return 303;
}
