/* cache_keys.h - the site's side of the page cache: the dependency keys its pages record while they
 * render, and which keys each kind of change in the newsroom purges (docs/caching.md has the table).
 *
 * This is the one place that spells a key. A page names what it read with a typed constructor,
 * cache_depend(req, cache_key_article(id)), so a misspelt kind does not compile, and no other file
 * formats a key string: the store (cache.h) only ever sees the finished keys as opaque text. The
 * spellings ("article:12", "latest:en", "sitemap"...) are also what PostgreSQL nodes send one another
 * (db_purge_publish), so they must not change between versions that may serve one site together.
 *
 * A change is noted by its handler (cache_note) and purged once the handler has returned, after its
 * commit (cache_purge_noted, called by routes_dispatch); cache_purge_change reads the changed rows to
 * name the keys, and cache_keys_for_change is that naming alone, without the store, for the tests. */
#ifndef BROADSHEET_CACHE_KEYS_H
#define BROADSHEET_CACHE_KEYS_H
#include <stddef.h>
#include <stdint.h>

struct app;
struct http_request;

#define CACHE_KEY_MAX 48 /* "comments:" and a 64-bit id, or a kind and an edition code, fit */

/* A dependency key, built only by the constructors below; text is "" when it could not be built (an
 * edition code too long to be one), which cache_depend ignores and a purge treats as "purge all". */
struct cache_key {
	char text[CACHE_KEY_MAX];
};

/* The constructors: one per kind of thing a page shows. Each returns the key by value. */
struct cache_key cache_key_article(int64_t id);           /* "article:<id>": the article itself */
struct cache_key cache_key_comments(int64_t article_id);  /* "comments:<id>": its comments and their count */
struct cache_key cache_key_section(int64_t id);           /* "section:<id>": the section's list */
struct cache_key cache_key_tag(int64_t id);               /* "tag:<id>": the tag's list */
struct cache_key cache_key_author(int64_t id);            /* "author:<id>": the author's list */
struct cache_key cache_key_front(const char *edition);    /* "front:<ed>": the front page's layout */
struct cache_key cache_key_latest(const char *edition);   /* "latest:<ed>": who is in the latest news */
struct cache_key cache_key_mostread(const char *edition); /* "mostread:<ed>": the Most read ranking */
struct cache_key cache_key_feed(const char *edition);     /* "feed:<ed>": who is in the edition's feeds */
struct cache_key cache_key_sitemap(void);                 /* "sitemap" */
struct cache_key cache_key_api_list(void);                /* "api:list": the public API's lists */
struct cache_key cache_key_settings(void);                /* "settings": the site settings */
struct cache_key cache_key_live(int64_t article_id);      /* "live:<id>": a live blog's entries, pinned, key events, state */
struct cache_key cache_key_breaking(const char *edition); /* "breaking:<ed>": the edition's breaking banner */

/* cache_depend: records that the page being rendered for req depends on key (kept once, in the request
 * arena; an empty key is ignored). */
void cache_depend(struct http_request *req, struct cache_key key);
/* cache_serve_until: the page being rendered for req shows something that ends at time t (UTC seconds: a
 * breaking banner's expiry), so its cached copy may be served only before t, never after (not even as
 * the stale copy a refill serves): keeps the earliest such t in req->cache_until. */
void cache_serve_until(struct http_request *req, int64_t t);

enum cache_change {
	CACHE_ARTICLE_EDITED, /* an article's text or fields were saved (id = article): matters if published */
	CACHE_ARTICLE_STATUS, /* published, unpublished, scheduled or taken down (id = article) */
	CACHE_COMMENT,        /* a comment was added, moderated or edited (id = comment) */
	CACHE_COMMENTS,       /* an article's comment settings changed (id = article) */
	CACHE_SETTINGS,       /* the site settings changed (id unused) */
	CACHE_LIVE,           /* a live entry was added/edited/withdrawn/pinned, or the blog started/ended (id = article) */
	CACHE_BREAKING,       /* a breaking banner was raised, taken down or expired (id = banner) */
};

/* cache_note: records on req that its handler made a change of kind; routes_dispatch purges what it
 * affects once the handler has returned (after its commit). */
void cache_note(struct http_request *req, enum cache_change kind, int64_t id);
/* cache_purge_noted: purges for every change noted on req (called by routes_dispatch). */
void cache_purge_noted(struct http_request *req);
/* cache_purge_change: purges the keys one change affects, reading the changed rows from the store to
 * name them (an article's edition, section, tags, authors, translation, the articles listing it as
 * related); when they cannot be read or
 * are too many, empties the cache instead (logged). No-op when no purge has anywhere to go. */
void cache_purge_change(struct app *app, enum cache_change kind, int64_t id);
/* cache_purge_most_read: purges the pages showing edition's Most read list (its ranking moved). */
void cache_purge_most_read(struct app *app, const char *edition);

/* ---- the naming alone (what cache_purge_change does once it has read the store) ---- */

#define CACHE_KEYSET_MAX 64 /* more keys than this for one change empty the cache instead */

/* The keys one change purges, in order; everything set when they could not all be named. */
struct cache_keyset {
	struct cache_key key[CACHE_KEYSET_MAX];
	size_t n;
	int everything;
};

/* What the store says about the subject of a change, as cache_purge_change reads it. For an article
 * change, the article; for CACHE_COMMENT, found and article_id (the comment's article) only; for
 * CACHE_BREAKING, found and edition (the banner's) only. */
struct cache_change_facts {
	int found;            /* the article (the comment) exists */
	int64_t article_id;   /* CACHE_COMMENT: the comment's article */
	int published;        /* the article's status is "published" now */
	const char *edition;  /* its edition code */
	int64_t section_id;
	const int64_t *tag_ids, *author_ids;
	size_t ntags, nauthors;
	int64_t translation_id; /* its translation in the other edition, 0 for none */
	const int64_t *cited_by; /* the articles listing it among their related stories (their pages show it) */
	size_t ncited_by;
};

/* cache_keys_add: appends key to set; an empty key, or one past CACHE_KEYSET_MAX, sets everything. */
void cache_keys_add(struct cache_keyset *set, struct cache_key key);
/* cache_keys_for_change: fills set (emptied first) with the keys a change of kind to id purges, given
 * the facts read about it (see docs/caching.md): an edit of an unpublished article names none, a
 * missing article only its own key, a missing comment everything. */
void cache_keys_for_change(enum cache_change kind, int64_t id, const struct cache_change_facts *f,
			   struct cache_keyset *set);

#endif
