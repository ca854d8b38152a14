/* totp.h - time-based one-time passwords (RFC 6238 over RFC 4226's HOTP, HMAC-SHA1 from OpenSSL's
 * libcrypto, which libsodium lacks), their base32 secrets (RFC 4648), the otpauth:// enrolment address
 * and its QR code (libqrencode, drawn as inline SVG), the sealing of a stored secret (libsodium
 * secretbox under a key derived from the site secret) and the recovery codes' form. Pure: no store, no
 * request; the only state is the clock passed in. */
#ifndef BROADSHEET_TOTP_H
#define BROADSHEET_TOTP_H
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define TOTP_SECRET_BYTES 20 /* RFC 4226's recommended 160 bits */
#define TOTP_SECRET_B32 33   /* 20 bytes as 32 base32 characters + NUL (no padding needed) */
#define TOTP_STEP 30         /* seconds per time step */
#define TOTP_DIGITS 6
#define TOTP_SKEW 1 /* steps accepted either side of now (a clock a step fast or slow) */
#define TOTP_SEALED_MAX 160 /* hex of nonce + MAC + 32 characters, + NUL */
#define TOTP_RECOVERY_CODES 10
#define TOTP_RECOVERY_LEN 11 /* "xxxxx-xxxxx" */

/* totp_base32_encode: RFC 4648 base32 (upper case, no '=' padding) of in[0..n) into out, which has room
 * for cap bytes. Returns the length written (NUL-terminated), or -1 when cap is too small. */
int totp_base32_encode(const unsigned char *in, size_t n, char *out, size_t cap);

/* totp_base32_decode: decodes base32 text s (either case; spaces, hyphens and trailing '=' ignored)
 * into out (room for cap bytes). Returns the number of bytes, or -1 for a character outside the
 * alphabet, leftover bits that are not zero, or too little room. */
int totp_base32_decode(const char *s, unsigned char *out, size_t cap);

/* totp_hotp: RFC 4226's HOTP value of key[0..keylen) for counter, with digits digits (6 to 8):
 * HMAC-SHA1, dynamic truncation, modulo 10^digits. Returns the value, or -1 when libcrypto fails. */
int64_t totp_hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits);

/* totp_step: the time step of unix time now (now / TOTP_STEP; 0 before 1970). */
int64_t totp_step(int64_t now);

/* What totp_check found. */
enum totp_result {
	TOTP_OK,       /* the code is right for an allowed step newer than the last one used */
	TOTP_WRONG,    /* not a code of any allowed step (or not 6 digits) */
	TOTP_REPLAYED, /* right, but for a step at or before the last one accepted: already used */
};

/* totp_check: checks a 6-digit code (spaces ignored) against key for the steps within TOTP_SKEW of
 * now's, refusing steps at or before last_step (the newest step accepted before; 0 for none). On TOTP_OK
 * *step gets the step it matched (the caller stores it as the new last_step). Constant work whatever the
 * code. */
enum totp_result totp_check(const unsigned char *key, size_t keylen, const char *code, int64_t now, int64_t last_step,
			    int64_t *step);

/* totp_uri: appends the otpauth:// enrolment address (Key Uri Format) to b:
 * otpauth://totp/ISSUER:ACCOUNT?secret=B32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30, the label
 * and the issuer percent-encoded (UTF-8 byte by byte: an Arabic site name is kept). */
void totp_uri(struct buf *b, const char *issuer, const char *account, const char *secret_b32);

/* totp_qr_svg: appends to b an SVG drawing of text as a QR code (error correction M, 8-bit mode, a quiet
 * zone of 4 modules), one path of black squares on a white square; the <svg> is aria-hidden (the page
 * labels it). Only numbers come from the input, so the markup is safe to print as is. Returns 0, or -1
 * when libqrencode cannot encode it (too long, out of memory). */
int totp_qr_svg(struct buf *b, const char *text);

/* totp_secret_new: a fresh random secret: TOTP_SECRET_BYTES random bytes as base32 into out
 * (TOTP_SECRET_B32 bytes). */
void totp_secret_new(char *out);

/* totp_seal: what the store keeps of a base32 secret for account user_id: hex of a random nonce and
 * the secretbox of the secret under a key made from site_secret (32 bytes) and user_id, into out
 * (TOTP_SEALED_MAX bytes). A database dump alone does not give the secret away, and a sealed secret
 * copied to another account's row does not open there. Returns 0, or -1 when the secret is too long. */
int totp_seal(const unsigned char *site_secret, int64_t user_id, const char *secret_b32, char *out);

/* totp_open: the base32 secret sealed by totp_seal for user_id, into out (TOTP_SECRET_B32 bytes).
 * Returns 0, or -1 when sealed is malformed, was sealed for another account or site secret, or was
 * altered. */
int totp_open(const unsigned char *site_secret, int64_t user_id, const char *sealed, char *out);

/* totp_recovery_new: a fresh recovery code, "xxxxx-xxxxx" from a 31-letter alphabet without 0/o, 1/l/i
 * (about 49 bits), into out (TOTP_RECOVERY_LEN + 1 bytes). */
void totp_recovery_new(char *out);

/* totp_recovery_normalize: a typed recovery code as it is hashed and stored: lower case, spaces and
 * hyphens removed, into out (TOTP_RECOVERY_LEN bytes: 10 letters and NUL). Returns 0, or -1 when what is
 * left is not 10 characters of the alphabet. */
int totp_recovery_normalize(const char *typed, char *out);

#endif
