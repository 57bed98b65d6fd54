/*
 * cmd_init.c - `eragen init ENV [--from ENV]`: scaffold environments/ENV/env.yaml.
 *
 * Consumes the loaded and resolved repository (every environment, so that the new
 * one can avoid what the others use). Produces one file, rendered from the template
 * templates/init/env.yaml.mustache (the repository's own, else the installed one) and
 * written atomically (temp file in the environment's directory, fsync, rename) and only
 * inside the repository; and, in a repository that has none, a root Makefile including
 * out/eragen.mk (so that `make ENV-plan` works from the root) and a .gitignore of
 * OpenTofu's working directories and plan files (never rewritten afterwards).
 *
 * The file is lint-clean as created (`eragen lint` reports nothing about it):
 *   - without --from, a complete spec in the shipped environments' shape (four node
 *     groups, every workload placed, profiles), independent of _defaults.yaml;
 *   - with --from PARENT, `extends: PARENT` and only what must differ from the parent:
 *     the VPC, and whatever the parent fixes that two environments cannot share (an
 *     explicit cluster name, state bucket or scratch bucket, a domain, OAuth settings
 *     whose secrets the new environment does not have yet, the identity settings that
 *     name the parent's live objects: subnets, names, StorageClass parameters).
 * Either way the tier is ephemeral and login is dummy without a password: the one
 * combination that needs no secrets file (SOPS needs keys eragen cannot create) and no
 * domain, and that AUTH005 accepts. The VPC is the first /16 of 10.0.0.0/8 that overlaps
 * no environment's VPC, peer or service CIDR. Names are left to derivation; a name whose
 * derived names would break a naming rule (bucket length, a repeated word) is refused.
 */
#include "cidr.h"
#include "cmd.h"
#include "model.h"
#include "repo_index.h"
#include "tmpl.h"
#include "view.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The values of a complete spec (no --from) that the name checks depend on: the
 * schema's default app, and the account and region templates/init/env.yaml.mustache
 * writes. */
#define INIT_APP "jupyterhub"
#define INIT_REGION "us-west-2"
#define INIT_ACCOUNT "123456789012"
/* extends chains are at most 8 deep (SPEC008); one more to see a longer one */
#define EXTENDS_PROBE_MAX 9

/* ^[a-z][a-z0-9-]{0,30}[a-z0-9]$ (NAME001) */
bool env_name_ok(const char *s)
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

/* ---- the text: templates/init/env.yaml.mustache ------------------------------------ */

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

/* What a child cannot share with its parent p (the template's reset); *auth_replaced
 * when the parent's login needs secrets the child does not have. */
static struct node *resets(struct arena *a, const struct model *p, bool *auth_replaced)
{
	struct node *r = v_map(a);
	v_set(a, r, "allow_overlap_with", v_bool(a, nonempty(p->network.allow_overlap_with.n)));
	/* identity settings (DESIGN 8.2) name the parent's live objects */
	v_set(a, r, "subnets", v_bool(a, p->network.subnets.n != NULL));
	v_set(a, r, "names", v_bool(a, p->names.n != NULL));
	v_set(a, r, "class_parameters", v_bool(a, p->storage.class_parameters.n != NULL));
	/* cluster.name: derived (<app>-<env>) unless the parent names its cluster */
	v_set(a, r, "cluster_name", v_bool(a, given(p->cluster.name.n)));
	v_set(a, r, "state_bucket", v_bool(a, given(p->state.bucket.n) &&
					       strcmp(p->state.bucket.s, "auto") != 0));
	/* auth: dummy without a password needs no secrets file */
	const struct m_auth *au = &p->auth;
	bool oauth = au->cognito.n || au->github.n;
	*auth_replaced = !au->mode.s || au->mode.v != AUTH_DUMMY || oauth || au->dummy.n;
	struct node *auth = v_bool(a, false);
	if (*auth_replaced) {
		auth = v_map(a);
		v_set(a, auth, "cognito", v_bool(a, au->cognito.n != NULL));
		v_set(a, auth, "github", v_bool(a, au->github.n != NULL));
		v_set(a, auth, "dummy", v_bool(a, au->dummy.n != NULL));
	}
	v_set(a, r, "auth", auth);
	v_set(a, r, "domain", v_bool(a, nonempty(p->domain.name.n)));
	v_set(a, r, "scratch_bucket", v_bool(a, given(p->scratch_bucket.name.n) &&
						 strcmp(p->scratch_bucket.name.s, "auto") != 0));
	return r;
}

/*
 * The $schema the editor comment names: the layer schema for a child, the environment
 * schema otherwise; the repository's own (relative to environments/NAME/), else the
 * installed one (absolute; relative when the installed tree is inside the repository).
 * A child falls back to the environment schema where no layer schema is found. The
 * comment holds the path as it is: one with a character that is not plain in a path
 * (a space, a quote, a control) is not written, the repository's place is instead.
 */
static const char *plain_path(const char *p)
{
	for (const char *c = p; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr("/._-+@~", *c)))
			return NULL;
	return p;
}

