/* store_live.c - live coverage's rows (issue 21), written once for both engines (db_stmt.h; see db.h and
 * the live-coverage contract). Entries are append-only: posting is one INSERT ... SELECT that finds the
 * blog still ongoing in the same statement, so an entry can never land in an ended blog and two editors
 * posting at once make two rows. Edits are a compare-and-set on version. Every write also moves
 * live_blogs.updated_at (never backwards), in the same transaction. */
#include <string.h>

#include "db_stmt.h"

#define B struct db_live_blog
static const struct dbs_col blog_cols[] = {DBS_C_I64(B, article_id), DBS_C_I64(B, started_at), DBS_C_I64(B, ended_at),
					   DBS_C_I64(B, pinned_entry_id), DBS_C_I64(B, updated_at)};
static const struct dbs_map blog_map = DBS_MAP(B, blog_cols, NULL);
#undef B

#define E struct db_live_entry
static const struct dbs_col entry_cols[] = {
	DBS_C_I64(E, id),	  DBS_C_I64(E, article_id),	  DBS_C_I64(E, author_id),   DBS_C_I64(E, created_at),
	DBS_C_I64(E, updated_at), DBS_C_I64(E, version),	  DBS_C_I64(E, corrected_at), DBS_C_I64(E, source_entry_id),
	DBS_C_TEXT_NN(E, byline), DBS_C_TEXT_NN(E, body_md),	  DBS_C_TEXT_NN(E, body_html), DBS_C_TEXT_NN(E, key_event),
	DBS_C_TEXT_NN(E, state),  DBS_C_TEXT_NN(E, note)};
static const struct dbs_map entry_map = DBS_MAP(E, entry_cols, NULL);
#undef E
#define ENTRY_COLS                                                                                            \
	"SELECT id, article_id, author_id, created_at, updated_at, version, corrected_at, source_entry_id, "    \
	"byline, body_md, body_html, key_event, state, note FROM live_entries "

#define LIVE_LIST_MAX 100

/* bound_limit: limit held to 1..LIVE_LIST_MAX. */
static int64_t bound_limit(int64_t limit)
{
	return limit < 1 ? 1 : limit > LIVE_LIST_MAX ? LIVE_LIST_MAX : limit;
}

/* txn_open: begins a transaction unless the caller holds one; *own says whether this one is ours to end.
 * DB_OK or DB_ERROR. */
static int txn_open(struct db *db, int *own)
{
	*own = db->drv->txn(db) == DBS_TXN_NONE;
	return *own ? db_begin(db) : DB_OK;
}

/* txn_close: ends a transaction txn_open began: commits when rc is DB_OK, else rolls back; a caller's
 * transaction is left to the caller. Returns rc, or DB_ERROR when the commit fails. */
static int txn_close(struct db *db, int own, int rc)
{
	if (!own)
		return rc;
	if (rc != DB_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) == DB_OK ? DB_OK : DB_ERROR;
}

static const char sql_touch[] = "UPDATE live_blogs SET updated_at = CASE WHEN updated_at > ?2 THEN updated_at ELSE ?2 END "
				"WHERE article_id = ?1";
static const char sql_touch_of_entry[] =
	"UPDATE live_blogs SET updated_at = CASE WHEN updated_at > ?2 THEN updated_at ELSE ?2 END, "
	"pinned_entry_id = CASE WHEN pinned_entry_id = ?1 AND ?3 = 1 THEN NULL ELSE pinned_entry_id END "
	"WHERE article_id = (SELECT article_id FROM live_entries WHERE id = ?1)";

/* touch_of_entry: moves the updated_at of entry id's blog to now, unpinning the entry when unpin. */
static int touch_of_entry(struct db *db, int64_t id, int64_t now, int unpin)
{
	return dbs_run(db, sql_touch_of_entry, DBS_ARGS(DBS_INT(id), DBS_INT(now), DBS_INT(unpin ? 1 : 0)));
}

