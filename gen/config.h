/*
 * config.h - .eragen.yaml, the repository's configuration (DESIGN 8.3; config.c):
 *
 *   rules: {RULE: off|note|warning|error}   severity overrides
 *   base: REV                               the default of --base
 *   format: text|json|sarif|github          the default of --format (lint, check, build)
 *
 * Optional, at the repository root (with --staged, as staged), validated against
 * schemas/config.schema.json (the repository's own, else the installed one). Every
 * mistake is a diagnostic at its file:line:col, with the rule IDs the schema rules use
 * for a spec: SPEC001/SPEC002/SPEC009 (YAML), SPEC003 (unknown key), SPEC004 (type),
 * SPEC006 (a value, an unknown rule, an unsuppressible rule turned off, a base that is
 * no revision); what is valid in it still applies. A flag on the command line wins.
 */
#ifndef ERAGEN_CONFIG_H
#define ERAGEN_CONFIG_H

#include "eragen.h"

#define CONFIG_PATH ".eragen.yaml"
#define CONFIG_SCHEMA "schemas/config.schema.json"

/* A rule's configured severity: CONFIG_SEV_NONE (as the rule says), off, or a severity. */
enum { CONFIG_SEV_NONE = -1, CONFIG_SEV_OFF = 3 };

struct config {
	signed char *sev;		/* by rule_index(): CONFIG_SEV_NONE, OFF or a severity */
	const struct node *base;	/* base: the value's node, or NULL */
};

/*
 * Read and check .eragen.yaml (when there is one) into ctx->config, and apply its
 * defaults to ctx->opt where no flag set them (format: unless ctx->opt.format_set;
 * base: unless ctx->opt.base). Run once the repository root is known, before --base is
 * checked.
 */
void config_load(struct ctx *ctx);
/* The severity a diagnostic of rule r ends with, given the one it has (the override,
 * if any); CONFIG_SEV_OFF when it is not reported. */
int config_severity(const struct ctx *ctx, const struct rule *r, enum severity sev);

#endif
