/* mailq.c - see mailq.h. The composers' registry, the enqueue calls (each one transaction, then a wake of
 * the sender), and the sender threads. */
#include "mailq.h"

#include <sodium.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "log.h"
#include "mail.h"
#include "mail_send.h"
#include "util.h"
#include "webhook.h"

#define MAILQ_KINDS 8

/* The registered composers: written at start-up only (before the sender threads), read by them after. */
static struct {
	const char *kind;
	mailq_composer fn;
} composers[MAILQ_KINDS];

void mailq_register(const char *kind, mailq_composer fn)
{
	for (size_t i = 0; i < MAILQ_KINDS; i++)
		if (!composers[i].kind || strcmp(composers[i].kind, kind) == 0) {
			composers[i].kind = kind;
			composers[i].fn = fn;
			return;
		}
	log_error("mailq: too many kinds of mail; %s not registered", kind);
}

/* composer_for: the composer registered for kind, or NULL. */
static mailq_composer composer_for(const char *kind)
{
	for (size_t i = 0; i < MAILQ_KINDS && composers[i].kind; i++)
		if (strcmp(composers[i].kind, kind) == 0)
			return composers[i].fn;
	return NULL;
}

/* id_parts: the Message-ID's parts made fresh for one enqueue: token (16 hex digits, random) and the
 * sender's domain (in a; "localhost.invalid" when the site has no sender address). */
static void id_parts(struct app *app, struct arena *a, char token[17], const char **domain)
{
	unsigned char r[8];
	randombytes_buf(r, sizeof r);
	sodium_bin2hex(token, 17, r, sizeof r);
	const char *from = mail_sender(&app->cfg, a);
	const char *at = from ? strrchr(from, '@') : NULL;
	*domain = at && at[1] ? at + 1 : "localhost.invalid";
}

/* enqueue_one: one row of kind (see mailq_enqueue_confirm). */
static int enqueue_one(struct app *app, const char *kind, int64_t issue_id, int64_t subscriber_id, const char *to_addr)
{
	struct arena a = ARENA_INIT;
	char token[17];
	const char *domain;
	id_parts(app, &a, token, &domain);
	int64_t id = 0;
	int rc = db_begin(app->db);
	if (rc == DB_OK)
		rc = db_mail_enqueue(app->db, kind, issue_id, subscriber_id, to_addr, domain, token, util_now(), &id);
	if (rc == DB_OK)
		rc = db_commit(app->db);
	else
		db_rollback(app->db);
	arena_free(&a);
	if (rc != DB_OK) {
		log_error("mailq: queueing a %s message failed", kind);
		return DB_ERROR;
	}
	mailq_wake(app);
	return DB_OK;
}

int mailq_enqueue_confirm(struct app *app, int64_t subscriber_id, const char *to_addr)
{
	return enqueue_one(app, "confirm", 0, subscriber_id, to_addr);
}

int mailq_enqueue_test(struct app *app, int64_t issue_id, const char *to_addr)
{
	return enqueue_one(app, "test", issue_id, 0, to_addr);
}

int mailq_enqueue_issue(struct app *app, int64_t issue_id)
{
	struct arena a = ARENA_INIT;
	char token[17];
	const char *domain;
	id_parts(app, &a, token, &domain);
	int64_t queued = 0;
	int rc = db_begin(app->db);
	if (rc == DB_OK)
		rc = db_mail_enqueue_issue(app->db, issue_id, domain, token, util_now(), &queued);
	if (rc == DB_OK)
		rc = db_commit(app->db) == DB_OK ? DB_OK : DB_ERROR;
	else
		db_rollback(app->db);
	arena_free(&a);
	if (rc == DB_ERROR)
		log_error("mailq: queueing issue %lld failed", (long long)issue_id);
	if (rc != DB_OK)
		return rc;
	log_info("mailq: issue %lld queued for %lld subscribers", (long long)issue_id, (long long)queued);
	mailq_wake(app);
	return DB_OK;
}

int64_t mailq_retry_at(int64_t now, int base, int attempt)
{
	int64_t delay = webhook_retry_delay(base, attempt);
	return now + (delay > 3600 ? 3600 : delay);
}

/* Sender: filled in by the next commit. */
void mailq_wake(struct app *app)
{
	(void)app;
}

int mailq_start(struct app *app)
{
	(void)app;
	(void)composer_for;
	return 0;
}

void mailq_stop(struct app *app)
{
	(void)app;
}
