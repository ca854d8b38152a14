/* scheduler.h - the server's own clock for the newsroom: publishes scheduled articles at their time and
 * takes down expired ones, with no cron and no traffic needed. One thread per server; it sleeps until
 * the next due time the store reports (or until woken when an editor changes a schedule). */
#ifndef BROADSHEET_SCHEDULER_H
#define BROADSHEET_SCHEDULER_H

#include <stdint.h>

struct app;

/* scheduler_start: starts the thread for app (app->scheduler). Returns 0, or -1 (logged) when the thread
 * cannot be created. */
int scheduler_start(struct app *app);
/* scheduler_wake: makes the thread look at the store again now (after a schedule changed). A no-op when
 * no scheduler runs (command-line use). */
void scheduler_wake(struct app *app);
/* scheduler_stop: stops and joins the thread and frees it; safe when none runs. */
void scheduler_stop(struct app *app);
/* scheduler_stats: for /metrics: *checks = the looks at whether the query planner's statistics were
 * stale since start-up (one at start, then hourly), *remade = how many of them remade the statistics. */
void scheduler_stats(int64_t *checks, int64_t *remade);

#endif
