/* glossary.c - the glossary's pure matching (see glossary.h). */
#include "glossary.h"

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "textnorm.h"
#include "util.h"

/* A folded text as its words: each word an arena copy. A text that is searched many times also has an
 * index (words_index): the positions of its words by their last four bytes, chained (head[bucket] and
 * next[pos] hold position + 1, 0 ending a chain); head is NULL without one. */
struct words {
	const char **w;
	size_t *len;
	size_t n, cap;
	struct arena *a;
	size_t *head, *next, mask;
};

/* words_add: textnorm_words callback appending an arena copy of the word. */
static void words_add(const char *w, size_t len, void *ctx)
{
	struct words *ws = ctx;
	if (ws->n == ws->cap) {
		size_t cap = ws->cap ? ws->cap * 2 : 32;
		const char **nw = arena_alloc(ws->a, cap * sizeof *nw);
		size_t *nl = arena_alloc(ws->a, cap * sizeof *nl);
		if (ws->n) {
			memcpy(nw, ws->w, ws->n * sizeof *nw);
			memcpy(nl, ws->len, ws->n * sizeof *nl);
		}
		ws->w = nw;
		ws->len = nl;
		ws->cap = cap;
	}
	ws->w[ws->n] = arena_strndup(ws->a, w, len);
	ws->len[ws->n++] = len;
}

/* words_of: the folded words of s (NULL: none), in the arena. */
static struct words words_of(struct arena *a, const char *s)
{
	struct words ws = {.a = a};
	if (s)
		textnorm_words(s, strlen(s), words_add, &ws);
	return ws;
}

const char *glossary_key(struct arena *a, const char *s)
{
	struct words ws = words_of(a, s);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < ws.n; i++) {
		if (i)
			buf_putc(&b, ' ');
		buf_append(&b, ws.w[i], ws.len[i]);
	}
	const char *key = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return key;
}

const char *glossary_search_text(struct arena *a, const struct db_glossary *g)
{
	return arena_printf(a, "%s\n%s\n%s\n%s", glossary_key(a, g->name_en), glossary_key(a, g->name_ar),
			    glossary_key(a, g->variants), glossary_key(a, g->note));
}

/* trimmed: s[0..n) without leading and trailing ASCII spaces, tabs and carriage returns, as an arena copy. */
static const char *trimmed(struct arena *a, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return arena_strndup(a, s, n);
}

const char *glossary_variants_clean(struct arena *a, const char *typed, size_t *count)
{
	struct buf b = BUF_INIT;
	const char **keys = NULL;
	size_t n = 0, cap = 0;
	for (const char *p = typed ? typed : ""; *p;) {
		size_t len = strcspn(p, "\n;");
		const char *v = trimmed(a, p, len);
		p += len + (p[len] != '\0');
		const char *key = glossary_key(a, v);
		if (!*key)
			continue;
		int seen = 0;
		for (size_t i = 0; i < n && !seen; i++)
			seen = strcmp(keys[i], key) == 0;
		if (seen)
			continue;
		keys = arena_grow(a, keys, n, &cap, sizeof *keys, 8);
		keys[n++] = key;
		if (b.len)
			buf_putc(&b, '\n');
		buf_append(&b, v, strlen(v));
	}
	if (count)
		*count = n;
	const char *out = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return out;
}

size_t glossary_variants(struct arena *a, const char *variants, const char ***out)
{
	size_t n = 0, cap = 0;
	const char **v = NULL;
	for (const char *p = variants ? variants : ""; *p;) {
		size_t len = strcspn(p, "\n");
		if (len) {
			v = arena_grow(a, v, n, &cap, sizeof *v, 8);
			v[n++] = arena_strndup(a, p, len);
		}
		p += len + (p[len] != '\0');
	}
	*out = v;
	return n;
}

int glossary_arabic(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
		if (*p >= 0xD8 && *p <= 0xDB && (p[1] & 0xC0) == 0x80)
			return 1;
	return 0;
}

/* The contractions of ل with a name's article ال (folded): للقدس, وللقدس, فللقدس. */
static const char *const lil[] = {"لل", "ولل", "فلل"};
#define AL "ال"

/* word_ok: 1 when text word t[0..tn) is phrase word p[0..pn) under the glossary's rule (textnorm's, and a
 * word starting with ال also after a contraction of ل). */
static int word_ok(const char *t, size_t tn, const char *p, size_t pn)
{
	if (textnorm_word_matches(t, tn, p, pn))
		return 1;
	size_t al = strlen(AL);
	if (pn <= al || memcmp(p, AL, al) != 0)
		return 0;
	const char *rest = p + al;
	size_t rn = pn - al;
	for (size_t i = 0; i < ARRAY_LEN(lil); i++) {
		size_t ln = strlen(lil[i]);
		if (tn == ln + rn && memcmp(t, lil[i], ln) == 0 && memcmp(t + ln, rest, rn) == 0)
			return 1;
	}
	return 0;
}

/* tail_bucket: the index bucket of a word by its last four bytes (len >= 4). */
static size_t tail_bucket(const char *w, size_t len, size_t mask)
{
	uint32_t k;
	memcpy(&k, w + len - 4, 4);
	return (size_t)((k * UINT32_C(2654435761)) >> 7) & mask;
}

