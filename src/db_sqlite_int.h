/* db_sqlite_int.h - what the SQLite backend's files share: the connection, the statement caches and
 * small binding/reading helpers. Not for use outside db_sqlite*.c. */
#ifndef BROADSHEET_DB_SQLITE_INT_H
#define BROADSHEET_DB_SQLITE_INT_H
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

#include "db.h"
#include "log.h"

#define SQ_NSTMT_RESERVED 64 /* room for db_sqlite.c's numbered statements */
#define SQ_CACHE 128         /* statements prepared from static SQL strings, per connection */

struct sq_conn {
	sqlite3 *h;
	sqlite3_stmt *stmt[SQ_NSTMT_RESERVED];
	struct {
		const char *sql; /* a static string: its address is the key */
		sqlite3_stmt *st;
	} cache[SQ_CACHE];
	struct sq_conn *next;
};

struct sq_db {
	struct db base;
	char *path;
	pthread_key_t key;
	pthread_mutex_t mu;
	struct sq_conn *conns; /* every connection opened, for db_close */
};


#define ART_COLS                                                                                            \
	"a.id, a.edition, a.slug, a.headline, a.standfirst, a.dateline, a.status, a.section_id, s.slug, "   \
	"s.name, a.lead_media_id, m.path, m.alt, m.width, m.height, a.lead_caption, a.lead_credit, "       \
	"a.translation_group, a.top_rank, a.created_at, a.published_at, a.updated_at"
#define ART_FROM " FROM articles a JOIN sections s ON s.id = a.section_id LEFT JOIN media m ON m.id = a.lead_media_id "
#define ART_ORDER " ORDER BY a.published_at DESC, a.id DESC LIMIT ?3 OFFSET ?4"

/* sq_conn: this thread's connection, opened on first use; NULL (logged) if it cannot be opened. */
struct sq_conn *sq_conn(struct sq_db *d);
/* sq_prepare: the prepared statement for a static SQL string on this thread's connection (prepared on
 * first use, then reused); NULL (logged) on error. Call sq_done when finished with it. */
sqlite3_stmt *sq_prepare(struct db *db, const char *sql);
void sq_log(struct sq_conn *c, const char *what);
void sq_done(sqlite3_stmt *st);
void bind_text(sqlite3_stmt *st, int i, const char *s);
void bind_id(sqlite3_stmt *st, int i, int64_t v);
const char *col_text(struct arena *a, sqlite3_stmt *st, int i);
const char *col_text_nn(struct arena *a, sqlite3_stmt *st, int i);
/* sq_step_done: runs a statement without result rows: DB_OK, DB_CONFLICT or DB_ERROR. */
int sq_step_done(struct db *db, sqlite3_stmt *st);
/* sq_step_id: runs INSERT ... RETURNING id: DB_OK (id stored), DB_CONFLICT or DB_ERROR. */
int sq_step_id(struct db *db, sqlite3_stmt *st, int64_t *id);
/* read_article: the ART_COLS columns of the current row (then body_md, body_html if with_body). */
void read_article(struct arena *a, sqlite3_stmt *st, struct db_article *r, int with_body);

/* sq_one: steps a statement expected to return at most one row, reading it with fn. */
#define SQ_ONE(db, st, READ)                                                                                  \
	do {                                                                                                  \
		int rc_ = sqlite3_step(st), r_;                                                               \
		if (rc_ == SQLITE_ROW) {                                                                      \
			READ;                                                                                 \
			r_ = DB_OK;                                                                           \
		} else if (rc_ == SQLITE_DONE) {                                                              \
			r_ = DB_NOTFOUND;                                                                     \
		} else {                                                                                      \
			sq_log(sq_conn((struct sq_db *)(db)), sqlite3_sql(st));                              \
			r_ = DB_ERROR;                                                                        \
		}                                                                                             \
		sq_done(st);                                                                                  \
		return r_;                                                                                    \
	} while (0)

