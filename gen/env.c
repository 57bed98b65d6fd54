/*
 * env.c - find the environments and load their specs.
 *
 * Consumes the repository root; produces ctx->envs (sorted by name), each with its
 * env.yaml loaded into a node tree, ctx->defaults (environments/_defaults.yaml) and the
 * compiled schema. File-level facts are checked here, before layering: the spec version
 * (SPEC010), that a spec is a mapping, and its tier. With --staged the environments are
 * listed from the git index (repo_index.c) and every file is read from there (srcfile.c).
 * A git submodule under environments/ is another repository: never an environment.
 * lint ENV loads none of those the facts cache vouches for (facts.c): they are listed,
 * not loaded, and are not in ctx->envs.
 */
#include "alloc.h"
#include "eragen.h"
#include "facts.h"
#include "repo_index.h"
#include "schema.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SCHEMA_REL "schemas/environment.schema.json"

static struct loc at_file(const struct srcfile *f)
{
	return (struct loc){ .file = f ? f->id : 0 };
}

static int cmp_env(const void *a, const void *b)
{
	return strcmp((*(struct env *const *)a)->name, (*(struct env *const *)b)->name);
}

/* The schema: the repository's own copy overrides the installed one (DESIGN 2). */
static int load_schema(struct ctx *ctx)
{
	struct srcfile *f = srcfile_read_data(ctx, SCHEMA_REL, NULL);
	if (!f)
		return 0;	/* SPEC012 reported; nothing can be validated */
	char err[512];
	ctx->schema_file = f->id;
	/* cJSON's allocator returns NULL (alloc.h): a schema that failed because of it
	 * failed for want of memory, not for its content */
	unsigned long failed = alloc_failures();
	ctx->schema = schema_compile(f->data, f->len, NULL, NULL, NULL, err, sizeof(err));
	if (!ctx->schema)
		oom_if_failed_since(failed);
	if (!ctx->schema)
		diag_add(ctx, "SPEC012", NULL, at_file(f), "the schema cannot be used: %s", err);
	return 0;
}

/* Checks every spec file gets on its own: a mapping, with a supported version. */
static struct node *check_file(struct ctx *ctx, const char *env, const struct srcfile *f,
			       struct node *root, bool is_defaults)
{
	if (!root)
		return NULL;
	if (root->kind != NODE_MAP) {
		diag_add(ctx, "SPEC004", env, root->loc, "expected a mapping at the top of '%s', found %s",
			 f->path, root->kind == NODE_NULL ? "an empty document" : node_kind_name(root->kind));
		return NULL;
	}
	struct node *v = node_get(root, "eragen");
	if (v && !(v->kind == NODE_INT && v->v.i == 1)) {
		struct diag *d = diag_add(ctx, "SPEC010", env, v->loc,
					  "unsupported spec version %s: this eragen reads version 1",
					  node_display(&ctx->perm, v));
		diag_help(ctx, d, "write 'eragen: 1'");
		return NULL;
	}
	if (!v && !is_defaults) {
		struct diag *d = diag_add(ctx, "SPEC005", env, at_file(f),
					  "missing required key 'eragen' (the spec format version)");
		diag_help(ctx, d, "add 'eragen: 1' at the top of the file");
	}
	return root;
}

static int load_env(struct ctx *ctx, const char *name)
{
	struct env *e = arena_alloc(&ctx->perm, sizeof(*e));
	arena_init(&e->arena);
	e->name = arena_strdup(&ctx->perm, name);
	e->dir = arena_printf(&ctx->perm, "environments/%s", name);
	e->abstract = name[0] == '_';
	VEC_PUSH(ctx->envs, ctx->nenvs, ctx->capenvs, e);

	const char *rel = arena_printf(&ctx->perm, "%s/env.yaml", e->dir);
	e->file = srcfile_read(ctx, rel, (struct loc){ 0 });
	if (!e->file) {
		e->broken = true;
		return 0;
	}
	e->file->secrets = SRC_SPEC;
	e->root = check_file(ctx, e->name, e->file, yaml_load(ctx, &e->arena, e->file), false);
	if (!e->root) {
		e->broken = true;
		return 0;
	}
	const struct node *t = node_get(e->root, "tier");
	if (t && t->kind == NODE_STR)
		e->tier = tier_parse(t->str);
	return 0;
}

