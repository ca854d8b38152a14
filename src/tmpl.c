/* tmpl.c - template compiler and renderer (see tmpl.h). A template compiles to a flat array of nodes;
 * sections know where their end is, and each variable is resolved to (scopes up, slot index). */
#include "tmpl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "util.h"

enum node_kind { N_TEXT, N_VAR, N_SECTION, N_INVERTED, N_END };
enum filter { F_HTML, F_URL, F_JSON, F_RAW };

struct node {
	enum node_kind kind;
	const char *text; /* N_TEXT: into t->text */
	size_t len;
	unsigned up, index; /* N_VAR, N_SECTION, N_INVERTED */
	enum tmpl_type type;
	enum filter filter;
	const char *name;  /* for error messages (points into t->text) */
	size_t end;        /* N_SECTION/N_INVERTED: index of the matching N_END */
};

struct tmpl {
	struct node *nodes;
	size_t n, cap;
	struct buf text; /* copies of every literal and name; node pointers are offsets until finished */
};

#define MAX_DEPTH 16
#define MAX_PARTIAL_DEPTH 8

struct compiler {
	struct tmpl *t;
	const char *tname;
	tmpl_partial_fn partials;
	void *ctx;
	tmpl_translate_fn tr;
	void *tr_ctx;
	char *err;
	size_t errlen;
	const struct tmpl_field *scopes[MAX_DEPTH];
	size_t open[MAX_DEPTH]; /* node index of each open section */
	unsigned depth;          /* number of scopes (>= 1) */
	unsigned nopen;
	unsigned nopen_base;     /* sections open when the current source (template or partial) began */
	unsigned partial_depth;
};

struct view_slot {
	int set;
	const char *s;
	size_t n;
	int b;
	struct view **items;
	size_t nitems, cap;
};

struct view {
	const struct tmpl_field *schema;
	struct arena *arena;
	size_t nfields;
	struct view_slot slots[];
};

static int compile_error(struct compiler *c, const char *name, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int compile_error(struct compiler *c, const char *name, int line, const char *fmt, ...)
{
	int k = snprintf(c->err, c->errlen, "%s:%d: ", name, line);
	if (k < 0 || (size_t)k >= c->errlen)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err + k, c->errlen - (size_t)k, fmt, ap);
	va_end(ap);
	return -1;
}

static struct node *add_node(struct tmpl *t)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->nodes = xrealloc(t->nodes, t->cap * sizeof *t->nodes);
	}
	struct node *n = &t->nodes[t->n++];
	memset(n, 0, sizeof *n);
	return n;
}

/* store_text: copies s into the template's text store; returns its offset encoded as a pointer. */
static const char *store_text(struct tmpl *t, const char *s, size_t n)
{
	size_t off = t->text.len;
	buf_append(&t->text, s, n);
	buf_putc(&t->text, '\0');
	return (const char *)(uintptr_t)(off + 1); /* +1 so offset 0 is not NULL */
}

static int resolve(struct compiler *c, const char *name, unsigned *up, unsigned *index, enum tmpl_type *type)
{
	for (unsigned d = c->depth; d-- > 0;) {
		const struct tmpl_field *f = c->scopes[d];
		for (unsigned i = 0; f[i].name; i++) {
			if (strcmp(f[i].name, name) == 0) {
				*up = c->depth - 1 - d;
				*index = i;
				*type = f[i].type;
				return 0;
			}
		}
	}
	return -1;
}

static int compile_source(struct compiler *c, const char *name, const char *src, size_t len);

/* One tag as written: its sigil ('#', '^', '/', '>', or 0 for a variable), its name and its filter. */
struct tag {
	char sigil;
	char var[64];
	size_t vlen;
	enum filter filter;
};

/* parse_filter: the filter named f[0..flen) ("url" or "json") into *filter. Returns 0, or -1 after
 * compile_error. */
