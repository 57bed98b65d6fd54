/*
 * check/spec.c - SPEC007: an environment's name is its directory's name. (SPEC001-006,
 * 008-010 and 012 are found while loading and layering; SPEC011 by suppress.c.)
 */
#include "eragen.h"

#include <string.h>

static void spec_env(struct ctx *ctx, struct env *e)
{
	const struct node *name = e->root ? node_get(e->root, "name") : NULL;
	if (!name || name->kind != NODE_STR)
		return;
	if (strcmp(name->str, e->name) != 0) {
		struct diag *d = diag_add(ctx, "SPEC007", e->name, name->loc,
					  "name '%s' differs from the directory name '%s'",
					  name->str, e->name);
		diag_help(ctx, d, "write 'name: %s', or rename the directory '%s'", e->name, e->dir);
	}
}

static const char *const spec_rules[] = { "SPEC007", NULL };
const struct check check_spec = { "spec", spec_env, NULL, spec_rules };
