/*
 * check/adopt.c - the ADOPT family: its rows. ADOPT001 is reported by `eragen adopt`
 * (gen/adopt_match.c), where the live state is known: lint never sees one.
 */
#include "eragen.h"

static const struct rule adopt_rules[] = {
	{ .id = "ADOPT001", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "eragen adopt: a generated resource would replace its live counterpart (an "
		     "attribute that forces a new resource differs from the legacy state's)" },
};

const struct check check_adopt = {
	.name = "adopt",
	.rules = adopt_rules,
	.nrules = sizeof(adopt_rules) / sizeof(adopt_rules[0]),
};
