/* test_textnorm.c - the Arabic/English normaliser: every folding rule, idempotence, invalid UTF-8, word
 * splitting and the phrase matcher used by the comment blocklist (src/textnorm.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "textnorm.h"

/* fold_eq: asserts that folding in[0..n) gives exactly want. */
static void fold_eq(const char *in, size_t n, const char *want)
{
	struct buf b = BUF_INIT;
	textnorm_fold(&b, in, n);
	if (b.len != strlen(want) || memcmp(buf_cstr(&b), want, b.len) != 0)
		fail_msg("fold(\"%s\") = \"%s\", want \"%s\"", in, buf_cstr(&b), want);
	buf_free(&b);
}

#define FOLD(lit, want) fold_eq((lit), sizeof(lit) - 1, (want))

static void test_tashkeel(void **state)
{
	(void)state;
	FOLD("إِسْلامٌ", "اسلام");
	FOLD("كَتَبَ", "كتب");
	FOLD("مُحَمَّدٌ", "محمد");                      /* shadda, dammatan */
	FOLD("هٰذا", "هذا");                          /* superscript alef U+0670 */
	FOLD("ٱلرَّحْمَٰنِ", "الرحمن");                  /* alef wasla, U+0670 */
	FOLD("قُلْ هُوَ ٱللَّهُ أَحَدٌ ۝١", "قل هو الله احد 1"); /* U+06DD end of ayah, Arabic digit */
	FOLD("رَبِّ\xDB\x96", "رب");                    /* U+06D6 Quranic small high ligature */
	FOLD("محمد\xD8\x90", "محمد");                  /* U+0610 sign sallallahou alayhe wassallam */
	FOLD("\xD9\x8B\xD9\x9F", "");                  /* U+064B, U+065F: the ends of the range */
}

static void test_tatweel(void **state)
{
	(void)state;
	FOLD("كـــتاب", "كتاب");
	FOLD("كَلِمَـــة", "كلمه");
	FOLD("ـ", "");
}

static void test_letters(void **state)
{
	(void)state;
	FOLD("أحمد", "احمد");
	FOLD("إبراهيم", "ابراهيم");
	FOLD("آمال", "امال");
	FOLD("ٱسم", "اسم");
	FOLD("مدرسة", "مدرسه");
	FOLD("مستشفى", "مستشفي");
	FOLD("على", "علي");
	FOLD("مؤتمر", "مءتمر");
	FOLD("سئل", "سءل");
	FOLD("شاطئ", "شاطء");
	FOLD("ء", "ء"); /* hamza on the line stays */
	/* the decomposed spellings: و or ي + hamza above (U+0654), even with a vowel between */
	FOLD("م\xD9\x88\xD9\x94تمر", "مءتمر");
	FOLD("س\xD9\x8A\xD9\x8E\xD9\x94ل", "سءل");
	FOLD("\xD8\xA7\xD9\x94", "ا"); /* alef + hamza above = أ */
	FOLD("\xD8\xA7\xD9\x95", "ا"); /* alef + hamza below = إ */
	FOLD("\xD8\xA7\xD9\x93", "ا"); /* alef + madda = آ */
	/* Persian and Urdu look-alikes */
	FOLD("کتاب", "كتاب");
	FOLD("ایران", "ايران");
	FOLD("خانۀ", "خانه");
	/* letters that are not folded */
	FOLD("ثخذضظغ", "ثخذضظغ");
	FOLD("پچژگ", "پچژگ");
}

static void test_digits(void **state)
{
	(void)state;
	FOLD("٢٠١٨", "2018");
	FOLD("٠١٢٣٤٥٦٧٨٩", "0123456789");
	FOLD("۱۲۳", "123");
	FOLD("۰۴۵۶۷۸۹", "0456789");
	FOLD("عام ٢٠٢٤م", "عام 2024م");
}

