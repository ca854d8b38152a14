/* test_multipart.c - boundary extraction and multipart/form-data parsing, including hostile bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "multipart.h"

#define B "----WebKitFormBoundary7MA4YWxkTrZu0gW"

/* parse: runs multipart_parse on a string literal body (its length, not strlen, so NULs count). */
#define PARSE(a, lit, bnd, out, max) multipart_parse((a), (lit), sizeof(lit) - 1, (bnd), (out), (max))

static void test_boundary(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	assert_string_equal(multipart_boundary(&a, "multipart/form-data; boundary=" B), B);
	assert_string_equal(multipart_boundary(&a, "Multipart/Form-Data;BOUNDARY=abc"), "abc");
	assert_string_equal(multipart_boundary(&a, "multipart/form-data; charset=utf-8; boundary=x; a=b"), "x");
	/* quoted, with characters a token cannot hold */
	assert_string_equal(multipart_boundary(&a, "multipart/form-data; boundary=\"gc0p4Jq0M:2Yt08j,34c0p\""),
	                    "gc0p4Jq0M:2Yt08j,34c0p");
	assert_null(multipart_boundary(&a, "multipart/form-data; boundary=\"a b\\\"c\"")); /* '"' is no bchar */
	assert_string_equal(multipart_boundary(&a, "multipart/form-data; boundary=\"with space\""), "with space");
	char seventy[100];
	memset(seventy, 'a', 70);
	seventy[70] = '\0';
	char ct[200];
	snprintf(ct, sizeof ct, "multipart/form-data; boundary=%s", seventy);
	assert_string_equal(multipart_boundary(&a, ct), seventy);
	snprintf(ct, sizeof ct, "multipart/form-data; boundary=%sb", seventy); /* 71 */
	assert_null(multipart_boundary(&a, ct));

	const char *bad[] = {
		"",
		"text/plain; boundary=abc",
		"multipart/mixed; boundary=abc",
		"multipart/form-data",
		"multipart/form-data; boundary=",
		"multipart/form-data; boundary=\"\"",
		"multipart/form-data; boundary=\"trailing \"",
		"multipart/form-data; boundary=\"unterminated",
		"multipart/form-data; boundary=a; boundary=b",
		"multipart/form-data; boundary=a{b}",
		"multipart/form-data boundary=abc",
		"multipart/form-data; =abc",
		"multipart/form-data; boundary=\"tab\there\"",
		"multipart/form-dataX; boundary=abc",
		NULL,
	};
	for (int i = 0; bad[i]; i++) {
		if (multipart_boundary(&a, bad[i]) != NULL)
			fail_msg("accepted: %s", bad[i]);
	}
	assert_null(multipart_boundary(&a, NULL));
	arena_free(&a);
}

static void test_form(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	static const char body[] = "--" B "\r\n"
	                           "Content-Disposition: form-data; name=\"headline\"\r\n"
	                           "\r\n"
	                           "Storm closes port\r\n"
	                           "--" B "\r\n"
	                           "content-disposition: FORM-DATA; name=\"standfirst\"\r\n"
	                           "\r\n"
	                           "\r\n"
	                           "--" B "\r\n"
	                           "Content-Disposition: form-data; name=\"photo\"; filename=\"p\xc3\xa9re.jpg\"\r\n"
	                           "CONTENT-TYPE:   image/jpeg  \r\n"
	                           "X-Other: ignored\r\n"
	                           "\r\n"
	                           "JPEGDATA\r\n"
	                           "--" B "--\r\n";
	struct multipart_part parts[8];
	assert_int_equal(PARSE(&a, body, B, parts, 8), 3);
	assert_string_equal(parts[0].name, "headline");
	assert_null(parts[0].filename);
	assert_null(parts[0].content_type);
	assert_int_equal(parts[0].len, 17);
	assert_memory_equal(parts[0].data, "Storm closes port", 17);
	assert_string_equal(parts[1].name, "standfirst");
	assert_int_equal(parts[1].len, 0); /* an empty value */
	assert_string_equal(parts[2].name, "photo");
	assert_string_equal(parts[2].filename, "p\xc3\xa9re.jpg");
	assert_string_equal(parts[2].content_type, "image/jpeg");
	assert_int_equal(parts[2].len, 8);
	assert_memory_equal(parts[2].data, "JPEGDATA", 8);
	/* data points into the body, no copy */
	assert_true(parts[2].data > body && parts[2].data < body + sizeof body);
	/* exactly max parts is fine */
	assert_int_equal(PARSE(&a, body, B, parts, 3), 3);
	arena_free(&a);
}

