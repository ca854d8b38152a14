/* webpush.h - the cryptography and the formats of Web Push, with no store and no network: VAPID (RFC 8292:
 * a P-256 key pair per site, an ES256 JWT per push service origin, the `Authorization: vapid t=..., k=...`
 * header), message encryption (RFC 8291 with the aes128gcm content coding of RFC 8188: one record), and
 * the checks of a browser's PushSubscription (endpoint, keys.p256dh, keys.auth) before it is stored.
 * Built on OpenSSL's libcrypto (P-256, AES-128-GCM) and libsodium (HMAC-SHA256 for HKDF, randomness).
 * Thread-safe: no global state. */
#ifndef BROADSHEET_WEBPUSH_H
#define BROADSHEET_WEBPUSH_H
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define WEBPUSH_PRIV_LEN 32      /* a P-256 private scalar, big-endian */
#define WEBPUSH_PUB_LEN 65       /* an uncompressed P-256 point: 0x04 || X || Y */
#define WEBPUSH_AUTH_LEN 16      /* a subscription's auth secret */
#define WEBPUSH_SALT_LEN 16
#define WEBPUSH_HEADER_LEN 86    /* aes128gcm header: salt(16) rs(4) idlen(1) keyid(65) */
#define WEBPUSH_OVERHEAD 103     /* header + padding delimiter + GCM tag */
#define WEBPUSH_RECORD_SIZE 4096 /* rs: the one record must fit */
#define WEBPUSH_ENDPOINT_MAX 1024
#define WEBPUSH_JWT_MAX_AGE 86400 /* RFC 8292: exp at most 24 hours ahead */

/* webpush_key_generate: a new random P-256 key pair: priv (32 bytes) and its public point pub (65 bytes,
 * uncompressed). 0, or -1 when libcrypto fails. */
int webpush_key_generate(unsigned char priv[WEBPUSH_PRIV_LEN], unsigned char pub[WEBPUSH_PUB_LEN]);

/* webpush_public_key: the public point of private scalar priv into pub. 0, or -1 when priv is not a
 * valid scalar (0, or not below the group order). */
int webpush_public_key(const unsigned char priv[WEBPUSH_PRIV_LEN], unsigned char pub[WEBPUSH_PUB_LEN]);

/* webpush_point_valid: 1 when pub (len bytes) is an uncompressed P-256 point on the curve (and not the
 * point at infinity), else 0. */
int webpush_point_valid(const unsigned char *pub, size_t len);

/* webpush_encrypt: the aes128gcm body (RFC 8291 section 3.4, RFC 8188) of plaintext[0..len) for the
 * subscriber whose public key is ua_pub and auth secret auth: ECDH between the sender's key as_priv (NULL:
 * a fresh random one, as every real message must use) and ua_pub, HKDF-SHA256, one record of rs 4096 with
 * padding delimiter 0x02 and no padding. salt: NULL for a random one (tests pass RFC 8291's). The body
 * (len + WEBPUSH_OVERHEAD bytes) is in the arena, *out_len its size. NULL when ua_pub is not on the
 * curve, the plaintext does not fit one record, or libcrypto fails. */
unsigned char *webpush_encrypt(struct arena *a, const unsigned char ua_pub[WEBPUSH_PUB_LEN],
			       const unsigned char auth[WEBPUSH_AUTH_LEN], const unsigned char *as_priv,
			       const unsigned char *salt, const unsigned char *plaintext, size_t len, size_t *out_len);

/* webpush_decrypt: the receiving side of webpush_encrypt (what a browser does), for tests and the round
 * trip: the plaintext of body[0..len) for the subscriber's ua_priv and auth, in the arena (NUL-terminated,
 * *out_len its length without padding). NULL when the body is malformed or does not authenticate. */
unsigned char *webpush_decrypt(struct arena *a, const unsigned char ua_priv[WEBPUSH_PRIV_LEN],
			       const unsigned char auth[WEBPUSH_AUTH_LEN], const unsigned char *body, size_t len,
			       size_t *out_len);

/* webpush_origin: the origin ("https://host[:port]") of an endpoint URL, in the arena: the JWT's aud.
 * NULL when url is not http(s)://host... */
const char *webpush_origin(struct arena *a, const char *url);

/* webpush_vapid_header: the value of the Authorization header for a push to endpoint: "vapid t=JWT,
 * k=PUBLIC" (RFC 8292 section 3) with a JWT {"aud": origin of endpoint, "exp": exp, "sub": sub} signed
 * ES256 (raw r||s) with priv. In the arena; NULL when endpoint has no origin or signing fails. */
const char *webpush_vapid_header(struct arena *a, const unsigned char priv[WEBPUSH_PRIV_LEN],
				 const unsigned char pub[WEBPUSH_PUB_LEN], const char *endpoint, const char *sub,
				 int64_t exp);

/* A browser's PushSubscription as a reader page sends it, checked: the endpoint (https, or http for a
 * host of allow_http; on a host of the push service list), the keys decoded, the edition. */
struct webpush_sub {
	const char *endpoint;
	const char *p256dh; /* as sent (base64url): stored as such */
	const char *auth;
	const char *edition; /* "en" or "ar" */
	unsigned char pub[WEBPUSH_PUB_LEN];
	unsigned char secret[WEBPUSH_AUTH_LEN];
};

/* webpush_host_allowed: 1 when host (lower case, no port) matches one of the space-separated patterns of
 * list: an exact host name, or "*.example.com" for any name below example.com. Else 0. */
int webpush_host_allowed(const char *list, const char *host);

/* webpush_sub_parse: reads a JSON subscription {"endpoint", "keys": {"p256dh", "auth"}, "edition"}
 * (text[0..len), at most a few KB) into out (strings in the arena) and checks it: endpoint at most
 * WEBPUSH_ENDPOINT_MAX bytes, https:// (http:// only when its host is in allow_http), its host in hosts
 * (webpush_host_allowed); p256dh base64url of a point on P-256; auth base64url of 16 bytes; edition "en" or
 * "ar" (need_edition: required; else optional, as unsubscribing needs only the endpoint and keys may be
 * absent). Returns NULL, or a sentence (static English, N_-marked for the catalogue) saying what is
 * wrong. */
const char *webpush_sub_parse(struct arena *a, const char *text, size_t len, const char *hosts,
			      const char *allow_http, int need_edition, struct webpush_sub *out);

#endif
