/* fuzz_route.c - the route matcher: the input's first byte picks the mode. Even: the rest is a decoded
 * request path matched against every pattern of the route table (as routes_dispatch does), with
 * route_param and route_param_id on each match. Odd: the rest is "pattern\npath", both fuzzed. Checks that
 * parameters point inside the path and that route_param respects its buffer. */
#include "fuzz.h"

#include "route.h"
#include "routes.h"

/* check_params: the promises of route_match's output for a path. */
static void check_params(const struct route_params *rp, const char *path)
{
	size_t plen = strlen(path);
	FUZZ_ASSERT(rp->n <= ROUTE_MAX_PARAMS);
	for (size_t i = 0; i < rp->n; i++) {
		FUZZ_ASSERT(rp->p[i].value >= path && rp->p[i].value + rp->p[i].value_len <= path + plen);
		FUZZ_ASSERT(rp->p[i].value_len > 0);
		char name[64], dst[16];
		if (rp->p[i].name_len < sizeof name) {
			memcpy(name, rp->p[i].name, rp->p[i].name_len);
			name[rp->p[i].name_len] = '\0';
			if (route_param(rp, name, dst, sizeof dst) == 0)
				FUZZ_ASSERT(strlen(dst) < sizeof dst);
			FUZZ_ASSERT(route_param_id(rp, name) >= 0);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct route_params rp;
	if ((data[0] & 1) == 0) {
		char *path = fuzz_cstr(data + 1, size - 1);
		size_t n;
		const struct route *table = routes_table(&n);
		for (size_t i = 0; i < n; i++) {
			memset(&rp, 0, sizeof rp);
			if (route_match(table[i].pattern, path, &rp))
				check_params(&rp, path);
		}
		(void)routes_takes_upload(path);
		free(path);
		return 0;
	}
	const uint8_t *rest;
	size_t rest_len;
	size_t head = fuzz_split(data + 1, size - 1, '\n', &rest, &rest_len);
	char *pattern = fuzz_cstr(data + 1, head);
	char *path = fuzz_cstr(rest, rest_len);
	memset(&rp, 0, sizeof rp);
	if (route_match(pattern, path, &rp))
		check_params(&rp, path);
	free(pattern);
	free(path);
	return 0;
}
