/* cache.c - the page cache's store and its purges (see cache.h). It knows pages by their request
 * target and dependencies as opaque keys: which keys the site's pages record, and which a change purges,
 * is cache_keys.c's business.
 *
 * A read-write lock guards the table and the eviction list: a hit takes it shared, for a hash lookup, so
 * the server threads never wait for one another on a hit (with one mutex, a thread preempted while
 * holding it stalled the other on a busy machine: one hit in a few dozen ended in a futex wait). Hits do
 * not reorder the list either: they set the entry's `referenced` flag, and eviction gives a flagged
 * entry a second chance (CLOCK, an approximation of least-recently-used). A mutex and a condition guard
 * the fills in progress (taken before the lock when both are needed). Entries are immutable once
 * inserted and reference-counted, so a reply can go on sending an entry's body after the entry was
 * purged: `refs` counts the table and the threads holding the entry, `body_refs` the entry itself and
 * every server response still sending one of its bodies.
 *
 * A purge cannot know about a page that is being rendered at the same moment from the store's state
 * before the change; so every purge advances a generation number, and a page whose rendering began
 * before the latest purge is served but not stored. */
#include "cache.h"

#include <brotli/encode.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app.h"
#include "compress.h"
#include "db.h"
#include "util.h"

#define FILL_WAIT_SECONDS 5
#define COMPRESS_MIN 256
#define BROTLI_QUALITY 6
/* after this many bytes of evicted entries, freed heap pages are returned to the kernel (malloc_trim):
 * without it, glibc's per-thread heaps keep the holes of an LRU churning through pages of every size, and
 * the resident memory of a full cache grew to about three times its bound (bench/memory.sh) */
#define CACHE_TRIM_BYTES ((size_t)4 << 20)
#define GZIP_LEVEL 6

void (*cache_on_hit)(int64_t article_id, const char *user_agent) = NULL;

/* A render in progress for one key, which other requests for the key wait on. */
struct cache_fill {
	char *key;
	int done;
	struct cache_fill *next;
};

struct cache {
	pthread_rwlock_t rw; /* the table, the list, the counts and the generation */
	pthread_mutex_t mu;  /* the fills, with the condition their waiters wait on */
	pthread_cond_t filled;
	struct cache_entry **buckets;
	size_t nbuckets, nentries, bytes, max_bytes;
	size_t evicted; /* bytes evicted since the last malloc_trim */
	int ttl;
	uint64_t generation;
	struct cache_entry *head, *tail; /* eviction order: the tail goes first (after a second chance) */
	struct cache_fill *fills;
};

/* hash_key: FNV-1a of a NUL-terminated key. */
static uint64_t hash_key(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

char *cache_etag(const char *data, size_t len, const char *suffix)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)data[i];
		h *= 1099511628211ULL;
	}
	char tmp[96];
	snprintf(tmp, sizeof tmp, "\"%016llx-%zx%s\"", (unsigned long long)h, len, suffix ? suffix : "");
	return xstrdup(tmp);
}

/* shrink: gives back the unused tail of a compression buffer (sized for the worst case, about the input's
 * size) so that what an entry holds is what the cache counts; returns the (possibly moved) buffer. */
static char *shrink(char *buf, size_t len)
{
	char *smaller = realloc(buf, len ? len : 1);
	return smaller ? smaller : buf;
}

/* gzip_body: body gzip-compressed into a malloc'd buffer (*out_len), or NULL when it fails. */
static char *gzip_body(const char *data, size_t len, size_t *out_len)
{
	char *out = compress_gzip(data, len, GZIP_LEVEL, 8, out_len);
	return out ? shrink(out, *out_len) : NULL;
}

/* brotli_body: body brotli-compressed into a malloc'd buffer (*out_len), or NULL when it fails. */
static char *brotli_body(const char *data, size_t len, size_t *out_len)
{
	char *out = compress_brotli(data, len, BROTLI_QUALITY, BROTLI_DEFAULT_WINDOW, out_len);
	return out ? shrink(out, *out_len) : NULL;
}

/* held: the heap bytes an allocation of ours takes (its usable size plus glibc's chunk header), 0 for
 * NULL: what the cache counts, so that its bound is what the process holds for it. */
static size_t held(const void *p)
{
	return p ? malloc_usable_size((void *)(uintptr_t)p) + sizeof(size_t) : 0;
}

size_t cache_heap_bytes(size_t n)
{
	size_t chunk = (n + sizeof(size_t) + 15) & ~(size_t)15;
	return chunk < 32 ? 32 : chunk;
}

