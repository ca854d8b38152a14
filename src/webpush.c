/* webpush.c - see webpush.h. P-256 arithmetic goes through libcrypto's EC_GROUP/EC_POINT (ECDH is the x
 * coordinate of priv * peer), the ES256 signature through an EVP_PKEY built from the raw key; HKDF is
 * written out over libsodium's HMAC-SHA256 (every output here is at most one block). */
#include "webpush.h"

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "oidc.h"
#include "util.h"

/* group: a new P-256 group (free with EC_GROUP_free), or NULL. */
static EC_GROUP *group(void)
{
	return EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
}

/* scalar: priv as a BIGNUM (free with BN_clear_free), or NULL when it is 0 or not below the order of g. */
static BIGNUM *scalar(const EC_GROUP *g, const unsigned char priv[WEBPUSH_PRIV_LEN])
{
	BIGNUM *d = BN_bin2bn(priv, WEBPUSH_PRIV_LEN, NULL);
	if (d && (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(g)) >= 0)) {
		BN_clear_free(d);
		d = NULL;
	}
	return d;
}

/* point_from: the point pub (65 bytes) on g (free with EC_POINT_free), or NULL when it is not an
 * uncompressed point on the curve. */
static EC_POINT *point_from(const EC_GROUP *g, const unsigned char *pub, size_t len)
{
	if (len != WEBPUSH_PUB_LEN || pub[0] != 0x04)
		return NULL;
	EC_POINT *p = EC_POINT_new(g);
	if (!p || EC_POINT_oct2point(g, p, pub, len, NULL) != 1 || EC_POINT_is_at_infinity(g, p) ||
	    EC_POINT_is_on_curve(g, p, NULL) != 1) {
		EC_POINT_free(p);
		return NULL;
	}
	return p;
}

/* mul_out: priv * (peer, or the generator when peer is NULL) on g, written uncompressed into out65 when
 * it is not NULL and its x coordinate into x32 when that is not NULL. 0, or -1. */
static int mul_out(const EC_GROUP *g, const unsigned char priv[WEBPUSH_PRIV_LEN], const EC_POINT *peer,
		   unsigned char *out65, unsigned char *x32)
{
	BIGNUM *d = scalar(g, priv), *x = BN_new();
	EC_POINT *r = EC_POINT_new(g);
	int ok = d && x && r &&
		 (peer ? EC_POINT_mul(g, r, NULL, peer, d, NULL) : EC_POINT_mul(g, r, d, NULL, NULL, NULL)) == 1 &&
		 !EC_POINT_is_at_infinity(g, r);
	if (ok && out65)
		ok = EC_POINT_point2oct(g, r, POINT_CONVERSION_UNCOMPRESSED, out65, WEBPUSH_PUB_LEN, NULL) == WEBPUSH_PUB_LEN;
	if (ok && x32)
		ok = EC_POINT_get_affine_coordinates(g, r, x, NULL, NULL) == 1 && BN_bn2binpad(x, x32, 32) == 32;
	BN_clear_free(d);
	BN_free(x);
	EC_POINT_free(r);
	return ok ? 0 : -1;
}

int webpush_public_key(const unsigned char priv[WEBPUSH_PRIV_LEN], unsigned char pub[WEBPUSH_PUB_LEN])
{
	EC_GROUP *g = group();
	int rc = g ? mul_out(g, priv, NULL, pub, NULL) : -1;
	EC_GROUP_free(g);
	return rc;
}

int webpush_key_generate(unsigned char priv[WEBPUSH_PRIV_LEN], unsigned char pub[WEBPUSH_PUB_LEN])
{
	for (int tries = 0; tries < 8; tries++) { /* a random 256-bit value is below the order but for ~2^-32 */
		randombytes_buf(priv, WEBPUSH_PRIV_LEN);
		if (webpush_public_key(priv, pub) == 0)
			return 0;
	}
	return -1;
}

int webpush_point_valid(const unsigned char *pub, size_t len)
{
	EC_GROUP *g = group();
	EC_POINT *p = g ? point_from(g, pub, len) : NULL;
	int ok = p != NULL;
	EC_POINT_free(p);
	EC_GROUP_free(g);
	return ok;
}

