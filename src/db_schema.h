/* db_schema.h - the versioned schema migrations, one list for every backend. Migration i brings the
 * schema from version i to i+1; each backend records the version it reached. */
#ifndef BROADSHEET_DB_SCHEMA_H
#define BROADSHEET_DB_SCHEMA_H
#include <stddef.h>

struct db_migration {
	const char *name;
	const char *sqlite; /* SQL script for SQLite */
};

/* db_schema_migrations: the migrations in order; *n gets their count. */
const struct db_migration *db_schema_migrations(size_t *n);

#endif
