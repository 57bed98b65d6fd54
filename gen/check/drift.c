/*
 * check/drift.c - DRIFT001-DRIFT004, DRIFT007: values that let an environment drift from
 * its spec, and changes against the baseline revision that replace resources.
 *
 * Consumes the resolved specs; for the baseline rules (DRIFT003, DRIFT007) also the
 * environments as they were at the baseline revision (--base, default HEAD), read through
 * repo.h. Produces diagnostics only.
 *
 * The baseline is history, not input: its files are loaded silently (anything that cannot
 * be used, from bad bytes to an invalid spec, just means "no baseline" for the
 * environments that need it) and registered under a shown path "REV:environments/...",
 * so notes can point at the baseline's values. An environment whose files (its own, its
 * parents', _defaults.yaml) have the baseline's blob IDs is skipped without reading
 * anything; the others are resolved at the baseline once each, into a scratch arena
 * released right after the comparison. _defaults.yaml and abstract parents are read once.
 * The cost stays linear in the number of environments.
 *
 * While the baseline is open its libgit2 handles, and the scratch arena of the
 * environment being compared, are held by oom guards: running out of memory releases them.
 */
#include "check/pin.h"
#include "data.h"
#include "model.h"
#include "repo.h"

#include <stdio.h>
#include <string.h>

#define EXTENDS_MAX_DEPTH 8	/* as resolve.c: a chain is the file and at most 8 parents */

/* ---- DRIFT001: mutable image references ---- */

static void check_image(struct ctx *ctx, struct env *e, const struct node *img, const char *what)
{
	if (!img || img->kind != NODE_STR)
		return;
	enum image_pin pin = image_pin(img->str, img->len);
	if (pin == IMAGE_PINNED)
		return;
	struct diag *d = diag_add(ctx, "DRIFT001", e->name, img->loc,
				  pin == IMAGE_LATEST
					  ? "%s is %s, tagged 'latest': the image changes with no "
					    "change in git"
					  : "%s is %s, with no tag: that means 'latest', which changes "
					    "with no change in git",
				  what, node_display(&ctx->perm, img));
	diag_help(ctx, d, "pin a tag that is never moved, or a digest (image@sha256:...)");
}

/* The image of item i of list (an image choice or a profile, what), with its slug. */
static void check_item_image(struct ctx *ctx, struct env *e, const struct m_str *img,
			     const struct m_str *slug, const char *what, const char *list, size_t i)
{
	if (!img->s || image_pin(img->s, img->n->len) == IMAGE_PINNED)
		return;
	check_image(ctx, e, img->n,
		    slug->s ? arena_printf(&ctx->perm, "the image of %s '%s'", what, slug->s)
			    : arena_printf(&ctx->perm, "%s[%zu].image", list, i));
}

static void check_image_lists(struct ctx *ctx, struct env *e, const struct m_hub *hub)
{
	for (size_t i = 0; i < hub->image_choices.count; i++) {
		const struct m_image_choice *c = &hub->image_choices.v[i];
		check_item_image(ctx, e, &c->image, &c->slug, "image choice",
				 hub->image_choices.path, i);
	}
	for (size_t i = 0; i < hub->profiles.count; i++) {
		const struct m_profile *p = &hub->profiles.v[i];
		check_item_image(ctx, e, &p->image, &p->slug, "profile", hub->profiles.path, i);
	}
}

/* ---- DRIFT002: versions that are not exact ---- */

static void check_version(struct ctx *ctx, struct env *e, const struct m_str *f, int parts,
			  const char *example)
{
	const struct node *n = f->n;
	const char *path = f->path;
	if (!f->s)
		return;	/* absent or mistyped: the schema says so */
	struct version v;
	if (version_parse(n->str, n->len, &v) && v.nparts == parts)
		return;	/* (a pre-release suffix only follows three numbers) */
	struct diag *d = diag_add(ctx, "DRIFT002", e->name, n->loc,
				  "'%s' is %s, not an exact %s", path, node_display(&ctx->perm, n),
				  parts == 2 ? "major.minor version" : "version (x.y.z)");
	diag_help(ctx, d, "pin it, e.g. %s: \"%s\"", path, example);
}

/* A chart build the chart table lists by another name than x.y.z (a commit of the chart's
 * repository, "main-e25bf51") is pinned too: the table only lists immutable builds. */
