/* store_webhooks.c - the store's webhook operations, written once for both engines (db_stmt.h):
 * endpoints, the delivery queue and the attempt log (see db.h). The queue is filled inside the transaction of the change that causes an
 * event, by INSERT ... SELECT over the article and the active endpoints that want it. */
#include "db_stmt.h"

static const char sql_insert[] = "INSERT INTO webhooks(url, secret, events, active, created_at) "
				 "VALUES(?1, ?2, ?3, ?4, ?5) RETURNING id";

/* db_webhook_insert: stores a new endpoint; *id gets its id. DB_OK or DB_ERROR. */
int db_webhook_insert(struct db *db, const struct db_webhook *w, int64_t *id)
{
	return dbs_insert(db, sql_insert,
			  DBS_ARGS(DBS_TEXT(w->url), DBS_TEXT(w->secret), DBS_TEXT(w->events), DBS_INT(w->active ? 1 : 0),
				   DBS_INT(w->created_at)),
			  id);
}

#define HOOK_COLS                                                                                             \
	"w.id, w.url, w.secret, w.events, w.active, w.created_at, "                                            \
	"(SELECT count(*) FROM webhook_queue q WHERE q.webhook_id = w.id AND q.state = 'pending'), "          \
	"(SELECT count(*) FROM webhook_queue q WHERE q.webhook_id = w.id AND q.state = 'failed') "

/* The row maps: hook_map the HOOK_COLS columns of an endpoint; job_map a queue row claimed for
 * delivery, with its endpoint's url and secret; delivery_map an attempt with its queue row's event and
 * state. */
#define W struct db_webhook
#define J struct db_webhook_job
#define D struct db_webhook_delivery
static const struct dbs_col hook_cols[] = {
	DBS_C_I64(W, id), DBS_C_TEXT_NN(W, url), DBS_C_TEXT_NN(W, secret), DBS_C_TEXT_NN(W, events),
	DBS_C_INT(W, active), DBS_C_I64(W, created_at), DBS_C_I64(W, pending), DBS_C_I64(W, failed)};
static const struct dbs_col job_cols[] = {DBS_C_I64(J, id), DBS_C_I64(J, webhook_id), DBS_C_TEXT_NN(J, event),
					  DBS_C_TEXT_NN(J, payload), DBS_C_TEXT_NN(J, url), DBS_C_TEXT_NN(J, secret),
					  DBS_C_INT(J, attempts), DBS_C_I64(J, created_at)};
static const struct dbs_col delivery_cols[] = {DBS_C_I64(D, queue_id), DBS_C_TEXT_NN(D, event), DBS_C_INT(D, attempt),
					       DBS_C_INT(D, status), DBS_C_I64(D, at), DBS_C_I64(D, duration_ms),
					       DBS_C_TEXT_NN(D, error), DBS_C_TEXT_NN(D, state)};
static const struct dbs_map hook_map = DBS_MAP(W, hook_cols, NULL);
static const struct dbs_map job_map = DBS_MAP(J, job_cols, NULL);
static const struct dbs_map delivery_map = DBS_MAP(D, delivery_cols, NULL);
#undef W
#undef J
#undef D

static const char sql_list[] = "SELECT " HOOK_COLS "FROM webhooks w ORDER BY w.id";

/* db_webhooks_list: every endpoint, oldest first, into an arena array. DB_OK or DB_ERROR. */
int db_webhooks_list(struct db *db, struct arena *a, struct db_webhook **out, size_t *n)
{
	return dbs_list(db, a, sql_list, DBS_NO_ARGS, &hook_map, out, n);
}

static const char sql_get[] = "SELECT " HOOK_COLS "FROM webhooks w WHERE w.id = ?1";

/* db_webhook_get: one endpoint (arena copies). DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_webhook_get(struct db *db, struct arena *a, int64_t id, struct db_webhook *out)
{
	return dbs_one(db, a, sql_get, DBS_ARGS(DBS_INT(id)), &hook_map, out);
}

static const char sql_active[] = "UPDATE webhooks SET active = ?2 WHERE id = ?1";
static const char sql_delete[] = "DELETE FROM webhooks WHERE id = ?1"; /* queue and log cascade */

/* only_found: rc of an UPDATE or DELETE of one webhook row: DB_OK, DB_NOTFOUND (no such row) or DB_ERROR. */
static int only_found(int rc)
{
	return rc == DB_OK || rc == DB_NOTFOUND ? rc : DB_ERROR;
}

