/* test_render.c - unit tests for the shipped page templates and the pure helpers of src/render.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "arena.h"
#include "buf.h"
#include "catalog.h"
#include "datefmt.h"
#include "db.h"
#include "embedded.h"
#include "http.h"
#include "render.h"
#include "tmpl.h"

/* fill: sets every variable of v (schema s): TEXT to "<name>", BOOL to on, LIST to one filled item
 * (two levels deep at most, which covers every schema in render.c). */
static void fill(struct view *v, const struct tmpl_field *s, int on, int depth)
{
	for (size_t i = 0; s[i].name; i++) {
		switch (s[i].type) {
		case TMPL_TEXT: view_text(v, s[i].name, s[i].name); break;
		case TMPL_HTML: view_html(v, s[i].name, "<p>markup</p>"); break;
		case TMPL_BOOL: view_bool(v, s[i].name, on); break;
		case TMPL_LIST:
			if (depth < 3)
				fill(view_add(v, s[i].name), s[i].item, on, depth + 1);
			else
				view_list_empty(v, s[i].name);
			break;
		}
	}
}

static void test_load_shipped_templates(void **state)
{
	(void)state;
	char err[512] = "unchanged";
	struct render *r = render_load(err, sizeof err);
	if (!r)
		fail_msg("render_load: %s", err);
	assert_string_equal(err, ""); /* no message on success */
	render_free(r);
	render_free(NULL);
}

static void test_every_page_renders_when_filled(void **state)
{
	(void)state;
	char err[512];
	struct render *r = render_load(err, sizeof err);
	assert_non_null(r);
	for (int on = 0; on <= 3; on++) { /* 0, 1: English newsroom; 2, 3: Arabic (catalogue compiled in) */
		enum catalog_lang lang = on >= 2 ? CATALOG_AR : CATALOG_EN;
		for (int k = 0; k < RENDER_NPAGES; k++) {
			struct arena a = ARENA_INIT;
			struct buf out = BUF_INIT;
			struct view *v = view_new(&a, render_schema((enum render_page)k));
			fill(v, render_schema((enum render_page)k), on % 2, 0);
			int admin = k >= RENDER_LOGIN; /* the newsroom speaks lang; reader pages their edition's */
			int rtl = !admin || lang == CATALOG_AR;
			view_text(v, "lang", rtl ? "ar" : "en");
			view_text(v, "dir", rtl ? "rtl" : "ltr");
			view_text(v, "title", "<Title> & \"quotes\"");
			assert_int_equal(render_page_lang(r, (enum render_page)k, lang, v, &out), 0);
			const char *html = buf_cstr(&out);
			const char *head = rtl ? "<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">"
					       : "<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">";
			assert_int_equal(strncmp(html, head, strlen(head)), 0);
			const char *title = !admin ? "<title>&lt;Title&gt; &amp; &quot;quotes&quot;</title>"
					    : lang == CATALOG_AR ? "<title>&lt;Title&gt; &amp; &quot;quotes&quot; | غرفة الأخبار</title>"
								 : "<title>&lt;Title&gt; &amp; &quot;quotes&quot; | Newsroom</title>";
			assert_non_null(strstr(html, title));
			assert_null(strstr(html, "<Title>"));
			assert_non_null(strstr(html, "</html>"));
			/* every tag was consumed */
			assert_null(strstr(html, "{{"));
			assert_null(strstr(html, "}}"));
			buf_free(&out);
			arena_free(&a);
		}
	}
	render_free(r);
}

static void test_error_page(void **state)
{
	(void)state;
	char err[512];
	struct render *r = render_load(err, sizeof err);
	assert_non_null(r);
	struct arena a = ARENA_INIT;
	struct buf out = BUF_INIT;
	const struct tmpl_field *s = render_schema(RENDER_ERROR);
	struct view *v = view_new(&a, s);
	fill(v, s, 1, 0);
	view_text(v, "status", "404");
	view_text(v, "heading", "<script>alert(1)</script>");
	view_text(v, "message", "الصفحة غير موجودة");
	view_text(v, "home_href", "/ar/");
	view_text(v, "t_back_home", "العودة إلى الصفحة الرئيسية");
	assert_int_equal(render_page(r, RENDER_ERROR, v, &out), 0);
	const char *html = buf_cstr(&out);
	assert_non_null(strstr(html, "<p class=\"status\">404</p>"));
	assert_non_null(strstr(html, "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"));
	assert_null(strstr(html, "<script>"));
	assert_non_null(strstr(html, "<p>الصفحة غير موجودة</p>"));
	assert_non_null(strstr(html, "<a href=\"/ar/\">العودة إلى الصفحة الرئيسية</a>"));

	/* a page whose handler forgot a variable is refused, not half-rendered into a reply */
	struct view *fresh = view_new(&a, s);
	for (size_t i = 0; s[i].name; i++) {
		if (strcmp(s[i].name, "heading") == 0)
			continue;
		switch (s[i].type) {
		case TMPL_TEXT: view_text(fresh, s[i].name, "x"); break;
		case TMPL_HTML: view_html(fresh, s[i].name, ""); break;
		case TMPL_BOOL: view_bool(fresh, s[i].name, 0); break;
		case TMPL_LIST: view_list_empty(fresh, s[i].name); break;
		}
	}
	buf_reset(&out);
	fprintf(stderr, "(an error line about 'heading' is expected next)\n");
	assert_int_equal(render_page(r, RENDER_ERROR, fresh, &out), -1);
	buf_free(&out);
	arena_free(&a);
	render_free(r);
}

