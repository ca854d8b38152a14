/* store_api.c - the store's queries for the public JSON API (see db.h), written once for both engines
 * (db_stmt.h): one article query whose filters are all optional (a filter's parameter is CAST so that
 * PostgreSQL knows its type when it is NULL), with keyset (cursor) pagination; the tag list; the author
 * list for the static export; the admin API keys. */
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
	return dbs_list(db, a, sql_api,
			DBS_ARGS(DBS_TEXT(q->edition), DBS_TEXT(q->section), DBS_TEXT(q->tag), DBS_TEXT(q->author),
				 DBS_ID(q->since), DBS_ID(q->until), DBS_ID(q->before_time), DBS_INT(q->before_id),
				 DBS_INT(q->limit > 0 ? q->limit : 20)),
			&dbs_article_map, out, n);
}

static const char sql_tags[] = "SELECT g.id, g.edition, g.slug, g.name FROM tags g WHERE (CAST(?1 AS TEXT) IS NULL OR g.edition = ?1) "
			       "AND EXISTS (SELECT 1 FROM article_tags t JOIN articles a ON a.id = t.article_id "
			       "            WHERE t.tag_id = g.id AND a.status = 'published') "
			       "ORDER BY g.edition, g.name LIMIT 5000";

int db_tags_list(struct db *db, struct arena *a, const char *edition, struct db_tag **out, size_t *n)
{
	return dbs_list(db, a, sql_tags, DBS_ARGS(DBS_TEXT(edition)), &dbs_tag_map, out, n);
}

static const char sql_authors[] =
	"SELECT u.id, u.edition, u.slug, u.name, '' FROM authors u WHERE (CAST(?1 AS TEXT) IS NULL OR u.edition = ?1) "
	"AND EXISTS (SELECT 1 FROM article_authors w JOIN articles a ON a.id = w.article_id "
	"            WHERE w.author_id = u.id AND a.status = 'published') "
	"ORDER BY u.edition, u.slug";

/* db_authors_list: see db.h (bio is "" here: the export's author list does not need it). */
int db_authors_list(struct db *db, struct arena *a, const char *edition, struct db_author **out, size_t *n)
{
	return dbs_list(db, a, sql_authors, DBS_ARGS(DBS_TEXT(edition)), &dbs_author_map, out, n);
}

static const char sql_key_insert[] = "INSERT INTO api_keys(name, token_hash, prefix, scopes, user_id, created_at, expires_at) "
				     "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id";

int db_api_key_insert(struct db *db, const struct db_api_key *k, const char *token_hash, int64_t *id)
{
	return dbs_insert(db, sql_key_insert,
			  DBS_ARGS(DBS_TEXT(k->name), DBS_TEXT(token_hash), DBS_TEXT(k->prefix), DBS_TEXT(k->scopes),
				   DBS_INT(k->user_id), DBS_INT(k->created_at), DBS_INT(k->expires_at)),
			  id);
}

#define KEY_COLS "k.id, k.name, k.prefix, k.scopes, k.user_id, k.created_at, k.expires_at, coalesce(k.revoked_at, 0), " \
		 "u.login, u.display_name, u.role, u.disabled"

#define K struct db_api_key
static const struct dbs_col key_cols[] = {
	DBS_C_I64(K, id), DBS_C_TEXT_NN(K, name), DBS_C_TEXT_NN(K, prefix), DBS_C_TEXT_NN(K, scopes),
	DBS_C_I64(K, user_id), DBS_C_I64(K, created_at), DBS_C_I64(K, expires_at), DBS_C_I64(K, revoked_at),
	DBS_C_TEXT_NN(K, user.login), DBS_C_TEXT_NN(K, user.display_name), DBS_C_TEXT_NN(K, user.role),
	DBS_C_INT(K, user.disabled)};
#undef K

/* key_user: the key's user id, also its user's. */
static void key_user(struct db *db, struct arena *a, struct db_stmt *st, void *row)
{
	(void)db, (void)a, (void)st;
	struct db_api_key *k = row;
	k->user.id = k->user_id;
}

/* key_map: the KEY_COLS columns of a row. */
static const struct dbs_map key_map = DBS_MAP(struct db_api_key, key_cols, key_user);

static const char sql_key_get[] = "SELECT " KEY_COLS " FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.token_hash = ?1";

int db_api_key_by_hash(struct db *db, struct arena *a, const char *token_hash, struct db_api_key *out)
{
	return dbs_one(db, a, sql_key_get, DBS_ARGS(DBS_TEXT(token_hash)), &key_map, out);
}

static const char sql_keys[] = "SELECT " KEY_COLS " FROM api_keys k JOIN users u ON u.id = k.user_id ORDER BY k.id DESC";

int db_api_keys_list(struct db *db, struct arena *a, struct db_api_key **out, size_t *n)
{
	return dbs_list(db, a, sql_keys, DBS_NO_ARGS, &key_map, out, n);
}

static const char sql_key_revoke[] = "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL";

int db_api_key_revoke(struct db *db, int64_t id, int64_t at)
{
	return dbs_run_one(db, sql_key_revoke, DBS_ARGS(DBS_INT(id), DBS_INT(at)));
}
