/* db.h - the only door to storage. Pages and commands call these functions; they never see SQL or a
 * driver. A backend (db_sqlite.c now, db_pg.c later) fills a struct db_ops; db_open() picks one from
 * the URL. Every function is safe to call from any thread: backends keep one connection per thread.
 *
 * Results are copied into the caller's arena, so they live until the request ends and need no freeing.
 * Status codes: DB_OK (0), DB_NOTFOUND (1), DB_ERROR (-1, logged by the backend); writes between
 * db_begin() and db_commit() are atomic, and db_commit() returns only when the write is durable. */
#ifndef BROADSHEET_DB_H
#define BROADSHEET_DB_H
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

enum { DB_OK = 0, DB_NOTFOUND = 1, DB_ERROR = -1 };

struct db_section {
	int64_t id;
	const char *edition, *slug, *name;
	int position;
};

struct db_tag {
	int64_t id;
	const char *edition, *slug, *name;
};

struct db_author {
	int64_t id;
	const char *edition, *slug, *name, *bio;
};

struct db_media {
	int64_t id;
	const char *path; /* relative to the site's media dir */
	const char *mime, *alt;
	int width, height;
	int64_t created_at;
};

struct db_article {
	int64_t id;
	const char *edition, *slug, *headline, *standfirst;
	const char *body_md, *body_html; /* NULL in list results unless the query asked for bodies */
	const char *dateline, *status;
	int64_t section_id;
	const char *section_slug, *section_name;
	int64_t lead_media_id; /* 0 = none */
	const char *image_path, *image_alt; /* from the lead media, NULL when none */
	int image_width, image_height;
	const char *lead_caption, *lead_credit;
	const char *translation_group; /* NULL = not paired */
	int top_rank;                  /* 0 = not a top story; 1 is the lead */
	int64_t created_at, published_at, updated_at;
};

/* Which published articles to list: edition is required; at most one of section/tag/author. */
struct db_article_query {
	const char *edition;
	int64_t section_id, tag_id, author_id;
	int top_only;       /* only top stories, in editor order */
	int64_t exclude_id; /* leave this article out (related lists) */
	int64_t offset, limit;
};

struct db;

struct db_ops {
	const char *name;
	void (*close)(struct db *db);
	int (*migrate)(struct db *db, int *version);
	int (*begin)(struct db *db);
	int (*commit)(struct db *db);
	int (*rollback)(struct db *db);
	int (*setting_get)(struct db *db, struct arena *a, const char *key, const char **value);
	int (*setting_set)(struct db *db, const char *key, const char *value);
	int (*sections_list)(struct db *db, struct arena *a, const char *edition, struct db_section **out, size_t *n);
	int (*section_get)(struct db *db, struct arena *a, const char *edition, const char *slug,
			   struct db_section *out);
	int (*tag_get)(struct db *db, struct arena *a, const char *edition, const char *slug, struct db_tag *out);
	int (*author_get)(struct db *db, struct arena *a, const char *edition, const char *slug,
			  struct db_author *out);
	int (*article_get)(struct db *db, struct arena *a, const char *edition, const char *slug,
			   struct db_article *out);
	int (*article_translation)(struct db *db, struct arena *a, const struct db_article *art,
				   struct db_article *out);
	int (*articles_list)(struct db *db, struct arena *a, const struct db_article_query *q,
			     struct db_article **out, size_t *n);
	int (*articles_count)(struct db *db, const struct db_article_query *q, int64_t *total);
	int (*article_authors)(struct db *db, struct arena *a, int64_t article_id, struct db_author **out,
			       size_t *n);
	int (*article_tags)(struct db *db, struct arena *a, int64_t article_id, struct db_tag **out, size_t *n);
	int (*section_put)(struct db *db, const struct db_section *s, int64_t *id);
	int (*tag_put)(struct db *db, const struct db_tag *t, int64_t *id);
	int (*author_put)(struct db *db, const struct db_author *au, int64_t *id);
	int (*media_put)(struct db *db, const struct db_media *m, int64_t *id);
	int (*article_insert)(struct db *db, const struct db_article *art, int64_t *id);
	int (*article_link_author)(struct db *db, int64_t article_id, int64_t author_id, int position);
	int (*article_link_tag)(struct db *db, int64_t article_id, int64_t tag_id);
};

struct db {
	const struct db_ops *ops;
};

/* db_open: opens the store named by url: "sqlite:PATH" or a plain path for SQLite.
 * Returns a handle (close with db_close) or NULL with a reason in err. */
