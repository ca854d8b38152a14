/* page_audit.c - the audit log's pages (issue 20), for admins: /admin/audit shows the entries newest first
 * with a filter (person, action or group of actions, a window of dates) and paging to older entries;
 * /admin/audit.jsonl exports the same selection as JSON lines, read from the store a page at a time while
 * it is sent (struct http_stream), so a big log is never one buffer. audit.c writes the entries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "catalog.h"
#include "datefmt.h"
#include "db.h"
#include "escape.h"
#include "log.h"
#include "pages.h"
#include "render.h"
#include "util.h"

#define AUDIT_PAGE 50          /* entries a page shows */
#define AUDIT_EXPORT_PAGE 500  /* entries the export reads from the store at a time */
#define AUDIT_PERSON_MAX 200   /* characters of the person filter (a login, or "key:" and a key's name) */
#define AUDIT_ACTION_MAX 100   /* characters of the action filter */
#define AUDIT_DATE_MAX 40      /* bytes of a date filter */

/* The groups of actions the filter offers (a prefix ending in '.' selects the whole group), in the order
 * shown. The helpers adding second factors, passkeys, single sign-on and sessions add their groups and
 * actions here. */
static const struct {
	const char *prefix, *label;
} groups[] = {
	{"login.", N_("Log-ins")},     {"article.", N_("Articles")}, {"comment.", N_("Comments")},
	{"user.", N_("Accounts")},     {"setting.", N_("Settings")}, {"apikey.", N_("API keys")},
	{"webhook.", N_("Webhooks")},  {"media.", N_("Media")},      {"glossary.", N_("Glossary")},
	{"mfa.", N_("Second factors")}, {"session.", N_("Sessions")}, {"passkey.", N_("Passkeys")},
	{"live.", N_("Live coverage")},
	{"breaking.", N_("Breaking news")},
	{"push.", N_("Alerts to devices")},
	{"mail.", N_("Newsletter mail")},
	{"newsletter.", N_("Newsletters")},
	{"wire.", N_("Wires")},
	{"import.", N_("Imports")},
};

