/* webhook.c - see webhook.h. The delivery thread takes due queue rows one after another, POSTs each
 * with libcurl under a connect and a total timeout, and records the attempt; no transaction is open
 * while a request is in flight. It sleeps on a condition variable for at most a second. */
#include "webhook.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "render.h"
#include "util.h"
#include "worker.h"

#define WEBHOOK_BATCH 1        /* jobs claimed at a time (run_due) */
#define WEBHOOK_LEASE_SLACK 60 /* seconds a claim outlasts webhook_timeout: recording the attempt, clock skew */
#define WEBHOOK_MAX_DELAY 3600
#define WEBHOOK_REFUSED N_("refused: private address") /* the delivery log's line for a refused target */
#define WEBHOOK_WITHHELD N_("could not connect or no answer (details are not shown for private addresses)")

const char *const webhook_events[WEBHOOK_NEVENTS] = {"article.published",	"article.updated",	  "article.unpublished",
						     "live.started",		"live.entry.created", "live.entry.updated",
						     "live.entry.withdrawn", "live.ended"};

struct webhook_runner {
	struct worker *worker; /* the delivery thread (worker.h) */
	struct worker *self;   /* the same, as its rounds see it: set and read on that thread only */
	CURL *curl;            /* used by the delivery thread only */
	struct app *app;
};

const char *webhook_url_problem(const char *url)
{
	size_t len = strlen(url);
	const char *host = strncmp(url, "http://", 7) == 0 ? url + 7 : strncmp(url, "https://", 8) == 0 ? url + 8 : NULL;
	if (!host)
		return N_("The address must start with http:// or https://.");
	if (len > WEBHOOK_URL_MAX)
		return N_("The address is too long (at most 2000 bytes).");
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return N_("The address cannot contain spaces or control characters.");
	if (!*host || *host == '/' || *host == '?' || *host == '#' || *host == ':')
		return N_("The address needs a host name after http:// or https://.");
	CURLU *u = curl_url();
	if (!u)
		return N_("The address could not be checked.");
	CURLUcode rc = curl_url_set(u, CURLUPART_URL, url, 0);
	curl_url_cleanup(u);
	return rc == CURLUE_OK ? NULL : N_("The address is not a valid URL.");
}

/* The ranges a webhook may not reach unless webhook_allow_private names them, with their names (the
 * IANA special-purpose registries, less the documentation ranges). IPv4 networks match IPv4-mapped IPv6
 * too (metrics_net keeps IPv4 that way). The first match names the address. */
static const struct {
	const char *net, *kind;
} reserved[] = {
	{"0.0.0.0/8", N_("unspecified")}, /* "this network": connecting to 0.0.0.0 reaches this host */
	{"10.0.0.0/8", N_("private")},
	{"100.64.0.0/10", N_("carrier-grade NAT")},
	{"127.0.0.0/8", N_("loopback")},
	{"169.254.0.0/16", N_("link-local")},
	{"172.16.0.0/12", N_("private")},
	{"192.0.0.0/24", N_("IETF protocol assignments")},
	{"192.168.0.0/16", N_("private")},
	{"198.18.0.0/15", N_("benchmarking")},
	{"224.0.0.0/4", N_("multicast")},
	{"240.0.0.0/4", N_("reserved")}, /* with 255.255.255.255, the broadcast address */
	{"::/128", N_("unspecified")},
	{"::1/128", N_("loopback")},
	{"::/96", N_("IPv4-compatible")},
	{"::ffff:0:0:0/96", N_("IPv4-translated")},
	{"64:ff9b:1::/48", N_("local-use NAT64")},
	{"100::/64", N_("discard-only")},
	{"2001::/32", N_("Teredo tunnel")}, /* its IPv4 address is hidden (XORed) */
	{"fc00::/7", N_("unique local")},
	{"fe80::/10", N_("link-local")},
	{"fec0::/10", N_("site-local")},
	{"ff00::/8", N_("multicast")},
};