/* --staged: the environments are the directories under environments/ in the index. */
static void list_staged(struct ctx *ctx, bool *has_defaults)
{
	size_t n;
	struct ri_name *v = repo_index_list(ctx, &ctx->perm, "environments", &n);
	for (size_t i = 0; i < n; i++) {
		if (v[i].name[0] == '.')
			continue;
		if (v[i].gitlink)
			continue;	/* a submodule: another repository */
		if (!v[i].dir) {
			*has_defaults |= strcmp(v[i].name, "_defaults.yaml") == 0;
			continue;
		}
		load_env(ctx, v[i].name);
	}
}

/*
 * Is environments/<name> (at abs) a git submodule, whose content is another repository's?
 * Checked out, it holds .git (a nested repository counts too: git would add it as one);
 * not checked out (a clone without --recurse-submodules), it is an empty directory that
 * the index records as a gitlink, looked up only then.
 */
static bool is_submodule(struct ctx *ctx, const char *abs, const char *name)
{
	struct stat st;
	if (lstat(arena_printf(&ctx->perm, "%s/.git", abs), &st) == 0)
		return true;
	if (lstat(arena_printf(&ctx->perm, "%s/env.yaml", abs), &st) == 0)
		return false;
	return repo_index_gitlink(ctx, arena_printf(&ctx->perm, "environments/%s", name));
}

static void release_dir(void *dir)
{
	closedir(dir);
}

/* The environments are the directories under environments/ in the work tree. 1: there
 * is no environments/ at all; -1 after error(). The directory stream is guarded while
 * the environments are loaded. */
static int list_disk(struct ctx *ctx, bool *has_defaults)
{
	char *envdir = arena_printf(&ctx->perm, "%s/environments", ctx->root);
	DIR *dir = opendir(envdir);
	if (!dir) {
		if (errno == ENOENT)
			return 1;	/* no environments: nothing to do */
		error("cannot read '%s': %s", envdir, strerror(errno));
		return -1;
	}
	struct dirent *de;
	struct oom_guard guard;
	oom_guard_push(&guard, release_dir, dir);
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		if (strcmp(de->d_name, "_defaults.yaml") == 0) {
			*has_defaults = true;
			continue;
		}
		char *p = arena_printf(&ctx->perm, "%s/%s", envdir, de->d_name);
		struct stat st;
		if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode) || is_submodule(ctx, p, de->d_name))
			continue;
		if (facts_skip(ctx, de->d_name))
			continue;	/* lint ENV: the facts cache vouches for it (facts.c) */
		load_env(ctx, de->d_name);
	}
	oom_guard_pop(&guard);
	closedir(dir);
	return 0;
}

int envs_load(struct ctx *ctx)
{
	load_schema(ctx);

	bool has_defaults = false;
	if (ctx->opt.staged) {
		list_staged(ctx, &has_defaults);
	} else {
		int rc = list_disk(ctx, &has_defaults);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
	}
	if (ctx->nenvs > 1)
		qsort(ctx->envs, ctx->nenvs, sizeof(*ctx->envs), cmp_env);

	if (has_defaults) {
		struct srcfile *f = srcfile_read(ctx, "environments/_defaults.yaml", (struct loc){ 0 });
		if (f) {
			f->secrets = SRC_SPEC;
			ctx->defaults = check_file(ctx, NULL, f, yaml_load(ctx, &ctx->perm, f), true);
		}
		if (!ctx->defaults)
			ctx->defaults_broken = true;
	}
	return 0;
}
