/*
 * emit/make.c - the make back end (DESIGN 6): out/<env>/env.mk per environment and
 * out/eragen.mk for the repository, rendered from templates/make/.
 *
 * Consumes: an environment's model (its "make" part of the view) and the
 * repository view (every environment's view). Produces: Makefile fragments whose targets
 * run OpenTofu only (`$(TOFU)`, default `tofu`, with a clear error when it is missing)
 * with plan files beside each stack (templates/make/_*.mk.mustache: the recipes of
 * each stack), and the AWS CLI only to read (`eks update-kubeconfig`, which calls
 * DescribeCluster and writes a local kubeconfig file; the drain's `eks describe-cluster`
 * and `ec2 describe-*`): nothing in AWS is created or changed by the CLI. The drain
 * (<env>-drain, run by <env>-destroy between the stacks) deletes, with kubectl, the
 * load balancer services, ingresses, notebook pods and volume claims left in the
 * cluster, whose controllers then delete their AWS resources.
 *
 * Invariant: a spec value reaches a recipe only through a make variable assigned with
 * `:=`, holding the value quoted for sh (single quotes) and escaped for make by ESC_MAKE
 * (`$` -> `$$`, `#` -> `\#`). Recipe lines never hold an escaped value themselves: make
 * passes `\#` through to the shell there. A value ESC_MAKE cannot represent (a newline)
 * is SPEC006 at the value's node, and the fragment is not written.
 */
#include "backend.h"
#include "model.h"
#include "version.h"

#include <stdlib.h>
#include <string.h>

/* s quoted for a POSIX shell: '...' with each ' written as '\'' */
static const char *sh_quote(struct arena *a, const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard sb_guard;
	oom_guard_strbuf(&sb_guard, &sb);
	sb_putc(&sb, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			sb_puts(&sb, "'\\''");
		else
			sb_putc(&sb, *p);
	}
	sb_putc(&sb, '\'');
	const char *q = arena_strndup(a, sb.buf, sb.len);
	oom_guard_pop(&sb_guard);
	sb_release(&sb);
	return q;
}

/*
 * map[key] = the spec string f, quoted for sh. When make cannot hold it (a newline:
 * ESC_MAKE refuses), report SPEC006 at the value and store "''".
 */
static void word_at(struct ctx *ctx, struct env *env, struct arena *a, struct node *map,
		    const char *key, const struct m_str *f)
{
	const struct node *n = f->n;
	const char *s = f->s ? f->s : "";
	const char *q = sh_quote(a, s);
	struct strbuf probe = STRBUF_INIT;
	struct oom_guard probe_guard;
	oom_guard_strbuf(&probe_guard, &probe);
	int rc = tmpl_escape(ESC_MAKE, q, strlen(q), &probe);
	oom_guard_pop(&probe_guard);
	sb_release(&probe);
	if (rc < 0) {
		diag_add(ctx, "SPEC006", env->name, n ? n->loc : env->resolved->loc,
			 "'%s' cannot be written into a Makefile: it contains a line break",
			 f->path);
		q = "''";
	}
	v_set(a, map, key, v_str(a, q));
}

static struct node *make_view(struct ctx *ctx, struct env *env, struct arena *a,
			      const struct node *common)
{
	(void)common;
	struct node *m = v_map(a);
	v_set(a, m, "env", v_str(a, env->name));
	/* make variable names may hold '-': environment names are [a-z0-9-] (NAME001) */
	v_set(a, m, "var", v_str(a, arena_printf(a, "eragen_%s", env->name)));
	v_set(a, m, "production", v_bool(a, env->tier == TIER_PRODUCTION));
	v_set(a, m, "mk", v_str(a, arena_printf(a, "out/%s/env.mk", env->name)));
	const struct model *spec = env->model;
	word_at(ctx, env, a, m, "tofu_version", &spec->ci.tofu_version);
	word_at(ctx, env, a, m, "region", &spec->aws.region);
	word_at(ctx, env, a, m, "cluster", &spec->cluster.name);
	word_at(ctx, env, a, m, "account", &spec->aws.account_id);
	return m;
}

/* The inputs an environment's output derives from: its file, its parents', the shared
 * defaults. */
static void env_sources(struct ctx *ctx, struct outfile *f, const struct env *env)
{
	for (const struct env *e = env; e; e = e->parent)
		if (e->file)
			out_source(ctx, f, e->file->path);
	if (ctx->defaults)
		out_source(ctx, f, "environments/_defaults.yaml");
}

