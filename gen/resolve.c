/*
 * resolve.c - layering: schema defaults <- _defaults.yaml <- extends chain <- env.yaml.
 *
 * Consumes the loaded specs; produces env->resolved for every concrete environment.
 * Maps merge key by key, lists and scalars replace whole, an explicit null removes an
 * inherited key. name, extends, tier, lint and eragen belong to their file and are never
 * inherited. Merging builds new maps and shares every unchanged subtree, so each value's
 * node still carries the location that set it: its origin. Schema defaults are filled in
 * for what no file set; then the tree is validated (SPEC003-SPEC006) and the derived
 * values (desired, cluster.name, "auto" names) are computed.
 */
#include "eragen.h"
#include "schema.h"

#include <stdlib.h>
#include <string.h>

#define EXTENDS_MAX_DEPTH 8

static const char *const file_keys[] = { "eragen", "name", "extends", "tier", "lint", NULL };

static bool is_file_key(const struct node *key)
{
	for (const char *const *k = file_keys; *k; k++)
		if (strlen(*k) == key->len && memcmp(*k, key->str, key->len) == 0)
			return true;
	return false;
}

/* A layer as inherited: without the keys that belong to their own file. */
static struct node *inheritable(struct arena *a, struct node *root)
{
	if (!root || root->kind != NODE_MAP)
		return NULL;
	struct node *m = node_map(a, root->loc, root->n);
	for (size_t i = 0; i < root->n; i++) {
		if (is_file_key(root->keys[i]))
			continue;
		m->keys[m->n] = root->keys[i];
		m->items[m->n++] = root->items[i];
	}
	node_map_index(a, m);
	return m;
}

/* ---- extends ---- */

/* The parent named by e's extends, or NULL (with SPEC008 when it is wrong). */
static struct env *find_parent(struct ctx *ctx, const struct env *e, bool *bad)
{
	struct node *ext = e->root ? node_get(e->root, "extends") : NULL;
	*bad = false;
	if (!ext || ext->kind == NODE_NULL)
		return NULL;
	if (ext->kind != NODE_STR) {
		*bad = true;	/* the schema reports the type */
		return NULL;
	}
	if (strchr(ext->str, '/') || strchr(ext->str, '\\') || strcmp(ext->str, ".") == 0 ||
	    strcmp(ext->str, "..") == 0) {
		struct diag *d = diag_add(ctx, "SPEC008", e->name, ext->loc,
					  "'extends' names an environment, not a path: '%s'",
					  ext->str);
		diag_help(ctx, d, "write the parent's directory name under environments/");
		*bad = true;
		return NULL;
	}
	struct env *p = ctx_env(ctx, ext->str);
	if (!p) {
		struct diag *d = diag_add(ctx, "SPEC008", e->name, ext->loc,
					  "'extends' names '%s', which is not an environment",
					  ext->str);
		const char *near = ctx_nearest_env(ctx, ext->str);
		if (near)
			diag_help(ctx, d, "did you mean '%s'?", near);
		*bad = true;
		return NULL;
	}
	return p;
}

/*
 * Walk e's chain into chain[] (chain[0] = e, then its parent, ...); returns its length,
 * or 0 (with SPEC008) on a cycle, a chain too deep or a bad link.
 */
static size_t resolve_chain(struct ctx *ctx, struct env *e, struct env **chain)
{
	size_t n = 0;
	struct env *cur = e;
	chain[n++] = e;
	for (;;) {
		bool bad;
		struct env *p = find_parent(ctx, cur, &bad);
		if (bad)
			return 0;
		if (!p)
			return n;
		struct loc link = node_get(cur->root, "extends")->loc;
		for (size_t i = 0; i < n; i++) {
			if (chain[i] != p)
				continue;
			struct strbuf sb = SB_IN(&ctx->perm);
			for (size_t k = i; k < n; k++)
				sb_printf(&sb, "%s -> ", chain[k]->name);
			sb_puts(&sb, p->name);
			diag_add(ctx, "SPEC008", e->name, link, "'extends' forms a cycle: %s",
				 sb.buf);
			return 0;
		}
		if (n > EXTENDS_MAX_DEPTH) {
			diag_add(ctx, "SPEC008", e->name, link,
				 "the 'extends' chain of '%s' is deeper than %d", e->name,
				 EXTENDS_MAX_DEPTH);
			return 0;
		}
		if (!p->root)
			return 0;	/* the parent itself cannot be used: reported there */
		chain[n++] = p;
		cur = p;
	}
}

/* ---- validation ---- */

