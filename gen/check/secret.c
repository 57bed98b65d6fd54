/*
 * check/secret.c - SECRET001-SECRET003 (credentials and the SOPS file).
 */
#include "eragen.h"

static const char *const secret_rules[] = { NULL };
const struct check check_secret = { "secret", NULL, NULL, secret_rules };
