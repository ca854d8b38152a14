/* db_pg_notify.c - page-cache invalidation between nodes on PostgreSQL (db_purge_publish,
 * db_purge_listen): LISTEN/NOTIFY on the channel broadsheet_purge.
 *
 * A payload is "<node> <key> <key> ..." or "<node> *" (purge everything), at most PG_PURGE_PAYLOAD bytes
 * (PostgreSQL refuses 8000 and more): a longer list of keys goes out as several notifications. <node> is
 * this process's random id, so the listener skips what this process sent itself (its own cache was
 * purged already; purging twice would be harmless but would needlessly refuse the fills in flight).
 * Cache keys never hold spaces (cache_depend builds them from ids and edition codes).
 *
 * The listener is a thread with a connection of its own (the request connections are per thread and
 * may sit in a transaction, which holds notifications back): it waits in poll() on the connection's
 * socket and on a pipe that stop writes to, reads with PQconsumeInput/PQnotifies, and when the
 * connection is lost (a restarted server: PQconsumeInput fails, or TCP keepalives give up on a dead
 * peer) it reconnects every second until the server is back, then reports a purge of everything, since
 * notifications sent meanwhile are lost. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "db_pg_int.h"
#include "util.h"

#define PG_PURGE_CHANNEL "broadsheet_purge"
#define PG_PURGE_PAYLOAD 7900 /* bytes per notification, under PostgreSQL's 8000 */

struct pg_listener {
	pthread_t thread;
	int pipe[2]; /* stop writes a byte to [1]; the thread polls [0] */
	db_purge_fn fn;
	void *arg;
	char *url;
	const char *node; /* the pg_db's node id */
};

void pg_notify_node_id(char *out, size_t cap)
{
	unsigned char r[8];
	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t v = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40);
		memcpy(r, &v, sizeof r);
	}
	snprintf(out, cap, "%02x%02x%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
}

static const char sql_notify[] = "SELECT pg_notify('" PG_PURGE_CHANNEL "', $1)";

/* send_payload: one NOTIFY with payload p on this thread's connection. DB_OK or DB_ERROR (logged). */
static int send_payload(struct db *db, const char *p)
{
	struct pg_stmt *st = pg_prepare(db, sql_notify);
	if (!st)
		return DB_ERROR;
	pgs_bind_text(st, 1, p);
	int rc = pgs_step(st);
	if (rc != DBS_ROW) {
		pg_log(db, "publishing a cache purge");
		pg_done(st);
		return DB_ERROR;
	}
	pg_done(st);
	return DB_OK;
}

int pg_notify_payloads(const char *node, const char *const *keys, size_t n, size_t max,
		 int (*emit)(void *arg, const char *payload), void *arg)
{
	size_t head = strlen(node), len = head;
	char *p = xcalloc(1, max + 1);
	int all = n == 0, rc = 0;
	if (head + 2 > max) {
		free(p);
		return -1;
	}
	memcpy(p, node, head);
	for (size_t i = 0; i < n && !all && rc == 0; i++) {
		size_t k = strlen(keys[i]);
		if (k == 0 || strchr(keys[i], ' '))
			continue;
		if (head + 1 + k > max) {
			all = 1;
			break;
		}
		if (len + 1 + k > max) {
			rc = emit(arg, p);
			len = head;
			p[len] = '\0';
		}
		p[len++] = ' ';
		memcpy(p + len, keys[i], k + 1);
		len += k;
	}
	if (rc == 0 && all) {
		memcpy(p + head, " *", 3);
		len = head + 2;
	}
	if (rc == 0 && len > head)
		rc = emit(arg, p);
	free(p);
	return rc;
}

/* emit_notify: pg_notify_payloads' emit for pg_purge_publish: arg is the db. 0 or -1. */
static int emit_notify(void *arg, const char *payload)
{
	return send_payload(arg, payload) == DB_OK ? 0 : -1;
}

/* pg_purge_publish: see db_purge_publish. DB_OK or DB_ERROR. */
int pg_purge_publish(struct db *db, const char *const *keys, size_t n)
{
	struct pg_db *d = (struct pg_db *)db;
	return pg_notify_payloads(d->node, keys, n, PG_PURGE_PAYLOAD, emit_notify, db) == 0 ? DB_OK : DB_ERROR;
}