static int parse_filter(struct compiler *c, const char *name, int line, const char *f, size_t flen, enum filter *filter)
{
	while (flen && *f == ' ')
		f++, flen--;
	if (flen == 3 && memcmp(f, "url", 3) == 0)
		*filter = F_URL;
	else if (flen == 4 && memcmp(f, "json", 4) == 0)
		*filter = F_JSON;
	else
		return compile_error(c, name, line, "unknown filter '%.*s'", (int)flen, f);
	return 0;
}

/* parse_tag: reads the inside of a tag (tag[0..tlen), between the braces) into *t. Returns 0, 1 for a
 * comment (nothing to compile), or -1 after compile_error (empty tag, bad name, bad filter). */
static int parse_tag(struct compiler *c, const char *name, int line, const char *tag, size_t tlen, struct tag *t)
{
	while (tlen && (*tag == ' ' || *tag == '\t'))
		tag++, tlen--;
	while (tlen && (tag[tlen - 1] == ' ' || tag[tlen - 1] == '\t'))
		tlen--;
	if (tlen == 0)
		return compile_error(c, name, line, "empty tag");
	t->sigil = tag[0];
	if (t->sigil == '!')
		return 1;
	if (t->sigil == '#' || t->sigil == '^' || t->sigil == '/' || t->sigil == '>') {
		tag++, tlen--;
		while (tlen && *tag == ' ')
			tag++, tlen--;
	} else {
		t->sigil = 0;
	}
	const char *bar = memchr(tag, '|', tlen);
	size_t vlen = bar ? (size_t)(bar - tag) : tlen;
	while (vlen && tag[vlen - 1] == ' ')
		vlen--;
	if (vlen == 0 || vlen >= sizeof t->var)
		return compile_error(c, name, line, "bad variable name");
	for (size_t i = 0; i < vlen; i++) {
		char ch = tag[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
			return compile_error(c, name, line, "bad character in name '%.*s'", (int)vlen, tag);
	}
	memcpy(t->var, tag, vlen);
	t->var[vlen] = '\0';
	t->vlen = vlen;
	t->filter = F_HTML;
	if (!bar)
		return 0;
	if (t->sigil)
		return compile_error(c, name, line, "filters apply to variables only");
	return parse_filter(c, name, line, bar + 1, tlen - (size_t)(bar + 1 - tag), &t->filter);
}

/* compile_partial: {{>var}}: compiles the partial var in place. Returns 0 or -1 (compile_error). */
static int compile_partial(struct compiler *c, const char *name, int line, const char *var)
{
	if (c->partial_depth >= MAX_PARTIAL_DEPTH)
		return compile_error(c, name, line, "partials nested too deeply at '%s'", var);
	size_t plen = 0;
	const char *psrc = c->partials ? c->partials(c->ctx, var, &plen) : NULL;
	if (!psrc)
		return compile_error(c, name, line, "unknown partial '%s'", var);
	c->partial_depth++;
	int r = compile_source(c, var, psrc, plen);
	c->partial_depth--;
	return r;
}

/* compile_close: {{/var}}: ends the innermost open section, which must be var's and opened in this
 * template. Returns 0 or -1 (compile_error). */
static int compile_close(struct compiler *c, const char *name, int line, const char *var)
{
	if (c->nopen == 0)
		return compile_error(c, name, line, "'{{/%s}}' closes nothing", var);
	if (c->nopen == c->nopen_base) /* a partial may not close its includer's sections */
		return compile_error(c, name, line, "'{{/%s}}' closes a section opened outside '%s'", var, name);
	struct node *open = &c->t->nodes[c->open[c->nopen - 1]];
	const char *open_name = c->t->text.data + ((uintptr_t)open->name - 1);
	if (strcmp(open_name, var) != 0)
		return compile_error(c, name, line, "'{{/%s}}' closes '%s'", var, open_name);
	c->nopen--;
	if (open->kind == N_SECTION && open->type == TMPL_LIST)
		c->depth--;
	size_t open_index = c->open[c->nopen];
	struct node *end = add_node(c->t);
	end->kind = N_END;
	c->t->nodes[open_index].end = c->t->n - 1;
	return 0;
}

/* compile_use: a variable ({{var}}) or the opening of a section ({{#var}}, {{^var}}): resolves var in the
 * open scopes and adds its node (a list section opens the scope of its items). Returns 0 or -1
 * (compile_error: unknown variable, not printable, filter on markup, nesting too deep). */
static int compile_use(struct compiler *c, const char *name, int line, const struct tag *t)
{
	unsigned up, index;
	enum tmpl_type type;
	if (resolve(c, t->var, &up, &index, &type) < 0)
		return compile_error(c, name, line, "unknown variable '%s'", t->var);
	struct node *n = add_node(c->t);
	n->up = up;
	n->index = index;
	n->type = type;
	n->filter = t->filter;
	n->name = store_text(c->t, t->var, t->vlen);
	if (!t->sigil) {
		if (type == TMPL_LIST || type == TMPL_BOOL)
			return compile_error(c, name, line, "'%s' is a %s, not printable", t->var,
					     type == TMPL_LIST ? "list" : "flag");
		if (type == TMPL_HTML) {
			if (t->filter != F_HTML)
				return compile_error(c, name, line, "'%s' is markup; it takes no filter", t->var);
			n->filter = F_RAW;
		}
		n->kind = N_VAR;
		return 0;
	}
	if (c->nopen >= MAX_DEPTH - 1 || c->depth >= MAX_DEPTH)
		return compile_error(c, name, line, "sections nested too deeply");
	n->kind = t->sigil == '#' ? N_SECTION : N_INVERTED;
	c->open[c->nopen++] = c->t->n - 1;
	if (n->kind == N_SECTION && type == TMPL_LIST) {
		/* resolve the item schema */
		const struct tmpl_field *owner = c->scopes[c->depth - 1 - up];
		c->scopes[c->depth++] = owner[index].item;
	}
	return 0;
}

/* compile_tag: compiles one tag of template name (at line) from the inside of its braces. Returns 0 or
 * -1 after compile_error. */
/* compile_words: a {{_ words}} tag: the words (runs of white space made one space, ends trimmed) as
 * c->tr translates them (or as written when it gives NULL), HTML-escaped into a text node. Returns 0, or
 * -1 (err set) when there are no words. */
static int compile_words(struct compiler *c, const char *name, int line, const char *tag, size_t tlen)
{
	struct buf w = BUF_INIT;
	for (size_t k = 1; k < tlen; k++) {
		int space = tag[k] == ' ' || tag[k] == '\t' || tag[k] == '\n' || tag[k] == '\r';
		if (!space)
			buf_putc(&w, tag[k]);
		else if (w.len && w.data[w.len - 1] != ' ')
			buf_putc(&w, ' ');
	}
	if (w.len && w.data[w.len - 1] == ' ')
		w.data[--w.len] = '\0';
	if (!w.len) {
		buf_free(&w);
		return compile_error(c, name, line, "'{{_}}' without words to translate");
	}
	const char *words = buf_cstr(&w), *shown = c->tr ? c->tr(c->tr_ctx, words) : NULL;
	struct buf html = BUF_INIT;
	buf_html(&html, shown ? shown : words, strlen(shown ? shown : words));
	struct node *n = add_node(c->t);
	n->kind = N_TEXT;
	n->text = store_text(c->t, html.data, html.len);
	n->len = html.len;
	buf_free(&html);
	buf_free(&w);
	return 0;
}

static int compile_tag(struct compiler *c, const char *name, int line, const char *tag, size_t tlen)
{
	if (tlen >= 1 && tag[0] == '_' && (tlen == 1 || tag[1] == ' ' || tag[1] == '\n'))
		return compile_words(c, name, line, tag, tlen);
	struct tag t;
	int r = parse_tag(c, name, line, tag, tlen, &t);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (t.sigil == '>')
		return compile_partial(c, name, line, t.var);
	if (t.sigil == '/')
		return compile_close(c, name, line, t.var);
	return compile_use(c, name, line, &t);
}

static int compile_source(struct compiler *c, const char *name, const char *src, size_t len)
{
	size_t i = 0;
	int line = 1;
	unsigned nopen_at_start = c->nopen, outer_base = c->nopen_base;
	c->nopen_base = c->nopen;
	while (i < len) {
		const char *open = NULL;
		for (size_t k = i; k + 1 < len; k++) {
			if (src[k] == '{' && src[k + 1] == '{') {
				open = src + k;
				break;
			}
		}
		size_t textlen = open ? (size_t)(open - (src + i)) : len - i;
		if (textlen) {
			struct node *n = add_node(c->t);
			n->kind = N_TEXT;
			n->text = store_text(c->t, src + i, textlen);
			n->len = textlen;
			for (size_t k = 0; k < textlen; k++)
				line += src[i + k] == '\n';
		}
		if (!open)
			break;
		i = (size_t)(open - src) + 2;
		const char *close = NULL;
		for (size_t k = i; k + 1 < len; k++) {
			if (src[k] == '}' && src[k + 1] == '}') {
				close = src + k;
				break;
			}
		}
		if (!close)
			return compile_error(c, name, line, "'{{' without '}}'");
		size_t tlen = (size_t)(close - (src + i));
		if (compile_tag(c, name, line, src + i, tlen) < 0)
			return -1;
		for (size_t k = 0; k < tlen; k++)
			line += src[i + k] == '\n';
		i = (size_t)(close - src) + 2;
	}
	if (c->nopen != nopen_at_start) {
		struct node *o = &c->t->nodes[c->open[c->nopen - 1]];
		return compile_error(c, name, line, "section '%s' is not closed",
				     c->t->text.data + ((uintptr_t)o->name - 1));
	}
	c->nopen_base = outer_base;
	return 0;
}

struct tmpl *tmpl_compile(const char *name, const char *src, size_t len, const struct tmpl_field *schema,
			  tmpl_partial_fn partials, void *ctx, char *err, size_t errlen)
{
	return tmpl_compile_tr(name, src, len, schema, partials, ctx, NULL, NULL, err, errlen);
}

struct tmpl *tmpl_compile_tr(const char *name, const char *src, size_t len, const struct tmpl_field *schema,
			     tmpl_partial_fn partials, void *ctx, tmpl_translate_fn tr, void *tr_ctx, char *err,
			     size_t errlen)
{
	struct tmpl *t = xcalloc(1, sizeof *t);
	struct compiler c = {.t = t, .tname = name, .partials = partials, .ctx = ctx, .tr = tr, .tr_ctx = tr_ctx,
			     .err = err, .errlen = errlen};
	c.scopes[0] = schema;
	c.depth = 1;
	if (err && errlen)
		err[0] = '\0';
	if (compile_source(&c, name, src, len) < 0) {
		tmpl_free(t);
		return NULL;
	}
	/* turn text offsets into pointers now that the store no longer moves */
	for (size_t k = 0; k < t->n; k++) {
		struct node *n = &t->nodes[k];
		if (n->text)
			n->text = t->text.data + ((uintptr_t)n->text - 1);
		if (n->name)
			n->name = t->text.data + ((uintptr_t)n->name - 1);
	}
	return t;
}

void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	free(t->nodes);
	buf_free(&t->text);
	free(t);
}

