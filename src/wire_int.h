/* wire_int.h - what the wire parsers share (src/wire.c: text cleaning, dates, languages and ninjs;
 * src/wire_xml.c: NewsML-G2 and RSS/Atom). Not for other modules: use wire.h. */
#ifndef BROADSHEET_WIRE_INT_H
#define BROADSHEET_WIRE_INT_H
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "wire.h"

/* Bounds of the text fields, in characters (code points). */
#define WIRE_MAX_GUID 1000
#define WIRE_MAX_HEADLINE 1000
#define WIRE_MAX_BYLINE 500
#define WIRE_MAX_SUMMARY 5000
#define WIRE_MAX_SHORT 200 /* located, credit, pubstatus */
#define WIRE_MAX_SUBJECTS 2000
#define WIRE_MAX_LINK 2000

/* wire_subject_add: appends subject name to the comma-separated list in b (nothing for a NULL or empty
 * name, or once b holds more than WIRE_MAX_SUBJECTS * 4 bytes: wire_clean cuts the list after). */
struct buf;
void wire_subject_add(struct buf *b, const char *name);

/* wire_clean: s as one line of text in the arena: ends trimmed, control characters and runs of whitespace
 * made one space, cut at max characters (at a character boundary). "" for NULL or invalid UTF-8. */
const char *wire_clean(struct arena *a, const char *s, size_t max);

/* wire_lang: a BCP 47 tag cut to its language subtag, lower case ("en-GB" -> "en"); "" when none. */
const char *wire_lang(struct arena *a, const char *tag);

/* wire_link: s trimmed when it is an http(s) address of at most WIRE_MAX_LINK bytes without spaces or
 * controls, else "". */
const char *wire_link(struct arena *a, const char *s);

/* wire_date: UTC seconds of an ISO 8601 date-time ("2026-12-06T10:00:00+02:00", fraction and offset optional,
 * a date alone is midnight UTC) or an RFC 822 date ("Sun, 06 Dec 2026 10:00:00 +0200", GMT/UT/US zones, a
 * two-digit year). 0 when s is none of these. */
int64_t wire_date(const char *s);

/* wire_status: "usable", "withheld" or "canceled" from a ninjs value or a NewsML-G2 qcode ("stat:usable"),
 * "" otherwise. */
const char *wire_status(const char *s);

/* wire_html_text: the plain text of an HTML fragment (tags out, entities decoded), cleaned as wire_clean
 * with max. */
const char *wire_html_text(struct arena *a, const char *html, size_t max);

/* wire_text_html: plain text as HTML paragraphs (a blank line separates them; escaped). Arena string. */
const char *wire_text_html(struct arena *a, const char *text);

/* wire_body: html as the item's body: "" when not valid UTF-8. Arena copy. */
const char *wire_body(struct arena *a, const char *html);

/* wire_item_init: every string of it "" and every number 0. */
void wire_item_init(struct wire_item *it);

/* wire_err: writes the formatted sentence into err[0..errlen) and returns -1. */
int wire_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
