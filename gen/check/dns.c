/*
 * check/dns.c - DNS001-DNS003: the hub's domain, its Route 53 zone and its certificate.
 *
 * Consumes the resolved, schema-valid domain block (name, tls, route53_zone,
 * certificate_arn) and aws.region of each environment; produces diagnostics only. Names are compared as DNS compares them:
 * case-insensitively, a trailing root dot ignored. Without domain.name the hub is served
 * on the load balancer's hostname and neither rule applies.
 */
#include "model.h"

#include <string.h>

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The length of a domain name without its trailing root dot. */
static size_t dns_len(const struct node *n)
{
	return n->len > 0 && n->str[n->len - 1] == '.' ? n->len - 1 : n->len;
}

/* Is zone the name itself or one of its parent domains (a suffix at a label boundary)? */
static bool zone_holds(const struct node *zone, const struct node *name)
{
	size_t zl = dns_len(zone), nl = dns_len(name);
	if (zl == 0 || zl > nl)
		return false;
	for (size_t i = 0; i < zl; i++)
		if (lower(zone->str[i]) != lower(name->str[nl - zl + i]))
			return false;
	return zl == nl || name->str[nl - zl - 1] == '.';
}

/* The parent domain of a name ("hub.example.org" -> "example.org"), or NULL. */
static const char *parent_domain(struct ctx *ctx, const struct node *name)
{
	size_t nl = dns_len(name);
	const char *dot = memchr(name->str, '.', nl);
	if (!dot || !memchr(dot + 1, '.', nl - (size_t)(dot + 1 - name->str)))
		return NULL;	/* "example.org" has no parent zone worth naming */
	return arena_strndup(&ctx->perm, dot + 1, nl - (size_t)(dot + 1 - name->str));
}

/*
 * DNS003: the certificate of tls: existing is in another region than the cluster. The
 * region is the ARN's fourth field (arn:PARTITION:acm:REGION:ACCOUNT:certificate/ID; the
 * schema's pattern holds it).
 */
static void cert_region(struct ctx *ctx, struct env *e)
{
	const struct model *m = e->model;
	const struct node *arn = m_str_node(&m->domain.certificate_arn);
	const char *region = m->aws.region.s;
	if (m->domain.tls.v != TLS_EXISTING || !arn || !region)
		return;
	const char *p = arn->str;
	for (int field = 0; field < 3 && p; field++) {
		p = strchr(p, ':');
		p = p ? p + 1 : NULL;
	}
	const char *end = p ? strchr(p, ':') : NULL;
	if (!end || end == p)
		return;	/* not an ARN: the schema reports it */
	size_t n = (size_t)(end - p);
	if (n == strlen(region) && memcmp(p, region, n) == 0)
		return;
	const char *cert_region = arena_strndup(&ctx->perm, p, n);
	struct diag *d = diag_add(ctx, "DNS003", e->name, arn->loc,
				  "certificate '%s' is in '%s', but the cluster is in '%s': a load "
				  "balancer presents only certificates of its own region",
				  arn->str, cert_region, region);
	const struct node *at = m_str_node(&m->aws.region);
	if (at && at->loc.line)
		diag_note(ctx, d, at->loc, "'aws.region' is set here");
	diag_help(ctx, d, "import or request the certificate in '%s' and use that ARN, or "
			  "set 'domain.tls: acm' to have one created there",
		  region);
}

static void dns_env(struct ctx *ctx, struct env *e)
{
	if (!e->resolved || e->abstract)
		return;
	const struct model *m = e->model;
	const struct node *name = m_str_node(&m->domain.name);
	const struct node *tls = m->domain.tls.s ? m->domain.tls.n : NULL;
	const struct node *zone = m_str_node(&m->domain.route53_zone);
	cert_region(ctx, e);
	if (!name || dns_len(name) == 0)
		return;
	const char *parent = parent_domain(ctx, name);

	if (m->domain.tls.v == TLS_ACM && !zone) {
		struct diag *d = diag_add(ctx, "DNS001", e->name, tls->loc,
					  "tls is 'acm' but domain.route53_zone is not set: the "
					  "certificate's validation record for '%s' must be created "
					  "by hand before the certificate is issued",
					  name->str);
		if (parent)
			diag_help(ctx, d, "set domain.route53_zone to the Route 53 zone that holds "
					  "'%s', e.g. '%s'",
				  name->str, parent);
		else
			diag_help(ctx, d, "set domain.route53_zone to the Route 53 zone that holds "
					  "'%s'",
				  name->str);
	}

	if (zone && !zone_holds(zone, name)) {
		struct diag *d = diag_add(ctx, "DNS002", e->name, zone->loc,
					  "Route 53 zone '%s' cannot hold '%s': it is neither that "
					  "name nor a parent domain of it",
					  zone->str, name->str);
		if (name->loc.line)
			diag_note(ctx, d, name->loc, "domain.name set here");
		if (parent)
			diag_help(ctx, d, "set domain.route53_zone to the zone of '%s', e.g. "
					  "'%s'",
				  name->str, parent);
		else
			diag_help(ctx, d, "set domain.route53_zone to '%s' or the zone that holds "
					  "it",
				  name->str);
	}
}

/* ---- the DNS rules (their explain texts: docs/rules/<ID>.txt) -------------------- */

static const struct rule dns_rules[] = {
	{ .id = "DNS001", .sev = SEV_WARNING, .suppressible = true,
	  .summary = "tls: acm without route53_zone: validation records must be created by hand" },
	{ .id = "DNS002", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "route53_zone is not a suffix of domain.name at a label boundary" },
	{ .id = "DNS003", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "tls: existing with a certificate_arn in another region than aws.region" },
};

const struct check check_dns = {
	.name = "dns",
	.run_env = dns_env,
	.rules = dns_rules,
	.nrules = sizeof(dns_rules) / sizeof(dns_rules[0]),
};