struct sink_ctx {
	struct ctx *ctx;
	struct env *env;
	const struct node **bad;	/* the values (and unknown keys) the schema refused */
	size_t nbad, capbad;
};

static void refuse(struct sink_ctx *sc, const struct node *n)
{
	ARENA_PUSH(&sc->env->arena, sc->bad, sc->nbad, sc->capbad, n);
}

static void on_schema_error(void *ud, const struct schema_error *se)
{
	struct sink_ctx *sc = ud;
	struct ctx *ctx = sc->ctx;
	const char *env = sc->env->name;
	struct diag *d;
	switch (se->kind) {
	case SCHEMA_UNKNOWN_KEY:
		refuse(sc, se->at);
		d = diag_add(ctx, "SPEC003", env, se->at->loc, "%s", se->msg);
		if (se->suggest)
			diag_help(ctx, d, "did you mean '%s'?", se->suggest);
		break;
	case SCHEMA_TYPE:
		refuse(sc, se->at);
		diag_add(ctx, "SPEC004", env, se->at->loc, "%s", se->msg);
		break;
	case SCHEMA_REQUIRED: {
		const struct node *at = se->parent ? se->parent : se->at;
		struct loc l = at->loc;
		if (l.line == 0 && sc->env->file)
			l = (struct loc){ .file = sc->env->file->id };
		diag_add(ctx, "SPEC005", env, l, "%s", se->msg);
		break;
	}
	case SCHEMA_VALUE:
	case SCHEMA_UNDECIDED:
		refuse(sc, se->at);
		d = diag_add(ctx, "SPEC006", env, se->at->loc, "%s", se->msg);
		/* a secret's nearest choice would say what the secret almost is */
		if (se->suggest && !node_is_masked(se->at))
			diag_help(ctx, d, "did you mean '%s'?", se->suggest);
		break;
	}
}

/* ---- what an environment with schema errors is judged on ---- */

static int ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(const struct node *const *)a;
	uintptr_t y = (uintptr_t)*(const struct node *const *)b;
	return (x > y) - (x < y);
}

static bool refused(const struct sink_ctx *sc, const struct node *n)
{
	return sc->nbad && bsearch(&n, sc->bad, sc->nbad, sizeof(*sc->bad), ptr_cmp) != NULL;
}

/*
 * n without the values the schema refused (and the keys it did not know), as a new tree
 * sharing every unchanged subtree: the model of an invalid environment is built from it,
 * so the rules judge every value that is valid and never one that is not (DESIGN 8.3).
 * Nodes are shared between environments, so nothing is marked: the copy is this one's.
 * NULL when n itself was refused. Linear in n, log in the refusals.
 */
static const struct node *without_refused(struct arena *a, const struct sink_ctx *sc,
					  const struct node *n)
{
	if (!n || refused(sc, n))
		return NULL;
	if (n->kind != NODE_MAP && n->kind != NODE_SEQ)
		return n;
	struct node *copy = NULL;
	for (uint32_t i = 0; i < n->n; i++) {
		bool map = n->kind == NODE_MAP;
		const struct node *item = n->items[i];
		const struct node *kept = map && refused(sc, n->keys[i]) ? NULL
									: without_refused(a, sc, item);
		if (kept != item && !copy) {
			copy = node_new(a, n->kind, n->loc);
			copy->flags = n->flags;
			copy->keys = map ? arena_alloc(a, n->n * sizeof(*copy->keys)) : NULL;
			copy->items = arena_alloc(a, n->n * sizeof(*copy->items));
			for (uint32_t k = 0; k < i; k++) {
				if (map)
					copy->keys[k] = n->keys[k];
				copy->items[k] = n->items[k];
			}
			copy->n = i;
		}
		if (copy && kept) {
			if (map)
				copy->keys[copy->n] = n->keys[i];
			copy->items[copy->n++] = (struct node *)kept;
		}
	}
	if (!copy)
		return n;
	node_map_index(a, copy);
	return copy;
}

/* description, and hub.singleuser.post_start's arguments (a script is one of them). */
static bool multiline_key(const struct node *key)
{
	return key && ((key->len == 11 && memcmp(key->str, "description", 11) == 0) ||
		       (key->len == 10 && memcmp(key->str, "post_start", 10) == 0));
}

