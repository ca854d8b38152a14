/* test_migrate.c - unit tests for `broadsheet migrate` (src/migrate.c) and the SQLite side of the site copy
 * (src/db_sqlite_copy.c): the copy list names exactly the tables of a freshly migrated database (so a
 * table added to db_schema.c without a decision in migrate.c fails here), parents come before the tables
 * that reference them, derived columns are not read, rows come out typed and in batches, SQLite refuses to
 * be a target, and bad --from/--to values are refused before anything is opened. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <cmocka.h>

#include "db.h"
#include "migrate.h"

struct fixture {
	char dir[64], path[96];
	struct db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/test_migrate_XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/site.db", f->dir);
	char err[256];
	f->db = db_sqlite_open(f->path, 1, err, sizeof err);
	int version = 0;
	if (!f->db || db_migrate(f->db, &version) != DB_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	char p[128];
	static const char *const files[] = {"site.db", "site.db-wal", "site.db-shm"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", f->dir, files[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Every table of the schema has a decision, and every decision names a table of the schema. */
static void test_list_matches_schema(void **state)
{
	struct fixture *f = *state;
	struct arena a = ARENA_INIT;
	const char **names;
	size_t n, nt;
	assert_int_equal(db_copy_tables(f->db, &a, &names, &n), DB_OK);
	const struct migrate_table *t = migrate_tables(&nt);
	for (size_t i = 0; i < n; i++) {
		int found = 0;
		for (size_t j = 0; j < nt; j++)
			found += strcmp(t[j].name, names[i]) == 0;
		if (found != 1)
			fail_msg("table %s of the schema is %s in migrate.c's list", names[i], found ? "twice" : "not");
	}
	for (size_t j = 0; j < nt; j++) {
		int found = 0;
		for (size_t i = 0; i < n; i++)
			found |= strcmp(t[j].name, names[i]) == 0;
		if (!found)
			fail_msg("migrate.c lists %s, which the schema does not have", t[j].name);
	}
	assert_int_equal(n, nt);
	/* the FTS5 index and its shadow tables are derived: not listed */
	for (size_t i = 0; i < n; i++)
		assert_null(strstr(names[i], "_fts"));
	/* a table left behind says why */
	for (size_t j = 0; j < nt; j++)
		assert_true(t[j].copy ? t[j].why == NULL : t[j].why != NULL);
	arena_free(&a);
}

/* position: the place of name in the copy list, or -1. */
static int position(const char *name)
{
	size_t nt;
	const struct migrate_table *t = migrate_tables(&nt);
	for (size_t j = 0; j < nt; j++)
		if (strcmp(t[j].name, name) == 0)
			return (int)j;
	return -1;
}

/* Each foreign key of a copied table points at a table copied before it (or at itself). */
static void test_parents_first(void **state)
{
	struct fixture *f = *state;
	size_t nt;
	const struct migrate_table *t = migrate_tables(&nt);
	char sql[256];
	size_t references = 0; /* foreign keys read: the check saw the schema's references at all */
	for (size_t j = 0; j < nt; j++) {
		if (!t[j].copy)
			continue;
		snprintf(sql, sizeof sql, "sqlite3 %s \"SELECT DISTINCT \\\"table\\\" FROM pragma_foreign_key_list('%s')\"",
			 f->path, t[j].name);
		FILE *p = popen(sql, "r");
		assert_non_null(p);
		char line[128];
		while (fgets(line, sizeof line, p)) {
			line[strcspn(line, "\n")] = '\0';
			references++;
			int parent = position(line);
			if (parent < 0 || parent > (int)j || !t[parent].copy)
				fail_msg("%s references %s, which is not copied before it", t[j].name, line);
		}
		assert_int_equal(pclose(p), 0);
	}
	assert_true(references >= 10);
}

/* Derived columns (the generated search_key, the trigger-filled terms) are not among those copied. */
static void test_columns_without_derived(void **state)
{
	struct fixture *f = *state;
	struct arena a = ARENA_INIT;
	const char **cols;
	size_t n;
	assert_int_equal(db_copy_columns(f->db, &a, "articles", &cols, &n), DB_OK);
	int id = 0, headline = 0;
	for (size_t i = 0; i < n; i++) {
		assert_string_not_equal(cols[i], "search_key");
		assert_string_not_equal(cols[i], "terms");
		id |= strcmp(cols[i], "id") == 0;
		headline |= strcmp(cols[i], "headline") == 0;
	}
	assert_true(id && headline);
	assert_int_equal(db_copy_columns(f->db, &a, "no_such_table", &cols, &n), DB_OK);
	assert_int_equal(n, 0);
	arena_free(&a);
}

struct seen {
	int calls;
	size_t rows;
	int64_t last_id;
	int typed_ok;
};

/* collect: db_rows_fn recording what it is given: (id, slug) rows, ids rising. */
static int collect(void *ctx, const struct db_rows *rows)
{
	struct seen *s = ctx;
	s->calls++;
	if (rows->ncols != 2 || strcmp(rows->cols[0], "id") != 0)
		s->typed_ok = 0;
	for (size_t r = 0; r < rows->nrows; r++) {
		const struct db_value *v = &rows->vals[r * rows->ncols];
		if (v[0].type != DB_VALUE_INT || v[0].i <= s->last_id)
			s->typed_ok = 0;
		s->last_id = v[0].i;
		if (v[1].type != DB_VALUE_TEXT || strlen(v[1].p) != v[1].len || v[1].p[0] != 's')
			s->typed_ok = 0;
	}
	s->rows += rows->nrows;
	return 0;
}

