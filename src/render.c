/* render.c - compiling the page templates and the shared page frame: dates, addresses, the frame every
 * page starts from, settings and the newsroom's language (see render.h; the schemas are render_schema.c's,
 * pictures and bodies render_media.c's). */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "blocks.h"
#include "breaking.h"
#include "cache_keys.h"
#include "catalog.h"
#include "datefmt.h"
#include "embedded.h"
#include "escape.h"
#include "http.h"
#include "i18n.h"
#include "log.h"
#include "media.h"
#include "push.h"
#include "newsletter.h"
#include "util.h"
#include "views.h"

struct render {
	struct tmpl *t[RENDER_NPAGES][CATALOG_NLANGS]; /* each page compiled in each newsroom language */
	char css_href[64];
	char icon_href[64];
};


/* Template sources come from the binary, or from $BROADSHEET_TEMPLATE_DIR when set (for designers
 * editing templates without a rebuild). Their versioned copies are kept until render_load returns. */
struct source_ctx {
	const char *dir;
	char *loaded[512]; /* every template text (versioned copy), freed after compiling */
	size_t nloaded;
};

/* version_static_urls: a copy of template text (len bytes) in which every quoted address
 * "/static/NAME" of a file built into the binary reads "/static/NAME?v=HASH", HASH the file's content
 * hash: a browser then keeps a script or style sheet for a year (static_page) yet never runs a stale
 * one after an upgrade, since a changed file has a new address. An address with a query already, or a
 * name the binary lacks, is kept as written. Returns a malloc'd NUL-terminated string (the caller
 * frees it), its length in *outlen; aborts when memory runs out. */
static char *version_static_urls(const char *text, size_t len, size_t *outlen)
{
	static const char prefix[] = "\"/static/";
	const size_t plen = sizeof prefix - 1;
	struct buf b = BUF_INIT;
	size_t i = 0;
	while (i < len) {
		const char *hit = len - i >= plen ? memmem(text + i, len - i, prefix, plen) : NULL;
		if (!hit) {
			buf_append(&b, text + i, len - i);
			break;
		}
		size_t start = (size_t)(hit - text) + 1, end = start + plen - 1; /* start: the '/' */
		while (end < len && text[end] != '"' && text[end] != '?' && text[end] != '{' && end - start < 200)
			end++;
		buf_append(&b, text + i, end - i);
		i = end;
		if (end >= len || text[end] != '"')
			continue;
		char path[256];
		snprintf(path, sizeof path, "%.*s", (int)(end - start - 1), text + start + 1); /* "static/NAME" */
		const struct embedded_file *f = embedded_find(path);
		if (f)
			buf_printf(&b, "?v=%08x", embedded_hash(f));
	}
	return buf_steal(&b, outlen);
}

/* template_source: the text of "templates/NAME.html" (name without directory or extension), its
 * /static/ addresses versioned (version_static_urls); the copy is kept in sc until render_load ends.
 * NULL when there is no such template (or sc is full). */
static const char *template_source(struct source_ctx *sc, const char *name, size_t *len)
{
	char path[512];
	if (sc->nloaded >= ARRAY_LEN(sc->loaded))
		return NULL;
	const char *text = NULL;
	char *read = NULL;
	if (sc->dir) {
		snprintf(path, sizeof path, "%s/%s.html", sc->dir, name);
		text = read = util_read_file(path, len);
	} else {
		snprintf(path, sizeof path, "templates/%s.html", name);
		const struct embedded_file *f = embedded_find(path);
		if (f) {
			text = f->data;
			*len = f->len;
		}
	}
	if (!text)
		return NULL;
	char *versioned = version_static_urls(text, *len, len);
	free(read);
	sc->loaded[sc->nloaded++] = versioned;
	return versioned;
}

static const char *partial_source(void *ctx, const char *name, size_t *len)
{
	return template_source(ctx, name, len);
}

/* asset_href: url with the content version of embedded file path (url?v=HASH), into dst. */
static void asset_href(char *dst, size_t cap, const char *path, const char *url)
{
	snprintf(dst, cap, "%s?v=%08x", url, embedded_hash(embedded_find(path)));
}

/* translate_words: tmpl_translate_fn for {{_ words}}: the words in the language ctx points to. */
static const char *translate_words(void *ctx, const char *words)
{
	return catalog_tr(*(const enum catalog_lang *)ctx, words);
}

