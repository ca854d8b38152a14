/* diff.c - Myers' O(ND) difference algorithm over lines and words (see diff.h).
 * Both texts are cut into tokens, equal tokens get equal integer ids (a hash table in the arena), and
 * the id sequences are compared by the linear-space middle-snake search (after GNU diff's diag()),
 * with an explicit stack of sub-problems instead of recursion. The search marks which tokens were
 * deleted and added; the ops are read off those marks. */
#include "diff.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

struct tok {
	const char *p;
	size_t len;
};

/* ---- tokenizing ---- */

/* split_lines: cuts s[0..len) at every '\n' into out (when not NULL); returns the number of lines.
 * "" has none; otherwise there is one more line than there are '\n'. */
static size_t split_lines(const char *s, size_t len, struct tok *out)
{
	if (len == 0)
		return 0;
	size_t k = 0, start = 0;
	for (;;) {
		const char *nl = memchr(s + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - s) : len;
		if (out) {
			out[k].p = s + start;
			out[k].len = end - start;
		}
		k++;
		if (!nl)
			return k;
		start = end + 1;
	}
}

/* space_len: the byte length of the whitespace character at p (rem bytes left), or 0 when p does not
 * start one. UTF-8 spaces are matched as whole sequences, and no byte of a multi-byte sequence is an
 * ASCII space or one of the lead bytes tested here, so a cut never falls inside a character. */
static size_t space_len(const unsigned char *p, size_t rem)
{
	switch (p[0]) {
	case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
		return 1;
	case 0xC2: /* U+0085 NEL, U+00A0 NO-BREAK SPACE */
		return rem >= 2 && (p[1] == 0x85 || p[1] == 0xA0) ? 2 : 0;
	case 0xE1: /* U+1680 OGHAM SPACE MARK */
		return rem >= 3 && p[1] == 0x9A && p[2] == 0x80 ? 3 : 0;
	case 0xE2: /* U+2000-U+200A, U+2028, U+2029, U+202F, U+205F */
		if (rem >= 3 && p[1] == 0x80 && ((p[2] >= 0x80 && p[2] <= 0x8A) || p[2] == 0xA8 || p[2] == 0xA9 ||
		                                 p[2] == 0xAF))
			return 3;
		return rem >= 3 && p[1] == 0x81 && p[2] == 0x9F ? 3 : 0;
	case 0xE3: /* U+3000 IDEOGRAPHIC SPACE */
		return rem >= 3 && p[1] == 0x80 && p[2] == 0x80 ? 3 : 0;
	default:
		return 0;
	}
}

/* split_words: cuts s[0..len) into alternating runs of whitespace and non-whitespace into out (when not
 * NULL); returns the number of tokens. Stops counting once the count passes max. */
static size_t split_words(const char *s, size_t len, struct tok *out, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k = 0, i = 0;
	while (i < len && k <= max) {
		size_t start = i;
		int space = space_len(u + i, len - i) > 0;
		while (i < len) {
			size_t sl = space_len(u + i, len - i);
			if ((sl > 0) != space)
				break;
			i += sl ? sl : 1;
		}
		if (out) {
			out[k].p = s + start;
			out[k].len = i - start;
		}
		k++;
	}
	return k;
}

/* ---- interning: equal tokens get equal ids ---- */

struct slot {
	const char *p;
	size_t len;
	uint64_t hash;
	uint32_t id1; /* id + 1; 0 = empty slot */
};

static uint64_t tok_hash(const struct tok *t)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (size_t i = 0; i < t->len; i++) {
		h ^= (unsigned char)t->p[i];
		h *= 1099511628211u;
	}
	return h;
}

static void intern(struct arena *ar, const struct tok *t, size_t n, const struct tok *u, size_t m, int32_t *a,
                   int32_t *b)
{
	size_t cap = 16;
	while (cap < 2 * (n + m))
		cap <<= 1;
	struct slot *tab = arena_alloc(ar, cap * sizeof *tab);
	uint32_t next = 0;
	for (size_t side = 0; side < 2; side++) {
		const struct tok *toks = side ? u : t;
		int32_t *ids = side ? b : a;
		size_t cnt = side ? m : n;
		for (size_t i = 0; i < cnt; i++) {
			uint64_t h = tok_hash(&toks[i]);
			size_t j = (size_t)h & (cap - 1);
			while (tab[j].id1 && !(tab[j].hash == h && tab[j].len == toks[i].len &&
			                       memcmp(tab[j].p, toks[i].p, toks[i].len) == 0))
				j = (j + 1) & (cap - 1);
			if (!tab[j].id1) {
				tab[j].p = toks[i].p;
				tab[j].len = toks[i].len;
				tab[j].hash = h;
				tab[j].id1 = ++next;
			}
			ids[i] = (int32_t)(tab[j].id1 - 1);
		}
	}
}

