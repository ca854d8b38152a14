/* db_schema.h - the versioned schema migrations, one list for every backend (a script per engine). Migration i brings the
 * schema from version i to i+1; each backend records the version it reached. */
#ifndef BROADSHEET_DB_SCHEMA_H
#define BROADSHEET_DB_SCHEMA_H
#include <stddef.h>

/* Each entry carries a script per engine, for the same version number. pg = NULL means nobody wrote the
 * PostgreSQL script yet: the PostgreSQL backend refuses to migrate past it rather than skip it; pg = ""
 * (DB_MIGRATION_NOTHING) says the step has nothing to do there (for example an FTS5 change: PostgreSQL
 * searches the terms column, see db_pg_search.c). */
struct db_migration {
	const char *name;
	const char *sqlite; /* SQL script for SQLite */
	const char *pg;     /* SQL script for PostgreSQL */
};
#define DB_MIGRATION_NOTHING ""

/* db_schema_migrations: the migrations in order; *n gets their count. */
const struct db_migration *db_schema_migrations(size_t *n);

#endif
