/*
 * diag_cap.c - what keeps the diagnostics' output linear in the input.
 *
 * Three caps, each where a finding's text is made:
 *   - a message, note or help line embeds a string argument (%s, %.*s) of at most
 *     DIAG_VALUE_MAX characters: a longer one is cut, with "..." (diag_vformat), so a
 *     value of a megabyte quoted by a thousand findings is not a gigabyte of output;
 *   - a finding keeps DIAG_MAX_NOTES notes, then one "and N more notes" (diag_note_over);
 *   - the text and GitHub formats show DIAG_MAX_SAME findings of one rule in one file,
 *     then one note "N more like this" (diag_cap_each); JSON and SARIF list every one.
 * diag_vformat consumes a printf format and its arguments; the plan reads ctx->diags
 * after diag_finish.
 */
#include "eragen.h"

#include <stdlib.h>
#include <string.h>

/* ---- formatting with capped strings ---- */

struct spec {
	char text[64];		/* the conversion with '*' replaced by numbers, for snprintf */
	bool minus;		/* '-' flag */
	int width, prec;	/* -1: none */
	char length[3];		/* hh h l ll z j t L, or "" */
	char conv;
};

static int read_num(const char **p)
{
	long v = 0;
	for (; **p >= '0' && **p <= '9'; (*p)++)
		if (v < 100000)
			v = v * 10 + (**p - '0');
	return (int)v;
}

/* Parse the conversion at *fmt (just after '%'), reading '*' arguments from ap. */
static void spec_parse(const char **fmt, va_list *ap, struct spec *sp)
{
	const char *p = *fmt;
	char flags[8];
	size_t nflags = 0;
	memset(sp, 0, sizeof(*sp));
	sp->width = sp->prec = -1;
	for (; *p && strchr("-+ #0", *p); p++) {
		sp->minus = sp->minus || *p == '-';
		if (nflags < sizeof(flags) - 2 && *p != '-')
			flags[nflags++] = *p;
	}
	if (*p == '*') {
		int w = va_arg(*ap, int);
		sp->minus = sp->minus || w < 0;	/* a negative '*' width is the '-' flag */
		sp->width = w < 0 ? (w == -w ? 0 : -w) : w;
		p++;
	} else if (*p >= '0' && *p <= '9') {
		sp->width = read_num(&p);
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			int v = va_arg(*ap, int);
			sp->prec = v < 0 ? -1 : v;	/* negative: as if there were none */
			p++;
		} else {
			sp->prec = read_num(&p);
		}
	}
	for (size_t k = 0; *p && strchr("hlzjtL", *p) && k < 2; k++)
		sp->length[k] = *p++;
	sp->conv = *p ? *p++ : '\0';
	if (sp->minus)
		flags[nflags++] = '-';
	flags[nflags] = '\0';
	char w[16] = "", pr[16] = "";
	if (sp->width >= 0)
		snprintf(w, sizeof(w), "%d", sp->width);
	if (sp->prec >= 0)
		snprintf(pr, sizeof(pr), ".%d", sp->prec);
	snprintf(sp->text, sizeof(sp->text), "%%%s%s%s%s%c", flags, w, pr, sp->length, sp->conv);
	*fmt = p;
}

/*
 * s[0..n) with every control character (C0 but tab and newline, DEL, C1) shown as
 * <U+XXXX>, as snippets show them: a value quoted in a message never reaches a terminal
 * as an escape sequence or a carriage return. (Tabs and newlines stay: a string may be a
 * help text of several lines, and a spec value cannot hold a newline where one is quoted:
 * SPEC006.)
 */
static void put_visible(struct strbuf *sb, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned cp = c;
		size_t len = 1;
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f) {
			cp = (unsigned char)s[i + 1];	/* U+0080..U+009F */
			len = 2;
		} else if ((c >= 0x20 && c != 0x7f) || c == '\t' || c == '\n') {
			continue;
		}
		sb_add(sb, s + run, i - run);
		sb_printf(sb, "<U+%04X>", cp);
		i += len - 1;
		run = i + 1;
	}
	sb_add(sb, s + run, n - run);
}

