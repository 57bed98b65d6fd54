/*
 * out_strict.c - the paths out/.eragen-manifest names (orphans), reached the strict way:
 * from the repository root down, one component at a time with O_NOFOLLOW, so that no
 * symbolic link is followed, not even one that stays inside the repository (it could
 * lead to .git/config or to a spec, which check would show and --prune delete). Also the
 * sweep of the temp files a killed build left, in the directories of the owned patterns
 * only, never through a symbolic link.
 *
 * Consumes paths relative to ctx->root that ow_manifest_load accepted (so no '..', no
 * empty component, components of at most 255 bytes); produces a file's content and
 * identity (ow_strict_read), a deletion that happens only while the file is still the
 * one that was judged (ow_strict_unlink), and the sweep. System failures are error() and
 * -1 (DISK_ERROR); what cannot be reached is DISK_REFUSED, for the caller to report.
 */
#include "out_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The directory of rel opened from the root down, one component at a time, following no
 * symbolic link (O_NOFOLLOW on each): its fd, and *base the last component of rel. -1
 * with errno: ENOENT (a directory is missing), ELOOP or ENOTDIR (a symbolic link or
 * something else that is not a directory on the way), or what open said.
 */
static int open_dir_strict(struct ctx *ctx, const char *rel, const char **base)
{
	int fd = open(ctx->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const char *s = rel, *slash;
	char name[256];
	while (fd >= 0 && (slash = strchr(s, '/'))) {
		size_t n = (size_t)(slash - s);
		if (n >= sizeof(name)) {	/* not a valid manifest path */
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(name, s, n);
		name[n] = '\0';
		int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int e = errno;
		close(fd);
		errno = e;
		fd = sub;
		s = slash + 1;
	}
	*base = s;
	return fd;
}

enum disk ow_strict_read(struct ctx *ctx, struct walk *w, const char *rel, size_t max,
			 char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	if (ctx->opt.staged)	/* the index holds no symbolic link on the way: git refuses */
		return ow_index_read(ctx, w, rel, max, data, len);
	const char *base;
	int dir = open_dir_strict(ctx, rel, &base), fd = -1;
	if (dir >= 0) {
		fd = openat(dir, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		int e = errno;
		close(dir);
		errno = e;
	}
	if (fd < 0) {
		if (errno == ENOENT)
			return DISK_MISSING;
		if (errno == ELOOP || errno == ENOTDIR || errno == ENAMETOOLONG)
			return DISK_REFUSED;
		error("cannot open '%s': %s", rel, strerror(errno));
		return DISK_ERROR;
	}
	return ow_read_fd(ctx, w, fd, rel, max, false, data, len);
}

int ow_strict_unlink(struct ctx *ctx, const char *rel, const struct file_id *id)
{
	const char *base;
	int dir = open_dir_strict(ctx, rel, &base);
	if (dir < 0 && (errno == ENOENT || errno == ELOOP || errno == ENOTDIR))
		return 0;	/* gone, or no longer reached without a symbolic link */
	if (dir < 0) {
		error("cannot delete '%s': %s", rel, strerror(errno));
		return -1;
	}
	struct stat st;
	int rc = 0;
	if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	    st.st_dev == id->dev && st.st_ino == id->ino && st.st_size == id->size &&
	    st.st_mtim.tv_sec == id->mtime.tv_sec && st.st_mtim.tv_nsec == id->mtime.tv_nsec) {
		rc = 1;
		if (unlinkat(dir, base, 0) != 0) {
			rc = errno == ENOENT ? 0 : -1;
			if (rc)
				error("cannot delete '%s': %s", rel, strerror(errno));
		}
	}
	close(dir);
	return rc;
}

/* ---- the sweep after an interrupted build --------------------------------------- */

static void release_dir(void *d)
{
	closedir(d);
}

/* rel back to its first n bytes */
static void cut(struct strbuf *rel, size_t n)
{
	rel->len = n;
	if (rel->buf)
		rel->buf[n] = '\0';
}

/*
 * Sweep the directory open as fd, whose path is rel ("" for the root, else ending in
 * '/'): the temp files of owned paths (and of the manifest); below it too when deep, at
 * most 16 levels, never through a symbolic link. Closes fd.
 */
static void sweep_fd(int fd, struct strbuf *rel, bool deep, int depth)
{
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	struct oom_guard guard;
	oom_guard_push(&guard, release_dir, d);
	size_t keep = rel->len;
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		struct stat st;
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0 ||
		    fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		cut(rel, keep);
		if (S_ISDIR(st.st_mode) && deep && depth < 16) {
			sb_printf(rel, "%s/", n);
			int sub = openat(dirfd(d), n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				sweep_fd(sub, rel, deep, depth + 1);
		} else if (S_ISREG(st.st_mode) && ow_temp_name(n)) {
			sb_add(rel, n + 1, strlen(n) - 1 - strlen(".eragen-tmp"));
			if (ow_owned(rel->buf) || strcmp(rel->buf, OUT_MANIFEST) == 0)
				unlinkat(dirfd(d), n, 0);
		}
	}
	cut(rel, keep);
	oom_guard_pop(&guard);
	closedir(d);
}

/* The directory a pattern's files are in (its leading components without '*', all but
 * the last), into dir; whether files are below it too (*deep). */
static void pattern_dir(const char *pat, struct strbuf *dir, bool *deep)
{
	sb_reset(dir);
	const char *s = pat, *slash;
	while ((slash = strchr(s, '/')) && !memchr(s, '*', (size_t)(slash - s))) {
		sb_add(dir, s, (size_t)(slash - s) + 1);
		s = slash + 1;
	}
	*deep = strchr(s, '/') != NULL;
}

struct sweep_dir {
	char *dir;
	bool deep;
};

static void release_sweep(void *p)
{
	struct sweep_dir *v = p;
	for (size_t i = 0; v && v[i].dir; i++)
		free(v[i].dir);
	free(v);
}

/* Is dir swept already: one of v (n), or below a deep one? */
static bool swept(struct sweep_dir *v, size_t n, const char *dir, bool deep)
{
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i].dir);
		if (strcmp(v[i].dir, dir) == 0 && (v[i].deep || !deep))
			return true;
		if (v[i].deep && strncmp(v[i].dir, dir, l) == 0)
			return true;
	}
	return false;
}

