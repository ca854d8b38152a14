/* page_newsletter_senders.c - who each newsletter list's mails are from (issue 22, "sender per list"):
 * /admin/newsletters/senders shows, per edition, the daily digest, breaking news and every section's list
 * with its From name, From address and Reply-To (empty = the site's default, shown as the placeholder),
 * and saves one list at a time. Publishers and admins only (the route's PERM_PUBLISH). The rules and the
 * envelope sender are newsletter_sender.h's. Nothing here changes a reader page: no cache purge. */
#include <string.h>

#include "app.h"
#include "audit.h"
#include "catalog.h"
#include "db.h"
#include "http.h"
#include "mail.h"
#include "mail_send.h"
#include "newsletter.h"
#include "newsletter_mail.h"
#include "newsletter_sender.h"
#include "pages.h"
#include "render.h"
#include "util.h"

#define SENDERS_LISTS_MAX 66 /* the two fixed lists and at most 64 sections */

/* A list's row on the page: what is stored, or what was typed (the row the refused POST was for). */
struct sender_row {
	const char *list, *from_name, *from_addr, *reply_to;
	const char *error; /* this row's refusal, or NULL */
};

/* field: a typed form field, "" when absent. */
static const char *field(struct http_request *req, const char *name)
{
	const char *v = http_form_text(req, name);
	return v ? v : "";
}

/* edition_lists: the lists of edition (digest, breaking, section/<slug> of each section) into out (at most
 * cap), the count, or -1 on a store error. */
static int edition_lists(struct http_request *req, const char *edition, const char **out, int cap)
{
	struct db_section *secs = NULL;
	size_t ns = 0;
	if (db_sections_list(req->app->db, req->arena, edition, &secs, &ns) != DB_OK)
		return -1;
	int n = 0;
	out[n++] = "digest";
	out[n++] = "breaking";
	for (size_t i = 0; i < ns && n < cap; i++)
		out[n++] = arena_printf(req->arena, "section/%s", secs[i].slug);
	return n;
}

/* add_row: one list's form in the edition's view ed: the stored sender, or typed (when it is that list). */
static void add_row(struct http_request *req, struct view *ed, const char *edition, const char *list,
		    const struct db_nl_sender *stored, size_t nstored, const struct db_nl_sender *typed, const char *error)
{
	struct arena *a = req->arena;
	struct sender_row r = {list, "", "", "", NULL};
	for (size_t i = 0; i < nstored; i++)
		if (strcmp(stored[i].list, list) == 0)
			r = (struct sender_row){list, stored[i].from_name, stored[i].from_addr, stored[i].reply_to, NULL};
	if (typed && strcmp(typed->edition, edition) == 0 && strcmp(typed->list, list) == 0)
		r = (struct sender_row){list, typed->from_name, typed->from_addr, typed->reply_to, error};
	struct view *v = view_add(ed, "lists");
	char *key = arena_printf(a, "%s-%s", edition, list);
	for (char *p = key; *p; p++)
		if (*p == '/')
			*p = '-';
	view_text(v, "key", key);
	view_text(v, "list", list);
	/* the list named in the newsroom's language (the page's), not the edition's */
	view_text(v, "name", newsletter_list_name(a, list, render_newsroom_lang(req) == CATALOG_AR ? "ar" : "en"));
	view_text(v, "from_name", r.from_name);
	view_text(v, "from_addr", r.from_addr);
	view_text(v, "reply_to", r.reply_to);
	view_text(v, "row_error", r.error ? r.error : "");
}

/* show: the page, with typed (the refused or just saved list's fields, or NULL), notice or error. */
static int show(struct http_request *req, struct http_response *res, const struct db_nl_sender *typed,
		const char *notice, const char *error, int status)
{
	struct arena *a = req->arena;
	struct view *v = render_admin_frame(req, RENDER_NEWSLETTER_SENDERS, N_("Newsletter senders"), notice, error);
	static const char *const codes[] = {"en", "ar"}, *const names[] = {"English", "العربية"};
	const char *site_from = mail_sender(&req->app->cfg, a);
	view_list_empty(v, "editions");
	for (int e = 0; e < 2; e++) {
		const char *lists[SENDERS_LISTS_MAX];
		int n = edition_lists(req, codes[e], lists, SENDERS_LISTS_MAX);
		struct db_nl_sender *stored = NULL;
		size_t ns = 0;
		if (n < 0 || db_nl_senders_list(req->app->db, a, codes[e], &stored, &ns) != DB_OK)
			return 500;
		struct view *ed = view_add(v, "editions");
		view_text(ed, "code", codes[e]);
		view_text(ed, "name", names[e]);
		view_text(ed, "default_name", nl_site_name(req->app, a, codes[e]));
		view_text(ed, "default_addr", site_from ? site_from : "");
		view_list_empty(ed, "lists");
		for (int i = 0; i < n; i++)
			add_row(req, ed, codes[e], lists[i], stored, ns, typed, error);
	}
	return render_reply(req, res, RENDER_NEWSLETTER_SENDERS, v, status);
}

