/* db_pg_newsroom.c - the PostgreSQL backend's newsroom operations: articles of any status, revisions,
 * the workflow log, corrections, slug history and the scheduler's queries (see db.h). The scheduler's
 * publications and take-downs queue their webhook events in the same transaction. */
#include <stdio.h>
#include <stdlib.h>

#include "db_pg_int.h"
#include "util.h"

#define ADMIN_COLS ART_COLS ", a.body_md, a.body_html, a.version, a.owner_id, a.scheduled_at, a.expires_at, u.login"
#define ADMIN_FROM ART_FROM "LEFT JOIN users u ON u.id = a.owner_id "

static void read_admin(struct arena *a, struct pg_stmt *st, struct db_article *r)
{
	pg_read_article(a, st, r, 1);
	r->version = pgs_int64(st, ART_NCOLS + 2);
	r->owner_id = pgs_int64(st, ART_NCOLS + 3);
	r->scheduled_at = pgs_int64(st, ART_NCOLS + 4);
	r->expires_at = pgs_int64(st, ART_NCOLS + 5);
	r->owner_login = pg_col_text_nn(a, st, ART_NCOLS + 6);
}

static const char sql_get_id[] = "SELECT " ADMIN_COLS ADMIN_FROM "WHERE a.id = $1";

int pgn_article_get_id(struct db *db, struct arena *a, int64_t id, struct db_article *out)
{
	struct pg_stmt *st = pg_prepare(db, sql_get_id);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, id);
	PG_ONE(db, st, read_admin(a, st, out));
}

static const char sql_by_status[] = "SELECT " ADMIN_COLS ADMIN_FROM "WHERE a.status = $1 "
				    "ORDER BY coalesce(a.updated_at, a.created_at) DESC, a.id DESC LIMIT $2";

int pgn_articles_by_status(struct db *db, struct arena *a, const char *status, int64_t limit, struct db_article **out,
			   size_t *n)
{
	struct pg_stmt *st = pg_prepare(db, sql_by_status);
	if (!st)
		return DB_ERROR;
	pg_bind_text(st, 1, status);
	pgs_bind_int64(st, 2, limit);
	PG_MANY(db, st, a, struct db_article, out, n, read_admin(a, st, row));
}

static const char sql_slug_owner[] = "SELECT id FROM articles WHERE edition = $1 AND slug = $2 "
				     "UNION ALL SELECT article_id FROM slug_history WHERE edition = $1 AND slug = $2 LIMIT 1";

int pgn_slug_owner(struct db *db, const char *edition, const char *slug, int64_t *article_id)
{
	struct pg_stmt *st = pg_prepare(db, sql_slug_owner);
	if (!st)
		return DB_ERROR;
	pg_bind_text(st, 1, edition);
	pg_bind_text(st, 2, slug);
	PG_ONE(db, st, *article_id = pgs_int64(st, 0));
}

static const char sql_insert[] =
	"INSERT INTO articles(edition, slug, headline, standfirst, body_md, body_html, dateline, status, section_id, "
	"lead_media_id, lead_caption, lead_credit, created_at, updated_at, terms, owner_id, version) "
	"VALUES($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9, $10, $11, $12, $12, $13, $14, 1) RETURNING id";
static const char sql_update[] =
	"UPDATE articles SET edition = $1, slug = $2, headline = $3, standfirst = $4, body_md = $5, body_html = $6, "
	"dateline = $7, section_id = $8, lead_media_id = $9, lead_caption = $10, lead_credit = $11, updated_at = $12, "
	"terms = $13, version = version + 1 WHERE id = $14 AND version = $15 RETURNING id";

