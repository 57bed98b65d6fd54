/*
 * main.c - argv -> one cmd_* function per subcommand (git's builtin table); no logic
 * but the "did you mean" of an unknown command.
 * Installs the out-of-memory unwind target and releases the context on every path.
 */
#include "alloc.h"
#include "cmd.h"
#include "repo.h"
#include "rx.h"
#include "schema.h"
#include "util.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#ifndef ERAGEN_COMMIT
#define ERAGEN_COMMIT "unknown"
#endif

static const struct cmd *const commands[] = {
	&cmd_build, &cmd_lint, &cmd_check, &cmd_diff, &cmd_show,
	&cmd_changed, &cmd_explain, &cmd_init, &cmd_hook, &cmd_schema, &cmd_import,
	&cmd_adopt,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* The version, the commit, and the versions of the four libraries linked in: libgit2,
 * libyaml and PCRE2 from static archives, which a rebuild after their update replaces. */
static void print_version(void)
{
	char git[32], pcre[32];
	printf("eragen %s (%s)\nlibgit2 %s, libyaml %s, PCRE2 %s, cJSON %s\n", ERAGEN_VERSION,
	       ERAGEN_COMMIT, repo_lib_version(git, sizeof(git)), yaml_lib_version(),
	       rx_lib_version(pcre, sizeof(pcre)), schema_json_version());
}

static void usage(FILE *out)
{
	fputs("usage: eragen [-C DIR] COMMAND [ARGS]\n\n"
	      "eragen checks the environment specs of an infrastructure repository and\n"
	      "generates what is derived from them.\n\ncommands:\n",
	      out);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  eragen %s\n", commands[i]->usage);
	fputs("\ncommon flags:\n"
	      "  -C DIR                 the repository (default: found from the current directory)\n"
	      "  --format FMT           text, json, sarif or github (default: text)\n"
	      "  --color WHEN           auto, always or never (NO_COLOR is honoured)\n"
	      "  --werror               warnings fail the run\n"
	      "  --only RULE,...        report only these rules\n"
	      "  --skip RULE,...        do not report these rules\n"
	      "  --quiet                no summary line\n"
	      "  --staged               lint, check, changed: read every input from the index\n\n"
	      "  .eragen.yaml at the top of the repository sets rule severities, --base and\n"
	      "  --format for it (a flag wins)\n\n"
	      "  eragen COMMAND --help  describes a command; eragen explain --list lists the rules\n"
	      "exit status: 0 clean, 1 findings, 2 usage error, 3 system failure\n",
	      out);
}

static int dispatch(struct ctx *ctx, int argc, char **argv)
{
	int i = 1;
	/* -C DIR may stand before the command, as in git */
	while (i < argc && strcmp(argv[i], "-C") == 0) {
		if (i + 1 >= argc) {
			fputs("eragen: -C needs a directory\n", stderr);
			return EXIT_USAGE;
		}
		ctx->opt.chdir = argv[i + 1];
		i += 2;
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[i];
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		print_version();
		return EXIT_OK;
	}
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t k = 0; k < NCOMMANDS; k++)
		if (strcmp(commands[k]->name, name) == 0)
			return commands[k]->run(ctx, argc - i - 1, argv + i + 1);
	const char *names[NCOMMANDS];
	for (size_t k = 0; k < NCOMMANDS; k++)
		names[k] = commands[k]->name;
	const char *near = suggest(name, names, NCOMMANDS);
	if (near)
		fprintf(stderr, "eragen: '%s' is not an eragen command; did you mean '%s'?\n", name,
			near);
	else
		fprintf(stderr, "eragen: '%s' is not an eragen command (see 'eragen --help')\n",
			name);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static struct ctx ctx;	/* static: it must survive the longjmp below */
	static jmp_buf oom_jmp;
	static int rc;
	alloc_init();
	ctx_init(&ctx);
	if (setjmp(oom_jmp)) {
		fputs("eragen: out of memory\n", stderr);
		rc = EXIT_SYSTEM;
	} else {
		oom_catch(&oom_jmp);
		rc = dispatch(&ctx, argc, argv);
		if (!oom_guards_clear())
			BUG("a command returned with an oom guard still pushed");
	}
	oom_catch(NULL);
	ctx_release(&ctx);
	alloc_release();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("eragen: cannot write the output\n", stderr);
		return EXIT_SYSTEM;
	}
	return rc;
}