const char *webhook_addr_kind(const char *ip)
{
	struct metrics_net a, net;
	if (!ip || strchr(ip, '/') || metrics_net_parse(ip, &a) < 0)
		return N_("not an address");
	for (size_t i = 0; i < ARRAY_LEN(reserved); i++)
		if (metrics_net_parse(reserved[i].net, &net) == 0 && metrics_allowed(&net, 1, ip))
			return reserved[i].kind;
	/* forms that carry an IPv4 address: NAT64's well-known prefix (last 32 bits) and 6to4 (bits 16-47) */
	static const unsigned char nat64[12] = {0x00, 0x64, 0xff, 0x9b};
	const unsigned char *v4 = memcmp(a.addr, nat64, 12) == 0		? a.addr + 12
				  : a.addr[0] == 0x20 && a.addr[1] == 0x02 ? a.addr + 2
									   : NULL;
	if (!v4)
		return NULL;
	char inner[INET_ADDRSTRLEN];
	snprintf(inner, sizeof inner, "%u.%u.%u.%u", v4[0], v4[1], v4[2], v4[3]);
	return webhook_addr_kind(inner);
}

const char *webhook_addr_refused(const char *ip, const struct metrics_net *allow, size_t n)
{
	const char *kind = webhook_addr_kind(ip);
	return kind && !(n && metrics_allowed(allow, n, ip)) ? kind : NULL;
}

/* sockaddr_text: the address of sa (AF_INET or AF_INET6) as text into out (INET6_ADDRSTRLEN bytes).
 * Returns out, or NULL for another family. */
static const char *sockaddr_text(const struct sockaddr *sa, char *out)
{
	const void *bin = sa->sa_family == AF_INET    ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
			  : sa->sa_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
						      : NULL;
	return bin && inet_ntop(sa->sa_family, bin, out, INET6_ADDRSTRLEN) ? out : NULL;
}

/* url_host: url's host name as libcurl reads it (numeric IPv4 forms such as 0x7f000001 written out,
 * IPv6 without its brackets), in the arena; NULL when url cannot be parsed. */
static const char *url_host(struct arena *a, const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL;
	const char *copy = NULL;
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host) {
		size_t len = strlen(host);
		copy = len >= 2 && host[0] == '[' && host[len - 1] == ']' ? arena_strndup(a, host + 1, len - 2)
									     : arena_strdup(a, host);
	}
	curl_free(host);
	curl_url_cleanup(u);
	return copy;
}

const char *webhook_target_problem(struct arena *a, const char *url, const char *allow_list, enum catalog_lang lang)
{
	struct metrics_net allow[CONFIG_METRICS_NETS];
	char bad[64];
	int n = metrics_allow_parse(allow_list, allow, CONFIG_METRICS_NETS, bad, sizeof bad);
	const char *host = url_host(a, url);
	if (!host)
		return NULL; /* webhook_url_problem has said so already */
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return NULL;
	const char *problem = NULL;
	for (struct addrinfo *ai = res; ai && !problem; ai = ai->ai_next) {
		char ip[INET6_ADDRSTRLEN];
		const char *kind = sockaddr_text(ai->ai_addr, ip) ? webhook_addr_refused(ip, allow, n > 0 ? (size_t)n : 0)
								   : N_("not an IP address");
		if (!kind)
			continue;
		kind = catalog_tr(lang, kind);
		problem = strcmp(host, ip) == 0
				  ? arena_printf(a, catalog_tr(lang, "The address %s is not a public address (%s). Webhooks may not "
								     "reach loopback, link-local or private networks unless "
								     "the server's webhook_allow_private setting names them."),
						 ip, kind)
				  : arena_printf(a, catalog_tr(lang, "%s resolves to %s, which is not a public address (%s). "
								     "Webhooks may not reach loopback, link-local or private "
								     "networks unless the server's webhook_allow_private "
								     "setting names them."),
						 host, ip, kind);
	}
	freeaddrinfo(res);
	return problem;
}

const char *webhook_status_event(const char *from, const char *to)
{
	int was = strcmp(from, "published") == 0, is = strcmp(to, "published") == 0;
	if (is && !was)
		return "article.published";
	if (was && !is)
		return "article.unpublished";
	return NULL;
}

int64_t webhook_retry_delay(int base, int attempts)
{
	int64_t d = base > 0 ? base : 1;
	for (int i = 1; i < attempts && d < WEBHOOK_MAX_DELAY; i++)
		d *= 2;
	return d < WEBHOOK_MAX_DELAY ? d : WEBHOOK_MAX_DELAY;
}

