/*
 * check/placeholder.c - NET009 and AUTH011: values copied from an example and never
 * replaced. NET009: a public endpoint CIDR or a peer network inside a range reserved for
 * documentation (RFC 5737: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24; RFC 3849:
 * 2001:db8::/32). AUTH011: an admin, an allowed user or the owner e-mail at a domain
 * reserved for examples (RFC 2606 and RFC 6761: example.com, example.net, example.org and
 * their subdomains; the .example, .test, .invalid and .localhost top-level domains).
 *
 * Consumes the models of resolved, schema-valid, concrete specs; produces diagnostics
 * only. The rules' rows live with their families (check/net.c, check/auth.c). A network
 * that merely contains a documentation range (0.0.0.0/0) is not a placeholder: NET009
 * fires only for a block inside one. An IPv4 block with host bits set is NET001's; an
 * IPv6 block is NET001's unless it is a documentation prefix, which is reported here
 * only (doc_prefix_v6), so one placeholder gives one finding. O(n) in the entries.
 */
#include "check/placeholder.h"
#include "cidr.h"
#include "model.h"

#include <arpa/inet.h>
#include <string.h>

/* ---- NET009: documentation address ranges ---- */

struct doc_range {
	const char *cidr;
	const char *rfc;
};

static const struct doc_range doc_v4[] = {
	{ "192.0.2.0/24", "RFC 5737 TEST-NET-1" },
	{ "198.51.100.0/24", "RFC 5737 TEST-NET-2" },
	{ "203.0.113.0/24", "RFC 5737 TEST-NET-3" },
};

#define DOC_V6 "2001:db8::/32"
#define DOC_V6_RFC "RFC 3849"

bool doc_prefix_v6(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;
	char addr[INET6_ADDRSTRLEN + 1];
	if (alen == 0 || alen >= sizeof(addr) || !memchr(s, ':', alen))
		return false;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	unsigned char b[16];
	if (inet_pton(AF_INET6, addr, b) != 1)
		return false;
	unsigned prefix = 128;
	if (slash) {
		const char *p = slash + 1, *end = s + n;
		if (p == end || end - p > 3)
			return false;
		prefix = 0;
		for (; p < end; p++) {
			if (*p < '0' || *p > '9')
				return false;
			prefix = prefix * 10 + (unsigned)(*p - '0');
		}
		if (prefix > 128)
			return false;
	}
	/* inside 2001:db8::/32: a prefix of 32 or more, and the first 32 bits match */
	return prefix >= 32 && b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8;
}

/* The documentation range s[0..n) lies in, or NULL (also for what does not parse). */
static const struct doc_range *doc_range_of(const char *s, size_t n)
{
	static const struct doc_range v6 = { DOC_V6, DOC_V6_RFC };
	if (doc_prefix_v6(s, n))
		return &v6;
	struct cidr c;
	if (cidr_parse(s, n, &c, NULL) != CIDR_OK)
		return NULL;
	for (size_t i = 0; i < sizeof(doc_v4) / sizeof(doc_v4[0]); i++) {
		struct cidr r;
		cidr_parse(doc_v4[i].cidr, strlen(doc_v4[i].cidr), &r, NULL);
		if (cidr_contains(r, c))
			return &doc_v4[i];
	}
	return NULL;
}

static void check_doc_cidrs(struct ctx *ctx, struct env *e, const struct m_strs *l,
			    bool endpoint)
{
	for (size_t i = 0; i < l->count; i++) {
		const struct node *c = l->v[i].n;
		const struct doc_range *r = l->v[i].s ? doc_range_of(c->str, c->len) : NULL;
		if (!r)
			continue;
		struct loc at = env_value_loc(e, c, l->path);
		struct diag *d;
		if (endpoint) {
			d = diag_add(ctx, "NET009", e->name, at,
				     "public endpoint CIDR '%s' is inside %s, reserved for "
				     "documentation (%s): no real host has these addresses, so the "
				     "API endpoint admits nobody",
				     c->str, r->cidr, r->rfc);
			diag_help(ctx, d, "list the egress ranges of your operators and CI runners "
					  "in 'cluster.endpoint_public_cidrs' (GitHub-hosted runners "
					  "have none: '0.0.0.0/0' with a reason for POLICY006, or a "
					  "self-hosted runner)");
		} else {
			d = diag_add(ctx, "NET009", e->name, at,
				     "peer network '%s' is inside %s, reserved for documentation "
				     "(%s): it is an example, not a network this VPC connects to",
				     c->str, r->cidr, r->rfc);
			diag_help(ctx, d, "list the real peered and on-premises networks in "
					  "'network.peers', or remove the entry");
		}
	}
}

