/*
 * srcfile.c - input files, read once: size limit, encoding checks, line table.
 *
 * Every input (specs, _defaults.yaml, SOPS files, schemas) goes through here, so the
 * SPEC012 checks happen in one place: a file must stay inside the repository, be at most
 * SRC_MAX_BYTES, be UTF-8 without NUL bytes (a UTF-8 BOM is dropped, CRLF and a lone CR
 * become LF).
 * Columns are counted in code points, like libyaml's marks. With --staged
 * (ctx->opt.staged) a repository path is read from the git index instead of the work
 * tree (repo_index.c), with the same checks and the same path shown. Each read is
 * recorded as an input of the run (inputs.c: the render cache's digest).
 */
#include "eragen.h"
#include "inputs.h"
#include "repo_index.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

void text_linecol(const char *s, size_t len, size_t off, uint32_t *line, uint32_t *col)
{
	uint32_t l = 1;
	size_t start = 0;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		/* a line ends at LF, CRLF or a lone CR, as src_accept and libyaml count */
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n'))) {
			l++;
			start = i + 1;
		}
	}
	*line = l;
	*col = (uint32_t)utf8_count(s + start, off - start) + 1;
}

static struct loc file_loc(uint32_t id, uint32_t line, uint32_t col)
{
	return (struct loc){ .file = id, .line = line, .col = col };
}

/* ---- the files by path: open addressing over ids, FNV-1a, at most half full ---- */

static size_t path_hash(const char *s)
{
	return (size_t)str_hash(s, strlen(s));
}

/* Put f in the table; a path registered again replaces the older file. */
static void slot_put(struct ctx *ctx, const struct srcfile *f)
{
	size_t mask = ctx->nslots - 1, i = path_hash(f->path) & mask;
	while (ctx->file_slots[i] && strcmp(ctx->files[ctx->file_slots[i]]->path, f->path) != 0)
		i = (i + 1) & mask;
	ctx->file_slots[i] = f->id;
}

static void index_file(struct ctx *ctx, const struct srcfile *f)
{
	if (2 * ctx->nfiles > ctx->nslots) {
		size_t n = ctx->nslots ? 2 * ctx->nslots : 64;
		uint32_t *slots = xcalloc(n, sizeof(*slots));
		free(ctx->file_slots);
		ctx->file_slots = slots;
		ctx->nslots = n;
		for (size_t id = 1; id < ctx->nfiles; id++)	/* in order: the latest wins */
			slot_put(ctx, ctx->files[id]);
		return;	/* f (already in ctx->files) was put too */
	}
	slot_put(ctx, f);
}

void srcfile_forget(struct ctx *ctx, size_t n)
{
	if (n >= ctx->nfiles)
		return;
	ctx->nfiles = n;
	if (ctx->nslots)
		memset(ctx->file_slots, 0, ctx->nslots * sizeof(*ctx->file_slots));
	for (size_t id = 1; id < ctx->nfiles; id++)	/* in order: the latest wins */
		slot_put(ctx, ctx->files[id]);
}

struct srcfile *srcfile_find(const struct ctx *ctx, const char *path)
{
	if (!ctx->nslots)
		return NULL;
	size_t mask = ctx->nslots - 1, i = path_hash(path) & mask;
	for (; ctx->file_slots[i]; i = (i + 1) & mask)
		if (strcmp(ctx->files[ctx->file_slots[i]]->path, path) == 0)
			return ctx->files[ctx->file_slots[i]];
	return NULL;
}

const struct node *srcfile_json(struct ctx *ctx, struct srcfile *f)
{
	if (!f->json_tried) {
		f->json_tried = true;
		f->json = f->data ? json_to_node(&ctx->perm, f->data, f->len, f->id) : NULL;
	}
	return f->json;
}

static struct srcfile *register_file(struct ctx *ctx, const char *relpath)
{
	struct srcfile *f = arena_alloc(&ctx->perm, sizeof(*f));
	f->path = arena_strdup(&ctx->perm, relpath);
	if (ctx->nfiles == 0)
		VEC_PUSH(ctx->files, ctx->nfiles, ctx->capfiles, NULL);	/* id 0: none */
	f->id = (uint32_t)ctx->nfiles;
	VEC_PUSH(ctx->files, ctx->nfiles, ctx->capfiles, f);
	index_file(ctx, f);
	return f;
}

