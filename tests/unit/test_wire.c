/* test_wire.c - unit tests for the wire parsers (src/wire.c, src/wire_xml.c): ninjs 1.x and 2.x, NewsML-G2
 * items and messages, RSS 2.0 and Atom feeds, in the shapes agencies send, and hostile documents (entity
 * bombs, external entities and DTDs, truncated files, wrong encodings, huge input). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "datefmt.h"
#include "wire.h"

static struct arena A = ARENA_INIT;
static char err[512];

#define HAS(hay, needle)                                                                            \
	do {                                                                                        \
		if (!strstr((hay), (needle)))                                                       \
			fail_msg("expected \"%s\" in \"%s\"", (needle), (hay));                      \
	} while (0)

/* utc: UTC seconds of a civil time. */
static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
	return datefmt_from_civil(y, mo, d, h, mi, s);
}

static const char reuters_ninjs2[] =
    "{\"uri\": \"tag:reuters.com,2026:newsml_L8N3AB123:3\", \"version\": \"3\", \"type\": \"text\","
    " \"standard\": {\"name\": \"ninjs\", \"version\": \"2.0\"},"
    " \"firstcreated\": \"2026-12-06T08:15:00Z\", \"versioncreated\": \"2026-12-06T10:02:28+02:00\","
    " \"embargoed\": \"2026-12-06T12:00:00.000+00:00\", \"pubstatus\": \"usable\", \"urgency\": 3,"
    " \"language\": \"en-GB\", \"copyrightholder\": \"Reuters\", \"by\": \"By Jane Doe\\u0007 \","
    " \"located\": \"  BEIRUT \","
    " \"headlines\": [{\"role\": \"sub\", \"value\": \"Second\"}, {\"role\": \"main\", \"value\": \"  Lebanon's\\n parliament elects a president \"}],"
    " \"descriptions\": [{\"role\": \"summary\", \"contenttype\": \"text/plain\", \"value\": \"The vote ends a two-year vacancy.\"}],"
    " \"bodies\": [{\"role\": \"main\", \"contenttype\": \"text/plain\", \"value\": \"plain\"},"
    "              {\"role\": \"main\", \"contenttype\": \"text/html\", \"value\": \"<p>BEIRUT (Reuters) - Lebanon's parliament...</p>\"}],"
    " \"subjects\": [{\"name\": \"Politics\", \"uri\": \"http://cv.iptc.org/newscodes/mediatopic/11000000\"}, {\"name\": \"Elections\"}],"
    " \"renditions\": [{\"name\": \"thumb\", \"href\": \"https://x/y.jpg\"}]}";

static void test_ninjs(void **state)
{
	(void)state;
	struct wire_item it;
	assert_int_equal(wire_parse_ninjs(&A, reuters_ninjs2, strlen(reuters_ninjs2), &it, err, sizeof err), 0);
	assert_string_equal(it.guid, "tag:reuters.com,2026:newsml_L8N3AB123:3");
	assert_int_equal(it.version, 3);
	assert_string_equal(it.lang, "en");
	assert_string_equal(it.headline, "Lebanon's parliament elects a president");
	assert_string_equal(it.byline, "By Jane Doe");
	assert_string_equal(it.summary, "The vote ends a two-year vacancy.");
	assert_string_equal(it.body_html, "<p>BEIRUT (Reuters) - Lebanon's parliament...</p>");
	assert_string_equal(it.located, "BEIRUT");
	assert_string_equal(it.credit, "Reuters");
	assert_string_equal(it.subjects, "Politics, Elections");
	assert_string_equal(it.pubstatus, "usable");
	assert_string_equal(it.link, "");
	assert_int_equal(it.urgency, 3);
	assert_int_equal(it.first_created, utc(2026, 12, 6, 8, 15, 0));
	assert_int_equal(it.version_created, utc(2026, 12, 6, 8, 2, 28));
	assert_int_equal(it.embargoed, utc(2026, 12, 6, 12, 0, 0));

	/* ninjs 1.x: single fields, an integer version, text body as paragraphs */
	const char *v1 = "{\"uri\": \"https://agency.example/item/77\", \"version\": 2, \"headline\": \"عنوان الخبر\","
			 " \"byline\": \"مراسلنا\", \"body_text\": \"سطر أول\\n\\nفقرة <ثانية>\", \"description_html\": \"<p>ملخص &amp; خبر</p>\","
			 " \"language\": \"ar\", \"pubstatus\": \"canceled\", \"urgency\": 12, \"subject\": [{\"name\": \"سياسة\"}],"
			 " \"versioncreated\": \"2026-12-06\"}";
	assert_int_equal(wire_parse_ninjs(&A, v1, strlen(v1), &it, err, sizeof err), 0);
	assert_int_equal(it.version, 2);
	assert_string_equal(it.lang, "ar");
	assert_string_equal(it.headline, "عنوان الخبر");
	assert_string_equal(it.body_html, "<p>سطر أول</p>\n<p>فقرة &lt;ثانية&gt;</p>\n");
	assert_string_equal(it.summary, "ملخص & خبر");
	assert_string_equal(it.pubstatus, "canceled");
	assert_string_equal(it.link, "https://agency.example/item/77");
	assert_string_equal(it.subjects, "سياسة");
	assert_int_equal(it.urgency, 0);
	assert_int_equal(it.version_created, utc(2026, 12, 6, 0, 0, 0));
	assert_int_equal(it.embargoed, 0);
}

