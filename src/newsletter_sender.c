/* newsletter_sender.c - see newsletter_sender.h. */
#include "newsletter_sender.h"

#include <string.h>

#include "app.h"
#include "arena.h"
#include "db.h"
#include "log.h"
#include "mail.h"
#include "mail_send.h"

int newsletter_list_sender(struct app *app, struct arena *a, const char *edition, const char *list,
			   const char *site_name, struct mail_message *out)
{
	out->from_name = site_name;
	out->from_addr = mail_sender(&app->cfg, a);
	struct db_nl_sender s;
	int rc = db_nl_sender_get(app->db, a, edition, list, &s);
	if (rc == DB_OK) {
		if (*s.from_name)
			out->from_name = s.from_name;
		if (*s.from_addr)
			out->from_addr = s.from_addr;
		if (*s.reply_to)
			out->reply_to = s.reply_to;
	} else if (rc != DB_NOTFOUND) {
		log_error("newsletter: reading the sender of %s %s failed; the site's sender is used", edition, list);
	}
	return out->from_addr ? 0 : -1;
}

int nl_sender_name_ok(struct arena *a, const char *name)
{
	if (strlen(name) > NL_SENDER_NAME_MAX)
		return 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return !*name || mail_header_value(a, "From", name) != NULL; /* NULL: not UTF-8 */
}

int nl_sender_same_domain(struct app *app, struct arena *a, const char *addr)
{
	const char *site = mail_sender(&app->cfg, a);
	const char *d1 = strrchr(addr, '@'), *d2 = site ? strrchr(site, '@') : NULL;
	return d1 && d2 && strcmp(d1, d2) == 0;
}
