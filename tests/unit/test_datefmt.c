/* test_datefmt.c - unit tests for the date formats (src/datefmt.c). */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "buf.h"
#include "datefmt.h"

static void check_stamp(int64_t t, const char *lang, const char *want)
{
	struct buf b = BUF_INIT;
	datefmt_stamp(&b, t, lang);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void check_iso(int64_t t, const char *want)
{
	struct buf b = BUF_INIT;
	datefmt_iso(&b, t);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void check_http(int64_t t, const char *want)
{
	struct buf b = BUF_INIT;
	datefmt_http(&b, t);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void test_from_civil_known_values(void **state)
{
	(void)state;
	assert_int_equal(datefmt_from_civil(1970, 1, 1, 0, 0, 0), 0);
	assert_int_equal(datefmt_from_civil(1970, 1, 2, 0, 0, 0), 86400);
	assert_int_equal(datefmt_from_civil(2000, 1, 1, 0, 0, 0), 946684800);
	assert_int_equal(datefmt_from_civil(2018, 1, 23, 5, 1, 0), 1516683660);
	assert_int_equal(datefmt_from_civil(2038, 1, 19, 3, 14, 7), 2147483647);
	assert_int_equal(datefmt_from_civil(1969, 12, 31, 23, 59, 59), -1);
	/* past 2038: 64-bit all the way */
	assert_int_equal(datefmt_from_civil(2100, 1, 1, 0, 0, 0), 4102444800);
	check_iso(4102444800, "2100-01-01T00:00:00Z");
}

/* the stamps printed on the model page */
static void test_month_names(void **state)
{
	(void)state;
	assert_string_equal(datefmt_month(11, "en"), "Nov");
	assert_string_equal(datefmt_month(1, NULL), "Jan");
	assert_string_equal(datefmt_month(11, "ar"), "نوفمبر");
	assert_string_equal(datefmt_month(12, "ar"), "ديسمبر");
	assert_string_equal(datefmt_month(0, "en"), "Jan"); /* clamped */
	assert_string_equal(datefmt_month(13, "ar"), "ديسمبر");
}

static void test_stamp_model_page(void **state)
{
	(void)state;
	check_stamp(datefmt_from_civil(2018, 1, 23, 5, 1, 0), "en", "GMT 05:01 2018 Tuesday ,23 January");
	check_stamp(datefmt_from_civil(2018, 1, 20, 3, 28, 0), "en", "GMT 03:28 2018 Saturday ,20 January");
	check_stamp(datefmt_from_civil(2018, 1, 15, 5, 36, 0), "en", "GMT 05:36 2018 Monday ,15 January");
	check_stamp(datefmt_from_civil(2018, 1, 11, 13, 14, 0), "en", "GMT 13:14 2018 Thursday ,11 January");
	check_stamp(datefmt_from_civil(2018, 1, 8, 6, 20, 0), "en", "GMT 06:20 2018 Monday ,08 January");
	/* seconds are not shown */
	check_stamp(datefmt_from_civil(2018, 1, 23, 5, 1, 59), "en", "GMT 05:01 2018 Tuesday ,23 January");
}

static void test_stamp_languages(void **state)
{
	(void)state;
	int64_t t = datefmt_from_civil(2018, 1, 23, 5, 1, 0);
	check_stamp(t, "ar", "GMT 05:01 2018 الثلاثاء ,23 يناير");
	check_stamp(datefmt_from_civil(2026, 12, 4, 23, 59, 0), "ar", "GMT 23:59 2026 الجمعة ,04 ديسمبر");
	/* anything but "ar" is English, including NULL */
	check_stamp(t, NULL, "GMT 05:01 2018 Tuesday ,23 January");
	check_stamp(t, "fr", "GMT 05:01 2018 Tuesday ,23 January");
	check_stamp(t, "arx", "GMT 05:01 2018 Tuesday ,23 January");
}

static void test_iso_and_http(void **state)
{
	(void)state;
	int64_t t = datefmt_from_civil(2018, 1, 23, 5, 1, 0);
	check_iso(t, "2018-01-23T05:01:00Z");
	check_http(t, "Tue, 23 Jan 2018 05:01:00 GMT");
	check_iso(t + 7, "2018-01-23T05:01:07Z");
	check_http(datefmt_from_civil(2026, 11, 5, 9, 8, 7), "Thu, 05 Nov 2026 09:08:07 GMT");
	check_iso(datefmt_from_civil(2026, 11, 5, 9, 8, 7), "2026-11-05T09:08:07Z");
}

static void test_epoch(void **state)
{
	(void)state;
	check_stamp(0, "en", "GMT 00:00 1970 Thursday ,01 January");
	check_stamp(0, "ar", "GMT 00:00 1970 الخميس ,01 يناير");
	check_iso(0, "1970-01-01T00:00:00Z");
	check_http(0, "Thu, 01 Jan 1970 00:00:00 GMT");
	/* one second before the epoch is a Wednesday in 1969 */
	check_iso(-1, "1969-12-31T23:59:59Z");
	check_http(-1, "Wed, 31 Dec 1969 23:59:59 GMT");
}

static void test_leap_days(void **state)
{
	(void)state;
	int64_t t = datefmt_from_civil(2024, 2, 29, 12, 0, 0);
	check_stamp(t, "en", "GMT 12:00 2024 Thursday ,29 February");
	check_stamp(t, "ar", "GMT 12:00 2024 الخميس ,29 فبراير");
	check_iso(t, "2024-02-29T12:00:00Z");
	check_http(t, "Thu, 29 Feb 2024 12:00:00 GMT");
	check_iso(t + 86400, "2024-03-01T12:00:00Z");
	/* 2000 is a leap year (divisible by 400), 1900 and 2100 are not */
	check_iso(datefmt_from_civil(2000, 2, 29, 0, 0, 0), "2000-02-29T00:00:00Z");
	check_iso(datefmt_from_civil(2100, 2, 28, 0, 0, 0) + 86400, "2100-03-01T00:00:00Z");
	check_iso(datefmt_from_civil(1900, 2, 28, 0, 0, 0) + 86400, "1900-03-01T00:00:00Z");
	check_iso(datefmt_from_civil(2023, 12, 31, 23, 59, 59) + 1, "2024-01-01T00:00:00Z");
}

static int days_in_month(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : d[m - 1];
}

/* walk day by day from 1960 for ~20000 days, comparing with an independent calendar count */
static void test_ymd_round_trip(void **state)
{
	(void)state;
	int y = 1960, m = 1, d = 1;
	int64_t t0 = datefmt_from_civil(1960, 1, 1, 0, 0, 0);
	assert_int_equal(t0, -315619200);
	for (int i = 0; i < 20000; i++) {
		int64_t t = t0 + (int64_t)i * 86400;
		assert_int_equal(datefmt_from_civil(y, m, d, 0, 0, 0), t);
		int yy, mm, dd;
		datefmt_ymd(t, &yy, &mm, &dd);
		assert_int_equal(yy, y);
		assert_int_equal(mm, m);
		assert_int_equal(dd, d);
		/* any second of the day gives the same date */
		datefmt_ymd(t + 86399, &yy, &mm, &dd);
		assert_int_equal(yy, y);
		assert_int_equal(mm, m);
		assert_int_equal(dd, d);
		if (++d > days_in_month(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	assert_int_equal(y, 2014); /* 20000 days after 1960-01-01 is 2014-10-04 */
	assert_int_equal(m, 10);
	assert_int_equal(d, 4);
}

static void test_weekdays_cycle(void **state)
{
	(void)state;
	static const char *const names[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	/* 2018-01-01 was a Monday */
	int64_t t = datefmt_from_civil(2018, 1, 1, 0, 0, 0);
	for (int i = 0; i < 21; i++) {
		struct buf b = BUF_INIT;
		datefmt_http(&b, t + (int64_t)i * 86400);
		assert_memory_equal(buf_cstr(&b), names[i % 7], 3);
		buf_free(&b);
	}
}

static void test_parse_input(void **state)
{
	(void)state;
	int64_t t = 7;
	assert_int_equal(datefmt_parse("2018-01-23 05:01:00", &t), 0);
	assert_int_equal(t, datefmt_from_civil(2018, 1, 23, 5, 1, 0));
	assert_int_equal(datefmt_parse("2018-01-23T05:01", &t), 0); /* datetime-local, no seconds */
	assert_int_equal(t, datefmt_from_civil(2018, 1, 23, 5, 1, 0));
	assert_int_equal(datefmt_parse("2024-02-29 23:59:59Z", &t), 0);
	assert_int_equal(t, datefmt_from_civil(2024, 2, 29, 23, 59, 59));
	/* round trip through the form's own format */
	for (int64_t x = 0; x < 4000000000LL; x += 123456789) {
		struct buf b = BUF_INIT;
		datefmt_input(&b, x);
		assert_int_equal(datefmt_parse(buf_cstr(&b), &t), 0);
		assert_int_equal(t, x);
		buf_free(&b);
	}
	t = 7;
	const char *bad[] = {"",  "2018-01-23",  "2018-1-23 05:01", "2018-01-23 5:01", "2023-02-29 00:00",
			     "2018-13-01 00:00", "2018-04-31 00:00", "2018-01-23 24:00", "2018-01-23 05:60",
			     "2018-01-23 05:01:60", "1969-12-31 23:59", "2018-01-23 05:01 ", "٢٠١٨-01-23 05:01",
			     "2018-01-23 05:01:00+02:00", NULL};
	for (int i = 0; bad[i]; i++) {
		assert_int_equal(datefmt_parse(bad[i], &t), -1);
		assert_int_equal(t, 7);
	}
	assert_int_equal(datefmt_parse(NULL, &t), -1);
}

/* If-Modified-Since: the three forms RFC 7231 section 7.1.1.1 requires, and what must be refused */
static void test_parse_http(void **state)
{
	(void)state;
	int64_t t = 0, want = datefmt_from_civil(1994, 11, 6, 8, 49, 37);
	assert_int_equal(datefmt_parse_http("Sun, 06 Nov 1994 08:49:37 GMT", &t), 0);
	assert_int_equal(t, want);
	t = 0;
	assert_int_equal(datefmt_parse_http("Sunday, 06-Nov-94 08:49:37 GMT", &t), 0);
	assert_int_equal(t, want);
	t = 0;
	assert_int_equal(datefmt_parse_http("Sun Nov  6 08:49:37 1994", &t), 0);
	assert_int_equal(t, want);
	assert_int_equal(datefmt_parse_http("Thursday, 05-Nov-26 09:08:07 GMT", &t), 0);
	assert_int_equal(t, datefmt_from_civil(2026, 11, 5, 9, 8, 7));
	assert_int_equal(datefmt_parse_http("Tue Feb 29 00:00:00 2028", &t), 0);
	assert_int_equal(t, datefmt_from_civil(2028, 2, 29, 0, 0, 0));
	/* what datefmt_http writes reads back */
	for (int64_t x = 0; x < 4000000000LL; x += 98765432) {
		struct buf b = BUF_INIT;
		datefmt_http(&b, x);
		assert_int_equal(datefmt_parse_http(buf_cstr(&b), &t), 0);
		assert_int_equal(t, x);
		buf_free(&b);
	}
	t = 7;
	const char *bad[] = {"",
			     "Sun, 06 Nov 1994 08:49:37",
			     "Sun, 06 Nov 1994 08:49:37 GMT ",
			     "Sun, 06 Nov 1994 08:49:37 UTC",
			     "Sun, 6 Nov 1994 08:49:37 GMT",
			     "Sun, 06 nov 1994 08:49:37 GMT",
			     "Sun, 31 Nov 1994 08:49:37 GMT",
			     "Sun, 29 Feb 2026 08:49:37 GMT",
			     "Sun, 06 Nov 1994 24:00:00 GMT",
			     "Sun 06 Nov 1994 08:49:37 GMT",
			     "Xyz, 06 Nov 1994 08:49:37 GMT",
			     "Sunday, 06-Nov-1994 08:49:37 GMT",
			     "Sun Nov 6 08:49:37 1994",
			     "Sun Nov  6 08:49:37 1994 ",
			     "2026-11-05T09:08:07Z",
			     "Sun, 06 Nov 1994 08:49:37 GMT\n",
			     NULL};
	for (int i = 0; bad[i]; i++) {
		assert_int_equal(datefmt_parse_http(bad[i], &t), -1);
		assert_int_equal(t, 7);
	}
	assert_int_equal(datefmt_parse_http(NULL, &t), -1);
}

typedef struct tm *(*gmtime_fn)(const time_t *, struct tm *);

/* check_gmtime: src/datefmt.c's gmtime_r gives what glibc's (libc) gives for t: the same fields, or
 * NULL with EOVERFLOW from both */
static void check_gmtime(gmtime_fn libc, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm a, b;
	memset(&a, 0x5a, sizeof a);
	memset(&b, 0x5a, sizeof b);
	errno = 0;
	struct tm *ra = gmtime_r(&tt, &a);
	int ea = errno;
	errno = 0;
	struct tm *rb = libc(&tt, &b);
	int eb = errno;
	if (!rb) {
		if (ra)
			fail_msg("t=%lld: glibc refuses (errno %d), ours gives year %d", (long long)t, eb, a.tm_year);
		assert_int_equal(ea, EOVERFLOW);
		assert_int_equal(eb, EOVERFLOW);
		return;
	}
	if (!ra)
		fail_msg("t=%lld: ours refuses, glibc gives year %d", (long long)t, b.tm_year);
	assert_ptr_equal(ra, &a);
	if (a.tm_sec != b.tm_sec || a.tm_min != b.tm_min || a.tm_hour != b.tm_hour || a.tm_mday != b.tm_mday ||
	    a.tm_mon != b.tm_mon || a.tm_year != b.tm_year || a.tm_wday != b.tm_wday || a.tm_yday != b.tm_yday ||
	    a.tm_isdst != b.tm_isdst || a.tm_gmtoff != b.tm_gmtoff || strcmp(a.tm_zone, b.tm_zone) != 0)
		fail_msg("t=%lld: ours %d-%02d-%02d %02d:%02d:%02d wday %d yday %d, glibc %d-%02d-%02d %02d:%02d:%02d "
			 "wday %d yday %d",
			 (long long)t, a.tm_year + 1900, a.tm_mon + 1, a.tm_mday, a.tm_hour, a.tm_min, a.tm_sec, a.tm_wday,
			 a.tm_yday, b.tm_year + 1900, b.tm_mon + 1, b.tm_mday, b.tm_hour, b.tm_min, b.tm_sec, b.tm_wday,
			 b.tm_yday);
}

/* the process's gmtime_r (libmicrohttpd's Date header among its callers) is the lock-free one: the same
 * answers as glibc's over edges, every hour of 1969-2101, the ends of the int year range and random
 * 64-bit times */
static void test_gmtime_r_matches_glibc(void **state)
{
	(void)state;
	gmtime_fn libc = (gmtime_fn)dlsym(RTLD_NEXT, "gmtime_r");
	assert_non_null(libc);
	assert_true(libc != gmtime_r);
	/* what a shared library calling gmtime_r binds to is this one, not glibc's */
	assert_true((gmtime_fn)dlsym(RTLD_DEFAULT, "gmtime_r") == gmtime_r);
	const int64_t edges[] = {0, -1, 1, 86399, 86400, -86400, -86401, 951782400, 951868800, 4107542400,
				 2147483647, -2147483648LL, 253402300799, 253402300800, -62135596800, -62135596801,
				 67768036191676799LL, 67768036191676800LL, INT64_MAX, INT64_MIN, INT64_MIN + 1};
	for (size_t i = 0; i < sizeof edges / sizeof *edges; i++)
		check_gmtime(libc, edges[i]);
	int64_t low = datefmt_from_civil(INT_MIN + 1900, 1, 1, 0, 0, 0); /* the first second glibc dates */
	check_gmtime(libc, low);
	check_gmtime(libc, low - 1);
	for (int64_t t = datefmt_from_civil(1969, 1, 1, 0, 0, 0); t < datefmt_from_civil(2101, 1, 1, 0, 0, 0); t += 3599)
		check_gmtime(libc, t);
	uint64_t x = 0x9e3779b97f4a7c15u;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t t = (int64_t)x;
		check_gmtime(libc, t);
		check_gmtime(libc, t >> 20); /* within about +-279,000 years */
		check_gmtime(libc, t >> 8);  /* within about +-1.1 billion years */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_civil_known_values), cmocka_unit_test(test_stamp_model_page),
		cmocka_unit_test(test_month_names),
		cmocka_unit_test(test_stamp_languages),         cmocka_unit_test(test_iso_and_http),
		cmocka_unit_test(test_epoch),                   cmocka_unit_test(test_leap_days),
		cmocka_unit_test(test_ymd_round_trip),          cmocka_unit_test(test_weekdays_cycle),
		cmocka_unit_test(test_parse_input),             cmocka_unit_test(test_parse_http),
		cmocka_unit_test(test_gmtime_r_matches_glibc),
	};
	return cmocka_run_group_tests_name("datefmt", tests, NULL, NULL);
}
