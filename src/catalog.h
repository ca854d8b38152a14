/* catalog.h - the newsroom in English and Arabic (the readers' edition strings are i18n.h): its strings
 * are written in English in the source and the templates and translated through the catalogue po/ar.po (gettext PO, compiled into the binary as an
 * embedded file and read once at start-up by catalog_init).
 *
 * In C, a newsroom string is marked N_("text") where it is defined and translated where it is shown
 * (catalog_tr), or translated in place with catalog_tr(lang, "text"); in a template it is {{_ text}},
 * translated when the template is compiled (one compiled copy per language). scripts/check-po.py lists every marked
 * string and fails when po/ar.po lacks one, leaves it untranslated or fuzzy, or changes its placeholders. */
#ifndef BROADSHEET_CATALOG_H
#define BROADSHEET_CATALOG_H
#include <stddef.h>

/* N_: marks a string literal as a newsroom string (for scripts/check-po.py); it stays English here. */
#define N_(s) (s)

enum catalog_lang { CATALOG_EN, CATALOG_AR, CATALOG_NLANGS };

/* catalog_init: reads the embedded po/ar.po. Returns 0, or -1 with "po/ar.po:LINE: what" in err when the
 * catalogue is missing, malformed, or a translation's placeholders differ from its msgid's (the server
 * must not start with it). Untranslated and fuzzy entries are not used (English is shown). Call once,
 * before any thread calls catalog_tr. */
int catalog_init(char *err, size_t errlen);

/* catalog_shutdown: frees the catalogue; catalog_tr then answers msgid. */
void catalog_shutdown(void);

/* catalog_tr: msgid in lang: the catalogue's translation, or msgid itself (English, or not translated).
 * The result lives as long as the catalogue (or is msgid). Safe from any thread after catalog_init. */
const char *catalog_tr(enum catalog_lang lang, const char *msgid) __attribute__((format_arg(2)));

/* catalog_code: "en" or "ar". */
const char *catalog_code(enum catalog_lang lang);

/* catalog_parse: the language a code names ("en", "ar"; case-insensitive, a region such as "ar-EG" allowed)
 * into *out. Returns 0, or -1 when it names neither. */
int catalog_parse(const char *code, enum catalog_lang *out);

/* catalog_negotiate: the newsroom language an Accept-Language header asks for first: the supported language
 * of highest quality (q=0 refuses; equal qualities in the header's order; "*" is not a choice). Returns
 * 0 with *out set, or -1 when the header is NULL, malformed or names no supported language. Pure. */
int catalog_negotiate(const char *accept_language, enum catalog_lang *out);

#endif