/* Strings are single-line unless their key says otherwise (DESIGN 4). */
static void check_lines(struct ctx *ctx, struct env *e, const struct node *n,
			const struct node *key, int depth)
{
	if (depth > YAML_MAX_DEPTH)
		return;
	if (n->kind == NODE_STR) {
		if (multiline_key(key))
			return;
		for (size_t i = 0; i < n->len; i++) {
			unsigned char c = (unsigned char)n->str[i];
			if (c < 0x20 || c == 0x7f) {
				diag_add(ctx, "SPEC006", e->name, n->loc,
					 "%s holds a control character (0x%02x): strings are "
					 "single-line",
					 key ? arena_printf(&ctx->perm, "'%.*s'", (int)key->len, key->str)
					     : "a value",
					 c);
				return;
			}
		}
		return;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct node *k = n->kind == NODE_MAP ? n->keys[i] : key;
		if (n->kind == NODE_MAP && k->len == 12 && memcmp(k->str, "extra_values", 12) == 0)
			continue;	/* free-form Helm values: multi-line strings are fine */
		check_lines(ctx, e, n->items[i], k, depth + 1);
	}
}

/* Secret values (NODE_SECRET after validation) are masked in every source snippet. */
static void mask_secrets(struct ctx *ctx, const struct node *n, int depth)
{
	if (depth > YAML_MAX_DEPTH)
		return;
	if (node_is_masked(n)) {
		mask_loc(ctx, &n->loc);
		return;
	}
	for (size_t i = 0; i < n->n; i++)
		mask_secrets(ctx, n->items[i], depth + 1);
}

/* ---- derived values ---- */

/* What derivation needs of an environment: where to allocate, its name and where that
 * was written (derived values are reported there). */
struct derivation {
	struct arena *a;
	const char *name;
	struct loc at;
};

static struct node *derived_str_at(struct derivation *dv, const char *s, struct loc at)
{
	struct node *n = node_str(dv->a, s, strlen(s), at);
	n->flags |= NODE_DERIVED;
	return n;
}

static struct node *derived_str(struct derivation *dv, const char *s)
{
	return derived_str_at(dv, s, dv->at);
}

/* A copy of map with key set to val (maps are shared between environments). */
static struct node *with_key(struct derivation *dv, const struct node *map, const char *key,
			     struct node *val)
{
	struct node *m = node_map(dv->a, map->loc, map->n + 1);
	for (size_t i = 0; i < map->n; i++) {
		m->keys[i] = map->keys[i];
		m->items[i] = map->items[i];
	}
	m->n = map->n;
	node_map_index(dv->a, m);
	node_map_set(dv->a, m, node_str(dv->a, key, strlen(key), dv->at), val);
	return m;
}

/* The string under key in map (which may be NULL or no map), or NULL. */
static const char *str_in(const struct node *map, const char *key)
{
	const struct node *n = node_get(map, key);
	return n && n->kind == NODE_STR ? n->str : NULL;
}

/* Each node group's desired (= min) where it has none. */
static struct node *derive_desired(struct derivation *dv, struct node *root)
{
	struct node *groups = node_get(root, "node_groups");
	if (!groups || groups->kind != NODE_MAP)
		return root;
	struct node *ng = NULL;
	for (size_t i = 0; i < groups->n; i++) {
		struct node *g = groups->items[i];
		struct node *min = node_get(g, "min");
		if (g->kind != NODE_MAP || !min || min->kind != NODE_INT || node_get(g, "desired"))
			continue;
		if (!ng)
			ng = with_key(dv, groups, groups->keys[0]->str, groups->items[0]);
		struct node *d = node_new(dv->a, NODE_INT, dv->at);
		d->flags |= NODE_DERIVED;
		d->v.i = min->v.i;
		d->str = arena_printf(dv->a, "%lld", (long long)min->v.i);
		d->len = strlen(d->str);
		ng->items[i] = with_key(dv, g, "desired", d);
	}
	return ng ? with_key(dv, root, "node_groups", ng) : root;
}

/*
 * The derived values, on the tree (the model is built from its result): cluster.name,
 * desired, and the "auto" bucket names. Each is read key by key, as layering wrote it.
 */
static struct node *derive(struct derivation *dv, struct node *root)
{
	struct arena *a = dv->a;
	const char *app = str_in(root, "app");
	struct node *cluster = node_get(root, "cluster");
	if (app && cluster && cluster->kind == NODE_MAP && !node_get(cluster, "name")) {
		cluster = with_key(dv, cluster, "name",
				   derived_str(dv, arena_printf(a, "%s-%s", app, dv->name)));
		root = with_key(dv, root, "cluster", cluster);
	}
	root = derive_desired(dv, root);

