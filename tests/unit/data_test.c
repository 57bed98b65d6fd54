/*
 * data_test.c - the data tables: the shipped schemas/ tables load through data_get and
 * hold the facts the checks rely on; a broken table (the repository's own copy) gives
 * SPEC012 at that file and NULL, every time.
 *
 * The repository is found from the executable (build/tests/unit/data_test, or the
 * sanitizer build's build/san/tests/unit/data_test): the nearest ancestor directory that
 * has schemas/regions.json and gen/data.h. tests/run starts it from a temporary directory.
 */
#include "data.h"
#include "t.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char top[PATH_MAX];

static bool exists(const char *dir, const char *rel)
{
	char p[PATH_MAX + 64];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return stat(p, &st) == 0;
}

static bool find_top(void)
{
	ssize_t n = readlink("/proc/self/exe", top, sizeof(top) - 1);
	if (n <= 0)
		return false;
	top[n] = '\0';
	char *slash;
	while ((slash = strrchr(top, '/')) && slash != top) {
		*slash = '\0';
		if (exists(top, "schemas/regions.json") && exists(top, "gen/data.h"))
			return true;
	}
	return false;
}

static size_t count_rule(const struct ctx *c, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < c->ndiags; i++)
		n += strcmp(c->diags[i]->rule->id, rule) == 0;
	return n;
}

static bool has_tol(const struct chart_info *ci, enum workload w, const char *key,
		    const char *value)
{
	for (size_t i = 0; i < ci->ntolerations[w]; i++) {
		const struct toleration *t = &ci->tolerations[w][i];
		if (strcmp(t->key, key) == 0 && strcmp(t->op, "Equal") == 0 &&
		    strcmp(t->value, value) == 0 && strcmp(t->effect, "NoSchedule") == 0)
			return true;
	}
	return false;
}

struct inst_case {
	const char *name;
	uint32_t vcpu, mem_mib, max_pods;
	bool gpu;
	const char *arch;
};

