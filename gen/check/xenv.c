/*
 * check/xenv.c - XENV001-XENV004 and AUTH009: resources two environments would share.
 *
 * Consumes the resolved, schema-valid specs of the concrete environments (abstract
 * parents are outside cross-environment rules) with their derived names; produces one
 * finding per environment that repeats a key an earlier one holds ("earlier": by key,
 * then by environment name), located at the later environment's value, with a note at
 * the first one's. Each rule sorts its keys once: O(n log n) in the number of
 * environments. Every finding involves both environments, so `lint ENV` shows it for
 * either. XENV004 pairs a reviewer-gated environment with the environment named like its
 * plan environment (<env>-plan, where its plans run): names sorted once, one binary
 * search per gated environment.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#define KEY_PARTS 3

struct keyed {
	const char *k[KEY_PARTS];	/* the compared parts; unused ones NULL */
	size_t order;			/* position in ctx->envs: ties in name order */
	const struct env *env;
	const struct node *at;		/* where the later environment is reported */
	const struct node *value;	/* the value shown in the message */
};

static int cmp_keyed(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	for (int i = 0; i < KEY_PARTS; i++) {
		if (!a->k[i] || !b->k[i]) {
			if (a->k[i] != b->k[i])
				return a->k[i] ? 1 : -1;
			continue;
		}
		int c = strcmp(a->k[i], b->k[i]);
		if (c)
			return c;
	}
	return a->order < b->order ? -1 : a->order > b->order;
}

static bool same_key(const struct keyed *a, const struct keyed *b)
{
	for (int i = 0; i < KEY_PARTS; i++) {
		if (!a->k[i] || !b->k[i]) {
			if (a->k[i] != b->k[i])
				return false;
			continue;
		}
		if (strcmp(a->k[i], b->k[i]) != 0)
			return false;
	}
	return true;
}

typedef void report_fn(struct ctx *ctx, const struct keyed *later, const struct keyed *first);

/* Sort the keys; in each run of equal keys, report every entry after the first. */
static void report_repeats(struct ctx *ctx, struct keyed *v, size_t n, report_fn *report)
{
	if (n < 2)
		return;
	qsort(v, n, sizeof(*v), cmp_keyed);
	size_t first = 0;
	for (size_t i = 1; i < n; i++) {
		if (!same_key(&v[first], &v[i])) {
			first = i;
			continue;
		}
		report(ctx, &v[i], &v[first]);
	}
}

static struct diag *add_pair(struct ctx *ctx, const char *rule, const struct keyed *later,
			     const struct keyed *first, const char *fmt, ...) ATTR_PRINTF(5, 6);
static struct diag *add_pair(struct ctx *ctx, const char *rule, const struct keyed *later,
			     const struct keyed *first, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct diag *d = diag_vadd(ctx, rule, later->env->name, env_value_loc(later->env, later->at, NULL),
				   fmt, ap);
	va_end(ap);
	diag_env(ctx, d, first->env->name);
	diag_note(ctx, d, env_value_loc(first->env, first->at, NULL), "'%s' uses it here",
		  first->env->name);
	return d;
}

/* ---- the rules ---- */

static void report_cluster(struct ctx *ctx, const struct keyed *later, const struct keyed *first)
{
	struct diag *d = add_pair(ctx, "XENV001", later, first,
				  "cluster name '%s' of '%s' is also the cluster name of '%s' in "
				  "account %s, region %s",
				  later->k[2], later->env->name, first->env->name, later->k[0],
				  later->k[1]);
	const struct node *at = later->at;
	if (at->loc.line && later->env->file && at->loc.file != later->env->file->id)
		diag_help(ctx, d, "'%s' inherits cluster.name: set its own, or remove "
				  "cluster.name from the parent so that each environment derives "
				  "<app>-<env>",
			  later->env->name);
	else
		diag_help(ctx, d, "give each environment its own cluster.name (without one, "
				  "eragen derives <app>-<env>)");
}

static void report_state(struct ctx *ctx, const struct keyed *later, const struct keyed *first)
{
	struct diag *d = add_pair(ctx, "XENV002", later, first,
				  "state of '%s' (bucket '%s', key '%s') is also the state of '%s'",
				  later->env->name, later->k[0], later->k[1], first->env->name);
	diag_help(ctx, d, "set state.bucket to auto (one bucket per environment), or give '%s' "
			  "a state.key of its own, e.g. '%s/infra.tfstate'",
		  later->env->name, later->env->name);
}

static void report_domain(struct ctx *ctx, const struct keyed *later, const struct keyed *first)
{
	struct diag *d = add_pair(ctx, "XENV003", later, first,
				  "domain %s of '%s' is also the domain of '%s'",
				  node_display(&ctx->perm, later->value), later->env->name,
				  first->env->name);
	/* hub.example.org -> <env>.example.org */
	const char *dot = strchr(later->k[0], '.');
	if (dot && strchr(dot + 1, '.'))
		diag_help(ctx, d, "give each environment its own domain.name, e.g. '%s%s'",
			  later->env->name, dot);
	else
		diag_help(ctx, d, "give each environment its own domain.name");
}

static void report_client(struct ctx *ctx, const struct keyed *later, const struct keyed *first)
{
	struct diag *d = add_pair(ctx, "AUTH009", later, first,
				  "Cognito client ID %s of '%s' is also the client ID of '%s'",
				  node_display(&ctx->perm, later->value), later->env->name,
				  first->env->name);
	diag_help(ctx, d, "create an app client for '%s' in the user pool and set its ID "
			  "in auth.cognito.client_id",
		  later->env->name);
}