static bool chart_listed(struct ctx *ctx, const struct node *n)
{
	struct version v;
	if (!n || n->kind != NODE_STR || strlen(n->str) != n->len ||
	    (version_parse(n->str, n->len, &v) && v.nparts == 3))
		return false;
	const struct data *d = data_get(ctx);
	return d && data_chart(d, n->str);
}

/* ---- DRIFT004: ephemeral AWS IDs anywhere in the spec ---- */

/* A key as written in a lint.ignore path: bare when plain, quoted otherwise. */
static void path_key(struct strbuf *sb, const struct node *key)
{
	bool plain = key->len > 0;
	for (size_t i = 0; i < key->len && plain; i++) {
		char c = key->str[i];
		plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '_' || c == '-';
	}
	if (sb->len)
		sb_putc(sb, '.');
	if (plain)
		sb_add(sb, key->str, key->len);
	else
		sb_json_str(sb, key->str, key->len);
}

static bool key_is(const struct node *key, const char *s)
{
	return key->len == strlen(s) && memcmp(key->str, s, key->len) == 0;
}

/* Where scan_ids is: a chain of steps up to the root, rendered only for a finding. */
struct step {
	const struct step *up;
	const struct node *key;	/* NULL: index in a list */
	size_t index;
};

static void step_path(struct strbuf *sb, const struct step *st)
{
	if (!st)
		return;
	step_path(sb, st->up);
	if (st->key)
		path_key(sb, st->key);
	else
		sb_printf(sb, "[%zu]", st->index);
}

static void scan_ids(struct ctx *ctx, struct env *e, const struct node *n,
		     const struct step *at, int depth)
{
	if (depth > YAML_MAX_DEPTH)
		return;
	if (n->kind == NODE_STR) {
		size_t s, end;
		if (node_is_masked(n))
			return;	/* SECRET001's */
		const char *what = ephemeral_id_find(n->str, n->len, &s, &end);
		if (!what)
			return;
		struct strbuf path = SB_IN(&ctx->perm);
		step_path(&path, at);
		struct diag *d = diag_add(ctx, "DRIFT004", e->name, n->loc,
					  "'%s' holds '%.*s', the ID of a short-lived %s: it changes "
					  "when the resource is replaced",
					  path.buf ? path.buf : "", (int)(end - s), n->str + s, what);
		diag_help(ctx, d, "refer to something stable (a node group, a label or tag, or a "
				  "resource managed in extra/)");
		return;
	}
	if (n->kind != NODE_MAP && n->kind != NODE_SEQ)
		return;
	for (size_t i = 0; i < n->n; i++) {
		struct step st = { at, NULL, i };
		if (n->kind == NODE_MAP) {
			/* never sent to AWS: free text, and the file's own lint settings */
			if (key_is(n->keys[i], "description") ||
			    (depth == 0 && key_is(n->keys[i], "lint")))
				continue;
			st.key = n->keys[i];
		}
		scan_ids(ctx, e, n->items[i], &st, depth + 1);
	}
}

static void drift_env(struct ctx *ctx, struct env *e)
{
	if (e->abstract || !e->resolved)
		return;	/* every value below is looked up with its type checked */
	const struct model *m = e->model;
	check_image(ctx, e, m->hub.image.n, m->hub.image.path);
	check_image_lists(ctx, e, &m->hub);

	if (!chart_listed(ctx, m->hub.chart_version.n))
		check_version(ctx, e, &m->hub.chart_version, 3, "2024.1.1");
	check_version(ctx, e, &m->ci.tofu_version, 3, "1.8.5");
	check_version(ctx, e, &m->cluster.kubernetes_version, 2, "1.34");
	check_version(ctx, e, &m->kubecost.chart_version, 3, "1.108.1");

	scan_ids(ctx, e, e->resolved, NULL, 0);	/* every value of the tree, whatever its key */
}

/* ---- the baseline ---- */

struct base_file {
	bool tried;
	struct node *root;	/* NULL when absent or unusable at the baseline */
	bool same_tried, same;	/* the work tree's file is the baseline's */
};

struct base_run {
	struct ctx *ctx;
	struct baseline *b;
	const char *rev;		/* as shown */
	struct node *defaults;		/* _defaults.yaml at the baseline, or NULL */
	bool defaults_tried, defaults_same;
	struct base_file *files;	/* parallel to ctx->envs */
};