/* words_index: indexes the words of tw of four bytes or more by their last four bytes (see struct words). */
static void words_index(struct words *tw)
{
	size_t buckets = 64;
	while (buckets < tw->n * 2)
		buckets *= 2;
	tw->mask = buckets - 1;
	tw->head = arena_alloc(tw->a, buckets * sizeof *tw->head);
	tw->next = arena_alloc(tw->a, (tw->n ? tw->n : 1) * sizeof *tw->next);
	for (size_t i = 0; i < tw->n; i++)
		if (tw->len[i] >= 4) {
			size_t b = tail_bucket(tw->w[i], tw->len[i], tw->mask);
			tw->next[i] = tw->head[b];
			tw->head[b] = i + 1;
		}
}

/* A run of text words [from, to) where a spelling occurs. */
struct span {
	size_t from, to;
};

/* occurs_at: 1 when phrase ph occurs in tw at word i: the first word may carry an attached prefix
 * (word_ok), the others are the phrase's words exactly, so "سلمى الناصر" is not "سلمى ناصر". */
static int occurs_at(const struct words *tw, const struct words *ph, size_t i)
{
	if (i + ph->n > tw->n || !word_ok(tw->w[i], tw->len[i], ph->w[0], ph->len[0]))
		return 0;
	size_t k = 1;
	while (k < ph->n && tw->len[i + k] == ph->len[k] && memcmp(tw->w[i + k], ph->w[k], ph->len[k]) == 0)
		k++;
	return k == ph->n;
}

/* occurrences: where phrase (folded words ph) occurs in the text words tw (occurs_at): an arena array of
 * spans, their count returned. A phrase with no words occurs nowhere. Every text word that word_ok takes
 * for the first word ends with that word's last four bytes (after a prefix, or after لل for a word whose
 * ال it replaces), so with an index only that bucket is read when those bytes are a whole tail. */
static size_t occurrences(struct arena *a, const struct words *tw, const struct words *ph, struct span **out)
{
	size_t n = 0, cap = 0;
	struct span *s = NULL;
	*out = NULL;
	if (!ph->n)
		return 0;
	size_t pn = ph->len[0], al = strlen(AL);
	size_t tail = pn > al && memcmp(ph->w[0], AL, al) == 0 ? pn - al : pn;
	int indexed = tw->head && tail >= 4;
	size_t i = indexed ? tw->head[tail_bucket(ph->w[0], pn, tw->mask)] : 1;
	while (indexed ? i != 0 : i <= tw->n) {
		size_t at = i - 1;
		i = indexed ? tw->next[at] : i + 1;
		if (!occurs_at(tw, ph, at))
			continue;
		s = arena_grow(a, s, n, &cap, sizeof *s, 8);
		s[n++] = (struct span){at, at + ph->n};
	}
	*out = s;
	return n;
}

/* covered: 1 when span x lies inside one of the spans in[0..n). */
static int covered(struct span x, const struct span *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (in[i].from <= x.from && x.to <= in[i].to)
			return 1;
	return 0;
}

/* check_entry: glossary_check for entry g (index idx) against the text words tw; appends its misspellings
 * to *miss (n, cap) and returns whether the text mentions it. */
static int check_entry(struct arena *a, const struct db_glossary *g, size_t idx, const struct words *tw, int ar,
		       struct glossary_miss **miss, size_t *n, size_t *cap)
{
	const char *agreed = ar ? g->name_ar : g->name_en, *other = ar ? g->name_en : g->name_ar;
	struct words aw = words_of(a, agreed), ow = words_of(a, other);
	struct span *as, *os;
	size_t na = occurrences(a, tw, &aw, &as), no = occurrences(a, tw, &ow, &os);
	int mentioned = na || no;
	const char **vars;
	size_t nv = glossary_variants(a, g->variants, &vars);
	for (size_t v = 0; v < nv; v++) {
		struct words vw = words_of(a, vars[v]);
		struct span *vs;
		size_t nvs = occurrences(a, tw, &vw, &vs);
		mentioned |= nvs > 0;
		if (glossary_arabic(vars[v]) != ar)
			continue;
		size_t k = 0;
		while (k < nvs && covered(vs[k], as, na))
			k++;
		if (k == nvs)
			continue;
		if (miss) {
			*miss = arena_grow(a, *miss, *n, cap, sizeof **miss, 8);
			(*miss)[*n] = (struct glossary_miss){idx, vars[v], agreed};
		}
		(*n)++;
	}
	return mentioned;
}

size_t glossary_check(struct arena *a, const struct db_glossary *entries, size_t n, const char *text,
		      const char *lang, unsigned char *mentioned, struct glossary_miss **miss)
{
	struct words tw = words_of(a, text);
	words_index(&tw);
	int ar = lang && strcmp(lang, "ar") == 0;
	size_t nmiss = 0, cap = 0;
	if (miss)
		*miss = NULL;
	for (size_t i = 0; i < n; i++)
		if (check_entry(a, &entries[i], i, &tw, ar, miss, &nmiss, &cap) && mentioned)
			mentioned[i] = 1;
	return nmiss;
}
