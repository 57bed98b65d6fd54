/*
 * check/net.c - NET001-NET008: the addresses and the subnet plan of each environment,
 * and NET003, VPC overlap between environments. NET009 (documentation ranges) has its
 * row here and is reported by check/placeholder.c.
 *
 * Consumes the models of resolved, schema-valid specs (network, cluster.service_cidr,
 * cluster.endpoint_public_cidrs, aws.region/azs, node_groups) and the regions table
 * (data.h; NET007 skips the table check quietly when it cannot be loaded). Produces
 * diagnostics only. A CIDR that NET001 rejects takes part in no other rule, so one typo
 * gives one finding. NET003 sorts the VPC ranges by first address and sweeps them once,
 * keeping the ranges still open in a heap ordered by last address: O(n log n) plus
 * O(a log a) for an allow_overlap_with list of a names, at most one finding per
 * environment.
 */
#include "check/placeholder.h"
#include "cidr.h"
#include "data.h"
#include "model.h"

#include <stdlib.h>
#include <string.h>

/* AWS subnets are /16 to /28; eragen's VPCs /16 to /24 (DESIGN 4). */
#define VPC_MIN_PREFIX 16
#define VPC_MAX_PREFIX 24
#define SUBNET_MAX_PREFIX 28
#define SERVICE_MIN_PREFIX 12
#define SERVICE_MAX_PREFIX 24

static bool judged(const struct env *e)
{
	return e->resolved && !e->abstract;
}

/* Where to report a value: its own line, else the fallback's, else the environment's
 * 'name' line, else its file (schema defaults have no line). */
static struct loc value_loc(const struct env *e, const struct node *n,
			    const struct node *fallback)
{
	if (n && n->loc.line)
		return n->loc;
	if (fallback && fallback->loc.line)
		return fallback->loc;
	const struct node *name = e->model ? e->model->name.n : NULL;
	if (name)
		return name->loc;
	return (struct loc){ .file = e->file ? e->file->id : 0 };
}

static const char *fmt_cidr(struct ctx *ctx, struct cidr c)
{
	char buf[CIDR_BUFSZ];
	return arena_strdup(&ctx->perm, cidr_format(c, buf, sizeof(buf)));
}

/*
 * Parse a CIDR where one is expected (what: "VPC CIDR", "peer network", ...); NET001 when
 * it is not a network address. true with *out when it can take part in other rules.
 */
static bool parse_cidr(struct ctx *ctx, const struct env *e, const struct m_str *f,
		       const char *what, struct cidr *out)
{
	const struct node *n = f->n;
	const char *path = f->path;
	if (!f->s || doc_prefix_v6(n->str, n->len))
		return false;	/* an IPv6 documentation prefix: NET009 (check/placeholder.c) */
	const char *why = NULL;
	switch (cidr_parse(n->str, n->len, out, &why)) {
	case CIDR_OK:
		return true;
	case CIDR_HOST_BITS: {
		struct diag *d = diag_add(ctx, "NET001", e->name, value_loc(e, n, NULL),
					  "%s '%s' has host bits set: the network address of a "
					  "/%u is '%s'",
					  what, n->str, out->prefix, fmt_cidr(ctx, cidr_network(*out)));
		diag_help(ctx, d, "write '%s' in %s (or a longer prefix if a smaller block was "
				  "meant)",
			  fmt_cidr(ctx, cidr_network(*out)), path);
		return false;
	}
	case CIDR_INVALID:
		break;
	}
	struct diag *d = diag_add(ctx, "NET001", e->name, value_loc(e, n, NULL),
				  "%s %s is not a valid IPv4 CIDR: %s", what,
				  node_display(&ctx->perm, n), why);
	/* a bare address: the block of that one address is the likely intent */
	const char *one = arena_printf(&ctx->perm, "%.*s/32", (int)n->len, n->str);
	if (cidr_parse(one, strlen(one), NULL, NULL) == CIDR_OK)
		diag_help(ctx, d, "write '%s' for the single address", one);
	else
		diag_help(ctx, d, "write an IPv4 network address and prefix length, e.g. "
				  "10.7.0.0/16");
	return false;
}

/* ---- the VPC: NET001 (prefix), NET002, NET004 ---- */