/* A string argument: at most DIAG_VALUE_MAX code points, then "...". */
static void put_capped(struct strbuf *sb, const struct spec *sp, const char *s)
{
	if (!s)
		s = "(null)";
	size_t n = sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s);
	size_t cut = 0, cps = 0;
	while (cut < n && cps < DIAG_VALUE_MAX) {
		cut++;
		while (cut < n && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut++;
		cps++;
	}
	size_t shown = cps + (cut < n ? 3 : 0);
	size_t pad = sp->width > 0 && (size_t)sp->width > shown ? (size_t)sp->width - shown : 0;
	for (size_t i = 0; !sp->minus && i < pad; i++)
		sb_putc(sb, ' ');
	put_visible(sb, s, cut);
	if (cut < n)
		sb_puts(sb, "...");
	for (size_t i = 0; sp->minus && i < pad; i++)
		sb_putc(sb, ' ');
}

/* Any other conversion, given back to printf with its argument of the right type. */
static void put_other(struct strbuf *sb, const struct spec *sp, va_list *ap)
{
	const char *len = sp->length;
	switch (sp->conv) {
	case 'd':
	case 'i':
		if (!strcmp(len, "l")) sb_printf(sb, sp->text, va_arg(*ap, long));
		else if (!strcmp(len, "ll")) sb_printf(sb, sp->text, va_arg(*ap, long long));
		else if (!strcmp(len, "z") || !strcmp(len, "t")) sb_printf(sb, sp->text, va_arg(*ap, ptrdiff_t));
		else if (!strcmp(len, "j")) sb_printf(sb, sp->text, va_arg(*ap, intmax_t));
		else sb_printf(sb, sp->text, va_arg(*ap, int));
		return;
	case 'u':
	case 'o':
	case 'x':
	case 'X':
		if (!strcmp(len, "l")) sb_printf(sb, sp->text, va_arg(*ap, unsigned long));
		else if (!strcmp(len, "ll")) sb_printf(sb, sp->text, va_arg(*ap, unsigned long long));
		else if (!strcmp(len, "z") || !strcmp(len, "t")) sb_printf(sb, sp->text, va_arg(*ap, size_t));
		else if (!strcmp(len, "j")) sb_printf(sb, sp->text, va_arg(*ap, uintmax_t));
		else sb_printf(sb, sp->text, va_arg(*ap, unsigned));
		return;
	case 'c':
		sb_printf(sb, sp->text, va_arg(*ap, int));
		return;
	case 'p':
		sb_printf(sb, sp->text, va_arg(*ap, void *));
		return;
	case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
		if (!strcmp(len, "L"))
			sb_printf(sb, sp->text, va_arg(*ap, long double));
		else
			sb_printf(sb, sp->text, va_arg(*ap, double));
		return;
	default:
		BUG("unsupported conversion '%s' in a diagnostic", sp->text);
	}
}

/* fmt with ap, into a; each string argument capped (put_capped). */
static char *vformat(struct arena *a, const char *fmt, va_list *ap)
{
	struct strbuf sb = SB_IN(a);
	while (*fmt) {
		const char *pct = strchr(fmt, '%');
		size_t lit = pct ? (size_t)(pct - fmt) : strlen(fmt);
		sb_add(&sb, fmt, lit);
		fmt += lit;
		if (!*fmt)
			break;
		fmt++;
		if (*fmt == '%') {
			sb_putc(&sb, '%');
			fmt++;
			continue;
		}
		struct spec sp;
		spec_parse(&fmt, ap, &sp);
		if (sp.conv == 's')
			put_capped(&sb, &sp, va_arg(*ap, const char *));
		else
			put_other(&sb, &sp, ap);
	}
	return sb.buf ? sb.buf : arena_strdup(a, "");
}

