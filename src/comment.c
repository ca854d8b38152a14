/* comment.c - checking, rendering and rate-limit keys for visitor comments (see comment.h). */
#include "comment.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "escape.h"

/* ---- characters ---- */

/* space_cp: 1 for the characters trimming removes: Unicode White_Space and the zero-width spaces and
 * marks. */
static int space_cp(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200F) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
	       cp == 0x3000 || cp == 0x180E || cp == 0x2060 || cp == 0xFEFF;
}

/* invisible_cp: 1 for characters that show nothing on their own: spaces (space_cp) and invisible
 * formatting and filler characters (soft hyphen, direction controls, variation selectors, Hangul
 * fillers, the blank Braille pattern, tags). Text made only of these is blank. */
static int invisible_cp(uint32_t cp)
{
	return space_cp(cp) || cp == 0xAD || cp == 0x034F || cp == 0x061C || cp == 0x115F || cp == 0x1160 ||
	       cp == 0x17B4 || cp == 0x17B5 || (cp >= 0x180B && cp <= 0x180D) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2061 && cp <= 0x206F) || cp == 0x2800 || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) ||
	       cp == 0xFFA0 || (cp >= 0xE0000 && cp <= 0xE007F) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

/* decode: the code point at s[i] (at most n - i bytes) with its length in *len; -1 for an invalid byte. */
static long decode(const char *s, size_t n, size_t i, size_t *len)
{
	return utf8_decode((const unsigned char *)s + i, n - i, len);
}

/* trim_span: the bounds [*start, *end) of s[0..n) without leading and trailing space_cp characters. */
static void trim_span(const char *s, size_t n, size_t *start, size_t *end)
{
	size_t i = 0, first = n, last = 0;
	while (i < n) {
		size_t len;
		long cp = decode(s, n, i, &len);
		if (cp < 0 || !space_cp((uint32_t)cp)) {
			if (first == n)
				first = i;
			last = i + len;
		}
		i += len;
	}
	*start = first == n ? 0 : first;
	*end = first == n ? 0 : last;
}

/* blank: 1 when s[0..n) holds only invisible characters (or nothing); invalid bytes are not blank. */
static int blank(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t len;
		long cp = decode(s, n, i, &len);
		if (cp < 0 || !invisible_cp((uint32_t)cp))
			return 0;
		i += len;
	}
	return 1;
}

enum { CTRL_NAME, CTRL_EMAIL, CTRL_BODY };

/* has_control: 1 when valid UTF-8 s[0..n) holds a character the field refuses: C0 controls (the body
 * allows tab, LF and CR), DEL, C1 controls, and for the name also U+2028/U+2029. */
static int has_control(const char *s, size_t n, int field)
{
	size_t i = 0;
	while (i < n) {
		size_t len;
		long cp = decode(s, n, i, &len);
		if (cp < 0x20) {
			if (field != CTRL_BODY || (cp != '\t' && cp != '\n' && cp != '\r'))
				return 1;
		} else if (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
			return 1;
		} else if (field == CTRL_NAME && (cp == 0x2028 || cp == 0x2029)) {
			return 1;
		}
		i += len;
	}
	return 0;
}

/* ---- email ---- */

