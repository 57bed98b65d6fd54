/*
 * placement.h - the placement matrix of DESIGN 5: for one environment, every node group
 * with the labels its nodes carry (spec labels plus those EKS and the kubelet add) and its
 * scheduling taints, and every workload (hub, proxy, user_scheduler, gateway,
 * dask_scheduler, dask_worker, notebook, kubecost, and each hub profile that has a
 * placement of its own) with its node selector, its tolerations (its own or derived from its node group,
 * plus those the chart adds for its version) and, per group, whether it can land there
 * and why not.
 *
 * Consumers: check/sched.c (SCHED001-SCHED014), `eragen show ENV --placement`, and the
 * back ends that write node selectors and tolerations. The matrix is built from the model
 * of the resolved spec (env->model; the spec must be schema-valid: placement_build returns
 * NULL otherwise) in the caller's arena; every node pointer in it points into the resolved
 * tree, so locations for diagnostics come straight from it. Building never fails for
 * user-input reasons: a node group that does not exist leaves the workload unresolved
 * (SCHED001 says why), odd values are skipped.
 *
 * The matrix is sparse (placement_fit.c): each row lists the groups it lands on, found
 * through indexes of the groups' labels and taints, and rows that select and tolerate
 * alike share one list; why a workload does not land on a group is judged on demand
 * (placement_fit). Judging is bounded (PL_MAX_WORK per environment): a spec whose
 * workloads reach more groups than that leaves the rest of its rows unjudged
 * (p->unjudged), and SPEC012 says so.
 *
 * Pure helpers (toleration matching, effect spelling, allocatable, memory quantities, the
 * kubelet's label namespaces) are exported for the unit tests.
 */
#ifndef ERAGEN_PLACEMENT_H
#define ERAGEN_PLACEMENT_H

#include "data.h"
#include "eragen.h"
#include "model.h"

/*
 * The DaemonSet overhead SCHED006 deducts from every node's allocatable, besides the
 * kubelet/system reservation: vpc-cni (aws-node), kube-proxy, ebs-csi-node, the pod
 * identity agent, and room for a log or metrics agent. One place: the explain text of
 * SCHED006 quotes these numbers.
 */
#define PL_DAEMONSET_CPU_M 200	/* millicores */
#define PL_DAEMONSET_MEM_MIB 300

/* A table keyed by a pair of strings, or by the first alone (v NULL), in an arena: the
 * labels of a group, the tolerations of a row, the indexes of placement_fit.c. */
struct pl_pairs {
	struct pl_pair_ent {
		const char *k, *v;	/* k NULL: an empty slot */
		size_t val;
	} *e;
	size_t cap, n;
};
long pl_pairs_get(const struct pl_pairs *m, const char *k, const char *v);
void pl_pairs_put(struct arena *a, struct pl_pairs *m, const char *k, const char *v, size_t val);

/* A label a node carries, or an entry of a node selector. */
struct pl_label {
	const char *key, *value;
	const struct node *at;	/* where it was written; NULL for labels EKS adds */
};

/* A taint that keeps pods away (NoSchedule or NoExecute; PreferNoSchedule only steers). */
struct pl_taint {
	const char *key, *value;	/* value "" when none */
	const char *effect;		/* normalised: "NoSchedule", "NoExecute" */
	const struct node *at;		/* the taint's map in node_groups.<g>.taints */
};

enum pl_source { PL_OWN, PL_DERIVED, PL_CHART };

struct pl_toleration {
	struct toleration t;	/* key "" with op Exists: every taint; effect "": every effect */
	enum pl_source from;
	const struct node *at;	/* the toleration (PL_OWN) or taint (PL_DERIVED); NULL: chart */
	const struct m_toleration *own;	/* PL_OWN: the toleration as the spec gives it */
};

struct pl_group {
	const char *name;
	const struct node *key;		/* the key under node_groups */
	const struct m_group *spec;	/* the group as the spec gives it (model.h) */
	bool spot;
	const struct node *capacity;	/* NULL when the default (on_demand) */
	const struct node *zero;	/* why it can scale to zero: min (0) or schedule.min_after
					 * (0); NULL when it cannot */
	const char *const *azs;		/* its own, else aws.azs */
	size_t nazs;
	const struct node *azs_at;	/* node_groups.<g>.azs or aws.azs */
	const char *const *types;	/* instance types, in order */
	const struct node *const *types_at;	/* their nodes */
	size_t ntypes;
	/* the labels its nodes carry: its spec labels (nspec_labels of them) first, then
	 * eks.amazonaws.com/capacityType, eks.amazonaws.com/nodegroup, kubernetes.io/os, and
	 * node.kubernetes.io/instance-type, topology.kubernetes.io/zone, kubernetes.io/arch
	 * once per value a node may have (a selector matches when any node may match) */
	struct pl_label *labels;
	size_t nlabels, nspec_labels;
	struct pl_taint *taints;
	size_t ntaints;
	bool blocked;			/* one of its taints keeps pods away */
	struct pl_pairs label_at;	/* its labels, by (key, value) and by key */
};

/* Why a workload cannot land on a group. */
struct pl_fit {
	long selector_miss;	/* index of the first selector entry the group lacks, or -1 */
	long taint_miss;	/* index of the first taint the workload does not tolerate, or -1 */
};

