/*
 * repo.c - everything eragen asks of git, through libgit2 (the only file including
 * <git2.h>): finding the repository. Handles are released on one path in each function.
 */
#include "repo.h"

#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool has_environments(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;
	if ((size_t)snprintf(path, sizeof(path), "%s/environments", dir) >= sizeof(path))
		return false;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * The root is the nearest directory, from start up to the work tree's top, that holds
 * environments/ (so a repository may keep example trees below its top, as eragen's own
 * tests do); without one, the work tree's top.
 */
const char *repo_find_root(struct ctx *ctx, const char *start)
{
	char real[PATH_MAX], top[PATH_MAX] = "";
	if (!realpath(start, real)) {
		error("cannot use directory '%s'", start);
		return NULL;
	}
	const char *root = NULL;
	git_buf buf = { 0 };
	git_repository *repo = NULL;

	git_libgit2_init();
	if (git_repository_discover(&buf, real, 0, NULL) == 0 &&
	    git_repository_open(&repo, buf.ptr) == 0) {
		const char *wd = git_repository_workdir(repo);
		if (!wd) {
			error("'%s' is a bare repository: eragen needs a work tree", buf.ptr);
			goto out;
		}
		if (!realpath(wd, top)) {
			error("cannot use work tree '%s'", wd);
			goto out;
		}
	}
	char dir[PATH_MAX];
	memcpy(dir, real, sizeof(dir));
	for (;;) {
		if (has_environments(dir)) {
			root = arena_strdup(&ctx->perm, dir);
			goto out;
		}
		if ((top[0] && strcmp(dir, top) == 0) || strcmp(dir, "/") == 0)
			break;
		char *slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	if (top[0])
		root = arena_strdup(&ctx->perm, top);
	else
		error("'%s' is not in a git repository and has no environments/ directory", real);
out:
	git_repository_free(repo);
	git_buf_dispose(&buf);
	git_libgit2_shutdown();
	return root;
}
