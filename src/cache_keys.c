/* cache_keys.c - the site's dependency keys and what each change purges (see cache_keys.h).
 *
 * Every key the site uses is spelt here and nowhere else. The spellings travel between nodes (PostgreSQL
 * NOTIFY payloads, db_pg_notify.c) and in Surrogate-Key headers: they are the ones cache.c was given by
 * hand before this file existed, byte for byte, so that nodes of two versions still understand each
 * other during an upgrade and a CDN's purges keep matching. */
#include "cache_keys.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "cache.h"
#include "db.h"
#include "http.h"
#include "log.h"

/* key_id: the key "<kind>:<id>". */
static struct cache_key key_id(const char *kind, int64_t id)
{
	struct cache_key k;
	snprintf(k.text, sizeof k.text, "%s:%" PRId64, kind, id);
	return k;
}

/* key_edition: the key "<kind>:<edition>", or "" when it does not fit (no edition code is that long). */
static struct cache_key key_edition(const char *kind, const char *edition)
{
	struct cache_key k;
	int n = snprintf(k.text, sizeof k.text, "%s:%s", kind, edition ? edition : "");
	if (n < 0 || (size_t)n >= sizeof k.text || !edition || !*edition)
		k.text[0] = '\0';
	return k;
}

/* key_word: the key that is just word. */
static struct cache_key key_word(const char *word)
{
	struct cache_key k;
	snprintf(k.text, sizeof k.text, "%s", word);
	return k;
}

struct cache_key cache_key_article(int64_t id)
{
	return key_id("article", id);
}

struct cache_key cache_key_comments(int64_t article_id)
{
	return key_id("comments", article_id);
}

struct cache_key cache_key_section(int64_t id)
{
	return key_id("section", id);
}

struct cache_key cache_key_tag(int64_t id)
{
	return key_id("tag", id);
}

struct cache_key cache_key_author(int64_t id)
{
	return key_id("author", id);
}

struct cache_key cache_key_front(const char *edition)
{
	return key_edition("front", edition);
}

struct cache_key cache_key_latest(const char *edition)
{
	return key_edition("latest", edition);
}

struct cache_key cache_key_mostread(const char *edition)
{
	return key_edition("mostread", edition);
}

struct cache_key cache_key_feed(const char *edition)
{
	return key_edition("feed", edition);
}

struct cache_key cache_key_sitemap(void)
{
	return key_word("sitemap");
}

struct cache_key cache_key_api_list(void)
{
	return key_word("api:list");
}

struct cache_key cache_key_settings(void)
{
	return key_word("settings");
}

struct cache_key cache_key_live(int64_t article_id)
{
	return key_id("live", article_id);
}

struct cache_key cache_key_breaking(const char *edition)
{
	return key_edition("breaking", edition);
}

/* ---- recording, while a page renders ---- */

void cache_depend(struct http_request *req, struct cache_key key)
{
	if (!key.text[0])
		return;
	for (size_t i = 0; i < req->ndeps; i++)
		if (strcmp(req->deps[i], key.text) == 0)
			return;
	req->deps = arena_grow(req->arena, req->deps, req->ndeps, &req->deps_cap, sizeof *req->deps, 32);
	req->deps[req->ndeps++] = arena_strdup(req->arena, key.text);
}

void cache_serve_until(struct http_request *req, int64_t t)
{
	if (t > 0 && (req->cache_until == 0 || t < req->cache_until))
		req->cache_until = t;
}

/* ---- naming what a change purges ---- */

void cache_keys_add(struct cache_keyset *set, struct cache_key key)
{
	if (!key.text[0] || set->n >= CACHE_KEYSET_MAX) {
		set->everything = 1;
		return;
	}
	set->key[set->n++] = key;
	if (set->n == CACHE_KEYSET_MAX) /* as many as a set holds: perhaps not all of them, so everything */
		set->everything = 1;
}

/* article_change_keys: the keys a change to the article f describes purges (docs/caching.md): the
 * article, the lists and feeds it is on, its translation, which links to it, and the articles that list
 * it among their related stories (a story just published appears there, one taken down leaves). */
