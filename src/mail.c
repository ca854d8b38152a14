/* mail.c - see mail.h. The address rules are RFC 5321's (what a relay accepts in MAIL FROM and RCPT TO)
 * rather than all of RFC 5322's (no comments, no obsolete forms, no address literals): a newsletter's
 * sign-up form has no use for them and each is a way to confuse a relay. */
#include <idn2.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "escape.h"
#include "mail.h"

/* atext: 1 for the characters a dot-atom may hold besides dots (RFC 5322 section 3.2.3). */
static int atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* local_part: checks the local part s[0..n): a dot-atom (no dot first, last or twice in a row) or a
 * quoted string of printable ASCII with \-escapes. MAIL_ADDR_OK or the reason. */
static int local_part(const char *s, size_t n)
{
	if (n == 0)
		return MAIL_ADDR_SYNTAX;
	if (n > MAIL_LOCAL_MAX)
		return MAIL_ADDR_LONG;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return MAIL_ADDR_UTF8;
	if (s[0] == '"') {
		if (n < 2 || s[n - 1] != '"')
			return MAIL_ADDR_SYNTAX;
		for (size_t i = 1; i < n - 1; i++) {
			if (s[i] == '\\') {
				if (++i >= n - 1)
					return MAIL_ADDR_SYNTAX;
			} else if (s[i] == '"') {
				return MAIL_ADDR_SYNTAX;
			}
		}
		return MAIL_ADDR_OK;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (i == 0 || i == n - 1 || s[i - 1] == '.')
				return MAIL_ADDR_SYNTAX;
		} else if (!atext((unsigned char)s[i])) {
			return MAIL_ADDR_SYNTAX;
		}
	}
	return MAIL_ADDR_OK;
}

/* host_name: 1 when s (ASCII, lower case) is a host name of at least two labels, each 1..63 letters,
 * digits and inner hyphens, the last not all digits. */
static int host_name(const char *s)
{
	size_t len = strlen(s), label = 0, labels = 0, digits = 0;
	if (len == 0 || len > MAIL_DOMAIN_MAX)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		char c = s[i];
		if (c == '.' || c == '\0') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return 0;
			labels++;
			if (c == '\0')
				break;
			label = digits = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return 0;
		if (c == '-' && label == 0)
			return 0;
		digits += c >= '0' && c <= '9';
		label++;
	}
	return labels >= 2 && digits < label;
}

/* domain_part: the domain s[0..n) lower-cased, an internationalised one as its A-labels, in the arena;
 * NULL when it is not a host name. */
static const char *domain_part(struct arena *a, const char *s, size_t n)
{
	char *d = arena_strndup(a, s, n);
	int ascii = 1;
	for (char *p = d; *p; p++) {
		if ((unsigned char)*p >= 0x80)
			ascii = 0;
		else if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	if (!ascii) {
		char *alabels = NULL;
		if (!utf8_valid(d, n) || idn2_to_ascii_8z(d, &alabels, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK)
			return NULL;
		d = arena_strdup(a, alabels);
		idn2_free(alabels);
	}
	return host_name(d) ? d : NULL;
}

int mail_addr_normalise(struct arena *a, const char *addr, const char **out)
{
	if (!addr)
		return MAIL_ADDR_EMPTY;
	size_t n = strlen(addr);
	while (n && (addr[n - 1] == ' ' || addr[n - 1] == '\t'))
		n--;
	while (n && (*addr == ' ' || *addr == '\t'))
		addr++, n--;
	if (n == 0)
		return MAIL_ADDR_EMPTY;
	if (n > MAIL_ADDR_MAX * 4) /* even an all-Arabic domain cannot come back under the limit */
		return MAIL_ADDR_LONG;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)addr[i] < 0x20 || addr[i] == 0x7f)
			return MAIL_ADDR_CONTROL;
	const char *at = memchr(addr, '@', n);
	if (n && addr[0] == '"') { /* a quoted local part may hold '@': its '@' is the one after the closing quote */
		const char *q = addr + 1;
		while (q < addr + n && *q != '"')
			q += (*q == '\\' && q + 1 < addr + n) ? 2 : 1;
		at = (q + 1 < addr + n && q[1] == '@') ? q + 1 : NULL;
	}
	if (!at || memchr(at + 1, '@', (size_t)(addr + n - at - 1)))
		return MAIL_ADDR_SYNTAX;
	int rc = local_part(addr, (size_t)(at - addr));
	if (rc != MAIL_ADDR_OK)
		return rc;
	const char *domain = domain_part(a, at + 1, (size_t)(addr + n - at - 1));
	if (!domain)
		return MAIL_ADDR_DOMAIN;
	if ((size_t)(at - addr) + 1 + strlen(domain) > MAIL_ADDR_MAX)
		return MAIL_ADDR_LONG;
	*out = arena_printf(a, "%.*s@%s", (int)(at - addr), addr, domain);
	return MAIL_ADDR_OK;
}

