/*
 * diag.c - diagnostics: collect, merge, order, and render as compiler-style text.
 *
 * Findings are collected for the whole run (all problems are reported at once). Before
 * rendering, diag_finish merges the copies of a finding about an inherited value (one per
 * inheriting environment) into one, raises W/E rules on production, and sorts by file,
 * line, column and rule. JSON, SARIF and GitHub output live in diag_fmt.c, the source
 * snippet under a text finding in diag_snippet.c, the caps that keep the output linear in
 * the input (quoted strings, notes, findings of a rule per file) in diag_cap.c.
 */
#include "config.h"
#include "eragen.h"

#include <stdlib.h>
#include <string.h>

struct diag *diag_vadd(struct ctx *ctx, const char *rule, const char *env, struct loc loc,
		       const char *fmt, va_list ap)
{
	const struct rule *r = rule_find(rule);
	if (!r)
		BUG("unknown rule '%s'", rule);
	struct diag *d = arena_alloc(&ctx->perm, sizeof(*d));
	d->rule = r;
	int sev = config_severity(ctx, r, r->sev);	/* .eragen.yaml's rules */
	d->sev = sev == CONFIG_SEV_OFF ? r->sev : (enum severity)sev;
	d->loc = loc;
	d->msg = diag_vformat(&ctx->perm, fmt, ap);
	d->seq = (uint32_t)ctx->ndiags;
	if (env)
		ARENA_PUSH(&ctx->perm, d->envs, d->nenvs, d->capenvs, env);
	VEC_PUSH(ctx->diags, ctx->ndiags, ctx->capdiags, d);
	return d;
}

struct diag *diag_add(struct ctx *ctx, const char *rule, const char *env, struct loc loc,
		      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct diag *d = diag_vadd(ctx, rule, env, loc, fmt, ap);
	va_end(ap);
	return d;
}

static void note_push(struct ctx *ctx, struct diag *d, struct loc loc, char *msg)
{
	struct diag_note n = { loc, msg };
	ARENA_PUSH(&ctx->perm, d->notes, d->nnotes, d->capnotes, n);
}

