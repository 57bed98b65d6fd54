/*
 * pipeline.c - eragen from the specs to the generated files, one stage a function, in
 * the order they run (pipeline_run, at the end, reads like chibicc's main):
 *
 *   load     the repository root, the installed data, every environment's files; the
 *            environments named, the --base revision (env.c, load.c, repo.c)
 *   resolve  schema defaults, _defaults.yaml, the extends chain, derived values
 *   model    the typed model of each resolved environment (model.c, to come)
 *   check    every rule family, the suppressions, the diagnostics sorted
 *   report   the diagnostics printed in the chosen format, and the exit status they imply
 *   emit     one environment at a time: its view model and each back end's files (emit.c)
 *   sync     those files compared with the disk and, building, written (out_sync.c); then
 *            the repository-level files, when every environment is free of errors
 *
 * Each command runs the stages up to the one it needs (pipeline.h): changed stops after
 * the model; show, diff and init after the checks (and report when they must); lint after
 * the report; check and build run to the end, comparing or writing, and report after the
 * sync, whose findings (DRIFT005, SPEC012, templates) join the others. build renders
 * nothing when any error was found: nothing is written.
 *
 * lint ENV may leave out the environments the facts cache vouches for (facts.c); when one
 * turns out to be needed, before anything is printed, the run starts again with all.
 *
 * Memory: emit and sync take one environment at a time, and release ctx->scratch (its
 * view and files) after it, and its own arena (its spec) once no environment left
 * extends it; what the repository-level files need of it is kept in a small summary.
 */
#include "backend.h"
#include "config.h"
#include "facts.h"
#include "inputs.h"
#include "model.h"
#include "pipeline.h"
#include "repo.h"
#include "repo_index.h"

#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef ERAGEN_DATADIR
#define ERAGEN_DATADIR "/usr/local/share/eragen"
#endif

/* ---- load ------------------------------------------------------------------------- */

static bool has_schemas(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;
	return (size_t)snprintf(path, sizeof(path), "%s/schemas/environment.schema.json", dir) <
		       sizeof(path) &&
	       stat(path, &st) == 0;
}

/*
 * Where the installed schemas/ and templates/ are: $ERAGEN_DATADIR; else relative to the
 * executable: BIN/../share/eragen (an installed tree, wherever it was moved), or the
 * executable's directory or up to two levels above it (a build tree: ./eragen,
 * build/eragen); else the compiled-in PREFIX/share/eragen.
 */
static const char *find_datadir(struct ctx *ctx)
{
	const char *dd = getenv("ERAGEN_DATADIR");
	if (dd && *dd)
		return dd;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 3; up++) {
			char *slash = strrchr(exe, '/');
			if (!slash || slash == exe)
				break;
			*slash = '\0';
			if (has_schemas(exe))
				return arena_strdup(&ctx->perm, exe);
			char *share = arena_printf(&ctx->perm, "%s/share/eragen", exe);
			if (up == 1 && has_schemas(share))
				return share;
		}
	}
	return ERAGEN_DATADIR;
}

/* The environments named (ctx->opt.envs): each must be a concrete one (exit 2). */
static int select_envs(struct ctx *ctx, int nenv, char **envs)
{
	const char **sel = arena_alloc(&ctx->perm, ((size_t)nenv + 1) * sizeof(*sel));
	for (int i = 0; i < nenv; i++) {
		const struct env *e = ctx_env(ctx, envs[i]);
		if (!e || e->abstract) {
			const char *near = ctx_nearest_env(ctx, envs[i]);
			fprintf(stderr, "eragen: unknown environment '%s'", envs[i]);
			if (e)
				fputs(" (an abstract parent: it is never generated)", stderr);
			else if (near)
				fprintf(stderr, "; did you mean '%s'?", near);
			fputc('\n', stderr);
			return EXIT_USAGE;
		}
		sel[i] = envs[i];
		ctx_env(ctx, envs[i])->selected = true;
	}
	sel[nenv] = NULL;
	ctx->opt.envs = sel;
	return EXIT_OK;
}

/* An unusable --base is a usage error (exit 2), found before any check runs; an
 * unusable base of .eragen.yaml is SPEC006 there, and the baseline stays HEAD. */
