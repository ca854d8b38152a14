/* migrate.c - `broadsheet migrate`: a SQLite site copied into PostgreSQL (see migrate.h). */
#include "migrate.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "progress.h"
#include "site.h"
#include "util.h"

/* Every table of the schema (db_schema.c), parents before the tables that reference them. */
static const struct migrate_table tables[] = {
	{"settings", 1, 0, NULL},
	{"editions", 1, 0, NULL},
	{"users", 1, 1, NULL},
	{"sections", 1, 1, NULL},
	{"tags", 1, 1, NULL},
	{"authors", 1, 1, NULL},
	{"media", 1, 1, NULL},
	{"articles", 1, 1, NULL},
	{"article_authors", 1, 1, NULL},
	{"article_tags", 1, 1, NULL},
	{"article_revisions", 1, 1, NULL},
	{"article_events", 1, 1, NULL},
	{"corrections", 1, 1, NULL},
	{"slug_history", 1, 1, NULL},
	{"comments", 1, 1, NULL},
	{"comment_log", 1, 1, NULL},
	{"bans", 1, 1, NULL},
	{"webhooks", 1, 1, NULL},
	{"webhook_queue", 1, 1, NULL},
	{"webhook_deliveries", 1, 1, NULL},
	{"api_keys", 1, 1, NULL},
	{"article_views", 1, 1, NULL},
	{"autosaves", 1, 1, NULL},
	{"article_related", 1, 1, NULL},
	{"glossary", 1, 1, NULL},
	{"audit_log", 1, 1, NULL}, /* kept whole: nothing deletes entries before their retention */
	{"passkeys", 1, 1, NULL},
	{"user_totp", 1, 1, NULL}, /* sealed with the site secret: the target site must keep the same secret */
	{"user_recovery_codes", 1, 1, NULL},
	{"live_blogs", 1, 1, NULL},
	{"live_entries", 1, 1, NULL},
	{"breaking", 1, 1, NULL}, /* the banners, the one up included (it still ends at its expiry) */
	{"push_subscriptions", 1, 1, NULL}, /* readers' devices: kept, or every reader would have to opt in again */
	{"push_alerts", 1, 1, NULL},
	{"push_deliveries", 1, 1, NULL},
	{"newsletter_subscribers", 1, 1, NULL},
	{"newsletter_subscriptions", 1, 1, NULL},
	{"newsletter_issues", 1, 1, NULL},
	{"mail_queue", 1, 1, NULL}, /* a send under way goes on from the new store */
	{"import_map", 1, 1, NULL},  /* a WordPress import run again after the move updates, not duplicates */
	{"legacy_urls", 1, 1, NULL}, /* the old site's addresses keep answering 301 */
	{"wire_sources", 1, 1, NULL}, /* push tokens are keyed hashes: the target site must keep the same secret */
	{"wire_items", 1, 1, NULL},
	{"wire_uses", 1, 1, NULL},
	{"newsletter_lists", 1, 1, NULL}, /* the lists' senders */
	/* a log-in made on the old store is not carried over: the move ends every session (people log in
	 * again with the same passwords), so a session cookie copied or stolen before the move is worthless */
	{"sessions", 0, 1, "sessions end with the move: log in again"},
	/* throttling counters of the last minutes, keyed by address and login: nothing to keep */
	{"login_failures", 0, 1, "recent failed log-ins (throttling) start afresh"},
	/* passkey ceremonies of the last minutes: whoever was adding a passkey or logging in with one tries again */
	{"passkey_challenges", 0, 1, "passkey ceremonies in progress start afresh"},
	/* log-ins half done (waiting for their second factor) end with the move like sessions */
	{"mfa_pending", 0, 1, "log-ins waiting for their second factor end with the move: log in again"},
	/* sign-ins sent to the provider in the last minutes: their callbacks come back to the old store */
	{"oidc_logins", 0, 1, "sign-ins under way with the identity provider start afresh"},
};

const struct migrate_table *migrate_tables(size_t *n)
{
	*n = ARRAY_LEN(tables);
	return tables;
}

