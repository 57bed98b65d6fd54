/*
 * emit/github.c - the github back end (DESIGN 6): the repository's GitHub Actions
 * workflows in .github/workflows/ and out/github-environments.json, rendered from
 * templates/github/ with ESC_GHA (ESC_JSON for the JSON file).
 *
 * Consumes: each environment's model (its "github" part of the view: region,
 * OIDC role, runner, OpenTofu version, the ci.* switches) and schemas/actions.json (the
 * actions the workflows use, each pinned to a full commit SHA; the repository's own copy
 * overrides the installed one). Produces, once every environment is free of errors:
 *
 *   eragen-plan.yml      pull_request: the eragen job (lint --format github, check) and
 *                        a changes job (`eragen changed --since <merge base> --json`
 *                        joined with out/github-environments.json by jq into the matrix),
 *                        then a plan of each changed environment: one matrix job per 256
 *                        environments of the repository, each taking its slice of the
 *                        changed ones through fromJSON; an empty slice skips its job.
 *                        Each plans into plan files (artifact tfplan-<env>) and keeps one
 *                        comment per environment on the pull request with the summary
 *                        (templates/github/_plan-steps.yml.mustache)
 *   eragen-apply.yml     push to main: the eragen job, then apply of the ci.auto_apply
 *                        environments (never production); after an apply, the outputs
 *                        or, on failure, what the cluster says go to the step summary
 *                        (templates/github/_apply-report.yml.mustache)
 *   eragen-dispatch.yml  workflow_dispatch: plan or apply one ci.dispatch environment (a
 *                        plan job and an apply job per environment)
 *   eragen-destroy.yml   workflow_dispatch: destroy one ci.destroy environment (never
 *                        production) after a typed confirmation equal to its name
 *   out/github-environments.json  per environment: required reviewers and the OIDC
 *                        subject the role's trust policy must allow; its plan environment
 *                        and role, runner and OpenTofu version, which the plan workflow
 *                        reads at run time; then, for a reviewer-gated environment, its
 *                        plan environment <env>-plan (no reviewers, ci.plan_role_arn)
 *
 * Every tofu job runs in the GitHub environment of its spec environment (so protection
 * rules apply, and the OIDC subject is repo:OWNER/REPO:environment:<env>), except that
 * the plans of a reviewer-gated one run in <env>-plan with ci.plan_role_arn (default
 * ci.role_arn) and do not wait for reviewers; in one
 * concurrency group per environment (tofu-<env>, never cancelled), with id-token: write.
 * Spec values reach a workflow only as matrix values (ESC_GHA), or at run time as JSON
 * through fromJSON (the plan matrix), never inside an expression or a script; scripts
 * read them from env: variables.
 */
#include "backend.h"
#include "model.h"

#include <string.h>
#include <sys/stat.h>

#define ACTIONS_REL "schemas/actions.json"
#define MATRIX_MAX 256		/* GitHub's limit of jobs per matrix */

/* The actions the templates use: view key -> action name. */
static const struct {
	const char *key, *name;
} actions_used[] = {
	{ "checkout", "actions/checkout" },
	{ "aws", "aws-actions/configure-aws-credentials" },
	{ "tofu", "opentofu/setup-opentofu" },
	{ "upload", "actions/upload-artifact" },
	{ "script", "actions/github-script" },
};

