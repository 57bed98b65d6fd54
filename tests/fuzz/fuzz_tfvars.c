/*
 * fuzz_tfvars.c - libFuzzer harness: the tfvars reader (tfvars.c) on arbitrary bytes.
 *
 * Consumes a byte string as environments/demo/terraform.tfvars, registered from memory
 * (srcfile_from_mem: the same UTF-8/NUL/size checks as a file read) and parsed with
 * tfvars_parse. Produces nothing: a crash, a sanitizer report, a leak or a broken
 * invariant (abort) is the finding. The invariants: a file refused has at least one
 * SPEC012 diagnostic and one read has none; every node read is located inside the file;
 * and a file read, printed back as tfvars (keys quoted, strings escaped, numbers as
 * written) and read again, gives an equal tree (node_equal).
 */
#include "eragen.h"
#include "tfvars.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void print_str(struct strbuf *sb, const char *s, size_t n)
{
	sb_putc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '"' || c == '\\')
			sb_putc(sb, '\\'), sb_putc(sb, c);
		else if (c == '\n')
			sb_puts(sb, "\\n");
		else if ((c == '$' || c == '%') && i + 1 < n && s[i + 1] == '{')
			sb_putc(sb, c), sb_putc(sb, c);
		else
			sb_putc(sb, c);
	}
	sb_putc(sb, '"');
}

static void print(struct strbuf *sb, const struct node *n)
{
	switch (n->kind) {
	case NODE_STR:
		print_str(sb, n->str, n->len);
		break;
	case NODE_SEQ:
		sb_puts(sb, "[\n");
		for (size_t i = 0; i < n->n; i++)
			print(sb, n->items[i]), sb_puts(sb, ",\n");
		sb_putc(sb, ']');
		break;
	case NODE_MAP:
		sb_puts(sb, "{\n");
		for (size_t i = 0; i < n->n; i++) {
			print_str(sb, n->keys[i]->str, n->keys[i]->len);
			sb_puts(sb, " = ");
			print(sb, n->items[i]);
			sb_putc(sb, '\n');
		}
		sb_putc(sb, '}');
		break;
	default:
		sb_add(sb, n->str, n->len);
	}
}

static void located(const struct srcfile *f, const struct node *n, int depth)
{
	check(depth <= TFVARS_MAX_DEPTH + 1);
	check(n->loc.file == f->id && n->loc.line >= 1 && n->loc.line <= f->nlines);
	if (n->kind == NODE_SEQ || n->kind == NODE_MAP)
		for (size_t i = 0; i < n->n; i++)
			located(f, n->items[i], depth + 1);
}

static size_t errors(const struct ctx *ctx)
{
	size_t k = 0;
	for (size_t i = 0; i < ctx->ndiags; i++)
		k += strcmp(ctx->diags[i]->rule->id, "SPEC012") == 0;
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx ctx;
	ctx_init(&ctx);
	ctx.root = "/nonexistent";
	struct arena a;
	arena_init(&a);
	struct loc at = { 0 };
	struct srcfile *f = srcfile_from_mem(&ctx, "environments/demo/terraform.tfvars",
					     (const char *)data, size, at);
	struct node *top = f ? tfvars_parse(&ctx, &a, f, "demo") : NULL;
	if (f)
		check((top == NULL) == (errors(&ctx) > 0));
	if (top) {
		struct strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < top->n; i++) {
			located(f, top->items[i], 1);
			sb_add(&sb, top->keys[i]->str, top->keys[i]->len);
			sb_puts(&sb, " = ");
			print(&sb, top->items[i]);
			sb_putc(&sb, '\n');
		}
		struct srcfile *g = srcfile_from_mem(&ctx, "environments/demo/again.tfvars",
						     sb.buf ? sb.buf : "", sb.len, at);
		struct node *back = g ? tfvars_parse(&ctx, &a, g, "demo") : NULL;
		check(back && node_equal(top, back));
		sb_release(&sb);
	}
	arena_release(&a);
	ctx_release(&ctx);
	return 0;
}
