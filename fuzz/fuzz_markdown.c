/* fuzz_markdown.c - article bodies to HTML as the site renders them: article_markdown_html (cmark-gfm in
 * safe mode with the table, strikethrough and autolink extensions, smart punctuation, UTF-8 validation).
 * Checks that safe mode holds: no raw tag that could run script, and no javascript:/vbscript:/data: link
 * (cmark-gfm allows data: only for images of a few types). */
#include "fuzz.h"

#include <strings.h>

#include "article.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	atexit(article_shutdown);
	return 0;
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *html = article_markdown_html((const char *)data, size);
	if (!html)
		return 0;
	static const char *const banned[] = {"<script", "<iframe", "<object", "<embed", "<style", "<svg",
					     "<img src=\"javascript:", "href=\"javascript:", "href=\"vbscript:",
					     "href=\"data:"};
	for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++) {
		if (has_ci(html, banned[i])) {
			fprintf(stderr, "unsafe output (%s): %s\n", banned[i], html);
			FUZZ_ASSERT(!"safe mode let markup through");
		}
	}
	free(html);
	return 0;
}
