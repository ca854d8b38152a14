/* db_sqlite.c - the SQLite driver: the statement interface (db_stmt.h) on SQLite, the connections and
 * migrations, and the table of the engine's own operations (db_sqlite_ops). WAL journal, foreign keys on,
 * synchronous=FULL so a committed write survives a crash or power loss; one connection per thread
 * (created on first use, all closed by db_close); each connection prepares a statement once and reuses
 * it. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "db_schema.h"
#include "db_sqlite_int.h"
#include "db_stmt.h"
#include "log.h"
#include "util.h"

void sq_log(struct sq_conn *c, const char *what)
{
	int code = c && c->h ? sqlite3_extended_errcode(c->h) & 0xff : 0;
	if (c && (code == SQLITE_FULL || code == SQLITE_READONLY || code == SQLITE_IOERR || code == SQLITE_CANTOPEN))
		c->trouble = code;
	log_error("sqlite: %s: %s", what, c && c->h ? sqlite3_errmsg(c->h) : "no connection");
}

/* sq_conn_open: opens and configures a connection. Returns NULL (logged) on failure. */
static struct sq_conn *sq_conn_open(const char *path, int create)
{
	struct sq_conn *c = xcalloc(1, sizeof *c);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &c->h, flags, NULL) != SQLITE_OK) {
		sq_log(c, path);
		sqlite3_close(c->h);
		free(c);
		return NULL;
	}
	sqlite3_busy_timeout(c->h, 10000);
	sqlite3_extended_result_codes(c->h, 1);
	char *msg = NULL;
	if (sqlite3_exec(c->h,
			 "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; "
			 "PRAGMA temp_store = MEMORY;",
			 NULL, NULL, &msg) != SQLITE_OK) {
		log_error("sqlite: configuring %s: %s", path, msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(c->h);
		free(c);
		return NULL;
	}
	if (sq_search_register(c->h) < 0) {
		log_error("sqlite: cannot register the search tokenizer on %s", path);
		sqlite3_free(msg);
		sqlite3_close(c->h);
		free(c);
		return NULL;
	}
	return c;
}

static void sq_conn_close(struct sq_conn *c)
{
	for (int i = 0; i < SQ_CACHE; i++)
		sqlite3_finalize(c->cache[i].st);
	sqlite3_close(c->h);
	free(c);
}

/* sq_conn: this thread's connection, opened on first use. NULL (logged) if it cannot be opened. */
struct sq_conn *sq_conn(struct sq_db *d)
{
	struct sq_conn *c = pthread_getspecific(d->key);
	if (c)
		return c;
	c = sq_conn_open(d->path, 0);
	if (!c)
		return NULL;
	if (d->bulk && sqlite3_exec(c->h, "PRAGMA mmap_size = 4294967296;", NULL, NULL, NULL) != SQLITE_OK)
		sq_log(c, "PRAGMA mmap_size"); /* only slower */
	if (d->max_bytes && sq_apply_limit(c->h, d->max_bytes) < 0) {
		sq_log(c, "PRAGMA max_page_count");
		sq_conn_close(c);
		return NULL;
	}
	pthread_mutex_lock(&d->mu);
	c->next = d->conns;
	d->conns = c;
	pthread_mutex_unlock(&d->mu);
	pthread_setspecific(d->key, c);
	return c;
}

sqlite3_stmt *sq_prepare(struct db *db, const char *sql)
{
	struct sq_conn *c = sq_conn((struct sq_db *)db);
	if (!c)
		return NULL;
	size_t h = ((uintptr_t)sql >> 4) % SQ_CACHE;
	for (size_t k = 0; k < SQ_CACHE; k++, h = (h + 1) % SQ_CACHE) {
		if (c->cache[h].sql == sql)
			return c->cache[h].st;
		if (!c->cache[h].sql) {
			if (sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->cache[h].st, NULL) != SQLITE_OK) {
				sq_log(c, sql);
				sqlite3_finalize(c->cache[h].st);
				c->cache[h].st = NULL;
				return NULL;
			}
			c->cache[h].sql = sql;
			return c->cache[h].st;
		}
	}
	log_error("sqlite: statement cache full");
	return NULL;
}

