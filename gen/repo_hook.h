/*
 * repo_hook.h - where git runs this repository's hooks (repo_hook.c; the repo*.c files
 * are the only ones including <git2.h>).
 */
#ifndef ERAGEN_REPO_HOOK_H
#define ERAGEN_REPO_HOOK_H

#include "eragen.h"

/* Where the hooks directory comes from, and so who else runs the hooks in it. */
enum hook_origin {
	HOOKS_DEFAULT,	/* hooks/ in the common git directory */
	HOOKS_LOCAL,	/* core.hooksPath in the repository's configuration */
	HOOKS_GLOBAL,	/* core.hooksPath in the user's (global or XDG) configuration */
	HOOKS_SYSTEM,	/* core.hooksPath in the system's configuration */
};

struct hook_place {
	const char *top;	/* the work tree's top: absolute, symlinks resolved */
	const char *hooks;	/* the hooks directory git uses: absolute; may not exist yet */
	const char *real;	/* hooks, symlinks resolved (as far as it exists) */
	bool from_config;	/* hooks came from core.hooksPath */
	enum hook_origin origin;
	bool outside;		/* real is neither in the work tree nor in the git directory:
				 * other repositories may run the hooks there */
};

/*
 * Find the git repository containing start (a directory) and the directory git runs its
 * hooks from: core.hooksPath from the repository's configuration (a relative path is
 * relative to the top of the work tree, "~/" is the home directory), otherwise hooks/ in
 * the common git directory (shared by every linked worktree); whether it lies outside the
 * repository (its work tree and its git directory), symlinks resolved: a global hooks
 * path, "../x", an absolute path elsewhere, a hooks/ that is a symlink leading out.
 * Strings are in ctx->perm.
 * Returns EXIT_OK; EXIT_USAGE after a message when start is not in a git repository, is
 * not a directory, or the repository is bare; EXIT_SYSTEM after a message when libgit2
 * fails (an unreadable configuration, a repository owned by another user).
 */
int repo_hook_place(struct ctx *ctx, const char *start, struct hook_place *out);

#endif
