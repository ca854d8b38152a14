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
};

const struct db_migration *db_schema_migrations(size_t *n)
{
	*n = ARRAY_LEN(migrations);
	return migrations;
}