/* Bytes srcfile_from_mem accepts without a SPEC012 (which would be about history). */
static bool usable_text(const char *data, size_t len)
{
	const unsigned char *u = (const unsigned char *)data;
	if (len > SRC_MAX_BYTES || memchr(data, '\0', len))
		return false;
	if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff)))
		return false;
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		data += 3;
		len -= 3;
	}
	return utf8_check(data, len) == (size_t)-1;
}

/* Load relpath at the baseline, silently: NULL when it is absent or cannot be used. */
static struct node *base_load(struct base_run *r, struct arena *a, const char *relpath,
			      bool is_defaults)
{
	struct ctx *ctx = r->ctx;
	size_t len = 0;
	const char *data = repo_baseline_read(r->b, relpath, &len);
	if (!data || !usable_text(data, len))
		return NULL;
	const char *shown = arena_printf(&ctx->perm, "%s:%s", r->rev, relpath);
	struct srcfile *f = srcfile_from_mem(ctx, shown, data, len, (struct loc){ 0 });
	if (!f)
		return NULL;
	/* yaml_load reports what it finds; about the baseline, nothing is reported */
	size_t ndiags = ctx->ndiags;
	struct node *root = yaml_load(ctx, a, f);
	ctx->ndiags = ndiags;
	if (!root || root->kind != NODE_MAP)
		return NULL;
	const struct node *v = node_get(root, "eragen");
	if (v ? !(v->kind == NODE_INT && v->v.i == 1) : !is_defaults)
		return NULL;
	return root;
}

