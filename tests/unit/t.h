/*
 * t.h - the smallest test harness: CHECK counts, T_DONE prints "NAME: N passed, M failed"
 * (the line tests/run reads) and gives the exit status.
 */
#ifndef ERAGEN_T_H
#define ERAGEN_T_H

#include <stdio.h>

static int t_pass, t_fail;

#define CHECK(cond, ...)                                                             \
	do {                                                                         \
		if (cond) {                                                          \
			t_pass++;                                                    \
		} else {                                                             \
			t_fail++;                                                    \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);                  \
			printf(__VA_ARGS__);                                         \
			putchar('\n');                                               \
		}                                                                    \
	} while (0)

#define T_DONE(name) (printf("%s: %d passed, %d failed\n", (name), t_pass, t_fail), t_fail != 0)

#endif
