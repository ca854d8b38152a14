/* test_comment.c - visitor comment checks, link counting, the body's HTML (including an XSS property check),
 * rate-limit network keys and trimming (src/comment.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "comment.h"
#include "escape.h"

static const struct comment_limits lim = {80, 5000, 2};
static struct arena msgs = ARENA_INIT; /* comment_check's sentences that name numbers; freed by main */

/* check: comment_check with the standard limits, in English. */
static const char *check(const char *name, const char *email, const char *body)
{
	return comment_check(&msgs, name, email, body, &lim, "en");
}

/* refused_for: asserts the check fails and its sentence mentions word. */
static void refused_for(const char *why, const char *word)
{
	if (!why)
		fail_msg("accepted, expected a refusal about \"%s\"", word);
	if (!strstr(why, word))
		fail_msg("\"%s\" does not mention \"%s\"", why, word);
}

/* repeat: s repeated k times, in b (reset first). */
static const char *repeat(struct buf *b, const char *s, size_t k)
{
	buf_reset(b);
	for (size_t i = 0; i < k; i++)
		buf_append(b, s, strlen(s));
	return buf_cstr(b);
}

static void test_check_accepts(void **state)
{
	(void)state;
	assert_null(check("Ann", "", "Nice article."));
	assert_null(check("Ann", NULL, "Nice article."));
	assert_null(check("سارة", "sara@example.com", "مقال رائع، شكراً!"));
	assert_null(check("  Ann  ", "  ann@example.org  ", "  text  ")); /* checked trimmed */
	assert_null(check("Ann", "", "line one\r\nline two\n\tindented\rold mac"));
	assert_null(check("Ann", "", "See https://a.test and www.b.test")); /* two links: the limit */
	assert_null(comment_check(&msgs, "Ann", "", "x", NULL, NULL));               /* defaults, English */
}

static void test_check_name(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	refused_for(check("", "", "body"), "name");
	refused_for(check(NULL, "", "body"), "name");
	refused_for(check("   \t ", "", "body"), "name");
	refused_for(check("\xC2\xA0\xE2\x80\x8B\xE3\x80\x80", "", "body"), "name"); /* NBSP ZWSP ideographic */
	refused_for(check("\xE3\x85\xA4", "", "body"), "name");                     /* Hangul filler */
	/* 80 Arabic letters (160 bytes) are fine, 81 are not: code points, not bytes */
	assert_null(check(repeat(&b, "س", 80), "", "body"));
	refused_for(check(repeat(&b, "س", 81), "", "body"), "too long");
	assert_null(check(repeat(&b, "a", 80), "", "body"));
	refused_for(check(repeat(&b, "a", 81), "", "body"), "too long");
	/* trimmed before counting */
	char padded[400];
	snprintf(padded, sizeof padded, "  %s \xC2\xA0", repeat(&b, "س", 80));
	assert_null(check(padded, "", "body"));
	/* 80 emoji (4 bytes each) */
	assert_null(check(repeat(&b, "😀", 80), "", "body"));
	refused_for(check(repeat(&b, "😀", 81), "", "body"), "too long");
	/* control characters: none at all in a name */
	const char *bad[] = {"A\tB", "A\nB", "A\rB", "A\x01" "B", "A\x1F" "B", "A\x7F" "B", "A\xC2\x80" "B",
			     "A\xC2\x9F" "B", "A\xC2\x85" "B", "A\xE2\x80\xA8" "B", "A\xE2\x80\xA9" "B", NULL};
	for (int i = 0; bad[i]; i++)
		refused_for(check(bad[i], "", "body"), "control");
	assert_null(check("A\xC2\xA0" "B", "", "body")); /* U+00A0 is fine inside */
	/* invalid UTF-8 */
	refused_for(check("A\xFF", "", "body"), "could not be read");
	refused_for(check("\xC3", "", "body"), "could not be read");
	refused_for(check("\xED\xA0\x80", "", "body"), "could not be read"); /* surrogate */
	buf_free(&b);
}

