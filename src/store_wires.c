/* store_wires.c - the Wires desk's rows (issue 23), written once for both engines (db_stmt.h; see db.h):
 * agency sources, their items (one row per source and guid, updated in place by a higher version) and the
 * drafts made from them. The store writes each item's folded search text itself (glossary_key over its
 * words), so the desk's search and the rows cannot disagree. */
#include <string.h>

#include "buf.h"
#include "db_stmt.h"
#include "glossary.h"

/* ---- sources ---- */

#define S struct db_wire_source
static const struct dbs_col source_cols[] = {
	DBS_C_I64(S, id),	    DBS_C_TEXT_NN(S, name),	     DBS_C_TEXT_NN(S, kind),	DBS_C_TEXT_NN(S, url),
	DBS_C_TEXT_NN(S, token_hash), DBS_C_TEXT_NN(S, credit),    DBS_C_TEXT_NN(S, lang),	DBS_C_INT(S, active),
	DBS_C_I64(S, poll_interval), DBS_C_TEXT_NN(S, etag),	     DBS_C_TEXT_NN(S, last_modified),
	DBS_C_I64(S, next_poll_at), DBS_C_INT(S, failures),	     DBS_C_TEXT_NN(S, last_error),
	DBS_C_I64(S, last_ok_at),   DBS_C_I64(S, created_at),	     DBS_C_I64(S, items)};
static const struct dbs_map source_map = DBS_MAP(S, source_cols, NULL);
#undef S

#define SOURCE_COLS                                                                                           \
	"s.id, s.name, s.kind, s.url, s.token_hash, s.credit, s.lang, s.active, s.poll_interval, s.etag, "   \
	"s.last_modified, s.next_poll_at, s.failures, s.last_error, s.last_ok_at, s.created_at, "           \
	"(SELECT count(*) FROM wire_items i WHERE i.source_id = s.id) FROM wire_sources s "
static const char sql_source_list[] = "SELECT " SOURCE_COLS "ORDER BY s.name, s.id";
static const char sql_source_get[] = "SELECT " SOURCE_COLS "WHERE s.id = ?1";
static const char sql_sources_due[] = "SELECT " SOURCE_COLS "WHERE s.active = 1 AND s.kind IN ('feed', 'folder') "
				      "AND s.next_poll_at <= ?1 ORDER BY s.next_poll_at, s.id LIMIT ?2";
static const char sql_next_poll[] = "SELECT min(next_poll_at) FROM wire_sources WHERE active = 1 "
				    "AND kind IN ('feed', 'folder')";

/* db_wire_source_list: every source by name (see db.h). DB_OK or DB_ERROR. */
int db_wire_source_list(struct db *db, struct arena *a, struct db_wire_source **out, size_t *n)
{
	return dbs_list(db, a, sql_source_list, DBS_NO_ARGS, &source_map, out, n);
}

/* db_wire_source_get: one source (see db.h). DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_wire_source_get(struct db *db, struct arena *a, int64_t id, struct db_wire_source *out)
{
	return dbs_one(db, a, sql_source_get, DBS_ARGS(DBS_INT(id)), &source_map, out);
}

/* db_wire_sources_due: active feeds and folders due at now (see db.h). DB_OK or DB_ERROR. */
int db_wire_sources_due(struct db *db, struct arena *a, int64_t now, int64_t limit, struct db_wire_source **out,
			size_t *n)
{
	return dbs_list(db, a, sql_sources_due, DBS_ARGS(DBS_INT(now), DBS_INT(limit)), &source_map, out, n);
}

/* db_wire_next_poll: the earliest poll due (0: none; see db.h). DB_OK or DB_ERROR. */
int db_wire_next_poll(struct db *db, int64_t *next)
{
	*next = 0;
	int rc = dbs_one_int(db, sql_next_poll, DBS_NO_ARGS, next);
	return rc == DB_NOTFOUND ? DB_OK : rc;
}

static const char sql_source_insert[] =
	"INSERT INTO wire_sources(name, kind, url, token_hash, credit, lang, active, poll_interval, created_at) "
	"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id";
static const char sql_source_update[] =
	"UPDATE wire_sources SET name = ?1, credit = ?3, lang = ?4, active = ?5, poll_interval = ?6, "
	"etag = CASE WHEN url = ?2 THEN etag ELSE '' END, last_modified = CASE WHEN url = ?2 THEN last_modified ELSE '' END, "
	"next_poll_at = CASE WHEN url = ?2 AND active = ?5 THEN next_poll_at ELSE 0 END, url = ?2 WHERE id = ?7";

