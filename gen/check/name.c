/*
 * check/name.c - NAME001-NAME006: environment, bucket, cluster, Kubernetes and AWS
 * resource names, given or derived. Derived names are judged where their inputs were
 * set; a name derived entirely from defaults is reported at the environment's 'name'.
 */
#include "model.h"

#include <stdio.h>
#include <string.h>

static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alnum_lower(char c) { return is_lower(c) || is_digit(c); }

/* ^[a-z][a-z0-9-]{0,30}[a-z0-9]$, or for abstract parents ^_[a-z][a-z0-9-]*$ */
static bool env_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (s[0] == '_') {
		if (n < 2 || !is_lower(s[1]))
			return false;
		for (size_t i = 2; i < n; i++)
			if (!is_alnum_lower(s[i]) && s[i] != '-')
				return false;
		return true;
	}
	if (n < 2 || n > 32 || !is_lower(s[0]) || !is_alnum_lower(s[n - 1]))
		return false;
	for (size_t i = 1; i < n - 1; i++)
		if (!is_alnum_lower(s[i]) && s[i] != '-')
			return false;
	return true;
}

/* DNS-1123 label: ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$, at most 63. */
static bool dns_label_ok(const char *s, size_t n)
{
	if (n == 0 || n > 63 || !is_alnum_lower(s[0]) || !is_alnum_lower(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum_lower(s[i]) && s[i] != '-')
			return false;
	return true;
}

static bool looks_like_ipv4(const char *s)
{
	unsigned a, b, c, d;
	char tail;
	return sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4;
}

/* Why name breaks the S3 bucket naming rules, or NULL. */
static const char *bucket_problem(const char *s)
{
	static const char *const prefixes[] = { "xn--", "sthree-", "amzn-s3-demo-", NULL };
	static const char *const suffixes[] = { "-s3alias", "--ol-s3", ".mrap", "--x-s3", NULL };
	size_t n = strlen(s);
	if (n < 3 || n > 63)
		return "must be 3 to 63 characters long";
	for (size_t i = 0; i < n; i++)
		if (!is_alnum_lower(s[i]) && s[i] != '-' && s[i] != '.')
			return "may hold only lowercase letters, digits, '.' and '-'";
	if (!is_alnum_lower(s[0]) || !is_alnum_lower(s[n - 1]))
		return "must begin and end with a lowercase letter or digit";
	if (strstr(s, ".."))
		return "must not hold two adjacent periods";
	if (looks_like_ipv4(s))
		return "must not look like an IP address";
	for (const char *const *p = prefixes; *p; p++)
		if (strncmp(s, *p, strlen(*p)) == 0)
			return "starts with a prefix S3 reserves";
	for (const char *const *p = suffixes; *p; p++)
		if (str_ends_with(s, *p))
			return "ends with a suffix S3 reserves";
	return NULL;
}

static void check_env_name(struct ctx *ctx, struct env *e)
{
	if (env_name_ok(e->name))
		return;
	struct diag *d = diag_add(ctx, "NAME001", e->name, env_value_loc(e, NULL, NULL),
				  e->abstract ? "abstract environment name '%s' is not valid"
					      : "environment name '%s' is not valid",
				  e->name);
	diag_help(ctx, d, e->abstract ? "use '_' then lowercase letters, digits and '-'"
				      : "use 2-32 lowercase letters, digits and '-', starting "
					"with a letter and not ending with '-'");
}

static void check_bucket(struct ctx *ctx, struct env *e, const struct m_str *f, const char *what)
{
	const struct node *n = f->n;
	if (!f->s)
		return;
	const char *why = bucket_problem(n->str);
	if (!why)
		return;
	struct diag *d = diag_add(ctx, "NAME002", e->name, env_value_loc(e, n, NULL),
				  "%s%s bucket name '%s' %s",
				  (n->flags & NODE_DERIVED) ? "derived " : "", what, n->str, why);
	if (n->flags & NODE_DERIVED)
		diag_help(ctx, d, "set '%s' to a valid name", f->path);
}

static bool cluster_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 100 || !(is_alnum_lower(s[0]) || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!is_alnum_lower(c) && !(c >= 'A' && c <= 'Z') && c != '-' && c != '_')
			return false;
	}
	return true;
}

/* A dash-separated word that appears twice, e.g. "testing" in jupyterhub-testing-cae-testing. */
static bool repeated_word(const char *s, char *word, size_t wordlen)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && s[j] != '-')
			j++;
		size_t len = j - i;
		for (size_t k = j + 1; len && k < n;) {
			size_t m = k;
			while (m < n && s[m] != '-')
				m++;
			if (m - k == len && memcmp(s + i, s + k, len) == 0) {
				snprintf(word, wordlen, "%.*s", (int)len, s + i);
				return true;
			}
			k = m + 1;
		}
		i = j + 1;
	}
	return false;
}

