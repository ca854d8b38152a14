/* db_pg_int.h - what the PostgreSQL driver's files share: the connection, the per-connection cache of
 * prepared statements behind the statement interface (db_stmt.h; pgs_* are its PostgreSQL side), and the
 * engine's own operations each file implements. Not for use outside db_pg*.c.
 *
 * A statement is prepared once per connection (PQprepare, named after its slot) from a static SQL string
 * whose address is the cache key; parameters are always bound ($1, $2 ...), sent as text, and results
 * come back as text. One connection per thread, opened on first use (see db_pg.c). */
#ifndef BROADSHEET_DB_PG_INT_H
#define BROADSHEET_DB_PG_INT_H
#include <libpq-fe.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "db.h"
#include "db_stmt.h"
#include "log.h"

#define PG_CACHE 192  /* statements per connection */
#define PG_MAXPARAM 24 /* the most parameters one statement takes */

struct pg_conn;

struct pg_stmt {
	struct pg_conn *conn;
	const char *sql; /* static: its address is the cache key */
	const char *text; /* what the server prepares: sql, or own_text when sql spells parameters ?N */
	char *own_text;   /* sql with ?N spelled $N (pg_dollar_params), or NULL */
	char name[16];   /* the server-side name, "bs<slot>" */
	int prepared;    /* prepared on the current server session (cleared when the connection is reset) */
	int nparams;     /* the highest $N in sql */
	const char *val[PG_MAXPARAM]; /* bound values as text; NULL = SQL NULL */
	char num[PG_MAXPARAM][24];    /* storage for bound numbers */
	PGresult *res;                /* the result being stepped through, NULL before the first step */
	int row, nrows;
};

struct pg_conn {
	PGconn *h;
	struct pg_stmt *cache[PG_CACHE];
	long changes; /* rows the last INSERT/UPDATE/DELETE touched */
	char sqlstate[6];
	/* why the last failure says the storage cannot be written (SQLSTATE 53100 disk_full, 25006
	 * read_only_sql_transaction: a hot standby or default_transaction_read_only, 58030 io_error) */
	enum dbs_trouble trouble;
	struct pg_conn *next;
};

struct pg_listener;

struct pg_db {
	struct db base;
	char *url;
	pthread_key_t key;
	pthread_mutex_t mu;
	struct pg_conn *conns;        /* every connection opened, for db_close */
	struct pg_listener *listener; /* the cache purge listener (db_pg_notify.c), NULL when not running */
	char node[17];                /* this process's random id in the purges it publishes */
};

/* pg_unreachable_note / pg_unreachable_take: a per-thread record that a call failed because PostgreSQL
 * could not be reached (connection refused or lost, server shutting down or starting up), for db_trouble;
 * take returns it and clears it. */
void pg_unreachable_note(void);
int pg_unreachable_take(void);

/* pg_conn_get: this thread's connection, opened on first use and reset when the server dropped it;
 * NULL (logged) when PostgreSQL cannot be reached. */
struct pg_conn *pg_conn_get(struct db *db);
/* pg_prepare: the statement for a static SQL string on this thread's connection, unbound and without
 * a result (prepared on the server at its first step); NULL (logged) on error. Call pg_done after use
 * (or dbs_done: it is a struct db_stmt). */
struct pg_stmt *pg_prepare(struct db *db, const char *sql);
void pg_done(struct pg_stmt *st);
/* pg_dollar_params: sql with its ?N parameters spelled $N, malloc'd; NULL when it has none. */
char *pg_dollar_params(const char *sql);
void pg_log(struct db *db, const char *what);
/* pg_one_line: libpq's message (which may span lines) as one line in dst, trailing space dropped. */
void pg_one_line(char *dst, size_t cap, const char *msg);
/* pg_changes: how many rows the last statement of this thread changed. */
long pg_changes(struct db *db);

void pgs_bind_int64(struct pg_stmt *st, int i, int64_t v);
void pgs_bind_null(struct pg_stmt *st, int i);
/* pgs_bind_text: binds s without copying (it must live until the statement is done); NULL = SQL NULL */
void pgs_bind_text(struct pg_stmt *st, int i, const char *s);
/* pgs_step: runs the statement on its first call, then moves to the next row: DBS_ROW, DBS_DONE,
 * DBS_CONFLICT (a unique key is taken) or DBS_ERROR. */
