/* push.c - see push.h. The sender keeps up to push_concurrency requests in flight on one libcurl multi
 * handle: when slots are free it claims that many due deliveries (a lease of push_timeout plus slack, so
 * no other sender takes them meanwhile), encrypts each for its subscription, and adds it; finished
 * requests are recorded in batches (one transaction per batch). A request that hangs only holds its own
 * slot until push_timeout. No transaction is open while requests are in flight. */
#include "push.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "catalog.h"
#include "db.h"
#include "log.h"
#include "oidc.h"
#include "util.h"
#include "webhook.h"
#include "webpush.h"
#include "worker.h"

#define PUSH_LEASE_SLACK 5     /* seconds a claim outlasts push_timeout: recording, clock skew */
#define PUSH_CLAIM_MAX 256     /* rows claimed at a time */
#define PUSH_FLUSH_ROWS 256    /* outcomes recorded per transaction at most */
#define PUSH_FLUSH_MS 200      /* ... or at least this often */
#define PUSH_IDLE_CLAIM_MS 200 /* how soon to look again after a claim found nothing, while requests run */
#define PUSH_JWT_LIFE 43200    /* seconds a VAPID JWT is valid (RFC 8292: at most 24 hours) */
#define PUSH_JWT_RENEW 3600    /* a cached JWT is renewed when it has less than this left */

struct push_runner {
	struct worker *worker; /* the sender thread (worker.h) */
	struct worker *self;   /* the same, as its rounds see it */
	struct app *app;
	CURLM *multi;
};

/* One request in flight: its delivery, its own arena (job copy, body, headers) and what came back. */
struct transfer {
	CURL *easy;
	struct curl_slist *headers;
	struct arena a;
	struct db_push_job job;
	int64_t claim; /* the db_push_claim it came from */
	int64_t retry_after;
	char err[CURL_ERROR_SIZE];
	int busy;
};

/* A VAPID header made for one push service origin, kept for the round. */
struct vapid_cached {
	const char *origin, *header;
	int64_t exp;
};

/* A round's state: the slots, the outcomes waiting to be recorded, the VAPID headers made so far. */
struct round {
	struct push_runner *r;
	struct transfer *slots;
	int nslots, busy;
	struct db_push_result *results;
	size_t nresults;
	struct arena ra; /* results' strings; freed at each flush */
	struct arena va; /* the VAPID cache */
	struct vapid_cached *vapid;
	size_t nvapid;
};

int push_keys_create(const char *path, char *err, size_t errlen)
{
	if (access(path, F_OK) == 0)
		return 0;
	unsigned char priv[WEBPUSH_PRIV_LEN], pub[WEBPUSH_PUB_LEN];
	char hex[WEBPUSH_PRIV_LEN * 2 + 2];
	if (webpush_key_generate(priv, pub) < 0) {
		snprintf(err, errlen, "cannot make a VAPID key (libcrypto failed)");
		return -1;
	}
	sodium_bin2hex(hex, sizeof hex - 1, priv, sizeof priv);
	hex[WEBPUSH_PRIV_LEN * 2] = '\n';
	hex[WEBPUSH_PRIV_LEN * 2 + 1] = '\0';
	sodium_memzero(priv, sizeof priv);
	int rc = util_write_file_atomic(path, hex, strlen(hex), 0600);
	sodium_memzero(hex, sizeof hex);
	if (rc < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int push_keys_load(struct app *app, const char *dir, char *err, size_t errlen)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/vapid.key", dir) >= (int)sizeof path) {
		snprintf(err, errlen, "site path too long");
		return -1;
	}
	if (access(path, F_OK) != 0) {
		if (push_keys_create(path, err, errlen) < 0)
			return -1;
		log_info("made the site's Web Push (VAPID) key %s: copy it to every node with secret.key", path);
	}
	size_t len = 0, got = 0;
	char *text = util_read_file(path, &len);
	int ok = text && sodium_hex2bin(app->vapid_priv, sizeof app->vapid_priv, text, len, "\n", &got, NULL) == 0 &&
		 got == sizeof app->vapid_priv && webpush_public_key(app->vapid_priv, app->vapid_pub) == 0;
	if (text) {
		sodium_memzero(text, len);
		free(text);
	}
	if (!ok) {
		snprintf(err, errlen, "cannot read the Web Push key %s (64 hex digits)", path);
		return -1;
	}
	return 0;
}

