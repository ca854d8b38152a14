/* auth.h - passwords, session tokens, CSRF and signed form tokens, roles. Built on libsodium:
 * argon2id password hashes, random tokens, BLAKE2b hashes and keyed MACs, constant-time compares. */
#ifndef BROADSHEET_AUTH_H
#define BROADSHEET_AUTH_H
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define AUTH_SECRET_BYTES 32
#define AUTH_HASH_MAX 128 /* room for an argon2id hash string */
#define AUTH_TOKEN_HEX 65 /* 32 random bytes as hex + NUL */

/* Permissions a route can require; each role grants a set of them. */
enum auth_perm {
	PERM_PUBLIC = 0, /* anyone */
	PERM_LOGIN,      /* any account */
	PERM_WRITE,      /* write and submit own articles: reporter, editor, admin */
	PERM_PUBLISH,    /* edit and publish anything: editor, admin */
	PERM_MODERATE,   /* comments: moderator, editor, admin */
	PERM_ADMIN,      /* users and settings: admin */
};

/* auth_init: initialises libsodium. Returns 0 or -1. */
int auth_init(void);

/* auth_role_valid: 1 for admin, editor, reporter, moderator. */
int auth_role_valid(const char *role);
/* auth_role_allows: whether role grants perm. */
int auth_role_allows(const char *role, enum auth_perm perm);

/* auth_login_valid: 1 when login is 2-64 of [a-z0-9._-] starting with a letter or digit. */
int auth_login_valid(const char *login);
/* auth_password_problem: NULL when pw is acceptable (10 to 1024 bytes), else a sentence saying why. */
const char *auth_password_problem(const char *pw);

/* auth_hash_password: argon2id hash of pw into out (AUTH_HASH_MAX bytes). 0, or -1 when out of memory. */
int auth_hash_password(const char *pw, char *out);
/* auth_verify_password: 1 when pw matches hash, else 0 (constant time in pw). */
int auth_verify_password(const char *hash, const char *pw);

/* auth_verify_dummy: spends the time of a password check against a hash nobody knows, so that a log-in
 * for an unknown account takes as long as one for a real account (no account enumeration by timing). */
void auth_verify_dummy(const char *pw);

/* auth_random_hex: 32 random bytes as 64 hex digits into out (AUTH_TOKEN_HEX bytes). */
void auth_random_hex(char *out);
/* auth_token_hash: BLAKE2b-256 of token as hex into out (AUTH_TOKEN_HEX bytes); what the store keeps. */
void auth_token_hash(const char *token, char *out);
/* auth_equal: constant-time string equality (1 equal, 0 not; different lengths are unequal). */
int auth_equal(const char *a, const char *b);

/* auth_form_token: a token for a form shown to someone without a session: "TIME.MAC" where MAC is
 * keyed with the site secret over purpose and time. In the arena. */
const char *auth_form_token(struct arena *a, const unsigned char *secret, const char *purpose, int64_t now);
/* auth_form_token_check: 1 when token was made for purpose with this secret, at most max_age seconds
 * ago (and not in the future), else 0. */
int auth_form_token_check(const unsigned char *secret, const char *purpose, const char *token, int64_t now,
			  int64_t max_age);

/* auth_keyed_hash: BLAKE2b-256 keyed with the site secret over purpose and value[0..len), as hex into out
 * (AUTH_TOKEN_HEX bytes). For what is stored but must not be readable: visitors' IP addresses and
 * emails, visitor cookies. The purpose keeps hashes of one kind from matching another. */
void auth_keyed_hash(const unsigned char *secret, const char *purpose, const char *value, size_t len, char *out);
/* auth_form_token_time: the time a form token says it was made (check it first with
 * auth_form_token_check); 0 when unreadable. */
int64_t auth_form_token_time(const char *token);

/* Log-in throttling (OWASP's "no lock-out of the owner"): failed log-ins are counted per (account,
 * address) pair, per address and per account. The pair's limit is login_max_failures; an address may fail
 * AUTH_ADDRESS_FACTOR times that over all accounts (credential stuffing from one address); an account may
 * fail AUTH_ACCOUNT_FACTOR times that from everywhere, after which only the addresses that have
 * themselves failed on it are refused (guessing one account from many addresses). */
#define AUTH_ADDRESS_FACTOR 4
#define AUTH_ACCOUNT_FACTOR 10

/* The failed log-ins within the window that bear on one attempt. */
struct auth_failures {
	int64_t address; /* from this address, on any account */
	int64_t pair;    /* from this address, on this account */
	int64_t account; /* on this account, from any address */
};

/* Which limit refuses an attempt (AUTH_THROTTLE_NONE: check the password). */
enum auth_throttle { AUTH_THROTTLE_NONE = 0, AUTH_THROTTLE_ADDRESS, AUTH_THROTTLE_PAIR, AUTH_THROTTLE_ACCOUNT };

/* auth_login_throttle: whether a log-in attempt with recent failures f is refused before its password is
 * checked, max being login_max_failures, and by which limit. An address that has not failed on the account
 * (f->pair == 0) and is under its own limit is never refused, however often the account failed elsewhere:
 * nobody can lock the owner out from a clean address. Pure. */
enum auth_throttle auth_login_throttle(const struct auth_failures *f, int64_t max);

/* auth_load_secret: reads the hex site secret at path into out. 0, or -1 (errno or bad content). */
int auth_load_secret(const char *path, unsigned char *out);

#endif
