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
/* datefmt_http: RFC 7231 IMF-fixdate, "Tue, 23 Jan 2018 05:01:00 GMT" (HTTP headers, RSS). */
void datefmt_http(struct buf *b, int64_t t);
/* datefmt_ymd: splits t into UTC year, month (1-12) and day (1-31). */
void datefmt_ymd(int64_t t, int *year, int *month, int *day);
/* datefmt_from_civil: UTC seconds for a civil date and time; no range check beyond what is given. */
int64_t datefmt_from_civil(int year, int month, int day, int hour, int min, int sec);

#endif
