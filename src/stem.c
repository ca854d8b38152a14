/* stem.c - the light Arabic stemmer and the Snowball English stemmer (see stem.h). */
#include "stem.h"

#include <libstemmer.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "util.h"

/* Proper nouns that must not lose letters, in folded form (ة -> ه, أ -> ا, ى -> ي): countries, capitals and
 * cities whose endings look like suffixes or whose beginnings look like prefixes. Sorted for bsearch. */
static const char *const protected_words[] = {
	"ابوظبي", "اربيل", "اسرائيل", "اسطنبول", "افغانستان", "الاردن", "البحرين", "الجزائر", "الخرطوم",
	"الرياض", "السعوديه", "السودان", "الشارقه", "الصومال", "العراق", "الكويت", "المغرب", "الموصل",
	"اليابان", "اليمن", "امريكا", "انقره", "ايران", "باريس", "باكستان", "برلين", "بغداد", "بنغازي",
	"بيروت", "تركيا", "تونس", "جده", "حلب", "حماه", "حمص", "دبي", "دمشق", "روسيا", "سوريا", "صنعاء",
	"صيدا", "طرابلس", "عدن", "عمان", "غزه", "فرنسا", "فلسطين", "قطر", "لبنان", "لندن", "ليبيا", "مصر",
	"مكه", "موريتانيا", "موسكو", "نابلس", "واشنطن", "يافا",
};

/* Attached prefixes and suffixes in folded form, longest first. */
static const char *const ar_prefixes[] = {"وال", "بال", "كال", "فال", "ولل", "لل", "ال", "و", "ف", "ب", "ك", "ل"};
static const char *const ar_suffixes[] = {"ات", "ون", "ين", "ان", "يه", "ها", "هم", "هن", "كم", "نا", "ه", "ي"};

#define MIN_LETTERS 3 /* a stem keeps at least this many letters */

/* cmp_word: bsearch comparison of a (word, length) key with a table entry. */
struct wkey {
	const char *w;
	size_t n;
};
static int cmp_word(const void *k, const void *e)
{
	const struct wkey *key = k;
	const char *s = *(const char *const *)e;
	size_t sn = strlen(s);
	int c = memcmp(key->w, s, key->n < sn ? key->n : sn);
	if (c)
		return c;
	return key->n < sn ? -1 : key->n > sn;
}

int stem_protected(const char *w, size_t n)
{
	struct wkey k = {w, n};
	return bsearch(&k, protected_words, ARRAY_LEN(protected_words), sizeof protected_words[0], cmp_word) != NULL;
}

/* letters: the number of UTF-8 code points in s[0..n). */
static size_t letters(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* suffix_len: the bytes of the first suffix of w[0..len) that leaves at least min letters, 0 when none
 * (with min = MIN_LETTERS: what rule 4 removes). */
static size_t suffix_len(const char *w, size_t len, size_t min)
{
	for (size_t i = 0; i < ARRAY_LEN(ar_suffixes); i++) {
		size_t sl = strlen(ar_suffixes[i]);
		if (len > sl && memcmp(w + len - sl, ar_suffixes[i], sl) == 0 && letters(w, len - sl) >= min)
			return sl;
	}
	return 0;
}

size_t stem_arabic(const char *w, size_t n, size_t *off)
{
	*off = 0;
	if (stem_protected(w, n))
		return n;
	size_t o = 0, len = n;
	for (size_t i = 0; i < ARRAY_LEN(ar_prefixes); i++) {
		size_t pl = strlen(ar_prefixes[i]);
		if (len <= pl || memcmp(w, ar_prefixes[i], pl) != 0)
			continue;
		/* a lone ف ب ك ل is more often a root letter (كتابها, بيت) than و is: it needs four letters
		 * left once a suffix is gone too */
		size_t rest = len - pl;
		int lone = pl == 2 && strcmp(ar_prefixes[i], "و") != 0;
		if (lone ? letters(w + pl, rest - suffix_len(w + pl, rest, 0)) >= MIN_LETTERS + 1
			 : letters(w + pl, rest) >= MIN_LETTERS) {
			o = pl;
			len -= pl;
			break;
		}
	}
	if (stem_protected(w + o, len)) {
		*off = o;
		return len;
	}
	len -= suffix_len(w + o, len, MIN_LETTERS);
	*off = o;
	return len;
}

static pthread_mutex_t en_mu = PTHREAD_MUTEX_INITIALIZER;
static struct sb_stemmer *en_stemmer; /* made on first use, kept for the life of the process */
static int en_failed;

void stem_english(struct buf *out, const char *w, size_t n)
{
	pthread_mutex_lock(&en_mu);
	if (!en_stemmer && !en_failed) {
		en_stemmer = sb_stemmer_new("english", "UTF_8");
		en_failed = en_stemmer == NULL;
	}
	const sb_symbol *s = NULL;
	int len = 0;
	if (en_stemmer && n < 4096) {
		s = sb_stemmer_stem(en_stemmer, (const sb_symbol *)w, (int)n);
		len = sb_stemmer_length(en_stemmer);
	}
	if (s)
		buf_append(out, (const char *)s, (size_t)len);
	else
		buf_append(out, w, n);
	pthread_mutex_unlock(&en_mu);
}

/* script: 'a' when w[0..n) has an Arabic letter, 'l' when it is ASCII letters only, 0 otherwise. */
static int script(const char *w, size_t n)
{
	int ascii_letters = 1;
	const unsigned char *p = (const unsigned char *)w;
	size_t i = 0;
	while (i < n) {
		size_t l;
		long cp = utf8_decode(p + i, n - i, &l);
		if (cp >= 0x0621 && cp <= 0x06FF)
			return 'a';
		if (!(cp >= 'a' && cp <= 'z'))
			ascii_letters = 0;
		i += l;
	}
	return ascii_letters && n > 0 ? 'l' : 0;
}

void stem_word(struct buf *out, const char *w, size_t n)
{
	switch (script(w, n)) {
	case 'a': {
		size_t off, len = stem_arabic(w, n, &off);
		buf_append(out, w + off, len);
		break;
	}
	case 'l':
		stem_english(out, w, n);
		break;
	default:
		buf_append(out, w, n);
	}
}
