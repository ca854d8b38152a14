/* mailq.c - see mailq.h. The composers' registry, the enqueue calls (each one transaction, then a wake of
 * the sender), and the sender threads. */
#include "mailq.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "arena.h"
#include "log.h"
#include "mail.h"
#include "mail_send.h"
#include "util.h"
#include "webhook.h"
#include "worker.h"

#define MAILQ_KINDS 8
#define MAILQ_BATCH 16      /* rows a sender claims at a time */
#define MAILQ_LEASE_SLACK 5 /* seconds a lease outlasts one message's longest attempt */
#define MAILQ_DUE_MAX 16    /* scheduled issues started per round at most */
#define MAILQ_SENDERS_MAX 32 /* mail_concurrency's upper bound (config.c) */
#define MAILQ_REC_RING 64   /* batches whose result a waiting sender can still read */

struct mailq_runner;
/* One sender thread: its worker and the relay connection it keeps through a round (mail_send.h), made by
 * the thread at its round's first message and closed by it when the round ends (nothing due). */
struct mailq_sender {
	struct mailq_runner *r;
	struct mail_conn *conn;
};

/* The senders: mail_concurrency worker threads sharing the relay settings and the rate limiter. */
struct mailq_runner {
	struct app *app;
	struct mailq_sender *senders; /* one per worker, the worker's argument */
	struct worker **workers;
	int nworkers;
	struct arena a;          /* relay, from */
	struct mail_relay relay; /* mail_send.h */
	const char *from;        /* the envelope sender and From address */
	pthread_mutex_t lock;    /* guards next_us */
	/* the senders' writes to the store (claim, renew, record, finish) one at a time: on SQLite a sender
	 * waiting here gets the write lock the moment the last one commits, where SQLite's own busy handler
	 * sleeps up to 100 ms between tries (with 8 senders most of their time went there: bench/RESULTS.md);
	 * on PostgreSQL each is one short statement, so little is lost */
	pthread_mutex_t store_mu;
	/* group commit of outcomes (record_outcome): the results waiting for the next transaction */
	pthread_mutex_t rec_mu;
	pthread_cond_t rec_cv;
	struct db_mail_result rec_pending[MAILQ_SENDERS_MAX];
	size_t rec_n;
	int64_t rec_gen;             /* the batch now filling (rec_pending) */
	int64_t rec_done;            /* the last batch committed (or failed) */
	int rec_busy;                /* a sender is writing a batch */
	int rec_rc[MAILQ_REC_RING];  /* each recent batch's result, by batch % MAILQ_REC_RING */
	int64_t next_us;         /* the rate limiter: when the next message may start (monotonic microseconds) */
};

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

/* monotonic_us: a monotonic clock in microseconds. */
static int64_t monotonic_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* rate_wait: takes the next start time the rate limiter gives (mail_rate a second, shared by the node's
 * senders: no burst is saved up while idle) and sleeps until it. Returns 0, or -1 when the worker is
 * stopping (the slot is lost, which only slows the next message). */
