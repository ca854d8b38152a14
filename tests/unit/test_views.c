/* test_views.c - unit tests for the article view counters (src/views.c): bot detection, the counter
 * table, the chart's scale, and views recorded from many threads at once reaching a real (temporary)
 * SQLite store in one flush, exactly, with the ranking and the rank-change hook following. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>

#include <cmocka.h>

#include "app.h"
#include "db.h"
#include "views.h"

static void test_browsers_are_readers(void **state)
{
	(void)state;
	static const char *const browsers[] = {
		"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
		"Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
		"Version/17.5 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
		"Safari/537.36 Edg/131.0.0.0",
		"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
		"Mobile Safari/537.36",
		"Opera/9.80 (Windows NT 6.1) Presto/2.12.388 Version/12.18",
	};
	for (size_t i = 0; i < sizeof browsers / sizeof browsers[0]; i++) {
		if (views_is_bot(browsers[i]))
			fail_msg("a browser taken for a bot: %s", browsers[i]);
	}
}

static void test_bots_and_tools(void **state)
{
	(void)state;
	static const char *const bots[] = {
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
		"Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
		"Mozilla/5.0 (compatible; YandexBot/3.0)",
		"Baiduspider+(+http://www.baidu.com/search/spider.htm)",
		"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36",
		"Mozilla/5.0 (compatible; MSIE 9.0) Chrome-Lighthouse",
		"CCBot/2.0 (https://commoncrawl.org/faq/)",
		"curl/8.5.0", "Wget/1.21.4", "python-requests/2.31.0", "Python-urllib/3.11", "Go-http-client/1.1",
		"Java/17.0.2", "libwww-perl/6.72", "Apache-HttpClient/4.5.14", "okhttp/4.12.0", "axios/1.6.0",
		"node-fetch/1.0", "undici/6", "ApacheBench/2.3", "wrk/4.2.0", "Scrapy/2.11", "Pingdom.com_bot_version_1.4",
		"UptimeRobot/2.0", "Feedfetcher-Google; (+http://www.google.com/feedfetcher.html)",
		"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "GOOGLEBOT/2.1",
		/* no product/version token at all */
		"node", "Mozilla", "-", "",
	};
	for (size_t i = 0; i < sizeof bots / sizeof bots[0]; i++) {
		if (!views_is_bot(bots[i]))
			fail_msg("a bot taken for a reader: '%s'", bots[i]);
	}
	assert_true(views_is_bot(NULL));
	/* a long User-Agent is judged on its first 511 bytes */
	char longua[2048];
	memset(longua, 'a', sizeof longua - 1);
	memcpy(longua, "Mozilla/5.0 ", 12);
	longua[sizeof longua - 1] = '\0';
	assert_false(views_is_bot(longua));
	memcpy(longua + 100, "bot", 3);
	assert_true(views_is_bot(longua));
}

/* find: the count of (id, hour) in an array taken from a table, 0 when absent. */
static int64_t find(const struct views_count *c, size_t n, int64_t id, int64_t hour)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].article_id == id && c[i].hour == hour)
			return c[i].count;
	return 0;
}

static void test_table_aggregates_and_grows(void **state)
{
	(void)state;
	struct views_table t = {.max = 0};
	for (int64_t id = 1; id <= 1000; id++)
		for (int64_t k = 0; k < id % 7 + 1; k++)
			assert_int_equal(views_table_add(&t, id, 3600 * (id % 3), 1), 0);
	assert_int_equal(views_table_add(&t, 5, 3600 * 2, 10), 0); /* 5 % 3 == 2: the same entry */
	assert_int_equal(t.used, 1000);
	assert_true(t.cap >= 1000 * 4 / 3);
	struct views_count *c;
	size_t n = views_table_take(&t, &c);
	assert_int_equal(n, 1000);
	for (int64_t id = 1; id <= 1000; id++)
		assert_int_equal(find(c, n, id, 3600 * (id % 3)), id % 7 + 1 + (id == 5 ? 10 : 0));
	free(c);
	/* taken: empty, storage kept, usable again */
	assert_int_equal(t.used, 0);
	assert_non_null(t.slots);
	assert_int_equal(views_table_take(&t, &c), 0);
	assert_null(c);
	assert_int_equal(views_table_add(&t, 42, 0, 2), 0);
	assert_int_equal(views_table_add(&t, 42, 3600, 3), 0); /* another hour: another entry */
	n = views_table_take(&t, &c);
	assert_int_equal(n, 2);
	assert_int_equal(find(c, n, 42, 0), 2);
	assert_int_equal(find(c, n, 42, 3600), 3);
	free(c);
	views_table_free(&t);
	assert_null(t.slots);
}