static int base_check(struct ctx *ctx)
{
	size_t before = ctx->ndiags;
	struct baseline *b = repo_baseline_open(ctx, ctx->opt.base);
	const struct node *cb = ctx->config ? ctx->config->base : NULL;
	if (!b && cb && ctx->opt.base == cb->str) {
		if (ctx->ndiags > before) {
			const char *why = ctx->diags[ctx->ndiags - 1]->msg;
			const char *tail = strstr(why, "cannot be used: ");	/* after "--base 'X'" */
			ctx->ndiags = before;
			struct diag *d = diag_add(ctx, "SPEC006", NULL, cb->loc,
						  "base '%s' cannot be used: %s", cb->str,
						  tail ? tail + 16 : why);
			diag_help(ctx, d, "name a revision that exists in every clone (a branch "
					  "such as origin/main), or remove 'base' to compare with HEAD");
		}
		ctx->opt.base = NULL;
		return EXIT_OK;
	}
	if (!b) {
		for (size_t i = before; i < ctx->ndiags; i++)
			fprintf(stderr, "eragen: %s\n", ctx->diags[i]->msg);
		ctx->ndiags = before;
		return EXIT_USAGE;
	}
	repo_baseline_release(b);
	return EXIT_OK;
}

static int stage_load(struct ctx *ctx, int nenv, char **envs)
{
	ctx->datadir = find_datadir(ctx);
	const char *start = ctx->opt.chdir ? ctx->opt.chdir : ".";
	/* --staged: the index is loaded once, here; no repository (or a bare one) is a
	 * usage error, reported before anything else */
	if (ctx->opt.staged) {
		int rc = repo_index_open(ctx, start, "--staged");
		if (rc != 0)
			return rc;
	}
	int rc = repo_find_root(ctx, start, &ctx->root);
	if (rc != EXIT_OK)
		return rc;
	config_load(ctx);	/* its rules, base and format: before --base is checked */
	facts_open(ctx);
	if (envs_load(ctx) != 0)
		return EXIT_SYSTEM;
	if (!facts_names(ctx, nenv, envs))
		return EXIT_OK;	/* an unknown name's did-you-mean needs them all */
	if (nenv > 0 && (rc = select_envs(ctx, nenv, envs)) != EXIT_OK)
		return rc;
	ctx->all_rules_ran = !ctx->opt.only && !ctx->opt.skip && !ctx->opt.envs;
	return ctx->opt.base ? base_check(ctx) : EXIT_OK;
}

/* ---- resolve, model, check, report ------------------------------------------------ */

static void stage_resolve(struct ctx *ctx)
{
	envs_resolve(ctx);
}

/* The typed model of each environment (model.c): everything after it reads fields. */
static void stage_model(struct ctx *ctx)
{
	envs_model(ctx);
}

/* lint ENV checks the environments whose findings it shows (check_select.c); what it
 * shows is the same as checking all of them. */
static void stage_check(struct ctx *ctx, bool lint)
{
	if (lint && checks_select_wanted(ctx))
		checks_run_selected(ctx);
	else
		checks_run(ctx);
	suppress_apply(ctx);
	diag_finish(ctx);
}

int pipeline_report(struct ctx *ctx)
{
	struct strbuf out = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &out);
	diag_render(ctx, &out);
	if (ctx->opt.format == FMT_TEXT) {
		if (ctx->opt.quiet) {
			/* no summary line: drop the last line when it is one */
			struct diag_counts c = diag_count(ctx);
			if ((c.errors || c.warnings || c.notes) && out.len) {
				size_t end = out.len - 1;
				while (end > 0 && out.buf[end - 1] != '\n')
					end--;
				out.len = end;
			}
		}
		fwrite(out.buf ? out.buf : "", 1, out.len, stderr);
	} else {
		fwrite(out.buf ? out.buf : "", 1, out.len, stdout);
	}
	oom_guard_pop(&guard);
	sb_release(&out);
	struct diag_counts c = diag_count(ctx);
	return c.errors || (ctx->opt.werror && c.warnings) ? EXIT_FINDINGS : EXIT_OK;
}

/* ---- emit and sync ---------------------------------------------------------------- */

static void release_set(void *set)
{
	outset_release(set);
}

static void release_templates(void *t)
{
	tmpl_set_free(t);
}

/* e's view; when it is selected, its files rendered (emit) and handed to s (sync); its
 * summary appended to list (NULL: the repository files will not be rendered); then all
 * but the summary released. */