/* hmac: HMAC-SHA256 of the concatenation of parts (n of them, with their lengths) keyed with key. */
static void hmac(unsigned char out[32], const unsigned char *key, size_t keylen, const unsigned char *const *parts,
		 const size_t *lens, size_t n)
{
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, keylen);
	for (size_t i = 0; i < n; i++)
		crypto_auth_hmacsha256_update(&st, parts[i], lens[i]);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof st);
}

/* hkdf: HKDF-SHA256 (RFC 5869) of ikm under salt with info, its first outlen (<= 32) bytes into out. */
static void hkdf(unsigned char *out, size_t outlen, const unsigned char *salt, size_t saltlen, const unsigned char *ikm,
		 size_t ikmlen, const unsigned char *info, size_t infolen)
{
	unsigned char prk[32], t[32];
	static const unsigned char one = 1;
	hmac(prk, salt, saltlen, (const unsigned char *const[]){ikm}, (const size_t[]){ikmlen}, 1);
	hmac(t, prk, sizeof prk, (const unsigned char *const[]){info, &one}, (const size_t[]){infolen, 1}, 2);
	memcpy(out, t, outlen);
	sodium_memzero(prk, sizeof prk);
	sodium_memzero(t, sizeof t);
}

/* derive: RFC 8291 section 3.4's key schedule: the content encryption key and the nonce for a message from
 * the sender's key as_pub to the subscriber's ua_pub, with their ECDH secret, the auth secret and salt. */
static void derive(unsigned char cek[16], unsigned char nonce[12], const unsigned char ecdh[32],
		   const unsigned char auth[WEBPUSH_AUTH_LEN], const unsigned char ua_pub[WEBPUSH_PUB_LEN],
		   const unsigned char as_pub[WEBPUSH_PUB_LEN], const unsigned char salt[WEBPUSH_SALT_LEN])
{
	static const char key_label[] = "WebPush: info"; /* + its NUL */
	unsigned char key_info[sizeof key_label + 2 * WEBPUSH_PUB_LEN], ikm[32];
	memcpy(key_info, key_label, sizeof key_label);
	memcpy(key_info + sizeof key_label, ua_pub, WEBPUSH_PUB_LEN);
	memcpy(key_info + sizeof key_label + WEBPUSH_PUB_LEN, as_pub, WEBPUSH_PUB_LEN);
	hkdf(ikm, 32, auth, WEBPUSH_AUTH_LEN, ecdh, 32, key_info, sizeof key_info);
	static const char cek_info[] = "Content-Encoding: aes128gcm", nonce_info[] = "Content-Encoding: nonce";
	hkdf(cek, 16, salt, WEBPUSH_SALT_LEN, ikm, 32, (const unsigned char *)cek_info, sizeof cek_info);
	hkdf(nonce, 12, salt, WEBPUSH_SALT_LEN, ikm, 32, (const unsigned char *)nonce_info, sizeof nonce_info);
	sodium_memzero(ikm, sizeof ikm);
}

/* gcm: AES-128-GCM of in[0..len) into out (len bytes), encrypting (tag written into tag) or decrypting
 * (tag checked). 0, or -1 (a decryption that does not authenticate). */
