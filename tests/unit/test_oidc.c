/* test_oidc.c - the pure parts of OpenID Connect sign-in (oidc.c): base64url, PKCE, provider addresses,
 * the discovery document, JWKS keys, the token reply, and ID tokens signed here with OpenSSL (RS256 and
 * ES256) that are accepted, then tampered with (signature, issuer, audience, nonce, times, algorithm,
 * key) and refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include "arena.h"
#include "auth.h"
#include "oidc.h"

#define ISS "https://id.example.com"
#define CLIENT "broadsheet"
#define NOW 1800000000LL

/* The keys the tests sign with: RSA and P-256, and a second RSA key that is not in the JWKS. */
static EVP_PKEY *rsa_key, *ec_key, *rogue_key;

static int setup(void **state)
{
	(void)state;
	auth_init();
	rsa_key = EVP_RSA_gen(2048);
	rogue_key = EVP_RSA_gen(2048);
	ec_key = EVP_EC_gen("P-256");
	return rsa_key && rogue_key && ec_key ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(rsa_key);
	EVP_PKEY_free(rogue_key);
	EVP_PKEY_free(ec_key);
	return 0;
}

/* b64_bn: a key parameter (a big number) as base64url of its big-endian bytes, in the arena. */
static char *b64_bn(struct arena *a, const EVP_PKEY *k, const char *param, int width)
{
	BIGNUM *bn = NULL;
	assert_int_equal(EVP_PKEY_get_bn_param(k, param, &bn), 1);
	unsigned char buf[1024];
	int n = width ? BN_bn2binpad(bn, buf, width) : BN_bn2bin(bn, buf);
	BN_free(bn);
	return oidc_b64url_encode(a, buf, (size_t)n);
}

/* jwk_text: the public JWK of k with kid (and extra members, JSON text without braces, or ""). */
static char *jwk_text(struct arena *a, const EVP_PKEY *k, const char *kid, const char *extra)
{
	if (EVP_PKEY_is_a(k, "RSA"))
		return arena_printf(a, "{\"kty\":\"RSA\",\"kid\":\"%s\",\"n\":\"%s\",\"e\":\"%s\"%s%s}", kid,
				    b64_bn(a, k, OSSL_PKEY_PARAM_RSA_N, 0), b64_bn(a, k, OSSL_PKEY_PARAM_RSA_E, 0),
				    *extra ? "," : "", extra);
	return arena_printf(a, "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"%s\",\"x\":\"%s\",\"y\":\"%s\"%s%s}", kid,
			    b64_bn(a, k, OSSL_PKEY_PARAM_EC_PUB_X, 32), b64_bn(a, k, OSSL_PKEY_PARAM_EC_PUB_Y, 32),
			    *extra ? "," : "", extra);
}

/* the JWKS every verify test uses: rsa_key as "r1", ec_key as "e1" */
static void load_keys(struct arena *a, struct oidc_jwks *ks)
{
	const char *text = arena_printf(a, "{\"keys\":[%s,%s]}", jwk_text(a, rsa_key, "r1", "\"use\":\"sig\",\"alg\":\"RS256\""),
					jwk_text(a, ec_key, "e1", ""));
	assert_int_equal(oidc_jwks_parse(text, strlen(text), ks), 2);
}

/* sign: header.payload signed with k (SHA-256; ES256 as r || s), as a compact JWS in the arena. */
static char *sign(struct arena *a, const char *header, const char *payload, EVP_PKEY *k)
{
	const char *input = arena_printf(a, "%s.%s", oidc_b64url_encode(a, (const unsigned char *)header, strlen(header)),
					 oidc_b64url_encode(a, (const unsigned char *)payload, strlen(payload)));
	unsigned char sig[1024];
	size_t n = sizeof sig;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k), 1);
	assert_int_equal(EVP_DigestSign(ctx, sig, &n, (const unsigned char *)input, strlen(input)), 1);
	EVP_MD_CTX_free(ctx);
	if (EVP_PKEY_is_a(k, "EC")) {
		const unsigned char *p = sig;
		ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)n);
		assert_non_null(s);
		BN_bn2binpad(ECDSA_SIG_get0_r(s), sig, 32);
		BN_bn2binpad(ECDSA_SIG_get0_s(s), sig + 32, 32);
		ECDSA_SIG_free(s);
		n = 64;
	}
	return arena_printf(a, "%s.%s", input, oidc_b64url_encode(a, sig, n));
}

