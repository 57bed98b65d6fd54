/*
 * cmd_init.c - `eragen init ENV [--from ENV]`: scaffold environments/ENV/env.yaml.
 *
 * Consumes the loaded and resolved repository (run_front: every environment, so that the
 * new one can avoid what the others use). Produces one file, written atomically (temp
 * file in the environment's directory, fsync, rename) and only inside the repository.
 *
 * The file is lint-clean as created (`eragen lint` reports nothing about it):
 *   - without --from, a complete spec in the shipped environments' shape (four node
 *     groups, every workload placed, profiles), independent of _defaults.yaml;
 *   - with --from PARENT, `extends: PARENT` and only what must differ from the parent:
 *     the VPC, and whatever the parent fixes that two environments cannot share (an
 *     explicit cluster name, state bucket or scratch bucket, a domain, OAuth settings
 *     whose secrets the new environment does not have yet).
 * Either way the tier is ephemeral and login is dummy without a password: the one
 * combination that needs no secrets file (SOPS needs keys eragen cannot create) and no
 * domain, and that AUTH005 accepts. The VPC is the first /16 of 10.0.0.0/8 that overlaps
 * no environment's VPC, peer or service CIDR. Names are left to derivation; a name whose
 * derived names would break a naming rule (bucket length, a repeated word) is refused.
 */
#include "cidr.h"
#include "cmd.h"
#include "model.h"
#include "tmpl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The values of a complete spec (no --from) that the name checks depend on. */
#define INIT_APP "jupyterhub"
#define INIT_REGION "us-west-2"
#define INIT_ACCOUNT "123456789012"
/* extends chains are at most 8 deep (SPEC008); one more to see a longer one */
#define EXTENDS_PROBE_MAX 9

/* ^[a-z][a-z0-9-]{0,30}[a-z0-9]$ (NAME001) */
static bool init_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 32 || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 1; i < n; i++) {
		bool alnum = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9');
		if (!alnum && !(s[i] == '-' && i < n - 1))
			return false;
	}
	return true;
}

/* A dash-separated word of s that occurs twice (NAME006), or NULL. */
static const char *repeated_word(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t len = strcspn(s + i, "-");
		for (size_t j = i + len + 1; j < n;) {
			size_t l2 = strcspn(s + j, "-");
			if (l2 == len && len > 0 && memcmp(s + i, s + j, len) == 0)
				return arena_strndup(a, s + i, len);
			j += l2 + 1;
		}
		i += len + 1;
	}
	return NULL;
}

/* ---- the VPC: the first free /16 of 10.0.0.0/8 ---------------------------------- */

struct taken {
	struct cidr *v;
	size_t n, cap;
};

static void taken_add(struct ctx *ctx, struct taken *t, const struct node *n)
{
	struct cidr c;
	if (!n || n->kind != NODE_STR || cidr_parse(n->str, n->len, &c, NULL) == CIDR_INVALID)
		return;
	ARENA_PUSH(&ctx->perm, t->v, t->n, t->cap, cidr_network(c));
}

static void taken_spec(struct ctx *ctx, struct taken *t, const struct model *spec)
{
	if (!spec)
		return;
	taken_add(ctx, t, spec->network.vpc_cidr.n);
	taken_add(ctx, t, spec->cluster.service_cidr.n);
	for (size_t i = 0; i < spec->network.peers.count; i++)
		taken_add(ctx, t, spec->network.peers.v[i].n);
}

/* Every block some environment (resolved, or as written when it cannot be resolved) or
 * _defaults.yaml uses; false when 10.0.0.0/8 has no free /16 left. */
static bool free_vpc(struct ctx *ctx, struct cidr *out)
{
	struct taken t = { NULL, 0, 0 };
	if (ctx->defaults)
		taken_spec(ctx, &t, model_build(&ctx->perm, ctx->defaults, NULL));
	/* each model is of what resolved, else of the file as written (envs_model) */
	for (size_t i = 0; i < ctx->nenvs; i++)
		taken_spec(ctx, &t, ctx->envs[i]->model);
	for (uint32_t k = 0; k < 256; k++) {
		struct cidr c = { (10u << 24) | (k << 16), 16 };
		bool clash = false;
		for (size_t i = 0; i < t.n && !clash; i++)
			clash = cidr_overlaps(c, t.v[i]);
		if (!clash) {
			*out = c;
			return true;
		}
	}
	return false;
}

/* ---- the text -------------------------------------------------------------------- */