struct pl_workload {
	enum workload wl;		/* WL_NOTEBOOK for profiles too */
	const char *label;		/* "hub", ..., "notebook", "profile 'medium'" */
	const char *name;		/* for messages: "hub", ... or the profile's slug quoted */
	const char *path;		/* spec path: "placement.hub", "hub.profiles[1]" */
	const struct node *at;		/* where findings about it point: the placement entry
					 * (its flow map, else its key) or the profile map */
	const struct m_profile *profile;	/* the profile, or NULL */
	const struct node *group_at;	/* its node_group value, or NULL */
	const struct pl_group *group;	/* the group it names, NULL if none or missing */
	bool resolved;			/* false: it names a missing group and gives no selector */
	struct pl_label *selector;
	size_t nselector;
	const struct node *selector_at;	/* the node_selector given, or NULL when derived */
	struct pl_toleration *tols;
	size_t ntols;
	const struct node *tols_at;	/* the tolerations given, or NULL when derived */
	struct pl_pairs tol_at;		/* tolerations by (key) (Exists) and (key, value)
					 * (Equal): the effects they tolerate (PL_EFF_*) */
	unsigned tol_any;		/* effects an empty-key Exists toleration tolerates */
	bool judged;			/* lands was computed (resolved, within PL_MAX_WORK) */
	size_t *lands;			/* the groups it can land on, ascending */
	size_t nlands;
	size_t *selected;		/* when it lands nowhere: the first PL_MAX_SELECTED */
	size_t nselected;		/* groups its selector matches */
	const struct pl_workload *same_as;	/* kubecost without a placement: the hub's row,
						 * whose entry it is built from */
	bool off;			/* kubecost, neither enabled nor placed */
};

struct placement {
	const struct env *env;
	const char *cluster;		/* cluster.name */
	const char *chart;		/* hub.chart_version */
	bool chart_known;		/* the data tables list the chart's tolerations */
	struct pl_group *groups;	/* in spec order */
	size_t ngroups;
	/* the workloads in enum order (WL_COUNT), then the profiles with a placement of their
	 * own */
	struct pl_workload *wls;
	size_t nwls;
	/* per profile index: the row it uses (its own, or notebook's) */
	const struct pl_workload **profile_rows;
	size_t nprofiles;
	struct strmap group_at;		/* group name -> index */
	struct pl_index *ix;		/* what finds candidate groups (placement_fit.c) */
	size_t work;			/* judging spent so far (PL_MAX_WORK) */
	size_t unjudged;		/* resolved rows left unjudged */
};

/* Judging the matrix of one environment stops after this much work: a group judged for
 * a row costs 1 + its selector entries + the group's taints. */
#define PL_MAX_WORK (1u << 22)
#define PL_MAX_SELECTED 64

/* Building (placement.c calls placement_fit.c): the groups' indexes, a row's
 * tolerations, then every row's lands. */
void pl_index_groups(struct arena *a, struct placement *p);
void pl_index_tols(struct arena *a, struct pl_workload *w);
void pl_judge_rows(struct placement *p, struct arena *a);

/* Effects, as bits of the toleration index. */
enum { PL_EFF_NOSCHEDULE = 1, PL_EFF_NOEXECUTE = 2, PL_EFF_PREFER = 4, PL_EFF_ALL = 7 };

/*
 * The matrix of env, built in a (the caller releases it when done: the SCHED checks with
 * each environment, a back end with its view); NULL when env has no schema-valid resolved
 * spec. Every call builds it anew; with judge false, only the rows (selectors and
 * tolerations: what the back ends write), no row's lands.
 */
const struct placement *placement_build(struct ctx *ctx, struct env *env, struct arena *a,
					bool judge);

/* Can w land on group g? (false for a row that was not judged) */
bool placement_lands(const struct pl_workload *w, size_t g);
/* Why w cannot land on group g (both -1 when it can). */
struct pl_fit placement_fit(const struct placement *p, const struct pl_workload *w, size_t g);
/* Does w tolerate taint t? */
bool placement_tolerates(const struct pl_workload *w, const struct pl_taint *t);
/* Does g carry label key=value (value NULL: key with any value)? */
bool placement_group_has(const struct pl_group *g, const char *key, const char *value);
/* Up to max groups whose labels w's selector matches (ascending), their number in *n. */
const size_t *placement_selected(const struct placement *p, const struct pl_workload *w,
				 size_t max, size_t *n);
/* The groups that carry label key (value NULL: with any value), ascending, or NULL. */
const size_t *placement_with_label(const struct placement *p, const char *key,
				   const char *value, size_t *n);

/* The group called name, or NULL. */
const struct pl_group *placement_group(const struct placement *p, const char *name);

/* `eragen show ENV --placement`: the matrix as text. */
void placement_show(const struct ctx *ctx, const struct placement *p, struct strbuf *sb);

/* ---- pure helpers ---- */

/* "NoSchedule", "NO_SCHEDULE", "noschedule" -> "NoSchedule" (likewise NoExecute and
 * PreferNoSchedule); NULL when s is none of them. */
const char *taint_effect_norm(const char *s);
/* Kubernetes toleration semantics: does t tolerate the taint key=value:effect? */
bool toleration_matches(const struct toleration *t, const char *key, const char *value,
			const char *effect);
/* "key=value:Effect", "key:Effect" (Exists), "*" (tolerates everything), arena-owned. */
const char *toleration_text(struct arena *a, const struct toleration *t);
/* Allocatable of an instance type after the kubelet/system reservation and eviction
 * threshold (EKS) and the DaemonSet overhead above: millicores and MiB, may be negative. */
double alloc_cpu_m(uint32_t vcpu);
double alloc_mem_mib(uint32_t mem_mib, uint32_t max_pods);
/* A memory quantity (DESIGN 4: a number of bytes, or digits with K/M/G/T, powers of 1024)
 * in bytes; false if n is not one. */
bool memory_bytes(const struct node *n, double *bytes);
/* A label key under kubernetes.io/ or k8s.io/ that the kubelet refuses in --node-labels. */
bool label_key_forbidden(const char *key);
/* AMI types that carry the NVIDIA driver. */
bool ami_type_gpu(const char *ami);

#endif