/* Every action written today, with its group (an index into groups) and what it means to a person. */
static const struct {
	int group;
	const char *action, *label;
} kinds[] = {
	{0, "login.ok", N_("Logged in")},
	{0, "login.failed", N_("Log-in failed")},
	{0, "login.throttled", N_("Log-in refused: too many failures")},
	{0, "login.forged", N_("Log-in refused: not sent from this site's form")},
	{0, "logout", N_("Logged out")},
	{0, "login.passkey.ok", N_("Logged in with a passkey")},
	{0, "login.passkey.failed", N_("Passkey log-in refused")},
	{0, "login.oidc.ok", N_("Signed in with the identity provider")},
	{0, "login.oidc.failed", N_("Sign-in with the identity provider refused")},
	{1, "article.created", N_("Article created")},
	{1, "article.saved", N_("Article saved")},
	{1, "article.paired", N_("Paired with its translation")},
	{1, "article.translated", N_("Translation started")},
	{1, "article.uptodate", N_("Translation marked up to date")},
	{1, "article.submitted", N_("Submitted for review")},
	{1, "article.returned", N_("Returned to draft")},
	{1, "article.published", N_("Article published")},
	{1, "article.scheduled", N_("Article scheduled")},
	{1, "article.unscheduled", N_("Schedule cancelled")},
	{1, "article.unpublished", N_("Article unpublished")},
	{1, "article.expired", N_("Taken down at its take-down time")},
	{1, "article.takedown", N_("Take-down time changed")},
	{1, "article.restored", N_("Earlier version restored")},
	{1, "article.corrected", N_("Correction published")},
	{1, "article.comments", N_("Comment settings changed")},
	{2, "comment.approved", N_("Comment approved")},
	{2, "comment.rejected", N_("Comment rejected")},
	{2, "comment.spam", N_("Comment marked as spam")},
	{2, "comment.pending", N_("Comment returned to pending")},
	{2, "comment.edited", N_("Comment edited")},
	{2, "comment.banned", N_("Comment's sender banned")},
	{3, "user.created", N_("Account created")},
	{3, "user.disabled", N_("Account disabled")},
	{3, "user.enabled", N_("Account enabled")},
	{3, "user.password_changed", N_("Own password changed")},
	{3, "user.password_refused", N_("Password change refused: wrong current password")},
	{3, "user.password_reset", N_("Password reset")},
	{3, "user.language", N_("Newsroom language chosen")},
	{3, "user.signed_out_everywhere", N_("Signed out everywhere by an admin")},
	{3, "user.sign_out_refused", N_("Signing out everywhere refused")},
	{3, "user.disable_refused", N_("Disabling refused")},
	{10, "session.ended", N_("Session ended")},
	{10, "session.end_refused", N_("Ending a session refused")},
	{3, "user.email", N_("Account's e-mail address changed")},
	{4, "setting.changed", N_("Setting changed")},
	{5, "apikey.created", N_("API key created")},
	{5, "apikey.revoked", N_("API key revoked")},
	{6, "webhook.created", N_("Webhook added")},
	{6, "webhook.enabled", N_("Webhook enabled")},
	{6, "webhook.disabled", N_("Webhook disabled")},
	{6, "webhook.deleted", N_("Webhook deleted")},
	{7, "media.uploaded", N_("Image uploaded")},
	{7, "media.focal", N_("Image's focal point and details saved")},
	{8, "glossary.added", N_("Glossary entry added")},
	{8, "glossary.saved", N_("Glossary entry changed")},
	{8, "glossary.deleted", N_("Glossary entry deleted")},
	{11, "passkey.added", N_("Passkey added")},
	{11, "passkey.renamed", N_("Passkey renamed")},
	{11, "passkey.removed", N_("Passkey removed")},
	{0, "login.second_factor.ok", N_("Second factor accepted")},
	{0, "login.second_factor.failed", N_("Second factor refused")},
	{9, "mfa.totp.enabled", N_("Two-factor log-in turned on")},
	{9, "mfa.totp.enable_refused", N_("Two-factor set-up refused: wrong first code")},
	{9, "mfa.totp.disabled", N_("Two-factor log-in turned off")},
	{9, "mfa.totp.disable_refused", N_("Turning two-factor log-in off refused")},
	{9, "mfa.recovery.used", N_("Recovery code used")},
	{9, "mfa.recovery.regenerated", N_("New recovery codes made")},
	{9, "mfa.recovery.regenerate_refused", N_("New recovery codes refused")},
	{12, "live.started", N_("Live coverage started")},
	{12, "live.ended", N_("Live coverage ended")},
	{12, "live.pinned", N_("Live entry pinned")},
	{12, "live.unpinned", N_("Live entry unpinned")},
	{12, "live.entry.posted", N_("Live entry posted")},
	{12, "live.entry.edited", N_("Live entry edited")},
	{12, "live.entry.corrected", N_("Live entry corrected")},
	{12, "live.entry.withdrawn", N_("Live entry withdrawn")},
	{12, "live.entry.translate", N_("Live entry sent to translation")},
	{12, "live.entry.published", N_("Live entry translation published")},
	{12, "live.refused", N_("Live coverage action refused")},
	{13, "breaking.raised", N_("Breaking banner raised")},
	{13, "breaking.refused", N_("Breaking banner refused")},
	{13, "breaking.ended", N_("Breaking banner taken down")},
	{13, "breaking.expired", N_("Breaking banner ended at its expiry")},
	{14, "push.sent", N_("Alert sent to readers' devices")},
	{14, "push.refused", N_("Alert refused")},
	{15, "mail.bounce", N_("Subscription ended by a bounce or complaint")},
	{15, "mail.report.refused", N_("Bounce report refused")},
	{16, "newsletter.created", N_("Newsletter issue created")},
	{16, "newsletter.saved", N_("Newsletter issue saved")},
	{16, "newsletter.test", N_("Newsletter test sent")},
	{16, "newsletter.sent", N_("Newsletter issue sent")},
	{16, "newsletter.scheduled", N_("Newsletter issue scheduled")},
	{16, "newsletter.cancelled", N_("Newsletter issue cancelled")},
	{16, "newsletter.refused", N_("Newsletter action refused")},
	{16, "newsletter.digest_hour", N_("Daily digest hour set")},
	{17, "wire.source_added", N_("Wire source added")},
	{17, "wire.source_saved", N_("Wire source changed")},
	{17, "wire.polled", N_("Wire source polled now")},
	{17, "wire.used", N_("Wire item used for a draft")},
	{17, "wire.refused", N_("Wire action refused")},
	{16, "newsletter.sender", N_("Newsletter list's sender set")},
	{16, "newsletter.sender.refused", N_("Newsletter list's sender refused")},
	{18, "import.wordpress", N_("WordPress export imported")},
};

