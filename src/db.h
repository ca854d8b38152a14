/* db.h - the only door to storage. Pages and commands call these functions; they never see SQL or a
 * driver. The operations are written once for both engines in store_*.c over the statement interface
 * (db_stmt.h) that each driver (db_sqlite.c, db_pg.c) implements; so are transactions (db_stmt.c) and
 * the copy's catalogue reads (db_copy.c). What truly differs between the engines (migrations, search and
 * planner statistics, check, backup, the rest of the copy, purge notification) is a struct db_ops each
 * driver fills in full (tests/unit/test_db_driver.c holds every member of both to non-NULL).
 * db_open() picks the driver from the URL. Every function is safe to call from any thread: drivers keep
 * one connection per thread.
 *
 * Results are copied into the caller's arena, so they live until the request ends and need no freeing.
 * Status codes: DB_OK (0), DB_NOTFOUND (1), DB_CONFLICT (2: a unique key is taken), DB_ERROR (-1, logged
 * by the backend); writes between db_begin() and db_commit() are atomic, and db_commit() returns only
 * when the write is durable. */
#ifndef BROADSHEET_DB_H
#define BROADSHEET_DB_H
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "arena.h"

enum { DB_OK = 0, DB_NOTFOUND = 1, DB_CONFLICT = 2, DB_ERROR = -1 };

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
	int focal_x, focal_y; /* the focal point in ten-thousandths of width and height (0..10000); read only:
	                         db_media_put leaves it (a new row gets the centre), db_media_set_focal sets it */
	const char *caption, *credit, *copyright, *keywords; /* "" when none (NULL is stored as "") */
};

/* An editor's unsaved copy (db_autosave_get). */
struct db_autosave {
	int64_t user_id, article_id; /* article 0: a new article */
	const char *fields;          /* the editor form, urlencoded */
	int64_t saved_at;
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
	int image_focal_x, image_focal_y; /* the lead media's focal point (0..10000 each), 5000 when none */
	const char *lead_caption, *lead_credit;
	const char *translation_group; /* NULL = not paired */
	int top_rank;                  /* 0 = not a top story; 1 is the lead */
	int64_t created_at, published_at, updated_at;
	const char *comments_mode; /* NULL: the site's setting; else "pre", "trusted" or "post" */
	int comments_closed;       /* closed by an editor */
	int64_t comment_count;     /* approved comments */
	const char *guid;          /* the id its feeds carried on the old site (an import's), NULL when none */
	/* newsroom fields, filled by db_article_get_id / db_articles_by_status only */
	int64_t version, owner_id, scheduled_at, expires_at;
	const char *owner_login;
};

struct db_revision {
	int64_t version, user_id, created_at;
	const char *who; /* login of the user who saved it ("" when unknown) */
	const char *headline, *standfirst, *body_md, *dateline, *slug;
};

struct db_event {
	const char *action, *who;
	int64_t at;
};

struct db_correction {
	const char *body;
	int64_t created_at;
};

/* Which published articles to list: edition is required; at most one of section/tag/author. */
struct db_article_query {
	const char *edition;
	int64_t section_id, tag_id, author_id;
	int top_only;       /* only top stories, in editor order */
	int64_t exclude_id; /* leave this article out (related lists) */
	int64_t offset, limit;
};

struct db_user {
	int64_t id;
	const char *login, *display_name, *role; /* role: admin, editor, reporter, moderator */
	const char *pw_hash;                      /* argon2id string; only filled by user_get_by_login */
	int disabled;
	int64_t created_at;
	const char *lang; /* the newsroom language the person chose: "en", "ar", or "" (not chosen) */
	const char *email; /* lower-case ASCII letters (user_email_check), or NULL (none; never in a session's user) */
};

struct db_session {
	int64_t expires_at;
	const char *csrf;
	struct db_user user;
	int64_t id;                   /* the session's public number (random; names it in forms) */
	int64_t created_at, last_seen; /* log-in, and the last request (written at most once a minute) */
	const char *user_agent;       /* the browser's User-Agent as session.c stored it ("" when none) */
	const char *address;          /* the client address at log-in (clientaddr.c) */
	const char *method;           /* how it began: password, passkey, oidc, totp */
	const char *token_hash;       /* (db_sessions_of_user only) the key, to tell the current one */
	/* (db_session_get only) the settings session.lifetime_minutes and session.idle_minutes as stored,
	 * read in the same statement (NULL when unset) */
	const char *lifetime_setting, *idle_setting;
};

/* A visitor comment as pages show it (queue rows also carry their article). */
struct db_comment {
	int64_t id, article_id, parent_id; /* parent_id 0 = a top-level comment */
	const char *name, *body, *status;  /* status: pending, approved, spam, rejected */
	int64_t created_at, edited_at;     /* edited_at 0 = never edited by a moderator */
	const char *edited_by;             /* login of the moderator who edited it, "" when none */
	int mine;                          /* (article lists) a pending comment shown to its own visitor */
	const char *article_edition, *article_slug, *article_headline; /* queue rows only */
	int64_t article_published_at;
	const char *ip_hash, *email_hash; /* queue rows only, for bans; NULL when unknown or purged */
};

/* A comment to store. Hashes are keyed with the site secret by the caller; NULL = not recorded. */
struct db_comment_new {
	int64_t article_id, parent_id;
	const char *name, *body, *status;
	const char *email_hash, *ip_hash, *net_hash, *visitor_hash, *dup_key;
	int64_t created_at;
};

/* Which comments the moderation queue lists. */
struct db_comment_query {
	const char *status; /* required */
	int64_t article_id; /* 0 = any */
	const char *text;   /* NULL = any; else a substring of the name or body */
	int64_t offset, limit;
};

struct db_comment_log {
	int64_t comment_id, at;
	const char *who, *action, *name; /* name: the comment's author, "" when the comment is gone */
};

/* The public API's article query: every filter optional (NULL / 0); newest first, after the cursor. */
struct db_api_query {
	const char *edition, *section, *tag, *author; /* slugs */
	int64_t since, until;                         /* published_at >= since, < until */
	int64_t before_time, before_id;               /* cursor: strictly older than (time, id); 0 = start */
	int64_t limit;
};

/* Feeds and sitemaps (store_feeds.c). */

/* One published article as a sitemap lists it: just enough for <loc>, <lastmod> and the news fields. */
struct db_sitemap_entry {
	int64_t id;
	const char *edition, *slug, *headline;
	int64_t published_at, updated_at; /* updated_at: published_at when never updated */
};

/* Which published articles a sitemap lists: published_at in [from, to), both editions. */
struct db_sitemap_query {
	int64_t from, to;
	int newest_first; /* 0: oldest first (months: parts stay stable as a month fills up) */
	int64_t offset, limit;
};

/* A month that has published articles (UTC), for the sitemap index. */
struct db_sitemap_month {
	int year, month;
	int64_t count;   /* published articles in it, both editions */
	int64_t lastmod; /* the newest published_at or updated_at among them */
};

/* A section with the time of its newest published or updated article (0 when it has none). */
struct db_section_stamp {
	struct db_section section;
	int64_t lastmod;
};

/* An admin API key: only a hash of its token is stored; prefix (the token's first characters) names it. */
struct db_api_key {
	int64_t id, user_id, created_at, expires_at, revoked_at;
	const char *name, *prefix, *scopes; /* scopes: space-separated read, write, publish */
	struct db_user user;                /* the admin who made it (whose rights it acts with) */
};

/* Webhooks (store_webhooks.c). An endpoint the newsroom notifies of article events. */
struct db_webhook {
	int64_t id;
	const char *url, *secret;
	const char *events; /* comma-separated: article.published,article.updated,article.unpublished */
	int active;
	int64_t created_at;
	int64_t pending, failed; /* queue rows not yet delivered / given up on (webhooks_list only) */
};

/* A queued delivery that is due, with its endpoint. payload: the article as it was when the event was
 * queued (JSON: id, edition, slug, headline, standfirst, published_at, updated_at as UTC seconds). */
struct db_webhook_job {
	int64_t id, webhook_id;
	const char *event, *payload, *url, *secret;
	int attempts; /* made so far */
	int64_t created_at;
};

/* One attempt in the delivery log. status: the HTTP status (0 when none came back: then error says why). */
struct db_webhook_delivery {
	int64_t queue_id;
	const char *event;
	int attempt, status;
	int64_t at, duration_ms;
	const char *error; /* "" when the endpoint answered */
	const char *state; /* the queue row's state now: pending, done, failed */
};

/* Search (the reader's search page and the newsroom's): articles matching an FTS5 expression made by
 * search_match_expr (never raw user input), ranked by text relevance blended with recency. The date
 * bounds apply to published_at (created_at when never published). */
struct search_query;

struct db_search_query {
	const char *edition;    /* NULL: both editions (newsroom search) */
	const char *match;
	const struct search_query *parsed; /* what match was made from (search.h): PostgreSQL builds its tsquery */
	const char *section;    /* a section slug, or NULL for every section */
	int64_t since, until;   /* published in [since, until); 0 = no bound */
	int all_statuses;       /* newsroom search: every status; else published articles only */
	int64_t owner_id;       /* 0: anyone's; else only that user's articles (reporters) */
	int64_t now, half_life; /* seconds: an article half_life old keeps 3/4 of a fresh one's boost */
	int64_t offset, limit;
	int64_t candidates;     /* rank only the newest this many matches (by publication time), and count
				   at most this many; 0 = every match. Keeps very common words cheap. */
};

struct db_search_hit {
	struct db_article art; /* no bodies; owner_id and owner_login filled too */
	const char *snippet;   /* original text around the matches, SEARCH_MARK_OPEN/CLOSE around each */
};

/* Article views (store_views.c): per-article, per-hour counts written by the views module's flush.
 * A row is an article's views (ranking: hour is 0) or one hour's views of all articles (hourly: article_id
 * is 0). Hours are UTC seconds at the start of the hour. */
struct db_views_row {
	int64_t article_id, hour, views;
};

/* What a backend can tell about itself for /metrics (db_stats); -1 = this engine does not know. */
struct db_stats {
	int64_t connections;     /* connections this process holds open (pool size on a pooled engine) */
	int64_t connections_busy; /* of those, in use right now */
	int64_t size_bytes;      /* the database's size */
	int64_t webhook_pending; /* webhook deliveries waiting */
};

/* Copying a whole site between stores (`broadsheet migrate`, migrate.c). A value of a copied row, typed
 * as the source stored it; text and blob point at len bytes (text is also NUL-terminated). */
enum db_value_type { DB_VALUE_NULL, DB_VALUE_INT, DB_VALUE_REAL, DB_VALUE_TEXT, DB_VALUE_BLOB };
struct db_value {
	enum db_value_type type;
	int64_t i;
	double r;
	const char *p;
	size_t len;
};

/* A batch of rows of one table: nrows rows of ncols values each (row after row), in the column order cols. */
struct db_rows {
	const char *const *cols;
	size_t ncols, nrows;
	const struct db_value *vals;
};

/* What db_copy_export calls with each batch; returns 0 to go on, -1 to stop (the export then fails). */
typedef int (*db_rows_fn)(void *ctx, const struct db_rows *rows);

struct db;

/* A page-cache purge received from another node (db_purge_listen): keys[0..n) to purge, or everything
 * when n is 0. Called on the listener's own thread. */
typedef void (*db_purge_fn)(void *arg, const char *const *keys, size_t n);

