/* user.h - newsroom accounts, shared by the web pages and the command line: validation, hashing and
 * storing in one place so both give the same answers. */
#ifndef BROADSHEET_USER_H
#define BROADSHEET_USER_H
#include <stdint.h>

struct db;

/* user_create: validates and adds an account (argon2id hash of password). *id gets its id. Returns NULL,
 * or a sentence saying why it was refused (bad login, role or password, login taken, store error). */
const char *user_create(struct db *db, const char *login, const char *display_name, const char *role,
			const char *password, int64_t *id);

/* user_set_password: validates and sets login's password, ending all of that user's sessions, in one
 * transaction. Returns NULL or the reason it was refused. */
const char *user_set_password(struct db *db, const char *login, const char *password);

/* user_disable: disables (disabled=1) or re-enables login; disabling ends its sessions. Returns NULL or the
 * reason it was refused. */
const char *user_disable(struct db *db, const char *login, int disabled);

#endif
