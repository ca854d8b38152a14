/* webauthn.h - the relying party's side of WebAuthn (Level 2) for passkeys: what the browser sends back
 * from navigator.credentials.create() (registration) and .get() (assertion), checked byte by byte. Pure:
 * no store, no request; the page glue (passkey.c) issues the challenges, keeps the credentials and decides
 * the origins and the relying party id.
 *
 * - A minimal CBOR decoder (RFC 8949), only what attestation objects and COSE keys use: unsigned and
 *   negative integers, byte and text strings, arrays, maps, false/true/null/undefined. Definite lengths
 *   only (an indefinite length is refused), no tags, no floats; at most WEBAUTHN_CBOR_MAX_ITEMS items
 *   nested at most WEBAUTHN_CBOR_MAX_DEPTH deep; a length that claims more bytes or items than remain is
 *   refused before anything is allocated (nothing is: items go into a fixed array); map keys are numbers
 *   or text, never repeated; text is valid UTF-8.
 * - authenticatorData: rpIdHash, flags (UP, UV, BE, BS, AT, ED), signCount, the attested credential data
 *   (AAGUID, credential id, COSE_Key) and extensions, with no byte left over.
 * - COSE_Key (RFC 9053) for ES256 (EC2, P-256, alg -7), EdDSA (OKP, Ed25519, alg -8, verified with
 *   libsodium) and RS256 (RSA of 2048 to 4096 bits, alg -257); signatures verified with OpenSSL's libcrypto.
 * - clientDataJSON (jansson): type, challenge (the one issued), origin (one of the site's), crossOrigin
 *   false.
 *
 * Attestation: Broadsheet asks for "none" and verifies no attestation statement or certificate chain (it
 * trusts the key it is given at registration, as a password is trusted when set: the person is logged in
 * and the page is same-origin). A "none" statement must be empty; another format's statement is read as
 * CBOR but not checked (self attestation proves nothing more; a chain would need a list of trusted
 * vendors, which a newsroom has no use for).
 *
 * Every refusal comes with `why`, an English sentence marked N_ (static) that the caller translates with
 * catalog_tr. */
#ifndef BROADSHEET_WEBAUTHN_H
#define BROADSHEET_WEBAUTHN_H
#include <stddef.h>
#include <stdint.h>

#define WEBAUTHN_CBOR_MAX_ITEMS 128
#define WEBAUTHN_CBOR_MAX_DEPTH 8
#define WEBAUTHN_CHALLENGE_BYTES 32
#define WEBAUTHN_CRED_ID_MAX 1023 /* the spec's limit on a credential id */
#define WEBAUTHN_RSA_MAX 512      /* bytes of an RSA modulus: 4096 bits */

/* ==== CBOR ==== */

enum webauthn_cbor_type {
	WEBAUTHN_CBOR_INT,   /* unsigned or negative integer: i */
	WEBAUTHN_CBOR_BYTES, /* p[0..len) */
	WEBAUTHN_CBOR_TEXT,  /* p[0..len), valid UTF-8, not NUL-terminated */
	WEBAUTHN_CBOR_ARRAY, /* len elements follow it */
	WEBAUTHN_CBOR_MAP,   /* len key/value pairs follow it, key then value */
	WEBAUTHN_CBOR_FALSE,
	WEBAUTHN_CBOR_TRUE,
	WEBAUTHN_CBOR_NULL,
	WEBAUTHN_CBOR_UNDEFINED,
};

/* One decoded item. Items are kept in document order: a container's children follow it, and `end` is
 * the index just past its last descendant (for a scalar, its own index + 1), so items[k].end is the next
 * sibling of item k. */
struct webauthn_cbor_item {
	enum webauthn_cbor_type type;
	int64_t i;        /* WEBAUTHN_CBOR_INT */
	const uint8_t *p; /* BYTES, TEXT: points into the decoded input */
	size_t len;       /* BYTES, TEXT: bytes; ARRAY: elements; MAP: pairs */
	size_t end;
};

