/* fuzz_xff.c - X-Forwarded-For as Broadsheet reads it from a trusted proxy: clientaddr_forwarded with the
 * peer 127.0.0.1 and trusted_proxies "127.0.0.0/8 10.0.0.0/8 fd00::/8". Input: the header lines, split at
 * each newline (at most CLIENTADDR_MAX_HOPS lines, the last ones, as http.c keeps them). Checks clientaddr.h's
 * promises: the client is the peer or an address (canonical: read again as an entry it is itself), and
 * the header is never read from an untrusted peer. */
#include "fuzz.h"

#include "clientaddr.h"

/* client_of: clientaddr_forwarded of peer and the lines into out with the target's trusted networks. */
static void client_of(const char *peer, const char *const *lines, size_t n, char *out)
{
	static struct metrics_net nets[3];
	static int parsed;
	char bad[64];
	if (!parsed)
		parsed = metrics_allow_parse("127.0.0.0/8 10.0.0.0/8 fd00::/8", nets, 3, bad, sizeof bad);
	clientaddr_forwarded(nets, (size_t)parsed, peer, lines, n, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	const char *lines[CLIENTADDR_MAX_HOPS];
	size_t n = 0;
	for (char *p = text, *nl; p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (n == CLIENTADDR_MAX_HOPS) {
			memmove(lines, lines + 1, (CLIENTADDR_MAX_HOPS - 1) * sizeof lines[0]);
			n--;
		}
		lines[n++] = p;
	}
	char out[CLIENTADDR_LEN], again[CLIENTADDR_LEN];
	client_of("127.0.0.1", lines, n, out);
	FUZZ_ASSERT(strlen(out) > 0 && strlen(out) < CLIENTADDR_LEN);
	struct metrics_net a;
	FUZZ_ASSERT(metrics_net_parse(out, &a) == 0 && !strchr(out, '/'));
	if (strcmp(out, "127.0.0.1") != 0) { /* an entry of the header: written canonically */
		const char *one[1] = {out};
		client_of("127.0.0.1", one, 1, again);
		FUZZ_ASSERT(strcmp(again, out) == 0);
	}
	/* a peer that is not trusted: its header is never read */
	client_of("192.0.2.1", lines, n, out);
	FUZZ_ASSERT(strcmp(out, "192.0.2.1") == 0);
	free(text);
	return 0;
}