static int emit_sync_env(struct ctx *ctx, struct sync *s, struct tmpl_set *t, struct env *e,
			 struct node *list)
{
	struct outset set = { 0 };
	struct oom_guard guard;
	oom_guard_push(&guard, release_set, &set);
	const struct node *view = view_env(ctx, e, &ctx->scratch);
	int rc = 0;
	if (view && emit_selected(ctx, e)) {
		emit_env_files(ctx, e, view, t, &set);
		rc = out_sync_files(s, &set);
	}
	if (view && list)
		v_push(&ctx->perm, list, emit_summary(&ctx->perm, view));
	oom_guard_pop(&guard);
	outset_release(&set);
	arena_release(&ctx->scratch);
	return rc;
}

static int emit_sync_repo(struct ctx *ctx, struct sync *s, struct tmpl_set *t,
			  struct node *list)
{
	struct outset set = { 0 };
	struct oom_guard guard;
	oom_guard_push(&guard, release_set, &set);
	emit_repo_files(ctx, list, t, &set);
	int rc = out_sync_repo(s, &set);
	oom_guard_pop(&guard);
	outset_release(&set);
	return rc;
}

/*
 * last[i]: the index of the last environment that needs envs[i]'s arena: its own, or
 * that of its last descendant (whose resolved tree shares the nodes of its parents').
 */
static size_t *last_use(struct ctx *ctx)
{
	size_t *last = arena_alloc(&ctx->perm, (ctx->nenvs + 1) * sizeof(*last));
	for (size_t i = 0; i < ctx->nenvs; i++)
		last[i] = i;
	for (size_t i = 0; i < ctx->nenvs; i++)
		for (const struct env *p = ctx->envs[i]->parent; p; p = p->parent) {
			long k = ctx_env_index(ctx, p->name);
			if (k >= 0 && last[k] < i)
				last[k] = i;
		}
	return last;
}

/* Once envs[i] is done, release the arenas nothing will read again: its own, or its
 * ancestors' (what is released must not be read: root and resolved are cleared). */
static void release_done(struct ctx *ctx, const size_t *last, size_t i)
{
	for (struct env *x = ctx->envs[i]; x; x = x->parent) {
		long k = ctx_env_index(ctx, x->name);
		if (k < 0 || last[k] != i)
			continue;
		arena_release(&x->arena);
		x->root = x->resolved = NULL;
		x->model = NULL;
	}
}

/* Return the freed environments' memory to the system before the repository files: the
 * dispatch workflow alone is 10 MB at 1,000 environments, a block malloc maps afresh
 * rather than carving it out of the freed arena chunks scattered in the heap, so without
 * this the peak would be both at once. */
