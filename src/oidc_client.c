/* oidc_client.c - see oidc_client.h. One libcurl handle per request (sign-ins are rare); the cache holds
 * the documents' text, which each sign-in copies into its arena under the lock and parses there, so no
 * parsed key is shared between threads. No lock is held while a request is in flight. */
#include "oidc_client.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "escape.h"
#include "log.h"
#include "util.h"

/* One cached document: where it came from, its text, when it was fetched. */
struct cached {
	char *url, *text; /* owned */
	size_t len;
	int64_t at;
};

struct oidc_client {
	pthread_mutex_t mu; /* guards doc and jwks */
	struct cached doc, jwks;
};

int oidc_enabled(const struct app *app)
{
	return app->oidc != NULL;
}

int oidc_client_start(struct app *app)
{
	const struct config *cfg = &app->cfg;
	if (!cfg->oidc_issuer[0])
		return 0;
	if (!cfg->oidc_client_id[0] || !cfg->oidc_client_secret[0]) {
		log_error("oidc_issuer is set but oidc_client_id or oidc_client_secret is empty: set both (the client "
			  "this site is at the provider) or leave oidc_issuer empty");
		return -1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("cannot initialise libcurl for sign-in with the identity provider");
		return -1;
	}
	struct oidc_client *c = xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->mu, NULL);
	app->oidc = c;
	return 0;
}

/* cached_clear: frees what slot holds and empties it. */
static void cached_clear(struct cached *slot)
{
	free(slot->url);
	free(slot->text);
	memset(slot, 0, sizeof *slot);
}

void oidc_client_stop(struct app *app)
{
	struct oidc_client *c = app->oidc;
	if (!c)
		return;
	cached_clear(&c->doc);
	cached_clear(&c->jwks);
	pthread_mutex_destroy(&c->mu);
	free(c);
	app->oidc = NULL;
	curl_global_cleanup();
}

/* A reply's body as it arrives, bounded by OIDC_DOC_MAX. */
struct body {
	struct buf b;
	int over; /* it outgrew OIDC_DOC_MAX: the transfer was stopped */
};

/* collect: libcurl's write callback: appends to the body, or stops the transfer (returns 0) past
 * OIDC_DOC_MAX bytes. */
static size_t collect(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct body *bd = userdata;
	size_t n = size * nmemb;
	if (bd->b.len + n > OIDC_DOC_MAX) {
		bd->over = 1;
		return 0;
	}
	buf_append(&bd->b, ptr, n);
	return n;
}

/* An HTTP request to the provider and what came back. */
struct exchange {
	const char *url;
	const char *form;   /* NULL: GET; else an urlencoded POST body */
	const char *header; /* one more request header (Authorization), or NULL */
	long status;        /* the reply's status (0: none) */
	const char *body;   /* the reply's body in the arena, NUL-terminated */
	size_t len;
};

/* curl_setup: the options every request to the provider has (see oidc_client.h) on curl, for x, with the
 * request headers h, the body collector bd and the error buffer errbuf. */
static void curl_setup(CURL *curl, const struct exchange *x, struct curl_slist *h, struct body *bd, char *errbuf)
{
	curl_easy_setopt(curl, CURLOPT_URL, x->url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_PROXY, ""); /* never a proxy from the environment */
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)OIDC_CONNECT_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)OIDC_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)OIDC_DOC_MAX);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "Broadsheet/" BROADSHEET_VERSION " sign-in");
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, bd);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	if (x->form) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, x->form);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(x->form));
	}
}

/* perform: makes the request x describes, filling its status and body. Returns NULL, or why there is no
 * reply (English, in the arena: libcurl's words, or the size limit). */
