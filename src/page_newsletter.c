/* page_newsletter.c - the newsroom's newsletter desk (issue 22): the issues of each edition with their
 * counts and the daily digest's hour (/admin/newsletters), writing an issue from stories and an
 * introduction (/admin/newsletters/new, /admin/newsletters/{id}), its preview exactly as it will arrive
 * (/admin/newsletters/{id}/preview), a test to the writer's own address, sending now or at a time. Writers
 * draft; sending, scheduling and cancelling need PERM_PUBLISH. Nothing here changes a reader page, so
 * nothing is purged from the page cache. */
#include <ctype.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "catalog.h"
#include "datefmt.h"
#include "db.h"
#include "http.h"
#include "mail.h"
#include "mailq.h"
#include "newsletter_mail.h"
#include "newsletter_sched.h"
#include "newsletter_track.h"
#include "page_editor.h"
#include "pages.h"
#include "render.h"
#include "scheduler.h"
#include "session.h"
#include "util.h"

#define NL_SUBJECT_MAX 200
#define NL_INTRO_MAX 20000
#define NL_STORIES_MAX 20
#define NL_LISTED 50

/* What the issue form holds (as typed, or as stored). */
struct nl_form {
	const char *edition, *list, *subject, *preheader, *intro, *stories, *send_at;
	const char *ids; /* the stories as "3,1" once checked */
	int64_t version;
};

/* state_name: an issue's state in the newsroom's language. */
static const char *state_name(enum catalog_lang l, const char *state)
{
	static const char *const names[][2] = {{"draft", N_("Draft")},	       {"scheduled", N_("Scheduled")},
					       {"sending", N_("Sending")},     {"sent", N_("Sent")},
					       {"cancelled", N_("Cancelled")}};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(names[i][0], state) == 0)
			return catalog_tr(l, names[i][1]);
	return state;
}

/* field: a typed form field, "" when absent. */
static const char *field(struct http_request *req, const char *name)
{
	const char *v = http_form_text(req, name);
	return v ? v : "";
}

/* form_typed: the form as posted. */
static void form_typed(struct http_request *req, struct nl_form *f)
{
	*f = (struct nl_form){field(req, "edition"), field(req, "list"),      field(req, "subject"), field(req, "preheader"),
			      field(req, "intro"),   field(req, "stories"),   field(req, "send_at"), "", 0};
	util_parse_i64(field(req, "version"), &f->version);
}

/* form_stored: the form from a stored issue (its stories one a line, "#id headline"). */
static void form_stored(struct http_request *req, const struct db_nl_issue *is, struct nl_form *f)
{
	struct arena *a = req->arena;
	const char *lines = "";
	for (const char *p = is->article_ids; p && *p;) {
		int64_t id = 0;
		const char *comma = strchr(p, ',');
		const char *num = comma ? arena_strndup(a, p, (size_t)(comma - p)) : p;
		struct db_article art;
		if (util_parse_i64(num, &id) == 0 && db_article_get_id(req->app->db, a, id, &art) == DB_OK)
			lines = arena_printf(a, "%s#%lld %s\n", lines, (long long)id, art.headline);
		else
			lines = arena_printf(a, "%s%s\n", lines, num);
		p = comma ? comma + 1 : NULL;
	}
	*f = (struct nl_form){is->edition, is->list, is->subject, is->preheader, is->intro_md, lines,
			      is->send_at ? render_time_input(a, is->send_at) : "", is->article_ids, is->version};
}

