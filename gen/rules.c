/*
 * rules.c - the rule table: every rule eragen checks, with its ID, default severity,
 * whether it can be suppressed and a one-line summary; its `eragen explain` text is
 * docs/rules/<ID>.txt, embedded by the Makefile (rule_texts). This one table feeds
 * `eragen explain`, `--help` and the README rule list; the checks refer to rules by ID
 * only. Sorted by family, then number (the order of DESIGN.md section 5).
 * IDs are stable: add rules, never rename or reuse an ID.
 */
#include <string.h>

#include "eragen.h"

const struct rule rules[] = {
	/* ---- SPEC: the spec as a file and as a schema instance ------------------------- */

	{
		.id = "SPEC001",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "YAML syntax error (libyaml's problem and position)",
	},

	{
		.id = "SPEC002",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "duplicate key in a mapping",
	},

	{
		.id = "SPEC003",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "unknown key (suggest the nearest known key)",
	},

	{
		.id = "SPEC004",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "wrong type (with \"quote it\" for numbers where strings are expected)",
	},

	{
		.id = "SPEC005",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "required key missing",
	},

	{
		.id = "SPEC006",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "value not allowed (enum, pattern, range, format, unknown chart version)",
	},

	{
		.id = "SPEC007",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "name differs from the directory name",
	},

	{
		.id = "SPEC008",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "extends: missing parent, cycle, a path, or a chain deeper than 8",
	},

	{
		.id = "SPEC009",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary =
			"unsupported YAML: alias expansion over budget, merge keys <<, tags other "
			"than the core ones, non-scalar keys, several documents",
	},

	{
		.id = "SPEC010",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "unsupported spec version",
	},

	{
		.id = "SPEC011",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary =
			"suppression without a reason, past its until, or that matched nothing (only "
			"reported when every environment and every rule ran)",
	},

	{
		.id = "SPEC012",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary =
			"input cannot be used: unreadable, too large, nested too deep, not UTF-8, NUL"
			" bytes, a path that leaves the repository",
	},

	/* ---- NET: addresses ------------------------------------------------------------ */

	{
		.id = "NET001",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "invalid CIDR (syntax, host bits set, VPC prefix outside /16../24)",
	},

	{
		.id = "NET002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "VPC CIDR not private (RFC 1918 or RFC 6598)",
	},

	{
		.id = "NET003",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "VPC CIDR overlaps another environment's (unless both acknowledge it)",
	},

	{
		.id = "NET004",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "VPC CIDR overlaps a declared peer network",
	},

	{
		.id = "NET005",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "service CIDR overlaps the VPC or a peer, or is not RFC 1918 /12../24",
	},

	{
		.id = "NET006",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "subnet plan does not fit (2 x AZs subnets at subnet_newbits)",
	},

	{
		.id = "NET007",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "AZ not in the region, or a node group's AZ not among aws.azs",
	},

	{
		.id = "NET008",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "nat: none while node groups run in private subnets (nodes cannot join)",
	},

	/* ---- AUTH: authentication ------------------------------------------------------ */

	{
		.id = "AUTH001",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "Cognito region has no Cognito user pools",
	},

	{
		.id = "AUTH002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "user pool ID prefix differs from auth.cognito.region",
	},

	{
		.id = "AUTH003",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "Cognito domain's region differs from auth.cognito.region",
	},

	{
		.id = "AUTH004",
		.sev = SEV_WARNING,
		.raise_on_prod = true,
		.suppressible = true,
		.summary =
			"OAuth without domain.name and tls: acm: an error for Cognito (its callback "
			"must be https), a warning for GitHub",
	},

	{
		.id = "AUTH005",
		.sev = SEV_WARNING,
		.raise_on_prod = true,
		.suppressible = true,
		.summary = "dummy auth outside the ephemeral tier (error on production and staging)",
	},

	{
		.id = "AUTH006",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"a secret-bearing key is a literal, or its sops: key is absent from the SOPS "
			"file",
	},

	{
		.id = "AUTH007",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"Cognito mode with admins or allowed users that are not e-mail addresses (the"
			" hub's username is the e-mail claim)",
	},

	{
		.id = "AUTH008",
		.sev = SEV_NOTE,
		.suppressible = true,
		.summary = "Cognito pool region differs from the cluster region",
	},

	{
		.id = "AUTH009",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary = "two environments use the same literal Cognito client ID",
	},

	{
		.id = "AUTH010",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary =
			"Cognito with allow_all_users: true: anyone who can sign up to the pool gets "
			"a server",
	},

	/* ---- SCHED: the placement matrix ----------------------------------------------- */

	{
		.id = "SCHED001",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "placement or profile names a node group that does not exist",
	},

	{
		.id = "SCHED002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"a workload can land only on groups with a NoSchedule/NoExecute taint it does"
			" not tolerate",
	},

	{
		.id = "SCHED003",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "a node selector matches no node group",
	},

	{
		.id = "SCHED004",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "hub, proxy, user_scheduler or gateway can land on a spot group",
	},

	{
		.id = "SCHED005",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"hub or proxy can land on a group that can scale to zero (min: 0 or "
			"schedule.min_after: 0)",
	},

	{
		.id = "SCHED006",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"a profile's guarantee, or a dask worker of the maximum size, does not fit "
			"the allocatable of some instance type of its group (kubelet/system "
			"reservation and DaemonSet overhead deducted)",
	},

	{
		.id = "SCHED007",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary = "spot group without a NoSchedule/NoExecute taint",
	},

	{
		.id = "SCHED008",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "not min <= desired <= max, or max < 1",
	},

	{
		.id = "SCHED009",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "unknown EC2 instance type",
	},

	{
		.id = "SCHED010",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary = "a taint value says spot on an on_demand group (or the reverse)",
	},

	{
		.id = "SCHED011",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary = "hub (it has a PVC) can land on a group spanning several AZs",
	},

	{
		.id = "SCHED012",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary =
			"user_scheduler, gateway or dask_scheduler can land on a group that can scale"
			" to zero, keeping it from scaling down",
	},

	{
		.id = "SCHED013",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"a node-group label under kubernetes.io/ or k8s.io/ outside the kubelet's "
			"allowed set",
	},

	{
		.id = "SCHED014",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "GPU instance type without a GPU AMI type (or the reverse)",
	},

	/* ---- DRIFT: what changes without a change in git ------------------------------- */

	{
		.id = "DRIFT001",
		.sev = SEV_WARNING,
		.raise_on_prod = true,
		.suppressible = true,
		.summary = "mutable image reference (:latest or no tag)",
	},

	{
		.id = "DRIFT002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "unpinned version (chart, OpenTofu exact; Kubernetes exact major.minor)",
	},

	{
		.id = "DRIFT003",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"Kubernetes version lower than, or more than one minor above, the baseline's "
			"(--base, default HEAD)",
	},

	{
		.id = "DRIFT004",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"a spec value holds an ephemeral AWS ID (i-..., vol-..., eni-..., sir-..., "
			"snap-...)",
	},

	{
		.id = "DRIFT005",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "a generated file (under out/ or .github/workflows/) was edited by hand",
	},

	{
		.id = "DRIFT006",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"extra HCL (environments/<env>/extra/) uses drift-prone constructs: "
			"\"$Latest\", timestamp(), uuid(), local-exec calling the AWS CLI or terraform,"
			" hard-coded ephemeral IDs",
	},

	{
		.id = "DRIFT007",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary =
			"against the baseline, a change replaces a resource in place of updating it "
			"(cluster name or version downgrade, node group instance types, capacity or "
			"AMI type, VPC CIDR, subnets)",
	},

	/* ---- COMPAT: versions that must agree ------------------------------------------ */

	{
		.id = "COMPAT001",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "a feature needs a newer OpenTofu than ci.tofu_version (lock: s3 needs 1.10)",
	},

	{
		.id = "COMPAT002",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary =
			"the chart's bundled kube-scheduler (user-scheduler) is more than one minor "
			"away from kubernetes_version",
	},

	/* ---- SECRET: credentials ------------------------------------------------------- */

	{
		.id = "SECRET001",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"plaintext credential anywhere in a spec (AWS access key IDs, secret keys, "
			"GitHub tokens, Slack tokens, private keys)",
	},

	{
		.id = "SECRET002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"secrets file not SOPS-encrypted (no sops metadata with a mac, or a non-empty"
			" leaf that SOPS would encrypt is not ENC[...])",
	},

	{
		.id = "SECRET003",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "kms_key_arn in another account or region than the environment",
	},

	/* ---- NAME: names AWS and Kubernetes accept ------------------------------------- */

	{
		.id = "NAME001",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"environment name not ^[a-z][a-z0-9-]{0,30}[a-z0-9]$ (abstract: "
			"^_[a-z][a-z0-9-]*$)",
	},

	{
		.id = "NAME002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"a derived or given S3 bucket name breaks S3 naming rules (3-63, charset, no "
			"IP form, reserved prefixes xn-- sthree- amzn-s3-demo-, reserved suffixes "
			"-s3alias --ol-s3 .mrap --x-s3)",
	},

	{
		.id = "NAME003",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "EKS cluster name invalid (charset, 100 characters)",
	},

	{
		.id = "NAME004",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "slug, node group or derived Kubernetes name not a DNS-1123 label (<= 63)",
	},

	{
		.id = "NAME005",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "a derived IAM role name longer than 64 or AWS node group name longer than 63",
	},

	{
		.id = "NAME006",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary =
			"a dash-separated word repeats in the cluster name, e.g. "
			"jupyterhub-testing-cae-testing",
	},

	/* ---- XENV: between environments ------------------------------------------------ */

	{
		.id = "XENV001",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "two environments with the same cluster name in one account and region",
	},

	{
		.id = "XENV002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "two environments with the same state bucket and key",
	},

	{
		.id = "XENV003",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "two environments with the same domain",
	},

	/* ---- DNS: domain and certificates ---------------------------------------------- */

	{
		.id = "DNS001",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary =
			"tls: acm without route53_zone: validation records must be created by hand "
			"and the apply waits",
	},

	{
		.id = "DNS002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "route53_zone is not a suffix of domain.name at a label boundary",
	},

	/* ---- POLICY: production safeguards --------------------------------------------- */

	{
		.id = "POLICY001",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "production with ci.auto_apply",
	},

	{
		.id = "POLICY002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "production with ci.required_reviewers below 1",
	},

	{
		.id = "POLICY003",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "production with a destroy workflow",
	},

	{
		.id = "POLICY004",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary = "production with nat: single",
	},

	{
		.id = "POLICY005",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "production with scratch_bucket.force_destroy",
	},

	{
		.id = "POLICY006",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary = "public cluster endpoint open to 0.0.0.0/0",
	},
};

const size_t rules_count = sizeof rules / sizeof rules[0];

/* Exact, case-sensitive lookup; NULL for an unknown ID. A linear scan: the table is small
 * and sorted by family, not alphabetically. */
const struct rule *rule_find(const char *id)
{
	for (size_t i = 0; i < rules_count; i++)
		if (strcmp(rules[i].id, id) == 0)
			return &rules[i];
	return NULL;
}

const char *rule_explain(const struct rule *r)
{
	for (size_t i = 0; i < rule_texts_count; i++)
		if (strcmp(rule_texts[i].id, r->id) == 0)
			return rule_texts[i].text;
	BUG("rule '%s' has no text in docs/rules/", r->id);
}
