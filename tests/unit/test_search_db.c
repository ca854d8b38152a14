/* test_search_db.c - search in the SQLite store: bs_rank (db_sqlite_search.c) scores rows as FTS5's bm25()
 * does when given the same idf, so the page ranks as before; the migration that adds the prefix index
 * upgrades an existing store whose articles are then found by two- and three-letter prefixes and pass
 * the check; the migration that adds body_text (issue 18) indexes typed blocks' text, not their keys;
 * db_search_maintain (broadsheet optimize, the scheduler's merge) leaves the answers unchanged. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "db_schema.h"
#include "search.h"

int sq_search_register(sqlite3 *h); /* db_sqlite_search.c */

#define NART 60
static const char *const vocab[] = {"oil",    "prices", "market", "rose",  "fell",   "minister", "said",
				    "talks",  "peace",  "city",   "water", "storm",  "economy",  "trade",
				    "school", "vote",   "budget", "crowd", "report", "harbour"};
#define NVOCAB (sizeof vocab / sizeof *vocab)

static uint64_t seed = 88172645463325252u;
static unsigned next_rand(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed >> 11);
}

/* text: n words of vocab into b (space-separated), skewed towards the first words. */
static void text(struct buf *b, int n)
{
	buf_reset(b);
	for (int i = 0; i < n; i++) {
		unsigned r = next_rand() % (NVOCAB * NVOCAB);
		unsigned k = 0;
		while ((k + 1) * (k + 1) <= r)
			k++; /* sqrt: low ranks are likelier */
		if (i)
			buf_putc(b, ' ');
		buf_append(b, vocab[NVOCAB - 1 - k], strlen(vocab[NVOCAB - 1 - k]));
	}
}

struct site {
	char dir[32], path[64];
	struct db *db;
	int64_t sec, now;
};

/* site_open: a new store in a temporary directory, migrated to the newest version, with one section. */
static void site_open(struct site *s)
{
	char err[256];
	snprintf(s->dir, sizeof s->dir, "/tmp/test_sdb_XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->path, sizeof s->path, "%s/site.db", s->dir);
	s->db = db_sqlite_open(s->path, 1, err, sizeof err);
	assert_non_null(s->db);
	int version = 0;
	assert_int_equal(db_migrate(s->db, &version), DB_OK);
	struct db_section sec = {.edition = "en", .slug = "world", .name = "World"};
	assert_int_equal(db_section_put(s->db, &sec, &s->sec), DB_OK);
	s->now = (int64_t)time(NULL);
}

static void site_close(struct site *s)
{
	db_close(s->db);
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf %s", s->dir);
	assert_int_equal(system(cmd), 0);
}

/* fill: NART published articles of random words, an hour apart, batch k of them (older as k grows). */
static void fill(struct site *s, int k)
{
	struct buf h = BUF_INIT, st = BUF_INIT, body = BUF_INIT;
	for (int i = 0; i < NART; i++) {
		char slug[32];
		snprintf(slug, sizeof slug, "a-%d-%d", k, i);
		text(&h, 4);
		text(&st, 6);
		text(&body, 8 + (int)(next_rand() % 16));
		int64_t t = s->now - (int64_t)(k * NART + i) * 3600;
		struct db_article art = {.edition = "en", .slug = slug, .headline = buf_cstr(&h),
					 .standfirst = buf_cstr(&st), .body_md = buf_cstr(&body), .body_html = "",
					 .dateline = "", .status = "published", .section_id = s->sec,
					 .created_at = t, .published_at = t, .updated_at = t};
		int64_t id;
		assert_int_equal(db_article_insert(s->db, &art, &id), DB_OK);
	}
	buf_free(&h);
	buf_free(&st);
	buf_free(&body);
}

/* raw: a second connection to the store with the tokenizer and bs_rank registered. */
static sqlite3 *raw(const struct site *s)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open(s->path, &h), SQLITE_OK);
	assert_int_equal(sq_search_register(h), 0);
	return h;
}

