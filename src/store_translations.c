/* store_translations.c - the translation desk's queries (issue 19; see db.h, "The translation desk"): a
 * translation's source and the source's version it was last saved against, one revision by version, and
 * the board's lists (today's stories without a translation, translations whose source moved on,
 * corrections newer than the other side's last save), written once for both engines (db_stmt.h). */
#include <stdlib.h>

#include "db_stmt.h"

static const char sql_source_get[] = "SELECT source_id, coalesce(source_version, 0) FROM articles "
				     "WHERE id = ?1 AND source_id IS NOT NULL";

int db_article_source_get(struct db *db, struct arena *a, int64_t id, struct db_article_source *out)
{
	static const struct dbs_col cols[] = {DBS_C_I64(struct db_article_source, source_id),
					      DBS_C_I64(struct db_article_source, source_version)};
	static const struct dbs_map map = DBS_MAP(struct db_article_source, cols, NULL);
	int rc = dbs_one(db, a, sql_source_get, DBS_ARGS(DBS_INT(id)), &map, out);
	if (rc == DB_OK)
		out->id = id;
	return rc;
}

static const char sql_source_set[] = "UPDATE articles SET source_id = ?2, source_version = ?3 WHERE id = ?1";

int db_article_source_set(struct db *db, int64_t id, int64_t source_id, int64_t source_version)
{
	return dbs_run_one(db, sql_source_set, DBS_ARGS(DBS_INT(id), DBS_ID(source_id), DBS_ID(source_id ? source_version : 0)));
}

/* the source's version now; a translation without a source (or whose source was deleted) is left alone */
static const char sql_source_sync[] =
	"UPDATE articles SET source_version = (SELECT s.version FROM articles s WHERE s.id = articles.source_id) "
	"WHERE id = ?1 AND source_id IS NOT NULL";

int db_article_source_sync(struct db *db, int64_t id)
{
	return dbs_run(db, sql_source_sync, DBS_ARGS(DBS_INT(id)));
}

static const char sql_rev_get[] = "SELECT r.version, r.user_id, r.created_at, coalesce(u.login, ''), r.headline, "
				  "r.standfirst, r.body_md, r.dateline, r.slug FROM article_revisions r "
				  "LEFT JOIN users u ON u.id = r.user_id WHERE r.article_id = ?1 AND r.version = ?2";

int db_revision_get(struct db *db, struct arena *a, int64_t article_id, int64_t version, struct db_revision *out)
{
#define R struct db_revision
	static const struct dbs_col cols[] = {
		DBS_C_I64(R, version), DBS_C_I64(R, user_id), DBS_C_I64(R, created_at), DBS_C_TEXT_NN(R, who),
		DBS_C_TEXT_NN(R, headline), DBS_C_TEXT_NN(R, standfirst), DBS_C_TEXT_NN(R, body_md),
		DBS_C_TEXT_NN(R, dateline), DBS_C_TEXT_NN(R, slug)};
	static const struct dbs_map map = DBS_MAP(R, cols, NULL);
#undef R
	return dbs_one(db, a, sql_rev_get, DBS_ARGS(DBS_INT(article_id), DBS_INT(version)), &map, out);
}

/* translations still in their source's translation group whose source has been saved since */
static const char sql_behind[] =
	"SELECT t.id, t.source_id, coalesce(t.source_version, 0) FROM articles t JOIN articles s ON s.id = t.source_id "
	"WHERE t.source_id IS NOT NULL AND t.translation_group = s.translation_group AND t.edition <> s.edition "
	"AND s.version <> coalesce(t.source_version, 0) ORDER BY coalesce(s.updated_at, s.created_at) DESC, t.id DESC "
	"LIMIT ?1";

int db_translations_behind(struct db *db, struct arena *a, int64_t limit, struct db_article_source **out, size_t *n)
{
	static const struct dbs_col cols[] = {DBS_C_I64(struct db_article_source, id),
					      DBS_C_I64(struct db_article_source, source_id),
					      DBS_C_I64(struct db_article_source, source_version)};
	static const struct dbs_map map = DBS_MAP(struct db_article_source, cols, NULL);
	return dbs_list(db, a, sql_behind, DBS_ARGS(DBS_INT(limit)), &map, out, n);
}

/* published in [?1, ?2) or scheduled for it, with no article of the other edition in its group */
static const char sql_untranslated[] =
	"SELECT a.id FROM articles a WHERE ((a.status = 'published' AND a.published_at >= ?1 AND a.published_at < ?2) "
	"OR (a.status = 'scheduled' AND a.scheduled_at >= ?1 AND a.scheduled_at < ?2)) "
	"AND NOT EXISTS (SELECT 1 FROM articles o WHERE o.translation_group = a.translation_group "
	"AND o.edition <> a.edition) ORDER BY coalesce(a.published_at, a.scheduled_at) DESC, a.id DESC LIMIT ?3";

struct id_row {
	int64_t id;
};

int db_untranslated_between(struct db *db, struct arena *a, int64_t from, int64_t to, int64_t limit, int64_t **out,
			    size_t *n)
{
	static const struct dbs_col cols[] = {DBS_C_I64(struct id_row, id)};
	static const struct dbs_map map = DBS_MAP(struct id_row, cols, NULL);
	struct id_row *rows = NULL;
	*n = 0;
	*out = NULL;
	int rc = dbs_list(db, a, sql_untranslated, DBS_ARGS(DBS_INT(from), DBS_INT(to), DBS_INT(limit)), &map, &rows, n);
	if (rc != DB_OK)
		return rc;
	int64_t *ids = arena_alloc(a, (*n ? *n : 1) * sizeof *ids);
	for (size_t i = 0; i < *n; i++)
		ids[i] = rows[i].id;
	*out = ids;
	return DB_OK;
}

/* the newest correction of each article whose translation (the other edition, same group) was last saved
 * before it: its newest revision, else its own times (an article never saved in the editor) */
static const char sql_flags[] =
	"SELECT c.article_id, o.id, max(c.created_at) FROM corrections c JOIN articles a ON a.id = c.article_id "
	"JOIN articles o ON o.translation_group = a.translation_group AND o.edition <> a.edition "
	"WHERE (?1 = 0 OR o.id = ?1) AND c.created_at > coalesce((SELECT max(r.created_at) FROM article_revisions r "
	"WHERE r.article_id = o.id), o.updated_at, o.created_at) GROUP BY c.article_id, o.id "
	"ORDER BY max(c.created_at) DESC, o.id DESC LIMIT ?2";

int db_correction_flags(struct db *db, struct arena *a, int64_t other_id, int64_t limit, struct db_correction_flag **out,
			size_t *n)
{
	static const struct dbs_col cols[] = {DBS_C_I64(struct db_correction_flag, corrected_id),
					      DBS_C_I64(struct db_correction_flag, other_id),
					      DBS_C_I64(struct db_correction_flag, corrected_at)};
	static const struct dbs_map map = DBS_MAP(struct db_correction_flag, cols, NULL);
	return dbs_list(db, a, sql_flags, DBS_ARGS(DBS_INT(other_id), DBS_INT(limit)), &map, out, n);
}
