/*
 * check/net.c - NET001-NET008 (network) and NET003 across environments.
 */
#include "eragen.h"

static const char *const net_rules[] = { NULL };
const struct check check_net = { "net", NULL, NULL, net_rules };
