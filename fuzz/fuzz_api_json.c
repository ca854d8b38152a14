/* fuzz_api_json.c - the admin API's JSON bodies: api_admin_article_parse (an article to create or update)
 * and api_admin_times_parse (the at/expires_at of an action), then the time parser the workflow applies
 * to those times (datefmt_parse). Every accepted string must be a C string of its JSON length (no NUL). */
#include "fuzz.h"

#include "arena.h"
#include "datefmt.h"
#include "pages.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	const char *body = (const char *)data;
	struct editor_form f;
	memset(&f, 0, sizeof f);
	const char *section = NULL, *code = NULL, *why = NULL;
	int st = api_admin_article_parse(&a, body, size, &f, &section, &code, &why);
	FUZZ_ASSERT(st == 0 || st == 400);
	if (st)
		FUZZ_ASSERT(code && why && *why);
	const char *at = NULL, *expires = NULL;
	code = why = NULL;
	st = api_admin_times_parse(&a, body, size, &at, &expires, &code, &why);
	FUZZ_ASSERT(st == 0 || st == 400);
	if (st)
		FUZZ_ASSERT(code && why);
	int64_t t;
	if (at)
		(void)datefmt_parse(at, &t);
	if (expires)
		(void)datefmt_parse(expires, &t);
	arena_free(&a);
	return 0;
}