/* The sentence every engine's trouble op returns when the database cannot be reached at all (a server
 * down or restarting): the HTTP layer answers it with a short Retry-After, as it is expected to pass. */
extern const char db_trouble_unreachable[];

/* What each engine does in its own way (db_sqlite*.c, db_pg*.c); db.h's wrappers below call it. Every
 * member is set by both drivers (an engine that cannot do something refuses with a sentence). */
struct db_ops {
	const char *name; /* "sqlite" or "postgresql", in messages */
	void (*close)(struct db *db);
	int (*migrate)(struct db *db, int *version);
	void (*bulk_reads)(struct db *db);
	/* search (db_sqlite_search.c, db_pg_search.c) and the planner's statistics (db_sqlite_admin.c, db_pg_search.c) */
	int (*search)(struct db *db, struct arena *a, const struct db_search_query *q, struct db_search_hit **out,
		      size_t *n, int64_t *total);
	int (*search_maintain)(struct db *db, int64_t pages);
	int (*analyze)(struct db *db, int full, int64_t *articles);
	/* health (db_sqlite_check.c, db_pg_check.c) */
	int (*check)(struct db *db, struct arena *a, const char ***problems, size_t *n);
	int (*limit_size)(struct db *db, int64_t max_bytes);
	const char *(*trouble)(struct db *db);
	/* operations (db_sqlite_admin.c, db_pg.c); stats fills connections, connections_busy and size_bytes */
	int (*ping)(struct db *db);
	int (*stats)(struct db *db, struct db_stats *out);
	int (*backup)(struct db *db, const char *path, char *err, size_t errlen);
	/* several nodes on one store (db_pg_notify.c; no-ops on SQLite) */
	int (*purge_publish)(struct db *db, const char *const *keys, size_t n);
	int (*purge_listen)(struct db *db, db_purge_fn fn, void *arg);
	/* the site copy's engine-specific part (db_sqlite_copy.c, db_pg_copy.c; db_copy.c has the rest) */
	int (*copy_count)(struct db *db, const char *table, int64_t *count);
	int (*copy_export)(struct db *db, const char *table, const char *const *cols, size_t ncols, size_t batch,
			   db_rows_fn fn, void *ctx, char *err, size_t errlen);
	int (*copy_clear)(struct db *db, const char *const *tables, size_t n, char *err, size_t errlen);
	int (*copy_import)(struct db *db, const char *table, const struct db_rows *rows, char *err, size_t errlen);
	int (*copy_sequences)(struct db *db, const char *table, char *err, size_t errlen);
};

struct db_driver; /* the statement interface the store is written on (db_stmt.h) */
struct db {
	const struct db_ops *ops;
	const struct db_driver *drv;
};

/* db_open: opens the store named by url: "sqlite:PATH" or a plain path for SQLite, "postgresql://..."
 * (or "postgres://...") for PostgreSQL.
 * Returns a handle (close with db_close) or NULL with a reason in err. */
struct db *db_open(const char *url, char *err, size_t errlen);

/* Backend constructors, called by db_open only. create: make the database file if missing. */
struct db *db_sqlite_open(const char *path, int create, char *err, size_t errlen);
/* url: a libpq connection URI (postgresql://...); err gets the server's reason when it cannot connect */
struct db *db_pg_open(const char *url, char *err, size_t errlen);

static inline void db_close(struct db *db) { if (db) db->ops->close(db); }
/* db_migrate: brings the schema to the newest version; *version gets it. DB_OK or DB_ERROR. */
static inline int db_migrate(struct db *db, int *version) { return db->ops->migrate(db, version); }
/* db_begin: opens a write transaction on this thread's connection (SQLite: BEGIN IMMEDIATE, so it waits
 * for the write lock now, not at its first write). db_commit: ends it; DB_ERROR (logged) also when a
 * statement inside it had failed and the engine rolled it back (PostgreSQL). db_rollback: ends it
 * undone; DB_OK also when none is open (an error already ended it). Written once in db_stmt.c. */
int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

/* db_setting_get: *value = the setting (arena copy); DB_NOTFOUND when unset. */
int db_setting_get(struct db *db, struct arena *a, const char *key, const char **value);
int db_setting_set(struct db *db, const char *key, const char *value);

/* db_sections_list: the edition's sections in menu order. */
int db_sections_list(struct db *db, struct arena *a, const char *edition, struct db_section **out, size_t *n);
int db_section_get(struct db *db, struct arena *a, const char *edition, const char *slug, struct db_section *out);
int db_tag_get(struct db *db, struct arena *a, const char *edition, const char *slug, struct db_tag *out);
int db_author_get(struct db *db, struct arena *a, const char *edition, const char *slug, struct db_author *out);

/* db_article_get: a published article of the edition by slug, with its body. */
int db_article_get(struct db *db, struct arena *a, const char *edition, const char *slug, struct db_article *out);
/* db_article_translation: the published article of the other edition in art's translation group. */
int db_article_translation(struct db *db, struct arena *a, const struct db_article *art, struct db_article *out);
/* db_articles_list: published articles matching q, newest first (top stories: editor order); no bodies. */
int db_articles_list(struct db *db, struct arena *a, const struct db_article_query *q, struct db_article **out,
		     size_t *n);
int db_articles_count(struct db *db, const struct db_article_query *q, int64_t *total);
/* db_article_translation_any: the article of the other edition in art's translation group, any status
 * (the newsroom's view); DB_NOTFOUND when unpaired. */
int db_article_translation_any(struct db *db, struct arena *a, const struct db_article *art, struct db_article *out);
/* db_article_authors / db_article_tags: bylines in order, tags by name. */
int db_article_authors(struct db *db, struct arena *a, int64_t article_id, struct db_author **out, size_t *n);
int db_article_tags(struct db *db, struct arena *a, int64_t article_id, struct db_tag **out, size_t *n);

/* Writes. *_put insert or update by (edition, slug) / path and store the row id in *id. */
int db_section_put(struct db *db, const struct db_section *s, int64_t *id);
int db_tag_put(struct db *db, const struct db_tag *t, int64_t *id);
int db_author_put(struct db *db, const struct db_author *au, int64_t *id);
int db_media_put(struct db *db, const struct db_media *m, int64_t *id);
/* db_article_insert: a new article (all text fields of art, times, status); *id gets its id. */
int db_article_insert(struct db *db, const struct db_article *art, int64_t *id);
int db_article_link_author(struct db *db, int64_t article_id, int64_t author_id, int position);
int db_article_link_tag(struct db *db, int64_t article_id, int64_t tag_id);

/* Accounts. user_insert: DB_CONFLICT when the login is taken. user_get_by_login also returns the
 * password hash (and disabled users: the caller decides). */
int db_user_insert(struct db *db, const struct db_user *u, int64_t *id);
int db_user_get_by_login(struct db *db, struct arena *a, const char *login, struct db_user *out);
int db_users_list(struct db *db, struct arena *a, struct db_user **out, size_t *n);
int db_user_set_password(struct db *db, int64_t id, const char *pw_hash);
/* db_user_set_lang: the newsroom language user id chose ("en", "ar", or "" for the browser's and the
 * site's). DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_user_set_lang(struct db *db, int64_t id, const char *lang);
int db_user_set_disabled(struct db *db, int64_t id, int disabled);
/* db_user_get_by_email: the account whose e-mail is email (as user_email_check writes it; matched
 * exactly), without its password hash; disabled accounts too (the caller decides). DB_OK, DB_NOTFOUND or
 * DB_ERROR. */
int db_user_get_by_email(struct db *db, struct arena *a, const char *email, struct db_user *out);
/* db_user_set_email: sets (email NULL: removes) account id's e-mail. DB_OK, DB_CONFLICT (another account
 * has it), DB_NOTFOUND (no such account) or DB_ERROR. */
int db_user_set_email(struct db *db, int64_t id, const char *email);

/* A sign-in sent to the OpenID Connect provider (store_oidc.c): the hash of its state, its nonce, PKCE
 * code_verifier, the newsroom path to go to afterwards, and when it was made. */
struct db_oidc_login {
	const char *state_hash, *nonce, *verifier, *next_path;
	int64_t created_at;
};
/* db_oidc_login_insert: stores l, first deleting the sign-ins made before purge_before (abandoned ones).
 * DB_OK, DB_CONFLICT (that state exists) or DB_ERROR. */
int db_oidc_login_insert(struct db *db, const struct db_oidc_login *l, int64_t purge_before);
/* db_oidc_login_take: deletes the sign-in with state_hash and returns it in *out (text in the arena):
 * one statement, so of two callbacks with one state only one finds it. DB_OK, DB_NOTFOUND (unknown or
 * already taken) or DB_ERROR. */
int db_oidc_login_take(struct db *db, struct arena *a, const char *state_hash, struct db_oidc_login *out);

/* Sessions, keyed by a hash of the cookie token (the token itself is never stored).
 * session_insert: s's token_hash, user.id, csrf, id, created_at (also its first last_seen), expires_at,
 * user_agent, address and method ("" for NULL texts); DB_CONFLICT when the hash or id is taken.
 * session_get: the session, its user and the session settings (DB_NOTFOUND when unknown; expiry is the
 * caller's check). */
int db_session_insert(struct db *db, const struct db_session *s);
int db_session_get(struct db *db, struct arena *a, const char *token_hash, struct db_session *out);
int db_session_delete(struct db *db, const char *token_hash);
int db_sessions_delete_user(struct db *db, int64_t user_id);
/* db_session_touch: sets the session's last_seen to now when it is at least `every` seconds older (one
 * statement: a session is written at most once per `every` seconds however many requests it makes).
 * DB_OK (also when nothing was old enough) or DB_ERROR. */
int db_session_touch(struct db *db, const char *token_hash, int64_t now, int64_t every);
/* db_sessions_of_user: every stored session of user_id (expired ones too: the caller filters), the most
 * recently seen first, with token_hash; into the arena. DB_OK or DB_ERROR. */
int db_sessions_of_user(struct db *db, struct arena *a, int64_t user_id, struct db_session **out, size_t *n);
/* db_session_delete_id: deletes session id when it belongs to user_id. DB_OK, DB_NOTFOUND (no such
 * session, or another person's: the same answer) or DB_ERROR. */
int db_session_delete_id(struct db *db, int64_t user_id, int64_t id);
/* db_sessions_purge: deletes the sessions that are over at now: past their expiry at log-in, started at
 * or before `started_by`, or last seen at or before `seen_by` (0: no idle limit); *deleted gets how many
 * (may be NULL). DB_OK or DB_ERROR. */
int db_sessions_purge(struct db *db, int64_t now, int64_t started_by, int64_t seen_by, int64_t *deleted);
/* db_sessions_delete_others: deletes every session of user_id but the one keyed keep_hash; *ended gets
 * how many (may be NULL). DB_OK or DB_ERROR. */
int db_sessions_delete_others(struct db *db, int64_t user_id, const char *keep_hash, int64_t *ended);

/* Failed log-ins by key ("ip:ADDR" or "login:NAME"), for throttling. count: failures since `since`;
 * oldest: the earliest of them (0 when none). */
int db_login_failure_add(struct db *db, const char *key, int64_t at);
int db_login_failures_count(struct db *db, const char *key, int64_t since, int64_t *count, int64_t *oldest);
int db_login_failures_clear(struct db *db, const char *key);

/* Passkeys (store_passkeys.c, issue 20): WebAuthn credentials per account, and the challenges of the
 * ceremonies in progress. */
