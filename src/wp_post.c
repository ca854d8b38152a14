/* wp_post.c - one WordPress post or page into an article (see wp_int.h): its edition, section, slug,
 * status and dates, body (shortcodes and block comments made plain HTML, then htmlmd), bylines, tags, lead
 * image, translation pair, old addresses and comments. New posts are inserted with revision 1; a changed one
 * is saved in place as the editor saves (version + 1, a new revision); an unchanged one is left alone. */
#include "wp_int.h"

#include <string.h>

#include "app.h"
#include "article.h"
#include "db.h"
#include "htmlmd.h"
#include "render.h"
#include "user.h"
#include "util.h"

/* What one post becomes, worked out before anything is stored. */
struct post_plan {
	const char *edition, *status, *slug, *md, *html;
	int64_t section_id, published_at, scheduled_at, created_at, updated_at, lead_media;
	const char *lead_caption, *lead_credit;
	int page, top_rank;
};

/* post_edition: --edition, else Polylang's language on the item, else the channel's language. */
static const char *post_edition(const struct wp_run *r, const struct wp_item *it)
{
	if (r->o->edition)
		return r->o->edition;
	for (size_t i = 0; i < it->ncats; i++)
		if (strcmp(it->cats[i].domain, "language") == 0 && *it->cats[i].nicename)
			return strncmp(it->cats[i].nicename, "ar", 2) == 0 ? "ar" : "en";
	return r->lang_edition;
}

/* cat_find: the channel's category with nicename nn (as exported), or NULL. */
static const struct wp_cat *cat_find(const struct wp_run *r, const char *nn)
{
	for (size_t i = 0; nn && *nn && i < r->ncats; i++)
		if (strcmp(r->cats[i].nicename, nn) == 0)
			return &r->cats[i];
	return NULL;
}

/* cat_path: the archive path of category nn: /category/grandparent/parent/nn (at most 16 levels). */
static const char *cat_path(struct arena *a, const struct wp_run *r, const char *nn)
{
	const char *path = arena_printf(a, "/%s", nn);
	const struct wp_cat *c = cat_find(r, nn);
	for (int depth = 0; c && *c->parent && depth < 16; depth++) {
		path = arena_printf(a, "/%s%s", c->parent, path);
		c = cat_find(r, c->parent);
	}
	return arena_printf(a, "/%s%s", r->cat_base ? r->cat_base : "category", path);
}

/* cat_depth: how deep category nn is (0 for a top-level one). */
static int cat_depth(const struct wp_run *r, const char *nn)
{
	int d = 0;
	for (const struct wp_cat *c = cat_find(r, nn); c && *c->parent && d < 16; c = cat_find(r, c->parent))
		d++;
	return d;
}

/* section_of: the section (created when missing) a category or the pages section becomes in edition:
 * the --sections mapping of its slug, else the slug itself. Returns its id, or 0 on a database error. */
static int64_t section_of(struct wp_run *r, struct arena *a, const char *edition, const char *nn, const char *name)
{
	const char *slug = wp_slug(a, nn, name, 0);
	const char *dec = wp_pct_decode(a, nn);
	for (size_t i = 0; i < r->nmap; i++)
		if (strcmp(r->map_from[i], dec) == 0 || strcmp(r->map_from[i], slug) == 0)
			slug = r->map_to[i];
	struct db_section s;
	int rc = db_section_get(r->app->db, a, edition, slug, &s);
	if (rc == DB_OK)
		return s.id;
	int64_t id = 0;
	struct db_section fresh = {.edition = edition, .slug = slug, .name = name && *name ? name : slug, .position = 100};
	if (rc != DB_NOTFOUND || db_section_put(r->app->db, &fresh, &id) != DB_OK)
		return 0;
	r->terms_count.imported++;
	return id;
}

/* plan_section: the article's section: pages go to "pages"; a post to its deepest category (each category
 * becomes a section, and its archive address is recorded). Returns 0 or -1 (database). */
static int plan_section(struct wp_run *r, struct arena *a, const struct wp_item *it, struct post_plan *p)
{
	if (p->page) {
		p->section_id = section_of(r, a, p->edition, "pages", strcmp(p->edition, "ar") == 0 ? "صفحات" : "Pages");
		return p->section_id ? 0 : -1;
	}
	int best = -1;
	for (size_t i = 0; i < it->ncats; i++) {
		const struct wp_catref *c = &it->cats[i];
		if (strcmp(c->domain, "category") != 0)
			continue;
		int64_t id = section_of(r, a, p->edition, c->nicename, c->name);
		if (!id || wp_legacy_first(r, a, cat_path(a, r, c->nicename), "section", id) != DB_OK)
			return -1;
		int d = cat_depth(r, c->nicename);
		if (d > best) {
			best = d;
			p->section_id = id;
		}
	}
	if (!p->section_id)
		p->section_id = section_of(r, a, p->edition, "uncategorized", "Uncategorized");
	return p->section_id ? 0 : -1;
}

