/*
 * cidr.h - IPv4 CIDR blocks: strict parsing, containment, overlap, private ranges and
 * the subnet arithmetic of OpenTofu's cidrsubnet(). Pure functions: no allocation, no
 * context, no global state; every input is a length-delimited string.
 *
 * Parsing is strict, so that a block means one thing to every tool that reads it:
 * exactly four decimal octets 0-255 and a prefix length 0-32, no leading zeros (inet_aton
 * reads 010 as octal 8, other parsers as 10), no signs, no spaces. A block whose host bits
 * are set (10.7.1.0/16) parses, but is reported as such: some tools round it down and
 * others refuse it.
 */
#ifndef ERAGEN_CIDR_H
#define ERAGEN_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cidr {
	uint32_t addr;		/* the address as written, host order */
	unsigned prefix;	/* 0..32 */
};

enum cidr_status {
	CIDR_OK,		/* a network address with its prefix */
	CIDR_HOST_BITS,		/* well-formed, but bits below the prefix are set */
	CIDR_INVALID,		/* not a.b.c.d/n */
};

/* Longest text cidr_format writes, NUL included ("255.255.255.255/32"). */
#define CIDR_BUFSZ 19

/*
 * Parse s[0..n). On CIDR_OK and CIDR_HOST_BITS *out holds the block as written; on
 * CIDR_INVALID *why (if why is not NULL) says what is wrong, as a lowercase phrase
 * ("expected a.b.c.d/n", "octet '256' is above 255", ...) with static storage.
 */
enum cidr_status cidr_parse(const char *s, size_t n, struct cidr *out, const char **why);

/* The netmask of a prefix length (0 -> 0, 32 -> 0xffffffff). */
uint32_t cidr_mask(unsigned prefix);
/* The block with its host bits cleared. */
struct cidr cidr_network(struct cidr c);
/* First and last address of the block (host bits ignored). */
uint32_t cidr_first(struct cidr c);
uint32_t cidr_last(struct cidr c);
/* Is inner entirely inside outer? */
bool cidr_contains(struct cidr outer, struct cidr inner);
/* Do the two blocks share an address? */
bool cidr_overlaps(struct cidr a, struct cidr b);
/* Inside 10/8, 172.16/12 or 192.168/16 (RFC 1918). */
bool cidr_is_rfc1918(struct cidr c);
/* RFC 1918 or the shared address space 100.64/10 (RFC 6598), which AWS accepts for VPCs. */
bool cidr_is_private(struct cidr c);
/*
 * cidrsubnet(base, newbits, num): the num-th block of prefix base.prefix + newbits inside
 * base. false when the prefix would exceed 32 or num does not fit in newbits bits.
 */
bool cidr_subnet(struct cidr base, unsigned newbits, uint32_t num, struct cidr *out);
/* "a.b.c.d/n" into buf (at least CIDR_BUFSZ bytes); returns buf. */
char *cidr_format(struct cidr c, char *buf, size_t size);

#endif
