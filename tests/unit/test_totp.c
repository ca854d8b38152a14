/* test_totp.c - one-time passwords against RFC 4226's and RFC 6238's test vectors and against codes made
 * by oathtool (recorded below, and made afresh by the oathtool on PATH for random secrets when it is
 * installed); base32 against RFC 4648's vectors; the accepted window, replays, the enrolment address, the
 * QR drawing, sealed secrets and recovery codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "totp.h"

/* RFC 6238's SHA-1 seed: the ASCII digits "1234567890" twice */
static const unsigned char rfc_key[] = "12345678901234567890";

static void test_rfc4226_hotp(void **state)
{
	(void)state;
	static const int64_t want[] = {755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489};
	for (uint64_t c = 0; c < 10; c++)
		assert_int_equal(totp_hotp(rfc_key, 20, c, 6), want[c]);
	assert_int_equal(totp_hotp(rfc_key, 20, 0, 5), -1); /* digits out of range */
	assert_int_equal(totp_hotp(rfc_key, 20, 0, 9), -1);
}

static void test_rfc6238_sha1(void **state)
{
	(void)state;
	/* RFC 6238 appendix B, the SHA1 column: time, 8-digit TOTP */
	static const struct {
		int64_t t, code;
	} v[] = {{59, 94287082},		 {1111111109, 7081804},	 {1111111111, 14050471},
		 {1234567890, 89005924}, {2000000000, 69279037}, {20000000000, 65353130}};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		assert_int_equal(totp_hotp(rfc_key, 20, (uint64_t)totp_step(v[i].t), 8), v[i].code);
		/* and its last six digits as the 6-digit code */
		assert_int_equal(totp_hotp(rfc_key, 20, (uint64_t)totp_step(v[i].t), 6), v[i].code % 1000000);
	}
	assert_int_equal(totp_step(59), 1);
	assert_int_equal(totp_step(-5), 0);
}

static void test_base32(void **state)
{
	(void)state;
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const coded[] = {"", "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI"};
	char out[64];
	unsigned char raw[64];
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(totp_base32_encode((const unsigned char *)plain[i], strlen(plain[i]), out, sizeof out),
				 (int)strlen(coded[i]));
		assert_string_equal(out, coded[i]);
		int n = totp_base32_decode(coded[i], raw, sizeof raw);
		assert_int_equal(n, (int)strlen(plain[i]));
		assert_memory_equal(raw, plain[i], (size_t)n);
	}
	/* padding, lower case and the spaces an app shows are accepted */
	assert_int_equal(totp_base32_decode("MZXW6YTBOI======", raw, sizeof raw), 6);
	assert_int_equal(totp_base32_decode("mzxw 6ytb oi", raw, sizeof raw), 6);
	assert_memory_equal(raw, "foobar", 6);
	/* not base32: a digit outside 2-7, a letter after the padding, a lone character, stray bits */
	assert_int_equal(totp_base32_decode("MZXW1", raw, sizeof raw), -1);
	assert_int_equal(totp_base32_decode("MY==MY", raw, sizeof raw), -1);
	assert_int_equal(totp_base32_decode("M", raw, sizeof raw), -1);
	assert_int_equal(totp_base32_decode("MZ", raw, sizeof raw), -1);
	assert_int_equal(totp_base32_decode("MZXW6YTBOI", raw, 3), -1);  /* no room */
	assert_int_equal(totp_base32_encode((const unsigned char *)"foo", 3, out, 5), -1); /* no room */
}

/* The demo secret of many authenticator guides, and codes `oathtool --totp -b SECRET --now TIME` gave. */
#define GUIDE_SECRET "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

