/* live.h - what readers see of a live blog (issue 21), as pure functions: one entry's <article>, the
 * reader strings of the live page in each edition's language, and an entry's short headline. The same
 * entry HTML goes on the live page, on the entry's own page and into live.json, so a script that inserts
 * it shows exactly what a reload shows. No store, no request: everything comes in as arguments. */
#ifndef BROADSHEET_LIVE_H
#define BROADSHEET_LIVE_H
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "db.h"

/* The reader strings of live coverage, in English and Arabic (live_text). */
enum live_text {
	LIVE_T_LIVE,          /* the badge while coverage is ongoing */
	LIVE_T_ENDED,         /* the badge once it has ended */
	LIVE_T_STARTED,       /* "Coverage started" (before its time) */
	LIVE_T_ENDED_AT,      /* "Coverage ended" (before its time) */
	LIVE_T_KEY_EVENTS,    /* the key events list's heading */
	LIVE_T_KEY_EVENT,     /* an entry's key-event label */
	LIVE_T_PINNED,        /* the pinned entry's label */
	LIVE_T_UPDATES,       /* the entries' heading */
	LIVE_T_OLDER,         /* "Older updates" (paging back) */
	LIVE_T_NEWEST,        /* "Latest updates" (back to the newest page) */
	LIVE_T_NONE,          /* no entries yet */
	LIVE_T_CORRECTION,    /* "Correction:" */
	LIVE_T_WITHDRAWN,     /* "This update was withdrawn" */
	LIVE_T_LINK,          /* "Link to this update" */
	LIVE_T_BACK,          /* "Back to the live coverage" */
	LIVE_T_UPDATE,        /* "Update" (an entry page's title) */
	LIVE_T_COUNT,         /* "updates" (after a number) */
	LIVE_T_N
};

/* live_text: the string k in edition's language ("ar": Arabic, anything else English). Static. */
const char *live_text(const char *edition, enum live_text k);

/* live_entry_html: entry e as readers see it, an <article id="entry-{id}" class="live-entry"> with its
 * time (a <time datetime> in UTC and the site stamp in edition's language), byline, key-event label,
 * body (e->body_html, already sanitised by the writing desk), its correction note, and a link to its own
 * page entry_href; a withdrawn entry shows only "This update was withdrawn", its note and the link.
 * pinned: labels it as the pinned entry (and gives its article no id, so the anchor stays unique when it
 * is also listed). Returns the HTML in the arena; never NULL. */
const char *live_entry_html(struct arena *a, const struct db_live_entry *e, const char *edition, const char *entry_href,
			    int pinned);

/* live_entry_title: a short headline for e: its key-event label, else the first words of its text (tags
 * and entities left out, at most max_chars characters, "…" when cut; never cutting a UTF-8 character);
 * a withdrawn entry gets withdrawn_text. Returns arena text; "" when there is nothing to say. */
const char *live_entry_title(struct arena *a, const struct db_live_entry *e, size_t max_chars,
			     const char *withdrawn_text);

/* live_entry_text: the plain text of e's body (tags dropped, the common entities decoded, spaces
 * collapsed), for JSON-LD's articleBody. Arena text, never NULL. */
const char *live_entry_text(struct arena *a, const struct db_live_entry *e);

#endif
