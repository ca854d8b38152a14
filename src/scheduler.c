/* scheduler.c - see scheduler.h. The thread (a worker, worker.h) sleeps until the earliest scheduled or
 * expiry time in the store (articles' and breaking banners'), capped at a minute so a clock change or a
 * write from another process is noticed. */
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "app.h"
#include "audit.h"
#include "breaking.h"
#include "cache.h"
#include "cache_keys.h"
#include "db.h"
#include "log.h"
#include "newsletter_mail.h"
#include "newsletter_sched.h"
#include "scheduler.h"
#include "session.h"
#include "util.h"
#include "webhook.h"
#include "worker.h"

#define SCHEDULER_MAX_SLEEP 60
#define SCHEDULER_PURGE_IDS 64 /* more changes at once than this empty the page cache instead */
#define SCHEDULER_MERGE_EVERY 600 /* seconds between two bounded merges of the search index */
#define SCHEDULER_MERGE_PAGES 256 /* the most index pages one merge may write */
#define SCHEDULER_ANALYZE_EVERY 3600 /* seconds between two looks at the planner's statistics */

static atomic_llong analyze_checks, analyze_runs; /* for /metrics (scheduler_stats) */

/* now_ms: a monotonic clock in milliseconds, for timing a step in the log */
static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct scheduler {
	struct worker *worker;
	int64_t next_purge; /* when to forget old commenters' addresses next */
	int64_t next_merge; /* when to merge the search index a little next */
	int64_t next_analyze; /* when to see whether the planner's statistics are stale next (0: at once) */
	struct app *app;
};

/* purge_addresses: forgets the hashed addresses of comments older than comments.ip_retention_days. */
static void purge_addresses(struct db *db, int64_t now)
{
	struct arena a = ARENA_INIT;
	const char *v = NULL;
	int64_t days = 30;
	if (db_setting_get(db, &a, "comments.ip_retention_days", &v) == DB_OK && v && util_parse_i64(v, &days) == 0 &&
	    days >= 1 && days <= 3650) {
		/* the setting */
	} else {
		days = 30;
	}
	int changed = 0;
	if (db_comments_purge_ips(db, now - days * 86400, &changed) != DB_OK)
		log_error("scheduler: purging old comment addresses failed");
	else if (changed)
		log_info("scheduler: forgot the addresses of %d old comment(s)", changed);
	arena_free(&a);
}

/* purge_audit: deletes the audit entries older than the retention (audit.retention_days); nothing else
 * deletes them. */
static void purge_audit(struct db *db, int64_t now)
{
	int deleted = 0;
	if (db_audit_purge(db, now - audit_retention_days(db) * 86400, &deleted) != DB_OK)
		log_error("scheduler: purging old audit entries failed");
	else if (deleted)
		log_info("scheduler: deleted %d audit entries past their retention", deleted);
}

/* purge_sessions: deletes the sessions that are over (session_purge), with their devices and addresses. */
static void purge_sessions(struct app *app, int64_t now)
{
	int64_t deleted = 0;
	if (session_purge(app->db, app->cfg.session_lifetime, now, &deleted) < 0)
		log_error("scheduler: purging ended sessions failed");
	else if (deleted)
		log_info("scheduler: deleted %lld ended session(s)", (long long)deleted);
}

/* publish_due: publishes the articles whose time has come and takes down the expired ones, waking the
 * webhook deliveries for their events and purging their pages. */
static void publish_due(struct scheduler *s, int64_t now)
{
	int changed = 0;
	int64_t ids[SCHEDULER_PURGE_IDS] = {0}; /* the changed articles; 0 past the last */
	if (db_publish_due(s->app->db, now, ids, SCHEDULER_PURGE_IDS, &changed) != DB_OK) {
		log_error("scheduler: publishing due articles failed; retrying in a second");
		return;
	}
	if (!changed)
		return;
	log_info("scheduler: %d article(s) published or taken down", changed);
	webhook_wake(s->app); /* their events were queued in the same transaction */
	if (changed > SCHEDULER_PURGE_IDS)
		cache_purge_all(s->app);
	for (int i = 0; i < SCHEDULER_PURGE_IDS && ids[i]; i++)
		cache_purge_change(s->app, CACHE_ARTICLE_STATUS, ids[i]);
}