/* refused_ninjs: asserts json is refused with a sentence containing want. */
static void refused_ninjs(const char *json, size_t len, const char *want)
{
	struct wire_item it;
	err[0] = '\0';
	if (wire_parse_ninjs(&A, json, len, &it, err, sizeof err) != -1 || !strstr(err, want))
		fail_msg("expected refusal \"%s\" for %.80s, got \"%s\"", want, json, err);
}

static void test_ninjs_refusals(void **state)
{
	(void)state;
	refused_ninjs("{\"uri\": \"x\"", 11, "not JSON");
	refused_ninjs("[1]", 3, "not a ninjs object");
	refused_ninjs("{\"headline\": \"x\"}", 17, "no \"uri\"");
	refused_ninjs("{\"uri\": \"x\", \"headline\": \" \\u0001 \"}", 36, "no headline");
	refused_ninjs("{\"uri\": \"x\", \"headline\": \"\xff\xfe\"}", 29, "not JSON");
	refused_ninjs("{\"uri\": \"x\", \"uri\": \"y\", \"headline\": \"h\"}", 41, "not JSON");
	size_t big = WIRE_MAX_INPUT + 1;
	char *s = malloc(big);
	memset(s, ' ', big);
	refused_ninjs(s, big, "too large");
	free(s);
	/* a headline over its bound is cut, not refused */
	struct wire_item it;
	char *long_h = malloc(5000);
	strcpy(long_h, "{\"uri\": \"u\", \"headline\": \"");
	size_t o = strlen(long_h);
	for (int i = 0; i < 1500; i++)
		memcpy(long_h + o + 2 * (size_t)i, "\xd8\xb9", 2); /* "ع" */
	strcpy(long_h + o + 3000, "\"}");
	assert_int_equal(wire_parse_ninjs(&A, long_h, strlen(long_h), &it, err, sizeof err), 0);
	assert_int_equal(strlen(it.headline), 2000); /* 1,000 characters of two bytes */
	free(long_h);
}

