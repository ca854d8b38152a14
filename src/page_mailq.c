/* page_mailq.c - the mail relay's reports of bounces and complaints (issue 22): a signed JSON webhook that
 * ends the subscription of an address that bounced hard or complained (mailq.h, store_mailq.c). */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "mail.h"
#include "pages.h"
#include "util.h"
#include "webhook.h"

#define BOUNCE_MAX_SKEW 300 /* seconds a report's timestamp may be from now: an older one is a replay */

/* refuse: a JSON refusal {"error": why} with status, audited as mail.report.refused. Returns status. */
static int refuse(struct http_request *req, struct http_response *res, int status, const char *why)
{
	audit_record(req, "mail.report.refused", NULL, why);
	http_set_header(res, "Cache-Control", "no-store");
	return page_json_reply(res, json_pack("{s:s}", "error", why), status);
}

/* signed_problem: why the request's signature is refused (static), or NULL when X-Broadsheet-Signature is
 * "sha256=" + the HMAC-SHA256 keyed with mail_webhook_secret of "TIMESTAMP.BODY" (webhook_signature, as the
 * site's own webhooks sign) and X-Broadsheet-Timestamp is within BOUNCE_MAX_SKEW of now. *status gets 400
 * or 401. */
static const char *signed_problem(struct http_request *req, int *status)
{
	const char *secret = req->app->cfg.mail_webhook_secret;
	const char *sig = http_header(req, "X-Broadsheet-Signature");
	const char *stamp = http_header(req, "X-Broadsheet-Timestamp");
	int64_t ts = 0;
	*status = 401;
	if (!*secret)
		return "bounce reports are off: the site has no mail_webhook_secret";
	if (!sig || !*sig)
		return "unsigned: X-Broadsheet-Signature is missing";
	if (!stamp || strlen(stamp) > 20 || util_parse_i64(stamp, &ts) != 0) {
		*status = 400;
		return "X-Broadsheet-Timestamp must be the report's time in Unix seconds";
	}
	int64_t now = util_now();
	if (ts < now - BOUNCE_MAX_SKEW || ts > now + BOUNCE_MAX_SKEW)
		return "stale: the timestamp is more than 5 minutes from now (a replay?)";
	char want[WEBHOOK_SIG_LEN];
	webhook_signature(secret, stamp, req->body ? req->body : "", req->body_len, want);
	if (strlen(sig) != strlen(want) || sodium_memcmp(sig, want, strlen(want)) != 0)
		return "forged: the signature does not match the body";
	return NULL;
}

/* WEBPAGE: POST /newsletter/bounces
 * Parameters: JSON body {"type": "bounce"|"complaint", "email", "message_id" (optional: the Message-ID
 *   of the message it is about), "hard": true|false (bounces)}; headers X-Broadsheet-Timestamp (Unix
 *   seconds, within 5 minutes) and X-Broadsheet-Signature: sha256=HEX (HMAC-SHA256 keyed with
 *   mail_webhook_secret of "TIMESTAMP.BODY")
 * Permission: the mail relay (the shared secret); no session, no CSRF token
 * A hard bounce or a complaint ends the address's subscription (state 'bounced' or 'complained', its
 *   queued mail skipped, the message named 'bounced'); a soft bounce changes nothing. 200 {"ok", "action"};
 *   refusals are JSON {"error"}: 401 (unsigned, forged, stale, reports off), 400 (malformed). */
int mail_bounces_page(struct http_request *req, struct http_response *res)
{
	int status;
	const char *why = signed_problem(req, &status);
	if (why)
		return refuse(req, res, status, why);
	json_error_t jerr;
	json_t *doc = json_loadb(req->body ? req->body : "", req->body_len, 0, &jerr);
	const char *type = json_string_value(json_object_get(doc, "type"));
	const char *email = json_string_value(json_object_get(doc, "email"));
	const char *mid = json_string_value(json_object_get(doc, "message_id"));
	int hard = json_is_true(json_object_get(doc, "hard"));
	const char *addr = NULL;
	if (!json_is_object(doc) || !type || (strcmp(type, "bounce") != 0 && strcmp(type, "complaint") != 0))
		why = "the body must be JSON with type \"bounce\" or \"complaint\"";
	else if (!email || mail_addr_normalise(req->arena, email, &addr) != MAIL_ADDR_OK)
		why = "email must be an address";
	else if (mid && strlen(mid) > 998)
		why = "message_id is too long";
	if (why) {
		json_decref(doc);
		return refuse(req, res, 400, why);
	}
	const char *state = strcmp(type, "complaint") == 0 ? "complained" : hard ? "bounced" : NULL;
	mid = mid ? arena_strdup(req->arena, mid) : NULL;
	json_decref(doc);
	if (!state) {
		http_set_header(res, "Cache-Control", "no-store");
		return page_json_reply(res, json_pack("{s:b, s:s}", "ok", 1, "action", "none (a soft bounce)"), 200);
	}
	int64_t who = 0;
	if (db_mail_bounce(req->app->db, addr, mid, state, util_now(), &who) != DB_OK)
		return 500;
	audit_record(req, "mail.bounce", who ? arena_printf(req->arena, "subscriber:%lld", (long long)who) : NULL,
		     arena_printf(req->arena, "%s %s", state, addr));
	http_set_header(res, "Cache-Control", "no-store");
	return page_json_reply(res, json_pack("{s:b, s:s}", "ok", 1, "action", who ? state : "none (no such subscriber)"), 200);
}
