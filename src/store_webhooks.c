/* store_webhooks.c - the store's webhook operations, written once for both engines (db_stmt.h):
 * endpoints, the delivery queue and the attempt log (see db.h). The queue is filled inside the transaction of the change that causes an
 * event, by INSERT ... SELECT over the article and the active endpoints that want it. */
#include "db_stmt.h"

static const char sql_insert[] = "INSERT INTO webhooks(url, secret, events, active, created_at) "
				 "VALUES(?1, ?2, ?3, ?4, ?5) RETURNING id";

/* db_webhook_insert: stores a new endpoint; *id gets its id. DB_OK or DB_ERROR. */
int db_webhook_insert(struct db *db, const struct db_webhook *w, int64_t *id)
{
	struct db_stmt *st = dbs_prepare(db, sql_insert);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, w->url);
	dbs_bind_text(db, st, 2, w->secret);
	dbs_bind_text(db, st, 3, w->events);
	dbs_bind_int64(db, st, 4, w->active ? 1 : 0);
	dbs_bind_int64(db, st, 5, w->created_at);
	return dbs_insert_id(db, st, id);
}

#define HOOK_COLS                                                                                             \
	"w.id, w.url, w.secret, w.events, w.active, w.created_at, "                                            \
	"(SELECT count(*) FROM webhook_queue q WHERE q.webhook_id = w.id AND q.state = 'pending'), "          \
	"(SELECT count(*) FROM webhook_queue q WHERE q.webhook_id = w.id AND q.state = 'failed') "

/* read_hook: the HOOK_COLS columns of the current row into arena copies. */
static void read_hook(struct db *db, struct arena *a, struct db_stmt *st, struct db_webhook *w)
{
	w->id = dbs_int64(db, st, 0);
	w->url = dbs_text_nn(db, a, st, 1);
	w->secret = dbs_text_nn(db, a, st, 2);
	w->events = dbs_text_nn(db, a, st, 3);
	w->active = (int)dbs_int64(db, st, 4);
	w->created_at = dbs_int64(db, st, 5);
	w->pending = dbs_int64(db, st, 6);
	w->failed = dbs_int64(db, st, 7);
}

static const char sql_list[] = "SELECT " HOOK_COLS "FROM webhooks w ORDER BY w.id";

/* db_webhooks_list: every endpoint, oldest first, into an arena array. DB_OK or DB_ERROR. */
int db_webhooks_list(struct db *db, struct arena *a, struct db_webhook **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, sql_list);
	if (!st)
		return DB_ERROR;
	DBS_MANY(db, st, a, struct db_webhook, out, n, read_hook(db, a, st, row));
}

static const char sql_get[] = "SELECT " HOOK_COLS "FROM webhooks w WHERE w.id = ?1";

/* db_webhook_get: one endpoint (arena copies). DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_webhook_get(struct db *db, struct arena *a, int64_t id, struct db_webhook *out)
{
	struct db_stmt *st = dbs_prepare(db, sql_get);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, id);
	DBS_ONE(db, st, read_hook(db, a, st, out));
}

static const char sql_active[] = "UPDATE webhooks SET active = ?2 WHERE id = ?1";
static const char sql_delete[] = "DELETE FROM webhooks WHERE id = ?1"; /* queue and log cascade */

/* run_on_id: runs an UPDATE or DELETE of one webhook row. DB_OK, DB_NOTFOUND (no such row) or DB_ERROR. */
static int run_on_id(struct db *db, const char *sql, int64_t id, int bind2, int v)
{
	struct db_stmt *st = dbs_prepare(db, sql);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, id);
	if (bind2)
		dbs_bind_int64(db, st, 2, v);
	if (dbs_exec(db, st) != DB_OK)
		return DB_ERROR;
	return dbs_changes(db) ? DB_OK : DB_NOTFOUND;
}

