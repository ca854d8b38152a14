/* store_comments.c - the store's visitor comments, written once for both engines (db_stmt.h): storing,
 * listing per article and for moderation, rate and duplicate counts, the moderation log, bans and IP
 * purging (see db.h). */
#include "db_stmt.h"

#define COMMENT_COLS                                                                                          \
	"c.id, c.article_id, coalesce(c.parent_id, 0), c.name, c.body, c.status, c.created_at, "             \
	"coalesce(c.edited_at, 0), coalesce(u.login, '')"

/* The COMMENT_COLS columns, then (comment_mine_map) whether it is the visitor's own pending comment,
 * or (comment_hash_map) its hashes, or (comment_queue_map) its hashes and article. */
#define C struct db_comment
#define COMMENT_MAP_COLS                                                                                      \
	DBS_C_I64(C, id), DBS_C_I64(C, article_id), DBS_C_I64(C, parent_id), DBS_C_TEXT_NN(C, name),           \
	DBS_C_TEXT_NN(C, body), DBS_C_TEXT_NN(C, status), DBS_C_I64(C, created_at), DBS_C_I64(C, edited_at),   \
	DBS_C_TEXT_NN(C, edited_by)
static const struct dbs_col comment_mine_cols[] = {COMMENT_MAP_COLS, DBS_C_INT(C, mine)};
static const struct dbs_col comment_hash_cols[] = {COMMENT_MAP_COLS, DBS_C_TEXT(C, ip_hash), DBS_C_TEXT(C, email_hash)};
static const struct dbs_col comment_queue_cols[] = {
	COMMENT_MAP_COLS, DBS_C_TEXT(C, ip_hash), DBS_C_TEXT(C, email_hash), DBS_C_TEXT_NN(C, article_edition),
	DBS_C_TEXT_NN(C, article_slug), DBS_C_TEXT_NN(C, article_headline), DBS_C_I64(C, article_published_at)};
static const struct dbs_map comment_mine_map = DBS_MAP(C, comment_mine_cols, NULL);
static const struct dbs_map comment_hash_map = DBS_MAP(C, comment_hash_cols, NULL);
static const struct dbs_map comment_queue_map = DBS_MAP(C, comment_queue_cols, NULL);
#undef C

static const char sql_insert[] =
	"INSERT INTO comments(article_id, parent_id, name, body, status, email_hash, ip_hash, net_hash, visitor_hash, "
	"dup_key, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id";

int db_comment_insert(struct db *db, const struct db_comment_new *c, int64_t *id)
{
	return dbs_insert(db, sql_insert,
			  DBS_ARGS(DBS_INT(c->article_id), DBS_ID(c->parent_id), DBS_TEXT(c->name), DBS_TEXT(c->body),
				   DBS_TEXT(c->status), DBS_TEXT(c->email_hash), DBS_TEXT(c->ip_hash), DBS_TEXT(c->net_hash),
				   DBS_TEXT(c->visitor_hash), DBS_TEXT(c->dup_key), DBS_INT(c->created_at)),
			  id);
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
	return dbs_list(db, a, sql_for_article,
			DBS_ARGS(DBS_INT(article_id), DBS_TEXT(visitor_hash), DBS_INT(newest_first != 0)),
			&comment_mine_map, out, n);
}

static const char sql_get[] = "SELECT " COMMENT_COLS ", c.ip_hash, c.email_hash FROM comments c "
			      "LEFT JOIN users u ON u.id = c.edited_by WHERE c.id = ?1";

int db_comment_get(struct db *db, struct arena *a, int64_t id, struct db_comment *out)
{
	return dbs_one(db, a, sql_get, DBS_ARGS(DBS_INT(id)), &comment_hash_map, out);
}

static const char sql_recent_ip[] = "SELECT count(*) FROM comments WHERE ip_hash = ?1 AND created_at >= ?2";
static const char sql_recent_net[] = "SELECT count(*) FROM comments WHERE net_hash = ?1 AND created_at >= ?2";

int db_comments_recent(struct db *db, enum db_rate_key key, const char *hash, int64_t since, int64_t *count)
{
	return dbs_one_int(db, key == DB_RATE_NET ? sql_recent_net : sql_recent_ip,
			   DBS_ARGS(DBS_TEXT(hash), DBS_INT(since)), count);
}

static const char sql_dup[] = "SELECT count(*) FROM comments WHERE article_id = ?1 AND dup_key = ?2 AND created_at >= ?3";

int db_comment_duplicate(struct db *db, int64_t article_id, const char *dup_key, int64_t since, int *found)
{
	return dbs_one_bool(db, sql_dup, DBS_ARGS(DBS_INT(article_id), DBS_TEXT(dup_key), DBS_INT(since)), found);
}

static const char sql_approved[] = "SELECT (SELECT count(*) FROM comments WHERE CAST(?1 AS TEXT) IS NOT NULL AND email_hash = ?1 "
				   "AND status = 'approved') + (SELECT count(*) FROM comments WHERE ?1 IS NULL AND "
				   "CAST(?2 AS TEXT) IS NOT NULL AND visitor_hash = ?2 AND status = 'approved')";