static const char *perform(struct arena *a, struct exchange *x)
{
	CURL *curl = curl_easy_init();
	if (!curl)
		return "cannot make a libcurl handle";
	struct curl_slist *h = curl_slist_append(NULL, "Accept: application/json"), *t;
	if (h && x->header && (t = curl_slist_append(h, x->header)))
		h = t;
	if (h && x->form && (t = curl_slist_append(h, "Expect:")))
		h = t;
	char errbuf[CURL_ERROR_SIZE] = "";
	struct body bd = {BUF_INIT, 0};
	curl_setup(curl, x, h, &bd, errbuf);
	CURLcode rc = curl_easy_perform(curl);
	const char *why = NULL;
	if (rc != CURLE_OK)
		why = bd.over || rc == CURLE_FILESIZE_EXCEEDED
			      ? arena_printf(a, "%s: the answer is larger than %d bytes", x->url, OIDC_DOC_MAX)
			      : arena_printf(a, "%s: %s", x->url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	x->status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &x->status);
	x->len = bd.b.len;
	x->body = arena_strndup(a, bd.b.data ? bd.b.data : "", bd.b.len);
	buf_free(&bd.b);
	curl_slist_free_all(h);
	curl_easy_cleanup(curl);
	return why;
}

/* copy_out: slot's text into the arena as *text and *len. */
static void copy_out(const struct cached *slot, struct arena *a, const char **text, size_t *len)
{
	*text = arena_strndup(a, slot->text, slot->len);
	*len = slot->len;
}

/* cached_get: the document at url from slot when it came from url less than max_age seconds ago, else
 * fetched (HTTP 200 only) and kept; when the fetch fails and slot holds an older copy from url, that copy
 * (logged). Text in the arena. Returns NULL, or why there is none (English, in the arena). */
static const char *cached_get(struct oidc_client *c, struct cached *slot, const char *url, int64_t max_age,
			      struct arena *a, const char **text, size_t *len)
{
	int64_t now = util_now();
	pthread_mutex_lock(&c->mu);
	int fresh = slot->text && strcmp(slot->url, url) == 0 && now - slot->at < max_age;
	if (fresh)
		copy_out(slot, a, text, len);
	pthread_mutex_unlock(&c->mu);
	if (fresh)
		return NULL;
	struct exchange x = {.url = url};
	const char *why = perform(a, &x);
	if (!why && x.status != 200)
		why = arena_printf(a, "%s answered HTTP %ld", url, x.status);
	pthread_mutex_lock(&c->mu);
	if (!why) {
		cached_clear(slot);
		slot->url = xstrdup(url);
		slot->text = xstrndup(x.body, x.len);
		slot->len = x.len;
		slot->at = now;
		copy_out(slot, a, text, len);
	} else if (slot->text && strcmp(slot->url, url) == 0) {
		log_error("sign-in: %s; using the copy fetched %lld seconds ago", why, (long long)(now - slot->at));
		copy_out(slot, a, text, len);
		why = NULL;
	}
	pthread_mutex_unlock(&c->mu);
	return why;
}

/* cached_forget: marks slot's copy as unusable (it did not parse), so the next sign-in fetches it again. */
static void cached_forget(struct oidc_client *c, struct cached *slot)
{
	pthread_mutex_lock(&c->mu);
	cached_clear(slot);
	pthread_mutex_unlock(&c->mu);
}

const char *oidc_client_provider(struct app *app, struct arena *a, struct oidc_provider *p)
{
	const char *issuer = app->cfg.oidc_issuer;
	size_t n = strlen(issuer);
	while (n > 0 && issuer[n - 1] == '/')
		n--; /* OpenID Connect Discovery 1.0, section 4: a terminating "/" is removed first */
	const char *url = arena_printf(a, "%.*s/.well-known/openid-configuration", (int)n, issuer);
	const char *text;
	size_t len;
	const char *why = cached_get(app->oidc, &app->oidc->doc, url, OIDC_CACHE_SECONDS, a, &text, &len);
	if (why)
		return why;
	why = oidc_discovery_parse(a, text, len, issuer, p);
	if (why)
		cached_forget(app->oidc, &app->oidc->doc);
	return why;
}

/* has_kid: whether ks holds a key named kid (NULL or "": any key will do). */
static int has_kid(const struct oidc_jwks *ks, const char *kid)
{
	if (!kid || !*kid)
		return ks->n > 0;
	for (size_t i = 0; i < ks->n; i++)
		if (strcmp(ks->keys[i].kid, kid) == 0)
			return 1;
	return 0;
}