static struct node *github_view(struct ctx *ctx, struct env *env, struct arena *a,
				const struct node *common)
{
	(void)ctx;
	(void)common;
	const struct model *spec = env->model;
	bool prod = env->tier == TIER_PRODUCTION;
	struct node *g = v_map(a);
	v_set(a, g, "environment", v_str(a, env->name));
	v_set(a, g, "region", v_str(a, spec->aws.region.s));
	v_set(a, g, "role_arn", v_str(a, spec->ci.role_arn.s));
	/* plans of a reviewer-gated environment run in <env>-plan (no reviewers), with
	 * ci.plan_role_arn (default ci.role_arn): a pull request's plan does not wait */
	const char *plan_role = spec->ci.plan_role_arn.s ? spec->ci.plan_role_arn.s
							 : spec->ci.role_arn.s;
	v_set(a, g, "plan_role_arn", v_str(a, plan_role));
	v_set(a, g, "plan_environment",
	      v_str(a, spec->ci.required_reviewers.v > 0 ?
			       arena_printf(a, "%s-plan", env->name) : env->name));
	v_set(a, g, "runs_on", v_str(a, spec->ci.runs_on.s));
	v_set(a, g, "tofu_version", v_str(a, spec->ci.tofu_version.s));
	/* production never applies on push nor gets a destroy workflow (POLICY001/003 make
	 * it an error already; this keeps a suppressed finding from changing that) */
	v_set(a, g, "auto_apply", v_bool(a, !prod && spec->ci.auto_apply.v));
	v_set(a, g, "dispatch", v_bool(a, spec->ci.dispatch.v));
	v_set(a, g, "destroy", v_bool(a, !prod && spec->ci.destroy.v));
	v_set(a, g, "required_reviewers", v_int(a, spec->ci.required_reviewers.v));
	/* eragen cannot know the GitHub owner and repository (a fork or a mirror has other
	 * ones, and the output must not depend on the clone): OWNER/REPO are placeholders */
	v_set(a, g, "oidc_subject",
	      v_str(a, arena_printf(a, "repo:OWNER/REPO:environment:%s", env->name)));
	return g;
}

/* ---- schemas/actions.json -------------------------------------------------------- */

static bool is_hex40(const char *s)
{
	size_t i = 0;
	for (; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == 40;
}

static bool is_version(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || *s == '.' || *s == '-' || *s == '_'))
			return false;
	return true;
}

/*
 * {checkout: {uses: "actions/checkout@<sha>", version: "v4.2.2"}, ...} from the table,
 * or NULL after SPEC012 (unreadable, not JSON, an action missing, a SHA that is not 40
 * lowercase hex digits, a version that is not a plain word).
 */
static struct node *actions_load(struct ctx *ctx)
{
	struct arena *a = &ctx->perm;
	struct srcfile *f = srcfile_read_data(ctx, ACTIONS_REL, NULL);
	if (!f)
		return NULL;	/* SPEC012 reported */
	struct loc whole = { .file = f->id };
	struct node *root = json_to_node(a, f->data, f->len, f->id);
	const struct node *tbl = root && root->kind == NODE_MAP ? node_get(root, "actions") : NULL;
	if (!tbl || tbl->kind != NODE_MAP) {
		diag_add(ctx, "SPEC012", NULL, root ? root->loc : whole,
			 "the actions table cannot be used: expected a JSON object with an "
			 "\"actions\" object");
		return NULL;
	}
	struct node *out = v_map(a);
	bool ok = true;
	for (size_t i = 0; i < sizeof(actions_used) / sizeof(actions_used[0]); i++) {
		const char *name = actions_used[i].name;
		const struct node *e = node_get(tbl, name);
		const struct node *sha = e && e->kind == NODE_MAP ? node_get(e, "sha") : NULL;
		const struct node *ver = e && e->kind == NODE_MAP ? node_get(e, "version") : NULL;
		if (!e || e->kind != NODE_MAP) {
			diag_add(ctx, "SPEC012", NULL, tbl->loc,
				 "the actions table has no entry for '%s'", name);
			ok = false;
			continue;
		}
		if (!sha || sha->kind != NODE_STR || !is_hex40(sha->str)) {
			diag_add(ctx, "SPEC012", NULL, sha ? sha->loc : e->loc,
				 "'%s' must be pinned by a full commit SHA (40 lowercase hex digits)",
				 name);
			ok = false;
		}
		if (!ver || ver->kind != NODE_STR || !is_version(ver->str)) {
			diag_add(ctx, "SPEC012", NULL, ver ? ver->loc : e->loc,
				 "'%s' needs a \"version\" such as \"v4.2.2\" (letters, digits, '.', '-', '_')",
				 name);
			ok = false;
		}
		if (!ok)
			continue;
		/* Fragments (inserted verbatim): checked above to hold only characters a plain
		 * YAML scalar and a comment take as they are, so no quotes clutter `uses:`. */
		struct node *x = v_set(a, out, actions_used[i].key, v_map(a));
		const char *uses = arena_printf(a, "%s@%s", name, sha->str);
		v_set(a, x, "uses", v_fragment(a, uses, strlen(uses)));
		v_set(a, x, "version", v_fragment(a, ver->str, strlen(ver->str)));
	}
	return ok ? out : NULL;
}

/* ---- the repository view --------------------------------------------------------- */

