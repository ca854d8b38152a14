/* db_pg.c - the PostgreSQL driver (libpq): the statement interface (db_stmt.h) on PostgreSQL, the
 * connections and migrations, readiness and /metrics, and the table of the engine's own operations
 * (db_pg_ops). Chosen by db_open for postgresql:// URLs.
 *
 * Connections: one per thread, opened on first use and kept until db_close, like the SQLite backend
 * (the HTTP thread pool, the scheduler and the webhook sender each hold one), so a node uses at most
 * threads + 2 connections and no request waits for a pool. A connection the server dropped is reset on
 * its next use (its statements are prepared again), so a restarted PostgreSQL costs the requests that
 * were running, not the process.
 * Statements: every statement is a static SQL string with ?N (spelled $N here) or $N parameters, prepared
 * once per connection (PQprepare) and run with bound text parameters (PQexecPrepared); no value is ever
 * put into SQL text.
 * Transactions: db_begin/db_commit (db_stmt.c) are BEGIN/COMMIT at READ COMMITTED; writes that must not race are
 * guarded by the row they change (the article's version, unique keys), as on SQLite. COMMIT returns
 * after the WAL is flushed (synchronous_commit is left at its default, on), so a commit is durable.
 * Migrations: db_schema.c's list, the PostgreSQL script of each entry, under a transaction-scoped
 * advisory lock so two nodes starting at once migrate one after the other (the second finds nothing
 * to do); the version reached is kept in the table broadsheet_schema. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_pg_int.h"
#include "db_schema.h"
#include "log.h"
#include "search.h"
#include "util.h"

/* The advisory lock migrations hold: any constant both nodes agree on ("bsmigrat" in ASCII). */
#define PG_MIGRATE_LOCK "7165217426658354548"

void pg_one_line(char *dst, size_t cap, const char *msg)
{
	size_t n = 0;
	for (const char *p = msg; *p && n + 1 < cap; p++) {
		char ch = *p == '\n' || *p == '\t' ? ' ' : *p;
		if (ch == ' ' && (n == 0 || dst[n - 1] == ' '))
			continue;
		dst[n++] = ch;
	}
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

void pg_log(struct db *db, const char *what)
{
	struct pg_db *d = (struct pg_db *)db;
	struct pg_conn *c = pthread_getspecific(d->key);
	char msg[512];
	pg_one_line(msg, sizeof msg, c && c->h ? PQerrorMessage(c->h) : "no connection");
	if (c && c->sqlstate[0])
		log_error("postgresql: %s: %s (SQLSTATE %s)", what, msg, c->sqlstate);
	else
		log_error("postgresql: %s: %s", what, msg);
}

/* pg_connect: opens a connection to url and checks it; NULL with the server's reason in err. */
static PGconn *pg_connect(const char *url, char *err, size_t errlen)
{
	PGconn *h = PQconnectdb(url);
	if (!h) {
		snprintf(err, errlen, "cannot connect to PostgreSQL: out of memory");
		return NULL;
	}
	if (PQstatus(h) != CONNECTION_OK) {
		char msg[512];
		pg_one_line(msg, sizeof msg, PQerrorMessage(h));
		snprintf(err, errlen, "cannot connect to PostgreSQL: %s", msg);
		PQfinish(h);
		return NULL;
	}
	/* quiet NOTICEs (IF NOT EXISTS ...) and UTC for the few date functions the queries use */
	PGresult *r = PQexec(h, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok || PQsetClientEncoding(h, "UTF8") != 0) {
		snprintf(err, errlen, "cannot configure the PostgreSQL connection: %s", PQerrorMessage(h));
		PQfinish(h);
		return NULL;
	}
	return h;
}

static void pg_conn_close(struct pg_conn *c)
{
	for (int i = 0; i < PG_CACHE; i++) {
		if (c->cache[i]) {
			PQclear(c->cache[i]->res);
			free(c->cache[i]->own_text);
			free(c->cache[i]);
		}
	}
	PQfinish(c->h);
	free(c);
}

static int pg_conn_reset(struct pg_conn *c);

static _Thread_local int pg_unreachable;

void pg_unreachable_note(void)
{
	pg_unreachable = 1;
}

int pg_unreachable_take(void)
{
	int was = pg_unreachable;
	pg_unreachable = 0;
	return was;
}

struct pg_conn *pg_conn_get(struct db *db)
{
	struct pg_db *d = (struct pg_db *)db;
	struct pg_conn *c = pthread_getspecific(d->key);
	if (c) {
		if (PQstatus(c->h) != CONNECTION_OK && pg_conn_reset(c) < 0) {
			pg_unreachable_note();
			return NULL;
		}
		return c;
	}
	char err[512];
	PGconn *h = pg_connect(d->url, err, sizeof err);
	if (!h) {
		log_error("%s", err);
		pg_unreachable_note();
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->h = h;
	pthread_mutex_lock(&d->mu);
	c->next = d->conns;
	d->conns = c;
	pthread_mutex_unlock(&d->mu);
	pthread_setspecific(d->key, c);
	return c;
}

/* count_params: the highest $N in sql (quoted strings never hold one in our statements). */
static int count_params(const char *sql)
{
	int most = 0;
	for (const char *p = sql; *p; p++) {
		if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
			int k = (int)strtol(p + 1, NULL, 10);
			if (k > most)
				most = k;
		}
	}
	return most;
}

/* pg_dollar_params: sql with each numbered parameter ?N outside quoted strings and identifiers spelled
 * $N (the statement interface's SQL is written once in SQLite's spelling, see db_stmt.h); NULL when sql
 * has none (use it as it is), else malloc'd, the caller's to free. */
char *pg_dollar_params(const char *sql)
{
	if (!strchr(sql, '?'))
		return NULL;
	char *out = xstrdup(sql);
	char quote = 0;
	for (char *p = out; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '?' && p[1] >= '0' && p[1] <= '9') {
			*p = '$';
		}
	}
	return out;
}

