/* test_blocks.c - unit tests for the article body's typed blocks (src/blocks.c) and embeds (src/embed.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "article.h"
#include "blocks.h"
#include "embed.h"

/* fake_media: the library holds images 12 and 13 (13 with renditions); 99 makes the lookup fail. */
static int fake_media(void *ctx, int64_t id, struct blocks_image *out)
{
	(void)ctx;
	if (id == 99)
		return -1;
	if (id != 12 && id != 13)
		return 0;
	out->src = id == 12 ? "/media/a.svg" : "/media/2026/11/b-1280.jpg";
	out->srcset = id == 13 ? "/media/2026/11/b-320.jpg 320w, /media/2026/11/b-640.jpg 640w" : NULL;
	out->alt = "library alt";
	out->width = 1280;
	out->height = 720;
	return 1;
}

static char err[512];

/* check: blocks_validate of md against the fake library. */
static int check(const char *md)
{
	return blocks_validate(md, strlen(md), fake_media, NULL, CATALOG_EN, err, sizeof err);
}

/* refused: asserts md is refused with a message containing want. */
static void refused(const char *md, const char *want)
{
	int rc = check(md);
	if (rc != BLOCKS_INVALID || !strstr(err, want))
		fail_msg("expected refusal with \"%s\" for %s, got %d \"%s\"", want, md, rc, err);
}

static void test_validate_accepts(void **state)
{
	(void)state;
	assert_int_equal(check(""), BLOCKS_OK);
	assert_int_equal(check("# Title\n\nSome **bold** [link](https://example.com) and [here](/en/news) "
			       "[mail](mailto:a@b.c) [frag](#x).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"),
			 BLOCKS_OK);
	assert_int_equal(check("```image\nmedia: 12\nalt: A\ncaption: C\ncredit: Photo: X\n```\n"), BLOCKS_OK);
	assert_int_equal(check("```gallery\ntitle: T\nmedia: 12\ncaption: one\n\nmedia: 13\ncredit: X\n```\n"), BLOCKS_OK);
	assert_int_equal(check("```embed\nurl: https://www.youtube.com/watch?v=dQw4w9WgXcQ\ntitle: T\n```\n"), BLOCKS_OK);
	assert_int_equal(check("```embed\nurl: https://example.org/story\n```\n"), BLOCKS_OK); /* a link card */
	assert_int_equal(check("```pullquote\ntext: We will rebuild.\nby: The mayor\n```\n"), BLOCKS_OK);
	/* any other info string is an ordinary code block, whatever it holds */
	assert_int_equal(check("```c\nint main(void) { return 0; }\n```\n\n```\nmedia: nope\n```\n"), BLOCKS_OK);
}

static void test_validate_refuses_html_and_links(void **state)
{
	(void)state;
	refused("Hello\n\n<script>alert(1)</script>\n", "Line 3: HTML is not allowed");
	refused("<style>p{}</style>", "HTML is not allowed");
	refused("a\n\n<iframe src=\"https://evil.example\"></iframe>", "Line 3");
	refused("text <img src=x onerror=alert(1)> more", "HTML is not allowed");
	refused("line one\nline two <b>bold</b>", "Line 2: HTML");
	refused("[x](javascript:alert(1))", "link address must start with https://");
	refused("[x](JavaScript:alert(1))", "link address");
	refused("[x](<java\tscript:alert(1)>)", "link address");
	refused("[x](&#106;avascript:alert(1))", "link address");
	refused("![x](data:image/png;base64,AAAA)", "picture address");
	refused("[x](vbscript:msgbox)", "link address");
	refused("- item\n- [x](data:text/html,hi)", "Line 2: a link address");
}

