/*
 * check/auth.c - AUTH001-AUTH008, AUTH010 (authentication).
 */
#include "eragen.h"

static const char *const auth_rules[] = { NULL };
const struct check check_auth = { "auth", NULL, NULL, auth_rules };