struct db_passkey {
	int64_t id, user_id;
	const char *credential_id; /* base64url, unique across accounts */
	const char *public_key;    /* the COSE_Key as the authenticator gave it, base64url */
	const char *name;          /* the person's name for it ("Office laptop") */
	int64_t sign_count, created_at, last_used_at; /* last_used_at 0: never used to log in */
	struct db_user user; /* db_passkey_by_credential only: the account it logs in to */
};
/* db_passkey_insert: a new credential for p->user_id (id, key, name, count, created_at): DB_OK (*id set),
 * DB_CONFLICT (that credential id is registered already, to anyone) or DB_ERROR. */
int db_passkey_insert(struct db *db, const struct db_passkey *p, int64_t *id);
/* db_passkeys_list: the account's passkeys, oldest first (arena array; user left empty). DB_OK, DB_ERROR. */
int db_passkeys_list(struct db *db, struct arena *a, int64_t user_id, struct db_passkey **out, size_t *n);
/* db_passkey_by_credential: the passkey with that credential id and its account (with the password hash
 * left out): DB_OK, DB_NOTFOUND, DB_ERROR. */
int db_passkey_by_credential(struct db *db, struct arena *a, const char *credential_id, struct db_passkey *out);
/* db_passkey_used: a log-in with passkey id: its counter becomes sign_count and last_used_at at, provided
 * the stored counter is still below it (or both are 0), so two log-ins racing with one counter cannot
 * both pass. DB_OK, DB_NOTFOUND (no such passkey, or its counter moved past), DB_ERROR. */
int db_passkey_used(struct db *db, int64_t id, int64_t sign_count, int64_t at);
/* db_passkey_rename, db_passkey_delete: the account's passkey id renamed or removed; DB_NOTFOUND when the
 * account has no passkey id. */
int db_passkey_rename(struct db *db, int64_t user_id, int64_t id, const char *name);
int db_passkey_delete(struct db *db, int64_t user_id, int64_t id);
/* db_passkey_challenge_put: keeps an issued challenge (by hash) for purpose "register", "login" or
 * "second", for account user_id (0: none yet, a passkey log-in) and binding (what else it is bound to,
 * e.g. a hash of the pre-session cookie; "" for none), until expires_at; challenges expired before now are
 * removed first. DB_OK, DB_CONFLICT (the same hash twice), DB_ERROR. */
int db_passkey_challenge_put(struct db *db, const char *hash, const char *purpose, int64_t user_id, const char *binding,
			     int64_t expires_at, int64_t now);
/* db_passkey_challenge_take: takes (deletes) the challenge with that hash and purpose that has not expired
 * at now, so it answers one response only: *user_id (0: none) and *binding (arena) get what it was bound
 * to. DB_OK, DB_NOTFOUND (unknown, used already, expired or of another purpose), DB_ERROR. */
int db_passkey_challenge_take(struct db *db, struct arena *a, const char *hash, const char *purpose, int64_t now,
			      int64_t *user_id, const char **binding);

/* The newsroom's articles (any status). */
int db_article_get_id(struct db *db, struct arena *a, int64_t id, struct db_article *out);
/* db_articles_by_status: articles with that status, most recently changed first. */
int db_articles_by_status(struct db *db, struct arena *a, const char *status, int64_t limit, struct db_article **out,
			  size_t *n);
/* db_slug_owner: which article uses (or used) slug in edition; DB_NOTFOUND when free. */
int db_slug_owner(struct db *db, const char *edition, const char *slug, int64_t *article_id);
/* db_article_save: art->id == 0 inserts a draft (version 1, owner art->owner_id); otherwise updates the
 * text fields if the stored version is still art->version (then version + 1), else DB_CONFLICT.
 * Status and times other than updated_at are left alone. *id gets the article id. */
int db_article_save(struct db *db, const struct db_article *art, int64_t *id);
/* db_article_links_clear: removes the article's bylines and tags (before setting new ones). */
int db_article_links_clear(struct db *db, int64_t article_id);
/* db_article_set_status: status and its times (0 = NULL). */
int db_article_set_status(struct db *db, int64_t id, const char *status, int64_t published_at, int64_t scheduled_at,
			  int64_t expires_at);
/* db_article_set_translation: puts id into other_id's translation group, or both into a new group when
 * other_id has none (id leaves any group it was in). */
int db_article_set_translation(struct db *db, int64_t id, int64_t other_id);
/* db_live_blogs_published: the published articles that are live blogs, by id (store_live_list.c; the
 * static export writes their entries' pages, feeds and live.json). DB_OK or DB_ERROR. */
int db_live_blogs_published(struct db *db, struct arena *a, struct db_article **out, size_t *n);
/* db_article_by_old_slug: the published article that once had slug in edition. */
int db_article_by_old_slug(struct db *db, struct arena *a, const char *edition, const char *slug,
			   struct db_article *out);
int db_slug_history_add(struct db *db, const char *edition, const char *slug, int64_t article_id);
/* Revisions (every save), the workflow log and corrections, oldest first except revisions (newest first). */
int db_revision_insert(struct db *db, int64_t article_id, const struct db_revision *r);
int db_revisions_list(struct db *db, struct arena *a, int64_t article_id, struct db_revision **out, size_t *n);
int db_event_insert(struct db *db, int64_t article_id, int64_t user_id, const char *action, int64_t at);
int db_events_list(struct db *db, struct arena *a, int64_t article_id, struct db_event **out, size_t *n);
int db_correction_insert(struct db *db, int64_t article_id, const char *body, int64_t user_id, int64_t at);
int db_corrections_list(struct db *db, struct arena *a, int64_t article_id, struct db_correction **out, size_t *n);
int db_media_list(struct db *db, struct arena *a, struct db_media **out, size_t *n);

/* The translation desk (store_translations.c, issue 19). A translation made by the desk knows its source
 * (articles.source_id) and the source's version when the translation was last saved or marked up to date
 * (source_version): the source's revision at that version is what the translation was made from. */
struct db_article_source {
	int64_t id, source_id, source_version; /* the translation, its source, the source's version then */
};
/* A correction on one side of a pair newer than the other side's last save. */
struct db_correction_flag {
	int64_t corrected_id, other_id, corrected_at; /* the corrected article, its translation, the newest such correction */
};
/* db_article_source_get: article id's source into *out; DB_NOTFOUND when it has none (not made by the desk,
 * or the source was deleted), DB_ERROR. */
int db_article_source_get(struct db *db, struct arena *a, int64_t id, struct db_article_source *out);
/* db_article_source_set: article id's source (0: none, version then ignored) and the source's version it
 * is up to date with. DB_OK, DB_NOTFOUND (no article id) or DB_ERROR. */
int db_article_source_set(struct db *db, int64_t id, int64_t source_id, int64_t source_version);
/* db_article_source_sync: article id becomes up to date with its source's current version (a save of a
 * translation); nothing for an article without a source. DB_OK or DB_ERROR. */
int db_article_source_sync(struct db *db, int64_t id);
/* db_revision_get: revision `version` of an article into *out (arena); DB_NOTFOUND, DB_ERROR. */
int db_revision_get(struct db *db, struct arena *a, int64_t article_id, int64_t version, struct db_revision *out);
/* db_translations_behind: at most limit translations, still paired with their source (same translation
 * group, other edition), whose source's version is not the one they were saved against, the source most
 * recently changed first (arena array). Whether the change is substantive is the caller's judgement. */
int db_translations_behind(struct db *db, struct arena *a, int64_t limit, struct db_article_source **out, size_t *n);
/* db_untranslated_between: the ids of at most limit articles published in [from, to) or scheduled for it
 * that have no article of the other edition in their translation group, newest first (arena array). */
int db_untranslated_between(struct db *db, struct arena *a, int64_t from, int64_t to, int64_t limit, int64_t **out,
			    size_t *n);
/* db_correction_flags: pairs where one side has a correction newer than the other side's last save (its
 * newest revision, else its updated or created time), newest first, at most limit (arena array); other_id
 * > 0: only those flagged on that article. DB_OK or DB_ERROR. */
int db_correction_flags(struct db *db, struct arena *a, int64_t other_id, int64_t limit, struct db_correction_flag **out,
			size_t *n);
/* Autosave (store_autosave.c): the editor's private unsaved copy per user and article (article_id 0: a new
 * article). fields is the editor form as an urlencoded text; saved_at when it was kept. db_autosave_put
 * replaces the copy (DB_OK, DB_ERROR); db_autosave_get reads it into the arena (DB_OK, DB_NOTFOUND,
 * DB_ERROR); db_autosave_delete removes it (DB_OK also when there was none, DB_ERROR). */
int db_autosave_put(struct db *db, int64_t user_id, int64_t article_id, const char *fields, int64_t at);
int db_autosave_get(struct db *db, struct arena *a, int64_t user_id, int64_t article_id, struct db_autosave *out);
int db_autosave_delete(struct db *db, int64_t user_id, int64_t article_id);

/* Related stories (store_related.c): an ordered list of at most DB_RELATED_MAX articles the editor chose
 * for an article. db_related_set replaces article_id's list with ids[0..n) in that order (distinct ids,
 * none article_id itself; the caller checks them and runs it inside the save's transaction): DB_OK or
 * DB_ERROR (also for n over DB_RELATED_MAX, a repeated id or an id that names no article). db_related_ids:
 * the stored list as ids in order, any status and edition (the editor's field). db_related_published:
 * those of art's list that are published and in art's edition, in order (the reader's "Related" list).
 * db_related_citing: the articles whose list holds article_id, by id (whose pages show it). Arrays in the
 * arena; DB_OK or DB_ERROR. */
#define DB_RELATED_MAX 6
int db_related_set(struct db *db, int64_t article_id, const int64_t *ids, size_t n);
int db_related_ids(struct db *db, struct arena *a, int64_t article_id, int64_t **out, size_t *n);
int db_related_published(struct db *db, struct arena *a, const struct db_article *art, struct db_article **out,
			 size_t *n);
int db_related_citing(struct db *db, struct arena *a, int64_t article_id, int64_t **out, size_t *n);

/* The glossary (store_glossary.c, issue 19): a name and its agreed spelling in each edition. kind is
 * "person", "place", "organisation" or "title"; variants are the other spellings seen in copy, one a line
 * (glossary.h); created_by is 0 when unknown or the account is gone. */
struct db_glossary {
	int64_t id;
	const char *kind, *name_en, *name_ar, *variants, *note;
	int64_t created_by, updated_at;
};
/* db_glossary_list: up to limit entries, by English name (case-insensitively), whose names, variants or
 * note hold q as normalised text (glossary_key of q; NULL or a q with no words: every entry), into an
 * arena array. DB_OK or DB_ERROR. db_glossary_get: one entry (arena copies); DB_OK, DB_NOTFOUND or
 * DB_ERROR. */
int db_glossary_list(struct db *db, struct arena *a, const char *q, int64_t limit, struct db_glossary **out,
		     size_t *n);
int db_glossary_get(struct db *db, struct arena *a, int64_t id, struct db_glossary *out);
/* db_glossary_put: inserts g (g->id 0; *id gets the new id) or updates entry g->id (created_by is kept),
 * writing the normalised keys (glossary_key) beside the names: DB_OK, DB_CONFLICT when another entry has
 * the same English or Arabic name once normalised (*clash, when not NULL, gets "name_en" or "name_ar"),
 * DB_NOTFOUND (update of no entry) or DB_ERROR (also for a name with no words). */