static void test_validate_refuses_blocks(void **state)
{
	(void)state;
	refused("para\n\n```image\nmedia: 12\nonerror: x\n```\n", "Line 5: the image block has no key \"onerror\"");
	refused("```image\nalt: no media\n```\n", "Line 1: the image block needs \"media\"");
	refused("```image\nmedia: twelve\n```\n", "Line 2: \"media\" in the image block must be the number");
	refused("```image\nmedia: 14\n```\n", "Line 2: there is no image 14 in the media library");
	refused("```image\nmedia: 12\nmedia: 13\n```\n", "given twice");
	refused("```image\nmedia: 12\njust words\n```\n", "Line 3: write each line of the image block as \"key: value\"");
	refused("```gallery\ncaption: before\nmedia: 12\n```\n", "Line 2: in a gallery, \"caption\" belongs to an image");
	refused("```gallery\ntitle: T\n```\n", "the gallery has no image");
	refused("```gallery\nmedia: 12\nmedia: 404\n```\n", "Line 3: there is no image 404");
	refused("```embed\nurl: http://www.youtube.com/watch?v=dQw4w9WgXcQ\n```\n", "Line 1: an embed's \"url\" must be an https address");
	refused("```embed\nurl: javascript:alert(1)\n```\n", "https address");
	refused("```embed\nurl: https://user@evil.example/\n```\n", "https address");
	refused("```embed\ntitle: no url\n```\n", "needs \"url\"");
	refused("```embed\nurl: https://x.example/\nsrc: https://y.example/\n```\n", "no key \"src\"");
	refused("```pullquote\nby: nobody\n```\n", "the pull quote needs \"text\"");
	/* bounds: 2,000 characters in a value (Arabic letters count one each), 200 images in a gallery */
	char *big = malloc(10000);
	strcpy(big, "```pullquote\ntext: ");
	for (int i = 0; i < BLOCKS_MAX_VALUE; i++)
		strcat(big, "\xD8\xA8");
	strcat(big, "\n```\n");
	assert_int_equal(check(big), BLOCKS_OK);
	strcpy(strstr(big, "\n```\n"), "x\n```\n");
	refused(big, "longer than 2000 characters");
	strcpy(big, "```gallery\n");
	for (int i = 0; i < BLOCKS_MAX_ITEMS; i++)
		strcat(big, "media: 12\n");
	strcat(big, "```\n");
	assert_int_equal(check(big), BLOCKS_OK);
	strcpy(big + strlen(big) - 4, "media: 13\n```\n");
	refused(big, "at most 200 images");
	free(big);
	/* a failing lookup is an error, not a refusal of the text */
	assert_int_equal(check("```image\nmedia: 99\n```\n"), BLOCKS_ERROR);
}

/* html: blocks_html of md with the fake library (caller frees). */
static char *html(const char *md, const char *edition)
{
	char *h = blocks_html(md, strlen(md), fake_media, NULL, edition);
	assert_non_null(h);
	return h;
}