/* shipped: the embedded source of a template partial */
static const char *shipped(void *ctx, const char *name, size_t *len)
{
	(void)ctx;
	char path[128];
	snprintf(path, sizeof path, "templates/%s.html", name);
	const struct embedded_file *f = embedded_find(path);
	if (!f)
		return NULL;
	*len = f->len;
	return f->data;
}

static void test_schema_rejects_unknown(void **state)
{
	(void)state;
	char err[256];
	const char *src = "{{>frame_head}}\n<p>{{status}}</p>\n<p>{{no_such_field}}</p>\n{{>frame_foot}}";
	struct tmpl *t = tmpl_compile("templates/bad.html", src, strlen(src), render_schema(RENDER_ERROR), shipped,
				      NULL, err, sizeof err);
	assert_null(t);
	assert_string_equal(err, "templates/bad.html:3: unknown variable 'no_such_field'");
	/* the same template without the bad line compiles against the error schema ... */
	src = "{{>frame_head}}\n<p>{{status}}</p>\n{{>frame_foot}}";
	t = tmpl_compile("templates/ok.html", src, strlen(src), render_schema(RENDER_ERROR), shipped, NULL, err,
			 sizeof err);
	assert_non_null(t);
	tmpl_free(t);
	/* ... but not against the article schema, which has no status */
	t = tmpl_compile("templates/ok.html", src, strlen(src), render_schema(RENDER_ARTICLE), shipped, NULL, err,
			 sizeof err);
	assert_null(t);
	assert_string_equal(err, "templates/ok.html:2: unknown variable 'status'");
	/* the article body is markup and cannot be filtered; the headline is text and cannot be a list */
	src = "{{body|url}}";
	t = tmpl_compile("a.html", src, strlen(src), render_schema(RENDER_ARTICLE), shipped, NULL, err, sizeof err);
	assert_null(t);
	assert_string_equal(err, "a.html:1: 'body' is markup; it takes no filter");
	src = "{{#nav}}{{headline}}{{/nav}}";
	t = tmpl_compile("a.html", src, strlen(src), render_schema(RENDER_FRONT), shipped, NULL, err, sizeof err);
	assert_null(t);
	assert_string_equal(err, "a.html:1: unknown variable 'headline'");
}

static void test_helpers(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	assert_string_equal(render_edition("en"), "en");
	assert_string_equal(render_edition("ar"), "ar");
	assert_null(render_edition("fr"));
	assert_null(render_edition("EN"));
	assert_null(render_edition(""));
	assert_null(render_edition(NULL));
	assert_null(render_edition("en/"));

	int64_t t = datefmt_from_civil(2018, 1, 23, 5, 1, 0);
	assert_string_equal(render_stamp(&a, t, "en"), "GMT 05:01 2018 Tuesday ,23 January");
	assert_string_equal(render_stamp(&a, t, "ar"), "GMT 05:01 2018 الثلاثاء ,23 يناير");
	assert_string_equal(render_iso(&a, t), "2018-01-23T05:01:00Z");

	assert_string_equal(render_href(&a, "en", "section", "world-news"), "/en/section/world-news");
	assert_string_equal(render_href(&a, "ar", "tag", "الطيران"), "/ar/tag/%D8%A7%D9%84%D8%B7%D9%8A%D8%B1%D8%A7%D9%86");
	assert_string_equal(render_href(&a, "en", "tag", "a/b?c"), "/en/tag/a%2Fb%3Fc");

	struct db_article art;
	memset(&art, 0, sizeof art);
	art.edition = "en";
	art.slug = "some-slug";
	art.published_at = datefmt_from_civil(2026, 11, 25, 23, 59, 59);
	assert_string_equal(render_article_href(&a, &art), "/en/2026/11/25/some-slug");
	art.edition = "ar";
	art.slug = "خبر";
	art.published_at = datefmt_from_civil(2026, 3, 5, 0, 0, 0);
	assert_string_equal(render_article_href(&a, &art), "/ar/2026/03/05/%D8%AE%D8%A8%D8%B1");
	arena_free(&a);
}