/* list_ok: 1 for "digest", "breaking" or "section/<slug>" (slug: 1-64 of a-z, 0-9, '-'). */
static int list_ok(const char *list)
{
	if (strcmp(list, "digest") == 0 || strcmp(list, "breaking") == 0)
		return 1;
	if (strncmp(list, "section/", 8) != 0 || !list[8] || strlen(list + 8) > 64)
		return 0;
	for (const char *p = list + 8; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
			return 0;
	return 1;
}

/* check_stories: f->stories (one a line: "12", "#12" or "#12 headline") -> f->ids; each must be a
 * published story. NULL, or why not (in the newsroom's language, in the arena). */
static const char *check_stories(struct http_request *req, struct nl_form *f)
{
	struct arena *a = req->arena;
	enum catalog_lang l = render_newsroom_lang(req);
	const char *ids = "";
	int n = 0;
	for (const char *p = f->stories; *p;) {
		size_t len = strcspn(p, "\r\n");
		const char *line = arena_strndup(a, p, len);
		p += len;
		p += strspn(p, "\r\n");
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line)
			continue;
		const char *num = line + (*line == '#');
		size_t digits = strspn(num, "0123456789");
		int64_t id = 0;
		struct db_article art;
		if (digits == 0 || digits > 18 || (num[digits] && num[digits] != ' ') ||
		    util_parse_i64(arena_strndup(a, num, digits), &id) != 0)
			return arena_printf(a, catalog_tr(l, "\"%s\" is not a story number: pick stories by their headline or number."), line);
		if (db_article_get_id(req->app->db, a, id, &art) != DB_OK || strcmp(art.status, "published") != 0)
			return arena_printf(a, catalog_tr(l, "There is no published story number %lld."), (long long)id);
		if (++n > NL_STORIES_MAX)
			return arena_printf(a, catalog_tr(l, "An issue holds at most %d stories."), NL_STORIES_MAX);
		ids = arena_printf(a, "%s%s%lld", ids, *ids ? "," : "", (long long)id);
	}
	f->ids = ids;
	return NULL;
}

/* check_form: NULL when f can be stored (f->ids filled), else why not. */
static const char *check_form(struct http_request *req, struct nl_form *f)
{
	enum catalog_lang l = render_newsroom_lang(req);
	const char *why;
	if (strcmp(f->edition, "en") != 0 && strcmp(f->edition, "ar") != 0)
		return catalog_tr(l, "Choose the English or the Arabic edition.");
	if (!list_ok(f->list))
		return catalog_tr(l, "The list is digest, breaking or section/ and a section's slug.");
	if (!*f->subject)
		return catalog_tr(l, "Write a subject.");
	if ((why = page_too_long(req, catalog_tr(l, "The subject"), f->subject, NL_SUBJECT_MAX)) ||
	    (why = page_too_long(req, catalog_tr(l, "The preheader"), f->preheader, NL_SUBJECT_MAX)) ||
	    (why = page_too_long(req, catalog_tr(l, "The introduction"), f->intro, NL_INTRO_MAX)))
		return why;
	if (strpbrk(f->subject, "\r\n") || strpbrk(f->preheader, "\r\n"))
		return catalog_tr(l, "The subject and the preheader are one line each.");
	if ((why = render_mail_check(req->app->db, req->arena, f->intro, l))) /* the writing desk's rules */
		return arena_printf(req->arena, "%s: %s", catalog_tr(l, "The introduction"), why);
	return check_stories(req, f);
}

/* show_form: the issue page: is (NULL: a new issue) with f's fields (what was typed, or the stored
 * issue's), the text part of its mail, notice or error. Returns status. */
static int show_form(struct http_request *req, struct http_response *res, const struct db_nl_issue *is,
		     const struct nl_form *f, const char *notice, const char *error, int status)
{
	struct arena *a = req->arena;
	enum catalog_lang l = render_newsroom_lang(req);
	struct view *v = render_admin_frame(req, RENDER_NEWSLETTER_EDIT, is ? N_("Newsletter issue") : N_("Write an issue"),
					    notice, error);
	int editable = !is || strcmp(is->state, "draft") == 0 || strcmp(is->state, "scheduled") == 0;
	view_bool(v, "is_new", !is);
	view_text(v, "id", is ? arena_printf(a, "%lld", (long long)is->id) : "");
	view_text(v, "state", is ? state_name(l, is->state) : "");
	view_text(v, "state_code", is ? is->state : "");
	view_text(v, "when", is && (is->sent_at || is->send_at) ? render_time_input(a, is->sent_at ? is->sent_at : is->send_at) : "");
	view_text(v, "action", is ? arena_printf(a, "/admin/newsletters/%lld", (long long)is->id) : "/admin/newsletters/new");
	view_text(v, "version", arena_printf(a, "%lld", (long long)f->version));
	view_bool(v, "edition_en", strcmp(f->edition, "ar") != 0);
	view_bool(v, "edition_ar", strcmp(f->edition, "ar") == 0);
	view_text(v, "list", f->list);
	view_text(v, "subject", f->subject);
	view_text(v, "preheader", f->preheader);
	view_text(v, "intro", f->intro);
	view_text(v, "stories", f->stories);
	view_text(v, "send_at", f->send_at);
	view_bool(v, "editable", editable);
	view_bool(v, "can_send", req->session && auth_role_allows(req->session->user.role, PERM_PUBLISH));
	struct mail_message m = {0};
	const char *text = "";
	if (is && newsletter_issue_message(req->app, a, is->id, 0, NULL, &m) == 0)
		text = m.text;
	view_text(v, "text_part", text);
	if (editor_media_options(req, v, NULL) < 0) /* the writing desk's image chooser */
		return 500;
	return render_reply(req, res, RENDER_NEWSLETTER_EDIT, v, status);
}

