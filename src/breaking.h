/* breaking.h - the breaking-news banner (issue 21): one line per edition, raised in the newsroom
 * (/admin/breaking, page_breaking.c) with an expiry, shown at the top of every reader page of that
 * edition (render_frame, templates/breaking.html) until it is taken down or expires. Every page of the
 * edition records cache_key_breaking(edition), so raising, taking down and expiry (the scheduler wakes at
 * expires_at) purge them; a render never shows a banner past its expiry, and a cached page carrying one
 * is served no longer than until its expiry (cache_serve_until). The static export does not show it: a
 * banner is live news, and an exported file would keep it after it ends. */
#ifndef BROADSHEET_BREAKING_H
#define BROADSHEET_BREAKING_H
#include <stdint.h>

#include "db.h"

struct app;
struct http_request;
struct view;

#define BREAKING_TEXT_MAX 160              /* characters of the line (code points) */
#define BREAKING_URL_MAX 500               /* bytes of a link to an address of the site */
#define BREAKING_MINUTES_DEFAULT 60        /* the expiry the form offers */
#define BREAKING_MINUTES_MAX (48 * 60)     /* the latest expiry: two days */

/* What the raise form sends, as typed (NULL or "" for a field left empty). */
struct breaking_form {
	const char *edition, *text, *article, *url, *minutes;
};

/* breaking_label: the banner's name in the edition's language ("Breaking news", "عاجل"). Static. */
const char *breaking_label(const char *edition);

/* breaking_view: fills the frame's banner fields of v (has_breaking, breaking_label, breaking_text,
 * has_breaking_href, breaking_href) for a reader page of edition: the banner up and not expired at now,
 * or none. Records the page's dependency on cache_key_breaking(edition) (and on the linked article) and
 * bounds the cached page's life by the banner's expiry. A store error shows no banner (logged). */
void breaking_view(struct http_request *req, struct view *v, const char *edition);

/* breaking_href: where b links, in the request's arena: its article's address when the article is
 * published in b's edition (the page then depends on it), its stored address, or NULL for neither. */
const char *breaking_href(struct http_request *req, const struct db_breaking *b);

/* breaking_check: checks the raise form f and fills b (edition, trimmed text, link, created_by,
 * created_at now, expires_at) from it. NULL when it is acceptable; else a sentence in the newsroom's
 * language (in the arena) and *field the form field at fault ("edition", "text", "article", "url",
 * "minutes"). Reads the linked article (an unknown one, another edition's or one not published is
 * refused); a URL must be an address of this site (a path, or the site's base_url followed by one).
 * A store error returns "" with *field NULL (the caller answers 500). */
const char *breaking_check(struct http_request *req, const struct breaking_form *f, struct db_breaking *b,
			   const char **field);

/* breaking_raise: raises b (breaking_check'ed) in place of the edition's banner up, with its audit entry
 * and the purge of the edition's pages noted on req; wakes the scheduler so it ends it at its expiry.
 * *id gets its id. Returns DB_OK or DB_ERROR. This is the one place a banner is raised: a later "send an
 * alert too" (Web Push) starts from its id. */
int breaking_raise(struct http_request *req, const struct db_breaking *b, int64_t *id);

/* breaking_take_down: ends edition's banner now, with its audit entry and purge; *id gets its id.
 * DB_OK, DB_NOTFOUND (none is up) or DB_ERROR. */
int breaking_take_down(struct http_request *req, const char *edition, int64_t *id);

/* breaking_expire: for the scheduler: ends the banners past their expiry at now, purges their editions'
 * pages and audits each ("breaking.expired", as "system"). Returns how many ended, or -1 (logged). */
int breaking_expire(struct app *app, int64_t now);

#endif
