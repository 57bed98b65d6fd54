/*
 * check_select.c - `lint ENV`: the per-environment checks of the environments whose
 * findings it can show, not of all of them, with the same findings, bytes and exit code
 * as checking every environment and showing those that involve a selected one.
 *
 * What `lint ENV` shows of the checks (diag_visible): a finding that involves a selected
 * environment, and one that involves none. Per-environment checks (each family's run_env,
 * and the per-environment loops of the run_all families: extra, secret's KMS and SOPS
 * parts, drift) give each finding exactly one environment, their own, so another's never
 * involves a selected one by itself; what it can change is a selected one's finding it
 * has a copy of (same rule, place and message): diag_finish merges the copies, and the
 * merged finding names every environment (the note "inherited by ...", the JSON and SARIF
 * lists), raises its severity when one of them is in production, keeps the first copy's
 * notes and help (the first in the order the checks ran), and is suppressed only when
 * every copy is. A copy is located in a file its environment reads, so the environments
 * that read the file of a selected environment's finding are checked too:
 *
 *   - an env.yaml the selected one reads (its own, a parent's): the environment it
 *     belongs to (an abstract parent is checked as well) and every one that extends it,
 *     directly or not;
 *   - environments/<env>/extra/ (DRIFT006): <env> alone (extra.c reads its own only);
 *   - anything else (_defaults.yaml, a SOPS file, which secrets.file of any environment
 *     may name, no file at all): every environment, the full run.
 *
 * Their findings involve none of the selected ones, so the set is a fixed point after one
 * round; the loop checks that it is. The checks run again from the start whenever the set
 * grew, in the order the full run has (family by family, environments in name order), so
 * that the first copy of a finding, its sequence number and the order of the environments
 * it names are those of the full run.
 *
 * What always runs for every environment: loading, resolving and the schema (their SPEC
 * findings, the masks of secret values), the cross-environment rules (XENV, AUTH009,
 * NET003: every environment's facts) and SECRET001's scan of every spec file's raw text
 * (it masks the credentials it finds, which a snippet of a cross-environment finding in
 * an unchecked environment's file must not show). Findings that involve no environment
 * (SECRET001 in _defaults.yaml; SPEC findings of .eragen.yaml, the schema, a file that
 * cannot be read) come from those parts: all of them are found.
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

/* path is under environments/<e>/extra/ */
static bool in_extra(const struct env *e, const char *path)
{
	size_t n = strlen(e->dir);
	return strncmp(path, e->dir, n) == 0 && strncmp(path + n, "/extra/", 7) == 0;
}

/* What the findings of a round say must be checked: layer[f], the env.yaml whose id is f
 * (its environment and every one that extends it); extra[i], envs[i] alone; all. */
struct hits {
	bool *env_yaml;		/* [f]: f is some environment's env.yaml */
	bool *layer, *extra;
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

/* Where the copies of d, a finding of own, can come from: a layer own reads, own's
 * extra/, or anywhere (a place own does not read as a layer: anyone could). */
static void hit(struct ctx *ctx, struct hits *h, const struct diag *d, const struct env *own)
{
	const struct srcfile *f = srcfile_get(ctx, d->loc.file);
	long k;
	if (f && in_extra(own, f->path) && (k = ctx_env_index(ctx, own->name)) >= 0)
		h->extra[k] = true;
	else if (f && h->env_yaml[f->id] && in_chain(own, f))
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
	struct hits h = { arena_alloc(&ctx->perm, nf), arena_alloc(&ctx->perm, nf),
			  arena_alloc(&ctx->perm, ctx->nenvs + 1), false };
	memset(h.env_yaml, 0, nf);
	memset(h.layer, 0, nf);
	memset(h.extra, 0, ctx->nenvs + 1);
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
		bool reads = h.all || h.extra[i];
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
