/* uagent.h - a browser's User-Agent header, as the sessions page shows it: cleaned and bounded for
 * storing, and summarised as "Chromium on Linux" (the raw string stays available beside it). Pure
 * functions, no allocation. */
#ifndef BROADSHEET_UAGENT_H
#define BROADSHEET_UAGENT_H
#include <stddef.h>

#define UAGENT_MAX 512 /* bytes of a User-Agent kept, with its NUL */

/* uagent_clean: ua (NULL: none) as it is stored: printable ASCII kept, every other byte (controls, bytes
 * of other encodings, which a User-Agent never legitimately holds) made '?', spaces at both ends dropped,
 * cut to cap - 1 bytes; into out (cap bytes, at least 1). Always valid UTF-8, so both engines store it. */
void uagent_clean(const char *ua, char *out, size_t cap);

/* uagent_summary: the browser ("Chromium", "Chrome", "Firefox", "Safari", "Edge", "Opera", "Samsung
 * Internet", "curl", "Wget", "Node.js", "Python") and the operating system ("Windows", "Android", "iOS",
 * "ChromeOS", "macOS", "Linux", "FreeBSD") ua names, into *browser and *os: static strings, NULL for
 * what cannot be told (both NULL for NULL or ""). Product names: never translated. */
void uagent_summary(const char *ua, const char **browser, const char **os);

#endif