static void test_shipped(void)
{
	struct ctx c;
	ctx_init(&c);
	c.root = top;
	c.datadir = top;
	const struct data *d = data_get(&c);
	CHECK(d != NULL, "the shipped tables load");
	CHECK(c.ndiags == 0, "no diagnostics, got %zu (first: %s)", c.ndiags,
	      c.ndiags ? c.diags[0]->msg : "");
	CHECK(data_get(&c) == d, "loaded once");
	if (!d) {
		ctx_release(&c);
		return;
	}
	for (size_t i = 0; i < 4; i++)
		CHECK(d->files[i] != 0, "file id %zu recorded", i);

	static const struct inst_case inst[] = {
		{ "m5.large", 2, 8192, 29, false, "x86_64" },
		{ "m5.xlarge", 4, 16384, 58, false, "x86_64" },
		{ "m5.2xlarge", 8, 32768, 58, false, "x86_64" },
		{ "m5.4xlarge", 16, 65536, 234, false, "x86_64" },
		{ "m5a.2xlarge", 8, 32768, 58, false, "x86_64" },
		{ "t3.large", 2, 8192, 35, false, "x86_64" },
		{ "t3.nano", 2, 512, 4, false, "x86_64" },
		{ "t3.small", 2, 2048, 11, false, "x86_64" },
		{ "t3a.small", 2, 2048, 8, false, "x86_64" },
		{ "g4dn.16xlarge", 64, 262144, 58, true, "x86_64" },
		{ "g5.48xlarge", 192, 786432, 345, true, "x86_64" },
		{ "m7i.metal-48xl", 192, 786432, 737, false, "x86_64" },
		{ "r5.large", 2, 16384, 29, false, "x86_64" },
		{ "r5.xlarge", 4, 32768, 58, false, "x86_64" },
		{ "m5.24xlarge", 96, 393216, 737, false, "x86_64" },
		{ "g4dn.xlarge", 4, 16384, 29, true, "x86_64" },
		{ "g5.xlarge", 4, 16384, 58, true, "x86_64" },
		{ "p3.2xlarge", 8, 62464, 58, true, "x86_64" },
		{ "m6g.large", 2, 8192, 29, false, "arm64" },
	};
	for (size_t i = 0; i < sizeof(inst) / sizeof(inst[0]); i++) {
		const struct inst_case *k = &inst[i];
		const struct instance_info *ii = data_instance(d, k->name);
		CHECK(ii != NULL, "%s listed", k->name);
		if (!ii)
			continue;
		CHECK(ii->vcpu == k->vcpu && ii->mem_mib == k->mem_mib && ii->max_pods == k->max_pods &&
			      ii->gpu == k->gpu && strcmp(ii->arch, k->arch) == 0,
		      "%s: %u vCPU %u MiB %u pods gpu %d %s", k->name, ii->vcpu, ii->mem_mib,
		      ii->max_pods, ii->gpu, ii->arch);
	}
	static const char *const families[] = { "t3", "t3a", "m5", "m5a", "m5n", "m6i", "m6a", "m7i",
						"r5", "r5a", "r5n", "r6i", "c5", "c6i", "g4dn", "g5", "p3" };
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		size_t n = 0, len = strlen(families[f]);
		for (size_t i = 0; i < d->ninstances; i++)
			n += strncmp(d->instances[i].name, families[f], len) == 0 &&
			     d->instances[i].name[len] == '.';
		CHECK(n >= 3, "family %s has its sizes (%zu)", families[f], n);
	}
	CHECK(data_instance(d, "m5.huge") == NULL, "unknown type");

	const struct region_info *r = data_region(d, "us-west-2");
	CHECK(r && r->nazs == 4 && strcmp(r->azs[0], "us-west-2a") == 0 &&
		      strcmp(r->azs[3], "us-west-2d") == 0 && r->cognito,
	      "us-west-2: a..d, Cognito");
	r = data_region(d, "us-west-1");
	CHECK(r && r->nazs == 2 && strcmp(r->azs[0], "us-west-1a") == 0 &&
		      strcmp(r->azs[1], "us-west-1c") == 0 && r->cognito,
	      "us-west-1: a and c, Cognito");
	r = data_region(d, "us-east-1");
	CHECK(r && r->nazs == 6, "us-east-1: six zones");
	CHECK(data_region(d, "us-west-3") == NULL, "no us-west-3");

	const struct chart_info *ci = data_chart(d, "2024.1.1");
	CHECK(ci != NULL, "chart 2024.1.1");
	if (ci) {
		CHECK(strcmp(ci->z2jh, "3.2.1") == 0 && strcmp(ci->dask_gateway, "2024.1.0") == 0 &&
			      strcmp(ci->kube_scheduler, "1.26") == 0,
		      "2024.1.1: z2jh %s, dask-gateway %s, kube-scheduler %s", ci->z2jh,
		      ci->dask_gateway, ci->kube_scheduler);
		static const enum workload core[] = { WL_HUB, WL_PROXY, WL_USER_SCHEDULER };
		for (size_t i = 0; i < 3; i++)
			CHECK(ci->ntolerations[core[i]] == 2 &&
				      has_tol(ci, core[i], "hub.jupyter.org/dedicated", "core") &&
				      has_tol(ci, core[i], "hub.jupyter.org_dedicated", "core"),
			      "%s tolerates dedicated=core", workload_names[core[i]]);
		CHECK(ci->ntolerations[WL_NOTEBOOK] == 2 &&
			      has_tol(ci, WL_NOTEBOOK, "hub.jupyter.org/dedicated", "user") &&
			      has_tol(ci, WL_NOTEBOOK, "hub.jupyter.org_dedicated", "user"),
		      "notebook tolerates dedicated=user");
		CHECK(ci->ntolerations[WL_GATEWAY] == 0, "the gateway chart adds none");
	}
	ci = data_chart(d, "main-e25bf51");
	CHECK(ci && strcmp(ci->z2jh, "4.4.0") == 0 && strcmp(ci->dask_gateway, "2026.3.0") == 0 &&
		      strcmp(ci->kube_scheduler, "1.30") == 0,
	      "main-e25bf51: z2jh 4.4.0, dask-gateway 2026.3.0, kube-scheduler 1.30");
	CHECK(data_chart(d, "2024.1.0") == NULL, "no daskhub 2024.1.0");

	const struct k8s_info *k = data_k8s(d, "1.34");
	CHECK(k && k->end_of_support && strcmp(k->end_of_support, "2026-12-02") == 0, "1.34");
	CHECK(data_k8s(d, "1.29") != NULL && data_k8s(d, "1.9") == NULL, "1.29 yes, 1.9 no");
	ctx_release(&c);
}

/* A repository whose own schemas/<file> holds text: data_get's result. */
struct broken_case {
	const char *file, *text;
	const char *msg;	/* expected in the SPEC012 message */
	uint32_t line;		/* expected line, 0 = the file as a whole */
};

