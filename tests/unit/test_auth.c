/* test_auth.c - roles and permissions, login names, password rules, hashes, tokens and signed form
 * tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "auth.h"

static void test_roles(void **state)
{
	(void)state;
	/* rows: admin, editor, reporter, moderator; columns: the permissions in enum order */
	static const char *const roles[] = {"admin", "editor", "reporter", "moderator"};
	static const enum auth_perm perms[] = {PERM_PUBLIC, PERM_LOGIN, PERM_WRITE, PERM_PUBLISH, PERM_MODERATE, PERM_ADMIN};
	static const int allowed[4][6] = {
		{1, 1, 1, 1, 1, 1}, /* admin */
		{1, 1, 1, 1, 1, 0}, /* editor */
		{1, 1, 1, 0, 0, 0}, /* reporter */
		{1, 1, 0, 0, 1, 0}, /* moderator */
	};
	for (int r = 0; r < 4; r++) {
		assert_true(auth_role_valid(roles[r]));
		for (int p = 0; p < 6; p++)
			assert_int_equal(auth_role_allows(roles[r], perms[p]), allowed[r][p]);
	}
	const char *bad[] = {"", "Admin", "root", "editor ", NULL};
	for (int i = 0; bad[i]; i++) {
		assert_false(auth_role_valid(bad[i]));
		assert_false(auth_role_allows(bad[i], PERM_LOGIN));
	}
	assert_false(auth_role_valid(NULL));
	assert_true(auth_role_allows(NULL, PERM_PUBLIC));
}

static void test_logins_and_passwords(void **state)
{
	(void)state;
	const char *good[] = {"ed", "rana.haddad", "user_2", "a-b", "0day", NULL};
	const char *bad[] = {"", "a", "Ed", ".ed", "-ed", "ed ", "رنا", "a/b", NULL};
	for (int i = 0; good[i]; i++)
		assert_true(auth_login_valid(good[i]));
	for (int i = 0; bad[i]; i++)
		assert_false(auth_login_valid(bad[i]));
	char long_login[70];
	memset(long_login, 'a', 65);
	long_login[65] = '\0';
	assert_false(auth_login_valid(long_login));
	assert_non_null(auth_password_problem("short"));
	assert_non_null(auth_password_problem(NULL));
	assert_null(auth_password_problem("ten chars!"));
	assert_null(auth_password_problem("كلمة سر طويلة"));
}

static void test_hash_and_verify(void **state)
{
	(void)state;
	char h1[AUTH_HASH_MAX], h2[AUTH_HASH_MAX];
	assert_int_equal(auth_hash_password("correct horse battery", h1), 0);
	assert_int_equal(auth_hash_password("correct horse battery", h2), 0);
	assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
	assert_string_not_equal(h1, h2); /* salted */
	assert_true(auth_verify_password(h1, "correct horse battery"));
	assert_false(auth_verify_password(h1, "correct horse batterY"));
	assert_false(auth_verify_password(h1, ""));
	assert_false(auth_verify_password("not a hash", "x"));
	assert_false(auth_verify_password(NULL, "x"));
	auth_verify_dummy("anything"); /* must not crash, returns nothing */
}

static void test_tokens(void **state)
{
	(void)state;
	char a[AUTH_TOKEN_HEX], b[AUTH_TOKEN_HEX], ha[AUTH_TOKEN_HEX], hb[AUTH_TOKEN_HEX];
	auth_random_hex(a);
	auth_random_hex(b);
	assert_int_equal(strlen(a), 64);
	assert_string_not_equal(a, b);
	auth_token_hash(a, ha);
	auth_token_hash(a, hb);
	assert_string_equal(ha, hb);
	assert_string_not_equal(ha, a);
	assert_true(auth_equal("abc", "abc"));
	assert_false(auth_equal("abc", "abd"));
	assert_false(auth_equal("abc", "abcd"));
}

static void test_form_tokens(void **state)
{
	(void)state;
	unsigned char k1[AUTH_SECRET_BYTES] = {1}, k2[AUTH_SECRET_BYTES] = {2};
	struct arena ar = ARENA_INIT;
	const char *t = auth_form_token(&ar, k1, "login", 1000000);
	assert_true(auth_form_token_check(k1, "login", t, 1000000, 60));
	assert_true(auth_form_token_check(k1, "login", t, 1000060, 60));
	assert_false(auth_form_token_check(k1, "login", t, 1000061, 60)); /* expired */
	assert_false(auth_form_token_check(k1, "comment", t, 1000000, 60)); /* other purpose */
	assert_false(auth_form_token_check(k2, "login", t, 1000000, 60));   /* other site */
	assert_false(auth_form_token_check(k1, "login", t, 999000, 60));    /* from the future */
	/* tampering with the time or the MAC */
	char forged[128];
	strcpy(forged, t);
	forged[0] = forged[0] == '1' ? '2' : '1';
	assert_false(auth_form_token_check(k1, "login", forged, 1000000, 1000000000));
	strcpy(forged, t);
	forged[strlen(forged) - 1] ^= 1;
	assert_false(auth_form_token_check(k1, "login", forged, 1000000, 60));
	const char *junk[] = {"", ".", "1000000.", ".abc", "x.y", "99999999999999999999999.ab", NULL};
	for (int i = 0; junk[i]; i++)
		assert_false(auth_form_token_check(k1, "login", junk[i], 1000000, 60));
	assert_false(auth_form_token_check(k1, "login", NULL, 1000000, 60));
	/* a time far in the past must be refused, not overflow "now - time" (found by fuzz/fuzz_cookie.c;
	 * UBSan aborts here without the fix) */
	assert_false(auth_form_token_check(k1, "login", "-9223372036854775807.00", 1000000, 60));
	assert_false(auth_form_token_check(k1, "login", "-9223372036854775808.00", 1000000, 60));
	assert_false(auth_form_token_check(k1, "login", "-1.00", 1000000, 2000000));
	assert_int_equal(auth_form_token_time(t), 1000000);
	assert_int_equal(auth_form_token_time("x.y"), 0);
	assert_int_equal(auth_form_token_time(NULL), 0);
	arena_free(&ar);
}