static void give_back(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

/* Every environment free of errors, one at a time, then the repository-level files
 * (when all of them are free of errors: bad[] says which are not). */
static int emit_sync_all(struct ctx *ctx, struct sync *s, const bool *bad)
{
	bool all_clean = true;
	for (size_t i = 0; i < ctx->nenvs; i++)
		all_clean &= ctx->envs[i]->abstract || !bad[i];
	size_t *last = last_use(ctx);

	struct tmpl_set *t = tmpl_set_open(ctx);
	struct oom_guard guard;
	oom_guard_push(&guard, release_templates, t);
	/* the summaries, in environment order, when the repository files will be rendered */
	struct node *list = all_clean ? v_seq(&ctx->perm) : NULL;
	int rc = 0;
	for (size_t i = 0; i < ctx->nenvs && rc == 0; i++) {
		struct env *e = ctx->envs[i];
		/* one not selected is rendered only for its summary, if that is needed */
		if (!e->abstract && !bad[i] && (emit_selected(ctx, e) || list))
			rc = emit_sync_env(ctx, s, t, e, list);
		release_done(ctx, last, i);
	}
	if (rc == 0 && list) {
		give_back();
		rc = emit_sync_repo(ctx, s, t, list);
	}
	oom_guard_pop(&guard);
	tmpl_set_free(t);
	return rc;
}

/* The emit and sync stages: the sync's report text goes to report, its figures to st.
 * 0, or -1 after error() on a system failure. */
static int stage_emit_sync(struct ctx *ctx, const struct out_opts *o, struct strbuf *report,
			   struct out_stats *st)
{
	const bool *bad = emit_env_errors(ctx);
	struct sync *s = out_sync_begin(ctx, o, bad, report, st);
	if (!s)
		return -1;
	if (emit_sync_all(ctx, s, bad) != 0) {
		out_sync_abandon(s);
		return -1;
	}
	return out_sync_end(s);
}

/* ---- the end of check and build --------------------------------------------------- */

/* check: the file report (stdout in text; other formats keep stdout for their
 * document, so it goes to stderr beside them) and the figures. Exit 1 when a generated
 * file is out of date. */
static int tell_compared(struct ctx *ctx, const struct out_stats *st,
			 const struct strbuf *text, int rc)
{
	fwrite(text->buf ? text->buf : "", 1, text->len,
	       ctx->opt.format == FMT_TEXT ? stdout : stderr);
	if (!st->repo_done)
		fputs("note: the repository-level files were not compared: some environment has "
		      "errors\n",
		      stderr);
	size_t problems = st->missing + st->stale + st->edited + st->orphaned;
	if (!ctx->opt.quiet && (problems || ctx->opt.format == FMT_TEXT))
		fprintf(stderr,
			"eragen: %zu generated file%s compared: %zu missing, %zu stale, %zu "
			"edited, %zu orphaned\n",
			st->files, st->files == 1 ? "" : "s", st->missing, st->stale, st->edited,
			st->orphaned);
	return problems ? EXIT_FINDINGS : rc;
}

#define NOTHING_WRITTEN "eragen: nothing written: the errors above must be fixed first\n"

/* build --dry-run: what it would have written (and deleted). */
static void tell_dry(struct ctx *ctx, const struct out_opts *o, const struct out_stats *st)
{
	if (ctx->opt.quiet)
		return;
	fprintf(stderr, "eragen: --dry-run: %zu file%s would be written, %zu unchanged",
		st->written, st->written == 1 ? "" : "s", st->unchanged);
	if (st->pruned)
		fprintf(stderr, ", %zu orphan%s deleted", st->pruned, st->pruned == 1 ? "" : "s");
	fprintf(stderr, "; nothing written%s\n", o->stage ? " or staged" : "");
}

/* build: the paths listed (--verbose, --dry-run), the notes, then what was written
 * (and, with --stage, staged). */
static int tell_written(struct ctx *ctx, const struct out_opts *o, const struct out_stats *st,
			struct strbuf *notes, int rc)
{
	if (o->list)
		fwrite(o->list->buf ? o->list->buf : "", 1, o->list->len,
		       ctx->opt.format == FMT_TEXT ? stdout : stderr);
	if (!st->repo_done)
		sb_printf(notes, "note: the repository-level files (%s) were left as they are: "
				 "some environment has errors\n", emit_repo_paths(&ctx->perm));
	fwrite(notes->buf ? notes->buf : "", 1, notes->len, stderr);
	if (st->refused) {
		fputs(NOTHING_WRITTEN, stderr);
		return EXIT_FINDINGS;
	}
	if (o->dry_run) {
		tell_dry(ctx, o, st);
		return rc;
	}
	if (!ctx->opt.quiet) {
		fprintf(stderr, "eragen: %zu file%s written, %zu unchanged%s", st->written,
			st->written == 1 ? "" : "s", st->unchanged,
			st->pruned ? ", orphans deleted" : "");
		if (o->stage)
			fprintf(stderr, "; %zu staged, %zu removed from the index", st->staged,
				st->unstaged);
		fputc('\n', stderr);
	}
	return rc;
}

/* build, before anything is written: --stage needs the index of a work tree, and
 * nothing at all is written when an error was found. */
static int may_write(struct ctx *ctx, const struct out_opts *o)
{
	int rc;
	if (o->stage && (rc = repo_index_open(ctx, ctx->root, "--stage")) != 0)
		return rc;
	struct diag_counts c = diag_count(ctx);
	if (c.errors || (ctx->opt.werror && c.warnings)) {
		pipeline_report(ctx);
		fputs(NOTHING_WRITTEN, stderr);
		return EXIT_FINDINGS;
	}
	return EXIT_OK;
}

/* Emit and sync, then report the findings (the sync's among them), then what the sync
 * found: its report text (check's file report, build's notes) and figures. */
static int emit_sync_report(struct ctx *ctx, const struct out_opts *opts)
{
	struct strbuf text = STRBUF_INIT, list = STRBUF_INIT;
	struct oom_guard guard, lguard;
	oom_guard_strbuf(&guard, &text);
	oom_guard_strbuf(&lguard, &list);
	struct out_opts with_list = *opts;	/* build --verbose, --dry-run: the paths */
	if (opts->write && (opts->dry_run || opts->list_all))
		with_list.list = &list;
	const struct out_opts *o = &with_list;
	struct out_stats st;
	int rc = EXIT_SYSTEM;
	if (out_cache_use(ctx, o, emit_env_errors(ctx), &st) ||
	    stage_emit_sync(ctx, o, &text, &st) == 0) {
		ctx->outputs_differ = !o->write && st.missing + st.stale + st.edited + st.orphaned;
		rc = pipeline_report(ctx);
		rc = o->write ? tell_written(ctx, o, &st, &text, rc)
			      : tell_compared(ctx, &st, &text, rc);
	}
	oom_guard_pop(&lguard);
	oom_guard_pop(&guard);
	sb_release(&list);
	sb_release(&text);
	return rc;
}

/* ---- the pipeline ----------------------------------------------------------------- */

/* The stages in order; each command stops after its last (pipeline.h). facts: the
 * facts cache may be used (facts.h). */
static int run(struct ctx *ctx, enum stage last, const struct out_opts *o, int nenv,
	       char **envs, bool facts)
{
	if (facts)	/* build --dry-run writes nothing, not even in the git directory */
		facts_begin(ctx, last == STAGE_REPORT && nenv > 0,
			    (last == STAGE_REPORT || (last == STAGE_SYNC && !o->dry_run)) &&
				    nenv == 0,
			    nenv, envs);
	if (last == STAGE_SYNC && nenv == 0 && !o->stage && !o->dry_run)
		inputs_begin(ctx);	/* for the render cache (out_cache.c) */
	int rc = stage_load(ctx, nenv, envs);
	if (rc != EXIT_OK || facts_restart(ctx))
		return rc;
	stage_resolve(ctx);
	stage_model(ctx);
	if (last == STAGE_RESOLVE)
		return EXIT_OK;
	if (!facts_verify(ctx))
		return EXIT_OK;
	stage_check(ctx, last == STAGE_REPORT);
	if (facts_restart(ctx))
		return EXIT_OK;
	facts_save(ctx);
	if (last == STAGE_CHECK)
		return EXIT_OK;
	if (last == STAGE_REPORT) {
		facts_tell(ctx);
		return pipeline_report(ctx);
	}
	if (o->write && (rc = may_write(ctx, o)) != EXIT_OK)
		return rc;
	return emit_sync_report(ctx, o);
}

static const char **copy_list(struct arena *a, const char **v)
{
	if (!v)
		return NULL;
	size_t n = 0;
	while (v[n])
		n++;
	const char **c = arena_alloc(a, (n + 1) * sizeof(*c));
	for (size_t i = 0; i < n; i++)
		c[i] = arena_strdup(a, v[i]);
	c[n] = NULL;
	return c;
}

/* A fresh run with the command line's options (its rule lists are in the arena that
 * goes: copied first). Nothing was printed. */
static void start_again(struct ctx *ctx, const struct options *saved)
{
	struct options opt = *saved;
	struct arena keep = ctx->perm;
	arena_init(&ctx->perm);
	ctx_release(ctx);
	ctx_init(ctx);
	struct oom_guard guard;
	oom_guard_arena(&guard, &keep);
	ctx->opt = opt;
	ctx->opt.envs = NULL;
	ctx->opt.only = copy_list(&ctx->perm, opt.only);
	ctx->opt.skip = copy_list(&ctx->perm, opt.skip);
	oom_guard_pop(&guard);
	arena_release(&keep);
}

/* lint ENV may leave out the environments the facts cache vouches for; when one turns out
 * to be needed, the run starts again with all of them (facts.c). */
int pipeline_run(struct ctx *ctx, enum stage last, const struct out_opts *o, int nenv,
		 char **envs)
{
	struct options saved = ctx->opt;
	int rc = run(ctx, last, o, nenv, envs, true);
	if (!facts_restart(ctx))
		return rc;
	start_again(ctx, &saved);
	return run(ctx, last, o, nenv, envs, false);
}
