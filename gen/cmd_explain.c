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
	if (r->raise_on_prod)
		return "warning, an error on production";
	return r->sev == SEV_ERROR ? "error" : r->sev == SEV_WARNING ? "warning" : "note";
}

static int explain_run(struct ctx *ctx, int argc, char **argv)
{
	static const char *const own[] = { "--list", "--markdown", NULL };
	const char *val[3] = { NULL, NULL, NULL };
	bool help;
	int n = cli_parse(ctx, &cmd_explain, argc, argv, own, val, &help);
	if (n < 0)
		return EXIT_USAGE;
	if (help) {
		cli_usage(&cmd_explain, stdout);
		return EXIT_OK;
	}
	if (val[0] || val[1]) {
		if (val[1])
			puts("| ID | Severity | Checks | Status |\n|---|---|---|---|");
		const struct rule **table = rule_table(&ctx->perm);
		for (size_t i = 0; i < rule_count(); i++) {
			const struct rule *r = table[i];
			const char *status = rule_is_checked(r->id) ? "checked" : "planned";
			if (val[1])
				printf("| %s | %s | %s | %s |\n", r->id, sev_text(r), r->summary, status);
			else
				printf("%-9s %-3s %-8s %s\n", r->id, sev_text(r), status, r->summary);
		}
		return EXIT_OK;
	}
	if (n != 1)
		return cli_error(&cmd_explain, "explain needs one rule id");
	const struct rule *r = rule_find(argv[0]);
	if (!r) {
		char up[32];
		size_t k = 0;
		for (; argv[0][k] && k + 1 < sizeof(up); k++)
			up[k] = (char)(argv[0][k] >= 'a' && argv[0][k] <= 'z' ? argv[0][k] - 32 : argv[0][k]);
		up[k] = '\0';
		r = rule_find(up);
		if (!r)
			return cli_error(NULL, "unknown rule '%s' (see 'eragen explain --list')", argv[0]);
	}
	printf("%s (%s): %s\n\n%s", r->id, sev_word(r), r->summary, rule_explain(r));
	if (!rule_is_checked(r->id))
		printf("\nStatus: planned: this version of eragen does not check it yet.\n");
	return EXIT_OK;
}

const struct cmd cmd_explain = {
	"explain", explain_run, "explain RULE | --list | --markdown",
	"Say what a rule checks, why, how to fix a finding and how to suppress it.\n"
	"--list prints every rule with its severity; --markdown the README's rule table.\n",
};
