/* oidc.h - the pure parts of sign-in with an OpenID Connect provider (OpenID Connect Core 1.0, RFC 7636
 * PKCE, RFC 7515/7517/7518 JWS and JWK): base64url, PKCE, the discovery document, the JWKS, the token
 * endpoint's reply, and the ID token's checks (signature with OpenSSL's libcrypto, issuer, audience,
 * authorized party, times, nonce). No network and no store here: the fetching, caching and pages are in
 * oidc_client.c and page_oidc.c. */
#ifndef BROADSHEET_OIDC_H
#define BROADSHEET_OIDC_H
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define OIDC_TOKEN_MAX 16384     /* bytes of an ID token we read at all */
#define OIDC_DOC_MAX (256 * 1024) /* bytes of a discovery document, JWKS or token reply */
#define OIDC_JWKS_KEYS 32        /* keys of a JWKS that are kept (the rest are ignored) */
#define OIDC_SKEW 120            /* seconds of clock difference allowed on exp, iat and nbf */
#define OIDC_VERIFIER_LEN 44     /* a PKCE code_verifier: 43 base64url characters (32 random bytes) + NUL */

/* The signature algorithms an ID token may use: an allow-list (never "none", never HMAC). */
enum oidc_alg { OIDC_ALG_NONE = 0, OIDC_ALG_RS256, OIDC_ALG_ES256 };

/* oidc_alg_named: the allowed algorithm called name ("RS256", "ES256"), else OIDC_ALG_NONE. Pure. */
enum oidc_alg oidc_alg_named(const char *name);

/* oidc_b64url_decode: the bytes of unpadded base64url text in[0..len) (RFC 7515 section 2: no '=', no
 * white space, unused bits zero), NUL-terminated (not counted in *out_len), in the arena; NULL when the
 * text is not exactly that. */
unsigned char *oidc_b64url_decode(struct arena *a, const char *in, size_t len, size_t *out_len);
/* oidc_b64url_encode: unpadded base64url of in[0..len), in the arena. */
char *oidc_b64url_encode(struct arena *a, const unsigned char *in, size_t len);

/* oidc_pkce_verifier: a new random code_verifier (32 random bytes as 43 base64url characters) into out. */
void oidc_pkce_verifier(char out[OIDC_VERIFIER_LEN]);
/* oidc_pkce_challenge: the S256 code_challenge of verifier: base64url(SHA-256(verifier)), in the arena. */
char *oidc_pkce_challenge(struct arena *a, const char *verifier);

/* oidc_url_problem: NULL when url may be a provider's address: https:// with a host, or http:// to a
 * loopback host (127.0.0.0/8, [::1], localhost: a provider on the same machine, as in tests); no user
 * name, password or fragment; no control characters or spaces; at most 1000 bytes. Else a sentence
 * saying why not (static, English: for the configuration's error and the server's log). */
const char *oidc_url_problem(const char *url);

/* What a provider's discovery document says that Broadsheet uses (strings in the arena). */
struct oidc_provider {
	const char *issuer, *authorization_endpoint, *token_endpoint, *jwks_uri;
	const char *userinfo_endpoint; /* NULL when the provider names none */
	int client_secret_post; /* 1: send the client's credentials in the token request's body
				   (client_secret_post); 0: in an Authorization: Basic header (client_secret_basic) */
};

/* oidc_discovery_parse: reads the discovery document text[0..len) (JSON) into out. Its issuer must equal
 * issuer exactly (OpenID Connect Discovery section 4.3); the authorization, token and JWKS endpoints (and
 * the userinfo endpoint, when named) must pass oidc_url_problem; a response_types_supported must offer "code" and a code_challenge_methods_supported,
 * when present, "S256"; the client authentication is client_secret_basic when the provider lists it or
 * lists none, else client_secret_post when listed. Returns NULL, or a sentence saying what is wrong
 * (static, English: for the audit log and the server's log). */
const char *oidc_discovery_parse(struct arena *a, const char *text, size_t len, const char *issuer,
				 struct oidc_provider *out);

/* One signing key of a JWKS, made into an OpenSSL key. */
struct oidc_jwk {
	char kid[128];      /* "" when the key has none */
	enum oidc_alg alg;  /* the algorithm the key is for: RS256 for RSA keys, ES256 for P-256 keys */
	void *pkey;         /* EVP_PKEY * (owned: oidc_jwks_free) */
};

struct oidc_jwks {
	struct oidc_jwk keys[OIDC_JWKS_KEYS];
	size_t n;
};

/* oidc_jwk_to_pkey: the public key of one JWK (a jansson object: json_t *): an RSA key (kty "RSA", n of
 * 2048 to 8192 bits, e) or a P-256 key (kty "EC", crv "P-256", x and y of 32 bytes, a point on the curve).
 * Keys whose "use" is not "sig", whose "alg" is not the algorithm they are used with, or that carry private
 * parts are refused. Returns an EVP_PKEY * (caller frees with EVP_PKEY_free) and sets *alg, or NULL. */
