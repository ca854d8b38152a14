/* store_comments.c - the store's visitor comments, written once for both engines (db_stmt.h): storing,
 * listing per article and for moderation, rate and duplicate counts, the moderation log, bans and IP
 * purging (see db.h). */
#include <string.h>

#include "db_stmt.h"

#define COMMENT_COLS                                                                                          \
	"c.id, c.article_id, coalesce(c.parent_id, 0), c.name, c.body, c.status, c.created_at, "             \
	"coalesce(c.edited_at, 0), coalesce(u.login, '')"

/* read_comment: the COMMENT_COLS columns of the current row. */
static void read_comment(struct db *db, struct arena *a, struct db_stmt *st, struct db_comment *r)
{
	memset(r, 0, sizeof *r);
	r->id = dbs_int64(db, st, 0);
	r->article_id = dbs_int64(db, st, 1);
	r->parent_id = dbs_int64(db, st, 2);
	r->name = dbs_text_nn(db, a, st, 3);
	r->body = dbs_text_nn(db, a, st, 4);
	r->status = dbs_text_nn(db, a, st, 5);
	r->created_at = dbs_int64(db, st, 6);
	r->edited_at = dbs_int64(db, st, 7);
	r->edited_by = dbs_text_nn(db, a, st, 8);
}

static const char sql_insert[] =
	"INSERT INTO comments(article_id, parent_id, name, body, status, email_hash, ip_hash, net_hash, visitor_hash, "
	"dup_key, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id";

int db_comment_insert(struct db *db, const struct db_comment_new *c, int64_t *id)
{
	struct db_stmt *st = dbs_prepare(db, sql_insert);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, c->article_id);
	dbs_bind_id(db, st, 2, c->parent_id);
	dbs_bind_text(db, st, 3, c->name);
	dbs_bind_text(db, st, 4, c->body);
	dbs_bind_text(db, st, 5, c->status);
	dbs_bind_text(db, st, 6, c->email_hash);
	dbs_bind_text(db, st, 7, c->ip_hash);
	dbs_bind_text(db, st, 8, c->net_hash);
	dbs_bind_text(db, st, 9, c->visitor_hash);
	dbs_bind_text(db, st, 10, c->dup_key);
	dbs_bind_int64(db, st, 11, c->created_at);
	return dbs_insert_id(db, st, id);
}

/* A comment is shown when approved, or pending and sent by this visitor; a reply only under a shown
 * parent. Threads sort by their top-level comment's time, then the parent, then replies oldest first. */
static const char sql_for_article[] =
	"SELECT " COMMENT_COLS ", c.status <> 'approved' FROM comments c LEFT JOIN users u ON u.id = c.edited_by "
	"LEFT JOIN comments p ON p.id = c.parent_id "
	"WHERE c.article_id = ?1 "
	"AND (c.status = 'approved' OR (CAST(?2 AS TEXT) IS NOT NULL AND c.status = 'pending' AND c.visitor_hash = ?2)) "
	"AND (c.parent_id IS NULL OR p.status = 'approved' "
	"     OR (?2 IS NOT NULL AND p.status = 'pending' AND p.visitor_hash = ?2)) "
	"ORDER BY CASE WHEN CAST(?3 AS INTEGER) <> 0 THEN -coalesce(p.created_at, c.created_at) ELSE coalesce(p.created_at, c.created_at) END, "
	"coalesce(c.parent_id, c.id), c.parent_id IS NOT NULL, c.created_at, c.id LIMIT 2000";

int db_comments_for_article(struct db *db, struct arena *a, int64_t article_id, const char *visitor_hash,
			     int newest_first, struct db_comment **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, sql_for_article);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, article_id);
	dbs_bind_text(db, st, 2, visitor_hash);
	dbs_bind_int64(db, st, 3, newest_first != 0);
	DBS_MANY(db, st, a, struct db_comment, out, n, (read_comment(db, a, st, row), row->mine = (int)dbs_int64(db, st, 9)));
}

static const char sql_get[] = "SELECT " COMMENT_COLS ", c.ip_hash, c.email_hash FROM comments c "
			      "LEFT JOIN users u ON u.id = c.edited_by WHERE c.id = ?1";

int db_comment_get(struct db *db, struct arena *a, int64_t id, struct db_comment *out)
{
	struct db_stmt *st = dbs_prepare(db, sql_get);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, id);
	DBS_ONE(db, st,
	       (read_comment(db, a, st, out), out->ip_hash = dbs_text(db, a, st, 9), out->email_hash = dbs_text(db, a, st, 10)));
}

static const char sql_recent_ip[] = "SELECT count(*) FROM comments WHERE ip_hash = ?1 AND created_at >= ?2";
static const char sql_recent_net[] = "SELECT count(*) FROM comments WHERE net_hash = ?1 AND created_at >= ?2";

