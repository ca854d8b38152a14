/* user.c - see user.h. */
#include "user.h"

#include <string.h>

#include "arena.h"
#include "auth.h"
#include "db.h"
#include "escape.h"
#include "util.h"

const char *user_create(struct db *db, const char *login, const char *display_name, const char *role,
			const char *password, int64_t *id)
{
	if (!auth_login_valid(login))
		return "A login is 2 to 64 lower-case letters, digits, dots, dashes or underscores.";
	if (!auth_role_valid(role))
		return "The role must be admin, editor, reporter or moderator.";
	if (utf8_chars(display_name, strlen(display_name)) > 200)
		return "The display name is too long: at most 200 characters are allowed.";
	const char *problem = auth_password_problem(password);
	if (problem)
		return problem;
	char hash[AUTH_HASH_MAX];
	if (auth_hash_password(password, hash) < 0)
		return "The password could not be hashed (out of memory).";
	struct db_user u = {.login = login,
			    .display_name = *display_name ? display_name : login,
			    .role = role,
			    .pw_hash = hash,
			    .created_at = util_now()};
	int rc = db_user_insert(db, &u, id);
	if (rc == DB_CONFLICT)
		return "That login is already taken.";
	if (rc != DB_OK)
		return "The account could not be stored (database error).";
	return NULL;
}

/* find: the account named login, or a reason. */
static const char *find(struct db *db, struct arena *a, const char *login, struct db_user *u)
{
	int rc = db_user_get_by_login(db, a, login, u);
	if (rc == DB_NOTFOUND)
		return "There is no account with that login.";
	if (rc != DB_OK)
		return "The account could not be read (database error).";
	return NULL;
}

const char *user_set_password(struct db *db, const char *login, const char *password)
{
	struct arena a = ARENA_INIT;
	struct db_user u;
	const char *why = find(db, &a, login, &u);
	if (!why)
		why = auth_password_problem(password);
	char hash[AUTH_HASH_MAX];
	if (!why && auth_hash_password(password, hash) < 0)
		why = "The password could not be hashed (out of memory).";
	if (!why) {
		if (db_begin(db) != DB_OK || db_user_set_password(db, u.id, hash) != DB_OK ||
		    db_sessions_delete_user(db, u.id) != DB_OK || db_commit(db) != DB_OK) {
			db_rollback(db);
			why = "The password could not be stored (database error).";
		}
	}
	arena_free(&a);
	return why;
}

const char *user_disable(struct db *db, const char *login, int disabled)
{
	struct arena a = ARENA_INIT;
	struct db_user u;
	const char *why = find(db, &a, login, &u);
	if (!why) {
		if (db_begin(db) != DB_OK || db_user_set_disabled(db, u.id, disabled) != DB_OK ||
		    (disabled && db_sessions_delete_user(db, u.id) != DB_OK) || db_commit(db) != DB_OK) {
			db_rollback(db);
			why = "The account could not be changed (database error).";
		}
	}
	arena_free(&a);
	return why;
}
