/*
 * repo.c - finding the repository and reading files of the baseline revision, through
 * libgit2. The repo*.c files (repo.c, repo_index.c, repo_diff.c, repo_hook.c, repo_open.c)
 * are the only ones including <git2.h>, each behind its own narrow header; repositories
 * are opened through repo_open.c, which first checks the files libgit2 will read. Handles
 * are released on one path in each function (the baseline's at repo_baseline_release).
 */
#include "repo.h"
#include "alloc.h"
#include "repo_index.h"
#include "repo_open.h"

#include <git2.h>
#include <git2/sys/alloc.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- libgit2's allocator: alloc.h's, with the reserve; a NULL it still returns fails
 * the call with GIT_ERROR_NOMEMORY, as libgit2's own allocator would have it ---- */

static void *git_alloc_done(void *p)
{
	if (!p)
		git_error_set_oom();
	return p;
}

static void *git_alloc_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return git_alloc_done(alloc_lib_malloc_reserved(ALLOC_GIT, n));
}

static void *git_alloc_reallocarray(void *p, size_t nelem, size_t elsize, const char *file,
				    int line)
{
	(void)file;
	(void)line;
	if (elsize && nelem > SIZE_MAX / elsize)
		return git_alloc_done(NULL);
	return git_alloc_done(alloc_lib_realloc_reserved(ALLOC_GIT, p, nelem * elsize));
}

static void *git_alloc_mallocarray(size_t nelem, size_t elsize, const char *file, int line)
{
	return git_alloc_reallocarray(NULL, nelem, elsize, file, line);
}

static void *git_alloc_calloc(size_t nelem, size_t elsize, const char *file, int line)
{
	void *p = git_alloc_reallocarray(NULL, nelem, elsize, file, line);
	if (p)
		memset(p, 0, nelem * elsize);
	return p;
}

static void *git_alloc_realloc(void *p, size_t n, const char *file, int line)
{
	return git_alloc_reallocarray(p, n, 1, file, line);
}