const char *oidc_client_keys(struct app *app, struct arena *a, const struct oidc_provider *p, const char *kid,
			     struct oidc_jwks *ks)
{
	struct oidc_client *c = app->oidc;
	const char *text;
	size_t len;
	memset(ks, 0, sizeof *ks);
	const char *why = cached_get(c, &c->jwks, p->jwks_uri, OIDC_CACHE_SECONDS, a, &text, &len);
	if (!why && oidc_jwks_parse(text, len, ks) >= 0 && has_kid(ks, kid))
		return NULL;
	/* a key the copy lacks (the provider rotated its keys), or no usable copy: fetch again, unless the
	 * copy is less than OIDC_JWKS_REFETCH seconds old (a token naming keys nobody has cannot make every
	 * sign-in fetch) */
	oidc_jwks_free(ks);
	why = cached_get(c, &c->jwks, p->jwks_uri, OIDC_JWKS_REFETCH, a, &text, &len);
	if (why)
		return why;
	if (oidc_jwks_parse(text, len, ks) < 0) {
		cached_forget(c, &c->jwks);
		return arena_printf(a, "%s is not a JWKS (a JSON object with a \"keys\" list)", p->jwks_uri);
	}
	return NULL;
}

/* basic_auth: the Authorization header of client_secret_basic (RFC 6749 section 2.3.1: id and secret
 * each form-urlencoded, joined by ':', in base64), in the arena. */
static const char *basic_auth(struct arena *a, const char *id, const char *secret)
{
	struct buf b = BUF_INIT;
	buf_url(&b, id, strlen(id));
	buf_putc(&b, ':');
	buf_url(&b, secret, strlen(secret));
	size_t cap = sodium_base64_ENCODED_LEN(b.len, sodium_base64_VARIANT_ORIGINAL);
	char *enc = arena_alloc(a, cap);
	sodium_bin2base64(enc, cap, (const unsigned char *)b.data, b.len, sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(b.data, b.len);
	buf_free(&b);
	return arena_printf(a, "Authorization: Basic %s", enc);
}

const char *oidc_client_exchange(struct app *app, struct arena *a, const struct oidc_provider *p, const char *code,
				 const char *verifier, const char *redirect_uri, struct oidc_tokens *t)
{
	const struct config *cfg = &app->cfg;
	struct buf form = BUF_INIT;
	oidc_query_add(&form, "grant_type", "authorization_code");
	oidc_query_add(&form, "code", code);
	oidc_query_add(&form, "redirect_uri", redirect_uri);
	oidc_query_add(&form, "code_verifier", verifier);
	if (p->client_secret_post) {
		oidc_query_add(&form, "client_id", cfg->oidc_client_id);
		oidc_query_add(&form, "client_secret", cfg->oidc_client_secret);
	}
	struct exchange x = {.url = p->token_endpoint,
			     .form = arena_strndup(a, buf_cstr(&form), form.len),
			     .header = p->client_secret_post ? NULL : basic_auth(a, cfg->oidc_client_id, cfg->oidc_client_secret)};
	sodium_memzero(form.data, form.len);
	buf_free(&form);
	memset(t, 0, sizeof *t);
	t->why = perform(a, &x);
	if (t->why)
		return NULL;
	const char *error = NULL;
	t->id_token = oidc_token_reply_parse(a, x.body, x.len, &t->access_token, &error);
	if (t->id_token && x.status == 200)
		return t->id_token;
	t->id_token = t->access_token = NULL;
	if (error && strcmp(error, "no id_token") != 0 && strcmp(error, "unreadable reply") != 0)
		t->provider_error = error;
	t->why = arena_printf(a, "the token endpoint answered HTTP %ld: %s", x.status,
			      error ? error : "an ID token without HTTP 200");
	return NULL;
}

const char *oidc_client_userinfo(struct app *app, struct arena *a, const struct oidc_provider *p,
				 const char *access_token, const char **text, size_t *len)
{
	(void)app;
	struct exchange x = {.url = p->userinfo_endpoint, .header = arena_printf(a, "Authorization: Bearer %s", access_token)};
	const char *why = perform(a, &x);
	if (!why && x.status != 200)
		why = arena_printf(a, "the userinfo endpoint answered HTTP %ld", x.status);
	*text = x.body;
	*len = x.len;
	return why;
}
