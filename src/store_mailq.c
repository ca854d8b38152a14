/* store_mailq.c - the store's mail queue operations (issue 22), written once for both engines (db_stmt.h):
 * rows made for a confirmation, a test or a whole issue; claimed by mailq.c's senders with a lease (state
 * 'sending', a random claim number, lease_until) and recorded; bounces and complaints; per-issue counts
 * (see db.h). */
#include "db_stmt.h"

#include <stdio.h>
#include <string.h>

/* A row's Message-ID once its id is known: "<q{id}.{token}@{domain}>". */
#define MESSAGE_ID "'<q' || CAST(id AS TEXT) || '.' || CAST(?2 AS TEXT) || '@' || CAST(?3 AS TEXT) || '>'"

static const char sql_insert[] =
	"INSERT INTO mail_queue(kind, issue_id, subscriber_id, to_addr, message_id, next_at, created_at) "
	"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id";
static const char sql_set_id[] = "UPDATE mail_queue SET message_id = " MESSAGE_ID " WHERE id = ?1";

int db_mail_enqueue(struct db *db, const char *kind, int64_t issue_id, int64_t subscriber_id, const char *to_addr,
		    const char *domain, const char *token, int64_t now, int64_t *id)
{
	/* a placeholder unique until the row has its id: the token is fresh per call */
	char tmp[160];
	snprintf(tmp, sizeof tmp, "tmp.%s.%lld", token, (long long)subscriber_id);
	if (dbs_insert(db, sql_insert,
		       DBS_ARGS(DBS_TEXT(kind), DBS_ID(issue_id), DBS_ID(subscriber_id), DBS_TEXT(to_addr), DBS_TEXT(tmp),
				DBS_INT(now)),
		       id) != DB_OK)
		return DB_ERROR;
	return dbs_run_one(db, sql_set_id, DBS_ARGS(DBS_INT(*id), DBS_TEXT(token), DBS_TEXT(domain))) == DB_OK ? DB_OK
													       : DB_ERROR;
}

static const char sql_issue_state[] = "SELECT count(*) FROM newsletter_issues WHERE id = ?1";
static const char sql_issue_sending[] =
	"UPDATE newsletter_issues SET state = 'sending', updated_at = ?2 WHERE id = ?1 AND state IN ('draft', 'scheduled')";
static const char sql_fan_out[] =
	"INSERT INTO mail_queue(kind, issue_id, subscriber_id, to_addr, message_id, next_at, created_at) "
	"SELECT 'issue', i.id, s.id, s.email, 'tmp.' || CAST(?2 AS TEXT) || '.' || CAST(s.id AS TEXT), CAST(?3 AS BIGINT), "
	"CAST(?3 AS BIGINT) FROM newsletter_issues i JOIN newsletter_subscriptions n ON n.edition = i.edition AND "
	"n.list = i.list JOIN newsletter_subscribers s ON s.id = n.subscriber_id AND s.state = 'confirmed' "
	"WHERE i.id = ?1 ORDER BY s.id";
static const char sql_fan_ids[] =
	"UPDATE mail_queue SET message_id = " MESSAGE_ID " WHERE issue_id = ?1 AND kind = 'issue' AND message_id LIKE 'tmp.%'";

int db_mail_enqueue_issue(struct db *db, int64_t issue_id, const char *domain, const char *token, int64_t now,
			  int64_t *queued)
{
	long changes = 0;
	*queued = 0;
	if (dbs_run_changes(db, sql_issue_sending, DBS_ARGS(DBS_INT(issue_id), DBS_INT(now)), &changes) != DB_OK)
		return DB_ERROR;
	if (changes == 0) {
		int found = 0;
		if (dbs_one_bool(db, sql_issue_state, DBS_ARGS(DBS_INT(issue_id)), &found) != DB_OK)
			return DB_ERROR;
		return found ? DB_CONFLICT : DB_NOTFOUND;
	}
	if (dbs_run_changes(db, sql_fan_out, DBS_ARGS(DBS_INT(issue_id), DBS_TEXT(token), DBS_INT(now)), &changes) != DB_OK ||
	    dbs_run(db, sql_fan_ids, DBS_ARGS(DBS_INT(issue_id), DBS_TEXT(token), DBS_TEXT(domain))) != DB_OK)
		return DB_ERROR;
	*queued = changes;
	return DB_OK;
}

#define CLAIM_DUE(LOCK)                                                                                       \
	"UPDATE mail_queue SET state = 'sending', claim = ?4, lease_until = ?3 WHERE id IN (SELECT id FROM "    \
	"mail_queue WHERE (state = 'queued' AND next_at <= ?1) OR (state = 'sending' AND lease_until <= ?1) "    \
	"ORDER BY next_at, id LIMIT ?2" LOCK ")"
/* SQLite: the same rows as CLAIM_DUE, but each state's candidates read in order from mail_queue_due
 * (state, next_at, then the rowid) and only the first ?2 of each sorted: the OR form scanned and sorted
 * the whole queue on every claim, 0.2 s with 100,000 rows queued (bench/RESULTS.md, issue 22) */
