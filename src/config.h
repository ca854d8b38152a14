/* config.h - server configuration: defaults, then the site's broadsheet.conf, then BROADSHEET_*
 * environment variables, then command-line options (each later source wins). */
#ifndef BROADSHEET_CONFIG_H
#define BROADSHEET_CONFIG_H
#include <stddef.h>

#define CONFIG_CACHE_MB_MAX 65536 /* 64 GiB: a larger page cache is a typo */
#define CONFIG_METRICS_NETS 32    /* networks metrics_allow may list */
#define CONFIG_TRUSTED_NETS 32    /* networks trusted_proxies may list */
/* the browsers' push services (Chrome, Firefox, Edge, Safari): push_hosts' default */
#define CONFIG_PUSH_HOSTS \
	"fcm.googleapis.com updates.push.services.mozilla.com *.notify.windows.com web.push.apple.com *.push.apple.com"

struct config {
	char listen_addr[64]; /* IPv4 or IPv6 literal */
	int port;
	char database[1024]; /* "sqlite:PATH" (relative paths are relative to the site dir) or "postgresql://..." */
	char base_url[256];  /* absolute URL of the site, no trailing slash */
	int threads;          /* 0 = one per core */
	int max_connections;
	int per_ip_connections;
	int connection_timeout; /* seconds of inactivity */
	int max_url_bytes;
	int max_header_bytes;
	int max_body_bytes;
	int max_upload_bytes; /* largest image the newsroom may upload */
	int max_database_mb;  /* cap on the database size (0 = none) */
	int session_lifetime;   /* seconds a login lasts */
	int login_max_failures; /* per account in login_window seconds (per address: 4x) */
	int login_window;
	int webhook_connect_timeout; /* seconds to connect to a webhook endpoint */
	int webhook_timeout;         /* seconds a whole webhook delivery may take */
	int wire_timeout;            /* seconds a whole wire feed's fetch may take (a feed that hangs is given up) */
	int webhook_retry_base;      /* seconds before the first retry; doubles each time, capped at an hour */
	int webhook_max_attempts;    /* attempts before a delivery is given up */
	char webhook_allow_private[512]; /* space-separated IPs/CIDRs of non-public networks webhooks may reach */
	int cache_mb;                /* page cache bound in MiB; 0 = no page cache */
	int cache_ttl;               /* seconds a cached page is served before it is refreshed */
	int views_flush_ms;          /* how often view counts go from memory to the store */
	char metrics_allow[512];     /* space-separated IPs/CIDRs that may read /metrics */
	char trusted_proxies[512];   /* space-separated IPs/CIDRs of reverse proxies whose X-Forwarded-For names
					the client ("" = none: the client is always the TCP peer) */
	char access_log[1024];       /* access log path ("-" = stderr, "" = none) */
	char media_dir[1024];        /* uploads and images ("" = media/ in the site dir; relative = inside it) */
	/* sign-in with the news group's OpenID Connect provider (page_oidc.c); off while oidc_issuer is "" */
	char oidc_issuer[1001];       /* the provider's issuer URL, exactly as its discovery document says it */
	char oidc_client_id[256];     /* this site's client at the provider */
	char oidc_client_secret[512]; /* its secret (or BROADSHEET_OIDC_CLIENT_SECRET) */
	char oidc_label[128];         /* the provider's name on the log-in page's button ("" = a generic one) */
	/* outgoing mail (mail_send.h): the relay; off while smtp_url is "" (then mail is written to files) */
	char smtp_url[512];      /* "smtp://host:587" or "smtps://host:465" */
	char smtp_user[256];     /* "" = no authentication */
	char smtp_password[512]; /* or BROADSHEET_SMTP_PASSWORD */
	int smtp_starttls;       /* 1: an smtp:// relay must upgrade to TLS, or nothing is sent */
	int smtp_timeout;        /* seconds one message may take */
	char mail_from[256];     /* the sender's address ("" = news@ and base_url's host) */
	/* the mail queue's senders (mailq.h) */
	int mail_rate;                 /* messages a second at most (per node) */
	int mail_concurrency;          /* sender threads (messages in flight at once) */
	int mail_retry_base;           /* seconds before the first retry of a temporary failure; doubles, at most an hour */
	int mail_max_attempts;         /* attempts before a message is given up */
	char mail_webhook_secret[256]; /* the key of the relay's bounce and complaint reports ("" = refused) */
	/* Web Push alerts (push.c) */
	char push_hosts[1024];     /* push service hosts a subscription's endpoint may name ("*.x" = below x) */
	char push_allow_http[512]; /* hosts whose endpoints may be http:// (a test's loopback push service) */
	char push_contact[256];    /* the VAPID sub: mailto:... or https://... ("" = base_url) */
	int push_connect_timeout;  /* seconds to connect to a push service */
	int push_timeout;          /* seconds one push request may take */
	int push_retry_base;       /* seconds before the first retry; doubles, at most an hour */
	int push_max_attempts;     /* attempts before a delivery is given up */
	int push_ttl;              /* seconds a push service keeps an undelivered alert (TTL header) */
	int push_concurrency;      /* push requests in flight at once */
	int push_subscribe_rate;   /* subscriptions per address per hour */
	/* newsletters' sign-ups (issue 22): confirmation mails per address a day; addresses mailed per network an hour */
	int nl_confirm_per_day;
	int nl_confirm_per_net_hour;
};

/* config_defaults: fills c with the built-in defaults. */
void config_defaults(struct config *c);

/* config_set: sets one key (the keys of config_default_text(): listen, port, database, base_url, threads,
 * connection and request limits, upload size, session and log-in throttling, webhook delivery and
 * webhook_allow_private, page cache, the view counters' flush interval, metrics_allow, trusted_proxies,
 * access_log, media_dir, the OpenID Connect provider: oidc_issuer (checked with oidc_url_problem),
 * oidc_client_id, oidc_client_secret, oidc_label, the mail relay: smtp_url (smtp:// or smtps://), smtp_user,
 * smtp_password, smtp_starttls, smtp_timeout, and mail_from).
 * Returns 0, or -1 with a message in err for an unknown key or a value out of range. */
int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen);

/* config_parse: applies "key = value" lines (# comments, blank lines allowed) from text.
 * Returns 0, or -1 with "line N: ..." in err; c may be partly updated on error. */
int config_parse(struct config *c, const char *text, char *err, size_t errlen);

/* config_parse_listen: splits "ADDR:PORT" or "[V6]:PORT" or ":PORT" into c. 0 or -1 (err set). */
int config_parse_listen(struct config *c, const char *s, char *err, size_t errlen);

/* config_apply_env: applies BROADSHEET_LISTEN, BROADSHEET_DATABASE, BROADSHEET_BASE_URL,
 * BROADSHEET_THREADS, BROADSHEET_OIDC_CLIENT_SECRET. Returns 0 or -1 (err set). */
int config_apply_env(struct config *c, char *err, size_t errlen);

/* config_write_default: the text of a new site's broadsheet.conf (static string). */
const char *config_default_text(void);

#endif
