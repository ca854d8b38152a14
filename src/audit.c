/* audit.c - writing the audit log (see audit.h). */
#include "audit.h"

#include "app.h"
#include "db.h"
#include "log.h"
#include "util.h"

/* audit_record_as: one entry for user_id/login (see audit.h). Failures are logged. */
void audit_record_as(struct http_request *req, int64_t user_id, const char *login, const char *action,
		     const char *target, const char *detail)
{
	if (!req || !req->app || !action || !*action)
		return;
	struct db_audit e = {.at = util_now(), .user_id = user_id, .login = login, .address = req->client_ip,
			     .action = action, .target = target, .detail = detail};
	if (db_audit_add(req->app->db, &e) != DB_OK)
		log_error("audit: could not record %s by %s", action, login && *login ? login : "(nobody)");
}

/* audit_record: one entry for the request's session, if any (see audit.h). */
void audit_record(struct http_request *req, const char *action, const char *target, const char *detail)
{
	const struct db_user *u = req && req->session ? &req->session->user : NULL;
	audit_record_as(req, u ? u->id : 0, u ? u->login : "", action, target, detail);
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
