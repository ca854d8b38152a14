/* render.h - the page templates, their schemas, and the page frame every reader page shares
 * (masthead, section menu, latest-news list, footer). Templates are compiled once at start-up from the
 * files built into the binary; render_load fails if any template does not compile. */
#ifndef BROADSHEET_RENDER_H
#define BROADSHEET_RENDER_H
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "blocks.h"
#include "db.h"
#include "catalog.h"
#include "tmpl.h"

struct http_request;
struct http_response;

enum render_page {
	RENDER_FRONT,
	RENDER_ARTICLE,
	RENDER_LIST,
	RENDER_ERROR,
	RENDER_SEARCH,
	RENDER_LIVE_UPDATE, /* one entry of a live blog (page_liveblog.c, issue 21) */
	RENDER_NEWSLETTER,  /* the newsletters' reader pages (page_subscribe.c, issue 22) */
	/* the newsroom */
	RENDER_LOGIN,
	RENDER_DASHBOARD,
	RENDER_PASSWORD,
	RENDER_USERS,
	RENDER_SETTINGS,
	RENDER_EDITOR,
	RENDER_HISTORY,
	RENDER_MEDIA,
	RENDER_COMMENTS,
	RENDER_COMMENT_EDIT,
	RENDER_COMMENT_LOG,
	RENDER_API_KEYS,
	RENDER_WEBHOOKS,
	RENDER_WEBHOOK_LOG,
	RENDER_ADMIN_SEARCH,
	RENDER_LANGUAGE,
	RENDER_TRANSLATIONS,
	RENDER_GLOSSARY,
	RENDER_AUDIT,
	RENDER_SESSIONS,
	RENDER_PASSKEYS,
	RENDER_ADMIN_ERROR,
	RENDER_ACCOUNT,       /* the account's own page (issue 20) */
	RENDER_MFA_ENROL,     /* TOTP enrolment: QR code, secret, first code */
	RENDER_MFA_RECOVERY,  /* the recovery codes, shown once */
	RENDER_SECOND_FACTOR, /* the log-in's second step */
	RENDER_LIVE_DESK,     /* the live desk of an article (issue 21, page_live.c) */
	RENDER_LIVE_ENTRY,    /* editing, correcting or translating one live entry */
	RENDER_BREAKING,      /* the breaking-news banner's page (issue 21) */
	RENDER_PUSH,          /* alerts to readers' devices (issue 21) */
	RENDER_NEWSLETTERS,   /* the newsletters' issues and digest hours (issue 22, page_newsletter.c) */
	RENDER_NEWSLETTER_EDIT, /* writing, previewing and sending one issue */
	RENDER_WIRES,       /* the Wires desk (page_wires.c) */
	RENDER_WIRE_ITEM,   /* one wire item and its "Use" */
	RENDER_WIRE_SOURCES, /* the wire sources (page_wire_sources.c) */
	RENDER_NEWSLETTER_SENDERS, /* each list's sender (page_newsletter_senders.c) */
	RENDER_NPAGES
};

struct render;

/* render_load: reads the newsroom's catalogues (catalog_init) and compiles every page template in each
 * newsroom language. Returns the set (free with render_free, which frees the catalogues too) or NULL
 * with the catalogue's or the compiler's message in err. One set at a time. */
struct render *render_load(char *err, size_t errlen);
void render_free(struct render *r);

/* render_edition: "en" or "ar" when s names an edition, else NULL. */
const char *render_edition(const char *s);

/* render_frame: a view for page kind with the frame filled for edition: language and direction,
 * masthead, menu (current = section slug or NULL), the edition's feeds, latest news, footer, interface strings.
 * title is the page's own title (NULL for the front page). Reads the store; on a store error the
 * lists are left empty so an error page can still be shown. Returns the view (in the request arena). */
struct view *render_frame(struct http_request *req, enum render_page kind, const char *edition, const char *title,
			  const char *current_section);

/* render_most_read: fills the frame's Most read list (front and article pages) from the edition's
 * current ranking (views.h), leaving out articles taken down since it was made; the list is hidden when
 * empty. Returns 0, or -1 on a store error. */
int render_most_read(struct http_request *req, struct view *v, const char *edition);

/* render_jsonld: puts a JSON-LD block (text from jsonld_script_text; NULL = none) in the page's head. */
void render_jsonld(struct view *v, const char *script_text);
/* render_alternate: adds a <link rel="alternate" hreflang> (absolute href) to the page's head. */
void render_alternate(struct view *v, const char *hreflang, const char *href);

/* render_time_input: t as the newsroom's time fields show it ("2026-12-01 08:00:00", UTC) in the arena; ""
 * for 0. */
const char *render_time_input(struct arena *a, int64_t t);

/* render_reply: renders v as page kind into res's body and returns status; when rendering fails the body
 * is emptied and 500 returned (the error page follows). */
int render_reply(struct http_request *req, struct http_response *res, enum render_page kind, const struct view *v,
		 int status);

/* render_admin_frame: a view for a newsroom page: its language and direction (render_newsroom_lang),
 * title, the user (if any), CSRF token, notice and error lines (NULL = none). title, notice and error are
 * shown translated when the catalogue has them (mark them N_ where they are written). */
struct view *render_admin_frame(struct http_request *req, enum render_page kind, const char *title,
				const char *notice, const char *error);

/* render_setting: the site setting key.edition, else key, else fallback (empty values count as unset).
 * Reads the store; the result lives in the request arena (or is fallback). */
