/*
 * out_int.h - what the files of generated output share, and no other file includes: the
 * walk, the verdicts of a read, the commit, the manifest's entries, and the internal
 * functions (ow_*). The public side is out.h (the set) and outwrite.h (the sync, headers,
 * diffs).
 *
 *   out.c       the set (out.h), headers (out_header, ow_header_parse)
 *   out_manifest.c  the manifest read as untrusted input (ow_manifest_load: every line
 *               checked, SPEC012 at its line), the journal's claims, the paths eragen
 *               owns (out_path_match, ow_owned), whether an orphan is still intact
 *   out_lock.c  the lock that serialises builds (out/.eragen-lock)
 *   out_diff.c  out_udiff: the line diff of check's report
 *   out_disk.c  the walk (directory checks, symlinks leading out: SPEC012), the reads
 *               (ow_disk_read: the disk, or the git index with --staged), locations in
 *               generated files, the two-phase commit with its journal (temp files,
 *               syncfs, renames, out/.eragen-journal, the directories it created)
 *   out_strict.c  the paths the manifest names, read and deleted following no symbolic
 *               link (ow_strict_read, ow_strict_unlink); the sweep of temp files
 *   out_sync.c  the sync (out_sync_*): compare, DRIFT005, orphans, the new manifest,
 *               --stage, --prune, the sweep after an interrupted build; check_out
 *
 * A struct walk and a struct commit are zero-initialised, and belong to the struct sync
 * that embeds them (out_sync.c frees what they hold). The ow_* functions that can fail
 * report a system failure with error() and return -1 (ow_disk_read: DISK_ERROR); a
 * generated path that cannot be used becomes a diagnostic (SPEC012); the header parser
 * and the journal's reports nothing.
 */
#ifndef ERAGEN_OUT_INT_H
#define ERAGEN_OUT_INT_H

#include "outwrite.h"

#include <sys/types.h>
#include <time.h>

/* ---- headers (out.c) ----------------------------------------------------------- */

/*
 * Split a file on disk into the blob ID its header claims and its body. false when it
 * has no eragen header (its four lines are not all there, in order).
 */
bool ow_header_parse(const char *s, size_t len, char claim[41], size_t *body);
/* The line starting at *pos (without its newline); advances *pos past it. */
bool ow_next_line(const char *s, size_t len, size_t *pos, const char **line, size_t *n);
/* Do the n bytes at s start with 40 lowercase hexadecimal digits? */
bool ow_is_hex40(const char *s, size_t n);

/* ---- the manifest, the journal's claims, owned paths (out_manifest.c) ------------ */

struct mentry {
	const char *path;
	char blob[41];
	uint32_t line;		/* in the manifest (1-based), for diagnostics */
};

/*
 * The manifest's text (data, as read from the disk or the index) as untrusted input:
 * each line "<blob>  <path>" naming a path eragen owns becomes an entry (*out, heap,
 * sorted by path; paths in a). Every other line (a bad blob ID or separator, a path
 * that is empty, absolute, with a '.', '..' or empty component, a control character,
 * too long, not owned, eragen's own file, or listed twice, also by case) is SPEC012 at
 * its line and column, and no entry: nothing is ever done to the path it names. Bytes
 * that are not text (NUL, not UTF-8) are SPEC012 too, and give no entry at all. Returns
 * the manifest's file id (for locations at its lines), 0 when it is not text.
 */
uint32_t ow_manifest_load(struct ctx *ctx, struct arena *a, const char *data, size_t len,
			  struct mentry **out, size_t *count);
/* The journal's "<blob>  <path>" claims, the same way but silently: a line that is not
 * a valid claim about a path eragen owns is skipped (a killed build may cut the last). */
void ow_claims_parse(struct arena *a, const char *s, size_t len, struct mentry **out,
		     size_t *count);
/* qsort/bsearch order of manifest entries: by path. */
int ow_cmp_mentry(const void *a, const void *b);
/* The entry for path in v (sorted by path), or NULL. */
const struct mentry *ow_manifest_find(const struct mentry *v, size_t n, const char *path);
/* May a generated file have this path (a valid one): does an owned pattern match it,
 * and is it not eragen's own file (the manifest, journal, lock, a temp file)? */
bool ow_owned(const char *path);
/* Is name the file name of a temp file (.<name>.eragen-tmp)? */
bool ow_temp_name(const char *name);
/* Does the body of data (after its eragen header, if it has one; else all of it) have
 * the blob ID blob? 0 with *match set, or -1 after error(). */
int ow_body_matches(const char *data, size_t len, const char *blob, bool *match);

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
	struct ident *id;	/* when set, each read from the disk fills it in */
};

/* A file as it was read: prune deletes an orphan only while it is still that file, and
 * never when it is one of the generated files under another name (a hard link, or
 * another case on a case-insensitive file system). */
struct ident {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
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
/* Read the open fd (rel) into w's buffer and close it: a regular file of at most max
 * bytes (else DISK_HUGE, unread, *len its size); anything else is DISK_REFUSED, with
 * SPEC012 when report is set. w->id, when set, receives its identity. */
enum disk ow_read_fd(struct ctx *ctx, struct walk *w, int fd, const char *rel, size_t max,
		     bool report, char **data, size_t *len);
/* check --staged: rel as the index holds it, copied into w's buffer (SPEC012 for a
 * conflict or what is not a file: DISK_REFUSED). */
enum disk ow_index_read(struct ctx *ctx, struct walk *w, const char *rel, size_t max,
			char **data, size_t *len);

/* ---- the paths the manifest names (out_strict.c) -------------------------------- */

/*
 * The same for a path the manifest names (an orphan), strictly: no symbolic link on the
 * way or at the end, even one that stays inside the repository, and nothing but a regular
 * file; DISK_REFUSED (reported by nobody: the caller does, at the manifest's line)
 * otherwise. w->id, when set, receives the file's identity.
 */
enum disk ow_strict_read(struct ctx *ctx, struct walk *w, const char *rel, size_t max,
			 char **data, size_t *len);
/* Delete rel, reached the same strict way, if it is still the file id describes: 1
 * deleted, 0 left (changed or gone since it was read), -1 after error(). */
int ow_strict_unlink(struct ctx *ctx, const char *rel, const struct ident *id);
/* Remove the temp files (.<name>.eragen-tmp) a killed build left where eragen writes:
 * in the directories of the owned patterns (emit_owned), only for owned names. */
void ow_sweep(struct ctx *ctx);

/* ---- the lock (out_lock.c) ------------------------------------------------------ */

/* out/.eragen-lock, held (flock) from the start of a build's sync to its end. */
struct out_lock {
	int dirfd, fd;		/* out/ and the lock file; -1 when not held */
	bool made_out;		/* out/ was created for it: removed again when empty */
};
/*
 * Take the lock, waiting for another build to release it at most ERAGEN_LOCK_TIMEOUT
 * seconds (default OUT_LOCK_WAIT). 0: held, or not needed (out/ cannot be written:
 * the sync refuses that with SPEC012); -1 after error() (another build kept it, or a
 * system failure).
 */
int ow_lock_take(struct ctx *ctx, struct out_lock *l);
/* Delete the lock file and release it (a no-op when not held). */
void ow_lock_release(struct ctx *ctx, struct out_lock *l);

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