int pgn_article_save(struct db *db, const struct db_article *r, int64_t *id)
{
	struct pg_stmt *st = pg_prepare(db, r->id ? sql_update : sql_insert);
	if (!st)
		return DB_ERROR;
	pg_bind_text(st, 1, r->edition);
	pg_bind_text(st, 2, r->slug);
	pg_bind_text(st, 3, r->headline);
	pg_bind_text(st, 4, r->standfirst ? r->standfirst : "");
	pg_bind_text(st, 5, r->body_md ? r->body_md : "");
	pg_bind_text(st, 6, r->body_html ? r->body_html : "");
	pg_bind_text(st, 7, r->dateline ? r->dateline : "");
	pgs_bind_int64(st, 8, r->section_id);
	pg_bind_id(st, 9, r->lead_media_id);
	pg_bind_text(st, 10, r->lead_caption ? r->lead_caption : "");
	pg_bind_text(st, 11, r->lead_credit ? r->lead_credit : "");
	pgs_bind_int64(st, 12, r->updated_at ? r->updated_at : util_now());
	char *terms = pg_article_terms(r->headline, r->standfirst, r->body_md);
	pg_bind_text(st, 13, terms);
	if (r->id) {
		pgs_bind_int64(st, 14, r->id);
		pgs_bind_int64(st, 15, r->version);
	} else {
		pg_bind_id(st, 14, r->owner_id);
	}
	int rc = pgs_step(st);
	free(terms);
	if (rc == PGS_ROW) {
		*id = pgs_int64(st, 0);
		while (pgs_step(st) == PGS_ROW)
			;
		pg_done(st);
		return DB_OK;
	}
	pg_done(st);
	if (rc == PGS_DONE && r->id)
		return DB_CONFLICT; /* no row at that version: someone saved in between */
	if (rc == PGS_UNIQUE)
		return DB_CONFLICT;
	pg_log(db, "article_save");
	return DB_ERROR;
}

static const char sql_clear_authors[] = "DELETE FROM article_authors WHERE article_id = $1";
static const char sql_clear_tags[] = "DELETE FROM article_tags WHERE article_id = $1";

int pgn_article_links_clear(struct db *db, int64_t article_id)
{
	const char *sqls[] = {sql_clear_authors, sql_clear_tags};
	for (int i = 0; i < 2; i++) {
		struct pg_stmt *st = pg_prepare(db, sqls[i]);
		if (!st)
			return DB_ERROR;
		pgs_bind_int64(st, 1, article_id);
		if (pg_step_done(db, st) != DB_OK)
			return DB_ERROR;
	}
	return DB_OK;
}

static const char sql_set_status[] = "UPDATE articles SET status = $2, published_at = $3, scheduled_at = $4, "
				     "expires_at = $5 WHERE id = $1";

int pgn_article_set_status(struct db *db, int64_t id, const char *status, int64_t published_at, int64_t scheduled_at,
			   int64_t expires_at)
{
	struct pg_stmt *st = pg_prepare(db, sql_set_status);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, id);
	pg_bind_text(st, 2, status);
	pg_bind_id(st, 3, published_at);
	pg_bind_id(st, 4, scheduled_at);
	pg_bind_id(st, 5, expires_at);
	return pg_step_done(db, st);
}

/* id joins other_id's group; when other_id has none, both get a new one named for the pair (never id's old
 * group: its other member would stay paired with id, a third article in that pair) */
static const char sql_group_of[] = "SELECT coalesce((SELECT translation_group FROM articles WHERE id = $2), "
				   "'g' || $1::bigint || '-' || $2::bigint)";
static const char sql_set_group[] = "UPDATE articles SET translation_group = $2 WHERE id = $1";

int pgn_article_set_translation(struct db *db, int64_t id, int64_t other_id)
{
	struct pg_stmt *st = pg_prepare(db, sql_group_of);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, id);
	pgs_bind_int64(st, 2, other_id);
	char group[128] = "";
	if (pgs_step(st) == PGS_ROW)
		snprintf(group, sizeof group, "%s", (const char *)pgs_text(st, 0));
	pg_done(st);
	if (!group[0])
		return DB_ERROR;
	int64_t ids[2] = {id, other_id};
	for (int i = 0; i < 2; i++) {
		st = pg_prepare(db, sql_set_group);
		if (!st)
			return DB_ERROR;
		pgs_bind_int64(st, 1, ids[i]);
		pg_bind_text(st, 2, group);
		if (pg_step_done(db, st) != DB_OK)
			return DB_ERROR;
	}
	return DB_OK;
}

static const char sql_old_slug[] = "SELECT " ART_COLS ART_FROM "JOIN slug_history h ON h.article_id = a.id "
				   "WHERE h.edition = $1 AND h.slug = $2 AND a.status = 'published'";

