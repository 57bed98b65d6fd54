/*
 * view.c - the view model: typed constructors (view.h) and the part of every
 * environment's view that all back ends share (view_common): names, account, region,
 * tags. Each back end adds its own part (backend.h); view_env (emit.c) assembles it.
 */
#include "backend.h"
#include "data.h"
#include "model.h"

#include <stdlib.h>
#include <string.h>

static const struct loc nowhere = { 0 };

struct node *v_map(struct arena *a)
{
	return node_new(a, NODE_MAP, nowhere);
}

struct node *v_seq(struct arena *a)
{
	return node_new(a, NODE_SEQ, nowhere);
}

struct node *v_strn(struct arena *a, const char *s, size_t n)
{
	return node_str(a, s, n, nowhere);
}

struct node *v_str(struct arena *a, const char *s)
{
	return v_strn(a, s ? s : "", s ? strlen(s) : 0);
}

struct node *v_int(struct arena *a, int64_t i)
{
	struct node *n = node_new(a, NODE_INT, nowhere);
	n->v.i = i;
	n->str = arena_printf(a, "%lld", (long long)i);
	n->len = strlen(n->str);
	return n;
}

struct node *v_bool(struct arena *a, bool b)
{
	struct node *n = node_new(a, NODE_BOOL, nowhere);
	n->v.b = b;
	n->str = b ? "true" : "false";
	n->len = strlen(n->str);
	return n;
}

struct node *v_fragment(struct arena *a, const char *text, size_t n)
{
	struct node *f = v_strn(a, text, n);
	f->flags |= NODE_FRAGMENT;
	return f;
}

/* Maps and lists grow by doubling inside the arena (n is the count, the capacity is
 * kept implicitly as the next power of two). */
static size_t cap_of(size_t n)
{
	size_t c = 4;
	while (c < n)
		c *= 2;
	return c;
}

static void grow(struct arena *a, struct node *x, bool keys)
{
	if (x->n && x->n < 4)
		return;
	if (x->n >= 4 && (x->n & (x->n - 1)) != 0)
		return;
	size_t cap = cap_of(x->n + 1);
	size_t old = x->n ? cap_of(x->n) : 0;
	x->items = arena_realloc(a, x->items, old * sizeof(*x->items), cap * sizeof(*x->items));
	if (keys)
		x->keys = arena_realloc(a, x->keys, old * sizeof(*x->keys), cap * sizeof(*x->keys));
}

struct node *v_set(struct arena *a, struct node *map, const char *key, struct node *val)
{
	grow(a, map, true);
	map->keys[map->n] = v_str(a, key);
	map->items[map->n++] = val;
	node_map_index(a, map);	/* lookups in a big view map stay constant-time */
	return val;
}

void v_push(struct arena *a, struct node *seq, struct node *val)
{
	grow(a, seq, false);
	seq->items[seq->n++] = val;
}

struct node *v_copy(struct arena *a, const struct node *n)
{
	if (!n)
		return NULL;
	struct node *c = node_new(a, n->kind, n->loc);
	c->flags = n->flags;
	if (n->kind != NODE_MAP)
		c->v = n->v;	/* a map's index belongs to its keys array */
	c->len = n->len;
	c->str = n->str ? arena_strndup(a, n->str, n->len) : NULL;
	if (n->n == 0)
		return c;
	/* the capacity grow() expects of a list of n items */
	size_t cap = cap_of(n->n);
	c->items = arena_alloc(a, cap * sizeof(*c->items));
	if (n->kind == NODE_MAP)
		c->keys = arena_alloc(a, cap * sizeof(*c->keys));
	for (size_t i = 0; i < n->n; i++) {
		if (n->kind == NODE_MAP)
			c->keys[i] = v_copy(a, n->keys[i]);
		c->items[i] = v_copy(a, n->items[i]);
	}
	c->n = n->n;
	return c;
}

struct node *v_pick(struct arena *a, const struct node *map, const char *const *keys)
{
	struct node *s = v_map(a);
	for (const char *const *k = keys; map && *k; k++) {
		const struct node *v = node_get(map, *k);
		if (v)
			v_set(a, s, *k, v_copy(a, v));
	}
	return s;
}

