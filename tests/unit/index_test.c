/*
 * index_test.c - the git index reader (repo_index_file.c) against libgit2 1.5, entry by
 * entry and question by question: whenever the reader loads a file, libgit2 loads it too
 * and gives the same answers (every entry's path, mode, size, ID and flags; the entry of
 * each path at stage 0, conflicts, git_index_find_prefix of every directory and of
 * probes around each path); whenever libgit2 refuses a file, the reader declines it.
 *
 *   index_test                  synthetic indexes: versions 2, 3 and 4, byte-order edge
 *                               names, long paths, every extension libgit2 reads, each
 *                               malformation the reader must decline, every truncation
 *                               of a small index and thousands of random mutations (the
 *                               SHA-1 made right, so that libgit2 judges the structure)
 *   index_test [--expect file|libgit2] FILE...   the same comparison for index files
 *                               real git made (tests/cli/staged-index.sh), and which
 *                               reader each must be read by
 *
 * Prints "index_test: N passed, M failed"; exits 1 on any failure.
 */
#include "alloc.h"
#include "eragen.h"
#include "repo_index_file.h"
#include "t.h"

#include <git2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- SHA-1 (FIPS 180-1), for the checksum that ends a synthetic index ---- */

#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static void sha1_block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20)
			f = (b & c) | (~b & d), k = 0x5A827999;
		else if (i < 40)
			f = b ^ c ^ d, k = 0x6ED9EBA1;
		else if (i < 60)
			f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
		else
			f = b ^ c ^ d, k = 0xCA62C1D6;
		uint32_t t = ROL(a, 5) + f + e + k + w[i];
		e = d, d = c, c = ROL(b, 30), b = a, a = t;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

static void sha1(const unsigned char *p, size_t n, unsigned char out[20])
{
	uint32_t h[5] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0 };
	size_t i = 0;
	for (; i + 64 <= n; i += 64)
		sha1_block(h, p + i);
	unsigned char last[128] = { 0 };
	size_t rest = n - i, blocks = rest + 9 > 64 ? 2 : 1;
	memcpy(last, p + i, rest);
	last[rest] = 0x80;
	uint64_t bits = (uint64_t)n * 8;
	for (int k = 0; k < 8; k++)
		last[blocks * 64 - 1 - k] = (unsigned char)(bits >> (8 * k));
	for (size_t b = 0; b < blocks; b++)
		sha1_block(h, last + 64 * b);
	for (int k = 0; k < 20; k++)
		out[k] = (unsigned char)(h[k / 4] >> (24 - 8 * (k % 4)));
}

/* ---- building an index ---- */

