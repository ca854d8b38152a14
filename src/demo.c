/* demo.c - demo content (see demo.h). */
#include "demo.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "article.h"
#include "auth.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "embedded.h"
#include "legacy.h"
#include "media.h"
#include "render.h"
#include "site.h"
#include "user.h"
#include "util.h"
#include "wires.h"

static const struct {
	const char *slug, *en, *ar;
	unsigned color; /* illustration palette */
} sections[] = {
	{"politics", "Politics", "سياسة", 0x1d3557},   {"world", "World", "العالم", 0x2a6f97},
	{"business", "Business", "اقتصاد", 0x2d6a4f},  {"technology", "Technology", "تكنولوجيا", 0x5a189a},
	{"culture", "Culture", "ثقافة", 0x9d0208},     {"sport", "Sport", "رياضة", 0xbc6c25},
};

static const struct site_texts demo_texts = {
	.site_name = {"The Levant Ledger", "سجل المشرق"},
	.description = {"Independent news from the Levant and the world, in English and Arabic.",
			"أخبار مستقلة من المشرق والعالم بالعربية والإنجليزية."},
	.footer_developer = {"Ledger Digital Works SAL.", "ليدجر للحلول الرقمية ش.م.ل."},
	.footer_publisher = {"Levant Ledger Media Group", "مجموعة سجل المشرق الإعلامية"},
};

/* Which topics lead the front page, in editor order ("live-floods" is the demo's live blog, demo_live). */
#define LIVE_DEMO_KEY "live-floods"
static const char *const top_keys[] = {"desal-plant", "football-final", "arabic-ai", LIVE_DEMO_KEY,
				       "central-bank-rates", "book-fair", "heatwave-europe"};

struct demo_doc {
	char *headline, *standfirst, *slug, *section, *tags, *authors, *dateline, *caption, *credit;
	const char *body;
};

/* parse_doc: splits a content file into its header fields and body (pointers into text, which is
 * modified). Returns 0, or -1 when a field is missing or the "---" line is absent. */
static int parse_doc(char *text, struct demo_doc *d)
{
	memset(d, 0, sizeof *d);
	char *p = text;
	for (;;) {
		char *nl = strchr(p, '\n');
		if (!nl)
			return -1;
		*nl = '\0';
		if (strcmp(p, "---") == 0) {
			d->body = nl + 1;
			break;
		}
		char *colon = strstr(p, ": ");
		if (colon) {
			*colon = '\0';
			char *v = colon + 2;
			if (strcmp(p, "headline") == 0) d->headline = v;
			else if (strcmp(p, "standfirst") == 0) d->standfirst = v;
			else if (strcmp(p, "slug") == 0) d->slug = v;
			else if (strcmp(p, "section") == 0) d->section = v;
			else if (strcmp(p, "tags") == 0) d->tags = v;
			else if (strcmp(p, "authors") == 0) d->authors = v;
			else if (strcmp(p, "dateline") == 0) d->dateline = v;
			else if (strcmp(p, "caption") == 0) d->caption = v;
			else if (strcmp(p, "credit") == 0) d->credit = v;
		}
		p = nl + 1;
	}
	return d->headline && d->standfirst && d->slug && d->section && d->tags && d->authors && d->dateline &&
			       d->caption && d->credit
		       ? 0
		       : -1;
}

/* write_illustration: an abstract SVG lead image for a story, drawn from a seed in the section's colour. */
static int write_illustration(const char *path, unsigned color, unsigned seed)
{
	struct buf b = BUF_INIT;
	unsigned r = (color >> 16) & 255, g = (color >> 8) & 255, bl = color & 255;
	buf_printf(&b,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"675\" viewBox=\"0 0 1200 675\">"
		   "<rect width=\"1200\" height=\"675\" fill=\"rgb(%u,%u,%u)\"/>",
		   r, g, bl);
	unsigned x = seed ? seed : 1;
	for (int i = 0; i < 9; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		unsigned cx = x % 1200, cy = (x >> 11) % 675, rad = 40 + (x >> 7) % 260;
		double op = 0.08 + (double)((x >> 3) % 30) / 100.0;
		if (i % 3 == 2)
			buf_printf(&b, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"#fff\" fill-opacity=\"%.2f\"/>",
				   cx, cy, rad * 2, rad / 2 + 10, op);
		else
			buf_printf(&b, "<circle cx=\"%u\" cy=\"%u\" r=\"%u\" fill=\"#fff\" fill-opacity=\"%.2f\"/>", cx, cy,
				   rad, op);
	}
	buf_lit(&b, "</svg>\n");
	int rc = util_write_file_atomic(path, b.data, b.len, 0644);
	buf_free(&b);
	return rc;
}

/* paint_picture: the photograph-sized (w x h, RGB) form of write_illustration's drawing: the section's
 * colour darkening towards the foot, with nine translucent white discs and bars from seed, so lead images
 * are real JPEGs with renditions and crops around their focal point. Fills rgb; cannot fail. */
static void paint_picture(unsigned char *rgb, int w, int h, unsigned color, unsigned seed)
{
	const int base[3] = {(int)((color >> 16) & 255), (int)((color >> 8) & 255), (int)(color & 255)};
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			for (int k = 0; k < 3; k++)
				rgb[((size_t)y * (size_t)w + (size_t)x) * 3 + (size_t)k] =
					(unsigned char)(base[k] * (1000 - 350 * y / h) / 1000);
	unsigned v = seed ? seed : 1;
	for (int i = 0; i < 9; i++) {
		v ^= v << 13;
		v ^= v >> 17;
		v ^= v << 5;
		int cx = (int)(v % (unsigned)w), cy = (int)((v >> 11) % (unsigned)h), rad = 40 + (int)((v >> 7) % 260);
		int op = 8 + (int)((v >> 3) % 30); /* percent of white */
		int bar = i % 3 == 2, x0 = bar ? cx : cx - rad, y0 = bar ? cy : cy - rad;
		int x1 = bar ? cx + 2 * rad : cx + rad, y1 = bar ? cy + rad / 2 + 10 : cy + rad;
		for (int y = y0 < 0 ? 0 : y0; y < y1 && y < h; y++)
			for (int x = x0 < 0 ? 0 : x0; x < x1 && x < w; x++) {
				if (!bar && (x - cx) * (x - cx) + (y - cy) * (y - cy) > rad * rad)
					continue;
				unsigned char *p = &rgb[((size_t)y * (size_t)w + (size_t)x) * 3];
				for (int k = 0; k < 3; k++)
					p[k] = (unsigned char)(p[k] + (255 - p[k]) * op / 100);
			}
	}
}

