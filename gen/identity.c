/*
 * identity.c - the names that identify an environment's objects in AWS and Kubernetes:
 * the names.* identity settings, else eragen's derived names (identity.h).
 *
 * Consumes a model; produces strings in the caller's arena. Never fails: a name whose
 * parts are missing (a spec with errors) is NULL.
 */
#include "identity.h"


static const char *or_derived(struct arena *a, const struct m_str *given, const char *cluster,
			      const char *fmt)
{
	if (given->s)
		return given->s;
	return cluster ? arena_printf(a, fmt, cluster) : NULL;
}

struct identity identity_of(struct arena *a, const struct model *m)
{
	struct identity id = { 0 };
	const char *c = id.cluster = m->cluster.name.s;
	id.cluster_role = or_derived(a, &m->names.cluster_role, c, "%s-cluster");
	id.node_role = or_derived(a, &m->names.node_role, c, "%s-nodes");
	id.kms_alias = or_derived(a, &m->names.kms_alias, c, "alias/%s-eks");
	const struct node *lg = m->names.log_group.n;
	bool unmanaged = lg && lg->kind == NODE_BOOL && !lg->v.b;
	id.log_group = unmanaged ? NULL
				 : or_derived(a, &m->names.log_group, c, "/aws/eks/%s/cluster");
	const char *release = m->hub.release.s ? m->hub.release.s : "daskhub";
	id.user_service_account = m->names.user_service_account.s
					  ? m->names.user_service_account.s
					  : arena_printf(a, "%s-user", release);
	id.autoscaler_role = c ? arena_printf(a, "%s-autoscaler", c) : NULL;
	id.ebs_csi_role = c ? arena_printf(a, "%s-ebs-csi", c) : NULL;
	id.user_s3_role = c ? arena_printf(a, "%s-user-s3", c) : NULL;
	return id;
}

const char *identity_node_group(struct arena *a, const struct model *m, const char *group)
{
	/* node_index: constant time on a big map (node_map_index), as model_group */
	long k = node_index(m->names.node_groups.n, group);
	if (k >= 0 && (size_t)k < m->names.node_groups.count && m->names.node_groups.v[k].value.s)
		return m->names.node_groups.v[k].value.s;
	const char *c = m->cluster.name.s;
	return c ? arena_printf(a, "%s-%s", c, group) : NULL;
}