static int rate_wait(struct mailq_runner *r, struct worker *self)
{
	int64_t step = 1000000 / r->app->cfg.mail_rate, now = monotonic_us();
	pthread_mutex_lock(&r->lock);
	int64_t at = r->next_us > now ? r->next_us : now;
	r->next_us = at + step;
	pthread_mutex_unlock(&r->lock);
	while (!worker_stopping(self)) {
		int64_t left = at - monotonic_us();
		if (left <= 0)
			return 0;
		if (left > 100000)
			left = 100000; /* look at worker_stopping at least every 100 ms */
		struct timespec ts = {.tv_sec = left / 1000000, .tv_nsec = (left % 1000000) * 1000};
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* lease_secs: how long one message may hold a lease: the relay's connect and total timeouts and slack. */
static int64_t lease_secs(const struct mailq_runner *r)
{
	return r->relay.connect_timeout + r->relay.timeout + MAILQ_LEASE_SLACK;
}

/* outcome: what one attempt at job came to: state "sent", "failed", "skipped" or "queued" (a retry). error
 * (static, or in a) is why. */
static void outcome(struct mailq_runner *r, const struct db_mail_job *job, int rc, const char *error,
		    struct db_mail_result *res)
{
	const struct config *cfg = &r->app->cfg;
	int attempt = job->attempts + 1;
	int64_t now = util_now();
	*res = (struct db_mail_result){.id = job->id, .claim = job->claim, .attempts = attempt, .next_at = now, .error = error};
	if (rc == MAIL_SENT)
		res->state = "sent";
	else if (rc == MAIL_TEMPFAIL && attempt < cfg->mail_max_attempts) {
		res->state = "queued";
		res->next_at = mailq_retry_at(now, cfg->mail_retry_base, attempt);
	} else {
		res->state = "failed";
		log_info("mailq: message %lld to %s given up after attempt %d: %s", (long long)job->id, job->to_addr, attempt,
			 error);
	}
}

/* record_outcome: writes res (one row's outcome) to the store, committed before it returns, together with
 * the outcomes other senders handed in meanwhile: the first sender to arrive writes the batch waiting
 * (one transaction, one sync to disk for all of it) while the others wait for it, and the next batch
 * fills during that write. Each sender still goes on to its next message only once its own row is
 * committed, so the window of docs/operations.md ("kill -9 mid-send") is the same: the write that follows
 * the relay's 250. One commit per message cost a sync each and held the senders up behind one another
 * (bench/RESULTS.md). res's strings must live until it returns. DB_OK or DB_ERROR. */
static int record_outcome(struct mailq_runner *r, const struct db_mail_result *res)
{
	pthread_mutex_lock(&r->rec_mu);
	r->rec_pending[r->rec_n++] = *res; /* one per sender at most: rec_n <= mail_concurrency */
	int64_t mine = r->rec_gen;
	int rc;
	for (;;) {
		if (r->rec_done >= mine) {
			rc = r->rec_rc[mine % MAILQ_REC_RING];
			break;
		}
		if (r->rec_busy) {
			pthread_cond_wait(&r->rec_cv, &r->rec_mu);
			continue;
		}
		struct db_mail_result batch[MAILQ_SENDERS_MAX];
		size_t n = r->rec_n;
		int64_t gen = r->rec_gen++;
		memcpy(batch, r->rec_pending, n * sizeof *batch);
		r->rec_n = 0;
		r->rec_busy = 1;
		pthread_mutex_unlock(&r->rec_mu);
		pthread_mutex_lock(&r->store_mu);
		int got = db_mail_record(r->app->db, batch, n, util_now());
		pthread_mutex_unlock(&r->store_mu);
		pthread_mutex_lock(&r->rec_mu);
		r->rec_rc[gen % MAILQ_REC_RING] = got;
		r->rec_done = gen;
		r->rec_busy = 0;
		pthread_cond_broadcast(&r->rec_cv);
	}
	pthread_mutex_unlock(&r->rec_mu);
	return rc;
}

/* send_one: composes job through its kind's composer and sends it over s's kept connection (made here when
 * s has none); records the outcome at once
 * (a 'sent' is committed right after the relay's 250: docs/operations.md, "Outgoing mail"). */
static void send_one(struct mailq_sender *s, const struct db_mail_job *job)
{
	struct mailq_runner *r = s->r;
	struct arena a = ARENA_INIT;
	struct db_mail_result res;
	mailq_composer fn = composer_for(job->kind);
	struct mail_message m = {0};
	char err[256] = "";
	if (!fn) {
		res = (struct db_mail_result){.id = job->id, .claim = job->claim, .state = "skipped", .attempts = job->attempts,
					      .next_at = util_now(),
					      .error = arena_printf(&a, "no composer for %s messages", job->kind)};
	} else if (fn(r->app, &a, job, &m) < 0) {
		res = (struct db_mail_result){.id = job->id, .claim = job->claim, .state = "skipped", .attempts = job->attempts,
					      .next_at = util_now(), .error = "the composer declined it"};
	} else {
		m.to_addr = job->to_addr;
		m.message_id = job->message_id;
		m.date = util_now();
		if (!m.from_addr)
			m.from_addr = r->from;
		size_t len = 0;
		const char *msg = mail_compose(&a, &m, &len);
		int rc = MAIL_PERMFAIL;
		if (!msg)
			snprintf(err, sizeof err, "the message cannot be composed (a missing field or a refused header)");
		else if (!s->conn && !(s->conn = mail_conn_new(&r->relay))) {
			rc = MAIL_TEMPFAIL;
			snprintf(err, sizeof err, "out of memory");
		} else
			rc = mail_conn_send(s->conn, r->from, job->to_addr, arena_printf(&a, "%lld", (long long)job->id), msg,
					    len, err, sizeof err);
		outcome(r, job, rc, err, &res);
	}
	if (record_outcome(r, &res) != DB_OK)
		log_error("mailq: recording message %lld (%s) failed; its lease runs out and it goes again", (long long)job->id,
			  res.state);
	arena_free(&a);
}

/* start_due: queues the scheduled issues whose time has come (another node or thread doing it first is
 * DB_CONFLICT, ignored). */
static void start_due(struct mailq_runner *r)
{
	struct arena a = ARENA_INIT;
	int64_t *ids = NULL;
	size_t n = 0;
	if (db_mail_due_issues(r->app->db, &a, util_now(), MAILQ_DUE_MAX, &ids, &n) == DB_OK)
		for (size_t i = 0; i < n; i++)
			mailq_enqueue_issue(r->app, ids[i]);
	arena_free(&a);
}

/* give_back: the claimed rows jobs[from..n) not tried (the sender is stopping) go back to 'queued' as they
 * were. */
static void give_back(struct mailq_runner *r, const struct db_mail_job *jobs, size_t from, size_t n)
{
	for (size_t i = from; i < n; i++) {
		struct db_mail_result res = {.id = jobs[i].id, .claim = jobs[i].claim, .state = "queued",
					     .attempts = jobs[i].attempts, .next_at = util_now(), .error = ""};
		pthread_mutex_lock(&r->store_mu);
		db_mail_record(r->app->db, &res, 1, util_now());
		pthread_mutex_unlock(&r->store_mu);
	}
}

/* send_batch: claims up to MAILQ_BATCH due rows and sends them one after another under the rate limit,
 * renewing the lease before a message when it would not cover one more. Returns how many were claimed
 * (0: nothing due), or -1 on a store error. */
static int send_batch(struct mailq_sender *s, struct worker *self)
{
	struct mailq_runner *r = s->r;
	struct arena ca = ARENA_INIT;
	struct db_mail_job *jobs = NULL;
	size_t n = 0;
	int64_t claim, now = util_now(), lease = now + lease_secs(r) + MAILQ_BATCH / r->app->cfg.mail_rate;
	randombytes_buf(&claim, sizeof claim);
	claim = (claim & INT64_MAX) | 1; /* never 0, the column's "unclaimed" */
	pthread_mutex_lock(&r->store_mu);
	int claimed = db_mail_claim(r->app->db, &ca, now, MAILQ_BATCH, lease, claim, &jobs, &n);
	pthread_mutex_unlock(&r->store_mu);
	if (claimed != DB_OK) {
		arena_free(&ca);
		log_error("mailq: reading the queue failed; retrying in a second");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (rate_wait(r, self) < 0) {
			give_back(r, jobs, i, n);
			break;
		}
		if (util_now() + lease_secs(r) > lease) {
			lease = util_now() + lease_secs(r) + (int64_t)(n - i) / r->app->cfg.mail_rate;
			pthread_mutex_lock(&r->store_mu);
			db_mail_renew(r->app->db, claim, lease);
			pthread_mutex_unlock(&r->store_mu);
		}
		send_one(s, &jobs[i]);
	}
	arena_free(&ca);
	return (int)n;
}

/* mailq_round: a sender's round (worker.h): starts the scheduled issues that are due, sends until nothing is
 * due over the sender's kept relay connection, closes that connection, marks finished issues 'sent', then
 * sleeps a second or until woken. */
static int64_t mailq_round(struct worker *self, void *arg)
{
	struct mailq_sender *s = arg;
	struct mailq_runner *r = s->r;
	start_due(r);
	int got = 0;
	while (!worker_stopping(self) && (got = send_batch(s, self)) > 0)
		;
	if (s->conn && mail_conn_reconnects(s->conn))
		log_info("mailq: %ld message(s) went over a fresh connection: the relay had closed the kept one",
			 mail_conn_reconnects(s->conn));
	mail_conn_close(s->conn); /* nothing due: the relay gets its connection back while we wait */
	s->conn = NULL;
	int64_t finished = 0;
	int done = DB_ERROR;
	if (!worker_stopping(self)) {
		pthread_mutex_lock(&r->store_mu);
		done = db_mail_finish_issues(r->app->db, util_now(), &finished);
		pthread_mutex_unlock(&r->store_mu);
	}
	if (done == DB_OK && finished)
		log_info("mailq: %lld issue(s) sent", (long long)finished);
	return 1000;
}

/* MERGE: compose helper's composer replaces this */
/* builtin_compose: a plain message for 'test' and 'issue' rows until the compose helper's composers are
 * registered: "Issue N" and a line of text (the queue's tests and bench/mail.sh need something to send). */
static int builtin_compose(struct app *app, struct arena *a, const struct db_mail_job *job, struct mail_message *out)
{
	(void)app;
	out->subject = arena_printf(a, "%s %lld", strcmp(job->kind, "test") == 0 ? "Test of issue" : "Issue",
				    (long long)job->issue_id);
	out->text = arena_printf(a, "Issue %lld of the newsletter.\n", (long long)job->issue_id);
	out->lang = *job->lang ? job->lang : NULL;
	return 0;
}

int mailq_start(struct app *app)
{
	if (!composer_for("test")) /* MERGE: compose helper's composer replaces this */
		mailq_register("test", builtin_compose);
	if (!composer_for("issue")) /* MERGE: compose helper's composer replaces this */
		mailq_register("issue", builtin_compose);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("cannot initialise libcurl for the mail queue");
		return -1;
	}
	if (db_mail_release(app->db) != DB_OK) /* SQLite only: see db.h */
		log_error("mailq: releasing the leases of a previous process failed; they run out by themselves");
	struct mailq_runner *r = xcalloc(1, sizeof *r);
	r->app = app;
	r->a = (struct arena)ARENA_INIT;
	mail_relay_config(&app->cfg, app->site_dir, &r->a, &r->relay);
	r->from = mail_sender(&app->cfg, &r->a);
	if (!r->from)
		r->from = "news@localhost.invalid";
	pthread_mutex_init(&r->lock, NULL);
	pthread_mutex_init(&r->store_mu, NULL);
	pthread_mutex_init(&r->rec_mu, NULL);
	pthread_cond_init(&r->rec_cv, NULL);
	r->rec_done = -1;
	r->workers = xcalloc((size_t)app->cfg.mail_concurrency, sizeof *r->workers);
	r->senders = xcalloc((size_t)app->cfg.mail_concurrency, sizeof *r->senders);
	app->mailq = r;
	for (int i = 0; i < app->cfg.mail_concurrency; i++) {
		r->senders[i].r = r;
		r->workers[i] = worker_start("mail sender", mailq_round, &r->senders[i], i == 0 ? 0 : 50 * i);
		if (!r->workers[i]) {
			mailq_stop(app);
			log_error("mailq: cannot start the senders");
			return -1;
		}
		r->nworkers++;
	}
	return 0;
}

void mailq_wake(struct app *app)
{
	struct mailq_runner *r = app->mailq;
	if (!r)
		return;
	for (int i = 0; i < r->nworkers; i++)
		worker_wake(r->workers[i]);
}

void mailq_stop(struct app *app)
{
	struct mailq_runner *r = app->mailq;
	if (!r)
		return;
	for (int i = 0; i < r->nworkers; i++)
		worker_stop(r->workers[i]);
	app->mailq = NULL;
	pthread_mutex_destroy(&r->lock);
	pthread_mutex_destroy(&r->store_mu);
	pthread_mutex_destroy(&r->rec_mu);
	pthread_cond_destroy(&r->rec_cv);
	arena_free(&r->a);
	free(r->workers);
	free(r->senders); /* each sender closed its connection at the end of its last round */
	free(r);
	curl_global_cleanup();
}
