/* audit.c - writing the audit log (see audit.h). */
#include "audit.h"

#include <string.h>

#include "app.h"
#include "db.h"
#include "log.h"
#include "util.h"

/* clip: s cut to at most max bytes on a character boundary, with "…" when cut, in the arena (s itself when it
 * fits; NULL stays NULL). */
static const char *clip(struct arena *a, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n <= max)
		return s;
	while (n > 0 && (n > max || ((unsigned char)s[n] & 0xC0) == 0x80))
		n--;
	return arena_printf(a, "%.*s…", (int)n, s);
}

/* add: writes e with its texts clipped (AUDIT_LOGIN_MAX, AUDIT_DETAIL_MAX bytes), into db; a failure is
 * logged. */
static void add(struct db *db, struct db_audit e)
{
	struct arena a = ARENA_INIT;
	e.login = clip(&a, e.login, AUDIT_LOGIN_MAX);
	e.target = clip(&a, e.target, AUDIT_LOGIN_MAX);
	e.detail = clip(&a, e.detail, AUDIT_DETAIL_MAX);
	if (db_audit_add(db, &e) != DB_OK)
		log_error("audit: could not record %s by %s", e.action, e.login && *e.login ? e.login : "(nobody)");
	arena_free(&a);
}

/* audit_record_as: one entry for user_id/login (see audit.h). Failures are logged. */
void audit_record_as(struct http_request *req, int64_t user_id, const char *login, const char *action,
		     const char *target, const char *detail)
{
	if (!req || !req->app || !action || !*action)
		return;
	add(req->app->db, (struct db_audit){.at = util_now(), .user_id = user_id, .login = login, .address = req->client_ip,
					    .action = action, .target = target, .detail = detail});
}

/* audit_record: one entry for the request's session, if any, named as req->actor when that is set (see
 * audit.h). */
void audit_record(struct http_request *req, const char *action, const char *target, const char *detail)
{
	const struct db_user *u = req && req->session ? &req->session->user : NULL;
	const char *login = req && req->actor ? req->actor : u ? u->login : "";
	audit_record_as(req, u ? u->id : 0, login, action, target, detail);
}

/* audit_record_db: one entry without a request (see audit.h). */
void audit_record_db(struct db *db, const char *login, const char *action, const char *target, const char *detail)
{
	if (db && action && *action)
		add(db, (struct db_audit){.at = util_now(), .login = login, .address = "", .action = action,
					  .target = target, .detail = detail});
}

/* audit_setting: "setting.changed" for key when value differs from what is stored (see audit.h). */
void audit_setting(struct http_request *req, const char *key, const char *value)
{
	const char *was = NULL;
	if (db_setting_get(req->app->db, req->arena, key, &was) == DB_ERROR)
		return; /* (the save that follows meets the same error) */
	if (strcmp(was ? was : "", value ? value : "") != 0)
		audit_record(req, "setting.changed", arena_printf(req->arena, "setting:%s", key), value);
}

/* audit_target: "kind:id" in the arena (see audit.h). */
const char *audit_target(struct arena *a, const char *kind, int64_t id)
{
	return arena_printf(a, "%s:%lld", kind, (long long)id);
}

/* audit_article_step: the action of a workflow step (see audit.h). */
const char *audit_article_step(const char *from, const char *to)
{
	int was_published = strcmp(from, "published") == 0, was_scheduled = strcmp(from, "scheduled") == 0;
	if (strcmp(to, "review") == 0)
		return "article.submitted";
	if (strcmp(to, "published") == 0)
		return was_published ? "article.takedown" : "article.published";
	if (strcmp(to, "scheduled") == 0)
		return "article.scheduled";
	if (was_scheduled) /* back to draft, or unpublished when it had been published before */
		return "article.unscheduled";
	if (strcmp(to, "unpublished") == 0)
		return "article.unpublished";
	return "article.returned";
}

/* audit_retention_days: the setting within its bounds, else the default (see audit.h). */
int64_t audit_retention_days(struct db *db)
{
	struct arena a = ARENA_INIT;
	const char *v = NULL;
	int64_t days = AUDIT_RETENTION_DEFAULT;
	if (db_setting_get(db, &a, "audit.retention_days", &v) != DB_OK || !v || util_parse_i64(v, &days) != 0 ||
	    days < AUDIT_RETENTION_MIN || days > AUDIT_RETENTION_MAX)
		days = AUDIT_RETENTION_DEFAULT;
	arena_free(&a);
	return days;
}
