/* test_route.c - unit tests for path pattern matching (src/route.c) and the route table (src/routes.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "metrics.h"
#include "route.h"
#include "routes.h"

/* assert_param: parameter i is called name and holds value. */
static void assert_param(const struct route_params *rp, size_t i, const char *name, const char *value)
{
	assert_true(i < rp->n);
	assert_int_equal(rp->p[i].name_len, strlen(name));
	assert_memory_equal(rp->p[i].name, name, strlen(name));
	assert_int_equal(rp->p[i].value_len, strlen(value));
	assert_memory_equal(rp->p[i].value, value, strlen(value));
}

static void test_literal(void **state)
{
	(void)state;
	struct route_params rp;
	assert_int_equal(route_match("/", "/", &rp), 1);
	assert_int_equal(rp.n, 0);
	assert_int_equal(route_match("/about", "/about", &rp), 1);
	assert_int_equal(rp.n, 0);
	assert_int_equal(route_match("/about", "/abou", &rp), 0);
	assert_int_equal(route_match("/about", "/aboutx", &rp), 0);
	assert_int_equal(route_match("/about", "/About", &rp), 0);
	assert_int_equal(route_match("/", "/x", &rp), 0);
	assert_int_equal(route_match("/x", "/", &rp), 0);
	/* both must be absolute */
	assert_int_equal(route_match("/about", "about", &rp), 0);
	assert_int_equal(route_match("/", "", &rp), 0);
}

static void test_params(void **state)
{
	(void)state;
	struct route_params rp;
	const char *path = "/en/section/world-news";
	assert_int_equal(route_match("/{edition}/section/{slug}", path, &rp), 1);
	assert_int_equal(rp.n, 2);
	assert_param(&rp, 0, "edition", "en");
	assert_param(&rp, 1, "slug", "world-news");
	/* values point into the path, names into the pattern */
	assert_ptr_equal(rp.p[0].value, path + 1);
	assert_ptr_equal(rp.p[1].value, path + 12);

	assert_int_equal(route_match("/{edition}/{year}/{month}/{day}/{slug}", "/ar/2026/11/25/خبر-عاجل", &rp), 1);
	assert_int_equal(rp.n, 5);
	assert_param(&rp, 0, "edition", "ar");
	assert_param(&rp, 1, "year", "2026");
	assert_param(&rp, 2, "month", "11");
	assert_param(&rp, 3, "day", "25");
	assert_param(&rp, 4, "slug", "خبر-عاجل");

	/* literal segments must still match exactly */
	assert_int_equal(route_match("/{edition}/section/{slug}", "/en/tag/world", &rp), 0);
	/* a parameter takes exactly one segment */
	assert_int_equal(route_match("/static/{file}", "/static/a/b", &rp), 0);
	assert_int_equal(route_match("/static/{file}", "/static/site.css", &rp), 1);
	assert_param(&rp, 0, "file", "site.css");
	/* too few segments */
	assert_int_equal(route_match("/{edition}/section/{slug}", "/en/section", &rp), 0);
}

static void test_trailing_slash(void **state)
{
	(void)state;
	struct route_params rp;
	assert_int_equal(route_match("/{edition}/", "/en", &rp), 0);
	assert_int_equal(route_match("/{edition}/", "/en/", &rp), 1);
	assert_int_equal(rp.n, 1);
	assert_param(&rp, 0, "edition", "en");
	assert_int_equal(route_match("/{edition}", "/en", &rp), 1);
	assert_param(&rp, 0, "edition", "en");
	assert_int_equal(route_match("/{edition}", "/en/", &rp), 0);
	assert_int_equal(route_match("/static/{file}", "/static/x/", &rp), 0);
	assert_int_equal(route_match("/about/", "/about", &rp), 0);
	assert_int_equal(route_match("/about", "/about/", &rp), 0);
}