/* has_name: whether name is one of the n names. */
static int has_name(const char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

/* source_url: the SQLite URL ("sqlite:PATH") of --from (sqlite:PATH, PATH, or a site directory, whose
 * configured database must be SQLite) in dst. Returns 0 or an exit code with err set. */
static int source_url(const char *from, char *dst, size_t cap, char *err, size_t errlen)
{
	if (strncmp(from, "postgresql://", 13) == 0 || strncmp(from, "postgres://", 11) == 0) {
		snprintf(err, errlen, "the source must be a SQLite database or a site directory: migrate moves a site "
				      "from SQLite to PostgreSQL (copy a PostgreSQL database with pg_dump)");
		return EX_USAGE;
	}
	const char *path = strncmp(from, "sqlite:", 7) == 0 ? from + 7 : from;
	if (path == from && strstr(from, "://")) {
		snprintf(err, errlen, "unknown database scheme in --from %.200s (use sqlite:PATH or a site directory)", from);
		return EX_USAGE;
	}
	if (!*path) {
		snprintf(err, errlen, "--from names no file");
		return EX_USAGE;
	}
	struct stat sb;
	if (stat(path, &sb) < 0) {
		snprintf(err, errlen, "no such source: %.200s: %s", path, strerror(errno));
		return EX_NOINPUT;
	}
	if (S_ISDIR(sb.st_mode)) {
		char conf[PATH_MAX];
		struct stat cs;
		if (snprintf(conf, sizeof conf, "%s/broadsheet.conf", path) >= (int)sizeof conf || stat(conf, &cs) < 0) {
			snprintf(err, errlen, "%.200s holds no Broadsheet site (no broadsheet.conf)", path);
			return EX_NOINPUT;
		}
		struct config cfg;
		if (site_load_config(path, &cfg, err, errlen) < 0)
			return EX_NOINPUT;
		if (site_db_url(path, &cfg, dst, cap) < 0) {
			snprintf(err, errlen, "site path too long");
			return EX_USAGE;
		}
		if (strncmp(dst, "sqlite:", 7) != 0) {
			snprintf(err, errlen, "the site in %.200s does not use SQLite: nothing to move", path);
			return EX_USAGE;
		}
		if (stat(dst + 7, &sb) < 0 || !S_ISREG(sb.st_mode)) {
			snprintf(err, errlen, "no such source: %.200s", dst + 7);
			return EX_NOINPUT;
		}
		return 0;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%.200s is not a file", path);
		return EX_NOINPUT;
	}
	if (snprintf(dst, cap, "sqlite:%s", path) >= (int)cap) {
		snprintf(err, errlen, "source path too long");
		return EX_USAGE;
	}
	return 0;
}

/* check_target: --to must be a PostgreSQL URL other than the source. Returns 0 or EX_USAGE with err. */
static int check_target(const char *to, const char *src, char *err, size_t errlen)
{
	if (strncmp(to, "postgresql://", 13) == 0 || strncmp(to, "postgres://", 11) == 0)
		return 0;
	const char *path = strncmp(to, "sqlite:", 7) == 0 ? to + 7 : to;
	char a[PATH_MAX], b[PATH_MAX];
	if (realpath(path, a) && realpath(src + 7, b) && strcmp(a, b) == 0) {
		snprintf(err, errlen, "the source and the target are the same database (%.200s)", a);
		return EX_USAGE;
	}
	if (path == to && strstr(to, "://"))
		snprintf(err, errlen, "unknown database scheme in --to %.40s...: the target must be postgresql://...", to);
	else
		snprintf(err, errlen, "the target must be a PostgreSQL database (postgresql://USER:PASSWORD@HOST:PORT/NAME)");
	return EX_USAGE;
}

/* The state of one copy, shared with the export callback. */
struct copier {
	struct db *dst;
	const char *table;
	int64_t done, total;
	int bar;
	char *err;
	size_t errlen;
};

/* copy_batch: db_rows_fn: imports one batch into the target and redraws the bar. 0, or -1 (err set). */
static int copy_batch(void *ctx, const struct db_rows *rows)
{
	struct copier *c = ctx;
	if (db_copy_import(c->dst, c->table, rows, c->err, c->errlen) != DB_OK)
		return -1;
	c->done += (int64_t)rows->nrows;
	if (c->bar)
		progress_bar(stderr, (long)c->done, (long)c->total, 0, "%lld/%lld rows (%s)", (long long)c->done,
			     (long long)c->total, c->table);
	return 0;
}

/* same_columns: whether the two column lists hold the same names (order may differ). */
static int same_columns(const char **a, size_t na, const char **b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (!has_name(b, nb, a[i]))
			return 0;
	return 1;
}

/* unknown_table: the first of the n names (the source's tables) that the list has no decision for, or
 * NULL. */
static const char *unknown_table(const char **names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int known = 0;
		for (size_t t = 0; t < ARRAY_LEN(tables) && !known; t++)
			known = strcmp(tables[t].name, names[i]) == 0;
		if (!known)
			return names[i];
	}
	return NULL;
}

/* check_tables: after both are migrated, every table of the list must be on both sides (open_both has
 * already refused a source table the list does not know). Returns 0 or EX_DATAERR with err. */
