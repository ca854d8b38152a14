/* page_login.h - what the log-in page (page_admin.c) shares with the other ways of logging in
 * (page_oidc.c): the page itself with a message, where to go afterwards, and the one log-in throttle
 * (auth_login_throttle over the failures counted per address, per address and account, per account). */
#ifndef BROADSHEET_PAGE_LOGIN_H
#define BROADSHEET_PAGE_LOGIN_H

#include "http.h"

/* The keys of the failed log-ins that bear on one attempt (login_failures.key). */
struct login_keys {
	char address[96], pair[192], account[96];
};

/* login_safe_next: next when it is a local newsroom path to return to after log-in (uri_local_path: no
 * CR/LF, no "//", no backslash), never the log-in page itself; else "/admin/". */
const char *login_safe_next(const char *next);

/* login_form: the log-in page with what was typed (login; never the password), a token bound to the
 * browser's pre-session cookie (set now if it has none), and notice or error (N_ strings are translated).
 * Returns status, or 500 when the page cannot be rendered. */
int login_form(struct http_request *req, struct http_response *res, const char *login, const char *next,
	       const char *notice, const char *error, int status);

/* login_keys_for: the throttle's keys for login from the request's address. */
void login_keys_for(struct http_request *req, const char *login, struct login_keys *k);

/* login_throttled: whether an attempt with keys k is refused by auth_login_throttle; if so sets
 * Retry-After on res and returns 1. A store error counts as no failures. */
int login_throttled(struct http_request *req, struct http_response *res, const struct login_keys *k);

/* login_failure_note: counts one failed log-in under each of k's keys (a store error is not fatal: the
 * refusal stands) and says so in the server's log with what (the login or the way of logging in). */
void login_failure_note(struct http_request *req, const struct login_keys *k, const char *what);

/* oidc_login_view: the log-in page's button for the identity provider (page_oidc.c): v's oidc_label
 * ("Sign in with LABEL" in the newsroom's language), "" (no button) when none is configured. */
struct view;
void oidc_login_view(struct http_request *req, struct view *v);

#endif
