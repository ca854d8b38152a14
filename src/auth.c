/* auth.c - passwords, tokens, roles (see auth.h). */
#include "auth.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>

#include "util.h"
#include "catalog.h"

int auth_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int auth_role_valid(const char *role)
{
	return role && (strcmp(role, "admin") == 0 || strcmp(role, "editor") == 0 || strcmp(role, "reporter") == 0 ||
			strcmp(role, "moderator") == 0);
}

int auth_role_allows(const char *role, enum auth_perm perm)
{
	if (perm == PERM_PUBLIC)
		return 1;
	if (!auth_role_valid(role))
		return 0;
	int admin = strcmp(role, "admin") == 0, editor = strcmp(role, "editor") == 0;
	switch (perm) {
	case PERM_PUBLIC:
	case PERM_LOGIN: return 1;
	case PERM_WRITE: return admin || editor || strcmp(role, "reporter") == 0;
	case PERM_PUBLISH: return admin || editor;
	case PERM_MODERATE: return admin || editor || strcmp(role, "moderator") == 0;
	case PERM_ADMIN: return admin;
	}
	return 0;
}

int auth_login_valid(const char *login)
{
	size_t n = login ? strlen(login) : 0;
	if (n < 2 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = login[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return 0;
	}
	return 1;
}

const char *auth_password_problem(const char *pw)
{
	size_t n = pw ? strlen(pw) : 0;
	if (n < 10)
		return N_("A password needs at least 10 characters.");
	if (n > 1024)
		return N_("A password can have at most 1024 characters.");
	return NULL;
}

int auth_hash_password(const char *pw, char *out)
{
	char hash[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str_alg(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -1;
	snprintf(out, AUTH_HASH_MAX, "%s", hash);
	return 0;
}

int auth_verify_password(const char *hash, const char *pw)
{
	if (!hash || !pw || strlen(hash) >= crypto_pwhash_STRBYTES)
		return 0;
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

void auth_random_hex(char *out)
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, AUTH_TOKEN_HEX, raw, sizeof raw);
}

void auth_token_hash(const char *token, char *out)
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, AUTH_TOKEN_HEX, h, sizeof h);
}

int auth_equal(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (n != strlen(b))
		return 0;
	return sodium_memcmp(a, b, n) == 0;
}

static void form_mac(const unsigned char *secret, const char *purpose, long long t, char *hex)
{
	char msg[256];
	snprintf(msg, sizeof msg, "%s|%lld", purpose, t);
	unsigned char mac[32];
	crypto_generichash(mac, sizeof mac, (const unsigned char *)msg, strlen(msg), secret, AUTH_SECRET_BYTES);
	sodium_bin2hex(hex, AUTH_TOKEN_HEX, mac, sizeof mac);
}

const char *auth_form_token(struct arena *a, const unsigned char *secret, const char *purpose, int64_t now)
{
	char hex[AUTH_TOKEN_HEX];
	form_mac(secret, purpose, (long long)now, hex);
	return arena_printf(a, "%lld.%s", (long long)now, hex);
}

int auth_form_token_check(const unsigned char *secret, const char *purpose, const char *token, int64_t now,
			  int64_t max_age)
{
	if (!token)
		return 0;
	const char *dot = strchr(token, '.');
	if (!dot || dot == token || dot - token > 20)
		return 0;
	char num[24];
	memcpy(num, token, (size_t)(dot - token));
	num[dot - token] = '\0';
	int64_t t;
	/* forms were made after 1970: a negative time is forged, and would overflow now - t */
	if (util_parse_i64(num, &t) < 0 || t < 0 || t > now + 60 || now - t > max_age)
		return 0;
	char hex[AUTH_TOKEN_HEX];
	form_mac(secret, purpose, (long long)t, hex);
	return auth_equal(dot + 1, hex);
}

int auth_load_secret(const char *path, unsigned char *out)
{
	size_t len;
	char *text = util_read_file(path, &len);
	if (!text)
		return -1;
	size_t bin_len = 0;
	int rc = sodium_hex2bin(out, AUTH_SECRET_BYTES, text, len, "\n", &bin_len, NULL);
	sodium_memzero(text, len);
	free(text);
	if (rc != 0 || bin_len != AUTH_SECRET_BYTES) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static char dummy_hash[AUTH_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

/* make_dummy: hashes a random password once, for auth_verify_dummy. */
static void make_dummy(void)
{
	char pw[AUTH_TOKEN_HEX];
	auth_random_hex(pw);
	if (auth_hash_password(pw, dummy_hash) < 0)
		dummy_hash[0] = '\0';
}

void auth_verify_dummy(const char *pw)
{
	pthread_once(&dummy_once, make_dummy);
	if (dummy_hash[0])
		(void)auth_verify_password(dummy_hash, pw ? pw : "");
}

void auth_keyed_hash(const unsigned char *secret, const char *purpose, const char *value, size_t len, char *out)
{
	crypto_generichash_state st;
	unsigned char h[32];
	crypto_generichash_init(&st, secret, AUTH_SECRET_BYTES, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)purpose, strlen(purpose) + 1); /* NUL separates */
	crypto_generichash_update(&st, (const unsigned char *)value, len);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, AUTH_TOKEN_HEX, h, sizeof h);
}

int64_t auth_form_token_time(const char *token)
{
	int64_t t;
	const char *dot = token ? strchr(token, '.') : NULL;
	if (!dot || dot == token || dot - token > 20)
		return 0;
	char num[24];
	memcpy(num, token, (size_t)(dot - token));
	num[dot - token] = '\0';
	return util_parse_i64(num, &t) == 0 ? t : 0;
}

enum auth_throttle auth_login_throttle(const struct auth_failures *f, int64_t max)
{
	if (f->address >= AUTH_ADDRESS_FACTOR * max)
		return AUTH_THROTTLE_ADDRESS;
	if (f->pair >= max)
		return AUTH_THROTTLE_PAIR;
	if (f->pair > 0 && f->account >= AUTH_ACCOUNT_FACTOR * max)
		return AUTH_THROTTLE_ACCOUNT;
	return AUTH_THROTTLE_NONE;
}
