/* datefmt.c - date formatting in UTC without gmtime/locale, so it is thread-safe and identical
 * everywhere (see datefmt.h). Civil-from-days after H. Hinnant's public-domain algorithm. */
#include "datefmt.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>

static const char *const days_en[7] = {"Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"};
static const char *const days_ar[7] = {"الخميس", "الجمعة", "السبت", "الأحد", "الاثنين", "الثلاثاء", "الأربعاء"};
static const char *const days_short[7] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
static const char *const months_en[12] = {"January", "February", "March",     "April",   "May",      "June",
					  "July",    "August",   "September", "October", "November", "December"};
static const char *const months_ar[12] = {"يناير",  "فبراير", "مارس",   "أبريل",  "مايو",   "يونيو",
					  "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"};
static const char *const months_short[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

const char *datefmt_month(int month, const char *lang)
{
	int m = month < 1 ? 1 : month > 12 ? 12 : month;
	return lang && strcmp(lang, "ar") == 0 ? months_ar[m - 1] : months_short[m - 1];
}

struct civil {
	int year, month, day, hour, min, sec, wday; /* wday: 0 = Thursday (1970-01-01) */
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* civil_of_days: the proleptic Gregorian year, month (1-12) and day (1-31) of a day count from 1970-01-01;
 * the year is 64-bit, so any day count of a 64-bit time in seconds fits. */
static void civil_of_days(int64_t days, int64_t *year, int *month, int *day)
{
	int64_t z = days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2);
}

static struct civil civil_from(int64_t t)
{
	struct civil c;
	int64_t days = floor_div(t, 86400);
	int64_t secs = t - days * 86400;
	c.hour = (int)(secs / 3600);
	c.min = (int)(secs / 60 % 60);
	c.sec = (int)(secs % 60);
	c.wday = (int)(((days % 7) + 7) % 7);
	int64_t y;
	civil_of_days(days, &y, &c.month, &c.day);
	c.year = (int)y;
	return c;
}

/* gmtime_r: the C library's UTC conversion, defined here for the whole process, libmicrohttpd's Date
 * header included (the executable's definition comes before libc's in symbol lookup). glibc's takes
 * its process-wide time zone lock even for UTC: two server threads dating every reply made 80 to 200
 * futex calls a second over that lock under load, and a thread asleep on it stalls all its connections
 * (bench/RESULTS.md). UTC needs no zone data, so this one is arithmetic and takes no lock. Fills *tm as
 * glibc does (tm_isdst and tm_gmtoff 0, tm_zone "GMT"); returns tm, or NULL with errno EOVERFLOW when
 * the year minus 1900 does not fit an int (tests/unit/test_datefmt.c compares it with glibc's). */
struct tm *gmtime_r(const time_t *restrict timer, struct tm *restrict tm)
{
	int64_t t = (int64_t)*timer;
	int64_t days = t / 86400, secs = t % 86400; /* (t - secs would overflow near INT64_MIN) */
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	int64_t year;
	int month, day;
	civil_of_days(days, &year, &month, &day);
	if (year - 1900 > INT_MAX || year - 1900 < INT_MIN) {
		errno = EOVERFLOW;
		return NULL;
	}
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	static const short before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	*tm = (struct tm){.tm_sec = (int)(secs % 60),
			  .tm_min = (int)(secs / 60 % 60),
			  .tm_hour = (int)(secs / 3600),
			  .tm_mday = day,
			  .tm_mon = month - 1,
			  .tm_year = (int)(year - 1900),
			  .tm_wday = (int)(((days % 7) + 11) % 7), /* 1970-01-01 was a Thursday (4) */
			  .tm_yday = before[month - 1] + day - 1 + (leap && month > 2),
			  .tm_isdst = 0,
			  .tm_gmtoff = 0,
			  .tm_zone = "GMT"};
	return tm;
}

int64_t datefmt_from_civil(int year, int month, int day, int hour, int min, int sec)
{
	int64_t y = year - (month <= 2);
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;
	return days * 86400 + hour * 3600 + min * 60 + sec;
}

void datefmt_ymd(int64_t t, int *year, int *month, int *day)
{
	struct civil c = civil_from(t);
	*year = c.year;
	*month = c.month;
	*day = c.day;
}

void datefmt_stamp(struct buf *b, int64_t t, const char *lang)
{
	struct civil c = civil_from(t);
	int ar = lang && strcmp(lang, "ar") == 0;
	buf_printf(b, "GMT %02d:%02d %d %s ,%02d %s", c.hour, c.min, c.year, ar ? days_ar[c.wday] : days_en[c.wday],
		   c.day, ar ? months_ar[c.month - 1] : months_en[c.month - 1]);
}

void datefmt_iso(struct buf *b, int64_t t)
{
	struct civil c = civil_from(t);
	buf_printf(b, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day, c.hour, c.min, c.sec);
}

void datefmt_http(struct buf *b, int64_t t)
{
	struct civil c = civil_from(t);
	buf_printf(b, "%s, %02d %s %04d %02d:%02d:%02d GMT", days_short[c.wday], c.day, months_short[c.month - 1], c.year,
		   c.hour, c.min, c.sec);
}

void datefmt_input(struct buf *b, int64_t t)
{
	struct civil c = civil_from(t);
	buf_printf(b, "%04d-%02d-%02d %02d:%02d:%02d", c.year, c.month, c.day, c.hour, c.min, c.sec);
}

/* take_num: reads exactly n digits at *s into *out and advances; -1 when they are not there. */
static int take_num(const char **s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char ch = (*s)[i];
		if (ch < '0' || ch > '9')
			return -1;
		v = v * 10 + (ch - '0');
	}
	*s += n;
	*out = v;
	return 0;
}