struct cache_entry *cache_entry_new(const struct cache_page *p)
{
	struct cache_entry *e = xcalloc(1, sizeof *e);
	atomic_init(&e->refs, 1);
	atomic_init(&e->body_refs, 1);
	atomic_init(&e->referenced, 0);
	for (int i = 0; i < CACHE_NATIVE; i++)
		atomic_init(&e->native[i], NULL);
	e->key = xstrdup(p->key);
	e->content_type = xstrdup(p->content_type ? p->content_type : "text/html; charset=utf-8");
	e->last_modified = p->last_modified;
	e->article_id = p->article_id;
	e->route_id = p->route_id;
	e->stored_at = util_now();
	e->serve_until = p->serve_until;

	e->body[CACHE_IDENTITY].data = xmalloc(p->len ? p->len : 1);
	memcpy(e->body[CACHE_IDENTITY].data, p->body ? p->body : "", p->len);
	e->body[CACHE_IDENTITY].len = p->len;
	e->body[CACHE_IDENTITY].etag = cache_etag(p->body ? p->body : "", p->len, NULL);
	if (p->len >= COMPRESS_MIN && compress_worth(p->content_type)) {
		size_t n = 0;
		char *z = gzip_body(p->body, p->len, &n);
		if (z && n < p->len) {
			e->body[CACHE_GZIP] = (struct cache_body){z, n, cache_etag(z, n, NULL)};
		} else {
			free(z);
		}
		z = brotli_body(p->body, p->len, &n);
		if (z && n < p->len) {
			e->body[CACHE_BROTLI] = (struct cache_body){z, n, cache_etag(z, n, NULL)};
		} else {
			free(z);
		}
	}

	e->headers = xcalloc(p->nheaders ? p->nheaders : 1, sizeof *e->headers);
	for (size_t i = 0; i < p->nheaders; i++) {
		e->headers[i].name = xstrdup(p->headers[i].name);
		e->headers[i].value = xstrdup(p->headers[i].value);
	}
	e->nheaders = p->nheaders;
	e->deps = xcalloc(p->ndeps ? p->ndeps : 1, sizeof *e->deps);
	e->dep_hashes = xcalloc(p->ndeps ? p->ndeps : 1, sizeof *e->dep_hashes);
	size_t sk = 1;
	for (size_t i = 0; i < p->ndeps; i++) {
		e->deps[i] = xstrdup(p->deps[i]);
		e->dep_hashes[i] = hash_key(p->deps[i]);
		sk += strlen(p->deps[i]) + 1;
	}
	e->ndeps = p->ndeps;
	e->surrogate_key = xmalloc(sk);
	e->surrogate_key[0] = '\0';
	size_t off = 0;
	for (size_t i = 0; i < p->ndeps; i++) {
		size_t n = strlen(p->deps[i]);
		if (off)
			e->surrogate_key[off++] = ' ';
		memcpy(e->surrogate_key + off, p->deps[i], n + 1);
		off += n;
	}

	/* what all of this holds on the heap, allocator overhead included */
	e->size = held(e) + held(e->key) + held(e->content_type) + held(e->headers) + held(e->deps) +
		  held(e->dep_hashes) + held(e->surrogate_key);
	for (int i = 0; i < CACHE_NENC; i++)
		e->size += held(e->body[i].data) + held(e->body[i].etag);
	for (size_t i = 0; i < e->nheaders; i++)
		e->size += held(e->headers[i].name) + held(e->headers[i].value);
	for (size_t i = 0; i < e->ndeps; i++)
		e->size += held(e->deps[i]);
	return e;
}

/* entry_destroy: frees e's memory (no one refers to it any more). */
static void entry_destroy(struct cache_entry *e)
{
	for (int i = 0; i < CACHE_NENC; i++) {
		free(e->body[i].data);
		free(e->body[i].etag);
	}
	for (size_t i = 0; i < e->nheaders; i++) {
		free(e->headers[i].name);
		free(e->headers[i].value);
	}
	free(e->headers);
	for (size_t i = 0; i < e->ndeps; i++)
		free(e->deps[i]);
	free(e->deps);
	free(e->dep_hashes);
	free(e->surrogate_key);
	free(e->key);
	free(e->content_type);
	free(e);
}

void cache_entry_body_ref(struct cache_entry *e)
{
	atomic_fetch_add(&e->body_refs, 1);
}

