/* db_pg_check.c - the PostgreSQL backend's health operations (see db.h: db_check, db_limit_size,
 * db_trouble), the counterparts of db_sqlite_check.c. PostgreSQL has no integrity_check that every
 * installation can run (amcheck is an extension a superuser must create), so the check is what SQL can
 * see: invalid indexes, amcheck's B-tree check when the extension is there, rows whose foreign key points
 * nowhere (possible after session_replication_role = replica or a partial restore), each saved article's
 * revisions against its version and text, and each article's body_text and terms columns against
 * blocks_text() and search_terms() recomputed in C from its text (PostgreSQL's search index is built from
 * terms, its snippets cut from body_text). */
#include <stdio.h>
#include <stdlib.h>

#include "db_pg_int.h"
#include "db_stmt.h"
#include "util.h"

/* The checks that are plain queries: each row a query returns is one fault, described by its first
 * column. */
static const struct {
	const char *what, *sql;
} row_checks[] = {
	{"indexes",
	 "SELECT 'index ' || c.relname || ' is not valid (a failed CREATE INDEX CONCURRENTLY or REINDEX)' "
	 "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
	 "WHERE c.relnamespace = current_schema()::regnamespace AND NOT (i.indisvalid AND i.indisready)"},
	DBS_REVISION_CHECKS("IS DISTINCT FROM"),
};

/* Single-column foreign keys of the site's schema: child table, column, parent table, column. */
static const char sql_fkeys[] =
	"SELECT cl.relname, a.attname, pcl.relname, pa.attname FROM pg_constraint k "
	"JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class pcl ON pcl.oid = k.confrelid "
	"JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] "
	"JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = k.confkey[1] "
	"WHERE k.contype = 'f' AND cardinality(k.conkey) = 1 AND cl.relnamespace = current_schema()::regnamespace "
	"ORDER BY 1, 2";

/* B-tree indexes of the site's schema, for amcheck's bt_index_check */
static const char sql_btrees[] =
	"SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am m ON m.oid = c.relam "
	"WHERE m.amname = 'btree' AND c.relnamespace = current_schema()::regnamespace AND i.indisvalid ORDER BY 1";

static const char sql_terms_page[] =
	"SELECT id, headline, standfirst, body_md, body_text, terms FROM articles WHERE id > $1 ORDER BY id LIMIT 200";

/* server_error: the server's message of a failed result as one line (arena copy). */
static const char *server_error(struct arena *a, PGconn *h, PGresult *r)
{
	const char *msg = r ? PQresultErrorMessage(r) : NULL;
	char *s = arena_strdup(a, msg && *msg ? msg : PQerrorMessage(h));
	for (char *p = s; *p; p++)
		if (*p == '\n')
			*p = ' ';
	size_t len = strlen(s);
	while (len && s[len - 1] == ' ')
		s[--len] = '\0';
	return s;
}

/* listed: runs a parameterless catalogue query; its result, or NULL after adding "what: <why>" (the
 * server's reason) to the problems. The caller clears the result. */
static PGresult *listed(PGconn *h, struct arena *a, const char *what, const char *sql, const char ***problems,
			size_t *n, size_t *cap)
{
	PGresult *r = PQexec(h, sql);
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		return r;
	dbs_add_problem(a, problems, n, cap, arena_printf(a, "%s: %s", what, server_error(a, h, r)));
	PQclear(r);
	return NULL;
}

/* run_rows: runs a parameterless query and adds "what: <first column>" for each row it returns, or the
 * reason it could not run. */
static void run_rows(PGconn *h, struct arena *a, const char *what, const char *sql, const char ***problems,
		     size_t *n, size_t *cap)
{
	PGresult *r = listed(h, a, arena_printf(a, "%s: the check failed", what), sql, problems, n, cap);
	if (!r)
		return;
	for (int i = 0; i < PQntuples(r); i++)
		dbs_add_problem(a, problems, n, cap, arena_printf(a, "%s: %s", what, PQgetvalue(r, i, 0)));
	PQclear(r);
}

/* check_foreign_keys: for each single-column foreign key, the rows (at most 20 per key) whose value has
 * no parent row. The identifiers come from the catalog and are quoted by libpq. */
static void check_foreign_keys(PGconn *h, struct arena *a, const char ***problems, size_t *n, size_t *cap)
{
	PGresult *keys = listed(h, a, "foreign keys: cannot list them", sql_fkeys, problems, n, cap);
	if (!keys)
		return;
	for (int i = 0; i < PQntuples(keys); i++) {
		char *id[4];
		for (int k = 0; k < 4; k++) {
			const char *v = PQgetvalue(keys, i, k);
			id[k] = PQescapeIdentifier(h, v, strlen(v));
		}
		if (id[0] && id[1] && id[2] && id[3]) {
			const char *sql = arena_printf(a,
						       "SELECT c.%s::text FROM %s c WHERE c.%s IS NOT NULL AND NOT EXISTS "
						       "(SELECT 1 FROM %s p WHERE p.%s = c.%s) LIMIT 20",
						       id[1], id[0], id[1], id[2], id[3], id[1]);
			PGresult *r = PQexec(h, sql);
			if (PQresultStatus(r) != PGRES_TUPLES_OK)
				dbs_add_problem(a, problems, n, cap,
					    arena_printf(a, "foreign keys: cannot check %s.%s: %s", PQgetvalue(keys, i, 0),
							 PQgetvalue(keys, i, 1), server_error(a, h, r)));
			else
				for (int j = 0; j < PQntuples(r); j++)
					dbs_add_problem(a, problems, n, cap,
						    arena_printf(a, "foreign keys: a row of %s (%s %s) points to a missing row of %s",
								 PQgetvalue(keys, i, 0), PQgetvalue(keys, i, 1),
								 PQgetvalue(r, j, 0), PQgetvalue(keys, i, 2)));
			PQclear(r);
		}
		for (int k = 0; k < 4; k++)
			PQfreemem(id[k]);
	}
	PQclear(keys);
}

