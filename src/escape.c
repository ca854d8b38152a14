/* escape.c - context escapers (see escape.h). */
#include "escape.h"

#include <string.h>

long utf8_decode(const unsigned char *s, size_t n, size_t *len)
{
	*len = 1;
	if (n == 0)
		return -1;
	unsigned c = s[0];
	if (c < 0x80) {
		return (long)c;
	}
	size_t need;
	long cp, min;
	if ((c & 0xE0) == 0xC0) {
		need = 2;
		cp = c & 0x1F;
		min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		need = 3;
		cp = c & 0x0F;
		min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		need = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return -1;
	}
	if (n < need)
		return -1;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*len = need;
	return cp;
}

int utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t len;
		if (utf8_decode(p + i, n - i, &len) < 0)
			return 0;
		i += len;
	}
	return 1;
}

size_t utf8_chars(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xC0) == 0x80 || (c == '\n' && i > 0 && s[i - 1] == '\r'))
			continue;
		count++;
	}
	return count;
}

#define REPLACEMENT "\xEF\xBF\xBD"

/* escape_markup: shared body of the HTML and XML escapers; xml drops characters XML 1.0 forbids. */
static void escape_markup(struct buf *b, const char *s, size_t n, int xml)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t start = 0, i = 0;
	while (i < n) {
		unsigned c = p[i];
		const char *rep = NULL;
		size_t len = 1;
		if (c < 0x80) {
			switch (c) {
			case '&': rep = "&amp;"; break;
			case '<': rep = "&lt;"; break;
			case '>': rep = "&gt;"; break;
			case '"': rep = "&quot;"; break;
			case '\'': rep = "&#39;"; break;
			case '\t': case '\n': case '\r': break;
			default:
				if (c < 0x20 || c == 0x7F)
					rep = ""; /* control characters are never meaningful in a page */
			}
		} else {
			long cp = utf8_decode(p + i, n - i, &len);
			if (cp < 0)
				rep = REPLACEMENT;
			else if (xml && (cp == 0xFFFE || cp == 0xFFFF))
				rep = "";
		}
		if (rep) {
			buf_append(b, s + start, i - start);
			buf_append(b, rep, strlen(rep));
			i += len;
			start = i;
		} else {
			i += len;
		}
	}
	buf_append(b, s + start, n - start);
}

void buf_html(struct buf *b, const char *s, size_t n)
{
	escape_markup(b, s, n, 0);
}

void buf_attr(struct buf *b, const char *s, size_t n)
{
	escape_markup(b, s, n, 0);
}

void buf_xml(struct buf *b, const char *s, size_t n)
{
	escape_markup(b, s, n, 1);
}

void buf_xml_str(struct buf *b, const char *s)
{
	if (s)
		buf_xml(b, s, strlen(s));
}

void buf_sql_ident(struct buf *b, const char *name)
{
	buf_putc(b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			buf_putc(b, '"');
		buf_putc(b, *p);
	}
	buf_putc(b, '"');
}

void buf_url(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '.' || c == '_' || c == '~') {
			buf_putc(b, (char)c);
			i++;
			continue;
		}
		size_t len = 1;
		if (c >= 0x80 && utf8_decode(p + i, n - i, &len) < 0) {
			buf_lit(b, "%EF%BF%BD");
			i++;
			continue;
		}
		for (size_t k = 0; k < len; k++) {
			char enc[3] = {'%', hex[p[i + k] >> 4], hex[p[i + k] & 15]};
			buf_append(b, enc, 3);
		}
		i += len;
	}
}

void buf_json(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t start = 0, i = 0;
	while (i < n) {
		unsigned c = p[i];
		size_t len = 1;
		char esc[8];
		const char *rep = NULL;
		size_t replen = 0;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			rep = esc;
			replen = 2;
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7F) {
			switch (c) {
			case '\n': rep = "\\n"; replen = 2; break;
			case '\r': rep = "\\r"; replen = 2; break;
			case '\t': rep = "\\t"; replen = 2; break;
			default:
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				rep = esc;
				replen = 6;
			}
		} else if (c >= 0x80) {
			long cp = utf8_decode(p + i, n - i, &len);
			if (cp < 0) {
				rep = "\\ufffd";
				replen = 6;
			} else if (cp == 0x2028) {
				rep = "\\u2028";
				replen = 6;
			} else if (cp == 0x2029) {
				rep = "\\u2029";
				replen = 6;
			}
		}
		if (rep) {
			buf_append(b, s + start, i - start);
			buf_append(b, rep, replen);
			i += len;
			start = i;
		} else {
			i += len;
		}
	}
	buf_append(b, s + start, n - start);
}
