/* test_tmpl.c - unit tests for the template compiler and renderer (src/tmpl.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "buf.h"
#include "tmpl.h"

static const struct tmpl_field tag_fields[] = {{"tag", TMPL_TEXT, NULL}, {NULL, 0, NULL}};

static const struct tmpl_field item_fields[] = {{"title", TMPL_TEXT, NULL},
						{"featured", TMPL_BOOL, NULL},
						{"tags", TMPL_LIST, tag_fields},
						{NULL, 0, NULL}};

/* an item schema that shadows the outer "name" */
static const struct tmpl_field shadow_fields[] = {{"name", TMPL_TEXT, NULL}, {NULL, 0, NULL}};

static const struct tmpl_field schema[] = {
	{"name", TMPL_TEXT, NULL},  {"body", TMPL_HTML, NULL},          {"show", TMPL_BOOL, NULL},
	{"q", TMPL_TEXT, NULL},     {"items", TMPL_LIST, item_fields},  {"people", TMPL_LIST, shadow_fields},
	{NULL, 0, NULL}};

/* partials: a small fixed set; NULL for anything else */
static const char *partials(void *ctx, const char *name, size_t *len)
{
	int *calls = ctx;
	if (calls)
		(*calls)++;
	static const struct {
		const char *name, *src;
	} set[] = {
		{"head", "<h1>{{name}}</h1>"},
		{"item", "<li>{{title}}</li>"},
		{"bad", "fine\n{{oops}}"},
		{"loop", "x{{>loop}}"},
		{"closer", "{{/show}}"},
		{"opener", "{{#show}}"},
	};
	for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
		if (strcmp(set[i].name, name) == 0) {
			*len = strlen(set[i].src);
			return set[i].src;
		}
	}
	return NULL;
}

struct fixture {
	struct arena arena;
	struct buf out;
	char err[256];
	struct tmpl *t;
};

static int setup(void **state)
{
	static struct fixture f;
	memset(&f, 0, sizeof f);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	tmpl_free(f->t);
	f->t = NULL;
	buf_free(&f->out);
	arena_free(&f->arena);
	return 0;
}

/* compile: compiles src against schema (with partials) into f->t; fails the test on error. */
static struct tmpl *compile(struct fixture *f, const char *src)
{
	tmpl_free(f->t);
	f->t = tmpl_compile("test.html", src, strlen(src), schema, partials, NULL, f->err, sizeof f->err);
	if (!f->t)
		fail_msg("compile failed: %s", f->err);
	assert_string_equal(f->err, "");
	return f->t;
}

/* render: renders f->t with v and returns the output (owned by f->out). */
static const char *render(struct fixture *f, const struct view *v)
{
	const char *missing = NULL;
	buf_reset(&f->out);
	int rc = tmpl_render(f->t, v, &f->out, &missing);
	if (rc != 0)
		fail_msg("render failed: '%s' not set", missing ? missing : "?");
	return buf_cstr(&f->out);
}

/* full_view: a view with every top-level variable set to something harmless. */
static struct view *full_view(struct fixture *f)
{
	struct view *v = view_new(&f->arena, schema);
	view_text(v, "name", "N");
	view_html(v, "body", "");
	view_bool(v, "show", 0);
	view_text(v, "q", "");
	view_list_empty(v, "items");
	view_list_empty(v, "people");
	return v;
}

/* compile_err: asserts src fails to compile under name and the message is exactly want. */
static void compile_err(const char *name, const char *src, tmpl_partial_fn fn, const char *want)
{
	char err[256];
	memset(err, 'X', sizeof err);
	struct tmpl *t = tmpl_compile(name, src, strlen(src), schema, fn, NULL, err, sizeof err);
	assert_null(t);
	assert_string_equal(err, want);
}

static void test_text_and_escaping(void **state)
{
	struct fixture *f = *state;
	compile(f, "Hello {{name}}!");
	struct view *v = full_view(f);
	view_text(v, "name", "<b>\"Tom\" & 'Jerry'</b>");
	assert_string_equal(render(f, v), "Hello &lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;!");
	/* later sets win; NULL is empty; textn takes a length */
	view_text(v, "name", NULL);
	assert_string_equal(render(f, v), "Hello !");
	view_textn(v, "name", "Arabic عربي and more", 15);
	assert_string_equal(render(f, v), "Hello Arabic عربي!");
	/* spaces inside the braces are allowed */
	compile(f, "[{{ name }}]");
	view_text(v, "name", "x");
	assert_string_equal(render(f, v), "[x]");
	/* a template with no tags is copied verbatim, single braces included */
	compile(f, "plain { text } here");
	assert_string_equal(render(f, v), "plain { text } here");
	compile(f, "");
	assert_string_equal(render(f, v), "");
}

