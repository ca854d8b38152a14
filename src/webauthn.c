/* webauthn.c - WebAuthn responses checked byte by byte (see webauthn.h): a bounded CBOR decoder,
 * authenticatorData, COSE keys, clientDataJSON, signatures (OpenSSL's libcrypto; Ed25519 with
 * libsodium). */
#include "webauthn.h"

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>
#include <string.h>

#include "catalog.h"
#include "escape.h"
#include "util.h"

/* ==== CBOR ==== */

/* The decoder's state: the input, where it is, the items so far and why it stopped. */
struct cbor_in {
	const uint8_t *p;
	size_t len, pos;
	struct webauthn_cbor *doc;
	const char *why;
};

/* cbor_fail: records why and returns -1. */
static int cbor_fail(struct cbor_in *in, const char *why)
{
	in->why = why;
	return -1;
}

/* cbor_head: reads an item's initial byte and argument: *major (0-7), *ai (the additional information)
 * and *arg (the argument for ai < 28). Returns 0, or -1 (cut short, reserved, indefinite length). */
static int cbor_head(struct cbor_in *in, int *major, int *ai, uint64_t *arg)
{
	if (in->pos >= in->len)
		return cbor_fail(in, N_("The passkey's data is cut short."));
	uint8_t b = in->p[in->pos++];
	*major = b >> 5;
	*ai = b & 31;
	if (*ai < 24) {
		*arg = (uint64_t)*ai;
		return 0;
	}
	if (*ai == 31)
		return cbor_fail(in, N_("The passkey's data uses an indefinite length, which is not accepted."));
	if (*ai > 27)
		return cbor_fail(in, N_("The passkey's data is malformed."));
	size_t nb = (size_t)1 << (*ai - 24);
	if (in->len - in->pos < nb)
		return cbor_fail(in, N_("The passkey's data is cut short."));
	uint64_t v = 0;
	for (size_t i = 0; i < nb; i++)
		v = v << 8 | in->p[in->pos++];
	*arg = v;
	return 0;
}

