/* wire.c - the wire formats' parsers (see wire.h): what they share (text cleaning, dates, languages) and
 * IPTC ninjs 1.x and 2.x (JSON, read with jansson). NewsML-G2 and RSS/Atom are in wire_xml.c. */
#include "wire_int.h"

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "datefmt.h"
#include "escape.h"

/* wire_err: see wire_int.h. */
int wire_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* wire_item_init: see wire_int.h. */
void wire_item_init(struct wire_item *it)
{
	memset(it, 0, sizeof *it);
	it->guid = it->lang = it->headline = it->byline = it->summary = it->body_html = "";
	it->link = it->located = it->credit = it->subjects = it->pubstatus = "";
}

/* wire_subject_add: see wire_int.h. */
void wire_subject_add(struct buf *b, const char *name)
{
	if (!name || !*name || b->len > WIRE_MAX_SUBJECTS * 4)
		return;
	if (b->len)
		buf_lit(b, ", ");
	buf_append(b, name, strlen(name));
}

/* wire_clean: see wire_int.h. */
const char *wire_clean(struct arena *a, const char *s, size_t max)
{
	if (!s || !utf8_valid(s, strlen(s)))
		return "";
	struct buf b = BUF_INIT;
	size_t chars = 0;
	int space = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p && chars < max) {
		size_t l = 1;
		if (*p <= ' ' || *p == 0x7f) { /* controls and whitespace */
			space = 1;
			p++;
			continue;
		}
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) { /* C1 controls */
			p += 2;
			continue;
		}
		if (space && b.len) {
			buf_putc(&b, ' ');
			if (++chars == max)
				break;
		}
		space = 0;
		l = *p < 0xc0 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
		buf_append(&b, p, l);
		p += l;
		chars++;
	}
	const char *r = b.len ? arena_strndup(a, b.data, b.len) : "";
	buf_free(&b);
	return r;
}

/* wire_lang: see wire_int.h. */
const char *wire_lang(struct arena *a, const char *tag)
{
	char l[9];
	size_t n = 0;
	if (!tag)
		return "";
	while (*tag == ' ')
		tag++;
	for (; n < 8 && ((tag[n] | 0x20) >= 'a' && (tag[n] | 0x20) <= 'z'); n++)
		l[n] = (char)(tag[n] | 0x20);
	if (n < 2 || n > 3 || (tag[n] && tag[n] != '-' && tag[n] != '_' && tag[n] != ' '))
		return "";
	l[n] = '\0';
	return arena_strdup(a, l);
}

/* wire_link: see wire_int.h. */
const char *wire_link(struct arena *a, const char *s)
{
	if (!s)
		return "";
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (n > WIRE_MAX_LINK || (strncasecmp(s, "http://", 7) && strncasecmp(s, "https://", 8)))
		return "";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f || s[i] == '"' || s[i] == '<' || s[i] == '>')
			return "";
	if (!utf8_valid(s, n))
		return "";
	char *r = arena_strndup(a, s, n);
	for (char *q = r; *q != ':'; q++) /* the scheme in lower case */
		*q = (char)(*q | 0x20);
	return r;
}

/* num: reads up to max digits (at least min) at *s into *v, advancing *s. Returns 0, or -1. */
static int num(const char **s, int min, int max, int *v)
{
	int n = 0, x = 0;
	while (n < max && (*s)[n] >= '0' && (*s)[n] <= '9')
		x = x * 10 + ((*s)[n++] - '0');
	if (n < min)
		return -1;
	*s += n;
	*v = x;
	return 0;
}

/* civil_ok: 1 when the fields make a real date and time. */
static int civil_ok(int y, int mo, int d, int h, int mi, int se)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 60)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[mo - 1] && !(mo == 2 && d == 29 && !leap);
}

/* zone: reads a time zone at *s: "Z", "+hh:mm", "+hhmm", "+hh" (and for RFC 822 "GMT", "UT", "UTC" and the
 * US zones). Returns the offset in seconds east of UTC in *off; 0 when read, -1 when not. */
