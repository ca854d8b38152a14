/* accesslog.h - the access log: one line per answered request in the Combined Log Format
 * (Apache/nginx "combined"), written to the file named by the access_log setting ("-" = stderr).
 *
 * Requests only append to a memory buffer under a mutex; a writer thread moves it to the file every
 * second (or at once when it passes ACCESSLOG_HIGH bytes), so a slow disk does not hold requests up.
 * accesslog_reopen (on SIGHUP) makes the writer reopen the path, for logrotate. One log per process. */
#ifndef BROADSHEET_ACCESSLOG_H
#define BROADSHEET_ACCESSLOG_H
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define ACCESSLOG_HIGH (256 * 1024) /* buffered bytes that wake the writer early */
#define ACCESSLOG_MAX (8 << 20)     /* buffered bytes beyond which lines are dropped (disk stuck) */

/* One request as the log shows it; any string may be NULL ("-"). */
struct accesslog_entry {
	const char *client_ip;
	int64_t time; /* UTC seconds */
	const char *method, *target, *protocol;
	int status;
	int64_t bytes; /* body bytes sent; 0 is written as "-" */
	const char *referer, *user_agent;
};

/* accesslog_format: appends e's line (with its newline) to b: `IP - - [dd/Mon/yyyy:HH:MM:SS +0000]
 * "METHOD TARGET PROTO" STATUS BYTES "REFERER" "USER-AGENT"`. Bytes outside printable ASCII, quotes and
 * backslashes in the quoted fields are written as \xHH (as nginx does), so a line cannot be forged. */
void accesslog_format(struct buf *b, const struct accesslog_entry *e);

/* accesslog_open: starts logging to path ("-" = stderr; "" or NULL = no log). Returns 0, or -1 (logged)
 * when the file cannot be opened for appending or the writer thread cannot start. */
int accesslog_open(const char *path);

/* accesslog_enabled: whether accesslog_write does anything (cheap: callers skip gathering fields). */
int accesslog_enabled(void);

/* accesslog_write: buffers e's line. Thread-safe; never touches the disk unless the buffer is very full. */
void accesslog_write(const struct accesslog_entry *e);

/* accesslog_reopen: asks the writer to flush and reopen the file (SIGHUP, after logrotate moved it). */
void accesslog_reopen(void);

/* accesslog_close: flushes, stops the writer and closes the file. Safe when no log is open. */
void accesslog_close(void);

#endif
