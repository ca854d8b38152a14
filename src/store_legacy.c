/* store_legacy.c - the old site's addresses with what each points at now (issue 23: "old links keep
 * working"), written once for both engines (db_stmt.h; see db.h): the reader's 301s (page_legacy.c) and
 * the static export's nginx map (export.c) read a legacy_urls row together with its target's current
 * edition and slug (or media file) in one statement, so a slug changed after the import is followed. */
#include "db_stmt.h"

#define R struct db_legacy_url
static const struct dbs_col legacy_cols[] = {
	DBS_C_TEXT_NN(R, path), DBS_C_TEXT_NN(R, kind),   DBS_C_I64(R, target_id),    DBS_C_TEXT(R, edition),
	DBS_C_TEXT(R, slug),    DBS_C_TEXT(R, status),    DBS_C_I64(R, published_at), DBS_C_TEXT(R, media_path),
};
static const struct dbs_map legacy_map = DBS_MAP(R, legacy_cols, NULL);
#undef R

/* one old address and its target as it stands: the columns of struct db_legacy_url, in its order */
#define LEGACY_SELECT                                                                                         \
	"SELECT l.path, l.kind, l.target_id, coalesce(a.edition, s.edition, t.edition, au.edition), "       \
	"coalesce(a.slug, s.slug, t.slug, au.slug), a.status, coalesce(a.published_at, 0), m.path "         \
	"FROM legacy_urls l "                                                                                 \
	"LEFT JOIN articles a ON l.kind = 'article' AND a.id = l.target_id "                                 \
	"LEFT JOIN sections s ON l.kind = 'section' AND s.id = l.target_id "                                 \
	"LEFT JOIN tags t ON l.kind = 'tag' AND t.id = l.target_id "                                         \
	"LEFT JOIN authors au ON l.kind = 'author' AND au.id = l.target_id "                                 \
	"LEFT JOIN media m ON l.kind = 'media' AND m.id = l.target_id "

static const char sql_legacy_target[] = LEGACY_SELECT "WHERE l.path = ?1";

/* db_legacy_target: see db.h. */
int db_legacy_target(struct db *db, struct arena *a, const char *path, struct db_legacy_url *out)
{
	memset(out, 0, sizeof *out);
	return dbs_one(db, a, sql_legacy_target, DBS_ARGS(DBS_TEXT(path)), &legacy_map, out);
}

static const char sql_legacy_list[] = LEGACY_SELECT "WHERE l.path > ?1 ORDER BY l.path LIMIT ?2";

/* db_legacy_list: see db.h. */
int db_legacy_list(struct db *db, struct arena *a, const char *after, int64_t limit, struct db_legacy_url **out,
		   size_t *n)
{
	return dbs_list(db, a, sql_legacy_list, DBS_ARGS(DBS_TEXT(after ? after : ""), DBS_INT(limit)), &legacy_map,
			out, n);
}
