/* db_stmt.c - the engine-neutral helpers of the statement interface (see db_stmt.h): reading text
 * into an arena, running a statement without rows, INSERT ... RETURNING id. */
#include "db_stmt.h"

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
	r->image_focal_x = (int)dbs_int64(db, st, 25);
	r->image_focal_y = (int)dbs_int64(db, st, 26);
	if (with_body) {
		r->body_md = dbs_text_nn(db, a, st, ART_NCOLS);
		r->body_html = dbs_text_nn(db, a, st, ART_NCOLS + 1);
	}
}