/* action_label: what action means in lang, or NULL for an action this table does not know. */
static const char *action_label(enum catalog_lang lang, const char *action)
{
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		if (strcmp(kinds[i].action, action) == 0)
			return catalog_tr(lang, kinds[i].label);
	return NULL;
}

/* What the filter asks, as typed ("" when absent), and what it means for the store. */
struct audit_query {
	const char *person, *action, *from, *to, *before;
	struct db_audit_filter f;
	const char *error; /* why the query is refused (N_ or in the arena), NULL when it is not */
	const char *bad;   /* the field at fault */
};

/* parse_day: a date filter: "" (none: 0), "YYYY-MM-DD" (that day's first second, or with end its last) or a
 * time "YYYY-MM-DD HH:MM[:SS]" (UTC) into *t. Returns 0, or -1 for anything else. */
static int parse_day(struct arena *a, const char *s, int end, int64_t *t)
{
	*t = 0;
	if (!*s)
		return 0;
	if (strlen(s) > AUDIT_DATE_MAX)
		return -1;
	if (strlen(s) == 10) {
		if (datefmt_parse(arena_printf(a, "%s 00:00", s), t) < 0)
			return -1;
		*t += end ? 86399 : 0;
		return 0;
	}
	return datefmt_parse(s, t);
}

/* query_refuse: sets q's refusal (why, the field at fault); returns -1. */
static int query_refuse(struct audit_query *q, const char *bad, const char *why)
{
	q->bad = bad;
	q->error = why;
	return -1;
}

/* query_read: reads the filter from req's query into q (what was typed and the store's filter). Returns 0,
 * or -1 with q->error and q->bad set (a sentence for the person, in the newsroom's language). */
static int query_read(struct http_request *req, struct audit_query *q)
{
	struct arena *a = req->arena;
	enum catalog_lang lang = render_newsroom_lang(req);
	memset(q, 0, sizeof *q);
	q->person = util_trim(a, http_param(req, "person"));
	q->action = util_trim(a, http_param(req, "action"));
	q->from = util_trim(a, http_param(req, "from"));
	q->to = util_trim(a, http_param(req, "to"));
	q->before = util_trim(a, http_param(req, "before"));
	const char *why = page_too_long(req, catalog_tr(lang, "The person"), q->person, AUDIT_PERSON_MAX);
	if (why)
		return query_refuse(q, "person", why);
	if ((why = page_too_long(req, catalog_tr(lang, "The action"), q->action, AUDIT_ACTION_MAX)))
		return query_refuse(q, "action", why);
	if (strspn(q->action, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(q->action))
		return query_refuse(q, "action", N_("An action is a name such as login.failed, or a group ending with a dot "
						    "such as login. (lower-case letters, digits, dots, dashes and underscores)."));
	if (parse_day(a, q->from, 0, &q->f.since) < 0)
		return query_refuse(q, "from", N_("The first day must be a date such as 2026-12-01."));
	if (parse_day(a, q->to, 1, &q->f.until) < 0)
		return query_refuse(q, "to", N_("The last day must be a date such as 2026-12-31."));
	if (q->f.since && q->f.until && q->f.since > q->f.until)
		return query_refuse(q, "to", N_("The last day is before the first day."));
	if (*q->before && (util_parse_i64(q->before, &q->f.before_id) < 0 || q->f.before_id <= 0))
		return query_refuse(q, "before", N_("That page of the log does not exist: start again from the newest entries."));
	q->f.login = q->person;
	q->f.action = q->action;
	return 0;
}

/* query_string: the filter as a query string ("person=...&action=..."; the fields set only), for the
 * export link and the pages, with before=before_id when it is non-zero. In the arena. */
static const char *query_string(struct arena *a, const struct audit_query *q, int64_t before_id)
{
	const char *names[] = {"person", "action", "from", "to"}, *values[] = {q->person, q->action, q->from, q->to};
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		if (!*values[i])
			continue;
		if (b.len)
			buf_putc(&b, '&');
		buf_append(&b, names[i], strlen(names[i]));
		buf_putc(&b, '=');
		buf_url(&b, values[i], strlen(values[i]));
	}
	if (before_id)
		buf_printf(&b, "%sbefore=%lld", b.len ? "&" : "", (long long)before_id);
	const char *s = arena_strndup(a, buf_cstr(&b), b.len);
	buf_free(&b);
	return s;
}

