/* fuzz_htmlmd.c - HTML to the stored form (src/htmlmd.c). Checks its promises: any input converts (or is
 * refused only when over the bound), the output is valid UTF-8, it validates as an article body
 * (blocks_validate, with a library that knows the ids the converter was given), and the reader HTML made
 * from it carries no tag or address that could run script. */
#include "fuzz.h"

#include <strings.h>

#include "arena.h"
#include "article.h"
#include "blocks.h"
#include "escape.h"
#include "htmlmd.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	atexit(article_shutdown);
	return 0;
}

/* img: images whose address holds "x" are not in the library; the others get ids from 100. */
static int64_t img(void *ctx, const char *src, const char *alt, const char *caption, const char *credit)
{
	int64_t *next = ctx;
	FUZZ_ASSERT(src && utf8_valid(src, strlen(src)));
	FUZZ_ASSERT(!alt || utf8_valid(alt, strlen(alt)));
	FUZZ_ASSERT(!caption || utf8_valid(caption, strlen(caption)));
	FUZZ_ASSERT(!credit || utf8_valid(credit, strlen(credit)));
	if (strchr(src, 'x'))
		return 0;
	return (*next)++;
}

/* lib: every id from 100 exists. */
static int lib(void *ctx, int64_t id, struct blocks_image *out)
{
	(void)ctx;
	if (id < 100)
		return 0;
	memset(out, 0, sizeof *out);
	out->src = "/media/x.jpg";
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	struct htmlmd_result r;
	int64_t next = 100;
	int rc = htmlmd_convert(&a, (const char *)data, size, img, &next, &r);
	FUZZ_ASSERT(rc == 0 || rc == -1);
	FUZZ_ASSERT(r.md && r.dropped_what && r.dropped >= 0);
	size_t n = strlen(r.md);
	FUZZ_ASSERT(utf8_valid(r.md, n));
	char err[512];
	if (blocks_validate(r.md, n, lib, NULL, CATALOG_EN, err, sizeof err) != BLOCKS_OK) {
		fprintf(stderr, "output does not validate: %s\n---\n%s\n---\n", err, r.md);
		FUZZ_ASSERT(!"htmlmd output refused by blocks_validate");
	}
	char *html = blocks_html(r.md, n, lib, NULL, "en");
	FUZZ_ASSERT(html != NULL);
	FUZZ_ASSERT(!strstr(html, "<!-- raw HTML omitted -->"));
	static const char *const banned[] = {"<script", "<iframe", "<object", "<embed", "<style", "<svg", "<form",
					     "href=\"javascript:", "href=\"vbscript:", "href=\"data:", "src=\"data:"};
	for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
		FUZZ_ASSERT(!has_ci(html, banned[i]));
	free(html);
	arena_free(&a);
	return 0;
}
