/*
 * show.c - render a node tree as YAML or JSON, for `eragen show`, with origins on demand.
 *
 * YAML output is block style; a string is written plain only when the YAML 1.2 core
 * schema would read it back as the same string, otherwise double-quoted (JSON escapes
 * are valid YAML double-quoted escapes). Secret values print as ***.
 */
#include "eragen.h"
#include "show.h"

#include <string.h>

const char *origin_text(const struct ctx *ctx, struct arena *a, const struct node *n)
{
	if (n->flags & NODE_DERIVED)
		return "derived";
	if ((n->flags & NODE_DEFAULT) || n->loc.line == 0)
		return "default";
	const struct srcfile *f = srcfile_get(ctx, n->loc.file);
	return arena_printf(a, "%s:%u:%u", f ? f->path : "?", n->loc.line, n->loc.col);
}

static bool word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* Would a plain scalar with this text read back as a non-string, or not parse? */
static bool needs_quotes(const char *s, size_t n)
{
	static const char *const special[] = { "~", "null", "Null", "NULL", "true", "True",
					       "TRUE", "false", "False", "FALSE", NULL };
	if (n == 0 || s[0] == ' ' || s[n - 1] == ' ')
		return true;
	if (strchr("-?:,[]{}#&*!|>'\"%@`", s[0]))
		return true;
	for (const char *const *w = special; *w; w++)
		if (word_is(s, n, *w))
			return true;
	bool numeric_start = (s[0] >= '0' && s[0] <= '9') || s[0] == '.' || s[0] == '+';
	if (numeric_start)
		return true;	/* numbers, .inf, .nan, and anything that looks close */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return true;
		if (c == ':' && (i + 1 == n || s[i + 1] == ' '))
			return true;
		if (c == '#' && i > 0 && s[i - 1] == ' ')
			return true;
		if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9))
			return true;	/* U+2028, U+2029 */
	}
	return false;
}

static void put_yaml_str(struct strbuf *sb, const char *s, size_t n)
{
	if (needs_quotes(s, n))
		sb_json_str(sb, s, n);
	else
		sb_add(sb, s, n);
}

static void put_scalar(struct strbuf *sb, const struct node *n, bool json)
{
	if (node_is_masked(n)) {
		sb_puts(sb, json ? "\"***\"" : "\"***\"");
		return;
	}
	switch (n->kind) {
	case NODE_NULL:
		sb_puts(sb, "null");
		break;
	case NODE_BOOL:
		sb_puts(sb, n->v.b ? "true" : "false");
		break;
	case NODE_INT:
		sb_printf(sb, "%lld", (long long)n->v.i);
		break;
	case NODE_FLOAT:
		if (n->str && !json)
			sb_add(sb, n->str, n->len);
		else
			sb_printf(sb, "%.17g", n->v.f);
		break;
	case NODE_STR:
		if (json)
			sb_json_str(sb, n->str, n->len);
		else
			put_yaml_str(sb, n->str, n->len);
		break;
	default:
		break;
	}
}

static bool is_scalar(const struct node *n)
{
	return n->kind != NODE_MAP && n->kind != NODE_SEQ;
}

static void indent(struct strbuf *sb, int depth)
{
	for (int i = 0; i < depth; i++)
		sb_puts(sb, "  ");
}

static void put_origin(const struct ctx *ctx, struct strbuf *sb, const struct node *n,
		       bool origins)
{
	if (!origins)
		return;
	struct arena a;
	arena_init(&a);
	sb_printf(sb, "  # %s", origin_text(ctx, &a, n));
	arena_release(&a);
}

static void yaml_value(const struct ctx *ctx, struct strbuf *sb, const struct node *n,
		       int depth, bool origins, bool inline_first);

/* After "key:" or "-": a scalar or empty collection on the same line, else a block. */
static void yaml_after_key(const struct ctx *ctx, struct strbuf *sb, const struct node *v,
			   int depth, bool origins)
{
	if (is_scalar(v) || v->n == 0) {
		sb_putc(sb, ' ');
		if (is_scalar(v))
			put_scalar(sb, v, false);
		else
			sb_puts(sb, v->kind == NODE_MAP ? "{}" : "[]");
		put_origin(ctx, sb, v, origins);
		sb_putc(sb, '\n');
		return;
	}
	sb_putc(sb, '\n');
	yaml_value(ctx, sb, v, depth + 1, origins, false);
}