/*
 * The column index of a file with non-ASCII text: srcfile_offset turns a line and a
 * column (code points) into a byte offset without reading the line from its start, so
 * that many findings on one long line cost each the same. Linear in the file, once.
 */
/*
 * Check and normalise raw bytes; on success f->data/len/lines are set. Problems are
 * reported at the file (the offending byte's line and column where there is one).
 */
static bool src_accept(struct ctx *ctx, struct srcfile *f, const char *raw, size_t len)
{
	const unsigned char *u = (const unsigned char *)raw;
	if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
		diag_add(ctx, "SPEC012", NULL, file_loc(f->id, 0, 0),
			 "'%s' is UTF-16: only UTF-8 is supported", f->path);
		return false;
	}
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		raw += 3;
		len -= 3;
	}
	const char *nul = memchr(raw, '\0', len);
	if (nul) {
		uint32_t line, col;
		text_linecol(raw, len, (size_t)(nul - raw), &line, &col);
		diag_add(ctx, "SPEC012", NULL, file_loc(f->id, line, col),
			 "'%s' contains a NUL byte: not a text file", f->path);
		return false;
	}
	size_t bad = utf8_check(raw, len);
	if (bad != (size_t)-1) {
		uint32_t line, col;
		text_linecol(raw, len, bad, &line, &col);
		diag_add(ctx, "SPEC012", NULL, file_loc(f->id, line, col),
			 "'%s' is not valid UTF-8 (byte 0x%02x at offset %zu)", f->path,
			 (unsigned)(unsigned char)raw[bad], bad);
		return false;
	}

	/* Copy, turning CRLF and a lone CR into LF (YAML's line breaks: libyaml counts its
	 * lines so, and the line table must agree); count lines on the way. */
	char *data = arena_alloc(&ctx->perm, len + 1);
	size_t n = 0, nlines = 1;
	if (!memchr(raw, '\r', len)) {	/* the usual case: a plain copy */
		if (len)
			memcpy(data, raw, len);
		n = len;
		for (const char *p = data; (p = memchr(p, '\n', (size_t)(data + n - p))); p++)
			nlines++;
	} else {
		for (size_t i = 0; i < len; i++) {
			if (raw[i] == '\r' && i + 1 < len && raw[i + 1] == '\n') {
				f->crlf = true;
				continue;
			}
			char c = raw[i] == '\r' ? '\n' : raw[i];
			if (c == '\n')
				nlines++;
			data[n++] = c;
		}
	}
	data[n] = '\0';
	if (nlines > UINT32_MAX - 1) {
		diag_add(ctx, "SPEC012", NULL, file_loc(f->id, 0, 0), "'%s' has too many lines",
			 f->path);
		return false;
	}
	f->data = data;
	f->len = n;
	f->lines = arena_alloc(&ctx->perm, nlines * sizeof(*f->lines));
	f->nlines = 0;
	f->lines[f->nlines++] = 0;
	for (const char *p = data; f->nlines < nlines && (p = memchr(p, '\n', (size_t)(data + n - p)));
	     p++)
		f->lines[f->nlines++] = (uint32_t)(p - data + 1);
	f->cps = arena_alloc(&ctx->perm, (n / SRC_CP_BLOCK + 1) * sizeof(*f->cps));
	for (size_t b = 1, c = 0; b <= n / SRC_CP_BLOCK; b++) {
		c += utf8_count(data + (b - 1) * SRC_CP_BLOCK, SRC_CP_BLOCK);
		f->cps[b] = (uint32_t)c;
	}
	return true;
}

struct srcfile *srcfile_from_mem(struct ctx *ctx, const char *relpath, const char *data,
				 size_t len, struct loc at)
{
	struct srcfile *f = register_file(ctx, relpath);
	if (len > SRC_MAX_BYTES) {
		diag_add(ctx, "SPEC012", NULL, at.file ? at : file_loc(f->id, 0, 0),
			 "'%s' is too large (%zu bytes, at most %u)", relpath, len,
			 SRC_MAX_BYTES);
		return NULL;
	}
	return src_accept(ctx, f, data, len) ? f : NULL;
}