static void make_emit_env(struct ctx *ctx, struct env *env, const struct node *view,
			  struct tmpl_set *t, struct outset *set)
{
	struct outfile *f = out_add(ctx, set, arena_printf(&set->arena, "out/%s/env.mk", env->name),
				    COMMENT_HASH, env->name);
	env_sources(ctx, f, env);
	tmpl_set_render(t, "make/env.mk.mustache", view, ESC_MAKE, &f->body);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static const char *part_str(const struct node *view, const char *part, const char *key)
{
	const struct node *p = node_get(view, part);
	const struct node *v = p ? node_get(p, key) : NULL;
	return v && v->kind == NODE_STR ? v->str : NULL;
}

/*
 * The repository view for out/eragen.mk: every environment's view as given, plus
 * "make": {includes: [{env, mk}], bootstrap: [{var, dir}], tofu_version}. The bootstrap
 * stacks are one per account and region (out/_bootstrap/<account>-<region>/, the tofu
 * back end's), sorted; the version the guard names is the highest any environment pins.
 */
static void make_emit_repo(struct ctx *ctx, const struct node *repo_view, struct tmpl_set *t,
			   struct outset *set)
{
	struct arena *a = &set->arena;
	const struct node *envs = node_get(repo_view, "environments");
	size_t n = envs && envs->kind == NODE_SEQ ? envs->n : 0;

	struct node *view = v_map(a);
	v_set(a, view, "environments", (struct node *)envs);
	struct node *m = v_set(a, view, "make", v_map(a));
	struct node *inc = v_set(a, m, "includes", v_seq(a));
	const char **boot = arena_alloc(a, (n + 1) * sizeof(*boot));
	size_t nboot = 0;
	const char *tofu = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct node *ev = envs->items[i];
		const char *name = part_str(ev, "make", "env");
		const char *mk = part_str(ev, "make", "mk");
		if (!name || !mk)
			continue;
		struct node *it = v_map(a);
		v_set(a, it, "env", v_str(a, name));
		v_set(a, it, "mk", v_str(a, mk));
		v_push(a, inc, it);

		/* the raw values, from the tofu part (the make part's are quoted for sh) */
		const char *acct = part_str(ev, "tofu", "account_id");
		const char *region = part_str(ev, "tofu", "region");
		const char *ver = part_str(ev, "tofu", "tofu_version");
		if (acct && region)
			boot[nboot++] = arena_printf(a, "%s-%s", acct, region);
		if (ver && (!tofu || version_text_cmp(ver, tofu) > 0))
			tofu = ver;
	}
	v_mark_last(a, inc);
	qsort(boot, nboot, sizeof(*boot), cmp_str);
	struct node *bs = v_set(a, m, "bootstrap", v_seq(a));
	for (size_t i = 0, k = 0; i < nboot; i++) {
		if (i && strcmp(boot[i], boot[i - 1]) == 0)
			continue;
		struct node *b = v_map(a);
		v_set(a, b, "var", v_str(a, arena_printf(a, "eragen_bootstrap_%zu", ++k)));
		v_set(a, b, "dir", v_str(a, sh_quote(a, arena_printf(a, "out/_bootstrap/%s",
									 boot[i]))));
		v_push(a, bs, b);
	}
	/* the per-environment values passed ESC_MAKE already; this one is one of them */
	v_set(a, m, "tofu_version", v_str(a, sh_quote(a, tofu ? tofu : "")));

	struct outfile *f = out_add(ctx, set, "out/eragen.mk", COMMENT_HASH, NULL);
	for (size_t i = 0; i < ctx->nenvs; i++)
		if (!ctx->envs[i]->abstract)
			env_sources(ctx, f, ctx->envs[i]);
	tmpl_set_render(t, "make/eragen.mk.mustache", view, ESC_MAKE, &f->body);
}

/* What out/eragen.mk reads of an environment's part (make_emit_repo), and its identity. */
static struct node *make_repo_part(struct arena *a, const struct node *part)
{
	static const char *const keys[] = { "env", "var", "mk", "production", NULL };
	return v_pick(a, part, keys);
}

static const char *const make_env_paths[] = { "out/*/env.mk", NULL };
static const char *const make_repo_paths[] = { "out/eragen.mk", NULL };

const struct backend backend_make = {
	.name = "make",
	.view = make_view,
	.emit_env = make_emit_env,
	.repo_part = make_repo_part,
	.emit_repo = make_emit_repo,
	.owns = { .env = make_env_paths, .repo = make_repo_paths },
};