static void test_presentation_forms(void **state)
{
	(void)state;
	FOLD("ﻻ", "لا");               /* U+FEFB lam-alef isolated */
	FOLD("\xEF\xBB\xBC", "لا");    /* U+FEFC final */
	FOLD("\xEF\xBB\xB5", "لا");    /* U+FEF5 lam-alef madda -> ل + ا after alef folding */
	FOLD("\xEF\xBB\xB7", "لا");    /* U+FEF7 lam-alef hamza above */
	FOLD("\xEF\xBB\xB9", "لا");    /* U+FEF9 lam-alef hamza below */
	FOLD("ﷲ", "الله");              /* U+FDF2 */
	FOLD("ﷺ", "صلي الله عليه وسلم"); /* U+FDFA */
	FOLD("﷼", "ريال");              /* U+FDFC rial sign: Farsi yeh folded */
	/* isolated, final, initial, medial forms of beh, then of teh marbuta, alef maksura, hamza seats */
	FOLD("\xEF\xBA\x8F\xEF\xBA\x90\xEF\xBA\x91\xEF\xBA\x92", "بببب");
	FOLD("\xEF\xBA\x93\xEF\xBA\x94", "هه");
	FOLD("\xEF\xBB\xAF\xEF\xBB\xB0", "يي");
	FOLD("\xEF\xBA\x85\xEF\xBA\x89\xEF\xBA\x80", "ءءء");
	FOLD("\xEF\xBA\x83\xEF\xBA\x87\xEF\xBA\x81", "ااا");
	/* a word as a PDF copy gives it: ﻣﺮﺣﺒﺎ = مرحبا */
	FOLD("ﻣﺮﺣﺒﺎ", "مرحبا");
	FOLD("ﺍﻟﺴﻼﻡ ﻋﻠﻴﻜﻢ", "السلام عليكم");
	/* the Persian forms: keheh and Farsi yeh become Arabic kaf and yeh; peh stays peh */
	FOLD("\xEF\xAE\x8E\xEF\xAE\x90", "كك");
	FOLD("\xEF\xAF\xBC\xEF\xAF\xBF", "يي");
	FOLD("\xEF\xAD\x96", "پ");
	FOLD("\xEF\xAD\x90", "ا"); /* U+FB50 alef wasla */
	/* two-letter ligatures (U+FC00.., U+FD50..) */
	FOLD("\xEF\xB0\x80", "ءج");  /* U+FC00 yeh hamza + jeem */
	FOLD("\xEF\xB3\x8C", "لم");  /* U+FCCC lam-meem initial */
	FOLD("\xEF\xB5\x90", "تجم"); /* U+FD50 teh-jeem-meem */
	/* spacing and medial forms of tashkeel vanish (U+FE70 fathatan, U+FE7D shadda medial, U+FC5E) */
	FOLD("\xEF\xB9\xB0\xEF\xB9\xBD\xEF\xB1\x9E", "");
	/* forms without a decomposition pass through (U+FE73 tail fragment, U+FDFD bismillah, U+FD3E) */
	FOLD("\xEF\xB9\xB3", "\xEF\xB9\xB3");
	FOLD("\xEF\xB7\xBD", "\xEF\xB7\xBD");
	FOLD("\xEF\xB4\xBE", "\xEF\xB4\xBE");
}

static void test_invisible(void **state)
{
	(void)state;
	FOLD("ab\xE2\x80\x8B" "c", "abc");                  /* ZWSP */
	FOLD("لا\xE2\x80\x8Dاله", "لااله");                 /* ZWJ */
	FOLD("مي\xE2\x80\x8Cخواهم", "ميخواهم");             /* ZWNJ */
	FOLD("\xE2\x80\x8F" "abc\xE2\x80\x8E", "abc");      /* RLM, LRM */
	FOLD("\xE2\x80\xAA" "a\xE2\x80\xAE" "b\xE2\x80\xAC", "ab"); /* LRE, RLO, PDF */
	FOLD("\xE2\x81\xA6" "a\xE2\x81\xA9", "a");          /* LRI, PDI */
	FOLD("\xEF\xBB\xBF" "abc", "abc");                  /* BOM */
	FOLD("\xD8\x9C" "عربي", "عربي");                    /* ALM U+061C */
	FOLD("sp\xC2\xAD" "am", "spam");                    /* soft hyphen */
	FOLD("sp\xE2\x81\xA0" "am", "spam");                /* word joiner */
	FOLD("a\xE2\x80\x8A" "b", "a\xE2\x80\x8A" "b");     /* U+200A hair space is a space: stays */
}

