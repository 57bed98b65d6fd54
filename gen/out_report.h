/*
 * out_report.h - private to gen/out*.c: what check and build say about each generated
 * file (out_report.c), kept apart from how the sync decides it (out_sync.c).
 *
 * check: one line per file that is not what the inputs produce (its state, or with
 * --stat its state and +/- lines), its unified diff with --diff, and, in the formats
 * other than text, the diagnostic (OUT001 missing, OUT002 stale, OUT003 orphaned; an
 * edit by hand is DRIFT005, which the sync reports). build --verbose and --dry-run: the
 * paths written (or that would be), unchanged, deleted and kept, in path order.
 */
#ifndef ERAGEN_OUT_REPORT_H
#define ERAGEN_OUT_REPORT_H

#include "out.h"

enum out_kind {
	OUTK_MISSING,		/* OUT001 */
	OUTK_STALE,		/* OUT002 */
	OUTK_EDITED,		/* edited by hand (DRIFT005) */
	OUTK_FOREIGN,		/* in the way, without eragen's digest (DRIFT005) */
	OUTK_ORPHAN,		/* OUT003 */
	OUTK_ORPHAN_EDITED,	/* orphaned and edited by hand (DRIFT005) */
};

/* A file that differs: disk is what is there (NULL: nothing, or not read), want what
 * build would write (NULL for an orphan); *body where each body starts (after eragen's
 * header; 0 without one). env: the environment it belongs to, NULL: the repository. */
struct out_item {
	const char *path;
	const char *env;
	enum out_kind kind;
	const char *disk, *want;
	size_t dlen, dbody, wlen, wbody;
};

/* check: its line in r (o->stat: with its +/- lines), its diff (o->udiff), and outside
 * the text format its diagnostic (OUT001-OUT003; DRIFT005 is the sync's). */
void out_report_file(struct ctx *ctx, const struct out_opts *o, struct strbuf *r,
		     const struct out_item *it);

/* What build did (or, --dry-run, would do) to a path. */
enum out_act {
	OUTA_WRITE,		/* written: missing, stale, or edited and --force */
	OUTA_UNCHANGED,
	OUTA_DELETE,		/* an orphan, --prune */
	OUTA_KEEP,		/* an orphan without --prune, or edited by hand */
};

/* build --verbose, --dry-run: the paths, collected then printed sorted. */
struct out_list {
	struct out_listed *v;
	size_t n, cap;
};
/* Add path (which must outlive the list) with what was done and why ("missing", ...). */
void out_list_add(struct out_list *l, const char *path, enum out_act act, const char *why);
/* Print it in path order: with dry, as what would be done; without all, unchanged
 * paths left out. Frees it. */
void out_list_print(struct out_list *l, bool dry, bool all, struct strbuf *out);

#endif
