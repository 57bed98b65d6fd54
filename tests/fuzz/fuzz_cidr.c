/*
 * fuzz_cidr.c - libFuzzer harness: the CIDR parser and arithmetic (cidr.c).
 *
 * Consumes "A\nB" (no newline: B is A): both are parsed with cidr_parse; a block that
 * parses is formatted and re-parsed, and the arithmetic runs on the pair (containment,
 * overlap, private ranges, cidrsubnet with newbits and num taken from the input's last
 * bytes). Produces nothing: a crash, a sanitizer report or a broken invariant (abort)
 * is the finding. The invariants: format(parse(s)) parses to the same block and is s
 * itself (parsing is strict: one spelling per block); contains implies overlaps;
 * overlap is symmetric; a cidrsubnet result lies inside its base.
 */
#include "cidr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void one(const char *s, size_t n, struct cidr *c, bool *ok)
{
	const char *why = NULL;
	enum cidr_status st = cidr_parse(s, n, c, &why);
	*ok = st != CIDR_INVALID;
	if (!*ok) {
		check(why != NULL && why[0] != '\0');
		return;
	}
	check(c->prefix <= 32);
	char buf[CIDR_BUFSZ];
	cidr_format(*c, buf, sizeof(buf));
	struct cidr back;
	check(cidr_parse(buf, strlen(buf), &back, NULL) == st);
	check(back.addr == c->addr && back.prefix == c->prefix);
	check(strlen(buf) == n && memcmp(buf, s, n) == 0);
	struct cidr net = cidr_network(*c);
	check(cidr_parse(cidr_format(net, buf, sizeof(buf)), strlen(buf), &back, NULL) ==
	      CIDR_OK);
	check((st == CIDR_OK) == (net.addr == c->addr));
	check(cidr_first(*c) <= cidr_last(*c));
	check(cidr_contains(*c, *c) && cidr_overlaps(*c, *c));
	check(!cidr_is_rfc1918(*c) || cidr_is_private(*c));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *nl = memchr(in, '\n', size);
	size_t alen = nl ? (size_t)(nl - in) : size;
	const char *b = nl ? nl + 1 : in;
	size_t blen = nl ? size - alen - 1 : size;

	struct cidr ca, cb;
	bool oka, okb;
	one(in, alen, &ca, &oka);
	one(b, blen, &cb, &okb);
	if (!oka || !okb)
		return 0;
	bool ov = cidr_overlaps(ca, cb);
	check(ov == cidr_overlaps(cb, ca));
	check(!cidr_contains(ca, cb) || ov);
	check(!cidr_contains(cb, ca) || ov);
	check(!(cidr_contains(ca, cb) && cidr_contains(cb, ca)) || ca.prefix == cb.prefix);

	unsigned newbits = size ? data[size - 1] % 40 : 0;
	uint32_t num = 0;
	for (size_t i = size > 5 ? size - 5 : 0; i + 1 < size; i++)
		num = num << 8 | data[i];
	for (int k = 0; k < 2; k++, num >>= (newbits & 31)) {
		struct cidr sub;
		if (cidr_subnet(ca, newbits, num, &sub)) {
			check(sub.prefix == ca.prefix + newbits);
			check(cidr_contains(cidr_network(ca), sub));
			check(cidr_network(sub).addr == sub.addr);
		}
	}
	return 0;
}