/* plan_dates: publication, schedule, creation and modification times (UTC) from the GMT dates; a draft's
 * date is WordPress's 0000-00-00, so it keeps the modification time (or now) as its creation. */
static void plan_dates(const struct wp_run *r, const struct wp_item *it, struct post_plan *p)
{
	int64_t date = 0, mod = 0;
	int has_date = wp_date_parse(it->date_gmt, &date) == 0, has_mod = wp_date_parse(it->modified_gmt, &mod) == 0;
	p->created_at = has_date ? date : has_mod ? mod : r->now;
	if (strcmp(p->status, "published") == 0)
		p->published_at = has_date ? date : p->created_at;
	if (strcmp(p->status, "scheduled") == 0)
		p->scheduled_at = has_date ? date : r->now;
	p->updated_at = has_mod && mod > p->created_at ? mod : p->published_at ? p->published_at : p->created_at;
}

/* plan_body: the body's stored form and reader HTML; the dropped markup counted into the report. */
static void plan_body(struct wp_run *r, struct arena *a, const struct wp_item *it, struct post_plan *p)
{
	const char *html = wp_preprocess(a, it->content, wp_att_ref, r);
	struct htmlmd_result res = {0};
	if (htmlmd_convert(a, html, strlen(html), wp_media_for_src, r, &res) < 0) {
		res.md = "";
		wp_skip(r, "post-body", it->id, "the body could not be converted (too large or not HTML); imported empty");
	}
	if (res.dropped > 0) {
		r->dropped += res.dropped;
		r->dropped_posts++;
		if (res.dropped_what && *res.dropped_what)
			wp_skip(r, "dropped-html", it->id, arena_strdup(&r->a, res.dropped_what));
	}
	p->md = res.md;
	p->html = render_body_html(r->app->db, a, p->md, p->edition);
}

/* plan_lead: the featured image (_thumbnail_id) as the lead media with its caption and credit. */
static void plan_lead(struct wp_run *r, struct arena *a, const struct wp_item *it, struct post_plan *p)
{
	const char *thumb = wp_meta_get(it, "_thumbnail_id");
	int64_t att = 0, media = 0;
	const char *sum;
	p->lead_caption = p->lead_credit = "";
	if (!thumb || util_parse_i64(thumb, &att) != 0 ||
	    db_import_map_get(r->app->db, a, r->source, "attachment", att, &media, &sum) != DB_OK)
		return;
	const struct wp_att *t = wp_att_by_id(r, att);
	p->lead_media = media;
	p->lead_caption = t ? t->ref.caption : "";
	p->lead_credit = t ? t->credit : "";
}

/* plan_slug: a free slug in the edition (the WordPress slug decoded; "-ID" added when another article has
 * it). */
static void plan_slug(struct wp_run *r, struct arena *a, const struct wp_item *it, int64_t self, struct post_plan *p)
{
	p->slug = wp_slug(a, it->post_name, it->title, it->id);
	int64_t owner = 0;
	if (db_slug_owner(r->app->db, p->edition, p->slug, &owner) == DB_OK && owner != self)
		p->slug = arena_printf(a, "%s-%lld", p->slug, (long long)it->id);
}

/* fill_article: the article row of plan p for item it. */
static void fill_article(const struct wp_item *it, const struct post_plan *p, struct db_article *art)
{
	memset(art, 0, sizeof *art);
	art->edition = p->edition;
	art->slug = p->slug;
	art->headline = *it->title ? it->title : "(untitled)";
	art->standfirst = it->excerpt;
	art->body_md = p->md;
	art->body_html = p->html;
	art->dateline = "";
	art->status = p->status;
	art->section_id = p->section_id;
	art->lead_media_id = p->lead_media;
	art->lead_caption = p->lead_caption;
	art->lead_credit = p->lead_credit;
	art->top_rank = p->top_rank;
	art->created_at = p->created_at;
	art->published_at = p->published_at;
	art->updated_at = p->updated_at;
}

/* revision: article id's text as revision version. */
static int revision(struct db *db, int64_t id, int64_t version, const struct db_article *art, int64_t at)
{
	struct db_revision rv = {.version = version, .created_at = at, .headline = art->headline,
				 .standfirst = art->standfirst, .body_md = art->body_md, .dateline = art->dateline,
				 .slug = art->slug};
	int rc = db_revision_insert(db, id, &rv);
	return rc == DB_CONFLICT ? DB_OK : rc;
}

