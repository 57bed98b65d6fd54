/*
 * out_lock.c - one build writes at a time: out/.eragen-lock, held with flock() from the
 * moment a build's sync reads the manifest until it has renamed (or removed) its last
 * temp file. A second build waits for it, at most ERAGEN_LOCK_TIMEOUT seconds (default
 * OUT_LOCK_WAIT), then gives up with "another eragen build is running" (exit 3); check
 * writes nothing and takes no lock.
 *
 * The lock file exists only while a build holds it: the holder deletes it before it lets
 * go, so it never shows in `git status`, in the manifest or as an orphan. A build that
 * was killed leaves the file behind, but not the lock (the kernel drops a dead process's
 * flock): the next build takes it at once and deletes it in turn. Because the holder
 * deletes the file, a waiter that gets the lock checks that the path still names the file
 * it locked, and starts over when not (another build may have created a new one).
 *
 * Invariants: nothing is created through a symbolic link; when out/ leads out of the
 * repository (or into a .git directory) no lock is taken, since the sync writes nothing
 * there (SPEC012); when out/ cannot be written at all (a read-only checkout) neither,
 * since the sync cannot write either and says so if it has to.
 */
#include "out_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOCK_NAME ".eragen-lock"	/* in out/: OUT_LOCK */
#define LOCK_POLL_MS 20

/* The bound of the wait, in seconds: ERAGEN_LOCK_TIMEOUT when it is a number. */
static unsigned lock_wait(void)
{
	const char *v = getenv("ERAGEN_LOCK_TIMEOUT");
	char *end;
	unsigned long n = v && *v ? strtoul(v, &end, 10) : 0;
	return v && *v && *end == '\0' && n <= 3600 ? (unsigned)n : OUT_LOCK_WAIT;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * out/ opened (created when missing: l->made_out), following no symbolic link that
 * leaves the repository. 1 open in l->dirfd; 0 when no lock is needed (see above); -1
 * after error().
 */
static int open_out(struct ctx *ctx, struct out_lock *l)
{
	char abs[PATH_MAX];
	if ((size_t)snprintf(abs, sizeof(abs), "%s/out", ctx->root) >= sizeof(abs))
		return 0;	/* the sync reports what cannot be reached */
	int rc = 1;
	l->dirfd = open(abs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (l->dirfd < 0 && errno == ENOENT) {
		if (mkdir(abs, 0777) == 0)
			l->made_out = true;
		l->dirfd = open(abs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (l->dirfd < 0 && errno == ELOOP) {	/* a symbolic link: used only inside */
		char real[PATH_MAX];
		if (realpath(abs, real) && path_real_inside(ctx, real))
			l->dirfd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		else
			rc = 0;
	}
	if (rc == 1 && l->dirfd < 0) {
		if (errno == ENOTDIR || errno == EACCES || errno == EPERM || errno == EROFS) {
			rc = 0;	/* the sync refuses or fails on it, with a message */
		} else {
			error("cannot open 'out': %s", strerror(errno));
			rc = -1;
		}
	}
	return rc;
}

/* Does LOCK_NAME in out/ still name the file open as fd? */
static bool still_there(const struct out_lock *l, int fd)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && fstatat(l->dirfd, LOCK_NAME, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * One attempt: 1 locked (l->fd), 0 held by another process, 2 no lock possible here
 * (SPEC012 reported when the file is not a regular one), -1 after error().
 */
static int try_lock(struct ctx *ctx, struct out_lock *l)
{
	int fd = openat(l->dirfd, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
			0666);
	struct stat st;
	if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EROFS))
		return 2;
	if (fd < 0 && errno != ELOOP && errno != EISDIR) {
		error("cannot open '%s': %s", OUT_LOCK, strerror(errno));
		return -1;
	}
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		struct diag *d = diag_add(ctx, "SPEC012", NULL, ow_gen_loc(ctx, OUT_LOCK, NULL, 0, 0),
					  "'%s' is not a regular file: eragen cannot lock it, so "
					  "nothing is written", OUT_LOCK);
		diag_help(ctx, d, "remove it: eragen creates it while a build runs");
		return 2;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		close(fd);
		if (e == EWOULDBLOCK || e == EINTR)
			return 0;
		error("cannot lock '%s': %s", OUT_LOCK, strerror(e));
		return -1;
	}
	if (!still_there(l, fd)) {	/* its holder deleted it before we got it */
		close(fd);
		return 0;
	}
	l->fd = fd;
	return 1;
}

int ow_lock_take(struct ctx *ctx, struct out_lock *l)
{
	*l = (struct out_lock){ .dirfd = -1, .fd = -1 };
	int rc = open_out(ctx, l);
	if (rc <= 0)
		return rc;
	unsigned wait = lock_wait();
	double end = now() + wait;
	bool told = false;
	for (;;) {
		rc = try_lock(ctx, l);
		if (rc != 0)
			break;
		if (now() >= end) {
			error("another eragen build is running: '%s' is still locked after %u "
			      "second%s (ERAGEN_LOCK_TIMEOUT sets the wait)",
			      OUT_LOCK, wait, wait == 1 ? "" : "s");
			rc = -1;
			break;
		}
		if (!told && !ctx->opt.quiet)
			fprintf(stderr, "eragen: another eragen build is running: waiting for it "
					"(at most %u s)\n", wait);
		told = true;
		nanosleep(&(struct timespec){ 0, LOCK_POLL_MS * 1000000L }, NULL);
	}
	if (rc == 1)
		return 0;
	ow_lock_release(ctx, l);	/* closes out/ (and removes it when made for this) */
	return rc == 2 ? 0 : -1;
}

void ow_lock_release(struct ctx *ctx, struct out_lock *l)
{
	if (l->fd >= 0) {
		unlinkat(l->dirfd, LOCK_NAME, 0);	/* while held: see still_there */
		close(l->fd);
	}
	if (l->dirfd >= 0)
		close(l->dirfd);
	char abs[PATH_MAX];	/* (no allocation: this runs when memory ran out too) */
	if (l->made_out && (size_t)snprintf(abs, sizeof(abs), "%s/out", ctx->root) < sizeof(abs))
		rmdir(abs);	/* made for the lock; it fails, as it should, once written to */
	*l = (struct out_lock){ .dirfd = -1, .fd = -1 };
}