const char *mail_addr_problem(int rc)
{
	switch (rc) {
	case MAIL_ADDR_OK:
		return NULL;
	case MAIL_ADDR_EMPTY:
		return "Type an e-mail address.";
	case MAIL_ADDR_LONG:
		return "That e-mail address is too long.";
	case MAIL_ADDR_CONTROL:
		return "An e-mail address cannot hold line breaks or control characters.";
	case MAIL_ADDR_UTF8:
		return "The part before the @ must be in Latin letters, digits and punctuation.";
	case MAIL_ADDR_DOMAIN:
		return "The part after the @ is not a domain name.";
	default:
		return "That is not an e-mail address (name@example.com).";
	}
}

#define WORD_BYTES 45 /* 45 bytes are 60 base64 characters: with =?UTF-8?B? and ?= a word of 72 */

/* utf8_cut: the longest prefix of s[0..n) of at most max bytes that does not split a character. */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t k = max;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return k;
}

/* encoded_words: value (valid UTF-8) as RFC 2047 encoded-words folded with CRLF and a space, the first
 * starting at column col of its line, so that no line passes 76 characters, each word cut after a space
 * where one falls in its second half; in the arena. *end (if not
 * NULL) gets the column after the last word. */
static const char *encoded_words(struct arena *a, const char *value, size_t col, size_t *end)
{
	struct buf b = BUF_INIT;
	size_t n = strlen(value);
	for (size_t off = 0; off < n;) {
		size_t room = col + 12 + 8 <= 76 ? (76 - col - 12) / 4 * 3 : 0; /* at least two groups, else a new line */
		if (room == 0 && off == 0) {
			buf_printf(&b, "\r\n ");
			col = 1;
			continue;
		}
		size_t k = utf8_cut(value + off, n - off, room < WORD_BYTES ? room : WORD_BYTES);
		/* a word cut short ends the encoded-word after its last space instead: decoders that keep the
		 * folding space between encoded-words of a display name (Python's email package) would
		 * otherwise show a space inside a word; RFC 2047 ones join the pieces either way */
		for (size_t j = k; off + k < n && j > k / 2; j--)
			if (value[off + j - 1] == ' ') {
				k = j;
				break;
			}
		char b64[sodium_base64_ENCODED_LEN(WORD_BYTES, sodium_base64_VARIANT_ORIGINAL)];
		sodium_bin2base64(b64, sizeof b64, (const unsigned char *)value + off, k, sodium_base64_VARIANT_ORIGINAL);
		buf_printf(&b, "=?UTF-8?B?%s?=", b64);
		col += 12 + strlen(b64);
		off += k;
		if (off < n) {
			buf_printf(&b, "\r\n ");
			col = 1;
		}
	}
	if (end)
		*end = col;
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* plain_ascii: 1 when s is printable ASCII without "=?" (so it may stand in a header as it is). */
static int plain_ascii(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return 0;
	return strstr(s, "=?") == NULL;
}

const char *mail_header_value(struct arena *a, const char *name, const char *value)
{
	size_t n = strlen(value);
	if (strpbrk(value, "\r\n") || !utf8_valid(value, n))
		return NULL;
	if (plain_ascii(value) && strlen(name) + 2 + n <= 78)
		return arena_strdup(a, value);
	return encoded_words(a, value, strlen(name) + 2, NULL);
}

/* qp_put: appends the encoded byte c to the line in b, starting a soft line break first when the line
 * (*col characters so far) would pass 75 characters plus the break's '='. */
static void qp_put(struct buf *b, size_t *col, const char *enc, size_t len)
{
	if (*col + len > 75) {
		buf_append(b, "=\r\n", 3);
		*col = 0;
	}
	buf_append(b, enc, len);
	*col += len;
}

char *mail_qp(struct arena *a, const char *text)
{
	struct buf b = BUF_INIT;
	size_t col = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue; /* the LF writes the line end */
		if (*p == '\n') {
			buf_append(&b, "\r\n", 2);
			col = 0;
			continue;
		}
		int at_end = p[1] == '\0' || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
		int literal = (*p >= 33 && *p <= 126 && *p != '=') || ((*p == ' ' || *p == '\t') && !at_end);
		if (*p == '.' && col == 0)
			literal = 0;
		char enc[4];
		if (literal) {
			enc[0] = (char)*p;
			qp_put(&b, &col, enc, 1);
		} else {
			static const char hex[] = "0123456789ABCDEF";
			enc[0] = '=', enc[1] = hex[*p >> 4], enc[2] = hex[*p & 15];
			qp_put(&b, &col, enc, 3);
		}
	}
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* header: appends "Name: value\r\n" with value through mail_header_value; 0, or -1 when it was refused. */
static int header(struct arena *a, struct buf *b, const char *name, const char *value)
{
	const char *v = mail_header_value(a, name, value);
	if (!v)
		return -1;
	buf_printf(b, "%s: %s\r\n", name, v);
	return 0;
}

/* address_header: appends "Name: display <addr>\r\n" (display as a quoted string when it is short plain
 * ASCII, else as encoded-words; none when NULL or empty), or "Name: addr"; -1 when the display name is
 * refused (CR, LF, not UTF-8) or addr holds anything an address in a header must not. */
static int address_header(struct arena *a, struct buf *b, const char *name, const char *display, const char *addr)
{
	if (strpbrk(addr, "\r\n<>"))
		return -1;
	if (!display || !*display) {
		buf_printf(b, "%s: %s\r\n", name, addr);
		return 0;
	}
	if (strpbrk(display, "\r\n") || !utf8_valid(display, strlen(display)))
		return -1;
	size_t col = strlen(name) + 2;
	if (plain_ascii(display) && !strpbrk(display, "\"\\") && col + strlen(display) + 2 <= 76) {
		buf_printf(b, "%s: \"%s\"", name, display);
		col += strlen(display) + 2;
	} else {
		buf_printf(b, "%s: %s", name, encoded_words(a, display, col, &col));
	}
	/* the address on the same line when it fits, else on a folded one */
	buf_printf(b, col + 3 + strlen(addr) <= 78 ? " <%s>\r\n" : "\r\n <%s>\r\n", addr);
	return 0;
}

/* part: appends one body part's headers and its quoted-printable text. */
static void part(struct arena *a, struct buf *b, const char *type, const char *text)
{
	buf_printf(b, "Content-Type: %s; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n%s\r\n",
		   type, mail_qp(a, text));
}

/* compose_headers: the message's headers before the MIME ones; -1 when a value was refused. */
static int compose_headers(struct arena *a, struct buf *b, const struct mail_message *m)
{
	char date[64];
	time_t t = (time_t)m->date;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	buf_printf(b, "Date: %s\r\n", date);
	if (address_header(a, b, "From", m->from_name, m->from_addr) || address_header(a, b, "To", NULL, m->to_addr))
		return -1;
	if (m->reply_to && address_header(a, b, "Reply-To", NULL, m->reply_to))
		return -1;
	if (header(a, b, "Subject", m->subject))
		return -1;
	if (strpbrk(m->message_id, "\r\n ") || m->message_id[0] != '<')
		return -1;
	buf_printf(b, "Message-ID: %s\r\nMIME-Version: 1.0\r\n", m->message_id);
	if (m->lang && header(a, b, "Content-Language", m->lang))
		return -1;
	if (m->list_id && header(a, b, "List-Id", m->list_id))
		return -1;
	if (m->unsubscribe_url) {
		if (strpbrk(m->unsubscribe_url, "\r\n <>"))
			return -1;
		buf_printf(b, "List-Unsubscribe: <%s>\r\n", m->unsubscribe_url);
		if (m->one_click)
			buf_printf(b, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
	}
	return 0;
}

char *mail_compose(struct arena *a, const struct mail_message *m, size_t *len)
{
	if (!m->from_addr || !m->to_addr || !m->subject || !m->text || !m->message_id)
		return NULL;
	struct buf b = BUF_INIT;
	char *out = NULL;
	if (compose_headers(a, &b, m) != 0)
		goto done;
	if (!m->html) {
		part(a, &b, "text/plain", m->text);
	} else {
		unsigned char h[12];
		char boundary[64];
		crypto_generichash(h, sizeof h, (const unsigned char *)m->message_id, strlen(m->message_id), NULL, 0);
		char hex[25];
		sodium_bin2hex(hex, sizeof hex, h, sizeof h);
		snprintf(boundary, sizeof boundary, "=_bs_%s", hex); /* "=_" cannot occur in quoted-printable text */
		buf_printf(&b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", boundary);
		buf_printf(&b, "--%s\r\n", boundary);
		part(a, &b, "text/plain", m->text);
		buf_printf(&b, "--%s\r\n", boundary);
		part(a, &b, "text/html", m->html);
		buf_printf(&b, "--%s--\r\n", boundary);
	}
	out = arena_strdup(a, buf_cstr(&b));
	if (len)
		*len = strlen(out);
done:
	buf_free(&b);
	return out;
}
