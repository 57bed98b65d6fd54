/*
 * out_report.c - what check and build say about each generated file (out_report.h).
 *
 * check: out_report_file, called by the sync for each file that is not what the inputs
 * produce, appends its line to the report ("PATH: STATE (what to run) [RULE]", or with
 * --stat "STATE +ADD -DEL PATH"), its unified diff with --diff (truncated after 200
 * lines for a missing file, 400 for a changed one, 50 for an orphan), and, in the
 * formats other than text (whose per-file report stands for them), OUT001-OUT003 at
 * the file: line 1, or for a stale file the first line that differs (of the body, when
 * the bodies differ: every stale header differs in its digest). The location's file is
 * registered empty: a thousand stale files cost a thousand paths, not their text.
 *
 * build: out_list_* collect the paths and what was (or would be) done to them, and
 * print them in path order ("written   PATH (missing)").
 */
#include "out_int.h"
#include "out_report.h"

#include <stdlib.h>
#include <string.h>

/* ---- check ---------------------------------------------------------------------- */

/* The report's text of a state, as it was before the states were rules. */
static const char *state_text(const struct ctx *ctx, const struct out_item *it)
{
	bool staged = ctx->opt.staged, manifest = strcmp(it->path, OUT_MANIFEST) == 0;
	switch (it->kind) {
	case OUTK_MISSING:
		return staged ? "missing from the index (run 'eragen build --stage')"
			      : "missing (run 'eragen build')";
	case OUTK_STALE:
		if (manifest)
			return staged ? "stale in the index (run 'eragen build --stage')"
				      : "stale (run 'eragen build')";
		return staged ? "stale in the index (its staged inputs changed; run 'eragen build "
				"--stage')"
			      : "stale (its inputs changed; run 'eragen build')";
	case OUTK_EDITED:
		return "edited by hand (DRIFT005)";
	case OUTK_FOREIGN:
		return "not written by eragen (DRIFT005)";
	case OUTK_ORPHAN:
		return staged ? "orphaned in the index (no staged input produces it any more; "
				"'eragen build --prune --stage' deletes it)"
			      : "orphaned (no input produces it any more; 'eragen build --prune' "
				"deletes it)";
	case OUTK_ORPHAN_EDITED:
		return "orphaned and edited by hand (DRIFT005): 'eragen build --prune' keeps it";
	}
	BUG("out_kind %d", (int)it->kind);
}

static const char *const state_word[OUTK_ORPHAN_EDITED + 1] = {
	[OUTK_MISSING] = "missing", [OUTK_STALE] = "stale", [OUTK_EDITED] = "edited",
	[OUTK_FOREIGN] = "edited", [OUTK_ORPHAN] = "orphaned",
	[OUTK_ORPHAN_EDITED] = "orphaned",
};

/* the rule of each kind (DRIFT005, for the edited ones, is the sync's) */
static const char *const rule_of[OUTK_ORPHAN_EDITED + 1] = {
	[OUTK_MISSING] = "OUT001", [OUTK_STALE] = "OUT002", [OUTK_ORPHAN] = "OUT003",
};

static uint32_t count_lines(const char *s, size_t n)
{
	uint32_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += s[i] == '\n';
	return k;
}

/* The 1-based line of the disk's text where it and what build would write differ:
 * in the bodies when they differ (after the disk's header), else in the headers. */
static uint32_t stale_line(const struct out_item *it)
{
	const char *a = it->disk + it->dbody, *b = it->want + it->wbody;
	size_t an = it->dlen - it->dbody, bn = it->wlen - it->wbody;
	uint32_t skip = count_lines(it->disk, it->dbody);
	if (an == bn && (an == 0 || memcmp(a, b, an) == 0)) {
		a = it->disk, b = it->want, an = it->dlen, bn = it->wlen;
		skip = 0;
	}
	size_t n = an < bn ? an : bn, i = 0;
	while (i < n && a[i] == b[i])
		i++;
	return skip + count_lines(a, i) + 1;
}

