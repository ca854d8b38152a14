/* db_pg_api.c - the PostgreSQL backend's queries for the public JSON API (see db.h): one article query
 * whose filters are all optional, with keyset (cursor) pagination, and the tag list; the author list is
 * for the static export. */
#include <string.h>

#include "db_pg_int.h"

static const char sql_api[] =
	"SELECT " ART_COLS ART_FROM "WHERE a.status = 'published' AND ($1::text IS NULL OR a.edition = $1) "
	"AND ($2::text IS NULL OR s.slug = $2) "
	"AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM article_tags t JOIN tags g ON g.id = t.tag_id "
	"                          WHERE t.article_id = a.id AND g.slug = $3)) "
	"AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM article_authors w JOIN authors u ON u.id = w.author_id "
	"                          WHERE w.article_id = a.id AND u.slug = $4)) "
	"AND ($5::bigint IS NULL OR a.published_at >= $5) AND ($6::bigint IS NULL OR a.published_at < $6) "
	"AND ($7::bigint IS NULL OR a.published_at < $7 OR (a.published_at = $7 AND a.id < $8::bigint)) "
	"ORDER BY a.published_at DESC, a.id DESC LIMIT $9";

int pga_articles_api(struct db *db, struct arena *a, const struct db_api_query *q, struct db_article **out, size_t *n)
{
	struct pg_stmt *st = pg_prepare(db, sql_api);
	if (!st)
		return DB_ERROR;
	pg_bind_text(st, 1, q->edition);
	pg_bind_text(st, 2, q->section);
	pg_bind_text(st, 3, q->tag);
	pg_bind_text(st, 4, q->author);
	pg_bind_id(st, 5, q->since);
	pg_bind_id(st, 6, q->until);
	pg_bind_id(st, 7, q->before_time);
	pgs_bind_int64(st, 8, q->before_id);
	pgs_bind_int64(st, 9, q->limit > 0 ? q->limit : 20);
	PG_MANY(db, st, a, struct db_article, out, n, pg_read_article(a, st, row, 0));
}

static const char sql_tags[] = "SELECT g.id, g.edition, g.slug, g.name FROM tags g WHERE ($1::text IS NULL OR g.edition = $1) "
			       "AND EXISTS (SELECT 1 FROM article_tags t JOIN articles a ON a.id = t.article_id "
			       "            WHERE t.tag_id = g.id AND a.status = 'published') "
			       "ORDER BY g.edition, g.name LIMIT 5000";

int pga_tags_list(struct db *db, struct arena *a, const char *edition, struct db_tag **out, size_t *n)
{
	struct pg_stmt *st = pg_prepare(db, sql_tags);
	if (!st)
		return DB_ERROR;
	pg_bind_text(st, 1, edition);
	PG_MANY(db, st, a, struct db_tag, out, n,
		(row->id = pgs_int64(st, 0), row->edition = pg_col_text_nn(a, st, 1), row->slug = pg_col_text_nn(a, st, 2),
		 row->name = pg_col_text_nn(a, st, 3)));
}

static const char sql_authors[] =
	"SELECT u.id, u.edition, u.slug, u.name FROM authors u WHERE ($1::text IS NULL OR u.edition = $1) "
	"AND EXISTS (SELECT 1 FROM article_authors w JOIN articles a ON a.id = w.article_id "
	"            WHERE w.author_id = u.id AND a.status = 'published') "
	"ORDER BY u.edition, u.slug";

/* pga_authors_list: see db_authors_list. */
int pga_authors_list(struct db *db, struct arena *a, const char *edition, struct db_author **out, size_t *n)
{
	struct pg_stmt *st = pg_prepare(db, sql_authors);
	if (!st)
		return DB_ERROR;
	pg_bind_text(st, 1, edition);
	PG_MANY(db, st, a, struct db_author, out, n,
		(row->id = pgs_int64(st, 0), row->edition = pg_col_text_nn(a, st, 1), row->slug = pg_col_text_nn(a, st, 2),
		 row->name = pg_col_text_nn(a, st, 3), row->bio = ""));
}

static const char sql_key_insert[] = "INSERT INTO api_keys(name, token_hash, prefix, scopes, user_id, created_at, expires_at) "
				     "VALUES($1, $2, $3, $4, $5, $6, $7) RETURNING id";

int pga_api_key_insert(struct db *db, const struct db_api_key *k, const char *token_hash, int64_t *id)
{
	struct pg_stmt *st = pg_prepare(db, sql_key_insert);
	if (!st)
		return DB_ERROR;
	pg_bind_text(st, 1, k->name);
	pg_bind_text(st, 2, token_hash);
	pg_bind_text(st, 3, k->prefix);
	pg_bind_text(st, 4, k->scopes);
	pgs_bind_int64(st, 5, k->user_id);
	pgs_bind_int64(st, 6, k->created_at);
	pgs_bind_int64(st, 7, k->expires_at);
	return pg_step_id(db, st, id);
}

#define KEY_COLS "k.id, k.name, k.prefix, k.scopes, k.user_id, k.created_at, k.expires_at, coalesce(k.revoked_at, 0), " \
		 "u.login, u.display_name, u.role, u.disabled"

/* read_key: the KEY_COLS columns of the current row. */
static void read_key(struct arena *a, struct pg_stmt *st, struct db_api_key *k)
{
	memset(k, 0, sizeof *k);
	k->id = pgs_int64(st, 0);
	k->name = pg_col_text_nn(a, st, 1);
	k->prefix = pg_col_text_nn(a, st, 2);
	k->scopes = pg_col_text_nn(a, st, 3);
	k->user_id = pgs_int64(st, 4);
	k->created_at = pgs_int64(st, 5);
	k->expires_at = pgs_int64(st, 6);
	k->revoked_at = pgs_int64(st, 7);
	k->user.id = k->user_id;
	k->user.login = pg_col_text_nn(a, st, 8);
	k->user.display_name = pg_col_text_nn(a, st, 9);
	k->user.role = pg_col_text_nn(a, st, 10);
	k->user.disabled = pgs_int(st, 11);
}

static const char sql_key_get[] = "SELECT " KEY_COLS " FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.token_hash = $1";

int pga_api_key_by_hash(struct db *db, struct arena *a, const char *token_hash, struct db_api_key *out)
{
	struct pg_stmt *st = pg_prepare(db, sql_key_get);
	if (!st)
		return DB_ERROR;
	pg_bind_text(st, 1, token_hash);
	PG_ONE(db, st, read_key(a, st, out));
}

static const char sql_keys[] = "SELECT " KEY_COLS " FROM api_keys k JOIN users u ON u.id = k.user_id ORDER BY k.id DESC";

int pga_api_keys_list(struct db *db, struct arena *a, struct db_api_key **out, size_t *n)
{
	struct pg_stmt *st = pg_prepare(db, sql_keys);
	if (!st)
		return DB_ERROR;
	PG_MANY(db, st, a, struct db_api_key, out, n, read_key(a, st, row));
}

static const char sql_key_revoke[] = "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";

int pga_api_key_revoke(struct db *db, int64_t id, int64_t at)
{
	struct pg_stmt *st = pg_prepare(db, sql_key_revoke);
	if (!st)
		return DB_ERROR;
	pgs_bind_int64(st, 1, id);
	pgs_bind_int64(st, 2, at);
	int rc = pg_step_done(db, st);
	if (rc == DB_OK && pg_changes(db) == 0)
		return DB_NOTFOUND;
	return rc;
}