void webhook_signature(const char *secret, const char *timestamp, const char *body, size_t body_len, char *out)
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)timestamp, strlen(timestamp));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, body_len);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, "sha256=", 7);
	sodium_bin2hex(out + 7, WEBHOOK_SIG_LEN - 7, mac, sizeof mac);
	sodium_memzero(&st, sizeof st);
}

/* iso_or_null: a new JSON string with the RFC 3339 form of t, or JSON null when t is 0. */
static json_t *iso_or_null(struct arena *a, int64_t t)
{
	return t ? json_string(render_iso(a, t)) : json_null();
}

const char *webhook_body(struct arena *a, const char *base_url, const struct db_webhook_job *job)
{
	json_error_t err;
	json_t *snap = json_loads(job->payload, 0, &err);
	if (!json_is_object(snap)) {
		json_decref(snap);
		return NULL;
	}
	struct db_article art = {0};
	art.id = json_integer_value(json_object_get(snap, "id"));
	art.edition = json_string_value(json_object_get(snap, "edition"));
	art.slug = json_string_value(json_object_get(snap, "slug"));
	art.headline = json_string_value(json_object_get(snap, "headline"));
	art.standfirst = json_string_value(json_object_get(snap, "standfirst"));
	art.published_at = json_integer_value(json_object_get(snap, "published_at"));
	art.updated_at = json_integer_value(json_object_get(snap, "updated_at"));
	if (!art.id || !art.edition || !art.slug || !art.headline) {
		json_decref(snap);
		return NULL;
	}
	json_t *article = json_object();
	json_object_set_new(article, "id", json_integer(art.id));
	json_object_set_new(article, "edition", json_string(art.edition));
	json_object_set_new(article, "url",
			    json_string(arena_printf(a, "%s%s", base_url, render_article_href(a, &art))));
	json_object_set_new(article, "headline", json_string(art.headline));
	json_object_set_new(article, "standfirst", json_string(art.standfirst ? art.standfirst : ""));
	json_object_set_new(article, "published_at", iso_or_null(a, art.published_at));
	json_object_set_new(article, "updated_at", iso_or_null(a, art.updated_at));
	json_t *body = json_object();
	json_object_set_new(body, "event", json_string(job->event));
	json_object_set_new(body, "id", json_string(arena_printf(a, "%lld", (long long)job->id)));
	json_object_set_new(body, "occurred_at", json_string(render_iso(a, job->created_at)));
	json_object_set_new(body, "article", article);
	json_t *entry = json_object_get(snap, "entry"); /* live events: the entry, or null */
	if (entry)
		json_object_set(body, "entry", entry);
	char *text = json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(body);
	json_decref(snap);
	if (!text)
		return NULL;
	const char *copy = arena_strdup(a, text);
	free(text);
	return copy;
}

/* enqueue: queues event for article_id in the caller's transaction and marks the request so that the
 * delivery thread is woken once the handler has finished. DB_OK or DB_ERROR. */
static int enqueue(struct http_request *req, int64_t article_id, const char *event)
{
	int queued = 0;
	if (db_webhook_enqueue(req->app->db, article_id, event, util_now(), &queued) != DB_OK)
		return DB_ERROR;
	if (queued)
		req->webhook_queued = 1;
	return DB_OK;
}

int webhook_article_moved(struct http_request *req, int64_t article_id, const char *from, const char *to)
{
	const char *event = webhook_status_event(from, to);
	return event ? enqueue(req, article_id, event) : DB_OK;
}

int webhook_article_saved(struct http_request *req, int64_t article_id, const char *status)
{
	return strcmp(status, "published") == 0 ? enqueue(req, article_id, "article.updated") : DB_OK;
}

int webhook_live(struct http_request *req, int64_t article_id, const char *event, const char *entry_json)
{
	int queued = 0;
	if (db_webhook_enqueue_with(req->app->db, article_id, event, entry_json, util_now(), &queued) != DB_OK)
		return DB_ERROR;
	if (queued)
		req->webhook_queued = 1;
	return DB_OK;
}

/* discard: libcurl write callback that drops the endpoint's reply body. */
static size_t discard(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	(void)ptr;
	(void)userdata;
	return size * nmemb;
}