/* db_wire_source_put: inserts or updates a source (see db.h). DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_wire_source_put(struct db *db, const struct db_wire_source *s, int64_t *id)
{
	const char *url = dbs_or_empty(s->url), *credit = dbs_or_empty(s->credit), *lang = dbs_or_empty(s->lang);
	if (s->id) {
		int rc = dbs_run_one(db, sql_source_update,
				     DBS_ARGS(DBS_TEXT(s->name), DBS_TEXT(url), DBS_TEXT(credit), DBS_TEXT(lang),
					      DBS_INT(s->active ? 1 : 0), DBS_INT(s->poll_interval), DBS_INT(s->id)));
		if (rc == DB_OK && id)
			*id = s->id;
		return rc;
	}
	return dbs_insert(db, sql_source_insert,
			  DBS_ARGS(DBS_TEXT(s->name), DBS_TEXT(s->kind), DBS_TEXT(url), DBS_TEXT(dbs_or_empty(s->token_hash)),
				   DBS_TEXT(credit), DBS_TEXT(lang), DBS_INT(s->active ? 1 : 0), DBS_INT(s->poll_interval),
				   DBS_INT(s->created_at)),
			  id);
}

static const char sql_polled_ok[] =
	"UPDATE wire_sources SET etag = coalesce(?2, etag), last_modified = coalesce(?3, last_modified), failures = 0, "
	"last_error = '', last_ok_at = ?4, next_poll_at = ?5 WHERE id = ?1";
static const char sql_polled_fail[] = "UPDATE wire_sources SET failures = failures + 1, last_error = ?2, "
				      "next_poll_at = ?3 WHERE id = ?1";

/* db_wire_source_polled: records a poll's outcome (see db.h). DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_wire_source_polled(struct db *db, int64_t id, const char *etag, const char *last_modified, const char *error,
			  int64_t now, int64_t next_poll_at)
{
	if (error)
		return dbs_run_one(db, sql_polled_fail, DBS_ARGS(DBS_INT(id), DBS_TEXT(error), DBS_INT(next_poll_at)));
	return dbs_run_one(db, sql_polled_ok,
			   DBS_ARGS(DBS_INT(id), DBS_TEXT(etag), DBS_TEXT(last_modified), DBS_INT(now), DBS_INT(next_poll_at)));
}

/* ---- items ---- */

#define I struct db_wire_item
static const struct dbs_col item_cols[] = {
	DBS_C_I64(I, id),	      DBS_C_I64(I, source_id),	    DBS_C_TEXT_NN(I, source_name), DBS_C_TEXT_NN(I, guid),
	DBS_C_I64(I, version),	      DBS_C_TEXT_NN(I, lang),	    DBS_C_TEXT_NN(I, headline),	   DBS_C_TEXT_NN(I, byline),
	DBS_C_TEXT_NN(I, summary),    DBS_C_TEXT_NN(I, body_html),  DBS_C_TEXT_NN(I, link),	   DBS_C_TEXT_NN(I, located),
	DBS_C_TEXT_NN(I, credit),     DBS_C_TEXT_NN(I, subjects),   DBS_C_TEXT_NN(I, pubstatus),   DBS_C_INT(I, urgency),
	DBS_C_I64(I, first_created), DBS_C_I64(I, version_created), DBS_C_I64(I, embargoed),	   DBS_C_I64(I, received_at),
	DBS_C_I64(I, updated_at),     DBS_C_I64(I, uses)};
static const struct dbs_map item_map = DBS_MAP(I, item_cols, NULL);
#undef I

#define ITEM_COLS                                                                                             \
	"i.id, i.source_id, s.name, i.guid, i.version, i.lang, i.headline, i.byline, i.summary, i.body_html, "   \
	"i.link, i.located, i.credit, i.subjects, i.pubstatus, i.urgency, i.first_created, i.version_created, " \
	"i.embargoed, i.received_at, i.updated_at, (SELECT count(*) FROM wire_uses u WHERE u.item_id = i.id) " \
	"FROM wire_items i JOIN wire_sources s ON s.id = i.source_id "