struct pg_stmt *pg_prepare(struct db *db, const char *sql)
{
	struct pg_conn *c = pg_conn_get(db);
	if (!c)
		return NULL;
	size_t h = ((uintptr_t)sql >> 4) % PG_CACHE;
	for (size_t k = 0; k < PG_CACHE; k++, h = (h + 1) % PG_CACHE) {
		struct pg_stmt *st = c->cache[h];
		if (st && st->sql == sql)
			return st;
		if (!st) {
			st = xcalloc(1, sizeof *st);
			st->conn = c;
			st->sql = sql;
			st->own_text = pg_dollar_params(sql);
			st->text = st->own_text ? st->own_text : sql;
			st->nparams = count_params(st->text);
			snprintf(st->name, sizeof st->name, "bs%zu", h);
			if (st->nparams > PG_MAXPARAM) {
				log_error("postgresql: too many parameters in %s", sql);
				free(st->own_text);
				free(st);
				return NULL;
			}
			c->cache[h] = st;
			return st;
		}
	}
	log_error("postgresql: statement cache full");
	return NULL;
}

void pg_done(struct pg_stmt *st)
{
	PQclear(st->res);
	st->res = NULL;
	st->row = st->nrows = 0;
	for (int i = 0; i < PG_MAXPARAM; i++)
		st->val[i] = NULL;
}

long pg_changes(struct db *db)
{
	struct pg_conn *c = pthread_getspecific(((struct pg_db *)db)->key);
	return c ? c->changes : 0;
}

void pgs_bind_int64(struct pg_stmt *st, int i, int64_t v)
{
	if (i < 1 || i > PG_MAXPARAM)
		return;
	snprintf(st->num[i - 1], sizeof st->num[i - 1], "%lld", (long long)v);
	st->val[i - 1] = st->num[i - 1];
}

void pgs_bind_null(struct pg_stmt *st, int i)
{
	if (i >= 1 && i <= PG_MAXPARAM)
		st->val[i - 1] = NULL;
}