static void test_render_markdown_and_direction(void **state)
{
	(void)state;
	char *h = html("# Title\n\nSome **bold** text.", "en");
	assert_string_equal(h, "<h1 dir=\"auto\">Title</h1>\n<p dir=\"auto\">Some <strong>bold</strong> text.</p>\n");
	free(h);
	h = html("\xE2\x80\x8F" "نص عربي\n\n\xE2\x80\x8E" "English line\n\n> \xE2\x80\x8F" "quote\n", "en");
	assert_non_null(strstr(h, "<p dir=\"rtl\">\xE2\x80\x8F"));
	assert_non_null(strstr(h, "<p dir=\"ltr\">\xE2\x80\x8E"));
	assert_non_null(strstr(h, "<blockquote dir=\"rtl\">\n<p dir=\"rtl\">"));
	free(h);
	h = html("- one\n- \xE2\x80\x8F" "two\n\n3. x\n4. y\n", "en");
	assert_string_equal(h, "<ul>\n<li dir=\"auto\">one</li>\n<li dir=\"rtl\">\xE2\x80\x8Ftwo</li>\n</ul>\n"
			       "<ol start=\"3\">\n<li dir=\"auto\">x</li>\n<li dir=\"auto\">y</li>\n</ol>\n");
	free(h);
	/* old bodies: raw HTML is omitted and unsafe links emptied, as cmark-gfm's safe mode always did */
	h = html("a <script>alert(1)</script> b\n\n<iframe src=x></iframe>\n\n[x](javascript:alert(1))", "en");
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "<iframe"));
	assert_null(strstr(h, "javascript:"));
	assert_non_null(strstr(h, "raw HTML omitted"));
	free(h);
	/* ...and what validation refuses but cmark-gfm's safe mode allows (data:image/png) is emptied too
	 * (found by fuzz_blocks) */
	h = html("[y](data:image/png;base64,AA) ![z](data:image/gif;base64,AA) [w](ftp://x/y) [ok](https://x/)", "en");
	assert_null(strstr(h, "data:"));
	assert_null(strstr(h, "ftp:"));
	assert_non_null(strstr(h, "<a href=\"\">y</a>"));
	assert_non_null(strstr(h, "<a href=\"https://x/\">ok</a>"));
	free(h);
	h = html("| a | b |\n|---|---|\n| 1 | 2 |\n\n```c\nx < y\n```\n", "en");
	assert_non_null(strstr(h, "<table>"));
	assert_non_null(strstr(h, "<pre><code class=\"language-c\">x &lt; y\n</code></pre>"));
	free(h);
}

static void test_render_blocks(void **state)
{
	(void)state;
	char *h = html("```image\nmedia: 13\nalt: Rescue \"teams\"\ncaption: <b>Monday</b>\ncredit: Photo: A\n```\n", "en");
	assert_string_equal(h, "<figure class=\"body-image\"><img src=\"/media/2026/11/b-1280.jpg\" "
			       "srcset=\"/media/2026/11/b-320.jpg 320w, /media/2026/11/b-640.jpg 640w\" "
			       "sizes=\"(max-width: 900px) 100vw, 800px\" alt=\"Rescue &quot;teams&quot;\" width=\"1280\" "
			       "height=\"720\" loading=\"lazy\" decoding=\"async\"><figcaption dir=\"auto\">&lt;b&gt;Monday&lt;/b&gt; "
			       "<span class=\"credit\">Photo: A</span></figcaption></figure>\n");
	free(h);
	/* a gallery naming a deleted image renders without it; with none left, renders nothing */
	h = html("```gallery\ntitle: Flood\nmedia: 12\ncaption: bridge\nmedia: 14\ncaption: gone\n```\n", "en");
	assert_non_null(strstr(h, "<figure class=\"gallery\"><figcaption class=\"gallery-title\" dir=\"auto\">Flood</figcaption>"
				  "<div class=\"gallery-track\" tabindex=\"0\" role=\"region\" aria-label=\"Flood\">"));
	assert_non_null(strstr(h, "bridge"));
	assert_null(strstr(h, "gone"));
	free(h);
	h = html("```gallery\nmedia: 14\n```\n", "ar");
	assert_string_equal(h, "");
	free(h);
	h = html("```gallery\nmedia: 12\n```\n", "ar");
	assert_non_null(strstr(h, "aria-label=\"معرض صور\""));
	assert_non_null(strstr(h, "alt=\"library alt\""));
	free(h);
	h = html("```embed\nurl: https://youtu.be/dQw4w9WgXcQ\ntitle: The \"statement\"\n```\n", "en");
	assert_string_equal(h, "<div class=\"embed\" data-embed-src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\" "
			       "data-embed-provider=\"YouTube\"><p class=\"embed-provider\">YouTube</p><p class=\"embed-title\" "
			       "dir=\"auto\"><a href=\"https://youtu.be/dQw4w9WgXcQ\" rel=\"noopener\">The &quot;statement&quot;</a>"
			       "</p></div>\n");
	free(h);
	h = html("```embed\nurl: https://www.example.org/a?b=1&c=2\n```\n", "en");
	assert_string_equal(h, "<div class=\"embed embed-link\"><p class=\"embed-provider\">example.org</p><p class=\"embed-title\" "
			       "dir=\"auto\"><a href=\"https://www.example.org/a?b=1&amp;c=2\" rel=\"noopener\">"
			       "https://www.example.org/a?b=1&amp;c=2</a></p></div>\n");
	free(h);
	h = html("```pullquote\ntext: \xE2\x80\x8F" "سنعيد البناء\nby: <i>mayor</i>\n```\n", "ar");
	assert_string_equal(h, "<figure class=\"pullquote\"><blockquote dir=\"rtl\"><p>\xE2\x80\x8F" "سنعيد البناء</p></blockquote>"
			       "<figcaption dir=\"auto\">&lt;i&gt;mayor&lt;/i&gt;</figcaption></figure>\n");
	free(h);
	/* a block that does not validate (old body, or stored before the rules) renders as nothing */
	h = html("before\n\n```embed\nurl: http://insecure.example/\n```\n\nafter", "en");
	assert_string_equal(h, "<p dir=\"auto\">before</p>\n<p dir=\"auto\">after</p>\n");
	free(h);
}

