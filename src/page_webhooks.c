/* page_webhooks.c - the newsroom's webhook pages (admins only): the endpoints with their signing
 * secrets (always shown to admins, who need them to configure receivers), a form to add one, enable /
 * disable / delete, and each endpoint's delivery log. An address that is not public (loopback, private
 * ...) or a name that resolves to one is refused when it is added, unless webhook_allow_private names it. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "datefmt.h"
#include "db.h"
#include "pages.h"
#include "render.h"
#include "util.h"
#include "webhook.h"

#define WEBHOOK_LOG_ROWS 200

/* events_label: the event list "a, b" for display (the store keeps "a,b"), in the arena. */
static const char *events_label(struct arena *a, const char *events)
{
	struct buf b = BUF_INIT;
	for (const char *p = events; *p; p++) {
		if (*p == ',')
			buf_lit(&b, ", ");
		else
			buf_putc(&b, *p);
	}
	const char *s = arena_strndup(a, buf_cstr(&b), b.len);
	buf_free(&b);
	return s;
}

/* hooks_form: the list and the add form (with what was typed when status is not 200). Returns status. */
static int hooks_form(struct http_request *req, struct http_response *res, const char *notice, const char *error,
		      int status)
{
	struct arena *a = req->arena;
	struct view *v = render_admin_frame(req, RENDER_WEBHOOKS, N_("Webhooks"), notice, error);
	enum catalog_lang lang = render_newsroom_lang(req);
	struct db_webhook *hooks = NULL;
	size_t n = 0;
	if (req->session && db_webhooks_list(req->app->db, a, &hooks, &n) != DB_OK)
		return 500;
	view_list_empty(v, "hooks");
	view_bool(v, "has_hooks", n > 0);
	for (size_t i = 0; i < n; i++) {
		struct view *r = view_add(v, "hooks");
		view_text(r, "id", arena_printf(a, "%lld", (long long)hooks[i].id));
		view_text(r, "url", hooks[i].url);
		view_text(r, "events", events_label(a, hooks[i].events));
		view_text(r, "secret", hooks[i].secret);
		view_bool(r, "active", hooks[i].active);
		view_text(r, "queue", arena_printf(a, catalog_tr(lang, "%lld waiting, %lld given up"), (long long)hooks[i].pending,
						   (long long)hooks[i].failed));
	}
	int typed = status != 200;
	view_text(v, "new_url", typed ? http_form_text(req, "url") : "");
	for (size_t i = 0; i < WEBHOOK_NEVENTS; i++) {
		struct view *o = view_add(v, "events");
		view_text(o, "value", webhook_events[i]);
		view_bool(o, "checked", typed ? http_form(req, webhook_events[i]) != NULL : 1);
	}
	return render_reply(req, res, RENDER_WEBHOOKS, v, status);
}

/* WEBPAGE: GET POST /admin/webhooks
 * Parameters: POST form: url, and one checkbox per event (webhook_events)
 * Permission: admin (PERM_ADMIN); a POST carries the session's CSRF token (csrf field), checked by the route
 *   table
 * Lists the webhook endpoints; a POST adds one with a new signing secret; a refused URL keeps what was
 *   typed (400). */
int webhooks_page(struct http_request *req, struct http_response *res)
{
	int shown = page_form_status(req);
	if (shown)
		return hooks_form(req, res, NULL, shown == 403 ? req->refusal : NULL, shown);
	const char *url = http_form_text(req, "url") ? http_form_text(req, "url") : "";
	const char *why = webhook_url_problem(url);
	struct buf events = BUF_INIT;
	for (size_t i = 0; i < WEBHOOK_NEVENTS; i++) {
		if (!http_form(req, webhook_events[i]))
			continue;
		if (events.len)
			buf_putc(&events, ',');
		buf_append(&events, webhook_events[i], strlen(webhook_events[i]));
	}
	if (!why && !events.len)
		why = N_("Choose at least one event.");
	if (!why) /* last: it may wait for DNS */
		why = webhook_target_problem(req->arena, url, req->app->cfg.webhook_allow_private, render_newsroom_lang(req));
	if (why) {
		buf_free(&events);
		return hooks_form(req, res, NULL, why, 400);
	}
	char secret[AUTH_TOKEN_HEX];
	auth_random_hex(secret);
	struct db_webhook w = {.url = url, .secret = secret, .events = arena_strdup(req->arena, buf_cstr(&events)),
			       .active = 1, .created_at = util_now()};
	buf_free(&events);
	int64_t id;
	if (db_webhook_insert(req->app->db, &w, &id) != DB_OK)
		return 500;
	audit_record(req, "webhook.created", audit_target(req->arena, "webhook", id), arena_printf(req->arena, "%s (%s)", url, w.events));
	return hooks_form(req, res, N_("Endpoint added. Give its signing secret (below) to the receiver so it can verify "
				       "each delivery."),
			  NULL, 200);
}

