/* test_cache.c - the page cache: entries and their compressed bodies, the LRU bound, purges by key and
 * the purge generation, fills, Accept-Encoding negotiation and If-None-Match matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include <brotli/decode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cache.h"
#include "util.h"

/* page_body: a compressible HTML body of about n bytes, different for each seed. */
static char *page_body(size_t n, int seed)
{
	char *s = malloc(n + 1);
	size_t off = 0;
	while (off < n) {
		int w = snprintf(s + off, n + 1 - off, "<p>story %d paragraph %zu of the page</p>\n", seed, off);
		off += (size_t)w;
	}
	s[n] = '\0';
	return s;
}

/* new_entry: an entry for key with a body of n bytes and the given dependency keys. */
static struct cache_entry *new_entry(const char *key, size_t n, int seed, const char *const *deps, size_t ndeps)
{
	char *body = page_body(n, seed);
	struct cache_header h = {"Cache-Control", "public"};
	struct cache_page p = {.key = key, .content_type = "text/html; charset=utf-8", .body = body, .len = n,
			       .headers = &h, .nheaders = 1, .deps = deps, .ndeps = ndeps, .article_id = seed};
	struct cache_entry *e = cache_entry_new(&p);
	free(body);
	return e;
}

/* insert: makes an entry, inserts it at the current generation; returns cache_insert's result. */
static int insert(struct cache *c, const char *key, size_t n, int seed, const char *const *deps, size_t ndeps)
{
	struct cache_entry *e = new_entry(key, n, seed, deps, ndeps);
	uint64_t gen;
	struct cache_entry *got;
	/* the generation, from a fill of a key nobody has (the key itself may be there, fresh) */
	assert_int_equal(cache_fill_begin(c, "/generation-probe", &got, &gen), CACHE_FILL);
	cache_fill_end(c, "/generation-probe");
	int rc = cache_insert(c, e, gen);
	cache_entry_release(e);
	return rc;
}

static int present(struct cache *c, const char *key)
{
	struct cache_entry *e;
	if (cache_lookup(c, key, &e) != CACHE_HIT)
		return 0;
	cache_entry_release(e);
	return 1;
}

static void test_bodies_decompress_to_identity(void **state)
{
	(void)state;
	struct cache_entry *e = new_entry("/en/", 20000, 1, NULL, 0);
	struct cache_body *id = &e->body[CACHE_IDENTITY], *gz = &e->body[CACHE_GZIP], *br = &e->body[CACHE_BROTLI];
	assert_non_null(gz->data);
	assert_non_null(br->data);
	assert_true(gz->len < id->len);
	assert_true(br->len < id->len);

	unsigned char *out = malloc(id->len + 16);
	uLongf outlen = id->len + 16;
	z_stream z;
	memset(&z, 0, sizeof z);
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)gz->data;
	z.avail_in = (uInt)gz->len;
	z.next_out = out;
	z.avail_out = (uInt)outlen;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, id->len);
	inflateEnd(&z);
	assert_memory_equal(out, id->data, id->len);

	size_t blen = id->len + 16;
	assert_int_equal(BrotliDecoderDecompress(br->len, (const uint8_t *)br->data, &blen, out), BROTLI_DECODER_RESULT_SUCCESS);
	assert_int_equal(blen, id->len);
	assert_memory_equal(out, id->data, id->len);
	free(out);

	/* each variant has its own validator */
	assert_string_not_equal(id->etag, gz->etag);
	assert_string_not_equal(id->etag, br->etag);
	assert_string_not_equal(gz->etag, br->etag);
	cache_entry_release(e);
}

static void test_small_and_binary_bodies_stay_identity(void **state)
{
	(void)state;
	struct cache_entry *e = new_entry("/tiny", 100, 1, NULL, 0);
	assert_null(e->body[CACHE_GZIP].data);
	assert_null(e->body[CACHE_BROTLI].data);
	cache_entry_release(e);
	char *body = page_body(5000, 2);
	struct cache_page p = {.key = "/x.png", .content_type = "image/png", .body = body, .len = 5000};
	e = cache_entry_new(&p);
	assert_null(e->body[CACHE_GZIP].data);
	assert_int_equal(e->body[CACHE_IDENTITY].len, 5000);
	cache_entry_release(e);
	free(body);
}

