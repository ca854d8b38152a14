/* test_article.c - unit tests for slugs and safe Markdown (src/article.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "article.h"
#include "escape.h"

/* slug: article_slugify into a buffer of cap bytes; asserts the length agrees with strlen. */
static const char *slug(const char *text, size_t cap)
{
	static char out[512];
	assert_true(cap <= sizeof out);
	memset(out, 'X', sizeof out);
	size_t n = article_slugify(text, out, cap);
	if (cap > 0) {
		assert_int_equal(n, strlen(out));
		assert_true(n <= cap - 1);
		assert_int_equal(utf8_valid(out, n), 1);
	} else {
		assert_int_equal(n, 0);
		assert_int_equal(out[0], 'X'); /* nothing written */
	}
	return out;
}

static void test_slug_ascii(void **state)
{
	(void)state;
	assert_string_equal(slug("Hello, World!", 128), "hello-world");
	assert_string_equal(slug("  Leading and trailing  ", 128), "leading-and-trailing");
	assert_string_equal(slug("Budget 2026: what's in it?", 128), "budget-2026-what-s-in-it");
	assert_string_equal(slug("a---b___c...d", 128), "a-b-c-d");
	assert_string_equal(slug("CamelCase MIXED", 128), "camelcase-mixed");
	assert_string_equal(slug("already-a-slug", 128), "already-a-slug");
	assert_string_equal(slug("x", 128), "x");
	assert_string_equal(slug("\"Quoted\" <b>tags</b> & more", 128), "quoted-b-tags-b-more");
}

static void test_slug_arabic(void **state)
{
	(void)state;
	assert_string_equal(slug("قالَ الرئيس", 128), "قال-الرئيس");
	assert_string_equal(slug("الرئيس يلتقي الوزراء", 128), "الرئيس-يلتقي-الوزراء");
	/* tashkeel inside a word is dropped without splitting the word */
	assert_string_equal(slug("مُحَمَّد", 128), "محمد");
	assert_string_equal(slug("كَتَبَ الطالبُ الدرسَ", 128), "كتب-الطالب-الدرس");
	/* tatweel (kashida) is decoration, not a separator */
	assert_string_equal(slug("جمـــيل", 128), "جميل");
	/* Arabic punctuation separates words: comma, semicolon, question mark */
	assert_string_equal(slug("أولاً، ثانياً؛ لماذا؟", 128), "أولا-ثانيا-لماذا");
	/* Arabic-Indic digits are kept; mixed scripts */
	assert_string_equal(slug("عام ٢٠٢٦ Budget", 128), "عام-٢٠٢٦-budget");
	/* guillemets and the em dash are punctuation */
	assert_string_equal(slug("«خبر» — عاجل", 128), "خبر-عاجل");
}

static void test_slug_truncation(void **state)
{
	(void)state;
	/* cap 8 leaves 7 bytes: "hello-w" */
	assert_string_equal(slug("Hello, World!", 8), "hello-w");
	/* never ends with a hyphen: with 6 bytes "hello-" would be next */
	assert_string_equal(slug("Hello, World!", 7), "hello");
	/* each Arabic letter is 2 bytes: 7 bytes hold 3 letters, never half of one */
	assert_string_equal(slug("الرئيس", 8), "الر");
	assert_string_equal(slug("الرئيس", 7), "الر");
	assert_string_equal(slug("الرئيس", 6), "ال");
	/* a 4-byte character that does not fit is left out whole */
	assert_string_equal(slug("ab\xF0\x9F\x93\xB0", 6), "ab");
	assert_string_equal(slug("ab\xF0\x9F\x93\xB0", 7), "ab\xF0\x9F\x93\xB0");
	assert_string_equal(slug("abc", 1), "");
	(void)slug("abc", 0);
}

