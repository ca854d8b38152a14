/* htmlmd.c - HTML to the stored form (see htmlmd.h). PLACEHOLDER written by the lead so the importer and the
 * wires can link while the converter is written on its own branch: it keeps the text of each paragraph
 * only, with no libxml2. The real converter replaces this file. */
#include "htmlmd.h"

#include <string.h>


/* htmlmd_convert: see htmlmd.h (placeholder: tags removed, blank line between blocks). */
int htmlmd_convert(struct arena *a, const char *html, size_t len, htmlmd_image_fn img, void *ctx,
		   struct htmlmd_result *out)
{
	(void)img;
	(void)ctx;
	out->md = "";
	out->dropped = 0;
	out->dropped_what = "";
	if (len > HTMLMD_MAX_INPUT)
		return -1;
	char *md = arena_alloc(a, len + 1);
	size_t o = 0;
	int in_tag = 0;
	for (size_t i = 0; i < len; i++) {
		char c = html[i];
		if (c == '<') {
			in_tag = 1;
			if (len - i > 3 && (strncmp(html + i, "</p", 3) == 0) && o > 0)
				md[o++] = '\n';
		} else if (c == '>') {
			in_tag = 0;
		} else if (!in_tag) {
			md[o++] = c;
		}
	}
	md[o] = '\0';
	out->md = md;
	return 0;
}
