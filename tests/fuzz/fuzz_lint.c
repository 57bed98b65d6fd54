/*
 * fuzz_lint.c - libFuzzer harness: the whole lint of one spec.
 *
 * Consumes an arbitrary byte string: it becomes environments/demo/env.yaml of a temporary
 * repository made once per process (mkdtemp, with the golden tests' _defaults.yaml), whose
 * schemas/ come from the source tree (FUZZ_DATADIR, or ERAGEN_DATADIR when set). Then the
 * front of the pipeline runs in-process, as pipeline.c does: envs_load, envs_resolve,
 * envs_model, checks_run, suppress_apply, diag_finish, then renders the findings in every
 * format (snippets, masks, caps). Produces nothing: a crash, a sanitizer report or a leak
 * is the finding. The temporary repository is removed at exit.
 * The static state below is the harness's per-process fixture (libFuzzer has no other).
 */
#include "eragen.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef FUZZ_DATADIR
#error "build with -DFUZZ_DATADIR='\"/path/to/source\"' (make fuzz does)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_root[64];
static char fuzz_real[4096];	/* fuzz_root through realpath: ctx->root is canonical */
static char fuzz_spec[128];
static char fuzz_datadir[4096];

static void fuzz_cleanup(void)
{
	char p[256];
	unlink(fuzz_spec);
	snprintf(p, sizeof(p), "%s/environments/_defaults.yaml", fuzz_root);
	unlink(p);
	snprintf(p, sizeof(p), "%s/environments/demo", fuzz_root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/environments", fuzz_root);
	rmdir(p);
	rmdir(fuzz_root);
}

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

static void fuzz_setup(void)
{
	const char *dd = getenv("ERAGEN_DATADIR");
	if (!dd || !*dd)
		dd = FUZZ_DATADIR;
	char src[4096];
	snprintf(src, sizeof(src), "%s/tests/check/_base/environments/_defaults.yaml",
		 FUZZ_DATADIR);
	FILE *f = fopen(src, "rb");
	if (!f) {
		perror(src);
		abort();
	}
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);

	const char *tmp = getenv("TMPDIR");
	snprintf(fuzz_root, sizeof(fuzz_root), "%s/eragen-fuzz-XXXXXX",
		 tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (!mkdtemp(fuzz_root)) {
		perror("mkdtemp");
		abort();
	}
	atexit(fuzz_cleanup);
	char p[256];
	snprintf(p, sizeof(p), "%s/environments", fuzz_root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/environments/demo", fuzz_root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/environments/_defaults.yaml", fuzz_root);
	write_file(p, buf, n);
	snprintf(fuzz_spec, sizeof(fuzz_spec), "%s/environments/demo/env.yaml", fuzz_root);
	snprintf(fuzz_datadir, sizeof(fuzz_datadir), "%s", dd);
	if (!realpath(fuzz_root, fuzz_real)) {
		perror(fuzz_root);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fuzz_root[0])
		fuzz_setup();
	write_file(fuzz_spec, data, size);

	struct ctx ctx;
	ctx_init(&ctx);
	ctx.datadir = fuzz_datadir;
	ctx.root = fuzz_real;
	ctx.all_rules_ran = true;
	/* -1 is a system failure: the fixture is broken, not the input */
	if (envs_load(&ctx) != 0)
		abort();
	envs_resolve(&ctx);
	envs_model(&ctx);
	checks_run(&ctx);
	suppress_apply(&ctx);
	diag_finish(&ctx);
	struct strbuf out = STRBUF_INIT;
	diag_render_text(&ctx, &out);
	diag_render_json(&ctx, &out);
	diag_render_github(&ctx, &out);
	sb_release(&out);
	ctx_release(&ctx);
	return 0;
}
