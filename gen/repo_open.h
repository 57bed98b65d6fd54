/*
 * repo_open.h - opening a repository, its index and its objects through libgit2 without
 * letting libgit2 block (repo_open.c). libgit2 open()s what it reads without O_NONBLOCK,
 * so a FIFO in place of a configuration file, the index or an object would stop eragen
 * for ever, as it would stop git; a directory or a device there fails in confusing ways.
 * These functions check, before libgit2 reads them, that those files are regular files
 * (or absent), and fail like libgit2 does: a negative code with git_error_last() saying
 * which file is not a regular file. The repo*.c files are the only ones including
 * <git2.h>, and the only ones including this header.
 *
 * What is checked: the git directory's HEAD, config, config.worktree and commondir, the
 * common directory's config, objects/info/alternates and the packs (objects/pack), the
 * configuration files of every level libgit2 reads (global, XDG, system, programdata),
 * the index, info/exclude and core.excludesFile, the loose objects eragen reads blobs
 * from, and the .gitignore files of a work tree walk. Not checked: files named by a
 * configuration's include.path, loose tree and commit objects read inside libgit2's own
 * walks.
 */
#ifndef ERAGEN_REPO_OPEN_H
#define ERAGEN_REPO_OPEN_H

#include <git2.h>
#include <stdbool.h>

/*
 * git_repository_discover from start (an absolute directory) into *gitdir, then
 * git_repository_open of what it found. Returns libgit2's code: GIT_ENOTFOUND with
 * gitdir->ptr NULL when start is in no repository; any other failure leaves the git
 * directory found in *gitdir. The caller disposes of *gitdir and frees *repo.
 */
int repo_discover_open(const char *start, git_buf *gitdir, git_repository **repo);

/*
 * The index of repo into *out (the caller frees it): the file path names, or, when path
 * is NULL, the repository's own (then it is also what git_diff_*_with_index reads).
 * Returns 0 or libgit2's code.
 */
int repo_open_index(git_repository *repo, const char *path, git_index **out);

/*
 * The file repo_open_index reads (path, or the repository's own index) into out, checked
 * as it checks it: 0 when it is a regular file or absent; -1 when it is not (libgit2's
 * error set) or its name does not fit in size bytes.
 */
int repo_index_file(git_repository *repo, const char *path, char *out, size_t size);

/* 0 when the loose object id of repo is a regular file or absent (packed), else -1. */
int repo_object_check(git_repository *repo, const git_oid *id);

/*
 * Before a diff against the work tree: info/exclude, core.excludesFile, and the
 * .gitignore files of top, of every directory from top down to each of dirs (absolute,
 * below top) and below them. 0, or -1.
 */
int repo_ignores_check(git_repository *repo, const char *top, const char *const *dirs,
		       size_t ndirs);

#endif