/* email_ok: 1 when trimmed, valid, control-free s[0..n) looks like local@domain.tld (see comment.h). */
static int email_ok(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n);
	if (!at || memchr(at + 1, '@', n - (size_t)(at - s) - 1))
		return 0;
	size_t local = (size_t)(at - s), dstart = local + 1;
	if (local == 0 || local > 64 || dstart >= n)
		return 0;
	size_t i = 0;
	while (i < n) {
		size_t len;
		long cp = decode(s, n, i, &len);
		if (cp >= 0x80 ? invisible_cp((uint32_t)cp) : !!strchr(" <>()[],;:\\\"", (int)cp))
			return 0;
		if (cp < 0x80 && i < local && !((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
						 (cp >= '0' && cp <= '9') || strchr("!#$%&'*+-/=?^_`{|}~.", (int)cp)))
			return 0;
		if (cp < 0x80 && i >= dstart && !((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
						  (cp >= '0' && cp <= '9') || cp == '-' || cp == '.'))
			return 0;
		i += len;
	}
	/* dots in the local part: not first, not last, not doubled */
	if (s[0] == '.' || s[local - 1] == '.')
		return 0;
	for (size_t k = 1; k < local; k++)
		if (s[k] == '.' && s[k - 1] == '.')
			return 0;
	/* the domain: two or more labels of 1..63 bytes, no leading or trailing hyphen; a TLD of two or
	 * more characters that are not all digits */
	size_t labels = 0, lstart = dstart;
	for (size_t k = dstart; k <= n; k++) {
		if (k < n && s[k] != '.')
			continue;
		size_t llen = k - lstart;
		if (llen == 0 || llen > 63 || s[lstart] == '-' || s[k - 1] == '-')
			return 0;
		labels++;
		if (k == n) {
			int digits = 1;
			for (size_t d = lstart; d < n; d++)
				digits &= s[d] >= '0' && s[d] <= '9';
			if (llen < 2 || digits)
				return 0;
		}
		lstart = k + 1;
	}
	return labels >= 2;
}

/* ---- messages ---- */

/* The refusals comment_check gives, each named once with its English and Arabic sentence: the list makes
 * both the names (enum msg) and the sentences (messages[]). */
#define COMMENT_MESSAGES(X) \
	X(M_NAME_UTF8, "Your name contains characters that could not be read; please type it again.", "يحتوي اسمك على رموز تعذّرت قراءتها، يرجى كتابته مجدداً.") \
	X(M_NAME_CONTROL, "Your name contains invisible control characters or line breaks; please type it on one line without them.", "يحتوي اسمك على رموز تحكم غير مرئية أو فواصل أسطر، يرجى كتابته في سطر واحد من دونها.") \
	X(M_NAME_REQUIRED, "Please enter your name.", "يرجى كتابة اسمك.") \
	X(M_EMAIL_INVALID, "Please enter a valid email address, like name@example.com, or leave the email field empty.", "يرجى كتابة عنوان بريد إلكتروني صحيح، مثل name@example.com، أو ترك حقل البريد الإلكتروني فارغاً.") \
	X(M_EMAIL_LONG, "That email address is too long (an address has at most 254 bytes); please check it or leave the email field empty.", "عنوان البريد الإلكتروني طويل جداً (الحد الأقصى للعنوان 254 بايت)، يرجى التحقق منه أو ترك الحقل فارغاً.") \
	X(M_BODY_UTF8, "Your comment contains characters that could not be read; please type it again.", "يحتوي تعليقك على رموز تعذّرت قراءتها، يرجى كتابته مجدداً.") \
	X(M_BODY_CONTROL, "Your comment contains invisible control characters; please remove them.", "يحتوي تعليقك على رموز تحكم غير مرئية، يرجى حذفها.") \
	X(M_BODY_REQUIRED, "Please write your comment.", "يرجى كتابة تعليقك.") \
	X(M_LINKS, "Your comment contains too many links; please remove some of them.", "يحتوي تعليقك على روابط كثيرة، يرجى حذف بعضها.") \
	X(M_NO_LINKS, "Links are not allowed in comments; please remove them.", "لا يُسمح بالروابط في التعليقات، يرجى حذفها.")

#define MSG_NAME(name, en, ar) name,
enum msg { COMMENT_MESSAGES(MSG_NAME) };
#undef MSG_NAME

#define MSG_TEXT(name, en, ar) [name] = {en, ar},
static const char *const messages[][2] = {COMMENT_MESSAGES(MSG_TEXT)};
#undef MSG_TEXT

/* msg: the sentence m in lang ("ar" Arabic, anything else English). */
static const char *msg(enum msg m, const char *lang)
{
	return messages[m][lang && strcmp(lang, "ar") == 0];
}

/* too_long: the sentence for a name (body 0) or comment (body 1) of count characters over the limit of
 * max, in lang, naming both numbers; in the arena. */
static const char *too_long(struct arena *a, int body, size_t count, size_t max, const char *lang)
{
	if (lang && strcmp(lang, "ar") == 0)
		return body ? arena_printf(a, "تعليقك طويل جداً: عدد أحرفه %zu والحد الأقصى %zu. يرجى اختصاره.", count, max)
			    : arena_printf(a, "اسمك طويل جداً: عدد أحرفه %zu والحد الأقصى %zu. يرجى اختصاره.", count, max);
	return body ? arena_printf(a, "Your comment is too long: %zu characters, and at most %zu are allowed. Please shorten it.",
				   count, max)
		    : arena_printf(a, "Your name is too long: %zu characters, and at most %zu are allowed. Please shorten it.",
				   count, max);
}

const char *comment_check(struct arena *a, const char *name, const char *email, const char *body,
			  const struct comment_limits *lim, const char *lang)
{
	static const struct comment_limits defaults = COMMENT_LIMITS_DEFAULT;
	if (!lim)
		lim = &defaults;
	name = name ? name : "";
	email = email ? email : "";
	body = body ? body : "";
	size_t n = strlen(name), s, e;

	if (!utf8_valid(name, n))
		return msg(M_NAME_UTF8, lang);
	if (has_control(name, n, CTRL_NAME))
		return msg(M_NAME_CONTROL, lang);
	trim_span(name, n, &s, &e);
	if (blank(name + s, e - s))
		return msg(M_NAME_REQUIRED, lang);
	size_t chars = utf8_chars(name + s, e - s);
	if (chars > lim->max_name_chars)
		return too_long(a, 0, chars, lim->max_name_chars, lang);

	n = strlen(email);
	if (!utf8_valid(email, n) || has_control(email, n, CTRL_EMAIL))
		return msg(M_EMAIL_INVALID, lang);
	trim_span(email, n, &s, &e);
	if (e > s) {
		if (e - s > 254)
			return msg(M_EMAIL_LONG, lang);
		if (!email_ok(email + s, e - s))
			return msg(M_EMAIL_INVALID, lang);
	}

	n = strlen(body);
	if (!utf8_valid(body, n))
		return msg(M_BODY_UTF8, lang);
	if (has_control(body, n, CTRL_BODY))
		return msg(M_BODY_CONTROL, lang);
	if (blank(body, n))
		return msg(M_BODY_REQUIRED, lang);
	chars = utf8_chars(body, n);
	if (chars > lim->max_body_chars)
		return too_long(a, 1, chars, lim->max_body_chars, lang);
	if (lim->max_links >= 0 && comment_count_links(body) > lim->max_links)
		return msg(lim->max_links == 0 ? M_NO_LINKS : M_LINKS, lang);
	return NULL;
}

/* ---- links ---- */

struct link {
	size_t start, end; /* the link's text is s[start..end) */
	int www;           /* starts with "www.": the href needs a scheme */
};

/* link_may_start_after: 1 when a link may start right after byte c: not inside a word, a host name
 * (foo.www.x), a path (javascript://www.x) or an address (me@www.x). */
static int link_may_start_after(unsigned char c)
{
	return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		 c == '/' || c == '@' || c == '-' || c == '_');
}

