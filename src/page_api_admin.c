/* page_api_admin.c - the admin API (docs/api.md): API keys made in the newsroom (shown once, stored
 * hashed, with scopes and an expiry) and JSON endpoints that create, update, schedule, publish and
 * unpublish articles through the same validation, revisions and workflow log as the web editor
 * (article_save_form, article_workflow). A key acts with the rights of the admin who made it, narrowed
 * by its scopes. Bearer tokens are not sent by browsers on their own, so these POSTs need no CSRF token. */
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "escape.h"
#include "glossary.h"
#include "pages.h"
#include "render.h"
#include "textnorm.h"
#include "util.h"

#define KEY_PREFIX "bsk_"

/* key_hash: the stored form of a token. */
static void key_hash(const char *token, char *out)
{
	auth_token_hash(token, out);
}

/* has_scope: whether the space-separated scopes include scope. */
static int has_scope(const char *scopes, const char *scope)
{
	size_t n = strlen(scope);
	for (const char *p = scopes; p && *p;) {
		size_t l = strcspn(p, " ");
		if (l == n && strncmp(p, scope, n) == 0)
			return 1;
		p += l + (p[l] == ' ');
	}
	return 0;
}

/* api_auth: checks the request's bearer key for scope and makes its admin the request's user. Returns 0,
 * or the status of the JSON error written into res (401 no or unknown key, 403 expired, revoked, disabled
 * or without the scope). */
static int api_auth(struct http_request *req, struct http_response *res, const char *scope)
{
	const char *h = http_header(req, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0 || strncmp(h + 7, KEY_PREFIX, strlen(KEY_PREFIX)) != 0 ||
	    strlen(h + 7) > 200) {
		http_set_header(res, "WWW-Authenticate", "Bearer realm=\"broadsheet\"");
		return api_error(res, 401, "unauthorized", "Send an API key as: Authorization: Bearer bsk_...");
	}
	char hash[AUTH_TOKEN_HEX];
	key_hash(h + 7, hash);
	struct db_api_key k;
	int rc = db_api_key_by_hash(req->app->db, req->arena, hash, &k);
	if (rc == DB_ERROR)
		return api_error(res, 500, "internal", "The key could not be checked.");
	if (rc == DB_NOTFOUND) {
		http_set_header(res, "WWW-Authenticate", "Bearer realm=\"broadsheet\", error=\"invalid_token\"");
		return api_error(res, 401, "unauthorized", "This API key is not known to the site.");
	}
	if (k.revoked_at)
		return api_error(res, 403, "key_revoked", "This API key has been revoked.");
	if (k.expires_at <= util_now())
		return api_error(res, 403, "key_expired", "This API key has expired; an admin can make a new one.");
	if (k.user.disabled || !auth_role_allows(k.user.role, PERM_WRITE))
		return api_error(res, 403, "key_owner", "The account this key belongs to can no longer write.");
	if (!has_scope(k.scopes, scope))
		return api_error(res, 403, "insufficient_scope",
				 arena_printf(req->arena, "This API key lacks the '%s' scope.", scope));
	struct db_session *s = arena_alloc(req->arena, sizeof *s);
	s->user = k.user;
	s->csrf = "";
	req->session = s;
	req->actor = arena_printf(req->arena, "key:%s", k.name); /* the audit log names the key, not its admin */
	return 0;
}

/* The workflow steps the action route takes, with the step they make and the scope they need. */
static const struct api_action {
	const char *name, *to, *scope;
} api_actions[] = {{"publish", "publish", "publish"}, {"schedule", "schedule", "publish"},
		   {"unpublish", "unpublish", "publish"}, {"submit", "review", "write"}, {"draft", "draft", "write"}};

/* api_action_of: the action the request's {action} names, or NULL when it is none of api_actions;
 * *named says whether the route has an {action} at all. */
static const struct api_action *api_action_of(const struct http_request *req, int *named)
{
	char *action = arena_alloc(req->arena, strlen(req->path) + 1); /* (any segment fits) */
	*named = route_param(&req->route, "action", action, strlen(req->path) + 1) == 0;
	for (size_t k = 0; *named && k < ARRAY_LEN(api_actions); k++)
		if (strcmp(api_actions[k].name, action) == 0)
			return &api_actions[k];
	return NULL;
}

