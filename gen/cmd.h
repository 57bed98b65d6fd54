/*
 * cmd.h - the subcommands (one cmd_*.c each) and the command line they share (cli.c):
 * each command declares its options in a table bound to its own variables (git's
 * OPT_BOOL(0, "stage", &stage, ...)) and how many positional arguments it takes (tmux's
 * .args), and one call parses argv against that table and the common flags.
 */
#ifndef ERAGEN_CMD_H
#define ERAGEN_CMD_H

#include "eragen.h"
#include "pipeline.h"

/* How many positional arguments a command takes; the default, zero, is none. */
struct cmd_args {
	int min, max;		/* max -1: any number */
	const char *wrong;	/* the usage error for another number; NULL: "unexpected
				 * argument 'X'" about the first one past max */
	const char *none;	/* the one for none at all, when it says more (hook) */
};

struct cmd {
	const char *name;
	int (*run)(struct ctx *ctx, int argc, char **argv);
	const char *usage;	/* one line: "lint [ENV...] [--staged] [--base REV]" */
	const char *help;	/* what it does, a few lines */
	struct cmd_args args;
};

extern const struct cmd cmd_lint, cmd_show, cmd_explain;
extern const struct cmd cmd_build, cmd_check, cmd_diff;
extern const struct cmd cmd_changed, cmd_init, cmd_hook;
extern const struct cmd cmd_schema;
extern const struct cmd cmd_import, cmd_adopt;

/* A file named on the command line (relative to the current directory): inside the
 * repository it is read and shown as a repository path, else by its absolute path
 * (cmd_import.c). NULL after "cannot read" (error()). */
struct srcfile *cli_read_file(struct ctx *ctx, const char *arg);

/* Write text as the new spec environments/NAME/env.yaml (rel: that path), atomically and
 * only inside the repository, never over an existing file (cmd_init.c): EXIT_OK, or
 * EXIT_SYSTEM after the message. */
/* Is s a valid name for a new environment: ^[a-z][a-z0-9-]{0,30}[a-z0-9]$ (NAME001)? */
bool env_name_ok(const char *s);
int spec_write_new(struct ctx *ctx, const char *name, const char *rel, const char *text,
		   size_t len);

/*
 * An option of a command, bound to the variable it sets. Its name is "--name", which
 * takes a value as "--name=value" or "--name value", or "-x", which takes it only as the
 * next argument. A switch (BOOL) sets its bool to true and takes no value.
 */
enum opt_kind { OPT_KIND_END, OPT_KIND_BOOL, OPT_KIND_STRING, OPT_KIND_PARSE, OPT_KIND_NOOP };

struct option {
	enum opt_kind kind;
	const char *name;
	const char *alias;	/* another name of a switch ("-q"), or NULL */
	void *var;		/* bool * (BOOL), const char ** (STRING), parse's (PARSE) */
	const char *what;	/* what its value is, for "--name needs WHAT" */
	/* PARSE: check value and store it in opt->var; -1 after cli_error() */
	int (*parse)(struct ctx *ctx, const struct cmd *cmd, const struct option *opt,
		     const char *value);
};

/* var must be a T *: another type is a compile-time warning (an error with -Werror) */
#define OPT_VAR(T, v) ((void *)(1 ? (v) : (T *)0))
#define OPT_BOOL(n, v) { .kind = OPT_KIND_BOOL, .name = (n), .var = OPT_VAR(bool, v) }
#define OPT_STRING(n, v, w) \
	{ .kind = OPT_KIND_STRING, .name = (n), .var = OPT_VAR(const char *, v), .what = (w) }
#define OPT_END() { .kind = OPT_KIND_END }

/* cli_parse: go on with the command */
#define CLI_RUN (-1)

/*
 * Parse argv (after the command name): the options of opts (ending with OPT_END(); may be
 * NULL), then the common ones (-C, --format, --color, --werror, --only, --skip, --quiet,
 * --base, --all: into ctx->opt; --staged is in the tables of lint, check and changed,
 * bound to ctx->opt.staged), each setting its variable; "--" ends the options. The
 * positional arguments are moved to the front of argv and counted in *argc, then checked
 * against cmd->args. Returns CLI_RUN, or the exit status to return: EXIT_OK after
 * printing the usage (--help, -h), EXIT_USAGE after a usage error ("eragen: MESSAGE"
 * and the usage line).
 */
int cli_parse(struct ctx *ctx, const struct cmd *cmd, const struct option *opts, int *argc,
	      char **argv);
void cli_usage(const struct cmd *cmd, FILE *out);
/*
 * For show, changed and diff, whose output is text or JSON: --format json sets *json
 * (as their --json does), and the findings that stop them stay text on stderr. CLI_RUN,
 * or EXIT_USAGE after the usage error for --format sarif or github.
 */
int output_format(struct ctx *ctx, const struct cmd *cmd, bool *json);
/* Usage error: "eragen: <msg>" and, with cmd, its usage line; returns EXIT_USAGE. */
int cli_error(const struct cmd *cmd, const char *fmt, ...) ATTR_PRINTF(2, 3);

#endif