/* track_counts: issue id's unique opens and clicks into r. 0, or -1 on a store error. */
static int track_counts(struct http_request *req, struct view *r, int64_t id)
{
	struct db_nl_track_counts t;
	if (db_nl_track_counts(req->app->db, id, &t) != DB_OK)
		return -1;
	view_text(r, "opened", arena_printf(req->arena, "%lld", (long long)t.opened));
	view_text(r, "clicked", arena_printf(req->arena, "%lld", (long long)t.clicked));
	return 0;
}

/* WEBPAGE: GET /admin/newsletters
 * Parameters: none
 * Permission: writers (PERM_WRITE)
 * The issues of each edition (newest first) with their state, time and counts (queued, sent, failed,
 *   bounced, unsubscribed since; unique opens and clicks), a link to write one, and each edition's daily
 *   digest hour. */
int newsletters_page(struct http_request *req, struct http_response *res)
{
	struct arena *a = req->arena;
	enum catalog_lang l = render_newsroom_lang(req);
	struct view *v = render_admin_frame(req, RENDER_NEWSLETTERS, N_("Newsletters"), http_param(req, "done") ?
					    N_("Saved.") : NULL, NULL);
	static const char *const codes[] = {"en", "ar"}, *const names[] = {"English", "العربية"};
	view_list_empty(v, "editions");
	view_bool(v, "tracking", nl_track_enabled(req->app, a));
	for (int e = 0; e < 2; e++) {
		struct db_nl_issue *list = NULL;
		size_t n = 0;
		const char *hour = NULL;
		if (db_nl_issues_list(req->app->db, a, codes[e], NL_LISTED, &list, &n) != DB_OK)
			return 500;
		db_setting_get(req->app->db, a, arena_printf(a, "newsletter.digest_hour.%s", codes[e]), &hour);
		struct view *ed = view_add(v, "editions");
		view_text(ed, "code", codes[e]);
		view_text(ed, "name", names[e]);
		view_text(ed, "digest_hour", hour ? hour : "");
		view_bool(ed, "has_issues", n > 0);
		view_list_empty(ed, "issues");
		for (size_t i = 0; i < n; i++) {
			struct view *r = view_add(ed, "issues");
			int64_t when = list[i].sent_at ? list[i].sent_at : list[i].send_at;
			view_text(r, "id", arena_printf(a, "%lld", (long long)list[i].id));
			view_text(r, "subject", list[i].subject);
			view_text(r, "list", list[i].list);
			view_text(r, "state", state_name(l, list[i].state));
			view_text(r, "state_code", list[i].state);
			view_text(r, "when", when ? render_time_input(a, when) : "");
			struct db_mail_counts c;
			if (db_mail_counts(req->app->db, list[i].id, &c) != DB_OK)
				return 500;
			c.queued += c.sending;
#define COUNT(f) view_text(r, #f, arena_printf(a, "%lld", (long long)c.f))
			COUNT(queued);
			COUNT(sent);
			COUNT(failed);
			COUNT(bounced);
			COUNT(unsubscribed);
#undef COUNT
			if (track_counts(req, r, list[i].id) != 0)
				return 500;
		}
	}
	return render_reply(req, res, RENDER_NEWSLETTERS, v, 200);
}