static void test_keyed_hash(void **state)
{
	(void)state;
	unsigned char k1[AUTH_SECRET_BYTES] = {1}, k2[AUTH_SECRET_BYTES] = {2};
	char a[AUTH_TOKEN_HEX], b[AUTH_TOKEN_HEX], c[AUTH_TOKEN_HEX], d[AUTH_TOKEN_HEX];
	auth_keyed_hash(k1, "ip", "192.0.2.1", 9, a);
	auth_keyed_hash(k1, "ip", "192.0.2.1", 9, b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 64);
	auth_keyed_hash(k2, "ip", "192.0.2.1", 9, c);
	assert_string_not_equal(a, c); /* another site's secret */
	auth_keyed_hash(k1, "email", "192.0.2.1", 9, d);
	assert_string_not_equal(a, d); /* another purpose */
	auth_keyed_hash(k1, "ipx", "192.0.2.1", 8, c);
	auth_keyed_hash(k1, "ip", "x192.0.2.", 9, d);
	assert_string_not_equal(c, d); /* purpose and value cannot slide into each other */
}

/* throttle: auth_login_throttle for address, pair and account counts, with login_max_failures 5. */
static enum auth_throttle throttle(int64_t address, int64_t pair, int64_t account)
{
	struct auth_failures f = {.address = address, .pair = pair, .account = account};
	return auth_login_throttle(&f, 5);
}

static void test_login_throttle(void **state)
{
	(void)state;
	assert_int_equal(throttle(0, 0, 0), AUTH_THROTTLE_NONE);
	/* one account from one address: five failures, then refused */
	assert_int_equal(throttle(4, 4, 4), AUTH_THROTTLE_NONE);
	assert_int_equal(throttle(5, 5, 5), AUTH_THROTTLE_PAIR);
	/* many accounts from one address: 4 x 5 failures in all, then refused whatever the account */
	assert_int_equal(throttle(19, 0, 0), AUTH_THROTTLE_NONE);
	assert_int_equal(throttle(20, 0, 0), AUTH_THROTTLE_ADDRESS);
	assert_int_equal(throttle(20, 5, 50), AUTH_THROTTLE_ADDRESS);
	/* the account failed everywhere (an attacker elsewhere): a clean address is never refused */
	assert_int_equal(throttle(0, 0, 1000000), AUTH_THROTTLE_NONE);
	assert_int_equal(throttle(19, 0, 1000000), AUTH_THROTTLE_NONE); /* failed on other accounts only */
	/* ... an address that has failed on it is, once the account is past 10 x 5 */
	assert_int_equal(throttle(1, 1, 49), AUTH_THROTTLE_NONE);
	assert_int_equal(throttle(1, 1, 50), AUTH_THROTTLE_ACCOUNT);
	assert_int_equal(throttle(4, 4, 50), AUTH_THROTTLE_ACCOUNT);
}

static void test_login_token_binding(void **state)
{
	(void)state;
	/* the log-in form's token is signed for "login" and the browser's pre-session value (page_admin.c) */
	unsigned char secret[AUTH_SECRET_BYTES] = {7};
	struct arena a = {0};
	const char *t = auth_form_token(&a, secret, "login aaaa", 1000);
	assert_true(auth_form_token_check(secret, "login aaaa", t, 1000, 7200));
	assert_false(auth_form_token_check(secret, "login bbbb", t, 1000, 7200)); /* another browser's cookie */
	assert_false(auth_form_token_check(secret, "login", t, 1000, 7200));      /* no cookie */
	arena_free(&a);
}

int main(void)
{
	if (auth_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),	       cmocka_unit_test(test_logins_and_passwords),
		cmocka_unit_test(test_hash_and_verify), cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_form_tokens),     cmocka_unit_test(test_keyed_hash),
		cmocka_unit_test(test_login_throttle),  cmocka_unit_test(test_login_token_binding),
	};
	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