int api_admin_gate(struct http_request *req, struct http_response *res)
{
	int named;
	const struct api_action *a = api_action_of(req, &named);
	if (named && !a)
		return api_error(res, 404, "not_found", "Unknown action: use publish, schedule, unpublish, submit or draft.");
	const char *scope = a ? a->scope : req->method == HTTP_GET || req->method == HTTP_HEAD ? "read" : "write";
	return api_auth(req, res, scope);
}

/* article_out: the admin view of an article (any status, with its Markdown). */
static json_t *article_out(struct http_request *req, const struct db_article *art)
{
	struct arena *a = req->arena;
	struct editor_form f;
	if (article_form_load(req, art, &f) < 0)
		return NULL;
	json_t *bylines = json_array(), *tags = json_array();
	struct db_author *au;
	struct db_tag *tg;
	size_t nau, ntg;
	if (db_article_authors(req->app->db, a, art->id, &au, &nau) != DB_OK ||
	    db_article_tags(req->app->db, a, art->id, &tg, &ntg) != DB_OK) {
		json_decref(bylines);
		json_decref(tags);
		return NULL;
	}
	for (size_t i = 0; i < nau; i++)
		json_array_append_new(bylines, json_string(au[i].name));
	for (size_t i = 0; i < ntg; i++)
		json_array_append_new(tags, json_string(tg[i].name));
	json_t *o = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)art->id,
			      "status", art->status, "version", (json_int_t)art->version, "edition", art->edition, "slug",
			      art->slug, "headline", art->headline, "standfirst", art->standfirst, "body", art->body_md,
			      "dateline", art->dateline, "section", art->section_slug, "bylines", bylines, "tags", tags);
	json_object_set_new(o, "lead_media_id", art->lead_media_id ? json_integer(art->lead_media_id) : json_null());
	json_object_set_new(o, "caption", json_string(art->lead_caption ? art->lead_caption : ""));
	json_object_set_new(o, "credit", json_string(art->lead_credit ? art->lead_credit : ""));
	int64_t tr;
	json_object_set_new(o, "translation_id",
			    *f.translation && util_parse_i64(f.translation, &tr) == 0 ? json_integer(tr) : json_null());
	json_t *related = json_array(); /* the form's lines "#ID headline": the ones the key's user may see */
	for (const char *p = f.related; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "") {
		int64_t rid;
		const char *end = p + 1 + strspn(p + 1, "0123456789");
		if (*p == '#' && util_parse_i64(arena_strndup(a, p + 1, (size_t)(end - p - 1)), &rid) == 0)
			json_array_append_new(related, json_integer(rid));
	}
	json_object_set_new(o, "related_ids", related);
	json_object_set_new(o, "published_at", art->published_at ? json_string(render_iso(a, art->published_at)) : json_null());
	json_object_set_new(o, "scheduled_at", art->scheduled_at ? json_string(render_iso(a, art->scheduled_at)) : json_null());
	json_object_set_new(o, "expires_at", art->expires_at ? json_string(render_iso(a, art->expires_at)) : json_null());
	json_object_set_new(o, "url", strcmp(art->status, "published") == 0
					      ? json_string(arena_printf(a, "%s%s", req->app->cfg.base_url,
									 render_article_href(a, art)))
					      : json_null());
	/* the glossary's warnings (issue 19): variants where the edition's agreed spelling is expected */
	struct glossary_miss *miss;
	long nmiss = glossary_story_misses(req, art->headline, art->standfirst, art->body_md, art->edition, &miss);
	json_t *warnings = json_array();
	for (long i = 0; i < nmiss; i++)
		json_array_append_new(warnings, json_pack("{s:s, s:s}", "used", miss[i].used, "agreed", miss[i].agreed));
	json_object_set_new(o, "glossary_warnings", warnings);
	return nmiss < 0 ? (json_decref(o), NULL) : o;
}

