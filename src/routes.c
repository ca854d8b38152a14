/* routes.c - the route table and dispatch (see routes.h). Read this table to know every public URL. */
#include "routes.h"

#include <string.h>

#include "pages.h"
#include "util.h"

#define PUB (ROUTE_PUBLIC | ROUTE_CACHE)

static const struct route table[] = {
	{HTTP_GET, "/", root_page, PUB},
	{HTTP_GET, "/static/{file}", static_page, PUB},
	{HTTP_GET, "/media/{file}", media_page, PUB},
	{HTTP_GET, "/{edition}", edition_redirect_page, PUB},
	{HTTP_GET, "/{edition}/", front_page, PUB},
	{HTTP_GET, "/{edition}/section/{slug}", section_page, PUB},
	{HTTP_GET, "/{edition}/tag/{slug}", tag_page, PUB},
	{HTTP_GET, "/{edition}/author/{slug}", author_page, PUB},
	{HTTP_GET, "/{edition}/{year}/{month}/{day}/{slug}", article_page, PUB},
};

const struct route *routes_table(size_t *n)
{
	*n = ARRAY_LEN(table);
	return table;
}

int routes_dispatch(struct http_request *req, struct http_response *res)
{
	unsigned method = req->method == HTTP_HEAD ? HTTP_GET : (unsigned)req->method;
	unsigned allowed = 0;
	for (size_t i = 0; i < ARRAY_LEN(table); i++) {
		struct route_params params;
		if (!route_match(table[i].pattern, req->path, &params))
			continue;
		if (table[i].methods & method) {
			req->route = params;
			return table[i].handler(req, res);
		}
		allowed |= table[i].methods;
	}
	if (allowed) {
		struct buf b = BUF_INIT;
		static const struct {
			unsigned bit;
			const char *name;
		} names[] = {{HTTP_GET, "GET, HEAD"}, {HTTP_POST, "POST"}, {HTTP_PUT, "PUT"}, {HTTP_DELETE, "DELETE"}};
		for (size_t k = 0; k < ARRAY_LEN(names); k++) {
			if (allowed & names[k].bit) {
				if (b.len)
					buf_lit(&b, ", ");
				buf_append(&b, names[k].name, strlen(names[k].name));
			}
		}
		http_set_header(res, "Allow", arena_strdup(req->arena, buf_cstr(&b)));
		buf_free(&b);
		res->error_message = "This address does not accept that kind of request.";
		return 405;
	}
	res->error_message = NULL;
	return 404;
}
