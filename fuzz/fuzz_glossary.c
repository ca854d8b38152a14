/* fuzz_glossary.c - the glossary's matching (glossary.c). The input is a glossary and a text separated by
 * the first NUL byte: the glossary one entry a line, "English|Arabic|variants" with the variants
 * separated by ';'; the text is read as the English edition's, then as the Arabic one's. Promises checked:
 * glossary_key and glossary_variants_clean are idempotent; every misspelling names an entry of the list,
 * one of its stored variants and its agreed spelling in that edition, and is a mention; a text that is an
 * entry's agreed name (with words) mentions it and has no misspelling of it. */
#include "fuzz.h"

#include "arena.h"
#include "glossary.h"

#define MAX_ENTRIES 16

/* field: the next '|'-separated field of *p (up to the end of the line), an arena copy; *p moves past it. */
static const char *field(struct arena *a, const char **p, const char *end)
{
	const char *s = *p, *e = s;
	while (e < end && *e != '|')
		e++;
	*p = e < end ? e + 1 : e;
	return arena_strndup(a, s, (size_t)(e - s));
}

/* parse: up to MAX_ENTRIES entries from the glossary part; returns how many. */
static size_t parse(struct arena *a, const char *g, size_t len, struct db_glossary *out)
{
	size_t n = 0;
	const char *p = g, *end = g + len;
	while (p < end && n < MAX_ENTRIES) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *q = p;
		out[n] = (struct db_glossary){.id = (int64_t)n + 1, .kind = "person"};
		out[n].name_en = field(a, &q, le);
		out[n].name_ar = field(a, &q, le);
		out[n].variants = glossary_variants_clean(a, field(a, &q, le), NULL);
		out[n].note = "";
		n++;
		p = nl ? nl + 1 : end;
	}
	return n;
}

/* is_variant: 1 when v is one of the stored variants of g. */
static int is_variant(struct arena *a, const struct db_glossary *g, const char *v)
{
	const char **vars;
	size_t nv = glossary_variants(a, g->variants, &vars);
	for (size_t i = 0; i < nv; i++)
		if (strcmp(vars[i], v) == 0)
			return 1;
	return 0;
}

/* check_text: glossary_check of text in lang, and its promises. */
static void check_text(struct arena *a, const struct db_glossary *e, size_t n, const char *text, const char *lang)
{
	unsigned char mentioned[MAX_ENTRIES] = {0};
	struct glossary_miss *miss;
	size_t nmiss = glossary_check(a, e, n, text, lang, mentioned, &miss);
	int ar = strcmp(lang, "ar") == 0;
	for (size_t i = 0; i < nmiss; i++) {
		FUZZ_ASSERT(miss[i].entry < n);
		FUZZ_ASSERT(mentioned[miss[i].entry]);
		FUZZ_ASSERT(is_variant(a, &e[miss[i].entry], miss[i].used));
		FUZZ_ASSERT(glossary_arabic(miss[i].used) == ar);
		FUZZ_ASSERT(strcmp(miss[i].agreed, ar ? e[miss[i].entry].name_ar : e[miss[i].entry].name_en) == 0);
	}
	FUZZ_ASSERT(glossary_check(a, e, n, text, lang, NULL, NULL) == nmiss);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	const uint8_t *rest;
	size_t rest_len, glen = fuzz_split(data, size, 0, &rest, &rest_len);
	char *gl = fuzz_cstr(data, glen), *text = fuzz_cstr(rest, rest_len);
	const char *key = glossary_key(&a, gl);
	FUZZ_ASSERT(strcmp(glossary_key(&a, key), key) == 0);
	const char *clean = glossary_variants_clean(&a, text, NULL);
	FUZZ_ASSERT(strcmp(glossary_variants_clean(&a, clean, NULL), clean) == 0);
	struct db_glossary e[MAX_ENTRIES];
	size_t n = parse(&a, gl, strlen(gl), e);
	check_text(&a, e, n, text, "en");
	check_text(&a, e, n, text, "ar");
	/* an entry's agreed name as the whole text: mentioned, and not misspelt */
	for (size_t i = 0; i < n; i++)
		for (int ar = 0; ar < 2; ar++) {
			const char *name = ar ? e[i].name_ar : e[i].name_en;
			if (!*glossary_key(&a, name))
				continue;
			unsigned char m[MAX_ENTRIES] = {0};
			struct glossary_miss *miss;
			size_t nm = glossary_check(&a, e, n, name, ar ? "ar" : "en", m, &miss);
			FUZZ_ASSERT(m[i]);
			for (size_t k = 0; k < nm; k++)
				FUZZ_ASSERT(miss[k].entry != i || strcmp(glossary_key(&a, miss[k].used), glossary_key(&a, name)) != 0);
		}
	free(gl);
	free(text);
	arena_free(&a);
	return 0;
}
