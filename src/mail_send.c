/* mail_send.c - see mail_send.h. A sender keeps one libcurl easy handle (struct mail_conn) and with it
 * the relay's connection from one message to the next: a fresh connection per message (connect, EHLO,
 * STARTTLS, AUTH, QUIT) cost the queue five times its speed (bench/RESULTS.md, issue 22). Each message
 * is still its own transaction (MAIL FROM, RCPT TO, DATA) with its own timeouts; a failed one makes
 * libcurl close the connection, so the next message starts clean. The relay's URL comes from the
 * operator's configuration, never from a visitor. */
#include "mail_send.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "config.h"
#include "mail.h"


/* A message being read out to libcurl. */
struct reader {
	const char *p;
	size_t left;
};

/* read_msg: libcurl's read callback: the next piece of the message. */
static size_t read_msg(char *dst, size_t size, size_t nmemb, void *userdata)
{
	struct reader *r = userdata;
	size_t n = size * nmemb < r->left ? size * nmemb : r->left;
	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

/* safe_name: 1 when name is 1..100 characters of [A-Za-z0-9._-] not starting with a dot. */
static int safe_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 100 || name[0] == '.')
		return 0;
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* write_all: writes buf[0..n) to fd; 0, or -1 with errno. */
static int write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

int mail_write_eml(const char *dir, const char *name, const char *msg, size_t len)
{
	if (!safe_name(name)) {
		errno = EINVAL;
		return -1;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -1;
	char tmp[4096], path[4096];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name) >= sizeof tmp ||
	    (size_t)snprintf(path, sizeof path, "%s/%s.eml", dir, name) >= sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write_all(fd, msg, len) != 0 || fsync(fd) != 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

/* classify: what a finished transfer's result means for the queue, with the reason in err. */
static int classify(CURL *c, CURLcode rc, const char *curl_err, char *err, size_t errlen)
{
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK)
		return MAIL_SENT;
	if (code < 400)
		code = 0; /* the last answer was a step forward (354 after DATA): the failure came after it */
	if (errlen)
		snprintf(err, errlen, "%s%s%ld", curl_err[0] ? curl_err : curl_easy_strerror(rc), code ? ": relay answered " : "",
			 code);
	if (errlen && !code) /* drop the trailing 0 printed for "no answer code" */
		err[strlen(err) - 1] = '\0';
	if (code >= 500 && code < 600 && rc != CURLE_LOGIN_DENIED)
		return MAIL_PERMFAIL; /* a refused recipient or message; a refused log-in is the operator's to fix */
	return MAIL_TEMPFAIL;
}

/* A kept SMTP connection: one libcurl easy handle, whose connection cache holds the relay's connection
 * from one message to the next (libcurl reuses it for the same URL: MAIL FROM, RCPT TO and DATA again, no
 * new connect, EHLO, STARTTLS or AUTH). Owned by one thread at a time. */
struct mail_conn {
	const struct mail_relay *r;
	CURL *c;
	char curl_err[CURL_ERROR_SIZE];
	long reconnects; /* transparent second tries on a fresh connection (a kept one found dead) */
};

struct mail_conn *mail_conn_new(const struct mail_relay *r)
{
	struct mail_conn *mc = calloc(1, sizeof *mc);
	if (!mc)
		return NULL;
	mc->r = r;
	if (!r->url || !*r->url)
		return mc; /* files: no handle needed */
	CURL *c = mc->c = curl_easy_init();
	if (!c) {
		free(mc);
		return NULL;
	}
	curl_easy_setopt(c, CURLOPT_URL, r->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_msg);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_USE_SSL, r->starttls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
	if (r->user && *r->user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, r->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, r->password ? r->password : "");
	}
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, r->connect_timeout > 0 ? r->connect_timeout : 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, r->timeout > 0 ? r->timeout : 60L);
	/* the wait for the answer to the end of DATA is timed by this one, not by CURLOPT_TIMEOUT (120 s by default) */
	curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, r->timeout > 0 ? r->timeout : 60L);
	/* a connection idle longer than this is not reused but closed (relays drop idle clients after minutes) */
	curl_easy_setopt(c, CURLOPT_MAXAGE_CONN, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, mc->curl_err);
	return mc;
}

void mail_conn_close(struct mail_conn *mc)
{
	if (!mc)
		return;
	if (mc->c)
		curl_easy_cleanup(mc->c); /* QUIT on a live kept connection, then close */
	free(mc);
}

long mail_conn_reconnects(const struct mail_conn *mc)
{
	return mc ? mc->reconnects : 0;
}

