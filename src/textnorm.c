/* textnorm.c - Arabic/English text normalisation, word splitting and phrase matching (see textnorm.h). */
#include "textnorm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "util.h"

/* ---- tables ---- */

/* Arabic presentation forms that stand for one or two letters: first..last -> to (+ to2 when not 0).
 * Each letter has up to four forms (isolated, final, initial, medial) in consecutive code points, so one
 * row covers them all. Spacing and medial forms of tashkeel map to tatweel, which folding removes.
 * Sorted by first; rows do not overlap. Derived from the Unicode compatibility decompositions. */
struct pf_run {
	uint16_t first, last, to, to2;
};
static const struct pf_run pf_runs[] = {
	{0xFB50, 0xFB51, 0x0671, 0}, {0xFB52, 0xFB55, 0x067B, 0}, {0xFB56, 0xFB59, 0x067E, 0},
	{0xFB5A, 0xFB5D, 0x0680, 0}, {0xFB5E, 0xFB61, 0x067A, 0}, {0xFB62, 0xFB65, 0x067F, 0},
	{0xFB66, 0xFB69, 0x0679, 0}, {0xFB6A, 0xFB6D, 0x06A4, 0}, {0xFB6E, 0xFB71, 0x06A6, 0},
	{0xFB72, 0xFB75, 0x0684, 0}, {0xFB76, 0xFB79, 0x0683, 0}, {0xFB7A, 0xFB7D, 0x0686, 0},
	{0xFB7E, 0xFB81, 0x0687, 0}, {0xFB82, 0xFB83, 0x068D, 0}, {0xFB84, 0xFB85, 0x068C, 0},
	{0xFB86, 0xFB87, 0x068E, 0}, {0xFB88, 0xFB89, 0x0688, 0}, {0xFB8A, 0xFB8B, 0x0698, 0},
	{0xFB8C, 0xFB8D, 0x0691, 0}, {0xFB8E, 0xFB91, 0x06A9, 0}, {0xFB92, 0xFB95, 0x06AF, 0},
	{0xFB96, 0xFB99, 0x06B3, 0}, {0xFB9A, 0xFB9D, 0x06B1, 0}, {0xFB9E, 0xFB9F, 0x06BA, 0},
	{0xFBA0, 0xFBA3, 0x06BB, 0}, {0xFBA4, 0xFBA5, 0x06C0, 0}, {0xFBA6, 0xFBA9, 0x06C1, 0},
	{0xFBAA, 0xFBAD, 0x06BE, 0}, {0xFBAE, 0xFBAF, 0x06D2, 0}, {0xFBB0, 0xFBB1, 0x06D3, 0},
	{0xFBD3, 0xFBD6, 0x06AD, 0}, {0xFBD7, 0xFBD8, 0x06C7, 0}, {0xFBD9, 0xFBDA, 0x06C6, 0},
	{0xFBDB, 0xFBDC, 0x06C8, 0}, {0xFBDD, 0xFBDD, 0x06C7, 0x0674}, {0xFBDE, 0xFBDF, 0x06CB, 0},
	{0xFBE0, 0xFBE1, 0x06C5, 0}, {0xFBE2, 0xFBE3, 0x06C9, 0}, {0xFBE4, 0xFBE7, 0x06D0, 0},
	{0xFBE8, 0xFBE9, 0x0649, 0}, {0xFBEA, 0xFBEB, 0x0626, 0x0627}, {0xFBEC, 0xFBED, 0x0626, 0x06D5},
	{0xFBEE, 0xFBEF, 0x0626, 0x0648}, {0xFBF0, 0xFBF1, 0x0626, 0x06C7}, {0xFBF2, 0xFBF3, 0x0626, 0x06C6},
	{0xFBF4, 0xFBF5, 0x0626, 0x06C8}, {0xFBF6, 0xFBF8, 0x0626, 0x06D0}, {0xFBF9, 0xFBFB, 0x0626, 0x0649},
	{0xFBFC, 0xFBFF, 0x06CC, 0}, {0xFE70, 0xFE72, 0x0640, 0}, {0xFE74, 0xFE74, 0x0640, 0},
	{0xFE76, 0xFE7F, 0x0640, 0}, {0xFE80, 0xFE80, 0x0621, 0}, {0xFE81, 0xFE82, 0x0622, 0},
	{0xFE83, 0xFE84, 0x0623, 0}, {0xFE85, 0xFE86, 0x0624, 0}, {0xFE87, 0xFE88, 0x0625, 0},
	{0xFE89, 0xFE8C, 0x0626, 0}, {0xFE8D, 0xFE8E, 0x0627, 0}, {0xFE8F, 0xFE92, 0x0628, 0},
	{0xFE93, 0xFE94, 0x0629, 0}, {0xFE95, 0xFE98, 0x062A, 0}, {0xFE99, 0xFE9C, 0x062B, 0},
	{0xFE9D, 0xFEA0, 0x062C, 0}, {0xFEA1, 0xFEA4, 0x062D, 0}, {0xFEA5, 0xFEA8, 0x062E, 0},
	{0xFEA9, 0xFEAA, 0x062F, 0}, {0xFEAB, 0xFEAC, 0x0630, 0}, {0xFEAD, 0xFEAE, 0x0631, 0},
	{0xFEAF, 0xFEB0, 0x0632, 0}, {0xFEB1, 0xFEB4, 0x0633, 0}, {0xFEB5, 0xFEB8, 0x0634, 0},
	{0xFEB9, 0xFEBC, 0x0635, 0}, {0xFEBD, 0xFEC0, 0x0636, 0}, {0xFEC1, 0xFEC4, 0x0637, 0},
	{0xFEC5, 0xFEC8, 0x0638, 0}, {0xFEC9, 0xFECC, 0x0639, 0}, {0xFECD, 0xFED0, 0x063A, 0},
	{0xFED1, 0xFED4, 0x0641, 0}, {0xFED5, 0xFED8, 0x0642, 0}, {0xFED9, 0xFEDC, 0x0643, 0},
	{0xFEDD, 0xFEE0, 0x0644, 0}, {0xFEE1, 0xFEE4, 0x0645, 0}, {0xFEE5, 0xFEE8, 0x0646, 0},
	{0xFEE9, 0xFEEC, 0x0647, 0}, {0xFEED, 0xFEEE, 0x0648, 0}, {0xFEEF, 0xFEF0, 0x0649, 0},
	{0xFEF1, 0xFEF4, 0x064A, 0}, {0xFEF5, 0xFEF6, 0x0644, 0x0622}, {0xFEF7, 0xFEF8, 0x0644, 0x0623},
	{0xFEF9, 0xFEFA, 0x0644, 0x0625}, {0xFEFB, 0xFEFC, 0x0644, 0x0627}
};

