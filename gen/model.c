/*
 * model.c - the typed model of each environment's spec (model.h), built right after
 * resolution: one builder per section, one line per key.
 *
 * Consumes a spec tree (env->resolved, or the file as written when the environment cannot
 * be resolved: abstract parents, broken chains) and the environment's own file (the keys
 * never inherited); produces a struct model in the environment's arena. Building reads
 * each key once and never fails: a section that is not a map, a list that is not a list
 * or a value of another type leaves its fields unset. The cost is linear in the size of
 * the tree it reads (lists and maps of any length are walked once).
 *
 * Derivation (resolve.c) stays on the node tree: it produces the resolved tree this model
 * is built from, so the model sees derived values (cluster.name, desired, the "auto"
 * buckets) as ordinary ones, with NODE_DERIVED on their nodes.
 */
#include "model.h"
#include "placement.h"

#include <string.h>

/* ---- values ---- */

/* Room for n elements of size bytes; NULL for none. */
static void *alloc_n(struct arena *a, size_t n, size_t size)
{
	return n ? arena_alloc(a, n * size) : NULL;
}

/* The key of a path: its last component ("network.vpc_cidr" -> "vpc_cidr"). */
static const struct node *at_key(const struct node *map, const char *path)
{
	const char *dot = strrchr(path, '.');
	return node_get(map, dot ? dot + 1 : path);
}

static void m_str_of(struct m_str *f, const struct node *n, const char *path)
{
	f->n = n;
	f->s = n && n->kind == NODE_STR ? n->str : NULL;
	f->path = path;
}

static void str_at(struct m_str *f, const struct node *map, const char *path)
{
	m_str_of(f, at_key(map, path), path);
}

static void int_at(struct m_int *f, const struct node *map, const char *path)
{
	f->n = at_key(map, path);
	f->set = f->n && f->n->kind == NODE_INT;
	f->v = f->set ? f->n->v.i : 0;
	f->path = path;
}

static void num_at(struct m_num *f, const struct node *map, const char *path)
{
	f->n = at_key(map, path);
	f->set = node_is_num(f->n);
	f->v = f->set ? node_num(f->n) : 0;
	f->path = path;
}

static void bool_at(struct m_bool *f, const struct node *map, const char *path)
{
	f->n = at_key(map, path);
	f->set = f->n && f->n->kind == NODE_BOOL;
	f->v = f->set && f->n->v.b;
	f->path = path;
}

static void qty_at(struct m_qty *f, const struct node *map, const char *path)
{
	f->n = at_key(map, path);
	f->set = memory_bytes(f->n, &f->bytes);
	f->path = path;
}