/* check_btrees: amcheck's bt_index_check on every B-tree index of the schema when the extension is
 * installed (it reads, takes only AccessShareLock); nothing otherwise. */
static void check_btrees(PGconn *h, struct arena *a, const char ***problems, size_t *n, size_t *cap)
{
	PGresult *ext = PQexec(h, "SELECT 1 FROM pg_extension WHERE extname = 'amcheck'");
	int have = PQresultStatus(ext) == PGRES_TUPLES_OK && PQntuples(ext) == 1;
	PQclear(ext);
	if (!have)
		return;
	PGresult *idx = listed(h, a, "amcheck: cannot list the indexes", sql_btrees, problems, n, cap);
	if (!idx)
		return;
	for (int i = 0; i < PQntuples(idx); i++) {
		const char *name = PQgetvalue(idx, i, 0);
		const char *params[1] = {name};
		PGresult *r = PQexecParams(h, "SELECT bt_index_check(to_regclass(quote_ident($1)))", 1, NULL, params, NULL,
					   NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			dbs_add_problem(a, problems, n, cap, arena_printf(a, "amcheck: index %s: %s", name, server_error(a, h, r)));
		PQclear(r);
	}
	PQclear(idx);
}

/* check_terms: each article's stored plain text and terms against blocks_text() of its body and
 * search_terms() of headline, standfirst and that text, page by page; adds one problem per article that
 * differs (at most 20). DB_OK, or DB_ERROR when the articles cannot be read or a body cannot be parsed. */
static int check_terms(struct db *db, struct arena *a, const char ***problems, size_t *n, size_t *cap)
{
	int64_t last = 0;
	int found = 0;
	for (;;) {
		struct db_stmt *st = dbs_prepare(db, sql_terms_page);
		if (!st)
			return DB_ERROR;
		dbs_bind_int64(db, st, 1, last);
		int rows = 0, rc;
		while ((rc = dbs_step(db, st)) == DBS_ROW) {
			rows++;
			last = dbs_int64(db, st, 0);
			const char *col[5];
			for (int i = 0; i < 5; i++) { /* read in place, valid until the next step */
				size_t len;
				col[i] = db->drv->col_text(st, i + 1, &len);
			}
			char *text, *want;
			if (dbs_article_text(db, col[0], col[1], col[2], &text, &want) != DB_OK) {
				dbs_done(db, st);
				return DB_ERROR;
			}
			if (!col[3] || strcmp(col[3], text) != 0) {
				if (found++ < 20)
					dbs_add_problem(a, problems, n, cap,
							arena_printf(a, "search text: article %lld has a stored plain text (body_text) "
								     "that its body does not give", (long long)last));
			} else if (strcmp(col[4] ? col[4] : "", want ? want : "") != 0 && found++ < 20) {
				dbs_add_problem(a, problems, n, cap,
						arena_printf(a, "search terms: article %lld is indexed with other terms than its text gives",
							     (long long)last));
			}
			free(text);
			free(want);
		}
		if (rc != DBS_DONE)
			return dbs_fail(db, st);
		dbs_done(db, st);
		if (rows == 0)
			break;
	}
	if (found > 20)
		dbs_add_problem(a, problems, n, cap, arena_printf(a, "search text and terms: %d more articles differ", found - 20));
	return DB_OK;
}

int pg_check(struct db *db, struct arena *a, const char ***problems, size_t *n)
{
	struct pg_conn *c = pg_conn_get(db);
	if (!c)
		return DB_ERROR;
	size_t cap = 0;
	*problems = NULL;
	*n = 0;
	for (size_t i = 0; i < ARRAY_LEN(row_checks); i++)
		run_rows(c->h, a, row_checks[i].what, row_checks[i].sql, problems, n, &cap);
	check_btrees(c->h, a, problems, n, &cap);
	check_foreign_keys(c->h, a, problems, n, &cap);
	return check_terms(db, a, problems, n, &cap);
}

int pg_limit_size(struct db *db, int64_t max_bytes)
{
	(void)db;
	if (max_bytes == 0)
		return DB_OK;
	/* refused rather than ignored: a cap the operator set and believes in must not silently do nothing */
	log_error("postgresql: max_database_mb caps an SQLite file and does nothing on PostgreSQL: cap the "
		  "database on the server (its disk or tablespace) and remove max_database_mb from broadsheet.conf");
	return DB_ERROR;
}

const char *pg_trouble(struct db *db)
{
	struct pg_conn *c = pthread_getspecific(((struct pg_db *)db)->key);
	enum dbs_trouble why = c ? c->trouble : DBS_TROUBLE_NONE;
	if (c)
		c->trouble = DBS_TROUBLE_NONE;
	if (pg_unreachable_take())
		return db_trouble_unreachable;
	return dbs_trouble_sentence(why);
}