/* SQ_MANY: steps a statement over all rows into a growing arena array of type T read with READ(row). */
#define SQ_MANY(db, st, a, T, out, n, READ)                                                                   \
	do {                                                                                                  \
		size_t cap_ = 16, cnt_ = 0;                                                                   \
		T *arr_ = arena_alloc((a), cap_ * sizeof(T));                                                 \
		int rc_;                                                                                      \
		while ((rc_ = sqlite3_step(st)) == SQLITE_ROW) {                                              \
			if (cnt_ == cap_) {                                                                   \
				T *bigger_ = arena_alloc((a), 2 * cap_ * sizeof(T));                          \
				memcpy(bigger_, arr_, cap_ * sizeof(T));                                      \
				arr_ = bigger_;                                                               \
				cap_ *= 2;                                                                    \
			}                                                                                     \
			T *row = &arr_[cnt_++];                                                               \
			READ;                                                                                 \
		}                                                                                             \
		if (rc_ != SQLITE_DONE) {                                                                     \
			sq_log(sq_conn((struct sq_db *)(db)), sqlite3_sql(st));                              \
			sq_done(st);                                                                          \
			return DB_ERROR;                                                                      \
		}                                                                                             \
		sq_done(st);                                                                                  \
		*(out) = arr_;                                                                                \
		*(n) = cnt_;                                                                                  \
		return DB_OK;                                                                                 \
	} while (0)


/* The newsroom operations, implemented in db_sqlite_newsroom.c. */
int sqn_article_get_id(struct db *db, struct arena *a, int64_t id, struct db_article *out);
int sqn_articles_by_status(struct db *db, struct arena *a, const char *status, int64_t limit, struct db_article **out,
			   size_t *n);
int sqn_slug_owner(struct db *db, const char *edition, const char *slug, int64_t *article_id);
int sqn_article_save(struct db *db, const struct db_article *art, int64_t *id);
int sqn_article_links_clear(struct db *db, int64_t article_id);
int sqn_article_set_status(struct db *db, int64_t id, const char *status, int64_t published_at, int64_t scheduled_at,
			   int64_t expires_at);
int sqn_article_set_translation(struct db *db, int64_t id, int64_t other_id);
int sqn_article_by_old_slug(struct db *db, struct arena *a, const char *edition, const char *slug,
			    struct db_article *out);
int sqn_slug_history_add(struct db *db, const char *edition, const char *slug, int64_t article_id);
int sqn_revision_insert(struct db *db, int64_t article_id, const struct db_revision *r);
int sqn_revisions_list(struct db *db, struct arena *a, int64_t article_id, struct db_revision **out, size_t *n);
int sqn_event_insert(struct db *db, int64_t article_id, int64_t user_id, const char *action, int64_t at);
int sqn_events_list(struct db *db, struct arena *a, int64_t article_id, struct db_event **out, size_t *n);
int sqn_correction_insert(struct db *db, int64_t article_id, const char *body, int64_t user_id, int64_t at);
int sqn_corrections_list(struct db *db, struct arena *a, int64_t article_id, struct db_correction **out, size_t *n);
int sqn_media_list(struct db *db, struct arena *a, struct db_media **out, size_t *n);
int sqn_publish_due(struct db *db, int64_t now, int *changed);
int sqn_next_due(struct db *db, int64_t *at);
int sqn_article_translation_any(struct db *db, struct arena *a, const struct db_article *art, struct db_article *out);

#define SQ_NEWSROOM_OPS                                                                                       \
	.article_get_id = sqn_article_get_id, .articles_by_status = sqn_articles_by_status,                   \
	.slug_owner = sqn_slug_owner, .article_save = sqn_article_save,                                       \
	.article_links_clear = sqn_article_links_clear, .article_set_status = sqn_article_set_status,         \
	.article_set_translation = sqn_article_set_translation, .article_by_old_slug = sqn_article_by_old_slug, \
	.slug_history_add = sqn_slug_history_add, .revision_insert = sqn_revision_insert,                     \
	.revisions_list = sqn_revisions_list, .event_insert = sqn_event_insert, .events_list = sqn_events_list, \
	.correction_insert = sqn_correction_insert, .corrections_list = sqn_corrections_list,                 \
	.media_list = sqn_media_list, .publish_due = sqn_publish_due, .next_due = sqn_next_due,                     \
	.article_translation_any = sqn_article_translation_any,

#endif
