/* mail_send.h - carrying a composed message (mail.h) to where it goes: an SMTP relay through libcurl
 * (submission with STARTTLS, or implicit TLS, and authentication), or, when the site has no relay, one
 * .eml file per message in a folder (the demo and a newcomer's machine: nothing leaves it). */
#ifndef BROADSHEET_MAIL_SEND_H
#define BROADSHEET_MAIL_SEND_H
#include <stddef.h>

/* Where mail goes. url NULL or "" = write files into eml_dir instead. */
struct mail_relay {
	const char *url;       /* "smtp://host:587" (STARTTLS required unless starttls is 0) or "smtps://host:465" */
	const char *user;      /* NULL or "" = no authentication */
	const char *password;
	int starttls;          /* 1: refuse to send over smtp:// unless the relay upgrades to TLS */
	long connect_timeout;  /* seconds */
	long timeout;          /* seconds the whole message may take: a relay that hangs is given up */
	const char *eml_dir;   /* the folder files go to when there is no relay */
};

/* What became of one attempt. */
enum mail_send_rc {
	MAIL_SENT,     /* the relay accepted it (250 after DATA), or the file is written and synced */
	MAIL_TEMPFAIL, /* try again later: connection refused, timeout, dropped mid-message, a 4xx answer */
	MAIL_PERMFAIL, /* the relay refused the recipient or the message for good (5xx): do not retry */
};

/* mail_send: one-shot (a connection of its own, closed after: the mail-test command, an editor's test):
 * sends msg[0..len) from the envelope sender from to the one recipient to. name is the file's
 * name without ".eml" when there is no relay ([A-Za-z0-9._-] only, e.g. the queue row's id: the same
 * message retried overwrites its own file rather than adding one). err (if errlen) gets a one-line
 * reason on failure (the relay's answer code when there was one). Owns nothing it is given. Returns an
 * enum mail_send_rc. */
int mail_send(const struct mail_relay *r, const char *from, const char *to, const char *name, const char *msg,
	      size_t len, char *err, size_t errlen);

/* A sender's kept connection to the relay (mail_send.c): consecutive messages through one mail_conn
 * reuse the relay's SMTP connection (each still its own MAIL FROM, RCPT TO, DATA, with its own timeouts).
 * A kept connection the relay closed meanwhile is found out (by libcurl's check, or by the first command
 * failing before any of the message was sent) and the message goes once more over a fresh connection,
 * transparently: not a failure, and never twice (a message whose DATA got its 250 is sent; one that
 * reached the relay's DATA is never tried again here). A connection idle over 30 s is not reused. One
 * thread uses a mail_conn at a time; it keeps a pointer to r, which must outlive it. */
struct mail_conn;

/* mail_conn_new: a connection holder for r (no connection is made until the first message). NULL when out
 * of memory. Free it with mail_conn_close. */
struct mail_conn *mail_conn_new(const struct mail_relay *r);

/* mail_conn_send: as mail_send, over mc's kept connection (or into a file when r has no relay). */
int mail_conn_send(struct mail_conn *mc, const char *from, const char *to, const char *name, const char *msg,
		   size_t len, char *err, size_t errlen);

/* mail_conn_reconnects: how many messages went over a fresh connection because mc's kept one was dead. */
long mail_conn_reconnects(const struct mail_conn *mc);

/* mail_conn_close: says QUIT on the kept connection (if it still lives), closes it and frees mc. A no-op
 * on NULL. */
void mail_conn_close(struct mail_conn *mc);

/* mail_write_eml: writes msg into dir/name.eml atomically (a temporary file, fsync, rename, fsync of the
 * folder) creating dir when missing. 0, or -1 with errno set (EINVAL for a name outside [A-Za-z0-9._-]). */
int mail_write_eml(const char *dir, const char *name, const char *msg, size_t len);

struct config;
struct arena;
/* mail_relay_config: r filled from the site's configuration (cfg, which r then points into): its relay,
 * or when smtp_url is empty, files under site_dir/mail (the path is built in the arena). */
void mail_relay_config(const struct config *cfg, const char *site_dir, struct arena *a, struct mail_relay *r);

/* mail_sender: the site's sender address: cfg's mail_from, else "news@" and base_url's host (a host without
 * a dot or a numeric one, such as 127.0.0.1, gives news@localhost.invalid: such a site has no mail domain),
 * normalised (mail.h) in the arena. NULL when mail_from is set but is not an address. */
const char *mail_sender(const struct config *cfg, struct arena *a);

#endif
