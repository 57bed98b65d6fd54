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

int repo_hook_place(struct ctx *ctx, const char *start, struct hook_place *out)
{
	char real[PATH_MAX], top[PATH_MAX], hooks[PATH_MAX];
	char why[3 * PATH_MAX] = "";	/* reported once libgit2 is released */
	git_buf found = { 0 }, hp = { 0 };
	git_repository *repo = NULL;
	git_config *cfg = NULL;
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
	if (git_repository_config_snapshot(&cfg, repo) != 0) {
		snprintf(why, sizeof(why), "cannot read the git configuration: %s", git_msg());
		goto out;
	}
	grc = git_config_get_path(&hp, cfg, "core.hooksPath");
	if (grc != 0 && grc != GIT_ENOTFOUND) {
		snprintf(why, sizeof(why), "cannot use core.hooksPath: %s", git_msg());
		goto out;
	}
	size_t n;
	if (grc == 0 && hp.ptr && hp.ptr[0]) {
		out->from_config = true;
		n = hp.ptr[0] == '/' ? (size_t)snprintf(hooks, sizeof(hooks), "%s", hp.ptr)
				     : (size_t)snprintf(hooks, sizeof(hooks), "%s/%s",
							strcmp(top, "/") == 0 ? "" : top, hp.ptr);
	} else {
		char common[PATH_MAX];
		const char *cd = git_repository_commondir(repo);
		if (!cd || !realpath(cd, common)) {
			snprintf(why, sizeof(why), "cannot find the git directory of '%s'", top);
			goto out;
		}
		n = (size_t)snprintf(hooks, sizeof(hooks), "%s/hooks", common);
	}
	if (n >= sizeof(hooks)) {
		snprintf(why, sizeof(why), "the hooks directory of '%s' has too long a path", top);
		goto out;
	}
	repo_path_shown(hooks, sizeof(hooks), hooks);
	rc = EXIT_OK;
out:
	git_config_free(cfg);
	git_repository_free(repo);
	git_buf_dispose(&hp);
	git_buf_dispose(&found);
	oom_if_failed_since(failed);
	if (rc != EXIT_OK) {
		error("%s", why);
		return rc;
	}
	out->top = arena_strdup(&ctx->perm, top);
	out->hooks = arena_strdup(&ctx->perm, hooks);
	return EXIT_OK;
}