/* A domain name as DNS compares it: lowercase, without the root's trailing dot. */
static const char *dns_key(struct ctx *ctx, const struct node *n)
{
	size_t len = n->len;
	if (len > 0 && n->str[len - 1] == '.')
		len--;
	char *s = arena_strndup(&ctx->perm, n->str, len);
	for (char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

/* ---- XENV004: a plan environment's name taken ---- */

static int cmp_env_name(const void *pa, const void *pb)
{
	const struct env *a = *(const struct env *const *)pa, *b = *(const struct env *const *)pb;
	return strcmp(a->name, b->name);
}

static void report_plan_env(struct ctx *ctx, const struct env *gated, const struct env *taken)
{
	const struct model *m = gated->model;
	struct diag *d = diag_add(ctx, "XENV004", gated->name,
				  env_value_loc(gated, m->ci.required_reviewers.n,
						"ci.required_reviewers"),
				  "the plans of '%s' run in the GitHub environment '%s' (it has "
				  "required reviewers), and an environment is named '%s' too",
				  gated->name, taken->name, taken->name);
	diag_env(ctx, d, taken->name);
	diag_note(ctx, d, env_value_loc(taken, m_str_node(&taken->model->name), "name"),
		  "'%s' is named here", taken->name);
	diag_help(ctx, d, "rename '%s': the two would share one GitHub environment, its "
			  "protection rules and its OIDC subject", taken->name);
}

/* Each reviewer-gated environment whose plan environment <env>-plan is another's name. */
static void plan_envs(struct ctx *ctx)
{
	const struct env **v = arena_alloc(&ctx->perm, (ctx->nenvs + 1) * sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < ctx->nenvs; i++) {
		const struct env *e = ctx->envs[i];
		if (e->resolved && !e->invalid && !e->abstract)
			v[n++] = e;
	}
	qsort(v, n, sizeof(*v), cmp_env_name);
	for (size_t i = 0; i < n; i++) {
		if (v[i]->model->ci.required_reviewers.v <= 0)
			continue;
		struct env probe = { .name = arena_printf(&ctx->perm, "%s-plan", v[i]->name) };
		const struct env *pp = &probe;
		const struct env **hit = bsearch(&pp, v, n, sizeof(*v), cmp_env_name);
		if (hit)
			report_plan_env(ctx, v[i], *hit);
	}
}

static void xenv_all(struct ctx *ctx)
{
	size_t cap = ctx->nenvs + 1;
	struct keyed *cluster = arena_alloc(&ctx->perm, cap * sizeof(*cluster));
	struct keyed *state = arena_alloc(&ctx->perm, cap * sizeof(*state));
	struct keyed *domain = arena_alloc(&ctx->perm, cap * sizeof(*domain));
	struct keyed *client = arena_alloc(&ctx->perm, cap * sizeof(*client));
	size_t nc = 0, ns = 0, nd = 0, na = 0;

	for (size_t i = 0; i < ctx->nenvs; i++) {
		const struct env *e = ctx->envs[i];
		if (!e->resolved || e->invalid || e->abstract)
			continue;
		const struct model *m = e->model;
		const struct node *account = m_str_node(&m->aws.account_id);
		const struct node *region = m_str_node(&m->aws.region);
		const struct node *cn = m_str_node(&m->cluster.name);
		if (account && region && cn)
			cluster[nc++] = (struct keyed){ { account->str, region->str, cn->str }, i,
							e, cn, cn };

		const struct node *bucket = m_str_node(&m->state.bucket);
		const struct node *key = m_str_node(&m->state.key);
		if (bucket && key)
			state[ns++] = (struct keyed){ { bucket->str, key->str, NULL }, i, e,
						      bucket->loc.line ? bucket : key, bucket };

		const struct node *dn = m_str_node(&m->domain.name);
		if (dn && dn->len > 0)
			domain[nd++] = (struct keyed){ { dns_key(ctx, dn), NULL, NULL }, i, e, dn,
						       dn };

		const struct node *id = m_str_node(&m->auth.cognito.client_id);
		if (m->auth.mode.v == AUTH_COGNITO && id && !node_is_masked(id) &&
		    strncmp(id->str, "sops:", 5) != 0)
			client[na++] = (struct keyed){ { id->str, NULL, NULL }, i, e, id, id };
	}
	report_repeats(ctx, cluster, nc, report_cluster);
	report_repeats(ctx, state, ns, report_state);
	report_repeats(ctx, domain, nd, report_domain);
	report_repeats(ctx, client, na, report_client);
	plan_envs(ctx);
}

/* ---- the XENV rules (their explain texts: docs/rules/<ID>.txt) ------------------- */

static const struct rule xenv_rules[] = {
	{ .id = "XENV001", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "two environments with the same cluster name in one account and region" },
	{ .id = "XENV002", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "two environments with the same state bucket and key" },
	{ .id = "XENV003", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "two environments with the same domain" },
	{ .id = "XENV004", .sev = SEV_ERROR, .suppressible = false,
	  .summary = "an environment is named like the plan environment <env>-plan of a "
		     "reviewer-gated one" },
};

const struct check check_xenv = {
	.name = "xenv",
	.run_all = xenv_all,
	.rules = xenv_rules,
	.nrules = sizeof(xenv_rules) / sizeof(xenv_rules[0]),
};
