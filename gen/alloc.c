/*
 * alloc.c - the library allocators and, in test builds, the allocation fault injector.
 *
 * The library allocators are malloc, realloc and free plus a count of the failures (see
 * alloc.h for why the libraries get allocators that return NULL rather than oom()).
 *
 * Test builds (-DERAGEN_TEST_ALLOC, build/oom/eragen) count every allocation by kind and
 * fail the one ERAGEN_TEST_FAIL_ALLOC names. libyaml has no allocator hook, and
 * interposing malloc itself would also catch the C library's, the sanitizer runtime's and
 * the other libraries' allocations. So the test build links its own copy of libyaml.a in
 * which objcopy renamed the references to malloc, realloc, free and strdup to
 * eragen_yaml_*: exactly libyaml's allocations (all of them pass through its api.c)
 * arrive here, and nothing else changes; the normal and sanitizer builds link the shared
 * libyaml and contain none of this.
 */
#include "alloc.h"
#include "eragen.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef ERAGEN_TEST_ALLOC
#include <sanitizer/common_interface_defs.h>
#endif

static unsigned long failures;

/*
 * Memory held back for libgit2, which does not survive its own allocation failures
 * (1.5: git_config_entries_dup ignores a failed entry copy and returns success without
 * its result, and the caller then reads through NULL; other paths leak what they held).
 * Its first failed allocation is served again after this block is given back, so
 * libgit2 finishes the call normally, and the failure is counted all the same: eragen
 * unwinds (oom_if_failed_since) once the call has returned and its objects are released.
 * Allocated, never touched: it costs address space, not memory.
 */
#define RESERVE_BYTES (1u << 20)
static void *reserve;

#ifdef ERAGEN_TEST_ALLOC
static const char *const kind_names[ALLOC_KINDS] = {
	"eragen", "arena", "cjson", "pcre2", "git", "yaml",
};
static unsigned long counts[ALLOC_KINDS];
static int fail_kind = -1;
static unsigned long fail_at;
static bool injected, trace;
static const char *recovered[16];
static size_t nrecovered;

bool alloc_inject(enum alloc_kind kind)
{
	if (++counts[kind] != fail_at || (int)kind != fail_kind)
		return false;
	injected = true;
	if (trace)	/* where the failure was injected: for finding what mishandled it */
		__sanitizer_print_stack_trace();
	return true;
}

void alloc_recovered(const char *what)
{
	if (nrecovered < sizeof(recovered) / sizeof(recovered[0]))
		recovered[nrecovered++] = what;
}

static void write_log(void)
{
	const char *path = getenv("ERAGEN_TEST_ALLOC_LOG");
	FILE *f = path && *path ? fopen(path, "w") : NULL;
	if (!f)
		return;
	for (int k = 0; k < ALLOC_KINDS; k++)
		fprintf(f, "%s %lu\n", kind_names[k], counts[k]);
	if (injected)
		fprintf(f, "failed %s %lu\n", kind_names[fail_kind], fail_at);
	for (size_t i = 0; i < nrecovered; i++)
		fprintf(f, "recovered %s\n", recovered[i]);
	fclose(f);
}

static void test_init(void)
{
	const char *spec = getenv("ERAGEN_TEST_FAIL_ALLOC");
	if (spec && *spec) {
		const char *colon = strchr(spec, ':');
		for (int k = 0; colon && k < ALLOC_KINDS; k++)
			if (strlen(kind_names[k]) == (size_t)(colon - spec) &&
			    strncmp(spec, kind_names[k], (size_t)(colon - spec)) == 0)
				fail_kind = k;
		char *end;
		fail_at = colon ? strtoul(colon + 1, &end, 10) : 0;
		if (fail_kind < 0 || fail_at == 0 || *end != '\0')
			BUG("ERAGEN_TEST_FAIL_ALLOC must be KIND:N, not '%s'", spec);
	}
	trace = getenv("ERAGEN_TEST_ALLOC_TRACE") != NULL;
	atexit(write_log);
}

void *eragen_yaml_malloc(size_t size)
{
	return alloc_lib_malloc(ALLOC_YAML, size);
}

