/* oidc.c - the pure parts of OpenID Connect sign-in (see oidc.h). JSON with jansson (duplicate members
 * refused, so no two parsers can read one token two ways), base64url and SHA-256 with libsodium,
 * signatures with OpenSSL's libcrypto. */
#include "oidc.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "escape.h"
#include "util.h"

#define B64URL sodium_base64_VARIANT_URLSAFE_NO_PADDING

enum oidc_alg oidc_alg_named(const char *name)
{
	if (name && strcmp(name, "RS256") == 0)
		return OIDC_ALG_RS256;
	if (name && strcmp(name, "ES256") == 0)
		return OIDC_ALG_ES256;
	return OIDC_ALG_NONE;
}

unsigned char *oidc_b64url_decode(struct arena *a, const char *in, size_t len, size_t *out_len)
{
	/* the alphabet is checked here first: libsodium's decoder took some bytes above 0x7f for letters
	 * (fuzz/regression/oidc/high-byte), so two texts could decode to one token */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return NULL;
	}
	size_t cap = len / 4 * 3 + 3;
	unsigned char *out = arena_alloc(a, cap + 1);
	size_t n = 0;
	/* no ignore set and no end pointer: padding, a length of 4k+1 or non-zero unused bits fail the
	 * whole decoding */
	if (sodium_base642bin(out, cap, in, len, NULL, &n, NULL, B64URL) != 0)
		return NULL;
	out[n] = '\0';
	*out_len = n;
	return out;
}

char *oidc_b64url_encode(struct arena *a, const unsigned char *in, size_t len)
{
	size_t cap = sodium_base64_ENCODED_LEN(len, B64URL);
	char *out = arena_alloc(a, cap);
	sodium_bin2base64(out, cap, in, len, B64URL);
	return out;
}

void oidc_pkce_verifier(char out[OIDC_VERIFIER_LEN])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, OIDC_VERIFIER_LEN, raw, sizeof raw, B64URL);
}

char *oidc_pkce_challenge(struct arena *a, const char *verifier)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)verifier, strlen(verifier));
	return oidc_b64url_encode(a, h, sizeof h);
}

/* loopback_host: whether host (as libcurl gives it: IPv6 in brackets) is a loopback address or
 * "localhost". */
static int loopback_host(const char *host)
{
	struct in_addr v4;
	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0)
		return 1;
	return inet_pton(AF_INET, host, &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

const char *oidc_url_problem(const char *url)
{
	if (!url || !*url)
		return "the address is empty";
	if (strlen(url) > 1000)
		return "the address is too long (at most 1000 bytes)";
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return "the address contains a space or a control character";
	int https = strncmp(url, "https://", 8) == 0;
	if (!https && strncmp(url, "http://", 7) != 0)
		return "the address must start with https:// (or http:// for a provider on this machine's loopback)";
	CURLU *u = curl_url();
	char *host = NULL, *user = NULL, *password = NULL, *fragment = NULL;
	const char *problem = NULL;
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host || !*host)
		problem = "the address is not a valid URL with a host";
	else if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
		 curl_url_get(u, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK)
		problem = "the address must not contain a user name or password";
	else if (curl_url_get(u, CURLUPART_FRAGMENT, &fragment, 0) == CURLUE_OK)
		problem = "the address must not contain a fragment (#...)";
	else if (!https && !loopback_host(host))
		problem = "http:// is allowed only for a provider on loopback (127.0.0.1, [::1], localhost); use https://";
	curl_free(host);
	curl_free(user);
	curl_free(password);
	curl_free(fragment);
	curl_url_cleanup(u);
	return problem;
}