static void put_yaml(struct strbuf *sb, const char *s)
{
	if (tmpl_escape(ESC_YAML, s, strlen(s), sb) != 0)
		BUG("a YAML scalar cannot be escaped");
}

static const char head[] =
	"# yaml-language-server: $schema=../../schemas/environment.schema.json\n"
	"#\n"
	"# Scaffolded by 'eragen init'. Lines marked FILL IN hold placeholders to replace;\n"
	"# 'eragen explain RULE' says what a finding means. The reference for every key is\n"
	"# schemas/environment.schema.json (an editor with the YAML language server completes\n"
	"# and checks it as you type).\n";

static const char tier_comment[] =
	"# ephemeral, with dummy login below: the one combination that needs no secrets file\n"
	"# and no domain (dummy login outside ephemeral is AUTH005). For a lasting environment\n"
	"# set development, staging or production, and switch auth to github or cognito.\n";

/* A complete spec in the shipped environments' shape. */
static void text_full(struct strbuf *sb, const char *name, const char *vpc)
{
	sb_puts(sb, head);
	sb_puts(sb, "eragen: 1\nname: ");
	put_yaml(sb, name);
	sb_puts(sb, "\n");
	sb_puts(sb, tier_comment);
	sb_puts(sb,
		"tier: ephemeral\n"
		"description: FILL IN what this environment is for.\n"
		"\n"
		"aws:\n"
		"  account_id: \"" INIT_ACCOUNT "\"       # FILL IN your 12-digit account ID (a quoted string)\n"
		"  region: " INIT_REGION "\n"
		"  azs: [us-west-2a, us-west-2b]    # 2 to 6 zones of the region\n"
		"\n"
		"owner: {email: ops@example.org}    # FILL IN who to ask about it (in default tags)\n"
		"\n"
		"network:\n");
	sb_printf(sb, "  vpc_cidr: %-23s# free: no other environment's VPC or peer overlaps it\n",
		  vpc);
	sb_puts(sb,
		"  nat: single                      # per_az survives the loss of a zone\n"
		"  peers: []                        # networks this VPC must never overlap\n"
		"\n"
		"cluster:\n"
		"  # name: derived, <app>-<env>\n"
		"  kubernetes_version: \"1.34\"\n"
		"  # FILL IN the egress range of your operators and CI runners (203.0.113.0/24 is a\n"
		"  # documentation placeholder); an endpoint open to 0.0.0.0/0 is POLICY006.\n"
		"  endpoint_public_cidrs: [203.0.113.0/24]\n"
		"  admins: []                       # [{arn: \"arn:aws:iam::ACCOUNT:user/NAME\", username: NAME}]\n"
		"\n"
		"# Core pods on an on-demand group that never scales to zero, in one AZ (the hub's\n"
		"# volume lives there); notebooks on tainted user groups; Dask workers on spot.\n"
		"node_groups:\n"
		"  system:\n"
		"    instance_types: [m5.large]\n"
		"    capacity: on_demand\n"
		"    min: 1\n"
		"    max: 1\n"
		"    azs: [us-west-2a]\n"
		"    labels: {role: system}\n"
		"  user-small:\n"
		"    instance_types: [r5.large]\n"
		"    capacity: on_demand\n"
		"    min: 0\n"
		"    max: 2\n"
		"    disk_gb: 100\n"
		"    azs: [us-west-2a]              # users' home volumes are bound to one AZ\n"
		"    labels: {role: user, size: small}\n"
		"    taints: [{key: hub.jupyter.org/dedicated, value: user, effect: NoSchedule}]\n"
		"  user-medium:\n"
		"    instance_types: [r5.xlarge]\n"
		"    capacity: on_demand\n"
		"    min: 0\n"
		"    max: 2\n"
		"    disk_gb: 100\n"
		"    azs: [us-west-2a]\n"
		"    labels: {role: user, size: medium}\n"
		"    taints: [{key: hub.jupyter.org/dedicated, value: user, effect: NoSchedule}]\n"
		"  dask:\n"
		"    instance_types: [m5.large, t3.large]\n"
		"    capacity: spot\n"
		"    min: 0\n"
		"    max: 5\n"
		"    labels: {role: dask-worker}\n"
		"    taints: [{key: lifecycle, value: spot, effect: NoExecute}]\n"
		"\n"
		"# Every workload, placed on a group ('eragen show ENV --placement' prints the matrix).\n"
		"placement:\n"
		"  hub:            {node_group: system}\n"
		"  proxy:          {node_group: system}\n"
		"  user_scheduler: {node_group: system}\n"
		"  gateway:        {node_group: system}\n"
		"  dask_scheduler: {node_group: system}\n"
		"  dask_worker:    {node_group: dask}\n"
		"  notebook:       {node_group: user-small}\n"
		"\n"
		"# Any user name and password log in. To require a password, add\n"
		"#   dummy: {password: \"sops:dummy.password\"}\n"
		"# and that key to a SOPS-encrypted secrets.yaml next to this file.\n"
		"auth:\n"
		"  mode: dummy\n"
		"  admins: [admin]\n"
		"  allow_all_users: true\n"
		"\n"
		"# secrets: {kms_key_arn: \"arn:aws:kms:REGION:ACCOUNT:key/ID\"}   # the key of secrets.yaml\n"
		"# domain: {name: hub.example.org, tls: acm, route53_zone: example.org}   # else plain http\n"
		"\n"
		"hub:\n"
		"  chart_version: \"2024.1.1\"\n"
		"  default_url: /lab\n"
		"  image: pangeo/pangeo-notebook:2025.01.10   # a tag or @sha256: digest, never :latest\n"
		"  profiles:\n"
		"    - {slug: small, display_name: \"Small (2 CPU, 15 GB)\", cpu: {guarantee: 1.6, limit: 2},\n"
		"       memory: {guarantee: 14G, limit: 15G}, default: true}\n"
		"    - {slug: medium, display_name: \"Medium (4 CPU, 30 GB)\", cpu: {guarantee: 3.5, limit: 4},\n"
		"       memory: {guarantee: 28G, limit: 30G}, node_group: user-medium}\n"
		"  # daskhub 2024.1.1 bundles kube-scheduler 1.26, too far from Kubernetes 1.34\n"
		"  # (COMPAT002): run without the user-scheduler.\n"
		"  extra_values:\n"
		"    jupyterhub:\n"
		"      scheduling:\n"
		"        userScheduler: {enabled: false}\n"
		"\n"
		"dask:                              # a worker of the maximum size fits the dask group\n"
		"  worker_cores_max: 1\n"
		"  worker_memory_max_gb: 4\n"
		"  cluster_max_cores: 10\n"
		"  idle_timeout_s: 1800\n"
		"\n"
		"scratch_bucket: {noncurrent_expire_days: 7, force_destroy: true}   # name: derived\n"
		"\n"
		"ci:\n"
		"  auto_apply: false\n"
		"  dispatch: true\n"
		"  destroy: true                    # ephemeral: a destroy workflow\n"
		"  required_reviewers: 0\n"
		"  role_arn: arn:aws:iam::" INIT_ACCOUNT ":role/github-actions-tofu   # FILL IN the OIDC role\n"
		"  tofu_version: \"1.8.5\"\n");
}

