/* test_cache_keys.c - the site's dependency keys (cache_keys.c): the exact spelling of every key (which
 * other nodes and CDNs rely on), recording a page's keys once, which keys each kind of change purges,
 * notes purged after the handler through the store, and a scan of src/ that no other file spells a key
 * or hands the store keys of its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "cache.h"
#include "cache_keys.h"
#include "http.h"
#include "util.h"

#define ARRAY_N(x) (sizeof(x) / sizeof((x)[0]))

/* The keys travel between nodes (NOTIFY payloads) and to CDNs (Surrogate-Key): these are the spellings
 * of every earlier version, byte for byte. */
static void test_key_spellings(void **state)
{
	(void)state;
	assert_string_equal(cache_key_article(12).text, "article:12");
	assert_string_equal(cache_key_comments(12).text, "comments:12");
	assert_string_equal(cache_key_section(3).text, "section:3");
	assert_string_equal(cache_key_tag(40).text, "tag:40");
	assert_string_equal(cache_key_author(7).text, "author:7");
	assert_string_equal(cache_key_front("en").text, "front:en");
	assert_string_equal(cache_key_latest("ar").text, "latest:ar");
	assert_string_equal(cache_key_mostread("en").text, "mostread:en");
	assert_string_equal(cache_key_feed("ar").text, "feed:ar");
	assert_string_equal(cache_key_sitemap().text, "sitemap");
	assert_string_equal(cache_key_api_list().text, "api:list");
	assert_string_equal(cache_key_settings().text, "settings");
	assert_string_equal(cache_key_live(31).text, "live:31");
	assert_string_equal(cache_key_breaking("ar").text, "breaking:ar");
	/* the widest id fits */
	assert_string_equal(cache_key_comments(INT64_MAX).text, "comments:9223372036854775807");
	assert_string_equal(cache_key_article(INT64_MIN).text, "article:-9223372036854775808");
	/* what is no edition code gives no key, rather than a cut one that some other page might match */
	char longer[CACHE_KEY_MAX + 8];
	memset(longer, 'e', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	assert_string_equal(cache_key_front(longer).text, "");
	assert_string_equal(cache_key_latest(NULL).text, "");
	assert_string_equal(cache_key_feed("").text, "");
}

/* request: a bare request with an arena, as a handler sees it. */
static struct http_request request(struct arena *a, struct app *app)
{
	struct http_request req;
	memset(&req, 0, sizeof req);
	req.arena = a;
	req.app = app;
	return req;
}

static void test_depend_records_each_key_once(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct http_request req = request(&a, NULL);
	cache_depend(&req, cache_key_settings());
	cache_depend(&req, cache_key_article(12));
	cache_depend(&req, cache_key_article(12));
	cache_depend(&req, cache_key_comments(12));
	cache_depend(&req, cache_key_settings());
	cache_depend(&req, cache_key_front(NULL)); /* no key: not recorded */
	assert_int_equal(req.ndeps, 3);
	assert_string_equal(req.deps[0], "settings");
	assert_string_equal(req.deps[1], "article:12");
	assert_string_equal(req.deps[2], "comments:12");
	/* a long list (a front page records every story) grows past the first allocation, in order */
	for (int64_t id = 100; id < 200; id++)
		cache_depend(&req, cache_key_article(id));
	assert_int_equal(req.ndeps, 103);
	assert_string_equal(req.deps[2], "comments:12");
	assert_string_equal(req.deps[3], "article:100");
	assert_string_equal(req.deps[102], "article:199");
	arena_free(&a);
}

/* expect_keys: set holds exactly want (in order) and can be purged by name. */
static void expect_keys(const struct cache_keyset *set, const char *const *want, size_t n)
{
	char got[2048] = "";
	for (size_t i = 0; i < set->n; i++)
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? " " : "", set->key[i].text);
	char expected[2048] = "";
	for (size_t i = 0; i < n; i++)
		snprintf(expected + strlen(expected), sizeof expected - strlen(expected), "%s%s", i ? " " : "", want[i]);
	assert_string_equal(got, expected);
	assert_int_equal(set->everything, 0);
}

