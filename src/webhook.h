/* webhook.h - webhooks: article events (article.published, article.updated, article.unpublished) queued
 * in the store in the same transaction as the change that causes them, and a delivery thread that POSTs
 * them, signed with each endpoint's secret, retrying with exponential backoff. Publishing never waits
 * for the network: it only inserts queue rows. See docs/webhooks.md. */
#ifndef BROADSHEET_WEBHOOK_H
#define BROADSHEET_WEBHOOK_H
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "db.h"

struct app;
struct http_request;

#define WEBHOOK_NEVENTS 3
/* webhook_events: the event names, in the order the admin page lists them. */
extern const char *const webhook_events[WEBHOOK_NEVENTS];
#define WEBHOOK_SIG_LEN 72 /* "sha256=" + 64 hex digits + NUL */
#define WEBHOOK_URL_MAX 2000

/* webhook_url_problem: NULL when url is an acceptable endpoint (http:// or https://, a host, no spaces
 * or control characters, at most WEBHOOK_URL_MAX bytes), else a sentence saying why not (static). */
const char *webhook_url_problem(const char *url);

/* webhook_status_event: the event a workflow move from status `from` to status `to` causes:
 * "article.published", "article.unpublished", or NULL for none (e.g. scheduling: the scheduler queues
 * article.published when the time comes). */
const char *webhook_status_event(const char *from, const char *to);

/* webhook_retry_delay: seconds to wait after `attempts` failed attempts: base * 2^(attempts-1), at most
 * an hour. */
int64_t webhook_retry_delay(int base, int attempts);

/* webhook_signature: "sha256=" + hex HMAC-SHA256, keyed with secret (its bytes), over
 * "TIMESTAMP.BODY", into out (WEBHOOK_SIG_LEN bytes). */
void webhook_signature(const char *secret, const char *timestamp, const char *body, size_t body_len, char *out);

/* webhook_body: the JSON body of a queued delivery (event, id, occurred_at, article with its absolute
 * url under base_url), built with jansson from the queue row's article snapshot; the same row always
 * gives the same bytes. In the arena; NULL when the snapshot cannot be read. */
const char *webhook_body(struct arena *a, const char *base_url, const struct db_webhook_job *job);

/* webhook_article_moved: for a workflow move inside the caller's transaction (after the status is
 * stored): queues the event the move causes, if any. Returns DB_OK or DB_ERROR (roll back). */
int webhook_article_moved(struct http_request *req, int64_t article_id, const char *from, const char *to);
/* webhook_article_saved: for a text change inside the caller's transaction (after it is stored): queues
 * article.updated when status is "published". Returns DB_OK or DB_ERROR (roll back). */
int webhook_article_saved(struct http_request *req, int64_t article_id, const char *status);

/* webhook_start: starts the delivery thread for app (app->webhooks). Returns 0, or -1 (logged). */
int webhook_start(struct app *app);
/* webhook_wake: makes the delivery thread look at the queue now; a no-op when none runs. */
void webhook_wake(struct app *app);
/* webhook_stop: stops the thread (a delivery in flight is abandoned, not logged, and stays queued),
 * joins and frees it; safe when none runs. */
void webhook_stop(struct app *app);

#endif
