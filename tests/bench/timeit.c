/*
 * timeit.c - `make bench`'s stopwatch: run a command RUNS times and print the median wall
 * time (ms, from CLOCK_MONOTONIC around fork and wait), the median user+sys time (ms,
 * from wait4's rusage) and the median peak RSS (KB) of the runs:
 *
 *   timeit [-n RUNS] [-p PREP] [-C DIR] -- COMMAND [ARG...]
 *
 * PREP, when given, runs through /bin/sh -c before each run, untimed (a clean build
 * removes the output first). COMMAND is executed directly, without a shell, with its
 * output sent to /dev/null, so a figure holds nothing but the command: no shell and no
 * /usr/bin/time, whose few milliseconds would swamp the small figures. Exit status 0,
 * whatever the command's (a benchmark asserts nothing); 2 for bad usage, 3 when a
 * command cannot be started.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Run argv (in dir, output to /dev/null); its rusage in *ru. -1 when it cannot start. */
static int run(char **argv, const char *dir, struct rusage *ru)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		if (dir && chdir(dir) != 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	int status;
	if (wait4(pid, &status, 0, ru) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 127 ? -1 : 0;
}

int main(int argc, char **argv)
{
	int runs = 7, opt;
	const char *prep = NULL, *dir = NULL;
	while ((opt = getopt(argc, argv, "+n:p:C:")) != -1) {
		switch (opt) {
		case 'n': runs = atoi(optarg); break;
		case 'p': prep = optarg; break;
		case 'C': dir = optarg; break;
		default: return 2;
		}
	}
	if (optind >= argc || runs < 1 || runs > 1000) {
		fprintf(stderr, "usage: timeit [-n RUNS] [-p PREP] [-C DIR] -- COMMAND [ARG...]\n");
		return 2;
	}
	double *wall = calloc((size_t)runs, sizeof(double));
	double *cpu = calloc((size_t)runs, sizeof(double));
	double *rss = calloc((size_t)runs, sizeof(double));
	if (!wall || !cpu || !rss)
		return 3;
	for (int i = 0; i < runs; i++) {
		if (prep && system(prep) != 0) {
			fprintf(stderr, "timeit: the preparation failed: %s\n", prep);
			return 3;
		}
		struct rusage ru;
		double t0 = now_ms();
		if (run(argv + optind, dir, &ru) != 0) {
			fprintf(stderr, "timeit: cannot run %s\n", argv[optind]);
			return 3;
		}
		wall[i] = now_ms() - t0;
		cpu[i] = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
			 (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
		rss[i] = (double)ru.ru_maxrss;
	}
	printf("%.2f %.2f %.0f\n", median(wall, runs), median(cpu, runs), median(rss, runs));
	return 0;
}
