/*
 * facts.h - the facts cache (facts.c): `lint ENV` without loading the environments whose
 * last full check found nothing and whose files have not changed since.
 *
 * A run that checks every environment (lint, check, build with no ENV, --only, --skip or
 * --staged) writes <git dir>/eragen-facts; `lint ENV` reads it, leaves out of the run the
 * environments it vouches for, and falls back to loading every one (facts_restart) as
 * soon as something could need one it left out.
 */
#ifndef ERAGEN_FACTS_H
#define ERAGEN_FACTS_H

#include "eragen.h"

/* The start of a run (before any file is read): the clock that judges racy files, and
 * what the run may do with the cache: use it (lint ENV), save it (lint, check, build of
 * every environment; --only, --skip, --staged and ERAGEN_TEST_FULL_CHECKS do neither). */
void facts_begin(struct ctx *ctx, bool use, bool save, int nenv, char **envs);
/* The root, the data directory and the git directory known: the cache read, when this
 * run may leave environments out. */
void facts_open(struct ctx *ctx);
/* While the environments are listed: is name one the run leaves out? */
bool facts_skip(struct ctx *ctx, const char *name);
/* After the listing: is every name given one loaded? false: facts_restart is set. */
bool facts_names(struct ctx *ctx, int nenv, char **envs);
/* After the models: can the environments loaded answer for every finding that involves
 * a selected one? false: facts_restart is set. */
bool facts_verify(struct ctx *ctx);
/* check_select.c: the files a round's findings say must be checked (all, or layer[f]):
 * read by an environment left out, the run starts again with all of them. */
void facts_layers(struct ctx *ctx, bool all, const bool *layer, size_t nfiles);
/* The run must start again with every environment loaded (set by the above). */
bool facts_restart(const struct ctx *ctx);
/* The end of the checks of a full run: the cache written (best effort). */
void facts_save(struct ctx *ctx);
/* ERAGEN_TEST_LOADED: how many environments were loaded, on stderr. */
void facts_tell(const struct ctx *ctx);

#endif