static bool check_vpc(struct ctx *ctx, const struct env *e, const struct m_str *f,
		      struct cidr *vpc, bool *size_ok)
{
	const struct node *vn = f->n;
	*size_ok = false;
	if (!parse_cidr(ctx, e, f, "VPC CIDR", vpc))
		return false;
	if (vpc->prefix < VPC_MIN_PREFIX || vpc->prefix > VPC_MAX_PREFIX) {
		struct diag *d = diag_add(ctx, "NET001", e->name, value_loc(e, vn, NULL),
					  "VPC CIDR '%s' is a /%u: a VPC must be a /%d to /%d",
					  vn->str, vpc->prefix, VPC_MIN_PREFIX, VPC_MAX_PREFIX);
		if (vpc->prefix < VPC_MIN_PREFIX)
			diag_help(ctx, d, "AWS allows at most a /16 per VPC: use a /16 to /24 "
					  "inside it, e.g. '%s'",
				  fmt_cidr(ctx, (struct cidr){ vpc->addr, VPC_MIN_PREFIX }));
		else
			diag_help(ctx, d, "a VPC smaller than /24 leaves no room for nodes and "
					  "pods (each pod takes a VPC address): use a /16 to /24");
	} else {
		*size_ok = true;
	}
	if (!cidr_is_private(*vpc)) {
		struct diag *d = diag_add(ctx, "NET002", e->name, value_loc(e, vn, NULL),
					  "VPC CIDR '%s' is not a private range", vn->str);
		diag_help(ctx, d, "use a block inside 10.0.0.0/8, 172.16.0.0/12 or "
				  "192.168.0.0/16 (RFC 1918), or 100.64.0.0/10 (RFC 6598)");
	}
	return true;
}

/* Parse every peer (NET001), and report each that overlaps the VPC (NET004). */
static void check_peers(struct ctx *ctx, const struct env *e, const struct m_strs *peers,
			const struct node *vn, const struct cidr *vpc)
{
	for (size_t i = 0; i < peers->count; i++) {
		const struct node *p = peers->v[i].n;
		struct cidr pc;
		if (!parse_cidr(ctx, e, &peers->v[i], "peer network", &pc) || !vpc ||
		    !cidr_overlaps(*vpc, pc))
			continue;
		struct diag *d = diag_add(ctx, "NET004", e->name, value_loc(e, vn, p),
					  "VPC CIDR '%s' overlaps peer network '%s'", vn->str,
					  p->str);
		if (p->loc.line)
			diag_note(ctx, d, p->loc, "peer declared here");
		diag_help(ctx, d, "choose a network.vpc_cidr outside every peer network");
	}
}

/* ---- NET005: the service CIDR ---- */

/* A conventional service range that overlaps neither the VPC nor a peer, or NULL. */
static const char *free_service_cidr(const struct m_strs *peers, const struct cidr *vpc)
{
	static const char *const candidates[] = { "172.20.0.0/16", "10.100.0.0/16",
						  "172.21.0.0/16", "192.168.0.0/16", NULL };
	for (const char *const *c = candidates; *c; c++) {
		struct cidr s;
		cidr_parse(*c, strlen(*c), &s, NULL);
		bool clash = vpc && cidr_overlaps(s, *vpc);
		for (size_t i = 0; !clash && i < peers->count; i++) {
			const struct node *p = peers->v[i].n;
			struct cidr pc;
			clash = peers->v[i].s &&
				cidr_parse(p->str, p->len, &pc, NULL) == CIDR_OK &&
				cidr_overlaps(s, pc);
		}
		if (!clash)
			return *c;
	}
	return NULL;
}

/* The help of a NET005 finding. The free range is looked for once per environment
 * (*looked): every peer inside the service range is a finding, and each search reads
 * every peer. */
static void service_help(struct ctx *ctx, struct diag *d, const struct m_strs *peers,
			 const struct cidr *vpc, bool *looked, const char **free_cidr)
{
	if (!*looked)
		*free_cidr = free_service_cidr(peers, vpc);
	*looked = true;
	const char *free = *free_cidr;
	if (free)
		diag_help(ctx, d, "set cluster.service_cidr to a range that overlaps nothing, "
				  "e.g. %s",
			  free);
	else
		diag_help(ctx, d, "set cluster.service_cidr to an RFC 1918 /12 to /24 outside "
				  "the VPC and its peers");
}