/* Ligatures of two or more letters, U+FC00..U+FDC7 (NULL: no decomposition, passes through): the letters
 * of each (its Unicode compatibility decomposition with tashkeel removed; "" for the spacing shadda +
 * vowel forms, which vanish). Generated from UnicodeData with Python's unicodedata (NFKC). */
static const char *const pf_lig_fc00[] = {
	/* FC00 */ "ئج", "ئح", "ئم", "ئى", "ئي", "بج", "بح", "بخ", "بم", "بى", "بي", "تج",
	/* FC0C */ "تح", "تخ", "تم", "تى", "تي", "ثج", "ثم", "ثى", "ثي", "جح", "جم", "حج",
	/* FC18 */ "حم", "خج", "خح", "خم", "سج", "سح", "سخ", "سم", "صح", "صم", "ضج", "ضح",
	/* FC24 */ "ضخ", "ضم", "طح", "طم", "ظم", "عج", "عم", "غج", "غم", "فج", "فح", "فخ",
	/* FC30 */ "فم", "فى", "في", "قح", "قم", "قى", "قي", "كا", "كج", "كح", "كخ", "كل",
	/* FC3C */ "كم", "كى", "كي", "لج", "لح", "لخ", "لم", "لى", "لي", "مج", "مح", "مخ",
	/* FC48 */ "مم", "مى", "مي", "نج", "نح", "نخ", "نم", "نى", "ني", "هج", "هم", "هى",
	/* FC54 */ "هي", "يج", "يح", "يخ", "يم", "يى", "يي", "ذ", "ر", "ى", "", "",
	/* FC60 */ "", "", "", "", "ئر", "ئز", "ئم", "ئن", "ئى", "ئي", "بر", "بز",
	/* FC6C */ "بم", "بن", "بى", "بي", "تر", "تز", "تم", "تن", "تى", "تي", "ثر", "ثز",
	/* FC78 */ "ثم", "ثن", "ثى", "ثي", "فى", "في", "قى", "قي", "كا", "كل", "كم", "كى",
	/* FC84 */ "كي", "لم", "لى", "لي", "ما", "مم", "نر", "نز", "نم", "نن", "نى", "ني",
	/* FC90 */ "ى", "ير", "يز", "يم", "ين", "يى", "يي", "ئج", "ئح", "ئخ", "ئم", "ئه",
	/* FC9C */ "بج", "بح", "بخ", "بم", "به", "تج", "تح", "تخ", "تم", "ته", "ثم", "جح",
	/* FCA8 */ "جم", "حج", "حم", "خج", "خم", "سج", "سح", "سخ", "سم", "صح", "صخ", "صم",
	/* FCB4 */ "ضج", "ضح", "ضخ", "ضم", "طح", "ظم", "عج", "عم", "غج", "غم", "فج", "فح",
	/* FCC0 */ "فخ", "فم", "قح", "قم", "كج", "كح", "كخ", "كل", "كم", "لج", "لح", "لخ",
	/* FCCC */ "لم", "له", "مج", "مح", "مخ", "مم", "نج", "نح", "نخ", "نم", "نه", "هج",
	/* FCD8 */ "هم", "ه", "يج", "يح", "يخ", "يم", "يه", "ئم", "ئه", "بم", "به", "تم",
	/* FCE4 */ "ته", "ثم", "ثه", "سم", "سه", "شم", "شه", "كل", "كم", "لم", "نم", "نه",
	/* FCF0 */ "يم", "يه", "", "", "", "طى", "طي", "عى", "عي", "غى", "غي", "سى",
	/* FCFC */ "سي", "شى", "شي", "حى", "حي", "جى", "جي", "خى", "خي", "صى", "صي", "ضى",
	/* FD08 */ "ضي", "شج", "شح", "شخ", "شم", "شر", "سر", "صر", "ضر", "طى", "طي", "عى",
	/* FD14 */ "عي", "غى", "غي", "سى", "سي", "شى", "شي", "حى", "حي", "جى", "جي", "خى",
	/* FD20 */ "خي", "صى", "صي", "ضى", "ضي", "شج", "شح", "شخ", "شم", "شر", "سر", "صر",
	/* FD2C */ "ضر", "شج", "شح", "شخ", "شم", "سه", "شه", "طم", "سج", "سح", "سخ", "شج",
	/* FD38 */ "شح", "شخ", "طم", "ظم", "ا", "ا", NULL, NULL, NULL, NULL, NULL, NULL,
	/* FD44 */ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	/* FD50 */ "تجم", "تحج", "تحج", "تحم", "تخم", "تمج", "تمح", "تمخ", "جمح", "جمح", "حمي", "حمى",
	/* FD5C */ "سحج", "سجح", "سجى", "سمح", "سمح", "سمج", "سمم", "سمم", "صحح", "صحح", "صمم", "شحم",
	/* FD68 */ "شحم", "شجي", "شمخ", "شمخ", "شمم", "شمم", "ضحى", "ضخم", "ضخم", "طمح", "طمح", "طمم",
	/* FD74 */ "طمي", "عجم", "عمم", "عمم", "عمى", "غمم", "غمي", "غمى", "فخم", "فخم", "قمح", "قمم",
	/* FD80 */ "لحم", "لحي", "لحى", "لجج", "لجج", "لخم", "لخم", "لمح", "لمح", "محج", "محم", "محي",
	/* FD8C */ "مجح", "مجم", "مخج", "مخم", NULL, NULL, "مجخ", "همج", "همم", "نحم", "نحى", "نجم",
	/* FD98 */ "نجم", "نجى", "نمي", "نمى", "يمم", "يمم", "بخي", "تجي", "تجى", "تخي", "تخى", "تمي",
	/* FDA4 */ "تمى", "جمي", "جحى", "جمى", "سخى", "صحي", "شحي", "ضحي", "لجي", "لمي", "يحي", "يجي",
	/* FDB0 */ "يمي", "ممي", "قمي", "نحي", "قمح", "لحم", "عمي", "كمي", "نجح", "مخي", "لجم", "كمم",
	/* FDBC */ "لجم", "نجح", "جحي", "حجي", "مجي", "فمي", "بحي", "كمم", "عجم", "صمم", "سخي", "نجي"
};
/* Word ligatures U+FDF0..U+FDFC: صلے قلے الله اكبر محمد صلعم رسول عليه وسلم صلى, the eulogy, جل جلاله, the
 * rial sign. */
