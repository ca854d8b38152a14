/* store_newsletter.c - the newsletters' subscribers and their lists (issue 22), written once for both
 * engines (db_stmt.h); see db.h. The queue (mail_queue) is the sending side's (store_mailq.c): only
 * db_nl_delete and db_nl_mails touch it here, for one subscriber. */
#include "db_stmt.h"

static const char sql_sub_insert[] =
	"INSERT INTO newsletter_subscribers(email, lang, created_at, updated_at) VALUES(?1, ?2, ?3, ?3) RETURNING id";
static const char sql_sub_find[] = "SELECT id FROM newsletter_subscribers WHERE email = ?1";
static const char sql_sub_again[] =
	"UPDATE newsletter_subscribers SET state = 'pending', lang = ?2, updated_at = ?3 WHERE id = ?1 "
	"AND state IN ('unsubscribed', 'bounced', 'complained')";

int db_nl_subscribe(struct db *db, const char *email, const char *lang, int64_t now, int64_t *id, int *created)
{
	*created = 0;
	int rc = dbs_one_int(db, sql_sub_find, DBS_ARGS(DBS_TEXT(email)), id);
	if (rc == DB_NOTFOUND) { /* new: insert it (a sign-up racing this one may win: then it is found) */
		rc = dbs_insert(db, sql_sub_insert, DBS_ARGS(DBS_TEXT(email), DBS_TEXT(lang), DBS_INT(now)), id);
		if (rc == DB_OK) {
			*created = 1;
			return DB_OK;
		}
		if (rc == DB_CONFLICT)
			rc = dbs_one_int(db, sql_sub_find, DBS_ARGS(DBS_TEXT(email)), id);
	}
	if (rc != DB_OK)
		return DB_ERROR;
	return dbs_run(db, sql_sub_again, DBS_ARGS(DBS_INT(*id), DBS_TEXT(lang), DBS_INT(now))) == DB_OK ? DB_OK
												  : DB_ERROR;
}

#define SUB_COLS                                                                                              \
	"SELECT id, email, lang, state, net_hash, link_version, created_at, confirmed_at, updated_at, "       \
	"confirm_sent_at, confirm_count FROM newsletter_subscribers "
static const struct dbs_col sub_cols[] = {
	DBS_C_I64(struct db_nl_subscriber, id),		  DBS_C_TEXT_NN(struct db_nl_subscriber, email),
	DBS_C_TEXT_NN(struct db_nl_subscriber, lang),	  DBS_C_TEXT_NN(struct db_nl_subscriber, state),
	DBS_C_TEXT_NN(struct db_nl_subscriber, net_hash), DBS_C_I64(struct db_nl_subscriber, link_version),
	DBS_C_I64(struct db_nl_subscriber, created_at),	  DBS_C_I64(struct db_nl_subscriber, confirmed_at),
	DBS_C_I64(struct db_nl_subscriber, updated_at),	  DBS_C_I64(struct db_nl_subscriber, confirm_sent_at),
	DBS_C_I64(struct db_nl_subscriber, confirm_count),
};
static const struct dbs_map sub_map = DBS_MAP(struct db_nl_subscriber, sub_cols, NULL);
static const char sql_sub_get[] = SUB_COLS "WHERE id = ?1";
static const char sql_sub_get_email[] = SUB_COLS "WHERE email = ?1";

int db_nl_subscriber(struct db *db, struct arena *a, int64_t id, struct db_nl_subscriber *out)
{
	return dbs_one(db, a, sql_sub_get, DBS_ARGS(DBS_INT(id)), &sub_map, out);
}

int db_nl_subscriber_email(struct db *db, struct arena *a, const char *email, struct db_nl_subscriber *out)
{
	return dbs_one(db, a, sql_sub_get_email, DBS_ARGS(DBS_TEXT(email)), &sub_map, out);
}

static const char sql_lists_clear[] = "DELETE FROM newsletter_subscriptions WHERE subscriber_id = ?1 AND edition = ?2";
static const char sql_list_add[] =
	"INSERT INTO newsletter_subscriptions(subscriber_id, edition, list, created_at) VALUES(?1, ?2, ?3, ?4) "
	"ON CONFLICT DO NOTHING";

