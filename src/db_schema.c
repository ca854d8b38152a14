/* db_schema.c - schema migrations (see db_schema.h). Never edit a released migration: add one. */
#include "db_schema.h"

#include "util.h"

static const struct db_migration migrations[] = {
	{"reader site: editions, sections, tags, authors, media, articles, settings",
	 "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
	 "CREATE TABLE editions(code TEXT PRIMARY KEY, lang TEXT NOT NULL,\n"
	 "  dir TEXT NOT NULL CHECK (dir IN ('ltr', 'rtl')), name TEXT NOT NULL, position INTEGER NOT NULL);\n"
	 "INSERT INTO editions VALUES ('en', 'en', 'ltr', 'English', 1), ('ar', 'ar', 'rtl', 'العربية', 2);\n"
	 "CREATE TABLE sections(id INTEGER PRIMARY KEY, edition TEXT NOT NULL REFERENCES editions(code),\n"
	 "  slug TEXT NOT NULL, name TEXT NOT NULL, position INTEGER NOT NULL DEFAULT 0, UNIQUE (edition, slug));\n"
	 "CREATE TABLE tags(id INTEGER PRIMARY KEY, edition TEXT NOT NULL REFERENCES editions(code),\n"
	 "  slug TEXT NOT NULL, name TEXT NOT NULL, UNIQUE (edition, slug));\n"
	 "CREATE TABLE authors(id INTEGER PRIMARY KEY, edition TEXT NOT NULL REFERENCES editions(code),\n"
	 "  slug TEXT NOT NULL, name TEXT NOT NULL, bio TEXT NOT NULL DEFAULT '', UNIQUE (edition, slug));\n"
	 "CREATE TABLE media(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, mime TEXT NOT NULL,\n"
	 "  alt TEXT NOT NULL DEFAULT '', width INTEGER NOT NULL DEFAULT 0, height INTEGER NOT NULL DEFAULT 0,\n"
	 "  created_at INTEGER NOT NULL);\n"
	 "CREATE TABLE articles(id INTEGER PRIMARY KEY,\n"
	 "  edition TEXT NOT NULL REFERENCES editions(code), slug TEXT NOT NULL, headline TEXT NOT NULL,\n"
	 "  standfirst TEXT NOT NULL DEFAULT '', body_md TEXT NOT NULL DEFAULT '', body_html TEXT NOT NULL DEFAULT '',\n"
	 "  dateline TEXT NOT NULL DEFAULT '',\n"
	 "  status TEXT NOT NULL DEFAULT 'draft'\n"
	 "    CHECK (status IN ('draft', 'review', 'scheduled', 'published', 'unpublished')),\n"
	 "  section_id INTEGER NOT NULL REFERENCES sections(id),\n"
	 "  lead_media_id INTEGER REFERENCES media(id), lead_caption TEXT NOT NULL DEFAULT '',\n"
	 "  lead_credit TEXT NOT NULL DEFAULT '', translation_group TEXT, top_rank INTEGER,\n"
	 "  created_at INTEGER NOT NULL, published_at INTEGER, updated_at INTEGER,\n"
	 "  UNIQUE (edition, slug));\n"
	 "CREATE INDEX articles_latest ON articles(edition, status, published_at DESC);\n"
	 "CREATE INDEX articles_section ON articles(section_id, status, published_at DESC);\n"
	 "CREATE INDEX articles_group ON articles(translation_group) WHERE translation_group IS NOT NULL;\n"
	 "CREATE TABLE article_authors(article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,\n"
	 "  author_id INTEGER NOT NULL REFERENCES authors(id), position INTEGER NOT NULL DEFAULT 0,\n"
	 "  PRIMARY KEY (article_id, author_id));\n"
	 "CREATE INDEX article_authors_author ON article_authors(author_id);\n"
	 "CREATE TABLE article_tags(article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,\n"
	 "  tag_id INTEGER NOT NULL REFERENCES tags(id), PRIMARY KEY (article_id, tag_id));\n"
	 "CREATE INDEX article_tags_tag ON article_tags(tag_id);\n"},
	{"newsroom: users, sessions, login throttling, revisions, workflow, corrections, old slugs",
	 "CREATE TABLE users(id INTEGER PRIMARY KEY, login TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL DEFAULT '',\n"
	 "  role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'reporter', 'moderator')),\n"
	 "  pw_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);\n"
	 "CREATE TABLE sessions(token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
	 "  csrf TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);\n"
	 "CREATE INDEX sessions_user ON sessions(user_id);\n"
	 "CREATE TABLE login_failures(key TEXT NOT NULL, at INTEGER NOT NULL);\n"
	 "CREATE INDEX login_failures_key ON login_failures(key, at);\n"
	 "ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;\n"
	 "ALTER TABLE articles ADD COLUMN owner_id INTEGER REFERENCES users(id);\n"
	 "ALTER TABLE articles ADD COLUMN scheduled_at INTEGER;\n"
	 "ALTER TABLE articles ADD COLUMN expires_at INTEGER;\n"
	 "CREATE INDEX articles_due ON articles(status, scheduled_at);\n"
	 "CREATE TABLE article_revisions(id INTEGER PRIMARY KEY,\n"
	 "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE, version INTEGER NOT NULL,\n"
	 "  user_id INTEGER REFERENCES users(id), created_at INTEGER NOT NULL, headline TEXT NOT NULL,\n"
	 "  standfirst TEXT NOT NULL, body_md TEXT NOT NULL, dateline TEXT NOT NULL, slug TEXT NOT NULL,\n"
	 "  UNIQUE (article_id, version));\n"
	 "CREATE TABLE article_events(id INTEGER PRIMARY KEY,\n"
	 "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE, user_id INTEGER REFERENCES users(id),\n"
	 "  action TEXT NOT NULL, at INTEGER NOT NULL);\n"
	 "CREATE INDEX article_events_article ON article_events(article_id, at);\n"
	 "CREATE TABLE corrections(id INTEGER PRIMARY KEY,\n"
	 "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE, body TEXT NOT NULL,\n"
	 "  user_id INTEGER REFERENCES users(id), created_at INTEGER NOT NULL);\n"
	 "CREATE TABLE slug_history(edition TEXT NOT NULL, slug TEXT NOT NULL,\n"
	 "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE, PRIMARY KEY (edition, slug));\n"},
	{"visitor comments: comments, moderation log, bans; per-article comment settings",
	 "ALTER TABLE articles ADD COLUMN comments_mode TEXT CHECK (comments_mode IN ('pre', 'trusted', 'post'));\n"
	 "ALTER TABLE articles ADD COLUMN comments_closed INTEGER NOT NULL DEFAULT 0;\n"
	 "CREATE TABLE comments(id INTEGER PRIMARY KEY,\n"
	 "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,\n"
	 "  parent_id INTEGER REFERENCES comments(id) ON DELETE CASCADE, name TEXT NOT NULL, body TEXT NOT NULL,\n"
	 "  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'spam', 'rejected')),\n"
	 "  email_hash TEXT, ip_hash TEXT, net_hash TEXT, visitor_hash TEXT, dup_key TEXT NOT NULL,\n"
	 "  created_at INTEGER NOT NULL, edited_by INTEGER REFERENCES users(id), edited_at INTEGER);\n"
	 "CREATE INDEX comments_article ON comments(article_id, status, created_at);\n"
	 "CREATE INDEX comments_status ON comments(status, created_at);\n"
	 "CREATE INDEX comments_ip ON comments(ip_hash, created_at);\n"
	 "CREATE INDEX comments_net ON comments(net_hash, created_at);\n"
	 "CREATE INDEX comments_email ON comments(email_hash, status);\n"
	 "CREATE INDEX comments_visitor ON comments(visitor_hash, status);\n"
	 "CREATE INDEX comments_dup ON comments(article_id, dup_key);\n"
	 "CREATE TABLE comment_log(id INTEGER PRIMARY KEY, comment_id INTEGER REFERENCES comments(id) ON DELETE SET NULL,\n"
	 "  user_id INTEGER REFERENCES users(id), action TEXT NOT NULL, at INTEGER NOT NULL);\n"
	 "CREATE INDEX comment_log_at ON comment_log(at);\n"
	 "CREATE TABLE bans(kind TEXT NOT NULL CHECK (kind IN ('ip', 'email')), value_hash TEXT NOT NULL,\n"
	 "  user_id INTEGER REFERENCES users(id), created_at INTEGER NOT NULL, PRIMARY KEY (kind, value_hash));\n"},
	{"webhooks: endpoints, the delivery queue (filled in the transaction of the change) and the attempt log",
	 "CREATE TABLE webhooks(id INTEGER PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL,\n"
	 "  events TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL);\n"
	 "CREATE TABLE webhook_queue(id INTEGER PRIMARY KEY,\n"
	 "  webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE, event TEXT NOT NULL,\n"
	 "  payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,\n"
	 "  created_at INTEGER NOT NULL,\n"
	 "  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')));\n"
	 "CREATE INDEX webhook_queue_due ON webhook_queue(state, next_attempt_at);\n"
	 "CREATE INDEX webhook_queue_hook ON webhook_queue(webhook_id);\n"
	 "CREATE TABLE webhook_deliveries(id INTEGER PRIMARY KEY,\n"
	 "  queue_id INTEGER NOT NULL REFERENCES webhook_queue(id) ON DELETE CASCADE, attempt INTEGER NOT NULL,\n"
	 "  at INTEGER NOT NULL, status INTEGER, error TEXT, duration_ms INTEGER NOT NULL);\n"
	 "CREATE INDEX webhook_deliveries_queue ON webhook_deliveries(queue_id);\n"},
	{"admin API keys",
	 "CREATE TABLE api_keys(id INTEGER PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,\n"
	 "  prefix TEXT NOT NULL, scopes TEXT NOT NULL, user_id INTEGER NOT NULL REFERENCES users(id),\n"
	 "  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked_at INTEGER);\n"},
	{"search: an external-content FTS5 index over articles (broadsheet tokenizer), kept in step by triggers",
	 "CREATE VIRTUAL TABLE articles_fts USING fts5(headline, standfirst, body_md,\n"
	 "  content='articles', content_rowid='id', tokenize='broadsheet');\n"
	 "CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN\n"
	 "  INSERT INTO articles_fts(rowid, headline, standfirst, body_md)\n"
	 "  VALUES (new.id, new.headline, new.standfirst, new.body_md);\n"
	 "END;\n"
	 "CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN\n"
	 "  INSERT INTO articles_fts(articles_fts, rowid, headline, standfirst, body_md)\n"
	 "  VALUES ('delete', old.id, old.headline, old.standfirst, old.body_md);\n"
	 "END;\n"
	 "CREATE TRIGGER articles_fts_au AFTER UPDATE OF headline, standfirst, body_md ON articles BEGIN\n"
	 "  INSERT INTO articles_fts(articles_fts, rowid, headline, standfirst, body_md)\n"
	 "  VALUES ('delete', old.id, old.headline, old.standfirst, old.body_md);\n"
	 "  INSERT INTO articles_fts(rowid, headline, standfirst, body_md)\n"
	 "  VALUES (new.id, new.headline, new.standfirst, new.body_md);\n"
	 "END;\n"
	 "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');\n"},
	{"query plans: the scheduler's index covers only what it looks for, and published articles have a "
	 "newest-first index, so listings never sort the whole archive",
	 /* articles_due (status, scheduled_at) looked like the best index for every "status = 'published'"
	  * query to a planner without statistics, which then sorted all published articles */
	 "DROP INDEX articles_due;\n"
	 "CREATE INDEX articles_scheduled ON articles(scheduled_at) WHERE status = 'scheduled';\n"
	 "CREATE INDEX articles_expiring ON articles(expires_at) WHERE status = 'published' AND expires_at IS NOT NULL;\n"
	 "CREATE INDEX articles_published ON articles(published_at DESC, id DESC) WHERE status = 'published';\n"},
	/* Migration 9. The page cache's migration 8 (branch h7-cache) was written at the same time: when
	 * both are merged, theirs comes first and this one is the ninth. */
	{"article views: per-article, per-hour counts for Most read and the newsroom's chart",
	 "CREATE TABLE article_views(article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,\n"
	 "  hour INTEGER NOT NULL, views INTEGER NOT NULL, PRIMARY KEY (article_id, hour));\n"
	 "CREATE INDEX article_views_hour ON article_views(hour, article_id, views);\n"},
};

const struct db_migration *db_schema_migrations(size_t *n)
{
	*n = ARRAY_LEN(migrations);
	return migrations;
}
