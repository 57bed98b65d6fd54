/*
 * check.c - the table of rule families, the loop that runs them, and the rule table
 * they make together. Each family lives in gen/check/<family>.c and exports one const
 * struct check (tmux's cmd-*.c tables) holding the rows of its rules; each rule's
 * `eragen explain` text is docs/rules/<ID>.txt, embedded by the Makefile (rule_texts).
 * run_env sees every environment, abstract and broken ones too: each family decides what
 * it can judge (most need env->resolved).
 */
#include "eragen.h"

#include <stdlib.h>
#include <string.h>

extern const struct check check_spec, check_name, check_net, check_auth, check_sched,
	check_capacity, check_drift, check_compat, check_secret, check_xenv, check_dns,
	check_policy, check_extra, check_placeholder, check_adopt, check_out;

/* The order the families run in (it orders findings that compare equal otherwise). */
static const struct check *const families[] = {
	&check_spec,
	&check_name,
	&check_net,
	&check_auth,
	&check_sched,
	&check_capacity,
	&check_drift,
	&check_compat,
	&check_secret,
	&check_xenv,
	&check_dns,
	&check_policy,
	&check_extra,
	&check_placeholder,
	&check_adopt,
	&check_out,
};
#define NFAMILIES (sizeof(families) / sizeof(families[0]))

/* The order of the rule table: the families of DESIGN.md section 5. */
static const char *const family_order[] = {
	"SPEC", "NET", "AUTH", "SCHED", "DRIFT", "COMPAT", "SECRET", "NAME", "XENV", "DNS",
	"POLICY", "ADOPT", "OUT",
};

size_t checks_nfamilies(void)
{
	return NFAMILIES;
}

const struct check *checks_family(size_t f)
{
	return families[f];
}

void checks_run(struct ctx *ctx)
{
	for (size_t f = 0; f < NFAMILIES; f++) {
		const struct check *c = families[f];
		if (c->run_env)
			for (size_t i = 0; i < ctx->nenvs; i++)
				c->run_env(ctx, ctx->envs[i]);
		if (c->run_all)
			c->run_all(ctx);
	}
}

/* ---- the rule table ------------------------------------------------------------- */

/* A linear scan: there are a few dozen rules. */
const struct rule *rule_find(const char *id)
{
	for (size_t f = 0; f < NFAMILIES; f++)
		for (size_t i = 0; i < families[f]->nrules; i++)
			if (strcmp(families[f]->rules[i].id, id) == 0)
				return &families[f]->rules[i];
	return NULL;
}

const char *rule_nearest(const char *id)
{
	char up[65];
	size_t n = strlen(id);
	if (n >= sizeof(up))
		return NULL;
	for (size_t i = 0; i <= n; i++)	/* 'sched007' is SCHED007 mistyped */
		up[i] = id[i] >= 'a' && id[i] <= 'z' ? (char)(id[i] - 'a' + 'A') : id[i];
	/* one edit: rule IDs differ from each other by a digit or two */
	struct nearest near = nearest_start(up, n, 1);
	for (size_t f = 0; f < NFAMILIES; f++)
		for (size_t i = 0; i < families[f]->nrules; i++)
			nearest_offer(&near, families[f]->rules[i].id);
	return near.best;
}

size_t rule_count(void)
{
	size_t n = 0;
	for (size_t f = 0; f < NFAMILIES; f++)
		n += families[f]->nrules;
	return n;
}

/* The place in the families' order: pointers compared, no string. */
size_t rule_index(const struct rule *r)
{
	size_t n = 0;
	for (size_t f = 0; f < NFAMILIES; f++) {
		for (size_t i = 0; i < families[f]->nrules; i++)
			if (&families[f]->rules[i] == r)
				return n + i;
		n += families[f]->nrules;
	}
	BUG("rule '%s' is in no family's table", r->id);
}

/* The family's place in family_order, then the number. */
static size_t rule_rank(const struct rule *r)
{
	size_t len = strcspn(r->id, "0123456789");
	for (size_t k = 0; k < sizeof(family_order) / sizeof(family_order[0]); k++)
		if (strlen(family_order[k]) == len && strncmp(family_order[k], r->id, len) == 0)
			return k * 1000 + (size_t)strtoul(r->id + len, NULL, 10);
	BUG("rule '%s' is of no known family", r->id);
}

static int rule_cmp(const void *a, const void *b)
{
	size_t x = rule_rank(*(const struct rule *const *)a);
	size_t y = rule_rank(*(const struct rule *const *)b);
	return (x > y) - (x < y);
}

const struct rule **rule_table(struct arena *a)
{
	const struct rule **v = arena_alloc(a, rule_count() * sizeof(*v));
	size_t n = 0;
	for (size_t f = 0; f < NFAMILIES; f++)
		for (size_t i = 0; i < families[f]->nrules; i++)
			v[n++] = &families[f]->rules[i];
	qsort(v, n, sizeof(*v), rule_cmp);
	return v;
}

const char *rule_explain(const struct rule *r)
{
	for (size_t i = 0; i < rule_texts_count; i++)
		if (strcmp(rule_texts[i].id, r->id) == 0)
			return rule_texts[i].text;
	BUG("rule '%s' has no text in docs/rules/", r->id);
}

bool rule_is_checked(const char *id)
{
	const struct rule *r = rule_find(id);
	return r && !r->planned;
}
