/* db_sqlite_int.h - what the SQLite driver's files share: the connection and its statement cache, and
 * the engine's own operations each file implements. Not for use outside db_sqlite*.c. Reading and
 * writing rows goes through the statement interface (db_stmt.h) wherever it can. */
#ifndef BROADSHEET_DB_SQLITE_INT_H
#define BROADSHEET_DB_SQLITE_INT_H
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

#include "db.h"
#include "db_stmt.h"
#include "log.h"

#define SQ_CACHE 128 /* statements prepared from static SQL strings, per connection */

struct sq_conn {
	sqlite3 *h;
	struct {
		const char *sql; /* a static string: its address is the key */
		sqlite3_stmt *st;
	} cache[SQ_CACHE];
	struct sq_conn *next;
	int trouble; /* primary result code of the last failure that says the storage cannot be written, or 0 */
};

struct sq_db {
	struct db base;
	char *path;
	pthread_key_t key;
	pthread_mutex_t mu;
	struct sq_conn *conns; /* every connection opened, for db_close */
	int bulk;              /* db_bulk_reads: new connections map the file (PRAGMA mmap_size) */
	int64_t max_bytes;     /* db_limit_size's cap, applied to each new connection; 0 = none */
};

/* sq_conn: this thread's connection, opened on first use; NULL (logged) if it cannot be opened. */
struct sq_conn *sq_conn(struct sq_db *d);
/* sq_prepare: the prepared statement for a static SQL string on this thread's connection (prepared on
 * first use, then reused); NULL (logged) on error. Finish it with dbs_done (it is a struct db_stmt). */
sqlite3_stmt *sq_prepare(struct db *db, const char *sql);
/* sq_log: logs the connection's last error under what, noting for db_trouble an error that says the
 * storage cannot be written. */
void sq_log(struct sq_conn *c, const char *what);

/* What implements db.h's db_X on SQLite is sq_X, in the file named below; db_sqlite.c's db_sqlite_ops
 * lists them. */

/* Search (db_sqlite_search.c). sq_search_register: registers the "broadsheet" FTS5 tokenizer and the
 * bs_terms() SQL function on a new connection; 0 or -1. */
int sq_search_register(sqlite3 *h);
int sq_search(struct db *db, struct arena *a, const struct db_search_query *q, struct db_search_hit **out,
	      size_t *n, int64_t *total);
int sq_search_maintain(struct db *db, int64_t pages);

/* Health (db_sqlite_check.c). sq_apply_limit: sets max_page_count on a connection from max_bytes; 0 or -1. */
int sq_apply_limit(sqlite3 *h, int64_t max_bytes);
int sq_check(struct db *db, struct arena *a, const char ***problems, size_t *n);
int sq_limit_size(struct db *db, int64_t max_bytes);
const char *sq_trouble(struct db *db);

/* Administration (db_sqlite_admin.c): readiness, numbers for /metrics, online backup, the planner's
 * statistics, and the purge notifications that have no other node to reach. */
int sq_ping(struct db *db);
int sq_stats(struct db *db, struct db_stats *out);
int sq_backup(struct db *db, const char *path, char *err, size_t errlen);
int sq_analyze(struct db *db, int full, int64_t *articles);
/* sq_analyze_if_any: remakes the planner's statistics when the store has some (after an upgrade added
 * indexes: an index without statistics beside measured ones looks cheapest to the planner). DB_OK or
 * DB_ERROR (logged). */
int sq_analyze_if_any(struct db *db);
int sq_purge_publish(struct db *db, const char *const *keys, size_t n);
int sq_purge_listen(struct db *db, db_purge_fn fn, void *arg);

/* The site copy's source side (db_sqlite_copy.c; the write side refuses: see db.h, db_copy_*). */
int sq_copy_count(struct db *db, const char *table, int64_t *count);
int sq_copy_export(struct db *db, const char *table, const char *const *cols, size_t ncols, size_t batch,
		   db_rows_fn fn, void *ctx, char *err, size_t errlen);
int sq_copy_clear(struct db *db, const char *const *tables, size_t n, char *err, size_t errlen);
int sq_copy_import(struct db *db, const char *table, const struct db_rows *rows, char *err, size_t errlen);
int sq_copy_sequences(struct db *db, const char *table, char *err, size_t errlen);

#endif
