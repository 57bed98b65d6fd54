/*
 * check.c - the table of rule families and the loop that runs them. Each family lives in
 * gen/check/<family>.c and exports one const struct check (tmux's cmd-*.c tables).
 * run_env sees every environment, abstract and broken ones too: each family decides what
 * it can judge (most need env->resolved).
 */
#include "eragen.h"

#include <string.h>

extern const struct check check_spec, check_name, check_net, check_auth, check_sched,
	check_drift, check_compat, check_secret, check_xenv, check_dns, check_policy, check_out,
	check_extra;

/* What the front end reports while loading, layering and suppressing. */
static const char *const front_rules[] = { "SPEC001", "SPEC002", "SPEC003", "SPEC004",
					   "SPEC005", "SPEC006", "SPEC008", "SPEC009",
					   "SPEC010", "SPEC011", "SPEC012", NULL };
static const struct check check_front = { "front end", NULL, NULL, front_rules };

static const struct check *const families[] = {
	&check_front,
	&check_spec,
	&check_name,
	&check_net,
	&check_auth,
	&check_sched,
	&check_drift,
	&check_compat,
	&check_secret,
	&check_xenv,
	&check_dns,
	&check_policy,
	&check_out,
	&check_extra,
};

bool rule_is_checked(const char *id)
{
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (const char *const *r = families[f]->rules; r && *r; r++)
			if (strcmp(*r, id) == 0)
				return true;
	return false;
}

void checks_run(struct ctx *ctx)
{
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		const struct check *c = families[f];
		if (c->run_env)
			for (size_t i = 0; i < ctx->nenvs; i++)
				c->run_env(ctx, ctx->envs[i]);
		if (c->run_all)
			c->run_all(ctx);
	}
}
