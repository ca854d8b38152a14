/* stem.h - stemmers for search: a light Arabic stemmer (one attached prefix, one common suffix, a
 * do-not-stem list of proper nouns) and the Snowball English stemmer from libstemmer for Latin words.
 * Input words are already normalised by textnorm (folded letters, no tashkeel, lower-case Latin).
 *
 * Arabic rules (stem_arabic), applied to a folded word:
 *   1. a word on the do-not-stem list (proper nouns such as لبنان مصر عمان بيروت) is kept whole;
 *   2. one attached prefix is removed, longest first: وال بال كال فال ولل لل ال و ف ب ك ل, when at least
 *      three letters remain (four, not counting a suffix, after a lone ف ب ك ل, which are often root
 *      letters: كتابها, بيت; so لبن stays لبن). A light stemmer still conflates some words (بريطانيا -> ريطانيا on both sides of a
 *      search, which is harmless);
 *   3. if the remainder is on the do-not-stem list it is kept (ولبنان -> لبنان);
 *   4. one suffix is removed, longest first: ات ون ين ان يه ها هم هن كم نا ه ي, when at least three
 *      letters remain (مكتبه -> مكتب, مستشفي -> مستشف).
 * English (stem_english): Porter2 ("english") from libstemmer, for words of ASCII letters only. The
 * libstemmer object is not thread-safe: one shared stemmer is used behind a mutex. */
#ifndef BROADSHEET_STEM_H
#define BROADSHEET_STEM_H
#include <stddef.h>

#include "buf.h"

/* stem_arabic: the stem of the folded Arabic word w[0..n) as a span of w: *off and the returned length
 * (the whole word when nothing is removed). Pure; never fails. */
size_t stem_arabic(const char *w, size_t n, size_t *off);

/* stem_protected: 1 when the folded word w[0..n) is on the do-not-stem list of proper nouns. */
int stem_protected(const char *w, size_t n);

/* stem_english: appends the Snowball English stem of the lower-case ASCII word w[0..n) to out. Allocates
 * only through out (and libstemmer's one shared stemmer, made on first use). When libstemmer cannot be
 * initialised the word is appended unchanged. */
void stem_english(struct buf *out, const char *w, size_t n);

/* stem_word: appends the stem of the folded word w[0..n) to out: English for words of ASCII letters,
 * Arabic for words with Arabic letters, the word itself otherwise (numbers, other scripts).
 * Allocates only through out. Never fails. */
void stem_word(struct buf *out, const char *w, size_t n);

#endif
