/*
 * check/out.c - OUT001-OUT003: generated files that are not what the inputs produce:
 * missing, stale (its inputs changed since it was written) and orphaned (no input
 * produces it any more). A hand edit is DRIFT005 (check/drift.c).
 *
 * Nothing here judges a spec: the rules are reported by out_report.c when `check`
 * compares the generated files with the disk (or, with --staged, the git index), each
 * located at the generated file. They are not suppressible: a file out of date is what
 * `check` exists to find, and `check` exits 1 on one whatever its severity. The text
 * format shows them in check's per-file report; the other formats as diagnostics.
 */
#include "eragen.h"

static const struct rule out_rules[] = {
	{ .id = "OUT001", .sev = SEV_ERROR,
	  .summary = "a generated file is missing (check: run 'eragen build')" },
	{ .id = "OUT002", .sev = SEV_ERROR,
	  .summary = "a generated file is stale: its inputs changed since it was written "
		     "(check: run 'eragen build')" },
	{ .id = "OUT003", .sev = SEV_ERROR,
	  .summary = "a generated file is orphaned: no input produces it any more (check: "
		     "'eragen build --prune' deletes it)" },
};

const struct check check_out = {
	.name = "out",
	.rules = out_rules,
	.nrules = sizeof(out_rules) / sizeof(out_rules[0]),
};