int db_glossary_put(struct db *db, const struct db_glossary *g, int64_t *id, const char **clash);
/* db_glossary_delete: removes an entry. DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_glossary_delete(struct db *db, int64_t id);

/* The breaking-news banner (store_breaking.c, issue 21): one line per edition, up from created_at until
 * ended_at (a take-down, a newer banner, or the scheduler at expires_at). link_article_id (0 for none) or
 * link_url (a path of this site, NULL for none) is what it links; created_by is 0 when unknown or gone. */
struct db_breaking {
	int64_t id;
	const char *edition, *text;
	int64_t link_article_id;
	const char *link_url;
	int64_t created_by, created_at, expires_at, ended_at; /* ended_at 0 while up */
};
/* db_breaking_raise: in one transaction, ends the edition's banner that is up (ended_at = b->created_at;
 * *replaced gets its id, 0 when none was up) and inserts b (*id gets its id). DB_OK or DB_ERROR. */
int db_breaking_raise(struct db *db, const struct db_breaking *b, int64_t *id, int64_t *replaced);
/* db_breaking_current: the edition's banner that is up and whose expires_at is after now (arena copies).
 * DB_OK, DB_NOTFOUND (none, or only an expired one the scheduler has not ended yet) or DB_ERROR. */
int db_breaking_current(struct db *db, struct arena *a, const char *edition, int64_t now, struct db_breaking *out);
/* db_breaking_get: one banner by id, up or ended (arena copies). DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_breaking_get(struct db *db, struct arena *a, int64_t id, struct db_breaking *out);
/* db_breaking_end: takes down the edition's banner that is up (ended_at = now); *id gets its id.
 * DB_OK, DB_NOTFOUND (none is up) or DB_ERROR. */
int db_breaking_end(struct db *db, const char *edition, int64_t now, int64_t *id);
/* db_breaking_expire_due: ends every banner up whose expires_at is at or before now (ended_at =
 * expires_at); ids gets the first cap of their ids and *n how many there were. DB_OK or DB_ERROR. */
int db_breaking_expire_due(struct db *db, int64_t now, int64_t *ids, size_t cap, size_t *n);
/* db_breaking_next_expiry: *at = the earliest expires_at of the banners up (0 = none). DB_OK or DB_ERROR. */
int db_breaking_next_expiry(struct db *db, int64_t *at);

/* The audit log (store_audit.c, issue 20): one row a newsroom action or log-in attempt. user_id is 0 when
 * no account acted (a failed log-in for an unknown name) or the account is gone; login is kept either way. */
struct db_audit {
	int64_t id, at, user_id;
	const char *login, *address, *action, *target, *detail;
};
/* What db_audit_list shows: each set field narrows (login exactly; action equal or, ending in '.', a
 * prefix such as "login."; at within [since, until] where non-zero); rows newest first, at most limit,
 * older than before_id when it is non-zero (the next page). */
struct db_audit_filter {
	const char *login, *action;
	int64_t since, until, before_id, limit;
};
/* db_audit_add: appends e (id ignored; NULL strings are ''). DB_OK or DB_ERROR. */
int db_audit_add(struct db *db, const struct db_audit *e);
/* db_audit_list: the rows f selects, newest first, into an arena array. DB_OK or DB_ERROR. */
int db_audit_list(struct db *db, struct arena *a, const struct db_audit_filter *f, struct db_audit **out, size_t *n);
/* db_audit_purge: deletes the rows older than before (the retention); *deleted gets how many. DB_OK or
 * DB_ERROR. */
int db_audit_purge(struct db *db, int64_t before, int *deleted);

/* Two-factor log-in (store_mfa.c, issue 20). An account's TOTP secret as stored: sealed (totp_seal), whether
 * its owner has confirmed it with a first code, the newest time step a code was accepted for (0: none). */
struct db_totp {
	int64_t user_id;
	const char *secret; /* sealed: hex, see totp.h */
	int confirmed;
	int64_t last_step, created_at, confirmed_at;
};
/* db_totp_get: the account's TOTP row (arena copies). DB_OK, DB_NOTFOUND (none) or DB_ERROR. */
int db_totp_get(struct db *db, struct arena *a, int64_t user_id, struct db_totp *out);
/* db_totp_start: stores sealed as the account's new unconfirmed secret, replacing an unconfirmed one
 * (enrolment begun again). DB_OK, DB_NOTFOUND when the account has a confirmed secret (left as it is),
 * or DB_ERROR (also for no such account). */
int db_totp_start(struct db *db, int64_t user_id, const char *sealed, int64_t at);
/* db_totp_confirm: marks the account's unconfirmed secret confirmed, its first code's step as the last
 * used. DB_OK, DB_NOTFOUND (no unconfirmed secret) or DB_ERROR. */
int db_totp_confirm(struct db *db, int64_t user_id, int64_t step, int64_t at);
/* db_totp_use_step: records that a code of time step was accepted for the account, in one statement that
 * only moves last_step forward: DB_OK, or DB_NOTFOUND when step is not newer than the last step used (a
 * replay, also one racing on another connection or node) or the secret is not confirmed; DB_ERROR. */
int db_totp_use_step(struct db *db, int64_t user_id, int64_t step);
/* db_totp_delete: removes the account's secret (confirmed or not). DB_OK (also when there was none) or
 * DB_ERROR. */
int db_totp_delete(struct db *db, int64_t user_id);
/* db_recovery_codes_set: replaces all the account's recovery codes by the n keyed hashes (n 0: removes
 * them); call it inside db_begin..db_commit. DB_OK, DB_CONFLICT (two equal hashes) or DB_ERROR. */
int db_recovery_codes_set(struct db *db, int64_t user_id, const char *const *hashes, size_t n, int64_t at);
/* db_recovery_code_use: marks the account's unused code with that hash used, in one statement: DB_OK, or
 * DB_NOTFOUND when there is no such code or it was used already (also on another connection); DB_ERROR. */
int db_recovery_code_use(struct db *db, int64_t user_id, const char *hash, int64_t at);
/* db_recovery_codes_left: *left = the account's unused recovery codes. DB_OK or DB_ERROR. */
int db_recovery_codes_left(struct db *db, int64_t user_id, int64_t *left);
/* A log-in past its first factor (method: "password" ...), waiting for its second factor (kind "verify") or
 * for the enrolment its role requires (kind "enrol"), with the account and where it goes next. */
struct db_mfa_pending {
	const char *kind, *method, *next;
	int64_t created_at, expires_at;
	struct db_user user;
};
/* db_mfa_pending_insert: a new waiting log-in keyed by its token's hash; first forgets those that expired
 * more than a day before at. DB_OK, DB_CONFLICT (hash taken) or DB_ERROR. */
int db_mfa_pending_insert(struct db *db, const char *token_hash, int64_t user_id, const char *kind, const char *method,
			  const char *next, int64_t at, int64_t expires_at);
/* db_mfa_pending_get: the waiting log-in with that token hash and its account (expired or not, disabled
 * or not: the caller decides), arena copies. DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_mfa_pending_get(struct db *db, struct arena *a, const char *token_hash, struct db_mfa_pending *out);
/* db_mfa_pending_delete: ends a waiting log-in, in one statement: DB_OK, or DB_NOTFOUND when it was gone
 * already (ended by a concurrent request: its completion must not count twice); DB_ERROR. */
int db_mfa_pending_delete(struct db *db, const char *token_hash);

/* db_pick_articles: for the editor's pickers, up to limit articles (any status; the newsroom fields and
 * no bodies) whose headline holds text (case-insensitively for Latin letters; LIKE's % and _ in text are
 * taken literally), or whose number is text, newest first; edition NULL or "" for both editions. The
 * caller applies who may see which. DB_OK or DB_ERROR. */
int db_pick_articles(struct db *db, struct arena *a, const char *text, const char *edition, int64_t limit,
		     struct db_article **out, size_t *n);
/* db_pick_media: up to limit images whose alt text or caption holds text (as db_pick_articles), or whose
 * number is text, newest first. DB_OK or DB_ERROR. */
int db_pick_media(struct db *db, struct arena *a, const char *text, int64_t limit, struct db_media **out, size_t *n);
/* db_media_get: the media row id into *out (arena strings). DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_media_get(struct db *db, struct arena *a, int64_t id, struct db_media *out);
/* db_media_set_focal: stores the focal point (fx, fy in 0..10000) of media id and, in the same statement,
 * the caption, credit, copyright and keywords of details that are not NULL (details NULL, or a field
 * NULL, keeps what is stored). DB_OK, DB_NOTFOUND (no such row) or DB_ERROR (also for values outside
 * 0..10000, refused before the store; the table's CHECK refuses them too). */
int db_media_set_focal(struct db *db, int64_t id, int fx, int fy, const struct db_media *details);
/* db_publish_due: publishes scheduled articles whose time has come and takes down expired ones, in one
 * transaction, logging each (the article's log and the audit log, as "system": article.published,
 * article.expired) and queueing their webhook events; *changed gets how many, and ids the first
 * cap of their ids (so the page cache can purge what they affect). */
int db_publish_due(struct db *db, int64_t now, int64_t *ids, size_t cap, int *changed);
/* db_next_due: the earliest scheduled or expiry time still ahead (0 = none). */
int db_next_due(struct db *db, int64_t *at);

/* Visitor comments (comment.c and page_comments.c are the callers).
 * comment_insert: stores c; *id gets its id. */
int db_comment_insert(struct db *db, const struct db_comment_new *c, int64_t *id);
/* db_comments_for_article: the approved comments of an article, plus the pending ones whose
 * visitor_hash matches (mine = 1); top-level comments by time (newest first if asked), each followed by
 * its replies, oldest first. */
int db_comments_for_article(struct db *db, struct arena *a, int64_t article_id, const char *visitor_hash,
			    int newest_first, struct db_comment **out, size_t *n);
int db_comment_get(struct db *db, struct arena *a, int64_t id, struct db_comment *out);
/* What a comment rate limit counts by: the sender's address hash, or its network's (/24, /48). */
enum db_rate_key { DB_RATE_IP, DB_RATE_NET };
/* db_comments_recent: how many comments whose key (address or network hash) is hash arrived since `since`. */
int db_comments_recent(struct db *db, enum db_rate_key key, const char *hash, int64_t since, int64_t *count);
/* db_comment_duplicate: *found = 1 when the article has a comment with dup_key since `since`. */
int db_comment_duplicate(struct db *db, int64_t article_id, const char *dup_key, int64_t since, int *found);
/* db_comments_approved_count: approved comments by this email hash or visitor hash (either may be NULL). */
int db_comments_approved_count(struct db *db, const char *email_hash, const char *visitor_hash, int64_t *count);
/* db_comments_queue: the moderation queue (newest first) with each comment's article. */
int db_comments_queue(struct db *db, struct arena *a, const struct db_comment_query *q, struct db_comment **out,
		      size_t *n);
int db_comments_status_count(struct db *db, const char *status, int64_t *count);
int db_comment_set_status(struct db *db, int64_t id, const char *status);
/* db_comment_edit: replaces the body and records who edited it and when. */
int db_comment_edit(struct db *db, int64_t id, const char *body, int64_t user_id, int64_t at);
int db_comment_log_add(struct db *db, int64_t comment_id, int64_t user_id, const char *action, int64_t at);
/* db_comment_log_list: the moderation log, newest first. */
int db_comment_log_list(struct db *db, struct arena *a, int64_t limit, struct db_comment_log **out, size_t *n);
/* db_ban_add: bans a hashed IP or email (kind "ip" / "email"); banning twice is DB_OK. */
int db_ban_add(struct db *db, const char *kind, const char *value_hash, int64_t user_id, int64_t at);
int db_ban_exists(struct db *db, const char *kind, const char *value_hash, int *found);
/* db_comments_purge_ips: forgets the IP and network hashes of comments older than `before`. */
int db_comments_purge_ips(struct db *db, int64_t before, int *changed);
/* db_article_set_comments: the article's comment mode (NULL = the site's) and whether they are closed. */
int db_article_set_comments(struct db *db, int64_t article_id, const char *mode, int closed);
/* db_comments_all: every comment with its article's edition and slug, oldest first (export). */
int db_comments_all(struct db *db, struct arena *a, struct db_comment **out, size_t *n);