int db_comments_approved_count(struct db *db, const char *email_hash, const char *visitor_hash, int64_t *count)
{
	return dbs_one_int(db, sql_approved, DBS_ARGS(DBS_TEXT(email_hash), DBS_TEXT(visitor_hash)), count);
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
	return dbs_list(db, a, DBS_SQL(db, sql_queue_sqlite, sql_queue_pg),
			DBS_ARGS(DBS_TEXT(q->status), DBS_INT(q->article_id), DBS_TEXT(q->text && *q->text ? q->text : NULL),
				 DBS_INT(q->limit), DBS_INT(q->offset)),
			&comment_queue_map, out, n);
}

static const char sql_status_count[] = "SELECT count(*) FROM comments WHERE status = ?1";

int db_comments_status_count(struct db *db, const char *status, int64_t *count)
{
	return dbs_one_int(db, sql_status_count, DBS_ARGS(DBS_TEXT(status)), count);
}

static const char sql_set_status[] = "UPDATE comments SET status = ?2 WHERE id = ?1";

int db_comment_set_status(struct db *db, int64_t id, const char *status)
{
	return dbs_run_one(db, sql_set_status, DBS_ARGS(DBS_INT(id), DBS_TEXT(status)));
}

static const char sql_edit[] = "UPDATE comments SET body = ?2, edited_by = ?3, edited_at = ?4 WHERE id = ?1";

int db_comment_edit(struct db *db, int64_t id, const char *body, int64_t user_id, int64_t at)
{
	return dbs_run_one(db, sql_edit, DBS_ARGS(DBS_INT(id), DBS_TEXT(body), DBS_ID(user_id), DBS_INT(at)));
}

static const char sql_log_add[] = "INSERT INTO comment_log(comment_id, user_id, action, at) VALUES(?1, ?2, ?3, ?4)";

int db_comment_log_add(struct db *db, int64_t comment_id, int64_t user_id, const char *action, int64_t at)
{
	return dbs_run(db, sql_log_add, DBS_ARGS(DBS_ID(comment_id), DBS_ID(user_id), DBS_TEXT(action), DBS_INT(at)));
}

static const char sql_log_list[] = "SELECT coalesce(l.comment_id, 0), l.at, coalesce(u.login, 'the system'), l.action, "
				   "coalesce(c.name, '') FROM comment_log l LEFT JOIN users u ON u.id = l.user_id "
				   "LEFT JOIN comments c ON c.id = l.comment_id ORDER BY l.at DESC, l.id DESC LIMIT ?1";

int db_comment_log_list(struct db *db, struct arena *a, int64_t limit, struct db_comment_log **out, size_t *n)
{
	static const struct dbs_col cols[] = {
		DBS_C_I64(struct db_comment_log, comment_id), DBS_C_I64(struct db_comment_log, at),
		DBS_C_TEXT_NN(struct db_comment_log, who), DBS_C_TEXT_NN(struct db_comment_log, action),
		DBS_C_TEXT_NN(struct db_comment_log, name)};
	static const struct dbs_map map = DBS_MAP(struct db_comment_log, cols, NULL);
	return dbs_list(db, a, sql_log_list, DBS_ARGS(DBS_INT(limit)), &map, out, n);
}

static const char sql_ban_add[] = "INSERT INTO bans(kind, value_hash, user_id, created_at) VALUES(?1, ?2, ?3, ?4) "
				  "ON CONFLICT(kind, value_hash) DO NOTHING";

int db_ban_add(struct db *db, const char *kind, const char *value_hash, int64_t user_id, int64_t at)
{
	return dbs_run(db, sql_ban_add, DBS_ARGS(DBS_TEXT(kind), DBS_TEXT(value_hash), DBS_ID(user_id), DBS_INT(at)));
}

static const char sql_ban_exists[] = "SELECT count(*) FROM bans WHERE kind = ?1 AND value_hash = ?2";

int db_ban_exists(struct db *db, const char *kind, const char *value_hash, int *found)
{
	return dbs_one_bool(db, sql_ban_exists, DBS_ARGS(DBS_TEXT(kind), DBS_TEXT(value_hash)), found);
}

static const char sql_purge[] = "UPDATE comments SET ip_hash = NULL, net_hash = NULL "
				"WHERE created_at < ?1 AND (ip_hash IS NOT NULL OR net_hash IS NOT NULL)";

int db_comments_purge_ips(struct db *db, int64_t before, int *changed)
{
	long changes = 0;
	int rc = dbs_run_changes(db, sql_purge, DBS_ARGS(DBS_INT(before)), &changes);
	if (rc == DB_OK)
		*changed = (int)changes;
	return rc;
}

static const char sql_art_comments[] = "UPDATE articles SET comments_mode = ?2, comments_closed = ?3 WHERE id = ?1";

int db_article_set_comments(struct db *db, int64_t article_id, const char *mode, int closed)
{
	return dbs_run_one(db, sql_art_comments, DBS_ARGS(DBS_INT(article_id), DBS_TEXT(mode), DBS_INT(closed != 0)));
}

static const char sql_all[] = "SELECT " COMMENT_COLS ", c.ip_hash, c.email_hash, a.edition, a.slug, a.headline, "
			      "coalesce(a.published_at, 0) FROM comments c JOIN articles a ON a.id = c.article_id "
			      "LEFT JOIN users u ON u.id = c.edited_by ORDER BY c.id";

int db_comments_all(struct db *db, struct arena *a, struct db_comment **out, size_t *n)
{
	return dbs_list(db, a, sql_all, DBS_NO_ARGS, &comment_queue_map, out, n);
}
