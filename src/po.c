/* po.c - reading gettext PO catalogues (see po.h). */
#include "po.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"

struct po_reader {
	const char *p, *end;
	int line;
	char *err;
	size_t errlen;
};

/* po_fail: writes "LINE: what" into the reader's err. Returns -1. */
static int po_fail(struct po_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int po_fail(struct po_reader *r, const char *fmt, ...)
{
	char what[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errlen, "%d: %s", r->line, what);
	return -1;
}

/* skip_blank: passes spaces and tabs on the current line. */
static void skip_blank(struct po_reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\r'))
		r->p++;
}

/* next_line: moves past the end of the current line. */
static void next_line(struct po_reader *r)
{
	while (r->p < r->end && *r->p != '\n')
		r->p++;
	if (r->p < r->end) {
		r->p++;
		r->line++;
	}
}

/* read_quoted: one "..." string at r->p (escapes resolved) appended to b; then the rest of the line must
 * be blank. Returns 0 or -1 (err set). */
static int read_quoted(struct po_reader *r, struct buf *b)
{
	if (r->p >= r->end || *r->p != '"')
		return po_fail(r, "a string in double quotes was expected");
	r->p++;
	for (;;) {
		if (r->p >= r->end || *r->p == '\n')
			return po_fail(r, "the string has no closing quote");
		char c = *r->p++;
		if (c == '"')
			break;
		if (c != '\\') {
			buf_putc(b, c);
			continue;
		}
		if (r->p >= r->end)
			return po_fail(r, "the string has no closing quote");
		c = *r->p++;
		static const char from[] = "nt\"\\", to[] = "\n\t\"\\";
		const char *k = strchr(from, c);
		if (!k || !c)
			return po_fail(r, "unknown escape \\%c", c);
		buf_putc(b, to[k - from]);
	}
	skip_blank(r);
	if (r->p < r->end && *r->p != '\n')
		return po_fail(r, "text after the closing quote");
	next_line(r);
	return 0;
}

/* read_string: the string after a keyword (on its line, then on continuation lines that start with a
 * quote) into a NUL-terminated copy in arena a. Returns it, or NULL (err set). */
static const char *read_string(struct po_reader *r, struct arena *a)
{
	struct buf b = BUF_INIT;
	skip_blank(r);
	int rc = read_quoted(r, &b);
	while (rc == 0) {
		const char *save = r->p;
		skip_blank(r);
		if (r->p >= r->end || *r->p != '"') {
			r->p = save;
			break;
		}
		rc = read_quoted(r, &b);
	}
	const char *s = rc == 0 ? arena_strndup(a, b.data ? b.data : "", b.len) : NULL;
	buf_free(&b);
	return s;
}

/* keyword: 1 when the text at r->p is word followed by a blank or quote (then passes it), else 0. */
static int keyword(struct po_reader *r, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(r->end - r->p) <= n || memcmp(r->p, word, n) != 0 || (r->p[n] != ' ' && r->p[n] != '"' && r->p[n] != '\t'))
		return 0;
	r->p += n;
	return 1;
}

/* read_comment: a "#" line; sets *fuzzy when it is a flags line naming fuzzy. */
static void read_comment(struct po_reader *r, int *fuzzy)
{
	const char *s = r->p, *e = memchr(s, '\n', (size_t)(r->end - s));
	if (!e)
		e = r->end;
	if (e - s >= 2 && s[1] == ',') {
		for (const char *q = s + 2; q + 5 <= e; q++)
			if (memcmp(q, "fuzzy", 5) == 0 && (q + 5 == e || q[5] == ',' || q[5] == ' ' || q[5] == '\r'))
				*fuzzy = 1;
	}
	next_line(r);
}

/* read_entry: one msgid/msgstr pair at r->p (comments before it already read) into *e. Returns 0 or -1. */
static int read_entry(struct po_reader *r, struct arena *a, struct po_entry *e)
{
	e->line = r->line;
	if (keyword(r, "msgctxt"))
		return po_fail(r, "msgctxt is not supported: give the string a wording of its own");
	if (!keyword(r, "msgid"))
		return po_fail(r, "msgid was expected");
	if (!(e->msgid = read_string(r, a)))
		return -1;
	skip_blank(r);
	if (keyword(r, "msgid_plural"))
		return po_fail(r, "plural forms are not supported: word the message without them");
	if (!keyword(r, "msgstr"))
		return po_fail(r, "msgstr was expected after the msgid of line %d", e->line);
	if (!(e->msgstr = read_string(r, a)))
		return -1;
	return 0;
}

int po_parse(struct arena *a, const char *text, size_t len, struct po_entry **out, size_t *n, char *err,
	     size_t errlen)
{
	struct po_reader r = {.p = text, .end = text + len, .line = 1, .err = err, .errlen = errlen};
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (errlen)
		err[0] = '\0';
	int fuzzy = 0, seen_header = 0;
	while (r.p < r.end) {
		skip_blank(&r);
		if (r.p >= r.end)
			break;
		if (*r.p == '\n') {
			next_line(&r);
			continue;
		}
		if (*r.p == '#') {
			read_comment(&r, &fuzzy);
			continue;
		}
		struct po_entry e = {0};
		if (read_entry(&r, a, &e) < 0)
			return -1;
		e.fuzzy = fuzzy;
		fuzzy = 0;
		if (!e.msgid[0]) {
			if (seen_header++) {
				r.line = e.line;
				return po_fail(&r, "a second header entry (msgid \"\")");
			}
			continue;
		}
		for (size_t i = 0; i < *n; i++)
			if (strcmp((*out)[i].msgid, e.msgid) == 0) {
				r.line = e.line;
				return po_fail(&r, "msgid given twice (first on line %d)", (*out)[i].line);
			}
		*out = arena_grow(a, *out, *n, &cap, sizeof **out, 64);
		(*out)[(*n)++] = e;
	}
	return 0;
}

/* next_conversion: the next printf conversion at or after *s ("%s", "%lld", "%%"...) copied into conv
 * (at most cap-1 bytes); *s moves past it. Returns 1, or 0 when there is none. */
static int next_conversion(const char **s, char *conv, size_t cap)
{
	const char *p = strchr(*s, '%');
	if (!p)
		return 0;
	size_t n = 1;
	while (p[n] && strchr("0123456789.-+ #'*hlLqjzt", p[n]))
		n++;
	if (p[n])
		n++;
	snprintf(conv, cap, "%.*s", (int)n, p);
	*s = p + n;
	return 1;
}

int po_placeholders_match(const char *msgid, const char *msgstr)
{
	const char *a = msgid, *b = msgstr;
	char ca[16], cb[16];
	for (;;) {
		int ha = next_conversion(&a, ca, sizeof ca), hb = next_conversion(&b, cb, sizeof cb);
		if (ha != hb)
			return 0;
		if (!ha)
			return 1;
		if (strcmp(ca, cb) != 0)
			return 0;
	}
}
