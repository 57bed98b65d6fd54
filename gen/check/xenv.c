/*
 * check/xenv.c - XENV001-XENV003, AUTH009 (conflicts between environments).
 */
#include "eragen.h"

static const char *const xenv_rules[] = { NULL };
const struct check check_xenv = { "xenv", NULL, NULL, xenv_rules };