static const char sql_get[] = "SELECT article_id, started_at, coalesce(ended_at, 0), coalesce(pinned_entry_id, 0), "
			      "updated_at FROM live_blogs WHERE article_id = ?1";

int db_live_get(struct db *db, int64_t article_id, struct db_live_blog *out)
{
	return dbs_one(db, NULL, sql_get, DBS_ARGS(DBS_INT(article_id)), &blog_map, out);
}

static const char sql_start[] = "INSERT INTO live_blogs(article_id, started_at, updated_at) "
				"SELECT id, CAST(?2 AS BIGINT), CAST(?2 AS BIGINT) FROM articles WHERE id = ?1 RETURNING article_id";

/* db_live_start: a new live_blogs row for an existing article (see db.h). */
int db_live_start(struct db *db, int64_t article_id, int64_t now)
{
	return dbs_insert(db, sql_start, DBS_ARGS(DBS_INT(article_id), DBS_INT(now)), NULL);
}

static const char sql_ended[] = "SELECT CASE WHEN ended_at IS NULL THEN 0 ELSE 1 END FROM live_blogs WHERE article_id = ?1";

/* why_not: after a write that touched no row because of the blog: DB_NOTFOUND when there is no blog,
 * DB_CONFLICT when it has ended, DB_NOTFOUND otherwise (the row the write wanted is missing). */
static int why_not(struct db *db, int64_t article_id)
{
	int64_t ended = 0;
	int rc = dbs_one_int(db, sql_ended, DBS_ARGS(DBS_INT(article_id)), &ended);
	if (rc == DB_ERROR)
		return DB_ERROR;
	return rc == DB_OK && ended ? DB_CONFLICT : DB_NOTFOUND;
}

static const char sql_end[] = "UPDATE live_blogs SET ended_at = ?2, updated_at = CASE WHEN updated_at > ?2 THEN "
			      "updated_at ELSE ?2 END WHERE article_id = ?1 AND ended_at IS NULL";

/* db_live_end: sets ended_at once (see db.h). */
int db_live_end(struct db *db, int64_t article_id, int64_t now)
{
	int rc = dbs_run_one(db, sql_end, DBS_ARGS(DBS_INT(article_id), DBS_INT(now)));
	return rc == DB_NOTFOUND ? why_not(db, article_id) : rc;
}

static const char sql_unpin[] = "UPDATE live_blogs SET pinned_entry_id = NULL, updated_at = CASE WHEN updated_at > ?2 "
				"THEN updated_at ELSE ?2 END WHERE article_id = ?1";
static const char sql_pin[] = "UPDATE live_blogs SET pinned_entry_id = ?3, updated_at = CASE WHEN updated_at > ?2 "
			      "THEN updated_at ELSE ?2 END WHERE article_id = ?1 AND EXISTS (SELECT 1 FROM live_entries e "
			      "WHERE e.id = ?3 AND e.article_id = ?1 AND e.state = 'published')";

/* db_live_pin: pins a published entry of the blog, or unpins (see db.h). */
int db_live_pin(struct db *db, int64_t article_id, int64_t entry_id, int64_t now)
{
	if (!entry_id)
		return dbs_run_one(db, sql_unpin, DBS_ARGS(DBS_INT(article_id), DBS_INT(now)));
	return dbs_run_one(db, sql_pin, DBS_ARGS(DBS_INT(article_id), DBS_INT(now), DBS_INT(entry_id)));
}

static const char sql_add[] =
	"INSERT INTO live_entries(article_id, author_id, byline, created_at, updated_at, version, body_md, body_html, "
	"key_event, state, note, source_entry_id) SELECT article_id, CAST(?2 AS BIGINT), CAST(?3 AS TEXT), CAST(?4 AS BIGINT), "
	"CAST(?4 AS BIGINT), 1, CAST(?5 AS TEXT), CAST(?6 AS TEXT), CAST(?7 AS TEXT), CAST(?8 AS TEXT), CAST(?9 AS TEXT), "
	"CAST(?10 AS BIGINT) "
	"FROM live_blogs WHERE article_id = ?1 AND ended_at IS NULL RETURNING id";

