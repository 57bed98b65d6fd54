/*
 * cli.c - what every subcommand shares: flag parsing, the front of the pipeline
 * (repository -> load -> resolve -> checks -> suppressions -> ordered diagnostics), and
 * printing the findings with the exit status they imply.
 */
#include "cmd.h"
#include "repo.h"
#include "repo_index.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#ifndef ERAGEN_DATADIR
#define ERAGEN_DATADIR "/usr/local/share/eragen"
#endif

void cli_usage(const struct cmd *cmd, FILE *out)
{
	fprintf(out, "usage: eragen %s\n\n%s", cmd->usage, cmd->help);
}

int cli_error(const struct cmd *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "usage: eragen %s\n", cmd->usage);
	return EXIT_USAGE;
}

/* "A,B,C" -> NULL-terminated list; every id must be a rule. */
static const char **rule_list(struct ctx *ctx, const struct cmd *cmd, const char *flag,
			      const char *s, bool *ok)
{
	size_t n = 1;
	for (const char *p = s; *p; p++)
		n += *p == ',';
	const char **list = arena_alloc(&ctx->perm, (n + 1) * sizeof(*list));
	size_t k = 0;
	struct strmap seen = { 0 };	/* a rule named twice is listed once */
	for (const char *p = s; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len) {
			char *id = arena_strndup(&ctx->perm, p, len);
			if (!rule_find(id)) {
				cli_error(cmd, "%s: unknown rule '%s'", flag, id);
				*ok = false;
				return NULL;
			}
			if (strmap_put(&ctx->perm, &seen, id, len, k))
				list[k++] = id;
		}
		p += len + (comma != NULL);
	}
	list[k] = NULL;
	return list;
}

