/* newsletter.h - the newsletters' subscribing side (issue 22): the sign-up form every reader page carries
 * (nl_frame), the "confirm" mail's composer (newsletter_confirm.c) and the pages of page_subscribe.c (their
 * handlers are declared in pages.h). */
#ifndef BROADSHEET_NEWSLETTER_H
#define BROADSHEET_NEWSLETTER_H
#include <stdint.h>

struct app;
struct arena;
struct db_mail_job;
struct http_request;
struct http_response;
struct mail_message;
struct view;

/* How old a sign-up form's token may be (the pages that carry it are cached). */
#define NL_FORM_AGE (7 * 86400)

/* nl_frame: the frame's sign-up fields: nl_form (not on a static copy: it has no server to post to) and
 * nl_token, the form's signed token (auth_form_token for "newsletter"). */
void nl_frame(struct http_request *req, struct view *v);

/* nl_compose_confirm: the mailq composer of "confirm" rows: a short mail in the subscriber's language (RTL
 * HTML for Arabic) with the signed confirm link (48 hours), or, for an address already confirmed, its
 * preferences link. -1 (skip the row) when the subscriber is gone or has left. */
int nl_compose_confirm(struct app *app, struct arena *a, const struct db_mail_job *job, struct mail_message *out);

/* nl_start / nl_stop: the service that registers the composer at start-up (server.c's services). */
int nl_start(struct app *app);
void nl_stop(struct app *app);

/* nl_link_refused: the newsletters' readable 404 page for a signed link that does not check out (in the
 * language the browser asks for first; page_subscribe.c). Returns 404. */
int nl_link_refused(struct http_request *req, struct http_response *res);

/* nl_site_name: the site's name for edition lang (the site_name setting), in a. */
const char *nl_site_name(struct app *app, struct arena *a, const char *lang);

/* nl_link_url: the absolute URL base_url + /newsletter/PATH/ + a new token of purpose for the subscriber,
 * in a. */
const char *nl_link_url(struct app *app, struct arena *a, const char *path, const char *purpose, int64_t id,
			int64_t link_version, int64_t expires);

#endif
