/*
 * repo_open.c - a repository, its index and its objects opened through libgit2 only
 * once the files libgit2 will read are known to be regular files (repo_open.h says
 * which, and why).
 *
 * Consumes paths libgit2 reports (the git directory, the common directory, its search
 * path for configuration files). Produces opened libgit2 objects, or a libgit2 error
 * (git_error_set_str) naming the file that is not a regular file. Only stack buffers are
 * used: the callers hold libgit2 objects open meanwhile, and nothing here may unwind.
 * A check is a stat() (a symbolic link to a regular file is fine, as it is for git);
 * nothing is opened before its type is known, except the commondir file, read with
 * O_NONBLOCK and judged by fstat.
 */
#include "repo_open.h"

#include <git2/sys/repository.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* -1 with libgit2's error set when path exists and is not a regular file. */
static int regular_or_absent(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0 || S_ISREG(st.st_mode))
		return 0;
	git_error_set(GIT_ERROR_REPOSITORY,
		      "'%s' is not a regular file (a FIFO, a device or a directory): git cannot "
		      "read it",
		      path);
	return -1;
}

/* dir/name, checked; a path too long to build is left to libgit2 */
static int check_in(const char *dir, const char *name)
{
	char path[PATH_MAX];
	size_t n = strlen(dir);
	const char *sep = n && dir[n - 1] == '/' ? "" : "/";
	if ((size_t)snprintf(path, sizeof(path), "%s%s%s", dir, sep, name) >= sizeof(path))
		return 0;
	return regular_or_absent(path);
}

/* The common directory of gitdir (its commondir file, relative to gitdir), into common. */
static int common_dir(const char *gitdir, char *common, size_t size)
{
	char path[PATH_MAX], text[PATH_MAX];
	snprintf(common, size, "%s", gitdir);
	if ((size_t)snprintf(path, sizeof(path), "%s/commondir", gitdir) >= sizeof(path))
		return 0;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;	/* none: the git directory is the common one */
	struct stat st;
	ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
			    ? read(fd, text, sizeof(text) - 1) : -2;
	close(fd);
	if (n == -2)
		return regular_or_absent(path);
	if (n <= 0)
		return 0;	/* libgit2 says what is wrong with it */
	text[n] = '\0';
	text[strcspn(text, "\r\n")] = '\0';
	size_t gl = strlen(gitdir);
	const char *sep = gl && gitdir[gl - 1] == '/' ? "" : "/";
	int len = text[0] == '/' ? snprintf(common, size, "%s", text)
				 : snprintf(common, size, "%s%s%s", gitdir, sep, text);
	if (len < 0 || (size_t)len >= size)
		snprintf(common, size, "%s", gitdir);	/* too long: libgit2 says so */
	return 0;
}

/* The configuration files libgit2 reads outside the repository, at every level. */
static int check_config_levels(void)
{
	static const struct { int level; const char *file; } levels[] = {
		{ GIT_CONFIG_LEVEL_PROGRAMDATA, "config" },
		{ GIT_CONFIG_LEVEL_SYSTEM, "gitconfig" },
		{ GIT_CONFIG_LEVEL_XDG, "config" },
		{ GIT_CONFIG_LEVEL_GLOBAL, ".gitconfig" },
	};
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		git_buf sp = { 0 };
		if (git_libgit2_opts(GIT_OPT_GET_SEARCH_PATH, levels[i].level, &sp) != 0) {
			git_buf_dispose(&sp);
			continue;	/* (out of memory: the caller sees the failed allocation) */
		}
		int rc = 0;
		for (const char *p = sp.ptr; p && *p && rc == 0;) {
			const char *colon = strchr(p, GIT_PATH_LIST_SEPARATOR);
			size_t n = colon ? (size_t)(colon - p) : strlen(p);
			char dir[PATH_MAX];
			if (n && n < sizeof(dir)) {
				memcpy(dir, p, n);
				dir[n] = '\0';
				rc = check_in(dir, levels[i].file);
			}
			p += n + (colon != NULL);
		}
		git_buf_dispose(&sp);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The packs: libgit2 opens every objects/pack/ *.idx (and its .pack) it finds. */
static int check_packs(const char *common)
{
	char dir[PATH_MAX];
	if ((size_t)snprintf(dir, sizeof(dir), "%s/objects/pack", common) >= sizeof(dir))
		return 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		bool pack = (n > 4 && strcmp(de->d_name + n - 4, ".idx") == 0) ||
			    (n > 5 && strcmp(de->d_name + n - 5, ".pack") == 0);
		if (pack && de->d_type != DT_REG)
			rc = check_in(dir, de->d_name);
	}
	closedir(d);
	return rc;
}

/* What git_repository_open reads, and the object database it prepares. */
static int check_gitdir(const char *gitdir)
{
	char common[PATH_MAX];
	static const char *const own[] = { "HEAD", "config", "config.worktree" };
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (check_in(gitdir, own[i]) != 0)
			return -1;
	if (common_dir(gitdir, common, sizeof(common)) != 0 || check_in(common, "config") != 0 ||
	    check_in(common, "objects/info/alternates") != 0 || check_packs(common) != 0)
		return -1;
	return check_config_levels();
}