static void test_check_email(void **state)
{
	(void)state;
	const char *good[] = {"a@b.cd", "first.last@example.com", "x+tag@sub.example.co.uk", "o'hara@example.ie",
			      "user@xn--mgbh0fb.xn--kgbechtv", "مستخدم@مثال.اختبار", "a_b-c@d-e.org", "  a@b.cd  ",
			      "", "   ", NULL};
	for (int i = 0; good[i]; i++)
		if (check("Ann", good[i], "body"))
			fail_msg("\"%s\" should be accepted", good[i]);
	const char *bad[] = {"plain", "@example.com", "a@", "a@b", "a@b.", "a@.b.cd", "a@b..cd", "a@b.c",
			     "a@b.123", "a b@c.de", "a@b c.de", "<a@b.cd>", "Ann <a@b.cd>", "a@b@c.de",
			     ".a@b.cd", "a.@b.cd", "a..b@c.de", "a@-b.cd", "a@b-.cd", "a\"b@c.de", "a,b@c.de",
			     "a@b.cd;x", "a@[1.2.3.4]", "a@b_c.de", "a\xC2\xA0" "b@c.de", "a\xE2\x80\x8B@b.cd",
			     "a\tb@c.de", "a@b.cd\x01", "a\x7F@b.cd", "a\xFF@b.cd", NULL};
	for (int i = 0; bad[i]; i++) {
		const char *why = check("Ann", bad[i], "body");
		if (!why || !strstr(why, "email"))
			fail_msg("\"%s\" should be refused", bad[i]);
	}
	/* 254 bytes are fine, 255 are not */
	char e[300];
	memset(e, 'a', sizeof e);
	memcpy(e + 64, "@", 1);
	memcpy(e + 254 - 4, ".com", 5); /* local 64, domain 189: labels of at most 63 */
	e[64 + 1 + 60] = '.';
	e[64 + 1 + 121] = '.';
	assert_int_equal(strlen(e), 254);
	assert_null(check("Ann", e, "body"));
	memcpy(e + 255 - 4, ".com", 5);
	assert_int_equal(strlen(e), 255);
	refused_for(check("Ann", e, "body"), "too long");
	/* local part of 65 bytes */
	memset(e, 'a', 65);
	strcpy(e + 65, "@b.cd");
	refused_for(check("Ann", e, "body"), "valid email");
	/* a domain label of 64 bytes */
	memset(e, 'a', 70);
	e[1] = '@';
	strcpy(e + 2 + 64, ".cd");
	refused_for(check("Ann", e, "body"), "valid email");
}

static void test_check_body(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	refused_for(check("Ann", "", ""), "write your comment");
	refused_for(check("Ann", "", NULL), "write your comment");
	const char *blanks[] = {" ", "\n\n\r\n\t", "\xC2\xA0\xC2\xA0", "\xE2\x80\x8B", "\xE2\x80\x8B \xE2\x80\x8C\xE2\x80\x8D",
				"\xEF\xBB\xBF", "\xE3\x80\x80", "\xE2\x80\xAF\xE2\x81\x9F", "\xE2\x80\x8F\xE2\x80\xAE",
				"\xC2\xAD", "\xE2\xA0\x80", "\xE3\x85\xA4", "\xE2\x80\xA8", "\xEF\xB8\x8F", NULL};
	for (int i = 0; blanks[i]; i++)
		refused_for(check("Ann", "", blanks[i]), "write your comment");
	assert_null(check("Ann", "", "\xE2\x80\x8B" "x")); /* one visible character is enough */
	assert_null(check("Ann", "", "."));
	/* length: 5000 code points fine, 5001 not; CRLF counts as one */
	assert_null(check("Ann", "", repeat(&b, "ع", 5000)));
	refused_for(check("Ann", "", repeat(&b, "ع", 5001)), "too long");
	assert_null(check("Ann", "", repeat(&b, "😀", 5000))); /* characters, not UTF-16 units (10,000 here) */
	refused_for(check("Ann", "", repeat(&b, "😀", 5001)), "5001 characters, and at most 5000");
	assert_null(check("Ann", "", repeat(&b, "x\r\n", 2500)));   /* 5000 characters */
	refused_for(check("Ann", "", repeat(&b, "x\n\n", 1667)), "too long");
	/* control characters: tab, LF, CR allowed; others not */
	const char *bad[] = {"a\x01", "a\x08" "b", "a\x0B" "b", "a\x0C" "b", "a\x1B[31m", "a\x7F", "a\xC2\x80",
			     "a\xC2\x9F", "a\xC2\x85" "b", NULL};
	for (int i = 0; bad[i]; i++)
		refused_for(check("Ann", "", bad[i]), "control");
	assert_null(check("Ann", "", "a\xE2\x80\xA8" "b")); /* U+2028 is refused in names only */
	refused_for(check("Ann", "", "a\xFF"), "could not be read");
	refused_for(check("Ann", "", "\xF4\x90\x80\x80"), "could not be read");
	/* links */
	refused_for(check("Ann", "", "http://a.test http://b.test www.c.test"), "too many links");
	struct comment_limits none = {80, 5000, 0}, any = {80, 5000, -1};
	refused_for(comment_check(&msgs, "Ann", "", "see www.a.test", &none, "en"), "not allowed");
	assert_null(comment_check(&msgs, "Ann", "", "no links here", &none, "en"));
	assert_null(comment_check(&msgs, "Ann", "", repeat(&b, "http://x.test ", 50), &any, "en"));
	buf_free(&b);
}

