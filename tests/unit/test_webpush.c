/* test_webpush.c - Web Push's cryptography: RFC 8291 section 5's worked example to the byte (its fixed
 * keys and salt, the header and the ciphertext of Appendix A), encryption and decryption round trips with
 * fresh keys, tampering refused, points off the curve refused; the VAPID header's JWT (claims, and its
 * ES256 signature verified with libcrypto against the k= key); subscription parsing and its refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "oidc.h"
#include "webpush.h"

/* RFC 8291 section 5 (and Appendix A): the values of its example message */
static const char rfc_plain[] = "When I grow up, I want to be a watermelon";
static const char rfc_ua_public[] = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
static const char rfc_ua_private[] = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
static const char rfc_as_public[] = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
static const char rfc_as_private[] = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
static const char rfc_auth[] = "BTBZMqHH6r4Tts7J_aSIgg";
static const char rfc_salt[] = "DGv6ra1nlYgDCS1FRnbzlw";
static const char rfc_header[] = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
static const char rfc_cipher[] = "8pfeW0KbunFT06SuDKoJH9Ql87S1QUrdirN6GcG7sFz1y1sqLgVi1VhjVkHsUoEsbI_0LpXMuGvnzQ";
static const char rfc_body[] = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

static const char hosts[] = "fcm.googleapis.com updates.push.services.mozilla.com *.notify.windows.com web.push.apple.com *.push.apple.com";

/* dec: the bytes of base64url text s (want of them, checked) in the arena. */
static const unsigned char *dec(struct arena *a, const char *s, size_t want)
{
	size_t n = 0;
	const unsigned char *b = oidc_b64url_decode(a, s, strlen(s), &n);
	assert_non_null(b);
	assert_int_equal(n, want);
	return b;
}

static void test_rfc8291_example(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	unsigned char pub[WEBPUSH_PUB_LEN];
	assert_int_equal(webpush_public_key(dec(&a, rfc_as_private, 32), pub), 0); /* the sender's key pair agrees */
	assert_memory_equal(pub, dec(&a, rfc_as_public, 65), 65);
	size_t n = 0;
	unsigned char *body = webpush_encrypt(&a, dec(&a, rfc_ua_public, 65), dec(&a, rfc_auth, 16), dec(&a, rfc_as_private, 32),
					      dec(&a, rfc_salt, 16), (const unsigned char *)rfc_plain, strlen(rfc_plain), &n);
	assert_non_null(body);
	assert_int_equal(n, strlen(rfc_plain) + WEBPUSH_OVERHEAD);
	assert_string_equal(oidc_b64url_encode(&a, body, WEBPUSH_HEADER_LEN), rfc_header);
	assert_string_equal(oidc_b64url_encode(&a, body + WEBPUSH_HEADER_LEN, n - WEBPUSH_HEADER_LEN), rfc_cipher);
	assert_string_equal(oidc_b64url_encode(&a, body, n), rfc_body);
	/* and the receiver of the example reads it back */
	size_t pn = 0;
	const unsigned char *plain = webpush_decrypt(&a, dec(&a, rfc_ua_private, 32), dec(&a, rfc_auth, 16), body, n, &pn);
	assert_non_null(plain);
	assert_int_equal(pn, strlen(rfc_plain));
	assert_string_equal((const char *)plain, rfc_plain);
	arena_free(&a);
}

static void test_round_trip(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	unsigned char ua_priv[32], ua_pub[65], auth[16];
	for (int i = 0; i < 20; i++) {
		assert_int_equal(webpush_key_generate(ua_priv, ua_pub), 0);
		assert_true(webpush_point_valid(ua_pub, 65));
		randombytes_buf(auth, sizeof auth);
		char msg[64];
		int len = snprintf(msg, sizeof msg, "{\"id\":%d,\"title\":\"عاجل\"}", i);
		size_t n = 0, pn = 0;
		unsigned char *body = webpush_encrypt(&a, ua_pub, auth, NULL, NULL, (const unsigned char *)msg, (size_t)len, &n);
		assert_non_null(body);
		unsigned char *again = webpush_encrypt(&a, ua_pub, auth, NULL, NULL, (const unsigned char *)msg, (size_t)len, &n);
		assert_memory_not_equal(body, again, WEBPUSH_HEADER_LEN); /* a fresh salt and sender key each time */
		const unsigned char *plain = webpush_decrypt(&a, ua_priv, auth, body, n, &pn);
		assert_non_null(plain);
		assert_string_equal((const char *)plain, msg);
		body[n - 1] ^= 1; /* a changed tag does not authenticate */
		assert_null(webpush_decrypt(&a, ua_priv, auth, body, n, &pn));
		body[n - 1] ^= 1;
		auth[0] ^= 1; /* nor does another auth secret */
		assert_null(webpush_decrypt(&a, ua_priv, auth, body, n, &pn));
	}
	unsigned char big[WEBPUSH_RECORD_SIZE];
	memset(big, 'x', sizeof big);
	size_t n;
	assert_null(webpush_encrypt(&a, ua_pub, auth, NULL, NULL, big, sizeof big, &n)); /* more than one record */
	assert_null(webpush_decrypt(&a, ua_priv, auth, big, 50, &n));                     /* shorter than a header */
	arena_free(&a);
}

