/* push.h - Web Push alerts to readers' devices: the site's VAPID key (vapid.key), sending an alert
 * (push_alert_send: the alert and one delivery row per subscription of its edition in one transaction),
 * and the sender thread that claims due deliveries with a lease, encrypts each for its subscription
 * (webpush.h) and hands them to the push services with libcurl multi (many requests in flight, each under
 * a connect and a total timeout, so a hanging push service delays nothing else), retrying 5xx, 429 and
 * timeouts with exponential backoff (Retry-After honoured) and removing subscriptions answered 404 or
 * 410. Every request carries Topic = the alert id, so a push service replaces an undelivered copy rather
 * than delivering it twice; see docs/operations.md ("Web Push") for what "never twice" means. */
#ifndef BROADSHEET_PUSH_H
#define BROADSHEET_PUSH_H
#include <stddef.h>
#include <stdint.h>

struct app;
struct http_request;
struct view;

#define PUSH_TITLE_MAX 120 /* characters (bytes up to 4x) */
#define PUSH_BODY_MAX 300
#define PUSH_URL_MAX 1000
#define PUSH_INVALID (-1) /* push_alert_send: bad input (the caller says which field with push_alert_problem) */
#define PUSH_STORE_ERROR (-2)

/* push_keys_load: reads the site's VAPID key pair from DIR/vapid.key (64 hex digits: the private
 * scalar; mode 0600) into app->vapid_priv/vapid_pub, creating the file with a new key when it is missing
 * (a site made before push existed). 0, or -1 with err set. */
int push_keys_load(struct app *app, const char *dir, char *err, size_t errlen);

/* push_keys_create: writes a new key to path (mode 0600) unless a file is there already. 0, or -1 with
 * err set. */
int push_keys_create(const char *path, char *err, size_t errlen);

/* push_alert_problem: NULL when an alert with these fields may be sent (edition "en" or "ar"; title 1 to
 * PUSH_TITLE_MAX characters; body at most PUSH_BODY_MAX; url a root-relative path "/..." or an http(s)
 * address, at most PUSH_URL_MAX bytes, no control characters), else a sentence (static English, N_-marked)
 * saying what is wrong. */
const char *push_alert_problem(const char *edition, const char *title, const char *body, const char *url);

/* push_alert_send: queues an alert for every subscription of edition: the alert row (source says what it
 * came from: "article:12", "live-entry:7", "breaking:3"; created_by the user's id or 0) and one pending
 * delivery per subscription, in one transaction of its own (do not call it inside one), then wakes the
 * sender. *alert_id gets the alert's id. Returns 0, PUSH_INVALID (push_alert_problem says why) or
 * PUSH_STORE_ERROR (logged). It never waits for the network. The caller records the audit entry
 * ("push.sent"). */
int push_alert_send(struct app *app, const char *edition, const char *title, const char *body, const char *url,
		    const char *source, int64_t created_by, int64_t *alert_id);

/* push_retry_at: when a delivery whose attempt number `attempt` failed at now is due again: now plus
 * webhook_retry_delay's backoff from base, or retry_after seconds when the push service asked for more,
 * at most an hour. */
int64_t push_retry_at(int64_t now, int base, int attempt, int64_t retry_after);

/* push_retry_after: seconds a Retry-After value asks for (delay-seconds or an HTTP date, against now); 0
 * when absent or unreadable. */
int64_t push_retry_after(const char *value, int64_t now);

/* push_start / push_wake / push_stop: the sender thread (worker.h) for app->push; push_start releases the
 * leases a killed process left (SQLite: one process per site). push_start returns 0, or -1 (logged). */
int push_start(struct app *app);
void push_wake(struct app *app);
void push_stop(struct app *app);

/* push_frame (page_push.c): fills the reader frame's opt-in fields (render_frame): push_key (the VAPID
 * public key, base64url) and push_token (the signed subscribe token; "" in a static export). */
void push_frame(struct http_request *req, struct view *v);

#endif
