/*
 * emit.c - the back-end table (QBE's Target) and the loop that drives it, one
 * environment at a time: its view model (view_common plus each back end's part), its
 * files, their comparison with the disk and, building, their temp files (out_sync.c); then
 * ctx->scratch is released, and so is the environment's own arena (its spec) once no
 * environment left extends it: memory does not grow with the number of environments.
 * What the repository-level files need of each environment is copied into a summary
 * (the back ends' repo_part) that outlives the loop; those files are rendered last, when
 * every environment is free of errors, from the summaries alone.
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

/* What the repository-level files read of an environment's view, copied into a. */
static struct node *summary(struct arena *a, const struct node *view)
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

static void release_set(void *set)
{
	outset_release(set);
}

static void release_templates(void *t)
{
	tmpl_set_free(t);
}

/* e's view; when it is selected, its files rendered and handed to s; its summary
 * appended to list (NULL: the repository files will not be rendered); then all but the
 * summary released. */
static int render_env(struct ctx *ctx, struct sync *s, struct tmpl_set *t, struct env *e,
		      struct node *list)
{
	struct outset set = { 0 };
	struct oom_guard guard;
	oom_guard_push(&guard, release_set, &set);
	const struct node *view = view_env(ctx, e, &ctx->scratch);
	int rc = 0;
	if (view && emit_selected(ctx, e)) {
		for (size_t b = 0; b < NBACKENDS; b++) {
			size_t from = set.n;
			if (backends[b]->emit_env)
				backends[b]->emit_env(ctx, e, view, t, &set);
			check_owned(backends[b], &set, from);
		}
		rc = out_sync_files(s, &set);
	}
	if (view && list)
		v_push(&ctx->perm, list, summary(&ctx->perm, view));
	oom_guard_pop(&guard);
	outset_release(&set);
	arena_release(&ctx->scratch);
	return rc;
}

static int render_repo(struct ctx *ctx, struct sync *s, struct tmpl_set *t, struct node *list)
{
	struct arena *a = &ctx->perm;
	struct node *repo = v_map(a);
	v_set(a, repo, "environments", list);
	v_mark_last(a, list);
	struct outset set = { 0 };
	struct oom_guard guard;
	oom_guard_push(&guard, release_set, &set);
	for (size_t b = 0; b < NBACKENDS; b++) {
		size_t from = set.n;
		if (backends[b]->emit_repo)
			backends[b]->emit_repo(ctx, repo, t, &set);
		check_owned(backends[b], &set, from);
	}
	int rc = out_sync_repo(s, &set);
	oom_guard_pop(&guard);
	outset_release(&set);
	return rc;
}

/*
 * last[i]: the index of the last environment that needs envs[i]'s arena: its own, or
 * that of its last descendant (whose resolved tree shares the nodes of its parents').
 */
static size_t *last_use(struct ctx *ctx)
{
	size_t *last = arena_alloc(&ctx->perm, (ctx->nenvs + 1) * sizeof(*last));
	for (size_t i = 0; i < ctx->nenvs; i++)
		last[i] = i;
	for (size_t i = 0; i < ctx->nenvs; i++)
		for (const struct env *p = ctx->envs[i]->parent; p; p = p->parent) {
			long k = ctx_env_index(ctx, p->name);
			if (k >= 0 && last[k] < i)
				last[k] = i;
		}
	return last;
}

/* Once envs[i] is done, release the arenas nothing will read again: its own, or its
 * ancestors' (what is released must not be read: root, resolved and model are cleared). */
static void release_done(struct ctx *ctx, const size_t *last, size_t i)
{
	for (struct env *x = ctx->envs[i]; x; x = x->parent) {
		long k = ctx_env_index(ctx, x->name);
		if (k < 0 || last[k] != i)
			continue;
		arena_release(&x->arena);
		x->root = x->resolved = NULL;
		x->model = NULL;
	}
}

static int emit_sync(struct ctx *ctx, struct sync *s, const bool *bad)
{
	bool all_clean = true;
	for (size_t i = 0; i < ctx->nenvs; i++)
		all_clean &= ctx->envs[i]->abstract || !bad[i];
	size_t *last = last_use(ctx);

	struct tmpl_set *t = tmpl_set_open(ctx);
	struct oom_guard guard;
	oom_guard_push(&guard, release_templates, t);
	/* the summaries, in environment order, when the repository files will be rendered */
	struct node *list = all_clean ? v_seq(&ctx->perm) : NULL;
	int rc = 0;
	for (size_t i = 0; i < ctx->nenvs && rc == 0; i++) {
		struct env *e = ctx->envs[i];
		/* one not selected is rendered only for its summary, if that is needed */
		if (!e->abstract && !bad[i] && (emit_selected(ctx, e) || list))
			rc = render_env(ctx, s, t, e, list);
		release_done(ctx, last, i);
	}
	if (rc == 0 && list)
		rc = render_repo(ctx, s, t, list);
	oom_guard_pop(&guard);
	tmpl_set_free(t);
	return rc;
}

int emit_all(struct ctx *ctx, const struct out_opts *o, struct strbuf *report,
	     struct out_stats *st)
{
	const bool *bad = emit_env_errors(ctx);
	struct sync *s = out_sync_begin(ctx, o, bad, report, st);
	if (!s)
		return -1;
	if (emit_sync(ctx, s, bad) != 0) {
		out_sync_abandon(s);
		return -1;
	}
	return out_sync_end(s);
}