/* The statement interface (db_stmt.h) on SQLite: a struct db_stmt is a sqlite3_stmt. */
static struct db_stmt *sqd_prepare(struct db *db, const char *sql) { return (struct db_stmt *)sq_prepare(db, sql); }
static void sqd_bind_int64(struct db_stmt *st, int i, int64_t v) { sqlite3_bind_int64((sqlite3_stmt *)st, i, v); }
static void sqd_bind_text(struct db_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text((sqlite3_stmt *)st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null((sqlite3_stmt *)st, i);
}
static void sqd_bind_null(struct db_stmt *st, int i) { sqlite3_bind_null((sqlite3_stmt *)st, i); }
static int64_t sqd_col_int64(struct db_stmt *st, int col) { return sqlite3_column_int64((sqlite3_stmt *)st, col); }
static void sqd_done(struct db_stmt *st)
{
	sqlite3_reset((sqlite3_stmt *)st);
	sqlite3_clear_bindings((sqlite3_stmt *)st);
}

/* sqd_step: SQLite's step in the interface's terms (a unique or primary key taken is DBS_CONFLICT). */
static int sqd_step(struct db_stmt *st)
{
	int rc = sqlite3_step((sqlite3_stmt *)st);
	if (rc == SQLITE_ROW)
		return DBS_ROW;
	if (rc == SQLITE_DONE)
		return DBS_DONE;
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return DBS_CONFLICT;
	return DBS_ERROR;
}

static const char *sqd_col_text(struct db_stmt *st, int col, size_t *len)
{
	const unsigned char *s = sqlite3_column_text((sqlite3_stmt *)st, col);
	*len = s ? (size_t)sqlite3_column_bytes((sqlite3_stmt *)st, col) : 0;
	return (const char *)s;
}

/* sqd_log: logs this connection's last error with the statement's SQL (and notes trouble, see sq_log). */
static void sqd_log(struct db *db, struct db_stmt *st)
{
	sq_log(sq_conn((struct sq_db *)db), sqlite3_sql((sqlite3_stmt *)st));
}

static long sqd_changes(struct db *db)
{
	struct sq_conn *c = sq_conn((struct sq_db *)db);
	return c ? (long)sqlite3_changes(c->h) : 0;
}

/* sqd_txn: whether this thread's connection is inside a transaction (SQLite ends a failed one itself);
 * DBS_TXN_OPEN when there is no connection, so that a rollback reports the failure to open one. */
static enum dbs_txn sqd_txn(struct db *db)
{
	struct sq_conn *c = sq_conn((struct sq_db *)db);
	return c && sqlite3_get_autocommit(c->h) ? DBS_TXN_NONE : DBS_TXN_OPEN;
}

/* sqd_article_terms: NULL: the FTS5 index and the terms column follow the row by triggers (db_schema.c). */
static char *sqd_article_terms(const char *headline, const char *standfirst, const char *body_text)
{
	(void)headline, (void)standfirst, (void)body_text;
	return NULL;
}

const struct db_driver db_sqlite_driver = DBS_DRIVER(DB_ENGINE_SQLITE, sqd);

static void sq_close(struct db *db)
{
	struct sq_db *d = (struct sq_db *)db;
	struct sq_conn *c = d->conns;
	while (c) {
		struct sq_conn *next = c->next;
		sq_conn_close(c);
		c = next;
	}
	pthread_key_delete(d->key);
	pthread_mutex_destroy(&d->mu);
	free(d->path);
	free(d);
}

static int sq_migrate(struct db *db, int *version)
{
	struct sq_conn *c = sq_conn((struct sq_db *)db);
	if (!c)
		return DB_ERROR;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(c->h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) {
		sq_log(c, "user_version");
		return DB_ERROR;
	}
	int current = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	size_t nmig = 0;
	const struct db_migration *mig = db_schema_migrations(&nmig);
	if (current > (int)nmig) {
		log_error("sqlite: database schema version %d is newer than this program (%zu)", current, nmig);
		return DB_ERROR;
	}
	for (size_t i = (size_t)current; i < nmig; i++) {
		char *msg = NULL;
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %zu;", i + 1);
		if (sqlite3_exec(c->h, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(c->h, mig[i].sqlite, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(c->h, pragma, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(c->h, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			log_error("sqlite: migration %zu (%s) failed: %s", i + 1, mig[i].name, msg ? msg : "?");
			sqlite3_free(msg);
			sqlite3_exec(c->h, "ROLLBACK", NULL, NULL, NULL);
			return DB_ERROR;
		}
	}
	/* An index a migration added has no statistics while the older ones have: the planner then takes
	 * the unmeasured one for the best (on 100,000 articles a latest-news list that stops after 10 rows
	 * read and sorted 50,000 through a new sitemap index). A failure here is logged and the upgrade
	 * stands: pages still work, and `broadsheet optimize` remakes the statistics. */
	if ((size_t)current < nmig)
		sq_analyze_if_any(db);
	if (version)
		*version = (int)nmig;
	return DB_OK;
}

/* sq_bulk_reads: see db_bulk_reads. */
static void sq_bulk_reads(struct db *db)
{
	((struct sq_db *)db)->bulk = 1;
}

/* The engine's own operations, one line per file that holds them (see db_sqlite_int.h). */
const struct db_ops db_sqlite_ops = {
	.name = "sqlite",
	.close = sq_close, .migrate = sq_migrate, .bulk_reads = sq_bulk_reads,
	.search = sq_search, .search_maintain = sq_search_maintain,
	.check = sq_check, .limit_size = sq_limit_size, .trouble = sq_trouble,
	.ping = sq_ping, .stats = sq_stats, .backup = sq_backup, .analyze = sq_analyze,
	.purge_publish = sq_purge_publish, .purge_listen = sq_purge_listen,
	.copy_count = sq_copy_count, .copy_export = sq_copy_export, .copy_clear = sq_copy_clear,
	.copy_import = sq_copy_import, .copy_sequences = sq_copy_sequences,
};

struct db *db_sqlite_open(const char *path, int create, char *err, size_t errlen)
{
	struct sq_conn *c = sq_conn_open(path, create);
	if (!c) {
		char dir[4096];
		snprintf(dir, sizeof dir, "%s", path);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		if ((access(path, F_OK) == 0 && access(path, W_OK) != 0) || access(slash ? dir : ".", W_OK) != 0)
			snprintf(err, errlen,
				 "cannot open SQLite database %s: it or its directory is read-only (%s); the server needs to "
				 "write the database and the -wal and -shm files beside it",
				 path, strerror(errno));
		else
			snprintf(err, errlen, "cannot open SQLite database %s", path);
		return NULL;
	}
	struct sq_db *d = xcalloc(1, sizeof *d);
	d->base.ops = &db_sqlite_ops;
	d->base.drv = &db_sqlite_driver;
	d->path = xstrdup(path);
	pthread_mutex_init(&d->mu, NULL);
	if (pthread_key_create(&d->key, NULL) != 0) {
		snprintf(err, errlen, "out of thread keys");
		sq_conn_close(c);
		pthread_mutex_destroy(&d->mu);
		free(d->path);
		free(d);
		return NULL;
	}
	d->conns = c;
	pthread_setspecific(d->key, c);
	return &d->base;
}
