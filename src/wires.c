/* wires.c - see wires.h. Ingest is the store's upsert (db_wire_item_put: one row per source and guid, a
 * higher version updates it in place); a draft made from an item is flagged by comparing the version it was
 * made from with the item's (db_wire_use_of_article), so an update flags every such draft without writing
 * to them. The poller is its own worker thread so a slow agency never delays the publishing clock. */
#include "wires.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "buf.h"
#include "log.h"
#include "util.h"
#include "webhook.h"
#include "worker.h"

#define WIRES_BACKOFF_BASE 60 /* seconds after the first failure; doubled each time, at most an hour */
#define WIRES_DUE_BATCH 20    /* sources polled in one round */
#define WIRES_FOLDER_FILES 200 /* files read from one folder in one poll */
#define WIRES_MAX_SLEEP 60

int wires_ingest(struct db *db, const struct db_wire_source *src, const struct wire_item *it, int64_t now,
		 int64_t *id, enum db_wire_outcome *outcome)
{
	struct db_wire_item row = {
		.source_id = src->id, .guid = it->guid, .version = it->version > 0 ? it->version : 1,
		.lang = it->lang && *it->lang ? it->lang : src->lang, .headline = it->headline, .byline = it->byline,
		.summary = it->summary, .body_html = it->body_html, .link = it->link, .located = it->located,
		.credit = it->credit && *it->credit ? it->credit : src->credit, .subjects = it->subjects,
		.pubstatus = it->pubstatus, .urgency = it->urgency, .first_created = it->first_created,
		.version_created = it->version_created, .embargoed = it->embargoed};
	if (row.pubstatus && strcmp(row.pubstatus, "withheld") != 0 && strcmp(row.pubstatus, "canceled") != 0)
		row.pubstatus = "usable";
	return db_wire_item_put(db, &row, now, id, outcome);
}

/* parse_doc: the items of data in fmt, as an arena array. 0, or -1 with err. */
static int parse_doc(struct arena *a, enum wires_format fmt, const char *data, size_t len, struct wire_item **items,
		     size_t *n, size_t *skipped, char *err, size_t errlen)
{
	*skipped = 0;
	if (fmt == WIRES_NINJS) {
		struct wire_item *one = arena_alloc(a, sizeof *one);
		memset(one, 0, sizeof *one);
		if (wire_parse_ninjs(a, data, len, one, err, errlen) < 0)
			return -1;
		*items = one;
		*n = 1;
		return 0;
	}
	return fmt == WIRES_NEWSML ? wire_parse_newsml(a, data, len, items, n, skipped, err, errlen)
				   : wire_parse_feed(a, data, len, items, n, skipped, err, errlen);
}

int wires_ingest_doc(struct db *db, struct arena *a, const struct db_wire_source *src, enum wires_format fmt,
		     const char *data, size_t len, int64_t now, struct wires_tally *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	struct wire_item *items = NULL;
	size_t n = 0, skipped = 0;
	if (len > WIRE_MAX_INPUT) {
		snprintf(err, errlen, "the document is larger than %u MiB", WIRE_MAX_INPUT >> 20);
		return -1;
	}
	if (parse_doc(a, fmt, data, len, &items, &n, &skipped, err, errlen) < 0)
		return -1;
	t->skipped = (int)skipped;
	t->items = items;
	t->ids = arena_alloc(a, (n ? n : 1) * sizeof *t->ids);
	t->outcomes = arena_alloc(a, (n ? n : 1) * sizeof *t->outcomes);
	for (size_t i = 0; i < n; i++) {
		if (!items[i].guid || !*items[i].guid) {
			t->skipped++;
			continue;
		}
		if (wires_ingest(db, src, &items[i], now, &t->ids[t->n], &t->outcomes[t->n]) != DB_OK) {
			snprintf(err, errlen, "the item could not be stored");
			return -1;
		}
		enum db_wire_outcome o = t->outcomes[t->n];
		t->added += o == DB_WIRE_NEW;
		t->updated += o == DB_WIRE_UPDATED;
		t->ignored += o == DB_WIRE_IGNORED;
		t->n++;
	}
	return 0;
}

