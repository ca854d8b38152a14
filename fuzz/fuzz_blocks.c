/* fuzz_blocks.c - article bodies with typed blocks (src/blocks.c, src/embed.c): validation, the reader
 * HTML, the plain text for search and the frame hosts of the page's CSP. Checks the promises that keep a
 * reader safe: whatever the body, the HTML holds no tag or attribute that could run script or load a
 * frame (embeds are cards; frames only come from static/embed.js after a click), no javascript:/vbscript:/
 * data: link; a body that validates has no raw HTML at all; every frame host is one of the providers'. */
#include "fuzz.h"

#include <strings.h>

#include "arena.h"
#include "article.h"
#include "blocks.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	atexit(article_shutdown);
	return 0;
}

/* lib: media ids below 50 exist (odd ones with renditions), others do not. */
static int lib(void *ctx, int64_t id, struct blocks_image *out)
{
	(void)ctx;
	if (id >= 50)
		return 0;
	out->src = "/media/2026/11/x-1280.jpg";
	out->srcset = id % 2 ? "/media/2026/11/x-320.jpg 320w" : NULL;
	out->alt = "alt \"quoted\" <b>";
	out->width = 1280;
	out->height = 720;
	return 1;
}

/* has_ci: 1 when needle occurs in hay, ignoring ASCII case. */
static int has_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = hay; *p; p++)
		if (strncasecmp(p, needle, n) == 0)
			return 1;
	return 0;
}

/* check_hosts: every host blocks_frame_hosts lists is a provider's frame origin. */
static void check_hosts(const char *hosts)
{
	static const char *const known[] = {"https://www.youtube-nocookie.com", "https://player.vimeo.com",
					    "https://platform.twitter.com", "https://www.instagram.com",
					    "https://www.facebook.com", "https://www.tiktok.com", "https://t.me",
					    "https://w.soundcloud.com", "https://www.openstreetmap.org", "https://www.google.com"};
	while (*hosts) {
		size_t n = strcspn(hosts, " ");
		int ok = 0;
		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			ok |= strlen(known[i]) == n && memcmp(known[i], hosts, n) == 0;
		FUZZ_ASSERT(ok);
		hosts += n;
		hosts += *hosts == ' ';
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *md = (const char *)data;
	char err[256];
	int rc = blocks_validate(md, size, lib, NULL, CATALOG_EN, err, sizeof err);
	FUZZ_ASSERT(rc == BLOCKS_OK || (rc == BLOCKS_INVALID && err[0]));
	char *html = blocks_html(md, size, lib, NULL, size % 2 ? "ar" : "en");
	FUZZ_ASSERT(html != NULL);
	static const char *const banned[] = {"<script", "<iframe", "<object", "<embed", "<style", "<svg", "<form",
					     "<input", "<button", "<link", "<meta", "<base", "src=\"javascript:",
					     "href=\"javascript:", "href=\"vbscript:", "href=\"data:", "src=\"data:text"};
	for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++) {
		if (has_ci(html, banned[i])) {
			fprintf(stderr, "unsafe output (%s): %s\n", banned[i], html);
			FUZZ_ASSERT(!"blocks_html let markup through");
		}
	}
	if (rc == BLOCKS_OK) /* (the words alone may be text of the body: only cmark-gfm's comment counts) */
		FUZZ_ASSERT(!strstr(html, "<!-- raw HTML omitted -->"));
	free(html);
	char *text = blocks_text(md, size);
	FUZZ_ASSERT(text != NULL);
	free(text);
	struct arena a = ARENA_INIT;
	check_hosts(blocks_frame_hosts(&a, md, size));
	arena_free(&a);
	return 0;
}
