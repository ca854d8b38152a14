/* config.c - configuration parsing (see config.h). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "oidc.h"
#include "util.h"


static int set_int(int *dst, const char *key, const char *value, int lo, int hi, char *err, size_t errlen)
{
	int64_t v;
	if (util_parse_i64(value, &v) < 0 || v < lo || v > hi) {
		snprintf(err, errlen, "%s must be a whole number from %d to %d, not '%s'", key, lo, hi, value);
		return -1;
	}
	*dst = (int)v;
	return 0;
}

static int set_str(char *dst, size_t cap, const char *key, const char *value, char *err, size_t errlen)
{
	if (strlen(value) >= cap) {
		snprintf(err, errlen, "%s is too long (at most %zu bytes)", key, cap - 1);
		return -1;
	}
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if (*p < 0x20 || *p == 0x7f) { /* a value is one line of the file (init writes --db into it) */
			snprintf(err, errlen, "%s must not contain control characters such as a line break", key);
			return -1;
		}
	memcpy(dst, value, strlen(value) + 1);
	return 0;
}

/* set_nets: sets a list of IP addresses and CIDR networks (metrics_allow, webhook_allow_private, trusted_proxies) after checking
 * that metrics_allow_parse reads it and that it names at most max networks. 0, or -1 with err set. */
static int set_nets(char *dst, size_t cap, int max, const char *key, const char *value, char *err, size_t errlen)
{
	struct metrics_net nets[CONFIG_METRICS_NETS > CONFIG_TRUSTED_NETS ? CONFIG_METRICS_NETS : CONFIG_TRUSTED_NETS];
	char bad[64];
	if (metrics_allow_parse(value, nets, (size_t)max, bad, sizeof bad) < 0) {
		snprintf(err, errlen, "%s must list IP addresses or CIDR networks (at most %d), not '%s'", key, max, bad);
		return -1;
	}
	return set_str(dst, cap, key, value, err, errlen);
}

int config_parse_listen(struct config *c, const char *s, char *err, size_t errlen)
{
	const char *colon = strrchr(s, ':');
	if (!colon) {
		snprintf(err, errlen, "listen must be ADDRESS:PORT, not '%s'", s);
		return -1;
	}
	size_t alen = (size_t)(colon - s);
	const char *addr = s;
	if (alen >= 2 && s[0] == '[' && s[alen - 1] == ']') {
		addr++;
		alen -= 2;
	}
	if (alen >= sizeof c->listen_addr) {
		snprintf(err, errlen, "listen address too long");
		return -1;
	}
	int port;
	if (set_int(&port, "port", colon + 1, 0, 65535, err, errlen) < 0)
		return -1;
	if (alen == 0) {
		snprintf(c->listen_addr, sizeof c->listen_addr, "0.0.0.0");
	} else {
		memcpy(c->listen_addr, addr, alen);
		c->listen_addr[alen] = '\0';
	}
	c->port = port;
	return 0;
}

/* The settings config_set takes besides listen and base_url: an integer field with its range and
 * default, a one-line string, or a list of at most max networks (IPs and CIDRs). */