/* write_file: writes a NUL-terminated text to dir/name. */
static void write_file(const char *dir, const char *name, const char *text, size_t len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* templates from $BROADSHEET_TEMPLATE_DIR are held to the same schemas as the built-in ones */
static void test_template_dir(void **state)
{
	(void)state;
	char err[512];
	setenv("BROADSHEET_TEMPLATE_DIR", "/nonexistent-broadsheet-dir", 1);
	struct render *r = render_load(err, sizeof err);
	assert_null(r);
	assert_string_equal(err, "templates/front.html: template not found in /nonexistent-broadsheet-dir");

	char dir[] = "/tmp/broadsheet-tmpl-XXXXXX";
	assert_non_null(mkdtemp(dir));
	size_t ncopied = 0;
	for (const struct embedded_file *f = embedded_files; f->path; f++) {
		if (strncmp(f->path, "templates/", 10) != 0)
			continue;
		write_file(dir, f->path + 10, f->data, f->len);
		ncopied++;
	}
	assert_true(ncopied >= 6);
	setenv("BROADSHEET_TEMPLATE_DIR", dir, 1);
	r = render_load(err, sizeof err);
	if (!r)
		fail_msg("copied templates: %s", err);
	render_free(r);

	static const char bad[] = "{{>frame_head}}\n<p>{{status}} {{nope}}</p>\n{{>frame_foot}}\n";
	write_file(dir, "error.html", bad, sizeof bad - 1);
	r = render_load(err, sizeof err);
	assert_null(r);
	assert_string_equal(err, "templates/error.html:2: unknown variable 'nope'");

	/* an empty value means the built-in templates */
	setenv("BROADSHEET_TEMPLATE_DIR", "", 1);
	r = render_load(err, sizeof err);
	assert_non_null(r);
	render_free(r);
	unsetenv("BROADSHEET_TEMPLATE_DIR");

	for (const struct embedded_file *f = embedded_files; f->path; f++) {
		if (strncmp(f->path, "templates/", 10) != 0)
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s/%s", dir, f->path + 10);
		assert_int_equal(unlink(path), 0);
	}
	assert_int_equal(rmdir(dir), 0);
}

static int no_template_dir(void **state)
{
	(void)state;
	unsetenv("BROADSHEET_TEMPLATE_DIR");
	return 0;
}

/* render_newsroom_lang is worked out once a request and kept: the person's stored choice changing during
 * the request leaves the page in the language it began in; another session is asked again; the API's
 * messages are in English whatever its key's owner chose. */
static void test_newsroom_lang_once(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct db_session first, other;
	memset(&first, 0, sizeof first);
	memset(&other, 0, sizeof other);
	first.user.lang = "ar";
	other.user.lang = "en";
	struct http_request req;
	memset(&req, 0, sizeof req);
	req.arena = &a;
	req.path = "/admin/";
	req.session = &first;
	assert_int_equal(render_newsroom_lang(&req), CATALOG_AR);
	first.user.lang = "en"; /* (not asked again: the answer is kept) */
	assert_int_equal(render_newsroom_lang(&req), CATALOG_AR);
	req.session = &other;
	assert_int_equal(render_newsroom_lang(&req), CATALOG_EN);
	struct http_request api;
	memset(&api, 0, sizeof api);
	api.arena = &a;
	api.path = "/api/v1/admin/articles";
	first.user.lang = "ar";
	api.session = &first;
	assert_int_equal(render_newsroom_lang(&api), CATALOG_EN);
	arena_free(&a);
}

static void test_count_labels(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	assert_string_equal(render_count_label(&a, 1, "en"), "1 comment");
	assert_string_equal(render_count_label(&a, 0, "en"), "0 comments");
	assert_string_equal(render_count_label(&a, 12, "en"), "12 comments");
	assert_string_equal(render_count_label(&a, 1, "ar"), "تعليق واحد");
	assert_string_equal(render_count_label(&a, 2, "ar"), "تعليقان");
	assert_string_equal(render_count_label(&a, 3, "ar"), "3 تعليقات");
	assert_string_equal(render_count_label(&a, 10, "ar"), "10 تعليقات");
	assert_string_equal(render_count_label(&a, 11, "ar"), "11 تعليقاً");
	assert_string_equal(render_count_label(&a, 103, "ar"), "103 تعليقات");
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_shipped_templates), cmocka_unit_test(test_every_page_renders_when_filled),
		cmocka_unit_test(test_error_page),             cmocka_unit_test(test_schema_rejects_unknown),
		cmocka_unit_test(test_helpers),                cmocka_unit_test(test_template_dir),
		cmocka_unit_test(test_count_labels),           cmocka_unit_test(test_newsroom_lang_once),
	};
	return cmocka_run_group_tests_name("render", tests, no_template_dir, no_template_dir);
}
