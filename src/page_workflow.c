/* page_workflow.c - an article's life after its text: the workflow (submit, schedule, publish, unpublish,
 * with their times), its history of revisions with their diff, restoring a revision and dated corrections.
 * The editor's form and its checks are page_editor.c's (page_editor.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "app.h"
#include "audit.h"
#include "cache_keys.h"
#include "catalog.h"
#include "article.h"
#include "auth.h"
#include "datefmt.h"
#include "db.h"
#include "diff.h"
#include "escape.h"
#include "uri.h"
#include "log.h"
#include "pages.h"
#include "render.h"
#include "scheduler.h"
#include "util.h"
#include "webhook.h"
#include "page_editor.h"

/* status_refuse: shows the editor again with the workflow fields as typed, the field at fault marked
 * (bad: its form name, or NULL) and a reason. */
static int status_refuse(struct http_request *req, struct http_response *res, const struct db_article *art,
			 const char *why, const char *bad, int status)
{
	struct editor_form f;
	if (article_form_load(req, art, &f) < 0)
		return 500;
	f.at = editor_field(req, "at");
	f.expires = editor_field(req, "expires");
	f.invalid = bad;
	return editor_show(req, res, art, &f, NULL, why, NULL, NULL, status);
}

/* workflow_store: writes the step decided by article_workflow in one transaction: the new status and
 * times, the log line and the webhook event. Returns 0, or 500 (rolled back). */
static int workflow_store(struct http_request *req, const struct db_article *art, const char *status,
			  const char *action, int64_t published_at, int64_t scheduled_at, int64_t expires_at)
{
	struct db *db = req->app->db;
	if (db_begin(db) != DB_OK)
		return 500;
	if (db_article_set_status(db, art->id, status, published_at, scheduled_at, expires_at) != DB_OK ||
	    db_event_insert(db, art->id, req->session->user.id, action, util_now()) != DB_OK ||
	    webhook_article_moved(req, art->id, art->status, status) != DB_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		return 500;
	}
	audit_record(req, audit_article_step(art->status, status), audit_target(req->arena, "article", art->id), action);
	cache_note(req, CACHE_ARTICLE_STATUS, art->id);
	scheduler_wake(req->app);
	return 0;
}

