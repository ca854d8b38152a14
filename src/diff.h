/* diff.h - line and word differences between two revisions of a text, for the revision history page.
 * Pure functions: Myers' O(ND) algorithm in linear space (middle snake, an explicit stack instead of
 * recursion). Everything they build, including copies of both inputs that the ops point into, lives
 * in the caller's arena. The result is a minimal edit script; within each changed stretch all
 * deletions come before all additions. */
#ifndef BROADSHEET_DIFF_H
#define BROADSHEET_DIFF_H
#include <stddef.h>

#include "arena.h"

/* More lines (diff_lines) or tokens (diff_words) than this on either side: too large to diff. */
#define DIFF_MAX_ITEMS 20000
/* Work budget (diagonals visited plus matching steps in the search), about N*D: past it the two texts
 * are "too different" to be worth showing as a diff. */
#define DIFF_MAX_WORK 20000000L

enum diff_kind { DIFF_SAME = 0, DIFF_DEL = 1, DIFF_ADD = 2 };

struct diff_op {
	enum diff_kind kind;
	const char *text; /* points into the arena; not NUL-terminated, use len */
	size_t len;
};

/* diff_lines: line diff of old_text against new_text (NULL is treated as ""). A text is split on every
 * '\n' into lines without the '\n': "" has no lines, "a\n" is the lines "a" and "" (so a missing final
 * newline shows as a change). One op per line: joining the SAME and DEL texts with '\n' gives old_text,
 * the SAME and ADD texts give new_text. Allocates the ops array, copies of both texts and scratch space
 * in the arena. Stores the ops in *out and their count in *n and returns 0; returns -1 (with *out NULL
 * and *n 0, scratch left in the arena) when a side has more than DIFF_MAX_ITEMS lines or the search
 * exceeds DIFF_MAX_WORK: the caller shows "too different". */
int diff_lines(struct arena *a, const char *old_text, const char *new_text, struct diff_op **out, size_t *n);

/* diff_words: the same over words, for changes inside a paragraph. A text is split into tokens: runs of
 * whitespace (ASCII and the Unicode spaces such as U+00A0, U+2000-U+200A, U+3000) and runs of anything
 * else, so a token never splits a UTF-8 sequence and Arabic words stay whole. Consecutive ops of the
 * same kind are merged, so concatenating the SAME and DEL texts gives old_text and the SAME and ADD
 * texts give new_text. Allocates and returns like diff_lines (DIFF_MAX_ITEMS counts tokens). */
int diff_words(struct arena *a, const char *old_text, const char *new_text, struct diff_op **out, size_t *n);

#endif
