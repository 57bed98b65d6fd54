/*
 * cmd_schema.c - `eragen schema [--layer]`: the environment schema eragen judges the
 * specs with (the repository's own schemas/environment.schema.json, else the installed
 * one), for editors (DESIGN 8.3).
 *
 * Consumes that file. Produces, on stdout, its bytes as they are; with --layer, the
 * schema of a layer (environments/_defaults.yaml, an extends child): the same with
 * every "required" removed, since a layer sets only part of a spec and maps merge key by
 * key, every property also allowed to be null (an explicit null removes an inherited
 * key: {"description", "anyOf": [{"type": "null"}, the property's schema]}), and a "$id"
 * and title of its own. Inside "if" and "not" nothing is changed (there "required" is a
 * condition, not a demand); what stands under enum, const, default and examples is data,
 * never looked into; a property named "required" stays.
 * The same bytes for the same schema: schemas/environment.layer.schema.json is this
 * output for the shipped schema (the Makefile rewrites it; the suite compares).
 */
#include "cmd.h"
#include "show.h"

#include <string.h>

#define SCHEMA_PATH "schemas/environment.schema.json"
#define LAYER_ID "https://eragen.dev/schemas/environment.layer.schema.json"

static bool key_is(const struct node *k, const char *s)
{
	return k->len == strlen(s) && memcmp(k->str, s, k->len) == 0;
}

/* Keywords whose value is a map of names to schemas. */
static bool names_schemas(const struct node *k)
{
	return key_is(k, "properties") || key_is(k, "patternProperties") ||
	       key_is(k, "definitions") || key_is(k, "$defs") || key_is(k, "dependencies");
}

/* Keywords whose value is data, not a schema. */
static bool holds_data(const struct node *k)
{
	return key_is(k, "enum") || key_is(k, "const") || key_is(k, "default") ||
	       key_is(k, "examples");
}

static const struct node *layer(struct arena *a, const struct node *n, int depth);

static struct node *key_node(struct arena *a, const char *s)
{
	struct loc at = { 0, 0, 0, 0, 0 };
	return node_str(a, s, strlen(s), at);
}

/* A property's schema s (a map) that also takes null, its description kept in view. */
static const struct node *nullable(struct arena *a, const struct node *s)
{
	if (s->kind != NODE_MAP)
		return s;	/* true or false: null is as welcome as anything */
	struct node *null = node_map(a, s->loc, 1), *any = node_new(a, NODE_SEQ, s->loc);
	null->keys[0] = key_node(a, "type");
	null->items[null->n++] = key_node(a, "null");
	any->items = arena_alloc(a, 2 * sizeof(*any->items));
	any->items[any->n++] = null;
	any->items[any->n++] = (struct node *)s;
	struct node *m = node_map(a, s->loc, 2);
	const struct node *d = node_get(s, "description");
	if (d) {
		m->keys[m->n] = key_node(a, "description");
		m->items[m->n++] = (struct node *)d;
	}
	m->keys[m->n] = key_node(a, "anyOf");
	m->items[m->n++] = any;
	return m;
}

/* A map of names to schemas: each schema made a layer's; with props, one that takes
 * null too (a property of the spec). */
static const struct node *layer_names(struct arena *a, const struct node *n, bool props,
				      int depth)
{
	if (n->kind != NODE_MAP)
		return n;
	struct node *m = node_map(a, n->loc, n->n);
	for (size_t i = 0; i < n->n; i++) {
		const struct node *s = layer(a, n->items[i], depth + 1);
		m->keys[m->n] = n->keys[i];
		m->items[m->n++] = (struct node *)(props ? nullable(a, s) : s);
	}
	return m;
}

