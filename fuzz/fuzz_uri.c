/* fuzz_uri.c - the request target as the HTTP layer decodes it: uri_split, then uri_parse_query on the
 * query (HTTP_MAX_PARAMS), and uri_decode of the whole input both ways. Checks uri.h's promise: every
 * decoded string is valid UTF-8 without NUL bytes. Also the redirect-target check and uri_origin: an
 * accepted target has one leading '/' and no control character or backslash; an origin is
 * "http(s)://" and a lower-case authority with no '/'. */
#include "fuzz.h"

#include "arena.h"
#include "escape.h"
#include "http.h"
#include "uri.h"

/* check_redirect: what uri_local_path accepts is safe in a Location header and names no other host. */
static void check_redirect(const char *s)
{
	if (!uri_local_path(s))
		return;
	FUZZ_ASSERT(s[0] == '/' && s[1] != '/');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		FUZZ_ASSERT(*p >= 0x20 && *p != 0x7f && *p != '\\');
}

/* check_origin: uri_origin gives NULL or "scheme://authority" in lower case, with no path. */
static void check_origin(struct arena *a, const char *s)
{
	const char *o = uri_origin(a, s);
	if (!o)
		return;
	const char *auth = strncmp(o, "https://", 8) == 0 ? o + 8 : strncmp(o, "http://", 7) == 0 ? o + 7 : NULL;
	FUZZ_ASSERT(auth && *auth);
	for (const char *p = auth; *p; p++)
		FUZZ_ASSERT(*p != '/' && *p != '@' && *p != '?' && *p != '#' && !(*p >= 'A' && *p <= 'Z'));
}

/* check_text: a decoded string must be valid UTF-8 (its NUL-termination means no NUL inside). */
static void check_text(const char *s)
{
	FUZZ_ASSERT(s != NULL);
	FUZZ_ASSERT(utf8_valid(s, strlen(s)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	char *target = fuzz_cstr(data, size);
	char *path = NULL;
	const char *query = NULL;
	int rc = uri_split(&a, target, &path, &query);
	FUZZ_ASSERT(rc <= 0);
	FUZZ_ASSERT(uri_strerror(rc) != NULL);
	if (rc == URI_OK) {
		check_text(path);
		FUZZ_ASSERT(query != NULL);
		struct uri_param params[HTTP_MAX_PARAMS];
		int n = uri_parse_query(&a, query, params, HTTP_MAX_PARAMS);
		FUZZ_ASSERT(n <= HTTP_MAX_PARAMS);
		for (int i = 0; i < n; i++) {
			check_text(params[i].name);
			check_text(params[i].value);
		}
	}
	for (int plus = 0; plus <= 1; plus++) {
		char *out = NULL;
		if (uri_decode(&a, (const char *)data, size, plus, &out) == URI_OK) {
			check_text(out);
			FUZZ_ASSERT(strlen(out) <= size);
		}
	}
	check_redirect(target);
	check_origin(&a, target);
	free(target);
	arena_free(&a);
	return 0;
}