static int render_range(const struct tmpl *t, size_t from, size_t to, const struct view **scopes, unsigned depth,
			struct buf *out, const char **missing)
{
	for (size_t k = from; k < to; k++) {
		const struct node *n = &t->nodes[k];
		if (n->kind == N_TEXT) {
			buf_append(out, n->text, n->len);
			continue;
		}
		if (n->kind == N_END)
			continue;
		const struct view *v = scopes[depth - 1 - n->up];
		const struct view_slot *s = &v->slots[n->index];
		if (!s->set) {
			*missing = n->name;
			return -1;
		}
		if (n->kind == N_VAR) {
			switch (n->filter) {
			case F_RAW: buf_append(out, s->s, s->n); break;
			case F_URL: buf_url(out, s->s, s->n); break;
			case F_JSON: buf_json(out, s->s, s->n); break;
			case F_HTML: buf_html(out, s->s, s->n); break;
			}
			continue;
		}
		int truthy = n->type == TMPL_LIST ? s->nitems > 0 : n->type == TMPL_BOOL ? s->b : s->n > 0;
		if (n->kind == N_INVERTED) {
			if (!truthy && render_range(t, k + 1, n->end, scopes, depth, out, missing) < 0)
				return -1;
		} else if (n->type == TMPL_LIST) {
			for (size_t i = 0; i < s->nitems; i++) {
				scopes[depth] = s->items[i];
				if (render_range(t, k + 1, n->end, scopes, depth + 1, out, missing) < 0)
					return -1;
			}
		} else if (truthy) {
			if (render_range(t, k + 1, n->end, scopes, depth, out, missing) < 0)
				return -1;
		}
		k = n->end;
	}
	return 0;
}

