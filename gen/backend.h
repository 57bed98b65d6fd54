/*
 * backend.h - the back ends (QBE's Target table): each adds its part of an environment's
 * view model, renders that environment's files, and renders the repository-level files
 * once every environment is free of errors. emit.c goes through them, pipeline.c drives
 * emit.c one environment at a time, out_sync.c compares and writes.
 *
 * The view model of an environment (`eragen show ENV --view`) is one map:
 *   { "env": {...common facts, view.c...}, "tofu": {...}, "helm": {...},
 *     "github": {...}, "make": {...} }
 * It lives in ctx->scratch only while that environment's files are rendered and
 * compared. The repository view is { "environments": [ summary of each concrete
 * environment ] }, where a summary keeps of the view only what the repository-level
 * files read, so that it stays small at a thousand environments: "env" with name, tier
 * and production; "github" whole; "make" with env, var, mk and production; "tofu" with
 * env, account_id, region, tofu_version and backend (each back end's repo_part).
 */
#ifndef ERAGEN_BACKEND_H
#define ERAGEN_BACKEND_H

#include "eragen.h"
#include "out.h"
#include "tmpl.h"
#include "view.h"

/*
 * The paths a back end's files may have: NULL-terminated lists of patterns (out_path_match:
 * '*' for any characters of one component), NULL for none. An environment's patterns
 * all start with one directory, then '*', its name (out/<env>/...). emit.c
 * checks every file a back end adds against them (a BUG otherwise); what the manifest
 * can name (emit_owned), which environment a path belongs to (emit_env_path) and the
 * repository-level files as build names them (emit_repo_paths) derive from them.
 */
struct owns {
	const char *const *env;		/* an environment's files (emit_env) */
	const char *const *repo;	/* the repository-level files (emit_repo) */
};

struct backend {
	const char *name;	/* "tofu": also the key of its part of the view */
	/* Build this back end's part of ENV's view in a (spec in env->resolved, error-free). */
	struct node *(*view)(struct ctx *ctx, struct env *env, struct arena *a,
			     const struct node *common);
	/* Render ENV's files from its whole view into set (allocating in set->arena). */
	void (*emit_env)(struct ctx *ctx, struct env *env, const struct node *view,
			 struct tmpl_set *t, struct outset *set);
	/* Copy into a what the repository-level files need of this back end's part of an
	 * environment's view (part may be NULL); NULL when they need none of it. */
	struct node *(*repo_part)(struct arena *a, const struct node *part);
	/* Render the repository-level files; NULL when the back end has none. */
	void (*emit_repo)(struct ctx *ctx, const struct node *repo_view, struct tmpl_set *t,
			  struct outset *set);
	struct owns owns;	/* the paths its files may have */
};

extern const struct backend backend_tofu, backend_helm, backend_github, backend_make;

/* The common part of ENV's view (names, account, region, tags...: view.c), in a. */
struct node *view_common(struct ctx *ctx, struct env *env, struct arena *a);
/* ENV's whole view model, built in a; NULL when ENV has errors (or is abstract). */
const struct node *view_env(struct ctx *ctx, struct env *env, struct arena *a);
/* For the repository view (view.c): a deep copy of a view node into a; a map of deep
 * copies of the values of map (may be NULL) under keys (NULL-terminated) it has. */
struct node *v_copy(struct arena *a, const struct node *n);
struct node *v_pick(struct arena *a, const struct node *map, const char *const *keys);

/* Each back end's files of ENV, rendered from its whole view into set; a file whose path
 * the back end does not declare (owns.env, under ENV's name) is a BUG. */
void emit_env_files(struct ctx *ctx, struct env *env, const struct node *view,
		    struct tmpl_set *t, struct outset *set);
/* What the repository-level files read of an environment's view, copied into a. */
struct node *emit_summary(struct arena *a, const struct node *view);
/* The repository-level files into set, from the summaries of every concrete environment
 * (a sequence, in ctx->perm, in environment order); undeclared paths are a BUG too. */
void emit_repo_files(struct ctx *ctx, struct node *summaries, struct tmpl_set *t,
		     struct outset *set);
/*
 * The repository-level files as people are told of them, in a: each back end's file, or
 * the directory holding its files (the pattern up to its first component with a '*'),
 * files before the directories beside them, then the sync's .gitattributes:
 * ".github/workflows/, out/eragen.mk, ..., .gitattributes".
 */
const char *emit_repo_paths(struct arena *a);

#endif
