/* db_stmt.h - the one statement interface the store is written on. Each engine's driver (db_sqlite.c,
 * db_pg.c) fills a struct db_driver; the store's domain files (store_*.c), transactions and the copy's
 * catalogue reads (db_stmt.c, db_copy.c) and the engines' own files where they can prepare, bind, step
 * and read columns through it, so a query is written once for both engines. Not for pages: they call db.h.
 *
 * SQL is written once with numbered parameters ?1, ?2 ... (SQLite's spelling; the PostgreSQL driver
 * turns them into $1, $2 ... once per connection). Where the dialects differ, both spellings stand side
 * by side in the same function and DBS_SQL picks one. Spellings both engines take: CAST(?1 AS BIGINT)
 * and CAST(?2 AS TEXT) where PostgreSQL cannot infer a parameter's type (a bare SELECT list, `?2 IS
 * NULL`), ON CONFLICT ... DO NOTHING/UPDATE, RETURNING, NULLS LAST, coalesce.
 *
 * A statement comes from a static SQL string: its address is the key of the connection's statement
 * cache, so it is prepared once per connection and reused. Every statement is finished with dbs_done
 * (the DBS_ONE/DBS_MANY helpers and dbs_exec/dbs_insert_id do it). */
#ifndef BROADSHEET_DB_STMT_H
#define BROADSHEET_DB_STMT_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "db.h"

struct db_stmt; /* a driver's prepared statement (sqlite3_stmt, struct pg_stmt) */

enum db_engine { DB_ENGINE_SQLITE, DB_ENGINE_PG };

/* What dbs_step answers. */
enum { DBS_ROW = 100, DBS_DONE = 101, DBS_CONFLICT = 102, DBS_ERROR = -1 };

/* What a driver's txn answers about this thread's connection: no transaction open, one open, or one open
 * in which a statement failed (PostgreSQL: COMMIT then rolls it back). */
enum dbs_txn { DBS_TXN_NONE, DBS_TXN_OPEN, DBS_TXN_FAILED };

struct db_driver {
	enum db_engine engine;
	/* prepare: the cached statement for a static SQL string on this thread's connection, unbound; NULL
	 * (logged) when it cannot be prepared or the connection cannot be opened */
	struct db_stmt *(*prepare)(struct db *db, const char *sql);
	void (*bind_int64)(struct db_stmt *st, int i, int64_t v);
	/* bind_text: binds s without copying (it must live until dbs_done); NULL binds SQL NULL */
	void (*bind_text)(struct db_stmt *st, int i, const char *s);
	void (*bind_null)(struct db_stmt *st, int i);
	/* step: runs the statement (first call) or moves to its next row: DBS_ROW, DBS_DONE, DBS_CONFLICT (a
	 * unique or primary key is taken) or DBS_ERROR (recorded for db_trouble, not yet logged) */
	int (*step)(struct db_stmt *st);
	int64_t (*col_int64)(struct db_stmt *st, int col); /* 0 for SQL NULL; a boolean reads as 0 or 1 */
	/* col_text: the column of the current row and its length in bytes, NULL for SQL NULL; valid until
	 * the next step or dbs_done */
	const char *(*col_text)(struct db_stmt *st, int col, size_t *len);
	void (*done)(struct db_stmt *st); /* resets the statement and clears its bindings */
	void (*log)(struct db *db, struct db_stmt *st); /* logs the last error with the statement's SQL */
	long (*changes)(struct db *db); /* rows the last INSERT/UPDATE/DELETE of this thread touched */
	/* txn: the state of this thread's transaction (DBS_TXN_OPEN also when it cannot tell); db_commit and
	 * db_rollback (db_stmt.c) read it */
	enum dbs_txn (*txn)(struct db *db);
	/* article_terms: the search terms the store writes beside an article (malloc'd, the caller frees),
	 * from its headline, standfirst and body's plain text (dbs_article_text), or NULL where the engine's
	 * index follows the row itself (SQLite's FTS5 triggers) */
	char *(*article_terms)(const char *headline, const char *standfirst, const char *body_text);
};