struct ent {
	const char *path;
	uint32_t mode;
	int stage;
	bool ext;	/* extended flags (0x4000) */
};

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void put(struct buf *b, const void *s, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void put32(struct buf *b, uint32_t v)
{
	unsigned char c[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };
	put(b, c, 4);
}

static void put16(struct buf *b, unsigned v)
{
	unsigned char c[2] = { (unsigned char)(v >> 8), (unsigned char)v };
	put(b, c, 2);
}

/* git's offset varint (varint.c, encode_varint) */
static void put_varint(struct buf *b, uintmax_t v)
{
	unsigned char tmp[16];
	unsigned pos = sizeof(tmp) - 1;
	tmp[pos] = v & 127;
	while (v >>= 7)
		tmp[--pos] = (unsigned char)(128 | (--v & 127));
	put(b, tmp + pos, sizeof(tmp) - pos);
}

static void put_entry(struct buf *b, unsigned version, const struct ent *e, size_t i,
		      const char *prev)
{
	size_t start = b->len, len = strlen(e->path);
	unsigned char zero[24] = { 0 }, id[20];
	put(b, zero, 16);			/* ctime, mtime */
	put(b, zero, 8);			/* dev, ino */
	put32(b, e->mode);
	put(b, zero, 8);			/* uid, gid */
	put32(b, (uint32_t)(i * 37 + 5));	/* size */
	for (int k = 0; k < 20; k++)
		id[k] = (unsigned char)(i * 13 + (size_t)k * 7 + 1);
	put(b, id, 20);
	put16(b, (e->ext ? 0x4000u : 0) | (unsigned)e->stage << 12 | (len < 0xFFF ? len : 0xFFF));
	if (e->ext)
		put16(b, 0x2000);	/* skip-worktree */
	if (version == 4) {
		size_t pl = strlen(prev), common = 0;
		while (common < pl && common < len && prev[common] == e->path[common])
			common++;
		put_varint(b, pl - common);
		put(b, e->path + common, len - common + 1);
		return;
	}
	put(b, e->path, len);
	size_t size = (b->len - start + 8) & ~(size_t)7;
	while (b->len - start < size)
		put(b, zero, 1);
}

/* An index of version, the entries, then the extensions' bytes (ext, n): no checksum. */
static struct buf body(unsigned version, const struct ent *v, size_t n, const void *ext,
		       size_t extlen)
{
	struct buf b = { 0 };
	put(&b, "DIRC", 4);
	put32(&b, version);
	put32(&b, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		put_entry(&b, version, &v[i], i, i ? v[i - 1].path : "");
	if (extlen)
		put(&b, ext, extlen);
	return b;
}

static void seal(struct buf *b)
{
	unsigned char sum[20];
	sha1(b->p, b->len, sum);
	put(b, sum, 20);
}

static char dir[] = "/tmp/index_test.XXXXXX";

static const char *write_file(const struct buf *b)
{
	static char path[64];
	snprintf(path, sizeof(path), "%s/index", dir);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(b->p, 1, b->len, f) != b->len || fclose(f) != 0)
		abort();
	return path;
}

/* ---- the comparison ---- */

static bool same_entry(const git_index_entry *g, const struct rif_entry *r)
{
	return strcmp(g->path, r->path) == 0 && strlen(g->path) == r->len &&
	       g->mode == r->mode && g->file_size == r->size && g->flags == r->flags &&
	       memcmp(g->id.id, r->id, 20) == 0;
}

/* One question of path to both: the stage-0 entry, conflicts, the prefix search. */
static void ask(const char *what, git_index *ix, const struct rif *f, const char *q)
{
	const git_index_entry *g = git_index_get_bypath(ix, q, 0);
	long r = rif_find(f, q, 0);
	CHECK((g == NULL) == (r < 0) && (!g || same_entry(g, &f->v[r])),
	      "%s: the entry of '%.60s' differs", what, q);
	const git_index_entry *a, *o, *t;
	bool gc = git_index_conflict_get(&a, &o, &t, ix, q) == 0;
	CHECK(gc == rif_conflict(f, q), "%s: conflict of '%.60s' differs", what, q);
	size_t gp = 0, rp = 0;
	bool gf = git_index_find_prefix(&gp, ix, q) == 0, rf = rif_find_prefix(f, q, &rp);
	CHECK(gf == rf && (!gf || gp == rp), "%s: prefix '%.60s' differs (%d %zu, %d %zu)",
	      what, q, gf, gp, rf, rp);
}

static void ask_around(const char *what, git_index *ix, const struct rif *f, const char *p)
{
	size_t len = strlen(p);
	char *q = malloc(len + 3);
	if (!q)
		abort();
	ask(what, ix, f, p);
	for (size_t i = 0; i < len; i++)	/* each directory, with and without its '/' */
		if (p[i] == '/') {
			memcpy(q, p, i + 1);
			q[i + 1] = '\0';
			ask(what, ix, f, q);
			q[i] = '\0';
			ask(what, ix, f, q);
		}
	memcpy(q, p, len);
	memcpy(q + len, "/", 2);
	ask(what, ix, f, q);
	if (len) {
		q[len] = '\0';
		q[len - 1]++;
		ask(what, ix, f, q);
		q[len - 1] = '\0';
		ask(what, ix, f, q);
	}
	free(q);
}

/*
 * The reader against libgit2 for the index file path: "file" when the reader loaded it
 * (then libgit2 must, with the same answers), "libgit2" when it declined (libgit2 is not
 * asked then: a hostile header can make it allocate for what it claims).
 */
static const char *compare(const char *what, const char *path)
{
	struct rif f = { 0 };
	git_index *ix = NULL;
	if (rif_load(&f, path) != 0) {
		CHECK(!f.v && !f.buf && !f.paths && f.n == 0, "%s: a decline keeps nothing", what);
		if (getenv("INDEX_TEST_WHY"))
			printf("%s: declined: %s\n", what, f.why);
		return "libgit2";
	}
	if (git_index_open(&ix, path) != 0) {
		const git_error *e = git_error_last();
		CHECK(0, "%s: the reader loaded what libgit2 refuses: %s", what,
		      e ? e->message : "?");
		rif_free(&f);
		return "file";
	}
	size_t n = git_index_entrycount(ix);
	CHECK(n == f.n, "%s: %zu entries, libgit2 has %zu", what, f.n, n);
	for (size_t i = 0; i < n && i < f.n; i++) {
		const git_index_entry *g = git_index_get_byindex(ix, i);
		CHECK(g && same_entry(g, &f.v[i]), "%s: entry %zu differs ('%.60s')", what, i,
		      f.v[i].path);
		ask_around(what, ix, &f, f.v[i].path);
	}
	static const char *const probes[] = { "", "/", "a", "zzz", "\xff", ".git", "-" };
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		ask(what, ix, &f, probes[i]);
	git_index_free(ix);
	rif_free(&f);
	return "file";
}

static void expect(const char *what, const struct buf *b, const char *want)
{
	const char *got = compare(what, write_file(b));
	CHECK(strcmp(got, want) == 0, "%s: read by %s, want %s", what, got, want);
}

/* With libgit2's verdict too: when the reader declines, libgit2 refuses as well. */
static void expect_refused(const char *what, const struct buf *b)
{
	const char *path = write_file(b);
	git_index *ix = NULL;
	int rc = git_index_open(&ix, path);
	git_index_free(ix);
	CHECK(rc != 0, "%s: libgit2 loads it", what);
	expect(what, b, "libgit2");
}

/* ---- the cases ---- */

static const struct ent plain[] = {
	{ ".github/workflows/ci.yml", 0100644, 0, false },
	{ ".gitignore", 0100644, 0, false },
	{ "Makefile", 0100644, 0, false },
	{ "a", 0100644, 0, false },
	{ "a-b", 0100755, 0, false },
	{ "a.b", 0120000, 0, false },
	{ "a/b", 0100644, 0, false },
	{ "a/b/c", 0160000, 0, false },
	{ "a0", 0100644, 0, false },
	{ "c", 0100644, 1, false },
	{ "c", 0100644, 2, false },
	{ "c", 0100755, 3, false },
	{ "d", 0100644, 0, false },
	{ "d", 0100644, 2, false },
	{ "environments/demo/env.yaml", 0100644, 0, false },
	{ "environments/demo/extra/x.tf", 0100644, 0, false },
	{ "environments/prod/env.yaml", 0100644, 0, true },
	{ "gitx", 0100644, 0, false },
	{ "git~2", 0100644, 0, false },
	{ "\xc3\xa9t\xc3\xa9/caf\xc3\xa9", 0100644, 0, false },
	{ "\xff", 0100644, 0, false },
};
#define NPLAIN (sizeof(plain) / sizeof(plain[0]))

static void test_versions(void)
{
	for (unsigned v = 2; v <= 4; v++) {
		char what[32];
		snprintf(what, sizeof(what), "version %u", v);
		struct buf b = body(v, plain, NPLAIN, NULL, 0);
		seal(&b);
		expect(what, &b, "file");
		free(b.p);
	}
	struct buf b = body(2, plain, 0, NULL, 0);
	seal(&b);
	expect("empty", &b, "file");
	free(b.p);
	struct rif f = { 0 };
	char absent[64];
	snprintf(absent, sizeof(absent), "%s/absent", dir);
	CHECK(rif_load(&f, absent) == 0 && f.n == 0, "absent: an empty index");
}

static void test_long_paths(void)
{
	char *p = malloc(5001), *q = malloc(5001);
	if (!p || !q)
		abort();
	for (int i = 0; i < 5000; i++)
		p[i] = i % 10 == 9 ? '/' : (char)('a' + i % 7);
	p[4999] = 'z';
	p[5000] = '\0';
	memcpy(q, p, 5001);
	q[4094] = '\0';	/* 4,094 bytes: below 0xFFF */
	struct ent v[3] = { { q, 0100644, 0, false }, { p, 0100644, 0, false },
			    { "z", 0100644, 0, false } };
	if (strcmp(q, p) > 0) {
		struct ent t = v[0];
		v[0] = v[1], v[1] = t;
	}
	for (unsigned ver = 2; ver <= 4; ver++) {
		char what[32];
		snprintf(what, sizeof(what), "long paths, version %u", ver);
		struct buf b = body(ver, v, 3, NULL, 0);
		seal(&b);
		/* libgit2 refuses a version 4 path of 4,096 bytes or more */
		expect(what, &b, ver == 4 ? "libgit2" : "file");
		free(b.p);
	}
	p[4095] = '\0';	/* exactly 0xFFF bytes */
	struct buf b = body(3, v + 1, 2, NULL, 0);
	seal(&b);
	expect("a path of 4,095 bytes", &b, "file");
	free(b.p);
	free(p);
	free(q);
}

static void ext(struct buf *b, const char *sig, const void *data, size_t n)
{
	put(b, sig, 4);
	put32(b, (uint32_t)n);
	put(b, data, n);
}

static const char tree_ok[] = "\0" "21 2\n" "0123456789abcdefghij"
			      "a\0" "3 0\n" "0123456789abcdefghij"
			      "environments\0" "-1 0\n";
static const char reuc_ok[] = "c\0" "100644\0" "100644\0" "0\0" "0123456789abcdefghij"
			      "0123456789abcdefghij";

static void with_ext(const char *what, const char *sig, const void *data, size_t n,
		     const char *want)
{
	struct buf e = { 0 };
	ext(&e, "TREE", tree_ok, sizeof(tree_ok) - 1);
	ext(&e, sig, data, n);
	struct buf b = body(2, plain, NPLAIN, e.p, e.len);
	seal(&b);
	if (strcmp(want, "decline, unasked") == 0)
		expect(what, &b, "libgit2");
	else if (strcmp(want, "libgit2") == 0)
		expect_refused(what, &b);
	else
		expect(what, &b, want);
	free(b.p);
	free(e.p);
}

static void test_extensions(void)
{
	with_ext("TREE", "UNTR", "", 0, "file");
	with_ext("REUC", "REUC", reuc_ok, sizeof(reuc_ok) - 1, "file");
	with_ext("NAME", "NAME", "a\0b\0c\0\0x\0\0", 10, "file");
	with_ext("UNTR", "UNTR", "junk\0junk", 9, "file");
	with_ext("EOIE", "EOIE", "\0\0\0\0" "0123456789abcdefghij", 24, "file");
	with_ext("IEOT", "IEOT", "\0\0\0\1", 4, "file");
	with_ext("link (a split index)", "link", "0123456789abcdefghij", 20, "libgit2");
	with_ext("sdir (a sparse index)", "sdir", "", 0, "libgit2");
	with_ext("TREE: trailing data", "TREE", "\0" "1 0\n" "0123456789abcdefghijX", 26,
		 "libgit2");
	with_ext("TREE: a child missing", "TREE", "\0" "1 1\n" "0123456789abcdefghij", 25,
		 "libgit2");
	with_ext("TREE: no oid", "TREE", "\0" "1 0\n" "0123456789", 15, "libgit2");
	with_ext("TREE: more children than bytes", "TREE", "\0" "-1 1000\n", 9, "libgit2");
	/* (libgit2 is not asked of this one: it would allocate and clear 16 GB first) */
	with_ext("TREE: a huge child count", "TREE", "\0" "-1 2147483647\n", 15, "decline, unasked");
	with_ext("TREE: no name", "TREE", "abc", 3, "libgit2");
	with_ext("REUC: a mode that is no number", "REUC", "c\0" "10x644\0" "0\0" "0\0" "z", 15,
		 "libgit2");
	with_ext("REUC: an oid cut short", "REUC", "c\0" "100644\0" "0\0" "0\0" "0123", 18,
		 "libgit2");
	with_ext("NAME: no NUL", "NAME", "abc", 3, "libgit2");
	/* an extension whose size runs past the end */
	struct buf e = { 0 };
	ext(&e, "UNTR", "abcd", 4);
	e.p[7] = 200;
	struct buf b = body(2, plain, NPLAIN, e.p, e.len);
	seal(&b);
	expect_refused("an extension past the end", &b);
	free(b.p);
	free(e.p);
}

static void one(const char *what, unsigned version, const struct ent *v, size_t n,
		const char *want)
{
	struct buf b = body(version, v, n, NULL, 0);
	seal(&b);
	expect(what, &b, want);
	free(b.p);
}

static void test_paths(void)
{
	static const char *const refused[] = {
		".git", ".git/config", "a/.git/x", ".GIT", ".git ", ".git.", ".git\\x",
		".git:x", "git~1", "GIT~1/x", "git~1 .", "a/../b", "a/./b", "..", ".",
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct ent e = { refused[i], 0100644, 0, false };
		struct buf b = body(2, &e, 1, NULL, 0);
		seal(&b);
		expect_refused(refused[i], &b);
		free(b.p);
	}
	/* libgit2 loads these; git never writes them: left to libgit2 */
	static const char *const odd[] = { "", "a//b", "/a", "a/" };
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		struct ent e = { odd[i], 0100644, 0, false };
		one(odd[i], 2, &e, 1, "libgit2");
	}
	static const char *const fine[] = {
		".gitignore", ".github", ".gitx", "git~2", ".git-x", "a.git", "x/.gitmodules", "...",
	};
	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		struct ent e = { fine[i], 0100644, 0, false };
		one(fine[i], 2, &e, 1, "file");
	}
}

