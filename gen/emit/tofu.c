/*
 * emit/tofu.c - the OpenTofu back end (DESIGN 6): per environment the root modules
 * out/<env>/infra/ and out/<env>/platform/ (templates/tofu/{infra,platform}/NAME.tf.mustache,
 * rendered with ESC_HCL) plus the extra .tf files of environments/<env>/extra/, copied;
 * for the repository one bootstrap stack per account and region, out/_bootstrap/<account>-
 * <region>/ (templates/tofu/bootstrap/), creating the state buckets and lock tables.
 *
 * Consumes the model of the spec, the common view (view.c) and schemas/eks-addons.json (the
 * add-on versions per Kubernetes version and the chart versions of the platform stack).
 * Produces the "tofu" part of the view model and outfiles.
 *
 * The templates hold the structure. What `tofu fmt` would align and what is free-form (maps
 * of tags, labels and autoscaler tags; lists of strings) is rendered here as fragments:
 * every key and value goes through tmpl_escape(ESC_HCL) inside quotes, and the `=` of a
 * run of single-line attributes is aligned the way hclwrite.Format does (by the width of the
 * key in grapheme clusters).
 */
#include "backend.h"
#include "check/extra.h"
#include "identity.h"
#include "helm_proxy.h"
#include "tofu_dns.h"
#include "model.h"
#include "version.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Pinned provider versions (registry.opentofu.org mirrors the HashiCorp registry). */
static const struct provider {
	const char *name, *source, *version;
} providers[] = {
	{ "aws", "registry.opentofu.org/hashicorp/aws", "= 5.100.0" },
	{ "helm", "registry.opentofu.org/hashicorp/helm", "= 2.17.0" },	/* 2.x: block syntax */
	{ "kubernetes", "registry.opentofu.org/hashicorp/kubernetes", "= 2.36.0" },
	{ "sops", "registry.opentofu.org/carlpett/sops", "= 1.1.1" },
};
enum { P_AWS, P_HELM, P_KUBERNETES, P_SOPS };

#define ADDONS_TABLE "schemas/eks-addons.json"

/* Add-ons installed before the node groups (nodes need them to become ready), then after. */
static const char *const addons_before[] = { "eks-pod-identity-agent", "kube-proxy", "vpc-cni" };
static const char *const addons_after[] = { "aws-ebs-csi-driver", "coredns" };

/* infra certificate: only with a certificate to create; platform dns: only with a record
 * to make; platform kubecost: only with features.kubecost (file_wanted) */
static const char *const infra_files[] = { "versions", "backend", "locals", "network", "eks",
					   "nodegroups", "iam", "scratch", "certificate",
					   "outputs" };
static const char *const platform_files[] = { "versions", "backend", "storage", "autoscaler",
					      "hub", "dns", "kubecost" };
static const char *const bootstrap_files[] = { "main" };

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- HCL fragments ---------------------------------------------------------------- */

/* Code points that extend the grapheme cluster before them (UAX 29 Extend, SpacingMark
 * and ZWJ, approximated by the blocks of combining characters). */
static bool cp_extends(uint32_t cp)
{
	static const uint32_t ranges[][2] = {
		{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd }, { 0x05bf, 0x05c7 },
		{ 0x0610, 0x061a }, { 0x064b, 0x065f }, { 0x0670, 0x0670 }, { 0x06d6, 0x06ed },
		{ 0x0900, 0x0903 }, { 0x093a, 0x094f }, { 0x0951, 0x0957 }, { 0x0962, 0x0963 },
		{ 0x0e31, 0x0e31 }, { 0x0e34, 0x0e3a }, { 0x0e47, 0x0e4e }, { 0x1ab0, 0x1aff },
		{ 0x1dc0, 0x1dff }, { 0x200c, 0x200d }, { 0x20d0, 0x20ff }, { 0x302a, 0x302f },
		{ 0x3099, 0x309a }, { 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f }, { 0x1f3fb, 0x1f3ff },
		{ 0xe0020, 0xe007f }, { 0xe0100, 0xe01ef },
	};
	for (size_t r = 0; r < ARRAY_LEN(ranges); r++)
		if (cp >= ranges[r][0] && cp <= ranges[r][1])
			return true;
	return false;
}

/*
 * The width hclwrite.Format gives a token: grapheme clusters. Approximated: a code point
 * starts a new cluster unless it extends the one before, follows a ZWJ, or is the second
 * of a pair of regional indicators.
 */
static size_t hcl_columns(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t cols = 0, i = 0;
	while (i < n && u[i] < 0x80)	/* ASCII: a column each */
		i++;
	if (i == n)
		return n;
	i = 0;
	uint32_t prev = 0;
	bool ri_open = false;
	while (i < n) {
		uint32_t cp = utf8_next(s, n, &i);
		bool ri = cp >= 0x1f1e6 && cp <= 0x1f1ff;
		if (cols && (cp_extends(cp) || prev == 0x200d || (ri && ri_open))) {
			ri_open = false;
		} else {
			cols++;
			ri_open = ri;
		}
		prev = cp;
	}
	return cols;
}

/* "s", escaped for an HCL quoted string. */
static void hcl_quote(struct strbuf *sb, const char *s)
{
	sb_putc(sb, '"');
	if (tmpl_escape(ESC_HCL, s, strlen(s), sb) != 0)
		BUG("ESC_HCL refused a string");
	sb_putc(sb, '"');
}

static void indent_to(struct strbuf *sb, int indent)
{
	for (int i = 0; i < indent; i++)
		sb_putc(sb, ' ');
}

/* A key/value pair of an HCL object; expr: the value is an expression this file made,
 * inserted as it is (never a spec string), else a string to quote. */
