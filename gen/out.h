/*
 * out.h - generated output, the one API the back ends and the pipeline use: files
 * rendered to memory (an outset), then compared with what is on disk (check) or written
 * atomically (build) by a sync. out*.c implement it (out_int.h, their private header,
 * says which file holds what) and own headers, digests (git blob IDs, through repo.c),
 * out/.eragen-manifest, .gitattributes and the safety rules of DESIGN 6 and 8.3: temp
 * file + rename in the same directory (fsync only with --fsync), unchanged files
 * untouched, nothing outside the repository, nothing at all when any error was found.
 *
 * A sync compares generated files with the files on disk (at most one read per existing
 * file; none when the stamp cache vouches for it, or with --staged when the index holds
 * its blob ID)
 * as they are rendered, one environment at a time, and building, writes those that
 * changed to temp files; at the end it judges orphans, writes the manifest and renames
 * the temp files into place, or, when any error was found, removes them: all or
 * nothing. Findings about generated files are diagnostics (DRIFT005 edited by hand,
 * SPEC012 a path leading out of the repository), merged into the already sorted list;
 * the rest (missing, stale, orphaned files with their unified diffs for check; notes
 * for build) is text appended to a report the command prints.
 */
#ifndef ERAGEN_OUT_H
#define ERAGEN_OUT_H

#include "eragen.h"

/* ---- generated files (out.c) ---------------------------------------------------- */

enum comment_style {
	COMMENT_HASH,	/* "# ..." header lines: HCL, YAML, Makefile, .gitattributes */
	COMMENT_NONE,	/* JSON: no comments; the manifest alone records the digest */
};

struct outfile {
	const char *path;		/* relative to the repository root */
	enum comment_style style;
	const char **sources;		/* input paths it derives from (sorted, unique) */
	size_t nsources, capsources;
	struct strbuf body;		/* the content, header excluded */
	const char *env;		/* the environment it belongs to, NULL: repository */
	bool copied;			/* a verbatim copy of an extra .tf file: no header */
	struct arena *arena;		/* its set's: the path and sources live there */
};

/* The files of one environment (or the repository-level ones): zero-initialised. */
struct outset {
	struct arena arena;		/* the outfiles, paths, sources (bodies are heap) */
	struct outfile **files;
	size_t n, cap;
};

/* A new file in set (paths must be unique: a second add of a path is a BUG). */
struct outfile *out_add(struct ctx *ctx, struct outset *set, const char *path,
			enum comment_style style, const char *env);
void out_source(struct ctx *ctx, struct outfile *f, const char *source);
/* Free the bodies and the arena; set is empty (and reusable) afterwards. */
void outset_release(struct outset *set);

/* ---- the paths of generated files (out_manifest.c) ------------------------------ */

/*
 * Why path (len bytes) cannot be the path of a generated file, one that
 * the manifest lists and reads back: empty, absolute, longer than OUT_PATH_MAX bytes, a
 * component that is empty, '.', '..' or longer than 255 bytes, a control character, not
 * UTF-8. NULL when it can be; else the reason, and *at the offset of the problem.
 */
#define OUT_PATH_MAX 1024
const char *out_path_problem(const char *path, size_t len, size_t *at);
/* Does path match pattern: component by component, '*' in a pattern's component
 * standing for any run of characters, a trailing '/' for everything below? */
bool out_path_match(const char *pattern, const char *path);
/* The sync's own generated file, beside the back ends' (out_sync_repo adds it). */
#define OUT_GITATTRIBUTES ".gitattributes"

/* ---- the sync (out_sync.c) ------------------------------------------------------ */

