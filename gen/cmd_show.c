/*
 * cmd_show.c - `eragen show ENV [--json] [--origin]`: the resolved spec, after layering,
 * defaults and derivation, optionally with where each value came from.
 */
#include "cmd.h"

static int show_run(struct ctx *ctx, int argc, char **argv)
{
	static const char *const own[] = { "--json", "--origin", NULL };
	const char *val[3] = { NULL, NULL, NULL };
	bool help;
	int n = cli_parse(ctx, &cmd_show, argc, argv, own, val, &help);
	if (n < 0)
		return EXIT_USAGE;
	if (help) {
		cli_usage(&cmd_show, stdout);
		return EXIT_OK;
	}
	if (n != 1)
		return cli_error(&cmd_show, "show needs exactly one environment");
	int rc = run_front(ctx, 1, argv);
	if (rc != EXIT_OK)
		return rc;
	const struct env *e = ctx_env(ctx, argv[0]);
	if (!e->resolved || diag_count(ctx).errors) {
		report(ctx);
		if (!e->resolved)
			return EXIT_FINDINGS;
	}
	struct strbuf sb = STRBUF_INIT;
	if (val[0])
		show_json(ctx, &sb, e->resolved, val[1] != NULL);
	else
		show_yaml(ctx, &sb, e->resolved, val[1] != NULL);
	fwrite(sb.buf, 1, sb.len, stdout);
	sb_release(&sb);
	return diag_count(ctx).errors ? EXIT_FINDINGS : EXIT_OK;
}

const struct cmd cmd_show = {
	"show", show_run, "show ENV [--json] [--origin]",
	"Print the resolved spec of ENV: schema defaults, environments/_defaults.yaml, the\n"
	"extends chain and the environment's own file, layered, with derived values filled\n"
	"in. --origin says where each value was set (file:line:col, default or derived).\n"
	"Secret values print as ***.\n",
};
