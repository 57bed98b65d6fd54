/*
 * check/compat.c - COMPAT001-COMPAT002: versions that must agree with each other.
 *
 * Consumes the resolved specs and, for COMPAT002, the chart table of data.h (the
 * kube-scheduler each daskhub chart bundles); skips quietly when the table is missing
 * (data_get reported why). Produces diagnostics only.
 */
#include "check/pin.h"
#include "data.h"
#include "model.h"

#include <string.h>

/*
 * Whether a finding at at gets a note at other. Not when at is inherited (_defaults.yaml
 * or a parent) while other is the environment's own: the copies of the finding in the
 * inheriting environments are merged into one, which would keep one environment's note.
 */
static bool own_note(const struct env *e, const struct node *at, const struct node *other)
{
	if (!other->loc.line)
		return false;
	uint32_t own = e->file ? e->file->id : 0;
	return !(at->loc.file != own && other->loc.file == own);
}

/* ---- COMPAT001: features newer than ci.tofu_version ---- */

/* S3 native state locking. */
static const struct node *uses_s3_lockfile(const struct model *m)
{
	return m->state.lock.v == STATE_LOCK_S3 ? m->state.lock.n : NULL;
}

/* A spec value that needs an OpenTofu release: where uses() finds it -> at least min. */
static const struct {
	const struct node *(*uses)(const struct model *m);	/* the value, or NULL */
	const char *min;	/* the first OpenTofu version with the feature */
	const char *what;	/* for the message */
	const char *instead;	/* the help's alternative */
} tofu_features[] = {
	{ uses_s3_lockfile, "1.10.0", "the S3 native lockfile (state.lock: s3)",
	  "or use 'state.lock: dynamodb'" },
};

static void check_tofu_features(struct ctx *ctx, struct env *e)
{
	const struct node *tv = e->model->ci.tofu_version.n;
	struct version have;
	if (!e->model->ci.tofu_version.s || !version_parse(tv->str, tv->len, &have) ||
	    have.nparts != 3)
		return;	/* absent, mistyped or not exact: the schema or DRIFT002 */
	for (size_t i = 0; i < sizeof(tofu_features) / sizeof(tofu_features[0]); i++) {
		const struct node *n = tofu_features[i].uses(e->model);
		if (!n)
			continue;
		struct version need;
		const char *min = tofu_features[i].min;
		if (!version_parse(min, strlen(min), &need))
			BUG("bad version '%s' in the feature table", min);
		if (version_cmp(&have, &need) >= 0)
			continue;
		struct diag *d = diag_add(ctx, "COMPAT001", e->name, n->loc,
					  "%s needs OpenTofu %u.%u or later, but ci.tofu_version is "
					  "%s",
					  tofu_features[i].what, need.part[0], need.part[1],
					  node_display(&ctx->perm, tv));
		if (own_note(e, n, tv))
			diag_note(ctx, d, tv->loc, "OpenTofu version set here");
		diag_help(ctx, d, "set ci.tofu_version to \"%s\" or later, %s", min,
			  tofu_features[i].instead);
	}
}

/* ---- COMPAT002: the user-scheduler's kube-scheduler against the cluster ---- */

/* hub.extra_values.jupyterhub.scheduling.userScheduler.enabled: false turns it off. */
static bool user_scheduler_disabled(const struct model *m)
{
	/* a path into the free-form Helm values (hub.extra_values) */
	const struct node *n =
		node_path(m->hub.extra_values, "jupyterhub.scheduling.userScheduler.enabled");
	return n && n->kind == NODE_BOOL && !n->v.b;
}

static void check_scheduler_skew(struct ctx *ctx, struct env *e)
{
	const struct node *cv = e->model->hub.chart_version.n;
	const struct node *kv = e->model->cluster.kubernetes_version.n;
	struct version k, s;
	if (!e->model->hub.chart_version.s || !e->model->cluster.kubernetes_version.s ||
	    !version_parse(kv->str, kv->len, &k) || k.nparts != 2 ||
	    user_scheduler_disabled(e->model))
		return;
	const struct data *d = data_get(ctx);
	const struct chart_info *chart = d ? data_chart(d, cv->str) : NULL;
	if (!chart || !chart->kube_scheduler)
		return;	/* an unknown chart is SPEC006's */
	const char *ks = chart->kube_scheduler;
	if (ks[0] == 'v')
		ks++;
	/* the table may give a patch release: only major.minor matters for the skew */
	size_t kslen = strlen(ks);
	const char *dot = strchr(ks, '.');
	const char *dot2 = dot ? strchr(dot + 1, '.') : NULL;
	if (dot2)
		kslen = (size_t)(dot2 - ks);
	if (!version_parse(ks, kslen, &s) || s.nparts != 2)
		return;
	long dist = version_minor_distance(&s, &k);
	if (dist >= -1 && dist <= 1)
		return;
	struct diag *dg = diag_add(
		ctx, "COMPAT002", e->name, cv->loc,
		"daskhub chart %s runs the user-scheduler on kube-scheduler %.*s, %s Kubernetes %s",
		node_display(&ctx->perm, cv), (int)kslen, ks,
		k.part[0] != s.part[0] ? "another major version than"
		: dist > 0 ? arena_printf(&ctx->perm, "%ld minor versions behind", dist)
			   : arena_printf(&ctx->perm, "%ld minor versions ahead of", -dist),
		kv->str);
	if (own_note(e, cv, kv))
		diag_note(ctx, dg, kv->loc, "Kubernetes version set here");
	diag_help(ctx, dg, "use a chart built for Kubernetes %s, or turn the user-scheduler off: "
			   "hub.extra_values.jupyterhub.scheduling.userScheduler.enabled: false",
		  kv->str);
}

static void compat_env(struct ctx *ctx, struct env *e)
{
	if (e->abstract || !e->resolved)
		return;	/* values are looked up with their types checked */
	check_tofu_features(ctx, e);
	check_scheduler_skew(ctx, e);
}

/* ---- the COMPAT rules (their explain texts: docs/rules/<ID>.txt) ----------------- */

static const struct rule compat_rules[] = {
	{ .id = "COMPAT001", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "a feature needs a newer OpenTofu than ci.tofu_version (lock: s3 needs "
		     "1.10)" },
	{ .id = "COMPAT002", .sev = SEV_WARNING, .suppressible = true,
	  .summary = "the chart's bundled kube-scheduler (user-scheduler) is more than one "
		     "minor away from kubernetes_version" },
};

const struct check check_compat = {
	.name = "compat",
	.run_env = compat_env,
	.rules = compat_rules,
	.nrules = sizeof(compat_rules) / sizeof(compat_rules[0]),
};
