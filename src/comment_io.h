/* comment_io.h - comments export and import as JSON (`broadsheet comments export|import`; the format is
 * documented in docs/comments.md). */
#ifndef BROADSHEET_COMMENT_IO_H
#define BROADSHEET_COMMENT_IO_H
#include <stddef.h>
#include <stdio.h>

struct db;

/* comment_export: writes every comment of the site to out. Returns how many, or -1 with err set. */
int comment_export(struct db *db, FILE *out, char *err, size_t errlen);

/* comment_import: adds the comments in text[0..len) to the site (secret keys their duplicate keys), all
 * in one transaction: when any comment is invalid or its article is missing, nothing is stored. Returns
 * how many were added, or -1 with err naming the first problem (and the comment's position). */
int comment_import(struct db *db, const unsigned char *secret, const char *text, size_t len, char *err,
		   size_t errlen);

#endif
