/* escape.h - one escaper per output context. Every value that did not come from a string literal in our
 * own code reaches a reply through one of these. Invalid UTF-8 is replaced by U+FFFD in every context,
 * so no escaper ever emits a byte sequence a browser or feed reader could misparse. */
#ifndef BROADSHEET_ESCAPE_H
#define BROADSHEET_ESCAPE_H
#include <stddef.h>

#include "buf.h"

/* buf_html: text content and quoted attribute values: & < > " ' become entities. */
void buf_html(struct buf *b, const char *s, size_t n);
/* buf_attr: an attribute value (same rules as buf_html; named for the context it is used in). */
void buf_attr(struct buf *b, const char *s, size_t n);
/* buf_url: a URL component (path segment or query value): everything but RFC 3986 unreserved
 * characters is percent-encoded, UTF-8 byte by byte. */
void buf_url(struct buf *b, const char *s, size_t n);
/* buf_json: the inside of a JSON string (no quotes added): ", \, controls escaped; < > & and the
 * line separators U+2028/2029 as \u escapes, so the result is also safe inside <script>. */
void buf_json(struct buf *b, const char *s, size_t n);
/* buf_xml: XML text and attribute values: & < > " ' escaped; characters XML 1.0 forbids are dropped. */
void buf_xml(struct buf *b, const char *s, size_t n);
/* buf_xml_str: buf_xml of the C string s; NULL appends nothing. */
void buf_xml_str(struct buf *b, const char *s);
/* BUF_XML_IN: the literal before, then s through buf_xml_str, then the literal after (one element or
 * attribute of a feed or sitemap; the markup can only come from literals). */
#define BUF_XML_IN(b, before, s, after)                                                                       \
	do {                                                                                                  \
		buf_lit(b, before);                                                                           \
		buf_xml_str(b, s);                                                                            \
		buf_lit(b, after);                                                                            \
	} while (0)
/* buf_sql_ident: an SQL identifier in double quotes with embedded quotes doubled ("a""b"), the same on
 * SQLite and PostgreSQL; for names the engine's own catalogue listed (values are always bound). */
void buf_sql_ident(struct buf *b, const char *name);

/* utf8_valid: 1 when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF), else 0. */
int utf8_valid(const char *s, size_t n);
/* utf8_decode: decodes one code point at s (at most n bytes). Stores its length in *len and returns it,
 * or returns -1 (with *len = 1) for an invalid sequence. */
long utf8_decode(const unsigned char *s, size_t n, size_t *len);
/* utf8_chars: the length of valid UTF-8 s[0..n) in characters (code points) as a person counts them
 * and as the newsroom's and the comment form's limits are stated: a CR LF pair counts as one (a browser
 * sends a textarea's line break as CR LF but counts it as one character). This is what the live counts
 * of static/textcount.js show. (Invalid UTF-8 gets an approximate count: every byte that is not a
 * continuation byte counts one.) */
size_t utf8_chars(const char *s, size_t n);

#endif
