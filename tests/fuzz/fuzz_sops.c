/*
 * fuzz_sops.c - libFuzzer harness: the SOPS-file reader (sops.c) on arbitrary YAML.
 *
 * Consumes a byte string as environments/demo/secrets.yaml, registered from memory
 * (srcfile_from_mem: the same UTF-8/NUL/size checks as a file read) and parsed with
 * yaml_load, then scanned by sops_scan exactly as sops_read does after reading the file.
 * Each leaf found is looked up again (sops_find, sops_is_branch, sops_is_enc on its
 * value). Produces nothing: a crash, a sanitizer report, a leak or a leaf that sops_find
 * cannot find (abort) is the finding.
 */
#include "eragen.h"
#include "sops.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	arena_release(&a);
	ctx_release(&ctx);
	return 0;
}
