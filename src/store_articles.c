/* store_articles.c - the store's site settings, taxonomy (sections, tags, authors) and the reader's
 * article reads and the importers' writes (see db.h), written once for both engines (db_stmt.h). The
 * newsroom's article operations are in store_newsroom.c. */
#include <stdlib.h>

#include "db_stmt.h"

static const char sql_setting_get[] = "SELECT value FROM settings WHERE key = ?1";
static const char sql_setting_set[] = "INSERT INTO settings(key, value) VALUES(?1, ?2) "
				      "ON CONFLICT(key) DO UPDATE SET value = excluded.value";

int db_setting_get(struct db *db, struct arena *a, const char *key, const char **value)
{
	struct db_stmt *st = dbs_prepare(db, sql_setting_get);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, key);
	DBS_ONE(db, st, *value = dbs_text_nn(db, a, st, 0));
}

int db_setting_set(struct db *db, const char *key, const char *value)
{
	struct db_stmt *st = dbs_prepare(db, sql_setting_set);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, key);
	dbs_bind_text(db, st, 2, value);
	return dbs_exec(db, st);
}

/* read_section, read_tag, read_author: the row's columns id, edition, slug, name and position / bio. */
static void read_section(struct db *db, struct arena *a, struct db_stmt *st, struct db_section *s)
{
	s->id = dbs_int64(db, st, 0);
	s->edition = dbs_text_nn(db, a, st, 1);
	s->slug = dbs_text_nn(db, a, st, 2);
	s->name = dbs_text_nn(db, a, st, 3);
	s->position = (int)dbs_int64(db, st, 4);
}

static void read_tag(struct db *db, struct arena *a, struct db_stmt *st, struct db_tag *t)
{
	t->id = dbs_int64(db, st, 0);
	t->edition = dbs_text_nn(db, a, st, 1);
	t->slug = dbs_text_nn(db, a, st, 2);
	t->name = dbs_text_nn(db, a, st, 3);
}

static void read_author(struct db *db, struct arena *a, struct db_stmt *st, struct db_author *au)
{
	au->id = dbs_int64(db, st, 0);
	au->edition = dbs_text_nn(db, a, st, 1);
	au->slug = dbs_text_nn(db, a, st, 2);
	au->name = dbs_text_nn(db, a, st, 3);
	au->bio = dbs_text_nn(db, a, st, 4);
}

static const char sql_sections_list[] =
	"SELECT id, edition, slug, name, position FROM sections WHERE edition = ?1 ORDER BY position, id";
static const char sql_section_get[] =
	"SELECT id, edition, slug, name, position FROM sections WHERE edition = ?1 AND slug = ?2";
static const char sql_tag_get[] = "SELECT id, edition, slug, name FROM tags WHERE edition = ?1 AND slug = ?2";
static const char sql_author_get[] = "SELECT id, edition, slug, name, bio FROM authors WHERE edition = ?1 AND slug = ?2";

int db_sections_list(struct db *db, struct arena *a, const char *edition, struct db_section **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, sql_sections_list);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, edition);
	DBS_MANY(db, st, a, struct db_section, out, n, read_section(db, a, st, row));
}

/* by_edition_slug: the statement sql with edition and slug bound, or NULL (logged). */
static struct db_stmt *by_edition_slug(struct db *db, const char *sql, const char *edition, const char *slug)
{
	struct db_stmt *st = dbs_prepare(db, sql);
	if (st) {
		dbs_bind_text(db, st, 1, edition);
		dbs_bind_text(db, st, 2, slug);
	}
	return st;
}

int db_section_get(struct db *db, struct arena *a, const char *edition, const char *slug, struct db_section *out)
{
	struct db_stmt *st = by_edition_slug(db, sql_section_get, edition, slug);
	if (!st)
		return DB_ERROR;
	DBS_ONE(db, st, read_section(db, a, st, out));
}

int db_tag_get(struct db *db, struct arena *a, const char *edition, const char *slug, struct db_tag *out)
{
	struct db_stmt *st = by_edition_slug(db, sql_tag_get, edition, slug);
	if (!st)
		return DB_ERROR;
	DBS_ONE(db, st, read_tag(db, a, st, out));
}