static const char *const pf_lig_fdf0[] = {
	"صلے", "قلے", "الله", "اكبر", "محمد", "صلعم", "رسول", "عليه", "وسلم", "صلى",
	"صلى الله عليه وسلم", "جل جلاله", "ریال"
};
_Static_assert(sizeof pf_lig_fc00 / sizeof pf_lig_fc00[0] == 0xFDC8 - 0xFC00, "FC00..FDC7");
_Static_assert(sizeof pf_lig_fdf0 / sizeof pf_lig_fdf0[0] == 0xFDFD - 0xFDF0, "FDF0..FDFC");

/* Base letters of U+00C0..U+017F, one byte each: a letter, '-' for a non-letter (× ÷), or a digit naming
 * a two-letter fold: 1 ae, 2 th, 3 ss, 4 ij, 5 oe. */
static const char latin_base[] = "aaaaaa1ceeeeiiiidnooooo-ouuuuy23" /* U+00C0..U+00DF */
				 "aaaaaa1ceeeeiiiidnooooo-ouuuuy2y" /* U+00E0..U+00FF */
				 "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii44jjkkk" /* ..U+0138 */
				 "llllllllllnnnnnnnnnoooooo55rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
_Static_assert(sizeof latin_base - 1 == 0x180 - 0xC0, "U+00C0..U+017F");
static const char *const latin_pair[] = {"ae", "th", "ss", "ij", "oe"};

