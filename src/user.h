/* user.h - newsroom accounts, shared by the web pages and the command line: validation, hashing and
 * storing in one place so both give the same answers. */
#ifndef BROADSHEET_USER_H
#define BROADSHEET_USER_H
#include <stdint.h>

struct db;

/* What an account change came to: done, refused for a rule the input broke (a reason a person can act on),
 * or failed in the store (or out of memory): a web page answers 400 to the one and 500 to the other. */
enum user_status { USER_OK, USER_REFUSED, USER_FAILED };

/* user_create: validates and adds an account (argon2id hash of password). *id gets its id. Returns NULL,
 * or a sentence saying why it was refused (bad login, role or password, login taken, store error). */
const char *user_create(struct db *db, const char *login, const char *display_name, const char *role,
			const char *password, int64_t *id);

/* user_set_password: validates and sets login's password, ending all of that user's sessions, in one
 * transaction. Returns NULL or the reason it was refused. */
const char *user_set_password(struct db *db, const char *login, const char *password);

/* user_password_set_id: as user_set_password for the account with this id (the newsroom's own password
 * page). Returns USER_OK (*why NULL), USER_REFUSED (*why: the password rule broken) or USER_FAILED (*why:
 * hashing or the store failed; nothing changed). */
enum user_status user_password_set_id(struct db *db, int64_t id, const char *password, const char **why);

/* user_disable_id: as user_disable for the account with this id (the newsroom's users page). Returns USER_OK
 * (*why NULL) or USER_FAILED (*why: the store failed; nothing changed). */
enum user_status user_disable_id(struct db *db, int64_t id, int disabled, const char **why);

/* user_sign_out_id: ends every session of the account with this id (the newsroom's users page: "Sign out
 * everywhere"); its browsers are logged out at their next request. Disabling (user_disable_id) does this
 * too, in the same transaction. Returns USER_OK (*why NULL) or USER_FAILED (*why: the store failed). */
enum user_status user_sign_out_id(struct db *db, int64_t id, const char **why);

/* user_disable: disables (disabled=1) or re-enables login; disabling ends its sessions. Returns NULL or the
 * reason it was refused. */
const char *user_disable(struct db *db, const char *login, int disabled);

#endif