static int64_t count_of(sqlite3 *h, const char *sql, const char *arg)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* search_ids: the article ids of the first page (20) of q as the page runs it, best first. */
static size_t search_ids(struct db *db, const char *q, int64_t now, int64_t *ids)
{
	struct arena a = ARENA_INIT;
	struct search_query sq;
	search_parse(&a, q, strlen(q), &sq);
	struct db_search_query dq = {.edition = "en", .match = search_match_expr(&a, &sq), .parsed = &sq, .now = now,
				     .half_life = 30 * 86400, .limit = 20, .candidates = SEARCH_CANDIDATES};
	struct db_search_hit *hits;
	size_t n;
	int64_t total;
	assert_int_equal(db_search(db, &a, &dq, &hits, &n, &total), DB_OK);
	for (size_t i = 0; i < n; i++)
		ids[i] = hits[i].art.id;
	arena_free(&a);
	return n;
}

/* bs_rank with each phrase's exact idf is bm25() to the last bit, row by row; without idf (a one-phrase
 * query) it is bm25() divided by that phrase's idf, so it orders the rows the same. */
static void test_rank_is_bm25(void **state)
{
	(void)state;
	struct site s;
	site_open(&s);
	fill(&s, 0);
	sqlite3 *h = raw(&s);
	int64_t rows = count_of(h, "SELECT count(*) FROM articles", NULL);
	const char *terms[] = {"\"oil\"", "\"price\"", "\"market\" *"};
	double idf[3];
	for (int i = 0; i < 3; i++) {
		int64_t hits = count_of(h, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?1", terms[i]);
		assert_true(hits > 0 && hits <= rows);
		idf[i] = log(((double)rows - (double)hits + 0.5) / ((double)hits + 0.5));
		if (idf[i] <= 0)
			idf[i] = 1e-6;
	}
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(h,
					    "SELECT bm25(articles_fts, 10.0, 4.0, 1.0), bs_rank(articles_fts, ?2, 10.0, "
					    "4.0, 1.0), bs_rank(articles_fts, NULL, 10.0, 4.0, 1.0) FROM articles_fts "
					    "WHERE articles_fts MATCH ?1",
					    -1, &st, NULL),
			 SQLITE_OK);
	/* two and three phrases with their idf; one phrase without */
	const char *queries[] = {"\"oil\" \"price\"", "\"oil\" \"price\" \"market\" *", "\"price\""};
	for (int q = 0; q < 3; q++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, queries[q], -1, SQLITE_STATIC);
		if (q < 2)
			sqlite3_bind_blob(st, 2, idf, (int)sizeof idf, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 2);
		int n = 0;
		while (sqlite3_step(st) == SQLITE_ROW) {
			double bm = sqlite3_column_double(st, 0), ours = sqlite3_column_double(st, 1),
			       plain = sqlite3_column_double(st, 2);
			assert_true(bm < 0);
			if (q < 2)
				assert_true(fabs(bm - ours) <= 1e-12 * fabs(bm));
			else
				assert_true(fabs(bm - plain * idf[1]) <= 1e-12 * fabs(bm));
			n++;
		}
		assert_true(n > 0);
	}
	sqlite3_finalize(st);

	/* the page's order is the order bm25() with the recency factor gives (on a store smaller than the
	 * idf sample the idf is exact) */
	const char *page_q[] = {"oil prices", "market rose fell", "prices", "pri*", "oil pri*"};
	assert_int_equal(sqlite3_prepare_v2(
				 h,
				 "SELECT a.id FROM articles_fts JOIN articles a ON a.search_key = articles_fts.rowid "
				 "WHERE articles_fts MATCH ?1 AND a.edition = 'en' ORDER BY bm25(articles_fts, 10.0, 4.0, 1.0) "
				 "* (1.0 + 2592000.0 / (2592000 + max(0, ?2 - coalesce(a.published_at, a.created_at)))), "
				 "articles_fts.rowid DESC LIMIT 20",
				 -1, &st, NULL),
			 SQLITE_OK);
	for (size_t q = 0; q < sizeof page_q / sizeof *page_q; q++) {
		int64_t ids[20], want[20];
		size_t n = search_ids(s.db, page_q[q], s.now, ids), m = 0;
		struct arena a = ARENA_INIT;
		struct search_query sq;
		search_parse(&a, page_q[q], strlen(page_q[q]), &sq);
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, search_match_expr(&a, &sq), -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, s.now);
		while (sqlite3_step(st) == SQLITE_ROW)
			want[m++] = sqlite3_column_int64(st, 0);
		arena_free(&a);
		assert_true(m > 1);
		assert_int_equal(n, m);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(ids[i], want[i]);
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	site_close(&s);
}