/* reply_article: {"article": ...} for article id with status. */
static int reply_article(struct http_request *req, struct http_response *res, int64_t id, int status)
{
	struct db_article art;
	if (db_article_get_id(req->app->db, req->arena, id, &art) != DB_OK)
		return api_error(res, 500, "internal", "The article could not be read back.");
	json_t *o = article_out(req, &art);
	if (!o)
		return api_error(res, 500, "internal", "The article could not be read back.");
	json_t *doc = json_pack("{s:o}", "article", o);
	char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (!text)
		return 500;
	buf_append(&res->body, text, strlen(text));
	buf_putc(&res->body, '\n');
	free(text);
	res->content_type = "application/json; charset=utf-8";
	res->no_etag = 1;
	http_set_header(res, "Cache-Control", "no-store");
	return status;
}

/* join_names: a JSON array of strings as "a<sep> b" without bidi controls (textnorm_strip_bidi); NULL
 * (with *why) when an item is not a string or holds the separator. */
/* related_lines: the editor's related field ("#ID" a line) for v, a JSON array of at most
 * DB_RELATED_MAX positive integers, in the arena; NULL when v is anything else. */
static const char *related_lines(struct arena *a, json_t *v)
{
	if (!json_is_array(v) || json_array_size(v) > DB_RELATED_MAX)
		return NULL;
	struct buf b = BUF_INIT;
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x)
	{
		if (!json_is_integer(x) || json_integer_value(x) <= 0) {
			buf_free(&b);
			return NULL;
		}
		buf_printf(&b, "%s#%lld", i ? "\n" : "", (long long)json_integer_value(x));
	}
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

static const char *join_names(struct arena *a, json_t *arr, char sep, const char *field, const char **why)
{
	struct buf b = BUF_INIT;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(v);
		if (!s || strchr(s, sep)) {
			*why = arena_printf(a, "Each item of '%s' must be a string without '%c'.", field, sep);
			buf_free(&b);
			return NULL;
		}
		if (i)
			buf_printf(&b, "%c ", sep);
		buf_append(&b, s, strlen(s));
	}
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	textnorm_strip_bidi(out);
	return out;
}

/* section_id_of: the id (as text) of the section slug in edition, or NULL. */
static const char *section_id_of(struct http_request *req, const char *edition, const char *slug)
{
	struct db_section *secs;
	size_t n;
	if (!edition || db_sections_list(req->app->db, req->arena, edition, &secs, &n) != DB_OK)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(secs[i].slug, slug) == 0)
			return arena_printf(req->arena, "%lld", (long long)secs[i].id);
	return NULL;
}

