/* article.h - article text processing shared by the demo, the CLI and (later) the newsroom. */
#ifndef BROADSHEET_ARTICLE_H
#define BROADSHEET_ARTICLE_H
#include <stddef.h>

/* article_markdown_html: renders Markdown with cmark-gfm in safe mode (raw HTML and unsafe link schemes
 * dropped) plus tables, strikethrough and autolinks. Returns a new string (caller frees) or NULL on
 * failure. */
char *article_markdown_html(const char *md, size_t len);

/* article_slugify: a URL slug from text: ASCII letters lower-cased, digits and non-ASCII letters kept
 * (so Arabic headlines give Arabic slugs), everything else folded into single hyphens, no hyphen at
 * either end, cut at a character boundary to fit cap-1 bytes. Returns the slug length (0 = nothing
 * usable in text). */
size_t article_slugify(const char *text, char *dst, size_t cap);

/* article_shutdown: releases cmark-gfm's global extension registry (call once at exit). */
void article_shutdown(void);

#endif
