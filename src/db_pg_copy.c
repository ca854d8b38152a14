/* db_pg_copy.c - the PostgreSQL side of the site copy (see db.h, db_copy_*): PostgreSQL is a target. Rows
 * go in as multi-row INSERTs with every value a bound parameter (the statement text holds only quoted
 * identifiers the catalogue listed and $N placeholders), so a batch is one round trip; the caller's
 * transaction (db_begin on this thread's connection) makes the whole copy one unit. articles.terms is
 * computed here from each row's headline, standfirst and body_text, as the store's article writes do (pg_article_terms), and articles.tsv is generated from it.
 * Reading a site out of PostgreSQL is refused (pg_dump is the tool for that). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "db_pg_int.h"
#include "db_stmt.h"

/* failed: puts into err what went wrong (printf's fmt and arguments) and the server's message for a
 * failed result r (or the connection's, r NULL) as one line; frees r and returns DB_ERROR. */
static int failed(PGconn *h, PGresult *r, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int failed(PGconn *h, PGresult *r, char *err, size_t errlen, const char *fmt, ...)
{
	char what[256], msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	const char *m = r ? PQresultErrorMessage(r) : NULL;
	pg_one_line(msg, sizeof msg, m && *m ? m : PQerrorMessage(h));
	snprintf(err, errlen, "%s: %s", what, msg);
	PQclear(r);
	return DB_ERROR;
}

/* conn: this thread's connection, or NULL with the sentence in err. */
static struct pg_conn *conn(struct db *db, char *err, size_t errlen)
{
	struct pg_conn *c = pg_conn_get(db);
	if (!c)
		snprintf(err, errlen, "PostgreSQL cannot be reached");
	return c;
}

/* pg_copy_count: SELECT count(*) of the table on this thread's connection (inside its transaction, if
 * one is open). DB_OK or DB_ERROR (logged). */
int pg_copy_count(struct db *db, const char *table, int64_t *count)
{
	struct pg_conn *c = pg_conn_get(db);
	if (!c)
		return DB_ERROR;
	struct buf sql = BUF_INIT;
	buf_lit(&sql, "SELECT count(*) FROM ");
	buf_sql_ident(&sql, table);
	PGresult *r = PQexec(c->h, buf_cstr(&sql));
	int rc = DB_ERROR;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		*count = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		rc = DB_OK;
	} else {
		pg_log(db, buf_cstr(&sql));
	}
	PQclear(r);
	buf_free(&sql);
	return rc;
}

/* pg_copy_export: refused (DB_ERROR with a sentence): migrate reads SQLite sites only. */
int pg_copy_export(struct db *db, const char *table, const char *const *cols, size_t ncols, size_t batch,
		    db_rows_fn fn, void *ctx, char *err, size_t errlen)
{
	(void)db, (void)table, (void)cols, (void)ncols, (void)batch, (void)fn, (void)ctx;
	snprintf(err, errlen, "a PostgreSQL database cannot be the source of a copy: migrate reads SQLite sites "
			      "(copy a PostgreSQL site with pg_dump, see docs/operations.md)");
	return DB_ERROR;
}

/* pg_copy_clear: TRUNCATE of every named table in one statement (so their references to each other do
 * not get in the way), inside the caller's transaction. */
int pg_copy_clear(struct db *db, const char *const *tables, size_t n, char *err, size_t errlen)
{
	struct pg_conn *c = conn(db, err, errlen);
	if (!c)
		return DB_ERROR;
	if (!n)
		return DB_OK;
	struct buf sql = BUF_INIT;
	buf_lit(&sql, "TRUNCATE ");
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_lit(&sql, ", ");
		buf_sql_ident(&sql, tables[i]);
	}
	PGresult *r = PQexec(c->h, buf_cstr(&sql));
	buf_free(&sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		return failed(c->h, r, err, errlen, "cannot empty the target's tables");
	PQclear(r);
	return DB_OK;
}

/* col_index: the position of name in rows->cols, or -1. */
static int col_index(const struct db_rows *rows, const char *name)
{
	for (size_t i = 0; i < rows->ncols; i++)
		if (strcmp(rows->cols[i], name) == 0)
			return (int)i;
	return -1;
}

/* text_of: the text of value v (NULL for SQL NULL): numbers are formatted into the arena. *binary is set
 * for a blob, which is sent as its bytes. */
static const char *text_of(struct arena *a, const struct db_value *v, int *len, int *binary)
{
	*binary = 0;
	*len = 0;
	switch (v->type) {
	case DB_VALUE_INT:
		return arena_printf(a, "%lld", (long long)v->i);
	case DB_VALUE_REAL:
		return arena_printf(a, "%.17g", v->r);
	case DB_VALUE_TEXT:
		return v->p;
	case DB_VALUE_BLOB:
		*binary = 1;
		*len = (int)v->len;
		return v->p;
	default:
		return NULL;
	}
}

/* pg_copy_import: INSERT INTO table (cols[, terms]) VALUES ($1, ...), (...) for the batch. For articles
 * the terms column is added, computed from headline, standfirst and body_text (pg_article_terms; the
 * body's plain text, copied with the row: both sides are at the same schema version). At most
 * 65535 parameters: the caller sizes batches (migrate.c keeps rows * columns under 32768). */