static void article_change_keys(int64_t id, int status_changed, const struct cache_change_facts *f,
				struct cache_keyset *set)
{
	if (!f->found) {
		cache_keys_add(set, cache_key_article(id));
		return;
	}
	/* a draft, in review or scheduled article is on no public page, unless it just left one */
	if (!status_changed && !f->published)
		return;
	cache_keys_add(set, cache_key_article(id));
	cache_keys_add(set, cache_key_front(f->edition));
	cache_keys_add(set, cache_key_feed(f->edition));
	cache_keys_add(set, cache_key_section(f->section_id));
	cache_keys_add(set, cache_key_sitemap());
	cache_keys_add(set, cache_key_api_list());
	if (status_changed) /* the latest news' membership changed; an edit reaches it through article: */
		cache_keys_add(set, cache_key_latest(f->edition));
	for (size_t i = 0; i < f->ntags; i++)
		cache_keys_add(set, cache_key_tag(f->tag_ids[i]));
	for (size_t i = 0; i < f->nauthors; i++)
		cache_keys_add(set, cache_key_author(f->author_ids[i]));
	if (f->translation_id > 0)
		cache_keys_add(set, cache_key_article(f->translation_id));
	for (size_t i = 0; i < f->ncited_by; i++)
		cache_keys_add(set, cache_key_article(f->cited_by[i]));
}

void cache_keys_for_change(enum cache_change kind, int64_t id, const struct cache_change_facts *f,
			   struct cache_keyset *set)
{
	set->n = 0;
	set->everything = 0;
	switch (kind) {
	case CACHE_ARTICLE_EDITED:
	case CACHE_ARTICLE_STATUS:
		article_change_keys(id, kind == CACHE_ARTICLE_STATUS, f, set);
		break;
	case CACHE_COMMENT:
		if (f->found)
			cache_keys_add(set, cache_key_comments(f->article_id));
		else
			set->everything = 1;
		break;
	case CACHE_COMMENTS:
		cache_keys_add(set, cache_key_comments(id));
		break;
	case CACHE_SETTINGS:
		cache_keys_add(set, cache_key_settings());
		break;
	case CACHE_LIVE: /* only the blog's entries: not article:<id>, which lists and the front page record */
		cache_keys_add(set, cache_key_live(id));
		break;
	case CACHE_BREAKING: /* every page of the banner's edition; a banner that cannot be read: everything */
		if (f->found)
			cache_keys_add(set, cache_key_breaking(f->edition));
		else
			set->everything = 1;
		break;
	}
}

/* ---- reading the facts of a change, and purging ---- */

/* article_facts: reads what a change to article id touches into f (arrays in a): for an edit of an
 * article that is not published (which names no key), its status alone. DB_OK (f->found 0 when the
 * article is gone), or DB_ERROR. */
static int article_facts(struct app *app, struct arena *a, int64_t id, int status_changed,
			 struct cache_change_facts *f)
{
	struct db_article art;
	int rc = db_article_get_id(app->db, a, id, &art);
	if (rc == DB_NOTFOUND)
		return DB_OK;
	if (rc != DB_OK)
		return DB_ERROR;
	f->found = 1;
	f->published = strcmp(art.status, "published") == 0;
	f->edition = art.edition;
	f->section_id = art.section_id;
	if (!status_changed && !f->published)
		return DB_OK;
	struct db_tag *tags;
	struct db_author *authors;
	if (db_article_tags(app->db, a, id, &tags, &f->ntags) != DB_OK ||
	    db_article_authors(app->db, a, id, &authors, &f->nauthors) != DB_OK)
		return DB_ERROR;
	int64_t *ids = arena_alloc(a, (f->ntags + f->nauthors + 1) * sizeof *ids);
	for (size_t i = 0; i < f->ntags; i++)
		ids[i] = tags[i].id;
	for (size_t i = 0; i < f->nauthors; i++)
		ids[f->ntags + i] = authors[i].id;
	f->tag_ids = ids;
	f->author_ids = ids + f->ntags;
	int64_t *cited;
	if (db_related_citing(app->db, a, id, &cited, &f->ncited_by) != DB_OK)
		return DB_ERROR;
	f->cited_by = cited;
	struct db_article tr;
	rc = db_article_translation_any(app->db, a, &art, &tr);
	if (rc == DB_OK)
		f->translation_id = tr.id;
	return rc == DB_OK || rc == DB_NOTFOUND ? DB_OK : DB_ERROR;
}

