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
	return dbs_one_text(db, a, sql_setting_get, DBS_ARGS(DBS_TEXT(key)), value);
}

int db_setting_set(struct db *db, const char *key, const char *value)
{
	return dbs_run(db, sql_setting_set, DBS_ARGS(DBS_TEXT(key), DBS_TEXT(value)));
}

static const char sql_sections_list[] =
	"SELECT id, edition, slug, name, position FROM sections WHERE edition = ?1 ORDER BY position, id";
static const char sql_section_get[] =
	"SELECT id, edition, slug, name, position FROM sections WHERE edition = ?1 AND slug = ?2";
static const char sql_tag_get[] = "SELECT id, edition, slug, name FROM tags WHERE edition = ?1 AND slug = ?2";
static const char sql_author_get[] = "SELECT id, edition, slug, name, bio FROM authors WHERE edition = ?1 AND slug = ?2";

int db_sections_list(struct db *db, struct arena *a, const char *edition, struct db_section **out, size_t *n)
{
	return dbs_list(db, a, sql_sections_list, DBS_ARGS(DBS_TEXT(edition)), &dbs_section_map, out, n);
}

/* by_edition_slug: the row of sql (?1 edition, ?2 slug) read through map into out (see dbs_one). */
static int by_edition_slug(struct db *db, struct arena *a, const char *sql, const char *edition, const char *slug,
			   const struct dbs_map *map, void *out)
{
	return dbs_one(db, a, sql, DBS_ARGS(DBS_TEXT(edition), DBS_TEXT(slug)), map, out);
}

int db_section_get(struct db *db, struct arena *a, const char *edition, const char *slug, struct db_section *out)
{
	return by_edition_slug(db, a, sql_section_get, edition, slug, &dbs_section_map, out);
}

int db_tag_get(struct db *db, struct arena *a, const char *edition, const char *slug, struct db_tag *out)
{
	return by_edition_slug(db, a, sql_tag_get, edition, slug, &dbs_tag_map, out);
}

int db_author_get(struct db *db, struct arena *a, const char *edition, const char *slug, struct db_author *out)
{
	return by_edition_slug(db, a, sql_author_get, edition, slug, &dbs_author_map, out);
}

static const char sql_article_get[] = "SELECT " ART_COLS ", a.body_md, a.body_html" ART_FROM
				      "WHERE a.edition = ?1 AND a.slug = ?2 AND a.status = 'published'";
static const char sql_article_translation[] =
	"SELECT " ART_COLS ART_FROM "WHERE a.translation_group = ?1 AND a.edition <> ?2 "
	"AND a.status = 'published' ORDER BY a.published_at DESC LIMIT 1";

int db_article_get(struct db *db, struct arena *a, const char *edition, const char *slug, struct db_article *out)
{
	return by_edition_slug(db, a, sql_article_get, edition, slug, &dbs_article_body_map, out);
}

int db_article_translation(struct db *db, struct arena *a, const struct db_article *art, struct db_article *out)
{
	if (!art->translation_group)
		return DB_NOTFOUND;
	return dbs_one(db, a, sql_article_translation, DBS_ARGS(DBS_TEXT(art->translation_group), DBS_TEXT(art->edition)),
		       &dbs_article_map, out);
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

/* query_sql: the list (count 0) or count statement for q; v (5 entries) gets its parameters. */
static const char *query_sql(const struct db_article_query *q, int count, struct dbs_arg *v)
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
	v[0] = DBS_TEXT(q->edition);
	v[1] = filter ? DBS_INT(filter) : DBS_UNSET;
	v[2] = count ? DBS_UNSET : DBS_INT(q->limit > 0 ? q->limit : 20);
	v[3] = count ? DBS_UNSET : DBS_INT(q->offset > 0 ? q->offset : 0);
	v[4] = DBS_INT(q->exclude_id);
	return sql;
}

int db_articles_list(struct db *db, struct arena *a, const struct db_article_query *q, struct db_article **out,
		     size_t *n)
{
	struct dbs_arg v[5];
	const char *sql = query_sql(q, 0, v);
	return dbs_list(db, a, sql, (struct dbs_args){v, 5}, &dbs_article_map, out, n);
}

int db_articles_count(struct db *db, const struct db_article_query *q, int64_t *total)
{
	struct dbs_arg v[5];
	const char *sql = query_sql(q, 1, v);
	return dbs_one_int(db, sql, (struct dbs_args){v, 5}, total);
}

static const char sql_article_authors[] =
	"SELECT au.id, au.edition, au.slug, au.name, au.bio FROM article_authors w "
	"JOIN authors au ON au.id = w.author_id WHERE w.article_id = ?1 ORDER BY w.position";
