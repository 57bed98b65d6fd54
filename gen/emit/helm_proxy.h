/*
 * emit/helm_proxy.h - the proxy part of the daskhub values (helm_proxy.c), shared by the
 * helm back end (which places it in the values) and the tofu back end (whose platform
 * stack sets the certificate of tls: acm at apply time).
 */
#ifndef ERAGEN_HELM_PROXY_H
#define ERAGEN_HELM_PROXY_H

#include "eragen.h"
#include "model.h"

/* The annotation that puts a certificate on the load balancer's TLS listener. */
#define HELM_PROXY_SSL_CERT "service.beta.kubernetes.io/aws-load-balancer-ssl-cert"
/* The same value as a Helm --set path of the daskhub release (dots in the key escaped). */
#define HELM_PROXY_SSL_CERT_SET                                                            \
	"jupyterhub.proxy.service.annotations.service\\.beta\\.kubernetes\\.io/"          \
	"aws-load-balancer-ssl-cert"
/* The infra stack's output holding the certificate of tls: acm. */
#define HELM_PROXY_CERT_OUTPUT "acm_certificate_arn"

/*
 * jupyterhub.proxy without its placement: {service: {type, annotations}, https} in a, as
 * domain.tls says. When the platform stack must set a value (the ARN of tls: acm is known
 * only once the infra stack is applied), an entry {name, display, from} is pushed on set.
 */
struct node *helm_proxy_values(struct arena *a, const struct model *spec, struct node *set);

#endif
