/*
 * inputs.c - the inputs of a render, recorded where they are read (inputs.h).
 *
 * Every file eragen reads goes through srcfile.c, and every directory listing the render
 * depends on through extra_list (check/extra.c): those are the choke points, and they
 * call the hooks here. The front end (load, resolve, checks) runs in full in every run,
 * so what it read is simply its file table at its end: every file registered, by path
 * and content (the SHA-1 of the text as the rest of eragen sees it), with the
 * environments found and the probes that found nothing (a data file or template the
 * repository does not override). The render reads a few more files (templates, data
 * tables, extra/ files no check read) and lists extra/ again: each such operation is
 * recorded with what it found, so that a later run can do it again and compare, without
 * rendering (inputs_still).
 *
 * What else a render depends on is folded into the digest or does not reach it: the
 * executable (its ELF build ID: a binary without one gets no cache), --staged (the
 * inputs come from the index: a cache per mode, out_cache.c), the installed data's
 * directory and the repository root. The time (SOURCE_DATE_EPOCH) and --base reach only
 * findings (an expired suppression, DRIFT), and a render is vouched for only when no
 * environment has an error; environment variables reach the render only through the
 * data directory. The back ends read nothing but through srcfile.c and extra_list.
 */
#define _GNU_SOURCE	/* dl_iterate_phdr */
#include "inputs.h"
#include "check/extra.h"
#include "repo.h"
#include "repo_index.h"

#include <elf.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

/* A file read from the git index (--staged): its blob ID, which the index gives for free. */
struct staged_id {
	uint32_t file;
	char id[41];
};

struct inputs {
	struct staged_id *staged;	/* by file id, ascending */
	size_t nstaged, capstaged;
	struct strbuf probes;	/* the front end's probes and listings */
	struct strbuf render;	/* the render's operations: "<op>\t<result>\n" */
	int depth;		/* inside an operation made of others */
	bool rendering;		/* inputs_front was called */
	bool spoiled;
	char digest[41];	/* inputs_front's, "" before */
};

void inputs_begin(struct ctx *ctx)
{
	if (getenv("ERAGEN_TEST_NO_RENDER_CACHE"))
		return;	/* the test suite's differential runs: the full render every time */
	struct inputs *in = arena_alloc(&ctx->perm, sizeof(*in));
	*in = (struct inputs){ .probes = SB_IN(&ctx->perm), .render = SB_IN(&ctx->perm) };
	ctx->inputs = in;
}

void inputs_spoil(struct ctx *ctx)
{
	if (ctx->inputs)
		ctx->inputs->spoiled = true;
}

void inputs_enter(struct ctx *ctx)
{
	if (ctx->inputs)
		ctx->inputs->depth++;
}

void inputs_leave(struct ctx *ctx)
{
	if (ctx->inputs)
		ctx->inputs->depth--;
}

/* Is s fit for a record (no tab, no line break)? Else the run is spoiled. */
static bool plain(struct inputs *in, const char *s)
{
	if (strpbrk(s, "\t\n\r"))
		in->spoiled = true;
	return !in->spoiled;
}

/* The recorder of an outermost operation, or NULL. */
static struct inputs *recording(struct ctx *ctx)
{
	struct inputs *in = ctx->inputs;
	return in && !in->spoiled && in->depth == 0 ? in : NULL;
}

