/* newsletter_sched.h - the newsletters' part of the scheduler's round (scheduler.c, issue 22): scheduled
 * issues whose time has come go to the queue (mailq_enqueue_issue), and each edition's daily digest is
 * assembled from its top stories at the hour set for it (setting newsletter.digest_hour.<edition>, "HH:MM"
 * UTC; unset or empty = off) and sent to its digest list, once a day: the issue carries the day as
 * digest_day, unique per edition, so a restart or a second node makes no second one. */
#ifndef BROADSHEET_NEWSLETTER_SCHED_H
#define BROADSHEET_NEWSLETTER_SCHED_H
#include <stdint.h>

struct app;
struct arena;

/* newsletter_digest_minute: the minute of the day (0..1439) of "HH:MM", or -1 when s is not one. */
int newsletter_digest_minute(const char *s);

/* newsletter_round: makes the digests due at now and enqueues the due issues. Returns the next time the
 * newsletters need the scheduler (the earliest scheduled issue or digest hour), 0 when none. */
int64_t newsletter_round(struct app *app, int64_t now);

/* newsletter_make_digest: assembles edition's digest for the UTC day of now from its top stories (the
 * front page's order; the newest stories when no top story is set), scheduled at now. *id gets it. 0, 1
 * when that day's digest already exists (nothing made), -1 on error (logged). */
int newsletter_make_digest(struct app *app, const char *edition, int64_t now, int64_t *id);

#endif