/* db_live_entry_add: appends an entry to an ongoing blog and moves the blog's updated_at (see db.h). */
int db_live_entry_add(struct db *db, const struct db_live_entry *e, int64_t *id)
{
	int own, rc = txn_open(db, &own);
	if (rc != DB_OK)
		return rc;
	rc = dbs_insert(db, sql_add,
			   DBS_ARGS(DBS_INT(e->article_id), DBS_ID(e->author_id), DBS_TEXT(dbs_or_empty(e->byline)),
				    DBS_INT(e->created_at), DBS_TEXT(dbs_or_empty(e->body_md)),
				    DBS_TEXT(dbs_or_empty(e->body_html)), DBS_TEXT(dbs_or_empty(e->key_event)),
				    DBS_TEXT(e->state ? e->state : "published"), DBS_TEXT(dbs_or_empty(e->note)),
				    DBS_ID(e->source_entry_id)),
			   id);
	if (rc == DB_NOTFOUND)
		rc = why_not(db, e->article_id);
	if (rc == DB_OK)
		rc = dbs_run(db, sql_touch, DBS_ARGS(DBS_INT(e->article_id), DBS_INT(e->created_at)));
	return txn_close(db, own, rc);
}

static const char sql_entry[] = ENTRY_COLS "WHERE id = ?1";

int db_live_entry_get(struct db *db, struct arena *a, int64_t id, struct db_live_entry *out)
{
	return dbs_one(db, a, sql_entry, DBS_ARGS(DBS_INT(id)), &entry_map, out);
}

static const char sql_exists[] = "SELECT count(*) FROM live_entries WHERE id = ?1";

/* entry_why_not: after an entry write that touched no row: DB_CONFLICT when the entry exists (its
 * version or state stood in the way), DB_NOTFOUND when it does not, DB_ERROR. */
static int entry_why_not(struct db *db, int64_t id)
{
	int found = 0;
	int rc = dbs_one_bool(db, sql_exists, DBS_ARGS(DBS_INT(id)), &found);
	if (rc != DB_OK)
		return DB_ERROR;
	return found ? DB_CONFLICT : DB_NOTFOUND;
}

static const char sql_update[] =
	"UPDATE live_entries SET body_md = ?3, body_html = ?4, key_event = ?5, note = ?6, updated_at = ?7, "
	"version = version + 1, corrected_at = CASE WHEN ?6 <> '' THEN ?7 ELSE corrected_at END "
	"WHERE id = ?1 AND version = ?2 AND state <> 'withdrawn'";

/* db_live_entry_update: the compare-and-set edit (see db.h). */
int db_live_entry_update(struct db *db, const struct db_live_entry *e, int64_t now)
{
	int own, rc = txn_open(db, &own);
	if (rc != DB_OK)
		return rc;
	rc = dbs_run_one(db, sql_update,
			 DBS_ARGS(DBS_INT(e->id), DBS_INT(e->version), DBS_TEXT(dbs_or_empty(e->body_md)),
				  DBS_TEXT(dbs_or_empty(e->body_html)), DBS_TEXT(dbs_or_empty(e->key_event)),
				  DBS_TEXT(dbs_or_empty(e->note)), DBS_INT(now)));
	if (rc == DB_NOTFOUND)
		rc = entry_why_not(db, e->id);
	if (rc == DB_OK)
		rc = touch_of_entry(db, e->id, now, 0);
	return txn_close(db, own, rc);
}

static const char sql_withdraw[] = "UPDATE live_entries SET state = 'withdrawn', note = ?2, updated_at = ?3, "
				   "version = version + 1 WHERE id = ?1 AND state <> 'withdrawn'";

