/* test_db_driver.c - every member of both engines' tables is set: struct db_ops (the engine's own
 * operations) and struct db_driver (the statement interface), for SQLite and PostgreSQL alike. A member
 * left out of a designated initialiser is NULL and would crash its first caller, maybe only on the other
 * engine; this catches it without a database. The member lists below are checked against the structs'
 * sizes, so a member added to a struct but not named here fails too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "db.h"
#include "db_stmt.h"

struct member {
	const char *name;
	size_t off;
};

#define OPS(m) {#m, offsetof(struct db_ops, m)}
static const struct member ops_members[] = {
	OPS(name),           OPS(close),      OPS(migrate),      OPS(bulk_reads),   OPS(search),
	OPS(search_maintain), OPS(analyze),
	OPS(check),          OPS(limit_size), OPS(trouble),      OPS(ping),         OPS(stats),
	OPS(backup),         OPS(purge_publish), OPS(purge_listen), OPS(copy_count), OPS(copy_export),
	OPS(copy_clear),     OPS(copy_import), OPS(copy_sequences),
};

#define DRV(m) {#m, offsetof(struct db_driver, m)}
static const struct member driver_members[] = {
	DRV(prepare), DRV(bind_int64), DRV(bind_text), DRV(bind_null), DRV(step),    DRV(col_int64),
	DRV(col_text), DRV(done),      DRV(log),       DRV(changes),   DRV(txn),     DRV(article_terms),
};

/* missing: the names of the members of table (a struct of `size` bytes) that are NULL, as one string
 * ("" when none); the pointer members start at `first`. Fails when the list does not name every pointer
 * slot of the struct. */
static const char *missing(const void *table, size_t size, size_t first, const struct member *m, size_t n)
{
	static char out[512];
	out[0] = '\0';
	if ((size - first) / sizeof(void *) != n)
		fail_msg("the struct has %zu pointer members but this test names %zu: name the new one here",
			 (size - first) / sizeof(void *), n);
	for (size_t i = 0; i < n; i++) {
		void *p;
		memcpy(&p, (const char *)table + m[i].off, sizeof p);
		if (!p) {
			strncat(out, " ", sizeof out - strlen(out) - 1);
			strncat(out, m[i].name, sizeof out - strlen(out) - 1);
		}
	}
	return out;
}

static void check_ops(const char *engine, const struct db_ops *ops)
{
	const char *m = missing(ops, sizeof *ops, 0, ops_members, sizeof ops_members / sizeof ops_members[0]);
	if (m[0])
		fail_msg("%s: struct db_ops members not set:%s", engine, m);
}

static void check_driver(const char *engine, const struct db_driver *drv)
{
	const char *m = missing(drv, sizeof *drv, offsetof(struct db_driver, prepare), driver_members,
				sizeof driver_members / sizeof driver_members[0]);
	if (m[0])
		fail_msg("%s: struct db_driver members not set:%s", engine, m);
}

static void test_sqlite_tables(void **state)
{
	(void)state;
	check_ops("sqlite", &db_sqlite_ops);
	check_driver("sqlite", &db_sqlite_driver);
	assert_int_equal(db_sqlite_driver.engine, DB_ENGINE_SQLITE);
	assert_string_equal(db_sqlite_ops.name, "sqlite");
}

static void test_pg_tables(void **state)
{
	(void)state;
	check_ops("postgresql", &db_pg_ops);
	check_driver("postgresql", &db_pg_driver);
	assert_int_equal(db_pg_driver.engine, DB_ENGINE_PG);
	assert_string_equal(db_pg_ops.name, "postgresql");
}

/* The check itself: a table with one member blanked is caught, by name. */
static void test_blank_member_caught(void **state)
{
	(void)state;
	struct db_ops ops = db_pg_ops;
	ops.copy_count = NULL;
	const char *m = missing(&ops, sizeof ops, 0, ops_members, sizeof ops_members / sizeof ops_members[0]);
	assert_string_equal(m, " copy_count");
	struct db_driver drv = db_sqlite_driver;
	drv.txn = NULL;
	m = missing(&drv, sizeof drv, offsetof(struct db_driver, prepare), driver_members,
		    sizeof driver_members / sizeof driver_members[0]);
	assert_string_equal(m, " txn");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite_tables),
		cmocka_unit_test(test_pg_tables),
		cmocka_unit_test(test_blank_member_caught),
	};
	return cmocka_run_group_tests_name("db driver tables", tests, NULL, NULL);
}
