/* store_import.c - the WordPress import's bookkeeping (issue 23), written once for both engines
 * (db_stmt.h; see db.h): import_map says what each imported item became, so a second import updates
 * rather than duplicates; legacy_urls holds the old site's addresses, each answered with a 301. */
#include "db_stmt.h"

/* one row of either table as the getters read it */
struct target_row {
	int64_t target_id;
	const char *text; /* import_map's checksum, legacy_urls' kind */
};
#define R struct target_row
static const struct dbs_col target_cols[] = {DBS_C_I64(R, target_id), DBS_C_TEXT_NN(R, text)};
static const struct dbs_map target_map = DBS_MAP(R, target_cols, NULL);
#undef R

static const char sql_map_get[] = "SELECT target_id, checksum FROM import_map WHERE source = ?1 AND kind = ?2 "
				  "AND source_id = ?3";

/* db_import_map_get: see db.h. */
int db_import_map_get(struct db *db, struct arena *a, const char *source, const char *kind, int64_t source_id,
		      int64_t *target_id, const char **checksum)
{
	struct target_row r = {0};
	int rc = dbs_one(db, a, sql_map_get, DBS_ARGS(DBS_TEXT(source), DBS_TEXT(kind), DBS_INT(source_id)),
			 &target_map, &r);
	if (rc == DB_OK) {
		*target_id = r.target_id;
		*checksum = r.text;
	}
	return rc;
}

static const char sql_map_put[] =
	"INSERT INTO import_map(source, kind, source_id, target_id, checksum, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
	"ON CONFLICT (source, kind, source_id) DO UPDATE SET target_id = excluded.target_id, "
	"checksum = excluded.checksum, updated_at = excluded.updated_at";

/* db_import_map_put: see db.h. */
int db_import_map_put(struct db *db, const char *source, const char *kind, int64_t source_id, int64_t target_id,
		      const char *checksum, int64_t now)
{
	return dbs_run(db, sql_map_put,
		       DBS_ARGS(DBS_TEXT(source), DBS_TEXT(kind), DBS_INT(source_id), DBS_INT(target_id),
				DBS_TEXT(checksum ? checksum : ""), DBS_INT(now)));
}

static const char sql_legacy_put[] =
	"INSERT INTO legacy_urls(path, kind, target_id, source, created_at) VALUES(?1, ?2, ?3, ?4, ?5) "
	"ON CONFLICT (path) DO UPDATE SET kind = excluded.kind, target_id = excluded.target_id, "
	"source = excluded.source";

/* db_legacy_put: see db.h. */
int db_legacy_put(struct db *db, const char *path, const char *kind, int64_t target_id, const char *source,
		  int64_t now)
{
	return dbs_run(db, sql_legacy_put,
		       DBS_ARGS(DBS_TEXT(path), DBS_TEXT(kind), DBS_INT(target_id), DBS_TEXT(source ? source : ""),
				DBS_INT(now)));
}

static const char sql_legacy_find[] = "SELECT target_id, kind FROM legacy_urls WHERE path = ?1";

/* db_legacy_find: see db.h. */
int db_legacy_find(struct db *db, struct arena *a, const char *path, const char **kind, int64_t *target_id)
{
	struct target_row r = {0};
	int rc = dbs_one(db, a, sql_legacy_find, DBS_ARGS(DBS_TEXT(path)), &target_map, &r);
	if (rc == DB_OK) {
		*target_id = r.target_id;
		*kind = r.text;
	}
	return rc;
}
