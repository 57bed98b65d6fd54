/*
 * repo_hook.c - where git runs the hooks of the repository containing a directory,
 * through libgit2 (repo.c and repo_*.c are the only files including <git2.h>).
 *
 * Consumes: a start directory. Produces: the work tree's top and the hooks directory
 * git would use (struct hook_place), resolved the way git resolves them, because libgit2
 * 1.5 does not: core.hooksPath from the configuration (relative: to the top of the work
 * tree, where git runs hooks), else <common git dir>/hooks, which linked worktrees share.
 * Nothing is allocated from eragen's arenas while libgit2 objects are open, so running out
 * of memory (which unwinds to main) cannot leak them.
 */
#include "repo_hook.h"
#include "alloc.h"
#include "repo.h"
#include "repo_open.h"

#include <errno.h>
#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *git_msg(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "unknown error";
}

/* Whether the git directory found by discovery belongs to another user. */
static bool is_foreign_owned(const char *gitdir)
{
	struct stat st;
	return stat(gitdir, &st) == 0 && st.st_uid != geteuid();
}

/* Is path dir or below it (both absolute, symlinks resolved)? */
static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (strcmp(dir, "/") == 0)
		return true;
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/*
 * path (absolute) with symlinks resolved into out, though its last components may not
 * exist yet: the longest prefix that exists is resolved by realpath, the rest (which
 * cannot hold a symlink) is appended, "." and ".." taken lexically. false when no prefix
 * can be resolved or the result is too long.
 */
static bool resolve_dir(const char *path, char out[PATH_MAX])
{
	char head[PATH_MAX];
	if ((size_t)snprintf(head, sizeof(head), "%s", path) >= sizeof(head))
		return false;
	size_t hl = strlen(head);
	while (!realpath(head, out)) {
		if (errno != ENOENT && errno != ENOTDIR)
			return false;
		while (hl > 0 && head[hl - 1] != '/')	/* drop the last component */
			hl--;
		if (hl == 0)
			return false;
		hl--;
		if (hl == 0)
			hl = 1;	/* "/" */
		head[hl] = '\0';
	}
	size_t n = strlen(out);
	for (const char *p = path + hl; *p;) {
		while (*p == '/')
			p++;
		size_t len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 1 && out[n - 1] != '/')
				n--;
			if (n > 1)
				n--;
		} else if (len && !(len == 1 && p[0] == '.')) {
			if (n + 1 + len >= PATH_MAX)
				return false;
			if (n > 1)
				out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		out[n] = '\0';
		p += len;
	}
	return true;
}

/* core.hooksPath (expanded as git does) into *hp, and who set it; GIT_ENOTFOUND. */
static int config_hooks_path(git_config *cfg, git_buf *hp, enum hook_origin *origin)
{
	git_config_entry *entry = NULL;
	int rc = git_config_get_entry(&entry, cfg, "core.hooksPath");
	if (rc == 0) {
		switch (entry->level) {
		case GIT_CONFIG_LEVEL_PROGRAMDATA:
		case GIT_CONFIG_LEVEL_SYSTEM:
			*origin = HOOKS_SYSTEM;
			break;
		case GIT_CONFIG_LEVEL_XDG:
		case GIT_CONFIG_LEVEL_GLOBAL:
			*origin = HOOKS_GLOBAL;
			break;
		default:
			*origin = HOOKS_LOCAL;
			break;
		}
		git_config_entry_free(entry);
		rc = git_config_get_path(hp, cfg, "core.hooksPath");
	}
	return rc;
}

/*
 * The hooks directory of repo (whose work tree is top) into hooks, and where it really
 * is into real; the place's origin and whether it is outside the repository go to out.
 * Returns 0, or -1 with a message in why.
 */