int article_workflow(struct http_request *req, const struct db_article *art, const char *to, const char *at_text,
		     const char *exp_text, const char **why, const char **field)
{
	struct arena *a = req->arena;
	int pub = editor_can_publish(req), own = art->owner_id == req->session->user.id;
	int64_t now = util_now(), at = 0, expires = 0;
	*why = NULL;
	*field = NULL;
#define REFUSE(status, text)                                                                                  \
	do {                                                                                                  \
		*why = (text);                                                                                \
		return (status);                                                                              \
	} while (0)
#define REFUSE_AT(name, status, text)                                                                         \
	do {                                                                                                  \
		*field = (name);                                                                              \
		REFUSE(status, text);                                                                         \
	} while (0)
	if (exp_text && *exp_text && datefmt_parse(exp_text, &expires) < 0)
		REFUSE_AT("expires", 400, N_("The take-down time must look like 2026-12-01 08:00 (UTC)."));
	const char *status = NULL, *action = NULL;
	int64_t published_at = art->published_at, scheduled_at = 0, expires_at = art->expires_at;
	if (strcmp(to, "review") == 0 || strcmp(to, "draft") == 0) {
		int from_ok = strcmp(to, "review") == 0 ? strcmp(art->status, "draft") == 0
							 : (strcmp(art->status, "review") == 0 ||
							    (pub && (strcmp(art->status, "unpublished") == 0 ||
								     strcmp(art->status, "scheduled") == 0)));
		if (!(own || pub))
			REFUSE(403, N_("Only the article's writer or an editor can move it."));
		if (!from_ok)
			REFUSE(409, N_("That step is not possible from the article's status."));
		status = to;
		action = strcmp(to, "review") == 0 ? N_("submitted for review") : N_("returned to draft");
	} else if (strcmp(to, "publish") == 0 || strcmp(to, "schedule") == 0 || strcmp(to, "unpublish") == 0 ||
		   strcmp(to, "expiry") == 0) {
		if (!pub)
			REFUSE(403, N_("Only editors can publish, schedule or unpublish."));
		if (strcmp(to, "publish") == 0) {
			if (strcmp(art->status, "published") == 0)
				REFUSE(409, N_("The article is already published."));
			status = "published";
			action = N_("published");
			if (at_text && *at_text) { /* "published as of": archive imports keep their original date */
				if (datefmt_parse(at_text, &at) < 0)
					REFUSE_AT("at", 400, N_("Give the publication time as YYYY-MM-DD HH:MM or HH:MM:SS (UTC)."));
				if (at > now)
					REFUSE_AT("at", 400, N_("That publication time is in the future: schedule the article instead."));
				if (at < WORKFLOW_TIME_FLOOR)
					REFUSE_AT("at", 400, N_("The publication time must be 1990-01-01 or later (UTC): an earlier "
								"one is taken for a clock or field that was never set."));
				published_at = at;
				action = arena_printf(a, "published as of %s UTC", render_time_input(a, at));
			} else if (!published_at) {
				published_at = now;
			}
		} else if (strcmp(to, "schedule") == 0) {
			if (strcmp(art->status, "published") == 0)
				REFUSE(409, N_("The article is already published."));
			if (!at_text || !*at_text || datefmt_parse(at_text, &at) < 0)
				REFUSE_AT("at", 400, N_("Give the publication time as YYYY-MM-DD HH:MM or HH:MM:SS (UTC)."));
			if (at <= now)
				REFUSE_AT("at", 400, N_("That publication time is in the past. Choose a later time, or use Publish now."));
			if (at > now + WORKFLOW_TIME_AHEAD)
				REFUSE_AT("at", 400, N_("That publication time is more than ten years ahead: check the year."));
			status = "scheduled";
			action = arena_printf(a, "scheduled for %s UTC", render_time_input(a, at));
			scheduled_at = at;
		} else if (strcmp(to, "expiry") == 0) {
			if (strcmp(art->status, "published") != 0)
				REFUSE(409, N_("Only a published article can get a take-down time."));
			status = "published";
			action = expires ? arena_printf(a, "take-down set for %s UTC", render_time_input(a, expires))
					 : N_("take-down time removed");
		} else {
			if (strcmp(art->status, "published") != 0 && strcmp(art->status, "scheduled") != 0)
				REFUSE(409, N_("The article is not published or scheduled."));
			status = "unpublished";
			action = strcmp(art->status, "scheduled") == 0 ? N_("schedule cancelled") : N_("unpublished");
			expires_at = 0;
		}
		if (strcmp(to, "unpublish") != 0) {
			int64_t live = scheduled_at ? scheduled_at : now;
			if (expires && expires <= live)
				REFUSE_AT("expires", 400, N_("The take-down time must be after the publication time."));
			if (expires > now + WORKFLOW_TIME_AHEAD)
				REFUSE_AT("expires", 400, N_("The take-down time is more than ten years ahead: check the year."));
			expires_at = expires;
		}
		if (strcmp(to, "unpublish") == 0 && strcmp(art->status, "scheduled") == 0)
			status = art->published_at ? "unpublished" : "draft";
	} else {
		REFUSE(400, N_("Unknown workflow step."));
	}
	if (strcmp(to, "publish") == 0 || strcmp(to, "schedule") == 0) { /* a wire item's embargo (page_wires.c) */
		const char *embargo = wires_embargo_refusal(req, art->id, scheduled_at ? scheduled_at : now);
		if (embargo)
			REFUSE_AT(scheduled_at ? "at" : NULL, 409, embargo);
	}
#undef REFUSE_AT
#undef REFUSE
	return workflow_store(req, art, status, action, published_at, scheduled_at, expires_at);
}

/* WEBPAGE: POST /admin/articles/{id}/status
 * Parameters: csrf; to (review, draft, publish, schedule, expiry, unpublish); at (schedule), expires.
 * Permission: PERM_WRITE and may_edit; publishing, scheduling and take-downs need PERM_PUBLISH
 * (article_workflow). A refusal shows the editor again with the times as typed and the field marked;
 * success redirects (303) to the editor with notice=status. */