/* The index's blob ID of file id, if it was read from the index (last: the last read). */
static const char *staged_id(const struct inputs *in, uint32_t file, bool last)
{
	size_t lo = last && in->nstaged ? in->nstaged - 1 : 0, hi = in->nstaged;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (in->staged[mid].file == file)
			return in->staged[mid].id;
		if (in->staged[mid].file < file)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* What an operation found: the file's path and content ID, "none" when no file. */
static void put_result(struct ctx *ctx, struct strbuf *sb, const struct srcfile *f)
{
	char id[41];
	const char *sid = f ? staged_id(ctx->inputs, f->id, true) : NULL;
	if (!f) {
		sb_puts(sb, "none\n");
		return;
	}
	if (!plain(ctx->inputs, f->path))
		return;
	if (!ctx->inputs->rendering) {	/* its content is in the file table */
		sb_printf(sb, "%s\n", f->path);
		return;
	}
	if (sid)
		sb_printf(sb, "%s\tidx:%s\n", f->path, sid);
	if (sid)
		return;
	if (!f->data)
		strcpy(id, "-");
	else if (repo_blob_id(f->data, f->len, id) != 0)
		ctx->inputs->spoiled = true;
	sb_printf(sb, "%s\t%s\n", f->path, id);
}

static struct strbuf *log_of(struct inputs *in)
{
	return in->rendering ? &in->render : &in->probes;
}

void inputs_data(struct ctx *ctx, const char *rel, bool asked, const struct srcfile *f)
{
	struct inputs *in = recording(ctx);
	if (!in || !plain(in, rel))
		return;
	sb_printf(log_of(in), "D%d %s\t", asked, rel);
	put_result(ctx, log_of(in), f);
}

void inputs_other(struct ctx *ctx)
{
	struct inputs *in = recording(ctx);
	if (in && in->rendering)
		in->spoiled = true;
}

/* A file read from the index: its blob ID kept, so that it need not be hashed. */
static void keep_staged(struct ctx *ctx, const char *rel, const struct srcfile *f)
{
	struct inputs *in = ctx->inputs;
	struct staged_id e = { .file = f->id };
	if (!in || in->spoiled || !ctx->opt.staged || !f->data ||
	    (in->nstaged && in->staged[in->nstaged - 1].file >= f->id) ||
	    repo_index_id(ctx, rel, e.id) != RI_FILE)
		return;
	ARENA_PUSH(&ctx->perm, in->staged, in->nstaged, in->capstaged, e);
}

void inputs_read(struct ctx *ctx, const char *rel, const struct srcfile *f)
{
	if (f)
		keep_staged(ctx, rel, f);
	struct inputs *in = recording(ctx);
	if (!in || !plain(in, rel))
		return;
	sb_printf(log_of(in), "R %s\t", rel);
	put_result(ctx, log_of(in), f);
}

void inputs_list(struct ctx *ctx, const char *env, const char *stack,
		 const char *const *names, size_t n)
{
	struct inputs *in = recording(ctx);
	if (!in || !plain(in, env) || !plain(in, stack) || strchr(stack, ' '))
		return;
	struct strbuf *sb = log_of(in);
	sb_printf(sb, "X %s %s\t%zu", stack, env, n);
	for (size_t i = 0; i < n; i++)
		if (plain(in, names[i]))
			sb_printf(sb, "/%s", names[i]);
	sb_putc(sb, '\n');
}

/* ---- the build ID ------------------------------------------------------------------ */

struct note_scan {
	char hex[2 * 64 + 1];
	bool done;
};

/* The NT_GNU_BUILD_ID note in n bytes of notes at p. */
static void scan_notes(struct note_scan *ns, const unsigned char *p, size_t n)
{
	size_t off = 0;
	while (off + sizeof(ElfW(Nhdr)) <= n) {
		ElfW(Nhdr) h;
		memcpy(&h, p + off, sizeof(h));
		size_t name = off + sizeof(h), nsz = (h.n_namesz + 3u) & ~3u;
		size_t desc = name + nsz, dsz = (h.n_descsz + 3u) & ~3u;
		if (desc + dsz > n || desc < name)
			return;
		if (h.n_type == NT_GNU_BUILD_ID && h.n_namesz == 4 &&
		    memcmp(p + name, "GNU", 4) == 0 && h.n_descsz > 0 && h.n_descsz <= 64) {
			for (size_t i = 0; i < h.n_descsz; i++)
				snprintf(ns->hex + 2 * i, 3, "%02x", p[desc + i]);
			return;
		}
		off = desc + dsz;
	}
}

/* The first object is the executable itself. */
static int phdr_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct note_scan *ns = arg;
	(void)size;
	if (ns->done)
		return 1;
	ns->done = true;
	for (int i = 0; i < info->dlpi_phnum && !ns->hex[0]; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_NOTE)
			scan_notes(ns, (const unsigned char *)(info->dlpi_addr + ph->p_vaddr),
				   ph->p_memsz);
	}
	return 1;
}

const char *inputs_build_id(void)
{
	static struct note_scan ns;
	static bool tried;
	if (!tried) {
		tried = true;
		dl_iterate_phdr(phdr_cb, &ns);
	}
	return ns.hex[0] ? ns.hex : NULL;
}

/* ---- the digest and the render's operations ---------------------------------------- */

/* What the front end found, in sb. false when it cannot be vouched for. */
static bool front_text(struct ctx *ctx, struct strbuf *sb, const char *build)
{
	sb_printf(sb, "eragen-inputs 1\nbuild %s\nstaged %d\ndatadir %s\nroot %s\n", build,
		  ctx->opt.staged, ctx->datadir ? ctx->datadir : "", ctx->root);
	for (size_t i = 0; i < ctx->nenvs; i++) {
		const struct env *e = ctx->envs[i];
		sb_printf(sb, "env %s\t%d\t%s\n", e->name, e->abstract, e->dir);
	}
	sb_add(sb, ctx->inputs->probes.buf ? ctx->inputs->probes.buf : "",
	       ctx->inputs->probes.len);
	for (size_t id = 1; id < ctx->nfiles; id++) {
		const struct srcfile *f = ctx->files[id];
		char blob[41] = "-";
		const char *sid = staged_id(ctx->inputs, (uint32_t)id, false);
		if (sid)
			sb_printf(sb, "file %s\tidx:%s\n", f->path, sid);
		else if (f->data && repo_blob_id(f->data, f->len, blob) != 0)
			return false;
		else
			sb_printf(sb, "file %s\t%s\n", f->path, blob);
	}
	return true;
}