void cache_entry_body_unref(void *p)
{
	struct cache_entry *e = p;
	if (atomic_fetch_sub(&e->body_refs, 1) == 1)
		entry_destroy(e);
}

void cache_entry_release(struct cache_entry *e)
{
	if (!e || atomic_fetch_sub(&e->refs, 1) != 1)
		return;
	for (int i = 0; i < CACHE_NATIVE; i++) {
		void *r = atomic_load(&e->native[i]);
		if (r && e->native_free)
			e->native_free(r);
	}
	cache_entry_body_unref(e);
}

struct cache *cache_new(size_t max_bytes, int ttl)
{
	struct cache *c = xcalloc(1, sizeof *c);
	pthread_rwlock_init(&c->rw, NULL);
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->filled, NULL);
	c->nbuckets = 1024;
	c->buckets = xcalloc(c->nbuckets, sizeof *c->buckets);
	c->max_bytes = max_bytes;
	c->ttl = ttl > 0 ? ttl : 1;
	return c;
}

/* lru_unlink / lru_push: list surgery (lock held for writing). */
static void lru_unlink(struct cache *c, struct cache_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push(struct cache *c, struct cache_entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
}

/* find: the entry for key or NULL (lock held, shared or not). */
static struct cache_entry *find(struct cache *c, const char *key)
{
	for (struct cache_entry *e = c->buckets[hash_key(key) & (c->nbuckets - 1)]; e; e = e->hnext)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

/* unlink_entry: takes e out of the table and the list and drops the table's reference (lock held for
 * writing). */
static void unlink_entry(struct cache *c, struct cache_entry *e)
{
	struct cache_entry **pp = &c->buckets[hash_key(e->key) & (c->nbuckets - 1)];
	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	lru_unlink(c, e);
	e->in_table = 0;
	c->nentries--;
	c->bytes -= e->size;
	cache_entry_release(e);
}

/* grow: doubles the buckets when the table gets crowded (lock held for writing). */
static void grow(struct cache *c)
{
	size_t n = c->nbuckets * 2;
	struct cache_entry **b = xcalloc(n, sizeof *b);
	for (size_t i = 0; i < c->nbuckets; i++) {
		struct cache_entry *e = c->buckets[i];
		while (e) {
			struct cache_entry *next = e->hnext;
			size_t k = hash_key(e->key) & (n - 1);
			e->hnext = b[k];
			b[k] = e;
			e = next;
		}
	}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = n;
}

/* fill_of: the fill in progress for key, or NULL (c->mu held). */
static struct cache_fill *fill_of(struct cache *c, const char *key)
{
	for (struct cache_fill *f = c->fills; f; f = f->next)
		if (strcmp(f->key, key) == 0)
			return f;
	return NULL;
}

/* servable: whether e may be served at all now (it shows nothing that has ended since: serve_until). */
static int servable(const struct cache_entry *e)
{
	return !e->serve_until || util_now() < e->serve_until;
}

/* fresh: whether e may be served without a refill. */
static int fresh(const struct cache *c, const struct cache_entry *e)
{
	return util_now() - e->stored_at < c->ttl && servable(e);
}

/* hold: takes a reference on e for the caller and notes that it was read (for eviction's second
 * chance); the flag is written only when it changes, so hits on one page do not share a written line. */
static struct cache_entry *hold(struct cache_entry *e)
{
	if (!atomic_load_explicit(&e->referenced, memory_order_relaxed))
		atomic_store_explicit(&e->referenced, 1, memory_order_relaxed);
	atomic_fetch_add(&e->refs, 1);
	return e;
}

enum cache_result cache_lookup(struct cache *c, const char *key, struct cache_entry **out)
{
	pthread_rwlock_rdlock(&c->rw);
	struct cache_entry *e = find(c, key);
	int expired = e && !fresh(c, e);
	if (e && !expired)
		*out = hold(e);
	pthread_rwlock_unlock(&c->rw);
	if (e && !expired)
		return CACHE_HIT;
	*out = NULL;
	if (!expired)
		return CACHE_MISS;
	/* expired: served only while another request refills it */
	pthread_mutex_lock(&c->mu);
	pthread_rwlock_rdlock(&c->rw);
	e = find(c, key);
	if (e && (fresh(c, e) || (fill_of(c, key) && servable(e))))
		*out = hold(e);
	pthread_rwlock_unlock(&c->rw);
	pthread_mutex_unlock(&c->mu);
	return *out ? CACHE_HIT : CACHE_MISS;
}

enum cache_result cache_fill_begin(struct cache *c, const char *key, struct cache_entry **out, uint64_t *gen)
{
	*out = NULL;
	pthread_mutex_lock(&c->mu);
	struct cache_fill *f = fill_of(c, key);
	if (!f) {
		pthread_rwlock_rdlock(&c->rw);
		struct cache_entry *e = find(c, key);
		if (e && fresh(c, e)) /* filled between the lookup and now */
			*out = hold(e);
		*gen = c->generation;
		pthread_rwlock_unlock(&c->rw);
		if (*out) {
			pthread_mutex_unlock(&c->mu);
			return CACHE_HIT;
		}
		f = xcalloc(1, sizeof *f);
		f->key = xstrdup(key);
		f->next = c->fills;
		c->fills = f;
		pthread_mutex_unlock(&c->mu);
		return CACHE_FILL;
	}
	pthread_rwlock_rdlock(&c->rw);
	struct cache_entry *stale = find(c, key);
	if (stale) /* an expired copy, while another request refills it */
		*out = hold(stale);
	pthread_rwlock_unlock(&c->rw);
	if (*out) {
		pthread_mutex_unlock(&c->mu);
		return CACHE_HIT;
	}
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += FILL_WAIT_SECONDS;
	int timed_out = 0;
	while (fill_of(c, key) == f && !timed_out)
		timed_out = pthread_cond_timedwait(&c->filled, &c->mu, &until) != 0;
	pthread_rwlock_rdlock(&c->rw);
	struct cache_entry *e = find(c, key);
	if (e)
		*out = hold(e);
	pthread_rwlock_unlock(&c->rw);
	pthread_mutex_unlock(&c->mu);
	return *out ? CACHE_HIT : CACHE_BYPASS;
}

void cache_fill_end(struct cache *c, const char *key)
{
	pthread_mutex_lock(&c->mu);
	for (struct cache_fill **pp = &c->fills; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->key, key) == 0) {
			struct cache_fill *f = *pp;
			*pp = f->next;
			free(f->key);
			free(f);
			break;
		}
	}
	pthread_cond_broadcast(&c->filled);
	pthread_mutex_unlock(&c->mu);
}

