/*
 * emit.c - the back-end table (QBE's Target) and what goes through it: an environment's
 * view model (view_common plus each back end's part), its files, the summary of it that
 * the repository-level files need (each back end's repo_part), and those files, rendered
 * from the summaries alone; the paths the back ends declare, and the check that each
 * file has one of them. pipeline.c drives it, one environment at a time.
 */
#include "backend.h"

#include <string.h>

/* The back ends, in the order their files are rendered (QBE's Target table). */
static const struct backend *const backends[] = {
	&backend_tofu,
	&backend_helm,
	&backend_github,
	&backend_make,
};
#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

const char *emit_owned(size_t i)
{
	for (size_t b = 0; b < NBACKENDS; b++) {
		const char *const *v = backends[b]->owns;
		for (; *v; v++, i--)
			if (i == 0)
				return *v;
	}
	return i == 0 ? OUT_GITATTRIBUTES : NULL;	/* the sync's own (out_sync_repo) */
}

/* The files b added to set (from index from on) have paths it declares, fit for the
 * manifest: the manifest's checks rely on it. */
static void check_owned(const struct backend *b, const struct outset *set, size_t from)
{
	for (size_t i = from; i < set->n; i++) {
		const char *p = set->files[i]->path, *const *v = b->owns;
		size_t at;
		while (*v && !out_path_match(*v, p))
			v++;
		if (!*v || out_path_problem(p, strlen(p), &at))
			BUG("back end '%s' generated '%s', not a path it declares", b->name, p);
	}
}

bool emit_selected(const struct ctx *ctx, const struct env *env)
{
	return !ctx->opt.envs || env->selected;
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

const struct node *view_env(struct ctx *ctx, struct env *env, struct arena *a)
{
	if (!env->resolved || env->broken || env->invalid || env->abstract)
		return NULL;
	struct node *v = v_map(a);
	struct node *common = view_common(ctx, env, a);
	v_set(a, v, "env", common);
	for (size_t b = 0; b < NBACKENDS; b++) {
		struct node *part = backends[b]->view(ctx, env, a, common);
		if (part)
			v_set(a, v, backends[b]->name, part);
	}
	return v;
}

struct node *emit_summary(struct arena *a, const struct node *view)
{
	static const char *const env_keys[] = { "name", "tier", "production", NULL };
	struct node *s = v_map(a);
	v_set(a, s, "env", v_pick(a, node_get(view, "env"), env_keys));
	for (size_t b = 0; b < NBACKENDS; b++) {
		if (!backends[b]->repo_part)
			continue;
		struct node *part = backends[b]->repo_part(a, node_get(view, backends[b]->name));
		if (part)
			v_set(a, s, backends[b]->name, part);
	}
	return s;
}

void emit_env_files(struct ctx *ctx, struct env *env, const struct node *view,
		    struct tmpl_set *t, struct outset *set)
{
	for (size_t b = 0; b < NBACKENDS; b++) {
		size_t from = set->n;
		if (backends[b]->emit_env)
			backends[b]->emit_env(ctx, env, view, t, set);
		check_owned(backends[b], set, from);
	}
}

void emit_repo_files(struct ctx *ctx, struct node *summaries, struct tmpl_set *t,
		     struct outset *set)
{
	struct arena *a = &ctx->perm;
	struct node *repo = v_map(a);
	v_set(a, repo, "environments", summaries);
	v_mark_last(a, summaries);
	for (size_t b = 0; b < NBACKENDS; b++) {
		size_t from = set->n;
		if (backends[b]->emit_repo)
			backends[b]->emit_repo(ctx, repo, t, set);
		check_owned(backends[b], set, from);
	}
}