static void check_service(struct ctx *ctx, const struct env *e, const struct m_str *f,
			  const struct node *vn, const struct cidr *vpc, const struct m_strs *peers)
{
	const struct node *sn = f->n;
	struct cidr svc;
	if (!parse_cidr(ctx, e, f, "service CIDR", &svc))
		return;
	bool looked = false;
	const char *free_cidr = NULL;
	if (!cidr_is_rfc1918(svc) || svc.prefix < SERVICE_MIN_PREFIX ||
	    svc.prefix > SERVICE_MAX_PREFIX) {
		struct diag *d = diag_add(
			ctx, "NET005", e->name, value_loc(e, sn, NULL),
			!cidr_is_rfc1918(svc)
				? "service CIDR '%s' is not inside RFC 1918 (10.0.0.0/8, "
				  "172.16.0.0/12, 192.168.0.0/16): EKS refuses it"
				: "service CIDR '%s' is not a /12 to /24: EKS refuses it",
			sn->str);
		service_help(ctx, d, peers, vpc, &looked, &free_cidr);
		return;
	}
	/* a service range left at its default is reported at the VPC or peer it hits */
	const char *dflt = sn->loc.line ? "" : " (the default)";
	if (vpc && cidr_overlaps(svc, *vpc)) {
		struct diag *d = diag_add(ctx, "NET005", e->name, value_loc(e, sn, vn),
					  "service CIDR '%s'%s overlaps VPC CIDR '%s'", sn->str, dflt,
					  vn->str);
		if (sn->loc.line && vn->loc.line)
			diag_note(ctx, d, vn->loc, "VPC CIDR set here");
		service_help(ctx, d, peers, vpc, &looked, &free_cidr);
	}
	for (size_t i = 0; i < peers->count; i++) {
		const struct node *p = peers->v[i].n;
		struct cidr pc;
		if (!peers->v[i].s || cidr_parse(p->str, p->len, &pc, NULL) != CIDR_OK ||
		    !cidr_overlaps(svc, pc))
			continue;
		struct diag *d = diag_add(ctx, "NET005", e->name, value_loc(e, sn, p),
					  "service CIDR '%s'%s overlaps peer network '%s'", sn->str,
					  dflt, p->str);
		if (sn->loc.line && p->loc.line)
			diag_note(ctx, d, p->loc, "peer declared here");
		service_help(ctx, d, peers, vpc, &looked, &free_cidr);
	}
}

static void check_endpoint_cidrs(struct ctx *ctx, const struct env *e, const struct m_strs *l)
{
	for (size_t i = 0; i < l->count; i++) {
		struct cidr c;
		parse_cidr(ctx, e, &l->v[i], "public endpoint CIDR", &c);
	}
}

/* ---- NET006: the subnet plan ---- */

/* The least n with 2^n >= x. */
static unsigned bits_for(size_t x)
{
	unsigned n = 0;
	while (n < 32 && ((size_t)1 << n) < x)
		n++;
	return n;
}

static void check_subnets(struct ctx *ctx, const struct env *e, const struct node *vn,
			  struct cidr vpc)
{
	const struct node *azs = e->model->aws.azs.n;
	const struct node *nb = e->model->network.subnet_newbits.n;
	if (e->model->aws.azs.count == 0 || !e->model->network.subnet_newbits.set ||
	    nb->v.i < 0 || nb->v.i > 32)
		return;
	unsigned newbits = (unsigned)nb->v.i;
	size_t need = 2 * azs->n;
	unsigned least = bits_for(need);
	unsigned prefix = vpc.prefix + newbits;
	struct loc at = value_loc(e, nb, vn);
	struct diag *d;
	bool too_few = newbits < least;
	if (too_few) {
		d = diag_add(ctx, "NET006", e->name, at,
			     "subnet plan does not fit: %zu AZs need %zu subnets (one public, one "
			     "private each) but subnet_newbits %u cuts '%s' into %u",
			     (size_t)azs->n, need, newbits, vn->str, 1u << newbits);
	} else if (prefix > SUBNET_MAX_PREFIX) {
		d = diag_add(ctx, "NET006", e->name, at,
			     "subnet plan does not fit: subnet_newbits %u cuts '%s' into /%u "
			     "subnets, smaller than the /%d AWS allows",
			     newbits, vn->str, prefix, SUBNET_MAX_PREFIX);
	} else {
		return;
	}
	unsigned most = SUBNET_MAX_PREFIX - vpc.prefix;	/* size_ok: vpc.prefix <= 24 */
	if (least == most)
		diag_help(ctx, d, "set network.subnet_newbits to %u", least);
	else if (least < most)
		diag_help(ctx, d, "set network.subnet_newbits to a value from %u to %u", least,
			  most);
	else if (least <= SUBNET_MAX_PREFIX - VPC_MIN_PREFIX)
		diag_help(ctx, d, "use a VPC of /%u or larger, or fewer AZs",
			  SUBNET_MAX_PREFIX - least);
	else
		diag_help(ctx, d, "use fewer AZs");
	if (too_few && azs->loc.line && nb->loc.line)
		diag_note(ctx, d, azs->loc, "AZs listed here");
}