/* evict: drops entries from the tail of the list (never keep) until the cache is within its bound; an
 * entry read since it was last looked at here goes back to the head once instead (second chance). Lock
 * held for writing. Returns whether enough has been evicted since the last malloc_trim to call it (after
 * the unlock). */
static int evict(struct cache *c, size_t incoming, const struct cache_entry *keep)
{
	struct cache_entry *victim = c->tail;
	size_t looked = 0, n = c->nentries;
	while (victim && c->bytes + incoming > c->max_bytes) {
		struct cache_entry *prev = victim->prev;
		if (victim == keep) {
			/* never this one */
		} else if (looked < n && atomic_exchange_explicit(&victim->referenced, 0, memory_order_relaxed)) {
			lru_unlink(c, victim); /* read since: to the head (each entry once per call) */
			lru_push(c, victim);
			if (!prev)
				prev = c->tail;
		} else {
			c->evicted += victim->size;
			unlink_entry(c, victim);
		}
		looked++;
		victim = prev;
	}
	if (c->evicted < CACHE_TRIM_BYTES)
		return 0;
	c->evicted = 0;
	return 1;
}

int cache_insert(struct cache *c, struct cache_entry *e, uint64_t gen)
{
	pthread_rwlock_wrlock(&c->rw);
	if (e->size > c->max_bytes || gen != c->generation) {
		pthread_rwlock_unlock(&c->rw);
		return -1;
	}
	struct cache_entry *old = find(c, e->key);
	if (old)
		unlink_entry(c, old);
	int trim = evict(c, e->size, NULL);
	if (c->nentries + 1 > c->nbuckets * 2)
		grow(c);
	size_t k = hash_key(e->key) & (c->nbuckets - 1);
	e->hnext = c->buckets[k];
	c->buckets[k] = e;
	lru_push(c, e);
	e->in_table = 1;
	c->nentries++;
	c->bytes += e->size;
	atomic_fetch_add(&e->refs, 1);
	pthread_rwlock_unlock(&c->rw);
	if (trim) /* evicted pages leave holes in the allocator's per-thread heaps: give them to the kernel */
		malloc_trim(0);
	return 0;
}

/* which slot of prepared responses the calling thread uses (cache_native): given out in turn */
static atomic_uint next_slot;
static _Thread_local int my_slot = -1;