int article_status_page(struct http_request *req, struct http_response *res)
{
	struct db_article art;
	struct arena *a = req->arena;
	int64_t id = route_param_id(&req->route, "id");
	if (!id)
		return 404;
	int rc = db_article_get_id(req->app->db, a, id, &art);
	if (rc == DB_NOTFOUND)
		return 404;
	if (rc != DB_OK)
		return 500;
	const char *why, *bad;
	const char *to = editor_field(req, "to");
	/* the form's time field is the schedule's: "Publish now" never takes a date typed there */
	int st = article_workflow(req, &art, to, strcmp(to, "schedule") == 0 ? editor_field(req, "at") : NULL,
				  editor_field(req, "expires"), &why, &bad);
	if (st == 403) {
		res->error_message = why;
		return 403;
	}
	if (st == 500)
		return 500;
	if (st)
		return status_refuse(req, res, &art, why, bad, st);
	http_set_header(res, "Location", arena_printf(a, "/admin/articles/%lld?notice=status", (long long)id));
	return 303;
}

/* revision_text: one revision as the text the history page compares, its fields named in lang. */
static const char *revision_text(struct arena *a, enum catalog_lang lang, const struct db_revision *r)
{
	return arena_printf(a, "%s: %s\n%s: %s\n%s: %s\n%s: %s\n\n%s", catalog_tr(lang, "Headline"), r->headline,
			    catalog_tr(lang, "Standfirst"), r->standfirst, catalog_tr(lang, "Dateline"), r->dateline,
			    catalog_tr(lang, "Slug"), r->slug, r->body_md);
}

/* The workflow log's actions are stored in English, the words marked N_ where they are written; the
 * scheduler's are written by its SQL (store_newsroom.c), and those that carry a value (a time, a version,
 * an article number) are written with it in place of the one %s of these forms. */
static const char *const event_scheduler_words[] = {N_("published (scheduled)"), N_("unpublished (expired)"),
						     N_("created"), N_("saved")};
static const char *const event_forms[] = {N_("published as of %s UTC"), N_("scheduled for %s UTC"),
					  N_("take-down set for %s UTC"), N_("restored version %s"),
					  N_("translation of article %s created")};

/* event_label: a logged action in lang: one of event_forms with its value put into the translated form,
 * any other through the catalogue (as stored when it has no entry). In the arena, or a catalogue string. */
static const char *event_label(struct arena *a, enum catalog_lang lang, const char *action)
{
	(void)event_scheduler_words; /* (listed for the catalogue: catalog_tr finds them by their words) */
	size_t n = strlen(action);
	for (size_t i = 0; i < ARRAY_LEN(event_forms); i++) {
		const char *form = event_forms[i], *hole = strstr(form, "%s");
		size_t before = (size_t)(hole - form), after = strlen(hole + 2);
		if (n <= before + after || strncmp(action, form, before) != 0 || strcmp(action + n - after, hole + 2) != 0)
			continue;
		/* the translation has the one %s too (scripts/check-po.py and catalog_init see to it) */
		const char *tr = catalog_tr(lang, form), *tr_hole = strstr(tr, "%s");
		if (!tr_hole)
			break;
		return arena_printf(a, "%.*s%.*s%s", (int)(tr_hole - tr), tr, (int)(n - before - after), action + before,
				    tr_hole + 2);
	}
	return catalog_tr(lang, action);
}

static const struct db_revision *find_revision(const struct db_revision *revs, size_t n, int64_t version)
{
	for (size_t i = 0; i < n; i++)
		if (revs[i].version == version)
			return &revs[i];
	return NULL;
}

/* WEBPAGE: GET /admin/articles/{id}/history
 * Parameters: a, b (versions to compare; default the two newest).
 * Permission: PERM_WRITE and may_see (another writer's unpublished work answers as a missing number).
 * Shows the revisions, the workflow log and a line diff between versions a and b. */