/* The public API. db_articles_api: published articles matching q (see struct db_api_query), no bodies. */
int db_articles_api(struct db *db, struct arena *a, const struct db_api_query *q, struct db_article **out, size_t *n);
/* Admin API keys. db_api_key_by_hash: the key with that token hash and its user (any state: the caller
 * checks expiry, revocation and the user). db_api_key_revoke: DB_NOTFOUND when no such key. */
int db_api_key_insert(struct db *db, const struct db_api_key *k, const char *token_hash, int64_t *id);
int db_api_key_by_hash(struct db *db, struct arena *a, const char *token_hash, struct db_api_key *out);
int db_api_keys_list(struct db *db, struct arena *a, struct db_api_key **out, size_t *n);
int db_api_key_revoke(struct db *db, int64_t id, int64_t at);
/* db_tags_list: the tags of an edition (NULL = both) that published articles use, by name. */
int db_tags_list(struct db *db, struct arena *a, const char *edition, struct db_tag **out, size_t *n);
/* db_bulk_reads: tunes connections opened after the call (by new threads) for a process that reads most
 * of the store, the static export: SQLite maps the file instead of copying each page out of the OS
 * cache (measured: a 10,000-article export 31 s -> 15 s, its system time 6.9 s -> 0.9 s). Not for the
 * server: mapped pages count in its resident memory. */
static inline void db_bulk_reads(struct db *db) { db->ops->bulk_reads(db); }
/* db_authors_list: the authors of an edition (NULL = both) with a byline on a published article, by
 * edition and slug (bio not filled). DB_OK or DB_ERROR. */
int db_authors_list(struct db *db, struct arena *a, const char *edition, struct db_author **out, size_t *n);
/* Feeds and sitemaps. They read live: an article that is unpublished leaves them at once.
 * db_articles_feed: like db_articles_list (q->top_only, q->exclude_id and q->offset are ignored),
 * newest first, but each article also carries body_html (body_md is left empty). */
int db_articles_feed(struct db *db, struct arena *a, const struct db_article_query *q, struct db_article **out,
		     size_t *n);
/* db_last_change_at: *at = the time of the newsroom's latest article event (a save, a status change by
 * anyone or by the scheduler, a correction), 0 when there is none. Feeds take it into their
 * Last-Modified, so that an edit that moves no public date still counts as a change. */
int db_last_change_at(struct db *db, int64_t *at);
/* db_sitemap_months: the UTC months that have published articles, newest first. */
int db_sitemap_months(struct db *db, struct arena *a, struct db_sitemap_month **out, size_t *n);
/* db_sitemap_entries: published articles of both editions matching q (ties broken by id). */
int db_sitemap_entries(struct db *db, struct arena *a, const struct db_sitemap_query *q,
		       struct db_sitemap_entry **out, size_t *n);
/* db_sitemap_count: how many published articles have published_at in [from, to). */
int db_sitemap_count(struct db *db, int64_t from, int64_t to, int64_t *count);
/* db_sitemap_sections: the edition's sections in menu order, each with its newest change. */
int db_sitemap_sections(struct db *db, struct arena *a, const char *edition, struct db_section_stamp **out, size_t *n);

/* Webhooks. db_webhook_insert: a new endpoint (url, secret, events, active, created_at); *id gets its id.
 * db_webhooks_list: every endpoint, oldest first, with its pending and failed counts. */
int db_webhook_insert(struct db *db, const struct db_webhook *w, int64_t *id);
int db_webhooks_list(struct db *db, struct arena *a, struct db_webhook **out, size_t *n);
int db_webhook_get(struct db *db, struct arena *a, int64_t id, struct db_webhook *out);
/* db_webhook_set_active: enables (1) or disables (0) an endpoint; DB_NOTFOUND when there is none. A
 * disabled endpoint keeps its queue: its deliveries wait until it is enabled again. */
int db_webhook_set_active(struct db *db, int64_t id, int active);
/* db_webhook_delete: removes an endpoint with its queue and log; DB_NOTFOUND when there is none. */
int db_webhook_delete(struct db *db, int64_t id);
/* db_webhook_enqueue: queues event for article_id to every active endpoint that wants it, with a
 * snapshot of the article as it is now (in the caller's transaction: call it after the change).
 * *queued gets how many rows were queued. */
int db_webhook_enqueue(struct db *db, int64_t article_id, const char *event, int64_t now, int *queued);
/* db_webhook_enqueue_with: db_webhook_enqueue whose snapshot also holds `entry` (JSON text, e.g. a live
 * entry; NULL: JSON null), which webhook_body passes on as the body's "entry". */
int db_webhook_enqueue_with(struct db *db, int64_t article_id, const char *event, const char *entry, int64_t now,
			    int *queued);
/* db_webhook_due: claims up to limit pending deliveries of active endpoints with next_attempt_at <= now,
 * oldest first. On PostgreSQL, where several nodes share the queue, the claim is atomic (FOR UPDATE SKIP
 * LOCKED) and moves each row's next_attempt_at to lease_until, so no other node takes it before this one
 * records its attempt (db_webhook_attempt), and a node that dies mid-delivery leaves it due again once the
 * lease has run out. SQLite (one process) leaves the rows as they are. */
int db_webhook_due(struct db *db, struct arena *a, int64_t now, int64_t limit, int64_t lease_until,
		   struct db_webhook_job **out, size_t *n);
/* db_webhook_release: gives back a claim (db_webhook_due) whose attempt was abandoned before it was made
 * (the server is stopping): the row is due again at next_attempt_at rather than when its lease runs out.
 * A no-op on SQLite, which does not claim. DB_OK or DB_ERROR. */
int db_webhook_release(struct db *db, int64_t queue_id, int64_t next_attempt_at);
/* db_webhook_attempt: logs one attempt (status 0 + error when nothing came back) and moves the queue
 * row on (attempts, state pending/done/failed, next_attempt_at), in one transaction. */
int db_webhook_attempt(struct db *db, int64_t queue_id, int attempt, int64_t at, int status, const char *error,
		       int64_t duration_ms, const char *state, int64_t next_attempt_at);
/* db_webhook_deliveries: an endpoint's delivery log, newest first, at most limit rows. */
int db_webhook_deliveries(struct db *db, struct arena *a, int64_t webhook_id, int64_t limit,
			  struct db_webhook_delivery **out, size_t *n);

/* The mail queue (issue 22, store_mailq.c; mailq.h sends it). A claimed row with what composing it needs;
 * lang is the subscriber's ("" for a row with none, such as a test message). */
struct db_mail_job {
	int64_t id, issue_id, subscriber_id, claim; /* issue_id/subscriber_id 0 = none */
	const char *kind, *to_addr, *message_id, *lang;
	int attempts; /* made so far */
};
/* What became of one claimed row: state "sent", "failed", "skipped" or "queued" (a retry at next_at); error
 * why (or ""). */
struct db_mail_result {
	int64_t id, claim;
	const char *state;
	int attempts;
	int64_t next_at;
	const char *error;
};
/* An issue's messages counted by state (kind 'issue' rows only, not tests), and unsubscribed: its
 * recipients who unsubscribed after their row was made. */
struct db_mail_counts {
	int64_t queued, sending, sent, failed, bounced, skipped, unsubscribed;
};
/* db_mail_enqueue: one queued row of kind ("confirm", "test") to to_addr (normalised), due now, with
 * message_id "<q{id}.{token}@{domain}>"; issue_id/subscriber_id 0 = none. Two statements: call it inside a
 * transaction. *id gets the row's id. DB_OK or DB_ERROR. */
int db_mail_enqueue(struct db *db, const char *kind, int64_t issue_id, int64_t subscriber_id, const char *to_addr,
		    const char *domain, const char *token, int64_t now, int64_t *id);
/* db_mail_enqueue_issue: the issue's state draft/scheduled -> 'sending' and one queued row per confirmed
 * subscriber of its edition and list (message ids as db_mail_enqueue); call it inside a transaction.
 * *queued gets the rows made. DB_NOTFOUND (no such issue), DB_CONFLICT (not draft or scheduled), DB_OK or
 * DB_ERROR. */
int db_mail_enqueue_issue(struct db *db, int64_t issue_id, const char *domain, const char *token, int64_t now,
			  int64_t *queued);
/* db_mail_claim: claims at most limit due rows (queued with next_at <= now, or 'sending' whose lease ran
 * out: a sender that died) for claim: state 'sending', lease_until; PostgreSQL skips rows another node is
 * claiming (FOR UPDATE SKIP LOCKED). *out gets them (arena) in id order. DB_OK or DB_ERROR. */
int db_mail_claim(struct db *db, struct arena *a, int64_t now, int64_t limit, int64_t lease_until, int64_t claim,
		  struct db_mail_job **out, size_t *n);
/* db_mail_record: records the outcomes of n claimed rows (each only while still held by its r[i].claim: a
 * row whose lease ran out and was claimed again is left to its new holder), one transaction when n > 1;
 * sent_at = now for "sent". DB_OK or DB_ERROR. */
int db_mail_record(struct db *db, const struct db_mail_result *r, size_t n, int64_t now);
/* db_mail_renew: the 'sending' rows held by claim get lease_until (a sender keeps its lease while it works
 * through a claimed batch). DB_OK or DB_ERROR. */
int db_mail_renew(struct db *db, int64_t claim, int64_t lease_until);
/* db_mail_due_issues: the ids of issues 'scheduled' whose send_at (> 0) has come (at most limit, oldest
 * first) into *ids (arena). DB_OK or DB_ERROR. */
int db_mail_due_issues(struct db *db, struct arena *a, int64_t now, int64_t limit, int64_t **ids, size_t *n);
/* db_mail_release: at start-up on SQLite (one process per site): 'sending' rows go back to 'queued' (a
 * killed sender's). A no-op on PostgreSQL, where another node may hold them: leases run out. */
int db_mail_release(struct db *db);
/* db_mail_finish_issues: issues in 'sending' with no queued or sending row left -> 'sent' (sent_at now).
 * *finished gets how many. DB_OK or DB_ERROR. */
int db_mail_finish_issues(struct db *db, int64_t now, int64_t *finished);
/* db_mail_counts: *out = issue_id's counts (all 0 for an issue with no rows). DB_OK or DB_ERROR. */
int db_mail_counts(struct db *db, int64_t issue_id, struct db_mail_counts *out);
/* db_mail_bounce: the relay reported a hard bounce or a complaint (state "bounced" or "complained") for
 * email: the subscriber's state becomes state, its queued rows 'skipped', and the row whose message_id it
 * is (if any, and sent) 'bounced'. One transaction. *subscriber gets the subscriber's id (0: no such
 * address). DB_OK or DB_ERROR. */
int db_mail_bounce(struct db *db, const char *email, const char *message_id, const char *state, int64_t now,
		   int64_t *subscriber);