static int zone(const char *s, int rfc822, int *off)
{
	static const struct {
		const char *name;
		int hours;
	} named[] = {{"GMT", 0}, {"UTC", 0}, {"UT", 0}, {"Z", 0}, {"EST", -5}, {"EDT", -4}, {"CST", -6},
		     {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};
	while (*s == ' ')
		s++;
	*off = 0;
	if (!*s)
		return 0; /* no zone: UTC */
	if (*s == '+' || *s == '-') {
		int sign = *s == '-' ? -1 : 1, h, m = 0;
		s++;
		if (num(&s, 2, 2, &h))
			return -1;
		if (*s == ':')
			s++;
		if (*s && num(&s, 2, 2, &m))
			return -1;
		if (h > 23 || m > 59 || (*s && *s != ' '))
			return -1;
		*off = sign * (h * 3600 + m * 60);
		return 0;
	}
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if ((rfc822 || i == 3) && strcasecmp(s, named[i].name) == 0) {
			*off = named[i].hours * 3600;
			return 0;
		}
	return -1;
}

/* iso_date: see wire_date (ISO 8601). Returns 0 with *t, or -1. */
static int iso_date(const char *s, int64_t *t)
{
	int y, mo, d, h = 0, mi = 0, se = 0, off = 0;
	if (num(&s, 4, 4, &y) || *s++ != '-' || num(&s, 2, 2, &mo) || *s++ != '-' || num(&s, 2, 2, &d))
		return -1;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		if (num(&s, 2, 2, &h) || *s++ != ':' || num(&s, 2, 2, &mi))
			return -1;
		if (*s == ':' && (s++, num(&s, 2, 2, &se)))
			return -1;
		if (*s == '.' || *s == ',') {
			s++;
			int frac;
			if (num(&s, 1, 9, &frac))
				return -1;
			while (*s >= '0' && *s <= '9')
				s++;
		}
		if (zone(s, 0, &off))
			return -1;
	} else if (*s)
		return -1;
	if (!civil_ok(y, mo, d, h, mi, se))
		return -1;
	*t = datefmt_from_civil(y, mo, d, h, mi, se) - off;
	return 0;
}

/* rfc822_date: see wire_date (RFC 822/1123, weekday optional). Returns 0 with *t, or -1. */
static int rfc822_date(const char *s, int64_t *t)
{
	static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
					     "jul", "aug", "sep", "oct", "nov", "dec"};
	const char *comma = strchr(s, ',');
	if (comma && comma - s <= 10)
		s = comma + 1;
	while (*s == ' ')
		s++;
	int d, y, h, mi, se = 0, mo = 0, off;
	if (num(&s, 1, 2, &d) || *s++ != ' ')
		return -1;
	for (int i = 0; i < 12 && !mo; i++)
		if (strncasecmp(s, months[i], 3) == 0)
			mo = i + 1;
	if (!mo)
		return -1;
	s += 3;
	while (*s >= 'a' && *s <= 'z') /* a full month name */
		s++;
	if (*s++ != ' ')
		return -1;
	const char *ys = s;
	if (num(&s, 2, 4, &y) || (s - ys) == 3 || *s++ != ' ')
		return -1;
	if (s - ys == 3) /* two digits and the space */
		y += y < 70 ? 2000 : 1900;
	if (num(&s, 1, 2, &h) || *s++ != ':' || num(&s, 2, 2, &mi))
		return -1;
	if (*s == ':' && (s++, num(&s, 2, 2, &se)))
		return -1;
	if (zone(s, 1, &off) || !civil_ok(y, mo, d, h, mi, se))
		return -1;
	*t = datefmt_from_civil(y, mo, d, h, mi, se) - off;
	return 0;
}

/* wire_date: see wire_int.h. */
int64_t wire_date(const char *s)
{
	int64_t t = 0;
	if (!s)
		return 0;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	char tmp[64];
	size_t n = strlen(s);
	if (n >= sizeof tmp)
		return 0;
	memcpy(tmp, s, n + 1);
	while (n && (tmp[n - 1] == ' ' || tmp[n - 1] == '\t' || tmp[n - 1] == '\r' || tmp[n - 1] == '\n'))
		tmp[--n] = '\0';
	if (iso_date(tmp, &t) == 0 || rfc822_date(tmp, &t) == 0)
		return t;
	return 0;
}