int db_author_get(struct db *db, struct arena *a, const char *edition, const char *slug, struct db_author *out)
{
	struct db_stmt *st = by_edition_slug(db, sql_author_get, edition, slug);
	if (!st)
		return DB_ERROR;
	DBS_ONE(db, st, read_author(db, a, st, out));
}

static const char sql_article_get[] = "SELECT " ART_COLS ", a.body_md, a.body_html" ART_FROM
				      "WHERE a.edition = ?1 AND a.slug = ?2 AND a.status = 'published'";
static const char sql_article_translation[] =
	"SELECT " ART_COLS ART_FROM "WHERE a.translation_group = ?1 AND a.edition <> ?2 "
	"AND a.status = 'published' ORDER BY a.published_at DESC LIMIT 1";

int db_article_get(struct db *db, struct arena *a, const char *edition, const char *slug, struct db_article *out)
{
	struct db_stmt *st = by_edition_slug(db, sql_article_get, edition, slug);
	if (!st)
		return DB_ERROR;
	DBS_ONE(db, st, dbs_read_article(db, a, st, out, 1));
}

int db_article_translation(struct db *db, struct arena *a, const struct db_article *art, struct db_article *out)
{
	if (!art->translation_group)
		return DB_NOTFOUND;
	struct db_stmt *st = dbs_prepare(db, sql_article_translation);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, art->translation_group);
	dbs_bind_text(db, st, 2, art->edition);
	DBS_ONE(db, st, dbs_read_article(db, a, st, out, 0));
}

/* The published articles of an edition, or of one of its sections, tags or authors: ?1 edition, ?2 the
 * section, tag or author id (filtered lists only), ?3 limit, ?4 offset, ?5 an article left out (0 = none). */
#define LIST_ORDER " ORDER BY a.published_at DESC, a.id DESC LIMIT ?3 OFFSET ?4"
#define JOIN_TAG "JOIN article_tags t ON t.article_id = a.id "
#define JOIN_AUTHOR "JOIN article_authors w ON w.article_id = a.id "
#define PUBLISHED "WHERE a.edition = ?1 AND a.status = 'published' AND a.id <> ?5 "
static const char sql_list_edition[] = "SELECT " ART_COLS ART_FROM PUBLISHED LIST_ORDER;
static const char sql_list_top[] = "SELECT " ART_COLS ART_FROM PUBLISHED "AND a.top_rank IS NOT NULL "
				   "ORDER BY a.top_rank, a.published_at DESC LIMIT ?3 OFFSET ?4";
static const char sql_list_section[] = "SELECT " ART_COLS ART_FROM PUBLISHED "AND a.section_id = ?2" LIST_ORDER;
static const char sql_list_tag[] = "SELECT " ART_COLS ART_FROM JOIN_TAG PUBLISHED "AND t.tag_id = ?2" LIST_ORDER;
static const char sql_list_author[] = "SELECT " ART_COLS ART_FROM JOIN_AUTHOR PUBLISHED "AND w.author_id = ?2" LIST_ORDER;
static const char sql_count_edition[] = "SELECT count(*) FROM articles a " PUBLISHED;
static const char sql_count_section[] = "SELECT count(*) FROM articles a " PUBLISHED "AND a.section_id = ?2";
static const char sql_count_tag[] = "SELECT count(*) FROM articles a " JOIN_TAG PUBLISHED "AND t.tag_id = ?2";
static const char sql_count_author[] = "SELECT count(*) FROM articles a " JOIN_AUTHOR PUBLISHED "AND w.author_id = ?2";

/* query_stmt: the list (count 0) or count statement for q with its parameters bound, or NULL (logged). */
static struct db_stmt *query_stmt(struct db *db, const struct db_article_query *q, int count)
{
	const char *sql;
	int64_t filter = 0;
	if (q->section_id) {
		sql = count ? sql_count_section : sql_list_section;
		filter = q->section_id;
	} else if (q->tag_id) {
		sql = count ? sql_count_tag : sql_list_tag;
		filter = q->tag_id;
	} else if (q->author_id) {
		sql = count ? sql_count_author : sql_list_author;
		filter = q->author_id;
	} else if (q->top_only && !count) {
		sql = sql_list_top;
	} else {
		sql = count ? sql_count_edition : sql_list_edition;
	}
	struct db_stmt *st = dbs_prepare(db, sql);
	if (!st)
		return NULL;
	dbs_bind_text(db, st, 1, q->edition);
	if (filter)
		dbs_bind_int64(db, st, 2, filter);
	if (!count) {
		dbs_bind_int64(db, st, 3, q->limit > 0 ? q->limit : 20);
		dbs_bind_int64(db, st, 4, q->offset > 0 ? q->offset : 0);
	}
	dbs_bind_int64(db, st, 5, q->exclude_id);
	return st;
}

