/* store_related.c - the related stories the editor chose for an article (table article_related, see
 * db.h): the ordered list an editor saves, what a reader's page shows of it, and which articles show a
 * given one (for the page cache), written once for both engines (db_stmt.h). */
#include <stdlib.h>

#include "db_stmt.h"

/* one article number as a row reads it */
struct related_row {
	int64_t id;
};
static const struct dbs_col related_cols[] = {DBS_C_I64(struct related_row, id)};
static const struct dbs_map related_map = DBS_MAP(struct related_row, related_cols, NULL);

/* ids_of: the n rows' ids as a new arena array (one entry at least, so never NULL). */
static int64_t *ids_of(struct arena *a, const struct related_row *rows, size_t n)
{
	int64_t *ids = arena_alloc(a, (n ? n : 1) * sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = rows[i].id;
	return ids;
}

/* id_list: the ids sql (?1 an article id) selects, into *out (arena) and *n. DB_OK or DB_ERROR. */
static int id_list(struct db *db, struct arena *a, const char *sql, int64_t id, int64_t **out, size_t *n)
{
	struct related_row *rows = NULL;
	*n = 0;
	int rc = dbs_list(db, a, sql, DBS_ARGS(DBS_INT(id)), &related_map, &rows, n);
	*out = rc == DB_OK ? ids_of(a, rows, *n) : NULL;
	return rc;
}

static const char sql_related_clear[] = "DELETE FROM article_related WHERE article_id = ?1";
static const char sql_related_add[] = "INSERT INTO article_related(article_id, position, related_id) VALUES(?1, ?2, ?3)";

int db_related_set(struct db *db, int64_t article_id, const int64_t *ids, size_t n)
{
	if (n > DB_RELATED_MAX)
		return DB_ERROR;
	if (dbs_run(db, sql_related_clear, DBS_ARGS(DBS_INT(article_id))) != DB_OK)
		return DB_ERROR;
	for (size_t i = 0; i < n; i++)
		if (dbs_run(db, sql_related_add, DBS_ARGS(DBS_INT(article_id), DBS_INT((int64_t)i + 1), DBS_INT(ids[i]))) !=
		    DB_OK)
			return DB_ERROR;
	return DB_OK;
}

static const char sql_related_ids[] = "SELECT related_id FROM article_related WHERE article_id = ?1 ORDER BY position";

int db_related_ids(struct db *db, struct arena *a, int64_t article_id, int64_t **out, size_t *n)
{
	return id_list(db, a, sql_related_ids, article_id, out, n);
}

static const char sql_related_published[] =
	"SELECT " ART_COLS ART_FROM "JOIN article_related r ON r.related_id = a.id "
	"WHERE r.article_id = ?1 AND a.edition = ?2 AND a.status = 'published' ORDER BY r.position";

int db_related_published(struct db *db, struct arena *a, const struct db_article *art, struct db_article **out,
			 size_t *n)
{
	return dbs_list(db, a, sql_related_published, DBS_ARGS(DBS_INT(art->id), DBS_TEXT(art->edition)), &dbs_article_map,
			out, n);
}

static const char sql_related_citing[] =
	"SELECT article_id FROM article_related WHERE related_id = ?1 ORDER BY article_id";

int db_related_citing(struct db *db, struct arena *a, int64_t article_id, int64_t **out, size_t *n)
{
	return id_list(db, a, sql_related_citing, article_id, out, n);
}
