/* test_po.c - unit tests for the PO reader (src/po.c), the newsroom's catalogue and language choice
 * (src/catalog.c) and the templates' {{_ words}} (src/tmpl.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "catalog.h"
#include "embedded.h"
#include "po.h"
#include "tmpl.h"

/* parse: po_parse of text; returns the count (or -1) and the error in err. */
static int parse(struct arena *a, const char *text, struct po_entry **e, char *err)
{
	size_t n = 0;
	int rc = po_parse(a, text, strlen(text), e, &n, err, 256);
	return rc < 0 ? -1 : (int)n;
}

static void test_parse_entries(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct po_entry *e;
	char err[256];
	const char *po = "# a comment\n"
			 "msgid \"\"\n"
			 "msgstr \"\"\n"
			 "\"Language: ar\\n\"\n"
			 "\n"
			 "#: templates/login.html:3\n"
			 "msgid \"Log in\"\n"
			 "msgstr \"تسجيل الدخول\"\n"
			 "\n"
			 "#, fuzzy, c-format\n"
			 "msgid \"\"\n"
			 "\"Saved %s \"\n"
			 "\"at %lld\"\n"
			 "msgstr \"حُفظ %s في %lld\"\n"
			 "msgid \"Say \\\"hi\\\"\\n\\tand \\\\ go\"\n"
			 "msgstr \"\"\n";
	assert_int_equal(parse(&a, po, &e, err), 3);
	assert_string_equal(e[0].msgid, "Log in");
	assert_string_equal(e[0].msgstr, "تسجيل الدخول");
	assert_int_equal(e[0].line, 7);
	assert_false(e[0].fuzzy);
	assert_string_equal(e[1].msgid, "Saved %s at %lld");
	assert_true(e[1].fuzzy);
	assert_string_equal(e[2].msgid, "Say \"hi\"\n\tand \\ go");
	assert_string_equal(e[2].msgstr, "");
	assert_false(e[2].fuzzy);
	arena_free(&a);
}

/* refused: text is refused with err starting "LINE: " and holding what. */
static void refused(const char *text, const char *line_what)
{
	struct arena a = ARENA_INIT;
	struct po_entry *e;
	char err[256];
	assert_int_equal(parse(&a, text, &e, err), -1);
	if (!strstr(err, line_what))
		fail_msg("'%s' gave '%s', expected '%s'", text, err, line_what);
	arena_free(&a);
}

static void test_parse_refuses(void **state)
{
	(void)state;
	refused("msgid \"a\"\n", "2: msgstr was expected after the msgid of line 1");
	refused("msgid \"a\"\nmsgstr \"b\n", "2: the string has no closing quote");
	refused("msgid \"a\"\nmsgstr \"b\" x\n", "2: text after the closing quote");
	refused("msgid \"a\\q\"\nmsgstr \"b\"\n", "1: unknown escape \\q");
	refused("msgctxt \"menu\"\nmsgid \"a\"\nmsgstr \"b\"\n", "1: msgctxt is not supported");
	refused("msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[0] \"b\"\n", "2: plural forms are not supported");
	refused("msgid \"a\"\nmsgstr \"b\"\n\nmsgid \"a\"\nmsgstr \"c\"\n", "4: msgid given twice (first on line 1)");
	refused("hello\n", "1: msgid was expected");
	refused("msgid a\nmsgstr \"b\"\n", "1: a string in double quotes was expected");
	refused("msgid \"\"\nmsgstr \"\"\nmsgid \"\"\nmsgstr \"\"\n", "3: a second header entry");
}

static void test_placeholders(void **state)
{
	(void)state;
	assert_true(po_placeholders_match("Saved %s at %lld", "حُفظ %s في %lld"));
	assert_true(po_placeholders_match("100%% done", "تم 100%%"));
	assert_true(po_placeholders_match("plain", "عادي"));
	assert_false(po_placeholders_match("Saved %s", "حُفظ"));
	assert_false(po_placeholders_match("Saved", "حُفظ %s"));
	assert_false(po_placeholders_match("%s by %d", "%d by %s"));
	assert_false(po_placeholders_match("%lld items", "%d items"));
}

