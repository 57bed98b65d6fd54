/*
 * cmd_check.c - `eragen check [ENV...] [--staged]`: lint, then compare what the inputs
 * would generate with what is on disk (with --staged: what the staged inputs generate
 * with what the git index holds), writing nothing. Reports missing (OUT001), stale
 * (OUT002, inputs changed), edited (DRIFT005) and orphaned (OUT003) files, a line each
 * (--stat: with +/- lines), with a unified diff on request (--diff); exit 1 if any (or
 * any finding lint would fail on).
 */
#include "cmd.h"
#include "out.h"

static int check_run(struct ctx *ctx, int argc, char **argv)
{
	struct out_opts o = { .write = false, .diffs = true };
	const struct option opts[] = {
		OPT_BOOL("--staged", &ctx->opt.staged),
		OPT_BOOL("--diff", &o.udiff),
		OPT_BOOL("--stat", &o.stat),
		OPT_END(),
	};
	int rc = cli_parse(ctx, &cmd_check, opts, &argc, argv);
	if (rc != CLI_RUN)
		return rc;
	return pipeline_run(ctx, STAGE_SYNC, &o, argc, argv);
}

const struct cmd cmd_check = {
	.name = "check",
	.run = check_run,
	.usage = "check [ENV...|--all] [--staged] [--diff] [--stat] [--format FMT]",
	.args = { 0, -1 },
	.help =
	"Lint, then compare what the current inputs generate with the files on disk, and\n"
	"report every generated file that is missing (OUT001), stale: its inputs changed\n"
	"since the last build (OUT002), edited by hand (DRIFT005) or orphaned: no input\n"
	"produces it any more (OUT003), one line per file (on stdout in the text format,\n"
	"where the other formats carry them as diagnostics). Writes nothing. Exit 1 if any\n"
	"file is out of date or any error was found: the CI job that keeps out/ honest.\n"
	"\n"
	"--staged  read every input from the git index and compare with the generated\n"
	"          files in the index: what the next commit would hold (pre-commit)\n"
	"--diff    each file's unified diff under its line (disk a/, build's b/)\n"
	"--stat    one line per file: its state, the lines build would add and remove\n",
};
