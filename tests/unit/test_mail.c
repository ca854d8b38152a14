/* test_mail.c - e-mail messages (mail.c) and their .eml files (mail_send.c): which addresses are taken and
 * in what form (quoted local parts, internationalised domains as A-labels, the RFC 5321 limits, header
 * injection), header values (encoded-words that decode back, never a split character, never a line
 * break), quoted-printable (line lengths, dots, trailing blanks, round trip), composed messages (CRLF
 * only, the List-Unsubscribe pair, the parts) and the atomic file writer. Python's email package reads the
 * composed messages in tests/http/mail.test.mjs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "mail.h"
#include "mail_send.h"

/* norm: mail_addr_normalise's answer for s, and its form in *out ("" on refusal). */
static int norm(struct arena *a, const char *s, const char **out)
{
	*out = "";
	return mail_addr_normalise(a, s, out);
}

static void test_addresses(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	const char *o;
	assert_int_equal(norm(&a, "  Reader@Example.COM ", &o), MAIL_ADDR_OK);
	assert_string_equal(o, "Reader@example.com"); /* the local part as typed, the domain lower-cased */
	assert_int_equal(norm(&a, "first.last+news@sub.example.org", &o), MAIL_ADDR_OK);
	assert_int_equal(norm(&a, "\"john doe\"@example.com", &o), MAIL_ADDR_OK);
	assert_string_equal(o, "\"john doe\"@example.com");
	assert_int_equal(norm(&a, "\"a@b\"@example.com", &o), MAIL_ADDR_OK); /* '@' inside quotes */
	assert_int_equal(norm(&a, "\"a\\\"b\"@example.com", &o), MAIL_ADDR_OK);
	assert_int_equal(norm(&a, "reader@bücher.example", &o), MAIL_ADDR_OK);
	assert_string_equal(o, "reader@xn--bcher-kva.example");
	assert_int_equal(norm(&a, "qari@مثال.اختبار", &o), MAIL_ADDR_OK);
	assert_string_equal(o, "qari@xn--mgbh0fb.xn--mgbachtv"); /* as Python's idna codec writes it */
	/* refusals */
	assert_int_equal(norm(&a, "", &o), MAIL_ADDR_EMPTY);
	assert_int_equal(norm(&a, "   ", &o), MAIL_ADDR_EMPTY);
	assert_int_equal(norm(&a, NULL, &o), MAIL_ADDR_EMPTY);
	assert_string_equal(o, "");
	assert_int_equal(norm(&a, "victim@example.com\r\nBcc: all@example.com", &o), MAIL_ADDR_CONTROL);
	assert_int_equal(norm(&a, "victim@example.com\nBcc:x@example.com", &o), MAIL_ADDR_CONTROL);
	assert_int_equal(norm(&a, "a\tb@example.com", &o), MAIL_ADDR_CONTROL);
	assert_int_equal(norm(&a, "no-at-sign", &o), MAIL_ADDR_SYNTAX);
	assert_int_equal(norm(&a, "a@b@example.com", &o), MAIL_ADDR_SYNTAX);
	assert_int_equal(norm(&a, ".a@example.com", &o), MAIL_ADDR_SYNTAX);
	assert_int_equal(norm(&a, "a..b@example.com", &o), MAIL_ADDR_SYNTAX);
	assert_int_equal(norm(&a, "a.@example.com", &o), MAIL_ADDR_SYNTAX);
	assert_int_equal(norm(&a, "a b@example.com", &o), MAIL_ADDR_SYNTAX);
	assert_int_equal(norm(&a, "<a@example.com>", &o), MAIL_ADDR_SYNTAX);
	assert_int_equal(norm(&a, "\"unclosed@example.com", &o), MAIL_ADDR_SYNTAX);
	assert_int_equal(norm(&a, "قارئ@example.com", &o), MAIL_ADDR_UTF8);
	assert_int_equal(norm(&a, "a@localhost", &o), MAIL_ADDR_DOMAIN);
	assert_int_equal(norm(&a, "a@example..com", &o), MAIL_ADDR_DOMAIN);
	assert_int_equal(norm(&a, "a@-example.com", &o), MAIL_ADDR_DOMAIN);
	assert_int_equal(norm(&a, "a@example-.com", &o), MAIL_ADDR_DOMAIN);
	assert_int_equal(norm(&a, "a@1.2.3.4", &o), MAIL_ADDR_DOMAIN);
	assert_int_equal(norm(&a, "a@[127.0.0.1]", &o), MAIL_ADDR_DOMAIN);
	assert_int_equal(norm(&a, "a@exa_mple.com", &o), MAIL_ADDR_DOMAIN);
	/* limits: 64 octets of local part, 63 of a label, 254 in all */
	char big[1100];
	memset(big, 'x', 64);
	strcpy(big + 64, "@example.com");
	assert_int_equal(norm(&a, big, &o), MAIL_ADDR_OK);
	memset(big, 'x', 65);
	strcpy(big + 65, "@example.com");
	assert_int_equal(norm(&a, big, &o), MAIL_ADDR_LONG);
	strcpy(big, "a@");
	memset(big + 2, 'y', 64);
	strcpy(big + 66, ".com");
	assert_int_equal(norm(&a, big, &o), MAIL_ADDR_DOMAIN);
	/* 1,000 characters: refused as too long before anything else looks at it */
	memset(big, 'z', 1000);
	big[500] = '@';
	strcpy(big + 1000, ".com");
	assert_int_equal(norm(&a, big, &o), MAIL_ADDR_LONG);
	/* 255 characters of labels that are each fine */
	size_t n = 0;
	n += (size_t)sprintf(big, "abc@");
	while (n < 250)
		n += (size_t)sprintf(big + n, "label%02zu.", n % 100);
	strcpy(big + n, "com");
	assert_int_equal(norm(&a, big, &o), MAIL_ADDR_LONG);
	assert_non_null(mail_addr_problem(MAIL_ADDR_CONTROL));
	assert_null(mail_addr_problem(MAIL_ADDR_OK));
	arena_free(&a);
}