/* Web Push (issue 21, store_push.c). A claimed delivery with what sending it needs: the subscription's
 * endpoint and keys (base64url, as the browser gave them) and the alert. */
struct db_push_job {
	int64_t id, alert_id, subscription_id;
	int attempts; /* made so far */
	const char *endpoint, *p256dh, *auth;
	const char *edition, *title, *body, *url;
};
/* What became of one claimed delivery: state "sent", "failed", "removed" (the push service answered 404 or
 * 410: the subscription is deleted and its other pending deliveries marked removed too) or "pending" (a
 * retry at next_attempt_at); status the HTTP status (0: none), error why (or ""). */
struct db_push_result {
	int64_t id, subscription_id, claim; /* claim: the db_push_claim it was claimed with */
	const char *state;
	int attempts, status;
	int64_t next_attempt_at;
	const char *error;
};
/* An alert with its deliveries counted by state. */
struct db_push_alert {
	int64_t id;
	const char *edition, *title, *body, *url, *source;
	int64_t created_by, created_at;
	int64_t queued, sent, failed, removed, pending;
};
/* db_push_subscribe: stores a subscription, or updates the one with the same endpoint (keys, edition,
 * address_hash, updated_at); *id gets its id. DB_OK or DB_ERROR. */
int db_push_subscribe(struct db *db, const char *endpoint, const char *p256dh, const char *auth, const char *edition,
		      const char *address_hash, int64_t now, int64_t *id);
/* db_push_unsubscribe: deletes the subscription with endpoint, marking its pending deliveries removed, in
 * one transaction. DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_push_unsubscribe(struct db *db, const char *endpoint, int64_t now);
/* db_push_recent: *count = subscriptions made or renewed from address_hash since since (the rate limit). */
int db_push_recent(struct db *db, const char *address_hash, int64_t since, int64_t *count);
/* db_push_subscribers: *count = the subscriptions of edition (NULL: all). DB_OK or DB_ERROR. */
int db_push_subscribers(struct db *db, const char *edition, int64_t *count);
/* db_push_alert_create: stores the alert (a's id and counts are ignored) and one pending delivery per
 * subscription of its edition, due at now, in the caller's transaction; *id gets the alert's id, *queued
 * how many deliveries. DB_OK or DB_ERROR (roll back). */
int db_push_alert_create(struct db *db, const struct db_push_alert *a, int64_t now, int64_t *id, int64_t *queued);
/* db_push_claim: claims at most limit due deliveries (pending, next_attempt_at <= now, no live lease) for
 * this sender: each gets claim (a new random value for each call) and lease_until (not due again before it, whatever happens to this
 * sender), then returns them with their subscriptions and alerts (arena copies). On PostgreSQL rows
 * another node is claiming are skipped (FOR UPDATE SKIP LOCKED), so several nodes share the queue.
 * DB_OK or DB_ERROR. */
int db_push_claim(struct db *db, struct arena *a, int64_t now, int64_t limit, int64_t lease_until, int64_t claim,
		  struct db_push_job **out, size_t *n);
/* db_push_record: records the outcomes of n claimed deliveries (each still claimed with its r[i].claim: a
 * row whose lease another sender has taken since is left alone) in one transaction. DB_OK or DB_ERROR. */
int db_push_record(struct db *db, const struct db_push_result *r, size_t n, int64_t now);
/* db_push_release: at start-up on SQLite (one process per site, so no other sender can hold a lease):
 * ends every lease a killed process left, so its claimed rows are due at once. A no-op on PostgreSQL,
 * where other nodes may be sending (leases run out by themselves). DB_OK or DB_ERROR. */
int db_push_release(struct db *db);
/* db_push_alerts: the newest alerts (at most limit) with their counts; db_push_alert one of them
 * (DB_NOTFOUND). Arena copies. DB_OK or DB_ERROR. */
int db_push_alerts(struct db *db, struct arena *a, int64_t limit, struct db_push_alert **out, size_t *n);
int db_push_alert(struct db *db, struct arena *a, int64_t id, struct db_push_alert *out);

/* Newsletter issues (issue 22; store_newsletter_issues.c). One issue of one edition's list ('digest',
 * 'breaking', 'section/<slug>'); article_ids the stories' ids in order, comma-separated. State: draft ->
 * scheduled (send_at) -> sending (mailq_enqueue_issue) -> sent; draft/scheduled -> cancelled. Every change
 * bumps version; an edit names the version it started from (its counts: db_mail_counts). */
struct db_nl_issue {
	int64_t id;
	const char *edition, *list, *kind, *subject, *preheader, *intro_md, *article_ids, *state;
	int64_t send_at, created_by, created_at, updated_at, sent_at, version;
	const char *digest_day; /* "YYYY-MM-DD" for a daily digest (unique per edition), else NULL */
};
/* db_nl_issue_create: a new issue from is (edition, list, kind, subject, preheader, intro_md, article_ids,
 * state 'draft' or 'scheduled', send_at, created_by, digest_day) at version 1; *id gets its id. DB_OK,
 * DB_CONFLICT (a digest already made for that edition and day: nothing written) or DB_ERROR. */
int db_nl_issue_create(struct db *db, const struct db_nl_issue *is, int64_t now, int64_t *id);
/* db_nl_issue_update: writes is's edition, list, subject, preheader, intro_md and article_ids over issue
 * is->id if it is still at is->version and a draft or scheduled (compare-and-set); the version goes up by
 * one. DB_OK, DB_CONFLICT (changed since, or no longer editable), DB_NOTFOUND or DB_ERROR. */
int db_nl_issue_update(struct db *db, const struct db_nl_issue *is, int64_t now);
/* db_nl_issue_get: issue id (arena copies). DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_nl_issue_get(struct db *db, struct arena *a, int64_t id, struct db_nl_issue *out);
/* db_nl_issues_list: the newest issues (edition NULL: both), at most limit. DB_OK or DB_ERROR. */
int db_nl_issues_list(struct db *db, struct arena *a, const char *edition, int64_t limit, struct db_nl_issue **out,
		      size_t *n);
/* db_nl_issue_schedule: issue id at version -> 'scheduled' at send_at (send_at 0: back to 'draft'), version
 * bumped. DB_OK, DB_CONFLICT (stale version or not draft/scheduled), DB_NOTFOUND or DB_ERROR. */
int db_nl_issue_schedule(struct db *db, int64_t id, int64_t version, int64_t send_at, int64_t now);
/* db_nl_issue_cancel: a draft or scheduled issue id at version -> 'cancelled'. Same answers. */
int db_nl_issue_cancel(struct db *db, int64_t id, int64_t version, int64_t now);
/* db_nl_issues_due: the ids of scheduled issues with send_at <= now, earliest first, at most cap, into
 * ids; *n how many. DB_OK or DB_ERROR. */
int db_nl_issues_due(struct db *db, int64_t now, int64_t *ids, size_t cap, size_t *n);
/* db_nl_recipient: *link_version of subscriber id if it is still confirmed and subscribed to edition's
 * list (a queued issue's row is composed when sent: someone who left since gets nothing). DB_OK,
 * DB_NOTFOUND (left, or no such subscriber) or DB_ERROR. */
int db_nl_recipient(struct db *db, int64_t id, const char *edition, const char *list, int64_t *link_version);
/* db_nl_next_due: the earliest send_at of a scheduled issue into *at (0 when none). DB_OK or DB_ERROR. */
int db_nl_next_due(struct db *db, int64_t *at);

/* ---- Newsletter senders (store_newsletter_lists.c): per edition and list, who the mails are from ---- */
/* A list's sender; "" in a field = the site's default for it (from_addr and reply_to normalised addresses). */
struct db_nl_sender {
	const char *edition, *list, *from_name, *from_addr, *reply_to;
	int64_t updated_at;
};
/* db_nl_sender_get: edition's list's sender into *out (arena). DB_OK, DB_NOTFOUND (none set) or DB_ERROR. */
int db_nl_sender_get(struct db *db, struct arena *a, const char *edition, const char *list, struct db_nl_sender *out);
/* db_nl_sender_set: stores s (insert or replace, updated_at = now); all three fields empty deletes the row
 * (back to the default). DB_OK or DB_ERROR. */
int db_nl_sender_set(struct db *db, const struct db_nl_sender *s, int64_t now);
/* db_nl_senders_list: every sender set for edition, by list, into *out (arena). DB_OK or DB_ERROR. */
int db_nl_senders_list(struct db *db, struct arena *a, const char *edition, struct db_nl_sender **out, size_t *n);
/* Newsletters' subscribers (issue 22, store_newsletter.c). email is as mail_addr_normalise gives it; lang
 * the edition signed up from; state pending, confirmed, unsubscribed, bounced or complained. */
struct db_nl_subscriber {
	int64_t id;
	const char *email, *lang, *state, *net_hash;
	int64_t link_version, created_at, confirmed_at, updated_at, confirm_sent_at, confirm_count;
};
/* One list a subscriber receives: edition "en"/"ar", list "digest", "breaking" or "section:<slug>". */
struct db_nl_subscription {
	const char *edition, *list;
	int64_t created_at;
};
/* One message the queue holds for a subscriber (their data export): kind, state and times (opened_at,
 * clicked_at: the first open and click counted, 0 = none or not counted). */
struct db_nl_mail {
	const char *kind, *state;
	int64_t created_at, sent_at, opened_at, clicked_at;
};
/* db_nl_subscribe: the subscriber with email (inserted as pending in lang when new; *created 1), else the
 * existing row (*created 0): a repeat sign-up never makes a second row. An unsubscribed (or bounced,
 * complained) address signing up again is pending again in lang; a pending or confirmed one is left as it
 * is. *id gets its id. DB_OK or DB_ERROR. */
int db_nl_subscribe(struct db *db, const char *email, const char *lang, int64_t now, int64_t *id, int *created);
/* db_nl_subscriber / db_nl_subscriber_email: one subscriber by id or by email (arena copies). DB_OK,
 * DB_NOTFOUND or DB_ERROR. */
int db_nl_subscriber(struct db *db, struct arena *a, int64_t id, struct db_nl_subscriber *out);
int db_nl_subscriber_email(struct db *db, struct arena *a, const char *email, struct db_nl_subscriber *out);
/* db_nl_set_lists: the subscriber's lists of edition become lists[0..n) (n 0: none of that edition), in
 * the caller's transaction. DB_OK or DB_ERROR. */
int db_nl_set_lists(struct db *db, int64_t id, const char *edition, const char *const *lists, size_t n, int64_t now);
/* db_nl_lists: every list of the subscriber, by edition then list. DB_OK or DB_ERROR. */
int db_nl_lists(struct db *db, struct arena *a, int64_t id, struct db_nl_subscription **out, size_t *n);
/* db_nl_confirm: a pending subscriber becomes confirmed (confirmed_at = now). DB_OK, DB_NOTFOUND (no such
 * pending subscriber: already confirmed, unsubscribed or gone) or DB_ERROR. */
int db_nl_confirm(struct db *db, int64_t id, int64_t now);
/* db_nl_unsubscribe: removes one list (edition and list) or, with list NULL, every list of every edition
 * and the state becomes unsubscribed; a subscriber left with no list is unsubscribed too. Its own
 * transaction. DB_OK, DB_NOTFOUND (no such subscriber) or DB_ERROR. */