/* cbor_key_equal: whether the map keys a and b (integers or text) are the same key. */
static int cbor_key_equal(const struct webauthn_cbor_item *a, const struct webauthn_cbor_item *b)
{
	if (a->type != b->type)
		return 0;
	if (a->type == WEBAUTHN_CBOR_INT)
		return a->i == b->i;
	return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* cbor_map_keys_check: the keys of the map at index k are integers or text and none repeats. 0 or -1. */
static int cbor_map_keys_check(struct cbor_in *in, size_t k)
{
	const struct webauthn_cbor_item *it = in->doc->items;
	size_t key = k + 1;
	for (size_t i = 0; i < it[k].len; i++) {
		if (it[key].type != WEBAUTHN_CBOR_INT && it[key].type != WEBAUTHN_CBOR_TEXT)
			return cbor_fail(in, N_("The passkey's data has a map key that is neither a number nor text."));
		for (size_t other = k + 1; other != key; other = it[it[other].end].end)
			if (cbor_key_equal(&it[other], &it[key]))
				return cbor_fail(in, N_("The passkey's data repeats a map key."));
		key = it[it[key].end].end; /* past the value */
	}
	return 0;
}

/* cbor_simple: the item of major type 7 with additional information ai (false, true, null, undefined);
 * floats and other simple values are refused. 0 or -1. */
static int cbor_simple(struct cbor_in *in, struct webauthn_cbor_item *it, int ai)
{
	switch (ai) {
	case 20: it->type = WEBAUTHN_CBOR_FALSE; return 0;
	case 21: it->type = WEBAUTHN_CBOR_TRUE; return 0;
	case 22: it->type = WEBAUTHN_CBOR_NULL; return 0;
	case 23: it->type = WEBAUTHN_CBOR_UNDEFINED; return 0;
	default: return cbor_fail(in, N_("The passkey's data holds a floating-point or unknown simple value."));
	}
}

static int cbor_item(struct cbor_in *in, int depth);

/* cbor_children: the len elements (array) or pairs (map) of the container at index k. Each child takes at
 * least one byte, so a count beyond the remaining input is refused before any is read. 0 or -1. */
static int cbor_children(struct cbor_in *in, size_t k, int is_map, uint64_t len, int depth)
{
	uint64_t left = in->len - in->pos;
	if (len > left || (is_map && len > left / 2))
		return cbor_fail(in, N_("The passkey's data claims more items than it holds."));
	uint64_t count = is_map ? len * 2 : len;
	if (count > WEBAUTHN_CBOR_MAX_ITEMS - in->doc->n)
		return cbor_fail(in, N_("The passkey's data has too many items."));
	in->doc->items[k].len = (size_t)len;
	for (uint64_t i = 0; i < count; i++)
		if (cbor_item(in, depth + 1) < 0)
			return -1;
	return is_map ? cbor_map_keys_check(in, k) : 0;
}

/* cbor_item: decodes one item (and its children) at in->pos, at nesting depth. 0 or -1. */
static int cbor_item(struct cbor_in *in, int depth)
{
	if (depth >= WEBAUTHN_CBOR_MAX_DEPTH)
		return cbor_fail(in, N_("The passkey's data is nested too deeply."));
	if (in->doc->n >= WEBAUTHN_CBOR_MAX_ITEMS)
		return cbor_fail(in, N_("The passkey's data has too many items."));
	size_t k = in->doc->n++;
	struct webauthn_cbor_item *it = &in->doc->items[k];
	memset(it, 0, sizeof *it);
	int major, ai;
	uint64_t arg;
	if (cbor_head(in, &major, &ai, &arg) < 0)
		return -1;
	switch (major) {
	case 0:
	case 1:
		if (arg > (uint64_t)INT64_MAX)
			return cbor_fail(in, N_("The passkey's data holds a number that is too large."));
		it->type = WEBAUTHN_CBOR_INT;
		it->i = major == 0 ? (int64_t)arg : -1 - (int64_t)arg;
		break;
	case 2:
	case 3:
		if (arg > in->len - in->pos)
			return cbor_fail(in, N_("The passkey's data claims more bytes than it holds."));
		it->type = major == 2 ? WEBAUTHN_CBOR_BYTES : WEBAUTHN_CBOR_TEXT;
		it->p = in->p + in->pos;
		it->len = (size_t)arg;
		in->pos += (size_t)arg;
		if (major == 3 && !utf8_valid((const char *)it->p, it->len))
			return cbor_fail(in, N_("The passkey's data holds text that is not UTF-8."));
		break;
	case 4:
	case 5:
		it->type = major == 4 ? WEBAUTHN_CBOR_ARRAY : WEBAUTHN_CBOR_MAP;
		if (cbor_children(in, k, major == 5, arg, depth) < 0)
			return -1;
		break;
	case 6:
		return cbor_fail(in, N_("The passkey's data holds a tag, which is not accepted."));
	default:
		if (cbor_simple(in, it, ai) < 0)
			return -1;
	}
	in->doc->items[k].end = in->doc->n;
	return 0;
}

int webauthn_cbor_decode(const uint8_t *p, size_t len, struct webauthn_cbor *doc, size_t *used, const char **why)
{
	struct cbor_in in = {.p = p, .len = len, .doc = doc};
	doc->n = 0;
	if (cbor_item(&in, 0) < 0) {
		*why = in.why;
		doc->n = 0;
		return -1;
	}
	*used = in.pos;
	return 0;
}

/* cbor_map_find: the value of the first pair of the map at index map whose key matches (int key, or text
 * key when text is not NULL); NULL when none. */
static const struct webauthn_cbor_item *cbor_map_find(const struct webauthn_cbor *doc, size_t map, int64_t key,
						      const char *text)
{
	if (map >= doc->n || doc->items[map].type != WEBAUTHN_CBOR_MAP)
		return NULL;
	const struct webauthn_cbor_item *it = doc->items;
	size_t k = map + 1, tlen = text ? strlen(text) : 0;
	for (size_t i = 0; i < it[map].len; i++) {
		size_t v = it[k].end;
		if (text ? it[k].type == WEBAUTHN_CBOR_TEXT && it[k].len == tlen && memcmp(it[k].p, text, tlen) == 0
			 : it[k].type == WEBAUTHN_CBOR_INT && it[k].i == key)
			return &it[v];
		k = it[v].end;
	}
	return NULL;
}

const struct webauthn_cbor_item *webauthn_cbor_map_int(const struct webauthn_cbor *doc, size_t map, int64_t key)
{
	return cbor_map_find(doc, map, key, NULL);
}

const struct webauthn_cbor_item *webauthn_cbor_map_text(const struct webauthn_cbor *doc, size_t map, const char *key)
{
	return cbor_map_find(doc, map, 0, key);
}

/* ==== authenticatorData ==== */

/* cbor_map_at: decodes the CBOR map at the start of p[0..len) and sets *used; 0, or -1 with *why. */
static int cbor_map_at(const uint8_t *p, size_t len, size_t *used, const char **why)
{
	struct webauthn_cbor doc;
	if (webauthn_cbor_decode(p, len, &doc, used, why) < 0)
		return -1;
	if (doc.items[0].type != WEBAUTHN_CBOR_MAP) {
		*why = N_("The passkey's data is malformed.");
		return -1;
	}
	return 0;
}

int webauthn_authdata_parse(const uint8_t *p, size_t len, struct webauthn_authdata *out, const char **why)
{
	memset(out, 0, sizeof *out);
	*why = N_("The authenticator data is malformed.");
	if (len < 37)
		return -1;
	out->rp_id_hash = p;
	out->flags = p[32];
	out->sign_count = (uint32_t)p[33] << 24 | (uint32_t)p[34] << 16 | (uint32_t)p[35] << 8 | p[36];
	size_t pos = 37, used;
	if (out->flags & WEBAUTHN_FLAG_AT) {
		if (len - pos < 18)
			return -1;
		out->aaguid = p + pos;
		size_t idlen = (size_t)p[pos + 16] << 8 | p[pos + 17];
		pos += 18;
		if (idlen == 0 || idlen > WEBAUTHN_CRED_ID_MAX || len - pos < idlen)
			return -1;
		out->cred_id = p + pos;
		out->cred_id_len = idlen;
		pos += idlen;
		if (cbor_map_at(p + pos, len - pos, &used, why) < 0)
			return -1;
		out->key = p + pos;
		out->key_len = used;
		pos += used;
	}
	if (out->flags & WEBAUTHN_FLAG_ED) {
		if (cbor_map_at(p + pos, len - pos, &used, why) < 0)
			return -1;
		pos += used;
	}
	if (pos != len) {
		*why = N_("The authenticator data has bytes left over.");
		return -1;
	}
	*why = NULL;
	return 0;
}

/* ==== COSE keys and signatures ==== */

/* key_build: k as an OpenSSL public key (ES256 and RS256; NULL for EdDSA, which libsodium verifies, and
 * when OpenSSL refuses the key: a point off the curve, a malformed RSA key). The caller frees it. */
static EVP_PKEY *key_build(const struct webauthn_key *k)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *n = NULL, *e = NULL;
	uint8_t point[65];
	int ok = bld != NULL;
	const char *type = k->alg == WEBAUTHN_ES256 ? "EC" : "RSA";
	if (ok && k->alg == WEBAUTHN_ES256) {
		point[0] = 4; /* uncompressed */
		memcpy(point + 1, k->x, 32);
		memcpy(point + 33, k->y, 32);
		ok = OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
		     OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point) == 1;
	} else if (ok && k->alg == WEBAUTHN_RS256) {
		n = BN_bin2bn(k->n, (int)k->n_len, NULL);
		e = BN_bin2bn(k->e, (int)k->e_len, NULL);
		ok = n && e && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) == 1 &&
		     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) == 1;
	} else {
		ok = 0;
	}
	OSSL_PARAM *params = ok ? OSSL_PARAM_BLD_to_param(bld) : NULL;
	EVP_PKEY_CTX *ctx = params ? EVP_PKEY_CTX_new_from_name(NULL, type, NULL) : NULL;
	EVP_PKEY *pkey = NULL;
	if (!ctx || EVP_PKEY_fromdata_init(ctx) != 1 || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX *check = pkey ? EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL) : NULL;
	if (pkey && (!check || EVP_PKEY_public_check(check) != 1)) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	EVP_PKEY_CTX_free(check);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	ERR_clear_error(); /* a refused key leaves its reasons on this thread's queue */
	return pkey;
}

