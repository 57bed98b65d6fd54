/*
 * check/sched.c - SCHED001-SCHED014 (scheduling), judged on the placement matrix.
 */
#include "eragen.h"

static const char *const sched_rules[] = { NULL };
const struct check check_sched = { "sched", NULL, NULL, sched_rules };
