/* fuzz_oidc.c - what Broadsheet reads from an OpenID Connect provider (oidc.c). The first byte picks:
 *   0: JWKS '\n' TOKEN - the keys parsed into OpenSSL keys (oidc_jwks_parse), then the token's kid and
 *      its verification against them (oidc_token_kid, oidc_id_token_verify);
 *   1: HEADER '\n' CLAIMS - both JSON texts signed here (ES256, with a key made at start) into a token
 *      that is then verified against that key, so the claims checks (issuer, audience, azp, times,
 *      nonce, e-mail) see fuzzed JSON behind a good signature;
 *   2: TEXT - read as a discovery document, a token endpoint reply and a userinfo reply, and base64url
 *      decoded and encoded.
 * Promises checked: a verdict is one of the enum's, and OK only with a subject and the expected issuer
 * and nonce; discovery accepted only with acceptable endpoints and the configured issuer; base64url
 * round-trips. */
#include "fuzz.h"

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "arena.h"
#include "auth.h"
#include "oidc.h"

#define ISS "https://id.example.com"
#define NONCE "n-0S6_WzA2Mj"

static EVP_PKEY *key;       /* signs mode 1's tokens */
static struct oidc_jwks keys; /* its public half, as a JWKS read by oidc_jwks_parse */

/* cleanup: frees the key at exit (the replay's leak check). */
static void cleanup(void)
{
	oidc_jwks_free(&keys);
	EVP_PKEY_free(key);
}

/* coord: a P-256 coordinate of key as base64url, in the arena. */
static const char *coord(struct arena *a, const char *param)
{
	BIGNUM *bn = NULL;
	unsigned char buf[32];
	if (EVP_PKEY_get_bn_param(key, param, &bn) != 1)
		abort();
	BN_bn2binpad(bn, buf, 32);
	BN_free(bn);
	return oidc_b64url_encode(a, buf, 32);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (auth_init() < 0 || !(key = EVP_EC_gen("P-256")))
		abort();
	struct arena a = ARENA_INIT;
	const char *jwks = arena_printf(&a, "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"k\",\"x\":\"%s\",\"y\":\"%s\"}]}",
					coord(&a, OSSL_PKEY_PARAM_EC_PUB_X), coord(&a, OSSL_PKEY_PARAM_EC_PUB_Y));
	if (oidc_jwks_parse(jwks, strlen(jwks), &keys) != 1)
		abort();
	arena_free(&a);
	atexit(cleanup);
	return 0;
}

/* check_verdict: verifies token against ks and checks the promises about the verdict and claims. */
static void check_verdict(struct arena *a, const char *token, const struct oidc_jwks *ks)
{
	static const struct oidc_expect x = {ISS, "broadsheet", NONCE, 1800000000};
	struct oidc_claims c;
	enum oidc_verdict v = oidc_id_token_verify(a, token, ks, &x, &c);
	FUZZ_ASSERT(v >= OIDC_OK && v <= OIDC_BAD_NONCE);
	FUZZ_ASSERT(oidc_verdict_name(v) && *oidc_verdict_name(v));
	if (v == OIDC_OK)
		FUZZ_ASSERT(c.sub && *c.sub && c.exp + OIDC_SKEW > x.now && c.iat <= x.now + OIDC_SKEW);
	else
		FUZZ_ASSERT(!c.sub && !c.email);
}

/* signed_token: header and claims signed with key as an ES256 compact JWS, in the arena. */
static const char *signed_token(struct arena *a, const char *header, size_t hlen, const char *claims, size_t clen)
{
	const char *input = arena_printf(a, "%s.%s", oidc_b64url_encode(a, (const unsigned char *)header, hlen),
					 oidc_b64url_encode(a, (const unsigned char *)claims, clen));
	unsigned char der[128], raw[64];
	size_t n = sizeof der;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(ctx, der, &n, (const unsigned char *)input, strlen(input)) != 1)
		abort();
	EVP_MD_CTX_free(ctx);
	const unsigned char *p = der;
	ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)n);
	if (!s)
		abort();
	BN_bn2binpad(ECDSA_SIG_get0_r(s), raw, 32);
	BN_bn2binpad(ECDSA_SIG_get0_s(s), raw + 32, 32);
	ECDSA_SIG_free(s);
	return arena_printf(a, "%s.%s", input, oidc_b64url_encode(a, raw, sizeof raw));
}

/* documents: text as each document a provider sends besides tokens, and as base64url. */
static void documents(struct arena *a, const char *text, size_t len)
{
	struct oidc_provider p;
	if (!oidc_discovery_parse(a, text, len, ISS, &p)) {
		FUZZ_ASSERT(strcmp(p.issuer, ISS) == 0);
		FUZZ_ASSERT(!oidc_url_problem(p.authorization_endpoint) && !oidc_url_problem(p.token_endpoint) &&
			    !oidc_url_problem(p.jwks_uri));
		FUZZ_ASSERT(!p.userinfo_endpoint || !oidc_url_problem(p.userinfo_endpoint));
	}
	const char *access, *error;
	const char *id = oidc_token_reply_parse(a, text, len, &access, &error);
	FUZZ_ASSERT((id != NULL) != (error != NULL));
	if (error)
		FUZZ_ASSERT(!access && *error);
	struct oidc_claims c = {.sub = "248289761001"};
	if (!oidc_userinfo_email(a, text, len, &c) && c.email)
		FUZZ_ASSERT(c.email_verified == 0 || c.email_verified == 1);
	size_t n;
	const unsigned char *bin = oidc_b64url_decode(a, text, len, &n);
	if (bin) {
		const char *again = oidc_b64url_encode(a, bin, n);
		FUZZ_ASSERT(strlen(again) == len && memcmp(again, text, len) == 0);
	}
	const char *enc = oidc_b64url_encode(a, (const unsigned char *)text, len);
	bin = oidc_b64url_decode(a, enc, strlen(enc), &n);
	FUZZ_ASSERT(bin && n == len && memcmp(bin, text, len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct arena a = ARENA_INIT;
	int mode = data[0] % 3;
	const uint8_t *rest;
	size_t rest_len;
	size_t head = fuzz_split(data + 1, size - 1, '\n', &rest, &rest_len);
	const char *first = arena_strndup(&a, (const char *)data + 1, head);
	const char *second = arena_strndup(&a, (const char *)rest, rest_len);
	if (mode == 0) {
		struct oidc_jwks ks;
		int n = oidc_jwks_parse((const char *)data + 1, head, &ks);
		FUZZ_ASSERT(n >= -1 && n <= OIDC_JWKS_KEYS && (n < 0 ? ks.n == 0 : (size_t)n == ks.n));
		for (size_t i = 0; i < ks.n; i++)
			FUZZ_ASSERT(ks.keys[i].pkey && (ks.keys[i].alg == OIDC_ALG_RS256 || ks.keys[i].alg == OIDC_ALG_ES256));
		(void)oidc_token_kid(&a, second);
		check_verdict(&a, second, &ks);
		oidc_jwks_free(&ks);
	} else if (mode == 1) {
		check_verdict(&a, signed_token(&a, first, head, (const char *)rest, rest_len), &keys);
	} else {
		documents(&a, (const char *)data + 1, size - 1);
	}
	arena_free(&a);
	return 0;
}
