/*
 * repo_diff.c - the paths that changed since a revision, through libgit2: a diff of the
 * revision's tree against the work tree (untracked files included) or against the index.
 * The repo*.c files (repo.c, repo_diff.c) are the only ones that include <git2.h>.
 *
 * Consumes ctx->root (absolute, maybe a subdirectory of the work tree) and a revision;
 * produces a sorted list of paths relative to ctx->root in ctx->perm. libgit2 objects are
 * opened and released in repo_diff_since alone, on one path; while they are open nothing
 * is allocated from eragen's arenas (an out-of-memory unwind would leak them): the paths
 * are first copied into one malloc'd block (allocated with alloc.h's allocator, which
 * returns NULL), and only then, under an oom guard, into the arena. Out of memory, in
 * libgit2 or here, unwinds once the libgit2 objects are released.
 */
#include "repo_diff.h"
#include "alloc.h"
#include "repo.h"
#include "repo_open.h"

#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* The part of path below prefix ("" = the whole work tree), or NULL when outside it. */
static const char *below(const char *path, const char *prefix, size_t plen)
{
	if (plen == 0)
		return path;
	if (strncmp(path, prefix, plen) != 0 || path[plen] != '/' || path[plen + 1] == '\0')
		return NULL;
	return path + plen + 1;
}

/* A change as collected while libgit2 objects are open: offsets into a malloc'd block. */
struct raw_change {
	size_t off;
	bool gone;
};

/* The two blocks, while they are copied into the arena. */
struct raw_blocks {
	struct raw_change *raw;
	char *text;
};

static void raw_release(void *arg)
{
	struct raw_blocks *rb = arg;
	free(rb->raw);
	free(rb->text);
	rb->raw = NULL;
	rb->text = NULL;
}

static int cmp_change(const void *a, const void *b)
{
	const struct repo_change *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	return c ? c : (int)x->gone - (int)y->gone;
}

/* Before a diff against the work tree: the .gitignore files libgit2 will read there (a
 * FIFO would block it), for the directories of specs (relative to top). */
static int ignores_check(git_repository *repo, const char *top, char *const *specs,
			 size_t nspecs)
{
	char dirs[8][PATH_MAX];
	const char *list[8];
	size_t n = 0;
	if (!nspecs) {
		list[n++] = top;
	}
	for (size_t i = 0; i < nspecs; i++) {
		size_t len = strlen(specs[i]);
		if (!len || specs[i][len - 1] != '/')
			continue;	/* one file: only the directories above it matter */
		if (n == sizeof(list) / sizeof(list[0]) ||
		    (size_t)snprintf(dirs[n], sizeof(dirs[n]), "%s/%.*s", top, (int)(len - 1),
				     specs[i]) >= sizeof(dirs[n]))
			continue;
		list[n] = dirs[n];
		n++;
	}
	return repo_ignores_check(repo, top, list, n);
}