/* ---- folding ---- */

/* put_cp: appends cp as UTF-8. */
static void put_cp(struct buf *b, uint32_t cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	buf_append(b, u, n);
}

/* arabic_mark: 1 for the Arabic marks folding removes (tashkeel, superscript alef, Quranic and small
 * high marks) and tatweel. */
static int arabic_mark(uint32_t cp)
{
	return (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || (cp >= 0x06D6 && cp <= 0x06ED) ||
	       (cp >= 0x0610 && cp <= 0x061A) || cp == 0x0640;
}

/* invisible: 1 for the zero-width and direction marks folding removes. */
static int invisible(uint32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0xFEFF || cp == 0x061C || cp == 0x00AD || cp == 0x2060;
}

/* fold_arabic: the folded form of one Arabic-script code point (cp itself when it has none). */
static uint32_t fold_arabic(uint32_t cp)
{
	switch (cp) {
	case 0x0622: case 0x0623: case 0x0625: case 0x0671: return 0x0627; /* آ أ إ ٱ -> ا */
	case 0x0629: return 0x0647;                                         /* ة -> ه */
	case 0x0649: case 0x06CC: return 0x064A;                            /* ى ی -> ي */
	case 0x0624: case 0x0626: return 0x0621;                            /* ؤ ئ -> ء */
	case 0x06A9: case 0x06AA: return 0x0643;                            /* ک ڪ -> ك */
	case 0x06C0: return 0x0647;                                         /* ۀ -> ه */
	default: break;
	}
	if (cp >= 0x0660 && cp <= 0x0669)
		return '0' + (cp - 0x0660);
	if (cp >= 0x06F0 && cp <= 0x06F9)
		return '0' + (cp - 0x06F0);
	return cp;
}

struct fold {
	struct buf *out;
	int latin; /* the last character written was a Latin letter: combining diacritics after it go */
};

/* emit: appends the folded form of cp (anything but a presentation form). */
static void emit(struct fold *f, uint32_t cp)
{
	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		buf_putc(f->out, (char)cp);
		f->latin = cp >= 'a' && cp <= 'z';
		return;
	}
	if (arabic_mark(cp) || invisible(cp))
		return;
	if (cp >= 0x0300 && cp <= 0x036F && f->latin)
		return;
	if (cp >= 0xFF01 && cp <= 0xFF5E) {
		emit(f, cp - 0xFEE0);
		return;
	}
	if (cp >= 0xC0 && cp < 0x180 && latin_base[cp - 0xC0] != '-') {
		char c = latin_base[cp - 0xC0];
		if (c >= '1' && c <= '5')
			buf_append(f->out, latin_pair[c - '1'], 2);
		else
			buf_putc(f->out, c);
		f->latin = 1;
		return;
	}
	put_cp(f->out, fold_arabic(cp));
	f->latin = 0;
}

