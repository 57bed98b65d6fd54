/*
 * out_sync.c - the sync of out.h (out_sync_begin, out_sync_files, out_sync_repo,
 * out_sync_end): the lock taken (building), the old manifest read as untrusted input
 * (out_manifest.c), each rendered file compared with the disk, edits judged (DRIFT005),
 * then at the end the orphans (read the strict way, out_strict.c: one whose body still
 * has its recorded digest may be pruned, an edited one is kept), the new manifest, the
 * commit (out_disk.c), --prune, --stage and, after an interrupted build, the sweep of
 * its temp files. What check and build say about each file is out_report.c's (--dry-run
 * decides everything and then writes, deletes and stages nothing).
 *
 * Consumes an outset (bodies in memory) and the disk; produces, for check, a report of
 * missing, stale, edited and orphaned files (diffs on request), and for build, the
 * files that changed, written atomically (temp file in the same directory, rename;
 * fsync first with --fsync). Invariants: each existing file is read at most once (not at
 * all when its stamp vouches for it, out_stamp.c, or, with --staged, when the index holds
 * the blob ID of what is rendered); an unchanged file is never opened for writing (its
 * mtime is kept); nothing is written outside the repository
 * (a directory or file that is a symlink leading out is refused: SPEC012); nothing at
 * all is written when an error diagnostic results (DRIFT005 without --force, SPEC012).
 */
#include "model.h"
#include "out_int.h"
#include "out_report.h"
#include "out_sync_int.h"
#include "repo.h"
#include "repo_index.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The largest file read back: generated files are compared whole in memory. */
static size_t read_limit(size_t expected)
{
	return expected < SRC_MAX_BYTES / 2 ? SRC_MAX_BYTES : expected * 2;
}

/* The 1-based number of the first line where a and b differ. */
static uint32_t first_diff_line(const char *a, size_t alen, const char *b, size_t blen)
{
	uint32_t line = 1;
	size_t n = alen < blen ? alen : blen;
	for (size_t i = 0; i < n && a[i] == b[i]; i++)
		line += a[i] == '\n';
	return line;
}

/* DRIFT005 in ENV's lint.ignore (no path: the generated files have none), with a reason. */
const char *drift005_suppressed(const struct ctx *ctx, const char *env)
{
	const struct env *e = env ? ctx_env(ctx, env) : NULL;
	if (!e || !e->model)
		return NULL;	/* no spec, or released once its files were compared */
	for (size_t i = 0; i < e->model->lint.ignore.count; i++) {
		const struct m_ignore *ent = &e->model->lint.ignore.v[i];
		const char *rule = ent->rule.s, *reason = ent->reason.s;
		if (rule && strcmp(rule, "DRIFT005") == 0 && !ent->path.n && reason && *reason)
			return reason;
	}
	return NULL;
}

int cmp_done(const void *a, const void *b)
{
	return strcmp(((const struct done *)a)->path, ((const struct done *)b)->path);
}

