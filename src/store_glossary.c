/* store_glossary.c - the glossary's rows (issue 19), written once for both engines (db_stmt.h; see db.h).
 * The store writes each entry's normalised keys (glossary_key) and search text itself, so no caller can
 * store a name whose key disagrees with it: the UNIQUE indexes on key_en and key_ar refuse duplicates. */
#include <string.h>

#include "db_stmt.h"
#include "glossary.h"

#define G struct db_glossary
static const struct dbs_col glossary_cols[] = {DBS_C_I64(G, id),	DBS_C_TEXT_NN(G, kind), DBS_C_TEXT_NN(G, name_en),
					       DBS_C_TEXT_NN(G, name_ar), DBS_C_TEXT_NN(G, variants), DBS_C_TEXT_NN(G, note),
					       DBS_C_I64(G, created_by), DBS_C_I64(G, updated_at)};
static const struct dbs_map glossary_map = DBS_MAP(G, glossary_cols, NULL);
#undef G

#define GLOSSARY_COLS "id, kind, name_en, name_ar, variants, note, created_by, updated_at FROM glossary "
static const char sql_list_all[] = "SELECT " GLOSSARY_COLS "ORDER BY key_en, id LIMIT ?1";
static const char sql_list_sqlite[] = "SELECT " GLOSSARY_COLS "WHERE instr(search, ?2) > 0 ORDER BY key_en, id LIMIT ?1";
static const char sql_list_pg[] = "SELECT " GLOSSARY_COLS "WHERE strpos(search, ?2) > 0 ORDER BY key_en, id LIMIT ?1";

/* db_glossary_list: entries by English key, all or those whose search text holds q's key (see db.h). */
int db_glossary_list(struct db *db, struct arena *a, const char *q, int64_t limit, struct db_glossary **out,
		     size_t *n)
{
	const char *key = glossary_key(a, q);
	if (!*key)
		return dbs_list(db, a, sql_list_all, DBS_ARGS(DBS_INT(limit)), &glossary_map, out, n);
	return dbs_list(db, a, DBS_SQL(db, sql_list_sqlite, sql_list_pg), DBS_ARGS(DBS_INT(limit), DBS_TEXT(key)),
			&glossary_map, out, n);
}

static const char sql_get[] = "SELECT " GLOSSARY_COLS "WHERE id = ?1";

/* db_glossary_get: one entry by id. DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_glossary_get(struct db *db, struct arena *a, int64_t id, struct db_glossary *out)
{
	return dbs_one(db, a, sql_get, DBS_ARGS(DBS_INT(id)), &glossary_map, out);
}

static const char sql_insert[] =
	"INSERT INTO glossary(kind, name_en, name_ar, variants, note, key_en, key_ar, search, created_by, updated_at) "
	"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id";
static const char sql_update[] = "UPDATE glossary SET kind = ?1, name_en = ?2, name_ar = ?3, variants = ?4, note = ?5, "
				 "key_en = ?6, key_ar = ?7, search = ?8, updated_at = ?9 WHERE id = ?10";
static const char sql_taken[] = "SELECT CASE WHEN key_en = ?1 THEN 'name_en' ELSE 'name_ar' END FROM glossary "
				"WHERE (key_en = ?1 OR key_ar = ?2) AND id <> ?3 ORDER BY id LIMIT 1";

/* clash_field: which name of g another entry already has ("name_en" or "name_ar"), read after a refused
 * write; "name_en" when it cannot tell. */
static const char *clash_field(struct db *db, struct arena *a, const char *key_en, const char *key_ar, int64_t id)
{
	const char *field = NULL;
	if (dbs_one_text(db, a, sql_taken, DBS_ARGS(DBS_TEXT(key_en), DBS_TEXT(key_ar), DBS_INT(id)), &field) != DB_OK)
		return "name_en";
	return strcmp(field, "name_ar") == 0 ? "name_ar" : "name_en";
}

/* db_glossary_put: inserts or updates an entry with its keys (see db.h); a refusal for a duplicate reads
 * which name clashed. DB_OK, DB_CONFLICT, DB_NOTFOUND or DB_ERROR. */
int db_glossary_put(struct db *db, const struct db_glossary *g, int64_t *id, const char **clash)
{
	struct arena a = ARENA_INIT;
	const char *key_en = glossary_key(&a, g->name_en), *key_ar = glossary_key(&a, g->name_ar);
	const char *variants = g->variants ? g->variants : "", *note = g->note ? g->note : "";
	const char *search = glossary_search_text(&a, g);
	int rc = DB_ERROR;
	if (*key_en && *key_ar && g->id) {
		rc = dbs_run_one(db, sql_update,
				 DBS_ARGS(DBS_TEXT(g->kind), DBS_TEXT(g->name_en), DBS_TEXT(g->name_ar), DBS_TEXT(variants),
					  DBS_TEXT(note), DBS_TEXT(key_en), DBS_TEXT(key_ar), DBS_TEXT(search),
					  DBS_INT(g->updated_at), DBS_INT(g->id)));
		if (rc == DB_OK && id)
			*id = g->id;
	} else if (*key_en && *key_ar) {
		rc = dbs_insert(db, sql_insert,
				DBS_ARGS(DBS_TEXT(g->kind), DBS_TEXT(g->name_en), DBS_TEXT(g->name_ar), DBS_TEXT(variants),
					 DBS_TEXT(note), DBS_TEXT(key_en), DBS_TEXT(key_ar), DBS_TEXT(search),
					 DBS_ID(g->created_by), DBS_INT(g->updated_at)),
				id);
	}
	if (rc == DB_CONFLICT && clash)
		*clash = clash_field(db, &a, key_en, key_ar, g->id);
	arena_free(&a);
	return rc;
}

static const char sql_delete[] = "DELETE FROM glossary WHERE id = ?1";

/* db_glossary_delete: removes one entry. DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_glossary_delete(struct db *db, int64_t id)
{
	return dbs_run_one(db, sql_delete, DBS_ARGS(DBS_INT(id)));
}