/* db_webhook_set_active: enables or disables an endpoint. DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_webhook_set_active(struct db *db, int64_t id, int active)
{
	return only_found(dbs_run_one(db, sql_active, DBS_ARGS(DBS_INT(id), DBS_INT(active ? 1 : 0))));
}

/* db_webhook_delete: deletes an endpoint with its queue and log. DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_webhook_delete(struct db *db, int64_t id)
{
	return only_found(dbs_run_one(db, sql_delete, DBS_ARGS(DBS_INT(id))));
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
	long changes = 0;
	if (dbs_run_changes(db, DBS_SQL(db, sql_enqueue_sqlite, sql_enqueue_pg),
			    DBS_ARGS(DBS_INT(article_id), DBS_TEXT(event), DBS_INT(now)), &changes) != DB_OK)
		return DB_ERROR;
	*queued = (int)changes;
	return DB_OK;
}

#define ENQUEUE_WITH(SNAPSHOT, WANTS)                                                                         \
	"INSERT INTO webhook_queue(webhook_id, event, payload, next_attempt_at, created_at) "                  \
	"SELECT w.id, CAST(?2 AS TEXT), " SNAPSHOT ", CAST(?3 AS BIGINT), ?3 FROM articles a "                  \
	"JOIN webhooks w ON w.active = 1 AND " WANTS("?2") " WHERE a.id = ?1 ORDER BY w.id"
static const char sql_enqueue_with_sqlite[] =
	ENQUEUE_WITH("json_set(" WEBHOOK_SNAPSHOT_SQLITE("a.published_at") ", '$.entry', json(?4))", WEBHOOK_WANTS_SQLITE);
static const char sql_enqueue_with_pg[] =
	ENQUEUE_WITH("(CAST(" WEBHOOK_SNAPSHOT_PG("a.published_at") " AS jsonb) || jsonb_build_object('entry', CAST(?4 AS jsonb)))::text",
		     WEBHOOK_WANTS_PG);

/* db_webhook_enqueue_with: db_webhook_enqueue with the entry's JSON in the snapshot. DB_OK or DB_ERROR. */
int db_webhook_enqueue_with(struct db *db, int64_t article_id, const char *event, const char *entry, int64_t now,
			    int *queued)
{
	long changes = 0;
	if (dbs_run_changes(db, DBS_SQL(db, sql_enqueue_with_sqlite, sql_enqueue_with_pg),
			    DBS_ARGS(DBS_INT(article_id), DBS_TEXT(event), DBS_INT(now), DBS_TEXT(entry)), &changes) != DB_OK)
		return DB_ERROR;
	*queued = (int)changes;
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
	int pg = db->drv->engine == DB_ENGINE_PG; /* only PostgreSQL's claim has a lease (?3) */
	return dbs_list(db, a, DBS_SQL(db, sql_due_sqlite, sql_due_pg),
			DBS_ARGS(DBS_INT(now), DBS_INT(limit), pg ? DBS_INT(lease_until) : DBS_UNSET), &job_map, out, n);
}

static const char sql_log[] = "INSERT INTO webhook_deliveries(queue_id, attempt, at, status, error, duration_ms) "
			      "VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
static const char sql_move[] = "UPDATE webhook_queue SET attempts = ?2, state = ?3, next_attempt_at = ?4 WHERE id = ?1";

/* db_webhook_attempt: logs an attempt and updates its queue row in one transaction. DB_OK or DB_ERROR. */
int db_webhook_attempt(struct db *db, int64_t queue_id, int attempt, int64_t at, int status, const char *error,
			int64_t duration_ms, const char *state, int64_t next_attempt_at)
{
	if (db_begin(db) != DB_OK)
		return DB_ERROR;
	int rc = dbs_run(db, sql_log,
			 DBS_ARGS(DBS_INT(queue_id), DBS_INT(attempt), DBS_INT(at), status > 0 ? DBS_INT(status) : DBS_NULL,
				  DBS_TEXT(error && *error ? error : NULL), DBS_INT(duration_ms)));
	if (rc == DB_OK)
		rc = dbs_run(db, sql_move, DBS_ARGS(DBS_INT(queue_id), DBS_INT(attempt), DBS_TEXT(state), DBS_INT(next_attempt_at)));
	if (rc != DB_OK) {
		db_rollback(db);
		return DB_ERROR;
	}
	return db_commit(db) == DB_OK ? DB_OK : DB_ERROR;
}

static const char sql_deliveries[] =
	"SELECT d.queue_id, q.event, d.attempt, coalesce(d.status, 0), d.at, d.duration_ms, coalesce(d.error, ''), "
	"q.state FROM webhook_deliveries d JOIN webhook_queue q ON q.id = d.queue_id "
	"WHERE q.webhook_id = ?1 ORDER BY d.at DESC, d.id DESC LIMIT ?2";

/* db_webhook_deliveries: an endpoint's attempts, newest first (arena copies). DB_OK or DB_ERROR. */
int db_webhook_deliveries(struct db *db, struct arena *a, int64_t webhook_id, int64_t limit,
			   struct db_webhook_delivery **out, size_t *n)
{
	return dbs_list(db, a, sql_deliveries, DBS_ARGS(DBS_INT(webhook_id), DBS_INT(limit)), &delivery_map, out, n);
}

static const char sql_release[] = "UPDATE webhook_queue SET next_attempt_at = ?2 WHERE id = ?1 AND state = 'pending'";

/* db_webhook_release: see db.h. Only PostgreSQL claims rows (db_webhook_due); on SQLite there is
 * nothing to give back. */
int db_webhook_release(struct db *db, int64_t queue_id, int64_t next_attempt_at)
{
	if (db->drv->engine != DB_ENGINE_PG)
		return DB_OK;
	return dbs_run(db, sql_release, DBS_ARGS(DBS_INT(queue_id), DBS_INT(next_attempt_at)));
}