int db_articles_list(struct db *db, struct arena *a, const struct db_article_query *q, struct db_article **out,
		     size_t *n)
{
	struct db_stmt *st = query_stmt(db, q, 0);
	if (!st)
		return DB_ERROR;
	DBS_MANY(db, st, a, struct db_article, out, n, dbs_read_article(db, a, st, row, 0));
}

int db_articles_count(struct db *db, const struct db_article_query *q, int64_t *total)
{
	struct db_stmt *st = query_stmt(db, q, 1);
	if (!st)
		return DB_ERROR;
	DBS_ONE(db, st, *total = dbs_int64(db, st, 0));
}

static const char sql_article_authors[] =
	"SELECT au.id, au.edition, au.slug, au.name, au.bio FROM article_authors w "
	"JOIN authors au ON au.id = w.author_id WHERE w.article_id = ?1 ORDER BY w.position";
static const char sql_article_tags[] = "SELECT t.id, t.edition, t.slug, t.name FROM article_tags x "
				       "JOIN tags t ON t.id = x.tag_id WHERE x.article_id = ?1 ORDER BY t.name";

int db_article_authors(struct db *db, struct arena *a, int64_t article_id, struct db_author **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, sql_article_authors);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, article_id);
	DBS_MANY(db, st, a, struct db_author, out, n, read_author(db, a, st, row));
}

int db_article_tags(struct db *db, struct arena *a, int64_t article_id, struct db_tag **out, size_t *n)
{
	struct db_stmt *st = dbs_prepare(db, sql_article_tags);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, article_id);
	DBS_MANY(db, st, a, struct db_tag, out, n, read_tag(db, a, st, row));
}

static const char sql_section_put[] =
	"INSERT INTO sections(edition, slug, name, position) VALUES(?1, ?2, ?3, ?4) "
	"ON CONFLICT(edition, slug) DO UPDATE SET name = excluded.name, position = excluded.position RETURNING id";
static const char sql_tag_put[] = "INSERT INTO tags(edition, slug, name) VALUES(?1, ?2, ?3) "
				  "ON CONFLICT(edition, slug) DO UPDATE SET name = excluded.name RETURNING id";
static const char sql_author_put[] =
	"INSERT INTO authors(edition, slug, name, bio) VALUES(?1, ?2, ?3, ?4) "
	"ON CONFLICT(edition, slug) DO UPDATE SET name = excluded.name, bio = excluded.bio RETURNING id";
static const char sql_media_put[] =
	"INSERT INTO media(path, mime, alt, width, height, created_at, caption, credit, copyright, keywords) "
	"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
	"ON CONFLICT(path) DO UPDATE SET mime = excluded.mime, alt = excluded.alt, "
	"width = excluded.width, height = excluded.height, caption = excluded.caption, credit = excluded.credit, "
	"copyright = excluded.copyright, keywords = excluded.keywords RETURNING id";

int db_section_put(struct db *db, const struct db_section *s, int64_t *id)
{
	struct db_stmt *st = by_edition_slug(db, sql_section_put, s->edition, s->slug);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 3, s->name);
	dbs_bind_int64(db, st, 4, s->position);
	return dbs_insert_id(db, st, id);
}

int db_tag_put(struct db *db, const struct db_tag *t, int64_t *id)
{
	struct db_stmt *st = by_edition_slug(db, sql_tag_put, t->edition, t->slug);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 3, t->name);
	return dbs_insert_id(db, st, id);
}

int db_author_put(struct db *db, const struct db_author *au, int64_t *id)
{
	struct db_stmt *st = by_edition_slug(db, sql_author_put, au->edition, au->slug);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 3, au->name);
	dbs_bind_text(db, st, 4, au->bio ? au->bio : "");
	return dbs_insert_id(db, st, id);
}

