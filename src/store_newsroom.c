/* store_newsroom.c - the store's newsroom operations, written once for both engines (db_stmt.h): articles of any status, revisions,
 * the workflow log, corrections, slug history and the scheduler's queries (see db.h). The scheduler's
 * publications and take-downs queue their webhook events in the same transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_stmt.h"
#include "util.h"

#define ADMIN_COLS ART_COLS ", a.body_md, a.body_html, a.version, a.owner_id, a.scheduled_at, a.expires_at, u.login"
#define ADMIN_FROM ART_FROM "LEFT JOIN users u ON u.id = a.owner_id "

/* read_admin: the ADMIN_COLS columns of the current row into the struct db_article row. */
static void read_admin(struct db *db, struct arena *a, struct db_stmt *st, void *row)
{
	struct db_article *r = row;
	dbs_read_article(db, a, st, r, 1);
	r->version = dbs_int64(db, st, ART_NCOLS + 2);
	r->owner_id = dbs_int64(db, st, ART_NCOLS + 3);
	r->scheduled_at = dbs_int64(db, st, ART_NCOLS + 4);
	r->expires_at = dbs_int64(db, st, ART_NCOLS + 5);
	r->owner_login = dbs_text_nn(db, a, st, ART_NCOLS + 6);
}

static const struct dbs_map admin_map = DBS_MAP_READ(struct db_article, read_admin);

static const char sql_get_id[] = "SELECT " ADMIN_COLS ADMIN_FROM "WHERE a.id = ?1";

int db_article_get_id(struct db *db, struct arena *a, int64_t id, struct db_article *out)
{
	return dbs_one(db, a, sql_get_id, DBS_ARGS(DBS_INT(id)), &admin_map, out);
}

static const char sql_by_status[] = "SELECT " ADMIN_COLS ADMIN_FROM "WHERE a.status = ?1 "
				    "ORDER BY coalesce(a.updated_at, a.created_at) DESC, a.id DESC LIMIT ?2";

int db_articles_by_status(struct db *db, struct arena *a, const char *status, int64_t limit, struct db_article **out,
			   size_t *n)
{
	return dbs_list(db, a, sql_by_status, DBS_ARGS(DBS_TEXT(status), DBS_INT(limit)), &admin_map, out, n);
}

static const char sql_slug_owner[] = "SELECT id FROM articles WHERE edition = ?1 AND slug = ?2 "
				     "UNION ALL SELECT article_id FROM slug_history WHERE edition = ?1 AND slug = ?2 LIMIT 1";

int db_slug_owner(struct db *db, const char *edition, const char *slug, int64_t *article_id)
{
	return dbs_one_int(db, sql_slug_owner, DBS_ARGS(DBS_TEXT(edition), DBS_TEXT(slug)), article_id);
}

/* A new draft, or a save of version ?15 of article ?14 (none comes back when someone saved in between).
 * The body's plain text (?16, what search indexes: dbs_article_text) is written with the row on every
 * engine, PostgreSQL's search terms (?17) too (see the driver's article_terms). */
#define ARTICLE_NEW(TERMS, TERMS_PARAM)                                                                       \
	"INSERT INTO articles(edition, slug, headline, standfirst, body_md, body_html, dateline, status, section_id, " \
	"lead_media_id, lead_caption, lead_credit, created_at, updated_at, owner_id, version, body_text" TERMS ") " \
	"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, 'draft', ?8, ?9, ?10, ?11, ?12, ?12, ?13, 1, ?16" TERMS_PARAM ") "     \
	"RETURNING id"
#define ARTICLE_SAVE(TERMS)                                                                                   \
	"UPDATE articles SET edition = ?1, slug = ?2, headline = ?3, standfirst = ?4, body_md = ?5, body_html = ?6, " \
	"dateline = ?7, section_id = ?8, lead_media_id = ?9, lead_caption = ?10, lead_credit = ?11, updated_at = ?12, " \
	"body_text = ?16, " TERMS "version = version + 1 WHERE id = ?14 AND version = ?15 RETURNING id"