/* text_ok: whether s has between lo and hi characters (UTF-8 code points) and no control characters
 * other than line breaks when lines is set. */
static int text_ok(const char *s, size_t lo, size_t hi, int lines)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && !(lines && (*p == '\n' || *p == '\r'))) || *p == 0x7f)
			return 0;
		n += (*p & 0xc0) != 0x80;
	}
	return n >= lo && n <= hi;
}

const char *push_alert_problem(const char *edition, const char *title, const char *body, const char *url)
{
	if (!edition || (strcmp(edition, "en") != 0 && strcmp(edition, "ar") != 0))
		return N_("Choose the edition whose readers get the alert.");
	if (!title || !*title)
		return N_("The alert needs a title.");
	if (!text_ok(title, 1, PUSH_TITLE_MAX, 0))
		return N_("The alert's title is too long (at most 120 characters) or holds control characters.");
	if (!body || !text_ok(body, 0, PUSH_BODY_MAX, 1))
		return N_("The alert's text is too long (at most 300 characters).");
	if (!url || !*url)
		return N_("The alert needs a link: the page it opens.");
	int ok = strlen(url) <= PUSH_URL_MAX && text_ok(url, 1, PUSH_URL_MAX, 0) && !strpbrk(url, " \"<>\\") &&
		 ((url[0] == '/' && url[1] != '/') || strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0);
	return ok ? NULL : N_("The alert's link must be a path on this site (/en/...) or an http(s) address.");
}

int push_alert_send(struct app *app, const char *edition, const char *title, const char *body, const char *url,
		    const char *source, int64_t created_by, int64_t *alert_id)
{
	if (push_alert_problem(edition, title, body, url))
		return PUSH_INVALID;
	struct db_push_alert a = {.edition = edition, .title = title, .body = body, .url = url,
				  .source = source ? source : "", .created_by = created_by};
	int64_t queued = 0;
	if (db_begin(app->db) != DB_OK)
		return PUSH_STORE_ERROR;
	if (db_push_alert_create(app->db, &a, util_now(), alert_id, &queued) != DB_OK) {
		db_rollback(app->db);
		log_error("push: storing an alert failed");
		return PUSH_STORE_ERROR;
	}
	if (db_commit(app->db) != DB_OK)
		return PUSH_STORE_ERROR;
	push_wake(app);
	return 0;
}

int64_t push_retry_at(int64_t now, int base, int attempt, int64_t retry_after)
{
	int64_t delay = webhook_retry_delay(base, attempt);
	if (retry_after > delay)
		delay = retry_after;
	return now + (delay > 3600 ? 3600 : delay);
}

int64_t push_retry_after(const char *value, int64_t now)
{
	if (!value)
		return 0;
	while (*value == ' ')
		value++;
	int64_t secs;
	char digits[24];
	size_t n = strspn(value, "0123456789");
	if (n > 0 && n < sizeof digits && (value[n] == '\0' || value[n] == '\r' || value[n] == ' ')) {
		memcpy(digits, value, n);
		digits[n] = '\0';
		return util_parse_i64(digits, &secs) == 0 ? secs : 0;
	}
	time_t t = curl_getdate(value, NULL);
	return t > now ? (int64_t)t - now : 0;
}

/* header_seen: libcurl's header callback: keeps Retry-After's value in the transfer. */
static size_t header_seen(char *buffer, size_t size, size_t nitems, void *userdata)
{
	struct transfer *t = userdata;
	size_t len = size * nitems;
	static const char name[] = "retry-after:";
	if (len > sizeof name - 1 && len < 128 && strncasecmp(buffer, name, sizeof name - 1) == 0) {
		char v[128];
		memcpy(v, buffer + sizeof name - 1, len - (sizeof name - 1));
		v[len - (sizeof name - 1)] = '\0';
		t->retry_after = push_retry_after(v, util_now());
	}
	return len;
}

/* discard: libcurl write callback that drops the push service's reply body. */
static size_t discard(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	(void)ptr;
	(void)userdata;
	return size * nmemb;
}

/* vapid_for: the Authorization header for endpoint, made once per origin per round (renewed when its JWT
 * nears its exp). NULL when the endpoint has no origin or signing fails. */
