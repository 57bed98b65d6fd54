/*
 * data.h - the facts the domain checks judge against, read once per run from the JSON
 * tables in schemas/ (a repository's own schemas/<file> overrides the installed one):
 *
 *   schemas/regions.json         AWS regions: availability zones, Cognito user pools
 *   schemas/instance-types.json  EC2 instance types: vCPU, memory, ENI max pods, GPU, arch
 *   schemas/eks-versions.json    Kubernetes versions EKS supports
 *   schemas/charts.json          daskhub chart versions: subcharts, bundled kube-scheduler,
 *                                the tolerations each chart adds to its pods by itself
 *
 * Every table carries a "_source" note saying where its facts come from. data_get()
 * loads them on first use (SPEC012 when a table cannot be used) and returns NULL then;
 * checks that need a table skip quietly when it is missing (the SPEC012 says why).
 */
#ifndef ERAGEN_DATA_H
#define ERAGEN_DATA_H

#include "eragen.h"

struct region_info {
	const char *name;		/* "us-west-2" */
	const char *const *azs;		/* "us-west-2a", ... */
	size_t nazs;
	bool cognito;			/* Cognito user pools are offered there */
};

struct instance_info {
	const char *name;		/* "m5.large" */
	uint32_t vcpu;
	uint32_t mem_mib;
	uint32_t max_pods;		/* ENI-based: enis * (ips per eni - 1) + 2 */
	bool gpu;			/* needs an NVIDIA AMI type */
	const char *arch;		/* "x86_64" or "arm64" */
};

struct toleration {
	const char *key, *op, *value, *effect;	/* op "Equal"/"Exists"; effect "" = any */
};

/* The workloads of the placement matrix (DESIGN 5), in a fixed order. */
enum workload {
	WL_HUB,
	WL_PROXY,
	WL_USER_SCHEDULER,
	WL_GATEWAY,
	WL_DASK_SCHEDULER,
	WL_DASK_WORKER,
	WL_NOTEBOOK,
	WL_KUBECOST,	/* optional: the hub's placement when not given */
	WL_COUNT
};
extern const char *const workload_names[WL_COUNT];	/* the placement keys */

struct chart_info {
	const char *version;		/* daskhub "2024.1.1" */
	const char *z2jh;		/* "3.2.1" */
	const char *dask_gateway;	/* "2024.1.0" */
	const char *kube_scheduler;	/* the user-scheduler's bundled version, "1.26" */
	/* tolerations the chart gives each workload by itself */
	const struct toleration *tolerations[WL_COUNT];
	size_t ntolerations[WL_COUNT];
};

struct k8s_info {
	const char *version;		/* "1.34" */
	const char *end_of_support;	/* "YYYY-MM-DD" of standard support, or NULL */
};

struct data {
	const struct region_info *regions;
	size_t nregions;
	const struct instance_info *instances;
	size_t ninstances;
	const struct chart_info *charts;
	size_t ncharts;
	const struct k8s_info *k8s;
	size_t nk8s;
	uint32_t files[4];		/* srcfile ids of the tables, for notes */
	/* name -> first entry of that name: the checks look a name up per value */
	struct strmap region_at, instance_at, chart_at, k8s_at;
};

/* The tables (loaded on first call), or NULL if one cannot be used (SPEC012 reported). */
const struct data *data_get(struct ctx *ctx);
const struct region_info *data_region(const struct data *d, const char *name);
const struct instance_info *data_instance(const struct data *d, const char *name);
const struct chart_info *data_chart(const struct data *d, const char *version);
const struct k8s_info *data_k8s(const struct data *d, const char *version);

#endif
