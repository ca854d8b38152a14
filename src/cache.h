/* cache.h - the page cache: anonymous GET/HEAD replies of ROUTE_CACHE routes, rendered once and kept in
 * memory with their identity, gzip and brotli bodies, validators and replayed headers, so that a hit
 * touches neither the store nor the templates. Size-bounded (CLOCK, an approximation of least recently
 * used that hits do not write to); a miss storm on one address renders it once (the others wait for
 * that fill, or get the expired copy while it runs).
 *
 * Invalidation is dependency tracking: each entry carries the keys its page recorded while it rendered,
 * and a purge removes every entry depending on any of the keys it names. To this store the keys are
 * opaque text: the site's keys, what a page records and what a change purges, are spelt in one place,
 * cache_keys.h (cache_depend, cache_note, cache_purge_change). cache_purge_keys is the one entry point
 * that removes entries, so a broadcaster between nodes can call it with keys it received. */
#ifndef BROADSHEET_CACHE_H
#define BROADSHEET_CACHE_H
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct app;

enum cache_encoding { CACHE_IDENTITY, CACHE_GZIP, CACHE_BROTLI, CACHE_NENC };

/* One prepared body of an entry; data NULL when that encoding was not worth making. */
struct cache_body {
	char *data;
	size_t len;
	char *etag; /* strong validator of these bytes (cache_etag), quoted */
};

struct cache_header {
	char *name, *value;
};

/* What the HTTP layer hands to cache_entry_new: copied, so it may live in the request arena. */
struct cache_page {
	const char *key; /* the request target */
	const char *content_type;
	const char *body;
	size_t len;
	const struct cache_header *headers; /* replayed on hits (security headers, CORS, Cache-Control...) */
	size_t nheaders;
	const char *const *deps; /* the keys the page depends on */
	size_t ndeps;
	int64_t last_modified; /* 0 = none */
	int64_t article_id;    /* the article the page shows (for view counting on hits), 0 otherwise */
	int route_id;          /* the route that rendered it (http_request.route_id), for metrics on hits */
	int64_t serve_until;   /* never served at or after this time (UTC seconds), 0 for no bound */
};

#define CACHE_NATIVE_KINDS 6 /* server responses an entry may carry: a 200 and a 304 per encoding ... */
#define CACHE_NATIVE_SLOTS 4 /* ... for each of this many groups of server threads (cache_native) */
#define CACHE_NATIVE (CACHE_NATIVE_KINDS * CACHE_NATIVE_SLOTS)

/* An entry: immutable once inserted; shared between threads by reference counts. */
struct cache_entry {
	char *key;
	char *content_type;
	struct cache_body body[CACHE_NENC];
	struct cache_header *headers;
	size_t nheaders;
	char **deps;
	uint64_t *dep_hashes; /* hash of each dep, compared before the strings when purging */
	size_t ndeps;
	char *surrogate_key; /* the deps joined by spaces, for the Surrogate-Key header */
	int64_t last_modified;
	int64_t article_id;
	int route_id;
	int64_t stored_at;
	int64_t serve_until; /* cache_page's: never served from then on, not even while refilled (0: none) */
	size_t size;                /* heap bytes counted against the cache's bound (allocator overhead and
				       the prepared responses made so far included) */
	void *_Atomic native[CACHE_NATIVE]; /* the HTTP layer's prepared responses, made on first use
					       (cache_native) ... */
	void (*native_free)(void *native); /* ... and how to free them, set before the entry is shared */
	atomic_int refs;            /* the table's reference and each holder's */
	atomic_int body_refs;       /* one for the entry itself and one per response still sending a body */
	atomic_int referenced;      /* read since eviction last passed it (its second chance) */
	struct cache_entry *prev, *next; /* LRU list, most recent first */
	struct cache_entry *hnext;       /* hash chain */
	int in_table;
};

struct cache;

enum cache_result {
	CACHE_HIT,    /* *out is a retained entry: serve it, then cache_entry_release */
	CACHE_MISS,   /* not there (cache_lookup) */
	CACHE_FILL,   /* the caller renders and inserts (or not), then must call cache_fill_end */
	CACHE_BYPASS, /* render without storing (another fill failed or took too long) */
};

/* cache_new: a cache holding at most max_bytes, whose entries are fresh for ttl seconds. Returns the
 * cache (free with cache_free); aborts on out-of-memory. */
struct cache *cache_new(size_t max_bytes, int ttl);
/* cache_free: drops every entry (responses still sending keep their bodies until done). */
void cache_free(struct cache *c);

/* cache_entry_new: an entry for p with its gzip and brotli bodies prepared (textual types only, when
 * they save bytes), one reference held by the caller. Aborts on out-of-memory. */
struct cache_entry *cache_entry_new(const struct cache_page *p);
/* cache_entry_release: drops a reference; the last one frees the native responses and the entry's own
 * hold on its bodies. */
void cache_entry_release(struct cache_entry *e);
/* cache_entry_body_ref / cache_entry_body_unref: a server response sending one of e's bodies holds
 * them alive with these; the last unref frees the entry's memory. */
void cache_entry_body_ref(struct cache_entry *e);
void cache_entry_body_unref(void *e);

/* cache_lookup: the fresh entry for key (retained, CACHE_HIT), or an expired one while another request
 * refills it; else CACHE_MISS. */
