/* comment.h - pure functions for visitor comments: checking what a visitor typed, counting and rendering
 * links, and the network an address belongs to for rate limits. No database, no global state; safe to
 * call from any thread. */
#ifndef BROADSHEET_COMMENT_H
#define BROADSHEET_COMMENT_H
#include <stddef.h>

#include "arena.h"
#include "buf.h"

struct comment_limits {
	size_t max_name_chars; /* code points, counted after trimming; e.g. 80 */
	size_t max_body_chars; /* code points of the whole body as sent (CRLF counts as one: utf8_chars); e.g. 5000 */
	int max_links;         /* links in the body (comment_count_links); -1 = no limit */
};

#define COMMENT_LIMITS_DEFAULT {80, 5000, 2}

/* The largest key comment_net_key writes, with its NUL ("ffff:ffff:ffff:ffff::/64" is 24 bytes). */
#define COMMENT_NET_KEY_MAX 32

/* comment_check: validates a visitor's comment. Returns NULL when it is acceptable, else one sentence for
 * the reader saying what to fix, in English, or in Arabic when lang is "ar" (any other lang, or NULL,
 * gives English). The sentence is a static string, or (too long a name or body: it names the count and
 * the limit) a string in the arena a. NULL name/email/body count as "";
 * lim NULL means COMMENT_LIMITS_DEFAULT. Checked in form order, first failure wins:
 *   name:  valid UTF-8; no control characters (C0 including tab and line breaks, DEL, C1 U+0080..U+009F,
 *          U+2028/U+2029); not blank after trimming (comment_trim; a name of only spaces or invisible
 *          characters such as U+200B or U+3164 is blank); at most max_name_chars code points, trimmed;
 *   email: optional (blank is fine); checked trimmed: valid UTF-8, no control characters, at most 254
 *          bytes, and shaped like local@domain.tld: one '@', no spaces or < > ( ) [ ] , ; : \ " ,
 *          dots not leading, trailing or doubled, a domain of at least two labels of letters, digits
 *          and hyphens (non-ASCII letters allowed) and a top-level label of two or more characters,
 *          not all digits;
 *   body:  valid UTF-8; no control characters except tab, LF and CR (DEL and C1 refused too); not blank
 *          (spaces of any kind and invisible characters only); at most max_body_chars code points;
 *          at most max_links links (unless max_links is -1). */
const char *comment_check(struct arena *a, const char *name, const char *email, const char *body,
			  const struct comment_limits *lim, const char *lang);

/* comment_count_links: how many links body holds: the same links comment_body_html makes clickable, i.e.
 * http://, https:// or www. (any case) at the start of a word, followed by at least one character of
 * address. body NULL gives 0. */
int comment_count_links(const char *body);

/* comment_body_html: appends body as safe HTML. Every character goes through buf_html (invalid UTF-8
 * becomes U+FFFD, control characters are dropped); CRLF and CR become LF; blank lines (empty or only
 * spaces) separate paragraphs, "<p>...</p>\n"; other line breaks become "<br>\n". Links (see
 * comment_count_links) run to whitespace, '<' or '>' and lose trailing punctuation . , ; : ! ? ) ] ' "
 * and Arabic ، ؛ ؟ ۔ , which stay outside the link (a ')' or ']' closing a bracket opened inside the link
 * is kept, as in https://en.wikipedia.org/wiki/Mercury_(planet)). A link becomes
 * <a href="..." rel="nofollow ugc noopener">...</a>, the href escaped with buf_attr and "www." links
 * given an "https://" prefix. Only http and https links are ever made: javascript: and any other
 * scheme stay text. The only tags written are <p>, </p>, <br>, <a href="..." rel="nofollow ugc
 * noopener"> and </a>. body NULL or blank appends nothing. */
void comment_body_html(struct buf *out, const char *body);

/* comment_net_key: the rate-limit network of a client address, written as a NUL-terminated string into
 * out[0..outlen): "a.b.c.0/24" for IPv4; the /64 prefix in canonical RFC 5952 form for IPv6
 * ("2001:db8:1:2::/64"); IPv4-mapped IPv6 (::ffff:a.b.c.d) is treated as the IPv4 address. A zone
 * ("fe80::1%eth0") is ignored. Returns 0, or -1 (out set to "" when outlen > 0) for a NULL or
 * unparseable address or when outlen is too small (COMMENT_NET_KEY_MAX is always enough). */
int comment_net_key(const char *ip, char *out, size_t outlen);

/* comment_trim: a copy of s in the arena without leading and trailing whitespace: ASCII and Unicode
 * spaces (U+00A0, U+2000..U+200A, U+3000, line separators, ...) and zero-width characters (U+200B..U+200F,
 * U+2060, U+FEFF, U+180E). Invalid bytes are kept (they are not spaces). s NULL gives "" (never NULL). */
const char *comment_trim(struct arena *a, const char *s);

#endif