/* DBS_DRIVER: a driver's table for engine E whose functions are named P_<member> (sqd_prepare, pgd_step
 * ...): a function the driver lacks is a compile error, not a NULL member. */
#define DBS_DRIVER(E, P)                                                                                      \
	{                                                                                                     \
		.engine = (E), .prepare = P##_prepare, .bind_int64 = P##_bind_int64, .bind_text = P##_bind_text, \
		.bind_null = P##_bind_null, .step = P##_step, .col_int64 = P##_col_int64, .col_text = P##_col_text, \
		.done = P##_done, .log = P##_log, .changes = P##_changes, .txn = P##_txn,                      \
		.article_terms = P##_article_terms,                                                             \
	}

/* Each engine's two tables (db_sqlite.c, db_pg.c): every member set, which test_db_driver.c checks. */
extern const struct db_driver db_sqlite_driver, db_pg_driver;
extern const struct db_ops db_sqlite_ops, db_pg_ops;

/* DBS_SQL: the spelling of a statement for this store's engine, where the dialects differ; both are
 * static strings, so each stays the cache key of its own engine. */
#define DBS_SQL(db, sqlite_sql, pg_sql) ((db)->drv->engine == DB_ENGINE_PG ? (pg_sql) : (sqlite_sql))

static inline struct db_stmt *dbs_prepare(struct db *db, const char *sql) { return db->drv->prepare(db, sql); }
static inline void dbs_bind_int64(struct db *db, struct db_stmt *st, int i, int64_t v)
{ db->drv->bind_int64(st, i, v); }
static inline void dbs_bind_text(struct db *db, struct db_stmt *st, int i, const char *s)
{ db->drv->bind_text(st, i, s); }
/* dbs_bind_id: a row id, 0 binding SQL NULL (an optional foreign key) */
static inline void dbs_bind_id(struct db *db, struct db_stmt *st, int i, int64_t v)
{
	if (v)
		db->drv->bind_int64(st, i, v);
	else
		db->drv->bind_null(st, i);
}
static inline void dbs_bind_null(struct db *db, struct db_stmt *st, int i) { db->drv->bind_null(st, i); }
static inline int dbs_step(struct db *db, struct db_stmt *st) { return db->drv->step(st); }
static inline int64_t dbs_int64(struct db *db, struct db_stmt *st, int col) { return db->drv->col_int64(st, col); }
static inline void dbs_done(struct db *db, struct db_stmt *st) { db->drv->done(st); }
static inline long dbs_changes(struct db *db) { return db->drv->changes(db); }

/* dbs_text: the column copied into the arena (NULL for SQL NULL); dbs_text_nn: "" for SQL NULL. */
const char *dbs_text(struct db *db, struct arena *a, struct db_stmt *st, int col);
const char *dbs_text_nn(struct db *db, struct arena *a, struct db_stmt *st, int col);

/* dbs_exec: runs a statement that returns no rows (or whose rows are not wanted) and finishes it:
 * DB_OK, DB_CONFLICT or DB_ERROR (logged). */
int dbs_exec(struct db *db, struct db_stmt *st);
/* dbs_insert_id: runs INSERT ... RETURNING id and finishes it; *id gets the id (when id is not NULL).
 * DB_OK, DB_CONFLICT, DB_NOTFOUND (an INSERT ... SELECT that inserted no row) or DB_ERROR (logged; also
 * when the statement's end fails after its row). */
int dbs_insert_id(struct db *db, struct db_stmt *st, int64_t *id);
/* dbs_fail: logs the statement's error, finishes it and returns DB_ERROR (for the helpers below). */
int dbs_fail(struct db *db, struct db_stmt *st);

/* dbs_bind_search: binds the parameters both engines' search statements share: ?2 edition (NULL: both),
 * ?3 limit, ?4 offset, ?5 half-life in seconds (at least 1), ?6 now, ?7 every status (0/1), ?8 section
 * slug (NULL: all), ?11 owner (0: anyone). The engine binds ?1, ?9, ?10 and ?12 in its own terms. */
void dbs_bind_search(struct db *db, struct db_stmt *st, const struct db_search_query *q);