static void test_surrogate_key_lists_deps(void **state)
{
	(void)state;
	const char *deps[] = {"article:7", "latest:en", "settings"};
	struct cache_entry *e = new_entry("/en/", 1000, 7, deps, 3);
	assert_string_equal(e->surrogate_key, "article:7 latest:en settings");
	assert_int_equal(e->article_id, 7);
	cache_entry_release(e);
}

static void test_lru_stays_within_bound(void **state)
{
	(void)state;
	struct cache *c = cache_new(64 * 1024, 300);
	char key[32];
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof key, "/page/%d", i);
		assert_int_equal(insert(c, key, 4000, i, NULL, 0), 0);
		if (i == 50)
			assert_true(present(c, "/page/45")); /* touched: most recently used */
		size_t n, bytes;
		cache_stats(c, &n, &bytes);
		assert_true(bytes <= 64 * 1024);
	}
	size_t n, bytes;
	cache_stats(c, &n, &bytes);
	assert_true(n > 3 && n < 30);
	assert_true(present(c, "/page/99"));
	assert_false(present(c, "/page/0"));
	assert_false(present(c, "/page/60"));
	/* an entry larger than the whole cache is refused */
	assert_int_equal(insert(c, "/huge", 200000, 1, NULL, 0), -1);
	assert_false(present(c, "/huge"));
	cache_free(c);
}

static void test_read_entries_get_a_second_chance(void **state)
{
	(void)state;
	struct cache_entry *probe = new_entry("/p", 4000, 1, NULL, 0);
	size_t one = probe->size;
	cache_entry_release(probe);
	struct cache *c = cache_new(3 * one + one / 2, 300); /* room for three */
	insert(c, "/a", 4000, 1, NULL, 0);
	insert(c, "/b", 4000, 1, NULL, 0);
	insert(c, "/c", 4000, 1, NULL, 0);
	assert_true(present(c, "/a")); /* the oldest, but read */
	insert(c, "/d", 4000, 1, NULL, 0);
	assert_true(present(c, "/a"));
	assert_false(present(c, "/b")); /* the oldest not read since */
	assert_true(present(c, "/c"));
	assert_true(present(c, "/d"));
	/* a chance is not forever: pages read no more than the others go in their turn */
	for (int i = 0; i < 4; i++) {
		char key[16];
		snprintf(key, sizeof key, "/n%d", i);
		insert(c, key, 4000, 1, NULL, 0);
	}
	assert_false(present(c, "/a"));
	assert_true(present(c, "/n3"));
	size_t n, bytes;
	cache_stats(c, &n, &bytes);
	assert_int_equal(n, 3);
	cache_free(c);
}

static void test_purge_removes_exactly_the_dependents(void **state)
{
	(void)state;
	struct cache *c = cache_new(1 << 20, 300);
	const char *a[] = {"article:1", "section:2", "latest:en"};
	const char *b[] = {"article:2", "section:2", "latest:en"};
	const char *f[] = {"front:ar", "latest:ar"};
	insert(c, "/en/a", 1000, 1, a, 3);
	insert(c, "/en/b", 1000, 2, b, 3);
	insert(c, "/ar/", 1000, 3, f, 2);
	const char *k1[] = {"article:1"};
	assert_int_equal(cache_remove_matching(c, k1, 1, 0), 1);
	assert_false(present(c, "/en/a"));
	assert_true(present(c, "/en/b"));
	assert_true(present(c, "/ar/"));
	const char *k2[] = {"nothing:9", "latest:en"};
	assert_int_equal(cache_remove_matching(c, k2, 2, 0), 1);
	assert_false(present(c, "/en/b"));
	assert_true(present(c, "/ar/"));
	/* a key is matched whole, not as a prefix */
	const char *k3[] = {"front:a", "latest"};
	assert_int_equal(cache_remove_matching(c, k3, 2, 0), 0);
	assert_true(present(c, "/ar/"));
	assert_int_equal(cache_remove_matching(c, NULL, 0, 1), 1);
	assert_false(present(c, "/ar/"));
	cache_free(c);
}