static void test_check_order_and_arabic(void **state)
{
	(void)state;
	/* the first problem in form order wins */
	refused_for(check("", "bad", ""), "name");
	refused_for(check("Ann", "bad", ""), "email");
	refused_for(check("Ann", "", ""), "comment");
	/* the Arabic sentences: different, valid UTF-8, Arabic */
	struct comment_limits none = {80, 5000, 0};
	const char *cases[][3] = {{"", "", "x"}, {"A\x01", "", "x"}, {"A\xFF", "", "x"}, {"Ann", "bad", "x"},
				  {"Ann", "", ""},   {"Ann", "", "\x01"}, {"Ann", "", "\xFF"}, {"Ann", "", "www.x.test"}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *en = comment_check(&msgs, cases[i][0], cases[i][1], cases[i][2], &none, "en");
		const char *ar = comment_check(&msgs, cases[i][0], cases[i][1], cases[i][2], &none, "ar");
		assert_non_null(en);
		assert_non_null(ar);
		assert_string_not_equal(en, ar);
		assert_true(utf8_valid(ar, strlen(ar)));
		assert_true(strstr(ar, "ي") != NULL);
		/* unknown languages get English */
		assert_string_equal(comment_check(&msgs, cases[i][0], cases[i][1], cases[i][2], &none, "fr"), en);
		assert_string_equal(comment_check(&msgs, cases[i][0], cases[i][1], cases[i][2], &none, NULL), en);
	}
	assert_string_equal(comment_check(&msgs, "", "", "x", NULL, "ar"), "يرجى كتابة اسمك.");
	assert_null(comment_check(&msgs, "سارة", "", "تعليق", NULL, "ar"));
	/* too long: the sentence names the count and the limit, in each language */
	struct buf b = BUF_INIT;
	assert_string_equal(comment_check(&msgs, repeat(&b, "س", 81), "", "x", NULL, "ar"),
			    "اسمك طويل جداً: عدد أحرفه 81 والحد الأقصى 80. يرجى اختصاره.");
	assert_string_equal(comment_check(&msgs, "Ann", "", repeat(&b, "😀", 5001), NULL, "ar"),
			    "تعليقك طويل جداً: عدد أحرفه 5001 والحد الأقصى 5000. يرجى اختصاره.");
	assert_string_equal(comment_check(&msgs, "Ann", "", repeat(&b, "😀", 5001), NULL, "en"),
			    "Your comment is too long: 5001 characters, and at most 5000 are allowed. Please shorten it.");
	assert_string_equal(comment_check(&msgs, repeat(&b, "😀", 81), "", "x", NULL, "en"),
			    "Your name is too long: 81 characters, and at most 80 are allowed. Please shorten it.");
	buf_free(&b);
}