/* json_load_object: text[0..len) as a JSON object (duplicate members refused), or NULL. Caller decrefs. */
static json_t *json_load_object(const char *text, size_t len)
{
	json_error_t err;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

/* array_has: whether the JSON array arr holds the string s. */
static int array_has(const json_t *arr, const char *s)
{
	size_t i;
	const json_t *v;
	json_array_foreach(arr, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

/* endpoint: the member name of doc as an arena copy into *out when it is an acceptable provider URL.
 * Returns NULL, or why not (static). */
static const char *endpoint(struct arena *a, const json_t *doc, const char *name, const char **out)
{
	const char *v = json_string_value(json_object_get(doc, name));
	if (!v)
		return "the discovery document lacks an endpoint (authorization_endpoint, token_endpoint or jwks_uri)";
	if (oidc_url_problem(v))
		return "an endpoint of the discovery document is not an acceptable address (https://, or http:// on "
		       "loopback)";
	*out = arena_strdup(a, v);
	return NULL;
}

/* discovery_methods: what the document's supported lists require: a response_types_supported that offers
 * "code", a code_challenge_methods_supported (when present) that offers "S256", and a client authentication
 * we can do (sets out->client_secret_post). Returns NULL or why not (static). */
static const char *discovery_methods(const json_t *doc, struct oidc_provider *out)
{
	const json_t *types = json_object_get(doc, "response_types_supported");
	if (types && (!json_is_array(types) || !array_has(types, "code")))
		return "the provider does not offer the authorization code flow (response_types_supported lacks \"code\")";
	const json_t *pkce = json_object_get(doc, "code_challenge_methods_supported");
	if (pkce && (!json_is_array(pkce) || !array_has(pkce, "S256")))
		return "the provider does not offer PKCE with S256 (code_challenge_methods_supported)";
	const json_t *auth = json_object_get(doc, "token_endpoint_auth_methods_supported");
	out->client_secret_post = 0; /* the default (OpenID Connect Discovery 1.0, section 3) */
	if (auth && !json_is_array(auth))
		return "token_endpoint_auth_methods_supported is not a list";
	if (auth && !array_has(auth, "client_secret_basic")) {
		if (!array_has(auth, "client_secret_post"))
			return "the provider offers neither client_secret_basic nor client_secret_post";
		out->client_secret_post = 1;
	}
	return NULL;
}

const char *oidc_discovery_parse(struct arena *a, const char *text, size_t len, const char *issuer,
				 struct oidc_provider *out)
{
	json_t *doc = json_load_object(text, len);
	if (!doc)
		return "the discovery document is not a JSON object";
	const char *iss = json_string_value(json_object_get(doc, "issuer"));
	const char *why = NULL;
	memset(out, 0, sizeof *out);
	if (!iss || strcmp(iss, issuer) != 0)
		why = "the discovery document's issuer is not the configured oidc_issuer (they must be equal)";
	if (!why)
		why = endpoint(a, doc, "authorization_endpoint", &out->authorization_endpoint);
	if (!why)
		why = endpoint(a, doc, "token_endpoint", &out->token_endpoint);
	if (!why)
		why = endpoint(a, doc, "jwks_uri", &out->jwks_uri);
	if (!why && json_object_get(doc, "userinfo_endpoint"))
		why = endpoint(a, doc, "userinfo_endpoint", &out->userinfo_endpoint);
	if (!why)
		why = discovery_methods(doc, out);
	if (!why)
		out->issuer = arena_strdup(a, iss);
	json_decref(doc);
	return why;
}

/* member_bytes: the base64url member name of jwk decoded (in the arena) into *len, or NULL. */
static const unsigned char *member_bytes(struct arena *a, const json_t *jwk, const char *name, size_t *len)
{
	const char *s = json_string_value(json_object_get(jwk, name));
	return s ? oidc_b64url_decode(a, s, strlen(s), len) : NULL;
}

/* pkey_from_params: a public key of type ("RSA" or "EC") built from the parameters in bld, checked with
 * OpenSSL's public-key check; NULL when it cannot be made or fails the check. Frees bld. */
static EVP_PKEY *pkey_from_params(const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *pkey = NULL;
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	if (pkey) {
		EVP_PKEY_CTX *check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
		if (!check || EVP_PKEY_public_check(check) != 1) {
			EVP_PKEY_free(pkey);
			pkey = NULL;
		}
		EVP_PKEY_CTX_free(check);
	}
	return pkey;
}

/* rsa_pkey: the RSA public key of jwk (n of 2048 to 8192 bits, e odd and at most 64 bits), or NULL. */
static EVP_PKEY *rsa_pkey(struct arena *a, const json_t *jwk)
{
	size_t nlen, elen;
	const unsigned char *n = member_bytes(a, jwk, "n", &nlen), *e = member_bytes(a, jwk, "e", &elen);
	if (!n || !e || elen == 0 || elen > 8 || !(e[elen - 1] & 1))
		return NULL;
	BIGNUM *bn = BN_bin2bn(n, (int)nlen, NULL), *be = BN_bin2bn(e, (int)elen, NULL);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *pkey = NULL;
	if (bn && be && bld && BN_num_bits(bn) >= 2048 && BN_num_bits(bn) <= 8192 && BN_cmp(be, BN_value_one()) > 0 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be)) {
		pkey = pkey_from_params("RSA", bld);
		bld = NULL;
	}
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return pkey;
}

/* ec_pkey: the P-256 public key of jwk (crv "P-256", x and y of 32 bytes each, on the curve), or NULL. */
static EVP_PKEY *ec_pkey(struct arena *a, const json_t *jwk)
{
	const char *crv = json_string_value(json_object_get(jwk, "crv"));
	size_t xlen, ylen;
	const unsigned char *x = member_bytes(a, jwk, "x", &xlen), *y = member_bytes(a, jwk, "y", &ylen);
	if (!crv || strcmp(crv, "P-256") != 0 || !x || !y || xlen != 32 || ylen != 32)
		return NULL;
	unsigned char point[65] = {0x04}; /* uncompressed: 04 || x || y */
	memcpy(point + 1, x, 32);
	memcpy(point + 33, y, 32);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point)) {
		OSSL_PARAM_BLD_free(bld);
		return NULL;
	}
	return pkey_from_params("EC", bld);
}

