/*
 * cidr.c - IPv4 CIDR arithmetic (see cidr.h). Consumes length-delimited text, produces
 * blocks as (address, prefix) in host order; never allocates. The whole grammar is
 *
 *   cidr   = octet "." octet "." octet "." octet "/" prefix
 *   octet  = "0" | [1-9][0-9]{0,2}      (value <= 255)
 *   prefix = "0" | [1-9][0-9]?          (value <= 32)
 */
#include "cidr.h"

#include <stdio.h>

/*
 * A decimal number without leading zeros at s[*i..n), at most 255 for an octet, 32 for a
 * prefix length. Returns -1 (with *why) when there is no digit, a leading zero, or a value
 * above the maximum.
 */
static long parse_dec(const char *s, size_t n, size_t *i, bool octet, const char **why)
{
	size_t start = *i;
	long v = 0, max = octet ? 255 : 32;
	while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (s[*i] - '0');
		if (v > 999)
			v = 999;	/* still "above max"; no overflow on long runs */
		(*i)++;
	}
	if (*i == start) {
		*why = "expected a.b.c.d/n";
		return -1;
	}
	if (*i - start > 1 && s[start] == '0') {
		*why = octet ? "an octet has a leading zero (read as octal by some tools)"
			     : "the prefix length has a leading zero";
		return -1;
	}
	if (v > max) {
		*why = octet ? "an octet is above 255" : "the prefix length is above 32";
		return -1;
	}
	return v;
}

enum cidr_status cidr_parse(const char *s, size_t n, struct cidr *out, const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	size_t i = 0;
	uint32_t addr = 0;
	for (int k = 0; k < 4; k++) {
		if (k > 0) {
			if (i >= n || s[i] != '.') {
				*why = i < n && s[i] == '/' ? "expected four octets"
							    : "expected a.b.c.d/n";
				return CIDR_INVALID;
			}
			i++;
		}
		long v = parse_dec(s, n, &i, true, why);
		if (v < 0)
			return CIDR_INVALID;
		addr = addr << 8 | (uint32_t)v;
	}
	if (i >= n) {
		*why = "the prefix length is missing (expected a.b.c.d/n)";
		return CIDR_INVALID;
	}
	if (s[i] != '/') {
		*why = s[i] == '.' ? "expected four octets" : "expected a.b.c.d/n";
		return CIDR_INVALID;
	}
	i++;
	long p = parse_dec(s, n, &i, false, why);
	if (p < 0)
		return CIDR_INVALID;
	if (i != n) {
		*why = "unexpected text after the prefix length";
		return CIDR_INVALID;
	}
	struct cidr c = { addr, (unsigned)p };
	if (out)
		*out = c;
	return (addr & ~cidr_mask(c.prefix)) ? CIDR_HOST_BITS : CIDR_OK;
}

uint32_t cidr_mask(unsigned prefix)
{
	if (prefix == 0)
		return 0;
	if (prefix >= 32)
		return 0xffffffffu;
	return ~(0xffffffffu >> prefix);
}

struct cidr cidr_network(struct cidr c)
{
	c.addr &= cidr_mask(c.prefix);
	return c;
}

uint32_t cidr_first(struct cidr c)
{
	return c.addr & cidr_mask(c.prefix);
}

uint32_t cidr_last(struct cidr c)
{
	return c.addr | ~cidr_mask(c.prefix);
}

bool cidr_contains(struct cidr outer, struct cidr inner)
{
	return cidr_first(outer) <= cidr_first(inner) && cidr_last(inner) <= cidr_last(outer);
}

bool cidr_overlaps(struct cidr a, struct cidr b)
{
	return cidr_first(a) <= cidr_last(b) && cidr_first(b) <= cidr_last(a);
}

static const struct cidr rfc1918[] = {
	{ 0x0a000000u, 8 },	/* 10.0.0.0/8 */
	{ 0xac100000u, 12 },	/* 172.16.0.0/12 */
	{ 0xc0a80000u, 16 },	/* 192.168.0.0/16 */
};
static const struct cidr rfc6598 = { 0x64400000u, 10 };	/* 100.64.0.0/10 */

bool cidr_is_rfc1918(struct cidr c)
{
	for (size_t i = 0; i < sizeof(rfc1918) / sizeof(rfc1918[0]); i++)
		if (cidr_contains(rfc1918[i], c))
			return true;
	return false;
}

bool cidr_is_private(struct cidr c)
{
	return cidr_is_rfc1918(c) || cidr_contains(rfc6598, c);
}

bool cidr_subnet(struct cidr base, unsigned newbits, uint32_t num, struct cidr *out)
{
	if (base.prefix > 32 || newbits > 32 - base.prefix)
		return false;
	if (newbits < 32 && (uint64_t)num >> newbits)
		return false;
	unsigned prefix = base.prefix + newbits;
	uint32_t shift = 32 - prefix;	/* 0..32 */
	uint32_t offset = shift >= 32 ? 0 : num << shift;
	*out = (struct cidr){ cidr_first(base) | offset, prefix };
	return true;
}

char *cidr_format(struct cidr c, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u.%u/%u", c.addr >> 24, (c.addr >> 16) & 0xff,
		 (c.addr >> 8) & 0xff, c.addr & 0xff, c.prefix);
	return buf;
}
