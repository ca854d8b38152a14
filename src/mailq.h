/* mailq.h - the newsletters' mail queue (issue 22; the contract is /work/notes/nl-spec.md, "The queue"). A
 * queue row (store_mailq.c, table mail_queue) is one message to one address. Its text is composed when it
 * is sent, by the composer registered for its kind at start-up; its Message-ID is fixed when the row is
 * made, so a retry sends the same message. The sender threads (mailq_start) claim due rows with a lease,
 * compose, hand each to the thread's kept relay connection (mail_send.h's mail_conn: the relay, or one .eml file named by the row's id), record
 * 'sent' right after the relay's 250, retry temporary failures with exponential backoff, give up on a 5xx,
 * and keep to mail_rate messages a second. docs/operations.md ("Outgoing mail") says what a kill -9 can do. */
#ifndef BROADSHEET_MAILQ_H
#define BROADSHEET_MAILQ_H
#include <stddef.h>
#include <stdint.h>

#include "db.h" /* struct db_mail_job, struct db_mail_counts, db_mail_counts */

struct app;
struct arena;
struct mail_message;
struct http_request;

/* mailq_composer: fills out (strings in a) for the row job: everything but message_id, to_addr and date,
 * which the sender sets from the row. Returns 0, or -1 = do not send this row (state 'skipped'; a reason
 * such as "the subscriber left" is recorded). */
typedef int (*mailq_composer)(struct app *app, struct arena *a, const struct db_mail_job *job,
			      struct mail_message *out);

/* mailq_register: fn composes the rows of kind ("confirm": the subscribe helper; "issue" and "test": the
 * compose helper). Call at start-up, before mailq_start; a second call for a kind replaces the first. */
void mailq_register(const char *kind, mailq_composer fn);

/* mailq_enqueue_confirm: one 'confirm' row for the subscriber to to_addr (normalised), then wakes the
 * sender. DB_OK or DB_ERROR (logged). Opens its own transaction: do not call it inside one. */
int mailq_enqueue_confirm(struct app *app, int64_t subscriber_id, const char *to_addr);

/* mailq_enqueue_issue: one 'issue' row per confirmed subscriber of the issue's edition and list, in one
 * transaction with the issue's state -> 'sending', then wakes the sender. DB_OK, DB_NOTFOUND (no such
 * issue), DB_CONFLICT (the issue is not draft or scheduled: already sent or sending, or cancelled) or
 * DB_ERROR (logged). Opens its own transaction. */
int mailq_enqueue_issue(struct app *app, int64_t issue_id);

/* mailq_enqueue_test: one 'test' row of the issue to to_addr (an editor's own address), then wakes the
 * sender. DB_OK or DB_ERROR. Opens its own transaction. */
int mailq_enqueue_test(struct app *app, int64_t issue_id, const char *to_addr);

/* struct db_mail_counts and int db_mail_counts(struct db *db, int64_t issue_id, struct db_mail_counts *out)
 * are db.h's (store_mailq.c): an issue's rows by state, and its recipients who unsubscribed since. */

/* mailq_retry_at: when a row whose attempt number `attempt` failed for now at now is due again: now plus
 * webhook_retry_delay's backoff from base seconds, at most an hour. */
int64_t mailq_retry_at(int64_t now, int base, int attempt);

/* mailq_start / mailq_wake / mailq_stop: the sender threads (mail_concurrency of them, worker.h);
 * mailq_start releases the leases a killed process left (SQLite: one process per site) and registers the
 * built-in composers. mailq_start returns 0, or -1 (logged). */
int mailq_start(struct app *app);
void mailq_wake(struct app *app);
void mailq_stop(struct app *app);

#endif
