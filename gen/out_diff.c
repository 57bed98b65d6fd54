/*
 * out_diff.c - out_udiff (out_int.h): the unified diffs in check's report.
 *
 * Consumes two texts and their labels; produces the hunks of `diff -u` (3 lines of
 * context), appended to a string builder. Line based and deterministic: the common
 * prefix and suffix, then an LCS of the middle when its table has at most
 * LCS_MAX_CELLS cells, else the middle replaced as a block. Lines are compared by a
 * number given to each distinct line once (comparing the text at every cell of the
 * table would cost its length there: long lines made it quadratic). A last line
 * without a newline is marked as diff marks it; memory is the caller's string builder
 * plus temporaries freed before returning.
 */
#include "out_int.h"

#include <stdlib.h>
#include <string.h>

struct line {
	const char *s;
	size_t n;	/* with the newline when there is one */
	size_t id;	/* equal lines, equal ids */
};

static struct line *split_lines(const char *s, size_t len, size_t *count, struct arena *a,
				struct strmap *ids)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	if (len && s[len - 1] != '\n')
		n++;
	struct line *v = arena_alloc(a, (n + 1) * sizeof(*v));
	size_t k = 0, start = 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n') {
			v[k++] = (struct line){ s + start, i + 1 - start };
			start = i + 1;
		}
	if (start < len)
		v[k++] = (struct line){ s + start, len - start };
	*count = k;
	for (size_t i = 0; i < k; i++) {
		long id = strmap_get(ids, v[i].s, v[i].n);
		if (id < 0) {
			id = (long)ids->n;
			strmap_put(a, ids, v[i].s, v[i].n, (size_t)id);
		}
		v[i].id = (size_t)id;
	}
	return v;
}

static bool line_eq(const struct line *a, const struct line *b)
{
	return a->id == b->id;
}

enum { OP_SAME, OP_DEL, OP_ADD };
struct op {
	unsigned char kind;
	size_t ai, bi;	/* line indexes (the one that applies) */
};

#define LCS_MAX_CELLS (2u << 20)

/* The edit script of a -> b: prefix, LCS of the middle (or a block replace), suffix. */
static struct op *diff_ops(const struct line *a, size_t na, const struct line *b, size_t nb,
			   size_t *nops)
{
	struct op *ops = xmalloc((na + nb + 1) * sizeof(*ops));
	size_t k = 0, pre = 0, suf = 0;
	while (pre < na && pre < nb && line_eq(&a[pre], &b[pre]))
		pre++;
	while (suf < na - pre && suf < nb - pre && line_eq(&a[na - 1 - suf], &b[nb - 1 - suf]))
		suf++;
	for (size_t i = 0; i < pre; i++)
		ops[k++] = (struct op){ OP_SAME, i, i };
	size_t ma = na - pre - suf, mb = nb - pre - suf;
	const struct line *ra = a + pre, *rb = b + pre;
	if (ma && mb && (ma + 1) * (mb + 1) <= LCS_MAX_CELLS) {
		/* L[i][j] = LCS length of ra[i..] and rb[j..] */
		size_t w = mb + 1;
		uint32_t *L = xcalloc((ma + 1) * w, sizeof(*L));
		for (size_t i = ma; i-- > 0;)
			for (size_t j = mb; j-- > 0;)
				L[i * w + j] = line_eq(&ra[i], &rb[j])
						       ? L[(i + 1) * w + j + 1] + 1
						       : (L[(i + 1) * w + j] >= L[i * w + j + 1]
								  ? L[(i + 1) * w + j]
								  : L[i * w + j + 1]);
		size_t i = 0, j = 0;
		while (i < ma && j < mb) {
			if (line_eq(&ra[i], &rb[j])) {
				ops[k++] = (struct op){ OP_SAME, pre + i, pre + j };
				i++, j++;
			} else if (L[(i + 1) * w + j] >= L[i * w + j + 1]) {
				ops[k++] = (struct op){ OP_DEL, pre + i, pre + j };
				i++;
			} else {
				ops[k++] = (struct op){ OP_ADD, pre + i, pre + j };
				j++;
			}
		}
		for (; i < ma; i++)
			ops[k++] = (struct op){ OP_DEL, pre + i, pre + mb };
		for (; j < mb; j++)
			ops[k++] = (struct op){ OP_ADD, pre + ma, pre + j };
		free(L);
	} else {
		for (size_t i = 0; i < ma; i++)
			ops[k++] = (struct op){ OP_DEL, pre + i, pre };
		for (size_t j = 0; j < mb; j++)
			ops[k++] = (struct op){ OP_ADD, pre + ma, pre + j };
	}
	for (size_t i = 0; i < suf; i++)
		ops[k++] = (struct op){ OP_SAME, na - suf + i, nb - suf + i };
	*nops = k;
	return ops;
}

