/* views.c - article view counts (see views.h).
 *
 * Counters: VIEWS_SHARDS hash tables, each with its own mutex. A thread picks a shard the first time it
 * records a view and keeps it, so with up to VIEWS_SHARDS worker threads no two ever share a lock
 * except with the flush thread, which holds each lock only to swap the table's entries out. The flush
 * writes them with one upsert per (article, hour) in one transaction; a failed write puts them back. */
#include "views.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "db.h"
#include "log.h"
#include "util.h"
#include "worker.h"

#define VIEWS_SHARDS 16
#define VIEWS_SHARD_MAX 65536 /* distinct (article, hour) pairs a shard holds between flushes */

struct views_shard {
	pthread_mutex_t mu;
	struct views_table t;
	char pad[64]; /* keeps neighbouring shards' locks off one cache line */
};

#define SHARD_INIT {PTHREAD_MUTEX_INITIALIZER, {NULL, 0, 0, VIEWS_SHARD_MAX}, {0}}
#define SHARD_INIT4 SHARD_INIT, SHARD_INIT, SHARD_INIT, SHARD_INIT
static struct views_shard shards[VIEWS_SHARDS] = {SHARD_INIT4, SHARD_INIT4, SHARD_INIT4, SHARD_INIT4};
static atomic_uint next_shard;
static _Thread_local int my_shard = -1;
static atomic_llong dropped; /* views refused because a shard was full, not yet logged */
static atomic_llong flushes, flush_failures, flushed; /* for /metrics (views_stats) */

/* The rankings pages read, one per edition, and the hook told when one moves. */
static const char *const editions[] = {"en", "ar"};
#define NEDITIONS (sizeof editions / sizeof editions[0])
static pthread_mutex_t rank_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t rank_ids[NEDITIONS][VIEWS_TOP];
static size_t rank_n[NEDITIONS];
static atomic_ullong rank_gen;
static void (*rank_hook)(const char *edition, void *arg);
static void *rank_hook_arg;

struct views_runner {
	struct worker *worker;
	struct app *app;
};

/* The words that mark a robot's or a tool's User-Agent, lower case (see views.h). */
static const char *const bot_words[] = {
	"bot",	       "crawl",	      "spider",	     "slurp",	    "curl",	  "wget",
	"python",      "java/",	      "go-http-client", "libwww",   "perl",	  "httpclient",
	"okhttp",      "headless",    "lighthouse",  "facebookexternalhit", "embedly", "preview",
	"pingdom",     "uptime",      "monitor",     "scrapy",	    "axios",	  "node-fetch",
	"undici",      "apachebench", "wrk",	     "phantomjs",   "selenium",	  "feedfetcher"};

int views_is_bot(const char *ua)
{
	if (!ua || !*ua || !strchr(ua, '/'))
		return 1; /* every browser names itself "Mozilla/5.0 ..."; "node" or "" is a program */
	char low[512];
	size_t n = strlen(ua);
	if (n >= sizeof low)
		n = sizeof low - 1; /* the product tokens that matter come first */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)ua[i];
		low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	low[n] = '\0';
	for (size_t i = 0; i < ARRAY_LEN(bot_words); i++)
		if (strstr(low, bot_words[i]))
			return 1;
	return 0;
}

/* slot_of: the slot of (id, hour) in a table of capacity cap (a power of two): where it is, or the
 * empty slot where it goes. */
static size_t slot_of(const struct views_count *slots, size_t cap, int64_t id, int64_t hour)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ULL ^ (uint64_t)hour * 0xC2B2AE3D27D4EB4FULL;
	size_t i = (size_t)(h >> 17) & (cap - 1);
	while (slots[i].count && (slots[i].article_id != id || slots[i].hour != hour))
		i = (i + 1) & (cap - 1);
	return i;
}