/* ---- the search ---- */

struct search {
	const int32_t *a, *b;
	long *fd, *bd; /* furthest x per diagonal (x - y), already offset so that index dmin - 1 is valid */
	long work;
};

/* split: finds a point (*xmid, *ymid) on a shortest edit path through the box [xoff,xlim) x [yoff,ylim),
 * which has no common prefix or suffix and is non-empty on both sides (GNU diff's diag() without its
 * heuristics). Returns 0, or -1 when the work budget runs out. */
static int split(struct search *s, long xoff, long xlim, long yoff, long ylim, long *xmid, long *ymid)
{
	const int32_t *a = s->a, *b = s->b;
	long *fd = s->fd, *bd = s->bd;
	const long dmin = xoff - ylim, dmax = xlim - yoff;
	const long fmid = xoff - yoff, bmid = xlim - ylim;
	long fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;
	const int odd = (fmid - bmid) % 2 != 0;
	fd[fmid] = xoff;
	bd[bmid] = xlim;
	for (;;) {
		if (fmin > dmin)
			fd[--fmin - 1] = -1;
		else
			++fmin;
		if (fmax < dmax)
			fd[++fmax + 1] = -1;
		else
			--fmax;
		for (long d = fmax; d >= fmin; d -= 2) {
			long tlo = fd[d - 1], thi = fd[d + 1];
			long x0 = tlo < thi ? thi : tlo + 1;
			long x = x0, y = x0 - d;
			while (x < xlim && y < ylim && a[x] == b[y]) {
				x++;
				y++;
			}
			s->work += 1 + (x - x0);
			fd[d] = x;
			if (odd && bmin <= d && d <= bmax && bd[d] <= x) {
				*xmid = x;
				*ymid = y;
				return 0;
			}
		}
		if (bmin > dmin)
			bd[--bmin - 1] = LONG_MAX;
		else
			++bmin;
		if (bmax < dmax)
			bd[++bmax + 1] = LONG_MAX;
		else
			--bmax;
		for (long d = bmax; d >= bmin; d -= 2) {
			long tlo = bd[d - 1], thi = bd[d + 1];
			long x0 = tlo < thi ? tlo : thi - 1;
			long x = x0, y = x0 - d;
			while (x > xoff && y > yoff && a[x - 1] == b[y - 1]) {
				x--;
				y--;
			}
			s->work += 1 + (x0 - x);
			bd[d] = x;
			if (!odd && fmin <= d && d <= fmax && x <= fd[d]) {
				*xmid = x;
				*ymid = y;
				return 0;
			}
		}
		if (s->work > DIFF_MAX_WORK)
			return -1;
	}
}

struct box {
	long xoff, xlim, yoff, ylim;
};

/* compare: marks del[i] for each a[i] and add[j] for each b[j] not in a longest common subsequence.
 * del and add must be zeroed. Returns 0, or -1 when the work budget runs out. */
static int compare(struct arena *ar, const int32_t *a, size_t n, const int32_t *b, size_t m, unsigned char *del,
                   unsigned char *add)
{
	struct search s = {a, b, NULL, NULL, 0};
	/* diagonals run from -m to n; one more on each side for the sentinels */
	s.fd = (long *)arena_alloc(ar, (n + m + 3) * sizeof(long)) + m + 1;
	s.bd = (long *)arena_alloc(ar, (n + m + 3) * sizeof(long)) + m + 1;
	/* pending boxes are disjoint and non-empty, so there are never more than n + m of them */
	struct box *stack = arena_alloc(ar, (n + m + 1) * sizeof *stack);
	size_t sp = 0;
	stack[sp++] = (struct box){0, (long)n, 0, (long)m};
	while (sp > 0) {
		struct box bx = stack[--sp];
		while (bx.xoff < bx.xlim && bx.yoff < bx.ylim && a[bx.xoff] == b[bx.yoff]) {
			bx.xoff++;
			bx.yoff++;
		}
		while (bx.xoff < bx.xlim && bx.yoff < bx.ylim && a[bx.xlim - 1] == b[bx.ylim - 1]) {
			bx.xlim--;
			bx.ylim--;
		}
		if (bx.xoff == bx.xlim || bx.yoff == bx.ylim) {
			memset(del + bx.xoff, 1, (size_t)(bx.xlim - bx.xoff));
			memset(add + bx.yoff, 1, (size_t)(bx.ylim - bx.yoff));
			continue;
		}
		long xmid, ymid;
		if (split(&s, bx.xoff, bx.xlim, bx.yoff, bx.ylim, &xmid, &ymid) != 0)
			return -1;
		if ((xmid == bx.xoff && ymid == bx.yoff) || (xmid == bx.xlim && ymid == bx.ylim)) {
			/* cannot happen for a trimmed box; never loop on it: mark the box replaced */
			memset(del + bx.xoff, 1, (size_t)(bx.xlim - bx.xoff));
			memset(add + bx.yoff, 1, (size_t)(bx.ylim - bx.yoff));
			continue;
		}
		stack[sp++] = (struct box){xmid, bx.xlim, ymid, bx.ylim};
		stack[sp++] = (struct box){bx.xoff, xmid, bx.yoff, ymid};
	}
	return 0;
}

