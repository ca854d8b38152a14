/* views.h - article view counts for "Most read" and the newsroom's views chart.
 *
 * The hot path (views_record) only bumps a counter in memory: per-article, per-hour counters live in
 * a few small hash tables, each behind its own mutex, and every thread sticks to one of them, so
 * worker threads almost never wait for each other. A background thread flushes the counters to the
 * store every views_flush_ms (and once more at shutdown), then recomputes each edition's ranking (the
 * VIEWS_TOP most-viewed published articles of the last VIEWS_WINDOW_HOURS hours) and calls the
 * rank-change hook when it moved. Pages read that ranking from memory.
 *
 * What counts as a view: a 200 answer to a GET of an article page (also when the body is replaced by
 * a 304 for a browser that revalidates), from a client whose User-Agent is not a bot (views_is_bot),
 * without the newsroom's session cookie (staff checking their own story are not readers). HEAD never
 * counts. The HTTP layer records it from http_response.view_article_id; a page cache that answers
 * without running the handler calls views_record itself on a hit. */
#ifndef BROADSHEET_VIEWS_H
#define BROADSHEET_VIEWS_H
#include <stddef.h>
#include <stdint.h>

struct app;

#define VIEWS_TOP 5           /* articles in each edition's Most read list */
#define VIEWS_WINDOW_HOURS 48 /* hours Most read and the newsroom chart look back, the current one included */

/* views_is_bot: 1 when a User-Agent is a robot's or a tool's (missing or empty; no "product/version"
 * token; or containing, case-insensitively, one of: bot, crawl, spider, slurp, curl, wget, python,
 * java/, go-http-client, libwww, perl, httpclient, okhttp, headless, lighthouse, facebookexternalhit,
 * embedly, preview, pingdom, uptime, monitor, scrapy, axios, node-fetch, undici, apachebench, wrk,
 * phantomjs, selenium, feedfetcher), else 0. */
int views_is_bot(const char *user_agent);

/* views_record: counts one view of article_id in the current hour unless user_agent is a bot's.
 * Thread-safe and cheap (a mutex that is almost never contended, no store access); callable from any
 * thread, also before views_start or after views_stop (those counts are flushed by the next start,
 * or dropped at exit). */
void views_record(int64_t article_id, const char *user_agent);

/* views_start: computes the current rankings and starts the flush thread for app (flushing every
 * app->cfg.views_flush_ms). Returns 0, or -1 (logged) when the thread cannot be created. */
int views_start(struct app *app);

/* views_stop: stops the thread after a last flush, and frees the counters. Safe when none runs. */
void views_stop(struct app *app);

/* views_flush: writes the counters gathered so far to the store in one transaction and recomputes the
 * rankings (calling the hook for each edition whose ranking moved). The flush thread calls it; so may
 * command-line tools. Returns 0, or -1 (logged; the counts are kept for the next try). */
int views_flush(struct app *app);

/* views_most_read: copies up to max article ids of the edition's current ranking ("en" or "ar"), most
 * read first, into ids; returns how many. The articles were published when the ranking was made:
 * callers look them up again and skip any that are no longer. */
size_t views_most_read(const char *edition, int64_t *ids, size_t max);

/* views_rank_generation: a number that grows each time any edition's ranking changes, so a cache can
 * tell whether pages showing Most read are out of date. */
uint64_t views_rank_generation(void);

/* views_on_rank_change: sets the function called (from the flush thread, after the ranking is
 * updated) with the edition whose Most read list changed, and its argument; NULL fn = none (the
 * default). Set it before views_start. */
void views_on_rank_change(void (*fn)(const char *edition, void *arg), void *arg);

/* The counter table, exposed for unit tests: an open-addressing hash of (article, hour) -> count. */
struct views_count {
	int64_t article_id, hour; /* hour: UTC seconds at the start of the hour */
	int64_t count;
};

struct views_table {
	struct views_count *slots; /* count 0 = empty */
	size_t cap, used, max;     /* max: entries at most; more are refused */
};

/* views_table_add: adds n views of (article_id, hour) to t, growing it as needed. Returns 0, or -1
 * when t already holds t->max distinct entries (the views are dropped). */
int views_table_add(struct views_table *t, int64_t article_id, int64_t hour, int64_t n);

/* views_table_take: moves t's entries into a new array (*out, caller frees; NULL when none) and
 * empties t (keeping its storage). Returns how many. */
size_t views_table_take(struct views_table *t, struct views_count **out);

/* views_table_free: frees t's storage; t is empty and usable again afterwards. */
void views_table_free(struct views_table *t);

/* views_nice_max: the smallest "round" axis maximum (1, 2 or 5 times a power of ten) >= max, 1 for 0. */
int64_t views_nice_max(int64_t max);

#endif
