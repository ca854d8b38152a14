/* page_pick.c - the JSON lists behind the editor's pickers (static/picker.js): articles by headline for
 * the translation field, images by alt text or caption for the lead image, found as the user types.
 * Newsroom routes (session and PERM_WRITE checked by routes.c); an article is listed only when the
 * editor's rule lets the user see it (editor_may_see), so a picker tells no more than typing a number
 * into the form does. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db.h"
#include "media.h"
#include "pages.h"
#include "util.h"

#define PICK_MAX_QUERY 200  /* characters of q looked at: a headline is shorter */
#define PICK_SHOWN 10       /* entries a picker lists */
#define PICK_CANDIDATES 100 /* matches read before the visibility filter */

/* pick_send: writes doc (taking its reference) as a JSON reply with status, never cached. */
static int pick_send(struct http_response *res, json_t *doc, int status)
{
	status = page_json_reply(res, doc, status);
	http_set_header(res, "Cache-Control", "no-store");
	return status;
}

/* pick_query: the q parameter trimmed (util_trim), or NULL (and a 400 reply in res) when it is
 * over PICK_MAX_QUERY bytes; "" when absent. */
static const char *pick_query(struct http_request *req, struct http_response *res, int *status)
{
	const char *q = util_trim(req->arena, http_param(req, "q"));
	size_t n = strlen(q);
	if (n > PICK_MAX_QUERY) {
		*status = pick_send(res, json_pack("{s:s}", "error", "The search text is too long: type a few words of the headline."), 400);
		return NULL;
	}
	return q;
}

/* WEBPAGE: GET /admin/pick/articles
 * Parameters: q (a few words of the headline, or an article number; at most PICK_MAX_QUERY bytes),
 *   edition (en, ar, or empty for both).
 * Permission: PERM_WRITE; only articles the user may see (editor_may_see, the editor's own rule).
 * The editor's pickers (lead story links, translation): JSON {"articles": [{id, headline, edition,
 * status}]}, at most PICK_SHOWN, newest first; a bad edition or an over-long q answers 400 with
 * {"error": sentence}. Not cached. */
int pick_articles_page(struct http_request *req, struct http_response *res)
{
	int status = 400;
	const char *q = pick_query(req, res, &status);
	if (!q)
		return status;
	const char *edition = http_param(req, "edition");
	if (edition && *edition && strcmp(edition, "en") != 0 && strcmp(edition, "ar") != 0)
		return pick_send(res, json_pack("{s:s}", "error", "The edition must be en or ar."), 400);
	json_t *list = json_array();
	if (*q) {
		struct db_article *arts = NULL;
		size_t n = 0;
		if (db_pick_articles(req->app->db, req->arena, q, edition, PICK_CANDIDATES, &arts, &n) != DB_OK) {
			json_decref(list);
			return 500;
		}
		for (size_t i = 0; i < n && json_array_size(list) < PICK_SHOWN; i++)
			if (editor_may_see(req, &arts[i]))
				json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)arts[i].id,
								      "headline", arts[i].headline, "edition",
								      arts[i].edition, "status", arts[i].status));
	}
	return pick_send(res, json_pack("{s:o}", "articles", list), 200);
}

/* WEBPAGE: GET /admin/pick/media
 * Parameters: q (words of the alt text or caption, or a media number; at most PICK_MAX_QUERY bytes).
 * Permission: PERM_WRITE.
 * The lead image picker: JSON {"media": [...]} of at most PICK_SHOWN images, newest first; an over-long
 * q answers 400 with {"error": sentence}. Not cached. */
int pick_media_page(struct http_request *req, struct http_response *res)
{
	int status = 400;
	const char *q = pick_query(req, res, &status);
	if (!q)
		return status;
	json_t *list = json_array();
	if (*q) {
		struct db_media *items = NULL;
		size_t n = 0;
		if (db_pick_media(req->app->db, req->arena, q, PICK_SHOWN, &items, &n) != DB_OK) {
			json_decref(list);
			return 500;
		}
		for (size_t i = 0; i < n; i++) {
			const char *thumb = items[i].path;
			if (items[i].width > media_widths[0] && strcmp(items[i].mime, "image/svg+xml") != 0) {
				const char *r = media_rendition_path(req->arena, items[i].path, media_widths[0], "webp");
				if (r)
					thumb = r;
			}
			json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)items[i].id, "alt",
							      items[i].alt, "caption", items[i].caption, "thumb",
							      arena_printf(req->arena, "/media/%s", thumb)));
		}
	}
	return pick_send(res, json_pack("{s:o}", "media", list), 200);
}
