/*
 * cmd_adopt.c - `eragen adopt ENV --state FILE... [--dry-run]` (DESIGN 8.2): pair what
 * ENV's generated stacks manage with the live resources of the legacy states, write the
 * import blocks (environments/ENV/extra/<stack>/adopt.tf, which build copies into the
 * stack), and report what is imported, created, replaced and left in the legacy state.
 *
 * Consumes the resolved spec of ENV (one with errors is refused: lint first), the state
 * files (adopt_state.c), schemas/adopt-types.json. Produces the report (stdout; with
 * --format json one object with the diagnostics; with sarif and github the report goes
 * to stderr) and one ADOPT001 per replacement, suppressible like any finding. Exit 0 when
 * every replacement is avoided or acknowledged, 1 otherwise or on bad input (SPEC012).
 */
#include "adopt.h"
#include "cmd.h"
#include "model.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATES_MAX 16

struct states {
	const char *v[STATES_MAX];
	size_t n;
};

static int parse_state(struct ctx *ctx, const struct cmd *cmd, const struct option *opt,
		       const char *value)
{
	(void)ctx;
	struct states *s = opt->var;
	if (s->n == STATES_MAX)
		return cli_error(cmd, "at most %d --state files", STATES_MAX), -1;
	s->v[s->n++] = value;
	return 0;
}

/* ---- writing adopt.tf -------------------------------------------------------------- */

static int make_dir(struct ctx *ctx, const char *rel)
{
	const char *abs = arena_printf(&ctx->perm, "%s/%s", ctx->root, rel);
	if (mkdir(abs, 0777) != 0 && errno != EEXIST) {
		error("cannot create '%s': %s", rel, strerror(errno));
		return -1;
	}
	const char *why = path_link_problem(ctx, abs);
	if (why) {
		error("'%s' %s: nothing written", rel, why);
		return -1;
	}
	return 0;
}

