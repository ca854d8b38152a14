/* test_arena.c - unit tests for the per-request arena (src/arena.c): arena_grow, the one way an arena
 * array (a request's cache dependencies and notes, a view's list items) makes room for one more. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"

/* test_grow: the first call allocates `first` slots; a full array doubles and keeps its elements; an
 * array with room is returned as it is. */
static void test_grow(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	int64_t *v = NULL;
	size_t n = 0, cap = 0;
	for (int64_t i = 0; i < 100; i++) {
		int64_t *before = v;
		size_t cap_before = cap;
		v = arena_grow(&a, v, n, &cap, sizeof *v, 4);
		if (n < cap_before) {
			assert_ptr_equal(v, before);
			assert_int_equal(cap, cap_before);
		} else {
			assert_int_equal(cap, cap_before ? cap_before * 2 : 4);
		}
		v[n++] = i * 7;
	}
	assert_int_equal(cap, 128);
	for (int64_t i = 0; i < 100; i++)
		assert_int_equal(v[i], i * 7);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_grow)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