struct kv {
	const char *key, *value;
	bool expr;
};

struct kvs {
	struct kv *v;
	size_t n, cap;
	struct strmap at;	/* key -> its position in v */
};

static bool kv_has(const struct kvs *m, const char *key)
{
	return strmap_get(&m->at, key, strlen(key)) >= 0;
}

/* Set key (the last value wins, so that an object never has a key twice). */
static void kv_put(struct arena *a, struct kvs *m, const char *key, const char *value, bool expr)
{
	long i = strmap_get(&m->at, key, strlen(key));
	if (i >= 0) {
		m->v[i].value = value;
		m->v[i].expr = expr;
		return;
	}
	strmap_put(a, &m->at, key, strlen(key), m->n);
	ARENA_PUSH(a, m->v, m->n, m->cap, ((struct kv){ key, value, expr }));
}

/* An object constructor: "{}" or one quoted key per line, `=` aligned as by tofu fmt; the
 * opening brace follows an attribute at column indent, the closing one lines up with it. */
static struct node *frag_object(struct arena *a, const struct kvs *m, int indent)
{
	if (m->n == 0)
		return v_fragment(a, "{}", 2);
	struct strbuf sb = STRBUF_INIT, key = STRBUF_INIT;
	struct oom_guard sb_guard, key_guard;
	oom_guard_strbuf(&sb_guard, &sb);
	oom_guard_strbuf(&key_guard, &key);
	size_t *cols = arena_alloc(a, m->n * sizeof(*cols)), width = 0;
	const char **keys = arena_alloc(a, m->n * sizeof(*keys));
	for (size_t i = 0; i < m->n; i++) {
		sb_reset(&key);
		hcl_quote(&key, m->v[i].key);
		keys[i] = arena_strndup(a, key.buf, key.len);
		cols[i] = hcl_columns(key.buf, key.len);
		if (cols[i] > width)
			width = cols[i];
	}
	sb_puts(&sb, "{\n");
	for (size_t i = 0; i < m->n; i++) {
		indent_to(&sb, indent + 2);
		sb_puts(&sb, keys[i]);
		indent_to(&sb, (int)(width - cols[i]));
		sb_puts(&sb, " = ");
		if (m->v[i].expr)
			sb_puts(&sb, m->v[i].value);
		else
			hcl_quote(&sb, m->v[i].value);
		sb_putc(&sb, '\n');
	}
	indent_to(&sb, indent);
	sb_putc(&sb, '}');
	struct node *f = v_fragment(a, sb.buf, sb.len);
	oom_guard_pop(&key_guard);
	oom_guard_pop(&sb_guard);
	sb_release(&sb);
	sb_release(&key);
	return f;
}

/* ["a", "b"]: a one-line list of quoted strings. */
static struct node *frag_strings(struct arena *a, const char *const *v, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard sb_guard;
	oom_guard_strbuf(&sb_guard, &sb);
	sb_putc(&sb, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_puts(&sb, ", ");
		hcl_quote(&sb, v[i]);
	}
	sb_putc(&sb, ']');
	struct node *f = v_fragment(a, sb.buf, sb.len);
	oom_guard_pop(&sb_guard);
	sb_release(&sb);
	return f;
}

/* The strings of a spec list (other items skipped). */
static const char **spec_strings(struct arena *a, const struct m_strs *l, size_t *n)
{
	*n = 0;
	const char **v = arena_alloc(a, (l->count + 1) * sizeof(*v));
	for (size_t i = 0; i < l->count; i++)
		if (l->v[i].s)
			v[(*n)++] = l->v[i].s;
	return v;
}

/* ---- small readers of the spec and the view --------------------------------------- */

static int64_t int_or(const struct m_int *f, int64_t dflt)
{
	return f->set ? f->v : dflt;
}

