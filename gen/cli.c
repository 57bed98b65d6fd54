/*
 * cli.c - the command line every subcommand shares (cmd.h): a command's option table and
 * the common one (bound to ctx->opt) matched against argv, the positionals counted
 * against the command's rule, --help, and usage errors with the usage line (exit 2) and
 * a "did you mean" for an unknown long option, format or rule (suggest(), util.c).
 */
#include "cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

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

/* "; did you mean 'NEAR'?" (in ctx->perm), or "" when near is NULL. */
static const char *did_you_mean(struct ctx *ctx, const char *near)
{
	return near ? arena_printf(&ctx->perm, "; did you mean '%s'?", near) : "";
}

/* "A,B,C" -> NULL-terminated list in opt->var (a const char ***); every id must be a rule. */
static int parse_rules(struct ctx *ctx, const struct cmd *cmd, const struct option *opt,
		       const char *s)
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
			if (!rule_find(id))
				return cli_error(cmd, "%s: unknown rule '%s'%s", opt->name, id,
						 did_you_mean(ctx, rule_nearest(id))), -1;
			if (strmap_put(&ctx->perm, &seen, id, len, k))
				list[k++] = id;
		}
		p += len + (comma != NULL);
	}
	list[k] = NULL;
	*(const char ***)opt->var = list;
	return 0;
}

/* The index of v among names (NULL-terminated), or -1 after the usage error "unknown
 * WHAT 'v' (NAME, NAME, ...)". */
static int pick(struct ctx *ctx, const struct cmd *cmd, const char *what, const char *v,
		const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(v, names[i]) == 0)
			return i;
	const char *list = names[0];
	for (int i = 1; names[i]; i++)
		list = arena_printf(&ctx->perm, "%s, %s", list, names[i]);
	const char *near = suggest(v, names, SIZE_MAX);
	if (near)
		return cli_error(cmd, "unknown %s '%s'; did you mean '%s'? (%s)", what, v, near,
				 list), -1;
	return cli_error(cmd, "unknown %s '%s' (%s)", what, v, list), -1;
}

static int parse_format(struct ctx *ctx, const struct cmd *cmd, const struct option *opt,
			const char *v)
{
	/* in the order of enum out_format */
	static const char *const names[] = { "text", "json", "sarif", "github", NULL };
	int k = pick(ctx, cmd, "format", v, names);
	if (k >= 0) {
		*(enum out_format *)opt->var = (enum out_format)k;
		ctx->opt.format_set = true;	/* .eragen.yaml's format does not apply */
	}
	return k < 0 ? -1 : 0;
}

static int parse_color(struct ctx *ctx, const struct cmd *cmd, const struct option *opt,
		       const char *v)
{
	/* in the order of enum color_mode */
	static const char *const names[] = { "auto", "always", "never", NULL };
	int k = pick(ctx, cmd, "color mode", v, names);
	if (k >= 0)
		*(enum color_mode *)opt->var = (enum color_mode)k;
	return k < 0 ? -1 : 0;
}

static bool takes_value(const struct option *o)
{
	return o->kind == OPT_KIND_STRING || o->kind == OPT_KIND_PARSE;
}

/* The option of opts (may be NULL) that arg names; *value: what follows its '=', NULL
 * when nothing does. NULL when none does. */
static const struct option *opt_find(const struct option *opts, const char *arg,
				     const char **value)
{
	for (; opts && opts->kind != OPT_KIND_END; opts++) {
		size_t n = strlen(opts->name);
		*value = NULL;
		if (strcmp(arg, opts->name) == 0 || (opts->alias && strcmp(arg, opts->alias) == 0))
			return opts;
		/* "--name=value"; "-x" takes its value as the next argument only */
		if (takes_value(opts) && opts->name[1] == '-' && strncmp(arg, opts->name, n) == 0 &&
		    arg[n] == '=') {
			*value = arg + n + 1;
			return opts;
		}
	}
	return NULL;
}

/* One option found: set its variable (value NULL for a switch). 0, or -1 after cli_error. */
static int opt_set(struct ctx *ctx, const struct cmd *cmd, const struct option *o,
		   const char *value)
{
	switch (o->kind) {
	case OPT_KIND_BOOL:
		*(bool *)o->var = true;
		return 0;
	case OPT_KIND_STRING:
		*(const char **)o->var = value;
		return 0;
	case OPT_KIND_PARSE:
		return o->parse(ctx, cmd, o, value);
	case OPT_KIND_NOOP:
	case OPT_KIND_END:
		break;
	}
	return 0;
}

/* The long option name (own, common or --help) nearest to an unknown "--name" or
 * "--name=value", or NULL: none for a short one, nor for a switch given a value. */