int db_nl_unsubscribe(struct db *db, int64_t id, const char *edition, const char *list, int64_t now);
/* db_nl_bump_link: link_version + 1 (every link sent before stops working). DB_OK, DB_NOTFOUND, DB_ERROR. */
int db_nl_bump_link(struct db *db, int64_t id, int64_t now);
/* db_nl_delete: forgets the subscriber: its unsent queue rows (queued, failed) are deleted, the address
 * of the others (sent, skipped, bounced: an issue's counts) blanked to '', then the subscriber and its
 * subscriptions deleted, in one transaction. DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_nl_delete(struct db *db, int64_t id);
/* db_nl_mails: the queue's messages to the subscriber, oldest first (the data export). DB_OK or DB_ERROR. */
int db_nl_mails(struct db *db, struct arena *a, int64_t id, struct db_nl_mail **out, size_t *n);
/* db_nl_confirm_allow: the per-address rate limit of confirmation mails, atomically: when fewer than max
 * were sent to the subscriber since window_start (confirm_sent_at before it starts the count again),
 * counts one more (confirm_count, confirm_sent_at = now, net_hash = the network asking) and *allowed = 1;
 * else *allowed = 0 and nothing changes. DB_OK or DB_ERROR. */
int db_nl_confirm_allow(struct db *db, int64_t id, const char *net_hash, int64_t now, int64_t window_start,
			int64_t max, int *allowed);
/* db_nl_net_recent: *count = subscribers a confirmation mail was sent to at the request of network
 * net_hash since since (the per-network rate limit). DB_OK or DB_ERROR. */
int db_nl_net_recent(struct db *db, const char *net_hash, int64_t since, int64_t *count);
/* db_nl_subscribers_count: *count = confirmed subscribers of edition's list (the newsletters page). */
int db_nl_subscribers_count(struct db *db, const char *edition, const char *list, int64_t *count);
/* Newsletter open and click counts (issue 22, store_nltrack.c; only while the site's newsletter.tracking
 * setting is on). db_nl_track: the first open (click 0) or first click (click 1: it counts as an open too)
 * of queue row id, an issue's row whose subscriber is still known, at now; one UPDATE ... WHERE opened_at
 * (clicked_at) IS NULL, so a recipient counts once. *counted 1 when this call counted it. DB_OK or DB_ERROR. */
int db_nl_track(struct db *db, int64_t id, int click, int64_t now, int *counted);
/* Unique opens and clicks of one issue: its recipients whose mail was opened, whose links were followed. */
struct db_nl_track_counts {
	int64_t opened, clicked;
};
/* db_nl_track_counts: *out = issue_id's unique opens and clicks (0 when none). DB_OK or DB_ERROR. */
int db_nl_track_counts(struct db *db, int64_t issue_id, struct db_nl_track_counts *out);
/* db_search: one page of search hits (see struct db_search_query), best first, and in *total how many
 * matches there are in all (at most q->candidates when that is set). DB_OK or DB_ERROR. */
static inline int db_search(struct db *db, struct arena *a, const struct db_search_query *q,
			    struct db_search_hit **out, size_t *n, int64_t *total)
{ return db->ops->search(db, a, q, out, n, total); }

/* Article views. db_views_add: adds `views` to the article's count for the hour (an upsert; the caller
 * holds a transaction around a batch); an article that no longer exists is skipped. DB_OK or DB_ERROR. */
int db_views_add(struct db *db, int64_t article_id, int64_t hour, int64_t views);
/* db_views_top: the published articles of the edition (NULL: both) with the most views in the hours
 * from `since` on, most first (ties: the newer article first), at most limit rows of (article_id,
 * views). DB_OK or DB_ERROR. */
int db_views_top(struct db *db, struct arena *a, const char *edition, int64_t since, int64_t limit,
		 struct db_views_row **out, size_t *n);
/* db_views_hourly: the views of all articles in each hour from `since` on that has any, oldest first
 * (rows of hour, views). DB_OK or DB_ERROR. */
int db_views_hourly(struct db *db, struct arena *a, int64_t since, struct db_views_row **out, size_t *n);
/* db_search_maintain: keeps the search index merged. pages > 0: a bounded step (SQLite: FTS5 'merge' of at
 * most that many pages, done only where enough segments have piled up; PostgreSQL: nothing, autovacuum
 * empties the GIN pending list), cheap enough to run every few minutes; 0: everything at once (SQLite:
 * FTS5 'optimize', one segment, which holds the write lock for about four minutes per million articles;
 * PostgreSQL: the GIN pending list flushed into the index; db_analyze then remakes the statistics).
 * DB_OK or DB_ERROR (logged). */
static inline int db_search_maintain(struct db *db, int64_t pages) { return db->ops->search_maintain(db, pages); }
/* db_analyze: refreshes the statistics the query planner chooses indexes by (without them SQLite starts a
 * tag or author page from every published article of the edition instead of from the tag's few). full:
 * always (SQLite: ANALYZE; PostgreSQL: ANALYZE of the whole database); else only when they are stale
 * (SQLite: none yet, or the number of articles has halved or doubled since they were made; PostgreSQL:
 * never, autovacuum keeps them). *articles = the number of articles they were made for, or -1 when
 * nothing ran. DB_OK or DB_ERROR (logged). */
static inline int db_analyze(struct db *db, int full, int64_t *articles) { return db->ops->analyze(db, full, articles); }

/* db_check: checks the store for damage: the engine's own integrity check, foreign keys, the search
 * index against the articles, and each article's revisions against its version and text. *problems gets
 * one sentence per fault found (arena copies; *n = 0 when all is well). DB_OK when the check ran (whatever
 * it found), DB_ERROR when it could not run. */
static inline int db_check(struct db *db, struct arena *a, const char ***problems, size_t *n)
{ return db->ops->check(db, a, problems, n); }
/* db_limit_size: caps the store at about max_bytes (0 = no cap) on every connection, now and later; a
 * write that would grow it further fails with DB_ERROR, as on a full disk. DB_OK or DB_ERROR. */
static inline int db_limit_size(struct db *db, int64_t max_bytes) { return db->ops->limit_size(db, max_bytes); }
/* db_trouble: when a call on this thread failed since the last db_trouble because the storage cannot be
 * written (disk or size cap full, read-only file or directory, I/O error), a sentence for readers saying
 * so (static); else NULL. Clears the record either way. */
static inline const char *db_trouble(struct db *db) { return db->ops->trouble(db); }

/* Several nodes on one store. The page cache is per process; when one node purges keys after a write it
 * publishes them so that the others purge the same keys (PostgreSQL: NOTIFY on the channel
 * broadsheet_purge; SQLite serves one process per site, so both are no-ops there).
 * db_purge_publish: sends keys[0..n) (n 0 = purge everything) to the other nodes, split into as many
 * notifications as the engine's payload limit needs. DB_OK or DB_ERROR (logged; the other nodes then
 * keep their pages until cache_ttl). */
static inline int db_purge_publish(struct db *db, const char *const *keys, size_t n)
{ return db->ops->purge_publish(db, keys, n); }
/* db_purge_listen: with fn, starts a thread of the backend's own that calls fn(arg, keys, n) for every
 * purge another node publishes (never for this process's own), reconnecting by itself when the server
 * goes away and then calling fn(arg, NULL, 0) once, since purges may have been missed meanwhile. With fn
 * NULL, stops that thread (waits for it). DB_OK or DB_ERROR (the thread could not start). */
static inline int db_purge_listen(struct db *db, db_purge_fn fn, void *arg)
{ return db->ops->purge_listen(db, fn, arg); }

/* db_ping: whether the store answers a trivial query now (for /readyz): DB_OK, or DB_ERROR (logged)
 * when it cannot be reached or its file is gone. Cheap; never waits long on a lock. */
static inline int db_ping(struct db *db) { return db->ops->ping(db); }
/* db_stats: fills *out with what the engine can tell (-1 in fields it cannot). DB_OK, or DB_ERROR (logged;
 * *out then holds -1 where the failure left a field unknown). db_stmt.c. */
int db_stats(struct db *db, struct db_stats *out);
/* db_backup: writes a consistent copy of the whole store to the file path while the site may be serving
 * (SQLite: the online backup API, then the copy is opened and must pass integrity_check; it is written
 * beside path and renamed over it only then). DB_OK, or DB_ERROR with a sentence in err. Engines whose
 * backups are made by their own tools (PostgreSQL: pg_dump) return DB_ERROR saying so. */
static inline int db_backup(struct db *db, const char *path, char *err, size_t errlen)
{ return db->ops->backup(db, path, err, errlen); }

/* Live coverage (store_live.c, issue 21; docs/live-spec: the shared contract). A live blog is an article
 * (live_blogs row: started_at, ended_at 0 while ongoing, pinned_entry_id 0 for none, updated_at moved by
 * every change to the blog or an entry); its entries are append-only rows. Every function answers DB_OK,
 * DB_NOTFOUND, DB_CONFLICT or DB_ERROR (logged). Writes of two statements run in one transaction (the
 * caller's when one is open). articles.updated_at is left alone: live_blogs.updated_at dates the coverage. */
struct db_live_blog {
	int64_t article_id, started_at, ended_at /* 0 = ongoing */, pinned_entry_id /* 0 */, updated_at;
};
/* An entry: state "draft" (a translation not yet out), "published" or "withdrawn"; author_id 0 when
 * unknown or the account is gone (byline keeps the display name it had); corrected_at and
 * source_entry_id 0 for none. */
struct db_live_entry {
	int64_t id, article_id, author_id, created_at, updated_at, version, corrected_at, source_entry_id;
	const char *byline, *body_md, *body_html, *key_event, *state, *note;
};
/* db_live_get: the blog of article_id; DB_NOTFOUND when it is not a live blog. */
int db_live_get(struct db *db, int64_t article_id, struct db_live_blog *out);
/* db_live_start: makes article_id a live blog from now; DB_CONFLICT when it already is one (ongoing or
 * ended), DB_NOTFOUND when there is no such article. */
int db_live_start(struct db *db, int64_t article_id, int64_t now);
/* db_live_end: ends the coverage ("coverage ended"); DB_CONFLICT when already ended, DB_NOTFOUND when
 * not a live blog. */
int db_live_end(struct db *db, int64_t article_id, int64_t now);
/* db_live_pin: pins entry_id (0 = unpin; one pinned entry: a pin replaces the last); DB_NOTFOUND when
 * the blog does not exist or the entry is not a published entry of this blog. */
int db_live_pin(struct db *db, int64_t article_id, int64_t entry_id, int64_t now);
/* db_live_entry_add: appends e (article_id, author_id, byline, created_at (= its updated_at), body_md,
 * body_html, key_event, state NULL = "published" or "draft", note, source_entry_id; version 1) and *id
 * gets its id. DB_CONFLICT when the blog has ended (checked in the same statement as the insert),
 * DB_NOTFOUND when not a live blog. */
int db_live_entry_add(struct db *db, const struct db_live_entry *e, int64_t *id);
/* db_live_entry_get: one entry, any state (arena copies). DB_NOTFOUND when there is none. */
int db_live_entry_get(struct db *db, struct arena *a, int64_t id, struct db_live_entry *out);
/* db_live_entry_update: writes body_md, body_html, key_event and note of entry e->id if it is still at
 * e->version (version + 1, updated_at = now; corrected_at = now when note != ""). DB_CONFLICT: a stale
 * version or a withdrawn entry; DB_NOTFOUND: no such entry. */
int db_live_entry_update(struct db *db, const struct db_live_entry *e, int64_t now);
/* db_live_entry_withdraw: withdraws the entry with a note (readers see the note only) and unpins it.
 * DB_CONFLICT when already withdrawn, DB_NOTFOUND when there is none. */