static void test_latin(void **state)
{
	(void)state;
	FOLD("Café ÉTÉ", "cafe ete");
	FOLD("HELLO World", "hello world");
	FOLD("Straße", "strasse");
	FOLD("Übermäßig", "ubermassig");
	FOLD("Ærøskøbing", "aeroskobing");
	FOLD("Œuvre", "oeuvre");
	FOLD("ÞÓR", "thor");
	FOLD("Łódź", "lodz");
	FOLD("İstanbul ılık", "istanbul ilik");
	FOLD("Dvořák Škoda Čech", "dvorak skoda cech");
	FOLD("Ĳssel", "ijssel");
	FOLD("ÀÁÂÃÄÅàáâãäåÿ", "aaaaaaaaaaaay");
	FOLD("a × b ÷ c", "a × b ÷ c");
	/* decomposed diacritics after a Latin letter fold like the precomposed letter */
	FOLD("Cafe\xCC\x81", "cafe");
	FOLD("e\xCC\x81\xCC\x88x", "ex");
	/* ...but a combining mark after another script stays */
	FOLD("\xD0\xB8\xCC\x86", "\xD0\xB8\xCC\x86");
	/* other scripts and symbols pass through */
	FOLD("Ελλάδα Россия 東京 😀", "Ελλάδα Россия 東京 😀");
	FOLD("a-b_c.d!?", "a-b_c.d!?");
}

static void test_fullwidth(void **state)
{
	(void)state;
	FOLD("ＡＢＣ", "abc");
	FOLD("ｈｅｌｌｏ１２３！", "hello123!");
	FOLD("\xEF\xBC\x81\xEF\xBD\x9E", "!~"); /* U+FF01, U+FF5E: the ends of the range */
	FOLD("\xEF\xBD\x9F", "\xEF\xBD\x9F");   /* U+FF5F is outside it */
}

static void test_mixed(void **state)
{
	(void)state;
	FOLD("Breaking: انفجار في بيروت، ٢٠٢٠", "breaking: انفجار في بيروت، 2020");
	FOLD("", "");
}

static const char *const samples[] = {
	"إِسْلامٌ", "كَلِمَـــة", "مؤتمر ومستشفى", "ﻻ إله إلا ﷲ", "Café ÉTÉ Straße", "ＡＢＣ１２３", "٢٠١٨ ۱۲۳",
	"م\xD9\x88\xD9\x94تمر", "Cafe\xCC\x81 \xD0\xB8\xCC\x86", "e\xE2\x80\x8B\xCC\x81", "و\xE2\x80\x8B\xD9\x94",
	"ﻣﺮﺣﺒﺎ بكم في Broadsheet!", "\xEF\xB7\xBA \xEF\xB0\x80", "abc\xFFxyz\xC3", "خانۀ کتاب ایران",
	"\xD9\x8A\xD9\x94\xD9\x94", "ÆØÅ æøå ĲĳŒœ ſ", "Ελλάδα 😀 \xE2\x80\x8F", "",
};

