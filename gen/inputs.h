/*
 * inputs.h - the inputs of a render, recorded where they are read (inputs.c), so that
 * the render cache (out_cache.c) can tell that a render would read exactly what the
 * last one read, and so produce exactly its files.
 *
 * Recording is on for a run only when ctx->inputs is set (inputs_begin): build and check
 * of every environment. Nothing else pays for it.
 */
#ifndef ERAGEN_INPUTS_H
#define ERAGEN_INPUTS_H

#include "eragen.h"

struct srcfile;

/* Start recording (ctx->inputs, in ctx->perm). */
void inputs_begin(struct ctx *ctx);
/* This run cannot be vouched for (a record that cannot be written, a partial run): no
 * cache is used or written. */
void inputs_spoil(struct ctx *ctx);

/*
 * The hooks, called where eragen reads (srcfile.c, check/extra.c): a no-op when not
 * recording. inputs_enter/inputs_leave bracket an operation made of others (the outer
 * one alone is recorded). An operation during the render is recorded with what it found,
 * to be done again by inputs_still (the front end's are covered by its files).
 */
void inputs_enter(struct ctx *ctx);
void inputs_leave(struct ctx *ctx);
/* srcfile_read_data(rel, exists or NULL) found f (NULL: nothing, or a failed read). */
void inputs_data(struct ctx *ctx, const char *rel, bool asked, const struct srcfile *f);
/* A read no record can do again (srcfile_read_abs on its own): a render that makes one
 * cannot be vouched for. */
void inputs_other(struct ctx *ctx);
/* srcfile_read(rel) found f. */
void inputs_read(struct ctx *ctx, const char *rel, const struct srcfile *f);
/* extra_list(env, stack) listed names. */
void inputs_list(struct ctx *ctx, const char *env, const char *stack,
		 const char *const *names, size_t n);

/*
 * The end of the front end: the digest of everything it read (every file registered so
 * far, by path and content, the environments found, the probes and listings), the
 * executable's build ID, the options that change what is read, into digest. From now on
 * operations are the render's. false (no digest) when the run cannot be vouched for, or
 * the executable has no build ID.
 */
bool inputs_front(struct ctx *ctx, char digest[41]);
/* inputs_front's digest, NULL when none (or the run was spoiled since). */
const char *inputs_digest(const struct ctx *ctx);
/* The render's operations so far, one line each ("" when none). */
const char *inputs_render_records(const struct ctx *ctx);
/* Does every operation of records (inputs_render_records of an earlier run) find now
 * what it found then? Each is done again (and recorded again). */
bool inputs_still(struct ctx *ctx, const char *records, size_t len);
/* The executable's ELF build ID in hex, or NULL when it has none. */
const char *inputs_build_id(void);

#endif