static void test_html_is_raw(void **state)
{
	struct fixture *f = *state;
	compile(f, "<div>{{body}}</div>");
	struct view *v = full_view(f);
	view_html(v, "body", "<p class=\"x\">a &amp; b</p>");
	assert_string_equal(render(f, v), "<div><p class=\"x\">a &amp; b</p></div>");
}

static void test_url_and_json_filters(void **state)
{
	struct fixture *f = *state;
	struct view *v = full_view(f);
	view_text(v, "q", "a b/ج");
	compile(f, "<a href=\"/search?q={{q|url}}\">");
	assert_string_equal(render(f, v), "<a href=\"/search?q=a%20b%2F%D8%AC\">");
	compile(f, "{{ q | url }}");
	assert_string_equal(render(f, v), "a%20b%2F%D8%AC");
	view_text(v, "q", "</script>\"\\\n");
	compile(f, "<script>var q = \"{{q|json}}\";</script>");
	assert_string_equal(render(f, v), "<script>var q = \"\\u003c/script\\u003e\\\"\\\\\\n\";</script>");
	/* without a filter the same text is HTML-escaped */
	compile(f, "{{q}}");
	assert_string_equal(render(f, v), "&lt;/script&gt;&quot;\\\n");
}

static void test_list_sections(void **state)
{
	struct fixture *f = *state;
	compile(f, "<ul>{{#items}}<li>{{title}} ({{name}})</li>{{/items}}</ul>");
	struct view *v = full_view(f);
	assert_string_equal(render(f, v), "<ul></ul>");
	const char *titles[] = {"one", "<two>", "three"};
	for (int i = 0; i < 3; i++) {
		struct view *it = view_add(v, "items");
		view_text(it, "title", titles[i]);
		view_bool(it, "featured", i == 1);
		view_list_empty(it, "tags");
	}
	assert_string_equal(render(f, v), "<ul><li>one (N)</li><li>&lt;two&gt; (N)</li><li>three (N)</li></ul>");
	/* a bool of the item scope inside the list */
	compile(f, "{{#items}}{{#featured}}*{{/featured}}{{title}};{{/items}}");
	assert_string_equal(render(f, v), "one;*&lt;two&gt;;three;");
}

static void test_nested_scopes(void **state)
{
	struct fixture *f = *state;
	/* three scopes: tag (innermost), item, page */
	compile(f, "{{#items}}{{title}}:{{#tags}}{{tag}}/{{title}}/{{name}},{{/tags}}|{{/items}}{{name}}");
	struct view *v = full_view(f);
	view_text(v, "name", "P");
	struct view *a = view_add(v, "items");
	view_text(a, "title", "A");
	view_bool(a, "featured", 0);
	view_text(view_add(a, "tags"), "tag", "t1");
	view_text(view_add(a, "tags"), "tag", "t2");
	struct view *b = view_add(v, "items");
	view_text(b, "title", "B");
	view_bool(b, "featured", 0);
	view_list_empty(b, "tags");
	assert_string_equal(render(f, v), "A:t1/A/P,t2/A/P,|B:|P");
	/* many items: the list grows past its first allocation */
	compile(f, "{{#items}}{{title}}{{/items}}");
	for (int i = 0; i < 20; i++) {
		struct view *it = view_add(v, "items");
		view_text(it, "title", "x");
	}
	assert_string_equal(render(f, v), "AB" "xxxxxxxxxx" "xxxxxxxxxx");
}

static void test_shadowing(void **state)
{
	struct fixture *f = *state;
	/* inside "people" {{name}} is the item's name, outside it is the page's */
	compile(f, "{{name}}:{{#people}}{{name}},{{/people}}{{name}}");
	struct view *v = full_view(f);
	view_text(v, "name", "page");
	view_text(view_add(v, "people"), "name", "amal");
	view_text(view_add(v, "people"), "name", "omar");
	assert_string_equal(render(f, v), "page:amal,omar,page");
}

static void test_bool_and_inverted(void **state)
{
	struct fixture *f = *state;
	compile(f, "{{#show}}yes{{/show}}{{^show}}no{{/show}}");
	struct view *v = full_view(f);
	view_bool(v, "show", 1);
	assert_string_equal(render(f, v), "yes");
	view_bool(v, "show", 0);
	assert_string_equal(render(f, v), "no");
	view_bool(v, "show", 42);
	assert_string_equal(render(f, v), "yes");
	/* inverted over a list: shown only when it is empty */
	compile(f, "{{^items}}none{{/items}}{{#items}}{{title}}{{/items}}");
	assert_string_equal(render(f, v), "none");
	struct view *it = view_add(v, "items");
	view_text(it, "title", "first");
	assert_string_equal(render(f, v), "first");
	/* sections nest */
	compile(f, "{{#show}}a{{^show}}never{{/show}}{{#q}}b{{/q}}{{/show}}");
	view_bool(v, "show", 1);
	view_text(v, "q", "x");
	assert_string_equal(render(f, v), "ab");
}