static const char *vapid_for(struct round *rd, struct arena *a, const char *endpoint)
{
	const char *origin = webpush_origin(a, endpoint);
	if (!origin)
		return NULL;
	int64_t now = util_now();
	for (size_t i = 0; i < rd->nvapid; i++)
		if (strcmp(rd->vapid[i].origin, origin) == 0 && rd->vapid[i].exp - now > PUSH_JWT_RENEW)
			return rd->vapid[i].header;
	const struct app *app = rd->r->app;
	const char *sub = app->cfg.push_contact[0] ? app->cfg.push_contact : app->cfg.base_url;
	const char *h = webpush_vapid_header(&rd->va, app->vapid_priv, app->vapid_pub, endpoint, sub, now + PUSH_JWT_LIFE);
	if (!h)
		return NULL;
	if (rd->nvapid % 16 == 0) {
		struct vapid_cached *grown = arena_alloc(&rd->va, (rd->nvapid + 16) * sizeof *grown);
		if (rd->nvapid)
			memcpy(grown, rd->vapid, rd->nvapid * sizeof *grown);
		rd->vapid = grown;
	}
	rd->vapid[rd->nvapid++] = (struct vapid_cached){arena_strdup(&rd->va, origin), h, now + PUSH_JWT_LIFE};
	return h;
}

/* payload: the JSON the service worker reads (id, title, body, absolute url and icon, tag), in a. */
static const char *payload(struct arena *a, const struct app *app, const struct db_push_job *j)
{
	const char *base = app->cfg.base_url;
	const char *url = j->url[0] == '/' ? arena_printf(a, "%s%s", base, j->url) : j->url;
	const char *icon = arena_printf(a, "%s%s", base, "/static/favicon.svg");
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)j->alert_id, "title", j->title,
			      "body", j->body, "url", url, "icon", icon, "edition", j->edition, "tag",
			      arena_printf(a, "alert-%lld", (long long)j->alert_id));
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	const char *copy = text ? arena_strdup(a, text) : NULL;
	free(text);
	return copy;
}

/* result_add: appends an outcome to the round's batch (state static; error copied). */
static void result_add(struct round *rd, const struct db_push_job *j, int64_t claim, const char *state, int attempts,
		       int status, int64_t next, const char *error)
{
	if (rd->nresults % 64 == 0) {
		struct db_push_result *grown = arena_alloc(&rd->ra, (rd->nresults + 64) * sizeof *grown);
		if (rd->nresults)
			memcpy(grown, rd->results, rd->nresults * sizeof *grown);
		rd->results = grown;
	}
	rd->results[rd->nresults++] = (struct db_push_result){.id = j->id, .subscription_id = j->subscription_id, .claim = claim,
							      .state = state, .attempts = attempts, .status = status,
							      .next_attempt_at = next,
							      .error = arena_strdup(&rd->ra, error ? error : "")};
}

/* flush: records the batch of outcomes (one transaction) and empties it. */
static void flush(struct round *rd)
{
	if (!rd->nresults)
		return;
	if (db_push_record(rd->r->app->db, rd->results, rd->nresults, util_now()) != DB_OK)
		log_error("push: recording %zu outcomes failed; their leases will run out and they go again", rd->nresults);
	rd->nresults = 0;
	rd->results = NULL;
	arena_free(&rd->ra);
}

/* start: sets up slot t for job (copied into its arena): encrypts, signs and adds the request to the
 * multi handle. Returns 0, or -1 when the delivery cannot be made (recorded as failed). */