bool inputs_front(struct ctx *ctx, char digest[41])
{
	struct inputs *in = ctx->inputs;
	const char *build = inputs_build_id();
	if (!in || in->rendering)
		return false;
	in->rendering = true;
	if (in->spoiled || !build || !ctx->root)
		return false;
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &sb);
	bool ok = front_text(ctx, &sb, build) && repo_blob_id(sb.buf, sb.len, digest) == 0;
	oom_guard_pop(&guard);
	sb_release(&sb);
	if (!ok)
		in->spoiled = true;
	else
		memcpy(in->digest, digest, sizeof(in->digest));
	return ok && !in->spoiled;
}

const char *inputs_digest(const struct ctx *ctx)
{
	const struct inputs *in = ctx->inputs;
	return in && !in->spoiled && in->digest[0] ? in->digest : NULL;
}

const char *inputs_render_records(const struct ctx *ctx)
{
	const struct inputs *in = ctx->inputs;
	if (!in || in->spoiled || !in->rendering)
		return NULL;
	return in->render.buf ? in->render.buf : "";
}

/*
 * --staged: what a read of rel from the index would record, from the index entry alone
 * (one with the blob ID recorded holds the bytes read then: it is accepted again), into
 * sb. false when that needs the read itself.
 */
static bool redo_staged(struct ctx *ctx, const char *s, struct strbuf *sb)
{
	char id[41];
	bool data = s[0] == 'D';
	const char *rel = s + (data ? 3 : 2);
	if (!ctx->opt.staged || !ctx->root || !path_stays_inside(rel) ||
	    (data && !repo_input_exists(ctx, rel)) || repo_index_id(ctx, rel, id) != RI_FILE)
		return false;
	sb_printf(sb, "%s\t%s\tidx:%s\n", s, rel, id);
	return true;
}

/* Do the operation op (n bytes, without its result) again: recorded at the end of
 * in->render. false when it is not one. */
static bool redo(struct ctx *ctx, const char *op, size_t n)
{
	char *s = arena_strndup(&ctx->perm, op, n);
	bool data = n > 3 && s[0] == 'D' && (s[1] == '0' || s[1] == '1') && s[2] == ' ';
	if ((data || (n > 2 && s[0] == 'R' && s[1] == ' ')) &&
	    redo_staged(ctx, s, &ctx->inputs->render))
		return true;
	if (n > 3 && s[0] == 'D' && (s[1] == '0' || s[1] == '1') && s[2] == ' ') {
		bool exists;
		const struct srcfile *f = srcfile_read_data(ctx, s + 3, s[1] == '1' ? &exists : NULL);
		(void)f;
		return true;
	}
	if (n > 2 && s[0] == 'R' && s[1] == ' ') {
		srcfile_read(ctx, s + 2, (struct loc){ 0 });
		return true;
	}
	char *sp = n > 2 && s[0] == 'X' && s[1] == ' ' ? strchr(s + 2, ' ') : NULL;
	if (!sp)
		return false;
	*sp = '\0';
	struct env *e = ctx_env(ctx, sp + 1);
	if (!e)
		return false;
	size_t count;
	extra_list(ctx, e, s + 2, &count);
	return true;
}

bool inputs_still(struct ctx *ctx, const char *records, size_t len)
{
	struct inputs *in = ctx->inputs;
	if (!in || in->spoiled || !in->rendering)
		return false;
	size_t before = ctx->ndiags, nfiles = ctx->nfiles, start = in->render.len;
	size_t nstaged = in->nstaged;
	bool ok = true;
	for (size_t pos = 0; ok && pos < len;) {
		const char *nl = memchr(records + pos, '\n', len - pos);
		const char *tab = nl ? memchr(records + pos, '\t', (size_t)(nl - records) - pos) : NULL;
		size_t mark = in->render.len;
		if (!tab || !redo(ctx, records + pos, (size_t)(tab - records) - pos)) {
			ok = false;
			break;
		}
		size_t line = (size_t)(nl - records) + 1 - pos;
		ok = !in->spoiled && in->render.len - mark == line &&
		     memcmp(in->render.buf + mark, records + pos, line) == 0;
		pos += line;
	}
	/* what was read to compare is not the render's: a failed read, the render makes
	 * and reports again; a file read, the render reads and records itself */
	ctx->ndiags = before;
	srcfile_forget(ctx, nfiles);
	in->nstaged = nstaged;	/* (their ids will be other files') */
	if (!ok && in->render.buf) {
		in->render.len = start;
		in->render.buf[start] = '\0';
	}
	return ok;
}
