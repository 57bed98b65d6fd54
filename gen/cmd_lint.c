/*
 * cmd_lint.c - `eragen lint [ENV...]`: check, report, write nothing.
 */
#include "cmd.h"

static int lint_run(struct ctx *ctx, int argc, char **argv)
{
	bool help;
	int n = cli_parse(ctx, &cmd_lint, argc, argv, NULL, NULL, &help);
	if (n < 0)
		return EXIT_USAGE;
	if (help) {
		cli_usage(&cmd_lint, stdout);
		return EXIT_OK;
	}
	int rc = run_front(ctx, n, argv);
	if (rc != EXIT_OK)
		return rc;
	return report(ctx);
}

const struct cmd cmd_lint = {
	"lint", lint_run,
	"lint [ENV...|--all] [--staged] [--base REV] [--format FMT] [--werror] [--only R,..] [--skip R,..]",
	"Check the environment specs: YAML, schema, layering, names and every domain rule.\n"
	"All environments are loaded (cross-environment rules need them); with ENV given,\n"
	"only findings that involve ENV are reported. --base REV is the baseline the\n"
	"rules about changes compare with (default HEAD). Writes nothing.\n",
};
