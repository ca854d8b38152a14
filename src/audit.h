/* audit.h - the audit log (issue 20): every newsroom action and log-in attempt is written with who, when,
 * from where and what. Pages call audit_record after the action (or its refusal); the store keeps the
 * rows (store_audit.c) until the retention (setting audit.retention_days) lets the scheduler purge them. */
#ifndef BROADSHEET_AUDIT_H
#define BROADSHEET_AUDIT_H
#include <stdint.h>

#include "http.h"

struct arena;
struct db;

#define AUDIT_RETENTION_DEFAULT 365 /* days, when the setting is unset */
#define AUDIT_RETENTION_MIN 30
#define AUDIT_RETENTION_MAX 3650
#define AUDIT_LOGIN_MAX 200   /* bytes of a login (or target) kept: a failed log-in may try any text */
#define AUDIT_DETAIL_MAX 1000 /* bytes of a detail kept (a long setting's new value) */

/* audit_record: writes one entry for the request's account (its session; none: an empty login; the admin
 * API: req->actor, the key's "key:NAME", with its owner's id), its
 * client address and now. action is a short dotted name ("article.published", "login.failed"); target
 * what it acted on ("article:12", "user:3", NULL for nothing); detail free text (NULL for none). A store
 * failure is logged, never returned: auditing does not undo the action it records. */
void audit_record(struct http_request *req, const char *action, const char *target, const char *detail);

/* audit_record_as: audit_record for a named account rather than the session's: a log-in attempt (the
 * login tried, user_id 0 when no account has it) or an action whose actor is known another way. */
void audit_record_as(struct http_request *req, int64_t user_id, const char *login, const char *action,
		     const char *target, const char *detail);

/* audit_record_db: an entry written without a request, for actors outside the web (the command line,
 * the demo): the account named login (user_id 0, no address), now. Failures are logged. */
void audit_record_db(struct db *db, const char *login, const char *action, const char *target, const char *detail);

/* audit_setting: records "setting.changed" (target "setting:KEY", detail the new value) when value differs
 * from the setting's stored value; call it before storing the setting, in the same transaction. */
void audit_setting(struct http_request *req, const char *key, const char *value);

/* audit_target: "kind:id" ("article:12", "user:3"), the one spelling of a target, in the arena. */
const char *audit_target(struct arena *a, const char *kind, int64_t id);

/* audit_article_step: the action of an article's workflow step from status `from` to status `to`
 * (article_workflow's): article.submitted, .returned, .published, .scheduled, .unscheduled,
 * .unpublished or .takedown (a published article's take-down time changed). Static. */
const char *audit_article_step(const char *from, const char *to);

/* audit_retention_days: the days entries are kept (the audit.retention_days setting, within
 * AUDIT_RETENTION_MIN..MAX, else the default). */
int64_t audit_retention_days(struct db *db);

#endif