int pgn_article_by_old_slug(struct db *db, struct arena *a, const char *edition, const char *slug,
			    struct db_article *out)
{
	struct pg_stmt *st = pg_prepare(db, sql_old_slug);
	if (!st)
		return DB_ERROR;
	pg_bind_text(st, 1, edition);
	pg_bind_text(st, 2, slug);
	PG_ONE(db, st, pg_read_article(a, st, out, 0));
}

static const char sql_slug_hist[] = "INSERT INTO slug_history(edition, slug, article_id) VALUES($1, $2, $3) "
				    "ON CONFLICT(edition, slug) DO UPDATE SET article_id = excluded.article_id";

int pgn_slug_history_add(struct db *db, const char *edition, const char *slug, int64_t article_id)
{
	struct pg_stmt *st = pg_prepare(db, sql_slug_hist);
	if (!st)
		return DB_ERROR;
	pg_bind_text(st, 1, edition);
	pg_bind_text(st, 2, slug);
	pgs_bind_int64(st, 3, article_id);
	return pg_step_done(db, st);
}

static const char sql_rev_insert[] =
	"INSERT INTO article_revisions(article_id, version, user_id, created_at, headline, standfirst, body_md, "
	"dateline, slug) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (article_id, version) DO NOTHING";

int pgn_revision_insert(struct db *db, int64_t article_id, const struct db_revision *r)
{
	struct pg_stmt *st = pg_prepare(db, sql_rev_insert);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, article_id);
	pgs_bind_int64(st, 2, r->version);
	pg_bind_id(st, 3, r->user_id);
	pgs_bind_int64(st, 4, r->created_at);
	pg_bind_text(st, 5, r->headline);
	pg_bind_text(st, 6, r->standfirst ? r->standfirst : "");
	pg_bind_text(st, 7, r->body_md ? r->body_md : "");
	pg_bind_text(st, 8, r->dateline ? r->dateline : "");
	pg_bind_text(st, 9, r->slug);
	/* a revision already there is DB_CONFLICT, as on SQLite, but without failing the statement: that
	 * would abort the caller's transaction, which goes on (store_article keeps an existing first revision) */
	int rc = pg_step_done(db, st);
	return rc == DB_OK && pg_changes(db) == 0 ? DB_CONFLICT : rc;
}

static const char sql_revs[] = "SELECT r.version, r.user_id, r.created_at, coalesce(u.login, ''), r.headline, "
			       "r.standfirst, r.body_md, r.dateline, r.slug FROM article_revisions r "
			       "LEFT JOIN users u ON u.id = r.user_id WHERE r.article_id = $1 ORDER BY r.version DESC";

static void read_revision(struct arena *a, struct pg_stmt *st, struct db_revision *r)
{
	r->version = pgs_int64(st, 0);
	r->user_id = pgs_int64(st, 1);
	r->created_at = pgs_int64(st, 2);
	r->who = pg_col_text_nn(a, st, 3);
	r->headline = pg_col_text_nn(a, st, 4);
	r->standfirst = pg_col_text_nn(a, st, 5);
	r->body_md = pg_col_text_nn(a, st, 6);
	r->dateline = pg_col_text_nn(a, st, 7);
	r->slug = pg_col_text_nn(a, st, 8);
}

int pgn_revisions_list(struct db *db, struct arena *a, int64_t article_id, struct db_revision **out, size_t *n)
{
	struct pg_stmt *st = pg_prepare(db, sql_revs);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, article_id);
	PG_MANY(db, st, a, struct db_revision, out, n, read_revision(a, st, row));
}

static const char sql_event[] = "INSERT INTO article_events(article_id, user_id, action, at) VALUES($1, $2, $3, $4)";

int pgn_event_insert(struct db *db, int64_t article_id, int64_t user_id, const char *action, int64_t at)
{
	struct pg_stmt *st = pg_prepare(db, sql_event);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, article_id);
	pg_bind_id(st, 2, user_id);
	pg_bind_text(st, 3, action);
	pgs_bind_int64(st, 4, at);
	return pg_step_done(db, st);
}

static const char sql_events[] = "SELECT e.action, coalesce(u.login, 'the scheduler'), e.at FROM article_events e "
				 "LEFT JOIN users u ON u.id = e.user_id WHERE e.article_id = $1 ORDER BY e.at, e.id";