void ow_sweep(struct ctx *ctx)
{
	size_t np = 0, n = 0;
	while (emit_owned(np))
		np++;
	struct sweep_dir *v = xcalloc(np + 1, sizeof(*v));	/* NULL-terminated */
	struct strbuf rel = STRBUF_INIT;
	struct oom_guard v_guard, rel_guard;
	oom_guard_push(&v_guard, release_sweep, v);
	oom_guard_strbuf(&rel_guard, &rel);
	for (int pass = 1; pass >= 0; pass--) {	/* the deep ones first: they cover more */
		for (size_t i = 0; i < np; i++) {
			bool deep;
			pattern_dir(emit_owned(i), &rel, &deep);
			if (deep != (pass == 1) || swept(v, n, rel.buf ? rel.buf : "", deep))
				continue;
			v[n].deep = deep;
			v[n++].dir = xstrdup(rel.buf ? rel.buf : "");
		}
	}
	for (size_t i = 0; i < n; i++) {
		const char *base;
		int fd = open_dir_strict(ctx, v[i].dir, &base);
		sb_reset(&rel);
		sb_puts(&rel, v[i].dir);
		if (fd >= 0)
			sweep_fd(fd, &rel, v[i].deep, 0);
	}
	oom_guard_pop(&rel_guard);
	oom_guard_pop(&v_guard);
	sb_release(&rel);
	release_sweep(v);
}
