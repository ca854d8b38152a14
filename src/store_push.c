/* store_push.c - the store's Web Push operations, written once for both engines (db_stmt.h): readers'
 * subscriptions, alerts, and the delivery queue (one row per alert and subscription) that push.c's sender
 * claims with a lease, sends and records (see db.h). */
#include "db_stmt.h"

static const char sql_subscribe[] =
	"INSERT INTO push_subscriptions(endpoint, p256dh, auth, edition, address_hash, created_at, updated_at) "
	"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT(endpoint) DO UPDATE SET p256dh = excluded.p256dh, "
	"auth = excluded.auth, edition = excluded.edition, address_hash = excluded.address_hash, "
	"updated_at = excluded.updated_at RETURNING id";

int db_push_subscribe(struct db *db, const char *endpoint, const char *p256dh, const char *auth, const char *edition,
		      const char *address_hash, int64_t now, int64_t *id)
{
	return dbs_insert(db, sql_subscribe,
			  DBS_ARGS(DBS_TEXT(endpoint), DBS_TEXT(p256dh), DBS_TEXT(auth), DBS_TEXT(edition),
				   DBS_TEXT(address_hash), DBS_INT(now)),
			  id);
}

static const char sql_gone_pending[] =
	"UPDATE push_deliveries SET state = 'removed', done_at = ?2, lease_until = 0 WHERE state = 'pending' AND "
	"subscription_id = ?1";
static const char sql_unsub_id[] = "SELECT id FROM push_subscriptions WHERE endpoint = ?1";
static const char sql_unsub[] = "DELETE FROM push_subscriptions WHERE id = ?1";

int db_push_unsubscribe(struct db *db, const char *endpoint, int64_t now)
{
	if (db_begin(db) != DB_OK)
		return DB_ERROR;
	int64_t id = 0;
	int rc = dbs_one_int(db, sql_unsub_id, DBS_ARGS(DBS_TEXT(endpoint)), &id);
	if (rc == DB_OK)
		rc = dbs_run(db, sql_gone_pending, DBS_ARGS(DBS_INT(id), DBS_INT(now)));
	if (rc == DB_OK)
		rc = dbs_run(db, sql_unsub, DBS_ARGS(DBS_INT(id)));
	if (rc != DB_OK) {
		db_rollback(db);
		return rc == DB_NOTFOUND ? DB_NOTFOUND : DB_ERROR;
	}
	return db_commit(db) == DB_OK ? DB_OK : DB_ERROR;
}

static const char sql_recent[] = "SELECT count(*) FROM push_subscriptions WHERE address_hash = ?1 AND updated_at >= ?2";

int db_push_recent(struct db *db, const char *address_hash, int64_t since, int64_t *count)
{
	return dbs_one_int(db, sql_recent, DBS_ARGS(DBS_TEXT(address_hash), DBS_INT(since)), count);
}

static const char sql_subscribers[] =
	"SELECT count(*) FROM push_subscriptions WHERE CAST(?1 AS TEXT) IS NULL OR edition = ?1";

int db_push_subscribers(struct db *db, const char *edition, int64_t *count)
{
	return dbs_one_int(db, sql_subscribers, DBS_ARGS(DBS_TEXT(edition)), count);
}

static const char sql_alert_insert[] =
	"INSERT INTO push_alerts(edition, title, body, url, source, created_by, created_at) "
	"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id";
static const char sql_fan_out[] =
	"INSERT INTO push_deliveries(alert_id, subscription_id, next_attempt_at) "
	"SELECT CAST(?1 AS BIGINT), id, CAST(?2 AS BIGINT) FROM push_subscriptions WHERE edition = ?3 ORDER BY id";

int db_push_alert_create(struct db *db, const struct db_push_alert *a, int64_t now, int64_t *id, int64_t *queued)
{
	long changes = 0;
	if (dbs_insert(db, sql_alert_insert,
		       DBS_ARGS(DBS_TEXT(a->edition), DBS_TEXT(a->title), DBS_TEXT(a->body), DBS_TEXT(a->url),
				DBS_TEXT(a->source ? a->source : ""), DBS_ID(a->created_by), DBS_INT(now)),
		       id) != DB_OK ||
	    dbs_run_changes(db, sql_fan_out, DBS_ARGS(DBS_INT(*id), DBS_INT(now), DBS_TEXT(a->edition)), &changes) != DB_OK)
		return DB_ERROR;
	*queued = changes;
	return DB_OK;
}

#define CLAIM_DUE(LOCK)                                                                                       \
	"UPDATE push_deliveries SET claim = ?4, lease_until = ?3 WHERE id IN (SELECT id FROM push_deliveries "   \
	"WHERE state = 'pending' AND next_attempt_at <= ?1 AND lease_until <= ?1 ORDER BY next_attempt_at, id " \
	"LIMIT ?2" LOCK ")"
static const char sql_claim_sqlite[] = CLAIM_DUE("");
static const char sql_claim_pg[] = CLAIM_DUE(" FOR UPDATE SKIP LOCKED");
static const char sql_claimed[] =
	"SELECT d.id, d.alert_id, d.subscription_id, d.attempts, s.endpoint, s.p256dh, s.auth, a.edition, a.title, "
	"a.body, a.url FROM push_deliveries d JOIN push_subscriptions s ON s.id = d.subscription_id "
	"JOIN push_alerts a ON a.id = d.alert_id WHERE d.claim = ?1 AND d.state = 'pending' ORDER BY d.id";

