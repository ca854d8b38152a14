/* audit.h - the audit log (issue 20): every newsroom action and log-in attempt is written with who, when,
 * from where and what. Pages call audit_record after the action (or its refusal); the store keeps the
 * rows (store_audit.c) until the retention (setting audit.retention_days) lets the scheduler purge them. */
#ifndef BROADSHEET_AUDIT_H
#define BROADSHEET_AUDIT_H
#include <stdint.h>

#include "http.h"

struct db;

#define AUDIT_RETENTION_DEFAULT 365 /* days, when the setting is unset */
#define AUDIT_RETENTION_MIN 30
#define AUDIT_RETENTION_MAX 3650

/* audit_record: writes one entry for the request's account (its session; none: an empty login), its
 * client address and now. action is a short dotted name ("article.published", "login.failed"); target
 * what it acted on ("article:12", "user:3", NULL for nothing); detail free text (NULL for none). A store
 * failure is logged, never returned: auditing does not undo the action it records. */
void audit_record(struct http_request *req, const char *action, const char *target, const char *detail);

/* audit_record_as: audit_record for a named account rather than the session's: a log-in attempt (the
 * login tried, user_id 0 when no account has it) or an action whose actor is known another way. */
void audit_record_as(struct http_request *req, int64_t user_id, const char *login, const char *action,
		     const char *target, const char *detail);

/* audit_retention_days: the days entries are kept (the audit.retention_days setting, within
 * AUDIT_RETENTION_MIN..MAX, else the default). */
int64_t audit_retention_days(struct db *db);

#endif