/* ---- feeds ---- */

/* A feed being fetched: its body so far (cut off past WIRE_MAX_INPUT) and the last response's validators. */
struct fetch {
	struct buf body;
	int too_big;
	char etag[256], last_modified[128];
};

/* on_body: curl's write callback: appends, or stops the transfer past WIRE_MAX_INPUT. */
static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct fetch *f = arg;
	size_t len = size * n;
	if (f->body.len + len > WIRE_MAX_INPUT) {
		f->too_big = 1;
		return 0;
	}
	buf_append(&f->body, p, len);
	return len;
}

/* header_value: copies the value of header line h (len bytes) into out when it is `name:`, trimmed. */
static void header_value(const char *h, size_t len, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name);
	if (len <= nl || strncasecmp(h, name, nl) != 0 || h[nl] != ':')
		return;
	const char *v = h + nl + 1;
	size_t vl = len - nl - 1;
	while (vl && (*v == ' ' || *v == '\t'))
		v++, vl--;
	while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
		vl--;
	if (vl < outlen) {
		memcpy(out, v, vl);
		out[vl] = '\0';
	}
}

/* on_header: curl's header callback: a status line forgets the previous response's validators (a
 * redirect's), ETag and Last-Modified are kept. */
static size_t on_header(char *h, size_t size, size_t n, void *arg)
{
	struct fetch *f = arg;
	size_t len = size * n;
	if (len > 5 && strncmp(h, "HTTP/", 5) == 0)
		f->etag[0] = f->last_modified[0] = '\0';
	header_value(h, len, "ETag", f->etag, sizeof f->etag);
	header_value(h, len, "Last-Modified", f->last_modified, sizeof f->last_modified);
	return len;
}

/* fetch_feed: GETs src's url conditionally into f, giving up after timeout seconds. Returns the HTTP status (304: unchanged), or -1 with err. */
static long fetch_feed(const struct db_wire_source *src, long timeout, struct fetch *f, char *err, size_t errlen)
{
	CURL *curl = curl_easy_init();
	if (!curl) {
		snprintf(err, errlen, "the HTTP client could not start");
		return -1;
	}
	struct curl_slist *h = NULL;
	char line[400], errbuf[CURL_ERROR_SIZE] = "";
	if (*src->etag) {
		snprintf(line, sizeof line, "If-None-Match: %s", src->etag);
		h = curl_slist_append(h, line);
	}
	if (*src->last_modified) {
		snprintf(line, sizeof line, "If-Modified-Since: %s", src->last_modified);
		h = curl_slist_append(h, line);
	}
	curl_easy_setopt(curl, CURLOPT_URL, src->url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_PROXY, ""); /* never a proxy from the environment */
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(curl, CURLOPT_MAXREDIRS, (long)WIRES_MAX_REDIRECTS);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)WIRES_CONNECT_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)WIRE_MAX_INPUT);
	curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "Broadsheet/" BROADSHEET_VERSION " wires");
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, f);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	CURLcode rc = curl_easy_perform(curl);
	long status = -1;
	if (rc == CURLE_OK) {
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	} else if (f->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(err, errlen, "the feed is larger than %u MiB: cut off", WIRE_MAX_INPUT >> 20);
	} else if (rc == CURLE_TOO_MANY_REDIRECTS) {
		snprintf(err, errlen, "too many redirects (more than %d)", WIRES_MAX_REDIRECTS);
	} else {
		snprintf(err, errlen, "%s", *errbuf ? errbuf : curl_easy_strerror(rc));
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(curl);
	return status;
}

