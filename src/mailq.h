/* mailq.h - INTERIM copy of the queue's contract (/work/notes/nl-spec.md "The queue"), so the composer and
 * the newsletter desk build before the sending helper's branch (nlsend) is merged. MERGE: take nlsend's
 * mailq.h and delete src/mailq_stub.c. */
#ifndef BROADSHEET_MAILQ_H
#define BROADSHEET_MAILQ_H
#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct app;
struct arena;
struct mail_message;

/* A claimed queue row (nlsend defines it in db.h). */
struct db_mail_job {
	int64_t id, issue_id, subscriber_id, claim;
	const char *kind, *to_addr, *message_id, *lang;
	int attempts;
};
struct db_mail_counts {
	int64_t queued, sending, sent, failed, bounced, skipped, unsubscribed;
};

/* mailq_composer: fills out for the row job (everything but message_id, to_addr and date). 0, or -1 skip. */
typedef int (*mailq_composer)(struct app *app, struct arena *a, const struct db_mail_job *job,
			      struct mail_message *out);
/* mailq_register: fn composes the rows of kind. */
void mailq_register(const char *kind, mailq_composer fn);
/* mailq_enqueue_issue: the issue's rows, its state -> 'sending'. DB_OK, DB_NOTFOUND, DB_CONFLICT, DB_ERROR. */
int mailq_enqueue_issue(struct app *app, int64_t issue_id);
/* mailq_enqueue_test: one 'test' row of the issue to to_addr. DB_OK or DB_ERROR. */
int mailq_enqueue_test(struct app *app, int64_t issue_id, const char *to_addr);
/* db_mail_counts: issue_id's rows by state. DB_OK or DB_ERROR. */
int db_mail_counts(struct db *db, int64_t issue_id, struct db_mail_counts *out);

#endif