static void test_quoted_boundary(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	const char *bnd = multipart_boundary(&a, "multipart/form-data; boundary=\"simple boundary\"");
	assert_string_equal(bnd, "simple boundary");
	static const char body[] = "This is the preamble.  It is to be ignored.\r\n"
	                           "--simple boundary\r\n"
	                           "Content-Disposition: form-data; name=\"a\"\r\n"
	                           "\r\n"
	                           "one\r\n"
	                           "--simple boundary  \t\r\n" /* transport padding */
	                           "Content-Disposition: form-data; name=b; filename=\"C:\\dir\\x.txt\"\r\n"
	                           "\r\n"
	                           "two\r\n"
	                           "--simple boundary--\r\n"
	                           "This is the epilogue.  It is also to be ignored.\r\n";
	struct multipart_part parts[4];
	assert_int_equal(PARSE(&a, body, bnd, parts, 4), 2);
	assert_string_equal(parts[0].name, "a");
	assert_memory_equal(parts[0].data, "one", 3);
	assert_string_equal(parts[1].name, "b");
	assert_string_equal(parts[1].filename, "C:\\dir\\x.txt"); /* backslashes kept */
	assert_int_equal(parts[1].len, 3);
	/* quoted-pair escapes for '"' and '\', filename* ignored, close delimiter at the very end */
	static const char body2[] = "--simple boundary\r\n"
	                            "Content-Disposition: form-data; name=\"q\\\"x\"; filename*=UTF-8''a%20b; "
	                            "filename=\"a\\\\b\"\r\n"
	                            "\r\n"
	                            "v\r\n"
	                            "--simple boundary--";
	assert_int_equal(PARSE(&a, body2, bnd, parts, 4), 1);
	assert_string_equal(parts[0].name, "q\"x");
	assert_string_equal(parts[0].filename, "a\\b");
	/* only a close delimiter: an empty form */
	assert_int_equal(PARSE(&a, "--simple boundary--\r\n", bnd, parts, 4), 0);
	arena_free(&a);
}

static void test_binary(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	/* file data holding NULs, CRLFs, "--", the boundary text mid-line and a CRLF--boundary prefix that
	 * continues with other characters: none of it ends the part */
	static const char data[] = "\x00\x01\r\n\r\n--\r\n\x00--" B "\r\n"
	                           "x--" B "--\r\n"
	                           "\r\n--" B "X\r\n"
	                           "\r\n--" B "-\r\n"
	                           "\xff\xd8\xff\x00\r";
	struct buf body = BUF_INIT;
	buf_lit(&body, "--" B "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"b.bin\"\r\n"
	               "Content-Type: application/octet-stream\r\n\r\n");
	buf_append(&body, data, sizeof data - 1);
	buf_lit(&body, "\r\n--" B "--\r\n");
	struct multipart_part parts[2];
	assert_int_equal(multipart_parse(&a, body.data, body.len, B, parts, 2), 1);
	assert_string_equal(parts[0].filename, "b.bin");
	assert_int_equal(parts[0].len, sizeof data - 1);
	assert_memory_equal(parts[0].data, data, sizeof data - 1);
	/* the same body cut one byte short of each position never reads past its end (ASan) and never
	 * succeeds before the close delimiter is whole */
	for (size_t cut = 0; cut < body.len; cut++) {
		char *copy = malloc(cut ? cut : 1);
		memcpy(copy, body.data, cut);
		int r = multipart_parse(&a, copy, cut, B, parts, 2);
		if (cut == body.len - 2)
			assert_int_equal(r, 1); /* only the final CRLF missing: tolerated */
		else
			assert_true(r < 0);
		free(copy);
	}
	buf_free(&body);
	arena_free(&a);
}

static void test_boundary_mid_line(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	static const char body[] = "--abc\r\n"
	                           "Content-Disposition: form-data; name=\"text\"\r\n"
	                           "\r\n"
	                           "see --abc and x--abc\r\n"
	                           "and --abc-- too\r\n"
	                           "--abc--\r\n";
	struct multipart_part parts[4];
	assert_int_equal(PARSE(&a, body, "abc", parts, 4), 1);
	static const char want[] = "see --abc and x--abc\r\nand --abc-- too";
	assert_int_equal(parts[0].len, sizeof want - 1);
	assert_memory_equal(parts[0].data, want, sizeof want - 1);
	/* a boundary that is a prefix of a longer line is not a delimiter: the part never ends */
	static const char longer[] = "--abc\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nx\r\n--abcd--\r\n";
	assert_int_equal(PARSE(&a, longer, "abc", parts, 4), MULTIPART_ETRUNCATED);
	arena_free(&a);
}

