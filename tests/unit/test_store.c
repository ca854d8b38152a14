/* test_store.c - the store conformance suite: every operation src/db.h declares, called through the db_*
 * API (never the ops table) on a fresh SQLite site and on a fresh PostgreSQL database, with the same
 * scenario on each. Each scenario asserts concrete expected values on each engine (an operation that
 * returned nothing on both would fail) and writes a transcript of every field it read back (ids replaced
 * by the names the scenario gave its rows, since the engines number rows differently once an upsert or a
 * refused insert has used up a PostgreSQL sequence value); the two transcripts must then be equal, so a
 * field no assertion names still cannot drift. Where db.h documents a difference between the engines
 * (PostgreSQL claims webhook deliveries, SQLite has an online backup and a size cap ...) each engine is
 * held to its own documented answer and the transcript records only what both share.
 *
 * Coverage: test_coverage parses src/db.h and this file (both read from the working directory, the
 * repository root, as tests/run-all.sh runs it): every db_ function db.h declares must be called here, so
 * an operation added to db.h without a conformance case fails this suite.
 *
 * PostgreSQL: BROADSHEET_TEST_PG (a cluster's admin URL, as for the HTTP suite) when set, else a
 * throwaway cluster started with scripts/test-pg.sh and stopped at the end. Each scenario starts from a
 * fresh, migrated, empty store on both engines: the run migrates one SQLite file, which each scenario
 * copies, and one new PostgreSQL database (dropped at the end), which is emptied before each scenario
 * (ids restarted). BROADSHEET_TEST_TRANSCRIPTS=DIR keeps the transcripts. */
#include <errno.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "db_schema.h"
#include "db_stmt.h"
#include "migrate.h"
#include "search.h"

#define T0 INT64_C(1700000000) /* 2023-11-14 22:13:20 UTC: every time in the scenarios is relative to it */
#define ARRAY_N(x) (sizeof(x) / sizeof((x)[0]))

/* ---- the harness ---- */

enum engine { ENG_SQLITE, ENG_PG };

/* A name the scenario gave a row: kind 'a' article, 's' section, 't' tag, 'u' author, 'm' media, 'U' user,
 * 'c' comment, 'w' webhook, 'q' webhook queue row, 'k' API key, 'g' glossary entry, 'l' live entry. */
struct label {
	char kind;
	int64_t id;
	const char *name;
};

/* One engine's side of a scenario: its store, the arena results live in, the transcript and the names. */
struct eng {
	enum engine kind;
	const char *name; /* "sqlite" or "postgresql", in failure messages */
	struct db *db;
	char url[768];    /* what db_open was given */
	char dir[64];     /* SQLite: the temporary directory of site.db */
	struct arena a;
	struct buf log;
	struct label labels[96];
	size_t nlabels;
};

/* A scenario: a name, the function run on each engine, and the two engines it ran on. */
struct domain {
	const char *name;
	void (*run)(struct eng *e);
	struct eng e[2];
};

/* The PostgreSQL side of the run: the cluster, the run's database and a connection to it for DDL. */
static struct {
	char admin[512];   /* the cluster's admin URL */
	char cluster[64];  /* the directory of the cluster this suite started, "" when it was given one */
	char dbname[64];   /* the run's database */
	char dburl[640];   /* its URL */
	PGconn *conn;      /* to the run's database: empties it between scenarios */
	char empty[4096]; /* the statements that do */
} pg;

/* The SQLite template: a store migrated once per run, which each scenario copies. */
static struct {
	char dir[64], path[96];
} tmpl;

/* The checks below name the engine they failed on. They read the scenario's `e`. */
#define OK(call) expect_rc(e, (call), DB_OK, #call, __LINE__)
#define RC(call, want) expect_rc(e, (call), (want), #call, __LINE__)
#define EQ(got, want) expect_int(e, (int64_t)(got), (int64_t)(want), #got, __LINE__)
#define STR(got, want) expect_str(e, (got), (want), #got, __LINE__)
#define YES(cond) expect_true(e, (cond) ? 1 : 0, #cond, __LINE__)

/* expect_rc: fails the test unless the call returned want. */
static void expect_rc(const struct eng *e, int got, int want, const char *what, int line)
{
	if (got != want)
		fail_msg("[%s] line %d: %s returned %d, expected %d", e->name, line, what, got, want);
}

/* expect_int: fails the test unless got == want. */
static void expect_int(const struct eng *e, int64_t got, int64_t want, const char *what, int line)
{
	if (got != want)
		fail_msg("[%s] line %d: %s is %lld, expected %lld", e->name, line, what, (long long)got, (long long)want);
}

/* expect_str: fails the test unless got equals want (both NULL counts as equal). */
static void expect_str(const struct eng *e, const char *got, const char *want, const char *what, int line)
{
	if ((got == NULL) != (want == NULL) || (got && strcmp(got, want) != 0))
		fail_msg("[%s] line %d: %s is %s%s%s, expected %s%s%s", e->name, line, what, got ? "\"" : "",
			 got ? got : "NULL", got ? "\"" : "", want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
}

/* expect_true: fails the test unless ok. */
static void expect_true(const struct eng *e, int ok, const char *what, int line)
{
	if (!ok)
		fail_msg("[%s] line %d: expected %s", e->name, line, what);
}

/* tr: appends one line to the engine's transcript. */
static void tr(struct eng *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tr(struct eng *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&e->log, fmt, ap);
	va_end(ap);
	buf_putc(&e->log, '\n');
}

/* reg: names row id of the kind; returns id. */
static int64_t reg(struct eng *e, char kind, int64_t id, const char *name)
{
	assert_true(e->nlabels < ARRAY_N(e->labels));
	e->labels[e->nlabels++] = (struct label){kind, id, name};
	return id;
}

/* L: the name of row id of the kind: "-" for 0, "?ID" for a row the scenario did not name. */
static const char *L(struct eng *e, char kind, int64_t id)
{
	if (id == 0)
		return "-";
	for (size_t i = 0; i < e->nlabels; i++)
		if (e->labels[i].kind == kind && e->labels[i].id == id)
			return e->labels[i].name;
	return arena_printf(&e->a, "?%lld", (long long)id);
}

/* S: a string for the transcript: NULL shows as (null). */
static const char *S(const char *s)
{
	return s ? s : "(null)";
}

/* group: a translation group for the transcript: "g<id>" (db_article_set_translation's name, made from an
 * article id) shows the article's name instead of its id. */
static const char *group(struct eng *e, const char *g)
{
	if (!g || g[0] != 'g' || !g[1] || strspn(g + 1, "0123456789") != strlen(g + 1))
		return S(g);
	return arena_printf(&e->a, "g(%s)", L(e, 'a', strtoll(g + 1, NULL, 10)));
}

/* ---- opening fresh stores ---- */

/* url_for: admin with its database replaced by dbname, plus the query parameter extra (NULL: none). */
static void url_for(const char *admin, const char *dbname, const char *extra, char *out, size_t cap)
{
	const char *auth = strstr(admin, "://");
	assert_non_null(auth);
	auth += 3;
	size_t end = strcspn(auth, "/?");
	const char *query = strchr(auth + end, '?');
	int n = snprintf(out, cap, "%.*s/%s", (int)(auth - admin + end), admin, dbname);
	if (query && extra)
		n += snprintf(out + n, cap - (size_t)n, "%s&%s", query, extra);
	else if (query || extra)
		n += snprintf(out + n, cap - (size_t)n, "?%s", query ? query + 1 : extra);
	assert_true(n > 0 && (size_t)n < cap);
}

/* pg_exec: runs one SQL command on conn; fails the test with the server's message on error. */
static void pg_exec(PGconn *conn, const char *sql)
{
	PGresult *r = PQexec(conn, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("PostgreSQL refused %s: %s", sql, PQerrorMessage(conn));
	PQclear(r);
}

/* eng_url_with: the run's PostgreSQL URL with server settings (libpq's options, e.g.
 * "-cdefault_transaction_read_only%3Don"). */
static void eng_url_with(const char *options, char *out, size_t cap)
{
	char extra[256];
	snprintf(extra, sizeof extra, "options=%s", options);
	url_for(pg.admin, pg.dbname, extra, out, cap);
}

/* copy_file: copies the file src to dst (created). 0, or -1. */
static int copy_file(const char *src, const char *dst)
{
	FILE *in = fopen(src, "rb"), *out = in ? fopen(dst, "wb") : NULL;
	char chunk[65536];
	size_t got;
	int rc = in && out ? 0 : -1;
	while (rc == 0 && (got = fread(chunk, 1, sizeof chunk, in)) > 0)
		rc = fwrite(chunk, 1, got, out) == got ? 0 : -1;
	if (in)
		fclose(in);
	if (out && fclose(out) != 0)
		rc = -1;
	return rc;
}

/* eng_open: a fresh, migrated store of the kind: SQLite a copy of the migrated template file in a new
 * directory, PostgreSQL the run's database with every table but the editions emptied (ids restarted). */
static void eng_open(struct eng *e, enum engine kind)
{
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->name = kind == ENG_SQLITE ? "sqlite" : "postgresql";
	if (kind == ENG_SQLITE) {
		snprintf(e->dir, sizeof e->dir, "/tmp/test_store_XXXXXX");
		assert_non_null(mkdtemp(e->dir));
		char path[96];
		snprintf(path, sizeof path, "%s/site.db", e->dir);
		assert_int_equal(copy_file(tmpl.path, path), 0);
		snprintf(e->url, sizeof e->url, "sqlite:%s", path);
	} else {
		pg_exec(pg.conn, pg.empty);
		snprintf(e->url, sizeof e->url, "%s", pg.dburl);
	}
	char err[512] = "";
	e->db = db_open(e->url, err, sizeof err);
	if (!e->db)
		fail_msg("[%s] cannot open %s: %s", e->name, e->url, err);
	int version = 0;
	size_t nmig = 0;
	db_schema_migrations(&nmig);
	if (db_migrate(e->db, &version) != DB_OK || version != (int)nmig)
		fail_msg("[%s] the store is not at version %zu (%d)", e->name, nmig, version);
}

/* eng_close: closes the store (and removes a SQLite one; the PostgreSQL database is emptied by the next
 * scenario and dropped at the end of the run). */
static void eng_close(struct eng *e)
{
	db_close(e->db);
	e->db = NULL;
	if (e->kind == ENG_SQLITE && e->dir[0]) {
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf %s", e->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", e->dir);
	}
	arena_free(&e->a);
	buf_free(&e->log);
}

/* domain_setup: opens both engines' fresh stores for the scenario in *state. */
static int domain_setup(void **state)
{
	struct domain *d = *state;
	eng_open(&d->e[0], ENG_SQLITE);
	eng_open(&d->e[1], ENG_PG);
	return 0;
}

/* domain_teardown: closes and removes both stores (also after a failed check). */
static int domain_teardown(void **state)
{
	struct domain *d = *state;
	for (int i = 0; i < 2; i++)
		if (d->e[i].name)
			eng_close(&d->e[i]);
	return 0;
}

/* line_at: the line that starts at offset *pos of text (not NUL-terminated: length *len), and moves *pos
 * past it. */
static const char *line_at(const struct buf *b, size_t *pos, int *len)
{
	const char *s = b->data ? b->data + *pos : "";
	const char *nl = b->data ? memchr(s, '\n', b->len - *pos) : NULL;
	*len = nl ? (int)(nl - s) : (int)(b->data ? b->len - *pos : 0);
	*pos += (size_t)*len + (nl ? 1 : 0);
	return s;
}

/* keep_transcripts: with BROADSHEET_TEST_TRANSCRIPTS=DIR, writes each engine's transcript of the
 * scenario to DIR/NAME.ENGINE.txt (to read, or to diff when they drift). */
static void keep_transcripts(struct domain *d)
{
	const char *dir = getenv("BROADSHEET_TEST_TRANSCRIPTS");
	for (int i = 0; dir && *dir && i < 2; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s.%s.txt", dir, d->name, d->e[i].name);
		FILE *f = fopen(path, "w");
		if (!f)
			fail_msg("cannot write %s: %s", path, strerror(errno));
		fwrite(d->e[i].log.data ? d->e[i].log.data : "", 1, d->e[i].log.len, f);
		fclose(f);
	}
}

/* test_domain: runs the scenario on SQLite, then on PostgreSQL, then compares their transcripts line by
 * line: the first line that differs fails the test, with both versions. */
static void test_domain(void **state)
{
	struct domain *d = *state;
	for (int i = 0; i < 2; i++)
		d->run(&d->e[i]);
	keep_transcripts(d);
	const struct buf *s = &d->e[0].log, *p = &d->e[1].log;
	assert_true(s->len > 0);
	size_t ps = 0, pp = 0;
	for (int line = 1; ps < s->len || pp < p->len; line++) {
		int ls, lp;
		const char *a = line_at(s, &ps, &ls), *b = line_at(p, &pp, &lp);
		if (ls != lp || memcmp(a, b, (size_t)ls) != 0)
			fail_msg("%s: the engines drift at transcript line %d:\n  sqlite:     %.*s\n  postgresql: %.*s", d->name,
				 line, ls, a, lp, b);
	}
}

/* ---- the transcript's view of each result type: every field, ids by name ---- */

/* tr_section, tr_tag, tr_author, tr_media, tr_user, tr_key, tr_webhook, tr_job, tr_delivery: one result
 * of that type as a transcript line (or two), after the prefix p. */
static void tr_section(struct eng *e, const char *p, const struct db_section *s)
{
	tr(e, "%ssection %s %s/%s \"%s\" position=%d", p, L(e, 's', s->id), s->edition, s->slug, s->name, s->position);
}

static void tr_tag(struct eng *e, const char *p, const struct db_tag *t)
{
	tr(e, "%stag %s %s/%s \"%s\"", p, L(e, 't', t->id), t->edition, t->slug, t->name);
}

static void tr_author(struct eng *e, const char *p, const struct db_author *au)
{
	tr(e, "%sauthor %s %s/%s \"%s\" bio=\"%s\"", p, L(e, 'u', au->id), au->edition, au->slug, au->name, S(au->bio));
}

static void tr_media(struct eng *e, const char *p, const struct db_media *m)
{
	tr(e, "%smedia %s %s %s alt=\"%s\" focal=%d,%d caption=\"%s\" credit=\"%s\" copyright=\"%s\" keywords=\"%s\" "
	   "%dx%d created=%lld",
	   p, L(e, 'm', m->id), m->path, m->mime, S(m->alt), m->focal_x, m->focal_y, S(m->caption), S(m->credit),
	   S(m->copyright), S(m->keywords), m->width, m->height, (long long)m->created_at);
}

/* tr_article: every field of an article, the newsroom's included. */
static void tr_article(struct eng *e, const char *p, const struct db_article *r)
{
	tr(e, "%sarticle %s %s/%s \"%s\" standfirst=\"%s\" dateline=\"%s\" status=%s", p, L(e, 'a', r->id), r->edition,
	   r->slug, r->headline, r->standfirst, r->dateline, r->status);
	tr(e, "%s  body_md=%s body_html=%s", p, S(r->body_md), S(r->body_html));
	tr(e, "%s  section=%s %s \"%s\" lead=%s image=%s alt=%s %dx%d caption=\"%s\" credit=\"%s\"", p,
	   L(e, 's', r->section_id), r->section_slug, r->section_name, L(e, 'm', r->lead_media_id), S(r->image_path),
	   S(r->image_alt), r->image_width, r->image_height, r->lead_caption, r->lead_credit);
	tr(e, "%s  group=%s top=%d created=%lld published=%lld updated=%lld comments=%s closed=%d count=%lld", p,
	   group(e, r->translation_group), r->top_rank, (long long)r->created_at, (long long)r->published_at,
	   (long long)r->updated_at, S(r->comments_mode), r->comments_closed, (long long)r->comment_count);
	tr(e, "%s  version=%lld owner=%s (%s) scheduled=%lld expires=%lld", p, (long long)r->version,
	   L(e, 'U', r->owner_id), S(r->owner_login), (long long)r->scheduled_at, (long long)r->expires_at);
}

/* tr_articles: a list of articles, its length first. */
static void tr_articles(struct eng *e, const char *what, const struct db_article *v, size_t n)
{
	tr(e, "%s: %zu", what, n);
	for (size_t i = 0; i < n; i++)
		tr_article(e, "  ", &v[i]);
}

static void tr_user(struct eng *e, const char *p, const struct db_user *u)
{
	tr(e, "%suser %s %s \"%s\" %s pw=%s disabled=%d created=%lld email=%s", p, L(e, 'U', u->id), u->login,
	   u->display_name, u->role, S(u->pw_hash), u->disabled, (long long)u->created_at, S(u->email));
}

/* tr_comment: a comment with the fields of queue and export rows. */
static void tr_comment(struct eng *e, const char *p, const struct db_comment *c)
{
	tr(e, "%scomment %s on %s parent=%s \"%s\" \"%s\" %s created=%lld edited=%lld by=\"%s\" mine=%d", p,
	   L(e, 'c', c->id), L(e, 'a', c->article_id), L(e, 'c', c->parent_id), c->name, c->body, c->status,
	   (long long)c->created_at, (long long)c->edited_at, S(c->edited_by), c->mine);
	tr(e, "%s  article=%s/%s \"%s\" published=%lld ip=%s email=%s", p, S(c->article_edition), S(c->article_slug),
	   S(c->article_headline), (long long)c->article_published_at, S(c->ip_hash), S(c->email_hash));
}

/* tr_comments: a list of comments, its length first. */
static void tr_comments(struct eng *e, const char *what, const struct db_comment *v, size_t n)
{
	tr(e, "%s: %zu", what, n);
	for (size_t i = 0; i < n; i++)
		tr_comment(e, "  ", &v[i]);
}

static void tr_key(struct eng *e, const char *p, const struct db_api_key *k)
{
	tr(e, "%skey %s \"%s\" %s scopes=\"%s\" user=%s created=%lld expires=%lld revoked=%lld", p, L(e, 'k', k->id),
	   k->name, k->prefix, k->scopes, L(e, 'U', k->user_id), (long long)k->created_at, (long long)k->expires_at,
	   (long long)k->revoked_at);
	tr_user(e, "  ", &k->user);
}

static void tr_webhook(struct eng *e, const char *p, const struct db_webhook *w)
{
	tr(e, "%swebhook %s %s secret=%s events=%s active=%d created=%lld pending=%lld failed=%lld", p, L(e, 'w', w->id),
	   w->url, w->secret, w->events, w->active, (long long)w->created_at, (long long)w->pending, (long long)w->failed);
}

/* payload_norm: a webhook payload as sorted, compact JSON with the article's id by name (engines write
 * JSON with other spacing; webhook.c parses it). NULL when it is not a JSON object. */
static const char *payload_norm(struct eng *e, const char *payload)
{
	json_error_t err;
	json_t *j = json_loads(payload, 0, &err);
	if (!json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	json_t *id = json_object_get(j, "id");
	if (json_is_integer(id))
		json_object_set_new(j, "id", json_string(L(e, 'a', json_integer_value(id))));
	char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	const char *copy = arena_strdup(&e->a, s);
	free(s);
	json_decref(j);
	return copy;
}

static void tr_job(struct eng *e, const char *p, const struct db_webhook_job *j)
{
	tr(e, "%sjob %s webhook=%s %s %s %s secret=%s attempts=%d created=%lld", p, L(e, 'q', j->id),
	   L(e, 'w', j->webhook_id), j->event, S(payload_norm(e, j->payload)), j->url, j->secret, j->attempts,
	   (long long)j->created_at);
}

static void tr_delivery(struct eng *e, const char *p, const struct db_webhook_delivery *d)
{
	tr(e, "%sdelivery %s %s attempt=%d status=%d at=%lld ms=%lld error=\"%s\" state=%s", p, L(e, 'q', d->queue_id),
	   d->event, d->attempt, d->status, (long long)d->at, (long long)d->duration_ms, d->error, d->state);
}

/* ---- fixtures the scenarios share ---- */

/* put_section: a section named "edition/slug"; returns its id. */
static int64_t put_section(struct eng *e, const char *edition, const char *slug, const char *name, int position)
{
	struct db_section s = {.edition = edition, .slug = slug, .name = name, .position = position};
	int64_t id = 0;
	OK(db_section_put(e->db, &s, &id));
	YES(id > 0);
	return reg(e, 's', id, arena_printf(&e->a, "%s/%s", edition, slug));
}

/* put_ranked: an article whose text is made from its slug, created 50 s before it was published (at T0
 * when never), updated when published, a top story of that rank (0: not one); named slug. Returns its id. */
static int64_t put_ranked(struct eng *e, const char *edition, const char *slug, const char *status, int64_t section,
			  int64_t published_at, int top_rank)
{
	struct db_article art = {.edition = edition,
				 .slug = slug,
				 .headline = arena_printf(&e->a, "Headline of %s", slug),
				 .standfirst = arena_printf(&e->a, "Standfirst of %s", slug),
				 .body_md = arena_printf(&e->a, "Body of %s", slug),
				 .body_html = arena_printf(&e->a, "<p>Body of %s</p>", slug),
				 .status = status,
				 .section_id = section,
				 .created_at = published_at ? published_at - 50 : T0,
				 .published_at = published_at,
				 .updated_at = published_at,
				 .top_rank = top_rank};
	int64_t id = 0;
	OK(db_article_insert(e->db, &art, &id));
	YES(id > 0);
	return reg(e, 'a', id, slug);
}

/* put_article: put_ranked of an article that is not a top story. */
static int64_t put_article(struct eng *e, const char *edition, const char *slug, const char *status, int64_t section,
			   int64_t published_at)
{
	return put_ranked(e, edition, slug, status, section, published_at, 0);
}

/* put_user: a user with the login (its name too), role, password hash "hash-LOGIN", created at T0. */
static int64_t put_user(struct eng *e, const char *login, const char *role)
{
	struct db_user u = {.login = login, .display_name = arena_printf(&e->a, "The %s", login), .role = role,
			    .pw_hash = arena_printf(&e->a, "hash-%s", login), .created_at = T0};
	int64_t id = 0;
	OK(db_user_insert(e->db, &u, &id));
	YES(id > 0);
	return reg(e, 'U', id, login);
}

/* get_article: the newsroom's view of article id (any status), in the engine's arena. */
static struct db_article get_article(struct eng *e, int64_t id)
{
	struct db_article r;
	memset(&r, 0, sizeof r);
	OK(db_article_get_id(e->db, &e->a, id, &r));
	return r;
}

/* ---- scenario: the store itself (settings, transactions, handles, health, limits, backup) ---- */

/* Settings: missing, set, overwritten (one row), empty and non-ASCII values. */
static void store_settings(struct eng *e)
{
	const char *v = NULL;
	RC(db_setting_get(e->db, &e->a, "site_name", &v), DB_NOTFOUND);
	OK(db_setting_set(e->db, "site_name", "Broadsheet"));
	OK(db_setting_get(e->db, &e->a, "site_name", &v));
	STR(v, "Broadsheet");
	OK(db_setting_set(e->db, "site_name", "الصحيفة"));
	OK(db_setting_get(e->db, &e->a, "site_name", &v));
	STR(v, "الصحيفة");
	OK(db_setting_set(e->db, "empty", ""));
	const char *empty = NULL;
	OK(db_setting_get(e->db, &e->a, "empty", &empty));
	STR(empty, "");
	tr(e, "settings: site_name=%s empty=[%s]", v, empty);
}

/* Transactions: a rollback leaves nothing, a commit is seen by a second handle; rollback with nothing
 * open is DB_OK; a unique key taken is DB_CONFLICT. */
static void store_transactions(struct eng *e)
{
	const char *v = NULL;
	OK(db_begin(e->db));
	OK(db_setting_set(e->db, "tx", "rolled back"));
	OK(db_rollback(e->db));
	RC(db_setting_get(e->db, &e->a, "tx", &v), DB_NOTFOUND);
	OK(db_begin(e->db));
	OK(db_setting_set(e->db, "tx", "committed"));
	OK(db_commit(e->db));
	OK(db_rollback(e->db));
	char err[256] = "";
	struct db *other = db_open(e->url, err, sizeof err);
	YES(other != NULL);
	OK(db_setting_get(other, &e->a, "tx", &v));
	STR(v, "committed");
	int version = 0;
	size_t nmig = 0;
	db_schema_migrations(&nmig);
	OK(db_migrate(other, &version)); /* already there: nothing to do */
	EQ(version, nmig);
	db_close(other);
	put_user(e, "taken", "editor");
	struct db_user dup = {.login = "taken", .role = "editor", .pw_hash = "x", .created_at = T0};
	int64_t id = 0;
	RC(db_user_insert(e->db, &dup, &id), DB_CONFLICT);
	/* a statement refused inside a transaction: PostgreSQL aborts the transaction (what follows fails
	 * until it ends), SQLite goes on; either way db_commit says DB_OK only when the writes are there */
	OK(db_begin(e->db));
	RC(db_user_insert(e->db, &dup, &id), DB_CONFLICT);
	RC(db_setting_set(e->db, "after", "a conflict"), e->kind == ENG_SQLITE ? DB_OK : DB_ERROR);
	int committed = db_commit(e->db);
	OK(db_rollback(e->db));
	RC(db_setting_get(e->db, &e->a, "after", &v), committed == DB_OK ? DB_OK : DB_NOTFOUND);
	EQ(committed, e->kind == ENG_SQLITE ? DB_OK : DB_ERROR);
	tr(e, "transactions: tx=committed version=%d", version);
}

/* The constructors refuse what they cannot open, with a reason. */
static void store_constructors(struct eng *e)
{
	char err[512] = "";
	const char *bad = "/nonexistent-test-store-dir/site.db";
	if (e->kind == ENG_SQLITE) {
		YES(db_sqlite_open(bad, 0, err, sizeof err) == NULL);
		YES(strstr(err, "cannot open SQLite database") != NULL);
	} else {
		bad = "postgresql://postgres@127.0.0.1:1/none?connect_timeout=5";
		YES(db_pg_open(bad, err, sizeof err) == NULL);
		YES(strstr(err, "cannot connect to PostgreSQL") != NULL);
	}
	err[0] = '\0';
	YES(db_open(bad, err, sizeof err) == NULL);
	YES(err[0] != '\0');
	tr(e, "constructors: refused");
}

/* A thread of its own (with a connection of its own) reading the setting "tx": what it got. */
struct reader {
	struct db *db;
	int rc;
	char value[64];
};

/* reader_main: the thread's body (arg: a struct reader); returns NULL. */
static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct arena a = ARENA_INIT;
	const char *v = NULL;
	r->rc = db_setting_get(r->db, &a, "tx", &v);
	snprintf(r->value, sizeof r->value, "%s", v ? v : "");
	arena_free(&a);
	return NULL;
}

/* Health: ping, stats (one connection, then two once another thread read), the check on a clean store,
 * the planner statistics and the search index upkeep. */
static void store_health(struct eng *e)
{
	OK(db_ping(e->db));
	struct db_stats st;
	OK(db_stats(e->db, &st));
	EQ(st.connections, 1);
	EQ(st.connections_busy, -1);
	YES(st.size_bytes > 0);
	EQ(st.webhook_pending, 0);
	db_bulk_reads(e->db);
	struct reader r = {.db = e->db, .rc = -99};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, reader_main, &r), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	OK(r.rc);
	STR(r.value, "committed");
	OK(db_stats(e->db, &st));
	EQ(st.connections, 2);
	int64_t sec = put_section(e, "en", "world", "World", 1);
	for (int i = 0; i < 3; i++)
		put_article(e, "en", arena_printf(&e->a, "health-%d", i), "published", sec, T0 + i);
	int64_t n = 0;
	OK(db_analyze(e->db, 0, &n)); /* SQLite: no statistics yet, so they are made; PostgreSQL: never */
	EQ(n, e->kind == ENG_SQLITE ? 3 : -1);
	OK(db_analyze(e->db, 1, &n));
	EQ(n, 3);
	OK(db_analyze(e->db, 0, &n)); /* fresh for as many articles as there are: nothing runs */
	EQ(n, -1);
	OK(db_search_maintain(e->db, 10));
	OK(db_search_maintain(e->db, 0));
	const char **problems = NULL;
	size_t np = 99;
	OK(db_check(e->db, &e->a, &problems, &np));
	for (size_t i = 0; i < np; i++)
		fprintf(stderr, "[%s] check: %s\n", e->name, problems[i]);
	EQ(np, 0);
	tr(e, "health: reader=%s connections=%lld analyzed=%lld problems=%zu", r.value, (long long)st.connections,
	   (long long)n, np);
}

/* The size cap and db_trouble: a write the storage refuses leaves a sentence for readers, once. SQLite:
 * a cap below the file's size stops it growing (the storage is full); PostgreSQL refuses a cap (it is the
 * server's business) and a read-only session gives the read-only sentence. */
static void store_trouble(struct eng *e)
{
	STR(db_trouble(e->db), NULL);
	OK(db_limit_size(e->db, 0));
	struct db *db = e->db;
	char url[1024];
	if (e->kind == ENG_SQLITE) {
		OK(db_limit_size(e->db, 1));
	} else {
		RC(db_limit_size(e->db, 1), DB_ERROR);
		eng_url_with("-cdefault_transaction_read_only%3Don", url, sizeof url);
		char err[256] = "";
		db = db_open(url, err, sizeof err);
		YES(db != NULL);
	}
	static char value[(1 << 20) + 1]; /* a megabyte: more than the capped file can take */
	memset(value, 'x', sizeof value - 1);
	RC(db_setting_set(db, "big", value), DB_ERROR);
	const char *why = db_trouble(db);
	const char *prefix = "The site cannot save anything right now: ";
	YES(why != NULL && strncmp(why, prefix, strlen(prefix)) == 0);
	YES(strstr(why, e->kind == ENG_SQLITE ? "storage is full" : "read-only") != NULL);
	STR(db_trouble(db), NULL); /* told once */
	if (db != e->db)
		db_close(db);
	OK(db_limit_size(e->db, 0));
	OK(db_setting_set(e->db, "big", value));
	STR(db_trouble(e->db), NULL);
	tr(e, "trouble: told once");
}

/* Backup: SQLite writes a copy that opens and holds the settings; PostgreSQL refuses (pg_dump's job). */
static void store_backup(struct eng *e)
{
	char path[128], err[512] = "";
	snprintf(path, sizeof path, "%s/backup.db", e->dir);
	if (e->kind == ENG_PG) {
		RC(db_backup(e->db, "/tmp/test_store_never_written.db", err, sizeof err), DB_ERROR);
		YES(strstr(err, "no online backup") != NULL);
		YES(access("/tmp/test_store_never_written.db", F_OK) != 0);
	} else {
		OK(db_backup(e->db, path, err, sizeof err));
		struct db *copy = db_open(path, err, sizeof err);
		YES(copy != NULL);
		const char *v = NULL;
		OK(db_setting_get(copy, &e->a, "site_name", &v));
		STR(v, "الصحيفة");
		db_close(copy);
	}
	tr(e, "backup: as documented");
}

/* run_store: the store scenario, on one engine. */
static void run_store(struct eng *e)
{
	store_settings(e);
	store_transactions(e);
	store_constructors(e);
	store_health(e);
	store_trouble(e);
	store_backup(e);
}

/* ---- scenario: several nodes on one store (cache purges) ---- */

/* What a purge listener heard: the number of calls and the keys, space-separated, "*" for everything. */
struct heard {
	pthread_mutex_t mu;
	int calls;
	char keys[512];
};

/* on_purge: the db_purge_fn that records what it hears into arg (a struct heard). */
static void on_purge(void *arg, const char *const *keys, size_t n)
{
	struct heard *h = arg;
	pthread_mutex_lock(&h->mu);
	h->calls++;
	size_t len = strlen(h->keys);
	if (n == 0)
		snprintf(h->keys + len, sizeof h->keys - len, "%s*", len ? " " : "");
	for (size_t i = 0; i < n; i++) {
		len = strlen(h->keys);
		snprintf(h->keys + len, sizeof h->keys - len, "%s%s", len ? " " : "", keys[i]);
	}
	pthread_mutex_unlock(&h->mu);
}