static void test_no_empty_segments(void **state)
{
	(void)state;
	struct route_params rp;
	assert_int_equal(route_match("/{edition}", "/", &rp), 0);
	assert_int_equal(route_match("/{edition}/", "//", &rp), 0);
	assert_int_equal(route_match("/static/{file}", "/static/", &rp), 0);
	assert_int_equal(route_match("/{edition}/section/{slug}", "//section/x", &rp), 0);
	assert_int_equal(route_match("/{edition}/section/{slug}", "/en/section/", &rp), 0);
	assert_int_equal(route_match("/{a}/{b}", "/x//y", &rp), 0);
}

static void test_route_param(void **state)
{
	(void)state;
	struct route_params rp;
	assert_int_equal(route_match("/{edition}/tag/{slug}", "/en/tag/economy", &rp), 1);
	char dst[16];
	memset(dst, 'X', sizeof dst);
	assert_int_equal(route_param(&rp, "slug", dst, sizeof dst), 0);
	assert_string_equal(dst, "economy");
	assert_int_equal(route_param(&rp, "edition", dst, sizeof dst), 0);
	assert_string_equal(dst, "en");
	/* absent names, including prefixes and extensions of real names */
	assert_int_equal(route_param(&rp, "year", dst, sizeof dst), -1);
	assert_int_equal(route_param(&rp, "slu", dst, sizeof dst), -1);
	assert_int_equal(route_param(&rp, "slugs", dst, sizeof dst), -1);
	/* "economy" needs 8 bytes: 8 fits, 7 does not, and the refused buffer is untouched */
	char small[8];
	assert_int_equal(route_param(&rp, "slug", small, 8), 0);
	assert_string_equal(small, "economy");
	memset(small, 'Z', sizeof small);
	assert_int_equal(route_param(&rp, "slug", small, 7), -1);
	assert_int_equal(small[0], 'Z');
	assert_int_equal(route_param(&rp, "slug", small, 0), -1);
}

static void test_too_many_params(void **state)
{
	(void)state;
	struct route_params rp;
	assert_int_equal(route_match("/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}", "/1/2/3/4/5/6/7/8", &rp), 1);
	assert_int_equal(rp.n, ROUTE_MAX_PARAMS);
	assert_param(&rp, 7, "h", "8");
	assert_int_equal(route_match("/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", "/1/2/3/4/5/6/7/8/9", &rp), 0);
}

static void test_table_well_formed(void **state)
{
	(void)state;
	size_t n = 0;
	const struct route *t = routes_table(&n);
	assert_non_null(t);
	assert_true(n >= 9);
	/* every route has its own request counters in /metrics: a table longer than they have room for
	 * counted its last routes (the reader's pages) as none */
	assert_true(n <= METRICS_MAX_ROUTES);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(t[i].pattern);
		assert_int_equal(t[i].pattern[0], '/');
		assert_non_null(t[i].handler);
		assert_true(t[i].methods != 0);
		/* braces balance and no placeholder is empty */
		int open = 0;
		for (const char *p = t[i].pattern; *p; p++) {
			if (*p == '{') {
				assert_int_equal(open, 0);
				assert_true(p[1] != '}');
				assert_int_equal(p[-1], '/');
				open = 1;
			} else if (*p == '}') {
				assert_int_equal(open, 1);
				assert_true(p[1] == '/' || p[1] == '\0');
				open = 0;
			}
		}
		assert_int_equal(open, 0);
		/* no two routes share a pattern */
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(t[i].pattern, t[j].pattern);
	}
}

/* count_matches: how many table patterns match path; *last = the last one that did. */
static int count_matches(const char *path, const char **last)
{
	size_t n;
	const struct route *t = routes_table(&n);
	int count = 0;
	for (size_t i = 0; i < n; i++) {
		struct route_params rp;
		if (route_match(t[i].pattern, path, &rp)) {
			count++;
			*last = t[i].pattern;
		}
	}
	return count;
}

