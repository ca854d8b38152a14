/* store_newsletter_lists.c - the newsletter lists' senders (issue 22; see db.h "Newsletter senders"),
 * written once for both engines (db_stmt.h). */
#include "db_stmt.h"

#define S struct db_nl_sender
static const struct dbs_col sender_cols[] = {DBS_C_TEXT_NN(S, edition),	  DBS_C_TEXT_NN(S, list),
					     DBS_C_TEXT_NN(S, from_name), DBS_C_TEXT_NN(S, from_addr),
					     DBS_C_TEXT_NN(S, reply_to),  DBS_C_I64(S, updated_at)};
static const struct dbs_map sender_map = DBS_MAP(S, sender_cols, NULL);
#undef S

#define SENDER_COLS "edition, list, from_name, from_addr, reply_to, updated_at"

static const char sql_get[] = "SELECT " SENDER_COLS " FROM newsletter_lists WHERE edition = ?1 AND list = ?2";

int db_nl_sender_get(struct db *db, struct arena *a, const char *edition, const char *list, struct db_nl_sender *out)
{
	return dbs_one(db, a, sql_get, DBS_ARGS(DBS_TEXT(edition), DBS_TEXT(list)), &sender_map, out);
}

static const char sql_set[] =
	"INSERT INTO newsletter_lists(edition, list, from_name, from_addr, reply_to, updated_at) "
	"VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (edition, list) DO UPDATE SET from_name = excluded.from_name, "
	"from_addr = excluded.from_addr, reply_to = excluded.reply_to, updated_at = excluded.updated_at";
static const char sql_delete[] = "DELETE FROM newsletter_lists WHERE edition = ?1 AND list = ?2";

int db_nl_sender_set(struct db *db, const struct db_nl_sender *s, int64_t now)
{
	const char *name = s->from_name ? s->from_name : "", *from = s->from_addr ? s->from_addr : "",
		   *reply = s->reply_to ? s->reply_to : "";
	if (!*name && !*from && !*reply)
		return dbs_run(db, sql_delete, DBS_ARGS(DBS_TEXT(s->edition), DBS_TEXT(s->list)));
	return dbs_run(db, sql_set,
		       DBS_ARGS(DBS_TEXT(s->edition), DBS_TEXT(s->list), DBS_TEXT(name), DBS_TEXT(from), DBS_TEXT(reply),
				DBS_INT(now)));
}

static const char sql_list[] = "SELECT " SENDER_COLS " FROM newsletter_lists WHERE edition = ?1 ORDER BY list";

int db_nl_senders_list(struct db *db, struct arena *a, const char *edition, struct db_nl_sender **out, size_t *n)
{
	return dbs_list(db, a, sql_list, DBS_ARGS(DBS_TEXT(edition)), &sender_map, out, n);
}