int api_admin_article_parse(struct arena *a, const char *body, size_t len, struct editor_form *f,
			    const char **section_slug, const char **code, const char **why)
{
	json_error_t je;
	json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	*code = "bad_json";
	if (!doc) {
		*why = arena_printf(a, "The body is not valid JSON: %s (line %d).", je.text, je.line);
		return 400;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		*why = "The body must be a JSON object.";
		return 400;
	}
#define TEXT_FIELD(name) {#name, 's', offsetof(struct editor_form, name)}
	static const struct {
		const char *name;
		int type;   /* 's' string, 'i' integer or null, 'a' array of strings, 'b' boolean, 'n' related ids */
		size_t off; /* strings copied as they are: where in the form */
	} fields[] = {{"version", 'i', 0},	  {"edition", 's', 0},	     {"section", 's', 0},
		      TEXT_FIELD(headline),	  TEXT_FIELD(standfirst),    TEXT_FIELD(body),
		      TEXT_FIELD(slug),		  TEXT_FIELD(dateline),	     {"bylines", 'a', 0},
		      {"tags", 'a', 0},		  {"lead_media_id", 'i', 0}, TEXT_FIELD(caption),
		      TEXT_FIELD(credit),	  {"translation_id", 'i', 0}, {"substantive", 'b', 0},
		      {"related_ids", 'n', 0}};
#undef TEXT_FIELD
	const char *key;
	json_t *v;
	json_object_foreach(doc, key, v)
	{
		size_t k = 0;
		while (k < ARRAY_LEN(fields) && strcmp(fields[k].name, key) != 0)
			k++;
		if (k == ARRAY_LEN(fields)) {
			*code = "unknown_field";
			*why = arena_printf(a, "Unknown field '%.60s'.", key);
			json_decref(doc);
			return 400;
		}
		*code = "bad_field";
		int ok = fields[k].type == 's'	 ? json_is_string(v)
			 : fields[k].type == 'i' ? (json_is_integer(v) || (json_is_null(v) && strcmp(key, "version") != 0))
			 : fields[k].type == 'b' ? json_is_boolean(v)
			 : fields[k].type == 'n' ? related_lines(a, v) != NULL
						 : json_is_array(v);
		if (!ok) {
			*why = arena_printf(a, "The field '%s' must be %s.", key,
					    fields[k].type == 's'   ? "a string"
					    : fields[k].type == 'i' ? "a whole number or null"
					    : fields[k].type == 'b' ? "true or false"
					    : fields[k].type == 'n' ? "an array of at most 6 article numbers"
								    : "an array of strings");
			json_decref(doc);
			return 400;
		}
		char *s = json_is_string(v) ? arena_strndup(a, json_string_value(v), json_string_length(v)) : NULL;
		if (s && (strlen(s) != json_string_length(v))) {
			*why = arena_printf(a, "The field '%s' holds a NUL character.", key);
			json_decref(doc);
			return 400;
		}
		textnorm_strip_bidi(s); /* as every text a person submits (http_form_text) */
		if (fields[k].off)
			*(const char **)(void *)((char *)f + fields[k].off) = s;
		else if (strcmp(key, "version") == 0)
			f->version = json_integer_value(v);
		else if (strcmp(key, "edition") == 0)
			f->edition = s;
		else if (strcmp(key, "section") == 0)
			*section_slug = s;
		else if (strcmp(key, "substantive") == 0)
			f->substantive = json_is_true(v);
		else if (strcmp(key, "lead_media_id") == 0)
			f->media = json_is_null(v) ? "0" : arena_printf(a, "%lld", (long long)json_integer_value(v));
		else if (strcmp(key, "related_ids") == 0)
			f->related = related_lines(a, v);
		else if (strcmp(key, "translation_id") == 0)
			f->translation = json_is_null(v) ? "" : arena_printf(a, "%lld", (long long)json_integer_value(v));
		else if (strcmp(key, "bylines") == 0 || strcmp(key, "tags") == 0) {
			int by = strcmp(key, "bylines") == 0;
			const char *joined = join_names(a, v, by ? ';' : ',', key, why);
			if (!joined) {
				json_decref(doc);
				return 400;
			}
			*(by ? &f->bylines : &f->tags) = joined;
		}
	}
	json_decref(doc);
	return 0;
}

/* apply_json: reads the request's JSON object into f (fields absent keep f's values) and resolves its
 * section slug in the store. Returns 0, or the status of the JSON error written into res. */
static int apply_json(struct http_request *req, struct http_response *res, struct editor_form *f, int need_version)
{
	const char *ct = http_header(req, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0)
		return api_error(res, 415, "bad_content_type", "Send the article as JSON (Content-Type: application/json).");
	const char *section_slug = NULL, *code = NULL, *why = NULL;
	int st = api_admin_article_parse(req->arena, req->body ? req->body : "", req->body_len, f, &section_slug, &code,
					 &why);
	if (st)
		return api_error(res, st, code, why);
	if (need_version && f->version <= 0)
		return api_error(res, 400, "bad_field", "Send the 'version' you are updating (from GET), so that a stale update is refused.");
	if (section_slug || !f->section || !*f->section) {
		const char *id = section_slug ? section_id_of(req, f->edition, section_slug) : NULL;
		if (!id)
			return api_error_field(res, 400, "bad_field",
					       "'section' must be the slug of a section of the article's edition.", "section");
		f->section = id;
	}
	return 0;
}


/* json_field: the API's name for an editor form field (or workflow time) named in a refusal; NULL stays
 * NULL. */
