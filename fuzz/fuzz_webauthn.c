/* fuzz_webauthn.c - what the relying party does with the bytes a browser sends back from a passkey
 * ceremony (webauthn.h): the input is decoded as CBOR, read as authenticatorData, as a COSE_Key and as
 * clientDataJSON, checked as a registration's attestation object (with genuine client data), and as an
 * assertion's authenticatorData and signature (against a key made at start-up, so no input can pass).
 * Promises checked: every decoded item and pointer lies inside the input; a refusal always says why; a
 * decoded key has a supported algorithm; a forged assertion is never accepted. Input: raw bytes. */
#include "fuzz.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "webauthn.h"

static uint8_t key_cose[77]; /* an ES256 COSE_Key made by LLVMFuzzerInitialize */
static const char challenge[] = "q0Rr2sCH1Mjq7vSaZPwV5U5IXbuLtRjtrWGuEEJ5E0g";
static const char *const origins[] = {"https://news.example"};
static const char client_create[] = "{\"type\":\"webauthn.create\",\"challenge\":\"q0Rr2sCH1Mjq7vSaZPwV5U5IXbuLtRjtrWGuEEJ5E0g\","
				    "\"origin\":\"https://news.example\",\"crossOrigin\":false}";
static const char client_get[] = "{\"type\":\"webauthn.get\",\"challenge\":\"q0Rr2sCH1Mjq7vSaZPwV5U5IXbuLtRjtrWGuEEJ5E0g\","
				 "\"origin\":\"https://news.example\",\"crossOrigin\":false}";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		return -1;
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	uint8_t pt[65];
	size_t n = 0;
	if (!k || EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof pt, &n) != 1 || n != 65)
		abort();
	EVP_PKEY_free(k);
	/* {1: 2, 3: -7, -1: 1, -2: x, -3: y} */
	static const uint8_t head[] = {0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20};
	memcpy(key_cose, head, sizeof head);
	memcpy(key_cose + 10, pt + 1, 32);
	key_cose[42] = 0x22;
	key_cose[43] = 0x58;
	key_cose[44] = 0x20;
	memcpy(key_cose + 45, pt + 33, 32);
	return 0;
}

/* inside: whether p[0..n) lies within data[0..size). */
static int inside(const uint8_t *p, size_t n, const uint8_t *data, size_t size)
{
	return p >= data && n <= size && (size_t)(p - data) <= size - n;
}

/* cbor_promises: the decoder's promises on data[0..size). */
static void cbor_promises(const uint8_t *data, size_t size)
{
	struct webauthn_cbor doc;
	size_t used = 0;
	const char *why = NULL;
	if (webauthn_cbor_decode(data, size, &doc, &used, &why) < 0) {
		FUZZ_ASSERT(why != NULL);
		return;
	}
	FUZZ_ASSERT(used >= 1 && used <= size);
	FUZZ_ASSERT(doc.n >= 1 && doc.n <= WEBAUTHN_CBOR_MAX_ITEMS);
	FUZZ_ASSERT(doc.items[0].end == doc.n);
	for (size_t k = 0; k < doc.n; k++) {
		const struct webauthn_cbor_item *it = &doc.items[k];
		FUZZ_ASSERT(it->end > k && it->end <= doc.n);
		if (it->type == WEBAUTHN_CBOR_BYTES || it->type == WEBAUTHN_CBOR_TEXT)
			FUZZ_ASSERT(inside(it->p, it->len, data, used));
		if (it->type == WEBAUTHN_CBOR_MAP)
			FUZZ_ASSERT(it->end >= k + 1 + 2 * it->len);
	}
	(void)webauthn_cbor_map_int(&doc, 0, 3);
	(void)webauthn_cbor_map_text(&doc, 0, "fmt");
}

/* authdata_promises: authenticatorData's and the COSE key's promises on data[0..size). */
static void authdata_promises(const uint8_t *data, size_t size)
{
	struct webauthn_authdata ad;
	const char *why = NULL;
	if (webauthn_authdata_parse(data, size, &ad, &why) == 0) {
		FUZZ_ASSERT(size >= 37 && ad.rp_id_hash == data);
		if (ad.flags & WEBAUTHN_FLAG_AT)
			FUZZ_ASSERT(inside(ad.cred_id, ad.cred_id_len, data, size) && inside(ad.key, ad.key_len, data, size) &&
				    ad.cred_id_len >= 1 && ad.cred_id_len <= WEBAUTHN_CRED_ID_MAX);
	} else {
		FUZZ_ASSERT(why != NULL);
	}
	struct webauthn_key key;
	size_t used = 0;
	if (webauthn_cose_key(data, size, &key, &used, &why) == 0)
		FUZZ_ASSERT(used <= size && (key.alg == WEBAUTHN_ES256 || key.alg == WEBAUTHN_EDDSA || key.alg == WEBAUTHN_RS256));
	else
		FUZZ_ASSERT(why != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cbor_promises(data, size);
	authdata_promises(data, size);
	struct webauthn_client_data cd;
	const char *why = NULL;
	if (webauthn_client_data_parse(data, size, &cd, &why) == 0)
		FUZZ_ASSERT(strlen(cd.type) < sizeof cd.type && strlen(cd.challenge) < sizeof cd.challenge &&
			    strlen(cd.origin) < sizeof cd.origin);
	struct webauthn_expect ex = {"news.example", challenge, origins, 1, 0};
	struct webauthn_new_cred c;
	if (webauthn_registration_check(&ex, (const uint8_t *)client_create, strlen(client_create), data, size, &c, &why) == 0)
		FUZZ_ASSERT(inside(c.id, c.id_len, data, size) && inside(c.key, c.key_len, data, size));
	else
		FUZZ_ASSERT(why != NULL);
	/* the input as authenticatorData, its second half as the signature: never a valid assertion */
	uint32_t count = 0;
	FUZZ_ASSERT(webauthn_assertion_check(&ex, key_cose, sizeof key_cose, 0, (const uint8_t *)client_get,
					     strlen(client_get), data, size, data + size / 2, size - size / 2, &count,
					     &why) == -1);
	FUZZ_ASSERT(why != NULL);
	return 0;
}