/* wire_status: see wire_int.h. */
const char *wire_status(const char *s)
{
	if (!s)
		return "";
	const char *colon = strchr(s, ':');
	if (colon)
		s = colon + 1;
	if (!strcasecmp(s, "usable"))
		return "usable";
	if (!strcasecmp(s, "withheld"))
		return "withheld";
	if (!strcasecmp(s, "canceled") || !strcasecmp(s, "cancelled"))
		return "canceled";
	return "";
}

/* wire_html_text: see wire_int.h. */
const char *wire_html_text(struct arena *a, const char *html, size_t max)
{
	if (!html || !*html || !utf8_valid(html, strlen(html)))
		return "";
	if (!strchr(html, '<') && !strchr(html, '&'))
		return wire_clean(a, html, max);
	htmlDocPtr doc = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
					HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	if (!doc)
		return "";
	xmlNode *root = xmlDocGetRootElement(doc);
	xmlChar *text = root ? xmlNodeGetContent(root) : NULL;
	const char *r = wire_clean(a, (const char *)text, max);
	xmlFree(text);
	xmlFreeDoc(doc);
	return r;
}

/* wire_text_html: see wire_int.h. */
const char *wire_text_html(struct arena *a, const char *text)
{
	if (!text || !utf8_valid(text, strlen(text)))
		return "";
	struct buf b = BUF_INIT;
	const char *p = text;
	while (*p) {
		while (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *end = p;
		for (;;) { /* a paragraph ends at a blank line */
			const char *nl = strchr(end, '\n');
			if (!nl) {
				end += strlen(end);
				break;
			}
			const char *q = nl + 1;
			while (*q == ' ' || *q == '\t' || *q == '\r')
				q++;
			if (*q == '\n' || !*q) {
				end = nl;
				break;
			}
			end = q;
		}
		buf_lit(&b, "<p>");
		buf_html(&b, p, (size_t)(end - p));
		buf_lit(&b, "</p>\n");
		p = end;
	}
	const char *r = b.len ? arena_strndup(a, b.data, b.len) : "";
	buf_free(&b);
	return r;
}

/* wire_body: see wire_int.h. */
const char *wire_body(struct arena *a, const char *html)
{
	if (!html || !utf8_valid(html, strlen(html)))
		return "";
	return arena_strdup(a, html);
}

/* ---- ninjs ---- */

/* jstr: the string member key of o, or NULL. */
static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* pick: of a ninjs 2.x array of {role, contenttype, value}, the value of the entry with role want (then
 * role "main", then the first) whose contenttype starts with ctype (any when ctype is NULL); *type gets
 * its contenttype. NULL when none. */
static const char *pick(json_t *arr, const char *want, const char *ctype, const char **type)
{
	const char *best = NULL, *best_type = NULL;
	int best_rank = 9;
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e) {
		const char *v = jstr(e, "value"), *role = jstr(e, "role"), *ct = jstr(e, "contenttype");
		if (!v || (ctype && ct && strncmp(ct, ctype, strlen(ctype)) != 0))
			continue;
		int rank = role && want && !strcmp(role, want) ? 0 : role && !strcmp(role, "main") ? 1 : 2;
		if (rank < best_rank) {
			best = v;
			best_type = ct;
			best_rank = rank;
		}
	}
	if (type)
		*type = best_type;
	return best;
}

/* ninjs_subjects: the names of subject[] (1.x) or subjects[] (2.x), comma-separated. */
static const char *ninjs_subjects(struct arena *a, json_t *doc)
{
	json_t *arr = json_object_get(doc, "subjects");
	if (!json_is_array(arr))
		arr = json_object_get(doc, "subject");
	struct buf b = BUF_INIT;
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e) {
		const char *name = jstr(e, "name");
		wire_subject_add(&b, name);
	}
	const char *r = wire_clean(a, buf_cstr(&b), WIRE_MAX_SUBJECTS);
	buf_free(&b);
	return r;
}