static const struct node *part(const struct node *env_view)
{
	const struct node *g = node_get(env_view, "github");
	return g && g->kind == NODE_MAP ? g : NULL;
}

static bool flag(const struct node *g, const char *key)
{
	const struct node *b = node_get(g, key);
	return b && b->kind == NODE_BOOL && b->v.b;
}

static struct node *copy_str(struct arena *a, const struct node *g, const char *key)
{
	const struct node *s = node_get(g, key);
	return v_str(a, s && s->kind == NODE_STR ? s->str : "");
}

/* One matrix entry: what a tofu job needs of its environment. A plan job runs in the
 * plan environment with the plan role (the same as the others' unless reviewer-gated or
 * ci.plan_role_arn is set). */
static struct node *entry(struct arena *a, const struct node *g, bool plan)
{
	struct node *e = v_map(a);
	v_set(a, e, "environment", copy_str(a, g, "environment"));
	v_set(a, e, "github_environment",
	      copy_str(a, g, plan ? "plan_environment" : "environment"));
	v_set(a, e, "region", copy_str(a, g, "region"));
	v_set(a, e, "role_arn", copy_str(a, g, plan ? "plan_role_arn" : "role_arn"));
	v_set(a, e, "runs_on", copy_str(a, g, "runs_on"));
	v_set(a, e, "tofu_version", copy_str(a, g, "tofu_version"));
	return e;
}

/* Matrix jobs over the environments with key set (NULL: all), MATRIX_MAX per job:
 * [{job: "plan" | "plan-1"..., entries: [...]}]. */
static struct node *chunks(struct arena *a, const struct node *envs, const char *key,
			   const char *prefix)
{
	struct node *list = v_seq(a);
	size_t count = 0;
	for (size_t i = 0; i < envs->n; i++) {
		const struct node *g = part(envs->items[i]);
		if (g && (!key || flag(g, key)))
			count++;
	}
	struct node *cur = NULL;
	size_t k = 0;
	for (size_t i = 0; i < envs->n; i++) {
		const struct node *g = part(envs->items[i]);
		if (!g || (key && !flag(g, key)))
			continue;
		if (!cur || cur->n == MATRIX_MAX) {
			struct node *c = v_map(a);
			k++;
			v_set(a, c, "job", v_str(a, count <= MATRIX_MAX ? prefix :
						   arena_printf(a, "%s-%zu", prefix, k)));
			cur = v_set(a, c, "entries", v_seq(a));
			v_push(a, list, c);
		}
		v_push(a, cur, entry(a, g, false));
	}
	return list;
}

/*
 * The plan jobs: {any, chunks: [{job, from, to, comment}]}. The changed environments are known
 * only when the workflow runs, so there is one job per MATRIX_MAX environments of the
 * repository ("plan", or "plan-1", "plan-2"... when there are more), each planning the
 * slice [from, to) of the changed ones (bounds are integers formatted here).
 */
static struct node *plan_chunks(struct arena *a, const struct node *envs)
{
	size_t count = 0;
	for (size_t i = 0; i < envs->n; i++)
		if (part(envs->items[i]))
			count++;
	struct node *p = v_map(a);
	v_set(a, p, "any", v_bool(a, count > 0));
	struct node *list = v_set(a, p, "chunks", v_seq(a));
	for (size_t from = 0, k = 1; from < count; from += MATRIX_MAX, k++) {
		struct node *c = v_map(a);
		v_set(a, c, "job", v_str(a, count <= MATRIX_MAX ? "plan" :
						  arena_printf(a, "plan-%zu", k)));
		const char *f = arena_printf(a, "%zu", from);
		const char *t = arena_printf(a, "%zu", from + MATRIX_MAX);
		v_set(a, c, "from", v_fragment(a, f, strlen(f)));
		v_set(a, c, "to", v_fragment(a, t, strlen(t)));
		v_set(a, c, "comment", v_bool(a, true));	/* pull-requests: write */
		v_push(a, list, c);
	}
	return p;
}

/* The expression string literal of s: its quotes doubled (names are [a-z0-9-] anyway). */
static const char *expr_literal(struct arena *a, const char *s)
{
	struct strbuf lit = STRBUF_INIT;
	struct oom_guard lit_guard;
	oom_guard_strbuf(&lit_guard, &lit);
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			sb_putc(&lit, '\'');
		sb_putc(&lit, *p);
	}
	const char *q = arena_strndup(a, lit.buf ? lit.buf : "", lit.len);
	oom_guard_pop(&lit_guard);
	sb_release(&lit);
	return q;
}

