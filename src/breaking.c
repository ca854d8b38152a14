/* breaking.c - the breaking-news banner: its checks, its raising and taking down, its place in every
 * reader page, and its expiry (see breaking.h). */
#include "breaking.h"

#include <string.h>

#include "app.h"
#include "audit.h"
#include "cache.h"
#include "cache_keys.h"
#include "catalog.h"
#include "escape.h"
#include "http.h"
#include "log.h"
#include "render.h"
#include "scheduler.h"
#include "util.h"

#define BREAKING_EXPIRE_IDS 16 /* banners ended by one scheduler round that are purged one by one */

const char *breaking_label(const char *edition)
{
	return edition && strcmp(edition, "ar") == 0 ? "عاجل" : "Breaking news";
}

/* published_in: reads article id into art; 1 when it is published in edition, 0 when not (or missing), -1
 * on a store error. */
static int published_in(struct http_request *req, int64_t id, const char *edition, struct db_article *art)
{
	int rc = db_article_get_id(req->app->db, req->arena, id, art);
	if (rc == DB_NOTFOUND)
		return 0;
	if (rc != DB_OK)
		return -1;
	return strcmp(art->status, "published") == 0 && strcmp(art->edition, edition) == 0;
}

const char *breaking_href(struct http_request *req, const struct db_breaking *b)
{
	if (b->link_article_id > 0) {
		struct db_article art;
		cache_depend(req, cache_key_article(b->link_article_id)); /* unpublished since: the link goes */
		return published_in(req, b->link_article_id, b->edition, &art) == 1 ? render_article_href(req->arena, &art)
										   : NULL;
	}
	return b->link_url && *b->link_url ? b->link_url : NULL;
}

void breaking_view(struct http_request *req, struct view *v, const char *edition)
{
	view_bool(v, "has_breaking", 0);
	view_bool(v, "has_breaking_href", 0);
	view_text(v, "breaking_label", breaking_label(edition));
	view_text(v, "breaking_text", "");
	view_text(v, "breaking_href", "");
	if (req->static_copy) /* an exported file would keep the banner after it ends */
		return;
	cache_depend(req, cache_key_breaking(edition));
	struct db_breaking b;
	int rc = db_breaking_current(req->app->db, req->arena, edition, util_now(), &b);
	if (rc != DB_OK) {
		if (rc != DB_NOTFOUND)
			log_error("breaking: the banner of %s could not be read; the page shows none", edition);
		return;
	}
	cache_serve_until(req, b.expires_at); /* even if a purge were missed, the copy dies with the banner */
	const char *href = breaking_href(req, &b);
	view_bool(v, "has_breaking", 1);
	view_text(v, "breaking_text", b.text);
	view_bool(v, "has_breaking_href", href != NULL);
	view_text(v, "breaking_href", href ? href : "");
}

/* text_problem: why the banner's line t (trimmed) is refused, or NULL (a sentence in lang, arena). */
static const char *text_problem(struct http_request *req, const char *t, enum catalog_lang lang)
{
	if (!*t)
		return catalog_tr(lang, "Write the banner's line.");
	if (!utf8_valid(t, strlen(t)))
		return catalog_tr(lang, "The banner's line is not valid text.");
	for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return catalog_tr(lang, "The banner's line is one line of text: no line breaks or tabs.");
		if (*p == '<' || *p == '>')
			return catalog_tr(lang, "The banner's line is plain text: leave out < and > (no markup).");
	}
	size_t over = util_chars_over(t, BREAKING_TEXT_MAX);
	if (over)
		return arena_printf(req->arena, catalog_tr(lang, "The banner's line is too long: %zu characters, and at most %d are allowed."),
				    over, BREAKING_TEXT_MAX);
	return NULL;
}

/* minutes_problem: parses the expiry in minutes m ("" for the default) into *minutes; why it is refused,
 * or NULL (a sentence in lang, arena). */
static const char *minutes_problem(struct http_request *req, const char *m, int64_t *minutes, enum catalog_lang lang)
{
	*minutes = BREAKING_MINUTES_DEFAULT;
	if (!*m)
		return NULL;
	int neg = m[0] == '-';
	if (util_parse_i64(m, minutes) != 0 || strlen(m) > 12)
		return neg ? catalog_tr(lang, "The expiry is in the past: give the minutes from now until the banner comes down, at least 1.")
			   : catalog_tr(lang, "Give the expiry as a whole number of minutes from now.");
	if (*minutes <= 0)
		return catalog_tr(lang, "The expiry is in the past: give the minutes from now until the banner comes down, at least 1.");
	if (*minutes > BREAKING_MINUTES_MAX)
		return arena_printf(req->arena, catalog_tr(lang, "The expiry is too far away: at most %d minutes (48 hours)."),
				    BREAKING_MINUTES_MAX);
	return NULL;
}

/* article_problem: the article number typed (a, "12" or "#12") as the banner's link into b; why it is
 * refused, or NULL (a sentence in lang, arena). *failed is set on a store error. */
static const char *article_problem(struct http_request *req, const char *s, struct db_breaking *b, enum catalog_lang lang,
				   int *failed)
{
	int64_t id = 0;
	if (*s == '#')
		s++;
	if (util_parse_i64(s, &id) != 0 || id <= 0)
		return catalog_tr(lang, "Choose the story with the picker, or give its number.");
	struct db_article art;
	int ok = published_in(req, id, b->edition, &art);
	if (ok < 0) {
		*failed = 1;
		return "";
	}
	if (ok == 1) {
		b->link_article_id = id;
		return NULL;
	}
	if (db_article_get_id(req->app->db, req->arena, id, &art) != DB_OK)
		return arena_printf(req->arena, catalog_tr(lang, "There is no article number %lld."), (long long)id);
	if (strcmp(art.edition, b->edition) != 0)
		return arena_printf(req->arena, catalog_tr(lang, "Article %lld is in the other edition: link a story of this edition."),
				    (long long)id);
	return arena_printf(req->arena, catalog_tr(lang, "Article %lld is not published: readers could not open it."), (long long)id);
}