/* db_live_entry_withdraw: withdraws with a note and unpins (see db.h). */
int db_live_entry_withdraw(struct db *db, int64_t id, const char *note, int64_t now)
{
	int own, rc = txn_open(db, &own);
	if (rc != DB_OK)
		return rc;
	rc = dbs_run_one(db, sql_withdraw, DBS_ARGS(DBS_INT(id), DBS_TEXT(dbs_or_empty(note)), DBS_INT(now)));
	if (rc == DB_NOTFOUND)
		rc = entry_why_not(db, id);
	if (rc == DB_OK)
		rc = touch_of_entry(db, id, now, 1);
	return txn_close(db, own, rc);
}

static const char sql_publish[] = "UPDATE live_entries SET state = 'published', updated_at = ?2, version = version + 1 "
				  "WHERE id = ?1 AND state = 'draft' AND EXISTS (SELECT 1 FROM live_blogs b WHERE "
				  "b.article_id = live_entries.article_id AND b.ended_at IS NULL)";

/* db_live_entry_publish: a draft goes out while its blog is ongoing (see db.h). */
int db_live_entry_publish(struct db *db, int64_t id, int64_t now)
{
	int own, rc = txn_open(db, &own);
	if (rc != DB_OK)
		return rc;
	rc = dbs_run_one(db, sql_publish, DBS_ARGS(DBS_INT(id), DBS_INT(now)));
	if (rc == DB_NOTFOUND)
		rc = entry_why_not(db, id);
	if (rc == DB_OK)
		rc = touch_of_entry(db, id, now, 0);
	return txn_close(db, own, rc);
}

static const char sql_entries[] = ENTRY_COLS "WHERE article_id = ?1 AND state IN ('published', 'withdrawn') "
					    "AND (CAST(?2 AS BIGINT) = 0 OR id < ?2) ORDER BY id DESC LIMIT ?3";

int db_live_entries(struct db *db, struct arena *a, int64_t article_id, int64_t before_id, int64_t limit,
		    struct db_live_entry **out, size_t *n)
{
	return dbs_list(db, a, sql_entries, DBS_ARGS(DBS_INT(article_id), DBS_INT(before_id), DBS_INT(bound_limit(limit))),
			&entry_map, out, n);
}

static const char sql_key_events[] = ENTRY_COLS "WHERE article_id = ?1 AND state = 'published' AND key_event <> '' "
					       "ORDER BY id DESC LIMIT ?2";

int db_live_key_events(struct db *db, struct arena *a, int64_t article_id, int64_t limit, struct db_live_entry **out,
		       size_t *n)
{
	return dbs_list(db, a, sql_key_events, DBS_ARGS(DBS_INT(article_id), DBS_INT(bound_limit(limit))), &entry_map,
			out, n);
}

static const char sql_count[] = "SELECT count(*) FROM live_entries WHERE article_id = ?1 AND state = 'published'";

int db_live_count(struct db *db, int64_t article_id, int64_t *n)
{
	*n = 0;
	return dbs_one_int(db, sql_count, DBS_ARGS(DBS_INT(article_id)), n);
}

static const char sql_desk[] = ENTRY_COLS "WHERE article_id = ?1 ORDER BY id DESC LIMIT ?2";

int db_live_desk_entries(struct db *db, struct arena *a, int64_t article_id, int64_t limit, struct db_live_entry **out,
			 size_t *n)
{
	return dbs_list(db, a, sql_desk, DBS_ARGS(DBS_INT(article_id), DBS_INT(bound_limit(limit))), &entry_map, out, n);
}

static const char sql_drafts[] = ENTRY_COLS "WHERE state = 'draft' AND source_entry_id IS NOT NULL ORDER BY id DESC LIMIT ?1";

int db_live_drafts(struct db *db, struct arena *a, int64_t limit, struct db_live_entry **out, size_t *n)
{
	return dbs_list(db, a, sql_drafts, DBS_ARGS(DBS_INT(bound_limit(limit))), &entry_map, out, n);
}