/* WEBPAGE: POST /admin/newsletters/digest
 * Parameters: POST form: edition (en, ar), hour (HH:MM UTC, empty = off), csrf
 * Permission: publishers (PERM_PUBLISH); CSRF checked by the route table
 * Sets the hour the edition's daily digest goes out (setting newsletter.digest_hour.<edition>) and wakes
 *   the scheduler; 400 for a bad hour. Audited (newsletter.digest_hour). */
int newsletter_digest_page(struct http_request *req, struct http_response *res)
{
	enum catalog_lang l = render_newsroom_lang(req);
	if (req->refusal)
		return res->error_message = req->refusal, 403;
	const char *ed = field(req, "edition"), *hour = field(req, "hour");
	if ((strcmp(ed, "en") && strcmp(ed, "ar")) || (*hour && newsletter_digest_minute(hour) < 0)) {
		audit_record(req, "newsletter.refused", NULL, "digest hour");
		res->error_message = catalog_tr(l, "The digest hour is HH:MM (00:00 to 23:59, UTC), or empty for none.");
		return 400;
	}
	if (db_setting_set(req->app->db, arena_printf(req->arena, "newsletter.digest_hour.%s", ed), hour) != DB_OK)
		return 500;
	audit_record(req, "newsletter.digest_hour", NULL, arena_printf(req->arena, "%s %s", ed, *hour ? hour : "off"));
	scheduler_wake(req->app);
	http_set_header(res, "Location", "/admin/newsletters?done=1");
	return 303;
}

/* prefill: a new issue's form from the query: kind=breaking (the breaking list), article=ID (that story,
 * its headline as subject, its edition), or breaking=ID (a banner: its line, the story it links). */
static void prefill(struct http_request *req, struct nl_form *f)
{
	struct arena *a = req->arena;
	*f = (struct nl_form){"en", "digest", "", "", "", "", "", "", 0};
	const char *kind = http_param(req, "kind"), *p;
	int64_t id = 0;
	struct db_article art;
	struct db_breaking b;
	if (kind && strcmp(kind, "breaking") == 0)
		f->list = "breaking";
	if ((p = http_param(req, "breaking")) && util_parse_i64(p, &id) == 0 &&
	    db_breaking_get(req->app->db, a, id, &b) == DB_OK) {
		f->list = "breaking";
		f->edition = b.edition;
		f->subject = b.text;
		id = b.link_article_id;
	} else if (!(p = http_param(req, "article")) || util_parse_i64(p, &id) != 0) {
		return;
	}
	if (id > 0 && db_article_get_id(req->app->db, a, id, &art) == DB_OK) {
		f->edition = art.edition;
		if (!*f->subject)
			f->subject = art.headline;
		f->preheader = art.standfirst ? art.standfirst : "";
		f->stories = arena_printf(a, "#%lld %s\n", (long long)id, art.headline);
	}
}

/* issue_from: the stored fields of f as an issue (kind from the list). */
static struct db_nl_issue issue_from(const struct nl_form *f, int64_t id, int64_t uid)
{
	return (struct db_nl_issue){.id = id, .edition = f->edition, .list = f->list,
				    .kind = strcmp(f->list, "breaking") == 0 ? "breaking" : "issue", .subject = f->subject,
				    .preheader = f->preheader, .intro_md = f->intro, .article_ids = f->ids,
				    .state = "draft", .created_by = uid, .version = f->version};
}

/* WEBPAGE: GET POST /admin/newsletters/new
 * Parameters: GET query (prefill): kind (breaking), article (a story's id), breaking (a banner's id);
 *   POST form: edition, list, subject, preheader, intro (Markdown), stories (one a line), send_at, csrf
 * Permission: writers (PERM_WRITE); CSRF checked by the route table
 * A new issue: a refused one keeps what was typed (400); a saved draft goes to its own page (303).
 *   Audited (newsletter.created, newsletter.refused). */
