/* wire.h - agency copy coming in (issue 23): one item as the Wires desk keeps it, whatever format it came
 * in, and the parsers of the three formats: IPTC ninjs (JSON), IPTC NewsML-G2 (XML: a newsItem or a
 * newsMessage of several) and RSS 2.0 / Atom feeds. Pure. The XML parsers use libxml2 with network access,
 * DTD loading and entity substitution off and refuse any document with a DOCTYPE (no billion laughs, no XXE). */
#ifndef BROADSHEET_WIRE_H
#define BROADSHEET_WIRE_H
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define WIRE_MAX_INPUT (16u << 20) /* bytes of one document; more is refused */
#define WIRE_MAX_ITEMS 1000        /* items of one document (feed or newsMessage); the rest are ignored */

/* One wire item (strings in the caller's arena; "" when the item does not say). */
struct wire_item {
	const char *guid;      /* the agency's id: ninjs uri/guid, NewsML-G2 guid, RSS guid (else link), Atom id */
	int64_t version;       /* ninjs version, NewsML-G2 @version; feeds: 1 */
	const char *lang;      /* "en", "ar" or "" (BCP 47 cut to its language, lower case) */
	const char *headline;
	const char *byline;
	const char *summary;   /* description / abstract / standfirst, plain text */
	const char *body_html; /* the body as the agency wrote it (HTML; htmlmd.c turns it into the stored form) */
	const char *link;      /* the item's web address, if any (http/https only) */
	const char *located;   /* dateline place */
	const char *credit;    /* provider / copyright holder as shown ("Reuters", "AFP") */
	const char *subjects;  /* comma-separated subject names */
	const char *pubstatus; /* "usable", "withheld" or "canceled" */
	int urgency;           /* 1 (highest) .. 9, 0 unknown */
	int64_t first_created; /* UTC seconds, 0 unknown */
	int64_t version_created;
	int64_t embargoed;     /* UTC seconds before which it must not be published, 0 none */
};

/* wire_parse_ninjs: one ninjs item (1.x or 2.x) from json[0..len). Returns 0 with *out filled, or -1 with a
 * sentence in err[0..errlen) (not JSON, no uri/guid, no headline, too large). */
int wire_parse_ninjs(struct arena *a, const char *json, size_t len, struct wire_item *out, char *err, size_t errlen);

/* wire_parse_newsml: the text newsItems of a NewsML-G2 document (a newsItem, or a newsMessage's itemSet) from
 * xml[0..len). Returns 0 with *items (arena array) and *n, or -1 with a sentence in err (malformed, a DOCTYPE,
 * not NewsML-G2, too large). Items without a guid, and items that are not text (pictures, packages), are
 * skipped and counted in *skipped. */
int wire_parse_newsml(struct arena *a, const char *xml, size_t len, struct wire_item **items, size_t *n,
		      size_t *skipped, char *err, size_t errlen);

/* wire_parse_feed: the entries of an RSS 2.0 or Atom 1.0 feed from xml[0..len), as wire_parse_newsml. */
int wire_parse_feed(struct arena *a, const char *xml, size_t len, struct wire_item **items, size_t *n,
		    size_t *skipped, char *err, size_t errlen);

#endif
