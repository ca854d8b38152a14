/* htmlmd.h - HTML as other systems write it (WordPress's block-editor and classic posts, agency wires) turned
 * into the stored form of the writing desk: Markdown with typed blocks (docs/blocks.md). Keeps what that form
 * can hold (paragraphs, headings, lists, quotes, links, emphasis, tables, images and galleries through the
 * media callback, embeds of known providers, pull quotes) and counts what it drops (scripts, styles, inline
 * style attributes, forms, frames, unknown elements' markup — their text is kept). Pure: libxml2's HTML
 * parser with network off; nothing it reads can load anything. */
#ifndef BROADSHEET_HTMLMD_H
#define BROADSHEET_HTMLMD_H
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define HTMLMD_MAX_INPUT (8u << 20) /* bytes of HTML one call converts; more is refused */

/* htmlmd_image_fn: the caller's media library: an <img> (src as written, alt, and the caption and credit
 * of the figure around it, each NULL when absent) becomes media id > 0 (the converter writes an image or
 * gallery block with it), or 0 when it cannot be had (the converter writes nothing and counts it dropped). */
typedef int64_t (*htmlmd_image_fn)(void *ctx, const char *src, const char *alt, const char *caption,
				   const char *credit);

/* What one conversion gave. */
struct htmlmd_result {
	const char *md;      /* the stored form (arena) */
	int dropped;         /* elements or attributes left out */
	const char *dropped_what; /* arena: what was left out, e.g. "script x2, style attribute x3" ("" when nothing) */
};

/* htmlmd_convert: html[0..len) as the stored form, images through img(ctx, ...) (img NULL: images are
 * dropped and counted). Strings in the arena. Returns 0, or -1 when the input is over HTMLMD_MAX_INPUT or
 * cannot be parsed at all (out->md is then ""). */
int htmlmd_convert(struct arena *a, const char *html, size_t len, htmlmd_image_fn img, void *ctx,
		   struct htmlmd_result *out);

#endif