/* db_webhook_set_active: enables or disables an endpoint. DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_webhook_set_active(struct db *db, int64_t id, int active)
{
	return run_on_id(db, sql_active, id, 1, active ? 1 : 0);
}

/* db_webhook_delete: deletes an endpoint with its queue and log. DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_webhook_delete(struct db *db, int64_t id)
{
	return run_on_id(db, sql_delete, id, 0, 0);
}

#define ENQUEUE(SNAPSHOT, WANTS)                                                                              \
	"INSERT INTO webhook_queue(webhook_id, event, payload, next_attempt_at, created_at) "                  \
	"SELECT w.id, CAST(?2 AS TEXT), " SNAPSHOT("a.published_at") ", CAST(?3 AS BIGINT), ?3 FROM articles a " \
	"JOIN webhooks w ON w.active = 1 AND " WANTS("?2") " WHERE a.id = ?1 ORDER BY w.id"
static const char sql_enqueue_sqlite[] = ENQUEUE(WEBHOOK_SNAPSHOT_SQLITE, WEBHOOK_WANTS_SQLITE);
static const char sql_enqueue_pg[] = ENQUEUE(WEBHOOK_SNAPSHOT_PG, WEBHOOK_WANTS_PG);

/* db_webhook_enqueue: queues event for article_id to each active endpoint that wants it; *queued gets
 * how many. Runs in the caller's transaction. DB_OK or DB_ERROR. */
int db_webhook_enqueue(struct db *db, int64_t article_id, const char *event, int64_t now, int *queued)
{
	struct db_stmt *st = dbs_prepare(db, DBS_SQL(db, sql_enqueue_sqlite, sql_enqueue_pg));
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, article_id);
	dbs_bind_text(db, st, 2, event);
	dbs_bind_int64(db, st, 3, now);
	if (dbs_exec(db, st) != DB_OK)
		return DB_ERROR;
	*queued = (int)dbs_changes(db);
	return DB_OK;
}

/* SQLite: one process per site, so the due rows are simply read (there is no lease). PostgreSQL:
 * the claim is one statement (so one atomic step whatever the caller's transaction state), rows another
 * node is claiming right now skipped rather than waited for; a row whose lease another node took
 * meanwhile is re-checked by PostgreSQL against the WHERE of the locking subquery and left out. */
static const char sql_due_sqlite[] =
	"SELECT q.id, q.webhook_id, q.event, q.payload, w.url, w.secret, q.attempts, q.created_at "
	"FROM webhook_queue q JOIN webhooks w ON w.id = q.webhook_id "
	"WHERE q.state = 'pending' AND q.next_attempt_at <= ?1 AND w.active = 1 "
	"ORDER BY q.next_attempt_at, q.id LIMIT ?2";
static const char sql_due_pg[] =
	"WITH claimed AS (UPDATE webhook_queue q SET next_attempt_at = ?3 FROM webhooks w "
	"WHERE w.id = q.webhook_id AND q.id IN (SELECT q2.id FROM webhook_queue q2 JOIN webhooks w2 ON w2.id = q2.webhook_id "
	"WHERE q2.state = 'pending' AND q2.next_attempt_at <= ?1 AND w2.active = 1 "
	"ORDER BY q2.next_attempt_at, q2.id LIMIT ?2 FOR UPDATE OF q2 SKIP LOCKED) "
	"RETURNING q.id, q.webhook_id, q.event, q.payload, w.url, w.secret, q.attempts, q.created_at) "
	"SELECT * FROM claimed ORDER BY id";

int db_webhook_due(struct db *db, struct arena *a, int64_t now, int64_t limit, int64_t lease_until,
		   struct db_webhook_job **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, DBS_SQL(db, sql_due_sqlite, sql_due_pg));
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, now);
	dbs_bind_int64(db, st, 2, limit);
	if (db->drv->engine == DB_ENGINE_PG)
		dbs_bind_int64(db, st, 3, lease_until);
	DBS_MANY(db, st, a, struct db_webhook_job, out, n,
		(row->id = dbs_int64(db, st, 0), row->webhook_id = dbs_int64(db, st, 1),
		 row->event = dbs_text_nn(db, a, st, 2), row->payload = dbs_text_nn(db, a, st, 3), row->url = dbs_text_nn(db, a, st, 4),
		 row->secret = dbs_text_nn(db, a, st, 5), row->attempts = (int)dbs_int64(db, st, 6),
		 row->created_at = dbs_int64(db, st, 7)));
}