static void test_slug_nothing_usable(void **state)
{
	(void)state;
	char out[16];
	assert_int_equal(article_slugify("", out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(article_slugify("!!! --- ???", out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(article_slugify("   ", out, sizeof out), 0);
	assert_int_equal(article_slugify("،؛؟", out, sizeof out), 0);
	assert_int_equal(article_slugify("ًٌٍَُِّْ", out, sizeof out), 0); /* only tashkeel */
	/* invalid UTF-8 is never copied */
	assert_int_equal(article_slugify("\xFF\xFE\xC0\xAF", out, sizeof out), 0);
	assert_string_equal(slug("a\xFF" "b", 16), "a-b");
}

/* md: renders md and returns the HTML (caller frees). */
static char *md(const char *text)
{
	char *html = article_markdown_html(text, strlen(text));
	assert_non_null(html);
	return html;
}

static void test_markdown_basic(void **state)
{
	(void)state;
	char *h = md("*a*");
	assert_string_equal(h, "<p><em>a</em></p>\n");
	free(h);
	h = md("# Title\n\nSome **bold** text.");
	assert_string_equal(h, "<h1>Title</h1>\n<p>Some <strong>bold</strong> text.</p>\n");
	free(h);
	h = md("");
	assert_string_equal(h, "");
	free(h);
	h = md("a < b & c > d");
	assert_string_equal(h, "<p>a &lt; b &amp; c &gt; d</p>\n");
	free(h);
	h = md("~~gone~~");
	assert_string_equal(h, "<p><del>gone</del></p>\n");
	free(h);
	h = md("النص **العربي**");
	assert_string_equal(h, "<p>النص <strong>العربي</strong></p>\n");
	free(h);
	h = md("[link](https://example.com/a?b=1&c=2)");
	assert_string_equal(h, "<p><a href=\"https://example.com/a?b=1&amp;c=2\">link</a></p>\n");
	free(h);
	h = md("see https://example.com now");
	assert_string_equal(h, "<p>see <a href=\"https://example.com\">https://example.com</a> now</p>\n");
	free(h);
	/* smart punctuation is on */
	h = md("\"quoted\" -- dash");
	assert_string_equal(h, "<p>\xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x80\x93 dash</p>\n");
	free(h);
}

static void test_markdown_safe_mode(void **state)
{
	(void)state;
	char *h = md("# T\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))");
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "javascript:"));
	assert_non_null(strstr(h, "<h1>T</h1>"));
	assert_non_null(strstr(h, ">x</a>"));
	free(h);
	h = md("inline <img src=x onerror=alert(1)> html");
	assert_null(strstr(h, "<img"));
	assert_null(strstr(h, "onerror"));
	free(h);
	h = md("<iframe src=\"https://evil.example\"></iframe>");
	assert_null(strstr(h, "<iframe"));
	free(h);
	h = md("[a](JAVASCRIPT:alert(1)) [b](vbscript:x) [c](data:text/html;base64,PHNjcmlwdD4=)");
	assert_null(strstr(h, "JAVASCRIPT"));
	assert_null(strstr(h, "vbscript:"));
	assert_null(strstr(h, "data:text/html"));
	free(h);
	h = md("![i](javascript:alert(1))");
	assert_null(strstr(h, "javascript:"));
	free(h);
	/* invalid UTF-8 comes out as U+FFFD */
	h = md("bad \xFF byte");
	assert_int_equal(utf8_valid(h, strlen(h)), 1);
	assert_string_equal(h, "<p>bad \xEF\xBF\xBD byte</p>\n");
	free(h);
}

static void test_markdown_table(void **state)
{
	(void)state;
	char *h = md("| a | b |\n|---|---|\n| 1 | <b>2</b> |\n");
	assert_non_null(strstr(h, "<table>"));
	assert_non_null(strstr(h, "<th>a</th>"));
	assert_non_null(strstr(h, "<td>1</td>"));
	assert_non_null(strstr(h, "</table>"));
	assert_null(strstr(h, "<b>"));
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slug_ascii),        cmocka_unit_test(test_slug_arabic),
		cmocka_unit_test(test_slug_truncation),   cmocka_unit_test(test_slug_nothing_usable),
		cmocka_unit_test(test_markdown_basic),    cmocka_unit_test(test_markdown_safe_mode),
		cmocka_unit_test(test_markdown_table),
	};
	int failed = cmocka_run_group_tests_name("article", tests, NULL, NULL);
	article_shutdown();
	return failed;
}
