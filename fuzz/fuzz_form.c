/* fuzz_form.c - an application/x-www-form-urlencoded body as the HTTP layer decodes it (copied to a C
 * string, then uri_parse_query with HTTP_MAX_FORM fields), and the field lookups pages make on it. Every
 * field must come out valid UTF-8 without NUL, whatever the body. */
#include "fuzz.h"

#include "arena.h"
#include "escape.h"
#include "http.h"
#include "uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	char *text = arena_strndup(&a, (const char *)data, size);
	struct uri_param *form = arena_alloc(&a, HTTP_MAX_FORM * sizeof *form);
	int n = uri_parse_query(&a, text, form, HTTP_MAX_FORM);
	FUZZ_ASSERT(n <= HTTP_MAX_FORM);
	FUZZ_ASSERT(n >= 0 || n == URI_BAD_ESCAPE || n == URI_BAD_UTF8 || n == URI_NUL || n == URI_TOO_MANY);
	struct http_request req;
	memset(&req, 0, sizeof req);
	req.form = form;
	req.nform = n > 0 ? (size_t)n : 0;
	for (size_t i = 0; i < req.nform; i++) {
		FUZZ_ASSERT(form[i].name && form[i].value);
		FUZZ_ASSERT(utf8_valid(form[i].name, strlen(form[i].name)));
		FUZZ_ASSERT(utf8_valid(form[i].value, strlen(form[i].value)));
		/* the first field of a name wins */
		const char *v = http_form(&req, form[i].name);
		FUZZ_ASSERT(v != NULL);
	}
	static const char *const names[] = {"csrf", "name", "email", "body", "headline", "q", "slug", "token"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		(void)http_form(&req, names[i]);
	arena_free(&a);
	return 0;
}
