/*
 * alloc.h - the allocators eragen gives its libraries, and the test-only fault injector.
 *
 * A library never unwinds: its allocator (alloc_lib_*) returns NULL on failure, the
 * library fails its call and releases what it holds, and the eragen function that called
 * it releases its own handles and only then calls oom(). alloc_failures() lets that
 * function tell "out of memory" from the library's other errors: compare it before and
 * after the call.
 *
 *   cJSON    cJSON_InitHooks, installed by alloc_init (main, before anything else)
 *   PCRE2    a general context that every compile, match, JIT compile and JIT stack
 *            uses (rx.c)
 *   libgit2  GIT_OPT_SET_ALLOCATOR, before git_libgit2_init (repo.c), served from a
 *            reserve on its first failure: libgit2 1.5 crashes on some of its own
 *            allocation failures (alloc.c), so it is never handed NULL while memory
 *            held back can still serve it; the failure counts all the same
 *   libyaml  no allocator hook: it uses malloc; only test builds redirect it (alloc.c)
 */
#ifndef ERAGEN_ALLOC_H
#define ERAGEN_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

/* Who allocates: eragen's heap wrappers (util.c), arena allocations (each call, not only
 * a new chunk), and the four libraries. */
enum alloc_kind {
	ALLOC_ERAGEN,
	ALLOC_ARENA,
	ALLOC_CJSON,
	ALLOC_PCRE2,
	ALLOC_GIT,
	ALLOC_YAML,
	ALLOC_KINDS
};

/* Install the cJSON hooks, hold the reserve back; test builds read their settings. */
void alloc_init(void);
void alloc_release(void);	/* give the reserve back (main, at the end) */

/* NULL on failure, counted: for the libraries, and for eragen code that must release a
 * library's objects before it unwinds (kind ALLOC_ERAGEN there). */
void *alloc_lib_malloc(enum alloc_kind kind, size_t size);
void *alloc_lib_realloc(enum alloc_kind kind, void *p, size_t size);
void alloc_lib_free(void *p);
/* As alloc_lib_malloc and alloc_lib_realloc (the failure is counted), but served from
 * the reserve, once, when the allocation fails: for libgit2 only. */
void *alloc_lib_malloc_reserved(enum alloc_kind kind, size_t size);
void *alloc_lib_realloc_reserved(enum alloc_kind kind, void *p, size_t size);
/* How many library allocations have failed so far in this run. */
unsigned long alloc_failures(void);
/* oom() if a library allocation failed since alloc_failures() returned failed: call it
 * once the library's objects of the operation are released. */
void oom_if_failed_since(unsigned long failed);
/*
 * A cJSON arena: between json_arena_begin and json_arena_end, every allocation cJSON
 * makes comes from the arena and its frees do nothing, so a parsed tree costs a few
 * chunks instead of one malloc per node and string. Such a tree is never given to
 * cJSON_Delete: json_arena_release frees all it holds at once. Failures are counted as
 * a library's (alloc_failures), allocation by allocation, as before.
 */
struct json_chunk;
struct json_arena {
	struct json_chunk *head;
};
void json_arena_begin(struct json_arena *a);	/* cJSON allocates from a until _end */
void json_arena_end(void);
void json_arena_release(struct json_arena *a);
/* Free PCRE2's contexts (rx.c), created on first use; ctx_release calls it. */
void rx_shutdown(void);

#ifdef ERAGEN_TEST_ALLOC
/*
 * Test builds (make oom-eragen): ERAGEN_TEST_FAIL_ALLOC=KIND:N fails the Nth allocation
 * of KIND (eragen, arena, cjson, pcre2, git, yaml; counted from 1), that one only
 * (ERAGEN_TEST_ALLOC_TRACE=1 prints where it is made);
 * ERAGEN_TEST_ALLOC_LOG=FILE receives, at exit, "KIND COUNT" per kind, "failed KIND N"
 * when the injected failure happened, and one "recovered WHAT" line per failure that
 * eragen absorbed on purpose (alloc_recovered).
 */
bool alloc_inject(enum alloc_kind kind);
void alloc_recovered(const char *what);
/* libyaml's malloc, realloc, free and strdup, renamed to these in the copy of libyaml.a
 * that test builds link (Makefile, oom-eragen). */
void *eragen_yaml_malloc(size_t size);
void *eragen_yaml_realloc(void *p, size_t size);
void eragen_yaml_free(void *p);
char *eragen_yaml_strdup(const char *s);
#else
static inline bool alloc_inject(enum alloc_kind kind)
{
	(void)kind;
	return false;
}
static inline void alloc_recovered(const char *what)
{
	(void)what;
}
#endif

#endif