struct webauthn_cbor {
	struct webauthn_cbor_item items[WEBAUTHN_CBOR_MAX_ITEMS];
	size_t n;
};

/* webauthn_cbor_decode: decodes the one CBOR item at the start of p[0..len) (with its children) into doc
 * (items point into p, which must outlive doc); *used gets the bytes it took. A caller that expects the
 * whole input to be that item checks *used == len (trailing bytes). Returns 0, or -1 with *why set
 * (truncated, indefinite length, too deep, too many items, a length beyond the input, a tag or float, an
 * integer beyond int64, a repeated or non-number-non-text map key, text that is not UTF-8). */
int webauthn_cbor_decode(const uint8_t *p, size_t len, struct webauthn_cbor *doc, size_t *used, const char **why);

/* webauthn_cbor_map_int, webauthn_cbor_map_text: in the map at index map of doc, the value whose key is
 * the integer key / the text key; NULL when there is none (or map is not a map). */
const struct webauthn_cbor_item *webauthn_cbor_map_int(const struct webauthn_cbor *doc, size_t map, int64_t key);
const struct webauthn_cbor_item *webauthn_cbor_map_text(const struct webauthn_cbor *doc, size_t map, const char *key);

/* ==== authenticatorData ==== */

#define WEBAUTHN_FLAG_UP 0x01 /* user present */
#define WEBAUTHN_FLAG_UV 0x04 /* user verified (PIN, biometrics) */
#define WEBAUTHN_FLAG_BE 0x08 /* backup eligible (a synced passkey) */
#define WEBAUTHN_FLAG_BS 0x10 /* backed up */
#define WEBAUTHN_FLAG_AT 0x40 /* attested credential data follows */
#define WEBAUTHN_FLAG_ED 0x80 /* extensions follow */

struct webauthn_authdata {
	const uint8_t *rp_id_hash; /* 32 bytes: SHA-256 of the relying party id */
	uint8_t flags;
	uint32_t sign_count;
	const uint8_t *aaguid; /* 16 bytes (AT only, else NULL) */
	const uint8_t *cred_id; /* AT only */
	size_t cred_id_len;
	const uint8_t *key; /* the COSE_Key's bytes (AT only) */
	size_t key_len;
};

/* webauthn_authdata_parse: reads authenticatorData p[0..len) into out (pointers into p). Returns 0, or -1
 * with *why set: shorter than 37 bytes, an attested credential data or extensions block that is cut short
 * or malformed (its COSE_Key is only delimited here, see webauthn_cose_key), a credential id over
 * WEBAUTHN_CRED_ID_MAX, or bytes left over. */
int webauthn_authdata_parse(const uint8_t *p, size_t len, struct webauthn_authdata *out, const char **why);

/* ==== COSE_Key ==== */

enum webauthn_alg { WEBAUTHN_ES256 = -7, WEBAUTHN_EDDSA = -8, WEBAUTHN_RS256 = -257 };

/* A public key as COSE describes it. */
struct webauthn_key {
	int alg; /* enum webauthn_alg */
	uint8_t x[32], y[32]; /* ES256: the point; EdDSA: x is the Ed25519 public key */
	uint8_t n[WEBAUTHN_RSA_MAX]; /* RS256: modulus (big-endian, no leading zero) and exponent */
	size_t n_len;
	uint8_t e[8];
	size_t e_len;
};

/* webauthn_cose_key: reads the COSE_Key at the start of p[0..len) into out; *used gets its length (the
 * caller checks what follows). Only ES256 (kty 2, crv 1, 32-byte x and y), EdDSA (kty 1, crv 6, 32-byte x)
 * and RS256 (kty 3, n of 256 to 512 bytes, e of 1 to 8 bytes) with a matching alg are taken, and the key
 * must be usable (an EC point on the curve, an RSA key OpenSSL accepts). Returns 0, or -1 with *why. */
int webauthn_cose_key(const uint8_t *p, size_t len, struct webauthn_key *out, size_t *used, const char **why);

