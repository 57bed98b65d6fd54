/*
 * out_disk.c - the disk under the sync (out_sync.c): the walk that checks the
 * directories above each generated path, the reads of existing files (from the git index
 * with --staged), and the two-phase commit that writes a build's files, with its journal.
 *
 * Consumes paths relative to ctx->root; produces a file's content (in the walk's buffer,
 * valid until the next read) or what stands in its way (enum disk), and, building, temp
 * files renamed into place all at once. Invariants: nothing is read or written through
 * a symbolic link leading out of the repository, nor under something that is not a
 * directory (SPEC012, reported once per directory; everything under it is refused); a
 * generated file is only ever written as a temp file beside its target
 * (.<name>.eragen-tmp), then renamed; on any failure the temp files, and the directories
 * created for them, are removed. System failures are error() and -1 (or DISK_ERROR).
 */
#include "out_int.h"
#include "repo_index.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct loc nowhere = { 0 };

/* ---- the disk ------------------------------------------------------------------- */

const char *ow_abs_path(struct ctx *ctx, struct strbuf *sb, const char *rel, size_t n)
{
	sb_reset(sb);
	sb_puts(sb, ctx->root);
	sb_putc(sb, '/');
	sb_add(sb, rel, n);
	return sb->buf;
}

/* A location in a generated file: registered once per reported file. */
struct loc ow_gen_loc(struct ctx *ctx, const char *path, const char *data, size_t len,
		      uint32_t line)
{
	struct srcfile *f = NULL;
	if (data && !memchr(data, '\0', len) && utf8_check(data, len) == (size_t)-1 &&
	    len <= SRC_MAX_BYTES)
		f = srcfile_from_mem(ctx, path, data, len, nowhere);
	if (!f) {
		f = srcfile_from_mem(ctx, path, "", 0, nowhere);
		line = 0;
	}
	if (!f)
		return nowhere;
	return (struct loc){ .file = f->id, .line = line, .col = line ? 1 : 0 };
}

/* Where a refused symbolic link leads, for a message (a dangling one counts as out). */
static const char *link_where(const struct ctx *ctx, const char *abs)
{
	const char *why = path_link_problem(ctx, abs);
	return why && strstr(why, ".git") ? "leading into a .git directory"
					  : "leading out of the repository";
}

enum dir_state { DIR_OK, DIR_MISSING, DIR_REFUSED, DIR_ERROR };

static bool has_dir_prefix(const char *s, size_t n, const char *prefix, size_t pn)
{
	return pn && n >= pn && memcmp(s, prefix, pn) == 0 && (n == pn || s[pn] == '/');
}

static void refuse(struct walk *w, const char *path, size_t n)
{
	vec_grow((void **)&w->refused, &w->caprefused, w->nrefused + 1, sizeof(*w->refused));
	char *dir = xstrndup(path, n);	/* before the count: it may run out of memory */
	w->refused[w->nrefused++] = dir;
	w->have_last = false;
}

static enum dir_state dir_check(struct ctx *ctx, struct walk *w, const char *path, size_t n)
{
	if (n == 0)
		return DIR_OK;
	for (size_t i = 0; i < w->nrefused; i++)
		if (has_dir_prefix(path, n, w->refused[i], strlen(w->refused[i])))
			return DIR_REFUSED;
	size_t from = 0;	/* components before from are known to exist */
	if (w->have_last) {
		size_t common = 0, i = 0;
		while (i < n && i < w->last.len && path[i] == w->last.buf[i]) {
			i++;
			if ((i == n || path[i] == '/') && (i == w->last.len || w->last.buf[i] == '/'))
				common = i;
		}
		if (common > w->exist) {
			/* under a directory that does not exist */
			sb_reset(&w->last);
			sb_add(&w->last, path, n);
			return DIR_MISSING;
		}
		from = common;
	}
	sb_reset(&w->last);
	sb_add(&w->last, path, n);
	w->have_last = true;
	w->exist = n;
	for (size_t end = from + (from > 0); end <= n; end++) {
		if (end < n && path[end] != '/')
			continue;
		struct stat st;
		const char *abs = ow_abs_path(ctx, &w->abs, path, end);
		if (lstat(abs, &st) != 0) {
			if (errno == ENOENT) {
				w->exist = from;
				return DIR_MISSING;
			}
			error("cannot inspect '%.*s': %s", (int)end, path, strerror(errno));
			return DIR_ERROR;
		}
		if (S_ISLNK(st.st_mode)) {
			char real[PATH_MAX];
			if (!realpath(abs, real) || !path_real_inside(ctx, real)) {
				diag_add(ctx, "SPEC012", NULL, ow_gen_loc(ctx, path, NULL, 0, 0),
					 "'%.*s' is a symbolic link %s: nothing is written through it",
					 (int)end, path, link_where(ctx, abs));
				refuse(w, path, end);
				return DIR_REFUSED;
			}
		} else if (!S_ISDIR(st.st_mode)) {
			diag_add(ctx, "SPEC012", NULL, ow_gen_loc(ctx, path, NULL, 0, 0),
				 "'%.*s' is not a directory: generated files cannot be written "
				 "under it",
				 (int)end, path);
			refuse(w, path, end);
			return DIR_REFUSED;
		}
		from = end;
	}
	return DIR_OK;
}

