/*
 * diag_snippet.c - the source snippet under a text diagnostic: the line, cut to a window
 * around the caret, secrets masked, and the caret line.
 *
 *    41 | ...dask_worker: {node_selector: {role: dask-worker}}, notebook: {node_group: ...
 *       |    ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 *
 * A line wider than SNIPPET_WIDTH columns is cut as clang cuts it: the caret and as much
 * of the underlined range as fits, with context on both sides, and "..." where text was
 * left out; so a snippet costs the same on a line of 80 characters and on one of 8 MB.
 * Columns are terminal columns (utf8_width: wide characters take two, combining marks
 * none), a tab is shown as one space, a control character as <U+001B> (never sent to
 * the terminal), a masked range as *** (whatever its length, over lines too).
 *
 * Masks (ctx->masks: secret nodes, credentials, and mask_raw's secret values of spec and
 * SOPS files) are sorted and merged by diag_snippets_prepare, then found by binary search.
 * Consumes the finished diagnostics; appends to a strbuf; reads the ctx only, except
 * prepare, which adds the raw masks and sorts.
 */
#include "eragen.h"

#include <stdlib.h>
#include <string.h>

#define SNIPPET_WIDTH 120	/* columns of source text shown, "..." included */
#define MARK "..."
#define MARK_WIDTH 3
#define MASK_TEXT "***"
#define MASK_WIDTH 3
#define CONTEXT_MIN 16		/* columns of context kept beside a long underline */
#define SNIPPET_BYTES 1024	/* bytes of source text shown: zero-width characters take
				 * no column, and a line of a million of them must not print */

/* ---- masks ---- */

static int cmp_mask(const void *pa, const void *pb)
{
	const struct mask *a = pa, *b = pb;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->end < b->end ? -1 : a->end > b->end;
}

/* Sort by file and start; merge overlapping and adjacent ranges (one *** for both). */
static void masks_sort(struct ctx *ctx)
{
	if (ctx->nmasks < 2)
		return;
	qsort(ctx->masks, ctx->nmasks, sizeof(*ctx->masks), cmp_mask);
	size_t out = 0;
	for (size_t i = 0; i < ctx->nmasks; i++) {
		struct mask m = ctx->masks[i];
		struct mask *last = out ? &ctx->masks[out - 1] : NULL;
		if (last && last->file == m.file && m.start <= last->end) {
			if (m.end > last->end)
				last->end = m.end;
			continue;
		}
		ctx->masks[out++] = m;
	}
	ctx->nmasks = out;
}