static void test_purge_during_render_is_not_stored(void **state)
{
	(void)state;
	struct cache *c = cache_new(1 << 20, 300);
	uint64_t gen;
	struct cache_entry *got;
	assert_int_equal(cache_fill_begin(c, "/en/", &got, &gen), CACHE_FILL);
	/* a write commits and purges while the page is being rendered from the old state */
	const char *k[] = {"front:en"};
	cache_remove_matching(c, k, 1, 0);
	struct cache_entry *e = new_entry("/en/", 1000, 1, k, 1);
	assert_int_equal(cache_insert(c, e, gen), -1);
	cache_fill_end(c, "/en/");
	cache_entry_release(e);
	assert_false(present(c, "/en/"));
	cache_free(c);
}

static void test_replacing_and_holding_entries(void **state)
{
	(void)state;
	struct cache *c = cache_new(1 << 20, 300);
	insert(c, "/en/", 1000, 1, NULL, 0);
	struct cache_entry *held;
	assert_int_equal(cache_lookup(c, "/en/", &held), CACHE_HIT);
	insert(c, "/en/", 1000, 2, NULL, 0); /* replaces it while a reply still holds the old one */
	assert_int_equal(held->article_id, 1);
	assert_non_null(held->body[CACHE_IDENTITY].data);
	struct cache_entry *now;
	assert_int_equal(cache_lookup(c, "/en/", &now), CACHE_HIT);
	assert_int_equal(now->article_id, 2);
	cache_entry_release(now);
	cache_free(c);
	cache_entry_release(held); /* outlives the cache: freed by the last holder (ASan checks) */
}

struct waiter {
	struct cache *c;
	enum cache_result result;
	int64_t article_id;
};

static void *wait_for_fill(void *arg)
{
	struct waiter *w = arg;
	struct cache_entry *e = NULL;
	uint64_t gen;
	w->result = cache_fill_begin(w->c, "/storm", &e, &gen);
	if (e) {
		w->article_id = e->article_id;
		cache_entry_release(e);
	}
	return NULL;
}

static void test_miss_storm_renders_once(void **state)
{
	(void)state;
	struct cache *c = cache_new(1 << 20, 300);
	uint64_t gen;
	struct cache_entry *e;
	assert_int_equal(cache_fill_begin(c, "/storm", &e, &gen), CACHE_FILL);
	struct waiter w[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct waiter){c, CACHE_MISS, 0};
		pthread_create(&th[i], NULL, wait_for_fill, &w[i]);
	}
	usleep(100000); /* whether they are waiting yet or not, none may get to fill */
	e = new_entry("/storm", 1000, 42, NULL, 0);
	assert_int_equal(cache_insert(c, e, gen), 0);
	cache_entry_release(e);
	cache_fill_end(c, "/storm");
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].result, CACHE_HIT);
		assert_int_equal(w[i].article_id, 42);
	}
	/* a fill that stores nothing lets the waiters render for themselves */
	assert_int_equal(cache_fill_begin(c, "/none", &e, &gen), CACHE_FILL);
	cache_fill_end(c, "/none");
	assert_int_equal(cache_fill_begin(c, "/none", &e, &gen), CACHE_FILL);
	cache_fill_end(c, "/none");
	cache_free(c);
}