/* payload: the claims of a good token, with one member's JSON replaced (name, value) or added; value
 * NULL drops the member. */
static char *payload(struct arena *a, const char *name, const char *value)
{
	const char *members[][2] = {{"iss", "\"" ISS "\""},
				    {"sub", "\"248289761001\""},
				    {"aud", "\"" CLIENT "\""},
				    {"exp", "1800000600"},
				    {"iat", "1800000000"},
				    {"nonce", "\"n-0S6_WzA2Mj\""},
				    {"email", "\"Ana@Example.com\""},
				    {"email_verified", "true"}};
	char *out = arena_strdup(a, "{");
	int replaced = 0;
	for (size_t i = 0; i < sizeof members / sizeof members[0]; i++) {
		const char *v = members[i][1];
		if (name && strcmp(name, members[i][0]) == 0) {
			replaced = 1;
			v = value;
		}
		if (v)
			out = arena_printf(a, "%s%s\"%s\":%s", out, strlen(out) > 1 ? "," : "", members[i][0], v);
	}
	if (name && !replaced && value)
		out = arena_printf(a, "%s,\"%s\":%s", out, name, value);
	return arena_printf(a, "%s}", out);
}

static const struct oidc_expect expect = {ISS, CLIENT, "n-0S6_WzA2Mj", NOW};

/* verdict: what oidc_id_token_verify says of token with the test keys. */
static enum oidc_verdict verdict(struct arena *a, const char *token, struct oidc_claims *c)
{
	struct oidc_jwks ks;
	load_keys(a, &ks);
	enum oidc_verdict v = oidc_id_token_verify(a, token, &ks, &expect, c);
	oidc_jwks_free(&ks);
	return v;
}

#define RS "{\"alg\":\"RS256\",\"kid\":\"r1\",\"typ\":\"JWT\"}"
#define ES "{\"alg\":\"ES256\",\"kid\":\"e1\"}"

static void test_base64url(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	size_t n;
	const unsigned char *d = oidc_b64url_decode(&a, "aGVsbG8_Pz8-Pj4", 15, &n);
	assert_non_null(d);
	assert_int_equal(n, 11);
	assert_memory_equal(d, "hello\?\?\?>>>", 11);
	assert_string_equal(oidc_b64url_encode(&a, (const unsigned char *)"hello\?\?\?>>>", 11), "aGVsbG8_Pz8-Pj4");
	assert_null(oidc_b64url_decode(&a, "aGVsbG8=", 8, &n)); /* padding */
	assert_null(oidc_b64url_decode(&a, "aGVs+G8", 7, &n));  /* the other alphabet */
	assert_null(oidc_b64url_decode(&a, "aGVsb", 5, &n));    /* 4k+1 characters */
	assert_null(oidc_b64url_decode(&a, "QR", 2, &n));       /* unused bits set: "QQ" is the only "A" */
	assert_non_null(oidc_b64url_decode(&a, "QQ", 2, &n));
	assert_null(oidc_b64url_decode(&a, "aG Vs", 5, &n));
	assert_null(oidc_b64url_decode(&a, "TG\xbesbG7_Pz8-Pj4", 15, &n)); /* libsodium alone took the 0xbe (fuzz) */
	assert_null(oidc_b64url_decode(&a, "aGVs\0G8", 7, &n));
	assert_non_null(oidc_b64url_decode(&a, "", 0, &n));
	assert_int_equal(n, 0);
	arena_free(&a);
}

