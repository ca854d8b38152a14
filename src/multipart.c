/* multipart.c - multipart/form-data parsing (see multipart.h). Every index is checked against the end of
 * the buffer before it is read: the parser is meant to survive fuzzing. */
#include "multipart.h"

#include <limits.h>
#include <string.h>

#include "escape.h"

#define MP_BOUNDARY_MAX 70

/* mp_lower: ASCII lower case of c, leaving other bytes alone. */
static unsigned char mp_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* mp_ieq: 1 when s[0..n) equals the lower-case literal lit, ignoring ASCII case; else 0. */
static int mp_ieq(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	if (n != m)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (mp_lower((unsigned char)s[i]) != (unsigned char)lit[i])
			return 0;
	return 1;
}

/* mp_tchar: 1 when c may appear in an RFC 9110 token; else 0. */
static int mp_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* mp_bchar: 1 when c is in RFC 2046's bchars (the boundary alphabet, space included); else 0. */
static int mp_bchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return c != '\0' && strchr("'()+_,-./:=? ", c) != NULL;
}

/* mp_boundary_ok: 1 when b[0..n) is a valid RFC 2046 boundary (1-70 bchars, no trailing space); else 0. */
static int mp_boundary_ok(const char *b, size_t n)
{
	if (n < 1 || n > MP_BOUNDARY_MAX || b[n - 1] == ' ')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!mp_bchar((unsigned char)b[i]))
			return 0;
	return 1;
}

/* mp_skip_ows: advances p over spaces and tabs, never past end; returns the new position. */
static const char *mp_skip_ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

struct mp_param {
	const char *name; /* points into the header value */
	size_t nlen;
	char *value; /* decoded, NUL-terminated, in the arena */
	size_t vlen;
};

/* mp_next_param: parses one `; name=value` parameter (value a token or a quoted string; spaces around
 * '=' tolerated) starting at *pp, before end. In a quoted string a backslash escapes only '"' and '\';
 * before anything else it is kept (browsers send Windows paths unescaped). Allocates the decoded value
 * in the arena. Returns 1 with *out filled and *pp advanced, 0 when only spaces (or a lone trailing ';')
 * remain, -1 on malformed input. */
static int mp_next_param(struct arena *a, const char **pp, const char *end, struct mp_param *out)
{
	const char *p = mp_skip_ows(*pp, end);
	if (p == end)
		return 0;
	if (*p != ';')
		return -1;
	p = mp_skip_ows(p + 1, end);
	if (p == end) {
		*pp = p;
		return 0;
	}
	const char *name = p;
	while (p < end && mp_tchar((unsigned char)*p))
		p++;
	if (p == name)
		return -1;
	out->name = name;
	out->nlen = (size_t)(p - name);
	p = mp_skip_ows(p, end);
	if (p == end || *p != '=')
		return -1;
	p = mp_skip_ows(p + 1, end);
	if (p == end)
		return -1;
	if (*p == '"') {
		p++;
		char *v = arena_alloc(a, (size_t)(end - p) + 1);
		size_t n = 0;
		for (;;) {
			if (p == end)
				return -1; /* unterminated */
			unsigned char c = (unsigned char)*p;
			if (c == '"') {
				p++;
				break;
			}
			if (c == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\')) {
				v[n++] = p[1];
				p += 2;
				continue;
			}
			if ((c < 0x20 && c != '\t') || c == 0x7F)
				return -1;
			v[n++] = (char)c;
			p++;
		}
		v[n] = '\0';
		out->value = v;
		out->vlen = n;
	} else {
		const char *v = p;
		while (p < end && (mp_tchar((unsigned char)*p) || (unsigned char)*p >= 0x80))
			p++;
		if (p == v)
			return -1;
		out->value = arena_strndup(a, v, (size_t)(p - v));
		out->vlen = (size_t)(p - v);
	}
	*pp = p;
	return 1;
}