static const char sql_claim_sqlite[] =
	"UPDATE mail_queue SET state = 'sending', claim = ?4, lease_until = ?3 WHERE id IN (SELECT id FROM ("
	"SELECT id, next_at FROM (SELECT id, next_at FROM mail_queue WHERE state = 'queued' AND next_at <= ?1 "
	"ORDER BY next_at, id LIMIT ?2) UNION ALL SELECT id, next_at FROM (SELECT id, next_at FROM mail_queue "
	"WHERE state = 'sending' AND lease_until <= ?1 ORDER BY next_at, id LIMIT ?2)) ORDER BY next_at, id LIMIT ?2)";
static const char sql_claim_pg[] = CLAIM_DUE(" FOR UPDATE SKIP LOCKED");
/* "+q.id": sorting the few claimed rows, found through mail_queue_due (state = 'sending'), is cheaper than
 * walking the whole table in id order, which SQLite otherwise chose */
static const char sql_claimed[] =
	"SELECT q.id, coalesce(q.issue_id, 0), coalesce(q.subscriber_id, 0), q.claim, q.kind, q.to_addr, q.message_id, "
	"coalesce(s.lang, ''), q.attempts FROM mail_queue q LEFT JOIN newsletter_subscribers s ON s.id = q.subscriber_id "
	"WHERE q.claim = ?1 AND q.state = 'sending' ORDER BY +q.id";

#define J struct db_mail_job
static const struct dbs_col job_cols[] = {
	DBS_C_I64(J, id),	    DBS_C_I64(J, issue_id),	 DBS_C_I64(J, subscriber_id), DBS_C_I64(J, claim),
	DBS_C_TEXT_NN(J, kind),	    DBS_C_TEXT_NN(J, to_addr),	 DBS_C_TEXT_NN(J, message_id), DBS_C_TEXT_NN(J, lang),
	DBS_C_INT(J, attempts)};
static const struct dbs_map job_map = DBS_MAP(J, job_cols, NULL);
#undef J

int db_mail_claim(struct db *db, struct arena *a, int64_t now, int64_t limit, int64_t lease_until, int64_t claim,
		  struct db_mail_job **out, size_t *n)
{
	return dbs_claim(db, a, DBS_SQL(db, sql_claim_sqlite, sql_claim_pg), sql_claimed, now, limit, lease_until, claim,
			 &job_map, out, n);
}

static const char sql_record[] =
	"UPDATE mail_queue SET state = ?3, attempts = ?4, next_at = ?5, last_error = ?6, sent_at = ?7, lease_until = 0 "
	"WHERE id = ?1 AND claim = ?2 AND state = 'sending'";

/* record_one: one outcome (see db_mail_record). */
static int record_one(struct db *db, const struct db_mail_result *r, int64_t now)
{
	int sent = strcmp(r->state, "sent") == 0;
	return dbs_run(db, sql_record,
		       DBS_ARGS(DBS_INT(r->id), DBS_INT(r->claim), DBS_TEXT(r->state), DBS_INT(r->attempts),
				DBS_INT(r->next_at), DBS_TEXT(r->error ? r->error : ""), DBS_INT(sent ? now : 0)));
}

int db_mail_record(struct db *db, const struct db_mail_result *r, size_t n, int64_t now)
{
	if (n == 1)
		return record_one(db, r, now) == DB_OK ? DB_OK : DB_ERROR; /* its own statement, committed at once */
	if (db_begin(db) != DB_OK)
		return DB_ERROR;
	int rc = DB_OK;
	for (size_t i = 0; i < n && rc == DB_OK; i++)
		rc = record_one(db, &r[i], now);
	if (rc != DB_OK) {
		db_rollback(db);
		return DB_ERROR;
	}
	return db_commit(db) == DB_OK ? DB_OK : DB_ERROR;
}

static const char sql_renew[] = "UPDATE mail_queue SET lease_until = ?2 WHERE claim = ?1 AND state = 'sending'";

int db_mail_renew(struct db *db, int64_t claim, int64_t lease_until)
{
	return dbs_run(db, sql_renew, DBS_ARGS(DBS_INT(claim), DBS_INT(lease_until)));
}

static const char sql_due[] =
	"SELECT id FROM newsletter_issues WHERE state = 'scheduled' AND send_at > 0 AND send_at <= ?1 ORDER BY send_at, id "
	"LIMIT ?2";

/* Just the id. */
struct due_row {
	int64_t id;
};
static const struct dbs_col due_cols[] = {DBS_C_I64(struct due_row, id)};
static const struct dbs_map due_map = DBS_MAP(struct due_row, due_cols, NULL);

int db_mail_due_issues(struct db *db, struct arena *a, int64_t now, int64_t limit, int64_t **ids, size_t *n)
{
	struct due_row *rows = NULL;
	*n = 0;
	*ids = NULL;
	if (dbs_list(db, a, sql_due, DBS_ARGS(DBS_INT(now), DBS_INT(limit)), &due_map, &rows, n) != DB_OK)
		return DB_ERROR;
	*ids = (int64_t *)rows; /* struct due_row is one int64_t */
	return DB_OK;
}

