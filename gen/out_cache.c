/*
 * out_cache.c - the render cache: a build or check whose inputs are exactly those of the
 * last render that found every generated file unchanged answers without rendering.
 *
 * The cache is <git dir>/eragen-render (eragen-render-staged for --staged, whose inputs
 * and outputs are the index's): never committed, written atomically (temp file, rename)
 * by a build or check of every environment, with every rule, that found every generated
 * file unchanged, no orphan, no finding of its own and no environment with an error. It
 * holds the digest of what the front end read (inputs.c: the executable's build ID, every
 * file by content, the environments), the operations the render made with what they
 * found (templates and data files read, extra/ listed), the figures that run printed,
 * and every file it produced: path, blob ID of its body, of its header, of the whole
 * file (--staged) and size.
 *
 * A later run of the same kind (out_cache_use) computes its front end's digest (the
 * front end runs in full: its findings are printed as always), and when it is the
 * cache's, does the render's operations again and compares what they find. Then, instead
 * of rendering, it checks the files on disk: each must have a stamp (out_stamp.c) that
 * vouches for it (lstat unchanged and not racy) with the cache's blob IDs and size, the
 * manifest must be the one those files make, and no interrupted build's journal may be
 * there; with --staged each index entry must have the cache's whole-file blob ID, the
 * manifest's too. All of it holding, the run prints what a full one would: the files
 * compared and unchanged, nothing else. Anything else (no cache, another build's or
 * root's or user's, a damaged one, any file not vouched for) means the full render, as
 * without a cache: the cache decides only whether the render can be skipped, never what
 * a render finds. A file edited with its mtime restored is still found: its ctime
 * changed, so its stamp no longer vouches for it.
 */
#include "inputs.h"
#include "out_int.h"
#include "out_sync_int.h"
#include "repo.h"
#include "repo_index.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RC_WORK "eragen-render"
#define RC_STAGED "eragen-render-staged"
#define RC_MAX (256u << 20)
#define RC_MAGIC "eragen-render 1"

struct rc_entry {
	const char *path;	/* into the cache's text */
	char blob[41], hh[41], whole[41];
	uint64_t size;
};

struct rcache {
	char *data;		/* the file's text (heap) */
	char digest[41], manifest[41];
	size_t files, unchanged;
	const char *records;	/* the render's operations, rlen bytes */
	size_t rlen;
	struct rc_entry *v;	/* sorted by path (heap) */
	size_t n;
};

