/* db_sqlite_check.c - the SQLite backend's health operations: the damage check behind
 * `broadsheet check` and the size cap (see db.h: db_check, db_limit_size). */
#include <stdio.h>

#include "db_sqlite_int.h"
#include "util.h"

/* The checks that are plain queries: each row a query returns is one fault, described by its first
 * column. */
static const struct {
	const char *what, *sql;
} row_checks[] = {
	{"integrity_check", "PRAGMA integrity_check"},
	{"foreign keys",
	 "SELECT 'a row of ' || \"table\" || ' (rowid ' || ifnull(rowid, '?') || ') points to a missing row of ' || "
	 "parent FROM pragma_foreign_key_check"},
	DBS_REVISION_CHECKS("IS NOT"),
	{"search index",
	 "SELECT 'the search index has ' || (SELECT count(*) FROM articles_fts_docsize) || ' rows for ' || "
	 "(SELECT count(*) FROM articles) || ' articles' WHERE (SELECT count(*) FROM articles_fts_docsize) <> "
	 "(SELECT count(*) FROM articles)"},
	/* the stored plain text the index and snippets are made of, against the text its body gives now */
	{"search text",
	 "SELECT 'article ' || id || ' has a stored plain text (body_text) that its body does not give' FROM articles "
	 "WHERE body_text IS NOT bs_body_text(body_md) ORDER BY id LIMIT 20"},
};

/* check_fts_content: whether the search index holds exactly the articles' current text: headline,
 * standfirst and the plain text of the body made again from body_md (bs_body_text), not the stored
 * body_text. SQLite 3.40's
 * integrity-check does not compare an external-content index with its table, so the articles are indexed
 * again (keyed by search_key, as the index is: migration 8) into a temporary table and every (term, article, column, position) of both is compared. Adds one
 * problem per article that differs (at most 20). */
static void check_fts_content(sqlite3 *h, struct arena *a, const char ***problems, size_t *n, size_t *cap)
{
	static const char setup[] =
		"CREATE VIRTUAL TABLE temp.bs_check_fts USING fts5(headline, standfirst, body_text, tokenize='broadsheet');"
		"INSERT INTO temp.bs_check_fts(rowid, headline, standfirst, body_text) "
		"  SELECT search_key, headline, standfirst, bs_body_text(body_md) FROM main.articles;"
		"CREATE VIRTUAL TABLE temp.bs_check_index USING fts5vocab(main, articles_fts, instance);"
		"CREATE VIRTUAL TABLE temp.bs_check_fresh USING fts5vocab(temp, bs_check_fts, instance);";
	static const char diff[] =
		"SELECT coalesce((SELECT id FROM main.articles WHERE search_key = d.doc), d.doc) FROM (SELECT DISTINCT doc "
		"  FROM (SELECT * FROM (SELECT term, doc, col, offset FROM temp.bs_check_index EXCEPT "
		"  SELECT term, doc, col, offset FROM temp.bs_check_fresh) UNION ALL SELECT * FROM (SELECT term, doc, col, "
		"  offset FROM temp.bs_check_fresh EXCEPT SELECT term, doc, col, offset FROM temp.bs_check_index))) d "
		"ORDER BY 1 LIMIT 20";
	char *msg = NULL;
	if (sqlite3_exec(h, setup, NULL, NULL, &msg) != SQLITE_OK) {
		dbs_add_problem(a, problems, n, cap, arena_printf(a, "search index: cannot compare: %s", msg ? msg : "?"));
	} else {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(h, diff, -1, &st, NULL) != SQLITE_OK) {
			dbs_add_problem(a, problems, n, cap, arena_printf(a, "search index: cannot compare: %s", sqlite3_errmsg(h)));
		} else {
			int rc;
			while ((rc = sqlite3_step(st)) == SQLITE_ROW)
				dbs_add_problem(a, problems, n, cap,
					    arena_printf(a, "search index: article %lld is indexed with other text than it has",
							 (long long)sqlite3_column_int64(st, 0)));
			if (rc != SQLITE_DONE)
				dbs_add_problem(a, problems, n, cap,
					    arena_printf(a, "search index: the comparison failed: %s", sqlite3_errmsg(h)));
			sqlite3_finalize(st);
		}
	}
	sqlite3_free(msg);
	sqlite3_exec(h,
		     "DROP TABLE IF EXISTS temp.bs_check_index; DROP TABLE IF EXISTS temp.bs_check_fresh; "
		     "DROP TABLE IF EXISTS temp.bs_check_fts;",
		     NULL, NULL, NULL);
}

