/*
 * cachefile_test.c - the one reader and writer of the caches in the git directory
 * (cachefile.c): a write is read back whole with its mtime; the path joins the git
 * directory with or without its trailing slash; nothing to trust is NULL: no file, an
 * empty one, one over the bound, a symbolic link to a good one, a directory, and (when
 * run as root, who can give a file away) another user's; a write never leaves its temp
 * file. Prints "cachefile_test: N passed, M failed"; exits 1 on any failure.
 */
#include "alloc.h"
#include "eragen.h"
#include "t.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *read_back(const char *path, size_t max, size_t *len)
{
	struct timespec mt = { 0 };
	char *d = cachefile_read(path, max, len, &mt);
	if (d)
		CHECK(mt.tv_sec > 0, "%s: an mtime", path);
	return d;
}

int main(void)
{
	alloc_init();
	char dir[] = "/tmp/cachefile_test.XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	struct ctx c;
	ctx_init(&c);
	c.gitdir = dir;
	const char *p = cachefile_path(&c, "eragen-x");
	char want[256];
	snprintf(want, sizeof(want), "%s/eragen-x", dir);
	CHECK(p && strcmp(p, want) == 0, "path %s, want %s", p ? p : "(null)", want);
	char slash[300];
	snprintf(slash, sizeof(slash), "%s/", dir);
	c.gitdir = slash;
	p = cachefile_path(&c, "eragen-x");
	CHECK(p && strcmp(p, want) == 0, "trailing slash: %s", p ? p : "(null)");
	c.gitdir = NULL;
	CHECK(cachefile_path(&c, "eragen-x") == NULL, "no git directory: no path");

	size_t len = 0;
	CHECK(read_back(want, 100, &len) == NULL, "no file: NULL");
	cachefile_write(want, "one\ntwo\n", 8);
	char *d = read_back(want, 100, &len);
	CHECK(d && len == 8 && strcmp(d, "one\ntwo\n") == 0, "read back what was written");
	free(d);
	CHECK(read_back(want, 7, &len) == NULL, "over the bound: NULL");
	char tmp[300];
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", want, (long)getpid());
	CHECK(access(tmp, F_OK) != 0, "no temp file left");

	char link[300];
	snprintf(link, sizeof(link), "%s/link", dir);
	CHECK(symlink(want, link) == 0 && read_back(link, 100, &len) == NULL, "a link: NULL");
	CHECK(read_back(dir, 100, &len) == NULL, "a directory: NULL");
	cachefile_write(want, "", 0);
	CHECK(read_back(want, 100, &len) == NULL, "empty: NULL");
	cachefile_write(want, "x\n", 2);
	if (geteuid() == 0) {
		CHECK(chown(want, 65534, 65534) == 0 && read_back(want, 100, &len) == NULL,
		      "another user's: NULL");
	}
	unlink(link);
	unlink(want);
	rmdir(dir);
	c.gitdir = NULL;
	ctx_release(&c);
	alloc_release();
	return T_DONE("cachefile_test");
}
