/* accesslog.c - the buffered Combined Log Format access log (see accesslog.h). */
#include "accesslog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct buf pending = BUF_INIT; /* lines not yet written (under mu) */
static char *log_path;                /* NULL = stderr */
static int fd = -1;                   /* the open log (the writer thread's) */
static int running, stopping, reopen_wanted;
static atomic_int enabled;
static pthread_t writer;
static long long dropped; /* lines dropped since the last report (under mu) */

/* quoted_n: appends s[0..n) escaped for a quoted field. */
static void quoted_n(struct buf *b, const char *s, size_t n)
{
	for (const unsigned char *p = (const unsigned char *)s; p < (const unsigned char *)s + n; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
			buf_printf(b, "\\x%02X", *p);
		else
			buf_putc(b, (char)*p);
	}
}

/* quoted: appends s (NULL = "-") escaped for a quoted field. */
static void quoted(struct buf *b, const char *s)
{
	if (!s || !*s)
		buf_putc(b, '-');
	else
		quoted_n(b, s, strlen(s));
}

/* quoted_url: quoted() for a URL (the request target, the Referer), except that the value of a query
 * parameter named csrf is written as "redacted": the upload form carries its CSRF token in its action
 * (routes.c), and a log must not hold it. */
static void quoted_url(struct buf *b, const char *s)
{
	const char *q = s ? strchr(s, '?') : NULL;
	if (!q) {
		quoted(b, s);
		return;
	}
	quoted_n(b, s, (size_t)(q - s) + 1);
	for (const char *p = q + 1;;) {
		size_t n = strcspn(p, "&");
		if (n >= 5 && memcmp(p, "csrf=", 5) == 0)
			buf_lit(b, "csrf=redacted");
		else
			quoted_n(b, p, n);
		if (!p[n])
			break;
		buf_putc(b, '&');
		p += n + 1;
	}
}

void accesslog_format(struct buf *b, const struct accesslog_entry *e)
{
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)e->time;
	struct tm tm;
	gmtime_r(&t, &tm);
	quoted(b, e->client_ip);
	buf_printf(b, " - - [%02d/%s/%04d:%02d:%02d:%02d +0000] \"", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
		   tm.tm_hour, tm.tm_min, tm.tm_sec);
	quoted(b, e->method);
	buf_putc(b, ' ');
	quoted_url(b, e->target);
	buf_putc(b, ' ');
	quoted(b, e->protocol);
	buf_printf(b, "\" %d ", e->status);
	if (e->bytes > 0)
		buf_printf(b, "%lld", (long long)e->bytes);
	else
		buf_putc(b, '-');
	buf_lit(b, " \"");
	quoted_url(b, e->referer);
	buf_lit(b, "\" \"");
	quoted(b, e->user_agent);
	buf_lit(b, "\"\n");
}

/* open_fd: opens the log for appending (stderr when no path). Returns the descriptor or -1 (logged). */
static int open_fd(void)
{
	if (!log_path)
		return STDERR_FILENO;
	int f = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (f < 0)
		log_error("access log: cannot open %s: %s", log_path, strerror(errno));
	return f;
}

/* write_all: writes n bytes to fd, retrying short writes. Returns 0 or -1 (logged once per call). */
static int write_all(int f, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(f, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			log_error("access log: write failed: %s", strerror(errno));
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* writer_main: the writer thread: every second (or when woken) moves the buffer to the file, reopening
 * it first when asked. Exits after a last flush once stopping is set. */
static void *writer_main(void *arg)
{
	(void)arg;
	struct buf out = BUF_INIT;
	pthread_mutex_lock(&mu);
	for (;;) {
		if (!stopping && !reopen_wanted && pending.len < ACCESSLOG_HIGH) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&wake, &mu, &ts);
		}
		struct buf tmp = pending;
		pending = out;
		out = tmp;
		int again = reopen_wanted, stop = stopping;
		long long lost = dropped;
		reopen_wanted = 0;
		dropped = 0;
		pthread_mutex_unlock(&mu);
		if (lost)
			log_error("access log: %lld line(s) dropped: the disk did not keep up", lost);
		if (out.len && fd >= 0)
			write_all(fd, out.data, out.len);
		buf_reset(&out);
		if (again && log_path) {
			int f = open_fd();
			if (f >= 0) {
				close(fd);
				fd = f;
			}
		}
		pthread_mutex_lock(&mu);
		if (stop && !pending.len)
			break;
	}
	pthread_mutex_unlock(&mu);
	buf_free(&out);
	return NULL;
}

int accesslog_open(const char *path)
{
	if (!path || !*path)
		return 0;
	log_path = strcmp(path, "-") == 0 ? NULL : xstrdup(path);
	fd = open_fd();
	if (fd < 0) {
		free(log_path);
		log_path = NULL;
		return -1;
	}
	stopping = 0;
	if (pthread_create(&writer, NULL, writer_main, NULL) != 0) {
		log_error("access log: cannot start its writer thread");
		if (log_path)
			close(fd);
		fd = -1;
		free(log_path);
		log_path = NULL;
		return -1;
	}
	running = 1;
	atomic_store(&enabled, 1);
	return 0;
}

int accesslog_enabled(void)
{
	return atomic_load_explicit(&enabled, memory_order_relaxed);
}

void accesslog_write(const struct accesslog_entry *e)
{
	if (!accesslog_enabled())
		return;
	struct buf line = BUF_INIT;
	accesslog_format(&line, e);
	pthread_mutex_lock(&mu);
	if (pending.len + line.len > ACCESSLOG_MAX) {
		dropped++;
	} else {
		buf_append(&pending, line.data, line.len);
		if (pending.len >= ACCESSLOG_HIGH)
			pthread_cond_signal(&wake);
	}
	pthread_mutex_unlock(&mu);
	buf_free(&line);
}

void accesslog_reopen(void)
{
	pthread_mutex_lock(&mu);
	reopen_wanted = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&mu);
}

void accesslog_close(void)
{
	if (!running)
		return;
	atomic_store(&enabled, 0);
	pthread_mutex_lock(&mu);
	stopping = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&mu);
	pthread_join(writer, NULL);
	running = 0;
	if (log_path)
		close(fd);
	fd = -1;
	free(log_path);
	log_path = NULL;
	buf_free(&pending);
}
