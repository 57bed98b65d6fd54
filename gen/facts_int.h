/*
 * facts_int.h - private to gen/facts*.c: the cache's reading (facts.c) and writing
 * (facts_save.c) share its format, the keys and the stat tuples.
 *
 * The format, one line each: "eragen-facts 1", "build ID", "root PATH", "data PATH",
 * "clock SEC NSEC" (the start of the run that wrote it), the shared inputs ("f DEV INO
 * SIZE MSEC MNSEC CSEC CNSEC PATH", or "a PATH": absent), then per environment, by name,
 * "e NAME", its extends chain ("c TUPLE PATH", its own env.yaml first), its other files
 * and directories ("f ..." or "a ..."), its keys ("k KIND HASH", "n FIRST LAST").
 * Paths are relative to the root unless absolute.
 */
#ifndef ERAGEN_FACTS_INT_H
#define ERAGEN_FACTS_INT_H

#include "facts.h"

#include <time.h>

#define FACTS_NAME "eragen-facts"
#define FACTS_MAGIC "eragen-facts 1"
#define NKEYS 4		/* cluster, state, domain, Cognito client */

struct keys {
	uint64_t h[NKEYS];
	bool has[NKEYS];
	uint32_t first, last;	/* the VPC CIDR's range */
	bool has_net;
};

struct entry {
	const char *name;
	char **lines;		/* its lines after "e NAME" */
	size_t nlines;
	int valid;		/* 0: not judged yet, 1, -1 */
	bool skipped;
	struct keys keys;
};

struct facts {
	bool use, save, restart;
	struct timespec t0;	/* this run's start */
	struct timespec written;	/* the start of the run that wrote the cache read */
	char **sel;
	int nsel;
	struct entry *v;	/* by name */
	size_t n, nskipped;
	struct strmap parents;	/* a parent's "c ..." line: 1 if it holds, 0 if not */
};

/* What the cross-environment rules compare of e, normalised as they compare it. */
void facts_keys(const struct env *e, struct keys *k);
/* "KIND TUPLE PATH" (stat, following links as the reads do) or "a PATH" (absent) appended
 * to sb; false when neither can be said. */
bool facts_put_stat(const struct ctx *ctx, struct strbuf *sb, char kind, const char *path);

#endif
