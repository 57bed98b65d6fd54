/*
 * check/compat.c - COMPAT001-COMPAT002 (tool and chart compatibility).
 */
#include "eragen.h"

static const char *const compat_rules[] = { NULL };
const struct check check_compat = { "compat", NULL, NULL, compat_rules };
