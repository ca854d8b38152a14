/* legacy.h - the old site's addresses (issue 23: WordPress import): one spelling of a path, so the
 * address an old link carries finds its row in legacy_urls however it was percent-encoded. Pure. */
#ifndef BROADSHEET_LEGACY_H
#define BROADSHEET_LEGACY_H
#include "arena.h"

#define LEGACY_PATH_MAX 2048 /* bytes of a normalised path */

/* legacy_path_norm: the normal form of raw, an old address's path with its query (a full http(s) URL is
 * cut to its path; a fragment is dropped): every %XX decoded (either hex case) and every byte outside
 * [A-Za-z0-9-._~/!$&'()*+,;=:@] encoded again as %XX with upper-case hex, repeated slashes made one, the
 * trailing slash dropped (except "/"), a leading "/index.php" segment dropped (WordPress's PATHINFO
 * permalinks: "/index.php/2018/x" is "/2018/x", "/index.php?p=12" is "/?p=12"), and the query kept only when it is WordPress's plain permalink form
 * (one of p, page_id, attachment_id, cat, tag, author = a value: "/?p=12"). Returns an arena string, or NULL
 * when raw is not a path (empty, no leading slash, a NUL or control byte once decoded, a ".." segment,
 * longer than LEGACY_PATH_MAX) or the arena is full. */
const char *legacy_path_norm(struct arena *a, const char *raw);

#endif
