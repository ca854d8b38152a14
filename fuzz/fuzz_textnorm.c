/* fuzz_textnorm.c - the text normaliser: textnorm_fold (and its promised idempotence), textnorm_words,
 * textnorm_words_at (word offsets inside the original text) and textnorm_contains_phrase, the input split
 * at its first newline into text and phrase; textnorm_strip_bidi (three bytes per removed control, none
 * left, idempotent, valid UTF-8 stays valid). */
#include "fuzz.h"

#include "buf.h"
#include "escape.h"
#include "textnorm.h"

struct at_ctx {
	size_t n, words, last_start;
};

/* on_word_at: checks that a word's original run lies inside the text and runs do not go backwards. */
static void on_word_at(size_t start, size_t end, const char *w, size_t len, void *ctx)
{
	struct at_ctx *c = ctx;
	FUZZ_ASSERT(start < end && end <= c->n);
	FUZZ_ASSERT(start >= c->last_start);
	FUZZ_ASSERT(w != NULL && len > 0);
	c->last_start = start;
	c->words++;
}

/* on_word: a word is never empty and is valid UTF-8. */
static void on_word(const char *w, size_t len, void *ctx)
{
	(void)ctx;
	FUZZ_ASSERT(len > 0);
	FUZZ_ASSERT(utf8_valid(w, len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct buf once = BUF_INIT, twice = BUF_INIT;
	textnorm_fold(&once, s, size);
	FUZZ_ASSERT(utf8_valid(once.data ? once.data : "", once.len));
	textnorm_fold(&twice, once.data ? once.data : "", once.len);
	FUZZ_ASSERT(once.len == twice.len && (once.len == 0 || memcmp(once.data, twice.data, once.len) == 0));
	size_t nwords = textnorm_words(s, size, on_word, NULL);
	FUZZ_ASSERT(textnorm_words(s, size, NULL, NULL) == nwords);
	struct at_ctx c = {.n = size};
	size_t nat = textnorm_words_at(s, size, on_word_at, &c);
	FUZZ_ASSERT(nat == c.words);
	FUZZ_ASSERT(nat == nwords);
	const uint8_t *rest;
	size_t rest_len;
	size_t head = fuzz_split(data, size, '\n', &rest, &rest_len);
	int m = textnorm_contains_phrase(s, head, (const char *)rest, rest_len);
	FUZZ_ASSERT(m == 0 || m == 1);
	/* a text always contains its own words, when it has any */
	if (textnorm_words(s, head, NULL, NULL) > 0)
		FUZZ_ASSERT(textnorm_contains_phrase(s, head, s, head) == 1);
	buf_free(&once);
	buf_free(&twice);
	/* strip_bidi on the text up to its first NUL */
	char *t = fuzz_cstr(data, size);
	size_t before = strlen(t), removed = textnorm_strip_bidi(t), after = strlen(t);
	FUZZ_ASSERT(after == before - 3 * removed);
	FUZZ_ASSERT(textnorm_strip_bidi(t) == 0);
	if (utf8_valid((const char *)data, before))
		FUZZ_ASSERT(utf8_valid(t, after));
	for (size_t i = 0; i < after;) {
		size_t len;
		long cp = utf8_decode((const unsigned char *)t + i, after - i, &len);
		FUZZ_ASSERT(cp < 0 || !textnorm_bidi_control((uint32_t)cp));
		i += len;
	}
	free(t);
	return 0;
}
