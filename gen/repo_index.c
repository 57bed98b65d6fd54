/*
 * repo_index.c - the git index: staged inputs for `lint --staged` and `check --staged`,
 * staged outputs for `build --stage`. repo*.c (repo.c, this file) are the only files
 * including <git2.h>.
 *
 * Consumes the repository found from the start directory and its index (or the one
 * GIT_INDEX_FILE names), loaded once; produces blobs at stage 0 (the work tree's copy
 * when its blob ID is the entry's: no inflating), blob IDs, directory listings, conflict
 * and presence answers, and, for build --stage, an updated index written back.
 *
 * Two readers give the same answers. The read-only questions (--staged) go to
 * repo_index_file.c, which reads the file itself: libgit2's git_index_read verifies the
 * file's SHA-1 and allocates and hashes every entry, half of a pre-commit run on a large
 * index. libgit2 loads the index when that reader declines the file (anything it does
 * not fully understand: libgit2 then answers, or fails with its own message, as before),
 * when libgit2 would compare paths ignoring case (core.ignorecase), and for build
 * --stage, which writes it. ERAGEN_TEST_INDEX=libgit2 forces libgit2;
 * ERAGEN_TEST_INDEX_LOG=FILE appends which reader loaded the index ("file", or "libgit2:
 * " and why) to FILE: the tests' evidence.
 *
 * Invariant: every libgit2 object and every buffer of the reader lives in the struct
 * hung off ctx->index from the moment it is created, so an out-of-memory unwind leaves
 * nothing behind that repo_index_release (called by ctx_release) does not free.
 */
#include "repo_index.h"
#include "alloc.h"
#include "repo.h"
#include "repo_index_file.h"
#include "repo_open.h"

#include <git2.h>
#include <git2/sys/repository.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct repo_index {
	git_repository *repo;
	git_index *index;	/* libgit2's, when it loaded the index */
	struct rif file;	/* else the file's, read by repo_index_file.c */
	bool from_file;
	git_odb *odb;
	git_blob *blob;		/* the last blob read */
	char *top;		/* the work tree, real path (heap) */
	char *prefix;		/* ctx->root relative to top: "" or "sub/dir/" (heap) */
	bool prefix_tried;
	struct strbuf path;	/* scratch: prefix + relpath */
	struct strbuf buf;	/* scratch: head + body of a file to stage */
	struct strbuf wt;	/* the work tree's copy of the last file read, when it is the blob */
	struct strbuf wpath;	/* scratch: top + '/' + path */
	char err[256];
};


/* Is path (or, for a ".git" directory, the work tree holding it) owned by someone else? */
static bool foreign_owner(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && st.st_uid != geteuid())
		return true;
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n >= 5 && memcmp(path + n - 5, "/.git", 5) == 0) {
		char *top = xstrndup(path, n - 5);
		bool other = stat(*top ? top : "/", &st) == 0 && st.st_uid != geteuid();
		free(top);
		return other;
	}
	return false;
}

void repo_open_error(const char *gitdir, int rc, const char *msg)
{
	/* libgit2 1.5 reports its safe.directory refusal as GIT_ENOTFOUND ("config value
	 * 'safe.directory' was not found"), later versions as GIT_EOWNER */
	if (rc == GIT_EOWNER || foreign_owner(gitdir)) {
		char top[PATH_MAX];
		size_t n = strlen(repo_path_shown(top, sizeof(top), gitdir));
		if (n >= 5 && strcmp(top + n - 5, "/.git") == 0)
			top[n - 5] = '\0';
		error("the repository at '%s' is owned by another user: git refuses to use it "
		      "(if you trust it: git config --global --add safe.directory '%s')",
		      top, top);
		return;
	}
	char shown[PATH_MAX];
	error("cannot open the git repository at '%s': %s",
	      repo_path_shown(shown, sizeof(shown), gitdir), msg);
}

/*
 * core.ignorecase as git_repository_index reads it for the repository's own index (an
 * index GIT_INDEX_FILE names is opened without one: its paths compare exactly): 0 false
 * or unset, 1 true, -1 when the configuration cannot say (libgit2 decides then).
 */
