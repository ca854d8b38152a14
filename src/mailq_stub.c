/* mailq_stub.c - INTERIM stand-in for the sending helper's queue (branch nlsend), only so this branch
 * builds and its tests run before the merge: a test is composed and written at once (mail_send), an issue
 * only changes state ('sending' then 'sent', sending nothing). MERGE: delete this file. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "db_stmt.h"
#include "log.h"
#include "mail.h"
#include "mail_send.h"
#include "mailq.h"
#include "util.h"

static mailq_composer composers[2]; /* "issue", "test" */

void mailq_register(const char *kind, mailq_composer fn)
{
	if (strcmp(kind, "issue") == 0)
		composers[0] = fn;
	else if (strcmp(kind, "test") == 0)
		composers[1] = fn;
}

int mailq_enqueue_issue(struct app *app, int64_t issue_id)
{
	long n = 0;
	if (dbs_run_changes(app->db,
			    "UPDATE newsletter_issues SET state = 'sent', sent_at = ?2, version = version + 1 WHERE id = ?1 "
			    "AND state IN ('draft', 'scheduled')",
			    DBS_ARGS(DBS_INT(issue_id), DBS_INT(util_now())), &n) != DB_OK)
		return DB_ERROR;
	return n ? DB_OK : DB_CONFLICT;
}

int mailq_enqueue_test(struct app *app, int64_t issue_id, const char *to_addr)
{
	struct arena a = ARENA_INIT;
	struct mail_relay r;
	struct db_mail_job job = {.id = issue_id, .issue_id = issue_id, .kind = "test", .to_addr = to_addr};
	struct mail_message m = {0};
	int rc = DB_ERROR;
	mail_relay_config(&app->cfg, app->site_dir, &a, &r);
	if (composers[1] && composers[1](app, &a, &job, &m) == 0) {
		m.to_addr = to_addr;
		m.date = util_now();
		m.message_id = arena_printf(&a, "<t%lld.%lld@stub.invalid>", (long long)issue_id, (long long)m.date);
		size_t len = 0;
		char *msg = mail_compose(&a, &m, &len);
		char err[200];
		const char *name = arena_printf(&a, "test-%lld-%lld", (long long)issue_id, (long long)m.date);
		if (msg && mail_send(&r, m.from_addr, to_addr, name, msg, len, err, sizeof err) == MAIL_SENT)
			rc = DB_OK;
	}
	arena_free(&a);
	return rc;
}

int db_mail_counts(struct db *db, int64_t issue_id, struct db_mail_counts *out)
{
	(void)db;
	(void)issue_id;
	*out = (struct db_mail_counts){0};
	return DB_OK;
}