void pgs_bind_text(struct pg_stmt *st, int i, const char *s)
{
	if (i >= 1 && i <= PG_MAXPARAM)
		st->val[i - 1] = s;
}

/* pgs_fail: records the SQLSTATE of a failed result (and, for db_trouble, whether it says the storage
 * cannot be written) and frees it: DBS_CONFLICT or DBS_ERROR. */
static int pgs_fail(struct pg_stmt *st, PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	snprintf(st->conn->sqlstate, sizeof st->conn->sqlstate, "%s", state ? state : "");
	PQclear(r);
	if (strcmp(st->conn->sqlstate, "53100") == 0)
		st->conn->trouble = DBS_TROUBLE_FULL;
	else if (strcmp(st->conn->sqlstate, "25006") == 0)
		st->conn->trouble = DBS_TROUBLE_READONLY;
	else if (strcmp(st->conn->sqlstate, "58030") == 0)
		st->conn->trouble = DBS_TROUBLE_IO;
	/* the server went away (class 08: connection exception; 57P01-57P03: shut down, crashed, starting) */
	if (PQstatus(st->conn->h) == CONNECTION_BAD || strncmp(st->conn->sqlstate, "08", 2) == 0 ||
	    strncmp(st->conn->sqlstate, "57P0", 4) == 0)
		pg_unreachable_note();
	return strcmp(st->conn->sqlstate, "23505") == 0 ? DBS_CONFLICT : DBS_ERROR;
}

/* pgs_run: prepares the statement on its connection if needed and runs it; DBS_DONE (the result is in
 * st->res), DBS_CONFLICT or DBS_ERROR. */
static int pgs_run(struct pg_stmt *st)
{
	PGconn *h = st->conn->h;
	st->conn->sqlstate[0] = '\0';
	if (!st->prepared) {
		/* a parameter the SQL never names (count statements share the list's numbering) gets a
		 * type, or PostgreSQL refuses the statement; the others are inferred from their use */
		Oid types[PG_MAXPARAM] = {0};
		for (int i = 0; i < st->nparams; i++) {
			char ref[16];
			snprintf(ref, sizeof ref, "$%d", i + 1);
			const char *p = st->text;
			while ((p = strstr(p, ref)) && p[strlen(ref)] >= '0' && p[strlen(ref)] <= '9')
				p += strlen(ref);
			if (!p)
				types[i] = 20; /* int8 */
		}
		PGresult *r = PQprepare(h, st->name, st->text, st->nparams, types);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			return pgs_fail(st, r);
		PQclear(r);
		st->prepared = 1;
	}
	PGresult *r = PQexecPrepared(h, st->name, st->nparams, st->val, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(r);
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK)
		return pgs_fail(st, r);
	st->res = r;
	st->nrows = PQntuples(r);
	st->row = -1;
	const char *ch = PQcmdTuples(r);
	st->conn->changes = ch && *ch ? strtol(ch, NULL, 10) : 0;
	return DBS_DONE;
}

/* pg_conn_reset: reconnects a connection the server dropped; its statements are prepared again on
 * their next use. 0, or -1 (logged) when the server is still unreachable. */
static int pg_conn_reset(struct pg_conn *c)
{
	PQreset(c->h);
	if (PQstatus(c->h) != CONNECTION_OK) {
		char msg[512];
		pg_one_line(msg, sizeof msg, PQerrorMessage(c->h));
		log_error("postgresql: reconnecting: %s", msg);
		return -1;
	}
	for (int i = 0; i < PG_CACHE; i++)
		if (c->cache[i])
			c->cache[i]->prepared = 0;
	log_info("postgresql: reconnected");
	return 0;
}