#define J struct db_push_job
static const struct dbs_col job_cols[] = {
	DBS_C_I64(J, id),	    DBS_C_I64(J, alert_id),	 DBS_C_I64(J, subscription_id), DBS_C_INT(J, attempts),
	DBS_C_TEXT_NN(J, endpoint), DBS_C_TEXT_NN(J, p256dh),	 DBS_C_TEXT_NN(J, auth),	DBS_C_TEXT_NN(J, edition),
	DBS_C_TEXT_NN(J, title),    DBS_C_TEXT_NN(J, body),	 DBS_C_TEXT_NN(J, url)};
static const struct dbs_map job_map = DBS_MAP(J, job_cols, NULL);
#undef J

int db_push_claim(struct db *db, struct arena *a, int64_t now, int64_t limit, int64_t lease_until, int64_t claim,
		  struct db_push_job **out, size_t *n)
{
	return dbs_claim(db, a, DBS_SQL(db, sql_claim_sqlite, sql_claim_pg), sql_claimed, now, limit, lease_until, claim,
			 &job_map, out, n);
}

static const char sql_record[] =
	"UPDATE push_deliveries SET state = ?3, attempts = ?4, next_attempt_at = ?5, status = ?6, error = ?7, "
	"done_at = ?8, lease_until = 0 WHERE id = ?1 AND claim = ?2 AND state = 'pending'";
static const char sql_gone[] = "DELETE FROM push_subscriptions WHERE id = ?1";

int db_push_record(struct db *db, const struct db_push_result *r, size_t n, int64_t now)
{
	if (db_begin(db) != DB_OK)
		return DB_ERROR;
	int rc = DB_OK;
	for (size_t i = 0; i < n && rc == DB_OK; i++) {
		int pending = strcmp(r[i].state, "pending") == 0;
		rc = dbs_run(db, sql_record,
			     DBS_ARGS(DBS_INT(r[i].id), DBS_INT(r[i].claim), DBS_TEXT(r[i].state), DBS_INT(r[i].attempts),
				      DBS_INT(r[i].next_attempt_at), DBS_INT(r[i].status),
				      DBS_TEXT(r[i].error ? r[i].error : ""), DBS_INT(pending ? 0 : now)));
		if (rc == DB_OK && strcmp(r[i].state, "removed") == 0) {
			rc = dbs_run(db, sql_gone_pending, DBS_ARGS(DBS_INT(r[i].subscription_id), DBS_INT(now)));
			if (rc == DB_OK)
				rc = dbs_run(db, sql_gone, DBS_ARGS(DBS_INT(r[i].subscription_id)));
		}
	}
	if (rc != DB_OK) {
		db_rollback(db);
		return DB_ERROR;
	}
	return db_commit(db) == DB_OK ? DB_OK : DB_ERROR;
}

static const char sql_release[] = "UPDATE push_deliveries SET lease_until = 0 WHERE state = 'pending' AND lease_until > 0";

int db_push_release(struct db *db)
{
	if (db->drv->engine == DB_ENGINE_PG)
		return DB_OK; /* other nodes may be sending: their leases run out by themselves */
	return dbs_run(db, sql_release, DBS_NO_ARGS);
}

#define COUNT_STATE(s) "coalesce(sum(CASE WHEN d.state = '" s "' THEN 1 ELSE 0 END), 0)"
#define ALERT_SQL(WHERE)                                                                                      \
	"SELECT a.id, a.edition, a.title, a.body, a.url, a.source, coalesce(a.created_by, 0), a.created_at, "   \
	"count(d.id), " COUNT_STATE("sent") ", " COUNT_STATE("failed") ", " COUNT_STATE("removed") ", "          \
	COUNT_STATE("pending") " FROM push_alerts a LEFT JOIN push_deliveries d ON d.alert_id = a.id " WHERE      \
	" GROUP BY a.id, a.edition, a.title, a.body, a.url, a.source, a.created_by, a.created_at "
static const char sql_alerts[] = ALERT_SQL("") "ORDER BY a.id DESC LIMIT ?1";
static const char sql_alert[] = ALERT_SQL("WHERE a.id = ?1");

#define A struct db_push_alert
static const struct dbs_col alert_cols[] = {
	DBS_C_I64(A, id),	  DBS_C_TEXT_NN(A, edition), DBS_C_TEXT_NN(A, title),  DBS_C_TEXT_NN(A, body),
	DBS_C_TEXT_NN(A, url),	  DBS_C_TEXT_NN(A, source),  DBS_C_I64(A, created_by), DBS_C_I64(A, created_at),
	DBS_C_I64(A, queued),	  DBS_C_I64(A, sent),	     DBS_C_I64(A, failed),     DBS_C_I64(A, removed),
	DBS_C_I64(A, pending)};
static const struct dbs_map alert_map = DBS_MAP(A, alert_cols, NULL);
#undef A

int db_push_alerts(struct db *db, struct arena *a, int64_t limit, struct db_push_alert **out, size_t *n)
{
	return dbs_list(db, a, sql_alerts, DBS_ARGS(DBS_INT(limit)), &alert_map, out, n);
}

int db_push_alert(struct db *db, struct arena *a, int64_t id, struct db_push_alert *out)
{
	return dbs_one(db, a, sql_alert, DBS_ARGS(DBS_INT(id)), &alert_map, out);
}
