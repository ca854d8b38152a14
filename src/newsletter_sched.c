/* newsletter_sched.c - see newsletter_sched.h. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "catalog.h"
#include "datefmt.h"
#include "db.h"
#include "log.h"
#include "mailq.h"
#include "newsletter_sched.h"

#define NL_DIGEST_STORIES 8
#define NL_DUE_BATCH 16

static const char *const editions[] = {"en", "ar"};

int newsletter_digest_minute(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

/* digest_minute: edition's digest minute from the settings, -1 when off. */
static int digest_minute(struct app *app, struct arena *a, const char *edition)
{
	const char *v = NULL;
	if (db_setting_get(app->db, a, arena_printf(a, "newsletter.digest_hour.%s", edition), &v) != DB_OK)
		return -1;
	return newsletter_digest_minute(v);
}

/* top_ids: the edition's top stories' ids in the front page's order (the newest when none is marked),
 * comma-separated in the arena ("" when the edition has no story). */
static const char *top_ids(struct app *app, struct arena *a, const char *edition)
{
	struct db_article_query q = {.edition = edition, .top_only = 1, .limit = NL_DIGEST_STORIES};
	struct db_article *arts = NULL;
	size_t n = 0;
	if (db_articles_list(app->db, a, &q, &arts, &n) != DB_OK)
		n = 0;
	if (n == 0) {
		q.top_only = 0;
		if (db_articles_list(app->db, a, &q, &arts, &n) != DB_OK)
			n = 0;
	}
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%lld", i ? "," : "", (long long)arts[i].id);
	const char *s = arena_strndup(a, buf_cstr(&b), b.len);
	buf_free(&b);
	return s;
}

int newsletter_make_digest(struct app *app, const char *edition, int64_t now, int64_t *id)
{
	struct arena a = ARENA_INIT;
	int y, m, d;
	datefmt_ymd(now, &y, &m, &d);
	enum catalog_lang l = strcmp(edition, "ar") == 0 ? CATALOG_AR : CATALOG_EN;
	const char *ids = top_ids(app, &a, edition);
	struct db_nl_issue is = {.edition = edition, .list = "digest", .kind = "digest", .state = "scheduled",
				 .send_at = now, .article_ids = ids, .digest_day = arena_printf(&a, "%04d-%02d-%02d", y, m, d),
				 .subject = arena_printf(&a, "%s: %d %s %d", catalog_tr(l, "Daily digest"), d, datefmt_month(m, edition), y),
				 .preheader = catalog_tr(l, "The day's top stories.")};
	int rc = db_nl_issue_create(app->db, &is, now, id);
	if (rc == DB_OK)
		log_info("newsletter: the %s digest of %s is issue %lld", edition, is.digest_day, (long long)*id);
	else if (rc != DB_CONFLICT)
		log_error("newsletter: making the %s digest failed", edition);
	arena_free(&a);
	return rc == DB_OK ? 0 : rc == DB_CONFLICT ? 1 : -1;
}

/* digests: makes each edition's digest whose minute has passed today; returns the next digest minute's
 * time (0 when every edition's is off). */
static int64_t digests(struct app *app, int64_t now)
{
	struct arena a = ARENA_INIT;
	int64_t next = 0, day = now - now % 86400;
	for (size_t i = 0; i < sizeof editions / sizeof *editions; i++) {
		int min = digest_minute(app, &a, editions[i]);
		if (min < 0)
			continue;
		int64_t at = day + (int64_t)min * 60, id = 0;
		if (now >= at) {
			newsletter_make_digest(app, editions[i], now, &id);
			at += 86400;
		}
		if (next == 0 || at < next)
			next = at;
	}
	arena_free(&a);
	return next;
}

int64_t newsletter_round(struct app *app, int64_t now)
{
	int64_t next = digests(app, now), ids[NL_DUE_BATCH], due = 0;
	size_t n = 0;
	if (db_nl_issues_due(app->db, now, ids, NL_DUE_BATCH, &n) != DB_OK) {
		log_error("newsletter: reading the due issues failed");
		return now + 1;
	}
	for (size_t i = 0; i < n; i++) {
		int rc = mailq_enqueue_issue(app, ids[i]);
		if (rc == DB_OK)
			log_info("newsletter: issue %lld queued at its time", (long long)ids[i]);
		else if (rc != DB_CONFLICT) /* another node took it: fine */
			log_error("newsletter: queueing issue %lld failed", (long long)ids[i]);
	}
	if (n == NL_DUE_BATCH)
		return now + 1;
	if (db_nl_next_due(app->db, &due) == DB_OK && due > 0 && (next == 0 || due < next))
		next = due;
	return next;
}
