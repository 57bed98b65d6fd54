/*
 * check/policy.c - POLICY001-POLICY006 (production policy).
 */
#include "eragen.h"

static const char *const policy_rules[] = { NULL };
const struct check check_policy = { "policy", NULL, NULL, policy_rules };
