/*
 * cmd_hook.c - `eragen hook install [--force]` and `eragen hook uninstall`: eragen's
 * pre-commit hook in the hooks directory git uses (repo_hook.c finds it: core.hooksPath,
 * or the common git directory's hooks/, which linked worktrees share).
 *
 * Consumes: the repository around -C DIR or the working directory, the path of the
 * running binary, PATH. Produces: <hooks>/pre-commit, a POSIX sh script (hook_script
 * below) that runs `eragen check --staged`, and one line on stdout saying what was done.
 *
 * Invariants: a hook that is not eragen's is never lost without --force: install renames
 * it to pre-commit.local, which eragen's hook runs first, and uninstall renames it back.
 * eragen's hook is recognised by its second line (HOOK_MARK). Installing twice changes
 * nothing. The script is written atomically (temp file in the hooks directory, fsync,
 * rename); its bytes depend only on the binary path, the root's place in the work tree
 * and, outside it, the work tree. A hooks directory outside the repository (other
 * repositories run its hooks) is never written without --force, and even then a hook
 * there is kept, never replaced; uninstall removes from there only the hook installed
 * for this repository (its eragen_repo line names it). Exit 0 done (or nothing to do); 1
 * refused (a foreign hook in the way, a hooks directory outside the repository); 2
 * outside a git repository or a usage error; 3 an I/O or git failure, with a one-line
 * message.
 */
#include "cmd.h"
#include "repo.h"
#include "repo_hook.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HOOK_NAME "pre-commit"
#define HOOK_LOCAL "pre-commit.local"	/* the chained hook: the one that was there before */
#define HOOK_MARK "# installed by eragen hook install"
#define HOOK_SCAN 65536			/* bytes of an existing hook searched for HOOK_MARK */

enum hook_kind {
	HOOK_ABSENT,
	HOOK_OURS,	/* a regular file holding HOOK_MARK */
	HOOK_FOREIGN,	/* another regular file, or a symlink: chained by renaming */
	HOOK_OTHER,	/* a directory, a FIFO...: never touched */
};

struct hook_file {
	enum hook_kind kind;
	bool executable;
	char *data;	/* HOOK_OURS: the first HOOK_SCAN bytes, in ctx->perm */
	size_t len;
};

/* Append s to sb as one single-quoted sh word. */
static void sh_quote(struct strbuf *sb, const char *s)
{
	sb_putc(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_puts(sb, "'\\''");
		else
			sb_putc(sb, *s);
	}
	sb_putc(sb, '\'');
}

/* The line that records, in a hook installed outside the repository, the repository
 * it was installed for (uninstall removes only that one from a shared directory). */
static void repo_line(struct strbuf *sb, const char *top)
{
	sb_puts(sb, "eragen_repo=");
	sh_quote(sb, top);
	sb_putc(sb, '\n');
}

/*
 * The script. bin is the absolute path of eragen; rel is the eragen root relative to the
 * top of the work tree (where git runs hooks), NULL when it is the top; top is the work
 * tree it was installed for when the hooks directory is outside it (else NULL).
 */
