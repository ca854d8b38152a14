/* db_pg_webhooks.c - the PostgreSQL backend's webhook operations: endpoints, the delivery queue and the
 * attempt log (see db.h). The queue is filled inside the transaction of the change that causes an
 * event, by INSERT ... SELECT over the article and the active endpoints that want it. */
#include "db_pg_int.h"

static const char sql_insert[] = "INSERT INTO webhooks(url, secret, events, active, created_at) "
				 "VALUES($1, $2, $3, $4, $5) RETURNING id";

/* pgw_webhook_insert: stores a new endpoint; *id gets its id. DB_OK or DB_ERROR. */
int pgw_webhook_insert(struct db *db, const struct db_webhook *w, int64_t *id)
{
	struct pg_stmt *st = pg_prepare(db, sql_insert);
	if (!st)
		return DB_ERROR;
	pg_bind_text(st, 1, w->url);
	pg_bind_text(st, 2, w->secret);
	pg_bind_text(st, 3, w->events);
	pgs_bind_int64(st, 4, w->active ? 1 : 0);
	pgs_bind_int64(st, 5, w->created_at);
	return pg_step_id(db, st, id);
}

#define HOOK_COLS                                                                                             \
	"w.id, w.url, w.secret, w.events, w.active, w.created_at, "                                            \
	"(SELECT count(*) FROM webhook_queue q WHERE q.webhook_id = w.id AND q.state = 'pending'), "          \
	"(SELECT count(*) FROM webhook_queue q WHERE q.webhook_id = w.id AND q.state = 'failed') "

/* read_hook: the HOOK_COLS columns of the current row into arena copies. */
static void read_hook(struct arena *a, struct pg_stmt *st, struct db_webhook *w)
{
	w->id = pgs_int64(st, 0);
	w->url = pg_col_text_nn(a, st, 1);
	w->secret = pg_col_text_nn(a, st, 2);
	w->events = pg_col_text_nn(a, st, 3);
	w->active = pgs_int(st, 4);
	w->created_at = pgs_int64(st, 5);
	w->pending = pgs_int64(st, 6);
	w->failed = pgs_int64(st, 7);
}

static const char sql_list[] = "SELECT " HOOK_COLS "FROM webhooks w ORDER BY w.id";

/* pgw_webhooks_list: every endpoint, oldest first, into an arena array. DB_OK or DB_ERROR. */
int pgw_webhooks_list(struct db *db, struct arena *a, struct db_webhook **out, size_t *n)
{
	struct pg_stmt *st = pg_prepare(db, sql_list);
	if (!st)
		return DB_ERROR;
	PG_MANY(db, st, a, struct db_webhook, out, n, read_hook(a, st, row));
}

static const char sql_get[] = "SELECT " HOOK_COLS "FROM webhooks w WHERE w.id = $1";

/* pgw_webhook_get: one endpoint (arena copies). DB_OK, DB_NOTFOUND or DB_ERROR. */
int pgw_webhook_get(struct db *db, struct arena *a, int64_t id, struct db_webhook *out)
{
	struct pg_stmt *st = pg_prepare(db, sql_get);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, id);
	PG_ONE(db, st, read_hook(a, st, out));
}

static const char sql_active[] = "UPDATE webhooks SET active = $2 WHERE id = $1";
static const char sql_delete[] = "DELETE FROM webhooks WHERE id = $1"; /* queue and log cascade */

/* run_on_id: runs an UPDATE or DELETE of one webhook row. DB_OK, DB_NOTFOUND (no such row) or DB_ERROR. */
static int run_on_id(struct db *db, const char *sql, int64_t id, int bind2, int v)
{
	struct pg_stmt *st = pg_prepare(db, sql);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, id);
	if (bind2)
		pgs_bind_int64(st, 2, v);
	if (pg_step_done(db, st) != DB_OK)
		return DB_ERROR;
	return pg_changes(db) ? DB_OK : DB_NOTFOUND;
}

/* pgw_webhook_set_active: enables or disables an endpoint. DB_OK, DB_NOTFOUND or DB_ERROR. */
int pgw_webhook_set_active(struct db *db, int64_t id, int active)
{
	return run_on_id(db, sql_active, id, 1, active ? 1 : 0);
}

/* pgw_webhook_delete: deletes an endpoint with its queue and log. DB_OK, DB_NOTFOUND or DB_ERROR. */
int pgw_webhook_delete(struct db *db, int64_t id)
{
	return run_on_id(db, sql_delete, id, 0, 0);
}

static const char sql_enqueue[] =
	"INSERT INTO webhook_queue(webhook_id, event, payload, next_attempt_at, created_at) "
	"SELECT w.id, $2::text, " WEBHOOK_SNAPSHOT("a.published_at") ", $3::bigint, $3 FROM articles a "
	"JOIN webhooks w ON w.active = 1 AND " WEBHOOK_WANTS("$2") " WHERE a.id = $1 ORDER BY w.id";

/* pgw_webhook_enqueue: queues event for article_id to each active endpoint that wants it; *queued gets
 * how many. Runs in the caller's transaction. DB_OK or DB_ERROR. */
int pgw_webhook_enqueue(struct db *db, int64_t article_id, const char *event, int64_t now, int *queued)
{
	struct pg_stmt *st = pg_prepare(db, sql_enqueue);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, article_id);
	pg_bind_text(st, 2, event);
	pgs_bind_int64(st, 3, now);
	if (pg_step_done(db, st) != DB_OK)
		return DB_ERROR;
	*queued = pg_changes(db);
	return DB_OK;
}