bool path_real_inside(const struct ctx *ctx, const char *real)
{
	size_t rl = strlen(ctx->root);
	if (strncmp(real, ctx->root, rl) != 0 || (real[rl] != '/' && real[rl] != '\0'))
		return false;
	/* no component named .git (any case: one directory on a case-insensitive file
	 * system): the repository's own files, a submodule's, never inputs or outputs */
	for (const char *s = real + rl; *s;) {
		s += *s == '/';
		size_t n = strcspn(s, "/");
		if (n == 4 && strncasecmp(s, ".git", 4) == 0)
			return false;
		s += n;
	}
	return true;
}

const char *path_link_problem(const struct ctx *ctx, const char *abspath)
{
	char real[PATH_MAX];
	if (!realpath(abspath, real) || path_real_inside(ctx, real))
		return NULL;	/* (when it cannot be resolved, open() says what is wrong) */
	size_t rl = strlen(ctx->root);
	return strncmp(real, ctx->root, rl) == 0 && (real[rl] == '/' || real[rl] == '\0')
		       ? "leads into a .git directory"
		       : "leads out of the repository";
}

/* Whether abspath is its own real path but for symbolic links: absolute, and no
 * component empty, "." or "..". */
static bool path_canonical(const char *abspath)
{
	if (abspath[0] != '/')
		return false;
	for (const char *s = abspath + 1;; s++) {
		size_t n = strcspn(s, "/");
		if (n == 0 || (s[0] == '.' && (n == 1 || (n == 2 && s[1] == '.'))))
			return false;
		s += n;
		if (!*s)
			return true;
	}
}

/* abspath opened for reading when no component of it is a symbolic link (the kernel
 * refuses one: RESOLVE_NO_SYMLINKS) and it is canonical: then it is its real path, and
 * path_link_problem would have judged it as path_real_inside does here, without a
 * readlink of each component. -1 for every other case (a link, an error, no openat2),
 * which takes the long way: path_link_problem, then open. */
static int open_plain(const struct ctx *ctx, const char *abspath)
{
#ifdef SYS_openat2
	struct open_how how = { .flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS };
	if (!path_canonical(abspath) || !path_real_inside(ctx, abspath))
		return -1;
	long fd = syscall(SYS_openat2, AT_FDCWD, abspath, &how, sizeof(how));
	return fd >= 0 && fd <= INT_MAX ? (int)fd : -1;
#else
	(void)ctx;
	(void)abspath;
	return -1;
#endif
}

bool path_stays_inside(const char *p)
{
	if (p[0] == '/')
		return false;
	for (const char *s = p; *s;) {
		const char *slash = strchr(s, '/');
		size_t len = slash ? (size_t)(slash - s) : strlen(s);
		if (len == 2 && s[0] == '.' && s[1] == '.')
			return false;
		s += len + (slash != NULL);
	}
	return true;
}

/* What read_into holds while it reads: its guard's release, and its end. */
struct reading {
	int fd;
	char *buf;
};

static void reading_release(void *arg)
{
	struct reading *rd = arg;
	if (rd->fd >= 0)
		close(rd->fd);
	free(rd->buf);
	rd->fd = -1;
	rd->buf = NULL;
}

/* Read abspath into f (registered as shown); SPEC012 at where on any problem. The file
 * and the buffer are guarded: diagnostics and the copy into the arena allocate. */