/* Is the resolved value n present and not derived (so a child would share it)? */
static bool given(const struct node *n)
{
	return n && n->kind != NODE_NULL && !(n->flags & NODE_DERIVED);
}

static bool nonempty(const struct node *n)
{
	return n && ((n->kind == NODE_STR && n->len > 0) ||
		     ((n->kind == NODE_SEQ || n->kind == NODE_MAP) && n->n > 0));
}

/* extends PARENT: only what cannot be shared with it. */
static void text_child(struct strbuf *sb, const char *name, const char *parent,
		       const struct model *p, const char *vpc, bool *notes_auth)
{
	sb_puts(sb, head);
	sb_puts(sb, "#\n# Everything not set here comes from the parent ('eragen show ENV --origin' says\n"
		    "# where each value is set; 'eragen diff PARENT ENV' what differs).\n");
	sb_puts(sb, "eragen: 1\nname: ");
	put_yaml(sb, name);
	sb_puts(sb, "\nextends: ");
	put_yaml(sb, parent);
	sb_puts(sb, "\n# tier is never inherited.\n");
	sb_puts(sb, tier_comment);
	sb_puts(sb, "tier: ephemeral\ndescription: FILL IN what this environment is for.\n");

	sb_printf(sb, "\nnetwork:\n  vpc_cidr: %-23s# free: no other environment's VPC or peer "
		      "overlaps it\n", vpc);
	if (nonempty(p->network.allow_overlap_with.n))
		sb_puts(sb, "  allow_overlap_with: []           # the parent's acknowledged overlaps are "
			    "its own\n");

	/* cluster.name: derived (<app>-<env>) unless the parent names its cluster */
	if (given(p->cluster.name.n))
		sb_puts(sb, "\ncluster:\n  name: null                       # derived: <app>-<env> "
			    "(XENV001: one name per account and region)\n");
	if (given(p->state.bucket.n) && strcmp(p->state.bucket.s, "auto") != 0)
		sb_puts(sb, "\nstate: {bucket: auto}              # a state bucket of its own (XENV002)\n");

	/* auth: dummy without a password needs no secrets file */
	const struct m_auth *au = &p->auth;
	bool oauth = au->cognito.n || au->github.n;
	if (!au->mode.s || au->mode.v != AUTH_DUMMY || oauth || au->dummy.n) {
		*notes_auth = true;
		sb_puts(sb, "\n# The parent's login needs secrets this environment does not have yet: any user\n"
			    "# name and password log in until you set a mode with a SOPS-encrypted\n"
			    "# secrets.yaml next to this file.\n"
			    "auth:\n  mode: dummy\n");
		if (au->cognito.n)
			sb_puts(sb, "  cognito: null\n");
		if (au->github.n)
			sb_puts(sb, "  github: null\n");
		if (au->dummy.n)
			sb_puts(sb, "  dummy: null\n");
	}
	if (nonempty(p->domain.name.n))
		sb_puts(sb, "\n# The parent's host name is its own (XENV003): served over plain http on the\n"
			    "# load balancer's name until you set one.\n"
			    "# domain: {name: HOST, tls: acm, route53_zone: ZONE}\n"
			    "domain: null\n");
	if (given(p->scratch_bucket.name.n) && strcmp(p->scratch_bucket.name.s, "auto") != 0)
		sb_puts(sb, "\nscratch_bucket: {name: auto, existing: false}   # a bucket of its own, "
			    "derived\n");
}

