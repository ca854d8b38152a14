/* test_webauthn.c - the WebAuthn checks (webauthn.h): the bounded CBOR decoder on well-formed input and on
 * every kind of bomb and malformation, authenticatorData, COSE keys, base64url, and whole registrations and
 * assertions built here with real keys (OpenSSL's P-256 and RSA-2048, libsodium's Ed25519): the genuine
 * ones pass, and each tampered part (signature, authenticatorData, clientDataJSON, origin, relying party,
 * flags, counter) is refused with its reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "webauthn.h"

#define RP "news.example"
#define ORIGIN "https://news.example"
#define CHALLENGE "q0Rr2sCH1Mjq7vSaZPwV5U5IXbuLtRjtrWGuEEJ5E0g"

/* ---- building CBOR, keys and responses ---- */

/* cb_head: appends a CBOR head of major type with argument n (shortest form). */
static void cb_head(struct buf *b, int major, uint64_t n)
{
	uint8_t m = (uint8_t)(major << 5);
	if (n < 24) {
		buf_putc(b, (char)(m | n));
		return;
	}
	int bytes = n <= 0xff ? 1 : n <= 0xffff ? 2 : n <= 0xffffffffu ? 4 : 8;
	buf_putc(b, (char)(m | (bytes == 1 ? 24 : bytes == 2 ? 25 : bytes == 4 ? 26 : 27)));
	for (int i = bytes - 1; i >= 0; i--)
		buf_putc(b, (char)(n >> (8 * i)));
}

/* cb_int, cb_bytes, cb_text: an integer, a byte string, a text string. */
static void cb_int(struct buf *b, int64_t v)
{
	if (v >= 0)
		cb_head(b, 0, (uint64_t)v);
	else
		cb_head(b, 1, (uint64_t)(-1 - v));
}
static void cb_bytes(struct buf *b, const uint8_t *p, size_t n)
{
	cb_head(b, 2, n);
	buf_append(b, p, n);
}
static void cb_text(struct buf *b, const char *s)
{
	cb_head(b, 3, strlen(s));
	buf_append(b, s, strlen(s));
}

/* A test authenticator's key: OpenSSL's (ES256, RS256) or libsodium's (EdDSA), and its COSE_Key. */
struct tkey {
	int alg;
	EVP_PKEY *pkey;
	uint8_t ed_pk[32], ed_sk[64];
	struct buf cose;
};

/* key_make: a new key for alg with its COSE_Key. */
static void key_make(struct tkey *k, int alg)
{
	memset(k, 0, sizeof *k);
	k->alg = alg;
	struct buf *c = &k->cose;
	if (alg == WEBAUTHN_ES256) {
		k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		uint8_t pt[65];
		size_t n = 0;
		assert_int_equal(EVP_PKEY_get_octet_string_param(k->pkey, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof pt, &n), 1);
		assert_int_equal(n, 65);
		cb_head(c, 5, 5);
		cb_int(c, 1), cb_int(c, 2);     /* kty EC2 */
		cb_int(c, 3), cb_int(c, -7);    /* alg ES256 */
		cb_int(c, -1), cb_int(c, 1);    /* crv P-256 */
		cb_int(c, -2), cb_bytes(c, pt + 1, 32);
		cb_int(c, -3), cb_bytes(c, pt + 33, 32);
	} else if (alg == WEBAUTHN_EDDSA) {
		crypto_sign_keypair(k->ed_pk, k->ed_sk);
		cb_head(c, 5, 4);
		cb_int(c, 1), cb_int(c, 1);     /* kty OKP */
		cb_int(c, 3), cb_int(c, -8);    /* alg EdDSA */
		cb_int(c, -1), cb_int(c, 6);    /* crv Ed25519 */
		cb_int(c, -2), cb_bytes(c, k->ed_pk, 32);
	} else {
		k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
		BIGNUM *n = NULL, *e = NULL;
		assert_int_equal(EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_N, &n), 1);
		assert_int_equal(EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_E, &e), 1);
		uint8_t nb[256], eb[8];
		assert_int_equal(BN_bn2bin(n, nb), 256);
		int elen = BN_bn2bin(e, eb);
		cb_head(c, 5, 4);
		cb_int(c, 1), cb_int(c, 3);     /* kty RSA */
		cb_int(c, 3), cb_int(c, -257);  /* alg RS256 */
		cb_int(c, -1), cb_bytes(c, nb, 256);
		cb_int(c, -2), cb_bytes(c, eb, (size_t)elen);
		BN_free(n);
		BN_free(e);
	}
}