int db_live_entry_withdraw(struct db *db, int64_t id, const char *note, int64_t now);
/* db_live_entry_publish: a draft (a translation) goes out. DB_CONFLICT when it is not a draft or its
 * blog has ended, DB_NOTFOUND when there is none. */
int db_live_entry_publish(struct db *db, int64_t id, int64_t now);
/* Readers' lists, newest first, states "published" and "withdrawn" (a withdrawn entry shows as its note
 * only): before_id 0 for the newest page, else entries with id < before_id; limit is bound to 1..100. */
int db_live_entries(struct db *db, struct arena *a, int64_t article_id, int64_t before_id, int64_t limit,
		    struct db_live_entry **out, size_t *n);
/* db_live_key_events: the published entries with a key-event label, newest first, at most limit (1..100). */
int db_live_key_events(struct db *db, struct arena *a, int64_t article_id, int64_t limit, struct db_live_entry **out,
		       size_t *n);
/* db_live_count: *n = the blog's published entries. */
int db_live_count(struct db *db, int64_t article_id, int64_t *n);
/* The newsroom's lists (the live desk, the translation board), newest first, limit bound to 1..100:
 * db_live_desk_entries every entry of the blog in any state; db_live_drafts the draft translations of
 * every blog (state "draft" with a source entry). */
int db_live_desk_entries(struct db *db, struct arena *a, int64_t article_id, int64_t limit, struct db_live_entry **out,
			 size_t *n);
int db_live_drafts(struct db *db, struct arena *a, int64_t limit, struct db_live_entry **out, size_t *n);

/* Site copy (`broadsheet migrate`): the source is read with copy_tables/copy_columns/copy_export, the
 * target written with copy_clear/copy_import/copy_sequences inside the caller's db_begin..db_commit.
 * Table and column names are identifiers the engine listed itself (they are quoted, never bound).
 * db_copy_tables: the tables that hold the site's rows, by name: not the engine's own (sqlite_*, the
 * schema version), nor derived ones (SQLite's FTS5 index and its shadow tables). DB_OK or DB_ERROR. */
int db_copy_tables(struct db *db, struct arena *a, const char ***names, size_t *n);
/* db_copy_columns: the table's base columns in table order: not those the engine derives from the others
 * (generated columns; articles.terms, the search words). *n = 0 when there is no such table. */
int db_copy_columns(struct db *db, struct arena *a, const char *table, const char ***cols, size_t *n);
/* db_copy_count: *count = the table's rows. DB_OK or DB_ERROR. */
static inline int db_copy_count(struct db *db, const char *table, int64_t *count)
{ return db->ops->copy_count(db, table, count); }
/* db_copy_export: calls fn with the table's rows (columns cols) in batches of at most batch rows, in row
 * order (oldest first); the batch lives until fn returns. DB_OK, or DB_ERROR with a sentence in err
 * (also when fn returned -1: then err is left as fn set it). */
static inline int db_copy_export(struct db *db, const char *table, const char *const *cols, size_t ncols, size_t batch,
				 db_rows_fn fn, void *ctx, char *err, size_t errlen)
{ return db->ops->copy_export(db, table, cols, ncols, batch, fn, ctx, err, errlen); }
/* db_copy_clear: empties the tables (all of them in one statement, whatever references what). */
static inline int db_copy_clear(struct db *db, const char *const *tables, size_t n, char *err, size_t errlen)
{ return db->ops->copy_clear(db, tables, n, err, errlen); }
/* db_copy_import: inserts the rows as they are (ids included); derived columns are computed by the
 * engine (PostgreSQL: articles.terms, then its tsvector). DB_OK, or DB_ERROR with the engine's reason in
 * err (a constraint the rows break, a value the column cannot take). */
static inline int db_copy_import(struct db *db, const char *table, const struct db_rows *rows, char *err, size_t errlen)
{ return db->ops->copy_import(db, table, rows, err, errlen); }
/* db_copy_sequences: after an import, moves the table's id generators past its largest id, so new rows
 * do not collide with copied ones. DB_OK or DB_ERROR (err). */
static inline int db_copy_sequences(struct db *db, const char *table, char *err, size_t errlen)
{ return db->ops->copy_sequences(db, table, err, errlen); }

/* ---- WordPress import (issue 23): what each imported item became, and the old site's addresses ---- */

/* db_import_map_get: what source's item kind/source_id ("post", "attachment", "comment", "category", "tag",
 * "author") became: *target_id, and *checksum (arena copy) the checksum of the item as last imported.
 * DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_import_map_get(struct db *db, struct arena *a, const char *source, const char *kind, int64_t source_id,
		      int64_t *target_id, const char **checksum);
/* db_import_map_put: records (or updates) that source's item kind/source_id became target_id with checksum,
 * at now. DB_OK or DB_ERROR. */
int db_import_map_put(struct db *db, const char *source, const char *kind, int64_t source_id, int64_t target_id,
		      const char *checksum, int64_t now);
/* db_legacy_put: records (or repoints) the old address path (as legacy_path_norm gives it) to the target
 * kind ("article", "section", "tag", "author", "media") and id, from source, at now. DB_OK or DB_ERROR. */
int db_legacy_put(struct db *db, const char *path, const char *kind, int64_t target_id, const char *source,
		  int64_t now);
/* db_legacy_find: the target of the old address path (normalised): *kind (arena copy) and *target_id.
 * DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_legacy_find(struct db *db, struct arena *a, const char *path, const char **kind, int64_t *target_id);
/* db_article_set_guid: article id's feed id (the <guid> its old site's feeds gave it; NULL or "": none).
 * DB_OK or DB_ERROR (store_wpimport.c). */
int db_article_set_guid(struct db *db, int64_t id, const char *guid);

/* ---- Wires (issue 23): agency sources, their items on the Wires desk, the drafts made from them ---- */

/* One wire source (wire_sources): a feed polled at url, a folder, or a push endpoint (token_hash: the keyed
 * hash of its bearer token). items: how many items it has (lists only). */
struct db_wire_source {
	int64_t id;
	const char *name, *kind, *url, *token_hash, *credit, *lang;
	int active;
	int64_t poll_interval;
	const char *etag, *last_modified;
	int64_t next_poll_at;
	int failures;
	const char *last_error;
	int64_t last_ok_at, created_at, items;
};
/* db_wire_source_list: every source, by name. DB_OK or DB_ERROR. db_wire_source_get: one; DB_OK,
 * DB_NOTFOUND or DB_ERROR. */
int db_wire_source_list(struct db *db, struct arena *a, struct db_wire_source **out, size_t *n);
int db_wire_source_get(struct db *db, struct arena *a, int64_t id, struct db_wire_source *out);
/* db_wire_source_put: inserts s (s->id 0: *id gets the new id; its token_hash kept) or updates source s->id's
 * name, url, credit, lang, active and poll_interval (its token and poll state are kept; a changed url forgets
 * the ETag and Last-Modified and polls at once). DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_wire_source_put(struct db *db, const struct db_wire_source *s, int64_t *id);
/* db_wire_source_polled: records a poll of source id: on success (error NULL) its etag and last_modified
 * (NULL: kept), failures 0 and last_ok_at now; on failure failures + 1 and last_error; next_poll_at in both.
 * DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_wire_source_polled(struct db *db, int64_t id, const char *etag, const char *last_modified, const char *error,
			  int64_t now, int64_t next_poll_at);
/* db_wire_sources_due: the active feed and folder sources whose next_poll_at is at or before now (at most
 * limit). DB_OK or DB_ERROR. db_wire_next_poll: the earliest next_poll_at of an active feed or folder (0 when
 * none). DB_OK or DB_ERROR. */
int db_wire_sources_due(struct db *db, struct arena *a, int64_t now, int64_t limit, struct db_wire_source **out,
			size_t *n);
int db_wire_next_poll(struct db *db, int64_t *next);

/* One wire item (wire_items) with its source's name. */
struct db_wire_item {
	int64_t id, source_id;
	const char *source_name, *guid;
	int64_t version;
	const char *lang, *headline, *byline, *summary, *body_html, *link, *located, *credit, *subjects, *pubstatus;
	int urgency;
	int64_t first_created, version_created, embargoed, received_at, updated_at;
	int64_t uses; /* drafts made from it (lists and get) */
};
/* What db_wire_item_put did. */
enum db_wire_outcome { DB_WIRE_NEW, DB_WIRE_UPDATED, DB_WIRE_IGNORED };
/* db_wire_item_put: stores item it (source_id, guid, version and its fields; id, source_name, received_at,
 * updated_at ignored) at now: a new guid is inserted, a higher version than the stored one updates that row
 * in place, the same or a lower version changes nothing. The store writes the folded search text itself.
 * *id gets the row's id, *outcome what happened. DB_OK or DB_ERROR. */
int db_wire_item_put(struct db *db, const struct db_wire_item *it, int64_t now, int64_t *id,
		     enum db_wire_outcome *outcome);
/* A Wires desk query: q (words, folded as the glossary folds them; "" or NULL: all), source_id (0: all),
 * lang ("" or NULL: all), received in [since, until) (0: open), limit and offset. */
struct db_wire_query {
	const char *q, *lang;
	int64_t source_id, since, until, limit, offset;
};
/* db_wire_items_list: the items matching wq, newest received first. DB_OK or DB_ERROR. */
int db_wire_items_list(struct db *db, struct arena *a, const struct db_wire_query *wq, struct db_wire_item **out,
		       size_t *n);
/* db_wire_item_get: one item. DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_wire_item_get(struct db *db, struct arena *a, int64_t id, struct db_wire_item *out);

/* The link from an article to the wire item it was made from: the version used, the item's version now,
 * its embargo and pubstatus, headline. */
struct db_wire_use {
	int64_t article_id, item_id, version, item_version, embargoed;
	const char *pubstatus, *headline;
};
/* db_wire_use_put: records that article_id was made from item_id at version, at now. DB_OK, DB_CONFLICT
 * (the article already has one) or DB_ERROR. */
int db_wire_use_put(struct db *db, int64_t article_id, int64_t item_id, int64_t version, int64_t now);
/* db_wire_use_of_article: the item article_id was made from. DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_wire_use_of_article(struct db *db, struct arena *a, int64_t article_id, struct db_wire_use *out);
/* db_wire_use_of_item: the newest article made from item_id (*article_id). DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_wire_use_of_item(struct db *db, int64_t item_id, int64_t *article_id);

/* struct db_legacy_url: an old address (legacy_urls) with its target as it stands now: edition and slug of an
 * article, section, tag or author (NULL when the row is gone), an article's status and publication time, a
 * media row's file (relative to the media directory; NULL otherwise or when gone). Arena strings. */
struct db_legacy_url {
	const char *path, *kind;
	int64_t target_id;
	const char *edition, *slug, *status;
	int64_t published_at;
	const char *media_path;
};
/* db_legacy_target: the old address path (normalised, legacy_path_norm) with its target (one indexed
 * statement; store_legacy.c). DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_legacy_target(struct db *db, struct arena *a, const char *path, struct db_legacy_url *out);
/* db_legacy_list: up to limit old addresses after path `after` ("" or NULL: from the first), in path
 * order, with their targets (as db_legacy_target), for the static export's nginx map. DB_OK or DB_ERROR. */
int db_legacy_list(struct db *db, struct arena *a, const char *after, int64_t limit, struct db_legacy_url **out,
		   size_t *n);

#endif