/* poll_feed: fetches and ingests feed src at now. 0, or -1 with err; *etag and *lm (arena) the new validators. */
static int poll_feed(struct app *app, struct arena *a, const struct db_wire_source *src, int64_t now,
		     const char **etag, const char **lm, char *err, size_t errlen)
{
	struct fetch f = {.body = BUF_INIT};
	long status = fetch_feed(src, (long)app->cfg.wire_timeout, &f, err, errlen);
	int rc = -1;
	if (status == 304) {
		rc = 0; /* nothing new: the validators stay */
	} else if (status >= 200 && status < 300) {
		struct wires_tally t;
		rc = wires_ingest_doc(app->db, a, src, WIRES_FEED, f.body.data ? f.body.data : "", f.body.len, now, &t, err,
				      errlen);
		if (rc == 0) {
			*etag = arena_strdup(a, f.etag);
			*lm = arena_strdup(a, f.last_modified);
			log_info("wires: feed %lld: %d new, %d updated, %d unchanged", (long long)src->id, t.added, t.updated,
				 t.ignored);
		}
	} else if (status > 0) {
		snprintf(err, errlen, "the feed answered HTTP %ld", status);
	}
	buf_free(&f.body);
	return rc;
}

/* ---- folders ---- */

const char *wires_folder(struct arena *a, const struct app *app, int64_t id, const char *which)
{
	return arena_printf(a, "%s/wires/%lld/%s", app->site_dir, (long long)id, which);
}

/* format_of: the format of a dropped file, by its name and first bytes. */
static enum wires_format format_of(const char *name, const char *data, size_t len)
{
	size_t nl = strlen(name);
	if ((nl > 5 && strcasecmp(name + nl - 5, ".json") == 0) || (len && (data[0] == '{' || data[0] == '[')))
		return WIRES_NINJS;
	size_t look = len < 4096 ? len : 4096;
	if (memmem(data, look, "newsItem", 8) || memmem(data, look, "newsMessage", 11))
		return WIRES_NEWSML;
	return WIRES_FEED;
}

/* file_done: moves incoming/name to processed/ or (why not NULL) failed/ with name.reason holding why. */
static void file_done(struct arena *a, const struct app *app, int64_t id, const char *name, const char *why)
{
	const char *from = arena_printf(a, "%s/%s", wires_folder(a, app, id, "incoming"), name);
	const char *dir = wires_folder(a, app, id, why ? "failed" : "processed");
	if (util_mkdir_p(dir) < 0 || rename(from, arena_printf(a, "%s/%s", dir, name)) < 0) {
		log_error("wires: cannot move %s to %s: %s", from, dir, strerror(errno));
		unlink(from); /* never read the same file again and again */
		return;
	}
	if (why) {
		const char *text = arena_printf(a, "%s\n", why);
		util_write_file_atomic(arena_printf(a, "%s/%s.reason", dir, name), text, strlen(text), 0644);
	}
}

/* read_dropped: reads incoming file name (a regular file, never followed through a link, at most
 * WIRE_MAX_INPUT bytes) into *data. NULL, or why it was refused. */
static const char *read_dropped(struct arena *a, const char *path, char **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return errno == ELOOP ? "a symbolic link: only regular files are read" : "the file cannot be opened";
	const char *why = NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		why = "not a regular file";
	else if ((uint64_t)st.st_size > WIRE_MAX_INPUT)
		why = arena_printf(a, "larger than %u MiB", WIRE_MAX_INPUT >> 20);
	else {
		*data = arena_alloc(a, (size_t)st.st_size + 1);
		ssize_t got = read(fd, *data, (size_t)st.st_size);
		if (got != (ssize_t)st.st_size)
			why = "the file cannot be read";
		else
			(*data)[got] = '\0', *len = (size_t)got;
	}
	close(fd);
	return why;
}

/* poll_folder: ingests the files dropped in src's incoming folder, each moved to processed/ or failed/
 * (with a .reason). 0, or -1 with err when the folder cannot be read. */