/*
 * An abstract parent is never resolved on its own: resolve what a child of it would be,
 * with only name, tier and a VPC of its own (the VPC does not matter for what is read
 * from the result). NULL when that is not a valid spec.
 */
static const struct model *probe_child(struct ctx *ctx, const struct env *parent,
				       const char *name)
{
	struct node *roots[EXTENDS_PROBE_MAX + 1];
	size_t n = 0;
	for (const struct env *p = parent; p;) {
		if (!p->root || n == EXTENDS_PROBE_MAX)
			return NULL;	/* unusable, too deep or a cycle: SPEC008 says which */
		roots[n++] = p->root;
		const char *ext = p->model->extends.s;
		p = ext ? ctx_env(ctx, ext) : NULL;
		if (ext && !p)
			return NULL;
	}
	/* farthest first */
	for (size_t i = 0; i < n / 2; i++) {
		struct node *t = roots[i];
		roots[i] = roots[n - 1 - i];
		roots[n - 1 - i] = t;
	}
	struct arena *a = &ctx->perm;
	struct loc at = { 0, 0, 0, 0, 0 };
	struct node *child = node_map(a, at, 4);
	struct node *ver = node_new(a, NODE_INT, at);
	ver->str = "1";
	ver->len = 1;
	ver->v.i = 1;
	node_map_set(a, child, node_str(a, "eragen", 6, at), ver);
	node_map_set(a, child, node_str(a, "name", 4, at), node_str(a, name, strlen(name), at));
	node_map_set(a, child, node_str(a, "tier", 4, at), node_str(a, "ephemeral", 9, at));
	struct node *net = node_map(a, at, 1);
	node_map_set(a, net, node_str(a, "vpc_cidr", 8, at), node_str(a, "10.0.0.0/16", 11, at));
	node_map_set(a, child, node_str(a, "network", 7, at), net);
	roots[n++] = child;
	const struct node *tree = resolve_quiet(ctx, a, name, ctx->defaults, roots, n);
	return tree ? model_build(a, tree, NULL) : NULL;
}

/* ---- writing ----------------------------------------------------------------------- */

/* Is dir (which exists) the repository root or inside it, symlinks resolved? */
static bool inside(const char *root, const char *dir)
{
	char r[PATH_MAX], d[PATH_MAX];
	if (!realpath(root, r) || !realpath(dir, d))
		return false;
	size_t n = strlen(r);
	return strncmp(r, d, n) == 0 && (d[n] == '\0' || d[n] == '/' || (n == 1 && r[0] == '/'));
}