/* decode_words: the text of value's encoded-words (each =?UTF-8?B?..?=, separated by CRLF SP), checking
 * each word's length; into out. */
static void decode_words(const char *value, char *out, size_t cap)
{
	size_t used = 0;
	const char *p = value;
	while (*p) {
		assert_memory_equal(p, "=?UTF-8?B?", 10);
		const char *end = strstr(p + 10, "?=");
		assert_non_null(end);
		assert_true(end + 2 - p <= 75);
		size_t got = 0;
		assert_int_equal(sodium_base642bin((unsigned char *)out + used, cap - used, p + 10, (size_t)(end - p - 10), NULL,
						   &got, NULL, sodium_base64_VARIANT_ORIGINAL),
				 0);
		used += got;
		p = end + 2;
		if (*p) {
			assert_memory_equal(p, "\r\n ", 3);
			p += 3;
		}
	}
	out[used] = '\0';
}

/* check_lines: every CRLF-separated line of s is at most max characters. */
static void check_lines(const char *s, size_t max)
{
	for (const char *line = s;;) {
		const char *eol = strstr(line, "\r\n");
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		if (n > max)
			fail_msg("a line of %zu characters: %.*s", n, (int)n, line);
		if (!eol)
			break;
		line = eol + 2;
	}
}

static void test_header_values(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	assert_string_equal(mail_header_value(&a, "Subject", "Morning briefing"), "Morning briefing");
	const char *ar = "النشرة الصباحية: أبرز أخبار اليوم من القاهرة وبيروت والرياض ودبي";
	const char *v = mail_header_value(&a, "Subject", ar);
	char back[512];
	decode_words(v, back, sizeof back);
	assert_string_equal(back, ar); /* words never split a character, so they join back to the text */
	check_lines(arena_printf(&a, "Subject: %s", v), 76);
	v = mail_header_value(&a, "List-Unsubscribe-Something-Long", ar);
	check_lines(arena_printf(&a, "List-Unsubscribe-Something-Long: %s", v), 76);
	decode_words(v, back, sizeof back);
	assert_string_equal(back, ar);
	assert_non_null(strstr(v, "\r\n "));
	/* "=?" in plain text would be read as a word: encoded */
	v = mail_header_value(&a, "Subject", "a =?x?= b");
	decode_words(v, back, sizeof back);
	assert_string_equal(back, "a =?x?= b");
	/* a long ASCII line is folded through words rather than passing 78 characters */
	char longs[300];
	memset(longs, 'w', 200);
	longs[200] = '\0';
	v = mail_header_value(&a, "Subject", longs);
	decode_words(v, back, sizeof back);
	assert_string_equal(back, longs);
	/* injection and bad text */
	assert_null(mail_header_value(&a, "Subject", "Hello\r\nBcc: all@example.com"));
	assert_null(mail_header_value(&a, "Subject", "Hello\nX: y"));
	assert_null(mail_header_value(&a, "Subject", "bad \xff utf-8"));
	arena_free(&a);
}

