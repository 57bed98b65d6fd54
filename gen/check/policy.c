/*
 * check/policy.c - POLICY001-POLICY006: what production must not do, and a public API
 * endpoint open to the whole internet (any tier).
 *
 * Consumes the resolved specs and their tiers; produces diagnostics only. Messages do not
 * name the environment (diag_add records it): a value set once in _defaults.yaml or a
 * parent is then one finding, noted with the environments that inherit it.
 */
#include "eragen.h"

#include <stdio.h>
#include <string.h>

/* The key node of a dotted path in the resolved tree (keys keep the line that set them):
 * where a value the schema filled in is reported. NULL when absent. */
static const struct node *key_at(const struct node *root, const char *dotted)
{
	const struct node *key = NULL, *n = root;
	while (n && n->kind == NODE_MAP && *dotted) {
		const char *dot = strchr(dotted, '.');
		size_t len = dot ? (size_t)(dot - dotted) : strlen(dotted);
		long i = -1;
		for (size_t k = 0; k < n->n && i < 0; k++)
			if (n->keys[k]->len == len && memcmp(n->keys[k]->str, dotted, len) == 0)
				i = (long)k;
		if (i < 0)
			return NULL;
		key = n->keys[i];
		n = n->items[i];
		dotted += len + (dot != NULL);
	}
	return *dotted ? NULL : key;
}

/* Where the value at path is reported: where it was set; a schema default or a derived
 * value has no line, so then the nearest key on its path that has one (the file that set
 * the enclosing map), else the environment's 'name'. */
static struct loc value_loc(const struct env *e, const struct node *n, const char *path)
{
	if (n && n->loc.line)
		return n->loc;
	char buf[256];
	if (path && e->resolved && (size_t)snprintf(buf, sizeof(buf), "%s", path) < sizeof(buf)) {
		for (;;) {
			const struct node *key = key_at(e->resolved, buf);
			if (key && key->loc.line)
				return key->loc;
			char *dot = strrchr(buf, '.');
			if (!dot)
				break;
			*dot = '\0';
		}
	}
	const struct node *name = e->root ? node_get(e->root, "name") : NULL;
	if (name)
		return name->loc;
	return (struct loc){ .file = e->file ? e->file->id : 0 };
}

static bool is_true(const struct node *n)
{
	return n && n->kind == NODE_BOOL && n->v.b;
}

static void production_rules(struct ctx *ctx, struct env *e)
{
	const struct node *n = node_path(e->resolved, "ci.auto_apply");
	struct diag *d;
	if (is_true(n)) {
		d = diag_add(ctx, "POLICY001", e->name, value_loc(e, n, "ci.auto_apply"),
			     "production applies every push to main with nobody reviewing the "
			     "plan (ci.auto_apply: true)");
		diag_help(ctx, d, "set 'ci.auto_apply: false' and apply from the Actions tab "
				  "(ci.dispatch: true) with reviewers");
	}
	n = node_path(e->resolved, "ci.required_reviewers");
	if (n && n->kind == NODE_INT && n->v.i < 1) {
		d = diag_add(ctx, "POLICY002", e->name, value_loc(e, n, "ci.required_reviewers"),
			     "production requires %lld reviewers to apply (ci.required_reviewers): "
			     "at least 1 is needed",
			     (long long)n->v.i);
		diag_help(ctx, d, "set 'ci.required_reviewers: 1' or more");
	}
	n = node_path(e->resolved, "ci.destroy");
	if (is_true(n)) {
		d = diag_add(ctx, "POLICY003", e->name, value_loc(e, n, "ci.destroy"),
			     "production gets a destroy workflow (ci.destroy: true)");
		diag_help(ctx, d, "set 'ci.destroy: false'; destroy production by hand if ever "
				  "needed");
	}
	n = node_path(e->resolved, "network.nat");
	if (n && n->kind == NODE_STR && strcmp(n->str, "single") == 0) {
		d = diag_add(ctx, "POLICY004", e->name,
			     value_loc(e, n, "network.nat"),
			     "production uses a single NAT gateway (network.nat: single%s): when "
			     "its AZ fails, the nodes in the other AZs lose their way out",
			     (n->flags & NODE_DEFAULT) ? ", the default" : "");
		diag_help(ctx, d, "set 'network.nat: per_az'");
	}
	n = node_path(e->resolved, "scratch_bucket.force_destroy");
	if (is_true(n)) {
		d = diag_add(ctx, "POLICY005", e->name,
			     value_loc(e, n, "scratch_bucket.force_destroy"),
			     "production lets a destroy delete the users' scratch bucket with its "
			     "data (scratch_bucket.force_destroy: true)");
		diag_help(ctx, d, "set 'scratch_bucket.force_destroy: false'");
	}
}

/* POLICY006: an entry of cluster.endpoint_public_cidrs with prefix length 0. */
static void check_endpoint(struct ctx *ctx, struct env *e)
{
	const struct node *l = node_path(e->resolved, "cluster.endpoint_public_cidrs");
	if (!l || l->kind != NODE_SEQ)
		return;
	for (size_t i = 0; i < l->n; i++) {
		const struct node *c = l->items[i];
		if (c->kind != NODE_STR || c->len < 2 || strcmp(c->str + c->len - 2, "/0") != 0)
			continue;
		struct diag *d = diag_add(
			ctx, "POLICY006", e->name, value_loc(e, c, "cluster.endpoint_public_cidrs"),
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

static void policy_env(struct ctx *ctx, struct env *e)
{
	if (e->abstract || !e->resolved)
		return;	/* values are looked up with their types checked */
	if (e->tier == TIER_PRODUCTION)
		production_rules(ctx, e);
	check_endpoint(ctx, e);
}

static const char *const policy_rules[] = { "POLICY001", "POLICY002", "POLICY003", "POLICY004",
					    "POLICY005", "POLICY006", NULL };
const struct check check_policy = { "policy", policy_env, NULL, policy_rules };
