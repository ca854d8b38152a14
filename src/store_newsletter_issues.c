/* store_newsletter_issues.c - the store's newsletter issues (issue 22; see db.h "Newsletter issues"),
 * written once for both engines (db_stmt.h). */
#include "db_stmt.h"

#define ISSUE_COLS                                                                                              \
	"i.id, i.edition, i.list, i.kind, i.subject, i.preheader, i.intro_md, i.article_ids, i.state, i.send_at, " \
	"i.created_by, i.created_at, i.updated_at, i.sent_at, i.version, i.digest_day"

#define I struct db_nl_issue
static const struct dbs_col issue_cols[] = {
	DBS_C_I64(I, id),	   DBS_C_TEXT_NN(I, edition),	 DBS_C_TEXT_NN(I, list),     DBS_C_TEXT_NN(I, kind),
	DBS_C_TEXT_NN(I, subject), DBS_C_TEXT_NN(I, preheader), DBS_C_TEXT_NN(I, intro_md), DBS_C_TEXT_NN(I, article_ids),
	DBS_C_TEXT_NN(I, state),   DBS_C_I64(I, send_at),	 DBS_C_I64(I, created_by),   DBS_C_I64(I, created_at),
	DBS_C_I64(I, updated_at),  DBS_C_I64(I, sent_at),	 DBS_C_I64(I, version),	     DBS_C_TEXT(I, digest_day)};
static const struct dbs_map issue_map = DBS_MAP(I, issue_cols, NULL);
#undef I

static const char sql_create[] =
	"INSERT INTO newsletter_issues(edition, list, kind, subject, preheader, intro_md, article_ids, state, send_at, "
	"created_by, created_at, updated_at, digest_day) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12) "
	"RETURNING id";

int db_nl_issue_create(struct db *db, const struct db_nl_issue *is, int64_t now, int64_t *id)
{
	return dbs_insert(db, sql_create,
			  DBS_ARGS(DBS_TEXT(is->edition), DBS_TEXT(is->list), DBS_TEXT(is->kind ? is->kind : "issue"),
				   DBS_TEXT(is->subject), DBS_TEXT(is->preheader ? is->preheader : ""),
				   DBS_TEXT(is->intro_md ? is->intro_md : ""), DBS_TEXT(is->article_ids ? is->article_ids : ""),
				   DBS_TEXT(is->state ? is->state : "draft"), DBS_INT(is->send_at), DBS_ID(is->created_by),
				   DBS_INT(now), is->digest_day ? DBS_TEXT(is->digest_day) : DBS_NULL),
			  id);
}

static const char sql_exists[] = "SELECT count(*) FROM newsletter_issues WHERE id = ?1";

/* stale_or_missing: after a compare-and-set touched no row: DB_CONFLICT when issue id exists (it changed
 * or cannot be changed), DB_NOTFOUND when it does not, DB_ERROR. */
static int stale_or_missing(struct db *db, int64_t id)
{
	int64_t n = 0;
	if (dbs_one_int(db, sql_exists, DBS_ARGS(DBS_INT(id)), &n) != DB_OK)
		return DB_ERROR;
	return n ? DB_CONFLICT : DB_NOTFOUND;
}

static const char sql_update[] =
	"UPDATE newsletter_issues SET edition = ?3, list = ?4, subject = ?5, preheader = ?6, intro_md = ?7, "
	"article_ids = ?8, updated_at = ?9, version = version + 1 WHERE id = ?1 AND version = ?2 AND "
	"state IN ('draft', 'scheduled')";

int db_nl_issue_update(struct db *db, const struct db_nl_issue *is, int64_t now)
{
	int rc = dbs_run_one(db, sql_update,
			     DBS_ARGS(DBS_INT(is->id), DBS_INT(is->version), DBS_TEXT(is->edition), DBS_TEXT(is->list),
				      DBS_TEXT(is->subject), DBS_TEXT(is->preheader ? is->preheader : ""),
				      DBS_TEXT(is->intro_md ? is->intro_md : ""),
				      DBS_TEXT(is->article_ids ? is->article_ids : ""), DBS_INT(now)));
	return rc == DB_NOTFOUND ? stale_or_missing(db, is->id) : rc;
}