/* progress: libcurl progress callback: non-zero (abort the transfer) once the server is stopping. */
static int progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return worker_stopping(((struct webhook_runner *)clientp)->self) ? 1 : 0;
}

/* What the delivery thread lets libcurl connect to, and what it saw: the allowed private networks
 * (webhook_allow_private), how many addresses were refused, and whether a socket was opened to a private
 * address that the setting allows. */
struct target_check {
	const struct metrics_net *allow;
	size_t nallow;
	int refused;        /* addresses refused */
	int opened;         /* sockets opened */
	int private_opened; /* of those, to an allowed private address */
};

/* open_checked: libcurl's open-socket callback: the last step before every connect, after libcurl's own
 * name resolution, so a name that resolved to a public address when the endpoint was saved and to a
 * private one now (DNS rebinding) is refused here. Refuses (CURL_SOCKET_BAD, counted; libcurl then tries
 * the host's next address, if any) an address webhook_addr_refused refuses, and any socket that is not
 * for an IPv4 or IPv6 connection; else returns a new socket (close-on-exec) that libcurl owns. */
static curl_socket_t open_checked(void *clientp, curlsocktype purpose, struct curl_sockaddr *address)
{
	struct target_check *t = clientp;
	char ip[INET6_ADDRSTRLEN];
	if (purpose != CURLSOCKTYPE_IPCXN || !sockaddr_text(&address->addr, ip) ||
	    webhook_addr_refused(ip, t->allow, t->nallow)) {
		t->refused++;
		return CURL_SOCKET_BAD;
	}
	t->opened++;
	if (webhook_addr_kind(ip))
		t->private_opened = 1;
	return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

/* monotonic_ms: a monotonic clock in milliseconds, for durations. */
static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* deliver: one attempt for job: POST (connecting only to addresses target allows), then record it and
 * move the queue row on. Returns 0, or -1 when the server is stopping and the attempt was abandoned
 * (nothing recorded: the row's claim is given back, so it is due at once). */
static int deliver(struct webhook_runner *w, CURL *curl, struct arena *a, const struct db_webhook_job *job,
		   struct target_check *target)
{
	const struct config *cfg = &w->app->cfg;
	struct db *db = w->app->db;
	int attempt = job->attempts + 1;
	const char *body = webhook_body(a, cfg->base_url, job);
	if (!body) {
		log_error("webhooks: queue row %lld has an unreadable payload; giving it up", (long long)job->id);
		db_webhook_attempt(db, job->id, attempt, util_now(), 0, N_("unreadable payload"), 0, "failed", util_now());
		return 0;
	}
	int64_t ts = util_now();
	char stamp[24], sig[WEBHOOK_SIG_LEN], errbuf[CURL_ERROR_SIZE] = "";
	snprintf(stamp, sizeof stamp, "%lld", (long long)ts);
	webhook_signature(job->secret, stamp, body, strlen(body), sig);
	struct curl_slist *h = NULL, *t;
	const char *lines[] = {"Content-Type: application/json",
			       arena_printf(a, "Broadsheet-Event: %s", job->event),
			       arena_printf(a, "Broadsheet-Delivery: %lld", (long long)job->id),
			       arena_printf(a, "Broadsheet-Timestamp: %s", stamp),
			       arena_printf(a, "Broadsheet-Signature: %s", sig),
			       "Expect:"};
	for (size_t i = 0; i < ARRAY_LEN(lines); i++) {
		t = curl_slist_append(h, lines[i]);
		if (!t) {
			curl_slist_free_all(h);
			return 0; /* out of memory: try again on the next pass */
		}
		h = t;
	}
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, job->url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_PROXY, ""); /* never a proxy from the environment: connect directly */
	curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L); /* every delivery's connection passes open_checked */
	curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, open_checked);
	curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, target);
	curl_easy_setopt(curl, CURLOPT_POST, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "Broadsheet/" BROADSHEET_VERSION " webhooks");
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)cfg->webhook_connect_timeout);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)cfg->webhook_timeout);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, w);
	target->refused = target->opened = target->private_opened = 0;
	int64_t started = monotonic_ms();
	CURLcode rc = curl_easy_perform(curl);
	int64_t ms = monotonic_ms() - started;
	curl_slist_free_all(h);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	if (rc == CURLE_ABORTED_BY_CALLBACK && worker_stopping(w->self)) {
		db_webhook_release(db, job->id, util_now()); /* another node (or this one restarted) takes it */
		return -1;
	}
	long status = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	const char *detail = rc == CURLE_OK ? "" : errbuf[0] ? errbuf : curl_easy_strerror(rc);
	/* the admin's log is no port scanner: no probe of a refused address, and for an allowed private one
	 * no telling a closed port from a filtered one (the server's own log keeps libcurl's words) */
	if (rc != CURLE_OK && target->refused && !target->opened)
		detail = WEBHOOK_REFUSED;
	const char *error = rc != CURLE_OK && target->private_opened ? WEBHOOK_WITHHELD : detail;
	int64_t now = util_now();
	const char *state = "pending";
	int64_t next = now;
	if (rc == CURLE_OK && status >= 200 && status <= 299)
		state = "done";
	else if (attempt >= cfg->webhook_max_attempts)
		state = "failed";
	else
		next = now + webhook_retry_delay(cfg->webhook_retry_base, attempt);
	if (strcmp(state, "done") != 0)
		log_info("webhooks: delivery %lld attempt %d to %s: %s%s", (long long)job->id, attempt, job->url,
			 status ? arena_printf(a, "HTTP %ld", status) : detail,
			 strcmp(state, "failed") == 0 ? "; giving up" : "");
	if (db_webhook_attempt(db, job->id, attempt, ts, (int)status, error, ms, state, next) != DB_OK)
		log_error("webhooks: recording delivery %lld failed", (long long)job->id);
	return 0;
}