int newsletter_new_page(struct http_request *req, struct http_response *res)
{
	struct nl_form f;
	int shown = page_form_status(req);
	if (shown == 200) {
		prefill(req, &f);
		return show_form(req, res, NULL, &f, NULL, NULL, 200);
	}
	form_typed(req, &f);
	f.version = 1;
	if (shown)
		return show_form(req, res, NULL, &f, NULL, req->refusal, shown);
	const char *why = check_form(req, &f);
	if (why) {
		audit_record(req, "newsletter.refused", NULL, why);
		return show_form(req, res, NULL, &f, NULL, why, 400);
	}
	int64_t id = 0;
	struct db_nl_issue is = issue_from(&f, 0, req->session ? req->session->user.id : 0);
	if (db_nl_issue_create(req->app->db, &is, util_now(), &id) != DB_OK)
		return 500;
	audit_record(req, "newsletter.created", audit_target(req->arena, "newsletter", id), f.subject);
	http_set_header(res, "Location", arena_printf(req->arena, "/admin/newsletters/%lld?done=saved", (long long)id));
	return 303;
}

/* own_address: the session's account's e-mail (users.email) normalised for SMTP, or NULL. */
static const char *own_address(struct http_request *req)
{
	struct db_user u;
	const char *addr = NULL;
	if (!req->session || db_user_get_by_login(req->app->db, req->arena, req->session->user.login, &u) != DB_OK ||
	    !u.email || mail_addr_normalise(req->arena, u.email, &addr) != MAIL_ADDR_OK)
		return NULL;
	return addr;
}

/* act: does what the button `what` asks of the saved issue id (now at version): test, send, schedule,
 * cancel ("save" needs nothing more). Returns 0 with *notice set, or a status with *why set. */
static int act(struct http_request *req, const char *what, int64_t id, int64_t version, const struct nl_form *f,
	       const char **notice, const char **why)
{
	enum catalog_lang l = render_newsroom_lang(req);
	struct app *app = req->app;
	int64_t now = util_now(), at = 0;
	if (strcmp(what, "test") == 0) {
		const char *to = own_address(req);
		if (!to)
			return *why = catalog_tr(l, "Your account has no e-mail address to send a test to: an admin can set it on the Accounts page."), 400;
		if (mailq_enqueue_test(app, id, to) != DB_OK)
			return 500;
		*notice = arena_printf(req->arena, catalog_tr(l, "A test is on its way to %s."), to);
		return 0;
	}
	if (strcmp(what, "save") == 0)
		return *notice = catalog_tr(l, "Saved."), 0;
	if (!auth_role_allows(req->session->user.role, PERM_PUBLISH))
		return *why = catalog_tr(l, "Only editors can send, schedule or cancel an issue."), 403;
	int rc;
	if (strcmp(what, "send") == 0) {
		rc = mailq_enqueue_issue(app, id);
		*notice = catalog_tr(l, "The issue is on its way to its subscribers.");
	} else if (strcmp(what, "schedule") == 0) {
		if (datefmt_parse(f->send_at, &at) != 0 || at <= 0)
			return *why = catalog_tr(l, "Give the time to send at as YYYY-MM-DD HH:MM (UTC)."), 400;
		rc = db_nl_issue_schedule(app->db, id, version, at, now);
		scheduler_wake(app);
		*notice = catalog_tr(l, "The issue will go out at the time set.");
	} else if (strcmp(what, "cancel") == 0) {
		rc = db_nl_issue_cancel(app->db, id, version, now);
		*notice = catalog_tr(l, "The issue is cancelled.");
	} else {
		return *why = catalog_tr(l, "Unknown action."), 400;
	}
	if (rc == DB_CONFLICT)
		return *why = catalog_tr(l, "This issue was changed or sent meanwhile: reload it."), 409;
	return rc == DB_OK ? 0 : 500;
}

/* WEBPAGE: GET POST /admin/newsletters/{id}
 * Parameters: id (path); POST form: edition, list, subject, preheader, intro, stories, send_at, version
 *   (the one the form was read at), do (save, test, send, schedule, cancel), csrf
 * Permission: writers (PERM_WRITE) save and test; send, schedule and cancel need PERM_PUBLISH (403)
 * The issue's page. A POST saves what was typed if the issue is still at version (409 when it changed,
 *   was sent or cancelled), then sends a test to the writer's own address (400 when the account has none),
 *   sends now, schedules at send_at or cancels. Audited (newsletter.saved/test/sent/scheduled/cancelled,
 *   newsletter.refused). */