/* A store at the version before the prefix index (built by running the earlier migrations by hand, so
 * the test holds wherever the migration sits in the list), with articles in it: opening it upgrades it,
 * the index has the prefix option, every article is still found, by two- and three-letter prefixes too,
 * and the check passes. */
static void test_upgrade_adds_prefix_index(void **state)
{
	(void)state;
	size_t nmig, mine = 0;
	const struct db_migration *mig = db_schema_migrations(&nmig);
	while (mine < nmig && !strstr(mig[mine].name, "FTS5 prefix index"))
		mine++;
	assert_true(mine < nmig);
	char dir[] = "/tmp/test_sdb_XXXXXX", path[64], err[256], sql[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/site.db", dir);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sq_search_register(h), 0);
	for (size_t i = 0; i < mine; i++)
		assert_int_equal(sqlite3_exec(h, mig[i].sqlite, NULL, NULL, NULL), SQLITE_OK);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %zu", mine);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h,
				      "INSERT INTO sections(edition, slug, name) VALUES ('en', 'world', 'World');"
				      "INSERT INTO articles(edition, slug, headline, body_md, status, section_id, created_at, "
				      "published_at) VALUES ('en', 'one', 'Oil prices', 'The economy of the harbour', "
				      "'published', 1, 1700000000, 1700000000), ('en', 'two', 'Economists meet', "
				      "'Trade talks', 'published', 1, 1700003600, 1700003600), ('ar', 'three', "
				      "'الاقتصاد والتجارة', 'وزير الاقتصاد في اجتماع', 'published', 1, 1700007200, 1700007200), "
				      "('ar', 'four', 'اقتصاديون يجتمعون', 'المكتبة الوطنية', 'published', 1, 1700007300, "
				      "1700007300);",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	/* what each prefix matches without the prefix index (FTS5 merges the words that begin with it) */
	static const char *const prefixes[] = {"\"ec\" *",  "\"eco\" *",   "\"ha\" *",   "\"tr\" *",
					       "\"ال\" *", "\"الا\" *", "\"اق\" *", "\"اقت\" *",
					       "\"وز\" *", "\"وزي\" *", "\"الم\" *", "\"اقتص\" *"};
	enum { NPREFIX = sizeof prefixes / sizeof *prefixes };
	int64_t matched[NPREFIX][4];
	static const char match_sql[] = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?1 ORDER BY rowid";
	for (int i = 0; i < NPREFIX; i++) {
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(h, match_sql, -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_text(st, 1, prefixes[i], -1, SQLITE_STATIC);
		int n = 0;
		while (sqlite3_step(st) == SQLITE_ROW)
			matched[i][n++] = sqlite3_column_int64(st, 0);
		while (n < 4)
			matched[i][n++] = 0;
		sqlite3_finalize(st);
	}
	assert_int_equal(count_of(h, "SELECT count(*) FROM sqlite_master WHERE name = 'articles_fts' AND sql LIKE ?1",
				  "%prefix%"),
			 0);
	sqlite3_close(h);

	struct db *db = db_sqlite_open(path, 0, err, sizeof err);
	assert_non_null(db);
	int version = 0;
	assert_int_equal(db_migrate(db, &version), DB_OK);
	assert_int_equal(version, (int)nmig);
	h = NULL;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(count_of(h, "SELECT count(*) FROM sqlite_master WHERE name = 'articles_fts' AND sql LIKE ?1",
				  "%prefix='2 3 4'%"),
			 1);
	assert_int_equal(count_of(h, "SELECT count(*) FROM sqlite_master WHERE name = ?1", "articles_search_filter"), 1);
	assert_int_equal(sq_search_register(h), 0);
	/* the prefix index answers exactly as the merge did, in both scripts */
	int nonempty = 0;
	for (int i = 0; i < NPREFIX; i++) {
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(h, match_sql, -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_text(st, 1, prefixes[i], -1, SQLITE_STATIC);
		int n = 0;
		while (sqlite3_step(st) == SQLITE_ROW) {
			assert_true(n < 4);
			assert_int_equal(sqlite3_column_int64(st, 0), matched[i][n++]);
		}
		assert_true(n == 4 || matched[i][n] == 0);
		nonempty += n > 0;
		sqlite3_finalize(st);
	}
	assert_int_equal(nonempty, NPREFIX);
	sqlite3_close(h);
	int64_t ids[20];
	const char *const finds_both[] = {"ec*", "eco*", "econom*"}, *const finds_one[] = {"oil", "harbour", "ha*", "tra*"};
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(search_ids(db, finds_both[i], 1700010000, ids), 2);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(search_ids(db, finds_one[i], 1700010000, ids), 1);
	struct arena a = ARENA_INIT;
	const char **problems;
	size_t n;
	assert_int_equal(db_check(db, &a, &problems, &n), DB_OK);
	assert_int_equal(n, 0);
	arena_free(&a);
	db_close(db);
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* A store at the version before body_text (issue 18), whose bodies hold an image block and a gallery:
 * opening it upgrades it, the migration fills body_text with blocks_text() of each body (computed in C
 * through bs_body_text), the index and the terms are made of it, so the captions' words find the
 * article and a block key ("media") or a media id does not, the snippet shows no key, and the check
 * passes. */
static void test_upgrade_fills_body_text(void **state)
{
	(void)state;
	size_t nmig, mine = 0;
	const struct db_migration *mig = db_schema_migrations(&nmig);
	while (mine < nmig && !strstr(mig[mine].name, "the body's plain text"))
		mine++;
	assert_true(mine < nmig);
	char dir[] = "/tmp/test_sdb_XXXXXX", path[64], err[256], sql[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/site.db", dir);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sq_search_register(h), 0);
	for (size_t i = 0; i < mine; i++)
		assert_int_equal(sqlite3_exec(h, mig[i].sqlite, NULL, NULL, NULL), SQLITE_OK);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %zu", mine);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h,
				      "INSERT INTO sections(edition, slug, name) VALUES ('en', 'world', 'World');"
				      "INSERT INTO articles(edition, slug, headline, body_md, status, section_id, created_at, "
				      "published_at) VALUES ('en', 'one', 'Harbour reopens', 'Ships are back.\n\n```image\n"
				      "media: 4711\nalt: Kingfisher over the quay\ncaption: Dredgers at work\n```\n\n"
				      "```gallery\ntitle: Lighthouse keepers\nmedia: 4712\ncaption: Saltmarsh ferries\n```\n', "
				      "'published', 1, 1700000000, 1700000000), ('en', 'two', 'Plain story', 'No blocks here.', "
				      "'published', 1, 1700003600, 1700003600);",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	/* before: the raw Markdown is indexed, keys and ids too */
	assert_int_equal(count_of(h, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?1", "media"), 1);
	sqlite3_close(h);

	struct db *db = db_sqlite_open(path, 0, err, sizeof err);
	assert_non_null(db);
	int version = 0;
	assert_int_equal(db_migrate(db, &version), DB_OK);
	assert_int_equal(version, (int)nmig);
	int64_t ids[20];
	const char *const finds[] = {"kingfisher", "dredgers", "lighthouse", "saltmarsh", "\"saltmarsh ferries\""};
	for (size_t i = 0; i < sizeof finds / sizeof *finds; i++)
		assert_int_equal(search_ids(db, finds[i], 1700010000, ids), 1);
	const char *const misses[] = {"media", "4711", "4712", "caption", "alt"};
	for (size_t i = 0; i < sizeof misses / sizeof *misses; i++)
		assert_int_equal(search_ids(db, misses[i], 1700010000, ids), 0);
	assert_int_equal(search_ids(db, "blocks", 1700010000, ids), 1);
	struct arena a = ARENA_INIT;
	struct search_query sq;
	search_parse(&a, "saltmarsh", 9, &sq);
	struct db_search_query dq = {.edition = "en", .match = search_match_expr(&a, &sq), .parsed = &sq,
				     .now = 1700010000, .half_life = 30 * 86400, .limit = 20, .candidates = SEARCH_CANDIDATES};
	struct db_search_hit *hits;
	size_t n;
	int64_t total;
	assert_int_equal(db_search(db, &a, &dq, &hits, &n, &total), DB_OK);
	assert_int_equal(n, 1);
	assert_non_null(strstr(hits[0].snippet, "Saltmarsh"));
	assert_null(strstr(hits[0].snippet, "media"));
	assert_null(strstr(hits[0].snippet, "caption:"));
	const char **problems;
	assert_int_equal(db_check(db, &a, &problems, &n), DB_OK);
	for (size_t i = 0; i < n; i++)
		print_error("%s\n", problems[i]);
	assert_int_equal(n, 0);
	arena_free(&a);
	db_close(db);
	h = NULL;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sq_search_register(h), 0);
	assert_int_equal(count_of(h, "SELECT count(*) FROM articles WHERE body_text LIKE ?1", "%Kingfisher over the quay%"), 1);
	assert_int_equal(count_of(h, "SELECT count(*) FROM articles WHERE body_text LIKE ?1 OR terms LIKE ?1", "%media%"), 0);
	assert_int_equal(count_of(h, "SELECT count(*) FROM articles WHERE terms LIKE ?1", "%saltmarsh%"), 1);
	sqlite3_close(h);
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* Merging the index, a bounded step (the scheduler's) or all of it (broadsheet optimize), changes no
 * answer: the same pages before and after, after more articles came in as separate segments. */
static void test_maintain_keeps_answers(void **state)
{
	(void)state;
	struct site s;
	site_open(&s);
	for (int k = 0; k < 6; k++)
		fill(&s, k); /* NART articles per call, one FTS5 segment per transaction or more */
	const char *qs[] = {"oil", "oil prices", "\"market rose\"", "ma*", "eco*", "harbour storm"};
	int64_t before[6][20], after[6][20];
	size_t nb[6];
	for (int q = 0; q < 6; q++)
		nb[q] = search_ids(s.db, qs[q], s.now, before[q]);
	/* the segments of the index: the rowids of articles_fts_data are segment id << 37 + page; the
	 * structure record (rowid 10) lists them, and a merge step rewrites it */
	static const char segments[] = "SELECT count(DISTINCT id >> 37) FROM articles_fts_data WHERE id >= 1 << 37";
	static const char structure[] = "SELECT count(*) FROM articles_fts_data WHERE id = 10 AND block = ?1";
	sqlite3 *h = raw(&s);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT block FROM articles_fts_data WHERE id = 10", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	size_t slen = (size_t)sqlite3_column_bytes(st, 0);
	char *was = malloc(slen + 1);
	memcpy(was, sqlite3_column_blob(st, 0), slen);
	sqlite3_finalize(st);
	assert_true(count_of(h, segments, NULL) > 1);
	assert_int_equal(db_search_maintain(s.db, 16), DB_OK);
	assert_int_equal(sqlite3_prepare_v2(h, structure, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, was, (int)slen, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0); /* the bounded step merged something */
	sqlite3_finalize(st);
	free(was);
	for (int q = 0; q < 6; q++) {
		assert_int_equal(search_ids(s.db, qs[q], s.now, after[q]), nb[q]);
		assert_memory_equal(before[q], after[q], nb[q] * sizeof(int64_t));
	}
	assert_true(count_of(h, segments, NULL) > 1);
	assert_int_equal(db_search_maintain(s.db, 0), DB_OK);
	assert_int_equal(count_of(h, segments, NULL), 1);
	sqlite3_close(h);
	for (int q = 0; q < 6; q++) {
		assert_true(nb[q] > 0);
		assert_int_equal(search_ids(s.db, qs[q], s.now, after[q]), nb[q]);
		assert_memory_equal(before[q], after[q], nb[q] * sizeof(int64_t));
	}
	site_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rank_is_bm25),
		cmocka_unit_test(test_upgrade_adds_prefix_index),
		cmocka_unit_test(test_upgrade_fills_body_text),
		cmocka_unit_test(test_maintain_keeps_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
