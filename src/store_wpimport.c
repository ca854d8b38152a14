/* store_wpimport.c - what the WordPress import writes besides import_map and legacy_urls (see db.h):
 * an article's feed id (articles.guid), kept so readers' feed apps do not show old stories again. */
#include "db_stmt.h"

static const char sql_set_guid[] = "UPDATE articles SET guid = ?2 WHERE id = ?1";

/* db_article_set_guid: see db.h. */
int db_article_set_guid(struct db *db, int64_t id, const char *guid)
{
	return dbs_run(db, sql_set_guid, DBS_ARGS(DBS_INT(id), DBS_TEXT(guid && *guid ? guid : NULL)));
}