static void test_idempotent(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		struct buf once = BUF_INIT, twice = BUF_INIT;
		textnorm_fold(&once, samples[i], strlen(samples[i]));
		textnorm_fold(&twice, buf_cstr(&once), once.len);
		assert_int_equal(once.len, twice.len);
		assert_memory_equal(buf_cstr(&once), buf_cstr(&twice), once.len);
		assert_true(utf8_valid(buf_cstr(&once), once.len));
		buf_free(&once);
		buf_free(&twice);
	}
	/* every BMP code point alone, then all of them in one string: fold is idempotent and valid UTF-8 */
	struct buf all = BUF_INIT;
	for (uint32_t cp = 1; cp < 0x10000; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		char u[3];
		size_t n;
		if (cp < 0x80) {
			u[0] = (char)cp;
			n = 1;
		} else if (cp < 0x800) {
			u[0] = (char)(0xC0 | (cp >> 6));
			u[1] = (char)(0x80 | (cp & 0x3F));
			n = 2;
		} else {
			u[0] = (char)(0xE0 | (cp >> 12));
			u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
			u[2] = (char)(0x80 | (cp & 0x3F));
			n = 3;
		}
		buf_append(&all, u, n);
		struct buf once = BUF_INIT, twice = BUF_INIT;
		textnorm_fold(&once, u, n);
		textnorm_fold(&twice, buf_cstr(&once), once.len);
		if (once.len != twice.len || memcmp(buf_cstr(&once), buf_cstr(&twice), once.len) != 0)
			fail_msg("fold is not idempotent on U+%04X", (unsigned)cp);
		buf_free(&once);
		buf_free(&twice);
	}
	struct buf once = BUF_INIT, twice = BUF_INIT;
	textnorm_fold(&once, buf_cstr(&all), all.len);
	textnorm_fold(&twice, buf_cstr(&once), once.len);
	assert_int_equal(once.len, twice.len);
	assert_memory_equal(buf_cstr(&once), buf_cstr(&twice), once.len);
	assert_true(utf8_valid(buf_cstr(&once), once.len));
	buf_free(&all);
	buf_free(&once);
	buf_free(&twice);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	FOLD("ab\xFF" "c", "abc");
	FOLD("\xC3", "");                       /* truncated at the end */
	FOLD("\xC3" "A", "a");                  /* truncated, then ASCII */
	FOLD("\xE2\x82", "");                   /* truncated 3-byte */
	FOLD("\xC0\xAF", "");                   /* overlong '/' */
	FOLD("\xED\xA0\x80", "");               /* surrogate */
	FOLD("\xF4\x90\x80\x80", "");           /* > U+10FFFF */
	FOLD("\x80\x80 كلمة", " كلمه");         /* stray continuation bytes */
	FOLD("\xD9", "");                       /* half an Arabic letter */
	struct buf nul = BUF_INIT; /* NUL is an ordinary character: it passes through */
	textnorm_fold(&nul, "A\0\xFF" "B", 4);
	assert_int_equal(nul.len, 3);
	assert_memory_equal(nul.data, "a\0b", 3);
	buf_free(&nul);
	/* every single byte and every pair of bytes: no crash, valid UTF-8 out */
	char in[2];
	for (int a = 0; a < 256; a++) {
		for (int b = 0; b < 256; b++) {
			in[0] = (char)a;
			in[1] = (char)b;
			struct buf out = BUF_INIT;
			textnorm_fold(&out, in, 2);
			assert_true(utf8_valid(buf_cstr(&out), out.len));
			buf_free(&out);
		}
	}
}

struct collected {
	char words[16][64];
	size_t n;
};

/* collect: words callback that copies each word. */
static void collect(const char *w, size_t len, void *ctx)
{
	struct collected *c = ctx;
	assert_true(len > 0 && len < 64);
	if (c->n < 16) {
		memcpy(c->words[c->n], w, len);
		c->words[c->n][len] = '\0';
	}
	c->n++;
}