static const int64_t TAGS[] = {5, 9};
static const int64_t AUTHORS[] = {11};

/* published_article: the facts of article 12 of the English edition: section 3, tags 5 and 9, author
 * 11, its Arabic translation 42. */
static struct cache_change_facts published_article(void)
{
	return (struct cache_change_facts){.found = 1, .published = 1, .edition = "en", .section_id = 3,
					   .tag_ids = TAGS, .ntags = ARRAY_N(TAGS), .author_ids = AUTHORS,
					   .nauthors = ARRAY_N(AUTHORS), .translation_id = 42};
}

static void test_article_status_change_keys(void **state)
{
	(void)state;
	struct cache_keyset set;
	struct cache_change_facts f = published_article();
	static const char *const status[] = {"article:12", "front:en", "feed:en", "section:3", "sitemap", "api:list",
					     "latest:en", "tag:5", "tag:9", "author:11", "article:42"};
	cache_keys_for_change(CACHE_ARTICLE_STATUS, 12, &f, &set);
	expect_keys(&set, status, ARRAY_N(status));
	/* taken down (or scheduled): it leaves the same pages it was on */
	f.published = 0;
	cache_keys_for_change(CACHE_ARTICLE_STATUS, 12, &f, &set);
	expect_keys(&set, status, ARRAY_N(status));
	/* no translation, no tags, no byline */
	f = (struct cache_change_facts){.found = 1, .published = 1, .edition = "ar", .section_id = 8};
	static const char *const bare[] = {"article:12", "front:ar", "feed:ar", "section:8", "sitemap", "api:list",
					   "latest:ar"};
	cache_keys_for_change(CACHE_ARTICLE_STATUS, 12, &f, &set);
	expect_keys(&set, bare, ARRAY_N(bare));
	/* deleted: only its own pages */
	f = (struct cache_change_facts){.found = 0};
	static const char *const gone[] = {"article:12"};
	cache_keys_for_change(CACHE_ARTICLE_STATUS, 12, &f, &set);
	expect_keys(&set, gone, ARRAY_N(gone));
}

static void test_article_edit_keys(void **state)
{
	(void)state;
	struct cache_keyset set;
	struct cache_change_facts f = published_article();
	/* an edit of a published article: what lists it, but not the latest news' membership */
	static const char *const edit[] = {"article:12", "front:en", "feed:en", "section:3", "sitemap", "api:list",
					   "tag:5", "tag:9", "author:11", "article:42"};
	cache_keys_for_change(CACHE_ARTICLE_EDITED, 12, &f, &set);
	expect_keys(&set, edit, ARRAY_N(edit));
	/* a draft, in review or scheduled: on no public page, nothing to purge */
	f.published = 0;
	cache_keys_for_change(CACHE_ARTICLE_EDITED, 12, &f, &set);
	expect_keys(&set, NULL, 0);
	f = (struct cache_change_facts){.found = 0};
	static const char *const gone[] = {"article:12"};
	cache_keys_for_change(CACHE_ARTICLE_EDITED, 12, &f, &set);
	expect_keys(&set, gone, ARRAY_N(gone));
}

/* An article listed among other articles' related stories: its publication, take-down and edits purge
 * those articles' pages (a story just published joins their list, one taken down leaves it). */
static void test_related_keys(void **state)
{
	(void)state;
	struct cache_keyset set;
	static const int64_t CITED_BY[] = {30, 31};
	struct cache_change_facts f = {.found = 1, .published = 1, .edition = "en", .section_id = 3,
				       .cited_by = CITED_BY, .ncited_by = ARRAY_N(CITED_BY)};
	static const char *const status[] = {"article:12", "front:en", "feed:en", "section:3", "sitemap", "api:list",
					     "latest:en", "article:30", "article:31"};
	cache_keys_for_change(CACHE_ARTICLE_STATUS, 12, &f, &set);
	expect_keys(&set, status, ARRAY_N(status));
	f.published = 0; /* taken down: it leaves their lists */
	cache_keys_for_change(CACHE_ARTICLE_STATUS, 12, &f, &set);
	expect_keys(&set, status, ARRAY_N(status));
	f.published = 1;
	static const char *const edit[] = {"article:12", "front:en", "feed:en", "section:3", "sitemap", "api:list",
					   "article:30", "article:31"};
	cache_keys_for_change(CACHE_ARTICLE_EDITED, 12, &f, &set);
	expect_keys(&set, edit, ARRAY_N(edit));
}