/* maintain: the periodic chores that are due at now: forgetting old commenters' addresses, old audit
 * entries and ended sessions, a bounded
 * merge of the search index, a look at the query planner's statistics. */
static void maintain(struct scheduler *s, int64_t now)
{
	struct db *db = s->app->db;
	if (now >= s->next_purge) {
		purge_addresses(db, now);
		purge_audit(db, now);
		purge_sessions(s->app, now);
		s->next_purge = now + 3600;
	}
	if (now >= s->next_merge) { /* segments pile up as articles are saved: keep searches reading few */
		if (db_search_maintain(db, SCHEDULER_MERGE_PAGES) != DB_OK)
			log_error("scheduler: merging the search index failed");
		s->next_merge = now + SCHEDULER_MERGE_EVERY;
	}
	if (now >= s->next_analyze) { /* a list page on a big site without them reads the whole edition */
		int64_t made = -1, t0 = now_ms();
		if (db_analyze(db, 0, &made) != DB_OK) {
			log_error("scheduler: refreshing the query planner's statistics failed");
		} else if (made >= 0) {
			atomic_fetch_add(&analyze_runs, 1);
			log_info("scheduler: query planner statistics made for %lld article(s) in %lld ms",
				 (long long)made, (long long)(now_ms() - t0));
		}
		atomic_fetch_add(&analyze_checks, 1);
		s->next_analyze = now + SCHEDULER_ANALYZE_EVERY;
	}
}

/* scheduler_round: the worker's round (worker.h): runs what is due, then sleeps until the next due time
 * the store reports (capped at SCHEDULER_MAX_SLEEP) or a wake-up. Returns the milliseconds to sleep. */
static int64_t scheduler_round(struct worker *self, void *arg)
{
	(void)self;
	struct scheduler *s = arg;
	int64_t now = util_now(), next = 0;
	publish_due(s, now);
	breaking_expire(s->app, now); /* banners past their expiry leave every page of their edition */
	maintain(s, now);
	int64_t banner = 0, letters = newsletter_round(s->app, now); /* due issues, the daily digests */
	if (db_next_due(s->app->db, &next) != DB_OK || db_breaking_next_expiry(s->app->db, &banner) != DB_OK)
		next = now + 1;
	else if (banner > 0 && (next == 0 || banner < next))
		next = banner;
	if (letters > 0 && (next == 0 || letters < next))
		next = letters;
	int64_t until = now + SCHEDULER_MAX_SLEEP;
	if (next > 0 && next < until)
		until = next <= now ? now + 1 : next;
	/* to the start of the second `until` on the wall clock, which the store's times are in */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t ms = until * 1000 - ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	return ms > 0 ? ms : 1;
}

int scheduler_start(struct app *app)
{
	struct scheduler *s = xcalloc(1, sizeof *s);
	s->app = app;
	newsletter_mail_register(); /* the queue's "issue" and "test" composers */
	s->next_merge = util_now() + SCHEDULER_MERGE_EVERY; /* not at start-up: a restart needs no merge */
	s->worker = worker_start("scheduler", scheduler_round, s, 0);
	if (!s->worker) {
		free(s);
		return -1;
	}
	app->scheduler = s;
	return 0;
}

void scheduler_wake(struct app *app)
{
	if (app->scheduler)
		worker_wake(app->scheduler->worker);
}

void scheduler_stop(struct app *app)
{
	struct scheduler *s = app->scheduler;
	if (!s)
		return;
	worker_stop(s->worker);
	free(s);
	app->scheduler = NULL;
}

void scheduler_stats(int64_t *checks, int64_t *remade)
{
	*checks = atomic_load(&analyze_checks);
	*remade = atomic_load(&analyze_runs);
}