static void test_table_limit(void **state)
{
	(void)state;
	struct views_table t = {.max = 3};
	assert_int_equal(views_table_add(&t, 1, 0, 1), 0);
	assert_int_equal(views_table_add(&t, 2, 0, 1), 0);
	assert_int_equal(views_table_add(&t, 3, 0, 1), 0);
	assert_int_equal(views_table_add(&t, 4, 0, 1), -1); /* a fourth entry is refused */
	assert_int_equal(views_table_add(&t, 2, 0, 5), 0);  /* an existing one still counts */
	struct views_count *c;
	size_t n = views_table_take(&t, &c);
	assert_int_equal(n, 3);
	assert_int_equal(find(c, n, 2, 0), 6);
	assert_int_equal(find(c, n, 4, 0), 0);
	free(c);
	views_table_free(&t);
}

static void test_nice_max(void **state)
{
	(void)state;
	static const int64_t cases[][2] = {{0, 1},    {1, 1},     {2, 2},	  {3, 5},	{5, 5},
					   {6, 10},   {10, 10},   {11, 20},	  {20, 20},	{21, 50},
					   {51, 100}, {101, 200}, {999, 1000}, {1001, 2000}, {45000, 50000}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (views_nice_max(cases[i][0]) != cases[i][1])
			fail_msg("views_nice_max(%lld) = %lld, want %lld", (long long)cases[i][0],
				 (long long)views_nice_max(cases[i][0]), (long long)cases[i][1]);
	}
}

#define THREADS 8
#define PER_THREAD 20000

struct worker {
	int64_t ids[2];
};

/* record: a worker thread: PER_THREAD views, alternating between two articles; a bot's are ignored. */
static void *record(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < PER_THREAD; i++) {
		views_record(w->ids[i % 2], "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
		views_record(w->ids[i % 2], "Googlebot/2.1");
	}
	return NULL;
}

static int hook_calls;
static char hook_edition[8];

static void on_rank(const char *edition, void *arg)
{
	(void)arg;
	hook_calls++;
	snprintf(hook_edition, sizeof hook_edition, "%s", edition);
}

/* insert_article: a published article of the edition in section sec; returns its id. */
static int64_t insert_article(struct db *db, const char *edition, int64_t sec, const char *slug, int64_t t)
{
	struct db_article art = {.edition = edition, .slug = slug, .headline = slug, .status = "published",
				 .section_id = sec, .created_at = t, .published_at = t, .updated_at = t};
	int64_t id = 0;
	assert_int_equal(db_article_insert(db, &art, &id), DB_OK);
	return id;
}