static void test_expired_entry_is_refilled(void **state)
{
	(void)state;
	struct cache *c = cache_new(1 << 20, 1);
	insert(c, "/en/", 1000, 1, NULL, 0);
	struct cache_entry *e;
	assert_int_equal(cache_lookup(c, "/en/", &e), CACHE_HIT);
	cache_entry_release(e);
	/* age it past its lifetime */
	assert_int_equal(cache_lookup(c, "/en/", &e), CACHE_HIT);
	e->stored_at -= 5;
	cache_entry_release(e);
	assert_int_equal(cache_lookup(c, "/en/", &e), CACHE_MISS);
	uint64_t gen;
	assert_int_equal(cache_fill_begin(c, "/en/", &e, &gen), CACHE_FILL);
	/* while it is refilled, others get the expired copy rather than waiting */
	assert_int_equal(cache_lookup(c, "/en/", &e), CACHE_HIT);
	assert_int_equal(e->article_id, 1);
	cache_entry_release(e);
	cache_fill_end(c, "/en/");
	cache_free(c);
}

/* An entry showing something that ends (a breaking banner's expiry: serve_until) is not served from then
 * on, not even as the expired copy handed out while another request refills it. */
static void test_entry_not_served_past_its_end(void **state)
{
	(void)state;
	struct cache *c = cache_new(1 << 20, 300);
	insert(c, "/en/", 1000, 1, NULL, 0);
	struct cache_entry *e;
	assert_int_equal(cache_lookup(c, "/en/", &e), CACHE_HIT);
	e->serve_until = util_now() + 60; /* within its lifetime, before its end: served */
	cache_entry_release(e);
	assert_int_equal(cache_lookup(c, "/en/", &e), CACHE_HIT);
	e->serve_until = util_now(); /* its end has come */
	cache_entry_release(e);
	assert_int_equal(cache_lookup(c, "/en/", &e), CACHE_MISS);
	uint64_t gen;
	assert_int_equal(cache_fill_begin(c, "/en/", &e, &gen), CACHE_FILL);
	assert_int_equal(cache_lookup(c, "/en/", &e), CACHE_MISS); /* no stale copy during the refill */
	cache_fill_end(c, "/en/");
	cache_free(c);
}

/* A stand-in for the HTTP layer's prepared responses: a malloc'd block of MADE_BYTES, counted. */
#define MADE_BYTES 3000
static atomic_int made;

static void *make_block(struct cache_entry *e, int i, size_t *bytes)
{
	(void)e;
	atomic_fetch_add(&made, 1);
	usleep(20000); /* long enough for two threads asking at once both to make one */
	int *r = malloc(MADE_BYTES);
	r[0] = i;
	*bytes += MADE_BYTES;
	return r;
}

/* insert_native: inserts an entry for key whose prepared responses are make_block's; returns it held. */
static struct cache_entry *insert_native(struct cache *c, const char *key, size_t n)
{
	struct cache_entry *e = new_entry(key, n, 1, NULL, 0);
	e->native_free = free;
	uint64_t gen;
	struct cache_entry *got;
	assert_int_equal(cache_fill_begin(c, "/generation-probe", &got, &gen), CACHE_FILL);
	cache_fill_end(c, "/generation-probe");
	assert_int_equal(cache_insert(c, e, gen), 0);
	return e;
}

static size_t cache_bytes(struct cache *c)
{
	size_t n, bytes;
	cache_stats(c, &n, &bytes);
	return bytes;
}

struct asker {
	struct cache *c;
	struct cache_entry *e;
	void *got, *again;
};

static void *ask_native(void *arg)
{
	struct asker *a = arg;
	a->got = cache_native(a->c, a->e, 2, make_block);
	a->again = cache_native(a->c, a->e, 2, make_block);
	return NULL;
}

