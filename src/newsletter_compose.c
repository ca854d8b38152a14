/* newsletter_compose.c - the store side of newsletter_mail.h: an issue's mail for one recipient from the
 * issue, its stories and the site's settings, and the queue's "issue" and "test" composers. */
#include <pthread.h>
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
 * into *out (arena) with their ids in *ids_out; *n how many. Unknown or unpublished ids are left out. */
static void load_stories(struct app *app, struct arena *a, const char *ids, struct nl_story **out, int64_t **ids_out,
			 size_t *n)
{
	struct nl_story *s = arena_alloc(a, NL_MAX_STORIES * sizeof *s);
	int64_t *sid = arena_alloc(a, NL_MAX_STORIES * sizeof *sid);
	const char *base = app->cfg.base_url;
	*n = 0;
	for (const char *p = ids; p && *p && *n < NL_MAX_STORIES;) {
		char *end;
		long long id = strtoll(p, &end, 10);
		struct db_article art;
		if (end != p && id > 0 && db_article_get_id(app->db, a, id, &art) == DB_OK &&
		    strcmp(art.status, "published") == 0) {
			const char *img = render_image_src(a, &art);
			sid[*n] = art.id;
			s[(*n)++] = (struct nl_story){art.headline, art.standfirst,
						      arena_printf(a, "%s%s", base, render_article_href(a, &art)),
						      img ? arena_printf(a, "%s%s", base, img) : NULL, art.image_alt, NULL};
		}
		const char *comma = strchr(p, ',');
		p = comma ? comma + 1 : NULL;
	}
	*out = s;
	*ids_out = sid;
}

/* What every recipient's mail of one issue shares: the site's names, the introduction in both forms, the
 * stories and the list's sender. Composing 100,000 mails of an issue read and rendered these 100,000
 * times; issue_shared keeps one copy for ISSUE_SHARED_TTL seconds per issue version (an issue being sent
 * cannot be edited; a story unpublished meanwhile leaves within the TTL). */
#define ISSUE_SHARED_TTL 30
struct issue_shared {
	int64_t issue_id, version, loaded_at;
	const char *site_name, *publisher, *list_name, *intro_html, *intro_text;
	const char *from_name, *from_addr, *reply_to;
	struct nl_story *stories;
	int64_t *story_ids;
	size_t n_stories;
};

/* shared_load: fills sh (strings in a) for issue is. Returns 0, or -1 when the list has no From address. */
static int shared_load(struct app *app, struct arena *a, const struct db_nl_issue *is, struct issue_shared *sh)
{
	*sh = (struct issue_shared){.issue_id = is->id, .version = is->version, .loaded_at = util_now()};
	sh->site_name = setting(app, a, "site_name", is->edition, "Broadsheet");
	sh->publisher = setting(app, a, "footer_publisher", is->edition, sh->site_name);
	sh->list_name = newsletter_list_name(a, is->list, is->edition);
	/* the introduction as the writing desk stores it, for a mail: absolute links, plain-link embeds */
	sh->intro_html = render_mail_html(app->db, a, is->intro_md, is->edition, app->cfg.base_url);
	char *text = blocks_mail_text(is->intro_md, strlen(is->intro_md), app->cfg.base_url);
	sh->intro_text = text ? arena_strdup(a, text) : "";
	free(text);
	load_stories(app, a, is->article_ids, &sh->stories, &sh->story_ids, &sh->n_stories);
	struct mail_message from = {0};
	if (newsletter_list_sender(app, a, is->edition, is->list, sh->site_name, &from) != 0)
		return -1;
	sh->from_name = from.from_name;
	sh->from_addr = from.from_addr;
	sh->reply_to = from.reply_to;
	return 0;
}

/* S: an arena copy of a possibly NULL string. */
#define S(a, x) ((x) ? arena_strdup((a), (x)) : NULL)

