/* embed.c - provider recognition and frame addresses for embed blocks (see embed.h). */
#include "embed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "escape.h"

#define EMBED_MAX_URL 2000

/* url_parts: the pieces of an https address, each a span inside the original string */
struct url_parts {
	const char *host, *path, *query, *frag;
	size_t nhost, npath, nquery, nfrag;
};

/* split_url: fills p from url. Returns 0, or -1 when url is not https://host[...] with a host of
 * letters, digits, '.' and '-' (a port or user information makes it a refusal too: readers' links
 * never need them) or holds a space, control character, quote, '<', '>' or backslash. */
static int split_url(const char *url, struct url_parts *p)
{
	size_t n = strlen(url);
	if (n > EMBED_MAX_URL || strncasecmp(url, "https://", 8) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)url[i];
		if (c <= 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' || c == '`')
			return -1;
	}
	const char *s = url + 8;
	size_t h = strcspn(s, "/?#");
	if (h == 0 || h > 253)
		return -1;
	for (size_t i = 0; i < h; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'))
			return -1;
	}
	if (s[0] == '.' || s[0] == '-' || s[h - 1] == '.')
		return -1;
	p->host = s;
	p->nhost = h;
	s += h;
	p->path = s;
	p->npath = strcspn(s, "?#");
	s += p->npath;
	p->query = *s == '?' ? s + 1 : s;
	p->nquery = *s == '?' ? strcspn(s + 1, "#") : 0;
	s = p->query + p->nquery;
	p->frag = *s == '#' ? s + 1 : s;
	p->nfrag = *s == '#' ? strlen(s + 1) : 0;
	return 0;
}

/* segment: copies path segment i (0 = the first after the leading '/') of p into out (cap bytes).
 * Returns its length, or 0 when there is no such segment or it does not fit. */
static size_t segment(const struct url_parts *p, int i, char *out, size_t cap)
{
	const char *s = p->path, *end = p->path + p->npath;
	for (int k = 0; s < end; k++) {
		if (*s == '/')
			s++;
		const char *e = memchr(s, '/', (size_t)(end - s));
		if (!e)
			e = end;
		if (k == i) {
			size_t n = (size_t)(e - s);
			if (n == 0 || n >= cap)
				return 0;
			memcpy(out, s, n);
			out[n] = '\0';
			return n;
		}
		s = e;
	}
	return 0;
}

/* all_of: 1 when s is non-empty and every byte is a digit (digits_only) or [A-Za-z0-9_-]. */
static int all_of(const char *s, int digits_only)
{
	if (!*s)
		return 0;
	for (; *s; s++) {
		char c = *s;
		int ok = (c >= '0' && c <= '9') ||
			 (!digits_only && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-'));
		if (!ok)
			return 0;
	}
	return 1;
}

/* query_value: copies the value of query parameter name into out (raw, still percent-encoded). Returns
 * its length, or 0 when absent, empty or too long. */
static size_t query_value(const struct url_parts *p, const char *name, char *out, size_t cap)
{
	size_t ln = strlen(name);
	const char *s = p->query, *end = p->query + p->nquery;
	while (s < end) {
		const char *amp = memchr(s, '&', (size_t)(end - s));
		if (!amp)
			amp = end;
		if ((size_t)(amp - s) > ln && strncmp(s, name, ln) == 0 && s[ln] == '=') {
			size_t n = (size_t)(amp - s) - ln - 1;
			if (n == 0 || n >= cap)
				return 0;
			memcpy(out, s + ln + 1, n);
			out[n] = '\0';
			return n;
		}
		s = amp + 1;
	}
	return 0;
}

/* host_is: 1 when host (lower case) is name or a www./m./mobile. subdomain of it. */
static int host_is(const char *host, const char *name)
{
	static const char *const pre[] = {"", "www.", "m.", "mobile."};
	for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++) {
		size_t lp = strlen(pre[i]);
		if (strncmp(host, pre[i], lp) == 0 && strcmp(host + lp, name) == 0)
			return 1;
	}
	return 0;
}

/* youtube: the frame of a YouTube watch, shorts, live, embed or youtu.be address. 1 when recognised. */
static int youtube(const char *host, const struct url_parts *p, struct embed *e)
{
	char id[64] = "", s0[32];
	if (host_is(host, "youtu.be"))
		segment(p, 0, id, sizeof id);
	else if (host_is(host, "youtube.com") || host_is(host, "youtube-nocookie.com")) {
		if (segment(p, 0, s0, sizeof s0) && strcmp(s0, "watch") == 0)
			query_value(p, "v", id, sizeof id);
		else if (strcmp(s0, "shorts") == 0 || strcmp(s0, "embed") == 0 || strcmp(s0, "live") == 0)
			segment(p, 1, id, sizeof id);
	} else
		return 0;
	if (strlen(id) != 11 || !all_of(id, 0))
		return 0;
	e->provider = "YouTube";
	e->frame_host = "https://www.youtube-nocookie.com";
	buf_printf(&e->frame, "https://www.youtube-nocookie.com/embed/%s", id);
	return 1;
}

/* simple_providers: Vimeo, X, Instagram, TikTok and Telegram, whose frames are built from an id in the
 * path. 1 when recognised. */
static int simple_providers(const char *host, const struct url_parts *p, struct embed *e)
{
	char a[128] = "", b[128] = "", c[128] = "";
	segment(p, 0, a, sizeof a);
	segment(p, 1, b, sizeof b);
	segment(p, 2, c, sizeof c);
	if (host_is(host, "vimeo.com") && all_of(a, 1) && strlen(a) <= 15) {
		e->provider = "Vimeo";
		e->frame_host = "https://player.vimeo.com";
		buf_printf(&e->frame, "https://player.vimeo.com/video/%s?dnt=1", a);
	} else if ((host_is(host, "x.com") || host_is(host, "twitter.com")) && all_of(a, 0) &&
		   strcmp(b, "status") == 0 && all_of(c, 1) && strlen(c) <= 25) {
		e->provider = "X";
		e->frame_host = "https://platform.twitter.com";
		buf_printf(&e->frame, "https://platform.twitter.com/embed/Tweet.html?id=%s&dnt=true", c);
	} else if (host_is(host, "instagram.com") && (!strcmp(a, "p") || !strcmp(a, "reel") || !strcmp(a, "tv")) &&
		   all_of(b, 0)) {
		e->provider = "Instagram";
		e->frame_host = "https://www.instagram.com";
		buf_printf(&e->frame, "https://www.instagram.com/%s/%s/embed/", a, b);
	} else if (host_is(host, "tiktok.com") && a[0] == '@' && strcmp(b, "video") == 0 && all_of(c, 1) &&
		   strlen(c) <= 25) {
		e->provider = "TikTok";
		e->frame_host = "https://www.tiktok.com";
		buf_printf(&e->frame, "https://www.tiktok.com/embed/v2/%s", c);
	} else if ((host_is(host, "t.me") || host_is(host, "telegram.me")) && all_of(a, 0) && all_of(b, 1) &&
		   strlen(b) <= 15) {
		e->provider = "Telegram";
		e->frame_host = "https://t.me";
		buf_printf(&e->frame, "https://t.me/%s/%s?embed=1", a, b);
	} else
		return 0;
	return 1;
}

/* plugin_providers: Facebook and SoundCloud, whose players take the whole (percent-encoded) address of
 * a post, video or track. 1 when recognised. */
static int plugin_providers(const char *host, const char *url, const struct url_parts *p, struct embed *e)
{
	char a[128] = "";
	segment(p, 0, a, sizeof a);
	if (host_is(host, "facebook.com") && a[0]) {
		int video = strcmp(a, "watch") == 0 || memmem(p->path, p->npath, "/videos/", 8) != NULL;
		e->provider = "Facebook";
		e->frame_host = "https://www.facebook.com";
		buf_printf(&e->frame, "https://www.facebook.com/plugins/%s.php?href=", video ? "video" : "post");
	} else if (host_is(host, "soundcloud.com") && a[0]) {
		e->provider = "SoundCloud";
		e->frame_host = "https://w.soundcloud.com";
		buf_printf(&e->frame, "https://w.soundcloud.com/player/?url=");
	} else
		return 0;
	buf_url(&e->frame, url, strlen(url));
	return 1;
}

/* coordinate: 1 when s is a decimal number (optional sign, digits, one optional point) of at most 20
 * bytes. */
static int coordinate(const char *s)
{
	size_t n = strlen(s), i = *s == '-' ? 1 : 0;
	int digits = 0, points = 0;
	if (n == 0 || n > 20)
		return 0;
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (s[i] == '.' && !points++)
			continue;
		else
			return 0;
	}
	return digits > 0;
}

/* osm: an OpenStreetMap address with #map=zoom/lat/lon, or its own export/embed.html page. 1 when
 * recognised. */
static int osm(const char *host, const struct url_parts *p, struct embed *e)
{
	if (!host_is(host, "openstreetmap.org"))
		return 0;
	char z[16], lat[32], lon[32];
	if (p->nfrag > 4 && p->nfrag < 80 && strncmp(p->frag, "map=", 4) == 0) {
		char f[80];
		memcpy(f, p->frag + 4, p->nfrag - 4);
		f[p->nfrag - 4] = '\0';
		if (sscanf(f, "%15[0-9]/%31[-0-9.]/%31[-0-9.]", z, lat, lon) != 3 || !coordinate(lat) || !coordinate(lon))
			return 0;
		double la = strtod(lat, NULL), lo = strtod(lon, NULL);
		int zoom = atoi(z);
		if (la < -90 || la > 90 || lo < -180 || lo > 180 || zoom < 1 || zoom > 19)
			return 0;
		double d = 180.0 / (double)(1 << zoom);
		buf_printf(&e->frame,
			   "https://www.openstreetmap.org/export/embed.html?bbox=%.5f%%2C%.5f%%2C%.5f%%2C%.5f&layer=mapnik&marker=%s%%2C%s",
			   lo - d, la - d / 2, lo + d, la + d / 2, lat, lon);
	} else if (p->npath == 18 && strncmp(p->path, "/export/embed.html", 18) == 0 && p->nquery > 0) {
		buf_printf(&e->frame, "https://www.openstreetmap.org/export/embed.html?%.*s", (int)p->nquery, p->query);
	} else
		return 0;
	e->provider = "OpenStreetMap";
	e->frame_host = "https://www.openstreetmap.org";
	return 1;
}

/* google_maps: a Google Maps place or search address (".../@lat,lon,zoomz", "?q=...", "/maps/embed?pb=")
 * shown through the embeddable output. 1 when recognised. */
static int google_maps(const char *host, const struct url_parts *p, struct embed *e)
{
	char s0[16] = "", q[512];
	if (host_is(host, "google.com"))
		segment(p, 0, s0, sizeof s0);
	else if (host_is(host, "maps.google.com"))
		snprintf(s0, sizeof s0, "maps");
	if (strcmp(s0, "maps") != 0)
		return 0;
	const char *at = memchr(p->path, '@', p->npath);
	char lat[32], lon[32];
	if (at && sscanf(at + 1, "%31[-0-9.],%31[-0-9.]", lat, lon) == 2 && coordinate(lat) && coordinate(lon)) {
		buf_printf(&e->frame, "https://www.google.com/maps?q=%s%%2C%s&output=embed", lat, lon);
	} else if (query_value(p, "q", q, sizeof q)) {
		buf_printf(&e->frame, "https://www.google.com/maps?q=%s&output=embed", q);
	} else if (p->npath >= 11 && strncmp(p->path, "/maps/embed", 11) == 0 && query_value(p, "pb", q, sizeof q)) {
		buf_printf(&e->frame, "https://www.google.com/maps/embed?pb=%s", q);
	} else
		return 0;
	e->provider = "Google Maps";
	e->frame_host = "https://www.google.com";
	return 1;
}

int embed_parse(const char *url, struct embed *e)
{
	memset(e, 0, sizeof *e);
	struct url_parts p;
	if (!url || split_url(url, &p) < 0)
		return EMBED_BAD;
	for (size_t i = 0; i < p.nhost; i++) {
		char c = p.host[i];
		e->host[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	e->host[p.nhost] = '\0';
	if (youtube(e->host, &p, e) || simple_providers(e->host, &p, e) || plugin_providers(e->host, url, &p, e) ||
	    osm(e->host, &p, e) || google_maps(e->host, &p, e))
		return EMBED_FRAME;
	buf_reset(&e->frame);
	e->provider = strncmp(e->host, "www.", 4) == 0 ? e->host + 4 : e->host;
	e->frame_host = NULL;
	return EMBED_LINK;
}

void embed_free(struct embed *e)
{
	buf_free(&e->frame);
}