static const char *str_or(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

/* A string of a view map (the view's keys are the templates' names), "" when absent. */
static const char *view_str(const struct node *map, const char *key)
{
	const struct node *n = node_get(map, key);
	return n && n->kind == NODE_STR ? n->str : "";
}

static bool view_bool(const struct node *map, const char *key)
{
	const struct node *n = node_get(map, key);
	return n && n->kind == NODE_BOOL && n->v.b;
}

/* Scalars of a spec map as text (numbers and booleans as written). */
static const char *scalar_text(const struct node *n)
{
	if (!n)
		return NULL;
	if (n->kind == NODE_STR || n->kind == NODE_INT || n->kind == NODE_FLOAT ||
	    n->kind == NODE_BOOL)
		return n->str;
	return NULL;
}

/* ---- schemas/eks-addons.json ---------------------------------------------------------- */

/* The table, read once per run: a file already registered under its path is reused. */
static struct srcfile *addons_file(struct ctx *ctx)
{
	struct strbuf abs = STRBUF_INIT;
	struct oom_guard abs_guard;
	oom_guard_strbuf(&abs_guard, &abs);
	sb_printf(&abs, "%s/%s", ctx->datadir ? ctx->datadir : "", ADDONS_TABLE);
	struct srcfile *f = srcfile_find(ctx, ADDONS_TABLE);
	if (!f)
		f = srcfile_find(ctx, abs.buf);
	oom_guard_pop(&abs_guard);
	sb_release(&abs);
	if (f)
		return f->data ? f : NULL;
	return srcfile_read_data(ctx, ADDONS_TABLE, NULL);
}

struct addons {
	const struct node *row;		/* the row of the Kubernetes version, or NULL */
	const struct node *charts;	/* "charts", or NULL */
};

static struct addons addons_get(struct ctx *ctx, struct env *env)
{
	struct addons r = { 0 };
	struct srcfile *f = addons_file(ctx);
	if (!f)
		return r;	/* SPEC012 reported */
	const struct node *root = srcfile_json(ctx, f);
	const struct node *rows = root ? node_get(root, "versions") : NULL;
	if (!root || root->kind != NODE_MAP || !rows || rows->kind != NODE_SEQ) {
		diag_add(ctx, "SPEC012", env->name, (struct loc){ .file = f->id },
			 "the data table cannot be used: expected an object with a 'versions' list");
		return r;
	}
	r.charts = node_get(root, "charts");
	const char *k8s = env->model->cluster.kubernetes_version.s;
	for (size_t i = 0; k8s && i < rows->n; i++) {
		const char *v = spec_str(rows->items[i], "kubernetes");
		if (v && strcmp(v, k8s) == 0)
			r.row = rows->items[i];
	}
	if (!r.row) {
		const struct node *at = env->model->cluster.kubernetes_version.n;
		struct diag *d = diag_add(ctx, "SPEC012", env->name,
					  at ? at->loc : (struct loc){ .file = f->id },
					  "no EKS add-on versions are known for Kubernetes '%s' in %s",
					  str_or(k8s, ""), ADDONS_TABLE);
		diag_help(ctx, d, "add a row for it to %s (a repository's own copy overrides "
				  "the installed one)", ADDONS_TABLE);
	}
	return r;
}

static const char *addon_version(const struct addons *ad, const char *name)
{
	return ad->row ? str_or(spec_str(ad->row, name), "") : "";
}

static const char *chart_str(const struct addons *ad, const char *chart, const char *key)
{
	const struct node *c = ad->charts ? node_get(ad->charts, chart) : NULL;
	return c ? str_or(spec_str(c, key), "") : "";
}

/* ---- the view --------------------------------------------------------------------- */

static struct node *providers_view(struct arena *a, const int *which, size_t n)
{
	struct node *seq = v_seq(a);
	for (size_t i = 0; i < n; i++) {
		const struct provider *p = &providers[which[i]];
		struct node *m = v_map(a);
		v_set(a, m, "name", v_str(a, p->name));
		v_set(a, m, "source", v_str(a, p->source));
		v_set(a, m, "version", v_str(a, p->version));
		v_push(a, seq, m);
	}
	v_mark_last(a, seq);
	return seq;
}

/* The default tags (the common view's sorted list) as an object at indent. */
static struct node *tags_view(struct arena *a, const struct node *common, int indent)
{
	struct kvs m = { 0 };
	const struct node *tags = node_get(common, "tags");
	for (size_t i = 0; tags && tags->kind == NODE_SEQ && i < tags->n; i++)
		kv_put(a, &m, view_str(tags->items[i], "key"), view_str(tags->items[i], "value"),
		       false);
	return frag_object(a, &m, indent);
}

/* A resource name for a node group: the group name when it is an identifier, else "_"
 * before it (DNS-1123 labels may start with a digit; they never hold "_"). */
static const char *group_id(struct arena *a, const char *name)
{
	bool letter = (name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z');
	return letter ? name : arena_printf(a, "_%s", name);
}

static const char *effect_aws(const char *effect)
{
	if (strcmp(effect, "NoSchedule") == 0)
		return "NO_SCHEDULE";
	if (strcmp(effect, "NoExecute") == 0)
		return "NO_EXECUTE";
	if (strcmp(effect, "PreferNoSchedule") == 0)
		return "PREFER_NO_SCHEDULE";
	return effect;
}

static struct node *ignore_item(struct arena *a, const char *path)
{
	struct node *m = v_map(a);
	v_set(a, m, "path", v_str(a, path));
	return m;
}

#define CA_TEMPLATE "k8s.io/cluster-autoscaler/node-template/"

/* A node group's subnets: the private subnets of its AZs (its own, else all of aws.azs). */
static struct node *group_subnets(struct arena *a, const struct model *spec,
				  const struct m_group *g)
{
	size_t n;
	const char **az = spec_strings(a, g->azs.n ? &g->azs : &spec->aws.azs, &n);
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard sb_guard;
	oom_guard_strbuf(&sb_guard, &sb);
	sb_putc(&sb, '[');
	for (size_t i = 0; i < n; i++) {
		sb_puts(&sb, i ? ", aws_subnet.private[" : "aws_subnet.private[");
		hcl_quote(&sb, az[i]);
		sb_puts(&sb, "].id");
	}
	sb_putc(&sb, ']');
	struct node *f = v_fragment(a, sb.buf, sb.len);
	oom_guard_pop(&sb_guard);
	sb_release(&sb);
	return f;
}

/* A node group's labels and taints, and the autoscaler's node-template tags of both. */
static void group_labels_taints(struct arena *a, struct node *m, const struct m_group *g,
				const char *capacity)
{
	struct kvs labels = { 0 }, tags = { 0 };
	for (size_t i = 0; i < g->labels.count; i++) {
		const char *k = g->labels.v[i].key->str;
		const char *v = scalar_text(g->labels.v[i].value.n);
		if (!v)
			continue;
		kv_put(a, &labels, k, v, false);
		kv_put(a, &tags, arena_printf(a, CA_TEMPLATE "label/%s", k), v, false);
	}
	kv_put(a, &tags, CA_TEMPLATE "label/eks.amazonaws.com/capacityType", capacity, false);
	v_set(a, m, "labels", frag_object(a, &labels, 2));

	struct node *taints = v_set(a, m, "taints", v_seq(a));
	for (size_t i = 0; i < g->taints.count; i++) {
		const struct m_taint *t = &g->taints.v[i];
		const char *key = t->key.s;
		const char *value = str_or(t->value.s, "");
		const char *effect = t->effect.s;
		if (!key || !effect)
			continue;
		struct node *tv = v_map(a);
		v_set(a, tv, "key", v_str(a, key));
		v_set(a, tv, "value", v_str(a, value));
		v_set(a, tv, "has_value", v_bool(a, *value != '\0'));
		v_set(a, tv, "effect", v_str(a, effect_aws(effect)));
		v_push(a, taints, tv);
		/* one tag per key: the first taint of a key wins */
		const char *tk = arena_printf(a, CA_TEMPLATE "taint/%s", key);
		if (!kv_has(&tags, tk))
			kv_put(a, &tags, tk, arena_printf(a, "%s:%s", value, effect), false);
	}
	v_set(a, m, "asg_tags", frag_object(a, &tags, 2));
}

/* lifecycle: the autoscaler owns desired_size, the scheduled actions min_size */
static void group_lifecycle(struct arena *a, struct node *m, const struct m_group *g,
			    int64_t min, int64_t max)
{
	bool has_sched = g->schedule.n && g->schedule.n->kind == NODE_MAP;
	struct node *ignore = v_seq(a);
	if (min < max)
		v_push(a, ignore, ignore_item(a, "scaling_config[0].desired_size"));
	if (has_sched)
		v_push(a, ignore, ignore_item(a, "scaling_config[0].min_size"));
	v_mark_last(a, ignore);
	v_set(a, m, "lifecycle", v_bool(a, ignore->n > 0));
	v_set(a, m, "ignore_changes", ignore);

	if (has_sched) {
		struct node *s = v_set(a, m, "schedule", v_map(a));
		v_set(a, s, "timezone", v_str(a, str_or(g->schedule.timezone.s, "Etc/UTC")));
		v_set(a, s, "scale_up", v_str(a, str_or(g->schedule.scale_up.s, "")));
		v_set(a, s, "scale_down", v_str(a, str_or(g->schedule.scale_down.s, "")));
		v_set(a, s, "min_during", v_int(a, int_or(&g->schedule.min_during, min)));
		v_set(a, s, "min_after", v_int(a, int_or(&g->schedule.min_after, min)));
	} else {
		v_set(a, m, "schedule", v_bool(a, false));
	}
}

static struct node *group_view(struct arena *a, const struct model *spec,
			       const struct m_group *g)
{
	const char *name = g->name;
	struct node *m = v_map(a);
	v_set(a, m, "name", v_str(a, name));
	v_set(a, m, "id", v_str(a, group_id(a, name)));
	v_set(a, m, "aws_name", v_str(a, identity_node_group(a, spec, name)));

	size_t n;
	const char **types = spec_strings(a, &g->instance_types, &n);
	v_set(a, m, "instance_types", frag_strings(a, types, n));
	bool spot = g->capacity.v == CAPACITY_SPOT;
	const char *capacity = spot ? "SPOT" : "ON_DEMAND";
	v_set(a, m, "capacity_type", v_str(a, capacity));
	v_set(a, m, "ami_type", v_str(a, str_or(g->ami_type.s, "AL2023_x86_64_STANDARD")));
	v_set(a, m, "disk_gb", v_int(a, int_or(&g->disk_gb, 50)));
	int64_t min = int_or(&g->min, 0), max = int_or(&g->max, 1);
	v_set(a, m, "min", v_int(a, min));
	v_set(a, m, "max", v_int(a, max));
	v_set(a, m, "desired", v_int(a, int_or(&g->desired, min)));

	v_set(a, m, "subnet_ids", group_subnets(a, spec, g));
	group_labels_taints(a, m, g, capacity);
	group_lifecycle(a, m, g, min, max);
	return m;
}

/* "dir/terraform.tfstate" -> "dir/platform.tfstate" */
static const char *platform_key(struct arena *a, const char *key)
{
	const char *slash = strrchr(key, '/');
	if (!slash)
		return "platform.tfstate";
	return arena_printf(a, "%.*s/platform.tfstate", (int)(slash - key), key);
}

/* The secrets the platform stack sets from the SOPS file: the secret-bearing keys
 * (x-eragen-secret) of the login mode in use, with the Helm value each one sets. */
static struct node *secrets_view(struct arena *a, const struct model *spec)
{
	const struct m_auth *au = &spec->auth;
	const struct {
		int mode;
		const struct m_str *f;
		const char *helm;
	} secret_keys[] = {
		{ AUTH_COGNITO, &au->cognito.client_secret,
		  "jupyterhub.hub.config.GenericOAuthenticator.client_secret" },
		{ AUTH_DUMMY, &au->dummy.password,
		  "jupyterhub.hub.config.DummyAuthenticator.password" },
		{ AUTH_GITHUB, &au->github.client_id,
		  "jupyterhub.hub.config.GitHubOAuthenticator.client_id" },
		{ AUTH_GITHUB, &au->github.client_secret,
		  "jupyterhub.hub.config.GitHubOAuthenticator.client_secret" },
	};
	struct node *secrets = v_seq(a);
	for (size_t i = 0; i < ARRAY_LEN(secret_keys); i++) {
		const char *ref = secret_keys[i].mode == au->mode.v ? secret_keys[i].f->s : NULL;
		if (!ref || strncmp(ref, "sops:", 5) != 0)
			continue;
		struct node *s = v_map(a);
		v_set(a, s, "spec_path", v_str(a, secret_keys[i].f->path));
		v_set(a, s, "name", v_str(a, secret_keys[i].helm));
		v_set(a, s, "key", v_str(a, ref + 5));
		v_push(a, secrets, s);
	}
	v_mark_last(a, secrets);
	return secrets;
}

/* The gp3 StorageClass's parameters: eragen's, then storage.class_parameters (a key
 * given there replaces eragen's value). */
static struct node *class_parameters_view(struct arena *a, const struct model *spec)
{
	struct kvs m = { 0 };
	kv_put(a, &m, "type", "gp3", false);
	kv_put(a, &m, "encrypted", "true", false);
	kv_put(a, &m, "fsType", "ext4", false);
	const struct m_labels *extra = &spec->storage.class_parameters;
	for (size_t i = 0; i < extra->count; i++)
		if (extra->v[i].value.s)
			kv_put(a, &m, extra->v[i].key->str, extra->v[i].value.s, false);
	return frag_object(a, &m, 2);
}

static struct node *platform_view(struct arena *a, const struct model *spec, const char *env,
				  const struct addons *ad)
{
	struct node *p = v_map(a);
	const char *release = str_or(spec->hub.release.s, "daskhub");
	v_set(a, p, "namespace", v_str(a, str_or(spec->hub.namespace.s, "daskhub")));
	v_set(a, p, "release", v_str(a, release));
	v_set(a, p, "chart_version", v_str(a, str_or(spec->hub.chart_version.s, "")));
	v_set(a, p, "user_service_account", v_str(a, identity_of(a, spec).user_service_account));
	v_set(a, p, "class_parameters", class_parameters_view(a, spec));
	v_set(a, p, "secrets_file", v_str(a, str_or(spec->secrets.file.s, "secrets.yaml")));

	struct node *secrets = secrets_view(a, spec);
	v_set(a, p, "has_secrets", v_bool(a, secrets->n > 0));
	v_set(a, p, "secrets", secrets);

	v_set(a, p, "kubecost", v_bool(a, spec->features.kubecost.v));
	struct node *ca = v_set(a, p, "autoscaler", v_map(a));
	v_set(a, ca, "repository", v_str(a, chart_str(ad, "cluster-autoscaler", "repository")));
	v_set(a, ca, "chart_version", v_str(a, chart_str(ad, "cluster-autoscaler", "version")));
	v_set(a, ca, "image_tag", v_str(a, addon_version(ad, "cluster-autoscaler")));
	struct node *kcv = v_set(a, p, "kubecost_chart", v_map(a));
	v_set(a, kcv, "repository", v_str(a, chart_str(ad, "kubecost", "repository")));
	v_set(a, kcv, "chart", v_str(a, chart_str(ad, "kubecost", "chart")));
	v_set(a, kcv, "version", v_str(a, chart_str(ad, "kubecost", "version")));
	(void)env;
	return p;
}

static struct node *addons_view(struct arena *a, const struct addons *ad,
				const char *const *names, size_t n)
{
	struct kvs m = { 0 };
	for (size_t i = 0; i < n; i++)
		kv_put(a, &m, names[i], addon_version(ad, names[i]), false);
	return frag_object(a, &m, 2);
}

static void backend_view(struct arena *a, struct node *v, const struct node *common)
{
	const struct node *state = node_get(common, "state");	/* as view_common derived it */
	struct node *be = v_set(a, v, "backend", v_map(a));
	const char *key = view_str(state, "key");
	v_set(a, be, "bucket", v_str(a, view_str(state, "bucket")));
	v_set(a, be, "key", v_str(a, key));
	v_set(a, be, "platform_key", v_str(a, platform_key(a, key)));
	v_set(a, be, "table", v_str(a, view_str(state, "lock_table")));
	v_set(a, be, "dynamodb", v_bool(a, view_bool(state, "dynamodb_lock")));
	v_set(a, be, "lockfile", v_bool(a, view_bool(state, "s3_lockfile")));
}

static void network_view(struct arena *a, struct node *v, const struct model *spec)
{
	size_t n;
	const char **azs = spec_strings(a, &spec->aws.azs, &n);
	v_set(a, v, "azs", frag_strings(a, azs, n));
	const char *nat = str_or(spec->network.nat.s, "single");
	v_set(a, v, "nat", v_str(a, nat));
	size_t nnat = strcmp(nat, "per_az") == 0 ? n : strcmp(nat, "none") == 0 ? 0 : n ? 1 : 0;
	v_set(a, v, "nat_azs", frag_strings(a, azs, nnat));
	v_set(a, v, "vpc_cidr", v_str(a, str_or(spec->network.vpc_cidr.s, "")));
	v_set(a, v, "subnet_newbits", v_int(a, int_or(&spec->network.subnet_newbits, 4)));
	const struct m_bool *s3 = &spec->network.s3_endpoint;
	v_set(a, v, "s3_endpoint", v_bool(a, !s3->set || s3->v));

	/* network.subnets: the given CIDRs by AZ, in aws.azs order (NET006: one per AZ) */
	v_set(a, v, "subnets_given", v_bool(a, spec->network.subnets.n != NULL));
	const struct m_strs *given[2] = { &spec->network.subnets.public,
					  &spec->network.subnets.private };
	const char *keys[2] = { "public_subnets", "private_subnets" };
	for (int k = 0; k < 2 && spec->network.subnets.n; k++) {
		struct kvs m = { 0 };
		for (size_t i = 0; i < n && i < given[k]->count; i++)
			if (given[k]->v[i].s)
				kv_put(a, &m, azs[i], given[k]->v[i].s, false);
		v_set(a, v, keys[k], frag_object(a, &m, 2));
	}
}

static void cluster_view(struct arena *a, struct node *v, const struct model *spec,
			 const struct addons *ad)
{
	size_t n;
	v_set(a, v, "service_cidr", v_str(a, str_or(spec->cluster.service_cidr.s,
						      "172.20.0.0/16")));
	const char **cidrs = spec_strings(a, &spec->cluster.endpoint_public_cidrs, &n);
	v_set(a, v, "endpoint_public", v_bool(a, n > 0));
	v_set(a, v, "endpoint_public_cidrs", frag_strings(a, cidrs, n));
	struct kvs admins = { 0 };
	for (size_t i = 0; i < spec->cluster.admins.count; i++) {
		const struct m_cluster_admin *adm = &spec->cluster.admins.v[i];
		if (adm->arn.s)
			kv_put(a, &admins, adm->arn.s, str_or(adm->username.s, ""), false);
	}
	const char *ci_role = spec->ci.role_arn.s;
	if (ci_role && !kv_has(&admins, ci_role))
		kv_put(a, &admins, ci_role, "", false);
	v_set(a, v, "cluster_admins", frag_object(a, &admins, 2));
	/* the plan jobs' role, when another: it reads the cluster (a view entry) */
	const char *plan_role = spec->ci.plan_role_arn.s;
	bool viewer = plan_role && !kv_has(&admins, plan_role);
	v_set(a, v, "plan_role", viewer ? v_str(a, plan_role) : v_bool(a, false));
	v_set(a, v, "authentication_mode",
	      v_str(a, spec->cluster.authentication_mode.v == AUTHN_API_AND_CONFIG_MAP
			       ? "API_AND_CONFIG_MAP"
			       : "API"));
	v_set(a, v, "bootstrap_creator_admin",
	      v_str(a, spec->cluster.bootstrap_creator_admin.v ? "true" : "false"));
	v_set(a, v, "addons_before_nodes", addons_view(a, ad, addons_before, ARRAY_LEN(addons_before)));
	v_set(a, v, "addons_after_nodes", addons_view(a, ad, addons_after, ARRAY_LEN(addons_after)));
}

/* The IAM role names and the scratch bucket. */
static void roles_view(struct arena *a, struct node *v, const struct model *spec,
		       const char *cluster, const struct node *common)
{
	struct identity id = identity_of(a, spec);
	struct node *roles = v_set(a, v, "roles", v_map(a));
	v_set(a, roles, "cluster", v_str(a, str_or(id.cluster_role, "")));
	v_set(a, roles, "nodes", v_str(a, str_or(id.node_role, "")));
	v_set(a, roles, "autoscaler", v_str(a, str_or(id.autoscaler_role, "")));
	v_set(a, roles, "ebs_csi", v_str(a, str_or(id.ebs_csi_role, "")));
	v_set(a, roles, "user_s3", v_str(a, str_or(id.user_s3_role, "")));
	v_set(a, roles, "kubecost", v_str(a, arena_printf(a, "%s-kubecost", cluster)));
	v_set(a, v, "kms_alias", v_str(a, str_or(id.kms_alias, "")));
	v_set(a, v, "log_group", v_str(a, str_or(id.log_group, "")));
	v_set(a, v, "has_log_group", v_bool(a, id.log_group != NULL));

	const struct node *scratch = node_get(common, "scratch_bucket");	/* derived name */
	struct node *sc = v_set(a, v, "scratch", v_map(a));
	v_set(a, sc, "create", v_bool(a, !view_bool(scratch, "existing")));
	v_set(a, sc, "name", v_str(a, view_str(scratch, "name")));
	v_set(a, sc, "force_destroy",
	      v_str(a, view_bool(scratch, "force_destroy") ? "true" : "false"));
	v_set(a, sc, "noncurrent_days",
	      v_int(a, int_or(&spec->scratch_bucket.noncurrent_expire_days, 30)));
}

static struct node *tofu_view(struct ctx *ctx, struct env *env, struct arena *a,
			      const struct node *common)
{
	const struct model *spec = env->model;
	struct node *v = v_map(a);
	struct addons ad = addons_get(ctx, env);
	const char *cluster = view_str(common, "cluster_name");
	const char *tofu_version = view_str(common, "tofu_version");

	v_set(a, v, "env", v_str(a, env->name));
	v_set(a, v, "tofu_version", v_str(a, tofu_version));
	v_set(a, v, "required_version", v_str(a, arena_printf(a, "= %s", tofu_version)));
	v_set(a, v, "account_id", v_str(a, view_str(common, "account_id")));
	v_set(a, v, "region", v_str(a, view_str(common, "region")));
	v_set(a, v, "cluster_name", v_str(a, cluster));
	v_set(a, v, "kubernetes_version", v_str(a, view_str(common, "kubernetes_version")));

	const int infra_p[] = { P_AWS };
	v_set(a, v, "infra_providers", providers_view(a, infra_p, ARRAY_LEN(infra_p)));
	v_set(a, v, "default_tags", tags_view(a, common, 4));
	backend_view(a, v, common);
	network_view(a, v, spec);
	cluster_view(a, v, spec, &ad);

	struct node *groups = v_set(a, v, "node_groups", v_seq(a));
	for (size_t i = 0; i < spec->node_groups.count; i++)
		if (spec->node_groups.v[i].set)
			v_push(a, groups, group_view(a, spec, &spec->node_groups.v[i]));
	v_mark_last(a, groups);
	roles_view(a, v, spec, cluster, common);
	v_set(a, v, "dns", tofu_dns_view(a, spec));

	/* platform */
	struct node *pl = platform_view(a, spec, env->name, &ad);
	v_set(a, v, "platform", pl);
	int platform_p[4] = { P_AWS, P_HELM, P_KUBERNETES, P_SOPS };
	v_set(a, v, "platform_providers",
	      providers_view(a, platform_p, view_bool(pl, "has_secrets") ? 4 : 3));
	return v;
}

/* ---- rendering -------------------------------------------------------------------- */

/* The inputs of every file of env: its env.yaml, its parents', _defaults.yaml. */
static void add_sources(struct ctx *ctx, struct arena *a, struct outfile *f,
			const struct env *env)
{
	for (const struct env *e = env; e; e = e->parent)
		out_source(ctx, f, arena_printf(a, "%s/env.yaml", e->dir));
	if (ctx->defaults)
		out_source(ctx, f, "environments/_defaults.yaml");
}

/* Is the file name of stack generated for this view? (Its name stays reserved either way.) */
static bool file_wanted(const struct node *view, const char *stack, const char *name)
{
	const struct node *dns = node_get(node_get(view, "tofu"), "dns");
	if (strcmp(stack, "infra") == 0 && strcmp(name, "certificate") == 0)
		return view_bool(dns, "acm");
	if (strcmp(stack, "platform") == 0 && strcmp(name, "dns") == 0)
		return view_bool(dns, "record");
	if (strcmp(stack, "platform") == 0 && strcmp(name, "kubecost") == 0)
		return view_bool(node_path(view, "tofu.platform"), "kubecost");
	return true;
}

static void render_stack(struct ctx *ctx, struct env *env, const struct node *view,
			 struct tmpl_set *t, struct outset *set, const char *stack,
			 const char *const *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!file_wanted(view, stack, files[i]))
			continue;
		struct arena *a = &set->arena;
		const char *tmpl = arena_printf(a, "tofu/%s/%s.tf.mustache", stack, files[i]);
		const char *path = arena_printf(a, "out/%s/%s/%s.tf", env->name, stack, files[i]);
		struct outfile *f = out_add(ctx, set, path, COMMENT_HASH, env->name);
		add_sources(ctx, a, f, env);
		out_source(ctx, f, arena_printf(a, "templates/%s", tmpl));
		if (strcmp(stack, "infra") == 0 && strcmp(files[i], "eks") == 0)
			out_source(ctx, f, ADDONS_TABLE);
		tmpl_set_render(t, tmpl, view, ESC_HCL, &f->body);
	}
}