static void test_prepared_responses_made_once_and_counted(void **state)
{
	(void)state;
	struct cache *c = cache_new(1 << 20, 300);
	struct cache_entry *e = insert_native(c, "/en/a", 5000);
	/* the entry counts its heap, allocator overhead included: more than its bytes alone */
	size_t plain = e->body[CACHE_IDENTITY].len + e->body[CACHE_GZIP].len + e->body[CACHE_BROTLI].len;
	assert_true(e->size > plain + strlen(e->key));
	assert_int_equal(cache_bytes(c), e->size);

	/* nothing is made until asked for; then once per thread, and counted */
	atomic_store(&made, 0);
	size_t before = cache_bytes(c);
	int *r = cache_native(c, e, 0, make_block);
	assert_non_null(r);
	assert_int_equal(r[0], 0);
	assert_ptr_equal(cache_native(c, e, 0, make_block), r);
	assert_int_equal(atomic_load(&made), 1);
	assert_int_equal(cache_bytes(c), before + MADE_BYTES);

	/* threads have slots of their own (so they never share a response's lock), reused on every later
	 * hit; with one thread more than there are slots, two share one: if they ask at once, both make a
	 * response, one is kept for both and the other freed (ASan) */
	enum { N = CACHE_NATIVE_SLOTS + 1 };
	struct asker a[N];
	pthread_t th[N];
	atomic_store(&made, 0);
	for (int i = 0; i < N; i++) {
		a[i] = (struct asker){c, e, NULL, NULL};
		pthread_create(&th[i], NULL, ask_native, &a[i]);
	}
	for (int i = 0; i < N; i++)
		pthread_join(th[i], NULL);
	size_t distinct = 0;
	for (int i = 0; i < N; i++) {
		assert_non_null(a[i].got);
		assert_ptr_equal(a[i].again, a[i].got);
		int seen = 0;
		for (int k = 0; k < i; k++)
			seen |= a[k].got == a[i].got;
		distinct += !seen;
	}
	assert_int_equal(distinct, CACHE_NATIVE_SLOTS);
	assert_true(atomic_load(&made) >= CACHE_NATIVE_SLOTS && atomic_load(&made) <= N);
	assert_int_equal(cache_bytes(c), before + (1 + CACHE_NATIVE_SLOTS) * MADE_BYTES);

	/* removing the entry gives back all it was counted for */
	cache_remove_matching(c, NULL, 0, 1);
	assert_int_equal(cache_bytes(c), 0);
	/* made on an entry no longer in the table: not counted, freed with its last reference */
	assert_non_null(cache_native(c, e, 4, make_block));
	assert_int_equal(cache_bytes(c), 0);
	cache_entry_release(e);
	cache_free(c);
}

static void test_prepared_responses_evict_within_bound(void **state)
{
	(void)state;
	struct cache_entry *probe = new_entry("/probe", 4000, 1, NULL, 0);
	size_t one = probe->size;
	cache_entry_release(probe);
	/* room for two entries and a little more: a prepared response on the second evicts the first */
	struct cache *c = cache_new(2 * one + MADE_BYTES / 2, 300);
	struct cache_entry *a = insert_native(c, "/a", 4000);
	struct cache_entry *b = insert_native(c, "/b", 4000);
	cache_entry_release(a);
	assert_true(present(c, "/a")); /* (now the most recently used: b is the least) */
	assert_non_null(cache_native(c, b, 0, make_block));
	assert_false(present(c, "/a"));
	assert_true(present(c, "/b")); /* never the entry it was made for */
	assert_true(cache_bytes(c) <= 2 * one + MADE_BYTES / 2);
	cache_entry_release(b);
	cache_free(c);
}