/* qp_decode: quoted-printable back to text (LF line ends), checking every line's length. */
static void qp_decode(const char *qp, char *out)
{
	const char *line = qp;
	while (*line) {
		const char *eol = strstr(line, "\r\n");
		assert_non_null(eol);
		assert_true(eol - line <= 76);
		assert_false(line[0] == '.');
		line = eol + 2;
	}
	char *o = out;
	for (const char *p = qp; *p;) {
		if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
			p += 3;
		} else if (p[0] == '=') {
			unsigned v;
			assert_int_equal(sscanf(p + 1, "%2X", &v), 1);
			*o++ = (char)v;
			p += 3;
		} else if (p[0] == '\r' && p[1] == '\n') {
			*o++ = '\n';
			p += 2;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
}

static void test_quoted_printable(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	char back[4096];
	const char *texts[] = {
		"plain line\n",
		".\n.. leading dots\n",
		"trailing blank \nand tab\t\n",
		"a = b\n",
		"كتب مراسلنا من بيروت أن الاجتماع انتهى قبل منتصف الليل بقليل، وأن البيان سيصدر صباحاً.\n",
		"CRLF line\r\nends\r\n",
	};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		char *q = mail_qp(&a, texts[i]);
		char want[1024];
		size_t w = 0;
		for (const char *p = texts[i]; *p; p++)
			if (!(*p == '\r' && p[1] == '\n'))
				want[w++] = *p;
		want[w] = '\0';
		/* every line of the encoding ends in CRLF: the texts end in a line end */
		qp_decode(q, back);
		assert_string_equal(back, want);
	}
	char longline[2000];
	memset(longline, 'q', 1500);
	strcpy(longline + 1500, "\n");
	qp_decode(mail_qp(&a, longline), back);
	assert_string_equal(back, longline);
	assert_string_equal(mail_qp(&a, "x \n"), "x=20\r\n");
	assert_string_equal(mail_qp(&a, ".\n"), "=2E\r\n");
	arena_free(&a);
}

static const struct mail_message base = {
	.from_name = "The Daily Broadsheet",
	.from_addr = "news@example.org",
	.to_addr = "reader@example.com",
	.subject = "Morning briefing",
	.text = "Hello\n",
	.html = "<p>Hello</p>\n",
	.lang = "en",
	.list_id = "Daily digest <daily.en.example.org>",
	.unsubscribe_url = "https://example.org/newsletter/u/abc",
	.one_click = 1,
	.message_id = "<1.2@example.org>",
	.date = 1700000000,
};