static const char sql_insert_sqlite[] = ARTICLE_NEW("", "");
static const char sql_insert_pg[] = ARTICLE_NEW(", terms", ", ?17");
static const char sql_update_sqlite[] = ARTICLE_SAVE("");
static const char sql_update_pg[] = ARTICLE_SAVE("terms = ?17, ");

/* save_step: runs db_article_save's bound statement: DB_OK (*id set), DB_CONFLICT (a stale version or a
 * slug taken) or DB_ERROR (logged). The statement is finished. */
static int save_step(struct db *db, struct db_stmt *st, int updating, int64_t *id)
{
	int rc = dbs_step(db, st);
	if (rc == DBS_ROW) {
		*id = dbs_int64(db, st, 0);
		while ((rc = dbs_step(db, st)) == DBS_ROW)
			;
		if (rc == DBS_DONE) {
			dbs_done(db, st);
			return DB_OK;
		}
	}
	if ((rc == DBS_DONE && updating) || rc == DBS_CONFLICT) {
		dbs_done(db, st); /* no row at that version: someone saved in between; or the slug is taken */
		return DB_CONFLICT;
	}
	return dbs_fail(db, st);
}

int db_article_save(struct db *db, const struct db_article *r, int64_t *id)
{
	const char *sql = r->id ? DBS_SQL(db, sql_update_sqlite, sql_update_pg) : DBS_SQL(db, sql_insert_sqlite, sql_insert_pg);
	char *text, *terms;
	if (dbs_article_text(db, r->headline, r->standfirst, r->body_md, &text, &terms) != DB_OK)
		return DB_ERROR;
	/* an update binds ?14 and ?15, a new draft ?13; ?17 only where the engine has search terms */
	struct dbs_arg v[] = {DBS_TEXT(r->edition), DBS_TEXT(r->slug), DBS_TEXT(r->headline),
			      DBS_TEXT(dbs_or_empty(r->standfirst)), DBS_TEXT(dbs_or_empty(r->body_md)),
			      DBS_TEXT(dbs_or_empty(r->body_html)), DBS_TEXT(dbs_or_empty(r->dateline)),
			      DBS_INT(r->section_id), DBS_ID(r->lead_media_id), DBS_TEXT(dbs_or_empty(r->lead_caption)),
			      DBS_TEXT(dbs_or_empty(r->lead_credit)), DBS_INT(r->updated_at ? r->updated_at : util_now()),
			      r->id ? DBS_UNSET : DBS_ID(r->owner_id), r->id ? DBS_INT(r->id) : DBS_UNSET,
			      r->id ? DBS_INT(r->version) : DBS_UNSET, DBS_TEXT(text), DBS_TEXT(terms)};
	struct db_stmt *st = dbs_query(db, sql, (struct dbs_args){v, terms ? 17 : 16});
	int rc = st ? save_step(db, st, r->id != 0, id) : DB_ERROR;
	free(text);
	free(terms);
	return rc;
}

static const char sql_clear_authors[] = "DELETE FROM article_authors WHERE article_id = ?1";
static const char sql_clear_tags[] = "DELETE FROM article_tags WHERE article_id = ?1";

int db_article_links_clear(struct db *db, int64_t article_id)
{
	if (dbs_run(db, sql_clear_authors, DBS_ARGS(DBS_INT(article_id))) != DB_OK ||
	    dbs_run(db, sql_clear_tags, DBS_ARGS(DBS_INT(article_id))) != DB_OK)
		return DB_ERROR;
	return DB_OK;
}

static const char sql_set_status[] = "UPDATE articles SET status = ?2, published_at = ?3, scheduled_at = ?4, "
				     "expires_at = ?5 WHERE id = ?1";

int db_article_set_status(struct db *db, int64_t id, const char *status, int64_t published_at, int64_t scheduled_at,
			   int64_t expires_at)
{
	return dbs_run(db, sql_set_status,
		       DBS_ARGS(DBS_INT(id), DBS_TEXT(status), DBS_ID(published_at), DBS_ID(scheduled_at), DBS_ID(expires_at)));
}

