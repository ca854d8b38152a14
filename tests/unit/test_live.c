/* test_live.c - what readers see of a live blog (src/live.c): one entry's <article> in each edition and
 * state (plain, key event, corrected, withdrawn, pinned), its escaping, and the short titles and plain
 * text the JSON-LD uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "live.h"

#define T0 1516683660 /* 2018-01-23 05:01:00 UTC, a Tuesday */

static struct db_live_entry entry(void)
{
	return (struct db_live_entry){.id = 42, .article_id = 7, .created_at = T0, .updated_at = T0, .version = 3,
				      .byline = "Rana Haddad", .body_md = "x", .body_html = "<p>Rescue teams <em>reached</em> the valley.</p>",
				      .key_event = "", .state = "published", .note = ""};
}

static void test_entry_plain(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct db_live_entry e = entry();
	const char *h = live_entry_html(&a, &e, "en", "/en/2018/01/23/floods/entry/42", 0);
	assert_non_null(strstr(h, "<article id=\"entry-42\" class=\"live-entry\" data-entry-id=\"42\" data-entry-version=\"3\">"));
	assert_non_null(strstr(h, "<time datetime=\"2018-01-23T05:01:00Z\" dir=\"ltr\">GMT 05:01 2018 Tuesday ,23 January</time>"));
	assert_non_null(strstr(h, "<bdi>Rana Haddad</bdi>"));
	assert_non_null(strstr(h, "<p>Rescue teams <em>reached</em> the valley.</p>")); /* the body as rendered */
	assert_non_null(strstr(h, "<a href=\"/en/2018/01/23/floods/entry/42\">Link to this update</a>"));
	assert_null(strstr(h, "live-key-event"));
	assert_null(strstr(h, "Correction"));
	assert_null(strstr(h, "Pinned"));
	/* the same entry, the same HTML every time (page, entry page, live.json) */
	assert_string_equal(h, live_entry_html(&a, &e, "en", "/en/2018/01/23/floods/entry/42", 0));
	arena_free(&a);
}

static void test_entry_arabic_key_corrected(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct db_live_entry e = entry();
	e.byline = "رنا حداد";
	e.key_event = "فتح الطريق <الصحراوي>";
	e.note = "كان عدد الأسر 40 لا 400 & تم التصحيح";
	e.corrected_at = T0 + 3600;
	const char *h = live_entry_html(&a, &e, "ar", "/ar/x/entry/42", 0);
	assert_non_null(strstr(h, "class=\"live-entry live-entry-key\""));
	assert_non_null(strstr(h, "<span class=\"live-key-label\">حدث رئيسي</span> <strong>فتح الطريق &lt;الصحراوي&gt;</strong>"));
	assert_non_null(strstr(h, "dir=\"rtl\">GMT 05:01 2018 الثلاثاء ,23 يناير</time>"));
	assert_non_null(strstr(h, "<p class=\"live-correction\"><strong>تصحيح:</strong> كان عدد الأسر 40 لا 400 &amp; تم التصحيح ("));
	assert_non_null(strstr(h, "datetime=\"2018-01-23T06:01:00Z\""));
	assert_non_null(strstr(h, ">رابط هذا التحديث</a>"));
	arena_free(&a);
}

static void test_entry_withdrawn_pinned(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct db_live_entry e = entry();
	e.state = "withdrawn";
	e.key_event = "Bridge collapsed";
	e.note = "The report could not be confirmed.";
	const char *h = live_entry_html(&a, &e, "en", "/e/42", 0);
	assert_non_null(strstr(h, "class=\"live-entry live-entry-withdrawn\""));
	assert_non_null(strstr(h, "<strong>This update was withdrawn</strong> <span class=\"live-note\">The report could not be confirmed.</span>"));
	assert_null(strstr(h, "Rescue teams")); /* only the note: no body, byline or label */
	assert_null(strstr(h, "Rana"));
	assert_null(strstr(h, "Bridge"));
	assert_non_null(strstr(h, "<a href=\"/e/42\">Link to this update</a>"));
	e = entry();
	h = live_entry_html(&a, &e, "en", "/e/\"42", 1);
	assert_non_null(strstr(h, "<article class=\"live-entry live-entry-pinned\" data-entry-id=\"42\""));
	assert_null(strstr(h, "id=\"entry-42\"")); /* the listed copy keeps the anchor */
	assert_non_null(strstr(h, "<strong class=\"live-pinned-label\">Pinned</strong>"));
	assert_non_null(strstr(h, "href=\"/e/&quot;42\""));
	arena_free(&a);
}

static void test_titles(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct db_live_entry e = entry();
	assert_string_equal(live_entry_text(&a, &e), "Rescue teams reached the valley.");
	assert_string_equal(live_entry_title(&a, &e, 100, "W"), "Rescue teams reached the valley.");
	assert_string_equal(live_entry_title(&a, &e, 20, "W"), "Rescue teams…"); /* cut on a word */
	e.body_html = "<p>A &amp; B&nbsp;&lt;C&gt;</p>\n<p>Next\tline</p>";
	assert_string_equal(live_entry_text(&a, &e), "A & B <C> Next line");
	e.body_html = "<p>فرق الإنقاذ تصل إلى الوادي</p>";
	const char *t = live_entry_title(&a, &e, 12, "W");
	assert_string_equal(t, "فرق الإنقاذ…"); /* whole characters, whole words */
	e.key_event = "Road reopened";
	assert_string_equal(live_entry_title(&a, &e, 100, "W"), "Road reopened");
	e.state = "withdrawn";
	assert_string_equal(live_entry_title(&a, &e, 100, "Withdrawn"), "Withdrawn");
	e.state = "published";
	e.key_event = "";
	e.body_html = "";
	assert_string_equal(live_entry_title(&a, &e, 100, "W"), "");
	assert_string_equal(live_text("ar", LIVE_T_LIVE), "مباشر");
	assert_string_equal(live_text("en", LIVE_T_ENDED), "Coverage ended");
	assert_string_equal(live_text(NULL, LIVE_T_OLDER), "Older updates");
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_entry_plain), cmocka_unit_test(test_entry_arabic_key_corrected),
					   cmocka_unit_test(test_entry_withdrawn_pinned), cmocka_unit_test(test_titles)};
	return cmocka_run_group_tests_name("live", tests, NULL, NULL);
}