static void test_order(void)
{
	struct ent v[3] = { { "a", 0100644, 0, false }, { "b", 0100644, 0, false },
			    { "a/b", 0100644, 0, false } };
	one("unsorted", 2, v, 3, "libgit2");
	one("unsorted, version 4", 4, v, 3, "libgit2");
	struct ent d[2] = { { "a", 0100644, 0, false }, { "a", 0100755, 0, false } };
	one("duplicate", 2, d, 2, "libgit2");
	struct ent s[2] = { { "a", 0100644, 2, false }, { "a", 0100644, 1, false } };
	one("stages out of order", 2, s, 2, "libgit2");
}

/* A small index, its entries' header and name bytes edited, the SHA-1 made right. */
static struct buf small(unsigned version)
{
	struct buf e = { 0 };
	ext(&e, "TREE", tree_ok, sizeof(tree_ok) - 1);
	ext(&e, "REUC", reuc_ok, sizeof(reuc_ok) - 1);
	struct buf b = body(version, plain, NPLAIN, e.p, e.len);
	free(e.p);
	return b;
}

static void test_structure(void)
{
	struct buf b = small(2);
	size_t len = b.len;
	b.p[5] = 0, b.p[6] = 0, b.p[7] = 5;	/* version 5 */
	seal(&b);
	expect_refused("version 5", &b);
	b.len = len;
	b.p[7] = 1;
	seal(&b);
	expect_refused("version 1", &b);
	b.len = len;
	b.p[7] = 2;
	b.p[11]++;	/* one entry more than there are */
	seal(&b);
	expect_refused("a count too high", &b);
	b.len = len;
	b.p[11] -= 2;	/* one fewer: the last entry is read as an extension */
	seal(&b);
	expect_refused("a count too low", &b);
	b.len = len;
	b.p[8] = 0x7f;	/* 2 billion entries */
	seal(&b);
	expect("a huge count", &b, "libgit2");
	b.p[8] = 0;
	b.p[11]++;
	/* the first entry's name length one short of its NUL, then 0xFFF without a NUL */
	b.p[12 + 61]--;	/* (libgit2 takes the path up to its NUL, and loads it) */
	b.len = len;
	seal(&b);
	expect("a name length that is wrong", &b, "libgit2");
	b.p[12 + 61]++;
	free(b.p);
	struct ent e = { "abc", 0100644, 0, false };
	b = body(2, &e, 1, NULL, 0);
	b.p[12 + 60] |= 0x0F, b.p[12 + 61] = 0xFF;
	memset(b.p + 12 + 62, 'x', b.len - 12 - 62);	/* no NUL before the end */
	seal(&b);
	expect_refused("0xFFF without a NUL", &b);
	free(b.p);
	/* version 4: a strip longer than the previous path */
	struct ent v[2] = { { "ab", 0100644, 0, false }, { "abc", 0100644, 0, false } };
	b = body(4, v, 2, NULL, 0);
	size_t second = 12 + 62 + 1 + 3;
	CHECK(b.p[second + 62] == 0, "version 4: the second strip is 0");
	b.p[second + 62] = 3;
	seal(&b);
	expect_refused("version 4: strip past the previous path", &b);
	free(b.p);
	b.p = NULL, b.len = b.cap = 0;
	put(&b, "DIRC\0\0\0\2\0\0\0\0", 12);
	put(&b, "0123456789abcdefghi", 19);	/* one byte short of a checksum */
	expect("too short", &b, "libgit2");
	free(b.p);
}