/* The mask covering byte off of file, or NULL (masks sorted and merged). */
static const struct mask *mask_find(const struct ctx *ctx, uint32_t file, size_t off)
{
	size_t lo = 0, hi = ctx->nmasks;
	while (lo < hi) {	/* the first mask after (file, off) */
		size_t mid = lo + (hi - lo) / 2;
		const struct mask *m = &ctx->masks[mid];
		if (m->file < file || (m->file == file && m->start <= off))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct mask *m = &ctx->masks[lo - 1];
	return m->file == file && off < m->end ? m : NULL;
}

void diag_snippets_prepare(struct ctx *ctx)
{
	for (size_t i = 0; i < ctx->ndiags; i++) {
		const struct diag *d = ctx->diags[i];
		struct srcfile *f = d->loc.file && d->loc.file < ctx->nfiles
					    ? ctx->files[d->loc.file]
					    : NULL;
		/* only a printed finding shows a snippet: a suppressed one costs no parse */
		if (f && f->data && f->secrets != SRC_PLAIN && !f->raw_masked &&
		    diag_visible(ctx, d) && !d->suppressed) {
			f->raw_masked = true;
			if (f->secrets == SRC_SPEC)
				mask_raw(ctx, f);
			yaml_mask_secrets(ctx, f);
		}
	}
	masks_sort(ctx);
}

/* ---- cells: what one column or a few show ---- */

/* One line of one file being shown: bytes [ls, le) of f->data. */
struct line {
	const struct ctx *ctx;
	const struct srcfile *f;
	size_t ls, le;
};

struct cell {
	size_t start, end;	/* bytes */
	unsigned width;		/* columns */
	bool masked;
	uint32_t cp;
};

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

static struct cell cell_at(const struct line *ln, size_t p)
{
	const struct mask *m = mask_find(ln->ctx, ln->f->id, p);
	if (m)
		return (struct cell){ p, m->end < ln->le ? m->end : ln->le, MASK_WIDTH, true, 0 };
	uint32_t cp = 0xfffd;
	size_t n = utf8_decode(ln->f->data + p, ln->le - p, &cp);
	if (n == 0)	/* srcfile accepts only UTF-8: defensive */
		n = 1;
	unsigned w = cp == '\t' ? 1 : is_control(cp) ? 8 : (unsigned)utf8_width(cp);
	return (struct cell){ p, p + n, w, false, cp };
}

/* The cell that ends at p (p > ls). */
static struct cell cell_before(const struct line *ln, size_t p)
{
	size_t q = p - 1;
	while (q > ln->ls && ((unsigned char)ln->f->data[q] & 0xc0) == 0x80)
		q--;
	const struct mask *m = mask_find(ln->ctx, ln->f->id, q);
	if (m)
		return (struct cell){ m->start > ln->ls ? m->start : ln->ls, p, MASK_WIDTH, true, 0 };
	struct cell c = cell_at(ln, q);
	c.end = p;
	return c;
}

static void put_cell(struct strbuf *sb, const struct line *ln, const struct cell *c)
{
	if (c->masked)
		sb_puts(sb, MASK_TEXT);
	else if (c->cp == '\t')
		sb_putc(sb, ' ');
	else if (is_control(c->cp))
		sb_printf(sb, "<U+%04X>", (unsigned)c->cp);
	else
		sb_add(sb, ln->f->data + c->start, c->end - c->start);
}

/* The bytes put_cell prints for c. */
static size_t cell_bytes(const struct cell *c)
{
	if (c->masked)
		return strlen(MASK_TEXT);
	if (c->cp == '\t')
		return 1;
	return is_control(c->cp) ? 8 : c->end - c->start;
}

/* From p forward, whole cells of at most budget columns (and SNIPPET_BYTES printed):
 * where they end; *used gets their width. Stops at stop. */
static size_t walk_fwd(const struct line *ln, size_t p, size_t stop, unsigned budget,
		       unsigned *used)
{
	size_t out = 0;
	*used = 0;
	while (p < stop) {
		struct cell c = cell_at(ln, p);
		if (*used + c.width > budget || (out += cell_bytes(&c)) > SNIPPET_BYTES)
			break;
		*used += c.width;
		p = c.end;
	}
	return p;
}

/* From p back, whole cells of at most budget columns: where they start. */
static size_t walk_back(const struct line *ln, size_t p, unsigned budget, unsigned *used)
{
	size_t out = 0;
	*used = 0;
	while (p > ln->ls) {
		struct cell c = cell_before(ln, p);
		if (*used + c.width > budget || (out += cell_bytes(&c)) > SNIPPET_BYTES / 2)
			break;
		*used += c.width;
		p = c.start;
	}
	return p;
}

/* ---- the window ---- */

struct window {
	size_t s, e;		/* bytes shown */
	unsigned before;	/* columns from s to the caret */
};

/*
 * Bytes [s, e) of a line too wide to show whole, holding the caret at b0 and as much of
 * the underline (to b1) as fits: what remains is shared, half before the caret, the rest
 * after it; what one side cannot use goes to the other.
 */
static struct window choose_window(const struct line *ln, size_t b0, size_t b1)
{
	const unsigned room = SNIPPET_WIDTH - 2 * MARK_WIDTH;
	unsigned under;
	walk_fwd(ln, b0, b1, room, &under);
	unsigned want = under < room - CONTEXT_MIN ? under : room - CONTEXT_MIN;
	struct window w;
	w.s = walk_back(ln, b0, (room - want) / 2, &w.before);
	unsigned after;
	w.e = walk_fwd(ln, b0, ln->le, room - w.before, &after);
	if (w.e == ln->le && w.before + after < room) {
		unsigned more;
		w.s = walk_back(ln, w.s, room - w.before - after, &more);
		w.before += more;
	}
	return w;
}

/* The whole line when it fits in SNIPPET_WIDTH columns, else a window around b0. */
static struct window fit_window(const struct line *ln, size_t b0, size_t b1)
{
	unsigned width;
	size_t end = walk_fwd(ln, ln->ls, ln->le, SNIPPET_WIDTH, &width);
	if (end == ln->le) {
		struct window w = { ln->ls, ln->le, 0 };
		walk_fwd(ln, ln->ls, b0, SNIPPET_WIDTH, &w.before);
		return w;
	}
	return choose_window(ln, b0, b1);
}

/* The caret's byte and the end of the underlined range: columns [col, end_col] of the
 * line, or to its end when the node ends on a later line (or its end is unknown). A caret
 * inside a masked range moves to its ***. */
static void caret_range(const struct line *ln, const struct loc *l, size_t *b0, size_t *b1)
{
	*b0 = srcfile_offset(ln->f, l->line, l->col ? l->col : 1);
	if (*b0 > ln->le)
		*b0 = ln->le;
	const struct mask *m = *b0 < ln->le ? mask_find(ln->ctx, ln->f->id, *b0) : NULL;
	if (m && m->start > ln->ls)
		*b0 = m->start < *b0 ? m->start : *b0;
	else if (m)
		*b0 = ln->ls;
	if (l->end_line == l->line && l->end_col >= l->col)
		*b1 = srcfile_offset(ln->f, l->line, l->end_col + 1);
	else
		*b1 = ln->le;
	if (*b1 > ln->le)
		*b1 = ln->le;
	if (*b1 < *b0)
		*b1 = *b0;
}

void diag_snippet(const struct ctx *ctx, struct strbuf *sb, const struct loc *l)
{
	const struct srcfile *f = srcfile_get(ctx, l->file);
	if (!f || !f->data || l->line == 0 || l->line > f->nlines)
		return;
	size_t len;
	const char *text = srcfile_line(f, l->line, &len);
	struct line ln = { ctx, f, (size_t)(text - f->data), (size_t)(text - f->data) + len };
	size_t b0, b1;
	caret_range(&ln, l, &b0, &b1);
	struct window w = fit_window(&ln, b0, b1);
	bool pre = w.s > ln.ls, post = w.e < ln.le;

	char num[16];
	int gw = snprintf(num, sizeof(num), "%u", l->line);
	if (gw < 5)
		gw = 5;
	sb_printf(sb, "%*u | ", gw, l->line);
	if (pre)
		sb_puts(sb, MARK);
	for (size_t p = w.s; p < w.e;) {
		struct cell c = cell_at(&ln, p);
		put_cell(sb, &ln, &c);
		p = c.end;
	}
	if (post)
		sb_puts(sb, MARK);
	sb_putc(sb, '\n');

	unsigned under;
	walk_fwd(&ln, b0, b1 < w.e ? b1 : w.e, SNIPPET_WIDTH, &under);
	sb_printf(sb, "%*s | %*s", gw, "", (int)(w.before + (pre ? MARK_WIDTH : 0)), "");
	if (ctx->opt.use_color)
		sb_puts(sb, "\033[1;32m");
	sb_putc(sb, '^');
	for (unsigned i = 1; i < under; i++)
		sb_putc(sb, '~');
	if (ctx->opt.use_color)
		sb_puts(sb, "\033[0m");
	sb_putc(sb, '\n');
}