/* text as rel (temp file, rename); with len 0, rel removed if it exists. */
static int write_file(struct ctx *ctx, const char *rel, const char *text, size_t len)
{
	const char *abs = arena_printf(&ctx->perm, "%s/%s", ctx->root, rel);
	if (len == 0) {
		if (unlink(abs) != 0 && errno != ENOENT) {
			error("cannot remove '%s': %s", rel, strerror(errno));
			return -1;
		}
		return 0;
	}
	const char *tmp = arena_printf(&ctx->perm, "%s.tmp", abs);
	unlink(tmp);	/* a leftover of a crash; never followed (wx: O_EXCL) */
	FILE *f = fopen(tmp, "wx");
	bool ok = f && fwrite(text, 1, len, f) == len;
	ok = f && fclose(f) == 0 && ok;
	if (!ok || rename(tmp, abs) != 0) {
		error("cannot write '%s': %s", rel, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int write_stacks(struct ctx *ctx, const struct adopt_report *r, const char *env)
{
	static const char *const stacks[] = { "infra", "platform" };
	const char *extra = arena_printf(&ctx->perm, "environments/%s/extra", env);
	for (size_t i = 0; i < 2; i++) {
		struct strbuf sb = STRBUF_INIT;
		struct oom_guard g;
		oom_guard_strbuf(&g, &sb);
		adopt_tf(r, stacks[i], env, &sb);
		const char *dir = arena_printf(&ctx->perm, "%s/%s", extra, stacks[i]);
		const char *rel = arena_printf(&ctx->perm, "%s/adopt.tf", dir);
		int rc = 0;
		if (sb.len && (make_dir(ctx, extra) != 0 || make_dir(ctx, dir) != 0))
			rc = -1;
		if (rc == 0)
			rc = write_file(ctx, rel, sb.buf, sb.len);
		if (rc == 0 && sb.len)
			fprintf(stderr, "wrote %s\n", rel);
		oom_guard_pop(&g);
		sb_release(&sb);
		if (rc != 0)
			return EXIT_SYSTEM;
	}
	return EXIT_OK;
}

/* ---- the report ------------------------------------------------------------------- */

static int report(struct ctx *ctx, const struct adopt_report *r, const char *env)
{
	struct strbuf sb = STRBUF_INIT, diags = STRBUF_INIT;
	struct oom_guard g1, g2;
	oom_guard_strbuf(&g1, &sb);
	oom_guard_strbuf(&g2, &diags);
	diag_finish(ctx);
	adopt_report_render(ctx, r, env, &sb);
	int rc;
	if (ctx->opt.format == FMT_JSON) {
		diag_render(ctx, &diags);
		const char *brace = diags.buf ? strchr(diags.buf, '{') : NULL;
		sb_puts(&sb, ",");
		sb_puts(&sb, brace ? brace + 1 : "\n}\n");
		fwrite(sb.buf, 1, sb.len, stdout);
		struct diag_counts c = diag_count(ctx);
		rc = c.errors || (ctx->opt.werror && c.warnings) ? EXIT_FINDINGS : EXIT_OK;
	} else {
		if (!ctx->opt.quiet)	/* --quiet: the findings only */
			fwrite(sb.buf, 1, sb.len, ctx->opt.format == FMT_TEXT ? stdout : stderr);
		fflush(stdout);
		rc = pipeline_report(ctx);
	}
	oom_guard_pop(&g2);
	oom_guard_pop(&g1);
	sb_release(&diags);
	sb_release(&sb);
	return rc;
}

static int adopt_run(struct ctx *ctx, int argc, char **argv)
{
	struct states states = { { 0 }, 0 };
	bool dry = false;
	const struct option opts[] = {
		{ .kind = OPT_KIND_PARSE, .name = "--state", .var = &states, .what = "a file",
		  .parse = parse_state },
		OPT_BOOL("--dry-run", &dry),
		OPT_END(),
	};
	int rc = cli_parse(ctx, &cmd_adopt, opts, &argc, argv);
	if (rc != CLI_RUN)
		return rc;
	if (states.n == 0)
		return cli_error(&cmd_adopt, "adopt needs --state FILE (one per legacy state)");
	rc = pipeline_run(ctx, STAGE_RESOLVE, NULL, 1, argv);
	if (rc != EXIT_OK)
		return rc;
	const char *env = argv[0];
	struct env *e = ctx_env(ctx, env);
	if (!e || e->abstract || !e->resolved || e->invalid || !e->model) {
		fprintf(stderr, "eragen: '%s' %s ('eragen lint %s' says why): fix it before "
				"adopting\n", env, e && e->abstract ? "is abstract" : "has errors", env);
		return EXIT_FINDINGS;
	}
	ctx->ndiags = 0;	/* the other environments' findings are lint's business */
	struct adopt_report r = { 0 };
	const struct model *m = e->model;
	if (!adopt_read_states(ctx, env, states.v, states.n, m->aws.account_id.s,
			       m->aws.region.s, &r.lives)) {
		if (ctx->ndiags == 0)
			return EXIT_SYSTEM;	/* unreadable: said */
		diag_finish(ctx);
		return pipeline_report(ctx) == EXIT_OK ? EXIT_FINDINGS : EXIT_FINDINGS;
	}
	adopt_wants(ctx, &ctx->perm, e, &r.wants);
	if (!adopt_match(ctx, &ctx->perm, e, &r)) {
		diag_finish(ctx);
		pipeline_report(ctx);
		return EXIT_FINDINGS;
	}
	if (!dry && (rc = write_stacks(ctx, &r, env)) != EXIT_OK)
		return rc;
	ctx->all_rules_ran = false;	/* a suppression of another rule is lint's to judge */
	suppress_apply(ctx);
	return report(ctx, &r, env);
}

const struct cmd cmd_adopt = {
	.name = "adopt",
	.run = adopt_run,
	.usage = "adopt ENV --state FILE... [--dry-run]",
	.args = { 1, 1, "adopt needs exactly one environment name" },
	.help =
	"Pair every resource ENV's generated stacks manage with its live counterpart in the\n"
	"legacy states (FILE: what 'tofu state pull' or 'tofu show -json' prints; one\n"
	"--state per legacy state), by type and the attribute that names it\n"
	"(schemas/adopt-types.json). Writes environments/ENV/extra/<stack>/adopt.tf with an\n"
	"import block for each pair (build copies it into the stack), and reports what is\n"
	"imported, to be created, would be replaced and is left in the legacy state. Each\n"
	"replacement is an ADOPT001 error at the spec setting that avoids it; acknowledge a\n"
	"deliberate one with a reason (lint.ignore). Exit 0 when every replacement is avoided\n"
	"or acknowledged. A file that is not a state, a state of another account or region,\n"
	"or two live candidates for one resource: SPEC012, nothing written.\n"
	"\n"
	"  --state FILE  a legacy state (repeatable)\n"
	"  --dry-run     report only; write no adopt.tf\n"
	"  --quiet       the findings only, no report (text, sarif, github)\n",
};