/* network.subnets: one CIDR per AZ in each list, each a /16 to /28 inside the VPC, no two
 * sharing an address (sorted by first address: an overlap shows against the block that
 * reaches furthest among those before it). */
struct given_subnet {
	struct cidr c;
	const struct node *n;
};

static int cmp_given(const void *pa, const void *pb)
{
	const struct given_subnet *a = pa, *b = pb;
	uint32_t x = cidr_first(a->c), y = cidr_first(b->c);
	return (x > y) - (x < y);
}

static void given_list(struct ctx *ctx, const struct env *e, const struct m_strs *l,
		       const struct node *vn, const struct cidr *vpc, struct given_subnet *out,
		       size_t *nout)
{
	size_t nazs = e->model->aws.azs.count;
	if (l->n && l->count != nazs) {
		struct diag *d = diag_add(ctx, "NET006", e->name, value_loc(e, l->n, NULL),
					  "'%s' lists %zu subnets for the %zu AZs of 'aws.azs': one "
					  "per AZ, in that order",
					  l->path, l->count, nazs);
		diag_help(ctx, d, "list one CIDR per AZ of aws.azs");
	}
	for (size_t i = 0; i < l->count; i++) {
		struct cidr c;
		if (!parse_cidr(ctx, e, &l->v[i], "subnet", &c))
			continue;
		const struct node *n = l->v[i].n;
		if (c.prefix < VPC_MIN_PREFIX || c.prefix > SUBNET_MAX_PREFIX)
			diag_add(ctx, "NET006", e->name, value_loc(e, n, NULL),
				 "subnet '%s' is a /%u: AWS subnets are /%d to /%d", n->str,
				 c.prefix, VPC_MIN_PREFIX, SUBNET_MAX_PREFIX);
		else if (vpc && !cidr_contains(*vpc, c))
			diag_add(ctx, "NET006", e->name, value_loc(e, n, NULL),
				 "subnet '%s' is not inside the VPC '%s'", n->str, vn->str);
		out[(*nout)++] = (struct given_subnet){ c, n };
	}
}

static void check_given_subnets(struct ctx *ctx, const struct env *e, const struct node *vn,
				const struct cidr *vpc)
{
	const struct m_strs *pub = &e->model->network.subnets.public;
	const struct m_strs *priv = &e->model->network.subnets.private;
	struct given_subnet *v = arena_alloc(&ctx->scratch,
					     (pub->count + priv->count + 1) * sizeof(*v));
	size_t n = 0;
	given_list(ctx, e, pub, vn, vpc, v, &n);
	given_list(ctx, e, priv, vn, vpc, v, &n);
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_given);
	size_t far = 0;	/* the block before i that reaches furthest */
	for (size_t i = 1; i < n; i++) {
		if (cidr_overlaps(v[far].c, v[i].c)) {
			struct diag *d = diag_add(ctx, "NET006", e->name, value_loc(e, v[i].n, NULL),
						  "subnet '%s' overlaps subnet '%s'", v[i].n->str,
						  v[far].n->str);
			if (v[far].n->loc.line)
				diag_note(ctx, d, v[far].n->loc, "'%s' is listed here", v[far].n->str);
		}
		if (cidr_last(v[i].c) > cidr_last(v[far].c))
			far = i;
	}
}