const char *render_setting(struct http_request *req, const char *key, const char *edition, const char *fallback);

/* render_feed_title: "name | site name", the form page titles take, or the site name alone when name is
 * NULL (the edition's own feed). In the arena. */
const char *render_feed_title(struct http_request *req, const char *edition, const char *name);

/* render_feed_links: adds the RSS and Atom feeds at base + "/rss.xml" and "/atom.xml" ("/en" or
 * "/en/section/world": a root-relative path, already escaped for a URL) to v's "feeds" list, titled
 * "title (RSS)" and "title (Atom)". render_frame adds the edition's; list pages add their own. */
void render_feed_links(struct http_request *req, struct view *v, const char *title, const char *base);

/* render_image_file: the file readers are given for art's lead image, relative to the media directory
 * (an upload's largest JPEG rendition, lighter than the full-size original; else the stored file), with
 * its size in *width and *height; NULL when the article has no lead image. In the arena. */
const char *render_image_file(struct arena *a, const struct db_article *art, int *width, int *height);

/* render_image: fills image, image_src, image_alt, image_w, image_h, has_srcset, image_webp and image_jpg
 * from art's lead image (uploads get WebP and JPEG srcsets of their renditions). */
void render_image(struct arena *a, struct view *v, const struct db_article *art);

/* render_body_html: the reader HTML of an article body md (blocks_html; see src/blocks.h) with its typed
 * blocks' images looked up in db's media library (an image no longer there is left out). edition picks
 * the words the renderer adds. In the arena; "" when rendering fails. */
const char *render_body_html(struct db *db, struct arena *a, const char *md, const char *edition);
/* render_body_check: NULL when body md may be saved (blocks_validate against db's media library), else a
 * sentence naming what is wrong and where, in newsroom language lang, in the arena (a database failure is
 * named as such). */
const char *render_body_check(struct db *db, struct arena *a, const char *md, enum catalog_lang lang);

/* render_mail_html / render_mail_check: render_body_html and render_body_check for text that goes into an
 * e-mail (a newsletter's introduction: blocks_mail_html with base, the site's address, and
 * blocks_mail_validate against db's media library). */
const char *render_mail_html(struct db *db, struct arena *a, const char *md, const char *edition, const char *base);
const char *render_mail_check(struct db *db, struct arena *a, const char *md, enum catalog_lang lang);

/* render_body_galleries: blocks_galleries of md with images from db's media library (see render_body_html).
 * Returns their number, *out in the arena. */
size_t render_body_galleries(struct db *db, struct arena *a, const char *md, struct blocks_gallery **out);

/* render_image_src: the address readers get for art's lead image ("/media/..."; the largest JPEG rendition
 * of an upload), in the arena; NULL when it has none. */
const char *render_image_src(struct arena *a, const struct db_article *art);
/* render_image_social: the 1200x630 crop of art's lead image around its focal point (media.h, "Crops"),
 * relative to the media directory, with its size in *width and *height, when art's lead image is an
 * upload whose crop exists under media_dir; else NULL (an SVG, an upload stored before crops were made).
 * In the arena. */
const char *render_image_social(struct arena *a, const char *media_dir, const struct db_article *art, int *width,
				int *height);
/* render_site_name: the edition's site name setting. */
const char *render_site_name(struct http_request *req, const char *edition);
/* render_logo_url: the absolute address of the site's logo (its icon). */
const char *render_logo_url(struct http_request *req);

/* render_count_label: "1 comment", "3 comments" or the Arabic with its number agreement, in the arena. */
const char *render_count_label(struct arena *a, int64_t n, const char *edition);

/* render_story: fills a story view (headline, href, standfirst, stamps, section, image) from art. */
void render_story(struct http_request *req, struct view *v, const struct db_article *art);

/* render_article_href: the article's path, "/en/2026/11/25/slug" (slug percent-encoded), in the arena. */
const char *render_article_href(struct arena *a, const struct db_article *art);
/* render_href: "/{edition}/{kind}/{slug}" with the slug percent-encoded, in the arena. */
const char *render_href(struct arena *a, const char *edition, const char *kind, const char *slug);
/* render_stamp: the site stamp for t in the edition's language, in the arena. */
const char *render_stamp(struct arena *a, int64_t t, const char *edition);
/* render_iso: RFC 3339 time, in the arena. */
const char *render_iso(struct arena *a, int64_t t);

/* render_page: renders kind with v into out (its {{_ words}} in English). Returns 0, or -1 (logged) if a
 * variable was not set. render_page_lang: the same in newsroom language lang. */
int render_page(const struct render *r, enum render_page kind, const struct view *v, struct buf *out);
int render_page_lang(const struct render *r, enum render_page kind, enum catalog_lang lang, const struct view *v,
		     struct buf *out);

/* render_newsroom_lang: the language the newsroom speaks to req: the one its person chose (users.lang),
 * else the first supported one the browser asks for (Accept-Language), else the site's newsroom_lang
 * setting, else English; English always under /api/ (its messages are for programs). Worked out once a
 * request and kept in req (again when req->session changes). */
enum catalog_lang render_newsroom_lang(struct http_request *req);

/* render_schema: the schema of a page kind (for view_new in tests). */
const struct tmpl_field *render_schema(enum render_page kind);
/* render_template_file: the template of a page kind ("templates/front.html"). */
const char *render_template_file(enum render_page kind);

#endif