static int hooks_dir(git_repository *repo, const char *top, char *hooks, char *real,
		     struct hook_place *out, char *why, size_t whylen)
{
	git_config *cfg = NULL;
	git_buf hp = { 0 };
	char common[PATH_MAX];
	int rc = -1;
	size_t n = 0;
	const char *cd = git_repository_commondir(repo);
	if (!cd || !realpath(cd, common)) {
		snprintf(why, whylen, "cannot find the git directory of '%s'", top);
		return -1;
	}
	if (git_repository_config_snapshot(&cfg, repo) != 0) {
		snprintf(why, whylen, "cannot read the git configuration: %s", git_msg());
		goto out;
	}
	int grc = config_hooks_path(cfg, &hp, &out->origin);
	if (grc != 0 && grc != GIT_ENOTFOUND) {
		snprintf(why, whylen, "cannot use core.hooksPath: %s", git_msg());
		goto out;
	}
	out->from_config = grc == 0 && hp.ptr && hp.ptr[0];
	if (!out->from_config)
		out->origin = HOOKS_DEFAULT;
	if (out->from_config)
		n = hp.ptr[0] == '/' ? (size_t)snprintf(hooks, PATH_MAX, "%s", hp.ptr)
				     : (size_t)snprintf(hooks, PATH_MAX, "%s/%s",
							strcmp(top, "/") == 0 ? "" : top, hp.ptr);
	else
		n = (size_t)snprintf(hooks, PATH_MAX, "%s/hooks", common);
	if (n >= PATH_MAX || !resolve_dir(hooks, real)) {
		snprintf(why, whylen, "the hooks directory of '%s' has too long a path", top);
		goto out;
	}
	repo_path_shown(hooks, PATH_MAX, hooks);
	/* this repository's: in its work tree, or in its (common) git directory */
	out->outside = !under(real, top) && !under(real, common);
	rc = 0;
out:
	git_buf_dispose(&hp);
	git_config_free(cfg);
	return rc;
}

int repo_hook_place(struct ctx *ctx, const char *start, struct hook_place *out)
{
	char real[PATH_MAX], top[PATH_MAX], hooks[PATH_MAX], hooks_real[PATH_MAX];
	char why[3 * PATH_MAX] = "";	/* reported once libgit2 is released */
	git_buf found = { 0 };
	git_repository *repo = NULL;
	int rc = EXIT_SYSTEM, grc;

	memset(out, 0, sizeof(*out));
	if (!realpath(start, real)) {
		error("cannot use directory '%s': %s", start, strerror(errno));
		return EXIT_USAGE;
	}
	if (repo_git_init(ctx) != 0)
		return EXIT_SYSTEM;
	unsigned long failed = alloc_failures();
	grc = repo_discover_open(real, &found, &repo);
	if (grc != 0 && !found.ptr) {
		snprintf(why, sizeof(why), "'%s' is not in a git repository", real);
		rc = EXIT_USAGE;
		goto out;
	}
	if (grc != 0 && is_foreign_owned(found.ptr)) {
		/* libgit2 1.5 fails with GIT_ENOTFOUND and "config value 'safe.directory' was
		 * not found" there, which names the missing setting, not the problem */
		snprintf(why, sizeof(why),
			 "the git repository of '%s' is owned by another user: git refuses to use "
			 "it unless it is listed in safe.directory (git config --global --add "
			 "safe.directory DIR)",
			 real);
		goto out;
	}
	if (grc != 0) {
		snprintf(why, sizeof(why), "cannot open the git repository of '%s': %s", real,
			 git_msg());
		goto out;
	}
	const char *wd = git_repository_workdir(repo);
	if (git_repository_is_bare(repo) || !wd) {
		snprintf(why, sizeof(why),
			 "'%s' is a bare repository: a pre-commit hook needs a work tree",
			 repo_path_shown(hooks, sizeof(hooks), found.ptr));
		rc = EXIT_USAGE;
		goto out;
	}
	if (!realpath(wd, top)) {
		snprintf(why, sizeof(why), "cannot use work tree '%s': %s", wd, strerror(errno));
		goto out;
	}
	if (hooks_dir(repo, top, hooks, hooks_real, out, why, sizeof(why)) == 0)
		rc = EXIT_OK;
out:
	git_repository_free(repo);
	git_buf_dispose(&found);
	oom_if_failed_since(failed);
	if (rc != EXIT_OK) {
		error("%s", why);
		return rc;
	}
	out->top = arena_strdup(&ctx->perm, top);
	out->hooks = arena_strdup(&ctx->perm, hooks);
	out->real = arena_strdup(&ctx->perm, hooks_real);
	return EXIT_OK;
}