enum cache_result cache_lookup(struct cache *c, const char *key, struct cache_entry **out);
/* cache_fill_begin: after a miss: CACHE_FILL when this caller should render key (*gen is the purge
 * generation to give cache_insert); when another request is already filling it, waits for that (at most
 * a few seconds) and returns CACHE_HIT with its entry, or CACHE_BYPASS. */
enum cache_result cache_fill_begin(struct cache *c, const char *key, struct cache_entry **out, uint64_t *gen);
/* cache_fill_end: the filler of key is done (stored or not): wakes the requests waiting on it. */
void cache_fill_end(struct cache *c, const char *key);
/* cache_insert: stores e (the cache takes its own reference; the caller keeps its own), replacing the
 * entry for the same key and evicting least recently used ones to stay within the bound. Refused (-1)
 * when e alone is larger than the bound or a purge happened since gen (the page may predate the change);
 * 0 when stored. */
int cache_insert(struct cache *c, struct cache_entry *e, uint64_t gen);
/* cache_native: e's prepared server response of kind i (0 <= i < CACHE_NATIVE_KINDS) for the calling
 * thread's slot, made by make(e, i, &bytes) the first time a hit there asks for it and shared by every
 * later one. Each thread has a slot of its own (threads beyond CACHE_NATIVE_SLOTS share them), because a
 * response is reference-counted under its own mutex by the server, which two threads sending the same
 * page would otherwise contend for on every hit. Made by two threads of one slot at once, one is kept
 * and the other freed with e->native_free. make returns the response and adds the heap it takes to
 * bytes, which counts against the cache's bound from then on (other entries may be evicted for it). Only
 * what readers ask for is made: most clients take one encoding, and 304s are rarer. Returns the response
 * (owned by e), or NULL when make fails. */
void *cache_native(struct cache *c, struct cache_entry *e, int i,
		   void *(*make)(struct cache_entry *e, int i, size_t *bytes));
/* cache_heap_bytes: what a malloc of n bytes takes from glibc's heap (n plus its 8-byte header, rounded
 * up to 16, at least 32): for estimating memory that another library allocates for the cache. */
size_t cache_heap_bytes(size_t n);
/* cache_remove_matching: removes every entry depending on any of keys (or every entry when n is 0 and
 * all is set) and advances the purge generation. Returns how many entries were removed. */
size_t cache_remove_matching(struct cache *c, const char *const *keys, size_t n, int all);
/* cache_stats: entries and bytes held. */
void cache_stats(struct cache *c, size_t *entries, size_t *bytes);

/* cache_pick_encoding: the encoding to send for an Accept-Encoding header (NULL = absent) among those
 * available (bit 1 << enum cache_encoding; identity is always possible): q-values honoured, br preferred
 * to gzip at equal weight, a coding preferred to identity unless identity is named with a higher q, unknown codings and malformed entries ignored; identity when nothing else is
 * acceptable (also for "identity;q=0" with nothing else: the standard lets a server disregard it). */
enum cache_encoding cache_pick_encoding(const char *accept_encoding, unsigned available);
/* cache_etag_matches: whether an If-None-Match value lists etag (weak comparison) or is "*"; garbage
 * matches nothing. */
int cache_etag_matches(const char *if_none_match, const char *etag);
/* cache_etag: the strong validator for some bytes ("\"<fnv64>-<len hex>\"", with suffix (may be NULL)
 * inside the quotes), in a malloc'd string. Each encoded variant gets the validator of its own bytes. */
char *cache_etag(const char *data, size_t len, const char *suffix);

/* Purging, here and on the other nodes. */

/* cache_purge_wanted: whether a purge has anywhere to go: a cache in this process, or other nodes
 * listening (cache_broadcast_start). Lets the caller skip reading the store to name keys. */
int cache_purge_wanted(const struct app *app);
/* cache_purge_keys: THE purge entry point: removes every entry depending on any of keys, and (while
 * cache_broadcast_start runs) has the other nodes on the same store do the same (db_purge_publish).
 * The keys are spelt by cache_keys.c (or were received from another node). Returns the number removed
 * here (0 without a cache). */
size_t cache_purge_keys(struct app *app, const char *const *keys, size_t n);
/* cache_purge_all: empties the cache (after changes too wide to name), here and on the other nodes. */
void cache_purge_all(struct app *app);

/* Several nodes on one store (docs/operations.md). cache_broadcast_start: from now on this process's
 * purges are published to the other nodes, and theirs purge this cache (db_purge_listen's thread; a
 * reconnection after the database was lost empties it, since purges may have been missed). Also works
 * without a cache (cache_mb = 0): the node then still tells the others what it changed. 0, or -1
 * (logged) when the listener cannot start. cache_broadcast_stop: stops both (before cache_free).
 * cache_broadcast_stats: purges published, received from other nodes, and failed to publish. */
int cache_broadcast_start(struct app *app);
void cache_broadcast_stop(struct app *app);
void cache_broadcast_stats(uint64_t *sent, uint64_t *received, uint64_t *failed);

/* cache_on_hit: called on every reply served from the cache (200 or 304) with the entry's article id
 * (the response's view_article_id when it was stored; 0 when it shows none) and the request's User-Agent
 * (may be NULL), so view counting sees hits too; a miss is rendered by the handler, which counts it
 * itself. Called on a server thread: it must be quick and thread-safe. NULL (default) = nothing. */
extern void (*cache_on_hit)(int64_t article_id, const char *user_agent);

#endif
