/* db_stmt.c - the engine-neutral helpers of the statement interface (see db_stmt.h): reading text
 * into an arena, running a statement without rows, INSERT ... RETURNING id; and what db.h does the same
 * way on every engine over it: transactions, db_stats, the search parameters both engines share. */
#include "db_stmt.h"

#include <stdlib.h>
#include <string.h>

#include "blocks.h"
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
	if (rc == DBS_CONFLICT || rc == DBS_DONE) { /* DONE: an INSERT ... SELECT that matched no row */
		dbs_done(db, st);
		return rc == DBS_CONFLICT ? DB_CONFLICT : DB_NOTFOUND;
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
	r->guid = dbs_text(db, a, st, 27);
	if (with_body) {
		r->body_md = dbs_text_nn(db, a, st, ART_NCOLS);
		r->body_html = dbs_text_nn(db, a, st, ART_NCOLS + 1);
	}
}

/* ==== One-call helpers (see db_stmt.h) ============================================================= */

struct db_stmt *dbs_query(struct db *db, const char *sql, struct dbs_args args)
{
	struct db_stmt *st = dbs_prepare(db, sql);
	if (!st)
		return NULL;
	for (size_t k = 0; k < args.n; k++) {
		const struct dbs_arg *v = &args.v[k];
		int i = (int)k + 1;
		switch (v->type) {
		case DBS_ARG_INT:
			dbs_bind_int64(db, st, i, v->i);
			break;
		case DBS_ARG_ID:
			dbs_bind_id(db, st, i, v->i);
			break;
		case DBS_ARG_TEXT:
			dbs_bind_text(db, st, i, v->s);
			break;
		case DBS_ARG_NULL:
			dbs_bind_null(db, st, i);
			break;
		case DBS_ARG_UNSET:
			break;
		}
	}
	return st;
}

int dbs_run(struct db *db, const char *sql, struct dbs_args args)
{
	struct db_stmt *st = dbs_query(db, sql, args);
	return st ? dbs_exec(db, st) : DB_ERROR;
}

int dbs_run_changes(struct db *db, const char *sql, struct dbs_args args, long *changes)
{
	int rc = dbs_run(db, sql, args);
	if (rc == DB_OK)
		*changes = dbs_changes(db);
	return rc;
}

int dbs_run_one(struct db *db, const char *sql, struct dbs_args args)
{
	long changes = 0;
	int rc = dbs_run_changes(db, sql, args, &changes);
	return rc == DB_OK && changes == 0 ? DB_NOTFOUND : rc;
}

int dbs_insert(struct db *db, const char *sql, struct dbs_args args, int64_t *id)
{
	struct db_stmt *st = dbs_query(db, sql, args);
	return st ? dbs_insert_id(db, st, id) : DB_ERROR;
}

/* one_int, one_text: a row that is one int64_t, one text ("" for SQL NULL) */
static const struct dbs_col one_int_col[] = {{DBS_COL_I64, 0}};
static const struct dbs_map one_int = {sizeof(int64_t), one_int_col, 1, NULL};
static const struct dbs_col one_text_col[] = {{DBS_COL_TEXT_NN, 0}};
static const struct dbs_map one_text = {sizeof(const char *), one_text_col, 1, NULL};

int dbs_one_int(struct db *db, const char *sql, struct dbs_args args, int64_t *v)
{
	return dbs_one(db, NULL, sql, args, &one_int, v);
}

int dbs_one_bool(struct db *db, const char *sql, struct dbs_args args, int *found)
{
	int64_t v = 0;
	int rc = dbs_one_int(db, sql, args, &v);
	if (rc == DB_OK)
		*found = v > 0;
	return rc;
}

int dbs_one_text(struct db *db, struct arena *a, const char *sql, struct dbs_args args, const char **v)
{
	return dbs_one(db, a, sql, args, &one_text, v);
}

/* read_row: the current row into row through map (zeroed first). */
static void read_row(struct db *db, struct arena *a, struct db_stmt *st, const struct dbs_map *map, void *row)
{
	memset(row, 0, map->size);
	for (size_t i = 0; i < map->ncols; i++) {
		char *field = (char *)row + map->cols[i].off;
		int col = (int)i;
		switch (map->cols[i].type) {
		case DBS_COL_I64: {
			int64_t v = dbs_int64(db, st, col);
			memcpy(field, &v, sizeof v);
			break;
		}
		case DBS_COL_INT: {
			int v = (int)dbs_int64(db, st, col);
			memcpy(field, &v, sizeof v);
			break;
		}
		case DBS_COL_TEXT:
		case DBS_COL_TEXT_NN: {
			const char *v = map->cols[i].type == DBS_COL_TEXT ? dbs_text(db, a, st, col) : dbs_text_nn(db, a, st, col);
			memcpy(field, &v, sizeof v);
			break;
		}
		}
	}
	if (map->read)
		map->read(db, a, st, row);
}