static void test_count_links(void **state)
{
	(void)state;
	assert_int_equal(comment_count_links(NULL), 0);
	assert_int_equal(comment_count_links(""), 0);
	assert_int_equal(comment_count_links("no links"), 0);
	assert_int_equal(comment_count_links("http://a.test"), 1);
	assert_int_equal(comment_count_links("HTTPS://A.TEST/x"), 1);
	assert_int_equal(comment_count_links("WWW.a.test"), 1);
	assert_int_equal(comment_count_links("https://www.a.test"), 1); /* one link, not two */
	assert_int_equal(comment_count_links("a http://a.test b https://b.test c www.c.test"), 3);
	assert_int_equal(comment_count_links("(http://a.test), \"www.b.test\"; <https://c.test>"), 3);
	assert_int_equal(comment_count_links("http://a.test,http://b.test"), 1); /* one link: it runs to a space */
	assert_int_equal(comment_count_links("http://a.test, http://b.test"), 2);
	assert_int_equal(comment_count_links("انظر:https://a.test"), 1);
	assert_int_equal(comment_count_links("انظرwww.a.test"), 1); /* after an Arabic letter: a word start */
	/* not at the start of a word, or no address */
	assert_int_equal(comment_count_links("xhttp://a.test"), 0);
	assert_int_equal(comment_count_links("foo.www.a.test"), 0);
	assert_int_equal(comment_count_links("me@www.a.test"), 0);
	assert_int_equal(comment_count_links("javascript://www.a.test"), 0);
	assert_int_equal(comment_count_links("http:// www. https://"), 0);
	assert_int_equal(comment_count_links("http://."), 0);
	assert_int_equal(comment_count_links("ftp://a.test mailto:a@b.test javascript:alert(1)"), 0);
	assert_int_equal(comment_count_links("wwwa.test www"), 0);
}

/* html_eq: asserts comment_body_html(body) is exactly want. */
static void html_eq(const char *body, const char *want)
{
	struct buf b = BUF_INIT;
	comment_body_html(&b, body);
	if (strcmp(buf_cstr(&b), want) != 0)
		fail_msg("body_html(\"%s\")\n got: %s\nwant: %s", body, buf_cstr(&b), want);
	buf_free(&b);
}

#define A_OPEN "<a href=\""
#define A_MID "\" rel=\"nofollow ugc noopener\">"

static void test_html_text(void **state)
{
	(void)state;
	html_eq("", "");
	html_eq(NULL, "");
	html_eq(" \n\t\n", "");
	html_eq("hello", "<p>hello</p>\n");
	html_eq("<script>alert('x')</script>", "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>\n");
	html_eq("Tom & \"Jerry\"", "<p>Tom &amp; &quot;Jerry&quot;</p>\n");
	html_eq("&amp; &lt;", "<p>&amp;amp; &amp;lt;</p>\n");
	html_eq("one\ntwo", "<p>one<br>\ntwo</p>\n");
	html_eq("one\r\ntwo\rthree", "<p>one<br>\ntwo<br>\nthree</p>\n");
	html_eq("one\n\ntwo", "<p>one</p>\n<p>two</p>\n");
	html_eq("one\r\n\r\ntwo", "<p>one</p>\n<p>two</p>\n");
	html_eq("one\r\rtwo", "<p>one</p>\n<p>two</p>\n");
	html_eq("\n\n one \n  \n\n\ntwo\nthree\n\n", "<p> one </p>\n<p>two<br>\nthree</p>\n");
	html_eq("a\n\xC2\xA0\nb", "<p>a</p>\n<p>b</p>\n"); /* a line of only NBSP is blank */
	html_eq("bad\xFF" "byte", "<p>bad\xEF\xBF\xBD" "byte</p>\n");
	html_eq("ctrl\x01" "x", "<p>ctrlx</p>\n");
	html_eq("مرحباً <b>بكم</b>", "<p>مرحباً &lt;b&gt;بكم&lt;/b&gt;</p>\n");
}

