/*
 * cmd_build.c - `eragen build [ENV...] [--force] [--prune] [--stage]`: the front (load,
 * resolve, check), then, when no error was found, every environment's files rendered
 * (emit_all) and compared with the disk, those that changed written to temp files (a
 * sync, outwrite.h), and at the end renamed into place; with --stage, the generated
 * files are then added to the git index (and pruned ones removed from it). Nothing is
 * written when any error was found: in the specs, in the templates, or in the generated
 * files (DRIFT005, SPEC012).
 */
#include "backend.h"
#include "cmd.h"
#include "outwrite.h"
#include "repo_index.h"

static bool failing(const struct ctx *ctx)
{
	struct diag_counts c = diag_count(ctx);
	return c.errors || (ctx->opt.werror && c.warnings);
}

static int build_run(struct ctx *ctx, int argc, char **argv)
{
	struct out_opts o = { .write = true };
	const struct option opts[] = {
		OPT_BOOL("--force", &o.force),
		OPT_BOOL("--prune", &o.prune),
		OPT_BOOL("--stage", &o.stage),
		OPT_END(),
	};
	int rc = cli_parse(ctx, &cmd_build, opts, &argc, argv);
	if (rc != CLI_RUN)
		return rc;
	rc = run_front(ctx, argc, argv);
	if (rc != EXIT_OK)
		return rc;
	/* --stage needs the index of a work tree: known before anything is written */
	if (o.stage && (rc = repo_index_open(ctx, ctx->root, "--stage")) != 0)
		return rc;
	if (failing(ctx)) {
		report(ctx);
		fputs("eragen: nothing written: the errors above must be fixed first\n", stderr);
		return EXIT_FINDINGS;
	}

	struct strbuf notes = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &notes);
	struct out_stats st;
	if (emit_all(ctx, &o, &notes, &st) != 0) {
		oom_guard_pop(&guard);
		sb_release(&notes);
		return EXIT_SYSTEM;
	}
	rc = report(ctx);
	if (!st.repo_done)
		sb_puts(&notes, "note: the repository-level files (.github/workflows/, "
				"out/eragen.mk, out/github-environments.json, out/_bootstrap/, "
				".gitattributes) were left as they are: some environment has "
				"errors\n");
	fwrite(notes.buf ? notes.buf : "", 1, notes.len, stderr);
	oom_guard_pop(&guard);
	sb_release(&notes);
	if (st.refused) {
		fputs("eragen: nothing written: the errors above must be fixed first\n", stderr);
		return EXIT_FINDINGS;
	}
	if (!ctx->opt.quiet) {
		fprintf(stderr, "eragen: %zu file%s written, %zu unchanged%s", st.written,
			st.written == 1 ? "" : "s", st.unchanged,
			st.pruned ? ", orphans deleted" : "");
		if (o.stage)
			fprintf(stderr, "; %zu staged, %zu removed from the index", st.staged,
				st.unstaged);
		fputc('\n', stderr);
	}
	return rc;
}

const struct cmd cmd_build = {
	.name = "build",
	.run = build_run,
	.usage = "build [ENV...|--all] [--force] [--prune] [--stage]",
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
	"\n"
	"One build writes at a time (out/.eragen-lock): a second one waits for the first,\n"
	"at most ERAGEN_LOCK_TIMEOUT seconds (default 5), then exits 3.\n",
};