static void test_oathtool_recorded(void **state)
{
	(void)state;
	static const struct {
		int64_t t;
		const char *code;
	} v[] = {{1796515200, "277273"}, /* 2026-12-06 00:00:00 UTC */
		 {1000000000, "832818"}, /* 2001-09-09 01:46:40 UTC */
		 {2000000000, "978524"}};
	unsigned char key[32];
	int n = totp_base32_decode(GUIDE_SECRET, key, sizeof key);
	assert_int_equal(n, 20);
	for (size_t i = 0; i < 3; i++) {
		int64_t step = 0;
		assert_int_equal(totp_check(key, 20, v[i].code, v[i].t, 0, &step), TOTP_OK);
		assert_int_equal(step, totp_step(v[i].t));
	}
	/* oathtool --window=2 at 2026-12-06 00:00:00 UTC: the codes of that step and the next two */
	int64_t step = 0, t = 1796515200;
	assert_int_equal(totp_check(key, 20, "224671", t, 0, &step), TOTP_OK); /* one step ahead: a fast phone */
	assert_int_equal(step, totp_step(t) + 1);
	assert_int_equal(totp_check(key, 20, "697111", t, 0, &step), TOTP_WRONG); /* two steps ahead */
}

/* oathtool_code: the code `oathtool --totp -b secret --now @t` prints, into out (7 bytes); 0, or -1 when
 * oathtool cannot be run. */
static int oathtool_code(const char *secret, int64_t t, char *out)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "oathtool --totp -b %s --now @%lld 2>/dev/null", secret, (long long)t);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	int ok = fgets(out, 7, p) != NULL;
	return pclose(p) == 0 && ok && strlen(out) == 6 ? 0 : -1;
}

static void test_oathtool_live(void **state)
{
	(void)state;
	char probe[8];
	if (oathtool_code(GUIDE_SECRET, 1796515200, probe) < 0)
		skip(); /* no oathtool: the recorded codes above still hold */
	assert_string_equal(probe, "277273");
	for (int i = 0; i < 20; i++) {
		char secret[TOTP_SECRET_B32], code[8];
		unsigned char key[32];
		totp_secret_new(secret);
		assert_int_equal(strlen(secret), 32);
		assert_int_equal(totp_base32_decode(secret, key, sizeof key), TOTP_SECRET_BYTES);
		int64_t t = 1700000000 + (int64_t)i * 7919 * 31, step = 0;
		assert_int_equal(oathtool_code(secret, t, code), 0);
		assert_int_equal(totp_check(key, TOTP_SECRET_BYTES, code, t, 0, &step), TOTP_OK);
		assert_int_equal(step, totp_step(t));
		assert_int_equal(totp_hotp(key, TOTP_SECRET_BYTES, (uint64_t)step, 6), atoll(code));
	}
}