static void test_broken(void)
{
	/* texts with ' for " (written out with " replaced back) */
#define CHART "{'version': '1', 'z2jh': '1', 'dask_gateway': '1', "
	static const struct broken_case cases[] = {
		{ "regions.json", "{'_source': 'x',\n 'regions': {'a': }}", "not valid JSON", 2 },
		{ "regions.json", "{'_source': 'x'} {}", "not valid JSON", 1 },
		{ "regions.json", "[]", "a JSON object at the top", 0 },
		{ "regions.json", "{'regions': {}}", "'_source'", 0 },
		{ "regions.json", "{'_source': [], 'regions': {}}", "'_source'", 0 },
		{ "regions.json", "{'_source': 'x', 'regions': {'r': {'azs': ['ab'], 'cognito': true}}}",
		  "zone letters", 0 },
		{ "regions.json", "{'_source': 'x', 'regions': {'r': {'azs': ['a']}}}",
		  "'r.cognito' must be true or false", 0 },
		{ "instance-types.json", "{'_source': 'x', 'instance_types': {'m.l': {'vcpu': 2}}}",
		  "'m.l.memory_mib' must be a positive integer", 0 },
		{ "instance-types.json",
		  "{'_source': 'x', 'instance_types': {'m.l': {'vcpu': 2, 'memory_mib': 1, "
		  "'max_pods': 1, 'gpu': false, 'arch': 'x86_64', 'cpu': 1}}}",
		  "unknown key 'cpu'", 0 },
		{ "instance-types.json",
		  "{'_source': 'x', 'instance_types': {'m.l': {'vcpu': 2.5, 'memory_mib': 1, "
		  "'max_pods': 1, 'gpu': false, 'arch': 'x86_64'}}}",
		  "'m.l.vcpu' must be a positive integer", 0 },
		{ "eks-versions.json",
		  "{'_source': 'x', 'versions': [{'version': '1.3', 'end_of_standard_support': 'soon'}]}",
		  "not YYYY-MM-DD", 0 },
		{ "eks-versions.json", "{'_source': ['x'], 'versions': [{'version': '1.34.1'}]}",
		  "major.minor", 0 },
		{ "charts.json", "{'_source': 'x', 'charts': [" CHART "'kube_scheduler': 'v1.26.11', "
		  "'tolerations': {}}]}",
		  "'1.kube_scheduler' must be a major.minor", 0 },
		{ "charts.json", "{'_source': 'x', 'charts': [" CHART "'kube_scheduler': '1.2', "
		  "'tolerations': {}}, " CHART "'kube_scheduler': '1.2', 'tolerations': {}}]}",
		  "listed twice", 0 },
		{ "charts.json", "{'_source': 'x', 'charts': [" CHART "'kube_scheduler': '1.2', "
		  "'tolerations': {'hubb': []}}]}",
		  "unknown workload 'hubb'", 0 },
		{ "charts.json", "{'_source': 'x', 'charts': [" CHART "'kube_scheduler': '1.2', "
		  "'tolerations': {'hub': [{'key': 'k', 'operator': 'Is'}]}}]}",
		  "'1.tolerations.hub[0].operator'", 0 },
		{ "charts.json", "{'_source': 'x', 'charts': [" CHART "'kube_scheduler': '1.2', "
		  "'tolerations': {'hub': [{'key': 'k', 'operator': 'Exists', 'value': 'v'}]}}]}",
		  "an 'Exists' toleration has no value", 0 },
	};
#undef CHART
	char dir[] = "/tmp/eragen-data-test-XXXXXX";
	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp");
		return;
	}
	char sdir[sizeof(dir) + 16];
	snprintf(sdir, sizeof(sdir), "%s/schemas", dir);
	mkdir(sdir, 0700);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct broken_case *bc = &cases[i];
		char p[sizeof(sdir) + 32];
		snprintf(p, sizeof(p), "%s/%s", sdir, bc->file);
		FILE *fp = fopen(p, "w");
		if (!fp) {
			CHECK(0, "cannot write %s", p);
			continue;
		}
		for (const char *c = bc->text; *c; c++)
			fputc(*c == '\'' ? '"' : *c, fp);
		fclose(fp);

		struct ctx c;
		ctx_init(&c);
		c.root = dir;
		c.datadir = top;
		const struct data *d = data_get(&c);
		CHECK(d == NULL, "case %zu: broken %s gives NULL", i, bc->file);
		CHECK(data_get(&c) == NULL, "case %zu: and NULL again", i);
		CHECK(c.ndiags == 1 && count_rule(&c, "SPEC012") == 1,
		      "case %zu: one SPEC012, got %zu diagnostics", i, c.ndiags);
		if (c.ndiags == 1) {
			const struct diag *dg = c.diags[0];
			const struct srcfile *f = srcfile_get(&c, dg->loc.file);
			CHECK(strstr(dg->msg, "the data table cannot be used: ") == dg->msg &&
				      strstr(dg->msg, bc->msg),
			      "case %zu: message '%s' has '%s'", i, dg->msg, bc->msg);
			CHECK(f && strcmp(f->path, p + strlen(dir) + 1) == 0,
			      "case %zu: at %s, got %s", i, bc->file, f ? f->path : "(none)");
			CHECK(dg->loc.line == bc->line, "case %zu: line %u, got %u", i, bc->line,
			      dg->loc.line);
		}
		ctx_release(&c);
		remove(p);
	}
	rmdir(sdir);
	rmdir(dir);
}

int main(void)
{
	if (!find_top()) {
		printf("FAIL cannot find the repository above the executable\n");
		return 1;
	}
	test_shipped();
	test_broken();
	return T_DONE("data");
}