static void test_comment_and_settings_keys(void **state)
{
	(void)state;
	struct cache_keyset set;
	struct cache_change_facts f = {.found = 1, .article_id = 12};
	static const char *const comments12[] = {"comments:12"};
	cache_keys_for_change(CACHE_COMMENT, 77, &f, &set); /* comment 77, on article 12 */
	expect_keys(&set, comments12, ARRAY_N(comments12));
	cache_keys_for_change(CACHE_COMMENTS, 12, &(struct cache_change_facts){0}, &set);
	expect_keys(&set, comments12, ARRAY_N(comments12));
	static const char *const settings[] = {"settings"};
	cache_keys_for_change(CACHE_SETTINGS, 0, &(struct cache_change_facts){0}, &set);
	expect_keys(&set, settings, ARRAY_N(settings));
	/* a live blog's entry changed, or it started or ended: its entries' pages alone, not article:<id> */
	static const char *const live31[] = {"live:31"};
	cache_keys_for_change(CACHE_LIVE, 31, &(struct cache_change_facts){0}, &set);
	expect_keys(&set, live31, ARRAY_N(live31));
	/* a breaking banner: every page of its edition; one that cannot be read: everything */
	static const char *const breaking_en[] = {"breaking:en"};
	cache_keys_for_change(CACHE_BREAKING, 5, &(struct cache_change_facts){.found = 1, .edition = "en"}, &set);
	expect_keys(&set, breaking_en, ARRAY_N(breaking_en));
	cache_keys_for_change(CACHE_BREAKING, 5, &(struct cache_change_facts){0}, &set);
	assert_int_equal(set.everything, 1);
	/* a comment that cannot be read: its article is unknown, so everything goes */
	f.found = 0;
	cache_keys_for_change(CACHE_COMMENT, 77, &f, &set);
	assert_int_equal(set.everything, 1);
}

static void test_too_many_keys_purge_everything(void **state)
{
	(void)state;
	int64_t tags[CACHE_KEYSET_MAX];
	for (size_t i = 0; i < ARRAY_N(tags); i++)
		tags[i] = (int64_t)i + 1;
	struct cache_change_facts f = published_article();
	f.tag_ids = tags;
	struct cache_keyset set;
	/* 8 keys of its own (article, front, feed, section, sitemap, api:list, latest, translation), its
	 * tags and one author: 63 keys are named, 64 are as many as a set holds and empty the cache instead */
	f.ntags = CACHE_KEYSET_MAX - 9 - 1;
	cache_keys_for_change(CACHE_ARTICLE_STATUS, 12, &f, &set);
	assert_int_equal(set.n, CACHE_KEYSET_MAX - 1);
	assert_int_equal(set.everything, 0);
	f.ntags++;
	cache_keys_for_change(CACHE_ARTICLE_STATUS, 12, &f, &set);
	assert_int_equal(set.everything, 1);
	f.ntags = ARRAY_N(tags);
	cache_keys_for_change(CACHE_ARTICLE_STATUS, 12, &f, &set);
	assert_int_equal(set.everything, 1);
	assert_int_equal(set.n, CACHE_KEYSET_MAX);
	/* a key that could not be built cannot be purged by name either */
	f = published_article();
	f.edition = "";
	cache_keys_for_change(CACHE_ARTICLE_EDITED, 12, &f, &set);
	assert_int_equal(set.everything, 1);
}