enum repo_diff_status repo_diff_since(struct ctx *ctx, const char *rev, bool staged,
				      const char *const *only, struct repo_changes *out,
				      char *why, size_t whylen)
{
	enum repo_diff_status st = REPO_DIFF_FAILED;
	git_buf buf = { 0 };
	git_repository *repo = NULL;
	git_object *obj = NULL;
	git_tree *tree = NULL;
	git_index *index = NULL;
	git_diff *diff = NULL;
	struct raw_change *raw = NULL;
	char *text = NULL;
	char **specs = NULL;
	size_t nspecs = 0;
	size_t nraw = 0, used = 0;
	char top[PATH_MAX], prefix[PATH_MAX] = "", msg[200];
	const char *what = "open the repository";

	out->items = NULL;
	out->n = 0;
	if (repo_git_init(ctx) != 0)
		return REPO_DIFF_FAILED;
	unsigned long failed = alloc_failures();
	if (repo_discover_open(ctx->root, &buf, &repo) != 0) {
		if (buf.ptr)
			goto out;	/* found, but it cannot be opened */
		snprintf(why, whylen, "'%s' is not in a git repository", ctx->root);
		st = REPO_DIFF_BAD_REV;
		goto out;
	}
	const char *wd = git_repository_workdir(repo);
	if (!wd || !realpath(wd, top)) {
		snprintf(why, whylen, "the repository of '%s' has no usable work tree", ctx->root);
		st = REPO_DIFF_BAD_REV;
		goto out;
	}
	size_t tl = strcmp(top, "/") == 0 ? 0 : strlen(top);
	if (strncmp(ctx->root, top, tl) != 0 || (ctx->root[tl] != '\0' && ctx->root[tl] != '/')) {
		snprintf(why, whylen, "'%s' is not inside the work tree '%s'", ctx->root, top);
		st = REPO_DIFF_BAD_REV;
		goto out;
	}
	if (ctx->root[tl] == '/')
		snprintf(prefix, sizeof(prefix), "%s", ctx->root + tl + 1);
	size_t plen = strlen(prefix);

	if (git_revparse_single(&obj, repo, rev) != 0 ||
	    git_object_peel((git_object **)&tree, obj, GIT_OBJECT_TREE) != 0) {
		repo_git_message(msg, sizeof(msg));
		snprintf(why, whylen, "'%s' is not a revision of this repository (%s)", rev, msg);
		st = REPO_DIFF_BAD_REV;
		goto out;
	}

	/* literal paths (a trailing slash: a directory), not fnmatch patterns */
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	size_t want = 1;
	for (size_t i = 0; only && only[i]; i++)
		want++;
	what = "list the paths to compare";
	if (!(specs = alloc_lib_malloc(ALLOC_ERAGEN, want * sizeof(*specs))))
		goto out;
	for (size_t i = 0; only ? only[i] != NULL : i == 0; i++) {
		const char *rel = only ? only[i] : "";
		size_t n = plen + 1 + strlen(rel) + 1;
		if (!plen && !*rel)
			break;	/* the whole work tree: no pathspec */
		if (!(specs[nspecs] = alloc_lib_malloc(ALLOC_ERAGEN, n)))
			goto out;
		snprintf(specs[nspecs++], n, "%s%s%s", prefix, plen ? "/" : "", rel);
	}
	if (nspecs) {
		opts.pathspec.strings = specs;
		opts.pathspec.count = nspecs;
		opts.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
	}
	/* the work tree comparison reads the index too */
	what = "read the index";
	if (repo_open_index(repo, NULL, &index) != 0)
		goto out;
	if (staged) {
		what = "compare the revision with the index";
		if (git_diff_tree_to_index(&diff, repo, tree, index, &opts) != 0)
			goto out;
	} else {
		opts.flags |= GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS |
			      GIT_DIFF_INCLUDE_TYPECHANGE;
		what = "compare the revision with the work tree";
		if (ignores_check(repo, top, specs, nspecs) != 0 ||
		    git_diff_tree_to_workdir_with_index(&diff, repo, tree, &opts) != 0)
			goto out;
	}

	/* two passes: size, then copy (old and new paths differ only for renames, which
	 * are not detected, but take both to be safe) */
	size_t ndeltas = git_diff_num_deltas(diff), bytes = 0, cap = 0;
	for (size_t i = 0; i < ndeltas; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *paths[2] = { d->old_file.path, d->new_file.path };
		for (int k = 0; k < 2; k++) {
			const char *p = paths[k] ? below(paths[k], prefix, plen) : NULL;
			if (p && (k == 0 || strcmp(paths[0], paths[1]) != 0)) {
				bytes += strlen(p) + 1;
				cap++;
			}
		}
	}
	what = "list the changes";
	if (cap) {
		raw = alloc_lib_malloc(ALLOC_ERAGEN, cap * sizeof(*raw));
		text = raw ? alloc_lib_malloc(ALLOC_ERAGEN, bytes) : NULL;
		if (!text)
			goto out;
	}
	for (size_t i = 0; i < ndeltas; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *paths[2] = { d->old_file.path, d->new_file.path };
		for (int k = 0; k < 2; k++) {
			const char *p = paths[k] ? below(paths[k], prefix, plen) : NULL;
			if (!p || (k == 1 && strcmp(paths[0], paths[1]) == 0))
				continue;
			size_t n = strlen(p) + 1;
			memcpy(text + used, p, n);
			/* deleted: the old path is gone; a rename's old path too */
			raw[nraw].gone = d->status == GIT_DELTA_DELETED ||
					 (k == 0 && d->status == GIT_DELTA_RENAMED);
			raw[nraw++].off = used;
			used += n;
		}
	}
	st = REPO_DIFF_OK;
out:
	if (st == REPO_DIFF_FAILED)
		repo_git_message(msg, sizeof(msg));
	git_diff_free(diff);
	git_index_free(index);
	git_tree_free(tree);
	git_object_free(obj);
	git_repository_free(repo);
	git_buf_dispose(&buf);
	for (size_t i = 0; i < nspecs; i++)
		free(specs[i]);
	free(specs);

	struct raw_blocks rb = { raw, text };
	struct oom_guard guard;
	oom_guard_push(&guard, raw_release, &rb);
	oom_if_failed_since(failed);
	if (st == REPO_DIFF_FAILED)
		error("cannot %s: %s", what, msg);
	if (st == REPO_DIFF_OK && nraw) {
		struct repo_change *items = arena_alloc(&ctx->perm, nraw * sizeof(*items) + used);
		char *strs = (char *)(items + nraw);
		memcpy(strs, text, used);
		for (size_t i = 0; i < nraw; i++) {
			items[i].path = strs + raw[i].off;
			items[i].gone = raw[i].gone;
		}
		qsort(items, nraw, sizeof(*items), cmp_change);
		/* unique by path; a path both gone and present (a rename's source and a new
		 * file) is present */
		size_t k = 0;
		for (size_t i = 0; i < nraw; i++) {
			if (k && strcmp(items[k - 1].path, items[i].path) == 0) {
				items[k - 1].gone = items[k - 1].gone && items[i].gone;
				continue;
			}
			items[k++] = items[i];
		}
		out->items = items;
		out->n = k;
	}
	oom_guard_pop(&guard);
	raw_release(&rb);
	return st;
}