static void test_table_dispatch_is_unambiguous(void **state)
{
	(void)state;
	const char *which = NULL;
	assert_int_equal(count_matches("/en/2026/11/25/some-slug", &which), 1);
	assert_string_equal(which, "/{edition}/{year}/{month}/{day}/{slug}");
	assert_int_equal(count_matches("/", &which), 1);
	assert_string_equal(which, "/");
	assert_int_equal(count_matches("/en", &which), 1);
	assert_string_equal(which, "/{edition}");
	assert_int_equal(count_matches("/en/", &which), 1);
	assert_string_equal(which, "/{edition}/");
	assert_int_equal(count_matches("/ar/section/politics", &which), 1);
	assert_string_equal(which, "/{edition}/section/{slug}");
	assert_int_equal(count_matches("/en/tag/x", &which), 1);
	assert_string_equal(which, "/{edition}/tag/{slug}");
	assert_int_equal(count_matches("/en/author/jane", &which), 1);
	assert_string_equal(which, "/{edition}/author/{slug}");
	assert_int_equal(count_matches("/media/photo.jpg", &which), 1);
	assert_string_equal(which, "/media/{file}");
	assert_int_equal(count_matches("/static/site.css", &which), 1);
	assert_string_equal(which, "/static/{file}");
	assert_int_equal(count_matches("/en/2026/11/25", &which), 0);
	assert_int_equal(count_matches("/en/2026/11/25/slug/", &which), 0);
	assert_int_equal(count_matches("//", &which), 0);
}

static void test_upload_routes(void **state)
{
	(void)state;
	/* the body limit for uploads follows the route table's flag, not a path prefix */
	assert_true(routes_takes_upload("/admin/media"));
	assert_true(routes_takes_upload("/admin/media?uploaded=3"));
	assert_false(routes_takes_upload("/admin/media-library"));
	assert_false(routes_takes_upload("/admin/mediax"));
	assert_false(routes_takes_upload("/admin/users"));
	assert_false(routes_takes_upload("/en/"));
	char huge[1024];
	memset(huge, 'a', sizeof huge - 1);
	huge[0] = '/';
	huge[sizeof huge - 1] = '\0';
	assert_false(routes_takes_upload(huge));
}

static void test_checked_before_body(void **state)
{
	(void)state;
	/* routes.c refuses these before their body is read: an upload route must need a permission (or an
	 * anonymous upload would be read), and the API key routes are the only others with a body to guard */
	size_t n = 0;
	const struct route *t = routes_table(&n);
	int uploads = 0, keyed = 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i].flags & ROUTE_UPLOAD) {
			uploads++;
			assert_true(t[i].perm != PERM_PUBLIC);
			assert_true(t[i].methods & HTTP_POST);
			assert_false(t[i].flags & ROUTE_API_KEY);
		}
		if (t[i].flags & ROUTE_API_KEY) {
			keyed++;
			assert_true(strncmp(t[i].pattern, "/api/v1/admin/", 14) == 0);
		}
	}
	assert_int_equal(uploads, 1);
	assert_int_equal(keyed, 3);
}

static void test_param_id(void **state)
{
	(void)state;
	struct route_params p;
	assert_int_equal(route_match("/admin/articles/{id}", "/admin/articles/42", &p), 1);
	assert_int_equal(route_param_id(&p, "id"), 42);
	assert_int_equal(route_param_id(&p, "other"), 0);
	const char *bad[] = {"/admin/articles/0", "/admin/articles/-3", "/admin/articles/4x", "/admin/articles/99999999999999999999", NULL};
	for (int i = 0; bad[i]; i++) {
		assert_int_equal(route_match("/admin/articles/{id}", bad[i], &p), 1);
		assert_int_equal(route_param_id(&p, "id"), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_param_id),
		cmocka_unit_test(test_upload_routes),
		cmocka_unit_test(test_checked_before_body),
		cmocka_unit_test(test_literal),           cmocka_unit_test(test_params),
		cmocka_unit_test(test_trailing_slash),    cmocka_unit_test(test_no_empty_segments),
		cmocka_unit_test(test_route_param),       cmocka_unit_test(test_too_many_params),
		cmocka_unit_test(test_table_well_formed), cmocka_unit_test(test_table_dispatch_is_unambiguous),
	};
	return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