static const char afp_message[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<newsMessage xmlns=\"http://iptc.org/std/nar/2006-10-01/\">\n"
    " <header><sent>2026-12-06T10:00:00Z</sent><sender>afp.com</sender></header>\n"
    " <itemSet>\n"
    "  <newsItem guid=\"urn:newsml:afp.com:20261206:TX-PAR-ABC12\" version=\"1\" standard=\"NewsML-G2\" standardversion=\"2.29\" xml:lang=\"en\">\n"
    "   <catalogRef href=\"http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_38.xml\"/>\n"
    "   <rightsInfo><copyrightHolder uri=\"http://www.afp.com\"><name>AFP</name></copyrightHolder></rightsInfo>\n"
    "   <itemMeta><itemClass qcode=\"ninat:text\"/><provider qcode=\"nprov:AFP\"/>\n"
    "    <versionCreated>2026-12-06T09:58:00+01:00</versionCreated><firstCreated>2026-12-06T09:00:00+01:00</firstCreated>\n"
    "    <pubStatus qcode=\"stat:usable\"/></itemMeta>\n"
    "   <contentMeta><urgency>2</urgency><located type=\"cptype:city\"><name>Paris</name></located>\n"
    "    <subject type=\"cpnat:abstract\" qcode=\"medtop:11000000\"><name xml:lang=\"en\">politics</name></subject>\n"
    "    <subject qcode=\"medtop:04000000\" literal=\"economy\"/>\n"
    "    <headline>France names a new prime minister</headline><by>Jean Dupont</by><creditline>AFP</creditline>\n"
    "    <description role=\"drol:summary\">The president chose a centrist.</description><language tag=\"en-US\"/></contentMeta>\n"
    "   <contentSet><inlineXML contenttype=\"application/xhtml+xml\"><html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title/></head>"
    "<body><p>PARIS (AFP) - The president &amp; his &lt;team&gt;...</p><p>Second.</p></body></html></inlineXML></contentSet>\n"
    "  </newsItem>\n"
    "  <packageItem guid=\"urn:newsml:afp.com:pkg\" version=\"1\"/>\n"
    "  <newsItem version=\"1\"><itemMeta><itemClass qcode=\"ninat:text\"/></itemMeta></newsItem>\n"
    "  <newsItem guid=\"urn:newsml:afp.com:20261206:PHOTO1\" version=\"1\"><itemMeta><itemClass qcode=\"ninat:picture\"/></itemMeta></newsItem>\n"
    "  <newsItem guid=\"urn:newsml:afp.com:20261206:TX-BEY-XYZ9\" version=\"4\" xml:lang=\"ar\">\n"
    "   <itemMeta><itemClass qcode=\"ninat:text\"/><provider qcode=\"nprov:AFP\"/>\n"
    "    <versionCreated>2026-12-06T11:00:00Z</versionCreated><embargoed>2026-12-07T00:01:00+03:00</embargoed>\n"
    "    <pubStatus qcode=\"stat:withheld\"/></itemMeta>\n"
    "   <contentMeta><located><name>بيروت</name></located><headline>البرلمان اللبناني ينتخب رئيسا</headline>\n"
    "    <subject><name>سياسة</name></subject></contentMeta>\n"
    "   <contentSet><inlineText contenttype=\"text/plain\">بيروت (أ ف ب) - انتخب البرلمان.\n\nفقرة ثانية</inlineText></contentSet>\n"
    "  </newsItem>\n"
    " </itemSet>\n"
    "</newsMessage>\n";

static void test_newsml(void **state)
{
	(void)state;
	struct wire_item *items;
	size_t n, skipped;
	assert_int_equal(wire_parse_newsml(&A, afp_message, strlen(afp_message), &items, &n, &skipped, err, sizeof err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(skipped, 3); /* the package, the item without a guid, the picture */
	struct wire_item *it = &items[0];
	assert_string_equal(it->guid, "urn:newsml:afp.com:20261206:TX-PAR-ABC12");
	assert_int_equal(it->version, 1);
	assert_string_equal(it->lang, "en");
	assert_string_equal(it->headline, "France names a new prime minister");
	assert_string_equal(it->byline, "Jean Dupont");
	assert_string_equal(it->credit, "AFP");
	assert_string_equal(it->located, "Paris");
	assert_string_equal(it->subjects, "politics, economy");
	assert_string_equal(it->summary, "The president chose a centrist.");
	assert_string_equal(it->pubstatus, "usable");
	assert_int_equal(it->urgency, 2);
	assert_int_equal(it->version_created, utc(2026, 12, 6, 8, 58, 0));
	assert_int_equal(it->first_created, utc(2026, 12, 6, 8, 0, 0));
	assert_int_equal(it->embargoed, 0);
	HAS(it->body_html, "<p>PARIS (AFP) - The president &amp; his &lt;team&gt;...</p>");
	HAS(it->body_html, "<p>Second.</p>");
	it = &items[1];
	assert_int_equal(it->version, 4);
	assert_string_equal(it->lang, "ar");
	assert_string_equal(it->headline, "البرلمان اللبناني ينتخب رئيسا");
	assert_string_equal(it->located, "بيروت");
	assert_string_equal(it->credit, "AFP"); /* the provider's code */
	assert_string_equal(it->pubstatus, "withheld");
	assert_int_equal(it->embargoed, utc(2026, 12, 6, 21, 1, 0));
	assert_string_equal(it->body_html, "<p>بيروت (أ ف ب) - انتخب البرلمان.</p>\n<p>فقرة ثانية</p>\n");
	/* a single newsItem document */
	const char *one = "<newsItem xmlns=\"http://iptc.org/std/nar/2006-10-01/\" guid=\"g1\" version=\"2\">"
			  "<contentMeta><headline>H</headline></contentMeta></newsItem>";
	assert_int_equal(wire_parse_newsml(&A, one, strlen(one), &items, &n, &skipped, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].guid, "g1");
	assert_int_equal(items[0].version, 2);
	/* the space between two inline elements of the body is kept (XML_PARSE_NOBLANKS would drop it) */
	const char *mixed = "<newsItem xmlns=\"http://iptc.org/std/nar/2006-10-01/\" guid=\"g2\"><contentSet><inlineXML>"
			    "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p><b>bold</b> <i>italic</i></p></body></html>"
			    "</inlineXML></contentSet></newsItem>";
	assert_int_equal(wire_parse_newsml(&A, mixed, strlen(mixed), &items, &n, &skipped, err, sizeof err), 0);
	assert_string_equal(items[0].body_html, "<p><b>bold</b> <i>italic</i></p>");
	/* not NewsML-G2 */
	const char *other = "<newsItem guid=\"g\"/>";
	assert_int_equal(wire_parse_newsml(&A, other, strlen(other), &items, &n, &skipped, err, sizeof err), -1);
	HAS(err, "not NewsML-G2");
}

/* refused_xml: asserts both XML parsers refuse xml with a sentence containing want. */
static void refused_xml(const char *xml, size_t len, const char *want)
{
	struct wire_item *items;
	size_t n, skipped;
	err[0] = '\0';
	if (wire_parse_newsml(&A, xml, len, &items, &n, &skipped, err, sizeof err) != -1 || !strstr(err, want))
		fail_msg("NewsML: expected refusal \"%s\" for %.60s, got \"%s\"", want, xml, err);
	err[0] = '\0';
	if (wire_parse_feed(&A, xml, len, &items, &n, &skipped, err, sizeof err) != -1 || !strstr(err, want))
		fail_msg("feed: expected refusal \"%s\" for %.60s, got \"%s\"", want, xml, err);
}

static void test_hostile_xml(void **state)
{
	(void)state;
	const char *laughs =
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
	    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
	    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
	    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
	    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
	    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
	    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n]>\n"
	    "<newsItem xmlns=\"http://iptc.org/std/nar/2006-10-01/\" guid=\"g\"><contentMeta><headline>&lol9;</headline>"
	    "</contentMeta></newsItem>";
	refused_xml(laughs, strlen(laughs), "DOCTYPE");
	const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
			  "<rss version=\"2.0\"><channel><item><guid>x</guid><title>&xxe;</title></item></channel></rss>";
	refused_xml(xxe, strlen(xxe), "DOCTYPE");
	const char *ext = "<?xml version=\"1.0\"?><!DOCTYPE newsItem SYSTEM \"http://127.0.0.1:9/evil.dtd\">"
			  "<newsItem xmlns=\"http://iptc.org/std/nar/2006-10-01/\" guid=\"g\"/>";
	refused_xml(ext, strlen(ext), "DOCTYPE");
	const char *param = "<!DOCTYPE x [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><x/>";
	refused_xml(param, strlen(param), "DOCTYPE");
	/* an entity without a DOCTYPE is not declared: not well-formed */
	const char *undeclared = "<rss version=\"2.0\"><channel><item><guid>&ent;</guid></item></channel></rss>";
	refused_xml(undeclared, strlen(undeclared), "not well-formed");
	const char *truncated = "<newsMessage xmlns=\"http://iptc.org/std/nar/2006-10-01/\"><itemSet><newsItem guid=\"g\">";
	refused_xml(truncated, strlen(truncated), "not well-formed");
	refused_xml("", 0, "not well-formed");
	/* undeclared encoding, bytes that are not UTF-8 */
	const char *latin = "<rss version=\"2.0\"><channel><item><guid>x</guid><title>caf\xe9</title></item></channel></rss>";
	refused_xml(latin, strlen(latin), "not well-formed");
	/* deeper than libxml2's limit (no XML_PARSE_HUGE) */
	size_t depth = 20000, dl = depth * 3 + 16;
	char *deep = malloc(dl);
	size_t o = 0;
	for (size_t i = 0; i < depth; i++)
		memcpy(deep + o, "<a>", 3), o += 3;
	refused_xml(deep, o, "not well-formed");
	free(deep);
	/* over WIRE_MAX_INPUT: refused before parsing */
	size_t big = 20u << 20;
	char *huge = malloc(big);
	memset(huge, ' ', big);
	memcpy(huge, "<rss version=\"2.0\">", 19);
	refused_xml(huge, big, "too large");
	free(huge);
}

static void test_encodings(void **state)
{
	(void)state;
	/* a declared encoding is honoured: ISO-8859-1 and windows-1256 (Arabic) bytes become UTF-8 */
	const char *latin = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><item>"
			    "<guid>x</guid><title>caf\xe9 cr\xe8me</title></item></channel></rss>";
	struct wire_item *items;
	size_t n, skipped;
	assert_int_equal(wire_parse_feed(&A, latin, strlen(latin), &items, &n, &skipped, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].headline, "café crème");
	const char *cp1256 = "<?xml version=\"1.0\" encoding=\"windows-1256\"?><rss version=\"2.0\"><channel><item>"
			     "<guid>y</guid><title>\xc8\xed\xd1\xe6\xca</title></item></channel></rss>";
	assert_int_equal(wire_parse_feed(&A, cp1256, strlen(cp1256), &items, &n, &skipped, err, sizeof err), 0);
	assert_string_equal(items[0].headline, "بيروت");
}

static const char rss[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
    "<channel><title>Agence Example</title><link>https://agency.example/</link><language>ar-LB</language>\n"
    " <item><title>خبر &lt;عاجل&gt;</title><link>https://agency.example/ar/1</link>\n"
    "  <guid isPermaLink=\"false\">agency-1</guid><description><![CDATA[<p>ملخص <b>الخبر</b></p>]]></description>\n"
    "  <content:encoded><![CDATA[<p>النص الكامل</p><script>x()</script>]]></content:encoded>\n"
    "  <dc:creator>مراسل</dc:creator><pubDate>Sun, 06 Dec 2026 13:00:00 +0300</pubDate>\n"
    "  <category>سياسة</category><category>لبنان</category></item>\n"
    " <item><title>Only a link</title><link>HTTPS://agency.example/2</link><description>Plain &amp; simple</description>\n"
    "  <pubDate>6 Dec 2026 10:00 GMT</pubDate></item>\n"
    " <item><title>No id at all</title></item>\n"
    " <item><guid>javascript:alert(1)</guid><title>Bad link</title><pubDate>not a date</pubDate></item>\n"
    "</channel></rss>\n";

static const char atom[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\"><title type=\"text\">Example Wire</title>\n"
    " <id>urn:example:feed</id><updated>2026-12-06T10:00:00Z</updated><author><name>Feed Desk</name></author>\n"
    " <entry><id>urn:example:1</id><title type=\"html\">A &amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt; title</title>\n"
    "  <link rel=\"self\" href=\"https://wire.example/self/1\"/><link href=\"https://wire.example/1\"/>\n"
    "  <updated>2026-12-06T10:30:00-05:00</updated><published>2026-12-06T09:00:00Z</published>\n"
    "  <author><name>Ann Writer</name></author><category term=\"world\" label=\"World\"/><category term=\"gaza\"/>\n"
    "  <summary>Short text.</summary>\n"
    "  <content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>First <em>para</em>.</p><p>Second.</p></div></content></entry>\n"
    " <entry xml:lang=\"ar\"><id>urn:example:2</id><title>خبر</title><updated>2026-12-06T11:00:00Z</updated>\n"
    "  <content type=\"html\">&lt;p&gt;نص&lt;/p&gt;</content></entry>\n"
    " <entry><title>No id</title></entry>\n"
    " <entry><id>urn:example:3</id><title>Text</title><updated>2026-12-06T11:00:00Z</updated><content>a &lt; b\n\nc</content></entry>\n"
    "</feed>\n";

static void test_feeds(void **state)
{
	(void)state;
	struct wire_item *items;
	size_t n, skipped;
	assert_int_equal(wire_parse_feed(&A, rss, strlen(rss), &items, &n, &skipped, err, sizeof err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(skipped, 1);
	assert_string_equal(items[0].guid, "agency-1");
	assert_string_equal(items[0].link, "https://agency.example/ar/1");
	assert_string_equal(items[0].headline, "خبر <عاجل>");
	assert_string_equal(items[0].summary, "ملخص الخبر");
	assert_string_equal(items[0].body_html, "<p>النص الكامل</p><script>x()</script>"); /* as the agency wrote it */
	assert_string_equal(items[0].byline, "مراسل");
	assert_string_equal(items[0].subjects, "سياسة, لبنان");
	assert_string_equal(items[0].lang, "ar");
	assert_string_equal(items[0].credit, "Agence Example");
	assert_int_equal(items[0].version, 1);
	assert_int_equal(items[0].first_created, utc(2026, 12, 6, 10, 0, 0));
	assert_string_equal(items[1].guid, "HTTPS://agency.example/2"); /* no guid: the link */
	assert_string_equal(items[1].link, "https://agency.example/2");   /* its scheme in lower case */
	assert_string_equal(items[1].summary, "Plain & simple");
	assert_int_equal(items[1].version_created, utc(2026, 12, 6, 10, 0, 0));
	assert_string_equal(items[2].link, ""); /* not http(s) */
	assert_int_equal(items[2].first_created, 0);

	assert_int_equal(wire_parse_feed(&A, atom, strlen(atom), &items, &n, &skipped, err, sizeof err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(skipped, 1);
	assert_string_equal(items[0].guid, "urn:example:1");
	assert_string_equal(items[0].headline, "A <b>bold</b> title");
	assert_string_equal(items[0].link, "https://wire.example/1");
	assert_string_equal(items[0].byline, "Ann Writer");
	assert_string_equal(items[0].subjects, "World, gaza");
	assert_string_equal(items[0].summary, "Short text.");
	assert_string_equal(items[0].lang, "en");
	assert_string_equal(items[0].credit, "Example Wire");
	HAS(items[0].body_html, "<p>First <em>para</em>.</p>");
	assert_int_equal(items[0].version_created, utc(2026, 12, 6, 15, 30, 0));
	assert_int_equal(items[0].first_created, utc(2026, 12, 6, 9, 0, 0));
	assert_string_equal(items[1].lang, "ar");
	assert_string_equal(items[1].byline, "Feed Desk"); /* the feed's author */
	assert_string_equal(items[1].body_html, "<p>نص</p>");
	assert_int_equal(items[1].first_created, items[1].version_created);
	assert_string_equal(items[2].body_html, "<p>a &lt; b</p>\n<p>c</p>\n");
	/* neither RSS nor Atom */
	const char *rdf = "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>";
	assert_int_equal(wire_parse_feed(&A, rdf, strlen(rdf), &items, &n, &skipped, err, sizeof err), -1);
	HAS(err, "not an RSS 2.0 or Atom 1.0 feed");
}

static void test_many_items(void **state)
{
	(void)state;
	/* more than WIRE_MAX_ITEMS: the rest are ignored */
	char *s = malloc(WIRE_MAX_ITEMS * 64 + 200);
	size_t o = (size_t)sprintf(s, "<rss version=\"2.0\"><channel>");
	for (int i = 0; i < WIRE_MAX_ITEMS + 50; i++)
		o += (size_t)sprintf(s + o, "<item><guid>g%d</guid><title>t</title></item>", i);
	o += (size_t)sprintf(s + o, "</channel></rss>");
	struct wire_item *items;
	size_t n, skipped;
	assert_int_equal(wire_parse_feed(&A, s, o, &items, &n, &skipped, err, sizeof err), 0);
	assert_int_equal(n, WIRE_MAX_ITEMS);
	assert_string_equal(items[WIRE_MAX_ITEMS - 1].guid, "g999");
	free(s);
}

static int teardown(void **state)
{
	(void)state;
	arena_free(&A);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ninjs),       cmocka_unit_test(test_ninjs_refusals), cmocka_unit_test(test_newsml),
	    cmocka_unit_test(test_hostile_xml), cmocka_unit_test(test_encodings),      cmocka_unit_test(test_feeds),
	    cmocka_unit_test(test_many_items),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