enum disk ow_index_read(struct ctx *ctx, struct walk *w, const char *rel, size_t max,
			char **data, size_t *len)
{
	const char *blob;
	size_t n;
	switch (repo_index_read(ctx, rel, max, &blob, &n)) {
	case RI_FILE:
		break;
	case RI_ABSENT:
		return DISK_MISSING;
	case RI_CONFLICT:
		diag_add(ctx, "SPEC012", NULL, ow_gen_loc(ctx, rel, NULL, 0, 0),
			 "'%s' has an unresolved merge conflict in the index", rel);
		return DISK_REFUSED;
	case RI_NOT_FILE:
		diag_add(ctx, "SPEC012", NULL, ow_gen_loc(ctx, rel, NULL, 0, 0),
			 "'%s' is not a regular file in the index: the generated file cannot "
			 "replace it", rel);
		return DISK_REFUSED;
	case RI_TOO_LARGE:
		return DISK_HUGE;
	case RI_ERROR:
	default:
		error("cannot read '%s' from the git index: %s", rel, repo_index_error(ctx));
		return DISK_ERROR;
	}
	if (w->cap < n + 1) {
		w->cap = n + 1 > 65536 ? n + 1 : 65536;
		free(w->buf);
		w->buf = NULL;	/* xmalloc may unwind: never leave a freed pointer behind */
		w->buf = xmalloc(w->cap);
	}
	if (n)
		memcpy(w->buf, blob, n);
	w->buf[n] = '\0';
	*data = w->buf;
	*len = n;
	return DISK_FILE;
}

