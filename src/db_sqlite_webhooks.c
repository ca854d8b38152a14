/* db_sqlite_webhooks.c - the SQLite backend's webhook operations: endpoints, the delivery queue and the
 * attempt log (see db.h). The queue is filled inside the transaction of the change that causes an
 * event, by INSERT ... SELECT over the article and the active endpoints that want it. */
#include "db_sqlite_int.h"

static const char sql_insert[] = "INSERT INTO webhooks(url, secret, events, active, created_at) "
				 "VALUES(?1, ?2, ?3, ?4, ?5) RETURNING id";

/* sqw_webhook_insert: stores a new endpoint; *id gets its id. DB_OK or DB_ERROR. */
int sqw_webhook_insert(struct db *db, const struct db_webhook *w, int64_t *id)
{
	sqlite3_stmt *st = sq_prepare(db, sql_insert);
	if (!st)
		return DB_ERROR;
	bind_text(st, 1, w->url);
	bind_text(st, 2, w->secret);
	bind_text(st, 3, w->events);
	sqlite3_bind_int(st, 4, w->active ? 1 : 0);
	sqlite3_bind_int64(st, 5, w->created_at);
	return sq_step_id(db, st, id);
}

#define HOOK_COLS                                                                                             \
	"w.id, w.url, w.secret, w.events, w.active, w.created_at, "                                            \
	"(SELECT count(*) FROM webhook_queue q WHERE q.webhook_id = w.id AND q.state = 'pending'), "          \
	"(SELECT count(*) FROM webhook_queue q WHERE q.webhook_id = w.id AND q.state = 'failed') "

/* read_hook: the HOOK_COLS columns of the current row into arena copies. */
static void read_hook(struct arena *a, sqlite3_stmt *st, struct db_webhook *w)
{
	w->id = sqlite3_column_int64(st, 0);
	w->url = col_text_nn(a, st, 1);
	w->secret = col_text_nn(a, st, 2);
	w->events = col_text_nn(a, st, 3);
	w->active = sqlite3_column_int(st, 4);
	w->created_at = sqlite3_column_int64(st, 5);
	w->pending = sqlite3_column_int64(st, 6);
	w->failed = sqlite3_column_int64(st, 7);
}

static const char sql_list[] = "SELECT " HOOK_COLS "FROM webhooks w ORDER BY w.id";

/* sqw_webhooks_list: every endpoint, oldest first, into an arena array. DB_OK or DB_ERROR. */
int sqw_webhooks_list(struct db *db, struct arena *a, struct db_webhook **out, size_t *n)
{
	sqlite3_stmt *st = sq_prepare(db, sql_list);
	if (!st)
		return DB_ERROR;
	SQ_MANY(db, st, a, struct db_webhook, out, n, read_hook(a, st, row));
}

static const char sql_get[] = "SELECT " HOOK_COLS "FROM webhooks w WHERE w.id = ?1";

/* sqw_webhook_get: one endpoint (arena copies). DB_OK, DB_NOTFOUND or DB_ERROR. */
int sqw_webhook_get(struct db *db, struct arena *a, int64_t id, struct db_webhook *out)
{
	sqlite3_stmt *st = sq_prepare(db, sql_get);
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, id);
	SQ_ONE(db, st, read_hook(a, st, out));
}

static const char sql_active[] = "UPDATE webhooks SET active = ?2 WHERE id = ?1";
static const char sql_delete[] = "DELETE FROM webhooks WHERE id = ?1"; /* queue and log cascade */

/* run_on_id: runs an UPDATE or DELETE of one webhook row. DB_OK, DB_NOTFOUND (no such row) or DB_ERROR. */
static int run_on_id(struct db *db, const char *sql, int64_t id, int bind2, int v)
{
	struct sq_conn *c = sq_conn((struct sq_db *)db);
	sqlite3_stmt *st = c ? sq_prepare(db, sql) : NULL;
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, id);
	if (bind2)
		sqlite3_bind_int(st, 2, v);
	if (sq_step_done(db, st) != DB_OK)
		return DB_ERROR;
	return sqlite3_changes(c->h) ? DB_OK : DB_NOTFOUND;
}

/* sqw_webhook_set_active: enables or disables an endpoint. DB_OK, DB_NOTFOUND or DB_ERROR. */
int sqw_webhook_set_active(struct db *db, int64_t id, int active)
{
	return run_on_id(db, sql_active, id, 1, active ? 1 : 0);
}

/* sqw_webhook_delete: deletes an endpoint with its queue and log. DB_OK, DB_NOTFOUND or DB_ERROR. */
int sqw_webhook_delete(struct db *db, int64_t id)
{
	return run_on_id(db, sql_delete, id, 0, 0);
}

static const char sql_enqueue[] =
	"INSERT INTO webhook_queue(webhook_id, event, payload, next_attempt_at, created_at) "
	"SELECT w.id, ?2, " WEBHOOK_SNAPSHOT("a.published_at") ", ?3, ?3 FROM articles a "
	"JOIN webhooks w ON w.active = 1 AND " WEBHOOK_WANTS("?2") " WHERE a.id = ?1 ORDER BY w.id";

