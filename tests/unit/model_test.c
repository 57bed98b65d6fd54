/*
 * model_test.c - the typed model of a spec (model.c): typed values with their nodes and
 * paths, lists and maps of any length, enums, the keys of the own file, and what a tree
 * with schema errors yields (a value absent or of the wrong type is unset, its node kept).
 */
#include "eragen.h"
#include "model.h"
#include "t.h"

#include <string.h>

static struct ctx ctx;
static struct arena arena;

static const struct node *load(const char *name, const char *text)
{
	struct srcfile *f = srcfile_from_mem(&ctx, name, text, strlen(text), (struct loc){ 0 });
	return f ? yaml_load(&ctx, &arena, f) : NULL;
}

static bool str_is(const char *s, const char *want)
{
	return s && strcmp(s, want) == 0;
}

static const char *const full =
	"name: demo\n"
	"extends: _base\n"
	"tier: production\n"
	"app: hub\n"
	"tags: {Team: data}\n"
	"aws: {account_id: \"123456789012\", region: us-west-2, azs: [us-west-2a, us-west-2b]}\n"
	"state: {bucket: auto, key: terraform.tfstate, lock: s3}\n"
	"network: {vpc_cidr: 10.1.0.0/16, subnet_newbits: 4, nat: per_az, peers: [10.9.0.0/16]}\n"
	"cluster:\n"
	"  kubernetes_version: \"1.34\"\n"
	"  endpoint_public_cidrs: [0.0.0.0/0]\n"
	"  admins: [{arn: \"arn:aws:iam::123456789012:user/a\", username: a}]\n"
	"node_groups:\n"
	"  system: {instance_types: [m5.large], min: 1, max: 2, labels: {role: system}}\n"
	"  dask:\n"
	"    instance_types: [m5.xlarge, m5a.xlarge]\n"
	"    capacity: spot\n"
	"    min: 0\n"
	"    max: 4\n"
	"    taints: [{key: lifecycle, value: spot, effect: NoExecute}]\n"
	"    schedule: {scale_up: \"0 8 * * 1-5\", min_after: 0}\n"
	"placement:\n"
	"  hub: {node_group: system}\n"
	"  dask_worker:\n"
	"    node_selector: {role: dask}\n"
	"    tolerations: [{key: lifecycle, operator: Exists, effect: no_execute,"
	" tolerationSeconds: 30}]\n"
	"auth: {mode: cognito, admins: [a@example.org], allow_all_users: true,\n"
	"       cognito: {region: us-west-1, client_secret: \"sops:cognito.client_secret\"}}\n"
	"domain: {name: hub.example.org, tls: acm}\n"
	"hub:\n"
	"  chart_version: \"2024.1.1\"\n"
	"  image_choices: [{slug: base, image: \"x/base:1\", default: true}]\n"
	"  profiles:\n"
	"    - {slug: small, cpu: {guarantee: 0.5, limit: 2}, memory: {guarantee: 1G, limit: 512M}}\n"
	"    - {slug: big, node_group: dask, memory: {guarantee: 1073741824}}\n"
	"  culling: {kernel_idle_s: 600}\n"
	"  extra_values: {jupyterhub: {debug: {enabled: true}}}\n"
	"dask: {worker_cores_max: 4, idle_timeout_s: 60}\n"
	"scratch_bucket: {existing: false, force_destroy: true}\n"
	"ci: {auto_apply: false, required_reviewers: 2, tofu_version: \"1.8.5\"}\n"
	"lint:\n"
	"  ignore: [{rule: NET004, reason: peered on purpose}]\n";

