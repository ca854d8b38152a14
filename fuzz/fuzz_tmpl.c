/* fuzz_tmpl.c - the template compiler on arbitrary template text (the whole input) against a schema with
 * every kind of variable and nested lists, with partials that include each other (and themselves); when
 * it compiles, it is rendered with every variable set (so the render must succeed) and freed. */
#include "fuzz.h"

#include "arena.h"
#include "buf.h"
#include "tmpl.h"

static const struct tmpl_field tag_fields[] = {{"tag", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field item_fields[] = {{"title", TMPL_TEXT, NULL},
						{"featured", TMPL_BOOL, NULL},
						{"tags", TMPL_LIST, tag_fields},
						{NULL, 0, NULL}};
static const struct tmpl_field shadow_fields[] = {{"name", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field schema[] = {{"name", TMPL_TEXT, NULL},  {"body", TMPL_HTML, NULL},
					   {"show", TMPL_BOOL, NULL},  {"q", TMPL_TEXT, NULL},
					   {"items", TMPL_LIST, item_fields}, {"people", TMPL_LIST, shadow_fields},
					   {"none", TMPL_LIST, tag_fields}, {NULL, 0, NULL}};

/* partials: a fixed set, some broken or recursive on purpose; NULL for other names. */
static const char *partials(void *ctx, const char *name, size_t *len)
{
	(void)ctx;
	static const struct {
		const char *name, *src;
	} set[] = {{"head", "<h1>{{name}}</h1>"},
		   {"item", "<li>{{title}}{{#tags}}{{tag}}{{/tags}}</li>"},
		   {"self", "x{{>self}}"},
		   {"open", "{{#show}}"},
		   {"close", "{{/show}}"},
		   {"list", "{{#items}}{{>item}}{{/items}}"}};
	for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
		if (strcmp(set[i].name, name) == 0) {
			*len = strlen(set[i].src);
			return set[i].src;
		}
	}
	return NULL;
}

/* fill: sets every variable of the schema, with text that needs escaping in every context. */
static void fill(struct view *v)
{
	view_text(v, "name", "<a href=\"x\">&'\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a</a>");
	view_html(v, "body", "<p>trusted</p>");
	view_bool(v, "show", 1);
	view_text(v, "q", "a b&c=d/\xe2\x80\xae");
	for (int i = 0; i < 2; i++) {
		struct view *it = view_add(v, "items");
		view_text(it, "title", i ? "second" : "</script>");
		view_bool(it, "featured", i);
		view_text(view_add(it, "tags"), "tag", "t\"ag");
	}
	view_text(view_add(v, "people"), "name", "inner");
	view_list_empty(v, "none");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256] = "";
	struct tmpl *t = tmpl_compile("fuzz", (const char *)data, size, schema, partials, NULL, err, sizeof err);
	if (!t) {
		FUZZ_ASSERT(err[0] != '\0');
		return 0;
	}
	struct arena a = ARENA_INIT;
	struct view *v = view_new(&a, schema);
	fill(v);
	struct buf out = BUF_INIT;
	const char *missing = NULL;
	FUZZ_ASSERT(tmpl_render(t, v, &out, &missing) == 0);
	buf_free(&out);
	arena_free(&a);
	tmpl_free(t);
	return 0;
}
