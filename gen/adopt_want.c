/*
 * adopt_want.c - what an environment's generated stacks manage (adopt.h), as the
 * templates render it (the templates of templates/tofu/infra and platform): each resource's
 * address, the value that names it live (identity.h: the same names the back ends
 * render), and the generated values of the attributes that force a new resource, with
 * the spec setting that decides each.
 *
 * Only the types of schemas/adopt-types.json that name an object are listed; the rest
 * of a stack (attachments, routes, tags, schedules) is created, or updated in place.
 */
#include "adopt.h"
#include "cidr.h"
#include "identity.h"
#include "model.h"

struct wb {
	struct arena *a;
	const struct model *m;
	struct wants *out;
	const char *stack;
};

static struct want *want(struct wb *b, const char *type, const char *addr, const char *id,
			 const char *setting, const struct node *at)
{
	struct want w = { .stack = b->stack, .type = type, .addr = addr, .id_value = id,
			  .setting = setting, .at = at };
	ARENA_PUSH(b->a, b->out->v, b->out->n, b->out->cap, w);
	return &b->out->v[b->out->n - 1];
}

static void attr(struct wb *b, struct want *w, const char *name, const char *value,
		 const char *setting, const struct node *at)
{
	struct want_attr x = { name, value, setting, at };
	ARENA_PUSH(b->a, w->attrs, w->nattrs, w->cap, x);
}

static const char *role_arn(struct wb *b, const char *role)
{
	const char *acct = b->m->aws.account_id.s;
	return acct && role ? arena_printf(b->a, "arn:aws:iam::%s:role/%s", acct, role) : NULL;
}

/* The public (public true) or private subnet of AZ i, as locals.tf computes it. */
static const char *subnet(struct wb *b, bool public, size_t i)
{
	const struct m_strs *given = public ? &b->m->network.subnets.public
					    : &b->m->network.subnets.private;
	if (b->m->network.subnets.n)
		return i < given->count ? given->v[i].s : NULL;
	struct cidr vpc, out;
	const char *v = b->m->network.vpc_cidr.s;
	if (!v || cidr_parse(v, strlen(v), &vpc, NULL) == CIDR_INVALID)
		return NULL;
	int64_t nb = b->m->network.subnet_newbits.set ? b->m->network.subnet_newbits.v : 4;
	size_t n = b->m->aws.azs.count;
	if (nb < 1 || nb > 32 || !cidr_subnet(cidr_network(vpc), (unsigned)nb,
					       (uint32_t)(public ? i : i + n), &out))
		return NULL;
	char buf[CIDR_BUFSZ];
	return arena_strdup(b->a, cidr_format(out, buf, sizeof(buf)));
}

/* A resource named by another one's live attribute (adopt.h: via). */
static struct want *via(struct wb *b, const char *type, const char *addr, const char *other,
			const char *attr)
{
	struct want *w = want(b, type, addr, NULL, NULL, NULL);
	w->via = other;
	w->via_attr = attr;
	return w;
}

/*
 * The route tables and their associations (network.tf.mustache): an association is the
 * live one of its subnet; a route table the one its first association points at (the
 * legacy deployment's single private table pairs with the first AZ's, the others are
 * created); each private table's default route, inline in a legacy table, imported.
 */
static void routes(struct wb *b)
{
	const struct model *m = b->m;
	for (int pub = 1; pub >= 0; pub--) {
		const char *kind = pub ? "public" : "private";
		for (size_t i = 0; i < m->aws.azs.count; i++) {
			const char *az = m->aws.azs.v[i].s;
			if (!az)
				continue;
			via(b, "aws_route_table_association",
			    arena_printf(b->a, "aws_route_table_association.%s[\"%s\"]", kind, az),
			    arena_printf(b->a, "aws_subnet.%s[\"%s\"]", kind, az), "id");
		}
	}
	if (!m->aws.azs.count || !m->aws.azs.v[0].s)
		return;
	via(b, "aws_route_table", "aws_route_table.public",
	    arena_printf(b->a, "aws_route_table_association.public[\"%s\"]", m->aws.azs.v[0].s),
	    "route_table_id");
	bool nat = m->network.nat.s && strcmp(m->network.nat.s, "none") != 0;
	for (size_t i = 0; i < m->aws.azs.count; i++) {
		const char *az = m->aws.azs.v[i].s;
		if (!az)
			continue;
		const char *rt = arena_printf(b->a, "aws_route_table.private[\"%s\"]", az);
		via(b, "aws_route_table", rt,
		    arena_printf(b->a, "aws_route_table_association.private[\"%s\"]", az),
		    "route_table_id");
		if (nat)
			via(b, "aws_route", arena_printf(b->a, "aws_route.private_nat[\"%s\"]", az),
			    rt, "id");
	}
}