/* change_facts: reads what cache_keys_for_change needs to know about a change of kind to id (arrays in
 * a). DB_OK or DB_ERROR. */
static int change_facts(struct app *app, struct arena *a, enum cache_change kind, int64_t id,
			struct cache_change_facts *f)
{
	memset(f, 0, sizeof *f);
	switch (kind) {
	case CACHE_ARTICLE_EDITED:
	case CACHE_ARTICLE_STATUS:
		return article_facts(app, a, id, kind == CACHE_ARTICLE_STATUS, f);
	case CACHE_COMMENT: {
		struct db_comment cm;
		int rc = db_comment_get(app->db, a, id, &cm);
		f->found = rc == DB_OK;
		f->article_id = rc == DB_OK ? cm.article_id : 0;
		return DB_OK; /* a comment that cannot be read, missing or not, purges everything */
	}
	case CACHE_BREAKING: {
		struct db_breaking b;
		int rc = db_breaking_get(app->db, a, id, &b);
		f->found = rc == DB_OK;
		f->edition = rc == DB_OK ? b.edition : NULL;
		return DB_OK; /* a banner that cannot be read purges everything */
	}
	case CACHE_COMMENTS:
	case CACHE_SETTINGS:
	case CACHE_LIVE:
		break;
	}
	return DB_OK;
}

/* purge_set: purges the keys of set (everything when set says so, logged with what the change was). */
static void purge_set(struct app *app, const struct cache_keyset *set, enum cache_change kind, int64_t id)
{
	if (set->everything) {
		log_error("cache: could not name what change %d to %lld affects; emptied the cache", (int)kind,
			  (long long)id);
		cache_purge_all(app);
		return;
	}
	const char *keys[CACHE_KEYSET_MAX];
	for (size_t i = 0; i < set->n; i++)
		keys[i] = set->key[i].text;
	cache_purge_keys(app, keys, set->n);
}

void cache_purge_change(struct app *app, enum cache_change kind, int64_t id)
{
	if (!cache_purge_wanted(app))
		return;
	struct arena a = ARENA_INIT;
	struct cache_change_facts f;
	struct cache_keyset set;
	if (change_facts(app, &a, kind, id, &f) != DB_OK) {
		set.n = 0;
		set.everything = 1;
	} else {
		cache_keys_for_change(kind, id, &f, &set);
	}
	purge_set(app, &set, kind, id);
	arena_free(&a);
}

void cache_purge_most_read(struct app *app, const char *edition)
{
	struct cache_key k = cache_key_mostread(edition);
	if (!k.text[0])
		return;
	const char *keys[] = {k.text};
	cache_purge_keys(app, keys, 1);
}

/* ---- changes noted by a handler, purged after its commit ---- */

void cache_note(struct http_request *req, enum cache_change kind, int64_t id)
{
	for (size_t i = 0; i < req->nnotes; i++)
		if (req->notes[i].kind == (int)kind && req->notes[i].id == id)
			return;
	req->notes = arena_grow(req->arena, req->notes, req->nnotes, &req->notes_cap, sizeof *req->notes, 8);
	req->notes[req->nnotes].kind = (int)kind;
	req->notes[req->nnotes].id = id;
	req->nnotes++;
}

void cache_purge_noted(struct http_request *req)
{
	for (size_t i = 0; i < req->nnotes; i++)
		cache_purge_change(req->app, (enum cache_change)req->notes[i].kind, req->notes[i].id);
	req->nnotes = 0;
}
