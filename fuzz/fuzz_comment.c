/* fuzz_comment.c - a visitor's comment: the input is "name\x1femail\x1fbody\x1faddress" (fields split at
 * the unit separator byte 0x1F; missing fields are empty). Runs comment_check in both languages and with
 * the default and unlimited link limits, comment_count_links, comment_body_html (which may only write
 * its few tags, with http(s) links), comment_trim and comment_net_key on the address. */
#include "fuzz.h"

#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "comment.h"

/* check_html: the only tags comment_body_html writes are <p>, </p>, <br>, <a href="http..." rel=...>, </a>. */
static void check_html(const char *h)
{
	for (const char *p = strchr(h, '<'); p; p = strchr(p + 1, '<')) {
		if (strncmp(p, "<p>", 3) == 0 || strncmp(p, "</p>", 4) == 0 || strncmp(p, "<br>", 4) == 0 ||
		    strncmp(p, "</a>", 4) == 0)
			continue;
		int link = strncasecmp(p, "<a href=\"http://", 16) == 0 || strncasecmp(p, "<a href=\"https://", 17) == 0;
		if (!link)
			fprintf(stderr, "unexpected markup: %.80s\n", p);
		FUZZ_ASSERT(link);
		const char *close = strchr(p, '>');
		FUZZ_ASSERT(close != NULL);
		/* the href is one attribute value: no quote inside it */
		const char *q = strchr(p + 9, '"');
		FUZZ_ASSERT(q != NULL && q < close);
		FUZZ_ASSERT(strncmp(q, "\" rel=\"nofollow ugc noopener\">", 30) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *fields[4] = {NULL, NULL, NULL, NULL};
	const uint8_t *p = data;
	size_t left = size;
	for (int i = 0; i < 4; i++) {
		const uint8_t *rest;
		size_t rest_len;
		size_t head = i < 3 ? fuzz_split(p, left, 0x1f, &rest, &rest_len) : left;
		fields[i] = fuzz_cstr(p, head);
		if (i < 3) {
			p = rest;
			left = rest_len;
		}
	}
	const char *name = fields[0], *email = fields[1], *body = fields[2], *ip = fields[3];
	struct comment_limits def = COMMENT_LIMITS_DEFAULT, open = {80, 5000, -1};
	struct arena a = ARENA_INIT;
	const char *why_en = comment_check(&a, name, email, body, &def, "en");
	const char *why_ar = comment_check(&a, name, email, body, NULL, "ar");
	FUZZ_ASSERT((why_en == NULL) == (why_ar == NULL));
	const char *why_open = comment_check(&a, name, email, body, &open, NULL);
	if (!why_en)
		FUZZ_ASSERT(why_open == NULL);
	int links = comment_count_links(body);
	FUZZ_ASSERT(links >= 0);
	struct buf h = BUF_INIT;
	comment_body_html(&h, body);
	check_html(h.data ? buf_cstr(&h) : "");
	buf_free(&h);
	const char *trimmed = comment_trim(&a, name);
	FUZZ_ASSERT(trimmed != NULL && strlen(trimmed) <= strlen(name));
	char key[COMMENT_NET_KEY_MAX];
	int rc = comment_net_key(ip, key, sizeof key);
	FUZZ_ASSERT(rc == 0 || (rc == -1 && key[0] == '\0'));
	FUZZ_ASSERT(strlen(key) < sizeof key);
	char small[8];
	rc = comment_net_key(ip, small, sizeof small);
	FUZZ_ASSERT(strlen(small) < sizeof small);
	arena_free(&a);
	for (int i = 0; i < 4; i++)
		free(fields[i]);
	return 0;
}
