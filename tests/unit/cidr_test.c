/*
 * cidr_test.c - table-driven tests of cidr.c: strict parsing (syntax, leading zeros,
 * ranges, host bits), containment, overlap, private ranges, cidrsubnet() arithmetic and
 * formatting. Prints "cidr_test: N passed, M failed"; exits 1 on any failure.
 */
#include "cidr.h"
#include "t.h"

#include <string.h>

struct parse_case {
	const char *text;
	enum cidr_status want;
	uint32_t addr;		/* when not CIDR_INVALID */
	unsigned prefix;
	const char *why;	/* when CIDR_INVALID: a substring of the reason */
};

static const struct parse_case parse_cases[] = {
	{ "10.7.0.0/16", CIDR_OK, 0x0a070000u, 16, NULL },
	{ "0.0.0.0/0", CIDR_OK, 0, 0, NULL },
	{ "255.255.255.255/32", CIDR_OK, 0xffffffffu, 32, NULL },
	{ "203.0.113.0/24", CIDR_OK, 0xcb007100u, 24, NULL },
	{ "192.168.1.1/32", CIDR_OK, 0xc0a80101u, 32, NULL },
	{ "100.64.0.0/10", CIDR_OK, 0x64400000u, 10, NULL },
	{ "10.7.1.0/16", CIDR_HOST_BITS, 0x0a070100u, 16, NULL },
	{ "10.0.0.1/8", CIDR_HOST_BITS, 0x0a000001u, 8, NULL },
	{ "0.0.0.1/0", CIDR_HOST_BITS, 1, 0, NULL },
	{ "10.7.0.128/25", CIDR_OK, 0x0a070080u, 25, NULL },
	{ "10.7.0.128/24", CIDR_HOST_BITS, 0x0a070080u, 24, NULL },
	{ "", CIDR_INVALID, 0, 0, "expected a.b.c.d/n" },
	{ "10.7.0.0", CIDR_INVALID, 0, 0, "prefix length is missing" },
	{ "10.7.0.0/", CIDR_INVALID, 0, 0, "expected a.b.c.d/n" },
	{ "10.7.0/16", CIDR_INVALID, 0, 0, "four octets" },
	{ "10.7.0.0.0/16", CIDR_INVALID, 0, 0, "four octets" },
	{ "10.7.0.256/24", CIDR_INVALID, 0, 0, "above 255" },
	{ "10.7.0.9999999999/24", CIDR_INVALID, 0, 0, "above 255" },
	{ "10.7.0.0/33", CIDR_INVALID, 0, 0, "above 32" },
	{ "10.7.0.0/99999999999", CIDR_INVALID, 0, 0, "above 32" },
	{ "010.7.0.0/16", CIDR_INVALID, 0, 0, "leading zero" },
	{ "10.07.0.0/16", CIDR_INVALID, 0, 0, "leading zero" },
	{ "10.7.0.00/24", CIDR_INVALID, 0, 0, "leading zero" },
	{ "10.7.0.0/016", CIDR_INVALID, 0, 0, "leading zero" },
	{ "10.7.0.0/00", CIDR_INVALID, 0, 0, "leading zero" },
	{ " 10.7.0.0/16", CIDR_INVALID, 0, 0, "expected" },
	{ "10.7.0.0/16 ", CIDR_INVALID, 0, 0, "after the prefix" },
	{ "10.7.0.0/16/8", CIDR_INVALID, 0, 0, "after the prefix" },
	{ "10.7.0.0 /16", CIDR_INVALID, 0, 0, "expected a.b.c.d/n" },
	{ "+10.7.0.0/16", CIDR_INVALID, 0, 0, "expected" },
	{ "10.-7.0.0/16", CIDR_INVALID, 0, 0, "expected" },
	{ "10.7.0.0/+16", CIDR_INVALID, 0, 0, "expected" },
	{ "0x0a.7.0.0/16", CIDR_INVALID, 0, 0, "expected" },
	{ "10..0.0/16", CIDR_INVALID, 0, 0, "expected" },
	{ "10.7.0.0/1a", CIDR_INVALID, 0, 0, "after the prefix" },
	{ "::1/128", CIDR_INVALID, 0, 0, "expected" },
	{ "fd00::/8", CIDR_INVALID, 0, 0, "expected" },
	{ "a.b.c.d/n", CIDR_INVALID, 0, 0, "expected" },
	{ "10.7.0.0/16\n", CIDR_INVALID, 0, 0, "after the prefix" },
};

