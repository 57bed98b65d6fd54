/*
 * emit.c - the back-end table (QBE's Target) and what goes through it: an environment's
 * view model (view_common plus each back end's part), its files, the summary of it that
 * the repository-level files need (each back end's repo_part), and those files, rendered
 * from the summaries alone; the paths the back ends declare, and the check that each
 * file has one of them. pipeline.c drives it, one environment at a time.
 */
#include "backend.h"

#include <stdlib.h>
#include <string.h>

/* The back ends, in the order their files are rendered (QBE's Target table). */
static const struct backend *const backends[] = {
	&backend_tofu,
	&backend_helm,
	&backend_github,
	&backend_make,
};
#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

/* ---- the paths the back ends declare (struct owns) -------------------------------- */

/* The i-th of an environment's patterns (repo false) or of the repository-level ones,
 * back end by back end; NULL past the last. */
static const char *owned(bool repo, size_t i)
{
	for (size_t b = 0; b < NBACKENDS; b++) {
		const char *const *v = repo ? backends[b]->owns.repo : backends[b]->owns.env;
		for (; v && *v; v++, i--)
			if (i == 0)
				return *v;
	}
	return NULL;
}

const char *emit_owned(size_t i)
{
	for (size_t b = 0; b < NBACKENDS; b++)
		for (int repo = 0; repo < 2; repo++) {
			const struct owns *o = &backends[b]->owns;
			for (const char *const *v = repo ? o->repo : o->env; v && *v; v++, i--)
				if (i == 0)
					return *v;
		}
	return i == 0 ? OUT_GITATTRIBUTES : NULL;	/* the sync's own (out_sync_repo) */
}

/* The directory before the '*' of the environments' patterns, "out/": the first one's
 * (check_owned sees that every environment's file is below it, under its name). */
static const char *env_dir(size_t *len)
{
	const char *pat = owned(false, 0), *star = pat ? strchr(pat, '*') : NULL;
	*len = star ? (size_t)(star - pat) : 0;
	return star ? pat : NULL;
}

bool emit_env_path(const char *path, const char **name, size_t *len)
{
	size_t n;
	const char *dir = env_dir(&n);
	if (!dir || strncmp(path, dir, n) != 0)
		return false;
	const char *slash = strchr(path + n, '/');
	if (!slash || slash == path + n)
		return false;
	*name = path + n;
	*len = (size_t)(slash - *name);
	return true;
}

/* The files b added to set (from index from on) have paths it declares (an
 * environment's, in env's directory; with env NULL, the repository's), fit for the
 * manifest: the manifest's checks rely on it. */
static void check_owned(const struct backend *b, const struct env *env,
			const struct outset *set, size_t from)
{
	size_t dn, en = env ? strlen(env->name) : 0;
	const char *dir = env_dir(&dn);
	for (size_t i = from; i < set->n; i++) {
		const char *p = set->files[i]->path;
		const char *const *v = env ? b->owns.env : b->owns.repo;
		size_t at;
		while (v && *v && !out_path_match(*v, p))
			v++;
		bool ok = v && *v && !out_path_problem(p, strlen(p), &at);
		if (ok && env)	/* what emit_env_path will say of it */
			ok = dir && strncmp(p, dir, dn) == 0 &&
			     strncmp(p + dn, env->name, en) == 0 && p[dn + en] == '/';
		if (!ok)
			BUG("back end '%s' generated '%s', not a path it declares", b->name, p);
	}
}

/* A repository-level pattern as people are told of it: its length up to the component
 * holding its first '*' (a directory, with its '/'), or all of it (a file). */
static size_t shown_len(const char *pat)
{
	const char *star = strchr(pat, '*');
	if (!star)
		return strlen(pat);
	while (star > pat && star[-1] != '/')
		star--;
	return (size_t)(star - pat);
}

/* Tree order, files before the directories beside them. */
static int cmp_shown(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
	size_t i = 0, start = 0;	/* start: where the component that differs begins */
	for (; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			start = i + 1;
	bool adir = strchr(a + start, '/') != NULL, bdir = strchr(b + start, '/') != NULL;
	return adir != bdir ? adir - bdir : strcmp(a, b);
}

const char *emit_repo_paths(struct arena *a)
{
	size_t n = 0;
	while (owned(true, n))
		n++;
	const char **v = arena_alloc(a, (n + 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = arena_strndup(a, owned(true, i), shown_len(owned(true, i)));
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_shown);
	const char *text = "";
	for (size_t i = 0; i < n; i++)	/* a handful */
		if (i == 0 || strcmp(v[i - 1], v[i]) != 0)
			text = arena_printf(a, "%s%s, ", text, v[i]);
	return arena_printf(a, "%s%s", text, OUT_GITATTRIBUTES);
}

/* ---- an environment, the repository ---------------------------------------------- */

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
		check_owned(backends[b], env, set, from);
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
		check_owned(backends[b], NULL, set, from);
	}
}