/* search_text: the folded words of an item's headline, summary, byline, dateline, credit, subjects and body
 * (its HTML tags left out), one text in the arena, as the desk's search reads it. */
static const char *search_text(struct arena *a, const struct db_wire_item *it)
{
	struct buf b = BUF_INIT;
	const char *parts[] = {it->headline, it->summary, it->byline, it->located, it->credit, it->subjects};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		buf_append(&b, parts[i] ? parts[i] : "", parts[i] ? strlen(parts[i]) : 0);
		buf_putc(&b, '\n');
	}
	int in_tag = 0;
	for (const char *p = it->body_html ? it->body_html : ""; *p; p++) {
		if (*p == '<' || *p == '>') { /* a tag's name and attributes are not the item's words */
			in_tag = *p == '<';
			buf_putc(&b, ' ');
		} else if (!in_tag) {
			buf_putc(&b, *p);
		}
	}
	const char *key = glossary_key(a, buf_cstr(&b));
	buf_free(&b);
	return arena_printf(a, " %s ", key);
}

static const char sql_item_update[] =
	"UPDATE wire_items SET version = ?3, lang = ?4, headline = ?5, byline = ?6, summary = ?7, body_html = ?8, "
	"link = ?9, located = ?10, credit = ?11, subjects = ?12, pubstatus = ?13, urgency = ?14, first_created = ?15, "
	"version_created = ?16, embargoed = ?17, updated_at = ?18, search = ?19 "
	"WHERE source_id = ?1 AND guid = ?2 AND version < ?3";
static const char sql_item_insert[] =
	"INSERT INTO wire_items(source_id, guid, version, lang, headline, byline, summary, body_html, link, located, "
	"credit, subjects, pubstatus, urgency, first_created, version_created, embargoed, updated_at, search, received_at) "
	"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?18) "
	"ON CONFLICT (source_id, guid) DO NOTHING RETURNING id";
static const char sql_item_id[] = "SELECT id FROM wire_items WHERE source_id = ?1 AND guid = ?2";

/* db_wire_item_put: inserts, updates to a higher version or ignores an item (see db.h). DB_OK or DB_ERROR. */
int db_wire_item_put(struct db *db, const struct db_wire_item *it, int64_t now, int64_t *id,
		     enum db_wire_outcome *outcome)
{
	struct arena a = ARENA_INIT;
	const char *ps = it->pubstatus && *it->pubstatus ? it->pubstatus : "usable";
	struct dbs_args args = DBS_ARGS(
		DBS_INT(it->source_id), DBS_TEXT(it->guid), DBS_INT(it->version), DBS_TEXT(dbs_or_empty(it->lang)),
		DBS_TEXT(dbs_or_empty(it->headline)), DBS_TEXT(dbs_or_empty(it->byline)), DBS_TEXT(dbs_or_empty(it->summary)),
		DBS_TEXT(dbs_or_empty(it->body_html)), DBS_TEXT(dbs_or_empty(it->link)), DBS_TEXT(dbs_or_empty(it->located)),
		DBS_TEXT(dbs_or_empty(it->credit)), DBS_TEXT(dbs_or_empty(it->subjects)), DBS_TEXT(ps), DBS_INT(it->urgency),
		DBS_INT(it->first_created), DBS_INT(it->version_created), DBS_INT(it->embargoed), DBS_INT(now),
		DBS_TEXT(search_text(&a, it)));
	long changed = 0;
	int rc = dbs_run_changes(db, sql_item_update, args, &changed);
	if (rc == DB_OK && changed) {
		*outcome = DB_WIRE_UPDATED;
	} else if (rc == DB_OK) {
		rc = dbs_insert(db, sql_item_insert, args, id);
		*outcome = rc == DB_NOTFOUND ? DB_WIRE_IGNORED : DB_WIRE_NEW;
		if (rc == DB_NOTFOUND)
			rc = DB_OK;
	}
	arena_free(&a);
	if (rc == DB_OK && *outcome != DB_WIRE_NEW)
		rc = dbs_one_int(db, sql_item_id, DBS_ARGS(DBS_INT(it->source_id), DBS_TEXT(it->guid)), id);
	return rc == DB_NOTFOUND ? DB_ERROR : rc;
}