void *cache_native(struct cache *c, struct cache_entry *e, int i, void *(*make)(struct cache_entry *e, int i, size_t *bytes))
{
	if (my_slot < 0)
		my_slot = (int)(atomic_fetch_add(&next_slot, 1) % CACHE_NATIVE_SLOTS);
	void *_Atomic *slot = &e->native[my_slot * CACHE_NATIVE_KINDS + i];
	void *r = atomic_load_explicit(slot, memory_order_acquire);
	if (r)
		return r;
	size_t bytes = 0;
	r = make(e, i, &bytes);
	if (!r)
		return NULL;
	void *expected = NULL;
	if (!atomic_compare_exchange_strong_explicit(slot, &expected, r, memory_order_acq_rel,
						     memory_order_acquire)) {
		e->native_free(r); /* another thread made it first */
		return expected;
	}
	pthread_rwlock_wrlock(&c->rw);
	int trim = 0;
	if (e->in_table) { /* (one no longer in the table is freed with its last reference) */
		e->size += bytes;
		c->bytes += bytes;
		trim = evict(c, 0, e);
	}
	pthread_rwlock_unlock(&c->rw);
	if (trim)
		malloc_trim(0);
	return r;
}

/* depends_on: whether e depends on any of keys (whose hashes are in hashes). */
static int depends_on(const struct cache_entry *e, const char *const *keys, const uint64_t *hashes, size_t n)
{
	for (size_t i = 0; i < e->ndeps; i++)
		for (size_t k = 0; k < n; k++)
			if (e->dep_hashes[i] == hashes[k] && strcmp(e->deps[i], keys[k]) == 0)
				return 1;
	return 0;
}

size_t cache_remove_matching(struct cache *c, const char *const *keys, size_t n, int all)
{
	size_t removed = 0;
	uint64_t *hashes = xcalloc(n ? n : 1, sizeof *hashes);
	for (size_t k = 0; k < n; k++)
		hashes[k] = hash_key(keys[k]);
	pthread_rwlock_wrlock(&c->rw);
	c->generation++;
	struct cache_entry *e = c->head;
	while (e) {
		struct cache_entry *next = e->next;
		if (all || depends_on(e, keys, hashes, n)) {
			unlink_entry(c, e);
			removed++;
		}
		e = next;
	}
	pthread_rwlock_unlock(&c->rw);
	free(hashes);
	return removed;
}

void cache_stats(struct cache *c, size_t *entries, size_t *bytes)
{
	pthread_rwlock_rdlock(&c->rw);
	*entries = c->nentries;
	*bytes = c->bytes;
	pthread_rwlock_unlock(&c->rw);
}

void cache_free(struct cache *c)
{
	if (!c)
		return;
	cache_remove_matching(c, NULL, 0, 1);
	while (c->fills) {
		struct cache_fill *f = c->fills;
		c->fills = f->next;
		free(f->key);
		free(f);
	}
	free(c->buckets);
	pthread_cond_destroy(&c->filled);
	pthread_mutex_destroy(&c->mu);
	pthread_rwlock_destroy(&c->rw);
	free(c);
}

/* parse_q: a qvalue ("0", "0.5", "1", "1.000"); 0..1000 in thousandths, or -1 when malformed. */
static int parse_q(const char *s, size_t n)
{
	if (n == 0 || n > 5 || (s[0] != '0' && s[0] != '1'))
		return -1;
	int q = (s[0] - '0') * 1000, scale = 100;
	if (n > 1) {
		if (s[1] != '.')
			return -1;
		for (size_t i = 2; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			q += (s[i] - '0') * scale;
			scale /= 10;
		}
	}
	return q > 1000 ? -1 : q;
}