/* presentation: the letters a presentation form stands for: a ligature string in *lig, or a run in *run.
 * Returns 0 when cp is not a presentation form with a decomposition. */
static int presentation(uint32_t cp, const char **lig, const struct pf_run **run)
{
	if (cp >= 0xFC00 && cp <= 0xFDC7) {
		*lig = pf_lig_fc00[cp - 0xFC00];
		return *lig != NULL;
	}
	if (cp >= 0xFDF0 && cp <= 0xFDFC) {
		*lig = pf_lig_fdf0[cp - 0xFDF0];
		return 1;
	}
	if (cp < pf_runs[0].first || cp > pf_runs[ARRAY_LEN(pf_runs) - 1].last)
		return 0;
	size_t lo = 0, hi = ARRAY_LEN(pf_runs);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp < pf_runs[mid].first)
			hi = mid;
		else if (cp > pf_runs[mid].last)
			lo = mid + 1;
		else {
			*lig = NULL;
			*run = &pf_runs[mid];
			return 1;
		}
	}
	return 0;
}

/* hamza_above_follows: 1 when the Arabic marks at the start of p[0..n) include U+0654 (hamza above), which
 * makes a preceding و or ي the decomposed spelling of ؤ or ئ. */
static int hamza_above_follows(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t len;
		long cp = utf8_decode(p + i, n - i, &len);
		if (cp == 0x0654)
			return 1;
		if (cp < 0 || !arabic_mark((uint32_t)cp))
			return 0;
		i += len;
	}
	return 0;
}

void textnorm_fold(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	struct fold f = {out, 0};
	size_t i = 0;
	while (i < n) {
		size_t len;
		long c = utf8_decode(p + i, n - i, &len);
		i += len;
		if (c < 0)
			continue; /* an invalid byte: dropped */
		uint32_t cp = (uint32_t)c;
		const char *lig = NULL;
		const struct pf_run *run = NULL;
		if ((cp == 0x0648 || cp == 0x064A) && hamza_above_follows(p + i, n - i)) {
			emit(&f, 0x0621);
		} else if (cp >= 0xFB50 && presentation(cp, &lig, &run)) {
			if (run) {
				emit(&f, run->to);
				if (run->to2)
					emit(&f, run->to2);
			} else {
				const unsigned char *l = (const unsigned char *)lig;
				size_t ln = strlen(lig), k = 0;
				while (k < ln) {
					size_t cl;
					long lc = utf8_decode(l + k, ln - k, &cl);
					emit(&f, (uint32_t)lc); /* the table is valid UTF-8 */
					k += cl;
				}
			}
		} else {
			emit(&f, cp);
		}
	}
}

