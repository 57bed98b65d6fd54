/*
 * fuzz_index.c - libFuzzer harness: eragen's reader of the git index file
 * (repo_index_file.c), which `lint --staged` and `check --staged` use.
 *
 * Consumes a byte string as an index file (written to a temporary file, which rif_load
 * reads as it reads .git/index). The reader either declines it (f.why says why) or
 * understands it; then every answer must agree with the entries it returned: entries
 * strictly sorted by (path as unsigned bytes, stage), each path NUL-terminated at its
 * length, not empty, and found again at its own position by rif_find; rif_conflict true
 * exactly for the paths held at a stage 1 to 3; rif_find_prefix of each path lands on an
 * entry that starts with it. Produces nothing: a crash, a sanitizer report, a leak or a
 * broken invariant (abort) is the finding. The answers' equality with libgit2's own is
 * tests/unit/index_test.c's (which fixes the checksum libgit2 insists on).
 */
#include "repo_index_file.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* (path, stage) order, as git writes the index, said otherwise than the reader says it:
 * paths hold no NUL, so strcmp's unsigned-byte order is git's memcmp, the shorter first */
static int entry_cmp(const struct rif_entry *a, const struct rif_entry *b)
{
	int c = strcmp(a->path, b->path);
	return c ? c : rif_stage(a) - rif_stage(b);
}

static void check_loaded(const struct rif *f)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct rif_entry *e = &f->v[i];
		check(e->len > 0 && strlen(e->path) == e->len);
		check(i == 0 || entry_cmp(&f->v[i - 1], e) < 0);
		check(rif_find(f, e->path, rif_stage(e)) == (long)i);
		bool conflict = false;
		for (size_t k = 0; k < f->n; k++)
			conflict |= f->v[k].len == e->len && memcmp(f->v[k].path, e->path, e->len) == 0 &&
				    rif_stage(&f->v[k]) > 0;
		check(rif_conflict(f, e->path) == conflict);
		size_t pos = 0;
		check(rif_find_prefix(f, e->path, &pos));
		check(pos < f->n && strncmp(f->v[pos].path, e->path, e->len) == 0);
	}
}

static char path[64];	/* the index file, one per process */

static void remove_file(void)
{
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/fuzz_index.%ld", (long)getpid());
		atexit(remove_file);
	}
	FILE *fp = fopen(path, "wb");
	if (!fp)
		abort();
	if (size && fwrite(data, 1, size, fp) != size)
		abort();
	fclose(fp);
	struct rif f = { 0 };
	if (rif_load(&f, path) == 0) {
		check(f.why == NULL);
		if (f.n < 2000)	/* the conflict check is quadratic in the harness only */
			check_loaded(&f);
	} else {
		check(f.why != NULL && f.why[0] != '\0' && f.v == NULL);
	}
	rif_free(&f);
	return 0;
}