static void test_text_truthiness(void **state)
{
	struct fixture *f = *state;
	compile(f, "{{#q}}Q={{q}}{{/q}}{{^q}}empty{{/q}}");
	struct view *v = full_view(f);
	view_text(v, "q", "");
	assert_string_equal(render(f, v), "empty");
	view_text(v, "q", NULL);
	assert_string_equal(render(f, v), "empty");
	view_text(v, "q", "x&y");
	assert_string_equal(render(f, v), "Q=x&amp;y");
	/* HTML values are truthy when non-empty too */
	compile(f, "{{#body}}<div>{{body}}</div>{{/body}}");
	view_html(v, "body", "");
	assert_string_equal(render(f, v), "");
	view_html(v, "body", "<b>b</b>");
	assert_string_equal(render(f, v), "<div><b>b</b></div>");
}

static void test_partials(void **state)
{
	struct fixture *f = *state;
	int calls = 0;
	const char *src = "{{>head}}<ul>{{#items}}{{>item}}{{/items}}</ul>";
	f->t = tmpl_compile("page.html", src, strlen(src), schema, partials, &calls, f->err, sizeof f->err);
	assert_non_null(f->t);
	assert_int_equal(calls, 2); /* partials are read at compile time only */
	struct view *v = full_view(f);
	view_text(v, "name", "<Title>");
	view_text(view_add(v, "items"), "title", "a");
	view_text(view_add(v, "items"), "title", "b&c");
	assert_string_equal(render(f, v), "<h1>&lt;Title&gt;</h1><ul><li>a</li><li>b&amp;c</li></ul>");
	assert_int_equal(calls, 2);
}

static void test_comments(void **state)
{
	struct fixture *f = *state;
	compile(f, "a{{! a comment naming {{nothing }}b{{!another}}c");
	struct view *v = full_view(f);
	assert_string_equal(render(f, v), "abc");
	/* a comment may span lines, and line counting continues after it */
	compile_err("c.html", "{{! one\ntwo\nthree }}\n{{nope}}", NULL, "c.html:4: unknown variable 'nope'");
}

static void test_compile_errors(void **state)
{
	(void)state;
	compile_err("page.html", "line one\nline two {{nope}}", partials, "page.html:2: unknown variable 'nope'");
	compile_err("page.html", "{{#show}}\nbody\n", partials, "page.html:3: section 'show' is not closed");
	compile_err("page.html", "{{#show}}{{#q}}{{/show}}{{/q}}", partials, "page.html:1: '{{/show}}' closes 'q'");
	compile_err("page.html", "\n\n{{/show}}", partials, "page.html:3: '{{/show}}' closes nothing");
	compile_err("page.html", "{{name|upper}}", partials, "page.html:1: unknown filter 'upper'");
	compile_err("page.html", "x\n{{>missing}}", partials, "page.html:2: unknown partial 'missing'");
	compile_err("page.html", "{{>head}}", NULL, "page.html:1: unknown partial 'head'");
	compile_err("page.html", "{{items}}", partials, "page.html:1: 'items' is a list, not printable");
	compile_err("page.html", "{{show}}", partials, "page.html:1: 'show' is a flag, not printable");
	compile_err("page.html", "{{body|url}}", partials, "page.html:1: 'body' is markup; it takes no filter");
	compile_err("page.html", "{{body|json}}", partials, "page.html:1: 'body' is markup; it takes no filter");
	compile_err("page.html", "{{#q|url}}{{/q}}", partials, "page.html:1: filters apply to variables only");
	compile_err("page.html", "a\nb {{name", partials, "page.html:2: '{{' without '}}'");
	compile_err("page.html", "{{ }}", partials, "page.html:1: empty tag");
	compile_err("page.html", "{{Name}}", partials, "page.html:1: bad character in name 'Name'");
	compile_err("page.html", "{{#}}", partials, "page.html:1: bad variable name");
	/* item fields are only in scope inside their list section */
	compile_err("page.html", "{{#items}}{{/items}}{{title}}", partials, "page.html:1: unknown variable 'title'");
	compile_err("page.html", "{{^items}}{{title}}{{/items}}", partials, "page.html:1: unknown variable 'title'");
	compile_err("page.html", "{{#show}}{{title}}{{/show}}", partials, "page.html:1: unknown variable 'title'");
	/* an error inside a partial names the partial and its own line */
	compile_err("page.html", "a\nb\n{{>bad}}", partials, "bad:2: unknown variable 'oops'");
	/* a partial that includes itself is stopped */
	compile_err("page.html", "{{>loop}}", partials, "loop:1: partials nested too deeply at 'loop'");
}

