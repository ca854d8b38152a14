/* db_sqlite_newsroom.c - the SQLite backend's newsroom operations: articles of any status, revisions,
 * the workflow log, corrections, slug history and the scheduler's queries (see db.h). The scheduler's
 * publications and take-downs queue their webhook events in the same transaction. */
#include <stdio.h>
#include <stdlib.h>

#include "db_sqlite_int.h"
#include "util.h"

#define ADMIN_COLS ART_COLS ", a.body_md, a.body_html, a.version, a.owner_id, a.scheduled_at, a.expires_at, u.login"
#define ADMIN_FROM ART_FROM "LEFT JOIN users u ON u.id = a.owner_id "

static void read_admin(struct arena *a, sqlite3_stmt *st, struct db_article *r)
{
	read_article(a, st, r, 1);
	r->version = sqlite3_column_int64(st, ART_NCOLS + 2);
	r->owner_id = sqlite3_column_int64(st, ART_NCOLS + 3);
	r->scheduled_at = sqlite3_column_int64(st, ART_NCOLS + 4);
	r->expires_at = sqlite3_column_int64(st, ART_NCOLS + 5);
	r->owner_login = col_text_nn(a, st, ART_NCOLS + 6);
}

static const char sql_get_id[] = "SELECT " ADMIN_COLS ADMIN_FROM "WHERE a.id = ?1";

int sqn_article_get_id(struct db *db, struct arena *a, int64_t id, struct db_article *out)
{
	sqlite3_stmt *st = sq_prepare(db, sql_get_id);
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, id);
	SQ_ONE(db, st, read_admin(a, st, out));
}

static const char sql_by_status[] = "SELECT " ADMIN_COLS ADMIN_FROM "WHERE a.status = ?1 "
				    "ORDER BY coalesce(a.updated_at, a.created_at) DESC, a.id DESC LIMIT ?2";

int sqn_articles_by_status(struct db *db, struct arena *a, const char *status, int64_t limit, struct db_article **out,
			   size_t *n)
{
	sqlite3_stmt *st = sq_prepare(db, sql_by_status);
	if (!st)
		return DB_ERROR;
	bind_text(st, 1, status);
	sqlite3_bind_int64(st, 2, limit);
	SQ_MANY(db, st, a, struct db_article, out, n, read_admin(a, st, row));
}

static const char sql_slug_owner[] = "SELECT id FROM articles WHERE edition = ?1 AND slug = ?2 "
				     "UNION ALL SELECT article_id FROM slug_history WHERE edition = ?1 AND slug = ?2 LIMIT 1";

int sqn_slug_owner(struct db *db, const char *edition, const char *slug, int64_t *article_id)
{
	sqlite3_stmt *st = sq_prepare(db, sql_slug_owner);
	if (!st)
		return DB_ERROR;
	bind_text(st, 1, edition);
	bind_text(st, 2, slug);
	SQ_ONE(db, st, *article_id = sqlite3_column_int64(st, 0));
}

static const char sql_insert[] =
	"INSERT INTO articles(edition, slug, headline, standfirst, body_md, body_html, dateline, status, section_id, "
	"lead_media_id, lead_caption, lead_credit, created_at, updated_at, owner_id, version) "
	"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, 'draft', ?8, ?9, ?10, ?11, ?12, ?12, ?13, 1) RETURNING id";
static const char sql_update[] =
	"UPDATE articles SET edition = ?1, slug = ?2, headline = ?3, standfirst = ?4, body_md = ?5, body_html = ?6, "
	"dateline = ?7, section_id = ?8, lead_media_id = ?9, lead_caption = ?10, lead_credit = ?11, updated_at = ?12, "
	"version = version + 1 WHERE id = ?14 AND version = ?15 RETURNING id";

int sqn_article_save(struct db *db, const struct db_article *r, int64_t *id)
{
	sqlite3_stmt *st = sq_prepare(db, r->id ? sql_update : sql_insert);
	if (!st)
		return DB_ERROR;
	bind_text(st, 1, r->edition);
	bind_text(st, 2, r->slug);
	bind_text(st, 3, r->headline);
	bind_text(st, 4, r->standfirst ? r->standfirst : "");
	bind_text(st, 5, r->body_md ? r->body_md : "");
	bind_text(st, 6, r->body_html ? r->body_html : "");
	bind_text(st, 7, r->dateline ? r->dateline : "");
	sqlite3_bind_int64(st, 8, r->section_id);
	bind_id(st, 9, r->lead_media_id);
	bind_text(st, 10, r->lead_caption ? r->lead_caption : "");
	bind_text(st, 11, r->lead_credit ? r->lead_credit : "");
	sqlite3_bind_int64(st, 12, r->updated_at ? r->updated_at : util_now());
	if (r->id) {
		sqlite3_bind_int64(st, 14, r->id);
		sqlite3_bind_int64(st, 15, r->version);
	} else {
		bind_id(st, 13, r->owner_id);
	}
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (rc == SQLITE_DONE) {
			sq_done(st);
			return DB_OK;
		}
	}
	sq_done(st);
	if (rc == SQLITE_DONE && r->id)
		return DB_CONFLICT; /* no row at that version: someone saved in between */
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return DB_CONFLICT;
	sq_log(sq_conn((struct sq_db *)db), "article_save");
	return DB_ERROR;
}

