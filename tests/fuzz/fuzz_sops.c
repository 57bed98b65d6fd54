/*
 * fuzz_sops.c - libFuzzer harness: the SOPS-file reader (sops.c) on arbitrary YAML.
 *
 * Consumes a byte string as environments/demo/secrets.yaml, registered from memory
 * (srcfile_from_mem: the same UTF-8/NUL/size checks as a file read) and parsed with
 * yaml_load, then scanned by sops_scan exactly as sops_read does after reading the file.
 * Each leaf found is looked up again (sops_find, sops_is_branch, sops_is_enc on its
 * value). The snippet masker (yaml_mask_secrets, which snippets of the file rely on
 * where no tree exists) then reads the same bytes, and every value SOPS would encrypt
 * that the parser found on one line must be masked (no letter or digit of it shown). Produces nothing: a
 * crash, a sanitizer report, a leak, a leaf that sops_find cannot find or a value left
 * visible (abort) is the finding.
 */
#include "eragen.h"
#include "sops.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Is byte off of file masked? (masks sorted and merged by diag_snippets_prepare) */
static bool masked(const struct ctx *ctx, uint32_t file, size_t off)
{
	for (size_t i = 0; i < ctx->nmasks; i++)
		if (ctx->masks[i].file == file && off >= ctx->masks[i].start && off < ctx->masks[i].end)
			return true;
	return false;
}

/* Is n one of the keys of the tree (an anchored key may be aliased as a value)? */
static bool is_key(const struct node *tree, const struct node *n, int depth)
{
	if (!tree || depth > YAML_MAX_DEPTH || (tree->kind != NODE_MAP && tree->kind != NODE_SEQ))
		return false;
	for (size_t i = 0; i < tree->n; i++)
		if ((tree->kind == NODE_MAP && tree->keys[i] == n) || is_key(tree->items[i], n, depth + 1))
			return true;
	return false;
}

static bool inside(const struct node *outer, const struct loc *l)
{
	const struct loc *o = &outer->loc;
	bool after = l->line > o->line || (l->line == o->line && l->col >= o->col);
	bool before = l->line < o->end_line || (l->line == o->end_line && l->col <= o->end_col);
	return after && before;
}

/* A value the parser found on one line, SOPS would encrypt and a snippet would show:
 * every letter and digit of it is masked (its anchor and tag aside). */
static void check_masked(const struct ctx *ctx, const struct srcfile *f,
			 const struct sops_file *s, const struct sops_leaf *l)
{
	const struct loc *v = &l->value->loc;
	if (l->empty || l->encrypted || v->line == 0 || v->end_line != v->line ||
	    (s->meta && inside(s->meta, v)) || is_key(s->root, l->value, 0))
		return;
	size_t p = srcfile_offset(f, v->line, v->col), e = srcfile_offset(f, v->line, v->end_col + 1);
	while (p < e && (f->data[p] == '&' || f->data[p] == '!')) {	/* as libyaml reads them */
		bool anchor = f->data[p++] == '&';
		while (p < e && (anchor ? isalnum((unsigned char)f->data[p]) || f->data[p] == '-' ||
						  f->data[p] == '_'
					: f->data[p] != ' ' && f->data[p] != '\t'))
			p++;
		while (p < e && (f->data[p] == ' ' || f->data[p] == '\t'))
			p++;
	}
	for (; p < e; p++) {
		unsigned char c = (unsigned char)f->data[p];
		bool alnum = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
		if (alnum && !masked(ctx, f->id, p)) {
			fprintf(stderr, "fuzz_sops: byte %zu ('%c') of the value at %u:%u-%u:%u "
					"is not masked\n", p, c, v->line, v->col, v->end_line, v->end_col);
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx ctx;
	ctx_init(&ctx);
	ctx.root = "/nonexistent";
	struct arena a;
	arena_init(&a);
	struct loc at = { 0 };
	struct srcfile *f = srcfile_from_mem(&ctx, "environments/demo/secrets.yaml",
					     (const char *)data, size, at);
	struct node *root = f ? yaml_load(&ctx, &a, f) : NULL;
	struct sops_file s;
	sops_scan(&a, root, &s);
	for (size_t i = 0; i < s.nleaves; i++) {
		const struct sops_leaf *l = &s.leaves[i];
		if (!sops_find(&s, l->path, strlen(l->path)))
			abort();
		sops_is_branch(&s, l->path, strlen(l->path));
		if (l->value && l->value->str)
			sops_is_enc(l->value->str, l->value->len);
	}
	sops_is_enc((const char *)data, size);
	if (f && root) {
		f->secrets = SRC_SOPS;
		yaml_mask_secrets(&ctx, f);
		diag_snippets_prepare(&ctx);
		for (size_t i = 0; i < s.nleaves; i++)
			check_masked(&ctx, f, &s, &s.leaves[i]);
	}
	arena_release(&a);
	ctx_release(&ctx);
	return 0;
}