static int ignore_case(git_repository *repo)
{
	git_config *cfg = NULL;
	int v = 0, rc = git_repository_config_snapshot(&cfg, repo);
	if (rc == 0)
		rc = git_config_get_bool(&v, cfg, "core.ignorecase");
	git_config_free(cfg);
	if (rc == GIT_ENOTFOUND)
		return 0;
	return rc != 0 ? -1 : v != 0;
}

/* Why the file reader cannot load the index (NULL: it did), after the checks libgit2's
 * load makes first. */
static const char *file_load(struct repo_index *ri, const char *alt, bool writes)
{
	char file[PATH_MAX];
	const char *force = getenv("ERAGEN_TEST_INDEX");
	if (writes)
		return "build --stage writes the index";
	if (force && strcmp(force, "libgit2") == 0)
		return "ERAGEN_TEST_INDEX=libgit2";
	if (repo_index_file(ri->repo, alt, file, sizeof(file)) != 0)
		return "not a regular file";	/* libgit2 says so */
	if (!alt && ignore_case(ri->repo) != 0)
		return "core.ignorecase";
	if (rif_load(&ri->file, file) != 0)
		return ri->file.why;
	ri->from_file = true;
	return NULL;
}

/* The index into ri: the file reader's, or libgit2's. Returns 0 or libgit2's code. */
static int index_load(struct repo_index *ri, const char *alt, bool writes)
{
	const char *why = file_load(ri, alt, writes);
	const char *log = getenv("ERAGEN_TEST_INDEX_LOG");
	FILE *f = log ? fopen(log, "a") : NULL;
	if (f) {
		fprintf(f, "%s%s\n", why ? "libgit2: " : "file", why ? why : "");
		fclose(f);
	}
	return why ? repo_open_index(ri->repo, alt, &ri->index) : 0;
}

int repo_index_open(struct ctx *ctx, const char *start, const char *flag)
{
	if (ctx->index)
		return 0;
	char real[PATH_MAX], msg[256];
	if (!realpath(start, real)) {
		error("cannot use directory '%s'", start);
		return EXIT_USAGE;
	}
	if (repo_git_init(ctx) != 0)
		return EXIT_SYSTEM;
	struct repo_index *ri = xcalloc(1, sizeof(*ri));
	ctx->index = ri;

	/* from here on, libgit2 objects are reachable from the ctx (ctx->index) */
	unsigned long failed = alloc_failures();
	git_buf buf = { 0 };
	char gitdir[PATH_MAX] = "";
	int rc = repo_discover_open(real, &buf, &ri->repo);
	if (buf.ptr)
		snprintf(gitdir, sizeof(gitdir), "%s", buf.ptr);
	if (rc != 0 && buf.ptr)
		repo_git_message(msg, sizeof(msg));
	git_buf_dispose(&buf);
	oom_if_failed_since(failed);
	if (!gitdir[0]) {
		fprintf(stderr, "eragen: %s reads the git index, but '%s' is not in a git "
				"repository\n", flag, real);
		return EXIT_USAGE;
	}
	if (rc != 0) {
		repo_open_error(gitdir, rc, msg);
		return EXIT_SYSTEM;
	}
	const char *wd = git_repository_workdir(ri->repo);
	if (git_repository_is_bare(ri->repo) || !wd) {
		fprintf(stderr, "eragen: %s reads the index of a work tree, but '%s' is a bare "
				"repository\n", flag, repo_path_shown(gitdir, sizeof(gitdir), gitdir));
		return EXIT_USAGE;
	}
	char topbuf[PATH_MAX];
	if (!realpath(wd, topbuf)) {
		error("cannot use work tree '%s'", wd);
		return EXIT_SYSTEM;
	}
	ri->top = xstrdup(topbuf);

	const char *alt = getenv("GIT_INDEX_FILE");
	rc = index_load(ri, alt && *alt ? alt : NULL, strcmp(flag, "--stage") == 0);
	if (rc == 0)
		rc = git_repository_odb(&ri->odb, ri->repo);
	oom_if_failed_since(failed);
	if (rc != 0) {
		repo_git_message(msg, sizeof(msg));
		error("cannot read the git index of '%s': %s", ri->top, msg);
		return EXIT_SYSTEM;
	}
	return 0;
}