static void network(struct wb *b)
{
	const struct model *m = b->m;
	struct want *w = want(b, "aws_vpc", "aws_vpc.this", m->network.vpc_cidr.s,
			      "network.vpc_cidr", m->network.vpc_cidr.n);
	attr(b, w, "cidr_block", m->network.vpc_cidr.s, "network.vpc_cidr", m->network.vpc_cidr.n);
	want(b, "aws_internet_gateway", "aws_internet_gateway.this", NULL, NULL, NULL);
	const char *setting = m->network.subnets.n ? "network.subnets" : "aws.azs";
	const struct node *at = m->network.subnets.n ? m->network.subnets.n : m->aws.azs.n;
	for (int pub = 1; pub >= 0; pub--)
		for (size_t i = 0; i < m->aws.azs.count; i++) {
			const char *az = m->aws.azs.v[i].s, *c = subnet(b, pub, i);
			if (!az || !c)
				continue;
			w = want(b, "aws_subnet", arena_printf(b->a, "aws_subnet.%s[\"%s\"]",
							       pub ? "public" : "private", az),
				 c, setting, at);
			attr(b, w, "cidr_block", c, setting, at);
			attr(b, w, "availability_zone", az, "aws.azs", m->aws.azs.v[i].n);
		}
	routes(b);
	if (m->network.nat.s && strcmp(m->network.nat.s, "none") != 0 && m->aws.azs.count &&
	    m->aws.azs.v[0].s) {
		bool one = strcmp(m->network.nat.s, "single") == 0;
		for (size_t i = 0; i < (one ? 1 : m->aws.azs.count); i++) {
			const char *az = m->aws.azs.v[i].s;
			want(b, "aws_eip", arena_printf(b->a, "aws_eip.nat[\"%s\"]", az), NULL, NULL, NULL);
			want(b, "aws_nat_gateway", arena_printf(b->a, "aws_nat_gateway.this[\"%s\"]", az),
			     NULL, NULL, NULL);
		}
	}
}

/* One access entry and its admin policy per principal: cluster.admins and ci.role_arn. */
static void admin(struct wb *b, const char *arn, const struct node *at)
{
	want(b, "aws_eks_access_entry", arena_printf(b->a, "aws_eks_access_entry.admin[\"%s\"]", arn),
	     arn, "cluster.admins", at);
	struct want *w = want(b, "aws_eks_access_policy_association",
			      arena_printf(b->a, "aws_eks_access_policy_association.admin[\"%s\"]",
					   arn), arn, "cluster.admins", at);
	attr(b, w, "policy_arn",
	     "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", NULL, at);
}

static void admins(struct wb *b)
{
	const struct model *m = b->m;
	const char *ci = m->ci.role_arn.s;
	bool ci_listed = false;
	for (size_t i = 0; i < m->cluster.admins.count; i++) {
		const char *arn = m->cluster.admins.v[i].arn.s;
		if (!arn)
			continue;
		admin(b, arn, m->cluster.admins.v[i].arn.n);
		ci_listed = ci_listed || (ci && strcmp(ci, arn) == 0);
	}
	if (ci && !ci_listed)
		admin(b, ci, m->ci.role_arn.n);
}