int pgn_events_list(struct db *db, struct arena *a, int64_t article_id, struct db_event **out, size_t *n)
{
	struct pg_stmt *st = pg_prepare(db, sql_events);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, article_id);
	PG_MANY(db, st, a, struct db_event, out, n,
		(row->action = pg_col_text_nn(a, st, 0), row->who = pg_col_text_nn(a, st, 1), row->at = pgs_int64(st, 2)));
}

static const char sql_corr_insert[] = "INSERT INTO corrections(article_id, body, user_id, created_at) VALUES($1, $2, $3, $4)";

int pgn_correction_insert(struct db *db, int64_t article_id, const char *body, int64_t user_id, int64_t at)
{
	struct pg_stmt *st = pg_prepare(db, sql_corr_insert);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, article_id);
	pg_bind_text(st, 2, body);
	pg_bind_id(st, 3, user_id);
	pgs_bind_int64(st, 4, at);
	return pg_step_done(db, st);
}

static const char sql_corrs[] = "SELECT body, created_at FROM corrections WHERE article_id = $1 ORDER BY created_at, id";

int pgn_corrections_list(struct db *db, struct arena *a, int64_t article_id, struct db_correction **out, size_t *n)
{
	struct pg_stmt *st = pg_prepare(db, sql_corrs);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, article_id);
	PG_MANY(db, st, a, struct db_correction, out, n,
		(row->body = pg_col_text_nn(a, st, 0), row->created_at = pgs_int64(st, 1)));
}

static const char sql_media[] = "SELECT id, path, mime, alt, width, height, created_at FROM media ORDER BY created_at DESC, id DESC";

int pgn_media_list(struct db *db, struct arena *a, struct db_media **out, size_t *n)
{
	struct pg_stmt *st = pg_prepare(db, sql_media);
	if (!st)
		return DB_ERROR;
	PG_MANY(db, st, a, struct db_media, out, n,
		(row->id = pgs_int64(st, 0), row->path = pg_col_text_nn(a, st, 1), row->mime = pg_col_text_nn(a, st, 2),
		 row->alt = pg_col_text_nn(a, st, 3), row->width = pgs_int(st, 4),
		 row->height = pgs_int(st, 5), row->created_at = pgs_int64(st, 6)));
}

static const char sql_due_log_pub[] = "INSERT INTO article_events(article_id, user_id, action, at) "
				      "SELECT id, NULL::bigint, 'published (scheduled)', $1::bigint FROM articles "
				      "WHERE status = 'scheduled' AND scheduled_at <= $1";
static const char sql_due_pub[] = "UPDATE articles SET status = 'published', "
				  "published_at = coalesce(published_at, scheduled_at), scheduled_at = NULL "
				  "WHERE status = 'scheduled' AND scheduled_at <= $1";
static const char sql_due_log_exp[] = "INSERT INTO article_events(article_id, user_id, action, at) "
				      "SELECT id, NULL::bigint, 'unpublished (expired)', $1::bigint FROM articles "
				      "WHERE status = 'published' AND expires_at <= $1";
/* the scheduler's events, queued before the UPDATEs change which rows match */
static const char sql_due_hook_pub[] =
	"INSERT INTO webhook_queue(webhook_id, event, payload, next_attempt_at, created_at) "
	"SELECT w.id, 'article.published', " WEBHOOK_SNAPSHOT("coalesce(a.published_at, a.scheduled_at)") ", $1::bigint, $1 "
	"FROM articles a JOIN webhooks w ON w.active = 1 AND " WEBHOOK_WANTS("'article.published'") " "
	"WHERE a.status = 'scheduled' AND a.scheduled_at <= $1 ORDER BY a.id, w.id";
static const char sql_due_hook_exp[] =
	"INSERT INTO webhook_queue(webhook_id, event, payload, next_attempt_at, created_at) "
	"SELECT w.id, 'article.unpublished', " WEBHOOK_SNAPSHOT("a.published_at") ", $1::bigint, $1 "
	"FROM articles a JOIN webhooks w ON w.active = 1 AND " WEBHOOK_WANTS("'article.unpublished'") " "
	"WHERE a.status = 'published' AND a.expires_at <= $1 ORDER BY a.id, w.id";
