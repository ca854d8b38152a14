/* test_worker.c - unit tests for the background worker (src/worker.c) that the scheduler, the view
 * counters' flush and the webhook deliveries run on, and for the gzip and brotli helpers (src/compress.c)
 * that the page cache and the static export share. No timing is asserted: every wait is for an event, with
 * a generous bound that only turns a hang into a failure. */
#include <brotli/decode.h>
#include <errno.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include <cmocka.h>

#include "compress.h"
#include "worker.h"

#define HOUR_MS (3600 * 1000)

/* What a test's round sees and does. */
struct probe {
	sem_t ran;            /* posted at the start of every round */
	int rounds;           /* rounds so far (touched by the worker thread only until it is stopped) */
	int again;            /* rounds that ask to run again at once (return 0) before sleeping an hour */
	int wait_for_stop;    /* the round spins until worker_stopping says the worker is being stopped */
	int saw_stopping;     /* ... and then records that it saw it */
};

/* round: counts, posts ran, and sleeps an hour unless again says to go on at once. */
static int64_t round_fn(struct worker *self, void *arg)
{
	struct probe *p = arg;
	p->rounds++;
	sem_post(&p->ran);
	if (p->wait_for_stop) {
		while (!worker_stopping(self)) {
			struct timespec ts = {0, 1000000};
			nanosleep(&ts, NULL);
		}
		p->saw_stopping = 1;
	}
	if (p->again > 0) {
		p->again--;
		return 0;
	}
	return HOUR_MS;
}

/* wait_ran: waits for the next round's start; fails the test after 60 s (a hang, not a timing). */
static void wait_ran(struct probe *p)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 60;
	int rc;
	while ((rc = sem_timedwait(&p->ran, &ts)) < 0 && errno == EINTR) {
	}
	assert_int_equal(rc, 0);
}

/* a worker that would first sleep an hour runs at once when woken, then sleeps again until the next wake;
 * worker_stop ends it in the middle of its hour */
static void test_worker_wake_and_stop(void **state)
{
	(void)state;
	struct probe p = {0};
	sem_init(&p.ran, 0, 0);
	struct worker *w = worker_start("test", round_fn, &p, HOUR_MS);
	assert_non_null(w);
	worker_wake(w);
	wait_ran(&p);
	worker_wake(w);
	wait_ran(&p);
	worker_stop(w); /* returns: the hour's sleep is cut short */
	assert_int_equal(p.rounds, 2);
	sem_destroy(&p.ran);
}

/* a round that returns 0 is followed by the next at once, with no wake */
static void test_worker_runs_again(void **state)
{
	(void)state;
	struct probe p = {.again = 2};
	sem_init(&p.ran, 0, 0);
	struct worker *w = worker_start("test", round_fn, &p, 0);
	assert_non_null(w);
	wait_ran(&p);
	wait_ran(&p);
	wait_ran(&p);
	worker_stop(w);
	assert_int_equal(p.rounds, 3);
	sem_destroy(&p.ran);
}

/* a long round sees worker_stopping once worker_stop is called, and worker_stop waits for it to end */
static void test_worker_stopping(void **state)
{
	(void)state;
	struct probe p = {.wait_for_stop = 1};
	sem_init(&p.ran, 0, 0);
	struct worker *w = worker_start("test", round_fn, &p, 0);
	assert_non_null(w);
	wait_ran(&p);
	assert_false(worker_stopping(w));
	worker_stop(w);
	assert_int_equal(p.saw_stopping, 1);
	assert_int_equal(p.rounds, 1);
	sem_destroy(&p.ran);
}

/* NULL is what a service that never started holds: waking or stopping it does nothing */
static void test_worker_null(void **state)
{
	(void)state;
	worker_wake(NULL);
	worker_stop(NULL);
	assert_false(worker_stopping(NULL));
}

/* gzip and brotli give back the bytes they were given; which types are worth it */
static void test_compress_round_trip(void **state)
{
	(void)state;
	char text[20000];
	for (size_t i = 0; i < sizeof text; i++)
		text[i] = "Broadsheet news, every hour. "[i % 29];
	size_t zl = 0, bl = 0;
	char *gz = compress_gzip(text, sizeof text, 9, 9, &zl);
	char *br = compress_brotli(text, sizeof text, 9, 0, &bl);
	assert_non_null(gz);
	assert_non_null(br);
	assert_true(zl > 0 && zl < sizeof text);
	assert_true(bl > 0 && bl < sizeof text);
	char back[sizeof text];
	z_stream z;
	memset(&z, 0, sizeof z);
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)gz;
	z.avail_in = (uInt)zl;
	z.next_out = (Bytef *)back;
	z.avail_out = sizeof back;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, sizeof text);
	inflateEnd(&z);
	assert_memory_equal(back, text, sizeof text);
	size_t n = sizeof back;
	assert_int_equal(BrotliDecoderDecompress(bl, (const uint8_t *)br, &n, (uint8_t *)back), BROTLI_DECODER_RESULT_SUCCESS);
	assert_int_equal(n, sizeof text);
	assert_memory_equal(back, text, sizeof text);
	free(gz);
	free(br);
	assert_true(compress_worth(NULL));
	assert_true(compress_worth("text/html; charset=utf-8"));
	assert_true(compress_worth("application/atom+xml"));
	assert_true(compress_worth("application/json"));
	assert_false(compress_worth("image/webp"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worker_wake_and_stop), cmocka_unit_test(test_worker_runs_again),
		cmocka_unit_test(test_worker_stopping),      cmocka_unit_test(test_worker_null),
		cmocka_unit_test(test_compress_round_trip),
	};
	return cmocka_run_group_tests_name("worker", tests, NULL, NULL);
}
