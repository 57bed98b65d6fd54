/*
 * out_int.h - what the files of generated output share, and no other file includes: the
 * walk, the verdicts of a read, the commit, the manifest's entries, and the internal
 * functions (ow_*). The public side is out.h (the set) and outwrite.h (the sync, headers,
 * diffs).
 *
 *   out.c       the set (out.h), headers (out_header, ow_header_parse), the manifest's
 *               entries (ow_manifest_parse, ow_manifest_find)
 *   out_diff.c  out_udiff: the line diff of check's report
 *   out_disk.c  the walk (directory checks, symlinks leading out: SPEC012), the reads
 *               (ow_disk_read: the disk, or the git index with --staged), locations in
 *               generated files, and the two-phase commit with its journal (temp files,
 *               syncfs, renames, out/.eragen-journal, the directories it created)
 *   out_sync.c  the sync (out_sync_*): compare, DRIFT005, orphans, the new manifest,
 *               --stage, --prune, the sweep after an interrupted build; check_out
 *
 * A struct walk and a struct commit are zero-initialised, and belong to the struct sync
 * that embeds them (out_sync.c frees what they hold). The ow_* functions that can fail
 * report a system failure with error() and return -1 (ow_disk_read: DISK_ERROR); a
 * generated path that cannot be used becomes a diagnostic (SPEC012); the header and
 * manifest parsers report nothing.
 */
#ifndef ERAGEN_OUT_INT_H
#define ERAGEN_OUT_INT_H

#include "outwrite.h"

/* ---- headers, the manifest (out.c) ---------------------------------------------- */

struct mentry {
	const char *path;
	char blob[41];
};

/*
 * Split a file on disk into the blob ID its header claims and its body. false when it
 * has no eragen header (its four lines are not all there, in order).
 */
bool ow_header_parse(const char *s, size_t len, char claim[41], size_t *body);
/* qsort/bsearch order of manifest entries: by path. */
int ow_cmp_mentry(const void *a, const void *b);
/* Parse "<blob>  <path>" lines into *out (heap; paths in a); anything else is ignored
 * (the file is regenerated). */
void ow_manifest_parse(struct arena *a, const char *s, size_t len, struct mentry **out,
		       size_t *count);
/* The entry for path in v (sorted by path), or NULL. */
const struct mentry *ow_manifest_find(const struct mentry *v, size_t n, const char *path);

/* ---- the walk and the reads (out_disk.c) ---------------------------------------- */

/*
 * Directory checks, cached from path to path: last is the directory checked last, exist
 * its prefix that exists (the rest does not), refused the directories found to lead out
 * of the repository (everything under one is refused without a new message).
 */
struct walk {
	struct strbuf last, abs;
	char **refused;
	size_t nrefused, caprefused;
	char *buf;		/* ow_disk_read's buffer, reused from file to file */
	size_t cap;
	size_t exist;
	bool have_last;
};

/* DISK_HUGE: a file far larger than anything eragen would write there: not read. */
enum disk { DISK_MISSING, DISK_FILE, DISK_REFUSED, DISK_HUGE, DISK_ERROR };

/* ctx->root + '/' + rel[0..n) in sb (reset first); returns sb's text. */
const char *ow_abs_path(struct ctx *ctx, struct strbuf *sb, const char *rel, size_t n);
/* A location in a generated file: registered once per reported file. With data NULL
 * (or not text), line is ignored: the location names the file only. */
struct loc ow_gen_loc(struct ctx *ctx, const char *path, const char *data, size_t len,
		      uint32_t line);
/* Read rel (one open, one fstat, reads) into w's buffer: valid until the next read;
 * DISK_HUGE, unread (*len its size), when it has more than max bytes. With --staged
 * (check), the index stands for the disk. */
enum disk ow_disk_read(struct ctx *ctx, struct walk *w, const char *rel, size_t max,
		       char **data, size_t *len);

/* ---- the commit (out_disk.c) ---------------------------------------------------- */

/* A two-phase commit of a build's writes, and its journal: out_disk.c says how it works. */
struct commit {
	char **tmp, **dst;	/* absolute paths, heap */
	size_t n, cap, capd;
	char **dirs;		/* directories it created, removed again on abort */
	size_t ndirs, capdirs;
	struct strbuf claims;	/* the journal's lines: older claims first, then ours */
	size_t older;		/* the length of the older claims (an interrupted build's) */
	char *journal;		/* its absolute path, once created */
	size_t renamed;
};

/* Phase 1: head + body into a temp file beside rel (directories created as needed);
 * blob, the ID of the body, goes to the journal (NULL: the manifest, not claimed). */
int ow_commit_add(struct ctx *ctx, struct commit *c, const char *rel, const char *blob,
		  const char *head, size_t hlen, const char *body, size_t blen);
/* Phase 2: flush, rename every temp file over its target in order, flush again, then
 * delete the journal. 0, or -1 after error() (the temp files left are removed). */
int ow_commit_finish(struct ctx *ctx, struct commit *c);
/* Remove the temp files not renamed yet, and the directories created for them that are
 * empty again (the deepest first); forget everything. */
void ow_commit_abort(struct commit *c);
/* Forget the directories created: the files renamed into them are there to stay. */
void ow_commit_keep_dirs(struct commit *c);
/* Write the journal (text may be NULL when len is 0), its directories as needed. */
int ow_journal_write(struct ctx *ctx, struct commit *c, const char *text, size_t len);

#endif