/* ---- NET007: availability zones ---- */

static bool list_has(const struct m_strs *l, const struct node *s)
{
	for (size_t i = 0; i < l->count; i++)
		if (node_equal(l->v[i].n, s))
			return true;
	return false;
}

static const char *join_azs(struct ctx *ctx, const char *const *azs, size_t n)
{
	struct strbuf sb = SB_IN(&ctx->perm);
	for (size_t i = 0; i < n; i++)
		sb_printf(&sb, "%s%s", i ? ", " : "", azs[i]);
	return sb.buf ? sb.buf : "";
}

static void check_region_azs(struct ctx *ctx, const struct env *e)
{
	const struct node *rn = e->model->aws.region.n;
	const struct m_strs *azs = &e->model->aws.azs;
	if (!e->model->aws.region.s || azs->count == 0)
		return;
	const struct data *dt = data_get(ctx);
	const struct region_info *ri = dt ? data_region(dt, rn->str) : NULL;
	for (size_t i = 0; i < azs->count; i++) {
		const struct node *az = azs->v[i].n;
		if (!azs->v[i].s)
			continue;
		/* <region><letter>, or a Local Zone <region>-<place>-<n><letter> */
		bool ok = az->len > rn->len && memcmp(az->str, rn->str, rn->len) == 0 &&
			  ((az->str[rn->len] >= 'a' && az->str[rn->len] <= 'z') ||
			   az->str[rn->len] == '-');
		/* without the table (or for a region it does not know) the prefix must do */
		if (ok && ri) {
			bool known = false;
			for (size_t k = 0; k < ri->nazs && !known; k++)
				known = strcmp(ri->azs[k], az->str) == 0;
			ok = known;
		}
		if (ok)
			continue;
		struct diag *d = diag_add(ctx, "NET007", e->name, value_loc(e, az, azs->n),
					  "AZ '%s' is not an availability zone of region '%s'",
					  az->str, rn->str);
		if (rn->loc.line)
			diag_note(ctx, d, rn->loc, "region set here");
		if (ri)
			diag_help(ctx, d, "the AZs of %s are %s", rn->str,
				  join_azs(ctx, ri->azs, ri->nazs));
		else
			diag_help(ctx, d, "AZ names are the region name and a letter, e.g. '%sa'",
				  rn->str);
	}
}

static void check_group_azs(struct ctx *ctx, const struct env *e)
{
	const struct m_strs *azs = &e->model->aws.azs;
	if (!azs->n || azs->n->kind != NODE_SEQ)
		return;
	for (size_t g = 0; g < e->model->node_groups.count; g++) {
		const struct m_group *grp = &e->model->node_groups.v[g];
		const struct m_strs *gazs = &grp->azs;
		for (size_t i = 0; i < gazs->count; i++) {
			const struct node *az = gazs->v[i].n;
			if (!gazs->v[i].s || list_has(azs, az))
				continue;
			struct diag *d = diag_add(ctx, "NET007", e->name, value_loc(e, az, gazs->n),
						  "node group '%s' uses AZ '%s', which is not "
						  "in aws.azs",
						  grp->name, az->str);
			if (azs->n->loc.line)
				diag_note(ctx, d, azs->n->loc, "aws.azs set here");
			diag_help(ctx, d, "add '%s' to aws.azs (eragen makes subnets only there), "
					  "or pin the group to AZs of aws.azs",
				  az->str);
		}
	}
}

/* ---- NET008: NAT ---- */

static void check_nat(struct ctx *ctx, const struct env *e)
{
	const struct node *nat = e->model->network.nat.n;
	size_t ngroups = e->model->node_groups.count;
	if (e->model->network.nat.v != NAT_NONE || ngroups == 0)
		return;
	struct strbuf sb = SB_IN(&ctx->perm);
	for (size_t i = 0; i < ngroups && i < 3; i++)
		sb_printf(&sb, "%s'%s'", i ? ", " : "", e->model->node_groups.v[i].name);
	if (ngroups > 3)
		sb_printf(&sb, " and %zu more", ngroups - 3);
	struct diag *d = diag_add(ctx, "NET008", e->name, value_loc(e, nat, NULL),
				  "nat is 'none' but node group%s %s run%s in private subnets: "
				  "their nodes cannot reach the EKS API, ECR or S3 to join the "
				  "cluster",
				  ngroups > 1 ? "s" : "", sb.buf, ngroups > 1 ? "" : "s");
	diag_help(ctx, d, "set network.nat to 'single' (or 'per_az' to survive the loss of an "
			  "AZ)");
}