int pgs_step(struct pg_stmt *st);
int64_t pgs_int64(struct pg_stmt *st, int col);
#define pgs_int(st, col) ((int)pgs_int64((st), (col)))
/* pgs_text: the column of the current row (NULL for SQL NULL); valid until pg_done */
const char *pgs_text(struct pg_stmt *st, int col);

/* pg_article_terms: the search terms of an article (search_terms of headline, standfirst and the body's
 * plain text, body_text, joined by single spaces, the definition SQLite's terms column has too); malloc'd,
 * caller frees. */
char *pg_article_terms(const char *headline, const char *standfirst, const char *body_text);

/* pg_fill_body_text: fills articles.body_text (blocks_text of body_md) and terms for the rows that have
 * none yet (NULL: the rows there were when migration 15 added the column, or that a node of an older
 * release inserted since), 200 at a time, on this thread's connection, inside the caller's transaction
 * (pg_migrate's, at every start). DB_OK or DB_ERROR (logged). */
int pg_fill_body_text(struct db *db);

/* What implements db.h's db_X on PostgreSQL is pg_X, in the file named below; db_pg.c's db_pg_ops lists
 * them. */

/* Search (db_pg_search.c): the terms column with its GIN index; the newest q->candidates matches ranked
 * by ts_rank_cd blended with recency, snippets for the shown rows only. */
int pg_search(struct db *db, struct arena *a, const struct db_search_query *q, struct db_search_hit **out,
	      size_t *n, int64_t *total);
int pg_search_maintain(struct db *db, int64_t pages);
int pg_analyze(struct db *db, int full, int64_t *articles);

/* Health (db_pg_check.c): see db_check, db_limit_size (refused on PostgreSQL unless 0) and db_trouble. */
int pg_check(struct db *db, struct arena *a, const char ***problems, size_t *n);
int pg_limit_size(struct db *db, int64_t max_bytes);
const char *pg_trouble(struct db *db);

/* Cache purges between nodes (db_pg_notify.c). pg_notify_node_id: a random id for this process (17 bytes);
 * pg_notify_close: stops the listener (db_close). */
void pg_notify_node_id(char *out, size_t cap);
/* pg_notify_payloads: splits a purge of keys[0..n) (n 0: everything) published by node into notification
 * payloads of at most max bytes ("<node> <key> <key> ..." or "<node> *"), calling emit for each in order;
 * keys that are empty or hold a space are left out; a key too long for a payload of its own turns the
 * purge into "*". 0, or -1 when emit failed (it stops there) or node leaves no room. */
int pg_notify_payloads(const char *node, const char *const *keys, size_t n, size_t max,
		       int (*emit)(void *arg, const char *payload), void *arg);
/* pg_notify_dispatch: calls fn(arg, keys, n) for a payload received (n 0: everything), unless node
 * sent it itself or it is malformed. */
void pg_notify_dispatch(const char *node, const char *payload, db_purge_fn fn, void *arg);
int pg_purge_publish(struct db *db, const char *const *keys, size_t n);
int pg_purge_listen(struct db *db, db_purge_fn fn, void *arg);
void pg_notify_close(struct db *db);

/* Administration (db_pg.c): readiness, numbers for /metrics; online backup refused (pg_dump). */
int pg_ping(struct db *db);
int pg_stats(struct db *db, struct db_stats *out);
int pg_backup(struct db *db, const char *path, char *err, size_t errlen);

/* The site copy's target side (db_pg_copy.c; reading a PostgreSQL site out is refused: see db.h). */
int pg_copy_count(struct db *db, const char *table, int64_t *count);
int pg_copy_export(struct db *db, const char *table, const char *const *cols, size_t ncols, size_t batch,
		   db_rows_fn fn, void *ctx, char *err, size_t errlen);
int pg_copy_clear(struct db *db, const char *const *tables, size_t n, char *err, size_t errlen);
int pg_copy_import(struct db *db, const char *table, const struct db_rows *rows, char *err, size_t errlen);
int pg_copy_sequences(struct db *db, const char *table, char *err, size_t errlen);

#endif