int pgs_step(struct pg_stmt *st)
{
	if (!st->res) {
		/* outside a transaction a statement that found its connection dropped (a restarted server)
		 * is tried once more on a new one; inside, the transaction is lost and the caller's error
		 * path rolls back */
		int idle = PQtransactionStatus(st->conn->h) == PQTRANS_IDLE;
		int rc = pgs_run(st);
		if (rc == DBS_ERROR && idle && PQstatus(st->conn->h) == CONNECTION_BAD && pg_conn_reset(st->conn) == 0) {
			pg_unreachable = 0; /* back: only this statement's own outcome counts */
			rc = pgs_run(st);
		}
		if (rc != DBS_DONE)
			return rc;
	}
	if (st->row < st->nrows)
		st->row++;
	return st->row < st->nrows ? DBS_ROW : DBS_DONE;
}

int64_t pgs_int64(struct pg_stmt *st, int col)
{
	if (!st->res || st->row >= st->nrows || PQgetisnull(st->res, st->row, col))
		return 0;
	const char *v = PQgetvalue(st->res, st->row, col);
	if (v[0] == 't' && v[1] == '\0')
		return 1; /* a boolean */
	return strtoll(v, NULL, 10);
}

const char *pgs_text(struct pg_stmt *st, int col)
{
	if (!st->res || st->row >= st->nrows || PQgetisnull(st->res, st->row, col))
		return NULL;
	return PQgetvalue(st->res, st->row, col);
}

/* The statement interface (db_stmt.h) on PostgreSQL: a struct db_stmt is a struct pg_stmt. */
static struct db_stmt *pgd_prepare(struct db *db, const char *sql) { return (struct db_stmt *)pg_prepare(db, sql); }
static void pgd_bind_int64(struct db_stmt *st, int i, int64_t v) { pgs_bind_int64((struct pg_stmt *)st, i, v); }
static void pgd_bind_text(struct db_stmt *st, int i, const char *s) { pgs_bind_text((struct pg_stmt *)st, i, s); }
static void pgd_bind_null(struct db_stmt *st, int i) { pgs_bind_null((struct pg_stmt *)st, i); }
static int64_t pgd_col_int64(struct db_stmt *st, int col) { return pgs_int64((struct pg_stmt *)st, col); }
static void pgd_done(struct db_stmt *st) { pg_done((struct pg_stmt *)st); }
static void pgd_log(struct db *db, struct db_stmt *st) { pg_log(db, ((struct pg_stmt *)st)->sql); }
static long pgd_changes(struct db *db) { return pg_changes(db); }

static int pgd_step(struct db_stmt *st) { return pgs_step((struct pg_stmt *)st); }

static const char *pgd_col_text(struct db_stmt *st, int col, size_t *len)
{
	struct pg_stmt *p = (struct pg_stmt *)st;
	const char *s = pgs_text(p, col);
	*len = s ? (size_t)PQgetlength(p->res, p->row, col) : 0;
	return s;
}

/* pgd_txn: the state of this thread's transaction; none when the thread has no connection or has lost it
 * (the server rolled the transaction back). */
static enum dbs_txn pgd_txn(struct db *db)
{
	struct pg_conn *c = pthread_getspecific(((struct pg_db *)db)->key);
	if (!c || PQstatus(c->h) != CONNECTION_OK)
		return DBS_TXN_NONE;
	switch (PQtransactionStatus(c->h)) {
	case PQTRANS_IDLE:
		return DBS_TXN_NONE;
	case PQTRANS_INERROR:
		return DBS_TXN_FAILED;
	default:
		return DBS_TXN_OPEN;
	}
}

/* pgd_article_terms: the driver's article_terms (see pg_article_terms). */
static char *pgd_article_terms(const char *headline, const char *standfirst, const char *body_text)
{
	return pg_article_terms(headline, standfirst, body_text);
}

const struct db_driver db_pg_driver = DBS_DRIVER(DB_ENGINE_PG, pgd);

