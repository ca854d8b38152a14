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
};

const struct db_migration *db_schema_migrations(size_t *n)
{
	*n = ARRAY_LEN(migrations);
	return migrations;
}
