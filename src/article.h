/* article.h - article text processing shared by the demo, the CLI and (later) the newsroom. */
#ifndef BROADSHEET_ARTICLE_H
#define BROADSHEET_ARTICLE_H
#include <stddef.h>

/* article_markdown_html: renders Markdown with cmark-gfm in safe mode (raw HTML and unsafe link schemes
 * dropped) plus tables, strikethrough and autolinks. Returns a new string (caller frees) or NULL on
 * failure. */
char *article_markdown_html(const char *md, size_t len);

struct cmark_node;
struct cmark_parser;
/* the cmark-gfm options every article body is parsed and rendered with (CMARK_OPT_DEFAULT |
 * CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8; safe mode, as no CMARK_OPT_UNSAFE is given) */
#define ARTICLE_CMARK_OPTS ((1 << 10) | (1 << 9))
/* article_parse: parses md[0..len) with the options and extensions article_markdown_html uses (the one
 * place they are set; src/blocks.c parses through it too). *parser gets the parser (NULL when out of
 * memory; else free it with cmark_parser_free after the tree). Returns the document (free with
 * cmark_node_free) or NULL. */
struct cmark_node *article_parse(const char *md, size_t len, struct cmark_parser **parser);

/* article_slugify: a URL slug from text: ASCII letters lower-cased, digits and non-ASCII letters kept
 * (so Arabic headlines give Arabic slugs), everything else folded into single hyphens, no hyphen at
 * either end, cut at a character boundary to fit cap-1 bytes. Returns the slug length (0 = nothing
 * usable in text). */
size_t article_slugify(const char *text, char *dst, size_t cap);

/* article_shutdown: releases cmark-gfm's global extension registry (call once at exit). */
void article_shutdown(void);

#endif
