/* store_api.c - the store's queries for the public JSON API (see db.h), written once for both engines
 * (db_stmt.h): one article query whose filters are all optional (a filter's parameter is CAST so that
 * PostgreSQL knows its type when it is NULL), with keyset (cursor) pagination; the tag list; the author
 * list for the static export; the admin API keys. */
#include <string.h>

#include "db_stmt.h"

static const char sql_api[] =
	"SELECT " ART_COLS ART_FROM "WHERE a.status = 'published' AND (CAST(?1 AS TEXT) IS NULL OR a.edition = ?1) "
	"AND (CAST(?2 AS TEXT) IS NULL OR s.slug = ?2) "
	"AND (CAST(?3 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM article_tags t JOIN tags g ON g.id = t.tag_id "
	"                          WHERE t.article_id = a.id AND g.slug = ?3)) "
	"AND (CAST(?4 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM article_authors w JOIN authors u ON u.id = w.author_id "
	"                          WHERE w.article_id = a.id AND u.slug = ?4)) "
	"AND (CAST(?5 AS BIGINT) IS NULL OR a.published_at >= ?5) AND (CAST(?6 AS BIGINT) IS NULL OR a.published_at < ?6) "
	"AND (CAST(?7 AS BIGINT) IS NULL OR a.published_at < ?7 OR (a.published_at = ?7 AND a.id < CAST(?8 AS BIGINT))) "
	"ORDER BY a.published_at DESC, a.id DESC LIMIT ?9";

int db_articles_api(struct db *db, struct arena *a, const struct db_api_query *q, struct db_article **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, sql_api);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, q->edition);
	dbs_bind_text(db, st, 2, q->section);
	dbs_bind_text(db, st, 3, q->tag);
	dbs_bind_text(db, st, 4, q->author);
	dbs_bind_id(db, st, 5, q->since);
	dbs_bind_id(db, st, 6, q->until);
	dbs_bind_id(db, st, 7, q->before_time);
	dbs_bind_int64(db, st, 8, q->before_id);
	dbs_bind_int64(db, st, 9, q->limit > 0 ? q->limit : 20);
	DBS_MANY(db, st, a, struct db_article, out, n, dbs_read_article(db, a, st, row, 0));
}

static const char sql_tags[] = "SELECT g.id, g.edition, g.slug, g.name FROM tags g WHERE (CAST(?1 AS TEXT) IS NULL OR g.edition = ?1) "
			       "AND EXISTS (SELECT 1 FROM article_tags t JOIN articles a ON a.id = t.article_id "
			       "            WHERE t.tag_id = g.id AND a.status = 'published') "
			       "ORDER BY g.edition, g.name LIMIT 5000";

int db_tags_list(struct db *db, struct arena *a, const char *edition, struct db_tag **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, sql_tags);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, edition);
	DBS_MANY(db, st, a, struct db_tag, out, n,
		(row->id = dbs_int64(db, st, 0), row->edition = dbs_text_nn(db, a, st, 1), row->slug = dbs_text_nn(db, a, st, 2),
		 row->name = dbs_text_nn(db, a, st, 3)));
}

static const char sql_authors[] =
	"SELECT u.id, u.edition, u.slug, u.name FROM authors u WHERE (CAST(?1 AS TEXT) IS NULL OR u.edition = ?1) "
	"AND EXISTS (SELECT 1 FROM article_authors w JOIN articles a ON a.id = w.article_id "
	"            WHERE w.author_id = u.id AND a.status = 'published') "
	"ORDER BY u.edition, u.slug";

/* db_authors_list: see db_authors_list. */
int db_authors_list(struct db *db, struct arena *a, const char *edition, struct db_author **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, sql_authors);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, edition);
	DBS_MANY(db, st, a, struct db_author, out, n,
		(row->id = dbs_int64(db, st, 0), row->edition = dbs_text_nn(db, a, st, 1),
		 row->slug = dbs_text_nn(db, a, st, 2), row->name = dbs_text_nn(db, a, st, 3), row->bio = ""));
}

static const char sql_key_insert[] = "INSERT INTO api_keys(name, token_hash, prefix, scopes, user_id, created_at, expires_at) "
				     "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id";

int db_api_key_insert(struct db *db, const struct db_api_key *k, const char *token_hash, int64_t *id)
{
	struct db_stmt *st = dbs_prepare(db, sql_key_insert);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, k->name);
	dbs_bind_text(db, st, 2, token_hash);
	dbs_bind_text(db, st, 3, k->prefix);
	dbs_bind_text(db, st, 4, k->scopes);
	dbs_bind_int64(db, st, 5, k->user_id);
	dbs_bind_int64(db, st, 6, k->created_at);
	dbs_bind_int64(db, st, 7, k->expires_at);
	return dbs_insert_id(db, st, id);
}

#define KEY_COLS "k.id, k.name, k.prefix, k.scopes, k.user_id, k.created_at, k.expires_at, coalesce(k.revoked_at, 0), " \
		 "u.login, u.display_name, u.role, u.disabled"

/* read_key: the KEY_COLS columns of the current row. */
static void read_key(struct db *db, struct arena *a, struct db_stmt *st, struct db_api_key *k)
{
	memset(k, 0, sizeof *k);
	k->id = dbs_int64(db, st, 0);
	k->name = dbs_text_nn(db, a, st, 1);
	k->prefix = dbs_text_nn(db, a, st, 2);
	k->scopes = dbs_text_nn(db, a, st, 3);
	k->user_id = dbs_int64(db, st, 4);
	k->created_at = dbs_int64(db, st, 5);
	k->expires_at = dbs_int64(db, st, 6);
	k->revoked_at = dbs_int64(db, st, 7);
	k->user.id = k->user_id;
	k->user.login = dbs_text_nn(db, a, st, 8);
	k->user.display_name = dbs_text_nn(db, a, st, 9);
	k->user.role = dbs_text_nn(db, a, st, 10);
	k->user.disabled = (int)dbs_int64(db, st, 11);
}

static const char sql_key_get[] = "SELECT " KEY_COLS " FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.token_hash = ?1";

int db_api_key_by_hash(struct db *db, struct arena *a, const char *token_hash, struct db_api_key *out)
{
	struct db_stmt *st = dbs_prepare(db, sql_key_get);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, token_hash);
	DBS_ONE(db, st, read_key(db, a, st, out));
}

static const char sql_keys[] = "SELECT " KEY_COLS " FROM api_keys k JOIN users u ON u.id = k.user_id ORDER BY k.id DESC";

int db_api_keys_list(struct db *db, struct arena *a, struct db_api_key **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, sql_keys);
	if (!st)
		return DB_ERROR;
	DBS_MANY(db, st, a, struct db_api_key, out, n, read_key(db, a, st, row));
}

static const char sql_key_revoke[] = "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL";

int db_api_key_revoke(struct db *db, int64_t id, int64_t at)
{
	struct db_stmt *st = dbs_prepare(db, sql_key_revoke);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, id);
	dbs_bind_int64(db, st, 2, at);
	int rc = dbs_exec(db, st);
	if (rc == DB_OK && dbs_changes(db) == 0)
		return DB_NOTFOUND;
	return rc;
}
