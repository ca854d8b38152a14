/* util.h - process-wide helpers: allocation that aborts on exhaustion, small string helpers.
 * Out of memory is not recoverable in a server that must not half-write: x* functions print a message
 * and abort(). */
#ifndef BROADSHEET_UTIL_H
#define BROADSHEET_UTIL_H
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* xmalloc/xcalloc/xrealloc/xstrdup/xstrndup: like the libc calls; never return NULL (abort instead).
 * The caller owns the result and frees it with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* util_parse_i64: parses a whole decimal string (optional leading '-') into *out.
 * Returns 0 on success, -1 on empty input, trailing junk or overflow (*out untouched). */
int util_parse_i64(const char *s, int64_t *out);

/* util_now: current UTC time in seconds since the epoch. */
int64_t util_now(void);

/* util_read_file: reads a whole file into a new NUL-terminated buffer (caller frees).
 * Stores the length in *len when len is not NULL. Returns NULL on error (errno set). */
char *util_read_file(const char *path, size_t *len);

/* util_write_all: writes all of data to fd, going on after short writes and EINTR. Returns 0, or -1 on
 * error (errno set; part of data may have been written). */
int util_write_all(int fd, const void *data, size_t len);

/* util_write_file_atomic: writes data to path via a temp file, fsync and rename, with the given mode.
 * Returns 0 on success, -1 on error (errno set; the old file, if any, is untouched). */
int util_write_file_atomic(const char *path, const void *data, size_t len, unsigned mode);

/* util_mkdir_p: creates a directory and its parents (mode 0755). Returns 0 or -1 (errno set). */
int util_mkdir_p(const char *path);

/* util_all_digits: 1 when s is exactly n ASCII digits, else 0. */
int util_all_digits(const char *s, size_t n);

struct arena;
/* util_too_long: the refusal of a text field over its limit, counted in characters as a person counts them
 * (utf8_chars: code points, CR LF as one; the unit static/textcount.js shows): NULL when s has at most
 * max, else "<what> is too long: N characters, and at most MAX are allowed." in the arena (what starts
 * the sentence: "The headline"). */
const char *util_too_long(struct arena *a, const char *what, const char *s, size_t max);

/* util_chars_over: the length of s in characters (counted as util_too_long counts them) when it is over
 * max, else 0; for callers that word the refusal themselves (the newsroom in its language: page_too_long). */
size_t util_chars_over(const char *s, size_t max);

/* util_trim: the one trimming rule for a form field a person typed in the newsroom (logins, names,
 * settings, headlines ...): a copy of s in the arena without the spaces, tabs, CRs and LFs at either
 * end; inner ones and every other character (no-break spaces, the marks Arabic writing uses) are kept.
 * "" (static) for NULL. Visitor comments have their own, Unicode-wide rule (comment_trim). */
const char *util_trim(struct arena *a, const char *s);

#endif
