/* wp_import.c - `broadsheet import wordpress` (see wp_import.h): the run. Pass 1 reads the whole file
 * without writing (the channel's authors, categories, tags and Polylang terms; every attachment; a DOCTYPE,
 * a bad encoding or a file that is not a WXR is refused here, so a refused file writes nothing). Then the
 * attachments go into the media library, and pass 2 imports posts and pages with their comments, one
 * transaction per batch; a file that breaks off part-way keeps the batches before the break. */
#include "wp_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "app.h"
#include "audit.h"
#include "db.h"
#include "legacy.h"
#include "util.h"

/* Batches: the transaction open in pass 2 and how many items it holds. */
struct batch {
	int open, n;
};
static struct batch cur;

/* batch_end: commits the open batch (rolls it back when the run failed). Returns 0 or -1. */
static int batch_end(struct wp_run *r)
{
	if (!cur.open)
		return 0;
	cur.open = 0;
	cur.n = 0;
	if (r->db_failed) {
		db_rollback(r->app->db);
		return -1;
	}
	if (db_commit(r->app->db) != DB_OK) {
		r->db_failed = 1;
		return -1;
	}
	return 0;
}

/* batched: runs fn on it inside the current batch (opened as needed, committed every o->batch items); a
 * database error rolls the batch back and stops the run. Returns 0 or -1. */
static int batched(struct wp_run *r, struct arena *a, const struct wp_item *it, wp_item_fn fn)
{
	if (!cur.open) {
		if (db_begin(r->app->db) != DB_OK) {
			r->db_failed = 1;
			return -1;
		}
		cur.open = 1;
	}
	if (fn(r, a, it) < 0) {
		r->db_failed = 1;
		batch_end(r);
		return -1;
	}
	if (++cur.n >= r->o->batch && batch_end(r) < 0)
		return -1;
	wp_progress(r, 0);
	return 0;
}

/* post_item: pass 2's call for each item (not an attachment). */
static int post_item(struct wp_run *r, struct arena *a, const struct wp_item *it)
{
	return batched(r, a, it, wp_post_import);
}

/* att_item: pass 1's call for each attachment: remembered for after the pass. */
static int att_item(struct wp_run *r, struct arena *a, const struct wp_item *it)
{
	return wp_attachment_import(r, a, it);
}

int wp_legacy(struct wp_run *r, struct arena *a, const char *raw, const char *kind, int64_t target)
{
	const char *path = raw && *raw ? legacy_path_norm(a, raw) : NULL;
	if (!path || strcmp(path, "/") == 0)
		return DB_OK;
	return db_legacy_put(r->app->db, path, kind, target, r->source, r->now) == DB_OK ? DB_OK : DB_ERROR;
}

int wp_legacy_first(struct wp_run *r, struct arena *a, const char *raw, const char *kind, int64_t target)
{
	const char *path = raw && *raw ? legacy_path_norm(a, raw) : NULL, *old_kind;
	int64_t old = 0;
	int rc = path ? db_legacy_find(r->app->db, a, path, &old_kind, &old) : DB_OK;
	if (rc == DB_ERROR)
		return DB_ERROR;
	return rc == DB_OK ? DB_OK : wp_legacy(r, a, raw, kind, target);
}

/* load_sections: reads the --sections file ("wp-category-slug = section-slug" lines; '#' comments and blank
 * lines ignored) into r. Returns 0, or the exit code after printing why (66 unreadable, 65 malformed). */
static int load_sections(struct wp_run *r)
{
	if (!r->o->sections)
		return 0;
	size_t len;
	char *text = util_read_file(r->o->sections, &len);
	if (!text) {
		fprintf(stderr, "broadsheet: cannot read %s: %s\n", r->o->sections, strerror(errno));
		return EX_NOINPUT;
	}
	size_t cap = 1;
	for (size_t i = 0; i < len; i++)
		cap += text[i] == '\n';
	r->map_from = arena_alloc(&r->a, cap * sizeof *r->map_from);
	r->map_to = arena_alloc(&r->a, cap * sizeof *r->map_to);
	int lineno = 0, rc = 0;
	for (char *line = strtok(text, "\n"); line && rc == 0; line = strtok(NULL, "\n")) {
		lineno++;
		char *eq = strchr(line, '=');
		char *from = line, *to = eq ? eq + 1 : NULL;
		if (line[strspn(line, " \t\r")] == '#' || line[strspn(line, " \t\r")] == '\0')
			continue;
		if (!eq) {
			fprintf(stderr, "broadsheet: %s line %d: expected \"wp-category-slug = section-slug\"\n", r->o->sections, lineno);
			rc = EX_DATAERR;
			break;
		}
		*eq = '\0';
		r->map_from[r->nmap] = wp_pct_decode(&r->a, util_trim(&r->a, from));
		r->map_to[r->nmap] = util_trim(&r->a, to);
		r->nmap++;
	}
	free(text);
	return rc;
}

/* term_cmp: orders the channel's terms by slug (qsort). */
static int term_cmp(const void *x, const void *y)
{
	return strcmp(((const struct wp_term *)x)->slug, ((const struct wp_term *)y)->slug);
}

/* run_passes: pass 1, the attachments, pass 2. Returns the exit code. */
static int run_passes(struct wp_run *r)
{
	int p1 = wp_xml_pass(r, 1, att_item);
	if (r->refused)
		return EX_DATAERR;
	if (!r->source)
		r->source = "";
	if (!r->lang_edition)
		r->lang_edition = "en";
	if (r->nterms)
		qsort(r->terms, r->nterms, sizeof *r->terms, term_cmp);
	r->stopped = NULL; /* pass 2 stops at the same place and says so again */
	if (wp_attachments_store(r) < 0)
		return EX_SOFTWARE;
	int p2 = wp_xml_pass(r, 2, post_item);
	if (batch_end(r) < 0 || r->db_failed)
		return EX_SOFTWARE;
	wp_progress(r, 1);
	return p1 < 0 || p2 < 0 ? EX_SOFTWARE : 0;
}

int wp_import_run(struct app *app, const struct wp_options *o, FILE *out)
{
	struct wp_run r = {.app = app, .o = o, .a = ARENA_INIT, .now = util_now()};
	if (!o->data && access(o->file, R_OK) != 0) {
		fprintf(stderr, "broadsheet: cannot read %s: %s\n", o->file, strerror(errno));
		return EX_NOINPUT;
	}
	int bad = load_sections(&r);
	if (bad) {
		arena_free(&r.a);
		return bad;
	}
	cur = (struct batch){0};
	int ex = run_passes(&r);
	if (r.db_failed && !r.stopped)
		r.stopped = "a database error (the batch in progress was rolled back; run the import again to go on)";
	if (out)
		wp_report(&r, out);
	if (!r.refused)
		audit_record_db(app->db, "cli", "import.wordpress", NULL,
				arena_printf(&r.a, "%s: %ld imported, %ld updated, %ld unchanged, %ld skipped%s", o->file,
					     r.posts.imported, r.posts.updated, r.posts.unchanged, r.posts.skipped,
					     r.stopped ? " (stopped part-way)" : ""));
	if (o->report && wp_report_json(&r, o->report) < 0 && ex == 0)
		ex = EX_CANTCREAT;
	arena_free(&r.a);
	return ex;
}
