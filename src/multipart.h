/* multipart.h - a pure parser for a fully buffered multipart/form-data body (RFC 7578 over RFC 2046).
 * Nothing is copied but names and headers: each part's data points into the body. Strict where it matters
 * for safety (CRLF line endings, header size, UTF-8 names, a closing delimiter), lenient where clients
 * differ (preamble, epilogue, transport padding after a delimiter, a missing CRLF after the close).
 * Never reads outside body[0..len). */
#ifndef BROADSHEET_MULTIPART_H
#define BROADSHEET_MULTIPART_H
#include <stddef.h>

#include "arena.h"

/* The largest header block (all header lines of one part, without the blank line) a part may have. */
#define MULTIPART_HEADER_MAX 8192

struct multipart_part {
	const char *name;         /* form field name: arena string, valid UTF-8, no NUL, never empty */
	const char *filename;     /* as the client sent it (may be "" or hold a path: never use it as one);
	                             arena string, valid UTF-8, no NUL; NULL when the part is not a file */
	const char *content_type; /* the part's Content-Type value, trimmed (arena); NULL when absent */
	const char *data;         /* points into body; not NUL-terminated; may hold any bytes */
	size_t len;
};

enum {
	MULTIPART_OK = 0,
	MULTIPART_EFORMAT = -1,    /* not multipart framing, or a malformed header line */
	MULTIPART_ETRUNCATED = -2, /* no closing delimiter */
	MULTIPART_ETOOMANY = -3,   /* more than max parts */
	MULTIPART_EHEADER = -4,    /* a part's header block is larger than MULTIPART_HEADER_MAX */
	MULTIPART_ENAME = -5,      /* no Content-Disposition: form-data with a non-empty name */
	MULTIPART_EENCODING = -6,  /* a name or filename is not valid UTF-8 or holds a NUL */
	MULTIPART_EBOUNDARY = -7,  /* the boundary argument itself is invalid */
};

/* multipart_boundary: extracts the boundary parameter from a Content-Type header value such as
 * `multipart/form-data; boundary="a b"` (type and parameter names case-insensitive; value a token or a
 * quoted string). Returns the boundary as an arena string, or NULL when the type is not
 * multipart/form-data, the parameter is missing or repeated, or the boundary breaks RFC 2046
 * (1-70 characters from its bchars set, not ending in a space). */
const char *multipart_boundary(struct arena *a, const char *content_type);

/* multipart_parse: splits body[0..len) into at most max parts stored in out[0..). Part headers are
 * matched case-insensitively; Content-Disposition must be form-data with a name; filename= is kept,
 * filename*= is ignored; other headers are ignored. Allocates names, filenames and content types in the
 * arena. Returns the number of parts (0 for a body that is only a closing delimiter) or a negative
 * MULTIPART_E* code; on error out[] may have been partly written. */
int multipart_parse(struct arena *a, const char *body, size_t len, const char *boundary,
                    struct multipart_part *out, size_t max);

/* multipart_strerror: a reader-facing sentence for a MULTIPART_* code (static, never NULL). */
const char *multipart_strerror(int code);

#endif