int article_history_page(struct http_request *req, struct http_response *res)
{
	struct db_article art;
	struct arena *a = req->arena;
	struct db *db = req->app->db;
	int st = editor_load_article(req, res, &art);
	if (st == 403 && auth_role_allows(req->session->user.role, PERM_WRITE) &&
	    art.owner_id == req->session->user.id)
		st = 0; /* a reporter may read the history of their own story after it left their hands */
	if (st)
		return st;
	struct db_revision *revs;
	size_t n;
	struct db_event *events;
	size_t ne;
	if (db_revisions_list(db, a, art.id, &revs, &n) != DB_OK || db_events_list(db, a, art.id, &events, &ne) != DB_OK)
		return 500;
	struct view *v = render_admin_frame(req, RENDER_HISTORY, N_("History"), NULL, NULL);
	enum catalog_lang lang = render_newsroom_lang(req);
	view_text(v, "id", editor_i64s(a, art.id));
	view_text(v, "headline", art.headline);
	/* default comparison: the previous revision against the newest */
	int64_t va = n > 1 ? revs[1].version : (n ? revs[0].version : 0), vb = n ? revs[0].version : 0;
	const char *pa = http_param(req, "a"), *pb = http_param(req, "b");
	if ((pa && util_parse_i64(pa, &va) < 0) || (pb && util_parse_i64(pb, &vb) < 0))
		return 404;
	const struct db_revision *ra = find_revision(revs, n, va), *rb = find_revision(revs, n, vb);
	if ((pa || pb) && (!ra || !rb)) {
		res->error_message = N_("There is no such revision of this article.");
		return 404;
	}
	view_list_empty(v, "revisions");
	for (size_t i = 0; i < n; i++) {
		struct view *r = view_add(v, "revisions");
		view_text(r, "version", editor_i64s(a, revs[i].version));
		view_text(r, "who", revs[i].who);
		view_text(r, "when", render_stamp(a, revs[i].created_at, catalog_code(lang)));
		view_text(r, "headline", revs[i].headline);
		view_bool(r, "current", revs[i].version == art.version);
		view_bool(r, "is_a", ra && revs[i].version == ra->version);
		view_bool(r, "is_b", rb && revs[i].version == rb->version);
	}
	view_list_empty(v, "events");
	for (size_t i = 0; i < ne; i++) {
		struct view *e = view_add(v, "events");
		view_text(e, "action", event_label(a, lang, events[i].action));
		/* (the store names the scheduler so where no person acted) */
		view_text(e, "who", strcmp(events[i].who, "the scheduler") == 0 ? catalog_tr(lang, "the scheduler") : events[i].who);
		view_text(e, "when", render_stamp(a, events[i].at, catalog_code(lang)));
	}
	view_list_empty(v, "diff");
	int has = ra && rb && ra != rb;
	view_bool(v, "has_diff", has);
	view_bool(v, "diff_too_big", 0);
	view_text(v, "diff_a", ra ? editor_i64s(a, ra->version) : "");
	view_text(v, "diff_b", rb ? editor_i64s(a, rb->version) : "");
	view_bool(v, "can_restore", ra && ra->version != art.version && editor_may_edit(req, &art));
	if (has) {
		struct diff_op *ops;
		size_t nops;
		if (diff_lines(a, revision_text(a, lang, ra), revision_text(a, lang, rb), &ops, &nops) < 0) {
			view_bool(v, "diff_too_big", 1);
			nops = 0;
		}
		static const char *const kinds[] = {[DIFF_SAME] = "same", [DIFF_DEL] = "removed", [DIFF_ADD] = "added"};
		for (size_t i = 0; i < nops; i++) {
			struct view *d = view_add(v, "diff");
			view_text(d, "kind", kinds[ops[i].kind]);
			view_text(d, "mark", ops[i].kind == DIFF_SAME ? "" : catalog_tr(lang, kinds[ops[i].kind]));
			view_bool(d, "changed", ops[i].kind != DIFF_SAME);
			view_textn(d, "text", ops[i].text, ops[i].len);
		}
	}
	return render_reply(req, res, RENDER_HISTORY, v, 200);
}

