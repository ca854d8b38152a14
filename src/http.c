/* http.c - the request and the response (see http.h): their accessors, and the decoding of a request's
 * target and form that the server (server.c) and the in-process renderer (routes_render) share. Nothing
 * here knows libmicrohttpd's daemon or the route table: a header or cookie is looked up on the connection
 * the server left in the request, and nothing else. */
#include "http.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "escape.h"
#include "log.h"
#include "multipart.h"
#include "textnorm.h"
#include "uri.h"

/* parse_multipart: fills req->form (text fields) and req->files (file parts) from a multipart body.
 * Returns 0, or -1 with res set to a 400 that says why. */
static int parse_multipart(struct http_request *req, struct http_response *res, const char *ct)
{
	struct arena *a = req->arena;
	const char *boundary = multipart_boundary(a, ct);
	if (!boundary) {
		res->error_message = "The form's multipart boundary is missing or malformed.";
		return -1;
	}
	struct multipart_part *parts = arena_alloc(a, HTTP_MAX_FORM * sizeof *parts);
	int n = multipart_parse(a, req->body ? req->body : "", req->body_len, boundary, parts, HTTP_MAX_FORM);
	if (n < 0) {
		res->error_message = multipart_strerror(n);
		return -1;
	}
	req->form = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *req->form);
	req->files = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *req->files);
	for (int i = 0; i < n; i++) {
		if (parts[i].filename) {
			req->files[req->nfiles++] = parts[i];
			continue;
		}
		if (memchr(parts[i].data, 0, parts[i].len) || !utf8_valid(parts[i].data, parts[i].len)) {
			res->error_message = "A form field is not valid UTF-8 text.";
			return -1;
		}
		req->form[req->nform].name = parts[i].name;
		req->form[req->nform].value = arena_strndup(a, parts[i].data, parts[i].len);
		req->nform++;
	}
	return 0;
}

const char *http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return status < 400 ? "OK" : status < 500 ? "Client Error" : "Server Error";
	}
}

const char *http_header(const struct http_request *req, const char *name)
{
	if (!req->conn)
		return NULL; /* rendered in-process (routes_render): no headers */
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_param(const struct http_request *req, const char *name)
{
	for (size_t i = 0; i < req->nparams; i++)
		if (strcmp(req->params[i].name, name) == 0)
			return req->params[i].value;
	return NULL;
}

const char *http_form(const struct http_request *req, const char *name)
{
	for (size_t i = 0; i < req->nform; i++)
		if (strcmp(req->form[i].name, name) == 0)
			return req->form[i].value;
	return NULL;
}

const char *http_form_text(const struct http_request *req, const char *name)
{
	const char *v = http_form(req, name);
	if (!v || !strchr(v, '\xE2'))
		return v; /* every bidi control starts with byte E2 */
	char *copy = arena_strdup(req->arena, v);
	return textnorm_strip_bidi(copy) ? copy : v;
}

const char *http_cookie(const struct http_request *req, const char *name)
{
	if (!req->conn)
		return NULL; /* rendered in-process (routes_render): an anonymous reader */
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

void http_stream_drop(struct http_response *res)
{
	if (res->stream.next && res->stream.done)
		res->stream.done(res->stream.ctx);
	res->stream = (struct http_stream){0};
}

int http_stream_drain(struct http_response *res)
{
	int rc = 1;
	while (res->stream.next && rc > 0)
		rc = res->stream.next(res->stream.ctx, &res->body);
	http_stream_drop(res);
	return rc < 0 ? -1 : 0;
}

void http_set_header(struct http_response *res, const char *name, const char *value)
{
	for (size_t i = 0; i < res->nheaders; i++) {
		if (strcasecmp(res->headers[i].name, name) == 0) {
			res->headers[i].value = value;
			return;
		}
	}
	if (res->nheaders < HTTP_MAX_HEADERS) {
		res->headers[res->nheaders].name = name;
		res->headers[res->nheaders].value = value;
		res->nheaders++;
	} else {
		log_error("http: too many response headers, dropped %s", name);
	}
}

void http_allow_frames(struct http_response *res, struct arena *a, const char *origins)
{
	if (origins && *origins)
		http_set_header(res, "Content-Security-Policy", arena_printf(a, HTTP_CSP_DEFAULT "; frame-src %s", origins));
}

enum http_method http_method_of(const char *m)
{
	if (strcmp(m, "GET") == 0)
		return HTTP_GET;
	if (strcmp(m, "HEAD") == 0)
		return HTTP_HEAD;
	if (strcmp(m, "POST") == 0)
		return HTTP_POST;
	if (strcmp(m, "PUT") == 0)
		return HTTP_PUT;
	if (strcmp(m, "DELETE") == 0)
		return HTTP_DELETE;
	return HTTP_OTHER;
}

int http_decode_target(struct http_request *req)
{
	int rc = uri_split(req->arena, req->target, &req->path, &req->query);
	if (rc == URI_OK) {
		rc = uri_parse_query(req->arena, req->query, req->params, HTTP_MAX_PARAMS);
		if (rc >= 0) {
			req->nparams = (size_t)rc;
			rc = URI_OK;
		}
	}
	if (rc != URI_OK && !req->path)
		req->path = arena_strdup(req->arena, "/");
	return rc;
}

int http_decode_form(struct http_request *req, struct http_response *res)
{
	const char *ct = http_header(req, "Content-Type");
	if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0) {
		if (parse_multipart(req, res, ct) == 0)
			return 0;
		res->status = 400;
		return -1;
	}
	if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
		return 0;
	req->form = arena_alloc(req->arena, HTTP_MAX_FORM * sizeof *req->form);
	char *text = arena_strndup(req->arena, req->body ? req->body : "", req->body_len);
	int rc = uri_parse_query(req->arena, text, req->form, HTTP_MAX_FORM);
	req->nform = rc > 0 ? (size_t)rc : 0;
	if (rc >= 0)
		return 0;
	res->status = 400;
	res->error_message = rc == URI_TOO_MANY	 ? "The form has too many fields."
			    : rc == URI_BAD_UTF8 ? "A form field is not valid UTF-8 text."
			    : rc == URI_NUL	 ? "A form field contains a NUL byte."
						 : "The form is not correctly encoded.";
	return -1;
}
