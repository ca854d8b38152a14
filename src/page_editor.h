/* page_editor.h - what the article editor's page files share: page_editor.c (the form, its checks, the
 * save) and page_workflow.c (workflow, history, restore, corrections); page_live.c (the live desk) borrows
 * the writing desk's media list and the article loading rules. Not for other modules. */
#ifndef BROADSHEET_PAGE_EDITOR_H
#define BROADSHEET_PAGE_EDITOR_H
#include <stdint.h>

#include "db.h"
#include "http.h"

#define MAX_CORRECTION 2000
/* The window of times the workflow takes (UTC). Nothing is published as of a time before 1990-01-01:
 * that is before the web and every newspaper site, so an archive import keeps any real date, while the
 * zero and near-zero times of a clock or field never set are refused. Nothing is scheduled or taken
 * down more than ten years ahead: such a time is a typo (9999, 2206), not a plan. */
#define WORKFLOW_TIME_FLOOR 631152000LL
#define WORKFLOW_TIME_AHEAD (3653LL * 24 * 3600)

struct autosave_offer;
struct editor_form;

/* The helpers page_editor.c defines for both files (each described where it is defined). */
const char *editor_field(struct http_request *req, const char *name);
const char *editor_i64s(struct arena *a, int64_t v);
int editor_can_publish(const struct http_request *req);
int editor_may_edit(const struct http_request *req, const struct db_article *art);
int editor_load_article(struct http_request *req, struct http_response *res, struct db_article *art);
int editor_show(struct http_request *req, struct http_response *res, const struct db_article *art,
		const struct editor_form *f, const char *notice, const char *error, const char *preview,
		const struct autosave_offer *offer, int status);
const char *editor_markdown_html(struct http_request *req, const char *md, const char *edition);
struct view;
int editor_media_options(struct http_request *req, struct view *v, const char *selected);
int editor_save_revision(struct http_request *req, int64_t id, int64_t version, const struct db_article *art);

#endif