/* a partial must close only what it opened, and leave nothing open */
static void test_partial_section_balance(void **state)
{
	(void)state;
	char err[256];
	const char *src = "{{#show}}{{>closer}}";
	struct tmpl *t = tmpl_compile("page.html", src, strlen(src), schema, partials, NULL, err, sizeof err);
	assert_null(t);
	assert_string_equal(err, "closer:1: '{{/show}}' closes a section opened outside 'closer'");
	src = "{{>opener}}{{/show}}";
	t = tmpl_compile("page.html", src, strlen(src), schema, partials, NULL, err, sizeof err);
	assert_null(t);
	assert_string_equal(err, "opener:1: section 'show' is not closed");
}

static void test_nesting_limit(void **state)
{
	struct fixture *f = *state;
	struct buf src = BUF_INIT;
	for (int i = 0; i < 15; i++)
		buf_lit(&src, "{{#show}}");
	buf_lit(&src, "deep");
	for (int i = 0; i < 15; i++)
		buf_lit(&src, "{{/show}}");
	compile(f, buf_cstr(&src));
	struct view *v = full_view(f);
	view_bool(v, "show", 1);
	assert_string_equal(render(f, v), "deep");
	buf_reset(&src);
	for (int i = 0; i < 16; i++)
		buf_lit(&src, "{{#show}}");
	for (int i = 0; i < 16; i++)
		buf_lit(&src, "{{/show}}");
	compile_err("deep.html", buf_cstr(&src), NULL, "deep.html:1: sections nested too deeply");
	buf_free(&src);
}

static void test_small_error_buffer(void **state)
{
	(void)state;
	char err[12];
	memset(err, 'X', sizeof err);
	struct tmpl *t = tmpl_compile("page.html", "{{nope}}", 8, schema, NULL, NULL, err, sizeof err);
	assert_null(t);
	assert_true(memchr(err, '\0', sizeof err) != NULL);
	assert_int_equal(strncmp(err, "page.html:1", strlen(err)), 0);
}

static void test_render_missing(void **state)
{
	struct fixture *f = *state;
	compile(f, "{{#show}}{{name}}{{/show}}");
	struct view *v = view_new(&f->arena, schema);
	const char *missing = NULL;
	assert_int_equal(tmpl_render(f->t, v, &f->out, &missing), -1);
	assert_non_null(missing);
	assert_string_equal(missing, "show");
	view_bool(v, "show", 1);
	missing = NULL;
	buf_reset(&f->out);
	assert_int_equal(tmpl_render(f->t, v, &f->out, &missing), -1);
	assert_string_equal(missing, "name");
	/* a false section does not read what is inside it */
	view_bool(v, "show", 0);
	buf_reset(&f->out);
	assert_int_equal(tmpl_render(f->t, v, &f->out, &missing), 0);
	/* missing may be NULL */
	view_bool(v, "show", 1);
	assert_int_equal(tmpl_render(f->t, v, &f->out, NULL), -1);

	/* a field of a list item that was never set */
	compile(f, "{{#items}}[{{title}}]{{/items}}");
	v = full_view(f);
	view_text(view_add(v, "items"), "title", "ok");
	view_add(v, "items");
	missing = NULL;
	buf_reset(&f->out);
	assert_int_equal(tmpl_render(f->t, v, &f->out, &missing), -1);
	assert_string_equal(missing, "title");
	/* a list that was never set (not even as empty) */
	v = view_new(&f->arena, schema);
	missing = NULL;
	assert_int_equal(tmpl_render(f->t, v, &f->out, &missing), -1);
	assert_string_equal(missing, "items");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_text_and_escaping), T(test_html_is_raw),       T(test_url_and_json_filters),
		T(test_list_sections),     T(test_nested_scopes),     T(test_shadowing),
		T(test_bool_and_inverted), T(test_text_truthiness),   T(test_partials),
		T(test_comments),          T(test_compile_errors),    T(test_partial_section_balance),
		T(test_nesting_limit),     T(test_small_error_buffer), T(test_render_missing),
	};
	return cmocka_run_group_tests_name("tmpl", tests, NULL, NULL);
}
