/* store_live_list.c - the published live blogs, for the static export (issue 21): which articles have
 * entries pages, entry feeds and a live.json to write. The live blogs' own store is store_live.c. */
#include "db.h"
#include "db_stmt.h"

static const char sql_live_blogs[] = "SELECT " ART_COLS ART_FROM "JOIN live_blogs l ON l.article_id = a.id "
				     "WHERE a.status = 'published' ORDER BY a.id";

int db_live_blogs_published(struct db *db, struct arena *a, struct db_article **out, size_t *n)
{
	return dbs_list(db, a, sql_live_blogs, DBS_NO_ARGS, &dbs_article_map, out, n);
}
