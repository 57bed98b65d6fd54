/*
 * check/extra.h - the escape hatch (DESIGN 6): environments/<env>/extra/{infra,platform}/
 * *.tf, judged by DRIFT006 (check/extra.c) and copied verbatim into out/<env>/<stack>/ by
 * the tofu back end (emit/tofu.c). Both read the files through these two functions, so a
 * file is read and registered once per run.
 */
#ifndef ERAGEN_CHECK_EXTRA_H
#define ERAGEN_CHECK_EXTRA_H

#include "eragen.h"

/* The names of the *.tf files in environments/<env>/extra/<stack>/, sorted (bytewise),
 * in env->arena; *n = 0 when the directory does not exist. Hidden files are skipped. */
const char *const *extra_list(struct ctx *ctx, struct env *env, const char *stack, size_t *n);

/* The file at relpath: the one registered already (by an earlier call), else read now
 * (srcfile_read: SPEC012 when it cannot be used). NULL when it cannot be used. */
const struct srcfile *extra_source(struct ctx *ctx, const char *relpath);

#endif