static void test_pick_encoding(void **state)
{
	(void)state;
	unsigned all = 7, id_gz = 3, id_only = 1;
	assert_int_equal(cache_pick_encoding(NULL, all), CACHE_IDENTITY);
	assert_int_equal(cache_pick_encoding("", all), CACHE_IDENTITY);
	assert_int_equal(cache_pick_encoding("gzip", all), CACHE_GZIP);
	assert_int_equal(cache_pick_encoding("gzip, deflate, br", all), CACHE_BROTLI);
	assert_int_equal(cache_pick_encoding("gzip, deflate, br", id_gz), CACHE_GZIP);
	assert_int_equal(cache_pick_encoding("br", id_only), CACHE_IDENTITY);
	assert_int_equal(cache_pick_encoding("br;q=0.5, gzip;q=0.8", all), CACHE_GZIP);
	assert_int_equal(cache_pick_encoding("gzip;q=0.8", all), CACHE_GZIP); /* identity's implicit 1 */
	assert_int_equal(cache_pick_encoding("br;q=1.0, gzip;q=0.8", all), CACHE_BROTLI);
	assert_int_equal(cache_pick_encoding("BR ; Q=0.9 , GZip", all), CACHE_GZIP);
	assert_int_equal(cache_pick_encoding("gzip;q=0, br;q=0", all), CACHE_IDENTITY);
	assert_int_equal(cache_pick_encoding("*", all), CACHE_BROTLI);
	assert_int_equal(cache_pick_encoding("*;q=0.5, identity", all), CACHE_IDENTITY);
	assert_int_equal(cache_pick_encoding("identity;q=0, gzip", id_only), CACHE_IDENTITY);
	assert_int_equal(cache_pick_encoding("identity;q=0, gzip", all), CACHE_GZIP);
	assert_int_equal(cache_pick_encoding("x-gzip", all), CACHE_GZIP);
	assert_int_equal(cache_pick_encoding("identity;q=0.5, gzip;q=0.4", all), CACHE_IDENTITY);
	/* garbage: ignored entries, so identity unless something valid remains */
	const char *garbage[] = {"br;q=2", "br;q=abc", "gzip;q=", "gzip;;", "br q=1", ";;;,,,", "\x01\x02", "gzip;q=0.1234",
				 "compress", "br;level=5", NULL};
	for (int i = 0; garbage[i]; i++)
		assert_int_equal(cache_pick_encoding(garbage[i], all), CACHE_IDENTITY);
	assert_int_equal(cache_pick_encoding("nonsense;;q=1, gzip", all), CACHE_GZIP);
}

static void test_etag_matches(void **state)
{
	(void)state;
	const char *etag = "\"00ff-12\"";
	assert_true(cache_etag_matches("\"00ff-12\"", etag));
	assert_true(cache_etag_matches("W/\"00ff-12\"", etag));
	assert_true(cache_etag_matches("\"a\", \"00ff-12\"", etag));
	assert_true(cache_etag_matches(" \"a\" ,\t\"00ff-12\" ", etag));
	assert_true(cache_etag_matches("*", etag));
	assert_false(cache_etag_matches("\"00ff-12-gz\"", etag));
	assert_false(cache_etag_matches("00ff-12", etag));
	assert_false(cache_etag_matches("", etag));
	assert_false(cache_etag_matches(",,,", etag));
	assert_false(cache_etag_matches("\"00ff-1", etag));
	assert_false(cache_etag_matches("**", etag));
	assert_false(cache_etag_matches("W/", etag));
	assert_false(cache_etag_matches("\xff\xfe garbage \"", etag));
	char *t = cache_etag("abc", 3, "-br");
	assert_string_equal(t + strlen(t) - 5, "3-br\"");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bodies_decompress_to_identity),
		cmocka_unit_test(test_small_and_binary_bodies_stay_identity),
		cmocka_unit_test(test_surrogate_key_lists_deps),
		cmocka_unit_test(test_lru_stays_within_bound),
		cmocka_unit_test(test_read_entries_get_a_second_chance),
		cmocka_unit_test(test_purge_removes_exactly_the_dependents),
		cmocka_unit_test(test_purge_during_render_is_not_stored),
		cmocka_unit_test(test_replacing_and_holding_entries),
		cmocka_unit_test(test_miss_storm_renders_once),
		cmocka_unit_test(test_expired_entry_is_refilled),
		cmocka_unit_test(test_entry_not_served_past_its_end),
		cmocka_unit_test(test_prepared_responses_made_once_and_counted),
		cmocka_unit_test(test_prepared_responses_evict_within_bound),
		cmocka_unit_test(test_pick_encoding),
		cmocka_unit_test(test_etag_matches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