/* the claim: one statement (so one atomic step whatever the caller's transaction state), rows another
 * node is claiming right now skipped rather than waited for; a row whose lease another node took meanwhile
 * is re-checked by PostgreSQL against the WHERE of the locking subquery and left out */
static const char sql_due[] =
	"WITH claimed AS (UPDATE webhook_queue q SET next_attempt_at = $3 FROM webhooks w "
	"WHERE w.id = q.webhook_id AND q.id IN (SELECT q2.id FROM webhook_queue q2 JOIN webhooks w2 ON w2.id = q2.webhook_id "
	"WHERE q2.state = 'pending' AND q2.next_attempt_at <= $1 AND w2.active = 1 "
	"ORDER BY q2.next_attempt_at, q2.id LIMIT $2 FOR UPDATE OF q2 SKIP LOCKED) "
	"RETURNING q.id, q.webhook_id, q.event, q.payload, w.url, w.secret, q.attempts, q.created_at) "
	"SELECT * FROM claimed ORDER BY id";

/* pgw_webhook_due: claims the due deliveries until lease_until (see db_webhook_due) and returns them
 * (arena copies), oldest first. DB_OK or DB_ERROR. */
int pgw_webhook_due(struct db *db, struct arena *a, int64_t now, int64_t limit, int64_t lease_until,
		    struct db_webhook_job **out, size_t *n)
{
	struct pg_stmt *st = pg_prepare(db, sql_due);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, now);
	pgs_bind_int64(st, 2, limit);
	pgs_bind_int64(st, 3, lease_until);
	PG_MANY(db, st, a, struct db_webhook_job, out, n,
		(row->id = pgs_int64(st, 0), row->webhook_id = pgs_int64(st, 1),
		 row->event = pg_col_text_nn(a, st, 2), row->payload = pg_col_text_nn(a, st, 3), row->url = pg_col_text_nn(a, st, 4),
		 row->secret = pg_col_text_nn(a, st, 5), row->attempts = pgs_int(st, 6),
		 row->created_at = pgs_int64(st, 7)));
}

static const char sql_log[] = "INSERT INTO webhook_deliveries(queue_id, attempt, at, status, error, duration_ms) "
			      "VALUES($1, $2, $3, $4, $5, $6)";
static const char sql_move[] = "UPDATE webhook_queue SET attempts = $2, state = $3, next_attempt_at = $4 WHERE id = $1";

/* pgw_webhook_attempt: logs an attempt and updates its queue row in one transaction. DB_OK or DB_ERROR. */
int pgw_webhook_attempt(struct db *db, int64_t queue_id, int attempt, int64_t at, int status, const char *error,
			int64_t duration_ms, const char *state, int64_t next_attempt_at)
{
	if (db->ops->begin(db) != DB_OK)
		return DB_ERROR;
	struct pg_stmt *st = pg_prepare(db, sql_log);
	int rc = DB_ERROR;
	if (st) {
		pgs_bind_int64(st, 1, queue_id);
		pgs_bind_int64(st, 2, attempt);
		pgs_bind_int64(st, 3, at);
		if (status > 0)
			pgs_bind_int64(st, 4, status);
		else
			pgs_bind_null(st, 4);
		pg_bind_text(st, 5, error && *error ? error : NULL);
		pgs_bind_int64(st, 6, duration_ms);
		rc = pg_step_done(db, st);
	}
	if (rc == DB_OK) {
		st = pg_prepare(db, sql_move);
		rc = DB_ERROR;
		if (st) {
			pgs_bind_int64(st, 1, queue_id);
			pgs_bind_int64(st, 2, attempt);
			pg_bind_text(st, 3, state);
			pgs_bind_int64(st, 4, next_attempt_at);
			rc = pg_step_done(db, st);
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
	"WHERE q.webhook_id = $1 ORDER BY d.at DESC, d.id DESC LIMIT $2";

/* pgw_webhook_deliveries: an endpoint's attempts, newest first (arena copies). DB_OK or DB_ERROR. */
int pgw_webhook_deliveries(struct db *db, struct arena *a, int64_t webhook_id, int64_t limit,
			   struct db_webhook_delivery **out, size_t *n)
{
	struct pg_stmt *st = pg_prepare(db, sql_deliveries);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, webhook_id);
	pgs_bind_int64(st, 2, limit);
	PG_MANY(db, st, a, struct db_webhook_delivery, out, n,
		(row->queue_id = pgs_int64(st, 0), row->event = pg_col_text_nn(a, st, 1),
		 row->attempt = pgs_int(st, 2), row->status = pgs_int(st, 3),
		 row->at = pgs_int64(st, 4), row->duration_ms = pgs_int64(st, 5),
		 row->error = pg_col_text_nn(a, st, 6), row->state = pg_col_text_nn(a, st, 7)));
}

static const char sql_release[] = "UPDATE webhook_queue SET next_attempt_at = $2 WHERE id = $1 AND state = 'pending'";

/* pgw_webhook_release: makes a claimed row due again at next_attempt_at. DB_OK or DB_ERROR. */
int pgw_webhook_release(struct db *db, int64_t queue_id, int64_t next_attempt_at)
{
	struct pg_stmt *st = pg_prepare(db, sql_release);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, queue_id);
	pgs_bind_int64(st, 2, next_attempt_at);
	return pg_step_done(db, st);
}