/* key_usable: whether k can verify signatures (an Ed25519 point that is valid, or a key OpenSSL builds). */
static int key_usable(const struct webauthn_key *k)
{
	if (k->alg == WEBAUTHN_EDDSA)
		return crypto_core_ed25519_is_valid_point(k->x) == 1;
	EVP_PKEY *pkey = key_build(k);
	EVP_PKEY_free(pkey);
	return pkey != NULL;
}

/* cose_bytes: copies the byte string value of label in the map at index 0 of doc into dst when its length
 * is between min and max; *n gets it (when n is not NULL). 0 or -1. */
static int cose_bytes(const struct webauthn_cbor *doc, int64_t label, uint8_t *dst, size_t min, size_t max, size_t *n)
{
	const struct webauthn_cbor_item *v = webauthn_cbor_map_int(doc, 0, label);
	if (!v || v->type != WEBAUTHN_CBOR_BYTES || v->len < min || v->len > max)
		return -1;
	memcpy(dst, v->p, v->len);
	if (n)
		*n = v->len;
	return 0;
}

/* cose_int_is: whether label's value in the map at index 0 of doc is the integer want. */
static int cose_int_is(const struct webauthn_cbor *doc, int64_t label, int64_t want)
{
	const struct webauthn_cbor_item *v = webauthn_cbor_map_int(doc, 0, label);
	return v && v->type == WEBAUTHN_CBOR_INT && v->i == want;
}