/* exactly n bytes of s, and a NUL */
static char *git_alloc_substrdup(const char *s, size_t n, const char *file, int line)
{
	if (n == SIZE_MAX)
		return git_alloc_done(NULL);
	char *p = git_alloc_malloc(n + 1, file, line);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static char *git_alloc_strndup(const char *s, size_t n, const char *file, int line)
{
	return git_alloc_substrdup(s, strnlen(s, n), file, line);
}

static char *git_alloc_strdup(const char *s, const char *file, int line)
{
	return git_alloc_substrdup(s, strlen(s), file, line);
}

static void git_alloc_free(void *p)
{
	alloc_lib_free(p);
}

/*
 * libgit2 is initialised once per run, on first use. Its allocator is set first (it must
 * be in place before git_libgit2_init, which only installs the default one when none is
 * set). ctx_release calls repo_shutdown.
 */
int repo_git_init(struct ctx *ctx)
{
	static git_allocator allocator = {
		git_alloc_malloc, git_alloc_calloc, git_alloc_strdup, git_alloc_strndup,
		git_alloc_substrdup, git_alloc_realloc, git_alloc_reallocarray,
		git_alloc_mallocarray, git_alloc_free,
	};
	if (ctx->git_ready)
		return 0;
	unsigned long failed = alloc_failures();
	if (git_libgit2_opts(GIT_OPT_SET_ALLOCATOR, &allocator) < 0 || git_libgit2_init() < 0) {
		char msg[256];
		repo_git_message(msg, sizeof(msg));
		/* a failed initialisation still counts: shutting down releases what it set up */
		git_libgit2_shutdown();
		oom_if_failed_since(failed);
		error("cannot initialise libgit2: %s", msg);
		return -1;
	}
	if (alloc_failures() != failed) {	/* served from the reserve: out of memory */
		git_libgit2_shutdown();
		oom();
	}
	ctx->git_ready = true;
	return 0;
}

void repo_shutdown(struct ctx *ctx)
{
	if (ctx->git_ready) {
		repo_hash_release();
		git_repository_free(ctx->found_repo);
		ctx->found_repo = NULL;
		ctx->found_root = NULL;
		git_libgit2_shutdown();
		ctx->git_ready = false;
	}
}

/* The message libgit2 left, copied (cleanup may replace it). */
void repo_git_message(char *buf, size_t size)
{
	const git_error *e = git_error_last();
	snprintf(buf, size, "%s", e && e->message ? e->message : "unknown error");
}

/* Does dir hold environments/: in the work tree, or with --staged in the index (a sparse
 * checkout, or a deletion not staged, must not move the root of a staged run)? */
static bool has_environments(struct ctx *ctx, const char *dir)
{
	char path[PATH_MAX];
	struct stat st;
	if ((size_t)snprintf(path, sizeof(path), "%s/environments", dir) >= sizeof(path))
		return false;
	if (ctx->opt.staged && ctx->index)
		return repo_index_holds(ctx, path);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *repo_path_shown(char *buf, size_t size, const char *path)
{
	if (buf != path)
		snprintf(buf, size, "%s", path);
	size_t n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	return buf;
}

/* From real up to top (or /): the nearest directory holding environments/, else top. */
static int climb(struct ctx *ctx, const char *real, const char *top, const char **root)
{
	char dir[PATH_MAX];
	memcpy(dir, real, sizeof(dir));
	for (;;) {
		if (has_environments(ctx, dir)) {
			*root = arena_strdup(&ctx->perm, dir);
			ctx->found_root = *root;
			return EXIT_OK;
		}
		if ((top[0] && strcmp(dir, top) == 0) || strcmp(dir, "/") == 0)
			break;
		char *slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	if (top[0]) {
		*root = arena_strdup(&ctx->perm, top);
		ctx->found_root = *root;
		return EXIT_OK;
	}
	error("no environments/ directory in '%s' or any of its parents, and it is not in a git "
	      "work tree: run eragen in an infrastructure repository, name one with -C DIR, or "
	      "make this one ('git init', then 'eragen init ENV')",
	      real);
	return EXIT_USAGE;
}

/*
 * The root is the nearest directory, from start up to the work tree's top, that holds
 * environments/ (so a repository may keep example trees below its top, as eragen's own
 * tests do); without one, the work tree's top.
 */
int repo_find_root(struct ctx *ctx, const char *start, const char **root)
{
	char real[PATH_MAX], top[PATH_MAX] = "", gitdir[PATH_MAX] = "", msg[256] = "";
	*root = NULL;
	if (!realpath(start, real)) {
		error("cannot use directory '%s': %s", start, strerror(errno));
		return EXIT_SYSTEM;
	}
	if (repo_git_init(ctx) != 0)
		return EXIT_SYSTEM;
	/* libgit2 objects are released before anything is allocated or reported */
	enum { FOUND, NONE, REFUSED, BARE, BAD_WORKDIR } st = NONE;
	unsigned long failed = alloc_failures();
	git_buf buf = { 0 };
	git_repository *repo = NULL;
	int rc = repo_discover_open(real, &buf, &repo);
	if (buf.ptr)
		snprintf(gitdir, sizeof(gitdir), "%s", buf.ptr);
	if (rc != 0 && gitdir[0]) {
		/* found but refused (another user's, by libgit2's safe.directory check, or
		 * broken): never fall back to "no repository" */
		repo_git_message(msg, sizeof(msg));
		st = REFUSED;
	} else if (rc == 0) {
		const char *wd = git_repository_workdir(repo);
		st = !wd ? BARE : realpath(wd, top) ? FOUND : BAD_WORKDIR;
		if (wd && st == BAD_WORKDIR)
			snprintf(top, sizeof(top), "%s", wd);
	}
	/* the baseline opens the same repository from the root found below: kept for it
	 * (repo_baseline_open), released by repo_shutdown */
	git_repository_free(ctx->found_repo);
	ctx->found_repo = st == FOUND ? repo : NULL;
	ctx->found_root = NULL;
	if (st != FOUND)
		git_repository_free(repo);
	git_buf_dispose(&buf);
	oom_if_failed_since(failed);
	char shown[PATH_MAX];
	switch (st) {
	case REFUSED:
		repo_open_error(gitdir, rc, msg);
		return EXIT_SYSTEM;
	case BARE:
		/* a place eragen cannot work in, as a directory without environments/ */
		error("'%s' is a bare repository: eragen needs a work tree",
		      repo_path_shown(shown, sizeof(shown), gitdir));
		return EXIT_USAGE;
	case BAD_WORKDIR:
		error("cannot use work tree '%s'", top);
		return EXIT_SYSTEM;
	case FOUND:
		ctx->gitdir = arena_strdup(&ctx->perm, gitdir);	/* its stamp cache (out_stamp.c) */
		break;
	case NONE:
		break;
	}
	return climb(ctx, real, top, root);
}

/* ---- the baseline ---- */

struct baseline {
	git_repository *repo;
	git_tree *tree;		/* ctx->root's directory at the revision; NULL: absent there */
	/* the tree of the last first-level directory looked up ("environments"): libgit2
	 * does not cache trees that large, and every lookup passes through it */
	char dir_name[256];
	bool dir_valid;
	git_tree *dir_tree;	/* NULL: no such directory */
	git_blob *blob;		/* the last file read */
	const char *name;	/* "HEAD" or the --base argument */
	bool borrowed;		/* repo is ctx->found_repo: not the baseline's to free */
};

/* The tree at path (relative to tree) into *out, or NULL when there is none. */
static int subtree(git_repository *repo, git_tree *tree, const char *path, git_tree **out)
{
	git_tree_entry *entry = NULL;
	*out = NULL;
	int rc = git_tree_entry_bypath(&entry, tree, path);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (git_tree_entry_type(entry) == GIT_OBJECT_TREE)
		rc = git_tree_lookup(out, repo, git_tree_entry_id(entry));
	git_tree_entry_free(entry);
	return rc;
}

/*
 * Nothing here allocates from eragen's arenas while libgit2 objects are open, so running
 * out of memory (which unwinds to main) cannot leak them; problems are reported once
 * everything is released. A libgit2 allocation that failed on the way is out of memory,
 * whatever libgit2 made of it (a revision "not found" included).
 */
struct baseline *repo_baseline_open(struct ctx *ctx, const char *rev)
{
	if (repo_git_init(ctx) != 0)
		return NULL;
	struct baseline *b = arena_alloc(&ctx->perm, sizeof(*b));
	unsigned long failed = alloc_failures();
	char why[256] = "the repository has no work tree holding the environments";
	char top[PATH_MAX];
	git_buf buf = { 0 };
	git_object *obj = NULL;
	git_tree *root = NULL;
	bool ok = false;

	b->name = rev ? rev : "HEAD";
	/* discovered from the root (which lies between where repo_find_root started and
	 * the top of the work tree it found, so it is the same repository) */
	b->borrowed = ctx->found_repo && ctx->found_root && strcmp(ctx->found_root, ctx->root) == 0;
	int rc = b->borrowed ? 0 : repo_discover_open(ctx->root, &buf, &b->repo);
	if (b->borrowed)
		b->repo = ctx->found_repo;
	if (rc != 0) {
		if (rev && !buf.ptr)
			snprintf(why, sizeof(why), "'%s' is not in a git repository", ctx->root);
		else if (rev)
			repo_git_message(why, sizeof(why));
		goto out;
	}
	const char *wd = git_repository_workdir(b->repo);
	if (!wd || !realpath(wd, top))
		goto out;
	size_t tl = strlen(top);
	if (strcmp(top, "/") == 0)
		tl = 0;
	if (strncmp(ctx->root, top, tl) != 0 || (ctx->root[tl] != '\0' && ctx->root[tl] != '/'))
		goto out;	/* the root is not inside the work tree: no baseline */
	if (!rev && git_repository_head_unborn(b->repo) != 0)
		goto out;	/* no commit yet: nothing to compare with */
	if (git_revparse_single(&obj, b->repo, b->name) != 0 ||
	    git_object_peel((git_object **)&root, obj, GIT_OBJECT_TREE) != 0) {
		if (rev) {
			char msg[200];
			repo_git_message(msg, sizeof(msg));
			snprintf(why, sizeof(why), "it is not a revision of this repository (%s)",
				 msg);
		}
		goto out;
	}
	if (ctx->root[tl] == '\0') {
		b->tree = root;
		root = NULL;
	} else if (subtree(b->repo, root, ctx->root + tl + 1, &b->tree) != 0) {
		goto out;	/* b->tree NULL without an error: the directory is new */
	}
	ok = true;
out:
	git_tree_free(root);
	git_object_free(obj);
	git_buf_dispose(&buf);
	if (!ok || alloc_failures() != failed) {
		repo_baseline_release(b);
		oom_if_failed_since(failed);
		if (rev)
			diag_add(ctx, "SPEC012", NULL, (struct loc){ 0 },
				 "--base '%s' cannot be used: %s", rev, why);
		return NULL;
	}
	return b;
}

const char *repo_baseline_name(const struct baseline *b)
{
	return b->name;
}

/* The entry at relpath, as git_tree_entry_bypath (0, or GIT_ENOTFOUND, or an error). */
static int baseline_entry(struct baseline *b, const char *relpath, git_tree_entry **out)
{
	if (!b->tree)
		return GIT_ENOTFOUND;
	const char *slash = strchr(relpath, '/');
	if (!slash)
		return git_tree_entry_bypath(out, b->tree, relpath);
	size_t n = (size_t)(slash - relpath);
	if (n == 0 || n >= sizeof(b->dir_name))
		return GIT_ENOTFOUND;
	if (!b->dir_valid || strncmp(b->dir_name, relpath, n) != 0 || b->dir_name[n] != '\0') {
		git_tree_free(b->dir_tree);
		b->dir_tree = NULL;
		memcpy(b->dir_name, relpath, n);
		b->dir_name[n] = '\0';
		b->dir_valid = subtree(b->repo, b->tree, b->dir_name, &b->dir_tree) == 0;
		if (!b->dir_valid)
			return -1;
	}
	if (!b->dir_tree)
		return GIT_ENOTFOUND;
	return git_tree_entry_bypath(out, b->dir_tree, slash + 1);
}

static bool is_file(const git_tree_entry *entry)
{
	git_filemode_t mode = git_tree_entry_filemode(entry);
	return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

/* Whether the blob is at most SRC_MAX_BYTES, asked of its header: a larger one is never
 * inflated whole (a 100 MB file committed once must not cost 100 MB on every lint). */
static bool blob_fits(git_repository *repo, const git_oid *id)
{
	git_odb *odb = NULL;
	git_object_t type;
	size_t size = 0;
	bool fits = git_repository_odb(&odb, repo) == 0 &&
		    git_odb_read_header(&size, &type, odb, id) == 0 && size <= SRC_MAX_BYTES;
	git_odb_free(odb);
	return fits;
}

/* Out of memory in libgit2 unwinds (oom()) once entry is released: the caller guards b. */
const char *repo_baseline_read(struct baseline *b, const char *relpath, size_t *len)
{
	git_tree_entry *entry = NULL;
	const char *data = NULL;
	unsigned long failed = alloc_failures();

	git_blob_free(b->blob);
	b->blob = NULL;
	if (baseline_entry(b, relpath, &entry) == 0) {
		if (is_file(entry) && repo_object_check(b->repo, git_tree_entry_id(entry)) == 0 &&
		    blob_fits(b->repo, git_tree_entry_id(entry)) &&
		    git_blob_lookup(&b->blob, b->repo, git_tree_entry_id(entry)) == 0) {
			*len = (size_t)git_blob_rawsize(b->blob);
			data = git_blob_rawcontent(b->blob);
		}
		git_tree_entry_free(entry);
	}
	oom_if_failed_since(failed);
	return data;
}

bool repo_baseline_same(struct baseline *b, const char *relpath, const char *data, size_t len)
{
	git_tree_entry *entry = NULL;
	git_oid oid;
	unsigned long failed = alloc_failures();
	int rc = baseline_entry(b, relpath, &entry);
	if (rc != 0) {
		oom_if_failed_since(failed);
		return !data && rc == GIT_ENOTFOUND;
	}
	bool same = data && is_file(entry) &&
		    git_odb_hash(&oid, data, len, GIT_OBJECT_BLOB) == 0 &&
		    git_oid_equal(&oid, git_tree_entry_id(entry));
	git_tree_entry_free(entry);
	oom_if_failed_since(failed);
	return same;
}

void repo_baseline_release(struct baseline *b)
{
	if (!b)
		return;
	git_blob_free(b->blob);
	git_tree_free(b->dir_tree);
	git_tree_free(b->tree);
	if (!b->borrowed)
		git_repository_free(b->repo);
	b->blob = NULL;
	b->dir_tree = NULL;
	b->tree = NULL;
	b->repo = NULL;
}

const char *repo_lib_version(char *buf, size_t size)
{
	int major = 0, minor = 0, rev = 0;
	git_libgit2_version(&major, &minor, &rev);
	snprintf(buf, size, "%d.%d.%d", major, minor, rev);
	return buf;
}
