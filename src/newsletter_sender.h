/* newsletter_sender.h - who a newsletter list's mails are from (issue 22, "sender per list"): a publisher
 * sets, per edition and list, a From display name, a From address and a Reply-To on
 * /admin/newsletters/senders (page_newsletter_senders.c, table newsletter_lists); what is not set is the
 * site's: mail_from (mail_sender) and the site's name in the edition's language. The envelope sender
 * (MAIL FROM, where bounces go) stays the site's mail_from for every list: bounces and the relay's
 * reports keep coming to the one address the operator set up, whatever From a list shows. Any From
 * address is allowed (a list may be sent as the group's other brand); one outside the site's mail domain
 * is saved with a warning that the relay (and that domain's SPF/DKIM/DMARC) must permit it. */
#ifndef BROADSHEET_NEWSLETTER_SENDER_H
#define BROADSHEET_NEWSLETTER_SENDER_H

struct app;
struct arena;
struct mail_message;

#define NL_SENDER_NAME_MAX 120 /* bytes of a display name */

/* newsletter_list_sender: sets out's from_name, from_addr and reply_to (strings in a) for a mail of
 * edition's list: the list's sender where set, else site_name and the site's mail_from (a store error is
 * logged and gives the defaults). Returns 0, or -1 when there is no From address (mail_from set but not
 * an address, and the list sets none). */
int newsletter_list_sender(struct app *app, struct arena *a, const char *edition, const char *list,
			   const char *site_name, struct mail_message *out);

/* nl_sender_name_ok: 1 when name can be a From display name: at most NL_SENDER_NAME_MAX bytes of valid
 * UTF-8 without control characters (CR, LF, TAB, NUL...); "" is fine (the default). */
int nl_sender_name_ok(struct arena *a, const char *name);

/* nl_sender_same_domain: 1 when addr's domain is the site's sender domain (mail_sender), 0 when not. */
int nl_sender_same_domain(struct app *app, struct arena *a, const char *addr);

#endif