static const char sql_due_exp[] = "UPDATE articles SET status = 'unpublished', expires_at = NULL "
				  "WHERE status = 'published' AND expires_at <= $1";

/* held by the transaction of a scheduler run: two nodes' schedulers run one after the other, and the
 * second (whose statements each see what the first committed) finds nothing left to do; without it both
 * would log and queue webhook events for the same articles before the UPDATEs serialised them.
 * ("bssched" in ASCII, distinct from the migration lock) */
static const char sql_due_lock[] = "SELECT pg_advisory_xact_lock(27711487143863652)";

static const char sql_due_ids[] = "SELECT id FROM articles WHERE (status = 'scheduled' AND scheduled_at <= $1) "
				  "OR (status = 'published' AND expires_at <= $1) LIMIT $2";

/* pgn_publish_due: see db_publish_due; ids gets the first cap ids of the articles it changes (read in
 * its transaction before the updates). Serialised between nodes by an advisory lock (sql_due_lock), so
 * each due article is published, logged and announced once. DB_OK or DB_ERROR (rolled back). */
int pgn_publish_due(struct db *db, int64_t now, int64_t *ids, size_t cap, int *changed)
{
	if (db->ops->begin(db) != DB_OK)
		return DB_ERROR;
	struct pg_stmt *lk = pg_prepare(db, sql_due_lock);
	if (!lk || pgs_step(lk) != PGS_ROW) {
		if (lk) {
			pg_log(db, lk->sql);
			pg_done(lk);
		}
		db->ops->rollback(db);
		return DB_ERROR;
	}
	pg_done(lk);
	struct pg_stmt *q = pg_prepare(db, sql_due_ids);
	if (!q) {
		db->ops->rollback(db);
		return DB_ERROR;
	}
	pgs_bind_int64(q, 1, now);
	pgs_bind_int64(q, 2, (int64_t)cap);
	size_t nids = 0;
	int step;
	while ((step = pgs_step(q)) == PGS_ROW && nids < cap)
		ids[nids++] = pgs_int64(q, 0);
	if (step != PGS_DONE && step != PGS_ROW) {
		pg_log(db, q->sql);
		pg_done(q);
		db->ops->rollback(db);
		return DB_ERROR;
	}
	pg_done(q);
	const char *sqls[] = {sql_due_log_pub, sql_due_hook_pub, sql_due_pub, sql_due_log_exp, sql_due_hook_exp, sql_due_exp};
	int total = 0;
	for (int i = 0; i < 6; i++) {
		struct pg_stmt *st = pg_prepare(db, sqls[i]);
		if (!st || (pgs_bind_int64(st, 1, now), pg_step_done(db, st))  != DB_OK) {
			db->ops->rollback(db);
			return DB_ERROR;
		}
		if (sqls[i] == sql_due_pub || sqls[i] == sql_due_exp)
			total += pg_changes(db);
	}
	if (db->ops->commit(db) != DB_OK)
		return DB_ERROR;
	*changed = total;
	return DB_OK;
}

static const char sql_next_due[] = "SELECT min(t) FROM (SELECT min(scheduled_at) AS t FROM articles WHERE status = 'scheduled' "
				   "UNION ALL SELECT min(expires_at) FROM articles WHERE status = 'published' AND expires_at IS NOT NULL) AS due";

int pgn_next_due(struct db *db, int64_t *at)
{
	struct pg_stmt *st = pg_prepare(db, sql_next_due);
	if (!st)
		return DB_ERROR;
	PG_ONE(db, st, *at = pgs_int64(st, 0));
}

static const char sql_tr_any[] = "SELECT " ART_COLS ART_FROM "WHERE a.translation_group = $1 AND a.edition <> $2 "
				 "ORDER BY a.id DESC LIMIT 1";

int pgn_article_translation_any(struct db *db, struct arena *a, const struct db_article *art, struct db_article *out)
{
	if (!art->translation_group)
		return DB_NOTFOUND;
	struct pg_stmt *st = pg_prepare(db, sql_tr_any);
	if (!st)
		return DB_ERROR;
	pg_bind_text(st, 1, art->translation_group);
	pg_bind_text(st, 2, art->edition);
	PG_ONE(db, st, pg_read_article(a, st, out, 0));
}