/* store: puts a page for target depending on deps into c. */
static void store(struct cache *c, const char *target, const char *const *deps, size_t ndeps)
{
	struct cache_page p = {.key = target, .content_type = "text/html; charset=utf-8", .body = "<p>page</p>",
			       .len = 11, .deps = deps, .ndeps = ndeps};
	struct cache_entry *e = cache_entry_new(&p), *got;
	uint64_t gen;
	assert_int_equal(cache_fill_begin(c, target, &got, &gen), CACHE_FILL);
	assert_int_equal(cache_insert(c, e, gen), 0);
	cache_fill_end(c, target);
	cache_entry_release(e);
}

/* cached: whether c serves target. */
static int cached(struct cache *c, const char *target)
{
	struct cache_entry *e;
	if (cache_lookup(c, target, &e) != CACHE_HIT)
		return 0;
	cache_entry_release(e);
	return 1;
}

/* Changes noted by a handler are purged, by the keys pages recorded through cache_depend, once
 * cache_purge_noted runs (routes_dispatch, after the commit): none before. Settings and an article's
 * comment settings name their keys without reading the store. */
static void test_noted_changes_purge_recorded_pages(void **state)
{
	(void)state;
	struct app app;
	memset(&app, 0, sizeof app);
	app.cache = cache_new(1 << 20, 300);
	struct arena a = ARENA_INIT;

	/* two pages render and record what they read */
	struct http_request page = request(&a, &app);
	cache_depend(&page, cache_key_article(12));
	cache_depend(&page, cache_key_comments(12));
	store(app.cache, "/en/2024/01/02/story", page.deps, page.ndeps);
	struct http_request other = request(&a, &app);
	cache_depend(&other, cache_key_article(13));
	cache_depend(&other, cache_key_comments(13));
	store(app.cache, "/en/2024/01/03/other", other.deps, other.ndeps);
	struct http_request list = request(&a, &app);
	cache_depend(&list, cache_key_settings());
	cache_depend(&list, cache_key_section(3));
	store(app.cache, "/en/section/world", list.deps, list.ndeps);
	const char *const unrelated[] = {"feed:en"};
	store(app.cache, "/en/rss.xml", unrelated, 1);

	/* a handler changes article 12's comment settings, twice */
	struct http_request write = request(&a, &app);
	cache_note(&write, CACHE_COMMENTS, 12);
	cache_note(&write, CACHE_COMMENTS, 12);
	assert_int_equal(write.nnotes, 1);
	assert_true(cached(app.cache, "/en/2024/01/02/story")); /* not before the handler is done */
	cache_purge_noted(&write);
	assert_int_equal(write.nnotes, 0);
	assert_false(cached(app.cache, "/en/2024/01/02/story"));
	assert_true(cached(app.cache, "/en/2024/01/03/other"));
	assert_true(cached(app.cache, "/en/section/world"));

	cache_note(&write, CACHE_SETTINGS, 0);
	cache_purge_noted(&write);
	assert_false(cached(app.cache, "/en/section/world"));
	assert_true(cached(app.cache, "/en/2024/01/03/other"));
	assert_true(cached(app.cache, "/en/rss.xml"));

	/* the Most read ranking moved (views thread): the pages showing it go */
	struct http_request front = request(&a, &app);
	cache_depend(&front, cache_key_mostread("en"));
	store(app.cache, "/en/", front.deps, front.ndeps);
	cache_purge_most_read(&app, "ar");
	assert_true(cached(app.cache, "/en/"));
	cache_purge_most_read(&app, "en");
	assert_false(cached(app.cache, "/en/"));
	assert_true(cached(app.cache, "/en/rss.xml"));

	arena_free(&a);
	cache_free(app.cache);
}

/* ---- the scan: no file but cache_keys.c spells a key ---- */

/* split_source: blanks out comments in code and reduces every string literal to "" there (newlines
 * kept, so positions stay on their lines), and copies each literal's contents into lits, one per line.
 * Character literals are skipped whole. */