/* dead_kept: 1 when a transfer that ended in rc failed on a kept (reused) connection before any of the
 * message was read out (rd untouched): the relay closed it while it sat idle (or libcurl's check raced
 * the close). Nothing of the message reached the relay, so one more try on a fresh connection cannot
 * send it twice. A timeout is not this (a hanging relay is given up, not waited for twice). */
static int dead_kept(CURL *c, CURLcode rc, const struct reader *rd, size_t len)
{
	long fresh = -1;
	if (rc == CURLE_OK || rc == CURLE_OPERATION_TIMEDOUT || rd->left != len)
		return 0;
	if (curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &fresh) != CURLE_OK || fresh != 0)
		return 0;
	return rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING ||
	       rc == CURLE_WEIRD_SERVER_REPLY;
}

/* send_smtp: one message over mc's kept connection (a new one when there is none or it is too old); a
 * kept connection found dead before the message went is tried once more on a fresh one. An enum
 * mail_send_rc. */
static int send_smtp(struct mail_conn *mc, const char *from, const char *to, const char *msg, size_t len,
		     char *err, size_t errlen)
{
	CURL *c = mc->c;
	char rpath[300], fpath[300];
	snprintf(rpath, sizeof rpath, "<%s>", to);
	snprintf(fpath, sizeof fpath, "<%s>", from);
	struct curl_slist *rcpt = curl_slist_append(NULL, rpath);
	if (!rcpt) {
		if (errlen)
			snprintf(err, errlen, "out of memory");
		return MAIL_TEMPFAIL;
	}
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, fpath);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	CURLcode rc;
	for (int attempt = 0;; attempt++) {
		struct reader rd = {msg, len};
		mc->curl_err[0] = '\0';
		curl_easy_setopt(c, CURLOPT_READDATA, &rd);
		curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, attempt ? 1L : 0L);
		rc = curl_easy_perform(c);
		if (attempt || !dead_kept(c, rc, &rd, len))
			break;
		mc->reconnects++;
	}
	curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 0L);
	int out = classify(c, rc, mc->curl_err, err, errlen);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL); /* rcpt is freed below; the handle must not keep it */
	curl_easy_setopt(c, CURLOPT_READDATA, NULL);
	curl_slist_free_all(rcpt);
	return out;
}

int mail_conn_send(struct mail_conn *mc, const char *from, const char *to, const char *name, const char *msg,
		   size_t len, char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	if (strlen(from) > 256 || strlen(to) > 256 || strpbrk(from, "\r\n<>") || strpbrk(to, "\r\n<>")) {
		if (errlen)
			snprintf(err, errlen, "refused: an envelope address is not a plain address");
		return MAIL_PERMFAIL;
	}
	if (mc->c)
		return send_smtp(mc, from, to, msg, len, err, errlen);
	if (mail_write_eml(mc->r->eml_dir, name, msg, len) != 0) {
		if (errlen)
			snprintf(err, errlen, "cannot write %s/%s.eml: %s", mc->r->eml_dir, name, strerror(errno));
		return MAIL_TEMPFAIL;
	}
	return MAIL_SENT;
}

int mail_send(const struct mail_relay *r, const char *from, const char *to, const char *name, const char *msg,
	      size_t len, char *err, size_t errlen)
{
	struct mail_conn *mc = mail_conn_new(r);
	if (!mc) {
		if (errlen)
			snprintf(err, errlen, "out of memory");
		return MAIL_TEMPFAIL;
	}
	int rc = mail_conn_send(mc, from, to, name, msg, len, err, errlen);
	mail_conn_close(mc);
	return rc;
}

void mail_relay_config(const struct config *cfg, const char *site_dir, struct arena *a, struct mail_relay *r)
{
	*r = (struct mail_relay){.url = cfg->smtp_url,
				 .user = cfg->smtp_user,
				 .password = cfg->smtp_password,
				 .starttls = cfg->smtp_starttls,
				 .connect_timeout = cfg->smtp_timeout < 10 ? cfg->smtp_timeout : 10,
				 .timeout = cfg->smtp_timeout,
				 .eml_dir = arena_printf(a, "%s/mail", site_dir)};
}

const char *mail_sender(const struct config *cfg, struct arena *a)
{
	const char *addr = cfg->mail_from;
	if (!*addr) {
		const char *host = strstr(cfg->base_url, "://");
		host = host ? host + 3 : cfg->base_url;
		size_t n = strcspn(host, ":/[");
		const char *h = arena_strndup(a, host, n);
		int named = strchr(h, '.') != NULL && strspn(h, "0123456789.") < n; /* not 127.0.0.1 nor localhost */
		addr = named ? arena_printf(a, "news@%s", h) : "news@localhost.invalid";
	}
	const char *out = NULL;
	return mail_addr_normalise(a, addr, &out) == MAIL_ADDR_OK ? out : NULL;
}
