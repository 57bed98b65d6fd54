/*
 * cmd_check.c - `eragen check [ENV...] [--staged]`: lint, then compare what the inputs
 * would generate with what is on disk (with --staged: what the staged inputs generate
 * with what the git index holds), writing nothing. Reports missing, stale (inputs
 * changed), edited (DRIFT005) and orphaned files, each with a unified diff; exit 1 if
 * any (or any finding lint would fail on).
 */
#include "cmd.h"
#include "out.h"

static int check_run(struct ctx *ctx, int argc, char **argv)
{
	const struct option opts[] = {
		OPT_BOOL("--staged", &ctx->opt.staged),
		OPT_END(),
	};
	int rc = cli_parse(ctx, &cmd_check, opts, &argc, argv);
	if (rc != CLI_RUN)
		return rc;
	const struct out_opts o = { .write = false, .diffs = true };
	return pipeline_run(ctx, STAGE_SYNC, &o, argc, argv);
}

const struct cmd cmd_check = {
	.name = "check",
	.run = check_run,
	.usage = "check [ENV...|--all] [--staged] [--format FMT]",
	.args = { 0, -1 },
	.help =
	"Lint, then compare what the current inputs generate with the files on disk, and\n"
	"report every generated file that is missing, stale (its inputs changed since the\n"
	"last build), edited by hand (DRIFT005) or orphaned (no input produces it any\n"
	"more), each with a unified diff (on stdout). Writes nothing. Exit 1 if any file\n"
	"is out of date or any error was found: the CI job that keeps out/ honest.\n"
	"\n"
	"--staged  read every input from the git index and compare with the generated\n"
	"          files in the index: what the next commit would hold (pre-commit)\n",
};