int db_comments_recent(struct db *db, enum db_rate_key key, const char *hash, int64_t since, int64_t *count)
{
	struct db_stmt *st = dbs_prepare(db, key == DB_RATE_NET ? sql_recent_net : sql_recent_ip);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, hash);
	dbs_bind_int64(db, st, 2, since);
	DBS_ONE(db, st, *count = dbs_int64(db, st, 0));
}

static const char sql_dup[] = "SELECT count(*) FROM comments WHERE article_id = ?1 AND dup_key = ?2 AND created_at >= ?3";

int db_comment_duplicate(struct db *db, int64_t article_id, const char *dup_key, int64_t since, int *found)
{
	struct db_stmt *st = dbs_prepare(db, sql_dup);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, article_id);
	dbs_bind_text(db, st, 2, dup_key);
	dbs_bind_int64(db, st, 3, since);
	DBS_ONE(db, st, *found = dbs_int64(db, st, 0) > 0);
}

static const char sql_approved[] = "SELECT (SELECT count(*) FROM comments WHERE CAST(?1 AS TEXT) IS NOT NULL AND email_hash = ?1 "
				   "AND status = 'approved') + (SELECT count(*) FROM comments WHERE ?1 IS NULL AND "
				   "CAST(?2 AS TEXT) IS NOT NULL AND visitor_hash = ?2 AND status = 'approved')";

int db_comments_approved_count(struct db *db, const char *email_hash, const char *visitor_hash, int64_t *count)
{
	struct db_stmt *st = dbs_prepare(db, sql_approved);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, email_hash);
	dbs_bind_text(db, st, 2, visitor_hash);
	DBS_ONE(db, st, *count = dbs_int64(db, st, 0));
}

/* the text filter finds a substring of the name or body, case-folded: SQLite's instr() is PostgreSQL's
 * strpos() */
#define QUEUE(FIND)                                                                                           \
	"SELECT " COMMENT_COLS ", c.ip_hash, c.email_hash, a.edition, a.slug, a.headline, coalesce(a.published_at, 0) " \
	"FROM comments c JOIN articles a ON a.id = c.article_id LEFT JOIN users u ON u.id = c.edited_by "      \
	"WHERE c.status = ?1 AND (CAST(?2 AS BIGINT) = 0 OR c.article_id = ?2) "                                \
	"AND (CAST(?3 AS TEXT) IS NULL OR " FIND "(lower(c.name), lower(?3)) > 0 OR " FIND "(lower(c.body), lower(?3)) > 0) " \
	"ORDER BY c.created_at DESC, c.id DESC LIMIT ?4 OFFSET ?5"
static const char sql_queue_sqlite[] = QUEUE("instr");
static const char sql_queue_pg[] = QUEUE("strpos");

int db_comments_queue(struct db *db, struct arena *a, const struct db_comment_query *q, struct db_comment **out,
		       size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, DBS_SQL(db, sql_queue_sqlite, sql_queue_pg));
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, q->status);
	dbs_bind_int64(db, st, 2, q->article_id);
	dbs_bind_text(db, st, 3, q->text && *q->text ? q->text : NULL);
	dbs_bind_int64(db, st, 4, q->limit);
	dbs_bind_int64(db, st, 5, q->offset);
	DBS_MANY(db, st, a, struct db_comment, out, n,
		(read_comment(db, a, st, row), row->ip_hash = dbs_text(db, a, st, 9), row->email_hash = dbs_text(db, a, st, 10),
		 row->article_edition = dbs_text_nn(db, a, st, 11), row->article_slug = dbs_text_nn(db, a, st, 12),
		 row->article_headline = dbs_text_nn(db, a, st, 13), row->article_published_at = dbs_int64(db, st, 14)));
}

static const char sql_status_count[] = "SELECT count(*) FROM comments WHERE status = ?1";

int db_comments_status_count(struct db *db, const char *status, int64_t *count)
{
	struct db_stmt *st = dbs_prepare(db, sql_status_count);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, status);
	DBS_ONE(db, st, *count = dbs_int64(db, st, 0));
}

/* changed_one: DB_OK when the last statement changed a row, else DB_NOTFOUND. */
static int changed_one(struct db *db, int rc)
{
	if (rc != DB_OK)
		return rc;
	return dbs_changes(db) > 0 ? DB_OK : DB_NOTFOUND;
}

static const char sql_set_status[] = "UPDATE comments SET status = ?2 WHERE id = ?1";

int db_comment_set_status(struct db *db, int64_t id, const char *status)
{
	struct db_stmt *st = dbs_prepare(db, sql_set_status);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, id);
	dbs_bind_text(db, st, 2, status);
	return changed_one(db, dbs_exec(db, st));
}

static const char sql_edit[] = "UPDATE comments SET body = ?2, edited_by = ?3, edited_at = ?4 WHERE id = ?1";

