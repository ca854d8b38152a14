/* pages.h - the page handlers named in the route table. Each reads through db_*, fills a view and
 * renders a template; none writes to the socket or speaks SQL. */
#ifndef BROADSHEET_PAGES_H
#define BROADSHEET_PAGES_H

#include "http.h"

int root_page(struct http_request *req, struct http_response *res);
int edition_redirect_page(struct http_request *req, struct http_response *res);
int front_page(struct http_request *req, struct http_response *res);
int article_page(struct http_request *req, struct http_response *res);
int section_page(struct http_request *req, struct http_response *res);
int tag_page(struct http_request *req, struct http_response *res);
int author_page(struct http_request *req, struct http_response *res);
int static_page(struct http_request *req, struct http_response *res);
int media_page(struct http_request *req, struct http_response *res);

/* the newsroom (page_admin.c, page_editor.c) */
int admin_redirect_page(struct http_request *req, struct http_response *res);
int login_page(struct http_request *req, struct http_response *res);
int logout_page(struct http_request *req, struct http_response *res);
int dashboard_page(struct http_request *req, struct http_response *res);
int password_page(struct http_request *req, struct http_response *res);
int users_page(struct http_request *req, struct http_response *res);
int user_disable_page(struct http_request *req, struct http_response *res);
int settings_page(struct http_request *req, struct http_response *res);
int article_edit_page(struct http_request *req, struct http_response *res);
int article_status_page(struct http_request *req, struct http_response *res);
int article_history_page(struct http_request *req, struct http_response *res);
int article_restore_page(struct http_request *req, struct http_response *res);
int article_correction_page(struct http_request *req, struct http_response *res);
int preview_page(struct http_request *req, struct http_response *res);
int media_library_page(struct http_request *req, struct http_response *res);

/* page_error: renders the error page for res->status (and res->error_message) into res, in the edition
 * the path names (English otherwise). Never fails: falls back to plain text if rendering does. */
void page_error(struct http_request *req, struct http_response *res);

#endif
