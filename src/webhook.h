/* webhook.h - webhooks: article events (article.published, article.updated, article.unpublished) queued
 * in the store in the same transaction as the change that causes them, and a delivery thread that POSTs
 * them, signed with each endpoint's secret, retrying with exponential backoff. Publishing never waits
 * for the network: it only inserts queue rows. See docs/webhooks.md. */
#ifndef BROADSHEET_WEBHOOK_H
#define BROADSHEET_WEBHOOK_H
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "catalog.h"
#include "db.h"

struct app;
struct http_request;
struct metrics_net;

#define WEBHOOK_NEVENTS 8
/* webhook_events: the event names, in the order the admin page lists them. */
extern const char *const webhook_events[WEBHOOK_NEVENTS];
#define WEBHOOK_SIG_LEN 72 /* "sha256=" + 64 hex digits + NUL */
#define WEBHOOK_URL_MAX 2000

/* webhook_url_problem: NULL when url is an acceptable endpoint (http:// or https://, a host, no spaces
 * or control characters, at most WEBHOOK_URL_MAX bytes), else a sentence saying why not (static). */
const char *webhook_url_problem(const char *url);

/* webhook_addr_kind: NULL when the address ip (text: IPv4, or IPv6 as inet_ntop writes it) is public,
 * else a short name of the range that makes it unfit for webhooks (static): "loopback", "private",
 * "link-local", "unspecified", "carrier-grade NAT", "multicast", "reserved" and the like.
 * IPv4-mapped forms (::ffff:a.b.c.d) count as their IPv4 address, and so do NAT64 (64:ff9b::/96) and 6to4
 * (2002::/16) forms; IPv4-compatible (::a.b.c.d) and Teredo forms are refused whole. Text that is not
 * an address gives "not an address". The documentation ranges (192.0.2.0/24, 2001:db8::/32 ...) count
 * as public: nothing answers there. */
const char *webhook_addr_kind(const char *ip);

/* webhook_addr_refused: what webhook_addr_kind says of ip, or NULL when that is NULL or ip lies in one
 * of the n networks of allow (the webhook_allow_private setting, parsed with metrics_allow_parse). */
const char *webhook_addr_refused(const char *ip, const struct metrics_net *allow, size_t n);

/* webhook_target_problem: for the admin's form, after webhook_url_problem: looks up url's host (an
 * address needs no look-up; a name is resolved with getaddrinfo, so this may wait for DNS) and returns a
 * sentence in the arena naming the first address that webhook_addr_refused refuses under allow_list (the
 * setting's text), or NULL when every address is allowed or the name does not resolve now (each delivery
 * checks the address it connects to again). The sentence is in lang (the newsroom's language). */
const char *webhook_target_problem(struct arena *a, const char *url, const char *allow_list, enum catalog_lang lang);

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
/* webhook_live: for a live-coverage change inside the caller's transaction (after it is stored): queues
 * event (live.started, live.entry.created, live.entry.updated, live.entry.withdrawn, live.ended) for the
 * blog article_id with entry_json (the entry as JSON text; NULL for none) in its payload. DB_OK or
 * DB_ERROR (roll back). */
int webhook_live(struct http_request *req, int64_t article_id, const char *event, const char *entry_json);

/* webhook_start: starts the delivery thread for app (app->webhooks). Returns 0, or -1 (logged). */
int webhook_start(struct app *app);
/* webhook_wake: makes the delivery thread look at the queue now; a no-op when none runs. */
void webhook_wake(struct app *app);
/* webhook_stop: stops the thread (a delivery in flight is abandoned, not logged, and stays queued),
 * joins and frees it; safe when none runs. */
void webhook_stop(struct app *app);

#endif