/* has_token: whether the space-separated list holds word. */
static int has_token(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

/* heard_wait: publishes keys from `from` until the listener has heard want (the listener thread may not be
 * listening yet when the first goes out), at most 30 s. Returns what it heard. */
static void heard_wait(struct heard *h, struct db *from, const char *const *keys, size_t n, const char *want,
		       char *got, size_t cap)
{
	for (int i = 0; i < 3000; i++) {
		if (i % 20 == 0)
			assert_int_equal(db_purge_publish(from, keys, n), DB_OK);
		pthread_mutex_lock(&h->mu);
		int done = strstr(h->keys, want) != NULL;
		snprintf(got, cap, "%s", h->keys);
		pthread_mutex_unlock(&h->mu);
		if (done)
			return;
		usleep(10000);
	}
}

/* A purge published on one handle reaches the listener of another (PostgreSQL: NOTIFY), never the
 * publisher's own; SQLite serves one process per site: both are no-ops that succeed. */
static void run_nodes(struct eng *e)
{
	struct heard h = {.calls = 0};
	pthread_mutex_init(&h.mu, NULL);
	OK(db_purge_listen(e->db, on_purge, &h));
	char err[256] = "";
	struct db *other = db_open(e->url, err, sizeof err);
	YES(other != NULL);
	const char *mine[] = {"article:1"}, *keys[] = {"article:12", "front:en"};
	OK(db_purge_publish(e->db, mine, 1));
	OK(db_purge_publish(other, keys, 2));
	char got[512] = "";
	if (e->kind == ENG_PG) {
		heard_wait(&h, other, keys, 2, "article:12 front:en", got, sizeof got);
		YES(strncmp(got, "article:12 front:en", 19) == 0);
		/* the listener listens now: its own handle's purge, then everything from the other, arrive in
		 * that order if at all */
		OK(db_purge_publish(e->db, mine, 1));
		heard_wait(&h, other, NULL, 0, "*", got, sizeof got);
		YES(strstr(got, "*") != NULL);
		YES(!has_token(got, "article:1"));
	} else {
		EQ(h.calls, 0);
	}
	OK(db_purge_listen(e->db, NULL, NULL));
	db_close(other);
	pthread_mutex_destroy(&h.mu);
	tr(e, "nodes: publish and listen as documented");
}

/* ---- scenario: sections, tags, authors and media ---- */

/* Sections: put is an upsert by (edition, slug) keeping the id; listed by position, then id. */
static void taxonomy_sections(struct eng *e)
{
	int64_t world = put_section(e, "en", "world", "World", 3);
	int64_t sport = put_section(e, "en", "sport", "Sport", 1);
	int64_t news = put_section(e, "en", "news", "News", 1);
	put_section(e, "ar", "world", "العالم", 1);
	struct db_section s = {.edition = "en", .slug = "world", .name = "World news", .position = 2};
	int64_t again = 0;
	OK(db_section_put(e->db, &s, &again));
	EQ(again, world);
	struct db_section bad = {.edition = "xx", .slug = "nowhere", .name = "No edition", .position = 1};
	RC(db_section_put(e->db, &bad, &again), DB_ERROR); /* no such edition */
	struct db_section *v = NULL;
	size_t n = 0;
	OK(db_sections_list(e->db, &e->a, "en", &v, &n));
	EQ(n, 3);
	EQ(v[0].id, sport);
	EQ(v[1].id, news);
	EQ(v[2].id, world);
	STR(v[2].name, "World news");
	EQ(v[2].position, 2);
	tr(e, "sections_list en: %zu", n);
	for (size_t i = 0; i < n; i++)
		tr_section(e, "  ", &v[i]);
	OK(db_sections_list(e->db, &e->a, "fr", &v, &n));
	EQ(n, 0);
	struct db_section got;
	OK(db_section_get(e->db, &e->a, "ar", "world", &got));
	STR(got.name, "العالم");
	STR(got.edition, "ar");
	tr_section(e, "section_get ar/world: ", &got);
	RC(db_section_get(e->db, &e->a, "ar", "sport", &got), DB_NOTFOUND);
}

/* Tags and authors: upserts by (edition, slug) keeping the id; an author's bio defaults to "". */
static void taxonomy_tags_authors(struct eng *e)
{
	struct db_tag t = {.edition = "en", .slug = "oil", .name = "oil"};
	int64_t tid = 0, again = 0;
	OK(db_tag_put(e->db, &t, &tid));
	reg(e, 't', tid, "en/oil");
	t.name = "Oil";
	OK(db_tag_put(e->db, &t, &again));
	EQ(again, tid);
	struct db_tag tg;
	OK(db_tag_get(e->db, &e->a, "en", "oil", &tg));
	EQ(tg.id, tid);
	STR(tg.name, "Oil");
	tr_tag(e, "tag_get: ", &tg);
	RC(db_tag_get(e->db, &e->a, "ar", "oil", &tg), DB_NOTFOUND);
	struct db_author au = {.edition = "en", .slug = "jane", .name = "Jane Doe", .bio = NULL};
	int64_t aid = 0;
	OK(db_author_put(e->db, &au, &aid));
	reg(e, 'u', aid, "en/jane");
	struct db_author got;
	OK(db_author_get(e->db, &e->a, "en", "jane", &got));
	STR(got.bio, "");
	au.bio = "Covers energy.";
	au.name = "Jane Q. Doe";
	OK(db_author_put(e->db, &au, &again));
	EQ(again, aid);
	OK(db_author_get(e->db, &e->a, "en", "jane", &got));
	EQ(got.id, aid);
	STR(got.name, "Jane Q. Doe");
	STR(got.bio, "Covers energy.");
	tr_author(e, "author_get: ", &got);
	RC(db_author_get(e->db, &e->a, "en", "nobody", &got), DB_NOTFOUND);
}

/* Media: put is an upsert by path (keeping id and created_at); listed newest first. */
static void taxonomy_media(struct eng *e)
{
	struct db_media a = {.path = "2024/01/a.jpg", .mime = "image/jpeg", .alt = NULL, .width = 800, .height = 600,
			     .created_at = T0};
	struct db_media b = {.path = "2024/01/b.png", .mime = "image/png", .alt = "A chart", .width = 640, .height = 480,
			     .created_at = T0 + 10};
	int64_t ida = 0, idb = 0, again = 0;
	OK(db_media_put(e->db, &a, &ida));
	reg(e, 'm', ida, "a.jpg");
	OK(db_media_put(e->db, &b, &idb));
	reg(e, 'm', idb, "b.png");
	a.alt = "Oil tanker";
	a.width = 1600;
	a.height = 1200;
	a.created_at = T0 + 99;
	OK(db_media_put(e->db, &a, &again));
	EQ(again, ida);
	struct db_media *v = NULL;
	size_t n = 0;
	OK(db_media_list(e->db, &e->a, &v, &n));
	EQ(n, 2);
	EQ(v[0].id, idb);
	EQ(v[1].id, ida);
	STR(v[1].alt, "Oil tanker");
	EQ(v[1].width, 1600);
	EQ(v[1].created_at, T0);
	STR(v[0].mime, "image/png");
	EQ(v[0].focal_x, 5000); /* a new image's focal point is its centre */
	EQ(v[0].focal_y, 5000);
	STR(v[0].caption, "");
	tr(e, "media_list: %zu", n);
	for (size_t i = 0; i < n; i++)
		tr_media(e, "  ", &v[i]);
	/* the metadata fields, the focal point, one row by id */
	b.caption = "Protesters in the square";
	b.credit = "Jane Q. Photographer";
	b.copyright = "© 2026 Agency";
	b.keywords = "protest, square";
	OK(db_media_put(e->db, &b, &again));
	EQ(again, idb);
	OK(db_media_set_focal(e->db, idb, 1234, 10000, NULL));
	struct db_media one;
	OK(db_media_get(e->db, &e->a, idb, &one));
	EQ(one.id, idb);
	STR(one.path, "2024/01/b.png");
	EQ(one.focal_x, 1234);
	EQ(one.focal_y, 10000);
	STR(one.caption, "Protesters in the square");
	STR(one.credit, "Jane Q. Photographer");
	STR(one.copyright, "© 2026 Agency");
	STR(one.keywords, "protest, square");
	tr_media(e, "media_get: ", &one);
	RC(db_media_get(e->db, &e->a, idb + 1000, &one), DB_NOTFOUND);
	RC(db_media_set_focal(e->db, idb + 1000, 0, 0, NULL), DB_NOTFOUND);
	RC(db_media_set_focal(e->db, idb, 10001, 0, NULL), DB_ERROR);
	RC(db_media_set_focal(e->db, idb, 0, -1, NULL), DB_ERROR);
	OK(db_media_get(e->db, &e->a, idb, &one));
	EQ(one.focal_x, 1234); /* unchanged by the refused calls */
	/* the focal point with details: the given fields change in the same statement, NULL ones stay */
	const struct db_media details = {.caption = "Crowd at dusk", .keywords = ""};
	OK(db_media_set_focal(e->db, idb, 5000, 2500, &details));
	OK(db_media_get(e->db, &e->a, idb, &one));
	EQ(one.focal_y, 2500);
	STR(one.caption, "Crowd at dusk");
	STR(one.credit, "Jane Q. Photographer");
	STR(one.copyright, "© 2026 Agency");
	STR(one.keywords, "");
	RC(db_media_set_focal(e->db, idb, 10001, 0, &details), DB_ERROR);
}

/* taxonomy_many: a list longer than the store's first array (16 rows), which must grow without losing
 * or reordering a row: 40 sections of one edition, read back in position order with every field. */
static void taxonomy_many(struct eng *e)
{
	for (int i = 0; i < 40; i++) {
		char slug[32], name[32];
		snprintf(slug, sizeof slug, "many-%02d", i);
		snprintf(name, sizeof name, "Many %d", i);
		struct db_section s = {.edition = "ar", .slug = slug, .name = name, .position = 1000 - i};
		int64_t id = 0;
		OK(db_section_put(e->db, &s, &id));
		reg(e, 's', id, arena_printf(&e->a, "ar/%s", slug));
	}
	struct db_section *list = NULL;
	size_t n = 0;
	OK(db_sections_list(e->db, &e->a, "ar", &list, &n));
	YES(n >= 40);
	if (n < 40)
		return;
	for (int i = 0; i < 40; i++) { /* position 1000 - i: the last one put comes first of them */
		const struct db_section *s = &list[n - 40 + (size_t)i];
		EQ(s->position, 961 + i);
		STR(s->slug, arena_printf(&e->a, "many-%02d", 39 - i));
		STR(s->name, arena_printf(&e->a, "Many %d", 39 - i));
		STR(s->edition, "ar");
		YES(s->id > 0);
	}
}

/* run_taxonomy: the taxonomy scenario, on one engine. */
static void run_taxonomy(struct eng *e)
{
	taxonomy_sections(e);
	taxonomy_tags_authors(e);
	taxonomy_media(e);
	taxonomy_many(e);
}

/* ---- scenario: the reader's articles ---- */

/* The reader site the article scenario reads: ids by name. */
struct rsite {
	int64_t world, sport, arworld, lead, oil, markets, zeta, naft, jane, omar, ahmad;
	int64_t a1, a2, a3, a4, a5, a6, a7, a8;
};

/* link_to: bylines (author, position) and tags of an article. */
static void link_to(struct eng *e, int64_t art, int64_t author, int position, int64_t tag)
{
	if (author)
		OK(db_article_link_author(e->db, art, author, position));
	if (tag)
		OK(db_article_link_tag(e->db, art, tag));
}

/* put_tag / put_author: a tag or author named "edition/slug"; returns its id. */
static int64_t put_tag(struct eng *e, const char *edition, const char *slug, const char *name)
{
	struct db_tag t = {.edition = edition, .slug = slug, .name = name};
	int64_t id = 0;
	OK(db_tag_put(e->db, &t, &id));
	return reg(e, 't', id, arena_printf(&e->a, "%s/%s", edition, slug));
}

/* put_author: see put_tag. */
static int64_t put_author(struct eng *e, const char *edition, const char *slug, const char *name)
{
	struct db_author au = {.edition = edition, .slug = slug, .name = name, .bio = "A bio"};
	int64_t id = 0;
	OK(db_author_put(e->db, &au, &id));
	return reg(e, 'u', id, arena_printf(&e->a, "%s/%s", edition, slug));
}

/* rsite_make: sections, media, tags, authors and eight articles of both editions and every status. */
static void rsite_make(struct eng *e, struct rsite *f)
{
	f->world = put_section(e, "en", "world", "World", 1);
	f->sport = put_section(e, "en", "sport", "Sport", 2);
	f->arworld = put_section(e, "ar", "world", "العالم", 1);
	struct db_media m = {.path = "2024/lead.jpg", .mime = "image/jpeg", .alt = "Tanker", .width = 1200, .height = 800,
			     .created_at = T0};
	OK(db_media_put(e->db, &m, &f->lead));
	reg(e, 'm', f->lead, "lead.jpg");
	f->oil = put_tag(e, "en", "oil", "Oil");
	f->markets = put_tag(e, "en", "markets", "Markets");
	f->zeta = put_tag(e, "en", "zeta", "Zeta");
	f->naft = put_tag(e, "ar", "naft", "نفط");
	f->jane = put_author(e, "en", "jane", "Jane");
	f->omar = put_author(e, "en", "omar", "Omar");
	f->ahmad = put_author(e, "ar", "ahmad", "أحمد");
	struct db_article a1 = {.edition = "en", .slug = "oil-rises", .headline = "Oil rises", .standfirst = "Crude climbs",
				.body_md = "Oil **rose**", .body_html = "<p>Oil <strong>rose</strong></p>",
				.dateline = "LONDON", .status = "published", .section_id = f->world,
				.lead_media_id = f->lead, .lead_caption = "A tanker", .lead_credit = "Reuters",
				.top_rank = 2, .created_at = T0 + 50, .published_at = T0 + 100, .updated_at = T0 + 120};
	OK(db_article_insert(e->db, &a1, &f->a1));
	reg(e, 'a', f->a1, "oil-rises");
	f->a2 = put_ranked(e, "en", "cup-final", "published", f->sport, T0 + 200, 1);
	f->a3 = put_article(e, "en", "markets-calm", "published", f->world, T0 + 300);
	f->a4 = put_article(e, "en", "draft-piece", "draft", f->world, 0);
	f->a5 = put_article(e, "ar", "oil-ar", "published", f->arworld, T0 + 150);
	f->a6 = put_article(e, "en", "same-time", "published", f->sport, T0 + 300);
	f->a7 = put_article(e, "en", "unpub", "unpublished", f->world, T0 + 250);
	f->a8 = put_article(e, "ar", "draft-ar", "draft", f->arworld, 0);
	EQ(get_article(e, f->a2).top_rank, 1);
	EQ(get_article(e, f->a3).top_rank, 0);
	link_to(e, f->a1, f->jane, 1, f->oil);
	link_to(e, f->a1, f->omar, 0, f->markets);
	link_to(e, f->a1, f->omar, 5, f->oil); /* linked twice: ignored, the first position stays */
	link_to(e, f->a2, f->omar, 0, f->oil);
	link_to(e, f->a3, f->jane, 0, f->markets);
	link_to(e, f->a5, f->ahmad, 0, f->naft);
	link_to(e, f->a7, f->jane, 0, f->zeta);
}

/* One published article read back whole: every field, its bylines in order and its tags by name. */
static void articles_one(struct eng *e, const struct rsite *f)
{
	struct db_article r;
	OK(db_article_get(e->db, &e->a, "en", "oil-rises", &r));
	EQ(r.id, f->a1);
	STR(r.headline, "Oil rises");
	STR(r.standfirst, "Crude climbs");
	STR(r.body_md, "Oil **rose**");
	STR(r.body_html, "<p>Oil <strong>rose</strong></p>");
	STR(r.dateline, "LONDON");
	STR(r.status, "published");
	EQ(r.section_id, f->world);
	STR(r.section_slug, "world");
	STR(r.section_name, "World");
	EQ(r.lead_media_id, f->lead);
	STR(r.image_path, "2024/lead.jpg");
	STR(r.image_alt, "Tanker");
	EQ(r.image_width, 1200);
	EQ(r.image_height, 800);
	EQ(r.image_focal_x, 5000); /* the lead image's focal point comes with the article */
	EQ(r.image_focal_y, 5000);
	STR(r.lead_caption, "A tanker");
	STR(r.lead_credit, "Reuters");
	STR(r.translation_group, NULL);
	EQ(r.top_rank, 2);
	EQ(r.created_at, T0 + 50);
	EQ(r.published_at, T0 + 100);
	EQ(r.updated_at, T0 + 120);
	STR(r.comments_mode, NULL);
	EQ(r.comments_closed, 0);
	EQ(r.comment_count, 0);
	tr_article(e, "article_get en/oil-rises: ", &r);
	RC(db_article_get(e->db, &e->a, "en", "draft-piece", &r), DB_NOTFOUND);
	RC(db_article_get(e->db, &e->a, "en", "unpub", &r), DB_NOTFOUND);
	RC(db_article_get(e->db, &e->a, "ar", "oil-rises", &r), DB_NOTFOUND);
	OK(db_article_get(e->db, &e->a, "en", "cup-final", &r));
	STR(r.image_path, NULL);
	EQ(r.lead_media_id, 0);
	struct db_author *au = NULL;
	size_t n = 0;
	OK(db_article_authors(e->db, &e->a, f->a1, &au, &n));
	EQ(n, 2);
	EQ(au[0].id, f->omar);
	EQ(au[1].id, f->jane);
	STR(au[1].bio, "A bio");
	for (size_t i = 0; i < n; i++)
		tr_author(e, "article_authors oil-rises: ", &au[i]);
	struct db_tag *tg = NULL;
	OK(db_article_tags(e->db, &e->a, f->a1, &tg, &n));
	EQ(n, 2);
	STR(tg[0].name, "Markets");
	STR(tg[1].name, "Oil");
	for (size_t i = 0; i < n; i++)
		tr_tag(e, "article_tags oil-rises: ", &tg[i]);
	OK(db_article_tags(e->db, &e->a, f->a4, &tg, &n));
	EQ(n, 0);
}

/* IDS(a, b, ...): an id list and its length, for expect_order and the list checks. */
#define IDS(...) (const int64_t[]){__VA_ARGS__}, sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t)
#define NO_IDS NULL, 0

/* names_of: ids as their names, comma-separated (for failure messages). */
static const char *names_of(struct eng *e, char kind, const int64_t *ids, size_t n)
{
	struct buf b = BUF_INIT;
	buf_putc(&b, '[');
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", L(e, kind, ids[i]));
	buf_putc(&b, ']');
	const char *s = arena_strdup(&e->a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* expect_order: got[0..n) is exactly want[0..nwant), in that order. */
static void expect_order(struct eng *e, const char *what, char kind, const int64_t *got, size_t n, const int64_t *want,
			 size_t nwant)
{
	if (n != nwant || (n && memcmp(got, want, n * sizeof *got) != 0))
		fail_msg("[%s] %s: got %s, expected %s", e->name, what, names_of(e, kind, got, n),
			 names_of(e, kind, want, nwant));
}

/* article_ids: the ids of a list of articles, in the engine's arena. */
static const int64_t *article_ids(struct eng *e, const struct db_article *v, size_t n)
{
	int64_t *ids = arena_alloc(&e->a, (n ? n : 1) * sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = v[i].id;
	return ids;
}

/* expect_list: db_articles_list of q gives the articles want (in order, without bodies) and
 * db_articles_count of q says count. Both transcribed. */
static void expect_list(struct eng *e, const char *what, struct db_article_query q, int64_t count, const int64_t *want,
			size_t nwant)
{
	struct db_article *v = NULL;
	size_t n = 0;
	OK(db_articles_list(e->db, &e->a, &q, &v, &n));
	expect_order(e, what, 'a', article_ids(e, v, n), n, want, nwant);
	for (size_t i = 0; i < n; i++) {
		STR(v[i].body_md, NULL);
		STR(v[i].body_html, NULL);
	}
	int64_t total = -1;
	OK(db_articles_count(e->db, &q, &total));
	expect_int(e, total, count, arena_printf(&e->a, "%s: db_articles_count", what), __LINE__);
	tr(e, "%s: count=%lld", what, (long long)total);
	tr_articles(e, what, v, n);
}

/* Lists: newest first (ties by id), paging, top stories in rank order, by section, tag and author, and
 * with one article left out; counts ignore paging and the top-stories flag. */
static void articles_lists(struct eng *e, const struct rsite *f)
{
	expect_list(e, "latest en", (struct db_article_query){.edition = "en", .limit = 10}, 4,
		    IDS(f->a6, f->a3, f->a2, f->a1));
	expect_list(e, "latest en page 2", (struct db_article_query){.edition = "en", .limit = 2, .offset = 1}, 4,
		    IDS(f->a3, f->a2));
	expect_list(e, "latest en default limit", (struct db_article_query){.edition = "en"}, 4,
		    IDS(f->a6, f->a3, f->a2, f->a1));
	expect_list(e, "latest ar", (struct db_article_query){.edition = "ar", .limit = 10}, 1, IDS(f->a5));
	expect_list(e, "top en", (struct db_article_query){.edition = "en", .top_only = 1, .limit = 10}, 4,
		    IDS(f->a2, f->a1));
	expect_list(e, "section world", (struct db_article_query){.edition = "en", .section_id = f->world, .limit = 10},
		    2, IDS(f->a3, f->a1));
	expect_list(e, "section sport", (struct db_article_query){.edition = "en", .section_id = f->sport, .limit = 10},
		    2, IDS(f->a6, f->a2));
	expect_list(e, "tag oil", (struct db_article_query){.edition = "en", .tag_id = f->oil, .limit = 10}, 2,
		    IDS(f->a2, f->a1));
	expect_list(e, "tag zeta", (struct db_article_query){.edition = "en", .tag_id = f->zeta, .limit = 10}, 0, NO_IDS);
	expect_list(e, "author jane", (struct db_article_query){.edition = "en", .author_id = f->jane, .limit = 10}, 2,
		    IDS(f->a3, f->a1));
	expect_list(e, "author omar", (struct db_article_query){.edition = "en", .author_id = f->omar, .limit = 10}, 2,
		    IDS(f->a2, f->a1));
	expect_list(e, "latest en without markets-calm",
		    (struct db_article_query){.edition = "en", .exclude_id = f->a3, .limit = 10}, 3,
		    IDS(f->a6, f->a2, f->a1));
	expect_list(e, "section world without oil-rises",
		    (struct db_article_query){.edition = "en", .section_id = f->world, .exclude_id = f->a1, .limit = 10}, 1,
		    IDS(f->a3));
}

/* translation_of: db_article_translation (any = 0) or db_article_translation_any (any = 1) of article id;
 * the id found, 0 when DB_NOTFOUND. */
static int64_t translation_of(struct eng *e, int64_t id, int any)
{
	struct db_article art = get_article(e, id), out;
	memset(&out, 0, sizeof out);
	int rc = any ? db_article_translation_any(e->db, &e->a, &art, &out)
		     : db_article_translation(e->db, &e->a, &art, &out);
	YES(rc == DB_OK || rc == DB_NOTFOUND);
	if (rc == DB_OK) {
		STR(out.body_md, NULL);
		tr_article(e, any ? "translation_any: " : "translation: ", &out);
	}
	return rc == DB_OK ? out.id : 0;
}

/* Translations: a pair shares a group; the reader's translation is published (the newest of the group in
 * the other edition), the newsroom's any status (the newest id); the tags and authors lists. */
static void articles_translations(struct eng *e, const struct rsite *f)
{
	EQ(translation_of(e, f->a1, 0), 0); /* no group yet */
	OK(db_article_set_translation(e->db, f->a1, f->a5));
	struct db_article a1 = get_article(e, f->a1), a5 = get_article(e, f->a5);
	YES(a1.translation_group != NULL);
	STR(a5.translation_group, a1.translation_group);
	EQ(translation_of(e, f->a1, 0), f->a5);
	EQ(translation_of(e, f->a5, 0), f->a1);
	EQ(translation_of(e, f->a1, 1), f->a5);
	OK(db_article_set_translation(e->db, f->a4, f->a8)); /* two drafts */
	EQ(translation_of(e, f->a4, 0), 0);
	EQ(translation_of(e, f->a4, 1), f->a8);
	OK(db_article_set_translation(e->db, f->a3, f->a1)); /* joins the first pair's group */
	STR(get_article(e, f->a3).translation_group, a1.translation_group);
	EQ(translation_of(e, f->a5, 0), f->a3);
	EQ(translation_of(e, f->a5, 1), f->a3);
	EQ(translation_of(e, f->a2, 1), 0);
	struct db_tag *tg = NULL;
	size_t n = 0;
	OK(db_tags_list(e->db, &e->a, "en", &tg, &n));
	EQ(n, 2);
	EQ(tg[0].id, f->markets);
	EQ(tg[1].id, f->oil);
	OK(db_tags_list(e->db, &e->a, NULL, &tg, &n));
	EQ(n, 3);
	EQ(tg[0].id, f->naft);
	for (size_t i = 0; i < n; i++)
		tr_tag(e, "tags_list all: ", &tg[i]);
	struct db_author *au = NULL;
	OK(db_authors_list(e->db, &e->a, "en", &au, &n));
	EQ(n, 2);
	EQ(au[0].id, f->jane);
	EQ(au[1].id, f->omar);
	OK(db_authors_list(e->db, &e->a, NULL, &au, &n));
	EQ(n, 3);
	EQ(au[0].id, f->ahmad);
	STR(au[0].bio, "");
	for (size_t i = 0; i < n; i++)
		tr_author(e, "authors_list all: ", &au[i]);
}

/* articles_pick: the editor's pickers' reads: headlines by a part of them (Latin case aside, LIKE's
 * wildcards literal), or an id, in one edition or both, any status, newest first; images by alt text or
 * caption. */
static void articles_pick(struct eng *e, const struct rsite *f)
{
	struct db_article *v = NULL;
	size_t n = 0;
	OK(db_pick_articles(e->db, &e->a, "OIL", NULL, 10, &v, &n));
	EQ(n, 2); /* "Oil rises" and "Headline of oil-ar" */
	EQ(v[0].id, f->a5);
	EQ(v[1].id, f->a1);
	YES(v[1].owner_id == 0 && strcmp(v[1].status, "published") == 0);
	for (size_t i = 0; i < n; i++)
		tr_article(e, "pick_articles OIL: ", &v[i]);
	OK(db_pick_articles(e->db, &e->a, "oil", "ar", 10, &v, &n));
	EQ(n, 1);
	EQ(v[0].id, f->a5);
	OK(db_pick_articles(e->db, &e->a, "draft", "", 10, &v, &n));
	EQ(n, 2); /* drafts too: the caller decides who sees them */
	OK(db_pick_articles(e->db, &e->a, "headline of", NULL, 1, &v, &n));
	EQ(n, 1); /* the limit */
	OK(db_pick_articles(e->db, &e->a, "%", NULL, 10, &v, &n));
	EQ(n, 0);
	OK(db_pick_articles(e->db, &e->a, "Headline_of", NULL, 10, &v, &n));
	EQ(n, 0);
	OK(db_pick_articles(e->db, &e->a, arena_printf(&e->a, "%lld", (long long)f->a3), NULL, 10, &v, &n));
	EQ(n, 1);
	EQ(v[0].id, f->a3);
	struct db_media *m = NULL;
	OK(db_pick_media(e->db, &e->a, "TANK", 10, &m, &n));
	EQ(n, 1);
	EQ(m[0].id, f->lead);
	tr_media(e, "pick_media TANK: ", &m[0]);
	OK(db_pick_media(e->db, &e->a, "nothing", 10, &m, &n));
	EQ(n, 0);
}

/* run_articles: the reader's articles scenario, on one engine. */
static void run_articles(struct eng *e)
{
	struct rsite f;
	memset(&f, 0, sizeof f);
	rsite_make(e, &f);
	articles_one(e, &f);
	articles_lists(e, &f);
	articles_translations(e, &f);
	articles_pick(e, &f);
}

/* ---- scenario: the newsroom (saving with versions, status, slugs, revisions, events, corrections) ---- */

/* save: db_article_save of a draft (id 0) or of a new version of id at version; rc as the store gives it. */
static int save(struct eng *e, int64_t id, int64_t version, const char *slug, const char *headline, int64_t section,
		int64_t owner, int64_t at, int64_t *out)
{
	struct db_article art = {.id = id, .version = version, .edition = "en", .slug = slug, .headline = headline,
				 .standfirst = "The standfirst", .body_md = "The *body*", .body_html = "<p>The body</p>",
				 .dateline = "PARIS", .section_id = section, .lead_caption = "", .lead_credit = "",
				 .owner_id = owner, .updated_at = at};
	return db_article_save(e->db, &art, out);
}

/* Saving: a new draft is version 1 of its owner; a save at the stored version makes the next one; a stale
 * version or a slug taken is DB_CONFLICT; drafts listed by last change. */
static void newsroom_saving(struct eng *e, int64_t sec, int64_t rep, int64_t ed, int64_t *n1, int64_t *n2)
{
	OK(save(e, 0, 0, "budget-talks", "Budget talks", sec, rep, T0 + 10, n1));
	reg(e, 'a', *n1, "budget-talks");
	struct db_article r = get_article(e, *n1);
	EQ(r.version, 1);
	STR(r.status, "draft");
	EQ(r.owner_id, rep);
	STR(r.owner_login, "rep");
	EQ(r.created_at, T0 + 10);
	EQ(r.updated_at, T0 + 10);
	EQ(r.published_at, 0);
	STR(r.body_md, "The *body*");
	int64_t same = 0;
	OK(save(e, *n1, 1, "budget-talks", "Budget talks resume", sec, 0, T0 + 20, &same));
	EQ(same, *n1);
	RC(save(e, *n1, 1, "budget-talks", "A stale save", sec, 0, T0 + 25, &same), DB_CONFLICT);
	r = get_article(e, *n1);
	EQ(r.version, 2);
	STR(r.headline, "Budget talks resume");
	EQ(r.owner_id, rep);
	EQ(r.updated_at, T0 + 20);
	tr_article(e, "saved twice: ", &r);
	int64_t other = 0;
	RC(save(e, 0, 0, "budget-talks", "Same slug", sec, ed, T0 + 30, &other), DB_CONFLICT);
	OK(save(e, 0, 0, "other-story", "Other story", sec, ed, T0 + 15, n2));
	reg(e, 'a', *n2, "other-story");
	RC(db_article_get_id(e->db, &e->a, *n2 + 1000, &r), DB_NOTFOUND);
	struct db_article *v = NULL;
	size_t n = 0;
	OK(db_articles_by_status(e->db, &e->a, "draft", 10, &v, &n));
	expect_order(e, "drafts", 'a', article_ids(e, v, n), n, IDS(*n1, *n2));
	STR(v[0].owner_login, "rep");
	tr_articles(e, "articles_by_status draft", v, n);
	OK(db_articles_by_status(e->db, &e->a, "draft", 1, &v, &n));
	expect_order(e, "drafts, limit 1", 'a', article_ids(e, v, n), n, IDS(*n1));
	OK(db_articles_by_status(e->db, &e->a, "published", 10, &v, &n));
	EQ(n, 0);
}

/* Status and slugs: set_status stores status and times (0 = none); a slug's owner is its article or one
 * that had it; the old-slug redirect finds only a published article. */
static void newsroom_status_slugs(struct eng *e, int64_t n1, int64_t n2)
{
	OK(db_article_set_status(e->db, n1, "scheduled", 0, T0 + 500, T0 + 900));
	struct db_article r = get_article(e, n1);
	STR(r.status, "scheduled");
	EQ(r.published_at, 0);
	EQ(r.scheduled_at, T0 + 500);
	EQ(r.expires_at, T0 + 900);
	tr_article(e, "scheduled: ", &r);
	RC(db_article_set_status(e->db, n1, "bogus", 0, 0, 0), DB_ERROR);
	int64_t owner = 0;
	OK(db_slug_owner(e->db, "en", "budget-talks", &owner));
	EQ(owner, n1);
	RC(db_slug_owner(e->db, "ar", "budget-talks", &owner), DB_NOTFOUND);
	RC(db_slug_owner(e->db, "en", "old-budget", &owner), DB_NOTFOUND);
	OK(db_slug_history_add(e->db, "en", "old-budget", n1));
	OK(db_slug_owner(e->db, "en", "old-budget", &owner));
	EQ(owner, n1);
	OK(db_slug_history_add(e->db, "en", "old-budget", n2)); /* the slug moves on */
	OK(db_slug_owner(e->db, "en", "old-budget", &owner));
	EQ(owner, n2);
	RC(db_article_by_old_slug(e->db, &e->a, "en", "old-budget", &r), DB_NOTFOUND); /* a draft */
	OK(db_article_set_status(e->db, n2, "published", T0 + 30, 0, 0));
	OK(db_article_by_old_slug(e->db, &e->a, "en", "old-budget", &r));
	EQ(r.id, n2);
	EQ(r.published_at, T0 + 30);
	STR(r.body_md, NULL);
	tr_article(e, "article_by_old_slug: ", &r);
	RC(db_article_by_old_slug(e->db, &e->a, "en", "other-story", &r), DB_NOTFOUND); /* its current slug */
}

/* Links cleared; revisions (newest first, a second copy of a version refused), the workflow log (by
 * time; no user = the scheduler) and corrections (oldest first). */
static void newsroom_history(struct eng *e, int64_t n1, int64_t rep, int64_t ed)
{
	int64_t tag = put_tag(e, "en", "budget", "Budget"), au = put_author(e, "en", "rep", "Rep");
	link_to(e, n1, au, 0, tag);
	OK(db_article_links_clear(e->db, n1));
	struct db_tag *tg = NULL;
	struct db_author *aus = NULL;
	size_t n = 9;
	OK(db_article_tags(e->db, &e->a, n1, &tg, &n));
	EQ(n, 0);
	OK(db_article_authors(e->db, &e->a, n1, &aus, &n));
	EQ(n, 0);
	struct db_revision r1 = {.version = 1, .user_id = rep, .created_at = T0 + 10, .headline = "Budget talks",
				 .standfirst = "s1", .body_md = "b1", .dateline = "PARIS", .slug = "budget-talks"};
	struct db_revision r2 = {.version = 2, .user_id = 0, .created_at = T0 + 20, .headline = "Budget talks resume",
				 .standfirst = NULL, .body_md = "b2", .dateline = NULL, .slug = "budget-talks"};
	OK(db_revision_insert(e->db, n1, &r1));
	OK(db_revision_insert(e->db, n1, &r2));
	RC(db_revision_insert(e->db, n1, &r2), DB_CONFLICT);
	struct db_revision *rv = NULL;
	OK(db_revisions_list(e->db, &e->a, n1, &rv, &n));
	EQ(n, 2);
	EQ(rv[0].version, 2);
	STR(rv[0].who, "");
	STR(rv[0].standfirst, "");
	STR(rv[1].who, "rep");
	EQ(rv[1].user_id, rep);
	STR(rv[1].body_md, "b1");
	for (size_t i = 0; i < n; i++)
		tr(e, "revision %lld by %s (%s) at %lld: \"%s\" \"%s\" \"%s\" \"%s\" %s", (long long)rv[i].version,
		   L(e, 'U', rv[i].user_id), rv[i].who, (long long)rv[i].created_at, rv[i].headline, rv[i].standfirst,
		   rv[i].body_md, rv[i].dateline, rv[i].slug);
	OK(db_event_insert(e->db, n1, rep, "created", T0 + 10));
	OK(db_event_insert(e->db, n1, 0, "published (scheduled)", T0 + 5));
	OK(db_event_insert(e->db, n1, ed, "edited", T0 + 10));
	struct db_event *ev = NULL;
	OK(db_events_list(e->db, &e->a, n1, &ev, &n));
	EQ(n, 3);
	STR(ev[0].who, "the scheduler");
	EQ(ev[0].at, T0 + 5);
	STR(ev[1].action, "created");
	STR(ev[2].who, "ed");
	for (size_t i = 0; i < n; i++)
		tr(e, "event %s by %s at %lld", ev[i].action, ev[i].who, (long long)ev[i].at);
	OK(db_correction_insert(e->db, n1, "Fixed a name.", ed, T0 + 40));
	OK(db_correction_insert(e->db, n1, "An earlier note.", 0, T0 + 30));
	struct db_correction *co = NULL;
	OK(db_corrections_list(e->db, &e->a, n1, &co, &n));
	EQ(n, 2);
	STR(co[0].body, "An earlier note.");
	EQ(co[1].created_at, T0 + 40);
	for (size_t i = 0; i < n; i++)
		tr(e, "correction at %lld: %s", (long long)co[i].created_at, co[i].body);
	OK(db_corrections_list(e->db, &e->a, n1 + 1000, &co, &n));
	EQ(n, 0);
}

/* run_newsroom: the newsroom scenario (a reporter's and an editor's drafts), on one engine. */
static void run_newsroom(struct eng *e)
{
	int64_t sec = put_section(e, "en", "politics", "Politics", 1);
	int64_t rep = put_user(e, "rep", "reporter"), ed = put_user(e, "ed", "editor");
	int64_t n1 = 0, n2 = 0;
	newsroom_saving(e, sec, rep, ed, &n1, &n2);
	newsroom_status_slugs(e, n1, n2);
	newsroom_history(e, n1, rep, ed);
}

/* ---- scenario: the editor's unsaved copies (autosave) ---- */

/* Autosave: one copy per user and article (0: a new article), replaced by the next put, private to its
 * user, gone after delete (and deleting what is not there is no error), and gone with its user. */
static void run_autosave(struct eng *e)
{
	int64_t sec = put_section(e, "en", "politics", "Politics", 1);
	int64_t rep = put_user(e, "rep", "reporter"), ed = put_user(e, "ed", "editor");
	int64_t art = put_article(e, "en", "story", "draft", sec, 0);
	struct db_autosave s;
	RC(db_autosave_get(e->db, &e->a, rep, art, &s), DB_NOTFOUND);
	OK(db_autosave_put(e->db, rep, art, "headline=First&body=%D9%86%D8%B5", T0));
	OK(db_autosave_put(e->db, rep, 0, "headline=New+one", T0 + 1));
	OK(db_autosave_get(e->db, &e->a, rep, art, &s));
	STR(s.fields, "headline=First&body=%D9%86%D8%B5");
	EQ(s.saved_at, T0);
	EQ(s.user_id, rep);
	EQ(s.article_id, art);
	tr(e, "autosave_get: %s at %lld", s.fields, (long long)s.saved_at);
	OK(db_autosave_put(e->db, rep, art, "headline=Second", T0 + 5));
	OK(db_autosave_get(e->db, &e->a, rep, art, &s));
	STR(s.fields, "headline=Second");
	EQ(s.saved_at, T0 + 5);
	RC(db_autosave_get(e->db, &e->a, ed, art, &s), DB_NOTFOUND); /* another user's copy is not theirs */
	OK(db_autosave_get(e->db, &e->a, rep, 0, &s));
	STR(s.fields, "headline=New+one");
	EQ(s.article_id, 0);
	tr(e, "autosave_get new: %s at %lld", s.fields, (long long)s.saved_at);
	OK(db_autosave_delete(e->db, rep, art));
	RC(db_autosave_get(e->db, &e->a, rep, art, &s), DB_NOTFOUND);
	OK(db_autosave_delete(e->db, rep, art));
	OK(db_autosave_get(e->db, &e->a, rep, 0, &s)); /* the other copy stays */
	RC(db_autosave_put(e->db, 999999, art, "x=1", T0), DB_ERROR); /* no such user */
}

/* ---- scenario: two-factor log-in ---- */

/* mfa_totp: a secret is started (and restarted) unconfirmed, confirmed once with its first step, then
 * each newer step is taken once and an older or equal one refused; a confirmed secret is not replaced by
 * a new start; deleting removes it. */
static void mfa_totp(struct eng *e, int64_t ed, int64_t rep)
{
	struct db_totp t;
	RC(db_totp_get(e->db, &e->a, ed, &t), DB_NOTFOUND);
	OK(db_totp_start(e->db, ed, "sealed-1", T0));
	OK(db_totp_start(e->db, ed, "sealed-2", T0 + 5)); /* begun again: replaces the unconfirmed one */
	OK(db_totp_get(e->db, &e->a, ed, &t));
	EQ(t.user_id, ed);
	STR(t.secret, "sealed-2");
	EQ(t.confirmed, 0);
	EQ(t.last_step, 0);
	EQ(t.created_at, T0 + 5);
	RC(db_totp_use_step(e->db, ed, 100), DB_NOTFOUND); /* not confirmed: no code counts yet */
	OK(db_totp_confirm(e->db, ed, 100, T0 + 10));
	RC(db_totp_confirm(e->db, ed, 101, T0 + 11), DB_NOTFOUND); /* confirmed once */
	RC(db_totp_start(e->db, ed, "sealed-3", T0 + 12), DB_NOTFOUND); /* a confirmed secret stays */
	OK(db_totp_get(e->db, &e->a, ed, &t));
	STR(t.secret, "sealed-2");
	EQ(t.confirmed, 1);
	EQ(t.last_step, 100);
	EQ(t.confirmed_at, T0 + 10);
	tr(e, "totp: %s confirmed=%d last=%lld at=%lld/%lld", t.secret, t.confirmed, (long long)t.last_step,
	   (long long)t.created_at, (long long)t.confirmed_at);
	RC(db_totp_use_step(e->db, ed, 100), DB_NOTFOUND); /* the first code again: a replay */
	RC(db_totp_use_step(e->db, ed, 99), DB_NOTFOUND);  /* an older step */
	OK(db_totp_use_step(e->db, ed, 101));
	RC(db_totp_use_step(e->db, ed, 101), DB_NOTFOUND);
	OK(db_totp_use_step(e->db, ed, 103));
	OK(db_totp_get(e->db, &e->a, ed, &t));
	EQ(t.last_step, 103);
	RC(db_totp_use_step(e->db, rep, 500), DB_NOTFOUND); /* no secret at all */
	RC(db_totp_start(e->db, 999999, "x", T0), DB_ERROR); /* no such account */
	OK(db_totp_delete(e->db, ed));
	OK(db_totp_delete(e->db, ed));
	RC(db_totp_get(e->db, &e->a, ed, &t), DB_NOTFOUND);
	OK(db_totp_start(e->db, ed, "sealed-4", T0 + 20)); /* enrols afresh */
	OK(db_totp_get(e->db, &e->a, ed, &t));
	EQ(t.confirmed, 0);
	EQ(t.last_step, 0);
}

/* mfa_recovery: ten codes set, each used once; another account's codes are its own; setting replaces all;
 * n 0 removes them. */
static void mfa_recovery(struct eng *e, int64_t ed, int64_t rep)
{
	const char *codes[] = {"h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9"};
	int64_t left = -1;
	OK(db_recovery_codes_left(e->db, ed, &left));
	EQ(left, 0);
	OK(db_begin(e->db));
	OK(db_recovery_codes_set(e->db, ed, codes, 10, T0));
	OK(db_recovery_codes_set(e->db, rep, codes, 2, T0));
	OK(db_commit(e->db));
	OK(db_recovery_codes_left(e->db, ed, &left));
	EQ(left, 10);
	OK(db_recovery_code_use(e->db, ed, "h1", T0 + 1));
	RC(db_recovery_code_use(e->db, ed, "h1", T0 + 2), DB_NOTFOUND); /* once only */
	RC(db_recovery_code_use(e->db, ed, "nope", T0 + 2), DB_NOTFOUND);
	OK(db_recovery_codes_left(e->db, ed, &left));
	EQ(left, 9);
	OK(db_recovery_code_use(e->db, rep, "h1", T0 + 3)); /* the same hash on another account is its own */
	OK(db_recovery_codes_left(e->db, rep, &left));
	EQ(left, 1);
	tr(e, "recovery left: ed 9, rep %lld", (long long)left);
	const char *fresh[] = {"n0", "n1", "n2"};
	OK(db_begin(e->db));
	OK(db_recovery_codes_set(e->db, ed, fresh, 3, T0 + 4)); /* regenerated: the old ones are gone */
	OK(db_commit(e->db));
	RC(db_recovery_code_use(e->db, ed, "h4", T0 + 5), DB_NOTFOUND);
	OK(db_recovery_code_use(e->db, ed, "n1", T0 + 5));
	OK(db_recovery_codes_left(e->db, ed, &left));
	EQ(left, 2);
	const char *twice[] = {"d", "d"};
	OK(db_begin(e->db));
	RC(db_recovery_codes_set(e->db, ed, twice, 2, T0), DB_CONFLICT);
	db_rollback(e->db);
	OK(db_recovery_codes_left(e->db, ed, &left));
	EQ(left, 2); /* the refused set changed nothing */
	OK(db_recovery_codes_set(e->db, ed, NULL, 0, T0));
	OK(db_recovery_codes_left(e->db, ed, &left));
	EQ(left, 0);
}

/* mfa_pending: a waiting log-in is read with its account, and ended once; inserting forgets those a day
 * past their expiry. */
static void mfa_pending(struct eng *e, int64_t ed)
{
	struct db_mfa_pending p;
	RC(db_mfa_pending_get(e->db, &e->a, "ph1", &p), DB_NOTFOUND);
	OK(db_mfa_pending_insert(e->db, "ph1", ed, "verify", "password", "/admin/articles/new", T0, T0 + 300));
	RC(db_mfa_pending_insert(e->db, "ph1", ed, "verify", "password", "/admin/", T0, T0 + 300), DB_CONFLICT);
	RC(db_mfa_pending_insert(e->db, "ph2", ed, "other", "password", "/admin/", T0, T0 + 300), DB_ERROR); /* CHECK */
	OK(db_mfa_pending_get(e->db, &e->a, "ph1", &p));
	STR(p.kind, "verify");
	STR(p.method, "password");
	STR(p.next, "/admin/articles/new");
	EQ(p.created_at, T0);
	EQ(p.expires_at, T0 + 300);
	EQ(p.user.id, ed);
	STR(p.user.login, "ed");
	STR(p.user.role, "editor");
	EQ(p.user.disabled, 0);
	tr(e, "pending: %s %s %s %lld..%lld", p.kind, p.method, p.next, (long long)p.created_at, (long long)p.expires_at);
	tr_user(e, "  ", &p.user);
	OK(db_mfa_pending_insert(e->db, "ph3", ed, "enrol", "password", "/admin/", T0 + 1, T0 + 900));
	OK(db_mfa_pending_delete(e->db, "ph1"));
	RC(db_mfa_pending_delete(e->db, "ph1"), DB_NOTFOUND); /* completed once */
	RC(db_mfa_pending_get(e->db, &e->a, "ph1", &p), DB_NOTFOUND);
	/* a day and more after ph3's expiry, a new insert forgets it */
	OK(db_mfa_pending_insert(e->db, "ph4", ed, "verify", "password", "/admin/", T0 + 900 + 86401, T0 + 90000));
	RC(db_mfa_pending_get(e->db, &e->a, "ph3", &p), DB_NOTFOUND);
	OK(db_mfa_pending_get(e->db, &e->a, "ph4", &p));
	STR(p.kind, "verify");
}

static void run_mfa(struct eng *e)
{
	int64_t ed = put_user(e, "ed", "editor"), rep = put_user(e, "rep", "reporter");
	mfa_totp(e, ed, rep);
	mfa_recovery(e, ed, rep);
	mfa_pending(e, ed);
}

/* ---- scenario: glossary ---- */

/* put_gloss: a glossary entry (new when id is 0) named name in the transcript; returns the store's answer
 * and, on DB_OK, registers the id. */
static int put_gloss(struct eng *e, int64_t id, const char *name, const char *kind, const char *en, const char *ar,
		     const char *variants, int64_t by, int64_t *out, const char **clash)
{
	struct db_glossary g = {.id = id, .kind = kind, .name_en = en, .name_ar = ar, .variants = variants,
				.note = arena_printf(&e->a, "note %s", name), .created_by = by, .updated_at = T0 + (id ? 5 : 0)};
	int64_t got = 0;
	int rc = db_glossary_put(e->db, &g, &got, clash);
	if (rc == DB_OK && !id)
		reg(e, 'g', got, name);
	if (out)
		*out = got;
	tr(e, "glossary_put %s: %d", name, rc);
	return rc;
}

/* tr_gloss_list: db_glossary_list of q, transcribed; returns how many entries it found. */
static size_t tr_gloss_list(struct eng *e, const char *q)
{
	struct db_glossary *v = NULL;
	size_t n = 0;
	OK(db_glossary_list(e->db, &e->a, q, 50, &v, &n));
	tr(e, "glossary_list %s: %zu", q ? q : "(all)", n);
	for (size_t i = 0; i < n; i++)
		tr(e, "  %s %s %s|%s|%s|%s by=%s at=%lld", L(e, 'g', v[i].id), v[i].kind, v[i].name_en, v[i].name_ar,
		   v[i].variants, v[i].note, v[i].created_by ? L(e, 'U', v[i].created_by) : "-", (long long)v[i].updated_at);
	return n;
}

/* The glossary: entries listed by English name, searched on normalised text; a duplicate English name
 * (other case) or Arabic name (other tashkeel, hamza form) is refused with the field named, on insert and
 * on update; an update keeps the author; delete. */
static void run_glossary(struct eng *e)
{
	int64_t ed = put_user(e, "ed", "editor");
	int64_t abbas = 0, quds = 0, un = 0;
	const char *clash = NULL;
	OK(put_gloss(e, 0, "abbas", "person", "Mahmoud Abbas", "محمود عباس", "Mahmud Abbas\nأبو مازن", ed, &abbas, NULL));
	OK(put_gloss(e, 0, "quds", "place", "Jerusalem", "القدس", "Al-Quds", ed, &quds, NULL));
	OK(put_gloss(e, 0, "un", "organisation", "United Nations", "الأمم المتحدة", "", 0, &un, NULL));
	YES(abbas > 0 && quds > 0 && un > 0);
	EQ(tr_gloss_list(e, NULL), 3);
	struct db_glossary *v = NULL;
	size_t n = 0;
	OK(db_glossary_list(e->db, &e->a, NULL, 50, &v, &n));
	EQ(v[0].id, quds); /* jerusalem, mahmoud abbas, united nations */
	EQ(v[1].id, abbas);
	EQ(v[2].id, un);
	OK(db_glossary_list(e->db, &e->a, NULL, 2, &v, &n));
	EQ(n, 2);
	/* search: normalised (case, hamza form, tashkeel), in names, variants and notes */
	OK(db_glossary_list(e->db, &e->a, "ABBAS", 50, &v, &n));
	EQ(n, 1);
	EQ(v[0].id, abbas);
	OK(db_glossary_list(e->db, &e->a, "ابو مازن", 50, &v, &n));
	EQ(n, 1);
	OK(db_glossary_list(e->db, &e->a, "الامم", 50, &v, &n));
	EQ(n, 1);
	EQ(v[0].id, un);
	EQ(tr_gloss_list(e, "note quds"), 1);
	EQ(tr_gloss_list(e, "nowhere"), 0);
	EQ(tr_gloss_list(e, " - "), 3); /* no words: every entry */
	/* duplicates, once normalised */
	RC(put_gloss(e, 0, "dup-en", "person", "MAHMOUD  abbas", "اسم آخر", "", ed, NULL, &clash), DB_CONFLICT);
	STR(clash, "name_en");
	RC(put_gloss(e, 0, "dup-ar", "place", "Al Quds City", "القُدْس", "", ed, NULL, &clash), DB_CONFLICT);
	STR(clash, "name_ar");
	RC(put_gloss(e, 0, "dup-ar2", "organisation", "The UN", "الامم المتحده", "", ed, NULL, &clash), DB_CONFLICT);
	STR(clash, "name_ar");
	RC(put_gloss(e, 0, "empty", "person", " - ", "اسم", "", ed, NULL, NULL), DB_ERROR); /* a name with no words */
	/* update: new spelling, same author; onto another entry's name: refused */
	OK(put_gloss(e, abbas, "abbas", "title", "President Mahmoud Abbas", "الرئيس محمود عباس", "", 0, NULL, NULL));
	struct db_glossary g;
	OK(db_glossary_get(e->db, &e->a, abbas, &g));
	STR(g.kind, "title");
	STR(g.name_en, "President Mahmoud Abbas");
	STR(g.name_ar, "الرئيس محمود عباس");
	STR(g.variants, "");
	EQ(g.created_by, ed);
	EQ(g.updated_at, T0 + 5);
	RC(put_gloss(e, abbas, "abbas", "person", "jerusalem", "عباس", "", 0, NULL, &clash), DB_CONFLICT);
	STR(clash, "name_en");
	OK(put_gloss(e, abbas, "abbas", "person", "Mahmoud Abbas", "محمود عباس", "Abu Mazen", 0, NULL, NULL)); /* its own */
	RC(put_gloss(e, 999999, "ghost", "person", "Nobody", "لا أحد", "", 0, NULL, NULL), DB_NOTFOUND);
	RC(put_gloss(e, 0, "bad-kind", "planet", "Mars", "المريخ", "", 0, NULL, NULL), DB_ERROR);
	/* delete */
	OK(db_glossary_delete(e->db, quds));
	RC(db_glossary_delete(e->db, quds), DB_NOTFOUND);
	RC(db_glossary_get(e->db, &e->a, quds, &g), DB_NOTFOUND);
	OK(put_gloss(e, 0, "quds2", "place", "Jerusalem", "القدس", "", ed, NULL, NULL)); /* its names are free again */
	EQ(tr_gloss_list(e, NULL), 3);
}

/* ---- scenario: live coverage ---- */

/* live_add: db_live_entry_add of an entry of article at time at (body from name, state NULL: published),
 * transcribed; on DB_OK registers it as name and returns its id, else 0 (rc in *rc). */
static int64_t live_add(struct eng *e, int64_t article, const char *name, int64_t by, int64_t at, const char *key_event,
			const char *state, int64_t source, int *rc)
{
	struct db_live_entry le = {.article_id = article, .author_id = by, .byline = by ? "The rep" : "Desk",
				   .created_at = at, .body_md = arena_printf(&e->a, "Body of %s", name),
				   .body_html = arena_printf(&e->a, "<p>Body of %s</p>", name), .key_event = key_event,
				   .state = state, .source_entry_id = source};
	int64_t id = 0;
	*rc = db_live_entry_add(e->db, &le, &id);
	tr(e, "live_entry_add %s: %d", name, *rc);
	return *rc == DB_OK ? reg(e, 'l', id, name) : 0;
}

/* tr_live_entry: one entry as a transcript line. */
static void tr_live_entry(struct eng *e, const char *p, const struct db_live_entry *le)
{
	tr(e, "%s%s blog=%s by=%s/%s at=%lld/%lld v=%lld corr=%lld src=%s md=%s html=%s key=%s state=%s note=%s", p,
	   L(e, 'l', le->id), L(e, 'a', le->article_id), L(e, 'U', le->author_id), le->byline, (long long)le->created_at,
	   (long long)le->updated_at, (long long)le->version, (long long)le->corrected_at, L(e, 'l', le->source_entry_id),
	   le->body_md, le->body_html, le->key_event, le->state, le->note);
}

/* tr_live_blog: db_live_get of article, transcribed (asserting DB_OK); returns the blog. */
static struct db_live_blog tr_live_blog(struct eng *e, int64_t article)
{
	struct db_live_blog b;
	memset(&b, 0, sizeof b);
	OK(db_live_get(e->db, article, &b));
	tr(e, "live %s started=%lld ended=%lld pinned=%s updated=%lld", L(e, 'a', b.article_id), (long long)b.started_at,
	   (long long)b.ended_at, L(e, 'l', b.pinned_entry_id), (long long)b.updated_at);
	return b;
}

/* tr_live_list: db_live_entries (key = 0) or db_live_key_events (key = 1), transcribed; returns how many. */
static size_t tr_live_list(struct eng *e, int64_t article, int64_t before, int64_t limit, int key, struct db_live_entry **v)
{
	size_t n = 0;
	if (key)
		OK(db_live_key_events(e->db, &e->a, article, limit, v, &n));
	else
		OK(db_live_entries(e->db, &e->a, article, before, limit, v, &n));
	tr(e, "live_%s %s before=%s limit=%lld: %zu", key ? "key_events" : "entries", L(e, 'a', article),
	   L(e, 'l', before), (long long)limit, n);
	for (size_t i = 0; i < n; i++)
		tr_live_entry(e, "  ", &(*v)[i]);
	return n;
}

static void live_hooks(struct eng *e, int64_t blog, int64_t entry);

/* Live blogs: start once, entries appended (two at the same second are two rows), none on an ended blog
 * or a blog that is not one; readers' lists newest first with paging, key events, count; the edit is a
 * compare-and-set on version (a stale one and a withdrawn entry refused), a note sets corrected_at; pin
 * one published entry of the blog (replaced; a foreign, withdrawn or draft one refused), a withdrawal
 * unpins; a draft translation is listed nowhere until published; the end; updated_at only moves on. */
static void run_live(struct eng *e)
{
	int64_t sec = put_section(e, "en", "world", "World", 1), asec = put_section(e, "ar", "world", "العالم", 1);
	int64_t blog = put_article(e, "en", "quake", "published", sec, T0), other = put_article(e, "en", "other", "draft", sec, 0);
	int64_t ablog = put_article(e, "ar", "zilzal", "published", asec, T0);
	int64_t rep = put_user(e, "rep", "reporter");
	struct db_live_blog b;
	int rc;
	RC(db_live_get(e->db, blog, &b), DB_NOTFOUND);
	RC(db_live_start(e->db, 999999, T0), DB_NOTFOUND);
	EQ(live_add(e, blog, "early", rep, T0, "", NULL, 0, &rc), 0);
	EQ(rc, DB_NOTFOUND); /* not a live blog yet */
	OK(db_live_start(e->db, blog, T0 + 10));
	RC(db_live_start(e->db, blog, T0 + 11), DB_CONFLICT);
	OK(db_live_start(e->db, ablog, T0 + 12));
	b = tr_live_blog(e, blog);
	EQ(b.started_at, T0 + 10);
	EQ(b.ended_at, 0);
	EQ(b.pinned_entry_id, 0);
	EQ(b.updated_at, T0 + 10);
	/* appends: two at the same second are two rows */
	int64_t e1 = live_add(e, blog, "e1", rep, T0 + 20, "Quake strikes", NULL, 0, &rc);
	int64_t e2 = live_add(e, blog, "e2", 0, T0 + 30, "", NULL, 0, &rc);
	int64_t e3 = live_add(e, blog, "e3", rep, T0 + 30, "", NULL, 0, &rc);
	int64_t d1 = live_add(e, ablog, "d1", rep, T0 + 31, "", "draft", e3, &rc);
	YES(e1 && e2 && e3 && d1 && e1 < e2 && e2 < e3);
	RC(live_add(e, blog, "bad-state", rep, T0 + 31, "", "secret", 0, &rc) ? DB_OK : rc, DB_ERROR);
	b = tr_live_blog(e, blog);
	EQ(b.updated_at, T0 + 30);
	struct db_live_entry le, *v = NULL;
	size_t n = 0;
	OK(db_live_entry_get(e->db, &e->a, e1, &le));
	tr_live_entry(e, "get ", &le);
	EQ(le.article_id, blog);
	EQ(le.author_id, rep);
	STR(le.byline, "The rep");
	EQ(le.version, 1);
	EQ(le.created_at, T0 + 20);
	EQ(le.updated_at, T0 + 20);
	STR(le.body_md, "Body of e1");
	STR(le.body_html, "<p>Body of e1</p>");
	STR(le.key_event, "Quake strikes");
	STR(le.state, "published");
	STR(le.note, "");
	EQ(le.corrected_at, 0);
	RC(db_live_entry_get(e->db, &e->a, 999999, &le), DB_NOTFOUND);
	OK(db_live_entry_get(e->db, &e->a, d1, &le));
	STR(le.state, "draft");
	EQ(le.source_entry_id, e3);
	/* lists */
	EQ(tr_live_list(e, blog, 0, 20, 0, &v), 3);
	EQ(v[0].id, e3);
	EQ(v[2].id, e1);
	EQ(tr_live_list(e, blog, 0, 2, 0, &v), 2);
	EQ(tr_live_list(e, blog, e2, 20, 0, &v), 1); /* older than e2 */
	EQ(v[0].id, e1);
	EQ(tr_live_list(e, blog, 0, 0, 0, &v), 1);   /* limit bound to 1..100 */
	EQ(tr_live_list(e, ablog, 0, 20, 0, &v), 0); /* a draft is not the readers' */
	EQ(tr_live_list(e, blog, 0, 20, 1, &v), 1);
	EQ(v[0].id, e1);
	int64_t count = -1;
	OK(db_live_count(e->db, blog, &count));
	EQ(count, 3);
	OK(db_live_count(e->db, ablog, &count));
	EQ(count, 0);
	/* compare-and-set edits */
	le = (struct db_live_entry){.id = e2, .version = 1, .body_md = "Body of e2, fixed", .body_html = "<p>fixed</p>",
				    .key_event = "Aftershock", .note = ""};
	OK(db_live_entry_update(e->db, &le, T0 + 40));
	RC(db_live_entry_update(e->db, &le, T0 + 41), DB_CONFLICT); /* stale: now at version 2 */
	le.version = 2;
	le.note = "An earlier version gave the wrong magnitude.";
	OK(db_live_entry_update(e->db, &le, T0 + 42));
	le.id = 999999;
	RC(db_live_entry_update(e->db, &le, T0 + 43), DB_NOTFOUND);
	OK(db_live_entry_get(e->db, &e->a, e2, &le));
	tr_live_entry(e, "corrected ", &le);
	EQ(le.version, 3);
	EQ(le.updated_at, T0 + 42);
	EQ(le.corrected_at, T0 + 42);
	STR(le.note, "An earlier version gave the wrong magnitude.");
	STR(le.key_event, "Aftershock");
	EQ(le.created_at, T0 + 30);
	EQ(tr_live_list(e, blog, 0, 20, 1, &v), 2);
	/* pins */
	OK(db_live_pin(e->db, blog, e1, T0 + 50));
	OK(db_live_pin(e->db, blog, e2, T0 + 51)); /* replaces */
	EQ(tr_live_blog(e, blog).pinned_entry_id, e2);
	RC(db_live_pin(e->db, blog, d1, T0 + 52), DB_NOTFOUND);    /* another blog's */
	RC(db_live_pin(e->db, ablog, d1, T0 + 52), DB_NOTFOUND);   /* a draft */
	RC(db_live_pin(e->db, blog, 999999, T0 + 52), DB_NOTFOUND);
	RC(db_live_pin(e->db, other, 0, T0 + 52), DB_NOTFOUND);    /* not a live blog */
	EQ(tr_live_blog(e, blog).pinned_entry_id, e2);
	/* withdraw: unpins, the note stays, no more edits */
	OK(db_live_entry_withdraw(e->db, e2, "Withdrawn: the report was unconfirmed.", T0 + 60));
	RC(db_live_entry_withdraw(e->db, e2, "again", T0 + 61), DB_CONFLICT);
	RC(db_live_entry_withdraw(e->db, 999999, "x", T0 + 61), DB_NOTFOUND);
	b = tr_live_blog(e, blog);
	EQ(b.pinned_entry_id, 0);
	EQ(b.updated_at, T0 + 60);
	OK(db_live_entry_get(e->db, &e->a, e2, &le));
	STR(le.state, "withdrawn");
	STR(le.note, "Withdrawn: the report was unconfirmed.");
	RC(db_live_entry_update(e->db, &le, T0 + 62), DB_CONFLICT); /* at its version, but withdrawn */
	RC(db_live_pin(e->db, blog, e2, T0 + 62), DB_NOTFOUND);
	EQ(tr_live_list(e, blog, 0, 20, 0, &v), 3); /* withdrawn entries stay listed (as their note) */
	EQ(tr_live_list(e, blog, 0, 20, 1, &v), 1);
	OK(db_live_count(e->db, blog, &count));
	EQ(count, 2);
	OK(db_live_pin(e->db, blog, e3, T0 + 63));
	OK(db_live_pin(e->db, blog, 0, T0 + 64)); /* unpin */
	EQ(tr_live_blog(e, blog).pinned_entry_id, 0);
	/* the translation draft goes out */
	OK(db_live_entry_publish(e->db, d1, T0 + 70));
	RC(db_live_entry_publish(e->db, d1, T0 + 71), DB_CONFLICT);
	RC(db_live_entry_publish(e->db, 999999, T0 + 71), DB_NOTFOUND);
	EQ(tr_live_list(e, ablog, 0, 20, 0, &v), 1);
	EQ(tr_live_blog(e, ablog).updated_at, T0 + 70);
	/* the end: no more entries, nor drafts going out; a time earlier than the last change keeps updated_at */
	int64_t d2 = live_add(e, ablog, "d2", rep, T0 + 72, "", "draft", e1, &rc);
	YES(d2 > 0);
	OK(db_live_end(e->db, blog, T0 + 5));
	RC(db_live_end(e->db, blog, T0 + 81), DB_CONFLICT);
	RC(db_live_end(e->db, other, T0 + 81), DB_NOTFOUND);
	b = tr_live_blog(e, blog);
	EQ(b.ended_at, T0 + 5);
	EQ(b.updated_at, T0 + 64);
	EQ(live_add(e, blog, "late", rep, T0 + 90, "", NULL, 0, &rc), 0);
	EQ(rc, DB_CONFLICT);
	OK(db_live_end(e->db, ablog, T0 + 91));
	RC(db_live_entry_publish(e->db, d2, T0 + 92), DB_CONFLICT);
	OK(db_live_entry_update(e->db, &(struct db_live_entry){.id = e3, .version = 1, .body_md = "m", .body_html = "h",
							      .key_event = "", .note = "Corrected after the end."},
				T0 + 93)); /* corrections go on after the end */
	EQ(tr_live_list(e, blog, 0, 20, 0, &v), 3);
	OK(db_live_entry_get(e->db, &e->a, e3, &le));
	EQ(le.corrected_at, T0 + 93);
	/* the newsroom's lists: every state on the desk; the drafts waiting for their translator */
	OK(db_live_desk_entries(e->db, &e->a, ablog, 50, &v, &n));
	EQ(n, 2);
	EQ(v[0].id, d2);
	STR(v[0].state, "draft");
	EQ(v[1].id, d1);
	OK(db_live_desk_entries(e->db, &e->a, blog, 50, &v, &n));
	EQ(n, 3);
	STR(v[1].state, "withdrawn");
	OK(db_live_drafts(e->db, &e->a, 50, &v, &n));
	tr(e, "live_drafts: %zu", n);
	EQ(n, 1);
	EQ(v[0].id, d2);
	EQ(v[0].source_entry_id, e1);
	live_hooks(e, blog, e1);
}

/* Scenario: the static export's list of live blogs (db_live_blogs_published): published articles that are
 * live blogs, ongoing or ended, by id; a draft live blog and an article that is not live are left out. */
static void run_live_list(struct eng *e)
{
	int64_t sec = put_section(e, "en", "world", "World", 1);
	int64_t a1 = put_article(e, "en", "quake", "published", sec, T0), a2 = put_article(e, "en", "vote", "published", sec, T0);
	int64_t plain = put_article(e, "en", "plain", "published", sec, T0), draft = put_article(e, "en", "draft", "draft", sec, 0);
	struct db_article *v;
	size_t n = 99;
	OK(db_live_blogs_published(e->db, &e->a, &v, &n));
	EQ(n, 0);
	OK(db_live_start(e->db, a2, T0 + 1));
	OK(db_live_start(e->db, a1, T0 + 2));
	OK(db_live_start(e->db, draft, T0 + 3));
	OK(db_live_end(e->db, a1, T0 + 4));
	OK(db_live_blogs_published(e->db, &e->a, &v, &n));
	tr(e, "live_blogs_published: %zu", n);
	for (size_t i = 0; i < n; i++)
		tr(e, "  %s %s", L(e, 'a', v[i].id), v[i].slug);
	EQ(n, 2);
	EQ(v[0].id, a1 < a2 ? a1 : a2);
	EQ(v[1].id, a1 < a2 ? a2 : a1);
	YES(v[0].id != plain && v[1].id != plain);
}

/* ---- scenario: breaking banner ---- */

/* tr_breaking: one banner in the transcript. */
static void tr_breaking(struct eng *e, const char *name, const struct db_breaking *b)
{
	tr(e, "breaking %s: %s \"%s\" article=%s url=%s by=%s at+%lld until+%lld ended+%lld", name, b->edition, b->text,
	   L(e, 'a', b->link_article_id), S(b->link_url), L(e, 'U', b->created_by), (long long)(b->created_at - T0),
	   (long long)(b->expires_at - T0), (long long)(b->ended_at ? b->ended_at - T0 : -1));
}

/* The breaking banner: one up per edition (raising replaces it), shown only before its expiry, taken down,
 * ended by the expiry sweep, which reports the next expiry. */
static void run_breaking(struct eng *e)
{
	int64_t ed = put_user(e, "ed", "editor");
	int64_t sec = put_section(e, "en", "world", "World", 1);
	int64_t art = put_article(e, "en", "quake", "published", sec, T0);
	int64_t next = -1, id1 = 0, id2 = 0, id3 = 0, replaced = -1;
	OK(db_breaking_next_expiry(e->db, &next));
	EQ(next, 0);
	struct db_breaking b = {.edition = "en", .text = "Earthquake hits the north", .link_article_id = art,
				.created_by = ed, .created_at = T0, .expires_at = T0 + 3600};
	OK(db_breaking_raise(e->db, &b, &id1, &replaced));
	EQ(replaced, 0);
	struct db_breaking ar = {.edition = "ar", .text = "زلزال في الشمال", .link_url = "/ar/section/world",
				 .created_at = T0, .expires_at = T0 + 600};
	OK(db_breaking_raise(e->db, &ar, &id3, &replaced));
	EQ(replaced, 0);
	struct db_breaking got;
	OK(db_breaking_current(e->db, &e->a, "en", T0 + 10, &got));
	EQ(got.id, id1);
	STR(got.text, "Earthquake hits the north");
	EQ(got.link_article_id, art);
	STR(got.link_url, NULL);
	EQ(got.created_by, ed);
	EQ(got.ended_at, 0);
	tr_breaking(e, "en up", &got);
	RC(db_breaking_current(e->db, &e->a, "en", T0 + 3600, &got), DB_NOTFOUND); /* at its expiry: gone */
	/* a second banner replaces the first */
	b.text = "Aftershocks expected";
	b.created_at = T0 + 60;
	b.expires_at = T0 + 7200;
	OK(db_breaking_raise(e->db, &b, &id2, &replaced));
	EQ(replaced, id1);
	OK(db_breaking_get(e->db, &e->a, id1, &got));
	EQ(got.ended_at, T0 + 60);
	tr_breaking(e, "en replaced", &got);
	OK(db_breaking_current(e->db, &e->a, "en", T0 + 61, &got));
	EQ(got.id, id2);
	OK(db_breaking_current(e->db, &e->a, "ar", T0 + 61, &got));
	STR(got.link_url, "/ar/section/world");
	EQ(got.link_article_id, 0);
	EQ(got.created_by, 0);
	tr_breaking(e, "ar up", &got);
	OK(db_breaking_next_expiry(e->db, &next));
	EQ(next, T0 + 600);
	/* the sweep: nothing before the expiry, the Arabic banner at it */
	int64_t ids[4] = {0};
	size_t n = 9;
	OK(db_breaking_expire_due(e->db, T0 + 599, ids, 4, &n));
	EQ(n, 0);
	OK(db_breaking_expire_due(e->db, T0 + 600, ids, 4, &n));
	EQ(n, 1);
	EQ(ids[0], id3);
	OK(db_breaking_get(e->db, &e->a, id3, &got));
	EQ(got.ended_at, T0 + 600);
	RC(db_breaking_current(e->db, &e->a, "ar", T0 + 1, &got), DB_NOTFOUND); /* ended: not shown */
	OK(db_breaking_next_expiry(e->db, &next));
	EQ(next, T0 + 7200);
	/* take down */
	int64_t down = 0;
	OK(db_breaking_end(e->db, "en", T0 + 100, &down));
	EQ(down, id2);
	RC(db_breaking_end(e->db, "en", T0 + 101, &down), DB_NOTFOUND);
	RC(db_breaking_end(e->db, "ar", T0 + 101, &down), DB_NOTFOUND);
	OK(db_breaking_get(e->db, &e->a, id2, &got));
	EQ(got.ended_at, T0 + 100);
	tr_breaking(e, "en down", &got);
	OK(db_breaking_next_expiry(e->db, &next));
	EQ(next, 0);
	RC(db_breaking_get(e->db, &e->a, 999999, &got), DB_NOTFOUND);
	/* an empty line is refused by the schema */
	struct db_breaking empty = {.edition = "en", .text = "", .created_at = T0, .expires_at = T0 + 60};
	RC(db_breaking_raise(e->db, &empty, &id1, &replaced), DB_ERROR);
	EQ(replaced, 0);
}

/* ---- scenario: audit log ---- */

/* tr_audit: db_audit_list with f, transcribed; returns how many rows it found and leaves them in *v. */
static size_t tr_audit(struct eng *e, const char *name, const struct db_audit_filter *f, struct db_audit **v)
{
	size_t n = 0;
	OK(db_audit_list(e->db, &e->a, f, v, &n));
	tr(e, "audit_list %s: %zu", name, n);
	for (size_t i = 0; i < n; i++)
		tr(e, "  at+%lld %s %s %s %s %s", (long long)((*v)[i].at - T0), (*v)[i].login, (*v)[i].address,
		   (*v)[i].action, (*v)[i].target, (*v)[i].detail);
	return n;
}

/* The audit log: rows come back newest first with every field; each filter narrows (login, action or an
 * action prefix ending in '.', a time window, the page before an id, a limit); the purge deletes only rows
 * older than its bound. */
static void run_audit(struct eng *e)
{
	int64_t ed = put_user(e, "auditor", "editor");
	struct db_audit rows[] = {
		{.at = T0 + 1, .user_id = 0, .login = "nobody", .address = "192.0.2.1", .action = "login.failed",
		 .target = NULL, .detail = "unknown account"},
		{.at = T0 + 2, .user_id = ed, .login = "auditor", .address = "192.0.2.2", .action = "login.ok"},
		{.at = T0 + 3, .user_id = ed, .login = "auditor", .address = "2001:db8::1", .action = "article.published",
		 .target = "article:7", .detail = "«عنوان»"},
		{.at = T0 + 4, .user_id = ed, .login = "auditor", .address = "", .action = "loginx.other"},
	};
	for (size_t i = 0; i < ARRAY_N(rows); i++)
		OK(db_audit_add(e->db, &rows[i]));
	struct db_audit *v = NULL;
	struct db_audit_filter all = {0};
	EQ(tr_audit(e, "all", &all, &v), 4);
	EQ(v[0].at, T0 + 4); /* newest first */
	STR(v[1].action, "article.published");
	STR(v[1].target, "article:7");
	STR(v[1].detail, "«عنوان»");
	STR(v[1].address, "2001:db8::1");
	EQ(v[1].user_id, ed);
	EQ(v[3].user_id, 0);
	STR(v[3].target, "");
	int64_t second = v[1].id;
	struct db_audit_filter f = {.login = "auditor"};
	EQ(tr_audit(e, "login", &f, &v), 3);
	f = (struct db_audit_filter){.action = "login."};
	EQ(tr_audit(e, "prefix", &f, &v), 2); /* not loginx.other */
	f = (struct db_audit_filter){.action = "login.ok"};
	EQ(tr_audit(e, "exact", &f, &v), 1);
	f = (struct db_audit_filter){.action = "login"};
	EQ(tr_audit(e, "no-dot", &f, &v), 0); /* a name without the dot is exact */
	f = (struct db_audit_filter){.since = T0 + 2, .until = T0 + 3};
	EQ(tr_audit(e, "window", &f, &v), 2);
	f = (struct db_audit_filter){.before_id = second};
	EQ(tr_audit(e, "before", &f, &v), 2);
	EQ(v[0].at, T0 + 2);
	f = (struct db_audit_filter){.limit = 1};
	EQ(tr_audit(e, "limit", &f, &v), 1);
	int deleted = -1;
	OK(db_audit_purge(e->db, T0 + 3, &deleted));
	EQ(deleted, 2);
	EQ(tr_audit(e, "purged", &all, &v), 2);
	OK(db_audit_purge(e->db, T0 + 3, &deleted));
	EQ(deleted, 0);
	struct db_audit empty = {.at = T0, .action = ""};
	RC(db_audit_add(e->db, &empty), DB_ERROR); /* an entry names its action */
}

/* ---- scenario: passkeys (issue 20) ---- */

/* tr_passkeys: the account's passkeys into the transcript (name, credential, count, times); returns how many. */
static size_t tr_passkeys(struct eng *e, const char *what, int64_t user, struct db_passkey **out)
{
	size_t n = 0;
	OK(db_passkeys_list(e->db, &e->a, user, out, &n));
	for (size_t i = 0; i < n; i++)
		tr(e, "passkeys %s: %s %s %s count %lld created %lld used %lld", what, L(e, 'P', (*out)[i].id),
		   (*out)[i].name, (*out)[i].credential_id, (long long)(*out)[i].sign_count,
		   (long long)((*out)[i].created_at - T0), (long long)(*out)[i].last_used_at);
	return n;
}

/* Passkeys: credentials per account, unique across accounts, found with their account; the counter only
 * moves forward (or stays at 0); renamed and removed only by their own account. */
static void passkeys_credentials(struct eng *e)
{
	int64_t ann = put_user(e, "ann", "editor"), bob = put_user(e, "bob", "reporter");
	struct db_passkey p = {.user_id = ann, .credential_id = "Y3JlZC1hbm4", .public_key = "pQECAyYgASFYIA",
			       .name = "حاسوب المكتب", .sign_count = 5, .created_at = T0};
	int64_t id = 0, id2 = 0, id3 = 0;
	OK(db_passkey_insert(e->db, &p, &id));
	reg(e, 'P', id, "ann-laptop");
	RC(db_passkey_insert(e->db, &(struct db_passkey){.user_id = bob, .credential_id = "Y3JlZC1hbm4",
							 .public_key = "x", .name = "copy", .created_at = T0}, &id2),
	   DB_CONFLICT); /* one credential, one account */
	OK(db_passkey_insert(e->db, &(struct db_passkey){.user_id = ann, .credential_id = "Y3JlZC1waG9uZQ",
							 .public_key = "pAEBAycgBiFYIA", .name = "Phone", .created_at = T0 + 5}, &id2));
	reg(e, 'P', id2, "ann-phone");
	OK(db_passkey_insert(e->db, &(struct db_passkey){.user_id = bob, .credential_id = "Ym9i",
							 .public_key = "k", .name = "Key", .created_at = T0 + 1}, &id3));
	reg(e, 'P', id3, "bob-key");
	struct db_passkey *list;
	EQ(tr_passkeys(e, "ann", ann, &list), 2);
	STR(list[0].name, "حاسوب المكتب"); /* oldest first */
	EQ(list[0].last_used_at, 0);
	struct db_passkey got;
	OK(db_passkey_by_credential(e->db, &e->a, "Y3JlZC1hbm4", &got));
	EQ(got.id, id);
	EQ(got.user.id, ann);
	STR(got.user.login, "ann");
	STR(got.user.role, "editor");
	STR(got.public_key, "pQECAyYgASFYIA");
	EQ(got.sign_count, 5);
	RC(db_passkey_by_credential(e->db, &e->a, "Y3JlZC1ib2I", &got), DB_NOTFOUND);
	/* the counter: forward only, or 0 to 0 */
	OK(db_passkey_used(e->db, id, 6, T0 + 100));
	RC(db_passkey_used(e->db, id, 6, T0 + 101), DB_NOTFOUND); /* the same counter again: a clone */
	RC(db_passkey_used(e->db, id, 3, T0 + 102), DB_NOTFOUND);
	OK(db_passkey_used(e->db, id2, 0, T0 + 103));
	OK(db_passkey_used(e->db, id2, 0, T0 + 104));
	RC(db_passkey_used(e->db, 999999, 1, T0), DB_NOTFOUND);
	/* renamed and removed by their own account only */
	RC(db_passkey_rename(e->db, bob, id, "mine now"), DB_NOTFOUND);
	OK(db_passkey_rename(e->db, ann, id, "Office laptop"));
	RC(db_passkey_delete(e->db, bob, id2), DB_NOTFOUND);
	EQ(tr_passkeys(e, "ann after", ann, &list), 2);
	STR(list[0].name, "Office laptop");
	EQ(list[0].sign_count, 6);
	EQ(list[0].last_used_at, T0 + 100);
	EQ(list[1].last_used_at, T0 + 104);
	OK(db_passkey_delete(e->db, ann, id2));
	RC(db_passkey_delete(e->db, ann, id2), DB_NOTFOUND);
	EQ(tr_passkeys(e, "ann removed", ann, &list), 1);
	RC(db_passkey_insert(e->db, &(struct db_passkey){.user_id = 999999, .credential_id = "bm9ib2R5",
							 .public_key = "k", .name = "x", .created_at = T0}, &id2),
	   DB_ERROR); /* no such account */
	OK(db_passkey_by_credential(e->db, &e->a, "Ym9i", &got));
	STR(got.user.login, "bob");
}

/* Challenges: kept by hash for one purpose, taken once (a replay finds nothing), not after they expire,
 * not for another purpose; expired ones are purged by the next put. */
static void passkeys_challenges(struct eng *e)
{
	int64_t ann = put_user(e, "cara", "admin");
	OK(db_passkey_challenge_put(e->db, "h-register", "register", ann, "", T0 + 300, T0));
	OK(db_passkey_challenge_put(e->db, "h-login", "login", 0, "prelogin-hash", T0 + 300, T0));
	RC(db_passkey_challenge_put(e->db, "h-login", "login", 0, "", T0 + 300, T0), DB_CONFLICT);
	RC(db_passkey_challenge_put(e->db, "h-bad", "other", 0, "", T0 + 300, T0), DB_ERROR); /* no such purpose */
	int64_t user = -1;
	const char *binding = NULL;
	RC(db_passkey_challenge_take(e->db, &e->a, "h-register", "login", T0 + 1, &user, &binding), DB_NOTFOUND);
	OK(db_passkey_challenge_take(e->db, &e->a, "h-register", "register", T0 + 1, &user, &binding));
	EQ(user, ann);
	STR(binding, "");
	RC(db_passkey_challenge_take(e->db, &e->a, "h-register", "register", T0 + 2, &user, &binding), DB_NOTFOUND);
	RC(db_passkey_challenge_take(e->db, &e->a, "h-login", "login", T0 + 300, &user, &binding), DB_NOTFOUND); /* expired */
	/* an expired challenge is purged by the next put, so it cannot be taken even with an earlier clock */
	OK(db_passkey_challenge_put(e->db, "h-second", "second", ann, "b", T0 + 700, T0 + 400));
	RC(db_passkey_challenge_take(e->db, &e->a, "h-login", "login", T0, &user, &binding), DB_NOTFOUND);
	OK(db_passkey_challenge_take(e->db, &e->a, "h-second", "second", T0 + 401, &user, &binding));
	STR(binding, "b");
	OK(db_passkey_challenge_put(e->db, "h-login2", "login", 0, "p", T0 + 300, T0));
	OK(db_passkey_challenge_take(e->db, &e->a, "h-login2", "login", T0 + 10, &user, &binding));
	EQ(user, 0);
	tr(e, "challenge login2: user %s binding %s", L(e, 'U', user), binding);
}

static void run_passkeys(struct eng *e)
{
	passkeys_credentials(e);
	passkeys_challenges(e);
}

/* ---- scenario: Web Push ---- */

/* Web Push: a repeated endpoint updates its row; the rate count by address; an alert fans out to its
 * edition's subscriptions in the caller's transaction; claims take due rows once (a second claim finds
 * none while the lease lives), record their outcomes (sent, a retry later, removed: the subscription and
 * its other pending rows go), counts per state; unsubscribing; releasing leases (SQLite only). */
static void run_push(struct eng *e)
{
	int64_t s1 = 0, s2 = 0, s3 = 0, again = 0, n = 0;
	OK(db_push_subscribe(e->db, "https://p.example/1", "k1", "a1", "en", "ip1", T0, &s1));
	OK(db_push_subscribe(e->db, "https://p.example/2", "k2", "a2", "en", "ip1", T0 + 1, &s2));
	OK(db_push_subscribe(e->db, "https://p.example/3", "k3", "a3", "ar", "ip2", T0 + 2, &s3));
	OK(db_push_subscribe(e->db, "https://p.example/1", "k1b", "a1b", "en", "ip1", T0 + 3, &again));
	EQ(again, s1);
	OK(db_push_subscribers(e->db, "en", &n));
	EQ(n, 2);
	OK(db_push_subscribers(e->db, NULL, &n));
	EQ(n, 3);
	OK(db_push_recent(e->db, "ip1", T0 + 1, &n));
	EQ(n, 2);
	OK(db_push_recent(e->db, "ip1", T0 + 4, &n));
	EQ(n, 0);
	struct db_push_alert al = {.edition = "en", .title = "Quake", .body = "Felt", .url = "/en/", .source = "article:1"};
	int64_t alert = 0, queued = 0;
	OK(db_begin(e->db));
	OK(db_push_alert_create(e->db, &al, T0 + 10, &alert, &queued));
	OK(db_commit(e->db));
	EQ(queued, 2);
	struct db_push_job *jobs = NULL;
	size_t nj = 0;
	OK(db_push_claim(e->db, &e->a, T0 + 10, 10, T0 + 40, 77, &jobs, &nj));
	EQ(nj, 2);
	EQ(jobs[0].subscription_id, s1);
	STR(jobs[0].endpoint, "https://p.example/1");
	STR(jobs[0].p256dh, "k1b");
	STR(jobs[0].auth, "a1b");
	STR(jobs[0].title, "Quake");
	STR(jobs[0].body, "Felt");
	STR(jobs[0].url, "/en/");
	STR(jobs[0].edition, "en");
	EQ(jobs[0].alert_id, alert);
	EQ(jobs[0].attempts, 0);
	tr(e, "claimed %zu: %s %s", nj, jobs[0].endpoint, jobs[1].endpoint);
	struct db_push_job *none = NULL;
	size_t nn = 9;
	OK(db_push_claim(e->db, &e->a, T0 + 11, 10, T0 + 41, 78, &none, &nn));
	EQ(nn, 0); /* leased */
	struct db_push_result r[2] = {
		{.id = jobs[0].id, .subscription_id = s1, .claim = 77, .state = "pending", .attempts = 1, .status = 500,
		 .next_attempt_at = T0 + 20, .error = ""},
		{.id = jobs[1].id, .subscription_id = s2, .claim = 77, .state = "sent", .attempts = 1, .status = 201,
		 .next_attempt_at = T0 + 11, .error = ""}};
	OK(db_push_record(e->db, r, 2, T0 + 11));
	struct db_push_alert got;
	OK(db_push_alert(e->db, &e->a, alert, &got));
	EQ(got.queued, 2);
	EQ(got.sent, 1);
	EQ(got.pending, 1);
	STR(got.source, "article:1");
	OK(db_push_claim(e->db, &e->a, T0 + 15, 10, T0 + 45, 79, &jobs, &nj));
	EQ(nj, 0); /* the retry is not due yet */
	OK(db_push_claim(e->db, &e->a, T0 + 20, 10, T0 + 50, 80, &jobs, &nj));
	EQ(nj, 1);
	EQ(jobs[0].attempts, 1);
	struct db_push_result gone = {.id = jobs[0].id, .subscription_id = s1, .claim = 80, .state = "removed",
				      .attempts = 2, .status = 410, .next_attempt_at = T0 + 21, .error = ""};
	struct db_push_result stale = gone; /* a claim that is not the row's: left alone */
	stale.claim = 79;
	stale.state = "sent";
	OK(db_push_record(e->db, &stale, 1, T0 + 21));
	OK(db_push_record(e->db, &gone, 1, T0 + 21));
	OK(db_push_subscribers(e->db, "en", &n));
	EQ(n, 1); /* 410: the subscription is gone */
	struct db_push_alert *list = NULL;
	size_t nl = 0;
	OK(db_push_alerts(e->db, &e->a, 10, &list, &nl));
	EQ(nl, 1);
	EQ(list[0].sent, 1);
	EQ(list[0].removed, 1);
	EQ(list[0].pending, 0);
	EQ(list[0].failed, 0);
	tr(e, "alert %s: queued %lld sent %lld removed %lld", list[0].title, (long long)list[0].queued,
	   (long long)list[0].sent, (long long)list[0].removed);
	/* an Arabic alert, claimed and left (a killed sender): released on SQLite, leased on PostgreSQL */
	al.edition = "ar";
	OK(db_begin(e->db));
	OK(db_push_alert_create(e->db, &al, T0 + 30, &alert, &queued));
	OK(db_commit(e->db));
	EQ(queued, 1);
	OK(db_push_claim(e->db, &e->a, T0 + 30, 10, T0 + 60, 81, &jobs, &nj));
	EQ(nj, 1);
	OK(db_push_release(e->db));
	OK(db_push_claim(e->db, &e->a, T0 + 31, 10, T0 + 61, 82, &jobs, &nj));
	EQ(nj, e->kind == ENG_PG ? 0 : 1);
	OK(db_push_unsubscribe(e->db, "https://p.example/3", T0 + 32));
	RC(db_push_unsubscribe(e->db, "https://p.example/3", T0 + 33), DB_NOTFOUND);
	OK(db_push_alert(e->db, &e->a, alert, &got));
	EQ(got.removed, 1);
	RC(db_push_alert(e->db, &e->a, alert + 1000, &got), DB_NOTFOUND);
}

/* ---- scenario: the mail queue (issue 22) ---- */

/* mail_fixture: two confirmed subscribers and a pending one on the English digest, a confirmed one on the
 * Arabic digest, and two issues (English digest draft, a sent one); rows made with SQL (the subscribe and
 * compose helpers' own operations are theirs to test). */
static void mail_fixture(struct eng *e)
{
	static const char *const rows[] = {
		"INSERT INTO newsletter_subscribers(id, email, lang, state, created_at, updated_at) VALUES "
		"(1, 'a@example.org', 'en', 'confirmed', 1700000000, 1700000000), "
		"(2, 'b@example.org', 'en', 'confirmed', 1700000000, 1700000000), "
		"(3, 'c@example.org', 'en', 'pending', 1700000000, 1700000000), "
		"(4, 'd@example.org', 'ar', 'confirmed', 1700000000, 1700000000)",
		"INSERT INTO newsletter_subscriptions(subscriber_id, edition, list, created_at) VALUES "
		"(1, 'en', 'digest', 1700000000), (2, 'en', 'digest', 1700000000), (3, 'en', 'digest', 1700000000), "
		"(4, 'ar', 'digest', 1700000000), (1, 'en', 'breaking', 1700000000)",
		"INSERT INTO newsletter_issues(id, edition, list, kind, subject, state, created_at, updated_at) VALUES "
		"(1, 'en', 'digest', 'digest', 'Today', 'draft', 1700000000, 1700000000), "
		"(2, 'en', 'digest', 'digest', 'Yesterday', 'sent', 1700000000, 1700000000)"};
	for (size_t i = 0; i < ARRAY_N(rows); i++)
		OK(dbs_run(e->db, rows[i], DBS_NO_ARGS));
}

/* The mail queue: an issue queued once per confirmed subscriber of its edition and list with its state
 * -> sending in the same transaction (a second time: DB_CONFLICT; no issue: DB_NOTFOUND); Message-IDs
 * "<q{id}.{token}@{domain}>"; claims with a lease (a second claim gets nothing; a run-out lease is taken
 * again and the old holder's record is ignored); records; a bounce ends the subscription and marks its row;
 * counts; the issue becomes 'sent' when nothing is left; a killed sender's rows released on SQLite. */
static void run_mailq(struct eng *e)
{
	mail_fixture(e);
	int64_t queued = 0, id = 0, n64 = 0;
	int64_t *due = NULL;
	size_t nd = 0;
	OK(dbs_run(e->db, "UPDATE newsletter_issues SET state = 'scheduled', send_at = ?1 WHERE id = 1", DBS_ARGS(DBS_INT(T0))));
	OK(db_mail_due_issues(e->db, &e->a, T0 - 1, 10, &due, &nd));
	EQ(nd, 0);
	OK(db_mail_due_issues(e->db, &e->a, T0, 10, &due, &nd));
	EQ(nd, 1);
	EQ(due[0], 1);
	OK(db_begin(e->db));
	OK(db_mail_enqueue_issue(e->db, 1, "news.example", "abcd", T0, &queued));
	OK(db_commit(e->db));
	EQ(queued, 2);
	OK(db_begin(e->db));
	RC(db_mail_enqueue_issue(e->db, 1, "news.example", "abce", T0, &queued), DB_CONFLICT);
	RC(db_mail_enqueue_issue(e->db, 2, "news.example", "abce", T0, &queued), DB_CONFLICT);
	RC(db_mail_enqueue_issue(e->db, 99, "news.example", "abce", T0, &queued), DB_NOTFOUND);
	OK(db_rollback(e->db));
	OK(db_begin(e->db));
	OK(db_mail_enqueue(e->db, "test", 1, 0, "editor@example.org", "news.example", "ffff", T0, &id));
	OK(db_mail_enqueue(e->db, "confirm", 0, 3, "c@example.org", "news.example", "eeee", T0, &id));
	OK(db_commit(e->db));
	const char *mid = NULL;
	OK(dbs_one_text(e->db, &e->a, "SELECT message_id FROM mail_queue WHERE id = ?1", DBS_ARGS(DBS_INT(id)), &mid));
	STR(mid, arena_printf(&e->a, "<q%lld.eeee@news.example>", (long long)id));
	struct db_mail_counts c;
	OK(db_mail_counts(e->db, 1, &c));
	EQ(c.queued, 2);
	EQ(c.sent, 0);
	struct db_mail_job *jobs = NULL;
	size_t nj = 0;
	OK(db_mail_claim(e->db, &e->a, T0, 3, T0 + 60, 11, &jobs, &nj));
	EQ(nj, 3);
	STR(jobs[0].kind, "issue");
	STR(jobs[0].to_addr, "a@example.org");
	STR(jobs[0].lang, "en");
	EQ(jobs[0].issue_id, 1);
	EQ(jobs[0].subscriber_id, 1);
	EQ(jobs[0].claim, 11);
	STR(jobs[2].kind, "test");
	STR(jobs[2].lang, "");
	YES(strncmp(jobs[0].message_id, "<q", 2) == 0 && strstr(jobs[0].message_id, ".abcd@news.example>") != NULL);
	tr(e, "claimed %s %s %s", jobs[0].to_addr, jobs[1].to_addr, jobs[2].to_addr);
	struct db_mail_job *more = NULL;
	size_t nm = 0;
	OK(db_mail_claim(e->db, &e->a, T0 + 1, 10, T0 + 61, 12, &more, &nm));
	EQ(nm, 1); /* the confirmation: the others are leased */
	STR(more[0].kind, "confirm");
	OK(db_mail_counts(e->db, 1, &c));
	EQ(c.sending, 2);
	struct db_mail_result r[3] = {
		{.id = jobs[0].id, .claim = 11, .state = "sent", .attempts = 1, .error = ""},
		{.id = jobs[1].id, .claim = 11, .state = "queued", .attempts = 1, .next_at = T0 + 20, .error = "421 busy"},
		{.id = jobs[2].id, .claim = 11, .state = "failed", .attempts = 1, .error = "550 no such user"}};
	OK(db_mail_record(e->db, r, 3, T0 + 2));
	struct db_mail_result conf = {.id = more[0].id, .claim = 12, .state = "skipped", .attempts = 1, .error = "no composer"};
	OK(db_mail_record(e->db, &conf, 1, T0 + 2));
	/* open and click counts: once per recipient; a click counts as an open; a test row is never counted */
	struct db_nl_track_counts tc;
	int counted = 0;
	OK(db_nl_track_counts(e->db, 1, &tc));
	EQ(tc.opened + tc.clicked, 0);
	OK(db_nl_track(e->db, jobs[0].id, 0, T0 + 3, &counted));
	EQ(counted, 1);
	OK(db_nl_track(e->db, jobs[0].id, 0, T0 + 4, &counted));
	EQ(counted, 0);
	OK(db_nl_track(e->db, jobs[1].id, 1, T0 + 5, &counted));
	EQ(counted, 1);
	OK(db_nl_track(e->db, jobs[1].id, 1, T0 + 6, &counted));
	EQ(counted, 0);
	OK(db_nl_track(e->db, jobs[2].id, 1, T0 + 6, &counted));
	EQ(counted, 0);
	OK(db_nl_track_counts(e->db, 1, &tc));
	EQ(tc.opened, 2);
	EQ(tc.clicked, 1);
	int64_t opened_at = 0;
	OK(dbs_one_int(e->db, "SELECT opened_at FROM mail_queue WHERE id = ?1", DBS_ARGS(DBS_INT(jobs[0].id)), &opened_at));
	EQ(opened_at, T0 + 3);
	OK(db_mail_counts(e->db, 1, &c));
	EQ(c.sent, 1);
	EQ(c.queued, 1);
	EQ(c.failed, 0); /* the test message is not the issue's */
	OK(db_mail_finish_issues(e->db, T0 + 3, &n64));
	EQ(n64, 0);
	/* not due yet; then due, claimed, its lease runs out, claimed again: the first holder's record is ignored */
	OK(db_mail_claim(e->db, &e->a, T0 + 10, 10, T0 + 70, 13, &jobs, &nj));
	EQ(nj, 0);
	OK(db_mail_claim(e->db, &e->a, T0 + 20, 10, T0 + 30, 14, &jobs, &nj));
	EQ(nj, 1);
	EQ(jobs[0].attempts, 1);
	OK(db_mail_renew(e->db, 14, T0 + 35)); /* renewed: not taken at T0 + 30 */
	OK(db_mail_claim(e->db, &e->a, T0 + 30, 10, T0 + 90, 15, &more, &nm));
	EQ(nm, 0);
	OK(db_mail_claim(e->db, &e->a, T0 + 35, 10, T0 + 90, 15, &more, &nm));
	EQ(nm, 1);
	struct db_mail_result late = {.id = jobs[0].id, .claim = 14, .state = "failed", .attempts = 2, .error = "late"};
	OK(db_mail_record(e->db, &late, 1, T0 + 31));
	struct db_mail_result done = {.id = jobs[0].id, .claim = 15, .state = "sent", .attempts = 2, .error = ""};
	OK(db_mail_record(e->db, &done, 1, T0 + 31));
	OK(db_mail_counts(e->db, 1, &c));
	EQ(c.sent, 2);
	EQ(c.failed, 0);
	OK(db_mail_finish_issues(e->db, T0 + 32, &n64));
	EQ(n64, 1);
	const char *state = NULL;
	OK(dbs_one_text(e->db, &e->a, "SELECT state FROM newsletter_issues WHERE id = 1", DBS_NO_ARGS, &state));
	STR(state, "sent");
	/* a hard bounce for b's message; a unsubscribes */
	const char *bmid = NULL;
	OK(dbs_one_text(e->db, &e->a, "SELECT message_id FROM mail_queue WHERE subscriber_id = 2", DBS_NO_ARGS, &bmid));
	int64_t who = 0;
	OK(db_mail_bounce(e->db, "b@example.org", bmid, "bounced", T0 + 40, &who));
	EQ(who, 2);
	OK(db_mail_bounce(e->db, "nobody@example.org", "<x@y>", "complained", T0 + 40, &who));
	EQ(who, 0);
	OK(dbs_run(e->db, "UPDATE newsletter_subscribers SET state = 'unsubscribed', updated_at = ?1 WHERE id = 1",
		   DBS_ARGS(DBS_INT(T0 + 41))));
	OK(db_mail_counts(e->db, 1, &c));
	EQ(c.sent, 1);
	EQ(c.bounced, 1);
	EQ(c.unsubscribed, 1);
	OK(dbs_one_text(e->db, &e->a, "SELECT state FROM newsletter_subscribers WHERE id = 2", DBS_NO_ARGS, &state));
	STR(state, "bounced");
	OK(db_mail_counts(e->db, 99, &c));
	EQ(c.queued + c.sent, 0);
	/* a killed sender's claim: released on SQLite, leased on PostgreSQL */
	OK(db_begin(e->db));
	OK(db_mail_enqueue(e->db, "confirm", 0, 4, "d@example.org", "news.example", "dddd", T0 + 50, &id));
	OK(db_commit(e->db));
	OK(db_mail_claim(e->db, &e->a, T0 + 50, 10, T0 + 110, 16, &jobs, &nj));
	EQ(nj, 1);
	OK(db_mail_release(e->db));
	OK(db_mail_claim(e->db, &e->a, T0 + 51, 10, T0 + 111, 17, &jobs, &nj));
	EQ(nj, e->kind == ENG_PG ? 0 : 1);
}

/* ---- scenario: related stories ---- */

/* Related stories: the list is kept in the order given and replaced whole; the reader's read keeps only
 * the published ones of the article's own edition, in order; citing names the articles listing one;
 * a seventh entry, a repeated id, an article naming itself or a missing article are refused. */
static void run_related(struct eng *e)
{
	int64_t sec = put_section(e, "en", "politics", "Politics", 1);
	int64_t sec_ar = put_section(e, "ar", "siyasa", "سياسة", 1);
	int64_t art = put_article(e, "en", "main", "published", sec, T0);
	int64_t p1 = put_article(e, "en", "p1", "published", sec, T0 + 1);
	int64_t p2 = put_article(e, "en", "p2", "published", sec, T0 + 2);
	int64_t dr = put_article(e, "en", "draft", "draft", sec, 0);
	int64_t ar = put_article(e, "ar", "arabic", "published", sec_ar, T0 + 3);
	int64_t *ids = NULL;
	size_t n = 9;
	OK(db_related_ids(e->db, &e->a, art, &ids, &n));
	EQ(n, 0);
	int64_t list[] = {p2, dr, ar, p1};
	OK(db_related_set(e->db, art, list, 4));
	OK(db_related_ids(e->db, &e->a, art, &ids, &n));
	EQ(n, 4);
	for (size_t i = 0; i < n; i++)
		EQ(ids[i], list[i]);
	struct db_article self = get_article(e, art), *v = NULL;
	OK(db_related_published(e->db, &e->a, &self, &v, &n));
	EQ(n, 2); /* the draft and the other edition's article are left out; the order stays */
	EQ(v[0].id, p2);
	EQ(v[1].id, p1);
	STR(v[0].slug, "p2");
	for (size_t i = 0; i < n; i++)
		tr_article(e, "related_published: ", &v[i]);
	OK(db_related_citing(e->db, &e->a, p1, &ids, &n));
	EQ(n, 1);
	EQ(ids[0], art);
	int64_t back[] = {p1};
	OK(db_related_set(e->db, p2, back, 1));
	OK(db_related_citing(e->db, &e->a, p1, &ids, &n));
	EQ(n, 2);
	EQ(ids[0], art);
	EQ(ids[1], p2);
	OK(db_related_citing(e->db, &e->a, dr, &ids, &n));
	EQ(n, 1);
	int64_t shorter[] = {p1};
	OK(db_related_set(e->db, art, shorter, 1)); /* replaced whole */
	OK(db_related_ids(e->db, &e->a, art, &ids, &n));
	EQ(n, 1);
	EQ(ids[0], p1);
	OK(db_related_citing(e->db, &e->a, dr, &ids, &n));
	EQ(n, 0);
	OK(db_related_set(e->db, art, NULL, 0));
	OK(db_related_ids(e->db, &e->a, art, &ids, &n));
	EQ(n, 0);
	int64_t seven[] = {p1, p2, dr, ar, p1 + 100, p1 + 101, p1 + 102};
	RC(db_related_set(e->db, art, seven, 7), DB_ERROR);
	OK(db_begin(e->db));
	int64_t twice[] = {p1, p1};
	RC(db_related_set(e->db, art, twice, 2), DB_ERROR);
	db_rollback(e->db);
	OK(db_begin(e->db));
	int64_t itself[] = {art};
	RC(db_related_set(e->db, art, itself, 1), DB_ERROR);
	db_rollback(e->db);
	OK(db_begin(e->db));
	int64_t missing[] = {999999};
	RC(db_related_set(e->db, art, missing, 1), DB_ERROR);
	db_rollback(e->db);
	OK(db_related_ids(e->db, &e->a, art, &ids, &n));
	EQ(n, 0);
}

/* ---- scenario: the translation desk ---- */

/* The translation desk: a translation's source link (set, read, synced with the source's version), one
 * revision by version, the translations whose source moved on (while still paired), today's stories
 * without a translation (published or scheduled in the window, either edition) and corrections newer
 * than the other side's last save. */
static void run_translations(struct eng *e)
{
	int64_t sec = put_section(e, "en", "business", "Business", 1);
	int64_t sec_ar = put_section(e, "ar", "business", "اقتصاد", 1);
	int64_t src = put_article(e, "en", "source", "published", sec, T0 + 100);
	int64_t tr_ar = put_article(e, "ar", "translation", "draft", sec_ar, 0);
	int64_t alone = put_article(e, "en", "alone", "published", sec, T0 + 200);
	int64_t sched = put_article(e, "ar", "sched", "draft", sec_ar, 0);
	int64_t later = put_article(e, "en", "later", "published", sec, T0 + 3 * 86400);
	put_article(e, "en", "draft", "draft", sec, 0);
	OK(db_article_set_status(e->db, sched, "scheduled", 0, T0 + 300, 0));
	OK(db_article_set_translation(e->db, tr_ar, src));
	struct db_article_source ln;
	RC(db_article_source_get(e->db, &e->a, tr_ar, &ln), DB_NOTFOUND);
	OK(db_article_source_set(e->db, tr_ar, src, 1));
	RC(db_article_source_set(e->db, 999999, src, 1), DB_NOTFOUND);
	OK(db_article_source_get(e->db, &e->a, tr_ar, &ln));
	EQ(ln.id, tr_ar);
	EQ(ln.source_id, src);
	EQ(ln.source_version, 1);
	struct db_revision r;
	RC(db_revision_get(e->db, &e->a, src, 1, &r), DB_NOTFOUND);
	struct db_revision r1 = {.version = 1, .created_at = T0 + 100, .headline = "First", .standfirst = "S1",
				 .body_md = "Body one", .dateline = "", .slug = "source"};
	OK(db_revision_insert(e->db, src, &r1));
	OK(db_revision_get(e->db, &e->a, src, 1, &r));
	STR(r.headline, "First");
	STR(r.body_md, "Body one");
	EQ(r.created_at, T0 + 100);
	tr(e, "revision_get: %lld %s %s", (long long)r.version, r.headline, r.who);
	struct db_article_source *rows = NULL;
	size_t n = 9;
	OK(db_translations_behind(e->db, &e->a, 10, &rows, &n));
	EQ(n, 0); /* the source is at version 1 */
	struct db_article s = get_article(e, src);
	s.headline = "Second";
	int64_t id = 0;
	OK(db_article_save(e->db, &s, &id));
	OK(db_translations_behind(e->db, &e->a, 10, &rows, &n));
	EQ(n, 1);
	EQ(rows[0].id, tr_ar);
	EQ(rows[0].source_id, src);
	EQ(rows[0].source_version, 1);
	OK(db_article_source_sync(e->db, tr_ar));
	OK(db_article_source_get(e->db, &e->a, tr_ar, &ln));
	EQ(ln.source_version, 2);
	OK(db_translations_behind(e->db, &e->a, 10, &rows, &n));
	EQ(n, 0);
	OK(db_article_source_sync(e->db, alone)); /* no source: nothing */
	RC(db_article_source_get(e->db, &e->a, alone, &ln), DB_NOTFOUND);
	/* unpaired (another group): no longer behind its old source, whatever the versions */
	OK(db_article_source_set(e->db, tr_ar, src, 1));
	OK(db_article_set_translation(e->db, tr_ar, later));
	OK(db_translations_behind(e->db, &e->a, 10, &rows, &n));
	EQ(n, 0);
	OK(db_article_set_translation(e->db, tr_ar, src));
	OK(db_translations_behind(e->db, &e->a, 10, &rows, &n));
	EQ(n, 1);
	int64_t *ids = NULL;
	OK(db_untranslated_between(e->db, &e->a, T0, T0 + 86400, 10, &ids, &n));
	EQ(n, 2); /* newest first: the scheduled one, then the published one; the pair and the draft are not */
	EQ(ids[0], sched);
	EQ(ids[1], alone);
	OK(db_untranslated_between(e->db, &e->a, T0 + 86400, T0 + 4 * 86400, 10, &ids, &n));
	EQ(n, 1);
	EQ(ids[0], later);
	OK(db_untranslated_between(e->db, &e->a, T0, T0 + 86400, 1, &ids, &n));
	EQ(n, 1);
	/* a correction on the source after the translation's last save (it has no revision: its creation) */
	struct db_correction_flag *flags = NULL;
	OK(db_correction_flags(e->db, &e->a, 0, 10, &flags, &n));
	EQ(n, 0);
	OK(db_correction_insert(e->db, src, "Fixed.", 0, T0 + 500));
	OK(db_correction_flags(e->db, &e->a, 0, 10, &flags, &n));
	EQ(n, 1);
	EQ(flags[0].corrected_id, src);
	EQ(flags[0].other_id, tr_ar);
	EQ(flags[0].corrected_at, T0 + 500);
	OK(db_correction_flags(e->db, &e->a, tr_ar, 10, &flags, &n));
	EQ(n, 1);
	OK(db_correction_flags(e->db, &e->a, src, 10, &flags, &n));
	EQ(n, 0); /* flagged on the other side only */
	struct db_revision saved = {.version = 1, .created_at = T0 + 600, .headline = "Translated", .standfirst = "",
				    .body_md = "", .dateline = "", .slug = "translation"};
	OK(db_revision_insert(e->db, tr_ar, &saved));
	OK(db_correction_flags(e->db, &e->a, 0, 10, &flags, &n));
	EQ(n, 0); /* saved since: carried over */
	tr(e, "translations: behind, untranslated and flags checked");
}

/* ---- scenario: the scheduler ---- */

/* sorted: a copy of ids[0..n) in increasing order (the scheduler's ids come in no stated order). */
static const int64_t *sorted(struct eng *e, const int64_t *ids, size_t n)
{
	int64_t *v = arena_alloc(&e->a, (n ? n : 1) * sizeof *v);
	memcpy(v, ids, n * sizeof *v);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			int64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v;
}

/* Due work: the next time something is due; publish_due publishes what was scheduled (published_at from
 * scheduled_at when it had none), takes down what expired, logs both as the scheduler and queues their
 * webhook events, and counts them all even past the ids it has room for. */
static void run_schedule(struct eng *e)
{
	int64_t sec = put_section(e, "en", "world", "World", 1);
	int64_t s1 = put_article(e, "en", "scheduled-1", "draft", sec, 0);
	int64_t s2 = put_article(e, "en", "scheduled-2", "draft", sec, 0);
	int64_t p1 = put_article(e, "en", "expiring-1", "published", sec, T0);
	int64_t p2 = put_article(e, "en", "expiring-2", "published", sec, T0);
	int64_t at = -1;
	OK(db_next_due(e->db, &at));
	EQ(at, 0);
	OK(db_article_set_status(e->db, s1, "scheduled", 0, T0 + 100, 0));
	OK(db_article_set_status(e->db, s2, "scheduled", T0 + 50, T0 + 200, 0));
	OK(db_article_set_status(e->db, p1, "published", T0, 0, T0 + 150));
	OK(db_article_set_status(e->db, p2, "published", T0, 0, T0 + 1000));
	struct db_webhook w = {.url = "https://hooks.example/a", .secret = "s",
			       .events = "article.published,article.unpublished", .active = 1, .created_at = T0};
	int64_t wid = 0;
	OK(db_webhook_insert(e->db, &w, &wid));
	reg(e, 'w', wid, "hook");
	OK(db_next_due(e->db, &at));
	EQ(at, T0 + 100);
	int64_t ids[8] = {0};
	int changed = -1;
	OK(db_publish_due(e->db, T0 + 99, ids, 8, &changed));
	EQ(changed, 0);
	OK(db_publish_due(e->db, T0 + 160, ids, 8, &changed));
	EQ(changed, 2);
	expect_order(e, "due", 'a', sorted(e, ids, 2), 2, IDS(s1 < p1 ? s1 : p1, s1 < p1 ? p1 : s1));
	struct db_article r = get_article(e, s1);
	STR(r.status, "published");
	EQ(r.published_at, T0 + 100);
	EQ(r.scheduled_at, 0);
	tr_article(e, "published by the scheduler: ", &r);
	r = get_article(e, p1);
	STR(r.status, "unpublished");
	EQ(r.expires_at, 0);
	tr_article(e, "taken down by the scheduler: ", &r);
	struct db_event *ev = NULL;
	size_t n = 0;
	OK(db_events_list(e->db, &e->a, s1, &ev, &n));
	EQ(n, 1);
	STR(ev[0].action, "published (scheduled)");
	STR(ev[0].who, "the scheduler");
	EQ(ev[0].at, T0 + 160);
	OK(db_events_list(e->db, &e->a, p1, &ev, &n));
	EQ(n, 1);
	STR(ev[0].action, "unpublished (expired)");
	struct db_audit *au = NULL; /* the audit log's entries, as "system" */
	struct db_audit_filter af = {.login = "system"};
	OK(db_audit_list(e->db, &e->a, &af, &au, &n));
	EQ(n, 2);
	for (size_t i = 0; i < n; i++) {
		EQ(au[i].at, T0 + 160);
		EQ(au[i].user_id, 0);
		STR(au[i].address, "");
		int pub = strcmp(au[i].action, "article.published") == 0;
		YES(pub || strcmp(au[i].action, "article.expired") == 0);
		STR(au[i].target, arena_printf(&e->a, "article:%lld", (long long)(pub ? s1 : p1)));
		tr(e, "scheduler's audit entry: %s %s", au[i].action, au[i].detail);
	}
	struct db_webhook_job *jobs = NULL;
	OK(db_webhook_due(e->db, &e->a, T0 + 160, 10, T0 + 160, &jobs, &n));
	EQ(n, 2);
	for (size_t i = 0; i < n; i++) {
		reg(e, 'q', jobs[i].id, arena_printf(&e->a, "job-%zu", i));
		tr_job(e, "scheduler's event: ", &jobs[i]);
	}
	STR(jobs[0].event, "article.published");
	YES(strstr(jobs[0].payload, "scheduled-1") != NULL);
	OK(db_next_due(e->db, &at));
	EQ(at, T0 + 200);
	memset(ids, 0, sizeof ids);
	OK(db_publish_due(e->db, T0 + 5000, ids, 1, &changed));
	EQ(changed, 2); /* s2 published, p2 expired: both counted, one id given */
	YES(ids[0] == s2 || ids[0] == p2);
	EQ(ids[1], 0);
	EQ(get_article(e, s2).published_at, T0 + 50); /* it had one: kept */
	OK(db_next_due(e->db, &at));
	EQ(at, 0);
	tr(e, "schedule: changed=%d", changed);
}

/* ---- scenario: newsroom accounts, sessions and log-in throttling ---- */

/* user_ids: the ids of a list of users. */
static const int64_t *user_ids(struct eng *e, const struct db_user *v, size_t n)
{
	int64_t *ids = arena_alloc(&e->a, (n ? n : 1) * sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = v[i].id;
	return ids;
}

/* Users: a login is unique and matched exactly; the list is by login (byte order: capitals first) and
 * carries no password hashes; password and disabled flag change in place. */
static void users_accounts(struct eng *e, int64_t *alice, int64_t *bob)
{
	*alice = put_user(e, "alice", "admin");
	*bob = put_user(e, "Bob", "editor");
	int64_t carol = put_user(e, "carol", "reporter"), dave = put_user(e, "dave", "moderator");
	struct db_user dup = {.login = "alice", .role = "editor", .pw_hash = "x", .created_at = T0}, bad = dup;
	int64_t id = 0;
	RC(db_user_insert(e->db, &dup, &id), DB_CONFLICT);
	bad.login = "eve";
	bad.role = "king";
	RC(db_user_insert(e->db, &bad, &id), DB_ERROR);
	struct db_user u;
	OK(db_user_get_by_login(e->db, &e->a, "alice", &u));
	EQ(u.id, *alice);
	STR(u.pw_hash, "hash-alice");
	STR(u.display_name, "The alice");
	STR(u.role, "admin");
	EQ(u.created_at, T0);
	tr_user(e, "user_get_by_login: ", &u);
	RC(db_user_get_by_login(e->db, &e->a, "ALICE", &u), DB_NOTFOUND);
	RC(db_user_get_by_login(e->db, &e->a, "nobody", &u), DB_NOTFOUND);
	STR(u.lang, ""); /* no newsroom language chosen yet */
	OK(db_user_set_password(e->db, *alice, "hash-2"));
	OK(db_user_set_disabled(e->db, carol, 1));
	OK(db_user_set_lang(e->db, *alice, "ar"));
	RC(db_user_set_lang(e->db, *alice, "fr"), DB_ERROR); /* the table's CHECK */
	RC(db_user_set_lang(e->db, *alice + 1000, "en"), DB_NOTFOUND);
	OK(db_user_get_by_login(e->db, &e->a, "alice", &u));
	STR(u.pw_hash, "hash-2");
	STR(u.lang, "ar");
	struct db_user *v = NULL;
	size_t n = 0;
	OK(db_users_list(e->db, &e->a, &v, &n));
	expect_order(e, "users", 'U', user_ids(e, v, n), n, IDS(*bob, *alice, carol, dave));
	EQ(v[2].disabled, 1);
	STR(v[0].pw_hash, NULL);
	for (size_t i = 0; i < n; i++)
		tr_user(e, "users_list: ", &v[i]);
	OK(db_user_set_disabled(e->db, carol, 0));
	OK(db_users_list(e->db, &e->a, &v, &n));
	EQ(v[2].disabled, 0);
}

/* put_session: stores session `hash` of user with public id, created at `at`, expiring an hour later. */
static void put_session(struct eng *e, const char *hash, int64_t user, int64_t id, int64_t at, const char *agent,
			const char *method)
{
	struct db_session s = {.token_hash = hash, .csrf = arena_printf(&e->a, "csrf-%s", hash), .id = id,
			       .created_at = at, .expires_at = at + 3600, .user_agent = agent, .address = "192.0.2.7",
			       .method = method};
	s.user.id = user;
	OK(db_session_insert(e->db, &s));
}

/* Sessions: keyed by token hash, read with their user (disabled or not: the caller decides) and the two
 * session settings; deleted one by one or all of a user's. */
static void users_sessions(struct eng *e, int64_t alice, int64_t bob)
{
	put_session(e, "tok1", alice, 11, T0, "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0", "password");
	put_session(e, "tok2", alice, 12, T0 + 1, NULL, "passkey");
	put_session(e, "tok3", bob, 13, T0 + 2, "curl/8.5", "password");
	struct db_session dup = {.token_hash = "tok1", .csrf = "csrf4", .id = 14, .created_at = T0, .expires_at = T0 + 60};
	dup.user.id = bob;
	RC(db_session_insert(e->db, &dup), DB_CONFLICT);
	dup.token_hash = "tok4";
	dup.id = 11; /* the public id is unique too */
	RC(db_session_insert(e->db, &dup), DB_CONFLICT);
	struct db_session s;
	memset(&s, 0, sizeof s);
	OK(db_session_get(e->db, &e->a, "tok1", &s));
	EQ(s.user.id, alice);
	STR(s.user.login, "alice");
	STR(s.user.lang, "ar"); /* the session carries the language its person chose */
	STR(s.user.role, "admin");
	STR(s.csrf, "csrf-tok1");
	EQ(s.expires_at, T0 + 3600);
	EQ(s.id, 11);
	EQ(s.created_at, T0);
	EQ(s.last_seen, T0); /* the log-in is its first request */
	STR(s.user_agent, "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0");
	STR(s.address, "192.0.2.7");
	STR(s.method, "password");
	STR(s.lifetime_setting, NULL); /* unset settings */
	STR(s.idle_setting, NULL);
	tr(e, "session tok1: csrf=%s expires=%lld id=%lld seen=%lld agent=%s address=%s method=%s", s.csrf,
	   (long long)s.expires_at, (long long)s.id, (long long)s.last_seen, s.user_agent, s.address, s.method);
	tr_user(e, "  ", &s.user);
	OK(db_setting_set(e->db, "session.lifetime_minutes", "90"));
	OK(db_setting_set(e->db, "session.idle_minutes", "15"));
	OK(db_session_get(e->db, &e->a, "tok2", &s));
	STR(s.lifetime_setting, "90");
	STR(s.idle_setting, "15");
	STR(s.user_agent, ""); /* none sent */
	STR(s.method, "passkey");
	/* last seen: written when at least `every` seconds old, else left alone */
	OK(db_session_touch(e->db, "tok2", T0 + 30, 60));
	OK(db_session_get(e->db, &e->a, "tok2", &s));
	EQ(s.last_seen, T0 + 1);
	OK(db_session_touch(e->db, "tok2", T0 + 61, 60));
	OK(db_session_get(e->db, &e->a, "tok2", &s));
	EQ(s.last_seen, T0 + 61);
	OK(db_session_touch(e->db, "nope", T0 + 500, 60)); /* an unknown one: nothing */
	/* a person's sessions, the most recently seen first, with their keys */
	struct db_session *list = NULL;
	size_t n = 0;
	OK(db_sessions_of_user(e->db, &e->a, alice, &list, &n));
	EQ(n, 2);
	STR(list[0].token_hash, "tok2");
	EQ(list[0].id, 12);
	EQ(list[0].last_seen, T0 + 61);
	EQ(list[0].expires_at, T0 + 1 + 3600);
	STR(list[1].token_hash, "tok1");
	STR(list[1].address, "192.0.2.7");
	STR(list[1].user_agent, "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0");
	for (size_t i = 0; i < n; i++)
		tr(e, "sessions_of_user: %lld seen=%lld method=%s", (long long)list[i].id, (long long)list[i].last_seen,
		   list[i].method);
	OK(db_sessions_of_user(e->db, &e->a, alice + bob + 1000, &list, &n));
	EQ(n, 0);
	/* ending one by number: only the owner's */
	RC(db_session_delete_id(e->db, alice, 13), DB_NOTFOUND); /* bob's */
	RC(db_session_delete_id(e->db, alice, 99), DB_NOTFOUND);
	OK(db_session_get(e->db, &e->a, "tok3", &s));
	put_session(e, "tok5", alice, 15, T0 + 5, "Firefox/128.0", "password");
	OK(db_session_delete_id(e->db, alice, 15));
	RC(db_session_get(e->db, &e->a, "tok5", &s), DB_NOTFOUND);
	/* ending all the others: the kept one and other people's stay */
	put_session(e, "tok6", alice, 16, T0 + 6, "", "password");
	int64_t ended = -1;
	OK(db_sessions_delete_others(e->db, alice, "tok1", &ended));
	EQ(ended, 2); /* tok2, tok6 */
	OK(db_sessions_of_user(e->db, &e->a, alice, &list, &n));
	EQ(n, 1);
	STR(list[0].token_hash, "tok1");
	OK(db_sessions_delete_others(e->db, alice, "tok1", &ended));
	EQ(ended, 0);
	OK(db_session_get(e->db, &e->a, "tok3", &s));
	OK(db_user_set_disabled(e->db, bob, 1));
	OK(db_session_get(e->db, &e->a, "tok3", &s));
	EQ(s.user.disabled, 1);
	RC(db_session_get(e->db, &e->a, "nope", &s), DB_NOTFOUND);
	OK(db_session_delete(e->db, "tok1"));
	RC(db_session_get(e->db, &e->a, "tok1", &s), DB_NOTFOUND);
	OK(db_session_delete(e->db, "tok1")); /* already gone */
	put_session(e, "tok2", alice, 12, T0 + 1, NULL, "password");
	OK(db_sessions_delete_user(e->db, alice));
	RC(db_session_get(e->db, &e->a, "tok2", &s), DB_NOTFOUND);
	OK(db_session_get(e->db, &e->a, "tok3", &s));
	EQ(s.user.id, bob);
	OK(db_sessions_delete_user(e->db, bob)); /* (the purge below counts only its own sessions) */
	/* the purge: past the expiry at log-in, started by a time, or last seen by a time (0: no idle limit) */
	put_session(e, "p1", alice, 21, T0, "", "password");  /* expires T0 + 3600 */
	put_session(e, "p2", alice, 22, T0 + 100, "", "password");
	put_session(e, "p3", alice, 23, T0 + 200, "", "password");
	OK(db_session_touch(e->db, "p3", T0 + 1000, 60));
	int64_t purged = -1;
	OK(db_sessions_purge(e->db, T0 + 50, T0 - 1, 0, &purged));
	EQ(purged, 0);
	OK(db_sessions_purge(e->db, T0 + 3600, T0 - 1, 0, &purged)); /* p1's expiry */
	EQ(purged, 1);
	RC(db_session_get(e->db, &e->a, "p1", &s), DB_NOTFOUND);
	OK(db_sessions_purge(e->db, T0 + 1100, T0 + 100, 0, &purged)); /* p2 started by T0 + 100 */
	EQ(purged, 1);
	OK(db_sessions_purge(e->db, T0 + 1100, T0, T0 + 999, &purged)); /* p3 seen at T0 + 1000 */
	EQ(purged, 0);
	OK(db_sessions_purge(e->db, T0 + 1100, T0, T0 + 1000, &purged));
	EQ(purged, 1);
	tr(e, "sessions_purge: as counted");
}

/* Failed log-ins: counted by key since a time with the oldest of them; an addition forgets failures more
 * than a day older than itself; cleared by key. */
static void users_failures(struct eng *e)
{
	OK(db_login_failure_add(e->db, "ip:192.0.2.1", T0));
	OK(db_login_failure_add(e->db, "ip:192.0.2.1", T0 + 10));
	OK(db_login_failure_add(e->db, "login:alice", T0 + 20));
	int64_t count = -1, oldest = -1;
	OK(db_login_failures_count(e->db, "ip:192.0.2.1", T0, &count, &oldest));
	EQ(count, 2);
	EQ(oldest, T0);
	OK(db_login_failures_count(e->db, "ip:192.0.2.1", T0 + 5, &count, &oldest));
	EQ(count, 1);
	EQ(oldest, T0 + 10);
	OK(db_login_failures_count(e->db, "ip:198.51.100.7", 0, &count, &oldest));
	EQ(count, 0);
	EQ(oldest, 0);
	OK(db_login_failure_add(e->db, "login:alice", T0 + 86400 + 15)); /* forgets those before T0 + 15 */
	OK(db_login_failures_count(e->db, "ip:192.0.2.1", 0, &count, &oldest));
	EQ(count, 0);
	OK(db_login_failures_count(e->db, "login:alice", 0, &count, &oldest));
	EQ(count, 2);
	EQ(oldest, T0 + 20);
	OK(db_login_failures_clear(e->db, "login:alice"));
	OK(db_login_failures_count(e->db, "login:alice", 0, &count, &oldest));
	EQ(count, 0);
	tr(e, "login failures: as counted");
}

/* E-mail addresses: none at first; unique among accounts (a second account is refused, NULL is not
 * an address and many accounts have none); found by exact match with the account's other columns; set
 * on a missing account is DB_NOTFOUND. */
static void users_emails(struct eng *e, int64_t alice, int64_t bob)
{
	struct db_user u;
	OK(db_user_get_by_login(e->db, &e->a, "alice", &u));
	STR(u.email, NULL);
	OK(db_user_set_email(e->db, alice, "alice@example.com"));
	RC(db_user_set_email(e->db, bob, "alice@example.com"), DB_CONFLICT);
	OK(db_user_set_email(e->db, bob, NULL));
	RC(db_user_set_email(e->db, alice + 1000, "x@example.com"), DB_NOTFOUND);
	memset(&u, 0, sizeof u);
	OK(db_user_get_by_email(e->db, &e->a, "alice@example.com", &u));
	EQ(u.id, alice);
	STR(u.login, "alice");
	STR(u.email, "alice@example.com");
	STR(u.role, "admin");
	STR(u.pw_hash, NULL);
	tr_user(e, "user_get_by_email: ", &u);
	RC(db_user_get_by_email(e->db, &e->a, "ALICE@example.com", &u), DB_NOTFOUND);
	RC(db_user_get_by_email(e->db, &e->a, "bob@example.com", &u), DB_NOTFOUND);
	struct db_user *v = NULL;
	size_t n = 0;
	OK(db_users_list(e->db, &e->a, &v, &n));
	for (size_t i = 0; i < n; i++)
		if (v[i].id == alice)
			STR(v[i].email, "alice@example.com");
	OK(db_user_set_email(e->db, alice, NULL)); /* removed: free for another account */
	OK(db_user_set_email(e->db, bob, "alice@example.com"));
	OK(db_user_get_by_email(e->db, &e->a, "alice@example.com", &u));
	EQ(u.id, bob);
	OK(db_user_set_email(e->db, bob, NULL));
}

/* Sign-ins under way with the identity provider: taken once by their state's hash (a second take finds
 * nothing), a duplicate state refused, and those made before the purge time deleted by the next insert. */
static void users_oidc_logins(struct eng *e)
{
	struct db_oidc_login l = {"state-1", "nonce-1", "verifier-1", "/admin/", T0}, got;
	OK(db_oidc_login_insert(e->db, &l, T0 - 600));
	RC(db_oidc_login_insert(e->db, &l, T0 - 600), DB_CONFLICT);
	struct db_oidc_login old = {"state-0", "nonce-0", "verifier-0", "/admin/users", T0 - 1000};
	OK(db_oidc_login_insert(e->db, &old, 0));
	struct db_oidc_login l2 = {"state-2", "nonce-2", "verifier-2", "/admin/media", T0 + 5};
	OK(db_oidc_login_insert(e->db, &l2, T0 - 600)); /* purges state-0 */
	RC(db_oidc_login_take(e->db, &e->a, "state-0", &got), DB_NOTFOUND);
	memset(&got, 0, sizeof got);
	OK(db_oidc_login_take(e->db, &e->a, "state-1", &got));
	STR(got.state_hash, "state-1");
	STR(got.nonce, "nonce-1");
	STR(got.verifier, "verifier-1");
	STR(got.next_path, "/admin/");
	EQ(got.created_at, T0);
	RC(db_oidc_login_take(e->db, &e->a, "state-1", &got), DB_NOTFOUND); /* once only */
	OK(db_oidc_login_take(e->db, &e->a, "state-2", &got));
	STR(got.next_path, "/admin/media");
	tr(e, "oidc logins: %s %s %s %lld", got.nonce, got.verifier, got.next_path, (long long)got.created_at);
}

/* run_users: the accounts scenario, on one engine. */
static void run_users(struct eng *e)
{
	int64_t alice = 0, bob = 0;
	users_accounts(e, &alice, &bob);
	users_emails(e, alice, bob);
	users_sessions(e, alice, bob);
	users_failures(e);
	users_oidc_logins(e);
}

/* ---- scenario: visitor comments and moderation ---- */

/* The comments' site: two articles, a moderator, and seven comments c[1..7] (c[0] unused). */
struct csite {
	int64_t a, b, mod, c[8];
};

/* put_comment: stores comment number k (named "cK") on article art under parent. */
static void put_comment(struct eng *e, struct csite *f, int k, int64_t art, int parent, const char *name,
			const char *body, const char *status, const char *email, const char *ip, const char *net,
			const char *visitor, int64_t at)
{
	struct db_comment_new c = {.article_id = art, .parent_id = parent ? f->c[parent] : 0, .name = name, .body = body,
				   .status = status, .email_hash = email, .ip_hash = ip, .net_hash = net,
				   .visitor_hash = visitor, .dup_key = arena_printf(&e->a, "d%d", k), .created_at = at};
	OK(db_comment_insert(e->db, &c, &f->c[k]));
	reg(e, 'c', f->c[k], arena_printf(&e->a, "c%d", k));
}

/* csite_make: c1 approved with an approved reply c2; c3 pending with an approved reply c4; c5 spam; c6 on
 * the other article; c7 a later approved one. */
static void csite_make(struct eng *e, struct csite *f)
{
	int64_t sec = put_section(e, "en", "world", "World", 1);
	f->a = put_article(e, "en", "talked-about", "published", sec, T0);
	f->b = put_article(e, "en", "quiet-one", "published", sec, T0 + 1);
	f->mod = put_user(e, "mod", "moderator");
	put_comment(e, f, 1, f->a, 0, "Ann", "First!", "approved", "e1", "ip1", "n1", "v1", T0 + 10);
	put_comment(e, f, 2, f->a, 1, "Ben", "Reply to Ann", "approved", "e2", "ip2", "n1", "v2", T0 + 20);
	put_comment(e, f, 3, f->a, 0, "Cy", "Pending note", "pending", NULL, "ip1", "n1", "v3", T0 + 30);
	put_comment(e, f, 4, f->a, 3, "Dee", "Reply under pending", "approved", NULL, NULL, NULL, "v4", T0 + 40);
	put_comment(e, f, 5, f->a, 0, "Émile", "Buy now", "spam", NULL, "ip3", NULL, NULL, T0 + 50);
	put_comment(e, f, 6, f->b, 0, "Ann", "On the quiet one", "approved", "e1", NULL, NULL, "v1", T0 + 60);
	put_comment(e, f, 7, f->a, 0, "Fay", "Later thought", "approved", NULL, NULL, NULL, "v1", T0 + 70);
	struct db_comment_new bad = {.article_id = f->a, .name = "X", .body = "x", .status = "bogus", .dup_key = "x",
				     .created_at = T0};
	int64_t id = 0;
	RC(db_comment_insert(e->db, &bad, &id), DB_ERROR);
}

/* comment_ids: the ids of a list of comments. */
static const int64_t *comment_ids(struct eng *e, const struct db_comment *v, size_t n)
{
	int64_t *ids = arena_alloc(&e->a, (n ? n : 1) * sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = v[i].id;
	return ids;
}

/* An article's comments as readers see them: approved ones, plus the visitor's own pending ones (mine),
 * replies only under a shown parent, threads by their first comment's time, replies oldest first; the
 * article's count is of approved comments under approved parents. */
static void comments_reading(struct eng *e, const struct csite *f)
{
	struct db_comment *v = NULL;
	size_t n = 0;
	OK(db_comments_for_article(e->db, &e->a, f->a, NULL, 0, &v, &n));
	expect_order(e, "thread", 'c', comment_ids(e, v, n), n, IDS(f->c[1], f->c[2], f->c[7]));
	EQ(v[1].parent_id, f->c[1]);
	EQ(v[0].mine, 0);
	tr_comments(e, "for article, anyone", v, n);
	OK(db_comments_for_article(e->db, &e->a, f->a, "v3", 0, &v, &n));
	expect_order(e, "thread for v3", 'c', comment_ids(e, v, n), n, IDS(f->c[1], f->c[2], f->c[3], f->c[4], f->c[7]));
	EQ(v[2].mine, 1);
	EQ(v[3].mine, 0);
	tr_comments(e, "for article, visitor v3", v, n);
	OK(db_comments_for_article(e->db, &e->a, f->a, "v3", 1, &v, &n));
	expect_order(e, "newest thread first", 'c', comment_ids(e, v, n), n,
		     IDS(f->c[7], f->c[3], f->c[4], f->c[1], f->c[2]));
	OK(db_comments_for_article(e->db, &e->a, f->b + 1000, NULL, 0, &v, &n));
	EQ(n, 0);
	struct db_article r;
	OK(db_article_get(e->db, &e->a, "en", "talked-about", &r));
	EQ(r.comment_count, 3);
	OK(db_article_get(e->db, &e->a, "en", "quiet-one", &r));
	EQ(r.comment_count, 1);
	struct db_comment c;
	OK(db_comment_get(e->db, &e->a, f->c[3], &c));
	STR(c.name, "Cy");
	STR(c.status, "pending");
	STR(c.ip_hash, "ip1");
	STR(c.email_hash, NULL);
	EQ(c.edited_at, 0);
	STR(c.edited_by, "");
	tr_comment(e, "comment_get c3: ", &c);
	RC(db_comment_get(e->db, &e->a, f->c[7] + 1000, &c), DB_NOTFOUND);
}

/* The comment defences' counts: recent comments by IP or network hash, duplicates, approved history. */
static void comments_counts(struct eng *e, const struct csite *f)
{
	int64_t count = -1;
	OK(db_comments_recent(e->db, DB_RATE_IP, "ip1", T0, &count));
	EQ(count, 2);
	OK(db_comments_recent(e->db, DB_RATE_IP, "ip1", T0 + 15, &count));
	EQ(count, 1);
	OK(db_comments_recent(e->db, DB_RATE_NET, "n1", T0, &count));
	EQ(count, 3);
	OK(db_comments_recent(e->db, DB_RATE_NET, "ip1", T0, &count));
	EQ(count, 0);
	int found = -1;
	OK(db_comment_duplicate(e->db, f->a, "d1", T0, &found));
	EQ(found, 1);
	OK(db_comment_duplicate(e->db, f->a, "d1", T0 + 11, &found));
	EQ(found, 0);
	OK(db_comment_duplicate(e->db, f->b, "d1", T0, &found));
	EQ(found, 0);
	OK(db_comments_approved_count(e->db, "e1", NULL, &count));
	EQ(count, 2);
	OK(db_comments_approved_count(e->db, NULL, "v1", &count));
	EQ(count, 3);
	OK(db_comments_approved_count(e->db, "e1", "v1", &count)); /* the email decides when there is one */
	EQ(count, 2);
	OK(db_comments_approved_count(e->db, NULL, NULL, &count));
	EQ(count, 0);
	const char *statuses[] = {"approved", "pending", "spam", "rejected"};
	const int64_t want[] = {5, 1, 1, 0};
	for (int i = 0; i < 4; i++) {
		OK(db_comments_status_count(e->db, statuses[i], &count));
		EQ(count, want[i]);
		tr(e, "comments %s: %lld", statuses[i], (long long)count);
	}
}

/* expect_queue: db_comments_queue of q lists want, transcribed. */
static void expect_queue(struct eng *e, const char *what, struct db_comment_query q, const int64_t *want, size_t nwant)
{
	struct db_comment *v = NULL;
	size_t n = 0;
	OK(db_comments_queue(e->db, &e->a, &q, &v, &n));
	expect_order(e, what, 'c', comment_ids(e, v, n), n, want, nwant);
	tr_comments(e, what, v, n);
}

/* The moderation queue (newest first, by article and by text in name or body, any case, paged). */
static void comments_queue(struct eng *e, const struct csite *f)
{
	expect_queue(e, "queue approved", (struct db_comment_query){.status = "approved", .limit = 10},
		     IDS(f->c[7], f->c[6], f->c[4], f->c[2], f->c[1]));
	expect_queue(e, "queue approved on b", (struct db_comment_query){.status = "approved", .article_id = f->b, .limit = 10},
		     IDS(f->c[6]));
	expect_queue(e, "queue approved with ANN", (struct db_comment_query){.status = "approved", .text = "ANN", .limit = 10},
		     IDS(f->c[6], f->c[2], f->c[1]));
	expect_queue(e, "queue approved, empty text", (struct db_comment_query){.status = "approved", .text = "", .limit = 1},
		     IDS(f->c[7]));
	expect_queue(e, "queue approved page 2",
		     (struct db_comment_query){.status = "approved", .offset = 1, .limit = 2}, IDS(f->c[6], f->c[4]));
	expect_queue(e, "queue spam", (struct db_comment_query){.status = "spam", .text = "mile", .limit = 10}, IDS(f->c[5]));
	expect_queue(e, "queue rejected", (struct db_comment_query){.status = "rejected", .limit = 10}, NO_IDS);
	struct db_comment *v = NULL;
	size_t n = 0;
	OK(db_comments_queue(e->db, &e->a, &(struct db_comment_query){.status = "spam", .limit = 10}, &v, &n));
	EQ(n, 1);
	STR(v[0].article_slug, "talked-about");
	STR(v[0].article_edition, "en");
	STR(v[0].article_headline, "Headline of talked-about");
	EQ(v[0].article_published_at, T0);
	STR(v[0].ip_hash, "ip3");
}

/* Moderation: status changes and edits (DB_NOTFOUND for no such comment), the log (newest first; no user
 * = the system; the comment's author by name), bans (twice is fine), forgetting old IP hashes, per-article
 * comment settings and the export of every comment. */
static void comments_moderation(struct eng *e, const struct csite *f)
{
	int64_t missing = f->c[7] + 1000, count = -1;
	OK(db_comment_set_status(e->db, f->c[3], "approved"));
	RC(db_comment_set_status(e->db, missing, "approved"), DB_NOTFOUND);
	RC(db_comment_set_status(e->db, f->c[3], "bogus"), DB_ERROR);
	OK(db_comments_status_count(e->db, "pending", &count));
	EQ(count, 0);
	OK(db_comment_edit(e->db, f->c[2], "Edited reply", f->mod, T0 + 100));
	RC(db_comment_edit(e->db, missing, "x", f->mod, T0 + 100), DB_NOTFOUND);
	struct db_comment c;
	OK(db_comment_get(e->db, &e->a, f->c[2], &c));
	STR(c.body, "Edited reply");
	EQ(c.edited_at, T0 + 100);
	STR(c.edited_by, "mod");
	OK(db_comment_log_add(e->db, f->c[5], f->mod, "spam", T0 + 90));
	OK(db_comment_log_add(e->db, f->c[2], f->mod, "edited", T0 + 100));
	OK(db_comment_log_add(e->db, 0, 0, "forgot IP addresses", T0 + 200));
	struct db_comment_log *lg = NULL;
	size_t n = 0;
	OK(db_comment_log_list(e->db, &e->a, 10, &lg, &n));
	EQ(n, 3);
	STR(lg[0].who, "the system");
	EQ(lg[0].comment_id, 0);
	STR(lg[0].name, "");
	STR(lg[1].who, "mod");
	STR(lg[1].name, "Ben");
	STR(lg[2].name, "Émile");
	for (size_t i = 0; i < n; i++)
		tr(e, "comment log: %s by %s at %lld on %s (%s)", lg[i].action, lg[i].who, (long long)lg[i].at,
		   L(e, 'c', lg[i].comment_id), lg[i].name);
	OK(db_comment_log_list(e->db, &e->a, 1, &lg, &n));
	EQ(n, 1);
	int found = -1;
	OK(db_ban_add(e->db, "ip", "ip3", f->mod, T0));
	OK(db_ban_add(e->db, "ip", "ip3", f->mod, T0 + 1));
	RC(db_ban_add(e->db, "phone", "p1", f->mod, T0), DB_ERROR);
	OK(db_ban_exists(e->db, "ip", "ip3", &found));
	EQ(found, 1);
	OK(db_ban_exists(e->db, "email", "ip3", &found));
	EQ(found, 0);
	int changed = -1;
	OK(db_comments_purge_ips(e->db, T0 + 35, &changed));
	EQ(changed, 3);
	OK(db_comments_purge_ips(e->db, T0 + 35, &changed));
	EQ(changed, 0);
	OK(db_comment_get(e->db, &e->a, f->c[1], &c));
	STR(c.ip_hash, NULL);
	OK(db_comments_recent(e->db, DB_RATE_NET, "n1", 0, &count));
	EQ(count, 0);
	OK(db_comment_get(e->db, &e->a, f->c[5], &c));
	STR(c.ip_hash, "ip3");
	tr(e, "bans and purges: changed=%d", changed);
}

/* Per-article comment settings and the export. */
static void comments_settings_export(struct eng *e, const struct csite *f)
{
	OK(db_article_set_comments(e->db, f->a, "pre", 1));
	struct db_article r;
	OK(db_article_get(e->db, &e->a, "en", "talked-about", &r));
	STR(r.comments_mode, "pre");
	EQ(r.comments_closed, 1);
	EQ(r.comment_count, 5); /* c3 approved since: c3 and its reply c4 count now */
	OK(db_article_set_comments(e->db, f->a, NULL, 0));
	OK(db_article_set_comments(e->db, f->b, "trusted", 0));
	RC(db_article_set_comments(e->db, f->b + 1000, "post", 0), DB_NOTFOUND);
	RC(db_article_set_comments(e->db, f->b, "bogus", 0), DB_ERROR);
	OK(db_article_get(e->db, &e->a, "en", "talked-about", &r));
	STR(r.comments_mode, NULL);
	EQ(r.comments_closed, 0);
	tr_article(e, "after comment settings: ", &r);
	struct db_comment *v = NULL;
	size_t n = 0;
	OK(db_comments_all(e->db, &e->a, &v, &n));
	expect_order(e, "export", 'c', comment_ids(e, v, n), n,
		     IDS(f->c[1], f->c[2], f->c[3], f->c[4], f->c[5], f->c[6], f->c[7]));
	STR(v[5].article_slug, "quiet-one");
	STR(v[1].body, "Edited reply");
	tr_comments(e, "comments_all", v, n);
}

/* run_comments: the comments scenario, on one engine. */
static void run_comments(struct eng *e)
{
	struct csite f;
	memset(&f, 0, sizeof f);
	csite_make(e, &f);
	comments_reading(e, &f);
	comments_counts(e, &f);
	comments_queue(e, &f);
	comments_moderation(e, &f);
	comments_settings_export(e, &f);
}

/* ---- scenario: the public API's article query and admin API keys ---- */

/* expect_api: db_articles_api of q lists want, transcribed. */
static void expect_api(struct eng *e, const char *what, struct db_api_query q, const int64_t *want, size_t nwant)
{
	struct db_article *v = NULL;
	size_t n = 0;
	OK(db_articles_api(e->db, &e->a, &q, &v, &n));
	expect_order(e, what, 'a', article_ids(e, v, n), n, want, nwant);
	tr_articles(e, what, v, n);
}

/* Every filter optional, newest first with ties by id, the cursor strictly older than (time, id). */
static void api_articles(struct eng *e)
{
	int64_t world = put_section(e, "en", "world", "World", 1), sport = put_section(e, "en", "sport", "Sport", 2);
	int64_t arworld = put_section(e, "ar", "world", "العالم", 1);
	int64_t p1 = put_article(e, "en", "p1", "published", world, T0 + 100);
	int64_t p2 = put_article(e, "en", "p2", "published", sport, T0 + 200);
	int64_t p3 = put_article(e, "en", "p3", "published", world, T0 + 200);
	int64_t p4 = put_article(e, "ar", "p4", "published", arworld, T0 + 150);
	put_article(e, "en", "d1", "draft", world, 0);
	link_to(e, p1, put_author(e, "en", "jane", "Jane"), 0, put_tag(e, "en", "oil", "Oil"));
	expect_api(e, "api all", (struct db_api_query){0}, IDS(p3, p2, p4, p1));
	expect_api(e, "api en", (struct db_api_query){.edition = "en", .limit = 10}, IDS(p3, p2, p1));
	expect_api(e, "api section world", (struct db_api_query){.section = "world", .limit = 10}, IDS(p3, p4, p1));
	expect_api(e, "api tag oil", (struct db_api_query){.tag = "oil", .limit = 10}, IDS(p1));
	expect_api(e, "api author jane", (struct db_api_query){.author = "jane", .limit = 10}, IDS(p1));
	expect_api(e, "api author nobody", (struct db_api_query){.author = "nobody", .limit = 10}, NO_IDS);
	expect_api(e, "api since", (struct db_api_query){.since = T0 + 150, .limit = 10}, IDS(p3, p2, p4));
	expect_api(e, "api until", (struct db_api_query){.until = T0 + 150, .limit = 10}, IDS(p1));
	expect_api(e, "api after p3", (struct db_api_query){.before_time = T0 + 200, .before_id = p3, .limit = 10},
		   IDS(p2, p4, p1));
	expect_api(e, "api first two", (struct db_api_query){.limit = 2}, IDS(p3, p2));
}

/* Keys: a token hash is unique; read with the admin who made it; listed newest first; revoked once. */
static void api_keys(struct eng *e)
{
	int64_t admin = put_user(e, "admin", "admin");
	struct db_api_key k = {.name = "ci", .prefix = "bsk_ab", .scopes = "read write", .user_id = admin,
			       .created_at = T0, .expires_at = T0 + 86400};
	int64_t k1 = 0, k2 = 0, id = 0;
	OK(db_api_key_insert(e->db, &k, "th1", &k1));
	reg(e, 'k', k1, "ci");
	k.name = "deploy";
	k.prefix = "bsk_cd";
	k.scopes = "read write publish";
	OK(db_api_key_insert(e->db, &k, "th2", &k2));
	reg(e, 'k', k2, "deploy");
	RC(db_api_key_insert(e->db, &k, "th1", &id), DB_CONFLICT);
	struct db_api_key got;
	OK(db_api_key_by_hash(e->db, &e->a, "th1", &got));
	EQ(got.id, k1);
	STR(got.name, "ci");
	STR(got.prefix, "bsk_ab");
	STR(got.scopes, "read write");
	EQ(got.expires_at, T0 + 86400);
	EQ(got.revoked_at, 0);
	EQ(got.user.id, admin);
	STR(got.user.login, "admin");
	STR(got.user.role, "admin");
	tr_key(e, "api_key_by_hash: ", &got);
	RC(db_api_key_by_hash(e->db, &e->a, "th9", &got), DB_NOTFOUND);
	OK(db_api_key_revoke(e->db, k1, T0 + 5));
	RC(db_api_key_revoke(e->db, k1, T0 + 6), DB_NOTFOUND);
	RC(db_api_key_revoke(e->db, k2 + 1000, T0 + 6), DB_NOTFOUND);
	struct db_api_key *v = NULL;
	size_t n = 0;
	OK(db_api_keys_list(e->db, &e->a, &v, &n));
	EQ(n, 2);
	EQ(v[0].id, k2);
	EQ(v[1].id, k1);
	EQ(v[1].revoked_at, T0 + 5);
	STR(v[0].user.login, "admin");
	for (size_t i = 0; i < n; i++)
		tr_key(e, "api_keys_list: ", &v[i]);
}

/* run_api: the public API scenario, on one engine. */
static void run_api(struct eng *e)
{
	api_articles(e);
	api_keys(e);
}

/* ---- scenario: feeds and sitemaps ---- */

#define JAN15 INT64_C(1705312800) /* 2024-01-15 10:00 UTC */
#define FEB01 INT64_C(1706745600) /* 2024-02-01 00:00 UTC */
#define FEB10 INT64_C(1707523200)
#define FEB19 INT64_C(1708300800)
#define FEB20 INT64_C(1708387200)
#define MAR01 INT64_C(1709251200)
#define JAN01 INT64_C(1704067200)

/* The feeds' site: f1 (January, updated in February, tagged, with a byline), f2 (February), f3 (Arabic,
 * February, "updated" before it was published), a draft and an unpublished one. */
struct fsite {
	int64_t world, sport, empty, f1, f2, f3, tag, author;
};

/* fsite_make: the feeds' site (see struct fsite); f1 and f3 get their later updated_at by a save. */
static void fsite_make(struct eng *e, struct fsite *f)
{
	f->world = put_section(e, "en", "world", "World", 1);
	f->sport = put_section(e, "en", "sport", "Sport", 2);
	f->empty = put_section(e, "en", "empty", "Empty", 3);
	int64_t arworld = put_section(e, "ar", "world", "العالم", 1);
	f->f1 = put_article(e, "en", "f1", "published", f->world, JAN15);
	f->f2 = put_article(e, "en", "f2", "published", f->sport, FEB10);
	f->f3 = put_article(e, "ar", "f3", "published", arworld, FEB20);
	put_article(e, "en", "f4", "draft", f->world, 0);
	put_article(e, "en", "f5", "unpublished", f->world, MAR01 - 10);
	struct db_article up = get_article(e, f->f1);
	up.updated_at = FEB01;
	up.version = 1;
	int64_t same = 0;
	OK(db_article_save(e->db, &up, &same));
	up = get_article(e, f->f3);
	up.updated_at = FEB19;
	up.version = 1;
	OK(db_article_save(e->db, &up, &same));
	struct db_article f2 = get_article(e, f->f2);
	EQ(f2.updated_at, FEB10);
	f->tag = put_tag(e, "en", "oil", "Oil");
	f->author = put_author(e, "en", "jane", "Jane");
	link_to(e, f->f1, f->author, 0, f->tag);
}

/* expect_feed: db_articles_feed of q lists want, each with its HTML body and an empty Markdown one. */
static void expect_feed(struct eng *e, const char *what, struct db_article_query q, const int64_t *want, size_t nwant)
{
	struct db_article *v = NULL;
	size_t n = 0;
	OK(db_articles_feed(e->db, &e->a, &q, &v, &n));
	expect_order(e, what, 'a', article_ids(e, v, n), n, want, nwant);
	for (size_t i = 0; i < n; i++) {
		STR(v[i].body_md, "");
		STR(v[i].body_html, arena_printf(&e->a, "<p>Body of %s</p>", v[i].slug));
	}
	tr_articles(e, what, v, n);
}

/* Feeds by edition, section, tag and author; the newsroom's last change (the newest event by id). */
static void feeds_feeds(struct eng *e, const struct fsite *f)
{
	expect_feed(e, "feed en", (struct db_article_query){.edition = "en"}, IDS(f->f2, f->f1));
	expect_feed(e, "feed en, one", (struct db_article_query){.edition = "en", .limit = 1}, IDS(f->f2));
	expect_feed(e, "feed world", (struct db_article_query){.edition = "en", .section_id = f->world}, IDS(f->f1));
	expect_feed(e, "feed tag", (struct db_article_query){.edition = "en", .tag_id = f->tag}, IDS(f->f1));
	expect_feed(e, "feed author", (struct db_article_query){.edition = "en", .author_id = f->author}, IDS(f->f1));
	expect_feed(e, "feed ar", (struct db_article_query){.edition = "ar"}, IDS(f->f3));
	int64_t at = -1;
	OK(db_last_change_at(e->db, &at));
	EQ(at, 0);
	OK(db_event_insert(e->db, f->f1, 0, "saved", T0 + 5));
	OK(db_event_insert(e->db, f->f2, 0, "saved", T0 + 3));
	OK(db_last_change_at(e->db, &at));
	EQ(at, T0 + 3);
	tr(e, "last change: %lld", (long long)at);
}

/* Sitemaps: months newest first with counts and last changes, entries in a window both ways and paged,
 * counts, and each section's last change (0 without articles). */
static void feeds_sitemaps(struct eng *e, const struct fsite *f)
{
	struct db_sitemap_month *m = NULL;
	size_t n = 0;
	OK(db_sitemap_months(e->db, &e->a, &m, &n));
	EQ(n, 2);
	EQ(m[0].year, 2024);
	EQ(m[0].month, 2);
	EQ(m[0].count, 2);
	EQ(m[0].lastmod, FEB20);
	EQ(m[1].month, 1);
	EQ(m[1].count, 1);
	EQ(m[1].lastmod, FEB01);
	for (size_t i = 0; i < n; i++)
		tr(e, "month %d-%02d: %lld, lastmod %lld", m[i].year, m[i].month, (long long)m[i].count, (long long)m[i].lastmod);
	struct db_sitemap_entry *s = NULL;
	OK(db_sitemap_entries(e->db, &e->a, &(struct db_sitemap_query){.from = JAN01, .to = MAR01}, &s, &n));
	EQ(n, 3);
	EQ(s[0].id, f->f1);
	EQ(s[0].updated_at, FEB01);
	EQ(s[1].id, f->f2);
	EQ(s[1].updated_at, FEB10);
	EQ(s[2].id, f->f3);
	EQ(s[2].updated_at, FEB20);
	STR(s[2].edition, "ar");
	STR(s[2].headline, "Headline of f3");
	for (size_t i = 0; i < n; i++)
		tr(e, "entry %s %s/%s \"%s\" %lld %lld", L(e, 'a', s[i].id), s[i].edition, s[i].slug, s[i].headline,
		   (long long)s[i].published_at, (long long)s[i].updated_at);
	OK(db_sitemap_entries(e->db, &e->a, &(struct db_sitemap_query){.from = JAN01, .to = MAR01, .newest_first = 1},
			      &s, &n));
	EQ(n, 3);
	EQ(s[0].id, f->f3);
	OK(db_sitemap_entries(e->db, &e->a,
			      &(struct db_sitemap_query){.from = JAN01, .to = MAR01, .offset = 1, .limit = 1}, &s, &n));
	EQ(n, 1);
	EQ(s[0].id, f->f2);
	int64_t count = -1;
	OK(db_sitemap_count(e->db, JAN01, MAR01, &count));
	EQ(count, 3);
	OK(db_sitemap_count(e->db, FEB01, MAR01, &count));
	EQ(count, 2);
	struct db_section_stamp *st = NULL;
	OK(db_sitemap_sections(e->db, &e->a, "en", &st, &n));
	EQ(n, 3);
	EQ(st[0].section.id, f->world);
	EQ(st[0].lastmod, FEB01);
	EQ(st[1].lastmod, FEB10);
	EQ(st[2].section.id, f->empty);
	EQ(st[2].lastmod, 0);
	for (size_t i = 0; i < n; i++) {
		tr_section(e, "sitemap section ", &st[i].section);
		tr(e, "  lastmod %lld", (long long)st[i].lastmod);
	}
}

/* run_feeds: the feeds and sitemaps scenario, on one engine. */
static void run_feeds(struct eng *e)
{
	struct fsite f;
	memset(&f, 0, sizeof f);
	fsite_make(e, &f);
	feeds_feeds(e, &f);
	feeds_sitemaps(e, &f);
}

/* ---- scenario: webhooks ---- */

/* put_hook: an endpoint named name; returns its id. */
static int64_t put_hook(struct eng *e, const char *name, const char *events, int active)
{
	struct db_webhook w = {.url = arena_printf(&e->a, "https://%s.example/hook", name),
			       .secret = arena_printf(&e->a, "secret-%s", name), .events = events, .active = active,
			       .created_at = T0};
	int64_t id = 0;
	OK(db_webhook_insert(e->db, &w, &id));
	return reg(e, 'w', id, name);
}

/* live_hooks: db_webhook_enqueue_with queues a live event with the entry in the article's snapshot (only
 * to endpoints that want it); without an entry, "entry" is null. */
static void live_hooks(struct eng *e, int64_t blog, int64_t entry)
{
	put_hook(e, "live", "live.entry.created,live.ended", 1);
	put_hook(e, "articles", "article.published", 1);
	int queued = -1;
	const char *json = arena_printf(&e->a, "{\"id\":%lld,\"key_event\":\"Quake strikes\"}", (long long)entry);
	OK(db_webhook_enqueue_with(e->db, blog, "live.entry.created", json, T0 + 100, &queued));
	EQ(queued, 1);
	OK(db_webhook_enqueue_with(e->db, blog, "live.ended", NULL, T0 + 101, &queued));
	EQ(queued, 1);
	OK(db_webhook_enqueue_with(e->db, blog, "live.started", NULL, T0 + 102, &queued));
	EQ(queued, 0); /* nobody wants it */
	struct db_webhook_job *jobs = NULL;
	size_t n = 0;
	OK(db_webhook_due(e->db, &e->a, T0 + 200, 10, T0 + 300, &jobs, &n));
	EQ(n, 2);
	for (size_t i = 0; i < n; i++) {
		json_error_t err;
		json_t *snap = json_loads(jobs[i].payload, 0, &err);
		YES(json_is_object(snap));
		EQ(json_integer_value(json_object_get(snap, "id")), blog);
		json_t *en = json_object_get(snap, "entry");
		if (i == 0) {
			STR(jobs[i].event, "live.entry.created");
			EQ(json_integer_value(json_object_get(en, "id")), entry);
			STR(json_string_value(json_object_get(en, "key_event")), "Quake strikes");
		} else {
			STR(jobs[i].event, "live.ended");
			YES(json_is_null(en));
		}
		tr(e, "live hook %s: article %s, entry %s", jobs[i].event, L(e, 'a', json_integer_value(json_object_get(snap, "id"))),
		   json_is_null(en) ? "null" : L(e, 'l', json_integer_value(json_object_get(en, "id"))));
		json_decref(snap);
	}
}

/* due: db_webhook_due at now (lease until lease): the jobs must be want[0..nwant) in order, where a 0 is
 * a row not seen yet, which gets the next name ("q1", "q2" ...). Returns the jobs, transcribed. */
static struct db_webhook_job *due(struct eng *e, int64_t now, int64_t lease, const int64_t *want, size_t nwant)
{
	struct db_webhook_job *v = NULL;
	size_t n = 0;
	OK(db_webhook_due(e->db, &e->a, now, 10, lease, &v, &n));
	int64_t *ids = arena_alloc(&e->a, (n ? n : 1) * sizeof *ids);
	int64_t *expected = arena_alloc(&e->a, (nwant ? nwant : 1) * sizeof *ids);
	for (size_t i = 0; i < n; i++) {
		ids[i] = v[i].id;
		if (i < nwant && want[i] == 0 && L(e, 'q', v[i].id)[0] == '?') {
			size_t k = 1;
			for (size_t l = 0; l < e->nlabels; l++)
				k += e->labels[l].kind == 'q';
			reg(e, 'q', v[i].id, arena_printf(&e->a, "q%zu", k));
		}
	}
	for (size_t i = 0; i < nwant; i++)
		expected[i] = want[i] ? want[i] : (i < n ? ids[i] : -1);
	expect_order(e, arena_printf(&e->a, "due at T0+%lld", (long long)(now - T0)), 'q', ids, n, expected, nwant);
	tr(e, "due at T0+%lld: %zu", (long long)(now - T0), n);
	for (size_t i = 0; i < n; i++)
		tr_job(e, "  ", &v[i]);
	return v;
}

/* Endpoints and the queue: an event goes to the active endpoints that want it, with the article as it
 * was; due deliveries oldest first (a PostgreSQL claim given back is due again at once). */
static void webhooks_queue(struct eng *e, int64_t art, int64_t *h1, int64_t *h3, int64_t *q)
{
	*h1 = put_hook(e, "h1", "article.published,article.updated", 1);
	int64_t h2 = put_hook(e, "h2", "article.published", 0);
	*h3 = put_hook(e, "h3", "article.unpublished", 1);
	const char *events[] = {"article.published", "article.updated", "article.unpublished", "article.deleted"};
	const int want[] = {1, 1, 1, 0};
	for (int i = 0; i < 4; i++) {
		int queued = -1;
		OK(db_webhook_enqueue(e->db, art, events[i], T0 + 10 + i, &queued));
		EQ(queued, want[i]);
	}
	int queued = -1;
	OK(db_webhook_enqueue(e->db, art + 1000, "article.published", T0, &queued));
	EQ(queued, 0);
	struct db_webhook *w = NULL;
	size_t n = 0;
	OK(db_webhooks_list(e->db, &e->a, &w, &n));
	EQ(n, 3);
	EQ(w[0].id, *h1);
	EQ(w[0].pending, 2);
	EQ(w[1].id, h2);
	EQ(w[1].active, 0);
	EQ(w[1].pending, 0);
	EQ(w[2].pending, 1);
	for (size_t i = 0; i < n; i++)
		tr_webhook(e, "webhooks_list: ", &w[i]);
	struct db_webhook one;
	OK(db_webhook_get(e->db, &e->a, *h1, &one));
	STR(one.url, "https://h1.example/hook");
	STR(one.secret, "secret-h1");
	STR(one.events, "article.published,article.updated");
	EQ(one.created_at, T0);
	RC(db_webhook_get(e->db, &e->a, *h3 + 1000, &one), DB_NOTFOUND);
	struct db_webhook_job *j = due(e, T0 + 10, T0 + 70, IDS(0));
	EQ(j[0].webhook_id, *h1);
	STR(j[0].event, "article.published");
	STR(j[0].url, "https://h1.example/hook");
	STR(j[0].secret, "secret-h1");
	EQ(j[0].attempts, 0);
	EQ(j[0].created_at, T0 + 10);
	STR(payload_norm(e, j[0].payload), "{\"edition\":\"en\",\"headline\":\"Headline of hooked\",\"id\":\"hooked\","
					   "\"published_at\":1700000000,\"slug\":\"hooked\",\"standfirst\":"
					   "\"Standfirst of hooked\",\"updated_at\":1700000000}");
	q[0] = j[0].id;
	OK(db_webhook_release(e->db, q[0], T0 + 10)); /* PostgreSQL: the claim given back */
	OK(db_webhook_release(e->db, q[0] + 1000, T0)); /* no such row: nothing to do */
	j = due(e, T0 + 20, T0 + 80, IDS(q[0], 0, 0));
	q[1] = j[1].id;
	q[2] = j[2].id;
	STR(j[1].event, "article.updated");
	STR(j[2].event, "article.unpublished");
	EQ(j[2].webhook_id, *h3);
}

/* Attempts: logged with their outcome, the queue row moved on (pending again later, done, failed); the
 * delivery log newest first; a disabled endpoint's deliveries wait; deleting an endpoint takes its queue
 * and log with it. */
static void webhooks_attempts(struct eng *e, int64_t h1, int64_t h3, const int64_t *q)
{
	OK(db_webhook_attempt(e->db, q[0], 1, T0 + 21, 500, "", 120, "pending", T0 + 81));
	OK(db_webhook_attempt(e->db, q[1], 1, T0 + 22, 200, NULL, 50, "done", T0 + 22));
	OK(db_webhook_attempt(e->db, q[2], 1, T0 + 23, 0, "connection refused", 3000, "failed", T0 + 23));
	struct db_webhook_delivery *d = NULL;
	size_t n = 0;
	OK(db_webhook_deliveries(e->db, &e->a, h1, 10, &d, &n));
	EQ(n, 2);
	EQ(d[0].queue_id, q[1]);
	EQ(d[0].status, 200);
	STR(d[0].state, "done");
	STR(d[0].event, "article.updated");
	EQ(d[1].queue_id, q[0]);
	EQ(d[1].status, 500);
	STR(d[1].error, "");
	STR(d[1].state, "pending");
	EQ(d[1].duration_ms, 120);
	for (size_t i = 0; i < n; i++)
		tr_delivery(e, "deliveries h1: ", &d[i]);
	OK(db_webhook_deliveries(e->db, &e->a, h1, 1, &d, &n));
	EQ(n, 1);
	OK(db_webhook_deliveries(e->db, &e->a, h3, 10, &d, &n));
	EQ(n, 1);
	EQ(d[0].status, 0);
	STR(d[0].error, "connection refused");
	STR(d[0].state, "failed");
	EQ(d[0].at, T0 + 23);
	tr_delivery(e, "deliveries h3: ", &d[0]);
	struct db_webhook w;
	OK(db_webhook_get(e->db, &e->a, h1, &w));
	EQ(w.pending, 1);
	EQ(w.failed, 0);
	OK(db_webhook_get(e->db, &e->a, h3, &w));
	EQ(w.pending, 0);
	EQ(w.failed, 1);
	struct db_stats st;
	OK(db_stats(e->db, &st));
	EQ(st.webhook_pending, 1);
	due(e, T0 + 80, T0 + 80, NO_IDS);
	struct db_webhook_job *j = due(e, T0 + 81, T0 + 81, IDS(q[0]));
	EQ(j[0].attempts, 1);
	OK(db_webhook_set_active(e->db, h1, 0));
	due(e, T0 + 100, T0 + 100, NO_IDS);
	OK(db_webhook_set_active(e->db, h1, 1));
	due(e, T0 + 100, T0 + 100, IDS(q[0]));
	RC(db_webhook_set_active(e->db, h3 + 1000, 1), DB_NOTFOUND);
	OK(db_webhook_delete(e->db, h3));
	RC(db_webhook_delete(e->db, h3), DB_NOTFOUND);
	RC(db_webhook_get(e->db, &e->a, h3, &w), DB_NOTFOUND);
	OK(db_webhook_deliveries(e->db, &e->a, h3, 10, &d, &n));
	EQ(n, 0);
	struct db_webhook *all = NULL;
	OK(db_webhooks_list(e->db, &e->a, &all, &n));
	EQ(n, 2);
	for (size_t i = 0; i < n; i++)
		tr_webhook(e, "after the deletion: ", &all[i]);
}

/* run_webhooks: the webhooks scenario (one published article), on one engine. */
static void run_webhooks(struct eng *e)
{
	int64_t sec = put_section(e, "en", "world", "World", 1);
	int64_t art = put_article(e, "en", "hooked", "published", sec, T0);
	int64_t h1 = 0, h3 = 0, q[3] = {0};
	webhooks_queue(e, art, &h1, &h3, q);
	webhooks_attempts(e, h1, h3, q);
}

/* ---- scenario: article views ---- */

/* views_ids: the article ids of view rows. */
static const int64_t *views_ids(struct eng *e, const struct db_views_row *v, size_t n)
{
	int64_t *ids = arena_alloc(&e->a, (n ? n : 1) * sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = v[i].article_id;
	return ids;
}

/* expect_top: db_views_top(edition, since, limit) ranks want, each with `views` views. */
static void expect_top(struct eng *e, const char *edition, int64_t since, int64_t limit, int64_t views,
		       const int64_t *want, size_t nwant)
{
	struct db_views_row *v = NULL;
	size_t n = 0;
	OK(db_views_top(e->db, &e->a, edition, since, limit, &v, &n));
	const char *what = arena_printf(&e->a, "views_top %s since %lld", S(edition), (long long)since);
	expect_order(e, what, 'a', views_ids(e, v, n), n, want, nwant);
	tr(e, "%s: %zu", what, n);
	for (size_t i = 0; i < n; i++) {
		expect_int(e, v[i].views, views, arena_printf(&e->a, "%s: views of %s", what, L(e, 'a', v[i].article_id)),
			   __LINE__);
		EQ(v[i].hour, 0);
		tr(e, "  %s %lld", L(e, 'a', v[i].article_id), (long long)v[i].views);
	}
}

/* Views add up per article and hour (an article that is gone is skipped); the top list counts published
 * articles only, ties going to the newer article (one never dated last); the hourly chart counts all. */
static void run_views(struct eng *e)
{
	int64_t sec = put_section(e, "en", "world", "World", 1), arsec = put_section(e, "ar", "world", "العالم", 1);
	int64_t v1 = put_article(e, "en", "v1", "published", sec, T0), v2 = put_article(e, "en", "v2", "published", sec, T0 + 10);
	int64_t v3 = put_article(e, "ar", "v3", "published", arsec, T0 + 5), v4 = put_article(e, "en", "v4", "draft", sec, 0);
	int64_t v5 = put_article(e, "en", "v5", "published", sec, 0); /* published, never dated */
	const int64_t h = T0 - T0 % 3600, h1 = h + 3600, h2 = h + 7200;
	OK(db_views_add(e->db, v1, h, 5));
	OK(db_views_add(e->db, v1, h1, 3));
	OK(db_views_add(e->db, v1, h, 2));
	OK(db_views_add(e->db, v2, h1, 10));
	OK(db_views_add(e->db, v3, h1, 10));
	OK(db_views_add(e->db, v4, h1, 50));
	OK(db_views_add(e->db, v5, h2, 10));
	OK(db_views_add(e->db, v5 + 1000, h, 1));
	expect_top(e, NULL, h, 10, 10, IDS(v2, v3, v1, v5));
	expect_top(e, "en", h, 10, 10, IDS(v2, v1, v5));
	expect_top(e, "ar", h, 10, 10, IDS(v3));
	expect_top(e, NULL, h, 2, 10, IDS(v2, v3));
	struct db_views_row *v = NULL;
	size_t n = 0;
	OK(db_views_top(e->db, &e->a, NULL, h1, 10, &v, &n));
	expect_order(e, "views_top since h1", 'a', views_ids(e, v, n), n, IDS(v2, v3, v5, v1));
	EQ(v[3].views, 3);
	OK(db_views_top(e->db, &e->a, NULL, h2 + 3600, 10, &v, &n));
	EQ(n, 0);
	OK(db_views_hourly(e->db, &e->a, h, &v, &n));
	EQ(n, 3);
	const int64_t hours[] = {h, h1, h2}, sums[] = {7, 73, 10};
	for (size_t i = 0; i < n && i < 3; i++) {
		EQ(v[i].hour, hours[i]);
		EQ(v[i].views, sums[i]);
		EQ(v[i].article_id, 0);
		tr(e, "hourly T0%+lld: %lld", (long long)(v[i].hour - T0), (long long)v[i].views);
	}
	OK(db_views_hourly(e->db, &e->a, h1, &v, &n));
	EQ(n, 2);
}

/* ---- scenario: search ---- */

/* The search site: s1 and s3 have the same text (so only recency orders them), s2 is about sport, s4 a
 * draft with s1's text owned by a reporter, s5 Arabic. */
struct ssite {
	int64_t rep, s1, s2, s3, s4, s5;
};

/* put_text: an article with the given text; named slug. */
static int64_t put_text(struct eng *e, const char *edition, const char *slug, int64_t section, int64_t published_at,
			const char *headline, const char *standfirst, const char *body)
{
	struct db_article art = {.edition = edition, .slug = slug, .headline = headline, .standfirst = standfirst,
				 .body_md = body, .body_html = "", .status = "published", .section_id = section,
				 .created_at = published_at - 50, .published_at = published_at, .updated_at = published_at};
	int64_t id = 0;
	OK(db_article_insert(e->db, &art, &id));
	return reg(e, 'a', id, slug);
}

/* ssite_make: the search site (see struct ssite). */
static void ssite_make(struct eng *e, struct ssite *f)
{
	int64_t world = put_section(e, "en", "world", "World", 1), sport = put_section(e, "en", "sport", "Sport", 2);
	int64_t arworld = put_section(e, "ar", "world", "العالم", 1);
	f->rep = put_user(e, "rep", "reporter");
	const char *h = "Oil prices rise", *sf = "Crude oil climbed", *b = "Oil markets rallied as supply tightened.";
	f->s1 = put_text(e, "en", "s1", world, T0 + 100, h, sf, b);
	f->s2 = put_text(e, "en", "s2", sport, T0 + 200, "Cup final tonight", "A big night", "The final kicks off at eight.");
	f->s3 = put_text(e, "en", "s3", world, T0 + 300, h, sf, b);
	struct db_article d = {.edition = "en", .slug = "s4", .headline = h, .standfirst = sf, .body_md = b,
			       .body_html = "", .section_id = world, .owner_id = f->rep, .updated_at = T0 + 400};
	OK(db_article_save(e->db, &d, &f->s4));
	reg(e, 'a', f->s4, "s4");
	f->s5 = put_text(e, "ar", "s5", arworld, T0 + 150, "ارتفاع أسعار النفط", "النفط يصعد",
			 "ارتفعت أسعار النفط اليوم.");
}

/* expect_search: db_search for the reader's text q (with base's filters) lists want, best first, and
 * counts total; each hit's snippet marks a match. Transcribed, snippets included. */
static void expect_search(struct eng *e, const char *note, const char *q, struct db_search_query base, int64_t total,
			  const int64_t *want, size_t nwant)
{
	struct search_query *sq = arena_alloc(&e->a, sizeof *sq);
	search_parse(&e->a, q, strlen(q), sq);
	base.parsed = sq;
	base.match = search_match_expr(&e->a, sq);
	base.now = T0 + 1000;
	base.half_life = 86400;
	if (!base.limit)
		base.limit = 10;
	struct db_search_hit *v = NULL;
	size_t n = 0;
	int64_t got = -1;
	OK(db_search(e->db, &e->a, &base, &v, &n, &got));
	int64_t *ids = arena_alloc(&e->a, (n ? n : 1) * sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = v[i].art.id;
	const char *what = arena_printf(&e->a, "search [%s] %s", q, note);
	expect_order(e, what, 'a', ids, n, want, nwant);
	expect_int(e, got, total, arena_printf(&e->a, "%s: total", what), __LINE__);
	tr(e, "%s: total %lld", what, (long long)got);
	for (size_t i = 0; i < n; i++) {
		YES(strstr(v[i].snippet, SEARCH_MARK_OPEN) != NULL);
		STR(v[i].art.body_md, NULL);
		tr_article(e, "  ", &v[i].art);
		tr(e, "    snippet: %s", v[i].snippet);
	}
}

/* Search: by edition, status, owner, section, dates; paged past the end; prefixes, phrases, stems and
 * Arabic; recency orders equal texts; candidates limit what is ranked and counted. */
static void run_search(struct eng *e)
{
	struct ssite f;
	memset(&f, 0, sizeof f);
	ssite_make(e, &f);
	expect_search(e, "en", "oil", (struct db_search_query){.edition = "en"}, 2, IDS(f.s3, f.s1));
	expect_search(e, "every status", "oil", (struct db_search_query){.all_statuses = 1}, 3, IDS(f.s4, f.s3, f.s1));
	expect_search(e, "a reporter's", "oil", (struct db_search_query){.all_statuses = 1, .owner_id = f.rep}, 1, IDS(f.s4));
	expect_search(e, "section sport", "final", (struct db_search_query){.edition = "en", .section = "sport"}, 1, IDS(f.s2));
	expect_search(e, "section world", "final", (struct db_search_query){.edition = "en", .section = "world"}, 0, NO_IDS);
	expect_search(e, "since", "oil", (struct db_search_query){.edition = "en", .since = T0 + 150}, 1, IDS(f.s3));
	expect_search(e, "until", "oil", (struct db_search_query){.edition = "en", .until = T0 + 150}, 1, IDS(f.s1));
	expect_search(e, "page 2", "oil", (struct db_search_query){.edition = "en", .offset = 1, .limit = 1}, 2, IDS(f.s1));
	expect_search(e, "past the end", "oil", (struct db_search_query){.edition = "en", .offset = 5}, 2, NO_IDS);
	expect_search(e, "prefix", "cli*", (struct db_search_query){.edition = "en"}, 2, IDS(f.s3, f.s1));
	expect_search(e, "phrase", "\"prices rise\"", (struct db_search_query){.edition = "en"}, 2, IDS(f.s3, f.s1));
	expect_search(e, "phrase reversed", "\"rise prices\"", (struct db_search_query){.edition = "en"}, 0, NO_IDS);
	expect_search(e, "stem", "rallies", (struct db_search_query){.edition = "en"}, 2, IDS(f.s3, f.s1));
	expect_search(e, "no article has both", "oil final", (struct db_search_query){.edition = "en"}, 0, NO_IDS);
	expect_search(e, "Arabic", "النفط", (struct db_search_query){.edition = "ar"}, 1, IDS(f.s5));
	expect_search(e, "one candidate", "oil", (struct db_search_query){.edition = "en", .candidates = 1}, 1, IDS(f.s3));
	expect_search(e, "no match", "zebra", (struct db_search_query){0}, 0, NO_IDS);
}

/* ---- scenario: the site copy (SQLite is the source, PostgreSQL the target) ---- */

/* What db_copy_export handed over: batches, rows, and the rows as text. */
struct exported {
	int calls;
	size_t rows;
	char text[512];
};

/* collect_rows: the db_rows_fn that appends (id, slug) rows to ctx (a struct exported); -1 when a value
 * is not of the type the table stores. */
static int collect_rows(void *ctx, const struct db_rows *rows)
{
	struct exported *x = ctx;
	x->calls++;
	for (size_t r = 0; r < rows->nrows; r++) {
		const struct db_value *v = &rows->vals[r * rows->ncols];
		size_t len = strlen(x->text);
		if (v[0].type != DB_VALUE_INT || v[1].type != DB_VALUE_TEXT || strlen(v[1].p) != v[1].len)
			return -1;
		snprintf(x->text + len, sizeof x->text - len, "%lld:%s ", (long long)v[0].i, v[1].p);
	}
	x->rows += rows->nrows;
	return 0;
}

/* copy_import_pg: PostgreSQL as the target: tags emptied and two rows written as given (ids included) in
 * one transaction, then the id generator moved past them; rows that break a key are refused with the
 * server's reason. */
static void copy_import_pg(struct eng *e)
{
	const char *cols[] = {"id", "edition", "slug", "name"};
	const struct db_value vals[] = {
		{.type = DB_VALUE_INT, .i = 10},           {.type = DB_VALUE_TEXT, .p = "en", .len = 2},
		{.type = DB_VALUE_TEXT, .p = "x", .len = 1}, {.type = DB_VALUE_TEXT, .p = "X", .len = 1},
		{.type = DB_VALUE_INT, .i = 11},           {.type = DB_VALUE_TEXT, .p = "en", .len = 2},
		{.type = DB_VALUE_TEXT, .p = "y", .len = 1}, {.type = DB_VALUE_TEXT, .p = "Y", .len = 1},
	};
	const struct db_rows rows = {.cols = cols, .ncols = 4, .nrows = 2, .vals = vals};
	const char *t[] = {"article_tags", "tags"}; /* all that refers to tags goes too */
	char err[512] = "";
	OK(db_begin(e->db));
	OK(db_copy_clear(e->db, t, 2, err, sizeof err));
	OK(db_copy_import(e->db, "tags", &rows, err, sizeof err));
	OK(db_copy_sequences(e->db, "tags", err, sizeof err));
	OK(db_commit(e->db));
	int64_t count = -1;
	OK(db_copy_count(e->db, "tags", &count));
	EQ(count, 2);
	struct db_tag tg;
	OK(db_tag_get(e->db, &e->a, "en", "x", &tg));
	EQ(tg.id, 10);
	STR(tg.name, "X");
	struct db_tag z = {.edition = "en", .slug = "z", .name = "Z"};
	int64_t id = 0;
	OK(db_tag_put(e->db, &z, &id));
	EQ(id, 12);
	RC(db_copy_import(e->db, "tags", &rows, err, sizeof err), DB_ERROR);
	YES(strstr(err, "cannot copy the rows of tags") != NULL);
}

/* Both engines list the same tables and columns (engine-derived ones left out) and count rows alike;
 * SQLite exports in batches and refuses to be written, PostgreSQL is written (rows as given, then its id
 * generator moved past them) and refuses to be read. */
static void run_copy(struct eng *e)
{
	put_tag(e, "en", "a", "A");
	put_tag(e, "en", "b", "B");
	put_tag(e, "ar", "c", "C");
	const char **names = NULL, **cols = NULL;
	size_t n = 0, nc = 0;
	OK(db_copy_tables(e->db, &e->a, &names, &n));
	int articles = 0, tags = 0;
	for (size_t i = 0; i < n; i++) {
		YES(strstr(names[i], "sqlite_") == NULL && strstr(names[i], "_fts") == NULL);
		YES(strcmp(names[i], "broadsheet_schema") != 0);
		articles |= strcmp(names[i], "articles") == 0;
		tags |= strcmp(names[i], "tags") == 0;
		OK(db_copy_columns(e->db, &e->a, names[i], &cols, &nc));
		YES(nc > 0);
		struct buf b = BUF_INIT;
		for (size_t c = 0; c < nc; c++)
			buf_printf(&b, " %s", cols[c]);
		int64_t count = -1;
		OK(db_copy_count(e->db, names[i], &count));
		tr(e, "table %s (%lld rows):%s", names[i], (long long)count, buf_cstr(&b));
		buf_free(&b);
	}
	YES(articles && tags);
	OK(db_copy_columns(e->db, &e->a, "articles", &cols, &nc));
	for (size_t c = 0; c < nc; c++)
		YES(strcmp(cols[c], "terms") && strcmp(cols[c], "tsv") && strcmp(cols[c], "search_key"));
	OK(db_copy_columns(e->db, &e->a, "no_such_table", &cols, &nc));
	EQ(nc, 0);
	int64_t count = -1;
	OK(db_copy_count(e->db, "tags", &count));
	EQ(count, 3);
	const char *tcols[] = {"id", "slug"};
	struct exported x = {0};
	char err[512] = "";
	if (e->kind == ENG_SQLITE) {
		OK(db_copy_export(e->db, "tags", tcols, 2, 2, collect_rows, &x, err, sizeof err));
		EQ(x.calls, 2);
		EQ(x.rows, 3);
		STR(x.text, "1:a 2:b 3:c ");
		const char *t[] = {"tags"};
		RC(db_copy_clear(e->db, t, 1, err, sizeof err), DB_ERROR);
		YES(strstr(err, "cannot be the target") != NULL);
		RC(db_copy_import(e->db, "tags", &(struct db_rows){.cols = tcols, .ncols = 2}, err, sizeof err), DB_ERROR);
		RC(db_copy_sequences(e->db, "tags", err, sizeof err), DB_ERROR);
	} else {
		RC(db_copy_export(e->db, "tags", tcols, 2, 2, collect_rows, &x, err, sizeof err), DB_ERROR);
		YES(strstr(err, "cannot be the source") != NULL);
		EQ(x.calls, 0);
		copy_import_pg(e);
	}
}

/* ---- scenario: newsletters' subscribers (issue 22) ---- */
static void run_newsletter(struct eng *e)
{
	int64_t id = 0, again = 0, n = 0;
	int created = 0, allowed = 0;
	OK(db_nl_subscribe(e->db, "reader@example.com", "ar", T0, &id, &created));
	EQ(created, 1);
	reg(e, 'N', id, "reader"); /* ids differ between the engines once other scenarios made rows */
	OK(db_nl_subscribe(e->db, "reader@example.com", "en", T0 + 1, &again, &created));
	EQ(created, 0); /* a repeat sign-up of a pending address: the same row, its language kept */
	EQ(again, id);
	struct db_nl_subscriber s;
	OK(db_nl_subscriber(e->db, &e->a, id, &s));
	STR(s.state, "pending");
	STR(s.lang, "ar");
	EQ(s.link_version, 1);
	OK(db_nl_subscriber_email(e->db, &e->a, "reader@example.com", &s));
	EQ(s.id, id);
	RC(db_nl_subscriber_email(e->db, &e->a, "nobody@example.com", &s), DB_NOTFOUND);
	const char *lists[] = {"digest", "breaking", "digest"};
	OK(db_begin(e->db));
	OK(db_nl_set_lists(e->db, id, "ar", lists, 3, T0 + 2));
	OK(db_nl_set_lists(e->db, id, "en", lists + 1, 1, T0 + 2));
	OK(db_commit(e->db));
	struct db_nl_subscription *subs = NULL;
	size_t ns = 0;
	OK(db_nl_lists(e->db, &e->a, id, &subs, &ns));
	EQ(ns, 3);
	STR(subs[0].edition, "ar");
	STR(subs[0].list, "breaking");
	STR(subs[2].edition, "en");
	OK(db_nl_subscribers_count(e->db, "ar", "digest", &n));
	EQ(n, 0); /* not confirmed yet */
	/* the per-address limit: 2 a window, then refused until the window moves on */
	OK(db_nl_confirm_allow(e->db, id, "net1", T0 + 3, T0 - 86400, 2, &allowed));
	EQ(allowed, 1);
	OK(db_nl_confirm_allow(e->db, id, "net1", T0 + 4, T0 - 86400, 2, &allowed));
	EQ(allowed, 1);
	OK(db_nl_confirm_allow(e->db, id, "net1", T0 + 5, T0 - 86400, 2, &allowed));
	EQ(allowed, 0);
	OK(db_nl_subscriber(e->db, &e->a, id, &s));
	EQ(s.confirm_count, 2);
	EQ(s.confirm_sent_at, T0 + 4);
	OK(db_nl_confirm_allow(e->db, id, "net2", T0 + 90000, T0 + 90000 - 86400, 2, &allowed));
	EQ(allowed, 1);
	OK(db_nl_subscriber(e->db, &e->a, id, &s));
	EQ(s.confirm_count, 1);
	STR(s.net_hash, "net2");
	OK(db_nl_net_recent(e->db, "net2", T0 + 80000, &n));
	EQ(n, 1);
	OK(db_nl_net_recent(e->db, "net1", T0, &n));
	EQ(n, 0);
	OK(db_nl_confirm(e->db, id, T0 + 6));
	RC(db_nl_confirm(e->db, id, T0 + 7), DB_NOTFOUND); /* only a pending subscriber */
	OK(db_nl_subscribers_count(e->db, "ar", "digest", &n));
	EQ(n, 1);
	OK(db_nl_bump_link(e->db, id, T0 + 8));
	RC(db_nl_bump_link(e->db, id + 1000, T0 + 8), DB_NOTFOUND);
	OK(db_nl_subscriber(e->db, &e->a, id, &s));
	EQ(s.link_version, 2);
	STR(s.state, "confirmed");
	/* one list, then the last of another edition's: unsubscribed when none is left */
	OK(db_nl_unsubscribe(e->db, id, "ar", "digest", T0 + 9));
	OK(db_nl_subscriber(e->db, &e->a, id, &s));
	STR(s.state, "confirmed");
	OK(db_nl_unsubscribe(e->db, id, NULL, NULL, T0 + 10));
	OK(db_nl_lists(e->db, &e->a, id, &subs, &ns));
	EQ(ns, 0);
	OK(db_nl_subscriber(e->db, &e->a, id, &s));
	STR(s.state, "unsubscribed");
	RC(db_nl_unsubscribe(e->db, id + 1000, NULL, NULL, T0 + 10), DB_NOTFOUND);
	/* signing up again after unsubscribing: pending again, in the new language, same row */
	OK(db_nl_subscribe(e->db, "reader@example.com", "en", T0 + 11, &again, &created));
	EQ(again, id);
	OK(db_nl_subscriber(e->db, &e->a, id, &s));
	STR(s.state, "pending");
	STR(s.lang, "en");
	struct db_nl_mail *mails = NULL;
	size_t nm = 9;
	OK(db_nl_mails(e->db, &e->a, id, &mails, &nm));
	EQ(nm, 0);
	/* two confirmation mails: one sent, one still queued; deleting keeps no address of the person */
	int64_t q1 = 0, q2 = 0;
	OK(db_begin(e->db));
	OK(db_mail_enqueue(e->db, "confirm", 0, id, "reader@example.com", "example.org", "t1", T0 + 12, &q1));
	OK(db_mail_enqueue(e->db, "confirm", 0, id, "reader@example.com", "example.org", "t2", T0 + 13, &q2));
	OK(db_commit(e->db));
	struct db_mail_job *jobs = NULL;
	size_t nj = 0;
	OK(db_mail_claim(e->db, &e->a, T0 + 14, 1, T0 + 100, 5, &jobs, &nj));
	EQ(nj, 1);
	struct db_mail_result sent = {.id = jobs[0].id, .claim = 5, .state = "sent", .attempts = 1, .error = ""};
	OK(db_mail_record(e->db, &sent, 1, T0 + 15));
	OK(db_nl_mails(e->db, &e->a, id, &mails, &nm));
	EQ(nm, 2);
	STR(mails[0].kind, "confirm");
	STR(mails[0].state, "sent");
	STR(mails[1].state, "queued");
	EQ(mails[0].opened_at, 0);
	OK(dbs_run(e->db, "UPDATE mail_queue SET kind = 'issue' WHERE id = ?1", DBS_ARGS(DBS_INT(jobs[0].id))));
	int counted = 0;
	OK(db_nl_track(e->db, jobs[0].id, 1, T0 + 16, &counted));
	EQ(counted, 1);
	OK(db_nl_mails(e->db, &e->a, id, &mails, &nm));
	EQ(mails[0].opened_at, T0 + 16);
	EQ(mails[0].clicked_at, T0 + 16);
	OK(db_nl_delete(e->db, id));
	int64_t left = 1;
	OK(dbs_one_int(e->db, "SELECT count(*) FROM mail_queue WHERE id = ?1 AND opened_at IS NULL AND clicked_at IS NULL",
		       DBS_ARGS(DBS_INT(jobs[0].id)), &left));
	EQ(left, 1); /* deleting the subscriber forgets when they opened and clicked */
	OK(db_nl_track(e->db, jobs[0].id, 0, T0 + 17, &counted));
	EQ(counted, 0); /* and they are never counted again */
	OK(db_nl_mails(e->db, &e->a, id, &mails, &nm));
	EQ(nm, 0); /* the sent row's subscriber is NULL now, the queued one gone */
	RC(db_mail_claim(e->db, &e->a, T0 + 200, 10, T0 + 300, 6, &jobs, &nj), DB_OK);
	EQ(nj, 0); /* nothing left to send to a deleted person */
	RC(db_nl_subscriber(e->db, &e->a, id, &s), DB_NOTFOUND);
	RC(db_nl_delete(e->db, id), DB_NOTFOUND);
	tr(e, "newsletter subscriber %s: deleted", L(e, 'N', id));
}

/* ---- coverage: every operation of db.h has a conformance case ---- */

/* read_text: the whole file at path (malloc'd), or NULL. */
static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, got);
	fclose(f);
	return buf_steal(&b, NULL);
}

/* strip_c: blanks out the comments and the string and character literals of C source, in place, so that
 * only code is left to scan. */
static void strip_c(char *s)
{
	for (char *p = s; *p; p++) {
		if (p[0] == '/' && p[1] == '*') {
			char *end = strstr(p + 2, "*/");
			end = end ? end + 2 : p + strlen(p);
			memset(p, ' ', (size_t)(end - p));
			p = end - 1;
		} else if (p[0] == '/' && p[1] == '/') {
			while (*p && *p != '\n')
				*p++ = ' ';
			p--;
		} else if (*p == '"' || *p == '\'') {
			char q = *p;
			for (*p++ = ' '; *p && *p != q; p++) {
				if (*p == '\\' && p[1])
					*p++ = ' ';
				*p = ' ';
			}
			if (*p)
				*p = ' ';
		}
	}
}

/* called_names: adds to names (sorted set, *n entries, room for cap) every db_NAME( of the code in s. */
static void called_names(char *s, char (*names)[48], size_t *n, size_t cap)
{
	strip_c(s);
	for (char *p = s; (p = strstr(p, "db_")); p += 3) {
		if (p > s && (p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= '0' && p[-1] <= '9')))
			continue;
		size_t len = 3 + strspn(p + 3, "abcdefghijklmnopqrstuvwxyz0123456789_");
		const char *after = p + len;
		while (*after == ' ' || *after == '\t' || *after == '\n')
			after++;
		if (*after != '(' || len >= sizeof names[0])
			continue;
		size_t k = 0;
		while (k < *n && strncmp(names[k], p, len) < 0)
			k++;
		if (k < *n && strlen(names[k]) == len && strncmp(names[k], p, len) == 0)
			continue;
		assert_true(*n < cap);
		memmove(names[k + 1], names[k], (*n - k) * sizeof names[0]);
		memcpy(names[k], p, len);
		names[k][len] = '\0';
		(*n)++;
	}
}

/* Every function src/db.h declares (db_NAME followed by its parameters, outside comments) is called by a
 * scenario of this file: an operation added to db.h without a case here fails. */
static void test_coverage(void **state)
{
	(void)state;
	static char declared[512][48], used[512][48];
	size_t nd = 0, nu = 0;
	char *h = read_text("src/db.h"), *self = read_text(__FILE__);
	if (!h || !self)
		fail_msg("cannot read src/db.h and %s: run the suite from the repository root (tests/run-all.sh does)",
			 __FILE__);
	called_names(h, declared, &nd, 512);
	called_names(self, used, &nu, 512);
	free(h);
	free(self);
	assert_true(nd >= 100); /* the scan found the API at all */
	struct buf missing = BUF_INIT;
	for (size_t i = 0; i < nd; i++) {
		int found = 0;
		for (size_t j = 0; j < nu && !found; j++)
			found = strcmp(declared[i], used[j]) == 0;
		if (!found)
			buf_printf(&missing, " %s", declared[i]);
	}
	char list[2048];
	snprintf(list, sizeof list, "%s", missing.len ? buf_cstr(&missing) : "");
	buf_free(&missing);
	if (list[0])
		fail_msg("db.h operations without a conformance case in %s:%s", __FILE__, list);
	print_message("all %zu functions of src/db.h are exercised on both engines\n", nd);
}

/* ---- the run ---- */

/* pg_cluster_start: starts a throwaway cluster with scripts/test-pg.sh into pg.cluster and puts its URL
 * in pg.admin. 0, or -1 (said why). */
static int pg_cluster_start(void)
{
	snprintf(pg.cluster, sizeof pg.cluster, "/tmp/test_store_pg_XXXXXX");
	if (!mkdtemp(pg.cluster) || rmdir(pg.cluster) != 0)
		return -1;
	char cmd[160];
	snprintf(cmd, sizeof cmd, "scripts/test-pg.sh start %s", pg.cluster);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(pg.admin, sizeof pg.admin, p))
		pg.admin[0] = '\0';
	int rc = pclose(p);
	pg.admin[strcspn(pg.admin, "\n")] = '\0';
	if (rc != 0 || strncmp(pg.admin, "postgresql://", 13) != 0) {
		print_error("cannot start a PostgreSQL cluster with %s (set BROADSHEET_TEST_PG to use one)\n", cmd);
		return -1;
	}
	return 0;
}

/* admin_exec: runs sql on the cluster's admin database. 0, or -1 (said why). */
static int admin_exec(const char *sql)
{
	PGconn *c = PQconnectdb(pg.admin);
	PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
	int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		print_error("PostgreSQL at %s: %s: %s\n", pg.admin, sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

/* migrate_new: opens the store at url (created), migrates it to the newest version and closes it. 0, or
 * -1 (said why). */
static int migrate_new(const char *url)
{
	char err[512] = "";
	struct db *db = db_open(url, err, sizeof err);
	int version = 0;
	int rc = db && db_migrate(db, &version) == DB_OK ? 0 : -1;
	if (rc < 0)
		print_error("cannot make a migrated store at %s: %s\n", url, db ? "the migration failed" : err);
	db_close(db);
	return rc;
}

/* empty_statement: into pg.empty, the statements that empty every table of the migrated run database
 * but the editions (children before parents: migrate.c's copy order, backwards; DELETE, much cheaper than
 * TRUNCATE on tables this small) and restart their id generators. 0, or -1 (said why). */
static int empty_statement(void)
{
	size_t nt = 0, len = 0;
	const struct migrate_table *t = migrate_tables(&nt);
	for (size_t i = nt; i-- > 0;)
		if (strcmp(t[i].name, "editions") != 0)
			len += (size_t)snprintf(pg.empty + len, sizeof pg.empty - len, "DELETE FROM %s; ", t[i].name);
	PGresult *r = PQexec(pg.conn, "SELECT string_agg(format('ALTER TABLE %I ALTER COLUMN %I RESTART', c.relname, "
				      "a.attname), '; ') FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
				      "WHERE c.relnamespace = current_schema()::regnamespace AND a.attidentity <> ''");
	int ok = len < sizeof pg.empty && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0);
	if (ok)
		ok = snprintf(pg.empty + len, sizeof pg.empty - len, "%s", PQgetvalue(r, 0, 0)) < (int)(sizeof pg.empty - len);
	if (!ok)
		print_error("cannot make the statement that empties %s: %s\n", pg.dburl, PQerrorMessage(pg.conn));
	PQclear(r);
	return ok ? 0 : -1;
}

/* group_setup: the stores every scenario starts from: a migrated SQLite file, and a fresh database in the
 * cluster (BROADSHEET_TEST_PG, or one started here), migrated, with a connection that empties it. */
static int group_setup(void **state)
{
	(void)state;
	snprintf(tmpl.dir, sizeof tmpl.dir, "/tmp/test_store_tmpl_XXXXXX");
	if (!mkdtemp(tmpl.dir))
		return -1;
	snprintf(tmpl.path, sizeof tmpl.path, "%s/site.db", tmpl.dir);
	char url[160];
	snprintf(url, sizeof url, "sqlite:create:%s", tmpl.path);
	if (migrate_new(url) < 0)
		return -1;
	const char *env = getenv("BROADSHEET_TEST_PG");
	if (env && *env)
		snprintf(pg.admin, sizeof pg.admin, "%s", env);
	else if (pg_cluster_start() < 0)
		return -1;
	snprintf(pg.dbname, sizeof pg.dbname, "bs_store_%ld_%ld", (long)getpid(), (long)(time(NULL) % 100000));
	char sql[128];
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", pg.dbname);
	if (admin_exec(sql) < 0)
		return -1;
	url_for(pg.admin, pg.dbname, NULL, pg.dburl, sizeof pg.dburl);
	if (migrate_new(pg.dburl) < 0)
		return -1;
	pg.conn = PQconnectdb(pg.dburl);
	if (PQstatus(pg.conn) != CONNECTION_OK) {
		print_error("cannot connect to %s: %s\n", pg.dburl, PQerrorMessage(pg.conn));
		return -1;
	}
	PQclear(PQexec(pg.conn, "SET client_min_messages = warning"));
	return empty_statement();
}

/* group_teardown: removes the SQLite template, and drops the run's database (or stops the cluster this
 * suite started). */
static int group_teardown(void **state)
{
	(void)state;
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpl.dir);
	int rc = system(cmd) == 0 ? 0 : -1;
	PQfinish(pg.conn);
	pg.conn = NULL;
	if (pg.cluster[0]) {
		snprintf(cmd, sizeof cmd, "scripts/test-pg.sh stop %s", pg.cluster);
		return system(cmd) == 0 ? rc : -1;
	}
	char sql[128];
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", pg.dbname);
	return admin_exec(sql) == 0 ? rc : -1;
}

/* run_nl_issues: newsletter issues: create, a digest made once per edition and day, the version
 * compare-and-set of edits, schedule/due/cancel, and the list with its queue counts. */
static void run_nl_issues(struct eng *e)
{
	struct db_nl_issue is = {.edition = "en", .list = "digest", .kind = "issue", .subject = "Monday",
				 .preheader = "Top", .intro_md = "*Hi*", .article_ids = "3,1", .state = "draft"};
	int64_t a = 0, d = 0, again = 0, at = 0;
	OK(db_nl_issue_create(e->db, &is, T0, &a));
	struct db_nl_issue dg = {.edition = "ar", .list = "digest", .kind = "digest", .subject = "Daily",
				 .state = "scheduled", .send_at = T0 + 5, .digest_day = "2026-12-06"};
	OK(db_nl_issue_create(e->db, &dg, T0, &d));
	RC(db_nl_issue_create(e->db, &dg, T0 + 1, &again), DB_CONFLICT);
	struct db_nl_issue got;
	OK(db_nl_issue_get(e->db, &e->a, a, &got));
	STR(got.subject, "Monday");
	STR(got.article_ids, "3,1");
	STR(got.state, "draft");
	EQ(got.version, 1);
	EQ(got.digest_day == NULL, 1);
	RC(db_nl_issue_get(e->db, &e->a, a + d + 10, &got), DB_NOTFOUND);
	is.id = a;
	is.version = 1;
	is.subject = "Tuesday";
	OK(db_nl_issue_update(e->db, &is, T0 + 2));
	RC(db_nl_issue_update(e->db, &is, T0 + 3), DB_CONFLICT); /* version 1 is stale now */
	is.id = a + d + 10;
	RC(db_nl_issue_update(e->db, &is, T0 + 3), DB_NOTFOUND);
	OK(db_nl_issue_get(e->db, &e->a, a, &got));
	STR(got.subject, "Tuesday");
	EQ(got.version, 2);
	OK(db_nl_next_due(e->db, &at));
	EQ(at, T0 + 5);
	OK(db_nl_issue_schedule(e->db, a, 2, T0 + 3, T0 + 2));
	RC(db_nl_issue_schedule(e->db, a, 2, T0 + 3, T0 + 2), DB_CONFLICT);
	int64_t ids[4] = {0};
	size_t n = 0;
	OK(db_nl_issues_due(e->db, T0 + 4, ids, 4, &n));
	EQ(n, 1);
	EQ(ids[0], a);
	OK(db_nl_issues_due(e->db, T0 + 9, ids, 4, &n));
	EQ(n, 2);
	EQ(ids[1], d);
	OK(db_nl_issue_cancel(e->db, d, 1, T0 + 6));
	RC(db_nl_issue_cancel(e->db, d, 2, T0 + 6), DB_CONFLICT); /* cancelled: not editable */
	OK(db_nl_issue_get(e->db, &e->a, d, &got));
	STR(got.state, "cancelled");
	STR(got.digest_day, "2026-12-06");
	OK(db_nl_issue_schedule(e->db, a, 3, 0, T0 + 7)); /* back to a draft */
	OK(db_nl_next_due(e->db, &at));
	EQ(at, 0);
	struct db_nl_issue *list = NULL;
	size_t nl = 0;
	OK(db_nl_issues_list(e->db, &e->a, NULL, 10, &list, &nl));
	EQ(nl, 2);
	EQ(list[0].id, d);
	OK(db_nl_issues_list(e->db, &e->a, "en", 10, &list, &nl));
	EQ(nl, 1);
	STR(list[0].state, "draft");
	EQ(list[0].version, 4);
	tr(e, "issues %s %s v%lld", list[0].subject, list[0].state, (long long)list[0].version);
	int64_t lv = 0;
	RC(db_nl_recipient(e->db, 1, "en", "digest", &lv), DB_NOTFOUND);
	/* the subscribe helper's store functions are on another branch: a subscriber written directly */
	OK(dbs_run(e->db, "INSERT INTO newsletter_subscribers(email, lang, state, link_version, created_at, updated_at) "
			  "VALUES('a@example.org', 'en', 'confirmed', 3, 1, 1)", DBS_NO_ARGS));
	OK(dbs_run(e->db, "INSERT INTO newsletter_subscriptions(subscriber_id, edition, list, created_at) "
			  "SELECT id, 'en', 'digest', 1 FROM newsletter_subscribers", DBS_NO_ARGS));
	OK(db_nl_recipient(e->db, 1, "en", "digest", &lv));
	EQ(lv, 3);
	RC(db_nl_recipient(e->db, 1, "en", "breaking", &lv), DB_NOTFOUND);
}

/* ---- scenario: WordPress import bookkeeping ---- */

/* The import map (a second import finds what the first made, with its checksum; updating repoints) and the
 * old addresses (one row per normal path; putting again repoints it; an unknown path is not found). */
static void run_import(struct eng *e)
{
	int64_t target = 0;
	const char *sum = NULL, *kind = NULL;
	RC(db_import_map_get(e->db, &e->a, "http://old.example", "post", 12, &target, &sum), DB_NOTFOUND);
	OK(db_import_map_put(e->db, "http://old.example", "post", 12, 501, "abc", T0));
	OK(db_import_map_put(e->db, "http://old.example", "comment", 12, 9, "", T0));
	OK(db_import_map_get(e->db, &e->a, "http://old.example", "post", 12, &target, &sum));
	EQ(target, 501);
	STR(sum, "abc");
	OK(db_import_map_put(e->db, "http://old.example", "post", 12, 502, "def", T0 + 1));
	OK(db_import_map_get(e->db, &e->a, "http://old.example", "post", 12, &target, &sum));
	EQ(target, 502);
	STR(sum, "def");
	RC(db_import_map_get(e->db, &e->a, "http://other.example", "post", 12, &target, &sum), DB_NOTFOUND);
	OK(db_import_map_get(e->db, &e->a, "http://old.example", "comment", 12, &target, &sum));
	EQ(target, 9);
	STR(sum, "");
	tr(e, "import map: comment 12 -> %lld (%s)", (long long)target, sum);

	OK(db_legacy_put(e->db, "/2018/01/%D8%A3", "article", 502, "http://old.example", T0));
	OK(db_legacy_put(e->db, "/?p=12", "article", 502, "http://old.example", T0));
	OK(db_legacy_put(e->db, "/category/news", "section", 3, "http://old.example", T0));
	OK(db_legacy_find(e->db, &e->a, "/2018/01/%D8%A3", &kind, &target));
	STR(kind, "article");
	EQ(target, 502);
	OK(db_legacy_put(e->db, "/?p=12", "article", 503, "http://old.example", T0 + 5));
	OK(db_legacy_find(e->db, &e->a, "/?p=12", &kind, &target));
	EQ(target, 503);
	OK(db_legacy_find(e->db, &e->a, "/category/news", &kind, &target));
	STR(kind, "section");
	RC(db_legacy_find(e->db, &e->a, "/2018/01/%d8%a3", &kind, &target), DB_NOTFOUND);
	RC(db_legacy_put(e->db, "/bad-kind", "page", 1, "", T0), DB_ERROR); /* the schema's CHECK */

	/* the old feed id kept on the imported article (NULL or "" clears it) */
	int64_t sec = put_section(e, "en", "imported", "Imported", 1);
	int64_t art = put_article(e, "en", "imported-story", "published", sec, T0);
	int64_t n = 0;
	OK(db_article_set_guid(e->db, art, "http://old.example/?p=12"));
	OK(dbs_one_int(e->db, "SELECT count(*) FROM articles WHERE guid = ?1", DBS_ARGS(DBS_TEXT("http://old.example/?p=12")), &n));
	EQ(n, 1);
	OK(db_article_set_guid(e->db, art, ""));
	OK(dbs_one_int(e->db, "SELECT count(*) FROM articles WHERE guid IS NULL AND id = ?1", DBS_ARGS(DBS_INT(art)), &n));
	EQ(n, 1);
}

/* ---- scenario: wires ---- */

/* put_wire: item guid of source src at version, in lang, with headline, stored at now; returns the outcome. */
static enum db_wire_outcome put_wire(struct eng *e, int64_t src, const char *guid, int64_t version, const char *lang,
				     const char *headline, int64_t now, int64_t *id)
{
	struct db_wire_item it = {.source_id = src, .guid = guid, .version = version, .lang = lang, .headline = headline,
				  .summary = "summary", .body_html = "<p class=\"lede\">Body <b>words</b></p>", .credit = "Agency",
				  .pubstatus = version > 2 ? "canceled" : NULL, .urgency = 3, .embargoed = version == 1 ? T0 + 3600 : 0};
	enum db_wire_outcome out = DB_WIRE_IGNORED;
	OK(db_wire_item_put(e->db, &it, now, id, &out));
	tr(e, "wire_put %s v%lld: %d", guid, (long long)version, (int)out);
	return out;
}

/* Wires: sources (insert, update keeps the token, a new url forgets the ETag, polls recorded with backoff,
 * due and next poll), items (a new guid inserts, a higher version updates the same row, the same or lower is
 * ignored; search folded in both languages; filters by source, language and time; pagination), uses. */
static void run_wires(struct eng *e)
{
	struct db_wire_source s = {.name = "Agency feed", .kind = "feed", .url = "http://a.example/rss", .credit = "Agency",
				   .lang = "en", .active = 1, .poll_interval = 600, .created_at = T0};
	int64_t feed = 0, push = 0, id = 0, id2 = 0, ar = 0;
	OK(db_wire_source_put(e->db, &s, &feed));
	s = (struct db_wire_source){.name = "Push", .kind = "push", .token_hash = "h1", .active = 1, .poll_interval = 600,
				    .created_at = T0};
	OK(db_wire_source_put(e->db, &s, &push));
	RC(db_wire_source_put(e->db, &(struct db_wire_source){.name = "x", .kind = "carrier", .created_at = T0}, NULL),
	   DB_ERROR);
	OK(db_wire_source_polled(e->db, feed, "\"e1\"", "Tue, 01 Dec 2026 00:00:00 GMT", NULL, T0, T0 + 600));
	OK(db_wire_source_polled(e->db, feed, NULL, NULL, "HTTP 500", T0 + 600, T0 + 1200));
	struct db_wire_source g;
	OK(db_wire_source_get(e->db, &e->a, feed, &g));
	STR(g.etag, "\"e1\"");
	EQ(g.failures, 1);
	STR(g.last_error, "HTTP 500");
	EQ(g.last_ok_at, T0);
	EQ(g.next_poll_at, T0 + 1200);
	struct db_wire_source *list = NULL;
	size_t n = 0;
	OK(db_wire_sources_due(e->db, &e->a, T0 + 1200, 10, &list, &n));
	EQ(n, 1);
	OK(db_wire_sources_due(e->db, &e->a, T0 + 1199, 10, &list, &n));
	EQ(n, 0);
	int64_t next = 0;
	OK(db_wire_next_poll(e->db, &next));
	EQ(next, T0 + 1200);
	g.url = "http://a.example/atom";
	g.name = "Agency";
	OK(db_wire_source_put(e->db, &g, NULL));
	OK(db_wire_source_get(e->db, &e->a, feed, &g));
	STR(g.etag, "");
	EQ(g.next_poll_at, 0);
	OK(db_wire_source_get(e->db, &e->a, push, &g));
	STR(g.token_hash, "h1");
	RC(db_wire_source_put(e->db, &(struct db_wire_source){.id = 99999, .name = "x", .kind = "push"}, NULL), DB_NOTFOUND);
	RC(db_wire_source_get(e->db, &e->a, 99999, &g), DB_NOTFOUND);
	OK(db_wire_source_list(e->db, &e->a, &list, &n));
	EQ(n, 2);
	STR(list[0].name, "Agency");

	EQ(put_wire(e, push, "urn:x:1", 1, "en", "Storm hits the coast", T0, &id), DB_WIRE_NEW);
	EQ(put_wire(e, push, "urn:x:1", 1, "en", "Storm again", T0 + 1, &id2), DB_WIRE_IGNORED);
	EQ(id2, id);
	EQ(put_wire(e, push, "urn:x:1", 2, "en", "Storm hits the coast, updated", T0 + 2, &id2), DB_WIRE_UPDATED);
	EQ(id2, id);
	EQ(put_wire(e, push, "urn:x:1", 1, "en", "Old", T0 + 3, &id2), DB_WIRE_IGNORED);
	EQ(put_wire(e, feed, "urn:x:1", 1, "en", "Same guid, other source", T0 + 4, &id2), DB_WIRE_NEW);
	YES(id2 != id);
	EQ(put_wire(e, push, "urn:x:ar", 1, "ar", "الأمم المتّحدة تجتمع في جنيف", T0 + 5, &ar), DB_WIRE_NEW);
	struct db_wire_item it;
	OK(db_wire_item_get(e->db, &e->a, id, &it));
	STR(it.headline, "Storm hits the coast, updated");
	EQ(it.version, 2);
	EQ(it.received_at, T0);
	EQ(it.updated_at, T0 + 2);
	STR(it.source_name, "Push");
	STR(it.pubstatus, "usable");
	EQ(it.embargoed, 0);
	RC(db_wire_item_get(e->db, &e->a, 99999, &it), DB_NOTFOUND);

	struct db_wire_item *items = NULL;
	struct db_wire_query q = {.limit = 10};
	OK(db_wire_items_list(e->db, &e->a, &q, &items, &n));
	EQ(n, 3);
	EQ(items[0].id, ar); /* newest first */
	q.q = "الامم المتحده";
	OK(db_wire_items_list(e->db, &e->a, &q, &items, &n));
	EQ(n, 1);
	EQ(items[0].id, ar);
	q.q = "STORM";
	OK(db_wire_items_list(e->db, &e->a, &q, &items, &n));
	EQ(n, 1);
	q.q = "lede"; /* a tag's attribute is not a word of the item */
	OK(db_wire_items_list(e->db, &e->a, &q, &items, &n));
	EQ(n, 0);
	q = (struct db_wire_query){.lang = "en", .limit = 10};
	OK(db_wire_items_list(e->db, &e->a, &q, &items, &n));
	EQ(n, 2);
	q = (struct db_wire_query){.source_id = feed, .limit = 10};
	OK(db_wire_items_list(e->db, &e->a, &q, &items, &n));
	EQ(n, 1);
	q = (struct db_wire_query){.since = T0 + 1, .until = T0 + 5, .limit = 10};
	OK(db_wire_items_list(e->db, &e->a, &q, &items, &n));
	EQ(n, 1);
	EQ(items[0].id, id2);
	q = (struct db_wire_query){.limit = 1, .offset = 1};
	OK(db_wire_items_list(e->db, &e->a, &q, &items, &n));
	EQ(n, 1);
	EQ(items[0].id, id2);

	int64_t sec = put_section(e, "en", "news", "News", 1);
	int64_t art = put_article(e, "en", "storm", "draft", sec, 0), found = 0;
	RC(db_wire_use_of_item(e->db, id, &found), DB_NOTFOUND);
	OK(db_wire_use_put(e->db, art, id, 2, T0 + 10));
	RC(db_wire_use_put(e->db, art, ar, 1, T0 + 10), DB_CONFLICT);
	OK(db_wire_use_of_item(e->db, id, &found));
	EQ(found, art);
	struct db_wire_use u;
	OK(db_wire_use_of_article(e->db, &e->a, art, &u));
	EQ(u.version, 2);
	EQ(u.item_version, 2);
	EQ(put_wire(e, push, "urn:x:1", 3, "en", "Storm: withdrawn", T0 + 20, &id2), DB_WIRE_UPDATED);
	OK(db_wire_use_of_article(e->db, &e->a, art, &u));
	EQ(u.item_version, 3);
	STR(u.pubstatus, "canceled");
	OK(db_wire_item_get(e->db, &e->a, id, &it));
	EQ(it.uses, 1);
	RC(db_wire_use_of_article(e->db, &e->a, 99999, &u), DB_NOTFOUND);
}

/* run_nl_senders: the newsletter lists' senders: none set, set, replaced, listed per edition, and all
 * fields empty = back to the default (the row goes). */
static void run_nl_senders(struct eng *e)
{
	struct db_nl_sender got;
	RC(db_nl_sender_get(e->db, &e->a, "ar", "digest", &got), DB_NOTFOUND);
	struct db_nl_sender s = {.edition = "ar", .list = "digest", .from_name = "النشرة اليومية",
				 .from_addr = "digest@news.example", .reply_to = ""};
	OK(db_nl_sender_set(e->db, &s, T0));
	OK(db_nl_sender_get(e->db, &e->a, "ar", "digest", &got));
	STR(got.from_name, "النشرة اليومية");
	STR(got.from_addr, "digest@news.example");
	STR(got.reply_to, "");
	EQ(got.updated_at, T0);
	s.reply_to = "desk@news.example";
	s.from_name = "Digest";
	OK(db_nl_sender_set(e->db, &s, T0 + 1)); /* replaces */
	struct db_nl_sender b = {.edition = "ar", .list = "breaking", .from_name = "عاجل", .from_addr = "", .reply_to = ""};
	OK(db_nl_sender_set(e->db, &b, T0 + 2));
	struct db_nl_sender en = {.edition = "en", .list = "section/sport", .from_name = "Sport desk"};
	OK(db_nl_sender_set(e->db, &en, T0 + 2));
	struct db_nl_sender *list = NULL;
	size_t n = 0;
	OK(db_nl_senders_list(e->db, &e->a, "ar", &list, &n));
	EQ(n, 2);
	STR(list[0].list, "breaking");
	STR(list[1].list, "digest");
	STR(list[1].from_name, "Digest");
	STR(list[1].reply_to, "desk@news.example");
	EQ(list[1].updated_at, T0 + 1);
	tr(e, "senders %s %s %s", list[1].from_name, list[1].from_addr, list[1].reply_to);
	b.from_name = "";
	OK(db_nl_sender_set(e->db, &b, T0 + 3)); /* all empty: the default again */
	RC(db_nl_sender_get(e->db, &e->a, "ar", "breaking", &got), DB_NOTFOUND);
	OK(db_nl_senders_list(e->db, &e->a, "ar", &list, &n));
	EQ(n, 1);
	OK(db_nl_senders_list(e->db, &e->a, "en", &list, &n));
	EQ(n, 1);
	STR(list[0].from_addr, "");
}

/* ---- scenario: the old site's addresses with their targets (store_legacy.c) ---- */

/* An old address read with its target as it stands (an article's edition, slug, status and time; a
 * section's, tag's, author's slug; a media file); a target that is gone reads NULL; the list pages in
 * path order; an article's guid is read with it. */
static void run_legacy(struct eng *e)
{
	int64_t sec = put_section(e, "ar", "akhbar", "أخبار", 1);
	int64_t art = put_article(e, "ar", "خبر-قديم", "published", sec, T0 + 86400);
	int64_t draft = put_article(e, "en", "not-yet", "draft", sec, 0);
	struct db_tag t = {.edition = "en", .slug = "harbours", .name = "Harbours"};
	int64_t tag = 0;
	OK(db_tag_put(e->db, &t, &tag));
	struct db_media m = {.path = "2026/11/pic.jpg", .mime = "image/jpeg", .alt = "", .created_at = T0};
	int64_t media = 0;
	OK(db_media_put(e->db, &m, &media));
	OK(db_legacy_put(e->db, "/2018/01/%D8%A3", "article", art, "wp", T0));
	OK(db_legacy_put(e->db, "/?p=7", "article", draft, "wp", T0));
	OK(db_legacy_put(e->db, "/category/news", "section", sec, "wp", T0));
	OK(db_legacy_put(e->db, "/tag/ships", "tag", tag, "wp", T0));
	OK(db_legacy_put(e->db, "/wp-content/uploads/pic.jpg", "media", media, "wp", T0));
	OK(db_legacy_put(e->db, "/author/gone", "author", 999999, "wp", T0));
	struct db_legacy_url u;
	OK(db_legacy_target(e->db, &e->a, "/2018/01/%D8%A3", &u));
	STR(u.kind, "article");
	EQ(u.target_id, art);
	STR(u.edition, "ar");
	STR(u.slug, "خبر-قديم");
	STR(u.status, "published");
	EQ(u.published_at, T0 + 86400);
	OK(db_legacy_target(e->db, &e->a, "/?p=7", &u));
	STR(u.status, "draft");
	OK(db_legacy_target(e->db, &e->a, "/category/news", &u));
	STR(u.slug, "akhbar");
	YES(u.status == NULL);
	OK(db_legacy_target(e->db, &e->a, "/tag/ships", &u));
	STR(u.slug, "harbours");
	OK(db_legacy_target(e->db, &e->a, "/wp-content/uploads/pic.jpg", &u));
	STR(u.media_path, "2026/11/pic.jpg");
	YES(u.slug == NULL);
	OK(db_legacy_target(e->db, &e->a, "/author/gone", &u));
	YES(u.edition == NULL && u.slug == NULL);
	RC(db_legacy_target(e->db, &e->a, "/nowhere", &u), DB_NOTFOUND);
	struct db_legacy_url *v = NULL;
	size_t n = 0;
	OK(db_legacy_list(e->db, &e->a, "", 4, &v, &n));
	EQ(n, 4);
	OK(db_legacy_list(e->db, &e->a, v[3].path, 4, &v, &n));
	EQ(n, 2);
	for (size_t i = 0; i < n; i++)
		tr(e, "legacy_list: %s -> %s %s", v[i].path, v[i].kind, v[i].slug ? v[i].slug : "(none)");
	YES(get_article(e, art).guid == NULL);
	OK(dbs_run(e->db, "UPDATE articles SET guid = 'http://old.example/?p=7' WHERE id = ?1", DBS_ARGS(DBS_INT(art))));
	STR(get_article(e, art).guid, "http://old.example/?p=7");
}

/* main: the coverage check, then each scenario on both engines, as one cmocka group. */
int main(void)
{
	static struct domain domains[] = {
		{"store", run_store, {{0}}},       {"nodes", run_nodes, {{0}}},       {"taxonomy", run_taxonomy, {{0}}},
		{"articles", run_articles, {{0}}}, {"newsroom", run_newsroom, {{0}}}, {"schedule", run_schedule, {{0}}},
		{"users", run_users, {{0}}},       {"comments", run_comments, {{0}}}, {"api", run_api, {{0}}},
		{"feeds", run_feeds, {{0}}},       {"webhooks", run_webhooks, {{0}}}, {"views", run_views, {{0}}},
		{"search", run_search, {{0}}},     {"copy", run_copy, {{0}}},         {"autosave", run_autosave, {{0}}},
		{"related", run_related, {{0}}},   {"translations", run_translations, {{0}}},
		{"glossary", run_glossary, {{0}}},   {"audit", run_audit, {{0}}},
		{"passkeys", run_passkeys, {{0}}}, {"mfa", run_mfa, {{0}}},       {"live", run_live, {{0}}},
		{"live_list", run_live_list, {{0}}}, {"breaking", run_breaking, {{0}}},
		{"push", run_push, {{0}}},         {"nl_issues", run_nl_issues, {{0}}},
		{"newsletter", run_newsletter, {{0}}},
		{"mailq", run_mailq, {{0}}},      {"import", run_import, {{0}}},
		{"wires", run_wires, {{0}}},       {"nl_senders", run_nl_senders, {{0}}},
		{"legacy", run_legacy, {{0}}},
	};
	struct CMUnitTest tests[1 + ARRAY_N(domains)];
	tests[0] = (struct CMUnitTest){"coverage", test_coverage, NULL, NULL, NULL};
	for (size_t i = 0; i < ARRAY_N(domains); i++)
		tests[i + 1] = (struct CMUnitTest){domains[i].name, test_domain, domain_setup, domain_teardown, &domains[i]};
	return cmocka_run_group_tests_name("store conformance (SQLite and PostgreSQL)", tests, group_setup, group_teardown);
}
