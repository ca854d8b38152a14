/* compress.h - gzip and brotli in one call each, for the page cache's stored variants (cache.c) and the
 * static export's .gz and .br siblings (export.c). */
#ifndef BROADSHEET_COMPRESS_H
#define BROADSHEET_COMPRESS_H

#include <stddef.h>

/* compress_worth: whether a body of this content type is text worth compressing (NULL: HTML). */
int compress_worth(const char *content_type);
/* compress_gzip: data as one gzip member (no name or time: the same bytes every run) at zlib's level
 * (1-9) and memlevel (1-9). Returns a malloc'd buffer (the caller frees it) with *out_len, or NULL when
 * zlib fails. */
char *compress_gzip(const void *data, size_t len, int level, int memlevel, size_t *out_len);
/* compress_brotli: data brotli-compressed in text mode at quality (0-11) with a window of 2^lgwin bytes,
 * or (lgwin 0) one just large enough for data (the default 4 MiB one costs an allocation of that size).
 * Returns a malloc'd buffer (the caller frees it) with *out_len, or NULL when the encoder fails. */
char *compress_brotli(const void *data, size_t len, int quality, int lgwin, size_t *out_len);

#endif
