/*
 * pin_test.c - table-driven tests of version.c and check/pin.c: exact versions, the order
 * of version texts, image references and ephemeral AWS IDs. Prints "pin_test: N passed, M failed"; exits 1 on any failure.
 */
#include "check/pin.h"
#include "t.h"

#include <string.h>

static const struct {
	const char *s;
	int nparts;		/* 0: not an exact version */
	unsigned major, minor, patch;
	bool pre;
} version_cases[] = {
	{ "1.34", 2, 1, 34, 0, false },
	{ "1.8.5", 3, 1, 8, 5, false },
	{ "2024.1.1", 3, 2024, 1, 1, false },
	{ "1.10.0-rc1", 3, 1, 10, 0, true },
	{ "1.10.0-alpha.2", 3, 1, 10, 0, true },
	{ "0.0.0", 3, 0, 0, 0, false },
	{ "7", 1, 7, 0, 0, false },
	{ "", 0, 0, 0, 0, false },
	{ "v1.8.5", 0, 0, 0, 0, false },
	{ "~1.8", 0, 0, 0, 0, false },
	{ ">=1.8.0", 0, 0, 0, 0, false },
	{ "1.8.x", 0, 0, 0, 0, false },
	{ "1.8.*", 0, 0, 0, 0, false },
	{ "1.x", 0, 0, 0, 0, false },
	{ "latest", 0, 0, 0, 0, false },
	{ "1.34.", 0, 0, 0, 0, false },
	{ ".34", 0, 0, 0, 0, false },
	{ "1..3", 0, 0, 0, 0, false },
	{ "1.2.3.4", 0, 0, 0, 0, false },
	{ "01.2.3", 0, 0, 0, 0, false },
	{ "1.02", 0, 0, 0, 0, false },
	{ "1.34-rc1", 0, 0, 0, 0, false },	/* a suffix only after three numbers */
	{ "1.2.3-", 0, 0, 0, 0, false },
	{ "1.2.3-rc 1", 0, 0, 0, 0, false },
	{ "1.2.3 ", 0, 0, 0, 0, false },
	{ "1234567.0", 0, 0, 0, 0, false },	/* at most 6 digits: no overflow */
	{ "999999.999999.999999", 3, 999999, 999999, 999999, false },
};

static void test_versions(void)
{
	for (size_t i = 0; i < sizeof(version_cases) / sizeof(version_cases[0]); i++) {
		struct version v;
		const char *s = version_cases[i].s;
		bool ok = version_parse(s, strlen(s), &v);
		CHECK(ok == (version_cases[i].nparts != 0), "version_parse('%s') = %d", s, ok);
		if (!ok || !version_cases[i].nparts)
			continue;
		CHECK(v.nparts == version_cases[i].nparts && v.part[0] == version_cases[i].major &&
			      v.part[1] == version_cases[i].minor &&
			      v.part[2] == version_cases[i].patch && v.prerelease == version_cases[i].pre,
		      "version_parse('%s') = %d parts %u.%u.%u pre %d", s, v.nparts, v.part[0],
		      v.part[1], v.part[2], v.prerelease);
	}
	/* the length bounds the parse: no NUL needed */
	struct version v;
	CHECK(version_parse("1.34XYZ", 4, &v) && v.nparts == 2, "version_parse(n) stops at n");
}

/* version_text_cmp: the order of tofu_version texts, whatever they hold */
static const struct {
	const char *a, *b;
	int cmp;
} text_cases[] = {
	{ "1.8.5", "1.8.5", 0 },
	{ "1.10.0", "1.8.5", 1 },	/* numbers, not bytes */
	{ "1.8", "1.8.0", -1 },
	{ "1.8.0", "1.8.0-rc1", -1 },
	{ "v1.8", "1.9", -1 },		/* no number reads as 0 */
	{ "~> 1.8", "1.8", -1 },
	{ "", "1", -1 },
};

static void test_version_text(void)
{
	for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
		int c = version_text_cmp(text_cases[i].a, text_cases[i].b);
		int r = version_text_cmp(text_cases[i].b, text_cases[i].a);
		CHECK((c > 0) - (c < 0) == text_cases[i].cmp && (r > 0) - (r < 0) == -text_cases[i].cmp,
		      "version_text_cmp('%s', '%s') = %d", text_cases[i].a, text_cases[i].b, c);
	}
}

static const struct {
	const char *a, *b;
	int cmp;
	long dist;		/* minor versions from a to b */
} cmp_cases[] = {
	{ "1.34", "1.34", 0, 0 },
	{ "1.33", "1.34", -1, 1 },
	{ "1.34", "1.32", 1, -2 },
	{ "1.9", "1.10", -1, 1 },	/* numeric, not lexical */
	{ "1.8.5", "1.10.0", -1, 2 },
	{ "1.10.0", "1.10.0-rc1", 0, 0 },
	{ "1.10", "1.10.0", 0, 0 },
	{ "1.26", "1.34", -1, 8 },
	{ "1.34", "2.0", -1, 1000000 },
	{ "2.0", "1.34", 1, -1000000 },
};