static const char *schema_ref(struct ctx *ctx, bool child)
{
	static const char *const files[] = { "schemas/environment.layer.schema.json",
					     "schemas/environment.schema.json" };
	char root[PATH_MAX], inst[PATH_MAX];
	bool have_root = realpath(ctx->root, root) != NULL;
	for (size_t i = child ? 0 : 1; i < 2; i++) {
		if (repo_input_exists(ctx, files[i]))
			return arena_printf(&ctx->perm, "../../%s", files[i]);
		char *p = arena_printf(&ctx->perm, "%s/%s", ctx->datadir ? ctx->datadir : ".",
				       files[i]);
		if (!ctx->datadir || !realpath(p, inst))
			continue;
		size_t n = strlen(root);
		const char *ref = have_root && strncmp(inst, root, n) == 0 && inst[n] == '/'
					  ? arena_printf(&ctx->perm, "../../%s", inst + n + 1)
					  : arena_strdup(&ctx->perm, inst);
		if (plain_path(ref))
			return ref;
	}
	return "../../schemas/environment.schema.json";	/* nowhere: as a repository holds it */
}

/*
 * The new env.yaml into sb: a complete spec, or (parent not NULL) one that extends parent,
 * whose resolved spec is p. -1 when the template cannot be used (SPEC012 reported).
 */
static int render_text(struct ctx *ctx, struct strbuf *sb, const char *name, const char *parent,
		       const struct model *p, const char *vpc, bool *auth_replaced)
{
	static const char pad[] = "                       ";	/* the comment's column */
	struct arena *a = &ctx->perm;
	struct node *view = v_map(a);
	v_set(a, view, "name", v_str(a, name));
	const char *schema = schema_ref(ctx, parent != NULL);	/* plain: as it is */
	v_set(a, view, "schema", v_fragment(a, schema, strlen(schema)));
	v_set(a, view, "child", v_bool(a, parent != NULL));
	if (parent)
		v_set(a, view, "parent", v_str(a, parent));
	/* a formatted CIDR is plain YAML as it is */
	size_t n = strlen(vpc);
	v_set(a, view, "vpc", v_fragment(a, vpc, n));
	v_set(a, view, "vpc_pad", v_fragment(a, pad, n < sizeof(pad) - 1 ? sizeof(pad) - 1 - n : 0));
	*auth_replaced = false;
	v_set(a, view, "reset", parent ? resets(a, p, auth_replaced) : v_map(a));
	struct tmpl_set *ts = tmpl_set_open(ctx);
	int rc = tmpl_set_render(ts, "init/env.yaml.mustache", view, ESC_YAML, sb);
	tmpl_set_free(ts);
	return rc;
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
	const char *base = strrchr(path, '/');
	char *tmp = arena_printf(&ctx->perm, "%s/.%s.XXXXXX", dir, base ? base + 1 : path);
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
	/* no clobbering: the file may have appeared since the load looked */
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

int spec_write_new(struct ctx *ctx, const char *name, const char *rel, const char *text,
		   size_t len)
{
	char *envdir = arena_printf(&ctx->perm, "%s/environments", ctx->root);
	char *dir = arena_printf(&ctx->perm, "%s/%s", envdir, name);
	char *path = arena_printf(&ctx->perm, "%s/env.yaml", dir);
	if (make_dir(ctx->root, envdir, "environments") != 0 ||
	    make_dir(ctx->root, dir, arena_printf(&ctx->perm, "environments/%s", name)) != 0 ||
	    write_atomic(ctx, dir, path, rel, text, len) != 0)
		return EXIT_SYSTEM;
	return EXIT_OK;
}

/*
 * The new spec rendered and written to rel (environments/NAME/env.yaml): 0, EXIT_FINDINGS
 * when the template cannot be used (reported), or EXIT_SYSTEM.
 */
static int write_spec(struct ctx *ctx, const char *name, const char *parent,
		      const struct model *inherited, const char *vpc, const char *rel,
		      bool *auth_replaced)
{
	struct strbuf text = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &text);
	int rc = EXIT_OK;
	if (render_text(ctx, &text, name, parent, inherited, vpc, auth_replaced) != 0) {
		pipeline_report(ctx);
		rc = EXIT_FINDINGS;
	} else {
		rc = spec_write_new(ctx, name, rel, text.buf, text.len);
	}
	oom_guard_pop(&guard);
	sb_release(&text);
	return rc;
}

/* ---- the repository's Makefile and .gitignore ---------------------------------------- */

/* The root Makefile: out/eragen.mk's targets from the repository root (make ENV-plan),
 * found relative to the Makefile itself (make -C, make -f); before the first build a
 * warning says what to run. */
static const char root_makefile[] =
	"# The repository's Makefile, written by `eragen init` when there was none: yours to\n"
	"# edit, eragen never rewrites it. It includes the targets eragen generates in\n"
	"# out/eragen.mk (`eragen build` writes it): make ENV-plan, ENV-apply, ENV-destroy,\n"
	"# lint, check, build, bootstrap; `make` alone lists them.\n"
	"eragen_mk := $(dir $(lastword $(MAKEFILE_LIST)))out/eragen.mk\n"
	"ifneq ($(wildcard $(eragen_mk)),)\n"
	"include $(eragen_mk)\n"
	"else\n"
	"$(warning eragen: $(eragen_mk) does not exist yet: run 'eragen build' first)\n"
	"endif\n";