static const char sql_clear_authors[] = "DELETE FROM article_authors WHERE article_id = ?1";
static const char sql_clear_tags[] = "DELETE FROM article_tags WHERE article_id = ?1";

int sqn_article_links_clear(struct db *db, int64_t article_id)
{
	const char *sqls[] = {sql_clear_authors, sql_clear_tags};
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *st = sq_prepare(db, sqls[i]);
		if (!st)
			return DB_ERROR;
		sqlite3_bind_int64(st, 1, article_id);
		if (sq_step_done(db, st) != DB_OK)
			return DB_ERROR;
	}
	return DB_OK;
}

static const char sql_set_status[] = "UPDATE articles SET status = ?2, published_at = ?3, scheduled_at = ?4, "
				     "expires_at = ?5 WHERE id = ?1";

int sqn_article_set_status(struct db *db, int64_t id, const char *status, int64_t published_at, int64_t scheduled_at,
			   int64_t expires_at)
{
	sqlite3_stmt *st = sq_prepare(db, sql_set_status);
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, status);
	bind_id(st, 3, published_at);
	bind_id(st, 4, scheduled_at);
	bind_id(st, 5, expires_at);
	return sq_step_done(db, st);
}

/* id joins other_id's group; when other_id has none, both get a new one named for the pair (never id's old
 * group: its other member would stay paired with id, a third article in that pair) */
static const char sql_group_of[] = "SELECT coalesce((SELECT translation_group FROM articles WHERE id = ?2), "
				   "'g' || ?1 || '-' || ?2)";
static const char sql_set_group[] = "UPDATE articles SET translation_group = ?2 WHERE id = ?1";

int sqn_article_set_translation(struct db *db, int64_t id, int64_t other_id)
{
	sqlite3_stmt *st = sq_prepare(db, sql_group_of);
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, other_id);
	char group[128] = "";
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(group, sizeof group, "%s", (const char *)sqlite3_column_text(st, 0));
	sq_done(st);
	if (!group[0])
		return DB_ERROR;
	int64_t ids[2] = {id, other_id};
	for (int i = 0; i < 2; i++) {
		st = sq_prepare(db, sql_set_group);
		if (!st)
			return DB_ERROR;
		sqlite3_bind_int64(st, 1, ids[i]);
		bind_text(st, 2, group);
		if (sq_step_done(db, st) != DB_OK)
			return DB_ERROR;
	}
	return DB_OK;
}

static const char sql_old_slug[] = "SELECT " ART_COLS ART_FROM "JOIN slug_history h ON h.article_id = a.id "
				   "WHERE h.edition = ?1 AND h.slug = ?2 AND a.status = 'published'";

int sqn_article_by_old_slug(struct db *db, struct arena *a, const char *edition, const char *slug,
			    struct db_article *out)
{
	sqlite3_stmt *st = sq_prepare(db, sql_old_slug);
	if (!st)
		return DB_ERROR;
	bind_text(st, 1, edition);
	bind_text(st, 2, slug);
	SQ_ONE(db, st, read_article(a, st, out, 0));
}

static const char sql_slug_hist[] = "INSERT INTO slug_history(edition, slug, article_id) VALUES(?1, ?2, ?3) "
				    "ON CONFLICT(edition, slug) DO UPDATE SET article_id = excluded.article_id";

int sqn_slug_history_add(struct db *db, const char *edition, const char *slug, int64_t article_id)
{
	sqlite3_stmt *st = sq_prepare(db, sql_slug_hist);
	if (!st)
		return DB_ERROR;
	bind_text(st, 1, edition);
	bind_text(st, 2, slug);
	sqlite3_bind_int64(st, 3, article_id);
	return sq_step_done(db, st);
}

static const char sql_rev_insert[] =
	"INSERT INTO article_revisions(article_id, version, user_id, created_at, headline, standfirst, body_md, "
	"dateline, slug) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

int sqn_revision_insert(struct db *db, int64_t article_id, const struct db_revision *r)
{
	sqlite3_stmt *st = sq_prepare(db, sql_rev_insert);
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	sqlite3_bind_int64(st, 2, r->version);
	bind_id(st, 3, r->user_id);
	sqlite3_bind_int64(st, 4, r->created_at);
	bind_text(st, 5, r->headline);
	bind_text(st, 6, r->standfirst ? r->standfirst : "");
	bind_text(st, 7, r->body_md ? r->body_md : "");
	bind_text(st, 8, r->dateline ? r->dateline : "");
	bind_text(st, 9, r->slug);
	return sq_step_done(db, st);
}

