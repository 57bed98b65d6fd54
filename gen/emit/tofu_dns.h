/*
 * emit/tofu_dns.h - the hub's name, certificate and DNS records in the OpenTofu stacks
 * (tofu_dns.c), for tofu.c.
 */
#ifndef ERAGEN_TOFU_DNS_H
#define ERAGEN_TOFU_DNS_H

#include "eragen.h"
#include "model.h"

/* The "dns" part of the tofu view of spec, in a (see tofu_dns.c for its keys). */
struct node *tofu_dns_view(struct arena *a, const struct model *spec);

#endif
