/*
 * emit/tofu_dns.c - the "dns" part of the tofu view: what the infra stack creates for the
 * hub's certificate and what the platform stack creates for its name (DESIGN 8.1 HTTPS).
 *
 * Consumes the model's domain block; produces a view map the templates read:
 *   name, zone            domain.name, domain.route53_zone ("" when unset)
 *   tls                   "acm", "existing" or "none"
 *   https                 the hub is served over https (model_https)
 *   acm                   the infra stack creates the certificate (certificate.tf)
 *   existing              the certificate is domain.certificate_arn (certificate_arn)
 *   validate              acm with a zone: validation records and the validation resource
 *   record                a zone and a name: the platform stack's record for the name (dns.tf)
 *   apex                  the name is the zone itself: an alias A record (a CNAME cannot
 *                         be at a zone apex), else a CNAME like the real deployment's
 *   cert_set, cert_output the Helm path the platform stack sets to the certificate of acm
 *                         and the infra output it reads it from (helm_proxy.h)
 * Names are compared as DNS compares them: case-insensitively, a trailing dot ignored.
 */
#include "helm_proxy.h"
#include "tofu_dns.h"
#include "view.h"

#include <string.h>
#include <strings.h>

static size_t dns_len(const char *s)
{
	size_t n = strlen(s);
	return n && s[n - 1] == '.' ? n - 1 : n;
}

static bool same_name(const char *x, const char *y)
{
	size_t n = dns_len(x);
	return n == dns_len(y) && strncasecmp(x, y, n) == 0;
}

struct node *tofu_dns_view(struct arena *a, const struct model *spec)
{
	static const char *const tls_names[] = { "none", "acm", "none", "existing" };
	const char *name = spec->domain.name.s ? spec->domain.name.s : "";
	const char *zone = spec->domain.route53_zone.s ? spec->domain.route53_zone.s : "";
	int tls = spec->domain.tls.v;
	bool https = model_https(spec);
	bool acm = https && tls == TLS_ACM;
	bool record = *name && *zone;

	struct node *d = v_map(a);
	v_set(a, d, "name", v_str(a, name));
	v_set(a, d, "zone", v_str(a, zone));
	v_set(a, d, "tls", v_str(a, tls >= 0 && tls <= TLS_EXISTING ? tls_names[tls] : "none"));
	v_set(a, d, "https", v_bool(a, https));
	v_set(a, d, "acm", v_bool(a, acm));
	v_set(a, d, "existing", v_bool(a, https && tls == TLS_EXISTING));
	v_set(a, d, "certificate_arn",
	      v_str(a, spec->domain.certificate_arn.s ? spec->domain.certificate_arn.s : ""));
	v_set(a, d, "validate", v_bool(a, acm && *zone));
	v_set(a, d, "record", v_bool(a, record));
	v_set(a, d, "apex", v_bool(a, record && same_name(name, zone)));
	v_set(a, d, "cert_set", v_str(a, HELM_PROXY_SSL_CERT_SET));
	v_set(a, d, "cert_output", v_str(a, HELM_PROXY_CERT_OUTPUT));
	return d;
}