void *oidc_jwk_to_pkey(const void *jwk, enum oidc_alg *alg);

/* oidc_jwks_parse: the usable signing keys of the JWKS text[0..len) ({"keys": [...]}, at most
 * OIDC_JWKS_KEYS kept) into out (oidc_jwks_free frees them). Returns how many keys were kept (0 when the
 * set has none we can use), or -1 when the text is not a JWKS. */
int oidc_jwks_parse(const char *text, size_t len, struct oidc_jwks *out);
/* oidc_jwks_free: frees the keys of ks and empties it. */
void oidc_jwks_free(struct oidc_jwks *ks);

/* oidc_token_reply_parse: the token endpoint's JSON reply text[0..len): returns the id_token (in the
 * arena; *access_token gets the access token, NULL when none), or NULL with *error set to the provider's
 * error code (RFC 6749 section 5.2: at most 64 of [A-Za-z0-9_.-], in the arena), or to "no id_token" /
 * "unreadable reply". */
const char *oidc_token_reply_parse(struct arena *a, const char *text, size_t len, const char **access_token,
				   const char **error);

/* oidc_error_code: s when it may be shown as a provider's error code (RFC 6749 section 4.1.2.1 and 5.2:
 * 1 to 64 of [A-Za-z0-9_.-]), else NULL. Pure. */
const char *oidc_error_code(const char *s);

/* oidc_query_add: appends "name=value" to the urlencoded query or form b, after a '&' unless b is empty;
 * value percent-encoded (buf_url). */
struct buf;
void oidc_query_add(struct buf *b, const char *name, const char *value);

/* What an ID token must say: the configured issuer and client, the flow's nonce, and the time now. */
struct oidc_expect {
	const char *issuer, *client_id, *nonce;
	int64_t now;
};

/* What a verified ID token says (strings in the arena). */
struct oidc_claims {
	const char *sub;
	const char *email;  /* NULL when the token has none */
	int email_verified; /* 1 only for the JSON value true */
	int64_t exp, iat;
};

/* Why an ID token is refused. */
enum oidc_verdict {
	OIDC_OK = 0,
	OIDC_MALFORMED,     /* not three base64url parts of JSON objects, or a claim of the wrong type */
	OIDC_BAD_ALG,       /* alg not on the allow-list (none, HS256 ...), or crit, or a typ that is not JWT */
	OIDC_UNKNOWN_KEY,   /* no key of the JWKS has this kid (and algorithm) */
	OIDC_BAD_SIGNATURE, /* the signature does not verify */
	OIDC_BAD_ISSUER,    /* iss is not the configured issuer */
	OIDC_BAD_AUDIENCE,  /* aud does not contain the client id, or azp names another client */
	OIDC_EXPIRED,       /* exp has passed (more than OIDC_SKEW ago) */
	OIDC_NOT_YET,       /* iat or nbf lies in the future (more than OIDC_SKEW ahead) */
	OIDC_BAD_NONCE,     /* nonce missing or not this flow's */
};

/* oidc_userinfo_email: for an ID token without an e-mail (providers that keep the scope's claims for
 * the userinfo endpoint, as OpenID Connect Core section 5.4 allows): reads the userinfo endpoint's JSON
 * reply text[0..len) into c's email and email_verified, only when its sub equals c->sub (section 5.3.2).
 * Returns NULL, or why not (static, English). */
const char *oidc_userinfo_email(struct arena *a, const char *text, size_t len, struct oidc_claims *c);

/* oidc_verdict_name: a short English name of v for the audit log ("bad signature", "expired" ...). */
const char *oidc_verdict_name(enum oidc_verdict v);

/* oidc_token_kid: the kid named by token's header (in the arena), "" when it names none, NULL when the
 * header cannot be read: which key to look for before verifying (an unknown kid refetches the JWKS). */
const char *oidc_token_kid(struct arena *a, const char *token);

/* oidc_id_token_verify: checks the compact JWS token against keys and x, in this order: form, header (alg
 * on the allow-list, no crit, typ JWT if any), key (kid, or the only key for the algorithm when the
 * header names none), signature, issuer, audience and authorized party (aud contains x->client_id; when
 * aud names several, azp must be x->client_id; azp, when present, always must), times (exp, iat, nbf
 * with OIDC_SKEW), nonce. On OIDC_OK fills out (sub required). Pure but for OpenSSL. */
enum oidc_verdict oidc_id_token_verify(struct arena *a, const char *token, const struct oidc_jwks *keys,
				       const struct oidc_expect *x, struct oidc_claims *out);

#endif
