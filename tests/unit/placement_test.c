/*
 * placement_test.c - the pure helpers of the placement matrix: taint effects, Kubernetes
 * toleration semantics, allocatable, memory quantities, kubelet label namespaces.
 */
#include "placement.h"
#include "t.h"

#include <math.h>
#include <string.h>

static void test_effects(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "NoSchedule", "NoSchedule" },
		{ "NO_SCHEDULE", "NoSchedule" },
		{ "noschedule", "NoSchedule" },
		{ "NoExecute", "NoExecute" },
		{ "NO_EXECUTE", "NoExecute" },
		{ "PREFER_NO_SCHEDULE", "PreferNoSchedule" },
		{ "PreferNoSchedule", "PreferNoSchedule" },
		{ "NoSched", NULL },
		{ "", NULL },
		{ "_", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = taint_effect_norm(cases[i].in);
		CHECK((!got && !cases[i].want) || (got && cases[i].want && strcmp(got, cases[i].want) == 0),
		      "taint_effect_norm(%s) = %s", cases[i].in, got ? got : "NULL");
	}
	CHECK(taint_effect_norm(NULL) == NULL, "taint_effect_norm(NULL)");
}

static void test_tolerations(void)
{
	static const struct {
		struct toleration t;
		const char *key, *value, *effect;
		bool want;
	} cases[] = {
		{ { "lifecycle", "Equal", "spot", "NoExecute" }, "lifecycle", "spot", "NoExecute", true },
		{ { "lifecycle", "Equal", "spot", "NoSchedule" }, "lifecycle", "spot", "NoExecute", false },
		{ { "lifecycle", "Equal", "spot", "NO_EXECUTE" }, "lifecycle", "spot", "NoExecute", true },
		{ { "lifecycle", "Equal", "spot", "" }, "lifecycle", "spot", "NoExecute", true },
		{ { "lifecycle", "Equal", "spot", NULL }, "lifecycle", "spot", "NoSchedule", true },
		{ { "lifecycle", "Equal", "Spot", NULL }, "lifecycle", "spot", "NoSchedule", false },
		{ { "lifecycle", "Equal", "ondemand", NULL }, "lifecycle", "spot", "NoSchedule", false },
		{ { "lifecycle", NULL, "spot", NULL }, "lifecycle", "spot", "NoSchedule", true },
		{ { "lifecycle", "Exists", NULL, NULL }, "lifecycle", "anything", "NoExecute", true },
		{ { "lifecycle", "Exists", NULL, "NoSchedule" }, "lifecycle", "x", "NoExecute", false },
		{ { "other", "Exists", NULL, NULL }, "lifecycle", "spot", "NoExecute", false },
		{ { "", "Exists", NULL, NULL }, "lifecycle", "spot", "NoExecute", true },
		{ { NULL, "Exists", NULL, NULL }, "a/b", "", "NoSchedule", true },
		{ { NULL, "Exists", NULL, "NoSchedule" }, "a/b", "", "NoExecute", false },
		{ { "", "Equal", "", NULL }, "lifecycle", "", "NoExecute", false },
		{ { "dedicated", "Equal", NULL, NULL }, "dedicated", "", "NoSchedule", true },
		{ { "dedicated", "Equal", "", NULL }, "dedicated", "core", "NoSchedule", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(toleration_matches(&cases[i].t, cases[i].key, cases[i].value,
					 cases[i].effect) == cases[i].want,
		      "case %zu: toleration of %s=%s:%s", i, cases[i].key, cases[i].value,
		      cases[i].effect);

	struct arena a;
	arena_init(&a);
	static const struct {
		struct toleration t;
		const char *want;
	} texts[] = {
		{ { "lifecycle", "Equal", "spot", "NoExecute" }, "lifecycle=spot:NoExecute" },
		{ { "lifecycle", "Equal", "spot", NULL }, "lifecycle=spot" },
		{ { "lifecycle", "Exists", NULL, "NoExecute" }, "lifecycle:NoExecute" },
		{ { "lifecycle", "Exists", NULL, NULL }, "lifecycle" },
		{ { NULL, "Exists", NULL, NULL }, "*" },
		{ { "", "Exists", NULL, "NoSchedule" }, "*:NoSchedule" },
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		const char *got = toleration_text(&a, &texts[i].t);
		CHECK(strcmp(got, texts[i].want) == 0, "toleration_text: '%s', want '%s'", got,
		      texts[i].want);
	}
	arena_release(&a);
}

static void test_allocatable(void)
{
	/* EKS: 6% of core 1, 1% of core 2, 0.5% of cores 3-4, 0.25% above; minus 200m */
	static const struct {
		uint32_t vcpu;
		double want;
	} cpu[] = {
		{ 1, 1000 - 60 - 200 },
		{ 2, 2000 - 70 - 200 },
		{ 4, 4000 - 80 - 200 },
		{ 5, 5000 - 82.5 - 200 },
		{ 8, 8000 - 90 - 200 },
		{ 16, 16000 - 110 - 200 },
		{ 96, 96000 - 310 - 200 },
	};
	for (size_t i = 0; i < sizeof(cpu) / sizeof(cpu[0]); i++)
		CHECK(fabs(alloc_cpu_m(cpu[i].vcpu) - cpu[i].want) < 1e-9,
		      "alloc_cpu_m(%u) = %g, want %g", cpu[i].vcpu, alloc_cpu_m(cpu[i].vcpu),
		      cpu[i].want);
	/* memory: 255 MiB + 11 MiB per pod, 100 MiB eviction, 300 MiB DaemonSets */
	CHECK(alloc_mem_mib(16384, 29) == 15410, "r5.large: %g", alloc_mem_mib(16384, 29));
	CHECK(alloc_mem_mib(8192, 29) == 7218, "m5.large: %g", alloc_mem_mib(8192, 29));
	CHECK(alloc_mem_mib(512, 4) < 0, "t3.nano leaves nothing: %g", alloc_mem_mib(512, 4));
	CHECK(PL_DAEMONSET_CPU_M == 200 && PL_DAEMONSET_MEM_MIB == 300,
	      "the explain text of SCHED006 quotes 200m and 300 MiB");
}

static void test_memory(void)
{
	struct arena a;
	arena_init(&a);
	static const struct {
		const char *s;
		bool ok;
		double want;
	} cases[] = {
		{ "14G", true, 14.0 * 1024 * 1024 * 1024 },
		{ "512M", true, 512.0 * 1024 * 1024 },
		{ "1.5G", true, 1.5 * 1024 * 1024 * 1024 },
		{ "2T", true, 2.0 * 1024 * 1024 * 1024 * 1024 },
		{ "100K", true, 102400 },
		{ "1000", true, 1000 },
		{ "14Gi", false, 0 },
		{ "14g", false, 0 },
		{ "G", false, 0 },
		{ "1.G", false, 0 },
		{ ".5G", false, 0 },
		{ "0", false, 0 },
		{ "", false, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct node *n = node_str(&a, cases[i].s, strlen(cases[i].s), (struct loc){ 0 });
		double b = -1;
		bool ok = memory_bytes(n, &b);
		CHECK(ok == cases[i].ok && (!ok || b == cases[i].want), "memory_bytes(%s): %d %g",
		      cases[i].s, ok, b);
	}
	struct node *num = node_new(&a, NODE_INT, (struct loc){ 0 });
	num->v.i = 1073741824;
	double b = 0;
	CHECK(memory_bytes(num, &b) && b == 1073741824.0, "a number is bytes: %g", b);
	CHECK(!memory_bytes(NULL, &b), "NULL is no quantity");
	arena_release(&a);
}

static void test_labels(void)
{
	static const struct {
		const char *key;
		bool forbidden;
	} cases[] = {
		{ "role", false },
		{ "example.org/tier", false },
		{ "node-role.kubernetes.io/worker", true },
		{ "kubernetes.io/role", true },
		{ "k8s.io/anything", true },
		{ "foo.k8s.io/bar", true },
		{ "kubernetes.io/hostname", false },
		{ "kubernetes.io/arch", false },
		{ "kubernetes.io/os", false },
		{ "beta.kubernetes.io/arch", false },
		{ "beta.kubernetes.io/anything", false },
		{ "failure-domain.beta.kubernetes.io/zone", false },
		{ "node.kubernetes.io/instance-type", false },
		{ "node.kubernetes.io/lifecycle", false },
		{ "x.node.kubernetes.io/y", false },
		{ "kubelet.kubernetes.io/anything", false },
		{ "topology.kubernetes.io/zone", false },
		{ "topology.kubernetes.io/region", false },
		{ "topology.kubernetes.io/rack", true },
		{ "notkubernetes.io/x", false },
		{ "mykubernetes.io/x", false },
		{ "eks.amazonaws.com/nodegroup", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(label_key_forbidden(cases[i].key) == cases[i].forbidden,
		      "label_key_forbidden(%s)", cases[i].key);
	CHECK(ami_type_gpu("AL2023_x86_64_NVIDIA") && ami_type_gpu("AL2_x86_64_GPU") &&
		      ami_type_gpu("BOTTLEROCKET_x86_64_NVIDIA") && ami_type_gpu("AL2023_ARM_64_NVIDIA"),
	      "GPU AMI types");
	CHECK(!ami_type_gpu("AL2023_x86_64_STANDARD") && !ami_type_gpu("AL2_x86_64") &&
		      !ami_type_gpu(NULL),
	      "standard AMI types");
}

int main(void)
{
	test_effects();
	test_tolerations();
	test_allocatable();
	test_memory();
	test_labels();
	return T_DONE("placement");
}
