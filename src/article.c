/* article.c - Markdown to HTML for article bodies (see article.h). */
#include "article.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "util.h"

_Static_assert(ARTICLE_CMARK_OPTS == (CMARK_OPT_DEFAULT | CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8),
	       "ARTICLE_CMARK_OPTS names the cmark-gfm options of article bodies");

struct cmark_node *article_parse(const char *md, size_t len, struct cmark_parser **parser)
{
	static const char *const exts[] = {"table", "strikethrough", "autolink"};
	cmark_gfm_core_extensions_ensure_registered();
	cmark_parser *p = cmark_parser_new(ARTICLE_CMARK_OPTS);
	*parser = p;
	if (!p)
		return NULL;
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
		if (e)
			cmark_parser_attach_syntax_extension(p, e);
	}
	cmark_parser_feed(p, md, len);
	return cmark_parser_finish(p);
}

char *article_markdown_html(const char *md, size_t len)
{
	cmark_parser *p;
	cmark_node *doc = article_parse(md, len, &p);
	if (!p)
		return NULL;
	char *html = doc ? cmark_render_html(doc, ARTICLE_CMARK_OPTS, cmark_parser_get_syntax_extensions(p)) : NULL;
	char *out = html ? xstrdup(html) : NULL;
	free(html);
	if (doc)
		cmark_node_free(doc);
	cmark_parser_free(p);
	return out;
}

/* exported by libcmark-gfm but missing from its public headers */
void cmark_release_plugins(void);

void article_shutdown(void)
{
	cmark_release_plugins();
}

size_t article_slugify(const char *text, char *dst, size_t cap)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n = strlen(text), j = 0, i = 0;
	int pending_hyphen = 0;
	if (cap == 0)
		return 0;
	while (i < n) {
		size_t len = 1;
		unsigned c = p[i];
		int keep;
		if (c < 0x80) {
			keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
			if (c >= 'A' && c <= 'Z')
				c = c - 'A' + 'a';
		} else {
			long cp = utf8_decode(p + i, n - i, &len);
			/* Arabic marks (tashkeel, superscript alef, tatweel) vanish without splitting the word */
			if ((cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || cp == 0x0640 || (cp >= 0x0610 && cp <= 0x061A) ||
			    (cp >= 0x06D6 && cp <= 0x06ED)) {
				i += len;
				continue;
			}
			/* keep letters and digits; punctuation separates words */
			keep = cp > 0 && !(cp >= 0x060C && cp <= 0x061F) && cp != 0x066A && cp != 0x066B && cp != 0x066C &&
			       cp != 0x066D && !(cp >= 0x2000 && cp <= 0x206F) && cp != 0x00A0 && cp != 0x00AB &&
			       cp != 0x00BB && cp != 0xFEFF;
		}
		if (!keep) {
			pending_hyphen = j > 0;
			i += len;
			continue;
		}
		size_t need = len + (pending_hyphen ? 1 : 0);
		if (j + need > cap - 1)
			break;
		if (pending_hyphen)
			dst[j++] = '-';
		pending_hyphen = 0;
		if (len == 1)
			dst[j++] = (char)c;
		else
			memcpy(dst + j, p + i, len), j += len;
		i += len;
	}
	dst[j] = '\0';
	return j;
}