void repo_index_release(struct ctx *ctx)
{
	struct repo_index *ri = ctx->index;
	if (!ri)
		return;
	git_blob_free(ri->blob);
	git_odb_free(ri->odb);
	git_index_free(ri->index);
	rif_free(&ri->file);
	git_repository_free(ri->repo);
	free(ri->top);
	free(ri->prefix);
	sb_release(&ri->path);
	sb_release(&ri->buf);
	sb_release(&ri->wt);
	sb_release(&ri->wpath);
	free(ri);
	ctx->index = NULL;
}

const char *repo_index_error(const struct ctx *ctx)
{
	const struct repo_index *ri = ctx->index;
	return ri && ri->err[0] ? ri->err : "the index is not loaded";
}

/* The open index, with the prefix of ctx->root worked out; NULL (err set) otherwise. */
static struct repo_index *ri_get(struct ctx *ctx)
{
	struct repo_index *ri = ctx->index;
	if (!ri || (!ri->index && !ri->from_file))
		return NULL;
	if (!ri->prefix_tried) {
		ri->prefix_tried = true;
		size_t tl = strcmp(ri->top, "/") == 0 ? 0 : strlen(ri->top);
		const char *root = ctx->root ? ctx->root : "";
		if (strncmp(root, ri->top, tl) != 0 || (root[tl] != '\0' && root[tl] != '/')) {
			snprintf(ri->err, sizeof(ri->err), "'%s' is outside the work tree '%s'",
				 root, ri->top);
			return NULL;
		}
		const char *rest = root + tl + (root[tl] == '/');
		size_t rl = strlen(rest);
		ri->prefix = xmalloc(rl + 2);
		memcpy(ri->prefix, rest, rl);
		if (rl)
			ri->prefix[rl++] = '/';
		ri->prefix[rl] = '\0';
	}
	return ri->prefix ? ri : NULL;
}

/* prefix + rel in ri->path */
static const char *ri_path(struct repo_index *ri, const char *rel)
{
	sb_reset(&ri->path);
	sb_puts(&ri->path, ri->prefix);
	sb_puts(&ri->path, rel);
	return ri->path.buf;
}

/* An entry of the loaded index, from whichever reader loaded it. */
struct ri_entry {
	const char *path;
	uint32_t mode;
	uint32_t size;
	git_oid id;
};

static void entry_of_git(struct ri_entry *out, const git_index_entry *e)
{
	out->path = e->path;
	out->mode = e->mode;
	out->size = (uint32_t)e->file_size;
	git_oid_cpy(&out->id, &e->id);
}

static void entry_of_file(struct ri_entry *out, const struct rif_entry *e)
{
	out->path = e->path;
	out->mode = e->mode;
	out->size = e->size;
	git_oid_fromraw(&out->id, e->id);
}

/* The entry of path at stage 0 into *out; false when there is none. */
static bool entry_get(struct repo_index *ri, const char *path, struct ri_entry *out)
{
	if (ri->from_file) {
		long i = rif_find(&ri->file, path, 0);
		if (i >= 0)
			entry_of_file(out, &ri->file.v[i]);
		return i >= 0;
	}
	unsigned long failed = alloc_failures();
	const git_index_entry *e = git_index_get_bypath(ri->index, path, 0);
	oom_if_failed_since(failed);
	if (e)
		entry_of_git(out, e);
	return e != NULL;
}

/* Is path at stage 1, 2 or 3? */
static bool conflicted(struct repo_index *ri, const char *path)
{
	if (ri->from_file)
		return rif_conflict(&ri->file, path);
	const git_index_entry *anc, *ours, *theirs;
	unsigned long failed = alloc_failures();
	bool c = git_index_conflict_get(&anc, &ours, &theirs, ri->index, path) == 0;
	oom_if_failed_since(failed);
	return c;
}

