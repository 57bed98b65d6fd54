/*
 * cmd_build.c - `eragen build [ENV...] [--force] [--prune] [--stage] [--fsync] [--dry-run]
 * [--verbose]`: the whole pipeline, writing (pipeline.c): when no error was found,
 * every environment's files rendered and compared with the disk, those that changed
 * written to temp files, and at the end renamed into place; with --stage, the
 * generated files are then added to the git index (and pruned ones removed from it).
 * Nothing is written when any error was found: in the specs, in the templates, or in
 * the generated files (DRIFT005, SPEC012).
 * --dry-run writes nothing at all (no file, manifest, lock or index) and lists what it
 * would do; --verbose lists what it did, path by path (out_report.c).
 */
#include "cmd.h"
#include "out.h"

static int build_run(struct ctx *ctx, int argc, char **argv)
{
	struct out_opts o = { .write = true };
	const struct option opts[] = {
		OPT_BOOL("--force", &o.force),
		OPT_BOOL("--prune", &o.prune),
		OPT_BOOL("--stage", &o.stage),
		OPT_BOOL("--dry-run", &o.dry_run),
		OPT_BOOL("--verbose", &o.list_all),
		OPT_BOOL("--fsync", &o.fsync),
		OPT_END(),
	};
	int rc = cli_parse(ctx, &cmd_build, opts, &argc, argv);
	if (rc != CLI_RUN)
		return rc;
	return pipeline_run(ctx, STAGE_SYNC, &o, argc, argv);
}

const struct cmd cmd_build = {
	.name = "build",
	.run = build_run,
	.usage = "build [ENV...|--all] [--force] [--prune] [--stage] [--fsync] [--dry-run] [--verbose]",
	.args = { 0, -1 },
	.help =
	"Check the specs, then write the generated output of ENV (default: all): out/<env>/,\n"
	"and, when every environment is free of errors, the repository-level files\n"
	"(.github/workflows/, out/eragen.mk, out/github-environments.json, out/_bootstrap/,\n"
	".gitattributes). Only files whose content changes are written, atomically; the\n"
	"others keep their modification time. Nothing is written when any error is found.\n"
	"\n"
	"--force  replace generated files that were edited by hand (DRIFT005)\n"
	"--prune  delete generated files no input produces any more (a removed\n"
	"         environment's stacks: destroy them first); without it they are kept\n"
	"         and listed in a note\n"
	"--stage  add the generated files it wrote, or that differ from the git index,\n"
	"         to the index, and remove the orphans it deleted from it (for a\n"
	"         pre-commit workflow: 'git commit' then holds the matching output)\n"
	"--dry-run  decide everything, write, delete and stage nothing: list the paths\n"
	"         it would write, delete or keep (on stdout in the text format)\n"
	"--verbose  list every path written, unchanged, deleted or kept\n"
	"--fsync  flush each written file to disk before renaming it into place (by\n"
	"         default a write is atomic against a crash of eragen, not of the system:\n"
	"         'eragen check' finds what such a crash lost, and a build rewrites it)\n"
	"\n"
	"One build writes at a time (out/.eragen-lock): a second one waits for the first,\n"
	"at most ERAGEN_LOCK_TIMEOUT seconds (default 5), then exits 3.\n",
};
