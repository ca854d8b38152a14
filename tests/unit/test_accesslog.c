/* test_accesslog.c - unit tests for src/accesslog.c: the Combined Log Format line (fields, date, "-" for
 * missing values, escaping that keeps a request from forging a line), and the buffered writer reaching
 * the file on close and after a reopen (logrotate). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "accesslog.h"
#include "buf.h"

static void test_format_line(void **state)
{
	(void)state;
	struct accesslog_entry e = {.client_ip = "203.0.113.7", .time = 1516703700, /* 2018-01-23 10:35:00 UTC */
				    .method = "GET", .target = "/en/section/world?page=2", .protocol = "HTTP/1.1",
				    .status = 200, .bytes = 5120, .referer = "https://example.com/",
				    .user_agent = "Mozilla/5.0 (X11)"};
	struct buf b = BUF_INIT;
	accesslog_format(&b, &e);
	assert_string_equal(buf_cstr(&b), "203.0.113.7 - - [23/Jan/2018:10:35:00 +0000] \"GET /en/section/world?page=2 "
					  "HTTP/1.1\" 200 5120 \"https://example.com/\" \"Mozilla/5.0 (X11)\"\n");
	buf_free(&b);
}

static void test_format_missing_and_hostile(void **state)
{
	(void)state;
	struct accesslog_entry e = {.client_ip = "::1", .time = 0, .method = "HEAD", .target = "/a\"b\\c\n1.2.3.4 - -",
				    .protocol = "HTTP/1.0", .status = 304, .bytes = 0, .referer = NULL,
				    .user_agent = "x\x7f\xc3\xa9"};
	struct buf b = BUF_INIT;
	accesslog_format(&b, &e);
	assert_string_equal(buf_cstr(&b), "::1 - - [01/Jan/1970:00:00:00 +0000] \"HEAD /a\\x22b\\x5Cc\\x0A1.2.3.4 - - "
					  "HTTP/1.0\" 304 - \"-\" \"x\\x7F\\xC3\\xA9\"\n");
	/* exactly one line, whatever the request held */
	assert_ptr_equal(strchr(buf_cstr(&b), '\n'), buf_cstr(&b) + b.len - 1);
	buf_free(&b);
}

static void test_format_redacts_csrf(void **state)
{
	(void)state;
	/* the upload form's CSRF token is in its action (and so in the Referer of the page it shows) */
	struct accesslog_entry e = {.client_ip = "10.0.0.1", .time = 0, .method = "POST",
				    .target = "/admin/media?csrf=0123abcd&x=1&csrfx=2&a=csrf=3",
				    .protocol = "HTTP/1.1", .status = 303, .bytes = 0,
				    .referer = "https://news.example/admin/media?csrf=0123abcd", .user_agent = "UA"};
	struct buf b = BUF_INIT;
	accesslog_format(&b, &e);
	assert_string_equal(buf_cstr(&b), "10.0.0.1 - - [01/Jan/1970:00:00:00 +0000] \"POST /admin/media?csrf=redacted&x=1"
					  "&csrfx=2&a=csrf=3 HTTP/1.1\" 303 - \"https://news.example/admin/media?csrf=redacted\" \"UA\"\n");
	assert_null(strstr(buf_cstr(&b), "0123abcd"));
	buf_reset(&b);
	e.target = "/a?csrf=";
	e.referer = "/?";
	accesslog_format(&b, &e);
	assert_non_null(strstr(buf_cstr(&b), "\"POST /a?csrf=redacted HTTP/1.1\" 303 - \"/?\""));
	buf_free(&b);
}

/* slurp: the file's text (caller frees). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char data[65536];
	size_t n = fread(data, 1, sizeof data - 1, f);
	fclose(f);
	data[n] = '\0';
	return strdup(data);
}

static void test_writer_and_reopen(void **state)
{
	(void)state;
	char dir[] = "/tmp/bs-accesslog-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], moved[256];
	snprintf(path, sizeof path, "%s/access.log", dir);
	snprintf(moved, sizeof moved, "%s/access.log.1", dir);
	assert_false(accesslog_enabled());
	assert_int_equal(accesslog_open(path), 0);
	assert_true(accesslog_enabled());
	struct accesslog_entry e = {.client_ip = "127.0.0.1", .method = "GET", .target = "/one", .protocol = "HTTP/1.1",
				    .status = 200, .bytes = 1};
	accesslog_write(&e);
	/* logrotate: move the file, then ask for a reopen; the next line goes to a new file */
	for (int i = 0; i < 200; i++) { /* wait (up to 10 s) for the writer's periodic flush */
		FILE *f = fopen(path, "rb");
		long size = 0;
		if (f) {
			fseek(f, 0, SEEK_END);
			size = ftell(f);
			fclose(f);
		}
		if (size > 0)
			break;
		usleep(50000);
	}
	assert_int_equal(rename(path, moved), 0);
	accesslog_reopen();
	for (int i = 0; i < 200 && access(path, F_OK) != 0; i++)
		usleep(50000);
	e.target = "/two";
	accesslog_write(&e);
	accesslog_close();
	assert_false(accesslog_enabled());
	char *old = slurp(moved), *cur = slurp(path);
	assert_non_null(strstr(old, "\"GET /one HTTP/1.1\" 200 1 "));
	assert_null(strstr(old, "/two"));
	assert_non_null(strstr(cur, "\"GET /two HTTP/1.1\" 200 1 "));
	free(old);
	free(cur);
	unlink(path);
	unlink(moved);
	rmdir(dir);
	accesslog_write(&e); /* after close: a no-op, no crash */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_line),
		cmocka_unit_test(test_format_missing_and_hostile),
		cmocka_unit_test(test_format_redacts_csrf),
		cmocka_unit_test(test_writer_and_reopen),
	};
	return cmocka_run_group_tests_name("accesslog", tests, NULL, NULL);
}