struct db *db_open(const char *url, char *err, size_t errlen);

/* Backend constructors, called by db_open only. create: make the database file if missing. */
struct db *db_sqlite_open(const char *path, int create, char *err, size_t errlen);

static inline void db_close(struct db *db) { if (db) db->ops->close(db); }
/* db_migrate: brings the schema to the newest version; *version gets it. DB_OK or DB_ERROR. */
static inline int db_migrate(struct db *db, int *version) { return db->ops->migrate(db, version); }
static inline int db_begin(struct db *db) { return db->ops->begin(db); }
static inline int db_commit(struct db *db) { return db->ops->commit(db); }
static inline int db_rollback(struct db *db) { return db->ops->rollback(db); }

/* db_setting_get: *value = the setting (arena copy); DB_NOTFOUND when unset. */
static inline int db_setting_get(struct db *db, struct arena *a, const char *key, const char **value)
{ return db->ops->setting_get(db, a, key, value); }
static inline int db_setting_set(struct db *db, const char *key, const char *value)
{ return db->ops->setting_set(db, key, value); }

/* db_sections_list: the edition's sections in menu order. */
static inline int db_sections_list(struct db *db, struct arena *a, const char *edition, struct db_section **out,
				   size_t *n)
{ return db->ops->sections_list(db, a, edition, out, n); }
static inline int db_section_get(struct db *db, struct arena *a, const char *edition, const char *slug,
				 struct db_section *out)
{ return db->ops->section_get(db, a, edition, slug, out); }
static inline int db_tag_get(struct db *db, struct arena *a, const char *edition, const char *slug,
			     struct db_tag *out)
{ return db->ops->tag_get(db, a, edition, slug, out); }
static inline int db_author_get(struct db *db, struct arena *a, const char *edition, const char *slug,
				struct db_author *out)
{ return db->ops->author_get(db, a, edition, slug, out); }

/* db_article_get: a published article of the edition by slug, with its body. */
static inline int db_article_get(struct db *db, struct arena *a, const char *edition, const char *slug,
				 struct db_article *out)
{ return db->ops->article_get(db, a, edition, slug, out); }
/* db_article_translation: the published article of the other edition in art's translation group. */
static inline int db_article_translation(struct db *db, struct arena *a, const struct db_article *art,
					 struct db_article *out)
{ return db->ops->article_translation(db, a, art, out); }
/* db_articles_list: published articles matching q, newest first (top stories: editor order); no bodies. */
static inline int db_articles_list(struct db *db, struct arena *a, const struct db_article_query *q,
				   struct db_article **out, size_t *n)
{ return db->ops->articles_list(db, a, q, out, n); }
static inline int db_articles_count(struct db *db, const struct db_article_query *q, int64_t *total)
{ return db->ops->articles_count(db, q, total); }
/* db_article_authors / db_article_tags: bylines in order, tags by name. */
static inline int db_article_authors(struct db *db, struct arena *a, int64_t article_id, struct db_author **out,
				     size_t *n)
{ return db->ops->article_authors(db, a, article_id, out, n); }
static inline int db_article_tags(struct db *db, struct arena *a, int64_t article_id, struct db_tag **out,
				  size_t *n)
{ return db->ops->article_tags(db, a, article_id, out, n); }

/* Writes. *_put insert or update by (edition, slug) / path and store the row id in *id. */
static inline int db_section_put(struct db *db, const struct db_section *s, int64_t *id)
{ return db->ops->section_put(db, s, id); }
static inline int db_tag_put(struct db *db, const struct db_tag *t, int64_t *id)
{ return db->ops->tag_put(db, t, id); }
static inline int db_author_put(struct db *db, const struct db_author *au, int64_t *id)
{ return db->ops->author_put(db, au, id); }
static inline int db_media_put(struct db *db, const struct db_media *m, int64_t *id)
{ return db->ops->media_put(db, m, id); }
/* db_article_insert: a new article (all text fields of art, times, status); *id gets its id. */
static inline int db_article_insert(struct db *db, const struct db_article *art, int64_t *id)
{ return db->ops->article_insert(db, art, id); }
static inline int db_article_link_author(struct db *db, int64_t article_id, int64_t author_id, int position)
{ return db->ops->article_link_author(db, article_id, author_id, position); }
static inline int db_article_link_tag(struct db *db, int64_t article_id, int64_t tag_id)
{ return db->ops->article_link_tag(db, article_id, tag_id); }

#endif