static struct srcfile *read_into(struct ctx *ctx, struct srcfile *f, const char *abspath,
				 int fd, struct loc where)
{
	const char *shown = f->path;
	/* O_NONBLOCK: a FIFO in place of the file must be refused below, not waited on */
	struct reading rd = { fd >= 0 ? fd : open(abspath, O_RDONLY | O_NONBLOCK | O_CLOEXEC),
			      NULL };
	if (rd.fd < 0) {
		diag_add(ctx, "SPEC012", NULL, where, "cannot read '%s': %s", shown,
			 strerror(errno));
		return NULL;
	}
	struct oom_guard guard;
	oom_guard_push(&guard, reading_release, &rd);
	struct srcfile *ok = NULL;
	struct stat st;
	if (fstat(rd.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		diag_add(ctx, "SPEC012", NULL, where, "'%s' is not a regular file", shown);
		goto out;
	}
	if ((uint64_t)st.st_size > SRC_MAX_BYTES) {
		diag_add(ctx, "SPEC012", NULL, where,
			 "'%s' is too large (%lld bytes, at most %u)", shown,
			 (long long)st.st_size, SRC_MAX_BYTES);
		goto out;
	}
	/* Read up to the limit + 1, in case the file grows while we read it. */
	size_t cap = (size_t)st.st_size + 1, len = 0;
	rd.buf = xmalloc(cap);
	for (;;) {
		ssize_t r = read(rd.fd, rd.buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			diag_add(ctx, "SPEC012", NULL, where, "cannot read '%s': %s", shown,
				 strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == cap) {
			if (cap > SRC_MAX_BYTES) {
				diag_add(ctx, "SPEC012", NULL, where,
					 "'%s' is too large (more than %u bytes)", shown,
					 SRC_MAX_BYTES);
				goto out;
			}
			vec_grow((void **)&rd.buf, &cap, cap * 2, 1);
		}
	}
	close(rd.fd);
	rd.fd = -1;
	if (src_accept(ctx, f, rd.buf, len))
		ok = f;
out:
	oom_guard_pop(&guard);
	reading_release(&rd);
	return ok;
}

/* The staged blob of f->path (relative to ctx->root) into f; SPEC012 at where. */
static struct srcfile *read_staged(struct ctx *ctx, struct srcfile *f, struct loc where)
{
	const char *shown = f->path, *data;
	size_t len;
	switch (repo_index_read(ctx, shown, SRC_MAX_BYTES, &data, &len)) {
	case RI_FILE:
		break;
	case RI_ABSENT:
		diag_add(ctx, "SPEC012", NULL, where, "cannot read '%s': it is not in the index",
			 shown);
		return NULL;
	case RI_CONFLICT: {
		struct diag *d = diag_add(ctx, "SPEC012", NULL, where,
					  "'%s' has an unresolved merge conflict in the index", shown);
		diag_help(ctx, d, "resolve the conflict, then 'git add %s'", shown);
		return NULL;
	}
	case RI_NOT_FILE:
		diag_add(ctx, "SPEC012", NULL, where,
			 "'%s' is not a regular file in the index (a symbolic link or a submodule)",
			 shown);
		return NULL;
	case RI_TOO_LARGE:
		diag_add(ctx, "SPEC012", NULL, where, "'%s' is too large (%zu bytes, at most %u)",
			 shown, len, SRC_MAX_BYTES);
		return NULL;
	case RI_ERROR:
	default:
		diag_add(ctx, "SPEC012", NULL, where, "cannot read '%s' from the index: %s", shown,
			 repo_index_error(ctx));
		return NULL;
	}
	/* src_accept copies the bytes: the blob stays valid until the next index read */
	return src_accept(ctx, f, data, len) ? f : NULL;
}

static struct srcfile *read_rel(struct ctx *ctx, const char *relpath, struct loc at)
{
	struct srcfile *f = register_file(ctx, relpath);
	struct loc where = at.file ? at : file_loc(f->id, 0, 0);
	if (!path_stays_inside(relpath)) {
		diag_add(ctx, "SPEC012", NULL, where, "'%s' leaves the repository", relpath);
		return NULL;
	}
	if (ctx->opt.staged)
		return read_staged(ctx, f, where);
	char *abspath = arena_printf(&ctx->perm, "%s/%s", ctx->root, relpath);
	int fd = open_plain(ctx, abspath);
	if (fd >= 0)
		return read_into(ctx, f, abspath, fd, where);
	const char *why = path_link_problem(ctx, abspath);
	if (why) {
		diag_add(ctx, "SPEC012", NULL, where, "'%s' is a symbolic link that %s", relpath,
			 why);
		return NULL;
	}
	return read_into(ctx, f, abspath, -1, where);
}

/* Every read of a repository file is an input of the run (inputs.c). */
struct srcfile *srcfile_read(struct ctx *ctx, const char *relpath, struct loc at)
{
	struct srcfile *f = read_rel(ctx, relpath, at);
	inputs_read(ctx, relpath, f);
	return f;
}

struct srcfile *srcfile_read_abs(struct ctx *ctx, const char *abspath, struct loc at)
{
	inputs_other(ctx);
	struct srcfile *f = register_file(ctx, abspath);
	return read_into(ctx, f, abspath, -1, at.file ? at : file_loc(f->id, 0, 0));
}

const struct srcfile *srcfile_get(const struct ctx *ctx, uint32_t id)
{
	return id && id < ctx->nfiles ? ctx->files[id] : NULL;
}

const char *srcfile_line(const struct srcfile *f, uint32_t line, size_t *len)
{
	if (!f || !f->data || line == 0 || line > f->nlines) {
		*len = 0;
		return "";
	}
	size_t start = f->lines[line - 1];
	size_t end = line < f->nlines ? f->lines[line] - 1 : f->len;
	*len = end - start;
	return f->data + start;
}

/* The binary search of the line and column tables: the last index in [lo, hi] whose
 * value is at most want (lo when none is; the tables are sorted). */
static size_t last_at_most(const uint32_t *v, size_t lo, size_t hi, size_t want)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;
		if (v[mid] <= want)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* Code points of f before byte off. */
static size_t cps_before(const struct srcfile *f, size_t off)
{
	size_t b = off / SRC_CP_BLOCK;
	return f->cps[b] + utf8_count(f->data + b * SRC_CP_BLOCK, off - b * SRC_CP_BLOCK);
}

/* Is line one of f's? (libyaml counts a lone CR as a line break, the line table does
 * not: a mark may name a line past the last) */
static bool has_line(const struct srcfile *f, uint32_t line)
{
	return f && f->data && f->cps && line >= 1 && line <= f->nlines;
}

size_t srcfile_offset(const struct srcfile *f, uint32_t line, uint32_t col)
{
	if (!has_line(f, line))
		return f && f->data ? f->len : 0;
	size_t len;
	const char *s = srcfile_line(f, line, &len);
	size_t start = (size_t)(s - f->data), end = start + len;
	if (col <= 1)
		return start;
	/* the character col starts where the count of code points since the line start
	 * reaches col: the block holding it first, then its bytes */
	size_t want = cps_before(f, start) + col - 1;
	size_t lo = last_at_most(f->cps, start / SRC_CP_BLOCK, end / SRC_CP_BLOCK, want);
	size_t i = lo * SRC_CP_BLOCK > start ? lo * SRC_CP_BLOCK : start;
	size_t c = cps_before(f, i);
	for (; i < end; i++) {
		if (((unsigned char)f->data[i] & 0xc0) != 0x80 && c++ == want)
			return i;
	}
	return end;
}

struct loc srcfile_loc(const struct srcfile *f, size_t off)
{
	if (!f->data || !f->cps)
		return (struct loc){ .file = f->id };
	uint32_t lo = (uint32_t)last_at_most(f->lines, 0, f->nlines ? f->nlines - 1 : 0, off);
	size_t start = f->nlines ? f->lines[lo] : 0;
	if (off > f->len)
		off = f->len;
	return (struct loc){ .file = f->id, .line = lo + 1,
			     .col = (uint32_t)(cps_before(f, off) - cps_before(f, start)) + 1 };
}

uint32_t srcfile_line_cols(const struct srcfile *f, uint32_t line)
{
	if (!has_line(f, line))
		return 0;
	size_t len;
	const char *s = srcfile_line(f, line, &len);
	size_t start = (size_t)(s - f->data);
	return (uint32_t)(cps_before(f, start + len) - cps_before(f, start));
}

static struct srcfile *read_data(struct ctx *ctx, const char *relpath, bool *exists)
{
	if (ctx->root && repo_input_exists(ctx, relpath)) {
		if (exists)
			*exists = true;
		return srcfile_read(ctx, relpath, (struct loc){ 0 });
	}
	char *inst = arena_printf(&ctx->perm, "%s/%s", ctx->datadir ? ctx->datadir : "", relpath);
	struct stat st;
	bool there = ctx->datadir && stat(inst, &st) == 0;
	if (exists)
		*exists = there;
	if (!there && exists)
		return NULL;	/* the caller says what a missing file means */
	return srcfile_read_abs(ctx, inst, (struct loc){ 0 });
}

/* One input of the run (inputs.c), whichever file it turned out to be, or none. */
struct srcfile *srcfile_read_data(struct ctx *ctx, const char *relpath, bool *exists)
{
	inputs_enter(ctx);
	struct srcfile *f = read_data(ctx, relpath, exists);
	inputs_leave(ctx);
	inputs_data(ctx, relpath, exists != NULL, f);
	return f;
}
