/*
 * repo_index_file.h - the git index file read without libgit2, for the read-only
 * questions --staged asks (repo_index_file.c; repo_index.c is its one user, beside the
 * unit test that holds its answers against libgit2's).
 *
 * rif_load either understands the whole file and answers exactly as libgit2 1.5 would
 * from it, or declines (1, with the reason in f->why): then the caller asks libgit2,
 * which gives the answers or the error it gives today. The one difference: the file's
 * trailing SHA-1 is not verified (repo_index_file.c says why).
 */
#ifndef ERAGEN_REPO_INDEX_FILE_H
#define ERAGEN_REPO_INDEX_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One entry, as the file holds it. */
struct rif_entry {
	const char *path;	/* relative to the work tree, NUL-terminated, in f */
	size_t len;
	uint32_t mode;		/* raw: libgit2 does not normalize it when it reads */
	uint32_t size;		/* the file's size (its low 32 bits) */
	uint16_t flags;		/* stage: (flags >> 12) & 3 */
	unsigned char id[20];	/* the object ID */
};

struct rif {
	char *buf;		/* the whole file (heap) */
	char *paths;		/* version 4: the paths, expanded (heap) */
	struct rif_entry *v;	/* in index order (heap) */
	size_t n;
	const char *why;	/* what made rif_load decline (a static string) */
};

/*
 * Read and check the index file at path into f (zeroed by the caller): 0 when it is
 * understood (an absent file is an empty index, as for libgit2), 1 when it is not (f->why
 * says why: the caller asks libgit2 instead; f holds nothing then). Running out of memory
 * unwinds (oom) with what is allocated reachable from f: rif_free releases it.
 */
int rif_load(struct rif *f, const char *path);
void rif_free(struct rif *f);

static inline int rif_stage(const struct rif_entry *e)
{
	return (e->flags >> 12) & 3;
}

/* The position of (path, stage), or -1. */
long rif_find(const struct rif *f, const char *path, int stage);
/* Is path in the index at stage 1, 2 or 3 (an unresolved merge conflict)? */
bool rif_conflict(const struct rif *f, const char *path);
/*
 * The position libgit2's git_index_find_prefix gives: its binary search for prefix (at
 * any stage), true when the entry found there starts with prefix.
 */
bool rif_find_prefix(const struct rif *f, const char *prefix, size_t *pos);

#endif
