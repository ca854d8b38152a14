/* wp_report.c - the WordPress import's progress bar and its report (see wp_int.h): counts per kind, every
 * skipped item named by its WordPress id with the reason, the markup the converter dropped, and where the
 * file stopped if it did; as text on stdout and as JSON with --report FILE. */
#include "wp_int.h"

#include <jansson.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"

void wp_skip(struct wp_run *r, const char *kind, int64_t id, const char *why)
{
	if (!r->skips)
		r->skips = arena_alloc(&r->a, WP_SKIPS_MAX * sizeof *r->skips);
	if (r->nskips >= WP_SKIPS_MAX) {
		r->skips_more++;
		return;
	}
	r->skips[r->nskips++] = (struct wp_skip){arena_strdup(&r->a, kind), arena_strdup(&r->a, why), id};
}

void wp_progress(struct wp_run *r, int final)
{
	if (r->o->quiet || !isatty(STDERR_FILENO))
		return;
	if (!final && r->items_seen % 50 != 0)
		return;
	progress_bar(stderr, r->items_seen, r->items_total, final, "%ld of %ld items", r->items_seen, r->items_total);
}

/* line: one count line of the report. */
static void line(FILE *out, const char *what, const struct wp_count *c)
{
	fprintf(out, "%-12s imported %ld, updated %ld, unchanged %ld, skipped %ld\n", what, c->imported, c->updated,
		c->unchanged, c->skipped);
}

void wp_report(struct wp_run *r, FILE *out)
{
	fprintf(out, "WordPress import of %s (%s)\n", r->o->file, r->source && *r->source ? r->source : "no site URL");
	line(out, "posts/pages", &r->posts);
	line(out, "media", &r->media);
	line(out, "comments", &r->comments);
	fprintf(out, "sections     created %ld\n", r->terms_count.imported);
	if (r->o->accounts)
		fprintf(out, "accounts     created %ld (no password: set one with `broadsheet user passwd`)\n", r->accounts_made);
	if (r->dropped)
		fprintf(out, "dropped HTML %ld element(s) or attribute(s) in %ld post(s)\n", r->dropped, r->dropped_posts);
	for (size_t i = 0; i < r->nskips; i++)
		fprintf(out, strcmp(r->skips[i].kind, "dropped-html") == 0 ? "left out of %s %lld: %s\n" : "skipped %s %lld: %s\n",
			strcmp(r->skips[i].kind, "dropped-html") == 0 ? "post" : r->skips[i].kind, (long long)r->skips[i].id,
			r->skips[i].why);
	if (r->skips_more)
		fprintf(out, "... and %ld more skipped (see --report)\n", r->skips_more);
	if (r->stopped)
		fprintf(out, "STOPPED: %s\n", r->stopped);
}

/* counts: one kind's counts as a JSON object. */
static json_t *counts(const struct wp_count *c)
{
	return json_pack("{s:I, s:I, s:I, s:I}", "imported", (json_int_t)c->imported, "updated", (json_int_t)c->updated,
			 "unchanged", (json_int_t)c->unchanged, "skipped", (json_int_t)c->skipped);
}

int wp_report_json(struct wp_run *r, const char *path)
{
	json_t *skipped = json_array();
	for (size_t i = 0; i < r->nskips; i++)
		json_array_append_new(skipped, json_pack("{s:s, s:I, s:s}", "kind", r->skips[i].kind, "wp_id",
							 (json_int_t)r->skips[i].id, "why", r->skips[i].why));
	json_t *doc = json_pack("{s:s, s:s, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:o, s:I, s:o, s:b}", "file", r->o->file,
				"source", r->source ? r->source : "", "posts", counts(&r->posts), "media", counts(&r->media),
				"comments", counts(&r->comments), "sections_created", (json_int_t)r->terms_count.imported,
				"accounts_created", (json_int_t)r->accounts_made, "dropped", (json_int_t)r->dropped,
				"dropped_posts", (json_int_t)r->dropped_posts, "skipped", skipped, "skipped_more",
				(json_int_t)r->skips_more, "stopped", r->stopped ? json_string(r->stopped) : json_null(),
				"refused", r->refused);
	int rc = doc && json_dump_file(doc, path, JSON_INDENT(2)) == 0 ? 0 : -1;
	if (rc < 0)
		fprintf(stderr, "broadsheet: cannot write the report %s\n", path);
	json_decref(doc);
	return rc;
}
