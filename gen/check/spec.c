/*
 * check/spec.c - SPEC007: an environment's name is its directory's name; SPEC006 for a
 * hub.chart_version that the chart table (schemas/charts.json, data.h) does not know;
 * SPEC012 for profiles and image choices whose Helm values would be too large (every
 * profile lists every choice). (The other SPEC006 cases, SPEC001-005, 008-010 and 012
 * are found while loading and layering; SPEC011 by suppress.c. The rows of all SPEC rules
 * are at the end of this file.)
 *
 * Consumes the model (model.h: name, hub.chart_version, hub.profiles, hub.image_choices);
 * produces diagnostics only.
 */
#include "data.h"
#include "model.h"

#include <string.h>

static void spec_name(struct ctx *ctx, struct env *e)
{
	const struct m_str *name = e->model ? &e->model->name : NULL;
	if (!name || !name->s)
		return;
	if (strcmp(name->s, e->name) != 0) {
		struct diag *d = diag_add(ctx, "SPEC007", e->name, name->n->loc,
					  "name '%s' differs from the directory name '%s'",
					  name->s, e->name);
		diag_help(ctx, d, "write 'name: %s', or rename the directory '%s'", e->name, e->dir);
	}
}

/* The known chart version one edit away from v (a typo), or NULL: farther ones are
 * other versions, not misspellings. */
static const char *near_chart(const struct data *d, const char *v, size_t len)
{
	struct nearest n = nearest_start(v, len, 1);
	for (size_t i = 0; i < d->ncharts; i++)
		nearest_offer(&n, d->charts[i].version);
	return n.best;
}

static void spec_chart_version(struct ctx *ctx, struct env *e)
{
	const struct node *v = e->resolved ? e->model->hub.chart_version.n : NULL;
	/* not a string, or empty: the schema reports it (SPEC004, SPEC006 minLength) */
	if (!v || !e->model->hub.chart_version.s || v->len == 0)
		return;
	const struct data *d = data_get(ctx);
	if (!d)
		return;	/* SPEC012 says why */
	/* a range or wildcard is DRIFT002's finding (unpinned), not an unknown version */
	if (strpbrk(v->str, "*^~<>=| xX"))
		return;
	if (strlen(v->str) == v->len && data_chart(d, v->str))
		return;
	struct strbuf known = SB_IN(&ctx->perm);
	for (size_t i = 0; i < d->ncharts; i++)
		sb_printf(&known, "%s'%s'", i ? ", " : "", d->charts[i].version);
	struct diag *dg = diag_add(ctx, "SPEC006", e->name, v->loc,
				   "unknown daskhub chart version %s", node_display(&ctx->perm, v));
	const char *near = node_is_masked(v) ? NULL : near_chart(d, v->str, v->len);
	if (near)
		diag_help(ctx, dg, "did you mean '%s'? known versions: %s", near,
			  known.len ? known.buf : "none");
	else
		diag_help(ctx, dg, "known versions: %s; a new one goes into schemas/charts.json "
			  "with its subcharts", known.len ? known.buf : "none");
}

/* The Helm values list every image choice under every profile (z2jh's profile_options):
 * the product of the two lists is output, bounded here. */
#define PROFILE_CHOICES_MAX 100000

static void spec_output_size(struct ctx *ctx, struct env *e)
{
	if (e->abstract || !e->resolved)
		return;
	const struct m_hub *hub = &e->model->hub;
	/* counts are 0 unless both are lists */
	uint64_t n = (uint64_t)hub->profiles.count * hub->image_choices.count;
	if (n <= PROFILE_CHOICES_MAX)
		return;
	/* at the key, where a block list's node is its first item */
	const struct node *key = hub->image_choices.key;
	const struct node *at = key && key->loc.line ? key : hub->image_choices.n;
	struct diag *d = diag_add(ctx, "SPEC012", e->name,
				  env_value_loc(e, at, hub->image_choices.path),
				  "%u profiles with %u image choices each are too many for the Helm "
				  "values: every profile lists every choice (%llu, at most %d)",
				  hub->profiles.n->n, hub->image_choices.n->n,
				  (unsigned long long)n, PROFILE_CHOICES_MAX);
	diag_help(ctx, d, "offer fewer image choices, or fewer profiles");
}

static void spec_env(struct ctx *ctx, struct env *e)
{
	spec_name(ctx, e);
	spec_chart_version(ctx, e);
	spec_output_size(ctx, e);
}

/* ---- the SPEC rules (their explain texts: docs/rules/<ID>.txt) ------------------- */

static const struct rule spec_rules[] = {
	/* reported by load.c */
	{ .id = "SPEC001", .sev = SEV_ERROR,
	  .summary = "YAML syntax error (libyaml's problem and position)" },
	/* reported by load.c */
	{ .id = "SPEC002", .sev = SEV_ERROR,
	  .summary = "duplicate key in a mapping" },
	/* reported by resolve.c (schema errors) */
	{ .id = "SPEC003", .sev = SEV_ERROR,
	  .summary = "unknown key (suggest the nearest known key)" },
	/* reported by resolve.c (schema errors) and env.c */
	{ .id = "SPEC004", .sev = SEV_ERROR,
	  .summary = "wrong type (with \"quote it\" for numbers where strings are expected)" },
	/* reported by resolve.c (schema errors) and env.c */
	{ .id = "SPEC005", .sev = SEV_ERROR,
	  .summary = "required key missing" },
	/* reported by resolve.c (schema errors), spec_chart_version above and emit/make.c */
	{ .id = "SPEC006", .sev = SEV_ERROR,
	  .summary = "value not allowed (enum, pattern, range, format, unknown chart version)" },
	{ .id = "SPEC007", .sev = SEV_ERROR,
	  .summary = "name differs from the directory name" },
	/* reported by resolve.c (the extends chain) */
	{ .id = "SPEC008", .sev = SEV_ERROR,
	  .summary = "extends: missing parent, cycle, a path, or a chain deeper than 8" },
	/* reported by load.c */
	{ .id = "SPEC009", .sev = SEV_ERROR,
	  .summary = "unsupported YAML: alias expansion over budget, merge keys <<, tags other "
		     "than the core ones, non-scalar keys, several documents" },
	/* reported by env.c */
	{ .id = "SPEC010", .sev = SEV_ERROR,
	  .summary = "unsupported spec version" },
	/* reported by suppress.c */
	{ .id = "SPEC011", .sev = SEV_WARNING, .suppressible = true,
	  .summary = "suppression without a reason, past its until, or that matched nothing "
		     "(only reported when every environment and every rule ran)" },
	/* reported by whatever reads an input (srcfile.c, load.c, data.c, tmpl.c, repo.c, out_*.c,
	 * the back ends) and by spec_output_size above */
	{ .id = "SPEC012", .sev = SEV_ERROR,
	  .summary = "input cannot be used: unreadable, too large, nested too deep, not UTF-8, "
		     "NUL bytes, a path that leaves the repository" },
};

const struct check check_spec = {
	.name = "spec",
	.run_env = spec_env,
	.rules = spec_rules,
	.nrules = sizeof(spec_rules) / sizeof(spec_rules[0]),
};