int datefmt_parse(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec = 0;
	if (!s || take_num(&s, 4, &y) < 0 || *s++ != '-' || take_num(&s, 2, &mo) < 0 || *s++ != '-' ||
	    take_num(&s, 2, &d) < 0 || (*s != ' ' && *s != 'T') || !*s++ || take_num(&s, 2, &h) < 0 || *s++ != ':' ||
	    take_num(&s, 2, &mi) < 0)
		return -1;
	if (*s == ':') {
		s++;
		if (take_num(&s, 2, &sec) < 0)
			return -1;
	}
	if (*s == 'Z')
		s++;
	if (*s)
		return -1;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 ||
	    mi > 59 || sec > 59)
		return -1;
	*out = datefmt_from_civil(y, mo, d, h, mi, sec);
	return 0;
}

/* month_of: 1-12 for a three-letter English month abbreviation at s (case-sensitive, as HTTP sends it),
 * 0 otherwise. */
static int month_of(const char *s)
{
	for (int i = 0; i < 12; i++)
		if (strncmp(s, months_short[i], 3) == 0)
			return i + 1;
	return 0;
}

/* skip_day_name: advances past a short ("Sun") or, when long is set, a full ("Sunday") English day name;
 * -1 when none is there. */
static int skip_day_name(const char **s, int long_name)
{
	for (int i = 0; i < 7; i++) {
		const char *name = long_name ? days_en[i] : days_short[i];
		size_t n = strlen(name);
		if (strncmp(*s, name, n) == 0) {
			*s += n;
			return 0;
		}
	}
	return -1;
}

/* take_time: "HH:MM:SS" at *s. */
static int take_time(const char **s, int *h, int *mi, int *sec)
{
	if (take_num(s, 2, h) < 0 || *(*s)++ != ':' || take_num(s, 2, mi) < 0 || *(*s)++ != ':' || take_num(s, 2, sec) < 0)
		return -1;
	return 0;
}

/* The fields of a date as an HTTP date spells them. */
struct http_date {
	int y, mo, d, h, mi, sec;
};

/* take_dated: the rest of an IMF-fixdate (sep ' ', a 4-digit year) or RFC 850 date (sep '-', 2 digits)
 * after its day name's comma: " DD<sep>Mon<sep>YEAR HH:MM:SS GMT" and the end, into t. Returns 0 or -1. */
static int take_dated(const char *p, char sep, int year_digits, struct http_date *t)
{
	if (*p++ != ' ' || take_num(&p, 2, &t->d) < 0 || *p++ != sep || !(t->mo = month_of(p)))
		return -1;
	p += 3;
	if (*p++ != sep || take_num(&p, year_digits, &t->y) < 0 || *p++ != ' ' ||
	    take_time(&p, &t->h, &t->mi, &t->sec) < 0 || strcmp(p, " GMT") != 0)
		return -1;
	return 0;
}

/* take_asctime: the rest of an asctime date after its day name's space: "Nov  6 08:49:37 1994" (the day
 * padded with a space) and the end, into t. Returns 0 or -1. */
static int take_asctime(const char *p, struct http_date *t)
{
	if (!(t->mo = month_of(p)))
		return -1;
	p += 3;
	if (*p++ != ' ')
		return -1;
	if (*p == ' ') {
		p++;
		if (take_num(&p, 1, &t->d) < 0)
			return -1;
	} else if (take_num(&p, 2, &t->d) < 0) {
		return -1;
	}
	if (*p++ != ' ' || take_time(&p, &t->h, &t->mi, &t->sec) < 0 || *p++ != ' ' || take_num(&p, 4, &t->y) < 0 || *p)
		return -1;
	return 0;
}

int datefmt_parse_http(const char *s, int64_t *out)
{
	struct http_date t;
	const char *p = s;
	if (!s)
		return -1;
	if (skip_day_name(&p, 0) == 0 && *p == ',') {
		/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
		if (take_dated(p + 1, ' ', 4, &t) < 0)
			return -1;
	} else if (p = s, skip_day_name(&p, 1) == 0 && *p == ',') {
		/* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" */
		if (take_dated(p + 1, '-', 2, &t) < 0)
			return -1;
		t.y += t.y < 70 ? 2000 : 1900;
	} else if (p = s, skip_day_name(&p, 0) == 0 && *p == ' ') {
		/* asctime: "Sun Nov  6 08:49:37 1994" */
		if (take_asctime(p + 1, &t) < 0)
			return -1;
	} else {
		return -1;
	}
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (t.y % 4 == 0 && t.y % 100 != 0) || t.y % 400 == 0;
	if (t.d < 1 || t.d > mdays[t.mo - 1] || (t.mo == 2 && t.d == 29 && !leap) || t.h > 23 || t.mi > 59 || t.sec > 60)
		return -1;
	*out = datefmt_from_civil(t.y, t.mo, t.d, t.h, t.mi, t.sec > 59 ? 59 : t.sec);
	return 0;
}
