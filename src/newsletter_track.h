/* newsletter_track.h - the newsletters' open and click counts (issue 22), off unless the site turns them on
 * (setting newsletter.tracking = 1, on /admin/settings). When on, the HTML part of an issue's mail to a
 * subscriber carries a 1x1 image /newsletter/o/{token}.gif and each story link goes through
 * /newsletter/c/{token}, which answers 302 to the story. The tokens are newsletter_link.c's signed links
 * with the purposes "open" and "click": the numbers they carry are the queue row (one recipient of one
 * issue) and, for a click, the article's id, so a token names its target and cannot be pointed anywhere
 * else (an altered token fails the MAC). The plain-text part's links are never rewritten. The handlers are
 * page_nltrack.c's; the counts db_nl_track / db_nl_track_counts (db.h). */
#ifndef BROADSHEET_NEWSLETTER_TRACK_H
#define BROADSHEET_NEWSLETTER_TRACK_H
#include <stdint.h>

struct app;
struct arena;

/* The setting that turns counting on ("1"); anything else, or none, is off. */
#define NL_TRACK_SETTING "newsletter.tracking"

/* nl_track_enabled: 1 when the site counts opens and clicks, 0 when not or when the setting cannot be read
 * (off is the safe answer). */
int nl_track_enabled(struct app *app, struct arena *a);

/* nl_track_open_url / nl_track_click_url: the absolute address of queue row `row`'s open image, and of its
 * link to article article_id, in a. */
const char *nl_track_open_url(struct app *app, struct arena *a, int64_t row);
const char *nl_track_click_url(struct app *app, struct arena *a, int64_t row, int64_t article_id);

/* nl_track_check: 0 when token is a "open" or "click" (purpose) token made with secret, with *row and
 * *target (the article; 0 for an open) set; -1 when it is forged, altered or malformed. */
int nl_track_check(const unsigned char *secret, const char *purpose, const char *token, int64_t *row,
		   int64_t *target);

#endif