void *oidc_jwk_to_pkey(const void *jwk_in, enum oidc_alg *alg)
{
	const json_t *jwk = jwk_in;
	if (!json_is_object(jwk))
		return NULL;
	const char *kty = json_string_value(json_object_get(jwk, "kty"));
	const char *use = json_string_value(json_object_get(jwk, "use"));
	const json_t *named = json_object_get(jwk, "alg");
	enum oidc_alg want = kty && strcmp(kty, "RSA") == 0 ? OIDC_ALG_RS256
			     : kty && strcmp(kty, "EC") == 0 ? OIDC_ALG_ES256
							     : OIDC_ALG_NONE;
	if (want == OIDC_ALG_NONE || (json_object_get(jwk, "use") && (!use || strcmp(use, "sig") != 0)) ||
	    (named && oidc_alg_named(json_string_value(named)) != want) || json_object_get(jwk, "d"))
		return NULL; /* another kind of key, an encryption key, another algorithm, or a private key */
	struct arena a = ARENA_INIT;
	EVP_PKEY *pkey = want == OIDC_ALG_RS256 ? rsa_pkey(&a, jwk) : ec_pkey(&a, jwk);
	arena_free(&a);
	if (pkey)
		*alg = want;
	return pkey;
}

int oidc_jwks_parse(const char *text, size_t len, struct oidc_jwks *out)
{
	memset(out, 0, sizeof *out);
	json_t *doc = json_load_object(text, len);
	const json_t *keys = json_object_get(doc, "keys");
	if (!json_is_array(keys)) {
		json_decref(doc);
		return -1;
	}
	size_t i;
	const json_t *jwk;
	json_array_foreach(keys, i, jwk) {
		if (out->n == OIDC_JWKS_KEYS)
			break;
		const json_t *kid = json_object_get(jwk, "kid");
		if (kid && (!json_is_string(kid) || strlen(json_string_value(kid)) >= sizeof out->keys[0].kid))
			continue;
		enum oidc_alg alg = OIDC_ALG_NONE;
		void *pkey = oidc_jwk_to_pkey(jwk, &alg);
		if (!pkey)
			continue;
		struct oidc_jwk *k = &out->keys[out->n++];
		snprintf(k->kid, sizeof k->kid, "%s", kid ? json_string_value(kid) : "");
		k->alg = alg;
		k->pkey = pkey;
	}
	json_decref(doc);
	return (int)out->n;
}