static void test_points(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	unsigned char p[65];
	memcpy(p, dec(&a, rfc_ua_public, 65), 65);
	assert_true(webpush_point_valid(p, 65));
	assert_false(webpush_point_valid(p, 64));
	p[64] ^= 1; /* y changed: off the curve */
	assert_false(webpush_point_valid(p, 65));
	p[64] ^= 1;
	p[0] = 0x02; /* compressed form: refused */
	assert_false(webpush_point_valid(p, 65));
	memset(p, 0, 65);
	p[0] = 4;
	assert_false(webpush_point_valid(p, 65));
	size_t n;
	assert_null(webpush_encrypt(&a, p, dec(&a, rfc_auth, 16), NULL, NULL, (const unsigned char *)"x", 1, &n));
	unsigned char zero[32] = {0}, pub[65];
	assert_int_equal(webpush_public_key(zero, pub), -1);
	arena_free(&a);
}

/* verify_es256: whether sig (r||s) is pub's ES256 signature of msg. */
static int verify_es256(const unsigned char *pub, const unsigned char *msg, size_t len, const unsigned char *sig)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
	OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 65);
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *kctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *key = NULL;
	EVP_PKEY_fromdata_init(kctx);
	EVP_PKEY_fromdata(kctx, &key, EVP_PKEY_PUBLIC_KEY, params);
	ECDSA_SIG *s = ECDSA_SIG_new();
	ECDSA_SIG_set0(s, BN_bin2bn(sig, 32, NULL), BN_bin2bn(sig + 32, 32, NULL));
	unsigned char *der = NULL;
	int derlen = i2d_ECDSA_SIG(s, &der);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
		 EVP_DigestVerify(md, der, (size_t)derlen, msg, len) == 1;
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	ECDSA_SIG_free(s);
	EVP_PKEY_free(key);
	EVP_PKEY_CTX_free(kctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return ok;
}

static void test_vapid(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	unsigned char priv[32], pub[65];
	assert_int_equal(webpush_key_generate(priv, pub), 0);
	assert_string_equal(webpush_origin(&a, "https://fcm.googleapis.com/fcm/send/abc"), "https://fcm.googleapis.com");
	assert_string_equal(webpush_origin(&a, "http://127.0.0.1:9000/push/1?x"), "http://127.0.0.1:9000");
	assert_null(webpush_origin(&a, "ftp://x/y"));
	assert_null(webpush_origin(&a, "https://user@host/"));
	const char *h = webpush_vapid_header(&a, priv, pub, "https://updates.push.services.mozilla.com/wpush/v2/x",
					     "mailto:news@example.com", 1700000000);
	assert_non_null(h);
	assert_int_equal(strncmp(h, "vapid t=", 8), 0);
	const char *jwt = h + 8, *comma = strstr(h, ", k=");
	assert_non_null(comma);
	assert_string_equal(comma + 4, oidc_b64url_encode(&a, pub, 65));
	const char *dot1 = strchr(jwt, '.'), *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	assert_non_null(dot2);
	size_t n;
	const char *hdr = (const char *)oidc_b64url_decode(&a, jwt, (size_t)(dot1 - jwt), &n);
	assert_string_equal(hdr, "{\"typ\":\"JWT\",\"alg\":\"ES256\"}");
	const char *claims = (const char *)oidc_b64url_decode(&a, dot1 + 1, (size_t)(dot2 - dot1 - 1), &n);
	assert_string_equal(claims, "{\"aud\":\"https://updates.push.services.mozilla.com\",\"exp\":1700000000,"
				    "\"sub\":\"mailto:news@example.com\"}");
	const unsigned char *sig = oidc_b64url_decode(&a, dot2 + 1, (size_t)(comma - dot2 - 1), &n);
	assert_int_equal(n, 64); /* raw r||s, not DER */
	assert_true(verify_es256(pub, (const unsigned char *)jwt, (size_t)(dot2 - jwt), sig));
	unsigned char other_priv[32], other[65];
	webpush_key_generate(other_priv, other);
	assert_false(verify_es256(other, (const unsigned char *)jwt, (size_t)(dot2 - jwt), sig));
	assert_null(webpush_vapid_header(&a, priv, pub, "mailto:x", "mailto:y", 1));
	arena_free(&a);
}

