/* comment_io.c - moving comments in and out of a site as JSON (format in docs/comments.md), with
 * jansson. Export writes every comment with its article's edition and slug; import adds them to a site
 * whose articles have those slugs, in one transaction: all of a file or none of it. Addresses, emails and
 * visitor cookies are never exported: they are keyed with the site's secret and mean nothing elsewhere. */
#include "comment_io.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "comment.h"
#include "datefmt.h"
#include "db.h"
#include "textnorm.h"
#include "util.h"

#define FORMAT_NAME "broadsheet-comments"
#define FORMAT_VERSION 1

/* iso: t as RFC 3339 in the arena. */
static const char *iso(struct arena *a, int64_t t)
{
	struct buf b = BUF_INIT;
	datefmt_iso(&b, t);
	char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

int comment_export(struct db *db, FILE *out, char *err, size_t errlen)
{
	struct arena a = ARENA_INIT;
	struct db_comment *list;
	size_t n;
	if (db_comments_all(db, &a, &list, &n) != DB_OK) {
		snprintf(err, errlen, "the comments could not be read (database error)");
		arena_free(&a);
		return -1;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct db_comment *c = &list[i];
		json_t *o = json_pack("{s:I, s:{s:s, s:s}, s:o, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)c->id,
				      "article", "edition", c->article_edition, "slug", c->article_slug, "parent",
				      c->parent_id ? json_integer(c->parent_id) : json_null(), "name", c->name, "body", c->body,
				      "status", c->status, "created_at", iso(&a, c->created_at), "edited_at",
				      c->edited_at ? json_string(iso(&a, c->edited_at)) : json_null());
		if (!o) {
			snprintf(err, errlen, "comment %lld could not be written as JSON", (long long)c->id);
			json_decref(arr);
			arena_free(&a);
			return -1;
		}
		json_array_append_new(arr, o);
	}
	json_t *doc = json_pack("{s:s, s:i, s:o}", "format", FORMAT_NAME, "version", FORMAT_VERSION, "comments", arr);
	int rc = json_dumpf(doc, out, JSON_INDENT(1) | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER) == 0 && fputc('\n', out) != EOF
			 ? (int)n
			 : -1;
	if (rc < 0)
		snprintf(err, errlen, "writing the export failed");
	json_decref(doc);
	arena_free(&a);
	return rc;
}

/* parse_time: an RFC 3339 UTC time ("2026-11-26T01:00:00Z") into *t; -1 when it is not one. */
static int parse_time(const char *s, int64_t *t)
{
	return s ? datefmt_parse(s, t) : -1;
}

int comment_import_check(struct arena *a, json_t *o, size_t index, struct comment_import_item *it, char *err,
			 size_t errlen)
{
	json_int_t old_id = 0;
	json_t *edited = NULL;
	json_error_t je;
	memset(it, 0, sizeof *it);
	if (json_unpack_ex(o, &je, JSON_STRICT, "{s:I, s:{s:s, s:s}, s:o, s:s, s:s, s:s, s:s, s?o}", "id", &old_id,
			   "article", "edition", &it->edition, "slug", &it->slug, "parent", &it->parent, "name",
			   &it->name, "body", &it->body, "status", &it->status, "created_at", &it->created_at_text,
			   "edited_at", &edited) != 0) {
		snprintf(err, errlen, "comment %zu: %s", index + 1, je.text);
		return -1;
	}
	it->old_id = old_id;
	const char *status = it->status;
	if (strcmp(status, "pending") != 0 && strcmp(status, "approved") != 0 && strcmp(status, "spam") != 0 &&
	    strcmp(status, "rejected") != 0) {
		snprintf(err, errlen, "comment %zu: status must be pending, approved, spam or rejected", index + 1);
		return -1;
	}
	char *name = arena_strdup(a, it->name), *body = arena_strdup(a, it->body);
	textnorm_strip_bidi(name);
	textnorm_strip_bidi(body);
	it->name = name;
	it->body = body;
	struct comment_limits lim = {.max_name_chars = 80, .max_body_chars = 5000, .max_links = -1};
	const char *why = comment_check(a, it->name, "", it->body, &lim, "en");
	if (why) {
		snprintf(err, errlen, "comment %zu: %s", index + 1, why);
		return -1;
	}
	if (parse_time(it->created_at_text, &it->created_at) < 0) {
		snprintf(err, errlen, "comment %zu: created_at is not a time like 2026-11-26T01:00:00Z", index + 1);
		return -1;
	}
	return 0;
}

/* import_one: validates and stores one comment object; old ids map to new ones through ids. Returns 0, or
 * -1 with err set. */
static int import_one(struct db *db, struct arena *a, const unsigned char *secret, json_t *o, size_t index, int64_t *old_ids,
		      int64_t *new_ids, size_t nmapped, int64_t *new_id, char *err, size_t errlen)
{
	struct comment_import_item it;
	if (comment_import_check(a, o, index, &it, err, errlen) < 0)
		return -1;
	const char *edition = it.edition, *slug = it.slug, *name = it.name, *body = it.body, *status = it.status;
	json_t *parent = it.parent;
	int64_t at = it.created_at;
	int64_t article_id;
	int rc = db_slug_owner(db, edition, slug, &article_id);
	if (rc != DB_OK) {
		snprintf(err, errlen, "comment %zu: %s", index + 1,
			 rc == DB_NOTFOUND ? "no article of this site has that edition and slug" : "database error");
		return -1;
	}
	int64_t parent_id = 0;
	if (parent && !json_is_null(parent)) {
		if (!json_is_integer(parent)) {
			snprintf(err, errlen, "comment %zu: parent must be a comment id or null", index + 1);
			return -1;
		}
		for (size_t k = 0; k < nmapped; k++)
			if (old_ids[k] == json_integer_value(parent))
				parent_id = new_ids[k];
		if (!parent_id) {
			snprintf(err, errlen, "comment %zu: its parent must come earlier in the file", index + 1);
			return -1;
		}
		/* as on the form: one level of replies, on the same article */
		struct db_comment p;
		int prc = db_comment_get(db, a, parent_id, &p);
		const char *why_parent = prc != DB_OK	     ? "its parent could not be read"
					 : p.parent_id != 0 ? "it replies to a reply (only one level of replies)"
							    : NULL;
		int64_t parent_article = prc == DB_OK ? p.article_id : 0;
		if (!why_parent && parent_article != article_id)
			why_parent = "its parent is on another article";
		if (why_parent) {
			snprintf(err, errlen, "comment %zu: %s", index + 1, why_parent);
			return -1;
		}
	}
	struct buf norm = BUF_INIT;
	textnorm_fold(&norm, body, strlen(body));
	char dup[AUTH_TOKEN_HEX];
	auth_keyed_hash(secret, "dup", buf_cstr(&norm), norm.len, dup);
	buf_free(&norm);
	struct db_comment_new c = {.article_id = article_id, .parent_id = parent_id, .name = name, .body = body,
				   .status = status, .dup_key = dup, .created_at = at};
	if (db_comment_insert(db, &c, new_id) != DB_OK) {
		snprintf(err, errlen, "comment %zu: could not be stored (database error)", index + 1);
		return -1;
	}
	return 0;
}

json_t *comment_import_load(const char *text, size_t len, json_t **comments, char *err, size_t errlen)
{
	json_error_t je;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		snprintf(err, errlen, "not valid JSON: %s (line %d)", je.text, je.line);
		return NULL;
	}
	const char *format = NULL;
	int version = 0;
	json_t *arr = NULL;
	if (json_unpack_ex(doc, &je, 0, "{s:s, s:i, s:o}", "format", &format, "version", &version, "comments", &arr) != 0 ||
	    strcmp(format, FORMAT_NAME) != 0 || version != FORMAT_VERSION || !json_is_array(arr)) {
		snprintf(err, errlen, "not a Broadsheet comments file (format \"%s\", version %d)", FORMAT_NAME,
			 FORMAT_VERSION);
		json_decref(doc);
		return NULL;
	}
	*comments = arr;
	return doc;
}

