/* db_sqlite_admin.c - the SQLite driver's administration side: the readiness ping, numbers for /metrics,
 * the online backup, the query planner's statistics, and purge notifications that have no other node
 * to reach (see db.h: db_ping, db_stats, db_backup, db_analyze, db_purge_publish, db_purge_listen). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db_sqlite_int.h"
#include "util.h"

int sq_ping(struct db *db)
{
	struct sq_db *d = (struct sq_db *)db;
	/* an open connection keeps reading a deleted or replaced file: look at the path too */
	if (access(d->path, R_OK | W_OK) != 0) {
		log_error("sqlite: ping: %s: %s", d->path, strerror(errno));
		return DB_ERROR;
	}
	struct db_stmt *st = dbs_prepare(db, "SELECT count(*) FROM sqlite_schema");
	if (!st)
		return DB_ERROR;
	DBS_ONE(db, st, (void)0);
}

/* count_of: the single integer an SQL query returns on h, or -1 when it fails. */
static int64_t count_of(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int sq_stats(struct db *db, struct db_stats *out)
{
	struct sq_db *d = (struct sq_db *)db;
	out->connections = 0;
	out->connections_busy = -1; /* each thread owns its connection: busy is not a thing here */
	pthread_mutex_lock(&d->mu);
	for (struct sq_conn *c = d->conns; c; c = c->next)
		out->connections++;
	pthread_mutex_unlock(&d->mu);
	struct sq_conn *c = sq_conn(d);
	if (!c)
		return DB_ERROR;
	int64_t pages = count_of(c->h, "PRAGMA page_count"), page = count_of(c->h, "PRAGMA page_size");
	out->size_bytes = pages >= 0 && page > 0 ? pages * page : -1;
	return out->size_bytes >= 0 ? DB_OK : DB_ERROR;
}

/* verify_copy: opens the finished copy at path, switches it to a rollback journal (one self-contained
 * file) and runs integrity_check. Returns 0, or -1 with a sentence in err. */
static int verify_copy(const char *path, char *err, size_t errlen)
{
	sqlite3 *h = NULL;
	int ok = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK && sq_search_register(h) == 0;
	if (ok)
		sqlite3_busy_timeout(h, 10000);
	if (ok && sqlite3_exec(h, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK)
		ok = 0;
	if (!ok) {
		snprintf(err, errlen, "the copy %s does not open: %s", path, h ? sqlite3_errmsg(h) : "out of memory");
		sqlite3_close(h);
		return -1;
	}
	sqlite3_stmt *st;
	int rc = -1;
	if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			const char *first = (const char *)sqlite3_column_text(st, 0);
			if (first && strcmp(first, "ok") == 0)
				rc = 0;
			else
				snprintf(err, errlen, "the copy fails integrity_check: %s", first ? first : "?");
		} else {
			snprintf(err, errlen, "integrity_check of the copy failed: %s", sqlite3_errmsg(h));
		}
		sqlite3_finalize(st);
	} else {
		snprintf(err, errlen, "integrity_check of the copy failed: %s", sqlite3_errmsg(h));
	}
	sqlite3_close(h);
	return rc;
}

