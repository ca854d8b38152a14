/* wp_comments.c - the WordPress import's people: an item's comments (threaded as Broadsheet keeps them,
 * one level: a reply to a reply hangs under its top-level ancestor; e-mail kept only as the keyed hash
 * comments use) and, with --accounts, newsroom accounts without a password for the export's authors. */
#include "wp_int.h"

#include <string.h>

#include "app.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "escape.h"
#include "textnorm.h"
#include "user.h"
#include "util.h"

/* plain: a comment's HTML as the plain text comments are stored in: tags removed (a script's or style's
 * text too), the usual entities and numeric references decoded. Arena string. */
static const char *plain(struct arena *a, const char *html)
{
	struct buf b = BUF_INIT;
	for (const char *p = html; *p;) {
		if (strncmp(p, "<script", 7) == 0 || strncmp(p, "<style", 6) == 0) {
			const char *e = strstr(p, p[1] == 's' && p[2] == 'c' ? "</script>" : "</style>");
			p = e ? strchr(e, '>') + 1 : p + strlen(p);
		} else if (*p == '<') {
			const char *e = strchr(p, '>');
			p = e ? e + 1 : p + strlen(p);
		} else if (*p == '&') {
			static const char *const ent[][2] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""},
							     {"&#039;", "'"}, {"&nbsp;", " "}};
			size_t k = 0;
			for (; k < sizeof ent / sizeof ent[0] && strncmp(p, ent[k][0], strlen(ent[k][0])) != 0; k++)
				;
			long cp = 0;
			int used = 0;
			if (k < sizeof ent / sizeof ent[0]) {
				buf_printf(&b, "%s", ent[k][1]);
				p += strlen(ent[k][0]);
			} else if (sscanf(p, "&#%ld;%n", &cp, &used) == 1 && used > 0 && cp > 31 && cp < 0x110000) {
				char u[5];
				size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
				static const unsigned char lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
				for (size_t i = n; i > 1; i--, cp >>= 6)
					u[i - 1] = (char)(0x80 | (cp & 0x3F));
				u[0] = (char)(n == 1 ? cp : (lead[n] | cp));
				buf_append(&b, u, n);
				p += used;
			} else {
				buf_putc(&b, *p++);
			}
		} else {
			buf_putc(&b, *p++);
		}
	}
	const char *out = util_trim(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* state: the comment's Broadsheet status, or NULL with *why (trash, pingbacks and trackbacks). */
static const char *state(const struct wp_comment *c, const char **why)
{
	*why = NULL;
	if (strcmp(c->type, "pingback") == 0 || strcmp(c->type, "trackback") == 0)
		return *why = "a pingback or trackback (another site's link, not a reader's comment)", NULL;
	if (strcmp(c->approved, "1") == 0)
		return "approved";
	if (strcmp(c->approved, "0") == 0)
		return "pending";
	if (strcmp(c->approved, "spam") == 0)
		return "spam";
	return *why = "in the trash", NULL;
}

/* parent_of: the stored comment a reply hangs under: its WordPress parent's, or that one's top-level
 * parent (Broadsheet keeps one level). 0 when the parent was not imported. */
static int64_t parent_of(struct wp_run *r, struct arena *a, const struct wp_comment *c)
{
	int64_t target = 0;
	const char *sum;
	struct db_comment p;
	if (!c->parent || db_import_map_get(r->app->db, a, r->source, "comment", c->parent, &target, &sum) != DB_OK ||
	    db_comment_get(r->app->db, a, target, &p) != DB_OK)
		return 0;
	return p.parent_id ? p.parent_id : p.id;
}

/* one_comment: comment c of article_id stored (new ones only). Returns 0 or -1 (database). */
static int one_comment(struct wp_run *r, struct arena *a, const struct wp_comment *c, int64_t article_id)
{
	int64_t id = 0;
	const char *sum, *why;
	int rc = db_import_map_get(r->app->db, a, r->source, "comment", c->id, &id, &sum);
	if (rc != DB_NOTFOUND) {
		if (rc == DB_OK)
			r->comments.unchanged++;
		return rc == DB_OK ? 0 : -1;
	}
	const char *status = state(c, &why);
	if (!status) {
		r->comments.skipped++;
		wp_skip(r, "comment", c->id, why);
		return 0;
	}
	const char *body = plain(a, c->content);
	char email[AUTH_TOKEN_HEX], dup[AUTH_TOKEN_HEX];
	const char *mail = util_trim(a, c->email);
	if (*mail) {
		char *low = arena_strdup(a, mail);
		for (char *p = low; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		auth_keyed_hash(r->app->secret, "email", low, strlen(low), email);
	}
	struct buf norm = BUF_INIT;
	textnorm_fold(&norm, body, strlen(body));
	auth_keyed_hash(r->app->secret, "dup", buf_cstr(&norm), norm.len, dup);
	buf_free(&norm);
	int64_t at = 0;
	if (wp_date_parse(c->date_gmt, &at) < 0)
		at = r->now;
	struct db_comment_new row = {.article_id = article_id, .parent_id = parent_of(r, a, c),
				     .name = *c->author ? c->author : "Anonymous", .body = body, .status = status,
				     .email_hash = *mail ? email : NULL, .dup_key = dup, .created_at = at};
	if (db_comment_insert(r->app->db, &row, &id) != DB_OK ||
	    db_import_map_put(r->app->db, r->source, "comment", c->id, id, "", r->now) != DB_OK)
		return -1;
	r->comments.imported++;
	return 0;
}

int wp_comments_import(struct wp_run *r, struct arena *a, const struct wp_item *it, int64_t article_id)
{
	for (size_t i = 0; i < it->ncomments; i++)
		if (one_comment(r, a, &it->comments[i], article_id) < 0)
			return -1;
	return 0;
}

int wp_account(struct wp_run *r, struct arena *a, const struct wp_author *au)
{
	struct db_user u;
	int rc = db_user_get_by_login(r->app->db, a, au->login, &u);
	if (rc != DB_NOTFOUND)
		return rc == DB_OK ? 0 : -1;
	if (!auth_login_valid(au->login)) {
		wp_skip(r, "author", 0, arena_printf(a, "no account for \"%s\": not a valid Broadsheet login", au->login));
		return 0;
	}
	/* no password: an empty hash never verifies; the person is given one with `broadsheet user passwd` */
	struct db_user fresh = {.login = au->login, .display_name = *au->display ? au->display : au->login,
				.role = "reporter", .pw_hash = "", .created_at = r->now};
	int64_t id;
	if (db_user_insert(r->app->db, &fresh, &id) != DB_OK)
		return -1;
	const char *email = NULL;
	if (*au->email && !user_email_check(a, au->email, &email) && email &&
	    db_user_set_email(r->app->db, id, email) == DB_ERROR)
		return -1;
	r->accounts_made++;
	return 0;
}