int db_nl_set_lists(struct db *db, int64_t id, const char *edition, const char *const *lists, size_t n, int64_t now)
{
	if (dbs_run(db, sql_lists_clear, DBS_ARGS(DBS_INT(id), DBS_TEXT(edition))) != DB_OK)
		return DB_ERROR;
	for (size_t i = 0; i < n; i++)
		if (dbs_run(db, sql_list_add, DBS_ARGS(DBS_INT(id), DBS_TEXT(edition), DBS_TEXT(lists[i]), DBS_INT(now))) !=
		    DB_OK)
			return DB_ERROR;
	return DB_OK;
}

static const struct dbs_col list_cols[] = {
	DBS_C_TEXT_NN(struct db_nl_subscription, edition),
	DBS_C_TEXT_NN(struct db_nl_subscription, list),
	DBS_C_I64(struct db_nl_subscription, created_at),
};
static const struct dbs_map list_map = DBS_MAP(struct db_nl_subscription, list_cols, NULL);
static const char sql_lists[] = "SELECT edition, list, created_at FROM newsletter_subscriptions WHERE subscriber_id = ?1 "
				"ORDER BY edition, list";

int db_nl_lists(struct db *db, struct arena *a, int64_t id, struct db_nl_subscription **out, size_t *n)
{
	return dbs_list(db, a, sql_lists, DBS_ARGS(DBS_INT(id)), &list_map, out, n);
}

static const char sql_confirm[] = "UPDATE newsletter_subscribers SET state = 'confirmed', confirmed_at = ?2, "
				  "updated_at = ?2 WHERE id = ?1 AND state = 'pending'";

int db_nl_confirm(struct db *db, int64_t id, int64_t now)
{
	return dbs_run_one(db, sql_confirm, DBS_ARGS(DBS_INT(id), DBS_INT(now)));
}

static const char sql_unsub_one[] =
	"DELETE FROM newsletter_subscriptions WHERE subscriber_id = ?1 AND edition = ?2 AND list = ?3";
static const char sql_unsub_all[] = "DELETE FROM newsletter_subscriptions WHERE subscriber_id = ?1";
static const char sql_unsub_state[] =
	"UPDATE newsletter_subscribers SET state = CASE WHEN CAST(?3 AS BIGINT) = 1 OR NOT EXISTS (SELECT 1 FROM "
	"newsletter_subscriptions s WHERE s.subscriber_id = ?1) THEN 'unsubscribed' ELSE state END, updated_at = ?2 "
	"WHERE id = ?1";

int db_nl_unsubscribe(struct db *db, int64_t id, const char *edition, const char *list, int64_t now)
{
	if (db_begin(db) != DB_OK)
		return DB_ERROR;
	int rc = list ? dbs_run(db, sql_unsub_one, DBS_ARGS(DBS_INT(id), DBS_TEXT(edition), DBS_TEXT(list)))
		      : dbs_run(db, sql_unsub_all, DBS_ARGS(DBS_INT(id)));
	if (rc == DB_OK)
		rc = dbs_run_one(db, sql_unsub_state, DBS_ARGS(DBS_INT(id), DBS_INT(now), DBS_INT(list ? 0 : 1)));
	if (rc != DB_OK) {
		db_rollback(db);
		return rc == DB_NOTFOUND ? DB_NOTFOUND : DB_ERROR;
	}
	return db_commit(db) == DB_OK ? DB_OK : DB_ERROR;
}

static const char sql_bump[] =
	"UPDATE newsletter_subscribers SET link_version = link_version + 1, updated_at = ?2 WHERE id = ?1";

int db_nl_bump_link(struct db *db, int64_t id, int64_t now)
{
	return dbs_run_one(db, sql_bump, DBS_ARGS(DBS_INT(id), DBS_INT(now)));
}

static const char sql_del_unsent[] =
	"DELETE FROM mail_queue WHERE subscriber_id = ?1 AND state IN ('queued', 'failed')";