/* parse: webpush_sub_parse of the JSON text s (edition required); NULL or its refusal. */
static const char *parse(struct arena *a, const char *s, struct webpush_sub *out)
{
	return webpush_sub_parse(a, s, strlen(s), hosts, "127.0.0.1", 1, out);
}

static void test_subscription(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct webpush_sub s;
#define SUB(ep, p, au, ed)                                                                                    \
	parse(&a, arena_printf(&a, "{\"endpoint\":\"%s\",\"keys\":{\"p256dh\":\"%s\",\"auth\":\"%s\"},\"edition\":\"%s\"}", \
			       ep, p, au, ed),                                                                \
	      &s)
	assert_null(SUB("https://fcm.googleapis.com/fcm/send/x1", rfc_ua_public, rfc_auth, "en"));
	assert_string_equal(s.endpoint, "https://fcm.googleapis.com/fcm/send/x1");
	assert_string_equal(s.edition, "en");
	assert_memory_equal(s.pub, dec(&a, rfc_ua_public, 65), 65);
	assert_null(SUB("https://db5p.notify.windows.com/w/?token=x", rfc_ua_public, rfc_auth, "ar"));
	assert_null(SUB("https://api.push.apple.com/3/device/x", rfc_ua_public, rfc_auth, "ar"));
	assert_null(SUB("http://127.0.0.1:9999/push/1", rfc_ua_public, rfc_auth, "ar")); /* allow_http */
	assert_non_null(SUB("https://evil.example/push", rfc_ua_public, rfc_auth, "en"));
	assert_non_null(SUB("https://notify.windows.com.evil.example/", rfc_ua_public, rfc_auth, "en"));
	assert_non_null(SUB("https://push.apple.com/", rfc_ua_public, rfc_auth, "en")); /* "*." is strictly below */
	assert_non_null(SUB("http://fcm.googleapis.com/fcm/send/x", rfc_ua_public, rfc_auth, "en"));
	assert_non_null(SUB("https://user@fcm.googleapis.com/x", rfc_ua_public, rfc_auth, "en"));
	assert_non_null(SUB("javascript:alert(1)", rfc_ua_public, rfc_auth, "en"));
	assert_non_null(SUB("https://fcm.googleapis.com/x", rfc_ua_public, rfc_auth, "fr"));
	assert_non_null(SUB("https://fcm.googleapis.com/x", rfc_auth, rfc_auth, "en"));      /* 16-byte p256dh */
	assert_non_null(SUB("https://fcm.googleapis.com/x", rfc_ua_public, "DGv6ra1nlYgDCS1FRnbzlwAA", "en")); /* 18-byte auth */
	char off[] = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
	off[80] = off[80] == 'A' ? 'B' : 'A'; /* y changed: not on the curve */
	const char *why = SUB("https://fcm.googleapis.com/x", off, rfc_auth, "en");
	assert_non_null(why);
	assert_non_null(strstr(why, "curve"));
	char *longep = arena_alloc(&a, 1100);
	memset(longep, 'a', 1099);
	longep[1099] = '\0';
	memcpy(longep, "https://fcm.googleapis.com/", 27);
	assert_non_null(SUB(longep, rfc_ua_public, rfc_auth, "en"));
	assert_non_null(parse(&a, "[1,2]", &s));
	assert_non_null(parse(&a, "{\"endpoint\":\"https://fcm.googleapis.com/x\",\"edition\":\"en\"}", &s));
	assert_non_null(parse(&a, "not json", &s));
	/* unsubscribing: the endpoint alone */
	const char *u = "{\"endpoint\":\"https://fcm.googleapis.com/fcm/send/x1\"}";
	assert_null(webpush_sub_parse(&a, u, strlen(u), hosts, "", 0, &s));
	assert_true(webpush_host_allowed("a.b *.c.d", "x.c.d"));
	assert_false(webpush_host_allowed("a.b *.c.d", "c.d"));
	assert_false(webpush_host_allowed("a.b *.c.d", "xa.b"));
	assert_false(webpush_host_allowed("", "a.b"));
#undef SUB
	arena_free(&a);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8291_example), cmocka_unit_test(test_round_trip), cmocka_unit_test(test_points),
		cmocka_unit_test(test_vapid),		cmocka_unit_test(test_subscription),
	};
	return cmocka_run_group_tests_name("webpush", tests, NULL, NULL);
}
