/*
 * cmd_diff.c - `eragen diff ENV_A ENV_B`: the resolved settings that differ, key by key.
 * Consumes two resolved specs; prints one line per differing leaf (dotted path with
 * [i] indexes and "quoted" keys, as lint.ignore paths are written), both values as
 * compact JSON, secrets as ***. Lists of scalars compare as a whole; lists of mappings
 * item by item. Exit 0 when they are the same, 1 when they differ (as diff(1)).
 */
#include "cmd.h"

#include <string.h>

struct ddiff {
	struct strbuf path;	/* the current dotted path */
	struct strbuf text;	/* the output */
	size_t count;
	bool json;
};

/* Compact JSON of a value; secret values as *** (a JSON string in JSON output). */
static void value_json(struct strbuf *sb, const struct node *n, bool json)
{
	if (!n) {
		sb_puts(sb, json ? "null" : "(absent)");
		return;
	}
	if (node_is_masked(n)) {
		sb_puts(sb, json ? "\"***\"" : "***");
		return;
	}
	switch (n->kind) {
	case NODE_STR:
		sb_json_str(sb, n->str, n->len);
		break;
	case NODE_NULL:
		sb_puts(sb, "null");
		break;
	case NODE_INT:
	case NODE_FLOAT:
	case NODE_BOOL:
		sb_add(sb, n->str, n->len);
		break;
	case NODE_SEQ:
		sb_putc(sb, '[');
		for (size_t i = 0; i < n->n; i++) {
			if (i)
				sb_putc(sb, ',');
			value_json(sb, n->items[i], json);
		}
		sb_putc(sb, ']');
		break;
	case NODE_MAP:
		sb_putc(sb, '{');
		for (size_t i = 0; i < n->n; i++) {
			if (i)
				sb_putc(sb, ',');
			sb_json_str(sb, n->keys[i]->str, n->keys[i]->len);
			sb_putc(sb, ':');
			value_json(sb, n->items[i], json);
		}
		sb_putc(sb, '}');
		break;
	}
}

