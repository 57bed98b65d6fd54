/*
 * manifest_test.c - table-driven tests of what out/.eragen-manifest may name
 * (out_manifest.c): the path checks (out_path_problem, with the offset of the problem),
 * the owned-path patterns (out_path_match) and the owned set the back ends declare
 * (ow_owned: their patterns, .gitattributes, never eragen's own files). Prints
 * "manifest_test: N passed, M failed"; exits 1 on any failure.
 */
#include "out_int.h"
#include "t.h"

#include <string.h>

struct path_case {
	const char *path;
	const char *why;	/* a substring of the reason; NULL: fine */
	size_t at;
};

static const struct path_case path_cases[] = {
	{ "out/cae/env.mk", NULL, 0 },
	{ ".gitattributes", NULL, 0 },
	{ "out/cae/infra/\xc3\xa9t\xc3\xa9.tf", NULL, 0 },	/* UTF-8 is fine */
	{ "", "empty", 0 },
	{ "/etc/passwd", "absolute", 0 },
	{ "out/../x", "'..'", 4 },
	{ "out/./x", "'.'", 4 },
	{ "..", "'..'", 0 },
	{ "out//x", "empty component", 4 },
	{ "out/x/", "empty component", 6 },
	{ "out/a\nb", "control", 5 },
	{ "out/a\rb", "control", 5 },
	{ "out/a\x1b[31m", "control", 5 },
	{ "out/a\x7f", "control", 5 },
	{ "out/a\xc2\x85", "control", 5 },	/* U+0085, a C1 control */
	{ "out/a\xff", "UTF-8", 5 },
	{ "out/a\xc3", "UTF-8", 5 },
};

static void test_paths(void)
{
	for (size_t i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]); i++) {
		const struct path_case *c = &path_cases[i];
		size_t at = 99;
		const char *why = out_path_problem(c->path, strlen(c->path), &at);
		if (!c->why) {
			CHECK(why == NULL, "'%s': %s", c->path, why);
			continue;
		}
		CHECK(why && strstr(why, c->why), "'%s': want '%s', got '%s'", c->path, c->why,
		      why ? why : "(none)");
		CHECK(at == c->at, "'%s': at %zu, want %zu", c->path, at, c->at);
	}
	/* lengths: a component of 255 bytes is fine, 256 is not; a path over 1024 is not */
	char buf[1100];
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "out/", 4);
	size_t at;
	CHECK(out_path_problem(buf, 4 + 255, &at) == NULL, "a 255-byte component");
	CHECK(out_path_problem(buf, 4 + 256, &at) != NULL, "a 256-byte component");
	for (size_t k = 4; k < sizeof(buf); k += 200)
		buf[k] = '/';
	buf[4] = 'a';
	CHECK(out_path_problem(buf, OUT_PATH_MAX, &at) == NULL, "a path of 1024 bytes");
	CHECK(out_path_problem(buf, OUT_PATH_MAX + 1, &at) != NULL, "a path of 1025 bytes");
}

struct match_case {
	const char *pattern, *path;
	bool want;
};

static const struct match_case match_cases[] = {
	{ "out/*/env.mk", "out/cae/env.mk", true },
	{ "out/*/env.mk", "out/cae/x/env.mk", false },
	{ "out/*/env.mk", "out/env.mk", false },
	{ "out/*/infra/*", "out/cae/infra/eks.tf", true },
	{ "out/*/infra/*", "out/cae/infra/sub/eks.tf", false },
	{ "out/*/infra/*", "out/cae/infra", false },
	{ ".github/workflows/eragen-*.yml", ".github/workflows/eragen-plan.yml", true },
	{ ".github/workflows/eragen-*.yml", ".github/workflows/eragen-.yml", true },
	{ ".github/workflows/eragen-*.yml", ".github/workflows/ci.yml", false },
	{ ".github/workflows/eragen-*.yml", ".github/workflows/eragen-x.yaml", false },
	{ ".github/workflows/eragen-*.yml", ".github/workflows/eragen-.yml/x", false },
	{ "out/", "out/anything/below", true },
	{ "out/", "out", false },
	{ "out/", "outside/x", false },
	{ ".gitattributes", ".gitattributes", true },
	{ ".gitattributes", ".gitattributesx", false },
	{ ".gitattributes", "x/.gitattributes", false },
};

static const struct owned_case {
	const char *path;
	bool want;
} owned_cases[] = {
	{ "out/cae/infra/eks.tf", true },
	{ "out/cae/platform/hub.tf", true },
	{ "out/cae/helm/values.yaml", true },
	{ "out/cae/env.mk", true },
	{ "out/eragen.mk", true },
	{ "out/github-environments.json", true },
	{ "out/_bootstrap/123456789012-us-west-2/main.tf", true },
	{ ".github/workflows/eragen-plan.yml", true },
	{ ".gitattributes", true },
	{ ".git/HEAD", false },
	{ ".git/config", false },
	{ "environments/cae/env.yaml", false },
	{ ".github/workflows/ci.yml", false },
	{ "README.md", false },
	{ "out/notes.txt", false },
	{ "out/cae/helm/other.yaml", false },
	{ "out/.eragen-manifest", false },
	{ "out/.eragen-journal", false },
	{ "out/.eragen-lock", false },
	{ "out/cae/infra/.eks.tf.eragen-tmp", false },
};

static void test_match(void)
{
	for (size_t i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		const struct match_case *c = &match_cases[i];
		CHECK(out_path_match(c->pattern, c->path) == c->want, "'%s' ~ '%s': want %d",
		      c->pattern, c->path, c->want);
	}
	for (size_t i = 0; i < sizeof(owned_cases) / sizeof(owned_cases[0]); i++)
		CHECK(ow_owned(owned_cases[i].path) == owned_cases[i].want, "owned '%s': want %d",
		      owned_cases[i].path, owned_cases[i].want);
}

int main(void)
{
	test_paths();
	test_match();
	return T_DONE("manifest_test");
}