/* link_stop: 1 when the character at s[i] ends a link: ASCII space and controls, < >, an invalid byte,
 * C1 controls and Unicode spaces. */
static int link_stop(const char *s, size_t n, size_t i, size_t *len)
{
	unsigned char c = (unsigned char)s[i];
	*len = 1;
	if (c < 0x80)
		return c <= 0x20 || c == 0x7F || c == '<' || c == '>';
	long cp = decode(s, n, i, len);
	return cp < 0 || cp <= 0x9F || space_cp((uint32_t)cp);
}

/* trailing_punct: the length of the punctuation character ending s[from..end) that stays outside a link,
 * or 0. Brackets stay inside when the link opened them. */
static size_t trailing_punct(const char *s, size_t from, size_t end)
{
	unsigned char c = (unsigned char)s[end - 1];
	if (c && strchr(".,;:!?'\"", c))
		return 1;
	if (c == ')' || c == ']') {
		char open = c == ')' ? '(' : '[';
		int depth = 0;
		for (size_t k = from; k < end; k++)
			depth += s[k] == open ? 1 : s[k] == (char)c ? -1 : 0;
		return depth < 0 ? 1 : 0;
	}
	if (end - from >= 2) { /* ، ؛ ؟ (U+060C U+061B U+061F) and ۔ (U+06D4) */
		unsigned char a = (unsigned char)s[end - 2];
		if ((a == 0xD8 && (c == 0x8C || c == 0x9B || c == 0x9F)) || (a == 0xDB && c == 0x94))
			return 2;
	}
	return 0;
}

/* prefix_at: the length of the link prefix (http://, https://, www.; any case) at s[i], or 0. */
static size_t prefix_at(const char *s, size_t n, size_t i)
{
	static const char *const prefixes[] = {"http://", "https://", "www."};
	for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
		size_t len = strlen(prefixes[p]);
		if (n - i >= len && strncasecmp(s + i, prefixes[p], len) == 0)
			return len;
	}
	return 0;
}