static const char *json_field(const char *form_field)
{
	static const char *const names[][2] = {{"media", "lead_media_id"}, {"translation", "translation_id"}, {"related", "related_ids"},
					       {"expires", "expires_at"}};
	if (!form_field)
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strcmp(form_field, names[i][0]) == 0)
			return names[i][1];
	return form_field; /* the others have the same name in both */
}

/* save_status: the JSON error for an article_save_form refusal, naming the field at fault. */
static int save_status(struct http_response *res, int st, const char *why, const char *field)
{
	return api_error_field(res, st, st == 409 ? "conflict" : st == 400 ? "invalid" : "internal",
			       why ? why : "The article could not be saved.", json_field(field));
}

/* path_article: the article the path's {id} names, into *art (and its id into *id). Returns 0, or the
 * status of the JSON error written into res (404 unknown id, 500 store error). */
static int path_article(struct http_request *req, struct http_response *res, int64_t *id, struct db_article *art)
{
	*id = route_param_id(&req->route, "id");
	int rc = *id ? db_article_get_id(req->app->db, req->arena, *id, art) : DB_NOTFOUND;
	if (rc == DB_ERROR)
		return api_error(res, 500, "internal", "The article could not be read.");
	if (rc == DB_NOTFOUND)
		return api_error(res, 404, "not_found", "There is no article with that id.");
	return 0;
}

/* (the handlers below run after api_admin_gate: req->session is the key's admin) */

/* WEBPAGE: POST /api/v1/admin/articles
 * Parameters: JSON body: the article's fields (docs/api.md)
 * Permission: a bearer API key with the write scope, checked by api_admin_gate before the body is read
 * Creates an article as the key's admin, saved as the web editor saves (article_save_form); 201 with the
 *   article and its Location; a refusal is a JSON error naming the field. */
int api_admin_create_page(struct http_request *req, struct http_response *res)
{
	int st;
	struct editor_form f;
	memset(&f, 0, sizeof f);
	f.headline = f.standfirst = f.body = f.slug = f.dateline = f.tags = f.caption = f.credit = f.translation = "";
	f.edition = "en";
	f.bylines = req->session->user.display_name;
	f.media = "0";
	f.section = "";
	if ((st = apply_json(req, res, &f, 0)))
		return st;
	const char *why, *field;
	int64_t id;
	st = article_save_form(req, NULL, &f, &why, &field, &id);
	if (st)
		return save_status(res, st, why, field);
	http_set_header(res, "Location", arena_printf(req->arena, "/api/v1/admin/articles/%lld", (long long)id));
	return reply_article(req, res, id, 201);
}

/* WEBPAGE: GET PUT /api/v1/admin/articles/{id}
 * Parameters: id (in the path); PUT: JSON body of the fields to change
 * Permission: a bearer API key: read scope for GET, write for PUT (api_admin_gate)
 * Any article (every status) as JSON; PUT changes the fields given; 404 (JSON) for an unknown id. */
int api_admin_article_page(struct http_request *req, struct http_response *res)
{
	int64_t id;
	struct db_article art;
	int st = path_article(req, res, &id, &art);
	if (st)
		return st;
	if (req->method != HTTP_PUT)
		return reply_article(req, res, id, 200);
	struct editor_form f;
	if (article_form_load(req, &art, &f) < 0)
		return api_error(res, 500, "internal", "The article could not be read.");
	f.version = 0;
	if ((st = apply_json(req, res, &f, 1)))
		return st;
	const char *why, *field;
	int64_t saved;
	st = article_save_form(req, &art, &f, &why, &field, &saved);
	if (st)
		return save_status(res, st, why, field);
	return reply_article(req, res, id, 200);
}