/* dbs_article_text: what the store writes beside an article's body for search (issue 18): *text, the
 * body's plain text (blocks_text: the words, typed blocks' captions, titles and quotes, never their keys
 * or media ids; "" for a NULL body), and *terms, the driver's article_terms of headline, standfirst and
 * that text (NULL where the engine's triggers write them, SQLite). Both malloc'd, the caller frees both.
 * DB_OK, or DB_ERROR (logged; nothing to free) when the body cannot be parsed (out of memory). */
int dbs_article_text(struct db *db, const char *headline, const char *standfirst, const char *body_md,
		     char **text, char **terms);

/* Why the storage cannot be written, as a driver records it for db_trouble; dbs_trouble_sentence: the
 * sentence for readers db_trouble returns for it (static), NULL for DBS_TROUBLE_NONE. */
enum dbs_trouble { DBS_TROUBLE_NONE, DBS_TROUBLE_FULL, DBS_TROUBLE_READONLY, DBS_TROUBLE_IO };
const char *dbs_trouble_sentence(enum dbs_trouble why);

/* DBS_REVISION_CHECKS: db_check's revision checks, plain queries each engine's check runs (each row one
 * fault, its first column the sentence), as entries of an array of {what, sql}; IS_DISTINCT: the
 * engine's null-safe "differs" operator. They hold only for articles the editor has saved (those made by
 * the demo loader or an import have no revisions until their first save). */
#define DBS_REVISION_CHECKS(IS_DISTINCT)                                                                      \
	{"revisions", "SELECT 'article ' || a.id || ' is at version ' || a.version || ' but its newest revision is ' " \
		      "|| max(r.version) FROM articles a JOIN article_revisions r ON r.article_id = a.id "      \
		      "GROUP BY a.id HAVING max(r.version) <> a.version"},                                     \
	{"revisions", "SELECT 'article ' || a.id || ': revision ' || r.version || ' does not hold the article''s text' " \
		      "FROM articles a JOIN article_revisions r ON r.article_id = a.id AND r.version = a.version " \
		      "WHERE r.headline " IS_DISTINCT " a.headline OR r.standfirst " IS_DISTINCT " a.standfirst " \
		      "OR r.body_md " IS_DISTINCT " a.body_md"},                                               \
	{"revisions", "SELECT 'article ' || article_id || ' has ' || count(*) || ' revisions for ' || max(version) " \
		      "|| ' versions' FROM article_revisions GROUP BY article_id "                             \
		      "HAVING count(*) <> max(version) - min(version) + 1"}

/* dbs_add_problem: appends an arena copy of text to the growing arena array *list (*n entries, room for
 * *cap), for db_check's list of faults. */
void dbs_add_problem(struct arena *a, const char ***list, size_t *n, size_t *cap, const char *text);

/* An article as lists and pages read it: the columns (with its section, lead image and approved
 * comment count), read by dbs_read_article; body_md and body_html, when selected, follow at ART_NCOLS
 * and ART_NCOLS + 1. */
#define ART_COLS                                                                                            \
	"a.id, a.edition, a.slug, a.headline, a.standfirst, a.dateline, a.status, a.section_id, s.slug, "   \
	"s.name, a.lead_media_id, m.path, m.alt, m.width, m.height, a.lead_caption, a.lead_credit, "       \
	"a.translation_group, a.top_rank, a.created_at, a.published_at, a.updated_at, a.comments_mode, "  \
	"a.comments_closed, (SELECT count(*) FROM comments c LEFT JOIN comments p ON p.id = c.parent_id "     \
	"WHERE c.article_id = a.id AND c.status = 'approved' AND (c.parent_id IS NULL OR p.status = 'approved')), " \
	"coalesce(m.focal_x, 5000), coalesce(m.focal_y, 5000), a.guid"
/* how many columns ART_COLS has: body_md and body_html follow at ART_NCOLS and ART_NCOLS + 1 */
#define ART_NCOLS 28
#define ART_FROM " FROM articles a JOIN sections s ON s.id = a.section_id LEFT JOIN media m ON m.id = a.lead_media_id "