/* RFC 7636 appendix B's example, and fresh verifiers */
static void test_pkce(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	assert_string_equal(oidc_pkce_challenge(&a, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
			    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
	char v1[OIDC_VERIFIER_LEN], v2[OIDC_VERIFIER_LEN];
	oidc_pkce_verifier(v1);
	oidc_pkce_verifier(v2);
	assert_int_equal(strlen(v1), 43);
	assert_int_equal(strspn(v1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
	assert_string_not_equal(v1, v2);
	arena_free(&a);
}

static void test_url_problem(void **state)
{
	(void)state;
	assert_null(oidc_url_problem("https://id.example.com"));
	assert_null(oidc_url_problem("https://id.example.com/realms/news/"));
	assert_null(oidc_url_problem("http://127.0.0.1:9000/oidc"));
	assert_null(oidc_url_problem("http://localhost:9000"));
	assert_null(oidc_url_problem("http://[::1]:9000/"));
	assert_non_null(oidc_url_problem("http://id.example.com/"));  /* plain http off loopback */
	assert_non_null(oidc_url_problem("http://10.0.0.1/"));
	assert_non_null(oidc_url_problem("ftp://id.example.com/"));
	assert_non_null(oidc_url_problem("https://user:pw@id.example.com/"));
	assert_non_null(oidc_url_problem("https://id.example.com/#x"));
	assert_non_null(oidc_url_problem("https://id.example.com/a b"));
	assert_non_null(oidc_url_problem("https://"));
	assert_non_null(oidc_url_problem(""));
	assert_non_null(oidc_url_problem(NULL));
}

#define DOC(iss, extra)                                                                                     \
	"{\"issuer\":\"" iss "\",\"authorization_endpoint\":\"https://id.example.com/auth\","              \
	"\"token_endpoint\":\"https://id.example.com/token\",\"jwks_uri\":\"https://id.example.com/jwks\"" extra "}"

static void test_discovery(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct oidc_provider p;
	const char *doc = DOC(ISS, ",\"response_types_supported\":[\"code\",\"id_token\"],"
				   "\"code_challenge_methods_supported\":[\"S256\"],"
				   "\"token_endpoint_auth_methods_supported\":[\"client_secret_post\",\"client_secret_basic\"]");
	assert_null(oidc_discovery_parse(&a, doc, strlen(doc), ISS, &p));
	assert_string_equal(p.issuer, ISS);
	assert_string_equal(p.authorization_endpoint, "https://id.example.com/auth");
	assert_string_equal(p.token_endpoint, "https://id.example.com/token");
	assert_string_equal(p.jwks_uri, "https://id.example.com/jwks");
	assert_int_equal(p.client_secret_post, 0); /* basic when offered */
	assert_null(p.userinfo_endpoint);
	doc = DOC(ISS, ",\"userinfo_endpoint\":\"https://id.example.com/me\"");
	assert_null(oidc_discovery_parse(&a, doc, strlen(doc), ISS, &p));
	assert_string_equal(p.userinfo_endpoint, "https://id.example.com/me");
	doc = DOC(ISS, ",\"userinfo_endpoint\":\"http://id.example.com/me\"");
	assert_non_null(oidc_discovery_parse(&a, doc, strlen(doc), ISS, &p));
	doc = DOC(ISS, ",\"token_endpoint_auth_methods_supported\":[\"client_secret_post\",\"private_key_jwt\"]");
	assert_null(oidc_discovery_parse(&a, doc, strlen(doc), ISS, &p));
	assert_int_equal(p.client_secret_post, 1);
	doc = DOC(ISS, "");
	assert_null(oidc_discovery_parse(&a, doc, strlen(doc), ISS, &p));
	assert_int_equal(p.client_secret_post, 0); /* the default */
	/* the issuer must be equal, not similar */
	doc = DOC(ISS "/", "");
	assert_non_null(oidc_discovery_parse(&a, doc, strlen(doc), ISS, &p));
	doc = DOC("https://evil.example.com", "");
	assert_non_null(oidc_discovery_parse(&a, doc, strlen(doc), ISS, &p));
	const char *refused[] = {
		DOC(ISS, ",\"token_endpoint_auth_methods_supported\":[\"private_key_jwt\"]"),
		DOC(ISS, ",\"code_challenge_methods_supported\":[\"plain\"]"),
		DOC(ISS, ",\"response_types_supported\":[\"id_token\"]"),
		"{\"issuer\":\"" ISS "\",\"authorization_endpoint\":\"https://id.example.com/auth\",\"jwks_uri\":\"https://id.example.com/jwks\"}",
		"{\"issuer\":\"" ISS "\",\"authorization_endpoint\":\"http://id.example.com/auth\",\"token_endpoint\":\"https://id.example.com/token\",\"jwks_uri\":\"https://id.example.com/jwks\"}",
		"{\"issuer\":\"" ISS "\",\"issuer\":\"" ISS "\"}", /* duplicate members */
		"[]", "", "{", "null"};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		assert_non_null(oidc_discovery_parse(&a, refused[i], strlen(refused[i]), ISS, &p));
	arena_free(&a);
}

static void test_jwks(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct oidc_jwks ks;
	EVP_PKEY *small = EVP_RSA_gen(1024);
	assert_non_null(small);
	/* usable: an RSA and an EC key; skipped: an encryption key, an HMAC key, a private key, a 1024-bit
	 * key, an EC key whose point is not on the curve, an RSA key labelled ES256, a kid that is no string */
	const char *off_curve = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"bad\",\"x\":\"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
				"\"y\":\"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}";
	const char *text = arena_printf(
		&a, "{\"keys\":[%s,%s,%s,{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"c2VjcmV0\"},%s,%s,%s,%s,%s]}",
		jwk_text(&a, rsa_key, "r1", ""), jwk_text(&a, ec_key, "e1", "\"use\":\"sig\""),
		jwk_text(&a, rsa_key, "enc", "\"use\":\"enc\""), jwk_text(&a, rsa_key, "priv", "\"d\":\"AQAB\""),
		jwk_text(&a, small, "small", ""), off_curve, jwk_text(&a, rsa_key, "mislabelled", "\"alg\":\"ES256\""),
		"{\"kty\":\"RSA\",\"kid\":7,\"n\":\"AQAB\",\"e\":\"AQAB\"}");
	assert_int_equal(oidc_jwks_parse(text, strlen(text), &ks), 2);
	assert_string_equal(ks.keys[0].kid, "r1");
	assert_int_equal(ks.keys[0].alg, OIDC_ALG_RS256);
	assert_string_equal(ks.keys[1].kid, "e1");
	assert_int_equal(ks.keys[1].alg, OIDC_ALG_ES256);
	oidc_jwks_free(&ks);
	assert_int_equal(ks.n, 0);
	assert_int_equal(oidc_jwks_parse("{\"keys\":[]}", 11, &ks), 0);
	assert_int_equal(oidc_jwks_parse("{\"kty\":\"RSA\"}", 13, &ks), -1);
	assert_int_equal(oidc_jwks_parse("not json", 8, &ks), -1);
	EVP_PKEY_free(small);
	arena_free(&a);
}

static void test_token_reply(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	const char *err, *access;
	const char *ok = "{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"id_token\":\"a.b.c\"}";
	assert_string_equal(oidc_token_reply_parse(&a, ok, strlen(ok), &access, &err), "a.b.c");
	assert_null(err);
	assert_string_equal(access, "x");
	const char *bad = "{\"error\":\"invalid_grant\",\"error_description\":\"grant request is invalid\"}";
	assert_null(oidc_token_reply_parse(&a, bad, strlen(bad), &access, &err));
	assert_string_equal(err, "invalid_grant");
	const char *odd = "{\"error\":\"<script>\"}";
	assert_null(oidc_token_reply_parse(&a, odd, strlen(odd), &access, &err));
	assert_string_equal(err, "unreadable error");
	assert_null(oidc_token_reply_parse(&a, "{\"access_token\":\"x\"}", 20, &access, &err));
	assert_string_equal(err, "no id_token");
	assert_null(oidc_token_reply_parse(&a, "<html>", 6, &access, &err));
	assert_string_equal(err, "unreadable reply");
	arena_free(&a);
}

/* the userinfo reply gives the e-mail only for the ID token's subject */
static void test_userinfo(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct oidc_claims c = {.sub = "248289761001"};
	const char *good = "{\"sub\":\"248289761001\",\"email\":\"ana@example.com\",\"email_verified\":true}";
	assert_null(oidc_userinfo_email(&a, good, strlen(good), &c));
	assert_string_equal(c.email, "ana@example.com");
	assert_int_equal(c.email_verified, 1);
	struct oidc_claims d = {.sub = "248289761001"};
	const char *other = "{\"sub\":\"someone-else\",\"email\":\"boss@example.com\",\"email_verified\":true}";
	assert_non_null(oidc_userinfo_email(&a, other, strlen(other), &d));
	assert_null(d.email);
	const char *unverified = "{\"sub\":\"248289761001\",\"email\":\"ana@example.com\",\"email_verified\":\"true\"}";
	assert_null(oidc_userinfo_email(&a, unverified, strlen(unverified), &d));
	assert_int_equal(d.email_verified, 0);
	assert_non_null(oidc_userinfo_email(&a, "{\"sub\":\"248289761001\",\"email\":1}", 34, &d));
	assert_non_null(oidc_userinfo_email(&a, "eyJhbGciOi.x.y", 14, &d)); /* a signed reply: not read */
	const char *none = "{\"sub\":\"248289761001\"}";
	struct oidc_claims e = {.sub = "248289761001"};
	assert_null(oidc_userinfo_email(&a, none, strlen(none), &e));
	assert_null(e.email);
	arena_free(&a);
}

/* good tokens of both algorithms are accepted and their claims read */
static void test_verify_good(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct oidc_claims c;
	assert_int_equal(verdict(&a, sign(&a, RS, payload(&a, NULL, NULL), rsa_key), &c), OIDC_OK);
	assert_string_equal(c.sub, "248289761001");
	assert_string_equal(c.email, "Ana@Example.com");
	assert_int_equal(c.email_verified, 1);
	assert_int_equal(c.exp, 1800000600);
	assert_int_equal(verdict(&a, sign(&a, ES, payload(&a, NULL, NULL), ec_key), &c), OIDC_OK);
	/* no kid: the only key for the algorithm */
	assert_int_equal(verdict(&a, sign(&a, "{\"alg\":\"ES256\"}", payload(&a, NULL, NULL), ec_key), &c), OIDC_OK);
	/* aud as a list holding the client, with azp naming it; a one-element list needs no azp */
	assert_int_equal(verdict(&a, sign(&a, RS, payload(&a, "aud", "[\"" CLIENT "\"]"), rsa_key), &c), OIDC_OK);
	char *p = payload(&a, "aud", "[\"" CLIENT "\",\"other\"]");
	p[strlen(p) - 1] = '\0';
	assert_int_equal(verdict(&a, sign(&a, RS, arena_printf(&a, "%s,\"azp\":\"" CLIENT "\"}", p), rsa_key), &c), OIDC_OK);
	/* an expiry within the allowed skew; email_verified only for JSON true */
	assert_int_equal(verdict(&a, sign(&a, RS, payload(&a, "exp", "1799999990"), rsa_key), &c), OIDC_OK);
	assert_int_equal(verdict(&a, sign(&a, RS, payload(&a, "email_verified", "\"true\""), rsa_key), &c), OIDC_OK);
	assert_int_equal(c.email_verified, 0);
	assert_int_equal(verdict(&a, sign(&a, RS, payload(&a, "email", NULL), rsa_key), &c), OIDC_OK);
	assert_null(c.email);
	arena_free(&a);
}

/* flip: a copy of token with one character of its signature changed */
static char *flip(struct arena *a, const char *token)
{
	char *t = arena_strdup(a, token);
	char *sig = strrchr(t, '.') + 5;
	*sig = *sig == 'A' ? 'B' : 'A';
	return t;
}

/* swap_payload: token's header and signature around another payload (as an attacker edits claims) */
static char *swap_payload(struct arena *a, const char *token, const char *claims)
{
	const char *d1 = strchr(token, '.'), *d2 = strrchr(token, '.');
	return arena_printf(a, "%.*s.%s%s", (int)(d1 - token), token,
			    oidc_b64url_encode(a, (const unsigned char *)claims, strlen(claims)), d2);
}

static void test_verify_tampered(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct oidc_claims c;
	const char *good = sign(&a, RS, payload(&a, NULL, NULL), rsa_key);
	assert_int_equal(verdict(&a, flip(&a, good), &c), OIDC_BAD_SIGNATURE);
	assert_int_equal(verdict(&a, flip(&a, sign(&a, ES, payload(&a, NULL, NULL), ec_key)), &c), OIDC_BAD_SIGNATURE);
	assert_int_equal(verdict(&a, swap_payload(&a, good, payload(&a, "email", "\"boss@example.com\"")), &c),
			 OIDC_BAD_SIGNATURE);
	/* signed by a key the provider does not have, under its kid */
	assert_int_equal(verdict(&a, sign(&a, RS, payload(&a, NULL, NULL), rogue_key), &c), OIDC_BAD_SIGNATURE);
	assert_int_equal(verdict(&a, sign(&a, "{\"alg\":\"RS256\",\"kid\":\"r9\"}", payload(&a, NULL, NULL), rogue_key), &c),
			 OIDC_UNKNOWN_KEY);
	/* an ES256 header over an RSA key's kid */
	assert_int_equal(verdict(&a, sign(&a, "{\"alg\":\"ES256\",\"kid\":\"r1\"}", payload(&a, NULL, NULL), ec_key), &c),
			 OIDC_UNKNOWN_KEY);
	/* the claims, each signed properly */
	struct {
		const char *name, *value;
		enum oidc_verdict want;
	} cases[] = {
		{"iss", "\"https://evil.example.com\"", OIDC_BAD_ISSUER},
		{"iss", "\"" ISS "/\"", OIDC_BAD_ISSUER},
		{"iss", NULL, OIDC_BAD_ISSUER},
		{"aud", "\"other\"", OIDC_BAD_AUDIENCE},
		{"aud", "[\"other\"]", OIDC_BAD_AUDIENCE},
		{"aud", "[\"" CLIENT "\",\"other\"]", OIDC_BAD_AUDIENCE}, /* several, and no azp */
		{"azp", "\"other\"", OIDC_BAD_AUDIENCE},
		{"aud", NULL, OIDC_BAD_AUDIENCE},
		{"nonce", "\"another\"", OIDC_BAD_NONCE},
		{"nonce", NULL, OIDC_BAD_NONCE},
		{"exp", "1799999000", OIDC_EXPIRED},
		{"exp", NULL, OIDC_EXPIRED},
		{"exp", "\"1800000600\"", OIDC_MALFORMED},
		{"iat", "1800001000", OIDC_NOT_YET},
		{"nbf", "1800001000", OIDC_NOT_YET},
		{"sub", NULL, OIDC_MALFORMED},
		{"email", "7", OIDC_MALFORMED},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum oidc_verdict v = verdict(&a, sign(&a, RS, payload(&a, cases[i].name, cases[i].value), rsa_key), &c);
		if (v != cases[i].want)
			fail_msg("%s=%s: %s, expected %s", cases[i].name, cases[i].value ? cases[i].value : "(none)",
				 oidc_verdict_name(v), oidc_verdict_name(cases[i].want));
	}
	arena_free(&a);
}

/* hs256: a token MACed with HMAC-SHA256 keyed with key (the classic confusion: the RSA public key as the
 * HMAC secret) */
static char *hs256(struct arena *a, const char *claims, const char *key)
{
	const char *header = "{\"alg\":\"HS256\",\"kid\":\"r1\"}";
	const char *input = arena_printf(a, "%s.%s", oidc_b64url_encode(a, (const unsigned char *)header, strlen(header)),
					 oidc_b64url_encode(a, (const unsigned char *)claims, strlen(claims)));
	unsigned char mac[32];
	unsigned int n = sizeof mac;
	HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)input, strlen(input), mac, &n);
	return arena_printf(a, "%s.%s", input, oidc_b64url_encode(a, mac, n));
}

static void test_verify_alg_and_form(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct oidc_claims c;
	const char *claims = payload(&a, NULL, NULL);
	const char *body = oidc_b64url_encode(&a, (const unsigned char *)claims, strlen(claims));
	const char *none = oidc_b64url_encode(&a, (const unsigned char *)"{\"alg\":\"none\"}", 14);
	assert_int_equal(verdict(&a, arena_printf(&a, "%s.%s.", none, body), &c), OIDC_MALFORMED);
	assert_int_equal(verdict(&a, arena_printf(&a, "%s.%s.AAAA", none, body), &c), OIDC_BAD_ALG);
	assert_int_equal(verdict(&a, hs256(&a, claims, jwk_text(&a, rsa_key, "r1", "")), &c), OIDC_BAD_ALG);
	assert_int_equal(verdict(&a, sign(&a, "{\"alg\":\"RS512\",\"kid\":\"r1\"}", claims, rsa_key), &c), OIDC_BAD_ALG);
	assert_int_equal(verdict(&a, sign(&a, "{\"alg\":\"RS256\",\"kid\":\"r1\",\"typ\":\"at+jwt\"}", claims, rsa_key), &c),
			 OIDC_BAD_ALG);
	assert_int_equal(verdict(&a, sign(&a, "{\"alg\":\"RS256\",\"kid\":\"r1\",\"crit\":[\"exp\"]}", claims, rsa_key), &c),
			 OIDC_BAD_ALG);
	assert_int_equal(verdict(&a, sign(&a, "{\"kid\":\"r1\"}", claims, rsa_key), &c), OIDC_BAD_ALG);
	/* not a JWS: parts, encodings, JSON, duplicate claims */
	const char *good = sign(&a, RS, claims, rsa_key);
	assert_int_equal(verdict(&a, arena_printf(&a, "%s.x", good), &c), OIDC_MALFORMED);
	assert_int_equal(verdict(&a, strchr(good, '.') + 1, &c), OIDC_MALFORMED);
	assert_int_equal(verdict(&a, "", &c), OIDC_MALFORMED);
	assert_int_equal(verdict(&a, "..", &c), OIDC_MALFORMED);
	assert_int_equal(verdict(&a, arena_printf(&a, "%s=", good), &c), OIDC_MALFORMED);
	assert_int_equal(verdict(&a, sign(&a, RS, "[1,2]", rsa_key), &c), OIDC_MALFORMED);
	char *dup = payload(&a, NULL, NULL);
	dup[strlen(dup) - 1] = '\0';
	assert_int_equal(verdict(&a, sign(&a, RS, arena_printf(&a, "%s,\"email\":\"boss@example.com\"}", dup), rsa_key), &c),
			 OIDC_MALFORMED);
	/* the kid is read before verifying */
	assert_string_equal(oidc_token_kid(&a, good), "r1");
	assert_string_equal(oidc_token_kid(&a, sign(&a, "{\"alg\":\"RS256\"}", claims, rsa_key)), "");
	assert_null(oidc_token_kid(&a, "nonsense"));
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64url),    cmocka_unit_test(test_pkce),         cmocka_unit_test(test_url_problem),
		cmocka_unit_test(test_discovery),    cmocka_unit_test(test_jwks),         cmocka_unit_test(test_token_reply),
		cmocka_unit_test(test_userinfo),
		cmocka_unit_test(test_verify_good),  cmocka_unit_test(test_verify_tampered),
		cmocka_unit_test(test_verify_alg_and_form),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