/* A workflow_dispatch job of one environment: {job, if, plan, entries: [one entry]}. */
static struct node *dispatch_job(struct arena *a, const struct node *g, const char *name,
				 const char *prefix, const char *action)
{
	const char *lit = expr_literal(a, name);
	struct node *j = v_map(a);
	v_set(a, j, "job", v_str(a, arena_printf(a, "%s-%s", prefix, name)));
	v_set(a, j, "if", v_str(a, action ?
		arena_printf(a, "inputs.environment == '%s' && inputs.action == '%s'", lit, action) :
		arena_printf(a, "inputs.environment == '%s'", lit)));
	bool plan = action && strcmp(action, "plan") == 0;
	v_set(a, j, "plan", v_bool(a, plan));
	struct node *es = v_set(a, j, "entries", v_seq(a));
	v_push(a, es, entry(a, g, plan));
	return j;
}

/*
 * The jobs of a workflow_dispatch workflow over the environments with key set:
 * {any, options: [names], jobs: [...]}. With actions (dispatch), one job per
 * environment and action ("plan-<env>", "apply-<env>": a plan runs in the plan
 * environment); without (destroy), one "<prefix>-<env>". A job runs only when the inputs
 * name its environment (and action); a skipped job asks no reviewer.
 */
static struct node *per_env(struct arena *a, const struct node *envs, const char *key,
			    const char *prefix, bool actions)
{
	struct node *d = v_map(a);
	struct node *opts = v_set(a, d, "options", v_seq(a));
	struct node *jobs = v_set(a, d, "jobs", v_seq(a));
	for (size_t i = 0; i < envs->n; i++) {
		const struct node *g = part(envs->items[i]);
		if (!g || !flag(g, key))
			continue;
		const struct node *name = node_get(g, "environment");
		if (!name || name->kind != NODE_STR)
			continue;
		v_push(a, opts, v_str(a, name->str));
		if (actions) {
			v_push(a, jobs, dispatch_job(a, g, name->str, "plan", "plan"));
			v_push(a, jobs, dispatch_job(a, g, name->str, "apply", "apply"));
		} else {
			v_push(a, jobs, dispatch_job(a, g, name->str, prefix, NULL));
		}
	}
	v_set(a, d, "any", v_bool(a, jobs->n > 0));
	return d;
}

/* One entry of out/github-environments.json: name, reviewers, OIDC subject, role; the
 * rest (plan environment and role, runner, OpenTofu version) only for a spec
 * environment, not for its plan environment. */
static struct node *gh_entry(struct arena *a, const char *name, long long reviewers,
			     const char *role, const struct node *g, const char *plan_of)
{
	struct node *e = v_map(a);
	v_set(a, e, "name", v_str(a, name));
	/* an integer C formatted: inserted verbatim into the JSON */
	const char *num = arena_printf(a, "%lld", reviewers);
	v_set(a, e, "required_reviewers", v_fragment(a, num, strlen(num)));
	v_set(a, e, "oidc_subject",
	      v_str(a, arena_printf(a, "repo:OWNER/REPO:environment:%s", name)));
	v_set(a, e, "role_arn", v_str(a, role));
	if (!g) {
		v_set(a, e, "spec", v_bool(a, false));
		v_set(a, e, "plan_of", v_str(a, plan_of));
		return e;
	}
	struct node *x = v_set(a, e, "spec", v_map(a));
	v_set(a, x, "plan_environment", copy_str(a, g, "plan_environment"));
	v_set(a, x, "plan_role_arn", copy_str(a, g, "plan_role_arn"));
	v_set(a, x, "runs_on", copy_str(a, g, "runs_on"));
	v_set(a, x, "tofu_version", copy_str(a, g, "tofu_version"));
	return e;
}

/* Every GitHub environment the workflows use: each spec environment's, then, when its
 * plans run elsewhere (reviewer-gated), its plan environment with no reviewers. */