int pg_copy_import(struct db *db, const char *table, const struct db_rows *rows, char *err, size_t errlen)
{
	struct pg_conn *c = conn(db, err, errlen);
	if (!c)
		return DB_ERROR;
	if (!rows->nrows)
		return DB_OK;
	int terms = strcmp(table, "articles") == 0;
	int ih = col_index(rows, "headline"), is = col_index(rows, "standfirst"), ib = col_index(rows, "body_text");
	if (terms && (ih < 0 || is < 0 || ib < 0)) {
		snprintf(err, errlen, "articles without headline, standfirst or body_text cannot be indexed for search");
		return DB_ERROR;
	}
	size_t width = rows->ncols + (size_t)terms, nparams = rows->nrows * width;
	if (nparams > 65535) {
		snprintf(err, errlen, "a batch of %zu values for %s is more than one statement can take", nparams, table);
		return DB_ERROR;
	}
	for (size_t v = 0; v < rows->nrows * rows->ncols; v++) {
		if (rows->vals[v].type == DB_VALUE_TEXT && memchr(rows->vals[v].p, '\0', rows->vals[v].len)) {
			snprintf(err, errlen, "cannot copy the rows of %s: column %s holds text with a NUL byte, which "
					      "PostgreSQL cannot store", table, rows->cols[v % rows->ncols]);
			return DB_ERROR;
		}
	}
	struct arena a = ARENA_INIT;
	const char **values = arena_alloc(&a, nparams * sizeof *values);
	int *lengths = arena_alloc(&a, nparams * sizeof *lengths), *formats = arena_alloc(&a, nparams * sizeof *formats);
	struct buf sql = BUF_INIT;
	buf_lit(&sql, "INSERT INTO ");
	buf_sql_ident(&sql, table);
	buf_lit(&sql, " (");
	for (size_t i = 0; i < rows->ncols; i++) {
		if (i)
			buf_lit(&sql, ", ");
		buf_sql_ident(&sql, rows->cols[i]);
	}
	if (terms)
		buf_lit(&sql, ", terms");
	buf_lit(&sql, ") VALUES ");
	size_t k = 0;
	for (size_t r = 0; r < rows->nrows; r++) {
		const struct db_value *row = &rows->vals[r * rows->ncols];
		if (r)
			buf_lit(&sql, ", ");
		buf_putc(&sql, '(');
		for (size_t i = 0; i < width; i++, k++) {
			buf_printf(&sql, i ? ", $%zu" : "$%zu", k + 1);
			if (i < rows->ncols) {
				values[k] = text_of(&a, &row[i], &lengths[k], &formats[k]);
			} else {
				char *t = pg_article_terms(row[ih].p, row[is].p, row[ib].p);
				values[k] = arena_strdup(&a, t);
				free(t);
			}
		}
		buf_putc(&sql, ')');
	}
	PGresult *res = PQexecParams(c->h, buf_cstr(&sql), (int)nparams, NULL, values, lengths, formats, 0);
	buf_free(&sql);
	int rc = DB_OK;
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = failed(c->h, res, err, errlen, "cannot copy the rows of %s", table);
	else
		PQclear(res);
	arena_free(&a);
	return rc;
}

/* pg_copy_sequences: for each identity column of the table, setval(its sequence, max + 1, false): the
 * next generated id is one past the largest copied one (1 on an empty table). */
int pg_copy_sequences(struct db *db, const char *table, char *err, size_t errlen)
{
	struct pg_conn *c = conn(db, err, errlen);
	if (!c)
		return DB_ERROR;
	struct arena a = ARENA_INIT;
	struct db_stmt *st = dbs_prepare(db, "SELECT attname::text FROM pg_attribute WHERE attrelid = to_regclass(quote_ident($1)) "
					     "AND attnum > 0 AND NOT attisdropped AND attidentity <> '' ORDER BY attnum");
	if (!st) {
		snprintf(err, errlen, "cannot list the identity columns of %s", table);
		return DB_ERROR;
	}
	dbs_bind_text(db, st, 1, table);
	const char *cols[8];
	size_t n = 0;
	int step;
	while ((step = dbs_step(db, st)) == DBS_ROW && n < 8)
		cols[n++] = dbs_text_nn(db, &a, st, 0);
	dbs_done(db, st);
	if (step == DBS_ERROR || step == DBS_CONFLICT) {
		arena_free(&a);
		return failed(c->h, NULL, err, errlen, "cannot list the identity columns of %s", table);
	}
	int rc = DB_OK;
	struct buf qt = BUF_INIT;
	buf_sql_ident(&qt, table);
	for (size_t i = 0; i < n && rc == DB_OK; i++) {
		struct buf sql = BUF_INIT;
		buf_lit(&sql, "SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(");
		buf_sql_ident(&sql, cols[i]);
		buf_lit(&sql, "), 0) + 1, false) FROM ");
		buf_append(&sql, qt.data, qt.len);
		const char *params[2] = {buf_cstr(&qt), cols[i]};
		PGresult *r = PQexecParams(c->h, buf_cstr(&sql), 2, NULL, params, NULL, NULL, 0);
		buf_free(&sql);
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			rc = failed(c->h, r, err, errlen, "cannot move the id sequence of %s past the copied rows", table);
		else
			PQclear(r);
	}
	buf_free(&qt);
	arena_free(&a);
	return rc;
}
