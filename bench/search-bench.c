/* search-bench.c - the search benchmark of issue 6 (see bench/search.sh and bench/RESULTS.md).
 *
 *   search-bench gen SITE_DB N     adds N published articles (70% Arabic) to the site's store
 *   search-bench run SITE_DB       runs the query mix and prints p50/p95/p99 per class
 *   search-bench optimize SITE_DB  merges the index into one segment (db_search_maintain, as `broadsheet
 *                                  optimize` does)
 * Every command first brings the schema up to date (db_migrate), as the server does at start-up.
 *
 * Articles are made of words drawn with a Zipf distribution from a vocabulary: the words of the demo
 * content (the .md files of demo/content/ar and demo/content/en, most frequent first) followed by generated words for the long tail,
 * so a few words are in most articles and most words in very few, as in real news text. Published times
 * are spread evenly over the last ten years. Every article is written through db_article_insert, so the
 * FTS5 index and the terms column are filled by the real triggers and tokenizer; only the connection is
 * set for bulk work (no fsync, a 2 GB page cache), which made 1,000,000 articles take 19 minutes, not 66.
 *
 * A query is timed the way the search page runs it: parse, build the MATCH expression, then
 * search_run_window (count in the recent window, widen when too few, fetch the top 20 with snippets).
 * Deterministic: the generator and the query picks use a fixed seed. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "db_sqlite_int.h"
#include "pages.h"
#include "search.h"
#include "textnorm.h"
#include "util.h"

#define TAIL_WORDS 40000 /* generated words after the demo vocabulary, per language */
#define YEARS 10
#define BATCH 5000
#define REPEAT 21

struct vocab {
	char **w;
	size_t n, cap;
	double *cum; /* cumulative Zipf weights */
};

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

/* rng: xorshift64*; a fixed seed makes every run generate the same site. */
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717u;
}

static double rng_unit(void)
{
	return (double)(rng() >> 11) / (double)(1ull << 53);
}

struct count {
	char *w;
	long n;
};

static int by_count(const void *a, const void *b)
{
	const struct count *x = a, *y = b;
	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->w, y->w);
}

/* vocab_add: appends a copy of word w (owned by v). */
static void vocab_add(struct vocab *v, const char *w, size_t len)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 1024;
		v->w = realloc(v->w, v->cap * sizeof *v->w);
		if (!v->w)
			abort();
	}
	v->w[v->n] = strndup(w, len);
	if (!v->w[v->n])
		abort();
	v->n++;
}

/* load_words: the words of every .md file in dir (after its "---" header line), most frequent first,
 * into v. Words are runs of bytes that are not ASCII space or punctuation. Returns 0 or -1. */
static int load_words(const char *dir, struct vocab *v)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct count *c = NULL;
	size_t nc = 0, capc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, ".md"))
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		char word[256];
		size_t wl = 0;
		int ch;
		while ((ch = fgetc(f)) != EOF) {
			int sep = ch < 0x80 && !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'));
			if (!sep && wl < sizeof word - 1) {
				word[wl++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
				continue;
			}
			if (wl >= 2) {
				word[wl] = 0;
				size_t i = 0;
				while (i < nc && strcmp(c[i].w, word) != 0)
					i++;
				if (i == nc) {
					if (nc == capc) {
						capc = capc ? capc * 2 : 1024;
						c = realloc(c, capc * sizeof *c);
						if (!c)
							abort();
					}
					c[nc].w = strdup(word);
					c[nc++].n = 0;
				}
				c[i].n++;
			}
			wl = 0;
		}
		fclose(f);
	}
	closedir(d);
	qsort(c, nc, sizeof *c, by_count);
	for (size_t i = 0; i < nc; i++) {
		vocab_add(v, c[i].w, strlen(c[i].w));
		free(c[i].w);
	}
	free(c);
	return nc ? 0 : -1;
}