/* id joins other_id's group; when other_id has none, both get a new one named for the pair (never id's old
 * group: its other member would stay paired with id, a third article in that pair) */
static const char sql_group_of[] = "SELECT coalesce((SELECT translation_group FROM articles WHERE id = ?2), "
				   "'g' || CAST(?1 AS BIGINT) || '-' || CAST(?2 AS BIGINT))";
static const char sql_set_group[] = "UPDATE articles SET translation_group = ?2 WHERE id = ?1";

int db_article_set_translation(struct db *db, int64_t id, int64_t other_id)
{
	struct arena scratch = ARENA_INIT;
	const char *group = "";
	int rc = dbs_one_text(db, &scratch, sql_group_of, DBS_ARGS(DBS_INT(id), DBS_INT(other_id)), &group);
	if (rc != DB_OK || !group[0] || dbs_run(db, sql_set_group, DBS_ARGS(DBS_INT(id), DBS_TEXT(group))) != DB_OK ||
	    dbs_run(db, sql_set_group, DBS_ARGS(DBS_INT(other_id), DBS_TEXT(group))) != DB_OK)
		rc = DB_ERROR;
	arena_free(&scratch);
	return rc;
}

static const char sql_old_slug[] = "SELECT " ART_COLS ART_FROM "JOIN slug_history h ON h.article_id = a.id "
				   "WHERE h.edition = ?1 AND h.slug = ?2 AND a.status = 'published'";

int db_article_by_old_slug(struct db *db, struct arena *a, const char *edition, const char *slug,
			    struct db_article *out)
{
	return dbs_one(db, a, sql_old_slug, DBS_ARGS(DBS_TEXT(edition), DBS_TEXT(slug)), &dbs_article_map, out);
}

static const char sql_slug_hist[] = "INSERT INTO slug_history(edition, slug, article_id) VALUES(?1, ?2, ?3) "
				    "ON CONFLICT(edition, slug) DO UPDATE SET article_id = excluded.article_id";

int db_slug_history_add(struct db *db, const char *edition, const char *slug, int64_t article_id)
{
	return dbs_run(db, sql_slug_hist, DBS_ARGS(DBS_TEXT(edition), DBS_TEXT(slug), DBS_INT(article_id)));
}

static const char sql_rev_insert[] =
	"INSERT INTO article_revisions(article_id, version, user_id, created_at, headline, standfirst, body_md, "
	"dateline, slug) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (article_id, version) DO NOTHING";

int db_revision_insert(struct db *db, int64_t article_id, const struct db_revision *r)
{
	/* a revision already there is DB_CONFLICT without failing the statement: on PostgreSQL that would
	 * abort the caller's transaction, which goes on (store_article keeps an existing first revision) */
	int rc = dbs_run_one(db, sql_rev_insert,
			     DBS_ARGS(DBS_INT(article_id), DBS_INT(r->version), DBS_ID(r->user_id), DBS_INT(r->created_at),
				      DBS_TEXT(r->headline), DBS_TEXT(dbs_or_empty(r->standfirst)),
				      DBS_TEXT(dbs_or_empty(r->body_md)), DBS_TEXT(dbs_or_empty(r->dateline)),
				      DBS_TEXT(r->slug)));
	return rc == DB_NOTFOUND ? DB_CONFLICT : rc;
}

static const char sql_revs[] = "SELECT r.version, r.user_id, r.created_at, coalesce(u.login, ''), r.headline, "
			       "r.standfirst, r.body_md, r.dateline, r.slug FROM article_revisions r "
			       "LEFT JOIN users u ON u.id = r.user_id WHERE r.article_id = ?1 ORDER BY r.version DESC";

#define R struct db_revision
static const struct dbs_col revision_cols[] = {
	DBS_C_I64(R, version), DBS_C_I64(R, user_id), DBS_C_I64(R, created_at), DBS_C_TEXT_NN(R, who),
	DBS_C_TEXT_NN(R, headline), DBS_C_TEXT_NN(R, standfirst), DBS_C_TEXT_NN(R, body_md),
	DBS_C_TEXT_NN(R, dateline), DBS_C_TEXT_NN(R, slug)};