static const char sql_revs[] = "SELECT r.version, r.user_id, r.created_at, coalesce(u.login, ''), r.headline, "
			       "r.standfirst, r.body_md, r.dateline, r.slug FROM article_revisions r "
			       "LEFT JOIN users u ON u.id = r.user_id WHERE r.article_id = ?1 ORDER BY r.version DESC";

static void read_revision(struct arena *a, sqlite3_stmt *st, struct db_revision *r)
{
	r->version = sqlite3_column_int64(st, 0);
	r->user_id = sqlite3_column_int64(st, 1);
	r->created_at = sqlite3_column_int64(st, 2);
	r->who = col_text_nn(a, st, 3);
	r->headline = col_text_nn(a, st, 4);
	r->standfirst = col_text_nn(a, st, 5);
	r->body_md = col_text_nn(a, st, 6);
	r->dateline = col_text_nn(a, st, 7);
	r->slug = col_text_nn(a, st, 8);
}

int sqn_revisions_list(struct db *db, struct arena *a, int64_t article_id, struct db_revision **out, size_t *n)
{
	sqlite3_stmt *st = sq_prepare(db, sql_revs);
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	SQ_MANY(db, st, a, struct db_revision, out, n, read_revision(a, st, row));
}

static const char sql_event[] = "INSERT INTO article_events(article_id, user_id, action, at) VALUES(?1, ?2, ?3, ?4)";

int sqn_event_insert(struct db *db, int64_t article_id, int64_t user_id, const char *action, int64_t at)
{
	sqlite3_stmt *st = sq_prepare(db, sql_event);
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	bind_id(st, 2, user_id);
	bind_text(st, 3, action);
	sqlite3_bind_int64(st, 4, at);
	return sq_step_done(db, st);
}

static const char sql_events[] = "SELECT e.action, coalesce(u.login, 'the scheduler'), e.at FROM article_events e "
				 "LEFT JOIN users u ON u.id = e.user_id WHERE e.article_id = ?1 ORDER BY e.at, e.id";

int sqn_events_list(struct db *db, struct arena *a, int64_t article_id, struct db_event **out, size_t *n)
{
	sqlite3_stmt *st = sq_prepare(db, sql_events);
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	SQ_MANY(db, st, a, struct db_event, out, n,
		(row->action = col_text_nn(a, st, 0), row->who = col_text_nn(a, st, 1), row->at = sqlite3_column_int64(st, 2)));
}

static const char sql_corr_insert[] = "INSERT INTO corrections(article_id, body, user_id, created_at) VALUES(?1, ?2, ?3, ?4)";

int sqn_correction_insert(struct db *db, int64_t article_id, const char *body, int64_t user_id, int64_t at)
{
	sqlite3_stmt *st = sq_prepare(db, sql_corr_insert);
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	bind_text(st, 2, body);
	bind_id(st, 3, user_id);
	sqlite3_bind_int64(st, 4, at);
	return sq_step_done(db, st);
}

static const char sql_corrs[] = "SELECT body, created_at FROM corrections WHERE article_id = ?1 ORDER BY created_at, id";

int sqn_corrections_list(struct db *db, struct arena *a, int64_t article_id, struct db_correction **out, size_t *n)
{
	sqlite3_stmt *st = sq_prepare(db, sql_corrs);
	if (!st)
		return DB_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	SQ_MANY(db, st, a, struct db_correction, out, n,
		(row->body = col_text_nn(a, st, 0), row->created_at = sqlite3_column_int64(st, 1)));
}

static const char sql_media[] = "SELECT id, path, mime, alt, width, height, created_at FROM media ORDER BY created_at DESC, id DESC";

int sqn_media_list(struct db *db, struct arena *a, struct db_media **out, size_t *n)
{
	sqlite3_stmt *st = sq_prepare(db, sql_media);
	if (!st)
		return DB_ERROR;
	SQ_MANY(db, st, a, struct db_media, out, n,
		(row->id = sqlite3_column_int64(st, 0), row->path = col_text_nn(a, st, 1), row->mime = col_text_nn(a, st, 2),
		 row->alt = col_text_nn(a, st, 3), row->width = sqlite3_column_int(st, 4),
		 row->height = sqlite3_column_int(st, 5), row->created_at = sqlite3_column_int64(st, 6)));
}

static const char sql_due_log_pub[] = "INSERT INTO article_events(article_id, user_id, action, at) "
				      "SELECT id, NULL, 'published (scheduled)', ?1 FROM articles "
				      "WHERE status = 'scheduled' AND scheduled_at <= ?1";