/* Rows come out in id order, typed as stored, batch rows at a time. */
static void test_export_batches(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(db_begin(f->db), DB_OK);
	for (int i = 1; i <= 7; i++) {
		char slug[16];
		snprintf(slug, sizeof slug, "s%d", i);
		struct db_tag t = {.edition = "en", .slug = slug, .name = i % 2 ? "odd" : "even"};
		int64_t id;
		assert_int_equal(db_tag_put(f->db, &t, &id), DB_OK);
	}
	assert_int_equal(db_commit(f->db), DB_OK);
	const char *cols[] = {"id", "slug"};
	struct seen s = {.typed_ok = 1};
	char err[256];
	int64_t count = 0;
	assert_int_equal(db_copy_count(f->db, "tags", &count), DB_OK);
	assert_int_equal(count, 7);
	assert_int_equal(db_copy_export(f->db, "tags", cols, 2, 3, collect, &s, err, sizeof err), DB_OK);
	assert_int_equal(s.calls, 3); /* 3 + 3 + 1 */
	assert_int_equal(s.rows, 7);
	assert_true(s.typed_ok);
}

/* stop: db_rows_fn that fails at once. */
static int stop(void *ctx, const struct db_rows *rows)
{
	(void)rows;
	snprintf(ctx, 64, "stopped");
	return -1;
}

/* A callback's failure fails the export with its sentence; SQLite refuses to be written as a target. */
static void test_failures_and_refusals(void **state)
{
	struct fixture *f = *state;
	char err[256] = "", msg[64] = "";
	const char *cols[] = {"code"};
	assert_int_equal(db_copy_export(f->db, "editions", cols, 1, 10, stop, msg, err, sizeof err), DB_ERROR);
	assert_string_equal(msg, "stopped");
	/* asked to empty editions (2 rows) and to add a third: both refused, editions unchanged */
	const char *tables[] = {"editions"};
	err[0] = '\0';
	assert_int_equal(db_copy_clear(f->db, tables, 1, err, sizeof err), DB_ERROR);
	assert_non_null(strstr(err, "cannot be the target"));
	struct db_value v = {.type = DB_VALUE_TEXT, .p = "xx", .len = 2};
	struct db_rows rows = {.cols = cols, .ncols = 1, .nrows = 1, .vals = &v};
	err[0] = '\0';
	assert_int_equal(db_copy_import(f->db, "editions", &rows, err, sizeof err), DB_ERROR);
	assert_non_null(strstr(err, "cannot be the target"));
	assert_int_equal(db_copy_sequences(f->db, "editions", err, sizeof err), DB_ERROR);
	int64_t n = 0;
	assert_int_equal(db_copy_count(f->db, "editions", &n), DB_OK);
	assert_int_equal(n, 2);
}

/* Bad --from and --to values are refused with a sentence and the right exit code, before any database
 * is opened (nothing is created). */
static void test_bad_arguments(void **state)
{
	struct fixture *f = *state;
	char err[512], src[128], missing[128], other[128];
	snprintf(src, sizeof src, "sqlite:%s", f->path);
	snprintf(missing, sizeof missing, "%s/nope.db", f->dir);
	snprintf(other, sizeof other, "sqlite:%s/other.db", f->dir);
	struct {
		const char *from, *to;
		int code;
		const char *says;
	} cases[] = {
		{missing, "postgresql://u@127.0.0.1:1/x", EX_NOINPUT, "no such source"},
		{"postgresql://u@h/x", "postgresql://u@h/y", EX_USAGE, "must be a SQLite database"},
		{"mysql://u@h/x", "postgresql://u@h/y", EX_USAGE, "unknown database scheme"},
		{src, "mysql://u@h/x", EX_USAGE, "unknown database scheme"},
		{src, src, EX_USAGE, "the same database"},
		{src, f->path, EX_USAGE, "the same database"},
		{src, other, EX_USAGE, "must be a PostgreSQL database"},
		{f->dir, "postgresql://u@h/y", EX_NOINPUT, "no Broadsheet site"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct migrate_options o = {.from = cases[i].from, .to = cases[i].to};
		struct migrate_result res;
		struct arena a = ARENA_INIT;
		err[0] = '\0';
		int rc = migrate_run(&o, &a, &res, err, sizeof err);
		if (rc != cases[i].code || !strstr(err, cases[i].says))
			fail_msg("--from %s --to %s: exit %d (%s), expected %d and \"%s\"", cases[i].from, cases[i].to, rc,
				 err, cases[i].code, cases[i].says);
		assert_int_equal(res.n, 0);
		arena_free(&a);
	}
	assert_int_equal(access(missing, F_OK), -1);
	assert_int_equal(access(other + 7, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list_matches_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parents_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_columns_without_derived, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures_and_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
	};
	return cmocka_run_group_tests_name("migrate", tests, NULL, NULL);
}