static void key_free(struct tkey *k)
{
	EVP_PKEY_free(k->pkey);
	buf_free(&k->cose);
}

/* sha256: SHA-256 of p[0..n) into out. */
static void sha256(const void *p, size_t n, uint8_t out[32])
{
	assert_int_equal(EVP_Digest(p, n, out, NULL, EVP_sha256(), NULL), 1);
}

/* authdata: authenticatorData for rp with flags and count, and (when cose) the attested credential cred
 * with that key, then (when ext) an extensions map {"credProtect": 1}. */
static void authdata(struct buf *b, const char *rp, uint8_t flags, uint32_t count, const char *cred,
		     const struct buf *cose, int ext)
{
	uint8_t h[32];
	sha256(rp, strlen(rp), h);
	buf_append(b, h, 32);
	buf_putc(b, (char)(flags | (cose ? WEBAUTHN_FLAG_AT : 0) | (ext ? WEBAUTHN_FLAG_ED : 0)));
	for (int i = 3; i >= 0; i--)
		buf_putc(b, (char)(count >> (8 * i)));
	if (cose) {
		static const uint8_t aaguid[16];
		buf_append(b, aaguid, 16);
		size_t n = strlen(cred);
		buf_putc(b, (char)(n >> 8));
		buf_putc(b, (char)n);
		buf_append(b, cred, n);
		buf_append(b, cose->data, cose->len);
	}
	if (ext) {
		cb_head(b, 5, 1);
		cb_text(b, "credProtect");
		cb_int(b, 1);
	}
}

/* client_data: a clientDataJSON of type for challenge from origin (extra: more members, or ""). */
static void client_data(struct buf *b, const char *type, const char *challenge, const char *origin, const char *extra)
{
	buf_printf(b, "{\"type\":\"%s\",\"challenge\":\"%s\",\"origin\":\"%s\",\"crossOrigin\":false%s}", type, challenge,
		   origin, extra);
}

/* sign: k's signature over ad || SHA-256(cd) into sig (cap 512); returns its length. */
static size_t sign(const struct tkey *k, const struct buf *ad, const struct buf *cd, uint8_t *sig)
{
	struct buf m = BUF_INIT;
	uint8_t h[32];
	sha256(cd->data, cd->len, h);
	buf_append(&m, ad->data, ad->len);
	buf_append(&m, h, 32);
	size_t n = 512;
	if (k->alg == WEBAUTHN_EDDSA) {
		unsigned long long sl;
		crypto_sign_detached(sig, &sl, (const uint8_t *)m.data, m.len, k->ed_sk);
		n = (size_t)sl;
	} else {
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k->pkey), 1);
		assert_int_equal(EVP_DigestSign(md, sig, &n, (const uint8_t *)m.data, m.len), 1);
		EVP_MD_CTX_free(md);
	}
	buf_free(&m);
	return n;
}

/* attestation: an attestation object {fmt, attStmt (empty, or {"alg": -7} when stmt), authData: ad}. */
static void attestation(struct buf *b, const char *fmt, int stmt, const struct buf *ad)
{
	cb_head(b, 5, 3);
	cb_text(b, "fmt");
	cb_text(b, fmt);
	cb_text(b, "attStmt");
	cb_head(b, 5, stmt ? 1 : 0);
	if (stmt)
		cb_text(b, "alg"), cb_int(b, -7);
	cb_text(b, "authData");
	cb_bytes(b, (const uint8_t *)ad->data, ad->len);
}

static const char *const origins[] = {ORIGIN, "https://www.news.example"};
static const struct webauthn_expect expect = {RP, CHALLENGE, origins, 2, 1};

/* ---- CBOR ---- */

/* decode: webauthn_cbor_decode of the n bytes p; returns its status, *why and *used set. */
static int decode(const void *p, size_t n, struct webauthn_cbor *doc, size_t *used, const char **why)
{
	*why = NULL;
	*used = 0;
	return webauthn_cbor_decode(p, n, doc, used, why);
}

