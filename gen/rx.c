/*
 * rx.c - regular expressions for schema patterns and checks, on PCRE2 (8-bit code units).
 *
 * Consumes a pattern (UTF-8, length-delimited) and produces a compiled struct rx that
 * answers "does this subject contain a match". Patterns are compiled with PCRE2_UTF and
 * PCRE2_DOLLAR_ENDONLY ('$' never matches before a final newline), JIT-compiled when the
 * library supports it, at its first match; a JIT failure silently falls back to the
 * interpreter.
 *
 * Every match runs under a match limit, a depth limit and a heap limit, so a catastrophic
 * pattern ends quickly with -1 ("could not decide") instead of hanging; callers report -1
 * as a diagnostic, never as "no match". The match data is allocated once per pattern and
 * reused: single-threaded callers may interleave rx_search calls on different patterns.
 *
 * Memory: every compile, match, JIT compile and JIT stack allocates through one PCRE2
 * general context whose allocator is alloc.h's (NULL on failure, never an unwind). Out
 * of memory in PCRE2 comes back here as an error code; rx_compile and rx_find then call
 * oom() (holding nothing). The one failure absorbed on purpose is the JIT compiler's: the
 * interpreter runs the pattern instead, with the same results (JIT compilation also fails
 * where the system refuses executable memory, so it must never be fatal).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "alloc.h"
#include "eragen.h"
#include "rx.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

/* Enough for every pattern a schema author writes, small enough to end in milliseconds. */
#define RX_MATCH_LIMIT 1000000u
#define RX_DEPTH_LIMIT 10000u
#define RX_HEAP_LIMIT_KIB 20480u
#define RX_JIT_STACK_START (32u << 10)
#define RX_JIT_STACK_MAX (1u << 20)

struct rx {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	bool jit_tried;			/* JIT compilation happens at the first match */
};

/* The contexts every pattern is compiled with: created on first use, freed by
 * rx_shutdown (ctx_release), as libgit2's global state is. The JIT stack too: one for
 * every pattern (a match uses it from its start and leaves nothing on it, and matches
 * never run at the same time), rather than a mapping of RX_JIT_STACK_MAX per pattern. */
static pcre2_general_context *rx_gctx;
static pcre2_compile_context *rx_cctx;
static pcre2_jit_stack *rx_jit_stack;

static void *rx_malloc(size_t size, void *data)
{
	(void)data;
	return alloc_lib_malloc(ALLOC_PCRE2, size);
}

static void rx_dealloc(void *p, void *data)
{
	(void)data;
	alloc_lib_free(p);
}

static void rx_contexts(void)
{
	if (!rx_gctx && !(rx_gctx = pcre2_general_context_create(rx_malloc, rx_dealloc, NULL)))
		oom();
	if (!rx_cctx && !(rx_cctx = pcre2_compile_context_create(rx_gctx)))
		oom();
}

void rx_shutdown(void)
{
	pcre2_jit_stack_free(rx_jit_stack);
	rx_jit_stack = NULL;
	pcre2_compile_context_free(rx_cctx);
	pcre2_general_context_free(rx_gctx);
	rx_cctx = NULL;
	rx_gctx = NULL;
}

static void set_err(char *err, size_t errlen, const char *msg, size_t offset)
{
	if (err && errlen)
		snprintf(err, errlen, "%s at offset %zu", msg, offset);
}