void oidc_jwks_free(struct oidc_jwks *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		EVP_PKEY_free(ks->keys[i].pkey);
	memset(ks, 0, sizeof *ks);
}

const char *oidc_error_code(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64 || strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n)
		return NULL;
	return s;
}

void oidc_query_add(struct buf *b, const char *name, const char *value)
{
	if (b->len)
		buf_putc(b, '&');
	buf_append(b, name, strlen(name));
	buf_putc(b, '=');
	buf_url(b, value, strlen(value));
}

const char *oidc_token_reply_parse(struct arena *a, const char *text, size_t len, const char **access_token,
				   const char **error)
{
	json_t *doc = json_load_object(text, len);
	*error = NULL;
	*access_token = NULL;
	if (!doc) {
		*error = "unreadable reply";
		return NULL;
	}
	const char *tok = json_string_value(json_object_get(doc, "id_token"));
	const char *code = json_string_value(json_object_get(doc, "error"));
	const char *id_token = NULL;
	if (code)
		*error = arena_strdup(a, oidc_error_code(code) ? code : "unreadable error");
	else if (!tok || !*tok || strlen(tok) > OIDC_TOKEN_MAX)
		*error = "no id_token";
	else
		id_token = arena_strdup(a, tok);
	const char *access = json_string_value(json_object_get(doc, "access_token"));
	if (id_token && access && *access && strlen(access) <= OIDC_TOKEN_MAX)
		*access_token = arena_strdup(a, access);
	json_decref(doc);
	return id_token;
}

const char *oidc_userinfo_email(struct arena *a, const char *text, size_t len, struct oidc_claims *c)
{
	json_t *doc = json_load_object(text, len);
	if (!doc)
		return "the userinfo reply is not a JSON object";
	const char *sub = json_string_value(json_object_get(doc, "sub"));
	const json_t *email = json_object_get(doc, "email");
	const char *why = NULL;
	if (!sub || !c->sub || strcmp(sub, c->sub) != 0)
		why = "the userinfo reply's sub is not the ID token's";
	else if (email && !json_is_string(email))
		why = "the userinfo reply's email is not a string";
	else if (email) {
		c->email = arena_strdup(a, json_string_value(email));
		c->email_verified = json_is_true(json_object_get(doc, "email_verified"));
	}
	json_decref(doc);
	return why;
}

const char *oidc_verdict_name(enum oidc_verdict v)
{
	switch (v) {
	case OIDC_OK: return "ok";
	case OIDC_MALFORMED: return "malformed token";
	case OIDC_BAD_ALG: return "algorithm not allowed";
	case OIDC_UNKNOWN_KEY: return "unknown signing key";
	case OIDC_BAD_SIGNATURE: return "bad signature";
	case OIDC_BAD_ISSUER: return "wrong issuer";
	case OIDC_BAD_AUDIENCE: return "wrong audience";
	case OIDC_EXPIRED: return "expired";
	case OIDC_NOT_YET: return "not yet valid";
	case OIDC_BAD_NONCE: return "wrong nonce";
	}
	return "refused";
}

/* The three parts of a compact JWS: the signed text (header.payload), and each part decoded. */
struct jws {
	const char *signed_part;
	size_t signed_len;
	json_t *header, *payload; /* owned: jws_free */
	const unsigned char *sig;
	size_t sig_len;
};

/* jws_free: releases the JSON of j. */
static void jws_free(struct jws *j)
{
	json_decref(j->header);
	json_decref(j->payload);
	j->header = j->payload = NULL;
}

/* jws_split: token as three base64url parts whose first two are JSON objects, into j (payload NULL when
 * only the header is wanted: header_only). Returns 0, or -1 (j freed) when it is not. */
