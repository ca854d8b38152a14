/* test_feed.c - unit tests for the RSS and Atom writers (src/feed.c): structure, escaping of every
 * value, dates, enclosures, and the permanent GUIDs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "buf.h"
#include "datefmt.h"
#include "feed.h"

static void assert_has(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("missing: %s\nin:\n%s", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("unexpected: %s\nin:\n%s", needle, hay);
}

/* sample: a feed of two items: one with a byline, tags and an image, full of characters to escape;
 * one bare. */
static struct feed sample(struct feed_item items[2])
{
	static const struct feed_person people[] = {{"Leila \"Lulu\" Haddad", "https://news.example/en/author/leila"},
						    {"Omar <b>Khatib</b>", NULL}};
	static const struct feed_category cats[] = {{"Politics & Power", "https://news.example/en/section/"},
						    {"Water", "https://news.example/en/tag/"}};
	memset(items, 0, 2 * sizeof *items);
	items[0] = (struct feed_item){
		.guid = "tag:news.example,2026:article-42",
		.title = "Dams & \"deals\" <script>alert(1)</script>",
		.link = "https://news.example/en/2026/01/23/dams?x=1&y=2",
		.summary = "A standfirst with a \x01 control character and ' quotes",
		.content_html = "<p>Body &amp; <a href=\"/en/tag/water\">link</a></p>]]>",
		.published = datefmt_from_civil(2018, 1, 23, 5, 1, 0),
		.updated = datefmt_from_civil(2018, 1, 24, 6, 2, 0),
		.authors = people,
		.nauthors = 2,
		.categories = cats,
		.ncategories = 2,
		.image_url = "https://news.example/media/2026/01/ab-1280.jpg",
		.image_type = "image/jpeg",
		.image_alt = "A dam & a lake",
		.image_credit = "Photo: <Nadia>",
		.image_length = 12345,
		.image_width = 1280,
		.image_height = 720,
	};
	items[1] = (struct feed_item){
		.guid = "tag:news.example,2026:article-7",
		.title = "Plain",
		.link = "https://news.example/en/2026/01/22/plain",
		.summary = "",
		.content_html = "",
		.published = datefmt_from_civil(2018, 1, 22, 0, 0, 0),
		.updated = datefmt_from_civil(2018, 1, 1, 0, 0, 0), /* saved as a draft before publication */
	};
	return (struct feed){
		.id = "https://news.example/en/atom.xml",
		.title = "Ledger & Co",
		.description = "News <fast>",
		.lang = "en",
		.link = "https://news.example/en/",
		.self = "https://news.example/en/rss.xml",
		.base = "https://news.example/",
		.author = "Ledger & Co",
		.generator_version = "0.1.0",
		.updated = datefmt_from_civil(2018, 1, 24, 6, 2, 0),
		.items = items,
		.nitems = 2,
	};
}

/* The four documents below are the writers' exact output, recorded from the code before it was rewritten
 * over BUF_XML_IN (issue 17): the rewrite must not change a byte. */
