/* oidc_client.h - Broadsheet as a client of the news group's OpenID Connect provider: its discovery
 * document and JWKS fetched with libcurl and kept in memory (an hour; the JWKS again at once, at most
 * once a minute, when a token names a key it lacks), and the token request. Every request is bounded
 * (OIDC_DOC_MAX bytes, OIDC_CONNECT_TIMEOUT and OIDC_TIMEOUT seconds, no redirects, no proxy, http(s)
 * only). Unlike webhooks, loopback and private addresses are allowed: the provider is named by the
 * server's configuration (oidc_issuer), not by a newsroom user. */
#ifndef BROADSHEET_OIDC_CLIENT_H
#define BROADSHEET_OIDC_CLIENT_H

#include "arena.h"
#include "oidc.h"

struct app;

#define OIDC_CONNECT_TIMEOUT 5 /* seconds to connect to the provider */
#define OIDC_TIMEOUT 10        /* seconds a whole request to the provider may take */
#define OIDC_CACHE_SECONDS 3600 /* the discovery document and the JWKS are fetched again after this */
#define OIDC_JWKS_REFETCH 60   /* an unknown kid fetches the JWKS again, at most this often */

/* oidc_client_start: a server service (server.c): when oidc_issuer is set, checks that oidc_client_id and
 * oidc_client_secret are too and makes the cache (app->oidc). Returns 0, or -1 (logged) for an incomplete
 * configuration. Nothing is fetched before the first sign-in. */
int oidc_client_start(struct app *app);
/* oidc_client_stop: frees the cache; safe when none was made. */
void oidc_client_stop(struct app *app);

/* oidc_enabled: whether sign-in with the provider is configured (and started). */
int oidc_enabled(const struct app *app);

/* oidc_client_provider: the provider's discovery document (cached, else fetched from
 * ISSUER/.well-known/openid-configuration; a stale copy serves when a refetch fails) read into *p with
 * oidc_discovery_parse (strings in the arena). Returns NULL, or why not (English, in the arena or static:
 * for the audit log and the server's log). */
const char *oidc_client_provider(struct app *app, struct arena *a, struct oidc_provider *p);

/* oidc_client_keys: the provider's signing keys into ks (oidc_jwks_free them), from the cached JWKS; when
 * kid (from the token's header; NULL: any) names none of them and the copy is older than
 * OIDC_JWKS_REFETCH seconds, fetched again first. Returns NULL, or why not (as above; ks then empty). */
const char *oidc_client_keys(struct app *app, struct arena *a, const struct oidc_provider *p, const char *kid,
			     struct oidc_jwks *ks);

/* What the token endpoint answered: the ID token and access token (in the arena), or why not. */
struct oidc_tokens {
	const char *id_token, *access_token; /* access_token may be NULL */
	const char *why;                     /* NULL, or why there is no ID token (as above) */
	const char *provider_error;          /* the provider's error code when it answered with one (RFC 6749
						section 5.2), else NULL (unreachable, unusable answer) */
};

/* oidc_client_exchange: the token request for code (authorization_code grant with redirect_uri and the
 * PKCE verifier; the client authenticated as p says: client_secret_basic or client_secret_post), its
 * answer into *t. Returns t->id_token (NULL: see t->why). */
const char *oidc_client_exchange(struct app *app, struct arena *a, const struct oidc_provider *p, const char *code,
				 const char *verifier, const char *redirect_uri, struct oidc_tokens *t);

/* oidc_client_userinfo: the userinfo endpoint's answer for access_token (GET with a bearer token; HTTP 200
 * only) into *text and *len (in the arena). Returns NULL, or why not (as above). */
const char *oidc_client_userinfo(struct app *app, struct arena *a, const struct oidc_provider *p,
				 const char *access_token, const char **text, size_t *len);

#endif