static void test_compare(void)
{
	for (size_t i = 0; i < sizeof(cmp_cases) / sizeof(cmp_cases[0]); i++) {
		struct version a, b;
		const char *sa = cmp_cases[i].a, *sb = cmp_cases[i].b;
		CHECK(version_parse(sa, strlen(sa), &a) && version_parse(sb, strlen(sb), &b),
		      "parse '%s' '%s'", sa, sb);
		int c = version_cmp(&a, &b);
		c = c < 0 ? -1 : c > 0;
		CHECK(c == cmp_cases[i].cmp, "version_cmp('%s', '%s') = %d", sa, sb, c);
		long d = version_minor_distance(&a, &b);
		CHECK(d == cmp_cases[i].dist, "version_minor_distance('%s', '%s') = %ld", sa, sb, d);
	}
}

#define SHA "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const struct {
	const char *ref;
	enum image_pin want;
} image_cases[] = {
	{ "ghcr.io/espg/cae-notebook:2025.01.10", IMAGE_PINNED },
	{ "pangeo/pangeo-notebook:2025.01.10", IMAGE_PINNED },
	{ "ubuntu:24.04", IMAGE_PINNED },
	{ "ghcr.io/espg/cae-notebook:latest", IMAGE_LATEST },
	{ "jupyter/scipy-notebook:latest", IMAGE_LATEST },
	{ "ghcr.io/espg/cae-notebook", IMAGE_NO_TAG },
	{ "ubuntu", IMAGE_NO_TAG },
	{ "ubuntu:", IMAGE_NO_TAG },
	{ "localhost:5000/notebook", IMAGE_NO_TAG },	/* the colon is the registry's port */
	{ "localhost:5000/notebook:1.2", IMAGE_PINNED },
	{ "localhost:5000/notebook:latest", IMAGE_LATEST },
	{ "ghcr.io/espg/cae-notebook@" SHA, IMAGE_PINNED },
	{ "ghcr.io/espg/cae-notebook:latest@" SHA, IMAGE_PINNED },	/* the digest wins */
	{ "ghcr.io/espg/cae-notebook@sha256:0123", IMAGE_NO_TAG },	/* not a digest */
	{ "ghcr.io/espg/cae-notebook:latest@sha256:XYZ", IMAGE_LATEST },
	{ "ghcr.io/espg/cae-notebook:Latest", IMAGE_PINNED },	/* tags are case-sensitive */
	{ "ghcr.io/espg/cae-notebook:latest2", IMAGE_PINNED },
	{ "", IMAGE_NO_TAG },
};

static void test_images(void)
{
	for (size_t i = 0; i < sizeof(image_cases) / sizeof(image_cases[0]); i++) {
		const char *r = image_cases[i].ref;
		enum image_pin got = image_pin(r, strlen(r));
		CHECK(got == image_cases[i].want, "image_pin('%s') = %d, want %d", r, got,
		      image_cases[i].want);
	}
}

static const struct {
	const char *s;
	const char *id;		/* the ID found, or NULL */
	const char *what;
} id_cases[] = {
	{ "i-0123456789abcdef0", "i-0123456789abcdef0", "EC2 instance" },
	{ "i-0123abcd", "i-0123abcd", "EC2 instance" },
	{ "vol-0abc1234def567890", "vol-0abc1234def567890", "EBS volume" },
	{ "eni-12345678", "eni-12345678", "network interface" },
	{ "sir-abcdef12", "sir-abcdef12", "spot instance request" },
	{ "snap-0123456789abcdef0", "snap-0123456789abcdef0", "EBS snapshot" },
	{ "backup of vol-0abc1234 daily", "vol-0abc1234", "EBS volume" },
	{ "node=i-0123456789abcdef0,zone=a", "i-0123456789abcdef0", "EC2 instance" },
	{ "my-i-0123abcd", "i-0123abcd", "EC2 instance" },
	{ "xi-0123abcd", NULL, NULL },		/* glued to a letter */
	{ "wiki-0123abcd", NULL, NULL },
	{ "i-0123abc", NULL, NULL },		/* 7 digits */
	{ "i-0123abcde", NULL, NULL },		/* 9 digits */
	{ "i-0123456789abcdef", NULL, NULL },	/* 16 digits */
	{ "i-0123456789abcdef01", NULL, NULL },	/* 18 digits */
	{ "i-0123abcdx", NULL, NULL },		/* glued to a letter after */
	{ "i-0123ABCD", NULL, NULL },		/* AWS IDs are lowercase */
	{ "i-love-dask", NULL, NULL },
	{ "snapshot-20250110", NULL, NULL },
	{ "ami-0123456789abcdef0", NULL, NULL },	/* AMIs are not short-lived */
	{ "sg-0123abcd", NULL, NULL },
	{ "", NULL, NULL },
};

static void test_ids(void)
{
	for (size_t i = 0; i < sizeof(id_cases) / sizeof(id_cases[0]); i++) {
		const char *s = id_cases[i].s;
		size_t start = 0, end = 0;
		const char *what = ephemeral_id_find(s, strlen(s), &start, &end);
		if (!id_cases[i].id) {
			CHECK(!what, "ephemeral_id_find('%s') found '%.*s'", s, (int)(end - start),
			      s + start);
			continue;
		}
		CHECK(what && strcmp(what, id_cases[i].what) == 0 &&
			      end - start == strlen(id_cases[i].id) &&
			      memcmp(s + start, id_cases[i].id, end - start) == 0,
		      "ephemeral_id_find('%s') = %s '%.*s'", s, what ? what : "NULL",
		      (int)(end - start), s + start);
	}
}

int main(void)
{
	test_versions();
	test_version_text();
	test_compare();
	test_images();
	test_ids();
	return T_DONE("pin_test");
}