static void test_parse(void)
{
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct cidr got = { 0xdeadbeefu, 99 };
		const char *why = NULL;
		enum cidr_status st = cidr_parse(c->text, strlen(c->text), &got, &why);
		CHECK(st == c->want, "parse '%s': status %d, want %d", c->text, (int)st,
		      (int)c->want);
		if (c->want != CIDR_INVALID) {
			CHECK(got.addr == c->addr && got.prefix == c->prefix,
			      "parse '%s': got %08x/%u", c->text, (unsigned)got.addr, got.prefix);
		} else {
			CHECK(why && strstr(why, c->why), "parse '%s': reason '%s', want '%s'",
			      c->text, why ? why : "(null)", c->why);
		}
	}
	/* the length is honoured: the text need not be NUL-terminated */
	struct cidr c;
	CHECK(cidr_parse("10.7.0.0/16xyz", 11, &c, NULL) == CIDR_OK && c.prefix == 16,
	      "parse with an explicit length");
	CHECK(cidr_parse("0.0.0.0/16", 9, &c, NULL) == CIDR_OK && c.prefix == 1,
	      "parse stops at the length (0.0.0.0/1)");
	CHECK(cidr_parse("10.7.0.0/16", 0, NULL, NULL) == CIDR_INVALID, "empty by length");
	CHECK(cidr_parse("10.7.1.0/16", 11, NULL, NULL) == CIDR_HOST_BITS, "out may be NULL");
}

static struct cidr C(const char *s)
{
	struct cidr c = { 0, 0 };
	if (cidr_parse(s, strlen(s), &c, NULL) == CIDR_INVALID)
		printf("bad test literal %s\n", s);
	return c;
}

struct pair_case {
	const char *a, *b;
	bool a_contains_b, overlap;
};

static const struct pair_case pair_cases[] = {
	{ "10.0.0.0/8", "10.7.0.0/16", true, true },
	{ "10.7.0.0/16", "10.0.0.0/8", false, true },
	{ "10.7.0.0/16", "10.7.0.0/16", true, true },
	{ "10.7.0.0/16", "10.8.0.0/16", false, false },
	{ "10.7.0.0/16", "10.6.255.255/32", false, false },
	{ "10.7.0.0/16", "10.7.255.255/32", true, true },
	{ "10.7.0.0/16", "10.8.0.0/32", false, false },
	{ "10.6.0.0/15", "10.7.0.0/16", true, true },
	{ "10.7.0.0/15", "10.6.0.0/16", true, true },		/* host bits ignored */
	{ "0.0.0.0/0", "255.255.255.255/32", true, true },
	{ "0.0.0.0/0", "0.0.0.0/0", true, true },
	{ "255.255.255.0/24", "0.0.0.0/1", false, false },
	{ "128.0.0.0/1", "127.255.255.255/32", false, false },
	{ "172.20.0.0/16", "172.16.0.0/12", false, true },
};

static void test_pairs(void)
{
	for (size_t i = 0; i < sizeof(pair_cases) / sizeof(pair_cases[0]); i++) {
		const struct pair_case *c = &pair_cases[i];
		struct cidr a = C(c->a), b = C(c->b);
		CHECK(cidr_contains(a, b) == c->a_contains_b, "%s contains %s", c->a, c->b);
		CHECK(cidr_overlaps(a, b) == c->overlap, "%s overlaps %s", c->a, c->b);
		CHECK(cidr_overlaps(b, a) == c->overlap, "%s overlaps %s (symmetric)", c->b, c->a);
	}
}

struct private_case {
	const char *text;
	bool rfc1918, private;
};

static const struct private_case private_cases[] = {
	{ "10.0.0.0/8", true, true },
	{ "10.255.255.0/24", true, true },
	{ "172.16.0.0/12", true, true },
	{ "172.31.255.0/24", true, true },
	{ "172.32.0.0/16", false, false },
	{ "172.15.0.0/16", false, false },
	{ "172.0.0.0/8", false, false },		/* contains private space, is not inside it */
	{ "192.168.0.0/16", true, true },
	{ "192.168.0.0/15", false, false },
	{ "192.169.0.0/16", false, false },
	{ "100.64.0.0/10", false, true },
	{ "100.127.255.0/24", false, true },
	{ "100.128.0.0/16", false, false },
	{ "100.0.0.0/8", false, false },
	{ "9.255.255.0/24", false, false },
	{ "11.0.0.0/16", false, false },
	{ "0.0.0.0/0", false, false },
	{ "203.0.113.0/24", false, false },
};

