/*
 * cmd_lint.c - `eragen lint [ENV...]`: check, report, write nothing.
 */
#include "cmd.h"

static int lint_run(struct ctx *ctx, int argc, char **argv)
{
	const struct option opts[] = {
		OPT_BOOL("--staged", &ctx->opt.staged),
		OPT_END(),
	};
	int rc = cli_parse(ctx, &cmd_lint, opts, &argc, argv);
	if (rc != CLI_RUN)
		return rc;
	return pipeline_run(ctx, STAGE_REPORT, NULL, argc, argv);
}

const struct cmd cmd_lint = {
	.name = "lint",
	.run = lint_run,
	.usage = "lint [ENV...|--all] [--staged] [--base REV] [--format FMT] [--werror] [--only R,..] [--skip R,..]",
	.args = { 0, -1 },
	.help =
	"Check the environment specs: YAML, schema, layering, names and every domain rule.\n"
	"Every environment is loaded (cross-environment rules compare them all); with ENV\n"
	"given, the checks of one environment run for ENV, and for the environments that\n"
	"read a file a finding of ENV is in (the finding names them all), and only findings\n"
	"that involve ENV are reported. --base REV is the baseline the\n"
	"rules about changes compare with (default HEAD). Writes nothing.\n",
};
