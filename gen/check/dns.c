/*
 * check/dns.c - DNS001-DNS002 (domain and certificate).
 */
#include "eragen.h"

static const char *const dns_rules[] = { NULL };
const struct check check_dns = { "dns", NULL, NULL, dns_rules };
