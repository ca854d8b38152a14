/* newsletter_mail.h - a newsletter issue as the e-mail one subscriber receives (issue 22): subject,
 * preheader, an HTML part (inline styles, one column of presentation tables, light and dark colour
 * schemes, each story's picture from the site with its alt text, headline linked to the site, standfirst;
 * the editor's introduction; a footer with the preferences and unsubscribe links and the publisher) and a
 * plain-text part with the same content and links. The Arabic edition's mail is right to left
 * (<html lang="ar" dir="rtl">, dir="rtl" on every table, right-aligned text) with Arabic dates. Links go
 * straight to the site: no tracking image, no redirect, unless the site turns on open and click counts
 * (newsletter_track.h): then a subscriber's HTML part carries a 1x1 image and its story links go through
 * the site's signed click address; the text part's links stay plain either way.
 *
 * newsletter_mail_build is pure (unit-tested); newsletter_mail_register adds the queue's "issue" and "test"
 * composers (mailq.h), which read the issue, its stories and the site's settings from the store. */
#ifndef BROADSHEET_NEWSLETTER_MAIL_H
#define BROADSHEET_NEWSLETTER_MAIL_H
#include <stddef.h>
#include <stdint.h>

#include "mail.h"

struct arena;
struct app;

/* One story of an issue; urls absolute. */
struct nl_story {
	const char *headline, *standfirst; /* standfirst may be NULL or "" */
	const char *url;                   /* the article on the site */
	const char *image_url, *image_alt; /* NULL = no picture */
	const char *track_url;             /* the HTML part's link through /newsletter/c/ (counting on), or NULL */
};

/* What one issue's mail is made of (UTF-8 strings; NULL reads as ""). */
struct nl_mail_input {
	const char *edition;              /* "en" or "ar": the language and direction */
	const char *base_url;             /* the site, no trailing slash */
	const char *site_name, *publisher;
	const char *list_name;            /* "Daily digest" ... in the edition's language (List-Id) */
	const char *subject, *preheader;
	const char *intro_html;           /* the introduction rendered by the site's Markdown renderer */
	const char *intro_text;           /* its Markdown source, for the text part */
	const struct nl_story *stories;
	size_t n_stories;
	int64_t date;                     /* the issue's date (unix seconds) */
	const char *prefs_url, *unsub_url; /* the subscriber's signed links; NULL: none (a test mail's) */
	const char *open_url;             /* the 1x1 open-count image (counting on), or NULL: none */
};

/* newsletter_mail_build: fills out's subject, html, text, lang, list_id, unsubscribe_url and one_click
 * from in (from/to/message_id/date are the caller's). Strings in the arena. Returns 0, or -1 when the
 * subject is empty or edition is neither "en" nor "ar" (out untouched). */
int newsletter_mail_build(struct arena *a, const struct nl_mail_input *in, struct mail_message *out);

/* newsletter_list_name: the name of list ('digest', 'breaking', 'section:<slug>') in the edition's
 * language (static or in the arena). */
const char *newsletter_list_name(struct arena *a, const char *list, const char *edition);

/* newsletter_issue_message: issue_id's mail for one recipient (subscriber_id 0 = a test to to_addr, with
 * no personal links) in out, with everything but message_id and date. Reads the issue, its stories (the
 * published ones, in order) and the site's settings. 0, or -1 (logged) when the issue or the subscriber is
 * gone or the mail cannot be made. */
int newsletter_issue_message(struct app *app, struct arena *a, int64_t issue_id, int64_t subscriber_id,
			     const char *to_addr, struct mail_message *out);

/* newsletter_issue_message_row: newsletter_issue_message for queue row `row` (0: none): when the site
 * counts opens and clicks and the row is a subscriber's, its HTML part carries the row's open image and
 * click addresses. Same answers. */
int newsletter_issue_message_row(struct app *app, struct arena *a, int64_t issue_id, int64_t subscriber_id,
				 int64_t row, const char *to_addr, struct mail_message *out);

/* newsletter_mail_register: registers the "issue" and "test" composers with the queue (mailq_register). */
void newsletter_mail_register(void);

/* newsletter_compose_shutdown: frees the issue composer's cached shared parts of the last issue composed
 * (the site's names, introduction, stories and sender every recipient's mail shares); at server stop. */
void newsletter_compose_shutdown(void);

#endif