static void test_threads_flush_rank(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_views_XXXXXX", path[64], err[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/site.db", dir);
	struct app app = {0};
	config_defaults(&app.cfg);
	app.db = db_sqlite_open(path, 1, err, sizeof err);
	assert_non_null(app.db);
	int version = 0;
	assert_int_equal(db_migrate(app.db, &version), DB_OK);
	struct db_section s = {.edition = "en", .slug = "world", .name = "World"};
	int64_t sec = 0;
	assert_int_equal(db_section_put(app.db, &s, &sec), DB_OK);
	int64_t now = (int64_t)time(NULL);
	int64_t a = insert_article(app.db, "en", sec, "a", now - 100), b = insert_article(app.db, "en", sec, "b", now - 50);

	views_on_rank_change(on_rank, NULL);
	uint64_t gen = views_rank_generation();
	pthread_t th[THREADS];
	struct worker w[THREADS];
	for (int i = 0; i < THREADS; i++) {
		/* every thread gives b one more view than a, except the first, which gives a extra */
		w[i] = (struct worker){.ids = {i == 0 ? a : b, i == 0 ? b : a}};
		assert_int_equal(pthread_create(&th[i], NULL, record, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	views_record(b, "Mozilla/5.0 Firefox/128.0"); /* one more: b leads by one */
	views_record(a, NULL);                        /* no User-Agent: not counted */
	assert_int_equal(views_flush(&app), 0);

	struct arena ar = ARENA_INIT;
	struct db_views_row *rows;
	size_t n;
	assert_int_equal(db_views_top(app.db, &ar, "en", 0, 10, &rows, &n), DB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].article_id, b);
	assert_int_equal(rows[0].views, THREADS * PER_THREAD / 2 + 1);
	assert_int_equal(rows[1].article_id, a);
	assert_int_equal(rows[1].views, THREADS * PER_THREAD / 2);
	assert_int_equal(db_views_top(app.db, &ar, "ar", 0, 10, &rows, &n), DB_OK);
	assert_int_equal(n, 0);
	int64_t ids[VIEWS_TOP];
	assert_int_equal(views_most_read("en", ids, VIEWS_TOP), 2);
	assert_int_equal(ids[0], b);
	assert_int_equal(ids[1], a);
	assert_int_equal(views_most_read("ar", ids, VIEWS_TOP), 0);
	assert_int_equal(hook_calls, 1);
	assert_string_equal(hook_edition, "en");
	assert_true(views_rank_generation() > gen);

	/* a flush with nothing new: no write, the ranking and the hook stay quiet */
	gen = views_rank_generation();
	assert_int_equal(views_flush(&app), 0);
	assert_int_equal(hook_calls, 1);
	assert_int_equal(views_rank_generation(), gen);
	/* two more views of a: it overtakes b, and the hook hears of it */
	views_record(a, "Mozilla/5.0 Firefox/128.0");
	views_record(a, "Mozilla/5.0 Firefox/128.0");
	assert_int_equal(views_flush(&app), 0);
	assert_int_equal(views_most_read("en", ids, VIEWS_TOP), 2);
	assert_int_equal(ids[0], a);
	assert_int_equal(hook_calls, 2);
	/* hourly totals: everything is in this hour (or the next, should the clock pass one meanwhile) */
	assert_int_equal(db_views_hourly(app.db, &ar, 0, &rows, &n), DB_OK);
	assert_in_range(n, 1, 2);
	int64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		assert_in_range(rows[i].hour, now / 3600 * 3600, now / 3600 * 3600 + 3600);
		assert_int_equal(rows[i].hour % 3600, 0);
		total += rows[i].views;
	}
	assert_int_equal(total, THREADS * PER_THREAD + 3);
	/* an unpublished article leaves the ranking at the next flush */
	assert_int_equal(db_article_set_status(app.db, a, "unpublished", now - 100, 0, 0), DB_OK);
	assert_int_equal(views_flush(&app), 0);
	assert_int_equal(views_most_read("en", ids, VIEWS_TOP), 1);
	assert_int_equal(ids[0], b);

	views_on_rank_change(NULL, NULL);
	arena_free(&ar);
	db_close(app.db);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_browsers_are_readers),
		cmocka_unit_test(test_bots_and_tools),
		cmocka_unit_test(test_table_aggregates_and_grows),
		cmocka_unit_test(test_table_limit),
		cmocka_unit_test(test_nice_max),
		cmocka_unit_test(test_threads_flush_rank),
	};
	return cmocka_run_group_tests_name("views", tests, NULL, NULL);
}