static int make_dir(const char *root, const char *dir, const char *shown)
{
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		error("cannot create '%s': %s", shown, strerror(errno));
		return -1;
	}
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		error("'%s' is not a directory", shown);
		return -1;
	}
	if (!inside(root, dir)) {
		error("'%s' leads out of the repository: nothing written", shown);
		return -1;
	}
	return 0;
}

static int write_atomic(struct ctx *ctx, const char *dir, const char *path, const char *shown,
			const char *data, size_t len)
{
	char *tmp = arena_printf(&ctx->perm, "%s/.env.yaml.XXXXXX", dir);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		error("cannot create a temporary file in '%s': %s", dir, strerror(errno));
		return -1;
	}
	mode_t mask = umask(022);
	umask(mask);
	const char *what = "write";
	bool ok = fchmod(fd, 0666 & ~mask) == 0;
	for (size_t off = 0; ok && off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		ok = w > 0;
		off += ok ? (size_t)w : 0;
	}
	if (ok && fsync(fd) != 0) {
		ok = false;
		what = "flush";
	}
	if (close(fd) != 0 && ok) {
		ok = false;
		what = "close";
	}
	/* no clobbering: the file may have appeared since run_front looked */
	struct stat st;
	if (ok && lstat(path, &st) == 0) {
		unlink(tmp);
		error("'%s' appeared meanwhile: not overwritten", shown);
		return -1;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		what = "rename";
	}
	if (!ok) {
		error("cannot %s '%s': %s", what, shown, strerror(errno));
		unlink(tmp);
		return -1;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);	/* durability of the rename; best effort */
		close(dfd);
	}
	return 0;
}

/* ---- the command --------------------------------------------------------------------- */

/* Would a derived name of ENV break a naming rule? A usage error then (exit 2). */
static int check_derived(struct ctx *ctx, const char *name, const struct model *parent)
{
	const char *app = INIT_APP, *region = INIT_REGION, *account = INIT_ACCOUNT;
	if (parent) {
		app = parent->app.s;
		region = parent->aws.region.s;
		account = parent->aws.account_id.s;
	} else if (ctx->defaults) {
		const struct model *dflt = model_build(&ctx->perm, ctx->defaults, NULL);
		if (dflt->app.s)
			app = dflt->app.s;
	}
	if (!app || !region || !account)
		return EXIT_OK;	/* the parent is judged by lint */
	const char *cluster = arena_printf(&ctx->perm, "%s-%s", app, name);
	const char *word = repeated_word(&ctx->perm, cluster);
	if (word)
		return cli_error(&cmd_init, "the word '%s' would repeat in the derived cluster name "
					    "'%s' (NAME006): choose another name", word, cluster);
	const char *names[2] = {
		arena_printf(&ctx->perm, "tofu-state-%s-%s-%s-%s", app, name,
			     region_abbr(&ctx->perm, region), account),
		arena_printf(&ctx->perm, "%s-scratch-%s", cluster, account),
	};
	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(names[i]);
		if (n > 63)
			return cli_error(&cmd_init, "the derived bucket name '%s' would be %zu "
						    "characters, S3 allows 63 (NAME002): choose a "
						    "name at most %zu characters long", names[i], n,
					 strlen(name) - (n - 63));
	}
	return EXIT_OK;
}

