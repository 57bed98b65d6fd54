/*
 * out_sync_int.h - what the sync's two files share (out_sync.c, out_orphan.c): the state
 * of one sync and of each file it compared. Private to them; out.h is the API.
 */
#ifndef ERAGEN_OUT_SYNC_INT_H
#define ERAGEN_OUT_SYNC_INT_H

#include "out_int.h"
#include "out_report.h"

enum state { ST_UNCHANGED, ST_MISSING, ST_STALE, ST_EDITED, ST_REFUSED };

/* What is kept of a file once compared: its path (in the sync's arena), the blob ID of
 * its body (for the manifest), the blob ID of its whole content (--stage), its state. */
struct done {
	const char *path;
	char blob[41];
	char whole[41];
	char hh[41];	/* the blob ID of its header ("-": none; "": not known) */
	enum state st;
	bool forced;	/* edited by hand, replaced with --force */
	bool vouched;	/* found unchanged by its stamp, unread (out_stamp.c) */
	struct file_id id;	/* the file on disk (st_ino 0: none, or read from the index) */
	size_t cix;		/* written: its place in the commit, plus one (0: not written) */
};

/* Report text about one path, kept until the end to be printed in path order. */
struct piece {
	const char *path;
	size_t seq;
	char *text;
};

struct sync {
	struct ctx *ctx;
	struct out_opts o;
	struct strbuf *report;
	struct out_stats *st;
	size_t before;		/* diagnostics before the sync began */
	size_t scanned;		/* diagnostics since then already looked at for errors */
	bool refusing;		/* an error was found: no more temp files are written */
	const bool *bad;	/* emit_env_errors */
	struct arena a;		/* paths of the files done, the old manifest's paths */
	struct walk w;
	struct strbuf abs, head, mtext, piece;
	struct mentry *old;	/* the old manifest's valid entries, sorted by path */
	size_t nold;
	uint32_t mfile;		/* the manifest as a source file (its lines' locations) */
	char *mdata;
	size_t mlen;
	bool mexists;
	struct out_lock lock;	/* building: held from the beginning to the end */
	struct mentry *jold;	/* an interrupted build's journal, sorted by path */
	size_t njold;
	char *jdata;
	size_t jlen;
	bool jexists;
	struct done *done;
	size_t ndone, capdone;
	struct piece *pieces;
	size_t npieces, cappieces;
	/* at the end: the new manifest's entries, the orphans (intact: prunable) with the
	 * identity of the file read, those edited by hand (kept), paths to unstage */
	struct mentry *keep, *orphans, *edited;
	size_t nkeep, capkeep, norphans, caporphans, nedited, capedited;
	struct file_id *oids;
	size_t capoids;
	struct file_id *ids;	/* the identities of the generated files read, sorted */
	size_t nids;
	const char **gone;
	size_t ngone, capgone;
	struct commit commit;
	struct file_id *renamed;	/* each committed file's lstat right after its rename */
	struct out_list list;	/* build --verbose, --dry-run */
	struct stamps stamps;	/* the stamp cache, not with --staged */
	struct oom_guard guard;	/* from out_sync_begin to the end: the sync is released */
};

/*
 * The environment a generated path belongs to (its index in ctx->envs), -1 for
 * repository-level paths (out_sync.c).
 */
long path_env(const struct ctx *ctx, const char *path);
/* struct done by path, for qsort and bsearch (out_sync.c). */
int cmp_done(const void *a, const void *b);
/* DRIFT005 acknowledged in ENV's lint.ignore: its reason, or NULL (out_sync.c). */
const char *drift005_suppressed(const struct ctx *ctx, const char *env);
/* The old manifest's entries no input produces any more, judged (out_orphan.c): intact
 * ones may be pruned, edited ones are kept and reported (DRIFT005). -1 on a failure. */
int find_orphans(struct sync *s);

/* After a sync found every file unchanged with nothing to say, of every environment:
 * the render cache written for the next run (out_cache.c). mchanged: new_manifest's. */
void out_cache_save(struct sync *s, bool mchanged);
#endif