static int gcm(int encrypt, const unsigned char key[16], const unsigned char nonce[12], const unsigned char *in,
	       size_t len, unsigned char *out, unsigned char tag[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0, ok = c && len <= INT32_MAX &&
				EVP_CipherInit_ex(c, EVP_aes_128_gcm(), NULL, key, nonce, encrypt) == 1 &&
				(encrypt || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag) == 1) &&
				EVP_CipherUpdate(c, out, &n, in, (int)len) == 1 &&
				EVP_CipherFinal_ex(c, out + n, &fin) == 1 &&
				(!encrypt || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1);
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

unsigned char *webpush_encrypt(struct arena *a, const unsigned char ua_pub[WEBPUSH_PUB_LEN],
			       const unsigned char auth[WEBPUSH_AUTH_LEN], const unsigned char *as_priv,
			       const unsigned char *salt, const unsigned char *plaintext, size_t len, size_t *out_len)
{
	if (len + 1 + 16 > WEBPUSH_RECORD_SIZE)
		return NULL;
	unsigned char priv[WEBPUSH_PRIV_LEN], as_pub[WEBPUSH_PUB_LEN], ecdh[32], cek[16], nonce[12];
	EC_GROUP *g = group();
	EC_POINT *peer = g ? point_from(g, ua_pub, WEBPUSH_PUB_LEN) : NULL;
	int ok = peer != NULL;
	if (ok && as_priv)
		memcpy(priv, as_priv, sizeof priv);
	else if (ok)
		ok = webpush_key_generate(priv, as_pub) == 0;
	ok = ok && mul_out(g, priv, NULL, as_pub, NULL) == 0 && mul_out(g, priv, peer, NULL, ecdh) == 0;
	EC_POINT_free(peer);
	EC_GROUP_free(g);
	sodium_memzero(priv, sizeof priv);
	if (!ok)
		return NULL;
	size_t total = len + WEBPUSH_OVERHEAD;
	unsigned char *body = arena_alloc(a, total), *rec = body + WEBPUSH_HEADER_LEN;
	if (salt)
		memcpy(body, salt, WEBPUSH_SALT_LEN);
	else
		randombytes_buf(body, WEBPUSH_SALT_LEN);
	body[16] = 0, body[17] = 0, body[18] = WEBPUSH_RECORD_SIZE >> 8, body[19] = WEBPUSH_RECORD_SIZE & 0xff;
	body[20] = WEBPUSH_PUB_LEN;
	memcpy(body + 21, as_pub, WEBPUSH_PUB_LEN);
	derive(cek, nonce, ecdh, auth, ua_pub, as_pub, body);
	memcpy(rec, plaintext, len);
	rec[len] = 0x02; /* the last (and only) record's delimiter, no padding */
	ok = gcm(1, cek, nonce, rec, len + 1, rec, rec + len + 1) == 0;
	sodium_memzero(ecdh, sizeof ecdh);
	sodium_memzero(cek, sizeof cek);
	if (!ok)
		return NULL;
	*out_len = total;
	return body;
}

unsigned char *webpush_decrypt(struct arena *a, const unsigned char ua_priv[WEBPUSH_PRIV_LEN],
			       const unsigned char auth[WEBPUSH_AUTH_LEN], const unsigned char *body, size_t len,
			       size_t *out_len)
{
	if (len < WEBPUSH_OVERHEAD || body[20] != WEBPUSH_PUB_LEN)
		return NULL;
	uint32_t rs = (uint32_t)body[16] << 24 | (uint32_t)body[17] << 16 | (uint32_t)body[18] << 8 | body[19];
	size_t clen = len - WEBPUSH_HEADER_LEN; /* ciphertext and tag */
	if (rs < 18 || clen > rs)
		return NULL; /* one record only */
	unsigned char ua_pub[WEBPUSH_PUB_LEN], ecdh[32], cek[16], nonce[12];
	EC_GROUP *g = group();
	EC_POINT *peer = g ? point_from(g, body + 21, WEBPUSH_PUB_LEN) : NULL;
	int ok = peer && mul_out(g, ua_priv, NULL, ua_pub, NULL) == 0 && mul_out(g, ua_priv, peer, NULL, ecdh) == 0;
	EC_POINT_free(peer);
	EC_GROUP_free(g);
	if (!ok)
		return NULL;
	derive(cek, nonce, ecdh, auth, ua_pub, body + 21, body);
	unsigned char *plain = arena_alloc(a, clen - 16 + 1), tag[16];
	memcpy(tag, body + len - 16, 16);
	ok = gcm(0, cek, nonce, body + WEBPUSH_HEADER_LEN, clen - 16, plain, tag) == 0;
	sodium_memzero(ecdh, sizeof ecdh);
	sodium_memzero(cek, sizeof cek);
	if (!ok)
		return NULL;
	size_t n = clen - 16; /* strip the padding: zeros, then the last record's delimiter 0x02 */
	while (n > 0 && plain[n - 1] == 0)
		n--;
	if (n == 0 || plain[n - 1] != 0x02)
		return NULL;
	plain[n - 1] = '\0';
	*out_len = n - 1;
	return plain;
}

const char *webpush_origin(struct arena *a, const char *url)
{
	size_t scheme = strncmp(url, "https://", 8) == 0 ? 8 : strncmp(url, "http://", 7) == 0 ? 7 : 0;
	if (!scheme)
		return NULL;
	size_t host = strcspn(url + scheme, "/?#");
	if (host == 0 || memchr(url + scheme, '@', host))
		return NULL;
	return arena_printf(a, "%.*s", (int)(scheme + host), url);
}

/* es256: the raw r||s (64 bytes) ES256 signature of msg[0..len) with priv/pub into sig. 0, or -1. */
static int es256(const unsigned char priv[WEBPUSH_PRIV_LEN], const unsigned char pub[WEBPUSH_PUB_LEN],
		 const unsigned char *msg, size_t len, unsigned char sig[64])
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *d = BN_bin2bn(priv, WEBPUSH_PRIV_LEN, NULL);
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *kctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char der[80];
	size_t derlen = sizeof der;
	ECDSA_SIG *s = NULL;
	int ok = bld && d && kctx && md &&
		 OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
		 OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) == 1 &&
		 OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, WEBPUSH_PUB_LEN) == 1 &&
		 (params = OSSL_PARAM_BLD_to_param(bld)) && EVP_PKEY_fromdata_init(kctx) == 1 &&
		 EVP_PKEY_fromdata(kctx, &key, EVP_PKEY_KEYPAIR, params) == 1 &&
		 EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
		 EVP_DigestSign(md, der, &derlen, msg, len) == 1;
	const unsigned char *p = der;
	ok = ok && (s = d2i_ECDSA_SIG(NULL, &p, (long)derlen)) != NULL &&
	     BN_bn2binpad(ECDSA_SIG_get0_r(s), sig, 32) == 32 && BN_bn2binpad(ECDSA_SIG_get0_s(s), sig + 32, 32) == 32;
	ECDSA_SIG_free(s);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	EVP_PKEY_CTX_free(kctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(d);
	return ok ? 0 : -1;
}