/* target_href: the newsroom page of a target ("article:12" the article's editor, "user:3" the users ...),
 * or NULL when it names none. In the arena. */
static const char *target_href(struct arena *a, const char *target)
{
	static const struct {
		const char *kind, *path; /* path: followed by the id, or alone when it ends in no '/', '=' or '-' */
		int with_id;
	} pages[] = {{"article", "/admin/articles/", 1},    {"comment", "/admin/comments/", 1},
		     {"webhook", "/admin/webhooks/", 1},    {"media", "/admin/media#media-", 1},
		     {"glossary", "/admin/glossary?edit=", 1}, {"user", "/admin/users", 0},
		     {"apikey", "/admin/api-keys", 0},      {"setting", "/admin/settings", 0},
		     {"live-entry", "/admin/live-entries/", 1},
		     {"breaking", "/admin/breaking", 0}};
	const char *colon = strchr(target, ':');
	int64_t id;
	if (!colon)
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(pages); i++) {
		if (strlen(pages[i].kind) != (size_t)(colon - target) || strncmp(target, pages[i].kind, (size_t)(colon - target)) != 0)
			continue;
		if (!pages[i].with_id)
			return pages[i].path;
		return util_parse_i64(colon + 1, &id) == 0 && id > 0 ? arena_printf(a, "%s%lld", pages[i].path, (long long)id)
								     : NULL;
	}
	return NULL;
}

/* add_actions: the filter's choice of action: any, each group and each action of it, the one typed
 * selected; an action typed that the list lacks is kept as an option of its own (texts in the arena a). */
static void add_actions(struct view *v, struct arena *a, enum catalog_lang lang, const char *typed)
{
	int known = !*typed;
	view_list_empty(v, "groups");
	for (size_t g = 0; g < ARRAY_LEN(groups); g++) {
		struct view *gv = view_add(v, "groups");
		const char *label = catalog_tr(lang, groups[g].label);
		view_text(gv, "label", label);
		struct view *o = view_add(gv, "options");
		view_text(o, "value", groups[g].prefix);
		view_text(o, "label", arena_printf(a, catalog_tr(lang, "All: %s"), label));
		view_bool(o, "selected", strcmp(typed, groups[g].prefix) == 0);
		known |= strcmp(typed, groups[g].prefix) == 0;
		for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
			if (kinds[k].group != (int)g)
				continue;
			o = view_add(gv, "options");
			view_text(o, "value", kinds[k].action);
			view_text(o, "label", arena_printf(a, "%s (%s)", catalog_tr(lang, kinds[k].label), kinds[k].action));
			view_bool(o, "selected", strcmp(typed, kinds[k].action) == 0);
			known |= strcmp(typed, kinds[k].action) == 0;
		}
	}
	view_bool(v, "typed_action", !known);
	view_text(v, "action", typed);
}