static void put_diff_line(struct strbuf *out, char mark, const struct line *l)
{
	sb_putc(out, mark);
	sb_add(out, l->s, l->n);
	if (!l->n || l->s[l->n - 1] != '\n')
		sb_puts(out, "\n\\ No newline at end of file\n");
}

/* "start,count" of a hunk side, as diff -u writes it (start 0 for an empty side at 0). */
static void put_range(struct strbuf *out, size_t start, size_t count)
{
	if (count == 1)
		sb_printf(out, "%zu", start + 1);
	else
		sb_printf(out, "%zu,%zu", count ? start + 1 : start, count);
}

#define CONTEXT 3

/* The line diff of a and b: their lines (in an arena, guarded until ldiff_close) and the
 * edit script. One setup for out_udiff and out_diffstat. */
struct ldiff {
	struct arena lines;	/* the lines of both texts and their ids */
	struct oom_guard guard;
	struct line *va, *vb;
	struct op *ops;
	size_t na, nb, nops;
};

static void ldiff_open(struct ldiff *d, const char *a, size_t alen, const char *b, size_t blen)
{
	arena_init(&d->lines);
	oom_guard_arena(&d->guard, &d->lines);
	struct strmap ids = { 0 };
	d->va = split_lines(a, alen, &d->na, &d->lines, &ids);
	d->vb = split_lines(b, blen, &d->nb, &d->lines, &ids);
	d->ops = diff_ops(d->va, d->na, d->vb, d->nb, &d->nops);
}

static void ldiff_close(struct ldiff *d)
{
	free(d->ops);
	oom_guard_pop(&d->guard);
	arena_release(&d->lines);
}

void out_udiff(const char *a, size_t alen, const char *b, size_t blen, const char *la,
	       const char *lb, size_t max_lines, struct strbuf *out)
{
	if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
		return;
	struct ldiff d;
	ldiff_open(&d, a, alen, b, blen);
	const struct op *ops = d.ops;
	const struct line *va = d.va, *vb = d.vb;
	size_t nops = d.nops;
	sb_printf(out, "--- %s\n+++ %s\n", la, lb);
	size_t printed = 0;
	bool truncated = false;
	size_t i = 0;
	while (i < nops && !truncated) {
		while (i < nops && ops[i].kind == OP_SAME)
			i++;
		if (i == nops)
			break;
		/* a hunk: from CONTEXT lines before the change to CONTEXT after the last
		 * change that is at most 2 * CONTEXT same lines away from the next */
		size_t start = i >= CONTEXT ? i - CONTEXT : 0, end = i;
		for (;;) {
			while (end < nops && ops[end].kind != OP_SAME)
				end++;
			size_t same = 0;
			while (end + same < nops && ops[end + same].kind == OP_SAME)
				same++;
			if (end + same == nops || same > 2 * CONTEXT) {
				end += same < CONTEXT ? same : CONTEXT;
				break;
			}
			end += same;
		}
		size_t as = 0, ac = 0, bs = 0, bc = 0;
		as = ops[start].ai;
		bs = ops[start].bi;
		for (size_t k = start; k < end; k++) {
			ac += ops[k].kind != OP_ADD;
			bc += ops[k].kind != OP_DEL;
		}
		sb_puts(out, "@@ -");
		put_range(out, as, ac);
		sb_puts(out, " +");
		put_range(out, bs, bc);
		sb_puts(out, " @@\n");
		for (size_t k = start; k < end; k++) {
			if (max_lines && printed >= max_lines) {
				truncated = true;
				break;
			}
			if (ops[k].kind == OP_SAME)
				put_diff_line(out, ' ', &va[ops[k].ai]);
			else if (ops[k].kind == OP_DEL)
				put_diff_line(out, '-', &va[ops[k].ai]);
			else
				put_diff_line(out, '+', &vb[ops[k].bi]);
			printed++;
		}
		i = end;
	}
	if (truncated)
		sb_printf(out, "... (diff truncated after %zu lines)\n", max_lines);
	ldiff_close(&d);
}

void out_diffstat(const char *a, size_t alen, const char *b, size_t blen, size_t *del,
		  size_t *add)
{
	*del = *add = 0;
	if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
		return;
	struct ldiff d;
	ldiff_open(&d, a, alen, b, blen);
	for (size_t i = 0; i < d.nops; i++) {
		*del += d.ops[i].kind == OP_DEL;
		*add += d.ops[i].kind == OP_ADD;
	}
	ldiff_close(&d);
}