static int start(struct round *rd, struct transfer *t, const struct db_push_job *src, int64_t claim)
{
	const struct config *cfg = &rd->r->app->cfg;
	struct arena *a = &t->a;
	struct db_push_job *j = &t->job;
	*j = *src;
	t->claim = claim;
	j->endpoint = arena_strdup(a, src->endpoint);
	size_t pn = 0, an = 0, blen = 0;
	const unsigned char *pub = oidc_b64url_decode(a, src->p256dh, strcspn(src->p256dh, "="), &pn);
	const unsigned char *auth = oidc_b64url_decode(a, src->auth, strcspn(src->auth, "="), &an);
	const char *json = payload(a, rd->r->app, src);
	const char *vapid = vapid_for(rd, a, j->endpoint);
	unsigned char *body = pub && pn == WEBPUSH_PUB_LEN && auth && an == WEBPUSH_AUTH_LEN && json
				      ? webpush_encrypt(a, pub, auth, NULL, NULL, (const unsigned char *)json, strlen(json), &blen)
				      : NULL;
	if (!body || !vapid) {
		result_add(rd, j, t->claim, "failed", j->attempts + 1, 0, 0, !body ? N_("the subscription's keys or the alert cannot be encrypted")
									  : N_("the endpoint has no origin"));
		arena_free(a);
		return -1;
	}
	const char *lines[] = {arena_printf(a, "Authorization: %s", vapid), "Content-Encoding: aes128gcm",
			       "Content-Type: application/octet-stream", arena_printf(a, "TTL: %d", cfg->push_ttl),
			       arena_printf(a, "Topic: %lld", (long long)j->alert_id), "Urgency: high", "Expect:"};
	t->headers = NULL;
	for (size_t i = 0; i < ARRAY_LEN(lines); i++) {
		struct curl_slist *grown = curl_slist_append(t->headers, lines[i]);
		if (grown)
			t->headers = grown;
	}
	CURL *c = t->easy;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, j->endpoint);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->headers);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "Broadsheet/" BROADSHEET_VERSION " push");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)cfg->push_connect_timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)cfg->push_timeout);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_seen);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->err);
	curl_easy_setopt(c, CURLOPT_PRIVATE, t);
	t->err[0] = '\0';
	t->retry_after = 0;
	if (curl_multi_add_handle(rd->r->multi, c) != CURLM_OK) {
		curl_slist_free_all(t->headers);
		t->headers = NULL;
		arena_free(a);
		return -1; /* stays claimed: due again when its lease runs out */
	}
	t->busy = 1;
	rd->busy++;
	return 0;
}

/* finish: what a finished request t (libcurl's result rc) means for its delivery, added to the batch;
 * frees the slot. */
static void finish(struct round *rd, struct transfer *t, CURLcode rc)
{
	const struct config *cfg = &rd->r->app->cfg;
	long status = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(rd->r->multi, t->easy);
	curl_slist_free_all(t->headers);
	t->headers = NULL;
	const struct db_push_job *j = &t->job;
	int attempt = j->attempts + 1;
	int64_t now = util_now();
	const char *error = rc != CURLE_OK ? (t->err[0] ? t->err : curl_easy_strerror(rc)) : "";
	if (status >= 200 && status <= 299)
		result_add(rd, j, t->claim, "sent", attempt, (int)status, now, "");
	else if (status == 404 || status == 410)
		result_add(rd, j, t->claim, "removed", attempt, (int)status, now, "");
	else if ((rc != CURLE_OK || status == 429 || status >= 500) && attempt < cfg->push_max_attempts)
		result_add(rd, j, t->claim, "pending", attempt, (int)status, push_retry_at(now, cfg->push_retry_base, attempt, t->retry_after),
			   error);
	else {
		log_info("push: delivery %lld to %s given up after attempt %d: %s", (long long)j->id, j->endpoint, attempt,
			 status ? arena_printf(&rd->ra, "HTTP %ld", status) : error);
		result_add(rd, j, t->claim, "failed", attempt, (int)status, now, error);
	}
	arena_free(&t->a);
	t->busy = 0;
	rd->busy--;
}

/* claim_more: claims as many due deliveries as there are free slots and starts them. Returns how many
 * were claimed, or -1 on a store error. */
static int claim_more(struct round *rd)
{
	int free_slots = rd->nslots - rd->busy;
	if (free_slots <= 0)
		return 0;
	struct arena ca = ARENA_INIT;
	struct db_push_job *jobs = NULL;
	size_t n = 0;
	int64_t now = util_now();
	const struct config *cfg = &rd->r->app->cfg;
	int64_t limit = free_slots < PUSH_CLAIM_MAX ? free_slots : PUSH_CLAIM_MAX, claim;
	randombytes_buf(&claim, sizeof claim);
	claim = (claim & INT64_MAX) | 1; /* never 0, the column's "unclaimed" */
	if (db_push_claim(rd->r->app->db, &ca, now, limit, now + cfg->push_timeout + cfg->push_connect_timeout + PUSH_LEASE_SLACK,
			  claim, &jobs, &n) != DB_OK) {
		arena_free(&ca);
		log_error("push: reading the queue failed; retrying in a second");
		return -1;
	}
	size_t k = 0;
	for (int i = 0; i < rd->nslots && k < n; i++)
		if (!rd->slots[i].busy)
			start(rd, &rd->slots[i], &jobs[k++], claim);
	arena_free(&ca);
	return (int)n;
}