/* ---- driving it ---- */

enum split_mode { SPLIT_LINES, SPLIT_WORDS };

static size_t split_text(enum split_mode mode, const char *s, size_t len, struct tok *out)
{
	return mode == SPLIT_LINES ? split_lines(s, len, out) : split_words(s, len, out, DIFF_MAX_ITEMS);
}

static int diff_run(struct arena *ar, enum split_mode mode, const char *old_text, const char *new_text,
                    struct diff_op **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	const char *ot = old_text ? old_text : "", *nt = new_text ? new_text : "";
	size_t olen = strlen(ot), nlen = strlen(nt);
	size_t n = split_text(mode, ot, olen, NULL), m = split_text(mode, nt, nlen, NULL);
	if (n > DIFF_MAX_ITEMS || m > DIFF_MAX_ITEMS)
		return -1;
	const char *oc = arena_strndup(ar, ot, olen), *nc = arena_strndup(ar, nt, nlen);
	struct tok *t = arena_alloc(ar, (n + 1) * sizeof *t), *u = arena_alloc(ar, (m + 1) * sizeof *u);
	split_text(mode, oc, olen, t);
	split_text(mode, nc, nlen, u);
	int32_t *a = arena_alloc(ar, (n + 1) * sizeof *a), *b = arena_alloc(ar, (m + 1) * sizeof *b);
	intern(ar, t, n, u, m, a, b);
	unsigned char *del = arena_alloc(ar, n + 1), *add = arena_alloc(ar, m + 1);
	if (compare(ar, a, n, b, m, del, add) != 0)
		return -1;

	/* unmarked tokens pair up in order; between pairs, deletions then additions */
	struct diff_op *ops = arena_alloc(ar, (n + m + 1) * sizeof *ops);
	size_t k = 0, i = 0, j = 0;
	int merge = mode == SPLIT_WORDS;
	while (i < n || j < m) {
		if (i < n && j < m && !del[i] && !add[j]) {
			if (merge && k > 0 && ops[k - 1].kind == DIFF_SAME)
				ops[k - 1].len += t[i].len; /* tokens of a run are adjacent in the copy */
			else
				ops[k++] = (struct diff_op){DIFF_SAME, t[i].p, t[i].len};
			i++;
			j++;
			continue;
		}
		size_t i0 = i, j0 = j;
		while (i < n && del[i])
			i++;
		while (j < m && add[j])
			j++;
		if (i == i0 && j == j0)
			break; /* the marks are inconsistent: cannot happen */
		if (merge) {
			if (i > i0)
				ops[k++] = (struct diff_op){DIFF_DEL, t[i0].p, (size_t)(t[i - 1].p + t[i - 1].len - t[i0].p)};
			if (j > j0)
				ops[k++] = (struct diff_op){DIFF_ADD, u[j0].p, (size_t)(u[j - 1].p + u[j - 1].len - u[j0].p)};
		} else {
			for (size_t x = i0; x < i; x++)
				ops[k++] = (struct diff_op){DIFF_DEL, t[x].p, t[x].len};
			for (size_t y = j0; y < j; y++)
				ops[k++] = (struct diff_op){DIFF_ADD, u[y].p, u[y].len};
		}
	}
	*out = ops;
	*nout = k;
	return 0;
}

int diff_lines(struct arena *a, const char *old_text, const char *new_text, struct diff_op **out, size_t *n)
{
	return diff_run(a, SPLIT_LINES, old_text, new_text, out, n);
}

int diff_words(struct arena *a, const char *old_text, const char *new_text, struct diff_op **out, size_t *n)
{
	return diff_run(a, SPLIT_WORDS, old_text, new_text, out, n);
}