char *diag_vformat(struct arena *a, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	char *s = vformat(a, fmt, &copy);
	va_end(copy);
	return s;
}

/* ---- notes ---- */

#define OVER_LEN 40

void diag_note_over(struct ctx *ctx, struct diag *d)
{
	if (d->notes_dropped++ == 0) {
		struct diag_note n = { { 0 }, arena_alloc(&ctx->perm, OVER_LEN) };
		ARENA_PUSH(&ctx->perm, d->notes, d->nnotes, d->capnotes, n);
	}
	snprintf(d->notes[DIAG_MAX_NOTES].msg, OVER_LEN, "and %u more note%s", d->notes_dropped,
		 d->notes_dropped == 1 ? "" : "s");
}

/* ---- findings shown per rule and file ---- */

static const char *group_path(const struct ctx *ctx, const struct diag *d)
{
	const struct srcfile *f = srcfile_get(ctx, d->loc.file);
	return f ? f->path : "";
}

static bool printed(const struct ctx *ctx, const struct diag *d)
{
	return diag_visible(ctx, d) && !d->suppressed;
}

/* One file's findings, diags[from..to): the plan for each, with total[] and seen[]
 * (per rule) zero before and after. */
static void plan_group(const struct ctx *ctx, size_t from, size_t to, uint32_t *plan,
		       uint32_t *total, uint32_t *seen)
{
	for (size_t i = from; i < to; i++)
		if (printed(ctx, ctx->diags[i]))
			total[rule_index(ctx->diags[i]->rule)]++;
	for (size_t i = from; i < to; i++) {
		const struct diag *d = ctx->diags[i];
		size_t r = rule_index(d->rule);
		plan[i] = DIAG_CAP_HIDDEN;
		if (!printed(ctx, d) || ++seen[r] > DIAG_MAX_SAME)
			continue;
		plan[i] = seen[r] == DIAG_MAX_SAME ? total[r] - DIAG_MAX_SAME : 0;
	}
	for (size_t i = from; i < to; i++) {
		size_t r = rule_index(ctx->diags[i]->rule);
		total[r] = seen[r] = 0;
	}
}

/* plan[i] is DIAG_CAP_HIDDEN for a finding not shown (not visible, suppressed, or beyond
 * the first DIAG_MAX_SAME of its rule in its file), else how many of its rule and file
 * are hidden after it (nonzero on the last one shown). In the run's arena. */
static uint32_t *cap_plan(struct ctx *ctx)
{
	/* the plan, then two counters per rule, in one block */
	size_t nrules = rule_count();
	size_t n = ctx->ndiags + 2 * nrules + 1;
	if (n > SIZE_MAX / sizeof(uint32_t))
		oom();
	uint32_t *plan = arena_alloc(&ctx->perm, n * sizeof(*plan));
	uint32_t *total = plan + ctx->ndiags, *seen = total + nrules;
	for (size_t from = 0, to; from < ctx->ndiags; from = to) {
		const char *path = group_path(ctx, ctx->diags[from]);
		for (to = from + 1; to < ctx->ndiags; to++)
			if (strcmp(group_path(ctx, ctx->diags[to]), path) != 0)
				break;
		plan_group(ctx, from, to, plan, total, seen);
	}
	return plan;
}

void diag_cap_each(struct ctx *ctx, struct strbuf *out, diag_one_fn one, diag_more_fn more)
{
	uint32_t *plan = cap_plan(ctx);
	for (size_t i = 0; i < ctx->ndiags; i++) {
		if (plan[i] == DIAG_CAP_HIDDEN)
			continue;
		one(ctx, out, ctx->diags[i]);
		if (plan[i])
			more(ctx, out, ctx->diags[i], plan[i]);
	}
}

void diag_cap_note(struct strbuf *sb, const struct diag *d, uint32_t more)
{
	sb_printf(sb, "and %lu more [%s] like this%s (--format json lists them all)",
		  (unsigned long)more, d->rule->id, d->loc.file ? " in this file" : "");
}