static int init_run(struct ctx *ctx, int argc, char **argv)
{
	static const char *const own[] = { "--from=", NULL };
	const char *val[1] = { NULL };
	bool help;
	int n = cli_parse(ctx, &cmd_init, argc, argv, own, val, &help);
	if (n < 0)
		return EXIT_USAGE;
	if (help) {
		cli_usage(&cmd_init, stdout);
		return EXIT_OK;
	}
	if (n != 1)
		return cli_error(&cmd_init, "init needs exactly one environment name");
	const char *name = argv[0], *from = val[0];
	if (!init_name_ok(name))
		return cli_error(&cmd_init, "invalid environment name '%s': 2 to 32 lowercase "
					    "letters, digits and '-', starting with a letter and not "
					    "ending with '-' (NAME001)", name);

	/* every environment: the new one must avoid what they use */
	bool quiet = ctx->opt.quiet;
	int rc = run_front(ctx, 0, NULL);
	if (rc != EXIT_OK)
		return rc;
	if (!ctx->schema) {
		/* nothing can be judged, so nothing can be promised lint-clean */
		report(ctx);
		return EXIT_FINDINGS;
	}
	const char *rel = arena_printf(&ctx->perm, "environments/%s/env.yaml", name);
	struct env *e = ctx_env(ctx, name);
	struct stat st;
	if ((e && e->file) ||
	    lstat(arena_printf(&ctx->perm, "%s/%s", ctx->root, rel), &st) == 0)
		return cli_error(&cmd_init, "environment '%s' exists already (%s)", name, rel);

	const struct env *parent = NULL;
	const struct model *inherited = NULL;	/* what the new environment starts from */
	if (from) {
		parent = ctx_env(ctx, from);
		if (!parent)
			return cli_error(&cmd_init, "--from: unknown environment '%s'", from);
		inherited = parent->abstract ? probe_child(ctx, parent, name) : parent->model;
		if (!inherited || parent->invalid || !(parent->abstract || parent->resolved)) {
			fprintf(stderr, "eragen: '%s' has errors ('eragen lint %s' shows them%s): fix "
					"them before extending it\n", from, from,
				parent->abstract ? "; an abstract parent must give a valid spec with "
						   "only name, tier and network added" : "");
			return EXIT_FINDINGS;
		}
	}
	rc = check_derived(ctx, name, inherited);
	if (rc != EXIT_OK)
		return rc;

	struct cidr vpc;
	if (!free_vpc(ctx, &vpc)) {
		fputs("eragen: no /16 of 10.0.0.0/8 is free of the environments' VPCs and peers: "
		      "write the spec by hand with a block elsewhere\n", stderr);
		return EXIT_FINDINGS;
	}
	char vpc_text[CIDR_BUFSZ];
	cidr_format(vpc, vpc_text, sizeof(vpc_text));

	struct strbuf text = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &text);
	bool auth_replaced = false;
	if (parent)
		text_child(&text, name, parent->name, inherited, vpc_text, &auth_replaced);
	else
		text_full(&text, name, vpc_text);

	char *envdir = arena_printf(&ctx->perm, "%s/environments", ctx->root);
	char *dir = arena_printf(&ctx->perm, "%s/%s", envdir, name);
	char *path = arena_printf(&ctx->perm, "%s/env.yaml", dir);
	if (make_dir(ctx->root, envdir, "environments") != 0 ||
	    make_dir(ctx->root, dir, arena_printf(&ctx->perm, "environments/%s", name)) != 0 ||
	    write_atomic(ctx, dir, path, rel, text.buf, text.len) != 0) {
		oom_guard_pop(&guard);
		sb_release(&text);
		return EXIT_SYSTEM;
	}
	oom_guard_pop(&guard);
	sb_release(&text);

	printf("created %s (VPC %s%s%s)\n", rel, vpc_text, parent ? ", extends " : "",
	       parent ? parent->name : "");
	if (!quiet) {
		printf("next: fill in the lines marked FILL IN, then\n"
		       "  eragen lint %s && eragen build %s\n", name, name);
		printf("secrets: none needed for dummy login%s;\n"
		       "  for github or cognito, create environments/%s/secrets.yaml with\n"
		       "  'sops --encrypt --kms ARN' holding the keys that auth refers to as \"sops:KEY\"\n",
		       auth_replaced ? " (it replaces the parent's login)" : "", name);
	}
	return EXIT_OK;
}

const struct cmd cmd_init = {
	"init", init_run, "init ENV [--from ENV]",
	"Scaffold environments/ENV/env.yaml, lint-clean as created: 'eragen lint' reports\n"
	"nothing about it. Its VPC is the first /16 of 10.0.0.0/8 that overlaps no\n"
	"environment's VPC, peer network or service CIDR; derived names (cluster, buckets,\n"
	"lock table) are left to derivation. The tier is ephemeral and login dummy (any user\n"
	"name and password), the combination that needs neither a secrets file nor a domain;\n"
	"comments in the file say what to fill in and how to move to another tier.\n"
	"\n"
	"Without --from the file is a complete spec in the shipped environments' shape: four\n"
	"node groups (system, user-small, user-medium, dask), every workload placed, two\n"
	"profiles. With --from PARENT it extends PARENT and writes only what must differ:\n"
	"name, tier, the VPC, and what two environments cannot share (an explicit cluster\n"
	"name, state or scratch bucket, a domain, OAuth settings whose secrets are missing).\n"
	"\n"
	"ENV must be a valid name (NAME001) whose derived names fit their limits; an existing\n"
	"environment is never overwritten. No secrets.yaml is created: SOPS needs your keys.\n"
	"\n"
	"  --from ENV    extend ENV (an environment or an abstract _parent)\n",
};