/* Every truncation of a small index, sealed again: the reader declines each (it is not
 * an index any more, or libgit2 would load it too: compare says). */
static void test_truncations(void)
{
	for (unsigned v = 2; v <= 4; v++) {
		struct buf orig = small(v), b = { malloc(orig.len + 20), 0, orig.len + 20 };
		size_t len = orig.len;
		int declined = 0;
		if (!b.p)
			abort();
		for (size_t k = 0; k < len; k++) {
			memcpy(b.p, orig.p, len);
			b.len = k;
			seal(&b);
			char what[48];
			snprintf(what, sizeof(what), "version %u cut at %zu", v, k);
			declined += strcmp(compare(what, write_file(&b)), "libgit2") == 0;
		}
		CHECK(declined > 0 && (size_t)declined + 3 >= len,
		      "version %u: %d of %zu truncations declined", v, declined, len);
		memcpy(b.p, orig.p, len);
		b.len = len;
		seal(&b);
		CHECK(strcmp(compare("untruncated", write_file(&b)), "file") == 0,
		      "version %u: the whole index is read", v);
		/* unsealed too: the last 20 bytes are not a checksum of the rest */
		for (size_t k = 0; k < len; k += 7) {
			memcpy(b.p, orig.p, len);
			b.len = k;
			compare("unsealed", write_file(&b));
		}
		free(b.p);
		free(orig.p);
	}
}

