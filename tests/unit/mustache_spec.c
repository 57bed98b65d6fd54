/*
 * mustache_spec.c - runs the official Mustache specification (tests/mustache/, every .json file)
 * against the engine (tmpl.c), with the HTML escaper the specification assumes.
 *
 *   mustache_spec [-v] [SPEC_DIR]
 *
 * SPEC_DIR defaults to tests/mustache of the repository the program was built in
 * (found from /proc/self/exe: build/tests/unit/X or build/san/tests/unit/X; else the
 * current directory's tests/mustache). Each case's
 * data is read with json_to_node; floats render in their shortest form, as the spec
 * expects of JSON numbers; partials come from the case's "partials" object through the
 * load callback. Prints "mustache/<file>: P passed, F failed" per file, each failure,
 * and a summary; exits 1 when a case failed or none ran.
 */
#define _POSIX_C_SOURCE 200809L
#include "tmpl.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *file, *reason;
} skips[] = {
	{"~lambdas.json", "lambdas are code in the host language; eragen's views are data"},
};

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	*len = sb.len;
	return sb.buf ? sb.buf : xstrdup("");
}

/* The repository holding tests/mustache, from the executable's path. */
static char *find_spec_dir(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (int up = 0; up < 6; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash || slash == exe)
			return NULL;
		*slash = '\0';
		char probe[PATH_MAX + 32];
		snprintf(probe, sizeof(probe), "%s/tests/mustache", exe);
		DIR *d = opendir(probe);
		if (d) {
			closedir(d);
			return xstrdup(probe);
		}
	}
	return NULL;
}

/* JSON numbers render as numbers, not as their source text (1.210 is 1.21). */
static void json_numbers(struct node *n)
{
	if (!n)
		return;
	if (n->kind == NODE_FLOAT) {
		n->str = NULL;
		n->len = 0;
	}
	for (size_t i = 0; (n->kind == NODE_MAP || n->kind == NODE_SEQ) && i < n->n; i++)
		json_numbers(n->items[i]);
}

static const char *load_partial(void *ud, const char *name, size_t *len)
{
	const struct node *partials = ud;
	const struct node *p = partials ? node_get(partials, name) : NULL;
	if (!p || p->kind != NODE_STR)
		return NULL;
	*len = p->len;
	return p->str;
}

static void show(const char *label, const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	sb_json_str(&sb, s, n);
	printf("    %s %s\n", label, sb.buf);
	sb_release(&sb);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	bool verbose = false;
	int ai = 1;
	if (ai < argc && strcmp(argv[ai], "-v") == 0)
		verbose = true, ai++;
	char *dir = ai < argc ? xstrdup(argv[ai]) : find_spec_dir();
	DIR *cwd_probe;
	if (!dir && (cwd_probe = opendir("tests/mustache"))) {
		closedir(cwd_probe);
		dir = xstrdup("tests/mustache");	/* run from the repository root */
	}
	if (!dir) {
		printf("mustache-spec: cannot find tests/mustache (give SPEC_DIR)\n");
		return 1;
	}
	DIR *d = opendir(dir);
	if (!d) {
		printf("mustache-spec: cannot open '%s'\n", dir);
		free(dir);
		return 1;
	}
	char **names = NULL;
	size_t nnames = 0, capnames = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0)
			VEC_PUSH(names, nnames, capnames, xstrdup(de->d_name));
	}
	closedir(d);
	if (nnames > 1)
		qsort(names, nnames, sizeof(*names), cmp_str);

	size_t files = 0, cases = 0, passed = 0, failed = 0, skipped = 0;
	for (size_t fi = 0; fi < nnames; fi++) {
		const char *reason = NULL;
		for (size_t k = 0; k < sizeof(skips) / sizeof(skips[0]); k++)
			if (strcmp(names[fi], skips[k].file) == 0)
				reason = skips[k].reason;
		if (reason) {
			printf("skipped mustache/%s: %s\n", names[fi], reason);
			skipped++;
			free(names[fi]);
			continue;
		}
		struct strbuf p = STRBUF_INIT;
		sb_printf(&p, "%s/%s", dir, names[fi]);
		size_t len;
		char *text = read_all(p.buf, &len);
		struct arena a;
		arena_init(&a);
		struct node *root = text ? json_to_node(&a, text, len, 0) : NULL;
		struct node *tests = root ? node_get(root, "tests") : NULL;
		files++;
		size_t fp = 0, ff = 0;
		if (!tests || tests->kind != NODE_SEQ) {
			printf("mustache/%s: cannot be read as a spec file\n", names[fi]);
			ff++;
		}
		for (size_t i = 0; tests && tests->kind == NODE_SEQ && i < tests->n; i++) {
			struct node *tc = tests->items[i];
			struct node *name = node_get(tc, "name"), *tmpl = node_get(tc, "template");
			struct node *data = node_get(tc, "data"), *exp = node_get(tc, "expected");
			struct node *partials = node_get(tc, "partials");
			if (!name || !tmpl || !exp || tmpl->kind != NODE_STR || exp->kind != NODE_STR) {
				printf("FAIL mustache/%s #%zu: malformed case\n", names[fi], i);
				ff++;
				continue;
			}
			json_numbers(data);
			struct tmpl_opts opts = { .esc = ESC_HTML, .load = load_partial, .load_ud = partials };
			struct strbuf out = STRBUF_INIT;
			char err[512];
			int rc = tmpl_render(name->str, tmpl->str, tmpl->len, data, &opts, &out, err, sizeof(err));
			bool ok = rc == 0 && out.len == exp->len && (out.len == 0 || memcmp(out.buf, exp->str, out.len) == 0);
			if (ok) {
				fp++;
				if (verbose)
					printf("ok   mustache/%s: %s\n", names[fi], name->str);
			} else {
				ff++;
				printf("FAIL mustache/%s: %s\n", names[fi], name->str);
				show("template:", tmpl->str, tmpl->len);
				show("expected:", exp->str, exp->len);
				if (rc == 0)
					show("got:     ", out.buf ? out.buf : "", out.len);
				else
					printf("    error:    %s\n", err);
			}
			sb_release(&out);
		}
		printf("mustache/%s: %zu passed, %zu failed\n", names[fi], fp, ff);
		cases += fp + ff;
		passed += fp;
		failed += ff;
		arena_release(&a);
		free(text);
		sb_release(&p);
		free(names[fi]);
	}
	free(names);
	free(dir);
	printf("mustache-spec: %zu files, %zu cases, %zu passed, %zu failed, %zu file%s skipped\n",
	       files, cases, passed, failed, skipped, skipped == 1 ? "" : "s");
	return failed || cases == 0;
}