static const char sql_blank_sent[] =
	"UPDATE mail_queue SET to_addr = '', opened_at = NULL, clicked_at = NULL WHERE subscriber_id = ?1";
static const char sql_del_sub[] = "DELETE FROM newsletter_subscribers WHERE id = ?1";

int db_nl_delete(struct db *db, int64_t id)
{
	if (db_begin(db) != DB_OK)
		return DB_ERROR;
	/* rows being sent right now ('sending') keep going to the address they were leased with: blanking
	 * it here is what the sender finds next time, and the row's subscriber_id becomes NULL */
	int rc = dbs_run(db, sql_del_unsent, DBS_ARGS(DBS_INT(id)));
	if (rc == DB_OK)
		rc = dbs_run(db, sql_blank_sent, DBS_ARGS(DBS_INT(id)));
	if (rc == DB_OK)
		rc = dbs_run_one(db, sql_del_sub, DBS_ARGS(DBS_INT(id)));
	if (rc != DB_OK) {
		db_rollback(db);
		return rc == DB_NOTFOUND ? DB_NOTFOUND : DB_ERROR;
	}
	return db_commit(db) == DB_OK ? DB_OK : DB_ERROR;
}

static const struct dbs_col mail_cols[] = {
	DBS_C_TEXT_NN(struct db_nl_mail, kind),
	DBS_C_TEXT_NN(struct db_nl_mail, state),
	DBS_C_I64(struct db_nl_mail, created_at),
	DBS_C_I64(struct db_nl_mail, sent_at),
	DBS_C_I64(struct db_nl_mail, opened_at),
	DBS_C_I64(struct db_nl_mail, clicked_at),
};
static const struct dbs_map mail_map = DBS_MAP(struct db_nl_mail, mail_cols, NULL);
static const char sql_mails[] =
	"SELECT kind, state, created_at, sent_at, coalesce(opened_at, 0), coalesce(clicked_at, 0) FROM mail_queue "
	"WHERE subscriber_id = ?1 ORDER BY id";

int db_nl_mails(struct db *db, struct arena *a, int64_t id, struct db_nl_mail **out, size_t *n)
{
	return dbs_list(db, a, sql_mails, DBS_ARGS(DBS_INT(id)), &mail_map, out, n);
}

static const char sql_allow[] =
	"UPDATE newsletter_subscribers SET confirm_count = CASE WHEN confirm_sent_at < ?3 THEN 1 "
	"ELSE confirm_count + 1 END, confirm_sent_at = ?2, net_hash = ?5, updated_at = ?2 "
	"WHERE id = ?1 AND (confirm_sent_at < ?3 OR confirm_count < ?4)";

int db_nl_confirm_allow(struct db *db, int64_t id, const char *net_hash, int64_t now, int64_t window_start,
			int64_t max, int *allowed)
{
	long changes = 0;
	if (dbs_run_changes(db, sql_allow,
			    DBS_ARGS(DBS_INT(id), DBS_INT(now), DBS_INT(window_start), DBS_INT(max),
				     DBS_TEXT(net_hash ? net_hash : "")),
			    &changes) != DB_OK)
		return DB_ERROR;
	*allowed = changes == 1;
	return DB_OK;
}

static const char sql_net_recent[] =
	"SELECT count(*) FROM newsletter_subscribers WHERE net_hash = ?1 AND confirm_sent_at >= ?2";

int db_nl_net_recent(struct db *db, const char *net_hash, int64_t since, int64_t *count)
{
	return dbs_one_int(db, sql_net_recent, DBS_ARGS(DBS_TEXT(net_hash), DBS_INT(since)), count);
}

static const char sql_count[] =
	"SELECT count(*) FROM newsletter_subscriptions s JOIN newsletter_subscribers r ON r.id = s.subscriber_id "
	"WHERE s.edition = ?1 AND s.list = ?2 AND r.state = 'confirmed'";

int db_nl_subscribers_count(struct db *db, const char *edition, const char *list, int64_t *count)
{
	return dbs_one_int(db, sql_count, DBS_ARGS(DBS_TEXT(edition), DBS_TEXT(list)), count);
}