/* url_problem: the address typed u as the banner's link into b (a path of this site; the site's own
 * base_url is taken off); why it is refused, or NULL (a sentence in lang, arena). */
static const char *url_problem(struct http_request *req, const char *u, struct db_breaking *b, enum catalog_lang lang)
{
	const char *base = req->app->cfg.base_url;
	size_t nb = strlen(base);
	if (nb && strncmp(u, base, nb) == 0 && u[nb] == '/')
		u += nb;
	int ok = u[0] == '/' && u[1] != '/' && u[1] != '\\' && strlen(u) <= BREAKING_URL_MAX && utf8_valid(u, strlen(u));
	for (const unsigned char *p = (const unsigned char *)u; ok && *p; p++)
		if (*p <= 0x20 || *p == 0x7f || strchr("\"'<>\\`", *p))
			ok = 0;
	if (!ok)
		return arena_printf(req->arena, catalog_tr(lang, "Link an address on this site: a path such as /en/section/world, or %s followed by one."),
				    *base ? base : "https://example.com");
	b->link_url = arena_strdup(req->arena, u);
	return NULL;
}

const char *breaking_check(struct http_request *req, const struct breaking_form *f, struct db_breaking *b,
			   const char **field)
{
	enum catalog_lang lang = render_newsroom_lang(req);
	memset(b, 0, sizeof *b);
	const char *why = NULL;
	*field = "edition";
	if (!f->edition || (strcmp(f->edition, "en") != 0 && strcmp(f->edition, "ar") != 0))
		return catalog_tr(lang, "Choose the edition: en or ar.");
	b->edition = f->edition;
	b->text = util_trim(req->arena, f->text);
	*field = "text";
	if ((why = text_problem(req, b->text, lang)))
		return why;
	const char *art = util_trim(req->arena, f->article), *url = util_trim(req->arena, f->url);
	*field = "article";
	if (!*art && !*url)
		return catalog_tr(lang, "Choose the story or live blog the banner links, or give an address on this site.");
	if (*art && *url)
		return catalog_tr(lang, "Link either a story or an address, not both.");
	int failed = 0;
	if (*art && (why = article_problem(req, art, b, lang, &failed))) {
		if (failed)
			*field = NULL;
		return why;
	}
	*field = "url";
	if (*url && (why = url_problem(req, url, b, lang)))
		return why;
	int64_t minutes;
	*field = "minutes";
	if ((why = minutes_problem(req, util_trim(req->arena, f->minutes), &minutes, lang)))
		return why;
	b->created_by = req->session ? req->session->user.id : 0;
	b->created_at = util_now();
	b->expires_at = b->created_at + minutes * 60;
	*field = NULL;
	return NULL;
}

int breaking_raise(struct http_request *req, const struct db_breaking *b, int64_t *id)
{
	int64_t replaced = 0;
	if (db_breaking_raise(req->app->db, b, id, &replaced) != DB_OK)
		return DB_ERROR;
	struct arena *a = req->arena;
	const char *link = b->link_article_id ? audit_target(a, "article", b->link_article_id) : b->link_url;
	audit_record(req, "breaking.raised", audit_target(a, "breaking", *id),
		     arena_printf(a, "%s, until %s, to %s: %s", b->edition, render_time_input(a, b->expires_at), link, b->text));
	if (replaced)
		audit_record(req, "breaking.ended", audit_target(a, "breaking", replaced), "replaced by a new banner");
	cache_note(req, CACHE_BREAKING, *id); /* the edition's pages, once the handler returns */
	scheduler_wake(req->app);             /* to end it at its expiry */
	return DB_OK;
}

int breaking_take_down(struct http_request *req, const char *edition, int64_t *id)
{
	int rc = db_breaking_end(req->app->db, edition, util_now(), id);
	if (rc != DB_OK)
		return rc;
	audit_record(req, "breaking.ended", audit_target(req->arena, "breaking", *id), arena_printf(req->arena, "%s, taken down", edition));
	cache_note(req, CACHE_BREAKING, *id);
	scheduler_wake(req->app);
	return DB_OK;
}

int breaking_expire(struct app *app, int64_t now)
{
	int64_t ids[BREAKING_EXPIRE_IDS];
	size_t n = 0;
	if (db_breaking_expire_due(app->db, now, ids, BREAKING_EXPIRE_IDS, &n) != DB_OK) {
		log_error("scheduler: ending expired breaking banners failed");
		return -1;
	}
	if (n > BREAKING_EXPIRE_IDS) /* more than one banner per edition ever is: purge them all */
		cache_purge_all(app);
	struct arena a = ARENA_INIT;
	for (size_t i = 0; i < n && i < BREAKING_EXPIRE_IDS; i++) {
		audit_record_db(app->db, "system", "breaking.expired", audit_target(&a, "breaking", ids[i]), "at its expiry");
		cache_purge_change(app, CACHE_BREAKING, ids[i]);
	}
	arena_free(&a);
	if (n)
		log_info("scheduler: %zu breaking banner(s) ended at their expiry", n);
	return (int)n;
}