static void test_errors(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct multipart_part parts[2];
	/* missing final boundary */
	assert_int_equal(PARSE(&a, "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n", "b", parts, 2),
	                 MULTIPART_ETRUNCATED);
	assert_int_equal(PARSE(&a, "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--b\r\n", "b",
	                       parts, 2),
	                 MULTIPART_ETRUNCATED);
	assert_int_equal(PARSE(&a, "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n", "b", parts, 2),
	                 MULTIPART_ETRUNCATED);
	/* too many parts */
	static const char three[] = "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
	                            "--b\r\nContent-Disposition: form-data; name=b\r\n\r\n2\r\n"
	                            "--b\r\nContent-Disposition: form-data; name=c\r\n\r\n3\r\n--b--\r\n";
	assert_int_equal(PARSE(&a, three, "b", parts, 2), MULTIPART_ETOOMANY);
	assert_int_equal(PARSE(&a, three, "b", NULL, 0), MULTIPART_ETOOMANY);
	/* garbage */
	assert_int_equal(PARSE(&a, "hello world", "b", parts, 2), MULTIPART_EFORMAT);
	assert_int_equal(PARSE(&a, "", "b", parts, 2), MULTIPART_EFORMAT);
	assert_int_equal(multipart_parse(&a, NULL, 0, "b", parts, 2), MULTIPART_EFORMAT);
	assert_int_equal(PARSE(&a, "x--b\r\n", "b", parts, 2), MULTIPART_EFORMAT); /* not at a line start */
	/* bare LF line endings are refused */
	assert_int_equal(PARSE(&a, "--b\nContent-Disposition: form-data; name=a\n\nv\n--b--\n", "b", parts, 2),
	                 MULTIPART_EFORMAT);
	assert_int_equal(PARSE(&a, "--b\r\nContent-Disposition: form-data; name=a\n\r\n\r\nv\r\n--b--", "b", parts, 2),
	                 MULTIPART_EFORMAT);
	assert_int_equal(PARSE(&a, "--b\r\nContent-Disposition: form-data; name=a\r\r\n\r\nv\r\n--b--", "b", parts, 2),
	                 MULTIPART_EFORMAT);
	/* malformed headers */
	const char *bad_headers[] = {
		"Content-Disposition : form-data; name=a",   /* space before ':' */
		"Content-Disposition: form-data; name=\"a",  /* unterminated quote */
		"Content-Disposition: form-data; name=",     /* empty value */
		"Content-Disposition: form-data; name=a; name=b",
		"Content-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b",
		"Content-Disposition: form-data; name=a\r\n folded",
		"Content-Disposition: form-data; name=a\r\nno colon",
		"Content-Disposition: form-data; name=a\r\nContent-Type: a\r\nContent-Type: b",
		"Content-Disposition: form-data; name=a\r\nX: bell\x07",
		"Content-Disposition: form-data name=a",
		NULL,
	};
	for (int i = 0; bad_headers[i]; i++) {
		char body[300];
		int n = snprintf(body, sizeof body, "--b\r\n%s\r\n\r\nv\r\n--b--\r\n", bad_headers[i]);
		int r = multipart_parse(&a, body, (size_t)n, "b", parts, 2);
		if (r != MULTIPART_EFORMAT)
			fail_msg("%d for: %s", r, bad_headers[i]);
	}
	/* a NUL in a header line */
	static const char nul_header[] = "--b\r\nContent-Disposition: form-data; name=\"a\0b\"\r\n\r\nv\r\n--b--";
	assert_int_equal(PARSE(&a, nul_header, "b", parts, 2), MULTIPART_EFORMAT);
	/* no name */
	const char *no_name[] = {
		"Content-Type: text/plain",
		"Content-Disposition: form-data",
		"Content-Disposition: form-data; filename=\"a.txt\"",
		"Content-Disposition: form-data; name=\"\"",
		"Content-Disposition: attachment; name=a",
		NULL,
	};
	for (int i = 0; no_name[i]; i++) {
		char body[300];
		int n = snprintf(body, sizeof body, "--b\r\n%s\r\n\r\nv\r\n--b--\r\n", no_name[i]);
		int r = multipart_parse(&a, body, (size_t)n, "b", parts, 2);
		if (r != MULTIPART_ENAME)
			fail_msg("%d for: %s", r, no_name[i]);
	}
	assert_int_equal(PARSE(&a, "--b\r\n\r\nv\r\n--b--", "b", parts, 2), MULTIPART_ENAME);
	/* invalid UTF-8 in a name or filename */
	assert_int_equal(PARSE(&a, "--b\r\nContent-Disposition: form-data; name=\"\xc3\x28\"\r\n\r\nv\r\n--b--", "b",
	                       parts, 2),
	                 MULTIPART_EENCODING);
	assert_int_equal(PARSE(&a, "--b\r\nContent-Disposition: form-data; name=a; filename=\"\xed\xa0\x80\"\r\n\r\nv\r\n--b--",
	                       "b", parts, 2),
	                 MULTIPART_EENCODING);
	/* a header block over the limit */
	struct buf big = BUF_INIT;
	buf_lit(&big, "--b\r\nContent-Disposition: form-data; name=a\r\nX-Pad: ");
	for (int i = 0; i < MULTIPART_HEADER_MAX; i++)
		buf_putc(&big, 'p');
	buf_lit(&big, "\r\n\r\nv\r\n--b--\r\n");
	assert_int_equal(multipart_parse(&a, big.data, big.len, "b", parts, 2), MULTIPART_EHEADER);
	buf_free(&big);
	/* a close delimiter followed by junk on its line is not a delimiter */
	assert_int_equal(PARSE(&a, "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--b--junk", "b", parts, 2),
	                 MULTIPART_ETRUNCATED);
	/* invalid boundary arguments */
	assert_int_equal(PARSE(&a, "--\r\n", "", parts, 2), MULTIPART_EBOUNDARY);
	assert_int_equal(PARSE(&a, "--a\r\n", NULL, parts, 2), MULTIPART_EBOUNDARY);
	assert_int_equal(PARSE(&a, "--a\r\n", "a\r\n", parts, 2), MULTIPART_EBOUNDARY);
	/* every code has a sentence */
	for (int c = 0; c >= -8; c--)
		assert_true(strlen(multipart_strerror(c)) > 0);
	arena_free(&a);
}

