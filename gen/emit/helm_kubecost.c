/*
 * emit/helm_kubecost.c - out/<env>/helm/kubecost.yaml: the values of Kubecost's
 * cost-analyzer chart (features.kubecost), which the platform stack installs beside the
 * daskhub release (templates/tofu/platform/hub.tf.mustache). Kubecost and its bundled
 * Prometheus server run where placement.kubecost says (the hub's placement when it is not
 * given); the server keeps kubecost.retention_days of metrics on a volume of
 * kubecost.storage_gb; Grafana is off (the chart's subchart condition and the frontend's
 * proxy to it). The chart does not create Kubecost's service account: the platform stack
 * does (templates/tofu/platform/kubecost.tf.mustache, helm.kubecost.service_account), with
 * the EKS Pod Identity association to the role that reads AWS prices and costs. The keys
 * are the same in the 1.x and 2.x charts.
 */
#include "helm_int.h"

/* the name the real deployment gave it (its chart's default name) */
#define KUBECOST_SERVICE_ACCOUNT "kubecost-cost-analyzer"

static struct node *kubecost_values(struct hb *b)
{
	struct arena *a = b->a;
	const struct model *spec = b->spec;
	const struct pl_workload *row = wl_row(b->p, WL_KUBECOST);
	struct node *v = v_map(a);
	struct node *grafana = h_map(a, h_map(a, v, "global"), "grafana");
	h_put(a, grafana, "enabled", v_bool(a, false));
	h_put(a, grafana, "proxy", v_bool(a, false));
	place(b, v, row, "nodeSelector", "tolerations");
	struct node *sa = h_map(a, v, "serviceAccount");
	h_put(a, sa, "create", v_bool(a, false));
	put_str(b, sa, "name", KUBECOST_SERVICE_ACCOUNT);
	struct node *server = h_map(a, h_map(a, v, "prometheus"), "server");
	put_str(b, h_map(a, server, "persistentVolume"), "size",
		arena_printf(a, "%lldGi", (long long)int_or(&spec->kubecost.storage_gb, 32)));
	put_str(b, server, "retention",
		arena_printf(a, "%lldd", (long long)int_or(&spec->kubecost.retention_days, 15)));
	place(b, server, row, "nodeSelector", "tolerations");
	return v;
}

struct node *kubecost_view(struct hb *b)
{
	if (!b->spec->features.kubecost.v)
		return NULL;
	struct arena *a = b->a;
	struct node *view = v_map(a);
	const char *version = b->spec->kubecost.chart_version.s;
	if (version)
		v_set(a, view, "chart_version", v_str(a, version));
	v_set(a, view, "service_account", v_str(a, KUBECOST_SERVICE_ACCOUNT));
	v_set(a, view, "path", v_str(a, arena_printf(a, "out/%s/helm/kubecost.yaml",
						    b->env->name)));
	struct node *values = kubecost_values(b);
	v_set(a, view, "values", values);
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard sb_guard;
	oom_guard_strbuf(&sb_guard, &sb);
	y_block(&sb, values, 0);
	if (sb.len)
		sb.len--;	/* the template ends the line */
	v_set(a, view, "yaml", v_fragment(a, sb.buf, sb.len));
	oom_guard_pop(&sb_guard);
	sb_release(&sb);
	return view;
}