enum cache_encoding cache_pick_encoding(const char *ae, unsigned available)
{
	if (!ae)
		return CACHE_IDENTITY;
	int q_br = -1, q_gzip = -1, q_id = -1, q_star = -1; /* -1 = not named */
	const char *p = ae;
	while (*p) {
		size_t len = strcspn(p, ",");
		const char *end = p + len;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		size_t tlen = strcspn(p, ";, \t");
		if (p + tlen > end)
			tlen = (size_t)(end - p);
		int q = 1000;
		const char *s = p + tlen;
		/* parameters: only q is meaningful; anything malformed drops the entry */
		while (s < end && q >= 0) {
			while (s < end && (*s == ' ' || *s == '\t'))
				s++;
			if (s >= end)
				break;
			if (*s != ';') {
				q = -1;
				break;
			}
			s++;
			while (s < end && (*s == ' ' || *s == '\t'))
				s++;
			size_t plen = strcspn(s, ";");
			if (s + plen > end)
				plen = (size_t)(end - s);
			size_t vlen = plen;
			while (vlen > 0 && (s[vlen - 1] == ' ' || s[vlen - 1] == '\t'))
				vlen--;
			if (vlen >= 2 && (s[0] == 'q' || s[0] == 'Q') && s[1] == '=')
				q = parse_q(s + 2, vlen - 2);
			else
				q = -1;
			s += plen;
		}
		if (q >= 0 && tlen > 0) {
			if (tlen == 2 && strncasecmp(p, "br", 2) == 0)
				q_br = q;
			else if ((tlen == 4 && strncasecmp(p, "gzip", 4) == 0) || (tlen == 6 && strncasecmp(p, "x-gzip", 6) == 0))
				q_gzip = q;
			else if (tlen == 8 && strncasecmp(p, "identity", 8) == 0)
				q_id = q;
			else if (tlen == 1 && *p == '*')
				q_star = q;
		}
		p = *end ? end + 1 : end;
	}
	int br = q_br >= 0 ? q_br : q_star >= 0 ? q_star : 0;
	int gz = q_gzip >= 0 ? q_gzip : q_star >= 0 ? q_star : 0;
	/* identity is always the fallback; it only outranks a coding when the client weighed it higher */
	int id = q_id >= 0 ? q_id : 0;
	if (!(available & (1u << CACHE_BROTLI)))
		br = 0;
	if (!(available & (1u << CACHE_GZIP)))
		gz = 0;
	if (br > 0 && br >= gz && br >= id)
		return CACHE_BROTLI;
	if (gz > 0 && gz >= id)
		return CACHE_GZIP;
	return CACHE_IDENTITY;
}

int cache_etag_matches(const char *inm, const char *etag)
{
	size_t elen = strlen(etag);
	const char *p = inm;
	/* the opaque part of etag, without W/ and quotes, for weak comparison */
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, ",");
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == 1 && *p == '*')
			return 1;
		const char *t = p;
		size_t tn = n;
		if (tn >= 2 && strncmp(t, "W/", 2) == 0)
			t += 2, tn -= 2;
		if (tn == elen && memcmp(t, etag, elen) == 0)
			return 1;
		p += strcspn(p, ",");
	}
	return 0;
}

/* Purges: here and on the other nodes. */

/* Between nodes: set while cache_broadcast_start's listener runs (a serving process); counters for
 * /metrics. */
static atomic_int broadcasting;
static atomic_ullong purges_sent, purges_received, purges_failed;

/* publish: tells the other nodes to purge keys (n 0: everything), when this process is serving. */
static void publish(struct app *app, const char *const *keys, size_t n)
{
	if (!atomic_load(&broadcasting))
		return;
	if (db_purge_publish(app->db, keys, n) == DB_OK)
		atomic_fetch_add(&purges_sent, 1);
	else
		atomic_fetch_add(&purges_failed, 1);
}

int cache_purge_wanted(const struct app *app)
{
	return app->cache || atomic_load(&broadcasting);
}

size_t cache_purge_keys(struct app *app, const char *const *keys, size_t n)
{
	if (n == 0)
		return 0;
	publish(app, keys, n);
	if (!app->cache)
		return 0;
	return cache_remove_matching(app->cache, keys, n, 0);
}

void cache_purge_all(struct app *app)
{
	publish(app, NULL, 0);
	if (app->cache)
		cache_remove_matching(app->cache, NULL, 0, 1);
}

/* purge_received: db_purge_fn: another node purged keys (n 0: everything); purged here without
 * publishing again. */
static void purge_received(void *arg, const char *const *keys, size_t n)
{
	struct app *app = arg;
	atomic_fetch_add(&purges_received, 1);
	if (app->cache)
		cache_remove_matching(app->cache, keys, n, n == 0);
}

int cache_broadcast_start(struct app *app)
{
	if (db_purge_listen(app->db, purge_received, app) != DB_OK)
		return -1;
	atomic_store(&broadcasting, 1);
	return 0;
}

void cache_broadcast_stop(struct app *app)
{
	atomic_store(&broadcasting, 0);
	db_purge_listen(app->db, NULL, NULL);
}

void cache_broadcast_stats(uint64_t *sent, uint64_t *received, uint64_t *failed)
{
	*sent = atomic_load(&purges_sent);
	*received = atomic_load(&purges_received);
	*failed = atomic_load(&purges_failed);
}
