/* po.h - reading translation catalogues in the gettext PO format (po/ar.po): the newsroom's strings and
 * their translations, as translators' tools (Poedit, Lokalize, Weblate) write them.
 *
 * Supported: "#" comments of every kind (the "#," flags line is read for "fuzzy"), msgid and msgstr with
 * continuation lines ("..." on the following lines), the C escapes \n \t \" \\, and the header entry
 * (msgid ""), which is skipped. Refused, with the line named: msgctxt, msgid_plural/msgstr[N] (the
 * newsroom words its counts without them), an unknown keyword, an unterminated or badly escaped string,
 * a msgid given twice, text outside a string. Pure: no I/O, no globals. */
#ifndef BROADSHEET_PO_H
#define BROADSHEET_PO_H
#include <stddef.h>

#include "arena.h"

struct po_entry {
	const char *msgid;  /* UTF-8, escapes resolved; in the arena */
	const char *msgstr; /* "" when not yet translated */
	int fuzzy;          /* the "#, fuzzy" flag: a translator has not confirmed it */
	int line;           /* where its msgid starts (1-based) */
};

/* po_parse: reads the catalogue text[0..len) into *out (an array of *n entries in arena a, in file
 * order, without the header). Returns 0, or -1 with "LINE: what is wrong" in err[0..errlen). */
int po_parse(struct arena *a, const char *text, size_t len, struct po_entry **out, size_t *n, char *err,
	     size_t errlen);

/* po_placeholders_match: 1 when the printf conversions of msgstr (%s, %d, %lld, %zu, %%, ...) are those of
 * msgid in the same order, else 0 (a translation may not drop, add or reorder a value it is given). */
int po_placeholders_match(const char *msgid, const char *msgstr);

#endif
