/*
 * emit.c - the back-end table (QBE's Target) and the loop that drives it: each
 * environment's view model (view_common plus each back end's part, cached in
 * env->view), its files, and the repository-level files once every environment is free
 * of errors. Consumes resolved, checked environments; produces an outset in memory
 * (out.c compares and writes). A back end still being written has NULL functions: they
 * are skipped.
 */
#include "backend.h"
#include "outwrite.h"

#include <string.h>

/* The back ends, in the order their files are rendered (QBE's Target table). */
static const struct backend *const backends[] = {
	&backend_tofu,
	&backend_helm,
	&backend_github,
	&backend_make,
};
#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

bool emit_selected(const struct ctx *ctx, const struct env *env)
{
	return !ctx->opt.envs || str_in_list(ctx->opt.envs, env->name);
}

bool *emit_env_errors(struct ctx *ctx)
{
	bool *bad = arena_alloc(&ctx->perm, (ctx->nenvs + 1) * sizeof(*bad));
	for (size_t i = 0; i < ctx->nenvs; i++)
		bad[i] = ctx->envs[i]->broken || ctx->envs[i]->invalid || !ctx->envs[i]->resolved;
	for (size_t k = 0; k < ctx->ndiags; k++) {
		const struct diag *d = ctx->diags[k];
		if (d->sev != SEV_ERROR || d->suppressed)
			continue;
		if (d->nenvs == 0) {
			for (size_t i = 0; i < ctx->nenvs; i++)
				bad[i] = true;
			break;
		}
		for (size_t j = 0; j < d->nenvs; j++) {
			long i = ctx_env_index(ctx, d->envs[j]);
			if (i >= 0)
				bad[i] = true;
		}
	}
	return bad;
}

const struct node *view_env(struct ctx *ctx, struct env *env)
{
	if (env->view)
		return env->view;
	if (!env->resolved || env->broken || env->invalid)
		return NULL;
	struct arena *a = &env->arena;
	struct node *v = v_map(a);
	struct node *common = view_common(ctx, env);
	v_set(a, v, "env", common);
	for (size_t b = 0; b < NBACKENDS; b++) {
		if (!backends[b]->view)
			continue;
		struct node *part = backends[b]->view(ctx, env, common);
		if (part)
			v_set(a, v, backends[b]->name, part);
	}
	env->view = v;
	return v;
}

static bool any_emitter(void)
{
	for (size_t b = 0; b < NBACKENDS; b++)
		if (backends[b]->emit_env || backends[b]->emit_repo)
			return true;
	return false;
}

void emit_all(struct ctx *ctx, struct outset *set, bool *repo_done)
{
	bool *bad = emit_env_errors(ctx);
	bool all_clean = true;
	struct tmpl_set *t = NULL;
	bool need_templates = any_emitter();

	if (need_templates)
		t = tmpl_set_open(ctx);
	for (size_t i = 0; i < ctx->nenvs; i++) {
		struct env *e = ctx->envs[i];
		if (e->abstract)
			continue;
		if (bad[i]) {
			all_clean = false;
			continue;
		}
		if (!emit_selected(ctx, e))
			continue;
		const struct node *view = view_env(ctx, e);
		if (!view)
			continue;
		for (size_t b = 0; b < NBACKENDS && t; b++)
			if (backends[b]->emit_env)
				backends[b]->emit_env(ctx, e, view, t, set);
	}

	*repo_done = false;
	if (all_clean) {
		struct arena *a = &ctx->perm;
		struct node *repo = v_map(a);
		struct node *list = v_set(a, repo, "environments", v_seq(a));
		for (size_t i = 0; i < ctx->nenvs; i++) {
			struct env *e = ctx->envs[i];
			if (e->abstract)
				continue;
			const struct node *view = view_env(ctx, e);
			if (!view)
				continue;
			/* a shallow copy, so that "last" does not change the cached view */
			struct node *copy = v_map(a);
			for (size_t k = 0; k < view->n; k++)
				v_set(a, copy, view->keys[k]->str, view->items[k]);
			v_push(a, list, copy);
		}
		v_mark_last(a, list);
		for (size_t b = 0; b < NBACKENDS && t; b++)
			if (backends[b]->emit_repo)
				backends[b]->emit_repo(ctx, repo, t, set);
		*repo_done = true;
	}
	if (t)
		tmpl_set_free(t);
}