struct render *render_load(char *err, size_t errlen)
{
	if (catalog_init(err, errlen) < 0) /* the catalogues the newsroom's templates are compiled with */
		return NULL;
	struct render *r = xcalloc(1, sizeof *r);
	struct source_ctx sc = {.dir = getenv("BROADSHEET_TEMPLATE_DIR")};
	if (sc.dir && !*sc.dir)
		sc.dir = NULL;
	int ok = 1;
	for (int k = 0; k < RENDER_NPAGES && ok; k++) {
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)(strlen(render_template_file((enum render_page)k)) - strlen("templates/") - strlen(".html")),
			 render_template_file((enum render_page)k) + strlen("templates/"));
		size_t len = 0;
		const char *src = template_source(&sc, name, &len);
		if (!src) {
			snprintf(err, errlen, "%s: template not found%s%s", render_template_file((enum render_page)k), sc.dir ? " in " : "",
				 sc.dir ? sc.dir : "");
			ok = 0;
			break;
		}
		for (int l = 0; l < CATALOG_NLANGS && ok; l++) {
			enum catalog_lang lang = (enum catalog_lang)l;
			r->t[k][l] = tmpl_compile_tr(render_template_file((enum render_page)k), src, len, render_schema((enum render_page)k), partial_source, &sc,
						     translate_words, &lang, err, errlen);
			ok = r->t[k][l] != NULL;
		}
	}
	for (size_t i = 0; i < sc.nloaded; i++)
		free(sc.loaded[i]);
	if (!ok) {
		render_free(r);
		return NULL;
	}
	asset_href(r->css_href, sizeof r->css_href, "static/site.css", "/static/site.css");
	asset_href(r->icon_href, sizeof r->icon_href, "static/favicon.svg", "/static/favicon.svg");
	return r;
}

void render_free(struct render *r)
{
	if (!r)
		return;
	for (int k = 0; k < RENDER_NPAGES; k++)
		for (int l = 0; l < CATALOG_NLANGS; l++)
			tmpl_free(r->t[k][l]);
	catalog_shutdown();
	free(r);
}

int render_page(const struct render *r, enum render_page kind, const struct view *v, struct buf *out)
{
	return render_page_lang(r, kind, CATALOG_EN, v, out);
}

int render_page_lang(const struct render *r, enum render_page kind, enum catalog_lang lang, const struct view *v,
		     struct buf *out)
{
	const char *missing = NULL;
	if (tmpl_render(r->t[kind][lang], v, out, &missing) < 0) {
		log_error("render %s: variable '%s' was not set", render_template_file(kind), missing ? missing : "?");
		return -1;
	}
	return 0;
}

const char *render_edition(const char *s)
{
	if (s && strcmp(s, "en") == 0)
		return "en";
	if (s && strcmp(s, "ar") == 0)
		return "ar";
	return NULL;
}

const char *render_stamp(struct arena *a, int64_t t, const char *edition)
{
	struct buf b = BUF_INIT;
	datefmt_stamp(&b, t, edition);
	const char *s = arena_strndup(a, buf_cstr(&b), b.len);
	buf_free(&b);
	return s;
}

const char *render_iso(struct arena *a, int64_t t)
{
	struct buf b = BUF_INIT;
	datefmt_iso(&b, t);
	const char *s = arena_strndup(a, buf_cstr(&b), b.len);
	buf_free(&b);
	return s;
}

const char *render_article_href(struct arena *a, const struct db_article *art)
{
	int y, m, d;
	datefmt_ymd(art->published_at, &y, &m, &d);
	struct buf b = BUF_INIT;
	buf_printf(&b, "/%s/%04d/%02d/%02d/", art->edition, y, m, d);
	buf_url(&b, art->slug, strlen(art->slug));
	const char *s = arena_strndup(a, buf_cstr(&b), b.len);
	buf_free(&b);
	return s;
}

const char *render_href(struct arena *a, const char *edition, const char *kind, const char *slug)
{
	struct buf b = BUF_INIT;
	buf_putc(&b, '/');
	buf_url(&b, edition, strlen(edition));
	buf_putc(&b, '/');
	buf_url(&b, kind, strlen(kind));
	buf_putc(&b, '/');
	buf_url(&b, slug, strlen(slug));
	const char *s = arena_strndup(a, buf_cstr(&b), b.len);
	buf_free(&b);
	return s;
}

