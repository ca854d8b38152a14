/* fuzz_multipart.c - a multipart/form-data upload: the input's first line is the Content-Type header
 * value (multipart_boundary), the rest the body (multipart_parse, at most HTTP_MAX_FORM parts). Checks
 * multipart.h's promises: parts point inside the body, names are non-empty valid UTF-8, filenames valid
 * UTF-8. */
#include "fuzz.h"

#include "arena.h"
#include "escape.h"
#include "http.h"
#include "multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	const uint8_t *rest;
	size_t rest_len;
	size_t head = fuzz_split(data, size, '\n', &rest, &rest_len);
	char *ct = arena_strndup(&a, (const char *)data, head);
	const char *boundary = multipart_boundary(&a, ct);
	if (!boundary)
		boundary = "b"; /* still parse the body, against a fixed boundary */
	size_t blen = strlen(boundary);
	FUZZ_ASSERT(blen >= 1 && blen <= 70);
	/* an exact-size body, so a read past its end is an ASan report */
	char *body = xmalloc(rest_len ? rest_len : 1);
	memcpy(body, rest, rest_len);
	struct multipart_part *parts = arena_alloc(&a, HTTP_MAX_FORM * sizeof *parts);
	int n = multipart_parse(&a, body, rest_len, boundary, parts, HTTP_MAX_FORM);
	FUZZ_ASSERT(n <= HTTP_MAX_FORM);
	FUZZ_ASSERT(multipart_strerror(n) != NULL);
	for (int i = 0; i < n; i++) {
		FUZZ_ASSERT(parts[i].name && *parts[i].name);
		FUZZ_ASSERT(utf8_valid(parts[i].name, strlen(parts[i].name)));
		if (parts[i].filename)
			FUZZ_ASSERT(utf8_valid(parts[i].filename, strlen(parts[i].filename)));
		FUZZ_ASSERT(parts[i].data >= body && parts[i].data + parts[i].len <= body + rest_len);
	}
	free(body);
	arena_free(&a);
	return 0;
}