static void hook_script(struct strbuf *sb, const char *bin, const char *rel, const char *top)
{
	sb_puts(sb,
		"#!/bin/sh\n" HOOK_MARK "\n"
		"#\n"
		"# eragen's pre-commit hook (hook format 1). `eragen hook uninstall` removes it and\n"
		"# puts back the hook it replaced; `eragen hook install` rewrites it, so edits here\n"
		"# are lost: put your own checks in " HOOK_LOCAL " instead.\n"
		"#\n"
		"# It runs `eragen check --staged`: the lint of exactly what is staged (specs,\n"
		"# _defaults.yaml, SOPS key names, schemas, templates, read from the index), then the\n"
		"# comparison of the staged generated files with what the staged specs produce. check\n"
		"# includes lint, so one run reports both. A failure blocks the commit;\n"
		"# `git commit --no-verify` skips the hook once.\n"
		"#\n"
		"# " HOOK_LOCAL ", next to this file, is the hook that was here before eragen's was\n"
		"# installed (or one of your own): it runs first when it is executable, and when it\n"
		"# fails the commit fails with its exit status (eragen still reports).\n"
		"#\n"
		"# eragen is named by absolute path, because git runs hooks with whatever PATH the git\n"
		"# client has (editors and GUI clients often have a minimal one): the `eragen` that\n"
		"# PATH found at install time when it was the installing binary (a stable name such\n"
		"# as /usr/local/bin/eragen, which survives upgrades), else the installing binary\n"
		"# itself (a build tree, say). If that file is gone, `eragen` from PATH is used.\n"
		"\n"
		"eragen=");
	sh_quote(sb, bin);
	sb_putc(sb, '\n');
	if (top) {
		sb_puts(sb, "# installed with --force outside the repository it was installed for,\n"
			    "# which `eragen hook uninstall` run there removes it from:\n");
		repo_line(sb, top);
	}
	sb_puts(sb,
		"\n"
		"# the directory of this file, without forking dirname\n"
		"case $0 in */*) hooks=${0%/*} ;; *) hooks=. ;; esac\n"
		"status=0\n"
		"# (the variable stops a chained copy of this hook from running itself again)\n"
		"if [ -z \"${ERAGEN_HOOK_CHAINED:-}\" ] && [ -x \"$hooks/" HOOK_LOCAL "\" ]; then\n"
		"\tERAGEN_HOOK_CHAINED=1 \"$hooks/" HOOK_LOCAL "\" \"$@\" || status=$?\n"
		"fi\n"
		"\n"
		"if [ ! -x \"$eragen\" ]; then\n"
		"\tif command -v eragen >/dev/null 2>&1; then\n"
		"\t\teragen=eragen\n"
		"\telse\n"
		"\t\techo \"eragen pre-commit hook: cannot run '$eragen' and there is no eragen on\" \\\n"
		"\t\t\t\"PATH: reinstall eragen, or commit with --no-verify\" >&2\n"
		"\t\texit 1\n"
		"\tfi\n"
		"fi\n"
		"\n"
		"# git runs hooks from the top of the work tree\n"
		"\"$eragen\" ");
	if (rel) {
		sb_puts(sb, "-C ");
		sh_quote(sb, rel);
		sb_putc(sb, ' ');
	}
	sb_puts(sb,
		"check --staged || { rc=$?; [ \"$status\" -ne 0 ] || status=$rc; }\n"
		"exit \"$status\"\n");
}

/*
 * The binary the hook runs (see the script's comment): the first `eragen` on PATH (an
 * absolute directory) when it resolves to the running binary, else the running binary.
 */
static const char *hook_binary(struct ctx *ctx)
{
	char self[PATH_MAX], cand[PATH_MAX], real[PATH_MAX];
	if (!realpath("/proc/self/exe", self)) {
		error("cannot find the path of the eragen binary: %s", strerror(errno));
		return NULL;
	}
	const char *path = getenv("PATH");
	for (const char *p = path; p && *p;) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		struct stat st;
		/* relative entries depend on the directory git runs hooks in: skipped */
		if (n > 0 && p[0] == '/' &&
		    (size_t)snprintf(cand, sizeof(cand), "%.*s/eragen", (int)n, p) < sizeof(cand) &&
		    stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
			if (realpath(cand, real) && strcmp(real, self) == 0)
				return arena_strdup(&ctx->perm, cand);
			break;	/* PATH finds another eragen first */
		}
		p += n + (colon != NULL);
	}
	return arena_strdup(&ctx->perm, self);
}

/* What is at path. Returns 0, or -1 after error(). */
static int hook_inspect(struct ctx *ctx, const char *path, struct hook_file *hf)
{
	struct stat st;
	memset(hf, 0, sizeof(*hf));
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		error("cannot inspect '%s': %s", path, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		hf->kind = HOOK_FOREIGN;
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		hf->kind = HOOK_OTHER;
		return 0;
	}
	hf->executable = (st.st_mode & 0111) == 0111 || access(path, X_OK) == 0;
	char *buf = arena_alloc(&ctx->perm, HOOK_SCAN + 1);	/* before fd is open */
	/* O_NONBLOCK, O_NOFOLLOW and fstat: what lstat saw may have been replaced since */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		error("cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		hf->kind = HOOK_OTHER;
		return 0;
	}
	size_t len = 0;
	while (len < HOOK_SCAN) {
		ssize_t r = read(fd, buf + len, HOOK_SCAN - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			error("cannot read '%s': %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	/* the mark as a whole line; memmem is not C17, and a hook holds no NUL in practice */
	const char *m = buf;
	bool ours = false;
	while (!ours && (m = strstr(m, HOOK_MARK)) != NULL) {
		const char *end = m + strlen(HOOK_MARK);
		ours = (m == buf || m[-1] == '\n') && (*end == '\n' || *end == '\0');
		m = end;
	}
	hf->kind = ours ? HOOK_OURS : HOOK_FOREIGN;
	hf->data = buf;
	hf->len = len;
	return 0;
}

/* mkdir -p for an absolute path. Returns 0, or -1 after error(). */
static int make_dirs(const char *dir)
{
	char p[PATH_MAX];
	struct stat st;
	if ((size_t)snprintf(p, sizeof(p), "%s", dir) >= sizeof(p)) {
		error("cannot create '%s': path too long", dir);
		return -1;
	}
	if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			error("cannot create directory '%s': %s", p, strerror(errno));
			return -1;
		}
		*s = c;
		if (!c)
			break;
	}
	if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
		error("cannot use '%s' as the hooks directory: not a directory", dir);
		return -1;
	}
	return 0;
}

