/*
 * repo.h - the repository side (repo.c is the only file including <git2.h>).
 */
#ifndef ERAGEN_REPO_H
#define ERAGEN_REPO_H

#include "eragen.h"

/*
 * Find the repository root for start (a directory): the work tree of the git repository
 * containing it, or start itself when it is not in a repository but holds environments/.
 * Returns an absolute path in ctx->perm, or NULL after error() (exit 3 or 2).
 */
const char *repo_find_root(struct ctx *ctx, const char *start);

#endif