/* ---- words ---- */

/* word_char: 1 when cp (in folded text) belongs to a word: letters and digits of any script and combining
 * marks; 0 for controls, spaces, punctuation and symbols. */
static int word_char(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
	if (cp < 0xC0) /* C1 controls, NBSP, Latin-1 punctuation and symbols; ª µ º are letters */
		return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
	if (cp == 0xD7 || cp == 0xF7)
		return 0;
	if (cp >= 0x0600 && cp <= 0x06FF) {
		if (cp <= 0x061F) /* number signs, Arabic punctuation and symbols (the marks are folded away) */
			return 0;
		if ((cp >= 0x066A && cp <= 0x066D) || cp == 0x06D4 || cp == 0x06DD || cp == 0x06DE || cp == 0x06E9 ||
		    cp == 0x06FD || cp == 0x06FE)
			return 0; /* ٪ ٫ ٬ ٭ ۔ and Quranic symbols */
		return 1;
	}
	if (cp == 0x037E || cp == 0x0387 || (cp >= 0x055A && cp <= 0x055F) || cp == 0x0589 || cp == 0x058A ||
	    cp == 0x05BE || cp == 0x05C0 || cp == 0x05C3 || cp == 0x05C6 || cp == 0x05F3 || cp == 0x05F4 ||
	    (cp >= 0x0700 && cp <= 0x070D) || cp == 0x0964 || cp == 0x0965 || cp == 0x1680)
		return 0; /* Greek, Armenian, Hebrew, Syriac, Devanagari punctuation; Ogham space */
	if (cp >= 0x2000 && cp <= 0x2BFF) /* general punctuation, currency, arrows, maths, shapes, dingbats */
		return cp >= 0x2070 && cp <= 0x209F; /* super- and subscripts */
	if (cp >= 0x2E00 && cp <= 0x2E7F)
		return 0;
	if ((cp >= 0x3000 && cp <= 0x3004) || (cp >= 0x3008 && cp <= 0x3020) || cp == 0x3030 ||
	    (cp >= 0x303D && cp <= 0x303F))
		return 0; /* CJK spaces and punctuation */
	if ((cp >= 0xFD3E && cp <= 0xFD4F) || cp == 0xFDCF || (cp >= 0xFDFD && cp <= 0xFDFF))
		return 0; /* ornate parentheses, Arabic symbol ligatures */
	if ((cp >= 0xFE10 && cp <= 0xFE1F) || (cp >= 0xFE30 && cp <= 0xFE6F) || (cp >= 0xFF5F && cp <= 0xFF65) ||
	    (cp >= 0xFFE0 && cp <= 0xFFEE) || (cp >= 0xFFF0 && cp <= 0xFFFF))
		return 0; /* vertical, small and halfwidth punctuation, fullwidth symbols, specials (U+FFFD) */
	if (cp >= 0x1F000 && cp <= 0x1FAFF)
		return 0; /* emoji, playing cards, pictographs */
	return 1;
}

/* joiner: variation selectors, which stay inside a word (CJK variants) but never start or end one (an
 * emoji's U+FE0F is not a word). */
