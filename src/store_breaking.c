/* store_breaking.c - the breaking-news banner's rows (issue 21), written once for both engines (db_stmt.h;
 * see db.h). At most one banner of an edition is up (ended_at NULL): the partial UNIQUE index breaking_up
 * holds it, and raising a banner ends the one up in the same transaction. */
#include "db_stmt.h"

#define B struct db_breaking
static const struct dbs_col breaking_cols[] = {
	DBS_C_I64(B, id),	  DBS_C_TEXT_NN(B, edition), DBS_C_TEXT_NN(B, text),  DBS_C_I64(B, link_article_id),
	DBS_C_TEXT(B, link_url), DBS_C_I64(B, created_by),  DBS_C_I64(B, created_at), DBS_C_I64(B, expires_at),
	DBS_C_I64(B, ended_at)};
static const struct dbs_map breaking_map = DBS_MAP(B, breaking_cols, NULL);
#undef B

#define BREAKING_COLS                                                                                         \
	"SELECT id, edition, text, link_article_id, link_url, created_by, created_at, expires_at, "          \
	"coalesce(ended_at, 0) FROM breaking "

static const char sql_end_up[] = "UPDATE breaking SET ended_at = ?2 WHERE edition = ?1 AND ended_at IS NULL RETURNING id";
static const char sql_insert[] = "INSERT INTO breaking(edition, text, link_article_id, link_url, created_by, created_at, "
				 "expires_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id";

/* db_breaking_raise: ends the edition's banner up and inserts b, in one transaction (see db.h). */
int db_breaking_raise(struct db *db, const struct db_breaking *b, int64_t *id, int64_t *replaced)
{
	*replaced = 0;
	if (db_begin(db) != DB_OK)
		return DB_ERROR;
	int rc = dbs_one_int(db, sql_end_up, DBS_ARGS(DBS_TEXT(b->edition), DBS_INT(b->created_at)), replaced);
	if (rc == DB_NOTFOUND)
		rc = DB_OK;
	if (rc == DB_OK)
		rc = dbs_insert(db, sql_insert,
				DBS_ARGS(DBS_TEXT(b->edition), DBS_TEXT(b->text), DBS_ID(b->link_article_id),
					 DBS_TEXT(b->link_url), DBS_ID(b->created_by), DBS_INT(b->created_at),
					 DBS_INT(b->expires_at)),
				id);
	if (rc != DB_OK) {
		db_rollback(db);
		*replaced = 0;
		return DB_ERROR;
	}
	return db_commit(db) == DB_OK ? DB_OK : DB_ERROR;
}

static const char sql_current[] = BREAKING_COLS "WHERE edition = ?1 AND ended_at IS NULL AND expires_at > ?2";

/* db_breaking_current: the edition's banner up and not past its expiry (see db.h). */
int db_breaking_current(struct db *db, struct arena *a, const char *edition, int64_t now, struct db_breaking *out)
{
	return dbs_one(db, a, sql_current, DBS_ARGS(DBS_TEXT(edition), DBS_INT(now)), &breaking_map, out);
}

static const char sql_get[] = BREAKING_COLS "WHERE id = ?1";

/* db_breaking_get: one banner by id (see db.h). */
int db_breaking_get(struct db *db, struct arena *a, int64_t id, struct db_breaking *out)
{
	return dbs_one(db, a, sql_get, DBS_ARGS(DBS_INT(id)), &breaking_map, out);
}

/* db_breaking_end: takes down the edition's banner up (see db.h). */
int db_breaking_end(struct db *db, const char *edition, int64_t now, int64_t *id)
{
	return dbs_one_int(db, sql_end_up, DBS_ARGS(DBS_TEXT(edition), DBS_INT(now)), id);
}

static const char sql_expire[] = "UPDATE breaking SET ended_at = expires_at WHERE ended_at IS NULL AND expires_at <= ?1 "
				 "RETURNING id";

/* expired_row: dbs_each callback: appends the row's id to the collector (struct expired). */
struct expired {
	int64_t *ids;
	size_t cap, n;
};
static int expired_row(struct db *db, struct db_stmt *st, void *ctx)
{
	struct expired *x = ctx;
	if (x->n < x->cap)
		x->ids[x->n] = dbs_int64(db, st, 0);
	x->n++;
	return 0;
}

/* db_breaking_expire_due: ends the banners past their expiry, collecting their ids (see db.h). */
int db_breaking_expire_due(struct db *db, int64_t now, int64_t *ids, size_t cap, size_t *n)
{
	struct expired x = {ids, cap, 0};
	int rc = dbs_each(db, sql_expire, DBS_ARGS(DBS_INT(now)), expired_row, &x);
	*n = rc == DB_OK ? x.n : 0;
	return rc;
}

static const char sql_next[] = "SELECT min(expires_at) FROM breaking WHERE ended_at IS NULL";

/* db_breaking_next_expiry: the earliest expiry of the banners up, 0 for none (see db.h). */
int db_breaking_next_expiry(struct db *db, int64_t *at)
{
	*at = 0;
	int rc = dbs_one_int(db, sql_next, DBS_NO_ARGS, at);
	return rc == DB_NOTFOUND ? DB_OK : rc;
}