static void net_env(struct ctx *ctx, struct env *e)
{
	if (!judged(e))
		return;
	const struct model *m = e->model;
	const struct node *vn = m->network.vpc_cidr.n;
	const struct m_strs *peers = &m->network.peers;
	struct cidr vpc;
	bool size_ok;
	bool have_vpc = check_vpc(ctx, e, &m->network.vpc_cidr, &vpc, &size_ok);
	check_peers(ctx, e, peers, vn, have_vpc ? &vpc : NULL);
	check_service(ctx, e, &m->cluster.service_cidr, vn, have_vpc ? &vpc : NULL, peers);
	check_endpoint_cidrs(ctx, e, &m->cluster.endpoint_public_cidrs);
	if (m->network.subnets.n)
		check_given_subnets(ctx, e, vn, have_vpc ? &vpc : NULL);
	else if (have_vpc && size_ok)
		check_subnets(ctx, e, vn, vpc);
	check_region_azs(ctx, e);
	check_group_azs(ctx, e);
	check_nat(ctx, e);
}

/* ---- NET003: overlap between environments ---- */

struct vpc_range {
	uint32_t first, last;
	size_t order;			/* position in ctx->envs (sorted by name) */
	const struct env *env;
	const struct node *cidr;	/* network.vpc_cidr */
	const char **allow;		/* network.allow_overlap_with, sorted */
	size_t nallow;
};

