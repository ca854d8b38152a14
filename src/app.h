/* app.h - what a running site holds: its configuration, store and compiled templates. One per process;
 * read-only after start-up, so every worker thread shares it without locks. */
#ifndef BROADSHEET_APP_H
#define BROADSHEET_APP_H

#include "auth.h"
#include "config.h"

struct cache;
struct db;
struct render;
struct scheduler;
struct webhook_runner;
struct views_runner;
struct oidc_client;
struct push_runner;
struct mailq_runner;
struct wires_runner;

struct app {
	struct config cfg;
	char *site_dir;
	char *media_dir;
	struct db *db;
	struct render *render;
	unsigned char secret[AUTH_SECRET_BYTES]; /* from secret.key: keys form tokens */
	int https;                               /* base_url is https: cookies get Secure */
	struct scheduler *scheduler;             /* the publishing clock while serving, else NULL */
	struct webhook_runner *webhooks;         /* the webhook delivery thread while serving, else NULL */
	struct cache *cache;                     /* the page cache while serving (cache_mb > 0), else NULL */
	struct views_runner *views;              /* the view counters' flush thread while serving, else NULL */
	struct oidc_client *oidc;                /* sign-in with the identity provider while serving (configured),
						    else NULL (oidc_client.h) */
	struct push_runner *push;                /* the Web Push sender while serving, else NULL (push.h) */
	struct mailq_runner *mailq;              /* the mail queue's senders while serving, else NULL (mailq.h) */
	struct wires_runner *wires;              /* the wire poller while serving, else NULL (wires.h) */
	unsigned char vapid_priv[32];            /* the site's VAPID key pair, from vapid.key (push.h) */
	unsigned char vapid_pub[65];
};

#define BROADSHEET_VERSION "0.1.0"

#endif
