/*
 * repo_diff.h - which paths changed since a revision (for `eragen changed`). Like repo.c,
 * repo_diff.c includes <git2.h>: the repo*.c files are the only ones that do.
 */
#ifndef ERAGEN_REPO_DIFF_H
#define ERAGEN_REPO_DIFF_H

#include "eragen.h"

/* One path that differs between the revision and the compared side. */
struct repo_change {
	const char *path;	/* relative to ctx->root, '/'-separated */
	bool gone;		/* present at the revision, absent on the compared side */
};

struct repo_changes {
	struct repo_change *items;	/* sorted by path, unique; in ctx->perm */
	size_t n;
};

enum repo_diff_status {
	REPO_DIFF_OK = 0,
	REPO_DIFF_BAD_REV = 1,		/* rev unknown, not a tree-ish, or no repository:
					 * a usage problem, described in why */
	REPO_DIFF_FAILED = -1,		/* libgit2 failed: reported with error() */
};

/*
 * The paths under ctx->root that differ between rev's tree and the work tree (staged
 * false: untracked files count, recursively; ignored files do not) or the index (staged
 * true). ctx->root may be a subdirectory of the work tree: paths outside it are left
 * out and the rest are made relative to it. only (NULL-terminated, or NULL for
 * everything) limits the comparison to those paths below ctx->root: "dir/" a directory,
 * anything else one file, taken literally (no patterns); it saves scanning the rest of
 * the work tree. Renames are not detected: a moved file is a removal and an addition.
 * Submodules are never a change. The index is GIT_INDEX_FILE's when it is set.
 * A REPO_DIFF_BAD_REV leaves a one-line reason in why.
 */
enum repo_diff_status repo_diff_since(struct ctx *ctx, const char *rev, bool staged,
				      const char *const *only, struct repo_changes *out,
				      char *why, size_t whylen);

#endif