int newsletter_edit_page(struct http_request *req, struct http_response *res)
{
	struct arena *a = req->arena;
	int64_t id = route_param_id(&req->route, "id");
	struct db_nl_issue is;
	struct nl_form f;
	if (id <= 0 || db_nl_issue_get(req->app->db, a, id, &is) != DB_OK)
		return 404;
	int shown = page_form_status(req);
	if (shown == 200) {
		form_stored(req, &is, &f);
		const char *done = http_param(req, "done");
		return show_form(req, res, &is, &f, done ? catalog_tr(render_newsroom_lang(req), "Saved.") : NULL, NULL, 200);
	}
	form_typed(req, &f);
	if (shown)
		return show_form(req, res, &is, &f, NULL, req->refusal, shown);
	const char *what = field(req, "do"), *why = check_form(req, &f), *notice = NULL, *target = audit_target(a, "newsletter", id);
	int status = why ? 400 : 0;
	if (!why) {
		struct db_nl_issue up = issue_from(&f, id, 0);
		int rc = db_nl_issue_update(req->app->db, &up, util_now());
		if (rc == DB_CONFLICT)
			status = 409, why = catalog_tr(render_newsroom_lang(req), "This issue was changed or sent meanwhile: reload it.");
		else if (rc != DB_OK)
			return 500;
		else
			status = act(req, what, id, f.version + 1, &f, &notice, &why);
	}
	if (status == 500)
		return 500;
	static const char *const done[][2] = {{"save", "newsletter.saved"}, {"test", "newsletter.test"},
					      {"send", "newsletter.sent"}, {"schedule", "newsletter.scheduled"},
					      {"cancel", "newsletter.cancelled"}};
	const char *action = "newsletter.refused";
	for (size_t i = 0; !status && i < sizeof done / sizeof *done; i++)
		if (strcmp(done[i][0], what) == 0)
			action = done[i][1];
	audit_record(req, action, target, why ? why : f.subject);
	if (db_nl_issue_get(req->app->db, a, id, &is) != DB_OK)
		return 500;
	if (!status)
		form_stored(req, &is, &f);
	return show_form(req, res, &is, &f, notice, why, status ? status : 200);
}

/* WEBPAGE: GET /admin/newsletters/{id}/preview
 * Parameters: id (path); part (query: "text" for the plain-text part, "eml" for the whole message as a
 *   file to open in a mail program, else the HTML part)
 * Permission: writers (PERM_WRITE)
 * The issue's mail exactly as a subscriber's copy will be composed (without their personal links), as its
 *   own document under a strict Content-Security-Policy (no script, sandboxed; images from anywhere, as a
 *   mail program loads them). */
int newsletter_preview_page(struct http_request *req, struct http_response *res)
{
	int64_t id = route_param_id(&req->route, "id");
	struct mail_message m = {0};
	if (id <= 0 || newsletter_issue_message(req->app, req->arena, id, 0, NULL, &m) != 0)
		return 404;
	const char *part = http_param(req, "part");
	int text = part && strcmp(part, "text") == 0;
	const char *body = text ? m.text : m.html;
	if (part && strcmp(part, "eml") == 0) { /* the whole message, to open in a mail program */
		size_t len = 0;
		m.to_addr = "preview@example.invalid";
		m.date = util_now();
		m.message_id = arena_printf(req->arena, "<preview.%lld.%lld@example.invalid>", (long long)id, (long long)m.date);
		const char *msg = mail_compose(req->arena, &m, &len);
		if (!msg)
			return 500;
		buf_append(&res->body, msg, len);
		res->content_type = "message/rfc822";
		http_set_header(res, "Content-Disposition", arena_printf(req->arena, "attachment; filename=\"issue-%lld.eml\"", (long long)id));
		http_set_header(res, "Cache-Control", "no-store");
		return 200;
	}
	buf_append(&res->body, body, strlen(body));
	res->content_type = text ? "text/plain; charset=utf-8" : "text/html; charset=utf-8";
	http_set_header(res, "Content-Security-Policy",
			"default-src 'none'; img-src * data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
			"frame-ancestors 'self'; sandbox");
	http_set_header(res, "Cache-Control", "no-store");
	return 200;
}
