/*
 * check/auth.c - AUTH001-AUTH005, AUTH007, AUTH008, AUTH010: how users log in.
 *
 * Consumes each environment's resolved spec (auth, aws.region, domain, tier) and the
 * regions table (data.h: which regions offer Cognito user pools). Produces findings at
 * the value that is wrong, with notes at the value it disagrees with. The Cognito
 * settings are judged only in mode cognito, where the hub uses them. AUTH006 (secret
 * references) lives in check/secret.c, which reads the SOPS file; AUTH009 compares
 * environments and lives elsewhere; AUTH011 (example domains) lives in
 * check/placeholder.c. A spec with schema errors is judged on its valid values
 * (resolve.c leaves the refused ones out of its model).
 */
#include "data.h"
#include "model.h"

#include <string.h>

#define COGNITO_SUFFIX ".amazoncognito.com"

/* A region name seen inside an ID or a host name, for comparing and quoting. */
struct span {
	const char *s;
	size_t n;
};

static bool span_is(struct span sp, const char *s)
{
	return strlen(s) == sp.n && memcmp(sp.s, s, sp.n) == 0;
}

/* The nearest known region (a likely typo), or NULL. */
static const char *nearest_region(const struct data *d, const char *name)
{
	struct nearest n = nearest_start(name, strlen(name), 2);
	for (size_t i = 0; i < d->nregions; i++)
		nearest_offer(&n, d->regions[i].name);
	return n.best;
}

/* AUTH001: the pool's region offers Cognito user pools. */
static void check_region(struct ctx *ctx, struct env *e, const struct node *region)
{
	const struct data *d = data_get(ctx);
	if (!d)
		return;	/* the table cannot be used: SPEC012 says why */
	const struct region_info *ri = data_region(d, region->str);
	struct diag *dg;
	if (!ri) {
		dg = diag_add(ctx, "AUTH001", e->name, region->loc,
			      "Cognito region '%s' is not an AWS region", region->str);
		const char *near = nearest_region(d, region->str);
		if (near)
			diag_help(ctx, dg, "did you mean '%s'?", near);
		return;
	}
	if (ri->cognito)
		return;
	dg = diag_add(ctx, "AUTH001", e->name, region->loc,
		      "Amazon Cognito user pools are not offered in '%s'", region->str);
	diag_help(ctx, dg, "set 'auth.cognito.region' to the region the user pool lives in "
			   "(it may differ from 'aws.region'; schemas/regions.json lists where "
			   "Cognito is offered)");
}

/* AUTH002: user_pool_id is <region>_<id>, in auth.cognito.region. */
static void check_pool_id(struct ctx *ctx, struct env *e, const struct node *pool,
			  const struct node *region)
{
	const char *us = strchr(pool->str, '_');
	struct diag *d;
	if (!us || us == pool->str || us[1] == '\0') {
		d = diag_add(ctx, "AUTH002", e->name, pool->loc,
			     "user pool ID '%s' is not of the form <region>_<id>", pool->str);
		diag_help(ctx, d, "copy the pool ID from the Cognito console, e.g. '%s_AbC123xyz'",
			  region->str);
		return;
	}
	struct span in = { pool->str, (size_t)(us - pool->str) };
	if (span_is(in, region->str))
		return;
	d = diag_add(ctx, "AUTH002", e->name, pool->loc,
		     "user pool '%s' is in '%.*s', but 'auth.cognito.region' is '%s'", pool->str,
		     (int)in.n, in.s, region->str);
	diag_note(ctx, d, region->loc, "'auth.cognito.region' is set here");
	diag_help(ctx, d, "set 'auth.cognito.region' to '%.*s', or use the ID of a pool in '%s'",
		  (int)in.n, in.s, region->str);
}

/*
 * The region of a Cognito prefix domain <prefix>.auth.<region>.amazoncognito.com (also
 * auth-fips); false when host is not of that form.
 */
