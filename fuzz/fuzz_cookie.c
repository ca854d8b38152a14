/* fuzz_cookie.c - what Broadsheet does with the values of cookies and of the tokens forms send back.
 * libmicrohttpd splits the Cookie header itself (http_cookie only looks a name up), so the target is the
 * value: as the session cookie (session_load's length check, then auth_token_hash), as the visitor cookie
 * (auth_keyed_hash), as a CSRF token (auth_equal against a session's), and as a signed form token
 * (auth_form_token_check for the log-in and comment forms, auth_form_token_time for the minimum fill
 * time). Input: the value (to its first NUL). */
#include "fuzz.h"

#include "auth.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return auth_init();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char secret[AUTH_SECRET_BYTES] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	char *value = fuzz_cstr(data, size);
	size_t n = strlen(value);
	char hash[AUTH_TOKEN_HEX];
	if (n == AUTH_TOKEN_HEX - 1) {
		auth_token_hash(value, hash);
		FUZZ_ASSERT(strlen(hash) == AUTH_TOKEN_HEX - 1);
		auth_keyed_hash(secret, "visitor", value, n, hash);
		FUZZ_ASSERT(strlen(hash) == AUTH_TOKEN_HEX - 1);
	}
	static const char csrf[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	FUZZ_ASSERT(auth_equal(value, csrf) == (strcmp(value, csrf) == 0));
	/* a token made now checks; the fuzzed one must not, unless it is that token */
	int64_t now = 1764118800; /* 2025-11-26 01:00 UTC: a fixed clock, so runs repeat */
	struct arena a = ARENA_INIT;
	const char *good = auth_form_token(&a, secret, "login", now);
	FUZZ_ASSERT(auth_form_token_check(secret, "login", good, now, 3600) == 1);
	if (auth_form_token_check(secret, "login", value, now, 3600)) {
		int64_t t = auth_form_token_time(value);
		FUZZ_ASSERT(t >= now - 3600 && t <= now + 60);
	}
	if (auth_form_token_check(secret, "comment", value, now, 48 * 3600)) {
		int64_t t = auth_form_token_time(value);
		(void)(now - t < 5); /* page_comments.c's minimum fill time, after the check as there */
	}
	(void)auth_form_token_time(value);
	arena_free(&a);
	free(value);
	return 0;
}