/* sqw_webhook_enqueue: queues event for article_id to each active endpoint that wants it; *queued gets
 * how many. Runs in the caller's transaction. DB_OK or DB_ERROR. */
int sqw_webhook_enqueue(struct db *db, int64_t article_id, const char *event, int64_t now, int *queued)
{
	struct sq_conn *c = sq_conn((struct sq_db *)db);
	sqlite3_stmt *st = c ? sq_prepare(db, sql_enqueue) : NULL;
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	bind_text(st, 2, event);
	sqlite3_bind_int64(st, 3, now);
	if (sq_step_done(db, st) != DB_OK)
		return DB_ERROR;
	*queued = sqlite3_changes(c->h);
	return DB_OK;
}

static const char sql_due[] =
	"SELECT q.id, q.webhook_id, q.event, q.payload, w.url, w.secret, q.attempts, q.created_at "
	"FROM webhook_queue q JOIN webhooks w ON w.id = q.webhook_id "
	"WHERE q.state = 'pending' AND q.next_attempt_at <= ?1 AND w.active = 1 "
	"ORDER BY q.next_attempt_at, q.id LIMIT ?2";

/* sqw_webhook_due: the due deliveries (arena copies), oldest first; no claim (one process per SQLite
 * site: lease_until is unused). DB_OK or DB_ERROR. */
int sqw_webhook_due(struct db *db, struct arena *a, int64_t now, int64_t limit, int64_t lease_until,
		    struct db_webhook_job **out, size_t *n)
{
	(void)lease_until;
	sqlite3_stmt *st = sq_prepare(db, sql_due);
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, limit);
	SQ_MANY(db, st, a, struct db_webhook_job, out, n,
		(row->id = sqlite3_column_int64(st, 0), row->webhook_id = sqlite3_column_int64(st, 1),
		 row->event = col_text_nn(a, st, 2), row->payload = col_text_nn(a, st, 3), row->url = col_text_nn(a, st, 4),
		 row->secret = col_text_nn(a, st, 5), row->attempts = sqlite3_column_int(st, 6),
		 row->created_at = sqlite3_column_int64(st, 7)));
}

static const char sql_log[] = "INSERT INTO webhook_deliveries(queue_id, attempt, at, status, error, duration_ms) "
			      "VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
static const char sql_move[] = "UPDATE webhook_queue SET attempts = ?2, state = ?3, next_attempt_at = ?4 WHERE id = ?1";

/* sqw_webhook_attempt: logs an attempt and updates its queue row in one transaction. DB_OK or DB_ERROR. */
int sqw_webhook_attempt(struct db *db, int64_t queue_id, int attempt, int64_t at, int status, const char *error,
			int64_t duration_ms, const char *state, int64_t next_attempt_at)
{
	if (db->ops->begin(db) != DB_OK)
		return DB_ERROR;
	sqlite3_stmt *st = sq_prepare(db, sql_log);
	int rc = DB_ERROR;
	if (st) {
		sqlite3_bind_int64(st, 1, queue_id);
		sqlite3_bind_int(st, 2, attempt);
		sqlite3_bind_int64(st, 3, at);
		if (status > 0)
			sqlite3_bind_int(st, 4, status);
		else
			sqlite3_bind_null(st, 4);
		bind_text(st, 5, error && *error ? error : NULL);
		sqlite3_bind_int64(st, 6, duration_ms);
		rc = sq_step_done(db, st);
	}
	if (rc == DB_OK) {
		st = sq_prepare(db, sql_move);
		rc = DB_ERROR;
		if (st) {
			sqlite3_bind_int64(st, 1, queue_id);
			sqlite3_bind_int(st, 2, attempt);
			bind_text(st, 3, state);
			sqlite3_bind_int64(st, 4, next_attempt_at);
			rc = sq_step_done(db, st);
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

/* sqw_webhook_deliveries: an endpoint's attempts, newest first (arena copies). DB_OK or DB_ERROR. */
int sqw_webhook_deliveries(struct db *db, struct arena *a, int64_t webhook_id, int64_t limit,
			   struct db_webhook_delivery **out, size_t *n)
{
	sqlite3_stmt *st = sq_prepare(db, sql_deliveries);
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, webhook_id);
	sqlite3_bind_int64(st, 2, limit);
	SQ_MANY(db, st, a, struct db_webhook_delivery, out, n,
		(row->queue_id = sqlite3_column_int64(st, 0), row->event = col_text_nn(a, st, 1),
		 row->attempt = sqlite3_column_int(st, 2), row->status = sqlite3_column_int(st, 3),
		 row->at = sqlite3_column_int64(st, 4), row->duration_ms = sqlite3_column_int64(st, 5),
		 row->error = col_text_nn(a, st, 6), row->state = col_text_nn(a, st, 7)));
}

/* sqw_webhook_release: see db_webhook_release: SQLite never claims a row, so there is nothing to give
 * back. DB_OK. */
int sqw_webhook_release(struct db *db, int64_t queue_id, int64_t next_attempt_at)
{
	(void)db;
	(void)queue_id;
	(void)next_attempt_at;
	return DB_OK;
}
