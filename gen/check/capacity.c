/*
 * check/capacity.c - SCHED015: the pods that can run on one node group only must fit
 * the group at its largest. A pod is bound to a group when the placement matrix
 * (placement.h) lets its workload land on that group alone: the hub, the proxy, the
 * user-scheduler, dask-gateway's api, controller and traefik, Kubecost (when on), the
 * cluster-autoscaler (no placement: bound when one group only is free of taints that
 * keep pods away) and dask.max_clusters schedulers of one user. Their CPU and memory
 * requests, added up per group, must not exceed the allocatable of node_groups.<g>.max
 * nodes of the group's smallest instance type (per resource; kubelet/system reservation
 * and DaemonSet overhead deducted as for SCHED006).
 *
 * The requests are data: schemas/pod-requests.json lists each chart pod's default
 * requests with where they come from; the schedulers' come from the spec. Missing data
 * tables skip the check quietly (SPEC012 says why elsewhere). A finding is reported at
 * the group's max (its key when max is the default), with a note per pod that counts.
 */
#include "placement.h"

#include <string.h>

#define REQ_TABLE "schemas/pod-requests.json"

/* What one pod (or the schedulers) add to a group. */
struct load {
	const char *what;	/* "2 dask schedulers", "cost-analyzer (kubecost)" */
	double cpu_m, mem_mib;
	const char *source;	/* the table's source text, or NULL (the spec) */
	const struct node *at;	/* where the spec sets it, or NULL */
};

struct tally {
	struct load *loads;
	size_t n, cap;
	double cpu_m, mem_mib;
};

static const struct node *req_table(struct ctx *ctx)
{
	struct srcfile *f = srcfile_find(ctx, REQ_TABLE);
	if (!f) {
		bool exists = true;
		f = srcfile_read_data(ctx, REQ_TABLE, &exists);
	}
	const struct node *root = f && f->data ? srcfile_json(ctx, f) : NULL;
	const struct node *pods = root ? node_get(root, "pods") : NULL;
	return pods && pods->kind == NODE_SEQ ? pods : NULL;
}

static double num_in(const struct node *map, const char *key)
{
	const struct node *n = node_get(map, key);
	return node_is_num(n) ? node_num(n) : 0;
}

static void add_load(struct arena *a, struct tally *t, struct load l)
{
	ARENA_PUSH(a, t->loads, t->n, t->cap, l);
	t->cpu_m += l.cpu_m;
	t->mem_mib += l.mem_mib;
}

/* The one group w can land on, or -1. */
static long bound_group(const struct pl_workload *w)
{
	if (!w || w->off || !w->resolved || !w->judged || w->nlands != 1)
		return -1;
	return (long)w->lands[0];
}

/* The one group free of taints that keep pods away, or -1 (the autoscaler's). */
static long free_group(const struct placement *p)
{
	long g = -1;
	for (size_t i = 0; i < p->ngroups; i++) {
		if (p->groups[i].blocked)
			continue;
		if (g >= 0)
			return -1;
		g = (long)i;
	}
	return g;
}

/* The table's pods, each onto the group its workload is bound to. */
static void table_loads(struct ctx *ctx, struct env *e, const struct placement *p,
			struct tally *t)
{
	const struct node *pods = req_table(ctx);
	struct arena *a = &ctx->scratch;
	for (size_t i = 0; pods && i < pods->n; i++) {
		const struct node *row = pods->items[i];
		const char *wl = spec_str(row, "workload"), *pod = spec_str(row, "pod");
		if (!wl || !pod)
			continue;
		long g = -1;
		if (strcmp(wl, "cluster_autoscaler") == 0) {
			g = free_group(p);
		} else {
			enum workload w = WL_COUNT;
			for (int k = 0; k < WL_COUNT; k++)
				if (strcmp(workload_names[k], wl) == 0)
					w = (enum workload)k;
			if (w == WL_COUNT || (w == WL_KUBECOST && !e->model->features.kubecost.v))
				continue;
			g = bound_group(&p->wls[w]);
		}
		double n = num_in(row, "replicas");
		if (g < 0 || n <= 0)
			continue;
		const char *what = n == 1 ? arena_printf(a, "%s (%s)", pod, wl)
					  : arena_printf(a, "%g %s pods (%s)", n, pod, wl);
		add_load(a, &t[g], (struct load){ what, n * num_in(row, "cpu_m"),
						  n * num_in(row, "memory_mib"),
						  spec_str(row, "source"), NULL });
	}
}

/* dask.max_clusters schedulers of one user, on dask_scheduler's group. */
static void scheduler_loads(struct ctx *ctx, struct env *e, const struct placement *p,
			    struct tally *t)
{
	const struct model *m = e->model;
	long g = bound_group(&p->wls[WL_DASK_SCHEDULER]);
	if (g < 0)
		return;
	int64_t n = m->dask.max_clusters.set ? m->dask.max_clusters.v : 2;
	double cores = m->dask.scheduler_cores.set ? m->dask.scheduler_cores.v : 1;
	double gib = m->dask.scheduler_memory_gb.set ? m->dask.scheduler_memory_gb.v : 2;
	struct arena *a = &ctx->scratch;
	const char *what = arena_printf(a, "%lld dask scheduler%s of %g core%s and %g GiB "
				       "(dask.max_clusters of one user)", (long long)n,
				       n == 1 ? "" : "s", cores, cores == 1 ? "" : "s", gib);
	add_load(a, &t[g], (struct load){ what, (double)n * cores * 1000, (double)n * gib * 1024,
					  NULL, m->dask.max_clusters.n });
}

