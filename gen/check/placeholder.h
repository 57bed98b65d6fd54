/*
 * check/placeholder.h - what check/net.c asks check/placeholder.c (NET009): is a value
 * written as an IPv6 block inside the documentation prefix 2001:db8::/32 (RFC 3849)?
 * Such a value is reported as a placeholder (NET009), not as an invalid IPv4 CIDR
 * (NET001).
 */
#ifndef ERAGEN_CHECK_PLACEHOLDER_H
#define ERAGEN_CHECK_PLACEHOLDER_H

#include <stdbool.h>
#include <stddef.h>

/* s[0..n) is an IPv6 address or block (a prefix of 32 to 128) inside 2001:db8::/32. */
bool doc_prefix_v6(const char *s, size_t n);

#endif
