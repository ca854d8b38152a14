/* textnorm.h - the one Arabic/English text normaliser, shared by search, the comment blocklist, duplicate
 * detection and slugs, so that every part of the site agrees on when two texts are "the same words".
 * Pure and thread-safe: no global state; the only memory is the caller's buffer or temporaries freed
 * before returning (allocation failure aborts, as everywhere in Broadsheet).
 *
 * Folding rules (textnorm_fold), applied code point by code point:
 *   - invalid UTF-8 bytes are dropped;
 *   - Arabic marks are removed: tashkeel U+064B..U+065F, superscript alef U+0670, Quranic marks
 *     U+06D6..U+06ED and U+0610..U+061A, and tatweel U+0640;
 *   - أ إ آ ٱ -> ا;  ة -> ه;  ى -> ي;  ؤ ئ -> ء (also when written decomposed, و or ي + U+0654);
 *     Persian/Urdu look-alikes ک ڪ -> ك, ی -> ي, ۀ -> ه;
 *   - Arabic-Indic U+0660..0669 and Persian U+06F0..06F9 digits -> ASCII 0-9;
 *   - Arabic presentation forms (U+FB50..U+FDFF, U+FE70..U+FEFC) -> their letters, ligatures to their
 *     letter sequences (ﻻ -> لا, ﷲ -> الله), then folded as above; spacing forms of tashkeel vanish;
 *   - invisible characters are removed: U+200B..U+200F, U+202A..U+202E, U+2066..U+2069, U+FEFF,
 *     U+061C, and also the soft hyphen U+00AD and word joiner U+2060;
 *   - Latin: ASCII A-Z -> a-z; Latin-1 and Latin Extended-A letters lose their diacritics and case
 *     (É -> e, ß -> ss, Æ -> ae, Œ -> oe, Þ -> th, Ĳ -> ij); combining diacritics U+0300..U+036F that
 *     follow a Latin letter are removed too, so decomposed "e" + U+0301 folds like "é";
 *   - fullwidth ASCII U+FF01..U+FF5E -> ASCII (then case-folded).
 * Everything else (other scripts, punctuation, emoji) passes through unchanged. Folding is idempotent:
 * fold(fold(x)) == fold(x).
 *
 * Words (textnorm_words) are maximal runs of word characters in the folded text: ASCII letters and digits,
 * Arabic letters, letters of any other script and combining marks; variation selectors stay inside a word
 * but never start or end one. ASCII punctuation, controls, spaces (including Unicode spaces), Arabic
 * punctuation (، ؛ ؟ ٪ ٫ ٬ ۔ ...), general punctuation and symbol blocks (U+2000..U+2BFF except
 * super/subscripts), CJK punctuation and emoji separate words. */
#ifndef BROADSHEET_TEXTNORM_H
#define BROADSHEET_TEXTNORM_H
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* textnorm_fold: appends to out the normalised form of s[0..n) (UTF-8; invalid bytes are dropped).
 * Allocates only through out. Never fails. */
void textnorm_fold(struct buf *out, const char *s, size_t n);

/* textnorm_words: splits the normalised form of s[0..n) into words and calls fn(word, len, ctx) for each,
 * in order. word points into a temporary buffer that is valid only during the call and is not
 * NUL-terminated. fn may be NULL (just count). Returns the number of words. */
size_t textnorm_words(const char *s, size_t n, void (*fn)(const char *w, size_t len, void *ctx), void *ctx);

/* textnorm_words_at: like textnorm_words, but also reports where each word lies in the ORIGINAL text:
 * fn(start, end, word, len, ctx) with s[start..end) the original bytes the word was folded from (a word
 * that folding splits further, such as a ligature of several words, reports the whole original run for
 * each part). Original runs are maximal sequences of code points whose folded form is empty (marks,
 * tatweel, invisible characters, and invalid bytes) or starts with a word character. word is a temporary,
 * not NUL-terminated. Returns the number of words. Allocates only temporaries. */
size_t textnorm_words_at(const char *s, size_t n,
			 void (*fn)(size_t start, size_t end, const char *w, size_t len, void *ctx), void *ctx);

/* textnorm_contains_phrase: 1 when the normalised word sequence of phrase[0..pn) occurs as consecutive
 * whole words in the normalised text[0..n), else 0. A text word also matches a phrase word when it is
 * that word with one attached Arabic prefix in front: و ف ب ل ك ال وال بال كال فال لل (so "كلمة" matches
 * "والكلمة" and "الكلمة السيئة" is matched by "كلمة سيئة"); there is no other partial matching ("ass"
 * does not match "classic"). A phrase with no words matches nothing (returns 0). */
int textnorm_contains_phrase(const char *text, size_t n, const char *phrase, size_t pn);

/* textnorm_word_matches: 1 when the folded text word t[0..tn) is the folded phrase word p[0..pn), alone or
 * after one of the attached Arabic prefixes textnorm_contains_phrase allows, else 0 (the one rule search,
 * the blocklist and the glossary share). */
int textnorm_word_matches(const char *t, size_t tn, const char *p, size_t pn);

/* textnorm_bidi_control: 1 for the bidirectional embedding, override and isolate controls, which reorder
 * the text around them without showing themselves ("\u202Egnp.exe" displays as "exe.png"): U+202A..U+202E
 * (LRE RLE PDF LRO RLO) and U+2066..U+2069 (LRI RLI FSI PDI); else 0. The marks of normal writing are not
 * controls here and are kept: U+200E LRM, U+200F RLM, U+061C ALM, U+200C ZWNJ and U+200D ZWJ. */
int textnorm_bidi_control(uint32_t cp);

/* textnorm_strip_bidi: removes every textnorm_bidi_control character from the NUL-terminated UTF-8 string
 * s, in place (text only gets shorter), and returns how many it removed (0 for s NULL). Every other byte,
 * valid or not, is kept. This is what every text a person or the API submits goes through before it is
 * checked or stored (http_form_text, the admin API's JSON, comment import, the CLI): overrides and
 * isolates are stripped rather than refused because they are invisible, so a person could not find them to
 * remove them, and the reader pages isolate names and set each block's direction themselves (<bdi>,
 * dir="auto"). Markdown bodies included: rendered into HTML, an override reorders the page as it would in a
 * comment. */
size_t textnorm_strip_bidi(char *s);

#endif