static const char sql_items_sqlite[] =
	"SELECT " ITEM_COLS "WHERE (?1 = '' OR instr(i.search, ?1) > 0) AND (?2 = 0 OR i.source_id = ?2) "
	"AND (?3 = '' OR i.lang = ?3) AND i.received_at >= ?4 AND (?5 = 0 OR i.received_at < ?5) "
	"ORDER BY i.received_at DESC, i.id DESC LIMIT ?6 OFFSET ?7";
static const char sql_items_pg[] =
	"SELECT " ITEM_COLS "WHERE (CAST(?1 AS TEXT) = '' OR strpos(i.search, ?1) > 0) "
	"AND (CAST(?2 AS BIGINT) = 0 OR i.source_id = ?2) AND (CAST(?3 AS TEXT) = '' OR i.lang = ?3) "
	"AND i.received_at >= ?4 AND (CAST(?5 AS BIGINT) = 0 OR i.received_at < ?5) "
	"ORDER BY i.received_at DESC, i.id DESC LIMIT ?6 OFFSET ?7";

/* db_wire_items_list: the desk's items for wq, newest first (see db.h). DB_OK or DB_ERROR. */
int db_wire_items_list(struct db *db, struct arena *a, const struct db_wire_query *wq, struct db_wire_item **out,
		       size_t *n)
{
	const char *key = wq->q ? glossary_key(a, wq->q) : "";
	return dbs_list(db, a, DBS_SQL(db, sql_items_sqlite, sql_items_pg),
			DBS_ARGS(DBS_TEXT(key), DBS_INT(wq->source_id), DBS_TEXT(dbs_or_empty(wq->lang)), DBS_INT(wq->since),
				 DBS_INT(wq->until), DBS_INT(wq->limit), DBS_INT(wq->offset)),
			&item_map, out, n);
}

static const char sql_item_get[] = "SELECT " ITEM_COLS "WHERE i.id = ?1";

/* db_wire_item_get: one item (see db.h). DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_wire_item_get(struct db *db, struct arena *a, int64_t id, struct db_wire_item *out)
{
	return dbs_one(db, a, sql_item_get, DBS_ARGS(DBS_INT(id)), &item_map, out);
}

/* ---- uses ---- */

#define U struct db_wire_use
static const struct dbs_col use_cols[] = {DBS_C_I64(U, article_id),   DBS_C_I64(U, item_id),	DBS_C_I64(U, version),
					  DBS_C_I64(U, item_version), DBS_C_I64(U, embargoed), DBS_C_TEXT_NN(U, pubstatus),
					  DBS_C_TEXT_NN(U, headline)};
static const struct dbs_map use_map = DBS_MAP(U, use_cols, NULL);
#undef U

static const char sql_use_put[] = "INSERT INTO wire_uses(article_id, item_id, version, created_at) VALUES(?1, ?2, ?3, ?4)";
static const char sql_use_of_article[] =
	"SELECT u.article_id, u.item_id, u.version, i.version, i.embargoed, i.pubstatus, i.headline "
	"FROM wire_uses u JOIN wire_items i ON i.id = u.item_id WHERE u.article_id = ?1";
static const char sql_use_of_item[] = "SELECT article_id FROM wire_uses WHERE item_id = ?1 "
				      "ORDER BY created_at DESC, article_id DESC LIMIT 1";

/* db_wire_use_put: links an article to the item version it was made from (see db.h). DB_OK, DB_CONFLICT or
 * DB_ERROR. */
int db_wire_use_put(struct db *db, int64_t article_id, int64_t item_id, int64_t version, int64_t now)
{
	return dbs_run(db, sql_use_put, DBS_ARGS(DBS_INT(article_id), DBS_INT(item_id), DBS_INT(version), DBS_INT(now)));
}

/* db_wire_use_of_article: the item an article was made from (see db.h). DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_wire_use_of_article(struct db *db, struct arena *a, int64_t article_id, struct db_wire_use *out)
{
	return dbs_one(db, a, sql_use_of_article, DBS_ARGS(DBS_INT(article_id)), &use_map, out);
}

/* db_wire_use_of_item: the newest article made from an item (see db.h). DB_OK, DB_NOTFOUND or DB_ERROR. */
int db_wire_use_of_item(struct db *db, int64_t item_id, int64_t *article_id)
{
	return dbs_one_int(db, sql_use_of_item, DBS_ARGS(DBS_INT(item_id)), article_id);
}