static int check_tables(struct db *src, struct db *dst, struct arena *a, char *err, size_t errlen)
{
	const char **sn, **dn;
	size_t ns, nd;
	if (db_copy_tables(src, a, &sn, &ns) != DB_OK || db_copy_tables(dst, a, &dn, &nd) != DB_OK) {
		snprintf(err, errlen, "cannot list the tables (see the log above)");
		return EX_SOFTWARE;
	}
	for (size_t t = 0; t < ARRAY_LEN(tables); t++) {
		if (!has_name(sn, ns, tables[t].name) || !has_name(dn, nd, tables[t].name)) {
			snprintf(err, errlen, "the %s has no table %s: the schemas differ", has_name(sn, ns, tables[t].name) ?
				 "target" : "source", tables[t].name);
			return EX_DATAERR;
		}
	}
	return 0;
}

/* open_both: opens the source and the target, checks (before anything writes to either) that the source is
 * a Broadsheet database whose tables all have a decision, then migrates both to the same newest version.
 * Returns 0 (*src and *dst open) or an exit code with err (both closed). */
static int open_both(const char *src_url, const char *to, struct arena *a, struct db **src, struct db **dst,
		     char *err, size_t errlen)
{
	*src = *dst = NULL;
	char why[512];
	*src = db_open(src_url, why, sizeof why);
	if (!*src) {
		snprintf(err, errlen, "%s (is it a SQLite database?)", why);
		return EX_NOINPUT;
	}
	const char **names;
	size_t n;
	if (db_copy_tables(*src, a, &names, &n) != DB_OK || !has_name(names, n, "articles") ||
	    !has_name(names, n, "settings")) {
		snprintf(err, errlen, "%s is not a Broadsheet database (it has no articles or settings)", src_url + 7);
		db_close(*src);
		*src = NULL;
		return EX_DATAERR;
	}
	const char *odd = unknown_table(names, n);
	if (odd) { /* before the target is touched */
		snprintf(err, errlen, "the source has a table migrate does not know, %.80s: nothing copied "
				      "(src/migrate.c must say whether it is copied)", odd);
		db_close(*src);
		*src = NULL;
		return EX_DATAERR;
	}
	*dst = db_open(to, why, sizeof why);
	if (!*dst) {
		snprintf(err, errlen, "%s", why);
		db_close(*src);
		*src = NULL;
		return EX_UNAVAILABLE;
	}
	int vs = 0, vd = 0;
	int ok_s = db_migrate(*src, &vs) == DB_OK, ok_d = ok_s && db_migrate(*dst, &vd) == DB_OK;
	if (!ok_s || !ok_d || vs != vd) {
		if (!ok_s || !ok_d)
			snprintf(err, errlen, "cannot bring the %s to the newest schema (see the log above)",
				 ok_s ? "target" : "source");
		else
			snprintf(err, errlen, "the schema versions differ after migrating: source %d, target %d", vs, vd);
		db_close(*src);
		db_close(*dst);
		*src = *dst = NULL;
		return ok_s && ok_d ? EX_DATAERR : EX_SOFTWARE;
	}
	return 0;
}

/* copy_all: inside open transactions on both sides: counts, the emptiness check, the wipe, each copied
 * table and its sequences, then the target's counts. Returns 0 or an exit code with err; the caller
 * commits or rolls back. */
