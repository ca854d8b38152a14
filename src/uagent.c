/* uagent.c - see uagent.h. */
#include "uagent.h"

#include <string.h>

#include "util.h"

void uagent_clean(const char *ua, char *out, size_t cap)
{
	size_t n = 0;
	if (ua) {
		while (*ua == ' ' || *ua == '\t')
			ua++;
		for (; *ua && n + 1 < cap; ua++)
			out[n++] = (*ua >= 0x20 && *ua <= 0x7e) ? *ua : '?';
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* A product token to look for and the name it shows; the first match wins, so the more particular
 * tokens come first (Edge and Opera also say "Chrome/", Chrome also says "Safari/"). */
struct uagent_rule {
	const char *token, *name;
};

static const struct uagent_rule browsers[] = {
	{"Edg/", "Edge"},	     {"EdgA/", "Edge"},		 {"EdgiOS/", "Edge"},	  {"Edge/", "Edge"},
	{"OPR/", "Opera"},	     {"Opera", "Opera"},	 {"SamsungBrowser/", "Samsung Internet"},
	{"Firefox/", "Firefox"},     {"FxiOS/", "Firefox"},	 {"HeadlessChrome/", "Chromium"},
	{"Chromium/", "Chromium"},   {"CriOS/", "Chrome"},	 {"Chrome/", "Chrome"},   {"Safari/", "Safari"},
	{"curl/", "curl"},	     {"Wget/", "Wget"},		 {"python-", "Python"},   {"Python-", "Python"},
	{"undici", "Node.js"},
};

static const struct uagent_rule systems[] = {
	{"Windows", "Windows"}, {"Android", "Android"}, {"iPhone", "iOS"},	 {"iPad", "iOS"},
	{"iPod", "iOS"},	{"CrOS", "ChromeOS"},	{"Macintosh", "macOS"}, {"Mac OS X", "macOS"},
	{"FreeBSD", "FreeBSD"}, {"Linux", "Linux"},	{"X11", "Linux"},
};

/* first_match: the name of the first rule whose token ua contains, or NULL. */
static const char *first_match(const char *ua, const struct uagent_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(ua, rules[i].token))
			return rules[i].name;
	return NULL;
}

void uagent_summary(const char *ua, const char **browser, const char **os)
{
	*browser = *os = NULL;
	if (!ua || !*ua)
		return;
	*browser = first_match(ua, browsers, ARRAY_LEN(browsers));
	if (!*browser && strcmp(ua, "node") == 0) /* Node's fetch() says only this */
		*browser = "Node.js";
	*os = first_match(ua, systems, ARRAY_LEN(systems));
}