/* ---- AUTH011: reserved example domains ---- */

static bool label_is(const char *s, size_t n, const char *word)
{
	if (strlen(word) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (ch != word[i])
			return false;
	}
	return true;
}

/*
 * The reserved domain an address's domain d[0..n) falls under ("example.org",
 * ".test", ...), or NULL. A trailing dot is ignored; case does not matter.
 */
static const char *reserved_domain(const char *d, size_t n)
{
	static const char *const tlds[] = { "example", "test", "invalid", "localhost" };
	static const char *const slds[] = { "com", "net", "org" };
	if (n > 0 && d[n - 1] == '.')
		n--;
	const char *end = d + n;
	const char *dot = NULL;
	for (const char *p = d; p < end; p++)
		if (*p == '.')
			dot = p;
	const char *tld = dot ? dot + 1 : d;
	size_t tlen = (size_t)(end - tld);
	for (size_t i = 0; i < sizeof(tlds) / sizeof(tlds[0]); i++)
		if (label_is(tld, tlen, tlds[i]))
			return tlds[i];
	if (!dot)
		return NULL;
	const char *p = dot;
	while (p > d && p[-1] != '.')
		p--;
	if (!label_is(p, (size_t)(dot - p), "example"))
		return NULL;
	for (size_t i = 0; i < sizeof(slds) / sizeof(slds[0]); i++)
		if (label_is(tld, tlen, slds[i]))
			return slds[i];
	return NULL;
}

/* The domain of an e-mail address and the reserved name it falls under, or false. */
static bool reserved_address(const char *s, const char **domain, const char **under)
{
	const char *at = strrchr(s, '@');
	if (!at || at == s || at[1] == '\0')
		return false;
	const char *r = reserved_domain(at + 1, strlen(at + 1));
	if (!r)
		return false;
	*domain = at + 1;
	*under = r;
	return true;
}

/* "'example.org', a domain" or "'hub.example.org', inside 'example.org', a name". */
static const char *where(struct ctx *ctx, const char *domain, const char *under)
{
	bool sld = strcmp(under, "com") == 0 || strcmp(under, "net") == 0 ||
		   strcmp(under, "org") == 0;
	const char *label = arena_printf(&ctx->perm, sld ? "example.%s" : ".%s", under);
	size_t n = strlen(domain);
	if (n > 0 && domain[n - 1] == '.')
		n--;
	if (sld && label_is(domain, n, label))
		return arena_printf(&ctx->perm, "'%s', a domain", domain);
	if (!sld && label_is(domain, n, under))
		return arena_printf(&ctx->perm, "'%s', a top-level domain", domain);
	return arena_printf(&ctx->perm, "'%s', inside '%s', a name", domain, label);
}

static void check_users(struct ctx *ctx, struct env *e, const struct m_strs *l)
{
	for (size_t i = 0; i < l->count; i++) {
		const char *domain, *under;
		if (!l->v[i].s || !reserved_address(l->v[i].s, &domain, &under))
			continue;
		const struct node *u = l->v[i].n;
		struct diag *d = diag_add(ctx, "AUTH011", e->name, env_value_loc(e, u, l->path),
					  "'%s' in '%s' is at %s reserved for examples (RFC 2606, "
					  "RFC 6761): nobody signs in with it",
					  u->str, l->path, where(ctx, domain, under));
		diag_help(ctx, d, "list the address the user signs in with");
	}
}

static void check_owner(struct ctx *ctx, struct env *e, const struct m_str *f)
{
	const char *domain, *under;
	if (!f->s || !reserved_address(f->s, &domain, &under))
		return;
	struct diag *d = diag_add(ctx, "AUTH011", e->name, env_value_loc(e, f->n, f->path),
				  "owner e-mail '%s' is at %s reserved for examples (RFC 2606, "
				  "RFC 6761): the Owner tag names nobody",
				  f->s, where(ctx, domain, under));
	diag_help(ctx, d, "set 'owner.email' to a mailbox the environment's owners read");
}

static void placeholder_env(struct ctx *ctx, struct env *e)
{
	if (!e->resolved || e->abstract)
		return;
	const struct model *m = e->model;
	check_doc_cidrs(ctx, e, &m->cluster.endpoint_public_cidrs, true);
	check_doc_cidrs(ctx, e, &m->network.peers, false);
	check_users(ctx, e, &m->auth.admins);
	check_users(ctx, e, &m->auth.allowed_users);
	check_owner(ctx, e, &m->owner.email);
}

/* No rows: NET009 is in check/net.c's table, AUTH011 in check/auth.c's. */
const struct check check_placeholder = {
	.name = "placeholder",
	.run_env = placeholder_env,
};