/* monotonic_ms: a monotonic clock in milliseconds. */
static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* drain: feeds libcurl and finishes the requests that are done. */
static void drain(struct round *rd)
{
	int running = 0, left = 0;
	curl_multi_perform(rd->r->multi, &running);
	CURLMsg *m;
	while ((m = curl_multi_info_read(rd->r->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		struct transfer *t = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		if (t)
			finish(rd, t, m->data.result);
	}
}

/* push_round: the sender's round (worker.h): claims, sends and records until the queue has nothing due
 * and nothing is in flight; then sleeps a second or until woken. When the server stops, requests in flight
 * are abandoned unrecorded (their leases run out; docs/operations.md). */
static int64_t push_round(struct worker *self, void *arg)
{
	struct push_runner *r = arg;
	r->self = self;
	struct round rd = {.r = r, .nslots = r->app->cfg.push_concurrency};
	rd.slots = xcalloc((size_t)rd.nslots, sizeof *rd.slots);
	int ok = 1;
	for (int i = 0; i < rd.nslots && ok; i++)
		ok = (rd.slots[i].easy = curl_easy_init()) != NULL;
	int64_t next_claim = 0, last_flush = monotonic_ms();
	while (ok && !worker_stopping(self)) {
		int64_t now = monotonic_ms();
		if (now >= next_claim && rd.busy < rd.nslots) {
			int got = claim_more(&rd);
			if (got < 0)
				break;
			if (got == 0)
				next_claim = now + PUSH_IDLE_CLAIM_MS;
		}
		if (rd.busy == 0 && now < next_claim)
			break; /* nothing due, nothing in flight */
		drain(&rd);
		if (rd.nresults >= PUSH_FLUSH_ROWS || (rd.nresults && (rd.busy == 0 || monotonic_ms() - last_flush >= PUSH_FLUSH_MS))) {
			flush(&rd);
			last_flush = monotonic_ms();
		}
		if (rd.busy)
			curl_multi_poll(r->multi, NULL, 0, 50, NULL);
	}
	for (int i = 0; i < rd.nslots; i++) {
		struct transfer *t = &rd.slots[i];
		if (t->busy) { /* stopping: abandoned, the lease runs out */
			curl_multi_remove_handle(r->multi, t->easy);
			curl_slist_free_all(t->headers);
			arena_free(&t->a);
		}
		if (t->easy)
			curl_easy_cleanup(t->easy);
	}
	if (!worker_stopping(self))
		flush(&rd);
	arena_free(&rd.ra);
	arena_free(&rd.va);
	free(rd.slots);
	return 1000;
}

int push_start(struct app *app)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("cannot initialise libcurl for Web Push");
		return -1;
	}
	if (db_push_release(app->db) != DB_OK) /* SQLite only: see db.h */
		log_error("push: releasing the leases of a previous process failed; they run out by themselves");
	struct push_runner *r = xcalloc(1, sizeof *r);
	r->app = app;
	r->multi = curl_multi_init();
	if (r->multi)
		curl_multi_setopt(r->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)app->cfg.push_concurrency);
	r->worker = r->multi ? worker_start("push sender", push_round, r, 0) : NULL;
	if (!r->worker) {
		if (r->multi)
			curl_multi_cleanup(r->multi);
		free(r);
		curl_global_cleanup();
		log_error("push: cannot start the sender");
		return -1;
	}
	app->push = r;
	return 0;
}

void push_wake(struct app *app)
{
	if (app->push)
		worker_wake(app->push->worker);
}

void push_stop(struct app *app)
{
	struct push_runner *r = app->push;
	if (!r)
		return;
	worker_stop(r->worker);
	curl_multi_cleanup(r->multi);
	free(r);
	app->push = NULL;
	curl_global_cleanup();
}