/* vocab_tail: appends TAIL_WORDS generated words: Arabic words are built from letters with the
 * prefixes and suffixes the stemmer strips, so the tail exercises it; English ones from syllables. */
static void vocab_tail(struct vocab *v, int arabic)
{
	static const char *const ar_letters[] = {"ب", "ت", "ث", "ج", "ح", "خ", "د", "ر", "ز", "س", "ش", "ص",
						 "ط", "ع", "غ", "ف", "ق", "ك", "ل", "م", "ن", "ه", "و", "ي"};
	static const char *const ar_pre[] = {"", "", "", "ال", "وال", "بال", "و", "ل"};
	static const char *const ar_suf[] = {"", "", "", "ات", "ون", "ة", "ين", "ها"};
	static const char *const en_syl[] = {"ka", "lo", "ri", "mon", "tes", "van", "dor", "pel", "sin", "gra",
					     "bu", "fen", "hol", "qua", "zer", "ti", "nos", "lem", "car", "wid"};
	for (size_t i = 0; i < TAIL_WORDS; i++) {
		char w[128] = "";
		if (arabic) {
			strcat(w, ar_pre[rng() % 8]);
			for (int k = 0; k < 3 + (int)(rng() % 2); k++)
				strcat(w, ar_letters[rng() % 24]);
			strcat(w, ar_suf[rng() % 8]);
		} else {
			for (int k = 0; k < 3 + (int)(rng() % 2); k++)
				strcat(w, en_syl[rng() % 20]);
		}
		vocab_add(v, w, strlen(w));
	}
}

/* vocab_weights: Zipf-Mandelbrot weights 1 / (rank + 2.7), cumulated for sampling. */
static void vocab_weights(struct vocab *v)
{
	v->cum = malloc(v->n * sizeof *v->cum);
	if (!v->cum)
		abort();
	double s = 0;
	for (size_t i = 0; i < v->n; i++) {
		s += 1.0 / ((double)i + 2.7);
		v->cum[i] = s;
	}
}

/* vocab_pick: a word drawn with the Zipf weights (binary search over the cumulated weights). */
static const char *vocab_pick(const struct vocab *v)
{
	double x = rng_unit() * v->cum[v->n - 1];
	size_t lo = 0, hi = v->n - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v->cum[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return v->w[lo];
}

static void vocab_free(struct vocab *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->w[i]);
	free(v->w);
	free(v->cum);
}

/* words: appends n words of v to b, space-separated. */
static void words(struct buf *b, const struct vocab *v, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ' ');
		const char *w = vocab_pick(v);
		buf_append(b, w, strlen(w));
	}
}

static int load_vocab(struct vocab *ar, struct vocab *en)
{
	if (load_words("demo/content/ar", ar) < 0 || load_words("demo/content/en", en) < 0) {
		fprintf(stderr, "search-bench: run from the repository root (reads demo/content)\n");
		return -1;
	}
	vocab_tail(ar, 1);
	vocab_tail(en, 0);
	vocab_weights(ar);
	vocab_weights(en);
	return 0;
}