void render_story(struct http_request *req, struct view *v, const struct db_article *art)
{
	cache_depend(req, cache_key_article(art->id));
	cache_depend(req, cache_key_comments(art->id)); /* its comment count */
	struct arena *a = req->arena;
	view_text(v, "headline", art->headline);
	view_text(v, "href", render_article_href(a, art));
	view_text(v, "standfirst", art->standfirst);
	view_text(v, "stamp", render_stamp(a, art->published_at, art->edition));
	view_text(v, "iso", render_iso(a, art->published_at));
	view_text(v, "section_name", art->section_name);
	view_text(v, "section_href", render_href(a, art->edition, "section", art->section_slug));
	render_image(a, v, art);
	view_bool(v, "lead", 0);
	view_bool(v, "has_comments", art->comment_count > 0);
	view_text(v, "comment_count", arena_printf(a, "%lld", (long long)art->comment_count));
	view_text(v, "comment_label", render_count_label(a, art->comment_count, art->edition));
}

const char *render_count_label(struct arena *a, int64_t n, const char *edition)
{
	long long k = (long long)n;
	if (strcmp(edition, "ar") != 0)
		return k == 1 ? "1 comment" : arena_printf(a, "%lld comments", k);
	/* Arabic number agreement: one, two (dual), 3-10 (plural), 11 and up (singular accusative) */
	if (k == 1)
		return "تعليق واحد";
	if (k == 2)
		return "تعليقان";
	if (k % 100 >= 3 && k % 100 <= 10)
		return arena_printf(a, "%lld تعليقات", k);
	return arena_printf(a, "%lld تعليقاً", k);
}

const char *render_site_name(struct http_request *req, const char *edition)
{
	return render_setting(req, "site_name", edition, "Broadsheet");
}

const char *render_logo_url(struct http_request *req)
{
	return arena_printf(req->arena, "%s%s", req->app->cfg.base_url, req->app->render->icon_href);
}

const char *render_setting(struct http_request *req, const char *key, const char *edition, const char *fallback)
{
	const char *v = NULL;
	char full[96];
	cache_depend(req, cache_key_settings());
	snprintf(full, sizeof full, "%s.%s", key, edition);
	if (db_setting_get(req->app->db, req->arena, full, &v) == DB_OK && v && *v)
		return v;
	if (db_setting_get(req->app->db, req->arena, key, &v) == DB_OK && v && *v)
		return v;
	return fallback;
}