/* An article as the webhook queue keeps it (PUB: the expression for its publication time), and whether
 * endpoint `w` wants event EV, in each dialect (JSON and string search are spelled differently). */
#define WEBHOOK_SNAPSHOT_SQLITE(PUB)                                                                          \
	"json_object('id', a.id, 'edition', a.edition, 'slug', a.slug, 'headline', a.headline, "              \
	"'standfirst', a.standfirst, 'published_at', " PUB ", 'updated_at', a.updated_at)"
#define WEBHOOK_SNAPSHOT_PG(PUB)                                                                              \
	"json_build_object('id', a.id, 'edition', a.edition, 'slug', a.slug, 'headline', a.headline, "        \
	"'standfirst', a.standfirst, 'published_at', " PUB ", 'updated_at', a.updated_at)::text"
#define WEBHOOK_WANTS_SQLITE(EV) "instr(',' || w.events || ',', ',' || " EV " || ',') > 0"
#define WEBHOOK_WANTS_PG(EV) "strpos(',' || w.events || ',', ',' || " EV " || ',') > 0"

/* dbs_read_article: the ART_COLS columns of the current row into r (zeroed first; then body_md and
 * body_html when with_body), text copied into the arena. */
void dbs_read_article(struct db *db, struct arena *a, struct db_stmt *st, struct db_article *r, int with_body);

/* DBS_ONE: steps a statement expected to return at most one row, reading it with READ; returns from the
 * calling function with DB_OK, DB_NOTFOUND or DB_ERROR (logged). The statement is finished. */
#define DBS_ONE(db, st, READ)                                                                                 \
	do {                                                                                                  \
		int rc_ = dbs_step((db), (st));                                                               \
		if (rc_ == DBS_ROW) {                                                                         \
			READ;                                                                                 \
			dbs_done((db), (st));                                                                 \
			return DB_OK;                                                                         \
		}                                                                                             \
		if (rc_ == DBS_DONE) {                                                                        \
			dbs_done((db), (st));                                                                 \
			return DB_NOTFOUND;                                                                   \
		}                                                                                             \
		return dbs_fail((db), (st));                                                                  \
	} while (0)

/* DBS_MANY: steps a statement over all rows into a growing arena array of T (each row zeroed, then read
 * with READ, which names it `row`); *out and *n get the array. Returns from the calling function with
 * DB_OK or DB_ERROR (logged). The statement is finished. */
#define DBS_MANY(db, st, a, T, out, n, READ)                                                                  \
	do {                                                                                                  \
		size_t cap_ = 16, cnt_ = 0;                                                                   \
		T *arr_ = arena_alloc((a), cap_ * sizeof(T));                                                 \
		int rc_;                                                                                      \
		while ((rc_ = dbs_step((db), (st))) == DBS_ROW) {                                             \
			if (cnt_ == cap_) {                                                                   \
				T *bigger_ = arena_alloc((a), 2 * cap_ * sizeof(T));                          \
				memcpy(bigger_, arr_, cap_ * sizeof(T));                                      \
				arr_ = bigger_;                                                               \
				cap_ *= 2;                                                                    \
			}                                                                                     \
			T *row = &arr_[cnt_++];                                                               \
			memset(row, 0, sizeof *row);                                                          \
			READ;                                                                                 \
		}                                                                                             \
		if (rc_ != DBS_DONE)                                                                          \
			return dbs_fail((db), (st));                                                          \
		dbs_done((db), (st));                                                                         \
		*(out) = arr_;                                                                                \
		*(n) = cnt_;                                                                                  \
		return DB_OK;                                                                                 \
	} while (0)

