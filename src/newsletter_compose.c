/* newsletter_compose.c - the store side of newsletter_mail.h: an issue's mail for one recipient from the
 * issue, its stories and the site's settings, and the queue's "issue" and "test" composers. */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "article.h"
#include "blocks.h"
#include "db.h"
#include "log.h"
#include "mail_send.h"
#include "newsletter_sender.h"
#include "mailq.h"
#include "newsletter_link.h"
#include "newsletter_mail.h"
#include "newsletter_track.h"
#include "render.h"
#include "util.h"

#define NL_MAX_STORIES 50

/* setting: the site setting key.edition (e.g. "site_name.ar"), else fallback. In the arena. */
static const char *setting(struct app *app, struct arena *a, const char *key, const char *edition, const char *fallback)
{
	const char *v = NULL;
	if (db_setting_get(app->db, a, arena_printf(a, "%s.%s", key, edition), &v) == DB_OK && v && *v)
		return v;
	return fallback;
}

/* load_stories: the published articles of ids ("3,1,7") in that order as stories with absolute links,
 * into *out (arena); *n how many. Unknown or unpublished ids are left out. row > 0: each story's link
 * through queue row row's signed click address too (newsletter_track.h). */
static void load_stories(struct app *app, struct arena *a, const char *ids, int64_t row, struct nl_story **out,
			 size_t *n)
{
	struct nl_story *s = arena_alloc(a, NL_MAX_STORIES * sizeof *s);
	const char *base = app->cfg.base_url;
	*n = 0;
	for (const char *p = ids; p && *p && *n < NL_MAX_STORIES;) {
		char *end;
		long long id = strtoll(p, &end, 10);
		struct db_article art;
		if (end != p && id > 0 && db_article_get_id(app->db, a, id, &art) == DB_OK &&
		    strcmp(art.status, "published") == 0) {
			const char *img = render_image_src(a, &art);
			s[(*n)++] = (struct nl_story){art.headline, art.standfirst,
						      arena_printf(a, "%s%s", base, render_article_href(a, &art)),
						      img ? arena_printf(a, "%s%s", base, img) : NULL, art.image_alt,
						      row > 0 ? nl_track_click_url(app, a, row, art.id) : NULL};
		}
		const char *comma = strchr(p, ',');
		p = comma ? comma + 1 : NULL;
	}
	*out = s;
}

/* personal_links: the subscriber's signed preferences and unsubscribe links (nl_link_make, no expiry;
 * subscriber 0: a test's, which lead to the pages but name nobody). */
static void personal_links(struct app *app, struct arena *a, int64_t sub, int64_t version, struct nl_mail_input *in)
{
	const char *base = app->cfg.base_url;
	in->prefs_url = arena_printf(a, "%s/newsletter/preferences/%s", base,
				     nl_link_make(a, app->secret, "prefs", sub, version, 0));
	in->unsub_url = arena_printf(a, "%s/newsletter/unsubscribe/%s", base,
				     nl_link_make(a, app->secret, "unsub", sub, version, 0));
}

int newsletter_issue_message(struct app *app, struct arena *a, int64_t issue_id, int64_t subscriber_id,
			     const char *to_addr, struct mail_message *out)
{
	return newsletter_issue_message_row(app, a, issue_id, subscriber_id, 0, to_addr, out);
}

int newsletter_issue_message_row(struct app *app, struct arena *a, int64_t issue_id, int64_t subscriber_id,
				 int64_t row, const char *to_addr, struct mail_message *out)
{
	struct db_nl_issue is;
	int64_t version = 0;
	if (db_nl_issue_get(app->db, a, issue_id, &is) != DB_OK)
		return -1;
	if (subscriber_id && db_nl_recipient(app->db, subscriber_id, is.edition, is.list, &version) != DB_OK)
		return -1; /* left since the issue was queued */
	struct nl_mail_input in = {.edition = is.edition, .base_url = app->cfg.base_url, .subject = is.subject,
				   .preheader = is.preheader, .intro_text = is.intro_md, .date = is.send_at ? is.send_at : util_now()};
	if (strcmp(is.state, "sent") == 0 && is.sent_at)
		in.date = is.sent_at;
	in.site_name = setting(app, a, "site_name", is.edition, "Broadsheet");
	in.publisher = setting(app, a, "footer_publisher", is.edition, in.site_name);
	in.list_name = newsletter_list_name(a, is.list, is.edition);
	/* the introduction as the writing desk stores it, for a mail: absolute links, plain-link embeds */
	in.intro_html = render_mail_html(app->db, a, is.intro_md, is.edition, app->cfg.base_url);
	char *text = blocks_mail_text(is.intro_md, strlen(is.intro_md), app->cfg.base_url);
	in.intro_text = text ? arena_strdup(a, text) : "";
	free(text);
	struct nl_story *stories;
	if (row > 0 && !(subscriber_id && nl_track_enabled(app, a)))
		row = 0; /* counted only for a subscriber's copy, and only while the site counts */
	load_stories(app, a, is.article_ids, row, &stories, &in.n_stories);
	in.open_url = row > 0 ? nl_track_open_url(app, a, row) : NULL;
	in.stories = stories;
	personal_links(app, a, subscriber_id, version, &in);
	if (newsletter_mail_build(a, &in, out) != 0)
		return -1;
	out->to_addr = to_addr;
	if (newsletter_list_sender(app, a, is.edition, is.list, in.site_name, out) != 0) { /* the list's From */
		log_error("newsletter: mail_from is not an address; issue %lld not composed", (long long)issue_id);
		return -1;
	}
	return 0;
}

/* compose_issue / compose_test: the queue's composers (mailq.h) for an issue's row and an editor's test
 * (whose subject says it is a test). */
static int compose_issue(struct app *app, struct arena *a, const struct db_mail_job *job, struct mail_message *out)
{
	return newsletter_issue_message_row(app, a, job->issue_id, job->subscriber_id, job->id, job->to_addr, out);
}

static int compose_test(struct app *app, struct arena *a, const struct db_mail_job *job, struct mail_message *out)
{
	if (newsletter_issue_message(app, a, job->issue_id, 0, job->to_addr, out) != 0)
		return -1;
	out->subject = arena_printf(a, "[%s] %s", strcmp(out->lang, "ar") == 0 ? "تجربة" : "Test", out->subject);
	return 0;
}

void newsletter_mail_register(void)
{
	mailq_register("issue", compose_issue);
	mailq_register("test", compose_test);
}