void pg_notify_dispatch(const char *node, const char *payload, db_purge_fn fn, void *arg)
{
	size_t nl = strlen(node);
	if (strncmp(payload, node, nl) == 0 && (payload[nl] == ' ' || payload[nl] == '\0'))
		return;
	const char *p = strchr(payload, ' ');
	if (!p)
		return; /* not ours */
	char *copy = xstrdup(p + 1);
	size_t cap = 16, n = 0;
	const char **keys = xcalloc(cap, sizeof *keys);
	int all = 0;
	for (char *save = NULL, *k = strtok_r(copy, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
		if (strcmp(k, "*") == 0) {
			all = 1;
			break;
		}
		if (n == cap) {
			cap *= 2;
			const char **bigger = xcalloc(cap, sizeof *bigger);
			memcpy(bigger, keys, n * sizeof *keys);
			free(keys);
			keys = bigger;
		}
		keys[n++] = k;
	}
	if (all || n)
		fn(arg, keys, all ? 0 : n);
	free(keys);
	free(copy);
}

/* listen_connect: a new connection with TCP keepalives (a peer that vanished is noticed in about 25 s)
 * that LISTENs on the channel; NULL when the server cannot be reached (reason logged once per outage
 * by the caller through *logged). */
static PGconn *listen_connect(const char *url, int *logged)
{
	const char *names[] = {"dbname", "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
			       "connect_timeout", NULL};
	const char *values[] = {url, "1", "10", "5", "3", "5", NULL};
	PGconn *h = PQconnectdbParams(names, values, 1);
	if (h && PQstatus(h) == CONNECTION_OK) {
		PGresult *r = PQexec(h, "LISTEN " PG_PURGE_CHANNEL);
		int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (ok)
			return h;
	}
	if (!*logged) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", h ? PQerrorMessage(h) : "out of memory");
		msg[strcspn(msg, "\n")] = '\0';
		log_error("postgresql: cache purge listener cannot connect (%s); retrying every second", msg);
		*logged = 1;
	}
	PQfinish(h);
	return NULL;
}

/* listen_main: the listener thread (see the top of the file). */
static void *listen_main(void *arg)
{
	struct pg_listener *l = arg;
	PGconn *h = NULL;
	int connected_before = 0, logged = 0;
	for (;;) {
		if (!h) {
			h = listen_connect(l->url, &logged);
			if (h) {
				if (connected_before) {
					log_info("postgresql: cache purge listener reconnected; purging the page cache");
					l->fn(l->arg, NULL, 0);
				}
				connected_before = 1;
				logged = 0;
			}
		}
		struct pollfd fds[2] = {{.fd = l->pipe[0], .events = POLLIN}, {.fd = h ? PQsocket(h) : -1, .events = POLLIN}};
		int rc = poll(fds, h ? 2 : 1, 1000);
		if (rc < 0 && errno != EINTR) {
			log_error("postgresql: cache purge listener: poll: %s", strerror(errno));
			break;
		}
		if (fds[0].revents)
			break;
		if (!h || rc <= 0)
			continue;
		if (!PQconsumeInput(h) || PQstatus(h) != CONNECTION_OK) {
			log_error("postgresql: cache purge listener lost its connection; reconnecting");
			PQfinish(h);
			h = NULL;
			continue;
		}
		PGnotify *nt;
		while ((nt = PQnotifies(h))) {
			if (strcmp(nt->relname, PG_PURGE_CHANNEL) == 0 && nt->extra)
				pg_notify_dispatch(l->node, nt->extra, l->fn, l->arg);
			PQfreemem(nt);
		}
	}
	PQfinish(h);
	return NULL;
}

/* listener_stop: stops and frees the running listener, if any. */
static void listener_stop(struct pg_db *d)
{
	struct pg_listener *l = d->listener;
	if (!l)
		return;
	ssize_t w;
	do
		w = write(l->pipe[1], "x", 1);
	while (w < 0 && errno == EINTR);
	pthread_join(l->thread, NULL);
	close(l->pipe[0]);
	close(l->pipe[1]);
	free(l->url);
	free(l);
	d->listener = NULL;
}

/* pg_purge_listen: see db_purge_listen; one listener per handle (starting another replaces it). DB_OK or
 * DB_ERROR (logged). */
int pg_purge_listen(struct db *db, db_purge_fn fn, void *arg)
{
	struct pg_db *d = (struct pg_db *)db;
	listener_stop(d);
	if (!fn)
		return DB_OK;
	struct pg_listener *l = xcalloc(1, sizeof *l);
	l->fn = fn;
	l->arg = arg;
	l->url = xstrdup(d->url);
	l->node = d->node;
	if (pipe(l->pipe) != 0) {
		log_error("postgresql: cache purge listener: pipe: %s", strerror(errno));
		free(l->url);
		free(l);
		return DB_ERROR;
	}
	if (pthread_create(&l->thread, NULL, listen_main, l) != 0) {
		log_error("postgresql: cannot start the cache purge listener thread");
		close(l->pipe[0]);
		close(l->pipe[1]);
		free(l->url);
		free(l);
		return DB_ERROR;
	}
	d->listener = l;
	return DB_OK;
}

void pg_notify_close(struct db *db)
{
	listener_stop((struct pg_db *)db);
}
