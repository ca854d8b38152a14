/* test_escape.c - unit tests for the context escapers and UTF-8 validation (src/escape.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "escape.h"

typedef void (*escaper)(struct buf *, const char *, size_t);

/* check: runs esc over in[0..n) and asserts the output is exactly want. */
static void check(escaper esc, const char *in, size_t n, const char *want)
{
	struct buf b = BUF_INIT;
	esc(&b, in, n);
	assert_string_equal(buf_cstr(&b), want);
	assert_int_equal(b.len, strlen(want));
	buf_free(&b);
}

#define CHECK(esc, lit, want) check((esc), (lit), sizeof(lit) - 1, (want))

static void test_html_specials(void **state)
{
	(void)state;
	CHECK(buf_html, "a & b < c > d \" e ' f", "a &amp; b &lt; c &gt; d &quot; e &#39; f");
	CHECK(buf_html, "<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	CHECK(buf_html, "&amp;", "&amp;amp;");
	CHECK(buf_html, "plain text", "plain text");
	CHECK(buf_html, "", "");
	/* buf_attr follows the same rules */
	CHECK(buf_attr, "\" onmouseover='x'", "&quot; onmouseover=&#39;x&#39;");
}

static void test_html_controls_dropped(void **state)
{
	(void)state;
	/* NUL, BEL, ESC and DEL vanish; tab, newline and carriage return stay */
	CHECK(buf_html, "a\x01" "b\x1b" "c\x7f" "d", "abcd");
	CHECK(buf_html, "a\tb\nc\rd", "a\tb\nc\rd");
	static const char with_nul[] = {'x', '\0', 'y'};
	check(buf_html, with_nul, sizeof with_nul, "xy");
}

static void test_html_invalid_utf8(void **state)
{
	(void)state;
	/* a lone continuation byte, a lone lead byte, an overlong '/', a truncated 3-byte sequence */
	CHECK(buf_html, "a\x80" "b", "a\xEF\xBF\xBD" "b");
	CHECK(buf_html, "a\xD8", "a\xEF\xBF\xBD");
	CHECK(buf_html, "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD");
	CHECK(buf_html, "\xE2\x82", "\xEF\xBF\xBD\xEF\xBF\xBD");
	CHECK(buf_html, "\xFF<", "\xEF\xBF\xBD&lt;");
	/* a surrogate encoded in UTF-8 is invalid too (each byte replaced) */
	CHECK(buf_html, "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

static void test_html_arabic_passthrough(void **state)
{
	(void)state;
	CHECK(buf_html, "مرحبا بالعالم", "مرحبا بالعالم");
	CHECK(buf_html, "قالَ \"الرئيس\"", "قالَ &quot;الرئيس&quot;");
	CHECK(buf_html, "emoji \xF0\x9F\x93\xB0", "emoji \xF0\x9F\x93\xB0");
}

static void test_url(void **state)
{
	(void)state;
	CHECK(buf_url, "a b/ج", "a%20b%2F%D8%AC");
	CHECK(buf_url, "AZaz09-._~", "AZaz09-._~");
	CHECK(buf_url, "?#&=+%:@!$'()*,;[]", "%3F%23%26%3D%2B%25%3A%40%21%24%27%28%29%2A%2C%3B%5B%5D");
	CHECK(buf_url, "<\">", "%3C%22%3E");
	CHECK(buf_url, "قال", "%D9%82%D8%A7%D9%84");
	CHECK(buf_url, "\xF0\x9F\x93\xB0", "%F0%9F%93%B0");
	CHECK(buf_url, "", "");
	/* invalid UTF-8 becomes an encoded U+FFFD, one per bad byte */
	CHECK(buf_url, "a\xFF" "b", "a%EF%BF%BDb");
	CHECK(buf_url, "\xC0\xAF", "%EF%BF%BD%EF%BF%BD");
}

static void test_json(void **state)
{
	(void)state;
	CHECK(buf_json, "say \"hi\"", "say \\\"hi\\\"");
	CHECK(buf_json, "back\\slash", "back\\\\slash");
	CHECK(buf_json, "a\nb\rc\td", "a\\nb\\rc\\td");
	CHECK(buf_json, "</script>", "\\u003c/script\\u003e");
	CHECK(buf_json, "a&b", "a\\u0026b");
	CHECK(buf_json, "\x01\x1f\x7f", "\\u0001\\u001f\\u007f");
	CHECK(buf_json, "line\xE2\x80\xA8sep", "line\\u2028sep");
	CHECK(buf_json, "para\xE2\x80\xA9sep", "para\\u2029sep");
	CHECK(buf_json, "عربي", "عربي");
	CHECK(buf_json, "bad\xFF", "bad\\ufffd");
	CHECK(buf_json, "'single'", "'single'");
	static const char with_nul[] = {'a', '\0', 'b'};
	check(buf_json, with_nul, sizeof with_nul, "a\\u0000b");
}

/* an SQL identifier: quoted, an embedded quote doubled, so a table name cannot end the identifier */
static void test_sql_ident(void **state)
{
	(void)state;
	const char *cases[][2] = {{"articles", "\"articles\""},
				  {"a\"b", "\"a\"\"b\""},
				  {"x\"; DROP TABLE users; --", "\"x\"\"; DROP TABLE users; --\""},
				  {"", "\"\""}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b = BUF_INIT;
		buf_sql_ident(&b, cases[i][0]);
		assert_string_equal(buf_cstr(&b), cases[i][1]);
		buf_free(&b);
	}
}

static void test_xml(void **state)
{
	(void)state;
	CHECK(buf_xml, "a & <b> \"c\" 'd'", "a &amp; &lt;b&gt; &quot;c&quot; &#39;d&#39;");
	/* U+FFFE and U+FFFF are not XML characters: dropped */
	CHECK(buf_xml, "x\xEF\xBF\xBEy", "xy");
	CHECK(buf_xml, "x\xEF\xBF\xBFy", "xy");
	/* but HTML keeps them (they are valid UTF-8) */
	CHECK(buf_html, "x\xEF\xBF\xBEy", "x\xEF\xBF\xBEy");
	CHECK(buf_xml, "ctl\x0b\x0c", "ctl");
	CHECK(buf_xml, "\xEF\xBF\xBD", "\xEF\xBF\xBD");
	CHECK(buf_xml, "\x80", "\xEF\xBF\xBD");
	CHECK(buf_xml, "خبر", "خبر");
}

#define VALID(lit) utf8_valid((lit), sizeof(lit) - 1)

/* test_xml_in: BUF_XML_IN writes its literals as they are and the value through buf_xml; buf_xml_str of
 * NULL writes nothing. */
static void test_xml_in(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	BUF_XML_IN(&b, "<a href=\"", "x?a=1&b=\"2\"", "\"/>");
	BUF_XML_IN(&b, "<t>", NULL, "</t>");
	buf_xml_str(&b, "<&>");
	assert_string_equal(buf_cstr(&b), "<a href=\"x?a=1&amp;b=&quot;2&quot;\"/><t></t>&lt;&amp;&gt;");
	buf_free(&b);
}

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_int_equal(VALID(""), 1);
	assert_int_equal(VALID("ascii"), 1);
	assert_int_equal(VALID("الأخبار العاجلة"), 1);
	assert_int_equal(VALID("\xF0\x9F\x98\x80"), 1);      /* U+1F600 */
	assert_int_equal(VALID("\xF4\x8F\xBF\xBF"), 1);      /* U+10FFFF, the last code point */
	assert_int_equal(VALID("\xED\x9F\xBF"), 1);          /* U+D7FF, just below the surrogates */
	assert_int_equal(VALID("\xEE\x80\x80"), 1);          /* U+E000, just above them */
	assert_int_equal(VALID("\xC2\x80"), 1);              /* U+0080, smallest 2-byte */
	assert_int_equal(VALID("\xC0\xAF"), 0);              /* overlong '/' */
	assert_int_equal(VALID("\xC1\xBF"), 0);              /* overlong */
	assert_int_equal(VALID("\xE0\x80\xAF"), 0);          /* overlong 3-byte */
	assert_int_equal(VALID("\xF0\x80\x80\xAF"), 0);      /* overlong 4-byte */
	assert_int_equal(VALID("\xED\xA0\x80"), 0);          /* U+D800 surrogate */
	assert_int_equal(VALID("\xED\xBF\xBF"), 0);          /* U+DFFF surrogate */
	assert_int_equal(VALID("\xF4\x90\x80\x80"), 0);      /* U+110000 */
	assert_int_equal(VALID("\xF5\x80\x80\x80"), 0);
	assert_int_equal(VALID("\xF8\x88\x80\x80\x80"), 0);  /* 5-byte form */
	assert_int_equal(VALID("\xFF"), 0);
	assert_int_equal(VALID("\x80"), 0);                  /* lone continuation */
	assert_int_equal(VALID("\xD8"), 0);                  /* truncated 2-byte */
	assert_int_equal(VALID("\xE2\x82"), 0);              /* truncated 3-byte */
	assert_int_equal(VALID("\xF0\x9F\x98"), 0);          /* truncated 4-byte */
	assert_int_equal(VALID("ok\xD8" "x"), 0);            /* bad continuation */
	/* the length argument is honoured: a valid prefix of an invalid string */
	assert_int_equal(utf8_valid("ab\xFF", 2), 1);
	assert_int_equal(utf8_valid("\xD8\xAC", 1), 0);
}

static void test_utf8_decode(void **state)
{
	(void)state;
	size_t len = 99;
	assert_int_equal(utf8_decode((const unsigned char *)"A", 1, &len), 'A');
	assert_int_equal(len, 1);
	assert_int_equal(utf8_decode((const unsigned char *)"\xD8\xAC", 2, &len), 0x062C);
	assert_int_equal(len, 2);
	assert_int_equal(utf8_decode((const unsigned char *)"\xE2\x80\xA8", 3, &len), 0x2028);
	assert_int_equal(len, 3);
	assert_int_equal(utf8_decode((const unsigned char *)"\xF0\x9F\x98\x80", 4, &len), 0x1F600);
	assert_int_equal(len, 4);
	assert_int_equal(utf8_decode((const unsigned char *)"\xF0\x9F\x98\x80", 3, &len), -1);
	assert_int_equal(len, 1);
	assert_int_equal(utf8_decode((const unsigned char *)"", 0, &len), -1);
	assert_int_equal(len, 1);
}

/* utf8_chars counts as a person (and static/textcount.js) counts: code points, a CR LF pair as one. */
static void test_utf8_chars(void **state)
{
	(void)state;
	assert_int_equal(utf8_chars("", 0), 0);
	assert_int_equal(utf8_chars("abc", 3), 3);
	assert_int_equal(utf8_chars("ع", strlen("ع")), 1);
	assert_int_equal(utf8_chars("😀", 4), 1); /* two UTF-16 units, one character */
	assert_int_equal(utf8_chars("سلام 😀!", strlen("سلام 😀!")), 7);
	assert_int_equal(utf8_chars("a\r\nb", 4), 3);
	assert_int_equal(utf8_chars("a\n\nb", 4), 4);
	assert_int_equal(utf8_chars("a\rb", 3), 3);
	assert_int_equal(utf8_chars("\r\n\r\n", 4), 2);
	assert_int_equal(utf8_chars("\n\r", 2), 2);
	/* 3,023 emoji: 3,023 characters (6,046 UTF-16 units, which maxlength="5000" cut to 2,500) */
	struct buf b = BUF_INIT;
	for (int i = 0; i < 3023; i++)
		buf_append(&b, "😀", 4);
	assert_int_equal(utf8_chars(buf_cstr(&b), b.len), 3023);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_specials),   cmocka_unit_test(test_html_controls_dropped),
		cmocka_unit_test(test_html_invalid_utf8), cmocka_unit_test(test_html_arabic_passthrough),
		cmocka_unit_test(test_url),             cmocka_unit_test(test_json),
		cmocka_unit_test(test_xml),             cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_decode), cmocka_unit_test(test_sql_ident),
		cmocka_unit_test(test_utf8_chars), cmocka_unit_test(test_xml_in),
	};
	return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