void v_mark_last(struct arena *a, struct node *seq)
{
	for (size_t i = 0; i < seq->n; i++)
		if (seq->items[i]->kind == NODE_MAP)
			v_set(a, seq->items[i], "last", v_bool(a, i + 1 == seq->n));
}

/* ---- the common part of an environment's view ---------------------------------- */

/*
 * view_common: the facts every back end shares, under "env" in the view model:
 *
 *   name, tier, production (bool), app, description ("" when none)
 *   spec_file ("environments/<env>/env.yaml"), out_dir ("out/<env>"),
 *   secrets_file ("environments/<env>/<secrets.file>")
 *   account_id, region, region_abbr, azs [strings]
 *   cluster_name, kubernetes_version, chart_version, namespace, release, tofu_version
 *   state {bucket, key, region, lock, lock_table ("" with lock: s3), dynamodb_lock, s3_lockfile}
 *   scratch_bucket {name, existing, force_destroy, noncurrent_expire_days}
 *   domain {name ("" when none), acm (bool), https (bool: a name and tls: acm)}
 *   owner {email, cost_center} ("" when not given)
 *   tags [{key, value, last}]: the default tags of every AWS resource, sorted by key
 *
 * Tags: Project (default: app), Owner (owner.email) and CostCenter (owner.cost_center)
 * are defaults the spec's `tags` may override; Environment (the environment's name) and
 * ManagedBy (eragen) are always eragen's: a spec tag of that name is ignored, since
 * tooling and cost reports rely on them to find what eragen manages.
 */

struct tag {
	const char *key, *value;
};

static int tag_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tag *)a)->key, ((const struct tag *)b)->key);
}

/* Set key's value (the last one wins); seen: the keys put so far, by position. */
static void tag_put(struct arena *a, struct strmap *seen, struct tag *tags, size_t *n,
		    const char *key, const char *value)
{
	long at = strmap_get(seen, key, strlen(key));
	if (at >= 0) {
		tags[at].value = value;
		return;
	}
	strmap_put(a, seen, key, strlen(key), *n);
	tags[(*n)++] = (struct tag){ key, value };
}

static struct node *common_tags(struct arena *a, const struct model *spec, const char *env)
{
	const struct node *user = spec->tags;	/* free-form: every key is a tag */
	size_t cap = 5 + (user && user->kind == NODE_MAP ? user->n : 0), n = 0;
	struct tag *tags = arena_alloc(a, cap * sizeof(*tags));
	const char *app = spec->app.s;
	const char *email = spec->owner.email.s;
	const char *cc = spec->owner.cost_center.s;
	struct strmap seen = { 0 };
	if (app)
		tag_put(a, &seen, tags, &n, "Project", app);
	if (email)
		tag_put(a, &seen, tags, &n, "Owner", email);
	if (cc)
		tag_put(a, &seen, tags, &n, "CostCenter", cc);
	for (size_t i = 0; user && user->kind == NODE_MAP && i < user->n; i++) {
		const char *k = user->keys[i]->str;
		if (strcmp(k, "Environment") == 0 || strcmp(k, "ManagedBy") == 0)
			continue;
		if (user->items[i]->kind == NODE_STR || node_is_num(user->items[i]) ||
		    user->items[i]->kind == NODE_BOOL)
			tag_put(a, &seen, tags, &n, k, user->items[i]->str);
	}
	tag_put(a, &seen, tags, &n, "Environment", env);
	tag_put(a, &seen, tags, &n, "ManagedBy", "eragen");
	qsort(tags, n, sizeof(*tags), tag_cmp);
	struct node *seq = v_seq(a);
	for (size_t i = 0; i < n; i++) {
		struct node *t = v_map(a);
		v_set(a, t, "key", v_str(a, tags[i].key));
		v_set(a, t, "value", v_str(a, tags[i].value));
		v_push(a, seq, t);
	}
	v_mark_last(a, seq);
	return seq;
}

struct node *view_common(struct ctx *ctx, struct env *env, struct arena *a)
{
	(void)ctx;
	const struct model *spec = env->model;
	struct node *m = v_map(a);
	const char *lock = spec->state.lock.s;
	bool dynamodb = !lock || spec->state.lock.v == STATE_LOCK_DYNAMODB;
	const char *region = spec->aws.region.s;
	const char *secrets = spec->secrets.file.s;