static int joiner(uint32_t cp)
{
	return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

/* split: calls fn for each word of the folded text t[0..n) with its offset and length. Returns the count. */
static size_t split(const char *t, size_t n, void (*fn)(const char *t, size_t off, size_t len, void *ctx),
		    void *ctx)
{
	const unsigned char *p = (const unsigned char *)t;
	size_t count = 0, i = 0, start = 0, end = 0;
	int in_word = 0;
	while (i < n) {
		size_t len;
		long cp = utf8_decode(p + i, n - i, &len);
		if (cp >= 0 && joiner((uint32_t)cp)) {
			/* neither starts nor ends a word: included only when a word character follows */
		} else if (cp >= 0 && word_char((uint32_t)cp)) {
			if (!in_word)
				start = i;
			in_word = 1;
			end = i + len;
		} else if (in_word) {
			if (fn)
				fn(t, start, end - start, ctx);
			count++;
			in_word = 0;
		}
		i += len;
	}
	if (in_word) {
		if (fn)
			fn(t, start, end - start, ctx);
		count++;
	}
	return count;
}

struct words_call {
	void (*fn)(const char *w, size_t len, void *ctx);
	void *ctx;
};

/* words_cb: adapts split's callback to textnorm_words' callback. */
static void words_cb(const char *t, size_t off, size_t len, void *ctx)
{
	struct words_call *wc = ctx;
	wc->fn(t + off, len, wc->ctx);
}

size_t textnorm_words(const char *s, size_t n, void (*fn)(const char *w, size_t len, void *ctx), void *ctx)
{
	struct buf b = BUF_INIT;
	textnorm_fold(&b, s, n);
	struct words_call wc = {fn, ctx};
	size_t count = split(b.data ? b.data : "", b.len, fn ? words_cb : NULL, &wc);
	buf_free(&b);
	return count;
}

struct words_at_call {
	void (*fn)(size_t start, size_t end, const char *w, size_t len, void *ctx);
	void *ctx;
	size_t start, end; /* the original run being split */
	size_t count;
};

/* words_at_cb: reports one word of a folded run with the run's original offsets. */
static void words_at_cb(const char *t, size_t off, size_t len, void *ctx)
{
	struct words_at_call *wc = ctx;
	if (wc->fn)
		wc->fn(wc->start, wc->end, t + off, len, wc->ctx);
	wc->count++;
}

/* in_run: 1 when the original code point cp belongs to a word run: its folded form is empty or begins
 * with a word character. scratch is reused between calls. */
static int in_run(struct buf *scratch, const unsigned char *p, size_t n)
{
	buf_reset(scratch);
	textnorm_fold(scratch, (const char *)p, n);
	if (scratch->len == 0)
		return 1;
	size_t l;
	long cp = utf8_decode((const unsigned char *)scratch->data, scratch->len, &l);
	return cp >= 0 && (word_char((uint32_t)cp) || joiner((uint32_t)cp));
}

size_t textnorm_words_at(const char *s, size_t n,
			 void (*fn)(size_t start, size_t end, const char *w, size_t len, void *ctx), void *ctx)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf scratch = BUF_INIT, folded = BUF_INIT;
	struct words_at_call wc = {fn, ctx, 0, 0, 0};
	size_t i = 0;
	while (i <= n) {
		size_t len = 0;
		int word = 0;
		if (i < n) {
			long cp = utf8_decode(p + i, n - i, &len);
			/* an invalid byte folds to nothing, like a mark, so it stays inside a word as it does for
			 * textnorm_words */
			word = cp < 0 || in_run(&scratch, p + i, len);
		}
		if (word) {
			if (wc.end <= wc.start)
				wc.start = i;
			wc.end = i + len;
		} else if (wc.end > wc.start) {
			buf_reset(&folded);
			textnorm_fold(&folded, s + wc.start, wc.end - wc.start);
			split(folded.data ? folded.data : "", folded.len, words_at_cb, &wc);
			wc.start = wc.end = 0;
		}
		if (i == n)
			break;
		i += len;
	}
	buf_free(&scratch);
	buf_free(&folded);
	return wc.count;
}

/* ---- phrases ---- */

struct span {
	size_t off, len;
};