static void test_window_and_replay(void **state)
{
	(void)state;
	int64_t t = 1111111111, at = totp_step(t), step = 0;
	char code[8];
	for (int d = -3; d <= 3; d++) {
		snprintf(code, sizeof code, "%06lld", (long long)totp_hotp(rfc_key, 20, (uint64_t)(at + d), 6));
		enum totp_result r = totp_check(rfc_key, 20, code, t, 0, &step);
		if (d >= -TOTP_SKEW && d <= TOTP_SKEW) {
			assert_int_equal(r, TOTP_OK);
			assert_int_equal(step, at + d);
		} else {
			assert_int_equal(r, TOTP_WRONG);
		}
	}
	snprintf(code, sizeof code, "%06lld", (long long)totp_hotp(rfc_key, 20, (uint64_t)at, 6));
	/* used once (last_step = its step): refused as a replay, as is any older step's code */
	assert_int_equal(totp_check(rfc_key, 20, code, t, at, &step), TOTP_REPLAYED);
	assert_int_equal(totp_check(rfc_key, 20, code, t, at + 1, &step), TOTP_REPLAYED);
	assert_int_equal(totp_check(rfc_key, 20, code, t, at - 1, &step), TOTP_OK);
	/* spaces are ignored; anything but six digits is wrong */
	char spaced[10];
	snprintf(spaced, sizeof spaced, " %.3s %.3s ", code, code + 3);
	assert_int_equal(totp_check(rfc_key, 20, spaced, t, 0, &step), TOTP_OK);
	static const char *const bad[] = {"", "12345", "1234567", "abcdef", "12 34 5", "-12345", "１２３４５６"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(totp_check(rfc_key, 20, bad[i], t, 0, &step), TOTP_WRONG);
	assert_int_equal(totp_check(rfc_key, 20, NULL, t, 0, &step), TOTP_WRONG);
}

static void test_uri(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	totp_uri(&b, "Broadsheet", "rana.haddad", GUIDE_SECRET);
	assert_string_equal(buf_cstr(&b), "otpauth://totp/Broadsheet:rana.haddad?secret=" GUIDE_SECRET
					  "&issuer=Broadsheet&algorithm=SHA1&digits=6&period=30");
	buf_reset(&b);
	/* the issuer and account are escaped: no ':' or '&' or '?' of theirs survives, UTF-8 is percent-encoded */
	totp_uri(&b, "News & Views: A?B", "ed", "AB");
	assert_string_equal(buf_cstr(&b), "otpauth://totp/News%20%26%20Views%3A%20A%3FB:ed?secret=AB"
					  "&issuer=News%20%26%20Views%3A%20A%3FB&algorithm=SHA1&digits=6&period=30");
	buf_reset(&b);
	totp_uri(&b, "الصحيفة", "muharrir", "AB");
	assert_non_null(strstr(buf_cstr(&b), "otpauth://totp/%D8%A7%D9%84%D8%B5"));
	buf_free(&b);
}

static void test_qr_svg(void **state)
{
	(void)state;
	struct buf a = BUF_INIT, b = BUF_INIT;
	const char *uri = "otpauth://totp/Broadsheet:ed?secret=" GUIDE_SECRET "&issuer=Broadsheet";
	assert_int_equal(totp_qr_svg(&a, uri), 0);
	assert_int_equal(totp_qr_svg(&b, uri), 0);
	const char *s = buf_cstr(&a);
	assert_string_equal(s, buf_cstr(&b)); /* the same text, the same drawing */
	assert_true(strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 ", 64) == 0);
	assert_non_null(strstr(s, "aria-hidden=\"true\""));
	assert_true(strcmp(s + a.len - 9, "\"/></svg>") == 0);
	/* a QR code's side is 17 + 4 * version modules, plus the quiet zone of 4 on each side */
	int side = 0;
	assert_int_equal(sscanf(s + 64, "%d", &side), 1);
	assert_int_equal((side - 8 - 17) % 4, 0);
	assert_true(side > 8 + 17);
	/* the three finder patterns: a 7-module run at the top-left corner's first row */
	assert_non_null(strstr(s, "M4 4h7v1h-7z"));
	/* the drawing read back into modules shows a QR code's fixed patterns where they belong (so it is
	 * neither shifted, mirrored nor transposed): the three finder patterns, the timing patterns on row
	 * and column 6, and the dark module beside the bottom-left finder */
	int w = side - 8;
	static unsigned char grid[200][200];
	memset(grid, 0, sizeof grid);
	for (const char *p = strstr(s, " d=\"") + 4; *p == 'M';) {
		int x, y, run, run2, used = 0;
		assert_int_equal(sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &run2, &used), 4);
		assert_int_equal(run, run2);
		for (int k = 0; k < run; k++)
			grid[y - 4][x - 4 + k] = 1;
		p += used;
	}
	static const int corners[3][2] = {{0, 0}, {0, 1}, {1, 0}}; /* top-left, top-right, bottom-left */
	for (int c = 0; c < 3; c++) {
		int oy = corners[c][0] ? w - 7 : 0, ox = corners[c][1] ? w - 7 : 0;
		for (int y = 0; y < 7; y++)
			for (int x = 0; x < 7; x++) {
				int ring = y == 0 || y == 6 || x == 0 || x == 6, centre = y >= 2 && y <= 4 && x >= 2 && x <= 4;
				assert_int_equal(grid[oy + y][ox + x], ring || centre);
			}
	}
	for (int i = 8; i < w - 8; i++) {
		assert_int_equal(grid[6][i], i % 2 == 0);
		assert_int_equal(grid[i][6], i % 2 == 0);
	}
	assert_int_equal(grid[w - 8][8], 1);
	/* nothing of the text is in the markup: only numbers */
	assert_null(strstr(s, "secret"));
	buf_reset(&a);
	char *huge = malloc(8000);
	memset(huge, 'x', 7999);
	huge[7999] = '\0';
	assert_int_equal(totp_qr_svg(&a, huge), -1); /* more than a QR code holds */
	free(huge);
	buf_free(&a);
	buf_free(&b);
}

static void test_seal(void **state)
{
	(void)state;
	unsigned char site[32] = {1, 2, 3}, other[32] = {9};
	char sealed[TOTP_SEALED_MAX], again[TOTP_SEALED_MAX], out[TOTP_SECRET_B32];
	assert_int_equal(totp_seal(site, 12, GUIDE_SECRET, sealed), 0);
	assert_int_equal(totp_seal(site, 12, GUIDE_SECRET, again), 0);
	assert_string_not_equal(sealed, again); /* a fresh nonce each time */
	assert_null(strstr(sealed, GUIDE_SECRET));
	assert_int_equal(totp_open(site, 12, sealed, out), 0);
	assert_string_equal(out, GUIDE_SECRET);
	assert_int_equal(totp_open(site, 12, again, out), 0);
	assert_string_equal(out, GUIDE_SECRET);
	assert_int_equal(totp_open(site, 13, sealed, out), -1);  /* copied to another account's row */
	assert_int_equal(totp_open(other, 12, sealed, out), -1); /* another site secret */
	sealed[60] = sealed[60] == '0' ? '1' : '0';
	assert_int_equal(totp_open(site, 12, sealed, out), -1); /* altered */
	assert_int_equal(totp_open(site, 12, "zz", out), -1);
	assert_int_equal(totp_open(site, 12, "", out), -1);
	assert_int_equal(totp_open(site, 12, NULL, out), -1);
	char toolong[80];
	memset(toolong, 'A', 40);
	toolong[40] = '\0';
	assert_int_equal(totp_seal(site, 12, toolong, sealed), -1);
}

static void test_recovery_codes(void **state)
{
	(void)state;
	char code[TOTP_RECOVERY_LEN + 1], norm[TOTP_RECOVERY_LEN], seen[20][TOTP_RECOVERY_LEN + 1];
	for (int i = 0; i < 20; i++) {
		totp_recovery_new(code);
		assert_int_equal(strlen(code), TOTP_RECOVERY_LEN);
		assert_int_equal(code[5], '-');
		assert_int_equal(strcspn(code, "01ilo"), TOTP_RECOVERY_LEN); /* no look-alikes */
		assert_int_equal(totp_recovery_normalize(code, norm), 0);
		assert_int_equal(strlen(norm), 10);
		assert_memory_equal(norm, code, 5);
		assert_memory_equal(norm + 5, code + 6, 5);
		for (int k = 0; k < i; k++)
			assert_string_not_equal(seen[k], code);
		memcpy(seen[i], code, sizeof code);
	}
	assert_int_equal(totp_recovery_normalize(" AB2CD 3EF4G ", norm), 0);
	assert_string_equal(norm, "ab2cd3ef4g");
	assert_int_equal(totp_recovery_normalize("ab2cd-3ef4", norm), -1);   /* too short */
	assert_int_equal(totp_recovery_normalize("ab2cd-3ef4gh", norm), -1); /* too long */
	assert_int_equal(totp_recovery_normalize("ab0cd-3ef4g", norm), -1);  /* not in the alphabet */
	assert_int_equal(totp_recovery_normalize("123456", norm), -1);       /* a TOTP code */
	assert_int_equal(totp_recovery_normalize(NULL, norm), -1);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4226_hotp),	cmocka_unit_test(test_rfc6238_sha1),
		cmocka_unit_test(test_base32),		cmocka_unit_test(test_oathtool_recorded),
		cmocka_unit_test(test_oathtool_live),	cmocka_unit_test(test_window_and_replay),
		cmocka_unit_test(test_uri),		cmocka_unit_test(test_qr_svg),
		cmocka_unit_test(test_seal),		cmocka_unit_test(test_recovery_codes),
	};
	return cmocka_run_group_tests_name("totp", tests, NULL, NULL);
}