/* next_link: finds the first link in s[0..n) starting at or after from. Returns 1 and fills *l, or 0. */
static int next_link(const char *s, size_t n, size_t from, struct link *l)
{
	for (size_t i = from; i < n; i++) {
		if (i > 0 && !link_may_start_after((unsigned char)s[i - 1]))
			continue;
		size_t plen = prefix_at(s, n, i);
		if (!plen)
			continue;
		size_t end = i + plen, len;
		while (end < n && !link_stop(s, n, end, &len))
			end += len;
		size_t cut;
		while (end > i + plen && (cut = trailing_punct(s, i + plen, end)) != 0)
			end -= cut;
		if (end == i + plen)
			continue; /* a prefix with no address */
		l->start = i;
		l->end = end;
		l->www = plen == 4;
		return 1;
	}
	return 0;
}

int comment_count_links(const char *body)
{
	if (!body)
		return 0;
	size_t n = strlen(body), from = 0;
	int count = 0;
	struct link l;
	while (next_link(body, n, from, &l)) {
		count++;
		from = l.end;
	}
	return count;
}

/* href_attr: appends a link's address for an href attribute: characters a URL may not contain (quotes,
 * angle brackets, backslash, backtick, braces, pipe, caret, controls) percent-encoded; non-ASCII letters
 * stay as they are (HTML takes IRIs); the rest goes through the attribute escaper (for '&'). */
static void href_attr(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7F || strchr("\"<>\\`{}|^", c)) {
			buf_attr(out, s + start, i - start);
			char pct[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_append(out, pct, 3);
			start = i + 1;
		}
	}
	buf_attr(out, s + start, n - start);
}

/* line_html: appends one line of text, escaped, with its links made clickable. */
static void line_html(struct buf *out, const char *s, size_t n)
{
	size_t from = 0;
	struct link l;
	while (next_link(s, n, from, &l)) {
		buf_html(out, s + from, l.start - from);
		buf_lit(out, "<a href=\"");
		if (l.www)
			buf_lit(out, "https://");
		href_attr(out, s + l.start, l.end - l.start);
		buf_lit(out, "\" rel=\"nofollow ugc noopener\">");
		buf_html(out, s + l.start, l.end - l.start);
		buf_lit(out, "</a>");
		from = l.end;
	}
	buf_html(out, s + from, n - from);
}

void comment_body_html(struct buf *out, const char *body)
{
	if (!body)
		return;
	size_t n = strlen(body), i = 0;
	int in_p = 0;
	for (;;) {
		size_t e = i;
		while (e < n && body[e] != '\n' && body[e] != '\r')
			e++;
		if (blank(body + i, e - i)) {
			if (in_p)
				buf_lit(out, "</p>\n");
			in_p = 0;
		} else {
			if (in_p)
				buf_lit(out, "<br>\n");
			else
				buf_lit(out, "<p>");
			in_p = 1;
			line_html(out, body + i, e - i);
		}
		if (e == n)
			break;
		i = e + (body[e] == '\r' && body[e + 1] == '\n' ? 2 : 1);
	}
	if (in_p)
		buf_lit(out, "</p>\n");
}

/* ---- addresses ---- */

int comment_net_key(const char *ip, char *out, size_t outlen)
{
	if (out && outlen)
		out[0] = '\0';
	if (!ip || !out)
		return -1;
	char addr[INET6_ADDRSTRLEN];
	const char *zone = strchr(ip, '%');
	size_t n = zone ? (size_t)(zone - ip) : strlen(ip);
	if (n >= sizeof addr || (zone && zone[1] == '\0'))
		return -1;
	memcpy(addr, ip, n);
	addr[n] = '\0';
	unsigned char a[16];
	int len;
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
	if (!zone && inet_pton(AF_INET, addr, a) == 1) {
		len = snprintf(out, outlen, "%u.%u.%u.0/24", a[0], a[1], a[2]);
	} else if (inet_pton(AF_INET6, addr, a) == 1) {
		if (memcmp(a, mapped, sizeof mapped) == 0) {
			len = snprintf(out, outlen, "%u.%u.%u.0/24", a[12], a[13], a[14]);
		} else {
			memset(a + 8, 0, 8);
			char text[INET6_ADDRSTRLEN];
			if (!inet_ntop(AF_INET6, a, text, sizeof text))
				return -1;
			len = snprintf(out, outlen, "%s/64", text);
		}
	} else {
		return -1;
	}
	if (len < 0 || (size_t)len >= outlen) {
		if (outlen)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

/* ---- trimming ---- */

const char *comment_trim(struct arena *a, const char *s)
{
	if (!s)
		return arena_strdup(a, "");
	size_t start, end;
	trim_span(s, strlen(s), &start, &end);
	return arena_strndup(a, s + start, end - start);
}