static const char *near_option(const struct option *own, const struct option *common,
			       const char *arg)
{
	char word[65];
	size_t n = strcspn(arg, "=");
	if (n >= sizeof(word) || n < 4 || strncmp(arg, "--", 2) != 0 || arg[2] == '-')
		return NULL;
	memcpy(word, arg, n);
	word[n] = '\0';
	struct nearest near = nearest_start(word, n, n / 3 > 2 ? n / 3 : 2);
	near.prefix = true;
	nearest_offer(&near, "--help");
	for (const struct option *set[2] = { own, common }, **s = set; s < set + 2; s++)
		for (const struct option *o = *s; o && o->kind != OPT_KIND_END; o++)
			if (o->name[1] == '-')
				nearest_offer(&near, o->name);
	return near.best_d ? near.best : NULL;
}

/*
 * The loop of cli_parse: own options before the common ones, positionals moved to the
 * front of argv and counted in *argc. 0, or -1 after cli_error.
 */
static int parse_argv(struct ctx *ctx, const struct cmd *cmd, const struct option *own,
		      const struct option *common, int *argc, char **argv, bool *help)
{
	int npos = 0;
	bool only_args = false;
	for (int i = 0; i < *argc; i++) {
		const char *a = argv[i], *value;
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
		const struct option *o = opt_find(own, a, &value);
		if (!o)
			o = opt_find(common, a, &value);
		if (!o)
			return cli_error(cmd, "unknown option '%s'%s", a,
					 did_you_mean(ctx, near_option(own, common, a))), -1;
		if (takes_value(o) && !value) {
			if (i + 1 >= *argc)
				return cli_error(cmd, "%s needs %s", o->name, o->what), -1;
			value = argv[++i];
		}
		if (opt_set(ctx, cmd, o, value) != 0)
			return -1;
	}
	*argc = npos;
	return 0;
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

/* The number of positionals against cmd->args: CLI_RUN, or EXIT_USAGE after the message. */
static int args_check(const struct cmd *cmd, int n, char **argv)
{
	const struct cmd_args *r = &cmd->args;
	if (n >= r->min && (r->max < 0 || n <= r->max))
		return CLI_RUN;
	if (n == 0 && r->none)
		return cli_error(cmd, "%s", r->none);
	if (r->wrong)
		return cli_error(cmd, "%s", r->wrong);
	if (n < r->min)
		BUG("'%s' says nothing about fewer than %d arguments", cmd->name, r->min);
	return cli_error(cmd, "unexpected argument '%s'", argv[r->max]);
}

int output_format(struct ctx *ctx, const struct cmd *cmd, bool *json)
{
	switch (ctx->opt.format) {
	case FMT_TEXT:
		break;
	case FMT_JSON:
		*json = true;
		break;
	case FMT_SARIF:
	case FMT_GITHUB:
		return cli_error(cmd, "%s prints text or JSON: --format %s does not apply to it",
				 cmd->name, ctx->opt.format == FMT_SARIF ? "sarif" : "github");
	}
	ctx->opt.format = FMT_TEXT;	/* findings that stop the command: text on stderr */
	ctx->opt.format_set = true;	/* whatever .eragen.yaml says */
	return CLI_RUN;
}

int cli_parse(struct ctx *ctx, const struct cmd *cmd, const struct option *opts, int *argc,
	      char **argv)
{
	struct options *o = &ctx->opt;
	const struct option common[] = {
		OPT_STRING("-C", &o->chdir, "a directory"),
		{ .kind = OPT_KIND_PARSE, .name = "--format", .var = &o->format,
		  .what = "a value", .parse = parse_format },
		{ .kind = OPT_KIND_PARSE, .name = "--color", .var = &o->color, .what = "a value",
		  .parse = parse_color },
		OPT_STRING("--base", &o->base, "a revision"),
		OPT_BOOL("--werror", &o->werror),
		{ .kind = OPT_KIND_BOOL, .name = "--quiet", .alias = "-q", .var = &o->quiet },
		{ .kind = OPT_KIND_NOOP, .name = "--all" },	/* the default, said explicitly */
		{ .kind = OPT_KIND_PARSE, .name = "--only", .var = &o->only, .what = "a rule list",
		  .parse = parse_rules },
		{ .kind = OPT_KIND_PARSE, .name = "--skip", .var = &o->skip, .what = "a rule list",
		  .parse = parse_rules },
		OPT_END(),
	};
	bool help = false;
	if (parse_argv(ctx, cmd, opts, common, argc, argv, &help) != 0 ||
	    (!help && chdir_check(o->chdir) != 0))
		return EXIT_USAGE;
	const char *nc = getenv("NO_COLOR");
	o->use_color = o->color == COLOR_ALWAYS ||
		       (o->color == COLOR_AUTO && !(nc && *nc) && isatty(STDERR_FILENO));
	if (help) {
		cli_usage(cmd, stdout);
		return EXIT_OK;
	}
	return args_check(cmd, *argc, argv);
}