struct view *render_frame(struct http_request *req, enum render_page kind, const char *edition, const char *title,
			  const char *current_section)
{
	struct app *app = req->app;
	struct arena *a = req->arena;
	struct view *v = view_new(a, render_schema(kind));
	int ar = strcmp(edition, "ar") == 0;
	const char *site_name = render_setting(req, "site_name", edition, "Broadsheet");
	view_text(v, "lang", edition);
	view_text(v, "dir", ar ? "rtl" : "ltr");
	view_text(v, "site_name", site_name);
	view_text(v, "title", title ? arena_printf(a, "%s | %s", title, site_name) : site_name);
	view_text(v, "description", render_setting(req, "description", edition, site_name));
	view_text(v, "home_href", ar ? "/ar/" : "/en/");
	view_text(v, "search_href", ar ? "/ar/search" : "/en/search");
	view_text(v, "search_q", "");
	view_text(v, "css_href", app->render->css_href);
	view_text(v, "icon_href", app->render->icon_href);
	const char *base = app->cfg.base_url;
	/* the address without its query (a ?page= is added back by the list pages) */
	const char *target = req->target ? req->target : "/";
	const char *canonical = arena_printf(a, "%s%.*s", base, (int)strcspn(target, "?"), target);
	view_text(v, "canonical", canonical);
	view_text(v, "og_type", "website");
	view_text(v, "og_title", title ? title : site_name);
	view_text(v, "og_description", render_setting(req, "description", edition, site_name));
	view_text(v, "og_locale", ar ? "ar_AR" : "en_GB");
	/* pages without a picture of their own are shown with the site's logo */
	view_bool(v, "has_og_image", 1);
	view_text(v, "og_image", arena_printf(a, "%s%s", base, app->render->icon_href));
	view_text(v, "og_image_alt", site_name);
	view_bool(v, "has_og_size", 0);
	view_text(v, "og_image_w", "");
	view_text(v, "og_image_h", "");
	view_bool(v, "is_article_meta", 0);
	view_bool(v, "has_jsonld", 0);
	view_list_empty(v, "alternates");
	view_text(v, "other_href", ar ? "/en/" : "/ar/");
	view_text(v, "other_name", ar ? "English" : "العربية");
	view_text(v, "other_lang", ar ? "en" : "ar");
	view_text(v, "other_dir", ar ? "ltr" : "rtl");
	view_text(v, "footer_developer", render_setting(req, "footer_developer", edition, "Broadsheet"));
	view_text(v, "footer_publisher", render_setting(req, "footer_publisher", edition, site_name));
	int y, m, d;
	datefmt_ymd(util_now(), &y, &m, &d);
	view_text(v, "year", render_setting(req, "copyright_year", edition, arena_printf(a, "%d", y)));
#define I18N_SET(key, en, ar_text) view_text(v, #key, ar ? ar_text : en);
	I18N_STRINGS(I18N_SET)
#undef I18N_SET

	view_list_empty(v, "nav");
	struct db_section *secs;
	size_t nsecs;
	if (db_sections_list(app->db, a, edition, &secs, &nsecs) == DB_OK) {
		for (size_t i = 0; i < nsecs; i++) {
			struct view *item = view_add(v, "nav");
			view_text(item, "name", secs[i].name);
			view_text(item, "href", render_href(a, edition, "section", secs[i].slug));
			view_bool(item, "current", current_section && strcmp(current_section, secs[i].slug) == 0);
		}
	}
	view_list_empty(v, "feeds");
	render_feed_links(req, v, site_name, ar ? "/ar" : "/en");
	push_frame(req, v); /* the alerts opt-in (push_optin.html) */
	nl_frame(req, v);   /* the newsletters' sign-up (nl_form.html) */
	view_bool(v, "has_most_read", 0);
	view_list_empty(v, "most_read");
	breaking_view(req, v, edition);
	view_list_empty(v, "latest");
	int64_t count = 8;
	util_parse_i64(render_setting(req, "latest_count", edition, "8"), &count);
	if (count < 1 || count > 50)
		count = 8;
	struct db_article_query q = {.edition = edition, .limit = count};
	struct db_article *arts;
	size_t n;
	cache_depend(req, cache_key_latest(edition)); /* which articles are listed; each one's own key below */
	if (db_articles_list(app->db, a, &q, &arts, &n) == DB_OK) {
		for (size_t i = 0; i < n; i++) {
			cache_depend(req, cache_key_article(arts[i].id));
			struct view *item = view_add(v, "latest");
			view_text(item, "headline", arts[i].headline);
			view_text(item, "href", render_article_href(a, &arts[i]));
			view_text(item, "stamp", render_stamp(a, arts[i].published_at, edition));
			view_text(item, "iso", render_iso(a, arts[i].published_at));
		}
	}
	return v;
}

int render_most_read(struct http_request *req, struct view *v, const char *edition)
{
	int64_t ids[VIEWS_TOP];
	size_t n = views_most_read(edition, ids, VIEWS_TOP), shown = 0;
	cache_depend(req, cache_key_mostread(edition)); /* purged when the ranking moves (http.c) */
	for (size_t i = 0; i < n; i++) {
		struct db_article art;
		int rc = db_article_get_id(req->app->db, req->arena, ids[i], &art);
		if (rc == DB_ERROR)
			return -1;
		cache_depend(req, cache_key_article(ids[i])); /* a new headline or a take-down */
		if (rc != DB_OK || strcmp(art.status, "published") != 0 || strcmp(art.edition, edition) != 0)
			continue; /* taken down since the ranking was made */
		struct view *item = view_add(v, "most_read");
		view_text(item, "headline", art.headline);
		view_text(item, "href", render_article_href(req->arena, &art));
		shown++;
	}
	view_bool(v, "has_most_read", shown > 0);
	return 0;
}

void render_jsonld(struct view *v, const char *script_text)
{
	view_bool(v, "has_jsonld", script_text != NULL);
	view_html(v, "jsonld", script_text ? script_text : "");
}

void render_alternate(struct view *v, const char *hreflang, const char *href)
{
	struct view *alt = view_add(v, "alternates");
	view_text(alt, "hreflang", hreflang);
	view_text(alt, "href", href);
}

const char *render_feed_title(struct http_request *req, const char *edition, const char *name)
{
	const char *site_name = render_setting(req, "site_name", edition, "Broadsheet");
	return name ? arena_printf(req->arena, "%s | %s", name, site_name) : site_name;
}