static void test_values(void)
{
	const struct model *m = model_build(&arena, load("full.yaml", full), NULL);
	CHECK(str_is(m->name.s, "demo") && str_is(m->extends.s, "_base"), "own keys");
	CHECK(m->tier.v == TIER_PRODUCTION && str_is(m->tier.s, "production"), "tier");
	CHECK(str_is(m->app.s, "hub") && m->app.n && m->app.n->loc.line == 4, "app and its line");
	CHECK(m->tags && m->tags->kind == NODE_MAP && m->tags->n == 1, "tags stay a node");
	CHECK(str_is(m->aws.region.s, "us-west-2"), "aws.region");
	CHECK(str_is(m->aws.region.path, "aws.region"), "a field's path");
	CHECK(m->aws.azs.count == 2 && str_is(m->aws.azs.v[1].s, "us-west-2b"), "aws.azs");
	CHECK(str_is(m->aws.azs.v[1].path, "aws.azs"), "a list item has its list's path");
	CHECK(m->state.lock.v == STATE_LOCK_S3, "state.lock");
	CHECK(m->network.nat.v == NAT_PER_AZ && m->network.subnet_newbits.set &&
		      m->network.subnet_newbits.v == 4, "network");
	CHECK(m->network.peers.count == 1 && m->network.allow_overlap_with.count == 0,
	      "network lists");
	CHECK(m->cluster.admins.count == 1 && str_is(m->cluster.admins.v[0].username.s, "a"),
	      "cluster.admins");
	CHECK(!m->cluster.name.n, "an absent key has no node");
	CHECK(m->auth.mode.v == AUTH_COGNITO && m->auth.allow_all_users.v, "auth");
	CHECK(str_is(m->auth.cognito.client_secret.path, "auth.cognito.client_secret"),
	      "a path two sections deep");
	CHECK(m->auth.github.n == NULL && m->auth.cognito.n != NULL, "auth sub-sections");
	CHECK(m->domain.tls.v == TLS_ACM, "domain.tls");
	CHECK(m->dask.worker_cores_max.set && m->dask.worker_cores_max.v == 4, "an integer number");
	CHECK(!m->dask.cluster_max_cores.set, "an absent number");
	CHECK(m->dask.idle_timeout_s.v == 60, "dask.idle_timeout_s");
	CHECK(m->scratch_bucket.existing.set && !m->scratch_bucket.existing.v &&
		      m->scratch_bucket.force_destroy.v, "booleans");
	CHECK(!m->ci.auto_apply.v && m->ci.required_reviewers.v == 2, "ci");
	CHECK(m->lint.ignore.count == 1 && str_is(m->lint.ignore.v[0].rule.s, "NET004") &&
		      !m->lint.ignore.v[0].path.n, "lint.ignore");
	CHECK(m->hub.extra_values && m->hub.extra_values->kind == NODE_MAP, "extra_values");
	CHECK(m->hub.culling.kernel_idle_s.v == 600 && !m->hub.culling.server_idle_s.set,
	      "hub.culling");
}

static void test_groups(void)
{
	const struct model *m = model_build(&arena, load("groups.yaml", full), NULL);
	CHECK(m->node_groups.count == 2, "two groups");
	const struct m_group *g = model_group(m, "dask");
	CHECK(g == &m->node_groups.v[1] && g->set && str_is(g->name, "dask"), "model_group");
	CHECK(!model_group(m, "gpu"), "a group that does not exist");
	CHECK(g->capacity.v == CAPACITY_SPOT && g->min.set && g->min.v == 0, "capacity, min");
	CHECK(g->instance_types.count == 2 && str_is(g->instance_types.v[0].s, "m5.xlarge"),
	      "instance types");
	CHECK(g->taints.count == 1 && g->taints.v[0].effect.v == EFFECT_NO_EXECUTE &&
		      str_is(g->taints.v[0].value.s, "spot"), "taints");
	CHECK(g->schedule.n && g->schedule.min_after.set && g->schedule.min_after.v == 0,
	      "schedule");
	CHECK(str_is(g->schedule.min_after.path, "schedule.min_after"), "a relative path");
	const struct m_group *s = &m->node_groups.v[0];
	CHECK(s->labels.set && s->labels.count == 1 && str_is(s->labels.v[0].key->str, "role") &&
		      str_is(s->labels.v[0].value.s, "system"), "labels");
	CHECK(!s->schedule.n && !s->schedule.min_after.set && s->capacity.v == 0, "defaults absent");

	const struct m_place *hub = &m->placement.wl[WL_HUB];
	CHECK(str_is(hub->node_group.s, "system") && hub->key && str_is(hub->key->str, "hub"),
	      "placement.hub");
	CHECK(!m->placement.wl[WL_PROXY].n, "no placement.proxy");
	const struct m_place *dw = &m->placement.wl[WL_DASK_WORKER];
	CHECK(dw->node_selector.set && dw->tolerations.count == 1, "placement.dask_worker");
	const struct m_toleration *t = &dw->tolerations.v[0];
	CHECK(t->effect.v == EFFECT_NO_EXECUTE && str_is(t->effect.s, "no_execute") &&
		      str_is(effect_name(t->effect.v), "NoExecute"),
	      "an effect as Kubernetes reads it, its spelling kept");
	CHECK(t->toleration_seconds.set && t->toleration_seconds.v == 30, "tolerationSeconds");
}

