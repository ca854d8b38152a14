/* server.h - the server: libmicrohttpd and its threads (connection threads, writer threads), serving
 * anonymous readers from the page cache, turning a handler's response into the reply (security headers,
 * ETags, 304s, the error page), and starting and stopping every background service (page cache, access
 * log, purge broadcast, view counters, scheduler, webhook deliveries) through one path. Requests reach
 * the route table (routes.h) through the same pipeline as the static export's in-process rendering. */
#ifndef BROADSHEET_SERVER_H
#define BROADSHEET_SERVER_H

struct app;

/* server_run: runs the server for app until SIGTERM or SIGINT, then stops accepting, finishes the
 * requests in flight, stops every service and returns 0; returns -1 (logged) when the server cannot
 * start (whatever had started is stopped again). */
int server_run(struct app *app);

#endif