void render_feed_links(struct http_request *req, struct view *v, const char *title, const char *base)
{
	static const struct {
		const char *name, *type, *file;
	} kinds[] = {{"RSS", "application/rss+xml", "rss.xml"}, {"Atom", "application/atom+xml", "atom.xml"}};
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
		struct view *item = view_add(v, "feeds");
		view_text(item, "title", arena_printf(req->arena, "%s (%s)", title, kinds[i].name));
		view_text(item, "type", kinds[i].type);
		view_text(item, "href", arena_printf(req->arena, "%s/%s", base, kinds[i].file));
	}
}

const char *render_time_input(struct arena *a, int64_t t)
{
	if (!t)
		return "";
	struct buf b = BUF_INIT;
	datefmt_input(&b, t);
	const char *s = arena_strndup(a, buf_cstr(&b), b.len);
	buf_free(&b);
	return s;
}

int render_reply(struct http_request *req, struct http_response *res, enum render_page kind, const struct view *v,
		 int status)
{
	enum catalog_lang lang = kind >= RENDER_LOGIN ? render_newsroom_lang(req) : CATALOG_EN;
	if (render_page_lang(req->app->render, kind, lang, v, &res->body) < 0) {
		buf_reset(&res->body);
		return 500;
	}
	return status;
}

/* newsroom_lang_find: render_newsroom_lang's answer, worked out (reads the site setting when neither the
 * person nor the browser chose). */
static enum catalog_lang newsroom_lang_find(struct http_request *req)
{
	enum catalog_lang lang;
	const struct db_session *s = req->session;
	if (req->path && strncmp(req->path, "/api/", 5) == 0)
		return CATALOG_EN; /* the API's messages are for programs and their writers: one language */
	if (s && catalog_parse(s->user.lang, &lang) == 0)
		return lang;
	if (catalog_negotiate(http_header(req, "Accept-Language"), &lang) == 0)
		return lang;
	const char *site = NULL;
	if (db_setting_get(req->app->db, req->arena, "newsroom_lang", &site) == DB_OK && catalog_parse(site, &lang) == 0)
		return lang;
	return CATALOG_EN;
}

enum catalog_lang render_newsroom_lang(struct http_request *req)
{
	if (!req->newsroom_lang || req->newsroom_lang_session != req->session) {
		req->newsroom_lang = 1 + (int)newsroom_lang_find(req);
		req->newsroom_lang_session = req->session;
	}
	return (enum catalog_lang)(req->newsroom_lang - 1);
}

struct view *render_admin_frame(struct http_request *req, enum render_page kind, const char *title,
				const char *notice, const char *error)
{
	struct view *v = view_new(req->arena, render_schema(kind));
	const struct db_session *s = req->session;
	enum catalog_lang lang = render_newsroom_lang(req);
	/* the page's own words are catalogue strings (I18N): shown in the newsroom's language */
	title = catalog_tr(lang, title);
	notice = catalog_tr(lang, notice);
	error = catalog_tr(lang, error);
	view_text(v, "lang", catalog_code(lang));
	view_text(v, "dir", lang == CATALOG_AR ? "rtl" : "ltr");
	view_text(v, "title", title);
	view_text(v, "css_href", req->app->render->css_href);
	view_text(v, "icon_href", req->app->render->icon_href);
	view_bool(v, "logged_in", s != NULL);
	view_text(v, "user_login", s ? s->user.login : "");
	/* the role's name in the newsroom's language (the role itself stays the stored keyword) */
	static const char *const roles[] = {N_("admin"), N_("editor"), N_("reporter"), N_("moderator")};
	const char *role = s ? s->user.role : "";
	for (size_t i = 0; i < ARRAY_LEN(roles); i++)
		if (strcmp(role, roles[i]) == 0)
			role = catalog_tr(lang, roles[i]);
	view_text(v, "user_role", role);
	view_bool(v, "is_admin", s && strcmp(s->user.role, "admin") == 0);
	view_bool(v, "can_write", s && auth_role_allows(s->user.role, PERM_WRITE));
	view_bool(v, "can_moderate", s && auth_role_allows(s->user.role, PERM_MODERATE));
	view_bool(v, "may_publish", s && auth_role_allows(s->user.role, PERM_PUBLISH));
	view_text(v, "csrf", s ? s->csrf : "");
	view_text(v, "notice", notice);
	view_text(v, "error", error);
	return v;
}