int api_admin_times_parse(struct arena *a, const char *body, size_t len, const char **at, const char **expires,
			  const char **code, const char **why)
{
	json_error_t je;
	json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc || !json_is_object(doc)) {
		json_decref(doc);
		*code = "bad_json";
		*why = "The body must be a JSON object such as {\"at\": \"2026-12-01T08:00:00Z\"}.";
		return 400;
	}
	const char *key;
	json_t *v;
	json_object_foreach(doc, key, v)
	{
		if (strcmp(key, "at") != 0 && strcmp(key, "expires_at") != 0) {
			json_decref(doc);
			*code = "unknown_field";
			*why = "Only 'at' and 'expires_at' are accepted here.";
			return 400;
		}
		if (!json_is_string(v)) {
			json_decref(doc);
			*code = "bad_field";
			*why = "Times are strings in RFC 3339 UTC, such as 2026-12-01T08:00:00Z.";
			return 400;
		}
		*(strcmp(key, "at") == 0 ? at : expires) = arena_strdup(a, json_string_value(v));
	}
	json_decref(doc);
	return 0;
}

/* WEBPAGE: POST /api/v1/admin/articles/{id}/{action}
 * Parameters: id, action (publish, schedule, unpublish, submit, draft; in the path); JSON body: at, expires_at
 *   (RFC 3339 UTC; optional)
 * Permission: a bearer API key with the action's scope (api_admin_gate; 404 for an unknown action)
 * Moves the article through the workflow (article_workflow) as the web newsroom does; the article as JSON,
 *   or a JSON error naming the time at fault. */
int api_admin_action_page(struct http_request *req, struct http_response *res)
{
	int named;
	const struct api_action *a = api_action_of(req, &named);
	if (!a) /* (the gate answered 404 already) */
		return api_error(res, 404, "not_found", "Unknown action.");
	int st;
	const char *at = NULL, *expires = NULL;
	if (req->body_len) {
		const char *code = NULL, *why = NULL;
		if (api_admin_times_parse(req->arena, req->body, req->body_len, &at, &expires, &code, &why))
			return api_error(res, 400, code, why);
	}
	int64_t id;
	struct db_article art;
	if ((st = path_article(req, res, &id, &art)))
		return st;
	const char *why, *field;
	st = article_workflow(req, &art, a->to, at, expires, &why, &field);
	if (st)
		return api_error_field(res, st,
				       st == 409 ? "conflict" : st == 403 ? "forbidden" : st == 400 ? "invalid" : "internal",
				       why ? why : "The step failed.", json_field(field));
	return reply_article(req, res, id, 200);
}

/* ---- the newsroom page that makes and revokes keys ---- */

/* keys_show: the key list and the form; token (shown once) when one was just made. */
static int keys_show(struct http_request *req, struct http_response *res, const char *token, const char *error,
		     int status)
{
	struct arena *a = req->arena;
	struct db_api_key *keys = NULL;
	size_t n = 0;
	if (req->session && db_api_keys_list(req->app->db, a, &keys, &n) != DB_OK)
		return 500;
	struct view *v = render_admin_frame(req, RENDER_API_KEYS, N_("API keys"), NULL, error);
	enum catalog_lang lang = render_newsroom_lang(req);
	view_bool(v, "has_token", token != NULL);
	view_text(v, "token", token ? token : "");
	view_list_empty(v, "keys");
	int64_t now = util_now();
	for (size_t i = 0; i < n; i++) {
		struct view *k = view_add(v, "keys");
		view_text(k, "id", arena_printf(a, "%lld", (long long)keys[i].id));
		view_text(k, "name", keys[i].name);
		view_text(k, "prefix", keys[i].prefix);
		view_text(k, "scopes", keys[i].scopes);
		view_text(k, "owner", keys[i].user.login);
		view_text(k, "expires", render_stamp(a, keys[i].expires_at, catalog_code(lang)));
		view_text(k, "state", catalog_tr(lang, keys[i].revoked_at		 ? N_("revoked")
							: keys[i].expires_at <= now ? N_("expired")
										    : N_("active")));
		view_bool(k, "active", !keys[i].revoked_at && keys[i].expires_at > now);
	}
	view_bool(v, "has_keys", n > 0);
	const char *name = http_form_text(req, "name"), *days = http_form(req, "days");
	view_text(v, "name", status == 200 || !name ? "" : name);
	view_text(v, "days", status == 200 || !days ? "90" : days);
	static const char *const scopes[] = {"read", "write", "publish"};
	for (size_t i = 0; i < ARRAY_LEN(scopes); i++) {
		struct view *s = view_add(v, "scopes");
		view_text(s, "value", scopes[i]);
		int checked = 0;
		for (size_t f = 0; f < req->nform; f++)
			checked |= strcmp(req->form[f].name, "scope") == 0 && strcmp(req->form[f].value, scopes[i]) == 0;
		view_bool(s, "checked", status == 200 ? i == 0 : checked);
	}
	return render_reply(req, res, RENDER_API_KEYS, v, status);
}