static void test_html_links(void **state)
{
	(void)state;
	html_eq("see https://x.test/a.", "<p>see " A_OPEN "https://x.test/a" A_MID "https://x.test/a</a>.</p>\n");
	html_eq("www.x.test", "<p>" A_OPEN "https://www.x.test" A_MID "www.x.test</a></p>\n");
	html_eq("HTTP://X.TEST", "<p>" A_OPEN "HTTP://X.TEST" A_MID "HTTP://X.TEST</a></p>\n");
	html_eq("https://x.test/a?b=1&c=\"2\"",
		"<p>" A_OPEN "https://x.test/a?b=1&amp;c=%222" A_MID "https://x.test/a?b=1&amp;c=&quot;2</a>&quot;</p>\n");
	/* characters a URL cannot hold are percent-encoded in the href (valid HTML), shown as typed */
	html_eq("https://x.test/a?b=1&c=\"2\"x",
		"<p>" A_OPEN "https://x.test/a?b=1&amp;c=%222%22x" A_MID
		"https://x.test/a?b=1&amp;c=&quot;2&quot;x</a></p>\n");
	html_eq("https://x.test/{a}|b^`\\", "<p>" A_OPEN "https://x.test/%7Ba%7D%7Cb%5E%60%5C" A_MID
		"https://x.test/{a}|b^`\\</a></p>\n");
	/* trailing punctuation stays outside, several in a row too */
	html_eq("(www.x.test).", "<p>(" A_OPEN "https://www.x.test" A_MID "www.x.test</a>).</p>\n");
	html_eq("http://x.test/?!;:,'\"]", "<p>" A_OPEN "http://x.test/" A_MID "http://x.test/</a>?!;:,&#39;&quot;]</p>\n");
	/* brackets the link opened are kept */
	html_eq("https://en.wikipedia.org/wiki/Mercury_(planet).",
		"<p>" A_OPEN "https://en.wikipedia.org/wiki/Mercury_(planet)" A_MID
		"https://en.wikipedia.org/wiki/Mercury_(planet)</a>.</p>\n");
	html_eq("(see https://x.test/a_(b))", "<p>(see " A_OPEN "https://x.test/a_(b)" A_MID "https://x.test/a_(b)</a>)</p>\n");
	/* a link ends at whitespace, < and > */
	html_eq("<https://x.test>", "<p>&lt;" A_OPEN "https://x.test" A_MID "https://x.test</a>&gt;</p>\n");
	html_eq("https://x.test<script>", "<p>" A_OPEN "https://x.test" A_MID "https://x.test</a>&lt;script&gt;</p>\n");
	html_eq("https://x.test\xC2\xA0next", "<p>" A_OPEN "https://x.test" A_MID "https://x.test</a>\xC2\xA0next</p>\n");
	html_eq("http://a.test\nwww.b.test",
		"<p>" A_OPEN "http://a.test" A_MID "http://a.test</a><br>\n" A_OPEN "https://www.b.test" A_MID "www.b.test</a></p>\n");
	/* Arabic around links, Arabic punctuation after them, Arabic in the path */
	html_eq("اقرأ المقال على https://x.test/ar، ثم علّق",
		"<p>اقرأ المقال على " A_OPEN "https://x.test/ar" A_MID "https://x.test/ar</a>، ثم علّق</p>\n");
	html_eq("هل رأيت www.x.test؟", "<p>هل رأيت " A_OPEN "https://www.x.test" A_MID "www.x.test</a>؟</p>\n");
	html_eq("https://ar.x.test/مصر ok", "<p>" A_OPEN "https://ar.x.test/مصر" A_MID "https://ar.x.test/مصر</a> ok</p>\n");
	/* other schemes stay text */
	html_eq("javascript:alert(1)", "<p>javascript:alert(1)</p>\n");
	html_eq("javascript://www.x.test/%0aalert(1)", "<p>javascript://www.x.test/%0aalert(1)</p>\n");
	html_eq("data:text/html,<script>", "<p>data:text/html,&lt;script&gt;</p>\n");
	html_eq("JaVaScRiPt:http://x.test", "<p>JaVaScRiPt:" A_OPEN "http://x.test" A_MID "http://x.test</a></p>\n");
	html_eq("http://", "<p>http://</p>\n");
	html_eq("xhttp://x.test", "<p>xhttp://x.test</p>\n");
	/* quotes in a link cannot leave the attribute */
	html_eq("http://x.test/\"onmouseover=\"alert(1)",
		"<p>" A_OPEN "http://x.test/%22onmouseover=%22alert(1)" A_MID
		"http://x.test/&quot;onmouseover=&quot;alert(1)</a></p>\n");
	html_eq("http://x.test/'><script>", "<p>" A_OPEN "http://x.test/" A_MID "http://x.test/</a>&#39;&gt;&lt;script&gt;</p>\n");
	/* count and render agree */
	const char *bodies[] = {"https://www.a.test, www.b.test; http://c.test.", "(http://)", "a\nhttp://x.test\n\nwww.y.test", NULL};
	int counts[] = {3, 0, 2};
	for (int i = 0; bodies[i]; i++) {
		struct buf b = BUF_INIT;
		comment_body_html(&b, bodies[i]);
		int anchors = 0;
		for (const char *p = buf_cstr(&b); (p = strstr(p, "<a href=")) != NULL; p++)
			anchors++;
		assert_int_equal(anchors, counts[i]);
		assert_int_equal(comment_count_links(bodies[i]), counts[i]);
		buf_free(&b);
	}
}