static int jws_split(struct arena *a, const char *token, struct jws *j, int header_only)
{
	memset(j, 0, sizeof *j);
	size_t len = token ? strlen(token) : 0;
	const char *d1 = len && len <= OIDC_TOKEN_MAX ? memchr(token, '.', len) : NULL;
	const char *d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token)) : NULL;
	if (!d2 || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - token)))
		return -1;
	size_t hlen, plen;
	const unsigned char *h = oidc_b64url_decode(a, token, (size_t)(d1 - token), &hlen);
	j->header = h ? json_load_object((const char *)h, hlen) : NULL;
	if (!j->header)
		return -1;
	if (header_only)
		return 0;
	const unsigned char *p = oidc_b64url_decode(a, d1 + 1, (size_t)(d2 - d1 - 1), &plen);
	j->payload = p ? json_load_object((const char *)p, plen) : NULL;
	j->sig = oidc_b64url_decode(a, d2 + 1, len - (size_t)(d2 + 1 - token), &j->sig_len);
	if (!j->payload || !j->sig || j->sig_len == 0) {
		jws_free(j);
		return -1;
	}
	j->signed_part = token;
	j->signed_len = (size_t)(d2 - token);
	return 0;
}

const char *oidc_token_kid(struct arena *a, const char *token)
{
	struct jws j;
	if (jws_split(a, token, &j, 1) < 0)
		return NULL;
	const json_t *kid = json_object_get(j.header, "kid");
	const char *out = json_is_string(kid) ? arena_strdup(a, json_string_value(kid)) : kid ? NULL : "";
	jws_free(&j);
	return out;
}

/* header_alg: the allowed algorithm of a JWS header (alg on the allow-list, no crit, typ absent or
 * "JWT"), else OIDC_ALG_NONE. */
static enum oidc_alg header_alg(const json_t *header)
{
	const json_t *typ = json_object_get(header, "typ");
	if (json_object_get(header, "crit") ||
	    (typ && (!json_is_string(typ) || strcasecmp(json_string_value(typ), "JWT") != 0)))
		return OIDC_ALG_NONE;
	return oidc_alg_named(json_string_value(json_object_get(header, "alg")));
}

/* find_key: the key of ks for alg that the header's kid names; without a kid, the only key for alg (none
 * when there are several). NULL when there is none. */
static const struct oidc_jwk *find_key(const struct oidc_jwks *ks, enum oidc_alg alg, const json_t *header)
{
	const json_t *kid = json_object_get(header, "kid");
	if (kid && !json_is_string(kid))
		return NULL;
	const struct oidc_jwk *found = NULL;
	for (size_t i = 0; i < ks->n; i++) {
		if (ks->keys[i].alg != alg)
			continue;
		if (kid && strcmp(ks->keys[i].kid, json_string_value(kid)) == 0)
			return &ks->keys[i];
		if (!kid) {
			if (found)
				return NULL; /* several candidates: the header must say which */
			found = &ks->keys[i];
		}
	}
	return found;
}

/* es256_der: the DER form OpenSSL verifies of a JWS ES256 signature (r || s, 32 bytes each), into *der
 * (OPENSSL_free it). Returns its length, or 0. */
static size_t es256_der(const unsigned char *sig, size_t len, unsigned char **der)
{
	*der = NULL;
	if (len != 64)
		return 0;
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 32, NULL), *sv = BN_bin2bn(sig + 32, 32, NULL);
	int n = 0;
	if (s && r && sv && ECDSA_SIG_set0(s, r, sv) == 1) {
		r = sv = NULL; /* the signature owns them now */
		n = i2d_ECDSA_SIG(s, der);
	}
	BN_free(r);
	BN_free(sv);
	ECDSA_SIG_free(s);
	return n > 0 ? (size_t)n : 0;
}

/* signature_ok: whether j's signature verifies with key (SHA-256; RSA PKCS #1 v1.5 or ECDSA P-256). */
static int signature_ok(const struct jws *j, const struct oidc_jwk *key)
{
	const unsigned char *sig = j->sig;
	size_t sig_len = j->sig_len;
	unsigned char *der = NULL;
	if (key->alg == OIDC_ALG_ES256) {
		sig_len = es256_der(j->sig, j->sig_len, &der);
		sig = der;
		if (!sig_len)
			return 0;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key->pkey) == 1 &&
		 EVP_DigestVerify(ctx, sig, sig_len, (const unsigned char *)j->signed_part, j->signed_len) == 1;
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	return ok;
}

/* time_claim: claim name of payload as seconds into *t: 1 when present and a number in range, 0 when
 * absent, -1 when present but not a number of seconds. */