static const struct dbs_map revision_map = DBS_MAP(R, revision_cols, NULL);
#undef R

int db_revisions_list(struct db *db, struct arena *a, int64_t article_id, struct db_revision **out, size_t *n)
{
	return dbs_list(db, a, sql_revs, DBS_ARGS(DBS_INT(article_id)), &revision_map, out, n);
}

static const char sql_event[] = "INSERT INTO article_events(article_id, user_id, action, at) VALUES(?1, ?2, ?3, ?4)";

int db_event_insert(struct db *db, int64_t article_id, int64_t user_id, const char *action, int64_t at)
{
	return dbs_run(db, sql_event, DBS_ARGS(DBS_INT(article_id), DBS_ID(user_id), DBS_TEXT(action), DBS_INT(at)));
}

static const char sql_events[] = "SELECT e.action, coalesce(u.login, 'the scheduler'), e.at FROM article_events e "
				 "LEFT JOIN users u ON u.id = e.user_id WHERE e.article_id = ?1 ORDER BY e.at, e.id";

int db_events_list(struct db *db, struct arena *a, int64_t article_id, struct db_event **out, size_t *n)
{
	static const struct dbs_col cols[] = {DBS_C_TEXT_NN(struct db_event, action), DBS_C_TEXT_NN(struct db_event, who),
					      DBS_C_I64(struct db_event, at)};
	static const struct dbs_map map = DBS_MAP(struct db_event, cols, NULL);
	return dbs_list(db, a, sql_events, DBS_ARGS(DBS_INT(article_id)), &map, out, n);
}

static const char sql_corr_insert[] = "INSERT INTO corrections(article_id, body, user_id, created_at) VALUES(?1, ?2, ?3, ?4)";

int db_correction_insert(struct db *db, int64_t article_id, const char *body, int64_t user_id, int64_t at)
{
	return dbs_run(db, sql_corr_insert, DBS_ARGS(DBS_INT(article_id), DBS_TEXT(body), DBS_ID(user_id), DBS_INT(at)));
}

static const char sql_corrs[] = "SELECT body, created_at FROM corrections WHERE article_id = ?1 ORDER BY created_at, id";

int db_corrections_list(struct db *db, struct arena *a, int64_t article_id, struct db_correction **out, size_t *n)
{
	static const struct dbs_col cols[] = {DBS_C_TEXT_NN(struct db_correction, body),
					      DBS_C_I64(struct db_correction, created_at)};
	static const struct dbs_map map = DBS_MAP(struct db_correction, cols, NULL);
	return dbs_list(db, a, sql_corrs, DBS_ARGS(DBS_INT(article_id)), &map, out, n);
}

#define MEDIA_COLS "id, path, mime, alt, width, height, created_at, focal_x, focal_y, caption, credit, copyright, keywords"
static const char sql_media[] = "SELECT " MEDIA_COLS " FROM media ORDER BY created_at DESC, id DESC";
static const char sql_media_get[] = "SELECT " MEDIA_COLS " FROM media WHERE id = ?1";
static const char sql_media_focal[] = "UPDATE media SET focal_x = ?2, focal_y = ?3, caption = coalesce(?4, caption), "
				      "credit = coalesce(?5, credit), copyright = coalesce(?6, copyright), "
				      "keywords = coalesce(?7, keywords) WHERE id = ?1";

/* media_map: the MEDIA_COLS of a row into a struct db_media (arena strings). */
#define M struct db_media
static const struct dbs_col media_cols[] = {
	DBS_C_I64(M, id),         DBS_C_TEXT_NN(M, path),    DBS_C_TEXT_NN(M, mime),      DBS_C_TEXT_NN(M, alt),
	DBS_C_INT(M, width),      DBS_C_INT(M, height),      DBS_C_I64(M, created_at),    DBS_C_INT(M, focal_x),
	DBS_C_INT(M, focal_y),    DBS_C_TEXT_NN(M, caption), DBS_C_TEXT_NN(M, credit),    DBS_C_TEXT_NN(M, copyright),
	DBS_C_TEXT_NN(M, keywords)};