static bool env_name_plain(const struct node *n)
{
	if (!n || n->kind != NODE_STR || n->len == 0 || strlen(n->str) != n->len ||
	    strcmp(n->str, ".") == 0 || strcmp(n->str, "..") == 0)
		return false;
	for (size_t i = 0; i < n->len; i++) {
		char c = n->str[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/*
 * environments/<name>/env.yaml at the baseline. Abstract parents, shared by many
 * environments, are read once and kept; a concrete environment's file goes into the
 * scratch arena of the environment being compared (read again in the rare case that
 * another environment extends it: at most once per link of a chain).
 */
static struct node *base_env_root(struct base_run *r, struct arena *scratch, const char *name)
{
	long i = name[0] == '_' ? ctx_env_index(r->ctx, name) : -1;
	if (i >= 0 && r->files[i].tried)
		return r->files[i].root;
	const char *rel = arena_printf(&r->ctx->perm, "environments/%s/env.yaml", name);
	struct node *root = base_load(r, i >= 0 ? &r->ctx->perm : scratch, rel, false);
	if (i >= 0) {
		r->files[i].tried = true;
		r->files[i].root = root;
	}
	return root;
}

/* e as it was at the baseline, resolved into scratch; NULL when it did not exist or was
 * not valid. */
static struct node *base_resolve(struct base_run *r, struct arena *scratch, struct env *e)
{
	struct node *chain[EXTENDS_MAX_DEPTH + 1];
	const char *names[EXTENDS_MAX_DEPTH + 1];
	size_t n = 0;
	struct node *cur = base_env_root(r, scratch, e->name);
	const char *name = e->name;
	while (cur) {
		for (size_t i = 0; i < n; i++)
			if (strcmp(names[i], name) == 0)
				return NULL;	/* a cycle */
		if (n == EXTENDS_MAX_DEPTH + 1)
			return NULL;	/* too deep */
		names[n] = name;
		chain[n++] = cur;
		const struct node *ext = node_get(cur, "extends");
		if (!ext || ext->kind == NODE_NULL)
			break;
		if (!env_name_plain(ext))
			return NULL;
		name = ext->str;
		cur = base_env_root(r, scratch, name);
		if (!cur)
			return NULL;	/* a parent missing at the baseline */
	}
	if (n == 0)
		return NULL;	/* new since the baseline */
	struct node *roots[EXTENDS_MAX_DEPTH + 1];
	for (size_t i = 0; i < n; i++)
		roots[i] = chain[n - 1 - i];	/* the farthest parent first */
	return resolve_quiet(r->ctx, scratch, e->name, r->defaults, roots, n);
}

/* ---- DRIFT003, DRIFT007: changes against the baseline ---- */

static void list_text(struct strbuf *sb, const struct node *l)
{
	if (l->kind != NODE_SEQ) {
		sb_puts(sb, l->kind == NODE_STR ? l->str : "?");
		return;
	}
	sb_putc(sb, '[');
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			sb_puts(sb, ", ");
		const struct node *it = l->items[i];
		if (it->kind == NODE_STR || node_is_num(it))
			sb_add(sb, it->str, it->len);
		else
			sb_puts(sb, "?");
	}
	sb_putc(sb, ']');
}

static const char *value_text(struct ctx *ctx, const struct node *n)
{
	if (n->kind == NODE_SEQ) {
		struct strbuf sb = SB_IN(&ctx->perm);
		list_text(&sb, n);
		const char *s = arena_printf(&ctx->perm, "'%s'", sb.buf);
		return s;
	}
	return node_display(&ctx->perm, n);
}

/* The note every DRIFT003/DRIFT007 finding carries: the value at the baseline. */
static void note_baseline(struct ctx *ctx, struct diag *d, const struct base_run *r,
			  const struct node *was)
{
	if (was->loc.line)
		diag_note(ctx, d, was->loc, "%s at %s (the baseline)", value_text(ctx, was),
			  r->rev);
	else
		diag_note(ctx, d, (struct loc){ 0 }, "%s at %s (the baseline, by default)",
			  value_text(ctx, was), r->rev);
}

static void check_k8s_version(struct ctx *ctx, const struct base_run *r, struct env *e,
			      const struct model *base)
{
	const struct node *now = e->model->cluster.kubernetes_version.n;
	const struct node *was = base->cluster.kubernetes_version.n;
	struct version vn, vw;
	if (!now || !was || now->kind != NODE_STR || was->kind != NODE_STR ||
	    !version_parse(now->str, now->len, &vn) || vn.nparts != 2 ||
	    !version_parse(was->str, was->len, &vw) || vw.nparts != 2)
		return;	/* not exact: DRIFT002 */
	long dist = version_minor_distance(&vw, &vn);
	if (version_cmp(&vn, &vw) < 0) {
		struct diag *d = diag_add(ctx, "DRIFT003", e->name, now->loc,
					  "Kubernetes version %s is lower than %s at %s: EKS cannot "
					  "downgrade a cluster",
					  node_display(&ctx->perm, now), node_display(&ctx->perm, was),
					  r->rev);
		note_baseline(ctx, d, r, was);
		diag_help(ctx, d, "restore cluster.kubernetes_version: \"%s\"", was->str);
		d = diag_add(ctx, "DRIFT007", e->name, now->loc,
			     "lowering the Kubernetes version from %s to %s replaces the EKS cluster",
			     node_display(&ctx->perm, was), node_display(&ctx->perm, now));
		note_baseline(ctx, d, r, was);
	} else if (dist > 1) {
		struct diag *d = diag_add(ctx, "DRIFT003", e->name, now->loc,
					  "Kubernetes version %s is more than one minor version above "
					  "%s at %s: EKS upgrades one minor version at a time",
					  node_display(&ctx->perm, now), node_display(&ctx->perm, was),
					  r->rev);
		note_baseline(ctx, d, r, was);
		if (vw.part[1] < 999999)
			diag_help(ctx, d, "upgrade to \"%u.%u\" first, apply, then continue one "
					  "minor version per applied change",
				  vw.part[0], vw.part[1] + 1);
	}
}

/* DRIFT007 when the value now (at path) differs from the baseline's, was: what OpenTofu
 * replaces, and how to avoid it (help may be NULL). */
static void check_replaced(struct ctx *ctx, const struct base_run *r, struct env *e,
			   const struct node *now, const struct node *was, const char *path,
			   const char *what, const char *replaced, const char *help)
{
	if (!now || !was || node_equal(now, was))
		return;
	struct diag *d = diag_add(ctx, "DRIFT007", e->name, env_value_loc(e, now, path),
				  "%s changed from %s to %s: OpenTofu replaces %s", what,
				  value_text(ctx, was), value_text(ctx, now), replaced);
	note_baseline(ctx, d, r, was);
	if (help)
		diag_help(ctx, d, "%s", help);
}

/* A group's values that EKS cannot update in place (azs: the group's subnets). */
static void check_group(struct ctx *ctx, const struct base_run *r, struct env *e,
			const struct m_group *g, const struct m_group *bg)
{
	const struct {
		const char *key;
		const struct node *now, *was;
	} keys[] = {
		{ g->instance_types.path, g->instance_types.n, bg->instance_types.n },
		{ g->capacity.path, g->capacity.n, bg->capacity.n },
		{ g->ami_type.path, g->ami_type.n, bg->ami_type.n },
		{ g->azs.path, g->azs.n, bg->azs.n },
	};
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		if (!keys[k].now || !keys[k].was || node_equal(keys[k].now, keys[k].was))
			continue;
		check_replaced(ctx, r, e, keys[k].now, keys[k].was,
			       arena_printf(&ctx->perm, "%s.%s.%s", e->model->node_groups.path,
					    g->name, keys[k].key),
			       arena_printf(&ctx->perm, "node group '%s' %s", g->name, keys[k].key),
			       "the group, draining all its nodes at once",
			       arena_printf(&ctx->perm,
					    "add a new group with the new %s, move placement "
					    "to it, apply, then remove '%s'",
					    keys[k].key, g->name));
	}
}

static void check_node_groups(struct ctx *ctx, const struct base_run *r, struct env *e,
			      const struct model *base)
{
	const struct model *m = e->model;
	for (size_t i = 0; i < m->node_groups.count; i++) {
		const struct m_group *g = &m->node_groups.v[i];
		const struct m_group *bg = model_group(base, g->name);
		if (!bg || !g->set || !bg->set)
			continue;	/* a new group is created, not a replacement */
		check_group(ctx, r, e, g, bg);
	}
}

static void compare_baseline(struct ctx *ctx, const struct base_run *r, struct env *e,
			     const struct model *base)
{
	const struct model *m = e->model;
	check_k8s_version(ctx, r, e, base);
	check_replaced(ctx, r, e, m->cluster.name.n, base->cluster.name.n, m->cluster.name.path,
		       "cluster name", "the EKS cluster and everything on it",
		       "restore the old name unless a new cluster is intended");
	const struct m_str *svc = &m->cluster.service_cidr;
	check_replaced(ctx, r, e, svc->n, base->cluster.service_cidr.n, svc->path, svc->path,
		       "the EKS cluster and everything on it", NULL);
	check_node_groups(ctx, r, e, base);
	const struct m_str *vpc = &m->network.vpc_cidr;
	check_replaced(ctx, r, e, vpc->n, base->network.vpc_cidr.n, vpc->path, vpc->path,
		       "the VPC, its subnets and the cluster in them", NULL);
	const struct m_int *nb = &m->network.subnet_newbits;
	check_replaced(ctx, r, e, nb->n, base->network.subnet_newbits.n, nb->path, nb->path,
		       "every subnet, and the node groups in them", NULL);
	const struct m_strs *azs = &m->aws.azs;
	check_replaced(ctx, r, e, azs->n, base->aws.azs.n, azs->path, azs->path,
		       "the subnets whose AZ or position changed, and the node groups in them",
		       NULL);
}

/* Concrete, valid, and selected (ENV arguments): its findings can be shown. An invalid
 * spec is not compared: a value the schema refused would read as removed. */
static bool needs_baseline(const struct ctx *ctx, const struct env *e)
{
	if (e->abstract || !e->resolved || e->invalid)
		return false;
	return !ctx->opt.envs || e->selected;
}

/*
 * Whether e's own file is byte for byte the one at the baseline (cached per environment:
 * parents are shared). The files as loaded are compared, so a file with CRLF line ends or
 * a BOM never counts as unchanged: it is then just compared the long way.
 */
static bool file_unchanged(struct base_run *r, const struct env *e)
{
	long i = ctx_env_index(r->ctx, e->name);
	if (i < 0 || !e->file)
		return false;
	if (!r->files[i].same_tried) {
		r->files[i].same_tried = true;
		r->files[i].same =
			repo_baseline_same(r->b, e->file->path, e->file->data, e->file->len);
	}
	return r->files[i].same;
}

/* Every input of e (its file and its parents', in the work tree) is as at the baseline, and
 * so is _defaults.yaml: the baseline resolves to what e->resolved is, nothing changed. */
static bool inputs_unchanged(struct base_run *r, const struct env *e)
{
	if (!r->defaults_same)
		return false;
	for (int depth = 0; e && depth <= EXTENDS_MAX_DEPTH; depth++) {
		if (!file_unchanged(r, e))
			return false;
		const struct node *ext = e->model ? e->model->extends.n : NULL;
		if (!ext || ext->kind == NODE_NULL)
			return true;
		e = ext->kind == NODE_STR ? ctx_env(r->ctx, ext->str) : NULL;
	}
	return false;
}

static void release_baseline(void *b)
{
	repo_baseline_release(b);
}

static void drift_all(struct ctx *ctx)
{
	size_t need = 0;
	for (size_t i = 0; i < ctx->nenvs; i++)
		need += !ctx->envs[i]->unchecked && needs_baseline(ctx, ctx->envs[i]);
	if (need == 0)
		return;
	struct base_run r = { .ctx = ctx };
	r.files = arena_alloc(&ctx->perm, ctx->nenvs * sizeof(*r.files));
	r.b = repo_baseline_open(ctx, ctx->opt.base);
	if (!r.b)
		return;
	struct oom_guard guard;
	oom_guard_push(&guard, release_baseline, r.b);
	r.rev = repo_baseline_name(r.b);
	const struct srcfile *df = ctx->defaults ? srcfile_get(ctx, ctx->defaults->loc.file) : NULL;
	r.defaults_same = repo_baseline_same(r.b, "environments/_defaults.yaml",
					     df ? df->data : NULL, df ? df->len : 0);
	size_t len;
	for (size_t i = 0; i < ctx->nenvs; i++) {
		struct env *e = ctx->envs[i];
		if (e->unchecked || !needs_baseline(ctx, e) || inputs_unchanged(&r, e))
			continue;
		if (!r.defaults_tried) {
			/* read once, when the first environment needs it */
			r.defaults_tried = true;
			if (repo_baseline_read(r.b, "environments/_defaults.yaml", &len) &&
			    !(r.defaults = base_load(&r, &ctx->perm, "environments/_defaults.yaml",
						     true)))
				break;	/* unusable there: nothing to compare with */
		}
		/* the baseline tree is only compared: findings copy what they show into
		 * ctx->perm, so its memory is given back at once (1,000 changed
		 * environments stay within the memory bar) */
		struct arena scratch;
		struct oom_guard sguard;
		arena_init(&scratch);
		oom_guard_arena(&sguard, &scratch);
		const struct node *base = base_resolve(&r, &scratch, e);
		if (base)
			compare_baseline(ctx, &r, e, model_build(&scratch, base, NULL));
		oom_guard_pop(&sguard);
		arena_release(&scratch);
	}
	oom_guard_pop(&guard);
	repo_baseline_release(r.b);
}

/* ---- the DRIFT rules (their explain texts: docs/rules/<ID>.txt) ------------------ */

static const struct rule drift_rules[] = {
	{ .id = "DRIFT001", .sev = SEV_WARNING, .raise_on_prod = true, .suppressible = true,
	  .summary = "mutable image reference (:latest or no tag)" },
	{ .id = "DRIFT002", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "unpinned version (chart, OpenTofu exact; Kubernetes exact major.minor)" },
	{ .id = "DRIFT003", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "Kubernetes version lower than, or more than one minor above, the "
		     "baseline's (--base, default HEAD)" },
	{ .id = "DRIFT004", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "a spec value holds an ephemeral AWS ID (i-..., vol-..., eni-..., sir-..., "
		     "snap-...)" },
	/* reported by out_sync.c, when generated files are compared (build, check) */
	{ .id = "DRIFT005", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "a generated file (under out/ or .github/workflows/) was edited by hand" },
	/* reported by check/extra.c, which reads environments/<env>/extra/ */
	{ .id = "DRIFT006", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "extra HCL (environments/<env>/extra/) uses drift-prone constructs: "
		     "\"$Latest\", timestamp(), uuid(), local-exec calling the AWS CLI or "
		     "terraform, hard-coded ephemeral IDs" },
	{ .id = "DRIFT007", .sev = SEV_WARNING, .suppressible = true,
	  .summary = "against the baseline, a change replaces a resource in place of updating "
		     "it (cluster name or version downgrade, node group instance types, "
		     "capacity or AMI type, VPC CIDR, subnets)" },
};

const struct check check_drift = {
	.name = "drift",
	.run_env = drift_env,
	.run_all = drift_all,
	.all_per_env = true,
	.rules = drift_rules,
	.nrules = sizeof(drift_rules) / sizeof(drift_rules[0]),
};
