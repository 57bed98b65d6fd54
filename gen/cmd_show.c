/*
 * cmd_show.c - `eragen show ENV [--format json|--json] [--origin]`: the resolved spec, after layering,
 * defaults and derivation, optionally with where each value came from; and
 * `eragen show ENV --placement`: the placement matrix (placement.h) as a table; and
 * `eragen show ENV --view`: the view model the templates receive (backend.h), as JSON.
 */
#include "backend.h"
#include "cmd.h"
#include "placement.h"
#include "show.h"

static int show_placement(struct ctx *ctx, struct env *e)
{
	const struct placement *p = placement_build(ctx, e, &e->arena, true);
	if (!p) {
		fprintf(stderr, "eragen: the placement of '%s' cannot be computed: its spec has "
				"errors\n",
			e->name);
		return EXIT_FINDINGS;
	}
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard sb_guard;
	oom_guard_strbuf(&sb_guard, &sb);
	placement_show(ctx, p, &sb);
	fwrite(sb.buf, 1, sb.len, stdout);
	oom_guard_pop(&sb_guard);
	sb_release(&sb);
	return diag_count(ctx).errors ? EXIT_FINDINGS : EXIT_OK;
}

/* The view model the templates receive: only for a spec without errors. */
static int show_view(struct ctx *ctx, struct env *e)
{
	const struct node *view = diag_count(ctx).errors ? NULL : view_env(ctx, e, &ctx->scratch);
	if (!view) {
		fprintf(stderr, "eragen: the view of '%s' cannot be built: its spec has errors\n",
			e->name);
		return EXIT_FINDINGS;
	}
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard sb_guard;
	oom_guard_strbuf(&sb_guard, &sb);
	show_json(ctx, &sb, view, false);
	fwrite(sb.buf, 1, sb.len, stdout);
	oom_guard_pop(&sb_guard);
	sb_release(&sb);
	return EXIT_OK;
}

static int show_run(struct ctx *ctx, int argc, char **argv)
{
	bool json = false, origin = false, placement = false, view = false;
	const struct option opts[] = {
		OPT_BOOL("--json", &json),
		OPT_BOOL("--origin", &origin),
		OPT_BOOL("--placement", &placement),
		OPT_BOOL("--view", &view),
		OPT_END(),
	};
	int rc = cli_parse(ctx, &cmd_show, opts, &argc, argv);
	if (rc != CLI_RUN)
		return rc;
	rc = output_format(ctx, &cmd_show, &json);
	if (rc != CLI_RUN)
		return rc;
	if (placement && (json || origin))
		return cli_error(&cmd_show, "--placement prints a table: --json and --origin do "
					    "not apply to it");
	if (view && (origin || placement))
		return cli_error(&cmd_show, "--view prints the view model as JSON: --origin and "
					    "--placement do not apply to it");
	rc = pipeline_run(ctx, STAGE_CHECK, NULL, 1, argv);
	if (rc != EXIT_OK)
		return rc;
	struct env *e = ctx_env(ctx, argv[0]);
	if (!e->resolved || diag_count(ctx).errors) {
		pipeline_report(ctx);
		if (!e->resolved)
			return EXIT_FINDINGS;
	}
	if (placement)
		return show_placement(ctx, e);
	if (view)
		return show_view(ctx, e);
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard sb_guard;
	oom_guard_strbuf(&sb_guard, &sb);
	if (json)
		show_json(ctx, &sb, e->resolved, origin);
	else
		show_yaml(ctx, &sb, e->resolved, origin);
	fwrite(sb.buf, 1, sb.len, stdout);
	oom_guard_pop(&sb_guard);
	sb_release(&sb);
	return diag_count(ctx).errors ? EXIT_FINDINGS : EXIT_OK;
}

const struct cmd cmd_show = {
	.name = "show",
	.run = show_run,
	.usage = "show ENV [--format json|--json] [--origin] | show ENV --placement | "
		 "show ENV --view",
	.args = { 1, 1, "show needs exactly one environment" },
	.help =
	"Print the resolved spec of ENV: schema defaults, environments/_defaults.yaml, the\n"
	"extends chain and the environment's own file, layered, with derived values filled\n"
	"in, as YAML, or as JSON with --format json (or --json). --origin says where each\n"
	"value was set (file:line:col, default or derived). Secret values print as ***.\n"
	"Findings that stop it go to stderr as text.\n"
	"\n"
	"--placement prints the placement matrix instead: each node group with the labels its\n"
	"nodes carry (its own and those EKS and the kubelet add) and its taints; each workload\n"
	"and profile with its node selector, its tolerations (its own or its group's, and\n"
	"those the chart adds), the groups it can land on, and why not on the others.\n"
	"\n"
	"--view prints, as JSON, the exact view model the templates receive: \"env\" (the\n"
	"facts all back ends share) and one part per back end (tofu, helm, github, make).\n"
	"Write or override templates (templates/<back end>/...) against it.\n",
};
