/*
 * emit/helm_dask.c - the dask-gateway part of the daskhub values: where the gateway's
 * pods and the clusters' schedulers and workers run, the schedulers' resources, and the
 * cluster options users may choose with the limits of a cluster and of a user
 * (gateway.extraConfig, a Python snippet whose spec strings are py_str literals).
 *
 * Options (dask.*): worker cores and memory (defaults: the maxima), 'image' (worker_image
 * notebook: the client's default is its server's image, helm_user.c), 'environment' (a
 * mapping set on the scheduler and workers); the handler labels every pod of a cluster
 * with its user's name.
 */
#include "helm_int.h"

#include <string.h>

/* The handler of the options: what a cluster gets from them, and the user's name as a
 * label of its pods (for cost attribution; a label value has at most 63 characters of
 * [A-Za-z0-9._-], alphanumeric at both ends). */
static void options_handler(struct strbuf *sb, bool image, bool environment)
{
	sb_puts(sb, "def eragen_user_label(name):\n"
		    "    value = re.sub(r\"[^A-Za-z0-9._-]\", \"_\", name)[:63]\n"
		    "    return re.sub(r\"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$\", \"\", value)\n\n\n"
		    "def eragen_cluster_options(options, user):\n"
		    "    labels = {\"hub.jupyter.org/username\": eragen_user_label(user.name)}\n"
		    "    return {\n"
		    "        \"worker_cores\": options.worker_cores,\n"
		    "        \"worker_memory\": int(options.worker_memory * 2**30),\n");
	if (image)
		sb_puts(sb, "        \"image\": options.image,\n");
	if (environment)
		sb_puts(sb, "        \"environment\": options.environment,\n");
	sb_puts(sb, "        \"scheduler_extra_pod_labels\": labels,\n"
		    "        \"worker_extra_pod_labels\": labels,\n"
		    "    }\n\n\n");
}

/* Float(name, default=..., min=..., max=..., label=...) with the default within bounds. */
static void option_float(struct strbuf *sb, const char *name, double dflt, double max,
			 const char *label)
{
	double min = max < 1 ? max : 1;
	dflt = dflt > max ? max : dflt < min ? min : dflt;
	sb_printf(sb, "    Float(\"%s\", default=", name);
	py_float(sb, dflt);
	sb_puts(sb, ", min=");
	py_float(sb, min);
	sb_puts(sb, ", max=");
	py_float(sb, max);
	sb_printf(sb, ", label=\"%s\"),\n", label);
}

/* gateway.extraConfig: the options users may pick for a cluster, and its limits. */
static struct node *cluster_options(struct hb *b)
{
	const struct model *spec = b->spec;
	double cores = num_or(&spec->dask.worker_cores_max, 4);
	double mem = num_or(&spec->dask.worker_memory_max_gb, 16);
	const struct m_num *maxc = &spec->dask.cluster_max_cores;
	const char *image = spec->hub.image.s;
	bool image_option = spec->dask.worker_image.v != WORKER_IMAGE_DEFAULT;
	bool env_option = bool_or(&spec->dask.environment_option, true);

	struct strbuf sb = STRBUF_INIT;
	struct oom_guard sb_guard;
	oom_guard_strbuf(&sb_guard, &sb);
	sb_puts(&sb, "# Written by eragen from the environment spec (dask.*, hub.image).\n"
		     "import re\n\n"
		     "from dask_gateway_server.options import Float, Mapping, Options, String\n\n"
		     "eragen_image = (\n");
	py_str_lines(&sb, image ? image : "", image ? strlen(image) : 0, 4, 72);
	sb_puts(&sb, "\n)\n\n\n");
	options_handler(&sb, image_option, env_option);
	sb_puts(&sb, "c.Backend.cluster_options = Options(\n");
	option_float(&sb, "worker_cores", num_or(&spec->dask.worker_cores_default, cores), cores,
		     "Worker cores");
	option_float(&sb, "worker_memory", num_or(&spec->dask.worker_memory_default_gb, mem), mem,
		     "Worker memory (GiB)");
	if (image_option)	/* the client's default: its server's image (helm_user.c) */
		sb_puts(&sb, "    String(\"image\", default=eragen_image, label=\"Image\"),\n");
	if (env_option)
		sb_puts(&sb, "    Mapping(\"environment\", default={}, "
			     "label=\"Environment variables\"),\n");
	sb_puts(&sb, "    handler=eragen_cluster_options,\n"
		     ")\n");
	if (!image_option)
		sb_puts(&sb, "c.KubeClusterConfig.image = eragen_image\n");
	sb_puts(&sb, "c.ClusterConfig.idle_timeout = ");
	py_float(&sb, (double)int_or(&spec->dask.idle_timeout_s, 1800));
	sb_putc(&sb, '\n');
	if (maxc->set) {
		sb_puts(&sb, "c.ClusterConfig.cluster_max_cores = ");
		py_float(&sb, maxc->v);
		sb_putc(&sb, '\n');
	}
	sb_printf(&sb, "c.UserLimits.max_clusters = %lld\n",
		  (long long)int_or(&spec->dask.max_clusters, 2));
	struct node *n = v_strn(b->a, sb.buf, sb.len);
	oom_guard_pop(&sb_guard);
	sb_release(&sb);
	return n;
}

/* A memory quantity for dask-gateway (K, M, G: powers of 1024): whole GiB, else MiB. */
static const char *gib_quantity(struct arena *a, double gib)
{
	double mib = gib * 1024;
	if (gib == (double)(long long)gib)
		return arena_printf(a, "%lldG", (long long)gib);
	return arena_printf(a, "%lldM", (long long)(mib + 0.5));
}

/* A number as the spec gives it: an integer when whole, else a float. */
static struct node *num_node(struct arena *a, double x)
{
	if (x == (double)(long long)x)
		return v_int(a, (long long)x);
	struct node *n = v_int(a, 0);
	n->kind = NODE_FLOAT;
	n->v.f = x;
	n->str = arena_printf(a, "%.15g", x);
	n->len = strlen(n->str);
	return n;
}

/* The scheduler pod's resources: request = limit (dask.scheduler_*). */
static void scheduler_resources(struct hb *b, struct node *scheduler)
{
	struct arena *a = b->a;
	double cores = num_or(&b->spec->dask.scheduler_cores, 1);
	struct node *c = h_map(a, scheduler, "cores");
	h_put(a, c, "request", num_node(a, cores));
	h_put(a, c, "limit", num_node(a, cores));
	const char *mem = gib_quantity(a, num_or(&b->spec->dask.scheduler_memory_gb, 2));
	struct node *m = h_map(a, scheduler, "memory");
	put_str(b, m, "request", mem);
	put_str(b, m, "limit", mem);
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
	const char *user_sa = user_service_account(b);
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
	scheduler_resources(b, h_map(a, backend, "scheduler"));
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
