/* migrate.h - `broadsheet migrate`: copies a whole site from its SQLite database into a PostgreSQL
 * database, ids kept, in one transaction on the target, then checks the row counts of every table.
 *
 * Which tables are copied is decided here, table by table (migrate_tables): a table of the schema that
 * this list does not name stops the copy before anything is written, and a unit test compares the list
 * with a freshly migrated database, so a table added to db_schema.c without a decision here fails the
 * tests instead of being left behind. The engines do the reading and writing through db.h's db_copy_*
 * operations; derived data (SQLite's FTS5 index, articles.terms and its tsvector) is not copied but
 * computed by the target. */
#ifndef BROADSHEET_MIGRATE_H
#define BROADSHEET_MIGRATE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"

/* A table of the schema and what migrate does with it. Copied tables are listed parents first (a row's
 * references are in place before it arrives). */
struct migrate_table {
	const char *name;
	int copy;         /* 1: copied; 0: left behind (the target's rows are still removed) */
	int content;      /* rows here make the target "not empty" (not settings and editions, which a new
			     site has) */
	const char *why;  /* why a table is left behind, NULL for copied ones */
};

/* migrate_tables: the decision for every table of the schema, in copy order; *n gets their count. */
const struct migrate_table *migrate_tables(size_t *n);

struct migrate_options {
	const char *from; /* sqlite:PATH, a PATH, or a site directory (its configured SQLite database) */
	const char *to;   /* postgresql://... */
	int force;        /* empty a target that holds a site first (in the same transaction) */
	int bar;          /* draw a progress bar on stderr */
};

/* One line of the verification: a table's rows in the source and, after the copy, in the target. */
struct migrate_count {
	const char *table;
	int64_t source, target;
	int copied;
	const char *why; /* for a table left behind */
};

struct migrate_result {
	struct migrate_count *counts; /* every table of migrate_tables, in its order (arena) */
	size_t n;                     /* 0 when the copy stopped before counting */
	int64_t rows;                 /* rows copied */
	int differ;                   /* tables whose counts differ (then nothing was committed) */
	double seconds;
};

/* migrate_run: copies the site (see the top of this file). Both databases are first brought to the
 * newest schema and must then be at the same version; the target must hold no site unless o->force. The
 * source is read in one transaction (a consistent copy; the site's writers wait meanwhile). Fills *res
 * (its arrays in a). Returns 0, or an exit code with a sentence in err: EX_USAGE (a bad --from/--to: an
 * unknown scheme, a PostgreSQL source, a SQLite target, the same database twice), EX_NOINPUT (no such
 * source), EX_DATAERR (the source is not a Broadsheet database, the target is not empty, the schemas
 * differ, or the counts differ after the copy), EX_UNAVAILABLE (the target cannot be reached), EX_SOFTWARE
 * (the copy failed). Whenever it returns non-zero, the target's rows are as they were. */
int migrate_run(const struct migrate_options *o, struct arena *a, struct migrate_result *res, char *err,
		size_t errlen);

/* migrate_print_counts: the verification table (table, source rows, target rows, a note) on f. */
void migrate_print_counts(FILE *f, const struct migrate_result *res);

#endif
