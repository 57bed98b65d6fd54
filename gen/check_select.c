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
 * more round; the loop checks that it is. A later round runs the checks of the
 * environments it adds (run_env, and the run_all that judge one environment at a time:
 * struct check's all_per_env), and the findings are then put in the order the full run
 * makes them (family by family; run_env's environment by environment, in name order;
 * then run_all's) and numbered so: the first copy of a merged finding, whose notes and
 * help are shown, and the order of findings at one place are those of the full run.
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
 * "Every environment" is every one loaded: the facts cache (facts.c) may leave out those
 * whose last full check found nothing, and calls the run off (all of them are loaded
 * then) when a selected environment's finding is in a file one left out reads.
 *
 * Two switches that tests/cli/speed-lint-env*.sh alone sets: ERAGEN_TEST_FULL_CHECKS
 * checks every environment, the full run the fast one is compared with;
 * ERAGEN_TEST_CHECKED prints on stderr how many environments were checked, in how many
 * rounds, so that the speed is tested, not only the sameness.
 */
#include "eragen.h"
#include "facts.h"

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

/*
 * Where a finding of the checks stands in the full run's order: its family, the part
 * (0: run_env, 1: run_all), the environment (run_env's; a per-environment run_all's
 * finding's own; else 0), then the order it was made in.
 */
struct key {
	size_t family, part, env, made;
	struct diag *d;
	bool own;	/* a family that ran for the checked environments only */
};

struct run {
	struct ctx *ctx;
	size_t before;		/* ctx->ndiags before the checks */
	struct key *keys;	/* one per finding since before, in the order made */
	size_t nkeys, cap;
};

/* Key the findings made since the last call. env: SIZE_MAX for the finding's own. */
static void keep(struct run *r, size_t family, size_t part, size_t env, bool own)
{
	struct ctx *ctx = r->ctx;
	for (size_t k = r->before + r->nkeys; k < ctx->ndiags; k++) {
		struct diag *d = ctx->diags[k];
		size_t e = env;
		if (e == SIZE_MAX) {
			long x = d->nenvs ? ctx_env_index(ctx, d->envs[0]) : -1;
			e = x >= 0 ? (size_t)x : 0;
		}
		struct key key = { family, part, e, k, d, own };
		VEC_PUSH(r->keys, r->nkeys, r->cap, key);
	}
}

/*
 * One round: the families in order, the checks of one environment for those run[] names.
 * The first round also runs what runs once for all (cross-environment rules, the
 * every_env families); a later one adds the checks of the environments it names, and of
 * the run_all that judge one environment at a time.
 */
static void run_round(struct run *r, const bool *run, bool first)
{
	struct ctx *ctx = r->ctx;
	for (size_t i = 0; i < ctx->nenvs; i++)
		ctx->envs[i]->unchecked = !run[i];
	for (size_t f = 0; f < checks_nfamilies(); f++) {
		const struct check *c = checks_family(f);
		if (c->every_env && !first)
			continue;
		for (size_t i = 0; c->run_env && i < ctx->nenvs; i++) {
			if (!run[i] && !c->every_env)
				continue;
			c->run_env(ctx, ctx->envs[i]);
			keep(r, f, 0, i, !c->every_env);
		}
		if (c->run_all && (first || c->all_per_env)) {
			c->run_all(ctx);
			keep(r, f, 1, c->all_per_env ? SIZE_MAX : 0, !c->every_env);
		}
	}
}

/* The findings keys[from..) of one round: the environments their copies come from
 * marked in need[]; how many were not marked before. One pass over the findings, one
 * over the environments and their extends chains. */
static size_t grow(struct run *r, size_t from, bool *need)
{
	struct ctx *ctx = r->ctx;
	/* the files the checks read were registered as they went: counted now */
	size_t nf = ctx->nfiles + 1;
	struct hits h = { arena_alloc(&ctx->perm, nf), arena_alloc(&ctx->perm, nf), false };
	memset(h.env_yaml, 0, nf);
	memset(h.layer, 0, nf);
	for (size_t i = 0; i < ctx->nenvs; i++)
		if (ctx->envs[i]->file)
			h.env_yaml[ctx->envs[i]->file->id] = true;
	for (size_t k = from; k < r->nkeys; k++) {
		const struct diag *d = r->keys[k].d;
		if (!r->keys[k].own || d->nenvs != 1)
			continue;	/* none (always shown), or a cross-environment rule's */
		const struct env *e = ctx_env(ctx, d->envs[0]);
		if (e && e->selected)
			hit(ctx, &h, d, e);
	}
	facts_layers(ctx, h.all, h.layer, nf);	/* read by one not loaded: all of them */
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

static int cmp_key(const void *pa, const void *pb)
{
	const struct key *a = pa, *b = pb;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->part != b->part)
		return a->part < b->part ? -1 : 1;
	if (a->env != b->env)
		return a->env < b->env ? -1 : 1;
	return (a->made > b->made) - (a->made < b->made);
}

/* The findings in the order the full run makes them, numbered so. */
static void reorder(struct run *r)
{
	if (r->nkeys < 2)
		return;
	qsort(r->keys, r->nkeys, sizeof(*r->keys), cmp_key);
	for (size_t k = 0; k < r->nkeys; k++) {
		r->ctx->diags[r->before + k] = r->keys[k].d;
		r->keys[k].d->seq = (uint32_t)(r->before + k);
	}
}

static void release_run(void *p)
{
	struct run *r = p;
	free(r->keys);
	r->keys = NULL;
	r->nkeys = r->cap = 0;
}

/* A round for the environments need[] names and ran[] does not; ran[] updated. */
static void round_for(struct run *r, const bool *need, bool *ran, bool first)
{
	size_t n = r->ctx->nenvs;
	bool *run = arena_alloc(&r->ctx->perm, n + 1);
	for (size_t i = 0; i < n; i++) {
		run[i] = need[i] && !ran[i];
		ran[i] = ran[i] || need[i];
	}
	run_round(r, run, first);
}

void checks_run_selected(struct ctx *ctx)
{
	size_t n = ctx->nenvs;
	bool *need = arena_alloc(&ctx->perm, n + 1), *ran = arena_alloc(&ctx->perm, n + 1);
	for (size_t i = 0; i < n; i++) {
		need[i] = ctx->envs[i]->selected;
		ran[i] = false;
	}
	struct run r = { ctx, ctx->ndiags, NULL, 0, 0 };
	struct oom_guard guard;
	oom_guard_push(&guard, release_run, &r);
	size_t rounds = 0, from = 0;
	do {
		from = r.nkeys;
		round_for(&r, need, ran, rounds++ == 0);
	} while (grow(&r, from, need) > 0);
	reorder(&r);
	oom_guard_pop(&guard);
	release_run(&r);
	size_t checked = 0;
	for (size_t i = 0; i < n; i++) {
		checked += need[i];
		ctx->envs[i]->unchecked = false;
	}
	if (getenv("ERAGEN_TEST_CHECKED") && !facts_restart(ctx))
		fprintf(stderr, "eragen: test: %zu of %zu environments checked in %zu round%s\n",
			checked, n, rounds, rounds == 1 ? "" : "s");
}