static const struct dbs_map media_map = DBS_MAP(M, media_cols, NULL);
#undef M

/* like_pattern: "%text%" for LIKE ... ESCAPE '\\' with %, _ and \\ in text escaped (arena). */
static const char *like_pattern(struct arena *a, const char *text)
{
	size_t n = strlen(text);
	char *p = arena_alloc(a, 2 * n + 3), *o = p;
	*o++ = '%';
	for (const char *c = text; *c; c++) {
		if (*c == '%' || *c == '_' || *c == '\\')
			*o++ = '\\';
		*o++ = *c;
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

/* the newsroom's columns (ADMIN_COLS) with empty bodies: a picker lists headlines */
#define PICK_ARTICLES(LIKE)                                                                                   \
	"SELECT " ART_COLS ", '', '', a.version, a.owner_id, a.scheduled_at, a.expires_at, u.login" ADMIN_FROM \
	"WHERE (a.headline " LIKE " ?1 ESCAPE '\\' OR CAST(a.id AS TEXT) = ?2) AND (CAST(?3 AS TEXT) = '' OR a.edition = ?3) "   \
	"ORDER BY coalesce(a.updated_at, a.created_at) DESC, a.id DESC LIMIT ?4"
static const char sql_pick_articles_sqlite[] = PICK_ARTICLES("LIKE");
static const char sql_pick_articles_pg[] = PICK_ARTICLES("ILIKE");

int db_pick_articles(struct db *db, struct arena *a, const char *text, const char *edition, int64_t limit,
		     struct db_article **out, size_t *n)
{
	return dbs_list(db, a, DBS_SQL(db, sql_pick_articles_sqlite, sql_pick_articles_pg),
			DBS_ARGS(DBS_TEXT(like_pattern(a, text)), DBS_TEXT(text), DBS_TEXT(edition ? edition : ""),
				 DBS_INT(limit)),
			&admin_map, out, n);
}

#define PICK_MEDIA(LIKE)                                                                                      \
	"SELECT " MEDIA_COLS " FROM media WHERE alt " LIKE " ?1 ESCAPE '\\' OR caption " LIKE " ?1 ESCAPE '\\' "     \
	"OR CAST(id AS TEXT) = ?2 ORDER BY created_at DESC, id DESC LIMIT ?3"
static const char sql_pick_media_sqlite[] = PICK_MEDIA("LIKE");
static const char sql_pick_media_pg[] = PICK_MEDIA("ILIKE");

int db_pick_media(struct db *db, struct arena *a, const char *text, int64_t limit, struct db_media **out, size_t *n)
{
	return dbs_list(db, a, DBS_SQL(db, sql_pick_media_sqlite, sql_pick_media_pg),
			DBS_ARGS(DBS_TEXT(like_pattern(a, text)), DBS_TEXT(text), DBS_INT(limit)), &media_map, out, n);
}

int db_media_list(struct db *db, struct arena *a, struct db_media **out, size_t *n)
{
	return dbs_list(db, a, sql_media, DBS_NO_ARGS, &media_map, out, n);
}

int db_media_get(struct db *db, struct arena *a, int64_t id, struct db_media *out)
{
	memset(out, 0, sizeof *out);
	return dbs_one(db, a, sql_media_get, DBS_ARGS(DBS_INT(id)), &media_map, out);
}

int db_media_set_focal(struct db *db, int64_t id, int fx, int fy, const struct db_media *details)
{
	if (fx < 0 || fx > 10000 || fy < 0 || fy > 10000)
		return DB_ERROR;
	const struct db_media none = {0}, *d = details ? details : &none;
	int rc = dbs_run_one(db, sql_media_focal,
			     DBS_ARGS(DBS_INT(id), DBS_INT(fx), DBS_INT(fy), DBS_TEXT(d->caption), DBS_TEXT(d->credit),
				      DBS_TEXT(d->copyright), DBS_TEXT(d->keywords)));
	return rc == DB_CONFLICT ? DB_ERROR : rc;
}

static const char sql_due_log_pub[] = "INSERT INTO article_events(article_id, user_id, action, at) "
				      "SELECT id, NULL, 'published (scheduled)', CAST(?1 AS BIGINT) FROM articles "
				      "WHERE status = 'scheduled' AND scheduled_at <= ?1";
static const char sql_due_pub[] = "UPDATE articles SET status = 'published', "
				  "published_at = coalesce(published_at, scheduled_at), scheduled_at = NULL "
				  "WHERE status = 'scheduled' AND scheduled_at <= ?1";
static const char sql_due_log_exp[] = "INSERT INTO article_events(article_id, user_id, action, at) "
				      "SELECT id, NULL, 'unpublished (expired)', CAST(?1 AS BIGINT) FROM articles "
				      "WHERE status = 'published' AND expires_at <= ?1";
/* the scheduler's audit entries (issue 20), as the account "system", written before the UPDATEs */
#define DUE_AUDIT(ACTION, DETAIL, WHERE)                                                                      \
	"INSERT INTO audit_log(at, user_id, login, address, action, target, detail) "                          \
	"SELECT CAST(?1 AS BIGINT), NULL, 'system', '', '" ACTION "', 'article:' || CAST(id AS TEXT), '" DETAIL "' " \
	"FROM articles WHERE " WHERE
static const char sql_due_audit_pub[] =
	DUE_AUDIT("article.published", "at its scheduled time", "status = 'scheduled' AND scheduled_at <= ?1");
static const char sql_due_audit_exp[] =
	DUE_AUDIT("article.expired", "at its take-down time", "status = 'published' AND expires_at <= ?1");
/* the scheduler's events, queued before the UPDATEs change which rows match */
#define DUE_HOOK_PUB(SNAPSHOT, WANTS)                                                                         \
	"INSERT INTO webhook_queue(webhook_id, event, payload, next_attempt_at, created_at) "                  \
	"SELECT w.id, 'article.published', " SNAPSHOT("coalesce(a.published_at, a.scheduled_at)") ", "        \
	"CAST(?1 AS BIGINT), ?1 FROM articles a JOIN webhooks w ON w.active = 1 AND " WANTS("'article.published'") " " \
	"WHERE a.status = 'scheduled' AND a.scheduled_at <= ?1 ORDER BY a.id, w.id"
#define DUE_HOOK_EXP(SNAPSHOT, WANTS)                                                                         \
	"INSERT INTO webhook_queue(webhook_id, event, payload, next_attempt_at, created_at) "                  \
	"SELECT w.id, 'article.unpublished', " SNAPSHOT("a.published_at") ", CAST(?1 AS BIGINT), ?1 "          \
	"FROM articles a JOIN webhooks w ON w.active = 1 AND " WANTS("'article.unpublished'") " "              \
	"WHERE a.status = 'published' AND a.expires_at <= ?1 ORDER BY a.id, w.id"
static const char sql_due_hook_pub_sqlite[] = DUE_HOOK_PUB(WEBHOOK_SNAPSHOT_SQLITE, WEBHOOK_WANTS_SQLITE);
static const char sql_due_hook_pub_pg[] = DUE_HOOK_PUB(WEBHOOK_SNAPSHOT_PG, WEBHOOK_WANTS_PG);
static const char sql_due_hook_exp_sqlite[] = DUE_HOOK_EXP(WEBHOOK_SNAPSHOT_SQLITE, WEBHOOK_WANTS_SQLITE);
static const char sql_due_hook_exp_pg[] = DUE_HOOK_EXP(WEBHOOK_SNAPSHOT_PG, WEBHOOK_WANTS_PG);

/* PostgreSQL: held by the transaction of a scheduler run, so two nodes' schedulers run one after the
 * other, and the second (whose statements each see what the first committed) finds nothing left to do;
 * without it both would log and queue webhook events for the same articles before the UPDATEs serialised
 * them ("bssched" in ASCII, distinct from the migration lock). SQLite's BEGIN IMMEDIATE serialises. */
static const char sql_due_lock_pg[] = "SELECT pg_advisory_xact_lock(27711487143863652)";
static const char sql_due_exp[] = "UPDATE articles SET status = 'unpublished', expires_at = NULL "
				  "WHERE status = 'published' AND expires_at <= ?1";

static const char sql_due_ids[] = "SELECT id FROM articles WHERE (status = 'scheduled' AND scheduled_at <= ?1) "
				  "OR (status = 'published' AND expires_at <= ?1) LIMIT ?2";

/* The ids of the due articles, read by due_id. */
struct due_ids {
	int64_t *ids;
	size_t cap, n;
};

/* due_id: keeps the row's id in the struct due_ids ctx; non-zero (stop) once it is full. */
static int due_id(struct db *db, struct db_stmt *st, void *ctx)
{
	struct due_ids *d = ctx;
	if (d->n == d->cap)
		return 1;
	d->ids[d->n++] = dbs_int64(db, st, 0);
	return 0;
}

/* due_lock_and_ids: in db_publish_due's transaction, takes PostgreSQL's scheduler lock and reads the ids
 * of the due articles (at most cap) into ids; *nids gets how many. DB_OK or DB_ERROR (logged). */
static int due_lock_and_ids(struct db *db, int64_t now, int64_t *ids, size_t cap, size_t *nids)
{
	if (db->drv->engine == DB_ENGINE_PG && dbs_run(db, sql_due_lock_pg, DBS_NO_ARGS) != DB_OK)
		return DB_ERROR;
	struct due_ids d = {ids, cap, 0};
	int rc = dbs_each(db, sql_due_ids, DBS_ARGS(DBS_INT(now), DBS_INT((int64_t)cap)), due_id, &d);
	*nids = d.n;
	return rc;
}

int db_publish_due(struct db *db, int64_t now, int64_t *ids, size_t cap, int *changed)
{
	if (db_begin(db) != DB_OK)
		return DB_ERROR;
	size_t nids;
	if (due_lock_and_ids(db, now, ids, cap, &nids) != DB_OK) {
		db_rollback(db);
		return DB_ERROR;
	}
	const char *sqls[] = {sql_due_log_pub, sql_due_audit_pub, DBS_SQL(db, sql_due_hook_pub_sqlite, sql_due_hook_pub_pg),
			      sql_due_pub,     sql_due_log_exp,   sql_due_audit_exp,
			      DBS_SQL(db, sql_due_hook_exp_sqlite, sql_due_hook_exp_pg), sql_due_exp};
	int total = 0;
	for (size_t i = 0; i < ARRAY_LEN(sqls); i++) {
		long changes = 0;
		if (dbs_run_changes(db, sqls[i], DBS_ARGS(DBS_INT(now)), &changes) != DB_OK) {
			db_rollback(db);
			return DB_ERROR;
		}
		if (sqls[i] == sql_due_pub || sqls[i] == sql_due_exp)
			total += (int)changes;
	}
	if (db_commit(db) != DB_OK)
		return DB_ERROR;
	*changed = total;
	return DB_OK;
}

static const char sql_next_due[] = "SELECT min(t) FROM (SELECT min(scheduled_at) AS t FROM articles WHERE status = 'scheduled' "
				   "UNION ALL SELECT min(expires_at) FROM articles WHERE status = 'published' AND expires_at IS NOT NULL) AS due";

int db_next_due(struct db *db, int64_t *at)
{
	return dbs_one_int(db, sql_next_due, DBS_NO_ARGS, at);
}

static const char sql_tr_any[] = "SELECT " ART_COLS ART_FROM "WHERE a.translation_group = ?1 AND a.edition <> ?2 "
				 "ORDER BY a.id DESC LIMIT 1";

int db_article_translation_any(struct db *db, struct arena *a, const struct db_article *art, struct db_article *out)
{
	if (!art->translation_group)
		return DB_NOTFOUND;
	return dbs_one(db, a, sql_tr_any, DBS_ARGS(DBS_TEXT(art->translation_group), DBS_TEXT(art->edition)),
		       &dbs_article_map, out);
}
