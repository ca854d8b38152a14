/* test_newsletter_link.c - the newsletters' signed links (newsletter_link.c): a token made for a purpose,
 * subscriber and version checks back to them; forged, truncated, lengthened, re-keyed, wrong-purpose,
 * expired and non-base64url tokens are refused without touching the outputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <string.h>

#include "arena.h"
#include "auth.h"
#include "newsletter_link.h"

static unsigned char secret[AUTH_SECRET_BYTES] = {1, 2, 3, 4, 5, 6, 7, 8};

static void test_round_trip(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	const char *t = nl_link_make(&a, secret, "prefs", 42, 7, 0);
	assert_non_null(t);
	assert_int_equal(strlen(t), NL_LINK_LEN);
	assert_int_equal(strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), NL_LINK_LEN);
	int64_t id = 0, v = 0;
	assert_int_equal(nl_link_check(secret, "prefs", t, 2000000000, &id, &v), 0);
	assert_int_equal(id, 42);
	assert_int_equal(v, 7);
	/* the same numbers for another purpose are another token */
	assert_string_not_equal(nl_link_make(&a, secret, "unsub", 42, 7, 0), t);
	assert_null(nl_link_make(&a, secret, "", 42, 7, 0));
	arena_free(&a);
}

static void test_refused(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	const char *t = nl_link_make(&a, secret, "confirm", 42, 1, 1000);
	int64_t id = -5, v = -5;
	assert_int_equal(nl_link_check(secret, "confirm", t, 1000, &id, &v), 0); /* up to its expiry */
	id = v = -5;
	assert_int_equal(nl_link_check(secret, "confirm", t, 1001, &id, &v), -1); /* expired */
	assert_int_equal(nl_link_check(secret, "unsub", t, 999, &id, &v), -1);	/* wrong purpose */
	assert_int_equal(nl_link_check(secret, "confirmx", t, 999, &id, &v), -1);
	unsigned char other[AUTH_SECRET_BYTES] = {9};
	assert_int_equal(nl_link_check(other, "confirm", t, 999, &id, &v), -1); /* another site's key */
	char *bad = arena_strdup(&a, t);
	for (size_t i = 0; i < NL_LINK_LEN; i += 7) { /* one character changed anywhere: forged */
		char keep = bad[i];
		bad[i] = keep == 'A' ? 'B' : 'A';
		assert_int_equal(nl_link_check(secret, "confirm", bad, 999, &id, &v), -1);
		bad[i] = keep;
	}
	bad[NL_LINK_LEN - 1] = '\0'; /* truncated */
	assert_int_equal(nl_link_check(secret, "confirm", bad, 999, &id, &v), -1);
	assert_int_equal(nl_link_check(secret, "confirm", arena_printf(&a, "%sA", t), 999, &id, &v), -1); /* longer */
	char padded[NL_LINK_LEN + 1];
	memset(padded, '=', NL_LINK_LEN);
	padded[NL_LINK_LEN] = '\0';
	assert_int_equal(nl_link_check(secret, "confirm", padded, 999, &id, &v), -1); /* not base64url */
	assert_int_equal(nl_link_check(secret, "confirm", "", 999, &id, &v), -1);
	assert_int_equal(nl_link_check(secret, "confirm", NULL, 999, &id, &v), -1);
	assert_int_equal(id, -5); /* nothing was set on refusal */
	assert_int_equal(v, -5);
	arena_free(&a);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_round_trip), cmocka_unit_test(test_refused)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