enum disk ow_read_fd(struct ctx *ctx, struct walk *w, int fd, const char *rel, size_t max,
		     bool report, char **data, size_t *len)
{
	struct stat st;
	if (fstat(fd, &st) != 0) {
		error("cannot inspect '%s': %s", rel, strerror(errno));
		close(fd);
		return DISK_ERROR;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		if (report)
			diag_add(ctx, "SPEC012", NULL, ow_gen_loc(ctx, rel, NULL, 0, 0),
				 "'%s' is not a regular file: the generated file cannot replace it",
				 rel);
		return DISK_REFUSED;
	}
	if (w->id)
		*w->id = file_id_of(&st);
	if ((uintmax_t)st.st_size > max) {
		close(fd);
		*len = (size_t)st.st_size;
		return DISK_HUGE;
	}
	size_t n = 0;
	if (w->cap < (size_t)st.st_size + 2) {
		w->cap = (size_t)st.st_size + 2 > 65536 ? (size_t)st.st_size + 2 : 65536;
		free(w->buf);
		w->buf = xmalloc(w->cap);
	}
	for (;;) {
		if (n + 1 >= w->cap) {	/* it grew since fstat */
			w->cap *= 2;
			w->buf = xrealloc(w->buf, w->cap);
		}
		ssize_t r = read(fd, w->buf + n, w->cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			error("cannot read '%s': %s", rel, strerror(errno));
			close(fd);
			return DISK_ERROR;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {	/* it grew past the bound while it was read */
			close(fd);
			*len = n;
			return DISK_HUGE;
		}
	}
	close(fd);
	w->buf[n] = '\0';
	*data = w->buf;
	*len = n;
	return DISK_FILE;
}

/* Read rel (one open, one fstat, reads) into w's buffer: valid until the next read;
 * DISK_HUGE, unread, when it has more than max bytes. With --staged (check), the index
 * stands for the disk. */
enum disk ow_disk_read(struct ctx *ctx, struct walk *w, const char *rel, size_t max,
		       char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	if (ctx->opt.staged)
		return ow_index_read(ctx, w, rel, max, data, len);
	const char *slash = strrchr(rel, '/');
	switch (dir_check(ctx, w, rel, slash ? (size_t)(slash - rel) : 0)) {
	case DIR_OK:
		break;
	case DIR_MISSING:
		return DISK_MISSING;
	case DIR_REFUSED:
		return DISK_REFUSED;
	case DIR_ERROR:
		return DISK_ERROR;
	}
	const char *abs = ow_abs_path(ctx, &w->abs, rel, strlen(rel));
	/* a symbolic link in place of a generated file is never read (it could show any file
	 * of the repository, .git/config included, in check's diff) nor replaced */
	int fd = open(abs, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ELOOP) {
		char real[PATH_MAX];
		if (!realpath(abs, real) || !path_real_inside(ctx, real))
			diag_add(ctx, "SPEC012", NULL, ow_gen_loc(ctx, rel, NULL, 0, 0),
				 "'%s' is a symbolic link %s: it is never written through", rel,
				 link_where(ctx, abs));
		else
			diag_add(ctx, "SPEC012", NULL, ow_gen_loc(ctx, rel, NULL, 0, 0),
				 "'%s' is a symbolic link: a generated file is never read or "
				 "written through one", rel);
		return DISK_REFUSED;
	}
	if (fd < 0) {
		if (errno == ENOENT)
			return DISK_MISSING;
		error("cannot open '%s': %s", rel, strerror(errno));
		return DISK_ERROR;
	}
	return ow_read_fd(ctx, w, fd, rel, max, true, data, len);
}

int ow_disk_stat(struct ctx *ctx, struct walk *w, const char *rel, struct stat *st)
{
	const char *slash = strrchr(rel, '/');
	switch (dir_check(ctx, w, rel, slash ? (size_t)(slash - rel) : 0)) {
	case DIR_OK:
		break;
	case DIR_ERROR:
		return -1;
	default:
		return 0;	/* ow_disk_read finds the same (the checks are cached) */
	}
	const char *abs = ow_abs_path(ctx, &w->abs, rel, strlen(rel));
	return lstat(abs, st) == 0 && S_ISREG(st->st_mode);
}

/* ---- the commit ----------------------------------------------------------------- */

/*
 * Writes are a two-phase commit (struct commit): each file is written to a temp file in
 * its own directory (.<name>.eragen-tmp), then each is renamed over its target (the
 * manifest last). A crash or SIGKILL of eragen at any point leaves every file old or new
 * (a rename is atomic). Nothing is flushed to disk by default (DESIGN 8.3: like a
 * compiler's, the output is reproducible, and `check` finds any loss after a crash of
 * the system); with --fsync (c->fsync) each temp file is flushed before its rename and
 * the directories of the renamed files after them. A whole file system is never synced:
 * the time of a build does not depend on other processes' writes. On any failure the
 * temp files are removed.
 *
 * The journal (out/.eragen-journal) says that a build is writing: it is created before
 * the first temp file, then filled, before the first rename, with "<blob>  <path>" for
 * every file about to be renamed, and deleted once the renames are done. A journal
 * found at the start of a build means the last one was interrupted: its claims tell
 * files it renamed (but that the old manifest does not know) from hand edits, and its
 * temp files are swept.
 */

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static void created(struct commit *c, const char *abs);

/* The journal opened for writing: never blocking on a FIFO put in its place, never
 * writing into anything but a regular file. -1 with errno set otherwise. */
static int journal_open(const char *path, int flags)
{
	int fd = open(path, flags | O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/* mkdir -p of rel[0..n): the deepest directory first, since usually only it is missing.
 * Each directory created is recorded in c. */
static int make_dir(struct ctx *ctx, struct commit *c, struct strbuf *abs, const char *rel,
		    size_t n)
{
	if (n == 0)
		return 0;
	if (mkdir(ow_abs_path(ctx, abs, rel, n), 0777) == 0) {
		created(c, abs->buf);
		return 0;
	}
	if (errno == EEXIST)
		return 0;
	if (errno == ENOENT) {
		size_t p = n;
		while (p > 0 && rel[p - 1] != '/')
			p--;
		if (p > 1) {
			if (make_dir(ctx, c, abs, rel, p - 1) != 0)
				return -1;	/* reported by the deeper call */
			if (mkdir(ow_abs_path(ctx, abs, rel, n), 0777) == 0) {
				created(c, abs->buf);
				return 0;
			}
			if (errno == EEXIST)
				return 0;
		}
	}
	error("cannot create directory '%.*s': %s", (int)n, rel, strerror(errno));
	return -1;
}

static int make_dirs(struct ctx *ctx, struct commit *c, struct strbuf *abs, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	return slash ? make_dir(ctx, c, abs, rel, (size_t)(slash - rel)) : 0;
}

#ifdef ERAGEN_TEST_HOOKS
/* Test-only, never in a normal or sanitizer build (make crash-eragen; tests/cli/
 * crash-safety.sh): ERAGEN_TEST_KILL=temp:N or rename:N raises SIGKILL right after the
 * Nth temp file is written or the Nth rename is done. */
#include <signal.h>
static void test_kill(const char *what, size_t n)
{
	const char *k = getenv("ERAGEN_TEST_KILL");
	size_t l = strlen(what);
	if (k && strncmp(k, what, l) == 0 && k[l] == ':' && strtoull(k + l + 1, NULL, 10) == n)
		raise(SIGKILL);
}
/* ERAGEN_TEST_STOP=renamed stops the process (SIGSTOP) once every file is renamed, before
 * the build's end stamps them (tests/cli/speed-stamps-race.sh edits one meanwhile). */
static void test_stop(const char *what)
{
	const char *k = getenv("ERAGEN_TEST_STOP");
	if (k && strcmp(k, what) == 0)
		raise(SIGSTOP);
}
#else
#define test_kill(what, n) ((void)0)
#define test_stop(what) ((void)0)
#endif

/* Remove the temp files not renamed yet, and the directories created for them that are
 * empty again (the deepest first); forget everything. */
void ow_commit_abort(struct commit *c)
{
	for (size_t i = 0; i < c->n; i++) {
		if (c->tmp[i])
			unlink(c->tmp[i]);
		free(c->tmp[i]);
		free(c->dst[i]);
	}
	for (size_t i = c->ndirs; i-- > 0;) {
		rmdir(c->dirs[i]);	/* fails, as it should, once a file is in it */
		free(c->dirs[i]);
	}
	/* before any rename, only the older claims (if any) are true */
	if (c->journal && c->renamed == 0 && c->older == 0)
		unlink(c->journal);
	if (c->journal && c->renamed == 0 && c->older > 0) {
		int fd = journal_open(c->journal, O_TRUNC);
		if (fd >= 0) {
			(void)write_all(fd, c->claims.buf, c->older);
			close(fd);
		}
	}
	free(c->journal);
	sb_release(&c->claims);
	free(c->tmp);
	free(c->dst);
	free(c->dirs);
	memset(c, 0, sizeof(*c));
}

/* Forget the directories created: the files renamed into them are there to stay. */
void ow_commit_keep_dirs(struct commit *c)
{
	for (size_t i = 0; i < c->ndirs; i++)
		free(c->dirs[i]);
	c->ndirs = 0;
}

static void created(struct commit *c, const char *abs)
{
	vec_grow((void **)&c->dirs, &c->capdirs, c->ndirs + 1, sizeof(*c->dirs));
	char *dir = xstrdup(abs);	/* before the count: it may run out of memory */
	c->dirs[c->ndirs++] = dir;
}

/* Write the journal (text may be NULL when len is 0), its directories as needed. */
int ow_journal_write(struct ctx *ctx, struct commit *c, const char *text, size_t len)
{
	if (!c->journal) {
		struct strbuf abs = STRBUF_INIT;
		struct oom_guard abs_guard;
		oom_guard_strbuf(&abs_guard, &abs);
		int rc = make_dirs(ctx, c, &abs, OUT_JOURNAL);
		if (rc == 0)
			c->journal = xstrdup(ow_abs_path(ctx, &abs, OUT_JOURNAL, strlen(OUT_JOURNAL)));
		oom_guard_pop(&abs_guard);
		sb_release(&abs);
		if (rc != 0)
			return -1;
	}
	int fd = journal_open(c->journal, O_CREAT | O_TRUNC);
	int bad = fd < 0 || (text && write_all(fd, text, len) != 0) ||
		  (c->fsync && fsync(fd) != 0);
	if (fd >= 0 && close(fd) != 0)
		bad = 1;
	if (bad)
		error("cannot write '%s': %s", OUT_JOURNAL, strerror(errno));
	return bad ? -1 : 0;
}

/* Phase 1: head + body into a temp file beside rel (directories created as needed);
 * blob, the ID of the body, goes to the journal (NULL: the manifest, not claimed). */
int ow_commit_add(struct ctx *ctx, struct commit *c, const char *rel, const char *blob,
		  const char *head, size_t hlen, const char *body, size_t blen)
{
	if (!c->journal && ow_journal_write(ctx, c, c->claims.buf, c->older) != 0)
		return -1;
	if (blob)
		sb_printf(&c->claims, "%s  %s\n", blob, rel);
	/* every allocation before the temp file exists, so that none can strand it */
	struct strbuf dst = STRBUF_INIT, tmp = STRBUF_INIT, dirs = STRBUF_INIT;
	struct oom_guard dst_guard, tmp_guard, dirs_guard;
	oom_guard_strbuf(&dst_guard, &dst);
	oom_guard_strbuf(&tmp_guard, &tmp);
	oom_guard_strbuf(&dirs_guard, &dirs);
	vec_grow((void **)&c->tmp, &c->cap, c->n + 1, sizeof(*c->tmp));
	vec_grow((void **)&c->dst, &c->capd, c->n + 1, sizeof(*c->dst));
	const char *slash = strrchr(rel, '/');
	size_t dlen = slash ? (size_t)(slash - rel) + 1 : 0;
	ow_abs_path(ctx, &dst, rel, strlen(rel));
	ow_abs_path(ctx, &tmp, rel, dlen);
	sb_printf(&tmp, ".%s.eragen-tmp", rel + dlen);
	int fd = -1, rc = -1;
	for (int attempt = 0; attempt < 3 && fd < 0; attempt++) {
		fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd >= 0)
			break;
		int e = errno;
		if (e == EEXIST)
			unlink(tmp.buf);	/* left by a killed run */
		else if (e != ENOENT)
			break;
		else if (make_dirs(ctx, c, &dirs, rel) != 0)
			goto out;
		errno = e;
	}
	if (fd < 0) {
		error("cannot create '%s': %s", rel, strerror(errno));
		goto out;
	}
	int bad = write_all(fd, head, hlen) != 0 || write_all(fd, body, blen) != 0 ||
		  (c->fsync && fsync(fd) != 0);
	if (close(fd) != 0 || bad) {
		error("cannot write '%s': %s", rel, strerror(errno));
		unlink(tmp.buf);
		goto out;
	}
	c->tmp[c->n] = tmp.buf;	/* the commit owns both strings now */
	c->dst[c->n++] = dst.buf;
	tmp = (struct strbuf)STRBUF_INIT;
	dst = (struct strbuf)STRBUF_INIT;
	test_kill("temp", c->n);
	rc = 0;
out:
	oom_guard_pop(&dirs_guard);
	oom_guard_pop(&tmp_guard);
	oom_guard_pop(&dst_guard);
	sb_release(&dirs);
	sb_release(&tmp);
	sb_release(&dst);
	return rc;
}

/* --fsync: the directories of the renamed files (a run of files in one directory
 * flushes it once), so that the renames are on disk too. */
static int flush_dirs(struct ctx *ctx, struct commit *c)
{
	const char *last = NULL;
	size_t lastn = 0;
	for (size_t i = 0; i < c->n; i++) {
		const char *slash = strrchr(c->dst[i], '/');
		size_t n = (size_t)(slash - c->dst[i]);
		if (last && n == lastn && memcmp(last, c->dst[i], n) == 0)
			continue;
		last = c->dst[i];
		lastn = n;
		char dir[PATH_MAX];
		if (n >= sizeof(dir))
			continue;
		memcpy(dir, c->dst[i], n);
		dir[n] = '\0';
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || fsync(fd) != 0) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			error("cannot flush '%s' to disk: %s", dir + strlen(ctx->root) + 1,
			      strerror(e));
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* Phase 2: the journal, then every temp file renamed over its target in order (with
 * --fsync, their directories flushed after). */
int ow_commit_finish(struct ctx *ctx, struct commit *c, struct file_id *ids)
{
	if (c->n == 0)
		return 0;
	if (ow_journal_write(ctx, c, c->claims.buf, c->claims.len) != 0) {
		ow_commit_abort(c);
		return -1;
	}
	for (size_t i = 0; i < c->n; i++) {
		if (rename(c->tmp[i], c->dst[i]) != 0) {
			error("cannot replace '%s': %s", c->dst[i] + strlen(ctx->root) + 1,
			      strerror(errno));
			ow_commit_abort(c);
			return -1;
		}
		struct stat st;
		if (ids && lstat(c->dst[i], &st) == 0 && S_ISREG(st.st_mode))
			ids[i] = file_id_of(&st);
		free(c->tmp[i]);
		c->tmp[i] = NULL;
		c->renamed++;
		test_kill("rename", i + 1);
	}
	int rc = c->fsync ? flush_dirs(ctx, c) : 0;
	if (rc == 0)
		unlink(c->journal);	/* done: the manifest tells it all */
	test_stop("renamed");
	ow_commit_keep_dirs(c);
	ow_commit_abort(c);	/* frees the lists; nothing is left to unlink */
	return rc;
}
