/* test_newsletter_mail.c - an issue's e-mail (newsletter_mail_build, pure): the English mail left to right
 * and the Arabic one right to left (html lang/dir, every table's dir, right-aligned text, Arabic digits
 * in the date), the preheader first in the body, stories in order with their pictures' alt text and
 * absolute links, everything a writer typed escaped, the text part with the same links, the List-Id and
 * the one-click unsubscribe only when the subscriber has a link, and refusals (no subject, unknown
 * edition) that leave the message untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "arena.h"
#include "newsletter_mail.h"

static const struct nl_story stories[] = {
	{"Port <reopens> & \"ships\" sail", "Dockers return.", "https://news.example/en/2026/12/01/port",
	 "https://news.example/media/port.jpg", "Cranes at dawn", NULL},
	{"Rates held", NULL, "https://news.example/en/2026/12/01/rates", NULL, NULL, NULL},
};

static struct nl_mail_input input(const char *edition)
{
	return (struct nl_mail_input){.edition = edition, .base_url = "https://news.example", .site_name = "Ledger",
				      .publisher = "Ledger Media", .list_name = "Daily digest", .subject = "Monday",
				      .preheader = "Two things <today>", .intro_html = "<p>Hello <em>all</em></p>",
				      .intro_text = "Hello *all*", .stories = stories, .n_stories = 2, .date = 1796112000,
				      .prefs_url = "https://news.example/newsletter/preferences/TOKEN",
				      .unsub_url = "https://news.example/newsletter/unsubscribe/TOKEN"};
}

static void test_english(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct nl_mail_input in = input("en");
	struct mail_message m = {0};
	assert_int_equal(newsletter_mail_build(&a, &in, &m), 0);
	assert_string_equal(m.subject, "Monday");
	assert_string_equal(m.lang, "en");
	assert_non_null(strstr(m.html, "<html lang=\"en\" dir=\"ltr\">"));
	assert_non_null(strstr(m.html, "<meta name=\"color-scheme\" content=\"light dark\">"));
	assert_non_null(strstr(m.html, "prefers-color-scheme: dark"));
	const char *pre = strstr(m.html, "Two things &lt;today&gt;</div>"), *body = strstr(m.html, "<body");
	assert_true(pre && body && pre > body && pre < strstr(m.html, "Ledger</a>"));
	assert_non_null(strstr(m.html, "Port &lt;reopens&gt; &amp; &quot;ships&quot; sail"));
	assert_null(strstr(m.html, "<reopens>"));
	assert_non_null(strstr(m.html, "<img src=\"https://news.example/media/port.jpg\" alt=\"Cranes at dawn\""));
	assert_true(strstr(m.html, "/port\"") < strstr(m.html, "/rates\""));
	assert_non_null(strstr(m.html, "<p>Hello <em>all</em></p>"));
	assert_non_null(strstr(m.html, "href=\"https://news.example/newsletter/unsubscribe/TOKEN\""));
	assert_non_null(strstr(m.html, "© Ledger Media"));
	assert_non_null(strstr(m.html, "text-align:left"));
	assert_non_null(strstr(m.text, "1. Port <reopens> & \"ships\" sail\nDockers return.\nhttps://news.example/en/2026/12/01/port\n"));
	assert_non_null(strstr(m.text, "2. Rates held\nhttps://news.example/en/2026/12/01/rates\n"));
	assert_non_null(strstr(m.text, "Unsubscribe: https://news.example/newsletter/unsubscribe/TOKEN"));
	assert_non_null(strstr(m.text, "Hello *all*"));
	assert_string_equal(m.list_id, "Daily digest <en.news.example>");
	assert_string_equal(m.unsubscribe_url, "https://news.example/newsletter/unsubscribe/TOKEN");
	assert_int_equal(m.one_click, 1);
	arena_free(&a);
}

static void test_arabic(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct nl_mail_input in = input("ar");
	struct mail_message m = {0};
	assert_int_equal(newsletter_mail_build(&a, &in, &m), 0);
	assert_string_equal(m.lang, "ar");
	assert_non_null(strstr(m.html, "<html lang=\"ar\" dir=\"rtl\">"));
	assert_null(strstr(m.html, "dir=\"ltr\""));
	assert_non_null(strstr(m.html, "<table role=\"presentation\" class=\"nl-card\" dir=\"rtl\""));
	assert_non_null(strstr(m.html, "text-align:right"));
	assert_non_null(strstr(m.html, "ديسمبر")); /* an Arabic date */
	arena_free(&a);
}

static void test_no_links_and_refusals(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct nl_mail_input in = input("en");
	in.prefs_url = in.unsub_url = NULL;
	in.list_name = NULL;
	struct mail_message m = {0};
	assert_int_equal(newsletter_mail_build(&a, &in, &m), 0);
	assert_null(m.unsubscribe_url);
	assert_int_equal(m.one_click, 0);
	assert_null(m.list_id);
	assert_null(strstr(m.html, "/newsletter/"));
	struct mail_message untouched = {.subject = "keep"};
	in.subject = "";
	assert_int_equal(newsletter_mail_build(&a, &in, &untouched), -1);
	in.subject = "x";
	in.edition = "fr";
	assert_int_equal(newsletter_mail_build(&a, &in, &untouched), -1);
	assert_string_equal(untouched.subject, "keep");
	assert_null(untouched.html);
	assert_string_equal(newsletter_list_name(&a, "section/world", "en"), "Section: world");
	arena_free(&a);
}

/* With open and click counts on, the HTML part carries the 1x1 image (empty alt) and the story links'
 * click addresses; the text part keeps the stories' own links; without them, neither appears. */
static void test_tracking(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct nl_story tracked[2];
	memcpy(tracked, stories, sizeof tracked);
	tracked[0].track_url = "https://news.example/newsletter/c/CLICK1";
	tracked[1].track_url = "https://news.example/newsletter/c/CLICK2";
	struct nl_mail_input in = input("en");
	in.stories = tracked;
	in.open_url = "https://news.example/newsletter/o/OPEN.gif";
	struct mail_message m = {0};
	assert_int_equal(newsletter_mail_build(&a, &in, &m), 0);
	assert_non_null(strstr(m.html, "<img src=\"https://news.example/newsletter/o/OPEN.gif\" alt=\"\" width=\"1\" height=\"1\""));
	assert_non_null(strstr(m.html, "<a href=\"https://news.example/newsletter/c/CLICK1\"><img"));
	assert_non_null(strstr(m.html, "<a href=\"https://news.example/newsletter/c/CLICK2\" style"));
	assert_null(strstr(m.html, "href=\"https://news.example/en/2026/12/01/rates\""));
	assert_null(strstr(m.text, "/newsletter/c/"));
	assert_null(strstr(m.text, "/newsletter/o/"));
	assert_non_null(strstr(m.text, "https://news.example/en/2026/12/01/rates\n"));
	struct nl_mail_input plain = input("en");
	struct mail_message p = {0};
	assert_int_equal(newsletter_mail_build(&a, &plain, &p), 0);
	assert_null(strstr(p.html, "/newsletter/"  "o/"));
	assert_null(strstr(p.html, "/newsletter/c/"));
	assert_null(strstr(p.html, "width=\"1\""));
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_english), cmocka_unit_test(test_arabic),
					   cmocka_unit_test(test_no_links_and_refusals), cmocka_unit_test(test_tracking)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
