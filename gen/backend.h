/*
 * backend.h - the back ends (QBE's Target table): each adds its part of an environment's
 * view model, renders that environment's files, and renders the repository-level files
 * once every environment is free of errors. emit.c drives them; out.c writes.
 *
 * The view model of an environment (`eragen show ENV --view`) is one map:
 *   { "env": {...common facts, view.c...}, "tofu": {...}, "helm": {...},
 *     "github": {...}, "make": {...} }
 * and the repository view is { "environments": [ view of each concrete environment ] }.
 */
#ifndef ERAGEN_BACKEND_H
#define ERAGEN_BACKEND_H

#include "eragen.h"
#include "out.h"
#include "tmpl.h"
#include "view.h"

struct backend {
	const char *name;	/* "tofu": also the key of its part of the view */
	/* Build this back end's part of ENV's view (spec in env->resolved, error-free). */
	struct node *(*view)(struct ctx *ctx, struct env *env, const struct node *common);
	/* Render ENV's files from its whole view. */
	void (*emit_env)(struct ctx *ctx, struct env *env, const struct node *view,
			 struct tmpl_set *t, struct outset *set);
	/* Render the repository-level files; NULL when the back end has none. */
	void (*emit_repo)(struct ctx *ctx, const struct node *repo_view, struct tmpl_set *t,
			  struct outset *set);
};

extern const struct backend backend_tofu, backend_helm, backend_github, backend_make;

/* The common part of ENV's view (names, account, region, tags...: view.c). */
struct node *view_common(struct ctx *ctx, struct env *env);
/* ENV's whole view model, built once per run and cached in env->view. */
const struct node *view_env(struct ctx *ctx, struct env *env);

/*
 * Render everything the selected environments (ctx->opt.envs, NULL: all) produce into
 * set; the repository-level files too when every environment is free of errors
 * (*repo_done says whether they were). Template problems are diagnostics.
 */
void emit_all(struct ctx *ctx, struct outset *set, bool *repo_done);

#endif