static void test_negotiate(void **state)
{
	(void)state;
	enum catalog_lang l = CATALOG_EN;
	assert_int_equal(catalog_negotiate("ar-EG,ar;q=0.9,en-US;q=0.8,en;q=0.7", &l), 0);
	assert_int_equal(l, CATALOG_AR);
	assert_int_equal(catalog_negotiate("fr-FR, en;q=0.5, ar;q=0.4", &l), 0);
	assert_int_equal(l, CATALOG_EN);
	assert_int_equal(catalog_negotiate("en;q=0.2, AR;q=0.9", &l), 0);
	assert_int_equal(l, CATALOG_AR);
	assert_int_equal(catalog_negotiate("en-GB,ar", &l), 0); /* equal qualities: the header's order */
	assert_int_equal(l, CATALOG_EN);
	l = CATALOG_AR;
	assert_int_equal(catalog_negotiate("ar;q=0, en", &l), 0); /* q=0 refuses Arabic */
	assert_int_equal(l, CATALOG_EN);
	assert_int_equal(catalog_negotiate("fr, de;q=0.5, *", &l), -1);
	assert_int_equal(catalog_negotiate("arabic, english", &l), -1); /* not a language tag of ours */
	assert_int_equal(catalog_negotiate("", &l), -1);
	assert_int_equal(catalog_negotiate(NULL, &l), -1);
	assert_int_equal(catalog_negotiate(";q=1,,,;", &l), -1);
	assert_int_equal(catalog_parse("ar", &l), 0);
	assert_int_equal(l, CATALOG_AR);
	assert_int_equal(catalog_parse("en_US", &l), 0);
	assert_int_equal(l, CATALOG_EN);
	assert_int_equal(catalog_parse("", &l), -1);
	assert_int_equal(catalog_parse("are", &l), -1);
	assert_string_equal(catalog_code(CATALOG_AR), "ar");
}

/* The built-in catalogue loads, and translates what it has (the first entry of po/ar.po) into Arabic only. */
static void test_catalogue(void **state)
{
	(void)state;
	char err[256];
	assert_int_equal(catalog_init(err, sizeof err), 0);
	const struct embedded_file *f = embedded_find("po/ar.po");
	assert_non_null(f);
	struct arena a = ARENA_INIT;
	struct po_entry *e;
	size_t n;
	assert_int_equal(po_parse(&a, f->data, f->len, &e, &n, err, sizeof err), 0);
	assert_true(n > 0);
	assert_string_equal(catalog_tr(CATALOG_AR, e[0].msgid), e[0].msgstr);
	assert_ptr_equal(catalog_tr(CATALOG_EN, e[0].msgid), e[0].msgid);
	const char *unknown = "no such newsroom string";
	assert_ptr_equal(catalog_tr(CATALOG_AR, unknown), unknown);
	catalog_shutdown();
	assert_string_equal(catalog_tr(CATALOG_AR, e[0].msgid), e[0].msgid); /* freed: English */
	arena_free(&a);
}

/* upper: a translator that answers "Log in" in capitals and keeps every other string. */
static const char *upper(void *ctx, const char *words)
{
	(void)ctx;
	return strcmp(words, "Log in now & stay") == 0 ? "<LOG IN> & STAY" : NULL;
}

static void test_template_words(void **state)
{
	(void)state;
	static const struct tmpl_field schema[] = {{"x", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
	const char *src = "<b>{{_ Log in\n   now & stay }}</b> {{_ Other words}} <i title=\"{{_ Log in now & stay}}\">{{x}}</i>";
	char err[256];
	struct tmpl *t = tmpl_compile_tr("t", src, strlen(src), schema, NULL, NULL, upper, NULL, err, sizeof err);
	assert_non_null(t);
	struct arena a = ARENA_INIT;
	struct view *v = view_new(&a, schema);
	view_text(v, "x", "<y>");
	struct buf out = BUF_INIT;
	const char *missing = NULL;
	assert_int_equal(tmpl_render(t, v, &out, &missing), 0);
	assert_string_equal(buf_cstr(&out), "<b>&lt;LOG IN&gt; &amp; STAY</b> Other words <i title=\"&lt;LOG IN&gt; &amp; "
					    "STAY\">&lt;y&gt;</i>");
	buf_free(&out);
	tmpl_free(t);
	/* without a translator the words are shown as written (escaped) */
	t = tmpl_compile("t", src, strlen(src), schema, NULL, NULL, err, sizeof err);
	assert_non_null(t);
	assert_int_equal(tmpl_render(t, v, &out, &missing), 0);
	assert_non_null(strstr(buf_cstr(&out), "<b>Log in now &amp; stay</b>"));
	buf_free(&out);
	tmpl_free(t);
	/* a tag with no words fails to compile, naming the line */
	assert_null(tmpl_compile("t", "a\n{{_ }}", 8, schema, NULL, NULL, err, sizeof err));
	assert_string_equal(err, "t:2: '{{_}}' without words to translate");
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_entries), cmocka_unit_test(test_parse_refuses),
	    cmocka_unit_test(test_placeholders),  cmocka_unit_test(test_negotiate),
	    cmocka_unit_test(test_catalogue),     cmocka_unit_test(test_template_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
