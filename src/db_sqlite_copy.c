/* db_sqlite_copy.c - the SQLite side of the site copy (see db.h, db_copy_*): SQLite is a source. It counts
 * and streams a table's rows in batches (db_copy.c lists the tables and columns for both engines);
 * writing a copy into SQLite is refused (migrate moves sites to PostgreSQL; back up or restore a SQLite
 * file with `backup`). */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "db_sqlite_int.h"

/* sq_copy_refuse: the refusal of the write side: DB_ERROR with a sentence in err. */
static int sq_copy_refuse(char *err, size_t errlen)
{
	snprintf(err, errlen, "a SQLite database cannot be the target of a copy: migrate moves a site to PostgreSQL");
	return DB_ERROR;
}

/* sq_copy_count: SELECT count(*) of the table. DB_OK or DB_ERROR (logged). */
int sq_copy_count(struct db *db, const char *table, int64_t *count)
{
	struct sq_conn *c = sq_conn((struct sq_db *)db);
	if (!c)
		return DB_ERROR;
	struct buf sql = BUF_INIT;
	buf_lit(&sql, "SELECT count(*) FROM ");
	buf_sql_ident(&sql, table);
	sqlite3_stmt *st = NULL;
	int rc = DB_ERROR;
	if (sqlite3_prepare_v2(c->h, buf_cstr(&sql), -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		rc = DB_OK;
	} else {
		sq_log(c, buf_cstr(&sql));
	}
	sqlite3_finalize(st);
	buf_free(&sql);
	return rc;
}

/* read_value: column i of st's current row as a typed value, text and blobs copied into a. */
static void read_value(struct arena *a, sqlite3_stmt *st, int i, struct db_value *v)
{
	memset(v, 0, sizeof *v);
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		v->type = DB_VALUE_INT;
		v->i = sqlite3_column_int64(st, i);
		break;
	case SQLITE_FLOAT:
		v->type = DB_VALUE_REAL;
		v->r = sqlite3_column_double(st, i);
		break;
	case SQLITE_TEXT:
		v->type = DB_VALUE_TEXT;
		v->len = (size_t)sqlite3_column_bytes(st, i);
		v->p = arena_strndup(a, (const char *)sqlite3_column_text(st, i), v->len);
		break;
	case SQLITE_BLOB: {
		v->type = DB_VALUE_BLOB;
		v->len = (size_t)sqlite3_column_bytes(st, i);
		char *p = arena_alloc(a, v->len + 1);
		if (v->len)
			memcpy(p, sqlite3_column_blob(st, i), v->len);
		v->p = p;
		break;
	}
	default:
		v->type = DB_VALUE_NULL;
	}
}

/* sq_copy_export: SELECT cols FROM table ORDER BY rowid, handed to fn batch rows at a time (the batch's
 * memory is an arena freed after each call). The statement is prepared here, not cached: its text is
 * made from the names. DB_OK, or DB_ERROR with a sentence in err. */
int sq_copy_export(struct db *db, const char *table, const char *const *cols, size_t ncols, size_t batch,
		    db_rows_fn fn, void *ctx, char *err, size_t errlen)
{
	struct sq_conn *c = sq_conn((struct sq_db *)db);
	if (!c) {
		snprintf(err, errlen, "cannot read the SQLite database");
		return DB_ERROR;
	}
	if (!ncols || !batch) {
		snprintf(err, errlen, "nothing to read from %s", table);
		return DB_ERROR;
	}
	struct buf sql = BUF_INIT;
	buf_lit(&sql, "SELECT ");
	for (size_t i = 0; i < ncols; i++) {
		if (i)
			buf_lit(&sql, ", ");
		buf_sql_ident(&sql, cols[i]);
	}
	buf_lit(&sql, " FROM ");
	buf_sql_ident(&sql, table);
	buf_lit(&sql, " ORDER BY rowid");
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(c->h, buf_cstr(&sql), -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot read table %s: %s", table, sqlite3_errmsg(c->h));
		buf_free(&sql);
		return DB_ERROR;
	}
	buf_free(&sql);
	struct arena a = ARENA_INIT;
	struct db_value *vals = arena_alloc(&a, batch * ncols * sizeof *vals);
	struct db_rows rows = {.cols = cols, .ncols = ncols, .vals = vals};
	int rc = DB_OK, step;
	while (rc == DB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		for (size_t i = 0; i < ncols; i++)
			read_value(&a, st, (int)i, &vals[rows.nrows * ncols + i]);
		if (++rows.nrows == batch) {
			rc = fn(ctx, &rows) == 0 ? DB_OK : DB_ERROR;
			arena_free(&a);
			vals = arena_alloc(&a, batch * ncols * sizeof *vals);
			rows.vals = vals;
			rows.nrows = 0;
		}
	}
	if (rc == DB_OK && step != SQLITE_DONE) {
		snprintf(err, errlen, "cannot read table %s: %s", table, sqlite3_errmsg(c->h));
		rc = DB_ERROR;
	}
	if (rc == DB_OK && rows.nrows)
		rc = fn(ctx, &rows) == 0 ? DB_OK : DB_ERROR;
	arena_free(&a);
	sqlite3_finalize(st);
	return rc;
}

/* sq_copy_clear, sq_copy_import, sq_copy_sequences: refused, DB_ERROR with sq_copy_refuse's sentence. */
int sq_copy_clear(struct db *db, const char *const *tables, size_t n, char *err, size_t errlen)
{
	(void)db, (void)tables, (void)n;
	return sq_copy_refuse(err, errlen);
}

int sq_copy_import(struct db *db, const char *table, const struct db_rows *rows, char *err, size_t errlen)
{
	(void)db, (void)table, (void)rows;
	return sq_copy_refuse(err, errlen);
}

int sq_copy_sequences(struct db *db, const char *table, char *err, size_t errlen)
{
	(void)db, (void)table;
	return sq_copy_refuse(err, errlen);
}
