/*
 * pipeline.h - eragen from the specs to the generated files (pipeline.c), as the
 * commands run it: each runs the stages up to the last one it needs.
 */
#ifndef ERAGEN_PIPELINE_H
#define ERAGEN_PIPELINE_H

#include "eragen.h"

struct out_opts;	/* out.h */

/* The last stage a command runs. */
enum stage {
	STAGE_RESOLVE,	/* changed: load, resolve, model */
	STAGE_CHECK,	/* show, diff, init: ... then the checks; the command reports */
	STAGE_REPORT,	/* lint: ... then the findings printed */
	STAGE_SYNC,	/* check, build: ... then emit and sync (compare or write), report */
};

/*
 * Run the stages up to last. envs (nenv of them; none: all) are the environments named
 * on the command line: one that does not exist is a usage error (exit 2). o: the sync's
 * options for STAGE_SYNC (check compares, build writes), else NULL. Returns, up to
 * STAGE_CHECK, 0 or an exit status to stop with; from STAGE_REPORT on, the command's
 * exit status.
 */
int pipeline_run(struct ctx *ctx, enum stage last, const struct out_opts *o, int nenv,
		 char **envs);
/* The report stage: the diagnostics printed in the chosen format; 0 or EXIT_FINDINGS. */
int pipeline_report(struct ctx *ctx);

#endif
