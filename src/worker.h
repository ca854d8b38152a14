/* worker.h - one background thread that runs a round of work, then sleeps until its next round is due or
 * it is woken, and stops cleanly: the loop the scheduler, the view counters' flusher and the webhook
 * deliveries share (docs/architecture.md, "Add a background job"). */
#ifndef BROADSHEET_WORKER_H
#define BROADSHEET_WORKER_H

#include <stdint.h>

struct worker;

/* worker_round: one round of a worker's job, on its thread; self is the worker (for worker_stopping), arg
 * is worker_start's. Returns how many milliseconds to sleep before the next round (0 or less: run again at
 * once); a worker_wake during the round or the sleep starts the next round at once. */
typedef int64_t (*worker_round)(struct worker *self, void *arg);

/* worker_start: starts a thread named name (for the log) that sleeps first_ms, then runs round(arg) in a
 * loop as above until worker_stop. Returns the worker (free it with worker_stop), or NULL (logged) when the
 * thread cannot be created. */
struct worker *worker_start(const char *name, worker_round round, void *arg, int64_t first_ms);
/* worker_wake: starts w's next round now (or right after the one running). A no-op on NULL. */
void worker_wake(struct worker *w);
/* worker_stopping: whether worker_stop has been called on w: a long round checks it to give up early. */
int worker_stopping(const struct worker *w);
/* worker_stop: tells w to stop, lets the round in progress finish, joins the thread and frees w. A no-op
 * on NULL. */
void worker_stop(struct worker *w);

#endif