static struct loc at_of(const struct env *e, const struct node *n, const struct node *fallback)
{
	if (n && n->loc.line && !(n->flags & (NODE_DEFAULT | NODE_DERIVED)))
		return n->loc;
	if (fallback && fallback->loc.line)
		return fallback->loc;
	return (struct loc){ .file = e->file ? e->file->id : 0 };
}

/* The allocatable of max nodes of g's smallest type, per resource; false when a type
 * is unknown (SCHED009) or the group has none. */
static bool group_capacity(const struct data *d, const struct pl_group *g, int64_t max,
			   double *cpu, double *mem, const char **cpu_type, const char **mem_type)
{
	*cpu = *mem = -1;
	for (size_t i = 0; i < g->ntypes; i++) {
		const struct instance_info *it = data_instance(d, g->types[i]);
		if (!it)
			return false;
		double c = alloc_cpu_m(it->vcpu), mm = alloc_mem_mib(it->mem_mib, it->max_pods);
		if (*cpu < 0 || c < *cpu) {
			*cpu = c;
			*cpu_type = g->types[i];
		}
		if (*mem < 0 || mm < *mem) {
			*mem = mm;
			*mem_type = g->types[i];
		}
	}
	*cpu *= (double)max;
	*mem *= (double)max;
	return g->ntypes > 0;
}

static void report(struct ctx *ctx, struct env *e, const struct pl_group *g,
		   const struct tally *t, int64_t max, bool cpu, double cap, const char *type)
{
	const struct node *maxn = g->spec->max.n;
	double need = cpu ? t->cpu_m : t->mem_mib;
	const char *unit = cpu ? "m CPU" : " MiB of memory";
	struct diag *d = diag_add(ctx, "SCHED015", e->name, at_of(e, maxn, g->key),
				  "the pods that can run only on node group '%s' request %.0f%s, "
				  "more than the %.0f%s allocatable of %lld '%s' node%s (its max)",
				  g->name, need, unit, cap < 0 ? 0 : cap, unit, (long long)max,
				  type, max == 1 ? "" : "s");
	for (size_t i = 0; i < t->n && i < 16; i++) {
		const struct load *l = &t->loads[i];
		double v = cpu ? l->cpu_m : l->mem_mib;
		if (v <= 0)
			continue;
		struct loc at = l->at && l->at->loc.line && !(l->at->flags & NODE_DEFAULT)
				? l->at->loc : (struct loc){ 0 };
		diag_note(ctx, d, at, "%s: %.0f%s%s%s", l->what, v, unit,
			  l->source ? ", from " : "", l->source ? l->source : "");
	}
	diag_help(ctx, d, "raise node_groups.%s.max, give it a larger instance type, lower "
			  "dask.max_clusters, or place some of these workloads on another group",
		  g->name);
}

static void capacity_env(struct ctx *ctx, struct env *e)
{
	if (!e->resolved || e->abstract || e->resolved->kind != NODE_MAP)
		return;
	const struct data *d = data_get(ctx);
	const struct placement *p = d ? placement_build(ctx, e, &ctx->scratch, true) : NULL;
	if (!p || !p->ngroups) {
		arena_release(&ctx->scratch);
		return;
	}
	struct tally *t = arena_alloc(&ctx->scratch, p->ngroups * sizeof(*t));
	table_loads(ctx, e, p, t);
	scheduler_loads(ctx, e, p, t);
	for (size_t i = 0; i < p->ngroups; i++) {
		const struct pl_group *g = &p->groups[i];
		if (!t[i].n || (t[i].cpu_m <= 0 && t[i].mem_mib <= 0))
			continue;
		int64_t max = g->spec->max.set ? g->spec->max.v : 1;
		double cpu, mem;
		const char *ct = NULL, *mt = NULL;
		if (max < 1 || !group_capacity(d, g, max, &cpu, &mem, &ct, &mt))
			continue;	/* SCHED008, SCHED009 */
		if (t[i].cpu_m > cpu)
			report(ctx, e, g, &t[i], max, true, cpu, ct);
		if (t[i].mem_mib > mem)
			report(ctx, e, g, &t[i], max, false, mem, mt);
	}
	arena_release(&ctx->scratch);
}

/* The explain text: docs/rules/SCHED015.txt. */
static const struct rule capacity_rules[] = {
	{ .id = "SCHED015", .sev = SEV_WARNING, .raise_on_prod = true, .suppressible = true,
	  .summary = "the pods that can run on one node group only (hub, proxy, user-scheduler, "
		     "gateway, cluster-autoscaler, kubecost, dask.max_clusters schedulers) "
		     "request more than max nodes of its smallest instance type allocate" },
};

const struct check check_capacity = {
	.name = "capacity",
	.run_env = capacity_env,
	.rules = capacity_rules,
	.nrules = sizeof(capacity_rules) / sizeof(capacity_rules[0]),
};
