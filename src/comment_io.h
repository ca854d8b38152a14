/* comment_io.h - comments export and import as JSON (`broadsheet comments export|import`; the format is
 * documented in docs/comments.md). */
#ifndef BROADSHEET_COMMENT_IO_H
#define BROADSHEET_COMMENT_IO_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

struct arena;
struct db;

/* comment_export: writes every comment of the site to out. Returns how many, or -1 with err set. */
int comment_export(struct db *db, FILE *out, char *err, size_t errlen);

/* comment_import: adds the comments in text[0..len) to the site (secret keys their duplicate keys), all
 * in one transaction: when any comment is invalid or its article is missing, nothing is stored. Returns
 * how many were added, or -1 with err naming the first problem (and the comment's position). */
int comment_import(struct db *db, const unsigned char *secret, const char *text, size_t len, char *err,
		   size_t errlen);

/* One comment of an import file as comment_import_check read it; strings point into the JSON document,
 * but for name and body (copies in the check's arena). */
struct comment_import_item {
	int64_t old_id;
	const char *edition, *slug, *name, *body, *status, *created_at_text;
	int64_t created_at;
	json_t *parent; /* as written (JSON null or an earlier comment's id), NULL when absent */
};

/* comment_import_load: parses text[0..len) as a comments file and checks its format and version.
 * Returns the document (the caller json_decrefs it) with *comments set to its array of comments, or NULL
 * with err set. Pure: no store. */
json_t *comment_import_load(const char *text, size_t len, json_t **comments, char *err, size_t errlen);

/* comment_import_check: checks comment object o (the index-th of the file, for messages) as import does
 * before it looks at the store: its fields and their types, the status, the name and body (comment_check,
 * no link limit) and the creation time. Fills *it; its name and body are copies in the arena a without
 * bidirectional override and isolate controls (textnorm_strip_bidi, as on the form). Returns 0, or -1 with
 * err set. Pure. */
int comment_import_check(struct arena *a, json_t *o, size_t index, struct comment_import_item *it, char *err,
			 size_t errlen);

#endif