static void test_cbor_values(void **state)
{
	(void)state;
	struct webauthn_cbor doc;
	size_t used;
	const char *why;
	/* {1: 2, -1: [h'0102', "ab", true, null], "k": -300, 2: INT64_MAX, 3: INT64_MIN} then a trailing byte */
	static const uint8_t in[] = {0xa5, 0x01, 0x02, 0x20, 0x84, 0x42, 0x01, 0x02, 0x62, 'a', 'b', 0xf5, 0xf6,
				     0x61, 'k', 0x39, 0x01, 0x2b, 0x02, 0x1b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff,
				     0xff, 0xff, 0x03, 0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
	assert_int_equal(decode(in, sizeof in, &doc, &used, &why), 0);
	assert_int_equal(used, sizeof in - 1); /* the caller sees the trailing byte */
	assert_int_equal(doc.items[0].type, WEBAUTHN_CBOR_MAP);
	assert_int_equal(doc.items[0].len, 5);
	assert_int_equal(doc.items[0].end, doc.n);
	const struct webauthn_cbor_item *v = webauthn_cbor_map_int(&doc, 0, 1);
	assert_non_null(v);
	assert_int_equal(v->i, 2);
	v = webauthn_cbor_map_int(&doc, 0, -1);
	assert_non_null(v);
	assert_int_equal(v->type, WEBAUTHN_CBOR_ARRAY);
	assert_int_equal(v->len, 4);
	assert_int_equal(v[1].type, WEBAUTHN_CBOR_BYTES);
	assert_int_equal(v[1].len, 2);
	assert_int_equal(v[2].type, WEBAUTHN_CBOR_TEXT);
	assert_memory_equal(v[2].p, "ab", 2);
	assert_int_equal(v[3].type, WEBAUTHN_CBOR_TRUE);
	assert_int_equal(v[4].type, WEBAUTHN_CBOR_NULL);
	v = webauthn_cbor_map_text(&doc, 0, "k");
	assert_non_null(v);
	assert_int_equal(v->i, -300);
	assert_int_equal(webauthn_cbor_map_int(&doc, 0, 2)->i, INT64_MAX);
	assert_int_equal(webauthn_cbor_map_int(&doc, 0, 3)->i, INT64_MIN);
	assert_null(webauthn_cbor_map_int(&doc, 0, 4));
	assert_null(webauthn_cbor_map_text(&doc, 0, "K"));
	assert_null(webauthn_cbor_map_int(&doc, 1, 1)); /* not a map */
	/* a non-shortest head is read (authenticators are not all canonical) */
	static const uint8_t long_head[] = {0x18, 0x05};
	assert_int_equal(decode(long_head, 2, &doc, &used, &why), 0);
	assert_int_equal(doc.items[0].i, 5);
	static const uint8_t undef_false[] = {0x82, 0xf7, 0xf4};
	assert_int_equal(decode(undef_false, 3, &doc, &used, &why), 0);
	assert_int_equal(doc.items[1].type, WEBAUTHN_CBOR_UNDEFINED);
	assert_int_equal(doc.items[2].type, WEBAUTHN_CBOR_FALSE);
}

/* refused: the n bytes p do not decode, and why names the kind of fault (a word of it). */
static void refused(const void *p, size_t n, const char *word)
{
	struct webauthn_cbor doc;
	size_t used;
	const char *why;
	assert_int_equal(decode(p, n, &doc, &used, &why), -1);
	assert_non_null(why);
	if (!strstr(why, word))
		fail_msg("refused, but for \"%s\" (wanted \"%s\")", why, word);
}

static void test_cbor_refusals(void **state)
{
	(void)state;
	refused("", 0, "cut short");
	/* indefinite lengths: array, map, byte and text strings, a lone break */
	refused("\x9f\x01\xff", 3, "indefinite");
	refused("\xbf\x01\x02\xff", 4, "indefinite");
	refused("\x5f\x41\x00\xff", 4, "indefinite");
	refused("\x7f\x61" "a\xff", 4, "indefinite");
	refused("\xff", 1, "indefinite");
	refused("\x1c", 1, "malformed"); /* reserved additional information 28 */
	/* cut short: a head's argument, a string's bytes, a container's items */
	refused("\x19\x01", 2, "cut short");
	refused("\x62" "a", 2, "more bytes");
	refused("\x82\x01", 2, "more items");
	/* size bombs: lengths claiming far more than the input holds, refused before reading on */
	refused("\x9b\xff\xff\xff\xff\xff\xff\xff\xff\x00", 10, "more items");
	refused("\xba\xff\xff\xff\xff\x00", 6, "more items");
	refused("\x5b\x00\x00\x00\x01\x00\x00\x00\x00", 9, "more bytes");
	refused("\x7a\xff\xff\xff\xff", 5, "more bytes");
	/* a depth bomb: 100 nested one-element arrays */
	uint8_t deep[101];
	memset(deep, 0x81, 100);
	deep[100] = 0x00;
	refused(deep, sizeof deep, "nested too deeply");
	uint8_t ok_depth[8] = {0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x00}; /* 8 levels: the limit */
	struct webauthn_cbor doc;
	size_t used;
	const char *why;
	assert_int_equal(decode(ok_depth, sizeof ok_depth, &doc, &used, &why), 0);
	/* an item bomb: an array of 200 small integers */
	uint8_t many[203] = {0x98, 200};
	refused(many, 202, "too many items");
	/* numbers beyond int64, floats, tags, unknown simple values */
	refused("\x1b\x80\x00\x00\x00\x00\x00\x00\x00", 9, "too large");
	refused("\x3b\x80\x00\x00\x00\x00\x00\x00\x00", 9, "too large");
	refused("\xf9\x3c\x00", 3, "floating-point");
	refused("\xfb\x3f\xf0\x00\x00\x00\x00\x00\x00", 9, "floating-point");
	refused("\xf8\x20", 2, "floating-point");
	refused("\xc0\x61" "a", 3, "tag");
	/* maps: a repeated key (integer, text), a key that is neither number nor text */
	refused("\xa2\x01\x00\x01\x00", 5, "repeats");
	refused("\xa2\x61" "a\x00\x61" "a\x01", 7, "repeats");
	refused("\xa1\x80\x00", 3, "neither");
	refused("\xa1\x41\x00\x00", 4, "neither");
	/* text that is not UTF-8 (a lone continuation byte, an overlong slash) */
	refused("\x61\x80", 2, "UTF-8");
	refused("\x62\xc0\xaf", 3, "UTF-8");
}

/* ---- authenticatorData and COSE ---- */

static void test_authdata(void **state)
{
	(void)state;
	struct tkey k;
	key_make(&k, WEBAUTHN_ES256);
	struct buf ad = BUF_INIT;
	struct webauthn_authdata out;
	const char *why;
	authdata(&ad, RP, WEBAUTHN_FLAG_UP | WEBAUTHN_FLAG_UV, 7, "cred-1", &k.cose, 1);
	assert_int_equal(webauthn_authdata_parse((uint8_t *)ad.data, ad.len, &out, &why), 0);
	assert_int_equal(out.sign_count, 7);
	assert_int_equal(out.cred_id_len, 6);
	assert_memory_equal(out.cred_id, "cred-1", 6);
	assert_int_equal(out.key_len, k.cose.len);
	assert_true(out.flags & WEBAUTHN_FLAG_ED);
	/* every truncation is refused; so is a byte more */
	for (size_t n = 0; n < ad.len; n++)
		assert_int_equal(webauthn_authdata_parse((uint8_t *)ad.data, n, &out, &why), -1);
	buf_putc(&ad, 0);
	assert_int_equal(webauthn_authdata_parse((uint8_t *)ad.data, ad.len, &out, &why), -1);
	assert_string_equal(why, "The authenticator data has bytes left over.");
	/* 37 bytes: no credential */
	buf_reset(&ad);
	authdata(&ad, RP, WEBAUTHN_FLAG_UP, 0, NULL, NULL, 0);
	assert_int_equal(ad.len, 37);
	assert_int_equal(webauthn_authdata_parse((uint8_t *)ad.data, ad.len, &out, &why), 0);
	assert_null(out.cred_id);
	/* an AT flag whose credential id length is 0, or runs past the end */
	ad.data[32] |= WEBAUTHN_FLAG_AT;
	uint8_t zeros[18] = {0};
	buf_append(&ad, zeros, 18);
	assert_int_equal(webauthn_authdata_parse((uint8_t *)ad.data, ad.len, &out, &why), -1);
	ad.data[ad.len - 1] = 0x20;
	assert_int_equal(webauthn_authdata_parse((uint8_t *)ad.data, ad.len, &out, &why), -1);
	buf_free(&ad);
	key_free(&k);
}

/* cose_refused: the COSE_Key in b is refused with a reason containing word. */
static void cose_refused(const struct buf *b, const char *word)
{
	struct webauthn_key key;
	size_t used;
	const char *why = NULL;
	assert_int_equal(webauthn_cose_key((const uint8_t *)b->data, b->len, &key, &used, &why), -1);
	if (!why || !strstr(why, word))
		fail_msg("COSE key refused for \"%s\" (wanted \"%s\")", why ? why : "(none)", word);
}

static void test_cose(void **state)
{
	(void)state;
	int algs[] = {WEBAUTHN_ES256, WEBAUTHN_EDDSA, WEBAUTHN_RS256};
	for (int i = 0; i < 3; i++) {
		struct tkey k;
		key_make(&k, algs[i]);
		struct webauthn_key key;
		size_t used;
		const char *why;
		assert_int_equal(webauthn_cose_key((uint8_t *)k.cose.data, k.cose.len, &key, &used, &why), 0);
		assert_int_equal(used, k.cose.len);
		assert_int_equal(key.alg, algs[i]);
		key_free(&k);
	}
	struct tkey k;
	key_make(&k, WEBAUTHN_ES256);
	struct buf b = BUF_INIT;
	/* a point off the curve: y changed */
	buf_append(&b, k.cose.data, k.cose.len);
	b.data[b.len - 1] ^= 1;
	cose_refused(&b, "not a valid key");
	/* P-384 instead of P-256 */
	buf_reset(&b);
	buf_append(&b, k.cose.data, k.cose.len);
	b.data[6] = 0x02; /* crv: 1 -> 2 */
	cose_refused(&b, "malformed");
	/* x of 31 bytes */
	buf_reset(&b);
	cb_head(&b, 5, 5);
	cb_int(&b, 1), cb_int(&b, 2), cb_int(&b, 3), cb_int(&b, -7), cb_int(&b, -1), cb_int(&b, 1);
	uint8_t x[32] = {0};
	cb_int(&b, -2), cb_bytes(&b, x, 31), cb_int(&b, -3), cb_bytes(&b, x, 32);
	cose_refused(&b, "malformed");
	/* an algorithm not taken (ES384), and a key that is not a map */
	buf_reset(&b);
	cb_head(&b, 5, 2);
	cb_int(&b, 1), cb_int(&b, 2), cb_int(&b, 3), cb_int(&b, -35);
	cose_refused(&b, "not supported");
	buf_reset(&b);
	cb_head(&b, 4, 1);
	cb_int(&b, 3);
	cose_refused(&b, "malformed");
	/* kty that does not match alg */
	buf_reset(&b);
	buf_append(&b, k.cose.data, k.cose.len);
	b.data[2] = 0x03; /* kty 2 -> 3 */
	cose_refused(&b, "malformed");
	buf_free(&b);
	key_free(&k);
}

static void test_b64u(void **state)
{
	(void)state;
	uint8_t out[64];
	size_t n;
	char text[64];
	static const uint8_t bytes[] = {0xfb, 0xff, 0x3e, 0x00, 0x01};
	assert_string_equal(webauthn_b64u_encode(bytes, sizeof bytes, text, sizeof text), "-_8-AAE");
	assert_int_equal(webauthn_b64u_decode("-_8-AAE", out, sizeof out, &n), 0);
	assert_int_equal(n, sizeof bytes);
	assert_memory_equal(out, bytes, n);
	assert_int_equal(webauthn_b64u_decode("-_8-AAE=", out, sizeof out, &n), -1); /* padded */
	assert_int_equal(webauthn_b64u_decode("+/8-AAE", out, sizeof out, &n), -1);  /* base64, not url */
	assert_int_equal(webauthn_b64u_decode("-_8-AAE", out, 4, &n), -1);           /* over cap */
	assert_int_equal(webauthn_b64u_decode("-_8 AAE", out, sizeof out, &n), -1);
	assert_int_equal(webauthn_b64u_decode(NULL, out, sizeof out, &n), -1);
	assert_string_equal(webauthn_b64u_encode(bytes, sizeof bytes, text, 4), ""); /* no room */
}

/* ---- clientDataJSON ---- */

static void test_client_data(void **state)
{
	(void)state;
	struct webauthn_client_data cd;
	const char *why;
	const char *good = "{\"type\":\"webauthn.get\",\"challenge\":\"abc\",\"origin\":\"https://x.example\",\"crossOrigin\":false,\"other\":[1]}";
	assert_int_equal(webauthn_client_data_parse((const uint8_t *)good, strlen(good), &cd, &why), 0);
	assert_string_equal(cd.type, "webauthn.get");
	assert_string_equal(cd.challenge, "abc");
	assert_string_equal(cd.origin, "https://x.example");
	assert_false(cd.cross_origin);
	static const char *const bad[] = {
		"", "[]", "{\"type\":\"webauthn.get\",\"challenge\":\"abc\"}",                        /* no origin */
		"{\"type\":1,\"challenge\":\"abc\",\"origin\":\"o\"}",                                 /* not text */
		"{\"type\":\"webauthn.get\",\"type\":\"webauthn.get\",\"challenge\":\"a\",\"origin\":\"o\"}", /* repeated */
		"{\"type\":\"webauthn.get\",\"challenge\":\"a\",\"origin\":\"o\",\"crossOrigin\":\"no\"}",
		"{\"type\":\"webauthn.get\",\"challenge\":\"a\\u0000b\",\"origin\":\"o\"}",            /* a NUL */
		"{\"type\":\"webauthn.get\",\"challenge\":\"\",\"origin\":\"o\"}",
		"{\"type\":\"webauthn.get\",\"challenge\":\"a\",\"origin\":\"o\"} x",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(webauthn_client_data_parse((const uint8_t *)bad[i], strlen(bad[i]), &cd, &why), -1);
	const char *cross = "{\"type\":\"webauthn.get\",\"challenge\":\"a\",\"origin\":\"o\",\"crossOrigin\":true}";
	assert_int_equal(webauthn_client_data_parse((const uint8_t *)cross, strlen(cross), &cd, &why), 0);
	assert_true(cd.cross_origin);
	const char *top = "{\"type\":\"webauthn.get\",\"challenge\":\"a\",\"origin\":\"o\",\"topOrigin\":\"https://evil.example\"}";
	assert_int_equal(webauthn_client_data_parse((const uint8_t *)top, strlen(top), &cd, &why), 0);
	assert_true(cd.cross_origin);
}

/* ---- registration ---- */

/* must_refuse: why is a refusal that contains word. */
static void must_refuse(const char *why, const char *word)
{
	if (!why || !strstr(why, word))
		fail_msg("response %s (wanted a refusal with \"%s\")", why ? why : "passed", word);
}


/* A registration response under construction. */
struct reg {
	struct buf cd, ad, att;
};

/* reg_make: a registration of key k's credential "cred-1" as a browser would send it, with the parts
 * given (NULL: the genuine value). */
static void reg_make(struct reg *r, const struct tkey *k, const char *type, const char *challenge, const char *origin,
		     const char *rp, uint8_t flags, const char *fmt, int stmt)
{
	memset(r, 0, sizeof *r);
	client_data(&r->cd, type ? type : "webauthn.create", challenge ? challenge : CHALLENGE, origin ? origin : ORIGIN, "");
	authdata(&r->ad, rp ? rp : RP, flags, 0, "cred-1", &k->cose, 0);
	attestation(&r->att, fmt ? fmt : "none", stmt, &r->ad);
}

/* reg_check: webauthn_registration_check of r against expect (require_uv as given); returns why (NULL when
 * it passed). */
static const char *reg_check(const struct reg *r, int require_uv, struct webauthn_new_cred *c)
{
	struct webauthn_expect ex = expect;
	ex.require_uv = require_uv;
	const char *why = NULL;
	int rc = webauthn_registration_check(&ex, (const uint8_t *)r->cd.data, r->cd.len, (const uint8_t *)r->att.data,
					     r->att.len, c, &why);
	assert_true(rc == 0 ? why == NULL : why != NULL);
	return why;
}

static void reg_free(struct reg *r)
{
	buf_free(&r->cd);
	buf_free(&r->ad);
	buf_free(&r->att);
}

/* reg_refused: the registration made with these parts is refused with a reason containing word. */
static void reg_refused(const struct tkey *k, const char *type, const char *challenge, const char *origin,
			const char *rp, uint8_t flags, const char *fmt, int stmt, const char *word)
{
	struct reg r;
	struct webauthn_new_cred c;
	reg_make(&r, k, type, challenge, origin, rp, flags, fmt, stmt);
	const char *why = reg_check(&r, 1, &c);
	if (!why || !strstr(why, word))
		fail_msg("registration %s (wanted a refusal with \"%s\")", why ? why : "passed", word);
	reg_free(&r);
}

static void test_registration(void **state)
{
	(void)state;
	struct tkey k;
	key_make(&k, WEBAUTHN_ES256);
	const uint8_t up_uv = WEBAUTHN_FLAG_UP | WEBAUTHN_FLAG_UV;
	struct reg r;
	struct webauthn_new_cred c;
	reg_make(&r, &k, NULL, NULL, NULL, NULL, up_uv, NULL, 0);
	assert_null(reg_check(&r, 1, &c));
	assert_int_equal(c.id_len, 6);
	assert_memory_equal(c.id, "cred-1", 6);
	assert_int_equal(c.key_len, k.cose.len);
	assert_memory_equal(c.key, k.cose.data, k.cose.len);
	assert_int_equal(c.alg, WEBAUTHN_ES256);
	/* a trailing byte after the attestation object */
	buf_putc(&r.att, 0);
	assert_non_null(reg_check(&r, 1, &c));
	reg_free(&r);
	/* the other origin listed is the site's too */
	reg_make(&r, &k, NULL, NULL, "https://www.news.example", NULL, up_uv, NULL, 0);
	assert_null(reg_check(&r, 1, &c));
	reg_free(&r);
	/* without user verification: refused when required, taken when not */
	reg_make(&r, &k, NULL, NULL, NULL, NULL, WEBAUTHN_FLAG_UP, NULL, 0);
	assert_non_null(reg_check(&r, 1, &c));
	assert_null(reg_check(&r, 0, &c));
	reg_free(&r);
	/* another format's statement is read, not verified (webauthn.h) */
	reg_make(&r, &k, NULL, NULL, NULL, NULL, up_uv, "packed", 1);
	assert_null(reg_check(&r, 1, &c));
	reg_free(&r);
	reg_refused(&k, "webauthn.get", NULL, NULL, NULL, up_uv, NULL, 0, "type");
	reg_refused(&k, NULL, "AAAA", NULL, NULL, up_uv, NULL, 0, "another challenge");
	reg_refused(&k, NULL, NULL, "https://evil.example", NULL, up_uv, NULL, 0, "another site");
	reg_refused(&k, NULL, NULL, "http://news.example", NULL, up_uv, NULL, 0, "another site");
	reg_refused(&k, NULL, NULL, NULL, "evil.example", up_uv, NULL, 0, "relying party");
	reg_refused(&k, NULL, NULL, NULL, NULL, WEBAUTHN_FLAG_UV, NULL, 0, "present");
	reg_refused(&k, NULL, NULL, NULL, NULL, up_uv, "none", 1, "attestation");
	/* cross-origin (an iframe of another site) */
	reg_make(&r, &k, NULL, NULL, NULL, NULL, up_uv, NULL, 0);
	buf_reset(&r.cd);
	buf_printf(&r.cd, "{\"type\":\"webauthn.create\",\"challenge\":\"%s\",\"origin\":\"%s\",\"crossOrigin\":true}",
		   CHALLENGE, ORIGIN);
	must_refuse(reg_check(&r, 1, &c), "frame");
	reg_free(&r);
	/* no attested credential (AT clear) */
	reg_make(&r, &k, NULL, NULL, NULL, NULL, up_uv, NULL, 0);
	buf_reset(&r.ad);
	authdata(&r.ad, RP, up_uv, 0, NULL, NULL, 0);
	buf_reset(&r.att);
	attestation(&r.att, "none", 0, &r.ad);
	must_refuse(reg_check(&r, 1, &c), "no new credential");
	reg_free(&r);
	key_free(&k);
}

/* ---- assertions ---- */

/* An assertion under construction: client data, authenticator data, signature. */
struct asr {
	struct buf cd, ad;
	uint8_t sig[512];
	size_t sig_len;
};

/* asr_make: an assertion by k for rp from origin with flags and count, signed. */
static void asr_make(struct asr *a, const struct tkey *k, const char *origin, const char *rp, uint8_t flags,
		     uint32_t count)
{
	memset(a, 0, sizeof *a);
	client_data(&a->cd, "webauthn.get", CHALLENGE, origin, "");
	authdata(&a->ad, rp, flags, count, NULL, NULL, 0);
	a->sig_len = sign(k, &a->ad, &a->cd, a->sig);
}

/* asr_check: webauthn_assertion_check of a against k's stored key and stored counter; returns why (NULL
 * when it passed, *count then set). */
static const char *asr_check(const struct asr *a, const struct tkey *k, uint32_t stored, int require_uv, uint32_t *count)
{
	struct webauthn_expect ex = expect;
	ex.require_uv = require_uv;
	const char *why = NULL;
	int rc = webauthn_assertion_check(&ex, (const uint8_t *)k->cose.data, k->cose.len, stored,
					  (const uint8_t *)a->cd.data, a->cd.len, (const uint8_t *)a->ad.data, a->ad.len,
					  a->sig, a->sig_len, count, &why);
	assert_true(rc == 0 ? why == NULL : why != NULL);
	return why;
}

static void asr_free(struct asr *a)
{
	buf_free(&a->cd);
	buf_free(&a->ad);
}

/* assertions_with: the genuine assertion by a key of alg passes; each tampered part is refused. */
static void assertions_with(int alg)
{
	struct tkey k;
	key_make(&k, alg);
	const uint8_t up_uv = WEBAUTHN_FLAG_UP | WEBAUTHN_FLAG_UV;
	struct asr a;
	uint32_t count = 0;
	asr_make(&a, &k, ORIGIN, RP, up_uv, 42);
	assert_null(asr_check(&a, &k, 41, 1, &count));
	assert_int_equal(count, 42);
	/* tampered signature: each of its first, middle and last bytes */
	size_t at[] = {0, a.sig_len / 2, a.sig_len - 1};
	for (int i = 0; i < 3; i++) {
		a.sig[at[i]] ^= 0x01;
		must_refuse(asr_check(&a, &k, 41, 1, &count), "signature is not valid");
		a.sig[at[i]] ^= 0x01;
	}
	/* a signature cut short, or empty */
	a.sig_len--;
	must_refuse(asr_check(&a, &k, 41, 1, &count), "signature is not valid");
	a.sig_len = 0;
	must_refuse(asr_check(&a, &k, 41, 1, &count), "signature is not valid");
	asr_free(&a);
	/* tampered authenticator data: the counter raised after signing, a flag added */
	asr_make(&a, &k, ORIGIN, RP, WEBAUTHN_FLAG_UP, 42);
	a.ad.data[36] = 43;
	must_refuse(asr_check(&a, &k, 41, 0, &count), "signature is not valid");
	a.ad.data[36] = 42;
	a.ad.data[32] |= WEBAUTHN_FLAG_UV;
	must_refuse(asr_check(&a, &k, 41, 1, &count), "signature is not valid");
	asr_free(&a);
	/* tampered client data: a member added after signing (same type, challenge and origin) */
	asr_make(&a, &k, ORIGIN, RP, up_uv, 42);
	buf_reset(&a.cd);
	client_data(&a.cd, "webauthn.get", CHALLENGE, ORIGIN, ",\"x\":1");
	must_refuse(asr_check(&a, &k, 41, 1, &count), "signature is not valid");
	asr_free(&a);
	/* signed genuinely, but for another origin or relying party, or without user verification */
	asr_make(&a, &k, "https://evil.example", RP, up_uv, 42);
	must_refuse(asr_check(&a, &k, 41, 1, &count), "another site");
	asr_free(&a);
	asr_make(&a, &k, ORIGIN, "evil.example", up_uv, 42);
	must_refuse(asr_check(&a, &k, 41, 1, &count), "relying party");
	asr_free(&a);
	asr_make(&a, &k, ORIGIN, RP, WEBAUTHN_FLAG_UP, 42);
	must_refuse(asr_check(&a, &k, 41, 1, &count), "verify");
	assert_null(asr_check(&a, &k, 41, 0, &count)); /* a second factor: presence is enough */
	asr_free(&a);
	/* the signature counter: backwards or still is a clone; 0 and 0 is an authenticator that does not count */
	asr_make(&a, &k, ORIGIN, RP, up_uv, 42);
	must_refuse(asr_check(&a, &k, 42, 1, &count), "counter");
	must_refuse(asr_check(&a, &k, 100, 1, &count), "counter");
	asr_free(&a);
	asr_make(&a, &k, ORIGIN, RP, up_uv, 0);
	assert_null(asr_check(&a, &k, 0, 1, &count));
	assert_int_equal(count, 0);
	must_refuse(asr_check(&a, &k, 5, 1, &count), "counter");
	asr_free(&a);
	key_free(&k);
}

static void test_assertion_es256(void **state)
{
	(void)state;
	assertions_with(WEBAUTHN_ES256);
}

static void test_assertion_eddsa(void **state)
{
	(void)state;
	assertions_with(WEBAUTHN_EDDSA);
}

static void test_assertion_rs256(void **state)
{
	(void)state;
	assertions_with(WEBAUTHN_RS256);
}

/* Another key's signature, and a stored key that is damaged, are refused. */
static void test_assertion_wrong_key(void **state)
{
	(void)state;
	struct tkey k, other;
	key_make(&k, WEBAUTHN_ES256);
	key_make(&other, WEBAUTHN_ES256);
	struct asr a;
	uint32_t count;
	asr_make(&a, &other, ORIGIN, RP, WEBAUTHN_FLAG_UP | WEBAUTHN_FLAG_UV, 1);
	must_refuse(asr_check(&a, &k, 0, 1, &count), "signature is not valid");
	k.cose.len--; /* damaged */
	must_refuse(asr_check(&a, &k, 0, 1, &count), "damaged");
	asr_free(&a);
	key_free(&k);
	key_free(&other);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cbor_values),	 cmocka_unit_test(test_cbor_refusals),
		cmocka_unit_test(test_authdata),	 cmocka_unit_test(test_cose),
		cmocka_unit_test(test_b64u),		 cmocka_unit_test(test_client_data),
		cmocka_unit_test(test_registration),	 cmocka_unit_test(test_assertion_es256),
		cmocka_unit_test(test_assertion_eddsa),	 cmocka_unit_test(test_assertion_rs256),
		cmocka_unit_test(test_assertion_wrong_key),
	};
	return cmocka_run_group_tests_name("webauthn", tests, NULL, NULL);
}