static void rc_release(void *p)
{
	struct rcache *c = p;
	free(c->data);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* The cache's path, or NULL outside a git repository. */
static const char *rc_path(struct ctx *ctx)
{
	return cachefile_path(ctx, ctx->opt.staged ? RC_STAGED : RC_WORK);
}

/* ---- reading ---------------------------------------------------------------------- */

/* The text at *p up to the next newline, NUL-terminated in place; NULL at the end. */
static char *next_line(char **p, char *end)
{
	char *nl = *p < end ? memchr(*p, '\n', (size_t)(end - *p)) : NULL;
	if (!nl)
		return NULL;
	char *line = *p;
	*nl = '\0';
	*p = nl + 1;
	return line;
}

/* "o <blob> <header> <whole> <size> <path>" into e. */
static bool parse_entry(char *line, struct rc_entry *e)
{
	if (line[0] != 'o' || line[1] != ' ')
		return false;
	const char *s = line + 2;
	if (!ow_take_id(&s, e->blob, false) || !ow_take_id(&s, e->hh, true) ||
	    !ow_take_id(&s, e->whole, true) || !ow_take_u64(&s, &e->size, ' ') || !*s)
		return false;
	e->path = s;
	return true;
}

/* The head of the cache: magic, build ID, root, digest, figures, manifest, records. */
static bool parse_head(struct ctx *ctx, struct rcache *c, char **p, char *end)
{
	char *l = next_line(p, end);
	const char *build = inputs_build_id();
	size_t ml = strlen(RC_MAGIC), bl = build ? strlen(build) : 0;
	if (!l || !build || strncmp(l, RC_MAGIC " ", ml + 1) != 0 ||
	    strncmp(l + ml + 1, build, bl) != 0 || l[ml + 1 + bl] != ' ' ||
	    strcmp(l + ml + 2 + bl, ctx->root) != 0)
		return false;	/* another format, build or root */
	uint64_t files, unchanged, rlen;
	const char *s;
	if (!(l = next_line(p, end)) || strncmp(l, "digest ", 7) != 0 ||
	    !ow_is_hex40(l + 7, strlen(l + 7)) || l[47])
		return false;
	memcpy(c->digest, l + 7, 41);
	if (!(l = next_line(p, end)) || strncmp(l, "stats ", 6) != 0 || !(s = l + 6, true) ||
	    !ow_take_u64(&s, &files, ' ') || !ow_take_u64(&s, &unchanged, '\0'))
		return false;
	c->files = (size_t)files;
	c->unchanged = (size_t)unchanged;
	if (!(l = next_line(p, end)) || strncmp(l, "manifest ", 9) != 0 || !(s = l + 9, true) ||
	    !(strcmp(s, "-") == 0 || (ow_is_hex40(s, strlen(s)) && !s[40])))
		return false;
	strcpy(c->manifest, s);
	if (!(l = next_line(p, end)) || strncmp(l, "records ", 8) != 0 || !(s = l + 8, true) ||
	    !ow_take_u64(&s, &rlen, '\0') || rlen > (uint64_t)(end - *p) ||
	    (rlen && (*p)[rlen - 1] != '\n'))
		return false;
	c->records = *p;
	c->rlen = (size_t)rlen;
	*p += rlen;
	return true;
}

/* The cache into c, when it is for the front end's digest; false (c empty) when there
 * is none usable. A cache for other inputs (the run after an edit) is given up at its
 * head, before its records are parsed into c->v (4.7 MB at 1,000 environments). */
static bool rc_load(struct ctx *ctx, struct rcache *c, const char *digest)
{
	size_t len;
	c->data = cachefile_read(rc_path(ctx), RC_MAX, &len, NULL);
	if (!c->data)
		return false;
	char *p = c->data, *end = c->data + len, *l;
	if (memchr(c->data, '\0', len) || !parse_head(ctx, c, &p, end) ||
	    strcmp(c->digest, digest) != 0)
		return false;
	size_t cap = 0;
	while ((l = next_line(&p, end)) && strcmp(l, "end") != 0) {
		struct rc_entry e;
		if (!parse_entry(l, &e) || (c->n && strcmp(c->v[c->n - 1].path, e.path) >= 0))
			return false;	/* sorted, each path once */
		VEC_PUSH(c->v, c->n, cap, e);
	}
	return l && p == end && c->n > 0;
}

/* ---- using it --------------------------------------------------------------------- */

/* May this run use (or write) a cache: every environment, every rule, none with an
 * error, no --stage or --dry-run? */
static bool eligible(const struct ctx *ctx, const struct out_opts *o, const bool *bad)
{
	if (ctx->opt.envs || !ctx->all_rules_ran || o->stage || o->dry_run || !ctx->gitdir)
		return false;
	for (size_t i = 0; i < ctx->nenvs; i++)
		if (!ctx->envs[i]->abstract && bad[i])
			return false;
	return true;
}

/* The manifest those files make, as the sync writes it. */
static void manifest_text(const struct rcache *c, struct strbuf *sb)
{
	for (size_t i = 0; i < c->n; i++) {
		sb_add(sb, c->v[i].blob, 40);
		sb_add(sb, "  ", 2);
		sb_puts(sb, c->v[i].path);
		sb_putc(sb, '\n');
	}
}

static void walk_release(struct walk *w)
{
	sb_release(&w->last);
	sb_release(&w->abs);
	for (size_t i = 0; i < w->nrefused; i++)
		free(w->refused[i]);
	free(w->refused);
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

/* Does the stamp of e's file vouch for the cache's IDs? */
static bool vouched(struct ctx *ctx, struct walk *w, struct stamps *stamps,
		    const struct rc_entry *e)
{
	const struct stamp *p = ow_stamp_find(stamps, e->path);
	struct stat st;
	return p && ow_disk_stat(ctx, w, e->path, &st) > 0 && ow_stamp_fresh(stamps, p, &st) &&
	       strcmp(p->blob, e->blob) == 0 && strcmp(p->head, e->hh) == 0 &&
	       (uint64_t)st.st_size == e->size;
}

struct disk_check {
	struct walk w;
	struct stamps stamps;
	struct strbuf want;
};

static void disk_check_release(void *p)
{
	struct disk_check *d = p;
	walk_release(&d->w);
	ow_stamps_free(&d->stamps);
	sb_release(&d->want);
}

/* Is rel certainly absent (lstat says ENOENT)? A build's journal or lock, which a full
 * build would act on; the manifest, which a hit must find. A path too long to build is
 * not known to be absent. */
static bool absent(const struct ctx *ctx, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;
	return (size_t)snprintf(path, sizeof(path), "%s/%s", ctx->root, rel) < sizeof(path) &&
	       lstat(path, &st) != 0 && errno == ENOENT;
}

/* The work tree: no journal or lock left by a killed build, every file vouched for by its
 * stamp, the manifest read. */
static bool disk_same(struct ctx *ctx, const struct rcache *c)
{
	struct disk_check d = { .want = STRBUF_INIT };
	struct oom_guard guard;
	oom_guard_push(&guard, disk_check_release, &d);
	bool ok = absent(ctx, OUT_JOURNAL) && absent(ctx, OUT_LOCK);
	if (ok)
		ow_stamps_load(ctx, &d.stamps);
	for (size_t i = 0; ok && i < c->n; i++)
		ok = vouched(ctx, &d.w, &d.stamps, &c->v[i]);
	char *data;
	size_t len;
	if (ok) {
		manifest_text(c, &d.want);
		ok = ow_disk_read(ctx, &d.w, OUT_MANIFEST, SRC_MAX_BYTES, &data, &len) == DISK_FILE &&
		     len == d.want.len && memcmp(data, d.want.buf, len) == 0;
	}
	oom_guard_pop(&guard);
	disk_check_release(&d);
	return ok;
}

/* --staged: every index entry the whole file the cache says, the manifest too. */
static bool index_same(struct ctx *ctx, const struct rcache *c)
{
	char id[41];
	for (size_t i = 0; i < c->n; i++)
		if (repo_index_id(ctx, c->v[i].path, id) != RI_FILE ||
		    strcmp(id, c->v[i].whole) != 0)
			return false;
	return repo_index_id(ctx, OUT_MANIFEST, id) == RI_FILE && strcmp(id, c->manifest) == 0;
}

/* build --verbose: every path, unchanged. */
static void list_unchanged(const struct rcache *c, const struct out_opts *o)
{
	struct out_list l = { 0 };
	for (size_t i = 0; i < c->n; i++)
		out_list_add(&l, c->v[i].path, OUTA_UNCHANGED, NULL);
	out_list_add(&l, OUT_MANIFEST, OUTA_UNCHANGED, NULL);
	out_list_print(&l, false, o->list_all, o->list);
}

/* The test suite's evidence that the render was skipped: ERAGEN_TEST_RENDER_CACHE names
 * a file that gets a line per run, "used" or "not used". */
static void log_use(bool hit)
{
	const char *path = getenv("ERAGEN_TEST_RENDER_CACHE");
	FILE *f = path && *path ? fopen(path, "a") : NULL;
	if (f) {
		fputs(hit ? "used\n" : "not used\n", f);
		fclose(f);
	}
}

/* c is for the front end's digest (rc_load): do the render's own reads and the work tree
 * (or the index) still hold what it says? */
static bool cache_holds(struct ctx *ctx, const struct rcache *c)
{
	size_t before = ctx->ndiags;
	bool ok = inputs_still(ctx, c->records, c->rlen) &&
		  (ctx->opt.staged ? index_same(ctx, c) : disk_same(ctx, c));
	ctx->ndiags = before;	/* what was found on the way, the render finds again */
	return ok;
}

int out_cache_use(struct ctx *ctx, const struct out_opts *o, const bool *bad,
		  struct out_stats *st)
{
	char digest[41];
	bool front = inputs_front(ctx, digest);
	if (front && !eligible(ctx, o, bad))
		inputs_spoil(ctx);
	if (!front || !eligible(ctx, o, bad)) {
		log_use(false);
		return 0;
	}
	struct rcache c = { 0 };
	struct oom_guard guard;
	oom_guard_push(&guard, rc_release, &c);
	/* the cheapest misses first, before the cache is read: no manifest (a clean build)
	 * is a work tree the cache cannot vouch for */
	bool hit = (ctx->opt.staged || !absent(ctx, OUT_MANIFEST)) && rc_load(ctx, &c, digest) &&
		   cache_holds(ctx, &c);
	if (hit) {
		memset(st, 0, sizeof(*st));
		st->files = c.files;
		st->unchanged = c.unchanged;
		st->repo_done = true;
		if (o->list)
			list_unchanged(&c, o);
	}
	log_use(hit);
	oom_guard_pop(&guard);
	rc_release(&c);
	return hit;
}

/* ---- writing it ------------------------------------------------------------------- */

/* Did the sync find everything as it was, with nothing to say? */
static bool all_unchanged(const struct sync *s, bool mchanged)
{
	const struct ctx *ctx = s->ctx;
	if (mchanged || s->norphans || s->nedited || s->jexists || ctx->ndiags != s->before ||
	    s->report->len || !s->st->repo_done || !s->mexists || !s->ndone)
		return false;
	for (size_t i = 0; i < s->ndone; i++) {
		const struct done *d = &s->done[i];
		if (d->st != ST_UNCHANGED || d->forced ||
		    (ctx->opt.staged ? !d->whole[0] : !d->id.ino || !d->hh[0]))
			return false;
	}
	return true;
}

static void put_text(struct ctx *ctx, const struct sync *s, const char *digest,
		     const char *records, const char *manifest, struct strbuf *sb)
{
	sb_printf(sb, RC_MAGIC " %s %s\ndigest %s\nstats %zu %zu\nmanifest %s\nrecords %zu\n%s",
		  inputs_build_id(), ctx->root, digest, s->st->files, s->st->unchanged, manifest,
		  strlen(records), records);
	for (size_t i = 0; i < s->ndone; i++) {
		const struct done *d = &s->done[i];
		sb_printf(sb, "o %s %s %s %" PRIu64 " %s\n", d->blob, d->hh[0] ? d->hh : "-",
			  d->whole[0] ? d->whole : "-", (uint64_t)d->id.size, d->path);
	}
	sb_puts(sb, "end\n");
}

void out_cache_save(struct sync *s, bool mchanged)
{
	struct ctx *ctx = s->ctx;
	const char *digest = inputs_digest(ctx), *records = inputs_render_records(ctx);
	if (!digest || !records || !eligible(ctx, &s->o, s->bad) || !all_unchanged(s, mchanged))
		return;
	struct strbuf text = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &text);
	char manifest[41] = "-";
	/* the manifest is what the files make (the use rebuilds it), and, --staged, its ID */
	for (size_t i = 0; i < s->ndone; i++)
		sb_printf(&text, "%s  %s\n", s->done[i].blob, s->done[i].path);
	bool ok = text.len == s->mtext.len && memcmp(text.buf, s->mtext.buf, text.len) == 0 &&
		  (!ctx->opt.staged || repo_blob_id(text.buf, text.len, manifest) == 0);
	if (ok) {
		sb_reset(&text);
		put_text(ctx, s, digest, records, manifest, &text);
		cachefile_write(rc_path(ctx), text.buf, text.len);
	}
	oom_guard_pop(&guard);
	sb_release(&text);
}
