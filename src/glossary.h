/* glossary.h - the glossary's pure matching (issue 19): which glossary names a text mentions, and where it
 * spells one of them with a variant instead of the agreed spelling of its edition. No I/O, no globals:
 * everything is allocated in the caller's arena. The entries are the store's (struct db_glossary, db.h).
 *
 * Spellings are compared as search compares words (textnorm.h): folded (English without case or accents,
 * Arabic without tashkeel, tatweel or hamza forms) and as whole words, consecutive, so "Abbas" is not found
 * in "Abbasid". The first word of a name, in Arabic text, may carry one attached prefix (textnorm_word_matches:
 * و ف ب ل ك ال وال بال كال فال لل), and a name that starts with ال is also found after ل's contraction لل
 * (للقدس, وللقدس, فللقدس: "to Jerusalem"); the prefixes attach to the name as a whole, so its later words
 * must be as written ("سلمى الناصر" is a variant of "سلمى ناصر", not the name with a prefix).
 *
 * Variants are kept as text, one spelling a line; a person may also separate them with ';'
 * (glossary_variants_clean makes the stored form). A variant belongs to the Arabic edition when it has an
 * Arabic letter, else to the English one. */
#ifndef BROADSHEET_GLOSSARY_H
#define BROADSHEET_GLOSSARY_H
#include <stddef.h>

#include "arena.h"
#include "db.h"

/* glossary_key: the normalised form of s (its folded words joined by one space), in the arena; "" when s
 * has no words (NULL s too). Two names with the same key are the same name. */
const char *glossary_key(struct arena *a, const char *s);

/* glossary_search_text: the folded text of an entry's names, variants and note (keys joined by newlines),
 * what the store searches. In the arena. */
const char *glossary_search_text(struct arena *a, const struct db_glossary *g);

/* glossary_variants_clean: the variants as typed (lines and/or ';'-separated) as stored: each spelling
 * trimmed of spaces, empty ones and repeats (same key) dropped, one a line, no trailing newline. In the
 * arena; "" for NULL. *count (when not NULL) gets how many spellings there are. */
const char *glossary_variants_clean(struct arena *a, const char *typed, size_t *count);

/* glossary_variants: the stored variants (one a line) as an arena array of spellings; returns how many. */
size_t glossary_variants(struct arena *a, const char *variants, const char ***out);

/* glossary_arabic: 1 when s has a letter of the Arabic block (U+0600..U+06FF), else 0. */
int glossary_arabic(const char *s);

/* A misspelling: entries[entry] spelled used (one of its variants, as listed) where its agreed spelling
 * agreed is expected. */
struct glossary_miss {
	size_t entry;
	const char *used, *agreed;
};

/* glossary_check: reads text (an article's headline, standfirst and body as plain text) of the edition
 * lang ("en" or "ar") against entries[0..n). Sets mentioned[i] to 1 (never back to 0, so a caller can
 * gather several texts) for each entry the text names by any spelling (either agreed name or a variant);
 * mentioned may be NULL. *miss (when miss is not NULL) gets an arena array of the misspellings: a variant
 * of lang's script used where that occurrence is not part of the agreed spelling of lang (a variant
 * "Abbas" inside "Mahmoud Abbas" is no misspelling), once per entry and variant, in entry order. Returns
 * how many misspellings there are. NULL text reads as "". */
size_t glossary_check(struct arena *a, const struct db_glossary *entries, size_t n, const char *text,
		      const char *lang, unsigned char *mentioned, struct glossary_miss **miss);

#endif
