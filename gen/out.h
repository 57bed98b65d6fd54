/*
 * out.h - generated files: rendered to memory, then compared with what is on disk
 * (check) or written atomically (build). out*.c (out_int.h says which holds what) own
 * headers, digests (git blob IDs, through repo.c), out/.eragen-manifest, .gitattributes
 * and the safety rules of DESIGN 6:
 * temp file + fsync + rename in the same directory, unchanged files untouched, nothing
 * outside the repository, nothing at all when any error was found.
 */
#ifndef ERAGEN_OUT_H
#define ERAGEN_OUT_H

#include "eragen.h"

enum comment_style {
	COMMENT_HASH,	/* "# ..." header lines: HCL, YAML, Makefile, .gitattributes */
	COMMENT_NONE,	/* JSON: no comments; the manifest alone records the digest */
};

struct outfile {
	const char *path;		/* relative to the repository root */
	enum comment_style style;
	const char **sources;		/* input paths it derives from (sorted, unique) */
	size_t nsources, capsources;
	struct strbuf body;		/* the content, header excluded */
	const char *env;		/* the environment it belongs to, NULL: repository */
	bool copied;			/* a verbatim copy of an extra .tf file: no header */
	struct arena *arena;		/* its set's: the path and sources live there */
};

/* The files of one environment (or the repository-level ones): zero-initialised. */
struct outset {
	struct arena arena;		/* the outfiles, paths, sources (bodies are heap) */
	struct outfile **files;
	size_t n, cap;
};

/* A new file in set (paths must be unique: a second add of a path is a BUG). */
struct outfile *out_add(struct ctx *ctx, struct outset *set, const char *path,
			enum comment_style style, const char *env);
void out_source(struct ctx *ctx, struct outfile *f, const char *source);
/* Free the bodies and the arena; set is empty (and reusable) afterwards. */
void outset_release(struct outset *set);

/*
 * out_manifest.c: why path (len bytes) cannot be the path of a generated file, one that
 * the manifest lists and reads back: empty, absolute, longer than OUT_PATH_MAX bytes, a
 * component that is empty, '.', '..' or longer than 255 bytes, a control character, not
 * UTF-8. NULL when it can be; else the reason, and *at the offset of the problem.
 */
#define OUT_PATH_MAX 1024
const char *out_path_problem(const char *path, size_t len, size_t *at);
/* Does path match pattern: component by component, '*' in a pattern's component
 * standing for any run of characters, a trailing '/' for everything below? */
bool out_path_match(const char *pattern, const char *path);

#endif