void *eragen_yaml_realloc(void *p, size_t size)
{
	return alloc_lib_realloc(ALLOC_YAML, p, size);
}

void eragen_yaml_free(void *p)
{
	free(p);
}

char *eragen_yaml_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = alloc_lib_malloc(ALLOC_YAML, n);
	if (p)
		memcpy(p, s, n);
	return p;
}
#endif

void *alloc_lib_malloc(enum alloc_kind kind, size_t size)
{
	void *p = alloc_inject(kind) ? NULL : malloc(size ? size : 1);
	if (!p)
		failures++;
	return p;
}

void *alloc_lib_realloc(enum alloc_kind kind, void *p, size_t size)
{
	void *q = alloc_inject(kind) ? NULL : realloc(p, size ? size : 1);
	if (!q)
		failures++;
	return q;
}

void *alloc_lib_malloc_reserved(enum alloc_kind kind, size_t size)
{
	void *p = alloc_lib_malloc(kind, size);
	if (!p && reserve) {
		free(reserve);
		reserve = NULL;
		p = malloc(size ? size : 1);
	}
	return p;
}

void *alloc_lib_realloc_reserved(enum alloc_kind kind, void *p, size_t size)
{
	void *q = alloc_lib_realloc(kind, p, size);
	if (!q && reserve) {
		free(reserve);
		reserve = NULL;
		q = realloc(p, size ? size : 1);
	}
	return q;
}

void alloc_lib_free(void *p)
{
	free(p);
}

unsigned long alloc_failures(void)
{
	return failures;
}

void oom_if_failed_since(unsigned long failed)
{
	if (failures != failed)
		oom();
}

/* ---- the cJSON arena ---- */

#define JSON_CHUNK (64u << 10)

struct json_chunk {
	struct json_chunk *next;
	size_t used, size;
	max_align_t data[];
};

static struct json_arena *json_open;	/* the arena cJSON allocates from, or NULL */

static void *cjson_malloc(size_t size);
static void cjson_free(void *p);

/* The hooks are installed here too, not only by alloc_init: a program that never called
 * it (a fuzz harness) must not parse into the heap a tree that no cJSON_Delete frees. */
void json_arena_begin(struct json_arena *a)
{
	cJSON_Hooks hooks = { cjson_malloc, cjson_free };
	cJSON_InitHooks(&hooks);
	json_open = a;
}

void json_arena_end(void)
{
	json_open = NULL;
}

void json_arena_release(struct json_arena *a)
{
	while (a->head) {
		struct json_chunk *c = a->head;
		a->head = c->next;
		free(c);
	}
}

static void *json_alloc(struct json_arena *a, size_t size)
{
	if (alloc_inject(ALLOC_CJSON)) {
		failures++;
		return NULL;
	}
	const size_t align = sizeof(max_align_t);
	size = (size ? size + align - 1 : align) / align * align;
	struct json_chunk *c = a->head;
	if (!c || c->size - c->used < size) {
		size_t cap = size > JSON_CHUNK / 4 ? size : JSON_CHUNK;
		c = size > SIZE_MAX / 2 ? NULL : malloc(sizeof(*c) + cap);
		if (!c) {
			failures++;
			return NULL;
		}
		c->used = 0;
		c->size = cap;
		if (a->head && cap != JSON_CHUNK) {	/* a big one: keep the open chunk first */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	void *p = (char *)c->data + c->used;
	c->used += size;
	return p;
}

static void *cjson_malloc(size_t size)
{
	if (json_open)
		return json_alloc(json_open, size);
	return alloc_lib_malloc(ALLOC_CJSON, size);
}

static void cjson_free(void *p)
{
	if (!json_open)	/* in an arena, the arena frees it */
		free(p);
}

void alloc_init(void)
{
#ifdef ERAGEN_TEST_ALLOC
	test_init();
#endif
	/* with a malloc other than malloc, cJSON never reallocates (it only would when
	 * printing, which eragen does not do) */
	cJSON_Hooks hooks = { cjson_malloc, cjson_free };
	cJSON_InitHooks(&hooks);
	reserve = malloc(RESERVE_BYTES);	/* none: libgit2's failures return NULL */
}

void alloc_release(void)
{
	free(reserve);
	reserve = NULL;
}