static bool cognito_domain_region(const char *host, struct span *region)
{
	size_t n = strlen(host) - strlen(COGNITO_SUFFIX);
	const char *dot1 = memchr(host, '.', n);
	if (!dot1 || dot1 == host)
		return false;
	for (const char *p = host; p < dot1; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	const char *rest = dot1 + 1;
	size_t restlen = (size_t)(host + n - rest);
	static const char *const labels[] = { "auth.", "auth-fips.", NULL };
	for (const char *const *l = labels; *l; l++) {
		size_t ll = strlen(*l);
		if (restlen > ll && memcmp(rest, *l, ll) == 0 &&
		    !memchr(rest + ll, '.', restlen - ll)) {
			*region = (struct span){ rest + ll, restlen - ll };
			return true;
		}
	}
	return false;
}

/* AUTH003: a Cognito prefix domain lives in auth.cognito.region. */
static void check_domain(struct ctx *ctx, struct env *e, const struct node *domain,
			 const struct node *region)
{
	if (!str_ends_with(domain->str, COGNITO_SUFFIX))
		return;	/* a custom domain: its region is not in its name */
	struct span in;
	struct diag *d;
	if (!cognito_domain_region(domain->str, &in)) {
		d = diag_add(ctx, "AUTH003", e->name, domain->loc,
			     "Cognito domain '%s' is not of the form "
			     "<prefix>.auth.<region>.amazoncognito.com",
			     domain->str);
		diag_help(ctx, d, "copy the domain from the user pool's App integration tab");
		return;
	}
	if (span_is(in, region->str))
		return;
	d = diag_add(ctx, "AUTH003", e->name, domain->loc,
		     "Cognito domain '%s' is in '%.*s', but 'auth.cognito.region' is '%s'",
		     domain->str, (int)in.n, in.s, region->str);
	diag_note(ctx, d, region->loc, "'auth.cognito.region' is set here");
	diag_help(ctx, d, "use the domain of the user pool in '%s'", region->str);
}

/* A plain e-mail address: local@domain.tld, no spaces, one '@'. */
static bool is_email(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@'))
		return false;
	for (const char *p = s; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == ',' || *p == ';' || *p == '<' || *p == '>')
			return false;
	const char *dot = strrchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1] != '\0';
}

/* AUTH007: with Cognito the hub's usernames are e-mail addresses. */
static void check_users(struct ctx *ctx, struct env *e, const struct m_strs *list)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct node *u = list->v[i].n;
		if (!list->v[i].s || is_email(u->str))
			continue;
		struct diag *d = diag_add(ctx, "AUTH007", e->name, u->loc,
					  "'%s' in '%s' is not an e-mail address: with Cognito the "
					  "hub's usernames are e-mail addresses",
					  u->str, list->path);
		if (strpbrk(u->str, "@ \t,;<>"))
			diag_help(ctx, d, "list the address the user signs in with");
		else
			diag_help(ctx, d, "list the address the user signs in with, e.g. "
					  "'%s@example.org'",
				  u->str);
	}
}

static void check_cognito(struct ctx *ctx, struct env *e)
{
	const struct model *m = e->model;
	const struct node *region = m_str_node(&m->auth.cognito.region);
	if (region) {
		check_region(ctx, e, region);
		const struct node *pool = m_str_node(&m->auth.cognito.user_pool_id);
		if (pool)
			check_pool_id(ctx, e, pool, region);
		const struct node *domain = m_str_node(&m->auth.cognito.domain);
		if (domain)
			check_domain(ctx, e, domain, region);
		const struct node *aws = m_str_node(&m->aws.region);
		if (aws && strcmp(aws->str, region->str) != 0) {
			struct diag *d = diag_add(ctx, "AUTH008", e->name, region->loc,
						  "Cognito user pool region '%s' differs from the "
						  "cluster region '%s'",
						  region->str, aws->str);
			if (aws->loc.line)
				diag_note(ctx, d, aws->loc, "the cluster region is set here");
			diag_help(ctx, d, "if that is intended, suppress this note with the reason");
		}
	}
	check_users(ctx, e, &m->auth.admins);
	check_users(ctx, e, &m->auth.allowed_users);
	if (m->auth.allow_all_users.v) {
		struct diag *d = diag_add(ctx, "AUTH010", e->name, m->auth.allow_all_users.n->loc,
					  "every account of the Cognito user pool gets a server "
					  "(allow_all_users: true)");
		diag_help(ctx, d, "list the users in 'auth.allowed_users' and set "
				  "'allow_all_users: false', or suppress this if only they can have "
				  "accounts in the pool");
	}
}

