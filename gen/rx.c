/*
 * rx.c - regular expressions for schema patterns and checks, on PCRE2 (8-bit code units).
 *
 * Consumes a pattern (UTF-8, length-delimited) and produces a compiled struct rx that
 * answers "does this subject contain a match". Patterns are compiled with PCRE2_UTF and
 * PCRE2_DOLLAR_ENDONLY ('$' never matches before a final newline), JIT-compiled when the
 * library supports it; a JIT failure silently falls back to the interpreter.
 *
 * Every match runs under a match limit, a depth limit and a heap limit, so a catastrophic
 * pattern ends quickly with -1 ("could not decide") instead of hanging; callers report -1
 * as a diagnostic, never as "no match". The match data is allocated once per pattern and
 * reused: single-threaded callers may interleave rx_search calls on different patterns.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "eragen.h"

#include <pcre2.h>
#include <stdlib.h>

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
	pcre2_jit_stack *jit_stack;	/* NULL when the pattern runs interpreted */
};

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
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, len, opts, &code, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", code);
		set_err(err, errlen, (const char *)msg, (size_t)off);
		return NULL;
	}
	struct rx *rx = xcalloc(1, sizeof(*rx));
	rx->code = re;
	rx->md = pcre2_match_data_create_from_pattern(re, NULL);
	rx->mctx = pcre2_match_context_create(NULL);
	if (!rx->md || !rx->mctx) {
		rx_free(rx);
		oom();
	}
	pcre2_set_match_limit(rx->mctx, RX_MATCH_LIMIT);
	pcre2_set_depth_limit(rx->mctx, RX_DEPTH_LIMIT);
	pcre2_set_heap_limit(rx->mctx, RX_HEAP_LIMIT_KIB);
	/* JIT is an optimisation only: any failure leaves the interpreter in charge. */
	if (pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0) {
		rx->jit_stack = pcre2_jit_stack_create(RX_JIT_STACK_START, RX_JIT_STACK_MAX, NULL);
		if (rx->jit_stack)
			pcre2_jit_stack_assign(rx->mctx, NULL, rx->jit_stack);
	}
	return rx;
}

int rx_find(const struct rx *rx, const char *s, size_t len, size_t *start, size_t *end)
{
	int rc = pcre2_match(rx->code, (PCRE2_SPTR)s, len, 0, 0, rx->md, rx->mctx);
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
	pcre2_jit_stack_free(rx->jit_stack);
	pcre2_code_free(rx->code);
	free(rx);
}