/* OUT001-OUT003 at the file, for the formats other than text. */
static void add_diag(struct ctx *ctx, const struct out_item *it)
{
	bool staged = ctx->opt.staged;
	struct loc at = ow_gen_loc(ctx, it->path, NULL, 0, 0);
	if (at.file) {
		at.line = it->kind == OUTK_STALE && it->disk ? stale_line(it) : 1;
		at.col = 1;
	}
	const char *rule = rule_of[it->kind];
	struct diag *d;
	if (it->kind == OUTK_MISSING)
		d = diag_add(ctx, rule, it->env, at, "generated file '%s' is missing%s", it->path,
			     staged ? " from the index" : "");
	else if (it->kind == OUTK_STALE)
		d = diag_add(ctx, rule, it->env, at,
			     "generated file '%s' is stale%s: its %sinputs changed since it was "
			     "written", it->path, staged ? " in the index" : "",
			     staged ? "staged " : "");
	else
		d = diag_add(ctx, rule, it->env, at,
			     "generated file '%s' is orphaned%s: no %sinput produces it any more",
			     it->path, staged ? " in the index" : "", staged ? "staged " : "");
	if (it->kind == OUTK_ORPHAN)
		diag_help(ctx, d, "run 'eragen build --prune%s' to delete it (a removed "
				  "environment's stacks: destroy what they created first)",
			  staged ? " --stage" : "");
	else
		diag_help(ctx, d, "run 'eragen build%s'", staged ? " --stage" : "");
}

static void put_diff(const struct out_item *it, struct strbuf *r)
{
	struct strbuf la = STRBUF_INIT, lb = STRBUF_INIT;
	struct oom_guard ga, gb;
	oom_guard_strbuf(&ga, &la);
	oom_guard_strbuf(&gb, &lb);
	sb_printf(&la, "%s%s", it->disk ? "a/" : "/dev/null", it->disk ? it->path : "");
	sb_printf(&lb, "%s%s", it->want ? "b/" : "/dev/null", it->want ? it->path : "");
	size_t max = it->kind == OUTK_MISSING ? 200 : it->want ? 400 : 50;
	out_udiff(it->disk ? it->disk : "", it->disk ? it->dlen : 0,
		  it->want ? it->want : "", it->want ? it->wlen : 0, la.buf, lb.buf, max, r);
	oom_guard_pop(&gb);
	oom_guard_pop(&ga);
	sb_release(&lb);
	sb_release(&la);
}

void out_report_file(struct ctx *ctx, const struct out_opts *o, struct strbuf *r,
		     const struct out_item *it)
{
	if (o->stat) {
		char add[24] = "?", del[24] = "?";
		if (it->disk || it->kind == OUTK_MISSING) {
			size_t nd, na;
			out_diffstat(it->disk ? it->disk : "", it->disk ? it->dlen : 0,
				     it->want ? it->want : "", it->want ? it->wlen : 0, &nd, &na);
			snprintf(add, sizeof(add), "+%zu", na);
			snprintf(del, sizeof(del), "-%zu", nd);
		}
		sb_printf(r, "%-8s %7s %7s  %s\n", state_word[it->kind], add, del, it->path);
	} else {
		sb_printf(r, "%s: %s", it->path, state_text(ctx, it));
		if (rule_of[it->kind])
			sb_printf(r, " [%s]", rule_of[it->kind]);
		sb_putc(r, '\n');
	}
	if (o->udiff && (it->disk || it->kind == OUTK_MISSING))
		put_diff(it, r);
	if (rule_of[it->kind] && ctx->opt.format != FMT_TEXT)
		add_diag(ctx, it);
}

/* ---- build ---------------------------------------------------------------------- */

struct out_listed {
	const char *path;
	enum out_act act;
	const char *why;
};

void out_list_add(struct out_list *l, const char *path, enum out_act act, const char *why)
{
	struct out_listed e = { path, act, why };
	VEC_PUSH(l->v, l->n, l->cap, e);
}

static int cmp_listed(const void *a, const void *b)
{
	return strcmp(((const struct out_listed *)a)->path, ((const struct out_listed *)b)->path);
}

void out_list_print(struct out_list *l, bool dry, bool all, struct strbuf *out)
{
	static const char *const done[] = {
		[OUTA_WRITE] = "written", [OUTA_UNCHANGED] = "unchanged",
		[OUTA_DELETE] = "deleted", [OUTA_KEEP] = "kept",
	};
	static const char *const would[] = {
		[OUTA_WRITE] = "would write", [OUTA_UNCHANGED] = "unchanged",
		[OUTA_DELETE] = "would delete", [OUTA_KEEP] = "would keep",
	};
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_listed);
	for (size_t i = 0; i < l->n; i++) {
		const struct out_listed *e = &l->v[i];
		if (e->act == OUTA_UNCHANGED && !all)
			continue;
		sb_printf(out, "%-12s  %s", (dry ? would : done)[e->act], e->path);
		if (e->why)
			sb_printf(out, " (%s)", e->why);
		sb_putc(out, '\n');
	}
	free(l->v);
	*l = (struct out_list){ 0 };
}