/* AUTH004: OAuth callbacks need the hub on an https address. */
static void check_https(struct ctx *ctx, struct env *e, const struct node *mode, bool cognito)
{
	const struct node *name = e->model->domain.name.n;
	const struct node *tls = e->model->domain.tls.n;
	bool named = e->model->domain.name.s && name->len > 0;
	if (model_https(e->model))
		return;
	const char *who = cognito ? "Cognito" : "GitHub";
	const char *why = cognito ? "Cognito accepts only https callback URLs"
				  : "the OAuth code and session cookie cross the network in clear";
	struct diag *d;
	if (!named)
		d = diag_add(ctx, "AUTH004", e->name, mode->loc,
			     "%s login without 'domain.name': the hub is served over plain http "
			     "and %s",
			     who, why);
	else
		d = diag_add(ctx, "AUTH004", e->name, mode->loc,
			     "%s login while 'domain.tls' is 'none': the hub is served over "
			     "plain http and %s",
			     who, why);
	if (cognito)
		d->sev = SEV_ERROR;
	if (!named && name && name->loc.line)
		diag_note(ctx, d, name->loc, "'domain.name' is empty here");
	if (named && tls && tls->loc.line)
		diag_note(ctx, d, tls->loc, "'domain.tls' is set here");
	diag_help(ctx, d, "serve the hub on its own name with a certificate: domain: {name: "
			  "hub.example.org, tls: acm, route53_zone: example.org}");
}

static void auth_env(struct ctx *ctx, struct env *e)
{
	if (!e->resolved)
		return;
	const struct m_enum *auth = &e->model->auth.mode;
	const struct node *mode = auth->n;
	if (auth->v == AUTH_COGNITO) {
		check_cognito(ctx, e);
		check_https(ctx, e, mode, true);
	} else if (auth->v == AUTH_GITHUB) {
		check_https(ctx, e, mode, false);
	} else if (auth->v == AUTH_DUMMY && e->tier != TIER_EPHEMERAL && e->tier != TIER_NONE) {
		/* the tier raises it: an error on staging and production (diag.c) */
		struct diag *d = diag_add(ctx, "AUTH005", e->name, mode->loc,
					  "dummy authentication outside the ephemeral tier: anyone "
					  "who reaches the hub logs in, as any user");
		diag_help(ctx, d, "use 'github' or 'cognito', or set 'tier: ephemeral' for a "
				  "short-lived environment");
	}
}

/* ---- the AUTH rules (their explain texts: docs/rules/<ID>.txt) ------------------- */

static const struct rule auth_rules[] = {
	{ .id = "AUTH001", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "Cognito region has no Cognito user pools" },
	{ .id = "AUTH002", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "user pool ID prefix differs from auth.cognito.region" },
	{ .id = "AUTH003", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "Cognito domain's region differs from auth.cognito.region" },
	{ .id = "AUTH004", .sev = SEV_WARNING, .raise_on_prod = true, .suppressible = true,
	  .summary = "OAuth without domain.name and tls acm or existing: an error for "
		     "Cognito (its callback must be https), a warning for GitHub" },
	{ .id = "AUTH005", .sev = SEV_WARNING, .raise_on_prod = true, .raise_on_staging = true,
	  .suppressible = true,
	  .summary = "dummy auth outside the ephemeral tier (error on production and staging)" },
	/* reported by check/secret.c, with the SOPS file's other checks */
	{ .id = "AUTH006", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "a secret-bearing key is a literal, or its sops: key is absent from the "
		     "SOPS file" },
	{ .id = "AUTH007", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "Cognito mode with admins or allowed users that are not e-mail addresses "
		     "(the hub's username is the e-mail claim)" },
	{ .id = "AUTH008", .sev = SEV_NOTE, .suppressible = true,
	  .summary = "Cognito pool region differs from the cluster region" },
	/* reported by check/xenv.c, which compares environments */
	{ .id = "AUTH009", .sev = SEV_WARNING, .suppressible = true,
	  .summary = "two environments use the same literal Cognito client ID" },
	{ .id = "AUTH010", .sev = SEV_WARNING, .suppressible = true,
	  .summary = "Cognito with allow_all_users: true: anyone who can sign up to the pool "
		     "gets a server" },
	/* reported by check/placeholder.c, with NET009 */
	{ .id = "AUTH011", .sev = SEV_WARNING, .raise_on_prod = true, .suppressible = true,
	  .summary = "an admin, allowed user or owner e-mail at a domain reserved for examples "
		     "(RFC 2606, RFC 6761)" },
};

const struct check check_auth = {
	.name = "auth",
	.run_env = auth_env,
	.rules = auth_rules,
	.nrules = sizeof(auth_rules) / sizeof(auth_rules[0]),
};
