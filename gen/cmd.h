/*
 * cmd.h - the subcommands (one cmd_*.c each) and the command-line helpers they share.
 */
#ifndef ERAGEN_CMD_H
#define ERAGEN_CMD_H

#include "eragen.h"

struct cmd {
	const char *name;
	int (*run)(struct ctx *ctx, int argc, char **argv);
	const char *usage;	/* one line: "lint [ENV...] [--staged] [--base REV]" */
	const char *help;	/* what it does, a few lines */
};

extern const struct cmd cmd_lint, cmd_show, cmd_explain;
extern const struct cmd cmd_build, cmd_check, cmd_diff;
extern const struct cmd cmd_changed, cmd_init, cmd_hook;

/*
 * Parse argv (after the command name): common flags go into ctx->opt, the command's own
 * flags are matched against own[] (NULL-terminated; "--x" for a switch, "--x=" for one
 * taking a value) and stored in own_val[] ("" for a switch that is set); the rest are
 * positional. Returns the number of positionals moved to the front of argv, or -1 after
 * a usage message (exit 2). "--help" sets *help.
 */
int cli_parse(struct ctx *ctx, const struct cmd *cmd, int argc, char **argv,
	      const char *const *own, const char **own_val, bool *help);
void cli_usage(const struct cmd *cmd, FILE *out);
/* Usage error: "eragen: <msg>" and a hint; returns EXIT_USAGE. */
int cli_error(const struct cmd *cmd, const char *fmt, ...) ATTR_PRINTF(2, 3);

/*
 * The front of the pipeline: find the repository, load, resolve, check, suppress,
 * finish the diagnostics. envs (positionals) are checked against the environments
 * (unknown ENV: exit 2). Returns 0, or an exit code to stop with.
 */
int run_front(struct ctx *ctx, int nenv, char **envs);
/* Print the diagnostics in the chosen format; return 0 or EXIT_FINDINGS. */
int report(struct ctx *ctx);

#endif