static void check_cluster(struct ctx *ctx, struct env *e, const char *cluster,
			  const struct node *cn)
{
	if (!cluster_name_ok(cluster)) {
		struct diag *d = diag_add(ctx, "NAME003", e->name, env_value_loc(e, cn, NULL),
					  "EKS cluster name '%s' is not valid", cluster);
		diag_help(ctx, d, "use 1-100 letters, digits, '-' and '_', starting with a "
				  "letter or digit");
	}
	char word[64];
	if (repeated_word(cluster, word, sizeof(word))) {
		struct diag *d = diag_add(ctx, "NAME006", e->name, env_value_loc(e, cn, NULL),
					  "the word '%s' repeats in cluster name '%s'", word, cluster);
		diag_help(ctx, d, "the default is <app>-<env>: remove 'cluster.name' to use it");
	}
}

static void check_label(struct ctx *ctx, struct env *e, const struct node *n, const char *what)
{
	if (!n || n->kind != NODE_STR || dns_label_ok(n->str, n->len))
		return;
	struct diag *d = diag_add(ctx, "NAME004", e->name, env_value_loc(e, n, NULL),
				  "%s '%s' is not a DNS-1123 label", what, n->str);
	diag_help(ctx, d, "use at most 63 lowercase letters, digits and '-', starting and "
			  "ending with a letter or digit");
}

static void check_slugs(struct ctx *ctx, struct env *e, const struct m_hub *hub)
{
	for (size_t i = 0; i < hub->profiles.count; i++)
		check_label(ctx, e, hub->profiles.v[i].slug.n, "profile slug");
	for (size_t i = 0; i < hub->image_choices.count; i++)
		check_label(ctx, e, hub->image_choices.v[i].slug.n, "image choice slug");
}

static const char *const role_purposes[] = { "cluster", "nodes", "autoscaler", "ebs-csi",
					     "user-s3", NULL };

static void check_aws_names(struct ctx *ctx, struct env *e, const char *cluster,
			    const struct node *cn)
{
	size_t clen = strlen(cluster);
	const struct model *m = e->model;
	bool kubecost = m->features.kubecost.v;
	const char *longest = NULL;
	for (const char *const *p = role_purposes; *p; p++)
		if (!longest || strlen(*p) > strlen(longest))
			longest = *p;
	if (kubecost && strlen("kubecost") > strlen(longest))
		longest = "kubecost";
	if (clen + 1 + strlen(longest) > 64) {
		struct diag *d = diag_add(ctx, "NAME005", e->name, env_value_loc(e, cn, NULL),
					  "IAM role name '%s-%s' is %zu characters long: IAM allows 64",
					  cluster, longest, clen + 1 + strlen(longest));
		diag_help(ctx, d, "shorten 'cluster.name' to at most %zu characters",
			  64 - 1 - strlen(longest));
	}
	for (size_t i = 0; i < m->node_groups.count; i++) {
		const struct node *k = m->node_groups.v[i].key;
		check_label(ctx, e, k, "node group name");
		if (clen + 1 + k->len > 63) {
			struct diag *d = diag_add(ctx, "NAME005", e->name, env_value_loc(e, k, NULL),
						  "AWS node group name '%s-%.*s' is %zu characters "
						  "long: EKS allows 63",
						  cluster, (int)k->len, k->str, clen + 1 + k->len);
			diag_help(ctx, d, "shorten the group name or 'cluster.name'");
		}
	}
}

static void name_env(struct ctx *ctx, struct env *e)
{
	check_env_name(ctx, e);
	if (!e->resolved)
		return;	/* every value below is looked up with its type checked */
	const struct model *m = e->model;
	check_bucket(ctx, e, &m->state.bucket, "state");
	check_bucket(ctx, e, &m->scratch_bucket.name, "scratch");
	const struct node *cn = m->cluster.name.n;
	if (m->cluster.name.s) {
		check_cluster(ctx, e, cn->str, cn);
		check_aws_names(ctx, e, cn->str, cn);
	}
	check_slugs(ctx, e, &m->hub);
	check_label(ctx, e, m->hub.namespace.n, "Helm namespace");
	check_label(ctx, e, m->hub.release.n, "Helm release");
}

/* ---- the NAME rules (their explain texts: docs/rules/<ID>.txt) ------------------- */

static const struct rule name_rules[] = {
	{ .id = "NAME001", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "environment name not ^[a-z][a-z0-9-]{0,30}[a-z0-9]$ (abstract: "
		     "^_[a-z][a-z0-9-]*$)" },
	{ .id = "NAME002", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "a derived or given S3 bucket name breaks S3 naming rules (3-63, charset, "
		     "no IP form, reserved prefixes xn-- sthree- amzn-s3-demo-, reserved "
		     "suffixes -s3alias --ol-s3 .mrap --x-s3)" },
	{ .id = "NAME003", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "EKS cluster name invalid (charset, 100 characters)" },
	{ .id = "NAME004", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "slug, node group or derived Kubernetes name not a DNS-1123 label (<= 63)" },
	{ .id = "NAME005", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "a derived IAM role name longer than 64 or AWS node group name longer than "
		     "63" },
	{ .id = "NAME006", .sev = SEV_WARNING, .suppressible = true,
	  .summary = "a dash-separated word repeats in the cluster name, e.g. "
		     "jupyterhub-testing-cae-testing" },
};

const struct check check_name = {
	.name = "name",
	.run_env = name_env,
	.rules = name_rules,
	.nrules = sizeof(name_rules) / sizeof(name_rules[0]),
};