int dbs_one(struct db *db, struct arena *a, const char *sql, struct dbs_args args, const struct dbs_map *map,
	    void *row)
{
	struct db_stmt *st = dbs_query(db, sql, args);
	if (!st)
		return DB_ERROR;
	int rc = dbs_step(db, st);
	if (rc == DBS_ROW) {
		read_row(db, a, st, map, row);
		dbs_done(db, st);
		return DB_OK;
	}
	if (rc == DBS_DONE) {
		dbs_done(db, st);
		return DB_NOTFOUND;
	}
	return dbs_fail(db, st);
}

int dbs_each(struct db *db, const char *sql, struct dbs_args args,
	     int (*fn)(struct db *db, struct db_stmt *st, void *ctx), void *ctx)
{
	struct db_stmt *st = dbs_query(db, sql, args);
	if (!st)
		return DB_ERROR;
	int rc;
	while ((rc = dbs_step(db, st)) == DBS_ROW)
		if (fn(db, st, ctx))
			break;
	if (rc != DBS_ROW && rc != DBS_DONE)
		return dbs_fail(db, st);
	dbs_done(db, st);
	return DB_OK;
}

/* A growing arena array of map's rows, for dbs_list. */
struct list_ctx {
	struct arena *a;
	const struct dbs_map *map;
	char *rows;
	size_t n, cap;
};

/* list_row: appends the current row to the list_ctx ctx (doubling it in the arena when full); 0. */
static int list_row(struct db *db, struct db_stmt *st, void *ctx)
{
	struct list_ctx *l = ctx;
	if (l->n == l->cap) {
		char *bigger = arena_alloc(l->a, 2 * l->cap * l->map->size);
		memcpy(bigger, l->rows, l->cap * l->map->size);
		l->rows = bigger;
		l->cap *= 2;
	}
	read_row(db, l->a, st, l->map, l->rows + l->n++ * l->map->size);
	return 0;
}

int dbs_list(struct db *db, struct arena *a, const char *sql, struct dbs_args args, const struct dbs_map *map,
	     void *out, size_t *n)
{
	struct list_ctx l = {a, map, arena_alloc(a, 16 * map->size), 0, 16};
	int rc = dbs_each(db, sql, args, list_row, &l);
	if (rc != DB_OK)
		return rc;
	void *rows = l.rows;
	memcpy(out, &rows, sizeof rows); /* the caller's struct T * */
	*n = l.n;
	return DB_OK;
}

/* read_article, read_article_body: the article columns (dbs_read_article) without and with the body. */
static void read_article(struct db *db, struct arena *a, struct db_stmt *st, void *row)
{
	dbs_read_article(db, a, st, row, 0);
}

static void read_article_body(struct db *db, struct arena *a, struct db_stmt *st, void *row)
{
	dbs_read_article(db, a, st, row, 1);
}

const struct dbs_map dbs_article_map = DBS_MAP_READ(struct db_article, read_article);
const struct dbs_map dbs_article_body_map = DBS_MAP_READ(struct db_article, read_article_body);

static const struct dbs_col tag_cols[] = {DBS_C_I64(struct db_tag, id), DBS_C_TEXT_NN(struct db_tag, edition),
					  DBS_C_TEXT_NN(struct db_tag, slug), DBS_C_TEXT_NN(struct db_tag, name)};
const struct dbs_map dbs_tag_map = DBS_MAP(struct db_tag, tag_cols, NULL);

static const struct dbs_col author_cols[] = {
	DBS_C_I64(struct db_author, id), DBS_C_TEXT_NN(struct db_author, edition), DBS_C_TEXT_NN(struct db_author, slug),
	DBS_C_TEXT_NN(struct db_author, name), DBS_C_TEXT_NN(struct db_author, bio)};
const struct dbs_map dbs_author_map = DBS_MAP(struct db_author, author_cols, NULL);

static const struct dbs_col section_cols[] = {
	DBS_C_I64(struct db_section, id), DBS_C_TEXT_NN(struct db_section, edition), DBS_C_TEXT_NN(struct db_section, slug),
	DBS_C_TEXT_NN(struct db_section, name), DBS_C_INT(struct db_section, position)};
const struct dbs_map dbs_section_map = DBS_MAP(struct db_section, section_cols, NULL);

int dbs_article_text(struct db *db, const char *headline, const char *standfirst, const char *body_md,
		     char **text, char **terms)
{
	const char *md = body_md ? body_md : "";
	*terms = NULL;
	*text = blocks_text(md, strlen(md));
	if (!*text) {
		log_error("store: the article body's plain text could not be made (out of memory)");
		return DB_ERROR;
	}
	if (db->drv->article_terms)
		*terms = db->drv->article_terms(headline, standfirst, *text);
	return DB_OK;
}

int dbs_claim(struct db *db, struct arena *a, const char *claim_sql, const char *claimed_sql, int64_t now, int64_t limit,
	      int64_t lease_until, int64_t claim, const struct dbs_map *map, void *out, size_t *n)
{
	*n = 0;
	long changes = 0;
	if (dbs_run_changes(db, claim_sql, DBS_ARGS(DBS_INT(now), DBS_INT(limit), DBS_INT(lease_until), DBS_INT(claim)),
			    &changes) != DB_OK)
		return DB_ERROR;
	if (changes == 0)
		return DB_OK;
	return dbs_list(db, a, claimed_sql, DBS_ARGS(DBS_INT(claim)), map, out, n);
}