static int cmp_piece(const void *pa, const void *pb)
{
	const struct piece *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/*
 * The environment a generated path belongs to (its index in ctx->envs): one of a
 * concrete environment's files (emit_env_path: out/<env>/...); -1 for repository-level
 * paths (which include the files of removed environments).
 */
long path_env(const struct ctx *ctx, const char *path)
{
	const char *name;
	size_t n, lo = 0, hi = ctx->nenvs;
	if (!emit_env_path(path, &name, &n))
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *e = ctx->envs[mid]->name;
		int c = strncmp(e, name, n);
		if (c == 0 && e[n] != '\0')
			c = 1;
		if (c == 0)
			return ctx->envs[mid]->abstract ? -1 : (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void build_gitattributes(struct ctx *ctx, struct outset *set)
{
	struct outfile *ga = out_add(ctx, set, OUT_GITATTRIBUTES, COMMENT_HASH, NULL);
	sb_puts(&ga->body, "# Every file under out/ is generated; so are these.\n"
			   "/out/** -text linguist-generated\n");
	const char **paths = arena_alloc(&set->arena, (set->n + 1) * sizeof(*paths));
	size_t n = 0;
	for (size_t i = 0; i < set->n; i++)
		if (strncmp(set->files[i]->path, "out/", 4) != 0 && set->files[i] != ga)
			paths[n++] = set->files[i]->path;
	for (size_t i = 1; i < n; i++)	/* insertion sort: a handful of workflows */
		for (size_t k = i; k > 0 && strcmp(paths[k - 1], paths[k]) > 0; k--) {
			const char *t = paths[k];
			paths[k] = paths[k - 1];
			paths[k - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		sb_putc(&ga->body, '/');
		/* gitattributes patterns: escape what would make one a different pattern */
		for (const char *p = paths[i]; *p; p++) {
			if (strchr(" \t\\*?[!#\"", *p))
				sb_putc(&ga->body, '\\');
			sb_putc(&ga->body, *p);
		}
		sb_puts(&ga->body, " -text linguist-generated\n");
	}
}

/* The group an orphan is reported in: "out/<dir>/" (a removed environment's files
 * together), else the path itself. */
static size_t orphan_group(const char *p)
{
	const char *slash = strncmp(p, "out/", 4) == 0 ? strchr(p + 4, '/') : NULL;
	return slash ? (size_t)(slash - p) + 1 : strlen(p);
}

/* One note per group of orphans: "note: 'out/old/' (12 files) WHAT THEM" */
static void orphan_notes(struct strbuf *r, const struct mentry *v, size_t n, const char *what,
			 const char *many, const char *one)
{
	for (size_t i = 0; i < n;) {
		size_t g = orphan_group(v[i].path), k = i + 1;
		while (k < n && strncmp(v[k].path, v[i].path, g) == 0 && orphan_group(v[k].path) == g)
			k++;
		if (k - i == 1)
			sb_printf(r, "note: '%s' is %s %s\n", v[i].path, what, one);
		else
			sb_printf(r, "note: '%.*s' (%zu files) are %s %s\n", (int)g, v[i].path, k - i,
				  what, many);
		i = k;
	}
}

/* Keep s->piece (report text about path) for the end; it is printed in path order. */
static void keep_piece(struct sync *s, const char *path)
{
	if (s->piece.len == 0)
		return;
	struct piece p = { path, s->npieces, NULL };
	vec_grow((void **)&s->pieces, &s->cappieces, s->npieces + 1, sizeof(*s->pieces));
	p.text = xstrndup(s->piece.buf, s->piece.len);
	s->pieces[s->npieces++] = p;
	sb_reset(&s->piece);
}

/* Has an error (or, with --werror, a warning) been reported since the sync began? Then
 * nothing will be written. */
static bool refusing(struct sync *s)
{
	struct ctx *ctx = s->ctx;
	for (; !s->refusing && s->scanned < ctx->ndiags; s->scanned++) {
		const struct diag *d = ctx->diags[s->scanned];
		if (!d->suppressed &&
		    (d->sev == SEV_ERROR || (ctx->opt.werror && d->sev == SEV_WARNING)))
			s->refusing = true;
	}
	return s->refusing;
}

static void sync_free(void *p)
{
	struct sync *s = p;
	ow_commit_abort(&s->commit);
	for (size_t i = 0; i < s->npieces; i++)
		free(s->pieces[i].text);
	free(s->pieces);
	free(s->done);
	free(s->keep);
	free(s->orphans);
	free(s->edited);
	free(s->oids);
	free(s->ids);
	free(s->gone);
	free(s->list.v);
	free(s->old);
	free(s->mdata);
	free(s->jold);
	free(s->jdata);
	ow_stamps_free(&s->stamps);
	sb_release(&s->w.last);
	for (size_t i = 0; i < s->w.nrefused; i++)
		free(s->w.refused[i]);
	free(s->w.refused);
	sb_release(&s->w.abs);
	free(s->w.buf);
	sb_release(&s->abs);
	sb_release(&s->head);
	sb_release(&s->mtext);
	sb_release(&s->piece);
	arena_release(&s->a);
	ow_lock_release(s->ctx, &s->lock);
	free(s);
}

struct sync *out_sync_begin(struct ctx *ctx, const struct out_opts *o, const bool *bad,
			    struct strbuf *report, struct out_stats *st)
{
	struct sync *s = xcalloc(1, sizeof(*s));
	s->lock = (struct out_lock){ .dirfd = -1, .fd = -1 };	/* before the guard */
	oom_guard_push(&s->guard, sync_free, s);
	s->ctx = ctx;
	s->o = *o;
	s->report = report;
	s->st = st;
	s->before = s->scanned = ctx->ndiags;
	s->bad = bad;
	s->commit.fsync = o->fsync;
	memset(st, 0, sizeof(*st));
	/* one build at a time, from the manifest read to the last rename */
	if (o->write && !o->dry_run && ow_lock_take(ctx, &s->lock) != 0) {
		out_sync_abandon(s);
		return NULL;
	}

	char *data;
	size_t len;
	enum disk md = ow_disk_read(ctx, &s->w, OUT_MANIFEST, SRC_MAX_BYTES, &data, &len);
	if (md == DISK_ERROR) {
		out_sync_abandon(s);
		return NULL;
	}
	if (md == DISK_HUGE)	/* not one eragen wrote: nothing it lists is believed */
		diag_add(ctx, "SPEC012", NULL, ow_gen_loc(ctx, OUT_MANIFEST, NULL, 0, 0),
			 "'%s' is too large (%zu bytes, at most %u): eragen did not write it, and "
			 "does nothing to the paths it lists", OUT_MANIFEST, len, SRC_MAX_BYTES);
	s->mexists = md == DISK_FILE;
	if (s->mexists) {
		/* compared at the end: kept, by taking the read buffer itself (1.4 MB at 1,000
		 * environments) rather than a copy of it */
		if (data == s->w.buf) {
			s->mdata = s->w.buf;
			s->w.buf = NULL;
			s->w.cap = 0;
		} else {
			s->mdata = xstrndup(data, len);
		}
		s->mlen = len;
		s->mfile = ow_manifest_load(ctx, &s->a, s->mdata, len, &s->old, &s->nold);
	}
	if (!ctx->opt.staged)
		ow_stamps_load(ctx, &s->stamps);
	/* an interrupted build's journal: its claims stay until a whole build succeeds */
	if (!ctx->opt.staged &&
	    ow_disk_read(ctx, &s->w, OUT_JOURNAL, SRC_MAX_BYTES, &data, &len) == DISK_FILE) {
		s->jexists = true;
		s->jdata = xstrndup(data, len);
		s->jlen = len;
		ow_claims_parse(&s->a, s->jdata, len, &s->jold, &s->njold);
		sb_add(&s->commit.claims, s->jdata, len);
		if (len && s->jdata[len - 1] != '\n')
			sb_putc(&s->commit.claims, '\n');
		s->commit.older = s->commit.claims.len;
	}
	return s;
}

/*
 * The blob ID of f's body: when the body on disk is exactly the rendered one and both
 * its header and the manifest give the same ID, that is it (a no-op build or check
 * hashes nothing); otherwise it is computed. A file without a header is always hashed:
 * the manifest alone cannot vouch for it (a build killed before renaming the manifest
 * leaves the manifest older than the file).
 */
static int body_blob(const struct outfile *f, bool hashed, const struct mentry *m,
		     const char *data, size_t len, bool on_disk, char blob[41])
{
	if (on_disk && m && hashed) {
		char claim[41];
		size_t body = 0;
		bool known = false;
		if (ow_header_parse(data, len, claim, &body) && strcmp(claim, m->blob) == 0)
			known = len - body == f->body.len &&
				(f->body.len == 0 || memcmp(data + body, f->body.buf, f->body.len) == 0);
		if (known) {
			memcpy(blob, m->blob, 41);
			return 0;
		}
	}
	return repo_blob_id(f->body.buf, f->body.len, blob);
}

/* s->mtext = the whole file as it should be (for diffs, DRIFT005's line, --stage). */
static void whole_text(struct sync *s, const struct outfile *f)
{
	sb_reset(&s->mtext);
	sb_add(&s->mtext, s->head.buf ? s->head.buf : "", s->head.len);
	sb_add(&s->mtext, f->body.buf ? f->body.buf : "", f->body.len);
}

/* check: f's line in the report, its diff, OUT001/OUT002 (out_report.c); s->mtext holds
 * what build would write (but for a file not read: data NULL). */
static void report_file(struct sync *s, const struct outfile *f, enum out_kind k,
			const char *data, size_t len, size_t body)
{
	struct out_item it = { .path = f->path, .env = f->env, .kind = k, .disk = data,
			       .dlen = len, .dbody = body, .want = s->mtext.buf ? s->mtext.buf : "",
			       .wlen = s->mtext.len, .wbody = s->head.len };
	out_report_file(s->ctx, &s->o, &s->piece, &it);
}

/* f differs from data (on disk): a hand edit (DRIFT005), or did the inputs change? */
static int judge_changed(struct sync *s, const struct outfile *f, const struct mentry *m,
			 const char *data, size_t len, struct done *d)
{
	struct ctx *ctx = s->ctx;
	bool hashed = f->style == COMMENT_HASH && !f->copied;
	char claim[41] = "", actual[41];
	size_t body = 0;
	bool claimed;
	if (hashed) {
		claimed = ow_header_parse(data, len, claim, &body);
	} else {
		claimed = m != NULL;
		if (m)
			memcpy(claim, m->blob, sizeof(claim));
	}
	if (claimed && repo_blob_id(data + body, len - body, actual) != 0)
		return -1;
	/* or written by a build killed before it renamed its manifest: its journal says */
	const struct mentry *j = hashed ? NULL : ow_manifest_find(s->jold, s->njold, f->path);
	if (j) {
		if (!claimed && repo_blob_id(data, len, actual) != 0)
			return -1;
		if (strcmp(j->blob, actual) == 0) {
			memcpy(claim, actual, sizeof(claim));
			claimed = true;
		}
	}
	if (claimed && strcmp(claim, actual) == 0) {
		d->st = ST_STALE;
		s->st->stale++;
		if (s->o.diffs)
			report_file(s, f, OUTK_STALE, data, len, body);
		return 0;
	}
	d->st = ST_EDITED;
	if (s->o.write && s->o.force) {
		s->st->edited++;
		d->forced = true;
		return 0;	/* the user said to replace it */
	}
	uint32_t line = first_diff_line(data, len, s->mtext.buf, s->mtext.len);
	struct diag *dg = diag_add(ctx, "DRIFT005", f->env, ow_gen_loc(ctx, f->path, data, len, line),
				   claimed ? "generated file '%s' was edited by hand: its body no "
					     "longer matches the digest eragen recorded"
					   : "'%s' is in the way of a generated file: it has no eragen "
					     "digest to show it is unchanged",
				   f->path);
	diag_help(ctx, dg, "move the change into the spec or a template override, then run "
			   "'eragen build --force' to replace the file");
	const char *reason = drift005_suppressed(ctx, f->env);
	if (reason) {
		/* acknowledged: reported (JSON/SARIF mark it), kept as it is */
		dg->suppressed = true;
		dg->suppress_reason = arena_strdup(&ctx->perm, reason);	/* outlives the env */
	} else {
		s->st->edited++;
	}
	if (s->o.diffs)
		report_file(s, f, claimed ? OUTK_EDITED : OUTK_FOREIGN, data, len, body);
	return 0;
}

/*
 * A file far larger than f (not read, so it is never held in memory) is in f's way:
 * DRIFT005 as for any file eragen did not write; --force replaces it.
 */
static void judge_huge(struct sync *s, const struct outfile *f, size_t size, struct done *d)
{
	struct ctx *ctx = s->ctx;
	d->st = ST_EDITED;
	s->st->edited++;
	if (s->o.write && s->o.force) {
		d->forced = true;
		return;
	}
	struct diag *dg = diag_add(ctx, "DRIFT005", f->env, ow_gen_loc(ctx, f->path, NULL, 0, 0),
				   "'%s' is in the way of a generated file: it has %zu bytes, far "
				   "more than eragen writes there, and was not read",
				   f->path, size);
	diag_help(ctx, dg, "move it away, or run 'eragen build --force' to replace it");
	if (s->o.diffs)
		report_file(s, f, OUTK_FOREIGN, NULL, 0, 0);
}

/*
 * check --staged: is f staged exactly as it would be written? The index holds the blob ID
 * of each staged file; when the ID of the header and body eragen renders is that one,
 * the staged file is byte for byte the rendered one, and nothing is read from the object
 * database. The header is made with the digest the staged manifest records for f, as
 * body_blob does once it has read a file whose header claims that digest and whose body
 * is the rendered one: the answer is the one a read would give. Otherwise (a different
 * ID, no entry, a conflict, not a file) *same is false and the blob is read and judged as
 * usual. 0, or -1 after error().
 */
static int staged_same(struct sync *s, const struct outfile *f, bool hashed, struct done *d,
		       bool *same)
{
	char staged[41];
	*same = false;
	if (repo_index_id(s->ctx, f->path, staged) != RI_FILE)
		return 0;
	const struct mentry *m = hashed ? ow_manifest_find(s->old, s->nold, f->path) : NULL;
	if (m)
		memcpy(d->blob, m->blob, sizeof(d->blob));
	else if (repo_blob_id(f->body.buf, f->body.len, d->blob) != 0)
		return -1;
	sb_reset(&s->head);
	if (hashed)
		out_header(f, d->blob, &s->head);
	if (repo_blob_id2(s->head.buf, s->head.len, f->body.buf, f->body.len, d->whole) != 0)
		return -1;
	*same = strcmp(staged, d->whole) == 0;
	return 0;
}

/* d->hh: the blob ID of s->head, f's header ("-" when f has none). */
static int header_id(struct sync *s, bool hashed, struct done *d)
{
	if (!hashed) {
		strcpy(d->hh, "-");
		return 0;
	}
	return repo_blob_id(s->head.buf ? s->head.buf : "", s->head.len, d->hh);
}

/*
 * Does f's stamp vouch that the file on disk is what f renders (out_stamp.c)? Then *same
 * is set, d has its blob IDs and identity, and the file is not read. Otherwise it is read
 * and compared as usual. 0, or -1 after error().
 */
static int stamp_same(struct sync *s, const struct outfile *f, bool hashed, struct done *d,
		      bool *same)
{
	*same = false;
	const struct stamp *p = ow_stamp_find(&s->stamps, f->path);
	struct stat st;
	if (!p)
		return 0;
	int rc = ow_disk_stat(s->ctx, &s->w, f->path, &st);
	if (rc <= 0 || !ow_stamp_fresh(&s->stamps, p, &st))
		return rc < 0 ? -1 : 0;
	if (repo_blob_id(f->body.buf, f->body.len, d->blob) != 0)
		return -1;
	if (strcmp(d->blob, p->blob) != 0)
		return 0;
	sb_reset(&s->head);
	if (hashed)
		out_header(f, d->blob, &s->head);
	if ((uintmax_t)st.st_size != s->head.len + f->body.len)
		return 0;
	if (header_id(s, hashed, d) != 0)
		return -1;
	*same = strcmp(d->hh, p->head) == 0;
	d->id = file_id_of(&st);
	return 0;
}

/*
 * The unread paths: with --staged the index's blob ID, else the stamp cache. 1 when f is
 * known to be unchanged (d is done), 0 when it must be read, -1 after error().
 */
static int known_same(struct sync *s, const struct outfile *f, bool hashed, struct done *d)
{
	bool same = false;
	if (s->ctx->opt.staged ? staged_same(s, f, hashed, d, &same) != 0
			       : stamp_same(s, f, hashed, d, &same) != 0)
		return -1;
	if (!same)
		return 0;
	d->vouched = !s->ctx->opt.staged;
	if (s->o.stage && !d->whole[0] &&
	    repo_blob_id2(s->head.buf, s->head.len, f->body.buf, f->body.len, d->whole) != 0)
		return -1;	/* (s->head is f's header) */
	d->st = ST_UNCHANGED;
	s->st->unchanged++;
	VEC_PUSH(s->done, s->ndone, s->capdone, *d);
	return 1;
}

/* f is missing: reported, with its diff against nothing when diffs are asked for (then
 * s->mtext holds its whole text: true). */
static bool report_missing(struct sync *s, const struct outfile *f)
{
	s->st->missing++;
	if (!s->o.diffs)
		return false;
	whole_text(s, f);
	report_file(s, f, OUTK_MISSING, NULL, 0, 0);
	return true;
}

/* Compare one rendered file with the disk; building, write its temp file if it changed. */
static int sync_file(struct sync *s, const struct outfile *f)
{
	struct ctx *ctx = s->ctx;
	bool hashed = f->style == COMMENT_HASH && !f->copied;
	struct done d = { .path = arena_strdup(&s->a, f->path) };
	s->st->files++;
	int known = known_same(s, f, hashed, &d);
	if (known != 0)
		return known < 0 ? -1 : 0;
	char *data;
	size_t len;
	s->w.id = &d.id;	/* (kept: no orphan may name this file under another name) */
	enum disk dk = ow_disk_read(ctx, &s->w, f->path, read_limit(f->body.len), &data, &len);
	s->w.id = NULL;
	if (dk == DISK_ERROR)
		return -1;
	const struct mentry *m = ow_manifest_find(s->old, s->nold, f->path);
	if (body_blob(f, hashed, m, data, len, dk == DISK_FILE, d.blob) != 0)
		return -1;
	sb_reset(&s->head);
	if (hashed)
		out_header(f, d.blob, &s->head);
	if (s->o.write && !ctx->opt.staged && header_id(s, hashed, &d) != 0)
		return -1;	/* for its stamp */
	const char *head = s->head.buf ? s->head.buf : "", *body = f->body.buf ? f->body.buf : "";
	size_t hl = s->head.len, bl = f->body.len;
	bool whole = false;	/* s->mtext holds head + body */

	if (dk == DISK_REFUSED) {
		d.st = ST_REFUSED;
	} else if (dk == DISK_HUGE) {
		judge_huge(s, f, len, &d);
	} else if (dk == DISK_MISSING) {
		d.st = ST_MISSING;
		whole = report_missing(s, f);
	} else if (len == hl + bl && (hl == 0 || memcmp(data, head, hl) == 0) &&
		   (bl == 0 || memcmp(data + hl, body, bl) == 0)) {
		d.st = ST_UNCHANGED;
		s->st->unchanged++;
	} else {
		whole_text(s, f);
		whole = true;
		if (judge_changed(s, f, m, data, len, &d) != 0)
			return -1;
	}
	keep_piece(s, d.path);

	bool writes = d.st == ST_MISSING || d.st == ST_STALE || (d.st == ST_EDITED && d.forced);
	bool stays = d.st == ST_REFUSED || (d.st == ST_EDITED && !d.forced);
	if (s->o.stage && !stays) {
		if (!whole)
			whole_text(s, f);
		if (repo_blob_id(s->mtext.buf ? s->mtext.buf : "", s->mtext.len, d.whole) != 0)
			return -1;
	}
	if (s->o.write && !s->o.dry_run && writes && !refusing(s)) {
		if (ow_commit_add(ctx, &s->commit, f->path, d.blob, head, hl, body, bl) != 0)
			return -1;
		d.cix = s->commit.n;
	}
	VEC_PUSH(s->done, s->ndone, s->capdone, d);
	return 0;
}

int out_sync_files(struct sync *s, struct outset *set)
{
	for (size_t i = 0; i < set->n; i++)
		if (sync_file(s, set->files[i]) != 0)
			return -1;
	return 0;
}

int out_sync_repo(struct sync *s, struct outset *set)
{
	build_gitattributes(s->ctx, set);
	s->st->repo_done = true;
	return out_sync_files(s, set);
}

/* The new manifest into s->mtext: the files done and the entries kept, sorted by path.
 * Returns whether it differs from the old one (and counts it). */
static bool new_manifest(struct sync *s)
{
	for (size_t i = 0; i < s->ndone; i++) {
		if (s->done[i].st == ST_REFUSED) {
			const struct mentry *m = ow_manifest_find(s->old, s->nold, s->done[i].path);
			if (m)
				VEC_PUSH(s->keep, s->nkeep, s->capkeep, *m);
			continue;
		}
		struct mentry e = { .path = s->done[i].path };
		memcpy(e.blob, s->done[i].blob, sizeof(e.blob));
		VEC_PUSH(s->keep, s->nkeep, s->capkeep, e);
	}
	if (s->nkeep > 1)
		qsort(s->keep, s->nkeep, sizeof(*s->keep), ow_cmp_mentry);
	sb_reset(&s->mtext);
	for (size_t i = 0; i < s->nkeep; i++)
		sb_printf(&s->mtext, "%s  %s\n", s->keep[i].blob, s->keep[i].path);
	bool changed = (s->mexists || s->nkeep) &&
		       !(s->mexists && s->mlen == s->mtext.len &&
			 (s->mlen == 0 || memcmp(s->mdata, s->mtext.buf, s->mlen) == 0));
	s->st->files++;
	if (!changed)
		s->st->unchanged++;
	else if (!s->mexists)
		s->st->missing++;
	else
		s->st->stale++;
	return changed;
}

static void manifest_report(struct sync *s)
{
	struct out_item it = { .path = OUT_MANIFEST, .kind = s->mexists ? OUTK_STALE : OUTK_MISSING,
			       .disk = s->mexists ? s->mdata : NULL, .dlen = s->mlen,
			       .want = s->mtext.buf ? s->mtext.buf : "", .wlen = s->mtext.len };
	out_report_file(s->ctx, &s->o, s->report, &it);
}

/* --stage: every generated file that now holds what was rendered, the manifest (when
 * there is one), and the pruned orphans (and those already deleted: s->gone) out of the
 * index. */
static int stage(struct sync *s, bool manifest)
{
	struct ri_file *add = xcalloc(s->ndone + 1, sizeof(*add));
	size_t nadd = 0;
	int rc = -1;
	struct oom_guard guard;
	oom_guard_push(&guard, free, add);
	for (size_t i = 0; i < s->ndone; i++) {
		const struct done *d = &s->done[i];
		if (d->st == ST_REFUSED || (d->st == ST_EDITED && !d->forced))
			continue;
		add[nadd].path = d->path;
		memcpy(add[nadd++].blob, d->whole, sizeof(d->whole));
	}
	if (manifest) {
		add[nadd].path = OUT_MANIFEST;
		if (repo_blob_id(s->mtext.buf ? s->mtext.buf : "", s->mtext.len,
				 add[nadd++].blob) != 0)
			goto out;
	}
	rc = repo_index_stage(s->ctx, add, nadd, s->gone, s->ngone, &s->st->staged,
			      &s->st->unstaged);
out:
	oom_guard_pop(&guard);
	free(add);
	return rc;
}

/* The directories a deleted orphan leaves empty, below the literal directory of its
 * pattern: for out/<env>/infra/<file>, those below out/ (never out/ itself); none of
 * .github/workflows/. */
static void remove_empty_dirs(struct sync *s, const char *p)
{
	size_t floor = strlen(p);	/* the length of that directory, "out/" */
	for (size_t i = 0; emit_owned(i); i++) {
		const char *pat = emit_owned(i), *star = strchr(pat, '*');
		size_t lit = star ? (size_t)(star - pat) : strlen(pat);
		while (lit > 0 && pat[lit - 1] != '/')
			lit--;
		if (lit < floor && out_path_match(pat, p))
			floor = lit;
	}
	for (size_t dl = strlen(p); dl > floor; dl--)
		if (p[dl] == '/' && rmdir(ow_abs_path(s->ctx, &s->abs, p, dl)) != 0)
			break;
}

/* --prune: delete each intact orphan that is still the file that was read (the strict
 * way: no symbolic link), and the directories it leaves empty; s->orphans keeps those
 * deleted. */
static int prune(struct sync *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->norphans; i++) {
		const char *p = s->orphans[i].path;
		int rc = ow_strict_unlink(s->ctx, p, &s->oids[i]);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			sb_printf(s->report, "note: '%s' changed while eragen ran: kept\n", p);
			continue;
		}
		s->orphans[n++] = s->orphans[i];
		s->st->pruned++;
		if (s->o.stage)
			VEC_PUSH(s->gone, s->ngone, s->capgone, p);
		remove_empty_dirs(s, p);
	}
	s->norphans = n;
	return 0;
}

/*
 * After an interrupted build (its journal was found), once this one has written what
 * it had to: sweep the temp files the other left where nothing was written this time,
 * and drop the journal when this build covered every environment (else its claims
 * about the others' files are still needed).
 */
static int after_interruption(struct sync *s)
{
	struct ctx *ctx = s->ctx;
	ow_sweep(ctx);
	const char *j = ow_abs_path(ctx, &s->abs, OUT_JOURNAL, strlen(OUT_JOURNAL));
	if (!ctx->opt.envs && s->st->repo_done)
		return unlink(j) == 0 || errno == ENOENT ? 0 : -1;
	struct commit c = { 0 };	/* only for ow_journal_write's directories and path */
	int rc = ow_journal_write(ctx, &c, s->jdata, s->jlen);
	ow_commit_keep_dirs(&c);
	free(c.dirs);
	free(c.journal);
	return rc;
}

/* build --verbose, --dry-run: every path and what was (or would be) done to it, into
 * o->list; a dry run counts what would be written and deleted. */
static void list_paths(struct sync *s, bool mchanged)
{
	static const char *const why[] = {
		[ST_MISSING] = "missing",
		[ST_STALE] = "stale",
		[ST_EDITED] = "edited by hand, --force",
	};
	const struct out_opts *o = &s->o;
	struct out_list *l = &s->list;
	size_t written = 0;
	for (size_t i = 0; i < s->ndone; i++) {
		const struct done *d = &s->done[i];
		if (d->st == ST_UNCHANGED)
			out_list_add(l, d->path, OUTA_UNCHANGED, NULL);
		else if (d->st == ST_EDITED && !d->forced)
			out_list_add(l, d->path, OUTA_KEEP, "edited by hand, DRIFT005 suppressed");
		else if (d->st != ST_REFUSED) {
			out_list_add(l, d->path, OUTA_WRITE, why[d->st]);
			written++;
		}
	}
	written += mchanged;
	out_list_add(l, OUT_MANIFEST, mchanged ? OUTA_WRITE : OUTA_UNCHANGED,
		     !mchanged ? NULL : s->mexists ? "stale" : "missing");
	for (size_t i = 0; i < s->norphans; i++)
		out_list_add(l, s->orphans[i].path, o->prune ? OUTA_DELETE : OUTA_KEEP,
			     o->prune ? "orphaned" : "orphaned: 'eragen build --prune' deletes it");
	for (size_t i = 0; i < s->nedited; i++)
		out_list_add(l, s->edited[i].path, OUTA_KEEP,
			     "orphaned, edited by hand: delete it by hand");
	if (o->dry_run) {
		s->st->written = written;
		s->st->pruned = o->prune ? s->norphans : 0;
	}
	out_list_print(l, o->dry_run, o->list_all, o->list);
}

void out_sync_abandon(struct sync *s)
{
	oom_guard_pop(&s->guard);
	sync_free(s);
}

/*
 * After a build: the stamps of the generated files as they now are on disk (those found
 * unchanged, those written), saved when any was read or written: a cache that vouched
 * for every file is left as it is.
 */
static void save_stamps(struct sync *s)
{
	struct ctx *ctx = s->ctx;
	if (!ctx->gitdir)
		return;
	struct stamp *v = arena_alloc(&s->a, (s->ndone + 1) * sizeof(*v));
	size_t n = 0;
	bool dirty = false;
	for (size_t i = 0; i < s->ndone; i++) {
		const struct done *d = &s->done[i];
		struct file_id id = d->id;
		bool written = d->st == ST_MISSING || d->st == ST_STALE || (d->st == ST_EDITED && d->forced);
		if (d->st != ST_UNCHANGED && !written)
			continue;
		dirty |= written || !d->vouched;
		if (written) {
			/* as it was right after its rename: a file changed since (even with
			 * its mtime put back: its ctime moved) gets no stamp, and is read */
			struct stat st;
			if (!d->cix || !s->renamed ||
			    lstat(ow_abs_path(ctx, &s->abs, d->path, strlen(d->path)), &st) != 0 ||
			    !S_ISREG(st.st_mode))
				continue;
			id = file_id_of(&st);
			if (!file_id_same(&id, &s->renamed[d->cix - 1]))
				continue;
		}
		if (!id.ino || !d->hh[0])
			continue;
		v[n] = (struct stamp){ .path = d->path, .id = id };
		memcpy(v[n].blob, d->blob, sizeof(v[n].blob));
		memcpy(v[n].head, d->hh, sizeof(v[n].head));
		n++;
	}
	if (dirty)
		ow_stamps_save(ctx, &s->stamps, v, n);
}

int out_sync_end(struct sync *s)
{
	struct ctx *ctx = s->ctx;
	const struct out_opts *o = &s->o;
	struct out_stats *st = s->st;
	int rc = -1;

	if (s->ndone > 1)
		qsort(s->done, s->ndone, sizeof(*s->done), cmp_done);
	for (size_t i = 1; i < s->ndone; i++)
		if (strcmp(s->done[i - 1].path, s->done[i].path) == 0)
			BUG("'%s' generated twice", s->done[i].path);
	/* the report about rendered files, in path order */
	if (s->npieces > 1)
		qsort(s->pieces, s->npieces, sizeof(*s->pieces), cmp_piece);
	for (size_t i = 0; i < s->npieces; i++)
		sb_puts(s->report, s->pieces[i].text);

	if (find_orphans(s) != 0)
		goto out;
	if (!o->diffs && !o->prune)
		orphan_notes(s->report, s->orphans, s->norphans,
			     "no longer generated: kept, since deleting a stack's files does not "
			     "destroy what it created ('eragen build --prune' deletes",
			     "them)", "it)");
	if (!o->diffs)
		orphan_notes(s->report, s->edited, s->nedited,
			     "no longer generated, and edited by hand since eragen wrote: kept, "
			     "even by --prune (delete", "them by hand if the edits are not needed)",
			     "it by hand if the edit is not needed)");
	bool mchanged = new_manifest(s);
	if (mchanged && o->diffs)
		manifest_report(s);

	/* all or nothing: an error found on the way means nothing is written */
	st->refused = refusing(s);
	out_cache_save(s, mchanged);
	if (o->dry_run && o->list && !st->refused)
		list_paths(s, mchanged);
	if (!o->write || o->dry_run || st->refused) {
		rc = 0;
		goto out;
	}
	/* the manifest last: after a crash, a file renamed already matches what the
	 * inputs render, and one not renamed yet still matches the old manifest */
	if (mchanged && ow_commit_add(ctx, &s->commit, OUT_MANIFEST, NULL, "", 0,
				      s->mtext.buf ? s->mtext.buf : "", s->mtext.len) != 0)
		goto out;
	st->written = s->commit.n;
	if (s->commit.n)
		s->renamed = arena_alloc(&s->a, s->commit.n * sizeof(*s->renamed));
	if (ow_commit_finish(ctx, &s->commit, s->renamed) != 0)
		goto out;
	if (s->jexists && after_interruption(s) != 0) {
		error("cannot update '%s': %s", OUT_JOURNAL, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < s->ndone; i++)
		if (s->done[i].forced)
			sb_printf(s->report, "note: '%s' was edited by hand: replaced (--force)\n",
				  s->done[i].path);
	if (o->prune && prune(s) != 0)
		goto out;
	if (o->stage && stage(s, s->mexists || s->nkeep) != 0)
		goto out;
	if (o->prune)
		orphan_notes(s->report, s->orphans, s->norphans,
			     "deleted (--prune): no input produces", "them any more", "it any more");
	if (o->list)
		list_paths(s, mchanged);
	save_stamps(s);
	rc = 0;
out:
	diag_merge_late(ctx, s->before);
	out_sync_abandon(s);
	return rc;
}
