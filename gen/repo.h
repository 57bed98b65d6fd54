/*
 * repo.h - the repository side: discovery and baselines (repo.c; repo*.c are the only
 * files including <git2.h>).
 */
#ifndef ERAGEN_REPO_H
#define ERAGEN_REPO_H

#include "eragen.h"

/*
 * Find the repository root for start (a directory): the nearest directory from start up
 * to the top of its git work tree that holds environments/ (with --staged: that holds it
 * in the index), else that top; outside git, the nearest one holding environments/.
 * *root gets an absolute path in ctx->perm. Returns EXIT_OK; EXIT_USAGE after error()
 * for a place eragen cannot work in (no environments/ and no git work tree, a bare
 * repository); EXIT_SYSTEM after error() when the directory or the repository cannot
 * be used (unreadable, owned by another user, a git file that is not a regular file).
 */
int repo_find_root(struct ctx *ctx, const char *start, const char **root);

/*
 * The baseline: the tree of a revision, for the rules that judge a change rather than a
 * state (DRIFT003, DRIFT007). rev is the --base argument, NULL for HEAD. Paths given to
 * repo_baseline_read are relative to ctx->root, which may be a subdirectory of the work
 * tree (the prefix is added here).
 *
 * No baseline is not an error: outside a repository, with an unborn HEAD, or when ctx->root
 * lies outside the work tree, repo_baseline_open returns NULL silently. An explicit rev
 * that cannot be used (unknown, not a commit, no repository to look in) is a user error:
 * reported as SPEC012 without a location, then NULL. The handle owns libgit2 objects:
 * release it on every path.
 */
struct baseline;
struct baseline *repo_baseline_open(struct ctx *ctx, const char *rev);
/* The revision as shown in paths and messages: "HEAD" or the --base argument. */
const char *repo_baseline_name(const struct baseline *b);
/*
 * The bytes of relpath at the baseline (not NUL-terminated), valid until the next read or
 * the release; NULL when the path is absent there or not a regular file (a directory, a
 * symlink, a submodule), larger than SRC_MAX_BYTES (known from the object's header, without
 * reading it), or cannot be read.
 */
const char *repo_baseline_read(struct baseline *b, const char *relpath, size_t *len);
/*
 * Whether relpath holds exactly data[0..len) at the baseline (compared by blob ID, without
 * reading the blob); data NULL asks whether it is absent there too. Lets callers skip
 * environments whose inputs did not change.
 */
bool repo_baseline_same(struct baseline *b, const char *relpath, const char *data, size_t len);
void repo_baseline_release(struct baseline *b);

/*
 * The git blob ID (SHA-1 of "blob <len>\0" + data) of data[0..len), as 40 lowercase hex
 * digits and a NUL in out: what `git hash-object` prints, hashed by libgit2, which needs
 * libgit2 initialised (repo_find_root did). -1 after error().
 */
int repo_blob_id(const char *data, size_t len, char out[41]);
/* The same of a[0..alen) followed by b[0..blen) (a header and a body), not copied
 * (repo_hash.c: libgit2's object stream hashes the pieces). */
int repo_blob_id2(const char *a, size_t alen, const char *b, size_t blen, char out[41]);
/* Release repo_blob_id2's hashing database (repo_shutdown, before libgit2's). */
void repo_hash_release(void);

/*
 * Initialise libgit2 for this run (once; later calls return 0 at once), with eragen's
 * allocator (alloc.h): every repo*.c function calls it first. -1 after error() when
 * libgit2 cannot start; out of memory unwinds.
 */
int repo_git_init(struct ctx *ctx);
/* The version of the libgit2 linked in ("1.5.1"), in buf (`eragen --version`). */
const char *repo_lib_version(char *buf, size_t size);
/* Release libgit2's global state if this run used it (ctx_release calls it). */
void repo_shutdown(struct ctx *ctx);
/* path into buf (size bytes; buf may be path) without its trailing slashes, "/" kept:
 * libgit2's git directories end in one, which messages drop. Returns buf. */
char *repo_path_shown(char *buf, size_t size, const char *path);
/* The message libgit2 left for its last error, copied into buf. */
void repo_git_message(char *buf, size_t size);

#endif