static int poll_folder(struct app *app, struct arena *a, const struct db_wire_source *src, int64_t now, char *err,
		       size_t errlen)
{
	const char *in = wires_folder(a, app, src->id, "incoming");
	if (util_mkdir_p(in) < 0) {
		snprintf(err, errlen, "the folder %s cannot be made: %s", in, strerror(errno));
		return -1;
	}
	DIR *d = opendir(in);
	if (!d) {
		snprintf(err, errlen, "the folder %s cannot be read: %s", in, strerror(errno));
		return -1;
	}
	struct dirent *de;
	int files = 0;
	while ((de = readdir(d)) && files < WIRES_FOLDER_FILES) {
		if (de->d_name[0] == '.') /* also files still being written as .name */
			continue;
		files++;
		const char *name = arena_strdup(a, de->d_name);
		char *data = NULL;
		size_t len = 0;
		const char *why = read_dropped(a, arena_printf(a, "%s/%s", in, name), &data, &len);
		char perr[256] = "";
		struct wires_tally t;
		if (!why && wires_ingest_doc(app->db, a, src, format_of(name, data, len), data, len, now, &t, perr,
					     sizeof perr) < 0)
			why = arena_strdup(a, perr);
		if (!why)
			log_info("wires: folder %lld: %s: %d new, %d updated, %d unchanged", (long long)src->id, name,
				 t.added, t.updated, t.ignored);
		file_done(a, app, src->id, name, why);
	}
	closedir(d);
	return 0;
}

/* ---- the poller ---- */

int wires_poll(struct app *app, const struct db_wire_source *src)
{
	struct arena a = ARENA_INIT;
	char err[512] = "";
	const char *etag = NULL, *lm = NULL;
	int64_t now = util_now();
	int rc = strcmp(src->kind, "feed") == 0 ? poll_feed(app, &a, src, now, &etag, &lm, err, sizeof err)
		 : strcmp(src->kind, "folder") == 0 ? poll_folder(app, &a, src, now, err, sizeof err)
						    : 0;
	int64_t interval = src->poll_interval > 0 ? src->poll_interval : 600;
	int64_t next = rc == 0 ? now + interval : now + webhook_retry_delay(WIRES_BACKOFF_BASE, src->failures + 1);
	if (rc < 0)
		log_error("wires: source %lld (%s): %s", (long long)src->id, src->name, err);
	if (db_wire_source_polled(app->db, src->id, etag, lm, rc < 0 ? err : NULL, now, next) != DB_OK)
		log_error("wires: source %lld: the poll could not be recorded", (long long)src->id);
	arena_free(&a);
	return rc;
}

struct wires_runner {
	struct worker *worker;
	struct app *app;
};

/* wires_round: polls the due sources, then sleeps until the next is due (at most a minute). */
static int64_t wires_round(struct worker *self, void *arg)
{
	struct wires_runner *r = arg;
	struct arena a = ARENA_INIT;
	struct db_wire_source *due = NULL;
	size_t n = 0;
	int64_t now = util_now(), next = 0;
	if (db_wire_sources_due(r->app->db, &a, now, WIRES_DUE_BATCH, &due, &n) == DB_OK)
		for (size_t i = 0; i < n && !worker_stopping(self); i++)
			wires_poll(r->app, &due[i]);
	arena_free(&a);
	if (db_wire_next_poll(r->app->db, &next) != DB_OK || next == 0 || next > now + WIRES_MAX_SLEEP)
		next = util_now() + WIRES_MAX_SLEEP;
	int64_t ms = (next - util_now()) * 1000;
	return ms > 1000 ? ms : 1000;
}

int wires_start(struct app *app)
{
	struct wires_runner *r = xcalloc(1, sizeof *r);
	r->app = app;
	r->worker = worker_start("wires", wires_round, r, 1000);
	if (!r->worker) {
		free(r);
		return -1;
	}
	app->wires = r;
	return 0;
}

void wires_wake(struct app *app)
{
	if (app->wires)
		worker_wake(app->wires->worker);
}

void wires_stop(struct app *app)
{
	struct wires_runner *r = app->wires;
	if (!r)
		return;
	worker_stop(r->worker);
	free(r);
	app->wires = NULL;
}
