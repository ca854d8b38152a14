/* db_stmt.c - the engine-neutral helpers of the statement interface (see db_stmt.h): reading text
 * into an arena, running a statement without rows, INSERT ... RETURNING id; and what db.h does the same
 * way on every engine over it: transactions, db_stats, the search parameters both engines share. */
#include "db_stmt.h"

#include "log.h"

const char *dbs_text(struct db *db, struct arena *a, struct db_stmt *st, int col)
{
	size_t len = 0;
	const char *s = db->drv->col_text(st, col, &len);
	return s ? arena_strndup(a, s, len) : NULL;
}

const char *dbs_text_nn(struct db *db, struct arena *a, struct db_stmt *st, int col)
{
	const char *s = dbs_text(db, a, st, col);
	return s ? s : "";
}

int dbs_fail(struct db *db, struct db_stmt *st)
{
	db->drv->log(db, st);
	db->drv->done(st);
	return DB_ERROR;
}

/* run_plain: prepares and runs a parameterless statement without rows: DB_OK, DB_CONFLICT or DB_ERROR
 * (logged). */
static int run_plain(struct db *db, const char *sql)
{
	struct db_stmt *st = dbs_prepare(db, sql);
	return st ? dbs_exec(db, st) : DB_ERROR;
}

static const char sql_begin_sqlite[] = "BEGIN IMMEDIATE", sql_begin_pg[] = "BEGIN", sql_commit[] = "COMMIT",
		  sql_rollback[] = "ROLLBACK";

int db_begin(struct db *db)
{
	return run_plain(db, DBS_SQL(db, sql_begin_sqlite, sql_begin_pg));
}

int db_commit(struct db *db)
{
	int aborted = db->drv->txn(db) == DBS_TXN_FAILED;
	int rc = run_plain(db, sql_commit);
	if (rc == DB_OK && aborted) {
		log_error("%s: COMMIT of a transaction in which a statement had failed: rolled back, nothing saved",
			  db->ops->name);
		return DB_ERROR;
	}
	return rc;
}

int db_rollback(struct db *db)
{
	if (db->drv->txn(db) == DBS_TXN_NONE)
		return DB_OK; /* nothing open: an error (or the server) already ended the transaction */
	return run_plain(db, sql_rollback);
}

static const char sql_webhook_pending[] = "SELECT count(*) FROM webhook_queue WHERE state = 'pending'";

int db_stats(struct db *db, struct db_stats *out)
{
	*out = (struct db_stats){-1, -1, -1, -1};
	int rc = db->ops->stats(db, out);
	struct db_stmt *st = dbs_prepare(db, sql_webhook_pending);
	if (!st)
		return DB_ERROR;
	int step = dbs_step(db, st);
	if (step != DBS_ROW)
		return dbs_fail(db, st);
	out->webhook_pending = dbs_int64(db, st, 0);
	dbs_done(db, st);
	return rc;
}

void dbs_bind_search(struct db *db, struct db_stmt *st, const struct db_search_query *q)
{
	dbs_bind_text(db, st, 2, q->edition);
	dbs_bind_int64(db, st, 3, q->limit);
	dbs_bind_int64(db, st, 4, q->offset);
	dbs_bind_int64(db, st, 5, q->half_life > 0 ? q->half_life : 1);
	dbs_bind_int64(db, st, 6, q->now);
	dbs_bind_int64(db, st, 7, q->all_statuses != 0);
	dbs_bind_text(db, st, 8, q->section);
	dbs_bind_int64(db, st, 11, q->owner_id);
}

const char *dbs_trouble_sentence(enum dbs_trouble why)
{
	switch (why) {
	case DBS_TROUBLE_FULL:
		return "The site cannot save anything right now: its storage is full. Nothing was half-saved; "
		       "please try again later.";
	case DBS_TROUBLE_READONLY:
		return "The site cannot save anything right now: its database is read-only. Nothing was saved; "
		       "please try again later.";
	case DBS_TROUBLE_IO:
		return "The site cannot save anything right now: its storage reported an error. Nothing was "
		       "half-saved; please try again later.";
	default:
		return NULL;
	}
}

void dbs_add_problem(struct arena *a, const char ***list, size_t *n, size_t *cap, const char *text)
{
	if (*n == *cap) {
		size_t bigger = *cap ? 2 * *cap : 8;
		const char **l = arena_alloc(a, bigger * sizeof *l);
		if (*n)
			memcpy(l, *list, *n * sizeof *l);
		*list = l;
		*cap = bigger;
	}
	(*list)[(*n)++] = arena_strdup(a, text);
}

int dbs_exec(struct db *db, struct db_stmt *st)
{
	int rc = dbs_step(db, st);
	if (rc == DBS_CONFLICT) {
		dbs_done(db, st);
		return DB_CONFLICT;
	}
	if (rc != DBS_DONE && rc != DBS_ROW)
		return dbs_fail(db, st);
	dbs_done(db, st);
	return DB_OK;
}

int dbs_insert_id(struct db *db, struct db_stmt *st, int64_t *id)
{
	int rc = dbs_step(db, st);
	if (rc == DBS_CONFLICT) {
		dbs_done(db, st);
		return DB_CONFLICT;
	}
	if (rc != DBS_ROW)
		return dbs_fail(db, st);
	if (id)
		*id = dbs_int64(db, st, 0);
	/* the statement's end can still fail (a full store at commit of the implicit transaction) */
	while ((rc = dbs_step(db, st)) == DBS_ROW)
		;
	if (rc != DBS_DONE)
		return dbs_fail(db, st);
	dbs_done(db, st);
	return DB_OK;
}

void dbs_read_article(struct db *db, struct arena *a, struct db_stmt *st, struct db_article *r, int with_body)
{
	memset(r, 0, sizeof *r);
	r->id = dbs_int64(db, st, 0);
	r->edition = dbs_text_nn(db, a, st, 1);
	r->slug = dbs_text_nn(db, a, st, 2);
	r->headline = dbs_text_nn(db, a, st, 3);
	r->standfirst = dbs_text_nn(db, a, st, 4);
	r->dateline = dbs_text_nn(db, a, st, 5);
	r->status = dbs_text_nn(db, a, st, 6);
	r->section_id = dbs_int64(db, st, 7);
	r->section_slug = dbs_text_nn(db, a, st, 8);
	r->section_name = dbs_text_nn(db, a, st, 9);
	r->lead_media_id = dbs_int64(db, st, 10);
	r->image_path = dbs_text(db, a, st, 11);
	r->image_alt = dbs_text(db, a, st, 12);
	r->image_width = (int)dbs_int64(db, st, 13);
	r->image_height = (int)dbs_int64(db, st, 14);
	r->lead_caption = dbs_text_nn(db, a, st, 15);
	r->lead_credit = dbs_text_nn(db, a, st, 16);
	r->translation_group = dbs_text(db, a, st, 17);
	r->top_rank = (int)dbs_int64(db, st, 18);
	r->created_at = dbs_int64(db, st, 19);
	r->published_at = dbs_int64(db, st, 20);
	r->updated_at = dbs_int64(db, st, 21);
	r->comments_mode = dbs_text(db, a, st, 22);
	r->comments_closed = (int)dbs_int64(db, st, 23);
	r->comment_count = dbs_int64(db, st, 24);
	if (with_body) {
		r->body_md = dbs_text_nn(db, a, st, ART_NCOLS);
		r->body_html = dbs_text_nn(db, a, st, ART_NCOLS + 1);
	}
}