/* ==== One-call helpers ============================================================================
 * Fossil's db_int()/db_text()/db_multi_exec() for this interface: the common query is one call that
 * prepares the cached statement, binds a list of typed values to ?1, ?2 ..., steps it and finishes it.
 *
 *   return dbs_run(db, sql_set_status, DBS_ARGS(DBS_INT(id), DBS_TEXT(status)));
 *   return dbs_one_int(db, sql_count, DBS_ARGS(DBS_TEXT(key)), count);
 *   return dbs_list(db, a, sql_list, DBS_ARGS(DBS_INT(id)), &tag_map, out, n);
 *
 * A row is read into a struct through a column table (struct dbs_map): column i of the result into
 * cols[i], each entry naming its field's C type, checked when compiled. Every helper finishes its
 * statement and logs the error it returns as DB_ERROR. */

/* A value bound to one parameter. DBS_UNSET leaves the parameter unbound (SQL NULL): a hole in the
 * numbering, or a parameter only one engine's spelling has. */
enum dbs_arg_type { DBS_ARG_UNSET, DBS_ARG_INT, DBS_ARG_ID, DBS_ARG_TEXT, DBS_ARG_NULL };
struct dbs_arg {
	enum dbs_arg_type type;
	int64_t i;
	const char *s; /* not copied: it must live until the helper returns */
};
#define DBS_INT(v) ((struct dbs_arg){.type = DBS_ARG_INT, .i = (v)})
#define DBS_ID(v) ((struct dbs_arg){.type = DBS_ARG_ID, .i = (v)}) /* a row id, 0 binding SQL NULL */
#define DBS_TEXT(v) ((struct dbs_arg){.type = DBS_ARG_TEXT, .s = (v)}) /* NULL binds SQL NULL */
#define DBS_NULL ((struct dbs_arg){.type = DBS_ARG_NULL})
#define DBS_UNSET ((struct dbs_arg){.type = DBS_ARG_UNSET})

/* The values for ?1 .. ?n, in order: DBS_ARGS(DBS_INT(id), DBS_TEXT(slug)), or DBS_NO_ARGS. */
struct dbs_args {
	const struct dbs_arg *v;
	size_t n;
};
#define DBS_ARGS(...)                                                                                         \
	((struct dbs_args){(const struct dbs_arg[]){__VA_ARGS__},                                             \
			   sizeof((const struct dbs_arg[]){__VA_ARGS__}) / sizeof(struct dbs_arg)})
#define DBS_NO_ARGS ((struct dbs_args){NULL, 0})

/* How a column is read into its field: an int64_t, an int, text copied into the arena (NULL for SQL
 * NULL), or text with "" for SQL NULL. */
enum dbs_col_type { DBS_COL_I64, DBS_COL_INT, DBS_COL_TEXT, DBS_COL_TEXT_NN };
struct dbs_col {
	enum dbs_col_type type;
	size_t off; /* the field's offset in the row struct */
};
/* DBS_FIELD_: the offset of field F of T, a compile error unless F has type CT */
#define DBS_FIELD_(T, F, CT) (offsetof(T, F) + 0 * sizeof(_Generic(((T *)0)->F, CT: 1)))
#define DBS_C_I64(T, F) {DBS_COL_I64, DBS_FIELD_(T, F, int64_t)}
#define DBS_C_INT(T, F) {DBS_COL_INT, DBS_FIELD_(T, F, int)}
#define DBS_C_TEXT(T, F) {DBS_COL_TEXT, DBS_FIELD_(T, F, const char *)}
#define DBS_C_TEXT_NN(T, F) {DBS_COL_TEXT_NN, DBS_FIELD_(T, F, const char *)}

/* A row struct and how to read it: the row is zeroed, column i goes into cols[i], then read (when not
 * NULL) reads what a table cannot say (the article columns, fields computed from others). */
struct dbs_map {
	size_t size; /* sizeof the row struct */
	const struct dbs_col *cols;
	size_t ncols;
	void (*read)(struct db *db, struct arena *a, struct db_stmt *st, void *row);
};
#define DBS_MAP(T, COLS, READ) {sizeof(T), (COLS), sizeof(COLS) / sizeof((COLS)[0]), (READ)}
#define DBS_MAP_READ(T, READ) {sizeof(T), NULL, 0, (READ)}

/* dbs_query: the cached statement for sql with args bound, ready to step; NULL (logged) when it cannot
 * be prepared. The caller finishes it (dbs_done / dbs_fail). */