static int cmp_range(const void *pa, const void *pb)
{
	const struct vpc_range *a = pa, *b = pb;
	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	if (a->last != b->last)
		return a->last > b->last ? -1 : 1;	/* the wider first */
	return a->order < b->order ? -1 : a->order > b->order;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool lists(const struct vpc_range *r, const char *name)
{
	return r->nallow && bsearch(&name, r->allow, r->nallow, sizeof(*r->allow), cmp_name);
}

/* The names in network.allow_overlap_with, sorted for lists(). */
static void collect_allow(struct ctx *ctx, struct vpc_range *r, const struct m_strs *l)
{
	if (l->count == 0)
		return;
	r->allow = arena_alloc(&ctx->perm, l->count * sizeof(*r->allow));
	for (size_t i = 0; i < l->count; i++)
		if (l->v[i].s)
			r->allow[r->nallow++] = l->v[i].s;
	qsort(r->allow, r->nallow, sizeof(*r->allow), cmp_name);
}

/* A min-heap of indexes into the sorted ranges, keyed by last address. */
struct open_heap {
	size_t *v;
	size_t n;
	const struct vpc_range *r;
};

static bool heap_less(const struct open_heap *h, size_t i, size_t j)
{
	return h->r[h->v[i]].last < h->r[h->v[j]].last;
}

static void heap_swap(struct open_heap *h, size_t i, size_t j)
{
	size_t t = h->v[i];
	h->v[i] = h->v[j];
	h->v[j] = t;
}

static void heap_push(struct open_heap *h, size_t idx)
{
	size_t i = h->n++;
	h->v[i] = idx;
	while (i > 0 && heap_less(h, i, (i - 1) / 2)) {
		heap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_pop(struct open_heap *h)
{
	h->v[0] = h->v[--h->n];
	for (size_t i = 0;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < h->n && heap_less(h, l, m))
			m = l;
		if (l + 1 < h->n && heap_less(h, l + 1, m))
			m = l + 1;
		if (m == i)
			break;
		heap_swap(h, i, m);
		i = m;
	}
}

/* The finding is about `later` (in sort order) and names `other`, which the diagnostic
 * also involves: `eragen lint <other>` shows it too. */
static void report_overlap(struct ctx *ctx, const struct vpc_range *later,
			   const struct vpc_range *other)
{
	const char *a = later->env->name, *b = other->env->name;
	struct diag *d = diag_add(ctx, "NET003", a, later->cidr->loc,
				  "VPC CIDR '%s' of '%s' overlaps VPC CIDR '%s' of '%s'",
				  later->cidr->str, a, other->cidr->str, b);
	diag_env(ctx, d, b);
	diag_note(ctx, d, other->cidr->loc, "'%s' sets its VPC CIDR here", b);
	bool ab = lists(later, b), ba = lists(other, a);
	if (ab != ba)
		diag_help(ctx, d, "'%s' lists '%s' in network.allow_overlap_with but '%s' does "
				  "not list '%s': both must, if the overlap is intended",
			  ab ? a : b, ab ? b : a, ab ? b : a, ab ? a : b);
	else if (later->env->file && later->cidr->loc.file != later->env->file->id)
		diag_help(ctx, d, "'%s' inherits its VPC CIDR: give it a network.vpc_cidr of its "
				  "own",
			  a);
	else
		diag_help(ctx, d, "give '%s' a network.vpc_cidr of its own; if the two VPCs are "
				  "never connected, list each other in network.allow_overlap_with",
			  a);
}

static void net_all(struct ctx *ctx)
{
	struct vpc_range *r = arena_alloc(&ctx->perm, (ctx->nenvs + 1) * sizeof(*r));
	size_t n = 0;
	for (size_t i = 0; i < ctx->nenvs; i++) {
		const struct env *e = ctx->envs[i];
		if (!judged(e))
			continue;
		const struct node *vn = e->model->network.vpc_cidr.n;
		struct cidr c;
		if (!e->model->network.vpc_cidr.s ||
		    cidr_parse(vn->str, vn->len, &c, NULL) != CIDR_OK)
			continue;	/* NET001 */
		r[n] = (struct vpc_range){ cidr_first(c), cidr_last(c), i, e, vn, NULL, 0 };
		collect_allow(ctx, &r[n++], &e->model->network.allow_overlap_with);
	}
	if (n < 2)
		return;
	qsort(r, n, sizeof(*r), cmp_range);
	struct open_heap h = { arena_alloc(&ctx->perm, n * sizeof(size_t)), 0, r };
	for (size_t k = 0; k < n; k++) {
		/* every range still open overlaps r[k]: it starts no later and ends after */
		while (h.n > 0 && r[h.v[0]].last < r[k].first)
			heap_pop(&h);
		/* skipping one costs an entry of r[k]'s allow list: the scan is short */
		for (size_t i = 0; i < h.n; i++) {
			const struct vpc_range *o = &r[h.v[i]];
			if (lists(&r[k], o->env->name) && lists(o, r[k].env->name))
				continue;
			report_overlap(ctx, &r[k], o);
			break;
		}
		heap_push(&h, k);
	}
}

/* ---- the NET rules (their explain texts: docs/rules/<ID>.txt) -------------------- */

static const struct rule net_rules[] = {
	{ .id = "NET001", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "invalid CIDR (syntax, host bits set, VPC prefix outside /16../24)" },
	{ .id = "NET002", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "VPC CIDR not private (RFC 1918 or RFC 6598)" },
	{ .id = "NET003", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "VPC CIDR overlaps another environment's (unless both acknowledge it)" },
	{ .id = "NET004", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "VPC CIDR overlaps a declared peer network" },
	{ .id = "NET005", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "service CIDR overlaps the VPC or a peer, or is not RFC 1918 /12../24" },
	{ .id = "NET006", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "subnet plan does not fit (2 x AZs subnets at subnet_newbits), or "
		     "network.subnets is not one CIDR per AZ inside the VPC, without overlaps" },
	{ .id = "NET007", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "AZ not in the region, or a node group's AZ not among aws.azs" },
	{ .id = "NET008", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "nat: none while node groups run in private subnets (nodes cannot join)" },
	/* reported by check/placeholder.c, with AUTH011 */
	{ .id = "NET009", .sev = SEV_WARNING, .raise_on_prod = true, .raise_on_staging = true,
	  .suppressible = true,
	  .summary = "endpoint CIDR or peer inside a documentation range (RFC 5737, RFC 3849): "
		     "a placeholder (error on production and staging)" },
};

const struct check check_net = {
	.name = "net",
	.run_env = net_env,
	.run_all = net_all,
	.rules = net_rules,
	.nrules = sizeof(net_rules) / sizeof(net_rules[0]),
};
