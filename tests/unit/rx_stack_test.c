/*
 * rx_stack_test.c - every JIT-compiled pattern matches on one shared JIT stack (rx.c):
 * a match still has the whole stack, whatever ran before it. The longest subject a
 * stack-hungry pattern decides is found by bisection; after another pattern has run out
 * of stack, and after its own undecided match, the pattern still decides that subject
 * and still cannot decide one byte more. Prints "rx_stack_test: N passed, M failed";
 * exits 1 on any failure.
 */
#include "rx.h"
#include "t.h"

#include <stdlib.h>
#include <string.h>

#define MAXLEN (1u << 20)

static struct rx *compile(const char *p)
{
	char err[200];
	struct rx *rx = rx_compile(p, strlen(p), false, err, sizeof(err));
	CHECK(rx != NULL, "'%s' does not compile: %s", p, err);
	return rx;
}

int main(void)
{
	char *s = malloc(MAXLEN);
	if (!s)
		return 2;
	memset(s, 'a', MAXLEN);
	struct rx *a = compile("^((a)|(b))*$"), *b = compile("^((a)|(b)|(c))*$");
	if (!a || !b)
		return T_DONE("rx_stack_test");
	/* each iteration of the group keeps a frame: long subjects are undecided */
	CHECK(rx_search(a, s, 10) == 1, "a short subject is undecided");
	CHECK(rx_search(a, s, MAXLEN) == -1, "a subject of 1 MiB is decided");
	size_t lo = 10, hi = MAXLEN;
	while (lo + 1 < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rx_search(a, s, mid) == 1)
			lo = mid;
		else
			hi = mid;
	}
	CHECK(rx_search(b, s, MAXLEN) == -1, "the other pattern decides 1 MiB");
	CHECK(rx_search(a, s, lo) == 1, "%zu bytes undecided after the other pattern", lo);
	CHECK(rx_search(a, s, hi) == -1, "%zu bytes decided after the other pattern", hi);
	CHECK(rx_search(a, s, lo) == 1, "%zu bytes undecided after an undecided match", lo);
	CHECK(rx_search(b, s, 100) == 1 && rx_search(a, s, lo) == 1,
	      "%zu bytes undecided after a short match of the other pattern", lo);
	rx_free(a);
	rx_free(b);
	free(s);
	return T_DONE("rx_stack_test");
}