/* gen: adds n articles in transactions of BATCH. Returns 0 or 1. */
static int gen(struct db *db, long n)
{
	struct vocab v[2] = {{0}, {0}};
	if (load_vocab(&v[0], &v[1]) < 0)
		return 1;
	struct arena a = ARENA_INIT;
	struct db_section *secs[2];
	size_t nsecs[2];
	const char *eds[2] = {"ar", "en"};
	for (int e = 0; e < 2; e++)
		if (db_sections_list(db, &a, eds[e], &secs[e], &nsecs[e]) != DB_OK || nsecs[e] == 0) {
			fprintf(stderr, "search-bench: the site has no sections in %s (make it with 'demo')\n", eds[e]);
			return 1;
		}
	/* a generated archive is thrown away on a crash: no fsync, and a 2 GB page cache so the random-order
	 * index inserts (search_key, slug) stay in memory instead of re-reading pages */
	struct sq_conn *c = sq_conn((struct sq_db *)db);
	if (!c || sqlite3_exec(c->h, "PRAGMA synchronous = OFF; PRAGMA cache_size = -2000000;", NULL, NULL, NULL) !=
			  SQLITE_OK)
		fprintf(stderr, "search-bench: cannot set the bulk pragmas (slower)\n");
	int64_t now = util_now();
	struct buf head = BUF_INIT, stand = BUF_INIT, body = BUF_INIT, html = BUF_INIT;
	char slug[64];
	time_t t0 = time(NULL);
	int rc = 0;
	for (long i = 0; i < n && !rc; i++) {
		if (i % BATCH == 0 && db_begin(db) != DB_OK)
			return 1;
		int e = rng() % 10 < 7 ? 0 : 1;
		buf_reset(&head);
		buf_reset(&stand);
		buf_reset(&body);
		buf_reset(&html);
		words(&head, &v[e], 8);
		words(&stand, &v[e], 20);
		for (int p = 0; p < 4; p++) {
			if (p)
				buf_lit(&body, "\n\n");
			words(&body, &v[e], 30 + (int)(rng() % 30));
		}
		buf_lit(&html, "<p>");
		buf_append(&html, body.data, body.len);
		buf_lit(&html, "</p>");
		snprintf(slug, sizeof slug, "bench-%ld", i);
		int64_t published = now - (int64_t)(rng_unit() * YEARS * 365.25 * 86400);
		struct db_article art = {
			.edition = eds[e], .slug = slug, .headline = buf_cstr(&head), .standfirst = buf_cstr(&stand),
			.body_md = buf_cstr(&body), .body_html = buf_cstr(&html), .dateline = "", .status = "published",
			.section_id = secs[e][rng() % nsecs[e]].id, .created_at = published, .published_at = published,
			.updated_at = published,
		};
		int64_t id;
		if (db_article_insert(db, &art, &id) != DB_OK)
			rc = 1;
		if ((i + 1) % BATCH == 0 || i + 1 == n || rc) {
			if (rc || db_commit(db) != DB_OK) {
				rc = 1;
				break;
			}
			if ((i + 1) % 50000 == 0 || i + 1 == n)
				fprintf(stderr, "search-bench: %ld articles (%lds)\n", i + 1, (long)(time(NULL) - t0));
		}
	}
	buf_free(&head);
	buf_free(&stand);
	buf_free(&body);
	buf_free(&html);
	arena_free(&a);
	vocab_free(&v[0]);
	vocab_free(&v[1]);
	return rc;
}