const char *multipart_boundary(struct arena *a, const char *content_type)
{
	if (!content_type)
		return NULL;
	const char *end = content_type + strlen(content_type);
	const char *p = mp_skip_ows(content_type, end);
	const char *type = p;
	while (p < end && (mp_tchar((unsigned char)*p) || *p == '/'))
		p++;
	if (!mp_ieq(type, (size_t)(p - type), "multipart/form-data"))
		return NULL;
	const char *boundary = NULL;
	size_t blen = 0;
	struct mp_param prm;
	int r;
	while ((r = mp_next_param(a, &p, end, &prm)) == 1) {
		if (mp_ieq(prm.name, prm.nlen, "boundary")) {
			if (boundary)
				return NULL; /* repeated: ambiguous */
			boundary = prm.value;
			blen = prm.vlen;
		}
	}
	if (r < 0 || !boundary || !mp_boundary_ok(boundary, blen))
		return NULL;
	return boundary;
}

/* mp_delimiter: checks whether body[pos..) holds "--boundary" followed by either "--" (the close
 * delimiter) or transport padding and CRLF. The caller has checked that pos starts a line.
 * Returns 1 with *next set to where the following part (or epilogue) starts and *is_close set, or 0
 * when this is not a delimiter (the text is then part data). */
static int mp_delimiter(const char *body, size_t len, size_t pos, const char *b, size_t blen, size_t *next,
                        int *is_close)
{
	if (len - pos < 2 + blen || body[pos] != '-' || body[pos + 1] != '-' ||
	    memcmp(body + pos + 2, b, blen) != 0)
		return 0;
	size_t q = pos + 2 + blen;
	int close = 0;
	if (len - q >= 2 && body[q] == '-' && body[q + 1] == '-') {
		close = 1;
		q += 2;
	}
	while (q < len && (body[q] == ' ' || body[q] == '\t'))
		q++;
	if (len - q >= 2 && body[q] == '\r' && body[q + 1] == '\n') {
		q += 2;
	} else if (!(close && q == len)) {
		return 0; /* only the close delimiter may end the body without CRLF */
	}
	*next = q;
	*is_close = close;
	return 1;
}

/* mp_disposition: parses a Content-Disposition value into the part's name and filename (arena).
 * Returns 0 or a negative MULTIPART_E* code. */
static int mp_disposition(struct arena *a, const char *v, const char *end, struct multipart_part *part)
{
	const char *p = v;
	while (p < end && mp_tchar((unsigned char)*p))
		p++;
	if (!mp_ieq(v, (size_t)(p - v), "form-data"))
		return MULTIPART_ENAME;
	struct mp_param prm;
	int r;
	int have_name = 0, have_file = 0;
	while ((r = mp_next_param(a, &p, end, &prm)) == 1) {
		int is_name = mp_ieq(prm.name, prm.nlen, "name");
		int is_file = mp_ieq(prm.name, prm.nlen, "filename");
		if (!is_name && !is_file)
			continue; /* filename* and anything else: ignored */
		if ((is_name && have_name) || (is_file && have_file))
			return MULTIPART_EFORMAT;
		if (memchr(prm.value, '\0', prm.vlen) || !utf8_valid(prm.value, prm.vlen))
			return MULTIPART_EENCODING;
		if (is_name) {
			have_name = 1;
			part->name = prm.value;
		} else {
			have_file = 1;
			part->filename = prm.value;
		}
	}
	if (r < 0)
		return MULTIPART_EFORMAT;
	if (!have_name || part->name[0] == '\0')
		return MULTIPART_ENAME;
	return 0;
}

/* mp_headers: parses the header block of a part starting at body[*pos]; on success *pos is just past
 * the blank line that ends it. Fills name, filename and content_type (arena). Returns 0 or a negative
 * MULTIPART_E* code. */