/* add_entry: one row of the table for e (texts in the arena a). */
static void add_entry(struct view *v, struct arena *a, enum catalog_lang lang, const struct db_audit *e)
{
	struct view *r = view_add(v, "entries");
	const char *label = action_label(lang, e->action), *href = target_href(a, e->target);
	view_text(r, "when", render_stamp(a, e->at, catalog_code(lang)));
	view_text(r, "iso", render_iso(a, e->at));
	view_text(r, "login", e->login);
	view_text(r, "address", e->address);
	view_text(r, "action", e->action);
	view_bool(r, "has_label", label != NULL);
	view_text(r, "label", label ? label : "");
	view_text(r, "target", e->target);
	view_bool(r, "has_href", href != NULL);
	view_text(r, "href", href ? href : "");
	view_text(r, "detail", e->detail);
}

/* audit_show: the page for the query q: the filter as typed (q->error shown and the entries left out when it
 * is refused) and the entries it selects, a page of them, with status. Returns the status, or 500 when the
 * store fails. */
static int audit_show(struct http_request *req, struct http_response *res, const struct audit_query *q, int status)
{
	struct arena *a = req->arena;
	enum catalog_lang lang = render_newsroom_lang(req);
	struct view *v = render_admin_frame(req, RENDER_AUDIT, N_("Audit log"), NULL, q->error);
	struct db_audit *rows = NULL;
	size_t n = 0;
	if (!q->error) {
		struct db_audit_filter f = q->f;
		f.limit = AUDIT_PAGE + 1; /* one more: whether there are older entries */
		if (db_audit_list(req->app->db, a, &f, &rows, &n) != DB_OK)
			return 500;
	}
	size_t shown = n > AUDIT_PAGE ? AUDIT_PAGE : n;
	static const char *const fields[][2] = {{"person", "bad_person"}, {"action", "bad_action"}, {"from", "bad_from"},
						{"to", "bad_to"}};
	for (size_t i = 0; i < ARRAY_LEN(fields); i++)
		view_bool(v, fields[i][1], q->bad && strcmp(q->bad, fields[i][0]) == 0);
	view_text(v, "person", q->person);
	view_text(v, "from", q->from);
	view_text(v, "to", q->to);
	/* a date picker only for a day (or nothing): its value must be a date, or it would show none */
	view_bool(v, "from_text", *q->from && (strlen(q->from) != 10 || (q->bad && strcmp(q->bad, "from") == 0)));
	view_bool(v, "to_text", *q->to && (strlen(q->to) != 10 || (q->bad && strcmp(q->bad, "to") == 0)));
	add_actions(v, a, lang, q->action);
	view_text(v, "retention", arena_printf(a, catalog_tr(lang, "Entries are kept for %lld days (the setting "
								    "audit.retention_days), then deleted."),
					       (long long)audit_retention_days(req->app->db)));
	const char *qs = query_string(a, q, q->f.before_id);
	view_text(v, "export_href", arena_printf(a, "/admin/audit.jsonl%s%s", *qs ? "?" : "", qs));
	view_list_empty(v, "entries");
	for (size_t i = 0; i < shown; i++)
		add_entry(v, a, lang, &rows[i]);
	view_bool(v, "has_entries", shown > 0);
	view_bool(v, "refused", q->error != NULL);
	view_bool(v, "has_older", n > AUDIT_PAGE);
	view_text(v, "older_href", shown ? arena_printf(a, "/admin/audit?%s", query_string(a, q, rows[shown - 1].id)) : "");
	view_bool(v, "has_newest", q->f.before_id != 0 && !q->error);
	qs = query_string(a, q, 0);
	view_text(v, "newest_href", arena_printf(a, "/admin/audit%s%s", *qs ? "?" : "", qs));
	return render_reply(req, res, RENDER_AUDIT, v, status);
}

/* The export while it is sent: the filter's own copies (the request's arena is gone by then) and where the
 * next page starts. */
struct audit_export {
	struct db *db;
	struct db_audit_filter f; /* login and action point at the copies below */
	char *login, *action;
};