static void split_source(const char *src, struct buf *code, struct buf *lits)
{
	const char *p = src;
	while (*p) {
		if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			end = end ? end + 2 : p + strlen(p);
			for (; p < end; p++)
				buf_append(code, *p == '\n' ? "\n" : " ", 1);
		} else if (p[0] == '/' && p[1] == '/') {
			while (*p && *p != '\n')
				p++;
		} else if (*p == '"' || *p == '\'') {
			char q = *p++;
			if (q == '"')
				buf_append(code, "\"\"", 2);
			while (*p && *p != q) {
				if (*p == '\\' && p[1]) {
					if (q == '"')
						buf_append(lits, p, 2);
					p += 2;
					continue;
				}
				if (q == '"')
					buf_append(lits, p, 1);
				p++;
			}
			if (*p)
				p++;
			if (q == '"')
				buf_append(lits, "\n", 1);
		} else {
			buf_append(code, p++, 1);
		}
	}
}

/* call_args: the text from after "name(" to its closing parenthesis, at most cap - 1 bytes. */
static void call_args(const char *open, char *out, size_t cap)
{
	int depth = 1;
	size_t n = 0;
	for (const char *p = open; *p && depth > 0; p++) {
		depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
		if (depth > 0 && n + 1 < cap)
			out[n++] = *p;
	}
	out[n] = '\0';
}

/* is_ident: whether c may be part of a C identifier. */
static int is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* scan_file: appends to problems what file (named name) does that only cache_keys.c (and, for the
 * string-keyed entry points, cache.c) may: hand the store keys as strings, record a key that is not a
 * constructor's, or hold a string literal shaped like a key. */
static void scan_file(const char *name, const char *src, regex_t *key_shape, struct buf *problems)
{
	if (strcmp(name, "cache_keys.c") == 0 || strcmp(name, "cache_keys.h") == 0)
		return;
	struct buf code = BUF_INIT, lits = BUF_INIT;
	split_source(src, &code, &lits);
	const char *text = buf_cstr(&code);
	static const char *const string_keyed[] = {"cache_purge_keys", "cache_remove_matching"};
	for (size_t i = 0; i < ARRAY_N(string_keyed) && strcmp(name, "cache.c") != 0 && strcmp(name, "cache.h") != 0;
	     i++) {
		size_t len = strlen(string_keyed[i]);
		for (const char *p = strstr(text, string_keyed[i]); p; p = strstr(p + len, string_keyed[i]))
			if ((p == text || !is_ident(p[-1])) && !is_ident(p[len]))
				buf_printf(problems, "%s: calls %s (keys are named through cache_keys.h)\n", name,
					   string_keyed[i]);
	}
	for (const char *p = strstr(text, "cache_depend("); p; p = strstr(p + 1, "cache_depend(")) {
		if (p > text && is_ident(p[-1]))
			continue;
		char args[512];
		call_args(p + strlen("cache_depend("), args, sizeof args);
		if (strchr(args, '"') || !strstr(args, "cache_key_"))
			buf_printf(problems, "%s: cache_depend(%s) is not given a cache_key_ constructor\n", name, args);
	}
	char *all = strdup(buf_cstr(&lits));
	char *save = NULL;
	for (char *lit = strtok_r(all, "\n", &save); lit; lit = strtok_r(NULL, "\n", &save))
		if (regexec(key_shape, lit, 0, NULL, 0) == 0)
			buf_printf(problems, "%s: the literal \"%s\" spells a cache key\n", name, lit);
	free(all);
	buf_free(&code);
	buf_free(&lits);
}

/* key_shape_compile: the shape of a key in a string literal: a kind (taken from the constructors
 * themselves) and a colon, then nothing (the rest concatenated), a printf conversion, an id, an edition
 * code or "list". */
static void key_shape_compile(regex_t *re)
{
	const struct cache_key kinds[] = {cache_key_article(1), cache_key_comments(1), cache_key_section(1),
					  cache_key_tag(1),     cache_key_author(1),   cache_key_front("en"),
					  cache_key_latest("en"), cache_key_mostread("en"), cache_key_feed("en"),
					  cache_key_api_list()};
	struct buf b = BUF_INIT;
	buf_printf(&b, "^(");
	for (size_t i = 0; i < ARRAY_N(kinds); i++)
		buf_printf(&b, "%s%.*s", i ? "|" : "", (int)strcspn(kinds[i].text, ":"), kinds[i].text);
	buf_printf(&b, "):(%%[-+ #0-9.*a-zA-Z]*|[0-9]*|[a-z][a-z]|list)$");
	assert_int_equal(regcomp(re, buf_cstr(&b), REG_EXTENDED | REG_NOSUB), 0);
	buf_free(&b);
}