/* words_eq: asserts the words of s are exactly the NULL-terminated list want. */
static void words_eq(const char *s, const char *const *want)
{
	struct collected c = {.n = 0};
	size_t count = textnorm_words(s, strlen(s), collect, &c);
	assert_int_equal(count, c.n);
	size_t n = 0;
	while (want[n])
		n++;
	if (count != n)
		fail_msg("words(\"%s\"): %zu words, want %zu", s, count, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(c.words[i], want[i]);
	assert_int_equal(textnorm_words(s, strlen(s), NULL, NULL), n);
}

#define WORDS(s, ...) words_eq((s), (const char *const[]){__VA_ARGS__, NULL})

static void test_words(void **state)
{
	(void)state;
	WORDS("Hello, World!", "hello", "world");
	WORDS("  multiple   spaces\tand\nlines  ", "multiple", "spaces", "and", "lines");
	WORDS("مرحباً بكم في Broadsheet، الموقع الإخباري!", "مرحبا", "بكم", "في", "broadsheet", "الموقع", "الاخباري");
	WORDS("هل قرأت الخبر؟ نعم؛ قرأته.", "هل", "قرات", "الخبر", "نعم", "قراته");
	WORDS("عام ٢٠٢٠: covid-19", "عام", "2020", "covid", "19");
	WORDS("نسبة ٥٠٪ من ٣٫٥ مليون", "نسبه", "50", "من", "3", "5", "مليون");
	WORDS("«اقتباس» \"quote\" (paren) [x] {y}", "اقتباس", "quote", "paren", "x", "y");
	WORDS("em—dash…ellipsis “curly” ‘q’", "em", "dash", "ellipsis", "curly", "q");
	WORDS("a\xC2\xA0" "b\xE3\x80\x80" "c\xE2\x80\xAF" "d", "a", "b", "c", "d"); /* NBSP, ideographic, NNBSP */
	WORDS("I ❤️ Beirut 😀!", "i", "beirut");
	WORDS("Ελλάδα 東京", "Ελλάδα", "東京"); /* other scripts: words, not case-folded */
	WORDS("1\xEF\xB8\x8F\xE2\x83\xA3 \xE8\x91\x9B\xEF\xB8\x80\xE5\x9F\x8E", "1", "\xE8\x91\x9B\xEF\xB8\x80\xE5\x9F\x8E");
	/* (keycap 1: VS16 and U+20E3 do not join the digit; a variation selector inside a CJK word stays) */
	WORDS("ｓｐａｍ！", "spam");
	WORDS("كـــتاب\xE2\x80\x8Bجديد", "كتابجديد"); /* ZWSP removed: one word */
	WORDS("Café£5€10", "cafe", "5", "10");
	assert_int_equal(textnorm_words("", 0, NULL, NULL), 0);
	assert_int_equal(textnorm_words(" .,;!? ", 7, NULL, NULL), 0);
	assert_int_equal(textnorm_words("\xFF\xFE", 2, NULL, NULL), 0);
}

/* has: textnorm_contains_phrase on C strings. */
static int has(const char *text, const char *phrase)
{
	return textnorm_contains_phrase(text, strlen(text), phrase, strlen(phrase));
}

static void test_phrase_basic(void **state)
{
	(void)state;
	assert_true(has("This is SPAM!", "spam"));
	assert_true(has("spam", "spam"));
	assert_true(has("buy cheap pills now", "cheap pills"));
	assert_true(has("buy CHEAP, pills now", "cheap pills")); /* punctuation between words */
	assert_true(has("Ｓｐａｍ here", "spam"));                 /* fullwidth */
	assert_true(has("s\xE2\x80\x8Bpam", "spam"));             /* zero-width space inside */
	assert_true(has("Café", "cafe"));
	assert_true(has("cafe", "CAFÉ"));
	assert_false(has("s p a m", "spam"));
	assert_false(has("classic", "ass"));
	assert_false(has("spammer", "spam"));
	assert_false(has("antispam", "spam"));
	assert_false(has("cheap and pills", "cheap pills")); /* not consecutive */
	assert_false(has("pills cheap", "cheap pills"));
	assert_false(has("anything", ""));      /* no words: matches nothing */
	assert_false(has("anything", " ,.! ")); /* no words */
	assert_false(has("", "spam"));
	assert_true(has("the end: spam", "SPAM."));
	assert_true(has("a b a b c", "a b c")); /* a retry after a partial match */
}

static void test_phrase_arabic(void **state)
{
	(void)state;
	assert_true(has("هذه كلمة سيئة", "كلمة"));
	assert_true(has("هذه كَلِمَـــة سيئة", "كلمة"));       /* tashkeel and tatweel evasion */
	assert_true(has("هذه كلمه سيئة", "كلمة"));            /* ة written as ه */
	assert_true(has("هذه ك\xE2\x80\x8Cلمة", "كلمة"));      /* ZWNJ inside */
	assert_true(has("ﻛﻠﻤﺔ", "كلمة"));                       /* presentation forms */
	assert_true(has("قال إن الأمر", "ان الامر"));
	assert_true(has("مستشفى", "مستشفي"));
	assert_true(has("في ٢٠١٨", "2018"));
	/* one attached prefix */
	const char *prefixed[] = {"والكلمة", "فالكلمة", "بالكلمة", "كالكلمة", "الكلمة", "وكلمة",
				  "فكلمة",   "بكلمة",   "لكلمة",   "ككلمة",   "للكلمة", NULL};
	for (int i = 0; prefixed[i]; i++)
		if (!has(prefixed[i], "كلمة"))
			fail_msg("\"%s\" should match", prefixed[i]);
	assert_true(has("قرأتُ والكَلِمَـةُ", "كلمة"));
	assert_true(has("للإسلام", "إسلام"));
	assert_true(has("الكلمة السيئة", "كلمة سيئة")); /* each word may carry its own prefix */
	/* not matches: other prefixes, two prefixes, suffixes, a longer word */
	assert_false(has("وبالكلمة", "كلمة")); /* و + بال: two prefixes */
	assert_false(has("سالكلمة", "كلمة"));
	assert_false(has("كلمات", "كلمة"));
	assert_false(has("كلمتان", "كلمة"));
	assert_false(has("الكلمةالأخرى", "كلمة"));
	assert_false(has("كلمة", "والكلمة")); /* the phrase's own prefix is required */
	assert_false(has("كل مة", "كلمة"));
	/* Latin phrases are unaffected by the Arabic prefixes except when one is attached */
	assert_true(has("وspam", "spam"));
	assert_false(has("aspam", "spam"));
}

static void test_phrase_invalid(void **state)
{
	(void)state;
	assert_true(has("sp\xFF" "am", "spam")); /* the invalid byte is dropped, joining the word */
	assert_false(has("\xFF\xFE", "spam"));
	assert_false(has("spam", "\xFF"));
	/* lengths are respected: no reading past n */
	assert_false(textnorm_contains_phrase("spam", 2, "spam", 4));
	assert_true(textnorm_contains_phrase("spam and more", 4, "spam!!", 4));
}

struct at_words {
	char text[128];
	size_t count, start, end;
};

/* at_word: textnorm_words_at callback recording "word@start-end " for each word. */
static void at_word(size_t start, size_t end, const char *w, size_t len, void *ctx)
{
	struct at_words *aw = ctx;
	size_t used = strlen(aw->text);
	snprintf(aw->text + used, sizeof aw->text - used, "%.*s@%zu-%zu ", (int)len, w, start, end);
	aw->count++;
}

/* An invalid byte folds to nothing, so it joins a word for textnorm_words_at as for textnorm_words (the
 * FTS5 tokenizer and the query parser must agree); found by fuzz/fuzz_textnorm.c. */
static void test_words_at_invalid(void **state)
{
	(void)state;
	struct at_words aw = {"", 0, 0, 0};
	assert_int_equal(textnorm_words_at("a\xE1" "c d", 5, at_word, &aw), 2);
	assert_string_equal(aw.text, "ac@0-3 d@4-5 ");
	assert_int_equal(textnorm_words("a\xE1" "c d", 5, NULL, NULL), 2);
	memset(&aw, 0, sizeof aw);
	assert_int_equal(textnorm_words_at("\xFF\xFE x\xFF", 5, at_word, &aw), 1);
	assert_string_equal(aw.text, "x@3-5 ");
}

/* strip_eq: asserts that textnorm_strip_bidi turns in into want, removing `removed` controls. */
static void strip_eq(const char *in, const char *want, size_t removed)
{
	char s[256];
	snprintf(s, sizeof s, "%s", in);
	size_t got = textnorm_strip_bidi(s);
	if (strcmp(s, want) != 0 || got != removed)
		fail_msg("strip_bidi(\"%s\") = \"%s\" (%zu removed), want \"%s\" (%zu)", in, s, got, want, removed);
}

/* The bidirectional embedding, override and isolate controls are removed from submitted text; the marks
 * Arabic and mixed text use in normal writing, and every other character, are kept. */
static void test_strip_bidi(void **state)
{
	(void)state;
	/* the "gnp.exe" spoof: RLO makes "photo\u202Egnp.exe" show as "photoexe.png" */
	strip_eq("photo\xE2\x80\xAEgnp.exe", "photognp.exe", 1);
	/* each of the nine: LRE RLE PDF LRO RLO (U+202A..E), LRI RLI FSI PDI (U+2066..9) */
	strip_eq("a\xE2\x80\xAA" "b\xE2\x80\xAB" "c\xE2\x80\xAC" "d\xE2\x80\xAD" "e\xE2\x80\xAE" "f", "abcdef", 5);
	strip_eq("\xE2\x81\xA6" "a\xE2\x81\xA7" "b\xE2\x81\xA8" "c\xE2\x81\xA9", "abc", 4);
	strip_eq("\xE2\x80\xAE\xE2\x80\xAE\xE2\x80\xAE", "", 3);
	/* kept: LRM, RLM (U+200E/F), ALM (U+061C), ZWNJ, ZWJ (U+200C/D) and the neighbours of the ranges:
	 * U+2029 paragraph separator, U+202F narrow no-break space, U+2065 and U+206A */
	const char *kept[] = {"\xE2\x80\x8E", "\xE2\x80\x8F", "\xD8\x9C", "\xE2\x80\x8C", "\xE2\x80\x8D",
			      "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\xA5", "\xE2\x81\xAA", NULL};
	for (int i = 0; kept[i]; i++) {
		char in[32];
		snprintf(in, sizeof in, "x%sy", kept[i]);
		strip_eq(in, in, 0);
	}
	/* Arabic with its marks, emoji and ordinary punctuation are untouched */
	strip_eq("مرحباً \xE2\x80\x8F(2026) — «سارة» 😀", "مرحباً \xE2\x80\x8F(2026) — «سارة» 😀", 0);
	/* a name that is only controls becomes empty (and is then refused as blank by its field's check) */
	strip_eq("\xE2\x81\xA7\xE2\x80\xAE", "", 2);
	/* invalid and truncated bytes are kept as they are; nothing is read past the end */
	strip_eq("\xFF\xE2\x80", "\xFF\xE2\x80", 0);
	strip_eq("\xE2", "\xE2", 0);
	strip_eq("\xE2\x80\xAE\xE2\x80", "\xE2\x80", 1);
	strip_eq("", "", 0);
	/* a removal that joins stray bytes into a new override removes that one too (found by fuzz_textnorm) */
	strip_eq("a\xE2\xE2\x80\xAE\x80\xAE" "b", "ab", 2);
	strip_eq("\xE2\xE2\xE2\x80\xAE\x80\xAE\x80\xAE", "", 3);
	assert_int_equal(textnorm_strip_bidi(NULL), 0);
	/* the predicate: the two ranges exactly */
	for (uint32_t cp = 0x2000; cp < 0x2100; cp++)
		assert_int_equal(textnorm_bidi_control(cp), (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069));
	assert_false(textnorm_bidi_control(0x061C));
	assert_false(textnorm_bidi_control(0x200E));
	assert_false(textnorm_bidi_control(0x200F));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tashkeel),      cmocka_unit_test(test_tatweel),
		cmocka_unit_test(test_letters),       cmocka_unit_test(test_digits),
		cmocka_unit_test(test_presentation_forms), cmocka_unit_test(test_invisible),
		cmocka_unit_test(test_latin),         cmocka_unit_test(test_fullwidth),
		cmocka_unit_test(test_mixed),         cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_invalid_utf8),  cmocka_unit_test(test_words),
		cmocka_unit_test(test_phrase_basic),  cmocka_unit_test(test_phrase_arabic),
		cmocka_unit_test(test_phrase_invalid), cmocka_unit_test(test_words_at_invalid),
		cmocka_unit_test(test_strip_bidi),
	};
	return cmocka_run_group_tests_name("textnorm", tests, NULL, NULL);
}