static const char sql_due_pub[] = "UPDATE articles SET status = 'published', "
				  "published_at = coalesce(published_at, scheduled_at), scheduled_at = NULL "
				  "WHERE status = 'scheduled' AND scheduled_at <= ?1";
static const char sql_due_log_exp[] = "INSERT INTO article_events(article_id, user_id, action, at) "
				      "SELECT id, NULL, 'unpublished (expired)', ?1 FROM articles "
				      "WHERE status = 'published' AND expires_at <= ?1";
/* the scheduler's events, queued before the UPDATEs change which rows match */
static const char sql_due_hook_pub[] =
	"INSERT INTO webhook_queue(webhook_id, event, payload, next_attempt_at, created_at) "
	"SELECT w.id, 'article.published', " WEBHOOK_SNAPSHOT("coalesce(a.published_at, a.scheduled_at)") ", ?1, ?1 "
	"FROM articles a JOIN webhooks w ON w.active = 1 AND " WEBHOOK_WANTS("'article.published'") " "
	"WHERE a.status = 'scheduled' AND a.scheduled_at <= ?1 ORDER BY a.id, w.id";
static const char sql_due_hook_exp[] =
	"INSERT INTO webhook_queue(webhook_id, event, payload, next_attempt_at, created_at) "
	"SELECT w.id, 'article.unpublished', " WEBHOOK_SNAPSHOT("a.published_at") ", ?1, ?1 "
	"FROM articles a JOIN webhooks w ON w.active = 1 AND " WEBHOOK_WANTS("'article.unpublished'") " "
	"WHERE a.status = 'published' AND a.expires_at <= ?1 ORDER BY a.id, w.id";
static const char sql_due_exp[] = "UPDATE articles SET status = 'unpublished', expires_at = NULL "
				  "WHERE status = 'published' AND expires_at <= ?1";

static const char sql_due_ids[] = "SELECT id FROM articles WHERE (status = 'scheduled' AND scheduled_at <= ?1) "
				  "OR (status = 'published' AND expires_at <= ?1) LIMIT ?2";

int sqn_publish_due(struct db *db, int64_t now, int64_t *ids, size_t cap, int *changed)
{
	struct sq_conn *c = sq_conn((struct sq_db *)db);
	if (!c || db->ops->begin(db) != DB_OK)
		return DB_ERROR;
	sqlite3_stmt *q = sq_prepare(db, sql_due_ids);
	if (!q) {
		db->ops->rollback(db);
		return DB_ERROR;
	}
	sqlite3_bind_int64(q, 1, now);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)cap);
	size_t nids = 0;
	int step;
	while ((step = sqlite3_step(q)) == SQLITE_ROW && nids < cap)
		ids[nids++] = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	if (step != SQLITE_DONE && step != SQLITE_ROW) {
		db->ops->rollback(db);
		return DB_ERROR;
	}
	const char *sqls[] = {sql_due_log_pub, sql_due_hook_pub, sql_due_pub, sql_due_log_exp, sql_due_hook_exp, sql_due_exp};
	int total = 0;
	for (int i = 0; i < 6; i++) {
		sqlite3_stmt *st = sq_prepare(db, sqls[i]);
		if (!st || (sqlite3_bind_int64(st, 1, now), sq_step_done(db, st)) != DB_OK) {
			db->ops->rollback(db);
			return DB_ERROR;
		}
		if (sqls[i] == sql_due_pub || sqls[i] == sql_due_exp)
			total += sqlite3_changes(c->h);
	}
	if (db->ops->commit(db) != DB_OK)
		return DB_ERROR;
	*changed = total;
	return DB_OK;
}

static const char sql_next_due[] = "SELECT min(t) FROM (SELECT min(scheduled_at) AS t FROM articles WHERE status = 'scheduled' "
				   "UNION ALL SELECT min(expires_at) FROM articles WHERE status = 'published' AND expires_at IS NOT NULL)";

int sqn_next_due(struct db *db, int64_t *at)
{
	sqlite3_stmt *st = sq_prepare(db, sql_next_due);
	if (!st)
		return DB_ERROR;
	SQ_ONE(db, st, *at = sqlite3_column_int64(st, 0));
}

static const char sql_tr_any[] = "SELECT " ART_COLS ART_FROM "WHERE a.translation_group = ?1 AND a.edition <> ?2 "
				 "ORDER BY a.id DESC LIMIT 1";

int sqn_article_translation_any(struct db *db, struct arena *a, const struct db_article *art, struct db_article *out)
{
	if (!art->translation_group)
		return DB_NOTFOUND;
	sqlite3_stmt *st = sq_prepare(db, sql_tr_any);
	if (!st)
		return DB_ERROR;
	bind_text(st, 1, art->translation_group);
	bind_text(st, 2, art->edition);
	SQ_ONE(db, st, read_article(a, st, out, 0));
}