struct query {
	const char *cls, *edition;
	char q[256];
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* has_terms: the query parses to at least one search term (not only stop words). */
static int has_terms(const char *q)
{
	struct arena a = ARENA_INIT;
	struct search_query sq;
	search_parse(&a, q, strlen(q), &sq);
	int ok = sq.nterms > 0 && search_match_expr(&a, &sq) != NULL;
	arena_free(&a);
	return ok;
}

/* pick: the rank of the first word of v from rank `from` on that is a search term of at least four
 * bytes (not a stop word); v->n when none. */
static size_t pick(const struct vocab *v, size_t from)
{
	size_t i = from;
	while (i < v->n && !(strlen(v->w[i]) >= 4 && has_terms(v->w[i])))
		i++;
	return i;
}

/* add_query: appends the query text of class cls for edition ed. */
static void add_query(struct query *qs, size_t *n, const char *cls, const char *ed, const char *text)
{
	struct query *q = &qs[(*n)++];
	q->cls = cls;
	q->edition = ed;
	snprintf(q->q, sizeof q->q, "%s", text);
}

/* timed_search: one search as the page runs it (window `days`, top 20 with snippets). Sets *ms, *total,
 * *window. Returns 0 or -1. */
static int timed_search(struct db *db, const struct query *q, int64_t days, double *ms, int64_t *total,
			int64_t *window)
{
	struct arena a = ARENA_INIT;
	double t = now_ms();
	struct search_query sq;
	search_parse(&a, q->q, strlen(q->q), &sq);
	const char *match = search_match_expr(&a, &sq);
	struct db_search_query dq = {.edition = q->edition, .match = match, .parsed = &sq, .now = util_now(),
				     .half_life = 30 * 86400, .limit = 20,
				     .candidates = SEARCH_CANDIDATES};
	struct db_search_hit *hits = NULL;
	size_t n = 0;
	int rc = match ? search_run_window(db, &a, &dq, days, total, &hits, &n, window) : -1;
	*ms = now_ms() - t;
	arena_free(&a);
	return rc;
}

/* run: the query mix, REPEAT timed runs of each after one warm-up, with and without the recent window. */
static int run(struct db *db)
{
	struct vocab v[2] = {{0}, {0}};
	if (load_vocab(&v[0], &v[1]) < 0)
		return 1;
	const char *eds[2] = {"ar", "en"};
	struct query qs[64];
	size_t nq = 0;
	char buf[256];
	for (int e = 0; e < 2; e++) {
		const struct vocab *w = &v[e];
		size_t common[3], medium[3], rare[3];
		for (int k = 0; k < 3; k++) { /* the most frequent terms, and around rank 300 and the tail */
			common[k] = pick(w, k ? common[k - 1] + 1 : 0);
			medium[k] = pick(w, 300 + (size_t)k * 40);
			rare[k] = pick(w, w->n - 10000 + (size_t)k * 1000);
			if (common[k] == w->n || medium[k] == w->n || rare[k] == w->n)
				return 1;
		}
		for (int k = 0; k < 3; k++) {
			add_query(qs, &nq, "common", eds[e], w->w[common[k]]);
			add_query(qs, &nq, "medium", eds[e], w->w[medium[k]]);
			add_query(qs, &nq, "rare", eds[e], w->w[rare[k]]);
		}
		snprintf(buf, sizeof buf, "%s %s", w->w[common[0]], w->w[common[1]]);
		add_query(qs, &nq, "common AND common", eds[e], buf);
		snprintf(buf, sizeof buf, "%s %s", w->w[common[2]], w->w[medium[0]]);
		add_query(qs, &nq, "common AND medium", eds[e], buf);
		snprintf(buf, sizeof buf, "\"%s %s\"", w->w[common[0]], w->w[common[1]]);
		add_query(qs, &nq, "phrase", eds[e], buf);
		/* a prefix: the first three letters (bytes of whole characters) of a medium word; then (added
		 * after the prefix index) two and four letters, the shortest indexed length and the first one
		 * that is not */
		const char *m = w->w[medium[1]];
		for (int want = 3; want >= 2; want--) {
			size_t len = 0, chars = 0;
			while (m[len] && chars < (size_t)(want == 3 ? 3 : 2)) {
				len++;
				while (((unsigned char)m[len] & 0xC0) == 0x80)
					len++;
				chars++;
			}
			snprintf(buf, sizeof buf, "%.*s*", (int)len, m);
			add_query(qs, &nq, want == 3 ? "prefix" : "prefix 2 or 4 letters", eds[e], buf);
		}
		const char *m4 = w->w[medium[0]];
		size_t len = 0, chars = 0;
		while (m4[len] && chars < 4) {
			len++;
			while (((unsigned char)m4[len] & 0xC0) == 0x80)
				len++;
			chars++;
		}
		snprintf(buf, sizeof buf, "%.*s*", (int)len, m4);
		add_query(qs, &nq, "prefix 2 or 4 letters", eds[e], buf);
	}
	static const char *const classes[] = {"common",	 "medium", "rare", "common AND common",
					      "common AND medium", "phrase", "prefix", "prefix 2 or 4 letters"};
	for (int mode = 0; mode < 2; mode++) {
		int64_t days = mode == 0 ? 365 : 0;
		printf("\n## %s\n\n", mode == 0 ? "As the search page runs it (last 365 days first, widening when fewer than 20)"
						: "Whole archive every time (no recent window)");
		printf("| query | class | edition | matches | window | p50 ms | p95 ms | p99 ms |\n");
		printf("| --- | --- | --- | ---: | --- | ---: | ---: | ---: |\n");
		double *all = malloc(nq * REPEAT * sizeof *all);
		double *cls_ms[8];
		size_t cls_n[8] = {0};
		for (int c = 0; c < 8; c++)
			cls_ms[c] = malloc(nq * REPEAT * sizeof(double));
		size_t na = 0;
		for (size_t i = 0; i < nq; i++) {
			double ms, t[REPEAT];
			int64_t total = 0, window = 0;
			if (timed_search(db, &qs[i], days, &ms, &total, &window) < 0) {
				fprintf(stderr, "search-bench: query %s failed\n", qs[i].q);
				return 1;
			}
			for (int r = 0; r < REPEAT; r++) {
				timed_search(db, &qs[i], days, &t[r], &total, &window);
				all[na++] = t[r];
				for (int c = 0; c < 8; c++)
					if (strcmp(classes[c], qs[i].cls) == 0)
						cls_ms[c][cls_n[c]++] = t[r];
			}
			qsort(t, REPEAT, sizeof *t, cmp_double);
			printf("| `%s` | %s | %s | %lld | %s | %.2f | %.2f | %.2f |\n", qs[i].q, qs[i].cls, qs[i].edition,
			       (long long)total, window ? "365 days" : "archive", t[REPEAT / 2], t[REPEAT * 95 / 100],
			       t[REPEAT - 1]);
		}
		printf("\n| class | runs | p50 ms | p95 ms | p99 ms |\n| --- | ---: | ---: | ---: | ---: |\n");
		for (int c = 0; c < 8; c++) {
			qsort(cls_ms[c], cls_n[c], sizeof(double), cmp_double);
			size_t k = cls_n[c];
			if (k)
				printf("| %s | %zu | %.2f | %.2f | %.2f |\n", classes[c], k, cls_ms[c][k / 2],
				       cls_ms[c][k * 95 / 100], cls_ms[c][k * 99 / 100]);
			free(cls_ms[c]);
		}
		qsort(all, na, sizeof *all, cmp_double);
		printf("| **all** | %zu | **%.2f** | **%.2f** | **%.2f** |\n", na, all[na / 2], all[na * 95 / 100],
		       all[na * 99 / 100]);
		free(all);
	}
	vocab_free(&v[0]);
	vocab_free(&v[1]);
	return 0;
}

/* optimize: db_search_maintain(db, 0): the index in one segment, as a newsroom would after a bulk import.
 * Returns 0 or 1. */
static int optimize(struct db *db)
{
	time_t t0 = time(NULL);
	if (db_search_maintain(db, 0) != DB_OK) {
		fprintf(stderr, "search-bench: optimize failed\n");
		return 1;
	}
	fprintf(stderr, "search-bench: optimized in %lds\n", (long)(time(NULL) - t0));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[1], "gen") == 0 && argc < 4)) {
		fprintf(stderr, "usage: search-bench gen SITE_DB N | run SITE_DB | optimize SITE_DB\n");
		return 64;
	}
	char err[512];
	struct db *db = db_open(argv[2], err, sizeof err);
	if (!db) {
		fprintf(stderr, "search-bench: %s\n", err);
		return 66;
	}
	int version;
	if (db_migrate(db, &version) != DB_OK) { /* as the server would at start-up */
		fprintf(stderr, "search-bench: the schema could not be brought up to date\n");
		db_close(db);
		return 70;
	}
	int rc = strcmp(argv[1], "gen") == 0 ? gen(db, atol(argv[3])) : strcmp(argv[1], "optimize") == 0 ? optimize(db) : run(db);
	db_close(db);
	return rc;
}
