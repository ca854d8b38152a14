/* blocks.h - the article body: Markdown with typed blocks (image, gallery, embed, pullquote), as
 * docs/blocks.md defines it. Parses with cmark-gfm, validates a body before it is saved, renders it to
 * the HTML readers get (every value through src/escape.c), and gives its plain text for search. Pure:
 * media ids are resolved through a callback the caller passes (the database lives behind it). */
#ifndef BROADSHEET_BLOCKS_H
#define BROADSHEET_BLOCKS_H
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "catalog.h"

#define BLOCKS_MAX_VALUE 2000 /* characters in one value of a typed block */
#define BLOCKS_MAX_ITEMS 200  /* images in one gallery */

/* blocks_image: what the renderer needs of one media-library image (strings owned by the callback's
 * arena or context, valid until the render returns). */
struct blocks_image {
	const char *src;    /* the address of the file readers get ("/media/...") */
	const char *srcset; /* JPEG renditions as a srcset value, or NULL */
	const char *alt;    /* the library's alt text (a block's own alt wins), or NULL */
	int width, height;  /* of src, 0 when unknown */
};

/* blocks_media_fn: looks up media id for ctx. Returns 1 with *out filled when the image exists, 0 when
 * it does not, -1 when the lookup failed. */
typedef int (*blocks_media_fn)(void *ctx, int64_t id, struct blocks_image *out);

enum { BLOCKS_OK = 0, BLOCKS_INVALID = -1, BLOCKS_ERROR = -2 };

/* blocks_validate: checks body md[0..len) against every rule of docs/blocks.md (raw HTML, link and image
 * schemes, typed block names' keys, required keys, bounds, media ids through media, https embeds).
 * Returns BLOCKS_OK; BLOCKS_INVALID with a sentence naming the fault and its line in err[0..errlen), in
 * the newsroom language lang (po/ar.po); or BLOCKS_ERROR when media failed (err says so). media may be
 * NULL: ids are then only checked for form. */
int blocks_validate(const char *md, size_t len, blocks_media_fn media, void *ctx, enum catalog_lang lang, char *err,
		    size_t errlen);

/* blocks_html: the reader HTML of md[0..len): Markdown as cmark-gfm renders it in safe mode (raw HTML in
 * old bodies omitted, unsafe link schemes emptied), each paragraph, heading, list item and quote with its
 * dir (rtl/ltr by a leading RLM/LRM, else auto), typed blocks as figures, a gallery, a pull quote and an
 * embed card (a plain link, which static/embed.js turns into a frame on a click). edition ("ar", "en")
 * picks the language of the few words the renderer adds (a gallery's label). An image that media
 * does not find (deleted) is left out; a block that does not validate renders as nothing. Returns a new
 * string (caller frees) or NULL when out of memory. */
char *blocks_html(const char *md, size_t len, blocks_media_fn media, void *ctx, const char *edition);

/* blocks_mail_html: blocks_html for an e-mail (a newsletter's introduction): every link and picture that is
 * a path on the site gets base (the site's address, no trailing slash) in front; a typed image is one
 * figure with an absolute src, its alt text and no srcset; an embed is a plain link; a gallery renders as
 * nothing (blocks_mail_validate refuses one). base NULL: blocks_html. Returns a new string (caller frees)
 * or NULL when out of memory. */
char *blocks_mail_html(const char *md, size_t len, blocks_media_fn media, void *ctx, const char *edition,
		       const char *base);

/* blocks_mail_validate: blocks_validate, then an e-mail's own rules: no gallery, and every picture with alt
 * text (a Markdown picture's words in brackets; a typed image's alt line, or its alt text in the library
 * through media). Same answers as blocks_validate. */
int blocks_mail_validate(const char *md, size_t len, blocks_media_fn media, void *ctx, enum catalog_lang lang,
			 char *err, size_t errlen);

/* blocks_mail_text: md as the plain text of an e-mail's text part: paragraphs apart by a blank line, list
 * items one a line with "- " or their number, a link as its words then <address> (a path on the site made
 * absolute with base), a picture as its alt text in brackets, an embed as its title and <address>, a pull
 * quote in quotation marks with who said it. Returns a new string (caller frees) or NULL when out of
 * memory. */
char *blocks_mail_text(const char *md, size_t len, const char *base);

/* blocks_text: the plain text of md for search: the words of the Markdown, plus the titles, captions,
 * credits, alt texts and quotes of typed blocks (never their keys or media ids). Returns a new string
 * (caller frees) or NULL when out of memory. */
char *blocks_text(const char *md, size_t len);

/* blocks_gallery: one gallery of a body, for structured data (ImageGallery): its title and the images
 * the library still has, in order (strings in the arena; src as the media callback gave it). */
struct blocks_gallery_image {
	const char *src, *alt, *caption, *credit;
};
struct blocks_gallery {
	const char *title;
	struct blocks_gallery_image *images;
	size_t nimages;
};

/* blocks_galleries: the galleries of md (those with at least one image media still finds) into *out, an
 * arena array. Returns their number (0 with *out NULL when none). */
size_t blocks_galleries(struct arena *a, const char *md, size_t len, blocks_media_fn media, void *ctx,
			struct blocks_gallery **out);

/* blocks_frame_hosts: the origins the embeds of md may frame, each once, space-separated
 * ("https://www.youtube-nocookie.com https://player.vimeo.com"), in the arena; "" when none. */
const char *blocks_frame_hosts(struct arena *a, const char *md, size_t len);

#endif
