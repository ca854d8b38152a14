/* catalog.c - the newsroom's catalogues (see catalog.h). */
#include "catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "embedded.h"
#include "po.h"

struct catalog_pair {
	const char *msgid, *msgstr;
};

/* the Arabic catalogue: pairs sorted by msgid, in catalog_arena (read-only after catalog_init) */
static struct arena catalog_arena = ARENA_INIT;
static struct catalog_pair *catalog_ar;
static size_t catalog_nar;

static int pair_cmp(const void *a, const void *b)
{
	return strcmp(((const struct catalog_pair *)a)->msgid, ((const struct catalog_pair *)b)->msgid);
}

int catalog_init(char *err, size_t errlen)
{
	catalog_shutdown();
	const struct embedded_file *f = embedded_find("po/ar.po");
	if (!f) {
		snprintf(err, errlen, "po/ar.po: the catalogue is missing from the build");
		return -1;
	}
	struct po_entry *e;
	size_t n;
	char why[256];
	if (po_parse(&catalog_arena, f->data, f->len, &e, &n, why, sizeof why) < 0) {
		snprintf(err, errlen, "po/ar.po:%s", why);
		catalog_shutdown();
		return -1;
	}
	catalog_ar = arena_alloc(&catalog_arena, (n ? n : 1) * sizeof *catalog_ar);
	for (size_t i = 0; i < n; i++) {
		if (e[i].msgstr[0] && !po_placeholders_match(e[i].msgid, e[i].msgstr)) {
			snprintf(err, errlen, "po/ar.po:%d: the translation's placeholders differ from the msgid's", e[i].line);
			catalog_shutdown();
			return -1;
		}
		if (e[i].msgstr[0] && !e[i].fuzzy)
			catalog_ar[catalog_nar++] = (struct catalog_pair){e[i].msgid, e[i].msgstr};
	}
	qsort(catalog_ar, catalog_nar, sizeof *catalog_ar, pair_cmp);
	return 0;
}

void catalog_shutdown(void)
{
	arena_free(&catalog_arena);
	catalog_ar = NULL;
	catalog_nar = 0;
}

const char *catalog_tr(enum catalog_lang lang, const char *msgid)
{
	if (lang != CATALOG_AR || !msgid || !catalog_nar)
		return msgid;
	struct catalog_pair key = {msgid, NULL};
	const struct catalog_pair *p = bsearch(&key, catalog_ar, catalog_nar, sizeof *catalog_ar, pair_cmp);
	return p ? p->msgstr : msgid;
}

const char *catalog_code(enum catalog_lang lang)
{
	return lang == CATALOG_AR ? "ar" : "en";
}

int catalog_parse(const char *code, enum catalog_lang *out)
{
	if (!code || strlen(code) < 2 || (code[2] && code[2] != '-' && code[2] != '_'))
		return -1;
	if (strncasecmp(code, "en", 2) == 0)
		*out = CATALOG_EN;
	else if (strncasecmp(code, "ar", 2) == 0)
		*out = CATALOG_AR;
	else
		return -1;
	return 0;
}

/* range_quality: the q of one Accept-Language item "tag;q=0.8" (1000ths; 1000 when absent), with the tag
 * copied into tag[0..cap). Returns the quality, or -1 when the item is malformed. */
static int range_quality(const char *item, size_t len, char *tag, size_t cap)
{
	size_t t = 0;
	while (t < len && item[t] != ';' && item[t] != ' ' && item[t] != '\t')
		t++;
	if (t == 0 || t >= cap)
		return -1;
	memcpy(tag, item, t);
	tag[t] = '\0';
	const char *q = NULL;
	for (size_t i = t; i + 2 < len; i++)
		if ((item[i] == 'q' || item[i] == 'Q') && item[i + 1] == '=') {
			q = item + i + 2;
			break;
		}
	if (!q)
		return 1000;
	if (*q != '0' && *q != '1')
		return -1;
	int v = (*q - '0') * 1000, scale = 100;
	const char *end = item + len;
	if (q + 1 < end && q[1] == '.')
		for (const char *d = q + 2; d < end && *d >= '0' && *d <= '9' && scale; d++, scale /= 10)
			v += (*d - '0') * scale;
	return v > 1000 ? 1000 : v;
}

int catalog_negotiate(const char *accept_language, enum catalog_lang *out)
{
	if (!accept_language || strlen(accept_language) > 1024)
		return -1;
	int best_q = 0, found = -1;
	const char *p = accept_language;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		size_t len = strcspn(p, ",");
		char tag[64];
		enum catalog_lang lang;
		int q = len ? range_quality(p, len, tag, sizeof tag) : -1;
		if (q > best_q && catalog_parse(tag, &lang) == 0) {
			best_q = q;
			*out = lang;
			found = 0;
		}
		p += len;
	}
	return found;
}