/* 1 + the index of s in names (NULL-terminated), 0 when s is NULL or none of them. */
static int name_index(const char *const *names, const char *s)
{
	for (int i = 0; s && names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return i + 1;
	return 0;
}

/* names: the enum's names in order (value 1 first), NULL-terminated. */
static void enum_at(struct m_enum *f, const struct node *map, const char *path,
		    const char *const *names)
{
	struct m_str s;
	str_at(&s, map, path);
	*f = (struct m_enum){ name_index(names, s.s), s.s, s.n, path };
}

static const char *const effect_names[] = { "NoSchedule", "NoExecute", "PreferNoSchedule", NULL };

const char *effect_name(int effect)
{
	return effect >= 1 && effect <= 3 ? effect_names[effect - 1] : NULL;
}

/* An effect as Kubernetes reads it (taint_effect_norm: case and '_' ignored). */
static void effect_at(struct m_enum *f, const struct node *map, const char *path)
{
	enum_at(f, map, path, effect_names);
	f->v = name_index(effect_names, taint_effect_norm(f->s));
}

/* The items of the list at path: n of them, none when it is not a list. */
static size_t items_at(const struct node *map, const char *path, const struct node **list)
{
	*list = at_key(map, path);
	return *list && (*list)->kind == NODE_SEQ ? (*list)->n : 0;
}

static void strs_at(struct arena *a, struct m_strs *f, const struct node *map, const char *path)
{
	f->count = items_at(map, path, &f->n);
	f->path = path;
	f->v = alloc_n(a, f->count, sizeof(*f->v));
	for (size_t i = 0; i < f->count; i++)
		m_str_of(&f->v[i], f->n->items[i], path);
}

static void labels_at(struct arena *a, struct m_labels *f, const struct node *map,
		      const char *path)
{
	f->n = at_key(map, path);
	f->path = path;
	f->set = f->n && f->n->kind == NODE_MAP;
	f->count = f->set ? f->n->n : 0;
	f->v = alloc_n(a, f->count, sizeof(*f->v));
	for (size_t i = 0; i < f->count; i++) {
		f->v[i].key = f->n->keys[i];
		m_str_of(&f->v[i].value, f->n->items[i], path);
	}
}

/* ---- placement and node groups ---- */

static void toleration_of(struct m_toleration *t, const struct node *n)
{
	t->n = n;
	str_at(&t->key, n, "key");
	str_at(&t->operator, n, "operator");
	str_at(&t->value, n, "value");
	effect_at(&t->effect, n, "effect");
	int_at(&t->toleration_seconds, n, "tolerationSeconds");
}

/* node_group, node_selector and tolerations of a placement entry or a profile. */
static void place_of(struct arena *a, struct m_place *p, const struct node *n)
{
	p->n = n;
	str_at(&p->node_group, n, "node_group");
	labels_at(a, &p->node_selector, n, "node_selector");
	p->tolerations.path = "tolerations";
	p->tolerations.count = items_at(n, "tolerations", &p->tolerations.n);
	p->tolerations.v = alloc_n(a, p->tolerations.count, sizeof(*p->tolerations.v));
	for (size_t i = 0; i < p->tolerations.count; i++)
		toleration_of(&p->tolerations.v[i], p->tolerations.n->items[i]);
}

static void placement_of(struct arena *a, struct model *m)
{
	const struct node *pl = m->placement.n = node_get(m->spec, "placement");
	for (int wl = 0; wl < WL_COUNT; wl++) {
		struct m_place *p = &m->placement.wl[wl];
		long k = node_index(pl, workload_names[wl]);
		if (k < 0)
			continue;
		place_of(a, p, pl->items[k]);
		p->key = pl->keys[k];
	}
}

static void taints_of(struct arena *a, struct m_group *g)
{
	g->taints.path = "taints";
	g->taints.count = items_at(g->n, "taints", &g->taints.n);
	g->taints.v = alloc_n(a, g->taints.count, sizeof(*g->taints.v));
	for (size_t i = 0; i < g->taints.count; i++) {
		struct m_taint *t = &g->taints.v[i];
		t->n = g->taints.n->items[i];
		str_at(&t->key, t->n, "key");
		str_at(&t->value, t->n, "value");
		effect_at(&t->effect, t->n, "effect");
	}
}

static void group_of(struct arena *a, struct m_group *g, const struct node *key,
		     const struct node *n)
{
	static const char *const capacities[] = { "on_demand", "spot", NULL };
	g->name = key->str;
	g->key = key;
	g->n = n;
	g->set = n->kind == NODE_MAP;
	if (!g->set)
		return;
	strs_at(a, &g->instance_types, n, "instance_types");
	enum_at(&g->capacity, n, "capacity", capacities);
	str_at(&g->ami_type, n, "ami_type");
	int_at(&g->min, n, "min");
	int_at(&g->desired, n, "desired");
	int_at(&g->max, n, "max");
	int_at(&g->disk_gb, n, "disk_gb");
	strs_at(a, &g->azs, n, "azs");
	labels_at(a, &g->labels, n, "labels");
	taints_of(a, g);
	const struct node *s = g->schedule.n = node_get(n, "schedule");
	str_at(&g->schedule.timezone, s, "schedule.timezone");
	str_at(&g->schedule.scale_up, s, "schedule.scale_up");
	str_at(&g->schedule.scale_down, s, "schedule.scale_down");
	int_at(&g->schedule.min_during, s, "schedule.min_during");
	int_at(&g->schedule.min_after, s, "schedule.min_after");
}

static void node_groups_of(struct arena *a, struct model *m)
{
	const struct node *ng = m->node_groups.n = node_get(m->spec, "node_groups");
	m->node_groups.path = "node_groups";
	if (!ng || ng->kind != NODE_MAP || ng->n == 0)
		return;
	m->node_groups.count = ng->n;
	m->node_groups.v = alloc_n(a, ng->n, sizeof(*m->node_groups.v));
	for (size_t i = 0; i < ng->n; i++)
		group_of(a, &m->node_groups.v[i], ng->keys[i], ng->items[i]);
}

const struct m_group *model_group(const struct model *m, const char *name)
{
	long i = node_index(m->node_groups.n, name);
	return i < 0 ? NULL : &m->node_groups.v[i];
}

/* ---- hub ---- */

static void profile_of(struct arena *a, struct m_profile *p, const struct node *n)
{
	p->n = n;
	p->set = n->kind == NODE_MAP;
	str_at(&p->slug, n, "slug");
	str_at(&p->display_name, n, "display_name");
	str_at(&p->description, n, "description");
	str_at(&p->image, n, "image");
	bool_at(&p->is_default, n, "default");
	p->cpu.n = node_get(n, "cpu");
	num_at(&p->cpu.guarantee, p->cpu.n, "cpu.guarantee");
	num_at(&p->cpu.limit, p->cpu.n, "cpu.limit");
	p->memory.n = node_get(n, "memory");
	qty_at(&p->memory.guarantee, p->memory.n, "memory.guarantee");
	qty_at(&p->memory.limit, p->memory.n, "memory.limit");
	place_of(a, &p->place, n);
}

static void image_choice_of(struct m_image_choice *c, const struct node *n)
{
	c->n = n;
	c->set = n->kind == NODE_MAP;
	str_at(&c->slug, n, "slug");
	str_at(&c->image, n, "image");
	str_at(&c->display_name, n, "display_name");
	str_at(&c->description, n, "description");
	bool_at(&c->is_default, n, "default");
}

static void hub_lists(struct arena *a, struct m_hub *h)
{
	h->image_choices.path = "hub.image_choices";
	h->image_choices.count = items_at(h->n, h->image_choices.path, &h->image_choices.n);
	long k = node_index(h->n, "image_choices");
	h->image_choices.key = k >= 0 ? h->n->keys[k] : NULL;
	h->image_choices.v = alloc_n(a, h->image_choices.count, sizeof(*h->image_choices.v));
	for (size_t i = 0; i < h->image_choices.count; i++)
		image_choice_of(&h->image_choices.v[i], h->image_choices.n->items[i]);
	h->profiles.path = "hub.profiles";
	h->profiles.count = items_at(h->n, h->profiles.path, &h->profiles.n);
	h->profiles.v = alloc_n(a, h->profiles.count, sizeof(*h->profiles.v));
	for (size_t i = 0; i < h->profiles.count; i++)
		profile_of(a, &h->profiles.v[i], h->profiles.n->items[i]);
}

static void singleuser_of(struct arena *a, struct m_hub *h)
{
	const struct node *n = h->singleuser.n = node_get(h->n, "singleuser");
	int_at(&h->singleuser.uid, n, "hub.singleuser.uid");
	int_at(&h->singleuser.gid, n, "hub.singleuser.gid");
	int_at(&h->singleuser.fs_gid, n, "hub.singleuser.fs_gid");
	int_at(&h->singleuser.start_timeout_s, n, "hub.singleuser.start_timeout_s");
	bool_at(&h->singleuser.allow_privilege_escalation, n,
		"hub.singleuser.allow_privilege_escalation");
	h->singleuser.extra_env = node_get(n, "extra_env");
	strs_at(a, &h->singleuser.post_start, n, "hub.singleuser.post_start");
}

static void hub_of(struct arena *a, struct model *m)
{
	struct m_hub *h = &m->hub;
	const struct node *n = h->n = node_get(m->spec, "hub");
	str_at(&h->chart_version, n, "hub.chart_version");
	str_at(&h->namespace, n, "hub.namespace");
	str_at(&h->release, n, "hub.release");
	str_at(&h->default_url, n, "hub.default_url");
	str_at(&h->image, n, "hub.image");
	bool_at(&h->custom_images, n, "hub.custom_images");
	hub_lists(a, h);
	const struct node *c = h->culling.n = node_get(n, "culling");
	int_at(&h->culling.kernel_idle_s, c, "hub.culling.kernel_idle_s");
	int_at(&h->culling.kernel_interval_s, c, "hub.culling.kernel_interval_s");
	int_at(&h->culling.server_idle_s, c, "hub.culling.server_idle_s");
	int_at(&h->culling.server_interval_s, c, "hub.culling.server_interval_s");
	bool_at(&h->culling.kernel_cull_connected, c, "hub.culling.kernel_cull_connected");
	bool_at(&h->culling.kernel_cull_busy, c, "hub.culling.kernel_cull_busy");
	singleuser_of(a, h);
	bool_at(&h->shutdown_on_logout, n, "hub.shutdown_on_logout");
	bool_at(&h->prepull, n, "hub.prepull");
	h->extra_values = node_get(n, "extra_values");
}

/* ---- auth ---- */

static void auth_of(struct arena *a, struct model *m)
{
	static const char *const modes[] = { "dummy", "github", "cognito", NULL };
	struct m_auth *au = &m->auth;
	const struct node *n = au->n = node_get(m->spec, "auth");
	enum_at(&au->mode, n, "auth.mode", modes);
	strs_at(a, &au->admins, n, "auth.admins");
	strs_at(a, &au->allowed_users, n, "auth.allowed_users");
	bool_at(&au->allow_all_users, n, "auth.allow_all_users");
	const struct node *d = au->dummy.n = node_get(n, "dummy");
	str_at(&au->dummy.password, d, "auth.dummy.password");
	const struct node *g = au->github.n = node_get(n, "github");
	str_at(&au->github.org, g, "auth.github.org");
	str_at(&au->github.client_id, g, "auth.github.client_id");
	str_at(&au->github.client_secret, g, "auth.github.client_secret");
	const struct node *c = au->cognito.n = node_get(n, "cognito");
	str_at(&au->cognito.region, c, "auth.cognito.region");
	str_at(&au->cognito.user_pool_id, c, "auth.cognito.user_pool_id");
	str_at(&au->cognito.client_id, c, "auth.cognito.client_id");
	str_at(&au->cognito.domain, c, "auth.cognito.domain");
	str_at(&au->cognito.client_secret, c, "auth.cognito.client_secret");
}

/* ---- the other sections ---- */

static void own_file(struct arena *a, struct model *m, const struct node *own)
{
	str_at(&m->name, own, "name");
	str_at(&m->extends, own, "extends");
	struct m_str t;
	str_at(&t, own, "tier");
	m->tier = (struct m_enum){ t.s ? (int)tier_parse(t.s) : 0, t.s, t.n, t.path };
	m->lint.n = node_get(own, "lint");
	m->lint.ignore.path = "lint.ignore";
	m->lint.ignore.count = items_at(m->lint.n, m->lint.ignore.path, &m->lint.ignore.n);
	m->lint.ignore.v = alloc_n(a, m->lint.ignore.count, sizeof(*m->lint.ignore.v));
	for (size_t i = 0; i < m->lint.ignore.count; i++) {
		struct m_ignore *e = &m->lint.ignore.v[i];
		e->n = m->lint.ignore.n->items[i];
		str_at(&e->rule, e->n, "rule");
		str_at(&e->path, e->n, "path");
		str_at(&e->reason, e->n, "reason");
		str_at(&e->until, e->n, "until");
	}
}

static void aws_of(struct arena *a, struct model *m)
{
	const struct node *n = m->aws.n = node_get(m->spec, "aws");
	str_at(&m->aws.account_id, n, "aws.account_id");
	str_at(&m->aws.region, n, "aws.region");
	strs_at(a, &m->aws.azs, n, "aws.azs");
}

static void owner_of(struct model *m)
{
	const struct node *n = m->owner.n = node_get(m->spec, "owner");
	str_at(&m->owner.email, n, "owner.email");
	str_at(&m->owner.cost_center, n, "owner.cost_center");
}

static void state_of(struct model *m)
{
	static const char *const locks[] = { "dynamodb", "s3", NULL };
	const struct node *n = m->state.n = node_get(m->spec, "state");
	str_at(&m->state.bucket, n, "state.bucket");
	str_at(&m->state.key, n, "state.key");
	enum_at(&m->state.lock, n, "state.lock", locks);
}

static void network_of(struct arena *a, struct model *m)
{
	static const char *const nats[] = { "single", "per_az", "none", NULL };
	const struct node *n = m->network.n = node_get(m->spec, "network");
	str_at(&m->network.vpc_cidr, n, "network.vpc_cidr");
	int_at(&m->network.subnet_newbits, n, "network.subnet_newbits");
	enum_at(&m->network.nat, n, "network.nat", nats);
	strs_at(a, &m->network.peers, n, "network.peers");
	strs_at(a, &m->network.allow_overlap_with, n, "network.allow_overlap_with");
	bool_at(&m->network.s3_endpoint, n, "network.s3_endpoint");
	const struct node *sn = node_get(n, "subnets");
	m->network.subnets.n = sn && sn->kind == NODE_MAP ? sn : NULL;
	strs_at(a, &m->network.subnets.public, m->network.subnets.n, "network.subnets.public");
	strs_at(a, &m->network.subnets.private, m->network.subnets.n, "network.subnets.private");
}

static void cluster_of(struct arena *a, struct model *m)
{
	const struct node *n = m->cluster.n = node_get(m->spec, "cluster");
	str_at(&m->cluster.name, n, "cluster.name");
	str_at(&m->cluster.kubernetes_version, n, "cluster.kubernetes_version");
	str_at(&m->cluster.service_cidr, n, "cluster.service_cidr");
	strs_at(a, &m->cluster.endpoint_public_cidrs, n, "cluster.endpoint_public_cidrs");
	m->cluster.admins.path = "cluster.admins";
	m->cluster.admins.count = items_at(n, m->cluster.admins.path, &m->cluster.admins.n);
	m->cluster.admins.v = alloc_n(a, m->cluster.admins.count, sizeof(*m->cluster.admins.v));
	for (size_t i = 0; i < m->cluster.admins.count; i++) {
		struct m_cluster_admin *ad = &m->cluster.admins.v[i];
		ad->n = m->cluster.admins.n->items[i];
		str_at(&ad->arn, ad->n, "arn");
		str_at(&ad->username, ad->n, "username");
	}
	static const char *const authns[] = { "API", "API_AND_CONFIG_MAP", NULL };
	enum_at(&m->cluster.authentication_mode, n, "cluster.authentication_mode", authns);
	bool_at(&m->cluster.bootstrap_creator_admin, n, "cluster.bootstrap_creator_admin");
}

static void secrets_of(struct model *m)
{
	const struct node *n = m->secrets.n = node_get(m->spec, "secrets");
	str_at(&m->secrets.file, n, "secrets.file");
	str_at(&m->secrets.kms_key_arn, n, "secrets.kms_key_arn");
}

static void domain_of(struct model *m)
{
	static const char *const tlss[] = { "acm", "none", "existing", NULL };
	const struct node *n = m->domain.n = node_get(m->spec, "domain");
	str_at(&m->domain.name, n, "domain.name");
	enum_at(&m->domain.tls, n, "domain.tls", tlss);
	str_at(&m->domain.route53_zone, n, "domain.route53_zone");
	str_at(&m->domain.certificate_arn, n, "domain.certificate_arn");
}

static void dask_of(struct model *m)
{
	static const char *const worker_images[] = { "notebook", "default", NULL };
	const struct node *n = m->dask.n = node_get(m->spec, "dask");
	num_at(&m->dask.worker_cores_max, n, "dask.worker_cores_max");
	num_at(&m->dask.worker_memory_max_gb, n, "dask.worker_memory_max_gb");
	num_at(&m->dask.cluster_max_cores, n, "dask.cluster_max_cores");
	int_at(&m->dask.idle_timeout_s, n, "dask.idle_timeout_s");
	num_at(&m->dask.worker_cores_default, n, "dask.worker_cores_default");
	num_at(&m->dask.worker_memory_default_gb, n, "dask.worker_memory_default_gb");
	num_at(&m->dask.scheduler_cores, n, "dask.scheduler_cores");
	num_at(&m->dask.scheduler_memory_gb, n, "dask.scheduler_memory_gb");
	int_at(&m->dask.max_clusters, n, "dask.max_clusters");
	enum_at(&m->dask.worker_image, n, "dask.worker_image", worker_images);
	bool_at(&m->dask.environment_option, n, "dask.environment_option");
}

static void storage_of(struct arena *a, struct model *m)
{
	const struct node *n = m->storage.n = node_get(m->spec, "storage");
	str_at(&m->storage.class, n, "storage.class");
	int_at(&m->storage.home_gb, n, "storage.home_gb");
	labels_at(a, &m->storage.class_parameters, n, "storage.class_parameters");
}

static void scratch_bucket_of(struct model *m)
{
	const struct node *n = m->scratch_bucket.n = node_get(m->spec, "scratch_bucket");
	str_at(&m->scratch_bucket.name, n, "scratch_bucket.name");
	bool_at(&m->scratch_bucket.existing, n, "scratch_bucket.existing");
	int_at(&m->scratch_bucket.noncurrent_expire_days, n,
	       "scratch_bucket.noncurrent_expire_days");
	bool_at(&m->scratch_bucket.force_destroy, n, "scratch_bucket.force_destroy");
}

static void features_of(struct model *m)
{
	const struct node *n = m->features.n = node_get(m->spec, "features");
	bool_at(&m->features.kubecost, n, "features.kubecost");
}

static void kubecost_of(struct model *m)
{
	const struct node *n = m->kubecost.n = node_get(m->spec, "kubecost");
	str_at(&m->kubecost.chart_version, n, "kubecost.chart_version");
	int_at(&m->kubecost.storage_gb, n, "kubecost.storage_gb");
	int_at(&m->kubecost.retention_days, n, "kubecost.retention_days");
}

static void names_of(struct arena *a, struct model *m)
{
	const struct node *n = m->names.n = node_get(m->spec, "names");
	str_at(&m->names.cluster_role, n, "names.cluster_role");
	str_at(&m->names.node_role, n, "names.node_role");
	labels_at(a, &m->names.node_groups, n, "names.node_groups");
	str_at(&m->names.kms_alias, n, "names.kms_alias");
	str_at(&m->names.log_group, n, "names.log_group");
	str_at(&m->names.user_service_account, n, "names.user_service_account");
}

static void ci_of(struct model *m)
{
	const struct node *n = m->ci.n = node_get(m->spec, "ci");
	bool_at(&m->ci.auto_apply, n, "ci.auto_apply");
	bool_at(&m->ci.dispatch, n, "ci.dispatch");
	bool_at(&m->ci.destroy, n, "ci.destroy");
	int_at(&m->ci.required_reviewers, n, "ci.required_reviewers");
	str_at(&m->ci.role_arn, n, "ci.role_arn");
	str_at(&m->ci.plan_role_arn, n, "ci.plan_role_arn");
	str_at(&m->ci.runs_on, n, "ci.runs_on");
	str_at(&m->ci.tofu_version, n, "ci.tofu_version");
}

/* The sections in the schema's order. */
const struct model *model_build(struct arena *a, const struct node *spec, const struct node *own)
{
	struct model *m = arena_alloc(a, sizeof(*m));
	m->spec = spec;
	own_file(a, m, own ? own : spec);
	str_at(&m->app, spec, "app");
	str_at(&m->description, spec, "description");
	m->tags = node_get(spec, "tags");	/* free-form */
	aws_of(a, m);
	owner_of(m);
	state_of(m);
	network_of(a, m);
	cluster_of(a, m);
	node_groups_of(a, m);
	placement_of(a, m);
	auth_of(a, m);
	secrets_of(m);
	domain_of(m);
	hub_of(a, m);
	dask_of(m);
	storage_of(a, m);
	scratch_bucket_of(m);
	features_of(m);
	kubecost_of(m);
	names_of(a, m);
	ci_of(m);
	return m;
}

void envs_model(struct ctx *ctx)
{
	for (size_t i = 0; i < ctx->nenvs; i++) {
		struct env *e = ctx->envs[i];
		/* an invalid spec: only its valid values (resolve.c) */
		const struct node *spec = e->invalid ? e->judged
				    : e->resolved ? e->resolved : e->root;
		if (spec)
			e->model = model_build(&e->arena, spec, e->root);
	}
}

bool model_https(const struct model *m)
{
	const char *name = m->domain.name.s;
	int tls = m->domain.tls.v;
	return name && *name && (tls == TLS_ACM || tls == TLS_EXISTING);
}
