/* newsletter_link.c - the newsletters' signed links (see newsletter_link.h). */
#include "newsletter_link.h"

#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "auth.h"

#define NL_NUMS 24 /* id, version, expiry: 8 bytes each, big-endian */
#define NL_MAC 32
#define NL_RAW (NL_NUMS + NL_MAC)

/* put64 / get64: a number as 8 big-endian bytes and back. */
static void put64(unsigned char *p, int64_t v)
{
	uint64_t u = (uint64_t)v;
	for (int i = 7; i >= 0; i--, u >>= 8)
		p[i] = (unsigned char)(u & 0xff);
}

static int64_t get64(const unsigned char *p)
{
	uint64_t u = 0;
	for (int i = 0; i < 8; i++)
		u = (u << 8) | p[i];
	return (int64_t)u;
}

/* link_mac: the MAC of purpose and the numbers nums[0..NL_NUMS) into mac[0..NL_MAC), keyed with secret. The
 * purpose is hashed with its length first, so no purpose can be the prefix of another's message. */
static void link_mac(const unsigned char *secret, const char *purpose, const unsigned char *nums, unsigned char *mac)
{
	crypto_generichash_state st;
	unsigned char len[8];
	size_t plen = strlen(purpose);
	put64(len, (int64_t)plen);
	crypto_generichash_init(&st, secret, AUTH_SECRET_BYTES, NL_MAC);
	crypto_generichash_update(&st, (const unsigned char *)"broadsheet-nl-link", 18);
	crypto_generichash_update(&st, len, sizeof len);
	crypto_generichash_update(&st, (const unsigned char *)purpose, plen);
	crypto_generichash_update(&st, nums, NL_NUMS);
	crypto_generichash_final(&st, mac, NL_MAC);
}

const char *nl_link_make(struct arena *a, const unsigned char *secret, const char *purpose, int64_t subscriber_id,
			 int64_t link_version, int64_t expires)
{
	if (!purpose || !*purpose)
		return NULL;
	unsigned char raw[NL_RAW];
	put64(raw, subscriber_id);
	put64(raw + 8, link_version);
	put64(raw + 16, expires);
	link_mac(secret, purpose, raw, raw + NL_NUMS);
	char *out = arena_alloc(a, NL_LINK_LEN + 1);
	sodium_bin2base64(out, NL_LINK_LEN + 1, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

int nl_link_check(const unsigned char *secret, const char *purpose, const char *token, int64_t now,
		  int64_t *subscriber_id, int64_t *link_version)
{
	if (!purpose || !*purpose || !token || strnlen(token, NL_LINK_LEN + 1) != NL_LINK_LEN)
		return -1;
	unsigned char raw[NL_RAW];
	size_t got = 0;
	const char *end = NULL;
	if (sodium_base642bin(raw, sizeof raw, token, NL_LINK_LEN, NULL, &got, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    got != NL_RAW || end != token + NL_LINK_LEN)
		return -1;
	unsigned char mac[NL_MAC];
	link_mac(secret, purpose, raw, mac);
	if (sodium_memcmp(mac, raw + NL_NUMS, NL_MAC) != 0)
		return -1;
	int64_t id = get64(raw), version = get64(raw + 8), expires = get64(raw + 16);
	if (id <= 0 || (expires != 0 && now > expires))
		return -1;
	*subscriber_id = id;
	*link_version = version;
	return 0;
}