int comment_import(struct db *db, const unsigned char *secret, const char *text, size_t len, char *err,
		   size_t errlen)
{
	json_t *arr = NULL;
	json_t *doc = comment_import_load(text, len, &arr, err, errlen);
	if (!doc)
		return -1;
	size_t n = json_array_size(arr);
	int64_t *old_ids = xcalloc(n ? n : 1, sizeof *old_ids), *new_ids = xcalloc(n ? n : 1, sizeof *new_ids);
	struct arena a = ARENA_INIT; /* the comments' checked names and bodies, until the end */
	int rc = db_begin(db) == DB_OK ? 0 : -1;
	if (rc < 0)
		snprintf(err, errlen, "database error");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *o = json_array_get(arr, i);
		json_t *idv = json_object_get(o, "id");
		old_ids[i] = json_is_integer(idv) ? json_integer_value(idv) : 0;
		rc = import_one(db, &a, secret, o, i, old_ids, new_ids, i, &new_ids[i], err, errlen);
	}
	if (rc == 0 && db_commit(db) != DB_OK) {
		snprintf(err, errlen, "database error at commit");
		rc = -1;
	}
	if (rc < 0)
		db_rollback(db);
	free(old_ids);
	free(new_ids);
	arena_free(&a);
	json_decref(doc);
	return rc < 0 ? -1 : (int)n;
}