static bool plain_key(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

static void ddiff_release(void *arg)
{
	struct ddiff *d = arg;
	sb_release(&d->path);
	sb_release(&d->text);
}

static void emit_diff(struct ddiff *d, const struct node *a, const struct node *b)
{
	d->count++;
	if (d->json) {
		sb_puts(&d->text, d->count > 1 ? ",\n    {\"path\":" : "\n    {\"path\":");
		sb_json_str(&d->text, d->path.buf ? d->path.buf : "", d->path.len);
		sb_puts(&d->text, ",\"a\":");
		value_json(&d->text, a, true);
		sb_puts(&d->text, ",\"b\":");
		value_json(&d->text, b, true);
		sb_putc(&d->text, '}');
		return;
	}
	sb_add(&d->text, d->path.buf ? d->path.buf : "", d->path.len);
	sb_puts(&d->text, ": ");
	value_json(&d->text, a, false);
	sb_puts(&d->text, " -> ");
	value_json(&d->text, b, false);
	sb_putc(&d->text, '\n');
}

static bool all_scalars(const struct node *n)
{
	for (size_t i = 0; i < n->n; i++)
		if (n->items[i]->kind == NODE_SEQ || n->items[i]->kind == NODE_MAP)
			return false;
	return true;
}

static bool same_value(const struct node *a, const struct node *b)
{
	/* the masked value itself never decides what is printed, but two different
	 * secrets are still a difference */
	return node_equal(a, b);
}

static void walk(struct ddiff *d, const struct node *a, const struct node *b);

static void walk_key(struct ddiff *d, const char *key, size_t klen, const struct node *a,
		     const struct node *b)
{
	size_t mark = d->path.len;
	if (d->path.len)
		sb_putc(&d->path, '.');
	if (plain_key(key, klen))
		sb_add(&d->path, key, klen);
	else
		sb_json_str(&d->path, key, klen);
	walk(d, a, b);
	d->path.len = mark;
	if (d->path.buf)
		d->path.buf[mark] = '\0';
}

static void walk(struct ddiff *d, const struct node *a, const struct node *b)
{
	if (a && b && a->kind == NODE_MAP && b->kind == NODE_MAP) {
		for (size_t i = 0; i < a->n; i++)
			walk_key(d, a->keys[i]->str, a->keys[i]->len, a->items[i],
				 node_get(b, a->keys[i]->str));
		for (size_t i = 0; i < b->n; i++)
			if (node_index(a, b->keys[i]->str) < 0)
				walk_key(d, b->keys[i]->str, b->keys[i]->len, NULL, b->items[i]);
		return;
	}
	if (a && b && a->kind == NODE_SEQ && b->kind == NODE_SEQ && !(all_scalars(a) && all_scalars(b))) {
		size_t n = a->n > b->n ? a->n : b->n;
		for (size_t i = 0; i < n; i++) {
			size_t mark = d->path.len;
			sb_printf(&d->path, "[%zu]", i);
			walk(d, i < a->n ? a->items[i] : NULL, i < b->n ? b->items[i] : NULL);
			d->path.len = mark;
			d->path.buf[mark] = '\0';
		}
		return;
	}
	if (a && b && same_value(a, b))
		return;
	emit_diff(d, a, b);
}

static int diff_run(struct ctx *ctx, int argc, char **argv)
{
	bool json = false;
	const struct option opts[] = {
		OPT_BOOL("--json", &json),
		OPT_END(),
	};
	int rc = cli_parse(ctx, &cmd_diff, opts, &argc, argv);
	if (rc == CLI_RUN)
		rc = output_format(ctx, &cmd_diff, &json);
	if (rc != CLI_RUN)
		return rc;
	rc = pipeline_run(ctx, STAGE_CHECK, NULL, 2, argv);
	if (rc != EXIT_OK)
		return rc;
	struct env *a = ctx_env(ctx, argv[0]), *b = ctx_env(ctx, argv[1]);
	if (!a->resolved || !b->resolved) {
		pipeline_report(ctx);
		fprintf(stderr, "eragen: '%s' cannot be resolved: nothing to compare\n",
			!a->resolved ? a->name : b->name);
		return EXIT_FINDINGS;
	}
	struct ddiff d = { STRBUF_INIT, STRBUF_INIT, 0, json };
	struct oom_guard guard, oguard;
	oom_guard_push(&guard, ddiff_release, &d);
	walk(&d, a->resolved, b->resolved);
	struct strbuf out = STRBUF_INIT;
	oom_guard_strbuf(&oguard, &out);
	if (d.json) {
		sb_puts(&out, "{\"a\":");
		sb_json_str(&out, a->name, strlen(a->name));
		sb_puts(&out, ",\"b\":");
		sb_json_str(&out, b->name, strlen(b->name));
		sb_puts(&out, ",\"differences\":[");
		sb_add(&out, d.text.buf ? d.text.buf : "", d.text.len);
		sb_puts(&out, d.count ? "\n  ]}\n" : "]}\n");
	} else {
		sb_printf(&out, "--- %s\n+++ %s\n", a->name, b->name);
		sb_add(&out, d.text.buf ? d.text.buf : "", d.text.len);
	}
	fwrite(out.buf, 1, out.len, stdout);
	if (!ctx->opt.quiet && !d.json)
		fprintf(stderr, "eragen: %zu setting%s differ%s\n", d.count, d.count == 1 ? "" : "s",
			d.count == 1 ? "s" : "");
	oom_guard_pop(&oguard);
	sb_release(&out);
	oom_guard_pop(&guard);
	size_t count = d.count;
	ddiff_release(&d);
	return count ? EXIT_FINDINGS : EXIT_OK;	/* as diff(1): 1 when they differ */
}

const struct cmd cmd_diff = {
	.name = "diff",
	.run = diff_run,
	.usage = "diff ENV_A ENV_B [--format json|--json]",
	.args = { 2, 2, "diff needs exactly two environments" },
	.help =
	"Print the resolved settings (after layering, defaults and derivation) that differ\n"
	"between two environments, one line per key: the dotted path, then ENV_A's value\n"
	"and ENV_B's, as JSON; (absent) where one has no such key. Secret values print as\n"
	"***. --format json (or --json) prints\n"
	"  {\"a\",\"b\",\"differences\":[{\"path\",\"a\",\"b\"}]}.\n"
	"Exit 0 when they are the same, 1 when they differ (as diff(1)).\n",
};