static void test_private(void)
{
	for (size_t i = 0; i < sizeof(private_cases) / sizeof(private_cases[0]); i++) {
		const struct private_case *c = &private_cases[i];
		struct cidr x = C(c->text);
		CHECK(cidr_is_rfc1918(x) == c->rfc1918, "rfc1918 %s", c->text);
		CHECK(cidr_is_private(x) == c->private, "private %s", c->text);
	}
}

struct subnet_case {
	const char *base;
	unsigned newbits;
	uint32_t num;
	const char *want;	/* NULL: does not fit */
};

static const struct subnet_case subnet_cases[] = {
	{ "10.7.0.0/16", 4, 0, "10.7.0.0/20" },
	{ "10.7.0.0/16", 4, 1, "10.7.16.0/20" },
	{ "10.7.0.0/16", 4, 15, "10.7.240.0/20" },
	{ "10.7.0.0/16", 4, 16, NULL },
	{ "10.7.0.0/16", 8, 255, "10.7.255.0/24" },
	{ "10.7.0.0/24", 4, 3, "10.7.0.48/28" },
	{ "10.7.0.0/24", 8, 255, "10.7.0.255/32" },
	{ "10.7.0.0/24", 9, 0, NULL },			/* /33 */
	{ "10.7.0.0/24", 0, 0, "10.7.0.0/24" },
	{ "10.7.0.0/24", 0, 1, NULL },
	{ "0.0.0.0/0", 32, 0xffffffffu, "255.255.255.255/32" },
	{ "0.0.0.0/0", 1, 1, "128.0.0.0/1" },
	{ "10.7.1.0/16", 4, 1, "10.7.16.0/20" },	/* host bits of the base ignored */
	{ "10.7.0.0/16", 12, 4095, "10.7.255.240/28" },
};

static void test_subnet(void)
{
	for (size_t i = 0; i < sizeof(subnet_cases) / sizeof(subnet_cases[0]); i++) {
		const struct subnet_case *c = &subnet_cases[i];
		struct cidr out = { 0, 0 };
		bool ok = cidr_subnet(C(c->base), c->newbits, c->num, &out);
		char buf[CIDR_BUFSZ];
		CHECK(ok == (c->want != NULL), "cidrsubnet(%s, %u, %u): fits %d", c->base,
		      c->newbits, (unsigned)c->num, ok);
		if (ok && c->want)
			CHECK(strcmp(cidr_format(out, buf, sizeof(buf)), c->want) == 0,
			      "cidrsubnet(%s, %u, %u) = %s, want %s", c->base, c->newbits,
			      (unsigned)c->num, buf, c->want);
	}
}

static void test_misc(void)
{
	CHECK(cidr_mask(0) == 0, "mask /0");
	CHECK(cidr_mask(1) == 0x80000000u, "mask /1");
	CHECK(cidr_mask(24) == 0xffffff00u, "mask /24");
	CHECK(cidr_mask(32) == 0xffffffffu, "mask /32");
	struct cidr h = C("10.7.1.9/16");
	CHECK(cidr_network(h).addr == 0x0a070000u && cidr_network(h).prefix == 16, "network");
	CHECK(cidr_first(h) == 0x0a070000u && cidr_last(h) == 0x0a07ffffu, "first/last");
	char buf[CIDR_BUFSZ];
	struct cidr max = { 0xffffffffu, 32 };
	CHECK(strcmp(cidr_format(max, buf, sizeof(buf)), "255.255.255.255/32") == 0,
	      "format fits CIDR_BUFSZ");
	CHECK(strcmp(cidr_format(cidr_network(h), buf, sizeof(buf)), "10.7.0.0/16") == 0,
	      "format network");
	/* round trip of every valid case */
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		if (c->want == CIDR_INVALID)
			continue;
		struct cidr x = C(c->text);
		CHECK(strcmp(cidr_format(x, buf, sizeof(buf)), c->text) == 0, "round trip %s",
		      c->text);
	}
}

int main(void)
{
	test_parse();
	test_pairs();
	test_private();
	test_subnet();
	test_misc();
	return T_DONE("cidr_test");
}