/* inline_first: the first line continues a "- " already written (lists of mappings). */
static void yaml_value(const struct ctx *ctx, struct strbuf *sb, const struct node *n,
		       int depth, bool origins, bool inline_first)
{
	if (n->kind == NODE_MAP) {
		for (size_t i = 0; i < n->n; i++) {
			if (i > 0 || !inline_first)
				indent(sb, depth);
			put_yaml_str(sb, n->keys[i]->str, n->keys[i]->len);
			sb_putc(sb, ':');
			yaml_after_key(ctx, sb, n->items[i], depth, origins);
		}
	} else if (n->kind == NODE_SEQ) {
		for (size_t i = 0; i < n->n; i++) {
			const struct node *item = n->items[i];
			if (i > 0 || !inline_first)
				indent(sb, depth);
			sb_putc(sb, '-');
			if (item->kind == NODE_MAP && item->n > 0) {
				sb_putc(sb, ' ');
				yaml_value(ctx, sb, item, depth + 1, origins, true);
			} else {
				yaml_after_key(ctx, sb, item, depth, origins);
			}
		}
	} else {
		indent(sb, depth);
		put_scalar(sb, n, false);
		put_origin(ctx, sb, n, origins);
		sb_putc(sb, '\n');
	}
}

void show_yaml(const struct ctx *ctx, struct strbuf *sb, const struct node *n, bool origins)
{
	if ((n->kind == NODE_MAP || n->kind == NODE_SEQ) && n->n == 0) {
		sb_puts(sb, n->kind == NODE_MAP ? "{}\n" : "[]\n");
		return;
	}
	yaml_value(ctx, sb, n, 0, origins, false);
}

static void json_value(struct strbuf *sb, const struct node *n, int depth)
{
	if (is_scalar(n)) {
		put_scalar(sb, n, true);
		return;
	}
	if (n->n == 0) {
		sb_puts(sb, n->kind == NODE_MAP ? "{}" : "[]");
		return;
	}
	sb_putc(sb, n->kind == NODE_MAP ? '{' : '[');
	for (size_t i = 0; i < n->n; i++) {
		sb_puts(sb, i ? ",\n" : "\n");
		indent(sb, depth + 1);
		if (n->kind == NODE_MAP) {
			sb_json_str(sb, n->keys[i]->str, n->keys[i]->len);
			sb_puts(sb, ": ");
		}
		json_value(sb, n->items[i], depth + 1);
	}
	sb_putc(sb, '\n');
	indent(sb, depth);
	sb_putc(sb, n->kind == NODE_MAP ? '}' : ']');
}

/* Dotted path of each scalar (and empty collection) -> origin, in document order. */
static void json_origins(const struct ctx *ctx, struct strbuf *sb, struct strbuf *path,
			 const struct node *n, bool *first)
{
	if (is_scalar(n) || n->n == 0) {
		struct arena a;
		arena_init(&a);
		sb_puts(sb, *first ? "\n    " : ",\n    ");
		*first = false;
		sb_json_str(sb, path->buf ? path->buf : "", path->len);
		sb_puts(sb, ": ");
		const char *o = origin_text(ctx, &a, n);
		sb_json_str(sb, o, strlen(o));
		arena_release(&a);
		return;
	}
	for (size_t i = 0; i < n->n; i++) {
		size_t mark = path->len;
		if (n->kind == NODE_MAP) {
			const struct node *k = n->keys[i];
			bool plain = !memchr(k->str, '.', k->len) && !memchr(k->str, '"', k->len) &&
				     !memchr(k->str, '[', k->len);
			if (path->len)
				sb_putc(path, '.');
			if (plain) {
				sb_add(path, k->str, k->len);
			} else {
				sb_putc(path, '"');
				sb_add(path, k->str, k->len);
				sb_putc(path, '"');
			}
		} else {
			sb_printf(path, "[%zu]", i);
		}
		json_origins(ctx, sb, path, n->items[i], first);
		path->len = mark;
		path->buf[mark] = '\0';
	}
}

void show_json(const struct ctx *ctx, struct strbuf *sb, const struct node *n, bool origins)
{
	if (!origins) {
		json_value(sb, n, 0);
		sb_putc(sb, '\n');
		return;
	}
	sb_puts(sb, "{\n  \"spec\": ");
	json_value(sb, n, 1);
	sb_puts(sb, ",\n  \"origins\": {");
	struct strbuf path = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &path);
	bool first = true;
	json_origins(ctx, sb, &path, n, &first);
	oom_guard_pop(&guard);
	sb_release(&path);
	sb_puts(sb, first ? "}\n}\n" : "\n  }\n}\n");
}