static int copy_all(const struct migrate_options *o, struct db *src, struct db *dst, struct arena *a,
		    struct migrate_result *res, char *err, size_t errlen)
{
	size_t nt = ARRAY_LEN(tables);
	struct migrate_count *counts = arena_alloc(a, nt * sizeof *counts);
	struct buf busy = BUF_INIT;
	int64_t total = 0;
	for (size_t t = 0; t < nt; t++) {
		counts[t] = (struct migrate_count){.table = tables[t].name, .copied = tables[t].copy, .why = tables[t].why};
		int64_t there = 0;
		if (db_copy_count(src, tables[t].name, &counts[t].source) != DB_OK ||
		    db_copy_count(dst, tables[t].name, &there) != DB_OK) {
			snprintf(err, errlen, "cannot count the rows of %s (see the log above)", tables[t].name);
			buf_free(&busy);
			return EX_SOFTWARE;
		}
		if (tables[t].copy)
			total += counts[t].source;
		if (tables[t].content && there > 0)
			buf_printf(&busy, "%s%s: %lld", busy.len ? ", " : "", tables[t].name, (long long)there);
	}
	if (busy.len && !o->force) {
		snprintf(err, errlen, "the target database is not empty (%.300s): nothing copied; --force replaces "
				      "what it holds", buf_cstr(&busy));
		buf_free(&busy);
		return EX_DATAERR;
	}
	buf_free(&busy);
	const char **names = arena_alloc(a, nt * sizeof *names);
	for (size_t t = 0; t < nt; t++)
		names[t] = tables[t].name;
	if (db_copy_clear(dst, names, nt, err, errlen) != DB_OK)
		return EX_SOFTWARE;
	struct copier cp = {.dst = dst, .total = total, .bar = o->bar, .err = err, .errlen = errlen};
	for (size_t t = 0; t < nt; t++) {
		if (!tables[t].copy)
			continue;
		const char **sc, **dc;
		size_t nsc, ndc;
		if (db_copy_columns(src, a, tables[t].name, &sc, &nsc) != DB_OK ||
		    db_copy_columns(dst, a, tables[t].name, &dc, &ndc) != DB_OK) {
			snprintf(err, errlen, "cannot list the columns of %s (see the log above)", tables[t].name);
			return EX_SOFTWARE;
		}
		if (!same_columns(sc, nsc, dc, ndc)) {
			snprintf(err, errlen, "table %s has different columns in the source and the target: the schemas "
					      "differ", tables[t].name);
			return EX_DATAERR;
		}
		cp.table = tables[t].name;
		size_t batch = 32767 / (nsc + 1);
		if (batch > 1000)
			batch = 1000;
		if (db_copy_export(src, tables[t].name, sc, nsc, batch ? batch : 1, copy_batch, &cp, err, errlen) != DB_OK)
			return EX_SOFTWARE;
		if (db_copy_sequences(dst, tables[t].name, err, errlen) != DB_OK)
			return EX_SOFTWARE;
	}
	if (o->bar)
		progress_bar(stderr, (long)cp.done, (long)total, 1, "%lld/%lld rows", (long long)cp.done, (long long)total);
	res->counts = counts;
	res->n = nt;
	res->rows = cp.done;
	for (size_t t = 0; t < nt; t++) {
		if (db_copy_count(dst, tables[t].name, &counts[t].target) != DB_OK) {
			snprintf(err, errlen, "cannot count the copied rows of %s (see the log above)", tables[t].name);
			return EX_SOFTWARE;
		}
		if (tables[t].copy && counts[t].target != counts[t].source)
			res->differ++;
	}
	if (res->differ) {
		snprintf(err, errlen, "%d table(s) have other counts in the target than in the source: nothing committed",
			 res->differ);
		return EX_DATAERR;
	}
	return 0;
}

int migrate_run(const struct migrate_options *o, struct arena *a, struct migrate_result *res, char *err,
		size_t errlen)
{
	memset(res, 0, sizeof *res);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char src_url[PATH_MAX + 16];
	int ex = source_url(o->from, src_url, sizeof src_url, err, errlen);
	if (!ex)
		ex = check_target(o->to, src_url, err, errlen);
	if (ex)
		return ex;
	struct db *src, *dst;
	ex = open_both(src_url, o->to, a, &src, &dst, err, errlen);
	if (ex)
		return ex;
	ex = check_tables(src, dst, a, err, errlen);
	if (!ex && db_begin(src) != DB_OK) {
		snprintf(err, errlen, "cannot start reading the source (is the site busy writing?)");
		ex = EX_SOFTWARE;
	} else if (!ex && db_begin(dst) != DB_OK) {
		db_rollback(src);
		snprintf(err, errlen, "cannot start a transaction on the target (see the log above)");
		ex = EX_SOFTWARE;
	} else if (!ex) {
		ex = copy_all(o, src, dst, a, res, err, errlen);
		if (ex) {
			db_rollback(dst);
		} else if (db_commit(dst) != DB_OK) {
			snprintf(err, errlen, "the target did not commit the copy (see the log above): nothing was copied");
			ex = EX_SOFTWARE;
		}
		db_rollback(src);
	}
	db_close(src);
	db_close(dst);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return ex;
}

void migrate_print_counts(FILE *f, const struct migrate_result *res)
{
	fprintf(f, "%-20s %10s %10s  %s\n", "TABLE", "SOURCE", "TARGET", "");
	for (size_t i = 0; i < res->n; i++) {
		const struct migrate_count *c = &res->counts[i];
		const char *note = !c->copied ? c->why : c->source == c->target ? "ok" : "DIFFERS";
		fprintf(f, "%-20s %10lld %10lld  %s%s\n", c->table, (long long)c->source, (long long)c->target,
			c->copied ? "" : "not copied: ", note);
	}
}