/* The value of a flag: "--flag=value" or "--flag value". */
static const char *flag_value(const char *arg, size_t flen, int *i, int argc, char **argv)
{
	if (arg[flen] == '=')
		return arg + flen + 1;
	if (arg[flen] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static bool flag_is(const char *arg, const char *flag, bool takes_value)
{
	size_t n = strlen(flag);
	return strncmp(arg, flag, n) == 0 && (arg[n] == '\0' || (takes_value && arg[n] == '='));
}

/* The commands that can read their inputs from the git index instead of the work tree. */
static bool staged_ok(const struct cmd *cmd)
{
	return cmd == &cmd_lint || cmd == &cmd_check || cmd == &cmd_changed;
}

/* -C DIR must name a directory: a usage error (exit 2) otherwise, said in terms of -C. */
static int chdir_check(const char *dir)
{
	struct stat st;
	if (!dir)
		return 0;
	if (stat(dir, &st) != 0) {
		error("'-C %s': %s", dir, errno == ENOENT ? "no such directory" : strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		error("'-C %s': not a directory", dir);
		return -1;
	}
	return 0;
}

int cli_parse(struct ctx *ctx, const struct cmd *cmd, int argc, char **argv,
	      const char *const *own, const char **own_val, bool *help)
{
	int npos = 0;
	bool ok = true, only_args = false;
	*help = false;
	for (int i = 0; i < argc && ok; i++) {
		const char *a = argv[i];
		const char *v;
		if (only_args || a[0] != '-' || a[1] == '\0') {
			argv[npos++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_args = true;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			*help = true;
			continue;
		}
		bool matched = false;
		for (size_t k = 0; own && own[k] && !matched; k++) {
			size_t len = strlen(own[k]);
			bool takes = own[k][len - 1] == '=';
			size_t flen = takes ? len - 1 : len;
			if (strncmp(a, own[k], flen) != 0 || (a[flen] != '\0' && !(takes && a[flen] == '=')))
				continue;
			matched = true;
			if (!takes) {
				own_val[k] = "";
			} else if (!(own_val[k] = flag_value(a, flen, &i, argc, argv))) {
				return cli_error(cmd, "%.*s needs a value", (int)flen, a), -1;
			}
		}
		if (matched)
			continue;
		if (strcmp(a, "-C") == 0) {
			if (i + 1 >= argc)
				return cli_error(cmd, "-C needs a directory"), -1;
			ctx->opt.chdir = argv[++i];
		} else if (flag_is(a, "--format", true)) {
			if (!(v = flag_value(a, 8, &i, argc, argv)))
				return cli_error(cmd, "--format needs a value"), -1;
			if (strcmp(v, "text") == 0)
				ctx->opt.format = FMT_TEXT;
			else if (strcmp(v, "json") == 0)
				ctx->opt.format = FMT_JSON;
			else if (strcmp(v, "sarif") == 0)
				ctx->opt.format = FMT_SARIF;
			else if (strcmp(v, "github") == 0)
				ctx->opt.format = FMT_GITHUB;
			else
				return cli_error(cmd, "unknown format '%s' (text, json, sarif, github)", v), -1;
		} else if (flag_is(a, "--color", true)) {
			if (!(v = flag_value(a, 7, &i, argc, argv)))
				return cli_error(cmd, "--color needs a value"), -1;
			if (strcmp(v, "auto") == 0)
				ctx->opt.color = COLOR_AUTO;
			else if (strcmp(v, "always") == 0)
				ctx->opt.color = COLOR_ALWAYS;
			else if (strcmp(v, "never") == 0)
				ctx->opt.color = COLOR_NEVER;
			else
				return cli_error(cmd, "unknown color mode '%s' (auto, always, never)", v), -1;
		} else if (flag_is(a, "--base", true)) {
			if (!(ctx->opt.base = flag_value(a, 6, &i, argc, argv)))
				return cli_error(cmd, "--base needs a revision"), -1;
		} else if (strcmp(a, "--staged") == 0 && staged_ok(cmd)) {
			ctx->opt.staged = true;
		} else if (strcmp(a, "--werror") == 0) {
			ctx->opt.werror = true;
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			ctx->opt.quiet = true;
		} else if (strcmp(a, "--all") == 0) {
			/* the default; accepted to say it explicitly */
		} else if (flag_is(a, "--only", true)) {
			if (!(v = flag_value(a, 6, &i, argc, argv)))
				return cli_error(cmd, "--only needs a rule list"), -1;
			ctx->opt.only = rule_list(ctx, cmd, "--only", v, &ok);
		} else if (flag_is(a, "--skip", true)) {
			if (!(v = flag_value(a, 6, &i, argc, argv)))
				return cli_error(cmd, "--skip needs a rule list"), -1;
			ctx->opt.skip = rule_list(ctx, cmd, "--skip", v, &ok);
		} else {
			return cli_error(cmd, "unknown option '%s'", a), -1;
		}
	}
	if (!ok || (!*help && chdir_check(ctx->opt.chdir) != 0))
		return -1;

	const char *nc = getenv("NO_COLOR");
	ctx->opt.use_color = ctx->opt.color == COLOR_ALWAYS ||
			     (ctx->opt.color == COLOR_AUTO && !(nc && *nc) && isatty(STDERR_FILENO));
	return npos;
}

static bool has_schemas(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;
	return (size_t)snprintf(path, sizeof(path), "%s/schemas/environment.schema.json", dir) <
		       sizeof(path) &&
	       stat(path, &st) == 0;
}

/*
 * Where the installed schemas/ and templates/ are: $ERAGEN_DATADIR; else relative to the
 * executable: BIN/../share/eragen (an installed tree, wherever it was moved), or the
 * executable's directory or up to two levels above it (a build tree: ./eragen,
 * build/eragen); else the compiled-in PREFIX/share/eragen.
 */
static const char *find_datadir(struct ctx *ctx)
{
	const char *dd = getenv("ERAGEN_DATADIR");
	if (dd && *dd)
		return dd;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 3; up++) {
			char *slash = strrchr(exe, '/');
			if (!slash || slash == exe)
				break;
			*slash = '\0';
			if (has_schemas(exe))
				return arena_strdup(&ctx->perm, exe);
			char *share = arena_printf(&ctx->perm, "%s/share/eragen", exe);
			if (up == 1 && has_schemas(share))
				return share;
		}
	}
	return ERAGEN_DATADIR;
}

int run_front(struct ctx *ctx, int nenv, char **envs)
{
	ctx->datadir = find_datadir(ctx);
	const char *start = ctx->opt.chdir ? ctx->opt.chdir : ".";
	/* --staged: the index is loaded once, here; no repository (or a bare one) is a
	 * usage error, reported before anything else */
	if (ctx->opt.staged) {
		int rc = repo_index_open(ctx, start, "--staged");
		if (rc != 0)
			return rc;
	}
	int rc = repo_find_root(ctx, start, &ctx->root);
	if (rc != EXIT_OK)
		return rc;
	if (envs_load(ctx) != 0)
		return EXIT_SYSTEM;

	if (nenv > 0) {
		const char **sel = arena_alloc(&ctx->perm, ((size_t)nenv + 1) * sizeof(*sel));
		for (int i = 0; i < nenv; i++) {
			const struct env *e = ctx_env(ctx, envs[i]);
			if (!e || e->abstract) {
				const char *near = ctx_nearest_env(ctx, envs[i]);
				fprintf(stderr, "eragen: unknown environment '%s'", envs[i]);
				if (e)
					fputs(" (an abstract parent: it is never generated)", stderr);
				else if (near)
					fprintf(stderr, "; did you mean '%s'?", near);
				fputc('\n', stderr);
				return EXIT_USAGE;
			}
			sel[i] = envs[i];
			ctx_env(ctx, envs[i])->selected = true;
		}
		sel[nenv] = NULL;
		ctx->opt.envs = sel;
	}
	ctx->all_rules_ran = !ctx->opt.only && !ctx->opt.skip && !ctx->opt.envs;

	/* An unusable --base is a usage error (exit 2), found before any check runs. */
	if (ctx->opt.base) {
		size_t before = ctx->ndiags;
		struct baseline *b = repo_baseline_open(ctx, ctx->opt.base);
		if (!b) {
			for (size_t i = before; i < ctx->ndiags; i++)
				fprintf(stderr, "eragen: %s\n", ctx->diags[i]->msg);
			ctx->ndiags = before;
			return EXIT_USAGE;
		}
		repo_baseline_release(b);
	}

	envs_resolve(ctx);
	envs_model(ctx);	/* the stage after resolution: everything below reads the model */
	if (ctx->opt.no_checks)
		return EXIT_OK;
	checks_run(ctx);
	suppress_apply(ctx);
	diag_finish(ctx);
	return EXIT_OK;
}

int report(struct ctx *ctx)
{
	struct strbuf out = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &out);
	diag_render(ctx, &out);
	if (ctx->opt.format == FMT_TEXT) {
		if (ctx->opt.quiet) {
			/* no summary line: drop the last line when it is one */
			struct diag_counts c = diag_count(ctx);
			if ((c.errors || c.warnings || c.notes) && out.len) {
				size_t end = out.len - 1;
				while (end > 0 && out.buf[end - 1] != '\n')
					end--;
				out.len = end;
			}
		}
		fwrite(out.buf ? out.buf : "", 1, out.len, stderr);
	} else {
		fwrite(out.buf ? out.buf : "", 1, out.len, stdout);
	}
	oom_guard_pop(&guard);
	sb_release(&out);
	struct diag_counts c = diag_count(ctx);
	return c.errors || (ctx->opt.werror && c.warnings) ? EXIT_FINDINGS : EXIT_OK;
}