/* Random bytes of a small index changed, sealed again: what the reader loads, libgit2
 * loads alike. */
static void test_mutations(void)
{
	uint32_t seed = 12345;
	int loaded = 0;
	for (unsigned v = 2; v <= 4; v++) {
		struct buf orig = small(v);
		for (int round = 0; round < 1500; round++) {
			struct buf b = { malloc(orig.len + 20), orig.len, orig.len + 20 };
			if (!b.p)
				abort();
			memcpy(b.p, orig.p, orig.len);
			int edits = 1 + round % 3;
			for (int k = 0; k < edits; k++) {
				seed = seed * 1103515245 + 12345;
				size_t at = 12 + (seed >> 8) % (orig.len - 12);
				seed = seed * 1103515245 + 12345;
				b.p[at] = (unsigned char)(round % 5 == 0 ? b.p[at] ^ 1 : seed >> 16);
			}
			seal(&b);
			loaded += strcmp(compare("mutation", write_file(&b)), "file") == 0;
			free(b.p);
		}
		free(orig.p);
	}
	CHECK(loaded > 100, "mutations: only %d of 4500 loaded", loaded);
}

static int run_files(int argc, char **argv)
{
	const char *want = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--expect") == 0 && i + 1 < argc) {
			want = argv[++i];
			continue;
		}
		const char *got = compare(argv[i], argv[i]);
		CHECK(!want || strcmp(got, want) == 0, "%s: read by %s, want %s", argv[i], got,
		      want);
	}
	return T_DONE("index_test");
}

int main(int argc, char **argv)
{
	git_libgit2_init();
	if (argc > 1) {
		int rc = run_files(argc, argv);
		git_libgit2_shutdown();
		return rc;
	}
	if (!mkdtemp(dir))
		return 1;
	test_versions();
	test_long_paths();
	test_extensions();
	test_paths();
	test_order();
	test_structure();
	test_truncations();
	test_mutations();
	char path[64];
	snprintf(path, sizeof(path), "%s/index", dir);
	unlink(path);
	rmdir(dir);
	git_libgit2_shutdown();
	return T_DONE("index_test");
}