static const char sql_article_tags[] = "SELECT t.id, t.edition, t.slug, t.name FROM article_tags x "
				       "JOIN tags t ON t.id = x.tag_id WHERE x.article_id = ?1 ORDER BY t.name";

int db_article_authors(struct db *db, struct arena *a, int64_t article_id, struct db_author **out, size_t *n)
{
	return dbs_list(db, a, sql_article_authors, DBS_ARGS(DBS_INT(article_id)), &dbs_author_map, out, n);
}

int db_article_tags(struct db *db, struct arena *a, int64_t article_id, struct db_tag **out, size_t *n)
{
	return dbs_list(db, a, sql_article_tags, DBS_ARGS(DBS_INT(article_id)), &dbs_tag_map, out, n);
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
	return dbs_insert(db, sql_section_put,
			  DBS_ARGS(DBS_TEXT(s->edition), DBS_TEXT(s->slug), DBS_TEXT(s->name), DBS_INT(s->position)), id);
}

int db_tag_put(struct db *db, const struct db_tag *t, int64_t *id)
{
	return dbs_insert(db, sql_tag_put, DBS_ARGS(DBS_TEXT(t->edition), DBS_TEXT(t->slug), DBS_TEXT(t->name)), id);
}

int db_author_put(struct db *db, const struct db_author *au, int64_t *id)
{
	return dbs_insert(db, sql_author_put,
			  DBS_ARGS(DBS_TEXT(au->edition), DBS_TEXT(au->slug), DBS_TEXT(au->name), DBS_TEXT(dbs_or_empty(au->bio))),
			  id);
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

/* The body's plain text (?18, which search indexes: dbs_article_text) is written with the row on every
 * engine; PostgreSQL keeps the search terms in a column the store writes too (?19); SQLite's FTS5 index
 * and terms follow the row by triggers (see the driver's article_terms). */
#define ARTICLE_INSERT(TERMS, TERMS_PARAM)                                                                    \
	"INSERT INTO articles(edition, slug, headline, standfirst, body_md, body_html, dateline, status, "     \
	"section_id, lead_media_id, lead_caption, lead_credit, translation_group, top_rank, created_at, "      \
	"published_at, updated_at, body_text" TERMS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "  \
	"?12, ?13, ?14, ?15, ?16, ?17, ?18" TERMS_PARAM ") RETURNING id"
static const char sql_article_insert_sqlite[] = ARTICLE_INSERT("", "");
static const char sql_article_insert_pg[] = ARTICLE_INSERT(", terms", ", ?19");

int db_article_insert(struct db *db, const struct db_article *r, int64_t *id)
{
	char *text, *terms;
	if (dbs_article_text(db, r->headline, r->standfirst, r->body_md, &text, &terms) != DB_OK)
		return DB_ERROR;
	struct dbs_arg v[] = {DBS_TEXT(r->edition), DBS_TEXT(r->slug), DBS_TEXT(r->headline),
			      DBS_TEXT(dbs_or_empty(r->standfirst)), DBS_TEXT(dbs_or_empty(r->body_md)),
			      DBS_TEXT(dbs_or_empty(r->body_html)), DBS_TEXT(dbs_or_empty(r->dateline)),
			      DBS_TEXT(r->status ? r->status : "draft"), DBS_ID(r->section_id), DBS_ID(r->lead_media_id),
			      DBS_TEXT(dbs_or_empty(r->lead_caption)), DBS_TEXT(dbs_or_empty(r->lead_credit)),
			      DBS_TEXT(r->translation_group), DBS_ID(r->top_rank), DBS_INT(r->created_at),
			      DBS_ID(r->published_at), DBS_ID(r->updated_at), DBS_TEXT(text), DBS_TEXT(terms)};
	/* ?19, the search terms, only where the engine has them */
	int rc = dbs_insert(db, DBS_SQL(db, sql_article_insert_sqlite, sql_article_insert_pg),
			    (struct dbs_args){v, terms ? 19 : 18}, id);
	free(text);
	free(terms);
	return rc;
}

static const char sql_link_author[] =
	"INSERT INTO article_authors(article_id, author_id, position) VALUES(?1, ?2, ?3) ON CONFLICT DO NOTHING";
static const char sql_link_tag[] = "INSERT INTO article_tags(article_id, tag_id) VALUES(?1, ?2) ON CONFLICT DO NOTHING";

int db_article_link_author(struct db *db, int64_t article_id, int64_t author_id, int position)
{
	return dbs_run(db, sql_link_author, DBS_ARGS(DBS_INT(article_id), DBS_INT(author_id), DBS_INT(position)));
}

int db_article_link_tag(struct db *db, int64_t article_id, int64_t tag_id)
{
	return dbs_run(db, sql_link_tag, DBS_ARGS(DBS_INT(article_id), DBS_INT(tag_id)));
}