/* store_new: inserts the article with revision 1 and its GUID. DB_OK (*id) or DB_ERROR. */
static int store_new(struct wp_run *r, const struct wp_item *it, struct db_article *art, const struct post_plan *p,
		     int64_t *id)
{
	struct db *db = r->app->db;
	int rc = db_article_insert(db, art, id);
	if (rc == DB_OK && p->scheduled_at)
		rc = db_article_set_status(db, *id, p->status, 0, p->scheduled_at, 0);
	if (rc == DB_OK)
		rc = db_article_set_guid(db, *id, it->guid);
	if (rc == DB_OK)
		rc = revision(db, *id, 1, art, r->now);
	if (rc == DB_OK)
		rc = db_event_insert(db, *id, 0, "imported", r->now);
	return rc;
}

/* store_update: saves the changed article in place as the editor does (the old text kept as a revision,
 * version + 1, a new revision), with its status and times. DB_OK or DB_ERROR. */
static int store_update(struct wp_run *r, struct arena *a, const struct wp_item *it, struct db_article *art,
			const struct post_plan *p, int64_t id)
{
	struct db *db = r->app->db;
	struct db_article old;
	int64_t out;
	if (db_article_get_id(db, a, id, &old) != DB_OK || revision(db, id, old.version, &old, old.updated_at) != DB_OK)
		return DB_ERROR;
	art->id = id;
	art->version = old.version;
	int rc = db_article_save(db, art, &out);
	if (rc == DB_OK)
		rc = db_article_set_status(db, id, p->status, p->published_at, p->scheduled_at, 0);
	if (rc == DB_OK)
		rc = db_article_set_guid(db, id, it->guid);
	if (rc == DB_OK)
		rc = revision(db, id, old.version + 1, art, r->now);
	if (rc == DB_OK)
		rc = db_article_links_clear(db, id);
	if (rc == DB_OK)
		rc = db_event_insert(db, id, 0, "import-updated", r->now);
	if (rc == DB_OK && strcmp(old.slug, art->slug) != 0)
		rc = db_slug_history_add(db, old.edition, old.slug, id);
	return rc;
}

/* byline: the author with WordPress login `login` in edition (created when missing; with --accounts also a
 * newsroom account without a password). Returns the author id, or 0 on a database error. */
static int64_t byline(struct wp_run *r, struct arena *a, const char *edition, const char *login)
{
	const char *name = login;
	const struct wp_author *au = NULL;
	for (size_t i = 0; i < r->nauthors && !au; i++)
		if (strcmp(r->authors[i].login, login) == 0)
			au = &r->authors[i];
	if (au && *au->display)
		name = au->display;
	if (au && r->o->accounts && wp_account(r, a, au) < 0)
		return 0;
	char slug[201];
	if (article_slugify(name, slug, sizeof slug) == 0)
		snprintf(slug, sizeof slug, "author");
	struct db_author row;
	int rc = db_author_get(r->app->db, a, edition, slug, &row);
	if (rc == DB_OK)
		return row.id;
	int64_t id = 0;
	struct db_author fresh = {.edition = edition, .slug = slug, .name = name, .bio = ""};
	return rc == DB_NOTFOUND && db_author_put(r->app->db, &fresh, &id) == DB_OK ? id : 0;
}

/* link_people: the article's byline, tags (each tag's archive recorded) and the old addresses of the post
 * itself. DB_OK or DB_ERROR. */
static int link_people(struct wp_run *r, struct arena *a, const struct wp_item *it, const struct post_plan *p,
		       int64_t id)
{
	struct db *db = r->app->db;
	int64_t au = *it->creator ? byline(r, a, p->edition, it->creator) : -1;
	if (!au || (au > 0 && db_article_link_author(db, id, au, 1) != DB_OK))
		return DB_ERROR;
	for (size_t i = 0; i < it->ncats; i++) {
		const struct wp_catref *c = &it->cats[i];
		if (strcmp(c->domain, "post_tag") != 0)
			continue;
		const char *slug = wp_slug(a, c->nicename, c->name, 0);
		struct db_tag t;
		int64_t tid = 0;
		int rc = db_tag_get(db, a, p->edition, slug, &t);
		struct db_tag fresh = {.edition = p->edition, .slug = slug, .name = *c->name ? c->name : slug};
		if (rc == DB_OK)
			tid = t.id;
		else if (rc != DB_NOTFOUND || db_tag_put(db, &fresh, &tid) != DB_OK)
			return DB_ERROR;
		if (db_article_link_tag(db, id, tid) == DB_ERROR ||
		    wp_legacy_first(r, a, arena_printf(a, "/%s/%s", r->tag_base ? r->tag_base : "tag", c->nicename), "tag", tid) != DB_OK)
			return DB_ERROR;
	}
	const char *shortlink = arena_printf(a, p->page ? "/?page_id=%lld" : "/?p=%lld", (long long)it->id);
	if (wp_legacy(r, a, it->link, "article", id) != DB_OK || wp_legacy(r, a, shortlink, "article", id) != DB_OK ||
	    (p->page && wp_legacy(r, a, arena_printf(a, "/?p=%lld", (long long)it->id), "article", id) != DB_OK))
		return DB_ERROR;
	return wp_attachment_pages(r, it->id, id);
}