static struct node *gh_environments(struct arena *a, const struct node *envs)
{
	struct node *list = v_seq(a);
	for (size_t i = 0; i < envs->n; i++) {
		const struct node *g = part(envs->items[i]);
		if (!g)
			continue;
		const struct node *nm = node_get(g, "environment");
		const struct node *pe = node_get(g, "plan_environment");
		const struct node *r = node_get(g, "required_reviewers");
		const struct node *role = node_get(g, "role_arn");
		const struct node *prole = node_get(g, "plan_role_arn");
		if (!nm || nm->kind != NODE_STR || !pe || pe->kind != NODE_STR)
			continue;
		v_push(a, list, gh_entry(a, nm->str, r && r->kind == NODE_INT ? r->v.i : 0,
					 role && role->kind == NODE_STR ? role->str : "", g, NULL));
		if (strcmp(pe->str, nm->str) != 0)
			v_push(a, list, gh_entry(a, pe->str, 0,
						 prole && prole->kind == NODE_STR ? prole->str : "",
						 NULL, nm->str));
	}
	v_mark_last(a, list);
	return list;
}

static void repo_sources(struct ctx *ctx, struct outfile *f, bool actions)
{
	for (size_t i = 0; i < ctx->nenvs; i++) {
		const struct env *e = ctx->envs[i];
		if (e->abstract || !e->file)
			continue;
		out_source(ctx, f, e->file->path);
	}
	if (ctx->defaults)
		out_source(ctx, f, "environments/_defaults.yaml");
	if (actions)
		out_source(ctx, f, ACTIONS_REL);
}

static void render(struct ctx *ctx, struct outset *set, struct tmpl_set *t,
		   const struct node *view, const char *path, const char *tmpl,
		   enum comment_style style, enum tmpl_escape esc)
{
	struct outfile *f = out_add(ctx, set, path, style, NULL);
	repo_sources(ctx, f, esc == ESC_GHA);
	tmpl_set_render(t, tmpl, view, esc, &f->body);
}

static void github_emit_repo(struct ctx *ctx, const struct node *repo_view, struct tmpl_set *t,
			     struct outset *set)
{
	struct arena *a = &set->arena;
	const struct node *envs = node_get(repo_view, "environments");
	if (!envs || envs->kind != NODE_SEQ)
		BUG("repository view without environments");

	struct node *view = v_map(a);
	v_set(a, view, "environments", (struct node *)envs);
	struct node *g = v_set(a, view, "github", v_map(a));
	v_set(a, g, "environments", gh_environments(a, envs));
	render(ctx, set, t, view, "out/github-environments.json",
	       "github/github-environments.json.mustache", COMMENT_NONE, ESC_JSON);

	struct node *actions = actions_load(ctx);
	if (!actions)
		return;	/* SPEC012 reported: no workflow without pinned actions */
	v_set(a, g, "actions", actions);
	v_set(a, g, "plan", plan_chunks(a, envs));
	v_set(a, g, "apply", chunks(a, envs, "auto_apply", "apply"));
	struct node *dispatch = v_set(a, g, "dispatch", per_env(a, envs, "dispatch", "tofu", true));
	struct node *destroy = v_set(a, g, "destroy", per_env(a, envs, "destroy", "destroy", false));

	render(ctx, set, t, view, ".github/workflows/eragen-plan.yml",
	       "github/eragen-plan.yml.mustache", COMMENT_HASH, ESC_GHA);
	render(ctx, set, t, view, ".github/workflows/eragen-apply.yml",
	       "github/eragen-apply.yml.mustache", COMMENT_HASH, ESC_GHA);
	if (flag(dispatch, "any"))
		render(ctx, set, t, view, ".github/workflows/eragen-dispatch.yml",
		       "github/eragen-dispatch.yml.mustache", COMMENT_HASH, ESC_GHA);
	if (flag(destroy, "any"))
		render(ctx, set, t, view, ".github/workflows/eragen-destroy.yml",
		       "github/eragen-destroy.yml.mustache", COMMENT_HASH, ESC_GHA);
}

/* Nothing per environment: every workflow covers all environments. */
static void github_emit_env(struct ctx *ctx, struct env *env, const struct node *view,
			    struct tmpl_set *t, struct outset *set)
{
	(void)ctx;
	(void)env;
	(void)view;
	(void)t;
	(void)set;
}

/* repository-level files only */
static const char *const github_repo_paths[] = {
	"out/github-environments.json",
	".github/workflows/eragen-*.yml",
	NULL,
};

const struct backend backend_github = {
	.name = "github",
	.view = github_view,
	.emit_env = github_emit_env,
	.repo_part = v_copy,
	.emit_repo = github_emit_repo,
	.owns = { .repo = github_repo_paths },
};