/* git_index_find_prefix: the position of the first entry starting with prefix. */
static bool find_prefix(struct repo_index *ri, const char *prefix, size_t *pos)
{
	if (ri->from_file)
		return rif_find_prefix(&ri->file, prefix, pos);
	unsigned long failed = alloc_failures();
	bool found = git_index_find_prefix(pos, ri->index, prefix) == 0;
	oom_if_failed_since(failed);
	return found;
}

static size_t entry_count(const struct repo_index *ri)
{
	return ri->from_file ? ri->file.n : git_index_entrycount(ri->index);
}

/* The entry at pos (below entry_count) into *out. */
static bool entry_at(struct repo_index *ri, size_t pos, struct ri_entry *out)
{
	if (ri->from_file) {
		entry_of_file(out, &ri->file.v[pos]);
		return true;
	}
	const git_index_entry *e = git_index_get_byindex(ri->index, pos);
	if (e)
		entry_of_git(out, e);
	return e != NULL;
}

static bool is_file_mode(uint32_t mode)
{
	return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

/*
 * The work tree's copy of path, when it is the staged blob: a regular file of the index
 * entry's size whose blob ID is e's. Usually it is (the file was staged as it is), and
 * reading and hashing it costs a tenth of looking the blob up and inflating it. What is
 * read is used only when its ID is the blob's, so it is the blob, byte for byte: a
 * symbolic link, a FIFO or a file edited since it was staged only costs this attempt.
 */
static bool worktree_copy(struct repo_index *ri, const char *path, const struct ri_entry *e,
			  size_t max)
{
	if (e->size > max)
		return false;
	size_t size = e->size;
	sb_reset(&ri->wt);
	sb_grow(&ri->wt, size);	/* before the open: running out of memory unwinds */
	sb_reset(&ri->wpath);
	sb_printf(&ri->wpath, "%s/%s", strcmp(ri->top, "/") == 0 ? "" : ri->top, path);
	int fd = open(ri->wpath.buf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size == size;
	if (ok) {
		size_t got = 0;
		while (got < size) {
			ssize_t r = read(fd, ri->wt.buf + got, size - got);
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		ok = got == size;
		ri->wt.len = got;
		ri->wt.buf[got] = '\0';
	}
	close(fd);
	char id[41], want[41];
	if (!ok || repo_blob_id(ri->wt.buf, size, id) != 0)
		return false;
	git_oid_tostr(want, sizeof(want), &e->id);
	return strcmp(id, want) == 0;
}

enum ri_state repo_index_read(struct ctx *ctx, const char *relpath, size_t max,
			      const char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	struct repo_index *ri = ri_get(ctx);
	if (!ri)
		return RI_ERROR;
	git_blob_free(ri->blob);
	ri->blob = NULL;
	const char *path = ri_path(ri, relpath);
	struct ri_entry ent, *e = &ent;
	if (!entry_get(ri, path, e))
		return conflicted(ri, path) ? RI_CONFLICT : RI_ABSENT;
	if (!is_file_mode(e->mode))
		return RI_NOT_FILE;
	unsigned long failed = alloc_failures();
	/* the object is checked even when it is not read: a hostile one is still reported */
	if (repo_object_check(ri->repo, &e->id) != 0) {
		oom_if_failed_since(failed);
		repo_git_message(ri->err, sizeof(ri->err));
		return RI_ERROR;
	}
	if (worktree_copy(ri, path, e, max)) {
		*data = ri->wt.buf;
		*len = ri->wt.len;
		return RI_FILE;
	}
	/* the size from the object header: a huge blob is never inflated */
	size_t size = 0;
	git_object_t type;
	if (git_odb_read_header(&size, &type, ri->odb, &e->id) != 0) {
		oom_if_failed_since(failed);
		repo_git_message(ri->err, sizeof(ri->err));
		return RI_ERROR;
	}
	if (size > max) {
		*len = size;
		return RI_TOO_LARGE;
	}
	int rc = git_blob_lookup(&ri->blob, ri->repo, &e->id);
	oom_if_failed_since(failed);	/* (the blob is ri's: ctx_release frees it) */
	if (rc != 0) {
		repo_git_message(ri->err, sizeof(ri->err));
		return RI_ERROR;
	}
	*len = (size_t)git_blob_rawsize(ri->blob);
	*data = git_blob_rawcontent(ri->blob);
	return RI_FILE;
}

enum ri_state repo_index_id(struct ctx *ctx, const char *relpath, char id[41])
{
	id[0] = '\0';
	struct repo_index *ri = ri_get(ctx);
	if (!ri)
		return RI_ERROR;
	const char *path = ri_path(ri, relpath);
	struct ri_entry e;
	enum ri_state st = RI_FILE;
	if (!entry_get(ri, path, &e))
		return conflicted(ri, path) ? RI_CONFLICT : RI_ABSENT;
	if (!is_file_mode(e.mode))
		return RI_NOT_FILE;
	unsigned long failed = alloc_failures();
	if (repo_object_check(ri->repo, &e.id) != 0)
		st = RI_ERROR;	/* repo_index_read reports it */
	else
		git_oid_tostr(id, 41, &e.id);
	oom_if_failed_since(failed);
	return st;
}

bool repo_index_has(struct ctx *ctx, const char *relpath)
{
	struct repo_index *ri = ri_get(ctx);
	if (!ri)
		return false;
	const char *path = ri_path(ri, relpath);
	struct ri_entry e;
	return entry_get(ri, path, &e) || conflicted(ri, path);
}

bool repo_input_exists(struct ctx *ctx, const char *relpath)
{
	if (ctx->opt.staged)
		return repo_index_has(ctx, relpath);
	struct stat st;
	char *abs = arena_printf(&ctx->perm, "%s/%s", ctx->root, relpath);
	return stat(abs, &st) == 0;
}

bool repo_index_holds(struct ctx *ctx, const char *absdir)
{
	struct repo_index *ri = ctx->index;
	if (!ri || (!ri->index && !ri->from_file))
		return false;
	size_t tl = strcmp(ri->top, "/") == 0 ? 0 : strlen(ri->top);
	if (strncmp(absdir, ri->top, tl) != 0 || absdir[tl] != '/')
		return false;
	sb_reset(&ri->path);
	sb_puts(&ri->path, absdir + tl + 1);
	sb_putc(&ri->path, '/');
	size_t pos;
	return find_prefix(ri, ri->path.buf, &pos);
}

/* The gitlink question, asked of a repository opened for it: everything is released
 * before anything is allocated from the arenas. */
static bool gitlink_unloaded(const struct ctx *ctx, const char *relpath)
{
	git_buf buf = { 0 };
	git_repository *repo = NULL;
	git_index *index = NULL;
	char top[PATH_MAX], path[PATH_MAX];
	bool link = false;
	unsigned long failed = alloc_failures();
	const char *alt = getenv("GIT_INDEX_FILE");
	if (repo_discover_open(ctx->root, &buf, &repo) == 0 && git_repository_workdir(repo) &&
	    realpath(git_repository_workdir(repo), top) &&
	    repo_open_index(repo, alt && *alt ? alt : NULL, &index) == 0) {
		size_t tl = strcmp(top, "/") == 0 ? 0 : strlen(top);
		const char *root = ctx->root;
		if (strncmp(root, top, tl) == 0 && (root[tl] == '/' || root[tl] == '\0') &&
		    (size_t)snprintf(path, sizeof(path), "%s%s%s", root[tl] ? root + tl + 1 : "",
				     root[tl] ? "/" : "", relpath) < sizeof(path)) {
			const git_index_entry *e = git_index_get_bypath(index, path, 0);
			link = e && e->mode == GIT_FILEMODE_COMMIT;
		}
	}
	git_index_free(index);
	git_repository_free(repo);
	git_buf_dispose(&buf);
	oom_if_failed_since(failed);
	return link;
}

bool repo_index_gitlink(struct ctx *ctx, const char *relpath)
{
	if (!ctx->index)
		return repo_git_init(ctx) == 0 && gitlink_unloaded(ctx, relpath);
	struct repo_index *ri = ri_get(ctx);
	struct ri_entry e;
	return ri && entry_get(ri, ri_path(ri, relpath), &e) && e.mode == GIT_FILEMODE_COMMIT;
}

struct ri_name *repo_index_list(struct ctx *ctx, struct arena *a, const char *dir, size_t *n)
{
	*n = 0;
	struct repo_index *ri = ri_get(ctx);
	if (!ri)
		return NULL;
	const char *prefix = ri_path(ri, dir);
	sb_putc(&ri->path, '/');
	size_t pl = ri->path.len, pos;
	if (!find_prefix(ri, prefix, &pos))
		return NULL;
	struct ri_name *v = NULL;
	size_t cap = 0, count = entry_count(ri);
	for (; pos < count; pos++) {
		struct ri_entry ent, *e = &ent;
		if (!entry_at(ri, pos, e) || strncmp(e->path, ri->path.buf, pl) != 0)
			break;
		const char *name = e->path + pl, *slash = strchr(name, '/');
		size_t nl = slash ? (size_t)(slash - name) : strlen(name);
		if (nl == 0)
			continue;
		/* the entries of one name are adjacent: they share "name/" or are "name" */
		if (*n && strlen(v[*n - 1].name) == nl && memcmp(v[*n - 1].name, name, nl) == 0)
			continue;
		struct ri_name item = { arena_strndup(a, name, nl), slash != NULL,
					!slash && e->mode == GIT_FILEMODE_COMMIT };
		ARENA_PUSH(a, v, *n, cap, item);
	}
	return v;
}

int repo_index_stage(struct ctx *ctx, const struct ri_file *add, size_t nadd,
		     const char *const *del, size_t ndel, size_t *added, size_t *removed)
{
	*added = *removed = 0;
	struct repo_index *ri = ri_get(ctx);
	char msg[256];
	unsigned long failed = alloc_failures();
	if (!ri) {
		error("cannot stage the generated files: %s", repo_index_error(ctx));
		return -1;
	}
	/* libgit2 writes it: loaded now when the file reader read it (build --stage loads
	 * it with libgit2 at once); else read again, another git command may have changed
	 * it since it was loaded */
	if (ri->from_file) {
		const char *alt = getenv("GIT_INDEX_FILE");
		rif_free(&ri->file);
		ri->from_file = false;
		if (repo_open_index(ri->repo, alt && *alt ? alt : NULL, &ri->index) != 0)
			goto fail;
	} else if (git_index_read(ri->index, 0) != 0) {
		goto fail;
	}
	for (size_t i = 0; i < nadd; i++) {
		const char *path = ri_path(ri, add[i].path);
		const git_index_entry *e = git_index_get_bypath(ri->index, path, 0);
		if (e && is_file_mode(e->mode)) {
			git_oid oid;
			if (git_oid_fromstr(&oid, add[i].blob) != 0)
				goto fail;
			if (git_oid_equal(&oid, &e->id))
				continue;
		}
		if (git_index_add_bypath(ri->index, path) != 0)
			goto fail_path;
		(*added)++;
	}
	for (size_t i = 0; i < ndel; i++) {
		const char *path = ri_path(ri, del[i]);
		if (!git_index_get_bypath(ri->index, path, 0) && !conflicted(ri, path))
			continue;
		if (git_index_remove_bypath(ri->index, path) != 0)
			goto fail_path;
		(*removed)++;
	}
	oom_if_failed_since(failed);	/* before the index is written, not after */
	if ((*added || *removed) && git_index_write(ri->index) != 0)
		goto fail;
	oom_if_failed_since(failed);
	return 0;
fail_path:
	oom_if_failed_since(failed);
	repo_git_message(msg, sizeof(msg));
	error("cannot stage '%s': %s", ri->path.buf, msg);
	return -1;
fail:
	oom_if_failed_since(failed);
	repo_git_message(msg, sizeof(msg));
	error("cannot update the git index: %s", msg);
	return -1;
}