void diag_note(struct ctx *ctx, struct diag *d, struct loc loc, const char *fmt, ...)
{
	if (d->nnotes >= DIAG_MAX_NOTES) {
		diag_note_over(ctx, d);
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	note_push(ctx, d, loc, diag_vformat(&ctx->perm, fmt, ap));
	va_end(ap);
}

void diag_help(struct ctx *ctx, struct diag *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	d->help = diag_vformat(&ctx->perm, fmt, ap);
	va_end(ap);
}

void mask_add(struct ctx *ctx, uint32_t file, size_t start, size_t end)
{
	struct mask m = { file, start, end };
	VEC_PUSH(ctx->masks, ctx->nmasks, ctx->capmasks, m);
}

void mask_loc(struct ctx *ctx, const struct loc *l)
{
	const struct srcfile *f = srcfile_get(ctx, l->file);
	if (!f || l->line == 0)
		return;
	size_t start = srcfile_offset(f, l->line, l->col);
	uint32_t end_line = l->end_line ? l->end_line : l->line;
	size_t end = srcfile_offset(f, end_line, l->end_col + 1);
	if (end > start)
		mask_add(ctx, f->id, start, end);
}

/* ---- finishing: merge, severity, order ---- */

static const char *loc_path(const struct ctx *ctx, const struct loc *l)
{
	const struct srcfile *f = srcfile_get(ctx, l->file);
	return f ? f->path : "";
}

static const struct ctx *sort_ctx;	/* qsort has no context argument */

/* By file path, line, column, then rule. */
static int cmp_place(const struct diag *a, const struct diag *b)
{
	int c = strcmp(loc_path(sort_ctx, &a->loc), loc_path(sort_ctx, &b->loc));
	if (c)
		return c;
	if (a->loc.line != b->loc.line)
		return a->loc.line < b->loc.line ? -1 : 1;
	if (a->loc.col != b->loc.col)
		return a->loc.col < b->loc.col ? -1 : 1;
	return strcmp(a->rule->id, b->rule->id);
}

/* Copies of one finding (same place, rule and message) end up next to each other. */
static int cmp_diag_identity(const void *pa, const void *pb)
{
	const struct diag *a = *(struct diag *const *)pa, *b = *(struct diag *const *)pb;
	int c = cmp_place(a, b);
	if (c || (c = strcmp(a->msg, b->msg)))
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static bool same_finding(const struct diag *a, const struct diag *b)
{
	return a->rule == b->rule && a->loc.file == b->loc.file && a->loc.line == b->loc.line &&
	       a->loc.col == b->loc.col && strcmp(a->msg, b->msg) == 0;
}

void diag_env(struct ctx *ctx, struct diag *d, const char *env)
{
	for (size_t i = 0; i < d->nenvs; i++)
		if (strcmp(d->envs[i], env) == 0)
			return;
	ARENA_PUSH(&ctx->perm, d->envs, d->nenvs, d->capenvs, env);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A spec that layering reads: environments/_defaults.yaml or an environment's env.yaml. */
static bool is_spec_file(const struct srcfile *f)
{
	return f && strncmp(f->path, "environments/", 13) == 0 &&
	       (strcmp(f->path, "environments/_defaults.yaml") == 0 || str_ends_with(f->path, "/env.yaml"));
}

/* The value behind a finding was set in a spec that is not the environment's own (the
 * defaults or a parent): say which environments inherit it. */
static void note_inheritance(struct ctx *ctx, struct diag *d)
{
	if (d->nenvs == 0 || !is_spec_file(srcfile_get(ctx, d->loc.file)))
		return;
	for (size_t i = 0; i < d->nenvs; i++) {
		const struct env *e = ctx_env(ctx, d->envs[i]);
		if (!e || !e->file || e->file->id == d->loc.file)
			return;
	}
	if (d->nenvs > 1)
		qsort(d->envs, d->nenvs, sizeof(*d->envs), cmp_str);
	struct strbuf sb = SB_IN(&ctx->perm);
	for (size_t i = 0; i < d->nenvs && i < DIAG_MAX_ENVS; i++)
		sb_printf(&sb, "%s'%s'", i ? ", " : "", d->envs[i]);
	if (d->nenvs > DIAG_MAX_ENVS)
		sb_printf(&sb, " and %zu more", d->nenvs - DIAG_MAX_ENVS);
	/* past DIAG_MAX_NOTES too: the environments are named DIAG_MAX_ENVS at most */
	char *msg = arena_printf(&ctx->perm, "inherited by %s", sb.buf);
	note_push(ctx, d, (struct loc){ 0 }, msg);
}

static void raise_severity(const struct ctx *ctx, struct diag *d)
{
	if (!d->rule->raise_on_prod)
		return;
	for (size_t i = 0; i < d->nenvs; i++) {
		const struct env *e = ctx_env(ctx, d->envs[i]);
		if (!e)
			continue;
		if (e->tier == TIER_PRODUCTION ||
		    (e->tier == TIER_STAGING && d->rule->raise_on_staging))
			d->sev = SEV_ERROR;
	}
}

/* The order diagnostics are shown in: command-line problems first, then by place. */
static int cmp_diag_order(const void *pa, const void *pb)
{
	const struct diag *a = *(struct diag *const *)pa, *b = *(struct diag *const *)pb;
	if ((a->loc.file == 0) != (b->loc.file == 0))
		return a->loc.file == 0 ? -1 : 1;
	int c = cmp_place(a, b);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void diag_merge_late(struct ctx *ctx, size_t before)
{
	if (ctx->ndiags <= before)
		return;
	sort_ctx = ctx;
	qsort(ctx->diags + before, ctx->ndiags - before, sizeof(*ctx->diags), cmp_diag_order);
	/* merge the two sorted runs */
	struct diag **tmp = xmalloc(ctx->ndiags * sizeof(*tmp));
	size_t i = 0, j = before, k = 0;
	while (i < before && j < ctx->ndiags)
		tmp[k++] = cmp_diag_order(&ctx->diags[j], &ctx->diags[i]) < 0 ? ctx->diags[j++]
									      : ctx->diags[i++];
	while (i < before)
		tmp[k++] = ctx->diags[i++];
	while (j < ctx->ndiags)
		tmp[k++] = ctx->diags[j++];
	memcpy(ctx->diags, tmp, ctx->ndiags * sizeof(*tmp));
	free(tmp);
	sort_ctx = NULL;
}

/*
 * Merge the copies diags[from..to) of one finding into the first: the environments of
 * all, each once, in the order first seen (a finding about a value a thousand
 * environments inherit has a thousand copies: they are told apart by a table, not by
 * searching the list for each).
 */
static void merge_copies(struct ctx *ctx, struct arena *a, size_t from, size_t to)
{
	struct diag *keep = ctx->diags[from];
	struct strmap seen = { 0 };
	for (size_t k = 0; k < keep->nenvs; k++)
		strmap_put(a, &seen, keep->envs[k], strlen(keep->envs[k]), k);
	for (size_t i = from + 1; i < to; i++) {
		const struct diag *d = ctx->diags[i];
		for (size_t k = 0; k < d->nenvs; k++)
			if (strmap_put(a, &seen, d->envs[k], strlen(d->envs[k]), keep->nenvs))
				ARENA_PUSH(&ctx->perm, keep->envs, keep->nenvs, keep->capenvs,
					   d->envs[k]);
		keep->suppressed = keep->suppressed && d->suppressed;
	}
}

void diag_finish(struct ctx *ctx)
{
	if (ctx->ndiags == 0)
		return;	/* qsort must not see the NULL array */
	sort_ctx = ctx;
	qsort(ctx->diags, ctx->ndiags, sizeof(*ctx->diags), cmp_diag_identity);
	struct arena a;
	arena_init(&a);
	struct oom_guard guard;
	oom_guard_arena(&guard, &a);
	size_t out = 0;
	for (size_t i = 0, j; i < ctx->ndiags; i = j) {
		for (j = i + 1; j < ctx->ndiags && same_finding(ctx->diags[i], ctx->diags[j]); j++)
			;
		if (j - i > 1)
			merge_copies(ctx, &a, i, j);
		ctx->diags[out++] = ctx->diags[i];
	}
	oom_guard_pop(&guard);
	arena_release(&a);
	ctx->ndiags = out;
	for (size_t i = 0; i < ctx->ndiags; i++) {
		struct diag *d = ctx->diags[i];
		raise_severity(ctx, d);
		/* .eragen.yaml's severity is the last word, also on production */
		int sev = config_severity(ctx, d->rule, d->sev);
		if (sev != CONFIG_SEV_OFF)
			d->sev = (enum severity)sev;
		note_inheritance(ctx, d);
	}
	qsort(ctx->diags, ctx->ndiags, sizeof(*ctx->diags), cmp_diag_order);
	sort_ctx = NULL;
}

bool diag_visible(const struct ctx *ctx, const struct diag *d)
{
	if (ctx->opt.only && !str_in_list(ctx->opt.only, d->rule->id))
		return false;
	if (ctx->opt.skip && str_in_list(ctx->opt.skip, d->rule->id))
		return false;
	/* off in .eragen.yaml; --only names it: the flag wins */
	if (ctx->config && config_severity(ctx, d->rule, d->sev) == CONFIG_SEV_OFF &&
	    !(ctx->opt.only && str_in_list(ctx->opt.only, d->rule->id)))
		return false;
	if (ctx->opt.envs && d->nenvs > 0) {
		bool involved = false;
		for (size_t i = 0; i < d->nenvs && !involved; i++) {
			const struct env *e = ctx_env(ctx, d->envs[i]);
			involved = e && e->selected;
		}
		if (!involved)
			return false;
	}
	return true;
}

struct diag_counts diag_count(const struct ctx *ctx)
{
	struct diag_counts c = { 0 };
	for (size_t i = 0; i < ctx->ndiags; i++) {
		const struct diag *d = ctx->diags[i];
		if (!diag_visible(ctx, d))
			continue;
		if (d->suppressed) {
			c.suppressed++;
			continue;
		}
		switch (d->sev) {
		case SEV_ERROR: c.errors++; break;
		case SEV_WARNING: c.warnings++; break;
		case SEV_NOTE: c.notes++; break;
		}
	}
	return c;
}

/* ---- text ---- */

#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_MAGENTA "\033[1;35m"
#define C_CYAN "\033[1;36m"
#define C_BLUE "\033[1;34m"
#define C_RESET "\033[0m"

static const char *sev_name(enum severity s)
{
	return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "note";
}

static const char *sev_color(enum severity s)
{
	return s == SEV_ERROR ? C_RED : s == SEV_WARNING ? C_MAGENTA : C_CYAN;
}

static void put_color(struct strbuf *sb, bool color, const char *code)
{
	if (color)
		sb_puts(sb, code);
}

static void put_location(const struct ctx *ctx, struct strbuf *sb, const struct loc *l)
{
	const struct srcfile *f = srcfile_get(ctx, l->file);
	if (!f)
		return;
	put_color(sb, ctx->opt.use_color, C_BOLD);
	if (l->line)
		sb_printf(sb, "%s:%u:%u: ", f->path, l->line, l->col);
	else
		sb_printf(sb, "%s: ", f->path);
	put_color(sb, ctx->opt.use_color, C_RESET);
}

static void render_one(const struct ctx *ctx, struct strbuf *sb, const struct diag *d)
{
	bool color = ctx->opt.use_color;
	put_location(ctx, sb, &d->loc);
	if (d->loc.file == 0)
		sb_puts(sb, "eragen: ");
	put_color(sb, color, sev_color(d->sev));
	sb_printf(sb, "%s[%s]", sev_name(d->sev), d->rule->id);
	put_color(sb, color, C_RESET);
	put_color(sb, color, C_BOLD);
	sb_printf(sb, ": %s", d->msg);
	put_color(sb, color, C_RESET);
	sb_putc(sb, '\n');
	diag_snippet(ctx, sb, &d->loc);
	for (size_t i = 0; i < d->nnotes; i++) {
		const struct diag_note *n = &d->notes[i];
		put_location(ctx, sb, &n->loc);
		put_color(sb, color, C_CYAN);
		sb_puts(sb, "note");
		put_color(sb, color, C_RESET);
		sb_printf(sb, ": %s\n", n->msg);
	}
	if (d->help) {
		put_color(sb, color, C_BLUE);
		sb_puts(sb, "help");
		put_color(sb, color, C_RESET);
		sb_printf(sb, ": %s\n", d->help);
	}
}

/* The note that stands for the findings like d that are not shown. */
static void render_more(const struct ctx *ctx, struct strbuf *sb, const struct diag *d,
			uint32_t more)
{
	put_location(ctx, sb, &(struct loc){ .file = d->loc.file });
	put_color(sb, ctx->opt.use_color, C_CYAN);
	sb_puts(sb, "note");
	put_color(sb, ctx->opt.use_color, C_RESET);
	sb_puts(sb, ": ");
	diag_cap_note(sb, d, more);
	sb_putc(sb, '\n');
}

void diag_render_text(struct ctx *ctx, struct strbuf *out)
{
	diag_snippets_prepare(ctx);
	diag_cap_each(ctx, out, render_one, render_more);
	struct diag_counts c = diag_count(ctx);
	if (c.errors || c.warnings || c.notes) {
		/* the summary line */
		size_t start = out->len;
		if (c.errors)
			sb_printf(out, "%zu error%s", c.errors, c.errors == 1 ? "" : "s");
		if (c.warnings)
			sb_printf(out, "%s%zu warning%s", out->len > start ? ", " : "", c.warnings,
				  c.warnings == 1 ? "" : "s");
		if (c.notes)
			sb_printf(out, "%s%zu note%s", out->len > start ? ", " : "", c.notes,
				  c.notes == 1 ? "" : "s");
		if (c.suppressed)
			sb_printf(out, " (%zu suppressed)", c.suppressed);
		sb_putc(out, '\n');
	}
}

void diag_render(struct ctx *ctx, struct strbuf *out)
{
	switch (ctx->opt.format) {
	case FMT_TEXT: diag_render_text(ctx, out); break;
	case FMT_JSON: diag_render_json(ctx, out); break;
	case FMT_SARIF: diag_render_sarif(ctx, out); break;
	case FMT_GITHUB: diag_render_github(ctx, out); break;
	}
}
