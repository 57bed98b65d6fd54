/*
 * config.c - .eragen.yaml (config.h): read, judged by schemas/config.schema.json and by
 * what the schema cannot say (rule IDs that exist, rules that may be turned off), and
 * applied: severity overrides for the report, base and format as defaults of the flags.
 */
#include "alloc.h"
#include "config.h"
#include "repo_index.h"
#include "schema.h"

#include <string.h>

/* The order of the words is that of CONFIG_SEV_* and enum severity. */
static const char *const sev_words[] = { "note", "warning", "error", "off", NULL };

static void on_error(void *ud, const struct schema_error *se)
{
	struct ctx *ctx = ud;
	struct diag *d;
	switch (se->kind) {
	case SCHEMA_UNKNOWN_KEY:
		d = diag_add(ctx, "SPEC003", NULL, se->at->loc, "%s", se->msg);
		if (se->suggest)
			diag_help(ctx, d, "did you mean '%s'?", se->suggest);
		break;
	case SCHEMA_TYPE:
		diag_add(ctx, "SPEC004", NULL, se->at->loc, "%s", se->msg);
		break;
	case SCHEMA_REQUIRED:
		diag_add(ctx, "SPEC005", NULL, (se->parent ? se->parent : se->at)->loc, "%s", se->msg);
		break;
	case SCHEMA_VALUE:
	case SCHEMA_UNDECIDED:
		d = diag_add(ctx, "SPEC006", NULL, se->at->loc, "%s", se->msg);
		if (se->suggest)
			diag_help(ctx, d, "did you mean '%s'?", se->suggest);
		break;
	}
}

/* The schema, compiled; NULL after SPEC012 when it cannot be used. */
static struct schema *config_schema(struct ctx *ctx, struct loc at)
{
	bool exists = false;
	struct srcfile *f = srcfile_read_data(ctx, CONFIG_SCHEMA, &exists);
	if (!f) {
		if (!exists)
			diag_add(ctx, "SPEC012", NULL, at, "'%s' cannot be checked: no %s in the "
				 "repository or in '%s'", CONFIG_PATH, CONFIG_SCHEMA,
				 ctx->datadir ? ctx->datadir : "");
		return NULL;
	}
	char err[512];
	unsigned long failed = alloc_failures();
	struct schema *s = schema_compile(f->data, f->len, NULL, NULL, NULL, err, sizeof(err));
	if (!s)
		oom_if_failed_since(failed);
	if (!s)
		diag_add(ctx, "SPEC012", NULL, (struct loc){ .file = f->id },
			 "the schema cannot be used: %s", err);
	return s;
}

static void release_schema(void *s)
{
	schema_free(s);
}

/* Is the document valid against the schema? Its errors reported. */
static bool config_valid(struct ctx *ctx, struct node *root, struct loc at)
{
	struct schema *s = config_schema(ctx, at);
	if (!s)
		return false;
	struct oom_guard guard;
	oom_guard_push(&guard, release_schema, s);
	size_t n = schema_validate(s, root, on_error, ctx);
	oom_guard_pop(&guard);
	schema_free(s);
	return n == 0;
}

/* rules: each key a rule that exists (and that may be off, when off). */
static void config_rules(struct ctx *ctx, struct config *c, const struct node *rules)
{
	for (size_t i = 0; rules && rules->kind == NODE_MAP && i < rules->n; i++) {
		const struct node *k = rules->keys[i], *v = rules->items[i];
		const struct rule *r = rule_find(k->str);
		if (!r) {
			struct diag *d = diag_add(ctx, "SPEC006", NULL, k->loc, "unknown rule '%s'",
						  k->str);
			const char *near = rule_nearest(k->str);
			diag_help(ctx, d, near ? "did you mean '%s'?" : "%s",
				  near ? near : "'eragen explain --list' lists the rules");
			continue;
		}
		int sev = -1;
		for (int w = 0; sev_words[w] && v->kind == NODE_STR; w++)
			if (strcmp(v->str, sev_words[w]) == 0)
				sev = w;
		if (sev < 0)
			continue;	/* the schema said why */
		if (sev == CONFIG_SEV_OFF && !r->suppressible) {
			struct diag *d = diag_add(ctx, "SPEC006", NULL, v->loc,
						  "%s cannot be turned off: an input it finds cannot "
						  "be used", r->id);
			diag_help(ctx, d, "fix what it finds; 'eragen explain %s' says how", r->id);
			continue;
		}
		c->sev[rule_index(r)] = (signed char)sev;
	}
}

/* base and format, where no flag gave them; a value that is not a string is ignored
 * (the schema reported it). */
static void config_defaults(struct ctx *ctx, struct config *c, const struct node *root)
{
	static const char *const formats[] = { "text", "json", "sarif", "github", NULL };
	const struct node *b = node_get(root, "base");
	if (b && b->kind == NODE_STR && b->len > 0 && strlen(b->str) == b->len) {
		c->base = b;
		if (!ctx->opt.base)
			ctx->opt.base = b->str;
	}
	const struct node *f = node_get(root, "format");
	for (int i = 0; f && f->kind == NODE_STR && formats[i]; i++)
		if (strcmp(f->str, formats[i]) == 0 && !ctx->opt.format_set)
			ctx->opt.format = (enum out_format)i;
}

void config_load(struct ctx *ctx)
{
	if (!ctx->root || !repo_input_exists(ctx, CONFIG_PATH))
		return;
	struct srcfile *f = srcfile_read(ctx, CONFIG_PATH, (struct loc){ 0 });
	if (!f)
		return;	/* SPEC012 said why */
	struct node *root = yaml_load(ctx, &ctx->perm, f);
	if (!root)
		return;
	struct loc at = { .file = f->id };
	if (root->kind == NODE_NULL)
		return;	/* an empty file: nothing configured */
	if (root->kind != NODE_MAP) {
		diag_add(ctx, "SPEC004", NULL, root->loc, "expected a mapping at the top of '%s', "
			 "found %s", CONFIG_PATH, node_kind_name(root->kind));
		return;
	}
	struct config *c = arena_alloc(&ctx->perm, sizeof(*c));
	size_t n = rule_count();
	c->sev = arena_alloc(&ctx->perm, n);
	memset(c->sev, CONFIG_SEV_NONE, n);
	/* what is valid applies even when something else is not */
	config_valid(ctx, root, at);
	config_rules(ctx, c, node_get(root, "rules"));
	config_defaults(ctx, c, root);
	ctx->config = c;
}

int config_severity(const struct ctx *ctx, const struct rule *r, enum severity sev)
{
	if (!ctx->config)
		return (int)sev;
	int s = ctx->config->sev[rule_index(r)];
	return s == CONFIG_SEV_NONE ? (int)sev : s;
}
