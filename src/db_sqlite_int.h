/* db_sqlite_int.h - what the SQLite backend's files share: the connection, the statement caches and
 * small binding/reading helpers. Not for use outside db_sqlite*.c. */
#ifndef BROADSHEET_DB_SQLITE_INT_H
#define BROADSHEET_DB_SQLITE_INT_H
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

#include "db.h"
#include "db_stmt.h"
#include "log.h"

#define SQ_NSTMT_RESERVED 64 /* room for db_sqlite.c's numbered statements */
#define SQ_CACHE 128         /* statements prepared from static SQL strings, per connection */

struct sq_conn {
	sqlite3 *h;
	sqlite3_stmt *stmt[SQ_NSTMT_RESERVED];
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


/* ART_COLS, ART_NCOLS and ART_FROM: see db_stmt.h */

/* sq_conn: this thread's connection, opened on first use; NULL (logged) if it cannot be opened. */
struct sq_conn *sq_conn(struct sq_db *d);
/* sq_prepare: the prepared statement for a static SQL string on this thread's connection (prepared on
 * first use, then reused); NULL (logged) on error. Call sq_done when finished with it. */
sqlite3_stmt *sq_prepare(struct db *db, const char *sql);
void sq_log(struct sq_conn *c, const char *what);
void sq_done(sqlite3_stmt *st);
void bind_text(sqlite3_stmt *st, int i, const char *s);
void bind_id(sqlite3_stmt *st, int i, int64_t v);
const char *col_text(struct arena *a, sqlite3_stmt *st, int i);
const char *col_text_nn(struct arena *a, sqlite3_stmt *st, int i);
/* sq_step_done: runs a statement without result rows: DB_OK, DB_CONFLICT or DB_ERROR. */
int sq_step_done(struct db *db, sqlite3_stmt *st);
/* sq_step_id: runs INSERT ... RETURNING id: DB_OK (id stored), DB_CONFLICT or DB_ERROR. */
int sq_step_id(struct db *db, sqlite3_stmt *st, int64_t *id);

/* sq_one: steps a statement expected to return at most one row, reading it with fn. */
#define SQ_ONE(db, st, READ)                                                                                  \
	do {                                                                                                  \
		int rc_ = sqlite3_step(st), r_;                                                               \
		if (rc_ == SQLITE_ROW) {                                                                      \
			READ;                                                                                 \
			r_ = DB_OK;                                                                           \
		} else if (rc_ == SQLITE_DONE) {                                                              \
			r_ = DB_NOTFOUND;                                                                     \
		} else {                                                                                      \
			sq_log(sq_conn((struct sq_db *)(db)), sqlite3_sql(st));                              \
			r_ = DB_ERROR;                                                                        \
		}                                                                                             \
		sq_done(st);                                                                                  \
		return r_;                                                                                    \
	} while (0)

/* SQ_MANY: steps a statement over all rows into a growing arena array of type T read with READ(row). */
#define SQ_MANY(db, st, a, T, out, n, READ)                                                                   \
	do {                                                                                                  \
		size_t cap_ = 16, cnt_ = 0;                                                                   \
		T *arr_ = arena_alloc((a), cap_ * sizeof(T));                                                 \
		int rc_;                                                                                      \
		while ((rc_ = sqlite3_step(st)) == SQLITE_ROW) {                                              \
			if (cnt_ == cap_) {                                                                   \
				T *bigger_ = arena_alloc((a), 2 * cap_ * sizeof(T));                          \
				memcpy(bigger_, arr_, cap_ * sizeof(T));                                      \
				arr_ = bigger_;                                                               \
				cap_ *= 2;                                                                    \
			}                                                                                     \
			T *row = &arr_[cnt_++];                                                               \
			READ;                                                                                 \
		}                                                                                             \
		if (rc_ != SQLITE_DONE) {                                                                     \
			sq_log(sq_conn((struct sq_db *)(db)), sqlite3_sql(st));                              \
			sq_done(st);                                                                          \
			return DB_ERROR;                                                                      \
		}                                                                                             \
		sq_done(st);                                                                                  \
		*(out) = arr_;                                                                                \
		*(n) = cnt_;                                                                                  \
		return DB_OK;                                                                                 \
	} while (0)


/* Search (db_sqlite_search.c). sqs_register: registers the "broadsheet" FTS5 tokenizer and the
 * bs_terms() SQL function on a new connection; 0 or -1. */
int sqs_register(sqlite3 *h);
int sqs_search(struct db *db, struct arena *a, const struct db_search_query *q, struct db_search_hit **out,
	       size_t *n, int64_t *total);
int sqs_search_maintain(struct db *db, int64_t pages);
int sqo_analyze(struct db *db, int full, int64_t *articles);
/* sqo_analyze_if_any: remakes the planner's statistics when the store has some (after an upgrade added
 * indexes: an index without statistics beside measured ones looks cheapest to the planner). DB_OK or
 * DB_ERROR (logged). */
int sqo_analyze_if_any(struct db *db);
#define SQ_SEARCH_OPS .search = sqs_search, .search_maintain = sqs_search_maintain, .analyze = sqo_analyze,

/* Health (db_sqlite_check.c). sq_apply_limit: sets max_page_count on a connection from max_bytes; 0 or -1. */
int sq_apply_limit(sqlite3 *h, int64_t max_bytes);
int sqk_check(struct db *db, struct arena *a, const char ***problems, size_t *n);
int sqk_limit_size(struct db *db, int64_t max_bytes);
const char *sqk_trouble(struct db *db);
#define SQ_CHECK_OPS .check = sqk_check, .limit_size = sqk_limit_size, .trouble = sqk_trouble,

/* Operations (db_sqlite_ops.c): readiness, numbers for /metrics, online backup. */
int sqo_ping(struct db *db);
int sqo_stats(struct db *db, struct db_stats *out);
int sqo_backup(struct db *db, const char *path, char *err, size_t errlen);
int sqo_purge_publish(struct db *db, const char *const *keys, size_t n);
int sqo_purge_listen(struct db *db, db_purge_fn fn, void *arg);
#define SQ_OPS_OPS .ping = sqo_ping, .stats = sqo_stats, .backup = sqo_backup, .purge_publish = sqo_purge_publish, \
		   .purge_listen = sqo_purge_listen,

/* The site copy's source side (db_sqlite_copy.c; the write side refuses: see db.h, db_copy_*). */
int sqc_copy_tables(struct db *db, struct arena *a, const char ***names, size_t *n);
int sqc_copy_columns(struct db *db, struct arena *a, const char *table, const char ***cols, size_t *n);
int sqc_copy_count(struct db *db, const char *table, int64_t *count);
int sqc_copy_export(struct db *db, const char *table, const char *const *cols, size_t ncols, size_t batch,
		    db_rows_fn fn, void *ctx, char *err, size_t errlen);
int sqc_copy_clear(struct db *db, const char *const *tables, size_t n, char *err, size_t errlen);
int sqc_copy_import(struct db *db, const char *table, const struct db_rows *rows, char *err, size_t errlen);
int sqc_copy_sequences(struct db *db, const char *table, char *err, size_t errlen);
#define SQ_COPY_OPS                                                                                           \
	.copy_tables = sqc_copy_tables, .copy_columns = sqc_copy_columns, .copy_count = sqc_copy_count,       \
	.copy_export = sqc_copy_export, .copy_clear = sqc_copy_clear, .copy_import = sqc_copy_import,         \
	.copy_sequences = sqc_copy_sequences,

#endif