int db_media_put(struct db *db, const struct db_media *m, int64_t *id)
{
	struct db_stmt *st = dbs_prepare(db, sql_media_put);
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, m->path);
	dbs_bind_text(db, st, 2, m->mime);
	dbs_bind_text(db, st, 3, m->alt ? m->alt : "");
	dbs_bind_int64(db, st, 4, m->width);
	dbs_bind_int64(db, st, 5, m->height);
	dbs_bind_int64(db, st, 6, m->created_at);
	dbs_bind_text(db, st, 7, m->caption ? m->caption : "");
	dbs_bind_text(db, st, 8, m->credit ? m->credit : "");
	dbs_bind_text(db, st, 9, m->copyright ? m->copyright : "");
	dbs_bind_text(db, st, 10, m->keywords ? m->keywords : "");
	return dbs_insert_id(db, st, id);
}

/* PostgreSQL keeps an article's search terms in a column the store writes (?18); SQLite's FTS5 index
 * follows the row by triggers (see the driver's article_terms). */
#define ARTICLE_INSERT(TERMS, TERMS_PARAM)                                                                    \
	"INSERT INTO articles(edition, slug, headline, standfirst, body_md, body_html, dateline, status, "     \
	"section_id, lead_media_id, lead_caption, lead_credit, translation_group, top_rank, created_at, "      \
	"published_at, updated_at" TERMS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "   \
	"?14, ?15, ?16, ?17" TERMS_PARAM ") RETURNING id"
static const char sql_article_insert_sqlite[] = ARTICLE_INSERT("", "");
static const char sql_article_insert_pg[] = ARTICLE_INSERT(", terms", ", ?18");

/* or_empty: s, or "" for NULL (columns that are NOT NULL with an empty default). */
static const char *or_empty(const char *s) { return s ? s : ""; }

int db_article_insert(struct db *db, const struct db_article *r, int64_t *id)
{
	struct db_stmt *st = dbs_prepare(db, DBS_SQL(db, sql_article_insert_sqlite, sql_article_insert_pg));
	if (!st)
		return DB_ERROR;
	dbs_bind_text(db, st, 1, r->edition);
	dbs_bind_text(db, st, 2, r->slug);
	dbs_bind_text(db, st, 3, r->headline);
	dbs_bind_text(db, st, 4, or_empty(r->standfirst));
	dbs_bind_text(db, st, 5, or_empty(r->body_md));
	dbs_bind_text(db, st, 6, or_empty(r->body_html));
	dbs_bind_text(db, st, 7, or_empty(r->dateline));
	dbs_bind_text(db, st, 8, r->status ? r->status : "draft");
	dbs_bind_id(db, st, 9, r->section_id);
	dbs_bind_id(db, st, 10, r->lead_media_id);
	dbs_bind_text(db, st, 11, or_empty(r->lead_caption));
	dbs_bind_text(db, st, 12, or_empty(r->lead_credit));
	dbs_bind_text(db, st, 13, r->translation_group);
	dbs_bind_id(db, st, 14, r->top_rank);
	dbs_bind_int64(db, st, 15, r->created_at);
	dbs_bind_id(db, st, 16, r->published_at);
	dbs_bind_id(db, st, 17, r->updated_at);
	char *terms = db->drv->article_terms ? db->drv->article_terms(r->headline, r->standfirst, r->body_md) : NULL;
	if (terms)
		dbs_bind_text(db, st, 18, terms);
	int rc = dbs_insert_id(db, st, id);
	free(terms);
	return rc;
}

static const char sql_link_author[] =
	"INSERT INTO article_authors(article_id, author_id, position) VALUES(?1, ?2, ?3) ON CONFLICT DO NOTHING";
static const char sql_link_tag[] = "INSERT INTO article_tags(article_id, tag_id) VALUES(?1, ?2) ON CONFLICT DO NOTHING";

int db_article_link_author(struct db *db, int64_t article_id, int64_t author_id, int position)
{
	struct db_stmt *st = dbs_prepare(db, sql_link_author);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, article_id);
	dbs_bind_int64(db, st, 2, author_id);
	dbs_bind_int64(db, st, 3, position);
	return dbs_exec(db, st);
}

int db_article_link_tag(struct db *db, int64_t article_id, int64_t tag_id)
{
	struct db_stmt *st = dbs_prepare(db, sql_link_tag);
	if (!st)
		return DB_ERROR;
	dbs_bind_int64(db, st, 1, article_id);
	dbs_bind_int64(db, st, 2, tag_id);
	return dbs_exec(db, st);
}