enum config_kind { CONFIG_INT, CONFIG_STR, CONFIG_NETS };
static const struct config_key {
	const char *name;
	enum config_kind kind;
	size_t off, size; /* the field in struct config; its size (strings and network lists) */
	int lo, hi, def;  /* CONFIG_INT: the range and the default; CONFIG_NETS: hi is the most networks */
} config_keys[] = {
#define INT_KEY(f, lo, hi, def) {#f, CONFIG_INT, offsetof(struct config, f), sizeof(int), lo, hi, def}
#define STR_KEY(name, f) {name, CONFIG_STR, offsetof(struct config, f), sizeof((struct config *)0)->f, 0, 0, 0}
#define NETS_KEY(f, max) {#f, CONFIG_NETS, offsetof(struct config, f), sizeof((struct config *)0)->f, 0, max, 0}
	INT_KEY(port, 0, 65535, 8080),
	STR_KEY("database", database),
	STR_KEY("db", database), /* the short name --db uses */
	INT_KEY(threads, 0, 256, 0),
	INT_KEY(max_connections, 1, 100000, 1024),
	INT_KEY(per_ip_connections, 1, 100000, 64),
	INT_KEY(connection_timeout, 1, 3600, 30),
	INT_KEY(max_url_bytes, 256, 32768, 4096),
	INT_KEY(max_header_bytes, 1024, 49152, 16384),
	INT_KEY(max_body_bytes, 1024, 1 << 30, 1 << 20),
	INT_KEY(max_upload_bytes, 1024, 1 << 30, 10 << 20),
	INT_KEY(max_database_mb, 0, 1000000, 0),
	INT_KEY(session_lifetime, 1, 90 * 86400, 12 * 3600),
	INT_KEY(login_max_failures, 1, 1000, 5),
	INT_KEY(login_window, 1, 86400, 15 * 60),
	INT_KEY(webhook_connect_timeout, 1, 300, 5),
	INT_KEY(webhook_timeout, 1, 600, 10),
	INT_KEY(wire_timeout, 1, 600, 60),
	INT_KEY(webhook_retry_base, 1, 3600, 10),
	INT_KEY(webhook_max_attempts, 1, 100, 8),
	INT_KEY(cache_mb, 0, CONFIG_CACHE_MB_MAX, 64),
	INT_KEY(cache_ttl, 1, 86400, 300),
	INT_KEY(views_flush_ms, 50, 3600000, 5000),
	INT_KEY(smtp_starttls, 0, 1, 1),
	INT_KEY(smtp_timeout, 1, 600, 60),
	NETS_KEY(metrics_allow, CONFIG_METRICS_NETS),
	NETS_KEY(webhook_allow_private, CONFIG_METRICS_NETS),
	NETS_KEY(trusted_proxies, CONFIG_TRUSTED_NETS),
	STR_KEY("access_log", access_log),
	STR_KEY("media_dir", media_dir),
	STR_KEY("oidc_client_id", oidc_client_id),
	STR_KEY("oidc_client_secret", oidc_client_secret),
	STR_KEY("oidc_label", oidc_label),
	STR_KEY("smtp_user", smtp_user),
	STR_KEY("smtp_password", smtp_password),
	STR_KEY("mail_from", mail_from),
	INT_KEY(mail_rate, 1, 10000, 20),
	INT_KEY(mail_concurrency, 1, 32, 2),
	INT_KEY(mail_retry_base, 1, 3600, 60),
	INT_KEY(mail_max_attempts, 1, 100, 8),
	STR_KEY("mail_webhook_secret", mail_webhook_secret),
	INT_KEY(push_connect_timeout, 1, 60, 5),
	INT_KEY(push_timeout, 1, 300, 10),
	INT_KEY(push_retry_base, 1, 3600, 10),
	INT_KEY(push_max_attempts, 1, 100, 8),
	INT_KEY(push_ttl, 0, 2419200, 86400),
	INT_KEY(push_concurrency, 1, 1000, 64),
	INT_KEY(push_subscribe_rate, 1, 100000, 20),
	INT_KEY(nl_confirm_per_day, 1, 20, 3),
	INT_KEY(nl_confirm_per_net_hour, 1, 10000, 30),
	STR_KEY("push_hosts", push_hosts),
	STR_KEY("push_allow_http", push_allow_http),
	STR_KEY("push_contact", push_contact),
#undef INT_KEY
#undef STR_KEY
#undef NETS_KEY
};

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < ARRAY_LEN(config_keys); i++)
		if (config_keys[i].kind == CONFIG_INT)
			*(int *)((char *)c + config_keys[i].off) = config_keys[i].def;
	snprintf(c->listen_addr, sizeof c->listen_addr, "127.0.0.1");
	snprintf(c->database, sizeof c->database, "sqlite:site.db");
	c->base_url[0] = '\0'; /* derived from listen when empty */
	snprintf(c->metrics_allow, sizeof c->metrics_allow, "127.0.0.1 ::1");
	snprintf(c->push_hosts, sizeof c->push_hosts, "%s", CONFIG_PUSH_HOSTS);
}

/* set_base_url: base_url: empty, or http:// or https:// and a host; trailing slashes dropped. 0, or -1
 * with err set. */
static int set_base_url(struct config *c, const char *value, char *err, size_t errlen)
{
	const char *host = strncmp(value, "http://", 7) == 0 ? value + 7 : strncmp(value, "https://", 8) == 0 ? value + 8 : NULL;
	if (*value && (!host || !*host || *host == '/')) {
		snprintf(err, errlen, "base_url must be http:// or https:// followed by a host");
		return -1;
	}
	if (set_str(c->base_url, sizeof c->base_url, "base_url", value, err, errlen) < 0)
		return -1;
	size_t n = strlen(c->base_url);
	while (n > 0 && c->base_url[n - 1] == '/')
		c->base_url[--n] = '\0';
	return 0;
}

