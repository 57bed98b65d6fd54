/*
 * repo_index.h - the git index (the staging area), for `lint --staged`, `check --staged`
 * and `build --stage` (repo_index.c; repo*.c are the only files including <git2.h>).
 *
 * The index is loaded once per run (repo_index_open) and kept in ctx->index until
 * ctx_release calls repo_index_release: a pre-commit hook reads every input through it
 * without reloading anything per file. Paths given here are relative to ctx->root, which
 * may be a subdirectory of the work tree (the prefix is added here). GIT_INDEX_FILE is
 * honoured, as git sets it for hooks run by `git commit -a` or `git commit PATH`.
 *
 * Ownership: everything libgit2 hands out stays inside the struct hung off ctx->index,
 * so running out of memory (which unwinds to main) cannot leak it.
 */
#ifndef ERAGEN_REPO_INDEX_H
#define ERAGEN_REPO_INDEX_H

#include "eragen.h"

/*
 * Open the repository containing start (a directory: -C DIR or the cwd) and load its
 * index into ctx->index; a second call does nothing. flag names the option that needs it
 * ("--staged", "--stage") in messages. Returns 0; EXIT_USAGE when start is in no git
 * repository or in a bare one; EXIT_SYSTEM when git fails (a repository owned by another
 * user included); each after a one-line message on stderr.
 */
int repo_index_open(struct ctx *ctx, const char *start, const char *flag);

/*
 * The one-line error() for a repository found at gitdir (what discovery returned) that
 * git_repository_open refused with rc: owned by another user (libgit2's safe.directory
 * check; it tells how to trust it), or libgit2's message msg (copied before the
 * repository's objects were released). For repo.c's discovery too.
 */
void repo_open_error(const char *gitdir, int rc, const char *msg);

enum ri_state {
	RI_FILE,	/* a regular file at stage 0: its bytes are returned */
	RI_ABSENT,	/* not in the index */
	RI_CONFLICT,	/* only at stages 1-3: an unresolved merge conflict */
	RI_NOT_FILE,	/* a symbolic link or a submodule */
	RI_TOO_LARGE,	/* larger than the max given (*len holds its size) */
	RI_ERROR,	/* libgit2 failed: repo_index_error() says why */
};

/*
 * The staged bytes of relpath (not NUL-terminated) in *data, valid until the next read
 * or the release; nothing is read when the blob is larger than max bytes.
 */
enum ri_state repo_index_read(struct ctx *ctx, const char *relpath, size_t max,
			      const char **data, size_t *len);
/*
 * The blob ID the index holds for relpath at stage 0 (40 hex digits in id) when it is
 * RI_FILE; the other states as repo_index_read's (RI_ERROR, unreported, for an object
 * that is not a regular file: repo_index_read reports it). Nothing is read from the
 * object database: check --staged compares this with the ID of what it renders.
 */
enum ri_state repo_index_id(struct ctx *ctx, const char *relpath, char id[41]);
/* The message of the last RI_ERROR (or of a failed stage). */
const char *repo_index_error(const struct ctx *ctx);

/* Is relpath in the index (at any stage: a conflicted file is there too)? */
bool repo_index_has(struct ctx *ctx, const char *relpath);

/*
 * Does relpath exist as an input: in the index with --staged (ctx->opt.staged), else in
 * the work tree. For the "a repository file overrides the installed one" lookups, so
 * that --staged picks the same file the commit would hold.
 */
bool repo_input_exists(struct ctx *ctx, const char *relpath);

/*
 * Does the loaded index hold anything below absdir (an absolute directory in the work
 * tree; outside it, nothing)? For finding the root of a staged run.
 */
bool repo_index_holds(struct ctx *ctx, const char *absdir);

/*
 * Is relpath (relative to ctx->root) a submodule (a gitlink) in the index? The loaded
 * index when there is one, else the repository's, opened for this question and closed
 * again (this is asked rarely: of an environment directory without env.yaml). false
 * when there is no repository or it cannot be read.
 */
bool repo_index_gitlink(struct ctx *ctx, const char *relpath);

/* An entry directly under a directory of the index. */
struct ri_name {
	const char *name;	/* one path component, in a */
	bool dir;		/* it has entries below it */
	bool gitlink;		/* a submodule (not a file, not a directory of the index) */
};
/*
 * The names directly under dir (relative to ctx->root, no trailing slash), each once, in
 * index order (not strcmp order: callers sort). Conflicted entries count. NULL and 0
 * when there are none (or the index cannot be read).
 */
struct ri_name *repo_index_list(struct ctx *ctx, struct arena *a, const char *dir, size_t *n);

/* A generated file as build wrote it. */
struct ri_file {
	const char *path;	/* relative to ctx->root */
	char blob[41];		/* the git blob ID of its content */
};
/*
 * build --stage: add every file of add[] whose content differs from the index (or that
 * is absent from it) from the work tree, remove the paths of del[] that are in the
 * index, and write the index when anything changed. Counts go to *added and *removed.
 * Returns 0, or -1 after error() (exit 3).
 */
int repo_index_stage(struct ctx *ctx, const struct ri_file *add, size_t nadd,
		     const char *const *del, size_t ndel, size_t *added, size_t *removed);

/* Free what repo_index_open loaded (ctx_release calls it, before repo_shutdown). */
void repo_index_release(struct ctx *ctx);

#endif
