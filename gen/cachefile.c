/*
 * cachefile.c - the files eragen keeps in the git directory to skip work (eragen-stamps,
 * eragen-render, eragen-facts): their path, reading one whole, writing one atomically.
 * A cache is never trusted for more than skipping work, so reading is strict (a regular
 * file of this user's, reached without a link, of a bounded size) and writing is best
 * effort (a cache that cannot be written is no cache).
 */
#include "eragen.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *cachefile_path(struct ctx *ctx, const char *name)
{
	if (!ctx->gitdir)
		return NULL;
	size_t n = strlen(ctx->gitdir);
	return arena_printf(&ctx->perm, "%s%s%s", ctx->gitdir,
			    n && ctx->gitdir[n - 1] == '/' ? "" : "/", name);
}

char *cachefile_read(const char *path, size_t max, size_t *len, struct timespec *mtime)
{
	int fd = path ? open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) : -1;
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    st.st_size <= 0 || (uintmax_t)st.st_size > max) {
		close(fd);
		return NULL;
	}
	size_t want = (size_t)st.st_size, got = 0;
	char *data = malloc(want + 1);	/* not xmalloc: the fd would leak on an unwind */
	while (data && got < want) {
		ssize_t r = read(fd, data + got, want - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!data)
		oom();
	if (got != want) {
		free(data);
		return NULL;
	}
	data[got] = '\0';
	*len = got;
	if (mtime)
		*mtime = st.st_mtim;
	return data;
}

void cachefile_write(const char *path, const char *text, size_t len)
{
	char tmp[4096];
	if (!path || (size_t)snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >=
			     sizeof(tmp))
		return;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	bool ok = true;
	for (size_t off = 0; ok && off < len;) {
		ssize_t w = write(fd, text + off, len - off);
		ok = w > 0;
		off += ok ? (size_t)w : 0;
	}
	if (close(fd) != 0)
		ok = false;
	if (!ok || rename(tmp, path) != 0)
		unlink(tmp);
}