static const char sql_get[] = "SELECT " ISSUE_COLS " FROM newsletter_issues i WHERE i.id = ?1";

int db_nl_issue_get(struct db *db, struct arena *a, int64_t id, struct db_nl_issue *out)
{
	return dbs_one(db, a, sql_get, DBS_ARGS(DBS_INT(id)), &issue_map, out);
}

static const char sql_list[] = "SELECT " ISSUE_COLS " FROM newsletter_issues i WHERE CAST(?1 AS TEXT) IS NULL OR "
				"i.edition = ?1 ORDER BY i.id DESC LIMIT ?2";

int db_nl_issues_list(struct db *db, struct arena *a, const char *edition, int64_t limit, struct db_nl_issue **out,
		      size_t *n)
{
	return dbs_list(db, a, sql_list, DBS_ARGS(DBS_TEXT(edition), DBS_INT(limit)), &issue_map, out, n);
}

static const char sql_schedule[] =
	"UPDATE newsletter_issues SET state = CASE WHEN ?3 > 0 THEN 'scheduled' ELSE 'draft' END, send_at = ?3, "
	"updated_at = ?4, version = version + 1 WHERE id = ?1 AND version = ?2 AND state IN ('draft', 'scheduled')";

int db_nl_issue_schedule(struct db *db, int64_t id, int64_t version, int64_t send_at, int64_t now)
{
	int rc = dbs_run_one(db, sql_schedule, DBS_ARGS(DBS_INT(id), DBS_INT(version), DBS_INT(send_at), DBS_INT(now)));
	return rc == DB_NOTFOUND ? stale_or_missing(db, id) : rc;
}

static const char sql_cancel[] =
	"UPDATE newsletter_issues SET state = 'cancelled', updated_at = ?3, version = version + 1 WHERE id = ?1 AND "
	"version = ?2 AND state IN ('draft', 'scheduled')";

int db_nl_issue_cancel(struct db *db, int64_t id, int64_t version, int64_t now)
{
	int rc = dbs_run_one(db, sql_cancel, DBS_ARGS(DBS_INT(id), DBS_INT(version), DBS_INT(now)));
	return rc == DB_NOTFOUND ? stale_or_missing(db, id) : rc;
}

static const char sql_due[] =
	"SELECT id FROM newsletter_issues WHERE state = 'scheduled' AND send_at <= ?1 ORDER BY send_at, id LIMIT ?2";

int db_nl_issues_due(struct db *db, int64_t now, int64_t *ids, size_t cap, size_t *n)
{
	struct arena a = ARENA_INIT;
	struct db_nl_issue *rows = NULL;
	size_t m = 0;
	*n = 0;
	static const struct dbs_col id_col[] = {DBS_C_I64(struct db_nl_issue, id)};
	static const struct dbs_map id_map = DBS_MAP(struct db_nl_issue, id_col, NULL);
	int rc = dbs_list(db, &a, sql_due, DBS_ARGS(DBS_INT(now), DBS_INT((int64_t)cap)), &id_map, &rows, &m);
	for (size_t i = 0; rc == DB_OK && i < m && i < cap; i++)
		ids[(*n)++] = rows[i].id;
	arena_free(&a);
	return rc;
}

static const char sql_next[] = "SELECT COALESCE(min(send_at), 0) FROM newsletter_issues WHERE state = 'scheduled'";

int db_nl_next_due(struct db *db, int64_t *at)
{
	*at = 0;
	return dbs_one_int(db, sql_next, DBS_NO_ARGS, at);
}

static const char sql_recipient[] =
	"SELECT s.link_version FROM newsletter_subscribers s JOIN newsletter_subscriptions l ON l.subscriber_id = s.id "
	"WHERE s.id = ?1 AND s.state = 'confirmed' AND l.edition = ?2 AND l.list = ?3";

int db_nl_recipient(struct db *db, int64_t id, const char *edition, const char *list, int64_t *link_version)
{
	return dbs_one_int(db, sql_recipient, DBS_ARGS(DBS_INT(id), DBS_TEXT(edition), DBS_TEXT(list)), link_version);
}