static const char sql_release[] = "UPDATE mail_queue SET state = 'queued', lease_until = 0 WHERE state = 'sending'";

int db_mail_release(struct db *db)
{
	if (db->drv->engine == DB_ENGINE_PG)
		return DB_OK; /* other nodes may be sending: their leases run out by themselves */
	return dbs_run(db, sql_release, DBS_NO_ARGS);
}

static const char sql_finish[] =
	"UPDATE newsletter_issues SET state = 'sent', sent_at = ?1, updated_at = ?1 WHERE state = 'sending' AND NOT "
	"EXISTS (SELECT 1 FROM mail_queue q WHERE q.issue_id = newsletter_issues.id AND q.kind = 'issue' AND "
	"q.state IN ('queued', 'sending'))";

int db_mail_finish_issues(struct db *db, int64_t now, int64_t *finished)
{
	long changes = 0;
	int rc = dbs_run_changes(db, sql_finish, DBS_ARGS(DBS_INT(now)), &changes);
	*finished = rc == DB_OK ? changes : 0;
	return rc == DB_OK ? DB_OK : DB_ERROR;
}

#define COUNT_STATE(s) "coalesce(sum(CASE WHEN q.state = '" s "' THEN 1 ELSE 0 END), 0)"
static const char sql_counts[] =
	"SELECT " COUNT_STATE("queued") ", " COUNT_STATE("sending") ", " COUNT_STATE("sent") ", " COUNT_STATE("failed")
	", " COUNT_STATE("bounced") ", " COUNT_STATE("skipped") ", coalesce(sum(CASE WHEN s.state = 'unsubscribed' AND "
	"s.updated_at >= q.created_at THEN 1 ELSE 0 END), 0) FROM mail_queue q LEFT JOIN newsletter_subscribers s ON "
	"s.id = q.subscriber_id WHERE q.issue_id = ?1 AND q.kind = 'issue'";

#define C struct db_mail_counts
static const struct dbs_col count_cols[] = {DBS_C_I64(C, queued),  DBS_C_I64(C, sending), DBS_C_I64(C, sent),
					    DBS_C_I64(C, failed),  DBS_C_I64(C, bounced), DBS_C_I64(C, skipped),
					    DBS_C_I64(C, unsubscribed)};
static const struct dbs_map count_map = DBS_MAP(C, count_cols, NULL);
#undef C

int db_mail_counts(struct db *db, int64_t issue_id, struct db_mail_counts *out)
{
	memset(out, 0, sizeof *out);
	struct arena a = ARENA_INIT;
	int rc = dbs_one(db, &a, sql_counts, DBS_ARGS(DBS_INT(issue_id)), &count_map, out);
	arena_free(&a);
	return rc == DB_ERROR ? DB_ERROR : DB_OK;
}

static const char sql_bounce_who[] = "SELECT id FROM newsletter_subscribers WHERE email = ?1";
static const char sql_bounce_sub[] = "UPDATE newsletter_subscribers SET state = ?2, updated_at = ?3 WHERE id = ?1";
static const char sql_bounce_skip[] =
	"UPDATE mail_queue SET state = 'skipped', last_error = ?2 WHERE subscriber_id = ?1 AND state = 'queued'";
static const char sql_bounce_row[] =
	"UPDATE mail_queue SET state = 'bounced', last_error = ?3 WHERE message_id = ?1 AND to_addr = ?2 AND "
	"state IN ('sent', 'sending', 'queued', 'skipped')";

int db_mail_bounce(struct db *db, const char *email, const char *message_id, const char *state, int64_t now,
		   int64_t *subscriber)
{
	*subscriber = 0;
	if (db_begin(db) != DB_OK)
		return DB_ERROR;
	const char *why = strcmp(state, "complained") == 0 ? "the recipient complained" : "hard bounce";
	int rc = dbs_one_int(db, sql_bounce_who, DBS_ARGS(DBS_TEXT(email)), subscriber);
	if (rc == DB_NOTFOUND)
		rc = DB_OK;
	else if (rc == DB_OK)
		rc = dbs_run(db, sql_bounce_sub, DBS_ARGS(DBS_INT(*subscriber), DBS_TEXT(state), DBS_INT(now)));
	if (rc == DB_OK && *subscriber)
		rc = dbs_run(db, sql_bounce_skip, DBS_ARGS(DBS_INT(*subscriber), DBS_TEXT(why)));
	if (rc == DB_OK && message_id && *message_id)
		rc = dbs_run(db, sql_bounce_row, DBS_ARGS(DBS_TEXT(message_id), DBS_TEXT(email), DBS_TEXT(why)));
	if (rc != DB_OK) {
		db_rollback(db);
		*subscriber = 0;
		return DB_ERROR;
	}
	return db_commit(db) == DB_OK ? DB_OK : DB_ERROR;
}
