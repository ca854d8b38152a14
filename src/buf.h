/* buf.h - the one growable byte buffer. Appends never fail (allocation failure aborts), so callers build
 * a whole reply and check nothing until they send it. Trusted markup goes in through buf_lit(), which
 * only accepts string literals; everything else goes through an escaper in escape.h. */
#ifndef BROADSHEET_BUF_H
#define BROADSHEET_BUF_H
#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* always NUL-terminated when cap > 0 */
	size_t len;
	size_t cap;
};

#define BUF_INIT {NULL, 0, 0}

/* buf_append: appends n bytes. */
void buf_append(struct buf *b, const void *p, size_t n);
/* buf_putc: appends one byte. */
void buf_putc(struct buf *b, char c);
/* buf_lit: appends a string literal; the "" concatenation makes anything but a literal a compile error. */
#define buf_lit(b, s) buf_append((b), "" s "", sizeof(s) - 1)
/* buf_printf: appends formatted text. For numbers and already-escaped text only: never pass reader or
 * author input through %s here (use the escapers). */
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* buf_reset: empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* buf_free: releases the memory; the buffer is empty and reusable afterwards. */
void buf_free(struct buf *b);
/* buf_steal: returns the data (caller frees, never NULL) and leaves the buffer empty. */
char *buf_steal(struct buf *b, size_t *len);
/* buf_cstr: the contents as a C string (never NULL, owned by the buffer). */
const char *buf_cstr(struct buf *b);

#endif
