/*
 * check_select.c - `lint ENV`: the per-environment checks of the environments whose
 * findings it can show, not of all of them, with the same findings, bytes and exit code
 * as checking every environment and showing those that involve a selected one.
 *
 * What `lint ENV` shows of the checks (diag_visible): a finding that involves a selected
 * environment, and one that involves none. The checks of one environment (each family's
 * run_env, and drift's loop over the environments in its run_all) give each finding
 * exactly one environment, their own, so another's never involves a selected one by
 * itself; what it can change is a selected one's finding it has a copy of (same rule,
 * place and message): diag_finish merges the copies, and the merged finding names every
 * environment (the note "inherited by ...", the JSON and SARIF lists), raises its
 * severity when one of them is in production, keeps the first copy's notes and help (the
 * first in the order the checks ran), and is suppressed only when every copy is. A copy
 * is located in a file its environment reads, so the environments that read the file of
 * a selected environment's finding are checked too:
 *
 *   - an env.yaml the selected one reads (its own, a parent's): the environment it
 *     belongs to (an abstract parent is checked as well) and every one that extends it,
 *     directly or not;
 *   - anything else (_defaults.yaml, another environment's env.yaml, no file at all):
 *     every environment, the full run.
 *
 * Their findings involve none of the selected ones, so the set is a fixed point after one
 * round; the loop checks that it is. The checks run again from the start whenever the set
 * grew, in the order the full run has (family by family, environments in name order), so
 * that the first copy of a finding, its sequence number and the order of the environments
 * it names are those of the full run.
 *
 * What always runs for every environment: loading, resolving and the schema (their SPEC
 * findings, the masks of secret values), the cross-environment rules (XENV, AUTH009,
 * NET003: every environment's facts), and the two families that read files of their own
 * (struct check's every_env): secret, whose SOPS files (any secrets.file may name a
 * shared one) can be unreadable or not YAML, and whose scan of every spec file's raw
 * text for SECRET001 masks the credentials it finds (a snippet of a cross-environment
 * finding in an unchecked environment's file must show them masked), and extra, whose
 * files under extra/ can be unreadable. Findings that involve no environment (those;
 * SPEC findings of .eragen.yaml, the schema, a spec that cannot be read or parsed) come
 * from these parts: all of them are found, and each copy of their findings is there.
 *
 * Two switches that tests/cli/speed-lint-env*.sh alone sets: ERAGEN_TEST_FULL_CHECKS
 * checks every environment, the full run the fast one is compared with;
 * ERAGEN_TEST_CHECKED prints on stderr how many environments were checked, in how many
 * rounds, so that the speed is tested, not only the sameness.
 */
#include "eragen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool checks_select_wanted(const struct ctx *ctx)
{
	const char *full = getenv("ERAGEN_TEST_FULL_CHECKS");
	return ctx->opt.envs && !(full && *full);
}

/* What the findings of a round say must be checked: layer[f], the env.yaml whose id is f
 * (its environment and every one that extends it); or all. */
struct hits {
	bool *env_yaml;		/* [f]: f is some environment's env.yaml */
	bool *layer;
	bool all;
};

/* f is the env.yaml of e or of one of its ancestors */
static bool in_chain(const struct env *e, const struct srcfile *f)
{
	for (const struct env *x = e; x; x = x->parent)
		if (x->file == f)
			return true;
	return false;
}

/* Where the copies of d, a finding of own, can come from: a layer own reads, or anywhere
 * (a place own does not read as a layer: anyone could). */
static void hit(struct ctx *ctx, struct hits *h, const struct diag *d, const struct env *own)
{
	const struct srcfile *f = srcfile_get(ctx, d->loc.file);
	if (f && h->env_yaml[f->id] && in_chain(own, f))
		h->layer[f->id] = true;
	else
		h->all = true;
}

/* One round: the families in order; own[k - from] tells the findings of the families
 * that ran for the checked environments only (the others ran for every one: each of
 * their copies is there already). */
static void run_round(struct ctx *ctx, size_t from, bool **own)
{
	size_t cap = 0;
	for (size_t f = 0; f < checks_nfamilies(); f++) {
		size_t start = ctx->ndiags;
		bool every = checks_run_family(ctx, f);
		if (ctx->ndiags - from > cap) {
			cap = ctx->ndiags - from;
			*own = xrealloc(*own, cap * sizeof(**own));
		}
		for (size_t k = start; k < ctx->ndiags; k++)
			(*own)[k - from] = !every;
	}
}

/* The findings diags[from..) of one round: the environments their copies come from
 * marked in need[]; how many were not marked before. One pass over the findings, one
 * over the environments and their extends chains. */
static size_t grow(struct ctx *ctx, size_t from, const bool *own, bool *need)
{
	/* the files the checks read were registered as they went: counted now */
	size_t nf = ctx->nfiles + 1;
	struct hits h = { arena_alloc(&ctx->perm, nf), arena_alloc(&ctx->perm, nf), false };
	memset(h.env_yaml, 0, nf);
	memset(h.layer, 0, nf);
	for (size_t i = 0; i < ctx->nenvs; i++)
		if (ctx->envs[i]->file)
			h.env_yaml[ctx->envs[i]->file->id] = true;
	for (size_t k = from; k < ctx->ndiags; k++) {
		const struct diag *d = ctx->diags[k];
		if (!own[k - from] || d->nenvs != 1)
			continue;	/* none (always shown), or a cross-environment rule's */
		const struct env *e = ctx_env(ctx, d->envs[0]);
		if (e && e->selected)
			hit(ctx, &h, d, e);
	}
	size_t added = 0;
	for (size_t i = 0; i < ctx->nenvs; i++) {
		bool reads = h.all;
		for (const struct env *x = ctx->envs[i]; x && !reads; x = x->parent)
			reads = x->file && h.layer[x->file->id];
		if (reads && !need[i]) {
			need[i] = true;
			added++;
		}
	}
	return added;
}

static void release_own(void *p)
{
	bool **own = p;
	free(*own);
	*own = NULL;
}

void checks_run_selected(struct ctx *ctx)
{
	bool *need = arena_alloc(&ctx->perm, ctx->nenvs + 1);
	for (size_t i = 0; i < ctx->nenvs; i++)
		need[i] = ctx->envs[i]->selected;
	size_t before = ctx->ndiags, rounds = 0;
	for (;;) {
		rounds++;
		for (size_t i = 0; i < ctx->nenvs; i++)
			ctx->envs[i]->unchecked = !need[i];
		bool *own = NULL;
		struct oom_guard guard;
		oom_guard_push(&guard, release_own, &own);
		run_round(ctx, before, &own);
		size_t added = grow(ctx, before, own, need);
		oom_guard_pop(&guard);
		release_own(&own);
		if (added == 0)
			break;
		ctx->ndiags = before;	/* again, in the full run's order */
	}
	size_t checked = 0;
	for (size_t i = 0; i < ctx->nenvs; i++) {
		checked += need[i];
		ctx->envs[i]->unchecked = false;
	}
	if (getenv("ERAGEN_TEST_CHECKED"))
		fprintf(stderr, "eragen: test: %zu of %zu environments checked in %zu round%s\n",
			checked, ctx->nenvs, rounds, rounds == 1 ? "" : "s");
}
