/* wires.h - agency copy coming in (issue 23): ingest of parsed items into the Wires desk (a higher version of
 * an item updates its row in place, the same or a lower one is ignored and counted), documents of the three
 * formats (wire.h) from a push, a folder or a feed, and the poller: a worker thread (worker.h) that polls
 * the active feeds politely (If-None-Match / If-Modified-Since from the stored ETag and Last-Modified, a
 * connect and a total timeout, at most WIRES_MAX_REDIRECTS redirects over http/https only, the body cut off
 * past WIRE_MAX_INPUT, exponential backoff on errors) and reads the folders' incoming files. */
#ifndef BROADSHEET_WIRES_H
#define BROADSHEET_WIRES_H
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "wire.h"

#define WIRES_MAX_REDIRECTS 5
#define WIRES_CONNECT_TIMEOUT 10 /* seconds */

struct app;

/* The formats a document can be in. */
enum wires_format { WIRES_NINJS, WIRES_NEWSML, WIRES_FEED };

/* What one document did: its items, each with its row and outcome, and the counts. */
struct wires_tally {
	int added, updated, ignored, skipped;
	size_t n;
	int64_t *ids;                   /* arena arrays of n */
	enum db_wire_outcome *outcomes;
	const struct wire_item *items;
};

/* wires_ingest: stores item it of source src (its credit and language fill the item's when it has none) at
 * now: *id its row, *outcome new, updated (a higher version: the same row, drafts made from it flagged) or
 * ignored (the same or a lower version). DB_OK or DB_ERROR. */
int wires_ingest(struct db *db, const struct db_wire_source *src, const struct wire_item *it, int64_t now,
		 int64_t *id, enum db_wire_outcome *outcome);

/* wires_ingest_doc: parses data[0..len) in format fmt and ingests its items for src at now, tallied in *t
 * (arena). Returns 0, or -1 with a sentence in err (the parser's refusal, or a store error). */
int wires_ingest_doc(struct db *db, struct arena *a, const struct db_wire_source *src, enum wires_format fmt,
		     const char *data, size_t len, int64_t now, struct wires_tally *t, char *err, size_t errlen);

/* wires_poll: polls source src now (a feed: fetched; a folder: its incoming files read) and records the
 * outcome and next poll with backoff. Returns 0, or -1 when the poll failed (recorded as its last error). */
int wires_poll(struct app *app, const struct db_wire_source *src);

/* wires_folder: the incoming, processed or failed folder of source id under the site, in the arena. */
const char *wires_folder(struct arena *a, const struct app *app, int64_t id, const char *which);

/* wires_start / wires_stop: the poller thread of a serving site (app->wires); wires_wake: poll what is due
 * now (after a source was added or changed). */
int wires_start(struct app *app);
void wires_stop(struct app *app);
void wires_wake(struct app *app);

#endif