static void test_hub(void)
{
	const struct model *m = model_build(&arena, load("hub.yaml", full), NULL);
	const struct m_hub *h = &m->hub;
	CHECK(h->image_choices.count == 1 && h->image_choices.v[0].is_default.v &&
		      h->image_choices.key && h->image_choices.key->loc.line > 0, "image choices");
	CHECK(h->profiles.count == 2 && str_is(h->profiles.path, "hub.profiles"), "profiles");
	const struct m_profile *small = &h->profiles.v[0], *big = &h->profiles.v[1];
	CHECK(small->cpu.guarantee.set && small->cpu.guarantee.v == 0.5, "cpu.guarantee");
	CHECK(small->memory.guarantee.set && small->memory.guarantee.bytes == 1073741824.0,
	      "memory 1G");
	CHECK(small->memory.limit.bytes == 536870912.0, "memory 512M");
	CHECK(big->memory.guarantee.set && big->memory.guarantee.bytes == 1073741824.0,
	      "memory in bytes");
	CHECK(!small->place.node_group.n && str_is(big->place.node_group.s, "dask"),
	      "a profile's own placement");
	CHECK(str_is(small->cpu.guarantee.path, "cpu.guarantee"), "a profile field's path");
}

/* A tree with schema errors: what has the wrong type is unset, its node kept. */
static void test_invalid(void)
{
	const struct model *m = model_build(&arena, load("bad.yaml",
		"aws: {region: 5, azs: [a, 1, b]}\n"
		"network: [10.0.0.0/16]\n"
		"state: {lock: postgres}\n"
		"node_groups: {a: 3, b: {min: \"0\", capacity: 7, taints: nope}}\n"
		"hub: {profiles: nope, image_choices: [3, {slug: x}]}\n"
		"ci: {required_reviewers: 1.5, auto_apply: \"yes\"}\n"
		"dask: {worker_cores_max: \"4\"}\n"), NULL);
	CHECK(!m->aws.region.s && m->aws.region.n && m->aws.region.n->kind == NODE_INT,
	      "a string of the wrong type");
	CHECK(m->aws.azs.count == 3 && !m->aws.azs.v[1].s && m->aws.azs.v[1].n,
	      "a list keeps every item");
	CHECK(m->network.n && m->network.n->kind == NODE_SEQ && !m->network.vpc_cidr.n,
	      "a section that is not a map");
	CHECK(m->state.lock.v == 0 && str_is(m->state.lock.s, "postgres"), "an unknown name");
	CHECK(m->node_groups.count == 2 && !m->node_groups.v[0].set, "a group that is no map");
	const struct m_group *b = &m->node_groups.v[1];
	CHECK(b->set && !b->min.set && b->min.n, "an integer of the wrong type");
	CHECK(b->capacity.v == 0 && !b->capacity.s && b->capacity.n, "an enum of the wrong type");
	CHECK(b->taints.count == 0 && b->taints.n, "a list that is no list");
	CHECK(m->hub.profiles.count == 0 && m->hub.profiles.n, "profiles that are no list");
	CHECK(m->hub.image_choices.count == 2 && !m->hub.image_choices.v[0].set &&
		      str_is(m->hub.image_choices.v[1].slug.s, "x"), "list items that are no map");
	CHECK(!m->ci.required_reviewers.set && !m->ci.auto_apply.set && !m->ci.auto_apply.v,
	      "a float for an integer, a string for a boolean");
	CHECK(!m->dask.worker_cores_max.set, "a string for a number");
	CHECK(!m->name.n && m->lint.ignore.count == 0, "no own keys");

	const struct model *none = model_build(&arena, load("scalar.yaml", "3\n"), NULL);
	CHECK(none && !none->aws.n && none->node_groups.count == 0, "a spec that is no map");
	CHECK(model_build(&arena, NULL, NULL)->hub.profiles.count == 0, "no spec at all");
}

/* The keys that are never inherited come from the own file. */
static void test_own(void)
{
	const struct node *spec = load("resolved.yaml", "name: x\napp: y\n");
	const struct node *own = load("own.yaml", "name: demo\nextends: _p\nlint: {ignore: []}\n");
	const struct model *m = model_build(&arena, spec, own);
	CHECK(str_is(m->name.s, "demo") && str_is(m->extends.s, "_p"), "own keys from own");
	CHECK(str_is(m->app.s, "y") && m->lint.ignore.n && m->lint.ignore.count == 0,
	      "the rest from the spec");
}

int main(void)
{
	ctx_init(&ctx);
	arena_init(&arena);
	test_values();
	test_groups();
	test_hub();
	test_invalid();
	test_own();
	arena_release(&arena);
	ctx_release(&ctx);
	return T_DONE("model_test");
}
