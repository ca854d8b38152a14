/* tmpl.h - compiled templates that escape by default.
 *
 * Syntax: {{name}} prints a variable (TEXT is HTML-escaped; HTML is trusted markup printed as is;
 * {{name|url}} percent-encodes a URL component, {{name|json}} escapes for a JSON string);
 * {{#name}}...{{/name}} repeats for each item of a LIST or shows the block when a BOOL is true or a
 * TEXT is non-empty; {{^name}}...{{/name}} is the inverse; {{>partial}} includes another template in
 * the same scope; {{! comment }}; {{_ words}} prints the words in the template's language (translated
 * when the template is compiled, HTML-escaped; white space runs count as one space).
 *
 * Every template is compiled at start-up against a schema (the variables a page provides, with their
 * types). A template naming a variable that is not in scope, using a type the wrong way, or with a
 * syntax error fails to compile, so the server refuses to start. Rendering needs no lookups by name. */
#ifndef BROADSHEET_TMPL_H
#define BROADSHEET_TMPL_H
#include <stddef.h>

#include "arena.h"
#include "buf.h"

enum tmpl_type { TMPL_TEXT = 1, TMPL_HTML, TMPL_BOOL, TMPL_LIST };

/* One variable of a schema; a schema is an array ended by {NULL}. LIST fields name their item schema. */
struct tmpl_field {
	const char *name;
	enum tmpl_type type;
	const struct tmpl_field *item;
};

struct tmpl;
struct view;

/* tmpl_partial_fn: returns the source of the named partial (and its length) or NULL if unknown. */
typedef const char *(*tmpl_partial_fn)(void *ctx, const char *name, size_t *len);

/* tmpl_compile: compiles src against schema. Returns a new template (free with tmpl_free) or NULL with a
 * message "name:line: what" written to err. */
struct tmpl *tmpl_compile(const char *name, const char *src, size_t len, const struct tmpl_field *schema,
			  tmpl_partial_fn partials, void *ctx, char *err, size_t errlen);
/* tmpl_translate_fn: the words of a {{_ words}} tag in the template's language, or NULL to keep them. */
typedef const char *(*tmpl_translate_fn)(void *ctx, const char *words);

/* tmpl_compile_tr: tmpl_compile, translating every {{_ words}} through tr(tr_ctx, words) (tr NULL keeps
 * the words as written, which is what tmpl_compile does). */
struct tmpl *tmpl_compile_tr(const char *name, const char *src, size_t len, const struct tmpl_field *schema,
			     tmpl_partial_fn partials, void *ctx, tmpl_translate_fn tr, void *tr_ctx, char *err,
			     size_t errlen);
void tmpl_free(struct tmpl *t);

/* tmpl_render: renders t with the values in v (which must use t's schema) appended to out.
 * Returns 0, or -1 when the template reads a variable the handler never set; *missing then names it. */
int tmpl_render(const struct tmpl *t, const struct view *v, struct buf *out, const char **missing);

/* view_new: an empty set of values for schema, allocated in arena. */
struct view *view_new(struct arena *a, const struct tmpl_field *schema);
/* view_text / view_textn: sets a TEXT variable (the string must outlive the render; NULL = empty).
 * view_html: sets an HTML variable to trusted markup. view_bool: sets a BOOL.
 * view_add: appends an item to a LIST and returns the item's values.
 * Naming a variable the schema lacks, or of another type, is a programming error: abort(). */
void view_text(struct view *v, const char *name, const char *s);
void view_textn(struct view *v, const char *name, const char *s, size_t n);
void view_html(struct view *v, const char *name, const char *html);
void view_bool(struct view *v, const char *name, int on);
struct view *view_add(struct view *v, const char *name);
/* view_list_empty: marks a LIST as set with no items. */
void view_list_empty(struct view *v, const char *name);

#endif