/* count: occurrences of needle in s. */
static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Every file of src/ is read (from the repository root, where tests/run-all.sh runs the unit tests):
 * outside cache_keys.c no file formats a key ("article:%lld", "latest:%s", "front:en" ...), records one
 * that is not a constructor's, or calls the store's string-keyed purges (cache.c itself excepted). The
 * compiler already refuses cache_depend(req, "article:%lld", id); this also catches the other ways
 * around (a hand-made key handed to cache_purge_keys, as the Most read purge once was). */
static void test_no_key_spelt_outside_cache_keys(void **state)
{
	(void)state;
	regex_t key_shape;
	key_shape_compile(&key_shape);
	DIR *d = opendir("src");
	if (!d)
		fail_msg("cannot read src/: run the suite from the repository root (tests/run-all.sh does)");
	struct buf problems = BUF_INIT;
	size_t files = 0;
	for (struct dirent *de; (de = readdir(d));) {
		size_t len = strlen(de->d_name);
		if (len < 3 || (strcmp(de->d_name + len - 2, ".c") != 0 && strcmp(de->d_name + len - 2, ".h") != 0))
			continue;
		char path[512];
		snprintf(path, sizeof path, "src/%s", de->d_name);
		char *src = util_read_file(path, NULL);
		assert_non_null(src);
		scan_file(de->d_name, src, &key_shape, &problems);
		free(src);
		files++;
	}
	closedir(d);
	regfree(&key_shape);
	assert_true(files > 50); /* the scan found the sources at all */
	if (problems.len) {
		fprintf(stderr, "%s", buf_cstr(&problems));
		buf_free(&problems);
		fail_msg("cache keys spelt outside src/cache_keys.c (listed above)");
	}
	buf_free(&problems);

	/* and the scan does see what it looks for */
	struct buf seen = BUF_INIT;
	key_shape_compile(&key_shape);
	scan_file("page_x.c",
		  "static void f(struct http_request *req, long long id) {\n"
		  "\t/* \"article:%lld\" in a comment is fine */\n"
		  "\tcache_depend(req, \"article:%lld\", id);\n"
		  "\tconst char *k[] = {\"latest:en\"};\n"
		  "\tcache_purge_keys(req->app, k, 1);\n"
		  "\tlog_info(\"tag:%s,%04d:article-%lld\", \"x\", 2024, id);\n"
		  "}\n",
		  &key_shape, &seen);
	regfree(&key_shape);
	const char *s = buf_cstr(&seen);
	assert_non_null(strstr(s, "page_x.c: calls cache_purge_keys"));
	assert_non_null(strstr(s, "page_x.c: cache_depend(req, \"\", id) is not given a cache_key_ constructor"));
	assert_non_null(strstr(s, "the literal \"article:%lld\" spells a cache key"));
	assert_non_null(strstr(s, "the literal \"latest:en\" spells a cache key"));
	assert_null(strstr(s, "tag:%s")); /* an Atom tag: URI is not a key */
	assert_int_equal(count(s, "spells a cache key"), 2); /* not the one in a comment */
	assert_int_equal(count(s, "\n"), 4);
	buf_free(&seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_spellings),
		cmocka_unit_test(test_depend_records_each_key_once),
		cmocka_unit_test(test_article_status_change_keys),
		cmocka_unit_test(test_article_edit_keys),
		cmocka_unit_test(test_related_keys),
		cmocka_unit_test(test_comment_and_settings_keys),
		cmocka_unit_test(test_too_many_keys_purge_everything),
		cmocka_unit_test(test_noted_changes_purge_recorded_pages),
		cmocka_unit_test(test_no_key_spelt_outside_cache_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