	v_set(a, m, "name", v_str(a, env->name));
	v_set(a, m, "tier", v_str(a, tier_name(env->tier)));
	v_set(a, m, "production", v_bool(a, env->tier == TIER_PRODUCTION));
	v_set(a, m, "app", v_str(a, spec->app.s));
	v_set(a, m, "description", v_str(a, spec->description.s));
	v_set(a, m, "spec_file", v_str(a, arena_printf(a, "%s/env.yaml", env->dir)));
	v_set(a, m, "out_dir", v_str(a, arena_printf(a, "out/%s", env->name)));
	v_set(a, m, "secrets_file",
	      v_str(a, arena_printf(a, "%s/%s", env->dir, secrets ? secrets : "secrets.yaml")));

	v_set(a, m, "account_id", v_str(a, spec->aws.account_id.s));
	v_set(a, m, "region", v_str(a, region));
	v_set(a, m, "region_abbr", v_str(a, region_abbr(a, region)));
	struct node *azs = v_set(a, m, "azs", v_seq(a));
	for (size_t i = 0; i < spec->aws.azs.count; i++)
		if (spec->aws.azs.v[i].s)
			v_push(a, azs, v_str(a, spec->aws.azs.v[i].s));

	v_set(a, m, "cluster_name", v_str(a, spec->cluster.name.s));
	v_set(a, m, "kubernetes_version", v_str(a, spec->cluster.kubernetes_version.s));
	v_set(a, m, "chart_version", v_str(a, spec->hub.chart_version.s));
	v_set(a, m, "namespace", v_str(a, spec->hub.namespace.s));
	v_set(a, m, "release", v_str(a, spec->hub.release.s));
	v_set(a, m, "tofu_version", v_str(a, spec->ci.tofu_version.s));

	struct node *st = v_set(a, m, "state", v_map(a));
	const char *bucket = spec->state.bucket.s;
	if (!bucket || strcmp(bucket, "auto") == 0)
		bucket = derived_state_bucket(a, spec->app.s, env->name, region,
					      spec->aws.account_id.s);
	v_set(a, st, "bucket", v_str(a, bucket));
	v_set(a, st, "key", v_str(a, spec->state.key.s));
	v_set(a, st, "region", v_str(a, region));
	v_set(a, st, "lock", v_str(a, lock ? lock : "dynamodb"));
	v_set(a, st, "lock_table", v_str(a, dynamodb ? derived_lock_table(a, env->name, region) : ""));
	v_set(a, st, "dynamodb_lock", v_bool(a, dynamodb));
	v_set(a, st, "s3_lockfile", v_bool(a, !dynamodb));

	struct node *sb = v_set(a, m, "scratch_bucket", v_map(a));
	const char *scratch = spec->scratch_bucket.name.s;
	if (!scratch || strcmp(scratch, "auto") == 0)
		scratch = derived_scratch_bucket(a, spec->cluster.name.s, spec->aws.account_id.s);
	v_set(a, sb, "name", v_str(a, scratch));
	v_set(a, sb, "existing", v_bool(a, spec->scratch_bucket.existing.v));
	v_set(a, sb, "force_destroy", v_bool(a, spec->scratch_bucket.force_destroy.v));
	v_set(a, sb, "noncurrent_expire_days",
	      v_int(a, spec->scratch_bucket.noncurrent_expire_days.v));

	struct node *dom = v_set(a, m, "domain", v_map(a));
	const char *dname = spec->domain.name.s;
	bool acm = spec->domain.tls.v == TLS_ACM;
	v_set(a, dom, "name", v_str(a, dname));
	v_set(a, dom, "acm", v_bool(a, acm));
	v_set(a, dom, "https", v_bool(a, model_https(spec)));

	struct node *own = v_set(a, m, "owner", v_map(a));
	v_set(a, own, "email", v_str(a, spec->owner.email.s));
	v_set(a, own, "cost_center", v_str(a, spec->owner.cost_center.s));

	v_set(a, m, "tags", common_tags(a, spec, env->name));
	return m;
}