static void test_plain_text(void **state)
{
	(void)state;
	const char *md = "# Flood\n\nThe **river** rose.\n\n```gallery\ntitle: In pictures\nmedia: 12\ncaption: The bridge\n"
			 "credit: Photo: A\n```\n\n```embed\nurl: https://youtu.be/dQw4w9WgXcQ\ntitle: The statement\n```\n\n"
			 "```pullquote\ntext: We will rebuild.\nby: The mayor\n```\n";
	char *t = blocks_text(md, strlen(md));
	assert_non_null(t);
	assert_non_null(strstr(t, "Flood"));
	assert_non_null(strstr(t, "The river rose."));
	assert_non_null(strstr(t, "In pictures"));
	assert_non_null(strstr(t, "The bridge"));
	assert_non_null(strstr(t, "The statement"));
	assert_non_null(strstr(t, "We will rebuild."));
	assert_non_null(strstr(t, "The mayor"));
	assert_null(strstr(t, "media"));
	assert_null(strstr(t, "12"));
	assert_null(strstr(t, "youtu"));
	assert_null(strstr(t, "caption"));
	free(t);
}

/* frame: the frame address embed_parse gives url (asserting a known provider). */
static void expect_frame(const char *url, const char *provider, const char *host, const char *frame)
{
	struct embed e;
	int k = embed_parse(url, &e);
	if (k != EMBED_FRAME || strcmp(e.provider, provider) || strcmp(e.frame_host, host) || strcmp(e.frame.data, frame))
		fail_msg("%s: got %d %s %s %s", url, k, e.provider ? e.provider : "-", e.frame_host ? e.frame_host : "-",
			 e.frame.data ? e.frame.data : "-");
	embed_free(&e);
}

/* expect_kind: asserts embed_parse's answer for url. */
static void expect_kind(const char *url, int want)
{
	struct embed e;
	int k = embed_parse(url, &e);
	embed_free(&e);
	if (k != want)
		fail_msg("%s: got %d, want %d", url, k, want);
}