/* What git must not hold: OpenTofu's working directories and the plan files that the
 * make targets keep beside each stack (a plan can hold secret values). */
static const char root_gitignore[] =
	"# written by `eragen init`: OpenTofu's working files and the plan files `make ENV-plan`\n"
	"# keeps beside each stack (a plan can hold secret values)\n"
	".terraform/\n"
	"tfplan\n"
	"tfplan.infra-outputs\n";

/* root/NAME written with text when no such file exists (nor, for the Makefile, another
 * name GNU make reads first): 1 when written, 0 when left alone, -1 after an error. */
static int write_root_file(struct ctx *ctx, const char *name, const char *text)
{
	static const char *const makefiles[] = { "GNUmakefile", "makefile", "Makefile", NULL };
	const char *const one[] = { name, NULL };
	const char *const *names = strcmp(name, "Makefile") == 0 ? makefiles : one;
	struct stat st;
	for (size_t i = 0; names[i]; i++)
		if (lstat(arena_printf(&ctx->perm, "%s/%s", ctx->root, names[i]), &st) == 0)
			return 0;
	const char *path = arena_printf(&ctx->perm, "%s/%s", ctx->root, name);
	return write_atomic(ctx, ctx->root, path, name, text, strlen(text)) == 0 ? 1 : -1;
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

/* --from ENV: the parent, and the model the new environment starts from. */
static int find_parent(struct ctx *ctx, const char *name, const char *from,
		       const struct env **parent, const struct model **inherited)
{
	const struct env *p = *parent = ctx_env(ctx, from);
	if (!p)
		return cli_error(&cmd_init, "--from: unknown environment '%s'", from);
	*inherited = p->abstract ? probe_child(ctx, p, name) : p->model;
	if (!*inherited || p->invalid || !(p->abstract || p->resolved)) {
		fprintf(stderr, "eragen: '%s' has errors ('eragen lint %s' shows them%s): fix "
				"them before extending it\n", from, from,
			p->abstract ? "; an abstract parent must give a valid spec with only name, "
				      "tier and network added" : "");
		return EXIT_FINDINGS;
	}
	return EXIT_OK;
}

/* After the spec: the repository's root Makefile and .gitignore, and what to do next. */
static int finish(struct ctx *ctx, const char *name, bool quiet, bool auth_replaced)
{
	int mk = write_root_file(ctx, "Makefile", root_makefile);
	int gi = write_root_file(ctx, ".gitignore", root_gitignore);
	if (mk > 0)
		printf("created Makefile (includes out/eragen.mk: make %s-plan)\n", name);
	if (gi > 0)
		printf("created .gitignore (.terraform/ and plan files)\n");
	if (mk < 0 || gi < 0)
		return EXIT_SYSTEM;
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

static int init_run(struct ctx *ctx, int argc, char **argv)
{
	const char *from = NULL;
	const struct option opts[] = {
		OPT_STRING("--from", &from, "a value"),
		OPT_END(),
	};
	int rc = cli_parse(ctx, &cmd_init, opts, &argc, argv);
	if (rc != CLI_RUN)
		return rc;
	const char *name = argv[0];
	if (!env_name_ok(name))
		return cli_error(&cmd_init, "invalid environment name '%s': 2 to 32 lowercase "
					    "letters, digits and '-', starting with a letter and not "
					    "ending with '-' (NAME001)", name);

	/* every environment: the new one must avoid what they use */
	bool quiet = ctx->opt.quiet;
	rc = pipeline_run(ctx, STAGE_CHECK, NULL, 0, NULL);
	if (rc != EXIT_OK)
		return rc;
	if (!ctx->schema) {
		/* nothing can be judged, so nothing can be promised lint-clean */
		pipeline_report(ctx);
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
	if (from && (rc = find_parent(ctx, name, from, &parent, &inherited)) != EXIT_OK)
		return rc;
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

	bool auth_replaced;
	rc = write_spec(ctx, name, parent ? parent->name : NULL, inherited, vpc_text, rel,
			&auth_replaced);
	if (rc != EXIT_OK)
		return rc;

	printf("created %s (VPC %s%s%s)\n", rel, vpc_text, parent ? ", extends " : "",
	       parent ? parent->name : "");
	return finish(ctx, name, quiet, auth_replaced);
}

const struct cmd cmd_init = {
	.name = "init",
	.run = init_run,
	.usage = "init ENV [--from ENV]",
	.args = { 1, 1, "init needs exactly one environment name" },
	.help =
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
	"A repository without a Makefile gets one that includes out/eragen.mk (then 'make\n"
	"ENV-plan' works from the root), and one without .gitignore gets one that ignores\n"
	"OpenTofu's working directories and plan files; existing files are left alone.\n"
	"\n"
	"  --from ENV    extend ENV (an environment or an abstract _parent)\n",
};
