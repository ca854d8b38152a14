/* newsletter_link.h - the signed links of the newsletters' mails (issue 22; docs/newsletters contract in
 * nl-spec): confirm, preferences, one-click unsubscribe and the subscriber's data. A token carries the
 * subscriber's id, the link_version it was made for and an expiry, with a keyed MAC (BLAKE2b keyed with
 * the site secret) over the purpose and those three numbers, all in unpadded base64url of a fixed length.
 * Pure: no store, no clock of its own. */
#ifndef BROADSHEET_NEWSLETTER_LINK_H
#define BROADSHEET_NEWSLETTER_LINK_H
#include <stdint.h>

struct arena;

/* The length of every token nl_link_make writes (3 x 8 bytes of numbers + a 32-byte MAC, base64url). */
#define NL_LINK_LEN 75
/* How long a confirmation link works (the contract: 48 hours). */
#define NL_CONFIRM_TTL (48 * 3600)

/* nl_link_make: the token for purpose ("confirm", "prefs", "unsub", "data") of subscriber_id at
 * link_version, working until expires (unix seconds; 0 = never), keyed with secret (AUTH_SECRET_BYTES).
 * In the arena; NULL for a NULL or empty purpose. */
const char *nl_link_make(struct arena *a, const unsigned char *secret, const char *purpose, int64_t subscriber_id,
			 int64_t link_version, int64_t expires);

/* nl_link_check: 0 when token was made by nl_link_make with this secret for this purpose and has not
 * expired at now, with *subscriber_id and *link_version set (the caller compares the version with the
 * subscriber's own); -1 (outputs untouched) when it is forged, truncated, too long, made for another
 * purpose, expired or not base64url. The MAC is compared in constant time. */
int nl_link_check(const unsigned char *secret, const char *purpose, const char *token, int64_t now,
		  int64_t *subscriber_id, int64_t *link_version);

#endif
