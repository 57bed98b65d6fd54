/*
 * out_orphan.c - the orphans of a sync (out_sync.c): the old manifest's entries that no
 * input produces any more. Each is read the strict way (out_strict.c): one whose body
 * still has the digest eragen recorded may be pruned (--prune) and is reported as
 * orphaned (OUT003); one edited by hand is kept, even by --prune, and is DRIFT005. A file
 * that is also one of the generated files read (the same inode under another name) is
 * never judged twice.
 */
#include "model.h"
#include "out_sync_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int cmp_ident(const void *pa, const void *pb)
{
	const struct file_id *a = pa, *b = pb;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	return (a->ino > b->ino) - (a->ino < b->ino);
}

/* The identities of the generated files found on disk, sorted, in s->ids. */
static void collect_ids(struct sync *s)
{
	s->ids = xcalloc(s->ndone + 1, sizeof(*s->ids));
	for (size_t i = 0; i < s->ndone; i++)
		if (s->done[i].id.ino)
			s->ids[s->nids++] = s->done[i].id;
	if (s->nids > 1)
		qsort(s->ids, s->nids, sizeof(*s->ids), cmp_ident);
}

/* SPEC012 at the manifest's line of e, about its path. */
ATTR_PRINTF(3, 4)
static void at_entry(struct sync *s, const struct mentry *e, const char *fmt, ...)
{
	struct loc at = { .file = s->mfile, .line = s->mfile ? e->line : 0,
			  .col = s->mfile ? 43 : 0 };
	va_list ap;
	va_start(ap, fmt);
	struct diag *d = diag_vadd(s->ctx, "SPEC012", NULL, at, fmt, ap);
	va_end(ap);
	diag_help(s->ctx, d, "it is kept, neither read nor deleted: remove it by hand if it "
			     "is not needed, and its line from %s", OUT_MANIFEST);
}

/* check: "orphaned" with its diff (a/ only); with the edited ones, DRIFT005 too. */
static void report_orphan(struct sync *s, const struct mentry *old, const char *data,
			  size_t len, bool edited)
{
	struct ctx *ctx = s->ctx;
	long ei = path_env(ctx, old->path);
	const char *env = ei >= 0 ? ctx->envs[ei]->name : NULL;
	if (edited) {
		struct diag *dg = diag_add(ctx, "DRIFT005", env, ow_gen_loc(ctx, old->path, data,
									       len, 1),
					   "orphaned file '%s' was edited by hand: its body no "
					   "longer matches the digest eragen recorded, so "
					   "'eragen build --prune' keeps it", old->path);
		diag_help(ctx, dg, "delete it by hand if the edit is not needed, or move the "
				   "change into a spec or template");
		const char *reason = drift005_suppressed(ctx, env);
		if (reason) {
			dg->suppressed = true;
			dg->suppress_reason = arena_strdup(&ctx->perm, reason);
		}
	}
	struct out_item it = { .path = old->path, .env = env,
			       .kind = edited ? OUTK_ORPHAN_EDITED : OUTK_ORPHAN, .disk = data,
			       .dlen = len };
	out_report_file(ctx, &s->o, s->report, &it);
}

/*
 * A manifest entry in scope that nothing rendered: read the strict way (no symbolic
 * link, a regular file), then an orphan when its body still has the recorded digest
 * (prunable), edited by hand when not (kept, like an edited generated file); never when
 * it is one of the generated files under another name.
 */
static int judge_orphan(struct sync *s, const struct mentry *old)
{
	struct ctx *ctx = s->ctx;
	char *data;
	size_t len;
	struct file_id id = { 0 };
	s->w.id = &id;
	enum disk d = ow_strict_read(ctx, &s->w, old->path, SRC_MAX_BYTES, &data, &len);
	s->w.id = NULL;
	bool alias = d != DISK_MISSING && id.ino && s->nids &&
		     bsearch(&id, s->ids, s->nids, sizeof(*s->ids), cmp_ident);
	bool intact = false;
	if (d == DISK_ERROR || (d == DISK_FILE && !alias &&
				ow_body_matches(data, len, old->blob, &intact) != 0))
		return -1;
	if (d == DISK_MISSING) {
		if (s->o.stage)	/* deleted by hand: the index forgets it too */
			VEC_PUSH(s->gone, s->ngone, s->capgone, old->path);
		return 0;	/* gone already: forget it */
	}
	if (d != DISK_FILE || alias || !intact)
		VEC_PUSH(s->keep, s->nkeep, s->capkeep, *old);
	if (d == DISK_REFUSED || alias) {
		at_entry(s, old, alias ? "'%s' is one of the generated files under another name "
					 "(a hard link, or another case on a case-insensitive file "
					 "system): it is not an orphan"
				       : "'%s' is not a regular file reached without a symbolic "
					 "link: it is not read, and never deleted",
			 old->path);
		return 0;
	}
	s->st->orphaned++;
	if (d == DISK_HUGE || !intact) {	/* (too large to be eragen's: not read) */
		VEC_PUSH(s->edited, s->nedited, s->capedited, *old);
		if (s->o.diffs)
			report_orphan(s, old, d == DISK_HUGE ? "" : data, d == DISK_HUGE ? 0 : len,
				      true);
		return 0;
	}
	VEC_PUSH(s->orphans, s->norphans, s->caporphans, *old);
	vec_grow((void **)&s->oids, &s->capoids, s->norphans, sizeof(*s->oids));
	s->oids[s->norphans - 1] = id;
	if (!s->o.prune)
		VEC_PUSH(s->keep, s->nkeep, s->capkeep, *old);
	if (s->o.diffs)
		report_orphan(s, old, data, len, false);
	return 0;
}

/*
 * Orphans: manifest paths in scope that nothing renders any more. In scope: the files of
 * the environments rendered in this run, and the repository-level ones when those were
 * rendered and no ENV was named (a removed environment's directory is repository-level:
 * only a run over everything judges it). The new manifest keeps every entry out of
 * scope, and orphans unless pruned. s->done is sorted.
 */
int find_orphans(struct sync *s)
{
	struct ctx *ctx = s->ctx;
	collect_ids(s);
	for (size_t i = 0; i < s->nold; i++) {
		const struct mentry *old = &s->old[i];
		long ei = path_env(ctx, old->path);
		bool scope = ei >= 0 ? emit_selected(ctx, ctx->envs[ei]) && !s->bad[ei]
				     : s->st->repo_done && !ctx->opt.envs;
		struct done key = { .path = old->path };
		if (s->ndone && bsearch(&key, s->done, s->ndone, sizeof(*s->done), cmp_done))
			continue;	/* rendered: its new entry replaces this one */
		if (!scope)
			VEC_PUSH(s->keep, s->nkeep, s->capkeep, *old);
		else if (judge_orphan(s, old) != 0)
			return -1;
	}
	return 0;
}