struct rx *rx_compile(const char *pattern, size_t len, bool icase, char *err, size_t errlen)
{
	uint32_t opts = PCRE2_UTF | PCRE2_DOLLAR_ENDONLY;
	if (icase)
		opts |= PCRE2_CASELESS;
	int code;
	PCRE2_SIZE off;
	rx_contexts();
	unsigned long failed = alloc_failures();
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, len, opts, &code, &off, rx_cctx);
	if (!re) {
		if (code == PCRE2_ERROR_HEAP_FAILED || alloc_failures() != failed)
			oom();
		PCRE2_UCHAR msg[256];
		if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", code);
		set_err(err, errlen, (const char *)msg, (size_t)off);
		return NULL;
	}
	struct rx *rx = alloc_lib_malloc(ALLOC_ERAGEN, sizeof(*rx));	/* NULL: re first */
	if (!rx) {
		pcre2_code_free(re);
		oom();
	}
	memset(rx, 0, sizeof(*rx));
	rx->code = re;
	rx->md = pcre2_match_data_create_from_pattern(re, rx_gctx);
	rx->mctx = pcre2_match_context_create(rx_gctx);
	if (!rx->md || !rx->mctx) {
		rx_free(rx);
		oom();
	}
	pcre2_set_match_limit(rx->mctx, RX_MATCH_LIMIT);
	pcre2_set_depth_limit(rx->mctx, RX_DEPTH_LIMIT);
	pcre2_set_heap_limit(rx->mctx, RX_HEAP_LIMIT_KIB);
	return rx;
}

/* JIT-compile rx before its first match: most of a schema's patterns never meet a value
 * in a run, and JIT compilation costs more than compiling. Every match still runs as
 * before (under JIT when the library has it), so the limits decide the same way. */
static void jit(struct rx *rx)
{
	rx->jit_tried = true;
	/* JIT is an optimisation only: any failure leaves the interpreter in charge. The
	 * JIT stack is an ordinary allocation, except that its memory is mapped: only a
	 * failure of the allocator is out of memory. */
	unsigned long failed = alloc_failures();
	if (pcre2_jit_compile(rx->code, PCRE2_JIT_COMPLETE) == 0) {
		if (!rx_jit_stack)
			rx_jit_stack = pcre2_jit_stack_create(RX_JIT_STACK_START,
							      RX_JIT_STACK_MAX, rx_gctx);
		if (rx_jit_stack)
			pcre2_jit_stack_assign(rx->mctx, NULL, rx_jit_stack);
		else if (alloc_failures() != failed)
			oom();	/* rx stays its owner's, to free */
	} else if (alloc_failures() != failed) {
		alloc_recovered("pcre2: JIT compilation failed, the interpreter runs the pattern");
	}
}

static int find(const struct rx *crx, const char *s, size_t len, uint32_t opts, size_t *start,
		size_t *end)
{
	struct rx *rx = (struct rx *)crx;	/* allocated mutable by rx_compile */
	if (!rx->jit_tried)
		jit(rx);
	int rc = pcre2_match(rx->code, (PCRE2_SPTR)s, len, 0, opts, rx->md, rx->mctx);
	if (rc == PCRE2_ERROR_NOMEMORY)
		oom();	/* the callers guard their patterns */
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return -1;	/* limits, bad UTF-8, JIT stack: undecided, never "no match" */
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(rx->md);
	if (start)
		*start = (size_t)ov[0];
	if (end)
		*end = (size_t)ov[1];
	return 1;
}

int rx_find(const struct rx *rx, const char *s, size_t len, size_t *start, size_t *end)
{
	return find(rx, s, len, 0, start, end);
}

int rx_find_text(const struct rx *rx, const char *s, size_t len, size_t *start, size_t *end)
{
	return find(rx, s, len, PCRE2_NO_UTF_CHECK, start, end);
}

int rx_search(const struct rx *rx, const char *s, size_t len)
{
	return rx_find(rx, s, len, NULL, NULL);
}

void rx_free(struct rx *rx)
{
	if (!rx)
		return;
	pcre2_match_data_free(rx->md);
	pcre2_match_context_free(rx->mctx);
	pcre2_code_free(rx->code);
	free(rx);
}

const char *rx_lib_version(char *buf, size_t size)
{
	char v[64] = "";
	pcre2_config(PCRE2_CONFIG_VERSION, v);	/* "10.42 2022-12-11": the number */
	snprintf(buf, size, "%.*s", (int)strcspn(v, " "), v);
	return buf;
}
