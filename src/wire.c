/* wire.c - the wire formats' parsers (see wire.h). PLACEHOLDER written by the lead so the wire desk can link
 * while the parsers are written on their own branch: every parser refuses. The real parsers replace this. */
#include "wire.h"

#include <stdio.h>

/* wire_parse_ninjs: see wire.h (placeholder: refuses). */
int wire_parse_ninjs(struct arena *a, const char *json, size_t len, struct wire_item *out, char *err, size_t errlen)
{
	(void)a, (void)json, (void)len, (void)out;
	snprintf(err, errlen, "ninjs is not read yet");
	return -1;
}

/* wire_parse_newsml: see wire.h (placeholder: refuses). */
int wire_parse_newsml(struct arena *a, const char *xml, size_t len, struct wire_item **items, size_t *n,
		      size_t *skipped, char *err, size_t errlen)
{
	(void)a, (void)xml, (void)len, (void)items;
	*n = *skipped = 0;
	snprintf(err, errlen, "NewsML-G2 is not read yet");
	return -1;
}

/* wire_parse_feed: see wire.h (placeholder: refuses). */
int wire_parse_feed(struct arena *a, const char *xml, size_t len, struct wire_item **items, size_t *n,
		    size_t *skipped, char *err, size_t errlen)
{
	(void)a, (void)xml, (void)len, (void)items;
	*n = *skipped = 0;
	snprintf(err, errlen, "feeds are not read yet");
	return -1;
}
