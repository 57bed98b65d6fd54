/*
 * identity.h - the names of the objects an environment's stacks create in AWS and
 * Kubernetes that identify them there (DESIGN 4 derived names, 8.2 identity settings):
 * the spec's names.* value where it gives one, else the name eragen derives from the
 * cluster name (or, for the service account, the Helm release).
 *
 * One place for these, read by the back ends (tofu, helm), the placement matrix (the
 * eks.amazonaws.com/nodegroup label) and adopt, so that what is rendered and what is
 * matched against a live deployment never differ.
 *
 * Ownership: strings live in the arena given (or in the model); NULL where the model
 * lacks what a name derives from (a spec with errors).
 */
#ifndef ERAGEN_IDENTITY_H
#define ERAGEN_IDENTITY_H

#include "model.h"

struct identity {
	const char *cluster;		/* cluster.name (derived: <app>-<env>) */
	const char *cluster_role;	/* names.cluster_role, default <cluster>-cluster */
	const char *node_role;		/* names.node_role, default <cluster>-nodes */
	const char *kms_alias;		/* names.kms_alias, default alias/<cluster>-eks */
	const char *log_group;		/* names.log_group, default /aws/eks/<cluster>/cluster;
					 * NULL: names.log_group is false (left unmanaged) */
	const char *user_service_account;	/* names.user_service_account, <release>-user */
	/* the roles eragen names with no setting: <cluster>-<purpose> */
	const char *autoscaler_role, *ebs_csi_role, *user_s3_role;
};

struct identity identity_of(struct arena *a, const struct model *m);
/* The AWS name of node group g: names.node_groups.<g>, default <cluster>-<g>. */
const char *identity_node_group(struct arena *a, const struct model *m, const char *group);

#endif