/* WEBPAGE: GET POST /admin/api-keys
 * Parameters: POST form: name, days (lifetime, 1 to 3650), scope (read, write, publish; repeated)
 * Permission: admin (PERM_ADMIN); a POST carries the session's CSRF token (csrf field), checked by the route
 *   table
 * Lists the API keys; a POST makes one and shows its token once; a refusal keeps what was typed (400). */
int api_keys_page(struct http_request *req, struct http_response *res)
{
	int shown = page_form_status(req);
	if (shown)
		return keys_show(req, res, NULL, shown == 403 ? req->refusal : NULL, shown);
	const char *name = http_form_text(req, "name"), *days_text = http_form(req, "days");
	int64_t days;
	if (!name || !*name || utf8_chars(name, strlen(name)) > 100 || !utf8_valid(name, strlen(name)))
		return keys_show(req, res, NULL, N_("Give the key a name of 1 to 100 characters (who or what will use it)."), 400);
	if (!days_text || util_parse_i64(days_text, &days) < 0 || days < 1 || days > 3650)
		return keys_show(req, res, NULL, N_("The key's lifetime is a whole number of days from 1 to 3650."), 400);
	struct buf scopes = BUF_INIT;
	static const char *const known[] = {"read", "write", "publish"};
	for (size_t i = 0; i < ARRAY_LEN(known); i++) {
		for (size_t f = 0; f < req->nform; f++) {
			if (strcmp(req->form[f].name, "scope") == 0 && strcmp(req->form[f].value, known[i]) == 0) {
				if (scopes.len)
					buf_putc(&scopes, ' ');
				buf_append(&scopes, known[i], strlen(known[i]));
				break;
			}
		}
	}
	if (!scopes.len) {
		buf_free(&scopes);
		return keys_show(req, res, NULL, N_("Choose at least one scope."), 400);
	}
	char hex[AUTH_TOKEN_HEX], hash[AUTH_TOKEN_HEX];
	auth_random_hex(hex);
	const char *token = arena_printf(req->arena, KEY_PREFIX "%s", hex);
	key_hash(token, hash);
	int64_t now = util_now(), id;
	struct db_api_key k = {.name = name, .prefix = arena_strndup(req->arena, token, 12),
			       .scopes = arena_strdup(req->arena, buf_cstr(&scopes)), .user_id = req->session->user.id,
			       .created_at = now, .expires_at = now + days * 86400};
	buf_free(&scopes);
	if (db_api_key_insert(req->app->db, &k, hash, &id) != DB_OK)
		return 500;
	audit_record(req, "apikey.created", audit_target(req->arena, "apikey", id), arena_printf(req->arena, "%s; %s; %lld days", name, k.scopes, (long long)days));
	return keys_show(req, res, token, NULL, 200);
}

/* WEBPAGE: POST /admin/api-keys/{id}/revoke
 * Parameters: id (in the path); form: csrf
 * Permission: admin (PERM_ADMIN); a POST carries the session's CSRF token (csrf field), checked by the route
 *   table
 * Revokes a key (303 to the list); 404 for no active key with that id. */
int api_key_revoke_page(struct http_request *req, struct http_response *res)
{
	int64_t id = route_param_id(&req->route, "id");
	int rc = id ? db_api_key_revoke(req->app->db, id, util_now()) : DB_NOTFOUND;
	if (rc == DB_ERROR)
		return 500;
	if (rc == DB_NOTFOUND)
		return keys_show(req, res, NULL, N_("There is no active key with that number."), 404);
	audit_record(req, "apikey.revoked", audit_target(req->arena, "apikey", id), NULL);
	http_set_header(res, "Location", "/admin/api-keys");
	return 303;
}