struct db_stmt *dbs_query(struct db *db, const char *sql, struct dbs_args args);
/* dbs_run: runs a statement that returns no rows (or whose rows are not wanted): DB_OK, DB_CONFLICT (a
 * unique key taken) or DB_ERROR (logged). */
int dbs_run(struct db *db, const char *sql, struct dbs_args args);
/* dbs_run_changes: dbs_run, and on DB_OK *changes gets how many rows the statement touched. */
int dbs_run_changes(struct db *db, const char *sql, struct dbs_args args, long *changes);
/* dbs_run_one: dbs_run for an UPDATE or DELETE of one row: DB_NOTFOUND when it touched none. */
int dbs_run_one(struct db *db, const char *sql, struct dbs_args args);
/* dbs_insert: runs INSERT ... RETURNING id (see dbs_insert_id): DB_OK (*id set when id is not NULL),
 * DB_CONFLICT, DB_NOTFOUND (an INSERT ... SELECT that inserted no row) or DB_ERROR (logged). */
int dbs_insert(struct db *db, const char *sql, struct dbs_args args, int64_t *id);
/* dbs_one_int: the first column of the first row as an integer (0 for SQL NULL) into *v: DB_OK,
 * DB_NOTFOUND (no row; *v untouched) or DB_ERROR (logged). */
int dbs_one_int(struct db *db, const char *sql, struct dbs_args args, int64_t *v);
/* dbs_one_bool: dbs_one_int, *found getting whether the value is above 0 (a count(*) of matches). */
int dbs_one_bool(struct db *db, const char *sql, struct dbs_args args, int *found);
/* dbs_one_text: the first column of the first row copied into the arena ("" for SQL NULL) into *v:
 * DB_OK, DB_NOTFOUND (*v untouched) or DB_ERROR (logged). */
int dbs_one_text(struct db *db, struct arena *a, const char *sql, struct dbs_args args, const char **v);
/* dbs_one: the first row read into *row through map (text in the arena): DB_OK, DB_NOTFOUND (*row
 * untouched) or DB_ERROR (logged). */
int dbs_one(struct db *db, struct arena *a, const char *sql, struct dbs_args args, const struct dbs_map *map,
	    void *row);
/* dbs_list: every row read through map into a new arena array; out is the address of the caller's
 * array pointer (struct T **, T being map's row struct), set with *n only on DB_OK. DB_OK or DB_ERROR
 * (logged). */
int dbs_list(struct db *db, struct arena *a, const char *sql, struct dbs_args args, const struct dbs_map *map,
	     void *out, size_t *n);
/* dbs_claim: a queue's claim of due rows: runs claim_sql (its ?1 now, ?2 limit, ?3 lease_until, ?4 claim:
 * marks at most limit due rows as taken by claim until lease_until), then lists the rows claimed_sql (?1
 * claim) reads through map, as dbs_list does. *n = 0 when nothing was due. DB_OK or DB_ERROR (logged). */
int dbs_claim(struct db *db, struct arena *a, const char *claim_sql, const char *claimed_sql, int64_t now, int64_t limit,
	      int64_t lease_until, int64_t claim, const struct dbs_map *map, void *out, size_t *n);
/* dbs_each: calls fn(db, st, ctx) for each row (read its columns with dbs_int64/dbs_text) until fn
 * returns non-zero: DB_OK or DB_ERROR (logged). */
int dbs_each(struct db *db, const char *sql, struct dbs_args args,
	     int (*fn)(struct db *db, struct db_stmt *st, void *ctx), void *ctx);

/* dbs_or_empty: s, or "" for NULL (columns that are NOT NULL with an empty default). */
static inline const char *dbs_or_empty(const char *s) { return s ? s : ""; }

/* Rows several domain files read: an article (ART_COLS; with its body_md and body_html after them),
 * a tag (id, edition, slug, name), an author (id, edition, slug, name, bio), a section (id, edition,
 * slug, name, position). */
extern const struct dbs_map dbs_article_map, dbs_article_body_map, dbs_tag_map, dbs_author_map, dbs_section_map;

#endif