static void test_compose(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	size_t len = 0;
	char *m = mail_compose(&a, &base, &len);
	assert_non_null(m);
	assert_int_equal(len, strlen(m));
	for (char *p = m; *p; p++) /* CRLF only */
		if (*p == '\n')
			assert_true(p > m && p[-1] == '\r');
	assert_non_null(strstr(m, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"));
	assert_non_null(strstr(m, "From: \"The Daily Broadsheet\" <news@example.org>\r\n"));
	assert_non_null(strstr(m, "To: reader@example.com\r\n"));
	assert_non_null(strstr(m, "List-Unsubscribe: <https://example.org/newsletter/u/abc>\r\n"));
	assert_non_null(strstr(m, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	assert_non_null(strstr(m, "Content-Type: multipart/alternative; boundary=\"=_bs_"));
	const char *text = strstr(m, "text/plain"), *html = strstr(m, "text/html");
	assert_true(text && html && text < html); /* the plain part first: the last is the preferred one */
	/* an Arabic sender's name and subject are encoded-words */
	struct mail_message ar = base;
	ar.from_name = "الصحيفة";
	ar.subject = "النشرة الصباحية";
	ar.html = NULL;
	ar.one_click = 0;
	m = mail_compose(&a, &ar, &len);
	assert_non_null(strstr(m, "From: =?UTF-8?B?"));
	check_lines(m, 78);
	ar.from_name = "مؤسسة الصحيفة اليومية للنشر والتوزيع والإعلام الرقمي في الشرق الأوسط";
	ar.from_addr = "newsletters-and-breaking-alerts@mail.news.example.org";
	m = mail_compose(&a, &ar, &len);
	assert_non_null(m);
	check_lines(m, 78);
	assert_non_null(strstr(m, "Subject: =?UTF-8?B?"));
	assert_null(strstr(m, "multipart"));
	assert_null(strstr(m, "List-Unsubscribe-Post"));
	/* nothing composed when any value would break out of its header */
	struct mail_message bad = base;
	bad.subject = "Hi\r\nBcc: everyone@example.com";
	assert_null(mail_compose(&a, &bad, &len));
	bad = base;
	bad.from_name = "Name\nX-Evil: 1";
	assert_null(mail_compose(&a, &bad, &len));
	bad = base;
	bad.to_addr = "a@example.com>\r\nBcc: b@example.com";
	assert_null(mail_compose(&a, &bad, &len));
	bad = base;
	bad.unsubscribe_url = "https://x/\r\nBcc: c@example.com";
	assert_null(mail_compose(&a, &bad, &len));
	bad = base;
	bad.message_id = NULL;
	assert_null(mail_compose(&a, &bad, &len));
	arena_free(&a);
}

static void test_eml_files(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_mail.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char sub[512];
	snprintf(sub, sizeof sub, "%s/mail", dir);
	struct mail_relay r = {.eml_dir = sub};
	char err[256];
	assert_int_equal(mail_send(&r, "news@example.org", "reader@example.com", "q-1", "Subject: x\r\n\r\nhi\r\n", 19, err,
				   sizeof err),
			 MAIL_SENT);
	assert_int_equal(mail_send(&r, "news@example.org", "reader@example.com", "q-1", "Subject: y\r\n\r\nhi\r\n", 19, err,
				   sizeof err),
			 MAIL_SENT); /* the same name: the retry replaces its own file */
	char path[600], got[64] = "";
	snprintf(path, sizeof path, "%s/q-1.eml", sub);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(got, 1, sizeof got - 1, f);
	fclose(f);
	got[n] = '\0';
	assert_string_equal(got, "Subject: y\r\n\r\nhi\r\n");
	snprintf(path, sizeof path, "%s/.q-1.tmp", sub);
	assert_int_not_equal(access(path, F_OK), 0); /* no temporary file left behind */
	assert_int_equal(mail_write_eml(sub, "../escape", "x", 1), -1);
	assert_int_equal(mail_write_eml(sub, ".hidden", "x", 1), -1);
	assert_int_equal(mail_write_eml(sub, "", "x", 1), -1);
	/* an envelope address with a line break is refused before anything is sent */
	assert_int_equal(mail_send(&r, "news@example.org", "a@example.com\r\nRCPT TO:<b@example.com>", "q-2", "x", 1, err,
				   sizeof err),
			 MAIL_PERMFAIL);
	snprintf(path, sizeof path, "%s/q-1.eml", sub);
	unlink(path);
	rmdir(sub);
	rmdir(dir);
}

/* a relay that is not there: the attempt is a temporary failure with a reason */
static void test_relay_unreachable(void **state)
{
	(void)state;
	struct mail_relay r = {.url = "smtp://127.0.0.1:1", .starttls = 0, .connect_timeout = 2, .timeout = 5};
	char err[256];
	assert_int_equal(mail_send(&r, "news@example.org", "reader@example.com", "q", "Subject: x\r\n\r\nhi\r\n", 19, err,
				   sizeof err),
			 MAIL_TEMPFAIL);
	assert_true(strlen(err) > 0);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses),	  cmocka_unit_test(test_header_values),
		cmocka_unit_test(test_quoted_printable), cmocka_unit_test(test_compose),
		cmocka_unit_test(test_eml_files),	  cmocka_unit_test(test_relay_unreachable),
	};
	return cmocka_run_group_tests_name("mail", tests, NULL, NULL);
}
