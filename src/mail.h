/* mail.h - one e-mail message, built safely (issue 22): addresses checked and put in the form SMTP carries,
 * header values encoded (RFC 2047) with no way for a value to start a header of its own, and the message
 * composed as RFC 5322 text with a multipart/alternative body (plain text, then HTML) in quoted-printable.
 * Pure: no I/O (mail_send.h carries the message to a relay or to a file). */
#ifndef BROADSHEET_MAIL_H
#define BROADSHEET_MAIL_H
#include <stddef.h>
#include <stdint.h>

struct arena;

#define MAIL_ADDR_MAX 254  /* RFC 5321 section 4.5.3.1.3: a path of 256 octets less the angle brackets */
#define MAIL_LOCAL_MAX 64  /* section 4.5.3.1.1 */
#define MAIL_DOMAIN_MAX 253

/* Why an address was refused (MAIL_ADDR_OK = it was not). */
enum mail_addr_rc {
	MAIL_ADDR_OK,
	MAIL_ADDR_EMPTY,   /* nothing was typed */
	MAIL_ADDR_LONG,    /* longer than the limits above */
	MAIL_ADDR_CONTROL, /* a control character (CR, LF, NUL, TAB...): header injection or a paste gone wrong */
	MAIL_ADDR_SYNTAX,  /* not local@domain, or a local part that is neither a dot-atom nor a quoted string */
	MAIL_ADDR_DOMAIN,  /* the domain is not a host name (after IDNA for an internationalised one) */
	MAIL_ADDR_UTF8,    /* a non-ASCII local part: deliverable only with SMTPUTF8, which is not offered */
};

/* mail_addr_normalise: checks addr, a bare address as a person typed it (surrounding blanks are ignored;
 * no display name, no angle brackets), and gives in *out (in the arena) the address as SMTP and the store
 * carry it: the local part exactly as typed (dot-atom, or a quoted string when it needs one), and the domain
 * lower-cased, an internationalised domain as its A-labels (IDNA2008 through libidn2: "bücher.example" ->
 * "xn--bcher-kva.example"). *out is left alone on refusal. Returns an enum mail_addr_rc. */
int mail_addr_normalise(struct arena *a, const char *addr, const char **out);

/* mail_addr_problem: a short English sentence saying why rc refused an address (static), NULL for OK. */
const char *mail_addr_problem(int rc);

/* mail_header_value: value made safe for the header field name (used only to count the line's first
 * fold): printable ASCII without "=?" stays as it is; anything else becomes RFC 2047 encoded-words
 * (=?UTF-8?B?...?=, each at most 75 characters and never splitting a UTF-8 character), folded with CRLF
 * and a space. NULL when value holds CR, LF or NUL (a caller bug or an injection attempt: refuse the
 * message) or is not valid UTF-8. In the arena. */
const char *mail_header_value(struct arena *a, const char *name, const char *value);

/* mail_qp: text (UTF-8, LF or CRLF line ends) in quoted-printable (RFC 2045 section 6.7) with CRLF line
 * ends, lines at most 76 characters, a leading '.' encoded (a line of one dot ends an SMTP message), in
 * the arena. */
char *mail_qp(struct arena *a, const char *text);

/* One message. Addresses must already be normalised (mail_addr_normalise); strings are UTF-8. */
struct mail_message {
	const char *from_name, *from_addr; /* the sender; from_name may be NULL */
	const char *to_addr;
	const char *reply_to;              /* NULL = none */
	const char *subject;
	const char *text;                  /* the plain-text part (required) */
	const char *html;                  /* the HTML part; NULL = a text/plain message */
	const char *lang;                  /* Content-Language ("ar", "en"), NULL = none */
	const char *list_id;               /* List-Id value, e.g. "Daily digest <daily.en.example.org>"; NULL = none */
	const char *unsubscribe_url;       /* https URL for List-Unsubscribe; NULL = none */
	int one_click;                     /* also List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058) */
	const char *message_id;            /* "<unique@host>"; required (the queue keeps it, so a retry is the same message) */
	int64_t date;                      /* unix seconds, written as UTC */
};

/* mail_compose: m as the text SMTP carries (CRLF line ends): Date, From, To, Reply-To, Subject,
 * Message-ID, MIME-Version, Content-Language, the List-* headers, then the body: one text/plain part, or a
 * multipart/alternative of text then HTML, each quoted-printable UTF-8. The MIME boundary is derived from
 * message_id and starts with "=_", which quoted-printable text cannot hold. *len gets the length. NULL (nothing written) when a
 * required field is missing or a header value is refused (mail_header_value). In the arena. */
char *mail_compose(struct arena *a, const struct mail_message *m, size_t *len);

#endif