/* A small deterministic fuzz pass: random mutations of a valid body must never crash or read out of
 * bounds (each input is an exact-size heap copy, so ASan sees any overrun). */
static void test_mutations(void **state)
{
	(void)state;
	static const char seed[] = "pre\r\n--xy\r\n"
	                           "Content-Disposition: form-data; name=\"a\"; filename=\"f\"\r\n"
	                           "Content-Type: text/plain\r\n\r\n"
	                           "data\r\n--xy\r\n"
	                           "Content-Disposition: form-data; name=b\r\n\r\n\r\n--xy--\r\nepi";
	static const char alphabet[] = "\r\n-xy\"\\;=: \0abc";
	uint32_t rng = 12345;
	struct multipart_part parts[4];
	for (int iter = 0; iter < 20000; iter++) {
		struct arena a = ARENA_INIT;
		size_t n = sizeof seed - 1;
		char *copy = malloc(n);
		memcpy(copy, seed, n);
		int edits = 1 + iter % 4;
		for (int e = 0; e < edits; e++) {
			rng = rng * 1103515245u + 12345u;
			size_t at = (rng >> 8) % n;
			rng = rng * 1103515245u + 12345u;
			copy[at] = alphabet[(rng >> 8) % (sizeof alphabet - 1)];
		}
		rng = rng * 1103515245u + 12345u;
		size_t cut = (iter % 3 == 0) ? (rng >> 8) % (n + 1) : n;
		char *exact = malloc(cut ? cut : 1);
		memcpy(exact, copy, cut);
		int r = multipart_parse(&a, exact, cut, "xy", parts, 4);
		assert_true(r <= 4);
		for (int i = 0; i < r; i++) {
			assert_non_null(parts[i].name);
			assert_true(parts[i].data >= exact && parts[i].data + parts[i].len <= exact + cut);
		}
		free(exact);
		free(copy);
		arena_free(&a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundary),
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_quoted_boundary),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_boundary_mid_line),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests_name("multipart", tests, NULL, NULL);
}
