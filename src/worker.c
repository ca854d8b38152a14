/* worker.c - see worker.h. The sleep is a wait on a condition variable against the monotonic clock, so
 * that a change of the wall clock neither wakes nor stalls a worker. */
#include "worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"
#include "util.h"

struct worker {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* signalled by worker_wake and worker_stop */
	int woken;         /* under mu: worker_wake since the current round began */
	atomic_int stop;
	const char *name;
	worker_round round;
	void *arg;
	int64_t first_ms;
};

/* sleep_ms: waits on w->cv (mu held) up to ms milliseconds, until woken or told to stop. */
static void sleep_ms(struct worker *w, int64_t ms)
{
	if (ms <= 0)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (!atomic_load(&w->stop) && !w->woken)
		if (pthread_cond_timedwait(&w->cv, &w->mu, &ts) == ETIMEDOUT)
			break;
}

/* worker_main: the thread: sleep, run a round, sleep as long as the round asked, until told to stop. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int64_t ms = w->first_ms;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		sleep_ms(w, ms);
		if (atomic_load(&w->stop))
			break;
		w->woken = 0;
		pthread_mutex_unlock(&w->mu);
		ms = w->round(w, w->arg);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct worker *worker_start(const char *name, worker_round round, void *arg, int64_t first_ms)
{
	struct worker *w = xcalloc(1, sizeof *w);
	w->name = name;
	w->round = round;
	w->arg = arg;
	w->first_ms = first_ms;
	atomic_init(&w->stop, 0);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		log_error("cannot start the %s thread", name);
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return NULL;
	}
	return w;
}

void worker_wake(struct worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->woken = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

int worker_stopping(const struct worker *w)
{
	return w && atomic_load(&w->stop);
}

void worker_stop(struct worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	atomic_store(&w->stop, 1);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