const char *webpush_vapid_header(struct arena *a, const unsigned char priv[WEBPUSH_PRIV_LEN],
				 const unsigned char pub[WEBPUSH_PUB_LEN], const char *endpoint, const char *sub,
				 int64_t exp)
{
	const char *aud = webpush_origin(a, endpoint);
	if (!aud)
		return NULL;
	json_t *claims = json_pack("{s:s, s:I, s:s}", "aud", aud, "exp", (json_int_t)exp, "sub", sub);
	char *text = claims ? json_dumps(claims, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(claims);
	if (!text)
		return NULL;
	static const char header[] = "{\"typ\":\"JWT\",\"alg\":\"ES256\"}";
	const char *signing = arena_printf(a, "%s.%s", oidc_b64url_encode(a, (const unsigned char *)header, strlen(header)),
					   oidc_b64url_encode(a, (const unsigned char *)text, strlen(text)));
	free(text);
	unsigned char sig[64];
	if (es256(priv, pub, (const unsigned char *)signing, strlen(signing), sig) < 0)
		return NULL;
	return arena_printf(a, "vapid t=%s.%s, k=%s", signing, oidc_b64url_encode(a, sig, sizeof sig),
			    oidc_b64url_encode(a, pub, WEBPUSH_PUB_LEN));
}

int webpush_host_allowed(const char *list, const char *host)
{
	size_t hl = strlen(host);
	for (const char *p = list; *p;) {
		p += strspn(p, " \t,");
		size_t n = strcspn(p, " \t,");
		if (n == 0)
			break;
		if (n > 2 && p[0] == '*' && p[1] == '.') { /* "*.example.com": strictly below example.com */
			size_t suffix = n - 1;                  /* ".example.com" */
			if (hl > suffix && strncmp(host + hl - suffix, p + 1, suffix) == 0)
				return 1;
		} else if (n == hl && strncmp(p, host, n) == 0) {
			return 1;
		}
		p += n;
	}
	return 0;
}

/* endpoint_problem: NULL when url may be a subscription's endpoint under hosts and allow_http, else why not. */
static const char *endpoint_problem(const char *url, const char *hosts, const char *allow_http)
{
	if (strlen(url) > WEBPUSH_ENDPOINT_MAX)
		return N_("The subscription's endpoint is too long (at most 1024 bytes).");
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return N_("The subscription's endpoint cannot contain spaces or control characters.");
	int https = strncmp(url, "https://", 8) == 0;
	if (!https && strncmp(url, "http://", 7) != 0)
		return N_("The subscription's endpoint must be an https:// address.");
	const char *h = url + (https ? 8 : 7);
	size_t n = strcspn(h, "/?#");
	if (n == 0 || memchr(h, '@', n) || n > 253 + 6)
		return N_("The subscription's endpoint has no valid host.");
	char host[260];
	size_t hn = h[0] == '[' ? strcspn(h, "]") + 1 : strcspn(h, ":/?#");
	if (hn > n || hn >= sizeof host)
		return N_("The subscription's endpoint has no valid host.");
	for (size_t i = 0; i < hn; i++)
		host[i] = (char)(h[i] >= 'A' && h[i] <= 'Z' ? h[i] + 32 : h[i]);
	host[hn] = '\0';
	if (!https && !webpush_host_allowed(allow_http, host))
		return N_("The subscription's endpoint must be an https:// address.");
	if (!https)
		return NULL; /* a test's loopback push service, named in push_allow_http */
	if (!webpush_host_allowed(hosts, host))
		return N_("The subscription's endpoint is not on a known push service.");
	return NULL;
}

/* key_field: the base64url text of keys.name decoded into out (want bytes). NULL or why not. */
static const char *key_field(struct arena *a, json_t *keys, const char *name, unsigned char *out, size_t want,
			     const char **text)
{
	const char *s = json_string_value(json_object_get(keys, name));
	size_t n = 0;
	if (!s || !*s)
		return N_("The subscription has no keys.p256dh or keys.auth.");
	if (strlen(s) > 200)
		return N_("The subscription's keys are too long.");
	unsigned char *bytes = oidc_b64url_decode(a, s, strlen(s), &n);
	if (!bytes && strlen(s) % 4 == 0 && strchr(s, '=')) /* some browsers pad: accept '=' at the end */
		bytes = oidc_b64url_decode(a, s, strcspn(s, "="), &n);
	if (!bytes || n != want)
		return want == WEBPUSH_PUB_LEN ? N_("The subscription's keys.p256dh is not a 65-byte P-256 public key.")
					      : N_("The subscription's keys.auth is not 16 bytes.");
	memcpy(out, bytes, want);
	*text = arena_strdup(a, s);
	return NULL;
}

const char *webpush_sub_parse(struct arena *a, const char *text, size_t len, const char *hosts,
			      const char *allow_http, int need_edition, struct webpush_sub *out)
{
	memset(out, 0, sizeof *out);
	if (len > 8192)
		return N_("The subscription is too large.");
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	const char *why = NULL;
	json_t *keys = root ? json_object_get(root, "keys") : NULL;
	const char *endpoint = json_string_value(json_object_get(root, "endpoint"));
	const char *edition = json_string_value(json_object_get(root, "edition"));
	if (!json_is_object(root))
		why = N_("The subscription is not a JSON object.");
	else if (!endpoint || !*endpoint)
		why = N_("The subscription has no endpoint.");
	else if ((why = endpoint_problem(endpoint, hosts, allow_http)) != NULL)
		;
	else if (need_edition && (!edition || (strcmp(edition, "en") != 0 && strcmp(edition, "ar") != 0)))
		why = N_("The subscription names no edition (en or ar).");
	else if (need_edition && !json_is_object(keys))
		why = N_("The subscription has no keys.p256dh or keys.auth.");
	else if (need_edition && (why = key_field(a, keys, "p256dh", out->pub, WEBPUSH_PUB_LEN, &out->p256dh)) != NULL)
		;
	else if (need_edition && (why = key_field(a, keys, "auth", out->secret, WEBPUSH_AUTH_LEN, &out->auth)) != NULL)
		;
	else if (need_edition && !webpush_point_valid(out->pub, WEBPUSH_PUB_LEN))
		why = N_("The subscription's keys.p256dh is not a point on the P-256 curve.");
	if (!why) {
		out->endpoint = arena_strdup(a, endpoint);
		out->edition = edition ? arena_strdup(a, edition) : NULL;
	}
	json_decref(root);
	return why;
}