static int time_claim(const json_t *payload, const char *name, int64_t *t)
{
	const json_t *v = json_object_get(payload, name);
	if (!v)
		return 0;
	double d = json_is_number(v) ? json_number_value(v) : -1;
	if (!(d >= 0 && d < 1e13))
		return -1;
	*t = (int64_t)d;
	return 1;
}

/* audience_ok: aud contains client_id (a string equal to it, or an array of strings holding it); when
 * it names several audiences azp must be present; azp, when present, must be client_id. */
static int audience_ok(const json_t *payload, const char *client_id)
{
	const json_t *aud = json_object_get(payload, "aud"), *azp = json_object_get(payload, "azp");
	int found = 0;
	size_t n = 1;
	if (json_is_string(aud))
		found = strcmp(json_string_value(aud), client_id) == 0;
	else if (json_is_array(aud) && (n = json_array_size(aud)) > 0) {
		size_t i;
		const json_t *v;
		json_array_foreach(aud, i, v) {
			if (!json_is_string(v))
				return 0;
			found |= strcmp(json_string_value(v), client_id) == 0;
		}
	}
	if (!found || (n > 1 && !azp))
		return 0;
	return !azp || (json_is_string(azp) && strcmp(json_string_value(azp), client_id) == 0);
}

/* claims_verdict: the checks of a verified token's payload after its signature: issuer, audience, times,
 * nonce; on OIDC_OK fills out. */
static enum oidc_verdict claims_verdict(struct arena *a, const json_t *p, const struct oidc_expect *x,
					struct oidc_claims *out)
{
	const char *iss = json_string_value(json_object_get(p, "iss"));
	if (!iss || strcmp(iss, x->issuer) != 0)
		return OIDC_BAD_ISSUER;
	if (!audience_ok(p, x->client_id))
		return OIDC_BAD_AUDIENCE;
	int64_t exp = 0, iat = 0, nbf = 0;
	int has_exp = time_claim(p, "exp", &exp), has_iat = time_claim(p, "iat", &iat), has_nbf = time_claim(p, "nbf", &nbf);
	if (has_exp < 0 || has_iat < 0 || has_nbf < 0)
		return OIDC_MALFORMED;
	if (!has_exp || exp + OIDC_SKEW <= x->now)
		return OIDC_EXPIRED;
	if (!has_iat || iat > x->now + OIDC_SKEW || (has_nbf && nbf > x->now + OIDC_SKEW))
		return OIDC_NOT_YET;
	const char *nonce = json_string_value(json_object_get(p, "nonce"));
	if (!nonce || !x->nonce || strcmp(nonce, x->nonce) != 0)
		return OIDC_BAD_NONCE;
	const char *sub = json_string_value(json_object_get(p, "sub"));
	const json_t *email = json_object_get(p, "email");
	if (!sub || !*sub || (email && !json_is_string(email)))
		return OIDC_MALFORMED;
	out->sub = arena_strdup(a, sub);
	out->email = email ? arena_strdup(a, json_string_value(email)) : NULL;
	out->email_verified = json_is_true(json_object_get(p, "email_verified"));
	out->exp = exp;
	out->iat = iat;
	return OIDC_OK;
}

enum oidc_verdict oidc_id_token_verify(struct arena *a, const char *token, const struct oidc_jwks *keys,
				       const struct oidc_expect *x, struct oidc_claims *out)
{
	struct jws j;
	memset(out, 0, sizeof *out);
	if (jws_split(a, token, &j, 0) < 0)
		return OIDC_MALFORMED;
	enum oidc_verdict v = OIDC_OK;
	enum oidc_alg alg = header_alg(j.header);
	const struct oidc_jwk *key = alg ? find_key(keys, alg, j.header) : NULL;
	if (!alg)
		v = OIDC_BAD_ALG;
	else if (!key)
		v = OIDC_UNKNOWN_KEY;
	else if (!signature_ok(&j, key))
		v = OIDC_BAD_SIGNATURE;
	else
		v = claims_verdict(a, j.payload, x, out);
	jws_free(&j);
	return v;
}