static const char sql_log[] = "INSERT INTO webhook_deliveries(queue_id, attempt, at, status, error, duration_ms) "
			      "VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
static const char sql_move[] = "UPDATE webhook_queue SET attempts = ?2, state = ?3, next_attempt_at = ?4 WHERE id = ?1";

/* db_webhook_attempt: logs an attempt and updates its queue row in one transaction. DB_OK or DB_ERROR. */
int db_webhook_attempt(struct db *db, int64_t queue_id, int attempt, int64_t at, int status, const char *error,
			int64_t duration_ms, const char *state, int64_t next_attempt_at)
{
	if (db->ops->begin(db) != DB_OK)
		return DB_ERROR;
	struct db_stmt *st = dbs_prepare(db, sql_log);
	int rc = DB_ERROR;
	if (st) {
		dbs_bind_int64(db, st, 1, queue_id);
		dbs_bind_int64(db, st, 2, attempt);
		dbs_bind_int64(db, st, 3, at);
		if (status > 0)
			dbs_bind_int64(db, st, 4, status);
		else
			dbs_bind_null(db, st, 4);
		dbs_bind_text(db, st, 5, error && *error ? error : NULL);
		dbs_bind_int64(db, st, 6, duration_ms);
		rc = dbs_exec(db, st);
	}
	if (rc == DB_OK) {
		st = dbs_prepare(db, sql_move);
		rc = DB_ERROR;
		if (st) {
			dbs_bind_int64(db, st, 1, queue_id);
			dbs_bind_int64(db, st, 2, attempt);
			dbs_bind_text(db, st, 3, state);
			dbs_bind_int64(db, st, 4, next_attempt_at);
			rc = dbs_exec(db, st);
		}
	}
	if (rc != DB_OK) {
		db->ops->rollback(db);
		return DB_ERROR;
	}
	return db->ops->commit(db) == DB_OK ? DB_OK : DB_ERROR;
}

static const char sql_deliveries[] =
	"SELECT d.queue_id, q.event, d.attempt, coalesce(d.status, 0), d.at, d.duration_ms, coalesce(d.error, ''), "
	"q.state FROM webhook_deliveries d JOIN webhook_queue q ON q.id = d.queue_id "
	"WHERE q.webhook_id = ?1 ORDER BY d.at DESC, d.id DESC LIMIT ?2";

/* db_webhook_deliveries: an endpoint's attempts, newest first (arena copies). DB_OK or DB_ERROR. */
int db_webhook_deliveries(struct db *db, struct arena *a, int64_t webhook_id, int64_t limit,
			   struct db_webhook_delivery **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, sql_deliveries);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, webhook_id);
	dbs_bind_int64(db, st, 2, limit);
	DBS_MANY(db, st, a, struct db_webhook_delivery, out, n,
		(row->queue_id = dbs_int64(db, st, 0), row->event = dbs_text_nn(db, a, st, 1),
		 row->attempt = (int)dbs_int64(db, st, 2), row->status = (int)dbs_int64(db, st, 3),
		 row->at = dbs_int64(db, st, 4), row->duration_ms = dbs_int64(db, st, 5),
		 row->error = dbs_text_nn(db, a, st, 6), row->state = dbs_text_nn(db, a, st, 7)));
}

static const char sql_release[] = "UPDATE webhook_queue SET next_attempt_at = ?2 WHERE id = ?1 AND state = 'pending'";

/* db_webhook_release: see db.h. Only PostgreSQL claims rows (db_webhook_due); on SQLite there is
 * nothing to give back. */
int db_webhook_release(struct db *db, int64_t queue_id, int64_t next_attempt_at)
{
	if (db->drv->engine != DB_ENGINE_PG)
		return DB_OK;
	struct db_stmt *st = dbs_prepare(db, sql_release);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, queue_id);
	dbs_bind_int64(db, st, 2, next_attempt_at);
	return dbs_exec(db, st);
}