/* webauthn_signature_ok: whether sig[0..sig_len) is k's signature over authdata || SHA-256(client_data)
 * (an ES256 signature is DER-encoded, as authenticators send it). 1 or 0 (also for a malformed signature
 * or a key OpenSSL cannot build). */
int webauthn_signature_ok(const struct webauthn_key *k, const uint8_t *authdata, size_t authdata_len,
			  const uint8_t *client_data, size_t client_data_len, const uint8_t *sig, size_t sig_len);

/* ==== clientDataJSON ==== */

struct webauthn_client_data {
	char type[32];       /* "webauthn.create" or "webauthn.get" */
	char challenge[128]; /* base64url, as the browser copied it from the options */
	char origin[256];    /* "https://news.example" */
	int cross_origin;    /* crossOrigin was true (or topOrigin was given) */
};

/* webauthn_client_data_parse: reads clientDataJSON p[0..len) (a JSON object, no duplicate keys, at most
 * 4096 bytes) into out. Returns 0, or -1 with *why (not JSON, type, challenge or origin missing, not
 * text or too long, crossOrigin not a boolean). */
int webauthn_client_data_parse(const uint8_t *p, size_t len, struct webauthn_client_data *out, const char **why);

/* ==== ceremonies ==== */

/* What the relying party expects of a response. */
struct webauthn_expect {
	const char *rp_id;          /* the relying party id: the site's host name, e.g. "news.example" */
	const char *challenge;      /* the challenge issued for this ceremony, base64url without padding */
	const char *const *origins; /* the origins the page may have been served from */
	size_t norigins;
	int require_uv; /* user verification required (a passkey standing for two factors) */
};

/* A credential a registration response carries (pointers into the attestation object). */
struct webauthn_new_cred {
	const uint8_t *id;
	size_t id_len;
	const uint8_t *key; /* the COSE_Key, to store as it is */
	size_t key_len;
	int alg;
	uint32_t sign_count;
	uint8_t flags;
};

/* webauthn_registration_check: a registration response (clientDataJSON and attestationObject as the
 * browser gave them) against ex: client data of type "webauthn.create" with the challenge and one of the
 * origins, not cross-origin; an attestation object {fmt, attStmt, authData} ("none" with an empty
 * statement, or another format's statement, not verified: see above) whose authenticatorData has ex's
 * rpIdHash, user presence (and verification when required) and an attested credential with a usable
 * key. Returns 0 with out filled, or -1 with *why. */
int webauthn_registration_check(const struct webauthn_expect *ex, const uint8_t *client_data, size_t client_data_len,
				const uint8_t *att, size_t att_len, struct webauthn_new_cred *out, const char **why);

/* webauthn_assertion_check: an assertion (clientDataJSON, authenticatorData, signature) against ex and the
 * stored credential (its COSE_Key and last signature counter): client data of type "webauthn.get" with
 * the challenge and one of the origins, not cross-origin; authenticatorData with ex's rpIdHash, user
 * presence (and verification when required); a valid signature; and a counter above the stored one
 * unless both are 0 (an authenticator that does not count). A counter at or below the stored one means
 * the credential was cloned: refused. Returns 0 with *new_count set, or -1 with *why. */
int webauthn_assertion_check(const struct webauthn_expect *ex, const uint8_t *key, size_t key_len,
			     uint32_t stored_count, const uint8_t *client_data, size_t client_data_len,
			     const uint8_t *authdata, size_t authdata_len, const uint8_t *sig, size_t sig_len,
			     uint32_t *new_count, const char **why);

/* ==== base64url ==== */

/* webauthn_b64u_decode: decodes base64url without padding (as WebAuthn's JSON carries bytes) s into out
 * (at most cap bytes); *n gets the length. Returns 0, or -1 (not base64url, padded, or over cap). */
int webauthn_b64u_decode(const char *s, uint8_t *out, size_t cap, size_t *n);
/* webauthn_b64u_encode: p[0..n) as base64url without padding into out (cap bytes with the NUL; at least
 * 4 * ceil(n / 3) + 1). Returns out. */
char *webauthn_b64u_encode(const uint8_t *p, size_t n, char *out, size_t cap);

#endif
