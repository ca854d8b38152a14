/* fuzz_wire.c - the wire parsers (src/wire.c, src/wire_xml.c): ninjs, NewsML-G2 and RSS/Atom on the same
 * input. Checks their promises: a refusal carries a sentence; an accepted item has a guid, every string is
 * valid UTF-8 (the one-line fields without control characters and within their bounds), the language is
 * "" or 2-3 lower-case letters, a link is http(s), urgency is 0-9, the item count within WIRE_MAX_ITEMS. */
#include "fuzz.h"

#include "arena.h"
#include "escape.h"
#include "wire.h"

/* line_ok: s is valid UTF-8 of at most max characters without control characters (one line). */
static void line_ok(const char *s, size_t max)
{
	FUZZ_ASSERT(s != NULL);
	size_t n = strlen(s);
	FUZZ_ASSERT(utf8_valid(s, n));
	FUZZ_ASSERT(utf8_chars(s, n) <= max);
	for (size_t i = 0; i < n; i++)
		FUZZ_ASSERT((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
	FUZZ_ASSERT(n == 0 || (s[0] != ' ' && s[n - 1] != ' '));
}

/* item_ok: the promises of one accepted item. */
static void item_ok(const struct wire_item *it)
{
	line_ok(it->guid, 1000);
	FUZZ_ASSERT(it->guid[0]);
	line_ok(it->headline, 1000);
	line_ok(it->byline, 500);
	line_ok(it->summary, 5000);
	line_ok(it->located, 200);
	line_ok(it->credit, 200);
	line_ok(it->subjects, 2000);
	line_ok(it->link, 2000);
	FUZZ_ASSERT(!it->link[0] || strncmp(it->link, "http://", 7) == 0 || strncmp(it->link, "https://", 8) == 0);
	size_t ll = strlen(it->lang);
	FUZZ_ASSERT(ll == 0 || ll == 2 || ll == 3);
	for (size_t i = 0; i < ll; i++)
		FUZZ_ASSERT(it->lang[i] >= 'a' && it->lang[i] <= 'z');
	FUZZ_ASSERT(it->body_html && utf8_valid(it->body_html, strlen(it->body_html)));
	FUZZ_ASSERT(!strcmp(it->pubstatus, "") || !strcmp(it->pubstatus, "usable") ||
		    !strcmp(it->pubstatus, "withheld") || !strcmp(it->pubstatus, "canceled"));
	FUZZ_ASSERT(it->urgency >= 0 && it->urgency <= 9);
	FUZZ_ASSERT(it->version >= 1);
	FUZZ_ASSERT(it->first_created >= 0 && it->version_created >= 0 && it->embargoed >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	char err[256];
	struct wire_item one;
	err[0] = '\0';
	if (wire_parse_ninjs(&a, (const char *)data, size, &one, err, sizeof err) == 0)
		item_ok(&one);
	else
		FUZZ_ASSERT(err[0]);
	int (*parsers[2])(struct arena *, const char *, size_t, struct wire_item **, size_t *, size_t *, char *,
			  size_t) = {wire_parse_newsml, wire_parse_feed};
	for (int p = 0; p < 2; p++) {
		struct wire_item *items = NULL;
		size_t n = 99, skipped = 99;
		err[0] = '\0';
		if (parsers[p](&a, (const char *)data, size, &items, &n, &skipped, err, sizeof err) == 0) {
			FUZZ_ASSERT(n <= WIRE_MAX_ITEMS);
			for (size_t i = 0; i < n; i++)
				item_ok(&items[i]);
		} else
			FUZZ_ASSERT(err[0] && n == 0);
	}
	arena_free(&a);
	return 0;
}