struct out_opts {
	bool write;		/* build: write what changed; check: compare only */
	bool force;		/* overwrite files edited by hand */
	bool prune;		/* delete orphans (build) */
	bool diffs;		/* check: a line per file that differs in the report */
	bool udiff;		/* check --diff: each with its unified diff */
	bool stat;		/* check --stat: each line with its state and +/- lines */
	bool stage;		/* build --stage: add what it wrote (or what differs from the
				 * index) to the git index, remove pruned orphans from it */
	bool dry_run;		/* build --dry-run: decide all, write, delete and stage nothing */
	struct strbuf *list;	/* build --verbose or --dry-run: where the paths are listed */
	bool list_all;		/* build --verbose: unchanged paths too */
	bool fsync;		/* build --fsync: flush each file written before its rename */
};

struct out_stats {
	size_t files;		/* generated files compared (manifest included) */
	size_t unchanged, written, missing, stale, edited, orphaned, pruned;
	bool refused;		/* an error (DRIFT005 without --force, SPEC012): nothing written */
	size_t staged, unstaged;	/* --stage: paths added to / removed from the index */
	bool repo_done;		/* the repository-level files were rendered (out_sync_repo) */
};

struct sync;
/*
 * Begin: read the old manifest. bad: emit_env_errors (the environments not rendered,
 * whose files are out of scope). report and st must outlive the sync (st is zeroed).
 * NULL after error() on a system failure (exit 3). Errors reported from now on (by the
 * back ends too) mean nothing is written.
 */
struct sync *out_sync_begin(struct ctx *ctx, const struct out_opts *o, const bool *bad,
			    struct strbuf *report, struct out_stats *st);
/* Compare every file of set with the disk (with ctx->opt.staged: with the git index);
 * with o->write, write those that changed to temp files. set may be released afterwards.
 * 0, or -1 after error(). */
int out_sync_files(struct sync *s, struct outset *set);
/* The same for the repository-level files, to which it adds .gitattributes. */
int out_sync_repo(struct sync *s, struct outset *set);
/*
 * End: orphans (deleted with o->prune), the manifest, then, building and when no error
 * was reported since the beginning, every temp file renamed into place (else removed;
 * st->refused); with o->stage, the git index updated (repo_index.h; the caller opened
 * it). Two files with one path are a BUG. Frees s. 0, or -1 after error().
 */
int out_sync_end(struct sync *s);
/* Give up (a system failure elsewhere): remove the temp files, free s. */
void out_sync_abandon(struct sync *s);

/* ---- the render cache (out_cache.c) -------------------------------------------- */

/*
 * Before the render of a build or check (bad: emit_env_errors): when the cache vouches
 * that a render would find every generated file unchanged, st is filled as that sync
 * would fill it (o->list too) and 1 is returned: nothing is to be rendered. 0: render.
 * The render's own inputs are recorded from here on (inputs.h).
 */
int out_cache_use(struct ctx *ctx, const struct out_opts *o, const bool *bad,
		  struct out_stats *st);

/* ---- what the sync asks of the back-end table (emit.c) -------------------------- */

/*
 * emit.c: which environments have an error (unsuppressed, at error severity, about the
 * environment, or about none: a global problem), as an array parallel to ctx->envs in
 * ctx->perm. Environments with errors are not rendered.
 */
bool *emit_env_errors(struct ctx *ctx);
/* Is ENV selected (ctx->opt.envs, NULL: all)? */
bool emit_selected(const struct ctx *ctx, const struct env *env);
/*
 * emit.c: the i-th pattern of the paths a generated file may have, NULL past the last:
 * those the back ends declare (struct backend's owns), then the sync's own
 * .gitattributes. In a pattern, '*' stands for any characters of one path component and
 * a trailing '/' for everything below the directory (out_path_match). The manifest
 * cannot make eragen read, delete or unstage anything else.
 */
const char *emit_owned(size_t i);
/* emit.c: is path below an environment's directory, where the back ends' patterns of
 * an environment's files (owns.env) put them? Then *name (not terminated, *len bytes)
 * is the name of that directory: out/<env>/... */
bool emit_env_path(const char *path, const char **name, size_t *len);

#endif
