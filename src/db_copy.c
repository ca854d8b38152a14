/* db_copy.c - the site copy's catalogue reads, written once for both engines over the statement
 * interface (see db.h: db_copy_tables, db_copy_columns; the rest of the copy is each engine's own:
 * db_sqlite_copy.c, db_pg_copy.c). Each engine lists its own catalogue, so both spellings stand side by
 * side. */
#include "db_stmt.h"

/* SQLite: PRAGMA table_list's ordinary tables of the main schema (type 'table' leaves out the FTS5 index,
 * a virtual table, and its shadow tables) other than SQLite's own sqlite_*. PostgreSQL: the tables of the
 * current schema except broadsheet_schema (the version bookkeeping). */
static const char sql_tables_sqlite[] = "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' "
					"AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
static const char sql_tables_pg[] = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
				    "AND tablename <> 'broadsheet_schema' ORDER BY tablename";

int db_copy_tables(struct db *db, struct arena *a, const char ***names, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, DBS_SQL(db, sql_tables_sqlite, sql_tables_pg));
	if (!st)
		return DB_ERROR;
	DBS_MANY(db, st, a, const char *, names, n, *row = dbs_text_nn(db, a, st, 0));
}

/* SQLite: PRAGMA table_xinfo's visible columns (hidden 0: generated columns such as articles.search_key
 * are 2 or 3). PostgreSQL: the table's live columns without generated ones (articles.tsv). Both without
 * articles.terms, which a trigger (SQLite) or the import (db_pg_copy.c) computes from the text. */
static const char sql_columns_sqlite[] = "SELECT name FROM pragma_table_xinfo(?1) WHERE hidden = 0 "
					 "AND NOT (?1 = 'articles' AND name = 'terms') ORDER BY cid";
static const char sql_columns_pg[] =
	"SELECT attname::text FROM pg_attribute WHERE attrelid = to_regclass(quote_ident(?1)) "
	"AND attnum > 0 AND NOT attisdropped AND attgenerated = '' "
	"AND NOT (?1 = 'articles' AND attname = 'terms') ORDER BY attnum";

int db_copy_columns(struct db *db, struct arena *a, const char *table, const char ***cols, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, DBS_SQL(db, sql_columns_sqlite, sql_columns_pg));
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, table);
	DBS_MANY(db, st, a, const char *, cols, n, *row = dbs_text_nn(db, a, st, 0));
}