int db_comment_edit(struct db *db, int64_t id, const char *body, int64_t user_id, int64_t at)
{
	struct db_stmt *st = dbs_prepare(db, sql_edit);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, id);
	dbs_bind_text(db, st, 2, body);
	dbs_bind_id(db, st, 3, user_id);
	dbs_bind_int64(db, st, 4, at);
	return changed_one(db, dbs_exec(db, st));
}

static const char sql_log_add[] = "INSERT INTO comment_log(comment_id, user_id, action, at) VALUES(?1, ?2, ?3, ?4)";

int db_comment_log_add(struct db *db, int64_t comment_id, int64_t user_id, const char *action, int64_t at)
{
	struct db_stmt *st = dbs_prepare(db, sql_log_add);
	if (!st)
		return DB_ERROR;
	dbs_bind_id(db, st, 1, comment_id);
	dbs_bind_id(db, st, 2, user_id);
	dbs_bind_text(db, st, 3, action);
	dbs_bind_int64(db, st, 4, at);
	return dbs_exec(db, st);
}

static const char sql_log_list[] = "SELECT coalesce(l.comment_id, 0), l.at, coalesce(u.login, 'the system'), l.action, "
				   "coalesce(c.name, '') FROM comment_log l LEFT JOIN users u ON u.id = l.user_id "
				   "LEFT JOIN comments c ON c.id = l.comment_id ORDER BY l.at DESC, l.id DESC LIMIT ?1";

int db_comment_log_list(struct db *db, struct arena *a, int64_t limit, struct db_comment_log **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, sql_log_list);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, limit);
	DBS_MANY(db, st, a, struct db_comment_log, out, n,
		(row->comment_id = dbs_int64(db, st, 0), row->at = dbs_int64(db, st, 1),
		 row->who = dbs_text_nn(db, a, st, 2), row->action = dbs_text_nn(db, a, st, 3), row->name = dbs_text_nn(db, a, st, 4)));
}

static const char sql_ban_add[] = "INSERT INTO bans(kind, value_hash, user_id, created_at) VALUES(?1, ?2, ?3, ?4) "
				  "ON CONFLICT(kind, value_hash) DO NOTHING";

int db_ban_add(struct db *db, const char *kind, const char *value_hash, int64_t user_id, int64_t at)
{
	struct db_stmt *st = dbs_prepare(db, sql_ban_add);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, kind);
	dbs_bind_text(db, st, 2, value_hash);
	dbs_bind_id(db, st, 3, user_id);
	dbs_bind_int64(db, st, 4, at);
	return dbs_exec(db, st);
}

static const char sql_ban_exists[] = "SELECT count(*) FROM bans WHERE kind = ?1 AND value_hash = ?2";

int db_ban_exists(struct db *db, const char *kind, const char *value_hash, int *found)
{
	struct db_stmt *st = dbs_prepare(db, sql_ban_exists);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, kind);
	dbs_bind_text(db, st, 2, value_hash);
	DBS_ONE(db, st, *found = dbs_int64(db, st, 0) > 0);
}

static const char sql_purge[] = "UPDATE comments SET ip_hash = NULL, net_hash = NULL "
				"WHERE created_at < ?1 AND (ip_hash IS NOT NULL OR net_hash IS NOT NULL)";

int db_comments_purge_ips(struct db *db, int64_t before, int *changed)
{
	struct db_stmt *st = dbs_prepare(db, sql_purge);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, before);
	int rc = dbs_exec(db, st);
	if (rc == DB_OK)
		*changed = dbs_changes(db);
	return rc;
}

static const char sql_art_comments[] = "UPDATE articles SET comments_mode = ?2, comments_closed = ?3 WHERE id = ?1";

int db_article_set_comments(struct db *db, int64_t article_id, const char *mode, int closed)
{
	struct db_stmt *st = dbs_prepare(db, sql_art_comments);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, article_id);
	dbs_bind_text(db, st, 2, mode);
	dbs_bind_int64(db, st, 3, closed != 0);
	return changed_one(db, dbs_exec(db, st));
}

static const char sql_all[] = "SELECT " COMMENT_COLS ", c.ip_hash, c.email_hash, a.edition, a.slug, a.headline, "
			      "coalesce(a.published_at, 0) FROM comments c JOIN articles a ON a.id = c.article_id "
			      "LEFT JOIN users u ON u.id = c.edited_by ORDER BY c.id";

int db_comments_all(struct db *db, struct arena *a, struct db_comment **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, sql_all);
	if (!st)
		return DB_ERROR;
	DBS_MANY(db, st, a, struct db_comment, out, n,
		(read_comment(db, a, st, row), row->ip_hash = dbs_text(db, a, st, 9), row->email_hash = dbs_text(db, a, st, 10),
		 row->article_edition = dbs_text_nn(db, a, st, 11), row->article_slug = dbs_text_nn(db, a, st, 12),
		 row->article_headline = dbs_text_nn(db, a, st, 13), row->article_published_at = dbs_int64(db, st, 14)));
}
