/* fuzz_push.c - what Broadsheet reads from readers' browsers and push services for Web Push (webpush.c):
 * the input is read as a subscription's JSON (webpush_sub_parse, for subscribing and for unsubscribing)
 * and as an aes128gcm body for a fixed device key (webpush_decrypt).
 * Promises checked: an accepted subscription has an https:// endpoint (or http:// on the allowed host) of
 * at most WEBPUSH_ENDPOINT_MAX bytes on an allowed host, an edition en or ar, a p256dh that is a point on
 * the curve, whose keys encrypt a message; an accepted body decrypts to text shorter than it. */
#include "fuzz.h"

#include "arena.h"
#include "webpush.h"

#define HOSTS "fcm.googleapis.com updates.push.services.mozilla.com *.notify.windows.com web.push.apple.com *.push.apple.com"

static unsigned char dev_priv[WEBPUSH_PRIV_LEN], dev_pub[WEBPUSH_PUB_LEN];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (int i = 0; i < WEBPUSH_PRIV_LEN; i++)
		dev_priv[i] = (unsigned char)(i + 1); /* a fixed, valid scalar */
	return webpush_public_key(dev_priv, dev_pub);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	struct webpush_sub s;
	const char *text = (const char *)data;
	if (!webpush_sub_parse(&a, text, size, HOSTS, "127.0.0.1", 1, &s)) {
		FUZZ_ASSERT(strlen(s.endpoint) <= WEBPUSH_ENDPOINT_MAX);
		FUZZ_ASSERT(strncmp(s.endpoint, "https://", 8) == 0 || strncmp(s.endpoint, "http://127.0.0.1", 16) == 0);
		FUZZ_ASSERT(strcmp(s.edition, "en") == 0 || strcmp(s.edition, "ar") == 0);
		FUZZ_ASSERT(webpush_point_valid(s.pub, WEBPUSH_PUB_LEN));
		size_t n = 0;
		FUZZ_ASSERT(webpush_encrypt(&a, s.pub, s.secret, NULL, NULL, (const unsigned char *)"x", 1, &n) != NULL);
		FUZZ_ASSERT(webpush_origin(&a, s.endpoint) != NULL);
	}
	if (!webpush_sub_parse(&a, text, size, HOSTS, "", 0, &s))
		FUZZ_ASSERT(strncmp(s.endpoint, "https://", 8) == 0);
	static const unsigned char auth[WEBPUSH_AUTH_LEN] = {1, 2, 3};
	size_t pn = 0;
	const unsigned char *plain = webpush_decrypt(&a, dev_priv, auth, data, size, &pn);
	if (plain)
		FUZZ_ASSERT(pn + WEBPUSH_OVERHEAD <= size);
	arena_free(&a);
	return 0;
}