static void test_embed_providers(void **state)
{
	(void)state;
	const char *yt = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ";
	expect_frame("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "YouTube", "https://www.youtube-nocookie.com", yt);
	expect_frame("https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ#t=1", "YouTube", "https://www.youtube-nocookie.com", yt);
	expect_frame("https://youtu.be/dQw4w9WgXcQ?si=abc", "YouTube", "https://www.youtube-nocookie.com", yt);
	expect_frame("https://youtube.com/shorts/dQw4w9WgXcQ", "YouTube", "https://www.youtube-nocookie.com", yt);
	expect_frame("HTTPS://WWW.YOUTUBE.COM/embed/dQw4w9WgXcQ", "YouTube", "https://www.youtube-nocookie.com", yt);
	expect_frame("https://vimeo.com/76979871", "Vimeo", "https://player.vimeo.com", "https://player.vimeo.com/video/76979871?dnt=1");
	expect_frame("https://x.com/NASA/status/1234567890123456789", "X", "https://platform.twitter.com",
		     "https://platform.twitter.com/embed/Tweet.html?id=1234567890123456789&dnt=true");
	expect_frame("https://twitter.com/NASA/status/12345", "X", "https://platform.twitter.com",
		     "https://platform.twitter.com/embed/Tweet.html?id=12345&dnt=true");
	expect_frame("https://www.instagram.com/p/C0a-b_c/", "Instagram", "https://www.instagram.com",
		     "https://www.instagram.com/p/C0a-b_c/embed/");
	expect_frame("https://www.facebook.com/nasa/posts/12345", "Facebook", "https://www.facebook.com",
		     "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2Fnasa%2Fposts%2F12345");
	expect_frame("https://www.facebook.com/nasa/videos/678/", "Facebook", "https://www.facebook.com",
		     "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2Fnasa%2Fvideos%2F678%2F");
	expect_frame("https://www.tiktok.com/@scout2015/video/6718335390845095173", "TikTok", "https://www.tiktok.com",
		     "https://www.tiktok.com/embed/v2/6718335390845095173");
	expect_frame("https://t.me/durov/43", "Telegram", "https://t.me", "https://t.me/durov/43?embed=1");
	expect_frame("https://soundcloud.com/artist/track", "SoundCloud", "https://w.soundcloud.com",
		     "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fartist%2Ftrack");
	expect_frame("https://www.openstreetmap.org/#map=10/31.9500/35.9300", "OpenStreetMap", "https://www.openstreetmap.org",
		     "https://www.openstreetmap.org/export/embed.html?bbox=35.75422%2C31.86211%2C36.10578%2C32.03789&layer=mapnik"
		     "&marker=31.9500%2C35.9300");
	expect_frame("https://www.google.com/maps/place/Amman/@31.95,35.93,12z", "Google Maps", "https://www.google.com",
		     "https://www.google.com/maps?q=31.95%2C35.93&output=embed");
	expect_frame("https://maps.google.com/?q=Amman", "Google Maps", "https://www.google.com",
		     "https://www.google.com/maps?q=Amman&output=embed");
	/* other https addresses are link cards; the rest are refused */
	expect_kind("https://www.youtube.com/watch?v=short", EMBED_LINK);
	expect_kind("https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ", EMBED_LINK);
	expect_kind("https://example.org/", EMBED_LINK);
	expect_kind("https://vimeo.com/about", EMBED_LINK);
	expect_kind("http://www.youtube.com/watch?v=dQw4w9WgXcQ", EMBED_BAD);
	expect_kind("https://", EMBED_BAD);
	expect_kind("https://a b/", EMBED_BAD);
	expect_kind("https://user:pw@youtube.com/", EMBED_BAD);
	expect_kind("https://x.example/\"onmouseover=", EMBED_BAD);
	expect_kind("https://example.org:8443/", EMBED_BAD);
	expect_kind("javascript:alert(1)", EMBED_BAD);
	expect_kind("data:text/html,x", EMBED_BAD);
}

static void test_frame_hosts(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	const char *md = "```embed\nurl: https://youtu.be/dQw4w9WgXcQ\n```\n\n```embed\nurl: https://vimeo.com/1\n```\n\n"
			 "```embed\nurl: https://www.youtube.com/shorts/dQw4w9WgXcQ\n```\n\n```embed\nurl: https://example.org/\n```\n"
			 "\n```embed\nurl: http://vimeo.com/1\n```\n";
	assert_string_equal(blocks_frame_hosts(&a, md, strlen(md)), "https://www.youtube-nocookie.com https://player.vimeo.com");
	assert_string_equal(blocks_frame_hosts(&a, "no embeds", 9), "");
	arena_free(&a);
}

/* An introduction that goes into an e-mail: absolute addresses, a typed image without srcset, an embed as a
 * plain link, no gallery; refused: a gallery, a picture without alt text; the text part's plain text. */
static void test_mail(void **state)
{
	(void)state;
	const char *md = "Hello **all**, see [the port](/en/2026/12/01/port) and [elsewhere](https://x.example/a).\n\n"
			 "```image\nmedia: 13\n```\n\n```embed\nurl: https://www.youtube.com/watch?v=dQw4w9WgXcQ\n"
			 "title: The statement\n```\n\n- one\n- two\n\n![the map](/media/map.png)\n";
	char *h = blocks_mail_html(md, strlen(md), fake_media, NULL, "en", "https://news.example");
	assert_non_null(h);
	assert_non_null(strstr(h, "Hello <strong>all</strong>"));
	assert_non_null(strstr(h, "<a href=\"https://news.example/en/2026/12/01/port\">the port</a>"));
	assert_non_null(strstr(h, "<a href=\"https://x.example/a\">elsewhere</a>"));
	assert_non_null(strstr(h, "<img src=\"https://news.example/media/2026/11/b-1280.jpg\" alt=\"library alt\""));
	assert_null(strstr(h, "srcset"));
	assert_null(strstr(h, "data-embed"));
	assert_non_null(strstr(h, "<a href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\">The statement</a>"));
	assert_non_null(strstr(h, "src=\"https://news.example/media/map.png\" alt=\"the map\""));
	free(h);
	char *page = blocks_html(md, strlen(md), fake_media, NULL, "en");
	assert_non_null(strstr(page, "href=\"/en/2026/12/01/port\"")); /* a page keeps its paths */
	free(page);
	char *t = blocks_mail_text(md, strlen(md), "https://news.example");
	assert_non_null(t);
	assert_non_null(strstr(t, "Hello all, see the port <https://news.example/en/2026/12/01/port> and elsewhere <https://x.example/a>."));
	assert_non_null(strstr(t, "\n\nThe statement <https://www.youtube.com/watch?v=dQw4w9WgXcQ>\n\n- one\n- two\n\n[the map]"));
	assert_null(strstr(t, "```"));
	assert_null(strstr(t, "**"));
	free(t);
	assert_int_equal(blocks_mail_validate(md, strlen(md), fake_media, NULL, CATALOG_EN, err, sizeof err), BLOCKS_OK);
	const char *gallery = "```gallery\nmedia: 12\nalt: a\n```\n";
	assert_int_equal(blocks_mail_validate(gallery, strlen(gallery), fake_media, NULL, CATALOG_EN, err, sizeof err), BLOCKS_INVALID);
	assert_non_null(strstr(err, "Line 1: a gallery cannot go into an e-mail"));
	const char *noalt = "Text\n\n![](https://x.example/p.png)\n";
	assert_int_equal(blocks_mail_validate(noalt, strlen(noalt), fake_media, NULL, CATALOG_EN, err, sizeof err), BLOCKS_INVALID);
	assert_non_null(strstr(err, "Line 3: a picture in an e-mail needs alt text"));
	const char *html_in = "<script>x</script>\n";
	assert_int_equal(blocks_mail_validate(html_in, strlen(html_in), fake_media, NULL, CATALOG_EN, err, sizeof err), BLOCKS_INVALID);
}

static int teardown(void **state)
{
	(void)state;
	article_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_validate_accepts),
	    cmocka_unit_test(test_validate_refuses_html_and_links),
	    cmocka_unit_test(test_validate_refuses_blocks),
	    cmocka_unit_test(test_render_markdown_and_direction),
	    cmocka_unit_test(test_render_blocks),
	    cmocka_unit_test(test_plain_text),
	    cmocka_unit_test(test_embed_providers),
	    cmocka_unit_test(test_frame_hosts),
	    cmocka_unit_test(test_mail),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