/* A schema (map), or a list of them, made a layer's. */
static const struct node *layer(struct arena *a, const struct node *n, int depth)
{
	if (depth > YAML_MAX_DEPTH)
		return n;
	if (n->kind == NODE_SEQ) {
		struct node *s = node_new(a, NODE_SEQ, n->loc);
		s->items = arena_alloc(a, (n->n ? n->n : 1) * sizeof(*s->items));
		for (size_t i = 0; i < n->n; i++)
			s->items[s->n++] = (struct node *)layer(a, n->items[i], depth + 1);
		return s;
	}
	if (n->kind != NODE_MAP)
		return n;
	struct node *m = node_map(a, n->loc, n->n);
	for (size_t i = 0; i < n->n; i++) {
		const struct node *k = n->keys[i], *v = n->items[i];
		bool props = key_is(k, "properties") || key_is(k, "patternProperties");
		if (key_is(k, "required") && v->kind == NODE_SEQ)
			continue;
		if (holds_data(k) || key_is(k, "if") || key_is(k, "not")) {
			/* data, or a condition: as it is */
		} else if (names_schemas(k)) {
			v = layer_names(a, v, props, depth);
		} else if (key_is(k, "additionalProperties")) {
			v = nullable(a, layer(a, v, depth + 1));
		} else {
			v = layer(a, v, depth + 1);
		}
		m->keys[m->n] = n->keys[i];
		m->items[m->n++] = (struct node *)v;
	}
	return m;
}

/* Set key (a top-level keyword) to the string s. */
static void set_str(struct arena *a, struct node *m, const char *key, const char *s)
{
	struct loc at = { 0, 0, 0, 0, 0 };
	node_map_set(a, m, node_str(a, key, strlen(key), at), node_str(a, s, strlen(s), at));
}

static int print_layer(struct ctx *ctx, struct srcfile *f)
{
	const struct node *j = srcfile_json(ctx, f);
	if (!j || j->kind != NODE_MAP) {
		error("'%s' is not a JSON object ('eragen lint' says where it breaks)", f->path);
		return EXIT_FINDINGS;
	}
	struct node *m = (struct node *)layer(&ctx->perm, j, 0);	/* a fresh map */
	set_str(&ctx->perm, m, "$id", LAYER_ID);
	const struct node *t = node_get(j, "title");
	set_str(&ctx->perm, m, "title",
		arena_printf(&ctx->perm, "%s: a layer (environments/_defaults.yaml or an extends "
				 "child)", t && t->kind == NODE_STR ? t->str : "eragen environment spec"));
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &sb);
	show_json(ctx, &sb, m, false);
	fwrite(sb.buf ? sb.buf : "", 1, sb.len, stdout);
	oom_guard_pop(&guard);
	sb_release(&sb);
	return EXIT_OK;
}

static int schema_run(struct ctx *ctx, int argc, char **argv)
{
	bool layer_opt = false;
	const struct option opts[] = {
		OPT_BOOL("--layer", &layer_opt),
		OPT_END(),
	};
	int rc = cli_parse(ctx, &cmd_schema, opts, &argc, argv);
	if (rc != CLI_RUN)
		return rc;
	/* the repository decides which schema: its own, else the installed one */
	rc = pipeline_run(ctx, STAGE_RESOLVE, NULL, 0, NULL);
	if (rc != EXIT_OK)
		return rc;
	bool exists = false;
	struct srcfile *f = srcfile_read_data(ctx, SCHEMA_PATH, &exists);
	if (!f) {
		error("no %s in the repository or in '%s'", SCHEMA_PATH,
		      ctx->datadir ? ctx->datadir : "");
		return EXIT_FINDINGS;
	}
	if (layer_opt)
		return print_layer(ctx, f);
	fwrite(f->data, 1, f->len, stdout);
	return EXIT_OK;
}

const struct cmd cmd_schema = {
	.name = "schema",
	.run = schema_run,
	.usage = "schema [--layer]",
	.help =
	"Print the JSON Schema that environments/<env>/env.yaml is checked against: the\n"
	"repository's own schemas/environment.schema.json, else the installed one. Editors\n"
	"with the YAML language server complete and check a spec with it (README, \"Editor\").\n"
	"\n"
	"  --layer   the schema of a layer, environments/_defaults.yaml or an environment\n"
	"            that extends another: the same without \"required\", since a layer sets\n"
	"            only part of a spec (installed as environment.layer.schema.json)\n",
};
