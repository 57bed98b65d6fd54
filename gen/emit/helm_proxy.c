/*
 * emit/helm_proxy.c - jupyterhub.proxy of the daskhub values: the proxy-public service, a
 * network load balancer, and where TLS ends (DESIGN 8.1 HTTPS).
 *
 * Consumes the model's domain block; produces a values subtree for helm.c (which adds the
 * proxy pods' placement) and, for tls: acm, the entry of the value the platform stack sets.
 *
 * tls: none, or no domain.name: a plain NLB (`aws-load-balancer-type: nlb`), no https
 * key at all. tls: acm or existing: the NLB terminates TLS with the certificate
 * (`…-ssl-cert`) on the service port named https (`…-ssl-ports: https`) and forwards plain
 * TCP (`…-backend-protocol: tcp`) to the proxy; z2jh's `proxy.https {enabled: true, type:
 * offload}` is what adds that port (443 -> targetPort http). The certificate of existing
 * is known: it is written here. The one of acm exists only after the infra stack is
 * applied: the platform stack sets it from that stack's output (HELM_PROXY_CERT_OUTPUT).
 *
 * Left out on purpose: `aws-load-balancer-scheme` and `aws-load-balancer-nlb-target-type`
 * are read only by the AWS Load Balancer Controller, which is not installed; the in-tree
 * service controller makes an internet-facing, instance-target NLB anyway.
 */
#include "helm_proxy.h"
#include "view.h"

#define ANN "service.beta.kubernetes.io/"

static void put(struct arena *a, struct node *map, const char *key, const char *value)
{
	v_set(a, map, key, v_str(a, value));
}

struct node *helm_proxy_values(struct arena *a, const struct model *spec, struct node *set)
{
	struct node *proxy = v_map(a);
	struct node *svc = v_set(a, proxy, "service", v_map(a));
	put(a, svc, "type", "LoadBalancer");
	struct node *ann = v_set(a, svc, "annotations", v_map(a));
	put(a, ann, ANN "aws-load-balancer-type", "nlb");
	if (!model_https(spec))
		return proxy;

	put(a, ann, ANN "aws-load-balancer-backend-protocol", "tcp");
	put(a, ann, ANN "aws-load-balancer-ssl-ports", "https");
	if (spec->domain.tls.v == TLS_EXISTING && spec->domain.certificate_arn.s) {
		put(a, ann, HELM_PROXY_SSL_CERT, spec->domain.certificate_arn.s);
	} else if (spec->domain.tls.v == TLS_ACM) {
		struct node *e = v_map(a);
		put(a, e, "name", HELM_PROXY_SSL_CERT_SET);
		put(a, e, "display", "jupyterhub.proxy.service.annotations." HELM_PROXY_SSL_CERT);
		put(a, e, "from", "infra.outputs." HELM_PROXY_CERT_OUTPUT);
		v_push(a, set, e);
	}
	struct node *https = v_set(a, proxy, "https", v_map(a));
	v_set(a, https, "enabled", v_bool(a, true));
	put(a, https, "type", "offload");
	return proxy;
}