/* ninjs_text: headline, byline, summary and body of doc (1.x single fields or 2.x arrays) into it. */
static void ninjs_text(struct arena *a, json_t *doc, struct wire_item *it)
{
	const char *h = jstr(doc, "headline");
	if (!h)
		h = pick(json_object_get(doc, "headlines"), "main", NULL, NULL);
	it->headline = wire_clean(a, h, WIRE_MAX_HEADLINE);
	const char *by = jstr(doc, "byline");
	if (!by)
		by = jstr(doc, "by");
	json_t *bylines = json_object_get(doc, "bylines");
	if (!by && json_is_array(bylines) && json_array_size(bylines))
		by = jstr(json_array_get(bylines, 0), "byline");
	it->byline = wire_clean(a, by, WIRE_MAX_BYLINE);
	const char *type = NULL, *d = jstr(doc, "description_text");
	if (d)
		it->summary = wire_clean(a, d, WIRE_MAX_SUMMARY);
	else if ((d = jstr(doc, "description_html")))
		it->summary = wire_html_text(a, d, WIRE_MAX_SUMMARY);
	else if ((d = pick(json_object_get(doc, "descriptions"), "summary", NULL, &type)))
		it->summary = type && strstr(type, "html") ? wire_html_text(a, d, WIRE_MAX_SUMMARY)
							   : wire_clean(a, d, WIRE_MAX_SUMMARY);
	const char *body = jstr(doc, "body_html");
	if (body)
		it->body_html = wire_body(a, body);
	else if ((body = pick(json_object_get(doc, "bodies"), "main", "text/html", NULL)) ||
		 (body = pick(json_object_get(doc, "bodies"), "main", "application/xhtml", NULL)))
		it->body_html = wire_body(a, body);
	else if ((body = jstr(doc, "body_text")) ||
		 (body = pick(json_object_get(doc, "bodies"), "main", "text/plain", NULL)))
		it->body_html = wire_text_html(a, body);
}

/* ninjs_version: the version, a string of digits ("2") or a number; 1 when absent or unreadable. */
static int64_t ninjs_version(json_t *v)
{
	int64_t n = 0;
	if (json_is_integer(v))
		n = json_integer_value(v);
	else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		for (size_t i = 0; s[i] >= '0' && s[i] <= '9' && i < 15; i++)
			n = n * 10 + (s[i] - '0');
	}
	return n > 0 ? n : 1;
}

/* wire_parse_ninjs: see wire.h. */
int wire_parse_ninjs(struct arena *a, const char *json, size_t len, struct wire_item *out, char *err, size_t errlen)
{
	wire_item_init(out);
	if (len > WIRE_MAX_INPUT)
		return wire_err(err, errlen, "The item is too large (%zu bytes; at most %u).", len, WIRE_MAX_INPUT);
	json_error_t je;
	json_t *doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return wire_err(err, errlen, "The item is not JSON (line %d: %s).", je.line, je.text);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return wire_err(err, errlen, "The item is not a ninjs object.");
	}
	const char *guid = jstr(doc, "uri");
	if (!guid)
		guid = jstr(doc, "guid");
	out->guid = wire_clean(a, guid, WIRE_MAX_GUID);
	if (!*out->guid) {
		json_decref(doc);
		return wire_err(err, errlen, "The item has no \"uri\" (its id).");
	}
	ninjs_text(a, doc, out);
	if (!*out->headline) {
		json_decref(doc);
		return wire_err(err, errlen, "The item has no headline.");
	}
	out->version = ninjs_version(json_object_get(doc, "version"));
	out->lang = wire_lang(a, jstr(doc, "language"));
	out->link = wire_link(a, guid);
	out->located = wire_clean(a, jstr(doc, "located"), WIRE_MAX_SHORT);
	const char *credit = jstr(doc, "copyrightholder");
	out->credit = wire_clean(a, credit, WIRE_MAX_SHORT);
	out->subjects = ninjs_subjects(a, doc);
	out->pubstatus = wire_status(jstr(doc, "pubstatus"));
	json_t *u = json_object_get(doc, "urgency");
	out->urgency = json_is_integer(u) && json_integer_value(u) >= 1 && json_integer_value(u) <= 9
			   ? (int)json_integer_value(u)
			   : 0;
	out->first_created = wire_date(jstr(doc, "firstcreated"));
	out->version_created = wire_date(jstr(doc, "versioncreated"));
	out->embargoed = wire_date(jstr(doc, "embargoed"));
	json_decref(doc);
	return 0;
}
