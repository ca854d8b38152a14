/* user.c - see user.h. */
#include "user.h"

#include <string.h>

#include "arena.h"
#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "escape.h"
#include "util.h"

const char *user_create(struct db *db, const char *login, const char *display_name, const char *role,
			const char *password, int64_t *id)
{
	if (!auth_login_valid(login))
		return N_("A login is 2 to 64 lower-case letters, digits, dots, dashes or underscores.");
	if (!auth_role_valid(role))
		return N_("The role must be admin, editor, reporter or moderator.");
	if (utf8_chars(display_name, strlen(display_name)) > 200)
		return N_("The display name is too long: at most 200 characters are allowed.");
	const char *problem = auth_password_problem(password);
	if (problem)
		return problem;
	char hash[AUTH_HASH_MAX];
	if (auth_hash_password(password, hash) < 0)
		return N_("The password could not be hashed (out of memory).");
	struct db_user u = {.login = login,
			    .display_name = *display_name ? display_name : login,
			    .role = role,
			    .pw_hash = hash,
			    .created_at = util_now()};
	int rc = db_user_insert(db, &u, id);
	if (rc == DB_CONFLICT)
		return N_("That login is already taken.");
	if (rc != DB_OK)
		return N_("The account could not be stored (database error).");
	return NULL;
}

/* find_id: the id of the account named login into *id, or a reason (no such account, store error). */
static const char *find_id(struct db *db, const char *login, int64_t *id)
{
	struct arena a = ARENA_INIT;
	struct db_user u;
	int rc = db_user_get_by_login(db, &a, login, &u);
	*id = rc == DB_OK ? u.id : 0;
	arena_free(&a);
	if (rc == DB_NOTFOUND)
		return N_("There is no account with that login.");
	if (rc != DB_OK)
		return N_("The account could not be read (database error).");
	return NULL;
}

/* store_password: hashes password and stores it as account id's, ending all of its sessions, in one
 * transaction. Returns NULL, or the reason it failed (out of memory, store error). */
static const char *store_password(struct db *db, int64_t id, const char *password)
{
	char hash[AUTH_HASH_MAX];
	if (auth_hash_password(password, hash) < 0)
		return N_("The password could not be hashed (out of memory).");
	if (db_begin(db) != DB_OK || db_user_set_password(db, id, hash) != DB_OK ||
	    db_sessions_delete_user(db, id) != DB_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		return N_("The password could not be stored (database error).");
	}
	return NULL;
}

/* store_disabled: sets account id disabled or not, ending its sessions when disabled, in one transaction.
 * Returns NULL, or the reason it failed (store error). */
static const char *store_disabled(struct db *db, int64_t id, int disabled)
{
	if (db_begin(db) != DB_OK || db_user_set_disabled(db, id, disabled) != DB_OK ||
	    (disabled && db_sessions_delete_user(db, id) != DB_OK) || db_commit(db) != DB_OK) {
		db_rollback(db);
		return N_("The account could not be changed (database error).");
	}
	return NULL;
}

enum user_status user_password_set_id(struct db *db, int64_t id, const char *password, const char **why)
{
	*why = auth_password_problem(password);
	if (*why)
		return USER_REFUSED;
	*why = store_password(db, id, password);
	return *why ? USER_FAILED : USER_OK;
}

enum user_status user_disable_id(struct db *db, int64_t id, int disabled, const char **why)
{
	*why = store_disabled(db, id, disabled);
	return *why ? USER_FAILED : USER_OK;
}

enum user_status user_sign_out_id(struct db *db, int64_t id, const char **why)
{
	*why = db_sessions_delete_user(db, id) == DB_OK ? NULL : N_("The sessions could not be ended (database error).");
	return *why ? USER_FAILED : USER_OK;
}

const char *user_set_password(struct db *db, const char *login, const char *password)
{
	int64_t id;
	const char *why = find_id(db, login, &id);
	if (!why)
		user_password_set_id(db, id, password, &why);
	return why;
}

const char *user_disable(struct db *db, const char *login, int disabled)
{
	int64_t id;
	const char *why = find_id(db, login, &id);
	return why ? why : store_disabled(db, id, disabled);
}
