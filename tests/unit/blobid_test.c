/*
 * blobid_test.c - the blob IDs eragen computes (repo.c, repo_hash.c) are git's: a whole
 * buffer (repo_blob_id) and a header followed by a body hashed through libgit2's object
 * stream without a copy (repo_blob_id2), against `git hash-object` of the same bytes,
 * with either piece empty. Prints "blobid_test: N passed, M failed"; exits 1 on any
 * failure.
 */
#include "alloc.h"
#include "eragen.h"
#include "repo.h"
#include "t.h"

#include <stdlib.h>
#include <string.h>

struct case2 {
	const char *a, *b;
	const char *id;	/* printf '%s%s' a b | git hash-object --stdin */
};

static const struct case2 cases[] = {
	{ "# head\n", "hello\n", "40a64e7fe11a206fe7a1d6ae8445cdf271c8fa4b" },
	{ "", "hello\n", "ce013625030ba8dba906f756967f9e9ca394464a" },
	{ "hello\n", "", "ce013625030ba8dba906f756967f9e9ca394464a" },
	{ "# head\n", "", "97be70c735ac4b2c56522688954e042bff9218d9" },
	{ "", "", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391" },
};

/* A body of 3 MB hashed as one buffer and as a header and the rest: the same ID. */
static void test_big(void)
{
	size_t n = 3u << 20;
	char *buf = malloc(n);
	if (!buf)
		return;
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)('a' + i % 26);
	char whole[41], split[41];
	CHECK(repo_blob_id(buf, n, whole) == 0, "big: whole");
	CHECK(repo_blob_id2(buf, 100, buf + 100, n - 100, split) == 0, "big: split");
	CHECK(strcmp(whole, split) == 0, "big: %s != %s", whole, split);
	free(buf);
}

int main(void)
{
	alloc_init();
	struct ctx c;
	ctx_init(&c);
	if (repo_git_init(&c) != 0)
		return 1;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct case2 *t = &cases[i];
		char one[41], two[41];
		size_t al = strlen(t->a), bl = strlen(t->b);
		char *cat = malloc(al + bl + 1);
		memcpy(cat, t->a, al);
		memcpy(cat + al, t->b, bl + 1);
		CHECK(repo_blob_id(cat, al + bl, one) == 0 && strcmp(one, t->id) == 0,
		      "case %zu: repo_blob_id %s, want %s", i, one, t->id);
		CHECK(repo_blob_id2(t->a, al, t->b, bl, two) == 0 && strcmp(two, t->id) == 0,
		      "case %zu: repo_blob_id2 %s, want %s", i, two, t->id);
		free(cat);
	}
	test_big();
	ctx_release(&c);
	alloc_release();
	return T_DONE("blobid_test");
}
