/* compress.c - see compress.h. */
#include "compress.h"

#include <brotli/encode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "util.h"

int compress_worth(const char *ct)
{
	if (!ct)
		return 1;
	return strncasecmp(ct, "text/", 5) == 0 || strstr(ct, "json") || strstr(ct, "xml") || strstr(ct, "javascript");
}

char *compress_gzip(const void *data, size_t len, int level, int memlevel, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, memlevel, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	size_t cap = deflateBound(&z, (uLong)len) + 32;
	char *out = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	*out_len = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(out);
		return NULL;
	}
	return out;
}

char *compress_brotli(const void *data, size_t len, int quality, int lgwin, size_t *out_len)
{
	size_t cap = BrotliEncoderMaxCompressedSize(len);
	if (!cap)
		cap = len + 1024;
	char *out = xmalloc(cap);
	*out_len = cap;
	if (lgwin == 0) {
		lgwin = BROTLI_MIN_WINDOW_BITS;
		while (lgwin < BROTLI_MAX_WINDOW_BITS && ((size_t)1 << lgwin) - 16 < len)
			lgwin++;
	}
	if (!BrotliEncoderCompress(quality, lgwin, BROTLI_MODE_TEXT, len, (const uint8_t *)data, out_len,
				   (uint8_t *)out)) {
		free(out);
		return NULL;
	}
	return out;
}