int sq_backup(struct db *db, const char *path, char *err, size_t errlen)
{
	struct sq_db *d = (struct sq_db *)db;
	struct sq_conn *c = sq_conn(d);
	if (!c) {
		snprintf(err, errlen, "cannot open the site's database %s", d->path);
		return DB_ERROR;
	}
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid()) >= (int)sizeof tmp) {
		snprintf(err, errlen, "the backup path is too long");
		return DB_ERROR;
	}
	unlink(tmp);
	sqlite3 *h = NULL;
	if (sqlite3_open_v2(tmp, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot create %s: %s", tmp, h ? sqlite3_errmsg(h) : "out of memory");
		sqlite3_close(h);
		unlink(tmp);
		return DB_ERROR;
	}
	/* one step copies every page inside one read transaction: in WAL mode writers go on meanwhile, and
	 * the copy is the database as of the step's start */
	sqlite3_backup *b = sqlite3_backup_init(h, "main", c->h, "main");
	int rc = SQLITE_ERROR;
	if (b) {
		for (int tries = 0; tries < 100; tries++) {
			rc = sqlite3_backup_step(b, -1);
			if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
				break;
			sqlite3_sleep(100);
		}
		int fin = sqlite3_backup_finish(b);
		if (rc == SQLITE_DONE)
			rc = fin;
	}
	if (rc != SQLITE_OK && rc != SQLITE_DONE) {
		snprintf(err, errlen, "the backup failed: %s", sqlite3_errmsg(h));
		sqlite3_close(h);
		unlink(tmp);
		return DB_ERROR;
	}
	sqlite3_close(h);
	if (verify_copy(tmp, err, errlen) < 0) {
		unlink(tmp);
		return DB_ERROR;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot move the copy to %s: %s", path, strerror(errno));
		unlink(tmp);
		return DB_ERROR;
	}
	return DB_OK;
}

/* sq_purge_publish: see db_purge_publish. One process serves an SQLite site, so there is no other node
 * to tell: DB_OK. */
int sq_purge_publish(struct db *db, const char *const *keys, size_t n)
{
	(void)db;
	(void)keys;
	(void)n;
	return DB_OK;
}

/* sq_purge_listen: see db_purge_listen. Nothing to listen to on SQLite (one process per site): DB_OK
 * without a thread. */
int sq_purge_listen(struct db *db, db_purge_fn fn, void *arg)
{
	(void)db;
	(void)fn;
	(void)arg;
	return DB_OK;
}

/* int64_of: the first column of the one row sql (no parameters) returns, as an integer. DB_OK, DB_NOTFOUND
 * (no row) or DB_ERROR (logged). */
static int int64_of(struct db *db, const char *sql, int64_t *v)
{
	struct db_stmt *st = dbs_prepare(db, sql);
	if (!st)
		return DB_ERROR;
	DBS_ONE(db, st, *v = dbs_int64(db, st, 0));
}

static const char sql_has_stats[] =
	"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat1'";
/* the number of articles ANALYZE found: the first figure of an articles index's statistics */
static const char sql_stats_rows[] =
	"SELECT CAST(stat AS INTEGER) FROM sqlite_stat1 WHERE tbl = 'articles' AND idx = 'articles_latest'";

/* stats_made_for: *made = the number of articles the planner's statistics were made for, or -1 when
 * there are none (no statistics table, or no row for articles: the table was empty). DB_OK or DB_ERROR
 * (logged). */
static int stats_made_for(struct db *db, int64_t *made)
{
	int64_t have = 0;
	*made = -1;
	if (int64_of(db, sql_has_stats, &have) != DB_OK)
		return DB_ERROR;
	int rc = have ? int64_of(db, sql_stats_rows, made) : DB_OK;
	if (rc == DB_NOTFOUND)
		*made = -1;
	return rc == DB_ERROR ? DB_ERROR : DB_OK;
}

/* run_analyze: ANALYZE. DB_OK or DB_ERROR (logged). */
static int run_analyze(struct db *db)
{
	struct db_stmt *st = dbs_prepare(db, "ANALYZE");
	return st ? dbs_exec(db, st) : DB_ERROR;
}

int sq_analyze(struct db *db, int full, int64_t *articles)
{
	*articles = -1;
	int64_t n = 0, made = -1;
	if (int64_of(db, "SELECT count(*) FROM articles", &n) != DB_OK || (!full && stats_made_for(db, &made) != DB_OK))
		return DB_ERROR;
	if (!full && made >= 0 && n <= 2 * made && 2 * n >= made)
		return DB_OK; /* made for about as many articles as there are */
	if (run_analyze(db) != DB_OK)
		return DB_ERROR;
	*articles = n;
	return DB_OK;
}

int sq_analyze_if_any(struct db *db)
{
	int64_t have = 0;
	if (int64_of(db, sql_has_stats, &have) != DB_OK)
		return DB_ERROR;
	return have ? run_analyze(db) : DB_OK;
}