static void cluster(struct wb *b, const struct identity *id)
{
	const struct model *m = b->m;
	struct want *w = want(b, "aws_kms_alias", "aws_kms_alias.eks", id->kms_alias,
			      "names.kms_alias", m->names.kms_alias.n);
	/* the key: whichever the alias points at (adopt_match) */
	struct want *key = want(b, "aws_kms_key", "aws_kms_key.eks", NULL, NULL, NULL);
	key->via = "aws_kms_alias.eks";
	key->via_attr = "target_key_id";
	if (id->log_group)
		want(b, "aws_cloudwatch_log_group", "aws_cloudwatch_log_group.eks", id->log_group,
		     "names.log_group", m->names.log_group.n);
	w = want(b, "aws_eks_cluster", "aws_eks_cluster.this", id->cluster, "cluster.name",
		 m->cluster.name.n);
	attr(b, w, "role_arn", role_arn(b, id->cluster_role), "names.cluster_role",
	     m->names.cluster_role.n);
	bool admin = m->cluster.bootstrap_creator_admin.set && m->cluster.bootstrap_creator_admin.v;
	attr(b, w, "access_config.0.bootstrap_cluster_creator_admin_permissions",
	     admin ? "true" : "false", "cluster.bootstrap_creator_admin",
	     m->cluster.bootstrap_creator_admin.n);
	attr(b, w, "kubernetes_network_config.0.service_ipv4_cidr",
	     m->cluster.service_cidr.s ? m->cluster.service_cidr.s : "172.20.0.0/16",
	     "cluster.service_cidr", m->cluster.service_cidr.n);
	/* the add-ons of eks.tf.mustache (gen/emit/tofu.c: addons_before, addons_after) */
	static const char *const addons[][2] = {
		{ "before_nodes", "eks-pod-identity-agent" }, { "before_nodes", "kube-proxy" },
		{ "before_nodes", "vpc-cni" }, { "after_nodes", "aws-ebs-csi-driver" },
		{ "after_nodes", "coredns" },
	};
	for (size_t i = 0; i < sizeof(addons) / sizeof(addons[0]); i++)
		want(b, "aws_eks_addon", arena_printf(b->a, "aws_eks_addon.%s[\"%s\"]", addons[i][0],
						      addons[i][1]), addons[i][1], NULL, NULL);
	admins(b);
	const char *roles[][3] = {
		{ "cluster", id->cluster_role, "names.cluster_role" },
		{ "nodes", id->node_role, "names.node_role" },
		{ "autoscaler", id->autoscaler_role, NULL },
		{ "ebs_csi", id->ebs_csi_role, NULL },
		{ "user_s3", id->user_s3_role, NULL },
	};
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i][1])
			want(b, "aws_iam_role", arena_printf(b->a, "aws_iam_role.%s", roles[i][0]),
			     roles[i][1], roles[i][2], i == 0 ? m->names.cluster_role.n
						       : i == 1 ? m->names.node_role.n : NULL);
}

/* n when a file wrote it (it has a line), else fallback: a schema default is reported at
 * the nearest value the environment wrote, where lint.ignore paths reach it. */
static const struct node *lined(const struct node *n, const struct node *fallback)
{
	return n && n->loc.line ? n : fallback;
}

static const char *joined(struct arena *a, const struct m_strs *s)
{
	const char *r = "";
	for (size_t i = 0; i < s->count; i++)
		r = arena_printf(a, "%s%s%s", r, i ? "," : "", s->v[i].s ? s->v[i].s : "");
	return r;
}

static void node_groups(struct wb *b, const struct identity *id)
{
	const struct model *m = b->m;
	for (size_t i = 0; i < m->node_groups.count; i++) {
		const struct m_group *g = &m->node_groups.v[i];
		const char *name = identity_node_group(b->a, m, g->name);
		const char *p = arena_printf(b->a, "node_groups.%s", g->name);
		long k = node_index(m->names.node_groups.n, g->name);
		struct want *w = want(b, "aws_eks_node_group",
				      arena_printf(b->a, "aws_eks_node_group.%s", g->name), name,
				      arena_printf(b->a, "names.node_groups.%s", g->name),
				      k >= 0 ? m->names.node_groups.n->items[k] : g->n);
		attr(b, w, "node_role_arn", role_arn(b, id->node_role), "names.node_role",
		     m->names.node_role.n);
		bool spot = g->capacity.s && strcmp(g->capacity.s, "spot") == 0;
		attr(b, w, "capacity_type", spot ? "SPOT" : "ON_DEMAND",
		     arena_printf(b->a, "%s.capacity", p), lined(g->capacity.n, g->n));
		attr(b, w, "instance_types", joined(b->a, &g->instance_types),
		     arena_printf(b->a, "%s.instance_types", p), lined(g->instance_types.n, g->n));
		attr(b, w, "disk_size",
		     arena_printf(b->a, "%lld", (long long)(g->disk_gb.set ? g->disk_gb.v : 50)),
		     arena_printf(b->a, "%s.disk_gb", p), lined(g->disk_gb.n, g->n));
		attr(b, w, "ami_type", g->ami_type.s ? g->ami_type.s : "AL2023_x86_64_STANDARD",
		     arena_printf(b->a, "%s.ami_type", p), lined(g->ami_type.n, g->n));
		attr(b, w, "launch_template.0.id", NULL, NULL, g->n);
	}
}