	const struct node *aws = node_get(root, "aws");
	const char *region = str_in(aws, "region"), *account = str_in(aws, "account_id");
	const char *bucket = str_in(node_get(root, "state"), "bucket");
	if (bucket && strcmp(bucket, "auto") == 0) {
		const char *name = derived_state_bucket(a, app, dv->name, region, account);
		if (name)
			root = with_key(dv, root, "state",
					with_key(dv, node_get(root, "state"), "bucket",
						 derived_str(dv, name)));
	}
	const char *scratch = str_in(node_get(root, "scratch_bucket"), "name");
	if (scratch && strcmp(scratch, "auto") == 0) {
		/* derived from the cluster name: reported where that was set */
		const struct node *cn = node_get(node_get(root, "cluster"), "name");
		const char *name = derived_scratch_bucket(a, str_in(node_get(root, "cluster"), "name"),
							  account);
		if (name)
			root = with_key(dv, root, "scratch_bucket",
					with_key(dv, node_get(root, "scratch_bucket"), "name",
						 derived_str_at(dv, name, cn->loc)));
	}
	return root;
}

static struct derivation env_derivation(struct env *e)
{
	struct derivation dv = { &e->arena, e->name, { .file = e->file ? e->file->id : 0 } };
	const struct node *name = e->root ? node_get(e->root, "name") : NULL;
	if (name)
		dv.at = name->loc;
	return dv;
}

struct node *resolve_quiet(struct ctx *ctx, struct arena *a, const char *env,
			   struct node *defaults, struct node *const *roots, size_t n)
{
	if (n == 0)
		return NULL;
	struct node *tree = inheritable(a, defaults);
	for (size_t i = 0; i + 1 < n; i++)
		tree = node_merge(a, tree, inheritable(a, roots[i]), MERGE_OVER_ORDER, NULL);
	tree = node_merge(a, tree, roots[n - 1], MERGE_OVER_ORDER, NULL);
	if (!tree || !ctx->schema)
		return NULL;
	tree = schema_apply_defaults(ctx->schema, a, tree, ctx->schema_file);
	if (schema_validate(ctx->schema, tree, NULL, NULL) > 0)
		return NULL;
	struct derivation dv = { a, env, { 0 } };
	const struct node *name = node_get(roots[n - 1], "name");
	if (name)
		dv.at = name->loc;
	return derive(&dv, tree);
}

/* ---- resolving one environment ---- */

static void resolve_env(struct ctx *ctx, struct env *e)
{
	if (e->broken || !e->root || e->abstract)
		return;
	struct env *chain[EXTENDS_MAX_DEPTH + 2];
	size_t n = resolve_chain(ctx, e, chain);
	if (n == 0 || ctx->defaults_broken) {
		e->broken = true;
		return;
	}
	/* every link, abstract parents' too: the whole chain is each output's input */
	for (size_t k = 0; k + 1 < n; k++)
		chain[k]->parent = chain[k + 1];
	struct arena *a = &e->arena;
	struct node *tree = inheritable(a, ctx->defaults);
	/* parents, the farthest first */
	while (--n > 0)
		tree = node_merge(a, tree, inheritable(a, chain[n]->root), MERGE_OVER_ORDER, NULL);
	tree = node_merge(a, tree, e->root, MERGE_OVER_ORDER, NULL);
	if (!tree)
		return;

	if (ctx->schema) {
		tree = schema_apply_defaults(ctx->schema, a, tree, ctx->schema_file);
		struct sink_ctx sc = { ctx, e, NULL, 0, 0 };
		if (schema_validate(ctx->schema, tree, on_schema_error, &sc) > 0) {
			e->invalid = true;
			if (sc.nbad)	/* (errors without a node to refuse: REQUIRED) */
				qsort(sc.bad, sc.nbad, sizeof(*sc.bad), ptr_cmp);
			e->judged = without_refused(a, &sc, tree);
			if (!e->judged)	/* the whole spec was refused: nothing to judge */
				e->judged = node_map(a, tree->loc, 0);
		}
	}
	mask_secrets(ctx, tree, 0);
	check_lines(ctx, e, tree, NULL, 0);
	if (!e->invalid) {
		struct derivation dv = env_derivation(e);
		tree = derive(&dv, tree);
	}
	e->resolved = tree;
	const char *tier = spec_str(tree, "tier");
	if (tier)
		e->tier = tier_parse(tier);
}

void envs_resolve(struct ctx *ctx)
{
	for (size_t i = 0; i < ctx->nenvs; i++)
		resolve_env(ctx, ctx->envs[i]);
}
