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
	"With ENV given, only the findings that involve ENV are reported, exactly those of\n"
	"--all: the checks run for ENV (and for the environments sharing a file with one of\n"
	"its findings), and the other environments are loaded only when they can change\n"
	"what is shown (a cache in the git directory keeps what the cross-environment rules\n"
	"compare of each). --base REV is the baseline the rules about changes compare with\n"
	"(default HEAD). Writes nothing in the work tree.\n",
};