static void pod_identities(struct wb *b, const struct identity *id)
{
	const struct model *m = b->m;
	const char *ns = m->hub.namespace.s ? m->hub.namespace.s : "daskhub";
	const char *pia[][4] = {
		{ "autoscaler", "cluster-autoscaler", "kube-system", NULL },
		{ "ebs_csi", "ebs-csi-controller-sa", "kube-system", NULL },
		{ "user_s3", id->user_service_account, ns, "names.user_service_account" },
	};
	for (size_t i = 0; i < 3; i++) {
		if (!pia[i][1])
			continue;
		struct want *w = want(b, "aws_eks_pod_identity_association",
				      arena_printf(b->a, "aws_eks_pod_identity_association.%s",
						   pia[i][0]),
				      pia[i][1], pia[i][3], i == 2 ? m->names.user_service_account.n
								   : NULL);
		attr(b, w, "namespace", pia[i][2], NULL, NULL);
		attr(b, w, "cluster_name", id->cluster, "cluster.name", m->cluster.name.n);
	}
	bool existing = m->scratch_bucket.existing.set && m->scratch_bucket.existing.v;
	if (!existing && m->scratch_bucket.name.s)
		want(b, "aws_s3_bucket", "aws_s3_bucket.scratch", m->scratch_bucket.name.s,
		     "scratch_bucket.name", m->scratch_bucket.name.n);
}

/* The gp3 class's parameters as adopt_value writes a map: sorted "k=v". */
static const char *class_parameters(struct wb *b)
{
	struct node *p = node_map(b->a, (struct loc){ 0 }, 0);
	const char *base[][2] = { { "type", "gp3" }, { "encrypted", "true" }, { "fsType", "ext4" } };
	struct loc at = { 0 };
	for (size_t i = 0; i < 3; i++)
		node_map_set(b->a, p, node_str(b->a, base[i][0], strlen(base[i][0]), at),
			     node_str(b->a, base[i][1], strlen(base[i][1]), at));
	const struct m_labels *cp = &b->m->storage.class_parameters;
	for (size_t i = 0; i < cp->count; i++)
		if (cp->v[i].value.s)
			node_map_set(b->a, p, (struct node *)cp->v[i].key,
				     node_str(b->a, cp->v[i].value.s, strlen(cp->v[i].value.s), at));
	return adopt_value(b->a, p);
}

static void platform(struct wb *b, const struct identity *id)
{
	const struct model *m = b->m;
	const char *ns = m->hub.namespace.s ? m->hub.namespace.s : "daskhub";
	const char *rel = m->hub.release.s ? m->hub.release.s : "daskhub";
	want(b, "kubernetes_namespace_v1", "kubernetes_namespace_v1.hub", ns, "hub.namespace",
	     m->hub.namespace.n);
	struct want *w = want(b, "kubernetes_storage_class_v1", "kubernetes_storage_class_v1.gp3",
			      "gp3", NULL, NULL);
	attr(b, w, "parameters", class_parameters(b), "storage.class_parameters",
	     m->storage.class_parameters.n);
	if (id->user_service_account) {
		w = want(b, "kubernetes_service_account_v1", "kubernetes_service_account_v1.user",
			 id->user_service_account, "names.user_service_account",
			 m->names.user_service_account.n);
		attr(b, w, "metadata.0.namespace", ns, "hub.namespace", m->hub.namespace.n);
	}
	w = want(b, "helm_release", "helm_release.daskhub", rel, "hub.release", m->hub.release.n);
	attr(b, w, "namespace", ns, "hub.namespace", m->hub.namespace.n);
	w = want(b, "helm_release", "helm_release.cluster_autoscaler", "cluster-autoscaler", NULL,
		 NULL);
	attr(b, w, "namespace", "kube-system", NULL, NULL);
	if (m->features.kubecost.set && m->features.kubecost.v) {
		w = want(b, "helm_release", "helm_release.kubecost", "kubecost", NULL, NULL);
		attr(b, w, "namespace", "kubecost", NULL, NULL);
	}
}

void adopt_wants(struct ctx *ctx, struct arena *a, const struct env *e, struct wants *out)
{
	(void)ctx;
	struct wb b = { a, e->model, out, "infra" };
	struct identity id = identity_of(a, e->model);
	network(&b);
	cluster(&b, &id);
	node_groups(&b, &id);
	pod_identities(&b, &id);
	b.stack = "platform";
	platform(&b, &id);
}