/* WEBPAGE: POST /admin/webhooks/{id}/active
 * Parameters: id (in the path); form: active (1 enables, anything else disables), csrf
 * Permission: admin (PERM_ADMIN); a POST carries the session's CSRF token (csrf field), checked by the route
 *   table
 * Enables or disables an endpoint (its waiting deliveries resume when enabled); 404 for an unknown id. */
int webhook_active_page(struct http_request *req, struct http_response *res)
{
	int64_t id = route_param_id(&req->route, "id");
	if (!id)
		return 404;
	const char *v = http_form(req, "active");
	int active = v && strcmp(v, "1") == 0;
	int rc = db_webhook_set_active(req->app->db, id, active);
	if (rc == DB_NOTFOUND)
		return 404;
	if (rc != DB_OK)
		return 500;
	audit_record(req, active ? "webhook.enabled" : "webhook.disabled", audit_target(req->arena, "webhook", id), NULL);
	if (active)
		webhook_wake(req->app); /* its waiting deliveries are due again */
	return hooks_form(req, res, active ? N_("Endpoint enabled.") : N_("Endpoint disabled: its deliveries wait until it is enabled."),
			  NULL, 200);
}

/* WEBPAGE: POST /admin/webhooks/{id}/delete
 * Parameters: id (in the path); form: csrf
 * Permission: admin (PERM_ADMIN); a POST carries the session's CSRF token (csrf field), checked by the route
 *   table
 * Deletes an endpoint with its queue and delivery log; 404 for an unknown id. */
int webhook_delete_page(struct http_request *req, struct http_response *res)
{
	int64_t id = route_param_id(&req->route, "id");
	if (!id)
		return 404;
	int rc = db_webhook_delete(req->app->db, id);
	if (rc == DB_NOTFOUND)
		return 404;
	if (rc != DB_OK)
		return 500;
	audit_record(req, "webhook.deleted", audit_target(req->arena, "webhook", id), NULL);
	return hooks_form(req, res, N_("Endpoint deleted with its queue and delivery log."), NULL, 200);
}

/* WEBPAGE: GET /admin/webhooks/{id}
 * Parameters: id (the endpoint, in the path)
 * Permission: admin (PERM_ADMIN)
 * One endpoint's recent deliveries and their outcomes; 404 for an unknown id. */
int webhook_log_page(struct http_request *req, struct http_response *res)
{
	struct arena *a = req->arena;
	int64_t id = route_param_id(&req->route, "id");
	if (!id)
		return 404;
	struct db_webhook w;
	int rc = db_webhook_get(req->app->db, a, id, &w);
	if (rc == DB_NOTFOUND)
		return 404;
	struct db_webhook_delivery *rows = NULL;
	size_t n = 0;
	if (rc != DB_OK || db_webhook_deliveries(req->app->db, a, id, WEBHOOK_LOG_ROWS, &rows, &n) != DB_OK)
		return 500;
	struct view *v = render_admin_frame(req, RENDER_WEBHOOK_LOG, N_("Webhook deliveries"), NULL, NULL);
	enum catalog_lang lang = render_newsroom_lang(req);
	view_text(v, "id", arena_printf(a, "%lld", (long long)w.id));
	view_text(v, "url", w.url);
	view_text(v, "events", events_label(a, w.events));
	view_text(v, "secret", w.secret);
	view_bool(v, "active", w.active);
	view_text(v, "queue", arena_printf(a, catalog_tr(lang, "%lld waiting, %lld given up"), (long long)w.pending,
					   (long long)w.failed));
	view_bool(v, "has_rows", n > 0);
	view_list_empty(v, "rows");
	for (size_t i = 0; i < n; i++) {
		struct view *r = view_add(v, "rows");
		view_text(r, "delivery", arena_printf(a, "%lld", (long long)rows[i].queue_id));
		view_text(r, "event", rows[i].event);
		view_text(r, "attempt", arena_printf(a, "%d", rows[i].attempt));
		view_text(r, "when", render_time_input(a, rows[i].at));
		view_text(r, "iso", render_iso(a, rows[i].at));
		/* the error as stored: this server's own sentences (N_ in webhook.c) translated, libcurl's as they are */
		view_text(r, "result", rows[i].status ? arena_printf(a, "HTTP %d", rows[i].status) : catalog_tr(lang, rows[i].error));
		view_bool(r, "ok", rows[i].status >= 200 && rows[i].status <= 299);
		/* no time for an attempt without an answer: it would tell a closed port from a filtered one */
		view_text(r, "duration", rows[i].status ? arena_printf(a, catalog_tr(lang, "%lld ms"), (long long)rows[i].duration_ms) : "–");
	}
	return render_reply(req, res, RENDER_WEBHOOK_LOG, v, 200);
}