struct extra_name {
	const char *name;
	size_t i;
};

static int cmp_extra_fold(const void *pa, const void *pb)
{
	const struct extra_name *a = pa, *b = pb;
	int c = strcasecmp(a->name, b->name);
	return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* same[i]: the name names[i] differs from only by case (one file on a case-insensitive
 * file system, and the manifest would list both), or NULL; in a. */
static const char **case_twins(struct arena *a, const char *const *names, size_t n)
{
	const char **same = arena_alloc(a, (n + 1) * sizeof(*same));
	struct extra_name *v = arena_alloc(a, (n + 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = (struct extra_name){ names[i], i };
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_extra_fold);
	for (size_t k = 1; k < n; k++)
		if (strcasecmp(v[k - 1].name, v[k].name) == 0)
			same[v[k].i] = v[k - 1].name;
	return same;
}

/*
 * SPEC012 and true when the extra file names[i] (of src, to be copied to path) cannot be
 * copied: its path could not be listed in the manifest (the name is then not quoted: it
 * may hold control characters), or its name is a generated file's, or another extra
 * file's (twin), also but for case (one file on a case-insensitive file system).
 */
static bool extra_refused(struct ctx *ctx, struct env *env, const struct srcfile *src,
			  const char *name, const char *twin, const char *path, const char *stack,
			  const char *const *generated, size_t ngenerated)
{
	size_t at;
	const char *why = out_path_problem(path, strlen(path), &at);
	struct diag *d = NULL;
	struct loc l = { .file = src->id };
	if (why) {
		d = diag_add(ctx, "SPEC012", env->name, l, "its name cannot be copied into out/: %s",
			     why);
		diag_help(ctx, d, "rename it");
		return true;
	}
	if (twin)
		d = diag_add(ctx, "SPEC012", env->name, l, "'%s' differs from '%s' only by case: "
			     "one file on a case-insensitive file system", name, twin);
	for (size_t g = 0; !d && g < ngenerated; g++) {
		const char *gen = arena_printf(&ctx->scratch, "%s.tf", generated[g]);
		if (strcasecmp(name, gen) == 0)
			d = diag_add(ctx, "SPEC012", env->name, l,
				     "'%s' has the name of a generated file of the %s stack%s", name,
				     stack, strcmp(name, gen) != 0 ? " but for case (one file on a "
								     "case-insensitive file system)"
								   : "");
	}
	if (d)
		diag_help(ctx, d, "rename it, e.g. extra-%s", name);
	return d != NULL;
}

/* Copy the .tf files of environments/<env>/extra/<stack>/ into out/<env>/<stack>/, verbatim. */
static void copy_extras(struct ctx *ctx, struct env *env, struct outset *set, const char *stack,
			const char *const *generated, size_t ngenerated)
{
	size_t n;
	const char *const *names = extra_list(ctx, env, stack, &n);
	const char **twin = case_twins(&set->arena, names, n);
	for (size_t i = 0; i < n; i++) {
		const char *rel = arena_printf(&set->arena, "%s/extra/%s/%s", env->dir, stack,
					       names[i]);
		const struct srcfile *src = extra_source(ctx, rel);
		if (!src)
			continue;	/* SPEC012 reported */
		const char *path = arena_printf(&set->arena, "out/%s/%s/%s", env->name, stack,
						names[i]);
		if (extra_refused(ctx, env, src, names[i], twin[i], path, stack, generated,
				  ngenerated))
			continue;
		struct outfile *f = out_add(ctx, set, path, COMMENT_HASH, env->name);
		f->copied = true;
		out_source(ctx, f, rel);
		sb_add(&f->body, src->data, src->len);
	}
}

static void tofu_emit_env(struct ctx *ctx, struct env *env, const struct node *view,
			  struct tmpl_set *t, struct outset *set)
{
	render_stack(ctx, env, view, t, set, "infra", infra_files, ARRAY_LEN(infra_files));
	render_stack(ctx, env, view, t, set, "platform", platform_files, ARRAY_LEN(platform_files));
	copy_extras(ctx, env, set, "infra", infra_files, ARRAY_LEN(infra_files));
	copy_extras(ctx, env, set, "platform", platform_files, ARRAY_LEN(platform_files));
}

/* ---- the bootstrap stacks --------------------------------------------------------- */

struct boot {
	const char *account, *region;
	struct node *view;		/* {"bootstrap": {...}} */
	struct node *envs, *buckets, *tables;
	struct strmap in_envs, in_buckets, in_tables;	/* the names in each list */
	const char *min_version;	/* the lowest tofu_version among them */
	const struct env **members;
	size_t nmembers, capmembers;
};

/* Append {name} to seq unless it is there (seen: the names in seq). */
static void push_name(struct arena *a, struct node *seq, struct strmap *seen, const char *name)
{
	if (!*name || !strmap_put(a, seen, name, strlen(name), seq->n))
		return;
	struct node *m = v_map(a);
	v_set(a, m, "name", v_str(a, name));
	v_push(a, seq, m);
}

static void tofu_emit_repo(struct ctx *ctx, const struct node *repo_view, struct tmpl_set *t,
			   struct outset *set)
{
	struct arena *a = &set->arena;
	const struct node *list = node_get(repo_view, "environments");
	struct boot *boots = NULL;
	size_t nboots = 0, capboots = 0;
	struct strmap boot_at = { 0 };	/* "<account>/<region>" -> index in boots */
	for (size_t i = 0; list && list->kind == NODE_SEQ && i < list->n; i++) {
		const struct node *ev = list->items[i];
		const struct node *tv = node_get(ev, "tofu");
		if (!tv)
			continue;
		const char *account = view_str(tv, "account_id"), *region = view_str(tv, "region");
		const char *key = arena_printf(a, "%zu:%s/%s", strlen(account), account, region);
		long at = strmap_get(&boot_at, key, strlen(key));
		if (at < 0) {
			at = (long)nboots;
			strmap_put(a, &boot_at, key, strlen(key), nboots);
			ARENA_PUSH(a, boots, nboots, capboots, ((struct boot){ account, region }));
			boots[at].view = v_map(a);
			boots[at].envs = v_seq(a);
			boots[at].buckets = v_seq(a);
			boots[at].tables = v_seq(a);
		}
		struct boot *b = &boots[at];
		const char *name = view_str(tv, "env");
		push_name(a, b->envs, &b->in_envs, name);
		const struct node *be = node_get(tv, "backend");
		push_name(a, b->buckets, &b->in_buckets, view_str(be, "bucket"));
		if (view_bool(be, "dynamodb"))
			push_name(a, b->tables, &b->in_tables, view_str(be, "table"));
		const char *tv_version = view_str(tv, "tofu_version");
		if (!b->min_version || version_text_cmp(tv_version, b->min_version) < 0)
			b->min_version = tv_version;
		const struct env *e = ctx_env(ctx, name);
		if (e)
			ARENA_PUSH(a, b->members, b->nmembers, b->capmembers, e);
	}
	for (size_t k = 0; k < nboots; k++) {
		struct boot *b = &boots[k];
		struct node *bv = v_set(a, b->view, "bootstrap", v_map(a));
		v_mark_last(a, b->envs);
		v_set(a, bv, "account_id", v_str(a, b->account));
		v_set(a, bv, "region", v_str(a, b->region));
		v_set(a, bv, "required_version", v_str(a, arena_printf(a, ">= %s", b->min_version)));
		const int boot_p[] = { P_AWS };
		v_set(a, bv, "providers", providers_view(a, boot_p, ARRAY_LEN(boot_p)));
		v_set(a, bv, "environments", b->envs);
		v_set(a, bv, "state_buckets", b->buckets);
		v_set(a, bv, "lock_tables", b->tables);
		for (size_t i = 0; i < ARRAY_LEN(bootstrap_files); i++) {
			const char *tmpl = arena_printf(a, "tofu/bootstrap/%s.tf.mustache",
							bootstrap_files[i]);
			const char *path = arena_printf(a, "out/_bootstrap/%s-%s/%s.tf", b->account,
							b->region, bootstrap_files[i]);
			struct outfile *f = out_add(ctx, set, path, COMMENT_HASH, NULL);
			for (size_t m = 0; m < b->nmembers; m++)
				add_sources(ctx, a, f, b->members[m]);
			out_source(ctx, f, arena_printf(a, "templates/%s", tmpl));
			tmpl_set_render(t, tmpl, b->view, ESC_HCL, &f->body);
		}
	}
}

/* What the bootstrap stacks read of an environment's part (tofu_emit_repo). */
static struct node *tofu_repo_part(struct arena *a, const struct node *part)
{
	static const char *const keys[] = { "env", "account_id", "region", "tofu_version",
					    "backend", NULL };
	return v_pick(a, part, keys);
}

/* the two stacks of an environment (with the copies of its extra .tf files), and the
 * bootstrap stacks of the repository */
static const char *const tofu_env_paths[] = { "out/*/infra/*", "out/*/platform/*", NULL };
static const char *const tofu_repo_paths[] = { "out/_bootstrap/*/*", NULL };

const struct backend backend_tofu = {
	.name = "tofu",
	.view = tofu_view,
	.emit_env = tofu_emit_env,
	.repo_part = tofu_repo_part,
	.emit_repo = tofu_emit_repo,
	.owns = { .env = tofu_env_paths, .repo = tofu_repo_paths },
};
