/*
 * cmd_explain.c - `eragen explain RULE | --list | --markdown`: the rule table, for
 * people (explain, --list) and for the README (--markdown, kept in sync by a test).
 */
#include "cmd.h"

#include <string.h>

static const char *sev_text(const struct rule *r)
{
	if (r->raise_on_prod)
		return "W/E";
	return r->sev == SEV_ERROR ? "E" : r->sev == SEV_WARNING ? "W" : "N";
}

static const char *sev_word(const struct rule *r)
{
	if (r->raise_on_prod && r->raise_on_staging)
		return "warning, an error on production and staging";
	if (r->raise_on_prod)
		return "warning, an error on production";
	return r->sev == SEV_ERROR ? "error" : r->sev == SEV_WARNING ? "warning" : "note";
}

static int explain_run(struct ctx *ctx, int argc, char **argv)
{
	bool list = false, markdown = false;
	const struct option opts[] = {
		OPT_BOOL("--list", &list),
		OPT_BOOL("--markdown", &markdown),
		OPT_END(),
	};
	int rc = cli_parse(ctx, &cmd_explain, opts, &argc, argv);
	if (rc != CLI_RUN)
		return rc;
	if (list || markdown) {
		if (markdown)
			puts("| ID | Severity | Checks | Status |\n|---|---|---|---|");
		const struct rule **table = rule_table(&ctx->perm);
		for (size_t i = 0; i < rule_count(); i++) {
			const struct rule *r = table[i];
			const char *status = rule_is_checked(r->id) ? "checked" : "planned";
			if (markdown)
				printf("| %s | %s | %s | %s |\n", r->id, sev_text(r), r->summary, status);
			else
				printf("%-9s %-3s %-8s %s\n", r->id, sev_text(r), status, r->summary);
		}
		return EXIT_OK;
	}
	/* one rule, unless --list or --markdown: not a count cmd_explain.args can say */
	if (argc != 1)
		return cli_error(&cmd_explain, "explain needs one rule id");
	const struct rule *r = rule_find(argv[0]);
	if (!r) {
		char up[32];
		size_t k = 0;
		for (; argv[0][k] && k + 1 < sizeof(up); k++)
			up[k] = (char)(argv[0][k] >= 'a' && argv[0][k] <= 'z' ? argv[0][k] - 32 : argv[0][k]);
		up[k] = '\0';
		r = rule_find(up);
	}
	if (!r) {
		const char *near = rule_nearest(argv[0]);
		if (near)
			return cli_error(NULL, "unknown rule '%s'; did you mean '%s'?", argv[0], near);
		return cli_error(NULL, "unknown rule '%s' (see 'eragen explain --list')", argv[0]);
	}
	printf("%s (%s): %s\n\n%s", r->id, sev_word(r), r->summary, rule_explain(r));
	if (!rule_is_checked(r->id))
		printf("\nStatus: planned: this version of eragen does not check it yet.\n");
	return EXIT_OK;
}

const struct cmd cmd_explain = {
	.name = "explain",
	.run = explain_run,
	.usage = "explain RULE | --list | --markdown",
	.args = { 0, -1 },
	.help =
	"Say what a rule checks, why, how to fix a finding and how to suppress it.\n"
	"--list prints every rule with its severity; --markdown the README's rule table.\n",
};