static int mp_headers(struct arena *a, const char *body, size_t len, size_t *pos, struct multipart_part *part)
{
	size_t p = *pos, start = *pos;
	int have_disp = 0;
	for (;;) {
		/* find the end of this line: bytes up to CRLF, refusing bare CR, bare LF and controls */
		size_t e = p;
		for (;;) {
			if (e - start > MULTIPART_HEADER_MAX)
				return MULTIPART_EHEADER;
			if (e >= len)
				return MULTIPART_ETRUNCATED;
			unsigned char c = (unsigned char)body[e];
			if (c == '\r') {
				if (e + 1 >= len)
					return MULTIPART_ETRUNCATED;
				if (body[e + 1] != '\n')
					return MULTIPART_EFORMAT;
				break;
			}
			if ((c < 0x20 && c != '\t') || c == 0x7F)
				return MULTIPART_EFORMAT;
			e++;
		}
		if (e == p) { /* blank line: end of headers */
			*pos = e + 2;
			break;
		}
		const char *line = body + p, *lend = body + e;
		const char *colon = line;
		while (colon < lend && mp_tchar((unsigned char)*colon))
			colon++;
		if (colon == line || colon == lend || *colon != ':')
			return MULTIPART_EFORMAT; /* no name, folded line, or space before ':' */
		const char *v = mp_skip_ows(colon + 1, lend);
		const char *vend = lend;
		while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
			vend--;
		size_t nlen = (size_t)(colon - line);
		if (mp_ieq(line, nlen, "content-disposition")) {
			if (have_disp)
				return MULTIPART_EFORMAT;
			have_disp = 1;
			int r = mp_disposition(a, v, vend, part);
			if (r < 0)
				return r;
		} else if (mp_ieq(line, nlen, "content-type")) {
			if (part->content_type)
				return MULTIPART_EFORMAT;
			if (!utf8_valid(v, (size_t)(vend - v)))
				return MULTIPART_EENCODING;
			part->content_type = arena_strndup(a, v, (size_t)(vend - v));
		}
		p = e + 2;
	}
	return have_disp ? 0 : MULTIPART_ENAME;
}

int multipart_parse(struct arena *a, const char *body, size_t len, const char *boundary,
                    struct multipart_part *out, size_t max)
{
	if (!boundary)
		return MULTIPART_EBOUNDARY;
	size_t blen = strlen(boundary);
	if (!mp_boundary_ok(boundary, blen))
		return MULTIPART_EBOUNDARY;
	if (!body)
		return MULTIPART_EFORMAT;
	if (max > INT_MAX)
		max = INT_MAX; /* the count must fit the return value */
	char needle[4 + MP_BOUNDARY_MAX];
	memcpy(needle, "\r\n--", 4);
	memcpy(needle + 4, boundary, blen);
	size_t nlen = 4 + blen;

	/* the first delimiter: at the very start, or after the preamble's last CRLF */
	size_t pos = 0;
	int is_close = 0;
	if (!mp_delimiter(body, len, 0, boundary, blen, &pos, &is_close)) {
		size_t from = 0;
		for (;;) {
			const char *hit = memmem(body + from, len - from, needle, nlen);
			if (!hit)
				return MULTIPART_EFORMAT;
			size_t at = (size_t)(hit - body);
			if (mp_delimiter(body, len, at + 2, boundary, blen, &pos, &is_close))
				break;
			from = at + 1;
		}
	}

	size_t n = 0;
	while (!is_close) {
		if (n >= max)
			return MULTIPART_ETOOMANY;
		struct multipart_part part = {0};
		int r = mp_headers(a, body, len, &pos, &part);
		if (r < 0)
			return r;
		/* the data runs up to the next CRLF--boundary that is a real delimiter */
		size_t from = pos, next = 0;
		for (;;) {
			const char *hit = memmem(body + from, len - from, needle, nlen);
			if (!hit)
				return MULTIPART_ETRUNCATED;
			size_t at = (size_t)(hit - body);
			if (mp_delimiter(body, len, at + 2, boundary, blen, &next, &is_close)) {
				part.data = body + pos;
				part.len = at - pos;
				break;
			}
			from = at + 1;
		}
		out[n++] = part;
		pos = next;
	}
	return (int)n;
}

const char *multipart_strerror(int code)
{
	switch (code) {
	case MULTIPART_OK:
		return "The form was read.";
	case MULTIPART_EFORMAT:
		return "The form data is malformed.";
	case MULTIPART_ETRUNCATED:
		return "The form data is incomplete; please send the form again.";
	case MULTIPART_ETOOMANY:
		return "The form has too many fields.";
	case MULTIPART_EHEADER:
		return "A form field has headers that are too long.";
	case MULTIPART_ENAME:
		return "A form field has no name.";
	case MULTIPART_EENCODING:
		return "A form field name or file name is not valid UTF-8 text.";
	case MULTIPART_EBOUNDARY:
		return "The form's boundary is invalid.";
	default:
		return "The form could not be read.";
	}
}
