/* datefmt.h - every date the site prints, from UTC seconds. Pure functions, no locale. */
#ifndef BROADSHEET_DATEFMT_H
#define BROADSHEET_DATEFMT_H
#include <stdint.h>

#include "buf.h"

/* datefmt_stamp: the site stamp, always UTC: "GMT 05:01 2018 Tuesday ,23 January". For lang "ar"
 * the day and month names are Arabic ("GMT 05:01 2018 الثلاثاء ,23 يناير"); any other lang is English. */
void datefmt_stamp(struct buf *b, int64_t t, const char *lang);
/* datefmt_iso: RFC 3339 / ISO 8601 UTC, "2018-01-23T05:01:00Z" (for <time datetime>, Atom, JSON). */
void datefmt_iso(struct buf *b, int64_t t);
/* datefmt_http: RFC 7231 IMF-fixdate, "Tue, 23 Jan 2018 05:01:00 GMT" (HTTP headers). It is also the
 * RFC 822 date RSS 2.0 asks for (with the four-digit year of RFC 1123 that every feed reader accepts),
 * so RSS pubDate and lastBuildDate use it too. */
void datefmt_http(struct buf *b, int64_t t);
/* datefmt_parse_http: reads an HTTP date (If-Modified-Since) in any of the three forms RFC 7231 says a
 * recipient must accept: IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850 "Sunday, 06-Nov-94
 * 08:49:37 GMT" (two-digit years 70-99 are 19xx, 00-69 are 20xx) and asctime "Sun Nov  6 08:49:37 1994".
 * The weekday name is checked for form, not against the date. Returns 0 with *out set, or -1 for
 * anything else (*out untouched). */
int datefmt_parse_http(const char *s, int64_t *out);
/* datefmt_month: the month's short English name ("Nov") or, for lang "ar", its Arabic name ("نوفمبر");
 * month 1-12 (others are clamped). Static. */
const char *datefmt_month(int month, const char *lang);
/* datefmt_ymd: splits t into UTC year, month (1-12) and day (1-31). */
void datefmt_ymd(int64_t t, int *year, int *month, int *day);
/* datefmt_from_civil: UTC seconds for a civil date and time; no range check beyond what is given. */
int64_t datefmt_from_civil(int year, int month, int day, int hour, int min, int sec);
/* datefmt.c also defines gmtime_r (declared in <time.h>) for the whole process: glibc's takes a process-wide
 * lock even for UTC, and libmicrohttpd calls it to date every reply. */

/* datefmt_input: "2018-01-23 05:01:00" (UTC), the form the newsroom's time fields use. */
void datefmt_input(struct buf *b, int64_t t);
/* datefmt_parse: reads a UTC time typed as "YYYY-MM-DD HH:MM[:SS]" (a 'T' may replace the space, as
 * from <input type=datetime-local>; a trailing 'Z' is allowed) into *out. Returns 0, or -1 for anything
 * else, including impossible dates and years before 1970 (*out untouched). */
int datefmt_parse(const char *s, int64_t *out);
#endif
