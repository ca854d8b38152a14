/* totp.c - one-time passwords, their secrets, enrolment address and QR code (see totp.h). */
#include "totp.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int totp_base32_encode(const unsigned char *in, size_t n, char *out, size_t cap)
{
	size_t need = (n * 8 + 4) / 5;
	if (cap < need + 1)
		return -1;
	size_t o = 0;
	unsigned buffer = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		buffer = (buffer << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = b32_alphabet[(buffer >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = b32_alphabet[(buffer << (5 - bits)) & 31];
	out[o] = '\0';
	return (int)o;
}

/* b32_value: the value of base32 character c (either case), or -1. */
static int b32_value(char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

int totp_base32_decode(const char *s, unsigned char *out, size_t cap)
{
	size_t o = 0;
	unsigned buffer = 0;
	int bits = 0, padded = 0;
	for (; *s; s++) {
		if (*s == ' ' || *s == '-')
			continue;
		if (*s == '=') {
			padded = 1;
			continue;
		}
		int v = b32_value(*s);
		if (v < 0 || padded) /* a letter after the padding is not base32 */
			return -1;
		buffer = ((buffer << 5) | (unsigned)v) & 0xffff;
		bits += 5;
		if (bits >= 8) {
			if (o >= cap)
				return -1;
			out[o++] = (unsigned char)(buffer >> (bits - 8));
			bits -= 8;
		}
	}
	if (bits >= 5 || (buffer & ((1u << bits) - 1)) != 0) /* a whole unused character, or stray bits */
		return -1;
	return (int)o;
}

int64_t totp_hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits)
{
	unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
	size_t maclen = 0;
	for (int i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(counter & 0xff);
		counter >>= 8;
	}
	if (digits < 6 || digits > 8 ||
	    !EVP_Q_mac(NULL, "HMAC", NULL, "SHA1", NULL, key, keylen, msg, sizeof msg, mac, sizeof mac, &maclen) ||
	    maclen != 20)
		return -1;
	int off = mac[19] & 0x0f;
	uint32_t bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
		       ((uint32_t)mac[off + 2] << 8) | (uint32_t)mac[off + 3];
	uint32_t mod = 1;
	for (int i = 0; i < digits; i++)
		mod *= 10;
	return (int64_t)(bin % mod);
}

int64_t totp_step(int64_t now)
{
	return now > 0 ? now / TOTP_STEP : 0;
}

/* code_value: the 6-digit code typed (spaces ignored) as a number, or -1 when it is not 6 digits. */
static int64_t code_value(const char *code)
{
	int64_t v = 0;
	int n = 0;
	for (const char *p = code ? code : ""; *p; p++) {
		if (*p == ' ')
			continue;
		if (*p < '0' || *p > '9' || ++n > TOTP_DIGITS)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return n == TOTP_DIGITS ? v : -1;
}

enum totp_result totp_check(const unsigned char *key, size_t keylen, const char *code, int64_t now, int64_t last_step,
			    int64_t *step)
{
	int64_t want = code_value(code), found = -1;
	int replayed = 0;
	int64_t at = totp_step(now);
	for (int64_t s = at - TOTP_SKEW; s <= at + TOTP_SKEW; s++) {
		if (s < 0)
			continue;
		int64_t v = totp_hotp(key, keylen, (uint64_t)s, TOTP_DIGITS); /* every step computed: same work */
		if (want < 0 || v < 0 || v != want)
			continue;
		if (s <= last_step)
			replayed = 1;
		else
			found = s; /* the newest matching step wins */
	}
	if (found >= 0) {
		*step = found;
		return TOTP_OK;
	}
	return replayed ? TOTP_REPLAYED : TOTP_WRONG;
}

void totp_uri(struct buf *b, const char *issuer, const char *account, const char *secret_b32)
{
	buf_lit(b, "otpauth://totp/");
	buf_url(b, issuer, strlen(issuer));
	buf_lit(b, ":");
	buf_url(b, account, strlen(account));
	buf_lit(b, "?secret=");
	buf_url(b, secret_b32, strlen(secret_b32));
	buf_lit(b, "&issuer=");
	buf_url(b, issuer, strlen(issuer));
	buf_printf(b, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_STEP);
}

/* The QR drawing: a quiet zone of QR_QUIET modules around the code, each module QR_PX pixels wide. */
#define QR_QUIET 4
#define QR_PX 5

int totp_qr_svg(struct buf *b, const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return -1;
	int w = qr->width, size = w + 2 * QR_QUIET;
	buf_printf(b,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		   "height=\"%d\" aria-hidden=\"true\" shape-rendering=\"crispEdges\">"
		   "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		   size, size, size * QR_PX, size * QR_PX, size, size);
	for (int y = 0; y < w; y++) {
		for (int x = 0; x < w;) {
			if (!(qr->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < w && (qr->data[y * w + x + run] & 1))
				run++;
			buf_printf(b, "M%d %dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run, run);
			x += run;
		}
	}
	buf_lit(b, "\"/></svg>");
	QRcode_free(qr);
	return 0;
}

void totp_secret_new(char *out)
{
	unsigned char raw[TOTP_SECRET_BYTES];
	randombytes_buf(raw, sizeof raw);
	totp_base32_encode(raw, sizeof raw, out, TOTP_SECRET_B32);
	sodium_memzero(raw, sizeof raw);
}

/* seal_key: the secretbox key for user_id's secret: BLAKE2b keyed with the site secret over a purpose
 * and the account's id. */
static void seal_key(const unsigned char *site_secret, int64_t user_id, unsigned char *key)
{
	char msg[64];
	int n = snprintf(msg, sizeof msg, "broadsheet totp secret|%lld", (long long)user_id);
	crypto_generichash(key, crypto_secretbox_KEYBYTES, (const unsigned char *)msg, (size_t)n, site_secret, 32);
}

int totp_seal(const unsigned char *site_secret, int64_t user_id, const char *secret_b32, char *out)
{
	size_t n = strlen(secret_b32);
	unsigned char key[crypto_secretbox_KEYBYTES];
	unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + TOTP_SECRET_B32 - 1];
	if (n >= TOTP_SECRET_B32)
		return -1;
	seal_key(site_secret, user_id, key);
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)secret_b32, n, box, key);
	sodium_memzero(key, sizeof key);
	sodium_bin2hex(out, TOTP_SEALED_MAX, box, crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n);
	return 0;
}

int totp_open(const unsigned char *site_secret, int64_t user_id, const char *sealed, char *out)
{
	unsigned char key[crypto_secretbox_KEYBYTES];
	unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + TOTP_SECRET_B32 - 1];
	size_t len = 0;
	if (!sealed || sodium_hex2bin(box, sizeof box, sealed, strlen(sealed), NULL, &len, NULL) != 0 ||
	    len <= crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
		return -1;
	size_t n = len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES; /* at most TOTP_SECRET_B32 - 1: box's size */
	seal_key(site_secret, user_id, key);
	int rc = crypto_secretbox_open_easy((unsigned char *)out, box + crypto_secretbox_NONCEBYTES,
					    len - crypto_secretbox_NONCEBYTES, box, key);
	sodium_memzero(key, sizeof key);
	if (rc != 0)
		return -1;
	out[n] = '\0';
	return 0;
}

/* The recovery codes' letters: digits and lower-case letters without 0, 1, i, l and o (31), which are
 * easily misread on paper. */
static const char recovery_alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";

void totp_recovery_new(char *out)
{
	size_t k = 0;
	for (int i = 0; i < 10; i++) {
		if (i == 5)
			out[k++] = '-';
		out[k++] = recovery_alphabet[randombytes_uniform(sizeof recovery_alphabet - 1)];
	}
	out[k] = '\0';
}

int totp_recovery_normalize(const char *typed, char *out)
{
	size_t k = 0;
	for (const char *p = typed ? typed : ""; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		char c = (char)tolower((unsigned char)*p);
		if (k >= 10 || !strchr(recovery_alphabet, c) || c == '\0')
			return -1;
		out[k++] = c;
	}
	out[k] = '\0';
	return k == 10 ? 0 : -1;
}