/* WEBPAGE: POST /admin/articles/{id}/restore
 * Parameters: csrf; version (the revision to restore).
 * Permission: PERM_WRITE and may_edit. Saves that revision's text as a new revision (the stale-version
 * check as for a save) and redirects (303) to the editor with notice=restored. */
int article_restore_page(struct http_request *req, struct http_response *res)
{
	struct db_article art;
	struct arena *a = req->arena;
	struct db *db = req->app->db;
	int st = editor_load_article(req, res, &art);
	if (st)
		return st;
	int64_t version;
	struct db_revision *revs;
	size_t n;
	if (util_parse_i64(editor_field(req, "version"), &version) < 0)
		return 400;
	if (db_revisions_list(db, a, art.id, &revs, &n) != DB_OK)
		return 500;
	const struct db_revision *r = find_revision(revs, n, version);
	if (!r) {
		res->error_message = N_("There is no such revision of this article.");
		return 404;
	}
	/* the slug stays: restoring text must not move a published address */
	struct db_article upd = art;
	upd.headline = r->headline;
	upd.standfirst = r->standfirst;
	upd.body_md = r->body_md;
	upd.body_html = editor_markdown_html(req, r->body_md, art.edition);
	upd.dateline = r->dateline;
	upd.updated_at = art.published_at ? art.updated_at : util_now();
	if (!upd.updated_at)
		upd.updated_at = util_now();
	int64_t id;
	if (db_begin(db) != DB_OK)
		return 500;
	int rc = db_article_save(db, &upd, &id);
	if (rc == DB_OK)
		rc = editor_save_revision(req, art.id, art.version + 1, &upd);
	if (rc == DB_OK)
		rc = webhook_article_saved(req, art.id, art.status);
	if (rc == DB_OK)
		rc = db_event_insert(db, art.id, req->session->user.id,
				     arena_printf(a, "restored version %lld", (long long)version), util_now());
	if (rc != DB_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		if (rc == DB_CONFLICT) {
			res->error_message = N_("Someone saved this article at the same moment; open the history again.");
			return 409;
		}
		return 500;
	}
	audit_record(req, "article.restored", audit_target(a, "article", art.id), arena_printf(a, "version %lld", (long long)version));
	cache_note(req, CACHE_ARTICLE_EDITED, art.id);
	http_set_header(res, "Location", arena_printf(a, "/admin/articles/%lld?notice=restored", (long long)art.id));
	return 303;
}

/* WEBPAGE: POST /admin/articles/{id}/corrections
 * Parameters: csrf; body (the correction note, at most MAX_CORRECTION characters).
 * Permission: PERM_PUBLISH. Publishes a dated correction on the article and redirects (303) to the
 * editor with notice=correction; a refused note is shown again in the editor as typed. */
int article_correction_page(struct http_request *req, struct http_response *res)
{
	struct db_article art;
	struct arena *a = req->arena;
	struct db *db = req->app->db;
	int st = editor_load_article(req, res, &art);
	if (st)
		return st;
	const char *body = editor_field(req, "body");
	const char *why = NULL;
	if (!*body)
		why = N_("A correction note cannot be empty.");
	else
		why = page_too_long(req, catalog_tr(render_newsroom_lang(req), "The correction note"), body, MAX_CORRECTION);
	if (why) {
		struct editor_form f;
		if (article_form_load(req, &art, &f) < 0)
			return 500;
		f.correction = body;
		return editor_show(req, res, &art, &f, NULL, why, NULL, NULL, 400);
	}
	int64_t now = util_now();
	if (db_begin(db) != DB_OK)
		return 500;
	if (db_correction_insert(db, art.id, body, req->session->user.id, now) != DB_OK ||
	    db_event_insert(db, art.id, req->session->user.id, N_("correction published"), now) != DB_OK ||
	    webhook_article_saved(req, art.id, art.status) != DB_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		return 500;
	}
	audit_record(req, "article.corrected", audit_target(a, "article", art.id), body);
	cache_note(req, CACHE_ARTICLE_EDITED, art.id);
	http_set_header(res, "Location", arena_printf(a, "/admin/articles/%lld?notice=correction", (long long)art.id));
	return 303;
}