int repo_discover_open(const char *start, git_buf *gitdir, git_repository **repo)
{
	*repo = NULL;
	int rc = git_repository_discover(gitdir, start, 0, NULL);
	if (rc != 0) {
		git_buf_dispose(gitdir);	/* nothing found: no git directory to name */
		gitdir->ptr = NULL;	/* (disposing leaves a static "" there) */
		return rc;
	}
	if (check_gitdir(gitdir->ptr) != 0)
		return -1;
	return git_repository_open(repo, gitdir->ptr);
}

int repo_open_index(git_repository *repo, const char *path, git_index **out)
{
	*out = NULL;
	char own[PATH_MAX];
	const char *file = path;
	if (!file) {
		if ((size_t)snprintf(own, sizeof(own), "%sindex", git_repository_path(repo)) >=
		    sizeof(own))
			own[0] = '\0';
		file = own;
	}
	if (file[0] && regular_or_absent(file) != 0)
		return -1;
	if (!path)
		return git_repository_index(out, repo);
	int rc = git_index_open(out, path);
	if (rc == 0)
		rc = git_repository_set_index(repo, *out);
	return rc;
}

int repo_index_file(git_repository *repo, const char *path, char *out, size_t size)
{
	int n = path ? snprintf(out, size, "%s", path)
		     : snprintf(out, size, "%sindex", git_repository_path(repo));
	if (n < 0 || (size_t)n >= size)
		return -1;
	return regular_or_absent(out);
}

int repo_object_check(git_repository *repo, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1], name[GIT_OID_HEXSZ + 16];
	git_oid_tostr(hex, sizeof(hex), id);
	const char *common = git_repository_commondir(repo);
	snprintf(name, sizeof(name), "objects/%.2s/%s", hex, hex + 2);
	return common ? check_in(common, name) : 0;
}

/* Is path (in a PATH_MAX buffer, of length n) a directory libgit2 walks into: a directory
 * that is not a nested repository (one holding .git)? */
static bool walked_dir(char *path, size_t n, unsigned char type)
{
	struct stat st;
	if (type == DT_UNKNOWN)
		type = lstat(path, &st) == 0 && S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
	if (type != DT_DIR || n + 5 >= PATH_MAX)
		return false;
	memcpy(path + n, "/.git", 6);
	bool nested = lstat(path, &st) == 0;
	path[n] = '\0';
	return !nested;
}

/* The .gitignore files below path (of length n, in a PATH_MAX buffer), depth first. */
static int walk_ignores(char *path, size_t n, int depth)
{
	DIR *d = depth <= 256 ? opendir(path) : NULL;
	if (!d)
		return 0;
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d))) {
		const char *name = de->d_name;
		size_t len = strlen(name);
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || n + 1 + len >= PATH_MAX)
			continue;
		path[n] = '/';
		memcpy(path + n + 1, name, len + 1);
		if (strcmp(name, ".gitignore") == 0) {
			if (de->d_type != DT_REG)
				rc = regular_or_absent(path);
		} else if (strcmp(name, ".git") != 0 && walked_dir(path, n + 1 + len, de->d_type)) {
			rc = walk_ignores(path, n + 1 + len, depth + 1);
		}
		path[n] = '\0';
	}
	closedir(d);
	return rc;
}

/* The excludes file: core.excludesFile, else $XDG_CONFIG_HOME/git/ignore or
 * ~/.config/git/ignore. */
static int check_excludes(git_repository *repo)
{
	git_config *cfg = NULL;
	git_buf file = { 0 };
	int rc = 0;
	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_path(&file, cfg, "core.excludesFile") == 0 && file.ptr) {
		rc = regular_or_absent(file.ptr);
	} else {
		const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
		if (xdg && *xdg)
			rc = check_in(xdg, "git/ignore");
		else if (home && *home)
			rc = check_in(home, ".config/git/ignore");
	}
	git_buf_dispose(&file);
	git_config_free(cfg);
	return rc;
}

int repo_ignores_check(git_repository *repo, const char *top, const char *const *dirs,
		       size_t ndirs)
{
	const char *common = git_repository_commondir(repo);
	if ((common && check_in(common, "info/exclude") != 0) || check_excludes(repo) != 0 ||
	    check_in(top, ".gitignore") != 0)
		return -1;
	size_t tl = strcmp(top, "/") == 0 ? 0 : strlen(top);
	for (size_t i = 0; i < ndirs; i++) {
		char path[PATH_MAX];
		size_t n = strlen(dirs[i]);
		if (n >= sizeof(path) || strncmp(dirs[i], top, tl) != 0 || dirs[i][tl] != '/')
			continue;
		memcpy(path, dirs[i], n + 1);
		/* the directories between top and dirs[i], then everything below it */
		for (size_t k = tl + 1; k < n; k++) {
			if (path[k] != '/')
				continue;
			path[k] = '\0';
			int rc = check_in(path, ".gitignore");
			path[k] = '/';
			if (rc != 0)
				return -1;
		}
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		if (check_in(path, ".gitignore") != 0 || walk_ignores(path, n, 0) != 0)
			return -1;
	}
	return 0;
}