int tmpl_render(const struct tmpl *t, const struct view *v, struct buf *out, const char **missing)
{
	const struct view *scopes[MAX_DEPTH + 1];
	const char *dummy;
	scopes[0] = v;
	return render_range(t, 0, t->n, scopes, 1, out, missing ? missing : &dummy);
}

struct view *view_new(struct arena *a, const struct tmpl_field *schema)
{
	size_t n = 0;
	while (schema[n].name)
		n++;
	struct view *v = arena_alloc(a, sizeof *v + n * sizeof(struct view_slot));
	v->schema = schema;
	v->arena = a;
	v->nfields = n;
	return v;
}

static struct view_slot *view_slot(struct view *v, const char *name, enum tmpl_type type)
{
	for (size_t i = 0; i < v->nfields; i++) {
		if (strcmp(v->schema[i].name, name) == 0) {
			if (v->schema[i].type != type) {
				fprintf(stderr, "broadsheet: view variable '%s' set with the wrong type\n", name);
				abort();
			}
			return &v->slots[i];
		}
	}
	fprintf(stderr, "broadsheet: view has no variable '%s'\n", name);
	abort();
}

void view_textn(struct view *v, const char *name, const char *s, size_t n)
{
	struct view_slot *slot = view_slot(v, name, TMPL_TEXT);
	slot->set = 1;
	slot->s = s ? s : "";
	slot->n = s ? n : 0;
}

void view_text(struct view *v, const char *name, const char *s)
{
	view_textn(v, name, s, s ? strlen(s) : 0);
}

void view_html(struct view *v, const char *name, const char *html)
{
	struct view_slot *slot = view_slot(v, name, TMPL_HTML);
	slot->set = 1;
	slot->s = html ? html : "";
	slot->n = html ? strlen(html) : 0;
}

void view_bool(struct view *v, const char *name, int on)
{
	struct view_slot *slot = view_slot(v, name, TMPL_BOOL);
	slot->set = 1;
	slot->b = on != 0;
}

void view_list_empty(struct view *v, const char *name)
{
	view_slot(v, name, TMPL_LIST)->set = 1;
}

struct view *view_add(struct view *v, const char *name)
{
	struct view_slot *slot = view_slot(v, name, TMPL_LIST);
	size_t i;
	for (i = 0; i < v->nfields; i++)
		if (&v->slots[i] == slot)
			break;
	slot->set = 1;
	slot->items = arena_grow(v->arena, slot->items, slot->nitems, &slot->cap, sizeof *slot->items, 8);
	struct view *item = view_new(v->arena, v->schema[i].item);
	slot->items[slot->nitems++] = item;
	return item;
}