/* term_by_slug: the channel's term with slug (r->terms sorted by slug after pass 1: wp_terms_sort), or NULL. */
static const struct wp_term *term_by_slug(const struct wp_run *r, const char *slug)
{
	size_t lo = 0, hi = r->nterms;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(r->terms[mid].slug, slug) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->nterms && strcmp(r->terms[lo].slug, slug) == 0 ? &r->terms[lo] : NULL;
}

/* pair: Polylang's translation group of the item (a post_translations term whose description is the
 * serialized array language => post id): each other member already imported becomes this article's
 * translation (the later of the two makes the pair). DB_OK or DB_ERROR. */
static int pair(struct wp_run *r, struct arena *a, const struct wp_item *it, int64_t id)
{
	for (size_t i = 0; i < it->ncats; i++) {
		if (strcmp(it->cats[i].domain, "post_translations") != 0)
			continue;
		const struct wp_term *t = term_by_slug(r, it->cats[i].nicename);
		if (!t || strcmp(t->taxonomy, "post_translations") != 0)
			continue;
		const struct wp_php *v = wp_php_parse(a, t->description, strlen(t->description));
		for (size_t j = 0; v && v->kind == WP_PHP_ARRAY && j < v->n; j++) {
			int64_t other = 0;
			const char *sum;
			if (v->vals[j].kind != WP_PHP_INT || v->vals[j].i == it->id ||
			    db_import_map_get(r->app->db, a, r->source, "post", v->vals[j].i, &other, &sum) != DB_OK)
				continue;
			if (db_article_set_translation(r->app->db, id, other) != DB_OK)
				return DB_ERROR;
		}
	}
	return DB_OK;
}

/* plan: works out what item it becomes. Returns 0, 1 (skipped and reported) or -1 (database). */
static int plan(struct wp_run *r, struct arena *a, const struct wp_item *it, int64_t self, struct post_plan *p)
{
	const char *why;
	memset(p, 0, sizeof *p);
	p->page = strcmp(it->type, "page") == 0;
	if (!p->page && strcmp(it->type, "post") != 0) {
		wp_skip(r, it->type, it->id, arena_printf(a, "a \"%s\" item (only posts and pages are imported)", it->type));
		return 1;
	}
	if (!(p->status = wp_status_map(it->status, &why))) {
		wp_skip(r, it->type, it->id, why);
		return 1;
	}
	p->edition = post_edition(r, it);
	if (plan_section(r, a, it, p) < 0)
		return -1;
	plan_dates(r, it, p);
	plan_body(r, a, it, p);
	plan_lead(r, a, it, p);
	plan_slug(r, a, it, self, p);
	if (it->sticky && strcmp(p->status, "published") == 0)
		p->top_rank = (int)++r->sticky_rank;
	return 0;
}

int wp_post_import(struct wp_run *r, struct arena *a, const struct wp_item *it)
{
	int64_t id = 0;
	const char *sum = NULL;
	int found = db_import_map_get(r->app->db, a, r->source, "post", it->id, &id, &sum);
	if (found == DB_ERROR)
		return -1;
	if (found == DB_OK && strcmp(sum, it->checksum) == 0) {
		r->posts.unchanged++;
		return wp_comments_import(r, a, it, id);
	}
	struct post_plan p;
	int rc = plan(r, a, it, found == DB_OK ? id : 0, &p);
	if (rc)
		return rc < 0 ? -1 : (r->posts.skipped++, 0);
	struct db_article art;
	fill_article(it, &p, &art);
	rc = found == DB_OK ? store_update(r, a, it, &art, &p, id) : store_new(r, it, &art, &p, &id);
	if (rc == DB_OK)
		rc = link_people(r, a, it, &p, id);
	if (rc == DB_OK)
		rc = pair(r, a, it, id);
	if (rc == DB_OK)
		rc = db_import_map_put(r->app->db, r->source, "post", it->id, id, it->checksum, r->now);
	if (rc != DB_OK || wp_comments_import(r, a, it, id) < 0)
		return -1;
	if (found == DB_OK)
		r->posts.updated++;
	else
		r->posts.imported++;
	return 0;
}