int sq_check(struct db *db, struct arena *a, const char ***problems, size_t *n)
{
	struct sq_conn *c = sq_conn((struct sq_db *)db);
	if (!c)
		return DB_ERROR;
	size_t cap = 0;
	*problems = NULL;
	*n = 0;
	for (size_t i = 0; i < ARRAY_LEN(row_checks); i++) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(c->h, row_checks[i].sql, -1, &st, NULL) != SQLITE_OK) {
			dbs_add_problem(a, problems, n, &cap,
				    arena_printf(a, "%s: cannot run the check: %s", row_checks[i].what, sqlite3_errmsg(c->h)));
			continue;
		}
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *text = (const char *)sqlite3_column_text(st, 0);
			if (i == 0 && text && strcmp(text, "ok") == 0)
				continue;
			dbs_add_problem(a, problems, n, &cap, arena_printf(a, "%s: %s", row_checks[i].what, text ? text : "?"));
		}
		if (rc != SQLITE_DONE)
			dbs_add_problem(a, problems, n, &cap,
				    arena_printf(a, "%s: the check failed: %s", row_checks[i].what, sqlite3_errmsg(c->h)));
		sqlite3_finalize(st);
	}
	/* FTS5's own check proves the index is well-formed (it needs our tokenizer, which is why this runs in
	 * the binary and not in the sqlite3 shell); it writes nothing */
	char *msg = NULL;
	if (sqlite3_exec(c->h, "INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')", NULL, NULL, &msg) !=
	    SQLITE_OK)
		dbs_add_problem(a, problems, n, &cap, arena_printf(a, "search index: %s", msg ? msg : sqlite3_errmsg(c->h)));
	sqlite3_free(msg);
	check_fts_content(c->h, a, problems, n, &cap);
	return DB_OK;
}

int sq_apply_limit(sqlite3 *h, int64_t max_bytes)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h, "PRAGMA page_size", -1, &st, NULL) != SQLITE_OK)
		return -1;
	int64_t page = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 4096;
	sqlite3_finalize(st);
	char sql[64];
	/* max_page_count never goes below the current size, so a cap under it means "no growth" */
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld",
		 (long long)(max_bytes > 0 ? (max_bytes + page - 1) / (page > 0 ? page : 4096) : 4294967294LL));
	return sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int sq_limit_size(struct db *db, int64_t max_bytes)
{
	struct sq_db *d = (struct sq_db *)db;
	int rc = DB_OK;
	pthread_mutex_lock(&d->mu);
	d->max_bytes = max_bytes;
	for (struct sq_conn *c = d->conns; c; c = c->next)
		if (sq_apply_limit(c->h, max_bytes) < 0) {
			sq_log(c, "PRAGMA max_page_count");
			rc = DB_ERROR;
		}
	pthread_mutex_unlock(&d->mu);
	return rc;
}

const char *sq_trouble(struct db *db)
{
	struct sq_conn *c = pthread_getspecific(((struct sq_db *)db)->key);
	int code = c ? c->trouble : 0;
	if (c)
		c->trouble = 0;
	return dbs_trouble_sentence(code == SQLITE_FULL                                 ? DBS_TROUBLE_FULL
				    : code == SQLITE_READONLY || code == SQLITE_CANTOPEN ? DBS_TROUBLE_READONLY
				    : code == SQLITE_IOERR                               ? DBS_TROUBLE_IO
											 : DBS_TROUBLE_NONE);
}
