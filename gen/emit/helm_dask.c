/*
 * emit/helm_dask.c - the dask-gateway part of the daskhub values: where the gateway's
 * pods and the clusters' schedulers and workers run, and the cluster options users may
 * choose (gateway.extraConfig, a Python snippet whose spec strings are py_str literals).
 */
#include "helm_int.h"

#include <string.h>

/* gateway.extraConfig: the options users may pick for a cluster, and its limits. */
static struct node *cluster_options(struct hb *b)
{
	const struct model *spec = b->spec;
	double cores = num_or(&spec->dask.worker_cores_max, 4);
	double mem = num_or(&spec->dask.worker_memory_max_gb, 16);
	const struct m_num *maxc = &spec->dask.cluster_max_cores;
	int64_t idle = int_or(&spec->dask.idle_timeout_s, 1800);
	const char *image = spec->hub.image.s;
	double cores_min = cores < 1 ? cores : 1;
	double mem_min = mem < 1 ? mem : 1;
	double mem_dflt = mem < 4 ? mem : 4;

	struct strbuf sb = STRBUF_INIT;
	struct oom_guard sb_guard;
	oom_guard_strbuf(&sb_guard, &sb);
	sb_puts(&sb, "# Written by eragen from the environment spec (dask.*, hub.image).\n"
		     "from dask_gateway_server.options import Float, Options, String\n\n"
		     "eragen_image = (\n");
	py_str_lines(&sb, image ? image : "", image ? strlen(image) : 0, 4, 72);
	sb_puts(&sb, "\n)\n\n\n"
		     "def eragen_cluster_options(options):\n"
		     "    return {\n"
		     "        \"worker_cores\": options.worker_cores,\n"
		     "        \"worker_memory\": int(options.worker_memory * 2**30),\n"
		     "        \"image\": options.image,\n"
		     "    }\n\n\n"
		     "c.Backend.cluster_options = Options(\n"
		     "    Float(\"worker_cores\", default=");
	py_float(&sb, cores_min);
	sb_puts(&sb, ", min=");
	py_float(&sb, cores_min);
	sb_puts(&sb, ", max=");
	py_float(&sb, cores);
	sb_puts(&sb, ", label=\"Worker cores\"),\n"
		     "    Float(\"worker_memory\", default=");
	py_float(&sb, mem_dflt);
	sb_puts(&sb, ", min=");
	py_float(&sb, mem_min);
	sb_puts(&sb, ", max=");
	py_float(&sb, mem);
	sb_puts(&sb, ", label=\"Worker memory (GiB)\"),\n"
		     "    String(\"image\", default=eragen_image, label=\"Image\"),\n"
		     "    handler=eragen_cluster_options,\n"
		     ")\n");
	sb_puts(&sb, "c.ClusterConfig.idle_timeout = ");
	py_float(&sb, (double)idle);
	sb_putc(&sb, '\n');
	if (maxc->set) {
		sb_puts(&sb, "c.ClusterConfig.cluster_max_cores = ");
		py_float(&sb, maxc->v);
		sb_putc(&sb, '\n');
	}
	struct node *n = v_strn(b->a, sb.buf, sb.len);
	oom_guard_pop(&sb_guard);
	sb_release(&sb);
	return n;
}

struct node *dask_gateway_values(struct hb *b)
{
	struct arena *a = b->a;
	struct node *dg = v_map(a);
	h_put(a, dg, "enabled", v_bool(a, true));
	const struct pl_workload *gw = wl_row(b->p, WL_GATEWAY);
	struct node *gateway = h_map(a, dg, "gateway");
	place(b, gateway, gw, "nodeSelector", "tolerations");
	struct node *backend = h_map(a, gateway, "backend");
	const char *release = b->spec->hub.release.s;
	const char *user_sa = arena_printf(a, "%s-user", release ? release : "daskhub");
	static const struct {
		const char *key;
		enum workload wl;
	} pods[] = { { "scheduler", WL_DASK_SCHEDULER }, { "worker", WL_DASK_WORKER } };
	for (size_t i = 0; i < 2; i++) {
		struct node *pod = v_map(a);
		place(b, pod, wl_row(b->p, pods[i].wl), "nodeSelector", "tolerations");
		put_str(b, pod, "serviceAccountName", user_sa);
		h_put(a, h_map(a, backend, pods[i].key), "extraPodConfig", pod);
	}
	if (!backend->n)
		h_del(b->a, gateway, h_index(gateway, "backend"));
	h_put(a, h_map(a, gateway, "extraConfig"), "eragen-cluster-options", cluster_options(b));
	static const char *const others[] = { "controller", "traefik" };
	for (size_t i = 0; i < 2; i++) {
		struct node *m = v_map(a);
		place(b, m, gw, "nodeSelector", "tolerations");
		if (m->n)
			h_put(a, dg, others[i], m);
	}
	return dg;
}