int webauthn_cose_key(const uint8_t *p, size_t len, struct webauthn_key *out, size_t *used, const char **why)
{
	struct webauthn_cbor doc;
	memset(out, 0, sizeof *out);
	if (webauthn_cbor_decode(p, len, &doc, used, why) < 0)
		return -1;
	*why = N_("The passkey's public key is malformed.");
	const struct webauthn_cbor_item *alg = webauthn_cbor_map_int(&doc, 0, 3);
	if (doc.items[0].type != WEBAUTHN_CBOR_MAP || !alg || alg->type != WEBAUTHN_CBOR_INT)
		return -1;
	int ok;
	switch (alg->i) {
	case WEBAUTHN_ES256: /* kty EC2, crv P-256, x, y */
		ok = cose_int_is(&doc, 1, 2) && cose_int_is(&doc, -1, 1) && cose_bytes(&doc, -2, out->x, 32, 32, NULL) == 0 &&
		     cose_bytes(&doc, -3, out->y, 32, 32, NULL) == 0;
		break;
	case WEBAUTHN_EDDSA: /* kty OKP, crv Ed25519, x */
		ok = cose_int_is(&doc, 1, 1) && cose_int_is(&doc, -1, 6) && cose_bytes(&doc, -2, out->x, 32, 32, NULL) == 0;
		break;
	case WEBAUTHN_RS256: /* kty RSA, n, e */
		ok = cose_int_is(&doc, 1, 3) && cose_bytes(&doc, -1, out->n, 256, WEBAUTHN_RSA_MAX, &out->n_len) == 0 &&
		     out->n[0] != 0 && cose_bytes(&doc, -2, out->e, 1, sizeof out->e, &out->e_len) == 0;
		break;
	default:
		*why = N_("This kind of passkey is not supported: it must sign with ES256, EdDSA or RS256.");
		return -1;
	}
	if (!ok)
		return -1;
	out->alg = (int)alg->i;
	if (!key_usable(out)) {
		*why = N_("The passkey's public key is not a valid key.");
		return -1;
	}
	*why = NULL;
	return 0;
}

int webauthn_signature_ok(const struct webauthn_key *k, const uint8_t *authdata, size_t authdata_len,
			  const uint8_t *client_data, size_t client_data_len, const uint8_t *sig, size_t sig_len)
{
	uint8_t hash[32];
	if (EVP_Digest(client_data, client_data_len, hash, NULL, EVP_sha256(), NULL) != 1)
		return 0;
	if (k->alg == WEBAUTHN_EDDSA) {
		if (sig_len != crypto_sign_BYTES)
			return 0;
		uint8_t *m = xmalloc(authdata_len + sizeof hash);
		memcpy(m, authdata, authdata_len);
		memcpy(m + authdata_len, hash, sizeof hash);
		int ok = crypto_sign_verify_detached(sig, m, authdata_len + sizeof hash, k->x) == 0;
		free(m);
		return ok;
	}
	EVP_PKEY *pkey = key_build(k);
	EVP_MD_CTX *md = pkey ? EVP_MD_CTX_new() : NULL;
	int ok = md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) == 1 &&
		 EVP_DigestVerifyUpdate(md, authdata, authdata_len) == 1 &&
		 EVP_DigestVerifyUpdate(md, hash, sizeof hash) == 1 && EVP_DigestVerifyFinal(md, sig, sig_len) == 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return ok;
}