static unsigned hash_str(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int section_index(const char *slug)
{
	for (size_t i = 0; i < ARRAY_LEN(sections); i++)
		if (strcmp(sections[i].slug, slug) == 0)
			return (int)i;
	return -1;
}

static void progress(long done, long total)
{
	if (!isatty(STDERR_FILENO) || total <= 0)
		return;
	int width = 40, filled = (int)(done * width / total);
	fprintf(stderr, "\r  [%.*s%*s] %ld/%ld", filled, "########################################", width - filled,
		"", done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

/* Related stories the demo's editors chose, in each edition: a topic, then its related topics in order. */
static const char *const related_demo[][4] = {
	{"desal-plant", "un-water-talks", "climate-fund", "solar-roofs"},
	{"football-final", "women-football", "basketball-league", "marathon"},
	{"central-bank-rates", "remittances", "startup-fund", "phosphate-prices"},
};

/* The demo's translation desk: the topic whose Arabic story is an out-of-date translation (demo_desk_drift). */
#define DESK_DRIFT_KEY "central-bank-rates"
/* the demo's breaking banners (issue 21): one per edition, linking this story, up for BREAKING_DEMO_DAYS
 * from the demo's creation (longer than the newsroom form's two days, so `make run` on a demo made days
 * ago still shows one) */
#define BREAKING_DEMO_KEY "desal-plant"
#define BREAKING_DEMO_DAYS 7

struct demo_ctx {
	struct db *db;
	int64_t related_ids[2][ARRAY_LEN(related_demo)][4]; /* the article of each related_demo key per edition */
	unsigned char secret[AUTH_SECRET_BYTES];
	const char *dir;
	int64_t section_ids[2][ARRAY_LEN(sections)];
	int64_t now;
	int drawn; /* lead pictures as drawn SVG files (no renditions or crops): `demo --drawn` */
	int64_t desk_ids[2]; /* the translation desk's out-of-date pair (DESK_DRIFT_KEY): English, Arabic */
	int64_t breaking_ids[2]; /* BREAKING_DEMO_KEY's story in each edition (the banner's link without a live blog) */
	int64_t live_ids[2];     /* each edition's live blog (demo_live), which the breaking banner links */
	char *err;
	size_t errlen;
};

/* next_item: the next item of a list separated by sep (as strtok_r: list on the first call, then NULL;
 * *save its state, the list is cut in place), trimmed of spaces, skipping items without a slug; its slug
 * goes to slug (cap bytes). Returns the item, or NULL at the end of the list. */
static char *next_item(char *list, const char *sep, char **save, char *slug, size_t cap)
{
	for (char *tok = strtok_r(list, sep, save); tok; tok = strtok_r(NULL, sep, save)) {
		while (*tok == ' ')
			tok++;
		size_t n = strlen(tok);
		while (n && tok[n - 1] == ' ')
			tok[--n] = '\0';
		if (n && article_slugify(tok, slug, cap) != 0)
			return tok;
	}
	return NULL;
}

/* put_people_and_tags: stores the authors (separated by ';') and tags (by ',') of an article and links
 * them to it, in list order. Cuts both lists in place. Returns 0, or -1 on a store error. */
static int put_people_and_tags(struct demo_ctx *c, const char *edition, int64_t article_id, char *authors,
			       char *tags)
{
	int pos = 0;
	char slug[256], *save = NULL, *tok;
	for (char *list = authors; (tok = next_item(list, ";", &save, slug, sizeof slug)) != NULL; list = NULL) {
		struct db_author au = {.edition = edition, .slug = slug, .name = tok, .bio = ""};
		int64_t id;
		if (db_author_put(c->db, &au, &id) != DB_OK || db_article_link_author(c->db, article_id, id, pos++) != DB_OK)
			return -1;
	}
	for (char *list = tags; (tok = next_item(list, ",", &save, slug, sizeof slug)) != NULL; list = NULL) {
		struct db_tag t = {.edition = edition, .slug = slug, .name = tok};
		int64_t id;
		if (db_tag_put(c->db, &t, &id) != DB_OK || db_article_link_tag(c->db, article_id, id) != DB_OK)
			return -1;
	}
	return 0;
}

/* add_sample: inserts one hand-written article (topic number idx) of edition from its content file. */
/* Readers' comments for the first stories of each edition: {name, text, reply-to (index+1, 0 = none)}. */
static const struct {
	const char *name, *body;
	int parent;
} comments_en[] = {
	{"Layla M.", "Good to see the numbers spelled out. Does anyone know when the public hearings start?", 0},
	{"Daniel Okafor", "The hearings were announced for next month on the council's site:\nwww.example.org/hearings", 1},
	{"Sami", "Clear reporting, thank you. I would like a follow-up on what this costs households.", 0},
}, comments_ar[] = {
	{"ليلى م.", "من الجيد رؤية الأرقام بوضوح. هل يعرف أحد متى تبدأ جلسات الاستماع العامة؟", 0},
	{"دانيال", "أُعلن عنها للشهر المقبل على موقع المجلس.", 1},
	{"سامي", "تغطية واضحة، شكراً. أتمنى متابعة لما سيكلفه ذلك الأسر.", 0},
};

/* add_comments: approved sample comments (one a reply) on a demo story. Returns 0 or -1 (store). */
static int add_comments(struct demo_ctx *c, const char *edition, int64_t article_id, int64_t published, int idx)
{
	int ar = strcmp(edition, "ar") == 0;
	int64_t ids[3] = {0, 0, 0};
	for (int i = 0; i < 3; i++) {
		if (idx % 2 == 1 && i == 2)
			break; /* not every story gets the same number */
		const char *name = ar ? comments_ar[i].name : comments_en[i].name;
		const char *body = ar ? comments_ar[i].body : comments_en[i].body;
		int parent = ar ? comments_ar[i].parent : comments_en[i].parent;
		char dup[AUTH_TOKEN_HEX];
		auth_keyed_hash(c->secret, "dup", body, strlen(body), dup);
		struct db_comment_new cm = {.article_id = article_id, .parent_id = parent ? ids[parent - 1] : 0, .name = name,
					    .body = body, .status = "approved", .dup_key = dup,
					    .created_at = published + 1800 + i * 2400};
		if (cm.created_at > c->now - 600 * (3 - i))
			cm.created_at = c->now - 600 * (3 - i); /* never in the future */
		if (db_comment_insert(c->db, &cm, &ids[i]) != DB_OK)
			return -1;
	}
	return 0;
}

/* add_photo: paints a lead picture (paint_picture), stores it as an upload is stored (media_ingest:
 * renditions, a re-encoded original), adds its media row with meta's alt, caption, credit and copyright,
 * sets its focal point (fx, fy in 0..10000) and cuts the crops around it; with c->drawn, the drawing is
 * stored as the SVG file `name`.svg instead (focal point set, no renditions or crops). *id gets the row's
 * id. Returns 0, or -1 with c->err set. */
static int add_photo(struct demo_ctx *c, const char *name, unsigned color, unsigned seed, const struct db_media *meta,
		     int fx, int fy, int64_t *id)
{
	if (c->drawn) {
		char file[200], full[PATH_MAX];
		snprintf(file, sizeof file, "%s.svg", name);
		snprintf(full, sizeof full, "%s/media/%s", c->dir, file);
		struct db_media m = *meta;
		m.path = file;
		m.mime = "image/svg+xml";
		m.width = 1200;
		m.height = 675;
		m.created_at = c->now;
		if (write_illustration(full, color, seed) < 0 || db_media_put(c->db, &m, id) != DB_OK ||
		    db_media_set_focal(c->db, *id, fx, fy, NULL) != DB_OK) {
			snprintf(c->err, c->errlen, "cannot add the demo picture %s", full);
			return -1;
		}
		return 0;
	}
	enum { W = 1200, H = 675 };
	unsigned char *rgb = xmalloc((size_t)W * H * 3);
	paint_picture(rgb, W, H, color, seed);
	void *jpg = NULL;
	size_t len = 0;
	int rc = media_jpeg_from_rgb(rgb, W, H, &jpg, &len);
	free(rgb);
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/media", c->dir);
	struct media_info info = {0};
	if (rc == 0)
		rc = media_ingest(dir, jpg, len, len, c->now, &info);
	free(jpg);
	if (rc != 0) {
		snprintf(c->err, c->errlen, "cannot store a demo picture in %s (libvips: see above)", dir);
		return -1;
	}
	struct db_media m = *meta;
	m.path = info.path;
	m.mime = info.mime;
	m.width = info.width;
	m.height = info.height;
	m.created_at = c->now;
	rc = db_media_put(c->db, &m, id) == DB_OK && db_media_set_focal(c->db, *id, fx, fy, NULL) == DB_OK ? 0 : -1;
	if (rc == 0 && media_make_crops(dir, info.path, fx, fy) == 0)
		media_remove_crops(dir, info.path, MEDIA_FOCAL_CENTRE, MEDIA_FOCAL_CENTRE);
	else if (rc == 0)
		rc = -1;
	if (rc < 0)
		snprintf(c->err, c->errlen, "cannot add the demo picture %s", info.path);
	media_info_free(&info);
	return rc;
}

/* gallery_media: body with each "media: @N" (N = 1..9, a demo story's gallery) replaced by the id of a new
 * illustration N written for it and put in the media library (the same N gets the same image). Returns a
 * new string (caller frees), or NULL with c->err set. */
static char *gallery_media(struct demo_ctx *c, const char *edition, const char *key, int si, const char *body)
{
	struct buf out = BUF_INIT;
	int64_t ids[10] = {0};
	const char *p = body, *m;
	while ((m = strstr(p, "media: @")) != NULL) {
		int n = m[8] - '0';
		buf_append(&out, p, (size_t)(m - p) + 7);
		p = m + 7;
		if (n < 1 || n > 9)
			continue;
		if (!ids[n]) {
			char file[200], full[PATH_MAX];
			snprintf(file, sizeof file, "%s-%s-g%d.svg", edition, key, n);
			snprintf(full, sizeof full, "%s/media/%s", c->dir, file);
			struct db_media dm = {.path = file, .mime = "image/svg+xml", .alt = "", .width = 1200, .height = 675,
					      .created_at = c->now};
			if (write_illustration(full, sections[si].color, hash_str(key) * 31u + (unsigned)n) < 0 ||
			    db_media_put(c->db, &dm, &ids[n]) != DB_OK) {
				snprintf(c->err, c->errlen, "cannot add gallery image %s", full);
				buf_free(&out);
				return NULL;
			}
		}
		buf_printf(&out, "%lld", (long long)ids[n]);
		p = m + 9;
	}
	buf_append(&out, p, strlen(p));
	return buf_steal(&out, NULL);
}

static int add_sample(struct demo_ctx *c, const char *edition, const char *key, int idx)
{
	char path[256];
	snprintf(path, sizeof path, "demo/content/%s/%s.md", edition, key);
	const struct embedded_file *f = embedded_find(path);
	if (!f) {
		snprintf(c->err, c->errlen, "demo content %s is missing from the build", path);
		return -1;
	}
	char *text = xstrndup(f->data, f->len);
	struct demo_doc d;
	int rc = -1;
	char *html = NULL, *body = NULL;
	struct arena arena = ARENA_INIT;
	if (parse_doc(text, &d) < 0) {
		snprintf(c->err, c->errlen, "demo content %s is malformed", path);
		goto out;
	}
	int si = section_index(d.section);
	if (si < 0) {
		snprintf(c->err, c->errlen, "demo content %s names an unknown section '%s'", path, d.section);
		goto out;
	}
	int ei = strcmp(edition, "ar") == 0;
	body = gallery_media(c, edition, key, si, d.body);
	if (!body)
		goto out;
	html = xstrdup(render_body_html(c->db, &arena, body, edition));
	char alt[256];
	snprintf(alt, sizeof alt, ei ? "رسم توضيحي لقسم %s" : "Abstract illustration for the %s section",
		 ei ? sections[si].ar : sections[si].en);
	const struct db_media meta = {.alt = alt, .caption = d.caption, .credit = d.credit,
				      .copyright = ei ? "© برودشيت" : "© Broadsheet"};
	int64_t media_id, article_id;
	/* a focal point of its own per story (a third to two thirds across and down), as an editor sets one */
	unsigned fh = hash_str(key);
	char name[160];
	snprintf(name, sizeof name, "%s-%s", edition, key);
	if (add_photo(c, name, sections[si].color, fh ^ (unsigned)ei, &meta, 3333 + (int)(fh % 3334),
		      3333 + (int)((fh >> 12) % 3334), &media_id) < 0)
		goto out;
	int top = 0;
	for (size_t k = 0; k < ARRAY_LEN(top_keys); k++)
		if (strcmp(top_keys[k], key) == 0)
			top = (int)k + 1;
	char group[128];
	snprintf(group, sizeof group, "demo-%s", key);
	int64_t published = c->now - 60 * (17 + (int64_t)idx * 197) - (ei ? 11 * 60 : 0);
	struct db_article a = {
		.edition = edition, .slug = d.slug, .headline = d.headline, .standfirst = d.standfirst,
		.body_md = body, .body_html = html, .dateline = d.dateline, .status = "published",
		.section_id = c->section_ids[ei][si], .lead_media_id = media_id, .lead_caption = d.caption,
		.lead_credit = d.credit, .translation_group = group, .top_rank = top,
		.created_at = published - 3600, .published_at = published,
		.updated_at = idx % 7 == 3 ? published + 2 * 3600 : published,
	};
	if (db_article_insert(c->db, &a, &article_id) != DB_OK)
		goto dberr;
	if (strcmp(key, DESK_DRIFT_KEY) == 0)
		c->desk_ids[ei] = article_id;
	if (strcmp(key, BREAKING_DEMO_KEY) == 0)
		c->breaking_ids[ei] = article_id;
	if (put_people_and_tags(c, edition, article_id, d.authors, d.tags) < 0)
		goto dberr;
	for (size_t i = 0; i < ARRAY_LEN(related_demo); i++)
		for (size_t k = 0; k < 4; k++)
			if (strcmp(related_demo[i][k], key) == 0)
				c->related_ids[ei][i][k] = article_id;
	if (idx < 4 && add_comments(c, edition, article_id, published, idx) < 0)
		goto dberr;
	rc = 0;
	goto out;
dberr:
	snprintf(c->err, c->errlen, "database error while adding %s (see the log above)", path);
out:
	arena_free(&arena);
	free(body);
	free(html);
	free(text);
	return rc;
}

static const char *const words_en[] = {"council", "budget", "harbour", "school", "market", "river", "league",
				       "museum", "network", "festival", "ministry", "village", "station", "report",
				       "programme", "season", "committee", "project", "district", "university"};
static const char *const words_ar[] = {"المجلس", "الميزانية", "الميناء", "المدرسة", "السوق", "النهر", "الدوري",
				       "المتحف", "الشبكة", "المهرجان", "الوزارة", "القرية", "المحطة", "التقرير",
				       "البرنامج", "الموسم", "اللجنة", "المشروع", "الحي", "الجامعة"};

/* add_synthetic: generated article number i (for benchmarks), alternating editions. */
static int add_synthetic(struct demo_ctx *c, long i)
{
	int ei = (int)(i % 2);
	const char *ed = ei ? "ar" : "en";
	const char *const *w = ei ? words_ar : words_en;
	size_t nw = ARRAY_LEN(words_en);
	unsigned x = (unsigned)i * 2654435761u + 1;
	struct buf headline = BUF_INIT, body = BUF_INIT, slug = BUF_INIT;
	buf_printf(&headline, ei ? "تقرير %ld: %s و%s و%s" : "Report %ld: the %s, the %s and the %s", i + 1,
		   w[x % nw], w[(x >> 5) % nw], w[(x >> 10) % nw]);
	for (int p = 0; p < 6; p++) {
		for (int s = 0; s < 4; s++) {
			x = x * 1103515245u + 12345u;
			buf_printf(&body, ei ? "قال مسؤول في %s إن %s و%s يشهدان تغيّراً ملحوظاً. " :
					       "An official at the %s said the %s and the %s were changing fast. ",
				   w[(x >> 3) % nw], w[(x >> 8) % nw], w[(x >> 13) % nw]);
		}
		buf_lit(&body, "\n\n");
	}
	buf_printf(&slug, "%s-%ld", ei ? "تقرير" : "report", i + 1);
	struct arena arena = ARENA_INIT;
	char *html = xstrdup(render_body_html(c->db, &arena, body.data, ed));
	arena_free(&arena);
	int si = (int)(i / 2 % ARRAY_LEN(sections));
	int64_t published = c->now - 86400 * 7 - (int64_t)i * 1800;
	struct db_article a = {
		.edition = ed, .slug = slug.data, .headline = headline.data,
		.standfirst = ei ? "مقال مولَّد لاختبار الأداء." : "A generated article for benchmarks.",
		.body_md = body.data, .body_html = html ? html : "", .dateline = ei ? "عمّان" : "AMMAN",
		.status = "published", .section_id = c->section_ids[ei][si], .created_at = published,
		.published_at = published, .updated_at = published,
	};
	int64_t id;
	int rc = db_article_insert(c->db, &a, &id) == DB_OK ? 0 : -1;
	free(html);
	buf_free(&headline);
	buf_free(&body);
	buf_free(&slug);
	if (rc < 0)
		snprintf(c->err, c->errlen, "database error while adding synthetic article %ld", i + 1);
	return rc;
}

/* demo_accounts: one newsroom account per role with a fresh random password each, listed in
 * DIR/demo-logins.txt (mode 0600) so `make run` can say how to log in. Returns 0 or -1 (err set). */
/* demo_desk_drift: the translation desk's out-of-date pair: the Arabic story of DESK_DRIFT_KEY becomes
 * the translation of the English one, made from its first version, and the English one is then edited
 * (a new standfirst: version 2, both versions kept as revisions), so the board and the Arabic editor
 * show it out of date with the source's diff. DB_OK or DB_ERROR. */
static int demo_desk_drift(struct demo_ctx *c)
{
	struct arena a = ARENA_INIT;
	struct db_article src;
	int64_t id;
	int rc = c->desk_ids[0] && c->desk_ids[1] ? db_article_get_id(c->db, &a, c->desk_ids[0], &src) : DB_NOTFOUND;
	if (rc == DB_NOTFOUND) {
		arena_free(&a);
		return DB_OK; /* the topic is not in this build's list */
	}
	struct db_revision r = {.version = 1, .created_at = src.updated_at, .headline = src.headline,
				.standfirst = src.standfirst, .body_md = src.body_md, .dateline = src.dateline,
				.slug = src.slug};
	if (rc == DB_OK)
		rc = db_article_source_set(c->db, c->desk_ids[1], src.id, 1);
	if (rc == DB_OK)
		rc = db_revision_insert(c->db, src.id, &r);
	src.standfirst = "The central bank kept its main policy rate at 6.5 percent for a third meeting but, for the "
			 "first time this year, two committee members voted for a cut, and the governor said a move in "
			 "the first quarter was likely.";
	src.updated_at = c->now - 120;
	if (rc == DB_OK)
		rc = db_article_save(c->db, &src, &id);
	r.version = 2;
	r.created_at = src.updated_at;
	r.standfirst = src.standfirst;
	if (rc == DB_OK)
		rc = db_revision_insert(c->db, src.id, &r);
	arena_free(&a);
	return rc;
}

/* demo_desk_untranslated: a short English story published minutes ago (today, UTC) with no Arabic
 * translation yet, for the board's first list; a whole story like the others (lead picture with its
 * focal point, byline, tags), since it is the newest on the front page and in the feeds. DB_OK, or
 * DB_ERROR (c->err set when the picture failed). */
static int demo_desk_untranslated(struct demo_ctx *c)
{
	int64_t day = c->now - c->now % 86400, at = c->now - 300 > day ? c->now - 300 : c->now, id, media_id;
	const char *body = "The city council approved a plan on Saturday to extend the night bus network to the "
			   "eastern districts from January, with four new routes running until 2 a.m.\n\n"
			   "The service will cost 1.2 million dinars a year, the council said.";
	const struct db_media meta = {.alt = "Abstract illustration for the Politics section",
				      .caption = "A night bus at the central station.", .credit = "Broadsheet",
				      .copyright = "© Broadsheet"};
	if (add_photo(c, "en-night-buses", sections[0].color, hash_str("night-buses"), &meta, 4200, 4600, &media_id) < 0)
		return DB_ERROR;
	struct arena a = ARENA_INIT;
	struct db_article art = {
		.edition = "en", .slug = "night-buses-extended-to-eastern-districts",
		.headline = "Night buses to reach the eastern districts from January",
		.standfirst = "Four new routes will run until 2 a.m., the city council decided.", .body_md = body,
		.body_html = render_body_html(c->db, &a, body, "en"), .dateline = "AMMAN", .status = "published",
		.section_id = c->section_ids[0][0], .lead_media_id = media_id, .lead_caption = meta.caption,
		.lead_credit = meta.credit, .created_at = at - 600, .published_at = at, .updated_at = at,
	};
	int rc = db_article_insert(c->db, &art, &id);
	arena_free(&a);
	char authors[] = "Omar Khatib", tags[] = "Transport, Amman";
	if (rc == DB_OK && put_people_and_tags(c, "en", id, authors, tags) < 0)
		rc = DB_ERROR;
	return rc;
}

/* The demo's live blog (issue 21), the same event in each edition, paired as translations: {English,
 * Arabic} for the article, then its entries oldest first. */
static const char *const live_article[][2] = {
	{"flash-floods-in-the-south-live", "سيول-الجنوب-تغطية-مباشرة"},
	{"Flash floods in the south: live updates", "سيول في الجنوب: تغطية مباشرة"},
	{"Heavy rain has sent torrents through Wadi Musa and closed the road to Aqaba. Follow the latest from our "
	 "reporters.",
	 "أمطار غزيرة تجرف شوارع وادي موسى وتغلق الطريق إلى العقبة. تابعوا آخر المستجدات من مراسلينا."},
	{"Torrential rain fell on the southern highlands overnight, the heaviest in a decade according to the "
	 "meteorological department. This page follows the rescue effort, the road closures and the forecast as "
	 "they unfold; the newest updates are at the top.",
	 "هطلت أمطار غزيرة على المرتفعات الجنوبية خلال الليل، هي الأشد منذ عشر سنوات بحسب دائرة الأرصاد الجوية. "
	 "تتابع هذه الصفحة جهود الإنقاذ وإغلاق الطرق والتوقعات الجوية أولاً بأول، وتظهر أحدث التحديثات في الأعلى."},
	{"WADI MUSA", "وادي موسى"},
	{"Omar Khatib; Sarah Mitchell", "عمر الخطيب; سارة ميتشل"},
	{"Floods, Weather, Petra", "سيول, طقس, البتراء"},
	{"Water runs through a street in Wadi Musa.", "المياه تجري في أحد شوارع وادي موسى."},
};
enum { LIVE_SLUG, LIVE_HEADLINE, LIVE_STANDFIRST, LIVE_BODY, LIVE_DATELINE, LIVE_AUTHORS, LIVE_TAGS, LIVE_CAPTION };

static const struct {
	int ago;                 /* minutes before now */
	int author;              /* 0: the first byline, 1: the second */
	int pinned;              /* the blog's pinned entry */
	const char *key[2];      /* key-event label, "" for none */
	const char *body[2];     /* Markdown, as the writing desk stores it */
	const char *note[2];     /* a correction's note, "" for none */
} live_entries_demo[] = {
	{290, 0, 0, {"", ""},
	 {"Heavy rain began falling over the southern highlands shortly after midnight. The meteorological "
	  "department has issued a red warning for Ma'an, Wadi Musa and Aqaba until Sunday evening.",
	  "بدأت الأمطار الغزيرة بالهطول على المرتفعات الجنوبية بُعيد منتصف الليل، وأصدرت دائرة الأرصاد الجوية "
	  "إنذاراً أحمر لمعان ووادي موسى والعقبة حتى مساء الأحد."},
	 {"", ""}},
	{262, 1, 0, {"Petra closed to visitors", "إغلاق البتراء أمام الزوار"},
	 {"The Petra Development and Tourism Region Authority has closed the archaeological site for the day and "
	  "asked guides to lead the groups already inside back to the visitor centre.",
	  "أغلقت سلطة إقليم البتراء التنموي السياحي الموقع الأثري أمام الزوار طوال اليوم، وطلبت من الأدلاء "
	  "اصطحاب المجموعات الموجودة داخله إلى مركز الزوار."},
	 {"", ""}},
	{228, 0, 0, {"", ""},
	 {"Civil defence teams say they have evacuated 40 families from low-lying homes along the wadi in Wadi "
	  "Musa. No injuries have been reported.",
	  "قالت فرق الدفاع المدني إنها أخلت 40 أسرة من منازل منخفضة على امتداد الوادي في وادي موسى، ولم تُسجَّل "
	  "أي إصابات."},
	 {"An earlier version of this update said 400 families had been evacuated; civil defence gave the figure "
	  "as 40.",
	  "ذكرت نسخة سابقة من هذا التحديث أن عدد الأسر التي أُخليت 400 أسرة، والصحيح بحسب الدفاع المدني 40 أسرة."}},
	{191, 1, 0, {"", ""},
	 {"Videos shared by residents show knee-deep water running down the main street of Wadi Musa. The "
	  "municipality has asked people to stay off the roads and away from the wadi beds.",
	  "تُظهر مقاطع مصوّرة نشرها سكان المياه وهي تجري بعمق يبلغ الركبة في الشارع الرئيسي لوادي موسى، ودعت "
	  "البلدية المواطنين إلى تجنّب الطرق والابتعاد عن مجاري الأودية."},
	 {"", ""}},
	{149, 0, 0, {"Desert Highway closed south of Ma'an", "إغلاق الطريق الصحراوي جنوب معان"},
	 {"Police have closed the Desert Highway between Ma'an and Aqaba in both directions after a stretch near "
	  "Ras al-Naqab flooded. Drivers are being told to wait in Ma'an.",
	  "أغلقت الشرطة الطريق الصحراوي بين معان والعقبة في الاتجاهين بعد أن غمرت المياه جزءاً منه قرب رأس النقب، "
	  "وطُلب من السائقين الانتظار في معان."},
	 {"", ""}},
	{104, 1, 0, {"", ""},
	 {"The prime minister has asked the ministers of the interior and of public works to run the response "
	  "from the civil defence operations room in Ma'an, his office said.",
	  "كلّف رئيس الوزراء وزيرَي الداخلية والأشغال العامة إدارة الاستجابة من غرفة عمليات الدفاع المدني في "
	  "معان، بحسب بيان صادر عن مكتبه."},
	 {"", ""}},
	{63, 0, 1, {"", ""},
	 {"**What we know so far**\n\n- A red weather warning is in force for the south until Sunday evening.\n"
	  "- Petra is closed to visitors for the day.\n- 40 families were evacuated in Wadi Musa; no one was hurt.\n"
	  "- The Desert Highway is closed between Ma'an and Aqaba.\n- The emergency number is 911.",
	  "**ما نعرفه حتى الآن**\n\n- إنذار جوي أحمر ساري المفعول في الجنوب حتى مساء الأحد.\n"
	  "- البتراء مغلقة أمام الزوار طوال اليوم.\n- أُخليت 40 أسرة في وادي موسى دون تسجيل إصابات.\n"
	  "- الطريق الصحراوي مغلق بين معان والعقبة.\n- رقم الطوارئ 911."},
	 {"", ""}},
	{27, 1, 0, {"Rain easing, warning stays", "انحسار الأمطار واستمرار الإنذار"},
	 {"The rain has eased over Wadi Musa, but the meteorological department expects a second band of storms "
	  "in the afternoon and says the red warning stays in place.",
	  "خفّت حدة الأمطار فوق وادي موسى، لكن دائرة الأرصاد الجوية تتوقع موجة ثانية من العواصف بعد الظهر، وتقول "
	  "إن الإنذار الأحمر يبقى سارياً."},
	 {"", ""}},
};

/* live_demo_entries: the entries of the demo's live blog article_id in edition ei (0 English, 1 Arabic),
 * the pinned one pinned and the corrected one corrected (written, then edited with its note 20 minutes
 * later, as an editor would). DB_OK or DB_ERROR. */
static int live_demo_entries(struct demo_ctx *c, struct arena *a, int ei, int64_t article_id)
{
	char bylines[128];
	snprintf(bylines, sizeof bylines, "%s", live_article[LIVE_AUTHORS][ei]);
	char *second = strchr(bylines, ';');
	*second = '\0';
	const char *names[2] = {bylines, second + 2};
	for (size_t i = 0; i < ARRAY_LEN(live_entries_demo); i++) {
		int64_t at = c->now - 60 * (int64_t)live_entries_demo[i].ago, id;
		const char *md = live_entries_demo[i].body[ei];
		struct db_live_entry e = {.article_id = article_id, .byline = names[live_entries_demo[i].author],
					  .created_at = at, .updated_at = at, .body_md = md,
					  .body_html = render_body_html(c->db, a, md, ei ? "ar" : "en"),
					  .key_event = live_entries_demo[i].key[ei], .note = ""};
		if (db_live_entry_add(c->db, &e, &id) != DB_OK)
			return DB_ERROR;
		e.id = id;
		e.version = 1;
		e.note = live_entries_demo[i].note[ei];
		if (*e.note && db_live_entry_update(c->db, &e, at + 20 * 60) != DB_OK)
			return DB_ERROR;
		if (live_entries_demo[i].pinned && db_live_pin(c->db, article_id, id, at) != DB_OK)
			return DB_ERROR;
	}
	return DB_OK;
}

/* demo_live: the ongoing live blog of each edition (live_article, live_entries_demo), paired as
 * translations, among the front page's top stories (top_keys), with a lead picture, bylines and tags.
 * DB_OK, or DB_ERROR (c->err set when the picture failed). */
static int demo_live(struct demo_ctx *c)
{
	int top = 0, rc = DB_OK;
	for (size_t k = 0; k < ARRAY_LEN(top_keys); k++)
		if (strcmp(top_keys[k], LIVE_DEMO_KEY) == 0)
			top = (int)k + 1;
	int64_t started = c->now - 5 * 3600;
	for (int ei = 0; ei < 2 && rc == DB_OK; ei++) {
		const char *ed = ei ? "ar" : "en";
		struct arena a = ARENA_INIT;
		const struct db_media meta = {.alt = ei ? "رسم توضيحي لقسم العالم" : "Abstract illustration for the World section",
					      .caption = live_article[LIVE_CAPTION][ei], .credit = ei ? "برودشيت" : "Broadsheet",
					      .copyright = ei ? "© برودشيت" : "© Broadsheet"};
		int64_t media_id, id;
		char name[64];
		snprintf(name, sizeof name, "%s-%s", ed, LIVE_DEMO_KEY);
		if (add_photo(c, name, sections[1].color, hash_str(LIVE_DEMO_KEY) ^ (unsigned)ei, &meta, 5000, 4000,
			      &media_id) < 0) {
			rc = DB_ERROR;
			break;
		}
		const char *md = live_article[LIVE_BODY][ei];
		struct db_article art = {
			.edition = ed, .slug = live_article[LIVE_SLUG][ei], .headline = live_article[LIVE_HEADLINE][ei],
			.standfirst = live_article[LIVE_STANDFIRST][ei], .body_md = md,
			.body_html = render_body_html(c->db, &a, md, ed), .dateline = live_article[LIVE_DATELINE][ei],
			.status = "published", .section_id = c->section_ids[ei][1], .lead_media_id = media_id,
			.lead_caption = meta.caption, .lead_credit = meta.credit, .translation_group = "demo-" LIVE_DEMO_KEY,
			.top_rank = top, .created_at = started - 600, .published_at = started, .updated_at = started};
		char authors[128], tags[128];
		snprintf(authors, sizeof authors, "%s", live_article[LIVE_AUTHORS][ei]);
		snprintf(tags, sizeof tags, "%s", live_article[LIVE_TAGS][ei]);
		rc = db_article_insert(c->db, &art, &id);
		if (rc == DB_OK && put_people_and_tags(c, ed, id, authors, tags) < 0)
			rc = DB_ERROR;
		if (rc == DB_OK)
			rc = db_live_start(c->db, id, started);
		c->live_ids[ei] = rc == DB_OK ? id : 0;
		if (rc == DB_OK)
			rc = live_demo_entries(c, &a, ei, id);
		arena_free(&a);
	}
	return rc;
}

static int demo_accounts(struct demo_ctx *c)
{
	/* {login, role, display name, newsroom language ("" = as the browser asks)}: one editor works in Arabic */
	static const char *const roles[][4] = {
		{"admin", "admin", "Demo Administrator", ""},      {"editor", "editor", "Demo Editor", ""},
		{"reporter", "reporter", "Demo Reporter", ""},     {"moderator", "moderator", "Demo Moderator", ""},
		{"muharrir", "editor", "محرر تجريبي", "ar"}};
	if (auth_init() < 0) {
		snprintf(c->err, c->errlen, "libsodium could not start");
		return -1;
	}
	struct buf list = BUF_INIT;
	buf_lit(&list, "# Newsroom accounts of this demo site (log in at /admin/login). Keep this file private.\n");
	for (size_t i = 0; i < ARRAY_LEN(roles); i++) {
		char hex[AUTH_TOKEN_HEX], pw[17];
		auth_random_hex(hex);
		memcpy(pw, hex, 16);
		pw[16] = '\0';
		int64_t id;
		const char *why = user_create(c->db, roles[i][0], roles[i][2], roles[i][1], pw, &id);
		if (!why && roles[i][3][0] && db_user_set_lang(c->db, id, roles[i][3]) != DB_OK)
			why = "its newsroom language could not be stored";
		if (why) {
			snprintf(c->err, c->errlen, "demo account %s: %s", roles[i][0], why);
			buf_free(&list);
			return -1;
		}
		buf_printf(&list, "%-10s login: %-10s password: %s%s\n", roles[i][1], roles[i][0], pw,
			   roles[i][3][0] ? "  (newsroom in Arabic)" : "");
	}
	char path[PATH_MAX];
	int rc = 0;
	if (snprintf(path, sizeof path, "%s/demo-logins.txt", c->dir) >= (int)sizeof path ||
	    util_write_file_atomic(path, list.data, list.len, 0600) < 0) {
		snprintf(c->err, c->errlen, "cannot write %s/demo-logins.txt", c->dir);
		rc = -1;
	}
	buf_free(&list);
	return rc;
}

/* demo_audit: a few entries in the audit log so a newcomer finds it filled: the accounts made by the demo
 * ("system"), log-ins (one failed) from documentation addresses, and the editor's publication of the
 * newest story, at times before now. Returns 0 or -1 (err set). */
static int demo_audit(struct demo_ctx *c)
{
	static const struct {
		int64_t ago;
		const char *login, *address, *action, *target, *detail; /* target: "user:LOGIN" or "article:SLUG" */
	} rows[] = {
		{7200, "system", "", "user.created", "user:admin", "admin (admin)"},
		{7200, "system", "", "user.created", "user:editor", "editor (editor)"},
		{7200, "system", "", "user.created", "user:reporter", "reporter (reporter)"},
		{7200, "system", "", "user.created", "user:moderator", "moderator (moderator)"},
		{7200, "system", "", "user.created", "user:muharrir", "muharrir (editor)"},
		{3600, "admin", "192.0.2.10", "login.ok", "user:admin", NULL},
		{1500, "editor", "198.51.100.23", "login.failed", "user:editor", "wrong password"},
		{1440, "editor", "192.0.2.11", "login.ok", "user:editor", NULL},
		{300, "editor", "192.0.2.11", "article.published", "article:night-buses-extended-to-eastern-districts", NULL},
		{240, "muharrir", "192.0.2.12", "login.ok", "user:muharrir", NULL},
	};
	struct arena a = ARENA_INIT;
	int rc = 0;
	for (size_t i = 0; i < ARRAY_LEN(rows) && rc == 0; i++) {
		struct db_audit e = {.at = c->now - rows[i].ago, .login = rows[i].login, .address = rows[i].address,
				     .action = rows[i].action, .detail = rows[i].detail};
		const char *name = strchr(rows[i].target, ':') + 1;
		struct db_user u;
		struct db_article art;
		int found = strncmp(rows[i].target, "user:", 5) == 0 ? db_user_get_by_login(c->db, &a, name, &u)
								     : db_article_get(c->db, &a, "en", name, &art);
		if (found != DB_OK)
			continue; /* (not in this build's demo) */
		int64_t id = rows[i].target[0] == 'u' ? u.id : art.id;
		e.target = arena_printf(&a, "%.*s%lld", (int)(name - rows[i].target), rows[i].target, (long long)id);
		e.user_id = strcmp(rows[i].login, "system") == 0 ? 0 : db_user_get_by_login(c->db, &a, rows[i].login, &u) == DB_OK ? u.id : 0;
		if (rows[i].target[0] == 'a')
			e.detail = art.headline;
		rc = db_audit_add(c->db, &e) == DB_OK ? 0 : -1;
	}
	arena_free(&a);
	if (rc < 0)
		snprintf(c->err, c->errlen, "the demo's audit log could not be written");
	return rc;
}

/* demo_related: stores the related stories of related_demo in both editions (a topic whose articles are
 * not all there is left alone). DB_OK or DB_ERROR. */
static int demo_related(struct demo_ctx *c)
{
	for (int ei = 0; ei < 2; ei++)
		for (size_t i = 0; i < ARRAY_LEN(related_demo); i++) {
			const int64_t *ids = c->related_ids[ei][i];
			if (ids[0] && ids[1] && ids[2] && ids[3] && db_related_set(c->db, ids[0], ids + 1, 3) != DB_OK)
				return DB_ERROR;
		}
	return DB_OK;
}

/* The old (WordPress) site's addresses the demo keeps working (issue 23): {old address, which edition's
 * story or section: 's' + related_demo row or 'c' + sections index}. A newcomer can follow any of them
 * (README: "Old links keep working"); `broadsheet export` writes them into its nginx map. */
static const struct {
	const char *path;
	int ei;
	char kind;
	int index;
} legacy_demo[] = {
	{"/2019/06/14/desalination-plant-opens/", 0, 's', 0},
	{"/2019/06/14/%d9%85%d8%ad%d8%b7%d8%a9-%d8%aa%d8%ad%d9%84%d9%8a%d8%a9-%d8%a7%d9%84%d9%85%d9%8a%d8%a7%d9%87/", 1, 's', 0},
	{"/?p=101", 0, 's', 1},
	{"/category/sport/", 0, 'c', 5},
	{"/category/رياضة/", 1, 'c', 5},
};

/* demo_legacy: stores legacy_demo in legacy_urls (in legacy_path_norm's spelling), in the caller's
 * transaction; an entry whose story is not there is left out. DB_OK or DB_ERROR. */
static int demo_legacy(struct demo_ctx *c)
{
	struct arena a = ARENA_INIT;
	int rc = DB_OK;
	for (size_t i = 0; i < ARRAY_LEN(legacy_demo) && rc == DB_OK; i++) {
		int ei = legacy_demo[i].ei, k = legacy_demo[i].index;
		int64_t id = legacy_demo[i].kind == 's' ? c->related_ids[ei][k][0] : c->section_ids[ei][k];
		const char *path = legacy_path_norm(&a, legacy_demo[i].path);
		if (id && path)
			rc = db_legacy_put(c->db, path, legacy_demo[i].kind == 's' ? "article" : "section", id,
					   "http://old.example.com", c->now);
	}
	arena_free(&a);
	return rc;
}

/* The demo's glossary (issue 19): names the demo stories use, {kind, English, Arabic, variants, note}.
 * museum-reopens.md (English) spells Omar Darwish "Omar Darweesh" once, so its editor shows the
 * glossary's warning. */
static const char *const glossary_demo[][5] = {
	{"place", "Amman", "عمّان", "Ammaan", "The capital; the Arabic keeps the shadda."},
	{"place", "Aqaba", "العقبة", "Akaba", ""},
	{"place", "Irbid", "إربد", "Irbed", ""},
	{"place", "Beirut", "بيروت", "Beyrouth", ""},
	{"place", "Geneva", "جنيف", "Genf\nGenève", ""},
	{"place", "Petra", "البتراء", "بيترا", "With the article and the final hamza."},
	{"place", "Wadi Musa", "وادي موسى", "Wadi Mousa", "The town at the entrance to Petra."},
	{"place", "Dead Sea", "البحر الميت", "", ""},
	{"organisation", "United Nations", "الأمم المتحدة", "", "Spell it out at first mention."},
	{"organisation", "Central Bank", "البنك المركزي", "", ""},
	{"title", "Prime Minister", "رئيس الوزراء", "", ""},
	{"person", "Omar Darwish", "عمر درويش", "Omar Darweesh\nOmar Darwich", "Accessibility consultant"},
	{"person", "Elena Marković", "إيلينا ماركوفيتش", "Elena Markovich", "UN-appointed facilitator"},
};

/* demo_breaking: raises a breaking banner in each edition linking its live blog (or, without one,
 * BREAKING_DEMO_KEY's story; none where both are missing), up for BREAKING_DEMO_DAYS. DB_OK or DB_ERROR. */
static int demo_breaking(struct demo_ctx *c)
{
	static const char *const lines[2][2] = {
		{"Flash floods in the south: roads closed and families evacuated, follow our live coverage",
		 "سيول في الجنوب: إغلاق طرق وإجلاء عائلات، تابعوا تغطيتنا المباشرة"},
		{"Parliament approves the Red Sea desalination plant: the vote and what it means for water bills",
		 "البرلمان يقر محطة التحلية على البحر الأحمر: تفاصيل التصويت وأثره على فواتير المياه"}};
	for (int ei = 0; ei < 2; ei++) {
		int live = c->live_ids[ei] != 0;
		int64_t link = live ? c->live_ids[ei] : c->breaking_ids[ei];
		if (!link)
			continue;
		struct db_breaking b = {.edition = ei ? "ar" : "en", .text = lines[live ? 0 : 1][ei], .link_article_id = link,
					.created_at = c->now, .expires_at = c->now + BREAKING_DEMO_DAYS * 86400};
		int64_t id, replaced;
		if (db_breaking_raise(c->db, &b, &id, &replaced) != DB_OK)
			return DB_ERROR;
	}
	return DB_OK;
}

/* demo_newsletter: two confirmed newsletter subscribers (issue 22), one per edition, so the newsroom's
 * counts and the queue have someone to send to; reserved example.org/example.net addresses (RFC 2606),
 * nothing leaves the machine (a demo site has no relay: mail goes to SITE/mail/). DB_OK or DB_ERROR. */
static int demo_newsletter(struct demo_ctx *c)
{
	static const struct {
		const char *email, *lang, *lists[2];
	} people[] = {{"reader@example.org", "en", {"digest", "breaking"}}, {"qari@example.net", "ar", {"digest", "breaking"}}};
	for (size_t i = 0; i < ARRAY_LEN(people); i++) {
		int64_t id;
		int created;
		if (db_nl_subscribe(c->db, people[i].email, people[i].lang, c->now - 86400, &id, &created) != DB_OK ||
		    db_begin(c->db) != DB_OK)
			return DB_ERROR;
		if (db_nl_set_lists(c->db, id, people[i].lang, people[i].lists, 2, c->now - 86400) != DB_OK ||
		    db_commit(c->db) != DB_OK) {
			db_rollback(c->db);
			return DB_ERROR;
		}
		if (db_nl_confirm(c->db, id, c->now - 86000) == DB_ERROR)
			return DB_ERROR;
	}
	return DB_OK;
}

/* demo_glossary: stores glossary_demo, in the caller's transaction. DB_OK or DB_ERROR. */
static int demo_glossary(struct demo_ctx *c)
{
	for (size_t i = 0; i < ARRAY_LEN(glossary_demo); i++) {
		struct db_glossary g = {.kind = glossary_demo[i][0], .name_en = glossary_demo[i][1],
					.name_ar = glossary_demo[i][2], .variants = glossary_demo[i][3],
					.note = glossary_demo[i][4], .updated_at = c->now};
		if (db_glossary_put(c->db, &g, NULL, NULL) != DB_OK)
			return DB_ERROR;
	}
	return DB_OK;
}

/* The demo's wire items (issue 23): source (0 English, 1 Arabic), guid, version, headline, summary, body HTML,
 * dateline, minutes ago, embargo in hours from now (0 none), pubstatus. */
static const struct {
	int src;
	const char *guid;
	int version;
	const char *headline, *summary, *body, *located;
	int ago, embargo_h;
	const char *pubstatus;
} wire_demo[] = {
	{0, "urn:demo-wire:2026:port-1", 1, "Port workers agree to return as talks resume",
	 "Union leaders said the strike would pause for a week.",
	 "<p>Dock workers will return to the container terminals on Monday, union leaders said.</p>", "ALEXANDRIA", 90, 0, NULL},
	{0, "urn:demo-wire:2026:port-1", 2, "Port workers return to the terminals as talks resume",
	 "Union leaders said the strike would pause for a week while wages are negotiated.",
	 "<p>Dock workers returned to the container terminals on Monday, union leaders said.</p>"
	 "<p>Talks on wages resume on Wednesday.</p>", "ALEXANDRIA", 90, 0, NULL},
	{0, "urn:demo-wire:2026:budget-embargo", 1, "Finance ministry to publish the spring budget",
	 "The figures are under embargo until the minister speaks.",
	 "<p>The budget is expected to raise spending on schools and water.</p>", "AMMAN", 30, 6, NULL},
	{0, "urn:demo-wire:2026:rally", 1, "Desert rally stage cancelled after sandstorm",
	 "Organisers cancelled the fourth stage.", "<p>The fourth stage was cancelled.</p>", "RIYADH", 300, 0, "canceled"},
	{1, "urn:demo-wire:2026:un-water", 1, "الأُمم المتّحدة تستأنف محادثات المياه في جنيف",
	 "يستأنف المفاوضون محادثات تقاسم المياه الأسبوع المقبل.",
	 "<p>قال دبلوماسيون إنّ الجولة الجديدة تبدأ يوم الاثنين في جنيف.</p>", "جنيف", 60, 0, NULL},
	{1, "urn:demo-wire:2026:heat", 1, "موجة حرّ جديدة تضرب المنطقة",
	 "توقّعت هيئة الأرصاد ارتفاع درجات الحرارة.", "<p>تتجاوز الحرارة أربعين درجة في المدن الساحلية.</p>", "دبي", 150, 0,
	 NULL},
};

/* demo_wires: two folder sources (an English and an Arabic agency) and their items on the Wires desk: one
 * updated to a second version, one under embargo, one withdrawn, in the caller's transaction. DB_OK or
 * DB_ERROR. */
static int demo_wires(struct demo_ctx *c)
{
	struct db_wire_source src[2] = {
		{.name = "Demo Wire", .kind = "folder", .credit = "Demo Wire", .lang = "en", .active = 1, .poll_interval = 600,
		 .created_at = c->now, .etag = "", .last_modified = ""},
		{.name = "وكالة الخليج التجريبية", .kind = "folder", .credit = "وكالة الخليج", .lang = "ar", .active = 1,
		 .poll_interval = 600, .created_at = c->now, .etag = "", .last_modified = ""}};
	for (int i = 0; i < 2; i++)
		if (db_wire_source_put(c->db, &src[i], &src[i].id) != DB_OK)
			return DB_ERROR;
	for (size_t i = 0; i < ARRAY_LEN(wire_demo); i++) {
		struct wire_item it = {.guid = wire_demo[i].guid, .version = wire_demo[i].version, .lang = "",
				       .headline = wire_demo[i].headline, .summary = wire_demo[i].summary,
				       .body_html = wire_demo[i].body, .located = wire_demo[i].located,
				       .pubstatus = wire_demo[i].pubstatus, .urgency = 3,
				       .embargoed = wire_demo[i].embargo_h ? c->now + wire_demo[i].embargo_h * 3600 : 0};
		int64_t id;
		enum db_wire_outcome out;
		if (wires_ingest(c->db, &src[wire_demo[i].src], &it, c->now - wire_demo[i].ago * 60, &id, &out) != DB_OK)
			return DB_ERROR;
	}
	return DB_OK;
}

/* demo_push: one sent alert on /admin/push (issue 21), in the caller's transaction: the demo has no
 * readers' devices, so its counts are all 0 until a reader turns alerts on. DB_OK or DB_ERROR. */
static int demo_push(struct demo_ctx *c)
{
	struct db_push_alert a = {.edition = "en", .title = "Breaking: night buses extended to the eastern districts",
				  .body = "The city's transport board approved the new routes this morning.", .url = "/en/",
				  .source = ""};
	int64_t id, queued;
	return db_push_alert_create(c->db, &a, c->now - 240, &id, &queued);
}

/* demo_issue: edition ei's sent-looking issue (issue 22): its top three stories, 'sending' with no
 * subscriber of the demo's (db_mail_enqueue_issue), then three readers' rows queued. *id gets it. One
 * transaction. DB_OK or DB_ERROR. */
static int demo_issue(struct demo_ctx *c, struct arena *a, int ei, int64_t *id)
{
	static const char *const subjects[2] = {"The week in the Levant", "أسبوع المشرق"};
	static const char *const intros[2] = {
		"Good morning. The stories our readers followed most this week, and what to watch next.",
		"صباح الخير. القصص التي تابعها قراؤنا أكثر من غيرها هذا الأسبوع، وما ينبغي متابعته بعدها."};
	static const char *const readers[] = {"reader1@example.com", "reader2@example.com", "reader3@example.com"};
	const char *ed = ei ? "ar" : "en";
	struct db_article_query q = {.edition = ed, .top_only = 1, .limit = 3};
	struct db_article *arts = NULL;
	size_t n = 0;
	if (db_articles_list(c->db, a, &q, &arts, &n) != DB_OK)
		return DB_ERROR;
	struct buf ids = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_printf(&ids, "%s%lld", i ? "," : "", (long long)arts[i].id);
	struct db_nl_issue is = {.edition = ed, .list = "digest", .kind = "issue", .subject = subjects[ei],
				 .preheader = "", .intro_md = intros[ei], .article_ids = arena_strdup(a, buf_cstr(&ids)),
				 .state = "scheduled", .send_at = c->now - 3600};
	buf_free(&ids);
	int64_t queued = 0, row = 0;
	int rc = db_begin(c->db);
	if (rc == DB_OK)
		rc = db_nl_issue_create(c->db, &is, c->now - 7200, id);
	if (rc == DB_OK)
		rc = db_mail_enqueue_issue(c->db, *id, "example.com", "demo", c->now - 3600, &queued);
	for (size_t i = 0; rc == DB_OK && i < ARRAY_LEN(readers); i++)
		rc = db_mail_enqueue(c->db, "issue", *id, 0, readers[i], "example.com", "demo", c->now - 3600, &row);
	if (rc == DB_OK)
		return db_commit(c->db);
	db_rollback(c->db);
	return DB_ERROR;
}

/* demo_newsletters: one sent issue per edition on /admin/newsletters with small counts: each edition's
 * readers' rows claimed and recorded (the last one failed, the others sent), then the issues finished.
 * Its own transactions. DB_OK or DB_ERROR. */
static int demo_newsletters(struct demo_ctx *c)
{
	struct arena a = ARENA_INIT;
	int64_t id = 0, finished = 0;
	struct db_mail_job *jobs = NULL;
	size_t n = 0;
	int rc = demo_issue(c, &a, 0, &id);
	if (rc == DB_OK)
		rc = demo_issue(c, &a, 1, &id);
	if (rc == DB_OK)
		rc = db_mail_claim(c->db, &a, c->now, 100, c->now + 60, 1, &jobs, &n);
	struct db_mail_result *r = arena_alloc(&a, (n ? n : 1) * sizeof *r);
	for (size_t i = 0; i < n; i++)
		r[i] = (struct db_mail_result){jobs[i].id, 1, i % 3 == 2 ? "failed" : "sent", 1, 0,
					       i % 3 == 2 ? "550 mailbox unavailable (demo)" : ""};
	if (rc == DB_OK && n)
		rc = db_mail_record(c->db, r, n, c->now - 3500);
	if (rc == DB_OK)
		rc = db_mail_finish_issues(c->db, c->now - 3500, &finished);
	arena_free(&a);
	return rc;
}

/* demo_senders: the Arabic edition's digest and breaking lists get a sender of their own (an Arabic
 * display name, and a Reply-To for the digest) on /admin/newsletters/senders; the English lists keep the
 * site's. DB_OK or DB_ERROR. */
static int demo_senders(struct demo_ctx *c)
{
	static const struct db_nl_sender senders[] = {
		{.edition = "ar", .list = "digest", .from_name = "برودشيت — النشرة اليومية", .from_addr = "",
		 .reply_to = "letters@example.com"},
		{.edition = "ar", .list = "breaking", .from_name = "برودشيت — عاجل", .from_addr = "", .reply_to = ""}};
	for (size_t i = 0; i < sizeof senders / sizeof *senders; i++)
		if (db_nl_sender_set(c->db, &senders[i], c->now - 86400) != DB_OK)
			return DB_ERROR;
	return DB_OK;
}

/* demo_extras: what the newsroom's features show a newcomer, inside demo_fill's transaction: related
 * stories, the translation desk's cases, live blogs, the glossary, push, wires and old WordPress addresses.
 * DB_OK, or the first failure's code (the caller rolls back). */
static int demo_extras(struct demo_ctx *c)
{
	int (*const steps[])(struct demo_ctx *) = {demo_related, demo_desk_drift, demo_desk_untranslated, demo_live,
						   demo_glossary, demo_push, demo_wires, demo_legacy};
	for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
		int rc = steps[i](c);
		if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

int demo_fill(const char *dir, long nsynthetic, int drawn, char *err, size_t errlen)
{
	struct config cfg;
	if (site_load_config(dir, &cfg, err, errlen) < 0)
		return -1;
	char url[PATH_MAX + 16];
	if (site_db_url(dir, &cfg, url, sizeof url) < 0) {
		snprintf(err, errlen, "site path too long");
		return -1;
	}
	struct demo_ctx c = {.dir = dir, .now = util_now(), .drawn = drawn, .err = err, .errlen = errlen};
	char keypath[PATH_MAX];
	snprintf(keypath, sizeof keypath, "%s/secret.key", dir);
	if (auth_init() < 0 || auth_load_secret(keypath, c.secret) < 0) {
		snprintf(err, errlen, "cannot read %s", keypath);
		return -1;
	}
	c.db = db_open(url, err, errlen);
	if (!c.db)
		return -1;
	int rc = -1;
	const struct embedded_file *topics = embedded_find("demo/topics.tsv");
	if (!topics) {
		snprintf(err, errlen, "demo topics missing from the build");
		goto out;
	}
	if (db_begin(c.db) != DB_OK)
		goto dberr;
	if (site_set_texts(c.db, &demo_texts) != DB_OK)
		goto rollback;
	for (int ei = 0; ei < 2; ei++) {
		for (size_t i = 0; i < ARRAY_LEN(sections); i++) {
			struct db_section s = {.edition = ei ? "ar" : "en", .slug = sections[i].slug,
					       .name = ei ? sections[i].ar : sections[i].en, .position = (int)i + 1};
			if (db_section_put(c.db, &s, &c.section_ids[ei][i]) != DB_OK)
				goto rollback;
		}
	}
	/* topics.tsv: a header line, then key<TAB>section<TAB>premise */
	char *list = xstrndup(topics->data, topics->len);
	int idx = 0, failed = 0;
	long total = 0;
	for (const char *p = list; *p; p++)
		total += *p == '\n';
	total = (total - 1) * 2;
	char *save = NULL;
	strtok_r(list, "\n", &save);
	for (char *line = strtok_r(NULL, "\n", &save); line && !failed; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		if (add_sample(&c, "en", line, idx) < 0 || add_sample(&c, "ar", line, idx) < 0)
			failed = 1;
		idx++;
		progress(idx * 2L, total);
	}
	free(list);
	if (failed) {
		db_rollback(c.db);
		goto out;
	}
	if (demo_extras(&c) != DB_OK)
		goto rollback;
	if (db_commit(c.db) != DB_OK)
		goto dberr;
	/* synthetic articles in batches, each batch one transaction */
	for (long i = 0; i < nsynthetic; i += 500) {
		if (db_begin(c.db) != DB_OK)
			goto dberr;
		long end = i + 500 < nsynthetic ? i + 500 : nsynthetic;
		for (long k = i; k < end; k++) {
			if (add_synthetic(&c, k) < 0) {
				db_rollback(c.db);
				goto out;
			}
		}
		if (db_commit(c.db) != DB_OK)
			goto dberr;
		progress(end, nsynthetic);
	}
	if (demo_accounts(&c) < 0 || demo_audit(&c) < 0)
		goto out;
	if (demo_breaking(&c) != DB_OK) /* its own transaction (db_breaking_raise) */
		goto dberr;
	if (demo_newsletter(&c) != DB_OK || demo_newsletters(&c) != DB_OK || /* subscribers, then issues: own transactions */
	    demo_senders(&c) != DB_OK)
		goto dberr;
	rc = 0;
	goto out;
rollback:
	db_rollback(c.db);
dberr:
	snprintf(err, errlen, "database error while creating the demo (see the log above)");
out:
	db_close(c.db);
	return rc;
}