/* only_our_tags: 1 when every '<' in html starts a tag comment_body_html writes: <p>, </p>, <br>, </a>,
 * or <a href="..." rel="nofollow ugc noopener"> with an href of http:// or https:// holding no quote,
 * '<' or '>'. Also checks that no '>' stands outside those tags. */
static int only_our_tags(const char *html)
{
	static const char rel[] = "\" rel=\"nofollow ugc noopener\">";
	const char *p = html;
	while (*p) {
		if (*p == '>')
			return 0;
		if (*p != '<') {
			p++;
			continue;
		}
		if (strncmp(p, "<p>", 3) == 0 || strncmp(p, "<br>", 4) == 0 || strncmp(p, "</p>", 4) == 0 ||
		    strncmp(p, "</a>", 4) == 0) {
			p = strchr(p, '>') + 1;
			continue;
		}
		if (strncmp(p, "<a href=\"", 9) != 0)
			return 0;
		p += 9;
		if (strncasecmp(p, "http://", 7) != 0 && strncasecmp(p, "https://", 8) != 0)
			return 0;
		size_t href = strcspn(p, "\"<>");
		if (strncmp(p + href, rel, sizeof rel - 1) != 0)
			return 0;
		p += href + sizeof rel - 1;
	}
	return 1;
}

static const char *const xss[] = {
	"<script>alert(1)</script>",
	"<SCRIPT SRC=http://xss.test/xss.js></SCRIPT>",
	"<img src=x onerror=alert(1)>",
	"<IMG SRC=\"javascript:alert('XSS');\">",
	"<IMG SRC=javascript:alert('XSS')>",
	"<IMG SRC=JaVaScRiPt:alert('XSS')>",
	"<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
	"\"><svg onload=alert(1)>",
	"'><svg/onload=alert(1)>",
	"<svg><script>alert(1)</script></svg>",
	"javascript:alert(1)",
	"javascript:alert(document.cookie)//http://x.test",
	"<a href=\"javascript:alert(1)\">click</a>",
	"<a href=javascript:alert(1)>x</a>",
	"<iframe src=\"javascript:alert(1)\"></iframe>",
	"<iframe srcdoc=\"<script>alert(1)</script>\">",
	"<body onload=alert(1)>",
	"<input autofocus onfocus=alert(1)>",
	"<details open ontoggle=alert(1)>",
	"<video><source onerror=\"alert(1)\">",
	"<audio src=x onerror=alert(1)>",
	"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
	"<object data=\"javascript:alert(1)\">",
	"<embed src=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">",
	"<link rel=stylesheet href=http://x.test/x.css>",
	"<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
	"<style>@import'http://x.test/x.css';</style>",
	"<div style=\"background:url(javascript:alert(1))\">",
	"<div style=\"width:expression(alert(1))\">",
	"<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
	"<scr<script>ipt>alert(1)</scr</script>ipt>",
	"%3Cscript%3Ealert(1)%3C/script%3E",
	"&lt;script&gt;alert(1)&lt;/script&gt;",
	"&#60;script&#62;alert(1)&#60;/script&#62;",
	"\\x3cscript\\x3ealert(1)\\x3c/script\\x3e",
	"<scr\0ipt>alert(1)</script>",
	"<img src=\"x\" onerror=\"&#97;lert(1)\">",
	"http://x.test/\"><script>alert(1)</script>",
	"https://x.test/'onmouseover='alert(1)'",
	"https://x.test/\" onmouseover=\"alert(1)",
	"www.x.test/\"><img src=x onerror=alert(1)>",
	"www.x.test\"onfocus=\"alert(1)\"autofocus=\"",
	"http://x.test/<script>",
	"http://x.test/&quot;&gt;&lt;script&gt;",
	"javascript://www.x.test/%0Aalert(1)",
	"JAVASCRIPT:alert(1)",
	"java\nscript:alert(1)",
	"java\tscript:alert(1)",
	"data:text/html,<script>alert(1)</script>",
	"vbscript:msgbox(1)",
	"<a href=\"http://x.test\" onclick=\"alert(1)\">x</a>",
	"<!--<img src=\"--><img src=x onerror=alert(1)//\">",
	"<![CDATA[<script>alert(1)</script>]]>",
	"<?xml version=\"1.0\"?><script>alert(1)</script>",
	"<form action=javascript:alert(1)><input type=submit>",
	"<isindex type=image src=1 onerror=alert(1)>",
	"<marquee onstart=alert(1)>",
	"<x onclick=alert(1)>click",
	"</p><script>alert(1)</script><p>",
	"</a><script>alert(1)</script>",
	"<br><p><a href=\"javascript:alert(1)\" rel=\"nofollow ugc noopener\">x</a>",
	"\xE2\x80\xAE<script>alert(1)</script>",
	"<scr\xFFipt>alert(1)</script>",
	"\xEF\xBC\x9Cscript\xEF\xBC\x9E", /* fullwidth < > are not markup */
	"+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
	"http://x.test/\r\n<script>alert(1)</script>\r\n\r\nwww.y.test/<img>",
	"<a href=http://x.test>http://x.test</a>",
	"<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
	"<base href=\"javascript:/a/-alert(1)///////\"><a href=../lol/safari.html>test</a>",
	"(https://x.test/)<script>",
	"'\"><img src=x onerror=alert(1)>www.x.test",
};

