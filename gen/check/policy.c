/*
 * check/policy.c - POLICY001-POLICY007: what production must not do (among it, plans that
 * run unreviewed with the apply role), and a public API endpoint open to the whole
 * internet (any tier).
 *
 * Consumes the resolved specs and their tiers; produces diagnostics only. Messages do not
 * name the environment (diag_add records it): a value set once in _defaults.yaml or a
 * parent is then one finding, noted with the environments that inherit it.
 */
#include "model.h"

#include <stdio.h>
#include <string.h>

static void production_rules(struct ctx *ctx, struct env *e)
{
	const struct model *m = e->model;
	const struct m_bool *apply = &m->ci.auto_apply, *destroy = &m->ci.destroy;
	const struct m_bool *force = &m->scratch_bucket.force_destroy;
	const struct m_int *rv = &m->ci.required_reviewers;
	const struct m_enum *nat = &m->network.nat;
	struct diag *d;
	if (apply->v) {
		d = diag_add(ctx, "POLICY001", e->name, env_value_loc(e, apply->n, apply->path),
			     "production applies every push to main with nobody reviewing the "
			     "plan (ci.auto_apply: true)");
		diag_help(ctx, d, "set 'ci.auto_apply: false' and apply from the Actions tab "
				  "(ci.dispatch: true) with reviewers");
	}
	if (rv->set && rv->v < 1) {
		d = diag_add(ctx, "POLICY002", e->name, env_value_loc(e, rv->n, rv->path),
			     "production requires %lld reviewers to apply (ci.required_reviewers): "
			     "at least 1 is needed",
			     (long long)rv->v);
		diag_help(ctx, d, "set 'ci.required_reviewers: 1' or more");
	}
	if (destroy->v) {
		d = diag_add(ctx, "POLICY003", e->name, env_value_loc(e, destroy->n, destroy->path),
			     "production gets a destroy workflow (ci.destroy: true)");
		diag_help(ctx, d, "set 'ci.destroy: false'; destroy production by hand if ever "
				  "needed");
	}
	if (nat->v == NAT_SINGLE) {
		d = diag_add(ctx, "POLICY004", e->name,
			     env_value_loc(e, nat->n, nat->path),
			     "production uses a single NAT gateway (network.nat: single%s): when "
			     "its AZ fails, the nodes in the other AZs lose their way out",
			     (nat->n->flags & NODE_DEFAULT) ? ", the default" : "");
		diag_help(ctx, d, "set 'network.nat: per_az'");
	}
	if (force->v) {
		d = diag_add(ctx, "POLICY005", e->name,
			     env_value_loc(e, force->n, force->path),
			     "production lets a destroy delete the users' scratch bucket with its "
			     "data (scratch_bucket.force_destroy: true)");
		diag_help(ctx, d, "set 'scratch_bucket.force_destroy: false'");
	}
}

/* POLICY006: an entry of cluster.endpoint_public_cidrs with prefix length 0. */
static void check_endpoint(struct ctx *ctx, struct env *e)
{
	const struct m_strs *l = &e->model->cluster.endpoint_public_cidrs;
	for (size_t i = 0; i < l->count; i++) {
		const struct node *c = l->v[i].n;
		if (!l->v[i].s || c->len < 2 || strcmp(c->str + c->len - 2, "/0") != 0)
			continue;
		struct diag *d = diag_add(
			ctx, "POLICY006", e->name, env_value_loc(e, c, l->path),
			"the cluster's public API endpoint is open to the whole internet "
			"(cluster.endpoint_public_cidrs: %s%s)",
			node_display(&ctx->perm, c),
			(c->flags & NODE_DEFAULT) ? ", the default" : "");
		diag_help(ctx, d, "list the networks that need the API (offices, VPN, CI "
				  "runners) in 'cluster.endpoint_public_cidrs', or [] for a private "
				  "endpoint");
		return;
	}
}

/*
 * POLICY007: the plans of a reviewer-gated production environment run without review in its
 * <env>-plan GitHub environment (DESIGN 8.1) with ci.plan_role_arn, which defaults to
 * ci.role_arn, the role that applies: the pull request's code (extra/ HCL, providers,
 * external data sources run programs) then holds the apply role unreviewed.
 */
static void check_plan_role(struct ctx *ctx, struct env *e)
{
	const struct model *m = e->model;
	const struct m_int *rv = &m->ci.required_reviewers;
	const char *apply = m->ci.role_arn.s, *plan = m->ci.plan_role_arn.s;
	if (!rv->set || rv->v < 1 || !apply || (plan && strcmp(plan, apply) != 0))
		return;
	const struct node *at = plan ? m->ci.plan_role_arn.n : m->ci.role_arn.n;
	const char *path = plan ? m->ci.plan_role_arn.path : m->ci.role_arn.path;
	struct diag *d = diag_add(ctx, "POLICY007", e->name, env_value_loc(e, at, path),
				  "the unreviewed pull-request plans of this production environment run with "
				  "its apply role '%s'", apply);
	if (rv->n && rv->n->loc.line)
		diag_note(ctx, d, rv->n->loc, "reviewers are required here");
	diag_help(ctx, d, "create a read-only role for plans (ReadOnlyAccess and the state "
			  "bucket) and set 'ci.plan_role_arn' to it");
}

static void policy_env(struct ctx *ctx, struct env *e)
{
	if (e->abstract || !e->resolved)
		return;	/* values are looked up with their types checked */
	if (e->tier == TIER_PRODUCTION) {
		production_rules(ctx, e);
		check_plan_role(ctx, e);
	}
	check_endpoint(ctx, e);
}

/* ---- the POLICY rules (their explain texts: docs/rules/<ID>.txt) ----------------- */

static const struct rule policy_rules[] = {
	{ .id = "POLICY001", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "production with ci.auto_apply" },
	{ .id = "POLICY002", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "production with ci.required_reviewers below 1" },
	{ .id = "POLICY003", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "production with a destroy workflow" },
	{ .id = "POLICY004", .sev = SEV_WARNING, .suppressible = true,
	  .summary = "production with nat: single" },
	{ .id = "POLICY005", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "production with scratch_bucket.force_destroy" },
	{ .id = "POLICY006", .sev = SEV_WARNING, .suppressible = true,
	  .summary = "public cluster endpoint open to 0.0.0.0/0" },
	{ .id = "POLICY007", .sev = SEV_WARNING, .suppressible = true,
	  .summary = "production's unreviewed pull-request plans run with its apply role "
		     "(ci.plan_role_arn unset or equal to ci.role_arn)" },
};

const struct check check_policy = {
	.name = "policy",
	.run_env = policy_env,
	.rules = policy_rules,
	.nrules = sizeof(policy_rules) / sizeof(policy_rules[0]),
};
