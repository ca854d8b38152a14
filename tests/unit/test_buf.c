/* test_buf.c - unit tests for the byte buffer (src/buf.c) and the arena allocator (src/arena.c). */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "buf.h"

static void test_buf_empty(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	/* an untouched buffer is a valid empty C string */
	const char *s = buf_cstr(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(b.len, 0);
	assert_true(b.cap > 0);
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.cap, 0);
	/* steal from an empty buffer gives an empty string the caller owns */
	size_t len = 99;
	char *d = buf_steal(&b, &len);
	assert_non_null(d);
	assert_int_equal(len, 0);
	assert_string_equal(d, "");
	free(d);
	/* appending nothing still yields a terminated string */
	buf_append(&b, "", 0);
	assert_string_equal(buf_cstr(&b), "");
	buf_free(&b);
	buf_free(&b); /* freeing twice is harmless */
}

static void test_buf_appends(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	buf_append(&b, "abc", 3);
	buf_putc(&b, '-');
	buf_lit(&b, "lit");
	buf_append(&b, "xyz", 2);
	assert_string_equal(buf_cstr(&b), "abc-litxy");
	assert_int_equal(b.len, 9);
	/* embedded NUL bytes are data, not terminators */
	buf_append(&b, "\0z", 2);
	assert_int_equal(b.len, 11);
	assert_memory_equal(b.data, "abc-litxy\0z", 12);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_cstr(&b), "");
	assert_true(b.cap >= 12); /* memory kept */
	buf_lit(&b, "عربي");
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "عربي");
	buf_free(&b);
}

static void test_buf_growth(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	for (int i = 0; i < 10000; i++)
		buf_putc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 10000);
	assert_true(b.cap > b.len);
	assert_int_equal(b.data[10000], '\0');
	for (int i = 0; i < 10000; i++)
		assert_int_equal(b.data[i], 'a' + i % 26);
	buf_free(&b);
}

static void test_buf_printf(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	buf_printf(&b, "%d-%s-%05.1f", 42, "x", 3.14159);
	assert_string_equal(buf_cstr(&b), "42-x-003.1");
	/* past the 256-byte scratch buffer, on a non-empty buffer */
	char big[1000];
	memset(big, 'q', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_printf(&b, "[%s]%d", big, 7);
	assert_int_equal(b.len, 10 + 1 + 999 + 1 + 1);
	assert_memory_equal(b.data, "42-x-003.1[qqq", 14);
	assert_string_equal(b.data + b.len - 3, "q]7");
	assert_int_equal(strlen(b.data), b.len);
	/* exactly 255 and 256 characters of output */
	buf_reset(&b);
	buf_printf(&b, "%255s", "");
	assert_int_equal(b.len, 255);
	buf_printf(&b, "%256s", "");
	assert_int_equal(b.len, 511);
	assert_int_equal(strlen(buf_cstr(&b)), 511);
	buf_reset(&b);
	buf_printf(&b, "%s", "");
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_cstr(&b), "");
	buf_free(&b);
}

static void test_buf_steal(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	buf_lit(&b, "hello");
	size_t len = 0;
	char *d = buf_steal(&b, &len);
	assert_string_equal(d, "hello");
	assert_int_equal(len, 5);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	/* the buffer is reusable and independent of the stolen memory */
	buf_lit(&b, "again");
	assert_string_equal(buf_cstr(&b), "again");
	assert_string_equal(d, "hello");
	free(d);
	d = buf_steal(&b, NULL);
	assert_string_equal(d, "again");
	free(d);
	buf_free(&b);
}

static void test_arena_alloc(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	size_t sizes[] = {1, 3, 7, 16, 17, 100, 1, 4095, 33};
	unsigned char *prev[9];
	for (size_t i = 0; i < 9; i++) {
		unsigned char *p = arena_alloc(&a, sizes[i]);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
		for (size_t k = 0; k < sizes[i]; k++)
			assert_int_equal(p[k], 0);
		memset(p, 0xAB, sizes[i]); /* dirty it: the next allocation must still come back zeroed */
		prev[i] = p;
	}
	/* allocations do not overlap */
	for (size_t i = 0; i < 9; i++)
		for (size_t j = 0; j < 9; j++)
			if (i != j)
				assert_true(prev[i] + sizes[i] <= prev[j] || prev[j] + sizes[j] <= prev[i]);
	for (size_t i = 0; i < 9; i++)
		for (size_t k = 0; k < sizes[i]; k++)
			assert_int_equal(prev[i][k], 0xAB);
	/* zero bytes still gives a usable pointer */
	assert_non_null(arena_alloc(&a, 0));
	arena_free(&a);
	assert_null(a.head);
	/* reusable after free */
	int *x = arena_alloc(&a, sizeof *x);
	*x = 5;
	assert_int_equal(*x, 5);
	arena_free(&a);
}

static void test_arena_big(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	char *small1 = arena_alloc(&a, 10);
	memcpy(small1, "small-one", 10);
	/* bigger than a block: gets its own */
	size_t big = 3 * 8192 + 5;
	unsigned char *p = arena_alloc(&a, big);
	assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
	for (size_t k = 0; k < big; k++)
		assert_int_equal(p[k], 0);
	memset(p, 0xCD, big);
	/* small allocations keep working (and keep the earlier data) */
	char *small2 = arena_alloc(&a, 10);
	memcpy(small2, "small-two", 10);
	unsigned char *p2 = arena_alloc(&a, 6000);
	memset(p2, 0xEF, 6000);
	unsigned char *p3 = arena_alloc(&a, 100000);
	for (size_t k = 0; k < 100000; k++)
		assert_int_equal(p3[k], 0);
	assert_string_equal(small1, "small-one");
	assert_string_equal(small2, "small-two");
	assert_int_equal(p[0], 0xCD);
	assert_int_equal(p[big - 1], 0xCD);
	assert_int_equal(p2[5999], 0xEF);
	/* many small allocations across several blocks */
	for (int i = 0; i < 5000; i++) {
		int *q = arena_alloc(&a, sizeof(int) * 4);
		assert_int_equal(q[0] | q[1] | q[2] | q[3], 0);
		q[0] = i;
	}
	arena_free(&a);
}

static void test_arena_strings(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	assert_null(arena_strdup(&a, NULL));
	char *s = arena_strdup(&a, "صحيفة");
	assert_string_equal(s, "صحيفة");
	char *n = arena_strndup(&a, "abcdef", 3);
	assert_string_equal(n, "abc");
	char *e = arena_strndup(&a, "x", 0);
	assert_string_equal(e, "");
	char *p = arena_printf(&a, "%s/%04d/%02d", "/en", 2026, 7);
	assert_string_equal(p, "/en/2026/07");
	/* longer than any scratch space */
	char big[5000];
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	char *q = arena_printf(&a, "<%s>", big);
	assert_int_equal(strlen(q), 5001);
	assert_int_equal(q[0], '<');
	assert_int_equal(q[5000], '>');
	char *r = arena_printf(&a, "%s", big);
	assert_string_equal(r, big);
	assert_string_equal(s, "صحيفة");
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_empty),    cmocka_unit_test(test_buf_appends),
		cmocka_unit_test(test_buf_growth),   cmocka_unit_test(test_buf_printf),
		cmocka_unit_test(test_buf_steal),    cmocka_unit_test(test_arena_alloc),
		cmocka_unit_test(test_arena_big),    cmocka_unit_test(test_arena_strings),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