static const char rss_full[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:media=\"http://search.yahoo.com/mrss/\" xml:lang=\"en\">\n"
	"<channel>\n"
	"<title>Ledger &amp; Co</title>\n"
	"<link>https://news.example/en/</link>\n"
	"<description>News &lt;fast&gt;</description>\n"
	"<language>en</language>\n"
	"<lastBuildDate>Wed, 24 Jan 2018 06:02:00 GMT</lastBuildDate>\n"
	"<generator>Broadsheet 0.1.0</generator>\n"
	"<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"https://news.example/en/rss.xml\"/>\n"
	"<item>\n"
	"<title>Dams &amp; &quot;deals&quot; &lt;script&gt;alert(1)&lt;/script&gt;</title>\n"
	"<link>https://news.example/en/2026/01/23/dams?x=1&amp;y=2</link>\n"
	"<guid isPermaLink=\"false\">tag:news.example,2026:article-42</guid>\n"
	"<pubDate>Tue, 23 Jan 2018 05:01:00 GMT</pubDate>\n"
	"<dc:creator>Leila &quot;Lulu&quot; Haddad</dc:creator>\n"
	"<dc:creator>Omar &lt;b&gt;Khatib&lt;/b&gt;</dc:creator>\n"
	"<category domain=\"https://news.example/en/section/\">Politics &amp; Power</category>\n"
	"<category domain=\"https://news.example/en/tag/\">Water</category>\n"
	"<description>A standfirst with a  control character and &#39; quotes</description>\n"
	"<content:encoded>&lt;p&gt;Body &amp;amp; &lt;a href=&quot;/en/tag/water&quot;&gt;link&lt;/a&gt;&lt;/p&gt;]]&gt;</content:encoded>\n"
	"<enclosure url=\"https://news.example/media/2026/01/ab-1280.jpg\" length=\"12345\" type=\"image/jpeg\"/>\n"
	"<media:content url=\"https://news.example/media/2026/01/ab-1280.jpg\" type=\"image/jpeg\" medium=\"image\" fileSize=\"12345\" width=\"1280\" height=\"720\">\n"
	"<media:description type=\"plain\">A dam &amp; a lake</media:description>\n"
	"<media:credit>Photo: &lt;Nadia&gt;</media:credit>\n"
	"</media:content>\n"
	"</item>\n"
	"<item>\n"
	"<title>Plain</title>\n"
	"<link>https://news.example/en/2026/01/22/plain</link>\n"
	"<guid isPermaLink=\"false\">tag:news.example,2026:article-7</guid>\n"
	"<pubDate>Mon, 22 Jan 2018 00:00:00 GMT</pubDate>\n"
	"<content:encoded></content:encoded>\n"
	"</item>\n"
	"</channel>\n"
	"</rss>\n"
	"";

static const char atom_full[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\" xml:base=\"https://news.example/\">\n"
	"<id>https://news.example/en/atom.xml</id>\n"
	"<title type=\"text\">Ledger &amp; Co</title>\n"
	"<subtitle type=\"text\">News &lt;fast&gt;</subtitle>\n"
	"<link rel=\"alternate\" type=\"text/html\" href=\"https://news.example/en/\"/>\n"
	"<link rel=\"self\" type=\"application/atom+xml\" href=\"https://news.example/en/rss.xml\"/>\n"
	"<updated>2018-01-24T06:02:00Z</updated>\n"
	"<author><name>Ledger &amp; Co</name>\n"
	"</author>\n"
	"<generator version=\"0.1.0\">Broadsheet</generator>\n"
	"<entry>\n"
	"<id>tag:news.example,2026:article-42</id>\n"
	"<title type=\"text\">Dams &amp; &quot;deals&quot; &lt;script&gt;alert(1)&lt;/script&gt;</title>\n"
	"<link rel=\"alternate\" type=\"text/html\" href=\"https://news.example/en/2026/01/23/dams?x=1&amp;y=2\"/>\n"
	"<published>2018-01-23T05:01:00Z</published>\n"
	"<updated>2018-01-24T06:02:00Z</updated>\n"
	"<author><name>Leila &quot;Lulu&quot; Haddad</name>\n"
	"<uri>https://news.example/en/author/leila</uri>\n"
	"</author>\n"
	"<author><name>Omar &lt;b&gt;Khatib&lt;/b&gt;</name>\n"
	"</author>\n"
	"<category term=\"Politics &amp; Power\" scheme=\"https://news.example/en/section/\"/>\n"
	"<category term=\"Water\" scheme=\"https://news.example/en/tag/\"/>\n"
	"<summary type=\"text\">A standfirst with a  control character and &#39; quotes</summary>\n"
	"<content type=\"html\">&lt;p&gt;Body &amp;amp; &lt;a href=&quot;/en/tag/water&quot;&gt;link&lt;/a&gt;&lt;/p&gt;]]&gt;</content>\n"
	"<link rel=\"enclosure\" type=\"image/jpeg\" length=\"12345\" title=\"A dam &amp; a lake\" href=\"https://news.example/media/2026/01/ab-1280.jpg\"/>\n"
	"</entry>\n"
	"<entry>\n"
	"<id>tag:news.example,2026:article-7</id>\n"
	"<title type=\"text\">Plain</title>\n"
	"<link rel=\"alternate\" type=\"text/html\" href=\"https://news.example/en/2026/01/22/plain\"/>\n"
	"<published>2018-01-22T00:00:00Z</published>\n"
	"<updated>2018-01-22T00:00:00Z</updated>\n"
	"<content type=\"html\"></content>\n"
	"</entry>\n"
	"</feed>\n"
	"";

static const char rss_bare[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:media=\"http://search.yahoo.com/mrss/\" xml:lang=\"en\">\n"
	"<channel>\n"
	"<title>Ledger &amp; Co</title>\n"
	"<link>https://news.example/en/</link>\n"
	"<description>News &lt;fast&gt;</description>\n"
	"<language>en</language>\n"
	"<lastBuildDate>Wed, 24 Jan 2018 06:02:00 GMT</lastBuildDate>\n"
	"<generator>Broadsheet 0.1.0</generator>\n"
	"<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"https://news.example/en/rss.xml\"/>\n"
	"<item>\n"
	"<title>Dams &amp; &quot;deals&quot; &lt;script&gt;alert(1)&lt;/script&gt;</title>\n"
	"<link>https://news.example/en/2026/01/23/dams?x=1&amp;y=2</link>\n"
	"<guid isPermaLink=\"false\">tag:news.example,2026:article-42</guid>\n"
	"<pubDate>Tue, 23 Jan 2018 05:01:00 GMT</pubDate>\n"
	"<dc:creator>Leila &quot;Lulu&quot; Haddad</dc:creator>\n"
	"<dc:creator>Omar &lt;b&gt;Khatib&lt;/b&gt;</dc:creator>\n"
	"<description>A standfirst with a  control character and &#39; quotes</description>\n"
	"<content:encoded>&lt;p&gt;Body &amp;amp; &lt;a href=&quot;/en/tag/water&quot;&gt;link&lt;/a&gt;&lt;/p&gt;]]&gt;</content:encoded>\n"
	"<enclosure url=\"https://news.example/media/2026/01/ab-1280.jpg\" length=\"0\" type=\"image/jpeg\"/>\n"
	"<media:content url=\"https://news.example/media/2026/01/ab-1280.jpg\" type=\"image/jpeg\" medium=\"image\">\n"
	"</media:content>\n"
	"</item>\n"
	"<item>\n"
	"<title>Plain</title>\n"
	"<link>https://news.example/en/2026/01/22/plain</link>\n"
	"<guid isPermaLink=\"false\">tag:news.example,2026:article-7</guid>\n"
	"<pubDate>Mon, 22 Jan 2018 00:00:00 GMT</pubDate>\n"
	"<content:encoded></content:encoded>\n"
	"</item>\n"
	"</channel>\n"
	"</rss>\n"
	"";

static const char atom_bare[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n"
	"<id>https://news.example/en/atom.xml</id>\n"
	"<title type=\"text\">Ledger &amp; Co</title>\n"
	"<subtitle type=\"text\">News &lt;fast&gt;</subtitle>\n"
	"<link rel=\"alternate\" type=\"text/html\" href=\"https://news.example/en/\"/>\n"
	"<link rel=\"self\" type=\"application/atom+xml\" href=\"https://news.example/en/rss.xml\"/>\n"
	"<updated>2018-01-24T06:02:00Z</updated>\n"
	"<author><name>Ledger &amp; Co</name>\n"
	"</author>\n"
	"<generator version=\"0.1.0\">Broadsheet</generator>\n"
	"<entry>\n"
	"<id>tag:news.example,2026:article-42</id>\n"
	"<title type=\"text\">Dams &amp; &quot;deals&quot; &lt;script&gt;alert(1)&lt;/script&gt;</title>\n"
	"<link rel=\"alternate\" type=\"text/html\" href=\"https://news.example/en/2026/01/23/dams?x=1&amp;y=2\"/>\n"
	"<published>2018-01-23T05:01:00Z</published>\n"
	"<updated>2018-01-24T06:02:00Z</updated>\n"
	"<author><name>Leila &quot;Lulu&quot; Haddad</name>\n"
	"<uri>https://news.example/en/author/leila</uri>\n"
	"</author>\n"
	"<author><name>Omar &lt;b&gt;Khatib&lt;/b&gt;</name>\n"
	"</author>\n"
	"<summary type=\"text\">A standfirst with a  control character and &#39; quotes</summary>\n"
	"<content type=\"html\">&lt;p&gt;Body &amp;amp; &lt;a href=&quot;/en/tag/water&quot;&gt;link&lt;/a&gt;&lt;/p&gt;]]&gt;</content>\n"
	"<link rel=\"enclosure\" type=\"image/jpeg\" href=\"https://news.example/media/2026/01/ab-1280.jpg\"/>\n"
	"</entry>\n"
	"<entry>\n"
	"<id>tag:news.example,2026:article-7</id>\n"
	"<title type=\"text\">Plain</title>\n"
	"<link rel=\"alternate\" type=\"text/html\" href=\"https://news.example/en/2026/01/22/plain\"/>\n"
	"<published>2018-01-22T00:00:00Z</published>\n"
	"<updated>2018-01-22T00:00:00Z</updated>\n"
	"<content type=\"html\"></content>\n"
	"</entry>\n"
	"</feed>\n"
	"";

/* test_whole_documents: the sample in both formats, and again without the optional parts (xml:base,
 * image size, alt text, credit, categories), byte for byte. */
static void test_whole_documents(void **state)
{
	(void)state;
	struct feed_item items[2];
	struct feed f = sample(items);
	struct buf b = BUF_INIT;
	const char *want[] = {rss_full, atom_full, rss_bare, atom_bare};
	for (int i = 0; i < 4; i++) {
		if (i == 2) {
			f.base = NULL;
			items[0].image_length = items[0].image_width = 0;
			items[0].image_alt = items[0].image_credit = NULL;
			items[0].categories = NULL;
			items[0].ncategories = 0;
		}
		buf_reset(&b);
		feed_render(&b, i % 2 ? FEED_ATOM : FEED_RSS, &f);
		assert_string_equal(buf_cstr(&b), want[i]);
	}
	buf_free(&b);
}

static void test_rss(void **state)
{
	(void)state;
	struct feed_item items[2];
	struct feed f = sample(items);
	struct buf b = BUF_INIT;
	feed_render(&b, FEED_RSS, &f);
	const char *s = buf_cstr(&b);
	assert_true(strncmp(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"", 55) == 0);
	assert_has(s, "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"");
	assert_has(s, "xmlns:media=\"http://search.yahoo.com/mrss/\"");
	assert_has(s, "xml:lang=\"en\"");
	assert_has(s, "<title>Ledger &amp; Co</title>");
	assert_has(s, "<description>News &lt;fast&gt;</description>");
	assert_has(s, "<language>en</language>");
	assert_has(s, "<lastBuildDate>Wed, 24 Jan 2018 06:02:00 GMT</lastBuildDate>");
	assert_has(s, "<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"https://news.example/en/rss.xml\"/>");
	assert_has(s, "<title>Dams &amp; &quot;deals&quot; &lt;script&gt;alert(1)&lt;/script&gt;</title>");
	assert_has(s, "<link>https://news.example/en/2026/01/23/dams?x=1&amp;y=2</link>");
	assert_has(s, "<guid isPermaLink=\"false\">tag:news.example,2026:article-42</guid>");
	assert_has(s, "<pubDate>Tue, 23 Jan 2018 05:01:00 GMT</pubDate>");
	assert_has(s, "<dc:creator>Leila &quot;Lulu&quot; Haddad</dc:creator>");
	assert_has(s, "<dc:creator>Omar &lt;b&gt;Khatib&lt;/b&gt;</dc:creator>");
	assert_has(s, "<category domain=\"https://news.example/en/section/\">Politics &amp; Power</category>");
	/* the control character is dropped: XML 1.0 cannot hold it */
	assert_has(s, "<description>A standfirst with a  control character and &#39; quotes</description>");
	assert_lacks(s, "\x01");
	/* the body is text, so even "]]>" cannot end anything */
	assert_has(s, "<content:encoded>&lt;p&gt;Body &amp;amp; &lt;a href=&quot;/en/tag/water&quot;&gt;link&lt;/a&gt;&lt;/p&gt;]]&gt;"
		      "</content:encoded>");
	assert_has(s, "<enclosure url=\"https://news.example/media/2026/01/ab-1280.jpg\" length=\"12345\" type=\"image/jpeg\"/>");
	assert_has(s, "<media:content url=\"https://news.example/media/2026/01/ab-1280.jpg\" type=\"image/jpeg\" "
		      "medium=\"image\" fileSize=\"12345\" width=\"1280\" height=\"720\">");
	assert_has(s, "<media:description type=\"plain\">A dam &amp; a lake</media:description>");
	assert_has(s, "<media:credit>Photo: &lt;Nadia&gt;</media:credit>");
	/* the bare item: no empty description, no enclosure */
	const char *second = strstr(s, "<title>Plain</title>");
	assert_non_null(second);
	assert_lacks(second, "<description>");
	assert_lacks(second, "<enclosure");
	assert_has(second, "<content:encoded></content:encoded>");
	assert_true(strcmp(s + b.len - 18, "</channel>\n</rss>\n") == 0);
	buf_free(&b);
}

static void test_atom(void **state)
{
	(void)state;
	struct feed_item items[2];
	struct feed f = sample(items);
	struct buf b = BUF_INIT;
	feed_render(&b, FEED_ATOM, &f);
	const char *s = buf_cstr(&b);
	assert_has(s, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\" xml:base=\"https://news.example/\">");
	assert_has(s, "<id>https://news.example/en/atom.xml</id>");
	assert_has(s, "<title type=\"text\">Ledger &amp; Co</title>");
	assert_has(s, "<subtitle type=\"text\">News &lt;fast&gt;</subtitle>");
	assert_has(s, "<link rel=\"alternate\" type=\"text/html\" href=\"https://news.example/en/\"/>");
	assert_has(s, "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://news.example/en/rss.xml\"/>");
	assert_has(s, "<updated>2018-01-24T06:02:00Z</updated>\n<author><name>Ledger &amp; Co</name>");
	assert_has(s, "<id>tag:news.example,2026:article-42</id>");
	assert_has(s, "<published>2018-01-23T05:01:00Z</published>\n<updated>2018-01-24T06:02:00Z</updated>");
	assert_has(s, "<author><name>Leila &quot;Lulu&quot; Haddad</name>\n<uri>https://news.example/en/author/leila</uri>");
	assert_has(s, "<author><name>Omar &lt;b&gt;Khatib&lt;/b&gt;</name>\n</author>");
	assert_has(s, "<category term=\"Politics &amp; Power\" scheme=\"https://news.example/en/section/\"/>");
	assert_has(s, "<summary type=\"text\">A standfirst with a  control character and &#39; quotes</summary>");
	assert_has(s, "<content type=\"html\">&lt;p&gt;Body &amp;amp; &lt;a href=");
	assert_has(s, "<link rel=\"enclosure\" type=\"image/jpeg\" length=\"12345\" title=\"A dam &amp; a lake\" "
		      "href=\"https://news.example/media/2026/01/ab-1280.jpg\"/>");
	/* an entry updated before its publication (a draft saved earlier) is "updated" when published */
	const char *second = strstr(s, "<id>tag:news.example,2026:article-7</id>");
	assert_non_null(second);
	assert_has(second, "<published>2018-01-22T00:00:00Z</published>\n<updated>2018-01-22T00:00:00Z</updated>");
	assert_lacks(second, "<summary");
	assert_lacks(second, "rel=\"enclosure\"");
	assert_true(strcmp(s + b.len - 8, "</feed>\n") == 0);
	buf_free(&b);
}

static void test_empty_feed(void **state)
{
	(void)state;
	struct feed_item items[2];
	struct feed f = sample(items);
	f.nitems = 0;
	struct buf b = BUF_INIT;
	feed_render(&b, FEED_RSS, &f);
	assert_lacks(buf_cstr(&b), "<item>");
	assert_has(buf_cstr(&b), "</channel>");
	buf_reset(&b);
	feed_render(&b, FEED_ATOM, &f);
	assert_lacks(buf_cstr(&b), "<entry>");
	buf_free(&b);
}

static void test_guid(void **state)
{
	(void)state;
	struct arena a = {0};
	int64_t t = datefmt_from_civil(2026, 3, 4, 5, 6, 7);
	assert_string_equal(feed_guid(&a, "https://News.Example.com", t, 42), "tag:news.example.com,2026:article-42");
	assert_string_equal(feed_guid(&a, "http://127.0.0.1:8080", t, 7), "tag:127.0.0.1,2026:article-7");
	assert_string_equal(feed_guid(&a, "https://news.example.com/paper", t, 1), "tag:news.example.com,2026:article-1");
	assert_string_equal(feed_guid(&a, "http://[::1]:8080", t, 3), "tag:--1,2026:article-3");
	assert_string_equal(feed_guid(&a, "https://xn--mgbh0fb.example", datefmt_from_civil(1999, 12, 31, 23, 59, 59), 5),
			    "tag:xn--mgbh0fb.example,1999:article-5");
	assert_string_equal(feed_guid(&a, "", t, 9), "tag:localhost,2026:article-9");
	arena_free(&a);
}

static void test_image_type(void **state)
{
	(void)state;
	assert_string_equal(feed_image_type("2026/01/ab-1280.jpg"), "image/jpeg");
	assert_string_equal(feed_image_type("en-desal.svg"), "image/svg+xml");
	assert_string_equal(feed_image_type("x.png"), "image/png");
	assert_string_equal(feed_image_type("x.webp"), "image/webp");
	assert_string_equal(feed_image_type("x"), "application/octet-stream");
	assert_string_equal(feed_image_type(NULL), "application/octet-stream");
	assert_string_equal(feed_content_type(FEED_RSS), "application/rss+xml; charset=utf-8");
	assert_string_equal(feed_content_type(FEED_ATOM), "application/atom+xml; charset=utf-8");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rss),  cmocka_unit_test(test_atom),       cmocka_unit_test(test_empty_feed),
		cmocka_unit_test(test_guid), cmocka_unit_test(test_image_type),
		cmocka_unit_test(test_whole_documents),
	};
	return cmocka_run_group_tests_name("feed", tests, NULL, NULL);
}