/* export_line: one entry as a JSON object on its own line. */
static void export_line(struct buf *out, const struct db_audit *e)
{
	const char *names[] = {"login", "address", "action", "target", "detail"};
	const char *values[] = {e->login, e->address, e->action, e->target, e->detail};
	buf_printf(out, "{\"id\":%lld,\"at\":\"", (long long)e->id);
	datefmt_iso(out, e->at);
	buf_printf(out, "\",\"at_epoch\":%lld,\"user_id\":", (long long)e->at);
	if (e->user_id)
		buf_printf(out, "%lld", (long long)e->user_id);
	else
		buf_lit(out, "null");
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		buf_printf(out, ",\"%s\":\"", names[i]);
		buf_json(out, values[i], strlen(values[i]));
		buf_putc(out, '"');
	}
	buf_lit(out, "}\n");
}

/* export_next: the stream's next part (struct http_stream): the next AUDIT_EXPORT_PAGE entries the filter
 * selects, older than the last sent. Returns 1 when more may follow, 0 at the end, -1 when the store fails
 * (logged). */
static int export_next(void *ctx, struct buf *out)
{
	struct audit_export *x = ctx;
	struct arena a = ARENA_INIT;
	struct db_audit *rows;
	size_t n;
	x->f.limit = AUDIT_EXPORT_PAGE;
	if (db_audit_list(x->db, &a, &x->f, &rows, &n) != DB_OK) {
		log_error("audit: the export stopped: the store failed");
		arena_free(&a);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		export_line(out, &rows[i]);
	if (n)
		x->f.before_id = rows[n - 1].id;
	arena_free(&a);
	return n == AUDIT_EXPORT_PAGE;
}

/* export_done: frees the export (struct http_stream's done). */
static void export_done(void *ctx)
{
	struct audit_export *x = ctx;
	free(x->login);
	free(x->action);
	free(x);
}

/* audit_export: answers the query q as JSON lines, streamed (export_next), as an attachment. Returns 200. */
static int audit_export(struct http_request *req, struct http_response *res, const struct audit_query *q)
{
	struct audit_export *x = xcalloc(1, sizeof *x);
	x->db = req->app->db;
	x->f = q->f;
	x->f.login = x->login = xstrdup(q->f.login ? q->f.login : "");
	x->f.action = x->action = xstrdup(q->f.action ? q->f.action : "");
	res->stream = (struct http_stream){export_next, export_done, x};
	res->content_type = "application/x-ndjson; charset=utf-8";
	res->no_etag = 1;
	struct buf name = BUF_INIT;
	datefmt_iso(&name, util_now());
	for (size_t i = 0; i < name.len; i++)
		if (name.data[i] == ':')
			name.data[i] = '-';
	http_set_header(res, "Content-Disposition",
			arena_printf(req->arena, "attachment; filename=\"audit-%s.jsonl\"", buf_cstr(&name)));
	buf_free(&name);
	return 200;
}

/* WEBPAGE: GET /admin/audit
 * WEBPAGE: GET /admin/audit.jsonl
 * Parameters: person (a login exactly, or "key:NAME" for an API key), action (an action such as
 *   login.failed, or a group ending with a dot such as login.), from, to (days YYYY-MM-DD or UTC times
 *   YYYY-MM-DD HH:MM, both included), before (an entry's id: the page of entries older than it), format
 *   (jsonl: the export, as /admin/audit.jsonl)
 * Permission: admin (PERM_ADMIN)
 * The audit log: a page of entries newest first with the filter and an "older" link, or (.jsonl) every
 * entry the filter selects as JSON lines (id, at in RFC 3339 UTC, at_epoch, user_id, login, address,
 * action, target, detail), streamed, as an attachment. A filter that does not read (a bad date, an
 * over-long person or action, a bad page) answers 400 with the page and the filter as typed. */
int audit_page(struct http_request *req, struct http_response *res)
{
	struct audit_query q;
	const char *format = http_param(req, "format");
	int jsonl = strcmp(req->path, "/admin/audit.jsonl") == 0;
	if (query_read(req, &q) < 0)
		return audit_show(req, res, &q, 400);
	if (format && strcmp(format, "jsonl") != 0 && strcmp(format, "html") != 0) {
		query_refuse(&q, NULL, N_("The format must be jsonl (JSON lines) or html."));
		return audit_show(req, res, &q, 400);
	}
	if (jsonl || (format && strcmp(format, "jsonl") == 0))
		return audit_export(req, res, &q);
	return audit_show(req, res, &q, 200);
}