/* Write data to path atomically, mode 0755. Returns 0, or -1 after error(). */
static int write_atomic(struct ctx *ctx, const char *dir, const char *path, const char *data,
			size_t len)
{
	char *tmp = arena_printf(&ctx->perm, "%s/.%s.eragen-XXXXXX", dir, HOOK_NAME);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		error("cannot create a file in '%s': %s", dir, strerror(errno));
		return -1;
	}
	const char *what = "write";
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		off += (size_t)w;
	}
	what = "set the mode of";
	if (fchmod(fd, 0755) != 0)
		goto fail;
	what = "sync";
	if (fsync(fd) != 0)
		goto fail;
	what = "close";
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	what = "rename";
	if (rename(tmp, path) != 0)
		goto fail;
	/* make the rename durable; a directory that cannot be synced is not an error */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	error("cannot %s '%s': %s", what, fd >= 0 || strcmp(what, "rename") != 0 ? tmp : path,
	      strerror(errno ? errno : EIO));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

/* path as shown: relative to the work tree's top when under it, else absolute. */
static const char *shown(const struct hook_place *hp, const char *path)
{
	size_t n = strlen(hp->top);
	if (strcmp(hp->top, "/") != 0 && strncmp(path, hp->top, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

/* The eragen root relative to the top of the work tree; NULL when it is the top. */
static const char *root_rel(struct ctx *ctx, const struct hook_place *hp, const char *start)
{
	const char *root;
	size_t n = strlen(hp->top);
	if (repo_find_root(ctx, start, &root) != EXIT_OK || strcmp(hp->top, "/") == 0 || strncmp(root, hp->top, n) != 0 ||
	    root[n] != '/')
		return NULL;
	return root + n + 1;
}

/* Who else runs the hooks of a directory outside the repository. */
static const char *shared_with(const struct hook_place *hp)
{
	switch (hp->origin) {
	case HOOKS_GLOBAL:
		return "core.hooksPath is set in your global git configuration, so every "
		       "repository of yours without a core.hooksPath of its own runs the hooks "
		       "there";
	case HOOKS_SYSTEM:
		return "core.hooksPath is set in the system's git configuration, so every "
		       "repository on this machine without a core.hooksPath of its own runs the "
		       "hooks there";
	case HOOKS_LOCAL:
		return "this repository's core.hooksPath names it, and every other repository "
		       "whose hooks path leads there runs the hooks there too";
	case HOOKS_DEFAULT:
	default:
		return "this repository's hooks directory leads there, and every other repository "
		       "whose hooks lead there runs the hooks there too";
	}
}

/* What install did, on stdout. */
static void install_said(const struct hook_place *hp, const char *hook, enum hook_kind was,
			 bool chain)
{
	const char *cfg = hp->from_config ? " (core.hooksPath)" : "";
	if (chain)
		printf("installed eragen's pre-commit hook in %s%s; the hook that was there is "
		       "kept as %s and runs first\n",
		       shown(hp, hook), cfg, HOOK_LOCAL);
	else if (was == HOOK_FOREIGN)
		printf("replaced the pre-commit hook in %s%s with eragen's (--force: the old one "
		       "is gone)\n",
		       shown(hp, hook), cfg);
	else
		printf("%s eragen's pre-commit hook in %s%s\n",
		       was == HOOK_OURS ? "updated" : "installed", shown(hp, hook), cfg);
	if (hp->outside)
		printf("note: '%s' is outside this repository (--force): %s\n", hp->real,
		       shared_with(hp));
}

/* The hook at path is eragen's, installed for the repository at top (outside it). */
static bool installed_for(struct ctx *ctx, const struct hook_file *hf, const char *top)
{
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &sb);
	sb_putc(&sb, '\n');
	repo_line(&sb, top);
	char *line = arena_strndup(&ctx->perm, sb.buf, sb.len);
	oom_guard_pop(&guard);
	sb_release(&sb);
	return hf->kind == HOOK_OURS && strstr(hf->data, line) != NULL;
}

/* eragen's hook as it would be installed now, in ctx->perm. */
static const char *install_script(struct ctx *ctx, const struct hook_place *hp,
				  const char *start, const char *bin, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &sb);
	hook_script(&sb, bin, root_rel(ctx, hp, start), hp->outside ? hp->top : NULL);
	char *script = arena_strndup(&ctx->perm, sb.buf, sb.len);
	*len = sb.len;
	oom_guard_pop(&guard);
	sb_release(&sb);
	return script;
}

static bool same_hook(const struct hook_file *cur, const char *script, size_t len)
{
	return cur->kind == HOOK_OURS && cur->executable && cur->len == len &&
	       memcmp(cur->data, script, len) == 0;
}

/* Outside the repository without --force: nothing is written, not even a directory. */
static int install_outside(struct ctx *ctx, const struct hook_place *hp, const char *hook,
			   const char *script, size_t len)
{
	struct hook_file cur = { HOOK_ABSENT };
	struct stat st;
	if (stat(hp->hooks, &st) == 0 && S_ISDIR(st.st_mode) && hook_inspect(ctx, hook, &cur) != 0)
		return EXIT_SYSTEM;
	if (same_hook(&cur, script, len)) {
		printf("eragen's pre-commit hook is already installed in %s (core.hooksPath, "
		       "outside this repository)\n", hook);
		return EXIT_OK;
	}
	error("git runs this repository's hooks from '%s', outside the repository ('%s'): %s; "
	      "no hook was installed (hook install --force installs it there anyway)",
	      hp->real, hp->top, shared_with(hp));
	return EXIT_FINDINGS;
}

static int hook_install(struct ctx *ctx, const struct hook_place *hp, const char *start,
			bool force)
{
	const char *bin = hook_binary(ctx);
	if (!bin)
		return EXIT_SYSTEM;
	const char *hook = arena_printf(&ctx->perm, "%s/%s", hp->hooks, HOOK_NAME);
	const char *local = arena_printf(&ctx->perm, "%s/%s", hp->hooks, HOOK_LOCAL);
	const char *cfg = hp->from_config ? " (core.hooksPath)" : "";
	struct hook_file cur, loc;
	size_t len;
	const char *script = install_script(ctx, hp, start, bin, &len);

	if (hp->outside && !force)
		return install_outside(ctx, hp, hook, script, len);
	if (make_dirs(hp->hooks) != 0 || hook_inspect(ctx, hook, &cur) != 0 ||
	    hook_inspect(ctx, local, &loc) != 0)
		return EXIT_SYSTEM;
	if (cur.kind == HOOK_OTHER) {
		error("'%s' is not a file: no hook was installed", shown(hp, hook));
		return EXIT_FINDINGS;
	}
	/* outside the repository, --force is spent on the place: a hook other repositories
	 * run is kept (chained), never replaced */
	bool replace = force && !hp->outside;
	if (cur.kind == HOOK_FOREIGN && !replace && loc.kind != HOOK_ABSENT) {
		if (hp->outside)
			error("'%s' is not eragen's hook and '%s' is taken, so it cannot be kept "
			      "there; outside this repository --force never replaces a hook: "
			      "move one of them",
			      hook, HOOK_LOCAL);
		else
			error("'%s' is not eragen's hook and '%s' is taken, so it cannot be kept "
			      "there: move one of them, or replace the hook with --force",
			      shown(hp, hook), HOOK_LOCAL);
		return EXIT_FINDINGS;
	}
	if (same_hook(&cur, script, len)) {
		printf("eragen's pre-commit hook is already installed in %s%s\n",
		       shown(hp, hook), cfg);
		return EXIT_OK;
	}
	bool chain = cur.kind == HOOK_FOREIGN && !replace;
	if (chain && rename(hook, local) != 0) {
		error("cannot rename '%s' to '%s': %s", hook, HOOK_LOCAL, strerror(errno));
		return EXIT_SYSTEM;
	}
	if (write_atomic(ctx, hp->hooks, hook, script, len) != 0) {
		if (chain && rename(local, hook) != 0)
			error("cannot rename '%s' back to '%s': %s", local, HOOK_NAME,
			      strerror(errno));
		return EXIT_SYSTEM;
	}
	install_said(hp, hook, cur.kind, chain);
	return EXIT_OK;
}

static int hook_uninstall(struct ctx *ctx, const struct hook_place *hp)
{
	const char *hook = arena_printf(&ctx->perm, "%s/%s", hp->hooks, HOOK_NAME);
	const char *local = arena_printf(&ctx->perm, "%s/%s", hp->hooks, HOOK_LOCAL);
	struct hook_file cur, loc;

	if (hook_inspect(ctx, hook, &cur) != 0)
		return EXIT_SYSTEM;
	if (cur.kind == HOOK_ABSENT) {
		printf("no pre-commit hook in %s: nothing to remove\n", shown(hp, hp->hooks));
		return EXIT_OK;
	}
	if (cur.kind != HOOK_OURS) {
		error("the pre-commit hook in %s is not eragen's: it was left as it is",
		      shown(hp, hook));
		return EXIT_FINDINGS;
	}
	if (hp->outside && !installed_for(ctx, &cur, hp->top)) {
		error("eragen's pre-commit hook in '%s', outside this repository, was not installed "
		      "for it ('%s'): %s; it was left as it is (remove it by hand when no "
		      "repository needs it)",
		      hook, hp->top, shared_with(hp));
		return EXIT_FINDINGS;
	}
	if (hook_inspect(ctx, local, &loc) != 0)
		return EXIT_SYSTEM;
	if (loc.kind == HOOK_FOREIGN || loc.kind == HOOK_OURS) {
		/* one rename replaces eragen's hook with the chained one: never no hook at all */
		if (rename(local, hook) != 0) {
			error("cannot rename '%s' to '%s': %s", local, HOOK_NAME, strerror(errno));
			return EXIT_SYSTEM;
		}
		printf("removed eragen's pre-commit hook from %s; %s is the pre-commit hook "
		       "again\n",
		       shown(hp, hook), HOOK_LOCAL);
		return EXIT_OK;
	}
	if (unlink(hook) != 0) {
		error("cannot remove '%s': %s", hook, strerror(errno));
		return EXIT_SYSTEM;
	}
	printf("removed eragen's pre-commit hook from %s\n", shown(hp, hook));
	return EXIT_OK;
}

static int hook_run(struct ctx *ctx, int argc, char **argv)
{
	bool force = false;
	const struct option opts[] = {
		OPT_BOOL("--force", &force),
		OPT_END(),
	};
	int rc = cli_parse(ctx, &cmd_hook, opts, &argc, argv);
	if (rc != CLI_RUN)
		return rc;
	if (strcmp(argv[0], "install") != 0 && strcmp(argv[0], "uninstall") != 0)
		return cli_error(&cmd_hook, "%s", cmd_hook.args.wrong);
	bool install = strcmp(argv[0], "install") == 0;
	if (!install && force)
		return cli_error(&cmd_hook, "--force applies to 'hook install' only");

	const char *start = ctx->opt.chdir ? ctx->opt.chdir : ".";
	struct hook_place hp;
	rc = repo_hook_place(ctx, start, &hp);
	if (rc != EXIT_OK)
		return rc;
	return install ? hook_install(ctx, &hp, start, force) : hook_uninstall(ctx, &hp);
}

const struct cmd cmd_hook = {
	.name = "hook",
	.run = hook_run,
	.usage = "hook install [--force] | hook uninstall",
	.args = { 1, 1, "hook takes one of 'install', 'uninstall'",
		  "hook needs 'install' or 'uninstall'" },
	.help =
	"install: write eragen's pre-commit hook into the hooks directory git uses\n"
	"(core.hooksPath, or the git directory's hooks/, shared by linked worktrees). The\n"
	"hook runs `eragen check --staged` (lint of what is staged, then its generated files)\n"
	"with this eragen binary, from the directory holding environments/ that contains the\n"
	"current one (or the top of the work tree). A pre-commit hook that is not eragen's is\n"
	"kept as pre-commit.local, which eragen's hook runs first; when that name is taken,\n"
	"install refuses (exit 1) unless --force, which replaces the existing hook. Installing\n"
	"again is harmless. A hooks directory outside the repository (a global\n"
	"core.hooksPath, ../hooks) is shared with other repositories: install refuses\n"
	"(exit 1) unless --force, which then keeps a hook already there, never replacing it.\n"
	"uninstall: remove eragen's hook and put pre-commit.local back in its place; a hook\n"
	"that is not eragen's is left alone (exit 1), and so is, outside the repository,\n"
	"eragen's hook installed for another repository.\n"
	"Exit 2 outside a git repository, 3 when a file cannot be read or written.\n",
};