/* ==== clientDataJSON ==== */

/* json_text_into: copies the string member name of obj into dst (cap bytes with the NUL). 0, or -1 when it
 * is missing, not a string, empty, holds a NUL or does not fit. */
static int json_text_into(json_t *obj, const char *name, char *dst, size_t cap)
{
	json_t *v = json_object_get(obj, name);
	if (!json_is_string(v))
		return -1;
	size_t n = json_string_length(v);
	const char *s = json_string_value(v);
	if (n == 0 || n >= cap || strlen(s) != n)
		return -1;
	memcpy(dst, s, n + 1);
	return 0;
}

int webauthn_client_data_parse(const uint8_t *p, size_t len, struct webauthn_client_data *out, const char **why)
{
	memset(out, 0, sizeof *out);
	*why = N_("The browser's client data is malformed.");
	if (len == 0 || len > 4096)
		return -1;
	json_error_t err;
	json_t *j = json_loadb((const char *)p, len, JSON_REJECT_DUPLICATES, &err);
	int ok = json_is_object(j) && json_text_into(j, "type", out->type, sizeof out->type) == 0 &&
		 json_text_into(j, "challenge", out->challenge, sizeof out->challenge) == 0 &&
		 json_text_into(j, "origin", out->origin, sizeof out->origin) == 0;
	json_t *cross = ok ? json_object_get(j, "crossOrigin") : NULL;
	if (cross && !json_is_boolean(cross))
		ok = 0;
	if (ok)
		out->cross_origin = json_is_true(cross) || json_object_get(j, "topOrigin") != NULL;
	json_decref(j);
	if (!ok)
		return -1;
	*why = NULL;
	return 0;
}

/* ==== ceremonies ==== */

/* client_check: the client data p[0..len) is of type, answers ex's challenge, comes from one of ex's
 * origins and not from a frame of another site. 0, or -1 with *why. */
static int client_check(const struct webauthn_expect *ex, const char *type, const uint8_t *p, size_t len,
			const char **why)
{
	struct webauthn_client_data cd;
	if (webauthn_client_data_parse(p, len, &cd, why) < 0)
		return -1;
	if (strcmp(cd.type, type) != 0) {
		*why = N_("This passkey response belongs to another step (its type is wrong).");
		return -1;
	}
	if (!ex->challenge || strcmp(cd.challenge, ex->challenge) != 0) {
		*why = N_("This passkey response answers another challenge: it is out of date or was used already.");
		return -1;
	}
	int own = 0;
	for (size_t i = 0; i < ex->norigins && !own; i++)
		own = ex->origins[i] && strcmp(cd.origin, ex->origins[i]) == 0;
	if (!own) {
		*why = N_("This passkey response was made for another site, so it was refused.");
		return -1;
	}
	if (cd.cross_origin) {
		*why = N_("This passkey response was made inside another site's frame, so it was refused.");
		return -1;
	}
	return 0;
}

/* authdata_check: authenticatorData ad is for ex's relying party (rpIdHash), with the user present and,
 * when ex requires it, verified. 0, or -1 with *why. */
static int authdata_check(const struct webauthn_expect *ex, const struct webauthn_authdata *ad, const char **why)
{
	uint8_t want[32];
	if (!ex->rp_id || EVP_Digest(ex->rp_id, strlen(ex->rp_id), want, NULL, EVP_sha256(), NULL) != 1 ||
	    CRYPTO_memcmp(want, ad->rp_id_hash, sizeof want) != 0) {
		*why = N_("This passkey belongs to another site (its relying party does not match).");
		return -1;
	}
	if (!(ad->flags & WEBAUTHN_FLAG_UP)) {
		*why = N_("The authenticator did not confirm that you were present.");
		return -1;
	}
	if (ex->require_uv && !(ad->flags & WEBAUTHN_FLAG_UV)) {
		*why = N_("The authenticator did not verify you (with a PIN or biometrics), which is required.");
		return -1;
	}
	return 0;
}