/* shared_copy: src with every string copied into a (src may be freed after). */
static void shared_copy(struct arena *a, const struct issue_shared *src, struct issue_shared *dst)
{
	*dst = *src;
	dst->site_name = S(a, src->site_name), dst->publisher = S(a, src->publisher);
	dst->list_name = S(a, src->list_name), dst->intro_html = S(a, src->intro_html);
	dst->intro_text = S(a, src->intro_text), dst->from_name = S(a, src->from_name);
	dst->from_addr = S(a, src->from_addr), dst->reply_to = S(a, src->reply_to);
	dst->stories = arena_alloc(a, (src->n_stories + 1) * sizeof *dst->stories);
	dst->story_ids = arena_alloc(a, (src->n_stories + 1) * sizeof *dst->story_ids);
	for (size_t i = 0; i < src->n_stories; i++) {
		const struct nl_story *f = &src->stories[i];
		dst->stories[i] = (struct nl_story){S(a, f->headline), S(a, f->standfirst), S(a, f->url),
						    S(a, f->image_url), S(a, f->image_alt), NULL};
		dst->story_ids[i] = src->story_ids[i];
	}
}
#undef S

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static struct arena shared_arena = ARENA_INIT; /* owns cached's strings; emptied when it is replaced */
static struct issue_shared cached;

/* issue_shared_get: the shared parts of issue is into *out (strings in a), from the one cached copy when it
 * is of this issue's version and younger than ISSUE_SHARED_TTL, else loaded and cached. Returns 0, or -1
 * when the list has no From address. */
static int issue_shared_get(struct app *app, struct arena *a, const struct db_nl_issue *is, struct issue_shared *out)
{
	pthread_mutex_lock(&shared_lock);
	int64_t now = util_now();
	if (cached.issue_id != is->id || cached.version != is->version || now - cached.loaded_at >= ISSUE_SHARED_TTL ||
	    now < cached.loaded_at) {
		arena_free(&shared_arena);
		cached = (struct issue_shared){0};
		if (shared_load(app, &shared_arena, is, &cached) != 0) {
			arena_free(&shared_arena);
			cached = (struct issue_shared){0};
			pthread_mutex_unlock(&shared_lock);
			return -1;
		}
	}
	shared_copy(a, &cached, out);
	pthread_mutex_unlock(&shared_lock);
	return 0;
}

/* newsletter_compose_shutdown: frees the cached shared parts (at exit: no leak reported). */
void newsletter_compose_shutdown(void)
{
	pthread_mutex_lock(&shared_lock);
	arena_free(&shared_arena);
	cached = (struct issue_shared){0};
	pthread_mutex_unlock(&shared_lock);
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
	struct issue_shared sh; /* a preview or a test is made afresh; a subscriber's copy shares the cached parts */
	if ((subscriber_id ? issue_shared_get(app, a, &is, &sh) : shared_load(app, a, &is, &sh)) != 0) {
		log_error("newsletter: mail_from is not an address; issue %lld not composed", (long long)issue_id);
		return -1;
	}
	struct nl_mail_input in = {.edition = is.edition, .base_url = app->cfg.base_url, .subject = is.subject,
				   .preheader = is.preheader, .date = is.send_at ? is.send_at : util_now(),
				   .site_name = sh.site_name, .publisher = sh.publisher, .list_name = sh.list_name,
				   .intro_html = sh.intro_html, .intro_text = sh.intro_text, .stories = sh.stories,
				   .n_stories = sh.n_stories};
	if (strcmp(is.state, "sent") == 0 && is.sent_at)
		in.date = is.sent_at;
	if (row > 0 && !(subscriber_id && nl_track_enabled(app, a)))
		row = 0; /* counted only for a subscriber's copy, and only while the site counts */
	for (size_t i = 0; row > 0 && i < sh.n_stories; i++)
		sh.stories[i].track_url = nl_track_click_url(app, a, row, sh.story_ids[i]);
	in.open_url = row > 0 ? nl_track_open_url(app, a, row) : NULL;
	personal_links(app, a, subscriber_id, version, &in);
	if (newsletter_mail_build(a, &in, out) != 0)
		return -1;
	out->to_addr = to_addr;
	out->from_name = sh.from_name; /* the list's From */
	out->from_addr = sh.from_addr;
	out->reply_to = sh.reply_to;
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