struct wordlist {
	struct buf text; /* the folded text */
	struct span *w;
	size_t n, cap;
};

/* wordlist_add: split callback that records a word's span. */
static void wordlist_add(const char *t, size_t off, size_t len, void *ctx)
{
	(void)t;
	struct wordlist *wl = ctx;
	if (wl->n == wl->cap) {
		wl->cap = wl->cap ? wl->cap * 2 : 16;
		wl->w = xrealloc(wl->w, wl->cap * sizeof *wl->w);
	}
	wl->w[wl->n++] = (struct span){off, len};
}

/* wordlist_build: folds s[0..n) into wl and records its words. Free with wordlist_free. */
static void wordlist_build(struct wordlist *wl, const char *s, size_t n)
{
	memset(wl, 0, sizeof *wl);
	textnorm_fold(&wl->text, s, n);
	split(wl->text.data ? wl->text.data : "", wl->text.len, wordlist_add, wl);
}

/* wordlist_free: releases what wordlist_build allocated. */
static void wordlist_free(struct wordlist *wl)
{
	buf_free(&wl->text);
	free(wl->w);
}

/* The attached Arabic prefixes a text word may carry (already in folded form). */
static const char *const ar_prefixes[] = {"و", "ف", "ب", "ل", "ك", "ال", "وال", "بال", "كال", "فال", "لل"};

int textnorm_word_matches(const char *t, size_t tn, const char *p, size_t pn)
{
	if (tn == pn)
		return memcmp(t, p, pn) == 0;
	if (tn < pn || memcmp(t + tn - pn, p, pn) != 0)
		return 0;
	size_t plen = tn - pn;
	for (size_t i = 0; i < ARRAY_LEN(ar_prefixes); i++)
		if (strlen(ar_prefixes[i]) == plen && memcmp(t, ar_prefixes[i], plen) == 0)
			return 1;
	return 0;
}

int textnorm_contains_phrase(const char *text, size_t n, const char *phrase, size_t pn)
{
	struct wordlist tw, pw;
	wordlist_build(&pw, phrase, pn);
	if (pw.n == 0) {
		wordlist_free(&pw);
		return 0;
	}
	wordlist_build(&tw, text, n);
	int found = 0;
	for (size_t i = 0; !found && i + pw.n <= tw.n; i++) {
		size_t k = 0;
		while (k < pw.n && textnorm_word_matches(tw.text.data + tw.w[i + k].off, tw.w[i + k].len,
						pw.text.data + pw.w[k].off, pw.w[k].len))
			k++;
		found = k == pw.n;
	}
	wordlist_free(&tw);
	wordlist_free(&pw);
	return found;
}

/* ---- bidirectional controls in submitted text ---- */

int textnorm_bidi_control(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* strip_bidi_pass: one pass of textnorm_strip_bidi: removes the controls found in s as it stands, in
 * place; returns how many. */
static size_t strip_bidi_pass(unsigned char *s)
{
	/* every control is three bytes, E2 80 AA..AE or E2 81 A6..A9; every other byte is copied as it is */
	unsigned char *r = s, *w = s;
	size_t removed = 0;
	while (*r) {
		if (r[0] == 0xE2 && ((r[1] == 0x80 && r[2] >= 0xAA && r[2] <= 0xAE) ||
				     (r[1] == 0x81 && r[2] >= 0xA6 && r[2] <= 0xA9))) {
			r += 3;
			removed++;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
	return removed;
}

size_t textnorm_strip_bidi(char *s)
{
	if (!s)
		return 0;
	/* in text that is not valid UTF-8 a removal can join stray bytes around it into a new control
	 * ("E2 E2 80 AE 80 AE" leaves "E2 80 AE"): passes go on until one removes nothing (each pass that
	 * removes something shortens s, so this ends) */
	size_t removed = 0, n;
	while ((n = strip_bidi_pass((unsigned char *)s)) > 0)
		removed += n;
	return removed;
}