/* run_due: delivers the due rows, one after another. Returns how many attempts were made. */
static int run_due(struct webhook_runner *w, CURL *curl)
{
	struct arena a = ARENA_INIT;
	struct db_webhook_job *jobs = NULL;
	size_t n = 0;
	int done = 0;
	struct metrics_net allow[CONFIG_METRICS_NETS];
	char bad[64];
	int nallow = metrics_allow_parse(w->app->cfg.webhook_allow_private, allow, CONFIG_METRICS_NETS, bad, sizeof bad);
	struct target_check target = {.allow = allow, .nallow = nallow > 0 ? (size_t)nallow : 0};
	/* one job per claim, so that several nodes share a backlog; its lease outlasts the longest attempt */
	int64_t now = util_now();
	if (db_webhook_due(w->app->db, &a, now, WEBHOOK_BATCH, now + w->app->cfg.webhook_timeout + WEBHOOK_LEASE_SLACK,
			   &jobs, &n) != DB_OK) {
		log_error("webhooks: reading the queue failed; retrying in a second");
		n = 0;
	}
	for (size_t i = 0; i < n && !worker_stopping(w->self); i++) {
		if (deliver(w, curl, &a, &jobs[i], &target) < 0)
			break;
		done++;
	}
	arena_free(&a);
	return done;
}

/* webhook_round: the delivery worker's round (worker.h): delivers what is due, then sleeps a second or
 * until woken; goes on at once when it delivered something (more may be due). */
static int64_t webhook_round(struct worker *self, void *arg)
{
	struct webhook_runner *w = arg;
	w->self = self;
	return run_due(w, w->curl) > 0 ? 0 : 1000;
}

int webhook_start(struct app *app)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("cannot initialise libcurl for webhooks");
		return -1;
	}
	struct webhook_runner *w = xcalloc(1, sizeof *w);
	w->app = app;
	w->curl = curl_easy_init();
	if (!w->curl)
		log_error("webhooks: cannot create a libcurl handle; no deliveries");
	else
		w->worker = worker_start("webhook delivery", webhook_round, w, 0);
	if (w->curl && !w->worker) {
		curl_easy_cleanup(w->curl);
		free(w);
		curl_global_cleanup();
		return -1;
	}
	app->webhooks = w;
	return 0;
}

void webhook_wake(struct app *app)
{
	if (app->webhooks)
		worker_wake(app->webhooks->worker);
}

void webhook_stop(struct app *app)
{
	struct webhook_runner *w = app->webhooks;
	if (!w)
		return;
	worker_stop(w->worker);
	if (w->curl)
		curl_easy_cleanup(w->curl);
	free(w);
	app->webhooks = NULL;
	curl_global_cleanup();
}