int views_table_add(struct views_table *t, int64_t article_id, int64_t hour, int64_t n)
{
	if (t->slots) {
		size_t i = slot_of(t->slots, t->cap, article_id, hour);
		if (t->slots[i].count) {
			t->slots[i].count += n;
			return 0;
		}
	}
	if (t->max && t->used >= t->max)
		return -1;
	if (!t->slots || (t->used + 1) * 4 > t->cap * 3) {
		/* grow to keep the load under 3/4 (also on first use) */
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct views_count *slots = xcalloc(cap, sizeof *slots);
		for (size_t k = 0; k < t->cap; k++)
			if (t->slots[k].count)
				slots[slot_of(slots, cap, t->slots[k].article_id, t->slots[k].hour)] = t->slots[k];
		free(t->slots);
		t->slots = slots;
		t->cap = cap;
	}
	size_t i = slot_of(t->slots, t->cap, article_id, hour);
	t->slots[i] = (struct views_count){.article_id = article_id, .hour = hour, .count = n};
	t->used++;
	return 0;
}

size_t views_table_take(struct views_table *t, struct views_count **out)
{
	*out = NULL;
	if (!t->used)
		return 0;
	struct views_count *arr = xmalloc(t->used * sizeof *arr);
	size_t n = 0;
	for (size_t k = 0; k < t->cap; k++)
		if (t->slots[k].count)
			arr[n++] = t->slots[k];
	memset(t->slots, 0, t->cap * sizeof *t->slots);
	t->used = 0;
	*out = arr;
	return n;
}

void views_table_free(struct views_table *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->used = 0;
}

int64_t views_nice_max(int64_t max)
{
	int64_t step = 1;
	while (max > step * 10)
		step *= 10;
	if (max <= step)
		return step;
	if (max <= 2 * step)
		return 2 * step;
	if (max <= 5 * step)
		return 5 * step;
	return 10 * step;
}

void views_record(int64_t article_id, const char *user_agent)
{
	if (article_id <= 0 || views_is_bot(user_agent))
		return;
	if (my_shard < 0)
		my_shard = (int)(atomic_fetch_add(&next_shard, 1) % VIEWS_SHARDS);
	int64_t hour = (int64_t)time(NULL) / 3600 * 3600;
	struct views_shard *s = &shards[my_shard];
	pthread_mutex_lock(&s->mu);
	int rc = views_table_add(&s->t, article_id, hour, 1);
	pthread_mutex_unlock(&s->mu);
	if (rc < 0)
		atomic_fetch_add(&dropped, 1);
}

/* put_back: returns counts that could not be written to shard 0, for the next flush. */
static void put_back(const struct views_count *c, size_t n)
{
	struct views_shard *s = &shards[0];
	long long lost = 0;
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < n; i++)
		if (views_table_add(&s->t, c[i].article_id, c[i].hour, c[i].count) < 0)
			lost += c[i].count;
	pthread_mutex_unlock(&s->mu);
	if (lost)
		atomic_fetch_add(&dropped, lost);
}

/* write_counts: takes every shard's counts and adds them to the store in one transaction. Returns 0,
 * or -1 (logged) with the counts put back. */
static int write_counts(struct db *db)
{
	struct views_count *all = NULL;
	size_t nall = 0;
	for (size_t k = 0; k < VIEWS_SHARDS; k++) {
		struct views_count *part;
		pthread_mutex_lock(&shards[k].mu);
		size_t n = views_table_take(&shards[k].t, &part);
		pthread_mutex_unlock(&shards[k].mu);
		if (!n)
			continue;
		all = xrealloc(all, (nall + n) * sizeof *all);
		memcpy(all + nall, part, n * sizeof *part);
		nall += n;
		free(part);
	}
	long long lost = atomic_exchange(&dropped, 0);
	if (lost)
		log_error("views: %lld view(s) dropped: the counters were full between two flushes", lost);
	if (!nall)
		return 0;
	int ok = db_begin(db) == DB_OK;
	for (size_t i = 0; ok && i < nall; i++)
		ok = db_views_add(db, all[i].article_id, all[i].hour, all[i].count) == DB_OK;
	if (ok)
		ok = db_commit(db) == DB_OK;
	if (!ok) {
		db_rollback(db);
		log_error("views: writing %zu counter(s) failed; kept for the next flush", nall);
		put_back(all, nall);
	} else {
		long long n = 0;
		for (size_t i = 0; i < nall; i++)
			n += all[i].count;
		atomic_fetch_add(&flushed, n);
	}
	free(all);
	return ok ? 0 : -1;
}

