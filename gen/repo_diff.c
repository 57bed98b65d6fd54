/*
 * repo_diff.c - the paths that changed since a revision, through libgit2: a diff of the
 * revision's tree against the work tree (untracked files included) or against the index.
 * The repo*.c files (repo.c, repo_diff.c) are the only ones that include <git2.h>.
 *
 * Consumes ctx->root (absolute, maybe a subdirectory of the work tree) and a revision;
 * produces a sorted list of paths relative to ctx->root in ctx->perm. Submodules are
 * no change: their content is another repository's (a gitlink, and a nested repository
 * libgit2 reports as "dir/", are left out, and never looked into). The index is the one
 * git would use (GIT_INDEX_FILE). libgit2 objects are held in one struct diff_run and
 * released in repo_diff_since, on one path; while they are open nothing
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

/* The comparison's options: only's paths under prefix (literal; a trailing slash: a
 * directory), in specs (malloc'd, counted in *nspecs, freed by the caller). Submodules
 * are never looked into: their content is another repository's (and libgit2 1.5 leaks
 * a PCRE2 match for every configuration key its submodule lookup does not match). */
static int diff_options(git_diff_options *opts, const char *const *only, const char *prefix,
			char ***specs, size_t *nspecs)
{
	size_t want = 1, plen = strlen(prefix);
	for (size_t i = 0; only && only[i]; i++)
		want++;
	opts->ignore_submodules = GIT_SUBMODULE_IGNORE_ALL;
	opts->flags |= GIT_DIFF_IGNORE_SUBMODULES;
	if (!(*specs = alloc_lib_malloc(ALLOC_ERAGEN, want * sizeof(**specs))))
		return -1;
	for (size_t i = 0; only ? only[i] != NULL : i == 0; i++) {
		const char *rel = only ? only[i] : "";
		size_t n = plen + 1 + strlen(rel) + 1;
		if (!plen && !*rel)
			break;	/* the whole work tree: no pathspec */
		if (!((*specs)[*nspecs] = alloc_lib_malloc(ALLOC_ERAGEN, n)))
			return -1;
		snprintf((*specs)[(*nspecs)++], n, "%s%s%s", prefix, plen ? "/" : "", rel);
	}
	if (*nspecs) {
		opts->pathspec.strings = *specs;
		opts->pathspec.count = *nspecs;
		opts->flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
	}
	return 0;
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

/* A change eragen looks at: not a submodule (a gitlink, or a nested repository that is
 * not registered, which libgit2 reports as "dir/") */
static bool counts(const git_diff_delta *d)
{
	const char *p = d->new_file.path ? d->new_file.path : d->old_file.path;
	size_t n = p ? strlen(p) : 0;
	return d->old_file.mode != GIT_FILEMODE_COMMIT && d->new_file.mode != GIT_FILEMODE_COMMIT &&
	       n && p[n - 1] != '/';
}

/*
 * The changed paths of diff below prefix, copied into two malloc'd blocks (alloc.h's
 * allocator, which returns NULL: libgit2 objects are open): *raw (*nraw of them) and
 * *text (*used bytes). Two passes: size, then copy (old and new paths differ only for
 * renames, which are not detected, but take both to be safe). -1 when out of memory.
 */
static int collect(git_diff *diff, const char *prefix, struct raw_change **raw, char **text,
		   size_t *nraw, size_t *used)
{
	size_t plen = strlen(prefix), ndeltas = git_diff_num_deltas(diff), bytes = 0, cap = 0;
	for (size_t i = 0; i < ndeltas; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *paths[2] = { d->old_file.path, d->new_file.path };
		for (int k = 0; k < 2 && counts(d); k++) {
			const char *p = paths[k] ? below(paths[k], prefix, plen) : NULL;
			if (p && (k == 0 || strcmp(paths[0], paths[1]) != 0)) {
				bytes += strlen(p) + 1;
				cap++;
			}
		}
	}
	if (!cap)
		return 0;
	*raw = alloc_lib_malloc(ALLOC_ERAGEN, cap * sizeof(**raw));
	*text = *raw ? alloc_lib_malloc(ALLOC_ERAGEN, bytes) : NULL;
	if (!*text)
		return -1;
	for (size_t i = 0; i < ndeltas; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *paths[2] = { d->old_file.path, d->new_file.path };
		for (int k = 0; k < 2 && counts(d); k++) {
			const char *p = paths[k] ? below(paths[k], prefix, plen) : NULL;
			if (!p || (k == 1 && strcmp(paths[0], paths[1]) == 0))
				continue;
			size_t n = strlen(p) + 1;
			memcpy(*text + *used, p, n);
			/* deleted: the old path is gone; a rename's old path too */
			(*raw)[*nraw].gone = d->status == GIT_DELTA_DELETED ||
					     (k == 0 && d->status == GIT_DELTA_RENAMED);
			(*raw)[(*nraw)++].off = *used;
			*used += n;
		}
	}
	return 0;
}

/* The collected changes into ctx->perm, sorted by path and unique (a path both gone and
 * present, a rename's source and a new file, is present). May unwind: rb is guarded. */
static void to_arena(struct ctx *ctx, const struct raw_blocks *rb, size_t nraw, size_t used,
		     struct repo_changes *out)
{
	struct repo_change *items = arena_alloc(&ctx->perm, nraw * sizeof(*items) + used);
	char *strs = (char *)(items + nraw);
	memcpy(strs, rb->text, used);
	for (size_t i = 0; i < nraw; i++) {
		items[i].path = strs + rb->raw[i].off;
		items[i].gone = rb->raw[i].gone;
	}
	qsort(items, nraw, sizeof(*items), cmp_change);
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

/* The libgit2 objects of one comparison, released together (diff_release). */
struct diff_run {
	git_buf buf;
	git_repository *repo;
	git_object *obj;
	git_tree *tree;
	git_index *index;
	git_diff *diff;
	char top[PATH_MAX];		/* the work tree, real path */
	char prefix[PATH_MAX];		/* ctx->root below it: "" or "sub/dir" */
};

static void diff_release(struct diff_run *r)
{
	git_diff_free(r->diff);
	git_index_free(r->index);
	git_tree_free(r->tree);
	git_object_free(r->obj);
	git_repository_free(r->repo);
	git_buf_dispose(&r->buf);
}

/* The repository around ctx->root and rev's tree into r: REPO_DIFF_OK, BAD_REV (why
 * says why) or FAILED (libgit2's message is the last error). */
static enum repo_diff_status diff_open(struct ctx *ctx, struct diff_run *r, const char *rev,
				       char *why, size_t whylen)
{
	char msg[200];
	if (repo_discover_open(ctx->root, &r->buf, &r->repo) != 0) {
		if (r->buf.ptr)
			return REPO_DIFF_FAILED;	/* found, but it cannot be opened */
		snprintf(why, whylen, "'%s' is not in a git repository", ctx->root);
		return REPO_DIFF_BAD_REV;
	}
	const char *wd = git_repository_workdir(r->repo);
	if (!wd || !realpath(wd, r->top)) {
		snprintf(why, whylen, "the repository of '%s' has no usable work tree", ctx->root);
		return REPO_DIFF_BAD_REV;
	}
	size_t tl = strcmp(r->top, "/") == 0 ? 0 : strlen(r->top);
	if (strncmp(ctx->root, r->top, tl) != 0 ||
	    (ctx->root[tl] != '\0' && ctx->root[tl] != '/')) {
		snprintf(why, whylen, "'%s' is not inside the work tree '%s'", ctx->root, r->top);
		return REPO_DIFF_BAD_REV;
	}
	if (ctx->root[tl] == '/')
		snprintf(r->prefix, sizeof(r->prefix), "%s", ctx->root + tl + 1);
	if (git_revparse_single(&r->obj, r->repo, rev) != 0 ||
	    git_object_peel((git_object **)&r->tree, r->obj, GIT_OBJECT_TREE) != 0) {
		repo_git_message(msg, sizeof(msg));
		snprintf(why, whylen, "'%s' is not a revision of this repository (%s)", rev, msg);
		return REPO_DIFF_BAD_REV;
	}
	return REPO_DIFF_OK;
}

/* The comparison itself, into r->diff: 0, or -1 with *what saying what failed. */
static int diff_compare(struct diff_run *r, bool staged, git_diff_options *opts,
			char *const *specs, size_t nspecs, const char **what)
{
	/* the index git uses: GIT_INDEX_FILE (set for hooks by git commit -a), else the
	 * repository's; the work tree comparison reads it too */
	*what = "read the index";
	const char *alt = getenv("GIT_INDEX_FILE");
	if (repo_open_index(r->repo, alt && *alt ? alt : NULL, &r->index) != 0)
		return -1;
	if (staged) {
		*what = "compare the revision with the index";
		return git_diff_tree_to_index(&r->diff, r->repo, r->tree, r->index, opts);
	}
	opts->flags |= GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS |
		       GIT_DIFF_INCLUDE_TYPECHANGE;
	*what = "compare the revision with the work tree";
	if (ignores_check(r->repo, r->top, specs, nspecs) != 0)
		return -1;
	return git_diff_tree_to_workdir_with_index(&r->diff, r->repo, r->tree, opts);
}

enum repo_diff_status repo_diff_since(struct ctx *ctx, const char *rev, bool staged,
				      const char *const *only, struct repo_changes *out,
				      char *why, size_t whylen)
{
	struct diff_run r = { .buf = { 0 } };
	struct raw_change *raw = NULL;
	char *text = NULL, **specs = NULL, msg[200];
	size_t nspecs = 0, nraw = 0, used = 0;
	const char *what = "open the repository";

	out->items = NULL;
	out->n = 0;
	if (repo_git_init(ctx) != 0)
		return REPO_DIFF_FAILED;
	unsigned long failed = alloc_failures();
	enum repo_diff_status st = diff_open(ctx, &r, rev, why, whylen);
	if (st != REPO_DIFF_OK)
		goto out;
	st = REPO_DIFF_FAILED;
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	what = "list the paths to compare";
	if (diff_options(&opts, only, r.prefix, &specs, &nspecs) != 0 ||
	    diff_compare(&r, staged, &opts, specs, nspecs, &what) != 0)
		goto out;
	what = "list the changes";
	if (collect(r.diff, r.prefix, &raw, &text, &nraw, &used) != 0)
		goto out;
	st = REPO_DIFF_OK;
out:
	if (st == REPO_DIFF_FAILED)
		repo_git_message(msg, sizeof(msg));
	diff_release(&r);
	for (size_t i = 0; i < nspecs; i++)
		free(specs[i]);
	free(specs);

	struct raw_blocks rb = { raw, text };
	struct oom_guard guard;
	oom_guard_push(&guard, raw_release, &rb);
	oom_if_failed_since(failed);
	if (st == REPO_DIFF_FAILED)
		error("cannot %s: %s", what, msg);
	if (st == REPO_DIFF_OK && nraw)
		to_arena(ctx, &rb, nraw, used, out);
	oom_guard_pop(&guard);
	raw_release(&rb);
	return st;
}