/* list_of_edition: 1 when list is one of edition's lists. -1 on a store error. */
static int list_of_edition(struct http_request *req, const char *edition, const char *list)
{
	const char *lists[SENDERS_LISTS_MAX];
	int n = edition_lists(req, edition, lists, SENDERS_LISTS_MAX);
	for (int i = 0; i < n; i++)
		if (strcmp(lists[i], list) == 0)
			return 1;
	return n < 0 ? -1 : 0;
}

/* addr_problem: mail_addr_problem's sentence for rc in language l (the sentences are marked here for the
 * catalogue: mail.c is pure and has no language). */
static const char *addr_problem(enum catalog_lang l, int rc)
{
	static const char *const marked[] = {
		N_("Type an e-mail address."), N_("That e-mail address is too long."),
		N_("An e-mail address cannot hold line breaks or control characters."),
		N_("The part before the @ must be in Latin letters, digits and punctuation."),
		N_("The part after the @ is not a domain name."), N_("That is not an e-mail address (name@example.com).")};
	const char *p = mail_addr_problem(rc);
	for (size_t i = 0; p && i < sizeof marked / sizeof *marked; i++)
		if (strcmp(marked[i], p) == 0)
			return catalog_tr(l, marked[i]);
	return p ? p : "";
}

/* check_addr: *addr ("" allowed) normalised in place; NULL, or why not (what names the field). */
static const char *check_addr(struct http_request *req, const char *what, const char **addr)
{
	enum catalog_lang l = render_newsroom_lang(req);
	if (!**addr)
		return NULL;
	const char *out = NULL;
	int rc = mail_addr_normalise(req->arena, *addr, &out);
	if (rc != MAIL_ADDR_OK)
		return arena_printf(req->arena, catalog_tr(l, "%s is not an address: %s"), what,
				    addr_problem(l, rc));
	*addr = out;
	return NULL;
}

/* check: NULL when s (typed) can be stored (its addresses normalised), else why not. */
static const char *check(struct http_request *req, struct db_nl_sender *s)
{
	enum catalog_lang l = render_newsroom_lang(req);
	const char *why;
	if (strcmp(s->edition, "en") != 0 && strcmp(s->edition, "ar") != 0)
		return catalog_tr(l, "Choose the English or the Arabic edition.");
	int known = list_of_edition(req, s->edition, s->list);
	if (known < 0)
		return "";
	if (!known)
		return catalog_tr(l, "There is no such list in this edition.");
	if (!nl_sender_name_ok(req->arena, s->from_name))
		return arena_printf(req->arena, catalog_tr(l, "The sender's name is at most %d bytes of text on one line."),
				    NL_SENDER_NAME_MAX);
	if ((why = check_addr(req, catalog_tr(l, "The sender address"), &s->from_addr)) ||
	    (why = check_addr(req, catalog_tr(l, "The Reply-To address"), &s->reply_to)))
		return why;
	return NULL;
}

/* WEBPAGE: GET POST /admin/newsletters/senders
 * Parameters: POST form: edition (en, ar), list (digest, breaking, section/<slug>), from_name, from_addr,
 *   reply_to (each empty = the site's default), csrf
 * Permission: publishers (PERM_PUBLISH); CSRF checked by the route table (a refused POST keeps what was typed)
 * Per edition and list, the sender of its mails: From display name, From address, Reply-To. A POST saves one
 *   list's (all empty = back to the default); a bad address or name is refused (400) with what was typed
 *   kept; an address outside the site's mail domain is saved with a warning that the relay must permit it. */
int newsletter_senders_page(struct http_request *req, struct http_response *res)
{
	enum catalog_lang l = render_newsroom_lang(req);
	int shown = page_form_status(req);
	if (shown == 200)
		return show(req, res, NULL, http_param(req, "done") ? catalog_tr(l, "Saved.") : NULL, NULL, 200);
	struct db_nl_sender s = {.edition = field(req, "edition"), .list = field(req, "list"),
				 .from_name = util_trim(req->arena, field(req, "from_name")),
				 .from_addr = util_trim(req->arena, field(req, "from_addr")),
				 .reply_to = util_trim(req->arena, field(req, "reply_to"))};
	if (shown)
		return show(req, res, &s, NULL, req->refusal, shown);
	const char *target = arena_printf(req->arena, "newsletter-list:%s/%s", s.edition, s.list);
	struct db_nl_sender typed = s;
	const char *why = check(req, &s);
	if (why && !*why)
		return 500;
	if (why) {
		audit_record(req, "newsletter.sender.refused", target, why);
		return show(req, res, &typed, NULL, why, 400);
	}
	if (db_nl_sender_set(req->app->db, &s, util_now()) != DB_OK)
		return 500;
	audit_record(req, "newsletter.sender", target,
		     arena_printf(req->arena, "%s <%s> reply-to <%s>", s.from_name, s.from_addr, s.reply_to));
	const char *notice = catalog_tr(l, "Saved.");
	if (*s.from_addr && !nl_sender_same_domain(req->app, req->arena, s.from_addr))
		notice = arena_printf(req->arena,
				      catalog_tr(l, "Saved. %s is outside the site's mail domain: the relay must be allowed to "
						    "send as it (and its domain's SPF and DKIM must name the relay), or mail "
						    "from it may be refused or marked as spam."),
				      s.from_addr);
	return show(req, res, NULL, notice, NULL, 200);
}