/* rerank: recomputes each edition's ranking from the store; calls the hook for those that moved.
 * Returns 0, or -1 (logged) when the store could not be read (that edition's ranking is kept). */
static int rerank(struct db *db)
{
	int64_t since = (int64_t)time(NULL) / 3600 * 3600 - (VIEWS_WINDOW_HOURS - 1) * 3600;
	int rc = 0;
	for (size_t e = 0; e < NEDITIONS; e++) {
		struct arena a = ARENA_INIT;
		struct db_views_row *rows;
		size_t n;
		if (db_views_top(db, &a, editions[e], since, VIEWS_TOP, &rows, &n) != DB_OK) {
			log_error("views: reading the %s ranking failed", editions[e]);
			arena_free(&a);
			rc = -1;
			continue;
		}
		int changed = 0;
		pthread_mutex_lock(&rank_mu);
		changed = n != rank_n[e];
		for (size_t i = 0; i < n && i < VIEWS_TOP; i++) {
			changed |= rank_ids[e][i] != rows[i].article_id;
			rank_ids[e][i] = rows[i].article_id;
		}
		rank_n[e] = n < VIEWS_TOP ? n : VIEWS_TOP;
		void (*hook)(const char *, void *) = rank_hook;
		void *arg = rank_hook_arg;
		if (changed)
			atomic_fetch_add(&rank_gen, 1);
		pthread_mutex_unlock(&rank_mu);
		arena_free(&a);
		if (changed && hook)
			hook(editions[e], arg);
	}
	return rc;
}

int views_flush(struct app *app)
{
	int rc = write_counts(app->db);
	if (rerank(app->db) < 0)
		rc = -1;
	atomic_fetch_add(&flushes, 1);
	if (rc < 0)
		atomic_fetch_add(&flush_failures, 1);
	return rc;
}

void views_stats(int64_t *nflushes, int64_t *failures, int64_t *written)
{
	*nflushes = atomic_load(&flushes);
	*failures = atomic_load(&flush_failures);
	*written = atomic_load(&flushed);
}

size_t views_most_read(const char *edition, int64_t *ids, size_t max)
{
	size_t n = 0;
	for (size_t e = 0; e < NEDITIONS; e++) {
		if (strcmp(edition, editions[e]) != 0)
			continue;
		pthread_mutex_lock(&rank_mu);
		for (; n < rank_n[e] && n < max; n++)
			ids[n] = rank_ids[e][n];
		pthread_mutex_unlock(&rank_mu);
	}
	return n;
}

uint64_t views_rank_generation(void)
{
	return atomic_load(&rank_gen);
}

void views_on_rank_change(void (*fn)(const char *edition, void *arg), void *arg)
{
	pthread_mutex_lock(&rank_mu);
	rank_hook = fn;
	rank_hook_arg = arg;
	pthread_mutex_unlock(&rank_mu);
}

/* views_round: the flush worker's round (worker.h): flushes, then sleeps views_flush_ms. The last flush
 * is views_stop's, once the worker has stopped. */
static int64_t views_round(struct worker *self, void *arg)
{
	(void)self;
	struct views_runner *r = arg;
	views_flush(r->app);
	return r->app->cfg.views_flush_ms;
}

int views_start(struct app *app)
{
	if (rerank(app->db) < 0)
		log_error("views: Most read starts empty");
	struct views_runner *r = xcalloc(1, sizeof *r);
	r->app = app;
	r->worker = worker_start("view counter", views_round, r, app->cfg.views_flush_ms);
	if (!r->worker) {
		free(r);
		return -1;
	}
	app->views = r;
	return 0;
}

void views_stop(struct app *app)
{
	struct views_runner *r = app->views;
	if (!r)
		return;
	worker_stop(r->worker);
	free(r);
	app->views = NULL;
	views_flush(app); /* the server has stopped answering: nothing is recorded after this */
	for (size_t k = 0; k < VIEWS_SHARDS; k++) {
		pthread_mutex_lock(&shards[k].mu);
		if (!shards[k].t.used)
			views_table_free(&shards[k].t);
		pthread_mutex_unlock(&shards[k].mu);
	}
}