static void test_html_xss(void **state)
{
	(void)state;
	size_t n = sizeof xss / sizeof xss[0];
	assert_true(n >= 50);
	struct buf all = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		struct buf b = BUF_INIT;
		comment_body_html(&b, xss[i]);
		if (!only_our_tags(buf_cstr(&b)))
			fail_msg("payload %zu leaks markup: %s", i, buf_cstr(&b));
		assert_null(strstr(buf_cstr(&b), "href=\"javascript"));
		assert_null(strstr(buf_cstr(&b), "href=\"data"));
		assert_true(utf8_valid(buf_cstr(&b), b.len));
		buf_free(&b);
		buf_append(&all, xss[i], strlen(xss[i]));
		buf_lit(&all, "\n");
	}
	/* all of them in one body, and every pair glued together */
	struct buf b = BUF_INIT;
	comment_body_html(&b, buf_cstr(&all));
	assert_true(only_our_tags(buf_cstr(&b)));
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			char glued[512];
			snprintf(glued, sizeof glued, "%s%s", xss[i], xss[j]);
			buf_reset(&b);
			comment_body_html(&b, glued);
			if (!only_our_tags(buf_cstr(&b)))
				fail_msg("payloads %zu+%zu leak markup: %s", i, j, buf_cstr(&b));
		}
	}
	buf_free(&b);
	buf_free(&all);
}

/* key_eq: asserts comment_net_key(ip) gives want (NULL: -1). */
static void key_eq(const char *ip, const char *want)
{
	char out[COMMENT_NET_KEY_MAX];
	int rc = comment_net_key(ip, out, sizeof out);
	if (!want) {
		if (rc != -1)
			fail_msg("\"%s\" gave \"%s\", want -1", ip ? ip : "(null)", out);
		assert_string_equal(out, "");
		return;
	}
	if (rc != 0 || strcmp(out, want) != 0)
		fail_msg("\"%s\" gave %d \"%s\", want \"%s\"", ip, rc, out, want);
}

