/* page_nltrack.c - the newsletters' open and click counts (issue 22; newsletter_track.h): the 1x1 image a
 * subscriber's mail loads and the story links' redirect. Both are cheap: the token is checked without the
 * store, at most one UPDATE counts (and only while the site's newsletter.tracking setting is on), no page
 * is rendered for a valid token. A valid token always answers: the image even when the store is busy (the
 * count is best-effort), the redirect to the story, or to the site's front door when the story cannot be
 * read. A forged or altered token gets the newsletters' readable 404 page; a token names its own story, so
 * the redirect can never lead off the site. */
#include <string.h>

#include "app.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "newsletter.h"
#include "newsletter_link.h"
#include "newsletter_track.h"
#include "pages.h"
#include "render.h"
#include "route.h"
#include "util.h"

/* a transparent 1x1 GIF (43 bytes) */
static const unsigned char nl_gif[] = {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00,
				       0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00,
				       0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02,
				       0x44, 0x01, 0x00, 0x3b};

/* track_token: the path's token (parameter name, without suffix when given) checked for purpose; 0 with
 * *row and *target set, or -1. */
static int track_token(struct http_request *req, const char *name, const char *suffix, const char *purpose,
		       int64_t *row, int64_t *target)
{
	char tok[NL_LINK_LEN + 8];
	if (route_param(&req->route, name, tok, sizeof tok) < 0)
		return -1;
	size_t len = strlen(tok), sl = suffix ? strlen(suffix) : 0;
	if (len < sl || (sl && strcmp(tok + len - sl, suffix) != 0))
		return -1;
	tok[len - sl] = '\0';
	return nl_track_check(req->app->secret, purpose, tok, row, target);
}

/* track_count: counts queue row's first open or click when the site counts; store errors are logged and
 * otherwise ignored (the reply never waits on them). */
static void track_count(struct http_request *req, int64_t row, int click)
{
	int counted = 0;
	if (nl_track_enabled(req->app, req->arena) &&
	    db_nl_track(req->app->db, row, click, util_now(), &counted) != DB_OK)
		log_info("newsletter: the %s of queue row %lld was not counted", click ? "click" : "open", (long long)row);
}

/* no_trace: the headers of a tracking reply: never cached anywhere, never sending its address on. */
static void no_trace(struct http_response *res)
{
	http_set_header(res, "Cache-Control", "no-store, private");
	http_set_header(res, "Referrer-Policy", "no-referrer");
	res->no_etag = 1;
}

/* WEBPAGE: GET /newsletter/o/{file}
 * Parameters: file (a signed "open" token of one queue row, then ".gif", in the path)
 * Permission: anyone (the mail's image; the signed token is the authority)
 * A transparent 1x1 GIF; counts the recipient's first open of the issue when the site counts opens and
 *   clicks (newsletter.tracking), best-effort. 404 (the newsletters' readable page) for a token that does
 *   not check out. */
int nl_open_page(struct http_request *req, struct http_response *res)
{
	int64_t row, target;
	if (track_token(req, "file", ".gif", "open", &row, &target) != 0)
		return nl_link_refused(req, res);
	track_count(req, row, 0);
	buf_append(&res->body, nl_gif, sizeof nl_gif);
	res->content_type = "image/gif";
	no_trace(res);
	return 200;
}

/* WEBPAGE: GET /newsletter/c/{token}
 * Parameters: token (a signed "click" token naming one queue row and one story, in the path)
 * Permission: anyone (a link in the mail; the signed token is the authority)
 * 302 to the story the token names (to the site's front page when the story is gone or cannot be read
 *   now: never another site); counts the recipient's first click (and open) when the site counts opens
 *   and clicks, best-effort. 404 (the newsletters' readable page) for a token that does not check out. */
int nl_click_page(struct http_request *req, struct http_response *res)
{
	int64_t row, article;
	if (track_token(req, "token", NULL, "click", &row, &article) != 0)
		return nl_link_refused(req, res);
	struct db_article art;
	const char *to = "/";
	if (db_article_get_id(req->app->db, req->arena, article, &art) == DB_OK && strcmp(art.status, "published") == 0)
		to = render_article_href(req->arena, &art);
	track_count(req, row, 1);
	http_set_header(res, "Location", arena_printf(req->arena, "%s%s", req->app->cfg.base_url, to));
	no_trace(res);
	return 302;
}