char *pg_article_terms(const char *headline, const char *standfirst, const char *body_text)
{
	const char *parts[3] = {headline, standfirst, body_text};
	struct buf out = BUF_INIT, one = BUF_INIT;
	for (int i = 0; i < 3; i++) {
		if (!parts[i])
			continue;
		one.len = 0;
		search_terms(&one, parts[i], strlen(parts[i]));
		if (!one.len)
			continue;
		if (out.len)
			buf_lit(&out, " ");
		buf_append(&out, one.data, one.len);
	}
	buf_free(&one);
	char *s = xstrdup(out.data ? out.data : "");
	buf_free(&out);
	return s;
}

static void pg_close(struct db *db)
{
	struct pg_db *d = (struct pg_db *)db;
	pg_notify_close(db);
	struct pg_conn *c = d->conns;
	while (c) {
		struct pg_conn *next = c->next;
		pg_conn_close(c);
		c = next;
	}
	pthread_key_delete(d->key);
	pthread_mutex_destroy(&d->mu);
	free(d->url);
	free(d);
}

/* pg_exec: runs a parameterless script (migrations, transaction control); 0, or -1 with the server's
 * message logged under what. */
static int pg_exec(struct pg_conn *c, const char *sql, const char *what)
{
	PGresult *r = PQexec(c->h, sql);
	ExecStatusType s = PQresultStatus(r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		const char *msg = PQresultErrorMessage(r);
		log_error("postgresql: %s: %s", what, msg && *msg ? msg : PQerrorMessage(c->h));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

/* pg_value: the first column of the first row of a parameterless query as a number; -1 on error. */
static int64_t pg_value(struct pg_conn *c, const char *sql)
{
	PGresult *r = PQexec(c->h, sql);
	int64_t v = -1;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

/* pg_ping: /readyz: this thread's connection answers SELECT 1 (reconnecting when it was dropped). DB_OK or
 * DB_ERROR. */
int pg_ping(struct db *db)
{
	struct pg_conn *c = pg_conn_get(db);
	return c && pg_value(c, "SELECT 1") == 1 ? DB_OK : DB_ERROR;
}

/* pg_stats: /metrics: the connections this process holds (one per thread that used the store) and the
 * database's size (db_stats adds the webhook deliveries waiting). DB_OK, or DB_ERROR when PostgreSQL does not answer. */
int pg_stats(struct db *db, struct db_stats *out)
{
	struct pg_db *d = (struct pg_db *)db;
	out->connections = 0;
	out->connections_busy = -1; /* each thread owns its connection */
	pthread_mutex_lock(&d->mu);
	for (struct pg_conn *c = d->conns; c; c = c->next)
		out->connections++;
	pthread_mutex_unlock(&d->mu);
	struct pg_conn *c = pg_conn_get(db);
	if (!c)
		return DB_ERROR;
	out->size_bytes = pg_value(c, "SELECT pg_database_size(current_database())");
	return out->size_bytes >= 0 ? DB_OK : DB_ERROR;
}

/* pg_migrate: applies the migrations the database lacks, all in one transaction under the advisory
 * lock. DB_OK (*version = the newest) or DB_ERROR (logged; nothing changed). */
static int pg_migrate(struct db *db, int *version)
{
	struct pg_conn *c = pg_conn_get(db);
	if (!c)
		return DB_ERROR;
	if (pg_exec(c, "BEGIN", "migrations") < 0)
		return DB_ERROR;
	if (pg_exec(c,
		    "SELECT pg_advisory_xact_lock(" PG_MIGRATE_LOCK ");"
		    "CREATE TABLE IF NOT EXISTS broadsheet_schema(version integer NOT NULL);"
		    "INSERT INTO broadsheet_schema SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM broadsheet_schema)",
		    "migration lock") < 0) {
		pg_exec(c, "ROLLBACK", "rollback");
		return DB_ERROR;
	}
	PGresult *r = PQexec(c->h, "SELECT version FROM broadsheet_schema");
	int current = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? atoi(PQgetvalue(r, 0, 0)) : -1;
	PQclear(r);
	size_t nmig = 0;
	const struct db_migration *mig = db_schema_migrations(&nmig);
	if (current < 0 || current > (int)nmig) {
		if (current < 0)
			pg_log(db, "reading the schema version");
		else
			log_error("postgresql: database schema version %d is newer than this program (%zu)", current, nmig);
		pg_exec(c, "ROLLBACK", "rollback");
		return DB_ERROR;
	}
	for (size_t i = (size_t)current; i < nmig; i++) {
		char what[160], set[64];
		snprintf(what, sizeof what, "migration %zu (%s)", i + 1, mig[i].name);
		snprintf(set, sizeof set, "UPDATE broadsheet_schema SET version = %zu", i + 1);
		if (!mig[i].pg) {
			log_error("postgresql: %s has no PostgreSQL script", what);
			pg_exec(c, "ROLLBACK", "rollback");
			return DB_ERROR;
		}
		if ((mig[i].pg[0] && pg_exec(c, mig[i].pg, what) < 0) || pg_exec(c, set, what) < 0) {
			pg_exec(c, "ROLLBACK", "rollback");
			return DB_ERROR;
		}
	}
	/* what SQL cannot do: the bodies' plain text (migration 15) is made in C, at every start: also for
	 * articles a node of the release before wrote during a rolling upgrade (NULL there); with nothing to
	 * fill, one look at an empty partial index */
	if (pg_fill_body_text(db) != DB_OK) {
		pg_exec(c, "ROLLBACK", "rollback");
		return DB_ERROR;
	}
	if (pg_exec(c, "COMMIT", "committing the migrations") < 0)
		return DB_ERROR;
	if (version)
		*version = (int)nmig;
	return DB_OK;
}

/* pg_bulk_reads: see db_bulk_reads. Nothing to tune on PostgreSQL: the server's shared buffers and the
 * OS cache serve a bulk reader without per-connection settings. */
static void pg_bulk_reads(struct db *db)
{
	(void)db;
}

/* pg_backup: refused: a PostgreSQL database is backed up with its own tools (pg_dump). */
int pg_backup(struct db *db, const char *path, char *err, size_t errlen)
{
	(void)db, (void)path;
	snprintf(err, errlen, "the postgresql backend has no online backup: use its own tools (docs/operations.md)");
	return DB_ERROR;
}

/* The engine's own operations, one line per file that holds them (see db_pg_int.h). */
const struct db_ops db_pg_ops = {
	.name = "postgresql",
	.close = pg_close, .migrate = pg_migrate, .bulk_reads = pg_bulk_reads,
	.ping = pg_ping, .stats = pg_stats, .backup = pg_backup,
	.search = pg_search, .search_maintain = pg_search_maintain, .analyze = pg_analyze,
	.check = pg_check, .limit_size = pg_limit_size, .trouble = pg_trouble,
	.purge_publish = pg_purge_publish, .purge_listen = pg_purge_listen,
	.copy_count = pg_copy_count, .copy_export = pg_copy_export, .copy_clear = pg_copy_clear,
	.copy_import = pg_copy_import, .copy_sequences = pg_copy_sequences,
};

struct db *db_pg_open(const char *url, char *err, size_t errlen)
{
	PGconn *h = pg_connect(url, err, errlen);
	if (!h)
		return NULL;
	struct pg_db *d = xcalloc(1, sizeof *d);
	d->base.ops = &db_pg_ops;
	d->base.drv = &db_pg_driver;
	d->url = xstrdup(url);
	pg_notify_node_id(d->node, sizeof d->node);
	pthread_mutex_init(&d->mu, NULL);
	if (pthread_key_create(&d->key, NULL) != 0) {
		snprintf(err, errlen, "out of thread keys");
		PQfinish(h);
		pthread_mutex_destroy(&d->mu);
		free(d->url);
		free(d);
		return NULL;
	}
	struct pg_conn *c = xcalloc(1, sizeof *c);
	c->h = h;
	d->conns = c;
	pthread_setspecific(d->key, c);
	return &d->base;
}