static void test_net_key(void **state)
{
	(void)state;
	key_eq("192.0.2.77", "192.0.2.0/24");
	key_eq("10.1.2.3", "10.1.2.0/24");
	key_eq("0.0.0.0", "0.0.0.0/24");
	key_eq("255.255.255.255", "255.255.255.0/24");
	key_eq("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64");
	key_eq("2001:0DB8:0001:0002:0000:0000:0000:0001", "2001:db8:1:2::/64");
	key_eq("2001:db8::1", "2001:db8::/64");
	key_eq("2001:db8:0:0:1::1", "2001:db8::/64");
	key_eq("2001:0:0:1::", "2001:0:0:1::/64");
	key_eq("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8:ffff:ffff::/64");
	key_eq("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff::/64");
	key_eq("::1", "::/64");
	key_eq("::", "::/64");
	key_eq("fe80::1%eth0", "fe80::/64");
	key_eq("::ffff:192.0.2.77", "192.0.2.0/24");
	key_eq("::FFFF:192.0.2.77", "192.0.2.0/24");
	key_eq("::ffff:c000:024d", "192.0.2.0/24"); /* the same mapped address in hex */
	const char *bad[] = {"", "garbage", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4", "1.2.3.-4",
			     "01.2.3.4", "1.2.3.4/24", "1.2.3.4%eth0", "2001:db8::1::2", "2001:db8:::1", "12345::1",
			     "[2001:db8::1]", "fe80::1%", "::ffff:1.2.3", "g::1", "1:2:3:4:5:6:7:8:9", NULL};
	for (int i = 0; bad[i]; i++)
		key_eq(bad[i], NULL);
	key_eq(NULL, NULL);
	/* a buffer too small is an error, never a truncated key */
	char small[13]; /* "192.0.2.0/24" and its NUL exactly */
	assert_int_equal(comment_net_key("192.0.2.77", small, sizeof small), 0);
	assert_string_equal(small, "192.0.2.0/24");
	assert_int_equal(comment_net_key("192.168.200.77", small, sizeof small), -1);
	assert_string_equal(small, "");
	assert_int_equal(comment_net_key("2001:db8:1:2::1", small, sizeof small), -1);
	assert_int_equal(comment_net_key("1.2.3.4", NULL, 0), -1);
	char zero[1] = {'x'};
	assert_int_equal(comment_net_key("1.2.3.4", zero, 0), -1);
	assert_int_equal(zero[0], 'x'); /* outlen 0: nothing written */
}

static void test_trim(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	assert_string_equal(comment_trim(&a, "  Ann  "), "Ann");
	assert_string_equal(comment_trim(&a, "\t\r\n Ann Lee \n"), "Ann Lee");
	assert_string_equal(comment_trim(&a, "\xC2\xA0\xE2\x80\x83سارة\xE3\x80\x80\xE2\x80\x8B"), "سارة");
	assert_string_equal(comment_trim(&a, "\xEF\xBB\xBF" "x\xE2\x80\x8F"), "x");
	assert_string_equal(comment_trim(&a, "a \xC2\xA0 b"), "a \xC2\xA0 b"); /* inside: kept */
	assert_string_equal(comment_trim(&a, "   "), "");
	assert_string_equal(comment_trim(&a, ""), "");
	assert_string_equal(comment_trim(&a, NULL), "");
	assert_string_equal(comment_trim(&a, " \xFF "), "\xFF"); /* invalid bytes are not spaces */
	assert_string_equal(comment_trim(&a, "\xE2\x9D\xA4\xEF\xB8\x8F "), "\xE2\x9D\xA4\xEF\xB8\x8F"); /* VS16 kept */
	const char *s = "x";
	assert_ptr_not_equal(comment_trim(&a, s), s); /* always a copy */
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_accepts), cmocka_unit_test(test_check_name),
		cmocka_unit_test(test_check_email),   cmocka_unit_test(test_check_body),
		cmocka_unit_test(test_check_order_and_arabic), cmocka_unit_test(test_count_links),
		cmocka_unit_test(test_html_text),     cmocka_unit_test(test_html_links),
		cmocka_unit_test(test_html_xss),      cmocka_unit_test(test_net_key),
		cmocka_unit_test(test_trim),
	};
	int failed = cmocka_run_group_tests_name("comment", tests, NULL, NULL);
	arena_free(&msgs);
	return failed;
}