int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen)
{
	if (strcmp(key, "listen") == 0)
		return config_parse_listen(c, value, err, errlen);
	if (strcmp(key, "base_url") == 0)
		return set_base_url(c, value, err, errlen);
	if (strcmp(key, "oidc_issuer") == 0 && *value && oidc_url_problem(value)) {
		snprintf(err, errlen, "oidc_issuer: %s", oidc_url_problem(value));
		return -1;
	}
	if (strcmp(key, "oidc_issuer") == 0)
		return set_str(c->oidc_issuer, sizeof c->oidc_issuer, key, value, err, errlen);
	if (strcmp(key, "smtp_url") == 0) {
		if (*value && strncmp(value, "smtp://", 7) != 0 && strncmp(value, "smtps://", 8) != 0) {
			snprintf(err, errlen, "smtp_url: must start with smtp:// (STARTTLS) or smtps:// (TLS)");
			return -1;
		}
		return set_str(c->smtp_url, sizeof c->smtp_url, key, value, err, errlen);
	}
	for (size_t i = 0; i < ARRAY_LEN(config_keys); i++) {
		const struct config_key *k = &config_keys[i];
		char *field = (char *)c + k->off;
		if (strcmp(key, k->name) != 0)
			continue;
		if (k->kind == CONFIG_INT)
			return set_int((int *)field, key, value, k->lo, k->hi, err, errlen);
		if (k->kind == CONFIG_NETS)
			return set_nets(field, k->size, k->hi, key, value, err, errlen);
		return set_str(field, k->size, key, value, err, errlen);
	}
	snprintf(err, errlen, "unknown setting '%s'", key);
	return -1;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

int config_parse(struct config *c, const char *text, char *err, size_t errlen)
{
	int lineno = 0;
	const char *p = text;
	while (*p) {
		lineno++;
		size_t len = strcspn(p, "\n");
		char line[2048];
		if (len >= sizeof line) {
			snprintf(err, errlen, "line %d: too long", lineno);
			return -1;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p += len;
		if (*p)
			p++;
		char *s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "line %d: expected 'key = value'", lineno);
			return -1;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		char msg[256];
		if (config_set(c, key, value, msg, sizeof msg) < 0) {
			snprintf(err, errlen, "line %d: %s", lineno, msg);
			return -1;
		}
	}
	return 0;
}

int config_apply_env(struct config *c, char *err, size_t errlen)
{
	static const struct {
		const char *env, *key;
	} vars[] = {{"BROADSHEET_LISTEN", "listen"},
		    {"BROADSHEET_DATABASE", "database"},
		    {"BROADSHEET_BASE_URL", "base_url"},
		    {"BROADSHEET_THREADS", "threads"},
		    {"BROADSHEET_OIDC_CLIENT_SECRET", "oidc_client_secret"},
		    {"BROADSHEET_SMTP_PASSWORD", "smtp_password"}};
	for (size_t i = 0; i < ARRAY_LEN(vars); i++) {
		const char *v = getenv(vars[i].env);
		if (v && *v) {
			char msg[256];
			if (config_set(c, vars[i].key, v, msg, sizeof msg) < 0) {
				snprintf(err, errlen, "%s: %s", vars[i].env, msg);
				return -1;
			}
		}
	}
	return 0;
}

const char *config_default_text(void)
{
	return "# Broadsheet site configuration. Environment variables BROADSHEET_LISTEN, BROADSHEET_DATABASE,\n"
	       "# BROADSHEET_BASE_URL and BROADSHEET_THREADS override these; command-line options override both.\n"
	       "listen = 127.0.0.1:8080\n"
	       "database = sqlite:site.db\n"
	       "# base_url = https://news.example.com\n"
	       "threads = 0\n"
	       "max_connections = 1024\n"
	       "per_ip_connections = 64\n"
	       "connection_timeout = 30\n"
	       "max_url_bytes = 4096\n"
	       "max_header_bytes = 16384\n"
	       "max_body_bytes = 1048576\n"
	       "# largest image upload (JPEG, PNG or WebP) in bytes\n"
	       "max_upload_bytes = 10485760\n"
	       "# cap on the database's size in MB (0 = none): past it, writes fail with a 503 as on a full disk\n"
	       "max_database_mb = 0\n"
	       "# seconds a newsroom login lasts; failed log-ins allowed per account in login_window seconds\n"
	       "session_lifetime = 43200\n"
	       "login_max_failures = 5\n"
	       "login_window = 900\n"
	       "# webhooks: seconds to connect and for a whole delivery; the first retry's delay in seconds\n"
	       "# (doubling each time, at most an hour); attempts before a delivery is given up\n"
	       "webhook_connect_timeout = 5\n"
	       "webhook_timeout = 10\n"
	       "webhook_retry_base = 10\n"
	       "webhook_max_attempts = 8\n"
	       "# wires: seconds a whole feed's fetch may take (a feed that hangs or trickles is given up)\n"
	       "wire_timeout = 60\n"
	       "# webhooks may not reach loopback, link-local or private addresses (nor names that resolve to\n"
	       "# them) except in these networks (IPs or CIDR networks, space-separated; empty = none)\n"
	       "webhook_allow_private =\n"
	       "# page cache for anonymous readers, in MiB (0 = off); seconds a cached page lives at most\n"
	       "# (a change purges the pages it affects at once: docs/caching.md)\n"
	       "cache_mb = 64\n"
	       "cache_ttl = 300\n"
	       "# milliseconds between writes of the article view counters (Most read) to the database\n"
	       "views_flush_ms = 5000\n"
	       "# addresses (IPs or CIDR networks, space-separated) that may read /metrics; others get a 404\n"
	       "metrics_allow = 127.0.0.1 ::1\n"
	       "# reverse proxies (IPs or CIDR networks, space-separated) whose X-Forwarded-For names the client,\n"
	       "# e.g. 127.0.0.1 for nginx on this host; empty = none: the client is the connection's address\n"
	       "# (docs/operations.md#behind-nginx)\n"
	       "trusted_proxies =\n"
	       "# access log (Combined Log Format): a file path, - for stderr; empty = none. SIGHUP reopens it\n"
	       "access_log =\n"
	       "# uploaded images: empty = media/ in the site directory; several nodes point this at one shared\n"
	       "# directory (an NFS mount): docs/operations.md\n"
	       "media_dir =\n"
	       "# sign-in with the news group's OpenID Connect provider (docs/operations.md#sign-in-with-openid-connect):\n"
	       "# its issuer URL exactly as its discovery document says it, this site's client id and secret (or\n"
	       "# BROADSHEET_OIDC_CLIENT_SECRET in the environment) and its name on the log-in button; empty = off\n"
	       "oidc_issuer =\n"
	       "oidc_client_id =\n"
	       "oidc_client_secret =\n"
	       "oidc_label =\n"
	       "# outgoing mail: the relay (smtp://host:587 with STARTTLS, or smtps://host:465), its log-in (the\n"
	       "# password may come from BROADSHEET_SMTP_PASSWORD instead), whether smtp:// must upgrade to TLS,\n"
	       "# seconds one message may take, and the sender's address (empty = news@ and base_url's host).\n"
	       "# Empty smtp_url = no relay: every message is written as a .eml file under the site's mail/ folder\n"
	       "smtp_url =\n"
	       "smtp_user =\n"
	       "smtp_password =\n"
	       "smtp_starttls = 1\n"
	       "smtp_timeout = 60\n"
	       "mail_from =\n"
	       "# the mail queue (docs/operations.md#outgoing-mail): messages a second at most per node, sender\n"
	       "# threads, seconds before the first retry (doubling), attempts before giving up, and the key the\n"
	       "# relay signs bounce and complaint reports to /newsletter/bounces with (empty = reports refused)\n"
	       "mail_rate = 20\n"
	       "mail_concurrency = 2\n"
	       "mail_retry_base = 60\n"
	       "mail_max_attempts = 8\n"
	       "mail_webhook_secret =\n"
	       "# Web Push alerts (docs/operations.md#web-push): the push services' hosts a reader's subscription may\n"
	       "# name; hosts allowed over http:// (tests only); the VAPID contact (mailto: or https://; empty =\n"
	       "# base_url); seconds to connect and per request; first retry delay (doubling, at most an hour);\n"
	       "# attempts; seconds a push service keeps an undelivered alert; requests in flight; subscriptions\n"
	       "# per reader address per hour\n"
	       "push_hosts = " CONFIG_PUSH_HOSTS "\n"
	       "push_allow_http =\n"
	       "push_contact =\n"
	       "push_connect_timeout = 5\n"
	       "push_timeout = 10\n"
	       "push_retry_base = 10\n"
	       "push_max_attempts = 8\n"
	       "push_ttl = 86400\n"
	       "push_concurrency = 64\n"
	       "push_subscribe_rate = 20\n"
	       "# newsletters' sign-ups: confirmation mails per address a day, addresses mailed per network\n"
	       "# (/24, /64) an hour (more sign-ups get the same answer and no mail)\n"
	       "nl_confirm_per_day = 3\n"
	       "nl_confirm_per_net_hour = 30\n";
}
