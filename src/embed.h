/* embed.h - embeds in article bodies: which provider an https address belongs to, and the
 * privacy-friendly frame address a reader's browser loads after the reader clicks (docs/blocks.md).
 * Pure functions: no network, no database. */
#ifndef BROADSHEET_EMBED_H
#define BROADSHEET_EMBED_H
#include <stddef.h>

#include "buf.h"

enum { EMBED_BAD = -1, EMBED_LINK = 0, EMBED_FRAME = 1 };

struct embed {
	const char *provider; /* "YouTube", ...; for a link card the host as written (points into host[]) */
	char host[256];       /* the address's host, lower case */
	const char *frame_host; /* a string literal: the origin framed ("https://www.youtube-nocookie.com"), NULL for a link card */
	struct buf frame;       /* the frame address (empty for a link card); free with embed_free */
};

/* embed_parse: reads url (one line of an embed block). Returns EMBED_FRAME for a known provider with
 * e->frame filled, EMBED_LINK for any other well-formed https address (a plain link card), or EMBED_BAD
 * when url is not an https address with a plain host (no user information, spaces, control characters
 * or quotes, at most 2,000 bytes). e is always initialised; call embed_free after. */
int embed_parse(const char *url, struct embed *e);

/* embed_free: releases e->frame (e may be zeroed). */
void embed_free(struct embed *e);

#endif