int webauthn_registration_check(const struct webauthn_expect *ex, const uint8_t *client_data, size_t client_data_len,
				const uint8_t *att, size_t att_len, struct webauthn_new_cred *out, const char **why)
{
	memset(out, 0, sizeof *out);
	if (client_check(ex, "webauthn.create", client_data, client_data_len, why) < 0)
		return -1;
	struct webauthn_cbor doc;
	size_t used;
	if (webauthn_cbor_decode(att, att_len, &doc, &used, why) < 0)
		return -1;
	const struct webauthn_cbor_item *fmt = webauthn_cbor_map_text(&doc, 0, "fmt");
	const struct webauthn_cbor_item *stmt = webauthn_cbor_map_text(&doc, 0, "attStmt");
	const struct webauthn_cbor_item *adi = webauthn_cbor_map_text(&doc, 0, "authData");
	*why = N_("The passkey's attestation is malformed.");
	if (used != att_len || !fmt || fmt->type != WEBAUTHN_CBOR_TEXT || !stmt || stmt->type != WEBAUTHN_CBOR_MAP ||
	    !adi || adi->type != WEBAUTHN_CBOR_BYTES)
		return -1;
	if (fmt->len == 4 && memcmp(fmt->p, "none", 4) == 0 && stmt->len != 0)
		return -1; /* "none" has an empty statement; other formats are not verified (webauthn.h) */
	struct webauthn_authdata ad;
	if (webauthn_authdata_parse(adi->p, adi->len, &ad, why) < 0 || authdata_check(ex, &ad, why) < 0)
		return -1;
	if (!(ad.flags & WEBAUTHN_FLAG_AT)) {
		*why = N_("The authenticator sent no new credential.");
		return -1;
	}
	struct webauthn_key key;
	if (webauthn_cose_key(ad.key, ad.key_len, &key, &used, why) < 0)
		return -1;
	*out = (struct webauthn_new_cred){.id = ad.cred_id, .id_len = ad.cred_id_len, .key = ad.key,
					  .key_len = ad.key_len, .alg = key.alg, .sign_count = ad.sign_count,
					  .flags = ad.flags};
	*why = NULL;
	return 0;
}

int webauthn_assertion_check(const struct webauthn_expect *ex, const uint8_t *key, size_t key_len,
			     uint32_t stored_count, const uint8_t *client_data, size_t client_data_len,
			     const uint8_t *authdata, size_t authdata_len, const uint8_t *sig, size_t sig_len,
			     uint32_t *new_count, const char **why)
{
	if (client_check(ex, "webauthn.get", client_data, client_data_len, why) < 0)
		return -1;
	struct webauthn_authdata ad;
	if (webauthn_authdata_parse(authdata, authdata_len, &ad, why) < 0 || authdata_check(ex, &ad, why) < 0)
		return -1;
	struct webauthn_key k;
	size_t used;
	if (webauthn_cose_key(key, key_len, &k, &used, why) < 0 || used != key_len) {
		*why = N_("The stored passkey is damaged: remove it and add it again.");
		return -1;
	}
	if (!webauthn_signature_ok(&k, authdata, authdata_len, client_data, client_data_len, sig, sig_len)) {
		*why = N_("The passkey's signature is not valid.");
		return -1;
	}
	if ((ad.sign_count != 0 || stored_count != 0) && ad.sign_count <= stored_count) {
		*why = N_("The passkey's signature counter went backwards, so it may have been copied. Remove it and "
			  "add it again.");
		return -1;
	}
	*new_count = ad.sign_count;
	*why = NULL;
	return 0;
}

/* ==== base64url ==== */

int webauthn_b64u_decode(const char *s, uint8_t *out, size_t cap, size_t *n)
{
	if (!s)
		return -1;
	size_t len = strlen(s);
	const char *end = NULL;
	if (sodium_base642bin(out, cap, s, len, NULL, n, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    end != s + len)
		return -1;
	return 0;
}

char *webauthn_b64u_encode(const uint8_t *p, size_t n, char *out, size_t cap)
{
	if (cap < sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING)) {
		if (cap)
			out[0] = '\0';
		return out;
	}
	return sodium_bin2base64(out, cap, p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}
